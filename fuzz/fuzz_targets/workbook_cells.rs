//! Well-formed workbooks with cells anywhere on the sheet (up to XFD1048576), numbers, dates,
//! formulas and text: the shapes random bytes rarely reach. Each is written with
//! rust_xlsxwriter and read back; a sheet whose used range passes the cell limit must be
//! refused before it is allocated, which the fuzzer's memory limit (-rss_limit_mb) enforces.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use rectify_domain::exchange::ImportKind;
use rectify_exchange::{Encoding, Format, Limits, Mapping, read};
use rust_xlsxwriter::Workbook;

#[derive(Debug, Arbitrary)]
enum Value {
    Text(String),
    Number(f64),
    Date { serial: f64 },
    Formula(String),
    Bool(bool),
}

#[derive(Debug, Arbitrary)]
struct Cell {
    row: u32,
    col: u16,
    value: Value,
}

#[derive(Debug, Arbitrary)]
struct Book {
    kind: u8,
    sheets: Vec<Vec<Cell>>,
}

fuzz_target!(|book: Book| {
    let mut workbook = Workbook::new();
    for cells in book.sheets.iter().take(3) {
        let sheet = workbook.add_worksheet();
        for cell in cells.iter().take(64) {
            let (row, col) = (cell.row % 1_048_576, cell.col % 16_384);
            let _ = match &cell.value {
                Value::Text(s) => sheet.write_string(row, col, s).map(|_| ()),
                Value::Number(n) => sheet.write_number(row, col, *n).map(|_| ()),
                Value::Date { serial } => {
                    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                    sheet.write_number_with_format(row, col, *serial, &format).map(|_| ())
                }
                Value::Formula(f) => sheet.write_formula(row, col, f.as_str()).map(|_| ()),
                Value::Bool(b) => sheet.write_boolean(row, col, *b).map(|_| ()),
            };
        }
    }
    let Ok(bytes) = workbook.save_to_buffer() else { return };
    let kind =
        [ImportKind::Problems, ImportKind::Cases, ImportKind::Units, ImportKind::People][usize::from(book.kind % 4)];
    let limits = Limits { max_bytes: 1 << 20, max_cells: 20_000 };
    let _ = read(&bytes, Format::Xlsx, Encoding::Auto, kind, &Mapping::default(), limits);
});
