//! The index alone: documents in, queries out, visibility inside the query, the commit's
//! sequence number, rebuild and swap.

use chrono::{TimeZone, Utc};
use rectify_domain::search::{SearchIssue, SearchKind};
use rectify_domain::{DomainError, Expected, Issue};
use rectify_search::{Change, Document, Request, SearchError, SearchIndex, Sees, Visibility};

fn doc(kind: SearchKind, id: i64, title: &str, body: &str, unit: i64, public: bool) -> Document {
    Document {
        kind,
        id,
        title: title.into(),
        body: body.into(),
        unit: Some(unit),
        state: "open".into(),
        at: Utc.with_ymd_and_hms(2026, 11, 3, 2, 0, 0).unwrap(),
        public,
        codes: vec![format!("CODE-{id}")],
    }
}

fn office() -> Visibility {
    Visibility(vec![(SearchKind::Case, Sees::All), (SearchKind::Problem, Sees::All)])
}

fn ask(q: &str) -> Request {
    Request { q: q.into(), limit: 20, ..Request::default() }
}

/// A new index holding `docs`, at number 4.
fn holding(docs: Vec<Document>) -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    index.apply(&docs.into_iter().map(Change::Upsert).collect::<Vec<_>>(), 4).unwrap();
    (dir, index)
}

fn seeded() -> (tempfile::TempDir, SearchIndex) {
    holding(vec![
        doc(SearchKind::Case, 1, "搅拌站噪音扰民", "丽发新城旁边的搅拌站晚上噪音很大，<script>", 10, false),
        doc(SearchKind::Case, 2, "路口积水", "暴雨后路口積水严重，行人无法通过", 10, false),
        doc(SearchKind::Problem, 3, "窗口服务态度差", "办事大厅窗口工作人员态度生硬", 20, false),
        doc(SearchKind::Problem, 4, "夜间施工噪音", "工地夜间施工噪音扰民，已整改", 20, true),
    ])
}

fn ids(index: &SearchIndex, q: &str, sight: &Visibility) -> Vec<i64> {
    let mut ids: Vec<i64> = index.search(&ask(q), sight).unwrap().hits.iter().map(|h| h.id).collect();
    ids.sort();
    ids
}

