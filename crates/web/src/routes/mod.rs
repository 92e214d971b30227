//! The JSON API under `/api/v1`, one router per area.

pub(crate) mod accountability;
mod accounts;
pub(crate) mod appointments;
mod attachments;
pub(crate) mod bulletins;
mod calendar;
mod campaigns;
pub(crate) mod cases;
pub(crate) mod exchange;
mod inspections;
mod investigations;
mod online_applications;
mod people;
pub(crate) mod problems;
pub(crate) mod search;
mod service_cases;
mod services;
mod session;
pub(crate) use session::session_cookie;
mod settings;
mod stats;
pub(crate) mod transparency;
pub(crate) mod triage;
mod units;

use crate::AppState;
use crate::error::{ApiError, ProblemBody};
use crate::extract::Params;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rectify_domain::actor::Actor;
use rectify_store::PageRequest;
use rectify_store::idempotency::{Created, IdempotencyKey};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(session::router())
        .merge(accounts::router())
        .merge(units::router())
        .merge(people::router())
        .merge(campaigns::router())
        .merge(problems::router())
        .merge(attachments::router())
        .merge(stats::router())
        .merge(calendar::router())
        .merge(settings::router())
        .merge(cases::router())
        .merge(investigations::router())
        .merge(inspections::router())
        .merge(accountability::router())
        .merge(exchange::router())
        .merge(bulletins::router())
        .merge(transparency::router())
        .merge(search::router())
        .merge(triage::router())
        .merge(services::router())
        .merge(service_cases::router())
        .merge(appointments::router())
        .merge(online_applications::router())
}

/// `201 Created` with a `Location`, marked `Idempotent-Replayed: true` when it repeats the
/// answer to an earlier request with the same key.
pub(crate) fn created<T: Serialize>(location: String, c: Created<T>) -> Response {
    let mut resp = (StatusCode::CREATED, Json(c.value)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    if c.replayed {
        resp.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    resp
}

/// The caller's idempotency key, scoped to the caller.
pub(crate) fn idempotency(
    actor: &Actor,
    header: Option<String>,
    digest: &str,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(key) = header else { return Ok(None) };
    let scope = match actor.account_id {
        Some(id) => format!("account:{id}"),
        None => actor.username.clone(),
    };
    Ok(Some(IdempotencyKey::new(scope, &key, digest.to_owned())?))
}

/// `limit` and `cursor`.
pub(crate) fn page(p: &mut Params) -> PageRequest {
    let limit = p.int("limit");
    let cursor = p.string("cursor");
    match PageRequest::new(limit, cursor.as_deref()) {
        Ok(page) => page,
        Err(e) => {
            p.record(e);
            PageRequest::first(0)
        }
    }
}

/// A file to download (or show inline): its name encoded per RFC 6266/5987 so Chinese names
/// survive, served with a sandboxing policy so a crafted file cannot run script in the site's
/// origin.
pub(crate) fn file_response(bytes: Vec<u8>, filename: &str, content_type: &str, disposition: &str) -> Response {
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"file\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    resp
}

/// A file a use case wrote, as a download.
pub(crate) fn download(file: rectify_app::File) -> Response {
    file_response(file.bytes, &file.name, file.content_type, "attachment")
}

/// Documented error answers shared by most routes (those of reading a body are added to every
/// operation with one by `openapi::CommonAnswers`).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Errors {
    /// Bad input: the fields and why.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(ProblemBody),
    /// No session or token, or one that is no longer valid.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(ProblemBody),
    /// The caller's role or unit may not do this.
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ProblemBody),
    /// No such record, or none the caller may see.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ProblemBody),
    /// A stale `version`, or an action not allowed from the current state.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(ProblemBody),
}

/// The answer of a route limited per client (public lookups and submissions, sign-in attempts).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Throttled {
    /// Too many requests from this client (or for this account name); `Retry-After` says when
    /// to try again.
    #[response(status = 429, content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "seconds to wait")))]
    TooManyRequests(ProblemBody),
}
