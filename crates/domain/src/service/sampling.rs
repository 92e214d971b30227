//! Return-visit sampling of the service ledger (seed 002: "只要翻开台账，打通群众的电话"): the
//! office draws done service cases of a period at random, rings the applicants and records what
//! it heard. The draw is the inspections' verifiable one — SHA-256 in counter mode over a seed
//! and the digest of the canonical list drawn from (`inspection::rng`) — so anyone with the seed
//! and the list gets the same cases. An applicant who is not satisfied, or whose account differs
//! from the ledger's, makes a problem of the unit in the ledger.

use crate::error::{DomainError, Issue};
use crate::ids::{ServiceCaseId, UnitId};
use crate::inspection::rng::DrawRng;
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The most cases one sample rings.
pub const SAMPLE_MAX: u32 = 500;

crate::wire_enum! {
    /// What the return call found.
    pub enum CallOutcome: "service_call.outcome" {
        /// 未接通.
        Unreached = "unreached",
        /// 满意.
        Satisfied = "satisfied",
        /// 不满意.
        Unsatisfied = "unsatisfied",
        /// 情况不符: the applicant's account differs from the ledger's (not served, asked again).
        FactsDiffer = "facts_differ",
    }
}

impl CallOutcome {
    /// Whether the outcome is a problem of the unit for the ledger.
    pub fn is_problem(self) -> bool {
        matches!(self, CallOutcome::Unsatisfied | CallOutcome::FactsDiffer)
    }
}

/// Body of `POST /api/v1/service-samples`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSample {
    /// The unit (and every unit below it) whose cases are drawn; all when absent.
    pub unit_id: Option<UnitId>,
    /// Cases done from `from` to `to` (China dates, both included).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// How many to ring.
    pub size: Option<u32>,
}

/// A checked request for a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleFields {
    pub unit_id: Option<UnitId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub size: u32,
}

impl NewSample {
    pub fn validate(&self, today: NaiveDate) -> Result<SampleFields, DomainError> {
        let mut p = crate::error::Problems::new();
        if self.from.is_none() {
            p.push("from", Issue::Required);
        }
        match self.to {
            None => p.push("to", Issue::Required),
            Some(to) if self.from.is_some_and(|from| to < from) => {
                p.push("to", Issue::BeforeOther { other: "from".into() })
            }
            Some(to) if to > today => p.push("to", Issue::OutOfRange { min: 0, max: 0 }),
            Some(_) => {}
        }
        match self.size {
            None => p.push("size", Issue::Required),
            Some(n) if n == 0 || n > SAMPLE_MAX => {
                p.push("size", Issue::OutOfRange { min: 1, max: i64::from(SAMPLE_MAX) })
            }
            Some(_) => {}
        }
        p.finish(|| ())?;
        match (self.from, self.to, self.size) {
            (Some(from), Some(to), Some(size)) => Ok(SampleFields { unit_id: self.unit_id, from, to, size }),
            _ => Err(DomainError::field("size", Issue::Required)),
        }
    }
}

/// A call's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampleCall {
    pub outcome: CallOutcome,
    pub note: Option<String>,
    /// The ledger problem the call made, if it found one.
    pub problem_id: Option<crate::ids::ProblemId>,
    pub called_at: crate::time::Timestamp,
    pub called_by: Option<String>,
}

/// A drawn case and what its call found (none until rung).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampledCase {
    pub case: super::record::ServiceCase,
    pub call: Option<SampleCall>,
}

/// A sample: what was drawn from, how, and the cases with their calls. With `seed` and the ids
/// of the done cases of the period, [`draw`] gives the same cases again (`snapshot_digest`
/// checks the list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceSample {
    pub id: crate::ids::ServiceSampleId,
    pub unit_id: Option<UnitId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub size: u32,
    /// Done cases the sample was drawn from.
    pub pool_size: u32,
    pub seed: String,
    /// SHA-256 of the ids drawn from, hex.
    pub snapshot_digest: String,
    pub drawn_at: crate::time::Timestamp,
    pub drawn_by: Option<String>,
    pub cases: Vec<SampledCase>,
}

