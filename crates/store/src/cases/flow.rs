//! The case loop: firing an action checks the domain table and guards, then writes the new
//! state and dates, the event, the history row and the notices in one transaction.

use super::links::{awaiting_check, rebound};
use super::{CaseRow, Step, assemble, case_party, record_event, visible_row};
use crate::Store;
use crate::db::{Conn, Q};
use crate::error::StoreResult;
use crate::notices::{self, to_citizen, to_unit};
use crate::units::require_live;
use crate::versioned::{self, changed};
use chrono::NaiveDate;
use rectify_domain::actor::Actor;
use rectify_domain::calendar::WorkCalendar;
use rectify_domain::case::{
    Case, CaseAction, CaseDueRule, CaseFacts, CaseParty, CaseTransitionRequest, CaseType, ExtensionStatus, VisitMethod,
    fire, sign_due,
};
use rectify_domain::ids::{CaseId, UnitId};
use rectify_domain::light::LightThresholds;
use rectify_domain::privacy::Contact;
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, FieldError, Issue, text};
use rectify_vault::Keyring;

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
    pub today: NaiveDate,
    pub calendar: std::sync::Arc<WorkCalendar>,
    pub due_rule: CaseDueRule,
    pub thresholds: LightThresholds,
    pub vault: std::sync::Arc<rectify_vault::Keyring>,
}

async fn unit_mailbox(c: &mut Conn<'_>, unit: UnitId) -> StoreResult<Option<String>> {
    let r: Option<(Option<String>,)> =
        c.fetch_optional(Q::new("SELECT mailbox FROM units WHERE id = $1").bind(unit)).await?;
    Ok(r.and_then(|(m,)| m))
}

/// Tells the unit it has a case to handle.
async fn notify_assigned(c: &mut Conn<'_>, vault: &Keyring, next: &CaseRow, now: Timestamp) -> StoreResult<()> {
    let Some(unit) = next.unit_id else { return Ok(()) };
    let mailbox = unit_mailbox(c, UnitId(unit)).await?;
    let due = next.due_on.map(|d| d.to_string()).unwrap_or_default();
    let body = format!("收到新的诉求件（编号 {}），请于 1 个工作日内签收，{due} 前答复。", next.id);
    notices::enqueue(c, vault, now, to_unit(mailbox.as_deref(), CaseId(next.id), "新派单", &body, None)).await?;
    Ok(())
}

/// Sends a case (back) to a unit: the dates of a fresh assignment.
fn assign_dates(next: &mut CaseRow, case_type: CaseType, ctx: &Context) {
    next.assigned_at = Some(ctx.now.utc());
    next.sign_due_on = Some(sign_due(ctx.today, &ctx.calendar));
    next.due_on = Some(ctx.due_rule.due(case_type, next.urgent, ctx.today, &ctx.calendar).value);
    next.signed_at = None;
    next.extension_due = None;
    next.extension_reason = None;
    next.extension_requested_at = None;
    next.extension_status = None;
}

/// A new reply asks the citizen anew: the previous visit, satisfaction and rating were about the
/// previous reply (the events keep them).
pub(crate) fn clear_verdict(next: &mut CaseRow) {
    next.visited_at = None;
    next.satisfaction = None;
    next.satisfaction_at = None;
    next.visit_method = None;
    next.rated_at = None;
}

