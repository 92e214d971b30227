//! Imports: a spreadsheet and its settings into the store — the one path of the API
//! (`POST /imports/{kind}`), the upload page and `rectify import`.

use crate::{AppResult, blocking};
use rectify_domain::actor::Actor;
use rectify_domain::exchange::{ImportKind, ImportOptions, ImportReport};
use rectify_domain::{DomainError, Issue};
use rectify_exchange::{Encoding, FileError, Format, Limits, Mapping};
use rectify_store::Store;
use rectify_store::exchange::Progress;
use serde::Serialize;

/// A file and its settings, as an upload form or the command line gives them.
pub struct ImportRequest {
    pub kind: ImportKind,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub encoding: Encoding,
    pub mapping: Mapping,
    pub options: ImportOptions,
    /// Beyond these the file is refused before it is read (a setting of the server or the
    /// command).
    pub limits: Limits,
}

/// What the import read from the file besides the rows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportAnswer {
    #[serde(flatten)]
    pub report: ImportReport,
    /// The header's row as the spreadsheet numbers it.
    pub header_row: usize,
    pub sheet: Option<String>,
    /// The text encoding a CSV file was read in.
    pub encoding: String,
}

/// A file-level refusal as a field error of `file`.
fn file_error(e: FileError) -> DomainError {
    match e {
        FileError::TooLarge { measure, max } => {
            DomainError::field("file", Issue::FileTooLarge { measure, max: max as u64 })
        }
        e => DomainError::field("file", Issue::Malformed { expected: rectify_domain::Expected::Text(e.to_string()) }),
    }
}

/// Reads the file and imports its rows. File-level problems are a field error of `file`; row
/// errors are in the report (and nothing was written).
pub async fn run(st: &Store, actor: &Actor, req: ImportRequest, progress: Option<Progress>) -> AppResult<ImportAnswer> {
    let format = Format::from_file_name(&req.file_name)
        .ok_or_else(|| DomainError::field("file", Issue::NotOneOf { expected: vec![".xlsx".into(), ".csv".into()] }))?;
    let (kind, encoding, mapping, bytes, limits) = (req.kind, req.encoding, req.mapping, req.bytes, req.limits);
    // Reading a large workbook takes a second or two of CPU.
    let parsed =
        blocking("reading a file", move || rectify_exchange::read(&bytes, format, encoding, kind, &mapping, limits))
            .await?;
    let parsed = parsed.map_err(file_error)?;
    let mut options = req.options;
    options.headers = parsed.headers.clone();
    let report =
        st.exchange().import(actor, parsed.records, options, parsed.errors, parsed.ignored_columns, progress).await?;
    Ok(ImportAnswer {
        report,
        header_row: parsed.header_row,
        sheet: parsed.sheet,
        encoding: parsed.encoding.to_owned(),
    })
}
