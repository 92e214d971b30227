use rectify_domain::DomainError;

/// Failures of the store: the domain's own refusals, passed through untouched, and
/// infrastructure failures, which the edge logs and reports as a 500 without details.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("encoding a value: {0}")]
    Encode(String),
    #[error("{0}")]
    Io(String),
    /// The keyring cannot open a sealed value (a missing or wrong key).
    #[error("citizens' details: {0}")]
    Vault(#[from] rectify_vault::VaultError),
    /// A stored value the code does not understand (an unknown state name, bad JSON).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// An import that was checked and rolled back (a dry run, or rows in error): the job fails
    /// so that nothing it wrote is kept, and carries its report out.
    #[error("the import was checked and nothing was written")]
    ImportDiscarded(Box<rectify_domain::exchange::ImportReport>),
}

impl StoreError {
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.extended_code,
                rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            ),
            _ => false,
        }
    }

    /// The database could not take the write in time (SQLite busy or locked by another process;
    /// a PostgreSQL lock timeout, serialization failure or deadlock): nothing was written and the
    /// same request may succeed a moment later.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            }
            StoreError::Database(sqlx::Error::Database(e)) => {
                matches!(e.code().as_deref(), Some("55P03" | "40001" | "40P01"))
            }
            _ => false,
        }
    }

    pub fn domain(&self) -> Option<&DomainError> {
        match self {
            StoreError::Domain(e) => Some(e),
            _ => None,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Parses a stored enum name, reporting corruption instead of panicking.
pub(crate) fn parse_stored<T>(what: &str, value: &str, parse: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown {what} {value:?}")))
}
