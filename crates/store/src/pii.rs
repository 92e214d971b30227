//! Citizens' contact details at rest (reporter protection). Names, phones, e-mails and addresses
//! of cases, and the recipients of queued notices, are sealed by the store's keyring before they
//! are written and opened only where needed: to send a notice, to check a tracking request's
//! phone tail, to mask them for display, and for a reveal, which the office asks for with a
//! reason and the audit chain records.
//!
//! A case's text is stored masked (`content`, by `privacy::mask_text`) so that everything that
//! reads it — lists, search, exports, history — sees no phone, e-mail or ID number a citizen wrote
//! into it; the text as written is sealed beside it (`sealed_content`) and opened only by a reveal.

use crate::areas::Keys;
use crate::db::{Conn, Q, record};
use crate::error::{StoreError, StoreResult};
use rectify_domain::privacy::{Contact, mask_text};
use rectify_vault::{Keyring, is_sealed, key_id_of};

pub(crate) const NAME: &str = "cases.citizen_name";
pub(crate) const PHONE: &str = "cases.phone";
pub(crate) const EMAIL: &str = "cases.email";
pub(crate) const LOCATION: &str = "cases.location";
pub(crate) const RECIPIENT: &str = "outbox.recipient";
pub(crate) const CONTENT: &str = "cases.content";
pub(crate) const DEVICE: &str = "cases.device";
pub(crate) const APPLICANT_NAME: &str = "service_cases.applicant_name";
pub(crate) const APPLICANT_PHONE: &str = "service_cases.applicant_phone";
pub(crate) const APPOINTMENT_NAME: &str = "appointments.name";
pub(crate) const APPOINTMENT_PHONE: &str = "appointments.phone";

/// The tables of applicants (a service case's, an online application's, a booking's): a sealed name and mobile, and the
/// phone's blind index. Re-sealed and counted like the cases' contacts.
const APPLICANTS: [(&str, &str, &str, &str, &str); 3] = [
    ("service_cases", "applicant_name", APPLICANT_NAME, "applicant_phone", APPLICANT_PHONE),
    // An online application seals its applicant as the service case it becomes.
    ("online_applications", "applicant_name", APPLICANT_NAME, "applicant_phone", APPLICANT_PHONE),
    ("appointments", "name", APPOINTMENT_NAME, "phone", APPOINTMENT_PHONE),
];
const CANARY_FIELD: &str = "pii_keys.canary";
const CANARY: &str = "rectify-key-check";
/// Rows re-sealed per transaction: short transactions, so serving goes on during a rotation.
const RESEAL_BATCH: i64 = 500;

/// A contact as the `cases` columns hold it.
pub(crate) struct SealedContact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub location: Option<String>,
    pub phone_index: Option<String>,
}

impl SealedContact {
    pub(crate) fn seal(vault: &Keyring, c: &Contact) -> SealedContact {
        let seal = |field, v: &Option<String>| v.as_deref().map(|v| vault.seal(field, v));
        SealedContact {
            name: seal(NAME, &c.name),
            phone: seal(PHONE, &c.phone),
            email: seal(EMAIL, &c.email),
            location: seal(LOCATION, &c.location),
            phone_index: c.phone.as_deref().map(|p| phone_index(vault, p)),
        }
    }

    pub(crate) fn open(&self, vault: &Keyring) -> StoreResult<Contact> {
        Ok(Contact {
            name: open(vault, NAME, self.name.as_deref())?,
            phone: open(vault, PHONE, self.phone.as_deref())?,
            email: open(vault, EMAIL, self.email.as_deref())?,
            location: open(vault, LOCATION, self.location.as_deref())?,
            content: None,
        })
    }
}

/// A case's text as it is stored: masked (the `content` column), and the text as written sealed
/// (`sealed_content`) when masking hid something in it.
pub(crate) fn seal_content(vault: &Keyring, content: &str) -> (String, Option<String>) {
    let shown = mask_text(content);
    let sealed = (shown != content).then(|| vault.seal(CONTENT, content));
    (shown, sealed)
}

/// The columns of `cases` that hold sealed values.
const CASE_SEALED: [&str; 5] = ["citizen_name", "phone", "email", "location", "sealed_content"];

