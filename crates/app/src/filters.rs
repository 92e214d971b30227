//! The list filters more than one edge reads: the ledger's and the cases'. The API's list and
//! figures read them from the query, the pages from theirs, exports (the API's, the export
//! links', `rectify export --filter`) from their parameters — one reading, so every edge takes
//! and refuses the same names and values.

use crate::Params;
use rectify_domain::Issue;
use rectify_domain::case::{CaseState, CaseType, Channel};
use rectify_domain::light::Light;
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_store::cases::CaseFilter;
use rectify_store::problems::ProblemFilter;

fn words<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| name(*v)).collect()
}

/// The ledger's filters, shared by the list, the figures and the export.
pub fn problems(p: &mut Params) -> ProblemFilter {
    let states = words(&ProblemState::ALL, ProblemState::as_str);
    ProblemFilter {
        unit: p.id("unit"),
        include_sub_units: p.bool("include_sub_units").unwrap_or(false),
        states: p.list("state", ProblemState::parse, &states),
        light: p.parse("light", Light::parse, || Issue::NotOneOf {
            expected: vec!["green".into(), "yellow".into(), "red".into()],
        }),
        overdue: p.bool("overdue"),
        campaign: p.id("campaign"),
        batch: p.id("batch"),
        category: p.string("category"),
        problem_type: p.parse("type", ProblemType::parse, || Issue::NotOneOf {
            expected: words(&ProblemType::ALL, ProblemType::as_str).into_iter().map(str::to_owned).collect(),
        }),
        level: p.parse("level", Level::parse, || Issue::NotOneOf {
            expected: words(&Level::ALL, Level::as_str).into_iter().map(str::to_owned).collect(),
        }),
        responsible: p.id("responsible"),
        q: p.string("q"),
        published: p.bool("published"),
        include_archived: p.bool("archived").unwrap_or(false),
        pending_extension: p.bool("pending_extension"),
        measure_due_by: p.date("measure_due_by"),
        text_hits: None,
    }
}

/// The cases' filters, shared by the list, the figures and the export.
pub fn cases(p: &mut Params) -> CaseFilter {
    let states = words(&CaseState::ALL, CaseState::as_str);
    CaseFilter {
        states: p.list("state", CaseState::parse, &states),
        unit: p.id("unit"),
        channel: p.parse("channel", Channel::parse, || Issue::NotOneOf {
            expected: Channel::ALL.iter().map(|c| c.as_str().into()).collect(),
        }),
        case_type: p.parse("type", CaseType::parse, || Issue::NotOneOf {
            expected: CaseType::ALL.iter().map(|t| t.as_str().into()).collect(),
        }),
        session: p.id("session"),
        category: p.string("category"),
        q: p.string("q"),
        sign_overdue: p.bool("sign_overdue"),
        reply_overdue: p.bool("reply_overdue"),
        pending_extension: p.bool("pending_extension"),
        escalated: p.bool("escalated"),
        visit_due: p.bool("visit_due"),
        sent_back: p.bool("sent_back"),
        from: p.date("from"),
        to: p.date("to"),
        text_hits: None,
    }
}
