//! Search on both databases: the change feed written with each change, the indexer applying it,
//! a crash between commit and indexing, rebuild and swap, and visibility — a record is found by
//! exactly those who may open it, and nothing of it shows to anyone else (hits, counts, facets).

use chrono::{TimeZone, Utc};
use rectify_domain::actor::{Actor, Role};
use rectify_domain::case::{CaseTransitionRequest, NewCase};
use rectify_domain::ids::{AccountId, CaseId, ProblemId, UnitId};
use rectify_domain::problem::NewProblem;
use rectify_domain::search::SearchKind;
use rectify_domain::unit::NewUnit;
use rectify_search::{Answer, Request, SearchIndex};
use rectify_store::on_both;
use rectify_store::testing::{TestDb, fresh};
use rectify_store::{Backend, FixedClock, Store};
use std::path::Path;
use std::sync::Arc;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap()))
}

/// A store with an index attached in `dir`.
async fn open(db: &TestDb, dir: &Path) -> Store {
    let store = db.open(clock()).await.expect("open");
    assert!(store.search().attach(Arc::new(SearchIndex::open(dir).expect("index"))));
    store
}

/// A fresh database with its index and one unit, 乙街道 (the tests keep `TestDb` and the index's
/// directory alive).
async fn with_unit_b(backend: Backend) -> Option<(TestDb, tempfile::TempDir, Store, UnitId)> {
    let db = fresh(backend).await?;
    let dir = tempfile::tempdir().unwrap();
    let s = open(&db, dir.path()).await;
    let b = unit(&s, "乙街道", None).await;
    Some((db, dir, s, b))
}

async fn unit(s: &Store, name: &str, parent: Option<UnitId>) -> UnitId {
    let input = NewUnit { name: Some(name.into()), parent_id: parent, ..Default::default() };
    s.directory().create_unit(&Actor::system(), input, None).await.expect("unit").value.id
}

/// A case registered by the office and assigned to `unit`.
async fn case(s: &Store, text: &str, unit: UnitId) -> CaseId {
    let input = NewCase { content: Some(text.into()), phone: Some("13912345678".into()), ..Default::default() };
    let id = s.cases().register_case(&Actor::system(), input, None).await.expect("case").value.id;
    for (action, unit) in [("accept", None), ("assign", Some(unit))] {
        let req = CaseTransitionRequest { action: Some(action.into()), unit_id: unit, ..Default::default() };
        s.cases().transition_case(&Actor::system(), id, req).await.expect(action);
    }
    id
}

async fn problem(s: &Store, text: &str, unit: UnitId, published: bool) -> ProblemId {
    let input = NewProblem { description: Some(text.into()), unit_id: Some(unit), published, ..Default::default() };
    s.ledger().create_problem(&Actor::system(), input, None).await.expect("problem").value.id
}

async fn find(s: &Store, actor: &Actor, q: &str) -> Answer {
    s.search().search(actor, Request { q: q.into(), limit: 20, ..Request::default() }).await.expect("search")
}

async fn catch_up(s: &Store) {
    let mut cursor = s.search().cursor().unwrap();
    s.search().catch_up(&mut cursor).await.expect("catch up");
}

fn staff(role: Role, unit: Option<UnitId>) -> Actor {
    Actor { account_id: Some(AccountId(1)), username: format!("{role:?}"), role, unit_id: unit }
}

