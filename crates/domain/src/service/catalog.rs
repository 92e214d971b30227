//! A service item (服务事项) as an office keeps it in its 事项清单 and prints it in its
//! 便民服务一本通: what it is, who handles it where and when, what to bring, the steps, the legal
//! time limit (法定时限) and the shorter promised one (承诺时限), fees, the legal basis, how many
//! visits a citizen needs at most (跑动次数: 0 零跑腿, 1 最多跑一次) and whether it is done online.
//! [`NewServiceItem::validate`] names every bad field; the store keeps each edit as a version.

use crate::error::{DomainError, Issue, Problems};
use crate::ids::UnitId;
use crate::text;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// The kinds of a 权力清单 and the services beside them.
    pub enum ServiceKind: "service.kind" {
        /// 行政许可.
        License = "license",
        /// 行政给付.
        Benefit = "benefit",
        /// 行政确认.
        Confirmation = "confirmation",
        /// 行政征收.
        Levy = "levy",
        /// 其他行政权力.
        OtherPower = "other_power",
        /// 公共服务.
        Public = "public",
        /// 便民服务.
        Convenience = "convenience",
    }
}

impl ServiceKind {
    /// Whether it is an administrative power (listed in the 权力清单).
    pub fn is_power(self) -> bool {
        matches!(self, Self::License | Self::Benefit | Self::Confirmation | Self::Levy | Self::OtherPower)
    }
}

crate::wire_enum! {
    /// How far it can be done without coming in.
    pub enum Delivery: "service.delivery" {
        /// 全程网办.
        Online = "online",
        /// 可预约: booked online, done at the window.
        Appointment = "appointment",
        /// 窗口办理.
        Window = "window",
    }
}

crate::wire_enum! {
    /// What of a material is handed in.
    pub enum MaterialForm: "service.material_form" {
        /// 原件.
        Original = "original",
        /// 复印件.
        Copy = "copy",
        /// 原件和复印件.
        Both = "both",
    }
}

/// The longest limit accepted, in working days (a year of them).
pub const LIMIT_MAX: u32 = 250;
/// Visits a citizen may be asked to make at most (the 跑动次数 printed on the card).
pub const VISITS_MAX: u32 = 10;
/// Materials, steps, staff and lists an item carries at most.
pub const MATERIALS_MAX: usize = 60;
pub const STEPS_MAX: usize = 30;
pub const STAFF_MAX: usize = 20;
pub const LISTS_MAX: usize = 10;
/// An item's code: what the office's list numbers it (`WJZ-001`, `620102-XK-0001`).
pub const CODE_MAX: usize = 40;

/// A material to bring.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMaterial {
    pub name: Option<String>,
    /// Original, copy or both (default: original).
    pub form: Option<MaterialForm>,
    /// Copies (default 1).
    pub count: Option<u32>,
    /// Where a citizen gets it (出具单位).
    pub source: Option<String>,
    /// Needed only in some cases (容缺 or 视情形提供).
    #[serde(default)]
    pub optional: bool,
}

/// A material as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    pub count: u32,
    pub source: Option<String>,
    pub optional: bool,
}

/// A person who handles the item, with the work phone printed for the public.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemStaff {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// Body of a new item or a new version of one.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewServiceItem {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<ServiceKind>,
    pub unit_id: Option<UnitId>,
    /// The window that handles it (窗口), as the hall numbers it.
    pub window: Option<String>,
    #[serde(default)]
    pub staff: Vec<ItemStaff>,
    /// Where (办理地点) and when (办理时间).
    pub place: Option<String>,
    pub hours: Option<String>,
    #[serde(default)]
    pub materials: Vec<NewMaterial>,
    /// The steps in order (申请, 受理, 审核, 办结 …).
    #[serde(default)]
    pub steps: Vec<String>,
    /// 法定时限, working days.
    pub legal_limit_days: Option<u32>,
    /// 承诺时限, working days: at most the legal limit.
    pub promised_limit_days: Option<u32>,
    /// 收费标准 and its basis; none means free.
    pub fees: Option<String>,
    pub fee_basis: Option<String>,
    /// 设定依据.
    pub legal_basis: Option<String>,
    /// 跑动次数 at most: 0 零跑腿, 1 最多跑一次.
    pub max_visits: Option<u32>,
    pub delivery: Option<Delivery>,
    /// The published lists it is in (最多跑一次, 权力清单, a life event such as 生育 or 就业).
    #[serde(default)]
    pub lists: Vec<String>,
    /// Shown on the public catalog (default: yes for a new item, unchanged for a new version).
    pub published: Option<bool>,
    /// A new version only: the version read.
    pub version: Option<i64>,
    /// A new version only: why it changes.
    pub reason: Option<String>,
}

