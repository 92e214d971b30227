//! Units: the tree of offices, departments, streets, stations and windows.

use crate::areas::Directory;
use crate::db::{Conn, Q, like_pattern, record};
use crate::error::{StoreError, StoreResult};
use crate::versioned::{self, archive_action, changed, check_version, created};

use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Cursor, Page, PageRequest};
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::UnitId;
use rectify_domain::time::Timestamp;
use rectify_domain::unit::{NewUnit, Unit, UnitFields, UnitKind, UnitPatch, UnitTree};
use rectify_domain::{DomainError, Entity, Issue, Rule};

record! {
    struct UnitRow {
        id: UnitId as i64,
        parent_id: Option<UnitId> as Option<i64>,
        name: String,
        kind: UnitKind as String,
        system: Option<String>,
        complaint_phone: Option<String>,
        mailbox: Option<String>,
        archived_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
    }
}

const COLUMNS: &str =
    "id, parent_id, name, kind, system, complaint_phone, mailbox, archived_at, version, created_at, updated_at";

impl From<UnitRow> for Unit {
    fn from(r: UnitRow) -> Unit {
        Unit {
            id: r.id,
            parent_id: r.parent_id,
            name: r.name,
            kind: r.kind,
            system: r.system,
            complaint_phone: r.complaint_phone,
            mailbox: r.mailbox,
            archived: r.archived_at.is_some(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Filters of `GET /api/v1/units`.
#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    /// Only the children of this unit.
    pub parent: Option<UnitId>,
    /// Only top-level units.
    pub roots: bool,
    pub kind: Option<UnitKind>,
    pub system: Option<String>,
    /// Name contains.
    pub q: Option<String>,
    pub include_archived: bool,
}

pub(crate) async fn get(c: &mut Conn<'_>, id: UnitId) -> StoreResult<Option<Unit>> {
    let row: Option<UnitRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM units WHERE id = $1")).bind(id)).await?;
    Ok(row.map(Unit::from))
}

/// Every live unit, in the order they were made (an export of the tree).
pub(crate) async fn all_live(c: &mut Conn<'_>) -> StoreResult<Vec<Unit>> {
    let rows: Vec<UnitRow> =
        c.fetch_all(Q::new(format!("SELECT {COLUMNS} FROM units WHERE archived_at IS NULL ORDER BY id"))).await?;
    Ok(rows.into_iter().map(Unit::from).collect())
}

/// A live (not archived) unit, or a field error naming `field`.
pub(crate) async fn require_live(c: &mut Conn<'_>, id: UnitId, field: &str) -> StoreResult<Unit> {
    match get(c, id).await? {
        Some(u) if !u.archived => Ok(u),
        _ => Err(DomainError::unknown(field, Entity::Unit).into()),
    }
}

/// The whole tree's shape (ids and parents, archived units included so old records resolve).
pub(crate) async fn tree(c: &mut Conn<'_>) -> StoreResult<UnitTree> {
    record! {
        struct Edge {
            id: UnitId as i64,
            parent_id: Option<UnitId> as Option<i64>,
        }
    }
    let edges: Vec<Edge> = c.fetch_all(Q::new("SELECT id, parent_id FROM units")).await?;
    Ok(UnitTree::new(edges.into_iter().map(|e| (e.id, e.parent_id))))
}

/// The unit and its ancestors, nearest first.
pub(crate) async fn line_up(c: &mut Conn<'_>, id: UnitId) -> StoreResult<Vec<UnitId>> {
    c.fetch_ids(
        Q::new(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
                   SELECT id, parent_id, 0 FROM units WHERE id = $1 \
                   UNION ALL SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id \
                   WHERE up.depth < 64) \
                 SELECT id FROM up ORDER BY depth",
        )
        .bind(id),
    )
    .await
}

/// The unit and every unit below it.
pub(crate) async fn subtree(c: &mut Conn<'_>, id: UnitId) -> StoreResult<Vec<UnitId>> {
    c.fetch_ids(
        Q::new(
            "WITH RECURSIVE down(id, depth) AS ( \
                   SELECT id, 0 FROM units WHERE id = $1 \
                   UNION ALL SELECT u.id, down.depth + 1 FROM units u JOIN down ON u.parent_id = down.id \
                   WHERE down.depth < 64) \
                 SELECT id FROM down",
        )
        .bind(id),
    )
    .await
}

/// How `actor` stands to something owned by `owner`.
pub(crate) async fn party(c: &mut Conn<'_>, actor: &Actor, owner: UnitId) -> StoreResult<Party> {
    if actor.role.is_office() || actor.unit_id.is_none() {
        return Ok(Party::of(actor, owner, &[]));
    }
    let line = line_up(c, owner).await?;
    Ok(Party::of(actor, owner, &line))
}

async fn insert(c: &mut Conn<'_>, f: &UnitFields, now: Timestamp) -> StoreResult<UnitId> {
    c.returning_id(
        Q::new(
            "INSERT INTO units (parent_id, name, kind, system, complaint_phone, mailbox, version, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(f.parent_id)
        .bind(&f.name)
        .bind(f.kind.as_str())
        .bind(f.system.clone())
        .bind(f.complaint_phone.clone())
        .bind(f.mailbox.clone())
        .bind(now),
    )
    .await
    .map_err(duplicate_name)
}

fn duplicate_name(e: StoreError) -> StoreError {
    if e.is_unique_violation() { DomainError::field("name", Issue::Duplicate).into() } else { e }
}

/// Creates a unit (its parent must be live) and records it.
pub(crate) async fn create(c: &mut Conn<'_>, actor: &Actor, fields: &UnitFields, now: Timestamp) -> StoreResult<Unit> {
    if let Some(p) = fields.parent_id {
        require_live(c, p, "parent_id").await?;
    }
    let id = insert(c, fields, now).await?;
    let unit = get(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Unit, id))?;
    created(c, actor, now, Entity::Unit, id, unit).await
}

/// Writes checked fields over `before` (moving it only where the tree allows, archiving only a
/// unit nothing live hangs on) and records the change.
pub(crate) async fn write_update(
    c: &mut Conn<'_>,
    actor: &Actor,
    before: &Unit,
    fields: &UnitFields,
    archive: bool,
    note: Option<&str>,
    now: Timestamp,
) -> StoreResult<Unit> {
    if fields.parent_id != before.parent_id {
        if let Some(p) = fields.parent_id {
            require_live(c, p, "parent_id").await?;
        }
        tree(c).await?.check_move(before.id, fields.parent_id)?;
    }
    if archive && !before.archived {
        let in_use: i64 = c
            .scalar(
                Q::new(
                    "SELECT (SELECT COUNT(*) FROM units WHERE parent_id = $1 AND archived_at IS NULL) \
                     + (SELECT COUNT(*) FROM problems WHERE unit_id = $1 AND archived_at IS NULL \
                        AND state <> 'closed')",
                )
                .bind(before.id),
            )
            .await?;
        if in_use > 0 {
            return Err(DomainError::rule(Rule::UnitInUse, "archived").into());
        }
    }
    versioned::update(
        c,
        Entity::Unit,
        before.version,
        Q::new(
            "UPDATE units SET parent_id = $1, name = $2, kind = $3, system = $4, complaint_phone = $5, \
                 mailbox = $6, archived_at = CASE WHEN $7 THEN COALESCE(archived_at, $8) END, \
                 version = version + 1, updated_at = $8 \
                 WHERE id = $9 AND version = $10",
        )
        .bind(fields.parent_id)
        .bind(&fields.name)
        .bind(fields.kind.as_str())
        .bind(fields.system.clone())
        .bind(fields.complaint_phone.clone())
        .bind(fields.mailbox.clone())
        .bind(archive)
        .bind(now)
        .bind(before.id)
        .bind(before.version),
    )
    .await
    .map_err(duplicate_name)?;
    let after = get(c, before.id).await?.ok_or_else(|| DomainError::not_found(Entity::Unit, before.id))?;
    let action = archive_action(before.archived, after.archived);
    changed(c, actor, now, Entity::Unit, before.id, action, note, before, after).await
}

impl Directory<'_> {
    pub async fn create_unit(
        &self,
        actor: &Actor,
        input: NewUnit,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Unit>> {
        authorize(actor, Permission::ManageUnits, Party::Office)?;
        let fields = input.validate()?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| Box::pin(async move { create(&mut tx.conn(), &actor, &fields, now).await }))
            .await
    }

    pub async fn update_unit(&self, actor: &Actor, id: UnitId, patch: UnitPatch) -> StoreResult<Unit> {
        authorize(actor, Permission::ManageUnits, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Unit, id))?;
                    check_version(Entity::Unit, patch.version, before.version)?;
                    let fields = patch.apply(&before)?;
                    let archive = patch.archived.unwrap_or(before.archived);
                    write_update(&mut c, &actor, &before, &fields, archive, None, now).await
                })
            })
            .await
    }

    pub async fn get_unit(&self, actor: &Actor, id: UnitId) -> StoreResult<Unit> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let unit = self.db.read(move |tx| Box::pin(async move { get(&mut tx.conn(), id).await })).await?;
        unit.ok_or_else(|| DomainError::not_found(Entity::Unit, id).into())
    }

    pub async fn list_units(&self, actor: &Actor, filter: &UnitFilter, page: &PageRequest) -> StoreResult<Page<Unit>> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        self.directory().list_units_unchecked(filter, page).await
    }

    /// The unit directory is public (complaint phones and mailboxes are published); the portal
    /// reads it without an account.
    pub async fn list_units_unchecked(&self, filter: &UnitFilter, page: &PageRequest) -> StoreResult<Page<Unit>> {
        let mut q = Q::new(format!("SELECT {COLUMNS} FROM units WHERE 1 = 1"));
        if !filter.include_archived {
            q.push(" AND archived_at IS NULL");
        }
        if let Some(p) = filter.parent {
            q.push(" AND parent_id = ").push_bind(p);
        }
        if filter.roots {
            q.push(" AND parent_id IS NULL");
        }
        if let Some(k) = filter.kind {
            q.push(" AND kind = ").push_bind(k.as_str());
        }
        if let Some(s) = &filter.system {
            q.push(" AND system = ").push_bind(s);
        }
        if let Some(text) = &filter.q {
            q.push(" AND name LIKE ").push_bind(like_pattern(text)).push(" ESCAPE '\\'");
        }
        if let Some(after) = &page.after {
            q.push(" AND id > ").push_bind(after.id);
        }
        q.push(" ORDER BY id LIMIT ").push_bind(i64::from(page.limit) + 1);
        let rows: Vec<UnitRow> = self.db.fetch_all(q).await?;
        page.finish(rows, |r| Cursor { key: None, id: r.id.get() }, |r| Ok(Unit::from(r)))
    }

    /// The shape of the unit tree.
    pub async fn unit_tree(&self) -> StoreResult<UnitTree> {
        self.db.read(|tx| Box::pin(async move { tree(&mut tx.conn()).await })).await
    }
}
