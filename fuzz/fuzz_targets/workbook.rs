//! Any bytes, read as an uploaded workbook (.xlsx, .xlsm, .xls) of each kind: rows or a typed
//! error. Seeded with real workbooks (fuzz/seeds/workbook), so the fuzzer mutates zips and XML
//! that get past the first checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rectify_domain::exchange::ImportKind;
use rectify_exchange::{Encoding, Format, Limits, Mapping, read};

fuzz_target!(|bytes: &[u8]| {
    // Small limits keep each run fast and make the limit checks themselves the target.
    let limits = Limits { max_bytes: 1 << 20, max_cells: 20_000 };
    for kind in [ImportKind::Problems, ImportKind::Cases, ImportKind::Units, ImportKind::People] {
        let _ = read(bytes, Format::Xlsx, Encoding::Auto, kind, &Mapping::default(), limits);
    }
});
