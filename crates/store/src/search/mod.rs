//! Full-text search in the store: the change feed written with every change to a case or a
//! problem, the indexer that applies it to this instance's index (`rectify_search`), rebuilds,
//! and the search use case, filtered by the same visibility rule as the lists.

mod documents;
pub(crate) mod feed;

use crate::areas::Search;
use crate::cases::CaseFilter;
use crate::db::Conn;
use crate::error::{StoreError, StoreResult};
use crate::problems::ProblemFilter;
use crate::visibility::{self, Scope};
use documents::Pick;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::CaseState;
use rectify_domain::ids::CaseId;
use rectify_domain::problem::ProblemState;
use rectify_domain::search::SearchKind;
use rectify_search::{
    Answer, Change, FeedCursor, LikeThis, Request, SearchError, SearchIndex, Sees, Similar, Visibility,
};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// How far back similar records are looked for, from the case's receipt.
pub const SIMILAR_WINDOW_DAYS: i64 = 90;

/// Feed rows (and records) read per round.
const BATCH: i64 = 1000;
/// A rebuild records a number this far behind the feed's head, so a change whose number was
/// taken but not yet committed while the rebuild read is applied after the swap.
const REBUILD_MARGIN: i64 = 1000;

/// How long the feed keeps a change (see [`Search::prune_feed`]).
pub const FEED_KEEP_DAYS: i64 = 30;
/// The newest changes the feed keeps whatever their age.
pub const FEED_KEEP_ROWS: i64 = 1000;

/// What a pruning of the feed keeps: the changes of the last `days`, and the newest `rows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedRetention {
    pub days: i64,
    pub rows: i64,
}

impl Default for FeedRetention {
    fn default() -> Self {
        FeedRetention { days: FEED_KEEP_DAYS, rows: FEED_KEEP_ROWS }
    }
}

/// What a pruning did: the rows deleted, and the number the feed is pruned through (its rows
/// at or below it are gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub removed: u64,
    pub through: i64,
}

/// The index a store searches, once attached (`rectify serve` attaches it at start).
pub(crate) type Slot = Arc<OnceLock<Arc<SearchIndex>>>;

/// Records a list's text filter (`q`) may match are at most this many from the index; beyond it
/// the list matches the text itself.
const TEXT_HITS_CAP: usize = 20_000;

/// The index's answer to a list's `q`: the records it found, and the feed number it stood at.
/// The list takes these ids, except that records changed after `watermark` (which the index may
/// not hold yet) are matched by the list's own `LIKE`, so a record is never missed for the index's
/// lag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextHits {
    pub ids: Vec<i64>,
    pub watermark: i64,
}

/// Appends the text condition of a list: ids from the index (with `LIKE` for what changed since
/// it looked), or `LIKE` alone. `like` pushes the list's own condition.
pub(crate) fn push_text(
    q: &mut crate::db::Q,
    kind: SearchKind,
    hits: Option<&TextHits>,
    like: impl Fn(&mut crate::db::Q),
) {
    let Some(h) = hits else {
        q.push(" AND ");
        like(q);
        return;
    };
    let changed = |q: &mut crate::db::Q| {
        q.push("id IN (SELECT record_id FROM search_feed WHERE kind = ").push_bind(kind.as_str());
        q.push(" AND seq > ").push_bind(h.watermark).push(")");
    };
    q.push(" AND ((");
    q.push_in("id", h.ids.iter().copied());
    q.push(" AND NOT ");
    changed(q);
    q.push(") OR (");
    changed(q);
    q.push(" AND ");
    like(q);
    q.push("))");
}

/// Where an index stands against the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchStatus {
    pub applied: i64,
    pub head: i64,
    /// The oldest change the feed still holds (none when it is empty).
    pub oldest: Option<i64>,
    /// The feed is pruned through this number: an index behind it is rebuilt on catch-up.
    pub pruned_through: i64,
    pub docs: u64,
    pub bytes: u64,
}

impl SearchStatus {
    pub fn lag(&self) -> i64 {
        (self.head - self.applied).max(0)
    }
}

