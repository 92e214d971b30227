//! Triage: the taxonomy of categories cases are filed under (imported and exported as the
//! `categories` kind of `/imports` and `/exports`), and the check of a reply before it is sent.

use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody};
use axum::Json;
use axum::extract::State;
use rectify_domain::category::Category;
use rectify_domain::reply_quality::{ReplyCheckRequest, ReplyQuality};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(categories)).routes(routes!(reply_check))
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
