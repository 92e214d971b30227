//! The follow-up of a bad rating (差评回访整改): a 差评 opens it with two due days in working days
//! from the rating (call back within 1, rectify within 15 by default — [`RatingSettings`]). The
//! unit rated calls the citizen back and records what was said and the facts it found, then the
//! measure it took, which the citizen is told by SMS; the office closes it with the citizen's
//! answer, as a verifier outside the unit closes a ledger item. Facts that reveal a conduct
//! problem (作风问题) file a problem in the ledger. An unfixed 差评 past its due day is red like a
//! ledger item. One table ([`FollowUpMachine`]); [`fire`] decides and the store writes it.

use super::level::RatingLevel;
use super::settings::RatingSettings;
use crate::actor::Party;
use crate::calendar::{Reckoned, WorkCalendar};
use crate::error::{DomainError, Entity, Issue, Problems, Rule};
use crate::ids::UnitId;
use crate::light::{Light, LightThresholds};
use crate::machine::{self, Transition};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use crate::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum FollowUpState: "rating.follow_up.state" {
        /// 待回访.
        Opened = "opened",
        /// 已回访核实, 整改中.
        CalledBack = "called_back",
        /// 已整改, waiting for the office.
        Rectified = "rectified",
        /// 已办结.
        Closed = "closed",
    }
}

crate::wire_enum! {
    pub enum FollowUpAction: "rating.follow_up.action" {
        /// 回访核实.
        CallBack = "call_back",
        /// 整改反馈.
        Rectify = "rectify",
        /// 办结.
        Close = "close",
    }
}

crate::wire_enum! {
    /// What the citizen said of the rectification.
    pub enum FollowUpAnswer: "rating.follow_up.answer" {
        /// 满意.
        Satisfied = "satisfied",
        /// 不满意.
        Unsatisfied = "unsatisfied",
        /// 未能联系.
        Unreachable = "unreachable",
    }
}

use FollowUpAction::*;
use FollowUpState::*;

crate::machine! {
    /// The unit rated calls back and rectifies; the office closes.
    pub struct FollowUpMachine: Entity::RatingFollowUp, FollowUpState, FollowUpAction, Party = [
        Transition { action: CallBack, from: &[Opened], to: Some(CalledBack), by: &[Party::OwnerUnit] },
        Transition { action: Rectify, from: &[CalledBack], to: Some(Rectified), by: &[Party::OwnerUnit] },
        Transition { action: Close, from: &[Rectified], to: Some(Closed), by: &[Party::Office] },
    ];
}

/// A follow-up's two due days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpDue {
    pub call_back_by: NaiveDate,
    pub rectify_by: NaiveDate,
}

impl FollowUpDue {
    /// The due days of a bad rating made on `rated_on`, counted in working days on `cal`.
    pub fn of(cal: &WorkCalendar, rated_on: NaiveDate, s: &RatingSettings) -> Reckoned<FollowUpDue> {
        let call = cal.add_working_days(rated_on, s.call_back_working_days);
        let fix = cal.add_working_days(rated_on, s.rectify_working_days);
        Reckoned {
            value: FollowUpDue { call_back_by: call.value, rectify_by: fix.value },
            approximate: call.approximate || fix.approximate,
        }
    }

    /// The due day the unit works to in `state`: the call-back's until it is made, then the
    /// rectification's; none once rectified (the office has it).
    pub fn current(&self, state: FollowUpState) -> Option<NaiveDate> {
        match state {
            Opened => Some(self.call_back_by),
            CalledBack => Some(self.rectify_by),
            Rectified | Closed => None,
        }
    }

    /// The light: the ledger's thresholds on the current due day. A rating excluded by an upheld
    /// appeal is no longer owed.
    pub fn light(&self, state: FollowUpState, excluded: bool, t: &LightThresholds) -> Light {
        if excluded { Light::Green } else { t.of_due(self.current(state)) }
    }

    /// Unfixed past the day it was to be rectified by: what the figures count as overdue.
    pub fn overdue(&self, state: FollowUpState, today: NaiveDate) -> bool {
        matches!(state, Opened | CalledBack) && self.rectify_by < today
    }
}

