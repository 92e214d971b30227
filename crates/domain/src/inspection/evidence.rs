//! What is published so that anyone can re-check a draw without Rectify: a re-inspection's
//! sample evidence (a round's is [`super::DrawEvidence`]), and when a round's evidence may be
//! shown at all.

use super::{Verification, commitment, sample, sample_size};
use crate::error::{DomainError, Rule};
use crate::ids::{ProblemId, ReinspectionId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Everything needed to re-check a re-inspection's sample elsewhere (`rectify draw verify
/// --evidence FILE`): the population, the share, the commitment, the revealed seed and the
/// problems drawn. Problem numbers only: no check notes, no names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampleEvidence {
    pub reinspection_id: ReinspectionId,
    /// The closed problems sampled from, in id order (published with the commitment).
    pub population: Vec<ProblemId>,
    /// SHA-256 (hex) of the population as JSON (`["3","8",…]`).
    pub population_digest: String,
    /// The share drawn, in percent (at least one problem).
    pub share_percent: u32,
    pub seed_commitment: String,
    /// The seed as text, revealed when the re-inspection ended; its UTF-8 bytes are what the
    /// sample used.
    pub seed: Option<String>,
    /// The problems drawn, in id order.
    pub sample: Vec<ProblemId>,
}

/// SHA-256 (hex) of a population as JSON, in the order given.
pub fn population_digest(population: &[ProblemId]) -> String {
    // A list of ids always serializes.
    hex::encode(Sha256::digest(serde_json::to_vec(population).unwrap_or_default()))
}

impl SampleEvidence {
    /// Draws the sample again from the evidence alone.
    pub fn verify(&self) -> Verification {
        let problem = match &self.seed {
            None => Some("not_revealed"),
            Some(_) if population_digest(&self.population) != self.population_digest => Some("snapshot_changed"),
            Some(seed) if commitment(seed.as_bytes()) != self.seed_commitment.to_ascii_lowercase() => {
                Some("seed_mismatch")
            }
            Some(seed) => {
                let n = sample_size(self.population.len(), self.share_percent);
                let (again, _) = sample(&self.population, n, seed.as_bytes());
                (again != self.sample).then_some("different_groups")
            }
        };
        Verification {
            verified: problem.is_none(),
            problem: problem.map(str::to_owned),
            seed_commitment: self.seed_commitment.clone(),
            snapshot_digest: self.population_digest.clone(),
        }
    }
}

/// Whether an ended round's evidence may be shown. Its snapshot lists the inspector–unit pairs of
/// the rounds drawn before it was committed (`recent_pairs`, so that no pair repeats); while one
/// of those was a covert round that has not ended, those pairs are that round's targets, and the
/// evidence waits for its end.
pub fn release_evidence(recent_pairs: usize, covert_round_running: bool) -> Result<(), DomainError> {
    if recent_pairs > 0 && covert_round_running {
        return Err(DomainError::rule(Rule::EvidenceHeld, "id"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence() -> SampleEvidence {
        let population: Vec<ProblemId> = (1..=10).map(ProblemId).collect();
        let seed = "a seed".to_owned();
        let n = sample_size(population.len(), 30);
        let (drawn, digest) = sample(&population, n, seed.as_bytes());
        assert_eq!(population_digest(&population), digest, "the sample digests the population alike");
        SampleEvidence {
            reinspection_id: ReinspectionId(4),
            population_digest: population_digest(&population),
            population,
            share_percent: 30,
            seed_commitment: commitment(seed.as_bytes()),
            seed: Some(seed),
            sample: drawn,
        }
    }

    #[test]
    fn a_sample_rechecks_from_its_evidence_and_any_change_is_named() {
        let e = evidence();
        assert_eq!(e.sample.len(), 3);
        assert!(e.verify().verified);
        let problem = |e: SampleEvidence| e.verify().problem;
        assert_eq!(problem(SampleEvidence { seed: None, ..evidence() }).as_deref(), Some("not_revealed"));
        assert_eq!(
            problem(SampleEvidence { seed: Some("other".into()), ..evidence() }).as_deref(),
            Some("seed_mismatch")
        );
        let mut fewer = evidence();
        fewer.population.pop();
        assert_eq!(problem(fewer).as_deref(), Some("snapshot_changed"));
        let mut swapped = evidence();
        let outside = swapped.population.iter().copied().find(|p| !swapped.sample.contains(p)).unwrap();
        swapped.sample[0] = outside;
        swapped.sample.sort();
        assert_eq!(problem(swapped).as_deref(), Some("different_groups"));
        // The file a reader saves reads back.
        let json = serde_json::to_string(&evidence()).unwrap();
        assert_eq!(serde_json::from_str::<SampleEvidence>(&json).unwrap(), evidence());
    }

    #[test]
    fn evidence_waits_for_a_covert_round_whose_pairs_it_holds() {
        assert!(release_evidence(0, true).is_ok(), "no pairs, nothing to tell");
        assert!(release_evidence(3, false).is_ok());
        assert_eq!(release_evidence(3, true).unwrap_err(), DomainError::rule(Rule::EvidenceHeld, "id"));
    }
}
