//! What the public transparency page (`/transparency`) shows of the verifiable draws. One rule,
//! [`disclosure`], decides it for the page, its JSON and the evidence downloads alike: an overt
//! draw shows its commitment from the start; a covert round (暗访) shows nothing until it ends,
//! since even its existence and timing would warn the units; once ended, a draw shows its seed,
//! its snapshot's digest and (when [`crate::inspection::release_evidence`] allows) its evidence.

use crate::ids::{ReinspectionId, RoundId};
use crate::inspection::RoundStatus;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How much of a draw the public may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Disclosure {
    Nothing,
    /// The seed's commitment (and what names the draw), fixed before the draw.
    Commitment,
    /// The commitment, the revealed seed, the snapshot's digest and the evidence file.
    Everything,
}

pub fn disclosure(covert: bool, status: RoundStatus) -> Disclosure {
    match (covert, status) {
        (_, RoundStatus::Ended) => Disclosure::Everything,
        (true, _) => Disclosure::Nothing,
        (false, _) => Disclosure::Commitment,
    }
}

/// A round as stored, before anything is withheld.
#[derive(Debug, Clone)]
pub struct RoundRecord {
    pub id: RoundId,
    pub plan_name: String,
    pub number: u32,
    pub scheduled_on: NaiveDate,
    pub covert: bool,
    pub status: RoundStatus,
    pub seed_commitment: String,
    pub seed: Option<String>,
    pub snapshot_digest: String,
    pub ended_at: Option<Timestamp>,
    /// Whether its evidence is released (`release_evidence`).
    pub evidence_released: bool,
}

/// A round as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicRound {
    pub id: RoundId,
    pub plan_name: String,
    pub number: u32,
    pub scheduled_on: NaiveDate,
    /// A covert round (暗访) is listed only once it has ended.
    pub covert: bool,
    pub status: RoundStatus,
    /// SHA-256 of the seed, fixed before the draw.
    pub seed_commitment: String,
    /// Revealed when the round ends.
    pub seed: Option<String>,
    /// SHA-256 of the pool snapshot the draw was made from; shown once the round ends.
    pub snapshot_digest: Option<String>,
    pub ended_at: Option<Timestamp>,
    /// Whether the evidence file can be downloaded now (`/transparency/rounds/{id}/evidence.json`).
    pub evidence: bool,
}

impl RoundRecord {
    /// What the public sees of this round, if anything.
    pub fn disclose(self) -> Option<PublicRound> {
        let shown = disclosure(self.covert, self.status);
        let all = shown == Disclosure::Everything;
        (shown > Disclosure::Nothing).then(|| PublicRound {
            id: self.id,
            plan_name: self.plan_name,
            number: self.number,
            scheduled_on: self.scheduled_on,
            covert: self.covert,
            status: self.status,
            seed_commitment: self.seed_commitment,
            seed: self.seed.filter(|_| all),
            snapshot_digest: all.then_some(self.snapshot_digest),
            ended_at: self.ended_at.filter(|_| all),
            evidence: all && self.evidence_released,
        })
    }
}

/// A re-inspection as stored, before anything is withheld (re-inspections are never covert).
#[derive(Debug, Clone)]
pub struct ReinspectionRecord {
    pub id: ReinspectionId,
    pub name: String,
    pub closed_from: NaiveDate,
    pub closed_to: NaiveDate,
    pub share_percent: u32,
    pub status: RoundStatus,
    pub seed_commitment: String,
    pub seed: Option<String>,
    pub population_digest: String,
    /// The last check, which ended it.
    pub ended_at: Option<Timestamp>,
}

/// A re-inspection (整改回头看) as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReinspection {
    pub id: ReinspectionId,
    pub name: String,
    /// The period whose closed problems were sampled.
    pub closed_from: NaiveDate,
    pub closed_to: NaiveDate,
    pub share_percent: u32,
    pub status: RoundStatus,
    pub seed_commitment: String,
    /// Revealed when the last check is in.
    pub seed: Option<String>,
    /// SHA-256 of the population sampled from; shown once it ends.
    pub population_digest: Option<String>,
    pub ended_at: Option<Timestamp>,
    /// Whether the evidence file can be downloaded now
    /// (`/transparency/reinspections/{id}/evidence.json`).
    pub evidence: bool,
}

impl ReinspectionRecord {
    pub fn disclose(self) -> Option<PublicReinspection> {
        let shown = disclosure(false, self.status);
        let all = shown == Disclosure::Everything;
        (shown > Disclosure::Nothing).then(|| PublicReinspection {
            id: self.id,
            name: self.name,
            closed_from: self.closed_from,
            closed_to: self.closed_to,
            share_percent: self.share_percent,
            status: self.status,
            seed_commitment: self.seed_commitment,
            seed: self.seed.filter(|_| all),
            population_digest: all.then_some(self.population_digest),
            ended_at: self.ended_at.filter(|_| all),
            evidence: all,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RoundStatus::*;

    fn round(covert: bool, status: RoundStatus) -> RoundRecord {
        RoundRecord {
            id: RoundId(7),
            plan_name: "三月 上下班纪律".into(),
            number: 2,
            scheduled_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            covert,
            status,
            seed_commitment: "c".repeat(64),
            // The store holds Rectify's seed from the commitment on: only the end reveals it.
            seed: Some("secret seed".into()),
            snapshot_digest: "d".repeat(64),
            ended_at: None,
            evidence_released: true,
        }
    }

    #[test]
    fn every_status_of_overt_and_covert_rounds() {
        for status in RoundStatus::ALL {
            for covert in [false, true] {
                let shown = round(covert, status).disclose();
                match (covert, status) {
                    (true, Committed | Drawn) => assert_eq!(shown, None, "a covert round is not even listed"),
                    (false, Committed | Drawn) => {
                        let r = shown.unwrap();
                        assert_eq!(r.seed_commitment, "c".repeat(64));
                        assert_eq!((r.seed, r.snapshot_digest, r.evidence), (None, None, false));
                    }
                    (_, Ended) => {
                        let r = shown.unwrap();
                        assert_eq!(r.seed.as_deref(), Some("secret seed"));
                        assert_eq!(r.snapshot_digest, Some("d".repeat(64)));
                        assert!(r.evidence);
                    }
                }
            }
        }
        let held = RoundRecord { evidence_released: false, ..round(false, Ended) }.disclose().unwrap();
        assert!(!held.evidence && held.seed.is_some(), "held evidence still shows the seed");
    }

    #[test]
    fn a_reinspection_shows_its_commitment_then_everything() {
        let r = |status| ReinspectionRecord {
            id: ReinspectionId(3),
            name: "三月整改回头看".into(),
            closed_from: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            closed_to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
            share_percent: 10,
            status,
            seed_commitment: "c".repeat(64),
            seed: Some("seed".into()),
            population_digest: "p".repeat(64),
            ended_at: None,
        };
        let drawn = r(Drawn).disclose().unwrap();
        assert_eq!((drawn.seed, drawn.population_digest, drawn.evidence), (None, None, false));
        let ended = r(Ended).disclose().unwrap();
        assert_eq!((ended.seed.as_deref(), ended.evidence), (Some("seed"), true));
    }
}
