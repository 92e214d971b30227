//! Findings recorded during a visit, and the re-inspection (整改回头看) of closed problems.

use super::reinspection::CheckOutcome;
use crate::error::{DomainError, Issue, Problems};
use crate::ids::{AttachmentId, CampaignId, FindingId, PersonId, ProblemId, ReinspectionId, RoundId, UnitId};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Photos per finding, as for a progress entry.
pub const MAX_FINDING_ATTACHMENTS: usize = 10;

/// One checklist item as answered on the spot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistAnswer {
    pub item: String,
    /// `false`: the item was found wanting.
    pub ok: bool,
    pub note: Option<String>,
}

/// Body of `POST /api/v1/rounds/{id}/findings`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFinding {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub unit_id: Option<UnitId>,
    #[serde(default)]
    pub answers: Vec<ChecklistAnswer>,
    /// What was seen; becomes the problem's description with the failed items.
    pub note: Option<String>,
    /// The aspect (方面) the problem is counted under; defaults to the plan's category or theme.
    pub aspect: Option<String>,
    /// When it was seen; defaults to now.
    pub found_at: Option<Timestamp>,
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
}

#[derive(Debug, Clone)]
pub struct FindingFields {
    pub unit_id: UnitId,
    pub answers: Vec<ChecklistAnswer>,
    pub note: Option<String>,
    pub aspect: Option<String>,
    pub found_at: Option<Timestamp>,
    pub attachment_ids: Vec<AttachmentId>,
}

impl NewFinding {
    /// `checklist` is the plan's: answers must name its items.
    pub fn validate(&self, checklist: &[String]) -> Result<FindingFields, DomainError> {
        let mut p = Problems::new();
        if self.unit_id.is_none() {
            p.push("unit_id", Issue::Required);
        }
        let mut answers = Vec::new();
        for (i, a) in self.answers.iter().enumerate() {
            let item = text::clean(&a.item);
            if !checklist.iter().any(|c| c == item) {
                p.push(format!("answers[{i}].item"), Issue::NotOneOf { expected: checklist.to_vec() });
                continue;
            }
            let note = p.take(text::optional(&format!("answers[{i}].note"), a.note.as_deref(), text::SHORT_MAX));
            answers.push(ChecklistAnswer { item: item.to_owned(), ok: a.ok, note: note.flatten() });
        }
        let note = p.take(text::optional("note", self.note.as_deref(), text::TEXT_MAX)).flatten();
        let aspect = p.take(text::optional("aspect", self.aspect.as_deref(), text::NAME_MAX)).flatten();
        if note.is_none() && answers.iter().all(|a| a.ok) {
            // A finding is something wrong: a failed item or a written note.
            p.push("note", Issue::Required);
        }
        if self.attachment_ids.len() > MAX_FINDING_ATTACHMENTS {
            p.push("attachment_ids", Issue::TooMany { max: MAX_FINDING_ATTACHMENTS });
        }
        let (Some(unit_id), true) = (self.unit_id, p.is_empty()) else {
            return Err(p.into_error());
        };
        Ok(FindingFields {
            unit_id,
            answers,
            note,
            aspect,
            found_at: self.found_at,
            attachment_ids: self.attachment_ids.clone(),
        })
    }
}

