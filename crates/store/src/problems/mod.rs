//! The ledger: problems and their measures, progress and history.

mod filter;
mod measures;
mod plan;
mod progress;
mod reminders;
mod transitions;

pub(crate) use progress::append as append_progress;
pub(crate) use transitions::{Move, fire_in, record_imported_state};

pub use crate::visibility::Scope;
pub use filter::ProblemFilter;
pub(crate) use filter::push_conditions;

use crate::areas::Ledger;
use crate::campaigns::{get_batch, require_live_campaign};
use crate::db::{Conn, Json, Q, record};
use crate::error::{StoreError, StoreResult};
use crate::history::{self, Change};
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Cursor, Page, PageRequest};
use crate::people::require_live_person;
use crate::units::{self, require_live};
use crate::versioned::{self, archive_action};
use crate::visibility;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Permission, authorize};
use rectify_domain::extension::{Extension, ExtensionStatus};
use rectify_domain::figures::CloseBasis;
use rectify_domain::history::HistoryEntry;
use rectify_domain::ids::{BatchId, CampaignId, MeasureId, PersonId, ProblemId, UnitId};
use rectify_domain::light::{LightThresholds, effective_due};
use rectify_domain::problem::{
    Level, MeasureFields, NewProblem, Problem, ProblemFields, ProblemPatch, ProblemState, ProblemType, SourceKind,
};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue, Rule};

record! {
    pub(crate) struct ProblemRow {
        id: ProblemId as i64,
        unit_id: UnitId as i64,
        description: String,
        responsible_person_id: Option<PersonId> as Option<i64>,
        leader_person_id: Option<PersonId> as Option<i64>,
        level: Level as String,
        category: Option<String>,
        problem_type: ProblemType as String,
        root_cause: Option<String>,
        deadline: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        campaign_id: Option<CampaignId> as Option<i64>,
        batch_id: Option<BatchId> as Option<i64>,
        sources: Vec<SourceKind> as Json,
        published: bool,
        state: ProblemState as String,
        archived_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
        reported_at: Option<Timestamp> as Option<DateTime<Utc>>,
        closed_at: Option<Timestamp> as Option<DateTime<Utc>>,
        reference: Option<String>,
        done_on: Option<NaiveDate>,
        close_basis: Option<CloseBasis> as Option<String>,
        reopen_count: i64,
        extension_due: Option<NaiveDate>,
        extension_reason: Option<String>,
        extension_requested_at: Option<Timestamp> as Option<DateTime<Utc>>,
        extension_status: Option<ExtensionStatus> as Option<String>,
        extended_from: Option<NaiveDate>,
    }
}

pub(crate) const COLUMNS: &str = "id, unit_id, description, responsible_person_id, leader_person_id, level, category, \
    type AS problem_type, root_cause, deadline, due_on, campaign_id, batch_id, sources, published, state, archived_at, \
    version, created_at, updated_at, reported_at, closed_at, ref AS reference, done_on, close_basis, reopen_count, \
    extension_due, extension_reason, extension_requested_at, extension_status, extended_from";

impl ProblemRow {
    /// The problem as read, lit on the day of `t` (without its measures and cases).
    pub(crate) fn into_problem(self, t: &LightThresholds) -> Problem {
        Problem {
            id: self.id,
            reference: self.reference,
            description: self.description,
            unit_id: self.unit_id,
            responsible_person_id: self.responsible_person_id,
            leader_person_id: self.leader_person_id,
            level: self.level,
            category: self.category,
            problem_type: self.problem_type,
            root_cause: self.root_cause,
            deadline: self.deadline,
            due_on: self.due_on,
            campaign_id: self.campaign_id,
            batch_id: self.batch_id,
            sources: self.sources,
            published: self.published,
            light: t.of_problem(self.state, self.due_on),
            state: self.state,
            archived: self.archived_at.is_some(),
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
            reported_at: self.reported_at,
            closed_at: self.closed_at,
            done_on: self.done_on,
            close_basis: self.close_basis,
            reopen_count: self.reopen_count,
            extension: Extension::from_columns(
                self.extension_due,
                self.extension_reason,
                self.extension_requested_at,
                self.extension_status,
            ),
            extended_from: self.extended_from,
            measures: None,
            case_ids: None,
        }
    }
}

