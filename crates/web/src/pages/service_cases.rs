//! The service ledger for staff (服务台账): the list of service cases with their lights, receiving
//! an applicant at the window (收件登记), and a case's page with its clock, its record and the
//! steps the user's unit may take — 一次性告知 with the item's materials to tick, 受理, the item's
//! next step, 暂停计时, 办结, 不予办理, 移交.

use super::{Answer, Ctx, FormErrors, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::{Value, context};
use rectify_domain::actor::{Actor, Permission, authorize, own_party};
use rectify_domain::ids::{ServiceCaseId, UnitId};
use rectify_domain::machine;
use rectify_domain::service::case::{ServiceCaseMachine, ServiceCaseState};
use rectify_domain::service::record::{NewServiceCase, ServiceChannel, ServiceTransitionRequest};
use rectify_store::PageRequest;
use rectify_store::people::PersonFilter;
use rectify_store::services::{ServiceCaseFilter, ServiceFilter};

pub fn site() -> Site {
    Site::new()
        .get("/app/service-cases", list)
        .get("/app/service-cases/new", new_form)
        .post("/app/service-cases/new", receive)
        .get("/app/service-cases/{id}", show)
        .post("/app/service-cases/{id}/transitions", transition)
}

/// Rows on one page of the ledger; items and people offered in a picker.
const PAGE: u32 = 50;
const PICKER: u32 = 500;

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let filter = ServiceCaseFilter {
        state: ctx.query("state").and_then(ServiceCaseState::parse),
        month: ctx.query("month").filter(|m| m.len() == 7).map(str::to_owned),
        q: ctx.query("q").map(str::to_owned),
        ..ServiceCaseFilter::default()
    };
    let page =
        PageRequest::new(Some(i64::from(PAGE)), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(PAGE));
    let cases = st.store.services().list_cases(actor, &filter, &page).await?;
    let states: Vec<&str> = ServiceCaseState::ALL.iter().map(|s| s.as_str()).collect();
    ctx.render(&st, "app/service_cases.html", context! { cases, states, filters => ctx.query_map() })
}

/// The items an actor may receive applicants for, as `[id, "code name"]`, and the people who
/// may be the first-contact officer (the actor's unit's, or everyone's for the office).
async fn choices(st: &AppState, actor: &Actor) -> Result<Value, super::PageError> {
    let unit: Option<UnitId> = if actor.role.is_office() { None } else { actor.unit_id };
    let items = st
        .store
        .services()
        .list_items(actor, &ServiceFilter { unit, ..ServiceFilter::default() }, &PageRequest::first(PICKER))
        .await?;
    let items: Vec<[String; 2]> = items
        .items
        .into_iter()
        .filter(|i| i.published)
        .map(|i| [i.id.to_string(), format!("{} {}", i.fields.code, i.fields.name)])
        .collect();
    let people = st
        .store
        .directory()
        .list_people(actor, &PersonFilter { unit, ..PersonFilter::default() }, &PageRequest::first(PICKER))
        .await?;
    let people: Vec<[String; 2]> = people.items.into_iter().map(|p| [p.id.to_string(), p.name]).collect();
    let channels: Vec<&str> = ServiceChannel::ALL.iter().map(|c| c.as_str()).collect();
    Ok(context! { items, people, channels })
}

async fn new_form(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    authorize(actor, Permission::ManageServices, own_party(actor))?;
    let values = context! { channel => "window", item_id => ctx.query("item") };
    ctx.render(&st, "app/service_case_new.html", context! { choices => choices(&st, actor).await?, values })
}

async fn receive(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewServiceCase = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.services().create_case(actor, input, None).await?)
    };
    let done = |c: rectify_store::idempotency::Created<rectify_domain::service::record::ServiceCase>| {
        format!("/app/service-cases/{}?done=received", c.value.id)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        let page = context! { choices => choices(st, actor).await?, values => form_values(form), errors };
        ctx.render_status(st, StatusCode::UNPROCESSABLE_ENTITY, "app/service_case_new.html", page)
    })
    .await
}

async fn page(st: &AppState, ctx: &Ctx, id: ServiceCaseId, failed: Option<(String, FormErrors, &FormData)>) -> Answer {
    let actor = ctx.staff()?;
    let detail = st.store.services().get_case(actor, id).await?;
    let party = st.store.services().case_party(actor, &detail.case).await?;
    let actions: Vec<&str> =
        machine::available::<ServiceCaseMachine>(detail.case.state, party).iter().map(|a| a.as_str()).collect();
    // What 一次性告知 offers to tick: the materials of the version the case is handled under.
    let item = st.store.services().item_version(actor, detail.case.item_id, detail.case.item_version).await?;
    let next_step = detail.case.steps.iter().find(|s| !detail.case.steps_done.contains(s)).cloned();
    let people = if actions.contains(&"hand_over") {
        let filter = PersonFilter { unit: Some(detail.case.unit_id), ..PersonFilter::default() };
        let found = st.store.directory().list_people(actor, &filter, &PageRequest::first(PICKER)).await?;
        found
            .items
            .into_iter()
            .filter(|p| p.id != detail.case.responsible_id)
            .map(|p| [p.id.to_string(), p.name])
            .collect()
    } else {
        Vec::new()
    };
    let responsible = st.store.directory().get_person(actor, detail.case.responsible_id).await.ok().map(|p| p.name);
    let unit = st.store.directory().get_unit(actor, detail.case.unit_id).await?.name;
    let files = st.store.services().case_files(actor, id).await?;
    let (form_name, errors, values) = match failed {
        Some((name, errors, form)) => (Some(name), Some(errors), Some(form_values(form))),
        None => (None, None, None),
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    ctx.render_status(
        st,
        status,
        "app/service_case.html",
        context! {
            case => detail.case, events => detail.events, actions, materials => item.materials, next_step, people,
            responsible, unit, files, form_name, errors, values, done => ctx.query("done"),
        },
    )
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: ServiceCaseId = path_id(&id)?;
    page(&st, &ctx, id, None).await
}

async fn transition(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ServiceCaseId = path_id(&id)?;
    let name = form.get("action").unwrap_or("transition").to_owned();
    let result = async {
        let req: ServiceTransitionRequest = form.decode(&[("version", Kind::Number), ("missing", Kind::List)], &[])?;
        Ok::<_, ApiError>(st.store.services().transition_case(actor, id, req).await?)
    }
    .await;
    let done = format!("/app/service-cases/{id}?done={name}");
    settle(ctx.lang, result, |_| done, |errors| page(&st, &ctx, id, Some((name, errors, &form)))).await
}
