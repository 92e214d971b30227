//! One row being read: each field's cell turned into its value, and each bad cell into a
//! `RowError` naming the row, the header as written, the value and the issue.

use super::header::{Bound, blank};
use super::source::Cell;
use crate::dates::{self, Deadline};
use crate::fields::Key;
use crate::text;
use crate::words::{self, Word};
use rectify_domain::error::{FieldError, Issue};
use rectify_domain::exchange::{RowError, UnitRef};
use rectify_domain::time::Timestamp;
use std::borrow::Cow;

/// Values in errors are cut to this many characters (a 5,000-character description is not
/// worth repeating).
const VALUE_SHOWN: usize = 100;

pub(crate) struct RowCtx<'a, 'r> {
    pub row: usize,
    pub cells: &'r [Cell<'a>],
    pub columns: &'r [Bound],
    pub errors: &'r mut Vec<RowError>,
}

impl<'a> RowCtx<'a, '_> {
    fn bound(&self, key: Key) -> Option<&Bound> {
        self.columns.iter().find(|b| b.key == key)
    }

    /// The field's cell, unless the column is missing or the cell blank.
    fn cell(&self, key: Key) -> Option<Cell<'a>> {
        let bound = self.bound(key)?;
        self.cells.get(bound.col).copied().filter(|c| !blank(c))
    }

    pub(crate) fn is_blank(&self, key: Key) -> bool {
        self.cell(key).is_none()
    }

    /// Whether the field's column is a yes/no one (`是否销号`).
    pub(crate) fn yes_no(&self, key: Key) -> bool {
        self.bound(key).is_some_and(|b| b.yes_no)
    }

    pub(crate) fn fail(&mut self, key: Key, value: Option<&str>, issue: Issue) {
        let column = self.bound(key).map(|b| b.header.clone());
        let value = value.map(|v| {
            let mut shown: String = v.chars().take(VALUE_SHOWN).collect();
            if shown.len() < v.len() {
                shown.push('…');
            }
            shown
        });
        self.errors.push(RowError { row: self.row, column, value, issue });
    }

    /// A required cell left blank. `header` names the column when the file lacks it.
    pub(crate) fn required(&mut self, key: Key, header: &str) {
        let column = Some(self.bound(key).map_or_else(|| header.to_owned(), |b| b.header.clone()));
        self.errors.push(RowError { row: self.row, column, value: None, issue: Issue::Required });
    }

    /// The cell as text; an Excel error (`#N/A`) is reported.
    fn text(&mut self, key: Key) -> Option<Cow<'a, str>> {
        let cell = self.cell(key)?;
        let text = match cell {
            Cell::Empty => return None,
            Cell::Text(t) => Cow::Borrowed(t),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(number_text(f)),
            Cell::Bool(b) => Cow::Borrowed(if b { "TRUE" } else { "FALSE" }),
            Cell::When(t) if t.time() == chrono::NaiveTime::MIN => Cow::Owned(t.format("%Y-%m-%d").to_string()),
            Cell::When(t) => Cow::Owned(t.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::Error => {
                self.fail(key, None, Issue::Malformed { expected: rectify_domain::Expected::NotAnExcelError });
                return None;
            }
        };
        Some(text)
    }

    fn within(&mut self, key: Key, value: String, max: usize) -> Option<String> {
        if value.chars().count() > max {
            self.fail(key, Some(&value), Issue::TooLong { max });
            return None;
        }
        Some(value)
    }

    /// One line of text, blanks collapsed, at most `max` characters.
    pub(crate) fn short(&mut self, key: Key, max: usize) -> Option<String> {
        let value = text::short(&self.text(key)?);
        self.within(key, value, max)
    }

    /// Text with its line breaks, at most `max` characters.
    pub(crate) fn long(&mut self, key: Key, max: usize) -> Option<String> {
        let value = text::long(&self.text(key)?);
        if value.is_empty() {
            return None;
        }
        self.within(key, value, max)
    }

    /// Short text through one of the domain's checks (phone numbers, mailboxes).
    pub(crate) fn checked(
        &mut self,
        key: Key,
        check: fn(&str, Option<&str>) -> Result<Option<String>, FieldError>,
    ) -> Option<String> {
        let value = text::short(&self.text(key)?);
        match check(key.as_str(), Some(&value)) {
            Ok(v) => v,
            Err(e) => {
                self.fail(key, Some(&value), e.issue);
                None
            }
        }
    }

    /// A Rectify id (系统编号): a whole number, as a number or as text (`12`, `#12`).
    pub(crate) fn id(&mut self, key: Key) -> Option<i64> {
        let parsed = match self.cell(key)? {
            Cell::Int(i) => Some(i),
            Cell::Float(f) if f.fract() == 0.0 && f.abs() < 9e15 => Some(f as i64),
            Cell::Text(t) => t.trim().trim_start_matches('#').parse().ok(),
            _ => None,
        };
        match parsed.filter(|id| *id > 0) {
            Some(id) => Some(id),
            None => {
                let shown = self.text(key);
                self.fail(key, shown.as_deref(), Issue::Malformed { expected: rectify_domain::Expected::RowId });
                None
            }
        }
    }

    /// A count (点赞数): a whole number from 0, as a number or as text.
    pub(crate) fn count(&mut self, key: Key) -> Option<u32> {
        let parsed = match self.cell(key)? {
            Cell::Int(i) => u32::try_from(i).ok(),
            Cell::Float(f) if f.fract() == 0.0 && (0.0..4e9).contains(&f) => Some(f as u32),
            Cell::Text(t) => t.trim().parse().ok(),
            Cell::Empty => return None,
            _ => None,
        };
        if parsed.is_none() {
            let shown = self.text(key);
            self.fail(key, shown.as_deref(), Issue::Malformed { expected: rectify_domain::Expected::WholeNumber });
        }
        parsed
    }

    /// A unit by path or name.
    pub(crate) fn unit(&mut self, key: Key, max_part: usize) -> Option<UnitRef> {
        let value = text::short(&self.text(key)?);
        let unit = UnitRef::parse(&value)?;
        if let UnitRef::Path(parts) = &unit
            && parts.iter().any(|p| p.chars().count() > max_part)
        {
            self.fail(key, Some(&value), Issue::TooLong { max: max_part });
            return None;
        }
        Some(unit)
    }

    /// A number read by `parse` from the cell's text (`5个工作日`, `最多跑一次`); text it cannot
    /// read is reported as not a whole number.
    pub(crate) fn number_in(&mut self, key: Key, parse: fn(&str) -> Option<u32>) -> Option<u32> {
        let value = self.text(key)?;
        let parsed = parse(&value);
        if parsed.is_none() {
            self.fail(key, Some(&value), Issue::Malformed { expected: rectify_domain::Expected::WholeNumber });
        }
        parsed
    }

    /// Long text as `read` splits it (materials, steps, staff, lists).
    pub(crate) fn list<T>(&mut self, key: Key, read: impl Fn(&str) -> Vec<T>) -> Vec<T> {
        self.text(key).map(|t| read(&text::long(&t))).unwrap_or_default()
    }

    /// One of an enum's words.
    pub(crate) fn word<T: Word>(&mut self, key: Key) -> Option<T> {
        let value = self.text(key)?;
        let parsed = words::parse::<T>(&value);
        if parsed.is_none() {
            self.fail(key, Some(&value), Issue::NotOneOf { expected: words::expected::<T>() });
        }
        parsed
    }

    /// 是/否 and its kin; a TRUE/FALSE or 1/0 cell too.
    pub(crate) fn boolean(&mut self, key: Key) -> Option<bool> {
        if let Some(Cell::Bool(b)) = self.cell(key) {
            return Some(b);
        }
        let value = self.text(key)?;
        let parsed = words::parse_bool(&value);
        if parsed.is_none() {
            let expected = words::BOOL_WORDS.iter().map(|w| (*w).to_owned()).collect();
            self.fail(key, Some(&value), Issue::NotOneOf { expected });
        }
        parsed
    }

    /// 是/否 when the cell holds one, without a word about anything else.
    pub(crate) fn boolean_quiet(&self, key: Key) -> Option<bool> {
        match self.cell(key)? {
            Cell::Bool(b) => Some(b),
            Cell::Text(t) => words::parse_bool(t),
            Cell::Int(i) => words::parse_bool(&i.to_string()),
            _ => None,
        }
    }

    /// A date and time (China time); a date alone is its midnight.
    pub(crate) fn time(&mut self, key: Key) -> Option<Timestamp> {
        let parsed = match self.cell(key)? {
            Cell::When(t) => Some(dates::china(t)),
            Cell::Int(i) => dates::from_number(i as f64).map(dates::china),
            Cell::Float(f) => dates::from_number(f).map(dates::china),
            Cell::Text(t) => dates::time_text(t),
            _ => None,
        };
        self.dated(key, parsed)
    }

    /// A deadline: a date, a month's end, or a word for none.
    pub(crate) fn deadline(&mut self, key: Key) -> Option<Deadline> {
        let on = |t: Option<chrono::NaiveDateTime>| t.map(|t| Deadline::On(t.date()));
        let parsed = match self.cell(key)? {
            Cell::When(t) => Some(Deadline::On(t.date())),
            Cell::Int(i) => on(dates::from_number(i as f64)),
            Cell::Float(f) => on(dates::from_number(f)),
            Cell::Text(t) => dates::deadline_text(t),
            _ => None,
        };
        self.dated(key, parsed)
    }

    fn dated<T>(&mut self, key: Key, parsed: Option<T>) -> Option<T> {
        if parsed.is_none() {
            let shown = self.text(key);
            self.fail(key, shown.as_deref(), Issue::InvalidDate);
        }
        parsed
    }
}

/// A number as text: whole numbers without a decimal point (`13812345678`, not `1.38e10`).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}
