//! From bytes to a grid of cells: CSV decoded (UTF-8, UTF-16 or GB18030) and split, or the
//! sheets of a workbook. Rows keep the numbers a spreadsheet shows them under.

use crate::error::FileError;
use crate::format::{Encoding, Limits};
use calamine::{Data, DataRef, Range, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rectify_domain::FileMeasure;
use std::borrow::Cow;
use std::io::Cursor;

/// One cell as the file holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A workbook cell formatted as a date or time (local time).
    When(NaiveDateTime),
    /// `#N/A`, `#REF!` …
    Error,
}

/// A CSV record and its row number as a spreadsheet shows it.
pub(crate) type NumberedRecord = (usize, csv::StringRecord);

/// The rows of one sheet, each with its number as a spreadsheet shows it (1-based, title rows
/// and blank rows counted).
pub(crate) enum Grid<'a> {
    Csv(&'a [NumberedRecord]),
    Book { first_row: usize, rows: Vec<&'a [Data]> },
}

impl<'a> Grid<'a> {
    pub(crate) fn book(range: &'a Range<Data>) -> Grid<'a> {
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        Grid::Book { first_row, rows: range.rows().collect() }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Grid::Csv(rows) => rows.len(),
            Grid::Book { rows, .. } => rows.len(),
        }
    }

    /// Row `i` of the grid: its spreadsheet number and its cells (into `cells`).
    pub(crate) fn row(&self, i: usize, cells: &mut Vec<Cell<'a>>) -> usize {
        cells.clear();
        match self {
            Grid::Csv(rows) => {
                let (number, record) = &rows[i];
                cells.extend(
                    record.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(crate::text::unguard(s)) }),
                );
                *number
            }
            Grid::Book { first_row, rows } => {
                cells.extend(rows[i].iter().map(cell));
                first_row + i + 1
            }
        }
    }
}

fn cell(data: &Data) -> Cell<'_> {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), mo.into(), day.into())
                .and_then(|date| date.and_hms_opt(h.into(), mi.into(), s.into()))
                // Whole seconds, as everywhere else.
                .map(|t| if ms >= 500 { t + TimeDelta::seconds(1) } else { t })
                .map_or(Cell::Float(d.as_f64()), Cell::When)
        }
        Data::DateTime(d) => Cell::Float(d.as_f64()),
        Data::Error(_) => Cell::Error,
    }
}

/// Whether the bytes are a workbook (a zip, as `.xlsx`, or an OLE file, as `.xls`), whatever
/// the file was called.
pub(crate) fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// An open workbook and the sheets worth looking at (visible worksheets, in order). Only
/// Office Open XML workbooks (`.xlsx`, `.xlsm`) are read: their cells stream, so a sheet is
/// bounded while it is read. The old binary `.xls` reserves a declared range up front (a
/// forged one aborts the process), so it is refused with a way out.
pub(crate) struct Book<'b> {
    sheets: Xlsx<Cursor<&'b [u8]>>,
    pub names: Vec<String>,
}

impl<'b> Book<'b> {
    pub(crate) fn open(bytes: &'b [u8], limits: Limits) -> Result<Book<'b>, FileError> {
        if !bytes.starts_with(b"PK\x03\x04") {
            return Err(FileError::NotASpreadsheet(
                "an old Excel 97-2003 (.xls) workbook: save it as .xlsx (Excel workbook) and import that".into(),
            ));
        }
        unpacked_within(bytes, limits)?;
        let sheets: Xlsx<_> =
            calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::NotASpreadsheet(e.to_string()))?;
        let meta = sheets.sheets_metadata();
        let visible: Vec<String> = meta
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
            .map(|s| s.name.clone())
            .collect();
        // A workbook whose every sheet is hidden is still read.
        let names = if visible.is_empty() { meta.iter().map(|s| s.name.clone()).collect() } else { visible };
        Ok(Book { sheets, names })
    }

