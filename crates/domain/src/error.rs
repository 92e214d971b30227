//! Typed errors of the domain. The HTTP edge maps each variant to one status and a problem+json
//! body; nothing below the edge knows about HTTP.

use crate::wire::WireName;
use serde::Serialize;
use std::fmt;

/// What is wrong with one input field. `issue` is machine-readable so the edge can word it in the
/// caller's language; `field` is the JSON path (`deadline`, `measures[2].description`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub issue: Issue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Issue {
    Required,
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    InvalidDate,
    /// A value that is not one of the allowed words (`expected` lists them).
    NotOneOf {
        expected: Vec<String>,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Points at something that does not exist (or is archived).
    UnknownReference {
        entity: Entity,
    },
    /// Structurally wrong: a malformed phone number, an id that is not an id.
    Malformed {
        expected: Expected,
    },
    /// Dates in the wrong order (`ends_on` before `starts_on`).
    BeforeOther {
        other: String,
    },
    Duplicate,
    /// A field the API does not know (often a typo).
    UnknownField,
    /// A value of the wrong JSON type (a number where text was expected).
    WrongType {
        expected: JsonType,
    },
    /// A field only staff may set (the public form may not).
    StaffOnly,
    /// Another decoding failure reported by a decoder (its words are English: shown in English
    /// only).
    Decode {
        detail: String,
    },
    /// A data file's header lacks the columns it must name.
    MissingColumns {
        columns: Vec<String>,
    },
    /// Business rules that hang on one field (e.g. a unit cannot be its own ancestor).
    Rule {
        rule: Rule,
    },
    /// A file beyond the import limit (more than `max` bytes or cells), refused before it is
    /// read into memory.
    FileTooLarge {
        measure: FileMeasure,
        max: u64,
    },
}

/// The kind of JSON value a field takes, for a value of another kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JsonType {
    Text,
    WholeNumber,
    Number,
    Boolean,
    List,
    Object,
    /// What the decoder said it expected when it is none of the above (English words).
    Other(String),
}

impl JsonType {
    /// Reads serde's "expected …" words (`a string`, `u32`, `a sequence`, `struct NewCase`).
    pub fn from_serde(expected: &str) -> JsonType {
        let e = expected.trim();
        let has = |w: &str| e.contains(w);
        if has("string") || has("str ") || e == "str" || has("char") {
            JsonType::Text
        } else if has("bool") {
            JsonType::Boolean
        } else if has("integer")
            || ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize", "isize"]
                .iter()
                .any(|t| e.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == *t))
        {
            JsonType::WholeNumber
        } else if has("f32") || has("f64") || has("number") || has("float") {
            JsonType::Number
        } else if has("sequence") || has("array") || has("tuple") || has("Vec") {
            JsonType::List
        } else if has("map") || has("struct") || has("object") {
            JsonType::Object
        } else {
            JsonType::Other(e.to_owned())
        }
    }

    /// English words for it (the API's `en` messages and logs).
    pub fn english(&self) -> &str {
        match self {
            JsonType::Text => "text",
            JsonType::WholeNumber => "a whole number",
            JsonType::Number => "a number",
            JsonType::Boolean => "true or false",
            JsonType::List => "a list",
            JsonType::Object => "a JSON object",
            JsonType::Other(words) => words,
        }
    }
}

/// Why a signed-in caller may not do something: the edge words it in the caller's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// The permission table refuses the role this permission (here: for this record).
    Role { role: crate::actor::Role, permission: crate::actor::Permission },
    /// A case's investigation is recorded by the office (and the assigned unit's share by it).
    Investigation,
    /// A covert round's findings are shown to its own inspectors only until it ends.
    CovertRound,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denial::Role { role, permission } => write!(f, "role {} may not {permission:?} here", role.as_str()),
            Denial::Investigation => f.write_str("you may not record this case's investigation"),
            Denial::CovertRound => f.write_str("a covert round's findings are shown to its inspectors until it ends"),
        }
    }
}

/// What an import limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum FileMeasure {
    Bytes,
    /// Cells of a sheet's used range (rows × columns) or of a CSV file.
    Cells,
    /// What a workbook (a zip) unpacks to.
    Unpacked,
}

