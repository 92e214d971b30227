//! The service catalog (事项清单, issue 19): items written by the office, or by a unit's staff
//! for their own unit; every edit is a new version kept with who wrote it and why; the public
//! reads the published items. What an item may say is decided by
//! `rectify_domain::service::catalog`; this module reads and writes.

pub mod appointments;
mod cases;
mod handbook;
pub mod online;
mod sampling;
mod stats;
mod tallies;

pub use cases::ServiceCaseFilter;
pub use stats::{ServiceGroupBy, ServiceStats, ServiceStatsFilter, ServiceStatsGroup};
pub(crate) use tallies::rebuild as rebuild_tallies;

use crate::areas::Services;
use crate::db::{Conn, Q, like_pattern, record};
use crate::error::{StoreError, StoreResult};
use crate::idempotency::{Created, IdempotencyKey};
use crate::inspections::{from_json, to_json};
use crate::page::{Cursor, Page, PageRequest};
use crate::units;
use crate::versioned::{self, changed, created};
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Permission, authorize};
use rectify_domain::ids::{ServiceItemId, UnitId};
use rectify_domain::service::catalog::{NewServiceItem, ServiceItem, ServiceItemFields, ServiceKind};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue};
use serde::Serialize;

record! {
    struct ItemRow {
        id: i64,
        item: String,
        published: bool,
        version: i64,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, item, published, version, created_at, updated_at";

impl ItemRow {
    /// The item: what its current version says (`item`), its identity, state and dates.
    fn into_item(self) -> StoreResult<ServiceItem> {
        let fields: ServiceItemFields = from_json(&self.item, "service item")?;
        let dates = (Timestamp::from_utc(self.created_at), Timestamp::from_utc(self.updated_at));
        Ok(fields.into_item(ServiceItemId(self.id), self.published, self.version, dates))
    }
}

/// One version of an item, as `GET /services/{id}/versions` lists them.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemVersion {
    pub version: i64,
    /// Why it changed (none for the first).
    pub reason: Option<String>,
    pub written_at: Timestamp,
    /// What the item said in this version.
    pub item: ServiceItemFields,
}

/// What the catalog's list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ServiceFilter {
    /// Words of the name or the code.
    pub q: Option<String>,
    pub unit: Option<UnitId>,
    /// A published list or life event the item is in (最多跑一次, 生育).
    pub list: Option<String>,
    pub kind: Option<ServiceKind>,
}

async fn read(c: &mut Conn<'_>, id: ServiceItemId) -> StoreResult<ServiceItem> {
    let row: Option<ItemRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM service_items WHERE id = $1")).bind(id)).await?;
    row.ok_or_else(|| DomainError::not_found(Entity::ServiceItem, id))?.into_item()
}

/// The public sees published items only, and nothing else exists for it.
fn may_see(actor: &Actor, item: &ServiceItem) -> StoreResult<()> {
    if item.published || authorize(actor, Permission::ViewDirectory, rectify_domain::actor::Party::Other).is_ok() {
        Ok(())
    } else {
        Err(DomainError::not_found(Entity::ServiceItem, item.id).into())
    }
}

/// Whether `actor` may write items of `unit` (a live unit: named by `field` when not).
async fn may_write(c: &mut Conn<'_>, actor: &Actor, unit: UnitId, field: &str) -> StoreResult<()> {
    units::require_live(c, unit, field).await?;
    let party = units::party(c, actor, unit).await?;
    Ok(authorize(actor, Permission::ManageServices, party)?)
}

fn duplicate_code(e: StoreError) -> StoreError {
    if e.is_unique_violation() { DomainError::field("code", Issue::Duplicate).into() } else { e }
}

