//! Ledger figures at a point in time, counted from one fact per problem. Bulletins and exports
//! count here; the dashboard's SQL counts the same definitions in the database
//! (`store::stats`), and a test holds the two to each other.
//!
//! Fair figures, as offices' users asked of other systems:
//! - *closed* (已销号) and *verified fixed* (经验收整改到位) are different counts: a problem closed off
//!   in a legacy ledger and imported, or closed with a citizen's satisfaction waived, is closed
//!   but not verified here;
//! - the on-time rate (按期整改率) counts open items already past their deadline against it, not
//!   only the late close-offs;
//! - a ranking of units leaves out units with fewer items than a minimum, and says so.

use super::{Tally, rate};
use crate::ids::UnitId;
use crate::light::{Light, LightThresholds};
use crate::problem::ProblemState;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::wire_enum! {
    /// How a closed problem was closed off.
    pub enum CloseBasis: "close_basis" {
        /// Verified by the office with evidence, every citizen behind it satisfied.
        Verified = "verified",
        /// Verified with evidence, but some citizen's satisfaction was waived with a reason.
        Waived = "waived",
        /// Verified with evidence over a citizen's unsatisfied answer, after a recorded review
        /// (复核) by someone outside the owner unit.
        Reviewed = "reviewed",
        /// Closed in a ledger kept elsewhere and imported: no evidence was checked here.
        Imported = "imported",
    }
}

/// What the figures need to know of one problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemFact {
    pub unit_id: UnitId,
    pub category: Option<String>,
    pub state: ProblemState,
    /// 整改时限.
    pub deadline: Option<NaiveDate>,
    /// The date the light is judged by (see `Problem::due_on`).
    pub due_on: Option<NaiveDate>,
    /// The China date the unit finished: its last report of the work done, or the close-off
    /// of an imported item.
    pub done_on: Option<NaiveDate>,
    pub close_basis: Option<CloseBasis>,
    /// Closed off once and reopened since (反弹).
    pub reopened: bool,
}

/// Counts of problems in one group. Every count is of problems; the rates are derived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerTally {
    pub total: u64,
    /// 待整改.
    pub open: u64,
    /// 整改中.
    pub in_progress: u64,
    /// 已整改，待验收: reported done by the unit, not yet verified.
    pub reported: u64,
    /// 已销号.
    pub closed: u64,
    /// Closed and verified here (basis `verified`): 经验收整改到位.
    pub verified: u64,
    /// Closed over a citizen's unsatisfied answer after a review (basis `reviewed`): 复核后销号,
    /// not counted as verified fixed.
    pub reviewed: u64,
    pub red: u64,
    pub yellow: u64,
    pub green: u64,
    /// Items whose timeliness is settled: closed (with a known finishing day, or no deadline), or
    /// still open past the due date (red).
    pub settled: u64,
    /// Closed items finished by their deadline (or without one).
    pub on_time: u64,
    /// Items reopened after a close-off (反弹), whatever their state now.
    pub rebounded: u64,
}

impl LedgerTally {
    /// Counts one problem, its light judged by `t`.
    pub fn count(&mut self, f: &ProblemFact, t: &LightThresholds) {
        self.total += 1;
        match f.state {
            ProblemState::Open => self.open += 1,
            ProblemState::InProgress => self.in_progress += 1,
            ProblemState::Reported => self.reported += 1,
            ProblemState::Closed => self.closed += 1,
        }
        if f.state == ProblemState::Closed {
            match f.close_basis {
                Some(CloseBasis::Verified) => self.verified += 1,
                Some(CloseBasis::Reviewed) => self.reviewed += 1,
                _ => {}
            }
            // A close-off whose finishing day is unknown (an imported ledger) is neither on
            // time nor late: it stays out of the on-time rate.
            if f.deadline.is_none() || f.done_on.is_some() {
                self.settled += 1;
                if on_time(f.deadline, f.done_on) {
                    self.on_time += 1;
                }
            }
        }
        match t.of_problem(f.state, f.due_on) {
            Light::Red => {
                self.red += 1;
                self.settled += 1;
            }
            Light::Yellow => self.yellow += 1,
            Light::Green => self.green += 1,
        }
        if f.reopened {
            self.rebounded += 1;
        }
    }

    pub fn add(&mut self, o: &LedgerTally) {
        self.total += o.total;
        self.open += o.open;
        self.in_progress += o.in_progress;
        self.reported += o.reported;
        self.closed += o.closed;
        self.verified += o.verified;
        self.reviewed += o.reviewed;
        self.red += o.red;
        self.yellow += o.yellow;
        self.green += o.green;
        self.settled += o.settled;
        self.on_time += o.on_time;
        self.rebounded += o.rebounded;
    }

    /// 整改率 = closed ÷ total.
    pub fn rate(&self) -> f64 {
        rate(self.closed, self.total)
    }

    /// 整改到位率 = verified ÷ total.
    pub fn verified_rate(&self) -> f64 {
        rate(self.verified, self.total)
    }

