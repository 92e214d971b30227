//! The case loop as one table: which action moves a case from which states to which, and who may
//! fire it. [`fire`] checks the table and the guards that need facts (reasons, due dates, a
//! pending extension, the citizen's satisfaction) and decides everything the step changes: the
//! case's dates and counters, the steps its record shows, the notices, a rebound of the problems
//! made from it. The store writes the decision.

use super::due::{CaseDueRule, ESCALATE_AFTER, sign_due};
use super::{CaseTransitionRequest, CaseType, ExtensionStatus, Satisfaction, VisitMethod};
use crate::calendar::WorkCalendar;
use crate::category::CategorySource;
use crate::error::{DomainError, Entity, Issue, Rule};
use crate::extension;
use crate::ids::{CaseId, ProblemId, UnitId};
use crate::machine::{self, Transition};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;

crate::wire_enum! {
    pub enum CaseState: "case_state" {
        /// 登记.
        Received = "received",
        /// 受理.
        Accepted = "accepted",
        /// 不予受理.
        Declined = "declined",
        /// 派单: with a unit, waiting for it to sign.
        Assigned = "assigned",
        /// 办理中: signed for by the unit.
        InProgress = "in_progress",
        /// 已答复.
        Replied = "replied",
        /// 办结.
        Closed = "closed",
    }
}

impl CaseState {
    /// States in which a unit owes the reply.
    pub fn with_unit(self) -> bool {
        matches!(self, CaseState::Assigned | CaseState::InProgress)
    }

    /// Finished states: nothing more is owed.
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Declined | CaseState::Closed)
    }
}

crate::wire_enum! {
    pub enum CaseAction: "case_action" {
        Accept = "accept",
        Decline = "decline",
        Assign = "assign",
        Sign = "sign",
        SendBack = "send_back",
        Extend = "extend",
        Reply = "reply",
        Visit = "visit",
        Close = "close",
        Reopen = "reopen",
        /// 分类: set or correct the case's category.
        Categorize = "categorize",
    }
}

/// How the actor stands to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseParty {
    /// The supervising office (office roles).
    Office,
    /// Staff of the unit the case is assigned to.
    AssignedUnit,
    /// The citizen, through the tracking code.
    Citizen,
    Other,
}

use CaseAction::*;
use CaseParty::{AssignedUnit, Citizen, Office};
use CaseState::*;

crate::machine! {
    /// The case loop.
    pub struct CaseMachine: Entity::Case, CaseState, CaseAction, CaseParty = [
        Transition { action: Accept, from: &[Received], to: Some(Accepted), by: &[Office] },
        // 派单 before 不予受理: a page offers the usual step first.
        Transition { action: Assign, from: &[Accepted, Assigned], to: Some(Assigned), by: &[Office] },
        Transition { action: Decline, from: &[Received, Accepted], to: Some(Declined), by: &[Office] },
        Transition { action: Sign, from: &[Assigned], to: Some(InProgress), by: &[AssignedUnit] },
        Transition { action: SendBack, from: &[Assigned, InProgress], to: Some(Accepted), by: &[AssignedUnit] },
        // A unit asks for more time; the office decides.
        Transition { action: Extend, from: &[Assigned, InProgress], to: None, by: &[AssignedUnit, Office] },
        Transition { action: Reply, from: &[InProgress], to: Some(Replied), by: &[AssignedUnit] },
        // The office answers simple consultations itself, without a unit.
        Transition { action: Reply, from: &[Accepted, InProgress], to: Some(Replied), by: &[Office] },
        // The office's return visit, or the citizen's own rating on the tracking page; unsatisfied,
        // either reopens the case (`fire`).
        Transition { action: Visit, from: &[Replied], to: None, by: &[Office, Citizen] },
        Transition { action: Close, from: &[Replied], to: Some(Closed), by: &[Office] },
        Transition { action: Reopen, from: &[Replied, Closed], to: Some(Assigned), by: &[Office] },
        // The category is set at 受理 and 派单 and corrected at any time, closed cases too (the
        // figures count them).
        Transition {
            action: Categorize,
            from: &[Received, Accepted, Declined, Assigned, InProgress, Replied, Closed],
            to: None,
            by: &[Office],
        },
    ];
}

/// The actions `party` may fire from `state`, each once, in table order: what a page offers.
/// The office's `extend` decides a unit's request, so it is offered only while one is pending.
/// Other guards (due dates) still decide when an action is fired.
pub fn available_actions(state: CaseState, party: CaseParty, extension_pending: bool) -> Vec<CaseAction> {
    let mut out = machine::available::<CaseMachine>(state, party);
    if party == Office && !extension_pending {
        out.retain(|a| *a != Extend);
    }
    // 分类 is no step of the loop: the page offers it beside the category (`may_categorize`).
    out.retain(|a| *a != Categorize);
    out
}

/// Whether `party` may set or correct the category of a case in `state`.
pub fn may_categorize(state: CaseState, party: CaseParty) -> bool {
    machine::permit::<CaseMachine>(state, Categorize, party).is_ok()
}

