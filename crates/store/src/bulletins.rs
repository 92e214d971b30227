//! Bulletins (简报) of a campaign: drafts the office composes, previewed with the ledger's
//! figures of the moment, and published issues numbered per campaign whose content is frozen
//! (their figures do not change later). Published issues are public.
//!
//! What a bulletin says is decided by `rectify_domain::bulletin::compose`; this module reads the
//! facts it needs in one snapshot.

use crate::areas::Bulletins;
use crate::campaigns::{get_batch, require_live_campaign, unit_names};
use crate::db::{Conn, Q, record, set};
use crate::error::{StoreError, StoreResult, parse_stored};
use crate::idempotency::{Created, IdempotencyKey};
use crate::inspections::{from_json, to_json};
use crate::page::{Cursor, Page, PageRequest};
use crate::services::ServiceGroupBy;
use crate::versioned::{self, changed, created};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::bulletin::{
    Bulletin, BulletinContent, BulletinDecision, BulletinFacts, BulletinFields, BulletinHotSpot, BulletinHotSpots,
    BulletinPatch, BulletinRequest, BulletinServiceLine, BulletinServices, BulletinStatus, Composition, HOT_SPOT_DAYS,
    MAX_HOT_SPOTS, NewBulletin, OverdueItem, Sections, SelectedItem, compose, fire,
};
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::figures::{CloseBasis, ProblemFact};
use rectify_domain::ids::{BatchId, BulletinId, CampaignId, CaseId, ProblemId, UnitId};
use rectify_domain::light::LightThresholds;
use rectify_domain::patch::Change;
use rectify_domain::problem::ProblemState;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Rule};
use std::collections::HashMap;
use std::sync::Arc;

