//! The tamper-evident audit chain. Every change, sign-in and (later) reveal or export is one
//! entry; each entry's hash covers its own fields and the previous entry's hash, so a changed,
//! removed or reordered entry breaks the chain from that entry on. Pure: the store appends and
//! reads, this module says what a hash is and whether a sequence of entries is intact, and when
//! the head is published (once a China day, only when the chain grew).

use crate::time::Timestamp;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The "previous hash" of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored. `at` is RFC 3339 in UTC with microseconds, `payload` canonical JSON
/// (keys sorted), both exactly as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `change`, `login`, `login_failed`, `reveal`, `export`.
    pub kind: String,
    /// What it is about: `problem:12`, `account:3`.
    pub subject: String,
    pub action: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hashed fields of an entry, as stored.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub action: &'a str,
    pub payload: &'a str,
}

/// SHA-256 over the previous hash and the entry's fields, each length-prefixed so no two
/// different entries encode the same (a field cannot absorb its neighbour).
pub fn entry_hash(prev_hash: &str, f: &Fields<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"rectify-audit-v1\n");
    let seq = f.seq.to_string();
    for field in [prev_hash, seq.as_str(), f.at, f.actor, f.kind, f.subject, f.action, f.payload] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

impl AuditEntry {
    pub fn computed_hash(&self) -> String {
        let fields = Fields {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            kind: &self.kind,
            subject: &self.subject,
            action: &self.action,
            payload: &self.payload,
        };
        entry_hash(&self.prev_hash, &fields)
    }
}

/// Where a chain breaks: the first entry that is not what the chain before it promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The sequence number the chain expected at that point.
    pub seq: i64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakReason {
    /// The entry's fields do not hash to its stored hash: it was edited.
    Altered,
    /// The entry does not point at the entry before it: one was removed, inserted or moved.
    Unlinked,
    /// The sequence jumps (`found` instead of the expected number): entries were removed.
    Missing { found: i64 },
    /// A published head is not in the chain at its place.
    HeadMismatch { expected: Head },
    /// The chain ends before a published head: entries were cut off.
    CutOff { expected: Head },
}

/// A head the chain is checked against: an entry's number and hash as published, and the day it
/// was published when known (a row of the published heads, a dated line of a heads file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
    pub published_on: Option<NaiveDate>,
}

impl Head {
    pub fn new(seq: i64, hash: impl Into<String>) -> Head {
        Head { seq, hash: hash.into(), published_on: None }
    }
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.published_on {
            Some(day) => write!(f, "the head published on {day} ({} {})", self.seq, self.hash),
            None => write!(f, "the published head {}", self.hash),
        }
    }
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            BreakReason::Altered => write!(f, "entry {}: its content does not match its hash (altered)", self.seq),
            BreakReason::Unlinked => {
                write!(
                    f,
                    "entry {}: it does not follow entry {} (removed, inserted or reordered)",
                    self.seq,
                    self.seq - 1
                )
            }
            BreakReason::Missing { found } => write!(f, "entry {}: missing (the next entry is {found})", self.seq),
            BreakReason::HeadMismatch { expected } => write!(f, "entry {}: its hash differs from {expected}", self.seq),
            BreakReason::CutOff { expected } => {
                write!(f, "entry {}: missing, though {expected} was published for it (entries were cut off)", self.seq)
            }
        }
    }
}

/// Walks a chain in order, one entry at a time (a chain of millions never sits in memory).
#[derive(Debug, Clone)]
pub struct Verifier {
    next_seq: i64,
    prev_hash: String,
    /// Published heads to check on the way.
    heads: Vec<Head>,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new(Vec::new())
    }
}

impl Verifier {
    pub fn new(heads: Vec<Head>) -> Verifier {
        Verifier { next_seq: 1, prev_hash: GENESIS.to_owned(), heads, checked: 0 }
    }

