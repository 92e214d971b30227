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
