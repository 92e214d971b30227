//! The service figures kept as they go (migration 0025): per unit, item, person responsible and
//! month received, the counts a case makes whatever the day (`ServiceTally::standing`). Every
//! write of a service case adds, in its own transaction, the difference between what the case
//! counted before and what it counts after — so the figures sum a few thousand rows instead of
//! reading a million cases. The open cases past their promise depend on today and are counted
//! when the figures are read.

use crate::db::{Conn, Q};
use crate::error::StoreResult;
use rectify_domain::ids::{PersonId, ServiceItemId, UnitId};
use rectify_domain::service::figures::{ServiceCaseFact, ServiceTally};
use std::collections::BTreeMap;

/// The group a case is counted in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct TallyKey {
    pub unit: UnitId,
    pub item: ServiceItemId,
    pub responsible: PersonId,
    pub month: String,
}

/// The standing counts, in the columns' order.
fn columns(t: &ServiceTally) -> [i64; 10] {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    [
        n(t.received),
        n(t.accepted),
        n(t.done),
        n(t.refused),
        n(t.done_within_promise),
        n(t.done_within_legal),
        n(t.one_visit),
        n(t.notified),
        n(t.notified_again),
        n(t.working_days),
    ]
}

const NAMES: [&str; 10] = [
    "received",
    "accepted",
    "done",
    "refused",
    "done_within_promise",
    "done_within_legal",
    "one_visit",
    "notified",
    "notified_again",
    "working_days",
];

/// Moves a case's counts from what it was (`was`, none when it is new) to what it is.
pub(super) async fn retally(
    c: &mut Conn<'_>,
    was: Option<(&TallyKey, &ServiceCaseFact)>,
    is: (&TallyKey, &ServiceCaseFact),
) -> StoreResult<()> {
    // Keyed and walked in order: two writers touching the same two groups take their row
    // locks (PostgreSQL) in the same order.
    let mut deltas: BTreeMap<&TallyKey, [i64; 10]> = BTreeMap::new();
    let (key, fact) = is;
    deltas.insert(key, columns(&ServiceTally::standing(fact)));
    if let Some((key, fact)) = was {
        let d = deltas.entry(key).or_insert([0; 10]);
        for (slot, v) in d.iter_mut().zip(columns(&ServiceTally::standing(fact))) {
            *slot -= v;
        }
    }
    let list = NAMES.join(", ");
    let sets: Vec<String> = NAMES.iter().map(|n| format!("{n} = service_case_tallies.{n} + excluded.{n}")).collect();
    for (key, d) in deltas {
        if d.iter().all(|v| *v == 0) {
            continue;
        }
        let mut q = Q::new(format!(
            "INSERT INTO service_case_tallies (unit_id, item_id, responsible_id, received_month, {list}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (unit_id, item_id, responsible_id, received_month) DO UPDATE SET {}",
            sets.join(", ")
        ))
        .bind(key.unit)
        .bind(key.item)
        .bind(key.responsible)
        .bind(key.month.clone());
        for v in d {
            q = q.bind(v);
        }
        c.execute(q).await?;
    }
    Ok(())
}

/// Counts every case again (after a bulk load that bypassed the ledger's steps): the SQL twin
/// of `ServiceTally::standing`, as migration 0025 first filled the table.
pub(crate) async fn rebuild(c: &mut Conn<'_>) -> StoreResult<()> {
    c.execute(Q::new("DELETE FROM service_case_tallies")).await?;
    c.execute(Q::new(
        "INSERT INTO service_case_tallies SELECT unit_id, item_id, responsible_id, received_month, COUNT(*), \
         COUNT(*) FILTER (WHERE accepted_on IS NOT NULL), \
         COUNT(*) FILTER (WHERE state = 'done'), \
         COUNT(*) FILTER (WHERE state = 'refused'), \
         COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= promised_days), \
         COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= legal_days), \
         COUNT(*) FILTER (WHERE state = 'done' AND visits <= 1), \
         COUNT(*) FILTER (WHERE notices_given >= 1), \
         COUNT(*) FILTER (WHERE notices_given >= 2), \
         CAST(COALESCE(SUM(CASE WHEN state = 'done' THEN worked_days ELSE 0 END), 0) AS BIGINT) \
         FROM service_cases GROUP BY unit_id, item_id, responsible_id, received_month",
    ))
    .await?;
    Ok(())
}
