//! The one unit picker every page offers where a unit is chosen (assigning a case, the lists'
//! filters, the ledger's and the administration's forms, the public board). Its options are built
//! here and nowhere else: each unit labelled by its path in the tree ("蔡甸区 / 民政局 / 婚姻登记
//! 服务中心", so the seven 社会事务服务中心 are told apart), grouped by parent (an `<optgroup>`
//! labelled with the parent's path, which is what a browser without JavaScript shows), limited
//! to the units that matter on the page. `static/picker.js` turns the same `<select>` into a
//! type-ahead that matches any part of the path.

use super::PageError;
use crate::AppState;
use rectify_domain::actor::Actor;
use rectify_domain::category::{SEPARATOR, Taxonomy};
use rectify_domain::ids::UnitId;
use rectify_domain::unit::{Unit, UnitKind};
use rectify_domain::visibility::{Reach, Records, reach};
use rectify_store::PageRequest;
use rectify_store::units::UnitFilter;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Between the names of a path.
const PATH_SEPARATOR: &str = " / ";

/// One `<optgroup>`: the units under one parent, labelled with the parent's path; top-level units
/// have no label and are listed first, outside any group.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct UnitGroup {
    pub label: Option<String>,
    /// `[id, path]` pairs.
    pub options: Vec<[String; 2]>,
}

/// Every unit, archived ones too (an old record's unit still has a path). Unit names are public:
/// the directory publishes them, so this reads without an account; which units a page offers is
/// decided by its [`Scope`].
pub(crate) async fn every_unit(st: &AppState) -> Result<Vec<Unit>, PageError> {
    let filter = UnitFilter { include_archived: true, ..UnitFilter::default() };
    let mut units = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = PageRequest::new(Some(500), cursor.as_deref())?;
        let got = st.store.directory().list_units_unchecked(&filter, &page).await?;
        units.extend(got.items);
        match got.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(units),
        }
    }
}

/// Which units a picker offers.
pub(crate) enum Scope {
    /// Every live unit (the administration's forms).
    All,
    /// These units only (a campaign's, the units with published problems).
    Only(HashSet<UnitId>),
    /// The units whose records of this kind the actor handles: the office its own area (the
    /// district its unit belongs to, or everything when it has none), a leader their unit and
    /// those below it, a clerk their unit.
    Reach(Actor, Records),
}

/// The tree, indexed.
struct Tree<'a> {
    by_id: HashMap<UnitId, &'a Unit>,
    children: HashMap<UnitId, Vec<&'a Unit>>,
    roots: Vec<&'a Unit>,
}

impl<'a> Tree<'a> {
    fn new(units: &'a [Unit]) -> Tree<'a> {
        let by_id: HashMap<UnitId, &Unit> = units.iter().map(|u| (u.id, u)).collect();
        let mut children: HashMap<UnitId, Vec<&Unit>> = HashMap::new();
        let mut roots = Vec::new();
        for u in units {
            match u.parent_id.filter(|p| by_id.contains_key(p)) {
                Some(p) => children.entry(p).or_default().push(u),
                None => roots.push(u),
            }
        }
        Tree { by_id, children, roots }
    }

    /// The names from the top of the tree down to `unit`, joined (a cycle in stored data stops
    /// the walk).
    fn path(&self, unit: &Unit) -> String {
        let mut names = vec![unit.name.as_str()];
        let mut seen = HashSet::from([unit.id]);
        let mut at = unit.parent_id;
        while let Some(p) = at.and_then(|id| self.by_id.get(&id)) {
            if !seen.insert(p.id) {
                break;
            }
            names.push(p.name.as_str());
            at = p.parent_id;
        }
        names.reverse();
        names.join(PATH_SEPARATOR)
    }

    /// `root` and every unit below it.
    fn subtree(&self, root: UnitId) -> HashSet<UnitId> {
        let mut out = HashSet::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if out.insert(id) {
                stack.extend(self.children.get(&id).into_iter().flatten().map(|u| u.id));
            }
        }
        out
    }

    /// The area an office's unit belongs to: its nearest district (the unit itself or above it),
    /// else the top of its tree.
    fn area_of(&self, unit: UnitId) -> UnitId {
        let mut at = unit;
        let mut seen = HashSet::new();
        while let Some(u) = self.by_id.get(&at) {
            if u.kind == UnitKind::District || !seen.insert(at) {
                return at;
            }
            match u.parent_id.filter(|p| self.by_id.contains_key(p)) {
                Some(p) => at = p,
                None => return at,
            }
        }
        at
    }

