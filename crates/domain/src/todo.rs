//! 我的待办: what a signed-in user must act on now. Each item is a step of a state machine the
//! user's party may take (the machines' tables decide, not a list of roles), or a deadline the
//! user answers for; the store counts the records behind each item within the user's scope
//! (`visibility`), and the page links each count to the list it counts.

use crate::accountability::{ActionRecordMachine, ActionStatus, ActionStep};
use crate::actor::{Actor, Party, Permission, allowed};
use crate::case::{CaseAction, CaseMachine, CaseParty, CaseState};
use crate::machine::{self, Machine};
use crate::problem::{ProblemAction, ProblemMachine, ProblemState};
use chrono::{Datelike, NaiveDate};

crate::wire_enum! {
    /// One line of the to-do list.
    pub enum Todo: "todo" {
        /// Cases received and not yet accepted (受理).
        CasesToAccept = "cases_to_accept",
        /// Of those, the ones past the office's own limit for accepting.
        CasesAcceptLate = "cases_accept_late",
        /// Accepted cases to assign to a unit (派单).
        CasesToAssign = "cases_to_assign",
        /// Cases assigned to the user's unit, to sign for (签收).
        CasesToSign = "cases_to_sign",
        /// Cases signed for, to reply to (答复).
        CasesToReply = "cases_to_reply",
        /// Cases with a unit past their reply deadline.
        CasesOverdue = "cases_overdue",
        /// Units' requests for more time on a case, to decide.
        CaseExtensions = "case_extensions",
        /// Units' requests for a later deadline on a problem, to decide.
        ProblemExtensions = "problem_extensions",
        /// Problems reported done, to verify and close off (验收销号).
        ProblemsToVerify = "problems_to_verify",
        /// Problems past their deadline (red).
        ProblemsOverdue = "problems_overdue",
        /// Problems with a measure due by the end of this week.
        MeasuresDue = "measures_due",
        /// Accountability actions proposed by the rules, to confirm or dismiss.
        Proposals = "proposals",
    }
}

/// How the actor stands to the cases in their scope: the office, or the unit they are assigned to.
pub fn case_party(actor: &Actor) -> CaseParty {
    if actor.role.is_office() {
        CaseParty::Office
    } else if actor.role.is_unit_bound() && actor.unit_id.is_some() {
        CaseParty::AssignedUnit
    } else {
        CaseParty::Other
    }
}

/// How the actor stands to the problems in their scope: the office, or the owner unit.
pub fn problem_party(actor: &Actor) -> Party {
    if actor.role.is_office() {
        Party::Office
    } else if actor.role.is_unit_bound() && actor.unit_id.is_some() {
        Party::OwnerUnit
    } else {
        Party::Other
    }
}

fn may<M: Machine>(state: M::State, action: M::Action, party: M::Party) -> bool {
    machine::available::<M>(state, party).contains(&action)
}

/// The items of `actor`'s to-do list, in the order a page shows them: the steps the machines let
/// the actor's party take, and the deadlines the actor's party answers for.
pub fn todos(actor: &Actor) -> Vec<Todo> {
    let cp = case_party(actor);
    let pp = problem_party(actor);
    let office = cp == CaseParty::Office;
    let unit = cp == CaseParty::AssignedUnit;
    let accept = may::<CaseMachine>(CaseState::Received, CaseAction::Accept, cp);
    // A unit replies to what it signed for; the office answers only what it keeps (still to assign).
    let reply = unit && may::<CaseMachine>(CaseState::InProgress, CaseAction::Reply, cp);
    // The office decides a request for more time; a unit asks for one.
    let case_extension = office && may::<CaseMachine>(CaseState::InProgress, CaseAction::Extend, cp);
    let problem_extension =
        crate::problem::available_actions(ProblemState::InProgress, pp, true).contains(&ProblemAction::Extend);
    // Whoever may move a problem on answers for its deadline: the office supervises, the unit fixes.
    let rectify = may::<ProblemMachine>(ProblemState::InProgress, ProblemAction::ReportDone, pp);
    let decides_proposals = allowed(actor.role, Permission::ManageAccountability, Party::Office)
        && may::<ActionRecordMachine>(ActionStatus::Proposed, ActionStep::Confirm, Party::Office);
    let checks = [
        (Todo::CasesToAccept, accept),
        (Todo::CasesAcceptLate, accept),
        (Todo::CasesToAssign, may::<CaseMachine>(CaseState::Accepted, CaseAction::Assign, cp)),
        (Todo::CasesToSign, may::<CaseMachine>(CaseState::Assigned, CaseAction::Sign, cp)),
        (Todo::CasesToReply, reply),
        (Todo::CasesOverdue, office || reply),
        (Todo::CaseExtensions, case_extension),
        (Todo::ProblemExtensions, problem_extension),
        (Todo::ProblemsToVerify, may::<ProblemMachine>(ProblemState::Reported, ProblemAction::Verify, pp)),
        (Todo::ProblemsOverdue, rectify),
        // Measures are the owner unit's work; the office sees them in the ledger.
        (Todo::MeasuresDue, rectify && pp == Party::OwnerUnit),
        (Todo::Proposals, decides_proposals),
    ];
    checks.into_iter().filter(|(_, on)| *on).map(|(t, _)| t).collect()
}

/// The last day of `today`'s week (Monday to Sunday): "due this week" means due by then.
pub fn end_of_week(today: NaiveDate) -> NaiveDate {
    today + chrono::Duration::days(6 - i64::from(today.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::Role;
    use crate::ids::{AccountId, UnitId};

    fn actor(role: Role, unit: Option<i64>) -> Actor {
        Actor { account_id: Some(AccountId(1)), username: "u".into(), role, unit_id: unit.map(UnitId) }
    }

    #[test]
    fn the_office_and_a_unit_have_different_lists() {
        use Todo::*;
        assert_eq!(
            todos(&actor(Role::OfficeStaff, None)),
            [
                CasesToAccept,
                CasesAcceptLate,
                CasesToAssign,
                CasesOverdue,
                CaseExtensions,
                ProblemExtensions,
                ProblemsToVerify,
                ProblemsOverdue,
                Proposals
            ]
        );
        let unit = [CasesToSign, CasesToReply, CasesOverdue, ProblemsOverdue, MeasuresDue];
        assert_eq!(todos(&actor(Role::UnitClerk, Some(3))), unit);
        assert_eq!(todos(&actor(Role::UnitLeader, Some(3))), unit);
        // Inspectors and evaluators see records but act on none of these.
        assert_eq!(todos(&actor(Role::Inspector, None)), []);
        assert_eq!(todos(&actor(Role::Evaluator, None)), []);
        // A clerk not yet attached to a unit has nothing to do.
        assert_eq!(todos(&actor(Role::UnitClerk, None)), []);
    }

    #[test]
    fn a_week_ends_on_sunday() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        assert_eq!(end_of_week(d(2)), d(8), "Monday");
        assert_eq!(end_of_week(d(6)), d(8), "Friday");
        assert_eq!(end_of_week(d(8)), d(8), "Sunday");
    }
}
