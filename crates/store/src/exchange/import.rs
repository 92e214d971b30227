//! One import: every row of a file written in one transaction, or none. Rows are matched to what
//! is stored by their keys (Rectify's id from an export, the office's own number, a unit's path,
//! a person's name in a unit), so importing the same file twice changes nothing the second time.
//! A dry run, or any row in error, rolls the transaction back and reports every row's errors.

use super::{UnitIndex, cases, categories, people, problems, services, units};
use crate::areas::Exchange;
use crate::db::Conn;
use crate::error::{StoreError, StoreResult};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::exchange::{ImportOptions, ImportReport, Records, RowError};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, FieldError, Issue};
use std::collections::HashSet;
use std::sync::Arc;

/// Told how many rows are done, and of how many (the command line draws a bar with it).
pub type Progress = Arc<dyn Fn(usize, usize) + Send + Sync>;

/// Rows between two calls of [`Progress`].
const PROGRESS_EVERY: usize = 500;

/// The state of one import while its rows are written.
pub(crate) struct Run {
    pub actor: Actor,
    pub opts: ImportOptions,
    pub now: Timestamp,
    pub report: ImportReport,
    /// Rows the file reader already found wrong: they are reported, not written.
    skip: HashSet<usize>,
    progress: Option<Progress>,
    total: usize,
    done: usize,
}

impl Run {
    /// Whether `row` is to be written (rows in error at reading are not).
    pub fn takes(&self, row: usize) -> bool {
        !self.skip.contains(&row)
    }

    /// One row finished.
    pub fn tick(&mut self) {
        self.done += 1;
        if let Some(p) = &self.progress
            && (self.done.is_multiple_of(PROGRESS_EVERY) || self.done == self.total)
        {
            p(self.done, self.total);
        }
    }

    /// A bad cell of `row`.
    pub fn error(&mut self, row: usize, field: &str, value: Option<String>, issue: Issue) {
        let column = (!field.is_empty()).then(|| self.opts.header(field));
        self.report.errors.push(RowError { row, column, value, issue });
    }

    /// The history note of what a row did.
    pub fn note(&self, row: usize) -> String {
        format!("导入 {} 第{row}行", self.opts.source)
    }

    /// Turns a refusal of the domain into errors of `row` (field names become the file's
    /// headers); anything else fails the import.
    pub fn refused<T>(&mut self, row: usize, result: StoreResult<T>) -> StoreResult<Option<T>> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::Domain(e)) => {
                self.domain_error(row, e);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    pub fn domain_error(&mut self, row: usize, e: DomainError) {
        match e {
            DomainError::Invalid(fields) => {
                for FieldError { field, issue } in fields {
                    self.error(row, &import_field(&field), None, issue);
                }
            }
            DomainError::RuleViolated { rule, field } => {
                self.error(row, &import_field(&field), None, Issue::Rule { rule })
            }
            other => self.error(
                row,
                "",
                None,
                Issue::Malformed { expected: rectify_domain::Expected::Text(other.to_string()) },
            ),
        }
    }
}

/// The record field an API field stands for (`unit_id` → `unit`), for naming the file's column.
fn import_field(api_field: &str) -> String {
    let base = api_field.split(['[', '.']).next().unwrap_or(api_field);
    match base {
        "unit_id" => "unit",
        "parent_id" => "parent",
        "responsible_person_id" => "responsible",
        "leader_person_id" => "leader",
        other => other,
    }
    .to_owned()
}