async fn only_those_who_may_open_a_record_find_it(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let s = open(&db, dir.path()).await;
    let a = unit(&s, "甲街道", None).await;
    let a1 = unit(&s, "甲街道城管站", Some(a)).await;
    let b = unit(&s, "乙街道", None).await;
    let hidden_case = case(&s, "乙街道菜市场旁蝙蝠成群，夜间噪音扰民，电话13912345678", b).await;
    let hidden_problem = problem(&s, "乙街道菜市场蝙蝠清理不及时", b, false).await;
    let public_problem = problem(&s, "乙街道路口积水严重，排水不畅", b, true).await;
    let own_case = case(&s, "甲街道城管站门口积水", a1).await;
    catch_up(&s).await;

    let actors = [
        staff(Role::OfficeAdmin, None),
        staff(Role::OfficeStaff, None),
        staff(Role::UnitLeader, Some(a)),
        staff(Role::UnitClerk, Some(a)),
        staff(Role::UnitClerk, Some(a1)),
        staff(Role::Inspector, None),
        staff(Role::Evaluator, None),
        Actor::public(),
        staff(Role::UnitClerk, Some(b)),
        staff(Role::UnitLeader, Some(b)),
    ];
    for actor in &actors {
        let may_case = s.cases().get_case(actor, hidden_case).await.is_ok();
        let may_problem = s.ledger().get_problem(actor, hidden_problem).await.is_ok();
        let answer = find(&s, actor, "蝙蝠").await;
        let found: Vec<(SearchKind, i64)> = answer.hits.iter().map(|h| (h.kind, h.id)).collect();
        let mut expected = Vec::new();
        if may_case {
            expected.push((SearchKind::Case, hidden_case.0));
        }
        if may_problem {
            expected.push((SearchKind::Problem, hidden_problem.0));
        }
        let mut sorted = found.clone();
        sorted.sort_by_key(|(k, id)| (k.as_str(), *id));
        assert_eq!(sorted, expected, "{actor:?}");
        assert_eq!(answer.total as usize, expected.len(), "{actor:?}");
        let counted: u64 = answer.facets.kind.iter().map(|b| b.count).sum();
        assert_eq!(counted as usize, expected.len(), "{actor:?}: facets");
        if expected.is_empty() {
            let json = serde_json::to_string(&answer).unwrap();
            assert!(!json.contains("蝙蝠") && !json.contains(&format!("\"{}\"", b.0)), "{actor:?}: {json}");
            assert!(answer.facets.unit.is_empty() && answer.facets.state.is_empty() && answer.facets.month.is_empty());
        }
        // The published problem is everyone's; the contacts are nobody's.
        let water = find(&s, actor, "积水").await;
        assert!(water.hits.iter().any(|h| h.id == public_problem.0 && h.kind == SearchKind::Problem), "{actor:?}");
        assert!(find(&s, actor, "13912345678").await.hits.iter().all(|h| h.kind != SearchKind::Case));
    }
    // The clerk of A's station sees their own case, not B's.
    let clerk = staff(Role::UnitClerk, Some(a1));
    let mine: Vec<i64> = find(&s, &clerk, "积水").await.hits.iter().map(|h| h.id).collect();
    assert!(mine.contains(&own_case.0));
}

async fn changes_reach_the_index_through_the_feed(backend: Backend) {
    let Some((_db, _dir, s, b)) = with_unit_b(backend).await else { return };
    let id = case(&s, "搅拌站夜间施工噪音", b).await;
    let office = Actor::system();
    assert!(find(&s, &office, "噪音").await.hits.is_empty(), "not indexed before the indexer runs");
    catch_up(&s).await;
    assert_eq!(find(&s, &office, "噪音").await.hits[0].id, id.0);
    // The unit's reply is part of the case's text.
    let clerk = staff(Role::UnitClerk, Some(b));
    for (action, answer) in [("sign", None), ("reply", Some("已协调城管部门限制夜间施工时段"))] {
        let req =
            CaseTransitionRequest { action: Some(action.into()), answer: answer.map(Into::into), ..Default::default() };
        s.cases().transition_case(&clerk, id, req).await.expect(action);
    }
    catch_up(&s).await;
    let hit = find(&s, &office, "施工时段").await;
    assert_eq!(hit.hits.len(), 1);
    assert_eq!(hit.hits[0].state, "replied");
    let status = s.search().status(None).await.unwrap();
    assert_eq!((status.lag(), status.docs), (0, 1));
}

async fn a_crash_between_commit_and_indexing_loses_nothing(backend: Backend) {
    let Some((db, dir, s, b)) = with_unit_b(backend).await else { return };
    let first = case(&s, "小区门口积水", b).await;
    catch_up(&s).await;
    // Committed, then the process dies before its indexer ran.
    let second = case(&s, "路灯不亮", b).await;
    s.close().await;
    drop(s);
    let s = open(&db, dir.path()).await;
    let before = s.search().status(None).await.unwrap();
    assert!(before.lag() > 0, "{before:?}");
    catch_up(&s).await;
    let office = Actor::system();
    let after = s.search().status(None).await.unwrap();
    let all = find(&s, &office, "路灯").await;
    assert_eq!(all.hits.first().map(|h| h.id), Some(second.0), "{before:?} {after:?} {all:?}");
    // Replaying from the start changes nothing.
    let mut replay = rectify_search::FeedCursor::new(0);
    s.search().catch_up(&mut replay).await.unwrap();
    assert_eq!(find(&s, &office, "积水").await.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [first.0]);
    assert_eq!(s.search().status(None).await.unwrap().docs, 2);
}

