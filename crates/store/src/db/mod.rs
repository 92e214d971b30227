//! The database: SQLite in WAL mode inside the data dir (one writer thread committing in groups,
//! a few reader threads) or PostgreSQL (a connection pool), behind one interface. Migrations for
//! both are embedded in the binary.
//!
//! All database work is a job: a closure given a [`Tx`] that runs its statements and returns a
//! value. [`Db::write`] runs it in a transaction that commits only if the job succeeds;
//! [`Db::read`] runs it on a consistent snapshot. Jobs must await nothing but their connection.

mod conn;
mod query;
mod record;
mod sqlite;

pub use conn::{Conn, Record, Scalar, Tx};
pub use query::{Q, ToValue, Value, like_pattern, set};
pub(crate) use record::record;
pub use record::{BadStored, FromStored, Json};
pub use sqlite::SqliteRecord;

use crate::error::{StoreError, StoreResult};
use futures::future::BoxFuture;
use sqlite::{JobFn, Output, SqliteDb};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, PgPool};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum Inner {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

#[derive(Clone)]
pub struct Db {
    inner: Arc<Inner>,
    /// The SQLite data directory (none on PostgreSQL).
    data_dir: Option<std::path::PathBuf>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

fn boxed<T, F>(f: F) -> JobFn
where
    T: Send + 'static,
    F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, StoreResult<T>> + Send + 'static,
{
    Box::new(move |tx| {
        let fut = f(tx);
        Box::pin(async move { fut.await.map(|v| Box::new(v) as Output) })
    })
}

fn unbox<T: 'static>(out: Output) -> StoreResult<T> {
    out.downcast::<T>().map(|b| *b).map_err(|_| StoreError::Io("database job returned an unexpected type".into()))
}

impl Db {
    /// Opens (creating if needed) `rectify.db` in `data_dir` and brings its schema up to date.
    pub async fn open_sqlite(data_dir: &Path) -> StoreResult<Db> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::Io(format!("{}: {e}", data_dir.display())))?;
        let file = data_dir.join(crate::backup::DB_FILE);
        if !file.exists() {
            // Owner-only from the start; SQLite gives its -wal and -shm files the same mode.
            crate::backup::create_private(&file)?;
        }
        // Migrations run through sqlx (its migration table is the same on both databases);
        // serving then uses the connections of `sqlite`.
        let opts = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
        SQLITE_MIGRATIONS.run(&pool).await?;
        pool.close().await;
        Ok(Db { inner: Arc::new(Inner::Sqlite(SqliteDb::start(file)?)), data_dir: Some(data_dir.to_path_buf()) })
    }

    /// Connects to PostgreSQL and brings its schema up to date (migrations take an advisory
    /// lock, so several instances may start at once).
    pub async fn open_postgres(url: &str) -> StoreResult<Db> {
        let opts = PgConnectOptions::from_str(url)?.disable_statement_logging();
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
        Ok(Db { inner: Arc::new(Inner::Postgres(pool)), data_dir: None })
    }

    /// The SQLite data directory, on SQLite.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    pub fn backend(&self) -> Backend {
        match &*self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs `f` in one transaction and commits when it succeeds; any error rolls everything
    /// back, so a request either changes all it meant to or nothing.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, StoreResult<T>> + Send + 'static,
    {
        match &*self.inner {
            Inner::Sqlite(db) => unbox(db.write(boxed(f)).await?),
            Inner::Postgres(pool) => {
                let mut tx = Tx::Postgres(pool.begin().await?);
                let value = f(&mut tx).await?;
                if let Tx::Postgres(t) = tx {
                    t.commit().await?;
                }
                Ok(value)
            }
        }
    }

    /// Runs `f` for reading.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, StoreResult<T>> + Send + 'static,
    {
        match &*self.inner {
            Inner::Sqlite(db) => unbox(db.read(boxed(f)).await?),
            Inner::Postgres(pool) => {
                let mut tx = Tx::PostgresRead(pool.acquire().await?);
                f(&mut tx).await
            }
        }
    }

    /// One query's rows, as a read job.
    pub async fn fetch_all<T: Record + 'static>(&self, q: Q) -> StoreResult<Vec<T>> {
        self.read(move |tx| Box::pin(async move { tx.conn().fetch_all(q).await })).await
    }

    /// One query's first row, if any, as a read job.
    pub async fn fetch_optional<T: Record + 'static>(&self, q: Q) -> StoreResult<Option<T>> {
        self.read(move |tx| Box::pin(async move { tx.conn().fetch_optional(q).await })).await
    }

    /// One query's single value, as a read job.
    pub async fn scalar<T: Scalar + 'static>(&self, q: Q) -> StoreResult<T> {
        self.read(move |tx| Box::pin(async move { tx.conn().scalar(q).await })).await
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> StoreResult<()> {
        self.read(|tx| Box::pin(async move { tx.conn().scalar::<i64>(Q::new("SELECT CAST(1 AS BIGINT)")).await }))
            .await?;
        Ok(())
    }

    /// Finishes queued work and closes (SQLite folds the WAL back into the main file).
    pub async fn close(&self) {
        match &*self.inner {
            Inner::Sqlite(db) => db.close().await,
            Inner::Postgres(p) => p.close().await,
        }
    }
}
