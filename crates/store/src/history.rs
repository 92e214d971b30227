//! Appending to and reading the change history. Every use case that changes a record calls
//! [`record`] inside its own transaction.

use crate::db::{Conn, Json, Q, record};
use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rectify_domain::Entity;
use rectify_domain::actor::Actor;
use rectify_domain::history::HistoryEntry;
use rectify_domain::ids::HistoryId;
use rectify_domain::time::Timestamp;
use serde::Serialize;

/// One change to record.
pub(crate) struct Change<'a, T: Serialize> {
    pub entity: Entity,
    pub entity_id: String,
    pub action: &'a str,
    pub note: Option<&'a str>,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

pub(crate) async fn record<T: Serialize>(
    c: &mut Conn<'_>,
    actor: &Actor,
    at: Timestamp,
    change: Change<'_, T>,
) -> StoreResult<()> {
    let value = |v: Option<&T>| -> StoreResult<Option<serde_json::Value>> {
        v.map(|v| serde_json::to_value(v).map_err(|e| StoreError::Encode(e.to_string()))).transpose()
    };
    let (before, after) = (value(change.before)?, value(change.after)?);
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    c.execute(
        Q::new(
            "INSERT INTO history (at, account_id, actor, entity, entity_id, action, note, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(at)
        .bind(actor.account_id)
        .bind(actor.username.as_str())
        .bind(change.entity.as_str())
        .bind(change.entity_id.as_str())
        .bind(change.action)
        .bind(change.note)
        .bind(text(&before))
        .bind(text(&after)),
    )
    .await?;
    // The search index follows the same changes.
    crate::search::feed::note(c, change.entity, &change.entity_id, at).await?;
    // The same change, chained: history is what the pages show, the chain what proves it.
    let event = crate::audit::Event {
        actor: &actor.username,
        kind: "change",
        subject: format!("{}:{}", change.entity.as_str(), change.entity_id),
        action: change.action,
        payload: serde_json::json!({ "note": change.note, "before": before, "after": after }),
    };
    crate::audit::append(c, at, event).await
}

record! {
    struct HistoryRow {
        id: HistoryId as i64,
        at: Timestamp as DateTime<Utc>,
        actor: String,
        entity_id: String,
        action: String,
        note: Option<String>,
        before: Option<serde_json::Value> as Option<Json>,
        after: Option<serde_json::Value> as Option<Json>,
    }
}

/// The history of one record, oldest first.
pub(crate) async fn of(c: &mut Conn<'_>, entity: Entity, entity_id: &str) -> StoreResult<Vec<HistoryEntry>> {
    let rows: Vec<HistoryRow> = c
        .fetch_all(
            Q::new(
                "SELECT id, at, actor, entity_id, action, note, before, after FROM history \
                 WHERE entity = $1 AND entity_id = $2 ORDER BY id",
            )
            .bind(entity.as_str())
            .bind(entity_id),
        )
        .await?;
    // The rows are those of `entity`: the query asks for no other.
    Ok(rows
        .into_iter()
        .map(|r| HistoryEntry {
            id: r.id,
            at: r.at,
            actor: r.actor,
            entity,
            entity_id: r.entity_id,
            action: r.action,
            note: r.note,
            before: r.before,
            after: r.after,
        })
        .collect())
}