record! {
    struct BulletinRow {
        id: i64,
        campaign_id: i64,
        batch_id: Option<i64>,
        number: Option<i64>,
        status: String,
        headline: String,
        issuer: String,
        issued_on: NaiveDate,
        composition: String,
        content: Option<String>,
        published_at: Option<DateTime<Utc>>,
        version: i64,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, campaign_id, batch_id, number, status, headline, issuer, issued_on, composition, content, \
    published_at, version, created_at, updated_at";

impl BulletinRow {
    fn into_bulletin(self, with_content: bool) -> StoreResult<Bulletin> {
        let content = match (&self.content, with_content) {
            (Some(c), true) => Some(from_json::<BulletinContent>(c, "bulletin content")?),
            _ => None,
        };
        Ok(Bulletin {
            id: BulletinId(self.id),
            campaign_id: CampaignId(self.campaign_id),
            batch_id: self.batch_id.map(BatchId),
            number: self.number.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
            status: parse_stored("bulletin status", &self.status, BulletinStatus::parse)?,
            headline: self.headline,
            issuer: self.issuer,
            issued_on: self.issued_on,
            composition: from_json(&self.composition, "bulletin composition")?,
            published_at: self.published_at.map(Timestamp::from_utc),
            version: self.version,
            created_at: Timestamp::from_utc(self.created_at),
            updated_at: Timestamp::from_utc(self.updated_at),
            content,
        })
    }
}

async fn read(c: &mut Conn<'_>, id: BulletinId) -> StoreResult<Bulletin> {
    let row: Option<BulletinRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM bulletins WHERE id = $1")).bind(id)).await?;
    row.ok_or_else(|| DomainError::not_found(Entity::Bulletin, id))?.into_bulletin(true)
}

/// Drafts are the office's; a published issue is anyone's (a draft is "not found" to others).
fn may_see(actor: &Actor, b: &Bulletin) -> StoreResult<()> {
    if b.status == BulletinStatus::Published || authorize(actor, Permission::ManageBulletins, Party::Office).is_ok() {
        Ok(())
    } else {
        Err(DomainError::not_found(Entity::Bulletin, b.id).into())
    }
}

/// Checks the campaign and the batch of a draft, and fills in its defaults.
async fn settle_fields(
    c: &mut Conn<'_>,
    f: &BulletinFields,
    office_name: &str,
    today: NaiveDate,
) -> StoreResult<(String, String, NaiveDate)> {
    let campaign = require_live_campaign(c, f.campaign_id, "campaign_id").await?;
    if let Some(b) = f.batch_id {
        let batch = get_batch(c, b).await?.ok_or_else(|| DomainError::unknown("batch_id", Entity::Batch))?;
        if batch.campaign_id != f.campaign_id {
            return Err(DomainError::rule(Rule::BatchNotInCampaign, "batch_id").into());
        }
    }
    for (i, s) in f.composition.selected.iter().enumerate() {
        let (table, id, entity) = match (s.problem_id, s.case_id) {
            (Some(p), _) => ("problems", p.get(), Entity::Problem),
            (None, Some(k)) => ("cases", k.get(), Entity::Case),
            (None, None) => continue,
        };
        let exists: Option<i64> =
            c.scalar_optional(Q::new(format!("SELECT id FROM {table} WHERE id = $1")).bind(id)).await?;
        if exists.is_none() {
            let field = if entity == Entity::Problem { "problem_id" } else { "case_id" };
            return Err(DomainError::unknown(format!("selected[{i}].{field}"), entity).into());
        }
    }
    Ok((
        f.headline.clone().unwrap_or(campaign.name),
        f.issuer.clone().unwrap_or_else(|| office_name.to_owned()),
        f.issued_on.unwrap_or(today),
    ))
}

record! {
    struct FactRow {
        unit_id: i64,
        category: Option<String>,
        state: String,
        deadline: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        done_on: Option<NaiveDate>,
        close_basis: Option<String>,
        reopen_count: i64,
    }
}

record! {
    struct OverdueRow {
        id: i64,
        reference: Option<String>,
        unit_id: i64,
        description: String,
        due_on: NaiveDate,
    }
}

/// The live problems of a campaign (and batch): one fact each.
pub(crate) async fn problem_facts(
    c: &mut Conn<'_>,
    campaign: CampaignId,
    batch: Option<BatchId>,
) -> StoreResult<Vec<ProblemFact>> {
    let mut q = Q::new(
        "SELECT unit_id, category, state, deadline, due_on, done_on, close_basis, reopen_count FROM problems \
         WHERE archived_at IS NULL AND campaign_id = $1",
    )
    .bind(campaign);
    if let Some(b) = batch {
        q.push(" AND batch_id = ").push_bind(b);
    }
    let rows: Vec<FactRow> = c.fetch_all(q).await?;
    rows.into_iter()
        .map(|r| {
            Ok(ProblemFact {
                unit_id: UnitId(r.unit_id),
                category: r.category,
                state: parse_stored("problem state", &r.state, ProblemState::parse)?,
                deadline: r.deadline,
                due_on: r.due_on,
                done_on: r.done_on,
                close_basis: r
                    .close_basis
                    .as_deref()
                    .map(|b| parse_stored("close basis", b, CloseBasis::parse))
                    .transpose()?,
                reopened: r.reopen_count > 0,
            })
        })
        .collect()
}

/// The red items of a campaign (and batch), most overdue first.
async fn overdue_items(
    c: &mut Conn<'_>,
    campaign: CampaignId,
    batch: Option<BatchId>,
    t: &LightThresholds,
    calendar: &WorkCalendar,
    names: &HashMap<UnitId, String>,
) -> StoreResult<Vec<OverdueItem>> {
    let mut q = Q::new(
        "SELECT id, ref AS reference, unit_id, description, due_on FROM problems \
         WHERE archived_at IS NULL AND campaign_id = $1 AND state IN ('open', 'in_progress') AND due_on < $2",
    )
    .bind(campaign)
    .bind(t.today);
    if let Some(b) = batch {
        q.push(" AND batch_id = ").push_bind(b);
    }
    q.push(" ORDER BY due_on, id");
    let rows: Vec<OverdueRow> = c.fetch_all(q).await?;
    Ok(rows
        .into_iter()
        .map(|r| OverdueItem {
            problem_id: ProblemId(r.id),
            reference: r.reference,
            unit: names.get(&UnitId(r.unit_id)).cloned().unwrap_or_default(),
            description: r.description,
            due_on: r.due_on,
            days_overdue: calendar.working_days_between(r.due_on, t.today).value.clamp(0, i64::from(u32::MAX)) as u32,
        })
        .collect())
}

record! {
    struct SelectedProblemRow {
        id: i64,
        unit_id: i64,
        description: String,
        category: Option<String>,
    }
}

record! {
    struct SelectedCaseRow {
        id: i64,
        unit_id: Option<i64>,
        title: Option<String>,
        content: String,
        answer: Option<String>,
    }
}

/// The items staff chose, as printed: a problem with its measures, a case with its answer.
async fn selected_items(
    c: &mut Conn<'_>,
    composition: &Composition,
    names: &HashMap<UnitId, String>,
) -> StoreResult<Vec<SelectedItem>> {
    let mut out = Vec::with_capacity(composition.selected.len());
    let unit = |id: i64| names.get(&UnitId(id)).cloned();
    for s in &composition.selected {
        if let Some(p) = s.problem_id {
            let r: Option<SelectedProblemRow> = c
                .fetch_optional(Q::new("SELECT id, unit_id, description, category FROM problems WHERE id = $1").bind(p))
                .await?;
            let Some(r) = r else { continue };
            let measures: Vec<(String,)> = c
                .fetch_all(
                    Q::new(
                        "SELECT description FROM measures WHERE problem_id = $1 AND archived_at IS NULL \
                         ORDER BY position, id",
                    )
                    .bind(p),
                )
                .await?;
            let outcome =
                (!measures.is_empty()).then(|| measures.iter().map(|(m,)| m.as_str()).collect::<Vec<_>>().join("；"));
            out.push(SelectedItem {
                problem_id: Some(ProblemId(r.id)),
                case_id: None,
                unit: unit(r.unit_id),
                title: r.category.unwrap_or_else(|| "整改事项".into()),
                text: r.description,
                outcome,
                comment: s.comment.clone(),
            });
        } else if let Some(k) = s.case_id {
            let r: Option<SelectedCaseRow> = c
                .fetch_optional(Q::new("SELECT id, unit_id, title, content, answer FROM cases WHERE id = $1").bind(k))
                .await?;
            let Some(r) = r else { continue };
            out.push(SelectedItem {
                problem_id: None,
                case_id: Some(CaseId(r.id)),
                unit: r.unit_id.and_then(unit),
                title: r.title.unwrap_or_else(|| "群众诉求".into()),
                text: r.content,
                outcome: r.answer,
                comment: s.comment.clone(),
            });
        }
    }
    Ok(out)
}

/// What a bulletin's figures are judged by, read before its job (jobs await nothing but their
/// connection).
#[derive(Clone)]
struct Reckoning {
    now: Timestamp,
    thresholds: LightThresholds,
    calendar: Arc<WorkCalendar>,
    ranking_min_items: u32,
}

/// The bulletin's content with the ledger as it is in `c`'s snapshot, and the hot spots mined
/// just before (outside the transaction: mining is seconds of work on a large office).
async fn live_content(
    c: &mut Conn<'_>,
    b: &Bulletin,
    r: &Reckoning,
    (hot_spots, services): (Option<BulletinHotSpots>, Option<BulletinServices>),
) -> StoreResult<BulletinContent> {
    let campaign = require_live_campaign(c, b.campaign_id, "campaign_id").await?;
    let batch = match b.batch_id {
        Some(id) => get_batch(c, id).await?,
        None => None,
    };
    let names = unit_names(c).await?;
    let facts = BulletinFacts {
        as_of: r.now,
        thresholds: r.thresholds,
        campaign: campaign.name,
        batch_quota: batch.as_ref().map(|x| x.items_per_unit),
        batch: batch.map(|x| x.name),
        problems: problem_facts(c, b.campaign_id, b.batch_id).await?,
        overdue: overdue_items(c, b.campaign_id, b.batch_id, &r.thresholds, &r.calendar, &names).await?,
        selected: selected_items(c, &b.composition, &names).await?,
        unit_names: names,
        ranking_min_items: r.ranking_min_items,
        hot_spots,
        services,
    };
    Ok(compose(b, facts))
}

/// Writes a step's decision, against the version read: a published issue's number, its frozen
/// `content`, who published it and when.
async fn write_decision(
    c: &mut Conn<'_>,
    actor: &Actor,
    (id, version): (BulletinId, i64),
    d: &BulletinDecision,
    content: Option<&BulletinContent>,
    now: Timestamp,
) -> StoreResult<()> {
    let mut q = Q::new("UPDATE bulletins SET status = ");
    q.push_bind(d.to.as_str()).push(", version = version + 1, updated_at = ").push_bind(now);
    set(&mut q, "number", d.number.clone().map(i64::from));
    set(&mut q, "content", content.map(to_json).transpose()?.map_or(Change::Keep, Change::Set));
    set(&mut q, "published_by", d.published_at.clone().map(|()| actor.account_id));
    set(&mut q, "published_at", d.published_at.clone().map(|()| now));
    q.push(" WHERE id = ").push_bind(id).push(" AND version = ").push_bind(version);
    versioned::update(c, Entity::Bulletin, version, q).await.map_err(|e| {
        // Another instance published the same number at once (a unique index refuses it).
        if e.is_unique_violation() {
            StoreError::from(DomainError::StaleVersion { entity: Entity::Bulletin, current: version })
        } else {
            e
        }
    })
}

impl Bulletins<'_> {
    async fn reckoning(&self) -> StoreResult<Reckoning> {
        Ok(Reckoning {
            now: self.now(),
            thresholds: self.reference().light_thresholds().await?.value,
            calendar: self.reference().calendar().await?,
            ranking_min_items: self.reference().settings().await?.ranking_min_items,
        })
    }

