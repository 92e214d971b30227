//! `.xlsx`: one sheet named for the kind, a bold frozen header with a filter, widths for
//! Chinese text, real dates and times, ids as numbers, and the warning light as a coloured
//! cell.

use super::table::{Table, Value};
use crate::dates;
use crate::error::FileError;
use crate::fields::Look;
use crate::words::Word;
use chrono::{Datelike, NaiveDateTime, Timelike};
use rectify_domain::light::Light;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// Columns of long text are capped at this width and wrap; others at `SHORT_CAP`.
const LONG_CAP: usize = 60;
const SHORT_CAP: usize = 40;
const MIN_WIDTH: usize = 8;

struct Formats {
    header: Format,
    plain: Format,
    wrap: Format,
    date: Format,
    time: Format,
    red: Format,
    yellow: Format,
    green: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_align(FormatAlign::Top);
        let light = |fill: u32, font: Color| cell.clone().set_background_color(Color::RGB(fill)).set_font_color(font);
        Formats {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xD9D9D9)),
            plain: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            time: cell.clone().set_num_format("yyyy-mm-dd hh:mm:ss"),
            red: light(0xFF0000, Color::White),
            yellow: light(0xFFFF00, Color::Black),
            green: light(0x00B050, Color::White),
        }
    }

    fn light(&self, light: Light) -> &Format {
        match light {
            Light::Red => &self.red,
            Light::Yellow => &self.yellow,
            Light::Green => &self.green,
        }
    }
}

pub(crate) fn write(table: &Table) -> Result<Vec<u8>, FileError> {
    fill(table).map_err(|e| FileError::Write(e.to_string()))
}

fn fill(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(table.sheet)?;
    let formats = Formats::new();
    for (c, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), column.header, &formats.header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, value) in row.iter().enumerate() {
            write_cell(sheet, &formats, r, col(c), table.columns[c].look, value)?;
        }
    }
    for (c, column) in table.columns.iter().enumerate() {
        let widest = table.rows.iter().map(|row| width(&row[c])).chain([text_width(column.header)]).max().unwrap_or(0);
        let cap = if column.look == Look::Long { LONG_CAP } else { SHORT_CAP };
        sheet.set_column_width(col(c), (widest + 2).clamp(MIN_WIDTH, cap) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = col(table.columns.len().saturating_sub(1));
    let last_row = u32::try_from(table.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.autofilter(0, 0, last_row, last_col)?;
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    // A kind has a few dozen columns at most.
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn write_cell(sheet: &mut Worksheet, f: &Formats, r: u32, c: u16, look: Look, value: &Value) -> Result<(), XlsxError> {
    match value {
        Value::Empty => {}
        Value::Text(s) => {
            let format = if look == Look::Long { &f.wrap } else { &f.plain };
            sheet.write_string_with_format(r, c, s, format)?;
        }
        Value::Int(i) => {
            sheet.write_number_with_format(r, c, *i as f64, &f.plain)?;
        }
        Value::Date(d) => {
            sheet.write_datetime_with_format(r, c, excel(d.and_time(chrono::NaiveTime::MIN))?, &f.date)?;
        }
        Value::Time(t) => {
            sheet.write_datetime_with_format(r, c, excel(dates::local(*t))?, &f.time)?;
        }
        Value::Light(l) => {
            sheet.write_string_with_format(r, c, l.label(), f.light(*l))?;
        }
    }
    Ok(())
}

fn excel(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(t.year()).map_err(|_| XlsxError::DateTimeRangeError(t.to_string()))?;
    // Month, day, hour, minute and second all fit in a byte.
    ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)?.and_hms(
        t.hour() as u16,
        t.minute() as u8,
        t.second(),
    )
}

/// Display width: a CJK character takes about two units.
fn text_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum()).max().unwrap_or(0)
}

fn width(value: &Value) -> usize {
    match value {
        Value::Empty => 0,
        Value::Text(s) => text_width(s),
        Value::Int(i) => i.to_string().len(),
        Value::Date(_) => 10,
        Value::Time(_) => 19,
        Value::Light(_) => 4,
    }
}
