//! The 便民服务一本通 of an area: what a street or a district prints for its residents — the
//! area's unit and every unit below it (its stations), each a chapter of its published items, in
//! the tree's order (the area first, then each unit before the units below it, siblings by name).
//! A station with nothing published has no chapter. The store reads the units and the items; the
//! order, the chapters and the list of areas worth printing are decided here.

use crate::ids::UnitId;
use crate::service::catalog::ServiceItem;
use crate::unit::Unit;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One chapter: a unit and the published items it handles.
#[derive(Debug, Clone, Serialize)]
pub struct Station {
    pub unit_id: UnitId,
    pub name: String,
    /// The unit's own published complaint phone (投诉电话), if it has one.
    pub complaint_phone: Option<String>,
    pub items: Vec<ServiceItem>,
}

/// An area's handbook, as printed on `printed_on`.
#[derive(Debug, Clone, Serialize)]
pub struct Handbook {
    pub area_id: UnitId,
    pub area: String,
    pub printed_on: NaiveDate,
    /// The supervising office (the setting `office_name`), named on every page.
    pub office: String,
    /// Its complaint phone (作风办监督电话, the setting `complaint_phone`), when set.
    pub complaint_phone: Option<String>,
    /// The chapters in the tree's order; stations without published items are left out.
    pub stations: Vec<Station>,
}

impl Handbook {
    /// The published items of all stations.
    pub fn item_count(&self) -> usize {
        self.stations.iter().map(|s| s.items.len()).sum()
    }

    /// `王家庄街道便民服务一本通`.
    pub fn title(&self) -> String {
        format!("{}{TITLE}", self.area)
    }

    /// What the foot of every page says: the supervising office and, when set, its phone.
    pub fn footer(&self) -> String {
        match &self.complaint_phone {
            Some(phone) => format!("监督单位：{}　监督电话：{phone}", self.office),
            None => format!("监督单位：{}", self.office),
        }
    }
}

/// The handbook's name as offices print it.
pub const TITLE: &str = "便民服务一本通";

