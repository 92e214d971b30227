//! Who is acting, and what they may do. Every use case takes an [`Actor`] and asks [`authorize`]
//! before touching anything. The rules are one table ([`allowed`]); a permission missing from
//! it is refused (deny by default).

use crate::error::DomainError;
use crate::ids::{AccountId, UnitId};
use serde::Serialize;

crate::wire_enum! {
    pub enum Role: "role" {
        /// 督导办管理员: everything, including accounts and the calendar.
        OfficeAdmin = "office_admin",
        /// 督导办工作人员: runs campaigns, assigns, verifies and closes off.
        OfficeStaff = "office_staff",
        /// 单位负责人: answers for a unit and its sub-units.
        UnitLeader = "unit_leader",
        /// 单位联络员: reports the unit's progress.
        UnitClerk = "unit_clerk",
        /// 督查员 / 行风监督员: inspects and collects opinions.
        Inspector = "inspector",
        /// 评议代表: scores units in democratic evaluations.
        Evaluator = "evaluator",
        /// The anonymous public (a citizen acting through a tracking code). Never an account's role.
        Public = "public",
    }
}

impl Role {
    /// The roles an account or a token may have: every role but the public's.
    pub const ACCOUNT_ROLES: [Role; 6] =
        [Role::OfficeAdmin, Role::OfficeStaff, Role::UnitLeader, Role::UnitClerk, Role::Inspector, Role::Evaluator];

    pub fn is_office(self) -> bool {
        matches!(self, Role::OfficeAdmin | Role::OfficeStaff)
    }

    /// Roles that act for one unit and must be attached to it.
    pub fn is_unit_bound(self) -> bool {
        matches!(self, Role::UnitLeader | Role::UnitClerk)
    }
}

/// A signed-in account (or a system task) performing a use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub account_id: Option<AccountId>,
    pub username: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
}

impl Actor {
    /// The program itself (demo loader, migrations, scheduled jobs): an office administrator with
    /// no account, recorded in history as `system`.
    pub fn system() -> Actor {
        Actor { account_id: None, username: "system".into(), role: Role::OfficeAdmin, unit_id: None }
    }

    /// A citizen using the public portal: may do nothing the permission table grants.
    pub fn public() -> Actor {
        Actor { account_id: None, username: "citizen".into(), role: Role::Public, unit_id: None }
    }
}

/// How the actor stands to the thing acted on, worked out by the caller that knows the unit tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The supervising office (office roles).
    Office,
    /// Staff of the unit that owns the thing (or, for a leader, of a unit above it).
    OwnerUnit,
    /// Anyone else with an account.
    Other,
}

