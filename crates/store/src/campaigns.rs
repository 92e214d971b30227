//! Campaigns, their phases, participating units and batches; the immediate-rectification list
//! of a batch.

use crate::areas::Campaigns;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::history::{self, Change};
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Cursor, Page, PageRequest};
use crate::units::require_live;
use crate::versioned::{self, archive_action, changed, check_version, created};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::campaign::{
    Batch, BatchFields, Campaign, CampaignFields, CampaignPatch, NewBatch, NewCampaign, Phase,
};
use rectify_domain::ids::{BatchId, CampaignId, PhaseId, UnitId};
use rectify_domain::immediate::{ImmediateList, immediate_list};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

record! {
    struct CampaignRow {
        id: CampaignId as i64,
        name: String,
        description: Option<String>,
        starts_on: NaiveDate,
        ends_on: Option<NaiveDate>,
        archived_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
    }
}

record! {
    struct BatchRow {
        id: BatchId as i64,
        campaign_id: CampaignId as i64,
        name: String,
        items_per_unit: i64,
        due_on: Option<NaiveDate>,
        created_at: Timestamp as DateTime<Utc>,
    }
}

impl From<BatchRow> for Batch {
    fn from(r: BatchRow) -> Batch {
        Batch {
            id: r.id,
            campaign_id: r.campaign_id,
            name: r.name,
            items_per_unit: r.items_per_unit.clamp(0, i64::from(u32::MAX)) as u32,
            due_on: r.due_on,
            created_at: r.created_at,
        }
    }
}

const BATCH_COLUMNS: &str = "id, campaign_id, name, items_per_unit, due_on, created_at";

pub(crate) async fn get(c: &mut Conn<'_>, id: CampaignId) -> StoreResult<Option<Campaign>> {
    let row: Option<CampaignRow> = c
        .fetch_optional(
            Q::new(
                "SELECT id, name, description, starts_on, ends_on, archived_at, version, created_at, updated_at \
                 FROM campaigns WHERE id = $1",
            )
            .bind(id),
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(assemble(c, row).await?))
}

