//! Cases turned into problems (梳理归纳): the link, the citizens' say in the close-off, and the
//! answer each citizen receives when the problem is closed off.

use super::{CaseRow, Step, record_event, row};
use crate::areas::Cases;
use crate::db::{Conn, Q};
use crate::error::StoreResult;
use crate::notices;
use crate::problems::{Move, fire_in};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{CaseCourse, answer_from_problem, merged_into_ledger};
use rectify_domain::ids::{CaseId, ProblemId};
use rectify_domain::light::LightThresholds;
use rectify_domain::problem::{self, CitizensVerdict, Problem, ProblemState, SetAside, SourceCitizen, rebound_note};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Rule};
use rectify_vault::Keyring;

/// Links cases to a problem (in the caller's transaction).
pub(crate) async fn link_cases(
    c: &mut Conn<'_>,
    actor: &Actor,
    problem: ProblemId,
    cases: &[CaseId],
    published: bool,
    now: Timestamp,
) -> StoreResult<Vec<CaseId>> {
    let mut linked = Vec::new();
    let (public_text, _) = merged_into_ledger(problem, published);
    for (i, id) in cases.iter().enumerate() {
        let field = format!("case_ids[{i}]");
        let r = row(c, *id).await?.ok_or_else(|| DomainError::unknown(&field, Entity::Case))?;
        if r.state.is_final() {
            return Err(DomainError::rule(Rule::CaseNotOpen, field).into());
        }
        let n = c
            .execute(
                Q::new(
                    "INSERT INTO problem_cases (problem_id, case_id, linked_at, linked_by) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (problem_id, case_id) DO NOTHING",
                )
                .bind(problem)
                .bind(*id)
                .bind(now)
                .bind(actor.username.as_str()),
            )
            .await?;
        if n > 0 {
            let note = format!("转为问题 {problem}");
            let step = Step { public_text: Some(&public_text), ..Step::of("linked").note(Some(&note)) };
            record_event(c, *id, actor, now, step).await?;
            linked.push(*id);
        }
    }
    Ok(linked)
}

/// Tells the citizens of newly linked cases that their case is in the ledger (纳入整改台账).
pub(crate) async fn tell_merged(
    c: &mut Conn<'_>,
    vault: &Keyring,
    problem: ProblemId,
    published: bool,
    cases: &[CaseId],
    now: Timestamp,
) -> StoreResult<()> {
    for id in cases {
        let r = row(c, *id).await?.ok_or_else(|| DomainError::not_found(Entity::Case, *id))?;
        let (_, notice) = merged_into_ledger(problem, published);
        notices::queue(c, vault, now, *id, &r.sealed_contact(), vec![notice]).await?;
    }
    Ok(())
}

async fn linked_rows(c: &mut Conn<'_>, problem: ProblemId) -> StoreResult<Vec<CaseRow>> {
    c.fetch_all(
        Q::new(format!(
            "SELECT {} FROM cases WHERE id IN (SELECT case_id FROM problem_cases WHERE problem_id = $1) ORDER BY id",
            super::COLUMNS
        ))
        .bind(problem),
    )
    .await
}

/// The citizens' side of a close-off, judged by the domain from the problem's source cases.
pub(crate) async fn citizens_verdict(
    c: &mut Conn<'_>,
    problem: ProblemId,
    reported_at: Option<Timestamp>,
    set_aside: &[(CaseId, SetAside)],
) -> StoreResult<CitizensVerdict> {
    let rows = linked_rows(c, problem).await?;
    let courses: Vec<(CaseCourse, bool)> = rows.iter().map(|r| (r.course(), r.reachable())).collect();
    let cases: Vec<SourceCitizen<'_>> =
        courses.iter().map(|(course, reachable)| SourceCitizen { course, reachable: *reachable }).collect();
    Ok(problem::citizens_verdict(&cases, reported_at, set_aside)?)
}

