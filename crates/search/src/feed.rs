//! Where an indexer stands in the change feed. Numbers are taken before commit, so a reader may
//! see 7 before 6 (PostgreSQL, two writers): the missing numbers are gaps, asked for again on
//! each round until their rows appear or they are old enough to be a rolled-back transaction's.
//! What the index records is the watermark — every number at or below it is applied — so after a
//! crash the replay starts below every gap (re-applying is harmless).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long a missing number is waited for (longer than any write job runs).
pub const GAP_WAIT: Duration = Duration::from_secs(60);
/// Gaps tracked at most; a jump beyond this (a sequence moved by hand) is passed over.
const MAX_GAPS: i64 = 10_000;

#[derive(Debug, Clone)]
pub struct FeedCursor {
    high: i64,
    gaps: BTreeMap<i64, Instant>,
}

impl FeedCursor {
    /// Starts after `applied`, the watermark the index holds.
    pub fn new(applied: i64) -> FeedCursor {
        FeedCursor { high: applied, gaps: BTreeMap::new() }
    }

    /// New rows are those after this number.
    pub fn high(&self) -> i64 {
        self.high
    }

    /// Numbers still missing below [`FeedCursor::high`].
    pub fn gaps(&self) -> Vec<i64> {
        self.gaps.keys().copied().collect()
    }

    /// Takes the numbers of the rows read (new ones and gaps filled) and answers the watermark.
    pub fn advance(&mut self, seqs: &[i64], now: Instant) -> i64 {
        let mut seqs = seqs.to_vec();
        seqs.sort_unstable();
        for seq in seqs {
            if seq > self.high {
                for missing in (self.high + 1).max(seq - MAX_GAPS)..seq {
                    self.gaps.insert(missing, now);
                }
                self.high = seq;
            } else {
                self.gaps.remove(&seq);
            }
        }
        self.gaps.retain(|_, since| now.duration_since(*since) < GAP_WAIT);
        self.watermark()
    }

    pub fn watermark(&self) -> i64 {
        self.gaps.keys().next().map_or(self.high, |g| g - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_seen_late_is_waited_for() {
        let t = Instant::now();
        let mut c = FeedCursor::new(5);
        assert_eq!(c.advance(&[6, 8], t), 6);
        assert_eq!(c.gaps(), [7]);
        assert_eq!(c.high(), 8);
        assert_eq!(c.advance(&[7], t), 8);
        assert!(c.gaps().is_empty());
    }

    #[test]
    fn a_gap_never_filled_is_given_up() {
        let t = Instant::now();
        let mut c = FeedCursor::new(0);
        assert_eq!(c.advance(&[3], t), 0);
        assert_eq!(c.advance(&[], t + GAP_WAIT), 3);
    }
}