/// One problem with its measures, as the detail view and history show it.
pub(crate) async fn get(c: &mut Conn<'_>, id: ProblemId, t: &LightThresholds) -> StoreResult<Option<Problem>> {
    let row: Option<ProblemRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM problems WHERE id = $1")).bind(id)).await?;
    let Some(row) = row else { return Ok(None) };
    let mut p = row.into_problem(t);
    p.measures = Some(measures::of_problem(c, id, t).await?);
    let cases = c
        .fetch_ids(Q::new("SELECT case_id FROM problem_cases WHERE problem_id = $1 ORDER BY case_id").bind(id))
        .await?;
    p.case_ids = Some(cases);
    Ok(Some(p))
}

/// A problem the actor may see, or "not found" (a hidden problem does not admit it exists).
pub(crate) async fn get_visible(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: ProblemId,
    t: &LightThresholds,
) -> StoreResult<Problem> {
    let p = get(c, id, t).await?.ok_or_else(|| DomainError::not_found(Entity::Problem, id))?;
    if visibility::may_see_problem(c, actor, p.unit_id, p.published).await? {
        Ok(p)
    } else {
        Err(DomainError::not_found(Entity::Problem, id).into())
    }
}

/// Checks every reference of a problem's fields; fills in the campaign from the batch.
pub(crate) async fn check_refs(c: &mut Conn<'_>, f: &mut ProblemFields) -> StoreResult<()> {
    require_live(c, f.unit_id, "unit_id").await?;
    if let Some(p) = f.responsible_person_id {
        require_live_person(c, p, "responsible_person_id").await?;
    }
    if let Some(p) = f.leader_person_id {
        require_live_person(c, p, "leader_person_id").await?;
    }
    if let Some(b) = f.batch_id {
        let batch = get_batch(c, b).await?.ok_or_else(|| DomainError::unknown("batch_id", Entity::Batch))?;
        match f.campaign_id {
            None => f.campaign_id = Some(batch.campaign_id),
            Some(cid) if cid != batch.campaign_id => {
                return Err(DomainError::rule(Rule::BatchNotInCampaign, "batch_id").into());
            }
            Some(_) => {}
        }
    }
    if let Some(cid) = f.campaign_id {
        require_live_campaign(c, cid, "campaign_id").await?;
    }
    Ok(())
}

/// Two items of one campaign cannot share a number (编号).
pub(crate) fn duplicate_reference(e: StoreError) -> StoreError {
    if e.is_unique_violation() { DomainError::field("reference", Issue::Duplicate).into() } else { e }
}

/// Sources are stored as a JSON list of their wire names (read back through `Json`).
fn sources_json(s: &[SourceKind]) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "[]".into())
}

/// Recomputes a problem's effective due date from its deadline and unfinished measures.
pub(crate) async fn refresh_due(c: &mut Conn<'_>, id: ProblemId) -> StoreResult<()> {
    let deadline: Option<NaiveDate> = c.scalar(Q::new("SELECT deadline FROM problems WHERE id = $1").bind(id)).await?;
    let open: Vec<(Option<NaiveDate>, bool)> = c
        .fetch_all(Q::new("SELECT deadline, done FROM measures WHERE problem_id = $1 AND archived_at IS NULL").bind(id))
        .await?;
    let due = effective_due(deadline, open);
    c.execute(Q::new("UPDATE problems SET due_on = $1 WHERE id = $2").bind(due).bind(id)).await?;
    Ok(())
}

pub(crate) async fn insert_measure(
    c: &mut Conn<'_>,
    problem: ProblemId,
    position: i64,
    m: &MeasureFields,
    now: Timestamp,
) -> StoreResult<MeasureId> {
    if let Some(p) = m.owner_person_id {
        require_live_person(c, p, &format!("measures[{position}].owner_person_id")).await?;
    }
    c.returning_id(
        Q::new(
            "INSERT INTO measures (problem_id, position, description, owner_person_id, deadline, done, done_at, \
                 version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id",
        )
        .bind(problem)
        .bind(position)
        .bind(&m.description)
        .bind(m.owner_person_id)
        .bind(m.deadline)
        .bind(m.done)
        .bind(m.done.then_some(now))
        .bind(now),
    )
    .await
}

