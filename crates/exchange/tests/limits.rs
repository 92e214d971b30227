//! Hostile files: a tiny workbook that spans the whole sheet, a CSV of commas, an old binary
//! workbook. Each is refused with the limit it broke, before its cells are held in memory, and
//! no file — however mangled — crashes the reader.

use proptest::prelude::*;
use rectify_domain::FileMeasure;
use rectify_domain::exchange::ImportKind;
use rectify_exchange::{Encoding, FileError, Format, Limits, Mapping, Parsed, read};
use rust_xlsxwriter::Workbook;

fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (row, col, text) in cells {
        sheet.write_string(*row, *col, *text).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn read_with(bytes: &[u8], format: Format, limits: Limits) -> Result<Parsed, FileError> {
    read(bytes, format, Encoding::Auto, ImportKind::Problems, &Mapping::default(), limits)
}

const CELLS: FileError = FileError::TooLarge { measure: FileMeasure::Cells, max: Limits::DEFAULT_MAX_CELLS };

#[test]
fn a_workbook_spanning_the_whole_sheet_is_refused_not_allocated() {
    // A1 and XFD1048576: 1.5 KB on disk, 17 billion cells as a dense range (512 GiB).
    let bomb = xlsx(&[(0, 0, "编号"), (0, 1, "问题描述"), (1_048_575, 16_383, "x")]);
    assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
    assert_eq!(read_with(&bomb, Format::Xlsx, Limits::default()).unwrap_err(), CELLS);
    // XFD2000 took 1 GB.
    let wide = xlsx(&[(0, 0, "编号"), (0, 1, "问题描述"), (1999, 16_383, "x")]);
    assert_eq!(read_with(&wide, Format::Xlsx, Limits::default()).unwrap_err(), CELLS);
    // The message names the limit.
    assert!(CELLS.to_string().contains("2000000"), "{CELLS}");
}

/// A valid workbook whose shared strings are `size` bytes of one letter: a few KB packed.
fn zip_bomb(size: usize) -> Vec<u8> {
    use std::io::{Read, Write};
    let valid = xlsx(&[(0, 0, "编号"), (0, 1, "问题描述"), (0, 2, "责任单位")]);
    let mut source = zip::ZipArchive::new(std::io::Cursor::new(valid)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..source.len() {
        let mut part = source.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        if name == "xl/sharedStrings.xml" {
            let head = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>编号</t></si><si><t>问题描述</t></si><si><t>责任单位</t></si><si><t>"#;
            content = [head.as_bytes(), &vec![b'a'; size], b"</t></si></sst>"].concat();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_workbook_that_unpacks_a_thousandfold_is_refused_before_it_is_unpacked() {
    let bomb = zip_bomb(50 * 1024 * 1024);
    assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
    let err = read_with(&bomb, Format::Xlsx, Limits::default()).unwrap_err();
    assert!(matches!(err, FileError::TooLarge { measure: FileMeasure::Unpacked, .. }), "{err}");
    // The same shape at an ordinary size reads.
    let fine = zip_bomb(1000);
    assert!(read_with(&fine, Format::Xlsx, Limits::default()).is_ok());
}

#[test]
fn the_cell_limit_is_a_setting() {
    let ledger = xlsx(&[
        (0, 0, "编号"),
        (0, 1, "问题描述"),
        (0, 2, "责任单位"),
        (1, 0, "1"),
        (1, 1, "纸杯"),
        (1, 2, "区水务局"),
    ]);
    assert_eq!(read_with(&ledger, Format::Xlsx, Limits::default()).unwrap().records.len(), 1);
    let tight = Limits { max_cells: 5, ..Limits::default() };
    assert_eq!(
        read_with(&ledger, Format::Xlsx, tight).unwrap_err(),
        FileError::TooLarge { measure: FileMeasure::Cells, max: 5 }
    );
    let csv = "编号,问题描述,责任单位\n1,纸杯,区水务局\n";
    assert_eq!(read_with(csv.as_bytes(), Format::Csv, Limits::default()).unwrap().records.len(), 1);
    assert_eq!(
        read_with(csv.as_bytes(), Format::Csv, tight).unwrap_err(),
        FileError::TooLarge { measure: FileMeasure::Cells, max: 5 }
    );
    let small = Limits { max_bytes: 10, ..Limits::default() };
    assert_eq!(
        read_with(csv.as_bytes(), Format::Csv, small).unwrap_err(),
        FileError::TooLarge { measure: FileMeasure::Bytes, max: 10 }
    );
}

#[test]
fn a_csv_of_commas_is_refused_before_it_is_parsed() {
    // 10 MB of commas is ten million empty fields.
    let commas = vec![b','; 10 * 1024 * 1024];
    assert_eq!(read_with(&commas, Format::Csv, Limits::default()).unwrap_err(), CELLS);
    // Commas inside quotes are text, not fields: one long cell reads.
    let quoted = format!("编号,问题描述,责任单位\n1,\"{}\",区水务局\n", ",".repeat(3_000_000));
    let p = read_with(quoted.as_bytes(), Format::Csv, Limits::default()).unwrap();
    assert_eq!(p.records.len(), 1);
}

#[test]
fn an_old_binary_workbook_is_refused_with_a_way_out() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0u8; 4096]);
    let err = read_with(&ole, Format::Xlsx, Limits::default()).unwrap_err();
    assert!(matches!(&err, FileError::NotASpreadsheet(m) if m.contains(".xlsx")), "{err}");
}

/// Fuzzing in the ordinary test suite (cargo-fuzz needs a nightly toolchain): a few hundred
/// deterministic cases of workbooks with cells anywhere, mangled workbooks, CSV made of
/// separators, quotes and line breaks, and raw bytes. The reader must answer each with records
/// or a `FileError` — never a panic, never an allocation beyond the limit.
mod fuzz {
    use super::*;

    /// Fixed seed, no saved failures: the same cases on every run.
    fn config(cases: u32) -> ProptestConfig {
        ProptestConfig {
            cases,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(15),
            ..ProptestConfig::default()
        }
    }

    fn limits() -> Limits {
        Limits { max_bytes: 1 << 20, max_cells: 10_000 }
    }

    proptest! {
        // Writing a workbook is the slow part (a quarter second unoptimised).
        #![proptest_config(config(32))]

        #[test]
        fn workbooks_with_cells_anywhere(cells in prop::collection::vec((0u32..1_048_576, 0u16..16_384, "[编号问题描述a-z0-9 ]{0,6}"), 0..12)) {
            let mut all: Vec<(u32, u16, &str)> = vec![(0, 0, "编号"), (0, 1, "问题描述")];
            all.extend(cells.iter().map(|(r, c, t)| (*r, *c, t.as_str())));
            let bytes = xlsx(&all);
            let _ = read_with(&bytes, Format::Xlsx, limits());
        }
    }

    proptest! {
        #![proptest_config(config(192))]

        #[test]
        fn mangled_workbooks(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)) {
            let mut bytes = xlsx(&[(0, 0, "编号"), (0, 1, "问题描述"), (1, 0, "1"), (1, 1, "纸杯")]);
            for (at, byte) in flips {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            let _ = read_with(&bytes, Format::Xlsx, limits());
        }

        #[test]
        fn csv_of_separators_quotes_and_breaks(text in "[,;\t\"\r\n a编号问题描述]{0,2000}") {
            let _ = read_with(text.as_bytes(), Format::Csv, limits());
        }

        #[test]
        fn raw_bytes(prefix in prop::sample::select(vec![&b""[..], b"PK\x03\x04", b"\xEF\xBB\xBF", b"\xFF\xFE"]), rest in prop::collection::vec(any::<u8>(), 0..4096)) {
            let bytes = [prefix, rest.as_slice()].concat();
            let _ = read_with(&bytes, Format::Csv, limits());
            let _ = read_with(&bytes, Format::Xlsx, limits());
        }
    }
}
