//! The case loop in the store: load the case and the facts its guards need, let the domain's
//! `fire` decide, and persist the decision — the row, the events, the notices, a rebound of the
//! problems made from the case, the history — in one transaction.

use super::links::{awaiting_check, rebound};
use super::{CaseRow, Step, assemble, case_party, record_event, visible_row};
use crate::areas::Cases;
use crate::db::{Conn, Q};
use crate::error::StoreResult;
use crate::notices;
use crate::units::require_live;
use crate::versioned::{self, changed};
use rectify_domain::actor::Actor;
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::case::{
    Case, CaseAction, CaseCourse, CaseDecision, CaseDueRule, CaseEnv, CaseParty, CaseTransitionRequest, ModelRouting,
    TriageRules, auto_route, fire,
};
use rectify_domain::ids::CaseId;
use rectify_domain::light::LightThresholds;
use rectify_domain::reply_quality::assess;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, FieldError, Issue, text};
use std::sync::Arc;

fn parse_action(s: Option<&str>) -> Result<CaseAction, DomainError> {
    match s.map(text::clean) {
        None | Some("") => Err(DomainError::field("action", Issue::Required)),
        Some(a) => CaseAction::parse(a).ok_or_else(|| {
            DomainError::field(
                "action",
                Issue::NotOneOf { expected: CaseAction::ALL.iter().map(|a| a.as_str().to_owned()).collect() },
            )
        }),
    }
}

/// Text fields of a request, trimmed and bounded.
fn clean_request(mut req: CaseTransitionRequest) -> Result<CaseTransitionRequest, DomainError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut fix = |field: &str, v: &mut Option<String>, max: usize| match text::optional(field, v.as_deref(), max) {
        Ok(clean) => *v = clean,
        Err(e) => errors.push(e),
    };
    fix("note", &mut req.note, text::TEXT_MAX);
    fix("answer", &mut req.answer, text::MESSAGE_MAX);
    fix("reason", &mut req.reason, text::SHORT_MAX * 5);
    if errors.is_empty() { Ok(req) } else { Err(DomainError::Invalid(errors)) }
}

/// Everything a transition needs that is not in the request.
pub(crate) struct Context {
    pub now: Timestamp,
    pub today: chrono::NaiveDate,
    pub calendar: Arc<WorkCalendar>,
    pub due_rule: CaseDueRule,
    pub thresholds: LightThresholds,
    pub vault: Arc<rectify_vault::Keyring>,
}

impl Context {
    pub(crate) fn env(&self, problem_awaiting_check: bool) -> CaseEnv<'_> {
        CaseEnv { now: self.now, calendar: &self.calendar, due_rule: self.due_rule, problem_awaiting_check }
    }
}

/// Writes every field a transition may change, guarded by the version read.
async fn write_course(c: &mut Conn<'_>, n: &CaseCourse, read_version: i64, now: Timestamp) -> StoreResult<()> {
    let day = |t: Option<Timestamp>| t.map(Timestamp::china_date);
    let q = Q::new(
        "UPDATE cases SET unit_id = $1, state = $2, accepted_at = $3, assigned_at = $4, sign_due_on = $5, signed_at = $6, \
         signed_on = $7, due_on = $8, replied_at = $9, replied_on = $10, answer = $11, decline_reason = $12, \
         extension_due = $13, extension_reason = $14, extension_requested_at = $15, extension_status = $16, \
         satisfaction = $17, satisfaction_at = $18, visit_method = $19, visit_count = $20, visited_at = $21, \
         rated_at = $22, rating_comment = $23, reopen_count = $24, send_back_count = $25, closed_at = $26, \
         category = $27, category_source = $28, category_model = $29, version = version + 1, updated_at = $30 \
         WHERE id = $31 AND version = $32",
    )
    .bind(n.unit_id)
    .bind(n.state.as_str())
    .bind(n.accepted_at)
    .bind(n.assigned_at)
    .bind(n.sign_due_on)
    .bind(n.signed_at)
    .bind(day(n.signed_at))
    .bind(n.due_on)
    .bind(n.replied_at)
    .bind(day(n.replied_at))
    .bind(n.answer.clone())
    .bind(n.decline_reason.clone())
    .bind(n.extension_due)
    .bind(n.extension_reason.clone())
    .bind(n.extension_requested_at)
    .bind(n.extension_status.map(|s| s.as_str()))
    .bind(n.satisfaction.map(|s| s.as_str()))
    .bind(n.satisfaction_at)
    .bind(n.visit_method.map(|s| s.as_str()))
    .bind(n.visit_count)
    .bind(n.visited_at)
    .bind(n.rated_at)
    .bind(n.rating_comment.clone())
    .bind(n.reopen_count)
    .bind(n.send_back_count)
    .bind(n.closed_at)
    .bind(n.category.clone())
    .bind(n.category_source.map(|s| s.as_str()))
    .bind(n.category_model)
    .bind(now)
    .bind(n.id)
    .bind(read_version);
    versioned::update(c, Entity::Case, read_version, q).await
}

