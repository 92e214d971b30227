//! Citizen cases (诉求件): what the public asks, reports or complains about, on any channel, and
//! its loop from registration through a unit's reply to the citizen's satisfaction.

mod due;
mod intake;
mod state;
mod timeline;
mod tracking;

pub use due::{CaseDueRule, CaseFlags, ESCALATE_AFTER, SIGN_WITHIN_WORKING_DAYS, reminders, sign_due};
pub use intake::{
    CaseFields, IntakeSessionFields, MAX_CASE_ATTACHMENTS, NewCase, NewIntakeSession, PUBLIC_ATTACHMENT_TYPES,
    citizen_phone, registered,
};
pub use state::{
    CLOSE_OFF_ANSWER, CaseAction, CaseCourse, CaseDecision, CaseEnv, CaseMachine, CaseParty, CaseState, CaseStep,
    ImportedCourse, answer_from_problem, available_actions, fire, import_course,
};
pub use timeline::{CaseEvent, PublicEvent, is_public, public_timeline};
pub use tracking::{TRACKING_ALPHABET, TrackingCode};

use crate::attachment::AttachmentMeta;
use crate::ids::{AccountId, CaseId, IntakeSessionId, ProblemId, UnitId};
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    /// 投诉.
    #[serde(alias = "投诉")]
    Complaint,
    /// 举报.
    #[serde(alias = "举报")]
    Report,
    /// 求助.
    #[serde(alias = "求助")]
    Help,
    /// 咨询.
    #[serde(alias = "咨询")]
    Consult,
    /// 建议.
    #[serde(alias = "建议")]
    Suggestion,
    /// 表扬.
    #[serde(alias = "表扬")]
    Praise,
}

impl CaseType {
    pub const ALL: [CaseType; 6] = [
        CaseType::Complaint,
        CaseType::Report,
        CaseType::Help,
        CaseType::Consult,
        CaseType::Suggestion,
        CaseType::Praise,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseType::Complaint => "complaint",
            CaseType::Report => "report",
            CaseType::Help => "help",
            CaseType::Consult => "consult",
            CaseType::Suggestion => "suggestion",
            CaseType::Praise => "praise",
        }
    }

    pub fn parse(s: &str) -> Option<CaseType> {
        CaseType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CaseType::Complaint => "投诉",
            CaseType::Report => "举报",
            CaseType::Help => "求助",
            CaseType::Consult => "咨询",
            CaseType::Suggestion => "建议",
            CaseType::Praise => "表扬",
        }
    }
}

/// How a case reached the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 网上留言: the public web form, app or kiosk.
    Web,
    /// 热线电话.
    Hotline,
    /// 来信.
    Letter,
    /// 邮件.
    Email,
    /// 网络信箱.
    Mailbox,
    /// 意见箱.
    SuggestionBox,
    /// 座谈会.
    Forum,
    /// 走访.
    Visit,
    /// 问卷.
    Questionnaire,
    /// 上级交办.
    Referral,
    /// 媒体曝光.
    Media,
    /// 督查发现.
    Inspection,
}

impl Channel {
    pub const ALL: [Channel; 12] = [
        Channel::Web,
        Channel::Hotline,
        Channel::Letter,
        Channel::Email,
        Channel::Mailbox,
        Channel::SuggestionBox,
        Channel::Forum,
        Channel::Visit,
        Channel::Questionnaire,
        Channel::Referral,
        Channel::Media,
        Channel::Inspection,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Hotline => "hotline",
            Channel::Letter => "letter",
            Channel::Email => "email",
            Channel::Mailbox => "mailbox",
            Channel::SuggestionBox => "suggestion_box",
            Channel::Forum => "forum",
            Channel::Visit => "visit",
            Channel::Questionnaire => "questionnaire",
            Channel::Referral => "referral",
            Channel::Media => "media",
            Channel::Inspection => "inspection",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Web => "网上留言",
            Channel::Hotline => "热线电话",
            Channel::Letter => "来信",
            Channel::Email => "电子邮件",
            Channel::Mailbox => "网络信箱",
            Channel::SuggestionBox => "意见箱",
            Channel::Forum => "座谈会",
            Channel::Visit => "走访",
            Channel::Questionnaire => "问卷",
            Channel::Referral => "上级交办",
            Channel::Media => "媒体曝光",
            Channel::Inspection => "督查发现",
        }
    }
}

/// A citizen's satisfaction, from a return visit (回访) or their own rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// 非常满意.
    VerySatisfied,
    /// 满意.
    Satisfied,
    /// 基本满意.
    BasicallySatisfied,
    /// 不满意.
    Unsatisfied,
    /// 非常不满意.
    VeryUnsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 5] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Unsatisfied,
        Satisfaction::VeryUnsatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "very_satisfied",
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Unsatisfied => "unsatisfied",
            Satisfaction::VeryUnsatisfied => "very_unsatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Counts towards the satisfaction rate (满意率): the first three levels.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Satisfaction::VerySatisfied | Satisfaction::Satisfied | Satisfaction::BasicallySatisfied)
    }
}