    /// Every unit in tree order (parents before their children, siblings by name).
    fn in_order(&self) -> Vec<&'a Unit> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<&Unit> = sorted(self.roots.clone()).into_iter().rev().collect();
        while let Some(u) = stack.pop() {
            if !seen.insert(u.id) {
                continue;
            }
            out.push(u);
            let kids = self.children.get(&u.id).cloned().unwrap_or_default();
            stack.extend(sorted(kids).into_iter().rev());
        }
        out
    }

    fn allowed(&self, scope: &Scope) -> Option<HashSet<UnitId>> {
        match scope {
            Scope::All => None,
            Scope::Only(ids) => Some(ids.clone()),
            Scope::Reach(actor, records) => match reach(actor, *records) {
                Reach::All => actor.unit_id.map(|u| self.subtree(self.area_of(u))),
                Reach::Unit(u) => Some(HashSet::from([u])),
                Reach::Subtree(u) => Some(self.subtree(u)),
                Reach::Nothing => Some(HashSet::new()),
            },
        }
    }
}

fn sorted(mut units: Vec<&Unit>) -> Vec<&Unit> {
    units.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    units
}

/// The picker's options for `scope`: live units labelled by their path, grouped by parent in tree
/// order. `keep` names a unit offered whatever the scope (the value already chosen, so that a
/// form shown again or a filter in use does not lose it).
pub(crate) fn unit_picker(units: &[Unit], scope: &Scope, keep: Option<&str>) -> Vec<UnitGroup> {
    let tree = Tree::new(units);
    let allowed = tree.allowed(scope);
    let keep: Option<UnitId> = keep.and_then(|k| k.parse().ok());
    let mut groups: Vec<UnitGroup> = vec![UnitGroup { label: None, options: Vec::new() }];
    let mut index: HashMap<Option<UnitId>, usize> = HashMap::from([(None, 0)]);
    for u in tree.in_order() {
        let offered = !u.archived && allowed.as_ref().is_none_or(|a| a.contains(&u.id));
        if !(offered || keep == Some(u.id)) {
            continue;
        }
        let parent = u.parent_id.and_then(|p| tree.by_id.get(&p).copied());
        let slot = *index.entry(parent.map(|p| p.id)).or_insert_with(|| {
            groups.push(UnitGroup { label: parent.map(|p| tree.path(p)), options: Vec::new() });
            groups.len() - 1
        });
        groups[slot].options.push([u.id.to_string(), tree.path(u)]);
    }
    groups.retain(|g| !g.options.is_empty());
    groups
}

/// The picker for a page: every unit read once, then [`unit_picker`].
pub(crate) async fn picker_for(st: &AppState, scope: &Scope, keep: Option<&str>) -> Result<Vec<UnitGroup>, PageError> {
    Ok(unit_picker(&every_unit(st).await?, scope, keep))
}

/// The category picker: every category labelled by its path ("城乡建设 / 安全生产 / 事故处理"),
/// grouped by its first level, the same `<select>` and type-ahead as units.
pub(crate) fn category_picker(taxonomy: &Taxonomy) -> Vec<UnitGroup> {
    let mut groups: Vec<UnitGroup> = Vec::new();
    for c in taxonomy.categories() {
        let label = category_path(&c.key);
        let top = rectify_domain::category::top(&c.key);
        match groups.iter_mut().find(|g| g.label.as_deref() == Some(top)) {
            Some(g) => g.options.push([c.key.clone(), label]),
            None => groups.push(UnitGroup { label: Some(top.to_owned()), options: vec![[c.key.clone(), label]] }),
        }
    }
    groups
}

