//! Findings: what an inspection group found at a unit, written into the ledger as a problem of
//! that unit with a link back to the round.

use super::rounds::{self, groups, own_group, targets_visible};
use super::{actor_person, from_json, page_of, plans, to_json};
use crate::areas::Inspections;
use crate::attachments::require_attachable;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Page, PageRequest};
use crate::problems::{check_refs, insert_new};
use crate::versioned::created;
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::ids::{AccountId, AttachmentId, FindingId, PersonId, PlanId, ProblemId, RoundId, UnitId};
use rectify_domain::inspection::round::fire;
use rectify_domain::inspection::{Finding, FindingFields, NewFinding, Plan, RoundFacts, RoundParty, RoundRequest};
use rectify_domain::light::LightThresholds;
use rectify_domain::problem::{NewProblem, ProblemType, SourceKind};
use rectify_domain::time::{Timestamp, china_date};
use rectify_domain::{DomainError, Entity};

record! {
    struct FindingRow {
        id: i64,
        round_id: i64,
        unit_id: i64,
        inspector_person_id: Option<i64>,
        answers: String,
        note: Option<String>,
        aspect: String,
        found_at: DateTime<Utc>,
        problem_id: Option<i64>,
        recorded_by: Option<i64>,
        created_at: DateTime<Utc>,
    }
}

const COLUMNS: &str =
    "id, round_id, unit_id, inspector_person_id, answers, note, aspect, found_at, problem_id, recorded_by, created_at";

async fn assemble(c: &mut Conn<'_>, r: FindingRow) -> StoreResult<Finding> {
    let files: Vec<(i64,)> = c
        .fetch_all(
            Q::new("SELECT attachment_id FROM finding_attachments WHERE finding_id = $1 ORDER BY attachment_id")
                .bind(r.id),
        )
        .await?;
    Ok(Finding {
        id: FindingId(r.id),
        round_id: RoundId(r.round_id),
        unit_id: UnitId(r.unit_id),
        inspector_person_id: r.inspector_person_id.map(PersonId),
        answers: from_json(&r.answers, "finding answers")?,
        note: r.note,
        aspect: r.aspect,
        found_at: Timestamp::from_utc(r.found_at),
        problem_id: r.problem_id.map(ProblemId),
        attachment_ids: files.into_iter().map(|(a,)| AttachmentId(a)).collect(),
        created_at: Timestamp::from_utc(r.created_at),
    })
}

/// Writes the problem a finding makes: the inspected unit's, source 督查发现, category the
/// aspect, deadline the plan's working days after the visit.
async fn file_problem(
    c: &mut Conn<'_>,
    actor: &Actor,
    plan: &Plan,
    f: &FindingFields,
    calendar: &WorkCalendar,
    t: &LightThresholds,
    now: Timestamp,
) -> StoreResult<ProblemId> {
    let found_at = f.found_at.unwrap_or(now);
    let deadline = calendar.add_working_days(china_date(found_at.utc()), plan.deadline_working_days).value;
    let (mut fields, measures) = NewProblem {
        description: Some(f.description(&plan.theme)),
        unit_id: Some(f.unit_id),
        category: f.aspect.clone(),
        problem_type: Some(ProblemType::TimeLimited),
        deadline: Some(deadline),
        campaign_id: plan.campaign_id,
        sources: vec![SourceKind::Inspection],
        ..Default::default()
    }
    .validate()?;
    check_refs(c, &mut fields).await?;
    Ok(insert_new(c, actor, &fields, &measures, &[], None, t, now).await?.id)
}

/// Writes the problems of a covert round's findings once the round has ended, each in the name
/// of the inspector who recorded it (`actor`, who ended the round, if that account is gone).
pub(crate) async fn file_held_findings(
    c: &mut Conn<'_>,
    actor: &Actor,
    round: RoundId,
    plan: &Plan,
    calendar: &WorkCalendar,
    t: &LightThresholds,
    now: Timestamp,
) -> StoreResult<()> {
    let held: Vec<FindingRow> = c
        .fetch_all(
            Q::new(format!("SELECT {COLUMNS} FROM findings WHERE round_id = $1 AND problem_id IS NULL ORDER BY id"))
                .bind(round),
        )
        .await?;
    for r in held {
        let inspector = match r.recorded_by {
            Some(id) => crate::accounts::actor_of(c, AccountId(id)).await?,
            None => None,
        };
        let f = FindingFields {
            unit_id: UnitId(r.unit_id),
            answers: from_json(&r.answers, "finding answers")?,
            note: r.note,
            aspect: Some(r.aspect),
            found_at: Some(Timestamp::from_utc(r.found_at)),
            attachment_ids: Vec::new(),
        };
        let problem = file_problem(c, inspector.as_ref().unwrap_or(actor), plan, &f, calendar, t, now).await?;
        c.execute(Q::new("UPDATE findings SET problem_id = $1 WHERE id = $2").bind(problem).bind(r.id)).await?;
    }
    Ok(())
}

