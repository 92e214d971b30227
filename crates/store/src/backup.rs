//! Online backup and restore of the SQLite store. The database holds everything, attachments
//! included (`attachment_blobs`), so a backup is one SQLite file: `VACUUM INTO` from a separate
//! read connection copies one consistent snapshot while the server keeps writing (WAL). On
//! PostgreSQL, `pg_dump` / `pg_restore` do the same job (docs/OPERATIONS.md).

use crate::error::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// The database file inside a data directory.
pub const DB_FILE: &str = "rectify.db";

/// What a backup or restore copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub bytes: u64,
    pub problems: i64,
    pub cases: i64,
    pub attachments: i64,
    pub audit_entries: i64,
}

fn io(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(format!("{}: {e}", path.display()))
}

fn report(conn: &Connection, file: &Path) -> StoreResult<BackupReport> {
    let count = |table: &str| -> StoreResult<i64> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(BackupReport {
        bytes: std::fs::metadata(file).map_err(|e| io(file, e))?.len(),
        problems: count("problems")?,
        cases: count("cases")?,
        // Files as people attached them; identical files share one stored blob.
        attachments: count("attachments")?,
        audit_entries: count("audit_log")?,
    })
}

/// Creates `path` readable and writable by its owner only (0600): it holds citizens' sealed
/// details and the staff's password hashes. Fails if it exists.
pub fn create_private(path: &Path) -> StoreResult<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| io(path, e))
}

/// Writes `bytes` to a new private file (0600).
pub fn write_private(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    use std::io::Write;
    let mut f = create_private(path)?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| io(path, e))
}

/// Checks that `file` is a whole, uncorrupted Rectify database.
fn check(conn: &Connection, file: &Path) -> StoreResult<()> {
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(io(file, format!("integrity check failed: {ok}")));
    }
    let has_schema: i64 =
        conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'", [], |r| {
            r.get(0)
        })?;
    if has_schema == 0 {
        return Err(io(file, "not a Rectify database"));
    }
    Ok(())
}

/// Writes a consistent copy of the store in `data_dir` to `dest` (which must not exist), while
/// the server may be running.
pub fn backup_sqlite(data_dir: &Path, dest: &Path) -> StoreResult<BackupReport> {
    let source = data_dir.join(DB_FILE);
    if !source.exists() {
        return Err(io(&source, "no database here"));
    }
    if dest.exists() {
        return Err(io(dest, "already exists; a backup never overwrites"));
    }
    let conn =
        Connection::open_with_flags(&source, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let dest_str = dest.to_str().ok_or_else(|| io(dest, "the path is not UTF-8"))?;
    // VACUUM INTO fills an empty file and keeps its mode.
    create_private(dest)?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [dest_str]) {
        let _ = std::fs::remove_file(dest);
        return Err(e.into());
    }
    let copy = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    check(&copy, dest)?;
    report(&copy, dest)
}

/// Puts the backup `file` in place as the database of `data_dir`, which must hold no database
/// yet. The copy is checked before it is used.
pub fn restore_sqlite(file: &Path, data_dir: &Path) -> StoreResult<BackupReport> {
    let target = data_dir.join(DB_FILE);
    if target.exists() {
        return Err(io(&target, "a database is already here; restore only into an empty data directory"));
    }
    {
        let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| io(file, e))?;
        check(&conn, file)?;
    }
    std::fs::create_dir_all(data_dir).map_err(|e| io(data_dir, e))?;
    // Copy to a temporary name first: a crash half-way leaves no half database under the real one.
    let partial = data_dir.join(format!("{DB_FILE}.restoring"));
    let _ = std::fs::remove_file(&partial);
    let mut to = create_private(&partial)?;
    let mut from = std::fs::File::open(file).map_err(|e| io(file, e))?;
    std::io::copy(&mut from, &mut to).and_then(|_| to.sync_all()).map_err(|e| io(&partial, e))?;
    std::fs::rename(&partial, &target).map_err(|e| io(&target, e))?;
    let conn = Connection::open_with_flags(&target, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    report(&conn, &target)
}
