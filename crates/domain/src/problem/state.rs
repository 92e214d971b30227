//! The problem state machine, as one table: which action moves a problem from which state to
//! which, and who may fire it. Guards that need facts (evidence, the verifier's unit, open
//! measures, a reason) are checked in [`fire`] from a [`TransitionContext`] the caller fills in.

use crate::actor::Party;
use crate::error::{DomainError, Entity, Issue, Rule};
use crate::extension::{self, Extension};
use crate::figures::CloseBasis;
use crate::machine::{self, Transition};
use crate::patch::Change;
use chrono::NaiveDate;

crate::wire_enum! {
    pub enum ProblemState: "problem_state" {
        /// 待整改.
        Open = "open",
        /// 整改中.
        InProgress = "in_progress",
        /// 已整改，待验收.
        Reported = "reported",
        /// 已销号.
        Closed = "closed",
    }
}

impl ProblemState {
    /// States in which the unit still owes work, and so the deadline lights up.
    pub fn is_lit(self) -> bool {
        matches!(self, ProblemState::Open | ProblemState::InProgress)
    }

    /// The states whose SQL names the light filter must match (see `light`).
    pub const LIT: [ProblemState; 2] = [ProblemState::Open, ProblemState::InProgress];
}

crate::wire_enum! {
    pub enum ProblemAction: "problem_action" {
        /// The unit starts work (开始整改).
        Start = "start",
        /// The unit reports the problem fixed (报告整改完成).
        ReportDone = "report_done",
        /// The office checks and closes it off (验收销号).
        Verify = "verify",
        /// The office finds it not fixed (验收不通过).
        Reject = "reject",
        /// A closed problem came back (反弹).
        Reopen = "reopen",
        /// 延期: the owner unit asks for a later deadline; the office grants or refuses it.
        Extend = "extend",
    }
}

use Party::{Office, OwnerUnit};
use ProblemAction::*;
use ProblemState::*;

crate::machine! {
    /// The ledger's state machine.
    pub struct ProblemMachine: Entity::Problem, ProblemState, ProblemAction, Party = [
        Transition { action: Start, from: &[Open], to: Some(InProgress), by: &[Office, OwnerUnit] },
        Transition { action: ReportDone, from: &[InProgress], to: Some(Reported), by: &[Office, OwnerUnit] },
        Transition { action: Verify, from: &[Reported], to: Some(Closed), by: &[Office] },
        Transition { action: Reject, from: &[Reported], to: Some(InProgress), by: &[Office] },
        Transition { action: Reopen, from: &[Closed], to: Some(InProgress), by: &[Office] },
        Transition { action: Extend, from: &[Open, InProgress], to: None, by: &[Office, OwnerUnit] },
    ];
}

/// Actions whose note must give a reason.
pub fn needs_reason(action: ProblemAction) -> bool {
    matches!(action, Reject | Reopen)
}

/// The actions `party` may fire from `state`, in table order: what a page offers as buttons.
/// Guards (evidence, measures, reasons) still decide when one is fired. The office decides an
/// extension only when one waits; the unit asks only when none does.
pub fn available_actions(state: ProblemState, party: Party, extension_pending: bool) -> Vec<ProblemAction> {
    let mut out = machine::available::<ProblemMachine>(state, party);
    if (party == Office) != extension_pending {
        out.retain(|a| *a != Extend);
    }
    out
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
    /// The citizens' side of a `verify` (see `citizens_verdict`); empty for other actions.
    pub citizens: super::CitizensVerdict,
    pub note: Option<&'a str>,
    /// The China date of the transition (the day a unit's report counts as done).
    pub today: NaiveDate,
    /// `extend`: the problem's deadline and its latest extension request.
    pub deadline: Option<NaiveDate>,
    pub extension: Option<&'a Extension>,
    /// `extend` by the unit: the date asked for; by the office: the decision.
    pub due: Option<NaiveDate>,
    pub approve: Option<bool>,
}

/// What an `extend` does to the problem's extension and deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtensionStep {
    None,
    /// The unit asked for `due`, with its reason (the note).
    Asked {
        due: NaiveDate,
        reason: String,
    },
    /// The office granted it: the deadline becomes `due`, the old one is kept as `from`.
    Granted {
        due: NaiveDate,
        from: Option<NaiveDate>,
    },
    Refused,
}

/// Everything a transition changes on a problem. Times marked `Set(())` take the moment of the
/// transition; the store writes the decision as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemDecision {
    pub action: ProblemAction,
    pub from: ProblemState,
    pub to: ProblemState,
    /// When the unit reported the work done.
    pub reported_at: Change<()>,
    pub closed_at: Change<()>,
    /// The China date the unit finished (the on-time figures judge it against the deadline).
    pub done_on: Change<NaiveDate>,
    pub close_basis: Change<CloseBasis>,
    /// A close-off came back (反弹): counted against the unit.
    pub reopened: bool,
    /// The close-off answers every open source case and asks its citizen for a rating.
    pub answer_source_cases: bool,
    pub extension: ExtensionStep,
}

fn keep_or_clear<T>(clear: bool) -> Change<T> {
    if clear { Change::Clear } else { Change::Keep }
}

