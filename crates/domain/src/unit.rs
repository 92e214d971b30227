//! The unit tree (组织架构): district → departments and streets → stations, windows, sections.

use crate::error::{DomainError, Issue, Problems, Rule};
use crate::ids::UnitId;
use crate::patch::Change;
use crate::text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

crate::wire_enum! {
    pub enum UnitKind: "unit_kind" {
        /// 区/县 and their leadership bodies.
        District = "district" | "区" | "县",
        /// Supervising office (督导办, 作风办, 纪委, 纠风办 …).
        Office = "office" | "督导办",
        /// 机关部门 (bureaus, committees).
        Department = "department" | "机关部门" | "部门",
        Street = "street" | "街道",
        Township = "township" | "乡镇" | "乡" | "镇",
        Community = "community" | "社区",
        Village = "village" | "村",
        /// 站所: police stations, tax offices, land offices …
        Station = "station" | "站所",
        /// 窗口 of a service centre.
        Window = "window" | "窗口",
        Section = "section" | "科室",
        /// Public utilities run as enterprises (供电, 自来水).
        Enterprise = "enterprise" | "企业",
        Other = "other" | "其他",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub id: UnitId,
    pub parent_id: Option<UnitId>,
    pub name: String,
    pub kind: UnitKind,
    /// 系统, e.g. 公安, 国税, 工商 (seed 003 has 46 of them).
    pub system: Option<String>,
    /// Published complaint phone (投诉电话).
    pub complaint_phone: Option<String>,
    /// Published online mailbox (网络信箱): an e-mail or web address.
    pub mailbox: Option<String>,
    pub archived: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Body of `POST /api/v1/units`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    pub parent_id: Option<UnitId>,
    /// Defaults to `other`.
    pub kind: Option<UnitKind>,
    pub system: Option<String>,
    pub complaint_phone: Option<String>,
    pub mailbox: Option<String>,
}

/// A unit ready to be stored: every field checked except references, which the store checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFields {
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub kind: UnitKind,
    pub system: Option<String>,
    pub complaint_phone: Option<String>,
    pub mailbox: Option<String>,
}

impl NewUnit {
    pub fn validate(&self) -> Result<UnitFields, DomainError> {
        let mut p = Problems::new();
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let system = p.take(text::optional("system", self.system.as_deref(), text::NAME_MAX));
        let phone = p.take(text::phone("complaint_phone", self.complaint_phone.as_deref()));
        let mailbox = p.take(text::mailbox("mailbox", self.mailbox.as_deref()));
        let (Some(name), Some(system), Some(complaint_phone), Some(mailbox)) = (name, system, phone, mailbox) else {
            return Err(p.into_error());
        };
        Ok(UnitFields {
            name,
            parent_id: self.parent_id,
            kind: self.kind.unwrap_or(UnitKind::Other),
            system,
            complaint_phone,
            mailbox,
        })
    }
}

/// Body of `PATCH /api/v1/units/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    /// The version the client read; a stale one is refused with 409.
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub parent_id: Change<UnitId>,
    pub kind: Option<UnitKind>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub system: Change<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub complaint_phone: Change<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub mailbox: Change<String>,
    /// Archive (true) or bring back (false). Nothing is ever deleted.
    pub archived: Option<bool>,
}

impl UnitPatch {
    /// The unit's fields after the patch, checked.
    pub fn apply(&self, unit: &Unit) -> Result<UnitFields, DomainError> {
        let merged = NewUnit {
            name: Some(self.name.clone().unwrap_or_else(|| unit.name.clone())),
            parent_id: self.parent_id.clone().apply_to(unit.parent_id),
            kind: Some(self.kind.unwrap_or(unit.kind)),
            system: self.system.clone().apply_to(unit.system.clone()),
            complaint_phone: self.complaint_phone.clone().apply_to(unit.complaint_phone.clone()),
            mailbox: self.mailbox.clone().apply_to(unit.mailbox.clone()),
        };
        merged.validate()
    }
}

/// The shape of the tree, for questions that need more than one row: sub-units, the line up to
/// the root, whether a move would make a cycle.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    parent: HashMap<UnitId, Option<UnitId>>,
    children: HashMap<UnitId, Vec<UnitId>>,
}

impl UnitTree {
    pub fn new(pairs: impl IntoIterator<Item = (UnitId, Option<UnitId>)>) -> Self {
        let mut tree = UnitTree::default();
        for (id, parent) in pairs {
            tree.parent.insert(id, parent);
            if let Some(p) = parent {
                tree.children.entry(p).or_default().push(id);
            }
        }
        tree
    }

    pub fn contains(&self, id: UnitId) -> bool {
        self.parent.contains_key(&id)
    }

    pub fn parent(&self, id: UnitId) -> Option<UnitId> {
        self.parent.get(&id).copied().flatten()
    }

    /// The unit, its parent, … up to the root. Stops on a cycle rather than looping.
    pub fn line_up(&self, id: UnitId) -> Vec<UnitId> {
        let mut line = vec![id];
        let mut at = id;
        while let Some(p) = self.parent(at) {
            if line.contains(&p) {
                break;
            }
            line.push(p);
            at = p;
        }
        line
    }

    /// The unit and every unit below it.
    pub fn subtree(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            if let Some(kids) = self.children.get(&out[i]) {
                for k in kids {
                    if !out.contains(k) {
                        out.push(*k);
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// Refuses a move of `id` under `new_parent` that would put it below itself.
    pub fn check_move(&self, id: UnitId, new_parent: Option<UnitId>) -> Result<(), DomainError> {
        match new_parent {
            Some(p) if self.line_up(p).contains(&id) => Err(DomainError::rule(Rule::UnitCycle, "parent_id")),
            _ => Ok(()),
        }
    }
}

pub fn kind_issue() -> Issue {
    Issue::NotOneOf { expected: UnitKind::ALL.iter().map(|k| k.as_str().to_owned()).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_every_bad_field() {
        let input = NewUnit {
            name: Some("  ".into()),
            complaint_phone: Some("call us".into()),
            mailbox: Some("nope".into()),
            ..Default::default()
        };
        let DomainError::Invalid(errors) = input.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "complaint_phone", "mailbox"]);
    }

    #[test]
    fn chinese_kind_names_are_accepted() {
        let u: NewUnit = serde_json::from_str(r#"{"name":"培黎街道","kind":"街道"}"#).unwrap();
        assert_eq!(u.kind, Some(UnitKind::Street));
    }

    #[test]
    fn moves_that_make_cycles_are_refused() {
        let tree = UnitTree::new([(UnitId(1), None), (UnitId(2), Some(UnitId(1))), (UnitId(3), Some(UnitId(2)))]);
        assert!(tree.check_move(UnitId(1), Some(UnitId(3))).is_err());
        assert!(tree.check_move(UnitId(2), Some(UnitId(2))).is_err());
        assert!(tree.check_move(UnitId(3), Some(UnitId(1))).is_ok());
        assert_eq!(tree.subtree(UnitId(1)), vec![UnitId(1), UnitId(2), UnitId(3)]);
        assert_eq!(tree.line_up(UnitId(3)), vec![UnitId(3), UnitId(2), UnitId(1)]);
    }
}
