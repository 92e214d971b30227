//! Reminders to units: a case due within a working day, and a case overdue (to sign or to
//! reply). The domain decides which (`case::reminders`); each goes out once per due date, since
//! the outbox refuses a second notice with the same key.

use super::CaseRow;
use crate::areas::Cases;
use crate::db::Q;
use crate::error::StoreResult;
use crate::notices;
use rectify_domain::case::reminders;

impl Cases<'_> {
    /// Queues the reminders due now; returns how many new notices were queued.
    pub async fn queue_case_reminders(&self) -> StoreResult<u64> {
        let (now, vault) = (self.now(), self.vault.clone());
        let today = self.today();
        let soon = self.reference().calendar().await?.add_working_days(today, 1).value;
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let rows: Vec<CaseRow> = c
                        .fetch_all(
                            Q::new(format!(
                                "SELECT {} FROM cases WHERE state IN ('assigned', 'in_progress') AND unit_id IS NOT NULL \
                                 AND (due_on <= $1 OR (state = 'assigned' AND sign_due_on < $2))",
                                super::COLUMNS
                            ))
                            .bind(soon)
                            .bind(today),
                        )
                        .await?;
                    let mut queued = 0;
                    for r in rows {
                        let Some(unit) = r.unit_id else { continue };
                        let due = reminders(r.id, unit, r.state, r.sign_due_on, r.due_on, today, soon);
                        queued += notices::queue(&mut c, &vault, now, r.id, &r.sealed_contact(), due).await?;
                    }
                    Ok(queued)
                })
            })
            .await
    }
}
