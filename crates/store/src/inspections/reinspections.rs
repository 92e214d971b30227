//! Re-inspection of closed problems (整改回头看): a share of the problems closed in a period,
//! sampled the same verifiable way as a round; a failed check reopens the problem (反弹).

use super::{Drawing, from_json, newest_first, page_of, seed_and_commitment, to_json, write_step};
use crate::areas::Inspections;
use crate::db::{Conn, Q, record};
use crate::error::{StoreResult, parse_stored};
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Page, PageRequest};
use crate::problems::{Move, fire_in};
use crate::versioned::created;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{CampaignId, ProblemId, ReinspectionId, UnitId};
use rectify_domain::inspection::reinspection::{ReinspectionRequest, fire};
use rectify_domain::inspection::{
    CheckOutcome, DrawRequest, NewReinspection, OutcomeRequest, Reinspection, ReinspectionItem, RoundStatus,
    SampleEvidence, Verification, population_digest,
};
use rectify_domain::problem::ProblemState;
use rectify_domain::time::{Timestamp, start_of_china_day};
use rectify_domain::{DomainError, Entity, Rule};

record! {
    struct Row {
        id: i64,
        name: String,
        closed_from: NaiveDate,
        closed_to: NaiveDate,
        share_percent: i64,
        campaign_id: Option<i64>,
        status: String,
        seed_commitment: String,
        seed: Option<String>,
        office_seed: bool,
        population: String,
        population_digest: String,
        created_at: DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, name, closed_from, closed_to, share_percent, campaign_id, status, seed_commitment, seed, office_seed, \
    population, population_digest, created_at";

pub(crate) async fn read(c: &mut Conn<'_>, id: ReinspectionId) -> StoreResult<Reinspection> {
    let r: Option<Row> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM reinspections WHERE id = $1")).bind(id)).await?;
    let r = r.ok_or_else(|| DomainError::not_found(Entity::Reinspection, id))?;
    record! {
        struct ItemRow {
            problem_id: i64,
            unit_id: i64,
            outcome: Option<String>,
            note: Option<String>,
            checked_at: Option<DateTime<Utc>>,
        }
    }
    let items: Vec<ItemRow> = c
        .fetch_all(
            Q::new(
                "SELECT problem_id, unit_id, outcome, note, checked_at FROM reinspection_items \
                 WHERE reinspection_id = $1 ORDER BY problem_id",
            )
            .bind(id),
        )
        .await?;
    let status = parse_stored("reinspection status", &r.status, RoundStatus::parse)?;
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let outcome = i.outcome.as_deref().map(|o| parse_stored("outcome", o, CheckOutcome::parse)).transpose()?;
        out.push(ReinspectionItem {
            problem_id: ProblemId(i.problem_id),
            unit_id: UnitId(i.unit_id),
            outcome,
            note: i.note,
            checked_at: i.checked_at.map(Timestamp::from_utc),
        });
    }
    Ok(Reinspection {
        id: ReinspectionId(r.id),
        name: r.name,
        closed_from: r.closed_from,
        closed_to: r.closed_to,
        share_percent: r.share_percent.clamp(0, 100) as u32,
        campaign_id: r.campaign_id.map(CampaignId),
        status,
        seed_commitment: r.seed_commitment,
        office_seed: r.office_seed,
        population: from_json(&r.population, "reinspection population")?,
        population_digest: r.population_digest,
        seed: if status == RoundStatus::Ended { r.seed } else { None },
        items: out,
        created_at: Timestamp::from_utc(r.created_at),
    })
}

async fn stored_seed(c: &mut Conn<'_>, id: ReinspectionId) -> StoreResult<(Option<String>, i64)> {
    c.fetch_one(Q::new("SELECT seed, version FROM reinspections WHERE id = $1").bind(id)).await
}

fn record_change<'a>(
    r: &'a Reinspection,
    action: &'a str,
    note: Option<&'a str>,
) -> crate::history::Change<'a, Reinspection> {
    crate::history::Change {
        entity: Entity::Reinspection,
        entity_id: r.id.to_string(),
        action,
        note,
        before: None,
        after: Some(r),
    }
}

