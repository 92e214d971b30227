//! 调查核实: a report (举报) or complaint (投诉) is investigated — each dispatch of investigators is
//! recorded (who, when, where, what they found) — and closed with an outcome: 查实, 部分属实 or
//! 不属实. A founded outcome names the person concerned, links the action records taken, and
//! costs that person a verified complaint's points in the same step (seed 003: no second manual
//! step). Seed 001 counts it: 受理举报24件，派出调查工作人员37次，查实通报处理3人.

use super::{CaseState, CaseType};
use crate::accountability::NewDeduction;
use crate::error::{DomainError, Issue, Problems, Rule};
use crate::ids::{ActionRecordId, CaseId, DeductionId, PersonId};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// What an investigation found.
    pub enum InvestigationOutcome: "investigation_outcome" {
        /// 查实.
        Verified = "verified",
        /// 部分属实.
        PartlyVerified = "partly_verified",
        /// 不属实.
        Unfounded = "unfounded",
    }
}

impl InvestigationOutcome {
    /// Founded (in whole or in part): someone is dealt with.
    pub fn founded(self) -> bool {
        !matches!(self, InvestigationOutcome::Unfounded)
    }
}

/// The deduction type a founded report costs (the points scheme prices it; 4 by default).
pub const VERIFIED_COMPLAINT: &str = "verified_complaint";

/// Whether a case of this type is investigated.
pub fn investigated(t: CaseType) -> bool {
    matches!(t, CaseType::Report | CaseType::Complaint)
}

/// Body of `POST /api/v1/cases/{id}/dispatches`: investigators sent out once (派员调查).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDispatch {
    /// Who went (names, as the office writes them).
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub investigators: Option<String>,
    /// When; today if left out.
    pub dispatched_on: Option<NaiveDate>,
    /// Where they went.
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub place: Option<String>,
    /// What they found.
    pub findings: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchFields {
    pub investigators: String,
    pub dispatched_on: NaiveDate,
    pub place: String,
    pub findings: Option<String>,
}

/// One dispatch as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dispatch {
    pub id: i64,
    pub case_id: CaseId,
    pub investigators: String,
    pub dispatched_on: NaiveDate,
    pub place: String,
    pub findings: Option<String>,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// Body of `PUT /api/v1/cases/{id}/investigation`: the outcome, once.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOutcome {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub outcome: Option<InvestigationOutcome>,
    /// The conclusion in the office's words.
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub conclusion: Option<String>,
    /// Founded: the staff member concerned, who loses a verified complaint's points.
    pub person_id: Option<PersonId>,
    /// Founded: the action records taken (通报, 诫勉谈话 …).
    #[serde(default)]
    pub action_ids: Vec<ActionRecordId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeFields {
    pub outcome: InvestigationOutcome,
    pub conclusion: String,
    pub person_id: Option<PersonId>,
    pub action_ids: Vec<ActionRecordId>,
}

/// An investigation's outcome as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub outcome: InvestigationOutcome,
    pub conclusion: String,
    pub decided_on: NaiveDate,
    pub person_id: Option<PersonId>,
    /// The deduction the outcome made.
    pub deduction_id: Option<DeductionId>,
    pub action_ids: Vec<ActionRecordId>,
    pub decided_by: String,
}

/// A case's investigation: its dispatches, oldest first, and its outcome once recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Investigation {
    pub case_id: CaseId,
    pub dispatches: Vec<Dispatch>,
    pub outcome: Option<Outcome>,
}

/// What the investigation of a case knows when asked to record something.
#[derive(Debug, Clone, Copy)]
pub struct InvestigationFacts {
    pub case_type: CaseType,
    pub state: CaseState,
    pub dispatches: usize,
    pub decided: bool,
}

