//! Triage: the taxonomy of categories cases are filed under (imported and exported as the
//! `categories` kind of `/imports` and `/exports`).

use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::Auth;
use axum::Json;
use axum::extract::State;
use rectify_domain::category::Category;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(categories))
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
