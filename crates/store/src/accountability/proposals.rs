//! The rules that propose actions by themselves: a problem red too long proposes 约谈 of its
//! leader, a case still overdue long after its overdue reminder (催办) proposes 书面通报批评 of
//! its unit. (Points reaching zero propose 诫勉谈话 in the deduction itself, see `points`.)
//! Each proposal has a key naming its rule, subject and deadline, so running the rules again
//! proposes nothing new and a dismissed proposal stays dismissed; a new deadline that is missed
//! again is a new subject.

use super::{Origin, get, insert};
use crate::areas::Accountability;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::history::{self, Change};
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::Entity;
use rectify_domain::accountability::{ActionFields, ActionKind, Grounds, ProposalRule, ProposalRules};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::ids::{CaseId, PersonId, ProblemId, UnitId};
use rectify_domain::problem::ProblemState;
use rectify_domain::time::{Timestamp, china_date};

record! {
    struct RedProblem {
        id: i64,
        unit_id: i64,
        leader_person_id: Option<i64>,
        due_on: NaiveDate,
        created_at: DateTime<Utc>,
    }
}

record! {
    struct OverdueCase {
        id: i64,
        unit_id: i64,
        due_on: NaiveDate,
        created_at: DateTime<Utc>,
    }
}

/// Working days from `since` to `today`, never negative.
fn working_days(cal: &WorkCalendar, since: NaiveDate, today: NaiveDate) -> u32 {
    cal.working_days_between(since, today).value.clamp(0, i64::from(u32::MAX)) as u32
}

/// Inserts a proposal unless its key exists; records it in history. Returns 1 if proposed.
pub(crate) async fn propose(
    c: &mut Conn<'_>,
    actor: &Actor,
    now: Timestamp,
    f: &ActionFields,
    owner: Option<UnitId>,
    rule: ProposalRule,
    key: String,
) -> StoreResult<u64> {
    let origin = Origin::Proposed { rule, key, by: &actor.username };
    let Some(id) = insert(c, f, owner, origin, now).await? else { return Ok(0) };
    let record = get(c, id).await?;
    let change = Change {
        entity: Entity::ActionRecord,
        entity_id: id.to_string(),
        action: "propose",
        note: Some(rule.as_str()),
        before: None,
        after: Some(&record),
    };
    history::record(c, actor, now, change).await?;
    Ok(1)
}

/// An action the system proposes, before its subject-specific parts.
fn proposal(kind: ActionKind, today: NaiveDate, reason: String) -> ActionFields {
    ActionFields {
        kind,
        unit_id: None,
        person_id: None,
        reason,
        decided_on: today,
        deciding_body: None,
        problem_ids: Vec::new(),
        case_ids: Vec::new(),
        finding_ids: Vec::new(),
    }
}

/// One run of the rules: who runs them, when, with which settings and calendar.
#[derive(Clone, Copy)]
struct Run<'a> {
    actor: &'a Actor,
    now: Timestamp,
    rules: &'a ProposalRules,
    cal: &'a WorkCalendar,
    today: NaiveDate,
}

async fn red_problems(c: &mut Conn<'_>, run: &Run<'_>) -> StoreResult<u64> {
    let Run { actor, now, rules, cal, today } = *run;
    let mut q =
        Q::new("SELECT id, unit_id, leader_person_id, due_on, created_at FROM problems WHERE archived_at IS NULL AND ");
    q.push_in("state", ProblemState::LIT.iter().map(|s| s.as_str()));
    // Red from the day after `due_on` (see `rectify_domain::light`).
    q.push(" AND due_on < ").push_bind(today).push(" ORDER BY id");
    let rows: Vec<RedProblem> = c.fetch_all(q).await?;
    let mut proposed = 0;
    for r in rows.into_iter().filter(|r| rules.covers(r.due_on, china_date(r.created_at))) {
        let days = working_days(cal, r.due_on, today);
        let Some(kind) = rules.for_red_problem(days) else { continue };
        let grounds =
            Grounds::RedProblem { problem: ProblemId(r.id), due_on: r.due_on, days, limit: rules.red_working_days };
        let reason = grounds.reason();
        let mut f = proposal(kind, today, reason);
        f.unit_id = Some(UnitId(r.unit_id));
        f.person_id = r.leader_person_id.map(PersonId);
        f.problem_ids = vec![ProblemId(r.id)];
        let key = format!("{}:{}:{}", ProposalRule::RedProblem.as_str(), r.id, r.due_on);
        proposed += propose(c, actor, now, &f, Some(UnitId(r.unit_id)), ProposalRule::RedProblem, key).await?;
    }
    Ok(proposed)
}

async fn overdue_cases(c: &mut Conn<'_>, run: &Run<'_>) -> StoreResult<u64> {
    let Run { actor, now, rules, cal, today } = *run;
    let rows: Vec<OverdueCase> = c
        .fetch_all(
            Q::new(
                "SELECT id, unit_id, due_on, created_at FROM cases WHERE state IN ('assigned', 'in_progress') \
                 AND unit_id IS NOT NULL AND due_on < $1 ORDER BY id",
            )
            .bind(today),
        )
        .await?;
    let mut proposed = 0;
    for r in rows.into_iter().filter(|r| rules.covers(r.due_on, china_date(r.created_at))) {
        // The overdue reminder for this due date (`queue_case_reminders` names it so). A unit
        // without an e-mail mailbox gets none queued; it counts from the first overdue day,
        // when the reminder would have gone out, so that it is not spared for having no mailbox.
        let reminded: Option<DateTime<Utc>> = c
            .scalar_optional(
                Q::new("SELECT created_at FROM outbox WHERE dedupe_key = $1")
                    .bind(format!("overdue:{}:{}", r.id, r.due_on)),
            )
            .await?;
        let since = reminded.map(china_date).unwrap_or_else(|| r.due_on.succ_opt().unwrap_or(r.due_on));
        let days = working_days(cal, since, today);
        let Some(kind) = rules.for_overdue_case(days) else { continue };
        let reason =
            Grounds::OverdueAfterReminder { case: CaseId(r.id), due_on: r.due_on, reminded_on: since, days }.reason();
        let mut f = proposal(kind, today, reason);
        f.unit_id = Some(UnitId(r.unit_id));
        f.case_ids = vec![CaseId(r.id)];
        let key = format!("{}:{}:{}", ProposalRule::OverdueAfterReminder.as_str(), r.id, r.due_on);
        proposed +=
            propose(c, actor, now, &f, Some(UnitId(r.unit_id)), ProposalRule::OverdueAfterReminder, key).await?;
    }
    Ok(proposed)
}

impl Accountability<'_> {
    /// Runs the proposing rules now (the office); returns how many actions were proposed.
    pub async fn run_proposals(&self, actor: &Actor) -> StoreResult<u64> {
        authorize(actor, Permission::ManageAccountability, Party::Office)?;
        self.propose_as(actor.clone()).await
    }

    /// Runs the proposing rules as the system (the background job, next to the reminders).
    pub async fn propose_actions(&self) -> StoreResult<u64> {
        self.propose_as(Actor::system()).await
    }

    async fn propose_as(&self, actor: Actor) -> StoreResult<u64> {
        let rules = self.reference().settings().await?.proposal_rules;
        let cal = self.reference().calendar().await?;
        let (now, today) = (self.now(), self.today());
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let run = Run { actor: &actor, now, rules: &rules, cal: &cal, today };
                    let red = red_problems(&mut c, &run).await?;
                    let overdue = overdue_cases(&mut c, &run).await?;
                    Ok(red + overdue)
                })
            })
            .await
    }
}
