//! Reports: one small document model (a bulletin, 简报; a personal rectification plan, 个人整改计划书;
//! an area's 便民服务一本通) rendered to PDF, DOCX, and its charts to SVG and PNG. The model knows nothing of the renderers,
//! so the web preview, the PDF and the DOCX are built from the same `Document` and draw each chart
//! through the same SVG functions.

pub mod bulletin;
pub mod chart;
mod docx;
mod fonts;
pub mod handbook;
mod pdf;
pub mod plan;
mod wrap;

use serde::{Deserialize, Serialize};

pub use chart::{png, svg};
pub use docx::docx;
pub use fonts::{FONT_ENV, Fonts};
pub use pdf::pdf;

/// A bulletin or any other report: an optional masthead, then blocks in reading order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub title: String,
    pub masthead: Option<Masthead>,
    pub blocks: Vec<Block>,
    /// A line printed at the foot of every page, under the page number (a handbook's
    /// supervising office and its complaint phone).
    #[serde(default)]
    pub footer: Option<String>,
}

/// The red masthead of a bulletin (seed: 《简报》第8期 / 金东区委…领导小组办公室 2014年4月27日).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Masthead {
    /// 简报
    pub name: String,
    /// 第8期
    pub issue: String,
    pub issuer: String,
    /// 2014年4月27日
    pub date: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    /// level 1: the headline, centred and large; level 2: a section heading.
    Heading {
        level: u8,
        text: String,
    },
    /// A paragraph with an optional bold lead-in (【编者按】), first line indented 2 characters.
    Paragraph {
        lead: Option<String>,
        text: String,
    },
    Table(Table),
    Chart(Chart),
    /// Small print (a footnote: how a figure is defined, the minimum items of a ranking).
    Note {
        text: String,
    },
    PageBreak,
    /// A title page of its own; its page number is not printed.
    Cover(Cover),
    /// A table of contents: in the PDF each entry shows the page its block starts on, links
    /// there, and is a bookmark of the file; the DOCX lists the entries.
    Contents(Contents),
}

/// A title page: `over` above the title (the area, the issuer), the title large, `under` at the
/// page's foot (the date).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cover {
    pub over: Option<String>,
    pub title: String,
    pub under: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contents {
    /// 目录.
    pub title: String,
    pub entries: Vec<ContentsEntry>,
}

/// An entry of a table of contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContentsEntry {
    /// 1: a chapter; 2: within the chapter before it.
    pub level: u8,
    pub text: String,
    /// The index in [`Document::blocks`] of the block it points at.
    pub target: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Per row: a tone that tints the row (red for overdue items), or None.
    pub tones: Vec<Option<Tone>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub header: String,
    pub align: Align,
    /// Share of the table's width (weights are normalised over the columns).
    pub weight: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Red,
    Yellow,
    Green,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chart {
    /// One horizontal bar per row, `value` in 0..=1 (a rate), labelled with `text` ("81.6%").
    Rates { title: String, rows: Vec<RateRow> },
    /// One stacked bar per row: red, yellow, green counts.
    Lights { title: String, rows: Vec<LightRow> },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateRow {
    pub label: String,
    pub value: f64,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LightRow {
    pub label: String,
    pub red: u64,
    pub yellow: u64,
    pub green: u64,
}

impl Chart {
    pub fn title(&self) -> &str {
        match self {
            Chart::Rates { title, .. } | Chart::Lights { title, .. } => title,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// No usable CJK font: without one, Chinese text would come out as empty boxes.
    #[error(
        "no CJK font: {0}; set {FONT_ENV} to a font file (PATH or PATH#FACE-INDEX, .ttf/.otf/.ttc) or install the Debian package fonts-noto-cjk"
    )]
    NoFont(String),
    #[error("chart: {0}")]
    Chart(String),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("DOCX: {0}")]
    Docx(String),
}