impl Party {
    /// `owner_line` holds the owner unit and its ancestors: a clerk acts for their own unit, a
    /// leader also for the units below theirs.
    pub fn of(actor: &Actor, owner_unit: UnitId, owner_line: &[UnitId]) -> Party {
        if actor.role.is_office() {
            return Party::Office;
        }
        match (actor.role, actor.unit_id) {
            (Role::UnitClerk, Some(u)) if u == owner_unit => Party::OwnerUnit,
            (Role::UnitLeader, Some(u)) if owner_line.contains(&u) => Party::OwnerUnit,
            _ => Party::Other,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Permission {
    ManageUnits,
    ManagePeople,
    ManageCampaigns,
    ManageCalendar,
    ManageAccounts,
    ManageSettings,
    /// See the reference data every form needs: units, people, campaigns, calendar.
    ViewDirectory,
    /// See problems of the whole ledger (others see their own unit's only).
    ViewAllProblems,
    ViewStats,
    CreateProblem,
    EditProblem,
    AddProgress,
    UploadAttachment,
    /// Register a case for a channel other than the public form.
    RegisterCase,
    /// See every case (others see the cases assigned to their units).
    ViewAllCases,
    /// Turn cases into problems, or attach them to one.
    LinkCases,
    ManageIntakeSessions,
    /// See a citizen's name, phone, e-mail and address in full (with a reason, recorded). Only the
    /// office: units answer through Rectify, and a complaint may be about the unit itself.
    RevealContact,
    /// Plan inspections, draw rounds, sample closed problems for re-inspection.
    ManageInspections,
    /// See plans, rounds and findings (covert targets stay hidden from all but the round's
    /// inspectors until the round ends; the store enforces that).
    ViewInspections,
    /// Record a finding during a visit: the office, or an inspector of the round (the store
    /// checks membership).
    RecordFindings,
    /// Record, confirm and dismiss accountability actions and praise; deduct points.
    ManageAccountability,
    /// See actions and points: the office everything, a unit's staff their own unit's.
    ViewAccountability,
    /// Take spreadsheets of units, people, problems and cases into the store (all or nothing).
    ImportFiles,
    /// Compose, see and publish bulletins (简报); published ones are public.
    ManageBulletins,
    /// Write the service catalog's items: the office any, a unit's staff their own unit's.
    ManageServices,
}

/// The permission table. `party` is how the actor stands to the record, where there is one.
pub fn allowed(role: Role, permission: Permission, party: Party) -> bool {
    use Permission::*;
    use Role::*;
    let office = role.is_office();
    let owner = party == Party::OwnerUnit;
    if role == Public {
        return false;
    }
    match permission {
        ManageAccounts | ManageCalendar | ManageSettings | ImportFiles => role == OfficeAdmin,
        ManageUnits | ManagePeople | ManageCampaigns => office,
        ViewDirectory | ViewStats | UploadAttachment => true,
        ViewAllProblems => office || role == Inspector,
        CreateProblem | EditProblem | AddProgress => office || (role.is_unit_bound() && owner),
        RegisterCase | LinkCases | ManageIntakeSessions | RevealContact => office,
        ViewAllCases => office || role == Inspector,
        ManageInspections | ManageAccountability | ManageBulletins => office,
        ViewInspections | RecordFindings => office || role == Inspector,
        ViewAccountability | ManageServices => office || (role.is_unit_bound() && owner),
    }
}

pub fn authorize(actor: &Actor, permission: Permission, party: Party) -> Result<(), DomainError> {
    if allowed(actor.role, permission, party) {
        Ok(())
    } else {
        Err(DomainError::Forbidden(crate::Denial::Role { role: actor.role, permission }))
    }
}

/// How the actor stands to records of their own reach when no record is at hand: the office to
/// any, unit staff to their own unit's, everyone else to none.
pub fn own_party(actor: &Actor) -> Party {
    if actor.role.is_office() {
        Party::Office
    } else if actor.role.is_unit_bound() {
        Party::OwnerUnit
    } else {
        Party::Other
    }
}

/// What the actor may open at all: the workbench's menu and forms. Each record is still
/// checked when it is opened or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Capabilities {
    pub manage_units: bool,
    pub manage_people: bool,
    pub manage_campaigns: bool,
    pub manage_calendar: bool,
    pub manage_accounts: bool,
    pub manage_settings: bool,
    pub register_case: bool,
    /// Write a problem for some unit: the office for any, unit staff for their own.
    pub create_problem: bool,
    pub view_all_cases: bool,
    pub view_directory: bool,
    pub view_inspections: bool,
    pub import_files: bool,
    pub manage_bulletins: bool,
    pub reveal_contact: bool,
    /// The office everything, unit staff their own unit's records.
    pub view_accountability: bool,
    /// Keep the service catalog and the service ledger: the office, unit staff their own unit's.
    pub manage_services: bool,
}

impl Capabilities {
    pub fn of(actor: &Actor) -> Capabilities {
        let office = |p| allowed(actor.role, p, Party::Office);
        let anywhere = |p| allowed(actor.role, p, Party::Other);
        let own = |p| allowed(actor.role, p, own_party(actor));
        use Permission::*;
        Capabilities {
            manage_units: office(ManageUnits),
            manage_people: office(ManagePeople),
            manage_campaigns: office(ManageCampaigns),
            manage_calendar: office(ManageCalendar),
            manage_accounts: office(ManageAccounts),
            manage_settings: office(ManageSettings),
            register_case: office(RegisterCase),
            create_problem: own(CreateProblem),
            view_all_cases: anywhere(ViewAllCases),
            view_directory: anywhere(ViewDirectory),
            view_inspections: anywhere(ViewInspections),
            import_files: office(ImportFiles),
            manage_bulletins: office(ManageBulletins),
            reveal_contact: office(RevealContact),
            view_accountability: own(ViewAccountability),
            manage_services: own(ManageServices),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit: Option<i64>) -> Actor {
        Actor { account_id: Some(AccountId(1)), username: "u".into(), role, unit_id: unit.map(UnitId) }
    }

    #[test]
    fn clerks_act_for_their_unit_and_leaders_for_the_subtree() {
        let line = [UnitId(5), UnitId(2), UnitId(1)]; // owner 5 under 2 under 1
        assert_eq!(Party::of(&actor(Role::UnitClerk, Some(5)), UnitId(5), &line), Party::OwnerUnit);
        assert_eq!(Party::of(&actor(Role::UnitClerk, Some(2)), UnitId(5), &line), Party::Other);
        assert_eq!(Party::of(&actor(Role::UnitLeader, Some(2)), UnitId(5), &line), Party::OwnerUnit);
        assert_eq!(Party::of(&actor(Role::UnitLeader, Some(9)), UnitId(5), &line), Party::Other);
        assert_eq!(Party::of(&actor(Role::OfficeStaff, None), UnitId(5), &line), Party::Office);
    }

    #[test]
    fn the_table_denies_what_it_does_not_grant() {
        let clerk = actor(Role::UnitClerk, Some(5));
        assert!(authorize(&clerk, Permission::AddProgress, Party::OwnerUnit).is_ok());
        assert!(authorize(&clerk, Permission::AddProgress, Party::Other).is_err());
        assert!(authorize(&clerk, Permission::ManageUnits, Party::Other).is_err());
        let staff = actor(Role::OfficeStaff, None);
        assert!(authorize(&staff, Permission::ManageCampaigns, Party::Office).is_ok());
        assert!(authorize(&staff, Permission::ManageAccounts, Party::Office).is_err());
        let evaluator = actor(Role::Evaluator, None);
        assert!(authorize(&evaluator, Permission::CreateProblem, Party::Other).is_err());
        let public = Actor::public();
        assert!(
            authorize(&public, Permission::ViewDirectory, Party::Other).is_err(),
            "the public gets nothing by role"
        );
    }

    #[test]
    fn the_menu_follows_the_table() {
        let clerk = Capabilities::of(&actor(Role::UnitClerk, Some(5)));
        assert!(clerk.create_problem && clerk.view_accountability && !clerk.manage_units && !clerk.view_all_cases);
        let inspector = Capabilities::of(&actor(Role::Inspector, None));
        assert!(!inspector.create_problem && inspector.view_inspections && inspector.view_all_cases);
        let staff = Capabilities::of(&actor(Role::OfficeStaff, None));
        assert!(staff.create_problem && staff.manage_campaigns && !staff.manage_accounts && !staff.import_files);
    }
}
