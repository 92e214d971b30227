//! What the caller says about a file: its format (from its name), the text encoding of a CSV,
//! and the columns it names itself (`--map`).

use crate::error::FileError;

/// A file's format. Workbooks (`.xlsx`, `.xlsm`, `.xls`) are all `Xlsx`: the reader tells
/// them apart by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    /// The format of a file by its name's extension (`台账.XLSX`, `留言.csv`, `导出.txt`).
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" | "xls" => Some(Format::Xlsx),
            // Excel saves "Unicode text" as .txt: UTF-16 with tabs, which the CSV reader takes.
            "csv" | "txt" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The media type of a written file.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// `xlsx` or `csv`, as a request names it.
    pub fn parse(s: &str) -> Option<Format> {
        Format::from_file_name(&format!("f.{s}")).filter(|_| matches!(s, "xlsx" | "csv"))
    }

    /// The extension a written file gets.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }
}

/// How much of a file an import takes on. Beyond either limit the file is refused before its
/// cells are held in memory: a sheet's used range is counted as rows × columns, since that is
/// what reading it allocates (a sheet with cells at A1 and XFD1048576 spans 17 billion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_cells: usize,
}

impl Limits {
    /// 100,000 ledger rows of 20 columns fit twice over; the cells take ~64 MB at most.
    pub const DEFAULT_MAX_CELLS: usize = 2_000_000;
    pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

    /// What a workbook of `len` bytes may unpack to: 100 times itself (real workbooks unpack
    /// to 3–15 times their size, zip bombs to 1,000), and never past 16 times the byte limit.
    pub fn max_unpacked(&self, len: usize) -> u64 {
        (len as u64).saturating_mul(100).min((self.max_bytes as u64).saturating_mul(16))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: Self::DEFAULT_MAX_BYTES, max_cells: Self::DEFAULT_MAX_CELLS }
    }
}

/// The text encoding of a CSV file (`--encoding utf-8|gbk|gb18030`); workbooks ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// A byte-order mark decides; else UTF-8 when the bytes are valid UTF-8; else GB18030.
    #[default]
    Auto,
    Utf8,
    /// GB18030, a superset of GBK and GB2312 (what Excel on Chinese Windows writes).
    Gb18030,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => Some(Encoding::Auto),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" | "cp936" => Some(Encoding::Gb18030),
            _ => None,
        }
    }
}

/// Columns the caller names (`--map 问题内容=description`): a header of the file → a field,
/// by its key (`description`) or any of its headers (`问题描述`); `-` skips the column. A
/// mapped column wins over one that matches the field by a synonym.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping(pub Vec<(String, String)>);

impl Mapping {
    /// From `--map` arguments, each `列名=field` (the last `=` splits, so a header may hold one).
    pub fn from_args<S: AsRef<str>>(args: impl IntoIterator<Item = S>) -> Result<Mapping, FileError> {
        let pairs = args.into_iter().map(|arg| {
            let arg = arg.as_ref();
            match arg.rsplit_once('=') {
                Some((h, f)) if !h.trim().is_empty() && !f.trim().is_empty() => {
                    Ok((h.trim().to_owned(), f.trim().to_owned()))
                }
                _ => Err(FileError::BadMapping(arg.to_owned())),
            }
        });
        pairs.collect::<Result<_, _>>().map(Mapping)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::from_file_name("台账.XLSX"), Some(Format::Xlsx));
        assert_eq!(Format::from_file_name("a.b.xls"), Some(Format::Xlsx));
        assert_eq!(Format::from_file_name("留言.csv"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("导出.txt"), Some(Format::Csv));
        assert_eq!(Format::from_file_name("报告.docx"), None);
        assert_eq!(Format::from_file_name("xlsx"), None);
    }

    #[test]
    fn encodings_and_maps() {
        assert_eq!(Encoding::parse("GBK"), Some(Encoding::Gb18030));
        assert_eq!(Encoding::parse("utf_8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
        let m = Mapping::from_args(["问题内容=description", " 序号 = - "]).unwrap();
        assert_eq!(m.0, vec![("问题内容".into(), "description".into()), ("序号".into(), "-".into())]);
        assert_eq!(Mapping::from_args(["问题内容"]), Err(FileError::BadMapping("问题内容".into())));
    }
}
