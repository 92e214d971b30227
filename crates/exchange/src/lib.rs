//! Spreadsheets in and out (台账导入导出): the files offices keep their ledgers in, read into
//! the domain's import records with an error per bad cell, and the records written back as
//! `.xlsx` or `.csv` with the same headers. No database here: the store resolves references
//! and writes; this crate only knows files.
//!
//! One table of columns per kind (`fields`) serves both directions, so an exported file
//! imports back unchanged.

mod cells;
mod dates;
mod error;
mod fields;
mod format;
mod read;
mod text;
mod words;
mod write;

pub use error::{Column, FileError};
pub use format::{Encoding, Format, Limits, Mapping};
pub use read::{Parsed, read};
pub use write::write;