async fn a_rebuild_swaps_in_everything(backend: Backend) {
    let Some((_db, dir, s, b)) = with_unit_b(backend).await else { return };
    case(&s, "小区门口积水", b).await;
    problem(&s, "窗口服务态度生硬", b, false).await;
    let seen = std::sync::Mutex::new(Vec::new());
    let done = s.search().rebuild(&|d, t| seen.lock().unwrap().push((d, t))).await.unwrap();
    assert_eq!(done, 2);
    assert_eq!(seen.lock().unwrap().last(), Some(&(2, 2)));
    let office = Actor::system();
    assert_eq!(find(&s, &office, "积水").await.total, 1);
    assert_eq!(find(&s, &office, "态度").await.total, 1);
    // The feed after the rebuild's number is applied on top.
    case(&s, "垃圾清运不及时", b).await;
    catch_up(&s).await;
    let status = s.search().status(None).await.unwrap();
    assert_eq!((status.lag(), status.docs), (0, 3));
    assert!(!dir.path().join("index.new").exists());
}

/// The ledger's `q` through the index: words, not substrings, and a record changed after the
/// index looked is matched by the list itself, so the index's lag never hides it.
async fn the_ledgers_text_filter_uses_the_index(backend: Backend) {
    let Some((_db, _dir, s, b)) = with_unit_b(backend).await else { return };
    let listed = |q: &'static str| {
        let s = s.clone();
        async move {
            let f = rectify_store::problems::ProblemFilter { q: Some(q.into()), ..Default::default() };
            let page = rectify_store::PageRequest::new(Some(50), None).unwrap();
            let found = s.ledger().list_problems(&Actor::system(), &f, Default::default(), &page).await.unwrap();
            let mut ids: Vec<i64> = found.items.iter().map(|p| p.id.0).collect();
            ids.sort();
            ids
        }
    };
    let dusty = problem(&s, "搅拌站夜间粉尘", b, false).await;
    catch_up(&s).await;
    assert_eq!(listed("粉尘 搅拌站").await, [dusty.0], "both words, in any order");
    // Not yet in the index: the list finds it all the same.
    let fresh = problem(&s, "工地粉尘飞扬", b, false).await;
    assert_eq!(listed("粉尘").await, [dusty.0, fresh.0]);
    catch_up(&s).await;
    assert_eq!(listed("粉尘").await, [dusty.0, fresh.0]);
    assert_eq!(listed("粉尘 -搅拌站").await, [fresh.0]);
}