    /// Checks the next entry; the first failure is where the chain breaks.
    pub fn push(&mut self, e: &AuditEntry) -> Result<(), Broken> {
        if e.seq != self.next_seq {
            return Err(Broken { seq: self.next_seq, reason: BreakReason::Missing { found: e.seq } });
        }
        if e.prev_hash != self.prev_hash {
            return Err(Broken { seq: e.seq, reason: BreakReason::Unlinked });
        }
        if e.computed_hash() != e.hash {
            return Err(Broken { seq: e.seq, reason: BreakReason::Altered });
        }
        // Every head at this place, wherever it was published (a file and the table may both hold one).
        if let Some(expected) = self.heads.iter().find(|h| h.seq == e.seq && !h.hash.eq_ignore_ascii_case(&e.hash)) {
            return Err(Broken { seq: e.seq, reason: BreakReason::HeadMismatch { expected: expected.clone() } });
        }
        self.next_seq += 1;
        self.prev_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// After the last entry: published heads beyond the end mean entries were cut off.
    pub fn finish(&self) -> Result<(), Broken> {
        match self.heads.iter().filter(|h| h.seq >= self.next_seq).min_by_key(|h| h.seq) {
            Some(expected) => {
                Err(Broken { seq: expected.seq, reason: BreakReason::CutOff { expected: expected.clone() } })
            }
            None => Ok(()),
        }
    }
}

/// Reads published heads, one per line as `SEQ HASH` (what `rectify audit head` prints) or
/// `SEQ HASH DATE` (what `/transparency/audit-heads.txt` lists); blank lines and `#` comments are
/// skipped.
pub fn parse_heads(text: &str) -> Result<Vec<Head>, String> {
    let mut heads = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(seq), Some(hash)) = (parts.next(), parts.next()) else {
            return Err(format!("line {}: expected `SEQ HASH`", i + 1));
        };
        let seq: i64 = seq.parse().map_err(|_| format!("line {}: `{seq}` is not a sequence number", i + 1))?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("line {}: `{hash}` is not a SHA-256 hash", i + 1));
        }
        let published_on = match parts.next() {
            None => None,
            Some(d) => Some(
                NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("line {}: `{d}` is not a date (YYYY-MM-DD)", i + 1))?,
            ),
        };
        heads.push(Head { seq, hash: hash.to_ascii_lowercase(), published_on });
    }
    Ok(heads)
}

/// A head as the office published it: at most one per China date, kept in the database and shown
/// on the public transparency page, so a copy exists outside the office's reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedHead {
    /// The China date it was published for.
    pub published_on: NaiveDate,
    /// The number of the chain's last entry then.
    pub seq: i64,
    /// That entry's hash (SHA-256, hex).
    pub hash: String,
    pub published_at: Timestamp,
}

impl PublishedHead {
    pub fn head(&self) -> Head {
        Head { seq: self.seq, hash: self.hash.clone(), published_on: Some(self.published_on) }
    }

    /// `SEQ HASH DATE`: a line [`parse_heads`] reads back.
    pub fn line(&self) -> String {
        format!("{} {} {}", self.seq, self.hash, self.published_on)
    }
}

/// What publishing the head now comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publication {
    /// Publish this head (today's first).
    Publish(PublishedHead),
    /// Today's head is published already.
    AlreadyToday(PublishedHead),
    /// Nothing was appended since the last published head.
    Unchanged(PublishedHead),
    /// The chain has no entry yet.
    Empty,
    /// The entry at the last published head no longer has that hash (or is gone): the chain was
    /// rewritten. Nothing is published over it.
    Diverged { published: PublishedHead, found: Option<String> },
}