    /// A sheet's used range, streamed cell by cell: refused as soon as its non-empty cells, or
    /// the rows × columns they span, pass `limits.max_cells` — before anything that size is
    /// allocated. (calamine's own `worksheet_range` allocates the whole span at once.)
    pub(crate) fn range(&mut self, name: &str, limits: Limits) -> Result<Range<Data>, FileError> {
        let unreadable = |e: XlsxError| FileError::Unreadable(format!("sheet {name}: {e}"));
        let mut reader = match self.sheets.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(Range::default()),
            Err(e) => return Err(unreadable(e)),
        };
        let too_large = FileError::TooLarge { measure: FileMeasure::Cells, max: limits.max_cells };
        let max = limits.max_cells as u64;
        let (mut top, mut bottom, mut left, mut right) = (u32::MAX, 0, u32::MAX, 0);
        let mut cells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let (row, col) = cell.get_position();
            (top, bottom, left, right) = (top.min(row), bottom.max(row), left.min(col), right.max(col));
            let span = u64::from(bottom - top + 1) * u64::from(right - left + 1);
            // A cell written twice at one place adds to the list, not to the span.
            if span > max || cells.len() as u64 >= max {
                return Err(too_large);
            }
            cells.push(calamine::Cell::new((row, col), Data::from(cell.get_value().clone())));
        }
        Ok(Range::from_sparse(cells))
    }
}

/// Refuses a workbook whose parts declare more than `Limits::max_unpacked` in all, before any is
/// unpacked: the shared strings are held in memory whole. The zip reader stops a part at the
/// size it declares, so the declarations bound what is read.
fn unpacked_within(bytes: &[u8], limits: Limits) -> Result<(), FileError> {
    let not_a_zip = |e: zip::result::ZipError| FileError::NotASpreadsheet(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_a_zip)?;
    let max = limits.max_unpacked(bytes.len());
    let mut total = 0u64;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).map_err(not_a_zip)?.size());
        if total > max {
            return Err(FileError::TooLarge { measure: FileMeasure::Unpacked, max: max as usize });
        }
    }
    Ok(())
}

