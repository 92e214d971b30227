//! Bulletins (简报) on the workbench and the portal. The office starts a draft of a campaign,
//! composes it (the editor's note, paragraphs, the sections it shows, items chosen from the
//! ledger and the cases) while the page previews it with the figures of the moment, and
//! publishes it as the campaign's next issue, frozen. Published issues are public at
//! `/bulletins`. Every read and write is the store's bulletin use case, as the signed-in user
//! on the workbench and as the public on the portal, so a draft is never public.

use super::{Answer, Ctx, FormErrors, Shown, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind, decode_value};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::bulletin::{
    Bulletin, BulletinContent, BulletinMachine, BulletinPatch, BulletinStatus, BulletinStep, Composition, MAX_SELECTED,
    NewBulletin,
};
use rectify_domain::campaign::Campaign;
use rectify_domain::ids::{BulletinId, CampaignId};
use rectify_domain::machine;
use rectify_store::PageRequest;
use rectify_store::problems::{ProblemFilter, ProblemSort};
use serde::Deserialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new()
        .get("/app/bulletins", list)
        .post("/app/bulletins", create)
        .get("/app/bulletins/{id}", show)
        .post("/app/bulletins/{id}", update)
        .post("/app/bulletins/{id}/publish", publish)
        .post("/app/bulletins/{id}/items", add_item)
        .post("/app/problems/{id}/bulletin", choose_problem)
        .get("/bulletins", public_list)
        .get("/bulletins/{id}", public_show)
}

/// Bulletins per page.
const PAGE: u32 = 30;
/// Problems the composer's search shows at once.
const FOUND: u32 = 20;
/// Empty rows the draft form offers for choosing more items.
const BLANK_ROWS: usize = 3;
/// The sections' check boxes, by the name of the section they show.
const SECTIONS: [(&str, &str); 6] = [
    ("show_units", "units"),
    ("show_categories", "categories"),
    ("show_overdue", "overdue"),
    ("show_charts", "charts"),
    ("show_hot_spots", "hot_spots"),
    ("show_services", "services"),
];
/// The draft's optional texts: blanked on the form, they are cleared.
const CLEARABLE: [&str; 3] = ["batch_id", "editor_note", "body"];

fn may_compose(actor: &Actor) -> bool {
    authorize(actor, Permission::ManageBulletins, Party::Office).is_ok()
}

fn page_request(ctx: &Ctx) -> PageRequest {
    PageRequest::new(Some(i64::from(PAGE)), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(PAGE))
}

/// `[id, name]` of the campaigns, and `[id, name]` of the batches of the campaign chosen (none
/// until one is: a batch of another campaign is never offered).
fn choices(campaigns: &[Campaign], chosen: Option<&str>) -> minijinja::Value {
    let (campaign_options, _) = super::campaign_options(campaigns);
    let batch_options: Vec<(String, String)> = campaigns
        .iter()
        .filter(|c| chosen == Some(c.id.to_string().as_str()))
        .flat_map(|c| c.batches.iter().map(|b| (b.id.to_string(), b.name.clone())))
        .collect();
    let names: BTreeMap<String, String> = campaigns.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    context! { campaign_options, batch_options, names }
}

// The workbench.

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    // A new draft shows every section unless the office leaves one out.
    let mut values: BTreeMap<String, String> = SECTIONS.iter().map(|(f, _)| (f.to_string(), "true".into())).collect();
    if let Some(c) = ctx.query("campaign") {
        values.insert("campaign_id".into(), c.to_owned());
    }
    list_view(&st, &ctx, actor, Shown::filled(values)).await
}

async fn list_view(st: &AppState, ctx: &Ctx, actor: &Actor, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let campaign: Option<CampaignId> = ctx.query("campaign").and_then(|c| c.parse().ok());
    let bulletins = st.store.bulletins().list_bulletins(actor, campaign, &page_request(ctx)).await?;
    let campaigns = super::live_campaigns(st, actor).await?;
    let office_name = st.store.reference().settings().await?.office_name;
    ctx.render_status(
        st,
        status,
        "app/bulletins.html",
        context! {
            choices => choices(&campaigns, values.get("campaign_id").map(String::as_str)),
            bulletins, may_compose => may_compose(actor), office_name,
            values, errors, filters => ctx.query_map(), today => st.store.today().to_string(),
        },
    )
}

