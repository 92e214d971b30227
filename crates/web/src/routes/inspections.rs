//! Inspections: plans, rounds and their verifiable draws, findings, re-inspections.

use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rectify_domain::ids::{FindingId, InspectionBulletinId, PlanId, ReinspectionId, RoundId};
use rectify_domain::inspection::{
    DrawEvidence, DrawRequest, Finding, InspectionBulletin, NewFinding, NewInspectionBulletin, NewPlan,
    NewReinspection, NewRound, OutcomeRequest, Reinspection, Round, ScheduledPlan, Verification,
};
use rectify_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan))
        .routes(routes!(list_plan_rounds, create_round))
        .routes(routes!(list_rounds))
        .routes(routes!(get_round))
        .routes(routes!(draw_round))
        .routes(routes!(end_round))
        .routes(routes!(round_evidence))
        .routes(routes!(verify_round))
        .routes(routes!(list_findings, record_finding))
        .routes(routes!(get_finding))
        .routes(routes!(list_reinspections, create_reinspection))
        .routes(routes!(get_reinspection))
        .routes(routes!(draw_reinspection))
        .routes(routes!(record_check))
        .routes(routes!(verify_reinspection))
        .routes(routes!(list_inspection_bulletins, publish_inspection_bulletin))
        .routes(routes!(get_inspection_bulletin))
}

/// Plans, newest first, each with where it stands against its rhythm today (see the plan).
#[utoipa::path(get, path = "/inspection-plans", tag = "inspections",
    params(("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<ScheduledPlan>), Errors))]
async fn list_plans(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Page<ScheduledPlan>>> {
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.inspections().list_plans(&actor, &page).await?))
}

/// Creates a plan (月计划 / 周行动 / 日巡查): theme, checklist, period, the draw's rules, overt or
/// covert, and the two pools. Rules the pools cannot satisfy are refused here.
#[utoipa::path(post, path = "/inspection-plans", tag = "inspections", request_body = NewPlan,
    params(("Idempotency-Key" = Option<String>, Header)), responses((status = 201, body = ScheduledPlan), Errors))]
async fn create_plan(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewPlan>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.inspections().create_plan(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/inspection-plans/{}", c.value.plan.id), c))
}

/// A plan and where it stands against its rhythm today (`as_of`): its periods (each month, each
/// Monday–Sunday week, or each working day), the current one, the next round due
/// (`next_due_on`, the last day of `next_due`), the periods missed (`missed`, 漏检), and the
/// rounds that fill no period. A round fills the period of its `scheduled_on` if committed by the
/// period's last day.
#[utoipa::path(get, path = "/inspection-plans/{id}", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = ScheduledPlan), Errors))]
async fn get_plan(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PlanId>,
) -> ApiResult<Json<ScheduledPlan>> {
    Ok(Json(st.store.inspections().get_plan(&actor, id).await?))
}

#[utoipa::path(get, path = "/inspection-plans/{id}/rounds", tag = "inspections", params(("id" = String, Path),
    ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Round>), Errors))]
async fn list_plan_rounds(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PlanId>,
    mut p: Params,
) -> ApiResult<Json<Page<Round>>> {
    let page = page(&mut p);
    p.finish()?;
    st.store.inspections().get_plan(&actor, id).await?;
    Ok(Json(st.store.inspections().list_rounds(&actor, Some(id), false, &page).await?))
}

/// Commits a round: the pools are snapshotted and the seed's commitment (SHA-256) is published
/// now, before the draw. Give `seed_commitment` to keep the seed yourself and hand it over at
/// the draw.
#[utoipa::path(post, path = "/inspection-plans/{id}/rounds", tag = "inspections", params(("id" = String, Path),
    ("Idempotency-Key" = Option<String>, Header)), request_body = NewRound, responses((status = 201, body = Round), Errors))]
async fn create_round(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PlanId>,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewRound>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.inspections().create_round(&actor, id, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/rounds/{}", c.value.id), c))
}

/// Rounds, newest first (`plan`, `mine=true` for the caller's own). Inspectors see the rounds
/// they are drawn into.
#[utoipa::path(get, path = "/rounds", tag = "inspections",
    params(("plan" = Option<String>, Query), ("mine" = Option<bool>, Query), ("limit" = Option<i64>, Query),
        ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Round>), Errors))]
async fn list_rounds(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Page<Round>>> {
    let plan = p.id("plan");
    let mine = p.bool("mine").unwrap_or(false);
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.inspections().list_rounds(&actor, plan, mine, &page).await?))
}

/// A round. A covert round's targets are empty (`targets_hidden`) for all but its inspectors
/// until it ends; the seed appears once it has ended.
#[utoipa::path(get, path = "/rounds/{id}", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Round), Errors))]
async fn get_round(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
) -> ApiResult<Json<Round>> {
    Ok(Json(st.store.inspections().get_round(&actor, id).await?))
}

/// Draws the round (两个不固定).
#[utoipa::path(post, path = "/rounds/{id}/draw", tag = "inspections", params(("id" = String, Path)),
    request_body = DrawRequest, responses((status = 200, body = Round), Errors))]
async fn draw_round(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
    body: JsonBody<DrawRequest>,
) -> ApiResult<Json<Round>> {
    Ok(Json(st.store.inspections().draw_round(&actor, id, body.value).await?))
}

