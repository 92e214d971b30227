//! The verifiable random draw of 两个不固定 (双随机): which inspectors go, in which groups, to which
//! units, for one round.
//!
//! The draw is a deterministic function of a pool snapshot, the rules and a seed. Before the draw
//! the office publishes the seed's commitment (SHA-256 of the seed); after the round it reveals the
//! seed, and anyone holding the published snapshot can run [`draw`] again (or `rectify draw verify`)
//! and must get exactly the same groups. The snapshot is digested in a canonical form (sorted,
//! JSON), and the digest feeds the random numbers, so a pool changed after the fact gives another
//! draw.
//!
//! Constraints: no inspector goes to their own unit, a unit above it, or a unit below it (回避);
//! at least two inspectors per group; no inspector–unit pair from the last K rounds again; the
//! units visited least in the period are drawn first (coverage), at random among equals.

use super::rng::DrawRng;
use crate::error::{DomainError, Issue, Rule};
use crate::ids::{PersonId, UnitId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// Restarts before a draw is declared impossible: each uses further random numbers, so the result
/// is still a function of the inputs.
const ATTEMPTS: usize = 64;

/// An inspector of the pool and the units they belong to: their own unit first, then the units
/// above it (empty for an outside supervisor attached to no unit).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolInspector {
    pub id: PersonId,
    pub unit_line: Vec<UnitId>,
}

/// A unit that may be inspected: the unit and the units above it, and how often it was visited
/// in the plan's period so far.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PoolTarget {
    pub unit: UnitId,
    pub line: Vec<UnitId>,
    pub visits: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawRules {
    pub groups: u32,
    /// At least 2.
    pub inspectors_per_group: u32,
    pub targets_per_group: u32,
    /// An inspector does not visit a unit they visited in this many previous rounds.
    pub no_repeat_rounds: u32,
}

