//! Encryption at rest of citizens' personal data (names, phones, e-mails, addresses).
//!
//! A stored value is `pii1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`, sealed with
//! XChaCha20-Poly1305 under the keyring's primary key; the field it belongs to (`cases.phone`) is
//! the associated data, so a value moved to another column no longer opens. Equality lookups (the
//! same phone sending the same message twice) go through a blind index: an HMAC of the value under
//! a key derived from each keyring key, so a lookup during a rotation asks for every key's index.
//!
//! The keyring comes from a key file (created on first start, mode 0600) or from the environment.
//! A file-backed keyring notices a rotation made by another process (`rectify keys rotate`): it
//! re-reads the file when it meets an unknown key id, and checks the file's time every few seconds
//! before sealing, so every running instance moves to the new primary key without a restart.

mod file;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard};
use std::time::{Duration, Instant, SystemTime};

pub use file::{add_primary_key, remove_keys};

const PREFIX: &str = "pii1.";
const NONCE_LEN: usize = 24;
/// How stale a file-backed keyring may be before sealing looks at the file again.
const RECHECK: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("key file {path}: {reason}")]
    KeyFile { path: String, reason: String },
    #[error("the keyring has no key {0}")]
    UnknownKey(String),
    #[error("a sealed value does not open: damaged, or sealed by another key with the same id")]
    Damaged,
    #[error("not a sealed value")]
    NotSealed,
}

pub type VaultResult<T> = Result<T, VaultError>;

struct Key {
    id: String,
    cipher: XChaCha20Poly1305,
    index_key: [u8; 32],
}

impl Key {
    fn new(id: String, secret: &[u8; 32]) -> Key {
        // Separate keys for sealing and for the blind index, so one never helps attack the other.
        let cipher = XChaCha20Poly1305::new(&derive(secret, b"rectify-pii-seal-v1").into());
        Key { id, cipher, index_key: derive(secret, b"rectify-pii-index-v1") }
    }

    fn index(&self, field: &str, value: &str) -> String {
        let mut mac = hmac(&self.index_key);
        mac.update(field.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; the error arm cannot happen.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

fn derive(secret: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = hmac(secret);
    mac.update(label);
    mac.finalize().into_bytes().into()
}

struct State {
    /// Primary (sealing) key first.
    keys: Vec<Key>,
    file_time: Option<SystemTime>,
    checked_at: Instant,
}

/// The keys that seal and open citizens' personal data.
pub struct Keyring {
    state: RwLock<State>,
    file: Option<PathBuf>,
}

impl Keyring {
    /// One fresh key held in memory only (tests; a store that never restarts).
    pub fn generate() -> Keyring {
        let (id, secret) = file::new_key();
        Keyring::fixed(vec![Key::new(id, &secret)])
    }

    /// A keyring from the text of a key file (for instance the `RECTIFY_PII_KEY` variable).
    pub fn parse(text: &str) -> VaultResult<Keyring> {
        let keys = file::parse(text).map_err(|reason| VaultError::KeyFile { path: "(text)".into(), reason })?;
        Ok(Keyring::fixed(keys.into_iter().map(|(id, s)| Key::new(id, &s)).collect()))
    }

    /// The keyring in `path`, created with one new key when the file does not exist.
    /// Returns whether it was created.
    pub fn load_or_create(path: &Path) -> VaultResult<(Keyring, bool)> {
        let created = file::create_if_missing(path)?;
        Ok((Keyring::load(path)?, created))
    }

    /// The keyring in `path`.
    pub fn load(path: &Path) -> VaultResult<Keyring> {
        let (keys, file_time) = file::read(path)?;
        let state = State {
            keys: keys.into_iter().map(|(id, s)| Key::new(id, &s)).collect(),
            file_time,
            checked_at: Instant::now(),
        };
        Ok(Keyring { state: RwLock::new(state), file: Some(path.to_owned()) })
    }

    fn fixed(keys: Vec<Key>) -> Keyring {
        let state = State { keys, file_time: None, checked_at: Instant::now() };
        Keyring { state: RwLock::new(state), file: None }
    }

    /// The key file behind this keyring, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while holding the lock cannot leave the keys half-written (they are replaced
        // whole), so a poisoned lock is still good to read.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Re-reads the key file if it changed (another process rotated the keys). `force` skips the
    /// wait between checks.
    fn refresh(&self, force: bool) {
        let Some(path) = &self.file else { return };
        {
            let s = self.read();
            if !force && s.checked_at.elapsed() < RECHECK {
                return;
            }
        }
        let mut s = self.state.write().unwrap_or_else(|e| e.into_inner());
        s.checked_at = Instant::now();
        let time = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        // A forced refresh (an unknown key id) reads the file even if its time looks unchanged.
        if !force && (time.is_none() || time == s.file_time) {
            return;
        }
        // A file that does not parse (half-edited by hand) leaves the loaded keys in place.
        if let Ok((keys, file_time)) = file::read(path)
            && !keys.is_empty()
        {
            s.keys = keys.into_iter().map(|(id, k)| Key::new(id, &k)).collect();
            s.file_time = file_time;
        }
    }

    pub fn primary_id(&self) -> String {
        self.read().keys.first().map(|k| k.id.clone()).unwrap_or_default()
    }

    pub fn key_ids(&self) -> Vec<String> {
        self.read().keys.iter().map(|k| k.id.clone()).collect()
    }

    /// Seals `plain` for `field` under the primary key.
    pub fn seal(&self, field: &str, plain: &str) -> String {
        self.refresh(false);
        let s = self.read();
        // Every constructor holds at least one key (the file reader refuses an empty file).
        let Some(key) = s.keys.first() else { unreachable!("a keyring always holds a key") };
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = key
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: field.as_bytes() })
            .unwrap_or_else(|_| unreachable!("XChaCha20-Poly1305 seals any length we store"));
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}.{}", key.id, URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Opens a value sealed for `field`.
    pub fn open(&self, field: &str, stored: &str) -> VaultResult<String> {
        let (id, body) = split(stored).ok_or(VaultError::NotSealed)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| VaultError::Damaged)?;
        if bytes.len() < NONCE_LEN {
            return Err(VaultError::Damaged);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let attempt = |s: &State| {
            s.keys.iter().find(|k| k.id == id).map(|k| {
                k.cipher
                    .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: field.as_bytes() })
                    .map_err(|_| VaultError::Damaged)
            })
        };
        let found = attempt(&self.read());
        let plain = match found {
            Some(r) => r?,
            None => {
                self.refresh(true);
                attempt(&self.read()).ok_or_else(|| VaultError::UnknownKey(id.to_owned()))??
            }
        };
        String::from_utf8(plain).map_err(|_| VaultError::Damaged)
    }

    /// The blind index of `value` under every key, primary first: what an equality lookup asks for.
    pub fn blind_indexes(&self, field: &str, value: &str) -> Vec<String> {
        self.refresh(false);
        self.read().keys.iter().map(|k| k.index(field, value)).collect()
    }

    /// The blind index stored next to a value sealed now (the primary key's).
    pub fn blind_index(&self, field: &str, value: &str) -> String {
        self.blind_indexes(field, value).into_iter().next().unwrap_or_default()
    }
}

