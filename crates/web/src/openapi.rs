//! The OpenAPI document: paths come from the handlers' `#[utoipa::path]` attributes; this adds
//! the description, the two ways to sign in, the error body, and the answers every operation of
//! a kind can give ([`CommonAnswers`]).

use crate::error::{FieldMessage, ProblemBody};
use rectify_domain::exchange::ImportKind;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rectify 整改通 API",
        description = "The rectification ledger: units, people, campaigns, problems with measures, \
progress and evidence, their state machine, warning lights on the official working-day calendar, \
and figures. Errors are application/problem+json (RFC 9457) naming each bad field; send \
`Accept-Language: zh` for Chinese messages. Lists take `limit` (default 50, max 500) and `cursor`. \
Creates honour `Idempotency-Key`.",
        license(name = "AGPL-3.0-or-later")
    ),
    // Every error answer refers to the first two (handlers name them through `routes::Errors`,
    // whose schemas utoipa does not collect); `ImportKind` is named only by path parameters,
    // whose schemas it does not collect either.
    components(schemas(ProblemBody, FieldMessage, ImportKind)),
    modifiers(&Security),
    tags(
        (name = "session", description = "Sign in and out"),
        (name = "problems", description = "The ledger (问题整改台账)"),
        (name = "stats", description = "Figures (统计)"),
        (name = "calendar", description = "Working-day calendar (工作日)"),
        (name = "files", description = "Spreadsheets in and out (台账导入导出)"),
        (name = "bulletins", description = "Bulletins of a campaign (简报), drafts and frozen published issues"),
        (name = "search", description = "Full-text search (全文检索) over what the caller may open"),
        (name = "triage", description = "Triage (分类与分派): the taxonomy of categories (问题分类)"),
        (name = "services", description = "The service catalog (事项清单): items, their materials, limits and versions"),
        (name = "transparency", description = "Public record (公开透明): draw commitments, revealed seeds and evidence, published audit heads"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::extract::SESSION_COOKIE))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("token", Vec::<String>::new()),
        ]);
    }
}

/// The answers an operation gives because of how its request is read, not because of what its
/// handler does: a body is read by `JsonBody` (strict JSON, at most 1 MiB) or `MultipartBody`
/// (an upload, at most 10 MB), so an operation with a body can answer 400, 413 and, for JSON, 415.
/// It also gives every answer a description (the OpenAPI schema requires one), its status's
/// reason phrase when the handler wrote none.
///
/// Applied to the finished document in `api()`: a modifier on [`ApiDoc`] would run before
/// utoipa-axum has added the handlers' paths.
pub(crate) struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in operations(item) {
                add_body_answers(op);
                for (status, answer) in op.responses.responses.iter_mut() {
                    if let RefOr::T(answer) = answer
                        && answer.description.is_empty()
                    {
                        answer.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("answer")
                            .to_owned();
                    }
                }
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn add_body_answers(op: &mut Operation) {
    let Some(RefOr::T(body)) = &op.request_body else { return };
    let json = body.content.contains_key("application/json");
    let upload = body.content.keys().any(|k| k.starts_with("multipart/"));
    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| problem(description));
    };
    add("400", "The body is not JSON, or not a multipart form where one is expected.");
    match (json, upload) {
        (true, false) => add("413", "The JSON body is over 1 MiB."),
        (false, true) => add("413", "The upload is over 10 MB."),
        _ => add("413", "The JSON body is over 1 MiB, or the upload over 10 MB."),
    }
    if json {
        add("415", "The body is not `application/json`.");
    }
}

/// A problem+json answer.
fn problem(description: &str) -> RefOr<Response> {
    let mut answer = Response::new(description);
    answer.content.insert(
        "application/problem+json".to_owned(),
        RefOr::T(Content::new(Some(Ref::from_schema_name("ProblemBody")))),
    );
    RefOr::T(answer)
}
