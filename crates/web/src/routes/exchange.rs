//! Files in and out: `POST /imports/{kind}` takes a spreadsheet (dry run, or all or nothing),
//! `GET /exports/{kind}` gives one back with the same headers, filtered like the list it comes
//! from.

use super::{Errors, download};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, MultipartBody, Params};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use rectify_app::imports::{ImportAnswer, ImportRequest};
use rectify_app::{exports, imports};
use rectify_domain::case::{CaseType, Channel};
use rectify_domain::exchange::{ImportKind, ImportOptions, RowError};
use rectify_domain::{DomainError, FieldError, Issue};
use rectify_exchange::{Encoding, Format, Limits, Mapping};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest spreadsheet taken in (100,000 ledger rows in `.xlsx` is about 10 MB).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_file)).routes(routes!(export_file))
}

fn kind(s: &str) -> Result<ImportKind, ApiError> {
    // An unknown kind is an unknown address.
    ImportKind::parse(s).ok_or(ApiError::NotFound)
}

/// Row errors as field errors named `rows[12].责任单位`, for a refused import.
fn row_errors(errors: &[RowError]) -> DomainError {
    DomainError::Invalid(
        errors
            .iter()
            .map(|e| FieldError {
                field: match &e.column {
                    Some(c) => format!("rows[{}].{c}", e.row),
                    None => format!("rows[{}]", e.row),
                },
                issue: e.issue.clone(),
            })
            .collect(),
    )
}

#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct ImportUpload {
    /// The spreadsheet: `.xlsx` or `.csv` (UTF-8 with or without BOM, or GB18030/GBK), at most
    /// 10 MB. Title rows above the header are skipped; headers are matched in Chinese or English.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true`: check every row and write nothing.
    dry_run: Option<bool>,
    /// CSV only: `auto` (default), `utf-8`, `gbk` or `gb18030`.
    encoding: Option<String>,
    /// Columns the file names its own way, one `列名=field` per part (repeatable).
    map: Option<String>,
    /// Problems: the campaign (and batch) the rows belong to.
    campaign_id: Option<String>,
    batch_id: Option<String>,
    /// Cases: the channel and type of rows that do not say (default `web`, `complaint`).
    channel: Option<Channel>,
    r#type: Option<CaseType>,
}

/// Reads the multipart form of an import: the file and its settings.
pub(crate) async fn read_import_form(
    kind: ImportKind,
    mut form: Multipart,
    limits: Limits,
) -> ApiResult<ImportRequest> {
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::MalformedBody(e.body_text())
        }
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut fields: Vec<(String, String)> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("file").to_owned();
            let bytes = field.bytes().await.map_err(too_large)?;
            if bytes.len() > MAX_IMPORT_BYTES {
                return Err(ApiError::PayloadTooLarge);
            }
            file = Some((file_name, bytes.to_vec()));
            continue;
        }
        fields.push((name, field.text().await.map_err(too_large)?));
    }
    import_request(kind, file, &fields, limits)
}