/// Everything a draw depends on besides the seed: what is published for verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawInput {
    pub inspectors: Vec<PoolInspector>,
    pub targets: Vec<PoolTarget>,
    pub rules: DrawRules,
    /// Inspector–unit pairs of the last `no_repeat_rounds` rounds.
    pub recent_pairs: Vec<(PersonId, UnitId)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DrawGroup {
    pub inspectors: Vec<PersonId>,
    pub targets: Vec<UnitId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draw {
    pub groups: Vec<DrawGroup>,
    /// SHA-256 (hex) of the canonical snapshot the draw was made from.
    pub snapshot_digest: String,
}

/// Whether `inspector` must not visit `target` (回避): the target is their unit, above it, or
/// below it.
pub fn conflicted(inspector: &PoolInspector, target: &PoolTarget) -> bool {
    let below_own = inspector.unit_line.first().is_some_and(|own| target.line.contains(own));
    below_own || inspector.unit_line.contains(&target.unit)
}

/// The commitment published before a draw: SHA-256 of the seed, hex.
pub fn commitment(seed: &[u8]) -> String {
    hex::encode(Sha256::digest(seed))
}

impl DrawInput {
    /// The same input in canonical order (what is digested and published).
    pub fn canonical(&self) -> DrawInput {
        let mut c = self.clone();
        c.inspectors.sort();
        c.inspectors.dedup_by_key(|i| i.id);
        c.targets.sort();
        c.targets.dedup_by_key(|t| t.unit);
        c.recent_pairs.sort();
        c.recent_pairs.dedup();
        c
    }

    pub fn digest(&self) -> [u8; 32] {
        // Serializing plain structs of ids and numbers cannot fail.
        let json = serde_json::to_vec(&self.canonical()).unwrap_or_default();
        Sha256::digest(json).into()
    }

    /// Refuses rules no draw can satisfy, naming what to change, before anything is drawn.
    pub fn check(&self) -> Result<(), DomainError> {
        let c = self.canonical();
        let r = c.rules;
        let (inspectors, targets) = (c.inspectors.len() as u32, c.targets.len() as u32);
        if r.groups == 0 {
            return Err(DomainError::field("groups", Issue::OutOfRange { min: 1, max: i64::from(inspectors / 2) }));
        }
        if r.inspectors_per_group < 2 || r.groups * r.inspectors_per_group > inspectors {
            let max = i64::from(inspectors / r.groups);
            return Err(DomainError::field("inspectors_per_group", Issue::OutOfRange { min: 2, max }));
        }
        if r.targets_per_group == 0 || r.groups * r.targets_per_group > targets {
            let max = i64::from(targets / r.groups);
            return Err(DomainError::field("targets_per_group", Issue::OutOfRange { min: 1, max }));
        }
        let recent: HashSet<(PersonId, UnitId)> = c.recent_pairs.iter().copied().collect();
        let reachable = c
            .targets
            .iter()
            .filter(|t| {
                let eligible = c.inspectors.iter().filter(|i| may_visit(i, t, &recent)).count();
                eligible >= r.inspectors_per_group as usize
            })
            .count();
        if (reachable as u32) < r.groups * r.targets_per_group {
            return Err(DomainError::rule(Rule::DrawImpossible, "inspectors"));
        }
        Ok(())
    }
}

fn may_visit(i: &PoolInspector, t: &PoolTarget, recent: &HashSet<(PersonId, UnitId)>) -> bool {
    !conflicted(i, t) && !recent.contains(&(i.id, t.unit))
}

/// Draws the round's groups from `input` with `seed`.
pub fn draw(input: &DrawInput, seed: &[u8]) -> Result<Draw, DomainError> {
    input.check()?;
    let c = input.canonical();
    let digest = c.digest();
    let mut rng = DrawRng::new(seed, &digest);
    let recent: HashSet<(PersonId, UnitId)> = c.recent_pairs.iter().copied().collect();
    for _ in 0..ATTEMPTS {
        if let Some(mut groups) = attempt(&c, &recent, &mut rng) {
            // Members in id order: the draw decides who goes together, not a listing order, and
            // a stored draw read back must compare equal.
            for g in &mut groups {
                g.inspectors.sort();
                g.targets.sort();
            }
            return Ok(Draw { groups, snapshot_digest: hex::encode(digest) });
        }
    }
    Err(DomainError::rule(Rule::DrawImpossible, "inspectors"))
}

fn attempt(c: &DrawInput, recent: &HashSet<(PersonId, UnitId)>, rng: &mut DrawRng) -> Option<Vec<DrawGroup>> {
    let r = c.rules;
    // Least visited first, at random among equals (a stable sort keeps the shuffled order).
    let mut order: Vec<&PoolTarget> = c.targets.iter().collect();
    rng.shuffle(&mut order);
    order.sort_by_key(|t| t.visits);
    let mut free: Vec<&PoolInspector> = c.inspectors.iter().collect();
    rng.shuffle(&mut free);
    let mut used: HashSet<UnitId> = HashSet::new();
    let mut groups = Vec::new();
    for _ in 0..r.groups {
        let mut chosen: Vec<&PoolTarget> = Vec::new();
        for t in order.iter().filter(|t| !used.contains(&t.unit)) {
            let eligible = free
                .iter()
                .filter(|i| may_visit(i, t, recent) && chosen.iter().all(|o| may_visit(i, o, recent)))
                .count();
            if eligible >= r.inspectors_per_group as usize {
                chosen.push(t);
                if chosen.len() == r.targets_per_group as usize {
                    break;
                }
            }
        }
        if chosen.len() < r.targets_per_group as usize {
            return None;
        }
        let team: Vec<&PoolInspector> = free
            .iter()
            .filter(|i| chosen.iter().all(|t| may_visit(i, t, recent)))
            .take(r.inspectors_per_group as usize)
            .copied()
            .collect();
        free.retain(|i| !team.iter().any(|m| m.id == i.id));
        used.extend(chosen.iter().map(|t| t.unit));
        groups.push(DrawGroup {
            inspectors: team.iter().map(|i| i.id).collect(),
            targets: chosen.iter().map(|t| t.unit).collect(),
        });
    }
    Some(groups)
}

/// Why a recorded draw does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the seed does not match the commitment published before the draw")]
    SeedMismatch,
    #[error("the snapshot differs from the one the draw was made from")]
    SnapshotChanged,
    #[error("drawing again gives other groups")]
    DifferentGroups,
    #[error("the draw cannot be made again: {0}")]
    Impossible(String),
}

impl VerifyError {
    /// A stable word for answers and exit messages.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::SeedMismatch => "seed_mismatch",
            VerifyError::SnapshotChanged => "snapshot_changed",
            VerifyError::DifferentGroups => "different_groups",
            VerifyError::Impossible(_) => "impossible",
        }
    }
}

/// Checks a recorded draw: the seed matches its commitment, the snapshot its digest, and drawing
/// again gives the same groups.
pub fn verify(input: &DrawInput, seed: &[u8], commitment_hex: &str, recorded: &Draw) -> Result<(), VerifyError> {
    if commitment(seed) != commitment_hex.to_ascii_lowercase() {
        return Err(VerifyError::SeedMismatch);
    }
    if hex::encode(input.digest()) != recorded.snapshot_digest {
        return Err(VerifyError::SnapshotChanged);
    }
    let again = draw(input, seed).map_err(|e| VerifyError::Impossible(e.to_string()))?;
    if again.groups != recorded.groups {
        return Err(VerifyError::DifferentGroups);
    }
    Ok(())
}