/// The live units below `root` (itself first), each before the units below it, siblings by name
/// (then by id). Units under an archived unit are not reached; a cycle is walked once.
pub fn tree_order(root: UnitId, units: &[Unit]) -> Vec<(&Unit, usize)> {
    let by_id: HashMap<UnitId, &Unit> = units.iter().filter(|u| !u.archived).map(|u| (u.id, u)).collect();
    let mut children: HashMap<UnitId, Vec<&Unit>> = HashMap::new();
    for u in by_id.values() {
        if let Some(p) = u.parent_id {
            children.entry(p).or_default().push(u);
        }
    }
    for kids in children.values_mut() {
        kids.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    let mut out: Vec<(&Unit, usize)> = Vec::new();
    let Some(first) = by_id.get(&root) else { return out };
    let mut seen = HashSet::new();
    let mut stack = vec![(*first, 0)];
    while let Some((u, depth)) = stack.pop() {
        if !seen.insert(u.id) {
            continue;
        }
        out.push((u, depth));
        if let Some(kids) = children.get(&u.id) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    out
}

/// The chapters of `root`'s handbook: `items` (published ones, in the catalog's order) grouped by
/// their unit, the units in [`tree_order`], units without items left out.
pub fn stations(root: UnitId, units: &[Unit], items: Vec<ServiceItem>) -> Vec<Station> {
    let mut by_unit: HashMap<UnitId, Vec<ServiceItem>> = HashMap::new();
    for item in items.into_iter().filter(|i| i.published) {
        by_unit.entry(item.fields.unit_id).or_default().push(item);
    }
    tree_order(root, units)
        .into_iter()
        .filter_map(|(u, _)| {
            let items = by_unit.remove(&u.id)?;
            Some(Station { unit_id: u.id, name: u.name.clone(), complaint_phone: u.complaint_phone.clone(), items })
        })
        .collect()
}

/// An area a resident may print the handbook of: a unit with published items in it or below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Area {
    pub unit_id: UnitId,
    pub name: String,
    /// How deep in the tree (0 for a top-level unit), for indenting the list.
    pub depth: usize,
    /// Published items of the unit and every unit below it.
    pub items: u64,
}

/// Every area worth printing, in tree order from each top-level unit: units whose subtree holds
/// published items (`counts`: published items per unit).
pub fn areas(units: &[Unit], counts: &HashMap<UnitId, u64>) -> Vec<Area> {
    // A unit under an archived one is not an area of its own: the archived unit took it along.
    let known: HashSet<UnitId> = units.iter().map(|u| u.id).collect();
    let mut roots: Vec<&Unit> =
        units.iter().filter(|u| !u.archived && u.parent_id.is_none_or(|p| !known.contains(&p))).collect();
    roots.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for root in roots {
        let order = tree_order(root.id, units);
        // Totals bottom-up: every unit comes after its parent, so backwards a unit's total is
        // complete before it is added to its parent's.
        let mut totals: HashMap<UnitId, u64> = HashMap::new();
        for (u, _) in order.iter().rev() {
            let total = totals.get(&u.id).copied().unwrap_or(0) + counts.get(&u.id).copied().unwrap_or(0);
            totals.insert(u.id, total);
            if let Some(p) = u.parent_id.filter(|_| u.id != root.id) {
                *totals.entry(p).or_default() += total;
            }
        }
        out.extend(order.into_iter().filter_map(|(u, depth)| {
            let items = totals.get(&u.id).copied().unwrap_or(0);
            (items > 0).then(|| Area { unit_id: u.id, name: u.name.clone(), depth, items })
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ServiceItemId;
    use crate::service::catalog::{Delivery, ServiceItemFields, ServiceKind};
    use crate::time::Timestamp;
    use crate::unit::UnitKind;

    fn unit(id: i64, parent: Option<i64>, name: &str) -> Unit {
        let at = Timestamp::from_utc(chrono::DateTime::UNIX_EPOCH);
        Unit {
            id: UnitId(id),
            parent_id: parent.map(UnitId),
            name: name.into(),
            kind: UnitKind::Other,
            system: None,
            complaint_phone: None,
            mailbox: None,
            archived: false,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    fn item(id: i64, unit: i64, published: bool) -> ServiceItem {
        let at = Timestamp::from_utc(chrono::DateTime::UNIX_EPOCH);
        let fields = ServiceItemFields {
            code: format!("X-{id}"),
            name: format!("事项{id}"),
            kind: ServiceKind::Public,
            unit_id: UnitId(unit),
            window: None,
            staff: vec![],
            place: None,
            hours: None,
            materials: vec![],
            steps: vec![],
            legal_limit_days: 5,
            promised_limit_days: 1,
            fees: None,
            fee_basis: None,
            legal_basis: None,
            max_visits: 1,
            delivery: Delivery::Window,
            lists: vec![],
        };
        fields.into_item(ServiceItemId(id), published, 1, (at, at))
    }

    /// 王家庄街道 (1) with 便民服务中心 (2) and 综合执法队 (3); 2 has 社区工作站 (4) below it;
    /// 安宁区 (5) beside; 已撤并站 (6) is archived and holds 7.
    fn tree() -> Vec<Unit> {
        let mut archived = unit(6, Some(1), "已撤并站");
        archived.archived = true;
        vec![
            unit(1, None, "王家庄街道"),
            unit(3, Some(1), "王家庄街道综合执法队"),
            unit(2, Some(1), "王家庄街道便民服务中心"),
            unit(4, Some(2), "社区工作站"),
            unit(5, None, "安宁区"),
            archived,
            unit(7, Some(6), "撤并站窗口"),
        ]
    }

    #[test]
    fn units_come_in_tree_order_each_before_those_below_it() {
        let units = tree();
        let order: Vec<(i64, usize)> = tree_order(UnitId(1), &units).iter().map(|(u, d)| (u.id.0, *d)).collect();
        assert_eq!(order, [(1, 0), (2, 1), (4, 2), (3, 1)], "siblings by name; nothing below an archived unit");
        assert!(tree_order(UnitId(6), &units).is_empty(), "an archived area has no tree");
        assert!(tree_order(UnitId(99), &units).is_empty());
    }

    #[test]
    fn chapters_hold_the_published_items_of_each_station() {
        let items =
            vec![item(10, 3, true), item(11, 2, true), item(12, 2, false), item(13, 4, true), item(14, 5, true)];
        let got: Vec<(i64, Vec<i64>)> = stations(UnitId(1), &tree(), items)
            .iter()
            .map(|s| (s.unit_id.0, s.items.iter().map(|i| i.id.0).collect()))
            .collect();
        assert_eq!(got, [(2, vec![11]), (4, vec![13]), (3, vec![10])], "no draft, no chapter for the empty area unit");
    }

    #[test]
    fn areas_are_the_units_with_items_in_or_below_them() {
        let counts = HashMap::from([(UnitId(2), 18), (UnitId(4), 2), (UnitId(7), 5)]);
        let got: Vec<(i64, usize, u64)> =
            areas(&tree(), &counts).iter().map(|a| (a.unit_id.0, a.depth, a.items)).collect();
        // Not 安宁区 (nothing published), nor the archived unit's window.
        assert_eq!(got, [(1, 0, 20), (2, 1, 20), (4, 2, 2)]);
    }

    #[test]
    fn the_footer_names_the_office_and_its_phone_when_set() {
        let mut h = Handbook {
            area_id: UnitId(1),
            area: "王家庄街道".into(),
            printed_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            office: "作风建设领导小组办公室".into(),
            complaint_phone: None,
            stations: vec![],
        };
        assert_eq!(h.footer(), "监督单位：作风建设领导小组办公室");
        h.complaint_phone = Some("0931-8123456".into());
        assert_eq!(h.footer(), "监督单位：作风建设领导小组办公室　监督电话：0931-8123456");
        assert_eq!(h.title(), "王家庄街道便民服务一本通");
    }
}
