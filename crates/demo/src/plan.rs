//! The life of one demo problem, turned into timeline steps.

use crate::timeline::{Action, Timeline, office_time};
use chrono::NaiveDate;
use rectify_domain::problem::NewProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Open,
    InProgress,
    Reported,
    Closed,
}

pub struct Life {
    pub created: NaiveDate,
    pub outcome: Outcome,
    /// Work starts.
    pub started: NaiveDate,
    /// Reported done (with evidence).
    pub reported: NaiveDate,
    /// Verified and closed off.
    pub closed: NaiveDate,
    pub progress: String,
    pub result: String,
}

pub fn schedule(t: &mut Timeline, input: NewProblem, life: &Life, minute: u32) -> usize {
    let p = t.create(office_time(life.created, minute), input);
    if life.outcome >= Outcome::InProgress {
        t.step(p, office_time(life.started, minute + 30), Action::Start);
        t.step(
            p,
            office_time(life.started, minute + 90),
            Action::Progress { note: life.progress.clone(), evidence: false },
        );
    }
    if life.outcome >= Outcome::Reported {
        t.step(
            p,
            office_time(life.reported, minute + 10),
            Action::Progress { note: life.result.clone(), evidence: true },
        );
        t.step(p, office_time(life.reported, minute + 11), Action::MeasuresDone);
        t.step(p, office_time(life.reported, minute + 12), Action::Report);
    }
    if life.outcome == Outcome::Closed {
        t.step(p, office_time(life.closed, minute + 200), Action::Verify);
    }
    p
}
