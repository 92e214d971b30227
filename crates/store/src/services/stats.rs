//! The service figures (`/api/v1/stats/services`): received, accepted, done, on time within the
//! promise (承诺期内按时办结率) and within the law, overdue now, one-visit rate, one-time notices
//! and working days, by unit, window, item, staff or month. What each means is defined once, in
//! `rectify_domain::service::figures`; here the facts are read and grouped.

use super::tallies::{COUNTS, TABLES};
use crate::areas::Services;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::visibility;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::UnitId;
use rectify_domain::service::figures::{ServiceRates, ServiceTally};
use rectify_domain::time::Timestamp;
use rectify_domain::visibility::Records;
use rectify_domain::{DomainError, Issue};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceGroupBy {
    Unit,
    Window,
    Item,
    /// The person responsible now (the first-contact officer unless handed over).
    Staff,
    Month,
}

impl ServiceGroupBy {
    pub const ALL: [ServiceGroupBy; 5] = [
        ServiceGroupBy::Unit,
        ServiceGroupBy::Window,
        ServiceGroupBy::Item,
        ServiceGroupBy::Staff,
        ServiceGroupBy::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ServiceGroupBy::Unit => "unit",
            ServiceGroupBy::Window => "window",
            ServiceGroupBy::Item => "item",
            ServiceGroupBy::Staff => "staff",
            ServiceGroupBy::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Result<ServiceGroupBy, DomainError> {
        ServiceGroupBy::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| {
            let expected = ServiceGroupBy::ALL.iter().map(|g| g.as_str().into()).collect();
            DomainError::field("group_by", Issue::NotOneOf { expected })
        })
    }
}