impl Exchange<'_> {
    /// Imports the rows of a file. `errors` are those the file reader found; their rows are
    /// reported and not written. A dry run, or any error, writes nothing; otherwise everything
    /// is written in one transaction, with a history row per record and one audit entry for the
    /// import.
    pub async fn import(
        &self,
        actor: &Actor,
        records: Records,
        opts: ImportOptions,
        errors: Vec<RowError>,
        ignored_columns: Vec<String>,
        progress: Option<Progress>,
    ) -> StoreResult<ImportReport> {
        authorize(actor, Permission::ImportFiles, Party::Office)?;
        let dry_run = opts.dry_run;
        let input = Input { records, opts, errors, ignored_columns, progress };
        let Some(dir) = self.db.data_dir().filter(|_| dry_run) else {
            return self.import_here(actor, input).await;
        };
        // A dry run on SQLite works on a snapshot: writing its rows (to roll them back) would take
        // the only write lock for the whole file, and a server on the same data — another
        // process, or this one's writer — would wait for it or time out.
        let scratch = tempfile::Builder::new().prefix(".dry-run-").tempdir_in(dir).map_err(|e| io(dir, e))?;
        let (from, to) = (dir.to_path_buf(), scratch.path().join(crate::backup::DB_FILE));
        tokio::task::spawn_blocking(move || crate::backup::backup_sqlite(&from, &to))
            .await
            .map_err(|e| StoreError::Io(e.to_string()))??;
        let copy = crate::Store::open(
            &crate::Location::DataDir(scratch.path().to_path_buf()),
            self.clock.clone(),
            self.vault().clone(),
        )
        .await?;
        let report = copy.exchange().import_here(actor, input).await;
        copy.close().await;
        report
    }

    async fn import_here(&self, actor: &Actor, input: Input) -> StoreResult<ImportReport> {
        let Input { records, opts, errors, ignored_columns, progress } = input;
        let kind = records.kind();
        let skip: HashSet<usize> = errors.iter().map(|e| e.row).collect();
        let report = ImportReport {
            kind: kind.as_str().into(),
            dry_run: opts.dry_run,
            rows: records.len(),
            ignored_columns,
            errors,
            ..Default::default()
        };
        let case_ctx = match kind {
            rectify_domain::exchange::ImportKind::Cases => Some(self.cases().case_context().await?),
            _ => None,
        };
        let t = self.reference().light_thresholds().await?.value;
        let run =
            Run { actor: actor.clone(), now: self.now(), total: records.len(), done: 0, opts, report, skip, progress };
        let vault = self.vault().clone();
        let written = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let mut run = run;
                    let mut index = UnitIndex::load(&mut c).await?;
                    match records {
                        Records::Units(rows) => units::import(&mut c, &mut run, &mut index, rows).await?,
                        Records::People(rows) => people::import(&mut c, &mut run, &index, rows).await?,
                        Records::Problems(rows) => problems::import(&mut c, &mut run, &mut index, rows, &t).await?,
                        Records::Cases(rows) => {
                            let ctx = case_ctx.ok_or_else(|| StoreError::Io("no case context".into()))?;
                            cases::import(&mut c, &mut run, &index, rows, &ctx, &vault).await?
                        }
                        Records::Categories(rows) => categories::import(&mut c, &mut run, rows).await?,
                        Records::Services(rows) => services::import(&mut c, &mut run, &index, rows).await?,
                    }
                    finish(&mut c, run).await
                })
            })
            .await;
        match written {
            Ok(report) => Ok(report),
            Err(StoreError::ImportDiscarded(report)) => Ok(*report),
            Err(e) => Err(e),
        }
    }
}

/// What an import is given: the file's rows and what its reader found.
struct Input {
    records: Records,
    opts: ImportOptions,
    errors: Vec<RowError>,
    ignored_columns: Vec<String>,
    progress: Option<Progress>,
}

fn io(path: &std::path::Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(format!("{}: {e}", path.display()))
}

/// Keeps the import (one audit entry names the file and the counts, when it changed anything) or,
/// on a dry run or any
/// error, fails the job so that the transaction is rolled back.
async fn finish(c: &mut Conn<'_>, mut run: Run) -> StoreResult<ImportReport> {
    run.report.errors.sort_by_key(|e| e.row);
    if run.opts.dry_run || !run.report.errors.is_empty() {
        return Err(StoreError::ImportDiscarded(Box::new(run.report)));
    }
    run.report.applied = true;
    let r = &run.report;
    if r.created == 0 && r.updated == 0 && r.people_created == 0 {
        // A file that changes nothing (an export read back) is no event in the chain.
        return Ok(run.report);
    }
    let event = crate::audit::Event {
        actor: &run.actor.username,
        kind: "import",
        subject: format!("import:{}", run.report.kind),
        action: "import",
        payload: serde_json::json!({
            "source": run.opts.source,
            "rows": run.report.rows,
            "created": run.report.created,
            "updated": run.report.updated,
            "unchanged": run.report.unchanged,
            "people_created": run.report.people_created,
        }),
    };
    crate::audit::append(c, run.now, event).await?;
    Ok(run.report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_fields_name_the_file_columns() {
        assert_eq!(super::import_field("unit_id"), "unit");
        assert_eq!(super::import_field("measures[2].description"), "measures");
        assert_eq!(super::import_field("responsible_person_id"), "responsible");
        assert_eq!(super::import_field("description"), "description");
    }
}