/// Writes `item` as the current version and keeps it among the versions.
async fn write_version(
    c: &mut Conn<'_>,
    actor: &Actor,
    item: &ServiceItem,
    reason: Option<&str>,
    now: Timestamp,
) -> StoreResult<()> {
    // The fields alone: the id, state, version and dates are the row's own columns.
    let json = to_json(&item.fields)?;
    c.execute(
        Q::new(
            "UPDATE service_items SET code = $1, name = $2, kind = $3, unit_id = $4, delivery = $5, max_visits = $6, \
             lists = $7, item = $8, published = $9, version = $10, updated_at = $11, window_name = $13 WHERE id = $12",
        )
        .bind(item.fields.code.clone())
        .bind(item.fields.name.clone())
        .bind(item.fields.kind.as_str())
        .bind(item.fields.unit_id)
        .bind(item.fields.delivery.as_str())
        .bind(i64::from(item.fields.max_visits))
        .bind(to_json(&item.fields.lists)?)
        .bind(json.clone())
        .bind(item.published)
        .bind(item.version)
        .bind(now)
        .bind(item.id)
        .bind(item.fields.window.clone()),
    )
    .await
    .map_err(duplicate_code)?;
    c.execute(
        Q::new(
            "INSERT INTO service_item_versions (item_id, version, item, reason, written_by, written_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(item.id)
        .bind(item.version)
        .bind(json)
        .bind(reason.map(str::to_owned))
        .bind(actor.account_id)
        .bind(now),
    )
    .await?;
    Ok(())
}

impl Services<'_> {
    /// Adds an item to the catalog, published unless `published` is false.
    pub async fn create_item(
        &self,
        actor: &Actor,
        input: NewServiceItem,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<ServiceItem>> {
        authorize(actor, Permission::ManageServices, rectify_domain::actor::Party::OwnerUnit)?;
        let fields: ServiceItemFields = input.validate()?;
        let published = input.published;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                may_write(&mut c, &actor, fields.unit_id, "unit_id").await?;
                let item = insert_item(&mut c, &actor, fields, published.unwrap_or(true), now).await?;
                created(&mut c, &actor, now, Entity::ServiceItem, item.id, item).await
            })
        })
        .await
    }
}

/// Writes a new item (checked and authorized by the caller) as its first version.
pub(crate) async fn insert_item(
    c: &mut Conn<'_>,
    actor: &Actor,
    fields: ServiceItemFields,
    published: bool,
    now: Timestamp,
) -> StoreResult<ServiceItem> {
    let id: ServiceItemId = c
        .returning_id(
            Q::new(
                "INSERT INTO service_items (code, name, kind, unit_id, delivery, max_visits, lists, item, \
                             published, version, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, 0, '[]', '{}', FALSE, 0, $6, $6) RETURNING id",
            )
            .bind(fields.code.clone())
            .bind(fields.name.clone())
            .bind(fields.kind.as_str())
            .bind(fields.unit_id)
            .bind(fields.delivery.as_str())
            .bind(now),
        )
        .await
        .map_err(duplicate_code)?;
    let item = fields.into_item(id, published, 1, (now, now));
    write_version(c, actor, &item, None, now).await?;
    read(c, item.id).await
}

/// Writes `fields` as the next version of `before`, with why.
pub(crate) async fn write_revision(
    c: &mut Conn<'_>,
    actor: &Actor,
    before: &ServiceItem,
    fields: ServiceItemFields,
    published: bool,
    reason: Option<&str>,
    now: Timestamp,
) -> StoreResult<ServiceItem> {
    let after = fields.into_item(before.id, published, before.version + 1, (before.created_at, now));
    write_version(c, actor, &after, reason, now).await?;
    let after = read(c, before.id).await?;
    changed(c, actor, now, Entity::ServiceItem, before.id, "revise", reason, before, after).await
}

/// Every item, by code (an export of the catalog).
pub(crate) async fn all_items(c: &mut Conn<'_>) -> StoreResult<Vec<ServiceItem>> {
    let rows: Vec<ItemRow> = c.fetch_all(Q::new(format!("SELECT {COLUMNS} FROM service_items ORDER BY code"))).await?;
    rows.into_iter().map(ItemRow::into_item).collect()
}

/// The item with `code`, if there is one.
pub(crate) async fn by_code(c: &mut Conn<'_>, code: &str) -> StoreResult<Option<ServiceItem>> {
    let row: Option<ItemRow> = c
        .fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM service_items WHERE code = $1")).bind(code.to_owned()))
        .await?;
    row.map(ItemRow::into_item).transpose()
}

