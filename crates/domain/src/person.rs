//! People: the staff named in problems, measures and plans, and the outside supervisors
//! (行风监督员, 作风督查员, 特邀廉政监察员) appointed to inspect and collect opinions.

use crate::error::{DomainError, Issue, Problems};
use crate::ids::{PersonId, UnitId};
use crate::patch::Change;
use crate::text;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum PersonKind: "person_kind" {
        /// 干部/工作人员 of a unit.
        Staff = "staff" | "干部" | "工作人员",
        /// An appointed outside supervisor.
        Supervisor = "supervisor" | "监督员" | "督查员",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub kind: PersonKind,
    /// The unit a staff member works in, or the unit a supervisor is attached to.
    pub unit_id: Option<UnitId>,
    /// 职务, e.g. 局长, 分管副局长, 科员.
    pub position: Option<String>,
    /// For supervisors: who they are outside (区人大代表, 政协委员, 企业代表).
    pub affiliation: Option<String>,
    pub phone: Option<String>,
    pub archived: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    /// Defaults to `staff`.
    pub kind: Option<PersonKind>,
    /// Required for staff.
    pub unit_id: Option<UnitId>,
    pub position: Option<String>,
    pub affiliation: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFields {
    pub name: String,
    pub kind: PersonKind,
    pub unit_id: Option<UnitId>,
    pub position: Option<String>,
    pub affiliation: Option<String>,
    pub phone: Option<String>,
}

impl NewPerson {
    pub fn validate(&self) -> Result<PersonFields, DomainError> {
        let mut p = Problems::new();
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let position = p.take(text::optional("position", self.position.as_deref(), text::NAME_MAX));
        let affiliation = p.take(text::optional("affiliation", self.affiliation.as_deref(), text::NAME_MAX));
        let phone = p.take(text::phone("phone", self.phone.as_deref()));
        let kind = self.kind.unwrap_or(PersonKind::Staff);
        if kind == PersonKind::Staff && self.unit_id.is_none() {
            p.push("unit_id", Issue::Required);
        }
        let (Some(name), Some(position), Some(affiliation), Some(phone), true) =
            (name, position, affiliation, phone, p.is_empty())
        else {
            return Err(p.into_error());
        };
        Ok(PersonFields { name, kind, unit_id: self.unit_id, position, affiliation, phone })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<PersonKind>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub unit_id: Change<UnitId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub position: Change<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub affiliation: Change<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub phone: Change<String>,
    pub archived: Option<bool>,
}

impl PersonPatch {
    pub fn apply(&self, person: &Person) -> Result<PersonFields, DomainError> {
        NewPerson {
            name: Some(self.name.clone().unwrap_or_else(|| person.name.clone())),
            kind: Some(self.kind.unwrap_or(person.kind)),
            unit_id: self.unit_id.clone().apply_to(person.unit_id),
            position: self.position.clone().apply_to(person.position.clone()),
            affiliation: self.affiliation.clone().apply_to(person.affiliation.clone()),
            phone: self.phone.clone().apply_to(person.phone.clone()),
        }
        .validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_need_a_unit_supervisors_do_not() {
        let staff = NewPerson { name: Some("张三".into()), ..Default::default() };
        assert!(staff.validate().is_err());
        let sup = NewPerson {
            name: Some("李四".into()),
            kind: Some(PersonKind::Supervisor),
            affiliation: Some("区人大代表".into()),
            ..Default::default()
        };
        assert_eq!(sup.validate().unwrap().unit_id, None);
    }
}
