//! The service figures kept as they go (migration 0025): what a case counts whatever the day
//! (`ServiceTally::standing`), per unit, item and month received in `service_case_tallies` and
//! per unit, person responsible and month in `service_staff_tallies`. Every write of a service
//! case adds, in its own transaction, the difference between what the case counted before and
//! what it counts after — so the figures sum a row per group and month instead of reading every
//! case. The open cases past their promise depend on today and are counted when the figures are
//! read.

use crate::db::{Conn, Q};
use crate::error::StoreResult;
use rectify_domain::ids::{PersonId, ServiceItemId, UnitId};
use rectify_domain::service::figures::{ServiceCaseFact, ServiceTally};
use std::collections::BTreeMap;

/// The groups a case is counted in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct TallyKey {
    pub unit: UnitId,
    pub item: ServiceItemId,
    pub responsible: PersonId,
    pub month: String,
}

/// The tallies: the table and the column it keeps beside the unit and the month.
pub(super) const TABLES: [(&str, &str); 2] =
    [("service_case_tallies", "item_id"), ("service_staff_tallies", "responsible_id")];

/// The standing counts, as the tallies' columns.
pub(super) const COUNTS: [&str; 10] = [
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

impl TallyKey {
    /// The row of table `t` (0: by item, 1: by person) the case counts in.
    fn row(&self, t: usize) -> (UnitId, i64, &str) {
        let by = if t == 0 { self.item.0 } else { self.responsible.0 };
        (self.unit, by, self.month.as_str())
    }
}

/// Moves a case's counts from what it was (`was`, none when it is new) to what it is.
pub(super) async fn retally(
    c: &mut Conn<'_>,
    was: Option<(&TallyKey, &ServiceCaseFact)>,
    is: (&TallyKey, &ServiceCaseFact),
) -> StoreResult<()> {
    let after = columns(&ServiceTally::standing(is.1));
    let before = was.map(|(k, f)| (k, columns(&ServiceTally::standing(f))));
    let list = COUNTS.join(", ");
    let sets: Vec<String> = COUNTS.iter().map(|n| format!("{n} = {{t}}.{n} + excluded.{n}")).collect();
    for (t, (table, by)) in TABLES.iter().enumerate() {
        // Keyed and walked in order: two writers touching the same two rows take their locks
        // (PostgreSQL) in the same order.
        let mut deltas: BTreeMap<(UnitId, i64, &str), [i64; 10]> = BTreeMap::new();
        deltas.insert(is.0.row(t), after);
        if let Some((key, counts)) = &before {
            let d = deltas.entry(key.row(t)).or_insert([0; 10]);
            for (slot, v) in d.iter_mut().zip(counts) {
                *slot -= v;
            }
        }
        for ((unit, id, month), d) in deltas {
            if d.iter().all(|v| *v == 0) {
                continue;
            }
            let mut q = Q::new(format!(
                "INSERT INTO {table} (unit_id, {by}, received_month, {list}) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (unit_id, {by}, received_month) DO UPDATE SET {}",
                sets.join(", ").replace("{t}", table)
            ))
            .bind(unit)
            .bind(id)
            .bind(month.to_owned());
            for v in d {
                q = q.bind(v);
            }
            c.execute(q).await?;
        }
    }
    Ok(())
}

/// Counts every case again (after a bulk load that bypassed the ledger's steps): the SQL twin
/// of `ServiceTally::standing`, as migration 0025 first filled the tables.
pub(crate) async fn rebuild(c: &mut Conn<'_>) -> StoreResult<()> {
    for (table, by) in TABLES {
        c.execute(Q::new(format!("DELETE FROM {table}"))).await?;
        c.execute(Q::new(format!(
            "INSERT INTO {table} SELECT unit_id, {by}, received_month, COUNT(*), \
             COUNT(*) FILTER (WHERE accepted_on IS NOT NULL), \
             COUNT(*) FILTER (WHERE state = 'done'), \
             COUNT(*) FILTER (WHERE state = 'refused'), \
             COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= promised_days), \
             COUNT(*) FILTER (WHERE state = 'done' AND worked_days <= legal_days), \
             COUNT(*) FILTER (WHERE state = 'done' AND visits <= 1), \
             COUNT(*) FILTER (WHERE notices_given >= 1), \
             COUNT(*) FILTER (WHERE notices_given >= 2), \
             CAST(COALESCE(SUM(CASE WHEN state = 'done' THEN worked_days ELSE 0 END), 0) AS BIGINT) \
             FROM service_cases GROUP BY unit_id, {by}, received_month"
        )))
        .await?;
    }
    Ok(())
}
