//! Synthetic ledgers for benchmarks: many problems and cases inserted in large batches, without
//! history or feed rows, and the `LIKE` scan the lists used before the search index, to compare
//! with it. Never used by the product's own paths; `rectify bench` calls it to reach a million
//! rows in seconds.

use crate::Store;
use crate::areas::{Cases, Ledger, Search};
use crate::db::{Q, like_pattern};
use crate::error::StoreResult;
use chrono::{Days, NaiveDate};
use rectify_domain::case::CaseState;
use rectify_domain::ids::UnitId;
use rectify_domain::problem::ProblemState;
use rectify_domain::search::SearchKind;
use rectify_domain::time::Timestamp;

/// Rows per INSERT statement: at most 13 values each, under PostgreSQL's 65,535-parameter limit
/// and SQLite's 32,766.
const ROWS_PER_STATEMENT: usize = 2000;
/// Statements per transaction.
const STATEMENTS_PER_TX: usize = 10;

/// A small deterministic generator (xorshift), so the same seed gives the same ledger.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const CATEGORIES: [&str; 6] = ["廉政建设", "依法办事", "服务环境", "履职效率", "管理效能", "服务效果"];

impl Ledger<'_> {
    /// Inserts `count` problems spread over `units`, with states and deadlines around `today`
    /// (40% closed, the rest open, in progress or reported; deadlines ±60 days; written over the
    /// past year); `text` writes each problem's description.
    pub async fn insert_synthetic_problems(
        &self,
        units: &[UnitId],
        count: usize,
        seed: u64,
        mut text: impl FnMut() -> String + Send,
    ) -> StoreResult<()> {
        let today = self.today();
        let now = self.now();
        let mut g = Gen::new(seed);
        let header = "INSERT INTO problems (unit_id, description, level, category, type, deadline, due_on, sources, \
                      published, state, version, created_at, updated_at, closed_at, done_on, close_basis) VALUES ";
        insert_rows(self, header, count, |q| {
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
            q.push("(").push_bind(unit).push(", ").push_bind(text()).push(", 'unit', ");
            q.push_bind(CATEGORIES[g.below(6) as usize]).push(", 'time_limited', ").push_bind(due).push(", ");
            q.push_bind(due).push(", '[]', ").push_bind(g.below(2) == 0).push(", ").push_bind(state.as_str());
            // Written into the ledger over the past year; closed ones within a month of that.
            let created = written(&mut g, now);
            let age = (now.utc() - created.utc()).num_days();
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
        })
        .await
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

/// A time over the past year before `now`.
fn written(g: &mut Gen, now: Timestamp) -> Timestamp {
    Timestamp::from_utc(now.utc() - chrono::Duration::days(g.below(365) as i64))
}

/// Inserts `count` rows with `header` (`INSERT INTO … VALUES `), `row` pushing each row's
/// parenthesised values: [`ROWS_PER_STATEMENT`] rows a statement, [`STATEMENTS_PER_TX`]
/// statements a transaction.
async fn insert_rows(
    store: &Store,
    header: &'static str,
    count: usize,
    mut row: impl FnMut(&mut Q),
) -> StoreResult<()> {
    let mut left = count;
    while left > 0 {
        let mut statements = Vec::new();
        for _ in 0..STATEMENTS_PER_TX {
            if left == 0 {
                break;
            }
            let n = left.min(ROWS_PER_STATEMENT);
            left -= n;
            let mut q = Q::new(header);
            for i in 0..n {
                if i > 0 {
                    q.push(", ");
                }
                row(&mut q);
            }
            statements.push(q);
        }
        store
            .db
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

impl Cases<'_> {
    /// Inserts `count` citizens' cases received over the past year: a fifth just received (no
    /// unit yet), the rest assigned to one of `units` and in the loop or closed. `text` writes
    /// each case's title, content and category (as an import gives it: an example the triage
    /// model learns from); no contacts, no events, no feed rows (rebuild the index).
    pub async fn insert_synthetic_cases(
        &self,
        units: &[UnitId],
        count: usize,
        seed: u64,
        mut text: impl FnMut() -> (String, String, Option<String>) + Send,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut g = Gen::new(seed);
        let mut n = 0u64;
        let header = "INSERT INTO cases (tracking_code, channel, type, title, content, content_hash, urgent, unit_id, \
                      state, received_at, received_month, visit_count, reopen_count, send_back_count, version, \
                      created_at, updated_at, category, category_source) VALUES ";
        insert_rows(self, header, count, |q| {
            n += 1;
            let state = match g.below(10) {
                0..=1 => CaseState::Received,
                2 => CaseState::Assigned,
                3..=4 => CaseState::InProgress,
                5..=6 => CaseState::Replied,
                _ => CaseState::Closed,
            };
            let unit = (state != CaseState::Received).then(|| units[g.below(units.len() as u64) as usize]);
            let received = written(&mut g, now);
            let (title, content, category) = text();
            let source = category.as_ref().map(|_| "import");
            q.push("(").push_bind(format!("SYN{seed:X}-{n}")).push(", 'web', 'complaint', ").push_bind(title);
            q.push(", ").push_bind(content).push(", ").push_bind(format!("synthetic {seed} {n}"));
            q.push(", FALSE, ").push_bind(unit).push(", ").push_bind(state.as_str()).push(", ");
            q.push_bind(received).push(", ").push_bind(received.china_date().format("%Y-%m").to_string());
            q.push(", 0, 0, 0, 1, ").push_bind(received).push(", ").push_bind(received).push(", ").push_bind(category);
            q.push(", ").push_bind(source).push(")");
        })
        .await
    }
}

/// A text filter as the lists matched it before the search index (`LIKE '%word%'` on the
/// columns the lists search), for comparing the index with in the same run.
#[derive(Debug, Clone, Default)]
pub struct LikeScan {
    /// Every one must appear (a phrase is one word).
    pub words: Vec<String>,
    /// A unit-bound reader's unit: its cases, and its problems and every published one.
    pub unit: Option<UnitId>,
    pub kind: Option<SearchKind>,
    pub state: Option<String>,
}

/// A scan's answer: the rows matched and the first page of ids (newest first) of each table.
#[derive(Debug, Clone, Default)]
pub struct LikeFound {
    pub total: u64,
    pub first_page: Vec<i64>,
}

impl Search<'_> {
    /// Counts the cases and problems `scan` matches and reads the first page (20 newest ids) of
    /// each, as a list page with its count does.
    pub async fn like_scan(&self, scan: &LikeScan) -> StoreResult<LikeFound> {
        let mut found = LikeFound::default();
        for kind in [SearchKind::Case, SearchKind::Problem] {
            if scan.kind.is_some_and(|k| k != kind) {
                continue;
            }
            let (table, columns): (&str, &[&str]) = match kind {
                SearchKind::Case => ("cases", &["content", "title"]),
                _ => ("problems", &["description", "category", "root_cause"]),
            };
            let condition = |q: &mut Q| {
                q.push(" WHERE 1 = 1");
                if let Some(state) = &scan.state {
                    q.push(" AND state = ").push_bind(state.clone());
                }
                if let Some(unit) = scan.unit {
                    q.push(" AND (unit_id = ").push_bind(unit);
                    q.push(if kind == SearchKind::Problem { " OR (published AND archived_at IS NULL))" } else { ")" });
                }
                for word in &scan.words {
                    let pattern = like_pattern(word);
                    for (i, column) in columns.iter().enumerate() {
                        q.push(if i == 0 { " AND (" } else { " OR " });
                        q.push(column).push(" LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
                    }
                    q.push(")");
                }
            };
            let mut count = Q::new(format!("SELECT COUNT(*) FROM {table}"));
            condition(&mut count);
            let mut page = Q::new(format!("SELECT id FROM {table}"));
            condition(&mut page);
            page.push(" ORDER BY id DESC LIMIT 20");
            let total: i64 = self.db.scalar(count).await?;
            found.total += total.max(0) as u64;
            found.first_page.extend(self.db.fetch_all::<(i64,)>(page).await?.into_iter().map(|r| r.0));
        }
        Ok(found)
    }
}