/// Opens an optional sealed value.
pub(crate) fn open(vault: &Keyring, field: &str, stored: Option<&str>) -> StoreResult<Option<String>> {
    Ok(stored.map(|s| vault.open(field, s)).transpose()?)
}

/// The blind indexes a lookup of `phone` asks for: one per key, so rows not yet re-sealed after a
/// rotation are still found.
pub(crate) fn phone_indexes(vault: &Keyring, phone: &str) -> Vec<String> {
    vault.blind_indexes(PHONE, &phone_key(phone))
}

/// The blind index of a phone: the same for a case and a service case, so one phone's records
/// are found together.
pub(crate) fn phone_index(vault: &Keyring, phone: &str) -> String {
    vault.blind_index(PHONE, &phone_key(phone))
}

/// The blind index a case keeps of its sending device, and those a lookup asks for.
pub(crate) fn device_index(vault: &Keyring, device: &str) -> String {
    vault.blind_index(DEVICE, device.trim())
}

pub(crate) fn device_indexes(vault: &Keyring, device: &str) -> Vec<String> {
    vault.blind_indexes(DEVICE, device.trim())
}

/// The same number written with or without spaces and dashes is the same phone.
fn phone_key(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Values re-sealed by [`Store::reseal`].
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ResealReport {
    /// The key everything is sealed with now.
    pub key: String,
    pub cases: u64,
    pub notices: u64,
    /// Applicants of service cases and bookings.
    pub applicants: u64,
}

/// Cases of before `sealed_content` existed whose texts were masked and sealed at start-up.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ContentReport {
    pub checked: u64,
    pub masked: u64,
}

/// How many stored values a key seals.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyUse {
    pub key_id: String,
    pub values: u64,
    /// Whether the keyring holds it (a key the database uses but the keyring lacks is lost data).
    pub in_keyring: bool,
    pub primary: bool,
}

record! {
    struct CaseContactRow {
        id: i64,
        citizen_name: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        location: Option<String>,
        sealed_content: Option<String>,
    }
}

/// `LIKE` pattern of values sealed by `key`.
fn sealed_by(key: &str) -> String {
    format!("pii1.{key}.%")
}

/// Opens a stored value whether sealed or written before encryption existed, for re-sealing.
fn plain(vault: &Keyring, field: &str, stored: Option<String>) -> StoreResult<Option<String>> {
    match stored {
        Some(s) if is_sealed(&s) => Ok(Some(vault.open(field, &s)?)),
        other => Ok(other),
    }
}

async fn reseal_cases(c: &mut Conn<'_>, vault: &Keyring, after: i64) -> StoreResult<(u64, Option<i64>)> {
    let pattern = sealed_by(&vault.primary_id());
    let mut q = Q::new("SELECT id, citizen_name, phone, email, location, sealed_content FROM cases WHERE id > ");
    q.push_bind(after).push(" AND (");
    for (i, col) in CASE_SEALED.iter().enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push(&format!("({col} IS NOT NULL AND {col} NOT LIKE ")).push_bind(pattern.clone()).push(")");
    }
    q.push(") ORDER BY id LIMIT ").push_bind(RESEAL_BATCH);
    let rows: Vec<CaseContactRow> = c.fetch_all(q).await?;
    let last = rows.last().map(|r| r.id);
    for r in &rows {
        let contact = Contact {
            name: plain(vault, NAME, r.citizen_name.clone())?,
            phone: plain(vault, PHONE, r.phone.clone())?,
            email: plain(vault, EMAIL, r.email.clone())?,
            location: plain(vault, LOCATION, r.location.clone())?,
            content: None,
        };
        let s = SealedContact::seal(vault, &contact);
        let content = plain(vault, CONTENT, r.sealed_content.clone())?.map(|t| vault.seal(CONTENT, &t));
        c.execute(
            Q::new(
                "UPDATE cases SET citizen_name = $1, phone = $2, email = $3, location = $4, phone_index = $5, \
                 sealed_content = $6 WHERE id = $7",
            )
            .bind(s.name)
            .bind(s.phone)
            .bind(s.email)
            .bind(s.location)
            .bind(s.phone_index)
            .bind(content)
            .bind(r.id),
        )
        .await?;
    }
    Ok((rows.len() as u64, last))
}

