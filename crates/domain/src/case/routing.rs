//! Routing by the model (自动分派): when the office lets it, a new case the model files with
//! enough confidence is accepted under the model's category, and assigned to the unit the
//! ledger's history points to when that is as sure, without waiting for a person. The case
//! records that the model routed it and which version; a person who sets the category again
//! makes it theirs (and a training example).

use super::CaseTransitionRequest;
use super::state::{CaseAction, CaseCourse, CaseDecision, CaseEnv, CaseParty, fire};
use crate::category::CategorySource;
use crate::ids::UnitId;
use crate::{DomainError, Issue};
use serde::{Deserialize, Serialize};

/// Below this the model is wrong about as often as a coin: no office should route on it.
pub const AUTO_ROUTE_MIN: f64 = 0.5;
/// New confirmations after which the background refit trains again, by default.
pub const REFIT_AFTER_CONFIRMATIONS: u32 = 50;
/// Or this long after the last model (when anything was confirmed since), by default.
pub const REFIT_AFTER_MINUTES: u32 = 60;

/// How the office lets the model route and learn (part of the settings).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TriageRules {
    /// A new case the model files at least this sure (0.5–1.0) is accepted under its category,
    /// and assigned when the suggested unit is as sure; none: a person always decides.
    #[serde(default)]
    pub auto_route_above: Option<f64>,
    /// Confirmations after which the model is refitted in the background (1–10000).
    #[serde(default = "default_confirmations")]
    pub refit_after_confirmations: u32,
    /// Minutes after which it is refitted when anything was confirmed since (1–10080).
    #[serde(default = "default_minutes")]
    pub refit_after_minutes: u32,
}

fn default_confirmations() -> u32 {
    REFIT_AFTER_CONFIRMATIONS
}

fn default_minutes() -> u32 {
    REFIT_AFTER_MINUTES
}

impl Default for TriageRules {
    fn default() -> Self {
        TriageRules {
            auto_route_above: None,
            refit_after_confirmations: REFIT_AFTER_CONFIRMATIONS,
            refit_after_minutes: REFIT_AFTER_MINUTES,
        }
    }
}

impl TriageRules {
    /// What an administrator typed, field by field (`triage.…`).
    pub fn check(&self) -> Result<(), DomainError> {
        if let Some(t) = self.auto_route_above
            && !(AUTO_ROUTE_MIN..=1.0).contains(&t)
        {
            return Err(DomainError::field(
                "triage.auto_route_above",
                Issue::Malformed { expected: crate::Expected::Confidence },
            ));
        }
        if !(1..=10_000).contains(&self.refit_after_confirmations) {
            return Err(DomainError::field(
                "triage.refit_after_confirmations",
                Issue::OutOfRange { min: 1, max: 10_000 },
            ));
        }
        if !(1..=10_080).contains(&self.refit_after_minutes) {
            return Err(DomainError::field("triage.refit_after_minutes", Issue::OutOfRange { min: 1, max: 10_080 }));
        }
        Ok(())
    }

    /// Whether the model's answer is sure enough to act on.
    fn routes(&self, confidence: f64) -> bool {
        self.auto_route_above.is_some_and(|t| confidence >= t)
    }
}

/// What the model answers for a new case.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRouting {
    pub version: i64,
    pub category: String,
    pub confidence: f64,
    /// The unit most cases of the category went to, and how sure that makes the model.
    pub unit: Option<(UnitId, f64)>,
}

