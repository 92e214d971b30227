//! A round's life as one table: committed (the pool snapshot and the seed's commitment are fixed
//! and shown) → drawn (groups known to their inspectors; to all if overt) → ended (the seed is
//! revealed; anyone can verify). Findings are recorded while it is drawn; its draw is verified,
//! and it is reported in an inspection bulletin, once it has ended. [`fire`] checks the table and
//! the guards that need facts and decides what the step changes; the store writes it.

use super::draw::{self as lot, DrawGroup, DrawInput};
use crate::actor::Actor;
use crate::error::{DomainError, Entity, Issue, Rule};
use crate::ids::UnitId;
use crate::machine::{self, Transition};
use crate::patch::Change;

crate::wire_enum! {
    /// Shares its labels with the pages' status badges (`inspect.status.drawn` → 已抽取).
    pub enum RoundStatus: "inspect.status" {
        Committed = "committed",
        Drawn = "drawn",
        Ended = "ended",
    }
}

crate::wire_enum! {
    pub enum RoundAction: "inspect.round_action" {
        /// Draw the groups from the committed snapshot (抽取).
        Draw = "draw",
        /// End the round and reveal the seed.
        End = "end",
        /// Record what a group found at a unit (记录督查发现).
        RecordFinding = "record_finding",
        /// Rerun the draw from the published evidence.
        Verify = "verify",
        /// Report the round in an inspection bulletin (督查通报).
        Report = "report",
    }
}

/// How the actor stands to a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundParty {
    /// The supervising office (office roles), whether or not also drawn into a group.
    Office,
    /// Someone else drawn into one of the round's groups.
    Inspector,
    /// Anyone else who may read inspections.
    Other,
}

impl RoundParty {
    /// `own_group` is the group the actor's person was drawn into, if any.
    pub fn of(actor: &Actor, own_group: Option<usize>) -> RoundParty {
        match (actor.role.is_office(), own_group) {
            (true, _) => RoundParty::Office,
            (false, Some(_)) => RoundParty::Inspector,
            (false, None) => RoundParty::Other,
        }
    }
}

use RoundAction::*;
use RoundParty::{Inspector, Office, Other};
use RoundStatus::*;

crate::machine! {
    /// A round's life.
    pub struct RoundMachine: Entity::Round, RoundStatus, RoundAction, RoundParty = [
        Transition { action: Draw, from: &[Committed], to: Some(Drawn), by: &[Office] },
        Transition { action: End, from: &[Drawn], to: Some(Ended), by: &[Office] },
        // The office records only in an overt round, unless drawn itself (`fire`).
        Transition { action: RecordFinding, from: &[Drawn], to: None, by: &[Office, Inspector] },
        // Before the end the seed is secret, and a covert round's draw names its targets.
        Transition { action: Verify, from: &[Ended], to: None, by: &[Office, Inspector, Other] },
        // A bulletin reports what is over (a covert round's targets are secret until it ends).
        Transition { action: Report, from: &[Ended], to: None, by: &[Office] },
    ];
}

/// The actions `party` may fire from `status`, in table order: what a page offers.
pub fn available_actions(status: RoundStatus, party: RoundParty) -> Vec<RoundAction> {
    machine::available::<RoundMachine>(status, party)
}

/// The part of a round its machine reads.
#[derive(Debug, Clone, Copy)]
pub struct RoundFacts<'a> {
    pub status: RoundStatus,
    pub covert: bool,
    /// The drawn groups (none before the draw).
    pub groups: &'a [DrawGroup],
    /// The group the actor was drawn into.
    pub own_group: Option<usize>,
}

impl RoundFacts<'_> {
    /// The units `party` may record a finding at: those of their own group; the office's, in
    /// an overt round, every group's. Whether the round takes findings at all is the table's.
    pub fn recordable_units(&self, party: RoundParty) -> Vec<UnitId> {
        match self.own_group.and_then(|g| self.groups.get(g)) {
            Some(g) => g.targets.clone(),
            None if party == Office && !self.covert => {
                self.groups.iter().flat_map(|g| g.targets.iter().copied()).collect()
            }
            None => Vec::new(),
        }
    }
}

/// What is asked of a round, with what the step needs.
#[derive(Debug, Clone, Copy)]
pub enum RoundRequest<'a> {
    /// Draw from the committed `snapshot`: with the seed Rectify `kept`, or the office's `seed`,
    /// which must match the `commitment`.
    Draw {
        kept: Option<&'a str>,
        seed: Option<&'a str>,
        commitment: &'a str,
        snapshot: &'a DrawInput,
    },
    End,
    /// Record a finding at `unit` (as asked; a missing one is the form's to name).
    RecordFinding {
        unit: Option<UnitId>,
    },
    Verify,
    Report,
}

