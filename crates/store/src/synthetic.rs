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
async fn insert_rows(store: &Store, header: &'static str, count: usize, row: impl FnMut(&mut Q)) -> StoreResult<()> {
    insert_rows_by(store, header, count, ROWS_PER_STATEMENT, row).await
}

/// [`insert_rows`] with `per_statement` rows a statement, for rows of more values.
async fn insert_rows_by(
    store: &Store,
    header: &'static str,
    count: usize,
    per_statement: usize,
    mut row: impl FnMut(&mut Q),
) -> StoreResult<()> {
    let mut left = count;
    while left > 0 {
        let mut statements = Vec::new();
        for _ in 0..STATEMENTS_PER_TX {
            if left == 0 {
                break;
            }
            let n = left.min(per_statement);
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

/// Words the synthetic catalog's item names are made of: what a search for `社会保障卡` finds is a
/// tenth of them.
const ITEM_SUBJECTS: [&str; 10] = [
    "社会保障卡",
    "营业执照",
    "医疗保险",
    "养老保险",
    "婚姻登记",
    "不动产",
    "户籍",
    "出入境证件",
    "住房公积金",
    "残疾人证",
];
const ITEM_ACTS: [&str; 8] = ["申领", "变更", "注销", "补办", "查询", "登记", "核发", "备案"];

impl crate::areas::Services<'_> {
    /// Inserts `count` published service items spread over `units` (named from a small
    /// vocabulary, two materials, three steps, a promise of 1–10 working days), each with its
    /// first version. Returns their ids with their units and promises.
    pub async fn insert_synthetic_items(
        &self,
        units: &[UnitId],
        count: usize,
        seed: u64,
    ) -> StoreResult<Vec<(rectify_domain::ids::ServiceItemId, UnitId, u32)>> {
        use rectify_domain::service::catalog::{Delivery, Material, MaterialForm, ServiceItemFields, ServiceKind};
        let now = self.now();
        let first: i64 = self.db.scalar(Q::new("SELECT COALESCE(MAX(id), 0) FROM service_items")).await?;
        let mut g = Gen::new(seed);
        let items: Vec<(ServiceItemFields, u32)> = (0..count)
            .map(|n| {
                let promised = 1 + g.below(10) as u32;
                let unit = units[g.below(units.len() as u64) as usize];
                let name = format!(
                    "{}{}（{n}）",
                    ITEM_SUBJECTS[g.below(ITEM_SUBJECTS.len() as u64) as usize],
                    ITEM_ACTS[g.below(ITEM_ACTS.len() as u64) as usize]
                );
                let material = |name: &str| Material {
                    name: name.into(),
                    form: MaterialForm::Original,
                    count: 1,
                    source: None,
                    optional: false,
                };
                let fields = ServiceItemFields {
                    code: format!("SYN{seed:X}-{n:06}"),
                    name,
                    kind: ServiceKind::Public,
                    unit_id: unit,
                    window: Some(format!("{}号窗口", 1 + n % 20)),
                    staff: Vec::new(),
                    place: None,
                    hours: None,
                    materials: vec![material("居民身份证"), material("申请表")],
                    steps: vec!["申请".into(), "受理".into(), "办结".into()],
                    legal_limit_days: promised * 2,
                    promised_limit_days: promised,
                    fees: None,
                    fee_basis: None,
                    legal_basis: None,
                    max_visits: 1,
                    delivery: Delivery::Window,
                    lists: vec!["最多跑一次".into()],
                };
                (fields, promised)
            })
            .collect();
        let json: Vec<String> =
            items.iter().map(|(f, _)| crate::inspections::to_json(f)).collect::<StoreResult<_>>()?;
        let mut i = 0;
        insert_rows(
            self,
            "INSERT INTO service_items (id, code, name, kind, unit_id, delivery, max_visits, lists, item, published, \
             version, created_at, updated_at, window_name) VALUES ",
            count,
            |q| {
                let (f, _) = &items[i];
                q.push("(").push_bind(first + 1 + i as i64).push(", ").push_bind(f.code.clone());
                q.push(", ").push_bind(f.name.clone()).push(", 'public', ").push_bind(f.unit_id);
                q.push(", 'window', 1, '[\"最多跑一次\"]', ").push_bind(json[i].clone());
                q.push(", TRUE, 1, ").push_bind(now).push(", ").push_bind(now).push(", ");
                q.push_bind(f.window.clone()).push(")");
                i += 1;
            },
        )
        .await?;
        let mut i = 0;
        insert_rows(
            self,
            "INSERT INTO service_item_versions (item_id, version, item, reason, written_by, written_at) VALUES ",
            count,
            |q| {
                q.push("(").push_bind(first + 1 + i as i64).push(", 1, ").push_bind(json[i].clone());
                q.push(", NULL, NULL, ").push_bind(now).push(")");
                i += 1;
            },
        )
        .await?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, (f, promised))| (rectify_domain::ids::ServiceItemId(first + 1 + i as i64), f.unit_id, *promised))
            .collect())
    }

    /// Inserts `count` service cases of `items` received over the past year (80% done, most
    /// within the promise, 2% refused, the rest open), with what the figures count kept as the
    /// ledger keeps it; one applicant sealed once for all (the bench reads no applicant).
    pub async fn insert_synthetic_service_cases(
        &self,
        items: &[(rectify_domain::ids::ServiceItemId, UnitId, u32)],
        people: &[rectify_domain::ids::PersonId],
        count: usize,
        seed: u64,
    ) -> StoreResult<()> {
        let now = self.now();
        let vault = self.vault().clone();
        let name = vault.seal(crate::pii::APPLICANT_NAME, "基准测试");
        let phone = vault.seal(crate::pii::APPLICANT_PHONE, "13900000000");
        let mut g = Gen::new(seed);
        let mut n = 0u64;
        let header = "INSERT INTO service_cases (tracking_code, item_id, item_version, unit_id, channel, state, \
                      applicant_name, applicant_phone, responsible_id, received_at, received_month, accepted_on, \
                      done_on, suspensions, steps_done, notices_given, visits, over_visits, worked_days, \
                      promised_due, promised_days, legal_days, version, created_at, updated_at) VALUES ";
        // 17 values a row: a thousand rows stay under SQLite's 32,766 parameters.
        insert_rows_by(self, header, count, 1000, |q| {
            n += 1;
            let (item, unit, promised) = items[g.below(items.len() as u64) as usize];
            let received = written(&mut g, now);
            let day = received.china_date();
            let (state, worked) = match g.below(100) {
                0..=79 => (
                    "done",
                    Some(if g.below(100) == 0 { promised + 1 } else { g.below(u64::from(promised) + 1) as u32 }),
                ),
                80..=81 => ("refused", Some(0)),
                82..=91 => ("in_process", None),
                92..=94 => ("suspended", None),
                _ => ("received", None),
            };
            let accepted = (state != "received").then_some(day);
            // Calendar days for working days, roughly (the bench counts rows, not days).
            let days = |w: u32| day.checked_add_days(Days::new(u64::from(w) * 7 / 5)).unwrap_or(day);
            let done_on = worked.map(days);
            let due = (state == "in_process").then(|| days(promised));
            let responsible = people[g.below(people.len() as u64) as usize];
            q.push("(").push_bind(format!("SYN{seed:X}S{n}")).push(", ").push_bind(item).push(", 1, ");
            q.push_bind(unit).push(", 'window', ").push_bind(state).push(", ").push_bind(name.clone());
            q.push(", ").push_bind(phone.clone()).push(", ").push_bind(responsible).push(", ").push_bind(received);
            q.push(", ").push_bind(day.format("%Y-%m").to_string()).push(", ").push_bind(accepted);
            q.push(", ").push_bind(done_on).push(", '[]', '[]', 0, 1, FALSE, ").push_bind(worked.map(i64::from));
            q.push(", ").push_bind(due).push(", ").push_bind(i64::from(promised)).push(", ");
            q.push_bind(i64::from(promised * 2)).push(", 1, ").push_bind(received).push(", ").push_bind(received);
            q.push(")");
        })
        .await?;
        // The rows bypassed the ledger's steps: the figures are counted once, over all of them.
        self.db.write(|tx| Box::pin(async move { super::services::rebuild_tallies(&mut tx.conn()).await })).await
    }
}
