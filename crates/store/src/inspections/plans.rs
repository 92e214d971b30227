//! Inspection plans and their two pools (一单两库).

use super::{from_json, newest_first, page_of, to_json};
use crate::areas::Inspections;
use crate::db::{Conn, Q, record};
use crate::error::{StoreResult, parse_stored};
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Page, PageRequest};
use crate::people::require_live_person;
use crate::units::{require_live, subtree};
use crate::versioned::created;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::ids::{CampaignId, PersonId, PlanId, UnitId};
use rectify_domain::inspection::{
    DrawRules, NewPlan, Plan, PlanFields, Rhythm, RoundDates, ScheduledPlan, TargetFilter, schedule,
};
use rectify_domain::time::{Timestamp, china_date};
use rectify_domain::{DomainError, Entity, Issue};

record! {
    struct PlanRow {
        id: i64,
        name: String,
        rhythm: String,
        theme: String,
        checklist: String,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        groups_count: i64,
        inspectors_per_group: i64,
        targets_per_group: i64,
        no_repeat_rounds: i64,
        covert: bool,
        category: Option<String>,
        deadline_working_days: i64,
        campaign_id: Option<i64>,
        target_filter: String,
        version: i64,
        created_at: DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, name, rhythm, theme, checklist, starts_on, ends_on, groups_count, inspectors_per_group, \
    targets_per_group, no_repeat_rounds, covert, category, deadline_working_days, campaign_id, target_filter, \
    version, created_at";

fn small(v: i64) -> u32 {
    v.clamp(0, i64::from(u32::MAX)) as u32
}

pub(crate) async fn get(c: &mut Conn<'_>, id: PlanId) -> StoreResult<Option<Plan>> {
    let row: Option<PlanRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM inspection_plans WHERE id = $1")).bind(id)).await?;
    let Some(r) = row else { return Ok(None) };
    let inspectors: Vec<(i64,)> = c
        .fetch_all(Q::new("SELECT person_id FROM plan_inspectors WHERE plan_id = $1 ORDER BY person_id").bind(id))
        .await?;
    let targets: Vec<(i64,)> =
        c.fetch_all(Q::new("SELECT unit_id FROM plan_targets WHERE plan_id = $1 ORDER BY unit_id").bind(id)).await?;
    Ok(Some(Plan {
        id: PlanId(r.id),
        name: r.name,
        rhythm: parse_stored("rhythm", &r.rhythm, Rhythm::parse)?,
        theme: r.theme,
        checklist: from_json(&r.checklist, "checklist")?,
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        rules: DrawRules {
            groups: small(r.groups_count),
            inspectors_per_group: small(r.inspectors_per_group),
            targets_per_group: small(r.targets_per_group),
            no_repeat_rounds: small(r.no_repeat_rounds),
        },
        covert: r.covert,
        category: r.category,
        deadline_working_days: small(r.deadline_working_days),
        campaign_id: r.campaign_id.map(CampaignId),
        inspector_ids: inspectors.into_iter().map(|(p,)| PersonId(p)).collect(),
        target_filter: from_json(&r.target_filter, "target_filter")?,
        target_unit_ids: targets.into_iter().map(|(u,)| UnitId(u)).collect(),
        version: r.version,
        created_at: Timestamp::from_utc(r.created_at),
    }))
}

pub(crate) async fn require(c: &mut Conn<'_>, id: PlanId) -> StoreResult<Plan> {
    get(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::InspectionPlan, id).into())
}

/// A plan with where it stands on `today`: its rounds' dates (planned for, committed on) read
/// here, the schedule reckoned by the domain.
pub(crate) async fn scheduled(
    c: &mut Conn<'_>,
    plan: Plan,
    cal: &WorkCalendar,
    today: NaiveDate,
) -> StoreResult<ScheduledPlan> {
    let rows: Vec<(NaiveDate, DateTime<Utc>)> = c
        .fetch_all(Q::new("SELECT scheduled_on, created_at FROM inspection_rounds WHERE plan_id = $1").bind(plan.id))
        .await?;
    let rounds: Vec<RoundDates> =
        rows.into_iter().map(|(scheduled_on, at)| RoundDates { scheduled_on, committed_on: china_date(at) }).collect();
    let schedule = schedule(plan.rhythm, (plan.starts_on, plan.ends_on), cal, &rounds, today);
    Ok(ScheduledPlan { plan, schedule })
}

/// The target pool: the listed units and the live units matching the filter.
async fn resolve_targets(c: &mut Conn<'_>, f: &PlanFields) -> StoreResult<Vec<UnitId>> {
    let mut units = Vec::new();
    for (i, u) in f.target_unit_ids.iter().enumerate() {
        require_live(c, *u, &format!("target_unit_ids[{i}]")).await?;
        units.push(*u);
    }
    let filter = &f.target_filter;
    if *filter != TargetFilter::default() {
        let under = match filter.under_unit_id {
            Some(u) => {
                require_live(c, u, "target_filter.under_unit_id").await?;
                // The area's own head unit is not a target of its own area's inspection.
                Some(subtree(c, u).await?.into_iter().filter(|s| *s != u).collect::<Vec<_>>())
            }
            None => None,
        };
        let rows: Vec<(i64, String, Option<String>)> =
            c.fetch_all(Q::new("SELECT id, kind, system FROM units WHERE archived_at IS NULL ORDER BY id")).await?;
        for (id, kind, system) in rows {
            let id = UnitId(id);
            let kind_ok = filter.kinds.is_empty() || filter.kinds.iter().any(|k| k.as_str() == kind);
            let system_ok = filter.system.as_ref().is_none_or(|s| system.as_deref() == Some(s.as_str()));
            let under_ok = under.as_ref().is_none_or(|u| u.contains(&id));
            if kind_ok && system_ok && under_ok {
                units.push(id);
            }
        }
    }
    units.sort();
    units.dedup();
    if units.is_empty() {
        return Err(DomainError::field("target_filter", Issue::Required).into());
    }
    Ok(units)
}

impl Inspections<'_> {
    /// A plan with its checklist, rules and pools. The rules are checked against the pools at
    /// once, so an impossible plan is refused before any round.
    pub async fn create_plan(
        &self,
        actor: &Actor,
        input: NewPlan,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<ScheduledPlan>> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let f = input.validate()?;
        let now = self.now();
        let by = actor.clone();
        let made = self
            .create_once(key, move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    for (i, p) in f.inspector_ids.iter().enumerate() {
                        require_live_person(&mut c, *p, &format!("inspector_ids[{i}]")).await?;
                    }
                    if let Some(camp) = f.campaign_id {
                        crate::campaigns::require_live_campaign(&mut c, camp, "campaign_id").await?;
                    }
                    let targets = resolve_targets(&mut c, &f).await?;
                    let id: i64 = c
                        .scalar(
                            Q::new(
                                "INSERT INTO inspection_plans (name, rhythm, theme, checklist, starts_on, ends_on, \
                             groups_count, inspectors_per_group, targets_per_group, no_repeat_rounds, covert, \
                             category, deadline_working_days, campaign_id, target_filter, version, created_by, \
                             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
                             $13, $14, $15, 1, $16, $17, $17) RETURNING id",
                            )
                            .bind(f.name.as_str())
                            .bind(f.rhythm.as_str())
                            .bind(f.theme.as_str())
                            .bind(to_json(&f.checklist)?)
                            .bind(f.starts_on)
                            .bind(f.ends_on)
                            .bind(f.rules.groups)
                            .bind(f.rules.inspectors_per_group)
                            .bind(f.rules.targets_per_group)
                            .bind(f.rules.no_repeat_rounds)
                            .bind(f.covert)
                            .bind(f.category.clone())
                            .bind(f.deadline_working_days)
                            .bind(f.campaign_id)
                            .bind(to_json(&f.target_filter)?)
                            .bind(by.account_id)
                            .bind(now),
                        )
                        .await?;
                    for p in &f.inspector_ids {
                        c.execute(
                            Q::new("INSERT INTO plan_inspectors (plan_id, person_id) VALUES ($1, $2)")
                                .bind(id)
                                .bind(*p),
                        )
                        .await?;
                    }
                    for u in &targets {
                        c.execute(
                            Q::new("INSERT INTO plan_targets (plan_id, unit_id) VALUES ($1, $2)").bind(id).bind(*u),
                        )
                        .await?;
                    }
                    let plan = require(&mut c, PlanId(id)).await?;
                    super::rounds::snapshot(&mut c, &plan).await?.check()?;
                    created(&mut c, &by, now, Entity::InspectionPlan, id, plan).await
                })
            })
            .await?;
        // The first answer is kept as the plan alone (so history holds its definition); the
        // schedule is as of now, also when a retry replays it.
        let value = self.get_plan(actor, made.value.id).await?;
        Ok(Created { value, replayed: made.replayed })
    }

    /// A plan and where it stands against its rhythm today.
    pub async fn get_plan(&self, actor: &Actor, id: PlanId) -> StoreResult<ScheduledPlan> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let (cal, today) = (self.reference().calendar().await?, self.today());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let plan = require(&mut c, id).await?;
                    scheduled(&mut c, plan, &cal, today).await
                })
            })
            .await
    }

    /// Plans, newest first, each with its schedule.
    pub async fn list_plans(&self, actor: &Actor, page: &PageRequest) -> StoreResult<Page<ScheduledPlan>> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let page = page.clone();
        let (cal, today) = (self.reference().calendar().await?, self.today());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let q = newest_first(Q::new("SELECT id FROM inspection_plans WHERE 1 = 1"), &page);
                    let ids: Vec<(i64,)> = c.fetch_all(q).await?;
                    let mut plans = Vec::with_capacity(ids.len());
                    for (id,) in ids {
                        let plan = require(&mut c, PlanId(id)).await?;
                        plans.push((id, scheduled(&mut c, plan, &cal, today).await?));
                    }
                    page_of(&page, plans)
                })
            })
            .await
    }
}