impl RoundRequest<'_> {
    pub fn action(&self) -> RoundAction {
        match self {
            RoundRequest::Draw { .. } => Draw,
            RoundRequest::End => End,
            RoundRequest::RecordFinding { .. } => RecordFinding,
            RoundRequest::Verify => Verify,
            RoundRequest::Report => Report,
        }
    }
}

/// A draw made: the seed it used (kept unreadable until the end) and the groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub seed: String,
    pub draw: lot::Draw,
}

/// Everything a step changes on a round. Times marked `Set(())` take the moment of the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundDecision {
    pub action: RoundAction,
    pub from: RoundStatus,
    pub to: RoundStatus,
    pub drawn_at: Change<()>,
    pub ended_at: Change<()>,
    pub drawn: Option<Drawn>,
    /// The finding's problem goes into the ledger now. A covert round's waits for the end: a
    /// problem written now would tell the office and the unit where the round went.
    pub file_problem: bool,
    /// The end writes the problems of the findings held until now.
    pub file_held_findings: bool,
}

/// The seed a draw uses: the one Rectify kept, or the office's, which must match its commitment.
pub fn draw_seed(kept: Option<&str>, given: Option<&str>, committed: &str) -> Result<String, DomainError> {
    match (kept, given.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(s), _) => Ok(s.to_owned()),
        (None, Some(g)) if lot::commitment(g.as_bytes()) == committed => Ok(g.to_owned()),
        (None, Some(_)) => {
            Err(DomainError::field("seed", Issue::Malformed { expected: crate::error::Expected::CommittedSeed }))
        }
        (None, None) => Err(DomainError::field("seed", Issue::Required)),
    }
}

