//! Citizen cases: the public form and tracking (no account), and the staff loop.

use super::{Errors, Throttled, created, idempotency, page};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, ClientIp, IdempotencyHeader, JsonBody, MaybeAuth, Params, PathId};
use crate::form::{FormData, Kind};
use axum::Json;
use axum::extract::{FromRequest, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rectify_app::filters;
use rectify_domain::case::{Case, CaseTransitionRequest, CaseType, Channel, NewCase, NewIntakeSession, RatingRequest};
use rectify_domain::ids::{CaseId, IntakeSessionId, ProblemId};
use rectify_domain::privacy::{Contact, RevealRequest};
use rectify_domain::problem::Problem;
use rectify_domain::{DomainError, Issue};
use rectify_search::Similar;
use rectify_store::Page;
use rectify_store::cases::{CaseGroupBy, CaseReceipt, CaseStats, IntakeSession, StaffEvent, TrackView};
use rectify_store::idempotency::{Created, IdempotencyKey};
use rectify_store::notices::OutboxEntry;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, submit_case))
        .routes(routes!(get_case))
        .routes(routes!(case_events))
        .routes(routes!(similar_cases))
        .routes(routes!(transition_case))
        .routes(routes!(reveal_contact))
        .routes(routes!(attach_cases))
        .routes(routes!(track))
        .routes(routes!(rate))
        .routes(routes!(case_stats))
        .routes(routes!(list_sessions, create_session))
        .routes(routes!(get_session))
        .routes(routes!(outbox))
}

/// Submits a case. Without an account (the public form, an app, a kiosk): JSON, or
/// `multipart/form-data` with the same fields and up to five `files` (photos or PDF, 10 MB each);
/// answers `{id, tracking_code}`. With an account: registers a case for any channel and answers
/// the whole case. The same `Idempotency-Key`, or the same phone with the same text within ten
/// minutes, answers with the first case and creates nothing.
#[utoipa::path(post, path = "/cases", tag = "cases", request_body = NewCase, security((), ("session" = []), ("token" = [])),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = CaseReceipt, description = "public form: the case and its tracking code; staff: the whole case"), Errors, Throttled))]
async fn submit_case(
    State(st): State<AppState>,
    MaybeAuth(actor): MaybeAuth,
    ClientIp(ip): ClientIp,
    IdempotencyHeader(key): IdempotencyHeader,
    req: Request,
) -> ApiResult<Response> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    match actor {
        Some(actor) => {
            if multipart {
                return Err(ApiError::UnsupportedMediaType);
            }
            let body = JsonBody::<NewCase>::from_request(req, &st).await?;
            let key = idempotency(&actor, key, &body.digest)?;
            let c = st.store.cases().register_case(&actor, body.value, key.as_ref()).await?;
            Ok(created(format!("/api/v1/cases/{}", c.value.id), c))
        }
        None => {
            st.limits.submit.check(ip)?;
            let (input, files, digest) = if multipart {
                let form = FormData::from_request(req, &st).await?;
                let input = form.decode(&[("latitude", Kind::Number), ("longitude", Kind::Number)], &[])?;
                (input, form.files, form.digest)
            } else {
                let body = JsonBody::<NewCase>::from_request(req, &st).await?;
                (body.value, Vec::new(), body.digest)
            };
            let key = match key {
                Some(k) => Some(IdempotencyKey::new(format!("public:{ip}"), &k, digest)?),
                None => None,
            };
            let c: Created<CaseReceipt> = st.store.cases().submit_public_case(input, files, key.as_ref()).await?;
            let location = format!("/api/v1/track/{}", c.value.tracking_code);
            Ok(created(location, c))
        }
    }
}

/// The case filters, as documented: read by `rectify_app::filters::cases`, shared by the list,
/// the figures and the export.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct CaseFilterParams {
    /// Comma-separated states.
    state: Option<String>,
    /// The assigned unit.
    unit: Option<String>,
    channel: Option<Channel>,
    r#type: Option<CaseType>,
    /// The intake session (座谈会 etc.).
    session: Option<String>,
    /// Text in the title or content.
    q: Option<String>,
    sign_overdue: Option<bool>,
    reply_overdue: Option<bool>,
    pending_extension: Option<bool>,
    /// Reopened or sent back 3 times or more (提级督办).
    escalated: Option<bool>,
    /// Replied, awaiting the return visit.
    visit_due: Option<bool>,
    /// Sent back at least once.
    sent_back: Option<bool>,
    /// Received on or after this day (YYYY-MM-DD).
    from: Option<String>,
    /// Received on or before this day (YYYY-MM-DD).
    to: Option<String>,
}

