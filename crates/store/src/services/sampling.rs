//! Return-visit sampling (回访抽查, issue 19): the office draws done service cases of a period
//! with `rectify_domain::service::sampling::draw`, keeps the seed and the digest of what it drew
//! from, rings the applicants (their phone revealed with a recorded reason) and records each
//! call; a call that finds the applicant unsatisfied or the ledger untrue writes a problem of the
//! unit into the ledger in the same transaction.

use super::cases::{cases_by_ids, file_problem};
use crate::areas::Services;
use crate::db::{Q, record};
use crate::error::StoreResult;
use crate::inspections::{from_json, to_json};
use crate::{pii, units};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{ProblemId, ServiceCaseId, ServiceSampleId, UnitId};
use rectify_domain::privacy::{Contact, RevealRequest};
use rectify_domain::service::sampling::{
    CallOutcome, NewCall, NewSample, SampleCall, SampledCase, ServiceSample, call_problem, digest, draw,
};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue};

record! {
    struct SampleRow {
        id: ServiceSampleId as i64,
        unit_id: Option<UnitId> as Option<i64>,
        from_on: NaiveDate,
        to_on: NaiveDate,
        size: i64,
        pool_size: i64,
        seed: String,
        snapshot_digest: String,
        case_ids: String,
        drawn_by: Option<String>,
        drawn_at: Timestamp as DateTime<Utc>,
    }
}

impl SampleRow {
    fn into_sample(self, cases: Vec<SampledCase>) -> ServiceSample {
        ServiceSample {
            id: self.id,
            unit_id: self.unit_id,
            from: self.from_on,
            to: self.to_on,
            size: u32::try_from(self.size).unwrap_or(0),
            pool_size: u32::try_from(self.pool_size).unwrap_or(0),
            seed: self.seed,
            snapshot_digest: self.snapshot_digest,
            drawn_at: self.drawn_at,
            drawn_by: self.drawn_by,
            cases,
        }
    }
}

record! {
    struct CallRow {
        case_id: ServiceCaseId as i64,
        outcome: CallOutcome as String,
        note: Option<String>,
        problem_id: Option<ProblemId> as Option<i64>,
        called_at: Timestamp as DateTime<Utc>,
        username: Option<String>,
    }
}

const SAMPLE: &str = "SELECT s.id, s.unit_id, s.from_on, s.to_on, s.size, s.pool_size, s.seed, s.snapshot_digest, \
     s.case_ids, a.username AS drawn_by, s.drawn_at FROM service_samples s LEFT JOIN accounts a ON a.id = s.drawn_by";

/// The office draws and rings; nobody else sees the samples.
fn office(actor: &Actor) -> StoreResult<()> {
    Ok(authorize(actor, Permission::ManageServices, Party::Office)?)
}

