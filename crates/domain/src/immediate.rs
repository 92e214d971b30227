//! Immediate-rectification lists (立改清单, seed 000): in a campaign batch each participating unit
//! proposes N items that can be fixed at once; the list shows who has proposed, what is done, and
//! which units still owe items.

use crate::figures::rate;
use crate::ids::UnitId;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuotaLine {
    pub unit_id: UnitId,
    /// Whether the unit is a participant of the campaign (others may still propose items).
    pub participant: bool,
    pub proposed: u64,
    pub closed: u64,
    /// Items still owed to reach the quota.
    pub owed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImmediateList {
    pub items_per_unit: u32,
    pub total_proposed: u64,
    pub total_closed: u64,
    pub rate: f64,
    /// Participating units that have not yet proposed their quota.
    pub units_owing: Vec<UnitId>,
    pub units: Vec<QuotaLine>,
}

/// `counts` maps a unit to (items proposed in the batch, of which closed).
pub fn immediate_list(
    items_per_unit: u32,
    participants: &[UnitId],
    counts: &BTreeMap<UnitId, (u64, u64)>,
) -> ImmediateList {
    let quota = u64::from(items_per_unit);
    let mut units: Vec<QuotaLine> = participants
        .iter()
        .map(|u| {
            let (proposed, closed) = counts.get(u).copied().unwrap_or_default();
            QuotaLine { unit_id: *u, participant: true, proposed, closed, owed: quota.saturating_sub(proposed) }
        })
        .collect();
    units.extend(counts.iter().filter(|(u, _)| !participants.contains(u)).map(|(u, (proposed, closed))| QuotaLine {
        unit_id: *u,
        participant: false,
        proposed: *proposed,
        closed: *closed,
        owed: 0,
    }));
    let total_proposed = units.iter().map(|l| l.proposed).sum();
    let total_closed = units.iter().map(|l| l.closed).sum();
    ImmediateList {
        items_per_unit,
        total_proposed,
        total_closed,
        rate: rate(total_closed, total_proposed),
        units_owing: units.iter().filter(|l| l.owed > 0).map(|l| l.unit_id).collect(),
        units,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_000_first_batch() {
        // 49 units × 2 items = 98 proposed, 80 closed.
        let units: Vec<UnitId> = (1..=49).map(UnitId).collect();
        let counts: BTreeMap<_, _> =
            units.iter().enumerate().map(|(i, u)| (*u, (2, if i < 40 { 2 } else { 0 }))).collect();
        let list = immediate_list(2, &units, &counts);
        assert_eq!((list.total_proposed, list.total_closed, list.rate), (98, 80, 0.8163));
        assert!(list.units_owing.is_empty());
    }

    #[test]
    fn units_that_owe_items_are_listed() {
        let units = [UnitId(1), UnitId(2), UnitId(3)];
        let counts = BTreeMap::from([(UnitId(1), (2, 1)), (UnitId(2), (1, 0)), (UnitId(9), (1, 1))]);
        let list = immediate_list(2, &units, &counts);
        assert_eq!(list.units_owing, vec![UnitId(2), UnitId(3)]);
        assert_eq!(list.units.len(), 4);
        assert_eq!(list.total_proposed, 4);
    }
}
