//! SQLite on dedicated threads. One writer thread owns the only write connection and commits
//! jobs in groups: each job runs inside its own savepoint, so a failing job is rolled back alone,
//! and one COMMIT covers every job of the group. Reader threads serve read jobs from read-only
//! connections (WAL lets them run while the writer writes). A job is a whole use case's database
//! work, run synchronously on the thread, so it costs one hand-over instead of one per statement.

use super::conn::Tx;
use super::query::Value;
use crate::error::{StoreError, StoreResult};
use futures::future::BoxFuture;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::oneshot;

/// Jobs committed together at most; a bigger group only delays the first job's answer.
const MAX_GROUP: usize = 128;
const READERS: usize = 4;

pub(crate) type Output = Box<dyn Any + Send>;
pub(crate) type JobFn = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, StoreResult<Output>> + Send>;

pub(crate) struct Job {
    pub run: JobFn,
    pub reply: oneshot::Sender<StoreResult<Output>>,
}

pub(crate) enum Message {
    Job(Job),
    /// Finish the jobs already sent, checkpoint, and stop.
    Close(oneshot::Sender<()>),
}

pub(crate) struct SqliteDb {
    writer: flume::Sender<Message>,
    readers: flume::Sender<Message>,
    threads: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

/// The connection a SQLite job works on.
pub struct SqliteTx {
    pub(crate) conn: Connection,
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; \
         PRAGMA cache_size = -65536;",
    )?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

fn open(file: &Path, read_only: bool) -> StoreResult<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(file, flags)?;
    configure(&conn)?;
    Ok(conn)
}

impl SqliteDb {
    /// Starts the writer and readers on a database file that exists and is migrated.
    pub(crate) fn start(file: PathBuf) -> StoreResult<SqliteDb> {
        let runtime = tokio::runtime::Handle::try_current().ok();
        let (wtx, wrx) = flume::unbounded::<Message>();
        let (rtx, rrx) = flume::unbounded::<Message>();
        let mut threads = Vec::new();
        let writer = open(&file, false)?;
        let rt = runtime.clone();
        threads.push(
            std::thread::Builder::new()
                .name("rectify-sqlite-writer".into())
                .spawn(move || writer_loop(writer, wrx, rt))
                .map_err(|e| StoreError::Io(e.to_string()))?,
        );
        for i in 0..READERS {
            let conn = open(&file, true)?;
            let (rrx, rt) = (rrx.clone(), runtime.clone());
            threads.push(
                std::thread::Builder::new()
                    .name(format!("rectify-sqlite-reader-{i}"))
                    .spawn(move || reader_loop(conn, rrx, rt))
                    .map_err(|e| StoreError::Io(e.to_string()))?,
            );
        }
        Ok(SqliteDb { writer: wtx, readers: rtx, threads: std::sync::Mutex::new(threads) })
    }

    async fn submit(queue: &flume::Sender<Message>, run: JobFn) -> StoreResult<Output> {
        let (reply, answer) = oneshot::channel();
        queue.send(Message::Job(Job { run, reply })).map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    pub(crate) async fn write(&self, run: JobFn) -> StoreResult<Output> {
        Self::submit(&self.writer, run).await
    }

    pub(crate) async fn read(&self, run: JobFn) -> StoreResult<Output> {
        Self::submit(&self.readers, run).await
    }

    /// Lets queued jobs finish, folds the WAL back into the database file and stops the threads.
    pub(crate) async fn close(&self) {
        for _ in 0..READERS {
            let (tx, rx) = oneshot::channel();
            if self.readers.send(Message::Close(tx)).is_ok() {
                let _ = rx.await;
            }
        }
        let (tx, rx) = oneshot::channel();
        if self.writer.send(Message::Close(tx)).is_ok() {
            let _ = rx.await;
        }
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|e| e.into_inner()));
        for t in threads {
            let _ = t.join();
        }
    }
}

fn closed() -> StoreError {
    StoreError::Io("the database is closed".into())
}

/// Runs one job; a panic is reported as an error and leaves the connection usable.
fn run_job(tx: &mut Tx, run: JobFn) -> StoreResult<Output> {
    match catch_unwind(AssertUnwindSafe(|| futures::executor::block_on(run(tx)))) {
        Ok(result) => result,
        Err(_) => Err(StoreError::Io("a database job panicked".into())),
    }
}

