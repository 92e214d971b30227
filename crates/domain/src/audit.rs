//! The tamper-evident audit chain. Every change, sign-in and (later) reveal or export is one
//! entry; each entry's hash covers its own fields and the previous entry's hash, so a changed,
//! removed or reordered entry breaks the chain from that entry on. Pure: the store appends and
//! reads, this module says what a hash is and whether a sequence of entries is intact.

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
    HeadMismatch { expected: String },
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
            BreakReason::HeadMismatch { expected } => {
                write!(f, "entry {}: its hash differs from the published head {expected}", self.seq)
            }
        }
    }
}

/// Walks a chain in order, one entry at a time (a chain of millions never sits in memory).
#[derive(Debug, Clone)]
pub struct Verifier {
    next_seq: i64,
    prev_hash: String,
    /// Published heads to check on the way: `(seq, hash)`.
    heads: Vec<(i64, String)>,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new(Vec::new())
    }
}

impl Verifier {
    pub fn new(heads: Vec<(i64, String)>) -> Verifier {
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
        if let Some((_, expected)) = self.heads.iter().find(|(s, _)| *s == e.seq)
            && !expected.eq_ignore_ascii_case(&e.hash)
        {
            return Err(Broken { seq: e.seq, reason: BreakReason::HeadMismatch { expected: expected.clone() } });
        }
        self.next_seq += 1;
        self.prev_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// After the last entry: published heads beyond the end mean entries were cut off.
    pub fn finish(&self) -> Result<(), Broken> {
        match self.heads.iter().filter(|(s, _)| *s >= self.next_seq).min_by_key(|(s, _)| *s) {
            Some((seq, expected)) => {
                Err(Broken { seq: *seq, reason: BreakReason::HeadMismatch { expected: expected.clone() } })
            }
            None => Ok(()),
        }
    }
}

/// Reads published heads, one per line as `SEQ HASH` (what `rectify audit head` prints); blank
/// lines and `#` comments are skipped.
pub fn parse_heads(text: &str) -> Result<Vec<(i64, String)>, String> {
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
        heads.push((seq, hash.to_ascii_lowercase()));
    }
    Ok(heads)
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

    fn verify(entries: &[AuditEntry], heads: Vec<(i64, String)>) -> Result<u64, Broken> {
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
        assert_eq!(verify(&c, vec![(3, c[2].hash.clone()), (5, c[4].hash.to_uppercase())]), Ok(5));
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
        let err = verify(&rewritten, vec![(4, published[3].hash.clone())]).unwrap_err();
        assert_eq!(err.seq, 4);
        // Cutting entries off after a published head is found too.
        let err = verify(&chain(3), vec![(4, published[3].hash.clone())]).unwrap_err();
        assert_eq!(err.seq, 4);
    }

    #[test]
    fn heads_parse_from_what_audit_head_prints() {
        let h = "# published 2026-03-02\n4 ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789\n\n";
        assert_eq!(
            parse_heads(h).unwrap(),
            vec![(4, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789".to_owned())]
        );
        assert!(parse_heads("x y").unwrap_err().contains("line 1"));
        assert!(parse_heads("3 abc").unwrap_err().contains("SHA-256"));
    }
}
