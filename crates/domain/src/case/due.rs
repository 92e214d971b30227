//! When a case is due: the reply deadline by case type in working days (configurable), the
//! one-working-day signing deadline, and the flags lists show (overdue, pending, escalated).

use super::{CaseState, CaseType, ExtensionStatus};
use crate::calendar::{Reckoned, WorkCalendar};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Cases reopened, or sent back, this many times go up to the office (提级督办).
pub const ESCALATE_AFTER: i64 = 3;
/// A unit signs for an assigned case within this many working days.
pub const SIGN_WITHIN_WORKING_DAYS: u32 = 1;

/// Working days a unit has to reply, by case type. Urgent cases are due the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseDueRule {
    pub consult: u32,
    pub help: u32,
    pub complaint: u32,
    pub report: u32,
    pub suggestion: u32,
    pub praise: u32,
}

impl Default for CaseDueRule {
    /// 咨询/求助 3 working days; 投诉/举报/建议 13; praise is answered like a suggestion.
    fn default() -> Self {
        CaseDueRule { consult: 3, help: 3, complaint: 13, report: 13, suggestion: 13, praise: 13 }
    }
}

impl CaseDueRule {
    pub fn working_days(&self, t: CaseType, urgent: bool) -> u32 {
        if urgent {
            return 0;
        }
        match t {
            CaseType::Consult => self.consult,
            CaseType::Help => self.help,
            CaseType::Complaint => self.complaint,
            CaseType::Report => self.report,
            CaseType::Suggestion => self.suggestion,
            CaseType::Praise => self.praise,
        }
    }

    /// The reply deadline of a case assigned on `assigned`.
    pub fn due(&self, t: CaseType, urgent: bool, assigned: NaiveDate, cal: &WorkCalendar) -> Reckoned<NaiveDate> {
        cal.add_working_days(assigned, self.working_days(t, urgent))
    }

    pub fn values(&self) -> [u32; 6] {
        [self.consult, self.help, self.complaint, self.report, self.suggestion, self.praise]
    }
}

/// The signing deadline of a case assigned on `assigned`.
pub fn sign_due(assigned: NaiveDate, cal: &WorkCalendar) -> NaiveDate {
    cal.add_working_days(assigned, SIGN_WITHIN_WORKING_DAYS).value
}

/// The office accepts (受理) a case within this many working days unless its settings say
/// otherwise (`accept_within_working_days`).
pub const ACCEPT_WITHIN_WORKING_DAYS: u32 = 1;

/// The last day the office may accept a case received on `received` within `within` working days.
pub fn accept_due(received: NaiveDate, within: u32, cal: &WorkCalendar) -> NaiveDate {
    cal.add_working_days(received, within).value
}

/// Cases still waiting to be accepted that were received before this day are late: the first day
/// `d` whose acceptance deadline (`accept_due(d, …)`) is not yet past on `today`. Deadlines grow
/// with the day received, so every earlier day's deadline is past and no later day's is.
pub fn accept_late_before(today: NaiveDate, within: u32, cal: &WorkCalendar) -> NaiveDate {
    let mut day = today;
    // `within` working days lie within about twice as many calendar days, holidays included.
    for _ in 0..(within as usize * 3 + 30) {
        let Some(prev) = day.pred_opt() else { break };
        if accept_due(prev, within, cal) < today {
            return day;
        }
        day = prev;
    }
    day
}

/// How long a case has waited since it was received, as a page shows it: whole days and the hours
/// beyond them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waited {
    pub days: i64,
    pub hours: i64,
}

impl Waited {
    pub fn between(since: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> Waited {
        let hours = (now - since).num_hours().max(0);
        Waited { days: hours / 24, hours: hours % 24 }
    }
}

/// What lists and the case page flag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFlags {
    /// Assigned and not signed for by the signing deadline.
    pub sign_overdue: bool,
    /// With a unit and not replied to by the due date.
    pub reply_overdue: bool,
    /// A unit asked for more time and the office has not decided.
    pub pending_extension: bool,
    /// Reopened or sent back three times: the office handles it (提级督办).
    pub escalated: bool,
    /// Replied to and waiting for a return visit.
    pub visit_due: bool,
}

impl CaseFlags {
    #[allow(clippy::too_many_arguments)]
    pub fn of(
        state: CaseState,
        today: NaiveDate,
        sign_due_on: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        extension: Option<ExtensionStatus>,
        reopen_count: i64,
        send_back_count: i64,
        visited_since_reply: bool,
    ) -> CaseFlags {
        CaseFlags {
            sign_overdue: state == CaseState::Assigned && sign_due_on.is_some_and(|d| today > d),
            reply_overdue: state.with_unit() && due_on.is_some_and(|d| today > d),
            pending_extension: state.with_unit() && extension == Some(ExtensionStatus::Pending),
            escalated: reopen_count >= ESCALATE_AFTER || send_back_count >= ESCALATE_AFTER,
            visit_due: state == CaseState::Replied && !visited_since_reply,
        }
    }
}

