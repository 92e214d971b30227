//! Writing a file: records → a table of typed values → `.xlsx` or `.csv`.

mod csv;
mod table;
mod xlsx;

use crate::error::FileError;
use crate::format::Format;
use rectify_domain::exchange::Lines;

/// Writes one kind of record as a file. For cases without `contacts`, the citizen's name and
/// phone columns are left out altogether.
pub fn write(lines: &Lines, format: Format) -> Result<Vec<u8>, FileError> {
    let table = table::of(lines);
    match format {
        Format::Xlsx => xlsx::write(&table),
        Format::Csv => csv::write(&table),
    }
}
