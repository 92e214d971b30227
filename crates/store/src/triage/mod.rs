//! Triage (分类与分派): the taxonomy of categories cases are filed under (an office replaces the
//! default by importing its file, `exchange::categories`; categories are added, never removed,
//! so a case's category always names one), the quality of replies, and routing suggestions
//! (`model`).

mod model;

pub(crate) use model::ModelSlot;
pub use model::{RoutingSuggestion, SuggestedCategory, SuggestedUnit, TriageStatus};

use crate::areas::Triage;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::history::{self, Change};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::CaseType;
use rectify_domain::category::{Category, Taxonomy};
use rectify_domain::ids::CaseId;
use rectify_domain::reply_quality::{ReplyCheckRequest, ReplyQuality, assess};
use rectify_domain::time::Timestamp;
use rectify_domain::{DomainError, Entity, Issue};

record! {
    struct CategoryRow {
        key: String,
        name: String,
        level: i64,
        parent: Option<String>,
        code: Option<String>,
    }
}

/// The taxonomy as stored, in its file's order.
pub(crate) async fn taxonomy(c: &mut Conn<'_>) -> StoreResult<Taxonomy> {
    let rows: Vec<CategoryRow> =
        c.fetch_all(Q::new("SELECT key, name, level, parent, code FROM categories ORDER BY position, key")).await?;
    Ok(Taxonomy::new(rows.into_iter().map(|r| Category {
        key: r.key,
        name: r.name,
        level: r.level.clamp(1, 3) as u8,
        parent: r.parent,
        code: r.code,
    })))
}

/// Adds a category (its parent is added first by the caller), or sets the code of one already
/// there; answers whether anything changed.
pub(crate) async fn add(
    c: &mut Conn<'_>,
    actor: &Actor,
    at: Timestamp,
    category: &Category,
    note: &str,
) -> StoreResult<bool> {
    let before: Option<CategoryRow> = c
        .fetch_optional(
            Q::new("SELECT key, name, level, parent, code FROM categories WHERE key = $1").bind(&category.key),
        )
        .await?;
    // A code names one category.
    if let Some(code) = &category.code {
        let holder: Option<String> =
            c.scalar_optional(Q::new("SELECT key FROM categories WHERE code = $1").bind(code.as_str())).await?;
        if holder.is_some_and(|k| k != category.key) {
            return Err(DomainError::field("code", Issue::Duplicate).into());
        }
    }
    let action = match before {
        Some(b) if category.code.is_none() || b.code == category.code => return Ok(false),
        Some(_) => {
            c.execute(
                Q::new("UPDATE categories SET code = $1 WHERE key = $2")
                    .bind(category.code.clone())
                    .bind(&category.key),
            )
            .await?;
            "update"
        }
        None => {
            c.execute(
                Q::new(
                    "INSERT INTO categories (key, name, level, parent, code, position) \
                     VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM categories))",
                )
                .bind(&category.key)
                .bind(&category.name)
                .bind(i64::from(category.level))
                .bind(category.parent.clone())
                .bind(category.code.clone()),
            )
            .await?;
            "create"
        }
    };
    let change = Change {
        entity: Entity::Category,
        entity_id: category.key.clone(),
        action,
        note: Some(note),
        before: None,
        after: Some(category),
    };
    history::record(c, actor, at, change).await?;
    Ok(true)
}

/// Refuses `field` unless `key` names a category of the taxonomy.
pub(crate) async fn require(c: &mut Conn<'_>, key: &str, field: &str) -> StoreResult<()> {
    let found: Option<i64> =
        c.scalar_optional(Q::new("SELECT level FROM categories WHERE key = $1").bind(key.trim())).await?;
    match found {
        Some(_) => Ok(()),
        None => Err(DomainError::unknown(field, Entity::Category).into()),
    }
}

/// Keeps the quality of a case's latest reply, for the figures.
pub(crate) async fn record_reply_quality(c: &mut Conn<'_>, case: CaseId, q: &ReplyQuality) -> StoreResult<()> {
    let q = Q::new("UPDATE cases SET reply_score = $1, reply_grade = $2 WHERE id = $3")
        .bind(i64::from(q.score))
        .bind(q.grade.as_str())
        .bind(case);
    c.execute(q).await?;
    Ok(())
}

impl Triage<'_> {
    /// The taxonomy: every category, in its file's order (for pages and the model).
    pub async fn taxonomy(&self) -> StoreResult<Taxonomy> {
        self.db.read(|tx| Box::pin(async move { taxonomy(&mut tx.conn()).await })).await
    }

    /// Scores a reply before it is sent (`POST /triage/reply-check`), against the reply limit of
    /// a complaint.
    pub async fn check_reply(&self, actor: &Actor, req: &ReplyCheckRequest) -> StoreResult<ReplyQuality> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        let (question, answer) = req.texts()?;
        let calendar = self.reference().calendar().await?;
        let limit = self.reference().settings().await?.case_due.working_days(CaseType::Complaint, false);
        let times = req.received_at.map(|r| (r, req.replied_at.unwrap_or_else(|| self.now())));
        Ok(assess(&question, &answer, times, limit, &calendar))
    }

    /// Scores `answer` as the reply to case `id` now, as its page warns the replier.
    pub async fn check_case_reply(&self, actor: &Actor, id: CaseId, answer: &str) -> StoreResult<ReplyQuality> {
        let case = self.cases().get_case(actor, id).await?;
        let calendar = self.reference().calendar().await?;
        let limit = self.reference().settings().await?.case_due.working_days(case.case_type, case.urgent);
        let question = format!("{}\n{}", case.title.as_deref().unwrap_or_default(), case.content);
        Ok(assess(&question, answer, Some((case.received_at, self.now())), limit, &calendar))
    }

    /// The taxonomy for `actor`: anyone who may read the directory.
    pub async fn taxonomy_for(&self, actor: &Actor) -> StoreResult<Taxonomy> {
        authorize(actor, Permission::ViewDirectory, Party::Other)?;
        self.taxonomy().await
    }
}