impl FindingFields {
    /// The problem's description: the note, then each failed item.
    pub fn description(&self, theme: &str) -> String {
        let failed: Vec<String> = self
            .answers
            .iter()
            .filter(|a| !a.ok)
            .map(|a| match &a.note {
                Some(n) => format!("{}：{}", a.item, n),
                None => a.item.clone(),
            })
            .collect();
        let mut parts: Vec<String> = self.note.iter().cloned().collect();
        if !failed.is_empty() {
            parts.push(format!("检查不合格项：{}", failed.join("；")));
        }
        let body = parts.join("\n");
        let full = format!("【{theme}督查发现】{body}");
        full.chars().take(text::TEXT_MAX).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub id: FindingId,
    pub round_id: RoundId,
    pub unit_id: UnitId,
    pub inspector_person_id: Option<PersonId>,
    pub answers: Vec<ChecklistAnswer>,
    pub note: Option<String>,
    pub aspect: String,
    pub found_at: Timestamp,
    /// The problem written into the ledger for the inspected unit; for a covert round, written
    /// when the round ends (until then nobody but its inspectors may learn where it went).
    pub problem_id: Option<ProblemId>,
    pub attachment_ids: Vec<AttachmentId>,
    pub created_at: Timestamp,
}

/// Body of `POST /api/v1/reinspections`: a verifiable sample of the problems closed in a period.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReinspection {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub closed_from: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub closed_to: Option<NaiveDate>,
    /// Share of the closed problems to check, in percent (1–100).
    pub share_percent: Option<u32>,
    /// Only the problems of this campaign.
    pub campaign_id: Option<CampaignId>,
    pub seed_commitment: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReinspectionFields {
    pub name: String,
    pub closed_from: NaiveDate,
    pub closed_to: NaiveDate,
    pub share_percent: u32,
    pub campaign_id: Option<CampaignId>,
}

impl NewReinspection {
    pub fn validate(&self) -> Result<ReinspectionFields, DomainError> {
        let mut p = Problems::new();
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        for (f, v) in [("closed_from", self.closed_from), ("closed_to", self.closed_to)] {
            if v.is_none() {
                p.push(f, Issue::Required);
            }
        }
        if let (Some(a), Some(b)) = (self.closed_from, self.closed_to)
            && b < a
        {
            p.push("closed_to", Issue::BeforeOther { other: "closed_from".into() });
        }
        let share = self.share_percent.unwrap_or(10);
        if !(1..=100).contains(&share) {
            p.push("share_percent", Issue::OutOfRange { min: 1, max: 100 });
        }
        let (Some(name), Some(closed_from), Some(closed_to), true) =
            (name, self.closed_from, self.closed_to, p.is_empty())
        else {
            return Err(p.into_error());
        };
        Ok(ReinspectionFields { name, closed_from, closed_to, share_percent: share, campaign_id: self.campaign_id })
    }
}

/// How many of `population` a share of `percent` samples: at least one when there is any.
pub fn sample_size(population: usize, percent: u32) -> usize {
    if population == 0 {
        return 0;
    }
    (population * percent as usize).div_ceil(100).clamp(1, population)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReinspectionItem {
    pub problem_id: ProblemId,
    pub unit_id: UnitId,
    pub outcome: Option<CheckOutcome>,
    pub note: Option<String>,
    pub checked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reinspection {
    pub id: ReinspectionId,
    pub name: String,
    pub closed_from: NaiveDate,
    pub closed_to: NaiveDate,
    pub share_percent: u32,
    pub campaign_id: Option<CampaignId>,
    pub status: super::RoundStatus,
    pub seed_commitment: String,
    pub office_seed: bool,
    /// The closed problems sampled from, in canonical order (published with the commitment).
    pub population: Vec<ProblemId>,
    pub population_digest: String,
    pub seed: Option<String>,
    pub items: Vec<ReinspectionItem>,
    pub created_at: Timestamp,
}

/// Body of `POST /api/v1/reinspections/{id}/checks`: one sampled problem's check.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OutcomeRequest {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub problem_id: Option<ProblemId>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub outcome: Option<String>,
    pub note: Option<String>,
}

impl OutcomeRequest {
    pub fn validate(&self) -> Result<(ProblemId, CheckOutcome, Option<String>), DomainError> {
        let mut p = Problems::new();
        if self.problem_id.is_none() {
            p.push("problem_id", Issue::Required);
        }
        let outcome = self.outcome.as_deref().map(text::clean).and_then(CheckOutcome::parse);
        if outcome.is_none() {
            p.push("outcome", Issue::NotOneOf { expected: vec!["passed".into(), "failed".into()] });
        }
        let note = p.take(text::optional("note", self.note.as_deref(), text::TEXT_MAX)).flatten();
        if outcome == Some(CheckOutcome::Failed) && note.is_none() {
            // A reopened problem needs its reason (the problem table asks the same).
            p.push("note", Issue::Required);
        }
        let (Some(id), Some(o), true) = (self.problem_id, outcome, p.is_empty()) else {
            return Err(p.into_error());
        };
        Ok((id, o, note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_needs_something_wrong_and_known_items() {
        let list = vec!["是否按时到岗".to_owned()];
        let ok_only = NewFinding {
            unit_id: Some(UnitId(1)),
            answers: vec![ChecklistAnswer { item: "是否按时到岗".into(), ok: true, note: None }],
            ..Default::default()
        };
        assert_eq!(ok_only.validate(&list).unwrap_err().fields(), ["note"]);
        let unknown = NewFinding {
            unit_id: Some(UnitId(1)),
            answers: vec![ChecklistAnswer { item: "别的".into(), ok: false, note: None }],
            note: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(unknown.validate(&list).unwrap_err().fields(), ["answers[0].item"]);
        let failed = NewFinding {
            unit_id: Some(UnitId(1)),
            answers: vec![ChecklistAnswer {
                item: "是否按时到岗".into(), ok: false, note: Some("9:10 无人".into())
            }],
            ..Default::default()
        };
        let f = failed.validate(&list).unwrap();
        assert_eq!(f.description("上下班纪律"), "【上下班纪律督查发现】检查不合格项：是否按时到岗：9:10 无人");
    }

    #[test]
    fn samples_take_at_least_one() {
        assert_eq!(sample_size(0, 10), 0);
        assert_eq!(sample_size(3, 10), 1);
        assert_eq!(sample_size(95, 10), 10);
        assert_eq!(sample_size(7, 100), 7);
    }
}