/// A follow-up as a bad rating opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpOpening {
    pub due: FollowUpDue,
    /// The calendar did not cover every day counted.
    pub approximate: bool,
    /// The unit is told what it owes.
    pub notices: Vec<Notice>,
}

/// The follow-up a rating of `level` made on `rated_on` opens, none for one that is not a 差评.
/// `case` names the service case to the unit rated.
pub fn open(
    level: RatingLevel,
    rated_on: NaiveDate,
    cal: &WorkCalendar,
    s: &RatingSettings,
    unit: UnitId,
    case: &str,
) -> Option<FollowUpOpening> {
    if !level.is_bad() {
        return None;
    }
    let due = FollowUpDue::of(cal, rated_on, s);
    let notice = Notice::new(Recipient::Unit(unit), NoticeTemplate::RatingBad)
        .with("case", case)
        .with("call_by", due.value.call_back_by)
        .with("rectify_by", due.value.rectify_by);
    Some(FollowUpOpening { due: due.value, approximate: due.approximate, notices: vec![notice] })
}

/// What is asked of a follow-up, with what the person typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpRequest {
    /// The call made (`call`: who was reached and what they said), the `facts` found, and whether
    /// they show a conduct problem of the staff (作风问题).
    CallBack { call: Option<String>, facts: Option<String>, conduct: bool },
    /// The measure taken (整改措施), told to the citizen.
    Rectify { measure: Option<String> },
    /// The citizen's answer; anything but satisfied needs a `note` saying why it closes.
    Close { answer: Option<FollowUpAnswer>, note: Option<String> },
}

impl FollowUpRequest {
    pub fn action(&self) -> FollowUpAction {
        match self {
            FollowUpRequest::CallBack { .. } => CallBack,
            FollowUpRequest::Rectify { .. } => Rectify,
            FollowUpRequest::Close { .. } => Close,
        }
    }
}

/// What `fire` needs of a follow-up and its rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFacts {
    pub state: FollowUpState,
    pub due: FollowUpDue,
    /// The service case's tracking code and item, for the ledger problem's words.
    pub case_code: String,
    pub item: String,
    pub today: NaiveDate,
}

/// Everything a step changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpDecision {
    pub action: FollowUpAction,
    pub from: FollowUpState,
    pub to: FollowUpState,
    /// The day of the step.
    pub on: NaiveDate,
    /// Call-back and rectification: made by the step's due day.
    pub on_time: Option<bool>,
    pub call: Option<String>,
    pub facts: Option<String>,
    pub measure: Option<String>,
    pub answer: Option<FollowUpAnswer>,
    pub note: Option<String>,
    /// The facts show a conduct problem: the description of the ledger problem to file (source
    /// 服务台账) against the unit rated.
    pub file_problem: Option<String>,
    /// The SMS to the citizen.
    pub notices: Vec<Notice>,
}

fn required(field: &str, v: Option<&str>) -> Result<String, DomainError> {
    text::required(field, v, text::TEXT_MAX).map_err(|e| DomainError::field(e.field, e.issue))
}

/// The ledger problem a 差评's facts reveal.
pub fn conduct_problem(code: &str, item: &str, facts: &str) -> String {
    format!("办件{code}（{item}）差评回访核实发现作风问题：{facts}")
}