/// The part of a case its loop reads and changes, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseCourse {
    pub id: CaseId,
    pub case_type: CaseType,
    pub urgent: bool,
    pub state: CaseState,
    pub received_at: Timestamp,
    pub unit_id: Option<UnitId>,
    pub accepted_at: Option<Timestamp>,
    pub assigned_at: Option<Timestamp>,
    pub sign_due_on: Option<NaiveDate>,
    pub signed_at: Option<Timestamp>,
    pub due_on: Option<NaiveDate>,
    pub replied_at: Option<Timestamp>,
    pub answer: Option<String>,
    pub decline_reason: Option<String>,
    pub extension_due: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    pub extension_requested_at: Option<Timestamp>,
    pub extension_status: Option<ExtensionStatus>,
    /// The latest satisfaction obtained for the latest reply (a new reply clears it).
    pub satisfaction: Option<Satisfaction>,
    pub satisfaction_at: Option<Timestamp>,
    pub visit_method: Option<VisitMethod>,
    pub visit_count: i64,
    pub visited_at: Option<Timestamp>,
    pub rated_at: Option<Timestamp>,
    pub rating_comment: Option<String>,
    pub reopen_count: i64,
    pub send_back_count: i64,
    pub closed_at: Option<Timestamp>,
    /// The category's key (`crate::category`), and how it was set.
    pub category: Option<String>,
    pub category_source: Option<CategorySource>,
    /// The model's version when the model routed the case (`CategorySource::Model`).
    pub category_model: Option<i64>,
}

impl CaseCourse {
    /// Sends the case (back) to its unit: the dates of a fresh assignment.
    fn assign_dates(&mut self, env: &CaseEnv<'_>) {
        let today = env.now.china_date();
        self.assigned_at = Some(env.now);
        self.sign_due_on = Some(sign_due(today, env.calendar));
        self.due_on = Some(env.due_rule.due(self.case_type, self.urgent, today, env.calendar).value);
        self.signed_at = None;
        self.extension_due = None;
        self.extension_reason = None;
        self.extension_requested_at = None;
        self.extension_status = None;
    }

    /// Sends a reopened case back to the same unit: fresh dates by the rules, but what the
    /// office granted stands (a granted extension later than the fresh due date keeps its date).
    fn reassign_dates(&mut self, env: &CaseEnv<'_>) {
        let granted = (self.extension_status == Some(ExtensionStatus::Granted))
            .then(|| (self.extension_due, self.extension_reason.clone(), self.extension_requested_at));
        self.assign_dates(env);
        if let Some((due, reason, requested_at)) = granted {
            self.extension_due = due;
            self.extension_reason = reason;
            self.extension_requested_at = requested_at;
            self.extension_status = Some(ExtensionStatus::Granted);
            self.due_on = self.due_on.max(due);
        }
    }

    /// A new reply asks the citizen anew: the previous visit, satisfaction and rating were
    /// about the previous reply (the events keep them).
    fn clear_verdict(&mut self) {
        self.visited_at = None;
        self.satisfaction = None;
        self.satisfaction_at = None;
        self.visit_method = None;
        self.rated_at = None;
    }

    fn escalated(&self) -> bool {
        self.reopen_count >= ESCALATE_AFTER || self.send_back_count >= ESCALATE_AFTER
    }
}

/// What a step needs that is not in the case or the request.
#[derive(Debug, Clone, Copy)]
pub struct CaseEnv<'a> {
    pub now: Timestamp,
    pub calendar: &'a WorkCalendar,
    pub due_rule: CaseDueRule,
    /// A problem made from this case is reported fixed and waits for the citizens' verdict: the
    /// office may record a visit whatever the case's own state.
    pub problem_awaiting_check: bool,
}

/// One step of a case, as its events record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStep {
    /// The event's name (`accept`, `rated`, `reopen`, …).
    pub event: &'static str,
    /// When it happened, if not now (an imported history).
    pub at: Option<Timestamp>,
    /// Staff note (never shown to the citizen).
    pub note: Option<String>,
    /// What the citizen may read.
    pub public_text: Option<String>,
    pub unit: Option<UnitId>,
}

impl CaseStep {
    pub fn of(event: &'static str) -> CaseStep {
        CaseStep { event, at: None, note: None, public_text: None, unit: None }
    }
}

/// Everything one step changes.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseDecision {
    /// The name the change is recorded under (`rated` for the citizen's own rating).
    pub name: &'static str,
    /// The case after the step.
    pub next: CaseCourse,
    /// The events to record, in order.
    pub steps: Vec<CaseStep>,
    pub notices: Vec<Notice>,
    /// A citizen was found unsatisfied: problems made from the case that are closed off come
    /// back (反弹), for this reason.
    pub rebound: Option<String>,
    /// This step took the case to the office (提级督办: reopened or sent back three times).
    pub escalated: bool,
    /// The staff note of the change (the reason given, and any note).
    pub note: Option<String>,
}

impl CaseDecision {
    fn of(name: &'static str, before: &CaseCourse, next: CaseCourse) -> CaseDecision {
        let escalated = next.escalated() && !before.escalated();
        CaseDecision { name, next, steps: Vec::new(), notices: Vec::new(), rebound: None, escalated, note: None }
    }
}

fn required(field: &str, v: Option<&str>) -> Result<(), DomainError> {
    match v.map(text::clean) {
        None | Some("") => Err(DomainError::field(field, Issue::Required)),
        Some(_) => Ok(()),
    }
}