/// The form's fields as the API's JSON body of a draft: texts as typed, the sections from their
/// boxes (a box left empty leaves its section out), the chosen items from their rows.
fn draft_body(form: &FormData) -> Result<Map<String, Json>, ApiError> {
    let composing = |k: &str| SECTIONS.iter().any(|(f, _)| *f == k) || k.starts_with("sel_");
    let texts =
        FormData { fields: form.fields.iter().filter(|(k, _)| !composing(k)).cloned().collect(), ..Default::default() };
    let Json::Object(mut body) = texts.to_json(&[("version", Kind::Number)], &[])? else {
        return Err(ApiError::MalformedBody("a form".into()));
    };
    let sections: Map<String, Json> =
        SECTIONS.iter().map(|(field, name)| (name.to_string(), Json::Bool(form.get(field).is_some()))).collect();
    body.insert("sections".into(), Json::Object(sections));
    body.insert("selected".into(), Json::Array(selected_rows(form)));
    Ok(body)
}

/// The chosen items' rows (`sel_kind_N`, `sel_id_N`, `sel_comment_N`, `sel_remove_N`) in order:
/// a row without a number or comment is an unused blank one, a ticked "remove" drops its item.
fn selected_rows(form: &FormData) -> Vec<Json> {
    let mut rows: Vec<usize> =
        form.fields.iter().filter_map(|(k, _)| k.strip_prefix("sel_id_")?.parse().ok()).collect();
    rows.sort_unstable();
    rows.dedup();
    let mut out = Vec::new();
    for i in rows {
        let get = |name: &str| form.get(&format!("{name}_{i}"));
        let (id, comment) = (get("sel_id"), get("sel_comment"));
        if get("sel_remove").is_some() || (id.is_none() && comment.is_none()) {
            continue;
        }
        let mut item = Map::new();
        let key = if get("sel_kind") == Some("case") { "case_id" } else { "problem_id" };
        // A comment without a number is sent as it is, to be refused by name.
        if let Some(id) = id {
            item.insert(key.into(), Json::String(id.trim_start_matches('#').to_owned()));
        }
        if let Some(c) = comment {
            item.insert("comment".into(), Json::String(c.to_owned()));
        }
        out.push(Json::Object(item));
    }
    out
}

async fn create(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewBulletin = decode_value(&Json::Object(draft_body(&form)?))?;
        Ok::<_, ApiError>(st.store.bulletins().create_bulletin(actor, input, None).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |c| format!("/app/bulletins/{}?done=created", c.value.id),
        |errors| async move { list_view(st, ctx, actor, Shown::again(form, errors)).await },
    )
    .await
}

/// The draft form's values from the stored draft, with blank rows to choose more items.
fn draft_values(b: &Bulletin) -> BTreeMap<String, String> {
    let c: &Composition = &b.composition;
    let mut v = BTreeMap::from([
        ("version".to_owned(), b.version.to_string()),
        ("headline".to_owned(), b.headline.clone()),
        ("issuer".to_owned(), b.issuer.clone()),
        ("issued_on".to_owned(), b.issued_on.to_string()),
    ]);
    let optional = [
        ("batch_id", b.batch_id.map(|x| x.to_string())),
        ("editor_note", c.editor_note.clone()),
        ("body", c.body.clone()),
    ];
    v.extend(optional.into_iter().filter_map(|(k, x)| Some((k.to_owned(), x?))));
    let s = c.sections;
    let shown = [s.units, s.categories, s.overdue, s.charts, s.hot_spots, s.services];
    v.extend(SECTIONS.iter().zip(shown).filter(|(_, on)| *on).map(|((f, _), _)| (f.to_string(), "true".into())));
    for (i, s) in c.selected.iter().enumerate() {
        let (kind, id) = match (s.problem_id, s.case_id) {
            (_, Some(case)) => ("case", case.to_string()),
            (Some(p), None) => ("problem", p.to_string()),
            (None, None) => continue,
        };
        v.insert(format!("sel_kind_{i}"), kind.into());
        v.insert(format!("sel_id_{i}"), id);
        if let Some(comment) = &s.comment {
            v.insert(format!("sel_comment_{i}"), comment.clone());
        }
    }
    v
}

/// How many item rows the draft form shows: every row sent or stored, and blank ones to add
/// more (up to the most a bulletin may choose).
fn row_count(values: &BTreeMap<String, String>) -> usize {
    let used = values
        .iter()
        .filter(|(k, v)| !v.is_empty() && (k.starts_with("sel_id_") || k.starts_with("sel_comment_")))
        .filter_map(|(k, _)| k.rsplit('_').next()?.parse::<usize>().ok())
        .map(|i| i + 1)
        .max();
    (used.unwrap_or(0) + BLANK_ROWS).min(MAX_SELECTED.max(used.unwrap_or(0)))
}