    /// 按期整改率 = closed on time ÷ (closed + open past the due date).
    pub fn on_time_rate(&self) -> f64 {
        rate(self.on_time, self.settled)
    }

    /// The counts the dashboard's first figures show.
    pub fn tally(&self) -> Tally {
        Tally { total: self.total, closed: self.closed, red: self.red, yellow: self.yellow, green: self.green }
    }

    /// Problems still owed work: open or in progress.
    pub fn unfinished(&self) -> u64 {
        self.open + self.in_progress
    }
}

/// The rates of a [`LedgerTally`], each rounded half-up to 4 decimals (0 when nothing to count).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerRates {
    /// 整改率 = closed ÷ total.
    pub rate: f64,
    /// 整改到位率 = verified ÷ total.
    pub verified_rate: f64,
    /// 按期整改率 = on_time ÷ settled.
    pub on_time_rate: f64,
}

impl LedgerTally {
    pub fn rates(&self) -> LedgerRates {
        LedgerRates { rate: self.rate(), verified_rate: self.verified_rate(), on_time_rate: self.on_time_rate() }
    }
}

/// Whether work finished on `done_on` met `deadline` (no deadline: on time). An item closed
/// without a known finishing date is judged late only when it had a deadline.
pub fn on_time(deadline: Option<NaiveDate>, done_on: Option<NaiveDate>) -> bool {
    match (deadline, done_on) {
        (None, _) => true,
        (Some(d), Some(done)) => done <= d,
        (Some(_), None) => false,
    }
}

/// Counts `facts`, in one group per key (`key` returns `None` to leave a fact out).
pub fn tally_by<K: Ord>(
    facts: &[ProblemFact],
    t: &LightThresholds,
    key: impl Fn(&ProblemFact) -> Option<K>,
) -> BTreeMap<K, LedgerTally> {
    let mut out: BTreeMap<K, LedgerTally> = BTreeMap::new();
    for f in facts {
        if let Some(k) = key(f) {
            out.entry(k).or_default().count(f, t);
        }
    }
    out
}

/// Counts all of `facts`.
pub fn tally(facts: &[ProblemFact], t: &LightThresholds) -> LedgerTally {
    let mut all = LedgerTally::default();
    for f in facts {
        all.count(f, t);
    }
    all
}

/// A named group's counts (a unit, a category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupTally {
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub tally: LedgerTally,
}

/// One place in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranked {
    /// 1-based; equal figures share a place (1, 2, 2, 4).
    pub rank: u32,
    #[serde(flatten)]
    pub group: GroupTally,
}

/// Units ranked by their rectification rate, then their on-time rate; units with fewer than
/// `min_items` problems are not ranked (a unit with one closed item is not 100% better than one
/// with forty) and are listed apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranking {
    pub min_items: u32,
    pub ranked: Vec<Ranked>,
    pub unranked: Vec<GroupTally>,
}

/// What a ranking reads of a group: its size (for the minimum sample and ties), its score
/// (higher first) and its name (the last tie-break).
pub trait Rankable {
    fn size(&self) -> u64;
    fn score(&self) -> (u64, u64);
    fn name(&self) -> &str;
}

impl Rankable for GroupTally {
    fn size(&self) -> u64 {
        self.tally.total
    }

