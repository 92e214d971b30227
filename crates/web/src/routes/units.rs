use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use rectify_domain::ids::UnitId;
use rectify_domain::unit::{NewUnit, Unit, UnitKind, UnitPatch, kind_issue};
use rectify_store::Page;
use rectify_store::units::UnitFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_units, create_unit)).routes(routes!(get_unit, update_unit))
}

/// Reads the unit filters; shared with the public directory.
pub(crate) fn unit_filter(p: &mut Params) -> UnitFilter {
    UnitFilter {
        parent: p.id("parent"),
        roots: p.bool("roots").unwrap_or(false),
        kind: p.parse("kind", UnitKind::parse, kind_issue),
        system: p.string("system"),
        q: p.string("q"),
        include_archived: p.bool("archived").unwrap_or(false),
    }
}

/// The unit tree, a page at a time in id order.
#[utoipa::path(get, path = "/units", tag = "units",
    params(
        ("parent" = Option<String>, Query, description = "children of this unit"),
        ("roots" = Option<bool>, Query, description = "only top-level units"),
        ("kind" = Option<UnitKind>, Query),
        ("system" = Option<String>, Query, description = "系统, e.g. 公安"),
        ("q" = Option<String>, Query, description = "name contains"),
        ("archived" = Option<bool>, Query, description = "include archived units"),
        ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<Unit>), Errors))]
async fn list_units(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Page<Unit>>> {
    let filter = unit_filter(&mut p);
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.directory().list_units(&actor, &filter, &page).await?))
}

#[utoipa::path(post, path = "/units", tag = "units", request_body = NewUnit,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Unit), Errors))]
async fn create_unit(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewUnit>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.directory().create_unit(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/units/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/units/{id}", tag = "units", params(("id" = String, Path)),
    responses((status = 200, body = Unit), Errors))]
async fn get_unit(State(st): State<AppState>, Auth(actor): Auth, PathId(id): PathId<UnitId>) -> ApiResult<Json<Unit>> {
    Ok(Json(st.store.directory().get_unit(&actor, id).await?))
}

/// Changes a unit: rename, move in the tree, archive (`"archived": true`). Nothing is deleted.
#[utoipa::path(patch, path = "/units/{id}", tag = "units", params(("id" = String, Path)), request_body = UnitPatch,
    responses((status = 200, body = Unit), Errors))]
async fn update_unit(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<UnitId>,
    body: JsonBody<UnitPatch>,
) -> ApiResult<Json<Unit>> {
    Ok(Json(st.store.directory().update_unit(&actor, id, body.value).await?))
}
