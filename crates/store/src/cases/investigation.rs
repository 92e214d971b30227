//! 调查核实 of reports and complaints: dispatches of investigators and the outcome, which for a
//! founded report costs the person concerned a verified complaint's points in the same
//! transaction. The rules are the domain's (`rectify_domain::case::investigation`).

use super::{Step, case_party, record_event, visible_row};
use crate::accountability::deduct_in;
use crate::areas::Cases;
use crate::db::{Conn, Json, Q, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::accountability::ActionStatus;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{
    CaseParty, Dispatch, Investigation, InvestigationFacts, InvestigationFigures, InvestigationOutcome, NewDispatch,
    NewOutcome, Outcome,
};
use rectify_domain::ids::{ActionRecordId, CaseId, DeductionId, PersonId};
use rectify_domain::time::{Timestamp, start_of_china_day};
use rectify_domain::{DomainError, Entity};

record! {
    struct DispatchRow {
        id: i64,
        case_id: CaseId as i64,
        investigators: String,
        dispatched_on: NaiveDate,
        place: String,
        findings: Option<String>,
        recorded_by: String,
        recorded_at: Timestamp as DateTime<Utc>,
    }
}

record! {
    struct OutcomeRow {
        outcome: InvestigationOutcome as String,
        conclusion: String,
        decided_on: NaiveDate,
        person_id: Option<PersonId> as Option<i64>,
        deduction_id: Option<DeductionId> as Option<i64>,
        action_ids: Vec<ActionRecordId> as Json,
        decided_by: String,
    }
}

async fn dispatches(c: &mut Conn<'_>, case: CaseId) -> StoreResult<Vec<Dispatch>> {
    let rows: Vec<DispatchRow> = c
        .fetch_all(
            Q::new(
                "SELECT id, case_id, investigators, dispatched_on, place, findings, recorded_by, recorded_at \
                 FROM case_dispatches WHERE case_id = $1 ORDER BY id",
            )
            .bind(case),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Dispatch {
            id: r.id,
            case_id: r.case_id,
            investigators: r.investigators,
            dispatched_on: r.dispatched_on,
            place: r.place,
            findings: r.findings,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        })
        .collect())
}

async fn outcome(c: &mut Conn<'_>, case: CaseId) -> StoreResult<Option<Outcome>> {
    let row: Option<OutcomeRow> = c
        .fetch_optional(
            Q::new(
                "SELECT outcome, conclusion, decided_on, person_id, deduction_id, action_ids, decided_by \
                 FROM case_outcomes WHERE case_id = $1",
            )
            .bind(case),
        )
        .await?;
    Ok(row.map(|r| Outcome {
        outcome: r.outcome,
        conclusion: r.conclusion,
        decided_on: r.decided_on,
        person_id: r.person_id,
        deduction_id: r.deduction_id,
        action_ids: r.action_ids,
        decided_by: r.decided_by,
    }))
}

async fn read(c: &mut Conn<'_>, case: CaseId) -> StoreResult<Investigation> {
    Ok(Investigation { case_id: case, dispatches: dispatches(c, case).await?, outcome: outcome(c, case).await? })
}

/// The case the actor may work on (the office, or the unit it is assigned to), and what its
/// investigation knows.
async fn facts(c: &mut Conn<'_>, actor: &Actor, case: CaseId, office_only: bool) -> StoreResult<InvestigationFacts> {
    let r = visible_row(c, actor, case).await?;
    let party = case_party(c, actor, r.unit_id).await?;
    let allowed = party == CaseParty::Office || (!office_only && party == CaseParty::AssignedUnit);
    if !allowed {
        return Err(DomainError::Forbidden(rectify_domain::Denial::Investigation).into());
    }
    let current = read(c, case).await?;
    Ok(InvestigationFacts {
        case_type: r.case_type,
        state: r.state,
        dispatches: current.dispatches.len(),
        decided: current.outcome.is_some(),
    })
}

