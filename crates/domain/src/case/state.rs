//! The case loop as one table: which action moves a case from which states to which, and who may
//! fire it. Guards that need facts (reasons, due dates, a pending extension, the citizen's
//! satisfaction) are checked in [`fire`].

use super::{CaseTransitionRequest, ExtensionStatus, Satisfaction, VisitMethod};
use crate::error::{DomainError, Issue, Rule};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// 登记.
    Received,
    /// 受理.
    Accepted,
    /// 不予受理.
    Declined,
    /// 派单: with a unit, waiting for it to sign.
    Assigned,
    /// 办理中: signed for by the unit.
    InProgress,
    /// 已答复.
    Replied,
    /// 办结.
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 7] = [
        CaseState::Received,
        CaseState::Accepted,
        CaseState::Declined,
        CaseState::Assigned,
        CaseState::InProgress,
        CaseState::Replied,
        CaseState::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Received => "received",
            CaseState::Accepted => "accepted",
            CaseState::Declined => "declined",
            CaseState::Assigned => "assigned",
            CaseState::InProgress => "in_progress",
            CaseState::Replied => "replied",
            CaseState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CaseState::Received => "已登记",
            CaseState::Accepted => "已受理",
            CaseState::Declined => "不予受理",
            CaseState::Assigned => "已派单",
            CaseState::InProgress => "办理中",
            CaseState::Replied => "已答复",
            CaseState::Closed => "已办结",
        }
    }

    /// States in which a unit owes the reply.
    pub fn with_unit(self) -> bool {
        matches!(self, CaseState::Assigned | CaseState::InProgress)
    }

    /// Finished states: nothing more is owed.
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Declined | CaseState::Closed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Accept,
    Decline,
    Assign,
    Sign,
    SendBack,
    Extend,
    Reply,
    Visit,
    Close,
    Reopen,
}

