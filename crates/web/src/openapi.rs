//! The OpenAPI document: paths come from the handlers' `#[utoipa::path]` attributes; this adds
//! the description and the two ways to sign in.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
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
    modifiers(&Security),
    tags(
        (name = "session", description = "Sign in and out"),
        (name = "problems", description = "The ledger (问题整改台账)"),
        (name = "stats", description = "Figures (统计)"),
        (name = "calendar", description = "Working-day calendar (工作日)"),
        (name = "files", description = "Spreadsheets in and out (台账导入导出)"),
        (name = "bulletins", description = "Bulletins of a campaign (简报), drafts and frozen published issues"),
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
