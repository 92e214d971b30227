//! Figures over the ledger (`/api/v1/stats/problems`). The database counts rows with the same
//! filter as the list; the domain says what the counts mean (rates, roll-up).

use crate::areas::Ledger;
use crate::campaigns::unit_names;
use crate::db::{Q, record};
use crate::error::StoreResult;
use crate::problems::{ProblemFilter, expand_units, push_conditions};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::figures::{LedgerRates, LedgerTally, WeekPoint, roll_up, week_starts};
use rectify_domain::ids::UnitId;
use rectify_domain::problem::{Level, ProblemState, ProblemType};
use rectify_domain::time::Timestamp;
use rectify_domain::time::start_of_china_day;
use rectify_domain::{DomainError, Issue};
use rectify_i18n::{Lang, label_of};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Unit,
    Category,
    State,
    Campaign,
    Batch,
    Type,
    Level,
}

impl GroupBy {
    pub const ALL: [GroupBy; 7] = [
        GroupBy::Unit,
        GroupBy::Category,
        GroupBy::State,
        GroupBy::Campaign,
        GroupBy::Batch,
        GroupBy::Type,
        GroupBy::Level,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Unit => "unit",
            GroupBy::Category => "category",
            GroupBy::State => "state",
            GroupBy::Campaign => "campaign",
            GroupBy::Batch => "batch",
            GroupBy::Type => "type",
            GroupBy::Level => "level",
        }
    }

    pub fn parse(s: &str) -> Result<GroupBy, DomainError> {
        GroupBy::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| {
            DomainError::field(
                "group_by",
                Issue::NotOneOf { expected: GroupBy::ALL.iter().map(|g| g.as_str().into()).collect() },
            )
        })
    }

    fn column(self) -> &'static str {
        match self {
            GroupBy::Unit => "unit_id",
            GroupBy::Category => "category",
            GroupBy::State => "state",
            GroupBy::Campaign => "campaign_id",
            GroupBy::Batch => "batch_id",
            GroupBy::Type => "type",
            GroupBy::Level => "level",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsGroup {
    /// The group's id or code; null for problems without one (no category, no batch).
    pub key: Option<String>,
    pub name: String,
    /// The counts, defined in `rectify_domain::figures::LedgerTally`.
    #[serde(flatten)]
    pub counts: LedgerTally,
    /// `rate` = closed ÷ total, `verified_rate` = verified ÷ total, `on_time_rate` = on_time ÷
    /// settled; each rounded half-up to 4 decimals.
    #[serde(flatten)]
    pub rates: LedgerRates,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemStats {
    /// The moment the figures were counted.
    pub as_of: Timestamp,
    pub group_by: String,
    /// Whether unit groups include their sub-units (then groups may overlap).
    pub include_sub_units: bool,
    #[serde(flatten)]
    pub counts: LedgerTally,
    #[serde(flatten)]
    pub rates: LedgerRates,
    /// Lights were computed with dates outside the loaded holiday calendars (weekends only).
    pub calendar_approximate: bool,
    pub groups: Vec<StatsGroup>,
}

record! {
    struct CountRow {
        key: Option<String>,
        total: i64,
        open: i64,
        in_progress: i64,
        reported: i64,
        closed: i64,
        verified: i64,
        reviewed: i64,
        red: i64,
        yellow: i64,
        closed_settled: i64,
        on_time: i64,
        rebounded: i64,
    }
}

/// The counts of `LedgerTally` in SQL, over the rows the list's own filter chooses. `$1` is
/// today and `$2` the first day that is not yet yellow (`LightThresholds`); the definitions
/// are the domain's (`LedgerTally::count`), and `web/tests/figures.rs` holds the two together.
const COUNTS: &str = "COUNT(*) AS total, \
    COUNT(*) FILTER (WHERE state = 'open') AS open, \
    COUNT(*) FILTER (WHERE state = 'in_progress') AS in_progress, \
    COUNT(*) FILTER (WHERE state = 'reported') AS reported, \
    COUNT(*) FILTER (WHERE state = 'closed') AS closed, \
    COUNT(*) FILTER (WHERE state = 'closed' AND close_basis = 'verified') AS verified, \
    COUNT(*) FILTER (WHERE state = 'closed' AND close_basis = 'reviewed') AS reviewed, \
    COUNT(*) FILTER (WHERE state IN ('open', 'in_progress') AND due_on < $1) AS red, \
    COUNT(*) FILTER (WHERE state IN ('open', 'in_progress') AND due_on >= $1 AND due_on < $2) AS yellow, \
    COUNT(*) FILTER (WHERE state = 'closed' AND (deadline IS NULL OR done_on IS NOT NULL)) AS closed_settled, \
    COUNT(*) FILTER (WHERE state = 'closed' AND (deadline IS NULL OR done_on <= deadline)) AS on_time, \
    COUNT(*) FILTER (WHERE reopen_count > 0) AS rebounded";

fn tally(r: &CountRow) -> LedgerTally {
    let n = |v: i64| v.max(0) as u64;
    let (total, red, yellow, closed) = (n(r.total), n(r.red), n(r.yellow), n(r.closed));
    LedgerTally {
        total,
        open: n(r.open),
        in_progress: n(r.in_progress),
        reported: n(r.reported),
        closed,
        verified: n(r.verified),
        reviewed: n(r.reviewed),
        red,
        yellow,
        green: total.saturating_sub(red + yellow),
        settled: n(r.closed_settled) + red,
        on_time: n(r.on_time),
        rebounded: n(r.rebounded),
    }
}

fn group(key: Option<String>, name: String, t: &LedgerTally) -> StatsGroup {
    StatsGroup { key, name, counts: *t, rates: t.rates() }
}

/// A group named by a wire name: its label in the catalog.
fn enum_label(by: GroupBy, key: &str) -> Option<String> {
    match by {
        GroupBy::State => label_of::<ProblemState>(key, Lang::Zh),
        GroupBy::Type => label_of::<ProblemType>(key, Lang::Zh),
        GroupBy::Level => label_of::<Level>(key, Lang::Zh),
        _ => None,
    }
}

impl Ledger<'_> {
    /// Counts the problems selected by `filter`, grouped. With `group_by = unit` and
    /// `include_sub_units`, each group is a child of `parent` (or a top-level unit) with all the
    /// units below it.
    pub async fn problem_stats(
        &self,
        actor: &Actor,
        by: GroupBy,
        filter: &ProblemFilter,
        include_sub_units: bool,
        parent: Option<UnitId>,
    ) -> StoreResult<ProblemStats> {
        authorize(actor, Permission::ViewStats, Party::Other)?;
        let reckoned = self.reference().light_thresholds().await?;
        let t = reckoned.value;
        let as_of = self.now();
        let (actor, filter) = (actor.clone(), self.search().problem_filter(filter).await?);
        let (rows, names, tree) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::problems(&mut c, &actor).await?;
                    let units = expand_units(&mut c, &filter).await?;
                    let col = by.column();
                    let mut q =
                        Q::new(format!("SELECT CAST({col} AS TEXT) AS key, {COUNTS} FROM problems WHERE 1 = 1"));
                    q = q.bind(t.today).bind(t.yellow_until);
                    push_conditions(&mut q, &filter, units.as_deref(), &scope, &t);
                    q.push(&format!(" GROUP BY {col}"));
                    let rows: Vec<CountRow> = c.fetch_all(q).await?;
                    // Labels are read in the same snapshot as the counts.
                    let names: HashMap<String, String> = match by {
                        GroupBy::Unit => {
                            unit_names(&mut c).await?.into_iter().map(|(id, n)| (id.to_string(), n)).collect()
                        }
                        GroupBy::Campaign | GroupBy::Batch => {
                            let table = if by == GroupBy::Campaign { "campaigns" } else { "batches" };
                            let pairs: Vec<(i64, String)> =
                                c.fetch_all(Q::new(format!("SELECT id, name FROM {table}"))).await?;
                            pairs.into_iter().map(|(id, n)| (id.to_string(), n)).collect()
                        }
                        _ => HashMap::new(),
                    };
                    let tree = if by == GroupBy::Unit && include_sub_units {
                        Some(crate::units::tree(&mut c).await?)
                    } else {
                        None
                    };
                    Ok((rows, names, tree))
                })
            })
            .await?;

        let mut overall = LedgerTally::default();
        for row in &rows {
            overall.add(&tally(row));
        }
        let label = |key: &Option<String>| match key {
            None => "（无）".to_owned(),
            Some(k) => names.get(k).cloned().or_else(|| enum_label(by, k)).unwrap_or_else(|| k.clone()),
        };
        let mut groups: Vec<StatsGroup> = match (by, tree) {
            (GroupBy::Unit, Some(tree)) => {
                let direct: HashMap<UnitId, LedgerTally> = rows
                    .iter()
                    .filter_map(|r| r.key.as_deref()?.parse().ok().map(|id| (UnitId(id), tally(r))))
                    .collect();
                let rolled = roll_up(&tree, &direct);
                rolled
                    .iter()
                    .filter(|(id, _)| tree.parent(**id) == parent)
                    .map(|(id, t)| {
                        let key = Some(id.to_string());
                        group(key.clone(), label(&key), t)
                    })
                    .collect()
            }
            _ => rows.iter().map(|r| group(r.key.clone(), label(&r.key), &tally(r))).collect(),
        };
        // Most problems first; ties by key so the order is stable.
        groups.sort_by(|a, b| b.counts.total.cmp(&a.counts.total).then_with(|| a.key.cmp(&b.key)));
        Ok(ProblemStats {
            as_of,
            group_by: by.as_str().into(),
            include_sub_units: by == GroupBy::Unit && include_sub_units,
            counts: overall,
            rates: overall.rates(),
            calendar_approximate: reckoned.approximate,
            groups,
        })
    }
}