    /// What a bulletin's content reads outside its transaction: the hot spots and the service
    /// figures.
    async fn mined(&self, sections: Sections) -> StoreResult<(Option<BulletinHotSpots>, Option<BulletinServices>)> {
        Ok((self.hot_spots(sections).await?, self.service_figures(sections).await?))
    }

    /// The service figures of the office by unit, of the cases received this year, when the
    /// bulletin shows them and there are any.
    async fn service_figures(&self, sections: Sections) -> StoreResult<Option<BulletinServices>> {
        if !sections.services {
            return Ok(None);
        }
        let today = self.today();
        let (from_month, to_month) = (today.format("%Y-01").to_string(), today.format("%Y-%m").to_string());
        let filter = crate::services::ServiceStatsFilter {
            unit: None,
            from_month: Some(from_month.clone()),
            to_month: Some(to_month.clone()),
        };
        let stats = self.services().service_stats(&Actor::system(), ServiceGroupBy::Unit, &filter).await?;
        if stats.counts.received == 0 {
            return Ok(None);
        }
        let units = stats.groups.iter().map(|g| BulletinServiceLine::of(g.name.clone(), &g.counts)).collect();
        let total = BulletinServiceLine::of("合计".into(), &stats.counts);
        Ok(Some(BulletinServices { from_month, to_month, total, units }))
    }