/// Writes every field a transition may change, guarded by the version read.
async fn write_row(c: &mut Conn<'_>, n: &CaseRow, read_version: i64, now: Timestamp) -> StoreResult<()> {
    let china = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| Timestamp::from_utc(t).china_date());
    let q = Q::new(
        "UPDATE cases SET unit_id = $1, state = $2, accepted_at = $3, assigned_at = $4, sign_due_on = $5, signed_at = $6, \
         signed_on = $7, due_on = $8, replied_at = $9, replied_on = $10, answer = $11, decline_reason = $12, \
         extension_due = $13, extension_reason = $14, extension_requested_at = $15, extension_status = $16, \
         satisfaction = $17, satisfaction_at = $18, visit_method = $19, visit_count = $20, visited_at = $21, \
         rated_at = $22, rating_comment = $23, reopen_count = $24, send_back_count = $25, closed_at = $26, \
         version = version + 1, updated_at = $27 WHERE id = $28 AND version = $29",
    )
    .bind(n.unit_id)
    .bind(n.state.as_str())
    .bind(n.accepted_at)
    .bind(n.assigned_at)
    .bind(n.sign_due_on)
    .bind(n.signed_at)
    .bind(china(n.signed_at))
    .bind(n.due_on)
    .bind(n.replied_at)
    .bind(china(n.replied_at))
    .bind(n.answer.clone())
    .bind(n.decline_reason.clone())
    .bind(n.extension_due)
    .bind(n.extension_reason.clone())
    .bind(n.extension_requested_at)
    .bind(n.extension_status.clone())
    .bind(n.satisfaction.clone())
    .bind(n.satisfaction_at)
    .bind(n.visit_method.clone())
    .bind(n.visit_count)
    .bind(n.visited_at)
    .bind(n.rated_at)
    .bind(n.rating_comment.clone())
    .bind(n.reopen_count)
    .bind(n.send_back_count)
    .bind(n.closed_at)
    .bind(now)
    .bind(n.id)
    .bind(read_version);
    versioned::update(c, Entity::Case, read_version, q).await
}

/// What an imported record says happened to a case after it was received.
pub(crate) struct ImportedCourse {
    /// The unit that answered (承办单位), if the file says.
    pub unit: Option<UnitId>,
    pub answer: Option<String>,
    pub replied_at: Option<Timestamp>,
    pub satisfaction: Option<rectify_domain::case::Satisfaction>,
    /// Where it came from, for the staff record of each step.
    pub note: String,
}

