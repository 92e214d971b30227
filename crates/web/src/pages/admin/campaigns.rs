//! Campaigns (活动) with their batches, and a batch's 立改清单: which participating units have
//! proposed their quota of immediate items and which still owe some.

use super::{all_units, data_lang, names_of, path_id, unit_options};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::pages::{Answer, Ctx, FormErrors, Shown, form_values, settle};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::actor::Actor;
use rectify_domain::campaign::{Campaign, DEFAULT_ITEMS_PER_UNIT, NewBatch, NewCampaign};
use rectify_domain::ids::{BatchId, CampaignId};
use rectify_store::PageRequest;
use std::collections::{BTreeMap, HashSet};

pub fn site() -> Site {
    Site::new()
        .get("/app/admin/campaigns", campaigns_page)
        .post("/app/admin/campaigns", create_campaign)
        .get("/app/admin/campaigns/{id}", campaign_page)
        .post("/app/admin/campaigns/{id}/batches", create_batch)
}

/// Campaigns per page.
const PAGE: i64 = 50;

async fn campaigns_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    campaigns_view(&st, &ctx, actor, StatusCode::OK, BTreeMap::new(), Vec::new(), None).await
}

/// The list and the add form; `selected` are the participating units picked in a refused form.
async fn campaigns_view(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    status: StatusCode,
    values: BTreeMap<String, String>,
    selected: Vec<String>,
    errors: Option<FormErrors>,
) -> Answer {
    // A cursor that does not decode (edited by hand) starts again from the first page.
    let page = PageRequest::new(Some(PAGE), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(PAGE as u32));
    let campaigns = st.store.campaigns().list_campaigns(actor, false, &page).await?;
    let units = all_units(st, actor, false).await?;
    let unit_options = unit_options(&units, &HashSet::new());
    ctx.render_status(
        st,
        status,
        "app/admin/campaigns.html",
        context! { campaigns, unit_options, selected, values, errors, filters => ctx.query_map() },
    )
}

async fn create_campaign(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewCampaign = form.decode(&[("unit_ids", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.campaigns().create_campaign(actor, input, None).await?)
    };
    let done = |c: rectify_store::idempotency::Created<rectify_domain::campaign::Campaign>| {
        format!("/app/admin/campaigns/{}?done=created", c.value.id)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        let selected =
            form.fields.iter().filter(|(k, v)| k == "unit_ids" && !v.is_empty()).map(|(_, v)| v.clone()).collect();
        let values = form_values(form);
        campaigns_view(st, ctx, actor, StatusCode::UNPROCESSABLE_ENTITY, values, selected, Some(errors)).await
    })
    .await
}

async fn campaign_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let actor = ctx.staff()?;
    let id: CampaignId = path_id(&id)?;
    let values = BTreeMap::from([("items_per_unit".to_owned(), DEFAULT_ITEMS_PER_UNIT.to_string())]);
    campaign_view(&st, &ctx, actor, id, Shown::filled(values)).await
}

/// The campaign, its batches, the add-batch form, and the 立改清单 of one batch (`?batch=`, the
/// newest by default).
async fn campaign_view(st: &AppState, ctx: &Ctx, actor: &Actor, id: CampaignId, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let campaign: Campaign = st.store.campaigns().get_campaign(actor, id).await?;
    let chosen: Option<BatchId> = match ctx.query("batch") {
        Some(b) => {
            // Only a batch of this campaign; another campaign's batch is not on this page.
            let b: BatchId = path_id(b)?;
            Some(campaign.batches.iter().find(|x| x.id == b).map(|x| x.id).ok_or(ApiError::NotFound)?)
        }
        None => campaign.batches.last().map(|b| b.id),
    };
    let report = match chosen {
        Some(b) => Some(st.store.campaigns().immediate_list(actor, b).await?),
        None => None,
    };
    let units = all_units(st, actor, true).await?;
    let names = names_of(&units);
    ctx.render_status(
        st,
        status,
        "app/admin/campaign.html",
        context! {
            name_lang => data_lang(&campaign.name),
            batch_lang => report.as_ref().map(|r| data_lang(&r.batch.name)),
            campaign, report, chosen => chosen.map(|b| b.to_string()), names, values, errors,
        },
    )
}

async fn create_batch(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CampaignId = path_id(&id)?;
    let attempt = async {
        // The campaign is the one in the address, whatever the form says.
        let mut body = form.to_json(&[("items_per_unit", Kind::Number)], &["campaign_id"])?;
        if let Some(obj) = body.as_object_mut() {
            obj.insert("campaign_id".to_owned(), serde_json::Value::String(id.to_string()));
        }
        let input: NewBatch = crate::form::decode_value(&body)?;
        Ok::<_, ApiError>(st.store.campaigns().create_batch(actor, input, None).await?)
    };
    let done = |b: rectify_store::idempotency::Created<rectify_domain::campaign::Batch>| {
        format!("/app/admin/campaigns/{id}?batch={}&done=created", b.value.id)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        campaign_view(st, ctx, actor, id, Shown::again(form, errors)).await
    })
    .await
}
