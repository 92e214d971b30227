//! Any bytes, read as an uploaded CSV in each text encoding: rows or a typed error. The first
//! byte picks the encoding and the kind, so one corpus covers them all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rectify_domain::exchange::ImportKind;
use rectify_exchange::{Encoding, Format, Limits, Mapping, read};

fuzz_target!(|input: &[u8]| {
    let Some((&pick, bytes)) = input.split_first() else { return };
    let encoding = [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030][usize::from(pick % 3)];
    let kind =
        [ImportKind::Problems, ImportKind::Cases, ImportKind::Units, ImportKind::People][usize::from(pick / 3 % 4)];
    let limits = Limits { max_bytes: 1 << 20, max_cells: 20_000 };
    let _ = read(bytes, Format::Csv, encoding, kind, &Mapping::default(), limits);
});
