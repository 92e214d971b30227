//! The one shape of every state machine: a table of transitions (action, from which states, to
//! which state, fired by whom) that a machine's `fire` consults before its own guards. The table
//! answers three questions the same way for every area: may this party ever fire this action
//! (else `Forbidden`), may it be fired from this state (else `StateConflict` naming the entity,
//! the action and the state), and which actions a page offers a party (`available`).
//!
//! A machine's `fire` then checks the guards that need facts and returns a typed decision: the
//! new state and everything else that changes. The store persists the decision; it decides
//! nothing. See docs/ARCHITECTURE.md, "How to add a state machine".

use crate::error::{DomainError, Entity};
use crate::wire::{Wire, WireName};

/// One row of a transition table.
#[derive(Debug)]
pub struct Transition<S: 'static, A, P: 'static> {
    pub action: A,
    pub from: &'static [S],
    /// `None`: the action records something and leaves the state as it is.
    pub to: Option<S>,
    /// Who may fire it.
    pub by: &'static [P],
}

/// A state machine: its entity, its states, actions and parties, and its table.
pub trait Machine {
    type State: Wire + PartialEq;
    type Action: Wire + PartialEq;
    type Party: Copy + PartialEq + 'static;
    const ENTITY: Entity;
    const TABLE: &'static [Transition<Self::State, Self::Action, Self::Party>];
}

/// Declares a machine: its type, entity, states, actions and parties, and its table —
/// `machine! { pub struct XMachine: Entity::X, XState, XAction, Party = [Transition { … }, …]; }`.
#[macro_export]
macro_rules! machine {
    ($(#[$doc:meta])* $vis:vis struct $name:ident: $entity:expr, $state:ty, $action:ty, $party:ty = [$($row:expr),* $(,)?];) => {
        $(#[$doc])*
        $vis struct $name;

        impl $crate::machine::Machine for $name {
            type State = $state;
            type Action = $action;
            type Party = $party;
            const ENTITY: $crate::error::Entity = $entity;
            const TABLE: &'static [$crate::machine::Transition<$state, $action, $party>] = &[$($row),*];
        }
    };
}

/// A row of `M`'s table.
pub type Row<M> = Transition<<M as Machine>::State, <M as Machine>::Action, <M as Machine>::Party>;

/// The row that lets `party` fire `action` from `state`. Permission is checked before state:
/// whether a record is in some state is itself not everyone's business.
pub fn permit<M: Machine>(state: M::State, action: M::Action, party: M::Party) -> Result<&'static Row<M>, DomainError> {
    let mut rows = M::TABLE.iter().filter(|t| t.action == action && t.by.contains(&party)).peekable();
    if rows.peek().is_none() {
        return Err(DomainError::NotPermitted { entity: M::ENTITY, action: WireName::of(action) });
    }
    rows.find(|t| t.from.contains(&state)).ok_or_else(|| conflict::<M>(state, action))
}

/// The refusal of `action` in `state`, for guards that find the state wrong on facts the table
/// cannot see (a bulletin already published by someone else).
pub fn conflict<M: Machine>(state: M::State, action: M::Action) -> DomainError {
    DomainError::StateConflict { entity: M::ENTITY, action: WireName::of(action), state: WireName::of(state) }
}

/// The state after the row fires: its target, or where it was.
pub fn target<M: Machine>(row: &Row<M>, state: M::State) -> M::State {
    row.to.unwrap_or(state)
}

/// What `party` may fire from `state`, each action once, in table order: a page's buttons.
pub fn available<M: Machine>(state: M::State, party: M::Party) -> Vec<M::Action> {
    let mut out: Vec<M::Action> = Vec::new();
    for t in M::TABLE.iter().filter(|t| t.by.contains(&party) && t.from.contains(&state)) {
        if !out.contains(&t.action) {
            out.push(t.action);
        }
    }
    out
}

/// Every (state, action, party) cell the table allows, for exhaustive tests.
pub fn allowed<M: Machine>(state: M::State, action: M::Action, party: M::Party) -> bool {
    M::TABLE.iter().any(|t| t.action == action && t.by.contains(&party) && t.from.contains(&state))
}

/// Fires every (state, action, party) cell of `M` through `fire` (which fills in requests that
/// pass every guard) and checks the answer against the table: it fires exactly where the table
/// lists it; elsewhere it is not permitted (never this party's) or a state conflict naming the
/// machine's entity, the action and the state.
#[cfg(test)]
pub(crate) fn assert_every_cell<M: Machine, T>(
    parties: &[M::Party],
    fire: impl Fn(M::State, M::Action, M::Party) -> Result<T, DomainError>,
) where
    M::State: std::fmt::Debug,
    M::Action: std::fmt::Debug,
    M::Party: std::fmt::Debug,
{
    for &state in M::State::all() {
        for &action in M::Action::all() {
            for &party in parties {
                let listed = allowed::<M>(state, action, party);
                let ever = M::TABLE.iter().any(|t| t.action == action && t.by.contains(&party));
                let cell = format!("{state:?} {action:?} {party:?}");
                match fire(state, action, party) {
                    Ok(_) => assert!(listed, "{cell} fired"),
                    Err(DomainError::NotPermitted { entity, .. }) if entity == M::ENTITY => assert!(!ever, "{cell}"),
                    Err(DomainError::StateConflict { entity, action: a, state: s }) if entity == M::ENTITY => {
                        assert!(ever && !listed, "{cell}");
                        assert_eq!((a, s), (WireName::of(action), WireName::of(state)), "{cell}");
                    }
                    Err(e) => panic!("{cell}: {e:?}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::wire_enum! {
        pub enum Light: "test_light" { Off = "off", On = "on" }
    }
    crate::wire_enum! {
        pub enum Flip: "test_flip" { Switch = "switch", Unplug = "unplug" }
    }

    crate::machine! {
        struct Lamp: Entity::Unit, Light, Flip, u8 = [
            Transition { action: Flip::Switch, from: &[Light::Off], to: Some(Light::On), by: &[1, 2] },
            Transition { action: Flip::Switch, from: &[Light::On], to: Some(Light::Off), by: &[1] },
            Transition { action: Flip::Unplug, from: &[Light::On], to: None, by: &[2] },
        ];
    }

    #[test]
    fn permission_then_state() {
        assert_eq!(target::<Lamp>(permit::<Lamp>(Light::Off, Flip::Switch, 2).unwrap(), Light::Off), Light::On);
        assert_eq!(
            permit::<Lamp>(Light::On, Flip::Unplug, 1).unwrap_err(),
            DomainError::NotPermitted { entity: Entity::Unit, action: WireName::of(Flip::Unplug) }
        );
        assert_eq!(
            permit::<Lamp>(Light::On, Flip::Switch, 2).unwrap_err(),
            DomainError::StateConflict {
                entity: Entity::Unit,
                action: WireName::of(Flip::Switch),
                state: WireName::of(Light::On)
            }
        );
        assert_eq!(available::<Lamp>(Light::On, 2), [Flip::Unplug]);
        assert_eq!(available::<Lamp>(Light::On, 1), [Flip::Switch]);
        assert_every_cell::<Lamp, _>(&[1, 2, 3], permit::<Lamp>);
    }
}
