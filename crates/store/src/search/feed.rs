//! Writing the change feed (from `history::record`, so every change that leaves a history row
//! on a searchable record leaves a feed row in the same transaction) and reading it back.

use crate::db::{Conn, Q};
use crate::error::StoreResult;
use rectify_domain::Entity;
use rectify_domain::search::SearchKind;
use rectify_domain::time::Timestamp;

/// Notes a change to the record a history row names: a case, a problem (or a problem through
/// one of its measures), a bulletin.
pub(crate) async fn note(c: &mut Conn<'_>, entity: Entity, entity_id: &str, at: Timestamp) -> StoreResult<()> {
    let Ok(id) = entity_id.parse::<i64>() else { return Ok(()) };
    let q = match entity {
        Entity::Case => insert(SearchKind::Case, id, at),
        Entity::Problem => insert(SearchKind::Problem, id, at),
        Entity::Bulletin => insert(SearchKind::Bulletin, id, at),
        Entity::Measure => Q::new(
            "INSERT INTO search_feed (kind, record_id, at) SELECT $1, problem_id, $2 FROM measures WHERE id = $3",
        )
        .bind(SearchKind::Problem.as_str())
        .bind(at)
        .bind(id),
        _ => return Ok(()),
    };
    c.execute(q).await?;
    Ok(())
}

/// Notes a change made without a history row of its own (a case answered by its problem's
/// close-off, a case's text masked at start-up).
pub(crate) async fn note_record(c: &mut Conn<'_>, kind: SearchKind, id: i64, at: Timestamp) -> StoreResult<()> {
    c.execute(insert(kind, id, at)).await?;
    Ok(())
}

fn insert(kind: SearchKind, id: i64, at: Timestamp) -> Q {
    Q::new("INSERT INTO search_feed (kind, record_id, at) VALUES ($1, $2, $3)").bind(kind.as_str()).bind(id).bind(at)
}

/// Feed rows read: number, kind, record.
pub(crate) type FeedRow = (i64, String, i64);

/// Rows after `after` (at most `limit`), and the rows of the numbers in `gaps` that have appeared.
pub(crate) async fn read(c: &mut Conn<'_>, after: i64, gaps: &[i64], limit: i64) -> StoreResult<Vec<FeedRow>> {
    let mut rows: Vec<FeedRow> = c
        .fetch_all(
            Q::new("SELECT seq, kind, record_id FROM search_feed WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after)
                .bind(limit),
        )
        .await?;
    if !gaps.is_empty() {
        let mut q = Q::new("SELECT seq, kind, record_id FROM search_feed WHERE ");
        q.push_in("seq", gaps.iter().copied());
        rows.extend(c.fetch_all::<FeedRow>(q).await?);
    }
    Ok(rows)
}

/// The feed's last number (0 when empty).
pub(crate) async fn head(c: &mut Conn<'_>) -> StoreResult<i64> {
    c.scalar(Q::new("SELECT COALESCE(MAX(seq), 0) FROM search_feed")).await
}

/// Where the settings table keeps the highest number pruned from the feed.
const PRUNED_THROUGH: &str = "search_feed.pruned_through";

/// The highest number pruned from the feed (0 when nothing was): an index that has not applied
/// it lacks changes the feed no longer holds.
pub(crate) async fn pruned_through(c: &mut Conn<'_>) -> StoreResult<i64> {
    let q = Q::new("SELECT CAST(value AS BIGINT) FROM settings WHERE key = $1").bind(PRUNED_THROUGH);
    Ok(c.scalar_optional::<i64>(q).await?.unwrap_or(0))
}

/// The oldest number the feed still holds.
pub(crate) async fn oldest(c: &mut Conn<'_>) -> StoreResult<Option<i64>> {
    c.scalar_optional(Q::new("SELECT seq FROM search_feed ORDER BY seq LIMIT 1")).await
}

/// Deletes the rows written before `before`, except the newest `keep`, and records the number
/// pruned through (never lowered, so two instances pruning at once agree). Answers the rows
/// deleted and the number pruned through.
pub(crate) async fn prune(c: &mut Conn<'_>, before: Timestamp, keep: i64, now: Timestamp) -> StoreResult<(u64, i64)> {
    let old: i64 = c.scalar(Q::new("SELECT COALESCE(MAX(seq), 0) FROM search_feed WHERE at < $1").bind(before)).await?;
    let newest_kept: Option<i64> = c
        .scalar_optional(Q::new("SELECT seq FROM search_feed ORDER BY seq DESC LIMIT 1 OFFSET $1").bind(keep.max(0)))
        .await?;
    let through = old.min(newest_kept.unwrap_or(0));
    let before_now = pruned_through(c).await?;
    if through <= before_now {
        return Ok((0, before_now));
    }
    let removed = c.execute(Q::new("DELETE FROM search_feed WHERE seq <= $1").bind(through)).await?;
    c.execute(
        Q::new(
            "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at \
             WHERE CAST(settings.value AS BIGINT) < CAST(excluded.value AS BIGINT)",
        )
        .bind(PRUNED_THROUGH)
        .bind(through.to_string())
        .bind(now),
    )
    .await?;
    Ok((removed, through))
}
