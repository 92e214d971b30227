//! Registering cases: the public form (no account), staff for the other channels, and intake
//! sessions (a 座谈会 or a round of visits that yields many cases).

use super::flow::{Context, route_by_model};
use super::{Step, assemble, record_event, row};
use crate::areas::Cases;
use crate::attachments::{require_attachable, store_file};
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::notices;
use crate::pii::{self, SealedContact};
use crate::units::require_live;
use crate::versioned::created;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand::RngCore;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::{
    Case, CaseFields, Channel, CheckedFile, DUPLICATE_WINDOW_MINUTES, ModelRouting, NewCase, NewIntakeSession,
    RESUBMISSION_WINDOW_HOURS, TrackingCode, TriageRules, UploadedFile, check_files, near_identical, registered,
};
use rectify_domain::ids::{CaseId, IntakeSessionId, UnitId};
use rectify_domain::privacy::{Contact, mask_text};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity};
use rectify_vault::Keyring;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the public form answers: the case and the code to follow it with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseReceipt {
    pub id: CaseId,
    /// Read it back to the citizen; they follow the case with it at `/track`.
    pub tracking_code: String,
}

fn content_hash(content: &str) -> String {
    hex::encode(Sha256::digest(content.trim().as_bytes()))
}

fn fresh_code() -> TrackingCode {
    let mut rng = rand::rng();
    TrackingCode::generate(|| {
        let mut b = [0u8; 1];
        rng.fill_bytes(&mut b);
        b[0]
    })
}

/// An earlier case the new one repeats.
enum Earlier {
    /// The same text from the same phone within ten minutes: a second press of the button,
    /// answered as the first request was.
    Replay(CaseId),
    /// Near-identical text from the same phone or device within three days: the citizen is
    /// answered with their first case, and its record says they wrote again.
    Resubmission(CaseId),
}

/// Looks for the case `f` repeats. The phone and the device are sealed, so the lookups go
/// through their blind indexes; the text compared is the stored (masked) one.
async fn earlier_case(
    c: &mut Conn<'_>,
    vault: &Keyring,
    f: &CaseFields,
    now: Timestamp,
) -> StoreResult<Option<Earlier>> {
    let phones = f.phone.as_deref().map(|p| pii::phone_indexes(vault, p));
    if let Some(phones) = &phones {
        let since = Timestamp::from_utc(now.utc() - TimeDelta::minutes(DUPLICATE_WINDOW_MINUTES));
        let mut q = Q::new("SELECT id FROM cases WHERE ");
        q.push_in("phone_index", phones.clone());
        q.push(" AND content_hash = ").push_bind(content_hash(&f.content));
        q.push(" AND created_at >= ").push_bind(since).push(" ORDER BY id LIMIT 1");
        if let Some(id) = c.scalar_optional::<i64>(q).await? {
            return Ok(Some(Earlier::Replay(CaseId(id))));
        }
    }
    let devices = f.device_id.as_deref().map(|d| pii::device_indexes(vault, d));
    let senders: Vec<(&str, Vec<String>)> = [("phone_index", phones), ("device_index", devices)]
        .into_iter()
        .filter_map(|(col, v)| Some((col, v?)))
        .collect();
    if senders.is_empty() {
        return Ok(None);
    }
    let since = Timestamp::from_utc(now.utc() - TimeDelta::hours(RESUBMISSION_WINDOW_HOURS));
    let mut q = Q::new("SELECT id, content FROM cases WHERE (");
    for (i, (column, indexes)) in senders.into_iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push_in(column, indexes);
    }
    // The newest few are enough: a sender writing more than this in three days is not resending.
    q.push(") AND created_at >= ").push_bind(since).push(" ORDER BY id DESC LIMIT 20");
    let recent: Vec<(i64, String)> = c.fetch_all(q).await?;
    let text = mask_text(&f.content);
    Ok(recent
        .into_iter()
        .rev()
        .find(|(_, stored)| near_identical(&text, stored))
        .map(|(id, _)| Earlier::Resubmission(CaseId(id))))
}

