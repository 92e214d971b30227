//! The service figures, one definition each, counted from the cases' facts (the store loads
//! them; a test recounts them from rows): received, accepted, done, refused; done within the
//! promise (承诺期内按时办结率 — seed 000's 99%) and within the law; open past the promise now;
//! done in one visit (一次办结率); one-time notices given and repeated; working days per case.

use super::case::ServiceCaseState;
use super::limits::{Suspension, elapsed, promised_due};
use crate::calendar::WorkCalendar;
use crate::figures::rate;
use chrono::NaiveDate;
use serde::Serialize;

/// A service case as the figures read it: what the store keeps of it at every step (the working
/// days it took once it ended, the day its promise falls due while it is open), so that the
/// figures count rows without a calendar — in SQL as here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCaseFact {
    pub state: ServiceCaseState,
    pub accepted: bool,
    /// Working days from acceptance to the end, suspensions left out (done or refused).
    pub worked_days: Option<u32>,
    /// The day the promise falls due ([`promised_due`]): none before acceptance and while a
    /// suspension that began before it stands.
    pub promised_due: Option<NaiveDate>,
    /// The limits of the item version it is handled under.
    pub promised_days: u32,
    pub legal_days: u32,
    pub visits: u32,
    pub notices: u32,
}

impl ServiceCaseFact {
    /// The fact of a case from its dates, as the store computes it at each step.
    #[allow(clippy::too_many_arguments)]
    pub fn from_dates(
        cal: &WorkCalendar,
        state: ServiceCaseState,
        accepted_on: Option<NaiveDate>,
        done_on: Option<NaiveDate>,
        suspensions: &[Suspension],
        (promised_days, legal_days): (u32, u32),
        visits: u32,
        notices: u32,
    ) -> ServiceCaseFact {
        let worked_days = accepted_on.zip(done_on).map(|(a, d)| elapsed(cal, a, d, suspensions).value);
        let promised_due = accepted_on.and_then(|a| promised_due(cal, a, promised_days, suspensions));
        ServiceCaseFact {
            state,
            accepted: accepted_on.is_some(),
            worked_days,
            promised_due,
            promised_days,
            legal_days,
            visits,
            notices,
        }
    }
}

/// Counts for one group (a unit, a window, a member of staff, an item, a month).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceTally {
    pub received: u64,
    /// Ever accepted (受理).
    pub accepted: u64,
    pub done: u64,
    pub refused: u64,
    /// Done within the promised limit.
    pub done_within_promise: u64,
    /// Done within the legal limit.
    pub done_within_legal: u64,
    /// Open (accepted, not done) and past the promised limit today.
    pub overdue: u64,
    /// Done cases and open ones past the promise: what the on-time rate is out of, so a case
    /// kept open past its promise counts against it before it is done.
    pub settled: u64,
    /// Done in one visit.
    pub one_visit: u64,
    /// Cases given a one-time notice (一次性告知), and those given more than one.
    pub notified: u64,
    pub notified_again: u64,
    /// Working days the clock ran, summed over the done cases.
    pub working_days: u64,
}

/// The service KPIs, each `part ÷ whole` as [`rate`] rounds it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceRates {
    /// 承诺期内按时办结率 = done_within_promise ÷ settled.
    pub on_time_rate: f64,
    /// 法定时限内办结率 = done_within_legal ÷ settled.
    pub within_legal_rate: f64,
    /// 一次办结率 = one_visit ÷ done.
    pub one_visit_rate: f64,
    /// Working days per done case, to two decimals.
    pub average_days: f64,
}

impl ServiceTally {
    pub fn rates(&self) -> ServiceRates {
        let average = if self.done == 0 { 0.0 } else { self.working_days as f64 / self.done as f64 };
        ServiceRates {
            on_time_rate: rate(self.done_within_promise, self.settled),
            within_legal_rate: rate(self.done_within_legal, self.settled),
            one_visit_rate: rate(self.one_visit, self.done),
            average_days: (average * 100.0).round() / 100.0,
        }
    }

    /// Adds another group's counts: the whole is the sum of any split.
    pub fn add(&mut self, o: &ServiceTally) {
        self.received += o.received;
        self.accepted += o.accepted;
        self.done += o.done;
        self.refused += o.refused;
        self.done_within_promise += o.done_within_promise;
        self.done_within_legal += o.done_within_legal;
        self.overdue += o.overdue;
        self.settled += o.settled;
        self.one_visit += o.one_visit;
        self.notified += o.notified;
        self.notified_again += o.notified_again;
        self.working_days += o.working_days;
    }

    /// What `f` counts whatever the day: all but `overdue` (and the `settled` it adds), which
    /// depend on today. The store keeps these per group, adding the difference a step makes,
    /// and counts the open cases past their promise when the figures are read.
    pub fn standing(f: &ServiceCaseFact) -> ServiceTally {
        let mut t = ServiceTally::default();
        t.count(f, NaiveDate::MIN);
        t
    }