impl Services<'_> {
    /// Writes the next version of an item: the whole item, the version read, and why.
    pub async fn revise_item(&self, actor: &Actor, id: ServiceItemId, rev: NewServiceItem) -> StoreResult<ServiceItem> {
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = read(&mut c, id).await?;
                    may_write(&mut c, &actor, before.fields.unit_id, "unit_id").await?;
                    let (fields, reason) = rev.validate_revision(&before)?;
                    versioned::check_version(Entity::ServiceItem, rev.version, before.version)?;
                    if fields.unit_id != before.fields.unit_id {
                        may_write(&mut c, &actor, fields.unit_id, "unit_id").await?;
                    }
                    let published = rev.published.unwrap_or(before.published);
                    write_revision(&mut c, &actor, &before, fields, published, reason.as_deref(), now).await
                })
            })
            .await
    }

    pub async fn get_item(&self, actor: &Actor, id: ServiceItemId) -> StoreResult<ServiceItem> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let item = read(&mut tx.conn(), id).await?;
                    may_see(&actor, &item)?;
                    Ok(item)
                })
            })
            .await
    }

    /// What one version of an item said (staff: a service case is handled under its version).
    pub async fn item_version(&self, actor: &Actor, id: ServiceItemId, version: i64) -> StoreResult<ServiceItemFields> {
        authorize(actor, Permission::ViewDirectory, rectify_domain::actor::Party::Other)?;
        let q =
            Q::new("SELECT item FROM service_item_versions WHERE item_id = $1 AND version = $2").bind(id).bind(version);
        let json: Option<String> =
            self.db.read(move |tx| Box::pin(async move { tx.conn().scalar_optional(q).await })).await?;
        from_json(&json.ok_or_else(|| DomainError::not_found(Entity::ServiceItem, id))?, "service item version")
    }

    /// Every version of an item, newest first (staff only: the public reads the current one).
    pub async fn item_versions(&self, actor: &Actor, id: ServiceItemId) -> StoreResult<Vec<ItemVersion>> {
        authorize(actor, Permission::ViewDirectory, rectify_domain::actor::Party::Other)?;
        record! {
            struct VersionRow {
                version: i64,
                item: String,
                reason: Option<String>,
                written_at: DateTime<Utc>,
            }
        }
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    read(&mut c, id).await?;
                    let rows: Vec<VersionRow> = c
                        .fetch_all(
                            Q::new(
                                "SELECT version, item, reason, written_at FROM service_item_versions \
                                 WHERE item_id = $1 ORDER BY version DESC",
                            )
                            .bind(id),
                        )
                        .await?;
                    rows.into_iter()
                        .map(|r| {
                            let item = from_json(&r.item, "service item version")?;
                            let written_at = Timestamp::from_utc(r.written_at);
                            Ok(ItemVersion { version: r.version, reason: r.reason, written_at, item })
                        })
                        .collect()
                })
            })
            .await
    }

    /// The catalog, by code: the published items for the public, every item for staff.
    pub async fn list_items(
        &self,
        actor: &Actor,
        filter: &ServiceFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<ServiceItem>> {
        let staff = authorize(actor, Permission::ViewDirectory, rectify_domain::actor::Party::Other).is_ok();
        let mut q = Q::new(format!("SELECT {COLUMNS} FROM service_items WHERE 1 = 1"));
        if !staff {
            q.push(" AND published = ").push_bind(true);
        }
        if let Some(words) = filter.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            let pattern = like_pattern(words);
            q.push(" AND (name LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\' OR code LIKE ");
            q.push_bind(pattern).push(" ESCAPE '\\')");
        }
        if let Some(unit) = filter.unit {
            q.push(" AND unit_id = ").push_bind(unit);
        }
        if let Some(list) = &filter.list {
            // The JSON array holds each name quoted.
            q.push(" AND lists LIKE ").push_bind(like_pattern(&to_json(list)?)).push(" ESCAPE '\\'");
        }
        if let Some(kind) = filter.kind {
            q.push(" AND kind = ").push_bind(kind.as_str());
        }
        if let Some(after) = &page.after {
            q.push(" AND id > ").push_bind(after.id);
        }
        q.push(" ORDER BY id LIMIT ").push_bind(i64::from(page.limit) + 1);
        let rows: Vec<ItemRow> = self.db.fetch_all(q).await?;
        page.finish(rows, |r| Cursor { key: None, id: r.id }, ItemRow::into_item)
    }
}