/// An import's file and its settings from a form's fields (the API's multipart body or the
/// upload page's): one reading, so both refuse the same things with the same field names.
/// Fields starting with `_` (a page's CSRF token) and `submit` are form plumbing.
pub(crate) fn import_request(
    kind: ImportKind,
    file: Option<(String, Vec<u8>)>,
    fields: &[(String, String)],
    limits: Limits,
) -> ApiResult<ImportRequest> {
    let mut req = ImportRequest {
        limits,
        kind,
        file_name: String::new(),
        bytes: Vec::new(),
        encoding: Encoding::Auto,
        mapping: Mapping::default(),
        options: ImportOptions::default(),
    };
    let mut maps: Vec<String> = Vec::new();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut bad = |field: &str, issue: Issue| errors.push(FieldError { field: field.into(), issue });
    let too_large = file.as_ref().is_some_and(|(_, bytes)| bytes.len() > MAX_IMPORT_BYTES);
    match file {
        Some(_) if too_large => bad("file", Issue::TooLong { max: MAX_IMPORT_BYTES }),
        Some((name, bytes)) => (req.file_name, req.bytes) = (name, bytes),
        None => {}
    }
    for (name, value) in fields {
        let value = value.trim();
        if value.is_empty() || name.starts_with('_') || matches!(name.as_str(), "submit" | "csrf") {
            continue;
        }
        match name.as_str() {
            "dry_run" => req.options.dry_run = matches!(value, "true" | "on" | "1" | "yes"),
            "encoding" => match Encoding::parse(value) {
                Some(e) => req.encoding = e,
                None => bad(
                    "encoding",
                    Issue::NotOneOf { expected: vec!["auto".into(), "utf-8".into(), "gbk".into(), "gb18030".into()] },
                ),
            },
            "map" => maps.extend(value.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned)),
            "campaign_id" => match value.parse() {
                Ok(id) => req.options.campaign_id = Some(id),
                Err(_) => bad("campaign_id", Issue::UnknownReference { entity: rectify_domain::Entity::Campaign }),
            },
            "batch_id" => match value.parse() {
                Ok(id) => req.options.batch_id = Some(id),
                Err(_) => bad("batch_id", Issue::UnknownReference { entity: rectify_domain::Entity::Batch }),
            },
            "channel" => match Channel::parse(value) {
                Some(c) => req.options.channel = Some(c),
                None => bad(
                    "channel",
                    Issue::NotOneOf { expected: Channel::ALL.iter().map(|c| c.as_str().into()).collect() },
                ),
            },
            "type" => match CaseType::parse(value) {
                Some(t) => req.options.case_type = Some(t),
                None => {
                    bad("type", Issue::NotOneOf { expected: CaseType::ALL.iter().map(|t| t.as_str().into()).collect() })
                }
            },
            _ => bad(name, Issue::UnknownField),
        }
    }
    if req.bytes.is_empty() && !too_large {
        bad("file", Issue::Required);
    }
    match Mapping::from_args(&maps) {
        Ok(m) => req.mapping = m,
        Err(e) => bad("map", Issue::Malformed { expected: rectify_domain::Expected::Text(e.to_string()) }),
    }
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors).into());
    }
    req.options.source = req.file_name.clone();
    Ok(req)
}

/// Imports a spreadsheet of `units`, `people`, `problems` or `cases` (administrators). With
/// `dry_run` every row is checked and nothing is written: 200 with what would happen. Otherwise
/// all rows are written in one transaction, or — when any row is wrong — none, and the answer
/// is 422 naming each bad cell as `rows[N].列名`. Rows are matched by 系统编号, by the office's
/// own number (编号/序号, within the campaign) or a unit's path, so importing a file twice
/// changes nothing the second time.
#[utoipa::path(post, path = "/imports/{kind}", tag = "files",
    params(("kind" = ImportKind, Path)),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportAnswer), Errors))]
async fn import_file(
    State(st): State<AppState>,
    Auth(actor): Auth,
    Path(kind_name): Path<String>,
    body: MultipartBody,
) -> ApiResult<Json<ImportAnswer>> {
    let kind = kind(&kind_name)?;
    // Refuse before reading a 10 MB body.
    rectify_domain::actor::authorize(
        &actor,
        rectify_domain::actor::Permission::ImportFiles,
        rectify_domain::actor::Party::Office,
    )?;
    let req = read_import_form(kind, body.form()?, st.config.import_limits).await?;
    let dry_run = req.options.dry_run;
    let answer = imports::run(&st.store, &actor, req, None).await?;
    if !dry_run && !answer.report.errors.is_empty() {
        return Err(row_errors(&answer.report.errors).into());
    }
    Ok(Json(answer))
}

/// A list as a spreadsheet (`format=xlsx`, the default, or `csv` in UTF-8 with a BOM), with the
/// headers an import reads back. Takes the filters of the list it comes from (`/problems`,
/// `/cases`) and holds exactly what that list shows the caller. Cases carry the citizens'
/// names and phones, and texts as written rather than masked, only for the office with a
/// `reveal_reason`, recorded like every reveal.
#[utoipa::path(get, path = "/exports/{kind}", tag = "files",
    params(("kind" = ImportKind, Path),
        ("format" = Option<String>, Query, description = "xlsx (default) or csv"),
        ("reveal_reason" = Option<String>, Query, description = "cases: why the citizens' contact details are needed")),
    responses((status = 200, description = "the file"), Errors))]
async fn export_file(
    State(st): State<AppState>,
    Auth(actor): Auth,
    Path(kind_name): Path<String>,
    p: Params,
) -> ApiResult<Response> {
    let kind = kind(&kind_name)?;
    let (format, req) = exports::parse_request(kind, p.into_inner())?;
    Ok(download(exports::file(&st.store, &actor, format.unwrap_or(Format::Xlsx), req).await?))
}