fn writer_loop(conn: Connection, queue: flume::Receiver<Message>, runtime: Option<tokio::runtime::Handle>) {
    // Jobs may use tokio types (they should not need to); give them the runtime's context.
    let _guard = runtime.as_ref().map(|r| r.enter());
    let mut tx = Tx::Sqlite(SqliteTx { conn });
    while let Ok(first) = queue.recv() {
        let mut group = Vec::new();
        let mut close = None;
        let mut next = Some(first);
        while let Some(m) = next.take() {
            match m {
                Message::Job(j) => group.push(j),
                Message::Close(reply) => {
                    close = Some(reply);
                    break;
                }
            }
            if group.len() < MAX_GROUP {
                next = queue.try_recv().ok();
            }
        }
        if !group.is_empty() {
            commit_group(&mut tx, group);
        }
        if let Some(reply) = close {
            if let Tx::Sqlite(s) = &tx {
                let _ = s.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            let _ = reply.send(());
            return;
        }
    }
}

fn commit_group(tx: &mut Tx, group: Vec<Job>) {
    let Tx::Sqlite(s) = &*tx else { return };
    if let Err(e) = s.conn.execute_batch("BEGIN IMMEDIATE") {
        for job in group {
            let _ = job.reply.send(Err(group_failed(&e)));
        }
        return;
    }
    let mut done = Vec::with_capacity(group.len());
    for job in group {
        let result = match savepoint(tx, "SAVEPOINT job") {
            Err(e) => Err(e),
            Ok(()) => {
                let r = run_job(tx, job.run);
                let end = if r.is_ok() { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
                savepoint(tx, end).and(r)
            }
        };
        done.push((job.reply, result));
    }
    let Tx::Sqlite(s) = &*tx else { return };
    match s.conn.execute_batch("COMMIT") {
        Ok(()) => {
            for (reply, result) in done {
                let _ = reply.send(result);
            }
        }
        Err(e) => {
            let _ = s.conn.execute_batch("ROLLBACK");
            for (reply, result) in done {
                let _ = reply.send(result.and(Err(group_failed(&e))));
            }
        }
    }
}

fn savepoint(tx: &Tx, sql: &str) -> StoreResult<()> {
    match tx {
        Tx::Sqlite(s) => s.conn.execute_batch(sql).map_err(StoreError::Sqlite),
        _ => Ok(()),
    }
}

/// rusqlite errors are not `Clone`; a failed BEGIN or COMMIT is reported to every job of its group.
/// SQLite's own failures keep their code, so that "busy" (another process holds the write
/// lock) stays recognisable ([`StoreError::is_busy`]).
fn group_failed(e: &rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(*code, message.clone()))
        }
        other => StoreError::Io(format!("the database refused the transaction: {other}")),
    }
}

fn reader_loop(conn: Connection, queue: flume::Receiver<Message>, runtime: Option<tokio::runtime::Handle>) {
    let _guard = runtime.as_ref().map(|r| r.enter());
    let mut tx = Tx::Sqlite(SqliteTx { conn });
    while let Ok(m) = queue.recv() {
        match m {
            Message::Close(reply) => {
                let _ = reply.send(());
                return;
            }
            Message::Job(job) => {
                // One read transaction per job: every statement of it sees the same snapshot.
                let result = savepoint(&tx, "BEGIN").and_then(|()| {
                    let r = run_job(&mut tx, job.run);
                    savepoint(&tx, "COMMIT").and(r)
                });
                let _ = job.reply.send(result);
            }
        }
    }
}

/// SQL text for SQLite: `$N` placeholders as `?N` (the same parameter numbers).
pub(crate) fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    for c in sql.chars() {
        out.push(if c == '$' { '?' } else { c });
    }
    out
}

/// SQLite keeps times as text; one fixed format keeps text order equal to time order.
pub(crate) fn sqlite_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Bool(Some(b)) => ToSqlOutput::from(i64::from(*b)),
            Value::Int(Some(i)) => ToSqlOutput::from(*i),
            Value::Float(Some(f)) => ToSqlOutput::from(*f),
            Value::Text(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Date(Some(d)) => ToSqlOutput::from(d.format("%Y-%m-%d").to_string()),
            Value::Time(Some(t)) => ToSqlOutput::from(sqlite_time(*t)),
            Value::Bytes(Some(b)) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            _ => ToSqlOutput::Owned(rusqlite::types::Value::Null),
        })
    }
}

/// Decodes a row read by rusqlite (the PostgreSQL side decodes with `sqlx::FromRow`).
pub trait SqliteRecord: Sized {
    fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self>;
}

macro_rules! tuple_record {
    ($($t:ident $i:tt),+) => {
        impl<$($t: rusqlite::types::FromSql),+> SqliteRecord for ($($t,)+) {
            fn from_sqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
                Ok(($(row.get($i)?,)+))
            }
        }
    };
}

tuple_record!(A 0);
tuple_record!(A 0, B 1);
tuple_record!(A 0, B 1, C 2);
tuple_record!(A 0, B 1, C 2, D 3);

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_keep_their_numbers() {
        assert_eq!(super::sqlite_sql("SELECT $1, $12 FROM t WHERE a = $1"), "SELECT ?1, ?12 FROM t WHERE a = ?1");
    }
}
