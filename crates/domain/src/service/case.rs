//! A service case's life (办件) as one table. The first-contact officer (首问责任人) receives it
//! and checks the materials: what is missing is told once, all of it (一次性告知), and a second
//! notice on the same case is a 作风 problem by definition; complete, it is accepted (受理) and
//! the clock starts; the item's steps are recorded in order by whoever does them; the clock
//! stops while 补正, 听证 or 公示 suspend it; it ends done (办结) with its result or refused with
//! a reason. The applicant is told by SMS at every step (seed 001). The officer stays
//! responsible until they hand it over, and visits beyond the item's promise are flagged.
//! [`fire`] decides; the store writes what it says.

use crate::actor::Party;
use crate::error::{DomainError, Entity, Issue, Rule};
use crate::ids::PersonId;
use crate::machine::{self, Transition};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use crate::patch::Change;
use crate::text;
use chrono::NaiveDate;

crate::wire_enum! {
    pub enum ServiceCaseState: "service_case.state" {
        /// 收件: received, materials being checked.
        Received = "received",
        /// 一次性告知: waiting for the materials told.
        Notified = "notified",
        /// 办理中: accepted (受理), the clock runs.
        InProcess = "in_process",
        /// 暂停计时: 补正, 听证, 公示.
        Suspended = "suspended",
        /// 办结.
        Done = "done",
        /// 不予受理 or 不予办理.
        Refused = "refused",
    }
}

crate::wire_enum! {
    pub enum ServiceCaseAction: "service_case.action" {
        Notify = "notify",
        Accept = "accept",
        RecordStep = "record_step",
        Suspend = "suspend",
        Resume = "resume",
        Complete = "complete",
        Refuse = "refuse",
        HandOver = "hand_over",
        RecordVisit = "record_visit",
    }
}

use Party::OwnerUnit;
use ServiceCaseAction::*;
use ServiceCaseState::*;

const OPEN: &[ServiceCaseState] = &[Received, Notified, InProcess, Suspended];

crate::machine! {
    /// Only the handling unit's staff work a case; the office samples and rings back (separately).
    pub struct ServiceCaseMachine: Entity::ServiceCase, ServiceCaseState, ServiceCaseAction, Party = [
        Transition { action: Notify, from: &[Received, Notified], to: Some(Notified), by: &[OwnerUnit] },
        Transition { action: Accept, from: &[Received, Notified], to: Some(InProcess), by: &[OwnerUnit] },
        Transition { action: RecordStep, from: &[InProcess], to: None, by: &[OwnerUnit] },
        Transition { action: Suspend, from: &[InProcess], to: Some(Suspended), by: &[OwnerUnit] },
        Transition { action: Resume, from: &[Suspended], to: Some(InProcess), by: &[OwnerUnit] },
        Transition { action: Complete, from: &[InProcess], to: Some(Done), by: &[OwnerUnit] },
        Transition { action: Refuse, from: &[Received, Notified, InProcess], to: Some(Refused), by: &[OwnerUnit] },
        Transition { action: HandOver, from: OPEN, to: None, by: &[OwnerUnit] },
        Transition { action: RecordVisit, from: OPEN, to: None, by: &[OwnerUnit] },
    ];
}

/// What is asked of a service case, with what the person typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRequest {
    /// 一次性告知 of every material `missing`.
    Notify {
        missing: Vec<String>,
    },
    /// 受理: the materials checked; anything still `missing` must be told first.
    Accept {
        missing: Vec<String>,
    },
    RecordStep {
        step: String,
    },
    Suspend {
        reason: Option<String>,
    },
    Resume,
    Complete {
        result: Option<String>,
    },
    Refuse {
        reason: Option<String>,
    },
    /// The first-contact officer hands the case over to `to`.
    HandOver {
        to: PersonId,
    },
    /// The applicant came in once more.
    RecordVisit,
}

impl ServiceRequest {
    pub fn action(&self) -> ServiceCaseAction {
        match self {
            ServiceRequest::Notify { .. } => Notify,
            ServiceRequest::Accept { .. } => Accept,
            ServiceRequest::RecordStep { .. } => RecordStep,
            ServiceRequest::Suspend { .. } => Suspend,
            ServiceRequest::Resume => Resume,
            ServiceRequest::Complete { .. } => Complete,
            ServiceRequest::Refuse { .. } => Refuse,
            ServiceRequest::HandOver { .. } => HandOver,
            ServiceRequest::RecordVisit => RecordVisit,
        }
    }
}

