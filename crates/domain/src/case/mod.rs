//! Citizen cases (诉求件): what the public asks, reports or complains about, on any channel, and
//! its loop from registration through a unit's reply to the citizen's satisfaction.

mod due;
mod intake;
mod investigation;
mod progress;
mod resubmission;
mod routing;
mod state;
mod timeline;
mod tracking;

pub use due::{
    ACCEPT_WITHIN_WORKING_DAYS, CaseDueRule, CaseFlags, ESCALATE_AFTER, SIGN_WITHIN_WORKING_DAYS, Waited, accept_due,
    accept_late_before, reminders, sign_due,
};
pub use intake::{
    CaseFields, CheckedFile, DUPLICATE_WINDOW_MINUTES, IntakeSessionFields, MAX_CASE_ATTACHMENTS, NewCase,
    NewIntakeSession, PUBLIC_ATTACHMENT_TYPES, UploadedFile, check_files, citizen_phone, registered,
};
pub use investigation::{
    Dispatch, DispatchFields, Investigation, InvestigationFacts, InvestigationFigures, InvestigationOutcome,
    NewDispatch, NewOutcome, Outcome, OutcomeFields, VERIFIED_COMPLAINT, investigated,
};
pub use progress::{StepStatus, StepView, TrackStep, progress};
pub use resubmission::{RESUBMISSION_WINDOW_HOURS, near_identical};
pub use routing::{
    AUTO_ROUTE_MIN, ModelRouting, REFIT_AFTER_CONFIRMATIONS, REFIT_AFTER_MINUTES, TriageRules, auto_route,
};
pub use state::{
    CLOSE_OFF_ANSWER, CaseAction, CaseCourse, CaseDecision, CaseEnv, CaseMachine, CaseParty, CaseState, CaseStep,
    ImportedCourse, answer_from_problem, available_actions, fire, import_course, may_categorize, merged_into_ledger,
};
pub use timeline::{CaseEvent, PublicEvent, is_public, public_timeline};
pub use tracking::{TRACKING_ALPHABET, TrackingCode};

use crate::attachment::AttachmentMeta;
use crate::ids::{AccountId, CaseId, IntakeSessionId, ProblemId, UnitId};
use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum CaseType: "case_type" {
        /// 投诉.
        Complaint = "complaint" | "投诉",
        /// 举报.
        Report = "report" | "举报",
        /// 求助.
        Help = "help" | "求助",
        /// 咨询.
        Consult = "consult" | "咨询",
        /// 建议.
        Suggestion = "suggestion" | "建议",
        /// 表扬.
        Praise = "praise" | "表扬",
    }
}

crate::wire_enum! {
    /// How a case reached the office.
    pub enum Channel: "channel" {
        /// 网上留言: the public web form, app or kiosk.
        Web = "web",
        /// 热线电话.
        Hotline = "hotline",
        /// 来信.
        Letter = "letter",
        /// 邮件.
        Email = "email",
        /// 网络信箱.
        Mailbox = "mailbox",
        /// 意见箱.
        SuggestionBox = "suggestion_box",
        /// 座谈会.
        Forum = "forum",
        /// 走访.
        Visit = "visit",
        /// 问卷.
        Questionnaire = "questionnaire",
        /// 上级交办.
        Referral = "referral",
        /// 媒体曝光.
        Media = "media",
        /// 督查发现.
        Inspection = "inspection",
    }
}

crate::wire_enum! {
    /// A citizen's satisfaction, from a return visit (回访) or their own rating.
    pub enum Satisfaction: "satisfaction" {
        /// 非常满意.
        VerySatisfied = "very_satisfied",
        /// 满意.
        Satisfied = "satisfied",
        /// 基本满意.
        BasicallySatisfied = "basically_satisfied",
        /// 不满意.
        Unsatisfied = "unsatisfied",
        /// 非常不满意.
        VeryUnsatisfied = "very_unsatisfied",
    }
}

impl Satisfaction {
    /// Counts towards the satisfaction rate (满意率): the first three levels.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Satisfaction::VerySatisfied | Satisfaction::Satisfied | Satisfaction::BasicallySatisfied)
    }
}

crate::wire_enum! {
    /// How the citizen was reached for a return visit.
    pub enum VisitMethod: "visit_method" {
        Phone = "phone",
        Sms = "sms",
        Email = "email",
        InPerson = "in_person",
        /// Tried and could not reach the citizen; no satisfaction was obtained.
        Unreachable = "unreachable",
        /// The citizen's own rating on the tracking page.
        SelfRated = "self_rated",
    }
}

pub use crate::extension::{Extension, ExtensionStatus};

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
    /// What the citizen wrote, with any phone, e-mail or ID number in it masked
    /// (`privacy::mask_text`).
    pub content: String,
    /// Whether `content` masks something the citizen wrote (the office may reveal the text as
    /// written, with a reason).
    pub content_masked: bool,
    /// Urgent cases are due the day they are assigned.
    pub urgent: bool,
    pub citizen: Citizen,
    /// The place of the problem (地点), shown to staff as written but for a phone, e-mail or ID
    /// number typed into it (masked like the text); never on public pages.
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
    /// The category's key (`GET /categories`), and how it was set.
    pub category: Option<String>,
    pub category_source: Option<crate::category::CategorySource>,
    /// The model's version, when the model routed the case (自动分派).
    pub category_model: Option<i64>,
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
    /// `accept`, `assign` (optional) and `categorize`: the category's key (`GET /categories`).
    pub category: Option<String>,
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
