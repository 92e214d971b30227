//! A re-inspection's life (整改回头看), drawn the same verifiable way as a round: committed (the
//! population of closed problems and the seed's commitment are published) → drawn (the sample is
//! known) → ended, by itself, when the last sampled problem has been checked. Each sampled item
//! is checked once: pending → passed or failed; a failed check reopens its problem (反弹).
//! [`fire`] checks both tables and decides what the step changes; the store writes it.

use super::draw::sample;
use super::finding::{Reinspection, sample_size};
use super::round::{RoundStatus, draw_seed};
use crate::actor::Party;
use crate::error::{DomainError, Entity};
use crate::ids::ProblemId;
use crate::machine::{self, Transition};
use crate::patch::Change;

crate::wire_enum! {
    pub enum ReinspectionAction: "inspect.re_action" {
        /// Draw the sample.
        Draw = "draw",
        /// Record the outcome of one sampled problem's check.
        RecordCheck = "record_check",
    }
}

crate::wire_enum! {
    /// Where a sampled problem's check stands.
    pub enum CheckState: "inspect.check" {
        Pending = "pending",
        Passed = "passed",
        Failed = "failed",
    }
}

crate::wire_enum! {
    /// What a check found, as recorded.
    pub enum CheckOutcome: "inspect.outcome" {
        /// Still fixed.
        Passed = "passed",
        /// Not fixed after all (反弹): the problem is reopened and counted against the unit.
        Failed = "failed",
    }
}

impl CheckState {
    pub fn of(outcome: Option<CheckOutcome>) -> CheckState {
        match outcome {
            None => CheckState::Pending,
            Some(CheckOutcome::Passed) => CheckState::Passed,
            Some(CheckOutcome::Failed) => CheckState::Failed,
        }
    }
}

use Party::Office;
use RoundStatus::{Committed, Drawn, Ended};

crate::machine! {
    /// A re-inspection's life; the office fires every step.
    pub struct ReinspectionMachine: Entity::Reinspection, RoundStatus, ReinspectionAction, Party = [
        Transition { action: ReinspectionAction::Draw, from: &[Committed], to: Some(Drawn), by: &[Office] },
        // The last check ends it (`fire`).
        Transition { action: ReinspectionAction::RecordCheck, from: &[Drawn], to: None, by: &[Office] },
    ];
}

crate::machine! {
    /// One sampled problem's check: recorded once.
    pub struct CheckMachine: Entity::ReinspectionItem, CheckState, CheckOutcome, Party = [
        Transition {
            action: CheckOutcome::Passed,
            from: &[CheckState::Pending],
            to: Some(CheckState::Passed),
            by: &[Office],
        },
        Transition {
            action: CheckOutcome::Failed,
            from: &[CheckState::Pending],
            to: Some(CheckState::Failed),
            by: &[Office],
        },
    ];
}

/// What is asked of a re-inspection, with what the step needs.
#[derive(Debug, Clone, Copy)]
pub enum ReinspectionRequest<'a> {
    /// Draw the sample with the seed Rectify `kept`, or the office's `seed`.
    Draw { kept: Option<&'a str>, seed: Option<&'a str> },
    /// Record the check of `problem`; `problem_closed` says whether it is still closed off (one
    /// reopened since the sample was drawn is already back in the work).
    RecordCheck { problem: ProblemId, outcome: CheckOutcome, note: Option<&'a str>, problem_closed: bool },
}

impl ReinspectionRequest<'_> {
    pub fn action(&self) -> ReinspectionAction {
        match self {
            ReinspectionRequest::Draw { .. } => ReinspectionAction::Draw,
            ReinspectionRequest::RecordCheck { .. } => ReinspectionAction::RecordCheck,
        }
    }
}

/// The sample drawn: the seed it used (kept unreadable until the end) and the problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sampled {
    pub seed: String,
    pub problems: Vec<ProblemId>,
}

/// One check as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub problem: ProblemId,
    pub outcome: CheckOutcome,
    pub note: Option<String>,
}

