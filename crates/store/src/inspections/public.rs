//! What the public transparency page reads of the draws: rounds and re-inspections as
//! `rectify_domain::transparency` discloses them, and the evidence of ended ones. No account is
//! needed; whatever is not disclosed is answered as not found, so the public cannot tell a
//! covert round from none.

use super::reinspections::{read, sample_evidence};
use super::rounds::{covert_running, covert_running_before, groups, row, stored_evidence};
use super::{from_json, page_of, plans};
use crate::areas::Inspections;
use crate::db::{Q, record};
use crate::error::{StoreError, StoreResult};
use crate::page::{Page, PageRequest};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::ids::{PlanId, ReinspectionId, RoundId};
use rectify_domain::inspection::{DrawEvidence, DrawInput, RoundStatus, SampleEvidence, release_evidence};
use rectify_domain::time::Timestamp;
use rectify_domain::transparency::{
    Disclosure, PublicReinspection, PublicRound, ReinspectionRecord, RoundRecord, disclosure,
};
use rectify_domain::{DomainError, Entity};

record! {
    struct RoundRow {
        id: RoundId as i64,
        plan_name: String,
        number: i64,
        scheduled_on: NaiveDate,
        covert: bool,
        status: RoundStatus as String,
        seed_commitment: String,
        seed: Option<String>,
        snapshot: String,
        snapshot_digest: String,
        ended_at: Option<Timestamp> as Option<DateTime<Utc>>,
        covert_running: bool,
    }
}

impl RoundRow {
    fn record(self) -> StoreResult<RoundRecord> {
        // The snapshot is read only for its recent pairs: whether the evidence may be released.
        let snapshot: DrawInput = from_json(&self.snapshot, "round snapshot")?;
        Ok(RoundRecord {
            id: self.id,
            plan_name: self.plan_name,
            number: self.number.clamp(0, i64::from(u32::MAX)) as u32,
            scheduled_on: self.scheduled_on,
            covert: self.covert,
            status: self.status,
            seed_commitment: self.seed_commitment,
            seed: self.seed,
            snapshot_digest: self.snapshot_digest,
            ended_at: self.ended_at,
            evidence_released: release_evidence(snapshot.recent_pairs.len(), self.covert_running).is_ok(),
        })
    }
}

record! {
    struct ReinspectionRow {
        id: ReinspectionId as i64,
        name: String,
        closed_from: NaiveDate,
        closed_to: NaiveDate,
        share_percent: i64,
        status: RoundStatus as String,
        seed_commitment: String,
        seed: Option<String>,
        population_digest: String,
        ended_at: Option<Timestamp> as Option<DateTime<Utc>>,
    }
}

impl ReinspectionRow {
    fn record(self) -> ReinspectionRecord {
        ReinspectionRecord {
            id: self.id,
            name: self.name,
            closed_from: self.closed_from,
            closed_to: self.closed_to,
            share_percent: self.share_percent.clamp(0, 100) as u32,
            status: self.status,
            seed_commitment: self.seed_commitment,
            seed: self.seed,
            population_digest: self.population_digest,
            ended_at: self.ended_at,
        }
    }
}

/// Newest first after the page's cursor, on the table aliased `r`.
fn newest(mut q: Q, page: &PageRequest) -> Q {
    if let Some(after) = &page.after {
        q.push(" AND r.id < ").push_bind(after.id);
    }
    q.push(" ORDER BY r.id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
    q
}

fn hidden(entity: Entity, id: impl std::fmt::Display) -> StoreError {
    DomainError::not_found(entity, id).into()
}

impl Inspections<'_> {
    /// Rounds the public may see, newest first: overt ones from their commitment on, covert ones
    /// once ended. The SQL filter keeps pages full; the domain decides what each one shows.
    pub async fn public_rounds(&self, page: &PageRequest) -> StoreResult<Page<PublicRound>> {
        let page = page.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut q = Q::new(format!(
                        "SELECT r.id, p.name AS plan_name, r.number, r.scheduled_on, p.covert, r.status, \
                         r.seed_commitment, r.seed, r.snapshot, r.snapshot_digest, r.ended_at, \
                         {} AS covert_running \
                         FROM inspection_rounds r JOIN inspection_plans p ON p.id = r.plan_id \
                         WHERE (NOT p.covert OR r.status = ",
                        covert_running_before()
                    ));
                    q.push_bind(RoundStatus::Ended.as_str()).push(")");
                    let rows: Vec<RoundRow> = tx.conn().fetch_all(newest(q, &page)).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        let id = r.id.get();
                        if let Some(shown) = r.record()?.disclose() {
                            out.push((id, shown));
                        }
                    }
                    page_of(&page, out)
                })
            })
            .await
    }

    /// Re-inspections, newest first, as the public sees them.
    pub async fn public_reinspections(&self, page: &PageRequest) -> StoreResult<Page<PublicReinspection>> {
        let page = page.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let q = Q::new(
                        "SELECT r.id, r.name, r.closed_from, r.closed_to, r.share_percent, r.status, \
                         r.seed_commitment, r.seed, r.population_digest, \
                         (SELECT MAX(i.checked_at) FROM reinspection_items i WHERE i.reinspection_id = r.id) AS ended_at \
                         FROM reinspections r WHERE 1 = 1",
                    );
                    let rows: Vec<ReinspectionRow> = tx.conn().fetch_all(newest(q, &page)).await?;
                    let out = rows
                        .into_iter()
                        .filter_map(|r| {
                            let id = r.id.get();
                            r.record().disclose().map(|shown| (id, shown))
                        })
                        .collect();
                    page_of(&page, out)
                })
            })
            .await
    }

    /// An ended round's evidence for anyone; not found while the round is not public in full, or
    /// while its evidence would name a running covert round's targets.
    pub async fn public_round_evidence(&self, id: RoundId) -> StoreResult<DrawEvidence> {
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = row(&mut c, id).await?;
                    let plan = plans::require(&mut c, PlanId(r.plan_id)).await?;
                    if disclosure(plan.covert, r.status()?) != Disclosure::Everything {
                        return Err(hidden(Entity::Round, id));
                    }
                    let drawn = groups(&mut c, id).await?;
                    let ev = stored_evidence(r, drawn)?;
                    if release_evidence(ev.snapshot.recent_pairs.len(), covert_running(&mut c, id).await?).is_err() {
                        return Err(hidden(Entity::Round, id));
                    }
                    Ok(ev)
                })
            })
            .await
    }

    /// An ended re-inspection's sample evidence for anyone; not found before it ends.
    pub async fn public_sample_evidence(&self, id: ReinspectionId) -> StoreResult<SampleEvidence> {
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let r = read(&mut tx.conn(), id).await?;
                    if disclosure(false, r.status) != Disclosure::Everything {
                        return Err(hidden(Entity::Reinspection, id));
                    }
                    Ok(sample_evidence(&r))
                })
            })
            .await
    }
}