/// The note of a reopening caused by a source case whose citizen was found unsatisfied.
pub fn rebound_note(case: crate::ids::CaseId, reason: &str) -> String {
    format!("群众回访不满意（诉求 {case}）：{reason}")
}

/// Fires `action` on a problem in `state`: the decision, or why not.
pub fn fire(
    state: ProblemState,
    action: ProblemAction,
    ctx: &TransitionContext<'_>,
) -> Result<ProblemDecision, DomainError> {
    let row = machine::permit::<ProblemMachine>(state, action, ctx.party)?;
    let to = machine::target::<ProblemMachine>(row, state);
    if needs_reason(action) && ctx.note.map(crate::text::clean).unwrap_or("").is_empty() {
        return Err(DomainError::field("note", Issue::Required));
    }
    match action {
        ReportDone if ctx.open_measures > 0 => return Err(DomainError::rule(Rule::MeasuresOpen, "measures")),
        Verify if ctx.actor_inside_owner => return Err(DomainError::rule(Rule::VerifierInOwnerUnit, "action")),
        Verify if ctx.evidence == 0 => return Err(DomainError::rule(Rule::EvidenceRequired, "evidence")),
        Verify if ctx.citizens.pending > 0 => {
            return Err(DomainError::rule(Rule::CitizenSatisfactionRequired, "waivers"));
        }
        _ => {}
    }
    let extension = if action == Extend { extension_step(ctx)? } else { ExtensionStep::None };
    let reopened = state == Closed;
    Ok(ProblemDecision {
        action,
        from: state,
        to,
        reported_at: if to == Reported { Change::Set(()) } else { Change::Keep },
        closed_at: if to == Closed { Change::Set(()) } else { keep_or_clear(reopened) },
        done_on: if to == Reported { Change::Set(ctx.today) } else { keep_or_clear(to.is_lit()) },
        // A close-off over a citizen's unsatisfied answer (reviewed) or without their answer
        // (waived) is closed, but not verified fixed.
        close_basis: if to == Closed {
            Change::Set(match ctx.citizens {
                c if c.reviewed => CloseBasis::Reviewed,
                c if c.waived => CloseBasis::Waived,
                _ => CloseBasis::Verified,
            })
        } else {
            keep_or_clear(reopened)
        },
        reopened,
        answer_source_cases: to == Closed,
        extension,
    })
}

