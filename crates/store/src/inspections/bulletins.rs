//! Inspection bulletins (督查通报): figures and lists gathered from ended rounds, their findings
//! and the confirmed actions of the period, numbered per year and frozen when published.

use super::rounds::{self, groups};
use super::{from_json, newest_first, to_json};
use crate::areas::Inspections;
use crate::db::{Conn, Q, record};
use crate::error::{StoreResult, parse_stored};
use crate::page::{Page, PageRequest};
use crate::units::{require_live, subtree};
use crate::versioned::created;
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rectify_domain::accountability::ActionKind;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::{FindingId, InspectionBulletinId, PersonId, PlanId, ProblemId, RoundId, UnitId};
use rectify_domain::inspection::round::fire;
use rectify_domain::inspection::{
    ActionFact, BulletinAction, BulletinFields, BulletinFinding, BulletinUnit, DrawGroup, FindingFact,
    InspectionBulletin, NewInspectionBulletin, RoundFact, RoundFacts, RoundParty, RoundRequest, RoundStatus,
    inspection_figures,
};
use rectify_domain::time::{Timestamp, china_date, start_of_china_day};
use rectify_domain::{DomainError, Entity};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The ended rounds a bulletin covers, with their groups: the one named, or those held in the
/// period (of the plan, in the area when given).
async fn covered_rounds(
    c: &mut Conn<'_>,
    actor: &Actor,
    f: &BulletinFields,
    area: Option<&HashSet<i64>>,
) -> StoreResult<Vec<(RoundId, Vec<DrawGroup>)>> {
    if let Some(id) = f.round_id {
        let r = rounds::row(c, id).await?;
        let plan = super::plans::require(c, PlanId(r.plan_id)).await?;
        let drawn = groups(c, id).await?;
        let facts = RoundFacts { status: r.status()?, covert: plan.covert, groups: &drawn, own_group: None };
        fire(&facts, RoundParty::of(actor, None), RoundRequest::Report)?;
        return Ok(vec![(id, drawn)]);
    }
    // Every round of the period the table lets a bulletin report: the ended ones.
    let mut q =
        Q::new("SELECT id FROM inspection_rounds WHERE status = $1 AND scheduled_on >= $2 AND scheduled_on <= $3")
            .bind(RoundStatus::Ended.as_str())
            .bind(f.period_from)
            .bind(f.period_to);
    if let Some(plan) = f.plan_id {
        q.push(" AND plan_id = ").push_bind(plan);
    }
    q.push(" ORDER BY scheduled_on, id");
    let ids: Vec<(i64,)> = c.fetch_all(q).await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        let drawn = groups(c, RoundId(id)).await?;
        let visited_here =
            area.is_none_or(|units| drawn.iter().flat_map(|g| &g.targets).any(|u| units.contains(&u.get())));
        if visited_here {
            out.push((RoundId(id), drawn));
        }
    }
    Ok(out)
}

record! {
    struct FindingRow {
        id: i64,
        unit_id: i64,
        aspect: String,
        answers: String,
        found_at: DateTime<Utc>,
        problem_id: i64,
        description: String,
    }
}

record! {
    struct ActionRow {
        kind: String,
        unit_id: Option<i64>,
        person_id: Option<i64>,
        reason: String,
        decided_on: NaiveDate,
        person_unit_id: Option<i64>,
    }
}

async fn names(c: &mut Conn<'_>, table: &str) -> StoreResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = c.fetch_all(Q::new(format!("SELECT id, name FROM {table}"))).await?;
    Ok(rows.into_iter().collect())
}