/// Named business rules, for errors that are not simple shape checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A unit cannot be moved under itself or one of its descendants.
    UnitCycle,
    /// `verify` needs at least one evidence attachment on the problem's progress.
    EvidenceRequired,
    /// `verify` must be done by someone outside the owner unit.
    VerifierInOwnerUnit,
    /// `reject` and `reopen` need a reason in `note`.
    ReasonRequired,
    /// `report_done` while some measures are not done.
    MeasuresOpen,
    /// The batch does not belong to the given campaign.
    BatchNotInCampaign,
    /// The action cannot be taken from the current state.
    NotAllowedFromState,
    /// Progress cannot be added to a closed problem; reopen it first.
    ProblemClosed,
    /// An attachment is already used as evidence elsewhere.
    AttachmentInUse,
    /// The Idempotency-Key was used before for a different request.
    IdempotencyKeyReused,
    /// A unit with live children or problems cannot be archived.
    UnitInUse,
    /// An extension must be asked before the due date.
    ExtensionAfterDue,
    /// An inspector records findings only at the units their own group was drawn to.
    UnitNotInOwnGroup,
    /// The office records findings of an overt round only at the units the round drew.
    UnitNotDrawn,
    /// The new due date must be later than the current one.
    ExtensionNotLater,
    /// An extension is already waiting for the office.
    ExtensionPending,
    /// Only accepted reports and complaints are investigated.
    NotInvestigated,
    /// The investigation's outcome is recorded; nothing more is added to it.
    InvestigationDecided,
    /// An outcome needs at least one dispatch of investigators first.
    NoDispatch,
    /// An unfounded report deals with nobody.
    UnfoundedDealsWithNobody,
    /// A problem without a deadline has nothing to extend.
    NoDeadlineToExtend,
    /// The owner unit changes a problem's wording only while it is open (待整改).
    WordingFixed,
    /// The office decided on an extension nobody asked for.
    NoExtensionPending,
    /// The citizen has already rated this case.
    AlreadyRated,
    /// Only a replied case can be rated or visited.
    NotReplied,
    /// Closing off a problem raised by citizens needs each reachable citizen's satisfaction or
    /// a reason why it could not be obtained.
    CitizenSatisfactionRequired,
    /// A waiver is for a citizen who could not be reached, not one who answered unsatisfied.
    UnsatisfiedNeedsReview,
    /// A review answers a citizen's unsatisfied verdict; this citizen gave none.
    NothingToReview,
    /// Closing a case needs the citizen's satisfaction or a reason why it was not obtained.
    SatisfactionOrReasonRequired,
    /// The public may only submit through the web channel.
    PublicChannelOnly,
    /// A declined or closed case cannot be linked to a problem.
    CaseNotOpen,
    /// No draw can satisfy the rules with this pool (every inspector conflicted, too few left
    /// after recusal and recent pairs).
    DrawImpossible,
    /// A re-inspection over a period in which no problem was closed.
    NothingToSample,
    /// A round's evidence names the pairs of a covert round drawn before it that has not ended.
    EvidenceHeld,
    /// Only the supervising office may change this field.
    OfficeOnlyField,
    /// An inspection plan runs at most `inspection::MAX_PLAN_DAYS` days (its periods are
    /// reckoned on every read); a longer drive is planned again.
    PlanTooLong,
    /// A retrain needs at least one category staff set or confirmed (or an imported label).
    NothingToTrainOn,
    /// A service case is accepted only with its materials complete; what is missing is told
    /// first (一次性告知).
    MaterialsMissing,
    /// A service case for an item the catalog no longer offers (withdrawn from publication).
    ItemWithdrawn,
    /// An appointment for an item that is not booked ahead (its delivery is not 可预约).
    NotBookable,
    /// An appointment on a holiday or a rest day of the working-day calendar.
    DayNotWorking,
    /// An appointment for a slot that has already begun or a day gone by.
    SlotPast,
    /// An appointment further ahead than the days open for booking.
    BeyondBookingDays,
    /// Every place of the slot is taken.
    SlotFull,
    /// The phone already holds an open booking for the item.
    AlreadyBooked,
    /// Arrival is marked on the booked day only.
    NotTheBookedDay,
    /// An online application for an item not handled fully online (全程网办).
    NotOnline,
    /// Only a service case that is done (办结) is rated.
    RatingCaseNotDone,
    /// The case already has a rating on this channel (一次一评, 一事一评).
    RatingDuplicate,
    /// A rating takes one follow-up comment (追评).
    AddedCommentMade,
    /// The days for a follow-up comment (追评) have passed.
    AddedCommentClosed,
    /// The SMS rating link is past its days.
    RatingLinkExpired,
    /// The SMS rating link has been used.
    RatingLinkUsed,
    /// Only a bad rating (差评: 不满意 or 非常不满意) is appealed.
    AppealNotBad,
    /// The working days for an appeal after the rating have passed.
    AppealClosed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Unit,
    Person,
    Campaign,
    Batch,
    Problem,
    Measure,
    Progress,
    Attachment,
    Account,
    CalendarYear,
    Settings,
    Case,
    IntakeSession,
    InspectionPlan,
    Round,
    Finding,
    Reinspection,
    /// One sampled problem of a re-inspection.
    ReinspectionItem,
    ActionRecord,
    Deduction,
    InspectionBulletin,
    Bulletin,
    Category,
    /// The case a tracking code and phone tail lead to (one answer for every mismatch).
    TrackedCase,
    /// A service item of the catalog (服务事项).
    ServiceItem,
    /// A service case (办件).
    ServiceCase,
    /// An appointment at a window (预约).
    Appointment,
    /// An online application of the online hall (网上申报).
    OnlineApplication,
    /// A return-visit sample of the service ledger (回访抽查).
    ServiceSample,
    /// A rating of a service case (好差评).
    Rating,
    /// The follow-up of a bad rating (差评回访整改).
    RatingFollowUp,
    /// An appeal against a rating (申诉复核).
    RatingAppeal,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Unit => "unit",
            Entity::Person => "person",
            Entity::Campaign => "campaign",
            Entity::Batch => "batch",
            Entity::Problem => "problem",
            Entity::Measure => "measure",
            Entity::Progress => "progress",
            Entity::Attachment => "attachment",
            Entity::Account => "account",
            Entity::CalendarYear => "calendar_year",
            Entity::Settings => "settings",
            Entity::Case => "case",
            Entity::IntakeSession => "intake_session",
            Entity::InspectionPlan => "inspection_plan",
            Entity::Round => "round",
            Entity::Finding => "finding",
            Entity::Reinspection => "reinspection",
            Entity::ReinspectionItem => "reinspection_item",
            Entity::ActionRecord => "action_record",
            Entity::Deduction => "deduction",
            Entity::InspectionBulletin => "inspection_bulletin",
            Entity::Bulletin => "bulletin",
            Entity::Category => "category",
            Entity::TrackedCase => "case with this tracking code and phone tail",
            Entity::ServiceItem => "service_item",
            Entity::ServiceCase => "service_case",
            Entity::Appointment => "appointment",
            Entity::ServiceSample => "service_sample",
            Entity::OnlineApplication => "online_application",
            Entity::Rating => "rating",
            Entity::RatingFollowUp => "rating_follow_up",
            Entity::RatingAppeal => "rating_appeal",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every failure the domain and the store report to callers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Bad input; nothing was written.
    #[error("invalid input: {}", summarize(.0))]
    Invalid(Vec<FieldError>),
    /// A business rule refused the request (the input had the right shape).
    #[error("rule violated: {rule:?} on {field}")]
    RuleViolated { rule: Rule, field: String },
    #[error("{entity} {id} not found")]
    NotFound { entity: Entity, id: String },
    /// The caller is signed in but may not do this.
    #[error("forbidden: {0}")]
    Forbidden(Denial),
    /// The record changed since the caller read it.
    #[error("stale version: the {entity} is at version {current}")]
    StaleVersion { entity: Entity, current: i64 },
    /// The action is not allowed from the record's current state.
    #[error("cannot {action} a {entity} in state {state}")]
    StateConflict { entity: Entity, action: WireName, state: WireName },
    /// The caller's part in the record never lets them fire this action.
    #[error("you may not {action} this {entity}")]
    NotPermitted { entity: Entity, action: WireName },
    /// Too many failed attempts (sign-in): try again after this many seconds.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
}

