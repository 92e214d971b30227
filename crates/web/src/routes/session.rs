use super::{Errors, Throttled};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, ClientIp, JsonBody, Params, SESSION_COOKIE, session_token};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rectify_domain::actor::Actor;
use rectify_store::accounts::{Account, SESSION_HOURS};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login, whoami, logout))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    username: String,
    password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct SessionInfo {
    account: Account,
    expires_at: rectify_domain::time::Timestamp,
}

/// The session cookie carrying `token`; an empty token clears it.
pub(crate) fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    cookie(token, if token.is_empty() { 0 } else { SESSION_HOURS * 3600 }, secure)
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Signs in with a password and sets the session cookie (HttpOnly, SameSite=Strict). After 5
/// failed attempts for one account name (30 from one client address) within 15 minutes, further
/// attempts answer 429 with `Retry-After` until the oldest failure is 15 minutes old.
#[utoipa::path(post, path = "/session", tag = "session", request_body = Credentials, security(()),
    responses((status = 200, body = SessionInfo), Errors, Throttled))]
async fn login(State(st): State<AppState>, ClientIp(ip): ClientIp, body: JsonBody<Credentials>) -> ApiResult<Response> {
    let session = st
        .store
        .accounts()
        .login(&body.value.username, &body.value.password, Some(ip))
        .await?
        .ok_or(ApiError::BadCredentials)?;
    let mut resp = Json(SessionInfo { account: session.account, expires_at: session.expires_at }).into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, cookie(&session.token, SESSION_HOURS * 3600, st.config.secure_cookies));
    Ok(resp)
}

#[derive(Serialize, utoipa::ToSchema)]
struct Me {
    username: String,
    role: rectify_domain::actor::Role,
    unit_id: Option<rectify_domain::ids::UnitId>,
}

/// Who is signed in.
#[utoipa::path(get, path = "/session", tag = "session", responses((status = 200, body = Me), Errors))]
async fn whoami(Auth(actor): Auth) -> Json<Me> {
    let Actor { username, role, unit_id, .. } = actor;
    Json(Me { username, role, unit_id })
}

/// Signs out and clears the cookie; with `everywhere=true`, ends every session of the account
/// (on every device and every instance).
#[utoipa::path(delete, path = "/session", tag = "session", security(()),
    params(("everywhere" = Option<bool>, Query, description = "end every session of the account")),
    responses((status = 204, description = "signed out (also when no session was sent)"),
        (status = 422, description = "an unknown or malformed parameter", body = crate::error::ProblemBody,
            content_type = "application/problem+json")))]
async fn logout(State(st): State<AppState>, headers: HeaderMap, mut p: Params) -> ApiResult<Response> {
    let everywhere = p.bool("everywhere").unwrap_or(false);
    p.finish()?;
    if let Some(token) = session_token(&headers) {
        if everywhere {
            st.store.accounts().logout_everywhere(&token).await?;
        } else {
            st.store.accounts().logout(&token).await?;
        }
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(header::SET_COOKIE, cookie("", 0, st.config.secure_cookies));
    Ok(resp)
}