async fn compose(
    c: &mut Conn<'_>,
    actor: &Actor,
    f: &BulletinFields,
    issued_before: u32,
) -> StoreResult<InspectionBulletinDraft> {
    let area: Option<HashSet<i64>> = match f.area_unit_id {
        Some(u) => {
            require_live(c, u, "area_unit_id").await?;
            Some(subtree(c, u).await?.into_iter().map(|u| u.get()).collect())
        }
        None => None,
    };
    if let Some(plan) = f.plan_id {
        super::plans::get(c, plan).await?.ok_or_else(|| DomainError::unknown("plan_id", Entity::InspectionPlan))?;
    }
    let covered = covered_rounds(c, actor, f, area.as_ref()).await?;
    let mut round_facts = Vec::with_capacity(covered.len());
    let mut finding_rows: Vec<FindingRow> = Vec::new();
    for (id, drawn) in covered {
        round_facts.push(RoundFact { groups: drawn });
        finding_rows.extend(
            c.fetch_all::<FindingRow>(
                Q::new(
                    "SELECT f.id, f.unit_id, f.aspect, f.answers, f.found_at, f.problem_id, p.description \
                     FROM findings f JOIN problems p ON p.id = f.problem_id WHERE f.round_id = $1 ORDER BY f.id",
                )
                .bind(id),
            )
            .await?,
        );
    }
    let actions: Vec<ActionRow> = c
        .fetch_all(
            Q::new(
                "SELECT a.kind, a.unit_id, a.person_id, a.reason, a.decided_on, p.unit_id AS person_unit_id \
                 FROM action_records a LEFT JOIN people p ON p.id = a.person_id \
                 WHERE a.status = $1 AND a.decided_on >= $2 AND a.decided_on <= $3 ORDER BY a.decided_on, a.id",
            )
            .bind("confirmed")
            .bind(f.period_from)
            .bind(f.period_to),
        )
        .await?;
    // In an area: actions on its units, or on people working in them.
    let actions: Vec<ActionRow> = match &area {
        None => actions,
        Some(units) => {
            actions.into_iter().filter(|a| a.unit_id.or(a.person_unit_id).is_some_and(|u| units.contains(&u))).collect()
        }
    };
    let finding_rows: Vec<FindingRow> = match &area {
        None => finding_rows,
        Some(units) => finding_rows.into_iter().filter(|r| units.contains(&r.unit_id)).collect(),
    };
    let units = names(c, "units").await?;
    let people = names(c, "people").await?;
    let mut finding_facts = Vec::with_capacity(finding_rows.len());
    let mut by_unit: BTreeMap<i64, Vec<BulletinFinding>> = BTreeMap::new();
    for r in finding_rows {
        let answers: Vec<rectify_domain::inspection::ChecklistAnswer> = from_json(&r.answers, "finding answers")?;
        finding_facts.push(FindingFact {
            unit: UnitId(r.unit_id),
            aspect: r.aspect.clone(),
            types: answers.into_iter().filter(|a| !a.ok).map(|a| a.item).collect(),
        });
        by_unit.entry(r.unit_id).or_default().push(BulletinFinding {
            finding_id: FindingId(r.id),
            problem_id: ProblemId(r.problem_id),
            aspect: r.aspect,
            description: r.description,
            found_on: china_date(r.found_at),
        });
    }
    let mut action_facts = Vec::with_capacity(actions.len());
    let (mut listed, mut praise) = (Vec::new(), Vec::new());
    for a in actions {
        let kind = parse_stored("action kind", &a.kind, ActionKind::parse)?;
        action_facts.push(ActionFact { kind, unit: a.unit_id.map(UnitId), person: a.person_id.map(PersonId) });
        let line = BulletinAction {
            kind,
            unit_name: a.unit_id.and_then(|u| units.get(&u).cloned()),
            person_name: a.person_id.and_then(|p| people.get(&p).cloned()),
            reason: a.reason,
            decided_on: a.decided_on,
        };
        if kind == ActionKind::Praise { praise.push(line) } else { listed.push(line) }
    }
    let units_listed = by_unit
        .into_iter()
        .map(|(u, findings)| BulletinUnit {
            unit_id: UnitId(u),
            unit_name: units.get(&u).cloned().unwrap_or_default(),
            findings,
        })
        .collect();
    Ok(InspectionBulletinDraft {
        figures: inspection_figures(&round_facts, &finding_facts, &action_facts, issued_before + 1),
        units: units_listed,
        actions: listed,
        praise,
    })
}

/// What a bulletin says, before it has a number.
#[derive(serde::Serialize, serde::Deserialize)]
struct InspectionBulletinDraft {
    figures: rectify_domain::inspection::InspectionFigures,
    units: Vec<BulletinUnit>,
    actions: Vec<BulletinAction>,
    praise: Vec<BulletinAction>,
}

record! {
    struct BulletinRow {
        id: i64,
        year: i64,
        number: i64,
        title: String,
        issuer: String,
        period_from: NaiveDate,
        period_to: NaiveDate,
        round_id: Option<i64>,
        plan_id: Option<i64>,
        area_unit_id: Option<i64>,
        body: String,
        published_at: DateTime<Utc>,
    }
}

const COLUMNS: &str =
    "id, year, number, title, issuer, period_from, period_to, round_id, plan_id, area_unit_id, body, published_at";

#[derive(serde::Serialize, serde::Deserialize)]
struct Body {
    note: Option<String>,
    #[serde(flatten)]
    draft: InspectionBulletinDraft,
}

