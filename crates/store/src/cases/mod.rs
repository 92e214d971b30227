//! Citizen cases: registration on every channel, the loop through a unit's reply to the
//! citizen's satisfaction, tracking by the citizen, links into the ledger, and figures.

mod contact;
pub(crate) mod flow;
pub(crate) mod intake;
mod investigation;
mod links;
mod reminders;
mod stats;
mod track;

pub use intake::{CaseReceipt, IntakeSession};
pub(crate) use links::{citizens_verdict, link_cases, reply_to_source_cases, tell_merged};
pub use rectify_domain::case::UploadedFile;
pub use stats::{CaseGroupBy, CaseStats, CaseStatsGroup};
pub use track::TrackView;

use crate::areas::Cases;
use crate::attachments::metas_of_case;
use crate::db::{Conn, Q, like_pattern, record};
use crate::error::StoreResult;
use crate::page::{Cursor, Page, PageRequest};
use crate::pii::SealedContact;
use crate::units;
use crate::visibility;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party};
use rectify_domain::case::{
    Case, CaseCourse, CaseEvent, CaseFlags, CaseParty, CaseState, CaseType, Channel, Citizen, ESCALATE_AFTER,
    Extension, ExtensionStatus, Satisfaction, VisitMethod,
};
use rectify_domain::category::CategorySource;
use rectify_domain::ids::{AccountId, CaseId, IntakeSessionId, ProblemId, UnitId};
use rectify_domain::privacy::Contact;
use rectify_domain::time::{Timestamp, start_of_china_day};
use rectify_domain::{DomainError, Entity};
use rectify_vault::Keyring;
use std::collections::HashMap;

record! {
    #[derive(Clone)]
    pub(crate) struct CaseRow {
        id: CaseId as i64,
        tracking_code: String,
        channel: Channel as String,
        case_type: CaseType as String,
        title: Option<String>,
        content: String,
        urgent: bool,
        // Sealed (see `pii`): opened only through `sealed_contact`.
        sealed_name: Option<String>,
        sealed_phone: Option<String>,
        sealed_email: Option<String>,
        sealed_location: Option<String>,
        // The text as written, when `content` (masked) hides something in it.
        sealed_content: Option<String>,
        latitude: Option<f64>,
        longitude: Option<f64>,
        target_unit_id: Option<UnitId> as Option<i64>,
        unit_id: Option<UnitId> as Option<i64>,
        session_id: Option<IntakeSessionId> as Option<i64>,
        state: CaseState as String,
        received_at: Timestamp as DateTime<Utc>,
        registered_by: Option<AccountId> as Option<i64>,
        accepted_at: Option<Timestamp> as Option<DateTime<Utc>>,
        assigned_at: Option<Timestamp> as Option<DateTime<Utc>>,
        sign_due_on: Option<NaiveDate>,
        signed_at: Option<Timestamp> as Option<DateTime<Utc>>,
        due_on: Option<NaiveDate>,
        replied_at: Option<Timestamp> as Option<DateTime<Utc>>,
        answer: Option<String>,
        decline_reason: Option<String>,
        extension_due: Option<NaiveDate>,
        extension_reason: Option<String>,
        extension_requested_at: Option<Timestamp> as Option<DateTime<Utc>>,
        extension_status: Option<ExtensionStatus> as Option<String>,
        satisfaction: Option<Satisfaction> as Option<String>,
        satisfaction_at: Option<Timestamp> as Option<DateTime<Utc>>,
        visit_method: Option<VisitMethod> as Option<String>,
        visit_count: i64,
        visited_at: Option<Timestamp> as Option<DateTime<Utc>>,
        rated_at: Option<Timestamp> as Option<DateTime<Utc>>,
        rating_comment: Option<String>,
        reopen_count: i64,
        send_back_count: i64,
        closed_at: Option<Timestamp> as Option<DateTime<Utc>>,
        category: Option<String>,
        category_source: Option<CategorySource> as Option<String>,
        category_model: Option<i64>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        updated_at: Timestamp as DateTime<Utc>,
    }
}

record! {
    /// Where a case was reported, for a map.
    pub struct CasePoint {
        pub id: CaseId as i64,
        pub title: Option<String>,
        pub latitude: f64,
        pub longitude: f64,
    }
}

