//! Measures of a problem: added and changed one at a time, each change in the history.

use super::get_visible;
use super::refresh_due;
use crate::areas::Ledger;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::history::{self, Change};
use crate::idempotency::{Created, IdempotencyKey};
use crate::units;
use crate::versioned::{self, archive_action, check_version};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{MeasureId, PersonId, ProblemId};
use rectify_domain::light::LightThresholds;
use rectify_domain::problem::{
    MAX_MEASURES, Measure, MeasurePatch, NewMeasure, Problem, ProblemState, check_measure_edit,
};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue, Rule};
use std::collections::HashMap;

record! {
    struct MeasureRow {
        id: MeasureId as i64,
        problem_id: ProblemId as i64,
        description: String,
        owner_person_id: Option<PersonId> as Option<i64>,
        deadline: Option<NaiveDate>,
        done: bool,
        done_at: Option<Timestamp> as Option<DateTime<Utc>>,
        archived_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, problem_id, description, owner_person_id, deadline, done, done_at, archived_at, version, \
    created_at, updated_at";

impl MeasureRow {
    fn into_measure(self, t: &LightThresholds) -> Measure {
        let archived = self.archived_at.is_some();
        Measure {
            id: self.id,
            problem_id: self.problem_id,
            description: self.description,
            owner_person_id: self.owner_person_id,
            deadline: self.deadline,
            done: self.done,
            done_at: self.done_at,
            light: t.of_measure(self.done || archived, self.deadline),
            archived,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A problem's measures in their order, withdrawn ones included (marked archived).
pub(crate) async fn of_problem(c: &mut Conn<'_>, id: ProblemId, t: &LightThresholds) -> StoreResult<Vec<Measure>> {
    let rows: Vec<MeasureRow> = c
        .fetch_all(
            Q::new(format!("SELECT {COLUMNS} FROM measures WHERE problem_id = $1 ORDER BY position, id")).bind(id),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.into_measure(t)).collect())
}

/// The measures of several problems in one query, by problem, each list in its order.
pub(crate) async fn of_problems(
    c: &mut Conn<'_>,
    ids: &[ProblemId],
    t: &LightThresholds,
) -> StoreResult<HashMap<ProblemId, Vec<Measure>>> {
    let mut q = Q::new(format!("SELECT {COLUMNS} FROM measures WHERE "));
    q.push_in("problem_id", ids.iter().copied()).push(" ORDER BY problem_id, position, id");
    let rows: Vec<MeasureRow> = c.fetch_all(q).await?;
    let mut out: HashMap<ProblemId, Vec<Measure>> = HashMap::new();
    for r in rows {
        out.entry(r.problem_id).or_default().push(r.into_measure(t));
    }
    Ok(out)
}

async fn get(c: &mut Conn<'_>, problem: ProblemId, id: MeasureId, t: &LightThresholds) -> StoreResult<Measure> {
    let row: Option<MeasureRow> = c
        .fetch_optional(
            Q::new(format!("SELECT {COLUMNS} FROM measures WHERE id = $1 AND problem_id = $2")).bind(id).bind(problem),
        )
        .await?;
    row.map(|r| r.into_measure(t)).ok_or_else(|| DomainError::not_found(Entity::Measure, id).into())
}

/// Loads a problem the actor may edit, refusing closed ones: a closed problem is reopened first.
/// The problem whose measures the actor may edit, and the actor's party to it.
async fn editable(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: ProblemId,
    t: &LightThresholds,
) -> StoreResult<(Problem, Party)> {
    let p = get_visible(c, actor, id, t).await?;
    let party = units::party(c, actor, p.unit_id).await?;
    authorize(actor, Permission::EditProblem, party)?;
    if p.state == ProblemState::Closed {
        return Err(DomainError::rule(Rule::ProblemClosed, "problem_id").into());
    }
    Ok((p, party))
}

fn measure_change<'a>(m: &'a Measure, action: &'a str, before: Option<&'a Measure>) -> Change<'a, Measure> {
    Change { entity: Entity::Measure, entity_id: m.id.to_string(), action, note: None, before, after: Some(m) }
}

impl Ledger<'_> {
    pub async fn add_measure(
        &self,
        actor: &Actor,
        problem: ProblemId,
        input: NewMeasure,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Measure>> {
        let f = input.validate()?;
        let t = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                editable(&mut c, &actor, problem, &t).await?;
                let count: i64 =
                    c.scalar(Q::new("SELECT COUNT(*) FROM measures WHERE problem_id = $1").bind(problem)).await?;
                if count >= MAX_MEASURES as i64 {
                    return Err(DomainError::field("measures", Issue::TooMany { max: MAX_MEASURES }).into());
                }
                if let Some(p) = f.owner_person_id {
                    crate::people::require_live_person(&mut c, p, "owner_person_id").await?;
                }
                let id = super::insert_measure(&mut c, problem, count, &f, now).await?;
                refresh_due(&mut c, problem).await?;
                let m = get(&mut c, problem, id, &t).await?;
                history::record(&mut c, &actor, now, measure_change(&m, "create", None)).await?;
                Ok(m)
            })
        })
        .await
    }

    pub async fn update_measure(
        &self,
        actor: &Actor,
        problem: ProblemId,
        id: MeasureId,
        patch: MeasurePatch,
    ) -> StoreResult<Measure> {
        let t = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let (_, party) = editable(&mut c, &actor, problem, &t).await?;
                    let before = get(&mut c, problem, id, &t).await?;
                    check_version(Entity::Measure, patch.version, before.version)?;
                    let f = patch.apply(&before)?;
                    let archive = patch.archived.unwrap_or(before.archived);
                    check_measure_edit(party, &before, &f, archive)?;
                    if f.owner_person_id != before.owner_person_id
                        && let Some(p) = f.owner_person_id
                    {
                        crate::people::require_live_person(&mut c, p, "owner_person_id").await?;
                    }
                    versioned::update(
                        &mut c,
                        Entity::Measure,
                        before.version,
                        Q::new(
                            "UPDATE measures SET description = $1, owner_person_id = $2, deadline = $3, done = $4, \
                                 done_at = CASE WHEN $4 THEN COALESCE(done_at, $5) END, \
                                 archived_at = CASE WHEN $6 THEN COALESCE(archived_at, $5) END, \
                                 version = version + 1, updated_at = $5 WHERE id = $7 AND version = $8",
                        )
                        .bind(&f.description)
                        .bind(f.owner_person_id)
                        .bind(f.deadline)
                        .bind(f.done)
                        .bind(now)
                        .bind(archive)
                        .bind(id)
                        .bind(before.version),
                    )
                    .await?;
                    refresh_due(&mut c, problem).await?;
                    let after = get(&mut c, problem, id, &t).await?;
                    let action = match (before.done, after.done) {
                        (false, true) => "done",
                        (true, false) => "undone",
                        _ => archive_action(before.archived, after.archived),
                    };
                    history::record(&mut c, &actor, now, measure_change(&after, action, Some(&before))).await?;
                    Ok(after)
                })
            })
            .await
    }
}
