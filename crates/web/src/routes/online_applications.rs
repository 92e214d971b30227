//! The online hall's applications (网上申报): a citizen applies for an item handled fully online
//! (no account) and follows it by its tracking code; the handling unit's staff pre-check it —
//! take it up into the service ledger or return it with a reason.

use super::{Errors, Throttled, created, idempotency};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, ClientIp, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use rectify_domain::actor::Actor;
use rectify_domain::error::Issue;
use rectify_domain::ids::OnlineApplicationId;
use rectify_domain::service::online::{
    ApplicationProgress, NewOnlineApplication, OnlineApplication, OnlineApplicationState, OnlineApplicationTransition,
};
use rectify_domain::wire::Wire;
use rectify_domain::{DomainError, Entity};
use rectify_store::services::online::ApplicationFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, submit_application))
        .routes(routes!(get_application))
        .routes(routes!(decide_application))
        .routes(routes!(track_application))
}

/// Applies online (no account) for a published item handled fully online (全程网办; any other
/// item: `item_id`, rule `not_online`). An integration (a provincial platform with an API token)
/// uploads the materials first (`POST /api/v1/attachments`) and names them in `attachment_ids`;
/// a citizen sends them with the page's form (`/services/{id}/apply`). The tracking code goes to
/// the phone by SMS; the handling unit pre-checks the application.
#[utoipa::path(post, path = "/service-applications", tag = "services", security(()),
    request_body = NewOnlineApplication, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ApplicationProgress), Errors, Throttled))]
async fn submit_application(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewOnlineApplication>,
) -> ApiResult<Response> {
    st.limits.submit.check(ip)?;
    let scope = Actor { username: format!("public:{ip}"), ..Actor::public() };
    let key = idempotency(&scope, key, &body.digest)?;
    let done = st.store.services().submit_application(body.value, Vec::new(), key.as_ref()).await?;
    Ok(created(format!("/api/v1/service-applications/track/{}", done.value.tracking_code), done))
}

/// The applications of the units the caller handles, oldest first: those waiting for the
/// pre-check (`state=submitted`, the default), or those taken up or returned.
#[utoipa::path(get, path = "/service-applications", tag = "services",
    params(("unit" = Option<String>, Query), ("state" = Option<String>, Query)),
    responses((status = 200, body = Vec<OnlineApplication>), Errors))]
async fn list_applications(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Vec<OnlineApplication>>> {
    let filter = ApplicationFilter {
        unit: p.id("unit"),
        state: p.parse("state", OnlineApplicationState::parse, || Issue::NotOneOf {
            expected: OnlineApplicationState::names(),
        }),
    };
    p.finish()?;
    Ok(Json(st.store.services().list_applications(&actor, &filter).await?))
}

/// An application with its materials (the applicant masked).
#[utoipa::path(get, path = "/service-applications/{id}", tag = "services", params(("id" = String, Path)),
    responses((status = 200, body = OnlineApplication), Errors))]
async fn get_application(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<OnlineApplicationId>,
) -> ApiResult<Json<OnlineApplication>> {
    Ok(Json(st.store.services().get_application(&actor, id).await?))
}

/// The pre-check (预审): `take_up` with the first-contact officer `responsible_id` (a service
/// case of the ledger, channel online, under the same tracking code), or `return` with a
/// `reason` (told by SMS).
#[utoipa::path(post, path = "/service-applications/{id}/transitions", tag = "services",
    params(("id" = String, Path)), request_body = OnlineApplicationTransition,
    responses((status = 200, body = OnlineApplication), Errors))]
async fn decide_application(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<OnlineApplicationId>,
    body: JsonBody<OnlineApplicationTransition>,
) -> ApiResult<Json<OnlineApplication>> {
    Ok(Json(st.store.services().decide_application(&actor, id, body.value).await?))
}

/// An application by its tracking code (no account): where it stands and, once taken up, the
/// service case's progress; nothing personal.
#[utoipa::path(get, path = "/service-applications/track/{tracking_code}", tag = "services", security(()),
    params(("tracking_code" = String, Path)), responses((status = 200, body = ApplicationProgress), Errors, Throttled))]
async fn track_application(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> ApiResult<Json<ApplicationProgress>> {
    st.limits.track.check(ip)?;
    let found = st.store.services().track_application(&code).await?;
    Ok(Json(found.ok_or_else(|| DomainError::not_found(Entity::OnlineApplication, code))?))
}