/// The reminders a unit is owed about one case today (each once per due date: the key says
/// which): signing overdue, reply overdue, or the reply due by `soon` (the next working day).
pub fn reminders(
    case: crate::ids::CaseId,
    unit: crate::ids::UnitId,
    state: CaseState,
    sign_due_on: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
    today: NaiveDate,
    soon: NaiveDate,
) -> Vec<crate::notice::Notice> {
    use crate::notice::{Notice, NoticeTemplate, Recipient};
    let remind = |t: NoticeTemplate, due: NaiveDate, key: &str| {
        Notice::new(Recipient::Unit(unit), t).with("case", case).with("due", due).once(format!("{key}:{case}:{due}"))
    };
    let mut out = Vec::new();
    if !state.with_unit() {
        return out;
    }
    if let Some(d) = sign_due_on.filter(|d| state == CaseState::Assigned && *d < today) {
        out.push(remind(NoticeTemplate::CaseSignOverdue, d, "sign_overdue"));
    }
    match due_on {
        Some(d) if d < today => out.push(remind(NoticeTemplate::CaseOverdue, d, "overdue")),
        Some(d) if d <= soon => out.push(remind(NoticeTemplate::CaseDueSoon, d, "due_soon")),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_dates_by_type() {
        let cal = WorkCalendar::weekends_only();
        let rule = CaseDueRule::default();
        // Monday 2 March 2026.
        assert_eq!(rule.due(CaseType::Consult, false, d(2026, 3, 2), &cal).value, d(2026, 3, 5));
        assert_eq!(rule.due(CaseType::Complaint, false, d(2026, 3, 2), &cal).value, d(2026, 3, 19));
        assert_eq!(rule.due(CaseType::Complaint, true, d(2026, 3, 2), &cal).value, d(2026, 3, 2));
        // Friday: signing is due Monday.
        assert_eq!(sign_due(d(2026, 3, 6), &cal), d(2026, 3, 9));
    }

    #[test]
    fn reminders_once_per_due_date() {
        use crate::ids::{CaseId, UnitId};
        use crate::notice::NoticeTemplate;
        let (today, soon) = (d(2026, 3, 10), d(2026, 3, 11));
        let r = |state, sign, due| reminders(CaseId(5), UnitId(2), state, sign, due, today, soon);
        let late = r(CaseState::Assigned, Some(d(2026, 3, 9)), Some(d(2026, 3, 9)));
        assert_eq!(
            late.iter().map(|n| n.template).collect::<Vec<_>>(),
            [NoticeTemplate::CaseSignOverdue, NoticeTemplate::CaseOverdue]
        );
        assert_eq!(late[1].once_key.as_deref(), Some("overdue:5:2026-03-09"));
        let soon_due = r(CaseState::InProgress, Some(d(2026, 3, 9)), Some(d(2026, 3, 11)));
        assert_eq!(soon_due.iter().map(|n| n.template).collect::<Vec<_>>(), [NoticeTemplate::CaseDueSoon]);
        assert!(r(CaseState::InProgress, None, Some(d(2026, 3, 20))).is_empty());
        assert!(r(CaseState::Replied, None, Some(d(2026, 3, 1))).is_empty());
    }

    #[test]
    fn acceptance_is_late_after_the_offices_working_days() {
        let cal = WorkCalendar::weekends_only();
        // Received Friday 6 March 2026, accepted within 1 working day: by Monday 9 March.
        assert_eq!(accept_due(d(2026, 3, 6), 1, &cal), d(2026, 3, 9));
        // On Tuesday 10 March, the weekend's cases (due Monday) are late and Monday's are not.
        assert_eq!(accept_late_before(d(2026, 3, 10), 1, &cal), d(2026, 3, 9));
        // On Monday 9 March, Thursday's is late; Friday's (and the weekend's) are due today.
        assert_eq!(accept_late_before(d(2026, 3, 9), 1, &cal), d(2026, 3, 6));
        // Within 0 days: only today's cases are on time.
        assert_eq!(accept_late_before(d(2026, 3, 10), 0, &cal), d(2026, 3, 10));
        // Every day before the boundary is late, none after it.
        for within in 0..4 {
            let today = d(2026, 3, 18);
            let cut = accept_late_before(today, within, &cal);
            for back in 0..20 {
                let day = today - chrono::Duration::days(back);
                assert_eq!(accept_due(day, within, &cal) < today, day < cut, "{day} within {within}");
            }
        }
    }

    #[test]
    fn waiting_is_counted_in_days_and_hours() {
        let at = |h: i64| chrono::DateTime::<chrono::Utc>::UNIX_EPOCH + chrono::Duration::hours(h);
        assert_eq!(Waited::between(at(0), at(53)), Waited { days: 2, hours: 5 });
        assert_eq!(Waited::between(at(5), at(0)), Waited { days: 0, hours: 0 });
    }

    #[test]
    fn flags() {
        let today = d(2026, 3, 10);
        let f = CaseFlags::of(CaseState::Assigned, today, Some(d(2026, 3, 9)), Some(d(2026, 3, 20)), None, 0, 3, false);
        assert!(f.sign_overdue && !f.reply_overdue && f.escalated);
        let f = CaseFlags::of(
            CaseState::InProgress,
            today,
            Some(d(2026, 3, 9)),
            Some(d(2026, 3, 9)),
            Some(ExtensionStatus::Pending),
            0,
            0,
            false,
        );
        assert!(!f.sign_overdue && f.reply_overdue && f.pending_extension);
        let f = CaseFlags::of(CaseState::Replied, today, None, Some(d(2026, 3, 9)), None, 0, 0, false);
        assert!(!f.reply_overdue && f.visit_due);
    }
}