/// Everything a step changes. Times marked `Set(())` take the moment of the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReinspectionDecision {
    pub action: ReinspectionAction,
    pub from: RoundStatus,
    pub to: RoundStatus,
    pub drawn_at: Change<()>,
    pub sampled: Option<Sampled>,
    pub check: Option<Check>,
    /// A failed check of a problem still closed off reopens it (反弹), with this note.
    pub reopen: Option<String>,
}

impl ReinspectionDecision {
    /// The name history records the step under: `draw`, or the check's outcome.
    pub fn history_action(&self) -> &'static str {
        match &self.check {
            Some(c) => c.outcome.as_str(),
            None => self.action.as_str(),
        }
    }
}

/// The note a problem is reopened with when its re-inspection found it not fixed.
pub fn failed_check_note(reinspection: &str, note: Option<&str>) -> String {
    format!("整改回头看未通过（{reinspection}）：{}", note.unwrap_or_default())
}

/// Fires what `party` asks of a re-inspection: the tables and the guards, then everything that
/// changes.
pub fn fire(r: &Reinspection, party: Party, req: ReinspectionRequest<'_>) -> Result<ReinspectionDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<ReinspectionMachine>(r.status, action, party)?;
    let mut d = ReinspectionDecision {
        action,
        from: r.status,
        to: machine::target::<ReinspectionMachine>(row, r.status),
        drawn_at: Change::Keep,
        sampled: None,
        check: None,
        reopen: None,
    };
    match req {
        ReinspectionRequest::Draw { kept, seed } => {
            let seed = draw_seed(kept, seed, &r.seed_commitment)?;
            let n = sample_size(r.population.len(), r.share_percent);
            let (problems, _) = sample(&r.population, n, seed.as_bytes());
            d.sampled = Some(Sampled { seed, problems });
            d.drawn_at = Change::Set(());
        }
        ReinspectionRequest::RecordCheck { problem, outcome, note, problem_closed } => {
            let Some(item) = r.items.iter().find(|i| i.problem_id == problem) else {
                return Err(DomainError::unknown("problem_id", Entity::Problem));
            };
            machine::permit::<CheckMachine>(CheckState::of(item.outcome), outcome, party)?;
            let pending = r.items.iter().filter(|i| i.problem_id != problem && i.outcome.is_none()).count();
            if pending == 0 {
                d.to = Ended;
            }
            if outcome == CheckOutcome::Failed && problem_closed {
                d.reopen = Some(failed_check_note(&r.name, note));
            }
            d.check = Some(Check { problem, outcome, note: note.map(str::to_owned) });
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ReinspectionId, UnitId};
    use crate::inspection::ReinspectionItem;
    use crate::time::Timestamp;

    const SEED: &str = "seed";

    fn item(problem: i64, outcome: Option<CheckOutcome>) -> ReinspectionItem {
        ReinspectionItem { problem_id: ProblemId(problem), unit_id: UnitId(1), outcome, note: None, checked_at: None }
    }

    fn reinspection(status: RoundStatus, items: Vec<ReinspectionItem>) -> Reinspection {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        Reinspection {
            id: ReinspectionId(1),
            name: "三月回头看".into(),
            closed_from: day,
            closed_to: day,
            share_percent: 50,
            campaign_id: None,
            status,
            seed_commitment: super::super::draw::commitment(SEED.as_bytes()),
            office_seed: true,
            population: (1..=4).map(ProblemId).collect(),
            population_digest: String::new(),
            seed: None,
            items,
            created_at: Timestamp::from_utc(chrono::DateTime::UNIX_EPOCH),
        }
    }

    fn check(problem: i64, outcome: CheckOutcome) -> ReinspectionRequest<'static> {
        ReinspectionRequest::RecordCheck {
            problem: ProblemId(problem),
            outcome,
            note: Some("仍有占道"),
            problem_closed: true,
        }
    }

    fn request(action: ReinspectionAction) -> ReinspectionRequest<'static> {
        match action {
            ReinspectionAction::Draw => ReinspectionRequest::Draw { kept: None, seed: Some(SEED) },
            ReinspectionAction::RecordCheck => check(1, CheckOutcome::Passed),
        }
    }

    #[test]
    fn every_cell_of_the_tables() {
        let parties = [Office, Party::OwnerUnit, Party::Other];
        machine::assert_every_cell::<ReinspectionMachine, _>(&parties, |status, action, party| {
            fire(&reinspection(status, vec![item(1, None)]), party, request(action))
        });
        machine::assert_every_cell::<CheckMachine, _>(&parties, machine::permit::<CheckMachine>);
        for outcome in CheckOutcome::ALL {
            let row = machine::permit::<CheckMachine>(CheckState::Pending, outcome, Office).unwrap();
            assert_eq!(row.to, Some(CheckState::of(Some(outcome))));
        }
        assert_eq!(machine::available::<CheckMachine>(CheckState::Pending, Office), CheckOutcome::ALL);
        assert!(machine::available::<CheckMachine>(CheckState::Failed, Office).is_empty());
    }

    #[test]
    fn the_sample_is_drawn_with_the_committed_seed() {
        let r = reinspection(Committed, Vec::new());
        let d = fire(&r, Office, request(ReinspectionAction::Draw)).unwrap();
        let (expected, _) = sample(&r.population, 2, SEED.as_bytes());
        assert_eq!(
            d,
            ReinspectionDecision {
                action: ReinspectionAction::Draw,
                from: Committed,
                to: Drawn,
                drawn_at: Change::Set(()),
                sampled: Some(Sampled { seed: SEED.into(), problems: expected }),
                check: None,
                reopen: None,
            }
        );
        let wrong = ReinspectionRequest::Draw { kept: None, seed: Some("guess") };
        assert_eq!(fire(&r, Office, wrong).unwrap_err().fields(), ["seed"]);
    }

    #[test]
    fn a_failed_check_reopens_and_the_last_check_ends() {
        let r = reinspection(Drawn, vec![item(1, None), item(2, None)]);
        let failed = fire(&r, Office, check(1, CheckOutcome::Failed)).unwrap();
        assert_eq!(
            failed,
            ReinspectionDecision {
                action: ReinspectionAction::RecordCheck,
                from: Drawn,
                to: Drawn,
                drawn_at: Change::Keep,
                sampled: None,
                check: Some(Check {
                    problem: ProblemId(1),
                    outcome: CheckOutcome::Failed,
                    note: Some("仍有占道".into())
                }),
                reopen: Some("整改回头看未通过（三月回头看）：仍有占道".into()),
            }
        );
        assert_eq!(failed.history_action(), "failed");
        // A problem reopened since the draw is already back in the work.
        let reopened = ReinspectionRequest::RecordCheck {
            problem: ProblemId(1),
            outcome: CheckOutcome::Failed,
            note: Some("x"),
            problem_closed: false,
        };
        assert!(fire(&r, Office, reopened).unwrap().reopen.is_none());
        let last = reinspection(Drawn, vec![item(1, Some(CheckOutcome::Failed)), item(2, None)]);
        let d = fire(&last, Office, check(2, CheckOutcome::Passed)).unwrap();
        assert_eq!((d.history_action(), d.to, d.reopen), ("passed", Ended, None));
    }

    #[test]
    fn an_item_is_checked_once_and_must_be_sampled() {
        let r = reinspection(Drawn, vec![item(1, Some(CheckOutcome::Passed)), item(2, None)]);
        assert_eq!(
            fire(&r, Office, check(1, CheckOutcome::Failed)).unwrap_err(),
            DomainError::StateConflict {
                entity: Entity::ReinspectionItem,
                action: crate::wire::WireName::of(CheckOutcome::Failed),
                state: crate::wire::WireName::of(CheckState::Passed),
            }
        );
        assert_eq!(fire(&r, Office, check(9, CheckOutcome::Passed)).unwrap_err().fields(), ["problem_id"]);
    }
}
