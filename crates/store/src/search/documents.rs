//! Records as the index holds them: one function per kind, reading the text the lists show
//! (`cases.content` is masked; `sealed_content` and contacts are never read here). A new kind
//! adds its reader here and its arm in [`load`]. Inspection findings are searched as the ledger
//! problems they write (their note and failed checks are the problem's description), so a covert
//! round's stay hidden until it ends, as its problems do.

use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::inspections::from_json;
use chrono::{DateTime, Utc};
use rectify_domain::bulletin::{BulletinContent, BulletinStatus, Composition};
use rectify_domain::search::SearchKind;
use rectify_domain::time::Timestamp;
use rectify_search::Document;
use std::collections::HashMap;

/// Which records to read.
#[derive(Clone, Copy)]
pub(crate) enum Pick<'a> {
    Ids(&'a [i64]),
    /// The next page by id (a rebuild).
    After(i64, i64),
}

impl Pick<'_> {
    fn push(self, q: &mut Q, id: &str) {
        match self {
            Pick::Ids(ids) => {
                q.push(" WHERE ");
                q.push_in(id, ids.iter().copied());
            }
            Pick::After(after, limit) => {
                q.push(&format!(" WHERE {id} > "));
                q.push_bind(after);
                q.push(&format!(" ORDER BY {id} LIMIT "));
                q.push_bind(limit);
            }
        }
    }
}

pub(crate) async fn load(c: &mut Conn<'_>, kind: SearchKind, pick: Pick<'_>) -> StoreResult<Vec<Document>> {
    match kind {
        SearchKind::Case => cases(c, pick).await,
        SearchKind::Problem => problems(c, pick).await,
        SearchKind::Bulletin => bulletins(c, pick).await,
    }
}

/// The records of a kind in all (a rebuild's progress).
pub(crate) async fn count(c: &mut Conn<'_>, kind: SearchKind) -> StoreResult<u64> {
    let table = match kind {
        SearchKind::Case => "cases",
        SearchKind::Problem => "problems",
        SearchKind::Bulletin => "bulletins",
    };
    let n: i64 = c.scalar(Q::new(format!("SELECT COUNT(*) FROM {table}"))).await?;
    Ok(n.max(0) as u64)
}

/// The first line of a text, cut to `chars`: the title of a record that has none.
fn headline(text: &str, chars: usize) -> String {
    text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().chars().take(chars).collect()
}

record! {
    struct CaseRow {
        id: i64,
        tracking_code: String,
        reference: Option<String>,
        title: Option<String>,
        content: String,
        answer: Option<String>,
        unit_id: Option<i64>,
        state: String,
        received_at: Timestamp as DateTime<Utc>,
    }
}

async fn cases(c: &mut Conn<'_>, pick: Pick<'_>) -> StoreResult<Vec<Document>> {
    let mut q = Q::new(
        "SELECT id, tracking_code, ref AS reference, title, content, answer, unit_id, state, received_at FROM cases",
    );
    pick.push(&mut q, "id");
    let rows: Vec<CaseRow> = c.fetch_all(q).await?;
    Ok(rows
        .into_iter()
        .map(|r| Document {
            kind: SearchKind::Case,
            id: r.id,
            title: r.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| headline(&r.content, 40)),
            body: [Some(r.content), r.answer].into_iter().flatten().collect::<Vec<_>>().join("\n"),
            unit: r.unit_id,
            state: r.state,
            at: r.received_at.utc(),
            public: false,
            codes: [Some(r.tracking_code), r.reference].into_iter().flatten().collect(),
        })
        .collect())
}

record! {
    struct ProblemRow {
        id: i64,
        reference: Option<String>,
        description: String,
        root_cause: Option<String>,
        unit_id: i64,
        state: String,
        published: bool,
        archived: bool,
        created_at: Timestamp as DateTime<Utc>,
    }
}

async fn problems(c: &mut Conn<'_>, pick: Pick<'_>) -> StoreResult<Vec<Document>> {
    let mut q = Q::new(
        "SELECT id, ref AS reference, description, root_cause, unit_id, state, published, \
         archived_at IS NOT NULL AS archived, created_at FROM problems",
    );
    pick.push(&mut q, "id");
    let rows: Vec<ProblemRow> = c.fetch_all(q).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // Measures and progress notes are the problem's text too.
    let mut more: HashMap<i64, Vec<String>> = HashMap::new();
    for sql in [
        "SELECT problem_id, description FROM measures WHERE archived_at IS NULL AND ",
        "SELECT problem_id, note FROM progress WHERE note IS NOT NULL AND ",
    ] {
        let mut q = Q::new(sql);
        q.push_in("problem_id", ids.iter().copied());
        q.push(" ORDER BY id");
        for (problem, text) in c.fetch_all::<(i64, String)>(q).await? {
            more.entry(problem).or_default().push(text);
        }
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut body = vec![r.description.clone()];
            body.extend(r.root_cause);
            body.extend(more.remove(&r.id).unwrap_or_default());
            Document {
                kind: SearchKind::Problem,
                id: r.id,
                title: headline(&r.description, 60),
                body: body.join("\n"),
                unit: Some(r.unit_id),
                state: r.state,
                at: r.created_at.utc(),
                public: r.published && !r.archived,
                codes: r.reference.into_iter().collect(),
            }
        })
        .collect())
}

record! {
    struct BulletinRow {
        id: i64,
        status: String,
        headline: String,
        composition: String,
        content: Option<String>,
        published_at: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
    }
}

async fn bulletins(c: &mut Conn<'_>, pick: Pick<'_>) -> StoreResult<Vec<Document>> {
    let mut q = Q::new("SELECT id, status, headline, composition, content, published_at, created_at FROM bulletins");
    pick.push(&mut q, "id");
    let rows: Vec<BulletinRow> = c.fetch_all(q).await?;
    rows.into_iter()
        .map(|r| {
            // A published issue reads as printed (frozen); a draft by its editor's words.
            let body = match &r.content {
                Some(content) => from_json::<BulletinContent>(content, "bulletin content")?.text(),
                None => from_json::<Composition>(&r.composition, "bulletin composition")?.text(),
            };
            Ok(Document {
                kind: SearchKind::Bulletin,
                id: r.id,
                title: r.headline,
                body,
                unit: None,
                public: r.status == BulletinStatus::Published.as_str(),
                state: r.status,
                at: r.published_at.unwrap_or(r.created_at),
                codes: Vec::new(),
            })
        })
        .collect()
}