/// On close-off, each open source case is answered (and so waits for a return visit), as the
/// domain decides (`answer_from_problem`).
pub(crate) async fn reply_to_source_cases(
    c: &mut Conn<'_>,
    vault: &Keyring,
    actor: &Actor,
    problem: ProblemId,
    note: Option<&str>,
    set_aside: &[(CaseId, SetAside)],
    now: Timestamp,
) -> StoreResult<()> {
    for r in linked_rows(c, problem).await? {
        let id = r.id;
        let why = set_aside.iter().find(|(w, _)| *w == id).map(|(_, why)| why);
        let d = answer_from_problem(&r.course(), problem, note, why, now);
        if d.next != r.course() {
            write_answer(c, &d.next, now).await?;
        }
        for s in &d.steps {
            let step =
                Step { action: s.event, note: s.note.as_deref(), public_text: s.public_text.as_deref(), unit: s.unit };
            record_event(c, id, actor, now, step).await?;
        }
        notices::queue(c, vault, now, id, &r.sealed_contact(), d.notices).await?;
    }
    Ok(())
}

/// Writes the answer a close-off gives a source case.
async fn write_answer(c: &mut Conn<'_>, n: &CaseCourse, now: Timestamp) -> StoreResult<()> {
    c.execute(
        Q::new(
            "UPDATE cases SET state = $1, replied_at = $2, replied_on = $3, answer = $4, visited_at = NULL, \
             satisfaction = NULL, satisfaction_at = NULL, visit_method = NULL, rated_at = NULL, \
             version = version + 1, updated_at = $2 WHERE id = $5",
        )
        .bind(n.state.as_str())
        .bind(now)
        .bind(now.china_date())
        .bind(n.answer.clone())
        .bind(n.id),
    )
    .await?;
    // No history row of its own (the problem's close-off has it): tell the index directly.
    crate::search::feed::note_record(c, rectify_domain::search::SearchKind::Case, n.id.0, now).await
}

/// A source case found the citizen unsatisfied: problems already closed off come back (反弹).
pub(crate) async fn rebound(
    c: &mut Conn<'_>,
    case: CaseId,
    reason: &str,
    t: &LightThresholds,
    vault: &Keyring,
    now: Timestamp,
) -> StoreResult<()> {
    let problems: Vec<(i64, String)> = c
        .fetch_all(
            Q::new(
                "SELECT p.id, p.state FROM problems p JOIN problem_cases pc ON pc.problem_id = p.id WHERE pc.case_id = $1",
            )
            .bind(case),
        )
        .await?;
    for (id, state) in problems {
        if ProblemState::parse(&state) == Some(ProblemState::Closed) {
            let m = Move::reopen(rebound_note(case, reason));
            fire_in(c, &Actor::system(), ProblemId(id), &m, t, vault, now).await?;
        }
    }
    Ok(())
}

/// Whether a problem made from the case waits for the citizens' verdict (reported fixed).
pub(crate) async fn awaiting_check(c: &mut Conn<'_>, case: CaseId) -> StoreResult<bool> {
    let n: i64 = c
        .scalar(
            Q::new(
                "SELECT COUNT(*) FROM problems p JOIN problem_cases pc ON pc.problem_id = p.id \
                 WHERE pc.case_id = $1 AND p.state = 'reported'",
            )
            .bind(case),
        )
        .await?;
    Ok(n > 0)
}

impl Cases<'_> {
    /// Attaches cases to an existing problem.
    pub async fn attach_cases(&self, actor: &Actor, problem: ProblemId, cases: Vec<CaseId>) -> StoreResult<Problem> {
        authorize(actor, Permission::LinkCases, Party::Office)?;
        let t = self.reference().light_thresholds().await?.value;
        let (now, vault) = (self.now(), self.vault.clone());
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let p = crate::problems::get_visible(&mut c, &actor, problem, &t).await?;
                    if p.state == ProblemState::Closed {
                        return Err(DomainError::rule(Rule::ProblemClosed, "problem_id").into());
                    }
                    let linked = link_cases(&mut c, &actor, problem, &cases, p.published, now).await?;
                    tell_merged(&mut c, &vault, problem, p.published, &linked, now).await?;
                    crate::problems::get(&mut c, problem, &t)
                        .await?
                        .ok_or_else(|| DomainError::not_found(Entity::Problem, problem).into())
                })
            })
            .await
    }
}