/// Whether a stored value is sealed (values written before encryption was introduced are not).
pub fn is_sealed(stored: &str) -> bool {
    split(stored).is_some()
}

/// The id of the key that sealed a stored value.
pub fn key_id_of(stored: &str) -> Option<&str> {
    split(stored).map(|(id, _)| id)
}

fn split(stored: &str) -> Option<(&str, &str)> {
    stored.strip_prefix(PREFIX)?.split_once('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_for_its_field_only() {
        let ring = Keyring::generate();
        let sealed = ring.seal("cases.phone", "13812345678");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("13812345678"));
        assert_eq!(ring.open("cases.phone", &sealed).unwrap(), "13812345678");
        assert_eq!(ring.open("cases.email", &sealed), Err(VaultError::Damaged), "moved to another column");
        assert_ne!(ring.seal("cases.phone", "13812345678"), sealed, "a fresh nonce each time");
    }

    #[test]
    fn tampered_or_foreign_values_do_not_open() {
        let ring = Keyring::generate();
        let sealed = ring.seal("f", "张三");
        let mut chars: Vec<char> = sealed.chars().collect();
        let last = chars.len() - 1;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert_eq!(ring.open("f", &tampered), Err(VaultError::Damaged));
        let other = Keyring::generate();
        assert!(matches!(other.open("f", &sealed), Err(VaultError::UnknownKey(_))));
        assert_eq!(ring.open("f", "13812345678"), Err(VaultError::NotSealed));
    }

    #[test]
    fn blind_indexes_match_equal_values_and_differ_by_field_and_key() {
        let ring = Keyring::generate();
        assert_eq!(ring.blind_index("p", "138"), ring.blind_index("p", "138"));
        assert_ne!(ring.blind_index("p", "138"), ring.blind_index("p", "139"));
        assert_ne!(ring.blind_index("p", "138"), ring.blind_index("q", "138"));
        assert_ne!(ring.blind_index("p", "138"), Keyring::generate().blind_index("p", "138"));
    }

    #[test]
    fn a_rotation_in_the_file_reaches_a_running_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pii.key");
        let (ring, created) = Keyring::load_or_create(&path).unwrap();
        assert!(created);
        let old = ring.seal("f", "old");
        let new_id = add_primary_key(&path).unwrap();
        // Another instance sealed under the new key: the running keyring re-reads the file.
        let other = Keyring::load(&path).unwrap();
        assert_eq!(other.primary_id(), new_id);
        let new = other.seal("f", "new");
        assert_eq!(ring.open("f", &new).unwrap(), "new");
        assert_eq!(ring.primary_id(), new_id, "and seals with the new primary from then on");
        assert_eq!(other.open("f", &old).unwrap(), "old", "old keys still open");
        let (_, created_again) = Keyring::load_or_create(&path).unwrap();
        assert!(!created_again);
    }

    #[test]
    fn keys_can_be_pruned_but_never_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pii.key");
        let (ring, _) = Keyring::load_or_create(&path).unwrap();
        let first = ring.primary_id();
        let second = add_primary_key(&path).unwrap();
        remove_keys(&path, std::slice::from_ref(&first)).unwrap();
        assert_eq!(Keyring::load(&path).unwrap().key_ids(), vec![second.clone()]);
        assert!(remove_keys(&path, &[second]).is_err(), "the primary key stays");
    }

    #[test]
    fn the_environment_form_is_the_file_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pii.key");
        let (ring, _) = Keyring::load_or_create(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let from_env = Keyring::parse(&text).unwrap();
        assert_eq!(from_env.open("f", &ring.seal("f", "x")).unwrap(), "x");
        assert!(Keyring::parse("key abc not-base64").is_err());
        assert!(Keyring::parse("# nothing").is_err());
    }
}