    /// The rectification rate, then the on-time rate.
    fn score(&self) -> (u64, u64) {
        (basis_points(self.tally.closed, self.tally.total), basis_points(self.tally.on_time, self.tally.settled))
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// Places `groups` of at least `min` (at least 1) by score, equal scores sharing a place (1, 2, 2,
/// 4); ties keep a stable order, larger first, then by name. The groups under the minimum come
/// back apart, larger first.
pub fn places<T: Rankable>(groups: Vec<T>, min: u32) -> (Vec<(u32, T)>, Vec<T>) {
    let (mut eligible, mut unranked): (Vec<T>, Vec<T>) =
        groups.into_iter().partition(|g| g.size() >= u64::from(min.max(1)));
    eligible.sort_by(|a, b| {
        b.score().cmp(&a.score()).then_with(|| b.size().cmp(&a.size())).then_with(|| a.name().cmp(b.name()))
    });
    let mut ranked = Vec::with_capacity(eligible.len());
    let mut previous: Option<((u64, u64), u32)> = None;
    for (i, g) in eligible.into_iter().enumerate() {
        let s = g.score();
        let rank = match previous {
            Some((p, r)) if p == s => r,
            _ => i as u32 + 1,
        };
        previous = Some((s, rank));
        ranked.push((rank, g));
    }
    unranked.sort_by(|a, b| b.size().cmp(&a.size()).then_with(|| a.name().cmp(b.name())));
    (ranked, unranked)
}

/// Ranks `groups` (see [`Ranking`]).
pub fn rank(groups: Vec<GroupTally>, min_items: u32) -> Ranking {
    let (ranked, unranked) = places(groups, min_items);
    let ranked = ranked.into_iter().map(|(rank, group)| Ranked { rank, group }).collect();
    Ranking { min_items: min_items.max(1), ranked, unranked }
}

/// The rate as an integer (the same rounding as [`rate`]), so equal rates compare equal.
pub(crate) fn basis_points(part: u64, whole: u64) -> u64 {
    (rate(part, whole) * 10_000.0).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t() -> LightThresholds {
        LightThresholds { today: d("2026-12-03"), yellow_until: d("2026-12-08") }
    }

    fn fact(state: ProblemState, deadline: Option<&str>, done: Option<&str>, basis: Option<CloseBasis>) -> ProblemFact {
        ProblemFact {
            unit_id: UnitId(1),
            category: None,
            state,
            deadline: deadline.map(d),
            due_on: deadline.map(d),
            done_on: done.map(d),
            close_basis: basis,
            reopened: false,
        }
    }

    #[test]
    fn closed_and_verified_differ_and_overdue_items_count_against_on_time() {
        use ProblemState::*;
        let facts = [
            fact(Closed, Some("2026-11-30"), Some("2026-11-20"), Some(CloseBasis::Verified)),
            fact(Closed, Some("2026-11-30"), Some("2026-12-01"), Some(CloseBasis::Verified)),
            fact(Closed, Some("2026-11-30"), Some("2026-11-01"), Some(CloseBasis::Imported)),
            fact(Closed, None, Some("2026-11-01"), Some(CloseBasis::Waived)),
            fact(Closed, None, Some("2026-11-02"), Some(CloseBasis::Reviewed)),
            // Red: open past its deadline.
            fact(InProgress, Some("2026-12-01"), None, None),
            // Yellow and green: not yet due, not settled.
            fact(Open, Some("2026-12-04"), None, None),
            fact(Open, Some("2027-01-30"), None, None),
            // Reported done after its deadline: not lit, not settled until closed off.
            fact(Reported, Some("2026-11-01"), Some("2026-11-15"), None),
        ];
        let all = tally(&facts, &t());
        assert_eq!((all.total, all.closed, all.verified, all.reviewed), (9, 5, 2, 1));
        assert_eq!((all.open, all.in_progress, all.reported), (2, 1, 1));
        assert_eq!((all.red, all.yellow, all.green), (1, 1, 7));
        assert_eq!((all.settled, all.on_time), (6, 4));
        assert_eq!(all.rate(), 0.5556);
        assert_eq!(all.verified_rate(), 0.2222);
        assert_eq!(all.on_time_rate(), 0.6667);
        assert_eq!(all.tally(), Tally { total: 9, closed: 5, red: 1, yellow: 1, green: 7 });
    }

    #[test]
    fn grouping_adds_up_to_the_whole() {
        let mut facts = Vec::new();
        for i in 0..30 {
            let state = ProblemState::ALL[i % 4];
            let basis = (state == ProblemState::Closed).then_some(CloseBasis::ALL[i % CloseBasis::ALL.len()]);
            let mut f =
                fact(state, Some(if i % 2 == 0 { "2026-11-01" } else { "2027-01-01" }), Some("2026-11-10"), basis);
            f.unit_id = UnitId((i % 5) as i64);
            f.reopened = i % 7 == 0;
            facts.push(f);
        }
        let whole = tally(&facts, &t());
        let mut sum = LedgerTally::default();
        for g in tally_by(&facts, &t(), |f| Some(f.unit_id)).values() {
            sum.add(g);
        }
        assert_eq!(sum, whole);
        assert_eq!(whole.red + whole.yellow + whole.green, whole.total);
        assert_eq!(whole.open + whole.in_progress + whole.reported + whole.closed, whole.total);
    }

    fn group(name: &str, total: u64, closed: u64) -> GroupTally {
        GroupTally {
            key: name.into(),
            name: name.into(),
            tally: LedgerTally { total, closed, settled: closed, on_time: closed, ..Default::default() },
        }
    }

    #[test]
    fn rankings_need_a_minimum_of_items_and_share_places() {
        let r = rank(vec![group("甲", 1, 1), group("乙", 10, 9), group("丙", 20, 18), group("丁", 8, 4)], 5);
        let places: Vec<(u32, &str)> = r.ranked.iter().map(|p| (p.rank, p.group.name.as_str())).collect();
        // 乙 and 丙 both close 90%: they share first place, the larger unit listed first.
        assert_eq!(places, [(1, "丙"), (1, "乙"), (3, "丁")]);
        assert_eq!(r.unranked.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["甲"]);
        assert_eq!(r.min_items, 5);
    }

    #[test]
    fn on_time_is_judged_by_the_finishing_day() {
        assert!(on_time(Some(d("2026-11-30")), Some(d("2026-11-30"))));
        assert!(!on_time(Some(d("2026-11-30")), Some(d("2026-12-01"))));
        assert!(on_time(None, None));
        assert!(!on_time(Some(d("2026-11-30")), None));
    }
}