/// An item's checked fields: what each version of it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceItemFields {
    pub code: String,
    pub name: String,
    pub kind: ServiceKind,
    pub unit_id: UnitId,
    pub window: Option<String>,
    pub staff: Vec<StaffContact>,
    pub place: Option<String>,
    pub hours: Option<String>,
    pub materials: Vec<Material>,
    pub steps: Vec<String>,
    pub legal_limit_days: u32,
    pub promised_limit_days: u32,
    pub fees: Option<String>,
    pub fee_basis: Option<String>,
    pub legal_basis: Option<String>,
    pub max_visits: u32,
    pub delivery: Delivery,
    pub lists: Vec<String>,
}

fn check_code(p: &mut Problems, code: Option<&str>) -> Option<String> {
    let code = p.take(text::required("code", code, CODE_MAX))?;
    if code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        Some(code)
    } else {
        p.push("code", Issue::Malformed { expected: crate::error::Expected::ItemCode });
        None
    }
}

fn check_limit(p: &mut Problems, field: &str, value: Option<u32>, max: u32) -> Option<u32> {
    match value {
        None => {
            p.push(field, Issue::Required);
            None
        }
        Some(v) if v > max => {
            p.push(field, Issue::OutOfRange { min: 0, max: i64::from(max) });
            None
        }
        Some(v) => Some(v),
    }
}

fn too_many<T>(p: &mut Problems, field: &str, list: &[T], max: usize) {
    if list.len() > max {
        p.push(field, Issue::TooMany { max });
    }
}

fn check_materials(p: &mut Problems, materials: &[NewMaterial]) -> Vec<Material> {
    too_many(p, "materials", materials, MATERIALS_MAX);
    let mut out = Vec::with_capacity(materials.len());
    for (i, m) in materials.iter().enumerate() {
        let name = p.take(text::required(&format!("materials[{i}].name"), m.name.as_deref(), text::SHORT_MAX));
        let source = p.take(text::optional(&format!("materials[{i}].source"), m.source.as_deref(), text::SHORT_MAX));
        let count = m.count.unwrap_or(1);
        if !(1..=99).contains(&count) {
            p.push(format!("materials[{i}].count"), Issue::OutOfRange { min: 1, max: 99 });
        }
        if let (Some(name), Some(source)) = (name, source) {
            if out.iter().any(|o: &Material| o.name == name) {
                p.push(format!("materials[{i}].name"), Issue::Duplicate);
            }
            let form = m.form.unwrap_or(MaterialForm::Original);
            out.push(Material { name, form, count, source, optional: m.optional });
        }
    }
    out
}

fn check_staff(p: &mut Problems, staff: &[ItemStaff]) -> Vec<StaffContact> {
    too_many(p, "staff", staff, STAFF_MAX);
    let mut out = Vec::with_capacity(staff.len());
    for (i, s) in staff.iter().enumerate() {
        let name = p.take(text::required(&format!("staff[{i}].name"), s.name.as_deref(), text::NAME_MAX));
        // The card prints the phone: a person without one is no help to a citizen.
        let field = format!("staff[{i}].phone");
        let phone = match p.take(text::phone(&field, s.phone.as_deref())) {
            Some(None) => {
                p.push(field, Issue::Required);
                None
            }
            other => other.flatten(),
        };
        if let (Some(name), Some(phone)) = (name, phone) {
            out.push(StaffContact { name, phone });
        }
    }
    out
}

