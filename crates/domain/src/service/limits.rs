//! A service case's clock (限时办结): working days counted from acceptance (受理), the days of a
//! suspension (补正, 听证, 公示 — 暂停计时) left out, measured against the item's promised limit
//! (承诺时限) and its legal limit (法定时限). No I/O: the calendar is passed in.
//!
//! The count is the ledger's: working days `d` with `accepted_on < d <= on` (the day of
//! acceptance is day 0, as a deadline "within 5 working days" is read). A suspension stops the
//! clock from its first day until the day it ends: days `from <= d < to` do not count, and the
//! day work resumes counts again.

use crate::calendar::{Reckoned, WorkCalendar};
use crate::light::Light;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Days the clock stood still; `to` is the day it ran again (none while it stands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suspension {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Suspension {
    fn stops(&self, d: NaiveDate) -> bool {
        self.from <= d && self.to.is_none_or(|to| d < to)
    }
}

/// Working days the clock ran from `accepted_on` to `on`, suspensions left out (0 when `on` is
/// not after acceptance).
pub fn elapsed(cal: &WorkCalendar, accepted_on: NaiveDate, on: NaiveDate, suspended: &[Suspension]) -> Reckoned<u32> {
    let mut approximate = false;
    let mut count = 0u32;
    let mut day = accepted_on;
    while day < on {
        let Some(next) = day.succ_opt() else { break };
        day = next;
        approximate |= !cal.covers(day);
        if cal.is_working_day(day) && !suspended.iter().any(|s| s.stops(day)) {
            count += 1;
        }
    }
    Reckoned { value: count, approximate }
}

/// The day a limit of `limit` working days falls due: the `limit`-th working day after
/// acceptance that the clock ran, so each suspended working day moves it one working day on.
/// While a suspension stands there is no due day yet.
pub fn due_on(
    cal: &WorkCalendar,
    accepted_on: NaiveDate,
    limit: u32,
    suspended: &[Suspension],
) -> Option<Reckoned<NaiveDate>> {
    // An open suspension stops the clock for good until it ends.
    if suspended.iter().any(|s| s.to.is_none()) {
        return None;
    }
    let mut approximate = false;
    let mut day = accepted_on;
    let mut left = limit;
    while left > 0 {
        let next = day.succ_opt()?;
        day = next;
        approximate |= !cal.covers(day);
        if cal.is_working_day(day) && !suspended.iter().any(|s| s.stops(day)) {
            left -= 1;
        }
    }
    Some(Reckoned { value: day, approximate })
}

/// The day the promise falls due, as the ledger keeps it: the due day of the suspensions that
/// ended; while one stands, the due day only if it had already passed when the clock stopped (the
/// case is past its promise however long it stands), none otherwise.
pub fn promised_due(
    cal: &WorkCalendar,
    accepted_on: NaiveDate,
    promised: u32,
    suspended: &[Suspension],
) -> Option<NaiveDate> {
    let ended: Vec<Suspension> = suspended.iter().filter(|s| s.to.is_some()).copied().collect();
    let due = due_on(cal, accepted_on, promised, &ended)?.value;
    match suspended.iter().find(|s| s.to.is_none()) {
        Some(open) if due >= open.from => None,
        _ => Some(due),
    }
}

/// Where a case stands against its item's two limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Standing {
    /// Within the promised limit (承诺期内).
    WithinPromise,
    /// Past the promise, within the law: a broken promise, counted against the unit.
    PastPromise,
    /// Past the legal limit (超法定时限).
    PastLegal,
}

/// The standing of `elapsed` working days against the limits.
pub fn standing(elapsed: u32, promised: u32, legal: u32) -> Standing {
    if elapsed > legal {
        Standing::PastLegal
    } else if elapsed > promised {
        Standing::PastPromise
    } else {
        Standing::WithinPromise
    }
}

/// The light of an open case, as the ledger's: red once past the promise, yellow in its last
/// `yellow` working days, green before.
pub fn light(elapsed: u32, promised: u32, yellow: u32) -> Light {
    if elapsed > promised {
        Light::Red
    } else if promised - elapsed <= yellow {
        Light::Yellow
    } else {
        Light::Green
    }
}

/// A case's clock as the ledger shows it: the working days run, the due days of both limits,
/// where it stands and, while open, its light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceClock {
    /// Working days the clock ran, to the day it ended or today.
    pub elapsed_days: u32,
    /// The day the promise falls due (none while suspended).
    pub promised_due: Option<NaiveDate>,
    pub legal_due: Option<NaiveDate>,
    pub standing: Standing,
    /// Open cases only.
    pub light: Option<Light>,
    /// The calendar does not cover every day counted (weekends only were assumed there).
    pub approximate: bool,
}