impl InvestigationFacts {
    fn investigable(&self) -> Result<(), DomainError> {
        if !investigated(self.case_type) {
            return Err(DomainError::rule(Rule::NotInvestigated, "type"));
        }
        if matches!(self.state, CaseState::Received | CaseState::Declined) {
            return Err(DomainError::rule(Rule::NotInvestigated, "state"));
        }
        Ok(())
    }
}

impl NewDispatch {
    /// A dispatch of an accepted report or complaint whose outcome is not yet recorded, not
    /// dated in the future.
    pub fn validate(&self, facts: &InvestigationFacts, today: NaiveDate) -> Result<DispatchFields, DomainError> {
        facts.investigable()?;
        if facts.decided {
            return Err(DomainError::rule(Rule::InvestigationDecided, "outcome"));
        }
        let mut p = Problems::new();
        let investigators = p.take(text::required("investigators", self.investigators.as_deref(), text::SHORT_MAX));
        let place = p.take(text::required("place", self.place.as_deref(), text::SHORT_MAX));
        let findings = p.take(text::optional("findings", self.findings.as_deref(), text::TEXT_MAX)).flatten();
        let dispatched_on = self.dispatched_on.unwrap_or(today);
        if dispatched_on > today {
            p.push("dispatched_on", Issue::OutOfRange { min: 0, max: 0 });
        }
        match (investigators, place, p.is_empty()) {
            (Some(investigators), Some(place), true) => {
                Ok(DispatchFields { investigators, dispatched_on, place, findings })
            }
            _ => Err(p.into_error()),
        }
    }
}

impl NewOutcome {
    /// The outcome of an investigated case with at least one dispatch, recorded once. Only a
    /// founded outcome names a person or actions.
    pub fn validate(&self, facts: &InvestigationFacts) -> Result<OutcomeFields, DomainError> {
        facts.investigable()?;
        if facts.decided {
            return Err(DomainError::rule(Rule::InvestigationDecided, "outcome"));
        }
        if facts.dispatches == 0 {
            return Err(DomainError::rule(Rule::NoDispatch, "outcome"));
        }
        let mut p = Problems::new();
        if self.outcome.is_none() {
            p.push("outcome", Issue::Required);
        }
        let conclusion = p.take(text::required("conclusion", self.conclusion.as_deref(), text::TEXT_MAX));
        let (Some(outcome), Some(conclusion), true) = (self.outcome, conclusion, p.is_empty()) else {
            return Err(p.into_error());
        };
        if !outcome.founded() && self.person_id.is_some() {
            return Err(DomainError::rule(Rule::UnfoundedDealsWithNobody, "person_id"));
        }
        if !outcome.founded() && !self.action_ids.is_empty() {
            return Err(DomainError::rule(Rule::UnfoundedDealsWithNobody, "action_ids"));
        }
        let mut action_ids = self.action_ids.clone();
        action_ids.dedup();
        Ok(OutcomeFields { outcome, conclusion, person_id: self.person_id, action_ids })
    }
}

impl OutcomeFields {
    /// The deduction a founded outcome naming a person makes, as the points use case takes it.
    pub fn deduction(&self, case: CaseId, today: NaiveDate) -> Option<NewDeduction> {
        let person = self.person_id.filter(|_| self.outcome.founded())?;
        Some(NewDeduction {
            person_id: Some(person),
            kind: Some(VERIFIED_COMPLAINT.into()),
            reason: Some(format!("诉求件 {case} 经调查{}：{}", self.outcome.label_zh(), self.conclusion)),
            date: Some(today),
            case_id: Some(case),
            problem_id: None,
            finding_id: None,
        })
    }
}

impl InvestigationOutcome {
    /// The word an official record uses (the catalog's label for pages).
    pub fn label_zh(self) -> &'static str {
        match self {
            InvestigationOutcome::Verified => "查实",
            InvestigationOutcome::PartlyVerified => "部分属实",
            InvestigationOutcome::Unfounded => "不属实",
        }
    }
}

