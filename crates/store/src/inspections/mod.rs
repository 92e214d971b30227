//! Inspections: plans and their pools, rounds drawn verifiably from a committed snapshot,
//! findings written into the ledger, and re-inspections of closed problems.
//!
//! Secrecy of covert rounds (暗访) is decided in one place, [`rounds::targets_visible`]: until
//! a covert round ends, its targets (and so its findings) are shown only to its inspectors.

mod bulletins;
mod findings;
mod plans;
mod public;
mod reinspections;
mod rounds;

use crate::db::{Conn, Q, set};
use crate::error::{StoreError, StoreResult};
use crate::page::{Cursor, Page, PageRequest};
use rand::RngCore;
use rectify_domain::Entity;
use rectify_domain::actor::Actor;
use rectify_domain::ids::PersonId;
use rectify_domain::inspection::{RoundStatus, commitment};
use rectify_domain::patch::Change;
use rectify_domain::time::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The person of the directory the actor's account stands for (inspectors are people).
pub(crate) async fn actor_person(c: &mut Conn<'_>, actor: &Actor) -> StoreResult<Option<PersonId>> {
    let Some(account) = actor.account_id else { return Ok(None) };
    let id: Option<Option<i64>> =
        c.scalar_optional(Q::new("SELECT person_id FROM accounts WHERE id = $1").bind(account)).await?;
    Ok(id.flatten().map(PersonId))
}

/// The seed and its commitment: Rectify's own seed (256 random bits, hex) unless the office
/// committed to one it keeps.
pub(crate) fn seed_and_commitment(office_commitment: Option<String>) -> (Option<String>, String) {
    match office_commitment {
        Some(c) => (None, c),
        None => {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            let seed = hex::encode(bytes);
            let c = commitment(seed.as_bytes());
            (Some(seed), c)
        }
    }
}

/// The two things drawn verifiably from a committed seed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Drawing {
    Round,
    Reinspection,
}

/// Writes a step of a round or a re-inspection as its decision says: the new status, the seed a
/// draw used (kept unreadable until the end), the moments set, against the version read.
pub(crate) async fn write_step(
    c: &mut Conn<'_>,
    drawing: Drawing,
    (id, read_version): (i64, i64),
    to: RoundStatus,
    seed: Option<&str>,
    moments: &[(&str, &Change<()>)],
    now: Timestamp,
) -> StoreResult<()> {
    let (table, entity) = match drawing {
        Drawing::Round => ("inspection_rounds", Entity::Round),
        Drawing::Reinspection => ("reinspections", Entity::Reinspection),
    };
    let mut q = Q::new(format!("UPDATE {table} SET status = "));
    q.push_bind(to.as_str()).push(", version = version + 1");
    set(&mut q, "seed", seed.map_or(Change::Keep, Change::Set));
    for (column, change) in moments {
        set(&mut q, column, (*change).clone().map(|()| now));
    }
    q.push(" WHERE id = ").push_bind(id).push(" AND version = ").push_bind(read_version);
    crate::versioned::update(c, entity, read_version, q).await
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Encode(e.to_string()))
}

pub(crate) fn from_json<T: DeserializeOwned>(s: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Ends a list query (whose `WHERE` is open) newest first, after the page's cursor.
pub(crate) fn newest_first(mut q: Q, page: &PageRequest) -> Q {
    if let Some(after) = &page.after {
        q.push(" AND id < ").push_bind(after.id);
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
    q
}

/// Items read for the `limit + 1` ids a [`newest_first`] query gave, as a page.
pub(crate) fn page_of<T>(page: &PageRequest, rows: Vec<(i64, T)>) -> StoreResult<Page<T>> {
    page.finish(rows, |(id, _)| Cursor { key: None, id: *id }, |(_, t)| Ok(t))
}