/// Writes an imported case's course with the file's own times, so that its figures count like a
/// native case's: a message board publishes what it took, so the case was accepted (and, with a
/// unit, assigned and signed for) when it was received; its due date is the case rule's from
/// that day; the reply, when there is one, was given at the recorded time; a satisfaction
/// given in the file is a return visit. No notice goes to the citizen: this is history.
pub(crate) async fn record_imported_course(
    c: &mut Conn<'_>,
    actor: &Actor,
    r: CaseRow,
    course: &ImportedCourse,
    ctx: &Context,
) -> StoreResult<()> {
    use rectify_domain::case::CaseState;
    let case_type = r.case_type()?;
    let received = Timestamp::from_utc(r.received_at);
    let received_on = received.china_date();
    let mut next = r.clone();
    // (when, action, unit, what the citizen may read)
    let mut steps: Vec<(Timestamp, &str, Option<UnitId>, Option<String>)> = Vec::new();
    if next.accepted_at.is_none() && r.state()? == CaseState::Received {
        next.accepted_at = Some(r.received_at);
        next.state = CaseState::Accepted.as_str().into();
        steps.push((received, "accept", None, None));
    }
    if next.accepted_at.is_some() && next.due_on.is_none() && next.replied_at.is_none() {
        next.due_on = Some(ctx.due_rule.due(case_type, next.urgent, received_on, &ctx.calendar).value);
    }
    if let (Some(unit), None, true) = (course.unit, next.unit_id, next.accepted_at.is_some()) {
        next.unit_id = Some(unit.get());
        next.assigned_at = Some(r.received_at);
        next.sign_due_on = Some(sign_due(received_on, &ctx.calendar));
        next.signed_at = Some(r.received_at);
        next.state = CaseState::InProgress.as_str().into();
        steps.push((received, "assign", Some(unit), None));
        steps.push((received, "sign", None, None));
    }
    if let (Some(answer), Some(at), None, true) =
        (&course.answer, course.replied_at, next.replied_at, next.accepted_at.is_some())
    {
        next.replied_at = Some(at.utc());
        next.answer = Some(answer.clone());
        next.state = CaseState::Replied.as_str().into();
        steps.push((at, "reply", None, Some(answer.clone())));
    }
    if let (Some(s), Some(at), None) = (course.satisfaction, next.replied_at, &next.satisfaction) {
        let at = Timestamp::from_utc(at);
        next.visit_method = Some(VisitMethod::Phone.as_str().into());
        next.visit_count += 1;
        next.visited_at = Some(at.utc());
        next.satisfaction = Some(s.as_str().into());
        next.satisfaction_at = Some(at.utc());
        steps.push((at, "visit", None, None));
    }
    if steps.is_empty() {
        return Ok(());
    }
    let id = CaseId(r.id);
    let note = Some(course.note.as_str());
    for (at, action, unit, public_text) in &steps {
        let step = Step { action, note, public_text: public_text.as_deref(), unit: *unit };
        record_event(c, id, actor, *at, step).await?;
    }
    let before = assemble(c, &ctx.vault, r.clone(), ctx.today).await?;
    write_row(c, &next, r.version, ctx.now).await?;
    let after = assemble(c, &ctx.vault, next, ctx.today).await?;
    changed(c, actor, ctx.now, Entity::Case, r.id, "import", note, &before, after).await?;
    Ok(())
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
    let id = CaseId(r.id);
    if let Some(v) = req.version
        && v != r.version
    {
        return Err(DomainError::StaleVersion { entity: Entity::Case, current: r.version }.into());
    }
    let state = r.state()?;
    let facts = CaseFacts {
        state,
        has_unit: r.unit_id.is_some(),
        due_on: r.due_on,
        extension: r.extension_status()?,
        satisfaction_since_reply: r.satisfaction_since_reply()?,
        problem_awaiting_check: action == CaseAction::Visit && awaiting_check(c, id).await?,
        today: ctx.today,
    };
    let fired = fire(&facts, action, party, req)?;
    let case_type = r.case_type()?;
    let before = assemble(c, &ctx.vault, r.clone(), ctx.today).await?;
    let now = ctx.now.utc();
    let mut next = r.clone();
    next.state = fired.to.as_str().to_owned();
    let mut public_text: Option<String> = None;
    let mut event_unit: Option<UnitId> = None;
    let mut notes: Vec<notices::Notice> = Vec::new();
    let Contact { phone, email, .. } = r.contact(&ctx.vault)?;
    let tell = |subject: &str, body: &str| to_citizen(phone.as_deref(), email.as_deref(), id, subject, body);
    match action {
        CaseAction::Accept => {
            next.accepted_at = Some(now);
            notes.extend(tell("诉求已受理", "您的诉求已受理，我们将尽快转交有关单位办理。"));
        }
        CaseAction::Decline => {
            next.decline_reason = req.reason.clone();
            public_text = req.reason.clone();
            notes.extend(tell(
                "诉求不予受理",
                &format!("您的诉求不予受理，原因：{}", req.reason.as_deref().unwrap_or_default()),
            ));
        }
        CaseAction::Assign => {
            let unit = req.unit_id.ok_or_else(|| DomainError::field("unit_id", Issue::Required))?;
            require_live(c, unit, "unit_id").await?;
            next.unit_id = Some(unit.get());
            assign_dates(&mut next, case_type, ctx);
            event_unit = Some(unit);
        }
        CaseAction::Sign => next.signed_at = Some(now),
        CaseAction::SendBack => {
            next.send_back_count += 1;
            next.unit_id = None;
            next.signed_at = None;
            next.sign_due_on = None;
            next.due_on = None;
            event_unit = r.unit_id.map(UnitId);
        }
        CaseAction::Extend if party == CaseParty::Office => {
            let approve = req.approve.unwrap_or(false);
            next.extension_status =
                Some(if approve { ExtensionStatus::Granted } else { ExtensionStatus::Refused }.as_str().into());
            if approve {
                next.due_on = r.extension_due;
            }
        }
        CaseAction::Extend => {
            next.extension_due = req.due;
            next.extension_reason = req.reason.clone();
            next.extension_requested_at = Some(now);
            next.extension_status = Some(ExtensionStatus::Pending.as_str().into());
        }
        CaseAction::Reply => {
            next.replied_at = Some(now);
            next.answer = req.answer.clone();
            clear_verdict(&mut next);
            public_text = req.answer.clone();
            let answer = req.answer.as_deref().unwrap_or_default();
            notes.extend(tell("诉求已答复", &format!("您的诉求已答复：{answer}")));
            notes.extend(tell("请评价", "请凭查询码（及手机尾号）对办理结果进行满意度评价。"));
        }
        CaseAction::Visit => {
            let method = req.method.unwrap_or(if party == CaseParty::Citizen {
                VisitMethod::SelfRated
            } else {
                VisitMethod::Phone
            });
            next.visit_method = Some(method.as_str().into());
            next.visit_count += 1;
            next.visited_at = Some(now);
            if method != VisitMethod::Unreachable {
                next.satisfaction = req.satisfaction.map(|s| s.as_str().to_owned());
                next.satisfaction_at = Some(now);
            }
            if party == CaseParty::Citizen {
                next.rated_at = Some(now);
                next.rating_comment = req.note.clone();
            }
        }
        CaseAction::Close => next.closed_at = Some(now),
        CaseAction::Reopen => {}
    }
    if fired.reopened {
        next.reopen_count += 1;
        next.closed_at = None;
        if next.unit_id.is_some() {
            assign_dates(&mut next, case_type, ctx);
            event_unit = next.unit_id.map(UnitId);
        }
    }
    write_row(c, &next, r.version, ctx.now).await?;
    let name = if party == CaseParty::Citizen && action == CaseAction::Visit { "rated" } else { action.as_str() };
    // The staff record of the step: the reason given, and any note.
    let note = match (req.reason.as_deref(), req.note.as_deref()) {
        (Some(r), Some(n)) => Some(format!("{r}（{n}）")),
        (Some(r), None) => Some(r.to_owned()),
        (None, n) => n.map(str::to_owned),
    };
    let step = Step { action: name, note: note.as_deref(), public_text: public_text.as_deref(), unit: event_unit };
    record_event(c, id, actor, ctx.now, step).await?;
    if fired.reopened {
        record_event(c, id, actor, ctx.now, Step { unit: next.unit_id.map(UnitId), ..Step::of("reopen") }).await?;
        let reason = req.reason.clone().or_else(|| req.note.clone()).unwrap_or_else(|| "群众不满意".into());
        rebound(c, id, &reason, &ctx.thresholds, &ctx.vault, ctx.now).await?;
    }
    if matches!(action, CaseAction::Assign) || fired.reopened {
        notify_assigned(c, &ctx.vault, &next, ctx.now).await?;
    }
    notices::enqueue(c, &ctx.vault, ctx.now, notes).await?;
    let after = assemble(c, &ctx.vault, next, ctx.today).await?;
    changed(c, actor, ctx.now, Entity::Case, id, name, note.as_deref(), &before, after).await
}

impl Store {
    pub(crate) async fn case_context(&self) -> StoreResult<Context> {
        Ok(Context {
            now: self.now(),
            today: self.today(),
            calendar: self.calendar().await?,
            due_rule: self.settings().await?.case_due,
            thresholds: self.light_thresholds().await?.value,
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
                    let party = case_party(&mut c, &actor, r.unit_id.map(UnitId)).await?;
                    fire_case(&mut c, &actor, r, party, action, &req, &ctx).await
                })
            })
            .await
    }
}
