//! Warning lights (预警). Green: on track. Yellow: the deadline is within a configurable number
//! of working days (default 3). Red: overdue. Only work the unit still owes is lit; a reported
//! problem waits on the office and a closed one is done, so both are green.
//!
//! The store filters and counts lights in SQL with the same two dates from [`LightThresholds`]:
//! red when `due < today`, yellow when `due < yellow_until`. Keep both in step with
//! [`LightThresholds::of_due`].

use crate::calendar::{Reckoned, WorkCalendar};
use crate::problem::ProblemState;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    // Declared in order of urgency so that `max` picks the worst light.
    #[derive(PartialOrd, Ord)]
    pub enum Light: "light" {
        Green = "green",
        Yellow = "yellow",
        Red = "red",
    }
}

/// How early a deadline turns yellow, in working days. Stored as a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightRule {
    pub yellow_working_days: u32,
}

impl Default for LightRule {
    fn default() -> Self {
        LightRule { yellow_working_days: 3 }
    }
}

/// The two dates that decide every light on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightThresholds {
    /// Due before this date: red.
    pub today: NaiveDate,
    /// Due before this date (and not red): yellow. The (N+1)-th working day after today, so a
    /// deadline with at most N working days left is yellow, whatever rest days follow it.
    pub yellow_until: NaiveDate,
}

impl LightRule {
    pub fn thresholds(&self, today: NaiveDate, calendar: &WorkCalendar) -> Reckoned<LightThresholds> {
        let r = calendar.add_working_days(today, self.yellow_working_days + 1);
        Reckoned { value: LightThresholds { today, yellow_until: r.value }, approximate: r.approximate }
    }
}

/// Days a red item is past its due date (逾期天数), in calendar days as the offices' ledgers
/// count them; none for an item that is not red.
pub fn days_overdue(light: Light, due: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    match (light, due) {
        (Light::Red, Some(d)) if d < today => Some((today - d).num_days()),
        _ => None,
    }
}

impl LightThresholds {
    /// The light of a piece of open work due on `due` (no deadline: green).
    pub fn of_due(&self, due: Option<NaiveDate>) -> Light {
        match due {
            Some(d) if d < self.today => Light::Red,
            Some(d) if d < self.yellow_until => Light::Yellow,
            _ => Light::Green,
        }
    }

    /// A problem's light: its effective due date (see [`effective_due`]) if the unit still owes
    /// work on it.
    pub fn of_problem(&self, state: ProblemState, due_on: Option<NaiveDate>) -> Light {
        if state.is_lit() { self.of_due(due_on) } else { Light::Green }
    }

    pub fn of_measure(&self, done: bool, deadline: Option<NaiveDate>) -> Light {
        if done { Light::Green } else { self.of_due(deadline) }
    }
}

/// The date a problem's light is judged by: the earliest of its own deadline and the deadlines of
/// its unfinished measures. Since a light only gets worse as its date gets earlier, the light of
/// this date is the worst of the problem's and its measures' lights (the roll-up).
pub fn effective_due(
    deadline: Option<NaiveDate>,
    measures: impl IntoIterator<Item = (Option<NaiveDate>, bool)>,
) -> Option<NaiveDate> {
    measures.into_iter().filter(|(_, done)| !done).filter_map(|(d, _)| d).chain(deadline).min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::WorkCalendar;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn lights_around_a_weekend() {
        let cal = WorkCalendar::weekends_only();
        // Monday 2026-11-23, 3 working days: yellow up to Thursday, green from Friday.
        let t = LightRule::default().thresholds(d(2026, 11, 23), &cal).value;
        assert_eq!(t.of_due(Some(d(2026, 11, 22))), Light::Red);
        assert_eq!(t.of_due(Some(d(2026, 11, 23))), Light::Yellow);
        assert_eq!(t.of_due(Some(d(2026, 11, 26))), Light::Yellow);
        assert_eq!(t.of_due(Some(d(2026, 11, 27))), Light::Green);
        assert_eq!(t.of_due(None), Light::Green);
        // Thursday: Fri, Mon, Tue are the 3 working days, so a Sunday deadline is yellow too.
        let t = LightRule::default().thresholds(d(2026, 11, 26), &cal).value;
        assert_eq!(t.of_due(Some(d(2026, 11, 29))), Light::Yellow);
        assert_eq!(t.of_due(Some(d(2026, 12, 1))), Light::Yellow);
        assert_eq!(t.of_due(Some(d(2026, 12, 2))), Light::Green);
    }

    #[test]
    fn only_owed_work_is_lit() {
        let t = LightRule::default().thresholds(d(2026, 11, 23), &WorkCalendar::weekends_only()).value;
        let late = Some(d(2026, 1, 1));
        assert_eq!(t.of_problem(ProblemState::Open, late), Light::Red);
        assert_eq!(t.of_problem(ProblemState::InProgress, late), Light::Red);
        assert_eq!(t.of_problem(ProblemState::Reported, late), Light::Green);
        assert_eq!(t.of_problem(ProblemState::Closed, late), Light::Green);
        assert_eq!(t.of_measure(true, late), Light::Green);
    }

    #[test]
    fn days_overdue_count_calendar_days_of_red_items_only() {
        let today = d(2026, 12, 4);
        assert_eq!(days_overdue(Light::Red, Some(d(2026, 11, 20)), today), Some(14));
        assert_eq!(days_overdue(Light::Yellow, Some(d(2026, 12, 5)), today), None);
        // A reported problem past its date waits on the office: green, not overdue.
        assert_eq!(days_overdue(Light::Green, Some(d(2026, 11, 20)), today), None);
    }

    proptest! {
        /// The roll-up through `effective_due` equals taking the worst light of the parts.
        #[test]
        fn measure_lights_roll_up_to_the_worst(
            today_off in 0u64..60,
            own in proptest::option::of(0u64..120),
            measures in proptest::collection::vec((proptest::option::of(0u64..120), any::<bool>()), 0..6),
        ) {
            let base = d(2026, 1, 1);
            let at = |o: u64| base + chrono::Days::new(o);
            let t = LightRule::default().thresholds(at(today_off), &WorkCalendar::weekends_only()).value;
            let own = own.map(at);
            let ms: Vec<_> = measures.iter().map(|(o, done)| (o.map(at), *done)).collect();
            let worst = ms.iter().map(|(dl, done)| t.of_measure(*done, *dl)).chain([t.of_due(own)]).max().unwrap();
            prop_assert_eq!(t.of_due(effective_due(own, ms)), worst);
        }
    }
}
