//! Registering a case: by the public (web form, app, kiosk) or by staff for the other channels,
//! and intake sessions (a 座谈会 or a round of visits that yields many cases).

use super::{CaseType, Channel};
use crate::attachment::check_upload;
use crate::error::{DomainError, FieldError, Issue, Problems, Rule};
use crate::ids::{AttachmentId, IntakeSessionId, UnitId};
use crate::text;
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::Deserialize;

/// Files a citizen may attach to a case.
pub const MAX_CASE_ATTACHMENTS: usize = 5;
/// What the public may upload: photos and PDF scans.
pub const PUBLIC_ATTACHMENT_TYPES: [&str; 5] =
    ["image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"];

/// Body of `POST /api/v1/cases` (as JSON, or as form fields with files).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// What happened, in the citizen's words (required, at most 4,000 characters).
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub content: Option<String>,
    pub title: Option<String>,
    /// Defaults to `web`; the public may only use `web`.
    pub channel: Option<Channel>,
    /// Defaults to `complaint`.
    #[serde(rename = "type")]
    pub case_type: Option<CaseType>,
    /// Staff only: due the day it is assigned.
    pub urgent: Option<bool>,
    /// Optional: anonymous cases are allowed but cannot be called back.
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The unit the citizen means, if they know it.
    pub unit_id: Option<UnitId>,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Staff only: when the office really received it (defaults to now).
    pub received_at: Option<Timestamp>,
    /// Staff only: the intake session (座谈会, round of visits) it came from.
    pub session_id: Option<IntakeSessionId>,
    /// Staff only: files uploaded first through `POST /api/v1/attachments`.
    #[serde(default)]
    pub attachment_ids: Vec<AttachmentId>,
    /// The sending device's identifier (Open311's `device_id`; the portal's form sends its own),
    /// at most 200 characters: the same message again from the same device is a resubmission.
    /// Kept only as a keyed digest, never shown.
    pub device_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseFields {
    pub content: String,
    pub title: Option<String>,
    pub channel: Channel,
    pub case_type: CaseType,
    pub urgent: bool,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub target_unit_id: Option<UnitId>,
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub received_at: Timestamp,
    pub session_id: Option<IntakeSessionId>,
    pub attachment_ids: Vec<AttachmentId>,
    pub device_id: Option<String>,
}

/// A citizen's phone: a mainland mobile (`13812345678`, `+86 138 1234 5678`) or a landline with
/// its area code (`0931-7612345`). Returned as digits (a landline keeps its dash).
pub fn citizen_phone(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(raw) = text::optional(field, value, 40)? else { return Ok(None) };
    let bad = || FieldError {
        field: field.into(),
        issue: Issue::Malformed { expected: crate::error::Expected::MobileOrLandline },
    };
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '(' | ')')).collect();
    let compact = compact.strip_prefix("+86").or_else(|| compact.strip_prefix("0086")).unwrap_or(&compact).to_owned();
    if compact.is_empty() || !compact.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(bad());
    }
    let digits: String = compact.chars().filter(char::is_ascii_digit).collect();
    let is_mobile = digits.len() == 11 && digits.starts_with('1') && matches!(digits.as_bytes()[1], b'3'..=b'9');
    if is_mobile {
        return Ok(Some(digits));
    }
    if !digits.starts_with('0') {
        return Err(bad());
    }
    // Landline: a 3-digit area code (010, 02x) or a 4-digit one, then 7 or 8 digits.
    let (area, local) = match compact.split_once('-') {
        Some((a, l)) => (a.to_owned(), l.replace('-', "")),
        None => {
            let short = digits.starts_with("01") || digits.starts_with("02");
            let n = if short { 3 } else { 4 };
            (digits[..n.min(digits.len())].to_owned(), digits[n.min(digits.len())..].to_owned())
        }
    };
    if (3..=4).contains(&area.len()) && area.starts_with('0') && (7..=8).contains(&local.len()) {
        Ok(Some(format!("{area}-{local}")))
    } else {
        Err(bad())
    }
}

fn email(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = text::optional(field, value, text::SHORT_MAX)? else { return Ok(None) };
    let ok = v.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !d.starts_with('.') && !v.contains(char::is_whitespace)
    });
    if ok {
        Ok(Some(v))
    } else {
        Err(FieldError { field: field.into(), issue: Issue::Malformed { expected: crate::error::Expected::Email } })
    }
}

