//! Appending to the audit chain inside the transaction of each change, reading it back to
//! verify, and publishing its head once a day. The domain (`rectify_domain::audit`) defines the
//! hash, the checks and when a head is published.

use crate::areas::Audit;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::page::{Cursor, Page, PageRequest};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rectify_domain::audit::{
    AuditEntry, Broken, Fields, GENESIS, Head, Publication, PublishedHead, Verifier, decide_publication, entry_hash,
};
use rectify_domain::time::Timestamp;

/// The key of the PostgreSQL advisory lock that orders appends: two transactions must not both
/// read the same head and fork the chain. (SQLite has one writer already.)
const CHAIN_LOCK: i64 = 0x0072_6563_7469_6679;

/// One event to append.
pub(crate) struct Event<'a> {
    pub actor: &'a str,
    pub kind: &'a str,
    pub subject: String,
    pub action: &'a str,
    pub payload: serde_json::Value,
}

/// Appends `event` after the current head, in the caller's transaction.
pub(crate) async fn append(c: &mut Conn<'_>, at: Timestamp, event: Event<'_>) -> StoreResult<()> {
    if c.is_postgres() {
        c.execute(Q::new("SELECT pg_advisory_xact_lock($1)").bind(CHAIN_LOCK)).await?;
    }
    let head: Option<(i64, String)> =
        c.fetch_optional(Q::new("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).await?;
    let (seq, prev) = match head {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = at.utc().to_rfc3339_opts(SecondsFormat::Micros, true);
    // serde_json's maps are sorted by key: the payload text is canonical.
    let payload = event.payload.to_string();
    let fields = Fields {
        seq,
        at: &at,
        actor: event.actor,
        kind: event.kind,
        subject: &event.subject,
        action: event.action,
        payload: &payload,
    };
    let hash = entry_hash(&prev, &fields);
    c.execute(
        Q::new(
            "INSERT INTO audit_log (seq, at, actor, kind, subject, action, payload, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(seq)
        .bind(at)
        .bind(event.actor)
        .bind(event.kind)
        .bind(event.subject)
        .bind(event.action)
        .bind(payload)
        .bind(prev)
        .bind(hash),
    )
    .await?;
    Ok(())
}

record! {
    struct AuditRow {
        seq: i64,
        at: String,
        actor: String,
        kind: String,
        subject: String,
        action: String,
        payload: String,
        prev_hash: String,
        hash: String,
    }
}

/// What a verification found: how many entries were checked and the head, or where it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub checked: u64,
    pub head: Option<(i64, String)>,
    pub broken: Option<Broken>,
    /// How many published heads (the table's and those given) the chain was checked against.
    pub heads: usize,
}

record! {
    struct HeadRow {
        published_on: NaiveDate,
        seq: i64,
        hash: String,
        published_at: Timestamp as DateTime<Utc>,
    }
}

impl From<HeadRow> for PublishedHead {
    fn from(r: HeadRow) -> PublishedHead {
        PublishedHead { published_on: r.published_on, seq: r.seq, hash: r.hash, published_at: r.published_at }
    }
}

const HEAD_COLUMNS: &str = "published_on, seq, hash, published_at";

async fn current_head(c: &mut Conn<'_>) -> StoreResult<Option<(i64, String)>> {
    c.fetch_optional(Q::new("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).await
}

async fn last_published(c: &mut Conn<'_>) -> StoreResult<Option<PublishedHead>> {
    let row: Option<HeadRow> = c
        .fetch_optional(Q::new(format!("SELECT {HEAD_COLUMNS} FROM published_heads ORDER BY seq DESC LIMIT 1")))
        .await?;
    Ok(row.map(PublishedHead::from))
}

/// Entries read per query while walking the chain.
const VERIFY_PAGE: i64 = 10_000;

impl Audit<'_> {
    /// The latest entry: its sequence number and hash, to publish or hand to a superior.
    pub async fn audit_head(&self) -> StoreResult<Option<(i64, String)>> {
        self.db.read(|tx| Box::pin(async move { current_head(&mut tx.conn()).await })).await
    }

    /// Publishes the chain's head as today's (China date), as the domain decides: at most once a
    /// day, only when the chain grew, never over a rewritten chain. Several instances may run it
    /// at once: the date is the key, and a second insert that day changes nothing. Publishing is
    /// not itself an audit entry (the chain would grow every day by its own publication).
    pub async fn publish_head(&self) -> StoreResult<Publication> {
        let now = self.now();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let current = current_head(&mut c).await?;
                    let last = last_published(&mut c).await?;
                    let at_last: Option<String> = match &last {
                        Some(l) => {
                            c.scalar_optional(Q::new("SELECT hash FROM audit_log WHERE seq = $1").bind(l.seq)).await?
                        }
                        None => None,
                    };
                    let decision = decide_publication(now, current, last, at_last);
                    let Publication::Publish(head) = &decision else { return Ok(decision) };
                    let added = c
                        .execute(
                            Q::new(
                                "INSERT INTO published_heads (published_on, seq, hash, published_at) \
                                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                            )
                            .bind(head.published_on)
                            .bind(head.seq)
                            .bind(head.hash.as_str())
                            .bind(head.published_at),
                        )
                        .await?;
                    if added == 0 {
                        // Another instance published today's head a moment ago.
                        let theirs: Option<HeadRow> = c
                            .fetch_optional(
                                Q::new(format!("SELECT {HEAD_COLUMNS} FROM published_heads WHERE published_on = $1"))
                                    .bind(head.published_on),
                            )
                            .await?;
                        return Ok(match theirs {
                            Some(t) => Publication::AlreadyToday(t.into()),
                            None => Publication::Unchanged(head.clone()),
                        });
                    }
                    Ok(decision)
                })
            })
            .await
    }

    /// The published heads, newest first.
    pub async fn published_heads(&self, page: &PageRequest) -> StoreResult<Page<PublishedHead>> {
        let page = page.clone();
        self.db
            .read(move |tx| {
                Box::pin(async move {
                    let mut q = Q::new(format!("SELECT {HEAD_COLUMNS} FROM published_heads WHERE 1 = 1"));
                    if let Some(after) = &page.after {
                        q.push(" AND seq < ").push_bind(after.id);
                    }
                    q.push(" ORDER BY seq DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
                    let rows: Vec<HeadRow> = tx.conn().fetch_all(q).await?;
                    page.finish(rows, |r| Cursor { key: None, id: r.seq }, |r| Ok(r.into()))
                })
            })
            .await
    }

    /// Every published head, oldest first (one a day: a few hundred a year).
    pub async fn all_published_heads(&self) -> StoreResult<Vec<PublishedHead>> {
        let rows: Vec<HeadRow> =
            self.db.fetch_all(Q::new(format!("SELECT {HEAD_COLUMNS} FROM published_heads ORDER BY seq"))).await?;
        Ok(rows.into_iter().map(PublishedHead::from).collect())
    }

    /// Walks the whole chain in order, page by page, against every published head (the table's)
    /// and `heads` (kept elsewhere: a file saved from the transparency page), and stops at the
    /// first broken entry.
    pub async fn verify_audit(&self, mut heads: Vec<Head>) -> StoreResult<AuditReport> {
        heads.extend(self.all_published_heads().await?.iter().map(PublishedHead::head));
        let count = heads.len();
        let mut v = Verifier::new(heads);
        let mut last = 0i64;
        let mut head = None;
        loop {
            let rows: Vec<AuditRow> = self
                .db
                .fetch_all(
                    Q::new(
                        "SELECT seq, at, actor, kind, subject, action, payload, prev_hash, hash FROM audit_log \
                         WHERE seq > $1 ORDER BY seq LIMIT $2",
                    )
                    .bind(last)
                    .bind(VERIFY_PAGE),
                )
                .await?;
            let n = rows.len() as i64;
            for r in rows {
                let e = AuditEntry {
                    seq: r.seq,
                    at: r.at,
                    actor: r.actor,
                    kind: r.kind,
                    subject: r.subject,
                    action: r.action,
                    payload: r.payload,
                    prev_hash: r.prev_hash,
                    hash: r.hash,
                };
                if let Err(b) = v.push(&e) {
                    return Ok(AuditReport { checked: v.checked, head, broken: Some(b), heads: count });
                }
                last = e.seq;
                head = Some((e.seq, e.hash));
            }
            if n < VERIFY_PAGE {
                break;
            }
        }
        let broken = v.finish().err();
        Ok(AuditReport { checked: v.checked, head, broken, heads: count })
    }
}