fn summarize(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", ")
}

impl DomainError {
    pub fn field(field: impl Into<String>, issue: Issue) -> Self {
        DomainError::Invalid(vec![FieldError { field: field.into(), issue }])
    }

    pub fn unknown(field: impl Into<String>, entity: Entity) -> Self {
        Self::field(field, Issue::UnknownReference { entity })
    }

    /// The fields an `Invalid` error names (empty for other errors).
    pub fn fields(&self) -> Vec<String> {
        match self {
            DomainError::Invalid(errors) => errors.iter().map(|e| e.field.clone()).collect(),
            _ => Vec::new(),
        }
    }

    pub fn rule(rule: Rule, field: impl Into<String>) -> Self {
        DomainError::RuleViolated { rule, field: field.into() }
    }

    pub fn not_found(entity: Entity, id: impl fmt::Display) -> Self {
        DomainError::NotFound { entity, id: id.to_string() }
    }
}

/// Collects field errors so that one response names every bad field, not just the first.
#[derive(Debug, Default)]
pub struct Problems {
    errors: Vec<FieldError>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, issue: Issue) {
        self.errors.push(FieldError { field: field.into(), issue });
    }

    /// Keeps the value of a successful check, records the error of a failed one.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    pub fn extend(&mut self, other: Vec<FieldError>) {
        self.errors.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_result(self) -> Result<(), DomainError> {
        if self.errors.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self.errors)) }
    }

    /// The collected errors; for the `let … else` after a failed check.
    pub fn into_error(self) -> DomainError {
        DomainError::Invalid(self.errors)
    }

    /// Finishes a validation: the value when every check passed, all errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, DomainError> {
        self.into_result().map(|()| value())
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

