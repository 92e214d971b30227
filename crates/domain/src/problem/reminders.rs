//! Reminders about the ledger (整改提醒): a problem or one of its measures due by the next
//! working day, or overdue, told to the owner unit (at its mailbox) and to the person responsible
//! (by SMS), once per due date — the key names the item, the date and the recipient.

use crate::ids::{MeasureId, PersonId, ProblemId, UnitId};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use chrono::NaiveDate;

/// A problem, or one of its measures, that is not finished and has a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueItem {
    pub problem: ProblemId,
    /// The measure and its number on the problem (1-based), when the item is a measure.
    pub measure: Option<(MeasureId, i64)>,
    pub unit: UnitId,
    /// The person responsible: the measure's owner, else the problem's responsible person.
    pub responsible: Option<PersonId>,
    pub due: NaiveDate,
}

/// The reminders owed today about `item`: overdue (the deadline has passed) or due soon (by
/// `soon`, the next working day); nothing otherwise.
pub fn reminders(item: &DueItem, today: NaiveDate, soon: NaiveDate) -> Vec<Notice> {
    let overdue = item.due < today;
    if !overdue && item.due > soon {
        return Vec::new();
    }
    let (template, kind) = match (item.measure.is_some(), overdue) {
        (false, true) => (NoticeTemplate::ProblemOverdue, "problem_overdue"),
        (false, false) => (NoticeTemplate::ProblemDueSoon, "problem_due_soon"),
        (true, true) => (NoticeTemplate::MeasureOverdue, "measure_overdue"),
        (true, false) => (NoticeTemplate::MeasureDueSoon, "measure_due_soon"),
    };
    let item_key = match item.measure {
        Some((m, _)) => format!("{kind}:{}:{m}:{}", item.problem, item.due),
        None => format!("{kind}:{}:{}", item.problem, item.due),
    };
    let notice = |to: Recipient, who: String| {
        let n = Notice::new(to, template).with("problem", item.problem).with("due", item.due);
        let n = match item.measure {
            Some((_, number)) => n.with("measure", number),
            None => n,
        };
        n.once(format!("{item_key}:{who}"))
    };
    let mut out = vec![notice(Recipient::Unit(item.unit), format!("unit{}", item.unit))];
    if let Some(p) = item.responsible {
        out.push(notice(Recipient::Person(p), format!("person{p}")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn item(due: NaiveDate) -> DueItem {
        DueItem { problem: ProblemId(5), measure: None, unit: UnitId(3), responsible: Some(PersonId(8)), due }
    }

    #[test]
    fn the_unit_and_the_responsible_person_are_told_once_per_due_date() {
        let (today, soon) = (d(3, 2), d(3, 3));
        let late = reminders(&item(d(2, 27)), today, soon);
        assert_eq!(late.len(), 2);
        assert_eq!((late[0].to, late[0].template), (Recipient::Unit(UnitId(3)), NoticeTemplate::ProblemOverdue));
        assert_eq!(late[1].to, Recipient::Person(PersonId(8)));
        assert_eq!(late[0].once_key.as_deref(), Some("problem_overdue:5:2026-02-27:unit3"));
        assert_eq!(late[1].once_key.as_deref(), Some("problem_overdue:5:2026-02-27:person8"));
        let soon_due = reminders(&item(d(3, 3)), today, soon);
        assert_eq!(soon_due[0].template, NoticeTemplate::ProblemDueSoon);
        assert!(reminders(&item(d(3, 4)), today, soon).is_empty(), "not yet");
        // A moved deadline is a new due date, so a new reminder.
        assert_ne!(reminders(&item(d(2, 26)), today, soon)[0].once_key, late[0].once_key);
    }

    #[test]
    fn a_measure_is_named_by_its_number_and_has_its_own_key() {
        let m = DueItem { measure: Some((MeasureId(40), 2)), responsible: None, ..item(d(3, 1)) };
        let r = reminders(&m, d(3, 2), d(3, 3));
        assert_eq!(r.len(), 1, "no person responsible: the unit alone");
        assert_eq!(r[0].template, NoticeTemplate::MeasureOverdue);
        assert!(r[0].params.contains(&("measure", "2".to_owned())));
        assert_eq!(r[0].once_key.as_deref(), Some("measure_overdue:5:40:2026-03-01:unit3"));
    }
}
