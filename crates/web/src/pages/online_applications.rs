//! The online hall on pages. For the public, phone-first and without script: applying online for
//! an item handled fully online (`/services/{id}/apply`: name, mobile, what is asked and the
//! materials as files), then the tracking code. For staff, `/app/service-applications`: the
//! applications waiting for the pre-check (预审) of the units they handle, and an application's
//! page with its materials and the two answers — take it up as the first-contact officer
//! (a service case of the ledger) or return it with a reason.

use super::{Answer, Ctx, FormErrors, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::form::FormData;
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::actor::{Actor, Permission, authorize, own_party};
use rectify_domain::ids::{OnlineApplicationId, ServiceItemId};
use rectify_domain::service::online::{NewOnlineApplication, OnlineApplicationState, OnlineApplicationTransition};
use rectify_store::PageRequest;
use rectify_store::people::PersonFilter;
use rectify_store::services::online::ApplicationFilter;
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new()
        .get("/services/{id}/apply", apply_form)
        .post("/services/{id}/apply", apply)
        .get("/app/service-applications", list)
        .get("/app/service-applications/{id}", show)
        .post("/app/service-applications/{id}/transitions", decide)
}

/// People offered as the first-contact officer.
const PICKER: u32 = 500;

async fn apply_page(
    st: &AppState,
    ctx: &Ctx,
    id: ServiceItemId,
    values: BTreeMap<String, String>,
    errors: Option<FormErrors>,
) -> Answer {
    let item = st.store.services().get_item(&Actor::public(), id).await?;
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let nonce = rectify_store::accounts::random_secret("");
    ctx.render_status(st, status, "apply.html", context! { s => item, values, errors, nonce })
}

async fn apply_form(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: ServiceItemId = path_id(&id)?;
    apply_page(&st, &ctx, id, BTreeMap::new(), None).await
}

async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: FormData,
) -> Answer {
    let id: ServiceItemId = path_id(&id)?;
    st.limits.submit.check(ip)?;
    let input = NewOnlineApplication {
        item_id: Some(id),
        applicant_name: form.get("applicant_name").map(str::to_owned),
        applicant_phone: form.get("applicant_phone").map(str::to_owned),
        note: form.get("note").map(str::to_owned).filter(|n| !n.trim().is_empty()),
        attachment_ids: Vec::new(),
    };
    let attempt = async {
        let key = form.public_key(ip)?;
        let files = form.files.clone();
        Ok::<_, ApiError>(st.store.services().submit_application(input, files, key.as_ref()).await?)
    };
    match attempt.await {
        Ok(a) => ctx.render(&st, "applied.html", context! { application => a.value, again => a.replayed }),
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            apply_page(&st, &ctx, id, form_values(&form), Some(errors)).await
        }
    }
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    authorize(actor, Permission::ManageServices, own_party(actor))?;
    let state = ctx.query("state").and_then(OnlineApplicationState::parse);
    let filter = ApplicationFilter { state, ..ApplicationFilter::default() };
    let applications = st.store.services().list_applications(actor, &filter).await?;
    let states: Vec<&str> = OnlineApplicationState::ALL.iter().map(|s| s.as_str()).collect();
    let state = state.unwrap_or(OnlineApplicationState::Submitted);
    ctx.render(
        &st,
        "app/service_applications.html",
        context! { applications, states, state, done => ctx.query("done") },
    )
}

async fn page(
    st: &AppState,
    ctx: &Ctx,
    id: OnlineApplicationId,
    failed: Option<(String, FormErrors, &FormData)>,
) -> Answer {
    let actor = ctx.staff()?;
    let application = st.store.services().get_application(actor, id).await?;
    let filter = PersonFilter { unit: Some(application.unit_id), ..PersonFilter::default() };
    let found = st.store.directory().list_people(actor, &filter, &PageRequest::first(PICKER)).await?;
    let people: Vec<[String; 2]> = found.items.into_iter().map(|p| [p.id.to_string(), p.name]).collect();
    let unit = st.store.directory().get_unit(actor, application.unit_id).await?.name;
    let (form_name, errors, values) = match failed {
        Some((name, errors, form)) => (Some(name), Some(errors), Some(form_values(form))),
        None => (None, None, None),
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = context! { a => application, people, unit, form_name, errors, values, csrf => ctx.csrf() };
    ctx.render_status(st, status, "app/service_application.html", page)
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: OnlineApplicationId = path_id(&id)?;
    page(&st, &ctx, id, None).await
}

async fn decide(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: OnlineApplicationId = path_id(&id)?;
    let name = form.get("action").unwrap_or("take_up").to_owned();
    let input = OnlineApplicationTransition {
        action: form.get("action").map(str::to_owned),
        responsible_id: form.get("responsible_id").and_then(|p| p.parse().ok()),
        reason: form.get("reason").map(str::to_owned).filter(|r| !r.trim().is_empty()),
    };
    let result = st.store.services().decide_application(actor, id, input).await.map_err(ApiError::from);
    // Taken up, the work goes on on the service case's page; returned, back to the queue.
    let done = |a: rectify_domain::service::online::OnlineApplication| match a.service_case_id {
        Some(case) => format!("/app/service-cases/{case}?done=taken_up"),
        None => "/app/service-applications?done=returned".to_owned(),
    };
    settle(ctx.lang, result, done, |errors| page(&st, &ctx, id, Some((name, errors, &form)))).await
}