/// What a malformed value should have been. Typed, so each reader gets it in their language (the
/// words are in `rectify_i18n::errors::expected`); on the wire it is its English words, as before.
#[derive(Debug, Clone, PartialEq, Eq, strum::EnumIter)]
pub enum Expected {
    /// Any phone number a person can be rung on.
    Phone,
    /// A Chinese mobile (11 digits) or landline (with its area code).
    MobileOrLandline,
    Email,
    EmailOrWeb,
    WholeNumber,
    /// An export's 系统编号 column.
    RowId,
    Id,
    /// The `next_cursor` a list gave.
    Cursor,
    VisibleAscii,
    /// An Idempotency-Key: 1–200 visible ASCII characters.
    IdempotencyKey,
    Username,
    /// A points deduction's name (`late_reply`).
    SnakeCase,
    ProblemOrCase,
    /// A service item's code in the office's list (`WJZ-MZ-001`).
    ItemCode,
    StaffMember,
    Weekend,
    /// A SHA-256 commitment.
    HexDigest,
    /// The seed a draw's commitment was made to.
    CommittedSeed,
    /// A file sent again (a form's carried file that no longer decodes).
    FileAgain,
    /// A spreadsheet cell holding a value, not `#N/A`.
    NotAnExcelError,
    /// A file whose extension matches its content (`image/png`).
    MatchingFile {
        mime: String,
    },
    /// The year named in the path (`PUT /calendar/2026`).
    YearInPath {
        year: i32,
    },
    /// One unit, where `named` units answer to `path`: the path from the top tells them apart.
    OneUnit {
        named: usize,
        path: String,
    },
    /// A tile server's URL template with `{z}`, `{x}`, `{y}`.
    TileTemplate,
    /// One to ten subdomain names when the host has `{s}`.
    Subdomains,
    /// Letters and digits (a provider's key).
    LettersAndDigits,
    /// A Chinese mobile number (11 digits): the SMS goes there.
    Mobile,
    /// A time of day as `HH:MM` (`09:00`).
    TimeOfDay,
    /// A search query or cursor that can be searched (`crate::search`).
    Search(crate::search::SearchIssue),
    /// A category's name: the levels of a path are its columns, so no `/` inside one.
    CategoryName,
    /// A threshold for the model's confidence (auto-routing).
    Confidence,
    /// Words from a parser or a file reader, in English only; a Chinese reader gets the field's
    /// name and "格式不正确".
    Text(String),
}

impl Expected {
    /// The English words, as the API has always sent them.
    pub fn english(&self) -> String {
        match self {
            Expected::Phone => "a phone number".into(),
            Expected::MobileOrLandline => "a mobile or landline phone number".into(),
            Expected::Email => "an e-mail address".into(),
            Expected::EmailOrWeb => "an e-mail address or a web address".into(),
            Expected::WholeNumber => "a whole number".into(),
            Expected::RowId => "a whole number (the system id)".into(),
            Expected::Id => "an id".into(),
            Expected::Cursor => "a cursor from a previous page".into(),
            Expected::VisibleAscii => "visible ASCII".into(),
            Expected::IdempotencyKey => "1–200 visible ASCII characters".into(),
            Expected::Username => "letters, digits and _ . - @".into(),
            Expected::SnakeCase => "snake_case name".into(),
            Expected::ProblemOrCase => "either a problem_id or a case_id".into(),
            Expected::ItemCode => "letters, digits and - _ .".into(),
            Expected::StaffMember => "a staff member".into(),
            Expected::Weekend => "a Saturday or Sunday".into(),
            Expected::HexDigest => "64 hex digits".into(),
            Expected::CommittedSeed => "the seed whose SHA-256 was committed to".into(),
            Expected::FileAgain => "the file again".into(),
            Expected::NotAnExcelError => "a value, not an Excel error such as #N/A".into(),
            Expected::MatchingFile { mime } => format!("a file whose name matches its content ({mime})"),
            Expected::YearInPath { year } => format!("{year}, the year in the path"),
            Expected::OneUnit { named, path } => {
                format!("one unit: {named} units are named {path}; write the path from the top (parent/unit)")
            }
            Expected::TileTemplate => "an http(s) URL template with {z}, {x} and {y}".into(),
            Expected::Subdomains => "one to ten names such as 0, 1, 2 when the host has {s}".into(),
            Expected::LettersAndDigits => "letters and digits".into(),
            Expected::Search(issue) => issue.english().into(),
            Expected::CategoryName => "a name without /".into(),
            Expected::Mobile => "an 11-digit mobile number".into(),
            Expected::TimeOfDay => "a time of day as HH:MM".into(),
            Expected::Confidence => "a confidence from 0.5 to 1.0, or null to route by hand".into(),
            Expected::Text(t) => t.clone(),
        }
    }
}

impl Serialize for Expected {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.english())
    }
}