/// What `fire` needs to know of the case and its item (the version it is handled under).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFacts {
    pub state: ServiceCaseState,
    /// The item's steps, in order.
    pub item_steps: Vec<String>,
    /// Steps recorded so far, in order.
    pub steps_done: Vec<String>,
    /// 一次性告知 given so far.
    pub notices_given: u32,
    /// Visits so far (the first, when it was received, included).
    pub visits: u32,
    /// The item's 跑动次数.
    pub max_visits: u32,
    pub responsible: PersonId,
    pub today: NaiveDate,
}

/// How the clock changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockChange {
    Start(NaiveDate),
    /// A suspension from this day.
    Stop(NaiveDate),
    /// The open suspension ends: the clock runs from this day.
    Restart(NaiveDate),
}

/// Everything a step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDecision {
    pub action: ServiceCaseAction,
    pub from: ServiceCaseState,
    pub to: ServiceCaseState,
    pub clock: Option<ClockChange>,
    pub done_on: Change<NaiveDate>,
    /// The step recorded (RecordStep).
    pub step: Option<String>,
    /// The materials told (Notify).
    pub missing: Vec<String>,
    /// The reason or the result, kept with the history row.
    pub note: Option<String>,
    pub responsible: Change<PersonId>,
    pub notices_given: u32,
    /// A second 一次性告知 on one case: the store raises a 作风 problem of the unit.
    pub repeated_notice: bool,
    pub visits: u32,
    /// More visits than the item promises.
    pub over_visits: bool,
    /// The SMS to the applicant.
    pub notices: Vec<Notice>,
}

/// Words a reason, result or step may have.
const NOTE_MAX: usize = text::TEXT_MAX;

fn required(field: &str, v: Option<&str>) -> Result<String, DomainError> {
    text::required(field, v, NOTE_MAX).map_err(|e| DomainError::field(e.field, e.issue))
}

fn materials(field: &str, missing: &[String]) -> Result<Vec<String>, DomainError> {
    let named: Vec<String> = missing.iter().map(|m| text::clean(m).to_owned()).filter(|m| !m.is_empty()).collect();
    if named.iter().any(|m| m.chars().count() > text::SHORT_MAX) {
        return Err(DomainError::field(field, Issue::TooLong { max: text::SHORT_MAX }));
    }
    Ok(named)
}

fn applicant(template: NoticeTemplate) -> Notice {
    Notice::new(Recipient::Citizen, template)
}