/// A verifiable sample of `count` items (a share of the problems closed in a period, for a return
/// check): the same function of the sorted items and the seed.
pub fn sample<T: Ord + Clone + Serialize>(items: &[T], count: usize, seed: &[u8]) -> (Vec<T>, String) {
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.dedup();
    let digest: [u8; 32] = Sha256::digest(serde_json::to_vec(&sorted).unwrap_or_default()).into();
    let mut rng = DrawRng::new(seed, &digest);
    rng.shuffle(&mut sorted);
    sorted.truncate(count);
    sorted.sort();
    (sorted, hex::encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn inspector(id: i64, line: &[i64]) -> PoolInspector {
        PoolInspector { id: PersonId(id), unit_line: line.iter().map(|u| UnitId(*u)).collect() }
    }

    fn target(unit: i64, line: &[i64], visits: u32) -> PoolTarget {
        PoolTarget { unit: UnitId(unit), line: line.iter().map(|u| UnitId(*u)).collect(), visits }
    }

    fn rules(groups: u32, ipg: u32, tpg: u32) -> DrawRules {
        DrawRules { groups, inspectors_per_group: ipg, targets_per_group: tpg, no_repeat_rounds: 2 }
    }

    #[test]
    fn recusal_covers_the_own_unit_above_and_below() {
        // Unit 2 is under 1; unit 3 under 2.
        let i = inspector(1, &[2, 1]);
        assert!(conflicted(&i, &target(2, &[2, 1], 0)), "own unit");
        assert!(conflicted(&i, &target(1, &[1], 0)), "the unit above");
        assert!(conflicted(&i, &target(3, &[3, 2, 1], 0)), "a unit below");
        assert!(!conflicted(&i, &target(4, &[4, 1], 0)), "a sibling");
        assert!(!conflicted(&inspector(9, &[]), &target(2, &[2, 1], 0)), "an outside supervisor");
    }

    #[test]
    fn impossible_rules_are_refused_before_drawing() {
        let base = DrawInput {
            inspectors: (1..=5).map(|i| inspector(i, &[100 + i])).collect(),
            targets: (1..=4).map(|t| target(t, &[t], 0)).collect(),
            rules: rules(2, 2, 1),
            recent_pairs: Vec::new(),
        };
        assert!(base.check().is_ok());
        let too_many = DrawInput { rules: rules(2, 3, 1), ..base.clone() };
        assert_eq!(too_many.check().unwrap_err().fields(), ["inspectors_per_group"]);
        let alone = DrawInput { rules: rules(1, 1, 1), ..base.clone() };
        assert_eq!(alone.check().unwrap_err().fields(), ["inspectors_per_group"]);
        let targets = DrawInput { rules: rules(2, 2, 3), ..base.clone() };
        assert_eq!(targets.check().unwrap_err().fields(), ["targets_per_group"]);
        // Every inspector belongs to every target's line.
        let conflicted = DrawInput {
            inspectors: (1..=5).map(|i| inspector(i, &[1])).collect(),
            targets: (2..=5).map(|t| target(t, &[t, 1], 0)).collect(),
            ..base
        };
        assert_eq!(conflicted.check().unwrap_err(), DomainError::rule(Rule::DrawImpossible, "inspectors"));
    }

    #[test]
    fn the_least_visited_units_go_first() {
        let input = DrawInput {
            inspectors: (1..=4).map(|i| inspector(i, &[100 + i])).collect(),
            targets: vec![target(1, &[1], 3), target(2, &[2], 0), target(3, &[3], 1), target(4, &[4], 0)],
            rules: rules(1, 2, 2),
            recent_pairs: Vec::new(),
        };
        for seed in 0..50u32 {
            let d = draw(&input, &seed.to_be_bytes()).unwrap();
            let mut t = d.groups[0].targets.clone();
            t.sort();
            assert_eq!(t, [UnitId(2), UnitId(4)]);
        }
    }

    #[test]
    fn verify_reproduces_and_rejects_tampering() {
        let input = DrawInput {
            inspectors: (1..=8).map(|i| inspector(i, &[100 + i % 3])).collect(),
            targets: (1..=6).map(|t| target(t, &[t], 0)).collect(),
            rules: rules(2, 3, 2),
            recent_pairs: vec![(PersonId(1), UnitId(2))],
        };
        let seed = b"published after the round";
        let c = commitment(seed);
        let d = draw(&input, seed).unwrap();
        assert_eq!(verify(&input, seed, &c, &d), Ok(()));
        // Reordered input is the same snapshot.
        let mut shuffled = input.clone();
        shuffled.inspectors.reverse();
        assert_eq!(verify(&shuffled, seed, &c, &d), Ok(()));
        assert_eq!(verify(&input, b"another seed", &c, &d), Err(VerifyError::SeedMismatch));
        let mut tampered = input.clone();
        tampered.inspectors.pop();
        assert_eq!(verify(&tampered, seed, &c, &d), Err(VerifyError::SnapshotChanged));
        let mut forged = d.clone();
        forged.groups.swap(0, 1);
        assert_eq!(verify(&input, seed, &c, &forged), Err(VerifyError::DifferentGroups));
    }

    #[test]
    fn a_sample_is_reproducible() {
        let items: Vec<i64> = (1..=100).collect();
        let (a, da) = sample(&items, 10, b"s");
        let (b, db) = sample(&items.iter().rev().copied().collect::<Vec<_>>(), 10, b"s");
        assert_eq!((a.len(), &a, &da), (10, &b, &db));
        assert_ne!(sample(&items, 10, b"t").0, a);
    }

    prop_compose! {
        fn pools()(units in 4usize..16, people in 4usize..24, seed in any::<u64>())
            (parents in proptest::collection::vec(0usize..units, units),
             homes in proptest::collection::vec(0usize..units + 2, people),
             recent in proptest::collection::vec((0usize..people, 0usize..units), 0..10),
             visits in proptest::collection::vec(0u32..3, units),
             groups in 1u32..4, ipg in 2u32..4, tpg in 1u32..3,
             seed in Just(seed), units in Just(units), people in Just(people))
            -> (DrawInput, u64)
        {
            // A forest: unit u's parent is a unit with a smaller number (unit 0 is a root).
            let line_of = |u: usize| {
                let mut line = vec![UnitId(u as i64)];
                let mut cur = u;
                while cur > 0 {
                    cur = parents[cur] % cur;
                    line.push(UnitId(cur as i64));
                    if cur == 0 { break; }
                }
                line
            };
            let inspectors = (0..people).map(|p| PoolInspector {
                id: PersonId(p as i64),
                // Homes beyond the unit count are outside supervisors with no unit.
                unit_line: if homes[p] < units { line_of(homes[p]) } else { Vec::new() },
            }).collect();
            let targets = (0..units).map(|u| PoolTarget { unit: UnitId(u as i64), line: line_of(u), visits: visits[u] }).collect();
            let recent_pairs = recent.iter().map(|(p, u)| (PersonId(*p as i64), UnitId(*u as i64))).collect();
            (DrawInput { inspectors, targets, rules: DrawRules { groups, inspectors_per_group: ipg, targets_per_group: tpg, no_repeat_rounds: 2 }, recent_pairs }, seed)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn every_draw_keeps_every_rule((input, seed) in pools()) {
            let seed = seed.to_be_bytes();
            if let Ok(d) = draw(&input, &seed) {
                let r = input.rules;
                prop_assert_eq!(d.groups.len(), r.groups as usize);
                let recent: HashSet<_> = input.recent_pairs.iter().copied().collect();
                let mut seen_inspectors = HashSet::new();
                let mut seen_targets = HashSet::new();
                for g in &d.groups {
                    prop_assert!(g.inspectors.len() >= 2);
                    prop_assert_eq!(g.inspectors.len(), r.inspectors_per_group as usize);
                    prop_assert_eq!(g.targets.len(), r.targets_per_group as usize);
                    for i in &g.inspectors {
                        prop_assert!(seen_inspectors.insert(*i), "an inspector in two groups");
                        let pi = input.inspectors.iter().find(|p| p.id == *i).unwrap();
                        for t in &g.targets {
                            let pt = input.targets.iter().find(|p| p.unit == *t).unwrap();
                            prop_assert!(!conflicted(pi, pt), "recusal broken");
                            prop_assert!(!recent.contains(&(*i, *t)), "a recent pair repeated");
                        }
                    }
                    for t in &g.targets {
                        prop_assert!(seen_targets.insert(*t), "a unit in two groups");
                    }
                }
                // The same inputs draw the same groups.
                prop_assert_eq!(draw(&input, &seed).unwrap(), d.clone());
                prop_assert!(verify(&input, &seed, &commitment(&seed), &d).is_ok());
            } else {
                // A refusal names a field; it is never a panic.
                prop_assert!(draw(&input, &seed).is_err());
            }
        }
    }
}
