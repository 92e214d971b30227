//! `/app`: 我的待办. What the signed-in user must act on now, each line a count and a link to the
//! list it counts. The lines are the domain's (`rectify_domain::todo`: the steps the machines let
//! the user's party take); each count is the store's count of the very filter its link opens,
//! within the user's scope, so a count and its list always agree.

use super::cases::{Boxes, Narrow, box_filter};
use super::{Answer, Ctx, PageError};
use crate::AppState;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::accountability::ActionStatus;
use rectify_domain::actor::Actor;
use rectify_domain::ids::UnitId;
use rectify_domain::problem::ProblemState;
use rectify_domain::todo::{Todo, end_of_week, todos};
use rectify_domain::visibility::{Reach, Records, reach};
use rectify_store::accountability::ActionFilter;
use rectify_store::cases::CaseFilter;
use rectify_store::problems::ProblemFilter;
use serde::Serialize;

pub fn site() -> Site {
    Site::new().get("/app", todo_list)
}

/// One line of the list.
#[derive(Serialize)]
struct Line {
    item: &'static str,
    count: u64,
    href: String,
}

/// What is counted behind a line: a case box, a ledger filter (with its query), or proposals.
enum Source {
    Cases(&'static str),
    Problems(ProblemFilter, String),
    Proposals,
}

/// The units whose own work a unit's staff answer for (a clerk their unit, a leader theirs and
/// below): the ledger's to-do lines and the dashboard count these, not the published problems of
/// other units that the ledger also shows them.
pub(super) fn own_units(actor: &Actor) -> Option<(UnitId, bool)> {
    match reach(actor, Records::Problems) {
        Reach::Unit(u) => Some((u, false)),
        Reach::Subtree(u) => Some((u, true)),
        Reach::All | Reach::Nothing => None,
    }
}

/// A ledger filter over the actor's own units, and its query for the link.
fn problems(actor: &Actor, f: ProblemFilter, query: &str) -> Source {
    let mut q = query.to_owned();
    let f = match own_units(actor) {
        Some((unit, below)) => {
            q.push_str(&format!("&unit={unit}"));
            if below {
                q.push_str("&include_sub_units=true");
            }
            ProblemFilter { unit: Some(unit), include_sub_units: below, ..f }
        }
        None => f,
    };
    Source::Problems(f, q.trim_start_matches('&').to_owned())
}

fn source(actor: &Actor, item: Todo, week_end: chrono::NaiveDate) -> Source {
    let lit =
        || ProblemFilter { states: vec![ProblemState::Open, ProblemState::InProgress], ..ProblemFilter::default() };
    match item {
        Todo::CasesToAccept => Source::Cases("to_accept"),
        Todo::CasesAcceptLate => Source::Cases("accept_late"),
        Todo::CasesToAssign => Source::Cases("to_assign"),
        Todo::CasesToSign => Source::Cases("to_sign"),
        Todo::CasesToReply => Source::Cases("to_reply"),
        Todo::CasesOverdue => Source::Cases("overdue"),
        Todo::CaseExtensions => Source::Cases("extensions"),
        Todo::ProblemExtensions => problems(
            actor,
            ProblemFilter { pending_extension: Some(true), ..ProblemFilter::default() },
            "pending_extension=true",
        ),
        Todo::ProblemsToVerify => problems(
            actor,
            ProblemFilter { states: vec![ProblemState::Reported], ..ProblemFilter::default() },
            "state=reported",
        ),
        Todo::ProblemsOverdue => {
            problems(actor, ProblemFilter { overdue: Some(true), ..ProblemFilter::default() }, "overdue=true")
        }
        Todo::MeasuresDue => problems(
            actor,
            ProblemFilter { measure_due_by: Some(week_end), ..lit() },
            &format!("measure_due_by={week_end}&sort=due"),
        ),
        Todo::Proposals => Source::Proposals,
    }
}

async fn todo_list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let today = st.store.today();
    let week_end = end_of_week(today);
    let boxes = Boxes::today(&st).await?;
    let items = todos(actor);
    let sources: Vec<(Todo, Source)> = items.iter().map(|t| (*t, source(actor, *t, week_end))).collect();
    // Every count in three reads: the cases', the ledger's, the proposals'.
    let case_filters: Vec<CaseFilter> = sources
        .iter()
        .filter_map(|(_, s)| match s {
            Source::Cases(b) => Some(box_filter(b, &boxes, &Narrow::default())),
            _ => None,
        })
        .collect();
    let problem_filters: Vec<ProblemFilter> = sources
        .iter()
        .filter_map(|(_, s)| match s {
            Source::Problems(f, _) => Some(f.clone()),
            _ => None,
        })
        .collect();
    let mut case_counts = st.store.cases().count_cases(actor, &case_filters).await?.into_iter();
    let mut problem_counts = st.store.ledger().count_problems(actor, &problem_filters).await?.into_iter();
    let mut lines = Vec::new();
    for (item, s) in sources {
        let (count, href) = match s {
            Source::Cases(b) => (case_counts.next().unwrap_or(0), format!("/app/cases?box={b}")),
            Source::Problems(_, q) => (problem_counts.next().unwrap_or(0), format!("/app/problems?{q}")),
            Source::Proposals => (proposals(&st, actor).await?, "/app/accountability#h-waiting".to_owned()),
        };
        lines.push(Line { item: item.as_str(), count, href });
    }
    let pending: u64 = lines.iter().map(|l| l.count).sum();
    let unit = match actor.unit_id {
        Some(u) => st.store.portal().unit_names().await?.into_iter().find(|(id, _)| *id == u).map(|(_, n)| n),
        None => None,
    };
    ctx.render(
        &st,
        "app/todo.html",
        context! {
            lines, pending, unit, week_end, as_of => st.store.now(),
            accept_within => boxes.accept_within,
            office => actor.role.is_office(),
        },
    )
}

async fn proposals(st: &AppState, actor: &Actor) -> Result<u64, PageError> {
    let waiting = ActionFilter { status: Some(ActionStatus::Proposed), ..ActionFilter::default() };
    Ok(st.store.accountability().count_actions(actor, &waiting).await?)
}
