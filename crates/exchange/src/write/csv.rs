//! `.csv` as Excel opens it right: UTF-8 with a byte-order mark, CRLF line ends, dates as
//! `2019-04-25` and times as `2019-04-25 09:32:09` (China time).

use super::table::{Table, Value};
use crate::dates;
use crate::error::FileError;
use crate::text::FORMULA_STARTS;
use crate::words::Word;

pub(crate) fn write(table: &Table) -> Result<Vec<u8>, FileError> {
    let bom = "\u{FEFF}".as_bytes().to_vec();
    let mut out = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(bom);
    let failed = |e: ::csv::Error| FileError::Write(e.to_string());
    out.write_record(table.columns.iter().map(|c| c.header)).map_err(failed)?;
    for row in &table.rows {
        out.write_record(row.iter().map(cell)).map_err(failed)?;
    }
    out.into_inner().map_err(|e| FileError::Write(e.to_string()))
}

fn cell(value: &Value) -> String {
    match value {
        Value::Empty => String::new(),
        // Text Excel would take for a formula (`=HYPERLINK(…)` in a citizen's message).
        Value::Text(s) if s.starts_with(FORMULA_STARTS) => format!("'{s}"),
        Value::Text(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Time(t) => dates::local(*t).format("%Y-%m-%d %H:%M:%S").to_string(),
        Value::Light(l) => l.label().to_owned(),
    }
}
