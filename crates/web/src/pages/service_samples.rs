//! Return-visit sampling pages for the office (回访抽查): draw done service cases of a period,
//! then ring each applicant — their phone revealed with a reason that is recorded — and write
//! down what the call found; an unsatisfied or untrue answer goes into the ledger as a problem.

use super::{Answer, Ctx, FormErrors, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::ids::{ServiceCaseId, ServiceSampleId};
use rectify_domain::privacy::{Contact, RevealRequest};
use rectify_domain::service::sampling::{CallOutcome, NewCall, NewSample};

pub fn site() -> Site {
    Site::new()
        .get("/app/service-samples", list)
        .post("/app/service-samples", draw)
        .get("/app/service-samples/{id}", show)
        .post("/app/service-samples/{id}/calls", call)
        .post("/app/service-samples/{id}/reveal", reveal)
}

async fn list_page(st: &AppState, ctx: &Ctx, failed: Option<(FormErrors, &FormData)>) -> Answer {
    let actor = ctx.staff()?;
    let samples = st.store.services().list_samples(actor).await?;
    let units = super::picker::picker_for(st, &super::picker::Scope::All, None).await?;
    let today = st.store.today();
    let (errors, values) = match failed {
        Some((errors, form)) => (Some(errors), form_values(form)),
        None => {
            let from = today.checked_sub_days(chrono::Days::new(30)).unwrap_or(today);
            let values = [("from", from.to_string()), ("to", today.to_string()), ("size", "20".to_owned())];
            (None, values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        }
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    ctx.render_status(st, status, "app/service_samples.html", context! { samples, units, errors, values })
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    list_page(&st, &ctx, None).await
}

async fn draw(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let result = async {
        let input: NewSample = form.decode(&[("size", Kind::Number)], &[])?;
        Ok::<_, ApiError>(st.store.services().draw_sample(actor, input).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |s| format!("/app/service-samples/{}?done=drawn", s.id),
        |errors| list_page(&st, &ctx, Some((errors, &form))),
    )
    .await
}

/// What the page shows once: a revealed applicant, or the form that failed.
enum Once<'a> {
    Revealed(ServiceCaseId, Contact),
    Failed(String, FormErrors, &'a FormData),
}

async fn page(st: &AppState, ctx: &Ctx, id: ServiceSampleId, once: Option<Once<'_>>) -> Answer {
    let actor = ctx.staff()?;
    let sample = st.store.services().get_sample(actor, id).await?;
    let outcomes: Vec<&str> = CallOutcome::ALL.iter().map(|o| o.as_str()).collect();
    let (revealed, failed_case, errors, values) = match once {
        Some(Once::Revealed(case, contact)) => (Some(context! { case => case.to_string(), contact }), None, None, None),
        Some(Once::Failed(case, errors, form)) => (None, Some(case), Some(errors), Some(form_values(form))),
        None => (None, None, None, None),
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = context! { sample, outcomes, revealed, failed_case, errors, values, done => ctx.query("done") };
    ctx.render_status(st, status, "app/service_sample.html", page)
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    page(&st, &ctx, path_id(&id)?, None).await
}

async fn call(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ServiceSampleId = path_id(&id)?;
    let case = form.get("case_id").unwrap_or_default().to_owned();
    let result = async {
        let input: NewCall = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.services().record_call(actor, id, input).await?)
    }
    .await;
    settle(
        ctx.lang,
        result,
        |_| format!("/app/service-samples/{id}?done=called#case-{case}"),
        |errors| page(&st, &ctx, id, Some(Once::Failed(case.clone(), errors, &form))),
    )
    .await
}

async fn reveal(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ServiceSampleId = path_id(&id)?;
    let case: ServiceCaseId = path_id(form.get("case_id").unwrap_or_default())?;
    let req = RevealRequest { reason: form.get("reason").map(str::to_owned) };
    match st.store.services().reveal_applicant(actor, case, &req).await {
        Ok(contact) => {
            let mut resp = page(&st, &ctx, id, Some(Once::Revealed(case, contact))).await?;
            resp.headers_mut()
                .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            Ok(resp)
        }
        Err(e) => {
            let errors = FormErrors::from_error(e.into(), ctx.lang)?;
            page(&st, &ctx, id, Some(Once::Failed(case.to_string(), errors, &form))).await
        }
    }
}