/// Seed 001's figures of investigations over a period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvestigationFigures {
    /// 受理举报: reports accepted (not declined) in the period.
    pub reports_accepted: u64,
    /// 派出调查工作人员…次: dispatches in the period.
    pub dispatches: u64,
    /// Investigations closed founded (查实 or 部分属实).
    pub founded: u64,
    /// 查实通报处理…人: distinct people dealt with by founded outcomes.
    pub people_dealt_with: u64,
}

impl InvestigationFigures {
    /// The figures in seed 001's words.
    pub fn sentence(&self) -> String {
        format!(
            "受理举报{}件，派出调查工作人员{}次，查实通报处理{}人",
            self.reports_accepted, self.dispatches, self.people_dealt_with
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(case_type: CaseType, dispatches: usize, decided: bool) -> InvestigationFacts {
        InvestigationFacts { case_type, state: CaseState::Assigned, dispatches, decided }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn dispatches_are_of_accepted_reports_and_complaints_and_say_who_and_where() {
        let d = NewDispatch {
            investigators: Some("监察室 王某、李某".into()),
            place: Some("城关中学".into()),
            ..Default::default()
        };
        assert_eq!(d.validate(&facts(CaseType::Report, 0, false), day(5)).unwrap().dispatched_on, day(5));
        assert!(d.validate(&facts(CaseType::Complaint, 1, false), day(5)).is_ok());
        assert_eq!(
            d.validate(&facts(CaseType::Consult, 0, false), day(5)),
            Err(DomainError::rule(Rule::NotInvestigated, "type"))
        );
        let received = InvestigationFacts { state: CaseState::Received, ..facts(CaseType::Report, 0, false) };
        assert_eq!(d.validate(&received, day(5)), Err(DomainError::rule(Rule::NotInvestigated, "state")));
        assert_eq!(
            d.validate(&facts(CaseType::Report, 1, true), day(5)),
            Err(DomainError::rule(Rule::InvestigationDecided, "outcome"))
        );
        let DomainError::Invalid(e) = NewDispatch { dispatched_on: Some(day(9)), ..Default::default() }
            .validate(&facts(CaseType::Report, 0, false), day(5))
            .unwrap_err()
        else {
            panic!()
        };
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["investigators", "place", "dispatched_on"]);
    }

    #[test]
    fn a_founded_outcome_costs_the_person_a_verified_complaint() {
        let o = NewOutcome {
            outcome: Some(InvestigationOutcome::Verified),
            conclusion: Some("反映的有偿家教问题属实".into()),
            person_id: Some(PersonId(4)),
            action_ids: vec![ActionRecordId(2)],
        };
        assert_eq!(o.validate(&facts(CaseType::Report, 0, false)), Err(DomainError::rule(Rule::NoDispatch, "outcome")));
        let f = o.validate(&facts(CaseType::Report, 2, false)).unwrap();
        let d = f.deduction(CaseId(9), day(5)).unwrap();
        assert_eq!(
            (d.person_id, d.kind.as_deref(), d.case_id),
            (Some(PersonId(4)), Some(VERIFIED_COMPLAINT), Some(CaseId(9)))
        );
        assert!(d.reason.unwrap().contains("经调查查实"));
        let unfounded = NewOutcome { outcome: Some(InvestigationOutcome::Unfounded), ..o.clone() };
        assert_eq!(
            unfounded.validate(&facts(CaseType::Report, 1, false)),
            Err(DomainError::rule(Rule::UnfoundedDealsWithNobody, "person_id"))
        );
        let nobody = NewOutcome { person_id: None, action_ids: vec![], ..unfounded };
        assert!(nobody.validate(&facts(CaseType::Report, 1, false)).unwrap().deduction(CaseId(9), day(5)).is_none());
    }

    #[test]
    fn seed_001_in_its_words() {
        let f = InvestigationFigures { reports_accepted: 24, dispatches: 37, founded: 3, people_dealt_with: 3 };
        assert_eq!(f.sentence(), "受理举报24件，派出调查工作人员37次，查实通报处理3人");
    }
}