/// Fires what `party` asks of a follow-up.
pub fn fire(f: &FollowUpFacts, party: Party, req: FollowUpRequest) -> Result<FollowUpDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<FollowUpMachine>(f.state, action, party)?;
    let mut d = FollowUpDecision {
        action,
        from: f.state,
        to: machine::target::<FollowUpMachine>(row, f.state),
        on: f.today,
        on_time: f.due.current(f.state).map(|due| f.today <= due),
        call: None,
        facts: None,
        measure: None,
        answer: None,
        note: None,
        file_problem: None,
        notices: Vec::new(),
    };
    match req {
        FollowUpRequest::CallBack { call, facts, conduct } => {
            let mut p = Problems::new();
            let call = p.take(text::required("call", call.as_deref(), text::TEXT_MAX));
            let facts = p.take(text::required("facts", facts.as_deref(), text::TEXT_MAX));
            let (Some(call), Some(facts)) = (call, facts) else { return Err(p.into_error()) };
            d.file_problem = conduct.then(|| conduct_problem(&f.case_code, &f.item, &facts));
            d.call = Some(call);
            d.facts = Some(facts);
        }
        FollowUpRequest::Rectify { measure } => {
            let measure = required("measure", measure.as_deref())?;
            d.notices.push(Notice::new(Recipient::Citizen, NoticeTemplate::RatingRectified).with("measure", &measure));
            d.measure = Some(measure);
        }
        FollowUpRequest::Close { answer, note } => {
            let mut p = Problems::new();
            if answer.is_none() {
                p.push("answer", Issue::Required);
            }
            let note = p.take(text::optional("note", note.as_deref(), text::TEXT_MAX));
            let (Some(answer), Some(note)) = (answer, note) else { return Err(p.into_error()) };
            if answer != FollowUpAnswer::Satisfied && note.is_none() {
                return Err(DomainError::rule(Rule::SatisfactionOrReasonRequired, "note"));
            }
            d.answer = Some(answer);
            d.note = note;
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    use crate::rating::shipped_calendar as cal;

    fn due() -> FollowUpDue {
        FollowUpDue { call_back_by: d("2026-11-03"), rectify_by: d("2026-11-23") }
    }

    fn facts(state: FollowUpState) -> FollowUpFacts {
        FollowUpFacts {
            state,
            due: due(),
            case_code: "ABCDE-23456".into(),
            item: "生育登记".into(),
            today: d("2026-11-03"),
        }
    }

    fn request(action: FollowUpAction) -> FollowUpRequest {
        match action {
            CallBack => FollowUpRequest::CallBack {
                call: Some("已电话联系申请人".into()),
                facts: Some("窗口等候时间过长".into()),
                conduct: false,
            },
            Rectify => FollowUpRequest::Rectify { measure: Some("增开午间窗口".into()) },
            Close => FollowUpRequest::Close { answer: Some(FollowUpAnswer::Satisfied), note: None },
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        machine::assert_every_cell::<FollowUpMachine, _>(
            &[Party::Office, Party::OwnerUnit, Party::Other],
            |s, a, p| fire(&facts(s), p, request(a)),
        );
        assert_eq!(machine::available::<FollowUpMachine>(Opened, Party::OwnerUnit), [CallBack]);
        assert_eq!(machine::available::<FollowUpMachine>(Rectified, Party::Office), [Close]);
        assert!(machine::available::<FollowUpMachine>(Closed, Party::Office).is_empty());
    }

    #[test]
    fn the_due_days_count_the_holiday_and_its_make_up_day() {
        // Rated on Wednesday 30 September: the next working day is Thursday 8 October, and the
        // make-up Saturday the 10th counts, so 15 working days end on Tuesday 27 October.
        let s = RatingSettings::default();
        let due = FollowUpDue::of(&cal(), d("2026-09-30"), &s);
        assert_eq!(due.value, FollowUpDue { call_back_by: d("2026-10-08"), rectify_by: d("2026-10-27") });
        assert!(!due.approximate);
        let plain = FollowUpDue::of(&WorkCalendar::weekends_only(), d("2026-09-30"), &s);
        assert_eq!((plain.value.call_back_by, plain.approximate), (d("2026-10-01"), true));
        // A rating on a rest day is called back on the next working day.
        assert_eq!(FollowUpDue::of(&cal(), d("2026-10-03"), &s).value.call_back_by, d("2026-10-08"));
    }

    #[test]
    fn only_a_bad_rating_opens_one_and_the_unit_is_told() {
        let s = RatingSettings::default();
        let (c, on) = (cal(), d("2026-09-30"));
        assert_eq!(open(RatingLevel::Basic, on, &c, &s, UnitId(4), "ABCDE-23456"), None);
        let o = open(RatingLevel::Dissatisfied, on, &c, &s, UnitId(4), "ABCDE-23456").unwrap();
        assert_eq!(
            o.notices,
            [Notice::new(Recipient::Unit(UnitId(4)), NoticeTemplate::RatingBad)
                .with("case", "ABCDE-23456")
                .with("call_by", "2026-10-08")
                .with("rectify_by", "2026-10-27")]
        );
    }

    #[test]
    fn the_light_follows_the_step_owed() {
        let t = |today: &str| LightThresholds { today: d(today), yellow_until: d("2026-11-30") };
        let due = due();
        assert_eq!(due.light(Opened, false, &t("2026-11-04")), Light::Red, "not called back in a working day");
        assert_eq!(due.light(CalledBack, false, &t("2026-11-04")), Light::Yellow);
        assert_eq!(due.light(CalledBack, true, &t("2026-11-30")), Light::Green, "an upheld appeal");
        assert_eq!(due.light(Rectified, false, &t("2026-12-30")), Light::Green);
        assert!(due.overdue(CalledBack, d("2026-11-24")) && !due.overdue(CalledBack, d("2026-11-23")));
        assert!(!due.overdue(Rectified, d("2026-12-30")));
    }

    #[test]
    fn the_call_back_records_the_facts_and_a_conduct_problem_goes_to_the_ledger() {
        let late = FollowUpFacts { today: d("2026-11-04"), ..facts(Opened) };
        let d1 = fire(&late, Party::OwnerUnit, request(CallBack)).unwrap();
        assert_eq!((d1.to, d1.on_time, d1.file_problem.as_deref()), (CalledBack, Some(false), None));
        let conduct = FollowUpRequest::CallBack {
            call: Some("申请人反映".into()),
            facts: Some("工作人员态度生硬".into()),
            conduct: true,
        };
        let d2 = fire(&facts(Opened), Party::OwnerUnit, conduct).unwrap();
        assert_eq!(d2.on_time, Some(true));
        assert_eq!(
            d2.file_problem.as_deref(),
            Some("办件ABCDE-23456（生育登记）差评回访核实发现作风问题：工作人员态度生硬")
        );
        let nothing = FollowUpRequest::CallBack { call: None, facts: Some(" ".into()), conduct: false };
        assert_eq!(fire(&facts(Opened), Party::OwnerUnit, nothing).unwrap_err().fields(), ["call", "facts"]);
    }

    #[test]
    fn the_measure_is_told_and_the_office_closes_with_the_answer() {
        let r = fire(&facts(CalledBack), Party::OwnerUnit, request(Rectify)).unwrap();
        assert_eq!((r.to, r.on_time, r.measure.as_deref()), (Rectified, Some(true), Some("增开午间窗口")));
        assert_eq!(
            r.notices,
            [Notice::new(Recipient::Citizen, NoticeTemplate::RatingRectified).with("measure", "增开午间窗口")]
        );
        let none = FollowUpRequest::Rectify { measure: None };
        assert_eq!(fire(&facts(CalledBack), Party::OwnerUnit, none).unwrap_err().fields(), ["measure"]);
        let c = fire(&facts(Rectified), Party::Office, request(Close)).unwrap();
        assert_eq!((c.to, c.answer, c.on_time), (Closed, Some(FollowUpAnswer::Satisfied), None));
        let unreached = FollowUpRequest::Close { answer: Some(FollowUpAnswer::Unreachable), note: None };
        assert_eq!(
            fire(&facts(Rectified), Party::Office, unreached).unwrap_err(),
            DomainError::rule(Rule::SatisfactionOrReasonRequired, "note")
        );
        let no_answer = FollowUpRequest::Close { answer: None, note: None };
        assert_eq!(fire(&facts(Rectified), Party::Office, no_answer).unwrap_err().fields(), ["answer"]);
    }

    proptest! {
        /// Each due day is a working day exactly its setting's working days after the rating,
        /// and the call-back never falls after the rectification.
        #[test]
        fn the_due_days_are_the_settings_working_days_after_the_rating(
            start in 0u64..8400,
            call in 1u32..5,
            more in 0u32..30,
        ) {
            let (c, rated) = (cal(), d("2004-01-01") + chrono::Days::new(start));
            let s = RatingSettings { call_back_working_days: call, rectify_working_days: call + more, ..Default::default() };
            let due = FollowUpDue::of(&c, rated, &s).value;
            prop_assert!(due.call_back_by <= due.rectify_by);
            for (day, n) in [(due.call_back_by, s.call_back_working_days), (due.rectify_by, s.rectify_working_days)] {
                prop_assert!(c.is_working_day(day));
                prop_assert_eq!(c.working_days_between(rated, day).value, i64::from(n));
            }
        }
    }
}
