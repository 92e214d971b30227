//! Replays the fuzz seeds (fuzz/seeds: real ledgers, message exports, the whole-sheet bomb and
//! every input a fuzz run once crashed on) through the readers as the fuzz targets do, so a
//! regression shows in the ordinary test run, without the fuzzing toolchain.

use rectify_domain::exchange::ImportKind;
use rectify_exchange::{Encoding, Format, Limits, Mapping, read};
use std::path::Path;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds in {}", dir.display());
    files
}

const KINDS: [ImportKind; 4] = [ImportKind::Problems, ImportKind::Cases, ImportKind::Units, ImportKind::People];
const LIMITS: Limits = Limits { max_bytes: 1 << 20, max_cells: 20_000 };

#[test]
fn every_workbook_seed_reads_to_rows_or_a_typed_error() {
    for (name, bytes) in seeds("workbook") {
        for kind in KINDS {
            let result = read(&bytes, Format::Xlsx, Encoding::Auto, kind, &Mapping::default(), LIMITS);
            if name == "whole-sheet.xlsx" {
                assert!(result.is_err(), "{name} spans the whole sheet and must be refused");
            }
        }
    }
    // The office ledger is a real one: it reads to rows.
    let ledger = seeds("workbook").into_iter().find(|(name, _)| name == "ledger.xlsx").unwrap().1;
    let parsed =
        read(&ledger, Format::Xlsx, Encoding::Auto, ImportKind::Problems, &Mapping::default(), LIMITS).unwrap();
    assert_eq!(parsed.records.len(), 3, "{:?}", parsed.errors);
}

#[test]
fn every_csv_seed_reads_to_rows_or_a_typed_error() {
    // As the csv target: the first byte picks the encoding and the kind.
    for (_, input) in seeds("csv") {
        let (&pick, bytes) = input.split_first().unwrap();
        let encoding = [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030][usize::from(pick % 3)];
        let _ = read(bytes, Format::Csv, encoding, KINDS[usize::from(pick / 3 % 4)], &Mapping::default(), LIMITS);
    }
}
