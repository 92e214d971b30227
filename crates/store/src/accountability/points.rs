//! Staff members' yearly points (seed 003: 12 a year, a verified complaint costs 4, 诫勉谈话 at
//! zero). Deductions are stored as charged; the balance is worked out by the domain's
//! [`balance`], so it never goes below zero and each year starts afresh.

use super::proposals::propose;
use super::{authorize_view, require_row, visible_units};
use crate::areas::Accountability;
use crate::db::{Conn, Q, record};
use crate::error::{StoreError, StoreResult};
use crate::idempotency::{Created, IdempotencyKey};
use crate::people::require_live_person;
use crate::versioned::created;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::accountability::{
    ActionFields, ActionKind, Deduction, DeductionFields, Grounds, NewDeduction, PersonPoints, PointsScheme,
    PointsStatement, ProposalRule, balance,
};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{CaseId, DeductionId, FindingId, PersonId, ProblemId, UnitId};
use rectify_domain::person::PersonKind;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue};
use std::collections::HashMap;

record! {
    struct DeductionRow {
        id: i64,
        person_id: i64,
        year: i64,
        kind: String,
        points: i64,
        reason: String,
        occurred_on: NaiveDate,
        case_id: Option<i64>,
        problem_id: Option<i64>,
        finding_id: Option<i64>,
        created_by: String,
        created_at: DateTime<Utc>,
    }
}

const COLUMNS: &str =
    "id, person_id, year, kind, points, reason, occurred_on, case_id, problem_id, finding_id, created_by, created_at";

impl DeductionRow {
    fn into_deduction(self) -> StoreResult<Deduction> {
        let number =
            |what: &str, v: i64| u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("deduction {what}")));
        Ok(Deduction {
            id: DeductionId(self.id),
            person_id: PersonId(self.person_id),
            year: i32::try_from(self.year).map_err(|_| StoreError::Corrupt("deduction year".into()))?,
            kind: self.kind,
            points: number("points", self.points)?,
            reason: self.reason,
            date: self.occurred_on,
            case_id: self.case_id.map(CaseId),
            problem_id: self.problem_id.map(ProblemId),
            finding_id: self.finding_id.map(FindingId),
            created_by: self.created_by,
            created_at: Timestamp::from_utc(self.created_at),
        })
    }
}

record! {
    struct StaffRow {
        id: i64,
        name: String,
        unit_id: Option<i64>,
        unit_name: Option<String>,
    }
}

const STAFF: &str = "SELECT p.id, p.name, p.unit_id, u.name AS unit_name FROM people p \
     LEFT JOIN units u ON u.id = p.unit_id WHERE p.kind = 'staff'";

/// What was charged to each person in `year`, in order.
async fn charges(c: &mut Conn<'_>, year: i32) -> StoreResult<HashMap<i64, Vec<u32>>> {
    let q = Q::new("SELECT person_id, points FROM point_deductions WHERE year = $1 ORDER BY id").bind(year);
    let rows: Vec<(i64, i64)> = c.fetch_all(q).await?;
    let mut out: HashMap<i64, Vec<u32>> = HashMap::new();
    for (p, points) in rows {
        out.entry(p).or_default().push(u32::try_from(points).unwrap_or(0));
    }
    Ok(out)
}

fn line(scheme: &PointsScheme, year: i32, s: StaffRow, costs: &[u32]) -> PersonPoints {
    let b = balance(scheme, year, costs);
    PersonPoints {
        person_id: PersonId(s.id),
        name: s.name,
        unit_id: s.unit_id.map(UnitId),
        unit_name: s.unit_name,
        year,
        yearly: scheme.yearly,
        remaining: b.remaining,
        deducted: b.deducted,
        reached_zero: b.reached_zero,
    }
}

async fn statement(
    c: &mut Conn<'_>,
    scheme: &PointsScheme,
    person: PersonId,
    year: i32,
) -> StoreResult<PointsStatement> {
    let staff: StaffRow = c
        .fetch_optional(Q::new(format!("{STAFF} AND p.id = $1")).bind(person))
        .await?
        .ok_or_else(|| DomainError::not_found(Entity::Person, person))?;
    let rows: Vec<DeductionRow> = c
        .fetch_all(
            Q::new(format!("SELECT {COLUMNS} FROM point_deductions WHERE person_id = $1 AND year = $2 ORDER BY id"))
                .bind(person)
                .bind(year),
        )
        .await?;
    let deductions: Vec<Deduction> = rows.into_iter().map(DeductionRow::into_deduction).collect::<Result<_, _>>()?;
    let costs: Vec<u32> = deductions.iter().map(|d| d.points).collect();
    Ok(PointsStatement { points: line(scheme, year, staff, &costs), deductions })
}

/// Years the points table answers for (a typo like 20226 is refused rather than shown as 12s).
fn check_year(year: i32) -> StoreResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(DomainError::field("year", Issue::OutOfRange { min: 2000, max: 2100 }).into())
    }
}

