//! Bulletins (简报) of a campaign: drafts the office composes and previews, numbered issues it
//! publishes (frozen), and their documents. Published issues are public.

use super::{Errors, created, download, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, MaybeAuth, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use rectify_app::documents::{self, DocFormat};
use rectify_domain::actor::Actor;
use rectify_domain::bulletin::{Bulletin, BulletinContent, BulletinPatch, NewBulletin};
use rectify_domain::ids::BulletinId;
use rectify_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bulletins, create_bulletin))
        .routes(routes!(get_bulletin, update_bulletin))
        .routes(routes!(publish_bulletin))
        .routes(routes!(bulletin_content))
        .routes(routes!(bulletin_document))
}

fn caller(actor: Option<Actor>) -> Actor {
    actor.unwrap_or_else(Actor::public)
}

/// Newest first: published issues for everyone (no account needed), drafts too for the office.
#[utoipa::path(get, path = "/bulletins", tag = "bulletins", security((), ("session" = [])),
    params(("campaign" = Option<String>, Query), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Bulletin>), Errors))]
async fn list_bulletins(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    mut p: Params,
) -> ApiResult<Json<Page<Bulletin>>> {
    let campaign = p.id("campaign");
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.bulletins().list_bulletins(&caller(actor), campaign, &page).await?))
}

/// Starts a draft of a campaign's bulletin (the office). The headline defaults to the
/// campaign's name, the issuer to the setting `office_name`, the date to today.
#[utoipa::path(post, path = "/bulletins", tag = "bulletins", request_body = NewBulletin,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Bulletin), Errors))]
async fn create_bulletin(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewBulletin>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.bulletins().create_bulletin(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/bulletins/{}", c.value.id), c))
}

/// A bulletin; a published one with its frozen content. Drafts are the office's.
#[utoipa::path(get, path = "/bulletins/{id}", tag = "bulletins", security((), ("session" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Bulletin), Errors))]
async fn get_bulletin(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    PathId(id): PathId<BulletinId>,
) -> ApiResult<Json<Bulletin>> {
    Ok(Json(st.store.bulletins().get_bulletin(&caller(actor), id).await?))
}

/// Edits a draft (`version` required); a published issue never changes (409).
#[utoipa::path(patch, path = "/bulletins/{id}", tag = "bulletins", params(("id" = String, Path)),
    request_body = BulletinPatch, responses((status = 200, body = Bulletin), Errors))]
async fn update_bulletin(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<BulletinId>,
    body: JsonBody<BulletinPatch>,
) -> ApiResult<Json<Bulletin>> {
    Ok(Json(st.store.bulletins().update_bulletin(&actor, id, body.value).await?))
}

/// Publishes a draft as the campaign's next issue (第N期): its figures are counted now and
/// never change afterwards. `number` continues a count begun on paper (it must come after
/// every issue published here).
#[utoipa::path(post, path = "/bulletins/{id}/publish", tag = "bulletins",
    params(("id" = String, Path), ("version" = Option<i64>, Query), ("number" = Option<i64>, Query)),
    responses((status = 200, body = Bulletin), Errors))]
async fn publish_bulletin(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<BulletinId>,
    mut p: Params,
) -> ApiResult<Json<Bulletin>> {
    let version = p.int("version");
    let number = p.int("number").map(|n| u32::try_from(n).unwrap_or(0));
    p.finish()?;
    Ok(Json(st.store.bulletins().publish_bulletin(&actor, id, version, number).await?))
}

/// What the bulletin says: a published issue's frozen content, or a draft's with the ledger's
/// figures of this moment (the preview). Every figure is defined in `LedgerTally`.
#[utoipa::path(get, path = "/bulletins/{id}/content", tag = "bulletins", security((), ("session" = [])),
    params(("id" = String, Path)), responses((status = 200, body = BulletinContent), Errors))]
async fn bulletin_content(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    PathId(id): PathId<BulletinId>,
) -> ApiResult<Json<BulletinContent>> {
    Ok(Json(st.store.bulletins().bulletin_content(&caller(actor), id).await?))
}

/// The bulletin as a document: `format=docx` (Word, East-Asian fonts set) or `pdf` (a CJK font
/// embedded). A draft renders as a preview with the figures of this moment.
#[utoipa::path(get, path = "/bulletins/{id}/document", tag = "bulletins", security((), ("session" = [])),
    params(("id" = String, Path), ("format" = Option<String>, Query, description = "docx (default) or pdf")),
    responses((status = 200, description = "the document"), Errors))]
async fn bulletin_document(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    PathId(id): PathId<BulletinId>,
    mut p: Params,
) -> ApiResult<Response> {
    let format = DocFormat::read(&mut p);
    p.finish()?;
    let content = st.store.bulletins().bulletin_content(&caller(actor), id).await?;
    Ok(download(documents::bulletin(content, format.unwrap_or_default()).await?))
}
