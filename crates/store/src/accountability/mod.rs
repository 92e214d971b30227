//! Accountability (问责): actions on units and people, recorded by the office or proposed by the
//! rules of [`proposals`] and then confirmed or dismissed, and the yearly points of staff
//! ([`points`]). Unit staff see their own unit's records (a leader's sub-units included).

mod actions;
mod points;
mod proposals;

pub use actions::ActionFilter;
pub(crate) use points::deduct_in;

use crate::db::{Conn, Q, record};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::units;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::accountability::{ActionFields, ActionKind, ActionRecord, ActionStatus, Opening, ProposalRule};
use rectify_domain::actor::{Actor, Party, Permission, Role, authorize};
use rectify_domain::ids::{ActionRecordId, UnitId};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};
use serde::Serialize;
use serde::de::DeserializeOwned;

record! {
    struct ActionRow {
        id: i64,
        kind: String,
        status: String,
        unit_id: Option<i64>,
        unit_name: Option<String>,
        person_id: Option<i64>,
        person_name: Option<String>,
        owner_unit_id: Option<i64>,
        reason: String,
        decided_on: NaiveDate,
        deciding_body: Option<String>,
        rule: Option<String>,
        problem_ids: String,
        case_ids: String,
        finding_ids: String,
        confirmed_by: Option<String>,
        confirmed_at: Option<DateTime<Utc>>,
        dismissed_by: Option<String>,
        dismissed_at: Option<DateTime<Utc>>,
        dismissed_reason: Option<String>,
        version: i64,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
}

/// The columns of [`ActionRow`], from `action_records a` with the names of its unit and person.
const SELECT: &str = "SELECT a.id, a.kind, a.status, a.unit_id, u.name AS unit_name, a.person_id, \
     p.name AS person_name, a.owner_unit_id, a.reason, a.decided_on, a.deciding_body, a.rule, a.problem_ids, \
     a.case_ids, a.finding_ids, a.confirmed_by, a.confirmed_at, a.dismissed_by, a.dismissed_at, a.dismissed_reason, \
     a.version, a.created_at, a.updated_at \
     FROM action_records a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.person_id";

fn ids<T: DeserializeOwned>(what: &str, json: &str) -> StoreResult<Vec<T>> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("action {what}: {e}")))
}

fn ids_json<T: Serialize>(ids: &[T]) -> StoreResult<String> {
    serde_json::to_string(ids).map_err(|e| StoreError::Encode(e.to_string()))
}

impl ActionRow {
    /// The unit whose staff may see the record.
    fn owner(&self) -> Option<UnitId> {
        self.owner_unit_id.map(UnitId)
    }

    fn into_record(self) -> StoreResult<ActionRecord> {
        Ok(ActionRecord {
            id: ActionRecordId(self.id),
            kind: parse_stored("action kind", &self.kind, ActionKind::parse)?,
            status: parse_stored("action status", &self.status, ActionStatus::parse)?,
            unit_id: self.unit_id.map(UnitId),
            unit_name: self.unit_name,
            person_id: self.person_id.map(rectify_domain::ids::PersonId),
            person_name: self.person_name,
            reason: self.reason,
            decided_on: self.decided_on,
            deciding_body: self.deciding_body,
            rule: self.rule.as_deref().map(|r| parse_stored("proposal rule", r, ProposalRule::parse)).transpose()?,
            problem_ids: ids("problem_ids", &self.problem_ids)?,
            case_ids: ids("case_ids", &self.case_ids)?,
            finding_ids: ids("finding_ids", &self.finding_ids)?,
            confirmed_by: self.confirmed_by,
            confirmed_at: self.confirmed_at.map(Timestamp::from_utc),
            dismissed_by: self.dismissed_by,
            dismissed_at: self.dismissed_at.map(Timestamp::from_utc),
            dismissed_reason: self.dismissed_reason,
            version: self.version,
            created_at: Timestamp::from_utc(self.created_at),
            updated_at: Timestamp::from_utc(self.updated_at),
        })
    }
}

async fn get_row(c: &mut Conn<'_>, id: ActionRecordId) -> StoreResult<Option<ActionRow>> {
    c.fetch_optional(Q::new(format!("{SELECT} WHERE a.id = $1")).bind(id)).await
}

