//! Notifications (通知): written to the outbox in the same transaction as the change they report,
//! so a crash cannot lose one, and delivered later by the worker in `rectify-notify`.
//! What is sent to whom is the domain's decision (`rectify_domain::notice`); the words are the
//! catalog's (`rectify-i18n`); here notices find their addresses and wait in the outbox.

use crate::areas::Outbox;
use crate::db::{Conn, Q};
use crate::error::StoreResult;
use crate::pii::SealedContact;
use chrono::TimeDelta;
use rectify_domain::ids::{CaseId, NoticeId};
pub use rectify_domain::notice::NoticeChannel;
use rectify_domain::notice::Recipient;
use rectify_domain::privacy::Contact;
use rectify_domain::time::Timestamp;
use rectify_vault::Keyring;

/// One message to send.
#[derive(Debug, Clone)]
pub struct Notice {
    pub channel: NoticeChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub case_id: Option<CaseId>,
    /// Notices that must go out at most once (a reminder for one due date) carry a key.
    pub dedupe_key: Option<String>,
}

/// Queues notices in the caller's transaction. A notice whose key was already queued is dropped.
/// Returns how many were queued.
/// Recipients are sealed: a citizen's phone or e-mail is their personal data.
pub(crate) async fn enqueue(
    c: &mut Conn<'_>,
    vault: &Keyring,
    now: Timestamp,
    notices: Vec<Notice>,
) -> StoreResult<u64> {
    let mut queued = 0;
    for n in notices {
        queued += c
            .execute(
                Q::new(
                    "INSERT INTO outbox (channel, recipient, subject, body, case_id, dedupe_key, status, attempts, \
                 next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7) \
                 ON CONFLICT (dedupe_key) DO NOTHING",
                )
                .bind(n.channel.as_str())
                .bind(vault.seal(crate::pii::RECIPIENT, &n.recipient))
                .bind(n.subject)
                .bind(n.body)
                .bind(n.case_id)
                .bind(n.dedupe_key)
                .bind(now),
            )
            .await?;
    }
    Ok(queued)
}

/// Queues the domain's notices about `case` in the caller's transaction: a citizen's by SMS to
/// their mobile and by e-mail if they gave one, a unit's at its published mailbox. The words
/// come from the catalog. Returns how many were queued.
pub(crate) async fn queue(
    c: &mut Conn<'_>,
    vault: &Keyring,
    now: Timestamp,
    case: CaseId,
    citizen: &impl CitizenAddress,
    notices: Vec<rectify_domain::notice::Notice>,
) -> StoreResult<u64> {
    let mut out = Vec::new();
    let mut contact: Option<Contact> = None;
    let mut code: Option<String> = None;
    for mut n in notices {
        // What the domain leaves to the store: the unit's name, and for the citizen the case's
        // tracking code, which every notice to them carries.
        if let Some(unit) = n.names_unit {
            let name: Option<String> =
                c.scalar_optional(Q::new("SELECT name FROM units WHERE id = $1").bind(unit)).await?;
            n.params.push(("unit", name.unwrap_or_default()));
        }
        if n.to == Recipient::Citizen {
            let code = match &code {
                Some(code) => code.clone(),
                None => {
                    let found: Option<String> =
                        c.scalar_optional(Q::new("SELECT tracking_code FROM cases WHERE id = $1").bind(case)).await?;
                    code.insert(found.unwrap_or_default()).clone()
                }
            };
            if !n.params.iter().any(|(k, _)| *k == "code") {
                n.params.push(("code", code));
            }
        }
        let (subject, body) = rectify_i18n::notice(n.template, &n.params);
        match n.to {
            Recipient::Citizen => {
                let contact = match &mut contact {
                    Some(c) => c,
                    None => contact.insert(citizen.contact(vault)?),
                };
                out.extend(to_citizen(contact.phone.as_deref(), contact.email.as_deref(), Some(case), &subject, &body));
            }
            staff => out.extend(to_staff(c, staff, Some(case), &subject, &body, n.once_key).await?),
        }
    }
    enqueue(c, vault, now, out).await
}

/// Queues the domain's notices to the applicant of a service case (办件) in the caller's
/// transaction: by SMS to their mobile, each carrying the case's tracking code (`code`).
pub(crate) async fn queue_to_applicant(
    c: &mut Conn<'_>,
    vault: &Keyring,
    now: Timestamp,
    phone: &str,
    code: &str,
    notices: Vec<rectify_domain::notice::Notice>,
) -> StoreResult<u64> {
    let mut out = Vec::new();
    for n in notices {
        let mut params = n.params;
        params.push(("code", code.to_owned()));
        let (subject, body) = rectify_i18n::notice(n.template, &params);
        out.extend(to_citizen(Some(phone), None, None, &subject, &body));
    }
    enqueue(c, vault, now, out).await
}

/// Queues notices to staff about no case (ledger reminders) in the caller's transaction.
pub(crate) async fn queue_to_staff(
    c: &mut Conn<'_>,
    vault: &Keyring,
    now: Timestamp,
    notices: Vec<rectify_domain::notice::Notice>,
) -> StoreResult<u64> {
    let mut out = Vec::new();
    for n in notices {
        let (subject, body) = rectify_i18n::notice(n.template, &n.params);
        out.extend(to_staff(c, n.to, None, &subject, &body, n.once_key).await?);
    }
    enqueue(c, vault, now, out).await
}

