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

/// Per-unit counts including every unit below (the "with sub-units" view).
pub fn roll_up(tree: &UnitTree, direct: &HashMap<UnitId, Tally>) -> HashMap<UnitId, Tally> {
    let mut out: HashMap<UnitId, Tally> = HashMap::new();
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