/// A CSV file's rows, numbered as a spreadsheet shows them, and the encoding it was read in.
/// Its cells are counted before it is parsed: a line of ten million commas is ten million
/// fields, refused beyond `limits.max_cells` rather than held.
pub(crate) fn csv_rows(
    bytes: &[u8],
    encoding: Encoding,
    limits: Limits,
) -> Result<(Vec<NumberedRecord>, &'static str), FileError> {
    let (text, used) = decode(bytes, encoding)?;
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    let delimiter = delimiter(&text);
    if fields_at_most(text.as_bytes(), delimiter) > limits.max_cells as u64 {
        return Err(FileError::TooLarge { measure: FileMeasure::Cells, max: limits.max_cells });
    }
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // A spreadsheet numbers records (a quoted cell with line breaks is one row) and counts
    // blank lines, which the csv reader skips: count the line breaks before each record's
    // first byte, less those inside earlier cells.
    let bytes = text.as_bytes();
    let (mut rows, mut scanned, mut breaks, mut inside) = (Vec::new(), 0usize, 0usize, 0usize);
    loop {
        let mut start = reader.position().byte() as usize;
        let mut record = csv::StringRecord::new();
        if !reader.read_record(&mut record).map_err(|e| FileError::Unreadable(e.to_string()))? {
            break;
        }
        start += bytes[start.min(bytes.len())..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        breaks += bytes[scanned..start].iter().filter(|b| **b == b'\n').count();
        scanned = start;
        rows.push((breaks + 1 - inside.min(breaks), record));
        inside += rows.last().map_or(0, |(_, r)| r.iter().map(|f| f.matches('\n').count()).sum());
    }
    Ok((rows, used))
}

/// An upper bound of the fields the CSV parser will make of `text`, counted without holding
/// any: the parser's own states (a quote opens a quoted cell only at a cell's start; `""`
/// inside one is a quote; elsewhere a quote is text), one field per separator or line break
/// outside a quoted cell, plus one.
fn fields_at_most(text: &[u8], delimiter: u8) -> u64 {
    #[derive(PartialEq)]
    enum At {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::Start;
    let mut fields = 1u64;
    for (i, &b) in text.iter().enumerate() {
        // `\r\n` is one line break.
        let ends = b == delimiter || b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n'));
        at = match at {
            At::Quoted if b == b'"' => At::QuoteInQuoted,
            At::Quoted => At::Quoted,
            At::QuoteInQuoted if b == b'"' => At::Quoted,
            At::Start if b == b'"' => At::Quoted,
            _ if ends => {
                fields += 1;
                At::Start
            }
            _ if b == b'\r' => At::Start,
            _ => At::Unquoted,
        };
    }
    fields
}

/// `,`, unless the first line with any separator (the header, or a title row Excel padded
/// with separators) has no comma: then a tab, else `;`.
fn delimiter(text: &str) -> u8 {
    let line = text.lines().take(20).find(|l| l.contains([',', '\t', ';'])).unwrap_or("");
    if line.contains(',') {
        b','
    } else if line.contains('\t') {
        b'\t'
    } else if line.contains(';') {
        b';'
    } else {
        b','
    }
}

/// The text of a CSV file. A byte-order mark always decides (it cannot be mistaken); without
/// one, the caller's encoding, or UTF-8 when the bytes are valid UTF-8 and GB18030 otherwise.
fn decode(bytes: &[u8], encoding: Encoding) -> Result<(Cow<'_, str>, &'static str), FileError> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        let name = if enc == encoding_rs::UTF_8 { "utf-8" } else { "utf-16" };
        return if bad { Err(not_in(name)) } else { Ok((text, name)) };
    }
    if bytes.iter().take(4096).any(|b| *b == 0) {
        return Err(FileError::NotASpreadsheet("binary data, neither a workbook nor text".into()));
    }
    let utf8 = std::str::from_utf8(bytes);
    match (encoding, utf8) {
        (Encoding::Auto | Encoding::Utf8, Ok(text)) => Ok((Cow::Borrowed(text), "utf-8")),
        (Encoding::Utf8, Err(_)) => Err(FileError::Unreadable("the file is not UTF-8 (try --encoding gbk)".into())),
        (Encoding::Auto | Encoding::Gb18030, _) => {
            let (text, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if bad { Err(not_in("gb18030")) } else { Ok((text, "gb18030")) }
        }
    }
}

fn not_in(encoding: &str) -> FileError {
    FileError::Unreadable(format!("the text is not valid {encoding}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &[u8]) -> Vec<(usize, Vec<String>)> {
        let (rows, _) = csv_rows(bytes, Encoding::Auto, Limits::default()).unwrap();
        rows.into_iter().map(|(n, r)| (n, r.iter().map(str::to_owned).collect())).collect()
    }

    #[test]
    fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
        let text = "标题\r\n\r\n编号,问题描述\r\n1,\"两行\n文字\"\r\n\r\n2,三\r\n";
        let got: Vec<usize> = rows(text.as_bytes()).into_iter().map(|(n, _)| n).collect();
        assert_eq!(got, vec![1, 3, 4, 6]);
    }

    #[test]
    fn encodings_are_detected() {
        let text = "编号,问题描述\n1,窗口服务态度差\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        for (bytes, want) in [
            (text.as_bytes().to_vec(), "utf-8"),
            ([b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(), "utf-8"),
            (gbk.into_owned(), "gb18030"),
        ] {
            let (rows, used) = csv_rows(&bytes, Encoding::Auto, Limits::default()).unwrap();
            assert_eq!(used, want);
            assert_eq!(&rows[1].1[1], "窗口服务态度差");
            assert_eq!(&rows[0].1[0], "编号");
        }
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(csv_rows(&utf16, Encoding::Auto, Limits::default()).unwrap().1, "utf-16");
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert!(matches!(csv_rows(&gbk, Encoding::Utf8, Limits::default()), Err(FileError::Unreadable(_))));
        assert_eq!(csv_rows(&gbk, Encoding::Gb18030, Limits::default()).unwrap().1, "gb18030");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(15), ..Default::default() })]

        /// The count that guards the parser never says less than the parser makes.
        #[test]
        fn the_field_count_bounds_the_parser(text in "[,;\t\"\r\n ab]{0,80}") {
            let bytes = text.as_bytes();
            let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter(&text)).from_reader(bytes);
            let parsed: u64 = reader.records().map(|r| r.map_or(0, |r| r.len() as u64)).sum();
            proptest::prop_assert!(parsed <= fields_at_most(bytes, delimiter(&text)), "{parsed} fields from {text:?}");
        }
    }

    #[test]
    fn a_quote_inside_a_cell_does_not_hide_separators() {
        let text = format!("a\"b{}\n", ",".repeat(100));
        assert!(fields_at_most(text.as_bytes(), b',') >= 101);
        assert_eq!(fields_at_most(b"\"a,b\",c\r\nd,\"e\"\"f,\"", b','), 4);
    }

    #[test]
    fn delimiters() {
        assert_eq!(rows("a;b\n1;2\n".as_bytes())[1].1, vec!["1", "2"]);
        assert_eq!(rows("a\tb\n1\t2,5\n".as_bytes())[1].1, vec!["1", "2,5"]);
        assert_eq!(rows("a,b\n1\t2,5\n".as_bytes())[1].1, vec!["1\t2", "5"]);
        assert_eq!(rows("a\tb\n1\t2\n".as_bytes())[1].1, vec!["1", "2"]);
    }
}
