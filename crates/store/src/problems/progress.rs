//! Progress entries with evidence attachments.

use super::get_visible;
use crate::areas::Ledger;
use crate::attachments::{metas_of_progress, require_attachable};
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::history::{self, Change};
use crate::idempotency::{Created, IdempotencyKey};
use crate::units;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Permission, authorize};
use rectify_domain::ids::{ProblemId, ProgressId};
use rectify_domain::problem::{NewProgress, ProblemState, Progress, ProgressFields};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Rule};

record! {
    struct ProgressRow {
        id: ProgressId as i64,
        problem_id: ProblemId as i64,
        on_date: NaiveDate,
        note: Option<String>,
        author: String,
        created_at: Timestamp as DateTime<Utc>,
    }
}

async fn load(c: &mut Conn<'_>, problem: ProblemId, only: Option<ProgressId>) -> StoreResult<Vec<Progress>> {
    let mut q = Q::new("SELECT id, problem_id, on_date, note, author, created_at FROM progress WHERE problem_id = $1")
        .bind(problem);
    if let Some(id) = only {
        q.push(" AND id = ").push_bind(id);
    }
    q.push(" ORDER BY on_date, id");
    let rows: Vec<ProgressRow> = c.fetch_all(q).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Progress {
            id: r.id,
            problem_id: r.problem_id,
            on: r.on_date,
            note: r.note,
            attachments: metas_of_progress(c, r.id).await?,
            author: r.author,
            created_at: r.created_at,
        });
    }
    Ok(out)
}

/// How many evidence files the problem's progress carries (a close-off needs one).
pub(crate) async fn evidence_count(c: &mut Conn<'_>, problem: ProblemId) -> StoreResult<u64> {
    let n: i64 = c
        .scalar(
            Q::new(
                "SELECT COUNT(*) FROM progress_attachments pa JOIN progress p ON p.id = pa.progress_id \
                 WHERE p.problem_id = $1",
            )
            .bind(problem),
        )
        .await?;
    Ok(n as u64)
}

/// Writes a progress entry with its evidence and records it in the problem's history (the
/// caller has checked the problem may take it).
pub(crate) async fn append(
    c: &mut Conn<'_>,
    actor: &Actor,
    problem: ProblemId,
    f: &ProgressFields,
    now: Timestamp,
) -> StoreResult<Progress> {
    let id: ProgressId = c
        .returning_id(
            Q::new(
                "INSERT INTO progress (problem_id, on_date, note, account_id, author, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(problem)
            .bind(f.on)
            .bind(f.note.clone())
            .bind(actor.account_id)
            .bind(actor.username.as_str())
            .bind(now),
        )
        .await?;
    for a in &f.attachment_ids {
        c.execute(
            Q::new("INSERT INTO progress_attachments (progress_id, attachment_id) VALUES ($1, $2)").bind(id).bind(*a),
        )
        .await?;
    }
    let entry = load(c, problem, Some(id)).await?.pop().ok_or_else(|| DomainError::not_found(Entity::Progress, id))?;
    // Progress is a change to the problem: it goes into the problem's history.
    history::record(
        c,
        actor,
        now,
        Change {
            entity: Entity::Problem,
            entity_id: problem.to_string(),
            action: "progress",
            note: entry.note.as_deref(),
            before: None,
            after: Some(&entry),
        },
    )
    .await?;
    c.execute(Q::new("UPDATE problems SET updated_at = $1 WHERE id = $2").bind(now).bind(problem)).await?;
    Ok(entry)
}

impl Ledger<'_> {
    pub async fn add_progress(
        &self,
        actor: &Actor,
        problem: ProblemId,
        input: NewProgress,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Progress>> {
        let f = input.validate(self.today())?;
        let t = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let p = get_visible(&mut c, &actor, problem, &t).await?;
                authorize(&actor, Permission::AddProgress, units::party(&mut c, &actor, p.unit_id).await?)?;
                if p.state == ProblemState::Closed {
                    return Err(DomainError::rule(Rule::ProblemClosed, "problem_id").into());
                }
                for (i, a) in f.attachment_ids.iter().enumerate() {
                    require_attachable(&mut c, &actor, *a, &format!("attachment_ids[{i}]")).await?;
                }
                append(&mut c, &actor, problem, &f, now).await
            })
        })
        .await
    }

    pub async fn list_progress(&self, actor: &Actor, problem: ProblemId) -> StoreResult<Vec<Progress>> {
        let t = self.reference().light_thresholds().await?.value;
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    get_visible(&mut c, &actor, problem, &t).await?;
                    load(&mut c, problem, None).await
                })
            })
            .await
    }
}
