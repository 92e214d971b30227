//! Files in and out on the workbench: the upload page of imports (office administrators), and
//! the export links of the staff lists. Both go through the API's own code: an upload is read by
//! `routes::exchange::import_request` and imported by `rectify_app::imports::run`, an export link
//! is an address of `GET /api/v1/exports/{kind}` carrying the list's filters.

use super::{Answer, Ctx, FormErrors, PageError, form_values};
use crate::AppState;
use crate::error::ApiError;
use crate::form::FormData;
use crate::routes::exchange::import_request;
use crate::site::Site;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use minijinja::{Value, context};
use rectify_app::imports::{self, ImportAnswer};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{CaseType, Channel};
use rectify_domain::exchange::ImportKind;
use rectify_domain::{DomainError, Issue};
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new().get("/app/imports", import_page).post("/app/imports", import)
}

/// A file that passed its dry run is carried in the page (a hidden field) to the real import
/// up to this size; a larger one is chosen again.
const CARRY_MAX: usize = 2 * 1024 * 1024;
/// The hidden fields carrying it (`_`-prefixed: form plumbing, not an import setting).
const CARRIED_NAME: &str = "_carried_name";
const CARRIED_DATA: &str = "_carried_data";

fn may_import(actor: &Actor) -> Result<(), PageError> {
    authorize(actor, Permission::ImportFiles, Party::Office)?;
    Ok(())
}

async fn import_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    may_import(actor)?;
    let kind = ctx.query("kind").and_then(ImportKind::parse).unwrap_or(ImportKind::Problems);
    let values = BTreeMap::from([("kind".to_owned(), kind.as_str().to_owned()), ("dry_run".into(), "true".into())]);
    render(&st, &ctx, actor, StatusCode::OK, values, None, None).await
}

/// The upload form, with the report of the file just sent (`outcome`) or the form's errors.
async fn render(
    st: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    status: StatusCode,
    values: BTreeMap<String, String>,
    outcome: Option<Value>,
    errors: Option<FormErrors>,
) -> Answer {
    let (campaign_options, batch_options) = super::campaign_options(&super::live_campaigns(st, actor).await?);
    let choices = context! {
        kinds => ImportKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        encodings => ["auto", "utf-8", "gbk", "gb18030"],
        channels => Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        types => CaseType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        campaign_options, batch_options,
    };
    let max_mb = crate::routes::exchange::MAX_IMPORT_BYTES / (1024 * 1024);
    ctx.render_status(st, status, "app/imports.html", context! { choices, values, outcome, errors, max_mb })
}

/// The uploaded file, or the one a dry run's page carried.
fn chosen_file(form: &FormData) -> Result<Option<(String, Vec<u8>)>, ApiError> {
    if let Some(f) = form.files.iter().find(|f| !f.bytes.is_empty()) {
        return Ok(Some((f.name.clone(), f.bytes.clone())));
    }
    match (form.get(CARRIED_NAME), form.get(CARRIED_DATA)) {
        (Some(name), Some(data)) => {
            let bytes = BASE64.decode(data).map_err(|_| {
                DomainError::field("file", Issue::Malformed { expected: rectify_domain::Expected::FileAgain })
            })?;
            Ok(Some((name.to_owned(), bytes)))
        }
        _ => Ok(None),
    }
}

async fn import(State(st): State<AppState>, ctx: Ctx, req: Request) -> Answer {
    let actor = ctx.staff()?;
    // Refused before a 10 MB body is read.
    may_import(actor)?;
    let form = FormData::from_request(req, &st).await?;
    ctx.check_csrf(&form)?;
    let mut values = form_values(&form);
    let attempt = async {
        let kind = form.get("kind").and_then(ImportKind::parse).ok_or_else(|| {
            DomainError::field(
                "kind",
                Issue::NotOneOf { expected: ImportKind::ALL.iter().map(|k| k.as_str().into()).collect() },
            )
        })?;
        let file = chosen_file(&form)?;
        let carry = file
            .as_ref()
            .filter(|(_, bytes)| bytes.len() <= CARRY_MAX)
            .map(|(name, bytes)| (name.clone(), BASE64.encode(bytes)));
        // The settings as the API reads them; `kind` is the API's path.
        let settings: Vec<(String, String)> = form.fields.iter().filter(|(k, _)| k != "kind").cloned().collect();
        let req = import_request(kind, file, &settings, st.config.import_limits)?;
        let answer = imports::run(&st.store, actor, req, None).await?;
        Ok::<_, ApiError>((answer, carry))
    };
    match attempt.await {
        Ok((answer, carry)) => {
            let passed = answer.report.errors.is_empty();
            let status = if passed { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            // The real import's form comes back unticked after a dry run that passed.
            if answer.report.dry_run && passed {
                values.remove("dry_run");
            }
            let outcome = outcome(&ctx, &answer, if answer.report.dry_run && passed { carry } else { None });
            render(&st, &ctx, actor, status, values, Some(outcome), None).await
        }
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            render(&st, &ctx, actor, StatusCode::UNPROCESSABLE_ENTITY, values, None, Some(errors)).await
        }
    }
}

/// What the page shows of an import: the counts, the rows in error with the reason in the
/// page's language, and the file to carry to the real import.
fn outcome(ctx: &Ctx, answer: &ImportAnswer, carry: Option<(String, String)>) -> Value {
    let rows: Vec<Value> = answer
        .report
        .errors
        .iter()
        .map(|e| {
            context! {
                row => e.row, column => e.column, value => e.value,
                why => crate::i18n::issue(&e.issue, ctx.lang),
            }
        })
        .collect();
    let (carried_name, carried_data) = carry.unzip();
    context! {
        answer, rows,
        passed => answer.report.errors.is_empty(),
        carried_name, carried_data,
        carried_field_name => CARRIED_NAME, carried_field_data => CARRIED_DATA,
    }
}

/// Query parameters of a list page that are not filters of its API list.
const PAGE_ONLY: [&str; 3] = ["cursor", "done", "lang"];

/// The list's filters as the query of its export (`unit=3&state=open&`), ready for `format=`
/// to follow. The pages' filters are the API's parameters, read by the same parsers.
pub(super) fn export_query(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> =
        pairs.iter().filter(|(k, v)| !PAGE_ONLY.contains(k) && !v.is_empty()).copied().collect();
    if kept.is_empty() {
        return String::new();
    }
    format!("{}&", serde_urlencoded::to_string(&kept).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::export_query;

    #[test]
    fn an_export_carries_the_filters_and_not_the_paging() {
        assert_eq!(export_query(&[]), "");
        assert_eq!(
            export_query(&[("unit", "3"), ("cursor", "abc"), ("q", "路灯 坏"), ("done", "saved"), ("state", "")]),
            "unit=3&q=%E8%B7%AF%E7%81%AF+%E5%9D%8F&"
        );
    }
}
