//! A bulletin's life as one table: a draft is edited over days, then published once as the
//! campaign's next issue (第N期), after which it never changes. [`fire`] decides what a step
//! changes; the store writes it.

use crate::actor::Party;
use crate::error::{DomainError, Entity, Issue};
use crate::machine::{self, Transition};
use crate::patch::Change;

crate::wire_enum! {
    /// Shares its labels with the pages' badges (`bulletin.status.draft` → 草稿).
    pub enum BulletinStatus: "bulletin.status" {
        Draft = "draft",
        Published = "published",
    }
}

crate::wire_enum! {
    pub enum BulletinStep: "bulletin.step" {
        /// Change the draft's fields and selection.
        Edit = "edit",
        /// Number it, freeze its content and make it public.
        Publish = "publish",
    }
}

use BulletinStatus::*;
use BulletinStep::*;
use Party::Office;

crate::machine! {
    /// A bulletin's life; the office composes and publishes.
    pub struct BulletinMachine: Entity::Bulletin, BulletinStatus, BulletinStep, Party = [
        Transition { action: Edit, from: &[Draft], to: None, by: &[Office] },
        Transition { action: Publish, from: &[Draft], to: Some(Published), by: &[Office] },
    ];
}

/// What is asked of a bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulletinRequest {
    Edit,
    /// Publish as issue `asked`, or as the campaign's `next` (one after every issue published
    /// here). An office that printed earlier issues on paper continues their count with `asked`.
    Publish {
        next: u32,
        asked: Option<u32>,
    },
}

impl BulletinRequest {
    pub fn step(&self) -> BulletinStep {
        match self {
            BulletinRequest::Edit => Edit,
            BulletinRequest::Publish { .. } => Publish,
        }
    }
}

/// Everything a step changes. `Set(())` marks take the moment of the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletinDecision {
    pub step: BulletinStep,
    pub from: BulletinStatus,
    pub to: BulletinStatus,
    pub number: Change<u32>,
    pub published_at: Change<()>,
    /// The content is composed now, from the ledger of this moment, and kept as it is.
    pub freeze_content: bool,
}

/// Fires what `party` asks of a bulletin in `status`.
pub fn fire(status: BulletinStatus, party: Party, req: BulletinRequest) -> Result<BulletinDecision, DomainError> {
    let step = req.step();
    let row = machine::permit::<BulletinMachine>(status, step, party)?;
    let mut d = BulletinDecision {
        step,
        from: status,
        to: machine::target::<BulletinMachine>(row, status),
        number: Change::Keep,
        published_at: Change::Keep,
        freeze_content: false,
    };
    if let BulletinRequest::Publish { next, asked } = req {
        let number = match asked {
            None => next,
            Some(n) if n >= next => n,
            Some(_) => {
                let range = Issue::OutOfRange { min: i64::from(next), max: i64::from(u32::MAX) };
                return Err(DomainError::field("number", range));
            }
        };
        d.number = Change::Set(number);
        d.published_at = Change::Set(());
        d.freeze_content = true;
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(step: BulletinStep) -> BulletinRequest {
        match step {
            Edit => BulletinRequest::Edit,
            Publish => BulletinRequest::Publish { next: 3, asked: None },
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        machine::assert_every_cell::<BulletinMachine, _>(&[Office, Party::OwnerUnit, Party::Other], |s, step, p| {
            fire(s, p, request(step))
        });
        assert_eq!(machine::available::<BulletinMachine>(Draft, Office), [Edit, Publish]);
        assert!(machine::available::<BulletinMachine>(Published, Office).is_empty());
        assert!(machine::available::<BulletinMachine>(Draft, Party::Other).is_empty());
    }

    #[test]
    fn publishing_numbers_and_freezes_the_issue() {
        assert_eq!(
            fire(Draft, Office, BulletinRequest::Publish { next: 3, asked: None }).unwrap(),
            BulletinDecision {
                step: Publish,
                from: Draft,
                to: Published,
                number: Change::Set(3),
                published_at: Change::Set(()),
                freeze_content: true,
            }
        );
        // A count begun on paper goes on from its own number, never back.
        let paper = fire(Draft, Office, BulletinRequest::Publish { next: 3, asked: Some(8) }).unwrap();
        assert_eq!(paper.number, Change::Set(8));
        let back = fire(Draft, Office, BulletinRequest::Publish { next: 3, asked: Some(2) }).unwrap_err();
        assert_eq!(back, DomainError::field("number", Issue::OutOfRange { min: 3, max: i64::from(u32::MAX) }));
        let edit = fire(Draft, Office, BulletinRequest::Edit).unwrap();
        assert_eq!((edit.to, edit.number, edit.freeze_content), (Draft, Change::Keep, false));
    }
}
