//! Importing the taxonomy (问题分类): each row's path adds its categories, the upper levels once
//! however many rows repeat them. Categories are added, never removed (cases are filed under
//! them), so importing the same file again changes nothing.

use super::import::Run;
use crate::db::Conn;
use crate::error::StoreResult;
use crate::triage;
use rectify_domain::category::Category;
use rectify_domain::exchange::{CategoryRecord, Row};
use std::collections::HashSet;

pub(crate) async fn import(c: &mut Conn<'_>, run: &mut Run, rows: Vec<Row<CategoryRecord>>) -> StoreResult<()> {
    let mut seen: HashSet<String> = HashSet::new();
    for Row { row, record } in rows {
        if run.takes(row) && !record.path.is_empty() {
            let note = run.note(row);
            let mut changed = false;
            for category in Category::along(&record.path, record.code.as_deref()) {
                // An upper level repeated by a later row is the same category.
                let first_time = seen.insert(category.key.clone());
                if first_time || category.code.is_some() {
                    let added = triage::add(c, &run.actor, run.now, &category, &note).await;
                    match run.refused(row, added)? {
                        Some(true) => changed = true,
                        Some(false) => {}
                        None => break,
                    }
                }
            }
            if changed {
                run.report.created += 1;
            } else {
                run.report.unchanged += 1;
            }
        }
        run.tick();
    }
    Ok(())
}
