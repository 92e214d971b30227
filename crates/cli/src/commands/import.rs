//! `rectify import KIND FILE`: a spreadsheet into the store, through the same use case as the
//! upload page and `POST /api/v1/imports/{kind}`.

use crate::Failure;
use crate::location::StoreArgs;
use rectify_app::imports::{self, ImportRequest};
use rectify_domain::actor::Actor;
use rectify_domain::case::{CaseType, Channel};
use rectify_domain::exchange::{ImportKind, ImportOptions, ImportReport, RowError};
use rectify_domain::{DomainError, FileMeasure, Issue};
use rectify_exchange::{Encoding, Limits, Mapping};
use rectify_i18n::{Lang, issue};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// units, people, problems or cases.
    kind: String,
    /// The spreadsheet: .xlsx, or .csv in UTF-8 (with or without BOM) or GB18030/GBK.
    file: PathBuf,
    /// Check every row and print what would happen; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// CSV text encoding: auto (default: a BOM, else UTF-8 when valid, else GB18030), utf-8,
    /// gbk or gb18030.
    #[arg(long, default_value = "auto")]
    encoding: String,
    /// A column the file names its own way: `列名=field` (repeatable), e.g. `--map 牵头单位=unit`.
    #[arg(long = "map", value_name = "列名=FIELD")]
    maps: Vec<String>,
    /// Problems: the campaign the rows belong to (their numbers are unique within it).
    #[arg(long, value_name = "CAMPAIGN_ID")]
    campaign: Option<String>,
    /// Problems: the batch within the campaign.
    #[arg(long, value_name = "BATCH_ID")]
    batch: Option<String>,
    /// Cases: the channel of rows that do not say (default web).
    #[arg(long)]
    channel: Option<String>,
    /// Cases: the type of rows that do not say (default complaint).
    #[arg(long = "type", value_name = "TYPE")]
    case_type: Option<String>,
    /// No progress bar (it is also left out when standard error is not a terminal).
    #[arg(long)]
    quiet: bool,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    store: StoreArgs,
}

/// How large a spreadsheet an import reads (`rectify import` and `rectify serve`): beyond
/// either limit the file is refused before it is read.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct LimitArgs {
    /// Largest file an import reads, in bytes.
    #[arg(long, env = "RECTIFY_IMPORT_MAX_BYTES", value_name = "BYTES", default_value_t = Limits::DEFAULT_MAX_BYTES)]
    import_max_bytes: usize,
    /// Most cells an imported sheet may span (its used range, rows × columns).
    #[arg(long, env = "RECTIFY_IMPORT_MAX_CELLS", value_name = "CELLS", default_value_t = Limits::DEFAULT_MAX_CELLS)]
    import_max_cells: usize,
}

impl LimitArgs {
    pub fn limits(self) -> Limits {
        Limits { max_bytes: self.import_max_bytes, max_cells: self.import_max_cells }
    }
}

fn bad(flag: &str, value: &str, expected: &str) -> Failure {
    Failure::BadInput(format!("{flag} {value:?} is not {expected}"))
}

