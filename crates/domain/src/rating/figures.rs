//! The rating figures, one definition each, counted from one fact per rating (the store loads
//! them; a test recounts them from rows): ratings made and cases rated (participation = cases
//! rated ÷ cases done), each level, 好评率 (非常满意 + 满意 ÷ rated), 差评率, 差评 called back on
//! time, rectified and overdue now, appeals and upheld appeals, the indicators' averages. A rating
//! excluded by an upheld appeal counts only as made, appealed and upheld: it is kept in the record
//! and left out of every figure it would judge the staff by. Groups (window, staff, unit, item,
//! month) are the store's: a tally is the sum of any split.

use super::level::{Indicator, RatingLevel};
use crate::figures::{Rankable, basis_points, places, rate};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// A bad rating's follow-up as the figures read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpFact {
    /// Called back by its due day; none until the call is made.
    pub called_on_time: Option<bool>,
    /// Rectified (or closed since).
    pub rectified: bool,
    /// The day it was to be rectified by.
    pub rectify_by: NaiveDate,
}

/// A rating as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingFact {
    pub level: RatingLevel,
    /// The case's first rating on any channel: participation counts cases, not ratings.
    pub first_of_case: bool,
    pub appealed: bool,
    /// Excluded by an upheld appeal.
    pub excluded: bool,
    /// A 差评's follow-up.
    pub follow_up: Option<FollowUpFact>,
    pub indicators: BTreeMap<Indicator, u8>,
}

/// An indicator's scores summed, for its average.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSum {
    pub sum: u64,
    pub count: u64,
}

/// Counts for one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingTally {
    /// Ratings made, excluded ones too.
    pub ratings: u64,
    /// Cases rated (their first rating).
    pub cases_rated: u64,
    /// Ratings counted: made and not excluded.
    pub rated: u64,
    pub very_satisfied: u64,
    pub satisfied: u64,
    pub basic: u64,
    pub dissatisfied: u64,
    pub very_dissatisfied: u64,
    /// 差评 called back by their due day.
    pub called_on_time: u64,
    /// 差评 rectified.
    pub rectified: u64,
    /// 差评 unfixed past their due day today.
    pub overdue: u64,
    pub appealed: u64,
    /// Appeals upheld: the ratings excluded.
    pub upheld: u64,
    pub indicators: BTreeMap<Indicator, ScoreSum>,
}

/// The rating rates, each `part ÷ whole` as [`rate`] rounds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRates {
    /// 好评率 = (very_satisfied + satisfied) ÷ rated.
    pub good_rate: f64,
    /// 差评率 = (dissatisfied + very_dissatisfied) ÷ rated.
    pub bad_rate: f64,
    /// 差评按时回访率 = called_on_time ÷ 差评.
    pub called_on_time_rate: f64,
    /// 差评整改率 = rectified ÷ 差评.
    pub rectified_rate: f64,
    /// 申诉成立率 = upheld ÷ appealed.
    pub upheld_rate: f64,
    /// 参评率 = cases_rated ÷ cases done.
    pub participation_rate: f64,
    /// Each indicator's average score (1–5), to 4 decimals.
    pub indicators: BTreeMap<Indicator, f64>,
}

impl RatingTally {
    /// 好评.
    pub fn good(&self) -> u64 {
        self.very_satisfied + self.satisfied
    }

    /// 差评.
    pub fn bad(&self) -> u64 {
        self.dissatisfied + self.very_dissatisfied
    }

    /// Counts `f` as of `today`.
    pub fn count(&mut self, f: &RatingFact, today: NaiveDate) {
        self.ratings += 1;
        self.cases_rated += u64::from(f.first_of_case);
        self.appealed += u64::from(f.appealed);
        if f.excluded {
            self.upheld += 1;
            return;
        }
        self.rated += 1;
        *match f.level {
            RatingLevel::VerySatisfied => &mut self.very_satisfied,
            RatingLevel::Satisfied => &mut self.satisfied,
            RatingLevel::Basic => &mut self.basic,
            RatingLevel::Dissatisfied => &mut self.dissatisfied,
            RatingLevel::VeryDissatisfied => &mut self.very_dissatisfied,
        } += 1;
        if let Some(u) = f.follow_up.filter(|_| f.level.is_bad()) {
            self.called_on_time += u64::from(u.called_on_time == Some(true));
            self.rectified += u64::from(u.rectified);
            self.overdue += u64::from(!u.rectified && u.rectify_by < today);
        }
        for (&i, &score) in &f.indicators {
            let s = self.indicators.entry(i).or_default();
            s.sum += u64::from(score);
            s.count += 1;
        }
    }

    /// What `f` counts whatever the day: all but `overdue`. The store keeps these per group and
    /// counts the 差评 past their due day when the figures are read.
    pub fn standing(f: &RatingFact) -> RatingTally {
        let mut t = RatingTally::default();
        t.count(f, NaiveDate::MIN);
        t
    }

