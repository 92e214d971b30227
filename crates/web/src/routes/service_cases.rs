//! The service ledger (服务台账): service cases (办件) received at a window or online, each step
//! recorded by the staff of the item's unit, the applicant told by SMS; and the service figures.

use super::{Errors, created, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use rectify_domain::error::Issue;
use rectify_domain::ids::{ServiceCaseId, ServiceSampleId};
use rectify_domain::privacy::{Contact, RevealRequest};
use rectify_domain::service::case::ServiceCaseState;
use rectify_domain::service::record::{
    NewServiceCase, ServiceCase, ServiceCaseDetail, ServiceProgress, ServiceTransitionRequest,
};
use rectify_domain::service::sampling::{NewCall, NewSample, ServiceSample};
use rectify_domain::wire::Wire;
use rectify_domain::{DomainError, Entity};
use rectify_store::Page;
use rectify_store::services::{ServiceCaseFilter, ServiceGroupBy, ServiceStats, ServiceStatsFilter};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_service_cases, receive_service_case))
        .routes(routes!(get_service_case))
        .routes(routes!(transition_service_case))
        .routes(routes!(track_service_case))
        .routes(routes!(service_stats))
        .routes(routes!(list_service_samples, draw_service_sample))
        .routes(routes!(get_service_sample))
        .routes(routes!(record_service_call))
        .routes(routes!(reveal_applicant))
}

/// A month as `YYYY-MM`.
fn month(p: &mut Params, name: &'static str) -> Option<String> {
    let ok = |s: &str| chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok().map(|_| s.to_owned());
    p.parse(name, ok, || Issue::InvalidDate)
}

/// The service ledger, newest first: the office sees every unit's, a unit its own. `q` is a
/// tracking code or words of the note; `month` the month received (`YYYY-MM`).
#[utoipa::path(get, path = "/service-cases", tag = "services",
    params(("unit" = Option<String>, Query), ("item" = Option<String>, Query), ("state" = Option<String>, Query),
        ("month" = Option<String>, Query), ("q" = Option<String>, Query), ("limit" = Option<i64>, Query),
        ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<ServiceCase>), Errors))]
async fn list_service_cases(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<Page<ServiceCase>>> {
    let filter = ServiceCaseFilter {
        unit: p.id("unit"),
        item: p.id("item"),
        state: p.parse("state", ServiceCaseState::parse, || Issue::NotOneOf { expected: ServiceCaseState::names() }),
        month: month(&mut p, "month"),
        q: p.string("q"),
    };
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.services().list_cases(&actor, &filter, &page).await?))
}

/// Receives an applicant for a published item (收件): the person receiving them is the
/// first-contact officer (`responsible_id`, 首问责任人) until they hand the case over. The
/// applicant's name and phone are sealed; the tracking code goes to them by SMS.
#[utoipa::path(post, path = "/service-cases", tag = "services", request_body = NewServiceCase,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ServiceCase), Errors))]
async fn receive_service_case(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewServiceCase>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.services().create_case(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/service-cases/{}", c.value.id), c))
}

/// A case with its record: received, each step with who did it, the notices and suspensions;
/// the clock against the item's promised and legal limits.
#[utoipa::path(get, path = "/service-cases/{id}", tag = "services", params(("id" = String, Path)),
    responses((status = 200, body = ServiceCaseDetail), Errors))]
async fn get_service_case(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceCaseId>,
) -> ApiResult<Json<ServiceCaseDetail>> {
    Ok(Json(st.store.services().get_case(&actor, id).await?))
}

/// A step: `notify` (一次性告知 of every `missing` material; a second one files a problem of the
/// unit in the ledger), `accept` (受理; refused while materials are `missing`), `record_step`
/// (the item's next `step`), `suspend` (暂停计时, with a `reason`), `resume`, `complete` (办结,
/// with the `result`), `refuse` (with the `reason`), `hand_over` (`to` a person), `record_visit`.
#[utoipa::path(post, path = "/service-cases/{id}/transitions", tag = "services", params(("id" = String, Path)),
    request_body = ServiceTransitionRequest, responses((status = 200, body = ServiceCase), Errors))]
async fn transition_service_case(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceCaseId>,
    body: JsonBody<ServiceTransitionRequest>,
) -> ApiResult<Json<ServiceCase>> {
    Ok(Json(st.store.services().transition_case(&actor, id, body.value).await?))
}

/// A service case's progress by its tracking code, for the applicant (no account): the item,
/// its steps, those done and the promised day; nothing personal.
#[utoipa::path(get, path = "/service-cases/track/{tracking_code}", tag = "services", security(()),
    params(("tracking_code" = String, Path)), responses((status = 200, body = ServiceProgress), Errors))]