async fn assemble(c: &mut Conn<'_>, row: CampaignRow) -> StoreResult<Campaign> {
    record! {
        struct PhaseRow {
            id: PhaseId as i64,
            name: String,
            due_on: Option<NaiveDate>,
        }
    }
    let phases: Vec<PhaseRow> = c
        .fetch_all(
            Q::new("SELECT id, name, due_on FROM campaign_phases WHERE campaign_id = $1 ORDER BY position")
                .bind(row.id),
        )
        .await?;
    let unit_ids: Vec<UnitId> = c
        .fetch_ids(Q::new("SELECT unit_id FROM campaign_units WHERE campaign_id = $1 ORDER BY unit_id").bind(row.id))
        .await?;
    let batches: Vec<BatchRow> = c
        .fetch_all(
            Q::new(format!("SELECT {BATCH_COLUMNS} FROM batches WHERE campaign_id = $1 ORDER BY id")).bind(row.id),
        )
        .await?;
    Ok(Campaign {
        id: row.id,
        name: row.name,
        description: row.description,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        phases: phases.into_iter().map(|p| Phase { id: p.id, name: p.name, due_on: p.due_on }).collect(),
        unit_ids,
        batches: batches.into_iter().map(Batch::from).collect(),
        archived: row.archived_at.is_some(),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A live campaign, or a field error naming `field`.
pub(crate) async fn require_live_campaign(c: &mut Conn<'_>, id: CampaignId, field: &str) -> StoreResult<Campaign> {
    match get(c, id).await? {
        Some(camp) if !camp.archived => Ok(camp),
        _ => Err(DomainError::unknown(field, Entity::Campaign).into()),
    }
}

pub(crate) async fn get_batch(c: &mut Conn<'_>, id: BatchId) -> StoreResult<Option<Batch>> {
    let row: Option<BatchRow> =
        c.fetch_optional(Q::new(format!("SELECT {BATCH_COLUMNS} FROM batches WHERE id = $1")).bind(id)).await?;
    Ok(row.map(Batch::from))
}

/// Replaces the phases and participating units of a campaign with `f`'s.
async fn write_parts(c: &mut Conn<'_>, id: CampaignId, f: &CampaignFields) -> StoreResult<()> {
    for (i, u) in f.unit_ids.iter().enumerate() {
        require_live(c, *u, &format!("unit_ids[{i}]")).await?;
    }
    // Phases are owned by the campaign and have no identity of their own outside it: the
    // campaign's history row keeps every earlier version.
    c.execute(Q::new("DELETE FROM campaign_phases WHERE campaign_id = $1").bind(id)).await?;
    for (pos, (name, due)) in f.phases.iter().enumerate() {
        c.execute(
            Q::new("INSERT INTO campaign_phases (campaign_id, position, name, due_on) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(pos as i64)
                .bind(name.as_str())
                .bind(*due),
        )
        .await?;
    }
    c.execute(Q::new("DELETE FROM campaign_units WHERE campaign_id = $1").bind(id)).await?;
    for u in &f.unit_ids {
        c.execute(Q::new("INSERT INTO campaign_units (campaign_id, unit_id) VALUES ($1, $2)").bind(id).bind(*u))
            .await?;
    }
    Ok(())
}

/// One line of an immediate-rectification list, with the unit's name.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImmediateListLine {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub participant: bool,
    pub proposed: u64,
    pub closed: u64,
    pub owed: u64,
}

/// `GET /api/v1/batches/{id}/immediate-list`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImmediateListReport {
    pub batch: Batch,
    pub campaign_name: String,
    pub items_per_unit: u32,
    pub total_proposed: u64,
    pub total_closed: u64,
    pub rate: f64,
    /// Participating units that have not yet proposed their quota.
    pub units_owing: Vec<ImmediateListLine>,
    pub units: Vec<ImmediateListLine>,
}

impl Campaigns<'_> {
    pub async fn create_campaign(
        &self,
        actor: &Actor,
        input: NewCampaign,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Campaign>> {
        authorize(actor, Permission::ManageCampaigns, Party::Office)?;
        let f = input.validate()?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let id: CampaignId = c
                    .returning_id(
                        Q::new(
                            "INSERT INTO campaigns (name, description, starts_on, ends_on, version, created_at, \
                                 updated_at) \
                                 VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
                        )
                        .bind(&f.name)
                        .bind(f.description.clone())
                        .bind(f.starts_on)
                        .bind(f.ends_on)
                        .bind(now),
                    )
                    .await?;
                write_parts(&mut c, id, &f).await?;
                let campaign = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Campaign, id))?;
                created(&mut c, &actor, now, Entity::Campaign, id, campaign).await
            })
        })
        .await
    }

    pub async fn update_campaign(&self, actor: &Actor, id: CampaignId, patch: CampaignPatch) -> StoreResult<Campaign> {
        authorize(actor, Permission::ManageCampaigns, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Campaign, id))?;
                    check_version(Entity::Campaign, patch.version, before.version)?;
                    let f = patch.apply(&before)?;
                    let archive = patch.archived.unwrap_or(before.archived);
                    versioned::update(
                        &mut c,
                        Entity::Campaign,
                        before.version,
                        Q::new(
                            "UPDATE campaigns SET name = $1, description = $2, starts_on = $3, ends_on = $4, \
                                 archived_at = CASE WHEN $5 THEN COALESCE(archived_at, $6) END, version = version + 1, \
                                 updated_at = $6 WHERE id = $7 AND version = $8",
                        )
                        .bind(&f.name)
                        .bind(f.description.clone())
                        .bind(f.starts_on)
                        .bind(f.ends_on)
                        .bind(archive)
                        .bind(now)
                        .bind(id)
                        .bind(before.version),
                    )
                    .await?;
                    if patch.phases.is_some() || patch.unit_ids.is_some() {
                        write_parts(&mut c, id, &f).await?;
                    }
                    let after = get(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Campaign, id))?;
                    let action = archive_action(before.archived, after.archived);
                    changed(&mut c, &actor, now, Entity::Campaign, id, action, None, &before, after).await
                })
            })
            .await
    }

    pub async fn get_campaign(&self, actor: &Actor, id: CampaignId) -> StoreResult<Campaign> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let campaign = self.db.read(move |tx| Box::pin(async move { get(&mut tx.conn(), id).await })).await?;
        campaign.ok_or_else(|| DomainError::not_found(Entity::Campaign, id).into())
    }

    pub async fn list_campaigns(
        &self,
        actor: &Actor,
        include_archived: bool,
        page: &PageRequest,
    ) -> StoreResult<Page<Campaign>> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let mut q = Q::new(
            "SELECT id, name, description, starts_on, ends_on, archived_at, version, created_at, updated_at \
             FROM campaigns WHERE 1 = 1",
        );
        if !include_archived {
            q.push(" AND archived_at IS NULL");
        }
        if let Some(after) = &page.after {
            q.push(" AND id < ").push_bind(after.id);
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
        let limit = page.limit as usize;
        let (items, more) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let rows: Vec<CampaignRow> = c.fetch_all(q).await?;
                    let more = rows.len() > limit;
                    let mut items = Vec::new();
                    for row in rows.into_iter().take(limit) {
                        items.push(assemble(&mut c, row).await?);
                    }
                    Ok((items, more))
                })
            })
            .await?;
        let next_cursor =
            if more { items.last().map(|c: &Campaign| Cursor { key: None, id: c.id.get() }.encode()) } else { None };
        Ok(Page { items, next_cursor })
    }

    pub async fn create_batch(
        &self,
        actor: &Actor,
        input: NewBatch,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Batch>> {
        authorize(actor, Permission::ManageCampaigns, Party::Office)?;
        let f: BatchFields = input.validate()?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let before = require_live_campaign(&mut c, f.campaign_id, "campaign_id").await?;
                let id: BatchId = c
                    .returning_id(
                        Q::new(
                            "INSERT INTO batches (campaign_id, name, items_per_unit, due_on, created_at) \
                                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        )
                        .bind(f.campaign_id)
                        .bind(&f.name)
                        .bind(f.items_per_unit)
                        .bind(f.due_on)
                        .bind(now),
                    )
                    .await?;
                let after = get(&mut c, f.campaign_id)
                    .await?
                    .ok_or_else(|| DomainError::not_found(Entity::Campaign, f.campaign_id))?;
                history::record(
                    &mut c,
                    &actor,
                    now,
                    Change {
                        entity: Entity::Campaign,
                        entity_id: f.campaign_id.to_string(),
                        action: "add_batch",
                        note: Some(&f.name),
                        before: Some(&before),
                        after: Some(&after),
                    },
                )
                .await?;
                get_batch(&mut c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Batch, id).into())
            })
        })
        .await
    }

    pub async fn get_batch(&self, actor: &Actor, id: BatchId) -> StoreResult<Batch> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let batch = self.db.read(move |tx| Box::pin(async move { get_batch(&mut tx.conn(), id).await })).await?;
        batch.ok_or_else(|| DomainError::not_found(Entity::Batch, id).into())
    }

    pub async fn list_batches(&self, actor: &Actor, campaign: Option<CampaignId>) -> StoreResult<Vec<Batch>> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let mut q = Q::new(format!("SELECT {BATCH_COLUMNS} FROM batches WHERE 1 = 1"));
        if let Some(c) = campaign {
            q.push(" AND campaign_id = ").push_bind(c);
        }
        q.push(" ORDER BY id");
        let rows: Vec<BatchRow> = self.db.fetch_all(q).await?;
        Ok(rows.into_iter().map(Batch::from).collect())
    }

    /// The 立改清单 of a batch: each participating unit's proposed and closed items.
    pub async fn immediate_list(&self, actor: &Actor, id: BatchId) -> StoreResult<ImmediateListReport> {
        authorize(actor, Permission::ViewStats, Party::Other)?;
        self.db.read(move |tx| Box::pin(async move { immediate_list_of(&mut tx.conn(), id).await })).await
    }
}