    /// Adds another group's counts: the whole is the sum of any split.
    pub fn add(&mut self, o: &RatingTally) {
        self.ratings += o.ratings;
        self.cases_rated += o.cases_rated;
        self.rated += o.rated;
        self.very_satisfied += o.very_satisfied;
        self.satisfied += o.satisfied;
        self.basic += o.basic;
        self.dissatisfied += o.dissatisfied;
        self.very_dissatisfied += o.very_dissatisfied;
        self.called_on_time += o.called_on_time;
        self.rectified += o.rectified;
        self.overdue += o.overdue;
        self.appealed += o.appealed;
        self.upheld += o.upheld;
        for (i, s) in &o.indicators {
            let mine = self.indicators.entry(*i).or_default();
            mine.sum += s.sum;
            mine.count += s.count;
        }
    }

    /// The rates; `done` is the cases done in the group (the service figures'), which
    /// participation is out of.
    pub fn rates(&self, done: u64) -> RatingRates {
        RatingRates {
            good_rate: rate(self.good(), self.rated),
            bad_rate: rate(self.bad(), self.rated),
            called_on_time_rate: rate(self.called_on_time, self.bad()),
            rectified_rate: rate(self.rectified, self.bad()),
            upheld_rate: rate(self.upheld, self.appealed),
            participation_rate: rate(self.cases_rated, done),
            indicators: self.indicators.iter().map(|(i, s)| (*i, rate(s.sum, s.count))).collect(),
        }
    }
}

impl crate::figures::Counts for RatingTally {
    fn add(&mut self, other: &Self) {
        RatingTally::add(self, other)
    }
}

/// The tally of `facts` as of `today`.
pub fn tally<'a>(facts: impl IntoIterator<Item = &'a RatingFact>, today: NaiveDate) -> RatingTally {
    let mut t = RatingTally::default();
    for f in facts {
        t.count(f, today);
    }
    t
}

/// A named group's counts (a window, a member of staff, a unit).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingGroup {
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub tally: RatingTally,
}

/// One place in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankedRatings {
    /// 1-based; equal figures share a place.
    pub rank: u32,
    #[serde(flatten)]
    pub group: RatingGroup,
}

/// Groups ranked by 好评率, then by the share of ratings that are not 差评; groups with fewer
/// than `min_ratings` counted ratings are listed apart, unranked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRanking {
    pub min_ratings: u32,
    pub ranked: Vec<RankedRatings>,
    pub unranked: Vec<RatingGroup>,
}

impl Rankable for RatingGroup {
    fn size(&self) -> u64 {
        self.tally.rated
    }