/// How the citizen was reached for a return visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitMethod {
    Phone,
    Sms,
    Email,
    InPerson,
    /// Tried and could not reach the citizen; no satisfaction was obtained.
    Unreachable,
    /// The citizen's own rating on the tracking page.
    SelfRated,
}

impl VisitMethod {
    pub const ALL: [VisitMethod; 6] = [
        VisitMethod::Phone,
        VisitMethod::Sms,
        VisitMethod::Email,
        VisitMethod::InPerson,
        VisitMethod::Unreachable,
        VisitMethod::SelfRated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitMethod::Phone => "phone",
            VisitMethod::Sms => "sms",
            VisitMethod::Email => "email",
            VisitMethod::InPerson => "in_person",
            VisitMethod::Unreachable => "unreachable",
            VisitMethod::SelfRated => "self_rated",
        }
    }

    pub fn parse(s: &str) -> Option<VisitMethod> {
        VisitMethod::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExtensionStatus {
    Pending,
    Granted,
    Refused,
}

impl ExtensionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionStatus::Pending => "pending",
            ExtensionStatus::Granted => "granted",
            ExtensionStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<ExtensionStatus> {
        [ExtensionStatus::Pending, ExtensionStatus::Granted, ExtensionStatus::Refused]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The latest request to move a case's due date (延期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Extension {
    pub due: NaiveDate,
    pub reason: String,
    pub requested_at: Timestamp,
    pub status: ExtensionStatus,
}

/// The citizen, as staff see them every day: masked (`张*`, `138****5678`); the full details only
/// through a recorded reveal. Never shown on public routes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Citizen {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A case as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    pub id: CaseId,
    pub tracking_code: String,
    pub channel: Channel,
    #[serde(rename = "type")]
    pub case_type: CaseType,
    pub title: Option<String>,
    pub content: String,
    /// Urgent cases are due the day they are assigned.
    pub urgent: bool,
    pub citizen: Citizen,
    /// Masked like the citizen's details (an address can name the reporter).
    pub location: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// The unit the citizen named, if any.
    pub target_unit_id: Option<UnitId>,
    /// The unit the case is assigned to.
    pub unit_id: Option<UnitId>,
    pub session_id: Option<IntakeSessionId>,
    pub state: CaseState,
    /// When the office really received it (a letter may be registered days later).
    pub received_at: Timestamp,
    /// The account that registered it (none for the public form).
    pub registered_by: Option<AccountId>,
    pub accepted_at: Option<Timestamp>,
    pub assigned_at: Option<Timestamp>,
    /// The unit must sign for it (签收) by this day.
    pub sign_due_on: Option<NaiveDate>,
    pub signed_at: Option<Timestamp>,
    /// The reply is due by this day (moved by a granted extension).
    pub due_on: Option<NaiveDate>,
    pub replied_at: Option<Timestamp>,
    pub answer: Option<String>,
    pub decline_reason: Option<String>,
    pub extension: Option<Extension>,
    /// The latest satisfaction obtained (return visit or the citizen's rating).
    pub satisfaction: Option<Satisfaction>,
    pub satisfaction_at: Option<Timestamp>,
    pub visit_method: Option<VisitMethod>,
    /// Return visits and ratings so far (over every reply).
    pub visit_count: i64,
    pub rated: bool,
    pub reopen_count: i64,
    pub send_back_count: i64,
    pub closed_at: Option<Timestamp>,
    pub problem_ids: Vec<ProblemId>,
    pub attachments: Vec<AttachmentMeta>,
    #[serde(flatten)]
    pub flags: CaseFlags,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Body of `POST /api/v1/cases/{id}/transitions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseTransitionRequest {
    pub action: Option<String>,
    /// A staff note (never shown to the citizen).
    pub note: Option<String>,
    /// `assign`: the unit.
    pub unit_id: Option<UnitId>,
    /// `reply`: the answer the citizen reads.
    pub answer: Option<String>,
    /// `visit`: the citizen's satisfaction.
    pub satisfaction: Option<Satisfaction>,
    /// `visit`: how the citizen was reached.
    pub method: Option<VisitMethod>,
    /// `extend` (a unit asking): the new due date.
    pub due: Option<NaiveDate>,
    /// `decline`, `send_back`, `extend`, `reopen`: why (the citizen is told a decline's reason).
    pub reason: Option<String>,
    /// `extend` (the office deciding): grant or refuse the pending request.
    pub approve: Option<bool>,
    /// When given, refused with 409 if the case changed since.
    pub version: Option<i64>,
}

/// Body of `POST /api/v1/track/{code}/rating`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub phone_tail: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub comment: Option<String>,
}