/// A form of the bulletin page that failed: which one, why, and what was typed.
type Failed = (&'static str, FormErrors, BTreeMap<String, String>);

/// A bulletin's page: a draft with its form and the preview of this moment, a published issue
/// read-only with what it froze.
async fn page(st: &AppState, ctx: &Ctx, id: BulletinId, failed: Option<Failed>) -> Answer {
    let actor = ctx.staff()?;
    let bulletin = st.store.bulletins().get_bulletin(actor, id).await?;
    let content: BulletinContent = match &bulletin.content {
        Some(c) => c.clone(),
        None => st.store.bulletins().bulletin_content(actor, id).await?,
    };
    let draft = bulletin.status == BulletinStatus::Draft;
    let party = if may_compose(actor) { Party::Office } else { Party::Other };
    let steps = machine::available::<BulletinMachine>(bulletin.status, party);
    let campaigns = super::live_campaigns(st, actor).await?;
    let batch_options: Vec<(String, String)> = campaigns
        .iter()
        .filter(|c| c.id == bulletin.campaign_id)
        .flat_map(|c| c.batches.iter().map(|b| (b.id.to_string(), b.name.clone())))
        .collect();
    let (form_name, errors, values) = match failed {
        Some((name, errors, mut values)) => {
            // The page shows the stored draft's version: sending the form again after someone
            // else's change replaces it knowingly.
            values.insert("version".into(), bulletin.version.to_string());
            (Some(name), Some(errors), values)
        }
        None => (None, None, draft_values(&bulletin)),
    };
    let find = ctx.query("find").map(str::trim).filter(|q| !q.is_empty());
    let found = match find {
        Some(q) if draft && may_compose(actor) => Some(find_problems(st, actor, &bulletin, q).await?),
        _ => None,
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    ctx.render_status(
        st,
        status,
        "app/bulletin.html",
        context! {
            rows => row_count(&values), find, found,
            bulletin, content, draft, batch_options,
            may_compose => steps.contains(&BulletinStep::Edit), may_publish => steps.contains(&BulletinStep::Publish),
            form_name, errors, values,
        },
    )
}

/// The composer's search: problems of the bulletin's campaign (and batch) whose text matches,
/// each with its unit, to choose with one click instead of typing a ledger number.
async fn find_problems(st: &AppState, actor: &Actor, b: &Bulletin, q: &str) -> Result<Vec<Json>, super::PageError> {
    let filter =
        ProblemFilter { campaign: Some(b.campaign_id), batch: b.batch_id, q: Some(q.to_owned()), ..Default::default() };
    let page =
        st.store.ledger().list_problems(actor, &filter, ProblemSort::default(), &PageRequest::first(FOUND)).await?;
    let units = super::portal::unit_names(st).await?;
    let chosen: Vec<_> = b.composition.selected.iter().filter_map(|s| s.problem_id).collect();
    Ok(page
        .items
        .into_iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id, "reference": p.reference, "description": p.description,
                "unit": units.get(&p.unit_id.to_string()), "chosen": chosen.contains(&p.id),
            })
        })
        .collect())
}

/// Bulletin drafts an item may be chosen into, newest first, for the "选入简报" form of a problem
/// page: the office's only, and those of the problem's campaign before the others.
pub(super) async fn drafts_for(
    st: &AppState,
    actor: &Actor,
    campaign: Option<CampaignId>,
) -> Result<Vec<(String, String)>, super::PageError> {
    if !may_compose(actor) {
        return Ok(Vec::new());
    }
    let all = st.store.bulletins().list_bulletins(actor, None, &PageRequest::first(100)).await?;
    let mut drafts: Vec<Bulletin> = all.items.into_iter().filter(|b| b.status == BulletinStatus::Draft).collect();
    drafts.sort_by_key(|b| (Some(b.campaign_id) != campaign, std::cmp::Reverse(b.id)));
    Ok(drafts.into_iter().map(|b| (b.id.to_string(), b.headline)).collect())
}

/// The composer's "选入" buttons: one item of its search added to the draft.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddItem {
    kind: Option<String>,
    item_id: Option<String>,
    comment: Option<String>,
}

async fn add_item(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: BulletinId = path_id(&id)?;
    let input: AddItem = form.decode(&[], &[])?;
    let key = if input.kind.as_deref() == Some("case") { "case_id" } else { "problem_id" };
    let item = input.item_id.unwrap_or_default();
    choose(&st, &ctx, actor, id, (key, &item), input.comment, format!("/app/bulletins/{id}?done=selected#selection"))
        .await
}

/// The problem page's "选入简报" form: the draft chosen, and what the editor says of the item.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChooseForm {
    bulletin_id: Option<String>,
    comment: Option<String>,
}

