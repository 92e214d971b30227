//! Test support: a fresh, empty database per test on either backend (a database per test, so
//! tests run in parallel without seeing each other's rows).

use crate::{Backend, Clock, Keyring, Location, Store, StoreResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Runs each named test once on SQLite and once on PostgreSQL: `on_both!(a, b)` over
/// `async fn a(backend: Backend)`, in the calling test file.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(rectify_store::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(rectify_store::Backend::Postgres).await
                }
            )*
        }
    };
}

pub const DATABASE_URL_VAR: &str = "RECTIFY_TEST_DATABASE_URL";

/// The PostgreSQL server tests use. Unset: PostgreSQL tests fail when `CI` is set (the
/// PostgreSQL path must be tested on every CI run) and are reported as not run otherwise.
pub fn postgres_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("{DATABASE_URL_VAR} must be set when CI=true: the PostgreSQL path is tested on every run")
        }
        _ => None,
    }
}

/// Keeps a test's data alive; the SQLite directory is removed on drop. PostgreSQL databases are
/// dropped by [`sweep`] on a later run (a test cannot run async code on drop).
pub struct TestDb {
    pub location: Location,
    /// The keys of this database, kept so a test can reopen it.
    pub keyring: Arc<Keyring>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Opens (or reopens) the store on this database.
    pub async fn open(&self, clock: Arc<dyn Clock>) -> StoreResult<Store> {
        Store::open(&self.location, clock, self.keyring.clone()).await
    }
}

fn fresh_keyring() -> Arc<Keyring> {
    Arc::new(Keyring::generate())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[after_scheme..].find('/').map(|i| i + after_scheme).unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A fresh empty database on `backend`, or `None` when PostgreSQL is not configured (and this
/// is not CI).
pub async fn fresh(backend: Backend) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            Some(TestDb {
                location: Location::DataDir(dir.path().to_path_buf()),
                keyring: fresh_keyring(),
                _dir: Some(dir),
            })
        }
        Backend::Postgres => {
            let url = postgres_url()?;
            let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            let name = format!("rectify_t_{secs}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
            let mut admin = connect(&url).await;
            sweep(&mut admin, secs).await;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("create test database");
            Some(TestDb {
                location: Location::Postgres(with_database(&url, &name)),
                keyring: fresh_keyring(),
                _dir: None,
            })
        }
    }
}

async fn connect(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {url}: {e}"))
}

/// Drops test databases left by runs more than two hours ago.
async fn sweep(admin: &mut sqlx::PgConnection, now_secs: u64) {
    let names: Vec<(String,)> = sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'rectify_t_%'")
        .fetch_all(&mut *admin)
        .await
        .unwrap_or_default();
    for (name,) in names {
        let made: u64 = name.split('_').nth(2).and_then(|s| s.parse().ok()).unwrap_or(now_secs);
        if now_secs.saturating_sub(made) > 7200 {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut *admin).await;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_replace_the_path() {
        assert_eq!(super::with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(super::with_database("postgres://h/test?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