/// The steps the model takes on a newly received case: accept it under the category, then
/// assign it to the unit when that is as sure; nothing below the office's threshold, or when
/// a person already moved the case on.
pub fn auto_route(
    c: &CaseCourse,
    routing: &ModelRouting,
    rules: &TriageRules,
    env: &CaseEnv<'_>,
) -> Result<Vec<CaseDecision>, DomainError> {
    if !rules.routes(routing.confidence) || c.state != super::CaseState::Received {
        return Ok(Vec::new());
    }
    let note = |what: &str, confidence: f64| {
        Some(format!("分类模型第{}版自动{what}（置信度{confidence:.2}）", routing.version))
    };
    let by_model = |mut d: CaseDecision| {
        d.next.category_source = Some(CategorySource::Model);
        d.next.category_model = Some(routing.version);
        d
    };
    let accept = CaseTransitionRequest {
        category: Some(routing.category.clone()),
        note: note("受理", routing.confidence),
        ..CaseTransitionRequest::default()
    };
    let accepted = by_model(fire(c, CaseAction::Accept, CaseParty::Office, &accept, env)?);
    let mut steps = vec![accepted];
    if let Some((unit, confidence)) = routing.unit.filter(|(_, sure)| rules.routes(*sure)) {
        let assign = CaseTransitionRequest {
            unit_id: Some(unit),
            note: note("派单", confidence),
            ..CaseTransitionRequest::default()
        };
        let assigned = by_model(fire(&steps[0].next, CaseAction::Assign, CaseParty::Office, &assign, env)?);
        steps.push(assigned);
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;
    use crate::case::{CaseDueRule, CaseState};
    use crate::ids::CaseId;

    fn routing(confidence: f64, unit: Option<(UnitId, f64)>) -> ModelRouting {
        ModelRouting { version: 4, category: "环境保护".into(), confidence, unit }
    }

    fn received() -> CaseCourse {
        CaseCourse { unit_id: None, due_on: None, ..CaseCourse::sample(CaseId(9), CaseState::Received) }
    }

    /// The model's decisions for a case just received, on a weekends-only calendar.
    fn route(routing: &ModelRouting, rules: &TriageRules, course: &CaseCourse) -> Vec<CaseDecision> {
        let cal = WorkCalendar::weekends_only();
        let env = CaseEnv {
            now: received().received_at,
            calendar: &cal,
            due_rule: CaseDueRule::default(),
            problem_awaiting_check: false,
        };
        auto_route(course, routing, rules, &env).unwrap()
    }

    #[test]
    fn nothing_is_routed_unless_the_office_set_a_threshold_and_the_model_is_that_sure() {
        let off = TriageRules::default();
        assert!(route(&routing(0.99, None), &off, &received()).is_empty());
        let on = TriageRules { auto_route_above: Some(0.8), ..off };
        assert!(route(&routing(0.79, None), &on, &received()).is_empty());
        let accepted = CaseCourse { state: CaseState::Accepted, ..received() };
        assert!(route(&routing(0.95, None), &on, &accepted).is_empty(), "a person came first");
    }

    #[test]
    fn a_sure_model_accepts_and_assigns_and_the_case_says_which_version() {
        let on = TriageRules { auto_route_above: Some(0.8), ..TriageRules::default() };
        let steps = route(&routing(0.9, Some((UnitId(5), 0.85))), &on, &received());
        assert_eq!(steps.len(), 2);
        let last = &steps[1].next;
        assert_eq!((last.state, last.unit_id), (CaseState::Assigned, Some(UnitId(5))));
        assert_eq!(
            (last.category.as_deref(), last.category_source, last.category_model),
            (Some("环境保护"), Some(CategorySource::Model), Some(4))
        );
        assert!(steps[0].steps[0].note.as_deref().unwrap().contains("第4版"));
        // A unit less sure than the threshold is left to a person: accepted, not assigned.
        let steps = route(&routing(0.9, Some((UnitId(5), 0.6))), &on, &received());
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].next.state, CaseState::Accepted);
    }

    #[test]
    fn thresholds_outside_their_range_name_the_field() {
        let bad = TriageRules { auto_route_above: Some(0.3), ..TriageRules::default() };
        assert!(format!("{:?}", bad.check().unwrap_err()).contains("triage.auto_route_above"));
        let bad = TriageRules { refit_after_confirmations: 0, ..TriageRules::default() };
        assert!(format!("{:?}", bad.check().unwrap_err()).contains("triage.refit_after_confirmations"));
        assert!(TriageRules::default().check().is_ok());
    }
}