    /// 好评率, then the share of ratings that are not 差评.
    fn score(&self) -> (u64, u64) {
        let t = &self.tally;
        (basis_points(t.good(), t.rated), basis_points(t.rated - t.bad(), t.rated))
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// Ranks `groups` as the ledger ranks units ([`crate::figures::places`]: its minimum sample,
/// shared places and order of ties).
pub fn rank(groups: Vec<RatingGroup>, min_ratings: u32) -> RatingRanking {
    let (ranked, unranked) = places(groups, min_ratings);
    let ranked = ranked.into_iter().map(|(rank, group)| RankedRatings { rank, group }).collect();
    RatingRanking { min_ratings: min_ratings.max(1), ranked, unranked }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RatingLevel::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fact(level: RatingLevel) -> RatingFact {
        RatingFact {
            level,
            first_of_case: true,
            appealed: false,
            excluded: false,
            follow_up: None,
            indicators: BTreeMap::new(),
        }
    }

    /// A 差评 whose follow-up is due by 20 November.
    fn bad(level: RatingLevel, called_on_time: Option<bool>, rectified: bool) -> RatingFact {
        RatingFact {
            follow_up: Some(FollowUpFact { called_on_time, rectified, rectify_by: d("2026-11-20") }),
            ..fact(level)
        }
    }

    fn scored(level: RatingLevel, scores: &[(Indicator, u8)]) -> RatingFact {
        RatingFact { indicators: scores.iter().copied().collect(), ..fact(level) }
    }

    /// A window's month: six ratings counted and one excluded by an upheld appeal.
    fn month() -> Vec<RatingFact> {
        vec![
            scored(VerySatisfied, &[(Indicator::Overall, 5), (Indicator::ServiceAttitude, 5)]),
            scored(Satisfied, &[(Indicator::Overall, 4)]),
            RatingFact { first_of_case: false, ..scored(Satisfied, &[(Indicator::Overall, 4)]) },
            fact(Basic),
            // Called back on time and rectified; called late and still open past its due day.
            bad(Dissatisfied, Some(true), true),
            RatingFact { appealed: true, ..bad(VeryDissatisfied, Some(false), false) },
            // Appealed and upheld: kept, counted as made, left out of the rest.
            RatingFact { appealed: true, excluded: true, ..bad(VeryDissatisfied, None, false) },
        ]
    }

    #[test]
    fn a_windows_month_in_figures() {
        let t = tally(&month(), d("2026-11-30"));
        assert_eq!((t.ratings, t.cases_rated, t.rated), (7, 6, 6));
        assert_eq!((t.good(), t.basic, t.bad()), (3, 1, 2));
        assert_eq!((t.called_on_time, t.rectified, t.overdue), (1, 1, 1));
        assert_eq!((t.appealed, t.upheld), (2, 1));
        let r = t.rates(8);
        assert_eq!((r.good_rate, r.bad_rate), (0.5, 0.3333));
        assert_eq!((r.called_on_time_rate, r.rectified_rate, r.upheld_rate), (0.5, 0.5, 0.5));
        assert_eq!(r.participation_rate, 0.75);
        assert_eq!(r.indicators, BTreeMap::from([(Indicator::Overall, 4.3333), (Indicator::ServiceAttitude, 5.0)]));
        assert!(tally(&month(), d("2026-11-20")).overdue == 0, "due on the 20th: not yet overdue that day");
    }

    #[test]
    fn seed_000s_satisfaction_and_rates_round_as_rate_does() {
        // 99% satisfied (seed 000): 990 good ratings of 1,000.
        let mut facts: Vec<RatingFact> = (0..990).map(|_| fact(Satisfied)).collect();
        facts.extend((0..10).map(|_| fact(Basic)));
        assert_eq!(tally(&facts, d("2026-11-30")).rates(1000).good_rate, 0.99);
        // 2 of 3 is 0.6667 (half up), never 0.6666.
        let two_of_three = tally(&[fact(VerySatisfied), fact(Satisfied), fact(Basic)], d("2026-11-30"));
        assert_eq!(two_of_three.rates(3).good_rate, rate(2, 3));
        assert_eq!(RatingTally::default().rates(0).good_rate, 0.0);
    }

    #[test]
    fn an_upheld_appeal_leaves_the_figures_but_not_the_record() {
        let today = d("2026-11-30");
        let mut facts = month();
        let upheld = facts.pop().unwrap();
        let with = tally(facts.iter().chain([&upheld]), today);
        let without = tally(&facts, today);
        let rates = |t: &RatingTally| {
            let r = t.rates(8);
            (r.good_rate, r.bad_rate, r.called_on_time_rate, r.rectified_rate, r.indicators)
        };
        assert_eq!(rates(&with), rates(&without));
        assert_eq!(
            (with.ratings, with.upheld, with.appealed),
            (without.ratings + 1, without.upheld + 1, without.appealed + 1)
        );
        let judged = |t: &RatingTally| {
            (t.rated, t.good(), t.bad(), t.called_on_time, t.rectified, t.overdue, t.indicators.clone())
        };
        assert_eq!(judged(&with), judged(&without));
    }

    #[test]
    fn a_tally_is_the_sum_of_any_split_and_the_standing_part_leaves_only_the_overdue() {
        let today = d("2026-11-30");
        let facts = month();
        let whole = tally(&facts, today);
        for at in 0..=facts.len() {
            let (a, b) = facts.split_at(at);
            let mut sum = tally(a, today);
            sum.add(&tally(b, today));
            assert_eq!(sum, whole, "split at {at}");
        }
        let mut kept = RatingTally::default();
        for f in &facts {
            kept.add(&RatingTally::standing(f));
        }
        assert_eq!(kept.overdue, 0);
        kept.overdue = whole.overdue;
        assert_eq!(kept, whole);
    }

    fn group(name: &str, good: u64, basic: u64, bad: u64) -> RatingGroup {
        let tally = RatingTally {
            ratings: good + basic + bad,
            rated: good + basic + bad,
            satisfied: good,
            basic,
            dissatisfied: bad,
            ..RatingTally::default()
        };
        RatingGroup { key: name.into(), name: name.into(), tally }
    }

    #[test]
    fn rankings_need_the_minimum_sample_and_break_ties_on_fewer_bad_ratings() {
        let groups = vec![
            group("1号窗口", 18, 2, 0),
            group("2号窗口", 18, 0, 2),
            group("3号窗口", 27, 3, 0),
            group("4号窗口", 3, 0, 0),
            group("5号窗口", 10, 10, 0),
        ];
        let r = rank(groups, 20);
        let places: Vec<(u32, &str)> = r.ranked.iter().map(|p| (p.rank, p.group.name.as_str())).collect();
        // 1 and 3 both 90% good without a 差评: one place, the larger first; 2 is 90% with 差评.
        assert_eq!(places, [(1, "3号窗口"), (1, "1号窗口"), (3, "2号窗口"), (4, "5号窗口")]);
        assert_eq!(r.unranked.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["4号窗口"]);
        assert_eq!((r.min_ratings, r.ranked[0].group.tally.satisfied), (20, 27));
    }
}