/// Checks the table and the guards: the state the case moves to and whether the citizen was
/// found unsatisfied (which sends it back to its unit).
fn check(
    c: &CaseCourse,
    action: CaseAction,
    party: CaseParty,
    req: &CaseTransitionRequest,
    env: &CaseEnv<'_>,
) -> Result<(CaseState, bool), DomainError> {
    if action == Visit && party == Office && env.problem_awaiting_check && !c.state.is_final() {
        // A check before the problem's close-off: it records the verdict and moves nothing.
        return match (req.method, req.satisfaction) {
            (Some(VisitMethod::Unreachable), _) | (_, Some(_)) => Ok((c.state, false)),
            (_, None) => Err(DomainError::field("satisfaction", Issue::Required)),
        };
    }
    let row = machine::permit::<CaseMachine>(c.state, action, party)?;
    let reopen_to = if c.unit_id.is_some() { Assigned } else { Accepted };
    let stay = |reopened: bool| Ok((if reopened { reopen_to } else { c.state }, reopened));
    match action {
        Decline | SendBack | Reopen => required("reason", req.reason.as_deref())?,
        Assign if req.unit_id.is_none() => return Err(DomainError::field("unit_id", Issue::Required)),
        Reply => required("answer", req.answer.as_deref())?,
        Categorize => required("category", req.category.as_deref())?,
        _ => {}
    }
    match action {
        Extend if party == Office => {
            extension::check_decision(c.extension_status, req.approve)?;
            stay(false)
        }
        Extend => {
            let today = env.now.china_date();
            required("reason", req.reason.as_deref())?;
            extension::check_request(c.extension_status, c.due_on, req.due, today)?;
            stay(false)
        }
        Visit => match (visit_method(party, req), req.satisfaction) {
            (VisitMethod::Unreachable, _) => stay(false),
            (_, None) => Err(DomainError::field("satisfaction", Issue::Required)),
            (_, Some(s)) => stay(!s.is_satisfied()),
        },
        Close => {
            let satisfied = c.satisfaction.is_some_and(Satisfaction::is_satisfied);
            if !satisfied && req.reason.as_deref().map(text::clean).unwrap_or("").is_empty() {
                return Err(DomainError::rule(Rule::SatisfactionOrReasonRequired, "reason"));
            }
            Ok((Closed, false))
        }
        Reopen => Ok((reopen_to, true)),
        _ => Ok((machine::target::<CaseMachine>(row, c.state), false)),
    }
}

fn visit_method(party: CaseParty, req: &CaseTransitionRequest) -> VisitMethod {
    req.method.unwrap_or(if party == Citizen { VisitMethod::SelfRated } else { VisitMethod::Phone })
}

/// The notice that tells a unit it has a case to sign for and answer.
fn assigned_notice(c: &CaseCourse) -> Option<Notice> {
    let unit = c.unit_id?;
    let due = c.due_on.map(|d| d.to_string()).unwrap_or_default();
    Some(Notice::new(Recipient::Unit(unit), NoticeTemplate::CaseAssigned).with("case", c.id).with("due", due))
}

/// Fires `action` by `party` on a case: the table and the guards, then everything the step
/// changes.
pub fn fire(
    c: &CaseCourse,
    action: CaseAction,
    party: CaseParty,
    req: &CaseTransitionRequest,
    env: &CaseEnv<'_>,
) -> Result<CaseDecision, DomainError> {
    let (to, reopened) = check(c, action, party, req, env)?;
    let now = env.now;
    let mut next = c.clone();
    next.state = to;
    let mut public_text: Option<String> = None;
    let mut event_unit: Option<UnitId> = None;
    let mut notices: Vec<Notice> = Vec::new();
    let citizen = |t: NoticeTemplate| Notice::new(Recipient::Citizen, t);
    // 受理 and 派单 set (or confirm) the category when one is given; 分类 always does.
    let category = req.category.as_deref().map(str::trim).filter(|k| !k.is_empty());
    if let (Some(key), Accept | Assign | Categorize) = (category, action) {
        next.category = Some(key.to_owned());
        next.category_source = Some(CategorySource::Staff);
        next.category_model = None;
    }
    match action {
        Categorize => {}
        Accept => {
            next.accepted_at = Some(now);
            notices.push(citizen(NoticeTemplate::CaseAccepted));
        }
        Decline => {
            next.decline_reason = req.reason.clone();
            public_text = req.reason.clone();
            notices.push(citizen(NoticeTemplate::CaseDeclined).with("reason", req.reason.clone().unwrap_or_default()));
        }
        Assign => {
            next.unit_id = req.unit_id;
            next.assign_dates(env);
            event_unit = req.unit_id;
            if let Some(unit) = req.unit_id {
                let due = next.due_on.map(|d| d.to_string()).unwrap_or_default();
                notices.push(citizen(NoticeTemplate::CaseForwarded).naming(unit).with("due", due));
            }
        }
        Sign => next.signed_at = Some(now),
        SendBack => {
            next.send_back_count += 1;
            next.unit_id = None;
            next.signed_at = None;
            next.sign_due_on = None;
            next.due_on = None;
            event_unit = c.unit_id;
        }
        Extend if party == Office => {
            let approve = req.approve.unwrap_or(false);
            next.extension_status = Some(if approve { ExtensionStatus::Granted } else { ExtensionStatus::Refused });
            if approve {
                next.due_on = c.extension_due;
            }
            let due = next.due_on.map(|d| d.to_string()).unwrap_or_default();
            let (template, text) = if approve {
                (NoticeTemplate::ExtensionGranted, format!("延期申请已批准，答复期限延至{due}"))
            } else {
                (NoticeTemplate::ExtensionRefused, format!("延期申请未获批准，答复期限仍为{due}"))
            };
            public_text = Some(text);
            notices.push(citizen(template).with("due", due));
        }
        Extend => {
            next.extension_due = req.due;
            next.extension_reason = req.reason.clone();
            next.extension_requested_at = Some(now);
            next.extension_status = Some(ExtensionStatus::Pending);
            let due = req.due.map(|d| d.to_string()).unwrap_or_default();
            public_text = Some(format!("承办单位申请延期至{due}，待审核"));
            notices.push(citizen(NoticeTemplate::ExtensionAsked).with("due", due));
        }
        Reply => {
            next.replied_at = Some(now);
            next.answer = req.answer.clone();
            next.clear_verdict();
            public_text = req.answer.clone();
            let answer = req.answer.clone().unwrap_or_default();
            notices.push(citizen(NoticeTemplate::CaseReplied).with("answer", answer));
            notices.push(citizen(NoticeTemplate::RateRequest));
        }
        Visit => {
            let method = visit_method(party, req);
            next.visit_method = Some(method);
            next.visit_count += 1;
            next.visited_at = Some(now);
            if method != VisitMethod::Unreachable {
                next.satisfaction = req.satisfaction;
                next.satisfaction_at = Some(now);
            }
            if party == Citizen {
                next.rated_at = Some(now);
                next.rating_comment = req.note.clone();
            }
        }
        Close => {
            next.closed_at = Some(now);
            notices.push(citizen(NoticeTemplate::CaseClosed));
        }
        Reopen => {}
    }
    if reopened {
        notices.push(citizen(NoticeTemplate::CaseReopened));
    }
    if reopened {
        next.reopen_count += 1;
        next.closed_at = None;
        if next.unit_id.is_some() {
            next.reassign_dates(env);
            event_unit = next.unit_id;
        }
    }
    let name = if party == Citizen && action == Visit { "rated" } else { action.as_str() };
    let note = match (req.reason.as_deref(), req.note.as_deref()) {
        (Some(r), Some(n)) => Some(format!("{r}（{n}）")),
        (Some(r), None) => Some(r.to_owned()),
        (None, Some(n)) => Some(n.to_owned()),
        (None, None) if action == Categorize => category.map(|k| format!("问题分类：{k}")),
        (None, None) => None,
    };
    let mut d = CaseDecision::of(name, c, next);
    d.steps.push(CaseStep { note: note.clone(), public_text, unit: event_unit, ..CaseStep::of(name) });
    if reopened {
        d.steps.push(CaseStep { unit: d.next.unit_id, ..CaseStep::of("reopen") });
        d.rebound = Some(req.reason.clone().or_else(|| req.note.clone()).unwrap_or_else(|| UNSATISFIED.to_owned()));
    }
    if action == Assign || reopened {
        d.notices.extend(assigned_notice(&d.next));
    }
    d.notices.extend(notices);
    d.note = note;
    Ok(d)
}

