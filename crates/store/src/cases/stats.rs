//! Figures of cases (`/api/v1/stats/cases`): counts and KPIs by unit, channel, type and month.
//! What each figure means is defined once, in `rectify_domain::figures::CaseTally`.

use super::{CaseFilter, push_conditions};
use crate::areas::Cases;
use crate::db::{Q, record};
use crate::error::StoreResult;
use crate::visibility;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{CaseType, Channel};
use rectify_domain::figures::{CaseRates, CaseTally};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Issue};
use rectify_i18n::{Lang, label_of};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseGroupBy {
    Unit,
    Channel,
    Type,
    Month,
    /// The first level of the category (问题分类).
    Category,
}

impl CaseGroupBy {
    pub const ALL: [CaseGroupBy; 5] =
        [CaseGroupBy::Unit, CaseGroupBy::Channel, CaseGroupBy::Type, CaseGroupBy::Month, CaseGroupBy::Category];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseGroupBy::Unit => "unit",
            CaseGroupBy::Channel => "channel",
            CaseGroupBy::Type => "type",
            CaseGroupBy::Month => "month",
            CaseGroupBy::Category => "category",
        }
    }

    pub fn parse(s: &str) -> Result<CaseGroupBy, DomainError> {
        CaseGroupBy::ALL.into_iter().find(|g| g.as_str() == s).ok_or_else(|| {
            DomainError::field(
                "group_by",
                Issue::NotOneOf { expected: CaseGroupBy::ALL.iter().map(|g| g.as_str().into()).collect() },
            )
        })
    }

    fn column(self) -> &'static str {
        match self {
            CaseGroupBy::Unit => "unit_id",
            CaseGroupBy::Channel => "channel",
            CaseGroupBy::Type => "type",
            CaseGroupBy::Month => "received_month",
            CaseGroupBy::Category => "category",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStatsGroup {
    /// The unit id, channel, type, `YYYY-MM` or first-level category; null for cases not assigned
    /// to a unit (or not categorized).
    pub key: Option<String>,
    pub name: String,
    #[serde(flatten)]
    pub counts: CaseTally,
    #[serde(flatten)]
    pub rates: CaseRates,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStats {
    pub as_of: Timestamp,
    pub group_by: String,
    #[serde(flatten)]
    pub counts: CaseTally,
    #[serde(flatten)]
    pub rates: CaseRates,
    pub groups: Vec<CaseStatsGroup>,
}

record! {
    struct Row {
        key: Option<String>,
        received: i64,
        accepted: i64,
        declined: i64,
        assigned: i64,
        sign_counted: i64,
        signed_on_time: i64,
        reply_counted: i64,
        replied_on_time: i64,
        replied: i64,
        sent_back: i64,
        reopened: i64,
        visited: i64,
        answered: i64,
        satisfied: i64,
        reply_scored: i64,
        reply_good: i64,
        reply_weak: i64,
    }
}

impl Row {
    fn tally(&self) -> CaseTally {
        let n = |v: i64| v.max(0) as u64;
        CaseTally {
            received: n(self.received),
            accepted: n(self.accepted),
            declined: n(self.declined),
            assigned: n(self.assigned),
            sign_counted: n(self.sign_counted),
            signed_on_time: n(self.signed_on_time),
            reply_counted: n(self.reply_counted),
            replied_on_time: n(self.replied_on_time),
            replied: n(self.replied),
            sent_back: n(self.sent_back),
            reopened: n(self.reopened),
            visited: n(self.visited),
            answered: n(self.answered),
            satisfied: n(self.satisfied),
            reply_scored: n(self.reply_scored),
            reply_good: n(self.reply_good),
            reply_weak: n(self.reply_weak),
        }
    }
}

impl Cases<'_> {
    /// Figures over the cases `f` lists for `actor` (a unit sees figures of its own cases).
    pub async fn case_stats(&self, actor: &Actor, by: CaseGroupBy, f: &CaseFilter) -> StoreResult<CaseStats> {
        authorize(actor, Permission::ViewStats, Party::Other)?;
        let today = self.today();
        let as_of = self.now();
        let (actor, f) = (actor.clone(), self.search().case_filter(f).await?);
        let (rows, names) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let col = by.column();
                    let mut q = Q::new(format!(
                        "SELECT CAST({col} AS TEXT) AS key, COUNT(*) AS received, \
                         COUNT(*) FILTER (WHERE accepted_at IS NOT NULL) AS accepted, \
                         COUNT(*) FILTER (WHERE state = 'declined') AS declined, \
                         COUNT(*) FILTER (WHERE assigned_at IS NOT NULL) AS assigned, \
                         COUNT(*) FILTER (WHERE sign_due_on IS NOT NULL AND (signed_on IS NOT NULL \
                           OR (state = 'assigned' AND sign_due_on < $1))) AS sign_counted, \
                         COUNT(*) FILTER (WHERE signed_on IS NOT NULL AND sign_due_on IS NOT NULL \
                           AND signed_on <= sign_due_on) AS signed_on_time, \
                         COUNT(*) FILTER (WHERE due_on IS NOT NULL AND (replied_on IS NOT NULL \
                           OR (state IN ('assigned', 'in_progress') AND due_on < $1))) AS reply_counted, \
                         COUNT(*) FILTER (WHERE replied_on IS NOT NULL AND due_on IS NOT NULL \
                           AND replied_on <= due_on) AS replied_on_time, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL) AS replied, \
                         COUNT(*) FILTER (WHERE send_back_count > 0) AS sent_back, \
                         COUNT(*) FILTER (WHERE reopen_count > 0) AS reopened, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL AND visit_count > 0) AS visited, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL AND satisfaction IS NOT NULL) AS answered, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL \
                           AND satisfaction IN ('very_satisfied', 'satisfied', 'basically_satisfied')) AS satisfied, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL AND reply_grade IS NOT NULL) AS reply_scored, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL AND reply_grade = 'good') AS reply_good, \
                         COUNT(*) FILTER (WHERE replied_at IS NOT NULL AND reply_grade = 'weak') AS reply_weak \
                         FROM cases WHERE 1 = 1"
                    ))
                    .bind(today);
                    let scope = visibility::cases(&mut c, &actor).await?;
                    push_conditions(&mut q, &f, scope.as_deref(), today);
                    q.push(&format!(" GROUP BY {col}"));
                    let rows: Vec<Row> = c.fetch_all(q).await?;
                    let names: HashMap<String, String> = if by == CaseGroupBy::Unit {
                        crate::campaigns::unit_names(&mut c)
                            .await?
                            .into_iter()
                            .map(|(id, n)| (id.to_string(), n))
                            .collect()
                    } else {
                        HashMap::new()
                    };
                    Ok((rows, names))
                })
            })
            .await?;
        let rows = if by == CaseGroupBy::Category {
            by_top(rows)
        } else {
            rows.iter().map(|r| (r.key.clone(), r.tally())).collect()
        };
        let mut total = CaseTally::default();
        let mut groups: Vec<CaseStatsGroup> = rows
            .into_iter()
            .map(|(key, counts)| {
                total.add(&counts);
                let name = match (by, key.as_deref()) {
                    (CaseGroupBy::Unit, None) => "（未派单）".to_owned(),
                    (CaseGroupBy::Category, None) => "（未分类）".to_owned(),
                    (CaseGroupBy::Unit, Some(k)) => names.get(k).cloned().unwrap_or_else(|| k.to_owned()),
                    (CaseGroupBy::Channel, Some(k)) => label_of::<Channel>(k, Lang::Zh).unwrap_or_else(|| k.to_owned()),
                    (CaseGroupBy::Type, Some(k)) => label_of::<CaseType>(k, Lang::Zh).unwrap_or_else(|| k.to_owned()),
                    (_, k) => k.unwrap_or_default().to_owned(),
                };
                CaseStatsGroup { key, name, counts, rates: counts.rates() }
            })
            .collect();
        groups.sort_by(|a, b| match by {
            CaseGroupBy::Month => a.key.cmp(&b.key),
            _ => b.counts.received.cmp(&a.counts.received).then_with(|| a.key.cmp(&b.key)),
        });
        Ok(CaseStats { as_of, group_by: by.as_str().into(), counts: total, rates: total.rates(), groups })
    }
}

/// Rows by full category folded into their first level: figures by 问题分类 count a case under
/// 城乡建设 whichever of its sub-categories it is filed under.
fn by_top(rows: Vec<Row>) -> Vec<(Option<String>, CaseTally)> {
    let mut out: Vec<(Option<String>, CaseTally)> = Vec::new();
    for r in rows {
        let top = r.key.as_deref().map(|k| rectify_domain::category::top(k).to_owned());
        match out.iter_mut().find(|(k, _)| *k == top) {
            Some((_, tally)) => tally.add(&r.tally()),
            None => out.push((top, r.tally())),
        }
    }
    out
}
