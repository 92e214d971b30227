//! The service catalog (事项清单): items anyone may read when published, written by the office
//! or by a unit's staff for their own unit; every edit a new version with who and why.

use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, MaybeAuth, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use rectify_domain::actor::Actor;
use rectify_domain::error::Issue;
use rectify_domain::ids::ServiceItemId;
use rectify_domain::service::catalog::{NewServiceItem, ServiceItem, ServiceKind};
use rectify_domain::wire::Wire;
use rectify_store::Page;
use rectify_store::services::{ItemVersion, ServiceFilter};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item, revise_item))
        .routes(routes!(item_versions))
}

fn caller(actor: Option<Actor>) -> Actor {
    actor.unwrap_or_else(Actor::public)
}

/// The catalog by number: published items for everyone (no account needed), every item for
/// staff. `q` matches the name or the code, `list` a list or life event (最多跑一次, 生育).
#[utoipa::path(get, path = "/services", tag = "services", security((), ("session" = [])),
    params(("q" = Option<String>, Query), ("unit" = Option<String>, Query), ("list" = Option<String>, Query),
        ("kind" = Option<String>, Query), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<ServiceItem>), Errors))]
async fn list_items(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    mut p: Params,
) -> ApiResult<Json<Page<ServiceItem>>> {
    let filter = ServiceFilter {
        q: p.string("q"),
        unit: p.id("unit"),
        list: p.string("list"),
        kind: p.parse("kind", ServiceKind::parse, || Issue::NotOneOf { expected: ServiceKind::names() }),
    };
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.services().list_items(&caller(actor), &filter, &page).await?))
}

/// Adds an item (the office, or the unit's own staff); published unless `published` is false.
/// The promised limit may not exceed the legal one; every handler needs a public phone.
#[utoipa::path(post, path = "/services", tag = "services", request_body = NewServiceItem,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ServiceItem), Errors))]
async fn create_item(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewServiceItem>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.services().create_item(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/services/{}", c.value.id), c))
}

/// An item's current version; an unpublished one is staff's only.
#[utoipa::path(get, path = "/services/{id}", tag = "services", security((), ("session" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ServiceItem), Errors))]
async fn get_item(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    PathId(id): PathId<ServiceItemId>,
) -> ApiResult<Json<ServiceItem>> {
    Ok(Json(st.store.services().get_item(&caller(actor), id).await?))
}

/// Writes the next version: the whole item again with the `version` read and, once it was
/// published, the `reason` it changes.
#[utoipa::path(put, path = "/services/{id}", tag = "services", params(("id" = String, Path)),
    request_body = NewServiceItem, responses((status = 200, body = ServiceItem), Errors))]
async fn revise_item(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceItemId>,
    body: JsonBody<NewServiceItem>,
) -> ApiResult<Json<ServiceItem>> {
    Ok(Json(st.store.services().revise_item(&actor, id, body.value).await?))
}

/// Every version of an item, newest first, with why each changed (staff).
#[utoipa::path(get, path = "/services/{id}/versions", tag = "services", params(("id" = String, Path)),
    responses((status = 200, body = Vec<ItemVersion>), Errors))]
async fn item_versions(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceItemId>,
) -> ApiResult<Json<Vec<ItemVersion>>> {
    Ok(Json(st.store.services().item_versions(&actor, id).await?))
}