/// Why a case reopened when the citizen said no more than that they were unsatisfied.
pub const UNSATISFIED: &str = "群众不满意";

/// What the citizen reads when the problem made from their case is closed off without a note.
pub const CLOSE_OFF_ANSWER: &str = "您反映的问题已整改到位，经核查予以销号。感谢您的监督。";

/// A problem made from the case was closed off: the case is answered with the close-off's note
/// (and so waits for a return visit), unless it is already finished. `set_aside` is why its
/// citizen's own verdict did not decide the close-off (waived or reviewed), when it did not.
pub fn answer_from_problem(
    c: &CaseCourse,
    problem: ProblemId,
    note: Option<&str>,
    set_aside: Option<&crate::problem::SetAside>,
    now: Timestamp,
) -> CaseDecision {
    let answer = note.unwrap_or(CLOSE_OFF_ANSWER).to_owned();
    let mut next = c.clone();
    let mut steps = Vec::new();
    if let Some(why) = set_aside {
        let (event, note) = why.step();
        steps.push(CaseStep { note: Some(note), ..CaseStep::of(event) });
    }
    let mut notices = Vec::new();
    if !c.state.is_final() {
        next.state = Replied;
        next.replied_at = Some(now);
        next.answer = Some(answer.clone());
        next.clear_verdict();
        steps.push(CaseStep {
            note: Some(format!("问题 {problem} 已销号")),
            public_text: Some(answer.clone()),
            ..CaseStep::of("reply")
        });
        notices.push(Notice::new(Recipient::Citizen, NoticeTemplate::CaseReplied).with("answer", answer));
        notices.push(Notice::new(Recipient::Citizen, NoticeTemplate::RateRequest));
    }
    let mut d = CaseDecision::of("reply", c, next);
    d.steps = steps;
    d.notices = notices;
    d
}

/// The citizen's side of a case taken into the rectification ledger (纳入整改台账): the text
/// of the public step and the notice, with the problem's page on the public board when the
/// problem is published (an unpublished one has no public page yet).
pub fn merged_into_ledger(problem: ProblemId, published: bool) -> (String, Notice) {
    let link = if published { format!("/board/{problem}") } else { String::new() };
    let text = if published {
        format!("已纳入整改台账（问题 {problem}），整改进展见公示栏 {link}")
    } else {
        format!("已纳入整改台账（问题 {problem}），整改进展将在公示栏公布")
    };
    let notice =
        Notice::new(Recipient::Citizen, NoticeTemplate::CaseMerged).with("problem", problem).with("link", link);
    (text, notice)
}

/// What an imported record says happened to a case after it was received.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCourse {
    /// The unit that answered (承办单位), if the file says.
    pub unit: Option<UnitId>,
    pub answer: Option<String>,
    pub replied_at: Option<Timestamp>,
    pub satisfaction: Option<Satisfaction>,
    /// Where it came from, for the staff record of each step.
    pub note: String,
    /// The row made the case just now: a message board published it, so it was taken.
    pub new_case: bool,
    /// The category's key the file gives (a labelled export).
    pub category: Option<String>,
}

