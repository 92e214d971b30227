//! `rectify export KIND -o FILE`: a list as a spreadsheet, with the headers an import reads
//! back, through the same use case as `GET /api/v1/exports/{kind}`.

use crate::Failure;
use crate::location::StoreArgs;
use rectify_app::{Params, exports};
use rectify_domain::actor::Actor;
use rectify_domain::exchange::ImportKind;
use rectify_exchange::Format;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// units, people, problems or cases.
    kind: String,
    /// Where to write: .xlsx or .csv (UTF-8 with BOM), by the extension.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// A filter of the list, as the API's query names it (repeatable): `--filter state=open
    /// --filter unit_id=… --filter overdue=true`. See GET /api/v1/problems and /api/v1/cases.
    #[arg(long = "filter", value_name = "NAME=VALUE")]
    filters: Vec<String>,
    /// Cases: include the citizens' names and phones, and the texts as written rather than
    /// masked, for this reason (recorded in the audit chain like every reveal).
    #[arg(long, value_name = "REASON")]
    reveal_reason: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

fn pairs(a: &Args) -> Result<Vec<(String, String)>, Failure> {
    let mut out = Vec::new();
    for f in &a.filters {
        match f.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => out.push((k.trim().to_owned(), v.trim().to_owned())),
            _ => return Err(Failure::BadInput(format!("--filter {f:?} is not NAME=VALUE"))),
        }
    }
    if let Some(r) = &a.reveal_reason {
        out.push(("reveal_reason".into(), r.clone()));
    }
    Ok(out)
}

pub async fn run(a: Args) -> Result<(), Failure> {
    let kind = ImportKind::parse(&a.kind)
        .ok_or_else(|| Failure::BadInput(format!("KIND {:?} is not one of units, people, problems, cases", a.kind)))?;
    let name = a.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Written files are .xlsx or .csv only (an import also reads .xls and Excel's .txt).
    let format = name
        .rsplit_once('.')
        .and_then(|(_, ext)| Format::parse(&ext.to_ascii_lowercase()))
        .ok_or_else(|| Failure::BadInput(format!("-o {}: the file must end in .xlsx or .csv", a.output.display())))?;
    if kind != ImportKind::Cases && a.reveal_reason.is_some() {
        return Err(Failure::BadInput("--reveal-reason: only cases carry citizens' contact details".into()));
    }
    let (asked, req) = exports::parse_request(kind, Params::from_pairs(pairs(&a)?))?;
    if asked.is_some_and(|f| f != format) {
        return Err(Failure::BadInput("--filter format=…: the output file's extension decides the format".into()));
    }
    let store = a.store.open().await?;
    let result = exports::file(&store, &Actor::system(), format, req).await;
    store.close().await;
    let bytes = result?.bytes;
    std::fs::write(&a.output, &bytes).map_err(|e| Failure::Runtime(format!("{}: {e}", a.output.display())))?;
    println!("Wrote {} ({} bytes)", a.output.display(), bytes.len());
    Ok(())
}
