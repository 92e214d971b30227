//! Who may see what, resolved against the unit tree. The rule is the domain's
//! (`rectify_domain::visibility`); every area asks here — problems, cases, attachments,
//! contacts, accountability — with the owner it has loaded, so no area reaches into another's
//! internals to learn what an actor may open, and this module depends on the unit tree alone.

use crate::db::Conn;
use crate::error::StoreResult;
use crate::units;
use rectify_domain::actor::Actor;
use rectify_domain::ids::UnitId;
use rectify_domain::visibility::{Reach, Records, reach};

/// What part of the ledger an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// These units' problems, and every published one.
    Units(Vec<UnitId>),
    PublishedOnly,
}

impl Scope {
    pub fn allows(&self, unit: UnitId, published: bool) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(units) => published || units.contains(&unit),
            Scope::PublishedOnly => published,
        }
    }
}

/// Refuses a record of `unit` that `actor` does not see, as not found (as if it did not exist).
pub(crate) async fn require_unit(
    c: &mut Conn<'_>,
    actor: &Actor,
    records: Records,
    unit: UnitId,
    entity: rectify_domain::Entity,
    id: impl std::fmt::Display,
) -> StoreResult<()> {
    match units(c, actor, records).await? {
        Some(seen) if !seen.contains(&unit) => Err(rectify_domain::DomainError::not_found(entity, id).into()),
        _ => Ok(()),
    }
}

/// The units whose records of a kind `actor` sees: `None` for all.
pub(crate) async fn units(c: &mut Conn<'_>, actor: &Actor, records: Records) -> StoreResult<Option<Vec<UnitId>>> {
    Ok(match reach(actor, records) {
        Reach::All => None,
        Reach::Unit(u) => Some(vec![u]),
        Reach::Subtree(u) => Some(units::subtree(c, u).await?),
        Reach::Nothing => Some(Vec::new()),
    })
}

/// The ledger `actor` sees: all of it, their units' problems and every published one, or the
/// published ones only.
pub(crate) async fn problems(c: &mut Conn<'_>, actor: &Actor) -> StoreResult<Scope> {
    Ok(match units(c, actor, Records::Problems).await? {
        None => Scope::All,
        Some(u) if u.is_empty() => Scope::PublishedOnly,
        Some(u) => Scope::Units(u),
    })
}

/// The units whose cases `actor` handles, or `None` for all (the office).
pub(crate) async fn cases(c: &mut Conn<'_>, actor: &Actor) -> StoreResult<Option<Vec<UnitId>>> {
    units(c, actor, Records::Cases).await
}

/// Whether `actor` may see a problem of `unit` (published or not).
pub(crate) async fn may_see_problem(
    c: &mut Conn<'_>,
    actor: &Actor,
    unit: UnitId,
    published: bool,
) -> StoreResult<bool> {
    Ok(problems(c, actor).await?.allows(unit, published))
}

/// Whether `actor` may see a case assigned to `unit` (none yet: the office's alone).
pub(crate) async fn may_see_case(c: &mut Conn<'_>, actor: &Actor, unit: Option<UnitId>) -> StoreResult<bool> {
    Ok(match cases(c, actor).await? {
        None => true,
        Some(units) => unit.is_some_and(|u| units.contains(&u)),
    })
}