impl NewCase {
    /// Checks a submission. `public`: from the citizen form, where staff-only fields are refused
    /// and the channel is `web`.
    pub fn validate(&self, public: bool, now: Timestamp) -> Result<CaseFields, DomainError> {
        let mut p = Problems::new();
        let content = p.take(text::required("content", self.content.as_deref(), text::MESSAGE_MAX));
        let title = p.take(text::optional("title", self.title.as_deref(), text::SHORT_MAX));
        let name = p.take(text::optional("name", self.name.as_deref(), text::NAME_MAX));
        let phone = p.take(citizen_phone("phone", self.phone.as_deref()));
        let email = p.take(email("email", self.email.as_deref()));
        let location = p.take(text::optional("location", self.location.as_deref(), text::SHORT_MAX));
        let device_id = p.take(text::optional("device_id", self.device_id.as_deref(), DEVICE_ID_MAX));
        let channel = self.channel.unwrap_or(Channel::Web);
        if public && channel != Channel::Web {
            return Err(DomainError::rule(Rule::PublicChannelOnly, "channel"));
        }
        if public {
            for (field, present) in [
                ("urgent", self.urgent.is_some()),
                ("received_at", self.received_at.is_some()),
                ("session_id", self.session_id.is_some()),
                ("attachment_ids", !self.attachment_ids.is_empty()),
            ] {
                if present {
                    p.push(field, Issue::StaffOnly);
                }
            }
        }
        match (self.latitude, self.longitude) {
            (Some(lat), Some(lng)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    p.push("latitude", Issue::OutOfRange { min: -90, max: 90 });
                }
                if !(-180.0..=180.0).contains(&lng) {
                    p.push("longitude", Issue::OutOfRange { min: -180, max: 180 });
                }
            }
            (Some(_), None) => p.push("longitude", Issue::Required),
            (None, Some(_)) => p.push("latitude", Issue::Required),
            (None, None) => {}
        }
        let received_at = self.received_at.unwrap_or(now);
        // A few minutes of clock skew between a clerk's PC and the server are fine.
        if received_at.utc() > now.utc() + chrono::TimeDelta::minutes(5) {
            p.push("received_at", Issue::BeforeOther { other: "now".into() });
        }
        let mut attachment_ids = self.attachment_ids.clone();
        attachment_ids.sort();
        attachment_ids.dedup();
        if attachment_ids.len() > MAX_CASE_ATTACHMENTS {
            p.push("attachment_ids", Issue::TooMany { max: MAX_CASE_ATTACHMENTS });
        }
        let (Some(content), Some(title), Some(name), Some(phone), Some(email), Some(location), Some(device_id), true) =
            (content, title, name, phone, email, location, device_id, p.is_empty())
        else {
            return Err(p.into_error());
        };
        Ok(CaseFields {
            content,
            title,
            channel,
            case_type: self.case_type.unwrap_or(CaseType::Complaint),
            urgent: self.urgent.unwrap_or(false),
            name,
            phone,
            email,
            target_unit_id: self.unit_id,
            location,
            latitude: self.latitude,
            longitude: self.longitude,
            received_at,
            session_id: self.session_id,
            attachment_ids,
            device_id,
        })
    }
}

/// Body of `POST /api/v1/intake-sessions`: a 座谈会, a round of visits (走访) or a questionnaire
/// whose many cases are registered against it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewIntakeSession {
    #[cfg_attr(feature = "openapi", schema(required, nullable = false))]
    pub title: Option<String>,
    /// `forum` by default; also `visit`, `questionnaire`, `suggestion_box`.
    pub channel: Option<Channel>,
    pub held_on: Option<NaiveDate>,
    pub place: Option<String>,
    /// The unit that held it.
    pub unit_id: Option<UnitId>,
    pub participants: Option<i64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeSessionFields {
    pub title: String,
    pub channel: Channel,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub unit_id: Option<UnitId>,
    pub participants: Option<i64>,
    pub note: Option<String>,
}

impl NewIntakeSession {
    pub fn validate(&self, today: NaiveDate) -> Result<IntakeSessionFields, DomainError> {
        let mut p = Problems::new();
        let title = p.take(text::required("title", self.title.as_deref(), text::SHORT_MAX));
        let place = p.take(text::optional("place", self.place.as_deref(), text::SHORT_MAX));
        let note = p.take(text::optional("note", self.note.as_deref(), text::TEXT_MAX));
        let channel = self.channel.unwrap_or(Channel::Forum);
        if !matches!(channel, Channel::Forum | Channel::Visit | Channel::Questionnaire | Channel::SuggestionBox) {
            p.push(
                "channel",
                Issue::NotOneOf {
                    expected: vec!["forum".into(), "visit".into(), "questionnaire".into(), "suggestion_box".into()],
                },
            );
        }
        let held_on = self.held_on.unwrap_or(today);
        if held_on > today {
            p.push("held_on", Issue::InvalidDate);
        }
        if let Some(n) = self.participants
            && !(0..=100_000).contains(&n)
        {
            p.push("participants", Issue::OutOfRange { min: 0, max: 100_000 });
        }
        let (Some(title), Some(place), Some(note), true) = (title, place, note, p.is_empty()) else {
            return Err(p.into_error());
        };
        Ok(IntakeSessionFields {
            title,
            channel,
            held_on,
            place,
            unit_id: self.unit_id,
            participants: self.participants,
            note,
        })
    }
}