/// A unit at its published mailbox; a person by SMS to their mobile in the directory.
async fn to_staff(
    c: &mut Conn<'_>,
    to: Recipient,
    case: Option<CaseId>,
    subject: &str,
    body: &str,
    dedupe_key: Option<String>,
) -> StoreResult<Vec<Notice>> {
    Ok(match to {
        Recipient::Citizen => Vec::new(),
        Recipient::Unit(unit) => {
            let mailbox: Option<(Option<String>,)> =
                c.fetch_optional(Q::new("SELECT mailbox FROM units WHERE id = $1").bind(unit)).await?;
            to_unit(mailbox.and_then(|(m,)| m).as_deref(), case, subject, body, dedupe_key)
        }
        Recipient::Person(person) => {
            let phone: Option<(Option<String>,)> =
                c.fetch_optional(Q::new("SELECT phone FROM people WHERE id = $1").bind(person)).await?;
            let mobile = phone.and_then(|(p,)| p).filter(|p| is_mobile(p));
            mobile
                .map(|p| Notice {
                    channel: NoticeChannel::Sms,
                    recipient: p,
                    subject: subject.to_owned(),
                    body: rectify_i18n::sms_text(body),
                    case_id: case,
                    dedupe_key,
                })
                .into_iter()
                .collect()
        }
    })
}

/// A Chinese mobile number (11 digits from 1), the only kind an SMS reaches.
fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// A citizen's contact details, sealed (a stored case) or just given (a case being registered).
pub(crate) trait CitizenAddress {
    fn contact(&self, vault: &Keyring) -> StoreResult<Contact>;
}

impl CitizenAddress for SealedContact {
    fn contact(&self, vault: &Keyring) -> StoreResult<Contact> {
        self.open(vault)
    }
}

impl CitizenAddress for Contact {
    fn contact(&self, _: &Keyring) -> StoreResult<Contact> {
        Ok(self.clone())
    }
}

/// Where a citizen can be told: SMS to their phone if it is a mobile, e-mail if they gave one.
fn to_citizen(
    phone: Option<&str>,
    email: Option<&str>,
    case: Option<CaseId>,
    subject: &str,
    body: &str,
) -> Vec<Notice> {
    let mut out = Vec::new();
    if let Some(p) = phone.filter(|p| is_mobile(p)) {
        out.push(Notice {
            channel: NoticeChannel::Sms,
            recipient: p.to_owned(),
            subject: subject.to_owned(),
            body: rectify_i18n::sms_text(body),
            case_id: case,
            dedupe_key: None,
        });
    }
    if let Some(e) = email {
        out.push(Notice {
            channel: NoticeChannel::Email,
            recipient: e.to_owned(),
            subject: rectify_i18n::email_subject(subject),
            body: body.to_owned(),
            case_id: case,
            dedupe_key: None,
        });
    }
    out
}

/// Units are told by e-mail at their published mailbox, when it is an e-mail address.
fn to_unit(
    mailbox: Option<&str>,
    case: Option<CaseId>,
    subject: &str,
    body: &str,
    dedupe_key: Option<String>,
) -> Vec<Notice> {
    match mailbox.filter(|m| m.contains('@') && !m.starts_with("http")) {
        Some(m) => vec![Notice {
            channel: NoticeChannel::Email,
            recipient: m.to_owned(),
            subject: rectify_i18n::email_subject(subject),
            body: body.to_owned(),
            case_id: case,
            dedupe_key,
        }],
        None => Vec::new(),
    }
}

/// A queued notice as the worker sees it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: NoticeId,
    pub channel: NoticeChannel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Delivery gives up after this many attempts.
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait before attempt `n + 1`: 30 s, 1 min, 2 min, … capped at one hour.
pub fn backoff(attempts: i64) -> TimeDelta {
    let secs = 30i64.saturating_mul(1i64 << attempts.clamp(0, 7));
    TimeDelta::seconds(secs.min(3600))
}

use crate::db::record;
use crate::page::{Cursor, Page, PageRequest};
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::privacy::{mask_email, mask_phone};

record! {
    struct OutgoingRow {
        id: NoticeId as i64,
        channel: NoticeChannel as String,
        recipient: String,
        subject: Option<String>,
        body: String,
        attempts: i64,
    }
}

/// A notice as listed for administrators.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxEntry {
    pub id: NoticeId,
    /// The case the notice is about.
    pub case_id: Option<CaseId>,
    pub channel: NoticeChannel,
    pub recipient: String,
    pub subject: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
}

record! {
    struct OutboxRow {
        id: NoticeId as i64,
        case_id: Option<CaseId> as Option<i64>,
        channel: NoticeChannel as String,
        recipient: String,
        subject: Option<String>,
        status: String,
        attempts: i64,
        last_error: Option<String>,
        created_at: Timestamp as DateTime<Utc>,
        sent_at: Option<Timestamp> as Option<DateTime<Utc>>,
    }
}

