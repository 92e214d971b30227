//! Finding the header row under the title rows, and binding its columns to fields.

use super::source::{Cell, Grid};
use crate::error::{Column, FileError};
use crate::fields::{self, Field, Key, normalize, without_brackets};
use crate::format::Mapping;
use rectify_domain::exchange::ImportKind;

/// Rows (with anything in them) searched for the header.
pub(crate) const SEARCH_ROWS: usize = 20;

/// A column of the file bound to a field.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    pub key: Key,
    pub col: usize,
    /// The header as written (blanks collapsed), for errors.
    pub header: String,
    /// A yes/no column (`是否销号`): 是 and 否 are its words.
    pub yes_no: bool,
}

/// Where the records start and what each column is.
#[derive(Debug)]
pub(crate) struct Layout {
    /// The header's row as the spreadsheet numbers it.
    pub header_row: usize,
    /// The header's index in the grid; records follow it.
    pub header_index: usize,
    pub columns: Vec<Bound>,
    /// Headers that name nothing this kind reads, as written.
    pub ignored: Vec<String>,
}

/// What a `--map` entry binds its header to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Field(&'static Field),
    Skip,
}

/// The kind's headers and the caller's `--map`, ready to match header cells.
pub(crate) struct Headers {
    kind: ImportKind,
    /// Normalized header → field and rank (0: the field's first header).
    known: Vec<(String, &'static Field, usize)>,
    /// Normalized header → target, with the entry as given.
    mapped: Vec<(String, Target, (String, String))>,
}

enum Match {
    /// A field the import reads, and how good a name for it the header is (lower is better).
    Field(&'static Field, usize),
    /// Recognised and not read: an export-only column, or `--map 列=-`.
    Skip,
    Unknown,
}

impl Headers {
    pub(crate) fn new(kind: ImportKind, mapping: &Mapping) -> Result<Headers, FileError> {
        let known = fields::fields(kind)
            .iter()
            .flat_map(|f| f.headers.iter().enumerate().map(move |(rank, h)| (normalize(h), f, rank)))
            .collect();
        let mapped = mapping
            .0
            .iter()
            .map(|(header, field)| {
                let target = if field == "-" {
                    Target::Skip
                } else {
                    match fields::find(kind, field).filter(|f| f.import) {
                        Some(f) => Target::Field(f),
                        None => {
                            let known = fields::fields(kind).iter().filter(|f| f.import);
                            return Err(FileError::UnknownField {
                                header: header.clone(),
                                field: field.clone(),
                                known: known.map(|f| f.key.as_str().to_owned()).collect(),
                            });
                        }
                    }
                };
                Ok((normalize(header), target, (header.clone(), field.clone())))
            })
            .collect::<Result<_, _>>()?;
        Ok(Headers { kind, known, mapped })
    }

    fn matches(&self, text: &str) -> Match {
        let norm = normalize(text);
        if let Some((_, target, _)) = self.mapped.iter().find(|(h, _, _)| *h == norm) {
            return match target {
                // A mapped column beats every synonym.
                Target::Field(f) => Match::Field(f, 0),
                Target::Skip => Match::Skip,
            };
        }
        let lookup = |norm: &str| self.known.iter().find(|(h, _, _)| h == norm);
        match lookup(&norm).or_else(|| without_brackets(text).and_then(|n| lookup(&n))) {
            Some((_, f, rank)) if f.import => Match::Field(f, rank + 1),
            Some(_) => Match::Skip,
            None => Match::Unknown,
        }
    }

