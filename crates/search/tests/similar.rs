//! Similar records at intake: alike by their words and the places they name, only what the
//! caller may open, recent and unfinished, never the record itself.

use chrono::{TimeZone, Utc};
use rectify_domain::search::SearchKind;
use rectify_search::{Change, Document, LikeThis, SearchIndex, Sees, Visibility};

fn doc(kind: SearchKind, id: i64, title: &str, body: &str, unit: i64, state: &str, day: u32) -> Document {
    Document {
        kind,
        id,
        title: title.into(),
        body: body.into(),
        unit: Some(unit),
        state: state.into(),
        at: Utc.with_ymd_and_hms(2026, 11, day, 2, 0, 0).unwrap(),
        public: false,
        codes: Vec::new(),
    }
}

fn seeded() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let docs = vec![
        doc(
            SearchKind::Case,
            1,
            "丽发新城搅拌站噪音",
            "丽发新城小区旁边的搅拌站每天晚上施工，噪音很大，影响休息",
            10,
            "assigned",
            20,
        ),
        doc(SearchKind::Case, 2, "搅拌站夜间施工", "丽发新城附近搅拌站深夜还在作业，吵得睡不着", 10, "accepted", 21),
        doc(
            SearchKind::Problem,
            3,
            "搅拌站噪音扰民问题",
            "丽发新城周边搅拌站夜间施工噪音扰民，责令限期整改",
            10,
            "in_progress",
            22,
        ),
        doc(SearchKind::Case, 4, "路口积水", "暴雨后学院路口积水严重，行人无法通过", 10, "accepted", 22),
        doc(SearchKind::Case, 5, "丽发新城搅拌站噪音", "丽发新城搅拌站晚上噪音很大", 10, "closed", 22),
        doc(SearchKind::Case, 6, "丽发新城搅拌站噪音", "丽发新城搅拌站晚上施工噪音很大", 20, "accepted", 22),
        doc(SearchKind::Case, 7, "丽发新城搅拌站噪音", "丽发新城搅拌站晚上施工噪音很大", 10, "accepted", 1),
    ];
    index.apply(&docs.into_iter().map(Change::Upsert).collect::<Vec<_>>(), 7).unwrap();
    (dir, index)
}

fn like(text: &str) -> LikeThis<'_> {
    LikeThis {
        text,
        itself: Some((SearchKind::Case, 1)),
        since: Utc.with_ymd_and_hms(2026, 11, 10, 0, 0, 0).unwrap(),
        finished: &["closed", "declined"],
        limit: 5,
    }
}

#[test]
fn alike_by_words_and_place_within_the_window_and_the_callers_sight() {
    let (_dir, index) = seeded();
    let unit_10 =
        Visibility(vec![(SearchKind::Case, Sees::Units(vec![10])), (SearchKind::Problem, Sees::Units(vec![10]))]);
    let text = "丽发新城搅拌站噪音\n丽发新城小区旁边的搅拌站每天晚上施工，噪音很大，影响休息";
    let found = index.similar(&like(text), &unit_10).unwrap();
    let ids: Vec<(SearchKind, i64)> = found.iter().map(|s| (s.kind, s.id)).collect();
    // Not itself (1), the unrelated (4), the finished (5), another unit's (6), the old (7).
    assert_eq!(ids.len(), 2, "{found:?}");
    assert!(ids.contains(&(SearchKind::Case, 2)) && ids.contains(&(SearchKind::Problem, 3)), "{found:?}");
    for s in &found {
        assert!(s.places.contains(&"丽发新城".to_owned()), "{s:?}");
        assert!(s.likeness > 0.0 && s.likeness <= 1.0);
    }
    assert!(found.windows(2).all(|w| w[0].likeness >= w[1].likeness), "most alike first");
    // The office sees the other unit's too.
    let office = Visibility(vec![(SearchKind::Case, Sees::All), (SearchKind::Problem, Sees::All)]);
    assert!(index.similar(&like(text), &office).unwrap().iter().any(|s| s.id == 6));
}

#[test]
fn places_are_the_tagged_and_the_named_with_an_ending() {
    let (_dir, index) = seeded();
    let places = index.places("A市A2区景蓉华苑小区物业乱收停车费，丽发新城也有");
    assert!(places.contains(&"丽发新城".to_owned()), "{places:?}");
    assert!(places.iter().any(|p| p.starts_with("景蓉华苑")), "{places:?}");
    assert!(!places.iter().any(|p| p == "A市" || p == "A2区"), "{places:?}");
    assert!(index.similar(&like("的 了 吗"), &Visibility::default()).unwrap().is_empty());
}
