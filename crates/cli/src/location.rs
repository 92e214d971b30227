//! `--data DIR` / `--database-url URL`, shared by every command that touches the store.

use crate::Failure;
use rectify_store::{Location, Store, SystemClock};
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

    pub async fn open(&self) -> Result<Store, Failure> {
        Store::open(&self.location(), Arc::new(SystemClock))
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