/// Persists a decision about the case `r`: the row, its events, its notices, a rebound of the
/// problems made from it, and the history row of the change. Returns the case as it now is.
pub(crate) async fn persist(
    c: &mut Conn<'_>,
    actor: &Actor,
    r: CaseRow,
    d: CaseDecision,
    ctx: &Context,
) -> StoreResult<Case> {
    let id = r.id;
    let sealed = r.sealed_contact();
    let before = assemble(c, &ctx.vault, r.clone(), ctx.today).await?;
    write_course(c, &d.next, r.version, ctx.now).await?;
    // A new reply (the unit's, the office's, an imported one, a close-off's) is scored for the
    // figures of reply quality.
    if let (Some(answer), Some(at)) = (&d.next.answer, d.next.replied_at)
        && d.next.replied_at != r.replied_at
    {
        let question = format!("{}\n{}", r.title.as_deref().unwrap_or_default(), r.content);
        let limit = ctx.due_rule.working_days(r.case_type, r.urgent);
        let quality = assess(&question, answer, Some((r.received_at, at)), limit, &ctx.calendar);
        crate::triage::record_reply_quality(c, id, &quality).await?;
    }
    for s in &d.steps {
        let step =
            Step { action: s.event, note: s.note.as_deref(), public_text: s.public_text.as_deref(), unit: s.unit };
        record_event(c, id, actor, s.at.unwrap_or(ctx.now), step).await?;
    }
    if let Some(reason) = &d.rebound {
        rebound(c, id, reason, &ctx.thresholds, &ctx.vault, ctx.now).await?;
    }
    notices::queue(c, &ctx.vault, ctx.now, id, &sealed, d.notices).await?;
    let after = assemble(c, &ctx.vault, r.with_course(d.next), ctx.today).await?;
    changed(c, actor, ctx.now, Entity::Case, id, d.name, d.note.as_deref(), &before, after).await
}

/// Fires `action` by `actor` (the citizen when `party` says so) in the caller's transaction.
pub(crate) async fn fire_case(
    c: &mut Conn<'_>,
    actor: &Actor,
    r: CaseRow,
    party: CaseParty,
    action: CaseAction,
    req: &CaseTransitionRequest,
    ctx: &Context,
) -> StoreResult<Case> {
    if let Some(v) = req.version
        && v != r.version
    {
        return Err(DomainError::StaleVersion { entity: Entity::Case, current: r.version }.into());
    }
    let course = r.course();
    let awaiting = action == CaseAction::Visit && awaiting_check(c, course.id).await?;
    let decision = fire(&course, action, party, req, &ctx.env(awaiting))?;
    if action == CaseAction::Assign
        && let Some(unit) = req.unit_id
    {
        require_live(c, unit, "unit_id").await?;
    }
    // The category the decision files the case under is one of the taxonomy's.
    if let Some(key) = &decision.next.category
        && decision.next.category != course.category
    {
        crate::triage::require(c, key, "category").await?;
    }
    persist(c, actor, r, decision, ctx).await
}

/// Lets the model route the case just received (`rectify_domain::case::auto_route`), as the
/// system, in the caller's transaction: each step persisted like a person's.
pub(crate) async fn route_by_model(
    c: &mut Conn<'_>,
    id: CaseId,
    routing: &ModelRouting,
    rules: &TriageRules,
    ctx: &Context,
) -> StoreResult<()> {
    let actor = Actor::system();
    let missing = || DomainError::not_found(Entity::Case, id);
    let mut r = super::row(c, id).await?.ok_or_else(missing)?;
    for d in auto_route(&r.course(), routing, rules, &ctx.env(false))? {
        // A unit archived between the suggestion and this transaction: the case waits for a
        // person to assign it rather than the citizen's submission failing.
        if let Some(unit) = d.next.unit_id.filter(|u| Some(*u) != r.unit_id)
            && require_live(c, unit, "unit_id").await.is_err()
        {
            break;
        }
        persist(c, &actor, r, d, ctx).await?;
        r = super::row(c, id).await?.ok_or_else(missing)?;
    }
    Ok(())
}

impl Cases<'_> {
    pub(crate) async fn case_context(&self) -> StoreResult<Context> {
        Ok(Context {
            now: self.now(),
            today: self.today(),
            calendar: self.reference().calendar().await?,
            due_rule: self.reference().settings().await?.case_due,
            thresholds: self.reference().light_thresholds().await?.value,
            vault: self.vault.clone(),
        })
    }

    /// Fires an action on a case: `accept`, `decline`, `assign`, `sign`, `send_back`, `extend`,
    /// `reply`, `visit`, `close`, `reopen`.
    pub async fn transition_case(&self, actor: &Actor, id: CaseId, req: CaseTransitionRequest) -> StoreResult<Case> {
        let action = parse_action(req.action.as_deref())?;
        let req = clean_request(req)?;
        let ctx = self.case_context().await?;
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = visible_row(&mut c, &actor, id).await?;
                    let party = case_party(&mut c, &actor, r.unit_id).await?;
                    fire_case(&mut c, &actor, r, party, action, &req, &ctx).await
                })
            })
            .await
    }
}