pub(crate) async fn get(c: &mut Conn<'_>, id: ActionRecordId) -> StoreResult<ActionRecord> {
    get_row(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::ActionRecord, id))?.into_record()
}

/// The units whose accountability records and points `actor` may see: `None` for all (the
/// office), a clerk's own unit, a leader's unit and those below it; anyone else is refused.
pub(crate) async fn visible_units(c: &mut Conn<'_>, actor: &Actor) -> StoreResult<Option<Vec<UnitId>>> {
    if actor.role.is_office() {
        authorize(actor, Permission::ViewAccountability, Party::Office)?;
        return Ok(None);
    }
    match (actor.role, actor.unit_id) {
        (Role::UnitClerk, Some(u)) => Ok(Some(vec![u])),
        (Role::UnitLeader, Some(u)) => Ok(Some(units::subtree(c, u).await?)),
        _ => {
            // Staff of no unit own nothing: refused by the table, or shown nothing should the
            // table ever let them look.
            authorize(actor, Permission::ViewAccountability, Party::Other)?;
            Ok(Some(Vec::new()))
        }
    }
}

/// Refuses `actor` unless they may see records owned by `owner` (none: the office only).
pub(crate) async fn authorize_view(c: &mut Conn<'_>, actor: &Actor, owner: Option<UnitId>) -> StoreResult<()> {
    let party = match owner {
        Some(u) => units::party(c, actor, u).await?,
        None if actor.role.is_office() => Party::Office,
        None => Party::Other,
    };
    Ok(authorize(actor, Permission::ViewAccountability, party)?)
}

/// A row `id` of `table` exists, or a field error naming `field`. `table` is one of ours.
pub(crate) async fn require_row(
    c: &mut Conn<'_>,
    table: &'static str,
    id: i64,
    field: &str,
    entity: Entity,
) -> StoreResult<()> {
    let found: Option<i64> =
        c.scalar_optional(Q::new(format!("SELECT id FROM {table} WHERE id = $1")).bind(id)).await?;
    match found {
        Some(_) => Ok(()),
        None => Err(DomainError::unknown(field, entity).into()),
    }
}

/// What a new record is: recorded by a person (confirmed at once) or proposed by a rule.
pub(crate) enum Origin<'a> {
    Recorded { by: &'a str },
    Proposed { rule: ProposalRule, key: String, by: &'a str },
}

/// Inserts an action; a proposal whose key exists already (pending, confirmed or dismissed) is
/// not inserted again, and `None` says so.
pub(crate) async fn insert(
    c: &mut Conn<'_>,
    f: &ActionFields,
    owner: Option<UnitId>,
    origin: Origin<'_>,
    now: Timestamp,
) -> StoreResult<Option<ActionRecordId>> {
    let (opening, rule, key, by) = match origin {
        Origin::Recorded { by } => (Opening::recorded(), None, None, by),
        Origin::Proposed { rule, key, by } => (Opening::proposed(), Some(rule.as_str()), Some(key), by),
    };
    let (status, confirmed) = (opening.status, opening.confirmed);
    let id: Option<i64> = c
        .scalar_optional(
            Q::new(
                "INSERT INTO action_records (kind, status, unit_id, person_id, owner_unit_id, reason, decided_on, \
                 deciding_body, rule, proposal_key, problem_ids, case_ids, finding_ids, created_by, confirmed_by, \
                 confirmed_at, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $17, $17) \
                 ON CONFLICT (proposal_key) DO NOTHING RETURNING id",
            )
            .bind(f.kind.as_str())
            .bind(status.as_str())
            .bind(f.unit_id)
            .bind(f.person_id)
            .bind(owner)
            .bind(&f.reason)
            .bind(f.decided_on)
            .bind(f.deciding_body.clone())
            .bind(rule)
            .bind(key)
            .bind(ids_json(&f.problem_ids)?)
            .bind(ids_json(&f.case_ids)?)
            .bind(ids_json(&f.finding_ids)?)
            .bind(by)
            .bind(confirmed.then_some(by))
            .bind(confirmed.then_some(now))
            .bind(now),
        )
        .await?;
    Ok(id.map(ActionRecordId))
}