record! {
    struct IdUnit {
        id: CaseId as i64,
        unit_id: Option<UnitId> as Option<i64>,
    }
}

pub(crate) const COLUMNS: &str = "id, tracking_code, channel, type AS case_type, title, content, urgent, \
    citizen_name AS sealed_name, phone AS sealed_phone, email AS sealed_email, location AS sealed_location, sealed_content, latitude, longitude, target_unit_id, unit_id, session_id, state, received_at, registered_by, accepted_at, \
    assigned_at, sign_due_on, signed_at, due_on, replied_at, answer, decline_reason, extension_due, extension_reason, \
    extension_requested_at, extension_status, satisfaction, satisfaction_at, visit_method, visit_count, visited_at, \
    rated_at, rating_comment, reopen_count, send_back_count, closed_at, category, category_source, category_model, version, created_at, \
    updated_at";

impl CaseRow {
    /// The part of the case its loop reads and changes.
    pub(crate) fn course(&self) -> CaseCourse {
        CaseCourse {
            id: self.id,
            case_type: self.case_type,
            urgent: self.urgent,
            state: self.state,
            received_at: self.received_at,
            unit_id: self.unit_id,
            accepted_at: self.accepted_at,
            assigned_at: self.assigned_at,
            sign_due_on: self.sign_due_on,
            signed_at: self.signed_at,
            due_on: self.due_on,
            replied_at: self.replied_at,
            answer: self.answer.clone(),
            decline_reason: self.decline_reason.clone(),
            extension_due: self.extension_due,
            extension_reason: self.extension_reason.clone(),
            extension_requested_at: self.extension_requested_at,
            extension_status: self.extension_status,
            satisfaction: self.satisfaction,
            satisfaction_at: self.satisfaction_at,
            visit_method: self.visit_method,
            visit_count: self.visit_count,
            visited_at: self.visited_at,
            rated_at: self.rated_at,
            rating_comment: self.rating_comment.clone(),
            reopen_count: self.reopen_count,
            send_back_count: self.send_back_count,
            closed_at: self.closed_at,
            category: self.category.clone(),
            category_source: self.category_source,
            category_model: self.category_model,
        }
    }

    /// The row with a course decided by the domain, as it is about to be written.
    pub(crate) fn with_course(mut self, n: CaseCourse) -> CaseRow {
        self.unit_id = n.unit_id;
        self.state = n.state;
        self.accepted_at = n.accepted_at;
        self.assigned_at = n.assigned_at;
        self.sign_due_on = n.sign_due_on;
        self.signed_at = n.signed_at;
        self.due_on = n.due_on;
        self.replied_at = n.replied_at;
        self.answer = n.answer;
        self.decline_reason = n.decline_reason;
        self.extension_due = n.extension_due;
        self.extension_reason = n.extension_reason;
        self.extension_requested_at = n.extension_requested_at;
        self.extension_status = n.extension_status;
        self.satisfaction = n.satisfaction;
        self.satisfaction_at = n.satisfaction_at;
        self.visit_method = n.visit_method;
        self.visit_count = n.visit_count;
        self.visited_at = n.visited_at;
        self.rated_at = n.rated_at;
        self.rating_comment = n.rating_comment;
        self.reopen_count = n.reopen_count;
        self.send_back_count = n.send_back_count;
        self.closed_at = n.closed_at;
        self.category = n.category;
        self.category_source = n.category_source;
        self.category_model = n.category_model;
        self
    }

    pub(crate) fn sealed_contact(&self) -> SealedContact {
        SealedContact {
            name: self.sealed_name.clone(),
            phone: self.sealed_phone.clone(),
            email: self.sealed_email.clone(),
            location: self.sealed_location.clone(),
            phone_index: None,
        }
    }

    /// The citizen's contact details opened (for notices and tracking checks; never shown whole
    /// except through a reveal).
    pub(crate) fn contact(&self, vault: &Keyring) -> StoreResult<Contact> {
        self.sealed_contact().open(vault)
    }

    /// Whether the citizen can be reached at all (without opening anything).
    pub(crate) fn reachable(&self) -> bool {
        self.sealed_phone.is_some() || self.sealed_email.is_some()
    }