/// Refuses a reader who may not see this round's targets (a covert round before its end).
async fn require_visible(c: &mut Conn<'_>, actor: &Actor, round: RoundId) -> StoreResult<()> {
    let r = rounds::row(c, round).await?;
    let plan = plans::require(c, PlanId(r.plan_id)).await?;
    let drawn = groups(c, round).await?;
    if targets_visible(c, actor, plan.covert, r.status()?, &drawn).await? {
        Ok(())
    } else {
        Err(DomainError::Forbidden(rectify_domain::Denial::CovertRound).into())
    }
}

impl Inspections<'_> {
    /// Records a finding and writes its problem (source 督查发现, deadline from the plan's
    /// default) in the same transaction. An inspector records for the units of their own group;
    /// the office for any unit of an overt round.
    pub async fn record_finding(
        &self,
        actor: &Actor,
        round_id: RoundId,
        input: NewFinding,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Finding>> {
        authorize(actor, Permission::RecordFindings, Party::Other)?;
        let t = self.reference().light_thresholds().await?.value;
        let calendar = self.reference().calendar().await?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let r = rounds::row(&mut c, round_id).await?;
                let plan = plans::require(&mut c, PlanId(r.plan_id)).await?;
                let drawn = groups(&mut c, round_id).await?;
                let mine = own_group(&mut c, &actor, &drawn).await?;
                let facts = RoundFacts { status: r.status()?, covert: plan.covert, groups: &drawn, own_group: mine };
                let d =
                    fire(&facts, RoundParty::of(&actor, mine), RoundRequest::RecordFinding { unit: input.unit_id })?;
                let f = input.validate(&plan.checklist)?;
                for (i, a) in f.attachment_ids.iter().enumerate() {
                    require_attachable(&mut c, &actor, *a, &format!("attachment_ids[{i}]")).await?;
                }
                let found_at = f.found_at.unwrap_or(now);
                let aspect = f.aspect.clone().or(plan.category.clone()).unwrap_or(plan.theme.clone());
                let problem = if d.file_problem {
                    let f = FindingFields { aspect: Some(aspect.clone()), found_at: Some(found_at), ..f.clone() };
                    Some(file_problem(&mut c, &actor, &plan, &f, &calendar, &t, now).await?)
                } else {
                    None
                };
                let person = actor_person(&mut c, &actor).await?;
                let id: i64 = c
                    .scalar(
                        Q::new(
                            "INSERT INTO findings (round_id, unit_id, inspector_person_id, answers, note, aspect, \
                             found_at, problem_id, recorded_by, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                        )
                        .bind(round_id)
                        .bind(f.unit_id)
                        .bind(person)
                        .bind(to_json(&f.answers)?)
                        .bind(f.note.clone())
                        .bind(aspect)
                        .bind(found_at)
                        .bind(problem)
                        .bind(actor.account_id)
                        .bind(now),
                    )
                    .await?;
                for a in &f.attachment_ids {
                    c.execute(
                        Q::new("INSERT INTO finding_attachments (finding_id, attachment_id) VALUES ($1, $2)")
                            .bind(id)
                            .bind(*a),
                    )
                    .await?;
                }
                let finding = read(&mut c, FindingId(id)).await?;
                created(&mut c, &actor, now, Entity::Finding, id, finding).await
            })
        })
        .await
    }

    /// A round's findings, for those who may see its targets.
    /// A round's findings in the order they were recorded.
    pub async fn list_findings(&self, actor: &Actor, round: RoundId, page: &PageRequest) -> StoreResult<Page<Finding>> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let (actor, page) = (actor.clone(), page.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    require_visible(&mut c, &actor, round).await?;
                    let mut q = Q::new(format!("SELECT {COLUMNS} FROM findings WHERE round_id = $1")).bind(round);
                    if let Some(after) = &page.after {
                        q.push(" AND id > ").push_bind(after.id);
                    }
                    q.push(" ORDER BY id LIMIT ").push_bind(i64::from(page.limit) + 1);
                    let rows: Vec<FindingRow> = c.fetch_all(q).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        out.push((r.id, assemble(&mut c, r).await?));
                    }
                    page_of(&page, out)
                })
            })
            .await
    }

    pub async fn get_finding(&self, actor: &Actor, id: FindingId) -> StoreResult<Finding> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let f = read(&mut c, id).await?;
                    require_visible(&mut c, &actor, f.round_id).await?;
                    Ok(f)
                })
            })
            .await
    }
}

async fn read(c: &mut Conn<'_>, id: FindingId) -> StoreResult<Finding> {
    let r: Option<FindingRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM findings WHERE id = $1")).bind(id)).await?;
    let r = r.ok_or_else(|| DomainError::not_found(Entity::Finding, id))?;
    assemble(c, r).await
}