/// Masks and seals the texts of a batch of cases written before `sealed_content` existed (listed
/// in `content_to_seal` by the migration that added it); each leaves the list once done.
async fn seal_old_contents(c: &mut Conn<'_>, vault: &Keyring) -> StoreResult<ContentReport> {
    record! {
        struct Pending {
            case_id: i64,
            content: Option<String>,
            sealed_content: Option<String>,
        }
    }
    let rows: Vec<Pending> = c
        .fetch_all(
            Q::new(
                "SELECT q.case_id, c.content, c.sealed_content FROM content_to_seal q \
                 LEFT JOIN cases c ON c.id = q.case_id ORDER BY q.case_id LIMIT $1",
            )
            .bind(RESEAL_BATCH),
        )
        .await?;
    let mut report = ContentReport { checked: rows.len() as u64, masked: 0 };
    if rows.is_empty() {
        return Ok(report);
    }
    for r in &rows {
        let (Some(content), None) = (&r.content, &r.sealed_content) else { continue };
        if let (shown, Some(sealed)) = seal_content(vault, content) {
            c.execute(
                Q::new("UPDATE cases SET content = $1, sealed_content = $2 WHERE id = $3")
                    .bind(shown)
                    .bind(sealed)
                    .bind(r.case_id),
            )
            .await?;
            // Informational only: the feed is ordered by its number.
            let at = rectify_domain::time::Timestamp::from_utc(chrono::Utc::now());
            crate::search::feed::note_record(c, rectify_domain::search::SearchKind::Case, r.case_id, at).await?;
            report.masked += 1;
        }
    }
    let mut q = Q::new("DELETE FROM content_to_seal WHERE ");
    q.push_in("case_id", rows.iter().map(|r| r.case_id));
    c.execute(q).await?;
    Ok(report)
}

/// Re-seals a batch of one applicant table's rows not sealed with the primary key.
async fn reseal_applicants(
    c: &mut Conn<'_>,
    vault: &Keyring,
    (table, name_col, name_field, phone_col, phone_field): (&str, &str, &str, &str, &str),
    after: i64,
) -> StoreResult<(u64, Option<i64>)> {
    let pattern = sealed_by(&vault.primary_id());
    let rows: Vec<(i64, String, String)> = c
        .fetch_all(
            Q::new(format!(
                "SELECT id, {name_col}, {phone_col} FROM {table} WHERE id > $1 \
                 AND ({name_col} NOT LIKE $2 OR {phone_col} NOT LIKE $2) ORDER BY id LIMIT $3"
            ))
            .bind(after)
            .bind(pattern)
            .bind(RESEAL_BATCH),
        )
        .await?;
    let last = rows.last().map(|r| r.0);
    for (id, name, phone) in &rows {
        let name = plain(vault, name_field, Some(name.clone()))?.unwrap_or_default();
        let phone = plain(vault, phone_field, Some(phone.clone()))?.unwrap_or_default();
        c.execute(
            Q::new(format!("UPDATE {table} SET {name_col} = $1, {phone_col} = $2, phone_index = $3 WHERE id = $4"))
                .bind(vault.seal(name_field, &name))
                .bind(vault.seal(phone_field, &phone))
                .bind(phone_index(vault, &phone))
                .bind(*id),
        )
        .await?;
    }
    Ok((rows.len() as u64, last))
}

async fn reseal_notices(c: &mut Conn<'_>, vault: &Keyring, after: i64) -> StoreResult<(u64, Option<i64>)> {
    let rows: Vec<(i64, String)> = c
        .fetch_all(
            Q::new("SELECT id, recipient FROM outbox WHERE id > $1 AND recipient NOT LIKE $2 ORDER BY id LIMIT $3")
                .bind(after)
                .bind(sealed_by(&vault.primary_id()))
                .bind(RESEAL_BATCH),
        )
        .await?;
    let last = rows.last().map(|r| r.0);
    for (id, recipient) in &rows {
        let value = plain(vault, RECIPIENT, Some(recipient.clone()))?.unwrap_or_default();
        c.execute(
            Q::new("UPDATE outbox SET recipient = $1 WHERE id = $2").bind(vault.seal(RECIPIENT, &value)).bind(*id),
        )
        .await?;
    }
    Ok((rows.len() as u64, last))
}