impl Services<'_> {
    /// Draws a sample of the cases done in the period (of the unit and the units below it).
    pub async fn draw_sample(&self, actor: &Actor, input: NewSample) -> StoreResult<ServiceSample> {
        office(actor)?;
        let f = input.validate(self.today())?;
        let now = self.now();
        let writer = actor.clone();
        let id = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let actor = writer;
                    let mut q =
                        Q::new("SELECT id FROM service_cases WHERE state = 'done' AND done_on >= $1 AND done_on <= $2")
                            .bind(f.from)
                            .bind(f.to);
                    if let Some(unit) = f.unit_id {
                        units::require_live(&mut c, unit, "unit_id").await?;
                        let below = units::subtree(&mut c, unit).await?;
                        q.push(" AND ");
                        q.push_in("unit_id", below.iter().copied());
                    }
                    let pool: Vec<(i64,)> = c.fetch_all(q).await?;
                    let pool: Vec<ServiceCaseId> = pool.into_iter().map(|(id,)| ServiceCaseId(id)).collect();
                    if pool.is_empty() {
                        // Nothing was done in the period: there is no one to ring.
                        return Err(DomainError::field("to", Issue::OutOfRange { min: 1, max: 0 }).into());
                    }
                    let seed = fresh_seed();
                    let drawn = draw(&pool, f.size, seed.as_bytes());
                    let id: ServiceSampleId = c
                        .returning_id(
                            Q::new(
                                "INSERT INTO service_samples (unit_id, from_on, to_on, size, pool_size, seed, \
                                 snapshot_digest, case_ids, drawn_by, drawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                                 $8, $9, $10) RETURNING id",
                            )
                            .bind(f.unit_id)
                            .bind(f.from)
                            .bind(f.to)
                            .bind(i64::from(f.size))
                            .bind(pool.len() as i64)
                            .bind(seed.clone())
                            .bind(hex::encode(digest(&pool)))
                            .bind(to_json(&drawn.iter().map(|c| c.0).collect::<Vec<_>>())?)
                            .bind(actor.account_id)
                            .bind(now),
                        )
                        .await?;
                    let note = format!("{}—{}，{}件中抽取{}件", f.from, f.to, pool.len(), drawn.len());
                    let change = crate::history::Change {
                        entity: Entity::ServiceSample,
                        entity_id: id.to_string(),
                        action: "draw",
                        note: Some(&note),
                        before: None::<&serde_json::Value>,
                        after: Some(&serde_json::json!({ "seed": seed, "cases": drawn })),
                    };
                    crate::history::record(&mut c, &actor, now, change).await?;
                    Ok(id)
                })
            })
            .await?;
        self.get_sample(actor, id).await
    }

    /// A sample with its cases (the applicant masked) and what each call found.
    pub async fn get_sample(&self, actor: &Actor, id: ServiceSampleId) -> StoreResult<ServiceSample> {
        office(actor)?;
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let row: Option<SampleRow> =
                        c.fetch_optional(Q::new(format!("{SAMPLE} WHERE s.id = $1")).bind(id)).await?;
                    let r = row.ok_or_else(|| DomainError::not_found(Entity::ServiceSample, id))?;
                    let ids: Vec<ServiceCaseId> =
                        from_json::<Vec<i64>>(&r.case_ids, "sample cases")?.into_iter().map(ServiceCaseId).collect();
                    let cases = cases_by_ids(&mut c, &vault, (&cal, today, yellow), &ids).await?;
                    let calls: Vec<CallRow> = c
                        .fetch_all(
                            Q::new(
                                "SELECT k.case_id, k.outcome, k.note, k.problem_id, k.called_at, a.username \
                                 FROM service_sample_calls k LEFT JOIN accounts a ON a.id = k.called_by \
                                 WHERE k.sample_id = $1",
                            )
                            .bind(id),
                        )
                        .await?;
                    let cases = cases
                        .into_iter()
                        .map(|case| {
                            let call = calls.iter().find(|k| k.case_id == case.id).map(|k| SampleCall {
                                outcome: k.outcome,
                                note: k.note.clone(),
                                problem_id: k.problem_id,
                                called_at: k.called_at,
                                called_by: k.username.clone(),
                            });
                            SampledCase { case, call }
                        })
                        .collect();
                    Ok(r.into_sample(cases))
                })
            })
            .await
    }

    /// The samples drawn, newest first (without their cases).
    pub async fn list_samples(&self, actor: &Actor) -> StoreResult<Vec<ServiceSample>> {
        office(actor)?;
        let rows: Vec<SampleRow> = self.db.fetch_all(Q::new(format!("{SAMPLE} ORDER BY s.id DESC LIMIT 200"))).await?;
        Ok(rows.into_iter().map(|r| r.into_sample(Vec::new())).collect())
    }

    /// Records what the call to a drawn case's applicant found. A case not reached may be rung
    /// again; one answered is recorded once. Unsatisfied or untrue: a problem of the unit.
    pub async fn record_call(&self, actor: &Actor, id: ServiceSampleId, input: NewCall) -> StoreResult<ServiceSample> {
        office(actor)?;
        let (case_id, outcome, note) = input.validate()?;
        let thresholds = self.reference().light_thresholds().await?.value;
        let (cal, _, _) = self.reading().await?;
        let now = self.now();
        let (actor2, vault) = (actor.clone(), self.vault().clone());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let actor = actor2;
                    let ids: Option<String> = c
                        .scalar_optional(Q::new("SELECT case_ids FROM service_samples WHERE id = $1").bind(id))
                        .await?;
                    let ids: Vec<i64> =
                        from_json(&ids.ok_or_else(|| DomainError::not_found(Entity::ServiceSample, id))?, "sample cases")?;
                    if !ids.contains(&case_id.0) {
                        return Err(DomainError::unknown("case_id", Entity::ServiceCase).into());
                    }
                    let before: Option<String> = c
                        .scalar_optional(
                            Q::new("SELECT outcome FROM service_sample_calls WHERE sample_id = $1 AND case_id = $2")
                                .bind(id)
                                .bind(case_id),
                        )
                        .await?;
                    match before.as_deref().and_then(CallOutcome::parse) {
                        None => {}
                        Some(CallOutcome::Unreached) => {
                            c.execute(
                                Q::new("DELETE FROM service_sample_calls WHERE sample_id = $1 AND case_id = $2")
                                    .bind(id)
                                    .bind(case_id),
                            )
                            .await?;
                        }
                        Some(_) => return Err(DomainError::field("case_id", Issue::Duplicate).into()),
                    }
                    let problem = match (outcome.is_problem(), &note) {
                        (true, Some(note)) => {
                            let case = cases_by_ids(&mut c, &vault, (&cal, now.china_date(), 0), &[case_id]).await?;
                            let case = case.into_iter().next().ok_or_else(|| DomainError::unknown("case_id", Entity::ServiceCase))?;
                            let text = call_problem(&case.tracking_code, &case.item_name, outcome, note);
                            Some(file_problem(&mut c, &actor, case.unit_id, text, &cal, &thresholds, now).await?)
                        }
                        _ => None,
                    };
                    c.execute(
                        Q::new(
                            "INSERT INTO service_sample_calls (sample_id, case_id, outcome, note, problem_id, called_by, \
                             called_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(id)
                        .bind(case_id)
                        .bind(outcome.as_str())
                        .bind(note.clone())
                        .bind(problem)
                        .bind(actor.account_id)
                        .bind(now),
                    )
                    .await?;
                    let change = crate::history::Change {
                        entity: Entity::ServiceSample,
                        entity_id: id.to_string(),
                        action: "call",
                        note: note.as_deref(),
                        before: None::<&serde_json::Value>,
                        after: Some(&serde_json::json!({ "case_id": case_id, "outcome": outcome, "problem_id": problem })),
                    };
                    crate::history::record(&mut c, &actor, now, change).await?;
                    Ok(())
                })
            })
            .await?;
        self.get_sample(actor, id).await
    }

    /// A service case's applicant in full, for the office ringing them back, with the stated
    /// reason recorded in the audit chain in the same transaction (no record, no reveal).
    pub async fn reveal_applicant(
        &self,
        actor: &Actor,
        id: ServiceCaseId,
        req: &RevealRequest,
    ) -> StoreResult<Contact> {
        let reason = req.reason()?;
        authorize(actor, Permission::RevealContact, Party::Other)?;
        let (actor, now, vault) = (actor.clone(), self.now(), self.vault().clone());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    record! {
                        struct Sealed {
                            applicant_name: String,
                            applicant_phone: String,
                        }
                    }
                    let sealed: Option<Sealed> = c
                        .fetch_optional(
                            Q::new("SELECT applicant_name, applicant_phone FROM service_cases WHERE id = $1").bind(id),
                        )
                        .await?;
                    let sealed = sealed.ok_or_else(|| DomainError::not_found(Entity::ServiceCase, id))?;
                    let contact = Contact {
                        name: Some(vault.open(pii::APPLICANT_NAME, &sealed.applicant_name)?),
                        phone: Some(vault.open(pii::APPLICANT_PHONE, &sealed.applicant_phone)?),
                        ..Contact::default()
                    };
                    let event = crate::audit::Event {
                        actor: &actor.username,
                        kind: "reveal",
                        subject: format!("service_case:{id}"),
                        action: "reveal_contact",
                        payload: serde_json::json!({ "reason": reason, "fields": ["name", "phone"] }),
                    };
                    crate::audit::append(&mut c, now, event).await?;
                    Ok(contact)
                })
            })
            .await
    }
}

/// A seed no one can guess before the draw: 128 random bits, hex.
fn fresh_seed() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
