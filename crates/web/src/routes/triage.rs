//! Triage: the taxonomy of categories cases are filed under (imported and exported as the
//! `categories` kind of `/imports` and `/exports`), and the check of a reply before it is sent.

use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, Params};
use axum::Json;
use axum::extract::State;
use rectify_domain::category::{Category, SuggestRequest};
use rectify_domain::reply_quality::{ReplyCheckRequest, ReplyQuality};
use rectify_store::triage::{RoutingSuggestion, TriageStatus};
use rectify_triage::hotspots::HotSpot;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(reply_check))
        .routes(routes!(suggest))
        .routes(routes!(status))
        .routes(routes!(retrain))
        .routes(routes!(hot_spots))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Categories {
    /// In the taxonomy file's order; a category's key is its path of names (`城乡建设/安全生产`).
    items: Vec<Category>,
}

/// The taxonomy: every category, its level and parent, in its file's order.
#[utoipa::path(get, path = "/categories", tag = "triage", responses((status = 200, body = Categories), Errors))]
async fn categories(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Categories>> {
    let taxonomy = st.store.triage().taxonomy_for(&actor).await?;
    Ok(Json(Categories { items: taxonomy.categories().cloned().collect() }))
}

/// Scores a reply before it is sent: relevance to the question, completeness, interpretability
/// and timeliness (working days against a complaint's limit), with the reasons it falls short
/// (`issues`). Nothing is written.
#[utoipa::path(post, path = "/triage/reply-check", tag = "triage", request_body = ReplyCheckRequest,
    responses((status = 200, body = ReplyQuality), Errors))]
async fn reply_check(
    State(st): State<AppState>,
    Auth(actor): Auth,
    JsonBody { value: req, .. }: JsonBody<ReplyCheckRequest>,
) -> ApiResult<Json<ReplyQuality>> {
    Ok(Json(st.store.triage().check_reply(&actor, &req).await?))
}

/// Suggests the category of a message and the units such cases went to, with calibrated
/// confidences and the model's version. Nothing is written.
#[utoipa::path(post, path = "/triage/suggest", tag = "triage", request_body = SuggestRequest,
    responses((status = 200, body = RoutingSuggestion), Errors))]
async fn suggest(
    State(st): State<AppState>,
    Auth(actor): Auth,
    JsonBody { value: req, .. }: JsonBody<SuggestRequest>,
) -> ApiResult<Json<RoutingSuggestion>> {
    let (title, content) = req.texts().map_err(rectify_store::StoreError::from)?;
    Ok(Json(st.store.triage().suggest(&actor, &title, &content).await?))
}

/// The serving model: version, examples by source, confirmations since, calibration and its
/// held-out accuracy.
#[utoipa::path(get, path = "/triage/status", tag = "triage", responses((status = 200, body = TriageStatus), Errors))]
async fn status(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<TriageStatus>> {
    Ok(Json(st.store.triage().status(&actor).await?))
}

/// Retrains the model now on every confirmed category (an office administrator). Refused when
/// nothing is confirmed yet; a failure keeps the previous model serving.
#[utoipa::path(post, path = "/triage/retrain", tag = "triage", responses((status = 200, body = TriageStatus), Errors))]
async fn retrain(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<TriageStatus>> {
    Ok(Json(st.store.triage().retrain(&actor).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
struct HotSpots {
    /// The window read (China dates, both included).
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    /// Hottest first.
    items: Vec<HotSpot>,
}

/// The window and size of a hot-spot list: the 90 days to today unless given; 1–50 spots.
pub(crate) fn hot_spot_window(
    p: &mut Params,
    today: chrono::NaiveDate,
) -> (chrono::NaiveDate, chrono::NaiveDate, usize) {
    let to = p.date("to").unwrap_or(today);
    let from = p.date("from").unwrap_or(to - chrono::Days::new(HOT_SPOT_DAYS));
    let limit = p.int("limit").unwrap_or(10);
    if !(1..=50).contains(&limit) {
        p.record(rectify_domain::DomainError::field("limit", rectify_domain::Issue::OutOfRange { min: 1, max: 50 }));
    }
    p.date_order(Some(from), Some(to));
    (from, to, limit.clamp(1, 50) as usize)
}

/// Days a hot-spot window spans unless told.
pub(crate) const HOT_SPOT_DAYS: u64 = 90;

/// Hot spots (热点问题) among the cases the caller may see received in the window: groups of
/// messages about one place and one matter, each with its place, a one-line description, its
/// time range, its messages, the board's support and its heat (docs/TRIAGE.md), hottest first.
#[utoipa::path(get, path = "/hotspots", tag = "triage",
    params(("from" = Option<String>, Query, description = "China date, included; 90 days before `to` by default"),
        ("to" = Option<String>, Query, description = "China date, included; today by default"),
        ("limit" = Option<i64>, Query, description = "1–50, default 10")),
    responses((status = 200, body = HotSpots), Errors))]
async fn hot_spots(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<HotSpots>> {
    let (from, to, limit) = hot_spot_window(&mut p, st.store.today());
    p.finish()?;
    let items = st.store.triage().hot_spots(&actor, from, to, limit).await?;
    Ok(Json(HotSpots { from, to, items }))
}
