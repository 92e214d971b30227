//! Who may see what: the one rule every area asks. The office (and inspectors, for the ledger and
//! the cases they check) see everything of a kind; unit staff see their own unit's records — a
//! clerk their unit, a leader their unit and every unit below it; the ledger's published
//! problems are everyone's. The store resolves the unit tree; the rule is here.

use crate::actor::{Actor, Party, Permission, Role, allowed};
use crate::ids::UnitId;

/// The kinds of records whose visibility follows the owner unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// Ledger problems (and what hangs on them: measures, progress, evidence, history).
    Problems,
    /// Citizens' cases (and their events, files and contacts).
    Cases,
    /// Accountability records and points.
    Accountability,
    /// Service cases (办件) of the service ledger: handled as citizens' cases are.
    ServiceCases,
}

/// Which units' records an actor handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every unit's.
    All,
    /// One unit's (a clerk).
    Unit(UnitId),
    /// A unit's and every unit below it (a leader).
    Subtree(UnitId),
    /// No unit's.
    Nothing,
}

/// How far `actor` sees records of a kind.
pub fn reach(actor: &Actor, records: Records) -> Reach {
    let all = match records {
        Records::Problems => allowed(actor.role, Permission::ViewAllProblems, Party::Other),
        Records::Cases | Records::ServiceCases => allowed(actor.role, Permission::ViewAllCases, Party::Other),
        Records::Accountability => allowed(actor.role, Permission::ViewAccountability, Party::Office),
    };
    if all {
        return Reach::All;
    }
    match (actor.role, actor.unit_id) {
        (Role::UnitClerk, Some(u)) => Reach::Unit(u),
        (Role::UnitLeader, Some(u)) => Reach::Subtree(u),
        _ => Reach::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::AccountId;

    fn actor(role: Role, unit: Option<i64>) -> Actor {
        Actor { account_id: Some(AccountId(1)), username: "u".into(), role, unit_id: unit.map(UnitId) }
    }

    #[test]
    fn office_all_clerk_unit_leader_subtree() {
        use Records::*;
        assert_eq!(reach(&actor(Role::OfficeStaff, None), Cases), Reach::All);
        assert_eq!(reach(&actor(Role::Inspector, None), Problems), Reach::All);
        assert_eq!(reach(&actor(Role::Inspector, None), Accountability), Reach::Nothing);
        assert_eq!(reach(&actor(Role::UnitClerk, Some(4)), Cases), Reach::Unit(UnitId(4)));
        assert_eq!(reach(&actor(Role::UnitLeader, Some(4)), Problems), Reach::Subtree(UnitId(4)));
        assert_eq!(reach(&actor(Role::Evaluator, None), Problems), Reach::Nothing);
        assert_eq!(reach(&Actor::public(), Cases), Reach::Nothing);
    }
}