/// The feed keeps the last 30 days and the newest rows; the number pruned through is recorded
/// and only grows. An index that had applied what was pruned carries on from the feed; one
/// behind it (a new instance here) rebuilds on catch-up instead of missing the pruned changes,
/// and its lists' `q` does not trust it meanwhile.
async fn the_feed_is_pruned_and_an_index_behind_it_rebuilds(backend: Backend) {
    use rectify_store::search::{FeedRetention, Pruned};
    let Some(db) = fresh(backend).await else { return };
    let (dir, late_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let time = clock();
    let s = db.open(time.clone()).await.expect("open");
    assert!(s.search().attach(Arc::new(SearchIndex::open(dir.path()).expect("index"))));
    let b = unit(&s, "乙街道", None).await;
    let old_case = case(&s, "小区门口积水", b).await;
    let old_problem = problem(&s, "窗口服务态度生硬", b, false).await;
    catch_up(&s).await;
    let first = s.search().status(None).await.unwrap();
    assert_eq!((first.oldest, first.pruned_through), (Some(1), 0), "{first:?}");
    // Nothing is 30 days old yet.
    assert_eq!(s.search().prune_feed().await.unwrap(), Pruned { removed: 0, through: 0 });

    time.set(Utc.with_ymd_and_hms(2026, 12, 10, 2, 0, 0).unwrap());
    let new_case = case(&s, "路灯不亮", b).await;
    // The newest 1,000 stay whatever their age: still nothing goes.
    assert_eq!(s.search().prune_feed().await.unwrap().removed, 0);
    let pruned = s.search().prune_feed_keeping(FeedRetention { days: 30, rows: 2 }).await.unwrap();
    assert_eq!(pruned.through, first.head, "every change of November goes, the new ones stay: {pruned:?}");
    assert_eq!(pruned.removed as i64, first.head);
    let after = s.search().status(None).await.unwrap();
    assert_eq!((after.oldest, after.pruned_through), (Some(first.head + 1), first.head), "{after:?}");
    // Pruning again, or by less, never moves the number back.
    let again = s.search().prune_feed_keeping(FeedRetention { days: 60, rows: 100 }).await.unwrap();
    assert_eq!(again, Pruned { removed: 0, through: first.head });

    // The index that had applied the pruned changes carries on.
    catch_up(&s).await;
    let office = Actor::system();
    assert_eq!(find(&s, &office, "路灯").await.hits[0].id, new_case.0);
    assert_eq!(s.search().status(None).await.unwrap().docs, 3);

    // A new instance over the same database starts behind the pruned feed: it rebuilds.
    let late = db.open(time.clone()).await.expect("open again");
    assert!(late.search().attach(Arc::new(SearchIndex::open(late_dir.path()).expect("index"))));
    let listed = |store: &Store, q: &'static str| {
        let store = store.clone();
        async move {
            let f = rectify_store::problems::ProblemFilter { q: Some(q.into()), ..Default::default() };
            let page = rectify_store::PageRequest::new(Some(50), None).unwrap();
            let found = store.ledger().list_problems(&Actor::system(), &f, Default::default(), &page).await.unwrap();
            found.items.iter().map(|p| p.id.0).collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(&late, "态度").await, [old_problem.0], "the list does not trust an index behind the feed");
    catch_up(&late).await;
    let status = late.search().status(None).await.unwrap();
    assert!(status.applied >= first.head && status.lag() == 0 && status.docs == 3, "{status:?}");
    assert_eq!(find(&late, &office, "积水").await.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [old_case.0]);
    assert_eq!(find(&late, &office, "态度").await.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [old_problem.0]);
    assert_eq!(listed(&late, "态度").await, [old_problem.0]);
    late.close().await;
}

/// Two instances over one database, each with its own index (as two servers with their own
/// `--data`): what is written through either is found by both once each has caught up, and
/// their indexes end up holding the same.
async fn two_instances_over_one_database_converge(backend: Backend) {
    let Some(db) = fresh(backend).await else { return };
    let (dir_one, dir_two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let one = open(&db, dir_one.path()).await;
    let two = open(&db, dir_two.path()).await;
    let b = unit(&one, "乙街道", None).await;
    let office = Actor::system();
    let ids = |a: Answer| a.hits.iter().map(|h| (h.kind, h.id)).collect::<Vec<_>>();
    let written = case(&one, "搅拌站夜间施工噪音扰民", b).await;
    for s in [&one, &two] {
        catch_up(s).await;
        assert_eq!(ids(find(s, &office, "噪音").await), [(SearchKind::Case, written.0)]);
    }
    // Through the other one: a problem, and the unit's reply to the case.
    let raised = problem(&two, "菜市场旁蝙蝠清理不及时", b, false).await;
    let clerk = staff(Role::UnitClerk, Some(b));
    for (action, answer) in [("sign", None), ("reply", Some("已协调城管部门限制夜间施工时段"))] {
        let req =
            CaseTransitionRequest { action: Some(action.into()), answer: answer.map(Into::into), ..Default::default() };
        two.cases().transition_case(&clerk, written, req).await.expect(action);
    }
    for s in [&two, &one] {
        catch_up(s).await;
        assert_eq!(ids(find(s, &office, "蝙蝠").await), [(SearchKind::Problem, raised.0)]);
        let replied = find(s, &office, "施工时段").await;
        assert_eq!(ids(replied.clone()), [(SearchKind::Case, written.0)]);
        assert_eq!(replied.hits[0].state, "replied");
    }
    let (a, b) = (one.search().status(None).await.unwrap(), two.search().status(None).await.unwrap());
    assert_eq!((a.applied, a.docs, a.lag()), (b.applied, b.docs, 0), "{a:?} {b:?}");
    assert_eq!(a.docs, 2);
    two.close().await;
}

on_both!(
    the_ledgers_text_filter_uses_the_index,
    only_those_who_may_open_a_record_find_it,
    changes_reach_the_index_through_the_feed,
    a_crash_between_commit_and_indexing_loses_nothing,
    a_rebuild_swaps_in_everything,
    the_feed_is_pruned_and_an_index_behind_it_rebuilds,
    two_instances_over_one_database_converge,
);
