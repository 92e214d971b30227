use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rectify_store::accounts::{Account, CreatedToken, NewAccount, NewToken};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_accounts, create_account)).routes(routes!(create_token))
}

#[utoipa::path(get, path = "/accounts", tag = "accounts", responses((status = 200, body = Vec<Account>), Errors))]
async fn list_accounts(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<Account>>> {
    Ok(Json(st.store.list_accounts(&actor).await?))
}

/// Creates an account (administrators). Unit leaders and clerks need a `unit_id`.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = Account), Errors))]
async fn create_account(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<NewAccount>,
) -> ApiResult<(StatusCode, Json<Account>)> {
    Ok((StatusCode::CREATED, Json(st.store.create_account(&actor, body.value).await?)))
}

/// Creates an API token for an integration (administrators). The token is in this answer only.
#[utoipa::path(post, path = "/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), Errors))]
async fn create_token(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    Ok((StatusCode::CREATED, Json(st.store.create_token(&actor, body.value).await?)))
}
