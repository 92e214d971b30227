//! Figures (统计): counts and rates computed from the ledger. The store counts rows; this module
//! owns what the numbers mean and how they combine, so every screen and bulletin agrees.

use crate::ids::UnitId;
use crate::unit::UnitTree;
use serde::Serialize;
use std::collections::HashMap;

/// Problem counts for one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub total: u64,
    pub closed: u64,
    pub red: u64,
    pub yellow: u64,
    pub green: u64,
}

impl Tally {
    /// Rectification rate (整改率) = closed ÷ total.
    pub fn rate(&self) -> f64 {
        rate(self.closed, self.total)
    }

    pub fn add(&mut self, other: &Tally) {
        self.total += other.total;
        self.closed += other.closed;
        self.red += other.red;
        self.yellow += other.yellow;
        self.green += other.green;
    }
}

/// `part ÷ whole` rounded half-up to 4 decimals (4553 of 7393 is 0.6159); 0 when `whole` is 0.
/// Integer arithmetic, so the same counts always print the same rate.
pub fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let basis_points = (u128::from(part) * 20_000 + u128::from(whole)) / (2 * u128::from(whole));
    basis_points as f64 / 10_000.0
}

/// Counts that add up group by group.
pub trait Counts: Default {
    fn add(&mut self, other: &Self);
}

impl Counts for Tally {
    fn add(&mut self, other: &Self) {
        Tally::add(self, other)
    }
}

impl Counts for LedgerTally {
    fn add(&mut self, other: &Self) {
        LedgerTally::add(self, other)
    }
}

/// Per-unit counts including every unit below (the "with sub-units" view).
pub fn roll_up<T: Counts>(tree: &UnitTree, direct: &HashMap<UnitId, T>) -> HashMap<UnitId, T> {
    let mut out: HashMap<UnitId, T> = HashMap::new();
    for (unit, tally) in direct {
        for up in tree.line_up(*unit) {
            out.entry(up).or_default().add(tally);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_004_rate() {
        assert_eq!(rate(4553, 7393), 0.6159);
        assert_eq!(rate(80, 98), 0.8163);
        assert_eq!(rate(0, 0), 0.0);
        assert_eq!(rate(1, 3), 0.3333);
        assert_eq!(rate(2, 3), 0.6667);
        assert_eq!(rate(5, 5), 1.0);
    }

    #[test]
    fn roll_up_adds_sub_units() {
        let tree = UnitTree::new([(UnitId(1), None), (UnitId(2), Some(UnitId(1))), (UnitId(3), Some(UnitId(1)))]);
        let t = |total, closed| Tally { total, closed, ..Default::default() };
        let direct = HashMap::from([(UnitId(2), t(4, 1)), (UnitId(3), t(6, 5)), (UnitId(1), t(1, 0))]);
        let all = roll_up(&tree, &direct);
        assert_eq!(all[&UnitId(1)], t(11, 6));
        assert_eq!(all[&UnitId(2)], t(4, 1));
    }
}

/// Case counts for one group, from which the case KPIs are computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseTally {
    /// Cases registered.
    pub received: u64,
    /// Cases ever accepted (受理).
    pub accepted: u64,
    /// Cases declined (不予受理).
    pub declined: u64,
    /// Cases ever assigned to a unit (派单).
    pub assigned: u64,
    /// Assigned cases whose signing is settled: signed, or unsigned past the signing deadline.
    pub sign_counted: u64,
    /// Of those, signed by the deadline.
    pub signed_on_time: u64,
    /// Cases whose reply is settled: replied, or with a unit and past the due date.
    pub reply_counted: u64,
    /// Of those, replied by the due date.
    pub replied_on_time: u64,
    /// Cases ever replied (答复).
    pub replied: u64,
    /// Cases sent back by a unit at least once (退单).
    pub sent_back: u64,
    /// Cases reopened at least once (发回重办).
    pub reopened: u64,
    /// Replied cases with a return visit or a rating (unreachable attempts included).
    pub visited: u64,
    /// Visited cases where the citizen gave a satisfaction level.
    pub answered: u64,
    /// Of those, very satisfied, satisfied or basically satisfied.
    pub satisfied: u64,
    /// Replied cases whose reply was scored (`reply_quality`).
    pub reply_scored: u64,
    /// Of those, graded good (较好).
    pub reply_good: u64,
    /// Of those, graded weak (较差).
    pub reply_weak: u64,
}

/// The case KPIs, each `part ÷ whole` rounded half-up to 4 decimals (0 when nothing to count).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRates {
    /// 按时签收率 = signed_on_time ÷ sign_counted.
    pub signed_on_time_rate: f64,
    /// 按时办结率 = replied_on_time ÷ reply_counted (overdue unreplied cases count against it).
    pub replied_on_time_rate: f64,
    /// 退单率 = sent_back ÷ assigned.
    pub sent_back_rate: f64,
    /// 发回重办率 = reopened ÷ replied.
    pub reopened_rate: f64,
    /// 回访率 = visited ÷ replied.
    pub visited_rate: f64,
    /// 满意率 = satisfied ÷ answered.
    pub satisfied_rate: f64,
    /// 答复优良率 = reply_good ÷ reply_scored.
    pub reply_good_rate: f64,
}