/// The unit asks (before the deadline, for a later date, with a reason in the note); the office
/// decides the request waiting.
fn extension_step(ctx: &TransitionContext<'_>) -> Result<ExtensionStep, DomainError> {
    let status = ctx.extension.map(|e| e.status);
    if ctx.party == Office {
        let granted = extension::check_decision(status, ctx.approve)?;
        return Ok(match ctx.extension {
            Some(e) if granted => ExtensionStep::Granted { due: e.due, from: ctx.deadline },
            _ => ExtensionStep::Refused,
        });
    }
    let reason = ctx.note.map(crate::text::clean).unwrap_or("");
    if reason.is_empty() {
        return Err(DomainError::field("note", Issue::Required));
    }
    let Some(deadline) = ctx.deadline else { return Err(DomainError::rule(Rule::NoDeadlineToExtend, "due")) };
    let due = extension::check_request(status, Some(deadline), ctx.due, ctx.today)?;
    Ok(ExtensionStep::Asked { due, reason: reason.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extension::ExtensionStatus;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    }

    fn ctx(party: Party) -> TransitionContext<'static> {
        TransitionContext {
            party,
            actor_inside_owner: false,
            evidence: 1,
            open_measures: 0,
            citizens: Default::default(),
            note: Some("原因"),
            today: today(),
            deadline: today().checked_add_days(chrono::Days::new(10)),
            extension: None,
            due: today().checked_add_days(chrono::Days::new(20)),
            approve: Some(true),
        }
    }

    /// The request an office decides in these tests: asked yesterday for 2026-04-30.
    fn pending() -> Extension {
        Extension {
            due: NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            reason: "需协调市级部门".into(),
            requested_at: crate::time::Timestamp::from_utc(chrono::Utc::now()),
            status: ExtensionStatus::Pending,
        }
    }

    #[test]
    fn the_happy_path() {
        let mut s = Open;
        for (a, p) in [(Start, OwnerUnit), (ReportDone, OwnerUnit), (Verify, Office)] {
            s = fire(s, a, &ctx(p)).unwrap().to;
        }
        assert_eq!(s, Closed);
        assert_eq!(fire(Closed, Reopen, &ctx(Office)).unwrap().to, InProgress);
        assert_eq!(fire(Reported, Reject, &ctx(Office)).unwrap().to, InProgress);
    }

    /// Every (state, action, party) cell: allowed exactly where the table lists it, refused as
    /// not permitted when the party never may, as a state conflict naming the problem otherwise.
    #[test]
    fn every_cell_of_the_table() {
        let parties = [Office, OwnerUnit, Party::Other];
        let waiting = pending();
        machine::assert_every_cell::<ProblemMachine, _>(&parties, |state, action, party| {
            // The office decides a request waiting; the unit asks when none waits.
            let extension = (party == Office).then_some(&waiting);
            fire(state, action, &TransitionContext { extension, ..ctx(party) })
        });
        assert_eq!(available_actions(Open, OwnerUnit, false), [Start, Extend]);
        assert_eq!(available_actions(Open, OwnerUnit, true), [Start]);
        assert_eq!(available_actions(InProgress, Office, false), [ReportDone]);
        assert_eq!(available_actions(InProgress, Office, true), [ReportDone, Extend]);
        assert_eq!(available_actions(Reported, Office, false), [Verify, Reject]);
        assert!(available_actions(Reported, OwnerUnit, false).is_empty());
    }

    #[test]
    fn what_each_transition_changes() {
        let report = fire(InProgress, ReportDone, &ctx(OwnerUnit)).unwrap();
        assert_eq!(
            report,
            ProblemDecision {
                action: ReportDone,
                from: InProgress,
                to: Reported,
                reported_at: Change::Set(()),
                closed_at: Change::Keep,
                done_on: Change::Set(today()),
                close_basis: Change::Keep,
                reopened: false,
                answer_source_cases: false,
                extension: ExtensionStep::None,
            }
        );
        let verify = fire(Reported, Verify, &ctx(Office)).unwrap();
        assert_eq!(verify.closed_at, Change::Set(()));
        assert_eq!(verify.close_basis, Change::Set(CloseBasis::Verified));
        assert_eq!(verify.done_on, Change::Keep);
        assert!(verify.answer_source_cases && !verify.reopened);
        let citizens = super::super::CitizensVerdict { pending: 0, waived: true, reviewed: false };
        let waived = fire(Reported, Verify, &TransitionContext { citizens, ..ctx(Office) }).unwrap();
        assert_eq!(waived.close_basis, Change::Set(CloseBasis::Waived));
        let citizens = super::super::CitizensVerdict { reviewed: true, ..citizens };
        let reviewed = fire(Reported, Verify, &TransitionContext { citizens, ..ctx(Office) }).unwrap();
        assert_eq!(reviewed.close_basis, Change::Set(CloseBasis::Reviewed), "a review weighs more than a waiver");
        let reopen = fire(Closed, Reopen, &ctx(Office)).unwrap();
        assert_eq!(
            (reopen.closed_at, reopen.close_basis, reopen.done_on, reopen.reopened),
            (Change::Clear, Change::Clear, Change::Clear, true)
        );
        let reject = fire(Reported, Reject, &ctx(Office)).unwrap();
        assert_eq!((reject.done_on, reject.closed_at, reject.reopened), (Change::Clear, Change::Keep, false));
        let start = fire(Open, Start, &ctx(OwnerUnit)).unwrap();
        assert_eq!((start.reported_at, start.done_on), (Change::Keep, Change::Clear));
    }

    #[test]
    fn an_extension_is_asked_by_the_unit_and_decided_by_the_office() {
        let ask = fire(InProgress, Extend, &ctx(OwnerUnit)).unwrap();
        let asked = today().checked_add_days(chrono::Days::new(20)).unwrap();
        assert_eq!((ask.to, ask.extension), (InProgress, ExtensionStep::Asked { due: asked, reason: "原因".into() }));
        let waiting = pending();
        let decide = |approve| TransitionContext { extension: Some(&waiting), approve: Some(approve), ..ctx(Office) };
        let deadline = ctx(Office).deadline;
        assert_eq!(
            fire(Open, Extend, &decide(true)).unwrap().extension,
            ExtensionStep::Granted { due: waiting.due, from: deadline }
        );
        assert_eq!(fire(Open, Extend, &decide(false)).unwrap().extension, ExtensionStep::Refused);
        // Guards: a reason, a deadline not yet passed, one to extend, a request to decide.
        let no_reason = TransitionContext { note: None, ..ctx(OwnerUnit) };
        assert_eq!(fire(Open, Extend, &no_reason).unwrap_err().fields(), ["note"]);
        let late = TransitionContext { deadline: today().checked_sub_days(chrono::Days::new(1)), ..ctx(OwnerUnit) };
        assert_eq!(fire(Open, Extend, &late), Err(DomainError::rule(Rule::ExtensionAfterDue, "due")));
        let none = TransitionContext { deadline: None, ..ctx(OwnerUnit) };
        assert_eq!(fire(Open, Extend, &none), Err(DomainError::rule(Rule::NoDeadlineToExtend, "due")));
        assert_eq!(fire(Open, Extend, &ctx(Office)), Err(DomainError::rule(Rule::NoExtensionPending, "approve")));
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
        let citizens = TransitionContext {
            citizens: super::super::CitizensVerdict { pending: 1, ..Default::default() },
            ..ctx(Office)
        };
        assert_eq!(
            fire(Reported, Verify, &citizens),
            Err(DomainError::rule(Rule::CitizenSatisfactionRequired, "waivers"))
        );
        let open = TransitionContext { open_measures: 2, ..ctx(OwnerUnit) };
        assert_eq!(fire(InProgress, ReportDone, &open), Err(DomainError::rule(Rule::MeasuresOpen, "measures")));
    }
}