/// The first case answers a repeat; a resubmission is written on its record (who wrote again
/// is the citizen: no account).
async fn answer_repeat(c: &mut Conn<'_>, earlier: Earlier, now: Timestamp) -> StoreResult<CaseId> {
    match earlier {
        Earlier::Replay(id) => Ok(id),
        Earlier::Resubmission(id) => {
            record_event(c, id, &Actor::public(), now, Step::of("resubmitted")).await?;
            Ok(id)
        }
    }
}

/// Writes a new case with its files and its first event (no notice: an import writes history,
/// and tells no one).
/// `event_at` is when the first event is dated: now, or the recorded time of an imported case.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_row(
    c: &mut Conn<'_>,
    vault: &Keyring,
    actor: &Actor,
    f: &CaseFields,
    files: Vec<CheckedFile>,
    event_at: Timestamp,
    now: Timestamp,
) -> StoreResult<(CaseId, String)> {
    if let Some(u) = f.target_unit_id {
        require_live(c, u, "unit_id").await?;
    }
    if let Some(s) = f.session_id {
        let exists: Option<i64> =
            c.scalar_optional(Q::new("SELECT id FROM intake_sessions WHERE id = $1").bind(s)).await?;
        if exists.is_none() {
            return Err(DomainError::unknown("session_id", Entity::IntakeSession).into());
        }
    }
    for (i, a) in f.attachment_ids.iter().enumerate() {
        require_attachable(c, actor, *a, &format!("attachment_ids[{i}]")).await?;
    }
    let mut code = fresh_code();
    // 31^10 codes: a clash is astronomically rare, but never reuse one.
    loop {
        let taken: Option<i64> =
            c.scalar_optional(Q::new("SELECT id FROM cases WHERE tracking_code = $1").bind(code.as_str())).await?;
        if taken.is_none() {
            break;
        }
        code = fresh_code();
    }
    let received_month = f.received_at.china_date().format("%Y-%m").to_string();
    let contact = Contact {
        name: f.name.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        location: f.location.clone(),
        content: None,
    };
    let sealed = SealedContact::seal(vault, &contact);
    // The text is stored masked; as written, it is sealed beside it.
    let (content, sealed_content) = pii::seal_content(vault, &f.content);
    let id: i64 = c
        .scalar(
            Q::new(
                "INSERT INTO cases (tracking_code, channel, type, title, content, content_hash, urgent, citizen_name, \
                 phone, email, location, latitude, longitude, target_unit_id, session_id, state, received_at, \
                 received_month, registered_by, visit_count, reopen_count, send_back_count, version, created_at, \
                 updated_at, phone_index, sealed_content, device_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                 $11, $12, $13, $14, $15, 'received', $16, $17, $18, 0, 0, 0, 1, $19, $19, $20, $21, $22) RETURNING id",
            )
            .bind(code.as_str())
            .bind(f.channel.as_str())
            .bind(f.case_type.as_str())
            .bind(f.title.clone())
            .bind(content)
            .bind(content_hash(&f.content))
            .bind(f.urgent)
            .bind(sealed.name)
            .bind(sealed.phone)
            .bind(sealed.email)
            .bind(sealed.location)
            .bind(f.latitude)
            .bind(f.longitude)
            .bind(f.target_unit_id)
            .bind(f.session_id)
            .bind(f.received_at)
            .bind(received_month)
            .bind(actor.account_id)
            .bind(now)
            .bind(sealed.phone_index)
            .bind(sealed_content)
            .bind(f.device_id.as_deref().map(|d| pii::device_index(vault, d))),
        )
        .await?;
    let id = CaseId(id);
    for f in files {
        let meta = store_file(c, &f.name, f.mime, f.bytes, actor.account_id, now).await?;
        c.execute(
            Q::new("INSERT INTO case_attachments (case_id, attachment_id) VALUES ($1, $2)").bind(id).bind(meta.id),
        )
        .await?;
    }
    for a in &f.attachment_ids {
        c.execute(Q::new("INSERT INTO case_attachments (case_id, attachment_id) VALUES ($1, $2)").bind(id).bind(*a))
            .await?;
    }
    record_event(c, id, actor, event_at, Step::of("received")).await?;
    Ok((id, code.to_string()))
}

