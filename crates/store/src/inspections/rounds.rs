//! Rounds: committed with a pool snapshot and a seed's commitment, drawn, ended (the seed is
//! revealed), verified by anyone from the published evidence.

use super::{Drawing, actor_person, from_json, newest_first, page_of, plans, seed_and_commitment, to_json, write_step};
use crate::areas::Inspections;
use crate::db::{Conn, Q, record};
use crate::error::{StoreResult, parse_stored};
use crate::idempotency::{Created, IdempotencyKey};
use crate::page::{Page, PageRequest};
use crate::units::tree;
use crate::versioned::created;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, Role, authorize};
use rectify_domain::ids::{PersonId, PlanId, RoundId, UnitId};
use rectify_domain::inspection::round::{RoundDecision, fire};
use rectify_domain::inspection::{
    Draw, DrawEvidence, DrawGroup, DrawInput, DrawRequest, NewRound, Plan, PoolInspector, PoolTarget, Round,
    RoundFacts, RoundGroup, RoundParty, RoundRequest, RoundStatus, Verification, draw, release_evidence,
};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};
use serde_json::json;
use std::collections::BTreeMap;

record! {
    pub(crate) struct RoundRow {
        pub(crate) id: i64,
        pub(crate) plan_id: i64,
        number: i64,
        scheduled_on: NaiveDate,
        status: String,
        seed_commitment: String,
        seed: Option<String>,
        office_seed: bool,
        snapshot: String,
        snapshot_digest: String,
        drawn_at: Option<DateTime<Utc>>,
        ended_at: Option<DateTime<Utc>>,
        version: i64,
        created_at: DateTime<Utc>,
    }
}

const COLUMNS: &str = "id, plan_id, number, scheduled_on, status, seed_commitment, seed, office_seed, snapshot, \
    snapshot_digest, drawn_at, ended_at, version, created_at";

impl RoundRow {
    pub(crate) fn status(&self) -> StoreResult<RoundStatus> {
        parse_stored("round status", &self.status, RoundStatus::parse)
    }
}

pub(crate) async fn row(c: &mut Conn<'_>, id: RoundId) -> StoreResult<RoundRow> {
    let r: Option<RoundRow> =
        c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM inspection_rounds WHERE id = $1")).bind(id)).await?;
    r.ok_or_else(|| DomainError::not_found(Entity::Round, id).into())
}

/// The drawn groups of a round, by group number.
pub(crate) async fn groups(c: &mut Conn<'_>, id: RoundId) -> StoreResult<Vec<DrawGroup>> {
    let mut by_no: BTreeMap<i64, DrawGroup> = BTreeMap::new();
    let people: Vec<(i64, i64)> = c
        .fetch_all(
            Q::new("SELECT group_no, person_id FROM round_inspectors WHERE round_id = $1 ORDER BY group_no, person_id")
                .bind(id),
        )
        .await?;
    for (g, p) in people {
        by_no
            .entry(g)
            .or_insert_with(|| DrawGroup { inspectors: vec![], targets: vec![] })
            .inspectors
            .push(PersonId(p));
    }
    let units: Vec<(i64, i64)> = c
        .fetch_all(
            Q::new("SELECT group_no, unit_id FROM round_targets WHERE round_id = $1 ORDER BY group_no, unit_id")
                .bind(id),
        )
        .await?;
    for (g, u) in units {
        by_no.entry(g).or_insert_with(|| DrawGroup { inspectors: vec![], targets: vec![] }).targets.push(UnitId(u));
    }
    Ok(by_no.into_values().collect())
}

/// Whether `actor` may see the round's targets (and findings): always for an overt or ended
/// round; for a covert one before its end, only its own inspectors. This is the one rule that
/// keeps 暗访 secret; every route asks it.
pub(crate) async fn targets_visible(
    c: &mut Conn<'_>,
    actor: &Actor,
    covert: bool,
    status: RoundStatus,
    groups: &[DrawGroup],
) -> StoreResult<bool> {
    if !covert || status == RoundStatus::Ended {
        return Ok(true);
    }
    let me = actor_person(c, actor).await?;
    Ok(me.is_some_and(|p| groups.iter().any(|g| g.inspectors.contains(&p))))
}

