//! The service figures, one definition each, counted from the cases' facts (the store loads
//! them; a test recounts them from rows): received, accepted, done, refused; done within the
//! promise (承诺期内按时办结率 — seed 000's 99%) and within the law; open past the promise now;
//! done in one visit (一次办结率); one-time notices given and repeated; working days per case.

use super::case::ServiceCaseState;
use super::limits::{Suspension, elapsed};
use crate::calendar::WorkCalendar;
use crate::figures::rate;
use chrono::NaiveDate;
use serde::Serialize;

/// A service case as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCaseFact {
    pub state: ServiceCaseState,
    pub accepted_on: Option<NaiveDate>,
    /// Done or refused on.
    pub done_on: Option<NaiveDate>,
    pub suspensions: Vec<Suspension>,
    /// The limits of the item version it is handled under.
    pub promised_days: u32,
    pub legal_days: u32,
    pub visits: u32,
    pub notices: u32,
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

    /// Counts `f` as of `today`.
    pub fn count(&mut self, f: &ServiceCaseFact, cal: &WorkCalendar, today: NaiveDate) {
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
                if let (Some(accepted), Some(done)) = (f.accepted_on, f.done_on) {
                    let days = elapsed(cal, accepted, done, &f.suspensions).value;
                    self.working_days += u64::from(days);
                    self.done_within_promise += u64::from(days <= f.promised_days);
                    self.done_within_legal += u64::from(days <= f.legal_days);
                }
            }
            ServiceCaseState::InProcess | ServiceCaseState::Suspended => {
                if let Some(accepted) = f.accepted_on
                    && elapsed(cal, accepted, today, &f.suspensions).value > f.promised_days
                {
                    self.overdue += 1;
                    self.settled += 1;
                }
            }
            ServiceCaseState::Received | ServiceCaseState::Notified => {}
        }
        self.accepted += u64::from(f.accepted_on.is_some());
    }
}

/// The tally of `facts` as of `today`.
pub fn tally<'a>(
    facts: impl IntoIterator<Item = &'a ServiceCaseFact>,
    cal: &WorkCalendar,
    today: NaiveDate,
) -> ServiceTally {
    let mut t = ServiceTally::default();
    for f in facts {
        t.count(f, cal, today);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn done(accepted: &str, done: &str, visits: u32) -> ServiceCaseFact {
        ServiceCaseFact {
            state: ServiceCaseState::Done,
            accepted_on: Some(d(accepted)),
            done_on: Some(d(done)),
            suspensions: Vec::new(),
            promised_days: 3,
            legal_days: 10,
            visits,
            notices: 0,
        }
    }

    #[test]
    fn a_window_halls_month_in_figures() {
        let cal = WorkCalendar::weekends_only();
        let today = d("2026-11-30");
        let open = |accepted: &str, state| ServiceCaseFact {
            state,
            accepted_on: Some(d(accepted)),
            done_on: None,
            ..done("2026-11-02", "2026-11-02", 1)
        };
        let facts = vec![
            // Monday to Thursday: 3 working days, within the promise, one visit.
            done("2026-11-02", "2026-11-05", 1),
            // 4 working days: past the promise, within the law; a second visit.
            done("2026-11-02", "2026-11-06", 2),
            // Paused for 补正 on Tuesday: 2 working days counted, within the promise.
            ServiceCaseFact {
                suspensions: vec![Suspension { from: d("2026-11-03"), to: Some(d("2026-11-04")) }],
                notices: 1,
                ..done("2026-11-02", "2026-11-05", 1)
            },
            // Open and past its promise today; another still within it; one paused since it began.
            open("2026-11-02", ServiceCaseState::InProcess),
            open("2026-11-27", ServiceCaseState::InProcess),
            ServiceCaseFact {
                suspensions: vec![Suspension { from: d("2026-11-03"), to: None }],
                ..open("2026-11-02", ServiceCaseState::Suspended)
            },
            // Told twice what to bring, never accepted; and one refused.
            ServiceCaseFact {
                state: ServiceCaseState::Notified,
                accepted_on: None,
                done_on: None,
                notices: 2,
                ..done("2026-11-02", "2026-11-02", 1)
            },
            ServiceCaseFact {
                state: ServiceCaseState::Refused,
                accepted_on: None,
                ..done("2026-11-02", "2026-11-02", 1)
            },
        ];
        let t = tally(&facts, &cal, today);
        assert_eq!((t.received, t.accepted, t.done, t.refused, t.overdue, t.settled), (8, 6, 3, 1, 1, 4));
        assert_eq!((t.done_within_promise, t.done_within_legal, t.one_visit), (2, 3, 2));
        assert_eq!((t.notified, t.notified_again, t.working_days), (2, 1, 9));
        let r = t.rates();
        assert_eq!((r.on_time_rate, r.within_legal_rate, r.one_visit_rate, r.average_days), (0.5, 0.75, 0.6667, 3.0));
        // Counts add group by group: the whole is the sum of any split.
        let (a, b) = facts.split_at(3);
        let (ta, tb) = (tally(a, &cal, today), tally(b, &cal, today));
        assert_eq!(ta.received + tb.received, t.received);
        assert_eq!(ta.settled + tb.settled, t.settled);
    }
}