/// Writes a checked new problem inside the caller's transaction (the caller has checked the
/// references and authorized the actor): the problem, its first measures and linked cases, and
/// the history row.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_new(
    c: &mut Conn<'_>,
    actor: &Actor,
    fields: &ProblemFields,
    measures: &[MeasureFields],
    case_ids: &[rectify_domain::ids::CaseId],
    note: Option<&str>,
    t: &LightThresholds,
    now: Timestamp,
) -> StoreResult<Problem> {
    let due = effective_due(fields.deadline, measures.iter().map(|m| (m.deadline, m.done)));
    // RETURNING gives the stored row back without another round trip.
    let row: ProblemRow = c
        .fetch_one(
            Q::new(format!(
                "INSERT INTO problems (unit_id, description, responsible_person_id, leader_person_id, \
                     level, \
                     category, type, root_cause, deadline, due_on, campaign_id, batch_id, sources, published, \
                     state, version, created_by, created_at, updated_at, ref) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                     $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $17, $18) RETURNING {COLUMNS}"
            ))
            .bind(fields.unit_id)
            .bind(&fields.description)
            .bind(fields.responsible_person_id)
            .bind(fields.leader_person_id)
            .bind(fields.level.as_str())
            .bind(fields.category.clone())
            .bind(fields.problem_type.as_str())
            .bind(fields.root_cause.clone())
            .bind(fields.deadline)
            .bind(due)
            .bind(fields.campaign_id)
            .bind(fields.batch_id)
            .bind(sources_json(&fields.sources))
            .bind(fields.published)
            .bind(ProblemState::Open.as_str())
            .bind(actor.account_id)
            .bind(now)
            .bind(fields.reference.clone()),
        )
        .await
        .map_err(duplicate_reference)?;
    let mut problem = row.into_problem(t);
    for (i, m) in measures.iter().enumerate() {
        insert_measure(c, problem.id, i as i64, m, now).await?;
    }
    crate::cases::link_cases(c, actor, problem.id, case_ids, fields.published, now).await?;
    problem.case_ids = Some(case_ids.to_vec());
    let listed = if measures.is_empty() { Vec::new() } else { measures::of_problem(c, problem.id, t).await? };
    problem.measures = Some(listed);
    history::record(c, actor, now, problem_change(&problem, "create", note, None)).await?;
    Ok(problem)
}

pub(crate) fn problem_change<'a>(
    p: &'a Problem,
    action: &'a str,
    note: Option<&'a str>,
    before: Option<&'a Problem>,
) -> Change<'a, Problem> {
    Change { entity: Entity::Problem, entity_id: p.id.to_string(), action, note, before, after: Some(p) }
}

/// Writes checked fields over `before` and records the change. Handing a problem to another
/// unit is the office's decision.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn write_update(
    c: &mut Conn<'_>,
    actor: &Actor,
    before: &Problem,
    mut f: ProblemFields,
    archive: bool,
    note: Option<&str>,
    t: &LightThresholds,
    now: Timestamp,
) -> StoreResult<Problem> {
    let party = units::party(c, actor, before.unit_id).await?;
    rectify_domain::problem::check_edit(party, before, &f, archive)?;
    check_refs(c, &mut f).await?;
    if f.unit_id != before.unit_id {
        // The actor must also be able to edit the problem where it goes.
        authorize(actor, Permission::EditProblem, units::party(c, actor, f.unit_id).await?)?;
    }
    versioned::update(
        c,
        Entity::Problem,
        before.version,
        Q::new(
            "UPDATE problems SET unit_id = $1, description = $2, responsible_person_id = $3, \
                 leader_person_id = $4, level = $5, category = $6, type = $7, root_cause = $8, \
                 deadline = $9, campaign_id = $10, batch_id = $11, sources = $12, published = $13, \
                 archived_at = CASE WHEN $14 THEN COALESCE(archived_at, $15) END, \
                 ref = $18, extended_from = $19, version = version + 1, updated_at = $15 \
                 WHERE id = $16 AND version = $17",
        )
        .bind(f.unit_id)
        .bind(&f.description)
        .bind(f.responsible_person_id)
        .bind(f.leader_person_id)
        .bind(f.level.as_str())
        .bind(f.category.clone())
        .bind(f.problem_type.as_str())
        .bind(f.root_cause.clone())
        .bind(f.deadline)
        .bind(f.campaign_id)
        .bind(f.batch_id)
        .bind(sources_json(&f.sources))
        .bind(f.published)
        .bind(archive)
        .bind(now)
        .bind(before.id)
        .bind(before.version)
        .bind(f.reference.clone())
        // A deadline the office sets itself replaces what an extension granted.
        .bind(if f.deadline == before.deadline { before.extended_from } else { None }),
    )
    .await
    .map_err(duplicate_reference)?;
    refresh_due(c, before.id).await?;
    let after = get(c, before.id, t).await?.ok_or_else(|| DomainError::not_found(Entity::Problem, before.id))?;
    let action = archive_action(before.archived, after.archived);
    history::record(c, actor, now, problem_change(&after, action, note, Some(before))).await?;
    Ok(after)
}