    /// The case as staff see it, with the citizen's details masked.
    pub(crate) fn into_case(
        self,
        vault: &Keyring,
        today: NaiveDate,
        problem_ids: Vec<ProblemId>,
        attachments: Vec<rectify_domain::attachment::AttachmentMeta>,
    ) -> StoreResult<Case> {
        let flags = CaseFlags::of(
            self.state,
            today,
            self.sign_due_on,
            self.due_on,
            self.extension_status,
            self.reopen_count,
            self.send_back_count,
            self.visited_at.is_some(),
        );
        let extension = Extension::from_columns(
            self.extension_due,
            self.extension_reason.clone(),
            self.extension_requested_at,
            self.extension_status,
        );
        let shown = self.contact(vault)?.masked();
        Ok(Case {
            id: self.id,
            tracking_code: rectify_domain::case::TrackingCode::parse(&self.tracking_code)
                .map(|c| c.to_string())
                .unwrap_or(self.tracking_code),
            channel: self.channel,
            case_type: self.case_type,
            title: self.title,
            content: self.content,
            content_masked: self.sealed_content.is_some(),
            urgent: self.urgent,
            citizen: Citizen { name: shown.name, phone: shown.phone, email: shown.email },
            location: shown.location,
            latitude: self.latitude,
            longitude: self.longitude,
            target_unit_id: self.target_unit_id,
            unit_id: self.unit_id,
            session_id: self.session_id,
            state: self.state,
            received_at: self.received_at,
            registered_by: self.registered_by,
            accepted_at: self.accepted_at,
            assigned_at: self.assigned_at,
            sign_due_on: self.sign_due_on,
            signed_at: self.signed_at,
            due_on: self.due_on,
            replied_at: self.replied_at,
            answer: self.answer,
            decline_reason: self.decline_reason,
            extension,
            satisfaction: self.satisfaction,
            satisfaction_at: self.satisfaction_at,
            visit_method: self.visit_method,
            visit_count: self.visit_count,
            rated: self.rated_at.is_some(),
            reopen_count: self.reopen_count,
            send_back_count: self.send_back_count,
            closed_at: self.closed_at,
            category: self.category,
            category_source: self.category_source,
            category_model: self.category_model,
            problem_ids,
            attachments,
            flags,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) async fn row(c: &mut Conn<'_>, id: CaseId) -> StoreResult<Option<CaseRow>> {
    c.fetch_optional(Q::new(format!("SELECT {COLUMNS} FROM cases WHERE id = $1")).bind(id)).await
}

/// The problems a case was turned into.
pub(crate) async fn problems_of(c: &mut Conn<'_>, id: CaseId) -> StoreResult<Vec<ProblemId>> {
    let rows: Vec<(i64,)> = c
        .fetch_all(Q::new("SELECT problem_id FROM problem_cases WHERE case_id = $1 ORDER BY problem_id").bind(id))
        .await?;
    Ok(rows.into_iter().map(|(p,)| ProblemId(p)).collect())
}

/// The problems linked to each of `cases`, in one query.
async fn problems_of_many(c: &mut Conn<'_>, cases: &[CaseId]) -> StoreResult<HashMap<CaseId, Vec<ProblemId>>> {
    let mut out: HashMap<CaseId, Vec<ProblemId>> = HashMap::new();
    if cases.is_empty() {
        return Ok(out);
    }
    let mut q = Q::new("SELECT case_id, problem_id FROM problem_cases WHERE ");
    q.push_in("case_id", cases.iter().copied());
    q.push(" ORDER BY case_id, problem_id");
    let rows: Vec<(i64, i64)> = c.fetch_all(q).await?;
    for (case, problem) in rows {
        out.entry(CaseId(case)).or_default().push(ProblemId(problem));
    }
    Ok(out)
}

/// A full case, as staff see it.
pub(crate) async fn assemble(c: &mut Conn<'_>, vault: &Keyring, r: CaseRow, today: NaiveDate) -> StoreResult<Case> {
    let id = r.id;
    let problems = problems_of(c, id).await?;
    let files = metas_of_case(c, id).await?;
    r.into_case(vault, today, problems, files)
}

/// How `actor` stands to a case.
pub(crate) async fn case_party(c: &mut Conn<'_>, actor: &Actor, unit: Option<UnitId>) -> StoreResult<CaseParty> {
    if actor.role.is_office() {
        return Ok(CaseParty::Office);
    }
    let Some(unit) = unit else { return Ok(CaseParty::Other) };
    Ok(match units::party(c, actor, unit).await? {
        Party::OwnerUnit => CaseParty::AssignedUnit,
        _ => CaseParty::Other,
    })
}

/// A case row the actor may see, or "not found".
pub(crate) async fn visible_row(c: &mut Conn<'_>, actor: &Actor, id: CaseId) -> StoreResult<CaseRow> {
    let r = row(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Case, id))?;
    if visibility::may_see_case(c, actor, r.unit_id).await? {
        Ok(r)
    } else {
        Err(DomainError::not_found(Entity::Case, id).into())
    }
}

/// One step of a case, as recorded in its events.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step<'a> {
    pub action: &'a str,
    /// Staff note (never shown to the citizen).
    pub note: Option<&'a str>,
    /// What the citizen may read.
    pub public_text: Option<&'a str>,
    pub unit: Option<UnitId>,
}

impl<'a> Step<'a> {
    pub(crate) fn of(action: &'a str) -> Self {
        Step { action, note: None, public_text: None, unit: None }
    }