/// Cases: the office sees all, a unit the cases assigned to it (its inbox). Filters for the
/// inbox views: `state=assigned` (to sign), `state=in_progress` (to reply), `sign_overdue`,
/// `reply_overdue`, `pending_extension`, `escalated` (提级督办), `visit_due`, `sent_back`.
#[utoipa::path(get, path = "/cases", tag = "cases",
    params(CaseFilterParams, ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<Case>), Errors))]
async fn list_cases(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Page<Case>>> {
    let filter = filters::cases(&mut p);
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.cases().list_cases(&actor, &filter, &page).await?))
}

#[utoipa::path(get, path = "/cases/{id}", tag = "cases", params(("id" = String, Path)), responses((status = 200, body = Case), Errors))]
async fn get_case(State(st): State<AppState>, Auth(actor): Auth, PathId(id): PathId<CaseId>) -> ApiResult<Json<Case>> {
    Ok(Json(st.store.cases().get_case(&actor, id).await?))
}

/// Every step of the case with who did it, when, and staff notes.
#[utoipa::path(get, path = "/cases/{id}/events", tag = "cases",
    params(("id" = String, Path), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<StaffEvent>), Errors))]
async fn case_events(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
    mut p: Params,
) -> ApiResult<Json<Page<StaffEvent>>> {
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(page.slice(st.store.cases().case_events(&actor, id).await?, |e| e.id)))
}

/// Moves a case along: `accept`, `decline` (`reason`), `assign` (`unit_id`; the due date follows
/// from the case type in working days), `sign` (the unit, within one working day), `send_back`
/// (the unit, `reason`), `extend` (the unit: `due` and `reason`, before the due date; the office:
/// `approve`), `reply` (`answer`), `visit` (`satisfaction`, `method`; unsatisfied sends the case
/// back to its unit), `close` (needs the citizen's satisfaction or a `reason`), `reopen` (`reason`).
/// A case reopened or sent back three times is escalated (提级督办).
#[utoipa::path(post, path = "/cases/{id}/transitions", tag = "cases", params(("id" = String, Path)),
    request_body = CaseTransitionRequest, responses((status = 200, body = Case), Errors))]
async fn transition_case(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
    body: JsonBody<CaseTransitionRequest>,
) -> ApiResult<Json<Case>> {
    Ok(Json(st.store.cases().transition_case(&actor, id, body.value).await?))
}

/// The citizen's name, phone, e-mail and address in full, and the case's text as they wrote it
/// when the text shown masks a phone, e-mail or ID number in it (`content`, else null), for the
/// office, with the reason they are needed (a return call, say). Every reveal is recorded in the
/// audit chain with the reason; everywhere else these details are masked (`张*`, `138****5678`).
/// The answer is not cached.
#[utoipa::path(post, path = "/cases/{id}/contact", tag = "cases", params(("id" = String, Path)),
    request_body = RevealRequest, responses((status = 200, body = Contact), Errors))]
async fn reveal_contact(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
    body: JsonBody<RevealRequest>,
) -> ApiResult<Response> {
    let contact = st.store.cases().reveal_contact(&actor, id, &body.value).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(contact)).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct SimilarRecords {
    /// Most alike first; at most ten.
    items: Vec<Similar>,
}

/// Open cases and problems like this case — received within 90 days before it, that the caller
/// may open — each with how alike it is and the places both name: candidates to merge into one
/// ledger problem.
#[utoipa::path(get, path = "/cases/{id}/similar", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = SimilarRecords), Errors))]
async fn similar_cases(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<CaseId>,
) -> ApiResult<Json<SimilarRecords>> {
    Ok(Json(SimilarRecords { items: st.store.search().similar_to_case(&actor, id, 10).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct CaseIds {
    case_ids: Option<Vec<CaseId>>,
}

/// Attaches cases to an existing problem (similar complaints merged into one ledger item).
#[utoipa::path(post, path = "/problems/{id}/cases", tag = "cases", params(("id" = String, Path)),
    request_body = CaseIds, responses((status = 200, body = Problem), Errors))]
async fn attach_cases(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ProblemId>,
    body: JsonBody<CaseIds>,
) -> ApiResult<Json<Problem>> {
    let ids = body
        .value
        .case_ids
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::from(DomainError::field("case_ids", Issue::Required)))?;
    Ok(Json(st.store.cases().attach_cases(&actor, id, ids).await?))
}

/// What the citizen may see of their case: the public timeline and the answer. Cases with a
/// phone need its last four digits (`phone_tail`); anonymous ones the code alone. A wrong code
/// and a wrong phone tail answer the same 404; lookups are limited per client.
#[utoipa::path(get, path = "/track/{tracking_code}", tag = "tracking", security(()),
    params(("tracking_code" = String, Path), ("phone_tail" = Option<String>, Query)),
    responses((status = 200, body = TrackView), Errors, Throttled))]