/// The group the actor's person belongs to in a round, if any.
pub(crate) async fn own_group(c: &mut Conn<'_>, actor: &Actor, groups: &[DrawGroup]) -> StoreResult<Option<usize>> {
    let me = actor_person(c, actor).await?;
    Ok(me.and_then(|p| groups.iter().position(|g| g.inspectors.contains(&p))))
}

async fn view(c: &mut Conn<'_>, actor: &Actor, r: RoundRow, plan: &Plan) -> StoreResult<Round> {
    let status = r.status()?;
    let drawn = groups(c, RoundId(r.id)).await?;
    let visible = targets_visible(c, actor, plan.covert, status, &drawn).await?;
    let snapshot: DrawInput = from_json(&r.snapshot, "round snapshot")?;
    Ok(Round {
        id: RoundId(r.id),
        plan_id: plan.id,
        plan_name: plan.name.clone(),
        theme: plan.theme.clone(),
        number: r.number.clamp(0, i64::from(u32::MAX)) as u32,
        scheduled_on: r.scheduled_on,
        covert: plan.covert,
        status,
        seed_commitment: r.seed_commitment,
        office_seed: r.office_seed,
        snapshot_digest: r.snapshot_digest,
        inspector_pool: snapshot.inspectors.len(),
        target_pool: snapshot.targets.len(),
        seed: if status == RoundStatus::Ended { r.seed } else { None },
        groups: drawn
            .into_iter()
            .enumerate()
            .map(|(i, g)| RoundGroup {
                number: i as u32 + 1,
                inspectors: g.inspectors,
                targets: if visible { g.targets } else { Vec::new() },
            })
            .collect(),
        targets_hidden: !visible,
        drawn_at: r.drawn_at.map(Timestamp::from_utc),
        ended_at: r.ended_at.map(Timestamp::from_utc),
        created_at: Timestamp::from_utc(r.created_at),
    })
}

/// The pools as they stand now, with each unit's visits in the plan so far and the
/// inspector–unit pairs of the last `no_repeat_rounds` drawn rounds of any plan.
pub(crate) async fn snapshot(c: &mut Conn<'_>, plan: &Plan) -> StoreResult<DrawInput> {
    let live_people: Vec<(i64, Option<i64>)> = c
        .fetch_all(
            Q::new(
                "SELECT p.id, p.unit_id FROM plan_inspectors pi JOIN people p ON p.id = pi.person_id \
                 WHERE pi.plan_id = $1 AND p.archived_at IS NULL ORDER BY p.id",
            )
            .bind(plan.id),
        )
        .await?;
    // The unit tree once, for every member's line (a pool holds hundreds of units).
    let units = tree(c).await?;
    let inspectors: Vec<PoolInspector> = live_people
        .into_iter()
        .map(|(id, unit)| PoolInspector {
            id: PersonId(id),
            unit_line: unit.map(|u| units.line_up(UnitId(u))).unwrap_or_default(),
        })
        .collect();
    let live_units: Vec<(i64, i64)> = c
        .fetch_all(
            Q::new(
                "SELECT u.id, (SELECT COUNT(*) FROM round_targets rt JOIN inspection_rounds r ON r.id = rt.round_id \
                   WHERE rt.unit_id = u.id AND r.plan_id = $1) \
                 FROM plan_targets pt JOIN units u ON u.id = pt.unit_id \
                 WHERE pt.plan_id = $1 AND u.archived_at IS NULL ORDER BY u.id",
            )
            .bind(plan.id),
        )
        .await?;
    let targets: Vec<PoolTarget> = live_units
        .into_iter()
        .map(|(id, visits)| PoolTarget {
            unit: UnitId(id),
            line: units.line_up(UnitId(id)),
            visits: visits.clamp(0, i64::from(u32::MAX)) as u32,
        })
        .collect();
    let recent: Vec<(i64, i64)> = c
        .fetch_all(
            Q::new(
                "SELECT ri.person_id, rt.unit_id FROM round_inspectors ri \
                 JOIN round_targets rt ON rt.round_id = ri.round_id AND rt.group_no = ri.group_no \
                 WHERE ri.round_id IN (SELECT id FROM inspection_rounds WHERE drawn_at IS NOT NULL \
                   ORDER BY drawn_at DESC, id DESC LIMIT $1)",
            )
            .bind(i64::from(plan.rules.no_repeat_rounds)),
        )
        .await?;
    let input = DrawInput {
        inspectors,
        targets,
        rules: plan.rules,
        recent_pairs: recent.into_iter().map(|(p, u)| (PersonId(p), UnitId(u))).collect(),
    };
    Ok(input.canonical())
}

