//! Rectify's full-text index: tantivy over jieba segmentation with traditional/full-width
//! folding. It knows documents, queries and who may see what only as unit ids and a public flag;
//! the store feeds it and decides the visibility (see docs/ARCHITECTURE.md, "Search").

pub mod dictionary;
pub mod feed;
pub mod fold;
mod forward;
pub mod index;
pub mod query;
pub mod schema;
pub mod search;
pub mod similar;
pub mod tokenizer;

pub use feed::FeedCursor;
pub use index::{Change, IndexStatus, Rebuild, Rebuilt, SearchError, SearchIndex, SearchResult};
pub use schema::Document;
pub use search::{Answer, Bucket, Facets, Hit, Request, Sees, Visibility};
pub use similar::{LikeThis, Similar};
