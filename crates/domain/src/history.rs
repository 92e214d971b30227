//! The change history: every change to a problem, measure, unit, campaign (and more) appends one
//! entry in the same transaction, with who, when, what, and the record before and after.

use crate::error::Entity;
use crate::ids::HistoryId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: HistoryId,
    pub at: Timestamp,
    /// The account name, or `system`.
    pub actor: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub entity: Entity,
    pub entity_id: String,
    /// `create`, `update`, `archive`, or a transition name such as `verify`.
    pub action: String,
    pub note: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}