/// An imported case's course with the file's own times, so that its figures count like a native
/// case's: a message board publishes what it took, so the case was accepted (and, with a unit,
/// assigned and signed for) when it was received; its due date is the case rule's from that
/// day; the reply, when there is one, was given at the recorded time; a satisfaction given in
/// the file is a return visit. No notice goes to the citizen: this is history. `None` when the
/// file adds nothing to what is stored.
pub fn import_course(c: &CaseCourse, course: &ImportedCourse, env: &CaseEnv<'_>) -> Option<CaseDecision> {
    let received = c.received_at;
    let received_on = received.china_date();
    let mut next = c.clone();
    let mut steps: Vec<CaseStep> = Vec::new();
    let step = |event: &'static str, at: Timestamp| CaseStep {
        at: Some(at),
        note: Some(course.note.clone()),
        ..CaseStep::of(event)
    };
    // A stored case the file does not move on (an export read back) stays as it is.
    let moves_on = course.new_case
        || (course.unit.is_some() && c.unit_id.is_none())
        || (course.answer.is_some() && c.replied_at.is_none());
    if next.accepted_at.is_none() && c.state == Received && moves_on {
        next.accepted_at = Some(received);
        next.state = Accepted;
        steps.push(step("accept", received));
    }
    if next.accepted_at.is_some() && next.due_on.is_none() && next.replied_at.is_none() {
        next.due_on = Some(env.due_rule.due(c.case_type, c.urgent, received_on, env.calendar).value);
    }
    if let (Some(unit), None, true) = (course.unit, next.unit_id, next.accepted_at.is_some()) {
        next.unit_id = Some(unit);
        next.assigned_at = Some(received);
        next.sign_due_on = Some(sign_due(received_on, env.calendar));
        next.signed_at = Some(received);
        next.state = InProgress;
        steps.push(CaseStep { unit: Some(unit), ..step("assign", received) });
        steps.push(step("sign", received));
    }
    if let (Some(answer), Some(at), None, true) =
        (&course.answer, course.replied_at, next.replied_at, next.accepted_at.is_some())
    {
        next.replied_at = Some(at);
        next.answer = Some(answer.clone());
        next.state = Replied;
        steps.push(CaseStep { public_text: Some(answer.clone()), ..step("reply", at) });
    }
    if let (Some(s), Some(at), None) = (course.satisfaction, next.replied_at, next.satisfaction) {
        next.visit_method = Some(VisitMethod::Phone);
        next.visit_count += 1;
        next.visited_at = Some(at);
        next.satisfaction = Some(s);
        next.satisfaction_at = Some(at);
        steps.push(step("visit", at));
    }
    if let Some(key) = course.category.as_ref().filter(|k| c.category.as_ref() != Some(*k)) {
        next.category = Some(key.clone());
        next.category_source = Some(CategorySource::Import);
        steps.push(CaseStep {
            note: Some(format!("{}；问题分类：{key}", course.note)), ..CaseStep::of("categorize")
        });
    }
    if steps.is_empty() {
        return None;
    }
    let mut d = CaseDecision::of("import", c, next);
    d.steps = steps;
    d.note = Some(course.note.clone());
    Some(d)
}