impl CaseAction {
    pub const ALL: [CaseAction; 10] = [
        CaseAction::Accept,
        CaseAction::Decline,
        CaseAction::Assign,
        CaseAction::Sign,
        CaseAction::SendBack,
        CaseAction::Extend,
        CaseAction::Reply,
        CaseAction::Visit,
        CaseAction::Close,
        CaseAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::Decline => "decline",
            CaseAction::Assign => "assign",
            CaseAction::Sign => "sign",
            CaseAction::SendBack => "send_back",
            CaseAction::Extend => "extend",
            CaseAction::Reply => "reply",
            CaseAction::Visit => "visit",
            CaseAction::Close => "close",
            CaseAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<CaseAction> {
        CaseAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How the actor stands to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseParty {
    /// The supervising office (office roles).
    Office,
    /// Staff of the unit the case is assigned to.
    AssignedUnit,
    /// The citizen, through the tracking code.
    Citizen,
    Other,
}

pub struct CaseTransition {
    pub action: CaseAction,
    pub from: &'static [CaseState],
    /// `None`: the action records something and leaves the state as it is.
    pub to: Option<CaseState>,
    pub by: CaseParty,
}

use CaseAction::*;
use CaseParty::{AssignedUnit, Citizen, Office};
use CaseState::*;

pub const CASE_TRANSITIONS: [CaseTransition; 13] = [
    CaseTransition { action: Accept, from: &[Received], to: Some(Accepted), by: Office },
    CaseTransition { action: Decline, from: &[Received, Accepted], to: Some(Declined), by: Office },
    CaseTransition { action: Assign, from: &[Accepted, Assigned], to: Some(Assigned), by: Office },
    CaseTransition { action: Sign, from: &[Assigned], to: Some(InProgress), by: AssignedUnit },
    CaseTransition { action: SendBack, from: &[Assigned, InProgress], to: Some(Accepted), by: AssignedUnit },
    CaseTransition { action: Extend, from: &[Assigned, InProgress], to: None, by: AssignedUnit },
    CaseTransition { action: Extend, from: &[Assigned, InProgress], to: None, by: Office },
    CaseTransition { action: Reply, from: &[InProgress], to: Some(Replied), by: AssignedUnit },
    // The office answers simple consultations itself, without a unit.
    CaseTransition { action: Reply, from: &[Accepted, InProgress], to: Some(Replied), by: Office },
    CaseTransition { action: Visit, from: &[Replied], to: None, by: Office },
    CaseTransition { action: Close, from: &[Replied], to: Some(Closed), by: Office },
    CaseTransition { action: Reopen, from: &[Replied, Closed], to: Some(Assigned), by: Office },
    // The citizen's own rating on the tracking page; unsatisfied, it reopens the case (`fire`).
    CaseTransition { action: Visit, from: &[Replied], to: None, by: Citizen },
];

/// The actions `party` may fire from `state`, each once, in table order: what a page offers.
/// The office's `extend` decides a unit's request, so it is offered only while one is pending.
/// Other guards (due dates) still decide when an action is fired.
pub fn available_actions(state: CaseState, party: CaseParty, extension_pending: bool) -> Vec<CaseAction> {
    let mut out: Vec<CaseAction> = Vec::new();
    let offered = |t: &&CaseTransition| !(t.action == Extend && t.by == Office && !extension_pending);
    for t in CASE_TRANSITIONS.iter().filter(|t| t.by == party && t.from.contains(&state)).filter(offered) {
        if !out.contains(&t.action) {
            out.push(t.action);
        }
    }
    out
}

/// What the guards need to know about the case.
#[derive(Debug, Clone, Copy)]
pub struct CaseFacts {
    pub state: CaseState,
    pub has_unit: bool,
    pub due_on: Option<NaiveDate>,
    pub extension: Option<ExtensionStatus>,
    /// The latest satisfaction obtained since the last reply.
    pub satisfaction_since_reply: Option<Satisfaction>,
    /// A problem made from this case is reported fixed and waits for the citizens' verdict: the
    /// office may record a visit whatever the case's own state.
    pub problem_awaiting_check: bool,
    pub today: NaiveDate,
}

/// The outcome of firing an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fired {
    pub to: CaseState,
    /// A visit or rating found the citizen unsatisfied: the case went back to its unit.
    pub reopened: bool,
}

fn required(field: &str, v: Option<&str>) -> Result<(), DomainError> {
    match v.map(text::clean) {
        None | Some("") => Err(DomainError::field(field, Issue::Required)),
        Some(_) => Ok(()),
    }
}

/// Fires `action` by `party` on a case, checking the table and the guards.
pub fn fire(
    facts: &CaseFacts,
    action: CaseAction,
    party: CaseParty,
    req: &CaseTransitionRequest,
) -> Result<Fired, DomainError> {
    if action == Visit && party == Office && facts.problem_awaiting_check && !facts.state.is_final() {
        // A check before the problem's close-off: it records the verdict and moves nothing.
        return match (req.method, req.satisfaction) {
            (Some(VisitMethod::Unreachable), _) | (_, Some(_)) => Ok(Fired { to: facts.state, reopened: false }),
            (_, None) => Err(DomainError::field("satisfaction", Issue::Required)),
        };
    }
    let rows: Vec<&CaseTransition> = CASE_TRANSITIONS.iter().filter(|r| r.action == action && r.by == party).collect();
    if rows.is_empty() {
        return Err(DomainError::Forbidden(format!("you may not {} this case", action.as_str())));
    }
    let Some(row) = rows.iter().find(|r| r.from.contains(&facts.state)) else {
        return Err(DomainError::StateConflict { action: action.as_str().into(), state: facts.state.as_str().into() });
    };
    let reopen_to = if facts.has_unit { Assigned } else { Accepted };
    let stay = |reopened| Ok(Fired { to: if reopened { reopen_to } else { facts.state }, reopened });
    match action {
        Decline | SendBack | Reopen => required("reason", req.reason.as_deref())?,
        Assign if req.unit_id.is_none() => return Err(DomainError::field("unit_id", Issue::Required)),
        Reply => required("answer", req.answer.as_deref())?,
        _ => {}
    }
    match action {
        Extend if party == Office => {
            if facts.extension != Some(ExtensionStatus::Pending) {
                return Err(DomainError::rule(Rule::NoExtensionPending, "approve"));
            }
            if req.approve.is_none() {
                return Err(DomainError::field("approve", Issue::Required));
            }
            stay(false)
        }
        Extend => {
            required("reason", req.reason.as_deref())?;
            let Some(due) = req.due else { return Err(DomainError::field("due", Issue::Required)) };
            if facts.extension == Some(ExtensionStatus::Pending) {
                return Err(DomainError::rule(Rule::ExtensionPending, "due"));
            }
            if let Some(current) = facts.due_on {
                if facts.today > current {
                    return Err(DomainError::rule(Rule::ExtensionAfterDue, "due"));
                }
                if due <= current {
                    return Err(DomainError::rule(Rule::ExtensionNotLater, "due"));
                }
            }
            stay(false)
        }
        Visit => {
            let method =
                req.method.unwrap_or(if party == Citizen { VisitMethod::SelfRated } else { VisitMethod::Phone });
            match (method, req.satisfaction) {
                (VisitMethod::Unreachable, _) => stay(false),
                (_, None) => Err(DomainError::field("satisfaction", Issue::Required)),
                (_, Some(s)) => stay(!s.is_satisfied()),
            }
        }
        Close => {
            let satisfied = facts.satisfaction_since_reply.is_some_and(Satisfaction::is_satisfied);
            if !satisfied && req.reason.as_deref().map(text::clean).unwrap_or("").is_empty() {
                return Err(DomainError::rule(Rule::SatisfactionOrReasonRequired, "reason"));
            }
            Ok(Fired { to: Closed, reopened: false })
        }
        Reopen => Ok(Fired { to: reopen_to, reopened: true }),
        _ => Ok(Fired { to: row.to.unwrap_or(facts.state), reopened: false }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_offer_the_office_an_extension_decision_only_while_one_is_pending() {
        assert_eq!(available_actions(Assigned, Office, false), [Assign]);
        assert_eq!(available_actions(Assigned, Office, true), [Assign, Extend]);
        assert_eq!(available_actions(InProgress, AssignedUnit, false), [SendBack, Extend, Reply]);
        assert_eq!(available_actions(Received, AssignedUnit, false), []);
    }

    fn facts(state: CaseState) -> CaseFacts {
        CaseFacts {
            state,
            has_unit: true,
            due_on: NaiveDate::from_ymd_opt(2026, 3, 10),
            extension: None,
            satisfaction_since_reply: None,
            problem_awaiting_check: false,
            today: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        }
    }

    fn req() -> CaseTransitionRequest {
        CaseTransitionRequest::default()
    }

    #[test]
    fn the_whole_loop() {
        let mut s = Received;
        s = fire(&facts(s), Accept, Office, &req()).unwrap().to;
        let assign = CaseTransitionRequest { unit_id: Some(crate::ids::UnitId(3)), ..req() };
        s = fire(&facts(s), Assign, Office, &assign).unwrap().to;
        s = fire(&facts(s), Sign, AssignedUnit, &req()).unwrap().to;
        let reply = CaseTransitionRequest { answer: Some("已修复路灯".into()), ..req() };
        s = fire(&facts(s), Reply, AssignedUnit, &reply).unwrap().to;
        assert_eq!(s, Replied);
        let visit = CaseTransitionRequest { satisfaction: Some(Satisfaction::Satisfied), ..req() };
        assert_eq!(fire(&facts(s), Visit, Office, &visit).unwrap(), Fired { to: Replied, reopened: false });
        let visited = CaseFacts { satisfaction_since_reply: Some(Satisfaction::Satisfied), ..facts(s) };
        assert_eq!(fire(&visited, Close, Office, &req()).unwrap().to, Closed);
    }

    #[test]
    fn an_unsatisfied_visit_sends_the_case_back_to_its_unit() {
        let visit = CaseTransitionRequest { satisfaction: Some(Satisfaction::Unsatisfied), ..req() };
        assert_eq!(fire(&facts(Replied), Visit, Office, &visit).unwrap(), Fired { to: Assigned, reopened: true });
        let rating = CaseTransitionRequest { satisfaction: Some(Satisfaction::VeryUnsatisfied), ..req() };
        assert_eq!(fire(&facts(Replied), Visit, Citizen, &rating).unwrap().to, Assigned);
        let no_unit = CaseFacts { has_unit: false, ..facts(Replied) };
        assert_eq!(fire(&no_unit, Visit, Office, &visit).unwrap().to, Accepted);
    }

    #[test]
    fn the_table_refuses_what_it_does_not_list() {
        for state in CaseState::ALL {
            for action in CaseAction::ALL {
                for party in [Office, AssignedUnit, Citizen] {
                    let listed =
                        CASE_TRANSITIONS.iter().any(|r| r.action == action && r.by == party && r.from.contains(&state));
                    let full = CaseTransitionRequest {
                        reason: Some("理由".into()),
                        answer: Some("答复".into()),
                        unit_id: Some(crate::ids::UnitId(1)),
                        satisfaction: Some(Satisfaction::Satisfied),
                        due: NaiveDate::from_ymd_opt(2026, 3, 20),
                        approve: Some(true),
                        ..req()
                    };
                    let f = CaseFacts {
                        extension: if party == Office { Some(ExtensionStatus::Pending) } else { None },
                        ..facts(state)
                    };
                    let r = fire(&f, action, party, &full);
                    if !listed {
                        assert!(r.is_err(), "{state:?} {action:?} {party:?}");
                    }
                }
            }
        }
        assert!(matches!(fire(&facts(Received), Sign, AssignedUnit, &req()), Err(DomainError::StateConflict { .. })));
        assert!(matches!(fire(&facts(Assigned), Reply, Citizen, &req()), Err(DomainError::Forbidden(_))));
    }

    #[test]
    fn guards() {
        assert!(fire(&facts(Received), Decline, Office, &req()).is_err(), "a decline needs a reason");
        assert!(fire(&facts(Assigned), SendBack, AssignedUnit, &req()).is_err());
        assert!(fire(&facts(Accepted), Assign, Office, &req()).is_err(), "assign needs a unit");
        assert!(fire(&facts(InProgress), Reply, AssignedUnit, &req()).is_err(), "a reply needs an answer");
        assert!(fire(&facts(Replied), Close, Office, &req()).is_err(), "no satisfaction, no reason");
        let with_reason = CaseTransitionRequest { reason: Some("匿名，无法回访".into()), ..req() };
        assert!(fire(&facts(Replied), Close, Office, &with_reason).is_ok());
        // Extensions: before the due date, to a later date, one at a time.
        let ask = CaseTransitionRequest {
            due: NaiveDate::from_ymd_opt(2026, 3, 20),
            reason: Some("需现场勘查".into()),
            ..req()
        };
        assert!(fire(&facts(InProgress), Extend, AssignedUnit, &ask).is_ok());
        let late = CaseFacts { today: NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(), ..facts(InProgress) };
        assert_eq!(fire(&late, Extend, AssignedUnit, &ask), Err(DomainError::rule(Rule::ExtensionAfterDue, "due")));
        let earlier = CaseTransitionRequest { due: NaiveDate::from_ymd_opt(2026, 3, 5), ..ask.clone() };
        assert_eq!(
            fire(&facts(InProgress), Extend, AssignedUnit, &earlier),
            Err(DomainError::rule(Rule::ExtensionNotLater, "due"))
        );
        let pending = CaseFacts { extension: Some(ExtensionStatus::Pending), ..facts(InProgress) };
        assert_eq!(fire(&pending, Extend, AssignedUnit, &ask), Err(DomainError::rule(Rule::ExtensionPending, "due")));
        assert_eq!(
            fire(&facts(InProgress), Extend, Office, &req()),
            Err(DomainError::rule(Rule::NoExtensionPending, "approve"))
        );
        assert!(fire(&pending, Extend, Office, &CaseTransitionRequest { approve: Some(false), ..req() }).is_ok());
    }
}
