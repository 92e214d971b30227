//! What makes a whole file unusable. A wrong cell is not this: it is a `RowError`, and every
//! row is still read.

/// A column by its field and the header an export gives it (`问题描述 (description)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
}

impl std::fmt::Display for Column {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.header, self.field)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty")]
    Empty,
    #[error("not a spreadsheet: {0}")]
    NotASpreadsheet(String),
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
    /// No row among the first rows names at least two known columns.
    #[error(
        "no header row found in the first {searched} rows: expected headers such as {}; the file has {}",
        .expected.join("、"),
        if .seen.is_empty() { "no text in its first rows".to_owned() } else { .seen.join("、") }
    )]
    NoHeaderRow { searched: usize, expected: Vec<String>, seen: Vec<String> },
    #[error("required column missing: {}", join(.0))]
    MissingColumns(Vec<Column>),
    /// `--map 列名=field` names a field this kind of file does not have.
    #[error("--map {header}={field}: no such field; the fields are {}", .known.join(", "))]
    UnknownField { header: String, field: String, known: Vec<String> },
    /// `--map 列名=field` names a header that is not in the file's header row.
    #[error("--map {header}={field}: the header row (row {header_row}) has no column {header}")]
    MappedHeaderNotFound { header: String, field: String, header_row: usize },
    #[error("--map {0}: expected 列名=field")]
    BadMapping(String),
    /// Beyond an import limit (`Limits`): refused before it is read into memory.
    #[error("the file is too large: more than {max} {}", match .measure { rectify_domain::FileMeasure::Bytes => "bytes", rectify_domain::FileMeasure::Cells => "cells (rows × columns)", rectify_domain::FileMeasure::Unpacked => "bytes unpacked" })]
    TooLarge { measure: rectify_domain::FileMeasure, max: usize },
    #[error("the file cannot be written: {0}")]
    Write(String),
}

fn join(columns: &[Column]) -> String {
    columns.iter().map(Column::to_string).collect::<Vec<_>>().join(", ")
}
