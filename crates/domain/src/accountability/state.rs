//! An action record's life as one table: a rule's proposal waits (proposed) until the office
//! confirms it — from then on it counts — or dismisses it with a reason; an action a person
//! records is confirmed at once ([`Opening`]). [`fire`] decides what a decision changes; the
//! store writes it.

use crate::actor::Party;
use crate::error::{DomainError, Entity};
use crate::machine::{self, Transition};
use crate::patch::Change;
use chrono::NaiveDate;

crate::wire_enum! {
    /// Only confirmed actions count. Shares its labels with the pages (`acct.status.proposed`).
    pub enum ActionStatus: "acct.status" {
        Proposed = "proposed",
        Confirmed = "confirmed",
        Dismissed = "dismissed",
    }
}

crate::wire_enum! {
    /// What the office decides about a proposal.
    pub enum ActionStep: "acct.step" {
        Confirm = "confirm",
        Dismiss = "dismiss",
    }
}

use ActionStatus::*;
use ActionStep::*;
use Party::Office;

crate::machine! {
    /// The life of an action record.
    pub struct ActionRecordMachine: Entity::ActionRecord, ActionStatus, ActionStep, Party = [
        Transition { action: Confirm, from: &[Proposed], to: Some(Confirmed), by: &[Office] },
        Transition { action: Dismiss, from: &[Proposed], to: Some(Dismissed), by: &[Office] },
    ];
}

/// How a record begins: a person's is confirmed at once (by them, now); a rule's proposal waits
/// for the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub status: ActionStatus,
    /// Confirmed by whoever records it, at the moment it is recorded.
    pub confirmed: bool,
}

impl Opening {
    pub fn recorded() -> Opening {
        Opening { status: Confirmed, confirmed: true }
    }

    pub fn proposed() -> Opening {
        Opening { status: Proposed, confirmed: false }
    }
}

/// What is asked of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRequest {
    Confirm,
    /// Set aside with a (checked) reason; the rule will not propose it again.
    Dismiss {
        reason: String,
    },
}

impl ActionRequest {
    pub fn step(&self) -> ActionStep {
        match self {
            ActionRequest::Confirm => Confirm,
            ActionRequest::Dismiss { .. } => Dismiss,
        }
    }
}

/// Everything a decision changes. `Set(())` marks take the moment of the decision, and the
/// actor deciding is recorded beside them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRecordDecision {
    pub step: ActionStep,
    pub from: ActionStatus,
    pub to: ActionStatus,
    /// A confirmed proposal is decided the day it is confirmed.
    pub decided_on: Change<NaiveDate>,
    pub confirmed_at: Change<()>,
    pub dismissed_at: Change<()>,
    pub dismissed_reason: Change<String>,
    /// The note history keeps (the reason of a dismissal).
    pub note: Option<String>,
}

/// Fires what `party` asks of an action record in `status`, on `today` (China date).
pub fn fire(
    status: ActionStatus,
    party: Party,
    req: ActionRequest,
    today: NaiveDate,
) -> Result<ActionRecordDecision, DomainError> {
    let step = req.step();
    let row = machine::permit::<ActionRecordMachine>(status, step, party)?;
    let mut d = ActionRecordDecision {
        step,
        from: status,
        to: machine::target::<ActionRecordMachine>(row, status),
        decided_on: Change::Keep,
        confirmed_at: Change::Keep,
        dismissed_at: Change::Keep,
        dismissed_reason: Change::Keep,
        note: None,
    };
    match req {
        ActionRequest::Confirm => {
            d.decided_on = Change::Set(today);
            d.confirmed_at = Change::Set(());
        }
        ActionRequest::Dismiss { reason } => {
            d.dismissed_at = Change::Set(());
            d.note = Some(reason.clone());
            d.dismissed_reason = Change::Set(reason);
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    }

    fn request(step: ActionStep) -> ActionRequest {
        match step {
            Confirm => ActionRequest::Confirm,
            Dismiss => ActionRequest::Dismiss { reason: "重复".into() },
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        machine::assert_every_cell::<ActionRecordMachine, _>(
            &[Office, Party::OwnerUnit, Party::Other],
            |s, step, p| fire(s, p, request(step), today()),
        );
        assert_eq!(machine::available::<ActionRecordMachine>(Proposed, Office), [Confirm, Dismiss]);
        assert!(machine::available::<ActionRecordMachine>(Proposed, Party::OwnerUnit).is_empty());
        assert!(machine::available::<ActionRecordMachine>(Confirmed, Office).is_empty());
    }

    #[test]
    fn what_each_decision_changes() {
        assert_eq!(
            fire(Proposed, Office, ActionRequest::Confirm, today()).unwrap(),
            ActionRecordDecision {
                step: Confirm,
                from: Proposed,
                to: Confirmed,
                decided_on: Change::Set(today()),
                confirmed_at: Change::Set(()),
                dismissed_at: Change::Keep,
                dismissed_reason: Change::Keep,
                note: None,
            }
        );
        assert_eq!(
            fire(Proposed, Office, request(Dismiss), today()).unwrap(),
            ActionRecordDecision {
                step: Dismiss,
                from: Proposed,
                to: Dismissed,
                decided_on: Change::Keep,
                confirmed_at: Change::Keep,
                dismissed_at: Change::Set(()),
                dismissed_reason: Change::Set("重复".into()),
                note: Some("重复".into()),
            }
        );
        assert_eq!(Opening::recorded(), Opening { status: Confirmed, confirmed: true });
        assert_eq!(Opening::proposed().status, Proposed);
    }
}
