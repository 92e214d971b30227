//! Appending to the audit chain inside the transaction of each change, and reading it back to
//! verify. The domain (`rectify_domain::audit`) defines the hash and the checks.

use crate::areas::Audit;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use chrono::SecondsFormat;
use rectify_domain::audit::{AuditEntry, Broken, Fields, GENESIS, Verifier, entry_hash};
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
}

/// Entries read per query while walking the chain.
const VERIFY_PAGE: i64 = 10_000;

impl Audit<'_> {
    /// The latest entry: its sequence number and hash, to publish or hand to a superior.
    pub async fn audit_head(&self) -> StoreResult<Option<(i64, String)>> {
        self.db.fetch_optional(Q::new("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).await
    }

    /// Walks the whole chain in order against `heads` (published `(seq, hash)` pairs), page by
    /// page, and stops at the first broken entry.
    pub async fn verify_audit(&self, heads: Vec<(i64, String)>) -> StoreResult<AuditReport> {
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
                    return Ok(AuditReport { checked: v.checked, head, broken: Some(b) });
                }
                last = e.seq;
                head = Some((e.seq, e.hash));
            }
            if n < VERIFY_PAGE {
                break;
            }
        }
        let broken = v.finish().err();
        Ok(AuditReport { checked: v.checked, head, broken })
    }
}
