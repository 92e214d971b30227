//! Real message-board exports (Teddy Cup 2020, problem C; see the data set's README). They are
//! read from the shared data folder, never copied into the repository.

use rectify_domain::exchange::{CaseRecord, ImportKind, Records};
use rectify_exchange::{Encoding, FileError, Format, Limits, Mapping, Parsed, read};

const DIR: &str = "/work/shared/data/teddycup2020c";

fn read_cases(file: &str) -> Result<Parsed, FileError> {
    let bytes = std::fs::read(format!("{DIR}/{file}")).unwrap();
    read(&bytes, Format::Xlsx, Encoding::Auto, ImportKind::Cases, &Mapping::default(), Limits::default())
}

fn records(p: &Parsed) -> Vec<&CaseRecord> {
    let Records::Cases(rows) = &p.records else { panic!("not cases") };
    rows.iter().map(|r| &r.record).collect()
}

/// Cells start with scraped blanks in the source; none survive.
fn clean(r: &CaseRecord) -> bool {
    let trimmed = |s: &Option<String>| {
        s.as_deref().is_none_or(|s| s.lines().all(|l| l == l.trim_matches(|c: char| c.is_whitespace())))
    };
    trimmed(&r.content) && trimmed(&r.title) && trimmed(&r.answer) && trimmed(&r.citizen_name)
}

#[test]
fn hot_messages() {
    let p = read_cases("messages_hot_附件3.xlsx").unwrap();
    assert_eq!((p.records.len(), p.header_row, p.sheet.as_deref()), (4326, 1, Some("Sheet1")));
    assert!(p.ignored_columns.is_empty(), "点赞数 and 反对数 are the cases' support");
    assert!(records(&p).iter().all(|r| r.likes.is_some() && r.dislikes.is_some()));
    let all = records(&p);
    assert!(all.iter().all(|r| r.reference.is_some() && r.received_at.is_some() && clean(r)));
    // Five messages run past 4,000 characters (one to 7,028): a citizen's message may be that long.
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(all.iter().any(|r| r.content.as_ref().is_some_and(|c| c.chars().count() > 6000)));
}

#[test]
fn labelled_messages() {
    let p = read_cases("messages_labeled_附件2_sample.xlsx").unwrap();
    // Message 37042 is listed twice, under two categories: one case, filed under the first.
    assert_eq!((p.records.len(), p.header_row), (494, 1));
    assert!(p.ignored_columns.is_empty(), "一级分类 is the case's category");
    assert!(records(&p).iter().all(|r| r.content.is_some() && r.received_at.is_some() && clean(r)));
    let first_level = rectify_domain::category::FIRST_LEVEL;
    assert!(records(&p).iter().all(|r| r.category.as_deref().is_some_and(|c| first_level.contains(&c))));
    assert!(p.errors.is_empty(), "{:?}", p.errors);
}

#[test]
fn replied_messages() {
    let p = read_cases("messages_replied_附件4_sample.xlsx").unwrap();
    assert_eq!((p.records.len(), p.header_row, p.errors.len()), (120, 1, 0));
    assert!(p.ignored_columns.is_empty());
    let all = records(&p);
    assert!(all.iter().all(|r| r.answer.is_some() && r.replied_at.is_some() && clean(r)));
    // The first row, `2019/4/25 9:32:09` in the file, is China time.
    assert_eq!(all[0].reference.as_deref(), Some("2549"));
    assert_eq!(all[0].received_at.unwrap().to_rfc3339(), "2019-04-25T09:32:09+08:00");
    assert!(all.iter().all(|r| r.replied_at >= r.received_at));
}

#[test]
fn the_taxonomy_is_no_case_file() {
    let err = read_cases("taxonomy_附件1.xlsx").unwrap_err();
    let FileError::NoHeaderRow { seen, .. } = &err else { panic!("{err}") };
    assert_eq!(seen, &vec!["一级分类", "二级分类", "三级分类"]);
}