impl Ledger<'_> {
    /// Writes a new problem (with its first measures) into the ledger.
    pub async fn create_problem(
        &self,
        actor: &Actor,
        input: NewProblem,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Problem>> {
        let case_ids = input.case_ids.clone();
        if !case_ids.is_empty() {
            authorize(actor, Permission::LinkCases, rectify_domain::actor::Party::Office)?;
        }
        let (mut fields, measures) = input.validate()?;
        let t = self.reference().light_thresholds().await?.value;
        let (now, vault) = (self.now(), self.vault.clone());
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                check_refs(&mut c, &mut fields).await?;
                let party = units::party(&mut c, &actor, fields.unit_id).await?;
                authorize(&actor, Permission::CreateProblem, party)?;
                let p = insert_new(&mut c, &actor, &fields, &measures, &case_ids, None, &t, now).await?;
                crate::cases::tell_merged(&mut c, &vault, p.id, p.published, &case_ids, now).await?;
                Ok(p)
            })
        })
        .await
    }

    pub async fn get_problem(&self, actor: &Actor, id: ProblemId) -> StoreResult<Problem> {
        let t = self.reference().light_thresholds().await?.value;
        let actor = actor.clone();
        self.db.read(move |tx| Box::pin(async move { get_visible(&mut tx.conn(), &actor, id, &t).await })).await
    }

    pub async fn update_problem(&self, actor: &Actor, id: ProblemId, patch: ProblemPatch) -> StoreResult<Problem> {
        let t = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get_visible(&mut c, &actor, id, &t).await?;
                    authorize(&actor, Permission::EditProblem, units::party(&mut c, &actor, before.unit_id).await?)?;
                    let f = patch.apply(&before)?;
                    if patch.version != Some(before.version) {
                        return Err(
                            DomainError::StaleVersion { entity: Entity::Problem, current: before.version }.into()
                        );
                    }
                    let archive = patch.archived.unwrap_or(before.archived);
                    write_update(&mut c, &actor, &before, f, archive, None, &t, now).await
                })
            })
            .await
    }

    /// A page of the ledger, newest first unless sorted otherwise.
    pub async fn list_problems(
        &self,
        actor: &Actor,
        f: &ProblemFilter,
        sort: ProblemSort,
        page: &PageRequest,
    ) -> StoreResult<Page<Problem>> {
        let t = self.reference().light_thresholds().await?.value;
        let f = self.search().problem_filter(f).await?;
        let (actor, after, limit) = (actor.clone(), page.after.clone(), page.limit);
        let rows: Vec<ProblemRow> = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::problems(&mut c, &actor).await?;
                    let units = expand_units(&mut c, &f).await?;
                    let mut q = Q::new(format!("SELECT {COLUMNS} FROM problems WHERE 1 = 1"));
                    push_conditions(&mut q, &f, units.as_deref(), &scope, &t);
                    sort.push_keyset(&mut q, after.as_ref())?;
                    q.push(" LIMIT ").push_bind(i64::from(limit) + 1);
                    c.fetch_all(q).await
                })
            })
            .await?;
        page.finish(rows, |r| sort.cursor(r), |r| Ok(r.into_problem(&t)))
    }

    /// How many problems each filter lists for `actor` (one count per filter, in order), on one
    /// snapshot: the counts of a to-do list, each the length of the list it links to.
    pub async fn count_problems(&self, actor: &Actor, filters: &[ProblemFilter]) -> StoreResult<Vec<u64>> {
        let t = self.reference().light_thresholds().await?.value;
        let mut resolved = Vec::with_capacity(filters.len());
        for f in filters {
            resolved.push(self.search().problem_filter(f).await?);
        }
        let (actor, filters) = (actor.clone(), resolved);
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::problems(&mut c, &actor).await?;
                    let mut out = Vec::with_capacity(filters.len());
                    for f in &filters {
                        let units = expand_units(&mut c, f).await?;
                        let mut q = Q::new("SELECT COUNT(*) FROM problems WHERE 1 = 1");
                        push_conditions(&mut q, f, units.as_deref(), &scope, &t);
                        let n: i64 = c.scalar(q).await?;
                        out.push(n.max(0) as u64);
                    }
                    Ok(out)
                })
            })
            .await
    }

    /// The change history of a problem (its own changes, transitions and progress).
    pub async fn problem_history(&self, actor: &Actor, id: ProblemId) -> StoreResult<Vec<HistoryEntry>> {
        let t = self.reference().light_thresholds().await?.value;
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let p = get_visible(&mut c, &actor, id, &t).await?;
                    let mut entries = history::of(&mut c, Entity::Problem, &id.to_string()).await?;
                    for m in p.measures.iter().flatten() {
                        entries.extend(history::of(&mut c, Entity::Measure, &m.id.to_string()).await?);
                    }
                    entries.sort_by_key(|e| e.id);
                    Ok(entries)
                })
            })
            .await
    }
}