    /// The hot spots of the office's cases over the [`HOT_SPOT_DAYS`] up to today, when the
    /// bulletin shows them.
    async fn hot_spots(&self, sections: Sections) -> StoreResult<Option<BulletinHotSpots>> {
        if !sections.hot_spots {
            return Ok(None);
        }
        let to = self.today();
        let from = to.checked_sub_days(chrono::Days::new(HOT_SPOT_DAYS - 1)).unwrap_or(to);
        let spots = self.triage().office_hot_spots(from, to, MAX_HOT_SPOTS).await?;
        let items = spots
            .into_iter()
            .map(|h| BulletinHotSpot {
                place: h.place,
                crowd: h.crowd,
                description: h.description,
                from: Timestamp::from_utc(h.from).china_date(),
                to: Timestamp::from_utc(h.to).china_date(),
                count: h.count as u64,
                likes: h.likes,
                heat: h.heat,
            })
            .collect();
        Ok(Some(BulletinHotSpots { from, to, items }))
    }

    /// Starts a draft.
    pub async fn create_bulletin(
        &self,
        actor: &Actor,
        input: NewBulletin,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Bulletin>> {
        authorize(actor, Permission::ManageBulletins, Party::Office)?;
        let f = input.validate()?;
        let office_name = self.reference().settings().await?.office_name;
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let (headline, issuer, issued_on) = settle_fields(&mut c, &f, &office_name, today).await?;
                let id: i64 = c
                    .scalar(
                        Q::new(
                            "INSERT INTO bulletins (campaign_id, batch_id, status, headline, issuer, issued_on, \
                             composition, version, created_by, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9) RETURNING id",
                        )
                        .bind(f.campaign_id)
                        .bind(f.batch_id)
                        .bind(BulletinStatus::Draft.as_str())
                        .bind(headline)
                        .bind(issuer)
                        .bind(issued_on)
                        .bind(to_json(&f.composition)?)
                        .bind(actor.account_id)
                        .bind(now),
                    )
                    .await?;
                let b = read(&mut c, BulletinId(id)).await?;
                created(&mut c, &actor, now, Entity::Bulletin, id, b).await
            })
        })
        .await
    }

    /// Edits a draft; a published issue never changes.
    pub async fn update_bulletin(&self, actor: &Actor, id: BulletinId, patch: BulletinPatch) -> StoreResult<Bulletin> {
        authorize(actor, Permission::ManageBulletins, Party::Office)?;
        let office_name = self.reference().settings().await?.office_name;
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = read(&mut c, id).await?;
                    fire(before.status, Party::Office, BulletinRequest::Edit)?;
                    let f = patch.apply(&before)?;
                    versioned::check_version(Entity::Bulletin, patch.version, before.version)?;
                    let (headline, issuer, issued_on) = settle_fields(&mut c, &f, &office_name, today).await?;
                    versioned::update(
                        &mut c,
                        Entity::Bulletin,
                        before.version,
                        Q::new(
                            "UPDATE bulletins SET batch_id = $1, headline = $2, issuer = $3, issued_on = $4, \
                             composition = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
                        )
                        .bind(f.batch_id)
                        .bind(headline)
                        .bind(issuer)
                        .bind(issued_on)
                        .bind(to_json(&f.composition)?)
                        .bind(now)
                        .bind(id)
                        .bind(before.version),
                    )
                    .await?;
                    let after = read(&mut c, id).await?;
                    changed(&mut c, &actor, now, Entity::Bulletin, id, "update", None, &before, after).await
                })
            })
            .await
    }

    /// Publishes a draft as the campaign's next issue (第N期) and freezes what it says. An office
    /// that printed earlier issues on paper continues their count with `number`, which must come
    /// after every issue published here.
    pub async fn publish_bulletin(
        &self,
        actor: &Actor,
        id: BulletinId,
        version: Option<i64>,
        number: Option<u32>,
    ) -> StoreResult<Bulletin> {
        authorize(actor, Permission::ManageBulletins, Party::Office)?;
        let r = self.reckoning().await?;
        let now = r.now;
        let draft = self.get_bulletin(actor, id).await?;
        let hot_spots = self.mined(draft.composition.sections).await?;
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let mut before = read(&mut c, id).await?;
                    // The number is taken inside the transaction; a unique index refuses a second
                    // instance publishing the same number at once.
                    let next: i64 = c
                        .scalar(
                            Q::new("SELECT COALESCE(MAX(number), 0) + 1 FROM bulletins WHERE campaign_id = $1")
                                .bind(before.campaign_id),
                        )
                        .await?;
                    let next = next.clamp(0, i64::from(u32::MAX)) as u32;
                    let d = fire(before.status, Party::Office, BulletinRequest::Publish { next, asked: number })?;
                    versioned::check_version(Entity::Bulletin, version, before.version)?;
                    let mut numbered = before.clone();
                    numbered.number = d.number.clone().apply_to(before.number);
                    let content = if d.freeze_content {
                        Some(live_content(&mut c, &numbered, &r, hot_spots).await?)
                    } else {
                        None
                    };
                    write_decision(&mut c, &actor, (id, before.version), &d, content.as_ref(), now).await?;
                    let after = read(&mut c, id).await?;
                    before.content = None;
                    changed(&mut c, &actor, now, Entity::Bulletin, id, d.step.as_str(), None, &before, after).await
                })
            })
            .await
    }

    pub async fn get_bulletin(&self, actor: &Actor, id: BulletinId) -> StoreResult<Bulletin> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let b = read(&mut tx.conn(), id).await?;
                    may_see(&actor, &b)?;
                    Ok(b)
                })
            })
            .await
    }

    /// What the bulletin says: a published issue's frozen content, or a draft's with the
    /// figures of this moment (the preview).
    pub async fn bulletin_content(&self, actor: &Actor, id: BulletinId) -> StoreResult<BulletinContent> {
        let b = self.get_bulletin(actor, id).await?;
        if let Some(content) = b.content {
            return Ok(content);
        }
        let (r, hot_spots) = (self.reckoning().await?, self.mined(b.composition.sections).await?);
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    // Published meanwhile: what was frozen.
                    let b = read(&mut c, id).await?;
                    match b.content {
                        Some(content) => Ok(content),
                        None => live_content(&mut c, &b, &r, hot_spots).await,
                    }
                })
            })
            .await
    }

    /// What a bulletin with `input` would say now, without keeping a draft (the command line's
    /// preview).
    pub async fn bulletin_preview(&self, actor: &Actor, input: NewBulletin) -> StoreResult<BulletinContent> {
        authorize(actor, Permission::ManageBulletins, Party::Office)?;
        let f = input.validate()?;
        let office_name = self.reference().settings().await?.office_name;
        let (r, today) = (self.reckoning().await?, self.today());
        let hot_spots = self.mined(f.composition.sections).await?;
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let (headline, issuer, issued_on) = settle_fields(&mut c, &f, &office_name, today).await?;
                    let draft = Bulletin {
                        id: BulletinId(0),
                        campaign_id: f.campaign_id,
                        batch_id: f.batch_id,
                        number: None,
                        status: BulletinStatus::Draft,
                        headline,
                        issuer,
                        issued_on,
                        composition: f.composition,
                        published_at: None,
                        version: 0,
                        created_at: r.now,
                        updated_at: r.now,
                        content: None,
                    };
                    live_content(&mut c, &draft, &r, hot_spots).await
                })
            })
            .await
    }

    /// The published issue `number` of a campaign.
    pub async fn bulletin_by_number(&self, actor: &Actor, campaign: CampaignId, number: u32) -> StoreResult<Bulletin> {
        let row: Option<(i64,)> = self
            .db
            .fetch_optional(
                Q::new("SELECT id FROM bulletins WHERE campaign_id = $1 AND number = $2")
                    .bind(campaign)
                    .bind(i64::from(number)),
            )
            .await?;
        let (id,) = row.ok_or_else(|| DomainError::not_found(Entity::Bulletin, format!("{campaign}/{number}")))?;
        self.bulletins().get_bulletin(actor, BulletinId(id)).await
    }

    /// Bulletins, newest first: published issues for everyone, drafts too for the office.
    pub async fn list_bulletins(
        &self,
        actor: &Actor,
        campaign: Option<CampaignId>,
        page: &PageRequest,
    ) -> StoreResult<Page<Bulletin>> {
        let office = authorize(actor, Permission::ManageBulletins, Party::Office).is_ok();
        let mut q = Q::new(format!("SELECT {COLUMNS} FROM bulletins WHERE 1 = 1"));
        if !office {
            q.push(" AND status = ").push_bind(BulletinStatus::Published.as_str());
        }
        if let Some(cid) = campaign {
            q.push(" AND campaign_id = ").push_bind(cid);
        }
        if let Some(after) = &page.after {
            q.push(" AND id < ").push_bind(after.id);
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
        let rows: Vec<BulletinRow> = self.db.fetch_all(q).await?;
        page.finish(rows, |r| Cursor { key: None, id: r.id }, |r| r.into_bulletin(false))
    }
}
