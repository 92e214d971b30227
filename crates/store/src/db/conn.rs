//! Connections and transactions over either database, running [`Q`] queries.

use super::query::{Q, Value};
use crate::error::StoreError;
use chrono::SecondsFormat;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, FromRow, PgConnection, Postgres, Sqlite, SqliteConnection};

/// A row type that decodes from both databases (derive `sqlx::FromRow` with portable field
/// types: i64, f64, bool, String, NaiveDate, DateTime<Utc>, Vec<u8> and their Options).
pub trait Record: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Record for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// A single value that decodes from both databases.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

/// A borrowed connection, inside a transaction or not.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// SQLite keeps times as text; one fixed format keeps text order equal to time order.
fn sqlite_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn sqlite_args(values: Vec<Value>) -> Result<SqliteArguments<'static>, StoreError> {
    let mut a = SqliteArguments::default();
    for v in values {
        match v {
            Value::Bool(x) => a.add(x),
            Value::Int(x) => a.add(x),
            Value::Float(x) => a.add(x),
            Value::Text(x) => a.add(x),
            Value::Date(x) => a.add(x),
            Value::Time(x) => a.add(x.map(sqlite_time)),
            Value::Bytes(x) => a.add(x),
        }
        .map_err(|e| StoreError::Encode(e.to_string()))?;
    }
    Ok(a)
}

fn pg_args(values: Vec<Value>) -> Result<PgArguments, StoreError> {
    let mut a = PgArguments::default();
    for v in values {
        match v {
            Value::Bool(x) => a.add(x),
            Value::Int(x) => a.add(x),
            Value::Float(x) => a.add(x),
            Value::Text(x) => a.add(x),
            Value::Date(x) => a.add(x),
            Value::Time(x) => a.add(x),
            Value::Bytes(x) => a.add(x),
        }
        .map_err(|e| StoreError::Encode(e.to_string()))?;
    }
    Ok(a)
}

impl Conn<'_> {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Runs a statement; the number of rows it touched.
    pub async fn execute(&mut self, q: Q) -> Result<u64, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_with(&q.sql, sqlite_args(q.args)?).execute(&mut **c).await?.rows_affected(),
            Conn::Postgres(c) => sqlx::query_with(&q.sql, pg_args(q.args)?).execute(&mut **c).await?.rows_affected(),
        })
    }

    pub async fn fetch_all<T: Record>(&mut self, q: Q) -> Result<Vec<T>, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_as_with(&q.sql, sqlite_args(q.args)?).fetch_all(&mut **c).await?,
            Conn::Postgres(c) => sqlx::query_as_with(&q.sql, pg_args(q.args)?).fetch_all(&mut **c).await?,
        })
    }

    pub async fn fetch_optional<T: Record>(&mut self, q: Q) -> Result<Option<T>, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_as_with(&q.sql, sqlite_args(q.args)?).fetch_optional(&mut **c).await?,
            Conn::Postgres(c) => sqlx::query_as_with(&q.sql, pg_args(q.args)?).fetch_optional(&mut **c).await?,
        })
    }

    pub async fn fetch_one<T: Record>(&mut self, q: Q) -> Result<T, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_as_with(&q.sql, sqlite_args(q.args)?).fetch_one(&mut **c).await?,
            Conn::Postgres(c) => sqlx::query_as_with(&q.sql, pg_args(q.args)?).fetch_one(&mut **c).await?,
        })
    }

    /// The first column of the first row (e.g. `COUNT(*)`, `INSERT … RETURNING id`).
    pub async fn scalar<T: Scalar>(&mut self, q: Q) -> Result<T, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_scalar_with(&q.sql, sqlite_args(q.args)?).fetch_one(&mut **c).await?,
            Conn::Postgres(c) => sqlx::query_scalar_with(&q.sql, pg_args(q.args)?).fetch_one(&mut **c).await?,
        })
    }

    pub async fn scalar_optional<T: Scalar>(&mut self, q: Q) -> Result<Option<T>, StoreError> {
        Ok(match self {
            Conn::Sqlite(c) => sqlx::query_scalar_with(&q.sql, sqlite_args(q.args)?).fetch_optional(&mut **c).await?,
            Conn::Postgres(c) => {
                sqlx::query_scalar_with(&q.sql, pg_args(q.args)?).fetch_optional(&mut **c).await?
            }
        })
    }
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut *t),
            Tx::Postgres(t) => Conn::Postgres(&mut *t),
        }
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A pooled connection for reads.
pub enum ReadConn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl ReadConn {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            ReadConn::Sqlite(c) => Conn::Sqlite(&mut *c),
            ReadConn::Postgres(c) => Conn::Postgres(&mut *c),
        }
    }
}