impl CaseTally {
    pub fn rates(&self) -> CaseRates {
        CaseRates {
            signed_on_time_rate: rate(self.signed_on_time, self.sign_counted),
            replied_on_time_rate: rate(self.replied_on_time, self.reply_counted),
            sent_back_rate: rate(self.sent_back, self.assigned),
            reopened_rate: rate(self.reopened, self.replied),
            visited_rate: rate(self.visited, self.replied),
            satisfied_rate: rate(self.satisfied, self.answered),
            reply_good_rate: rate(self.reply_good, self.reply_scored),
        }
    }

    pub fn add(&mut self, o: &CaseTally) {
        self.received += o.received;
        self.accepted += o.accepted;
        self.declined += o.declined;
        self.assigned += o.assigned;
        self.sign_counted += o.sign_counted;
        self.signed_on_time += o.signed_on_time;
        self.reply_counted += o.reply_counted;
        self.replied_on_time += o.replied_on_time;
        self.replied += o.replied;
        self.sent_back += o.sent_back;
        self.reopened += o.reopened;
        self.visited += o.visited;
        self.answered += o.answered;
        self.satisfied += o.satisfied;
        self.reply_scored += o.reply_scored;
        self.reply_good += o.reply_good;
        self.reply_weak += o.reply_weak;
    }
}

/// Problems found and closed in one week (Monday to Sunday, China dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekPoint {
    pub week_start: chrono::NaiveDate,
    pub found: u64,
    pub closed: u64,
}

/// The Monday of `day`'s week.
pub fn week_start(day: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// The Mondays of the `weeks` weeks ending with the week of `today`, oldest first: the buckets of
/// the found/closed series (a week runs Monday to Sunday by China dates).
pub fn week_starts(today: chrono::NaiveDate, weeks: u32) -> Vec<chrono::NaiveDate> {
    let last = week_start(today);
    (0..weeks).rev().map(|back| last - chrono::Days::new(7 * u64::from(back))).collect()
}

#[cfg(test)]
mod weekly_tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_run_monday_to_sunday_and_end_with_this_week() {
        // 2026-11-25 is a Wednesday; its week starts on Monday the 23rd.
        assert_eq!(week_starts(d("2026-11-25"), 3), [d("2026-11-09"), d("2026-11-16"), d("2026-11-23")]);
        assert_eq!(week_starts(d("2026-11-23"), 1), [d("2026-11-23")]);
        assert_eq!(week_start(d("2026-11-22")), d("2026-11-16"), "Sunday ends the week");
    }
}

mod ledger;
pub(crate) use ledger::basis_points;
pub use ledger::{
    CloseBasis, GroupTally, LedgerRates, LedgerTally, ProblemFact, Rankable, Ranked, Ranking, on_time, places, rank,
    tally, tally_by,
};
