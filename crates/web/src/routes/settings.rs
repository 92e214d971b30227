use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody};
use axum::Json;
use axum::extract::State;
use rectify_store::settings::{Settings, SettingsInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

#[utoipa::path(get, path = "/settings", tag = "settings", responses((status = 200, body = Settings), Errors))]
async fn get_settings(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Settings>> {
    Ok(Json(st.store.reference().view_settings(&actor).await?))
}

/// Changes settings (administrators): `yellow_working_days` (0–30, default 3).
#[utoipa::path(put, path = "/settings", tag = "settings", request_body = SettingsInput,
    responses((status = 200, body = Settings), Errors))]
async fn put_settings(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<SettingsInput>,
) -> ApiResult<Json<Settings>> {
    Ok(Json(st.store.reference().update_settings(&actor, body.value).await?))
}