impl Keys<'_> {
    /// Refuses to serve with a keyring that cannot open this database's sealed values, records
    /// the primary key's check value, and seals values written before encryption existed.
    pub(crate) async fn check_keys(&self) -> StoreResult<()> {
        let vault = self.vault.clone();
        // Read first: opening a store whose keys are in order writes nothing, so a command
        // beside a running server needs no write lock to start.
        let rows: Vec<(String, String)> =
            self.db.fetch_all(Q::new("SELECT key_id, canary FROM pii_keys ORDER BY key_id")).await?;
        let ids = vault.key_ids();
        for (id, canary) in rows.iter().filter(|(id, _)| ids.contains(id)) {
            if vault.open(CANARY_FIELD, canary).ok().as_deref() != Some(CANARY) {
                return Err(StoreError::Io(format!(
                    "key {id} of the keyring is not the key {id} that sealed this database's citizen details"
                )));
            }
        }
        if !rows.is_empty() && !rows.iter().any(|(id, _)| ids.contains(id)) {
            let used: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
            return Err(StoreError::Io(format!(
                "citizens' details here are sealed with key(s) {}, but the keyring{} holds {}: \
                 start with the key file that sealed them",
                used.join(", "),
                vault.file().map(|f| format!(" ({})", f.display())).unwrap_or_default(),
                ids.join(", ")
            )));
        }
        let primary = vault.primary_id();
        if !rows.iter().any(|(id, _)| *id == primary) {
            self.db
                .write(move |tx| {
                    Box::pin(async move {
                        tx.conn()
                            .execute(
                                Q::new(
                                    "INSERT INTO pii_keys (key_id, canary, created_at) VALUES ($1, $2, $3) \
                                     ON CONFLICT (key_id) DO NOTHING",
                                )
                                .bind(primary.as_str())
                                .bind(vault.seal(CANARY_FIELD, CANARY))
                                .bind(rectify_domain::time::Timestamp::from_utc(chrono::Utc::now())),
                            )
                            .await
                    })
                })
                .await?;
        }
        let first = rows.is_empty();
        if first {
            // Values written before encryption existed; recorded only if there were any.
            let report = self.reseal_all().await?;
            if report.cases + report.notices > 0 {
                self.record_reseal(&report).await?;
            }
        }
        self.seal_old_contents().await
    }

    /// Masks and seals the texts of cases written before texts were masked, a batch per
    /// transaction (nothing to do, and one short query, once they are all done). Recorded in the
    /// audit chain when a text was masked.
    async fn seal_old_contents(&self) -> StoreResult<()> {
        // Read first, so that opening a store with nothing left to seal writes nothing.
        let pending: i64 = self.db.scalar(Q::new("SELECT COUNT(*) FROM content_to_seal")).await?;
        if pending == 0 {
            return Ok(());
        }
        let mut total = ContentReport::default();
        loop {
            let vault = self.vault.clone();
            let batch = self
                .db
                .write(move |tx| Box::pin(async move { seal_old_contents(&mut tx.conn(), &vault).await }))
                .await?;
            if batch.checked == 0 {
                break;
            }
            total.checked += batch.checked;
            total.masked += batch.masked;
        }
        if total.masked == 0 {
            return Ok(());
        }
        self.record_keys_event("seal_contents", serde_json::to_value(&total).unwrap_or_default()).await
    }

    /// Re-seals every value not sealed with the primary key (after a rotation), a batch per
    /// transaction. Recorded in the audit chain.
    pub async fn reseal(&self) -> StoreResult<ResealReport> {
        let report = self.reseal_all().await?;
        self.record_reseal(&report).await?;
        Ok(report)
    }

    async fn reseal_all(&self) -> StoreResult<ResealReport> {
        let mut report = ResealReport { key: self.vault.primary_id(), ..ResealReport::default() };
        let mut after = 0;
        loop {
            let vault = self.vault.clone();
            let (n, last) = self
                .db
                .write(move |tx| Box::pin(async move { reseal_cases(&mut tx.conn(), &vault, after).await }))
                .await?;
            report.cases += n;
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
        after = 0;
        loop {
            let vault = self.vault.clone();
            let (n, last) = self
                .db
                .write(move |tx| Box::pin(async move { reseal_notices(&mut tx.conn(), &vault, after).await }))
                .await?;
            report.notices += n;
            match last {
                Some(id) => after = id,
                None => break,
            }
        }
        for table in APPLICANTS {
            after = 0;
            loop {
                let vault = self.vault.clone();
                let (n, last) = self
                    .db
                    .write(move |tx| {
                        Box::pin(async move { reseal_applicants(&mut tx.conn(), &vault, table, after).await })
                    })
                    .await?;
                report.applicants += n;
                match last {
                    Some(id) => after = id,
                    None => break,
                }
            }
        }
        Ok(report)
    }

    async fn record_reseal(&self, report: &ResealReport) -> StoreResult<()> {
        self.record_keys_event("reseal", serde_json::to_value(report).unwrap_or_default()).await
    }

    /// One audit entry for work on the sealed values (`reseal`, `seal_contents`).
    async fn record_keys_event(&self, action: &'static str, payload: serde_json::Value) -> StoreResult<()> {
        let now = self.now();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let event =
                        crate::audit::Event { actor: "system", kind: "keys", subject: "pii".into(), action, payload };
                    crate::audit::append(&mut tx.conn(), now, event).await
                })
            })
            .await
    }

    /// Every key the database or the keyring knows, with the number of values each seals.
    pub async fn key_usage(&self) -> StoreResult<Vec<KeyUse>> {
        let mut ids: Vec<String> = self
            .db
            .fetch_all::<(String,)>(Q::new("SELECT key_id FROM pii_keys"))
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
        for id in self.vault.key_ids() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let (primary, held) = (self.vault.primary_id(), self.vault.key_ids());
        let mut out = Vec::new();
        for id in ids {
            let values = self.values_sealed_by(&id).await?;
            out.push(KeyUse { in_keyring: held.contains(&id), primary: id == primary, key_id: id, values });
        }
        Ok(out)
    }

    async fn values_sealed_by(&self, key: &str) -> StoreResult<u64> {
        let p = sealed_by(key);
        let mut total = 0i64;
        for col in CASE_SEALED {
            total += self
                .db
                .scalar::<i64>(Q::new(format!("SELECT COUNT(*) FROM cases WHERE {col} LIKE $1")).bind(p.clone()))
                .await?;
        }
        total += self
            .db
            .scalar::<i64>(Q::new("SELECT COUNT(*) FROM outbox WHERE recipient LIKE $1").bind(p.clone()))
            .await?;
        for (table, name_col, _, phone_col, _) in APPLICANTS {
            for col in [name_col, phone_col] {
                let q = Q::new(format!("SELECT COUNT(*) FROM {table} WHERE {col} LIKE $1")).bind(p.clone());
                total += self.db.scalar::<i64>(q).await?;
            }
        }
        Ok(total.max(0) as u64)
    }

    /// Forgets keys no stored value uses any more (after a rotation and a re-seal), so they can
    /// be removed from the key file. Refuses a key that still seals something, or the primary.
    pub async fn forget_keys(&self, ids: &[String]) -> StoreResult<()> {
        for id in ids {
            if *id == self.vault.primary_id() {
                return Err(StoreError::Io(format!("key {id} is the primary key")));
            }
            let n = self.values_sealed_by(id).await?;
            if n > 0 {
                return Err(StoreError::Io(format!(
                    "key {id} still seals {n} values: run `rectify keys reseal` first"
                )));
            }
        }
        let ids = ids.to_vec();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    for id in &ids {
                        c.execute(Q::new("DELETE FROM pii_keys WHERE key_id = $1").bind(id.as_str())).await?;
                    }
                    Ok(())
                })
            })
            .await
    }
}

/// Whether a stored value is sealed with `key` (for tests and reports).
pub fn sealed_with(stored: &str, key: &str) -> bool {
    key_id_of(stored) == Some(key)
}