impl Cases<'_> {
    /// A case's dispatches and outcome, for whoever may see the case.
    pub async fn investigation(&self, actor: &Actor, case: CaseId) -> StoreResult<Investigation> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    visible_row(&mut c, &actor, case).await?;
                    read(&mut c, case).await
                })
            })
            .await
    }

    /// Records a dispatch of investigators (the office or the assigned unit).
    pub async fn record_dispatch(
        &self,
        actor: &Actor,
        case: CaseId,
        input: NewDispatch,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Investigation>> {
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let f = input.validate(&facts(&mut c, &actor, case, false).await?, today)?;
                c.execute(
                    Q::new(
                        "INSERT INTO case_dispatches (case_id, investigators, dispatched_on, place, findings, \
                         recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(case)
                    .bind(f.investigators.as_str())
                    .bind(f.dispatched_on)
                    .bind(f.place.as_str())
                    .bind(f.findings.clone())
                    .bind(actor.username.as_str())
                    .bind(now),
                )
                .await?;
                let note = format!("{} {} 赴{}调查", f.dispatched_on, f.investigators, f.place);
                record_event(&mut c, case, &actor, now, Step::of("dispatch").note(Some(&note))).await?;
                read(&mut c, case).await
            })
        })
        .await
    }

    /// Records the outcome (the office), once. A founded outcome naming a person deducts a
    /// verified complaint's points from them in the same transaction; the action records it
    /// links must exist and be confirmed.
    pub async fn record_outcome(&self, actor: &Actor, case: CaseId, input: NewOutcome) -> StoreResult<Investigation> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        let scheme = self.reference().settings().await?.points;
        let (now, today) = (self.now(), self.today());
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let f = input.validate(&facts(&mut c, &actor, case, true).await?)?;
                    for (i, id) in f.action_ids.iter().enumerate() {
                        let status: Option<String> = c
                            .scalar_optional(Q::new("SELECT status FROM action_records WHERE id = $1").bind(*id))
                            .await?;
                        match status.as_deref().and_then(ActionStatus::parse) {
                            None => {
                                return Err(
                                    DomainError::unknown(format!("action_ids[{i}]"), Entity::ActionRecord).into()
                                );
                            }
                            Some(ActionStatus::Confirmed) => {}
                            Some(_) => {
                                let rule = rectify_domain::Rule::NotAllowedFromState;
                                return Err(DomainError::rule(rule, format!("action_ids[{i}]")).into());
                            }
                        }
                    }
                    let deduction = match f.deduction(case, today) {
                        Some(d) => {
                            let fields = d.validate(&scheme, today)?;
                            Some(deduct_in(&mut c, &actor, &scheme, &fields, (now, today)).await?.0)
                        }
                        None => None,
                    };
                    c.execute(
                        Q::new(
                            "INSERT INTO case_outcomes (case_id, outcome, conclusion, decided_on, person_id, \
                             deduction_id, action_ids, decided_by, decided_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        )
                        .bind(case)
                        .bind(f.outcome.as_str())
                        .bind(f.conclusion.as_str())
                        .bind(today)
                        .bind(f.person_id)
                        .bind(deduction)
                        .bind(serde_json::to_string(&f.action_ids).unwrap_or_else(|_| "[]".into()))
                        .bind(actor.username.as_str())
                        .bind(now),
                    )
                    .await?;
                    let note = format!("调查结论：{}。{}", f.outcome.label_zh(), f.conclusion);
                    record_event(&mut c, case, &actor, now, Step::of("investigated").note(Some(&note))).await?;
                    read(&mut c, case).await
                })
            })
            .await
    }

    /// Seed 001's figures over `[from, to]` (China dates, both optional): reports accepted,
    /// dispatches, founded outcomes and the people they dealt with. The office's view.
    pub async fn investigation_figures(
        &self,
        actor: &Actor,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> StoreResult<InvestigationFigures> {
        authorize(actor, Permission::ViewAllCases, Party::Other)?;
        let start = from.map(start_of_china_day);
        let end = to.and_then(|d| d.succ_opt()).map(start_of_china_day);
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let mut q = Q::new("SELECT COUNT(*) FROM cases WHERE type = 'report' AND accepted_at IS NOT NULL");
                    if let Some(s) = start {
                        q.push(" AND accepted_at >= ").push_bind(s);
                    }
                    if let Some(e) = end {
                        q.push(" AND accepted_at < ").push_bind(e);
                    }
                    let reports: i64 = c.scalar(q).await?;
                    let dated = |table_date: &str, mut q: Q| {
                        if let Some(f) = from {
                            q.push(&format!(" AND {table_date} >= ")).push_bind(f);
                        }
                        if let Some(t) = to {
                            q.push(&format!(" AND {table_date} <= ")).push_bind(t);
                        }
                        q
                    };
                    let dispatches: i64 = c
                        .scalar(dated("dispatched_on", Q::new("SELECT COUNT(*) FROM case_dispatches WHERE 1 = 1")))
                        .await?;
                    let founded = "FROM case_outcomes WHERE outcome IN ('verified', 'partly_verified')";
                    let outcomes: i64 =
                        c.scalar(dated("decided_on", Q::new(format!("SELECT COUNT(*) {founded}")))).await?;
                    let people: i64 = c
                        .scalar(dated("decided_on", Q::new(format!("SELECT COUNT(DISTINCT person_id) {founded}"))))
                        .await?;
                    let n = |v: i64| v.max(0) as u64;
                    Ok(InvestigationFigures {
                        reports_accepted: n(reports),
                        dispatches: n(dispatches),
                        founded: n(outcomes),
                        people_dealt_with: n(people),
                    })
                })
            })
            .await
    }
}
