//! Recording, listing, confirming and dismissing actions.

use super::{Origin, SELECT, authorize_view, get, get_row, insert, require_row, visible_units};
use crate::areas::Accountability;
use crate::db::{Conn, Q, set};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Cursor, Page, PageRequest};
use crate::people::require_live_person;
use crate::units::require_live;
use crate::versioned::{self, changed, check_version, created};
use chrono::NaiveDate;
use rectify_domain::accountability::{
    ActionFields, ActionKind, ActionRecord, ActionRecordDecision, ActionRequest, ActionStatus, BulkDecision,
    DismissRequest, NewAction, fire,
};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{ActionRecordId, PersonId, UnitId};
use rectify_domain::patch::Change;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Rule};

/// Filters of `GET /api/v1/actions`.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// Records about this unit (or about a person of it).
    pub unit: Option<UnitId>,
    pub person: Option<PersonId>,
    pub kind: Option<ActionKind>,
    pub status: Option<ActionStatus>,
    /// Decided on or after.
    pub from: Option<NaiveDate>,
    /// Decided on or before.
    pub to: Option<NaiveDate>,
}

/// ` AND …` for the records `visible` lets the actor see (`None`: all) and the filter.
fn push_filter(q: &mut Q, visible: Option<&[UnitId]>, f: &ActionFilter) {
    if let Some(units) = visible {
        q.push(" AND ");
        q.push_in("a.owner_unit_id", units.iter().copied());
    }
    if let Some(u) = f.unit {
        q.push(" AND a.owner_unit_id = ").push_bind(u);
    }
    if let Some(p) = f.person {
        q.push(" AND a.person_id = ").push_bind(p);
    }
    if let Some(k) = f.kind {
        q.push(" AND a.kind = ").push_bind(k.as_str());
    }
    if let Some(s) = f.status {
        q.push(" AND a.status = ").push_bind(s.as_str());
    }
    if let Some(d) = f.from {
        q.push(" AND a.decided_on >= ").push_bind(d);
    }
    if let Some(d) = f.to {
        q.push(" AND a.decided_on <= ").push_bind(d);
    }
}

/// Checks what the fields point at; returns the unit whose staff will see the record.
async fn check_refs(c: &mut Conn<'_>, f: &ActionFields) -> StoreResult<Option<UnitId>> {
    if let Some(u) = f.unit_id {
        require_live(c, u, "unit_id").await?;
    }
    let person = match f.person_id {
        Some(p) => Some(require_live_person(c, p, "person_id").await?),
        None => None,
    };
    for (i, p) in f.problem_ids.iter().enumerate() {
        require_row(c, "problems", p.get(), &format!("problem_ids[{i}]"), Entity::Problem).await?;
    }
    for (i, k) in f.case_ids.iter().enumerate() {
        require_row(c, "cases", k.get(), &format!("case_ids[{i}]"), Entity::Case).await?;
    }
    Ok(f.unit_id.or(person.and_then(|p| p.unit_id)))
}

