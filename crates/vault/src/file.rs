//! The key file: one `key <id> <base64 secret>` line per key, the primary (sealing) key first.
//! Written whole to a temporary file and renamed, readable by its owner only.

use crate::{VaultError, VaultResult};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

const HEADER: &str = "\
# Rectify: keys sealing citizens' names, phones, e-mails and addresses.
# The first key seals new values; every key listed opens. Keep this file secret and back it up
# apart from the database: without it the sealed values cannot be read by anyone.
";

/// A key as the file holds it: its id and its 32-byte secret.
pub(crate) type RawKey = (String, [u8; 32]);

pub(crate) fn new_key() -> RawKey {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let mut id = [0u8; 4];
    rand::rng().fill_bytes(&mut id);
    (hex::encode(id), secret)
}

pub(crate) fn parse(text: &str) -> Result<Vec<RawKey>, String> {
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        let ["key", id, secret] = parts[..] else {
            return Err(format!("line {n}: expected `key <id> <base64 secret>`"));
        };
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("line {n}: a key id is letters and digits"));
        }
        let bytes = STANDARD.decode(secret).map_err(|_| format!("line {n}: the secret is not base64"))?;
        let secret: [u8; 32] = bytes.try_into().map_err(|_| format!("line {n}: the secret must be 32 bytes"))?;
        if keys.iter().any(|(k, _)| k == id) {
            return Err(format!("line {n}: key {id} is listed twice"));
        }
        keys.push((id.to_owned(), secret));
    }
    if keys.is_empty() {
        return Err("no key in it".into());
    }
    Ok(keys)
}

fn failure(path: &Path, reason: impl ToString) -> VaultError {
    VaultError::KeyFile { path: path.display().to_string(), reason: reason.to_string() }
}

pub(crate) fn read(path: &Path) -> VaultResult<(Vec<RawKey>, Option<SystemTime>)> {
    let text = std::fs::read_to_string(path).map_err(|e| failure(path, e))?;
    let time = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    Ok((parse(&text).map_err(|r| failure(path, r))?, time))
}

fn render(keys: &[RawKey]) -> String {
    let mut text = HEADER.to_owned();
    for (id, secret) in keys {
        text.push_str(&format!("key {id} {}\n", STANDARD.encode(secret)));
    }
    text
}

fn write(path: &Path, keys: &[RawKey]) -> VaultResult<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| failure(path, e))?;
    let temp = dir.join(format!(".{}.tmp", path.file_name().and_then(|n| n.to_str()).unwrap_or("pii.key")));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&temp).map_err(|e| failure(&temp, e))?;
    f.write_all(render(keys).as_bytes()).and_then(|()| f.sync_all()).map_err(|e| failure(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| failure(path, e))
}

/// Writes a key file with one new key unless the file exists. Returns whether it wrote one.
pub(crate) fn create_if_missing(path: &Path) -> VaultResult<bool> {
    if path.exists() {
        return Ok(false);
    }
    write(path, &[new_key()])?;
    Ok(true)
}

/// Puts a new key at the head of the key file (it seals from now on; the others still open).
/// Returns its id.
pub fn add_primary_key(path: &Path) -> VaultResult<String> {
    let (mut keys, _) = read(path)?;
    let key = new_key();
    let id = key.0.clone();
    keys.insert(0, key);
    write(path, &keys)?;
    Ok(id)
}

/// Removes keys from the key file. The primary key cannot be removed.
pub fn remove_keys(path: &Path, ids: &[String]) -> VaultResult<()> {
    let (keys, _) = read(path)?;
    if keys.first().is_some_and(|(id, _)| ids.contains(id)) {
        return Err(failure(path, "the primary key cannot be removed"));
    }
    let kept: Vec<_> = keys.into_iter().filter(|(id, _)| !ids.contains(id)).collect();
    write(path, &kept)
}
