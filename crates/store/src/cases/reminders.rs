//! Reminders to units: a case due within a working day, and a case overdue (to sign or to
//! reply). Each goes out once per due date: the outbox refuses a second notice with the same key.

use crate::Store;
use crate::db::{Q, record};
use crate::error::StoreResult;
use crate::notices::{self, to_unit};
use chrono::NaiveDate;
use rectify_domain::ids::CaseId;

record! {
    struct Due {
        id: i64,
        state: String,
        sign_due_on: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        mailbox: Option<String>,
    }
}

impl Store {
    /// Queues the reminders due now; returns how many new notices were queued.
    pub async fn queue_case_reminders(&self) -> StoreResult<u64> {
        let (now, vault) = (self.now(), self.vault.clone());
        let today = self.today();
        let soon = self.calendar().await?.add_working_days(today, 1).value;
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let rows: Vec<Due> = c
                        .fetch_all(
                            Q::new(
                                "SELECT c.id, c.state, c.sign_due_on, c.due_on, u.mailbox FROM cases c \
                                 JOIN units u ON u.id = c.unit_id WHERE c.state IN ('assigned', 'in_progress') \
                                 AND (c.due_on <= $1 OR (c.state = 'assigned' AND c.sign_due_on < $2))",
                            )
                            .bind(soon)
                            .bind(today),
                        )
                        .await?;
                    let mut queued = 0;
                    for r in rows {
                        let id = CaseId(r.id);
                        let mut due: Vec<(&str, String, String)> = Vec::new();
                        if let Some(d) = r.sign_due_on.filter(|d| r.state == "assigned" && *d < today) {
                            let body = format!("诉求件 {id} 应于 {d} 前签收，已逾期，请立即签收办理。");
                            due.push(("签收逾期", body, format!("sign_overdue:{id}:{d}")));
                        }
                        match r.due_on {
                            Some(d) if d < today => {
                                let body = format!("诉求件 {id} 应于 {d} 前答复，已逾期，请尽快办理答复。");
                                due.push(("办理逾期", body, format!("overdue:{id}:{d}")));
                            }
                            Some(d) => {
                                let body = format!("诉求件 {id} 将于 {d} 到期，请按时答复。");
                                due.push(("即将到期", body, format!("due_soon:{id}:{d}")));
                            }
                            None => {}
                        }
                        let out = due
                            .into_iter()
                            .flat_map(|(subject, body, key)| {
                                to_unit(r.mailbox.as_deref(), id, subject, &body, Some(key))
                            })
                            .collect();
                        queued += notices::enqueue(&mut c, &vault, now, out).await?;
                    }
                    Ok(queued)
                })
            })
            .await
    }
}