impl Inspections<'_> {
    /// Fixes the population (problems closed in the period) and publishes the seed's commitment.
    pub async fn create_reinspection(
        &self,
        actor: &Actor,
        input: NewReinspection,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Reinspection>> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let f = input.validate()?;
        let office =
            rectify_domain::inspection::NewRound { seed_commitment: input.seed_commitment, scheduled_on: None }
                .commitment()?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let after = f.closed_to.checked_add_days(Days::new(1)).unwrap_or(f.closed_to);
                if let Some(camp) = f.campaign_id {
                    crate::campaigns::require_live_campaign(&mut c, camp, "campaign_id").await?;
                }
                let mut q = Q::new(
                    "SELECT id FROM problems WHERE state = $1 AND archived_at IS NULL \
                     AND closed_at >= $2 AND closed_at < $3",
                )
                .bind(ProblemState::Closed.as_str())
                .bind(start_of_china_day(f.closed_from))
                .bind(start_of_china_day(after));
                if let Some(camp) = f.campaign_id {
                    q.push(" AND campaign_id = ").push_bind(camp);
                }
                q.push(" ORDER BY id");
                let ids: Vec<(i64,)> = c.fetch_all(q).await?;
                let population: Vec<ProblemId> = ids.into_iter().map(|(i,)| ProblemId(i)).collect();
                if population.is_empty() {
                    return Err(DomainError::rule(Rule::NothingToSample, "closed_from").into());
                }
                let office_seed = office.is_some();
                let (seed, committed) = seed_and_commitment(office);
                let id: i64 = c
                    .scalar(
                        Q::new(
                            "INSERT INTO reinspections (name, closed_from, closed_to, share_percent, campaign_id, \
                             status, seed_commitment, seed, office_seed, population, population_digest, version, \
                             created_by, created_at) VALUES ($1, $2, $3, $4, $13, $5, $6, $7, $8, $9, $10, 1, $11, \
                             $12) RETURNING id",
                        )
                        .bind(f.name.as_str())
                        .bind(f.closed_from)
                        .bind(f.closed_to)
                        .bind(f.share_percent)
                        .bind(RoundStatus::Committed.as_str())
                        .bind(committed)
                        .bind(seed)
                        .bind(office_seed)
                        .bind(to_json(&population)?)
                        .bind(population_digest(&population))
                        .bind(actor.account_id)
                        .bind(now)
                        .bind(f.campaign_id),
                    )
                    .await?;
                let r = read(&mut c, ReinspectionId(id)).await?;
                created(&mut c, &actor, now, Entity::Reinspection, id, r).await
            })
        })
        .await
    }

    /// Draws the sample.
    pub async fn draw_reinspection(
        &self,
        actor: &Actor,
        id: ReinspectionId,
        req: DrawRequest,
    ) -> StoreResult<Reinspection> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = read(&mut c, id).await?;
                    let (kept, version) = stored_seed(&mut c, id).await?;
                    let draw = ReinspectionRequest::Draw { kept: kept.as_deref(), seed: req.seed.as_deref() };
                    let d = fire(&r, Party::Office, draw)?;
                    let sampled = d.sampled.as_ref().map(|s| (s.seed.as_str(), s.problems.as_slice()));
                    for p in sampled.map(|(_, problems)| problems).unwrap_or_default() {
                        c.execute(
                            Q::new(
                                "INSERT INTO reinspection_items (reinspection_id, problem_id, unit_id) \
                                 SELECT $1, id, unit_id FROM problems WHERE id = $2",
                            )
                            .bind(id)
                            .bind(*p),
                        )
                        .await?;
                    }
                    let seed = sampled.map(|(seed, _)| seed);
                    write_step(
                        &mut c,
                        Drawing::Reinspection,
                        (id.get(), version),
                        d.to,
                        seed,
                        &[("drawn_at", &d.drawn_at)],
                        now,
                    )
                    .await?;
                    let after = read(&mut c, id).await?;
                    crate::history::record(&mut c, &actor, now, record_change(&after, d.history_action(), None))
                        .await?;
                    Ok(after)
                })
            })
            .await
    }

    /// Records a check. A failed one reopens the problem with the reason; the last check ends
    /// the re-inspection and reveals the seed.
    pub async fn record_check(
        &self,
        actor: &Actor,
        id: ReinspectionId,
        req: OutcomeRequest,
    ) -> StoreResult<Reinspection> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let (problem, outcome, note) = req.validate()?;
        let t = self.reference().light_thresholds().await?.value;
        let now = self.now();
        let (actor, vault) = (actor.clone(), self.vault.clone());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = read(&mut c, id).await?;
                    let (_, version) = stored_seed(&mut c, id).await?;
                    let state: Option<String> =
                        c.scalar_optional(Q::new("SELECT state FROM problems WHERE id = $1").bind(problem)).await?;
                    let problem_closed = state.as_deref().and_then(ProblemState::parse) == Some(ProblemState::Closed);
                    let check = ReinspectionRequest::RecordCheck { problem, outcome, note: note.as_deref(), problem_closed };
                    let d = fire(&r, Party::Office, check)?;
                    if let Some(done) = &d.check {
                        c.execute(
                            Q::new(
                                "UPDATE reinspection_items SET outcome = $1, note = $2, checked_by = $3, checked_at = $4 \
                                 WHERE reinspection_id = $5 AND problem_id = $6",
                            )
                            .bind(done.outcome.as_str())
                            .bind(done.note.clone())
                            .bind(actor.account_id)
                            .bind(now)
                            .bind(id)
                            .bind(done.problem),
                        )
                        .await?;
                    }
                    if let Some(reason) = d.reopen.clone() {
                        let m = Move::reopen(reason);
                        fire_in(&mut c, &actor, problem, &m, &t, &vault, now).await?;
                    }
                    // Every check moves the version, so two checks at once cannot both miss the end.
                    write_step(&mut c, Drawing::Reinspection, (id.get(), version), d.to, None, &[], now).await?;
                    let after = read(&mut c, id).await?;
                    let change = record_change(&after, d.history_action(), note.as_deref());
                    crate::history::record(&mut c, &actor, now, change).await?;
                    Ok(after)
                })
            })
            .await
    }

    pub async fn get_reinspection(&self, actor: &Actor, id: ReinspectionId) -> StoreResult<Reinspection> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        self.db.read(move |tx| Box::pin(async move { read(&mut tx.conn(), id).await })).await
    }

    /// Re-inspections, newest first.
    pub async fn list_reinspections(&self, actor: &Actor, page: &PageRequest) -> StoreResult<Page<Reinspection>> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let page = page.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let q = newest_first(Q::new("SELECT id FROM reinspections WHERE 1 = 1"), &page);
                    let ids: Vec<(i64,)> = c.fetch_all(q).await?;
                    let mut out = Vec::with_capacity(ids.len());
                    for (i,) in ids {
                        out.push((i, read(&mut c, ReinspectionId(i)).await?));
                    }
                    page_of(&page, out)
                })
            })
            .await
    }

    /// Draws the sample again from the published population and the revealed seed.
    pub async fn verify_reinspection(&self, actor: &Actor, id: ReinspectionId) -> StoreResult<Verification> {
        Ok(sample_evidence(&self.inspections().get_reinspection(actor, id).await?).verify())
    }
}

/// What anyone needs to draw the sample again (the seed only once it has ended).
pub(crate) fn sample_evidence(r: &Reinspection) -> SampleEvidence {
    SampleEvidence {
        reinspection_id: r.id,
        population: r.population.clone(),
        population_digest: r.population_digest.clone(),
        share_percent: r.share_percent,
        seed_commitment: r.seed_commitment.clone(),
        seed: r.seed.clone(),
        sample: r.items.iter().map(|i| i.problem_id).collect(),
    }
}
