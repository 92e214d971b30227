//! Connections and transactions over either database, running [`Q`] queries.

use super::query::{Q, Value};
use super::sqlite::{SqliteRecord, SqliteTx, sqlite_sql};
use crate::error::{StoreError, StoreResult};
use rectify_domain::ids::Id;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::{Arguments, FromRow, PgConnection, Postgres};
use std::collections::HashMap;
use std::hash::Hash;

/// A row type that decodes from both databases: define it with the crate's `record!` macro
/// (fields of portable types: i64, f64, bool, String, NaiveDate, DateTime<Utc>, Vec<u8> and
/// their Options), or use a tuple.
pub trait Record: for<'r> FromRow<'r, PgRow> + SqliteRecord + Send + Unpin {}
impl<T> Record for T where T: for<'r> FromRow<'r, PgRow> + SqliteRecord + Send + Unpin {}

/// A single value that decodes from both databases.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + rusqlite::types::FromSql + Send + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + rusqlite::types::FromSql + Send + Unpin
{
}

/// A borrowed connection, inside a transaction.
pub enum Conn<'c> {
    /// Runs statements synchronously: SQLite jobs run on the database's own threads.
    /// (`&mut` because a connection may move between threads but not be shared.)
    Sqlite(&'c mut rusqlite::Connection),
    Postgres(&'c mut PgConnection),
}

fn pg_args(values: Vec<Value>) -> StoreResult<PgArguments> {
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

/// Prepares (from the statement cache) and binds a query on SQLite.
fn sqlite_statement<'c>(c: &'c rusqlite::Connection, q: &Q) -> StoreResult<rusqlite::CachedStatement<'c>> {
    let mut stmt = c.prepare_cached(&sqlite_sql(&q.sql))?;
    stmt.clear_bindings();
    for (i, v) in q.args.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, v)?;
    }
    Ok(stmt)
}

fn sqlite_rows<T>(
    c: &rusqlite::Connection,
    q: Q,
    limit: Option<usize>,
    mut map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    let mut stmt = sqlite_statement(c, &q)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
    }
    Ok(out)
}

fn no_rows() -> StoreError {
    StoreError::Database(sqlx::Error::RowNotFound)
}

impl Conn<'_> {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Runs a statement; the number of rows it touched.
    pub async fn execute(&mut self, q: Q) -> StoreResult<u64> {
        Ok(match self {
            Conn::Sqlite(c) => sqlite_statement(c, &q)?.raw_execute()? as u64,
            Conn::Postgres(c) => sqlx::query_with(&q.sql, pg_args(q.args)?).execute(&mut **c).await?.rows_affected(),
        })
    }

    pub async fn fetch_all<T: Record>(&mut self, q: Q) -> StoreResult<Vec<T>> {
        match self {
            Conn::Sqlite(c) => sqlite_rows(c, q, None, T::from_sqlite),
            Conn::Postgres(c) => Ok(sqlx::query_as_with(&q.sql, pg_args(q.args)?).fetch_all(&mut **c).await?),
        }
    }

    pub async fn fetch_optional<T: Record>(&mut self, q: Q) -> StoreResult<Option<T>> {
        match self {
            Conn::Sqlite(c) => Ok(sqlite_rows(c, q, Some(1), T::from_sqlite)?.pop()),
            Conn::Postgres(c) => Ok(sqlx::query_as_with(&q.sql, pg_args(q.args)?).fetch_optional(&mut **c).await?),
        }
    }

    pub async fn fetch_one<T: Record>(&mut self, q: Q) -> StoreResult<T> {
        self.fetch_optional(q).await?.ok_or_else(no_rows)
    }

    /// The first column of the first row (e.g. `COUNT(*)`, `INSERT … RETURNING id`).
    pub async fn scalar<T: Scalar>(&mut self, q: Q) -> StoreResult<T> {
        self.scalar_optional(q).await?.ok_or_else(no_rows)
    }

    /// The id an `INSERT … RETURNING id` gives, as its type.
    pub async fn returning_id<T: Id>(&mut self, q: Q) -> StoreResult<T> {
        Ok(T::from_i64(self.scalar::<i64>(q).await?))
    }

    /// The ids a query selects (its first column), as their type.
    pub async fn fetch_ids<T: Id>(&mut self, q: Q) -> StoreResult<Vec<T>> {
        let rows: Vec<(i64,)> = self.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(id,)| T::from_i64(id)).collect())
    }

    /// The names a query selects by id (`SELECT id, name FROM …`), keyed by the id's type.
    pub async fn fetch_names<T: Id + Eq + Hash>(&mut self, q: Q) -> StoreResult<HashMap<T, String>> {
        let rows: Vec<(i64, String)> = self.fetch_all(q).await?;
        Ok(rows.into_iter().map(|(id, name)| (T::from_i64(id), name)).collect())
    }

    pub async fn scalar_optional<T: Scalar>(&mut self, q: Q) -> StoreResult<Option<T>> {
        match self {
            Conn::Sqlite(c) => Ok(sqlite_rows(c, q, Some(1), |r| r.get::<_, T>(0))?.pop()),
            Conn::Postgres(c) => Ok(sqlx::query_scalar_with(&q.sql, pg_args(q.args)?).fetch_optional(&mut **c).await?),
        }
    }
}

/// What a database job works on: a write transaction, or a connection for reading.
pub enum Tx {
    Sqlite(SqliteTx),
    Postgres(sqlx::Transaction<'static, Postgres>),
    PostgresRead(sqlx::pool::PoolConnection<Postgres>),
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(s) => Conn::Sqlite(&mut s.conn),
            Tx::Postgres(t) => Conn::Postgres(&mut *t),
            Tx::PostgresRead(c) => Conn::Postgres(&mut *c),
        }
    }
}
