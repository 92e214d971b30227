//! Case pages for staff: the inbox (boxes by what needs doing), registering a case from another
//! channel, and a case's page with its timeline and the actions the user's party may take.

use super::picker::{Scope, picker_for};
use super::portal::unit_names;
use super::{Answer, Ctx, FormErrors, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::{Value, context};
use rectify_domain::actor::{Party, Permission, authorize};
use rectify_domain::case::{
    CaseParty, CaseState, CaseTransitionRequest, CaseType, Channel, ExtensionStatus, InvestigationOutcome, NewCase,
    NewDispatch, NewOutcome, Satisfaction, VisitMethod,
};
use rectify_domain::ids::CaseId;
use rectify_domain::privacy::{Contact, RevealRequest};
use rectify_store::PageRequest;

pub fn site() -> Site {
    Site::new()
        .get("/app/cases", inbox)
        .get("/app/cases/new", new_form)
        .post("/app/cases/new", register)
        .get("/app/cases/{id}", show)
        .post("/app/cases/{id}/transitions", transition)
        .post("/app/cases/{id}/contact", reveal)
        .post("/app/cases/{id}/dispatches", dispatch)
        .post("/app/cases/{id}/investigation", conclude)
}

/// The inbox's boxes, each a filter over the cases the user may see.
pub(super) const BOXES: [&str; 8] =
    ["to_accept", "to_assign", "to_sign", "to_reply", "overdue", "sent_back", "replied", "all"];

/// A box as the case list's own filter parameters, so that the box and its export (which takes
/// the API's parameters) are the same list.
fn box_params(name: &str) -> &'static [(&'static str, &'static str)] {
    match name {
        "to_accept" => &[("state", "received")],
        "to_assign" => &[("state", "accepted")],
        "to_sign" => &[("state", "assigned")],
        "to_reply" => &[("state", "in_progress")],
        "overdue" => &[("reply_overdue", "true")],
        "sent_back" => &[("sent_back", "true")],
        "replied" => &[("state", "replied")],
        _ => &[],
    }
}

/// The box's parameters and the search text.
fn inbox_params<'a>(chosen: &'a str, q: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    box_params(chosen).iter().copied().chain(q.map(|q| ("q", q))).collect()
}

async fn inbox(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    // The office starts with what it must accept; a unit with what it must sign for.
    let default = if actor.role.is_office() { "to_accept" } else { "to_sign" };
    let chosen = ctx.query("box").filter(|b| BOXES.contains(b)).unwrap_or(default);
    let params = inbox_params(chosen, ctx.query("q"));
    let owned = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let filter = rectify_app::filters::cases(&mut rectify_app::Params::from_pairs(owned));
    let export_query = super::files::export_query(&params);
    let page = PageRequest::new(Some(50), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(50));
    let cases = st.store.cases().list_cases(actor, &filter, &page).await?;
    let units = unit_names(&st).await?;
    ctx.render(
        &st,
        "app/cases.html",
        context! { cases, units, boxes => BOXES, chosen, export_query, export_pairs => params, filters => ctx.query_map() },
    )
}

fn intake_choices() -> Value {
    context! {
        types => CaseType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        channels => Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    }
}

async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    authorize(actor, Permission::RegisterCase, Party::Office)?;
    let values = context! { type => "complaint", channel => "hotline" };
    ctx.render(&st, "app/case_new.html", context! { choices => intake_choices(), values })
}

async fn register(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewCase = form.decode(&[("urgent", Kind::Bool)], &[])?;
        Ok::<_, ApiError>(st.store.cases().register_case(actor, input, None).await?)
    };
    let done = |c: rectify_store::idempotency::Created<rectify_domain::case::Case>| {
        format!("/app/cases/{}?done=created", c.value.id)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        let page = context! { choices => intake_choices(), values => form_values(form), errors };
        ctx.render_status(st, StatusCode::UNPROCESSABLE_ENTITY, "app/case_new.html", page)
    })
    .await
}