impl Ledger<'_> {
    /// Problems found and closed per week over the last `weeks` weeks, for the problems selected
    /// by `filter` within the actor's scope (the dashboard's line chart). One scan: a count per
    /// week bucket, with the buckets' bounds bound as instants (China midnights).
    pub async fn problem_weeks(
        &self,
        actor: &Actor,
        filter: &ProblemFilter,
        weeks: u32,
    ) -> StoreResult<Vec<WeekPoint>> {
        authorize(actor, Permission::ViewStats, Party::Other)?;
        let t = self.reference().light_thresholds().await?.value;
        let starts = week_starts(self.today(), weeks.max(1));
        let mut bounds: Vec<Timestamp> = starts.iter().map(|d| start_of_china_day(*d)).collect();
        let end = starts.last().map(|d| *d + chrono::Days::new(7)).unwrap_or_default();
        bounds.push(start_of_china_day(end));
        let (actor, filter) = (actor.clone(), self.search().problem_filter(filter).await?);
        let (found, closed) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::problems(&mut c, &actor).await?;
                    let units = expand_units(&mut c, &filter).await?;
                    let mut per_week = Vec::new();
                    for col in ["created_at", "closed_at"] {
                        // The week index of each row, from the bound week limits.
                        let arms: String = (0..bounds.len() - 1)
                            .map(|i| format!(" WHEN {col} >= ${} AND {col} < ${} THEN {i}", i + 1, i + 2))
                            .collect();
                        let mut q = Q::new(format!(
                            "SELECT CAST(CASE{arms} END AS BIGINT) AS week, COUNT(*) AS n FROM problems WHERE {col} >= $1 AND {col} < ${}",
                            bounds.len()
                        ));
                        for at in &bounds {
                            q = q.bind(*at);
                        }
                        push_conditions(&mut q, &filter, units.as_deref(), &scope, &t);
                        q.push(" GROUP BY week");
                        let rows: Vec<(Option<i64>, i64)> = c.fetch_all(q).await?;
                        per_week.push(rows);
                    }
                    let closed = per_week.pop().unwrap_or_default();
                    let found = per_week.pop().unwrap_or_default();
                    Ok((found, closed))
                })
            })
            .await?;
        let count = |rows: &[(Option<i64>, i64)], i: usize| -> u64 {
            rows.iter().find(|(w, _)| *w == Some(i as i64)).map(|(_, n)| (*n).max(0) as u64).unwrap_or(0)
        };
        Ok(starts
            .into_iter()
            .enumerate()
            .map(|(i, week_start)| WeekPoint { week_start, found: count(&found, i), closed: count(&closed, i) })
            .collect())
    }
}