/// The unit filter as a list of units: the unit alone, or with its subtree.
pub(crate) async fn expand_units(c: &mut Conn<'_>, f: &ProblemFilter) -> StoreResult<Option<Vec<UnitId>>> {
    Ok(match f.unit {
        None => None,
        Some(u) if f.include_sub_units => Some(units::subtree(c, u).await?),
        Some(u) => Some(vec![u]),
    })
}

/// Orders of the ledger list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProblemSort {
    #[default]
    Newest,
    Oldest,
    /// Earliest effective due date first, undated last.
    Due,
}

impl ProblemSort {
    pub fn parse(s: &str) -> Option<ProblemSort> {
        match s {
            "newest" | "-created" => Some(ProblemSort::Newest),
            "oldest" | "created" => Some(ProblemSort::Oldest),
            "due" | "deadline" => Some(ProblemSort::Due),
            _ => None,
        }
    }

    fn cursor(self, r: &ProblemRow) -> Cursor {
        match self {
            ProblemSort::Due => Cursor { key: r.due_on.map(|d| d.to_string()), id: r.id.get() },
            _ => Cursor { key: None, id: r.id.get() },
        }
    }

    fn push_keyset(self, q: &mut Q, after: Option<&Cursor>) -> StoreResult<()> {
        match (self, after) {
            (ProblemSort::Newest, Some(a)) => {
                q.push(" AND id < ").push_bind(a.id);
            }
            (ProblemSort::Oldest, Some(a)) => {
                q.push(" AND id > ").push_bind(a.id);
            }
            (ProblemSort::Due, Some(a)) => match &a.key {
                Some(k) => {
                    let d = rectify_domain::time::parse_date(k).ok_or_else(|| {
                        DomainError::field("cursor", Issue::Malformed { expected: rectify_domain::Expected::Cursor })
                    })?;
                    q.push(" AND ((due_on IS NOT NULL AND (due_on > ").push_bind(d);
                    q.push(" OR (due_on = ").push_bind(d).push(" AND id > ").push_bind(a.id);
                    q.push("))) OR due_on IS NULL)");
                }
                None => {
                    q.push(" AND due_on IS NULL AND id > ").push_bind(a.id);
                }
            },
            (_, None) => {}
        }
        q.push(match self {
            ProblemSort::Newest => " ORDER BY id DESC",
            ProblemSort::Oldest => " ORDER BY id",
            ProblemSort::Due => " ORDER BY CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, id",
        });
        Ok(())
    }
}