fn check_texts(p: &mut Problems, field: &str, items: &[String], max: usize) -> Vec<String> {
    too_many(p, field, items, max);
    let checked = items
        .iter()
        .enumerate()
        .map(|(i, s)| p.take(text::required(&format!("{field}[{i}]"), Some(s), text::SHORT_MAX)));
    checked.collect::<Vec<_>>().into_iter().flatten().collect()
}

impl NewServiceItem {
    pub fn validate(&self) -> Result<ServiceItemFields, DomainError> {
        let mut p = Problems::new();
        let code = check_code(&mut p, self.code.as_deref());
        let name = p.take(text::required("name", self.name.as_deref(), text::SHORT_MAX));
        if self.kind.is_none() {
            p.push("kind", Issue::Required);
        }
        if self.unit_id.is_none() {
            p.push("unit_id", Issue::Required);
        }
        let short = |p: &mut Problems, field: &str, v: &Option<String>| {
            p.take(text::optional(field, v.as_deref(), text::SHORT_MAX)).flatten()
        };
        let (window, place, hours) = (
            short(&mut p, "window", &self.window),
            short(&mut p, "place", &self.place),
            short(&mut p, "hours", &self.hours),
        );
        let long = |p: &mut Problems, field: &str, v: &Option<String>| {
            p.take(text::optional(field, v.as_deref(), text::TEXT_MAX)).flatten()
        };
        let (fees, fee_basis, legal_basis) = (
            long(&mut p, "fees", &self.fees),
            long(&mut p, "fee_basis", &self.fee_basis),
            long(&mut p, "legal_basis", &self.legal_basis),
        );
        let staff = check_staff(&mut p, &self.staff);
        let materials = check_materials(&mut p, &self.materials);
        let steps = check_texts(&mut p, "steps", &self.steps, STEPS_MAX);
        let lists = check_texts(&mut p, "lists", &self.lists, LISTS_MAX);
        let legal = check_limit(&mut p, "legal_limit_days", self.legal_limit_days, LIMIT_MAX);
        // The promise is the office's own shorter limit: never beyond the law's.
        let promised = check_limit(&mut p, "promised_limit_days", self.promised_limit_days, legal.unwrap_or(LIMIT_MAX));
        let max_visits = self.max_visits.unwrap_or(1);
        if max_visits > VISITS_MAX {
            p.push("max_visits", Issue::OutOfRange { min: 0, max: i64::from(VISITS_MAX) });
        }
        p.finish(|| ())?;
        match (code, name, self.kind, self.unit_id, legal, promised) {
            (Some(code), Some(name), Some(kind), Some(unit_id), Some(legal), Some(promised)) => Ok(ServiceItemFields {
                code,
                name,
                kind,
                unit_id,
                window,
                staff,
                place,
                hours,
                materials,
                steps,
                legal_limit_days: legal,
                promised_limit_days: promised,
                fees,
                fee_basis,
                legal_basis,
                max_visits,
                delivery: self.delivery.unwrap_or(Delivery::Window),
                lists,
            }),
            _ => Err(DomainError::field("code", Issue::Required)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn birth_registration() -> NewServiceItem {
        NewServiceItem {
            code: Some("WJZ-MZ-001".into()),
            name: Some("生育登记".into()),
            kind: Some(ServiceKind::Public),
            unit_id: Some(UnitId(3)),
            window: Some("3号窗口".into()),
            staff: vec![ItemStaff { name: Some("李红".into()), phone: Some("0931-7612345".into()) }],
            materials: vec![
                NewMaterial {
                    name: Some("夫妻双方身份证".into()),
                    form: Some(MaterialForm::Both),
                    ..Default::default()
                },
                NewMaterial { name: Some("结婚证".into()), ..Default::default() },
            ],
            steps: vec!["申请".into(), "受理".into(), "办结".into()],
            legal_limit_days: Some(20),
            promised_limit_days: Some(1),
            max_visits: Some(1),
            lists: vec!["最多跑一次".into(), "生育".into()],
            ..Default::default()
        }
    }

    #[test]
    fn an_item_as_a_street_office_prints_it() {
        let f = birth_registration().validate().unwrap();
        assert_eq!((f.legal_limit_days, f.promised_limit_days, f.max_visits), (20, 1, 1));
        assert_eq!(f.materials[0].form, MaterialForm::Both);
        assert_eq!((f.materials[1].form, f.materials[1].count), (MaterialForm::Original, 1), "defaults");
        assert_eq!(f.staff, [StaffContact { name: "李红".into(), phone: "0931-7612345".into() }]);
        assert_eq!(f.delivery, Delivery::Window);
        assert!(!ServiceKind::Public.is_power() && ServiceKind::License.is_power());
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = NewServiceItem {
            code: Some("WJZ 001".into()),
            kind: None,
            staff: vec![ItemStaff { name: Some("王强".into()), phone: None }],
            materials: vec![
                NewMaterial { name: Some("户口簿".into()), count: Some(0), ..Default::default() },
                NewMaterial { name: Some("户口簿".into()), ..Default::default() },
            ],
            legal_limit_days: Some(20),
            // A promise beyond the law is no promise.
            promised_limit_days: Some(25),
            max_visits: Some(11),
            ..birth_registration()
        };
        let DomainError::Invalid(errors) = bad.validate().unwrap_err() else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "code",
                "kind",
                "staff[0].phone",
                "materials[0].count",
                "materials[1].name",
                "promised_limit_days",
                "max_visits"
            ]
        );
        let promise = errors.iter().find(|e| e.field == "promised_limit_days").unwrap();
        assert_eq!(promise.issue, Issue::OutOfRange { min: 0, max: 20 });
        let none = NewServiceItem::default().validate().unwrap_err();
        assert_eq!(none.fields(), ["code", "name", "kind", "unit_id", "legal_limit_days", "promised_limit_days"]);
    }
}

/// An item as the catalog holds it: the fields of its current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceItem {
    pub id: crate::ids::ServiceItemId,
    #[serde(flatten)]
    pub fields: ServiceItemFields,
    /// Shown on the public catalog.
    pub published: bool,
    /// The version number: every edit makes the next one; service cases keep theirs.
    pub version: i64,
    pub created_at: crate::time::Timestamp,
    pub updated_at: crate::time::Timestamp,
}