async fn choose_problem(State(st): State<AppState>, ctx: Ctx, Path(problem): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let input: ChooseForm = form.decode(&[], &[])?;
    let id: BulletinId = path_id(input.bulletin_id.as_deref().unwrap_or_default())?;
    choose(
        &st,
        &ctx,
        actor,
        id,
        ("problem_id", &problem),
        input.comment,
        format!("/app/problems/{problem}?done=selected"),
    )
    .await
}

/// Adds one item (`key` is `problem_id` or `case_id`) to a draft's chosen items through the
/// draft's own update, so its checks (drafts only, no item twice, at most 30) hold; a refusal
/// shows the draft's page with the reason.
async fn choose(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: BulletinId,
    (key, item): (&str, &str),
    comment: Option<String>,
    then: String,
) -> Answer {
    let bulletin = st.store.bulletins().get_bulletin(actor, id).await?;
    let attempt = async {
        let mut chosen: Vec<Json> = bulletin
            .composition
            .selected
            .iter()
            .map(|s| serde_json::to_value(s).map_err(|e| ApiError::Internal(e.to_string())))
            .collect::<Result<_, _>>()?;
        let mut row = Map::new();
        row.insert(key.into(), Json::String(item.trim().trim_start_matches('#').to_owned()));
        if let Some(c) = comment.filter(|c| !c.trim().is_empty()) {
            row.insert("comment".into(), Json::String(c));
        }
        chosen.push(Json::Object(row));
        let patch: BulletinPatch =
            decode_value(&serde_json::json!({ "version": bulletin.version, "selected": chosen }))?;
        Ok::<_, ApiError>(st.store.bulletins().update_bulletin(actor, id, patch).await?)
    };
    settle(
        ctx.lang,
        attempt.await,
        |_| then,
        |errors| page(st, ctx, id, Some(("draft", errors, draft_values(&bulletin)))),
    )
    .await
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    page(&st, &ctx, path_id(&id)?, None).await
}

/// Saves a draft: the fields sent change, blanked optional texts are cleared.
async fn update(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: BulletinId = path_id(&id)?;
    let attempt = async {
        let mut body = draft_body(&form)?;
        for name in CLEARABLE {
            let sent = form.fields.iter().any(|(k, _)| k == name);
            if sent && !body.contains_key(name) {
                body.insert(name.into(), Json::Null);
            }
        }
        let patch: BulletinPatch = decode_value(&Json::Object(body))?;
        Ok::<_, ApiError>(st.store.bulletins().update_bulletin(actor, id, patch).await?)
    };
    let (st, ctx) = (&st, &ctx);
    settle(
        ctx.lang,
        attempt.await,
        |_| format!("/app/bulletins/{id}?done=saved"),
        |errors| page(st, ctx, id, Some(("draft", errors, form_values(&form)))),
    )
    .await
}

/// The publish form: the draft's version, and a number when the count began on paper.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishForm {
    version: Option<i64>,
    number: Option<u32>,
}

async fn publish(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: BulletinId = path_id(&id)?;
    let attempt = async {
        let p: PublishForm = form.decode(&[("version", Kind::Number), ("number", Kind::Number)], &[])?;
        Ok::<_, ApiError>(st.store.bulletins().publish_bulletin(actor, id, p.version, p.number).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |_| format!("/app/bulletins/{id}?done=published"),
        |errors| async move {
            // The draft form keeps the stored draft; the publish form what was typed.
            let bulletin = st.store.bulletins().get_bulletin(actor, id).await?;
            let mut values = draft_values(&bulletin);
            values.extend(form.get("number").map(|n| ("number".to_owned(), n.to_owned())));
            page(st, ctx, id, Some(("publish", errors, values))).await
        },
    )
    .await
}

// The portal: published issues only, whoever asks.

async fn public_list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let campaign: Option<CampaignId> = ctx.query("campaign").and_then(|c| c.parse().ok());
    let bulletins = st.store.bulletins().list_bulletins(&Actor::public(), campaign, &page_request(&ctx)).await?;
    ctx.render(&st, "bulletins.html", context! { bulletins, filters => ctx.query_map() })
}

async fn public_show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: BulletinId = path_id(&id)?;
    let public = Actor::public();
    let bulletin = st.store.bulletins().get_bulletin(&public, id).await?;
    let content = match &bulletin.content {
        Some(c) => c.clone(),
        None => st.store.bulletins().bulletin_content(&public, id).await?,
    };
    ctx.render(&st, "bulletin.html", context! { bulletin, content })
}