/// The digest of the cases drawn from: SHA-256 of their ids in order, as JSON.
pub fn digest(pool: &[ServiceCaseId]) -> [u8; 32] {
    let mut sorted: Vec<i64> = pool.iter().map(|c| c.0).collect();
    sorted.sort_unstable();
    sorted.dedup();
    Sha256::digest(serde_json::to_vec(&sorted).unwrap_or_default()).into()
}

/// Draws `size` of `pool` (all of it when it is smaller), in the order drawn.
pub fn draw(pool: &[ServiceCaseId], size: u32, seed: &[u8]) -> Vec<ServiceCaseId> {
    let mut sorted: Vec<ServiceCaseId> = pool.to_vec();
    sorted.sort_unstable_by_key(|c| c.0);
    sorted.dedup();
    let mut rng = DrawRng::new(seed, &digest(&sorted));
    rng.shuffle(&mut sorted);
    sorted.truncate(size as usize);
    sorted
}

/// Body of `POST /api/v1/service-samples/{id}/calls`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCall {
    pub case_id: Option<ServiceCaseId>,
    pub outcome: Option<CallOutcome>,
    /// What the applicant said; required when it is a problem.
    pub note: Option<String>,
}

impl NewCall {
    pub fn validate(&self) -> Result<(ServiceCaseId, CallOutcome, Option<String>), DomainError> {
        let mut p = crate::error::Problems::new();
        if self.case_id.is_none() {
            p.push("case_id", Issue::Required);
        }
        if self.outcome.is_none() {
            p.push("outcome", Issue::Required);
        }
        let note = p.take(text::optional("note", self.note.as_deref(), text::TEXT_MAX)).flatten();
        if self.outcome.is_some_and(CallOutcome::is_problem) && note.is_none() {
            // The unit is to put right what the applicant said: it must be written down.
            p.push("note", Issue::Required);
        }
        p.finish(|| ())?;
        match (self.case_id, self.outcome) {
            (Some(c), Some(o)) => Ok((c, o, note)),
            _ => Err(DomainError::field("case_id", Issue::Required)),
        }
    }
}

/// The ledger problem of a call that found a problem.
pub fn call_problem(code: &str, item: &str, outcome: CallOutcome, note: &str) -> String {
    let found = match outcome {
        CallOutcome::FactsDiffer => "回访发现情况与台账记录不符",
        _ => "回访申请人不满意",
    };
    format!("办件{code}（{item}）{found}：{note}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: i64) -> Vec<ServiceCaseId> {
        (1..=n).map(ServiceCaseId).collect()
    }

    #[test]
    fn the_same_seed_and_pool_draw_the_same_cases_in_any_order_given() {
        let a = draw(&ids(100), 10, b"seed-1");
        let mut reversed = ids(100);
        reversed.reverse();
        assert_eq!(a, draw(&reversed, 10, b"seed-1"));
        assert_eq!(a.len(), 10);
        assert_ne!(a, draw(&ids(100), 10, b"seed-2"));
        assert_ne!(a, draw(&ids(101), 10, b"seed-1"), "another pool, another draw");
        assert_eq!(draw(&ids(3), 10, b"s").len(), 3, "a small pool is rung whole");
    }

    #[test]
    fn requests_and_calls_name_what_is_wrong() {
        let today: NaiveDate = "2026-11-30".parse().unwrap();
        let bad = NewSample { from: Some(today), to: "2026-11-01".parse().ok(), size: Some(0), ..Default::default() };
        assert_eq!(bad.validate(today).unwrap_err().fields(), ["to", "size"]);
        let call = NewCall { case_id: Some(ServiceCaseId(1)), outcome: Some(CallOutcome::FactsDiffer), note: None };
        assert_eq!(call.validate().unwrap_err().fields(), ["note"]);
        let fine = NewCall { outcome: Some(CallOutcome::Satisfied), ..call };
        assert!(fine.validate().is_ok());
    }
}