/// A category's key as people read it.
pub(crate) fn category_path(key: &str) -> String {
    key.split(SEPARATOR).collect::<Vec<_>>().join(PATH_SEPARATOR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rectify_domain::actor::Role;

    fn unit(id: i64, parent: Option<i64>, name: &str, kind: UnitKind) -> Unit {
        let now = rectify_domain::time::Timestamp::from_utc(chrono::DateTime::UNIX_EPOCH);
        Unit {
            id: UnitId(id),
            parent_id: parent.map(UnitId),
            name: name.into(),
            kind,
            system: None,
            complaint_phone: None,
            mailbox: None,
            archived: false,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn tree() -> Vec<Unit> {
        vec![
            unit(1, None, "蔡甸区", UnitKind::District),
            unit(2, Some(1), "民政局", UnitKind::Department),
            unit(3, Some(2), "婚姻登记服务中心", UnitKind::Window),
            unit(4, Some(1), "奓山街道", UnitKind::Street),
            unit(5, Some(4), "社会事务服务中心", UnitKind::Station),
            unit(6, Some(1), "蔡甸街道", UnitKind::Street),
            unit(7, Some(6), "社会事务服务中心", UnitKind::Station),
            unit(8, Some(1), "区督导办", UnitKind::Office),
            unit(9, None, "金东区", UnitKind::District),
            unit(10, Some(9), "区教育局", UnitKind::Department),
        ]
    }

    fn labels(groups: &[UnitGroup]) -> Vec<(Option<&str>, Vec<&str>)> {
        groups.iter().map(|g| (g.label.as_deref(), g.options.iter().map(|o| o[1].as_str()).collect())).collect()
    }

    #[test]
    fn paths_tell_namesakes_apart_and_groups_follow_the_tree() {
        let units = tree();
        let got = unit_picker(&units, &Scope::All, None);
        assert_eq!(
            labels(&got),
            vec![
                (None, vec!["蔡甸区", "金东区"]),
                (
                    Some("蔡甸区"),
                    vec!["蔡甸区 / 区督导办", "蔡甸区 / 奓山街道", "蔡甸区 / 民政局", "蔡甸区 / 蔡甸街道"]
                ),
                (Some("蔡甸区 / 奓山街道"), vec!["蔡甸区 / 奓山街道 / 社会事务服务中心"]),
                (Some("蔡甸区 / 民政局"), vec!["蔡甸区 / 民政局 / 婚姻登记服务中心"]),
                (Some("蔡甸区 / 蔡甸街道"), vec!["蔡甸区 / 蔡甸街道 / 社会事务服务中心"]),
                (Some("金东区"), vec!["金东区 / 区教育局"]),
            ]
        );
    }

    #[test]
    fn scopes_limit_the_options() {
        let units = tree();
        let actor =
            |role, unit: Option<i64>| Actor { account_id: None, username: "u".into(), role, unit_id: unit.map(UnitId) };
        let ids = |g: Vec<UnitGroup>| -> Vec<String> {
            g.into_iter().flat_map(|g| g.options).map(|o| o[0].clone()).collect()
        };
        // The office of 蔡甸区 sees its district, not 金东区.
        let office = unit_picker(&units, &Scope::Reach(actor(Role::OfficeStaff, Some(8)), Records::Cases), None);
        assert_eq!(ids(office), ["1", "8", "4", "2", "6", "5", "3", "7"], "grouped by parent");
        // An office with no unit: everything.
        let all = unit_picker(&units, &Scope::Reach(actor(Role::OfficeStaff, None), Records::Cases), None);
        assert_eq!(ids(all).len(), 10);
        let leader = unit_picker(&units, &Scope::Reach(actor(Role::UnitLeader, Some(4)), Records::Problems), None);
        assert_eq!(ids(leader), ["4", "5"]);
        let clerk = unit_picker(&units, &Scope::Reach(actor(Role::UnitClerk, Some(3)), Records::Problems), Some("10"));
        assert_eq!(ids(clerk), ["3", "10"], "the value in use is kept");
        let only = unit_picker(&units, &Scope::Only(HashSet::from([UnitId(7)])), None);
        assert_eq!(labels(&only), vec![(Some("蔡甸区 / 蔡甸街道"), vec!["蔡甸区 / 蔡甸街道 / 社会事务服务中心"])]);
    }

    #[test]
    fn archived_units_are_offered_only_when_in_use() {
        let mut units = tree();
        units[2].archived = true;
        let ids: Vec<String> =
            unit_picker(&units, &Scope::All, None).into_iter().flat_map(|g| g.options).map(|o| o[0].clone()).collect();
        assert!(!ids.contains(&"3".to_owned()));
        let kept = unit_picker(&units, &Scope::All, Some("3"));
        assert!(kept.iter().any(|g| g.options.contains(&["3".into(), "蔡甸区 / 民政局 / 婚姻登记服务中心".into()])));
    }
}
