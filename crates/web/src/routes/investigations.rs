//! 调查核实 of reports and complaints: dispatches, the outcome, and seed 001's figures.

use super::{Errors, created, idempotency};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use rectify_domain::case::{Investigation, InvestigationFigures, NewDispatch, NewOutcome};
use rectify_domain::ids::CaseId;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_investigation, record_outcome))
        .routes(routes!(record_dispatch))
        .routes(routes!(investigation_stats))
}

/// A report's or complaint's investigation: its dispatches and, once recorded, its outcome.
#[utoipa::path(get, path = "/cases/{id}/investigation", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Investigation), Errors))]
async fn get_investigation(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
) -> ApiResult<Json<Investigation>> {
    Ok(Json(st.store.cases().investigation(&actor, id).await?))
}

/// Records a dispatch of investigators (派员调查): who, when, where, what they found. The office
/// or the unit the case is assigned to; not once the outcome is recorded.
#[utoipa::path(post, path = "/cases/{id}/dispatches", tag = "cases", request_body = NewDispatch,
    params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Investigation), Errors))]
async fn record_dispatch(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewDispatch>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.cases().record_dispatch(&actor, id, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/cases/{id}/investigation"), c))
}

/// Records the outcome (查实 / 部分属实 / 不属实), once, by the office. A founded outcome naming
/// a staff member deducts a verified complaint's points from them in the same step and links
/// the confirmed action records given.
#[utoipa::path(put, path = "/cases/{id}/investigation", tag = "cases", request_body = NewOutcome,
    params(("id" = String, Path)), responses((status = 200, body = Investigation), Errors))]
async fn record_outcome(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
    body: JsonBody<NewOutcome>,
) -> ApiResult<Json<Investigation>> {
    Ok(Json(st.store.cases().record_outcome(&actor, id, body.value).await?))
}

/// Seed 001's figures over a period, with the sentence a report uses.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct InvestigationStats {
    /// The period counted (China dates); null when open-ended.
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    #[serde(flatten)]
    figures: InvestigationFigures,
    /// 受理举报…件，派出调查工作人员…次，查实通报处理…人.
    sentence: String,
}

/// Reports accepted, dispatches, founded outcomes and the people dealt with (the office).
#[utoipa::path(get, path = "/stats/investigations", tag = "stats",
    params(("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = InvestigationStats), Errors))]
async fn investigation_stats(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<InvestigationStats>> {
    let (from, to) = (p.date("from"), p.date("to"));
    p.finish()?;
    let figures = st.store.cases().investigation_figures(&actor, from, to).await?;
    Ok(Json(InvestigationStats { from, to, sentence: figures.sentence(), figures }))
}