async fn read_round(c: &mut Conn<'_>, actor: &Actor, id: RoundId) -> StoreResult<Round> {
    let r = row(c, id).await?;
    let plan = plans::require(c, PlanId(r.plan_id)).await?;
    view(c, actor, r, &plan).await
}

/// What history keeps of a round: never its targets (a covert round's history must not tell).
fn summary(r: &Round) -> serde_json::Value {
    json!({
        "plan_id": r.plan_id, "number": r.number, "status": r.status, "covert": r.covert,
        "seed_commitment": r.seed_commitment, "snapshot_digest": r.snapshot_digest,
    })
}

/// Fires `req` on the round read as `r`, writes the decision and records the step.
async fn step(
    c: &mut Conn<'_>,
    actor: &Actor,
    r: &RoundRow,
    req: RoundRequest<'_>,
    now: Timestamp,
) -> StoreResult<(Round, RoundDecision)> {
    let id = RoundId(r.id);
    let plan = plans::require(c, PlanId(r.plan_id)).await?;
    let drawn = groups(c, id).await?;
    let facts = RoundFacts { status: r.status()?, covert: plan.covert, groups: &drawn, own_group: None };
    // Drawing and ending are the office's, whether or not it was drawn into a group itself.
    let d = fire(&facts, RoundParty::of(actor, None), req)?;
    let mut seed = None;
    if let Some(made) = &d.drawn {
        for (g, group) in made.draw.groups.iter().enumerate() {
            for p in &group.inspectors {
                c.execute(
                    Q::new("INSERT INTO round_inspectors (round_id, group_no, person_id) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(g as i64)
                        .bind(*p),
                )
                .await?;
            }
            for u in &group.targets {
                c.execute(
                    Q::new("INSERT INTO round_targets (round_id, group_no, unit_id) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(g as i64)
                        .bind(*u),
                )
                .await?;
            }
        }
        seed = Some(made.seed.as_str());
    }
    let moments = [("drawn_at", &d.drawn_at), ("ended_at", &d.ended_at)];
    write_step(c, Drawing::Round, (r.id, r.version), d.to, seed, &moments, now).await?;
    let fresh = row(c, id).await?;
    let after = view(c, actor, fresh, &plan).await?;
    let s = summary(&after);
    let change = crate::history::Change {
        entity: Entity::Round,
        entity_id: id.to_string(),
        action: d.action.as_str(),
        note: None,
        before: None,
        after: Some(&s),
    };
    crate::history::record(c, actor, now, change).await?;
    Ok((after, d))
}

/// The evidence of a round as stored, with its drawn `groups` (before anyone's right to it is
/// checked).
pub(crate) fn stored_evidence(r: RoundRow, groups: Vec<DrawGroup>) -> StoreResult<DrawEvidence> {
    Ok(DrawEvidence {
        round_id: RoundId(r.id),
        snapshot: from_json(&r.snapshot, "round snapshot")?,
        seed_commitment: r.seed_commitment,
        seed: r.seed,
        draw: Draw { groups, snapshot_digest: r.snapshot_digest },
    })
}

/// SQL over a round `r`: whether a covert round drawn before `r` was committed has not ended (its
/// pairs may be in `r`'s snapshot).
pub(crate) fn covert_running_before() -> String {
    format!(
        "EXISTS (SELECT 1 FROM inspection_rounds c JOIN inspection_plans cp ON cp.id = c.plan_id \
         WHERE cp.covert AND c.status <> '{}' AND c.drawn_at IS NOT NULL AND c.drawn_at <= r.created_at \
         AND c.id <> r.id)",
        RoundStatus::Ended.as_str()
    )
}

/// Whether a covert round drawn before round `id` was committed is still running.
pub(crate) async fn covert_running(c: &mut Conn<'_>, id: RoundId) -> StoreResult<bool> {
    let q = format!("SELECT {} FROM inspection_rounds r WHERE r.id = $1", covert_running_before());
    c.scalar(Q::new(q).bind(id)).await
}

/// The evidence of an ended round, for someone who may verify it.
async fn evidence(c: &mut Conn<'_>, actor: &Actor, id: RoundId) -> StoreResult<DrawEvidence> {
    let r = row(c, id).await?;
    let plan = plans::require(c, PlanId(r.plan_id)).await?;
    let groups = groups(c, id).await?;
    let facts = RoundFacts { status: r.status()?, covert: plan.covert, groups: &groups, own_group: None };
    fire(&facts, RoundParty::of(actor, None), RoundRequest::Verify)?;
    stored_evidence(r, groups)
}

impl Inspections<'_> {
    /// Commits a round: fixes the pool snapshot and publishes the seed's commitment. Rules the
    /// pools cannot satisfy are refused here, before anything is drawn.
    pub async fn create_round(
        &self,
        actor: &Actor,
        plan_id: PlanId,
        input: NewRound,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Round>> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let office_commitment = input.commitment()?;
        let now = self.now();
        let scheduled_on = input.scheduled_on.unwrap_or_else(|| self.today());
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let plan = plans::require(&mut c, plan_id).await?;
                let input = snapshot(&mut c, &plan).await?;
                let office_seed = office_commitment.is_some();
                let (seed, commitment) = seed_and_commitment(office_commitment);
                match &seed {
                    // Rectify's seed is known now: a draw that cannot be made is refused now.
                    Some(s) => drop(draw(&input, s.as_bytes())?),
                    None => input.check()?,
                }
                let number: i64 = c
                    .scalar(
                        Q::new("SELECT COALESCE(MAX(number), 0) + 1 FROM inspection_rounds WHERE plan_id = $1")
                            .bind(plan_id),
                    )
                    .await?;
                // The draw itself is stored only at `draw`; the seed stays unreadable until the end.
                let id: i64 = c
                    .scalar(
                        Q::new(
                            "INSERT INTO inspection_rounds (plan_id, number, scheduled_on, status, seed_commitment, \
                             seed, office_seed, snapshot, snapshot_digest, version, created_by, created_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11) RETURNING id",
                        )
                        .bind(plan_id)
                        .bind(number)
                        .bind(scheduled_on)
                        .bind(RoundStatus::Committed.as_str())
                        .bind(commitment)
                        .bind(seed)
                        .bind(office_seed)
                        .bind(to_json(&input)?)
                        .bind(hex::encode(input.digest()))
                        .bind(actor.account_id)
                        .bind(now),
                    )
                    .await?;
                let round = read_round(&mut c, &actor, RoundId(id)).await?;
                let s = summary(&round);
                created(&mut c, &actor, now, Entity::Round, id, s).await?;
                Ok(round)
            })
        })
        .await
    }

    /// Draws a committed round (with the office's seed when it kept its own).
    pub async fn draw_round(&self, actor: &Actor, id: RoundId, req: DrawRequest) -> StoreResult<Round> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = row(&mut c, id).await?;
                    let snapshot: DrawInput = from_json(&r.snapshot, "round snapshot")?;
                    let draw = RoundRequest::Draw {
                        kept: r.seed.as_deref(),
                        seed: req.seed.as_deref(),
                        commitment: &r.seed_commitment,
                        snapshot: &snapshot,
                    };
                    Ok(step(&mut c, &actor, &r, draw, now).await?.0)
                })
            })
            .await
    }

    /// Ends a drawn round: covert targets become visible, the seed is revealed, and a covert
    /// round's findings are written into the ledger.
    pub async fn end_round(&self, actor: &Actor, id: RoundId) -> StoreResult<Round> {
        authorize(actor, Permission::ManageInspections, Party::Office)?;
        let t = self.reference().light_thresholds().await?.value;
        let calendar = self.reference().calendar().await?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = row(&mut c, id).await?;
                    let (ended, d) = step(&mut c, &actor, &r, RoundRequest::End, now).await?;
                    if d.file_held_findings {
                        let plan = plans::require(&mut c, ended.plan_id).await?;
                        super::findings::file_held_findings(&mut c, &actor, id, &plan, &calendar, &t, now).await?;
                    }
                    Ok(ended)
                })
            })
            .await
    }

    pub async fn get_round(&self, actor: &Actor, id: RoundId) -> StoreResult<Round> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let actor = actor.clone();
        self.db.read(move |tx| Box::pin(async move { read_round(&mut tx.conn(), &actor, id).await })).await
    }

    /// Rounds, newest first; of one plan, or (for an inspector) those they are drawn into.
    pub async fn list_rounds(
        &self,
        actor: &Actor,
        plan: Option<PlanId>,
        mine: bool,
        page: &PageRequest,
    ) -> StoreResult<Page<Round>> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let (actor, page) = (actor.clone(), page.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let me = actor_person(&mut c, &actor).await?;
                    let mut q = Q::new(format!("SELECT {COLUMNS} FROM inspection_rounds WHERE 1 = 1"));
                    if let Some(p) = plan {
                        q.push(" AND plan_id = ").push_bind(p);
                    }
                    if mine || actor.role == Role::Inspector {
                        q.push(" AND id IN (SELECT round_id FROM round_inspectors WHERE person_id = ")
                            .push_bind(me.map(|p| p.get()).unwrap_or(0))
                            .push(")");
                    }
                    let rows: Vec<RoundRow> = c.fetch_all(newest_first(q, &page)).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        let plan = plans::require(&mut c, PlanId(r.plan_id)).await?;
                        out.push((r.id, view(&mut c, &actor, r, &plan).await?));
                    }
                    page_of(&page, out)
                })
            })
            .await
    }

    /// The group (0-based) the actor's own person was drawn into, if any.
    pub async fn own_group(&self, actor: &Actor, id: RoundId) -> StoreResult<Option<usize>> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let drawn = groups(&mut c, id).await?;
                    own_group(&mut c, &actor, &drawn).await
                })
            })
            .await
    }

    /// Everything needed to rerun an ended round's draw elsewhere (`rectify draw verify
    /// --evidence FILE`); held while it would name a running covert round's targets.
    pub async fn round_evidence(&self, actor: &Actor, id: RoundId) -> StoreResult<DrawEvidence> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let ev = evidence(&mut c, &actor, id).await?;
                    release_evidence(ev.snapshot.recent_pairs.len(), covert_running(&mut c, id).await?)?;
                    Ok(ev)
                })
            })
            .await
    }

    /// Reruns an ended round's draw from its stored snapshot and revealed seed. Only the verdict
    /// goes out, so a held evidence is verified too.
    pub async fn verify_round(&self, actor: &Actor, id: RoundId) -> StoreResult<Verification> {
        authorize(actor, Permission::ViewInspections, Party::Other)?;
        let actor = actor.clone();
        let ev = self.db.read(move |tx| Box::pin(async move { evidence(&mut tx.conn(), &actor, id).await })).await?;
        Ok(ev.verify())
    }
}