/// Fires what `party` asks of a service case.
pub fn fire(f: &ServiceFacts, party: Party, req: ServiceRequest) -> Result<ServiceDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<ServiceCaseMachine>(f.state, action, party)?;
    let mut d = ServiceDecision {
        action,
        from: f.state,
        to: machine::target::<ServiceCaseMachine>(row, f.state),
        clock: None,
        done_on: Change::Keep,
        step: None,
        missing: Vec::new(),
        note: None,
        responsible: Change::Keep,
        notices_given: f.notices_given,
        repeated_notice: false,
        visits: f.visits,
        over_visits: false,
        notices: Vec::new(),
    };
    match req {
        ServiceRequest::Notify { missing } => {
            let missing = materials("missing", &missing)?;
            if missing.is_empty() {
                return Err(DomainError::field("missing", Issue::Required));
            }
            d.notices_given += 1;
            d.repeated_notice = f.notices_given >= 1;
            d.notices.push(applicant(NoticeTemplate::ServiceNotified).with("missing", missing.join("、")));
            d.missing = missing;
        }
        ServiceRequest::Accept { missing } => {
            // Accepting with materials missing would hide a second trip from the figures.
            if !materials("missing", &missing)?.is_empty() {
                return Err(DomainError::rule(Rule::MaterialsMissing, "missing"));
            }
            d.clock = Some(ClockChange::Start(f.today));
            d.notices.push(applicant(NoticeTemplate::ServiceAccepted));
        }
        ServiceRequest::RecordStep { step } => {
            let step = text::clean(&step).to_owned();
            let next = f.item_steps.iter().find(|s| !f.steps_done.contains(s));
            match next {
                Some(next) if *next == step => {}
                _ => {
                    let expected = next.map(|n| vec![n.clone()]).unwrap_or_default();
                    return Err(DomainError::field("step", Issue::NotOneOf { expected }));
                }
            }
            d.notices.push(applicant(NoticeTemplate::ServiceStep).with("step", &step));
            d.step = Some(step);
        }
        ServiceRequest::Suspend { reason } => {
            let reason = required("reason", reason.as_deref())?;
            d.clock = Some(ClockChange::Stop(f.today));
            d.notices.push(applicant(NoticeTemplate::ServiceSuspended).with("reason", &reason));
            d.note = Some(reason);
        }
        ServiceRequest::Resume => {
            d.clock = Some(ClockChange::Restart(f.today));
            d.notices.push(applicant(NoticeTemplate::ServiceResumed));
        }
        ServiceRequest::Complete { result } => {
            let result = required("result", result.as_deref())?;
            d.done_on = Change::Set(f.today);
            d.notices.push(applicant(NoticeTemplate::ServiceDone).with("result", &result));
            d.note = Some(result);
        }
        ServiceRequest::Refuse { reason } => {
            let reason = required("reason", reason.as_deref())?;
            d.done_on = Change::Set(f.today);
            d.notices.push(applicant(NoticeTemplate::ServiceRefused).with("reason", &reason));
            d.note = Some(reason);
        }
        ServiceRequest::HandOver { to } => {
            if to == f.responsible {
                return Err(DomainError::field("to", Issue::Duplicate));
            }
            d.responsible = Change::Set(to);
        }
        ServiceRequest::RecordVisit => {
            d.visits += 1;
            d.over_visits = d.visits > f.max_visits;
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: ServiceCaseState) -> ServiceFacts {
        ServiceFacts {
            state,
            item_steps: vec!["受理".into(), "审核".into(), "办结".into()],
            steps_done: Vec::new(),
            notices_given: 0,
            visits: 1,
            max_visits: 1,
            responsible: PersonId(7),
            today: "2026-11-02".parse().unwrap(),
        }
    }

    fn request(action: ServiceCaseAction) -> ServiceRequest {
        match action {
            Notify => ServiceRequest::Notify { missing: vec!["结婚证".into()] },
            Accept => ServiceRequest::Accept { missing: Vec::new() },
            RecordStep => ServiceRequest::RecordStep { step: "受理".into() },
            Suspend => ServiceRequest::Suspend { reason: Some("补正材料".into()) },
            Resume => ServiceRequest::Resume,
            Complete => ServiceRequest::Complete { result: Some("准予登记".into()) },
            Refuse => ServiceRequest::Refuse { reason: Some("不属于本机关职权范围".into()) },
            HandOver => ServiceRequest::HandOver { to: PersonId(8) },
            RecordVisit => ServiceRequest::RecordVisit,
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        machine::assert_every_cell::<ServiceCaseMachine, _>(&[Party::Office, OwnerUnit, Party::Other], |s, a, p| {
            fire(&facts(s), p, request(a))
        });
        assert!(machine::available::<ServiceCaseMachine>(Done, OwnerUnit).is_empty());
        assert_eq!(machine::available::<ServiceCaseMachine>(Suspended, OwnerUnit), [Resume, HandOver, RecordVisit]);
    }

    #[test]
    fn a_second_one_time_notice_is_a_problem_of_manner() {
        let first = fire(&facts(Received), OwnerUnit, request(Notify)).unwrap();
        assert_eq!((first.to, first.notices_given, first.repeated_notice), (Notified, 1, false));
        assert_eq!(first.notices, [applicant(NoticeTemplate::ServiceNotified).with("missing", "结婚证")]);
        let again = ServiceFacts { notices_given: 1, ..facts(Notified) };
        let second =
            fire(&again, OwnerUnit, ServiceRequest::Notify { missing: vec!["户口簿".into(), " ".into()] }).unwrap();
        assert_eq!((second.notices_given, second.repeated_notice, second.missing), (2, true, vec!["户口簿".into()]));
        let nothing = fire(&facts(Received), OwnerUnit, ServiceRequest::Notify { missing: vec![" ".into()] });
        assert_eq!(nothing.unwrap_err().fields(), ["missing"]);
    }

    #[test]
    fn acceptance_needs_the_materials_and_starts_the_clock() {
        let missing = ServiceRequest::Accept { missing: vec!["身份证复印件".into()] };
        assert_eq!(
            fire(&facts(Received), OwnerUnit, missing).unwrap_err(),
            DomainError::rule(Rule::MaterialsMissing, "missing")
        );
        let ok = fire(&facts(Notified), OwnerUnit, request(Accept)).unwrap();
        assert_eq!((ok.to, ok.clock), (InProcess, Some(ClockChange::Start("2026-11-02".parse().unwrap()))));
        assert_eq!(ok.notices, [applicant(NoticeTemplate::ServiceAccepted)]);
    }

    #[test]
    fn steps_are_recorded_in_the_items_order() {
        let f = ServiceFacts { steps_done: vec!["受理".into()], ..facts(InProcess) };
        let skipped = fire(&f, OwnerUnit, ServiceRequest::RecordStep { step: "办结".into() }).unwrap_err();
        assert_eq!(skipped, DomainError::field("step", Issue::NotOneOf { expected: vec!["审核".into()] }));
        let next = fire(&f, OwnerUnit, ServiceRequest::RecordStep { step: " 审核 ".into() }).unwrap();
        assert_eq!((next.to, next.step.as_deref()), (InProcess, Some("审核")));
        assert_eq!(next.notices, [applicant(NoticeTemplate::ServiceStep).with("step", "审核")]);
        let all = ServiceFacts { steps_done: f.item_steps.clone(), ..f };
        let more = fire(&all, OwnerUnit, ServiceRequest::RecordStep { step: "审核".into() }).unwrap_err();
        assert_eq!(more, DomainError::field("step", Issue::NotOneOf { expected: Vec::new() }));
    }

    #[test]
    fn the_clock_stops_and_runs_and_the_end_is_dated() {
        let today: NaiveDate = "2026-11-02".parse().unwrap();
        let stop = fire(&facts(InProcess), OwnerUnit, request(Suspend)).unwrap();
        assert_eq!(
            (stop.to, stop.clock, stop.note.as_deref()),
            (Suspended, Some(ClockChange::Stop(today)), Some("补正材料"))
        );
        let no_reason = fire(&facts(InProcess), OwnerUnit, ServiceRequest::Suspend { reason: None }).unwrap_err();
        assert_eq!(no_reason.fields(), ["reason"]);
        let run = fire(&facts(Suspended), OwnerUnit, request(Resume)).unwrap();
        assert_eq!((run.to, run.clock), (InProcess, Some(ClockChange::Restart(today))));
        let done = fire(&facts(InProcess), OwnerUnit, request(Complete)).unwrap();
        assert_eq!((done.to, done.done_on), (Done, Change::Set(today)));
        assert_eq!(done.notices, [applicant(NoticeTemplate::ServiceDone).with("result", "准予登记")]);
        let refused = fire(&facts(Received), OwnerUnit, ServiceRequest::Refuse { reason: Some(" ".into()) });
        assert_eq!(refused.unwrap_err().fields(), ["reason"]);
    }

    #[test]
    fn the_officer_stays_responsible_until_handing_over_and_extra_visits_are_flagged() {
        let to_self = fire(&facts(Received), OwnerUnit, ServiceRequest::HandOver { to: PersonId(7) }).unwrap_err();
        assert_eq!(to_self.fields(), ["to"]);
        let over = fire(&facts(InProcess), OwnerUnit, request(HandOver)).unwrap();
        assert_eq!((over.to, over.responsible), (InProcess, Change::Set(PersonId(8))));
        let second = fire(&facts(Notified), OwnerUnit, request(RecordVisit)).unwrap();
        assert_eq!((second.visits, second.over_visits), (2, true), "最多跑一次: a second visit is one too many");
        let zero = ServiceFacts { max_visits: 2, ..facts(Notified) };
        assert!(!fire(&zero, OwnerUnit, request(RecordVisit)).unwrap().over_visits);
    }
}