async fn track(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    axum::extract::Path(code): axum::extract::Path<String>,
    mut p: Params,
) -> ApiResult<Json<TrackView>> {
    st.limits.track.check(ip)?;
    let tail = p.string("phone_tail");
    p.finish()?;
    Ok(Json(st.store.cases().track_case(&code, tail.as_deref()).await?))
}

/// The citizen's satisfaction with the reply (five levels, once per reply). Unsatisfied, the case
/// goes back to its unit.
#[utoipa::path(post, path = "/track/{tracking_code}/rating", tag = "tracking", security(()),
    params(("tracking_code" = String, Path)), request_body = RatingRequest,
    responses((status = 200, body = TrackView), Errors, Throttled))]
async fn rate(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    axum::extract::Path(code): axum::extract::Path<String>,
    body: JsonBody<RatingRequest>,
) -> ApiResult<Json<TrackView>> {
    st.limits.track.check(ip)?;
    Ok(Json(st.store.cases().rate_case(&code, body.value).await?))
}

/// Case figures by `unit`, `channel`, `type` or `month`, over the cases the same filters list
/// (a unit sees figures of its own cases). Definitions (each rate is part ÷ whole,
/// rounded half-up to 4 decimals; 0 when the whole is 0):
/// `received` registered; `accepted` ever accepted; `declined`; `assigned` ever assigned;
/// `signed_on_time_rate` (按时签收率) = signed by the signing deadline ÷ assigned cases whose
/// signing is settled (signed, or past the deadline unsigned); `replied_on_time_rate` (按时办结率)
/// = replied by the due date ÷ cases whose reply is settled (replied, or with a unit past the due
/// date); `sent_back_rate` (退单率) = cases sent back at least once ÷ assigned; `reopened_rate`
/// (发回重办率) = cases reopened at least once ÷ replied; `visited_rate` (回访率) = replied cases with
/// a return visit or rating ÷ replied; `satisfied_rate` (满意率) = very satisfied + satisfied +
/// basically satisfied ÷ visited cases where the citizen gave a level.
#[utoipa::path(get, path = "/stats/cases", tag = "stats",
    params(("group_by" = Option<String>, Query, description = "unit (default), channel, type, month"), CaseFilterParams),
    responses((status = 200, body = CaseStats), Errors))]
async fn case_stats(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<CaseStats>> {
    let by = match p.string("group_by") {
        None => Some(CaseGroupBy::Unit),
        Some(s) => CaseGroupBy::parse(&s).map_err(|e| p.record(e)).ok(),
    };
    let f = filters::cases(&mut p);
    p.finish()?;
    Ok(Json(st.store.cases().case_stats(&actor, by.unwrap_or(CaseGroupBy::Unit), &f).await?))
}

#[utoipa::path(get, path = "/intake-sessions", tag = "cases", responses((status = 200, body = Vec<IntakeSession>), Errors))]
async fn list_sessions(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<IntakeSession>>> {
    Ok(Json(st.store.cases().list_intake_sessions(&actor).await?))
}

/// Records a 座谈会, a round of visits or a questionnaire; register its cases with `session_id`.
#[utoipa::path(post, path = "/intake-sessions", tag = "cases", request_body = NewIntakeSession,
    params(("Idempotency-Key" = Option<String>, Header)), responses((status = 201, body = IntakeSession), Errors))]
async fn create_session(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewIntakeSession>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.cases().create_intake_session(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/intake-sessions/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/intake-sessions/{id}", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = IntakeSession), Errors))]
async fn get_session(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<IntakeSessionId>,
) -> ApiResult<Json<IntakeSession>> {
    Ok(Json(st.store.cases().get_intake_session(&actor, id).await?))
}

/// Notifications queued and sent (administrators), newest first: `status` pending, sent, failed or
/// skipped; `case` those about one case.
#[utoipa::path(get, path = "/outbox", tag = "cases",
    params(("status" = Option<String>, Query), ("case" = Option<String>, Query), ("limit" = Option<i64>, Query),
        ("cursor" = Option<String>, Query)),
    responses((status = 200, body = Page<OutboxEntry>), Errors))]
async fn outbox(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Page<OutboxEntry>>> {
    let status = p.parse(
        "status",
        |s| ["pending", "sent", "failed", "skipped"].contains(&s).then(|| s.to_owned()),
        || Issue::NotOneOf { expected: vec!["pending".into(), "sent".into(), "failed".into(), "skipped".into()] },
    );
    let case = p.id("case");
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.outbox().list_outbox(&actor, status, case, &page).await?))
}
