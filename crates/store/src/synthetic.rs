//! Synthetic ledgers for benchmarks: many problems inserted in large batches, without history.
//! Never used by the product's own paths; `rectify bench` calls it to reach a million rows in
//! seconds.

use crate::areas::Ledger;
use crate::db::Q;
use crate::error::StoreResult;
use chrono::{Days, NaiveDate};
use rectify_domain::ids::UnitId;
use rectify_domain::problem::ProblemState;
use rectify_domain::time::Timestamp;

/// Rows per INSERT statement: 13 values each, under PostgreSQL's 65,535-parameter limit.
const ROWS_PER_STATEMENT: usize = 2000;
/// Statements per transaction.
const STATEMENTS_PER_TX: usize = 10;

/// A small deterministic generator (xorshift), so the same seed gives the same ledger.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const CATEGORIES: [&str; 6] = ["廉政建设", "依法办事", "服务环境", "履职效率", "管理效能", "服务效果"];

impl Ledger<'_> {
    /// Inserts `count` problems spread over `units`, with states and deadlines around `today`
    /// (40% closed, the rest open, in progress or reported; deadlines ±60 days; written over the
    /// past year).
    pub async fn insert_synthetic_problems(&self, units: &[UnitId], count: usize, seed: u64) -> StoreResult<()> {
        let today = self.today();
        let now = self.now();
        let mut g = Gen(seed | 1);
        let mut left = count;
        while left > 0 {
            let mut statements = Vec::new();
            for _ in 0..STATEMENTS_PER_TX {
                if left == 0 {
                    break;
                }
                let n = left.min(ROWS_PER_STATEMENT);
                left -= n;
                let mut q = Q::new(
                    "INSERT INTO problems (unit_id, description, level, category, type, deadline, due_on, sources, \
                     published, state, version, created_at, updated_at, closed_at, done_on, close_basis) VALUES ",
                );
                for i in 0..n {
                    if i > 0 {
                        q.push(", ");
                    }
                    let unit = units[g.below(units.len() as u64) as usize];
                    let state = match g.below(10) {
                        0..=3 => ProblemState::Closed,
                        4..=5 => ProblemState::Open,
                        6..=8 => ProblemState::InProgress,
                        _ => ProblemState::Reported,
                    };
                    let offset = g.below(120);
                    let due: NaiveDate = if offset < 60 {
                        today.checked_sub_days(Days::new(60 - offset)).unwrap_or(today)
                    } else {
                        today.checked_add_days(Days::new(offset - 60)).unwrap_or(today)
                    };
                    q.push("(").push_bind(unit).push(", ").push_bind("合成的基准测试问题描述").push(", 'unit', ");
                    q.push_bind(CATEGORIES[g.below(6) as usize]).push(", 'time_limited', ").push_bind(due).push(", ");
                    q.push_bind(due).push(", '[]', ").push_bind(g.below(2) == 0).push(", ").push_bind(state.as_str());
                    // Written into the ledger over the past year; closed ones within a month of that.
                    let age = g.below(365) as i64;
                    let created = Timestamp::from_utc(now.utc() - chrono::Duration::days(age));
                    let closed = (state == ProblemState::Closed).then(|| {
                        Timestamp::from_utc(created.utc() + chrono::Duration::days(g.below(age.max(1) as u64) as i64))
                    });
                    q.push(", 1, ")
                        .push_bind(created)
                        .push(", ")
                        .push_bind(created)
                        .push(", ")
                        .push_bind(closed)
                        .push(", ")
                        .push_bind(closed.map(|c| c.china_date()))
                        .push(", ")
                        .push_bind(closed.map(|_| "verified"))
                        .push(")");
                }
                statements.push(q);
            }
            self.db
                .write(move |tx| {
                    Box::pin(async move {
                        for q in statements {
                            tx.conn().execute(q).await?;
                        }
                        Ok(())
                    })
                })
                .await?;
        }
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk load.
    pub async fn analyze(&self) -> StoreResult<()> {
        self.db
            .write(|tx| {
                Box::pin(async move {
                    tx.conn().execute(Q::new("ANALYZE")).await?;
                    Ok(())
                })
            })
            .await
    }
}
