use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId, PathIds};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use rectify_app::filters;
use rectify_domain::Issue;
use rectify_domain::history::HistoryEntry;
use rectify_domain::ids::{MeasureId, ProblemId};
use rectify_domain::light::Light;
use rectify_domain::problem::{
    Level, Measure, MeasurePatch, NewMeasure, NewProblem, NewProgress, Problem, ProblemPatch, ProblemType, Progress,
    TransitionRequest,
};
use rectify_store::Page;
use rectify_store::problems::ProblemSort;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_problems, create_problem))
        .routes(routes!(get_problem, update_problem))
        .routes(routes!(transition))
        .routes(routes!(list_progress, add_progress))
        .routes(routes!(add_measure))
        .routes(routes!(update_measure))
        .routes(routes!(problem_history))
}

/// The ledger (问题整改台账), filtered, newest first by default.
#[utoipa::path(get, path = "/problems", tag = "problems",
    params(
        ("unit" = Option<String>, Query, description = "owner unit"),
        ("include_sub_units" = Option<bool>, Query, description = "with `unit`: also its sub-units"),
        ("state" = Option<String>, Query, description = "open, in_progress, reported, closed; comma-separated for several"),
        ("light" = Option<Light>, Query),
        ("overdue" = Option<bool>, Query, description = "true: red only; false: all but red"),
        ("campaign" = Option<String>, Query), ("batch" = Option<String>, Query),
        ("category" = Option<String>, Query), ("type" = Option<ProblemType>, Query), ("level" = Option<Level>, Query),
        ("responsible" = Option<String>, Query, description = "responsible person"),
        ("q" = Option<String>, Query, description = "text in description, category or root cause"),
        ("published" = Option<bool>, Query), ("archived" = Option<bool>, Query, description = "include archived"),
        ("pending_extension" = Option<bool>, Query, description = "true: only problems with a request for a later deadline waiting for the office"),
        ("measure_due_by" = Option<String>, Query, description = "only problems still to rectify with an unfinished measure due on or before this date (YYYY-MM-DD)"),
        ("sort" = Option<String>, Query, description = "newest (default), oldest, due"),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<Problem>), Errors))]
async fn list_problems(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Page<Problem>>> {
    let filter = filters::problems(&mut p);
    let sort = p
        .parse("sort", ProblemSort::parse, || Issue::NotOneOf {
            expected: vec!["newest".into(), "oldest".into(), "due".into()],
        })
        .unwrap_or_default();
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.ledger().list_problems(&actor, &filter, sort, &page).await?))
}

/// Writes a problem into the ledger, optionally with its measures.
#[utoipa::path(post, path = "/problems", tag = "problems", request_body = NewProblem,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Problem), Errors))]
async fn create_problem(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewProblem>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.ledger().create_problem(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/problems/{}", c.value.id), c))
}

/// One problem with its measures.
#[utoipa::path(get, path = "/problems/{id}", tag = "problems", params(("id" = String, Path)),
    responses((status = 200, body = Problem), Errors))]
async fn get_problem(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
) -> ApiResult<Json<Problem>> {
    Ok(Json(st.store.ledger().get_problem(&actor, id).await?))
}

/// Changes a problem's fields. `version` is required; a stale one answers 409.
#[utoipa::path(patch, path = "/problems/{id}", tag = "problems", params(("id" = String, Path)), request_body = ProblemPatch,
    responses((status = 200, body = Problem), Errors))]
async fn update_problem(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
    body: JsonBody<ProblemPatch>,
) -> ApiResult<Json<Problem>> {
    Ok(Json(st.store.ledger().update_problem(&actor, id, body.value).await?))
}

/// Moves a problem through its states: `start` (open → in_progress), `report_done`
/// (in_progress → reported), `verify` (reported → closed; needs evidence and a verifier outside
/// the owner unit), `reject` (reported → in_progress, with a reason), `reopen` (closed →
/// in_progress, with a reason).
#[utoipa::path(post, path = "/problems/{id}/transitions", tag = "problems", params(("id" = String, Path)),
    request_body = TransitionRequest, responses((status = 200, body = Problem), Errors))]
async fn transition(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
    body: JsonBody<TransitionRequest>,
) -> ApiResult<Json<Problem>> {
    Ok(Json(st.store.ledger().transition_problem(&actor, id, body.value).await?))
}

#[utoipa::path(get, path = "/problems/{id}/progress", tag = "problems", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Progress>), Errors))]
async fn list_progress(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
) -> ApiResult<Json<Vec<Progress>>> {
    Ok(Json(st.store.ledger().list_progress(&actor, id).await?))
}

/// Records dated progress, with evidence uploaded first through `POST /api/v1/attachments`.
#[utoipa::path(post, path = "/problems/{id}/progress", tag = "problems", params(("id" = String, Path),
    ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewProgress, responses((status = 201, body = Progress), Errors))]
async fn add_progress(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewProgress>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.ledger().add_progress(&actor, id, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/problems/{id}/progress"), c))
}

#[utoipa::path(post, path = "/problems/{id}/measures", tag = "problems", params(("id" = String, Path),
    ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewMeasure, responses((status = 201, body = Measure), Errors))]
async fn add_measure(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewMeasure>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.ledger().add_measure(&actor, id, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/problems/{id}/measures/{}", c.value.id), c))
}

/// Changes a measure: mark it done (`"done": true`), move its deadline, withdraw it.
#[utoipa::path(patch, path = "/problems/{id}/measures/{measure_id}", tag = "problems",
    params(("id" = String, Path), ("measure_id" = String, Path)),
    request_body = MeasurePatch, responses((status = 200, body = Measure), Errors))]
async fn update_measure(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathIds(id, mid): PathIds<ProblemId, MeasureId>,
    body: JsonBody<MeasurePatch>,
) -> ApiResult<Json<Measure>> {
    Ok(Json(st.store.ledger().update_measure(&actor, id, mid, body.value).await?))
}

/// Every recorded change to the problem and its measures: who, when, what, before and after.
#[utoipa::path(get, path = "/problems/{id}/history", tag = "problems",
    params(("id" = String, Path), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<HistoryEntry>), Errors))]
async fn problem_history(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
    mut p: Params,
) -> ApiResult<Json<Page<HistoryEntry>>> {
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(page.slice(st.store.ledger().problem_history(&actor, id).await?, |e| e.id.0)))
}
