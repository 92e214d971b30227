//! Reminders about the ledger: a problem or measure of an owner unit due by the next working day,
//! or overdue, to the unit and the person responsible. The domain decides which
//! (`problem::reminders`); each goes out once per due date and recipient, since the outbox
//! refuses a second notice with the same key.

use crate::areas::Ledger;
use crate::db::{Q, record};
use crate::error::StoreResult;
use crate::notices;
use chrono::NaiveDate;
use rectify_domain::ids::{MeasureId, PersonId, ProblemId, UnitId};
use rectify_domain::problem::{DueItem, reminders};

record! {
    struct DueRow {
        problem: i64,
        measure: Option<i64>,
        position: Option<i64>,
        unit: i64,
        responsible: Option<i64>,
        due: NaiveDate,
    }
}

/// Problems with the unit (not yet reported done, not archived) and their unfinished measures,
/// due by `$1`.
const DUE: &str = "SELECT id AS problem, NULL AS measure, NULL AS position, unit_id AS unit, \
         responsible_person_id AS responsible, deadline AS due FROM problems \
     WHERE archived_at IS NULL AND state IN ('open', 'in_progress') AND deadline IS NOT NULL AND deadline <= $1 \
     UNION ALL \
     SELECT p.id, m.id, m.position, p.unit_id, COALESCE(m.owner_person_id, p.responsible_person_id), m.deadline \
     FROM measures m JOIN problems p ON p.id = m.problem_id \
     WHERE m.archived_at IS NULL AND m.done = $2 AND p.archived_at IS NULL AND p.state IN ('open', 'in_progress') \
       AND m.deadline IS NOT NULL AND m.deadline <= $1";

impl Ledger<'_> {
    /// Queues the ledger reminders due now; returns how many new notices were queued.
    pub async fn queue_problem_reminders(&self) -> StoreResult<u64> {
        let (now, vault) = (self.now(), self.vault.clone());
        let today = self.today();
        let soon = self.reference().calendar().await?.add_working_days(today, 1).value;
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let rows: Vec<DueRow> = c.fetch_all(Q::new(DUE).bind(soon).bind(false)).await?;
                    let mut due = Vec::new();
                    for r in rows {
                        let item = DueItem {
                            problem: ProblemId(r.problem),
                            measure: r.measure.map(|m| (MeasureId(m), r.position.unwrap_or(0) + 1)),
                            unit: UnitId(r.unit),
                            responsible: r.responsible.map(PersonId),
                            due: r.due,
                        };
                        due.extend(reminders(&item, today, soon));
                    }
                    notices::queue_to_staff(&mut c, &vault, now, due).await
                })
            })
            .await
    }
}