/// Fires what `party` asks of a round: the table and the guards, then everything that changes.
pub fn fire(f: &RoundFacts<'_>, party: RoundParty, req: RoundRequest<'_>) -> Result<RoundDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<RoundMachine>(f.status, action, party)?;
    let to = machine::target::<RoundMachine>(row, f.status);
    let mut d = RoundDecision {
        action,
        from: f.status,
        to,
        drawn_at: Change::Keep,
        ended_at: Change::Keep,
        drawn: None,
        file_problem: false,
        file_held_findings: false,
    };
    match req {
        RoundRequest::Draw { kept, seed, commitment, snapshot } => {
            let seed = draw_seed(kept, seed, commitment)?;
            let groups = lot::draw(snapshot, seed.as_bytes())?;
            d.drawn = Some(Drawn { seed, draw: groups });
            d.drawn_at = Change::Set(());
        }
        RoundRequest::End => {
            d.ended_at = Change::Set(());
            d.file_held_findings = true;
        }
        RoundRequest::RecordFinding { unit } => {
            if party == Office && f.covert && f.own_group.is_none() {
                // A covert round's findings are recorded by its own inspectors.
                return Err(DomainError::NotPermitted {
                    entity: Entity::Round,
                    action: crate::wire::WireName::of(action),
                });
            }
            if unit.is_some_and(|u| !f.recordable_units(party).contains(&u)) {
                let rule = if f.own_group.is_some() { Rule::UnitNotInOwnGroup } else { Rule::UnitNotDrawn };
                return Err(DomainError::rule(rule, "unit_id"));
            }
            d.file_problem = !f.covert;
        }
        RoundRequest::Verify | RoundRequest::Report => {}
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PersonId;
    use crate::inspection::draw::{DrawRules, PoolInspector, PoolTarget};

    fn snapshot() -> DrawInput {
        DrawInput {
            inspectors: (1..=4).map(|i| PoolInspector { id: PersonId(i), unit_line: vec![UnitId(100 + i)] }).collect(),
            targets: (1..=4).map(|t| PoolTarget { unit: UnitId(t), line: vec![UnitId(t)], visits: 0 }).collect(),
            rules: DrawRules { groups: 2, inspectors_per_group: 2, targets_per_group: 2, no_repeat_rounds: 0 },
            recent_pairs: Vec::new(),
        }
    }

    fn groups() -> Vec<DrawGroup> {
        vec![
            DrawGroup { inspectors: vec![PersonId(1), PersonId(2)], targets: vec![UnitId(1), UnitId(2)] },
            DrawGroup { inspectors: vec![PersonId(3), PersonId(4)], targets: vec![UnitId(3), UnitId(4)] },
        ]
    }

    fn facts(status: RoundStatus, groups: &[DrawGroup]) -> RoundFacts<'_> {
        RoundFacts { status, covert: false, groups, own_group: Some(0) }
    }

    const SEED: &str = "seed";

    /// A request for `action` that satisfies every guard of the fixtures.
    fn request(action: RoundAction, snapshot: &DrawInput) -> RoundRequest<'_> {
        match action {
            Draw => RoundRequest::Draw { kept: Some(SEED), seed: None, commitment: "", snapshot },
            End => RoundRequest::End,
            RecordFinding => RoundRequest::RecordFinding { unit: Some(UnitId(1)) },
            Verify => RoundRequest::Verify,
            Report => RoundRequest::Report,
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        let (snap, g) = (snapshot(), groups());
        machine::assert_every_cell::<RoundMachine, _>(&[Office, Inspector, Other], |status, action, party| {
            fire(&facts(status, &g), party, request(action, &snap))
        });
        assert_eq!(available_actions(Committed, Office), [Draw]);
        assert_eq!(available_actions(Drawn, Office), [End, RecordFinding]);
        assert_eq!(available_actions(Drawn, Inspector), [RecordFinding]);
        assert_eq!(available_actions(Ended, Office), [Verify, Report]);
        assert_eq!(available_actions(Ended, Other), [Verify]);
    }

    #[test]
    fn a_draw_uses_the_kept_seed_or_the_committed_one() {
        let snap = snapshot();
        let f = facts(Committed, &[]);
        let kept =
            fire(&f, Office, RoundRequest::Draw { kept: Some(SEED), seed: None, commitment: "", snapshot: &snap })
                .unwrap();
        let expected = lot::draw(&snap, SEED.as_bytes()).unwrap();
        assert_eq!(
            kept,
            RoundDecision {
                action: Draw,
                from: Committed,
                to: Drawn,
                drawn_at: Change::Set(()),
                ended_at: Change::Keep,
                drawn: Some(Drawn { seed: SEED.into(), draw: expected.clone() }),
                file_problem: false,
                file_held_findings: false,
            }
        );
        let committed = lot::commitment(b"office");
        let office = |seed| RoundRequest::Draw { kept: None, seed, commitment: &committed, snapshot: &snap };
        assert_eq!(fire(&f, Office, office(Some(" office "))).unwrap().drawn.unwrap().seed, "office");
        assert_eq!(fire(&f, Office, office(Some("other"))).unwrap_err().fields(), ["seed"]);
        assert_eq!(fire(&f, Office, office(None)).unwrap_err().fields(), ["seed"]);
    }

    #[test]
    fn the_end_reveals_and_files_what_was_held() {
        let d = fire(&facts(Drawn, &[]), Office, RoundRequest::End).unwrap();
        assert_eq!((d.to, d.ended_at, d.drawn_at), (Ended, Change::Set(()), Change::Keep));
        assert!(d.file_held_findings && d.drawn.is_none());
    }

    #[test]
    fn findings_are_recorded_where_the_group_went() {
        let g = groups();
        let record =
            |f: &RoundFacts<'_>, party, unit| fire(f, party, RoundRequest::RecordFinding { unit: Some(UnitId(unit)) });
        // An inspector records at their own group's units; an overt round's problem is written now.
        let mine = facts(Drawn, &g);
        assert!(record(&mine, Inspector, 2).unwrap().file_problem);
        // Elsewhere: what is wrong is said (another group's unit; a unit the round did not draw).
        assert_eq!(record(&mine, Inspector, 3).unwrap_err(), DomainError::rule(Rule::UnitNotInOwnGroup, "unit_id"));
        // The office, drawn into no group, records anywhere in an overt round, nowhere in a covert one.
        let office = RoundFacts { own_group: None, ..mine };
        assert!(record(&office, Office, 3).is_ok());
        assert_eq!(record(&office, Office, 99).unwrap_err(), DomainError::rule(Rule::UnitNotDrawn, "unit_id"));
        let covert = RoundFacts { covert: true, ..office };
        assert_eq!(
            record(&covert, Office, 3).unwrap_err(),
            DomainError::NotPermitted { entity: Entity::Round, action: crate::wire::WireName::of(RecordFinding) }
        );
        assert!(covert.recordable_units(Office).is_empty());
        // A covert round's own inspector records, and the problem waits for the end.
        let held = RoundFacts { covert: true, ..mine };
        assert!(!record(&held, Inspector, 1).unwrap().file_problem);
        // A missing unit is left to the form's check.
        assert!(fire(&mine, Inspector, RoundRequest::RecordFinding { unit: None }).is_ok());
    }

    #[test]
    fn parties() {
        let actor = |role| Actor { account_id: None, username: "u".into(), role, unit_id: None };
        use crate::actor::Role;
        assert_eq!(RoundParty::of(&actor(Role::OfficeStaff), Some(1)), Office);
        assert_eq!(RoundParty::of(&actor(Role::Inspector), Some(0)), Inspector);
        assert_eq!(RoundParty::of(&actor(Role::Inspector), None), Other);
    }
}