impl Outbox<'_> {
    /// Takes up to `limit` notices due for sending and leases them for `lease`, so that another
    /// worker (another instance) does not send them too.
    pub async fn claim_notices(&self, limit: u32, lease: TimeDelta) -> StoreResult<Vec<Outgoing>> {
        let now = self.now();
        let until = Timestamp::from_utc(now.utc() + lease);
        let rows: Vec<OutgoingRow> = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    tx.conn()
                        .fetch_all(
                            Q::new(
                                "UPDATE outbox SET locked_until = $1 WHERE id IN (SELECT id FROM outbox \
                                 WHERE status = 'pending' AND next_attempt_at <= $2 \
                                 AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3) \
                                 AND (locked_until IS NULL OR locked_until < $2) \
                                 RETURNING id, channel, recipient, subject, body, attempts",
                            )
                            .bind(until)
                            .bind(now)
                            .bind(i64::from(limit)),
                        )
                        .await
                })
            })
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Outgoing {
                    id: r.id,
                    channel: r.channel,
                    recipient: self.vault.open(crate::pii::RECIPIENT, &r.recipient)?,
                    subject: r.subject.unwrap_or_default(),
                    body: r.body,
                    attempts: r.attempts,
                })
            })
            .collect()
    }

    /// Records the outcome of one delivery attempt: sent, skipped (no way to send it, with the
    /// reason), or failed (retried later with backoff, given up after [`MAX_ATTEMPTS`]).
    pub async fn record_delivery(&self, id: NoticeId, outcome: Delivery) -> StoreResult<()> {
        let now = self.now();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let q = match outcome {
                        Delivery::Sent => Q::new(
                            "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, locked_until = NULL, \
                             last_error = NULL WHERE id = $2",
                        )
                        .bind(now)
                        .bind(id),
                        Delivery::Skipped(reason) => Q::new(
                            "UPDATE outbox SET status = 'skipped', last_error = $1, locked_until = NULL WHERE id = $2",
                        )
                        .bind(reason)
                        .bind(id),
                        Delivery::Failed { error, attempts } => {
                            let gave_up = attempts + 1 >= MAX_ATTEMPTS;
                            let next = Timestamp::from_utc(now.utc() + backoff(attempts));
                            Q::new(
                                "UPDATE outbox SET status = $1, attempts = attempts + 1, last_error = $2, \
                                 next_attempt_at = $3, locked_until = NULL WHERE id = $4",
                            )
                            .bind(if gave_up { "failed" } else { "pending" })
                            .bind(error)
                            .bind(next)
                            .bind(id)
                        }
                    };
                    c.execute(q).await?;
                    Ok(())
                })
            })
            .await
    }

    /// The outbox for administrators, newest first, recipients masked (they are citizens' phones
    /// and e-mails as often as units' mailboxes).
    pub async fn list_outbox(
        &self,
        actor: &Actor,
        status: Option<String>,
        case: Option<CaseId>,
        page: &PageRequest,
    ) -> StoreResult<Page<OutboxEntry>> {
        authorize(actor, Permission::ManageSettings, Party::Office)?;
        let mut q = Q::new(
            "SELECT id, case_id, channel, recipient, subject, status, attempts, last_error, created_at, sent_at \
             FROM outbox WHERE 1 = 1",
        );
        if let Some(s) = status {
            q.push(" AND status = ").push_bind(s);
        }
        if let Some(c) = case {
            q.push(" AND case_id = ").push_bind(c);
        }
        if let Some(after) = &page.after {
            q.push(" AND id < ").push_bind(after.id);
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
        let rows: Vec<OutboxRow> = self.db.fetch_all(q).await?;
        page.finish(
            rows,
            |r| Cursor { key: None, id: r.id.0 },
            |r| {
                let recipient = self.vault.open(crate::pii::RECIPIENT, &r.recipient)?;
                let recipient = match r.channel {
                    NoticeChannel::Sms => mask_phone(&recipient),
                    NoticeChannel::Email => mask_email(&recipient),
                };
                Ok(OutboxEntry {
                    id: r.id,
                    case_id: r.case_id,
                    channel: r.channel,
                    recipient,
                    subject: r.subject,
                    status: r.status,
                    attempts: r.attempts,
                    last_error: r.last_error,
                    created_at: r.created_at,
                    sent_at: r.sent_at,
                })
            },
        )
    }
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone)]
pub enum Delivery {
    Sent,
    Skipped(String),
    Failed { error: String, attempts: i64 },
}

impl Delivery {
    /// The outcome with the recipient's address masked in its text: a mail server's refusal
    /// often quotes the address, and the text is stored, listed and logged.
    pub fn scrubbed(self, recipient: &str) -> Delivery {
        if recipient.is_empty() {
            return self;
        }
        let hide = |text: String| text.replace(recipient, &mask_email(recipient));
        match self {
            Delivery::Sent => Delivery::Sent,
            Delivery::Skipped(reason) => Delivery::Skipped(hide(reason)),
            Delivery::Failed { error, attempts } => Delivery::Failed { error: hide(error), attempts },
        }
    }
}