fn index_error(e: SearchError) -> StoreError {
    match e {
        SearchError::Refused(d) => StoreError::Domain(d),
        other => StoreError::Io(other.to_string()),
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, SearchError> + Send + 'static) -> StoreResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| StoreError::Io(e.to_string()))?.map_err(index_error)
}

impl Search<'_> {
    /// Makes `index` the one this store (and every clone of it) searches; false when one is
    /// attached already.
    pub fn attach(&self, index: Arc<SearchIndex>) -> bool {
        self.search_slot.set(index).is_ok()
    }

    /// The attached index, if any (lists fall back to their own text filter without one).
    pub fn index(&self) -> Option<Arc<SearchIndex>> {
        self.search_slot.get().cloned()
    }

    fn attached(&self) -> StoreResult<Arc<SearchIndex>> {
        self.index().ok_or_else(|| StoreError::Io("no search index is open".into()))
    }

    /// The ledger's filter with the index's answer to its `q` (the list, its figures and its
    /// export all take it, so they count the same rows).
    pub(crate) async fn problem_filter(&self, f: &ProblemFilter) -> StoreResult<ProblemFilter> {
        let text_hits = self.text_hits(SearchKind::Problem, f.q.as_deref()).await?;
        Ok(ProblemFilter { text_hits, ..f.clone() })
    }

    /// The cases' filter with the index's answer to its `q`.
    pub(crate) async fn case_filter(&self, f: &CaseFilter) -> StoreResult<CaseFilter> {
        let text_hits = self.text_hits(SearchKind::Case, f.q.as_deref()).await?;
        Ok(CaseFilter { text_hits, ..f.clone() })
    }

    /// What the index says of a list's text filter, when one is attached and can answer it.
    async fn text_hits(&self, kind: SearchKind, q: Option<&str>) -> StoreResult<Option<TextHits>> {
        let (Some(index), Some(q)) = (self.index(), q.map(str::to_owned)) else { return Ok(None) };
        let found = blocking(move || index.matching_ids(kind, &q, TEXT_HITS_CAP)).await?;
        let Some((ids, watermark)) = found else { return Ok(None) };
        // An index behind the pruned feed cannot say what changed since it looked (it is being
        // rebuilt): the list's own filter answers meanwhile.
        let pruned = self.db.read(|tx| Box::pin(async move { feed::pruned_through(&mut tx.conn()).await })).await?;
        Ok((watermark >= pruned).then_some(TextHits { ids, watermark }))
    }

    /// Searches what `actor` may open: hits, counts and facets alike.
    pub async fn search(&self, actor: &Actor, request: Request) -> StoreResult<Answer> {
        let index = self.attached()?;
        let actor = actor.clone();
        let sight = self.db.read(move |tx| Box::pin(async move { sight(&mut tx.conn(), &actor).await })).await?;
        blocking(move || index.search(&request, &sight)).await
    }

    /// Open cases and problems like case `id` (received within [`SIMILAR_WINDOW_DAYS`] before
    /// it), that `actor` may open: for its page at intake. Empty without an index.
    pub async fn similar_to_case(&self, actor: &Actor, id: CaseId, limit: usize) -> StoreResult<Vec<Similar>> {
        let case = self.cases().get_case(actor, id).await?;
        let Some(index) = self.index() else { return Ok(Vec::new()) };
        let actor = actor.clone();
        let mut sight = self.db.read(move |tx| Box::pin(async move { sight(&mut tx.conn(), &actor).await })).await?;
        sight.0.retain(|(kind, _)| matches!(kind, SearchKind::Case | SearchKind::Problem));
        let text = format!("{}\n{}", case.title.unwrap_or_default(), case.content);
        let since = case.received_at.utc() - chrono::Duration::days(SIMILAR_WINDOW_DAYS);
        blocking(move || {
            let finished = [CaseState::Closed.as_str(), CaseState::Declined.as_str(), ProblemState::Closed.as_str()];
            let like =
                LikeThis { text: &text, itself: Some((SearchKind::Case, id.0)), since, finished: &finished, limit };
            index.similar(&like, &sight)
        })
        .await
    }

    /// Applies the feed after `cursor` to the index until it is caught up; answers the rows read.
    /// An index behind the pruned part of the feed (a new instance, or one stopped for longer than
    /// the feed keeps changes) is rebuilt from the records instead.
    pub async fn catch_up(&self, cursor: &mut FeedCursor) -> StoreResult<u64> {
        let index = self.attached()?;
        if index.applied_seq() < cursor.watermark() {
            // A rebuild was swapped in behind the cursor: start again where it stands.
            *cursor = FeedCursor::new(index.applied_seq());
        }
        let mut read = 0;
        loop {
            let (after, gaps) = (cursor.high(), cursor.gaps());
            let (rows, changes, pruned) = self
                .db
                .read(move |tx| {
                    Box::pin(async move {
                        let mut c = tx.conn();
                        let rows = feed::read(&mut c, after, &gaps, BATCH).await?;
                        // Read after the rows: a pruning that removed some of them shows here.
                        let pruned = feed::pruned_through(&mut c).await?;
                        let changes = changes(&mut c, &rows).await?;
                        Ok((rows, changes, pruned))
                    })
                })
                .await?;
            if pruned > cursor.watermark() {
                tracing::warn!(
                    applied = cursor.watermark(),
                    pruned,
                    "the search index is behind the pruned change feed: rebuilding it"
                );
                self.rebuild(&|_, _| {}).await?;
                *cursor = FeedCursor::new(index.applied_seq());
                continue;
            }
            let seqs: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let watermark = cursor.advance(&seqs, Instant::now());
            let index = index.clone();
            if !changes.is_empty() || watermark != index.applied_seq() {
                blocking(move || index.apply(&changes, watermark)).await?;
            }
            read += rows.len() as u64;
            if (rows.len() as i64) < BATCH {
                return Ok(read);
            }
        }
    }

    /// Follows the feed every `poll` until `shutdown` (the server's indexer: a change is
    /// searchable within about `poll`). Failures are logged and tried again on the next round.
    pub async fn follow(&self, poll: Duration, shutdown: impl std::future::Future<Output = ()>) {
        let mut cursor = match self.cursor() {
            Ok(c) => c,
            Err(e) => return tracing::error!(error = %e, "search indexer not started"),
        };
        let mut ticks = Ticks::new(poll, shutdown);
        while ticks.next().await {
            if let Err(e) = self.catch_up(&mut cursor).await {
                tracing::warn!(error = %e, "search indexer: trying again");
            }
        }
    }

    /// A cursor starting where the attached index stands.
    pub fn cursor(&self) -> StoreResult<FeedCursor> {
        Ok(FeedCursor::new(self.attached()?.applied_seq()))
    }

    /// Rebuilds the index from the database beside the live one and swaps it in; `progress` hears
    /// (records done, records in all). Answers the records indexed.
    pub async fn rebuild(&self, progress: &(dyn Fn(u64, u64) + Sync)) -> StoreResult<u64> {
        let index = self.attached()?;
        let (head, pruned, total) = self
            .db
            .read(|tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let head = feed::head(&mut c).await?;
                    let pruned = feed::pruned_through(&mut c).await?;
                    let mut total = 0;
                    for kind in SearchKind::ALL {
                        total += documents::count(&mut c, kind).await?;
                    }
                    Ok((head, pruned, total))
                })
            })
            .await?;
        let builder = index.clone();
        let mut rebuild = blocking(move || builder.rebuild()).await?;
        let mut done = 0;
        progress(0, total);
        for kind in SearchKind::ALL {
            let mut after = 0;
            loop {
                let docs = self
                    .db
                    .read(move |tx| {
                        Box::pin(async move { documents::load(&mut tx.conn(), kind, Pick::After(after, BATCH)).await })
                    })
                    .await?;
                let Some(last) = docs.last() else { break };
                after = last.id;
                done += docs.len() as u64;
                rebuild = blocking(move || {
                    rebuild.add(&docs)?;
                    Ok(rebuild)
                })
                .await?;
                progress(done, total);
            }
        }
        // Never behind the pruned feed (whose rows are all older than the margin's).
        let rebuilt = blocking(move || rebuild.finish((head - REBUILD_MARGIN).max(pruned).max(0))).await?;
        blocking(move || index.swap(rebuilt)).await?;
        Ok(done)
    }

    /// The feed's last number.
    pub async fn feed_head(&self) -> StoreResult<i64> {
        self.db.read(|tx| Box::pin(async move { feed::head(&mut tx.conn()).await })).await
    }

    /// Where `index` (the attached one when `None`) stands against the feed.
    pub async fn status(&self, index: Option<Arc<SearchIndex>>) -> StoreResult<SearchStatus> {
        let index = match index {
            Some(i) => i,
            None => self.attached()?,
        };
        let (head, oldest, pruned_through) = self
            .db
            .read(|tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    Ok((feed::head(&mut c).await?, feed::oldest(&mut c).await?, feed::pruned_through(&mut c).await?))
                })
            })
            .await?;
        let s = blocking(move || index.status()).await?;
        Ok(SearchStatus { applied: s.seq, head, oldest, pruned_through, docs: s.docs, bytes: s.bytes })
    }

    /// Drops the feed's changes older than [`FEED_KEEP_DAYS`] days, keeping the newest
    /// [`FEED_KEEP_ROWS`] whatever their age, and records the number pruned through (`rectify
    /// serve` runs it hourly).
    pub async fn prune_feed(&self) -> StoreResult<Pruned> {
        self.prune_feed_keeping(FeedRetention::default()).await
    }

    /// [`Search::prune_feed`] with another retention.
    pub async fn prune_feed_keeping(&self, keep: FeedRetention) -> StoreResult<Pruned> {
        let now = self.now();
        let before = rectify_domain::time::Timestamp::from_utc(now.utc() - chrono::Duration::days(keep.days));
        let (removed, through) = self
            .db
            .write(move |tx| Box::pin(async move { feed::prune(&mut tx.conn(), before, keep.rows, now).await }))
            .await?;
        if removed > 0 {
            tracing::info!(removed, through, "search feed pruned");
        }
        Ok(Pruned { removed, through })
    }

    /// Prunes the feed every `period` until `shutdown` (every instance may: the number pruned
    /// through only grows).
    pub async fn prune_every(&self, period: Duration, shutdown: impl std::future::Future<Output = ()>) {
        let mut ticks = Ticks::new(period, shutdown);
        while ticks.next().await {
            if let Err(e) = self.prune_feed().await {
                tracing::warn!(error = %e, "pruning the search feed failed; trying again later");
            }
        }
    }
}

