//! Measures (整改措施): the steps that fix a problem, each with its own owner and deadline.

use crate::error::{DomainError, Problems};
use crate::ids::{MeasureId, PersonId, ProblemId};
use crate::light::Light;
use crate::patch::Change;
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Measure {
    pub id: MeasureId,
    pub problem_id: ProblemId,
    pub description: String,
    pub owner_person_id: Option<PersonId>,
    pub deadline: Option<NaiveDate>,
    pub done: bool,
    pub done_at: Option<Timestamp>,
    pub light: Light,
    pub archived: bool,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMeasure {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub description: Option<String>,
    pub owner_person_id: Option<PersonId>,
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFields {
    pub description: String,
    pub owner_person_id: Option<PersonId>,
    pub deadline: Option<NaiveDate>,
    pub done: bool,
}

impl NewMeasure {
    pub fn validate(&self) -> Result<MeasureFields, DomainError> {
        self.validate_as("")
    }

    /// Validates with field names under `prefix` (`measures[2].`) when nested in a problem.
    pub(crate) fn validate_as(&self, prefix: &str) -> Result<MeasureFields, DomainError> {
        let mut p = Problems::new();
        let description =
            p.take(text::required(&format!("{prefix}description"), self.description.as_deref(), text::TEXT_MAX));
        match description {
            Some(description) => Ok(MeasureFields {
                description,
                owner_person_id: self.owner_person_id,
                deadline: self.deadline,
                done: self.done,
            }),
            None => Err(p.into_error()),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasurePatch {
    pub version: Option<i64>,
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub owner_person_id: Change<PersonId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<NaiveDate>))]
    pub deadline: Change<NaiveDate>,
    pub done: Option<bool>,
    /// Withdraw the measure (true) or bring it back (false).
    pub archived: Option<bool>,
}

impl MeasurePatch {
    pub fn apply(&self, m: &Measure) -> Result<MeasureFields, DomainError> {
        NewMeasure {
            description: Some(self.description.clone().unwrap_or_else(|| m.description.clone())),
            owner_person_id: self.owner_person_id.clone().apply_to(m.owner_person_id),
            deadline: self.deadline.clone().apply_to(m.deadline),
            done: self.done.unwrap_or(m.done),
        }
        .validate()
    }
}
