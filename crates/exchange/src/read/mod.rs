//! Reading a file: bytes → grid → header row → records and row errors.

mod header;
mod records;
mod row;
mod source;

use crate::error::FileError;
use crate::format::{Encoding, Format, Limits, Mapping};
use header::Headers;
use rectify_domain::exchange::{ImportKind, Records, RowError};
use source::{Book, Grid};

/// What a file holds, as far as the file alone can tell.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Every non-blank row under the header, in file order. A row with a bad cell is here too,
    /// that field left empty, and its error is in `errors`.
    pub records: Records,
    /// One per bad cell, in row order.
    pub errors: Vec<RowError>,
    /// Headers that name nothing this kind of file has (`反对数`, `点赞数`), as written: a dry
    /// run says they were not imported.
    pub ignored_columns: Vec<String>,
    /// The header's row as the spreadsheet numbers it (title rows counted).
    pub header_row: usize,
    /// The sheet read, for a workbook.
    pub sheet: Option<String>,
    /// The text encoding a CSV file was read in (`utf-8`, `utf-16`, `gb18030`); empty for a
    /// workbook.
    pub encoding: &'static str,
    /// Each field read, by its name (`unit`, `deadline`), with its header as the file writes it:
    /// errors found later, by the store, name the column as the file does.
    pub headers: std::collections::BTreeMap<String, String>,
}

/// Reads a file of one kind. `format` comes from the file's name, but the bytes have the last
/// word: a workbook named `.csv` is read as a workbook. `encoding` matters for CSV only. A
/// file beyond `limits` is refused before its cells are held.
pub fn read(
    bytes: &[u8],
    format: Format,
    encoding: Encoding,
    kind: ImportKind,
    mapping: &Mapping,
    limits: Limits,
) -> Result<Parsed, FileError> {
    if bytes.len() > limits.max_bytes {
        return Err(FileError::TooLarge { measure: rectify_domain::FileMeasure::Bytes, max: limits.max_bytes });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    let headers = Headers::new(kind, mapping)?;
    if source::is_workbook(bytes) {
        return read_book(bytes, kind, &headers, limits);
    }
    if format == Format::Xlsx {
        return Err(FileError::NotASpreadsheet("the file is not an Excel workbook".into()));
    }
    let (rows, encoding) = source::csv_rows(bytes, encoding, limits)?;
    let grid = Grid::Csv(&rows);
    let layout = headers.find(&grid)?;
    Ok(parsed(kind, &grid, layout, None, encoding))
}

/// The first visible sheet with a header row of the kind is read.
fn read_book(bytes: &[u8], kind: ImportKind, headers: &Headers, limits: Limits) -> Result<Parsed, FileError> {
    let mut book = Book::open(bytes, limits)?;
    let mut first_error = None;
    for name in book.names.clone() {
        let range = book.range(&name, limits)?;
        let grid = Grid::book(&range);
        match headers.find(&grid) {
            Ok(layout) => return Ok(parsed(kind, &grid, layout, Some(name), "")),
            // A sheet with no header may sit before the ledger (说明, 填报要求): go on.
            Err(e @ FileError::NoHeaderRow { .. }) => {
                first_error.get_or_insert(e);
            }
            Err(FileError::Empty) => {}
            Err(e) => return Err(e),
        }
    }
    Err(first_error.unwrap_or(FileError::Empty))
}

fn parsed(
    kind: ImportKind,
    grid: &Grid<'_>,
    layout: header::Layout,
    sheet: Option<String>,
    encoding: &'static str,
) -> Parsed {
    let (records, errors) = records::build(kind, grid, &layout);
    let headers = layout.columns.iter().map(|b| (b.key.as_str().to_owned(), b.header.clone())).collect();
    Parsed { records, errors, ignored_columns: layout.ignored, header_row: layout.header_row, sheet, encoding, headers }
}