/// The clock of a case accepted on `accepted_on`, ended on `ended_on` (done or refused) or still
/// open `today`. `yellow` is the ledger's warning window in working days.
pub fn clock(
    cal: &WorkCalendar,
    accepted_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    today: NaiveDate,
    suspended: &[Suspension],
    (promised, legal): (u32, u32),
    yellow: u32,
) -> ServiceClock {
    let ran = elapsed(cal, accepted_on, ended_on.unwrap_or(today), suspended);
    let promised_due = due_on(cal, accepted_on, promised, suspended);
    let legal_due = due_on(cal, accepted_on, legal, suspended);
    let approximate =
        ran.approximate || promised_due.is_some_and(|d| d.approximate) || legal_due.is_some_and(|d| d.approximate);
    // The light says what the figures count: red once the promised day has passed undone.
    let light = ended_on.is_none().then(|| match self::promised_due(cal, accepted_on, promised, suspended) {
        Some(due) if due < today => Light::Red,
        Some(due) if cal.working_days_between(today, due).value <= i64::from(yellow) => Light::Yellow,
        Some(_) => Light::Green,
        // The clock stands: nothing is running late.
        None => Light::Green,
    });
    ServiceClock {
        elapsed_days: ran.value,
        promised_due: promised_due.map(|d| d.value),
        legal_due: legal_due.map(|d| d.value),
        standing: standing(ran.value, promised, legal),
        light,
        approximate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{CalendarDay, DayKind};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// 2026 with the 国庆 holiday (1–7 October) and its make-up Saturday (10 October).
    fn cal() -> WorkCalendar {
        let mut days: Vec<CalendarDay> = (1..=7)
            .map(|day| CalendarDay {
                date: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            })
            .collect();
        days.push(CalendarDay { date: d("2026-10-10"), kind: DayKind::Workday, name: "国庆节调休".into() });
        WorkCalendar::new([2026], days)
    }

    #[test]
    fn the_holiday_and_its_make_up_day_are_counted_as_the_calendar_says() {
        // Accepted on Tuesday 29 September: 30 Sep, then 8, 9 and the make-up Saturday 10 Oct.
        let c = cal();
        assert_eq!(elapsed(&c, d("2026-09-29"), d("2026-10-10"), &[]).value, 4);
        assert_eq!(due_on(&c, d("2026-09-29"), 4, &[]).unwrap().value, d("2026-10-10"));
        assert_eq!(due_on(&c, d("2026-09-29"), 5, &[]).unwrap().value, d("2026-10-12"));
        assert_eq!(due_on(&c, d("2026-09-29"), 0, &[]).unwrap().value, d("2026-09-29"), "即办: the same day");
    }

    #[test]
    fn a_suspension_moves_the_due_day_by_its_working_days() {
        let c = cal();
        // Accepted Monday 2 November, 5 working days promised: due Monday 9 November.
        assert_eq!(due_on(&c, d("2026-11-02"), 5, &[]).unwrap().value, d("2026-11-09"));
        // 补正 from Wednesday 4 until Friday 6 (the clock runs again on the 6th): two working
        // days stood still, so it falls due two working days later.
        let s = [Suspension { from: d("2026-11-04"), to: Some(d("2026-11-06")) }];
        assert_eq!(due_on(&c, d("2026-11-02"), 5, &s).unwrap().value, d("2026-11-11"));
        assert_eq!(elapsed(&c, d("2026-11-02"), d("2026-11-11"), &s).value, 5);
        // While it stands there is no due day, and the days do not count.
        let open = [Suspension { from: d("2026-11-04"), to: None }];
        assert_eq!(due_on(&c, d("2026-11-02"), 5, &open), None);
        assert_eq!(elapsed(&c, d("2026-11-02"), d("2026-11-30"), &open).value, 1);
    }

    #[test]
    fn standing_and_light_follow_the_two_limits() {
        assert_eq!(standing(5, 5, 20), Standing::WithinPromise);
        assert_eq!(standing(6, 5, 20), Standing::PastPromise);
        assert_eq!(standing(21, 5, 20), Standing::PastLegal);
        assert_eq!(
            (light(1, 5, 2), light(3, 5, 2), light(5, 5, 2), light(6, 5, 2)),
            (Light::Green, Light::Yellow, Light::Yellow, Light::Red)
        );
    }

    fn any_calendar() -> impl Strategy<Value = WorkCalendar> {
        // Random holidays and make-up working days over two years.
        proptest::collection::vec((0u32..730, any::<bool>()), 0..40).prop_map(|marks| {
            let start = d("2026-01-01");
            let days = marks.into_iter().map(|(offset, holiday)| CalendarDay {
                date: start + chrono::Days::new(u64::from(offset)),
                kind: if holiday { DayKind::Holiday } else { DayKind::Workday },
                name: String::new(),
            });
            WorkCalendar::new([2026, 2027], days.collect::<Vec<_>>())
        })
    }

    proptest! {
        /// On the due day exactly the limit has run, the day before less; suspensions only
        /// ever move the due day later.
        #[test]
        fn the_due_day_is_where_the_clock_reaches_the_limit(
            c in any_calendar(),
            start in 0u64..300,
            limit in 1u32..40,
            pauses in proptest::collection::vec((0u64..60, 1u64..15), 0..3),
        ) {
            let accepted = d("2026-01-01") + chrono::Days::new(start);
            let suspended: Vec<Suspension> = pauses
                .iter()
                .map(|&(after, len)| {
                    let from = accepted + chrono::Days::new(after);
                    Suspension { from, to: Some(from + chrono::Days::new(len)) }
                })
                .collect();
            let due = due_on(&c, accepted, limit, &suspended).unwrap().value;
            prop_assert_eq!(elapsed(&c, accepted, due, &suspended).value, limit);
            prop_assert!(elapsed(&c, accepted, due.pred_opt().unwrap(), &suspended).value < limit);
            prop_assert!(due >= due_on(&c, accepted, limit, &[]).unwrap().value);
        }
    }
}
