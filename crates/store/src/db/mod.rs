//! The database: SQLite in WAL mode inside the data dir (one writer connection, several readers)
//! or PostgreSQL, behind one interface. Migrations for both are embedded in the binary.

mod conn;
mod query;

pub use conn::{Conn, ReadConn, Record, Scalar, Tx};
pub use query::{like_pattern, ToValue, Value, Q};

use crate::error::StoreError;
use futures::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

enum Pools {
    /// SQLite allows one writer at a time: a single write connection queues writers in the
    /// application instead of letting them fight over the lock with busy-waits.
    Sqlite { writer: SqlitePool, readers: SqlitePool },
    Postgres(PgPool),
}

#[derive(Clone)]
pub struct Db {
    pools: Arc<Pools>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Opens (creating if needed) `rectify.db` in `data_dir` and brings its schema up to date.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Db, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| StoreError::Io(format!("{}: {e}", data_dir.display())))?;
        let file = data_dir.join("rectify.db");
        let base = SqliteConnectOptions::new()
            .filename(&file)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL with NORMAL is durable against application crashes; an OS crash may lose the
            // last transactions but never corrupts the file.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-65536");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(base.clone().create_if_missing(true))
            .await?;
        SQLITE_MIGRATIONS.run(&writer).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(8)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(base.read_only(true))
            .await?;
        Ok(Db { pools: Arc::new(Pools::Sqlite { writer, readers }) })
    }

    /// Connects to PostgreSQL and brings its schema up to date (migrations take an advisory
    /// lock, so several instances may start at once).
    pub async fn open_postgres(url: &str) -> Result<Db, StoreError> {
        let opts = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        POSTGRES_MIGRATIONS.run(&pool).await?;
        Ok(Db { pools: Arc::new(Pools::Postgres(pool)) })
    }

    pub fn backend(&self) -> Backend {
        match &*self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn read(&self) -> Result<ReadConn, StoreError> {
        Ok(match &*self.pools {
            Pools::Sqlite { readers, .. } => ReadConn::Sqlite(readers.acquire().await?),
            Pools::Postgres(p) => ReadConn::Postgres(p.acquire().await?),
        })
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match &*self.pools {
            Pools::Sqlite { writer, .. } => Tx::Sqlite(writer.begin().await?),
            Pools::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Runs `f` in one transaction and commits when it succeeds; any error rolls everything
    /// back, so a request either changes all it meant to or nothing.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, StoreError>>,
    {
        let mut tx = self.begin().await?;
        let value = f(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut c = self.read().await?;
        c.conn().scalar::<i64>(Q::new("SELECT CAST(1 AS BIGINT)")).await?;
        Ok(())
    }

    /// Checkpoints and closes the pools (SQLite folds the WAL back into the main file).
    pub async fn close(&self) {
        match &*self.pools {
            Pools::Sqlite { writer, readers } => {
                readers.close().await;
                let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(writer).await;
                writer.close().await;
            }
            Pools::Postgres(p) => p.close().await,
        }
    }
}
