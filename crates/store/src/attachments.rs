//! Evidence files, kept in the database (not on a local disk) so that several app instances over
//! one PostgreSQL serve the same files, and one backup holds everything. Identical uploads share
//! their bytes.

use crate::areas::Files;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::visibility;
use chrono::{DateTime, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::attachment::{AttachmentMeta, check_upload};
use rectify_domain::ids::{AccountId, AttachmentId, CaseId, FindingId, ProgressId, UnitId};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Rule};
use sha2::{Digest, Sha256};

record! {
    struct MetaRow {
        // The record the file is linked to.
        owner: i64,
        id: AttachmentId as i64,
        filename: String,
        content_type: String,
        size: i64,
        sha256: String,
        created_at: Timestamp as DateTime<Utc>,
    }
}

impl From<MetaRow> for AttachmentMeta {
    fn from(r: MetaRow) -> AttachmentMeta {
        AttachmentMeta {
            id: r.id,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str = "a.id, a.filename, a.content_type, a.size, a.sha256, a.created_at";

pub(crate) async fn metas_of_progress(c: &mut Conn<'_>, progress: ProgressId) -> StoreResult<Vec<AttachmentMeta>> {
    metas_linked(c, "progress_attachments", "progress_id", progress.0).await
}

pub(crate) async fn metas_of_case(c: &mut Conn<'_>, case: CaseId) -> StoreResult<Vec<AttachmentMeta>> {
    metas_linked(c, "case_attachments", "case_id", case.0).await
}

/// The attachments `link` ties to the record `owner = id` (table and column are constants).
pub(crate) async fn metas_linked(
    c: &mut Conn<'_>,
    link: &'static str,
    owner: &'static str,
    id: i64,
) -> StoreResult<Vec<AttachmentMeta>> {
    Ok(metas_linked_to_many(c, link, owner, &[id]).await?.into_iter().map(|(_, m)| m).collect())
}

/// The attachments `link` ties to each of the records `owner IN ids`, as (record, file).
pub(crate) async fn metas_linked_to_many(
    c: &mut Conn<'_>,
    link: &'static str,
    owner: &'static str,
    ids: &[i64],
) -> StoreResult<Vec<(i64, AttachmentMeta)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!(
        "SELECT l.{owner} AS owner, {COLUMNS} FROM attachments a JOIN {link} l ON l.attachment_id = a.id WHERE "
    ));
    q.push_in(&format!("l.{owner}"), ids.iter().copied());
    q.push(" ORDER BY a.id");
    let rows: Vec<MetaRow> = c.fetch_all(q).await?;
    Ok(rows.into_iter().map(|r| (r.owner, AttachmentMeta::from(r))).collect())
}

/// An uploaded attachment `actor` may use (as evidence or with a case): not yet used anywhere,
/// and one they may read while it is pending, i.e. their own upload, or any for the office.
/// Someone else's upload is answered as unknown, so that an id cannot be guessed into reach:
/// attaching it to one's own problem would make it readable. Uploads made without an account
/// (API tokens) are not tied to a token, so they stay open to other account-less actors.
pub(crate) async fn require_attachable(
    c: &mut Conn<'_>,
    actor: &Actor,
    id: AttachmentId,
    field: &str,
) -> StoreResult<()> {
    record! {
        struct Uses {
            uploaded_by: Option<AccountId> as Option<i64>,
            uses: i64,
        }
    }
    let row: Option<Uses> = c
        .fetch_optional(
            Q::new(
                "SELECT a.uploaded_by, (SELECT COUNT(*) FROM progress_attachments WHERE attachment_id = a.id) \
                 + (SELECT COUNT(*) FROM case_attachments WHERE attachment_id = a.id) \
                 + (SELECT COUNT(*) FROM finding_attachments WHERE attachment_id = a.id) \
                 + (SELECT COUNT(*) FROM online_application_files WHERE attachment_id = a.id) AS uses \
                 FROM attachments a WHERE a.id = $1",
            )
            .bind(id),
        )
        .await?;
    match row {
        Some(r) if !actor.role.is_office() && r.uploaded_by != actor.account_id => {
            Err(DomainError::unknown(field, Entity::Attachment).into())
        }
        None => Err(DomainError::unknown(field, Entity::Attachment).into()),
        Some(r) if r.uses > 0 => Err(DomainError::rule(Rule::AttachmentInUse, field).into()),
        Some(_) => Ok(()),
    }
}

/// Stores checked bytes (shared with identical uploads) and returns the new attachment.
pub(crate) async fn store_file(
    c: &mut Conn<'_>,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
    uploaded_by: Option<rectify_domain::ids::AccountId>,
    now: Timestamp,
) -> StoreResult<AttachmentMeta> {
    let sha = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as i64;
    c.execute(
        Q::new("INSERT INTO attachment_blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
            .bind(sha.as_str())
            .bind(bytes),
    )
    .await?;
    let id: AttachmentId = c
        .returning_id(
            Q::new(
                "INSERT INTO attachments (sha256, filename, content_type, size, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(sha.as_str())
            .bind(name)
            .bind(mime)
            .bind(size)
            .bind(uploaded_by)
            .bind(now),
        )
        .await?;
    Ok(AttachmentMeta { id, filename: name.to_owned(), content_type: mime.into(), size, sha256: sha, created_at: now })
}

/// A stored file: what it is and its bytes.
pub struct AttachmentFile {
    pub meta: AttachmentMeta,
    pub bytes: Vec<u8>,
}

impl Files<'_> {
    pub async fn upload_attachment(
        &self,
        actor: &Actor,
        filename: &str,
        bytes: Vec<u8>,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<AttachmentMeta>> {
        authorize(actor, Permission::UploadAttachment, Party::Other)?;
        let (name, mime) = check_upload(filename, &bytes)?;
        let now = self.now();
        let account = actor.account_id;
        self.create_once(key, move |tx| {
            Box::pin(async move { store_file(&mut tx.conn(), &name, mime, bytes, account, now).await })
        })
        .await
    }

    /// A file, for whoever may see the problem it is evidence of or was found with (or its uploader, or the
    /// office, while it is not yet attached).
    pub async fn get_attachment(&self, actor: &Actor, id: AttachmentId) -> StoreResult<AttachmentFile> {
        let actor = actor.clone();
        self.db.read(move |tx| Box::pin(async move { attachment_for(&mut tx.conn(), &actor, id).await })).await
    }
}

/// A file with its bytes, if `actor` may see it.
async fn attachment_for(c: &mut Conn<'_>, actor: &Actor, id: AttachmentId) -> StoreResult<AttachmentFile> {
    record! {
        struct Row {
            id: AttachmentId as i64,
            filename: String,
            content_type: String,
            size: i64,
            sha256: String,
            created_at: Timestamp as DateTime<Utc>,
            uploaded_by: Option<AccountId> as Option<i64>,
            problem_unit: Option<UnitId> as Option<i64>,
            problem_published: Option<bool>,
            finding_id: Option<FindingId> as Option<i64>,
            case_id: Option<i64>,
            case_unit: Option<UnitId> as Option<i64>,
            application_unit: Option<UnitId> as Option<i64>,
        }
    }
    let row: Option<Row> = c
        .fetch_optional(
            Q::new(
                "SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.created_at, a.uploaded_by, \
                 pr.unit_id AS problem_unit, pr.published AS problem_published, fa.finding_id, \
                 ca.case_id, cs.unit_id AS case_unit, oa.unit_id AS application_unit \
                 FROM attachments a LEFT JOIN progress_attachments pa ON pa.attachment_id = a.id \
                 LEFT JOIN case_attachments ca ON ca.attachment_id = a.id LEFT JOIN cases cs ON cs.id = ca.case_id \
                 LEFT JOIN progress p ON p.id = pa.progress_id \
                 LEFT JOIN finding_attachments fa ON fa.attachment_id = a.id \
                 LEFT JOIN findings f ON f.id = fa.finding_id \
                 LEFT JOIN problems pr ON pr.id = COALESCE(p.problem_id, f.problem_id) \
                 LEFT JOIN online_application_files oaf ON oaf.attachment_id = a.id \
                 LEFT JOIN online_applications oa ON oa.id = oaf.application_id WHERE a.id = $1",
            )
            .bind(id),
        )
        .await?;
    let row = row.ok_or_else(|| DomainError::not_found(Entity::Attachment, id))?;
    match row.problem_unit {
        // Evidence of a problem: whoever may see the problem.
        Some(unit) => {
            if !visibility::may_see_problem(c, actor, unit, row.problem_published.unwrap_or(false)).await? {
                return Err(DomainError::not_found(Entity::Attachment, id).into());
            }
        }
        // A citizen's photo: whoever may see the case, the unit it is assigned to included.
        None if row.case_id.is_some() => {
            if !visibility::may_see_case(c, actor, row.case_unit).await? {
                return Err(DomainError::not_found(Entity::Attachment, id).into());
            }
        }
        // An applicant's materials: the staff who handle the unit's service cases.
        None if let Some(unit) = row.application_unit => {
            let seen = visibility::units(c, actor, rectify_domain::visibility::Records::ServiceCases).await?;
            if seen.is_some_and(|u| !u.contains(&unit)) {
                return Err(DomainError::not_found(Entity::Attachment, id).into());
            }
        }
        None => {
            let own = actor.account_id.is_some() && row.uploaded_by == actor.account_id;
            // A photo of a covert round's finding (no problem yet) is its uploader's alone.
            let held = row.finding_id.is_some();
            if !own && (held || !actor.role.is_office()) {
                return Err(DomainError::not_found(Entity::Attachment, id).into());
            }
        }
    }
    let bytes: Vec<u8> =
        c.scalar(Q::new("SELECT bytes FROM attachment_blobs WHERE sha256 = $1").bind(row.sha256.as_str())).await?;
    let meta = AttachmentMeta {
        id: row.id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size,
        sha256: row.sha256,
        created_at: row.created_at,
    };
    Ok(AttachmentFile { meta, bytes })
}
