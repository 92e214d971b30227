//! Online applications (网上申报, issue 19): a citizen without an account applies for an item
//! handled fully online with their materials; the handling unit's staff take it up (it becomes a
//! service case under the same tracking code, received through the ledger's own `receive`) or
//! return it with a reason. What may happen is `rectify_domain::service::online::fire`'s; this
//! module loads, writes the decision, its history and the SMS in one transaction.

use super::cases::{Reading, receive, unused_code};
use crate::areas::Services;
use crate::attachments::{metas_linked_to_many, require_attachable, store_file};
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::pii::{APPLICANT_NAME as NAME, APPLICANT_PHONE as PHONE};
use crate::versioned::{self, changed, created};
use crate::{notices, pii, units, visibility};
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::attachment::AttachmentMeta;
use rectify_domain::case::{TrackingCode, UploadedFile, check_files};
use rectify_domain::ids::{AccountId, OnlineApplicationId, ServiceCaseId, ServiceItemId, UnitId};
use rectify_domain::privacy::{mask_name, mask_phone};
use rectify_domain::service::catalog::Delivery;
use rectify_domain::service::online::{
    ApplicationProgress, NewOnlineApplication, OnlineApplication, OnlineApplicationDecision, OnlineApplicationFacts,
    OnlineApplicationState, OnlineApplicationTransition, fire, submitted,
};
use rectify_domain::time::Timestamp;
use rectify_domain::visibility::Records;
use rectify_domain::{DomainError, Entity, Rule};
use rectify_vault::Keyring;
use std::collections::HashMap;

record! {
    #[derive(Clone)]
    struct Row {
        id: OnlineApplicationId as i64,
        tracking_code: String,
        item_id: ServiceItemId as i64,
        item_version: i64,
        unit_id: UnitId as i64,
        state: OnlineApplicationState as String,
        applicant_name: String,
        applicant_phone: String,
        note: Option<String>,
        reason: Option<String>,
        service_case_id: Option<ServiceCaseId> as Option<i64>,
        submitted_at: Timestamp as DateTime<Utc>,
        decided_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        item_code: String,
        item_name: String,
    }
}

const SELECT: &str = "SELECT a.id, a.tracking_code, a.item_id, a.item_version, a.unit_id, a.state, \
     a.applicant_name, a.applicant_phone, a.note, a.reason, a.service_case_id, a.submitted_at, a.decided_at, \
     a.version, i.code AS item_code, i.name AS item_name \
     FROM online_applications a JOIN service_items i ON i.id = a.item_id";

fn shown(stored: &str) -> String {
    TrackingCode::parse(stored).map(|t| t.to_string()).unwrap_or_else(|| stored.to_owned())
}

impl Row {
    fn view(self, vault: &Keyring, files: Vec<AttachmentMeta>) -> StoreResult<OnlineApplication> {
        Ok(OnlineApplication {
            id: self.id,
            tracking_code: shown(&self.tracking_code),
            item_id: self.item_id,
            item_version: self.item_version,
            item_code: self.item_code,
            item_name: self.item_name,
            unit_id: self.unit_id,
            state: self.state,
            applicant_name: mask_name(&vault.open(NAME, &self.applicant_name)?),
            applicant_phone: mask_phone(&vault.open(PHONE, &self.applicant_phone)?),
            note: self.note,
            files,
            submitted_at: self.submitted_at,
            decided_at: self.decided_at,
            reason: self.reason,
            service_case_id: self.service_case_id,
            version: self.version,
        })
    }

    fn facts(&self, vault: &Keyring) -> StoreResult<OnlineApplicationFacts> {
        Ok(OnlineApplicationFacts {
            state: self.state,
            item_name: self.item_name.clone(),
            applicant_name: vault.open(NAME, &self.applicant_name)?,
            applicant_phone: vault.open(PHONE, &self.applicant_phone)?,
            note: self.note.clone(),
            item_id: self.item_id,
        })
    }
}

async fn by_id(c: &mut Conn<'_>, id: OnlineApplicationId) -> StoreResult<Row> {
    let row: Option<Row> = c.fetch_optional(Q::new(format!("{SELECT} WHERE a.id = $1")).bind(id)).await?;
    row.ok_or_else(|| DomainError::not_found(Entity::OnlineApplication, id).into())
}

/// The link of an application's files.
const FILES: &str = "online_application_files";

async fn files_of(c: &mut Conn<'_>, id: OnlineApplicationId) -> StoreResult<Vec<AttachmentMeta>> {
    crate::attachments::metas_linked(c, FILES, "application_id", id.0).await
}

/// The application if `actor` handles its unit's service cases; not found otherwise.
async fn visible(c: &mut Conn<'_>, actor: &Actor, id: OnlineApplicationId) -> StoreResult<Row> {
    let r = by_id(c, id).await?;
    visibility::require_unit(c, actor, Records::ServiceCases, r.unit_id, Entity::OnlineApplication, id).await?;
    Ok(r)
}

