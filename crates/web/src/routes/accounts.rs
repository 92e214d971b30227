use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, PathId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use rectify_domain::ids::{AccountId, PersonId, TokenId};
use rectify_store::accounts::{Account, ApiToken, CreatedToken, NewAccount, NewToken};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(set_account_person))
}

#[utoipa::path(get, path = "/accounts", tag = "accounts", responses((status = 200, body = Vec<Account>), Errors))]
async fn list_accounts(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<Account>>> {
    Ok(Json(st.store.accounts().list_accounts(&actor).await?))
}

/// Creates an account (administrators). Unit leaders and clerks need a `unit_id`.
#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = NewAccount,
    responses((status = 201, body = Account), Errors))]
async fn create_account(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<NewAccount>,
) -> ApiResult<(StatusCode, Json<Account>)> {
    Ok((StatusCode::CREATED, Json(st.store.accounts().create_account(&actor, body.value).await?)))
}

/// Creates an API token for an integration (administrators). The token is in this answer only.
#[utoipa::path(post, path = "/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), Errors))]
async fn create_token(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<NewToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    Ok((StatusCode::CREATED, Json(st.store.accounts().create_token(&actor, body.value).await?)))
}

/// Every API token (administrators): name, role, unit, when made, whether revoked. Never the
/// secret.
#[utoipa::path(get, path = "/tokens", tag = "accounts", responses((status = 200, body = Vec<ApiToken>), Errors))]
async fn list_tokens(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(st.store.accounts().list_tokens(&actor).await?))
}

/// Revokes a token (administrators): every instance refuses it from the next request on.
#[utoipa::path(delete, path = "/tokens/{id}", tag = "accounts", params(("id" = String, Path)),
    responses((status = 200, body = ApiToken), Errors))]
async fn revoke_token(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<TokenId>,
) -> ApiResult<Json<ApiToken>> {
    Ok(Json(st.store.accounts().revoke_token(&actor, id).await?))
}

/// Body of `PUT /api/v1/accounts/{id}/person`.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPerson {
    /// The person of the directory the account stands for; null unties it. Required: an
    /// empty body must not untie the account by accident.
    #[serde(deserialize_with = "required_or_null")]
    #[schema(required = true)]
    pub person_id: Option<PersonId>,
}

/// `null` or a value, but present: serde treats a missing `Option` as `None` unless the field
/// is read by a function of its own.
fn required_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PersonId>, D::Error> {
    <Option<PersonId> as serde::Deserialize>::deserialize(d)
}

/// Ties an account to the person it stands for (administrators): how an inspector's account
/// knows which rounds are its own.
#[utoipa::path(put, path = "/accounts/{id}/person", tag = "accounts", params(("id" = String, Path)),
    request_body = AccountPerson, responses((status = 200, body = Account), Errors))]
async fn set_account_person(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<AccountId>,
    body: JsonBody<AccountPerson>,
) -> ApiResult<Json<Account>> {
    Ok(Json(st.store.accounts().set_account_person(&actor, id, body.value.person_id).await?))
}