/// A handler with their public work phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffContact {
    pub name: String,
    pub phone: String,
}

impl NewServiceItem {
    /// A new version of `current`: the checked item and why it changes (required once the
    /// public has seen it), against the version the writer read.
    pub fn validate_revision(&self, current: &ServiceItem) -> Result<(ServiceItemFields, Option<String>), DomainError> {
        let mut p = Problems::new();
        if self.version.is_none() {
            p.push("version", Issue::Required);
        }
        let reason = p.take(text::optional("reason", self.reason.as_deref(), text::TEXT_MAX)).flatten();
        // The public relied on what it read: a change to it says why.
        if current.published && reason.is_none() {
            p.push("reason", Issue::Required);
        }
        let fields = match self.validate() {
            Ok(f) => Some(f),
            Err(DomainError::Invalid(errors)) => {
                p.extend(errors);
                None
            }
            Err(e) => return Err(e),
        };
        p.finish(|| ())?;
        fields.map(|f| (f, reason)).ok_or_else(|| DomainError::field("version", Issue::Required))
    }
}

impl ServiceItemFields {
    /// The item these fields make, with its identity and dates.
    pub fn into_item(
        self,
        id: crate::ids::ServiceItemId,
        published: bool,
        version: i64,
        (created_at, updated_at): (crate::time::Timestamp, crate::time::Timestamp),
    ) -> ServiceItem {
        ServiceItem { id, fields: self, published, version, created_at, updated_at }
    }
}