/// The import's request, every argument checked before the database is opened.
fn request(a: &Args) -> Result<ImportRequest, Failure> {
    let kind =
        ImportKind::parse(&a.kind).ok_or_else(|| bad("KIND", &a.kind, "one of units, people, problems, cases"))?;
    let encoding = Encoding::parse(&a.encoding)
        .ok_or_else(|| bad("--encoding", &a.encoding, "one of auto, utf-8, gbk, gb18030"))?;
    let mapping = Mapping::from_args(&a.maps).map_err(|e| Failure::BadInput(format!("--map: {e}")))?;
    let mut options = ImportOptions { dry_run: a.dry_run, ..ImportOptions::default() };
    if let Some(c) = &a.campaign {
        options.campaign_id = Some(c.parse().map_err(|_| bad("--campaign", c, "a campaign id"))?);
    }
    if let Some(b) = &a.batch {
        options.batch_id = Some(b.parse().map_err(|_| bad("--batch", b, "a batch id"))?);
    }
    if let Some(c) = &a.channel {
        let names = Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
        options.channel = Some(Channel::parse(c).ok_or_else(|| bad("--channel", c, &format!("one of {names}")))?);
    }
    if let Some(t) = &a.case_type {
        let names = CaseType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
        options.case_type = Some(CaseType::parse(t).ok_or_else(|| bad("--type", t, &format!("one of {names}")))?);
    }
    let limits = a.limits.limits();
    let size = std::fs::metadata(&a.file).map_err(|e| Failure::BadInput(format!("{}: {e}", a.file.display())))?.len();
    if size > limits.max_bytes as u64 {
        let issue = Issue::FileTooLarge { measure: FileMeasure::Bytes, max: limits.max_bytes as u64 };
        return Err(DomainError::field("file", issue).into());
    }
    let bytes = std::fs::read(&a.file).map_err(|e| Failure::BadInput(format!("{}: {e}", a.file.display())))?;
    let file_name = a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    options.source = file_name.clone();
    Ok(ImportRequest { kind, file_name, bytes, encoding, mapping, options, limits })
}

pub async fn run(a: Args) -> Result<(), Failure> {
    let req = request(&a)?;
    let source = a.file.display().to_string();
    let dry_run = req.options.dry_run;
    if !dry_run && let Some(server) = a.store.running_server() {
        // An import is one transaction: over SQLite it would hold the only write lock for its
        // whole length, and the server's own writes (a citizen's submission) would time out.
        return Err(Failure::BadInput(format!(
            "a server is running on {} ({server}): import through it (/app/imports, or POST \
             /api/v1/imports/{}) or stop it first; a --dry-run works while it runs",
            a.store.describe(),
            a.kind
        )));
    }
    let store = a.store.open().await?;
    let bar = super::progress_bar(a.quiet, "importing", "rows");
    let ticker = bar.clone();
    let progress: rectify_store::exchange::Progress = Arc::new(move |done, total| {
        ticker.set_length(total as u64);
        ticker.set_position(done as u64);
    });
    let result = imports::run(&store, &Actor::system(), req, Some(progress)).await;
    bar.finish_and_clear();
    store.close().await;
    let answer = result?;
    print!("{}", summary(&source, &answer.report, answer.header_row, &answer.encoding));
    if answer.report.errors.is_empty() {
        Ok(())
    } else if dry_run {
        Err(Failure::BadInput(format!("{} rows would be refused; nothing was written", answer.report.errors.len())))
    } else {
        Err(Failure::BadInput(format!("{} rows refused; nothing was written", answer.report.errors.len())))
    }
}

/// The report as the terminal shows it: counts, then every refused cell by row and column.
pub fn summary(source: &str, r: &ImportReport, header_row: usize, encoding: &str) -> String {
    let mut out = String::new();
    let verb = if r.applied { "imported" } else { "checked" };
    out.push_str(&format!(
        "{source}: {verb} {} {} rows (header on row {header_row}, {encoding}): {} new, {} updated, {} unchanged",
        r.rows, r.kind, r.created, r.updated, r.unchanged
    ));
    if r.people_created > 0 {
        out.push_str(&format!(", {} people added", r.people_created));
    }
    out.push('\n');
    if !r.ignored_columns.is_empty() {
        out.push_str(&format!("columns left out (no matching field; see --map): {}\n", r.ignored_columns.join(", ")));
    }
    if r.dry_run && r.errors.is_empty() {
        out.push_str("dry run: nothing was written\n");
    }
    for e in &r.errors {
        out.push_str(&row_error(e));
        out.push('\n');
    }
    out
}

/// `row 12, 责任单位 "某某局": …`.
fn row_error(e: &RowError) -> String {
    let mut s = format!("row {}", e.row);
    if let Some(c) = &e.column {
        s.push_str(&format!(", {c}"));
    }
    if let Some(v) = &e.value {
        s.push_str(&format!(" {v:?}"));
    }
    format!("{s}: {}", issue(&e.issue, Lang::En))
}