/// Writes a new case and tells the citizen its tracking code.
async fn insert_case(
    c: &mut Conn<'_>,
    vault: &Keyring,
    actor: &Actor,
    f: &CaseFields,
    files: Vec<CheckedFile>,
    now: Timestamp,
) -> StoreResult<(CaseId, String)> {
    let (id, shown) = insert_row(c, vault, actor, f, files, now, now).await?;
    let citizen = Contact { phone: f.phone.clone(), email: f.email.clone(), ..Contact::default() };
    notices::queue(c, vault, now, id, &citizen, vec![registered(&shown)]).await?;
    Ok((id, shown))
}

/// The case as stored, for the history row and the staff answer.
async fn stored(c: &mut Conn<'_>, vault: &Keyring, id: CaseId, today: NaiveDate) -> StoreResult<Case> {
    let r = row(c, id).await?.ok_or_else(|| DomainError::not_found(Entity::Case, id))?;
    assemble(c, vault, r, today).await
}

impl Cases<'_> {
    /// What the model does with the new case when the office lets it route, and what that
    /// needs; none otherwise. Asked before the write, so the model never runs inside it.
    async fn model_routing(&self, f: &CaseFields) -> StoreResult<Option<(ModelRouting, TriageRules, Context)>> {
        let Some((routing, rules)) = self.triage().routing_for(f.title.as_deref(), &f.content).await? else {
            return Ok(None);
        };
        Ok(Some((routing, rules, self.case_context().await?)))
    }

    /// A case from the public form (no account). The same message from the same phone within
    /// ten minutes, or the same `Idempotency-Key`, answers with the first case.
    pub async fn submit_public_case(
        &self,
        input: NewCase,
        files: Vec<UploadedFile>,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<CaseReceipt>> {
        let now = self.now();
        let today = self.today();
        let fields = input.validate(true, now)?;
        let files = check_files(files)?;
        let (actor, vault) = (Actor::public(), self.vault.clone());
        let routing = self.model_routing(&fields).await?;
        self.create_once_or_find(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                if let Some(earlier) = earlier_case(&mut c, &vault, &fields, now).await? {
                    let first = answer_repeat(&mut c, earlier, now).await?;
                    let r = row(&mut c, first).await?.ok_or_else(|| DomainError::not_found(Entity::Case, first))?;
                    let code = TrackingCode::parse(&r.tracking_code).map(|t| t.to_string()).unwrap_or(r.tracking_code);
                    return Ok(Created { value: CaseReceipt { id: first, tracking_code: code }, replayed: true });
                }
                let (id, code) = insert_case(&mut c, &vault, &actor, &fields, files, now).await?;
                let case = stored(&mut c, &vault, id, today).await?;
                created(&mut c, &actor, now, Entity::Case, id, case).await?;
                if let Some((routing, rules, ctx)) = &routing {
                    route_by_model(&mut c, id, routing, rules, ctx).await?;
                }
                Ok(Created { value: CaseReceipt { id, tracking_code: code }, replayed: false })
            })
        })
        .await
    }

    /// A case registered by staff for any channel (hotline, letter, forum, referral …).
    pub async fn register_case(
        &self,
        actor: &Actor,
        input: NewCase,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<Case>> {
        authorize(actor, Permission::RegisterCase, Party::Office)?;
        let now = self.now();
        let today = self.today();
        let fields = input.validate(false, now)?;
        let (actor, vault) = (actor.clone(), self.vault.clone());
        let routing = self.model_routing(&fields).await?;
        self.create_once_or_find(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                if let Some(earlier) = earlier_case(&mut c, &vault, &fields, now).await? {
                    let first = answer_repeat(&mut c, earlier, now).await?;
                    return Ok(Created { value: stored(&mut c, &vault, first, today).await?, replayed: true });
                }
                let (id, _) = insert_case(&mut c, &vault, &actor, &fields, Vec::new(), now).await?;
                let case = stored(&mut c, &vault, id, today).await?;
                let mut case = created(&mut c, &actor, now, Entity::Case, id, case).await?;
                if let Some((routing, rules, ctx)) = &routing {
                    route_by_model(&mut c, id, routing, rules, ctx).await?;
                    case = stored(&mut c, &vault, id, today).await?;
                }
                Ok(Created { value: case, replayed: false })
            })
        })
        .await
    }
}

