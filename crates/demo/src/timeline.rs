//! Replays a campaign's history on a simulated clock, so the demo ledger has real history rows,
//! creation and close-off dates spread over weeks, and deadlines around today.

use crate::DemoError;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Role};
use rectify_domain::ids::{MeasureId, ProblemId};
use rectify_domain::problem::{MeasurePatch, NewProblem, NewProgress, TransitionRequest};
use rectify_domain::time::from_china_local;
use rectify_store::{FixedClock, Store};
use std::sync::Arc;

pub enum Action {
    Create(Box<NewProblem>),
    Start,
    Progress {
        note: String,
        evidence: bool,
    },
    MeasuresDone,
    Report,
    Verify,
    /// The owner unit's liaison asks for a later deadline (延期), with the reason.
    AskExtension {
        due: NaiveDate,
        reason: String,
    },
    /// The office grants or refuses the request waiting.
    DecideExtension {
        approve: bool,
    },
}

struct Step {
    at: DateTime<Utc>,
    seq: usize,
    problem: usize,
    action: Action,
}

/// Steps of many problems, run in time order.
pub struct Timeline {
    steps: Vec<Step>,
    problems: usize,
}

/// 09:00–17:00 China time on `day`, `minute` minutes in.
pub fn office_time(day: NaiveDate, minute: u32) -> DateTime<Utc> {
    let m = minute % (8 * 60);
    from_china_local(day.and_hms_opt(9 + m / 60, m % 60, 0).unwrap_or_default())
}

pub fn days_before(today: NaiveDate, n: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(n)).unwrap_or(today)
}

pub fn days_after(day: NaiveDate, n: u64) -> NaiveDate {
    day.checked_add_days(Days::new(n)).unwrap_or(day)
}

impl Timeline {
    pub fn new() -> Self {
        Timeline { steps: Vec::new(), problems: 0 }
    }

    /// A new problem, created at `at`; returns its handle for later steps.
    pub fn create(&mut self, at: DateTime<Utc>, input: NewProblem) -> usize {
        let idx = self.problems;
        self.problems += 1;
        self.step(idx, at, Action::Create(Box::new(input)));
        idx
    }

    pub fn step(&mut self, problem: usize, at: DateTime<Utc>, action: Action) {
        let seq = self.steps.len();
        self.steps.push(Step { at, seq, problem, action });
    }

    /// Runs every step on `store` with its clock set to the step's time. Returns the problem ids
    /// by handle.
    pub async fn run(mut self, store: &Store, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<ProblemId>, DemoError> {
        self.steps.sort_by_key(|s| (s.at, s.seq));
        let clock = Arc::new(FixedClock::new(now));
        let sim = store.with_clock(clock.clone());
        let mut ids: Vec<Option<ProblemId>> = vec![None; self.problems];
        let evidence = include_bytes!("../data/evidence.png").to_vec();
        for step in self.steps {
            clock.set(step.at.min(now));
            let id = || ids[step.problem].ok_or(DemoError::Order);
            match step.action {
                Action::Create(input) => {
                    ids[step.problem] = Some(sim.ledger().create_problem(actor, *input, None).await?.value.id);
                }
                Action::Start => fire(&sim, actor, id()?, "start", None).await?,
                Action::Progress { note, evidence: with_file } => {
                    let mut attachment_ids = Vec::new();
                    if with_file {
                        attachment_ids.push(
                            sim.files()
                                .upload_attachment(actor, "整改现场照片.png", evidence.clone(), None)
                                .await?
                                .value
                                .id,
                        );
                    }
                    sim.ledger()
                        .add_progress(actor, id()?, NewProgress { note: Some(note), attachment_ids, on: None }, None)
                        .await?;
                }
                Action::MeasuresDone => {
                    let p = sim.ledger().get_problem(actor, id()?).await?;
                    let open: Vec<(MeasureId, i64)> = p
                        .measures
                        .iter()
                        .flatten()
                        .filter(|m| !m.done && !m.archived)
                        .map(|m| (m.id, m.version))
                        .collect();
                    for (m, version) in open {
                        let patch = MeasurePatch { version: Some(version), done: Some(true), ..Default::default() };
                        sim.ledger().update_measure(actor, id()?, m, patch).await?;
                    }
                }
                Action::Report => fire(&sim, actor, id()?, "report_done", None).await?,
                Action::Verify => fire(&sim, actor, id()?, "verify", Some("经核查，整改到位，予以销号")).await?,
                Action::AskExtension { due, reason } => {
                    let unit = sim.ledger().get_problem(actor, id()?).await?.unit_id;
                    let liaison = Actor {
                        account_id: None,
                        username: "责任单位联络员".into(),
                        role: Role::UnitClerk,
                        unit_id: Some(unit),
                    };
                    let req = TransitionRequest { due: Some(due), ..request("extend", Some(&reason)) };
                    sim.ledger().transition_problem(&liaison, id()?, req).await?;
                }
                Action::DecideExtension { approve } => {
                    let note = if approve {
                        "理由充分，同意延期"
                    } else {
                        "理由不充分，不同意延期，请按原时限完成"
                    };
                    let req = TransitionRequest { approve: Some(approve), ..request("extend", Some(note)) };
                    sim.ledger().transition_problem(actor, id()?, req).await?;
                }
            }
        }
        ids.into_iter().map(|i| i.ok_or(DemoError::Order)).collect()
    }
}

fn request(action: &str, note: Option<&str>) -> TransitionRequest {
    TransitionRequest { action: Some(action.into()), note: note.map(str::to_owned), ..Default::default() }
}

async fn fire(store: &Store, actor: &Actor, id: ProblemId, action: &str, note: Option<&str>) -> Result<(), DemoError> {
    store.ledger().transition_problem(actor, id, request(action, note)).await?;
    Ok(())
}