    /// The header row of a sheet: the first of its first non-blank rows where at least two
    /// cells name columns of the kind (or every cell does, for a one-column file).
    pub(crate) fn find(&self, grid: &Grid<'_>) -> Result<Layout, FileError> {
        let mut cells = Vec::new();
        let mut widest: Vec<String> = Vec::new();
        let mut searched = 0;
        for i in 0..grid.len() {
            let number = grid.row(i, &mut cells);
            let texts: Vec<(usize, &str)> = cells
                .iter()
                .enumerate()
                .filter_map(|(c, cell)| match cell {
                    Cell::Text(t) if !t.trim().is_empty() => Some((c, *t)),
                    _ => None,
                })
                .collect();
            let filled = cells.iter().filter(|c| !blank(c)).count();
            if filled == 0 {
                continue;
            }
            let known = texts.iter().filter(|(_, t)| !matches!(self.matches(t), Match::Unknown)).count();
            if known >= 2 || (known >= 1 && known == filled) {
                return self.layout(number, i, &texts);
            }
            if texts.len() > widest.len() {
                widest = texts.iter().map(|(_, t)| crate::text::short(t)).collect();
            }
            searched += 1;
            if searched == SEARCH_ROWS {
                break;
            }
        }
        if searched == 0 {
            return Err(FileError::Empty);
        }
        let expected = fields::fields(self.kind).iter().filter(|f| f.import).map(|f| f.header().to_owned());
        Err(FileError::NoHeaderRow { searched: SEARCH_ROWS, expected: expected.collect(), seen: widest })
    }

    fn layout(&self, header_row: usize, header_index: usize, texts: &[(usize, &str)]) -> Result<Layout, FileError> {
        for (norm, _, (header, field)) in &self.mapped {
            if !texts.iter().any(|(_, t)| normalize(t) == *norm) {
                return Err(FileError::MappedHeaderNotFound {
                    header: header.clone(),
                    field: field.clone(),
                    header_row,
                });
            }
        }
        let mut candidates: Vec<(usize, Bound)> = Vec::new();
        let mut ignored: Vec<(usize, String)> = Vec::new();
        for &(col, text) in texts {
            let header = crate::text::short(text);
            match self.matches(text) {
                Match::Field(f, rank) => {
                    let yes_no = normalize(text).starts_with("是否");
                    candidates.push((rank, Bound { key: f.key, col, header, yes_no }));
                }
                Match::Skip => {}
                Match::Unknown => ignored.push((col, header)),
            }
        }
        // Two columns for one field: the better name (then the leftmost) is read, the other
        // reported as not imported.
        candidates.sort_by_key(|(rank, b)| (*rank, b.col));
        let mut columns: Vec<Bound> = Vec::new();
        for (_, bound) in candidates {
            if columns.iter().any(|b| b.key == bound.key) {
                ignored.push((bound.col, bound.header));
            } else {
                columns.push(bound);
            }
        }
        columns.sort_by_key(|b| b.col);
        ignored.sort_by_key(|(col, _)| *col);
        self.check_required(&columns)?;
        Ok(Layout { header_row, header_index, columns, ignored: ignored.into_iter().map(|(_, h)| h).collect() })
    }

    /// Columns a file cannot do without. A file with 系统编号 only updates what it names, so it
    /// needs nothing else.
    fn check_required(&self, columns: &[Bound]) -> Result<(), FileError> {
        let has = |k: Key| columns.iter().any(|b| b.key == k);
        let needed: &[Key] = match self.kind {
            _ if has(Key::Id) => &[],
            ImportKind::Units | ImportKind::People => &[Key::Name],
            ImportKind::Problems => &[Key::Description, Key::Unit],
            ImportKind::Cases if has(Key::Reference) => &[],
            ImportKind::Cases => &[Key::Content],
            ImportKind::Categories => &[Key::FirstLevel],
            ImportKind::Services => &[Key::Code],
        };
        let missing: Vec<Column> = needed
            .iter()
            .filter(|k| !has(**k))
            .filter_map(|k| fields::fields(self.kind).iter().find(|f| f.key == *k))
            .map(|f| Column { field: f.key.as_str(), header: f.header() })
            .collect();
        if missing.is_empty() { Ok(()) } else { Err(FileError::MissingColumns(missing)) }
    }
}

/// Nothing in the cell but blanks.
pub(crate) fn blank(cell: &Cell<'_>) -> bool {
    match cell {
        Cell::Empty => true,
        Cell::Text(t) => t.chars().all(|c| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')),
        _ => false,
    }
}
