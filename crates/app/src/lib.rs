//! The application layer: the use cases the edges share. The HTTP edge (`rectify-web`: the API
//! and the pages) and the terminal edge (`rectify-cli`) both call these, so an import, an export
//! or a bulletin's document is one path whichever edge it comes through. Nothing here knows HTTP
//! or the terminal: requests come in as domain values or name/value pairs, answers go out as
//! values, bytes and [`AppError`].

pub mod documents;
pub mod exports;
pub mod filters;
pub mod imports;
pub mod params;

pub use params::Params;

use rectify_domain::DomainError;
use rectify_store::StoreError;

/// A use case's failure: what the store or the domain refused, or a failure of the program
/// itself (a worker thread that died, a renderer that failed), which the edges report without
/// blaming the input.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Store(StoreError::Domain(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A file a use case wrote: the name an office files it under, its media type, its bytes.
pub struct File {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Runs CPU work (reading a workbook, writing one, laying out a document) off the async threads.
async fn blocking<T: Send + 'static>(what: &str, work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("{what}: {e}")))
}
