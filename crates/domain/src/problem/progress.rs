//! Progress entries (整改进展): dated notes with evidence (佐证材料) attached.

use crate::attachment::AttachmentMeta;
use crate::error::{DomainError, Issue, Problems};
use crate::ids::{AttachmentId, ProblemId, ProgressId};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const MAX_ATTACHMENTS_PER_PROGRESS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub id: ProgressId,
    pub problem_id: ProblemId,
    /// The day the progress happened (may be earlier than when it was entered).
    pub on: NaiveDate,
    pub note: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
    pub author: String,
    pub created_at: Timestamp,
}

/// Body of `POST /api/v1/problems/{id}/progress`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProgress {
    pub note: Option<String>,
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
    /// Defaults to today; may not be in the future.
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressFields {
    pub note: Option<String>,
    pub attachment_ids: Vec<AttachmentId>,
    pub on: NaiveDate,
}

impl NewProgress {
    pub fn validate(&self, today: NaiveDate) -> Result<ProgressFields, DomainError> {
        let mut p = Problems::new();
        let note = p.take(text::optional("note", self.note.as_deref(), text::TEXT_MAX));
        let mut ids = self.attachment_ids.clone();
        ids.sort();
        ids.dedup();
        if ids.len() > MAX_ATTACHMENTS_PER_PROGRESS {
            p.push("attachment_ids", Issue::TooMany { max: MAX_ATTACHMENTS_PER_PROGRESS });
        }
        if matches!(note, Some(None)) && ids.is_empty() {
            p.push("note", Issue::Required);
        }
        let on = self.on.unwrap_or(today);
        if on > today {
            p.push("on", Issue::InvalidDate);
        }
        match note {
            Some(note) if p.is_empty() => Ok(ProgressFields { note, attachment_ids: ids, on }),
            _ => Err(p.into_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_needs_a_note_or_evidence_and_no_future_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(NewProgress::default().validate(today).is_err());
        let photo = NewProgress { attachment_ids: vec![AttachmentId(4)], ..Default::default() };
        assert_eq!(photo.validate(today).unwrap().on, today);
        let future = NewProgress { note: Some("已清理".into()), on: today.succ_opt(), ..Default::default() };
        assert!(future.validate(today).is_err());
    }
}