/// Ends the round: covert targets become visible and the seed is revealed.
#[utoipa::path(post, path = "/rounds/{id}/end", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Round), Errors))]
async fn end_round(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
) -> ApiResult<Json<Round>> {
    Ok(Json(st.store.inspections().end_round(&actor, id).await?))
}

/// The evidence of an ended round (snapshot, commitment, seed, draw): save it and run
/// `rectify draw verify --evidence FILE` anywhere.
#[utoipa::path(get, path = "/rounds/{id}/evidence", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = DrawEvidence), Errors))]
async fn round_evidence(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
) -> ApiResult<Json<DrawEvidence>> {
    Ok(Json(st.store.inspections().round_evidence(&actor, id).await?))
}

/// Reruns an ended round's draw and says whether it gives the recorded groups.
#[utoipa::path(get, path = "/rounds/{id}/verify", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Verification), Errors))]
async fn verify_round(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
) -> ApiResult<Json<Verification>> {
    Ok(Json(st.store.inspections().verify_round(&actor, id).await?))
}

#[utoipa::path(get, path = "/rounds/{id}/findings", tag = "inspections", params(("id" = String, Path),
    ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Finding>), Errors))]
async fn list_findings(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
    mut p: Params,
) -> ApiResult<Json<Page<Finding>>> {
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.inspections().list_findings(&actor, id, &page).await?))
}

/// Records a finding; it becomes a problem of the inspected unit linked to the round.
#[utoipa::path(post, path = "/rounds/{id}/findings", tag = "inspections", params(("id" = String, Path),
    ("Idempotency-Key" = Option<String>, Header)), request_body = NewFinding,
    responses((status = 201, body = Finding), Errors))]
async fn record_finding(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<RoundId>,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewFinding>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.inspections().record_finding(&actor, id, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/findings/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/findings/{id}", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Finding), Errors))]
async fn get_finding(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<FindingId>,
) -> ApiResult<Json<Finding>> {
    Ok(Json(st.store.inspections().get_finding(&actor, id).await?))
}

#[utoipa::path(get, path = "/reinspections", tag = "inspections",
    params(("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Reinspection>), Errors))]
async fn list_reinspections(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Page<Reinspection>>> {
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.inspections().list_reinspections(&actor, &page).await?))
}

/// Commits a re-inspection (整改回头看) of the problems closed in a period: the population and
/// the seed's commitment are fixed now.
#[utoipa::path(post, path = "/reinspections", tag = "inspections", request_body = NewReinspection,
    params(("Idempotency-Key" = Option<String>, Header)), responses((status = 201, body = Reinspection), Errors))]
async fn create_reinspection(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewReinspection>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.inspections().create_reinspection(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/reinspections/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/reinspections/{id}", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Reinspection), Errors))]
async fn get_reinspection(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ReinspectionId>,
) -> ApiResult<Json<Reinspection>> {
    Ok(Json(st.store.inspections().get_reinspection(&actor, id).await?))
}

#[utoipa::path(post, path = "/reinspections/{id}/draw", tag = "inspections", params(("id" = String, Path)),
    request_body = DrawRequest, responses((status = 200, body = Reinspection), Errors))]
async fn draw_reinspection(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ReinspectionId>,
    body: JsonBody<DrawRequest>,
) -> ApiResult<Json<Reinspection>> {
    Ok(Json(st.store.inspections().draw_reinspection(&actor, id, body.value).await?))
}

/// Records one sampled problem's check; `failed` reopens the problem (反弹) with the note.
#[utoipa::path(post, path = "/reinspections/{id}/checks", tag = "inspections", params(("id" = String, Path)),
    request_body = OutcomeRequest, responses((status = 200, body = Reinspection), Errors))]
async fn record_check(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ReinspectionId>,
    body: JsonBody<OutcomeRequest>,
) -> ApiResult<Json<Reinspection>> {
    Ok(Json(st.store.inspections().record_check(&actor, id, body.value).await?))
}

#[utoipa::path(get, path = "/reinspections/{id}/verify", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = Verification), Errors))]
async fn verify_reinspection(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ReinspectionId>,
) -> ApiResult<Json<Verification>> {
    Ok(Json(st.store.inspections().verify_reinspection(&actor, id).await?))
}

#[utoipa::path(get, path = "/inspection-bulletins", tag = "inspections",
    params(("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<InspectionBulletin>), Errors))]
async fn list_inspection_bulletins(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Page<InspectionBulletin>>> {
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.inspections().list_inspection_bulletins(&actor, &page).await?))
}

/// Publishes the year's next numbered bulletin (督查通报) for a period or one ended round:
/// figures, findings by unit, actions and praise, frozen from now on.
#[utoipa::path(post, path = "/inspection-bulletins", tag = "inspections", request_body = NewInspectionBulletin,
    responses((status = 201, body = InspectionBulletin), Errors))]
async fn publish_inspection_bulletin(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<NewInspectionBulletin>,
) -> ApiResult<(StatusCode, Json<InspectionBulletin>)> {
    Ok((StatusCode::CREATED, Json(st.store.inspections().publish_inspection_bulletin(&actor, body.value).await?)))
}

#[utoipa::path(get, path = "/inspection-bulletins/{id}", tag = "inspections", params(("id" = String, Path)),
    responses((status = 200, body = InspectionBulletin), Errors))]
async fn get_inspection_bulletin(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<InspectionBulletinId>,
) -> ApiResult<Json<InspectionBulletin>> {
    Ok(Json(st.store.inspections().get_inspection_bulletin(&actor, id).await?))
}