/// Whether to publish the chain's `current` head now: at most once per China date, only when the
/// chain grew past the `last` published head, never over a chain whose entry at that head now
/// hashes to `at_last` instead.
pub fn decide_publication(
    now: Timestamp,
    current: Option<(i64, String)>,
    last: Option<PublishedHead>,
    at_last: Option<String>,
) -> Publication {
    let today = now.china_date();
    if let Some(last) = last {
        if at_last.as_deref().is_none_or(|h| !h.eq_ignore_ascii_case(&last.hash)) {
            return Publication::Diverged { published: last, found: at_last };
        }
        if last.published_on >= today {
            return Publication::AlreadyToday(last);
        }
        if current.as_ref().is_none_or(|(seq, _)| *seq <= last.seq) {
            return Publication::Unchanged(last);
        }
    }
    match current {
        Some((seq, hash)) => Publication::Publish(PublishedHead { published_on: today, seq, hash, published_at: now }),
        None => Publication::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-03-02T02:00:{seq:02}.000000Z"),
                    actor: "admin".into(),
                    kind: "change".into(),
                    subject: format!("problem:{seq}"),
                    action: "create".into(),
                    payload: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.computed_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn verify(entries: &[AuditEntry], heads: Vec<Head>) -> Result<u64, Broken> {
        let mut v = Verifier::new(heads);
        for e in entries {
            v.push(e)?;
        }
        v.finish()?;
        Ok(v.checked)
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5), vec![]), Ok(5));
        let c = chain(5);
        assert_eq!(verify(&c, vec![Head::new(3, c[2].hash.clone()), Head::new(5, c[4].hash.to_uppercase())]), Ok(5));
    }

    #[test]
    fn edits_removals_and_reorders_are_found_where_they_happen() {
        let mut c = chain(5);
        c[2].payload = r#"{"note":"edited"}"#.into();
        assert_eq!(verify(&c, vec![]).unwrap_err(), Broken { seq: 3, reason: BreakReason::Altered });

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c, vec![]).unwrap_err(), Broken { seq: 2, reason: BreakReason::Missing { found: 3 } });

        // Swapping two entries and renumbering them to hide the gap still breaks the links.
        let mut c = chain(5);
        c.swap(1, 2);
        c[1].seq = 2;
        c[2].seq = 3;
        assert_eq!(verify(&c, vec![]).unwrap_err(), Broken { seq: 2, reason: BreakReason::Unlinked });

        // Re-hashing an edited entry does not help: the next entry no longer follows it.
        let mut c = chain(5);
        c[2].payload = "{}x".into();
        c[2].hash = c[2].computed_hash();
        assert_eq!(verify(&c, vec![]).unwrap_err(), Broken { seq: 4, reason: BreakReason::Unlinked });
    }

    #[test]
    fn a_chain_rewritten_from_scratch_fails_against_a_published_head() {
        let published = chain(4);
        let mut rewritten = chain(5);
        rewritten[1].actor = "someone else".into();
        // Recompute everything from entry 2 on, as a forger with database access would.
        for i in 1..rewritten.len() {
            rewritten[i].prev_hash = rewritten[i - 1].hash.clone();
            rewritten[i].hash = rewritten[i].computed_hash();
        }
        assert_eq!(verify(&rewritten, vec![]), Ok(5), "on its own the forgery is consistent");
        let day = NaiveDate::from_ymd_opt(2026, 3, 2);
        let head = Head { published_on: day, ..Head::new(4, published[3].hash.clone()) };
        let err = verify(&rewritten, vec![head.clone()]).unwrap_err();
        assert_eq!(err.seq, 4);
        assert_eq!(
            err.to_string(),
            format!("entry 4: its hash differs from the head published on 2026-03-02 (4 {})", published[3].hash)
        );
        // The same head in a file and in the table: either one catches it.
        let err = verify(&rewritten, vec![Head::new(4, rewritten[3].hash.clone()), head.clone()]).unwrap_err();
        assert_eq!(err.reason, BreakReason::HeadMismatch { expected: head.clone() });
        // Cutting entries off after a published head is found too.
        let err = verify(&chain(3), vec![head]).unwrap_err();
        assert_eq!(err.seq, 4);
        assert!(err.to_string().contains("cut off"), "{err}");
    }

    #[test]
    fn heads_parse_from_what_audit_head_prints() {
        let h = "# published 2026-03-02\n4 ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n\n";
        assert_eq!(
            parse_heads(h).unwrap(),
            vec![Head::new(4, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
        );
        assert!(parse_heads("x y").unwrap_err().contains("line 1"));
        assert!(parse_heads("3 abc").unwrap_err().contains("SHA-256"));
        // What the transparency page lists reads back, dates and all.
        let p = PublishedHead {
            published_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            seq: 7,
            hash: "ab".repeat(32),
            published_at: at(2026, 3, 2, 0),
        };
        assert_eq!(parse_heads(&p.line()).unwrap(), vec![p.head()]);
        assert!(parse_heads(&format!("7 {} March", "ab".repeat(32))).unwrap_err().contains("not a date"));
    }

    /// `hour` in China time.
    fn at(y: i32, m: u32, d: u32, hour: u32) -> Timestamp {
        let local = NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(hour, 30, 0).unwrap();
        Timestamp::from_utc(crate::time::from_china_local(local))
    }

    #[test]
    fn the_head_is_published_once_a_day_and_only_when_the_chain_grew() {
        let hash = |n: u8| format!("{n:02x}").repeat(32);
        let monday = at(2026, 3, 2, 0);
        // An empty chain publishes nothing; a first head is published.
        assert_eq!(decide_publication(monday, None, None, None), Publication::Empty);
        let Publication::Publish(first) = decide_publication(monday, Some((5, hash(5))), None, None) else {
            panic!("the first head is published")
        };
        assert_eq!((first.published_on, first.seq, first.hash.as_str()), (monday.china_date(), 5, hash(5).as_str()));
        // Later that day (China time: 23:30 on Monday is still Monday), nothing more.
        let late = at(2026, 3, 2, 23);
        assert_eq!(
            decide_publication(late, Some((9, hash(9))), Some(first.clone()), Some(hash(5))),
            Publication::AlreadyToday(first.clone())
        );
        // The next day: only if the chain grew.
        let tuesday = at(2026, 3, 3, 0);
        assert_eq!(
            decide_publication(tuesday, Some((5, hash(5))), Some(first.clone()), Some(hash(5))),
            Publication::Unchanged(first.clone())
        );
        let Publication::Publish(second) =
            decide_publication(tuesday, Some((9, hash(9))), Some(first.clone()), Some(hash(5)))
        else {
            panic!("a grown chain is published the next day")
        };
        assert_eq!((second.published_on, second.seq), (tuesday.china_date(), 9));
        // Never over a rewritten chain: the entry at the last head hashes otherwise, or is gone.
        assert_eq!(
            decide_publication(tuesday, Some((9, hash(9))), Some(first.clone()), Some(hash(1))),
            Publication::Diverged { published: first.clone(), found: Some(hash(1)) }
        );
        assert_eq!(
            decide_publication(tuesday, Some((3, hash(3))), Some(first.clone()), None),
            Publication::Diverged { published: first, found: None }
        );
    }
}