impl BulletinRow {
    fn into_bulletin(self) -> StoreResult<InspectionBulletin> {
        let body: Body = from_json(&self.body, "bulletin body")?;
        Ok(InspectionBulletin {
            id: InspectionBulletinId(self.id),
            year: self.year as i32,
            number: self.number.clamp(0, i64::from(u32::MAX)) as u32,
            title: self.title,
            issuer: self.issuer,
            period_from: self.period_from,
            period_to: self.period_to,
            round_id: self.round_id.map(RoundId),
            plan_id: self.plan_id.map(PlanId),
            area_unit_id: self.area_unit_id.map(UnitId),
            note: body.note,
            figures: body.draft.figures,
            units: body.draft.units,
            actions: body.draft.actions,
            praise: body.draft.praise,
            published_at: Timestamp::from_utc(self.published_at),
        })
    }
}

async fn read(c: &mut Conn<'_>, id: InspectionBulletinId) -> StoreResult<InspectionBulletin> {
    let row: Option<BulletinRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM inspection_bulletins WHERE id = $1")).bind(id)).await?;
    row.ok_or_else(|| DomainError::not_found(Entity::InspectionBulletin, id))?.into_bulletin()
}

impl Inspections<'_> {
    /// Publishes the next numbered bulletin of the year; its figures and lists never change
    /// afterwards, whatever happens to the records behind them.
    pub async fn publish_inspection_bulletin(
        &self,
        actor: &Actor,
        input: NewInspectionBulletin,
    ) -> StoreResult<InspectionBulletin> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let f = input.validate()?;
        let now = self.now();
        let year = self.today().year();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let after = f.period_to.checked_add_days(Days::new(1)).unwrap_or(f.period_to);
                    let before: i64 = c
                        .scalar(
                            Q::new(
                                "SELECT COUNT(*) FROM inspection_bulletins WHERE issuer = $1 AND published_at >= $2 \
                                 AND published_at < $3",
                            )
                            .bind(f.issuer.as_str())
                            .bind(start_of_china_day(f.period_from))
                            .bind(start_of_china_day(after)),
                        )
                        .await?;
                    let draft = compose(&mut c, &actor, &f, before.clamp(0, i64::from(u32::MAX)) as u32).await?;
                    let number: i64 = c
                        .scalar(
                            Q::new(
                                "SELECT COALESCE(MAX(number), 0) + 1 FROM inspection_bulletins \
                                 WHERE issuer = $1 AND year = $2",
                            )
                            .bind(f.issuer.as_str())
                            .bind(i64::from(year)),
                        )
                        .await?;
                    let body = to_json(&Body { note: f.note.clone(), draft })?;
                    let id: i64 = c
                        .scalar(
                            Q::new(
                                "INSERT INTO inspection_bulletins (year, number, title, issuer, period_from, \
                                 period_to, round_id, plan_id, area_unit_id, body, published_by, published_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $11, $12, $8, $9, $10) RETURNING id",
                            )
                            .bind(i64::from(year))
                            .bind(number)
                            .bind(f.title.as_str())
                            .bind(f.issuer.as_str())
                            .bind(f.period_from)
                            .bind(f.period_to)
                            .bind(f.round_id)
                            .bind(body)
                            .bind(actor.account_id)
                            .bind(now)
                            .bind(f.plan_id)
                            .bind(f.area_unit_id),
                        )
                        .await?;
                    let b = read(&mut c, InspectionBulletinId(id)).await?;
                    created(&mut c, &actor, now, Entity::InspectionBulletin, id, b).await
                })
            })
            .await
    }

    pub async fn get_inspection_bulletin(
        &self,
        actor: &Actor,
        id: InspectionBulletinId,
    ) -> StoreResult<InspectionBulletin> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        self.db.read(move |tx| Box::pin(async move { read(&mut tx.conn(), id).await })).await
    }

    /// Bulletins, newest first.
    pub async fn list_inspection_bulletins(
        &self,
        actor: &Actor,
        page: &PageRequest,
    ) -> StoreResult<Page<InspectionBulletin>> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let q = newest_first(Q::new(format!("SELECT {COLUMNS} FROM inspection_bulletins WHERE 1 = 1")), page);
        let rows: Vec<BulletinRow> = self.db.fetch_all(q).await?;
        let rows = rows.into_iter().map(|r| (r.id, r)).collect();
        page.finish(rows, |(id, _)| crate::page::Cursor { key: None, id: *id }, |(_, r)| r.into_bulletin())
    }
}