async fn track_service_case(State(st): State<AppState>, Path(code): Path<String>) -> ApiResult<Json<ServiceProgress>> {
    let found = st.store.services().track_case(&code).await?;
    Ok(Json(found.ok_or_else(|| DomainError::not_found(Entity::ServiceCase, code))?))
}

/// The service figures over the cases the caller sees, by `unit` (default), `window`, `item`,
/// `staff` or `month`, received `from`–`to` (months, `YYYY-MM`, both included): `received`;
/// `accepted` (受理); `done` (办结); `refused`; `on_time_rate` (承诺期内按时办结率) = done within
/// the promised limit ÷ done and open past the promise; `within_legal_rate` likewise against the
/// legal limit; `overdue` open past the promise now; `one_visit_rate` (一次办结率) = done in one
/// visit ÷ done; `notified` cases given a one-time notice and `notified_again` more than one;
/// `average_days` working days per done case, suspensions left out.
#[utoipa::path(get, path = "/stats/services", tag = "stats",
    params(("group_by" = Option<String>, Query, description = "unit (default), window, item, staff, month"),
        ("unit" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = ServiceStats), Errors))]
async fn service_stats(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<ServiceStats>> {
    let by = match p.string("group_by") {
        None => Some(ServiceGroupBy::Unit),
        Some(s) => ServiceGroupBy::parse(&s).map_err(|e| p.record(e)).ok(),
    };
    let f = ServiceStatsFilter { unit: p.id("unit"), from_month: month(&mut p, "from"), to_month: month(&mut p, "to") };
    p.finish()?;
    Ok(Json(st.store.services().service_stats(&actor, by.unwrap_or(ServiceGroupBy::Unit), &f).await?))
}

/// Return-visit samples drawn (the office), newest first, without their cases.
#[utoipa::path(get, path = "/service-samples", tag = "services",
    responses((status = 200, body = Vec<ServiceSample>), Errors))]
async fn list_service_samples(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<ServiceSample>>> {
    Ok(Json(st.store.services().list_samples(&actor).await?))
}

/// Draws `size` of the cases done `from`–`to` (of `unit_id` and the units below it) for return
/// calls (回访抽查): the draw is a function of the seed it answers with and of the ids drawn
/// from (`snapshot_digest`), so it can be run again.
#[utoipa::path(post, path = "/service-samples", tag = "services", request_body = NewSample,
    responses((status = 201, body = ServiceSample), Errors))]
async fn draw_service_sample(
    State(st): State<AppState>,
    Auth(actor): Auth,
    body: JsonBody<NewSample>,
) -> ApiResult<(axum::http::StatusCode, Json<ServiceSample>)> {
    let sample = st.store.services().draw_sample(&actor, body.value).await?;
    Ok((axum::http::StatusCode::CREATED, Json(sample)))
}

/// A sample with its cases (applicants masked) and what each call found.
#[utoipa::path(get, path = "/service-samples/{id}", tag = "services", params(("id" = String, Path)),
    responses((status = 200, body = ServiceSample), Errors))]
async fn get_service_sample(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceSampleId>,
) -> ApiResult<Json<ServiceSample>> {
    Ok(Json(st.store.services().get_sample(&actor, id).await?))
}

/// Records a return call to a drawn case's applicant: `unreached` (may be rung again),
/// `satisfied`, `unsatisfied` or `facts_differ` — the last two, with the `note` of what was
/// said, write a problem of the unit into the ledger.
#[utoipa::path(post, path = "/service-samples/{id}/calls", tag = "services", params(("id" = String, Path)),
    request_body = NewCall, responses((status = 200, body = ServiceSample), Errors))]
async fn record_service_call(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceSampleId>,
    body: JsonBody<NewCall>,
) -> ApiResult<Json<ServiceSample>> {
    Ok(Json(st.store.services().record_call(&actor, id, body.value).await?))
}

/// The applicant's name and phone in full, for the office ringing them back, with the reason;
/// every reveal is recorded in the audit chain. The answer is not cached.
#[utoipa::path(post, path = "/service-cases/{id}/contact", tag = "services", params(("id" = String, Path)),
    request_body = RevealRequest, responses((status = 200, body = Contact), Errors))]
async fn reveal_applicant(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceCaseId>,
    body: JsonBody<RevealRequest>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let contact = st.store.services().reveal_applicant(&actor, id, &body.value).await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], Json(contact)).into_response())
}
