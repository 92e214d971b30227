//! A plan's rhythm as dates (月计划、周行动、日巡查): the periods it must inspect in — each calendar
//! month, each Monday–Sunday week, or each working day, cut to the plan's dates — which of them
//! have their round, which were missed (漏检), and when the next round is due.
//!
//! How a round counts. A round belongs to the period holding the day it was scheduled for
//! (`scheduled_on`, which the office may set ahead), and fills it only if it was committed no
//! later than the period's last day: a round entered afterwards with an earlier date is kept
//! and counted apart, and the period stays missed, so a missed round cannot be papered over.
//!
//! A second round in a period is allowed, not refused. The rhythm is a floor, not a ceiling:
//! offices add surprise rounds (突击检查) between the planned ones, and a round cannot be
//! withdrawn, so a round whose office-held seed was lost must be committed again in the same
//! period. A period is filled once however many rounds it has; the others are counted in
//! [`Schedule::other_rounds`] and fill no other period.
//!
//! A period with no working day in it (the week of 春节 2026, a plan that starts on a Sunday) is no
//! period at all: offices are closed, there is nothing to inspect and nothing to miss.

use crate::calendar::WorkCalendar;
use crate::inspection::plan::Rhythm;
use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The longest plan, in days (three years): a plan is read on every list, and its periods are
/// reckoned day by day. Longer drives are planned again each year.
pub const MAX_PLAN_DAYS: u64 = 1096;

/// One period of a plan: a month, a week or a working day, within the plan's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub from: NaiveDate,
    /// The period's last day: its round is due by then.
    pub to: NaiveDate,
}

impl Period {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A round as the schedule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundDates {
    /// The day it was planned for.
    pub scheduled_on: NaiveDate,
    /// The China date it was committed.
    pub committed_on: NaiveDate,
}

/// Where a plan stands against its rhythm on a given day (`as_of`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    /// The day this was reckoned for (today, in China).
    pub as_of: NaiveDate,
    /// Periods in the whole plan.
    pub periods: u32,
    /// Periods of the whole plan that have their round (a period counts once).
    pub rounds_done: u32,
    /// The period `as_of` falls in; none before or after the plan, or on a rest day of a daily
    /// plan.
    pub current_period: Option<Period>,
    /// Whether the current period has its round.
    pub current_done: bool,
    /// The first period not yet over that has no round: the next round to commit.
    pub next_due: Option<Period>,
    /// The last day of `next_due`: commit its round by then.
    pub next_due_on: Option<NaiveDate>,
    /// Periods over before `as_of` that had no round (漏检), oldest first.
    pub missed: Vec<Period>,
    /// How many periods were missed up to `as_of`.
    pub missed_count: u32,
    /// Rounds that fill no period: a second one in a period, one on a rest day of a daily plan
    /// or outside the plan's dates, one committed after its period was over.
    pub other_rounds: u32,
    /// Whether a day of the plan lies in a year whose holiday notice is not loaded (weekends
    /// only were counted there).
    pub approximate: bool,
}

/// The periods of a plan in order, and whether a day outside the loaded calendar years was
/// judged. Only the first [`MAX_PLAN_DAYS`] days of a plan are reckoned.
pub fn periods(rhythm: Rhythm, starts_on: NaiveDate, ends_on: NaiveDate, cal: &WorkCalendar) -> (Vec<Period>, bool) {
    let last = starts_on.checked_add_days(Days::new(MAX_PLAN_DAYS - 1)).map_or(ends_on, |cap| cap.min(ends_on));
    let mut out: Vec<Period> = Vec::new();
    // The period being gathered, and whether it has a working day yet.
    let mut open: Option<(Period, bool)> = None;
    let mut approximate = false;
    for day in starts_on.iter_days().take_while(|d| *d <= last) {
        approximate |= !cal.covers(day);
        let working = cal.is_working_day(day);
        if rhythm == Rhythm::Daily {
            if working {
                out.push(Period { from: day, to: day });
            }
            continue;
        }
        match &mut open {
            Some((p, any)) if same_period(rhythm, p.from, day) => {
                p.to = day;
                *any |= working;
            }
            _ => {
                if let Some((p, true)) = open.take() {
                    out.push(p);
                }
                open = Some((Period { from: day, to: day }, working));
            }
        }
    }
    if let Some((p, true)) = open {
        out.push(p);
    }
    (out, approximate)
}

