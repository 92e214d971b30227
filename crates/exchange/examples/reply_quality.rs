//! The distribution of reply quality (`rectify_domain::reply_quality`) over a message board's
//! replied messages, for docs/TRIAGE.md:
//!
//! ```sh
//! cargo run --release -p rectify-exchange --example reply_quality -- ../shared/data/teddycup2020c/messages_replied_附件4_sample.xlsx
//! ```
//!
//! Replies are scored against a complaint's limit (13 working days) on the weekday calendar,
//! with the file's own times, as an import scores them.

use rectify_domain::calendar::WorkCalendar;
use rectify_domain::exchange::{ImportKind, Records};
use rectify_domain::reply_quality::{ReplyGrade, ReplyIssue, assess};
use rectify_exchange::{Encoding, Format, Limits, Mapping};
use std::collections::BTreeMap;

fn main() {
    let path = std::env::args().nth(1).expect("usage: reply_quality FILE.xlsx");
    let bytes = std::fs::read(&path).expect("read the file");
    let format = Format::from_file_name(&path).expect(".xlsx or .csv");
    let parsed = rectify_exchange::read(
        &bytes,
        format,
        Encoding::default(),
        ImportKind::Cases,
        &Mapping::default(),
        Limits::default(),
    )
    .expect("a cases file");
    let Records::Cases(rows) = parsed.records else { unreachable!("a cases file reads as cases") };
    let calendar = WorkCalendar::default();
    let (mut grades, mut issues, mut scores) = (BTreeMap::new(), BTreeMap::new(), Vec::new());
    for row in &rows {
        let r = &row.record;
        let (Some(answer), Some(content)) = (&r.answer, &r.content) else { continue };
        let question = format!("{}\n{}", r.title.as_deref().unwrap_or_default(), content);
        let times = r.received_at.zip(r.replied_at);
        let q = assess(&question, answer, times, 13, &calendar);
        *grades.entry(q.grade.as_str()).or_insert(0) += 1;
        for i in &q.issues {
            *issues.entry(i.as_str()).or_insert(0) += 1;
        }
        scores.push(q.score);
    }
    scores.sort_unstable();
    let n = scores.len();
    let at = |p: f64| scores[((n - 1) as f64 * p).round() as usize];
    println!("replies scored: {n}");
    println!("score: min {} · p25 {} · median {} · p75 {} · max {}", at(0.0), at(0.25), at(0.5), at(0.75), at(1.0));
    println!("\n| grade | replies | share |\n|---|---|---|");
    for g in ReplyGrade::ALL {
        let c = grades.get(g.as_str()).copied().unwrap_or(0);
        println!("| {} | {c} | {:.0}% |", g.as_str(), 100.0 * c as f64 / n as f64);
    }
    println!("\n| reason | replies | share |\n|---|---|---|");
    for i in ReplyIssue::ALL {
        let c = issues.get(i.as_str()).copied().unwrap_or(0);
        println!("| {} | {c} | {:.0}% |", i.as_str(), 100.0 * c as f64 / n as f64);
    }
}