/// The citizen is told their case is registered, with its tracking code.
pub fn registered(code: &str) -> crate::notice::Notice {
    use crate::notice::{Notice, NoticeTemplate, Recipient};
    Notice::new(Recipient::Citizen, NoticeTemplate::CaseRegistered).with("code", code)
}

/// The longest device identifier taken.
const DEVICE_ID_MAX: usize = 200;

/// The same phone sending the same text within this many minutes gets the first case back.
pub const DUPLICATE_WINDOW_MINUTES: i64 = 10;

/// A file sent with the public form.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file that passed the checks.
pub struct CheckedFile {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks the files of a public submission: photos or PDF, at most five, 10 MB each.
pub fn check_files(files: Vec<UploadedFile>) -> Result<Vec<CheckedFile>, DomainError> {
    if files.len() > MAX_CASE_ATTACHMENTS {
        return Err(DomainError::field("files", Issue::TooMany { max: MAX_CASE_ATTACHMENTS }));
    }
    let mut out = Vec::new();
    for (i, f) in files.into_iter().enumerate() {
        let field = format!("files[{i}]");
        let (name, mime) = check_upload(&f.name, &f.bytes).map_err(|e| match e {
            DomainError::Invalid(mut errs) => {
                for er in &mut errs {
                    er.field = field.clone();
                }
                DomainError::Invalid(errs)
            }
            other => other,
        })?;
        if !PUBLIC_ATTACHMENT_TYPES.contains(&mime) {
            return Err(DomainError::field(
                field,
                Issue::NotOneOf { expected: PUBLIC_ATTACHMENT_TYPES.iter().map(|m| (*m).to_owned()).collect() },
            ));
        }
        out.push(CheckedFile { name, mime, bytes: f.bytes });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_utc(chrono::Utc::now())
    }

    #[test]
    fn phones() {
        let ok = |s: &str| citizen_phone("phone", Some(s)).unwrap().unwrap();
        assert_eq!(ok("13812345678"), "13812345678");
        assert_eq!(ok("+86 138 1234 5678"), "13812345678");
        assert_eq!(ok("0931-7612345"), "0931-7612345");
        assert_eq!(ok("010-12345678"), "010-12345678");
        assert_eq!(ok("(0931)7612345"), "0931-7612345");
        for bad in ["12345", "1381234567", "23812345678", "call me", "12812345678", "0931-12"] {
            assert!(citizen_phone("phone", Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(citizen_phone("phone", Some("  ")).unwrap(), None);
    }

    #[test]
    fn the_public_form_cannot_set_staff_fields() {
        let c = NewCase { content: Some("路灯不亮".into()), urgent: Some(true), ..Default::default() };
        let DomainError::Invalid(errors) = c.validate(true, now()).unwrap_err() else { panic!() };
        assert_eq!(errors[0].field, "urgent");
        let c = NewCase { content: Some("路灯不亮".into()), channel: Some(Channel::Hotline), ..Default::default() };
        assert!(matches!(
            c.validate(true, now()),
            Err(DomainError::RuleViolated { rule: Rule::PublicChannelOnly, .. })
        ));
        let staff = NewCase {
            content: Some("路灯不亮".into()),
            channel: Some(Channel::Hotline),
            urgent: Some(true),
            ..Default::default()
        };
        assert!(staff.validate(false, now()).unwrap().urgent);
    }

    #[test]
    fn content_and_coordinates() {
        let long = NewCase { content: Some("字".repeat(20_001)), ..Default::default() };
        assert!(long.validate(true, now()).is_err());
        let half = NewCase { content: Some("x".into()), latitude: Some(36.0), ..Default::default() };
        let DomainError::Invalid(errors) = half.validate(true, now()).unwrap_err() else { panic!() };
        assert_eq!(errors[0].field, "longitude");
        let far =
            NewCase { content: Some("x".into()), latitude: Some(136.0), longitude: Some(103.8), ..Default::default() };
        assert!(far.validate(true, now()).is_err());
    }
}