async fn immediate_list_of(c: &mut Conn<'_>, id: BatchId) -> StoreResult<ImmediateListReport> {
    {
        let batch = get_batch(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Batch, id))?;
        let campaign = get(c, batch.campaign_id)
            .await?
            .ok_or_else(|| DomainError::not_found(Entity::Campaign, batch.campaign_id))?;
        record! {
            struct CountRow {
                unit_id: UnitId as i64,
                proposed: i64,
                closed: i64,
            }
        }
        let rows: Vec<CountRow> = c
            .fetch_all(
                Q::new(
                    "SELECT unit_id, COUNT(*) AS proposed, COUNT(*) FILTER (WHERE state = 'closed') AS closed \
                     FROM problems WHERE batch_id = $1 AND archived_at IS NULL GROUP BY unit_id",
                )
                .bind(id),
            )
            .await?;
        let counts: BTreeMap<UnitId, (u64, u64)> =
            rows.iter().map(|r| (r.unit_id, (r.proposed as u64, r.closed as u64))).collect();
        let list: ImmediateList = immediate_list(batch.items_per_unit, &campaign.unit_ids, &counts);
        let names = unit_names(c).await?;
        let name_line = |l: &rectify_domain::immediate::QuotaLine| ImmediateListLine {
            unit_id: l.unit_id,
            unit_name: names.get(&l.unit_id).cloned().unwrap_or_default(),
            participant: l.participant,
            proposed: l.proposed,
            closed: l.closed,
            owed: l.owed,
        };
        let units: Vec<ImmediateListLine> = list.units.iter().map(name_line).collect();
        Ok(ImmediateListReport {
            items_per_unit: batch.items_per_unit,
            campaign_name: campaign.name,
            batch,
            total_proposed: list.total_proposed,
            total_closed: list.total_closed,
            rate: list.rate,
            units_owing: units.iter().filter(|l| list.units_owing.contains(&l.unit_id)).cloned().collect(),
            units,
        })
    }
}

/// Every unit's name, for labelling figures.
pub(crate) async fn unit_names(c: &mut Conn<'_>) -> StoreResult<HashMap<UnitId, String>> {
    c.fetch_names(Q::new("SELECT id, name FROM units")).await
}
