//! `--data DIR` / `--database-url URL`, shared by every command that touches the store.

use crate::Failure;
use rectify_store::{Keyring, Location, Store, SystemClock};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(clap::Args, Debug, Clone)]
pub struct StoreArgs {
    /// Data directory (SQLite database inside).
    #[arg(long, env = "RECTIFY_DATA", default_value = "./rectify-data", value_name = "DIR")]
    pub data: PathBuf,
    /// Use PostgreSQL instead of SQLite (postgres://user@host:5432/db).
    #[arg(long, env = "RECTIFY_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// Key file sealing citizens' names, phones, e-mails and addresses [default: pii.key in the
    /// data directory, created on first start]. Every instance over one database needs the same
    /// keys; RECTIFY_PII_KEY may hold the file's text instead.
    #[arg(long, env = "RECTIFY_PII_KEY_FILE", value_name = "FILE")]
    pub pii_key_file: Option<PathBuf>,
}

/// The environment variable that may hold the key file's text (for containers and secret stores).
const KEY_VARIABLE: &str = "RECTIFY_PII_KEY";
/// The file a server holds locked (shared) while it serves a SQLite data directory.
const SERVE_LOCK: &str = "serve.lock";
/// The key file's name in a SQLite data directory.
pub const KEY_FILE: &str = "pii.key";

/// Where the keys sealing personal details come from.
pub enum KeySource {
    Variable,
    File(PathBuf),
}

impl StoreArgs {
    pub fn location(&self) -> Location {
        match &self.database_url {
            Some(url) if !url.is_empty() => Location::Postgres(url.clone()),
            _ => Location::DataDir(self.data.clone()),
        }
    }

    pub fn describe(&self) -> String {
        match self.location() {
            Location::DataDir(d) => format!("SQLite in {}", d.display()),
            Location::Postgres(url) => format!("PostgreSQL at {}", redact(&url)),
        }
    }

    /// Where the keys come from: RECTIFY_PII_KEY, the key file given, or (SQLite only) pii.key in
    /// the data directory. Over PostgreSQL there is no default: every instance must use the same
    /// keys, so none is made up beside the working directory.
    pub fn key_source(&self) -> Result<KeySource, Failure> {
        if std::env::var(KEY_VARIABLE).is_ok_and(|v| !v.trim().is_empty()) {
            return Ok(KeySource::Variable);
        }
        match (&self.pii_key_file, self.location()) {
            (Some(file), _) => Ok(KeySource::File(file.clone())),
            (None, Location::DataDir(dir)) => Ok(KeySource::File(dir.join(KEY_FILE))),
            (None, Location::Postgres(_)) => Err(Failure::BadInput(format!(
                "with --database-url, give the key file (--pii-key-file FILE, created on the first start when \
                 missing) or {KEY_VARIABLE}: every instance over one database needs the same keys"
            ))),
        }
    }

    /// The key file in use (none when the keys come from the environment, or none is given).
    pub fn key_file(&self) -> Option<PathBuf> {
        match self.key_source() {
            Ok(KeySource::File(path)) => Some(path),
            _ => None,
        }
    }

    /// The keyring: from RECTIFY_PII_KEY, or the key file, which is created with a fresh key
    /// when missing and `create` is set (a first start; never for a restore, which needs the key
    /// that sealed the backup).
    pub fn keyring(&self, create: bool) -> Result<Arc<Keyring>, Failure> {
        let KeySource::File(path) = self.key_source()? else {
            let text = std::env::var(KEY_VARIABLE).unwrap_or_default();
            return Keyring::parse(&text).map(Arc::new).map_err(|e| Failure::BadInput(format!("{KEY_VARIABLE}: {e}")));
        };
        if !create && !path.exists() {
            return Err(Failure::BadInput(format!(
                "no key file at {}: give the key file of the data that is restored (--pii-key-file or {KEY_VARIABLE})",
                path.display()
            )));
        }
        let (ring, created) = Keyring::load_or_create(&path).map_err(|e| Failure::BadInput(e.to_string()))?;
        if created {
            println!(
                "Created the key file {} sealing citizens' contact details: back it up apart from the database.",
                path.display()
            );
        }
        Ok(Arc::new(ring))
    }

    /// Marks a SQLite data directory as served for as long as the returned file is held: a shared
    /// lock on `serve.lock`, which names the address. A long write from another process (an
    /// import) would hold SQLite's write lock and make the server's writes time out, so it checks
    /// [`StoreArgs::running_server`] first. Nothing on PostgreSQL, which has no such lock.
    pub fn hold_serve_lock(&self, addr: std::net::SocketAddr) -> Result<Option<std::fs::File>, Failure> {
        let Location::DataDir(dir) = self.location() else { return Ok(None) };
        let path = dir.join(SERVE_LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Failure::Runtime(format!("{}: {e}", path.display())))?;
        file.lock_shared().map_err(|e| Failure::Runtime(format!("{}: {e}", path.display())))?;
        // The last server to start names itself; several may share a directory only read-mostly.
        let _ = file.set_len(0);
        let _ = std::fs::write(&path, format!("http://{addr} pid {}\n", std::process::id()));
        Ok(Some(file))
    }

    /// The server running on this SQLite data directory (its address and pid), if one is.
    pub fn running_server(&self) -> Option<String> {
        let Location::DataDir(dir) = self.location() else { return None };
        let path = dir.join(SERVE_LOCK);
        let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).ok()?;
        match file.try_lock() {
            Ok(()) => None,
            Err(std::fs::TryLockError::WouldBlock) => {
                Some(std::fs::read_to_string(&path).unwrap_or_default().trim().to_owned())
            }
            Err(std::fs::TryLockError::Error(_)) => None,
        }
    }

    pub async fn open(&self) -> Result<Store, Failure> {
        self.open_with(self.keyring(true)?).await
    }

    pub async fn open_with(&self, keyring: Arc<Keyring>) -> Result<Store, Failure> {
        Store::open(&self.location(), Arc::new(SystemClock), keyring)
            .await
            .map_err(|e| Failure::Runtime(format!("cannot open the database ({}): {e}", self.describe())))
    }
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