    pub(crate) fn note(self, note: Option<&'a str>) -> Self {
        Step { note, ..self }
    }
}

pub(crate) async fn record_event(
    c: &mut Conn<'_>,
    case: CaseId,
    actor: &Actor,
    at: Timestamp,
    step: Step<'_>,
) -> StoreResult<()> {
    let Step { action, note, public_text, unit } = step;
    c.execute(
        Q::new(
            "INSERT INTO case_events (case_id, at, action, account_id, actor, note, public_text, unit_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case)
        .bind(at)
        .bind(action)
        .bind(actor.account_id)
        .bind(actor.username.as_str())
        .bind(note)
        .bind(public_text)
        .bind(unit),
    )
    .await?;
    let event = crate::audit::Event {
        actor: &actor.username,
        kind: "change",
        subject: format!("case:{case}"),
        action,
        payload: serde_json::json!({ "note": note, "public_text": public_text, "unit_id": unit }),
    };
    crate::audit::append(c, at, event).await
}

record! {
    /// One step of a case as staff see it (with notes).
    #[derive(Debug, Clone, serde::Serialize)]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub struct StaffEvent {
        pub id: i64,
        pub at: Timestamp as DateTime<Utc>,
        pub action: String,
        pub actor: String,
        pub note: Option<String>,
        pub public_text: Option<String>,
        pub unit_id: Option<UnitId> as Option<i64>,
        pub unit_name: Option<String>,
    }
}

async fn events(c: &mut Conn<'_>, id: CaseId) -> StoreResult<Vec<StaffEvent>> {
    c.fetch_all(
        Q::new(
            "SELECT e.id, e.at, e.action, e.actor, e.note, e.public_text, e.unit_id, u.name AS unit_name \
             FROM case_events e LEFT JOIN units u ON u.id = e.unit_id WHERE e.case_id = $1 ORDER BY e.id",
        )
        .bind(id),
    )
    .await
}

pub(crate) fn public_events(events: &[StaffEvent]) -> Vec<CaseEvent> {
    events
        .iter()
        .map(|e| CaseEvent {
            at: e.at,
            event: e.action.clone(),
            public_text: e.public_text.clone(),
            unit_name: e.unit_name.clone(),
        })
        .collect()
}

/// Filters of `GET /api/v1/cases`.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub states: Vec<CaseState>,
    pub unit: Option<UnitId>,
    pub channel: Option<Channel>,
    pub case_type: Option<CaseType>,
    pub session: Option<IntakeSessionId>,
    /// Text in the title or content.
    pub q: Option<String>,
    pub sign_overdue: Option<bool>,
    pub reply_overdue: Option<bool>,
    pub pending_extension: Option<bool>,
    pub escalated: Option<bool>,
    pub visit_due: Option<bool>,
    /// Cases sent back at least once.
    pub sent_back: Option<bool>,
    /// Received on or after this day.
    pub from: Option<NaiveDate>,
    /// Received on or before this day.
    pub to: Option<NaiveDate>,
    /// Filed under this category or one below it (its key).
    pub category: Option<String>,
    /// The search index's answer to `q`, filled in by the store (see `search::TextHits`).
    pub text_hits: Option<crate::search::TextHits>,
}