fn refusal(e: SearchError) -> Issue {
    match e {
        SearchError::Refused(DomainError::Invalid(fields)) => fields[0].issue.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn words_phrases_exclusions_and_codes() {
    let (_dir, index) = seeded();
    let all = office();
    assert_eq!(ids(&index, "噪音", &all), [1, 4]);
    assert_eq!(ids(&index, "积水", &all), [2]);
    assert_eq!(ids(&index, "積水", &all), [2], "traditional finds simplified and back");
    assert_eq!(ids(&index, "搅拌", &all), [1], "a word inside a dictionary word");
    assert_eq!(ids(&index, "丽发新城 噪音", &all), [1]);
    assert_eq!(ids(&index, "噪音 -搅拌站", &all), [4]);
    assert_eq!(ids(&index, "\"夜间施工\"", &all), [4]);
    assert_eq!(ids(&index, "\"施工夜间\"", &all), Vec::<i64>::new());
    assert_eq!(ids(&index, "code-3", &all), [3], "a code is found exactly");
    assert_eq!(ids(&index, "ＣＯＤＥ－２", &all), [2], "full-width codes fold");
    assert_eq!(ids(&index, "上次那个搅拌站噪音的件办到哪了？", &all), [1]);
    assert!(index.search(&ask("的 了 吗"), &all).unwrap().hits.is_empty(), "only stop words: nothing");
}

/// A code-like word is its words in that order, never the same letters scattered; an excluded
/// phrase excludes it (with or without the space a Chinese phrase is typed with).
#[test]
fn codes_are_phrases_and_phrases_can_be_excluded() {
    let (_dir, index) = holding(vec![
        doc(SearchKind::Case, 1, "转办单", "来电人提到编号 CASE-A-7 的诉求仍未答复", 10, false),
        doc(SearchKind::Case, 2, "转办单", "编号 CASE-B-7 已答复，附件 a 页", 10, false),
        doc(SearchKind::Case, 3, "噪音", "丽发新城搅拌站夜间施工噪音扰民", 10, false),
        doc(SearchKind::Case, 4, "噪音", "广场舞音响噪音", 10, false),
    ]);
    let all = office();
    assert_eq!(ids(&index, "CASE-A-7", &all), [1], "the letters in order, not anywhere");
    assert_eq!(ids(&index, "case-a-7 答复", &all), [1]);
    assert_eq!(ids(&index, "转办单 -CASE-B-7", &all), [1]);
    assert_eq!(ids(&index, "噪音 -\"搅拌站 夜间\"", &all), [4]);
    assert_eq!(ids(&index, "噪音 -“搅拌站夜间”", &all), [4]);
    assert_eq!(ids(&index, "\"搅拌站 夜间\"", &all), [3]);
    assert_eq!(ids(&index, "噪音 -\"的 了\"", &all), [3, 4], "an exclusion of stop words excludes nothing");
    assert_eq!(ids(&index, "噪音 -\"广场舞 音响\" -\"夜间 施工\"", &all), Vec::<i64>::new());
}

#[test]
fn snippets_mark_and_escape() {
    let (_dir, index) = seeded();
    let a = index.search(&ask("噪音"), &office()).unwrap();
    let one = a.hits.iter().find(|h| h.id == 1).unwrap();
    assert!(one.snippet.contains("<mark>噪音</mark>"), "{}", one.snippet);
    assert!(one.snippet.contains("&lt;script") && !one.snippet.contains("<script"), "{}", one.snippet);
    assert_eq!(one.title, "搅拌站噪音扰民");
}

#[test]
fn visibility_is_inside_the_query() {
    let (_dir, index) = seeded();
    let clerk_of_10 =
        Visibility(vec![(SearchKind::Case, Sees::Units(vec![10])), (SearchKind::Problem, Sees::Units(vec![10]))]);
    assert_eq!(ids(&index, "噪音", &clerk_of_10), [1, 4], "their case and the public problem");
    let public = Visibility(vec![(SearchKind::Problem, Sees::PublicOnly)]);
    let a = index.search(&ask("噪音"), &public).unwrap();
    assert_eq!(a.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [4]);
    assert_eq!(a.total, 1);
    let units: Vec<&str> = a.facets.unit.iter().map(|b| b.value.as_str()).collect();
    assert_eq!(units, ["20"], "facets count only what the caller may see");
    assert_eq!(a.facets.kind.iter().map(|b| (b.value.as_str(), b.count)).collect::<Vec<_>>(), [("problem", 1)]);
    assert_eq!(a.facets.month[0].value, "2026-11");
    assert!(index.search(&ask("窗口"), &public).unwrap().hits.is_empty());
    assert!(index.search(&ask("噪音"), &Visibility::default()).unwrap().hits.is_empty());
}

#[test]
fn filters_narrow() {
    let (_dir, index) = seeded();
    let mut r = ask("噪音");
    r.kind = Some(SearchKind::Problem);
    assert_eq!(index.search(&r, &office()).unwrap().total, 1);
    r.kind = None;
    r.unit = Some(10);
    assert_eq!(index.search(&r, &office()).unwrap().hits[0].id, 1);
    r.unit = None;
    r.from = chrono::NaiveDate::from_ymd_opt(2026, 11, 4);
    assert_eq!(index.search(&r, &office()).unwrap().total, 0);
    r.from = chrono::NaiveDate::from_ymd_opt(2026, 11, 3);
    r.to = chrono::NaiveDate::from_ymd_opt(2026, 11, 3);
    assert_eq!(index.search(&r, &office()).unwrap().total, 2);
}

#[test]
fn pages_follow_a_cursor_bound_to_the_query() {
    let (_dir, index) = seeded();
    let mut r = ask("噪音");
    r.limit = 1;
    let first = index.search(&r, &office()).unwrap();
    let cursor = first.next_cursor.clone().expect("a second page");
    r.cursor = Some(cursor.clone());
    let second = index.search(&r, &office()).unwrap();
    assert_ne!(first.hits[0].id, second.hits[0].id);
    assert!(second.next_cursor.is_none());
    let mut other = ask("积水");
    other.cursor = Some(cursor);
    let issue = refusal(index.search(&other, &office()).unwrap_err());
    assert_eq!(issue, Issue::Malformed { expected: Expected::Search(SearchIssue::ForeignCursor) });
    other.cursor = Some("not a cursor".into());
    assert_eq!(refusal(index.search(&other, &office()).unwrap_err()), Issue::Malformed { expected: Expected::Cursor });
    let mut big = ask("噪音");
    big.limit = 101;
    assert_eq!(refusal(index.search(&big, &office()).unwrap_err()), Issue::OutOfRange { min: 1, max: 100 });
    assert_eq!(refusal(index.search(&ask(""), &office()).unwrap_err()), Issue::Required);
}

#[test]
fn changes_replace_by_kind_and_id_and_the_seq_survives_reopening() {
    let (dir, index) = seeded();
    let mut changed = doc(SearchKind::Case, 1, "搅拌站粉尘", "粉尘很大", 10, false);
    changed.state = "closed".into();
    // Applied twice, as a replay after a crash would.
    for _ in 0..2 {
        index.apply(&[Change::Upsert(changed.clone()), Change::Remove(SearchKind::Case, 2)], 6).unwrap();
    }
    assert_eq!(ids(&index, "噪音", &office()), [4]);
    assert_eq!(ids(&index, "粉尘", &office()), [1]);
    assert!(ids(&index, "积水", &office()).is_empty());
    assert_eq!(index.status().unwrap().docs, 3);
    drop(index);
    let again = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(again.applied_seq(), 6);
    assert_eq!(ids(&again, "粉尘", &office()), [1]);
}

#[test]
fn a_rebuild_is_swapped_in() {
    let (dir, index) = seeded();
    let mut rebuild = index.rebuild().unwrap();
    rebuild.add(&[doc(SearchKind::Case, 9, "新建", "垃圾清运不及时", 10, false)]).unwrap();
    let rebuilt = rebuild.finish(42).unwrap();
    // Until the swap the live index answers as before.
    assert_eq!(ids(&index, "噪音", &office()), [1, 4]);
    index.swap(rebuilt).unwrap();
    assert_eq!(index.applied_seq(), 42);
    assert_eq!(ids(&index, "垃圾", &office()), [9]);
    assert!(ids(&index, "噪音", &office()).is_empty());
    index.apply(&[Change::Upsert(doc(SearchKind::Case, 10, "噪音", "噪音", 10, false))], 43).unwrap();
    assert_eq!(ids(&index, "噪音", &office()), [10]);
    assert!(!dir.path().join("index.new").exists() && !dir.path().join("index.old").exists());
}

#[test]
fn a_swap_cut_short_is_finished_on_opening() {
    let (dir, index) = seeded();
    let mut rebuild = index.rebuild().unwrap();
    rebuild.add(&[doc(SearchKind::Case, 9, "新建", "垃圾清运不及时", 10, false)]).unwrap();
    rebuild.finish(42).unwrap();
    drop(index);
    // The crash came between the two renames.
    std::fs::rename(dir.path().join("index"), dir.path().join("index.old")).unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.applied_seq(), 42);
    assert_eq!(ids(&index, "垃圾", &office()), [9]);
}