#[cfg(test)]
impl CaseCourse {
    /// A complaint received Monday 2 March 2026, 10:00 in China, for tests.
    pub(crate) fn sample(id: CaseId, state: CaseState) -> CaseCourse {
        let now =
            Timestamp::from_utc(chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00").unwrap().to_utc());
        CaseCourse {
            id,
            case_type: CaseType::Complaint,
            urgent: false,
            state,
            received_at: now,
            unit_id: Some(UnitId(3)),
            accepted_at: None,
            assigned_at: None,
            sign_due_on: None,
            signed_at: None,
            due_on: NaiveDate::from_ymd_opt(2026, 3, 10),
            replied_at: None,
            answer: None,
            decline_reason: None,
            extension_due: None,
            extension_reason: None,
            extension_requested_at: None,
            extension_status: None,
            satisfaction: None,
            satisfaction_at: None,
            visit_method: None,
            visit_count: 0,
            visited_at: None,
            rated_at: None,
            rating_comment: None,
            reopen_count: 0,
            send_back_count: 0,
            closed_at: None,
            category: None,
            category_source: None,
            category_model: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    /// Monday 2 March 2026, 10:00 in China.
    fn now() -> Timestamp {
        Timestamp::from_utc(chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00+08:00").unwrap().to_utc())
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::weekends_only()
    }

    fn env(cal: &WorkCalendar) -> CaseEnv<'_> {
        CaseEnv { now: now(), calendar: cal, due_rule: CaseDueRule::default(), problem_awaiting_check: false }
    }

    fn case(state: CaseState) -> CaseCourse {
        CaseCourse::sample(CaseId(7), state)
    }

    fn req() -> CaseTransitionRequest {
        CaseTransitionRequest::default()
    }

    fn full() -> CaseTransitionRequest {
        CaseTransitionRequest {
            reason: Some("理由".into()),
            answer: Some("答复".into()),
            unit_id: Some(UnitId(1)),
            satisfaction: Some(Satisfaction::Satisfied),
            due: Some(d(3, 20)),
            approve: Some(true),
            category: Some("城乡建设".into()),
            ..req()
        }
    }

    #[test]
    fn pages_offer_the_office_an_extension_decision_only_while_one_is_pending() {
        assert_eq!(available_actions(Assigned, Office, false), [Assign]);
        assert_eq!(available_actions(Received, Office, false), [Accept, Decline]);
        assert_eq!(available_actions(Accepted, Office, false), [Assign, Decline, Reply], "派单 before 不予受理");
        assert_eq!(available_actions(Assigned, Office, true), [Assign, Extend]);
        assert_eq!(available_actions(InProgress, AssignedUnit, false), [SendBack, Extend, Reply]);
        assert_eq!(available_actions(Received, AssignedUnit, false), []);
        assert_eq!(available_actions(Replied, Citizen, false), [Visit]);
    }

    /// Every (state, action, party) cell with a request that satisfies every field guard: it
    /// fires exactly where the table lists it; elsewhere it is not permitted (never this
    /// party's) or a state conflict naming the case, the action and the state.
    #[test]
    fn every_cell_of_the_table() {
        let cal = cal();
        let parties = [Office, AssignedUnit, Citizen, CaseParty::Other];
        machine::assert_every_cell::<CaseMachine, _>(&parties, |state, action, party| {
            let mut c = case(state);
            if party == Office {
                c.extension_status = Some(ExtensionStatus::Pending);
            }
            fire(&c, action, party, &full(), &env(&cal))
        });
    }

    #[test]
    fn the_whole_loop_and_what_each_step_changes() {
        let cal = cal();
        let e = env(&cal);
        let received = CaseCourse { unit_id: None, due_on: None, ..case(Received) };
        let accepted = fire(&received, Accept, Office, &req(), &e).unwrap();
        assert_eq!(accepted.next.state, Accepted);
        assert_eq!(accepted.next.accepted_at, Some(now()));
        assert_eq!(accepted.notices, [Notice::new(Recipient::Citizen, NoticeTemplate::CaseAccepted)]);

        let assign = CaseTransitionRequest { unit_id: Some(UnitId(3)), ..req() };
        let assigned = fire(&accepted.next, Assign, Office, &assign, &e).unwrap();
        let n = &assigned.next;
        assert_eq!((n.state, n.unit_id), (Assigned, Some(UnitId(3))));
        // Signing within one working day; a complaint answered within 13.
        assert_eq!((n.sign_due_on, n.due_on), (Some(d(3, 3)), Some(d(3, 19))));
        assert_eq!(assigned.steps, [CaseStep { unit: Some(UnitId(3)), ..CaseStep::of("assign") }]);
        assert_eq!(
            assigned.notices,
            [
                Notice::new(Recipient::Unit(UnitId(3)), NoticeTemplate::CaseAssigned)
                    .with("case", 7)
                    .with("due", "2026-03-19"),
                // The citizen hears which unit has it and by when.
                Notice::new(Recipient::Citizen, NoticeTemplate::CaseForwarded)
                    .naming(UnitId(3))
                    .with("due", "2026-03-19")
            ]
        );

        let signed = fire(&assigned.next, Sign, AssignedUnit, &req(), &e).unwrap();
        assert_eq!((signed.next.state, signed.next.signed_at), (InProgress, Some(now())));
        assert!(signed.notices.is_empty());

        let reply = CaseTransitionRequest { answer: Some("已修复路灯".into()), ..req() };
        let replied = fire(&signed.next, Reply, AssignedUnit, &reply, &e).unwrap();
        assert_eq!(replied.next.answer.as_deref(), Some("已修复路灯"));
        assert_eq!(replied.steps[0].public_text.as_deref(), Some("已修复路灯"));
        assert_eq!(
            replied.notices,
            [
                Notice::new(Recipient::Citizen, NoticeTemplate::CaseReplied).with("answer", "已修复路灯"),
                Notice::new(Recipient::Citizen, NoticeTemplate::RateRequest)
            ]
        );

        let visit = CaseTransitionRequest { satisfaction: Some(Satisfaction::Satisfied), ..req() };
        let visited = fire(&replied.next, Visit, Office, &visit, &e).unwrap();
        let n = &visited.next;
        assert_eq!((n.state, n.visit_count, n.visit_method), (Replied, 1, Some(VisitMethod::Phone)));
        assert_eq!(n.satisfaction, Some(Satisfaction::Satisfied));
        assert!(visited.rebound.is_none());

        let closed = fire(&visited.next, Close, Office, &req(), &e).unwrap();
        assert_eq!((closed.next.state, closed.next.closed_at), (Closed, Some(now())));
        assert_eq!(closed.notices, [Notice::new(Recipient::Citizen, NoticeTemplate::CaseClosed)]);
    }

    #[test]
    fn an_unsatisfied_visit_sends_the_case_back_to_its_unit_with_fresh_dates() {
        let cal = cal();
        let e = env(&cal);
        let mut replied = case(Replied);
        replied.signed_at = Some(now());
        replied.extension_status = Some(ExtensionStatus::Granted);
        let visit = CaseTransitionRequest { satisfaction: Some(Satisfaction::Unsatisfied), ..req() };
        let d1 = fire(&replied, Visit, Office, &visit, &e).unwrap();
        assert_eq!((d1.next.state, d1.next.reopen_count), (Assigned, 1));
        assert_eq!((d1.next.signed_at, d1.next.due_on), (None, Some(d(3, 19))));
        assert_eq!(d1.steps.iter().map(|s| s.event).collect::<Vec<_>>(), ["visit", "reopen"]);
        assert_eq!(d1.rebound.as_deref(), Some(UNSATISFIED));
        assert_eq!(d1.notices[0].template, NoticeTemplate::CaseAssigned);
        assert!(d1.notices.contains(&Notice::new(Recipient::Citizen, NoticeTemplate::CaseReopened)));
        // The citizen's own rating is recorded as such.
        let rating = CaseTransitionRequest {
            satisfaction: Some(Satisfaction::VeryUnsatisfied),
            note: Some("没修好".into()),
            ..req()
        };
        let d2 = fire(&replied, Visit, Citizen, &rating, &e).unwrap();
        assert_eq!((d2.name, d2.next.state), ("rated", Assigned));
        assert_eq!((d2.next.rated_at, d2.next.rating_comment.as_deref()), (Some(now()), Some("没修好")));
        assert_eq!(d2.rebound.as_deref(), Some("没修好"));
        let no_unit = CaseCourse { unit_id: None, ..case(Replied) };
        assert_eq!(fire(&no_unit, Visit, Office, &visit, &e).unwrap().next.state, Accepted);
    }

    /// A reopen sets fresh signing and reply dates, and a granted extension later than the fresh
    /// due date still holds; an extension that was refused or is earlier gives way to the rules.
    #[test]
    fn a_reopen_keeps_a_granted_extension_and_sets_fresh_dates() {
        let cal = cal();
        let e = env(&cal);
        let granted = CaseCourse {
            signed_at: Some(now()),
            sign_due_on: Some(d(2, 10)),
            extension_due: Some(d(3, 31)),
            extension_reason: Some("需现场勘查".into()),
            extension_status: Some(ExtensionStatus::Granted),
            due_on: Some(d(3, 31)),
            ..case(Replied)
        };
        let unsatisfied = CaseTransitionRequest { satisfaction: Some(Satisfaction::Unsatisfied), ..req() };
        let n = fire(&granted, Visit, Citizen, &unsatisfied, &e).unwrap().next;
        assert_eq!((n.state, n.sign_due_on, n.due_on), (Assigned, Some(d(3, 3)), Some(d(3, 31))));
        assert_eq!((n.extension_status, n.extension_due), (Some(ExtensionStatus::Granted), Some(d(3, 31))));
        assert_eq!(n.extension_reason.as_deref(), Some("需现场勘查"));

        let earlier = CaseCourse { extension_due: Some(d(3, 5)), due_on: Some(d(3, 5)), ..granted.clone() };
        let n = fire(&earlier, Reopen, Office, &full(), &e).unwrap().next;
        assert_eq!(n.due_on, Some(d(3, 19)), "the rules give more time than the old extension");

        let refused = CaseCourse { extension_status: Some(ExtensionStatus::Refused), ..granted };
        let n = fire(&refused, Visit, Citizen, &unsatisfied, &e).unwrap().next;
        assert_eq!((n.due_on, n.extension_status), (Some(d(3, 19)), None));
    }

    #[test]
    fn the_third_send_back_escalates() {
        let cal = cal();
        let c = CaseCourse { send_back_count: 2, ..case(InProgress) };
        let back = CaseTransitionRequest { reason: Some("非本单位职责".into()), ..req() };
        let d = fire(&c, SendBack, AssignedUnit, &back, &env(&cal)).unwrap();
        assert!(d.escalated);
        assert_eq!((d.next.unit_id, d.next.due_on, d.next.state), (None, None, Accepted));
        assert_eq!(d.steps[0].unit, Some(UnitId(3)));
        assert!(!fire(&d.next, Assign, Office, &full(), &env(&cal)).unwrap().escalated, "once only");
    }

    #[test]
    fn extensions_are_asked_then_decided() {
        let cal = cal();
        let e = env(&cal);
        let ask = CaseTransitionRequest { due: Some(d(3, 20)), reason: Some("需现场勘查".into()), ..req() };
        let asked = fire(&case(InProgress), Extend, AssignedUnit, &ask, &e).unwrap();
        assert_eq!(asked.next.extension_status, Some(ExtensionStatus::Pending));
        // The citizen hears of the request and of the decision, with the date, on /track too.
        assert_eq!(
            asked.notices,
            [Notice::new(Recipient::Citizen, NoticeTemplate::ExtensionAsked).with("due", "2026-03-20")]
        );
        assert_eq!(asked.steps[0].public_text.as_deref(), Some("承办单位申请延期至2026-03-20，待审核"));
        assert_eq!((asked.next.extension_due, asked.next.due_on), (Some(d(3, 20)), Some(d(3, 10))));
        let grant =
            fire(&asked.next, Extend, Office, &CaseTransitionRequest { approve: Some(true), ..req() }, &e).unwrap();
        assert_eq!((grant.next.extension_status, grant.next.due_on), (Some(ExtensionStatus::Granted), Some(d(3, 20))));
        assert_eq!(
            grant.notices,
            [Notice::new(Recipient::Citizen, NoticeTemplate::ExtensionGranted).with("due", "2026-03-20")]
        );
        let refuse =
            fire(&asked.next, Extend, Office, &CaseTransitionRequest { approve: Some(false), ..req() }, &e).unwrap();
        assert_eq!(
            (refuse.next.extension_status, refuse.next.due_on),
            (Some(ExtensionStatus::Refused), Some(d(3, 10)))
        );
    }

    #[test]
    fn guards() {
        let cal = cal();
        let e = env(&cal);
        let f = |state, action, party, r: &CaseTransitionRequest| fire(&case(state), action, party, r, &e);
        assert!(f(Received, Decline, Office, &req()).is_err(), "a decline needs a reason");
        assert!(f(Assigned, SendBack, AssignedUnit, &req()).is_err());
        assert!(f(Accepted, Assign, Office, &req()).is_err(), "assign needs a unit");
        assert!(f(InProgress, Reply, AssignedUnit, &req()).is_err(), "a reply needs an answer");
        assert!(f(Replied, Close, Office, &req()).is_err(), "no satisfaction, no reason");
        let with_reason = CaseTransitionRequest { reason: Some("匿名，无法回访".into()), ..req() };
        assert!(f(Replied, Close, Office, &with_reason).is_ok());
        let ask = CaseTransitionRequest { due: Some(d(3, 20)), reason: Some("需现场勘查".into()), ..req() };
        let late = CaseCourse { due_on: Some(d(3, 1)), ..case(InProgress) };
        assert_eq!(fire(&late, Extend, AssignedUnit, &ask, &e), Err(DomainError::rule(Rule::ExtensionAfterDue, "due")));
        let earlier = CaseTransitionRequest { due: Some(d(3, 5)), ..ask.clone() };
        assert_eq!(
            f(InProgress, Extend, AssignedUnit, &earlier),
            Err(DomainError::rule(Rule::ExtensionNotLater, "due"))
        );
        let pending = CaseCourse { extension_status: Some(ExtensionStatus::Pending), ..case(InProgress) };
        assert_eq!(
            fire(&pending, Extend, AssignedUnit, &ask, &e),
            Err(DomainError::rule(Rule::ExtensionPending, "due"))
        );
        assert_eq!(f(InProgress, Extend, Office, &req()), Err(DomainError::rule(Rule::NoExtensionPending, "approve")));
        // A problem made from the case waits for the citizen's verdict: the office records it in
        // any open state, and the case does not move.
        let checking = CaseEnv { problem_awaiting_check: true, ..e };
        let visit = CaseTransitionRequest { satisfaction: Some(Satisfaction::Satisfied), ..req() };
        let d = fire(&case(InProgress), Visit, Office, &visit, &checking).unwrap();
        assert_eq!((d.next.state, d.next.satisfaction), (InProgress, Some(Satisfaction::Satisfied)));
    }

    #[test]
    fn a_close_off_answers_open_cases_and_records_a_waiver() {
        let waiver = crate::problem::SetAside::Waived("电话空号".into());
        let d = answer_from_problem(&case(InProgress), ProblemId(9), None, Some(&waiver), now());
        assert_eq!(d.next.state, Replied);
        assert_eq!(d.next.answer.as_deref(), Some(CLOSE_OFF_ANSWER));
        assert_eq!(d.steps.iter().map(|s| s.event).collect::<Vec<_>>(), ["waived", "reply"]);
        assert_eq!(d.notices.len(), 2);
        let closed = answer_from_problem(&case(Closed), ProblemId(9), Some("已整改"), None, now());
        assert_eq!((closed.next.state, closed.steps.len(), closed.notices.len()), (Closed, 0, 0));
    }

    #[test]
    fn a_case_taken_into_the_ledger_tells_its_citizen_where_to_follow_it() {
        let (text, notice) = merged_into_ledger(ProblemId(9), true);
        assert!(text.starts_with("已纳入整改台账") && text.contains("/board/9"), "{text}");
        assert_eq!(
            notice,
            Notice::new(Recipient::Citizen, NoticeTemplate::CaseMerged).with("problem", 9).with("link", "/board/9")
        );
        // An unpublished problem has no public page to point at yet.
        let (text, notice) = merged_into_ledger(ProblemId(9), false);
        assert!(!text.contains("/board"));
        assert_eq!(notice.params[1], ("link", String::new()));
    }

    #[test]
    fn an_imported_course_is_history_without_notices() {
        let cal = cal();
        let c = CaseCourse { unit_id: None, due_on: None, ..case(Received) };
        let replied_at = Timestamp::from_utc(now().utc() + chrono::TimeDelta::days(3));
        let course = ImportedCourse {
            unit: Some(UnitId(4)),
            answer: Some("已处理".into()),
            replied_at: Some(replied_at),
            satisfaction: Some(Satisfaction::Satisfied),
            note: "导入：留言.xlsx 第 2 行".into(),
            new_case: false,
            category: None,
        };
        let done = import_course(&c, &course, &env(&cal)).unwrap();
        let events: Vec<_> = done.steps.iter().map(|s| s.event).collect();
        assert_eq!(events, ["accept", "assign", "sign", "reply", "visit"]);
        let n = &done.next;
        assert_eq!((n.state, n.unit_id, n.replied_at), (Replied, Some(UnitId(4)), Some(replied_at)));
        assert_eq!(n.due_on, Some(d(3, 19)));
        assert!(done.notices.is_empty());
        assert!(import_course(n, &course, &env(&cal)).is_none(), "a second import adds nothing");
        // A stored case read back from its export, with nothing the file adds, stays received;
        // a row that made the case just now was published by its board, so it was taken.
        let bare = ImportedCourse { unit: None, answer: None, replied_at: None, satisfaction: None, ..course };
        assert!(import_course(&c, &bare, &env(&cal)).is_none());
        let published = ImportedCourse { new_case: true, ..bare.clone() };
        assert_eq!(import_course(&c, &published, &env(&cal)).unwrap().next.state, Accepted);
        // A labelled file files the case under its category, once.
        let labelled = ImportedCourse { category: Some("城乡建设".into()), ..bare };
        let filed = import_course(n, &labelled, &env(&cal)).unwrap();
        assert_eq!(
            (filed.next.category.as_deref(), filed.next.category_source),
            (Some("城乡建设"), Some(CategorySource::Import))
        );
        assert!(import_course(&filed.next, &labelled, &env(&cal)).is_none());
    }

    #[test]
    fn staff_set_the_category_at_accept_and_assign_and_correct_it_at_any_time() {
        let cal = cal();
        let req = |action: &str, category: Option<&str>| CaseTransitionRequest {
            action: Some(action.into()),
            unit_id: Some(UnitId(3)),
            category: category.map(str::to_owned),
            ..Default::default()
        };
        let received = CaseCourse { unit_id: None, due_on: None, ..case(Received) };
        let accepted =
            fire(&received, Accept, CaseParty::Office, &req("accept", Some("环境保护")), &env(&cal)).unwrap();
        assert_eq!(accepted.next.category.as_deref(), Some("环境保护"));
        assert_eq!(accepted.next.category_source, Some(CategorySource::Staff));
        // 派单 without a category keeps the one set.
        let assigned = fire(&accepted.next, Assign, CaseParty::Office, &req("assign", None), &env(&cal)).unwrap();
        assert_eq!(assigned.next.category.as_deref(), Some("环境保护"));
        // Corrected on a closed case: the state stays, the step says what it became.
        let closed = CaseCourse { category: Some("环境保护".into()), ..case(Closed) };
        let fixed =
            fire(&closed, Categorize, CaseParty::Office, &req("categorize", Some("城乡建设")), &env(&cal)).unwrap();
        assert_eq!((fixed.next.state, fixed.next.category.as_deref()), (Closed, Some("城乡建设")));
        assert_eq!(fixed.steps[0].note.as_deref(), Some("问题分类：城乡建设"));
        let e = fire(&closed, Categorize, CaseParty::Office, &req("categorize", None), &env(&cal)).unwrap_err();
        assert_eq!(e, DomainError::field("category", Issue::Required));
        // A unit does not file cases.
        assert!(
            fire(&closed, Categorize, CaseParty::AssignedUnit, &req("categorize", Some("城乡建设")), &env(&cal))
                .is_err()
        );
    }
}