/// An intake session as read back.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeSession {
    pub id: IntakeSessionId,
    pub title: String,
    pub channel: Channel,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub unit_id: Option<UnitId>,
    pub participants: Option<i64>,
    pub note: Option<String>,
    /// Cases registered from it.
    pub cases: i64,
    pub created_at: Timestamp,
}

record! {
    struct SessionRow {
        id: IntakeSessionId as i64,
        title: String,
        channel: Channel as String,
        held_on: NaiveDate,
        place: Option<String>,
        unit_id: Option<UnitId> as Option<i64>,
        participants: Option<i64>,
        note: Option<String>,
        cases: i64,
        created_at: Timestamp as DateTime<Utc>,
    }
}

const SESSION_SELECT: &str = "SELECT s.id, s.title, s.channel, s.held_on, s.place, s.unit_id, s.participants, s.note, \
    (SELECT COUNT(*) FROM cases c WHERE c.session_id = s.id) AS cases, s.created_at FROM intake_sessions s";

impl From<SessionRow> for IntakeSession {
    fn from(r: SessionRow) -> IntakeSession {
        IntakeSession {
            id: r.id,
            title: r.title,
            channel: r.channel,
            held_on: r.held_on,
            place: r.place,
            unit_id: r.unit_id,
            participants: r.participants,
            note: r.note,
            cases: r.cases,
            created_at: r.created_at,
        }
    }
}

impl Cases<'_> {
    pub async fn create_intake_session(
        &self,
        actor: &Actor,
        input: NewIntakeSession,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<IntakeSession>> {
        authorize(actor, Permission::ManageIntakeSessions, Party::Office)?;
        let f = input.validate(self.today())?;
        let now = self.now();
        let actor = actor.clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                if let Some(u) = f.unit_id {
                    require_live(&mut c, u, "unit_id").await?;
                }
                let id: IntakeSessionId = c
                    .returning_id(
                        Q::new(
                            "INSERT INTO intake_sessions (title, channel, held_on, place, unit_id, participants, note, \
                             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        )
                        .bind(&f.title)
                        .bind(f.channel.as_str())
                        .bind(f.held_on)
                        .bind(f.place.clone())
                        .bind(f.unit_id)
                        .bind(f.participants)
                        .bind(f.note.clone())
                        .bind(actor.account_id)
                        .bind(now),
                    )
                    .await?;
                let row: SessionRow = c.fetch_one(Q::new(format!("{SESSION_SELECT} WHERE s.id = $1")).bind(id)).await?;
                created(&mut c, &actor, now, Entity::IntakeSession, id, IntakeSession::from(row)).await
            })
        })
        .await
    }

    pub async fn list_intake_sessions(&self, actor: &Actor) -> StoreResult<Vec<IntakeSession>> {
        authorize(actor, Permission::RegisterCase, Party::Office)?;
        let rows: Vec<SessionRow> = self.db.fetch_all(Q::new(format!("{SESSION_SELECT} ORDER BY s.id DESC"))).await?;
        Ok(rows.into_iter().map(IntakeSession::from).collect())
    }

    pub async fn get_intake_session(&self, actor: &Actor, id: IntakeSessionId) -> StoreResult<IntakeSession> {
        authorize(actor, Permission::RegisterCase, Party::Office)?;
        let row: Option<SessionRow> =
            self.db.fetch_optional(Q::new(format!("{SESSION_SELECT} WHERE s.id = $1")).bind(id)).await?;
        Ok(row.ok_or_else(|| DomainError::not_found(Entity::IntakeSession, id))?.into())
    }
}