fn same_period(rhythm: Rhythm, a: NaiveDate, b: NaiveDate) -> bool {
    match rhythm {
        Rhythm::Monthly => (a.year(), a.month()) == (b.year(), b.month()),
        Rhythm::Weekly => a.iso_week() == b.iso_week(),
        Rhythm::Daily => a == b,
    }
}

/// Where a plan of `rhythm` from `starts_on` to `ends_on` stands on `today`, given its rounds.
pub fn schedule(
    rhythm: Rhythm,
    (starts_on, ends_on): (NaiveDate, NaiveDate),
    cal: &WorkCalendar,
    rounds: &[RoundDates],
    today: NaiveDate,
) -> Schedule {
    let (periods, approximate) = periods(rhythm, starts_on, ends_on, cal);
    let mut done = vec![false; periods.len()];
    let mut other_rounds = 0u32;
    for r in rounds {
        // Periods are in order and do not overlap: the first one not over before the day.
        let i = periods.partition_point(|p| p.to < r.scheduled_on);
        match periods.get(i) {
            Some(p) if p.contains(r.scheduled_on) && r.committed_on <= p.to && !done[i] => done[i] = true,
            _ => other_rounds += 1,
        }
    }
    let current = periods.iter().position(|p| p.contains(today));
    let next = periods.iter().zip(&done).find(|(p, d)| p.to >= today && !**d).map(|(p, _)| *p);
    let missed: Vec<Period> =
        periods.iter().zip(&done).filter(|(p, d)| p.to < today && !**d).map(|(p, _)| *p).collect();
    Schedule {
        as_of: today,
        periods: count(periods.len()),
        rounds_done: count(done.iter().filter(|d| **d).count()),
        current_period: current.map(|i| periods[i]),
        current_done: current.is_some_and(|i| done[i]),
        next_due: next,
        next_due_on: next.map(|p| p.to),
        missed_count: count(missed.len()),
        missed,
        other_rounds,
        approximate,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{SHIPPED_CALENDAR, parse_calendar_file};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The official calendars shipped with Rectify (2004–2026).
    fn shipped() -> WorkCalendar {
        let years = parse_calendar_file("china.json", SHIPPED_CALENDAR).unwrap();
        let days: Vec<_> = years.iter().flat_map(|y| y.validate().unwrap()).collect();
        WorkCalendar::new(years.iter().map(|y| y.year), days)
    }

    fn p(from: NaiveDate, to: NaiveDate) -> Period {
        Period { from, to }
    }

    /// A round planned and committed on the same day.
    fn on(day: NaiveDate) -> RoundDates {
        RoundDates { scheduled_on: day, committed_on: day }
    }

    #[test]
    fn weeks_run_monday_to_sunday_and_a_skipped_week_is_missed() {
        let cal = shipped();
        // March 2026 starts on a Sunday: that lone Sunday has no working day, so no period.
        let plan = (d(2026, 3, 1), d(2026, 3, 31));
        let (weeks, approximate) = periods(Rhythm::Weekly, plan.0, plan.1, &cal);
        assert!(!approximate);
        assert_eq!(
            weeks,
            [
                p(d(2026, 3, 2), d(2026, 3, 8)),
                p(d(2026, 3, 9), d(2026, 3, 15)),
                p(d(2026, 3, 16), d(2026, 3, 22)),
                p(d(2026, 3, 23), d(2026, 3, 29)),
                // The plan ends on a Tuesday: its last week is cut short.
                p(d(2026, 3, 30), d(2026, 3, 31)),
            ]
        );
        let rounds = [on(d(2026, 3, 3)), on(d(2026, 3, 18))];
        let s = schedule(Rhythm::Weekly, plan, &cal, &rounds, d(2026, 3, 25));
        assert_eq!(s.missed, [p(d(2026, 3, 9), d(2026, 3, 15))]);
        assert_eq!((s.missed_count, s.rounds_done, s.periods, s.other_rounds), (1, 2, 5, 0));
        assert_eq!(s.current_period, Some(p(d(2026, 3, 23), d(2026, 3, 29))));
        assert!(!s.current_done);
        assert_eq!(s.next_due_on, Some(d(2026, 3, 29)));
        // This week's round is in: the next one due is the last, short week's.
        let rounds = [on(d(2026, 3, 3)), on(d(2026, 3, 18)), on(d(2026, 3, 25))];
        let s = schedule(Rhythm::Weekly, plan, &cal, &rounds, d(2026, 3, 25));
        assert!(s.current_done);
        assert_eq!(s.next_due, Some(p(d(2026, 3, 30), d(2026, 3, 31))));
        assert_eq!(s.next_due_on, Some(d(2026, 3, 31)));
    }

    #[test]
    fn the_week_of_the_spring_festival_is_no_period() {
        let cal = shipped();
        // 2026: 春节 Feb 15–23; Monday Feb 16 to Sunday Feb 22 has no working day at all.
        let (weeks, _) = periods(Rhythm::Weekly, d(2026, 2, 9), d(2026, 3, 1), &cal);
        assert_eq!(
            weeks,
            [
                // Saturday Feb 14 is a make-up working day; Sunday Feb 15 already a holiday.
                p(d(2026, 2, 9), d(2026, 2, 15)),
                p(d(2026, 2, 23), d(2026, 3, 1)),
            ]
        );
        let s = schedule(Rhythm::Weekly, (d(2026, 2, 9), d(2026, 3, 1)), &cal, &[on(d(2026, 2, 10))], d(2026, 2, 24));
        assert!(s.missed.is_empty(), "nothing to inspect while every office is closed");
        assert_eq!(s.next_due_on, Some(d(2026, 3, 1)));
    }

    #[test]
    fn daily_plans_inspect_on_working_days_only() {
        let cal = shipped();
        // Thu Feb 12 – Sat Feb 28 2026: Sat Feb 14 and Sat Feb 28 are make-up working days (调休),
        // Feb 15–23 the holiday (its weekend included).
        let plan = (d(2026, 2, 12), d(2026, 2, 28));
        let (days, _) = periods(Rhythm::Daily, plan.0, plan.1, &cal);
        let days: Vec<NaiveDate> = days.iter().map(|p| p.from).collect();
        assert_eq!(
            days,
            [
                d(2026, 2, 12),
                d(2026, 2, 13),
                d(2026, 2, 14),
                d(2026, 2, 24),
                d(2026, 2, 25),
                d(2026, 2, 26),
                d(2026, 2, 27),
                d(2026, 2, 28),
            ]
        );
        // Rounds on the 12th, the make-up Saturday, and a holiday (a duty check, 值班纪律): the
        // holiday round fills no period; the 13th was missed.
        let rounds = [on(d(2026, 2, 12)), on(d(2026, 2, 14)), on(d(2026, 2, 18))];
        let s = schedule(Rhythm::Daily, plan, &cal, &rounds, d(2026, 2, 21));
        assert_eq!(s.missed, [p(d(2026, 2, 13), d(2026, 2, 13))]);
        assert_eq!(s.other_rounds, 1);
        assert_eq!(s.current_period, None, "a holiday is no day of a daily plan");
        assert_eq!(s.next_due_on, Some(d(2026, 2, 24)), "the first working day after the holiday");
        // A plain weekend: Saturday Mar 7 2026 points to Monday.
        let s = schedule(Rhythm::Daily, (d(2026, 3, 2), d(2026, 3, 31)), &cal, &[], d(2026, 3, 7));
        assert_eq!(s.next_due_on, Some(d(2026, 3, 9)));
        assert_eq!(s.missed.len(), 5, "Monday to Friday");
    }

    #[test]
    fn months_end_on_their_last_day_and_plans_cut_them() {
        let cal = shipped();
        let plan = (d(2026, 1, 15), d(2026, 4, 10));
        let (months, _) = periods(Rhythm::Monthly, plan.0, plan.1, &cal);
        assert_eq!(
            months,
            [
                p(d(2026, 1, 15), d(2026, 1, 31)),
                p(d(2026, 2, 1), d(2026, 2, 28)),
                p(d(2026, 3, 1), d(2026, 3, 31)),
                p(d(2026, 4, 1), d(2026, 4, 10)),
            ]
        );
        // A leap year's February.
        let (leap, _) = periods(Rhythm::Monthly, d(2024, 2, 10), d(2024, 3, 5), &cal);
        assert_eq!(leap[0], p(d(2024, 2, 10), d(2024, 2, 29)));
        // A round on the month's last day fills it; February had none.
        let ahead = RoundDates { scheduled_on: d(2026, 3, 2), committed_on: d(2026, 2, 27) };
        let s = schedule(Rhythm::Monthly, plan, &cal, &[on(d(2026, 1, 31)), ahead], d(2026, 3, 1));
        assert_eq!(s.missed, [p(d(2026, 2, 1), d(2026, 2, 28))]);
        assert_eq!(s.current_period, Some(p(d(2026, 3, 1), d(2026, 3, 31))));
        assert!(s.current_done, "committed in February for the 2nd");
        assert_eq!(s.next_due_on, Some(d(2026, 4, 10)), "the plan ends on the 10th");
    }

    #[test]
    fn a_round_entered_late_or_twice_fills_nothing_more() {
        let cal = shipped();
        let plan = (d(2026, 3, 2), d(2026, 3, 22));
        // Week 1's round was typed up on the 10th with the 4th as its date: week 1 stays
        // missed. Two rounds in week 2 fill it once. A round dated after the plan fills nothing.
        let rounds = [
            RoundDates { scheduled_on: d(2026, 3, 4), committed_on: d(2026, 3, 10) },
            on(d(2026, 3, 10)),
            on(d(2026, 3, 12)),
            on(d(2026, 4, 1)),
        ];
        let s = schedule(Rhythm::Weekly, plan, &cal, &rounds, d(2026, 3, 16));
        assert_eq!(s.missed, [p(d(2026, 3, 2), d(2026, 3, 8))]);
        assert_eq!((s.rounds_done, s.other_rounds), (1, 3));
        // Committed ahead: on Friday for next week.
        let ahead = [RoundDates { scheduled_on: d(2026, 3, 17), committed_on: d(2026, 3, 13) }];
        let s = schedule(Rhythm::Weekly, plan, &cal, &ahead, d(2026, 3, 16));
        assert!(s.current_done);
        assert_eq!(s.next_due, None, "every remaining week has its round");
    }

    #[test]
    fn before_and_after_the_plan() {
        let cal = shipped();
        let plan = (d(2026, 3, 2), d(2026, 3, 15));
        let before = schedule(Rhythm::Weekly, plan, &cal, &[], d(2026, 2, 25));
        assert_eq!((before.current_period, before.missed_count), (None, 0));
        assert_eq!(before.next_due_on, Some(d(2026, 3, 8)));
        let after = schedule(Rhythm::Weekly, plan, &cal, &[on(d(2026, 3, 9))], d(2026, 4, 1));
        assert_eq!((after.current_period, after.next_due), (None, None));
        assert_eq!(after.missed, [p(d(2026, 3, 2), d(2026, 3, 8))]);
        // The last day of a period is still in time.
        let last = schedule(Rhythm::Weekly, plan, &cal, &[], d(2026, 3, 8));
        assert_eq!((last.missed_count, last.next_due_on), (0, Some(d(2026, 3, 8))));
    }

    #[test]
    fn unloaded_years_are_reckoned_by_weekends_and_say_so() {
        let cal = shipped();
        let (days, approximate) = periods(Rhythm::Daily, d(2030, 10, 1), d(2030, 10, 7), &cal);
        assert!(approximate, "2030's notice is not loaded");
        // Tuesday Oct 1 to Monday Oct 7: five weekdays, as no holiday is known.
        assert_eq!(days.len(), 5);
    }

    #[test]
    fn only_the_first_three_years_are_reckoned() {
        let cal = WorkCalendar::weekends_only();
        let (months, _) = periods(Rhythm::Monthly, d(2026, 1, 1), d(2099, 12, 31), &cal);
        assert_eq!(months.len(), 36, "1096 days from 1 January 2026 end on 31 December 2028");
        assert_eq!(months.last().map(|m| m.to), Some(d(2028, 12, 31)));
    }
}
