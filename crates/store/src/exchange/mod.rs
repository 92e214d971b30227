//! Files in and out: the records of an import written in one transaction (all or nothing,
//! idempotent on the file's keys), and the lines of an export read in one snapshot. Reading and
//! writing the files themselves is `crates/exchange`'s.

mod cases;
mod categories;
mod export;
mod import;
mod people;
mod problems;
mod services;
mod units;

pub use export::ExportRequest;
pub use import::Progress;

use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use rectify_domain::exchange::UnitRef;
use rectify_domain::ids::UnitId;
use rectify_domain::{Entity, Issue};
use std::collections::HashMap;

record! {
    struct UnitNameRow {
        id: UnitId as i64,
        parent_id: Option<UnitId> as Option<i64>,
        name: String,
        live: bool,
    }
}

/// The unit tree by name, to resolve `蔡甸区/公安/新农派出所` and to write paths; units created
/// during an import are added as they are made, so a later row may name them.
#[derive(Debug, Default, Clone)]
pub(crate) struct UnitIndex {
    parent: HashMap<UnitId, Option<UnitId>>,
    name: HashMap<UnitId, String>,
    live: HashMap<UnitId, bool>,
    /// Live units by name.
    by_name: HashMap<String, Vec<UnitId>>,
}

impl UnitIndex {
    pub(crate) async fn load(c: &mut Conn<'_>) -> StoreResult<UnitIndex> {
        let rows: Vec<UnitNameRow> = c
            .fetch_all(Q::new(
                "SELECT id, parent_id, name, CASE WHEN archived_at IS NULL THEN TRUE ELSE FALSE END AS live \
                 FROM units ORDER BY id",
            ))
            .await?;
        let mut index = UnitIndex::default();
        for r in rows {
            index.insert(r.id, r.parent_id, r.name, r.live);
        }
        Ok(index)
    }

    pub(crate) fn insert(&mut self, id: UnitId, parent: Option<UnitId>, name: String, live: bool) {
        if let Some(old) = self.name.get(&id)
            && let Some(ids) = self.by_name.get_mut(old)
        {
            ids.retain(|u| *u != id);
        }
        if live {
            self.by_name.entry(name.clone()).or_default().push(id);
        }
        self.parent.insert(id, parent);
        self.name.insert(id, name);
        self.live.insert(id, live);
    }

    pub(crate) fn is_live(&self, id: UnitId) -> bool {
        self.live.get(&id).copied().unwrap_or(false)
    }

    pub(crate) fn parent(&self, id: UnitId) -> Option<UnitId> {
        self.parent.get(&id).copied().flatten()
    }

    /// The names from the top of the tree down to `id`.
    pub(crate) fn path(&self, id: UnitId) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = Some(id);
        // The tree has no cycles (the store refuses them); the bound only guards corrupt data.
        while let Some(u) = at {
            if out.len() > 64 {
                break;
            }
            out.push(self.name.get(&u).cloned().unwrap_or_default());
            at = self.parent(u);
        }
        out.reverse();
        out
    }

    pub(crate) fn path_ref(&self, id: UnitId) -> UnitRef {
        UnitRef::Path(self.path(id))
    }

    /// The live child of `parent` (a top-level unit when `None`) named `name`.
    pub(crate) fn child(&self, parent: Option<UnitId>, name: &str) -> Option<UnitId> {
        self.by_name.get(name)?.iter().copied().find(|u| self.parent(*u) == parent)
    }

    /// The unit a file names, or why it names none.
    pub(crate) fn resolve(&self, r: &UnitRef) -> Result<UnitId, Issue> {
        let unknown = || Issue::UnknownReference { entity: Entity::Unit };
        match r {
            UnitRef::Id(id) => self.is_live(*id).then_some(*id).ok_or_else(unknown),
            UnitRef::Path(parts) => {
                let Some((first, rest)) = parts.split_first() else { return Err(unknown()) };
                let starts: Vec<UnitId> = match self.child(None, first) {
                    Some(top) => vec![top],
                    None => self.by_name.get(first).cloned().unwrap_or_default(),
                };
                let mut found: Vec<UnitId> = starts
                    .into_iter()
                    .filter_map(|start| rest.iter().try_fold(start, |at, name| self.child(Some(at), name)))
                    .collect();
                found.dedup();
                match found.as_slice() {
                    [one] => Ok(*one),
                    [] => Err(unknown()),
                    _ => Err(Issue::Malformed {
                        expected: rectify_domain::Expected::OneUnit { named: found.len(), path: parts.join("/") },
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> UnitIndex {
        let mut i = UnitIndex::default();
        i.insert(UnitId(1), None, "蔡甸区".into(), true);
        i.insert(UnitId(2), Some(UnitId(1)), "公安".into(), true);
        i.insert(UnitId(3), Some(UnitId(2)), "新农派出所".into(), true);
        i.insert(UnitId(4), Some(UnitId(1)), "国税".into(), true);
        i.insert(UnitId(5), Some(UnitId(4)), "新农派出所".into(), true);
        i.insert(UnitId(6), Some(UnitId(1)), "旧局".into(), false);
        i
    }

    fn path(s: &str) -> UnitRef {
        UnitRef::parse(s).unwrap()
    }

    #[test]
    fn paths_names_and_ambiguity() {
        let i = index();
        assert_eq!(i.resolve(&path("蔡甸区/公安/新农派出所")), Ok(UnitId(3)));
        assert_eq!(i.resolve(&path("公安/新农派出所")), Ok(UnitId(3)), "a path may start below the top");
        assert_eq!(i.resolve(&path("国税")), Ok(UnitId(4)));
        assert!(matches!(i.resolve(&path("新农派出所")), Err(Issue::Malformed { .. })), "two units share the name");
        assert_eq!(i.resolve(&path("旧局")), Err(Issue::UnknownReference { entity: Entity::Unit }));
        assert_eq!(i.resolve(&UnitRef::Id(UnitId(6))), Err(Issue::UnknownReference { entity: Entity::Unit }));
        assert_eq!(i.path(UnitId(3)), ["蔡甸区", "公安", "新农派出所"]);
    }
}
