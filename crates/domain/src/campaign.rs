//! Campaigns (活动): a named drive with phases and their deadlines, participating units, and
//! batches such as 第一批立改项目.

use crate::error::{DomainError, Issue, Problems};
use crate::ids::{BatchId, CampaignId, PhaseId, UnitId};
use crate::patch::Change;
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Phases per campaign; the seeds have four or five.
pub const MAX_PHASES: usize = 20;
/// The default quota of a 立改清单: each unit proposes two items (seed 000).
pub const DEFAULT_ITEMS_PER_UNIT: u32 = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub phases: Vec<Phase>,
    /// Participating units (参与单位).
    pub unit_ids: Vec<UnitId>,
    pub batches: Vec<Batch>,
    pub archived: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Phase {
    pub id: PhaseId,
    pub name: String,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Batch {
    pub id: BatchId,
    pub campaign_id: CampaignId,
    pub name: String,
    /// How many items each participating unit must propose (立改清单 quota).
    pub items_per_unit: u32,
    pub due_on: Option<NaiveDate>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhaseInput {
    pub name: Option<String>,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCampaign {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[serde(default)]
    pub phases: Vec<PhaseInput>,
    #[serde(default)]
    pub unit_ids: Vec<UnitId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignFields {
    pub name: String,
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub phases: Vec<(String, Option<NaiveDate>)>,
    pub unit_ids: Vec<UnitId>,
}

impl NewCampaign {
    pub fn validate(&self) -> Result<CampaignFields, DomainError> {
        let mut p = Problems::new();
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let description = p.take(text::optional("description", self.description.as_deref(), text::TEXT_MAX));
        if self.starts_on.is_none() {
            p.push("starts_on", Issue::Required);
        }
        if let (Some(s), Some(e)) = (self.starts_on, self.ends_on)
            && e < s
        {
            p.push("ends_on", Issue::BeforeOther { other: "starts_on".into() });
        }
        if self.phases.len() > MAX_PHASES {
            p.push("phases", Issue::TooMany { max: MAX_PHASES });
        }
        let phases: Vec<_> = self
            .phases
            .iter()
            .enumerate()
            .filter_map(|(i, ph)| {
                let name = p.take(text::required(&format!("phases[{i}].name"), ph.name.as_deref(), text::NAME_MAX))?;
                Some((name, ph.due_on))
            })
            .collect();
        let mut unit_ids = self.unit_ids.clone();
        unit_ids.sort();
        unit_ids.dedup();
        let (Some(name), Some(description), Some(starts_on), true) = (name, description, self.starts_on, p.is_empty())
        else {
            return Err(p.into_error());
        };
        Ok(CampaignFields { name, description, starts_on, ends_on: self.ends_on, phases, unit_ids })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignPatch {
    pub version: Option<i64>,
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Change<String>,
    pub starts_on: Option<NaiveDate>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub ends_on: Change<NaiveDate>,
    /// Replaces the phases when present.
    pub phases: Option<Vec<PhaseInput>>,
    /// Replaces the participating units when present.
    pub unit_ids: Option<Vec<UnitId>>,
    pub archived: Option<bool>,
}

impl CampaignPatch {
    pub fn apply(&self, c: &Campaign) -> Result<CampaignFields, DomainError> {
        NewCampaign {
            name: Some(self.name.clone().unwrap_or_else(|| c.name.clone())),
            description: self.description.clone().apply_to(c.description.clone()),
            starts_on: Some(self.starts_on.unwrap_or(c.starts_on)),
            ends_on: self.ends_on.clone().apply_to(c.ends_on),
            phases: self.phases.clone().unwrap_or_else(|| {
                c.phases.iter().map(|ph| PhaseInput { name: Some(ph.name.clone()), due_on: ph.due_on }).collect()
            }),
            unit_ids: self.unit_ids.clone().unwrap_or_else(|| c.unit_ids.clone()),
        }
        .validate()
    }
}

/// Body of `POST /api/v1/batches` (or `/api/v1/campaigns/{id}/batches`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewBatch {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub campaign_id: Option<CampaignId>,
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub name: Option<String>,
    /// Defaults to 2.
    pub items_per_unit: Option<i64>,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFields {
    pub campaign_id: CampaignId,
    pub name: String,
    pub items_per_unit: u32,
    pub due_on: Option<NaiveDate>,
}

impl NewBatch {
    pub fn validate(&self) -> Result<BatchFields, DomainError> {
        let mut p = Problems::new();
        if self.campaign_id.is_none() {
            p.push("campaign_id", Issue::Required);
        }
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let items = self.items_per_unit.unwrap_or(i64::from(DEFAULT_ITEMS_PER_UNIT));
        if !(0..=100).contains(&items) {
            p.push("items_per_unit", Issue::OutOfRange { min: 0, max: 100 });
        }
        let (Some(campaign_id), Some(name), true) = (self.campaign_id, name, p.is_empty()) else {
            return Err(p.into_error());
        };
        Ok(BatchFields { campaign_id, name, items_per_unit: items as u32, due_on: self.due_on })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_dates_must_be_in_order() {
        let c: NewCampaign = serde_json::from_str(
            r#"{"name":"创建评议","starts_on":"2010-04-01","ends_on":"2010-03-01","phases":[{"name":""}]}"#,
        )
        .unwrap();
        let DomainError::Invalid(errors) = c.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["ends_on", "phases[0].name"]);
    }

    #[test]
    fn batches_default_to_two_items_per_unit() {
        let b =
            NewBatch {
                campaign_id: Some(CampaignId(1)), name: Some("第一批立改项目".into()), ..Default::default()
            };
        assert_eq!(b.validate().unwrap().items_per_unit, 2);
        let b = NewBatch { items_per_unit: Some(-1), ..b };
        assert!(b.validate().is_err());
    }
}