    /// Counts `f` as of `today`.
    pub fn count(&mut self, f: &ServiceCaseFact, today: NaiveDate) {
        self.received += 1;
        let notices = u64::from(f.notices);
        self.notified += u64::from(notices >= 1);
        self.notified_again += u64::from(notices >= 2);
        match f.state {
            ServiceCaseState::Refused => self.refused += 1,
            ServiceCaseState::Done => {
                self.done += 1;
                self.settled += 1;
                self.one_visit += u64::from(f.visits <= 1);
                if let Some(days) = f.worked_days {
                    self.working_days += u64::from(days);
                    self.done_within_promise += u64::from(days <= f.promised_days);
                    self.done_within_legal += u64::from(days <= f.legal_days);
                }
            }
            // Not done by the day the promise fell due.
            ServiceCaseState::InProcess | ServiceCaseState::Suspended => {
                if f.promised_due.is_some_and(|due| due < today) {
                    self.overdue += 1;
                    self.settled += 1;
                }
            }
            ServiceCaseState::Received | ServiceCaseState::Notified => {}
        }
        self.accepted += u64::from(f.accepted);
    }
}

/// The tally of `facts` as of `today`.
pub fn tally<'a>(facts: impl IntoIterator<Item = &'a ServiceCaseFact>, today: NaiveDate) -> ServiceTally {
    let mut t = ServiceTally::default();
    for f in facts {
        t.count(f, today);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standing_part_and_the_open_cases_past_their_promise_make_the_whole() {
        let today = d("2026-03-10");
        let open = |due: &str| ServiceCaseFact {
            state: ServiceCaseState::InProcess,
            accepted: true,
            worked_days: None,
            promised_due: Some(d(due)),
            promised_days: 3,
            legal_days: 10,
            visits: 1,
            notices: 1,
        };
        let done = ServiceCaseFact { state: ServiceCaseState::Done, worked_days: Some(2), ..open("2026-03-01") };
        let facts = [open("2026-03-09"), open("2026-03-11"), done];
        let mut kept = ServiceTally::default();
        for f in &facts {
            kept.add(&ServiceTally::standing(f));
        }
        assert_eq!((kept.overdue, kept.settled), (0, 1), "only the done case settles for good");
        let late = facts.iter().filter(|f| f.state == ServiceCaseState::InProcess && f.promised_due < Some(today));
        kept.overdue = late.count() as u64;
        kept.settled += kept.overdue;
        assert_eq!(kept, tally(&facts, today));
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A case's fact from its dates, with the promise of 3 working days and the law's 10.
    fn fact(
        state: ServiceCaseState,
        accepted: Option<&str>,
        done: Option<&str>,
        suspensions: &[Suspension],
        visits: u32,
        notices: u32,
    ) -> ServiceCaseFact {
        let cal = WorkCalendar::weekends_only();
        let (a, e) = (accepted.map(d), done.map(d));
        ServiceCaseFact::from_dates(&cal, state, a, e, suspensions, (3, 10), visits, notices)
    }

    fn done(accepted: &str, done: &str, visits: u32) -> ServiceCaseFact {
        fact(ServiceCaseState::Done, Some(accepted), Some(done), &[], visits, 0)
    }

    #[test]
    fn a_window_halls_month_in_figures() {
        let today = d("2026-11-30");
        let open = |accepted: &str, state| fact(state, Some(accepted), None, &[], 1, 0);
        let facts = vec![
            // Monday to Thursday: 3 working days, within the promise, one visit.
            done("2026-11-02", "2026-11-05", 1),
            // 4 working days: past the promise, within the law; a second visit.
            done("2026-11-02", "2026-11-06", 2),
            // Paused for 补正 on Tuesday: 2 working days counted, within the promise.
            fact(
                ServiceCaseState::Done,
                Some("2026-11-02"),
                Some("2026-11-05"),
                &[Suspension { from: d("2026-11-03"), to: Some(d("2026-11-04")) }],
                1,
                1,
            ),
            // Open and past its promise today; another still within it; one paused since before
            // its promise fell due.
            open("2026-11-02", ServiceCaseState::InProcess),
            open("2026-11-27", ServiceCaseState::InProcess),
            fact(
                ServiceCaseState::Suspended,
                Some("2026-11-02"),
                None,
                &[Suspension { from: d("2026-11-03"), to: None }],
                1,
                0,
            ),
            // Told twice what to bring, never accepted; and one refused.
            fact(ServiceCaseState::Notified, None, None, &[], 1, 2),
            fact(ServiceCaseState::Refused, None, None, &[], 1, 0),
        ];
        let t = tally(&facts, today);
        assert_eq!((t.received, t.accepted, t.done, t.refused, t.overdue, t.settled), (8, 6, 3, 1, 1, 4));
        assert_eq!((t.done_within_promise, t.done_within_legal, t.one_visit), (2, 3, 2));
        assert_eq!((t.notified, t.notified_again, t.working_days), (2, 1, 9));
        let r = t.rates();
        assert_eq!((r.on_time_rate, r.within_legal_rate, r.one_visit_rate, r.average_days), (0.5, 0.75, 0.6667, 3.0));
        // Counts add group by group: the whole is the sum of any split.
        let (a, b) = facts.split_at(3);
        let (ta, tb) = (tally(a, today), tally(b, today));
        assert_eq!(ta.received + tb.received, t.received);
        assert_eq!(ta.settled + tb.settled, t.settled);
    }
}
