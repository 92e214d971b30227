//! Exports: the lines of a list the actor may see, as a spreadsheet that imports back — the one
//! path of the API (`GET /exports/{kind}`), the lists' export links and `rectify export`.

use crate::{AppError, AppResult, File, Params, blocking, filters};
use rectify_domain::actor::Actor;
use rectify_domain::exchange::ImportKind;
use rectify_domain::privacy::RevealRequest;
use rectify_domain::{DomainError, Issue};
use rectify_exchange::Format;
use rectify_store::Store;
use rectify_store::exchange::ExportRequest;

/// An export's parameters — the format, the list's filters read as the list reads them, and
/// the reveal reason — from a query or the command line's `--filter NAME=VALUE`. Unknown names
/// and bad values are refused, all at once.
pub fn parse_request(kind: ImportKind, mut p: Params) -> Result<(Option<Format>, ExportRequest), DomainError> {
    let format = p.parse("format", Format::parse, || Issue::NotOneOf { expected: vec!["xlsx".into(), "csv".into()] });
    let req = match kind {
        ImportKind::Units => ExportRequest::Units,
        ImportKind::People => ExportRequest::People,
        ImportKind::Problems => {
            // The ledger page's sort and paging make no difference to a whole-list file.
            let _ = (p.string("sort"), p.string("cursor"), p.string("limit"));
            ExportRequest::Problems(filters::problems(&mut p))
        }
        ImportKind::Cases => {
            let filter = filters::cases(&mut p);
            let reveal = p.string("reveal_reason").map(|r| RevealRequest { reason: Some(r) });
            let _ = (p.string("box"), p.string("cursor"), p.string("limit"));
            ExportRequest::Cases { filter, reveal }
        }
        ImportKind::Categories => ExportRequest::Categories,
        ImportKind::Services => ExportRequest::Services,
    };
    p.finish()?;
    Ok((format, req))
}

/// The file of the lines `actor` may export, named for its list and the day:
/// `问题整改台账-2026-12-03.xlsx`.
pub async fn file(st: &Store, actor: &Actor, format: Format, req: ExportRequest) -> AppResult<File> {
    let list = match &req {
        ExportRequest::Units => "单位",
        ExportRequest::People => "人员",
        ExportRequest::Problems(_) => "问题整改台账",
        ExportRequest::Cases { .. } => "诉求件",
        ExportRequest::Categories => "问题分类",
        ExportRequest::Services => "事项清单",
    };
    let name = format!("{list}-{}.{}", st.today(), format.extension());
    let lines = st.exchange().export(actor, req).await?;
    let bytes = blocking("writing a file", move || rectify_exchange::write(&lines, format))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(File { name, content_type: format.content_type(), bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(kind: ImportKind, pairs: &[(&str, &str)]) -> Result<(Option<Format>, ExportRequest), DomainError> {
        let pairs = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        parse_request(kind, Params::from_pairs(pairs))
    }

    fn fields(e: DomainError) -> Vec<(String, Issue)> {
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.issue)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_export_takes_the_lists_filters_and_refuses_what_the_list_would() {
        let (format, req) = parse(ImportKind::Problems, &[("state", "open,closed"), ("format", "csv")]).unwrap();
        assert_eq!(format, Some(Format::Csv));
        assert!(matches!(req, ExportRequest::Problems(f) if f.states.len() == 2));
        // A typo and a bad value are both named, at once.
        let e = parse(ImportKind::Problems, &[("stat", "open"), ("overdue", "maybe")]).unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("overdue".into(), Issue::NotOneOf { expected: vec!["true".into(), "false".into()] }),
                ("stat".into(), Issue::UnknownField)
            ]
        );
        // Units have no filters: a problem's filter is unknown there.
        let e = parse(ImportKind::Units, &[("state", "open")]).unwrap_err();
        assert_eq!(fields(e), vec![("state".into(), Issue::UnknownField)]);
    }

    #[test]
    fn a_case_export_carries_the_reveal_reason() {
        let (_, req) = parse(ImportKind::Cases, &[("reveal_reason", "回访核实")]).unwrap();
        assert!(
            matches!(req, ExportRequest::Cases { reveal: Some(RevealRequest { reason: Some(r) }), .. } if r == "回访核实")
        );
    }
}