/// What the figures count: cases received in these months, of this unit.
#[derive(Debug, Clone, Default)]
pub struct ServiceStatsFilter {
    pub unit: Option<UnitId>,
    /// First and last month received (`YYYY-MM`), both included.
    pub from_month: Option<String>,
    pub to_month: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStatsGroup {
    /// The unit, item or person id, the window as the hall numbers it, or `YYYY-MM`; null for
    /// items that name no window.
    pub key: Option<String>,
    pub name: String,
    #[serde(flatten)]
    pub counts: ServiceTally,
    #[serde(flatten)]
    pub rates: ServiceRates,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStats {
    pub as_of: Timestamp,
    pub group_by: String,
    #[serde(flatten)]
    pub counts: ServiceTally,
    #[serde(flatten)]
    pub rates: ServiceRates,
    pub groups: Vec<ServiceStatsGroup>,
}

record! {
    /// One group's open cases past their promise.
    struct Late {
        key: Option<String>,
        overdue: i64,
    }
}

/// Narrows a figures query to the cases `actor` sees, of the unit and months asked for (the
/// tallies and the cases share these columns).
async fn narrow(c: &mut Conn<'_>, q: &mut Q, actor: &Actor, f: &ServiceStatsFilter) -> StoreResult<()> {
    if let Some(units) = visibility::units(c, actor, Records::ServiceCases).await? {
        q.push(" AND ");
        q.push_in("unit_id", units.iter().copied());
    }
    if let Some(unit) = f.unit {
        q.push(" AND unit_id = ").push_bind(unit);
    }
    if let Some(from) = &f.from_month {
        q.push(" AND received_month >= ").push_bind(from.clone());
    }
    if let Some(to) = &f.to_month {
        q.push(" AND received_month <= ").push_bind(to.clone());
    }
    Ok(())
}

record! {
    /// One group's counts: the standing ones summed from the tallies, the overdue counted.
    #[derive(Default)]
    struct CountRow {
        key: Option<String>,
        received: i64,
        accepted: i64,
        done: i64,
        refused: i64,
        done_within_promise: i64,
        done_within_legal: i64,
        overdue: i64,
        one_visit: i64,
        notified: i64,
        notified_again: i64,
        working_days: Option<i64>,
    }
}

impl CountRow {
    fn tally(&self) -> ServiceTally {
        let n = |v: i64| v.max(0) as u64;
        ServiceTally {
            received: n(self.received),
            accepted: n(self.accepted),
            done: n(self.done),
            refused: n(self.refused),
            done_within_promise: n(self.done_within_promise),
            done_within_legal: n(self.done_within_legal),
            overdue: n(self.overdue),
            settled: n(self.done) + n(self.overdue),
            one_visit: n(self.one_visit),
            notified: n(self.notified),
            notified_again: n(self.notified_again),
            working_days: n(self.working_days.unwrap_or(0)),
        }
    }
}

record! {
    struct Named {
        id: i64,
        name: String,
    }
}

impl Services<'_> {
    /// The service figures over the cases `actor` sees (a unit its own), grouped by `by`.
    pub async fn service_stats(
        &self,
        actor: &Actor,
        by: ServiceGroupBy,
        f: &ServiceStatsFilter,
    ) -> StoreResult<ServiceStats> {
        authorize(actor, Permission::ViewStats, Party::Other)?;
        let today = self.today();
        let as_of = self.now();
        let (actor, f) = (actor.clone(), f.clone());
        let (rows, names) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let col = match by {
                        ServiceGroupBy::Unit => "unit_id",
                        // Windows are the items': grouped by item, folded into windows below.
                        ServiceGroupBy::Item | ServiceGroupBy::Window => "item_id",
                        ServiceGroupBy::Staff => "responsible_id",
                        ServiceGroupBy::Month => "received_month",
                    };
                    // The standing counts, kept per group as the cases change (`tallies`): the
                    // staff's table for staff, the items' for the rest.
                    let table = if by == ServiceGroupBy::Staff { TABLES[1].0 } else { TABLES[0].0 };
                    let sums: Vec<String> = COUNTS.iter().map(|n| format!("CAST(SUM({n}) AS BIGINT) AS {n}")).collect();
                    let mut q = Q::new(format!(
                        "SELECT CAST({col} AS TEXT) AS key, {}, CAST(0 AS BIGINT) AS overdue \
                         FROM {table} WHERE 1 = 1",
                        sums.join(", ")
                    ));
                    narrow(&mut c, &mut q, &actor, &f).await?;
                    q.push(&format!(" GROUP BY {col}"));
                    let mut rows: Vec<CountRow> = c.fetch_all(q).await?;
                    // The open cases past their promise today (a partial index holds the open ones).
                    let mut q = Q::new(format!(
                        "SELECT CAST({col} AS TEXT) AS key, COUNT(*) AS overdue FROM service_cases \
                         WHERE state IN ('in_process', 'suspended') AND promised_due < $1"
                    ))
                    .bind(today);
                    narrow(&mut c, &mut q, &actor, &f).await?;
                    // Grouped by the text key, not the column: an index ordered by the column
                    // would tempt the planner to walk every case instead of the open ones.
                    q.push(" GROUP BY 1");
                    let late: Vec<Late> = c.fetch_all(q).await?;
                    for l in late {
                        match rows.iter_mut().find(|r| r.key == l.key) {
                            Some(r) => r.overdue = l.overdue,
                            None => rows.push(CountRow { key: l.key, overdue: l.overdue, ..CountRow::default() }),
                        }
                    }
                    let names: HashMap<String, String> = match by {
                        ServiceGroupBy::Unit => {
                            let units: Vec<Named> = c.fetch_all(Q::new("SELECT id, name FROM units")).await?;
                            units.into_iter().map(|n| (n.id.to_string(), n.name)).collect()
                        }
                        ServiceGroupBy::Staff => {
                            let people: Vec<Named> = c.fetch_all(Q::new("SELECT id, name FROM people")).await?;
                            people.into_iter().map(|n| (n.id.to_string(), n.name)).collect()
                        }
                        // Items name themselves and their window (the current version's), from
                        // the columns the item's every write keeps.
                        ServiceGroupBy::Item | ServiceGroupBy::Window => {
                            let shown = if by == ServiceGroupBy::Window { "COALESCE(window_name, '')" } else { "name" };
                            let items: Vec<Named> =
                                c.fetch_all(Q::new(format!("SELECT id, {shown} AS name FROM service_items"))).await?;
                            items.into_iter().map(|n| (n.id.to_string(), n.name)).collect()
                        }
                        ServiceGroupBy::Month => HashMap::new(),
                    };
                    Ok((rows, names))
                })
            })
            .await?;
        let mut total = ServiceTally::default();
        let mut groups: BTreeMap<Option<String>, ServiceTally> = BTreeMap::new();
        for r in rows {
            let counts = r.tally();
            let key = match by {
                // An item's cases count under its window (none when it names none).
                ServiceGroupBy::Window => r.key.as_ref().and_then(|k| names.get(k)).filter(|w| !w.is_empty()).cloned(),
                _ => r.key.clone(),
            };
            total.add(&counts);
            groups.entry(key).or_default().add(&counts);
        }
        let mut groups: Vec<ServiceStatsGroup> = groups
            .into_iter()
            .map(|(key, counts)| {
                let name = match (by, key.as_deref()) {
                    (ServiceGroupBy::Window | ServiceGroupBy::Month, k) => k.unwrap_or("（未列窗口）").to_owned(),
                    (_, Some(k)) => names.get(k).cloned().unwrap_or_else(|| k.to_owned()),
                    (_, None) => String::new(),
                };
                ServiceStatsGroup { key, name, counts, rates: counts.rates() }
            })
            .collect();
        if by != ServiceGroupBy::Month {
            groups.sort_by(|a, b| b.counts.received.cmp(&a.counts.received).then_with(|| a.key.cmp(&b.key)));
        }
        Ok(ServiceStats { as_of, group_by: by.as_str().into(), counts: total, rates: total.rates(), groups })
    }
}