/// The rounds of a background job: every `period` (a late round is not made up for) until
/// `shutdown`, which a round under way finishes first.
struct Ticks<S> {
    tick: tokio::time::Interval,
    shutdown: std::pin::Pin<Box<S>>,
}

impl<S: std::future::Future<Output = ()>> Ticks<S> {
    fn new(period: Duration, shutdown: S) -> Self {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ticks { tick, shutdown: Box::pin(shutdown) }
    }

    /// Waits for the next round: false once shut down.
    async fn next(&mut self) -> bool {
        tokio::select! {
            () = &mut self.shutdown => false,
            _ = self.tick.tick() => true,
        }
    }
}

/// The changes the feed rows ask for: each record once, as it now is, or removed when gone.
async fn changes(c: &mut Conn<'_>, rows: &[feed::FeedRow]) -> StoreResult<Vec<Change>> {
    let mut out = Vec::new();
    for kind in SearchKind::ALL {
        let ids: Vec<i64> =
            rows.iter().filter(|r| r.1 == kind.as_str()).map(|r| r.2).collect::<BTreeSet<_>>().into_iter().collect();
        if ids.is_empty() {
            continue;
        }
        let docs = documents::load(c, kind, Pick::Ids(&ids)).await?;
        let found: BTreeSet<i64> = docs.iter().map(|d| d.id).collect();
        out.extend(ids.iter().filter(|id| !found.contains(id)).map(|id| Change::Remove(kind, *id)));
        out.extend(docs.into_iter().map(Change::Upsert));
    }
    Ok(out)
}

/// What `actor` may open of each kind, by the lists' own rule (`crate::visibility`).
async fn sight(c: &mut Conn<'_>, actor: &Actor) -> StoreResult<Visibility> {
    let ids = |units: Vec<rectify_domain::ids::UnitId>| units.into_iter().map(|u| u.0).collect::<Vec<_>>();
    let problems = match visibility::problems(c, actor).await? {
        Scope::All => Sees::All,
        Scope::Units(units) => Sees::Units(ids(units)),
        Scope::PublishedOnly => Sees::PublicOnly,
    };
    let cases = match visibility::cases(c, actor).await? {
        None => Sees::All,
        Some(units) => Sees::Units(ids(units)),
    };
    // Drafts are the office's; a published issue is anyone's (as `bulletins::may_see`).
    let bulletins =
        if authorize(actor, Permission::ManageBulletins, Party::Office).is_ok() { Sees::All } else { Sees::PublicOnly };
    Ok(Visibility(vec![(SearchKind::Case, cases), (SearchKind::Problem, problems), (SearchKind::Bulletin, bulletins)]))
}
