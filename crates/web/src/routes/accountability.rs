//! Accountability (问责) and praise, their proposals, and staff members' yearly points.

use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use rectify_domain::Issue;
use rectify_domain::accountability::{
    ActionKind, ActionRecord, ActionStatus, BulkDecision, DismissRequest, NewAction, NewDeduction, PersonPoints,
    PointsStatement,
};
use rectify_domain::ids::{ActionRecordId, PersonId};
use rectify_store::Page;
use rectify_store::accountability::ActionFilter;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_actions, record_action))
        .routes(routes!(get_action))
        .routes(routes!(confirm_action))
        .routes(routes!(dismiss_action))
        .routes(routes!(decide_actions))
        .routes(routes!(run_proposals))
        .routes(routes!(points_table))
        .routes(routes!(deduct_points))
        .routes(routes!(person_points))
}

/// The filters of the action list, shared with the page.
pub(crate) fn action_filter(p: &mut Params) -> ActionFilter {
    let kinds = || Issue::NotOneOf { expected: ActionKind::ALL.iter().map(|k| k.as_str().to_owned()).collect() };
    let statuses = || Issue::NotOneOf { expected: <ActionStatus as rectify_domain::wire::Wire>::names() };
    ActionFilter {
        unit: p.id("unit"),
        person: p.id("person"),
        kind: p.parse("kind", ActionKind::parse, kinds),
        status: p.parse("status", ActionStatus::parse, statuses),
        from: p.date("from"),
        to: p.date("to"),
    }
}

/// `year`, this year in China by default.
pub(crate) fn year(p: &mut Params, st: &AppState) -> i32 {
    p.int("year").map_or_else(|| st.store.today().year(), |y| i32::try_from(y).unwrap_or(i32::MAX))
}

/// Newest first. The office sees every record, unit staff their own unit's (a leader's
/// sub-units included); other roles are refused.
#[utoipa::path(get, path = "/actions", tag = "accountability",
    params(("unit" = Option<String>, Query), ("person" = Option<String>, Query), ("kind" = Option<String>, Query),
        ("status" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<ActionRecord>), Errors))]
async fn list_actions(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Page<ActionRecord>>> {
    let filter = action_filter(&mut p);
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.accountability().list_actions(&actor, &filter, &page).await?))
}

/// Records an action decided by a person (the office): confirmed at once.
#[utoipa::path(post, path = "/actions", tag = "accountability", request_body = NewAction,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ActionRecord), Errors))]
async fn record_action(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewAction>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.accountability().record_action(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/actions/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/actions/{id}", tag = "accountability", params(("id" = String, Path)),
    responses((status = 200, body = ActionRecord), Errors))]
async fn get_action(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ActionRecordId>,
) -> ApiResult<Json<ActionRecord>> {
    Ok(Json(st.store.accountability().get_action(&actor, id).await?))
}

/// Confirms a proposal (the office); `version` optionally guards against a stale read.
#[utoipa::path(post, path = "/actions/{id}/confirm", tag = "accountability",
    params(("id" = String, Path), ("version" = Option<i64>, Query)),
    responses((status = 200, body = ActionRecord), Errors))]
async fn confirm_action(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ActionRecordId>,
    mut p: Params,
) -> ApiResult<Json<ActionRecord>> {
    let version = p.int("version");
    p.finish()?;
    Ok(Json(st.store.accountability().confirm_action(&actor, id, version).await?))
}

/// Dismisses a proposal with a reason (the office); the rules do not propose it again.
#[utoipa::path(post, path = "/actions/{id}/dismiss", tag = "accountability", params(("id" = String, Path)),
    request_body = DismissRequest, responses((status = 200, body = ActionRecord), Errors))]
async fn dismiss_action(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ActionRecordId>,
    body: JsonBody<DismissRequest>,
) -> ApiResult<Json<ActionRecord>> {
    Ok(Json(st.store.accountability().dismiss_action(&actor, id, body.value).await?))
}

/// Confirms or dismisses many proposals at once, with one reason (the office): all of them, or
/// none when one of them cannot be decided (named by its place in `ids`).
#[utoipa::path(post, path = "/actions/decisions", tag = "accountability",
    request_body = BulkDecision, responses((status = 200, body = Vec<ActionRecord>), Errors))]
async fn decide_actions(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<BulkDecision>,
) -> ApiResult<Json<Vec<ActionRecord>>> {
    Ok(Json(st.store.accountability().decide_many(&actor, body.value).await?))
}

/// How many actions a run of the rules proposed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Proposed {
    proposed: u64,
}

/// Runs the proposing rules now (they also run with the reminders in the background).
#[utoipa::path(post, path = "/actions/proposals/run", tag = "accountability",
    responses((status = 200, body = Proposed), Errors))]
async fn run_proposals(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Proposed>> {
    Ok(Json(Proposed { proposed: st.store.accountability().run_proposals(&actor).await? }))
}

/// Every staff member's points in `year` (default: this year) that the caller may see.
#[utoipa::path(get, path = "/points", tag = "accountability",
    params(("year" = Option<i32>, Query), ("unit" = Option<String>, Query)),
    responses((status = 200, body = Vec<PersonPoints>), Errors))]
async fn points_table(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Vec<PersonPoints>>> {
    let year = year(&mut p, &st);
    let unit = p.id("unit");
    p.finish()?;
    Ok(Json(st.store.accountability().points_table(&actor, year, unit).await?))
}

/// Deducts points (the office); answers with the person's points for the year charged.
#[utoipa::path(post, path = "/points/deductions", tag = "accountability", request_body = NewDeduction,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = PointsStatement), Errors))]
async fn deduct_points(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewDeduction>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.accountability().deduct_points(&actor, body.value, key.as_ref()).await?;
    let p = &c.value.points;
    Ok(created(format!("/api/v1/people/{}/points?year={}", p.person_id, p.year), c))
}

#[utoipa::path(get, path = "/people/{id}/points", tag = "accountability",
    params(("id" = String, Path), ("year" = Option<i32>, Query)),
    responses((status = 200, body = PointsStatement), Errors))]
async fn person_points(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PersonId>,
    mut p: Params,
) -> ApiResult<Json<PointsStatement>> {
    let year = year(&mut p, &st);
    p.finish()?;
    Ok(Json(st.store.accountability().person_points(&actor, id, year).await?))
}