impl Accountability<'_> {
    /// Records an action decided by a person: confirmed at once.
    pub async fn record_action(
        &self,
        actor: &Actor,
        input: NewAction,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<ActionRecord>> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        let f = input.validate(self.today())?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let owner = check_refs(&mut c, &f).await?;
                let id = insert(&mut c, &f, owner, Origin::Recorded { by: &actor.username }, now)
                    .await?
                    .ok_or_else(|| DomainError::not_found(Entity::ActionRecord, "new"))?;
                let record = get(&mut c, id).await?;
                created(&mut c, &actor, now, Entity::ActionRecord, id, record).await
            })
        })
        .await
    }

    pub async fn get_action(&self, actor: &Actor, id: ActionRecordId) -> StoreResult<ActionRecord> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let row =
                        get_row(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::ActionRecord, id))?;
                    authorize_view(&mut c, &actor, row.owner()).await?;
                    row.into_record()
                })
            })
            .await
    }

    /// Newest first; unit staff see their own units' records only.
    pub async fn list_actions(
        &self,
        actor: &Actor,
        filter: &ActionFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<ActionRecord>> {
        let (actor, f, page) = (actor.clone(), filter.clone(), page.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let visible = visible_units(&mut c, &actor).await?;
                    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
                    push_filter(&mut q, visible.as_deref(), &f);
                    if let Some(after) = &page.after {
                        q.push(" AND a.id < ").push_bind(after.id);
                    }
                    q.push(" ORDER BY a.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                    let rows: Vec<super::ActionRow> = c.fetch_all(q).await?;
                    page.finish(rows, |r| Cursor { key: None, id: r.id }, super::ActionRow::into_record)
                })
            })
            .await
    }

    /// How many records the filter lists for `actor` (the to-do list's count of proposals).
    pub async fn count_actions(&self, actor: &Actor, filter: &ActionFilter) -> StoreResult<u64> {
        let (actor, f) = (actor.clone(), filter.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let visible = visible_units(&mut c, &actor).await?;
                    let mut q = Q::new("SELECT COUNT(*) FROM action_records a WHERE 1 = 1");
                    push_filter(&mut q, visible.as_deref(), &f);
                    let n: i64 = c.scalar(q).await?;
                    Ok(n.max(0) as u64)
                })
            })
            .await
    }

    /// Confirms a proposal: from now on it counts.
    pub async fn confirm_action(
        &self,
        actor: &Actor,
        id: ActionRecordId,
        version: Option<i64>,
    ) -> StoreResult<ActionRecord> {
        self.decide(actor, id, version, ActionRequest::Confirm).await
    }

    /// Sets a proposal aside, with the reason; the rule will not propose it again.
    pub async fn dismiss_action(
        &self,
        actor: &Actor,
        id: ActionRecordId,
        input: DismissRequest,
    ) -> StoreResult<ActionRecord> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        let reason = input.validate()?;
        self.decide(actor, id, input.version, ActionRequest::Dismiss { reason }).await
    }

    async fn decide(
        &self,
        actor: &Actor,
        id: ActionRecordId,
        version: Option<i64>,
        req: ActionRequest,
    ) -> StoreResult<ActionRecord> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get(&mut c, id).await?;
                    check_version(Entity::ActionRecord, version, before.version)?;
                    decide_in(&mut c, &actor, before, req, None, (now, today)).await
                })
            })
            .await
    }

    /// One decision on many proposals, with one reason (the waiting table's checkboxes): all
    /// of them or, if one cannot be decided, none, naming it by its place in `ids`.
    pub async fn decide_many(&self, actor: &Actor, input: BulkDecision) -> StoreResult<Vec<ActionRecord>> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        let (ids, req, reason) = input.validate()?;
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let mut out = Vec::with_capacity(ids.len());
                    for (i, id) in ids.into_iter().enumerate() {
                        let field = format!("ids[{i}]");
                        let Some(row) = get_row(&mut c, id).await? else {
                            return Err(DomainError::unknown(field, Entity::ActionRecord).into());
                        };
                        let before = row.into_record()?;
                        if before.status != ActionStatus::Proposed {
                            return Err(DomainError::rule(Rule::NotAllowedFromState, field).into());
                        }
                        let decided = decide_in(&mut c, &actor, before, req.clone(), Some(&reason), (now, today));
                        out.push(decided.await?);
                    }
                    Ok(out)
                })
            })
            .await
    }
}

/// Fires a decision on a record read in the caller's transaction, writes it and its history.
/// `batch_reason` is the note of a decision made on many at once.
async fn decide_in(
    c: &mut Conn<'_>,
    actor: &Actor,
    before: ActionRecord,
    req: ActionRequest,
    batch_reason: Option<&str>,
    (now, today): (Timestamp, NaiveDate),
) -> StoreResult<ActionRecord> {
    let id = before.id;
    let mut d = fire(before.status, Party::Office, req, today)?;
    if d.note.is_none() {
        d.note = batch_reason.map(str::to_owned);
    }
    write_decision(c, actor, (id, before.version), &d, now).await?;
    let after = get(c, id).await?;
    changed(c, actor, now, Entity::ActionRecord, id, d.step.as_str(), d.note.as_deref(), &before, after).await
}

/// Writes a decision on a proposal, against the version read; the actor is who confirmed or
/// dismissed it.
async fn write_decision(
    c: &mut Conn<'_>,
    actor: &Actor,
    (id, version): (ActionRecordId, i64),
    d: &ActionRecordDecision,
    now: Timestamp,
) -> StoreResult<()> {
    let mut q = Q::new("UPDATE action_records SET status = ");
    q.push_bind(d.to.as_str()).push(", version = version + 1, updated_at = ").push_bind(now);
    set(&mut q, "decided_on", d.decided_on.clone());
    let by = |at: &Change<()>| at.clone().map(|()| actor.username.as_str());
    set(&mut q, "confirmed_by", by(&d.confirmed_at));
    set(&mut q, "confirmed_at", d.confirmed_at.clone().map(|()| now));
    set(&mut q, "dismissed_by", by(&d.dismissed_at));
    set(&mut q, "dismissed_at", d.dismissed_at.clone().map(|()| now));
    set(&mut q, "dismissed_reason", d.dismissed_reason.as_ref().map(String::as_str));
    q.push(" WHERE id = ").push_bind(id).push(" AND version = ").push_bind(version);
    versioned::update(c, Entity::ActionRecord, version, q).await
}