impl Accountability<'_> {
    /// The points scheme, for a year the register can hold.
    async fn scheme_for(&self, year: i32) -> StoreResult<PointsScheme> {
        check_year(year)?;
        Ok(self.reference().settings().await?.points)
    }

    /// Deducts points from a staff member (the office). Reaching zero proposes 诫勉谈话 in the
    /// same transaction, once per person and year.
    pub async fn deduct_points(
        &self,
        actor: &Actor,
        input: NewDeduction,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<PointsStatement>> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        let scheme = self.reference().settings().await?.points;
        let today = self.today();
        let f = input.validate(&scheme, today)?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                Ok(deduct_in(&mut c, &actor, &scheme, &f, (now, today)).await?.1)
            })
        })
        .await
    }

    /// Every staff member's points in `year` that the actor may see, optionally of one unit.
    pub async fn points_table(&self, actor: &Actor, year: i32, unit: Option<UnitId>) -> StoreResult<Vec<PersonPoints>> {
        let (scheme, actor) = (self.scheme_for(year).await?, actor.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let visible = visible_units(&mut c, &actor).await?;
                    let mut q = Q::new(format!("{STAFF} AND p.archived_at IS NULL"));
                    if let Some(units) = &visible {
                        q.push(" AND ");
                        q.push_in("p.unit_id", units.iter().copied());
                    }
                    if let Some(u) = unit {
                        q.push(" AND p.unit_id = ").push_bind(u);
                    }
                    q.push(" ORDER BY p.unit_id, p.id");
                    let staff: Vec<StaffRow> = c.fetch_all(q).await?;
                    let charged = charges(&mut c, year).await?;
                    Ok(staff
                        .into_iter()
                        .map(|s| {
                            let costs = charged.get(&s.id).cloned().unwrap_or_default();
                            line(&scheme, year, s, &costs)
                        })
                        .collect())
                })
            })
            .await
    }

    /// One person's points in `year` and the deductions behind them.
    pub async fn person_points(&self, actor: &Actor, person: PersonId, year: i32) -> StoreResult<PointsStatement> {
        let (scheme, actor) = (self.scheme_for(year).await?, actor.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let p = crate::people::get(&mut c, person)
                        .await?
                        .ok_or_else(|| DomainError::not_found(Entity::Person, person))?;
                    authorize_view(&mut c, &actor, p.unit_id).await?;
                    statement(&mut c, &scheme, person, year).await
                })
            })
            .await
    }
}

/// Deducts points inside the caller's transaction: the deduction and the statement after it.
/// Reaching zero proposes 诫勉谈话, once per person and year.
pub(crate) async fn deduct_in(
    c: &mut Conn<'_>,
    actor: &Actor,
    scheme: &PointsScheme,
    f: &DeductionFields,
    (now, today): (Timestamp, NaiveDate),
) -> StoreResult<(DeductionId, PointsStatement)> {
    let person = require_live_person(c, f.person_id, "person_id").await?;
    if person.kind != PersonKind::Staff {
        let expected = Issue::Malformed { expected: rectify_domain::Expected::StaffMember };
        return Err(DomainError::field("person_id", expected).into());
    }
    if let Some(k) = f.case_id {
        require_row(c, "cases", k.get(), "case_id", Entity::Case).await?;
    }
    if let Some(p) = f.problem_id {
        require_row(c, "problems", p.get(), "problem_id", Entity::Problem).await?;
    }
    let id: i64 = c
        .scalar(
            Q::new(
                "INSERT INTO point_deductions (person_id, year, kind, points, reason, occurred_on, case_id, \
                 problem_id, finding_id, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(f.person_id)
            .bind(f.year)
            .bind(f.kind.as_str())
            .bind(f.points)
            .bind(f.reason.as_str())
            .bind(f.date)
            .bind(f.case_id)
            .bind(f.problem_id)
            .bind(f.finding_id)
            .bind(actor.username.as_str())
            .bind(now),
        )
        .await?;
    let row: DeductionRow =
        c.fetch_one(Q::new(format!("SELECT {COLUMNS} FROM point_deductions WHERE id = $1")).bind(id)).await?;
    created(c, actor, now, Entity::Deduction, id, row.into_deduction()?).await?;
    let st = statement(c, scheme, f.person_id, f.year).await?;
    if st.points.reached_zero {
        let grounds = Grounds::PointsExhausted { person: &person.name, year: f.year, yearly: scheme.yearly };
        let reason = grounds.reason();
        let action = ActionFields {
            kind: ActionKind::AdmonishingTalk,
            unit_id: None,
            person_id: Some(f.person_id),
            reason,
            decided_on: today,
            deciding_body: None,
            problem_ids: f.problem_id.into_iter().collect(),
            case_ids: f.case_id.into_iter().collect(),
            finding_ids: f.finding_id.into_iter().collect(),
        };
        let key = format!("{}:{}:{}", ProposalRule::PointsExhausted.as_str(), f.person_id, f.year);
        propose(c, actor, now, &action, person.unit_id, ProposalRule::PointsExhausted, key).await?;
    }
    Ok((DeductionId(id), st))
}