async fn page(
    st: &AppState,
    ctx: &Ctx,
    id: CaseId,
    failed: Option<(String, FormErrors, &FormData)>,
    revealed: Option<Contact>,
) -> Answer {
    let actor = ctx.staff()?;
    let may_reveal = authorize(actor, Permission::RevealContact, Party::Other).is_ok();
    let case = st.store.cases().get_case(actor, id).await?;
    let events = st.store.cases().case_events(actor, id).await?;
    let party = st.store.cases().case_party(actor, &case).await?;
    let office = party == CaseParty::Office;
    let pending = case.extension.as_ref().is_some_and(|e| e.status == ExtensionStatus::Pending);
    let actions: Vec<&str> =
        rectify_domain::case::available_actions(case.state, party, pending).iter().map(|a| a.as_str()).collect();
    let units = unit_names(st).await?;
    // The office assigns within its own area.
    let scope = Scope::Reach(actor.clone(), rectify_domain::visibility::Records::Cases);
    let unit_options = picker_for(st, &scope, case.unit_id.map(|u| u.to_string()).as_deref()).await?;
    // Reports and complaints once accepted are investigated: dispatches by the office or the
    // unit, the outcome by the office.
    let investigation = if rectify_domain::case::investigated(case.case_type)
        && !matches!(case.state, CaseState::Received | CaseState::Declined)
    {
        Some(st.store.cases().investigation(actor, id).await?)
    } else {
        None
    };
    let may_dispatch = office || party == CaseParty::AssignedUnit;
    let people = match &investigation {
        Some(i) if office && i.outcome.is_none() && !i.dispatches.is_empty() => {
            super::accountability::pickers(st, actor).await?.1
        }
        _ => Vec::new(),
    };
    let outcomes: Vec<&str> = InvestigationOutcome::ALL.iter().map(|o| o.as_str()).collect();
    let (form_name, errors, values) = match failed {
        Some((name, errors, form)) => (Some(name), Some(errors), Some(form_values(form))),
        None => (None, None, None),
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    // The place on a map when the case carries a position and a tile server is configured.
    let tiles = super::map::tiles(st).await?;
    let map = match (&tiles, super::map::case_point(&case, super::map::case_label(st, ctx, &case))) {
        (Some(t), Some(point)) => Some(super::map::MapView::new(t, "show", vec![point])),
        _ => None,
    };
    let (photos, documents): (Vec<_>, Vec<_>) =
        case.attachments.iter().cloned().partition(|a| a.content_type.starts_with("image/"));
    let resp = ctx.render_status(
        st,
        status,
        "app/case.html",
        context! {
            case, events, actions, units, unit_options, form_name, errors, values,
            office, may_reveal, revealed, investigation, may_dispatch, outcomes, people, map, photos, documents,
            satisfactions => Satisfaction::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            methods => VisitMethod::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        },
    )?;
    Ok(super::map::allow_tiles(resp, tiles.as_ref()))
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    page(&st, &ctx, path_id(&id)?, None, None).await
}

/// Shows the citizen's details in full on this answer only (never in a URL or a redirect), after
/// the store has recorded the reveal and its reason in the audit chain.
async fn reveal(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let req: RevealRequest = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.cases().reveal_contact(actor, id, &req).await?)
    }
    .await;
    match result {
        Ok(contact) => page(&st, &ctx, id, None, Some(contact)).await,
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            page(&st, &ctx, id, Some(("reveal".into(), errors, &form)), None).await
        }
    }
}

async fn transition(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let req: CaseTransitionRequest = form.decode(&[("version", Kind::Number), ("approve", Kind::Bool)], &[])?;
        Ok::<_, ApiError>(st.store.cases().transition_case(actor, id, req).await?)
    }
    .await;
    let name = form.get("action").unwrap_or("transition").to_owned();
    settle(
        ctx.lang,
        result,
        |_| format!("/app/cases/{id}?done=action"),
        |errors| page(&st, &ctx, id, Some((name, errors, &form)), None),
    )
    .await
}

/// A dispatch of investigators recorded from the case page.
async fn dispatch(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let input: NewDispatch = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.cases().record_dispatch(actor, id, input, None).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |_| format!("/app/cases/{id}?done=dispatched"),
        |errors| page(&st, &ctx, id, Some(("dispatch".into(), errors, &form)), None),
    )
    .await
}

/// The investigation's outcome recorded from the case page (the office).
async fn conclude(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: CaseId = path_id(&id)?;
    let result = async {
        let input: NewOutcome = form.decode(&[("action_ids", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.cases().record_outcome(actor, id, input).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |_| format!("/app/cases/{id}?done=concluded"),
        |errors| page(&st, &ctx, id, Some(("outcome".into(), errors, &form)), None),
    )
    .await
}
