use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use rectify_domain::campaign::{Batch, Campaign, CampaignPatch, NewBatch, NewCampaign};
use rectify_domain::ids::{BatchId, CampaignId};
use rectify_domain::{DomainError, Entity};
use rectify_store::Page;
use rectify_store::campaigns::ImmediateListReport;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign, update_campaign))
        .routes(routes!(list_campaign_batches, create_campaign_batch))
        .routes(routes!(list_batches, create_batch))
        .routes(routes!(get_batch))
        .routes(routes!(immediate_list))
}

#[utoipa::path(get, path = "/campaigns", tag = "campaigns",
    params(("archived" = Option<bool>, Query), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Campaign>), Errors))]
async fn list_campaigns(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Page<Campaign>>> {
    let archived = p.bool("archived").unwrap_or(false);
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.campaigns().list_campaigns(&actor, archived, &page).await?))
}

/// Creates a campaign with its phases (and their deadlines) and participating units.
#[utoipa::path(post, path = "/campaigns", tag = "campaigns", request_body = NewCampaign,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Campaign), Errors))]
async fn create_campaign(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewCampaign>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.campaigns().create_campaign(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/campaigns/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/campaigns/{id}", tag = "campaigns", params(("id" = String, Path)),
    responses((status = 200, body = Campaign), Errors))]
async fn get_campaign(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CampaignId>,
) -> ApiResult<Json<Campaign>> {
    Ok(Json(st.store.campaigns().get_campaign(&actor, id).await?))
}

#[utoipa::path(patch, path = "/campaigns/{id}", tag = "campaigns", params(("id" = String, Path)), request_body = CampaignPatch,
    responses((status = 200, body = Campaign), Errors))]
async fn update_campaign(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CampaignId>,
    body: JsonBody<CampaignPatch>,
) -> ApiResult<Json<Campaign>> {
    Ok(Json(st.store.campaigns().update_campaign(&actor, id, body.value).await?))
}

#[utoipa::path(get, path = "/campaigns/{id}/batches", tag = "campaigns", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Batch>), Errors))]
async fn list_campaign_batches(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CampaignId>,
) -> ApiResult<Json<Vec<Batch>>> {
    st.store.campaigns().get_campaign(&actor, id).await?;
    Ok(Json(st.store.campaigns().list_batches(&actor, Some(id)).await?))
}

/// Adds a batch (e.g. 第一批立改项目) to the campaign in the path.
#[utoipa::path(post, path = "/campaigns/{id}/batches", tag = "campaigns", params(("id" = String, Path)),
    request_body = NewBatch, responses((status = 201, body = Batch), Errors))]
async fn create_campaign_batch(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CampaignId>,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewBatch>,
) -> ApiResult<Response> {
    let mut input = body.value;
    match input.campaign_id {
        Some(other) if other != id => {
            return Err(ApiError::from(DomainError::unknown("campaign_id", Entity::Campaign)));
        }
        _ => input.campaign_id = Some(id),
    }
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.campaigns().create_batch(&actor, input, key.as_ref()).await?;
    Ok(created(format!("/api/v1/batches/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/batches", tag = "campaigns", params(("campaign" = Option<String>, Query)),
    responses((status = 200, body = Vec<Batch>), Errors))]
async fn list_batches(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Vec<Batch>>> {
    let campaign = p.id("campaign");
    p.finish()?;
    Ok(Json(st.store.campaigns().list_batches(&actor, campaign).await?))
}

/// Adds a batch to the campaign named by `campaign_id`.
#[utoipa::path(post, path = "/batches", tag = "campaigns", request_body = NewBatch,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Batch), Errors))]
async fn create_batch(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewBatch>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.campaigns().create_batch(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/batches/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/batches/{id}", tag = "campaigns", params(("id" = String, Path)),
    responses((status = 200, body = Batch), Errors))]
async fn get_batch(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<BatchId>,
) -> ApiResult<Json<Batch>> {
    Ok(Json(st.store.campaigns().get_batch(&actor, id).await?))
}

/// The immediate-rectification list (立改清单) of a batch: what each participating unit has
/// proposed and closed, and which units still owe items.
#[utoipa::path(get, path = "/batches/{id}/immediate-list", tag = "campaigns", params(("id" = String, Path)),
    responses((status = 200, body = ImmediateListReport), Errors))]
async fn immediate_list(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<BatchId>,
) -> ApiResult<Json<ImmediateListReport>> {
    Ok(Json(st.store.campaigns().immediate_list(&actor, id).await?))
}
