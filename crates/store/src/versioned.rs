//! What every use case that changes a record shares: optimistic versions, archiving instead of
//! deleting, and the history row.

use crate::db::{Conn, Q};
use crate::error::StoreResult;
use crate::history::{self, Change};
use rectify_domain::actor::Actor;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};
use serde::Serialize;

/// Refuses a write based on an old read: the client's version (when it sent one) must be the
/// current one.
pub(crate) fn check_version(entity: Entity, client: Option<i64>, current: i64) -> StoreResult<()> {
    match client {
        Some(v) if v != current => Err(DomainError::StaleVersion { entity, current }.into()),
        _ => Ok(()),
    }
}

/// Runs an `UPDATE … WHERE id = … AND version = <read version>`; touching no row means another
/// writer changed the record since it was read.
pub(crate) async fn update(c: &mut Conn<'_>, entity: Entity, read_version: i64, q: Q) -> StoreResult<()> {
    if c.execute(q).await? == 0 {
        return Err(DomainError::StaleVersion { entity, current: read_version + 1 }.into());
    }
    Ok(())
}

/// The history action of an update that may archive or restore.
pub(crate) fn archive_action(was: bool, is: bool) -> &'static str {
    match (was, is) {
        (false, true) => "archive",
        (true, false) => "restore",
        _ => "update",
    }
}

/// Records the creation of `record` and hands it back.
pub(crate) async fn created<T: Serialize>(
    c: &mut Conn<'_>,
    actor: &Actor,
    at: Timestamp,
    entity: Entity,
    id: impl ToString,
    record: T,
) -> StoreResult<T> {
    let change =
        Change { entity, entity_id: id.to_string(), action: "create", note: None, before: None, after: Some(&record) };
    history::record(c, actor, at, change).await?;
    Ok(record)
}

/// Records a change from `before` to `after` and hands `after` back.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn changed<T: Serialize>(
    c: &mut Conn<'_>,
    actor: &Actor,
    at: Timestamp,
    entity: Entity,
    id: impl ToString,
    action: &str,
    note: Option<&str>,
    before: &T,
    after: T,
) -> StoreResult<T> {
    let change = Change { entity, entity_id: id.to_string(), action, note, before: Some(before), after: Some(&after) };
    history::record(c, actor, at, change).await?;
    Ok(after)
}