/// ` AND (condition)` or ` AND NOT (condition)`; conditions never yield NULL, so NOT is exact.
fn push_flag(q: &mut Q, flag: Option<bool>, condition: impl FnOnce(&mut Q)) {
    let Some(on) = flag else { return };
    q.push(if on { " AND (" } else { " AND NOT (" });
    condition(q);
    q.push(")");
}

/// The conditions of `f` and of the actor's scope (`None`: every case), shared by the case list
/// and the case figures so that a figure always counts the list behind it.
pub(crate) fn push_conditions(q: &mut Q, f: &CaseFilter, scope: Option<&[UnitId]>, today: NaiveDate) {
    if let Some(units) = scope {
        q.push(" AND ");
        q.push_in("unit_id", units.iter().copied());
    }
    if !f.states.is_empty() {
        q.push(" AND ");
        q.push_in("state", f.states.iter().map(|s| s.as_str()));
    }
    if let Some(u) = f.unit {
        q.push(" AND unit_id = ").push_bind(u);
    }
    if let Some(ch) = f.channel {
        q.push(" AND channel = ").push_bind(ch.as_str());
    }
    if let Some(t) = f.case_type {
        q.push(" AND type = ").push_bind(t.as_str());
    }
    if let Some(s) = f.session {
        q.push(" AND session_id = ").push_bind(s);
    }
    if let Some(key) = &f.category {
        // The category itself or any below it: keys are paths.
        let below = format!("{}/%", key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        q.push(" AND (category = ").push_bind(key.clone()).push(" OR category LIKE ").push_bind(below);
        q.push(" ESCAPE '\\')");
    }
    if let Some(d) = f.from {
        q.push(" AND received_at >= ").push_bind(start_of_china_day(d));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        q.push(" AND received_at < ").push_bind(start_of_china_day(d));
    }
    if let Some(text) = &f.q {
        let pattern = like_pattern(text);
        let kind = rectify_domain::search::SearchKind::Case;
        crate::search::push_text(q, kind, f.text_hits.as_ref(), |q| {
            q.push("(content LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\' OR title LIKE ");
            q.push_bind(pattern.clone()).push(" ESCAPE '\\')");
        });
    }
    push_flag(q, f.sign_overdue, |q| {
        q.push("state = 'assigned' AND sign_due_on IS NOT NULL AND sign_due_on < ").push_bind(today);
    });
    push_flag(q, f.reply_overdue, |q| {
        q.push("state IN ('assigned', 'in_progress') AND due_on IS NOT NULL AND due_on < ").push_bind(today);
    });
    push_flag(q, f.pending_extension, |q| {
        q.push("state IN ('assigned', 'in_progress') AND COALESCE(extension_status, '') = 'pending'");
    });
    push_flag(q, f.escalated, |q| {
        q.push("reopen_count >= ").push_bind(ESCALATE_AFTER).push(" OR send_back_count >= ").push_bind(ESCALATE_AFTER);
    });
    push_flag(q, f.visit_due, |q| {
        q.push("state = 'replied' AND visited_at IS NULL");
    });
    push_flag(q, f.sent_back, |q| {
        q.push("send_back_count > 0");
    });
}

impl Cases<'_> {
    pub async fn get_case(&self, actor: &Actor, id: CaseId) -> StoreResult<Case> {
        let (today, actor, vault) = (self.today(), actor.clone(), self.vault.clone());
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let r = visible_row(&mut c, &actor, id).await?;
                    assemble(&mut c, &vault, r, today).await
                })
            })
            .await
    }

    /// Every recorded step of a case, with staff notes.
    pub async fn case_events(&self, actor: &Actor, id: CaseId) -> StoreResult<Vec<StaffEvent>> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    visible_row(&mut c, &actor, id).await?;
                    events(&mut c, id).await
                })
            })
            .await
    }

    /// How many cases each filter lists for `actor` (one count per filter, in order), on one
    /// snapshot: the inbox's tabs and the to-do list, each count the length of its list.
    pub async fn count_cases(&self, actor: &Actor, filters: &[CaseFilter]) -> StoreResult<Vec<u64>> {
        let today = self.today();
        let mut resolved = Vec::with_capacity(filters.len());
        for f in filters {
            resolved.push(self.search().case_filter(f).await?);
        }
        let (actor, filters) = (actor.clone(), resolved);
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::cases(&mut c, &actor).await?;
                    let mut out = Vec::with_capacity(filters.len());
                    for f in &filters {
                        let mut q = Q::new("SELECT COUNT(*) FROM cases WHERE 1 = 1");
                        push_conditions(&mut q, f, scope.as_deref(), today);
                        let n: i64 = c.scalar(q).await?;
                        out.push(n.max(0) as u64);
                    }
                    Ok(out)
                })
            })
            .await
    }

    /// Where the open cases the actor handles were reported, newest first and at most `limit`,
    /// and how many open cases carry no position: the workbench map reads points only, not
    /// whole cases, so a district's thousands of cases cost one narrow query.
    pub async fn open_case_points(&self, actor: &Actor, limit: u32) -> StoreResult<(Vec<CasePoint>, u64)> {
        let today = self.today();
        let actor = actor.clone();
        let open = CaseFilter {
            states: CaseState::ALL
                .into_iter()
                .filter(|s| !matches!(s, CaseState::Closed | CaseState::Declined))
                .collect(),
            ..CaseFilter::default()
        };
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::cases(&mut c, &actor).await?;
                    let mut q = Q::new("SELECT id, title, latitude, longitude FROM cases WHERE 1 = 1");
                    push_conditions(&mut q, &open, scope.as_deref(), today);
                    q.push(" AND latitude IS NOT NULL AND longitude IS NOT NULL ORDER BY id DESC LIMIT ");
                    q.push_bind(i64::from(limit));
                    let points: Vec<CasePoint> = c.fetch_all(q).await?;
                    let mut q = Q::new("SELECT COUNT(*) FROM cases WHERE 1 = 1");
                    push_conditions(&mut q, &open, scope.as_deref(), today);
                    q.push(" AND (latitude IS NULL OR longitude IS NULL)");
                    let without: i64 = c.scalar(q).await?;
                    Ok((points, without.max(0) as u64))
                })
            })
            .await
    }

    /// The case the actor may see with this tracking code (written with or without its dash, in
    /// either case), if any: the header's search jumps straight to it.
    pub async fn find_by_tracking_code(&self, actor: &Actor, code: &str) -> StoreResult<Option<CaseId>> {
        let Some(code) = rectify_domain::case::TrackingCode::parse(code) else { return Ok(None) };
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let found: Option<IdUnit> = c
                        .fetch_optional(
                            Q::new("SELECT id, unit_id FROM cases WHERE tracking_code = $1").bind(code.as_str()),
                        )
                        .await?;
                    match found {
                        Some(r) if visibility::may_see_case(&mut c, &actor, r.unit_id).await? => Ok(Some(r.id)),
                        _ => Ok(None),
                    }
                })
            })
            .await
    }

    /// A unit's inbox or the office's list, newest first.
    pub async fn list_cases(&self, actor: &Actor, f: &CaseFilter, page: &PageRequest) -> StoreResult<Page<Case>> {
        let today = self.today();
        let f = self.search().case_filter(f).await?;
        let (actor, after, limit) = (actor.clone(), page.after.clone(), page.limit);
        let (rows, problems) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let scope = crate::visibility::cases(&mut c, &actor).await?;
                    let mut q = Q::new(format!("SELECT {COLUMNS} FROM cases WHERE 1 = 1"));
                    push_conditions(&mut q, &f, scope.as_deref(), today);
                    if let Some(after) = &after {
                        q.push(" AND id < ").push_bind(after.id);
                    }
                    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit) + 1);
                    let rows: Vec<CaseRow> = c.fetch_all(q).await?;
                    let ids: Vec<CaseId> = rows.iter().take(limit as usize).map(|r| r.id).collect();
                    let problems = problems_of_many(&mut c, &ids).await?;
                    Ok((rows, problems))
                })
            })
            .await?;
        page.finish(
            rows,
            |r| Cursor { key: None, id: r.id.get() },
            |r| {
                let linked = problems.get(&r.id).cloned().unwrap_or_default();
                r.into_case(&self.vault, today, linked, Vec::new())
            },
        )
    }
}