async fn view(c: &mut Conn<'_>, vault: &Keyring, id: OnlineApplicationId) -> StoreResult<OnlineApplication> {
    let files = files_of(c, id).await?;
    by_id(c, id).await?.view(vault, files)
}

/// What the staff list of applications is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub unit: Option<UnitId>,
    /// `submitted` (waiting for the pre-check) when not given.
    pub state: Option<OnlineApplicationState>,
}

impl Services<'_> {
    /// A citizen applies online (no account): the item must be published and handled fully
    /// online; the files sent with the form are stored and those uploaded beforehand linked, all
    /// in one transaction with the application and its SMS (the tracking code).
    pub async fn submit_application(
        &self,
        input: NewOnlineApplication,
        files: Vec<UploadedFile>,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<ApplicationProgress>> {
        let f = input.validate()?;
        let files = check_files(files)?;
        let now = self.now();
        let vault = self.vault().clone();
        let actor = Actor::public();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                let item = match super::read(&mut c, f.item_id).await {
                    Ok(item) if item.published => item,
                    _ => return Err(DomainError::unknown("item_id", Entity::ServiceItem).into()),
                };
                if item.fields.delivery != Delivery::Online {
                    return Err(DomainError::rule(Rule::NotOnline, "item_id").into());
                }
                units::require_live(&mut c, item.fields.unit_id, "item_id").await?;
                for (i, a) in f.attachment_ids.iter().enumerate() {
                    require_attachable(&mut c, &actor, *a, &format!("attachment_ids[{i}]")).await?;
                }
                let code = unused_code(&mut c).await?;
                let id: OnlineApplicationId = c
                    .returning_id(
                        Q::new(
                            "INSERT INTO online_applications (tracking_code, item_id, item_version, unit_id, state, \
                             applicant_name, applicant_phone, phone_index, note, submitted_at, version) VALUES ($1, $2, \
                             $3, $4, 'submitted', $5, $6, $7, $8, $9, 1) RETURNING id",
                        )
                        .bind(code.as_str())
                        .bind(item.id)
                        .bind(item.version)
                        .bind(item.fields.unit_id)
                        .bind(vault.seal(NAME, &f.applicant_name))
                        .bind(vault.seal(PHONE, &f.applicant_phone))
                        .bind(pii::phone_index(&vault, &f.applicant_phone))
                        .bind(f.note.clone())
                        .bind(now),
                    )
                    .await?;
                let mut linked = f.attachment_ids.clone();
                for file in files {
                    linked.push(store_file(&mut c, &file.name, file.mime, file.bytes, None, now).await?.id);
                }
                for a in linked {
                    c.execute(
                        Q::new("INSERT INTO online_application_files (application_id, attachment_id) VALUES ($1, $2)")
                            .bind(id)
                            .bind(a),
                    )
                    .await?;
                }
                let sms = vec![submitted(&item.fields.name)];
                notices::queue_to_applicant(&mut c, &vault, now, &f.applicant_phone, &code.to_string(), sms).await?;
                let staff = view(&mut c, &vault, id).await?;
                let staff = created(&mut c, &actor, now, Entity::OnlineApplication, id, staff).await?;
                Ok(staff.progress())
            })
        })
        .await
    }

    /// The applications of the units `actor` handles, oldest first (waiting ones by default).
    pub async fn list_applications(
        &self,
        actor: &Actor,
        filter: &ApplicationFilter,
    ) -> StoreResult<Vec<OnlineApplication>> {
        authorize(actor, Permission::ManageServices, Party::OwnerUnit)?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        let filter = filter.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let state = filter.state.unwrap_or(OnlineApplicationState::Submitted);
                    let mut q = Q::new(format!("{SELECT} WHERE a.state = $1")).bind(state.as_str());
                    if let Some(units) = visibility::units(&mut c, &actor, Records::ServiceCases).await? {
                        q.push(" AND ");
                        q.push_in("a.unit_id", units.iter().copied());
                    }
                    if let Some(unit) = filter.unit {
                        q.push(" AND a.unit_id = ").push_bind(unit);
                    }
                    // The pre-check queue is worked oldest first; it stays short, so it is not paged.
                    q.push(" ORDER BY a.submitted_at, a.id LIMIT 500");
                    let rows: Vec<Row> = c.fetch_all(q).await?;
                    // Every listed application's files in one query.
                    let ids: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
                    let mut files: HashMap<i64, Vec<AttachmentMeta>> = HashMap::new();
                    for (owner, meta) in metas_linked_to_many(&mut c, FILES, "application_id", &ids).await? {
                        files.entry(owner).or_default().push(meta);
                    }
                    rows.into_iter()
                        .map(|r| {
                            let theirs = files.remove(&r.id.0).unwrap_or_default();
                            r.view(&vault, theirs)
                        })
                        .collect()
                })
            })
            .await
    }

    pub async fn get_application(&self, actor: &Actor, id: OnlineApplicationId) -> StoreResult<OnlineApplication> {
        authorize(actor, Permission::ManageServices, Party::OwnerUnit)?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    visible(&mut c, &actor, id).await?;
                    view(&mut c, &vault, id).await
                })
            })
            .await
    }

    /// The unit's pre-check: take the application up (a service case under its tracking code,
    /// `responsible_id` its first-contact officer) or return it with a reason (told by SMS).
    pub async fn decide_application(
        &self,
        actor: &Actor,
        id: OnlineApplicationId,
        input: OnlineApplicationTransition,
    ) -> StoreResult<OnlineApplication> {
        let request = input.request()?;
        let now = self.now();
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = visible(&mut c, &actor, id).await?;
                    let party = units::party(&mut c, &actor, before.unit_id).await?;
                    let d = fire(&before.facts(&vault)?, party, request)?;
                    let case = match &d.receive {
                        Some(fields) => {
                            let reading = Reading { cal: &cal, today, yellow };
                            let code = TrackingCode::parse(&before.tracking_code);
                            Some(receive(&mut c, &actor, &vault, fields, now, &reading, code).await?.id)
                        }
                        None => None,
                    };
                    write(&mut c, &before, &d, case, actor.account_id, now).await?;
                    if !d.notices.is_empty() {
                        let phone = vault.open(PHONE, &before.applicant_phone)?;
                        let code = shown(&before.tracking_code);
                        notices::queue_to_applicant(&mut c, &vault, now, &phone, &code, d.notices.clone()).await?;
                    }
                    let files = files_of(&mut c, id).await?;
                    let was = before.view(&vault, files)?;
                    let after = view(&mut c, &vault, id).await?;
                    let note = d.reason.as_deref();
                    changed(&mut c, &actor, now, Entity::OnlineApplication, id, d.action.as_str(), note, &was, after)
                        .await
                })
            })
            .await
    }

    /// The materials uploaded with the online application a service case was taken up from
    /// (none for a case received otherwise).
    pub async fn case_files(&self, actor: &Actor, case: ServiceCaseId) -> StoreResult<Vec<AttachmentMeta>> {
        let actor = actor.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let row: Option<Row> =
                        c.fetch_optional(Q::new(format!("{SELECT} WHERE a.service_case_id = $1")).bind(case)).await?;
                    let Some(r) = row else { return Ok(Vec::new()) };
                    visible(&mut c, &actor, r.id).await?;
                    files_of(&mut c, r.id).await
                })
            })
            .await
    }

    /// An application by its tracking code, for the public: nothing personal; once taken up,
    /// the service case's progress. `None` when no application has the code.
    pub async fn track_application(&self, code: &str) -> StoreResult<Option<ApplicationProgress>> {
        let Some(code) = TrackingCode::parse(code) else { return Ok(None) };
        let row = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let row: Option<Row> = c
                        .fetch_optional(
                            Q::new(format!("{SELECT} WHERE a.tracking_code = $1")).bind(code.as_str().to_owned()),
                        )
                        .await?;
                    match row {
                        Some(r) => progress_of(&mut c, r).await.map(Some),
                        None => Ok(None),
                    }
                })
            })
            .await?;
        let Some(mut progress) = row else { return Ok(None) };
        if progress.state == OnlineApplicationState::TakenUp {
            progress.service_case = self.track_case(&progress.tracking_code).await?;
        }
        Ok(Some(progress))
    }
}

/// The public view of an application (the service case's progress is added by the caller):
/// read without opening the applicant's seals.
async fn progress_of(c: &mut Conn<'_>, r: Row) -> StoreResult<ApplicationProgress> {
    let files = files_of(c, r.id).await?;
    Ok(ApplicationProgress::of(shown(&r.tracking_code), r.item_name, r.state, r.submitted_at, files.len(), r.reason))
}

/// Writes what `d` decided over `before`.
async fn write(
    c: &mut Conn<'_>,
    before: &Row,
    d: &OnlineApplicationDecision,
    case: Option<ServiceCaseId>,
    by: Option<AccountId>,
    now: Timestamp,
) -> StoreResult<()> {
    versioned::update(
        c,
        Entity::OnlineApplication,
        before.version,
        Q::new(
            "UPDATE online_applications SET state = $1, reason = $2, service_case_id = $3, decided_at = $4, \
             decided_by = $5, version = version + 1 WHERE id = $6 AND version = $7",
        )
        .bind(d.to.as_str())
        .bind(d.reason.clone())
        .bind(case)
        .bind(now)
        .bind(by)
        .bind(before.id)
        .bind(before.version),
    )
    .await
}
