//! The problem state machine, as one table: which action moves a problem from which state to
//! which, and who may fire it. Guards that need facts (evidence, the verifier's unit, open
//! measures, a reason) are checked in [`fire`] from a [`TransitionContext`] the caller fills in.

use crate::actor::Party;
use crate::error::{DomainError, Issue, Rule};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemState {
    /// 待整改.
    Open,
    /// 整改中.
    InProgress,
    /// 已整改，待验收.
    Reported,
    /// 已销号.
    Closed,
}

impl ProblemState {
    pub const ALL: [ProblemState; 4] =
        [ProblemState::Open, ProblemState::InProgress, ProblemState::Reported, ProblemState::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemState::Open => "open",
            ProblemState::InProgress => "in_progress",
            ProblemState::Reported => "reported",
            ProblemState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ProblemState> {
        ProblemState::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// States in which the unit still owes work, and so the deadline lights up.
    pub fn is_lit(self) -> bool {
        matches!(self, ProblemState::Open | ProblemState::InProgress)
    }

    /// The states whose SQL names the light filter must match (see `light`).
    pub const LIT: [ProblemState; 2] = [ProblemState::Open, ProblemState::InProgress];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemAction {
    /// The unit starts work (开始整改).
    Start,
    /// The unit reports the problem fixed (报告整改完成).
    ReportDone,
    /// The office checks and closes it off (验收销号).
    Verify,
    /// The office finds it not fixed (验收不通过).
    Reject,
    /// A closed problem came back (反弹).
    Reopen,
}

impl ProblemAction {
    pub const ALL: [ProblemAction; 5] = [
        ProblemAction::Start,
        ProblemAction::ReportDone,
        ProblemAction::Verify,
        ProblemAction::Reject,
        ProblemAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemAction::Start => "start",
            ProblemAction::ReportDone => "report_done",
            ProblemAction::Verify => "verify",
            ProblemAction::Reject => "reject",
            ProblemAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<ProblemAction> {
        ProblemAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

pub struct TransitionRule {
    pub action: ProblemAction,
    pub from: ProblemState,
    pub to: ProblemState,
    /// Who may fire it.
    pub by: &'static [Party],
    /// The note must give a reason.
    pub needs_reason: bool,
}

use Party::{Office, OwnerUnit};
use ProblemAction::*;
use ProblemState::*;

pub const PROBLEM_TRANSITIONS: [TransitionRule; 5] = [
    TransitionRule { action: Start, from: Open, to: InProgress, by: &[Office, OwnerUnit], needs_reason: false },
    TransitionRule {
        action: ReportDone,
        from: InProgress,
        to: Reported,
        by: &[Office, OwnerUnit],
        needs_reason: false,
    },
    TransitionRule { action: Verify, from: Reported, to: Closed, by: &[Office], needs_reason: false },
    TransitionRule { action: Reject, from: Reported, to: InProgress, by: &[Office], needs_reason: true },
    TransitionRule { action: Reopen, from: Closed, to: InProgress, by: &[Office], needs_reason: true },
];

/// The actions `party` may fire from `state`, in table order: what a page offers as buttons.
/// Guards (evidence, measures, reasons) still decide when one is fired.
pub fn available_actions(state: ProblemState, party: Party) -> Vec<ProblemAction> {
    PROBLEM_TRANSITIONS.iter().filter(|r| r.from == state && r.by.contains(&party)).map(|r| r.action).collect()
}

/// The facts the guards need, gathered by the caller inside the same transaction.
#[derive(Debug, Clone, Copy)]
pub struct TransitionContext<'a> {
    pub party: Party,
    /// The actor's unit is the owner unit or one of its sub-units.
    pub actor_inside_owner: bool,
    /// Evidence attachments on the problem's progress entries.
    pub evidence: u64,
    /// Measures not yet done.
    pub open_measures: u64,
    /// Source cases whose reachable citizen has neither been found satisfied since the report
    /// nor waived with a reason.
    pub citizens_pending: u64,
    pub note: Option<&'a str>,
}

/// Fires `action` on a problem in `state`: the new state, or why not.
pub fn fire(
    state: ProblemState,
    action: ProblemAction,
    ctx: &TransitionContext<'_>,
) -> Result<ProblemState, DomainError> {
    let rules = PROBLEM_TRANSITIONS.iter().filter(|r| r.action == action);
    // Permission before state: whether a problem is reported is itself not everyone's business.
    if !rules.clone().any(|r| r.by.contains(&ctx.party)) {
        return Err(DomainError::Forbidden(format!("you may not {} this problem", action.as_str())));
    }
    let Some(rule) = rules.into_iter().find(|r| r.from == state) else {
        return Err(DomainError::StateConflict { action: action.as_str().into(), state: state.as_str().into() });
    };
    if rule.needs_reason && ctx.note.map(crate::text::clean).unwrap_or("").is_empty() {
        return Err(DomainError::field("note", Issue::Required));
    }
    match action {
        ReportDone if ctx.open_measures > 0 => Err(DomainError::rule(Rule::MeasuresOpen, "measures")),
        Verify if ctx.actor_inside_owner => Err(DomainError::rule(Rule::VerifierInOwnerUnit, "action")),
        Verify if ctx.evidence == 0 => Err(DomainError::rule(Rule::EvidenceRequired, "evidence")),
        Verify if ctx.citizens_pending > 0 => Err(DomainError::rule(Rule::CitizenSatisfactionRequired, "waivers")),
        _ => Ok(rule.to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(party: Party) -> TransitionContext<'static> {
        TransitionContext {
            party,
            actor_inside_owner: false,
            evidence: 1,
            open_measures: 0,
            citizens_pending: 0,
            note: Some("原因"),
        }
    }

    #[test]
    fn the_happy_path() {
        let mut s = Open;
        for (a, p) in [(Start, OwnerUnit), (ReportDone, OwnerUnit), (Verify, Office)] {
            s = fire(s, a, &ctx(p)).unwrap();
        }
        assert_eq!(s, Closed);
        assert_eq!(fire(Closed, Reopen, &ctx(Office)).unwrap(), InProgress);
        assert_eq!(fire(Reported, Reject, &ctx(Office)).unwrap(), InProgress);
    }

    #[test]
    fn every_pair_not_in_the_table_is_refused() {
        for state in ProblemState::ALL {
            for action in ProblemAction::ALL {
                let listed = PROBLEM_TRANSITIONS.iter().any(|r| r.from == state && r.action == action);
                let result = fire(state, action, &ctx(Office));
                assert_eq!(result.is_ok(), listed, "{state:?} {action:?}");
                if !listed {
                    assert!(matches!(result, Err(DomainError::StateConflict { .. })));
                }
            }
        }
    }

    #[test]
    fn units_cannot_verify_and_others_cannot_act() {
        assert!(matches!(fire(Reported, Verify, &ctx(OwnerUnit)), Err(DomainError::Forbidden(_))));
        assert!(matches!(fire(Open, Start, &ctx(Party::Other)), Err(DomainError::Forbidden(_))));
    }

    #[test]
    fn guards() {
        let no_evidence = TransitionContext { evidence: 0, ..ctx(Office) };
        assert_eq!(fire(Reported, Verify, &no_evidence), Err(DomainError::rule(Rule::EvidenceRequired, "evidence")));
        let inside = TransitionContext { actor_inside_owner: true, ..ctx(Office) };
        assert_eq!(fire(Reported, Verify, &inside), Err(DomainError::rule(Rule::VerifierInOwnerUnit, "action")));
        let no_reason = TransitionContext { note: Some("  "), ..ctx(Office) };
        assert!(fire(Reported, Reject, &no_reason).is_err());
        assert!(fire(Closed, Reopen, &no_reason).is_err());
        let citizens = TransitionContext { citizens_pending: 1, ..ctx(Office) };
        assert_eq!(
            fire(Reported, Verify, &citizens),
            Err(DomainError::rule(Rule::CitizenSatisfactionRequired, "waivers"))
        );
        let open = TransitionContext { open_measures: 2, ..ctx(OwnerUnit) };
        assert_eq!(fire(InProgress, ReportDone, &open), Err(DomainError::rule(Rule::MeasuresOpen, "measures")));
    }
}
