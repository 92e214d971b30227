//! Blocks to pages: text set into measured lines, then placed on A4 pages with the margins of an
//! official document (GB/T 9704: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right, 22 lines of
//! 三号 text a page). What goes on a page is a list of drawing operations, so pagination can be
//! tested without reading a PDF.

use resvg::usvg;

use crate::fonts::{Face, Fonts};
use crate::wrap;
use crate::{Align, Block, Chart, ContentsEntry, Cover, Document, Masthead, RenderError, Table, Tone};

pub(crate) const MM: f32 = 72.0 / 25.4;
pub(crate) const PAGE_W: f32 = 210.0 * MM;
pub(crate) const PAGE_H: f32 = 297.0 * MM;
const TOP: f32 = 37.0 * MM;
const BOTTOM: f32 = PAGE_H - 35.0 * MM;
const LEFT: f32 = 28.0 * MM;
const TEXT_W: f32 = PAGE_W - LEFT - 26.0 * MM;
const TEXT_H: f32 = BOTTOM - TOP;
/// 22 lines a page, as the standard asks.
const PITCH: f32 = TEXT_H / 22.0;
/// Where a CJK face's baseline sits below the top of its em box.
const ASCENT: f32 = 0.88;
/// Rounding slack when comparing heights.
const EPS: f32 = 0.01;

pub(crate) type Rgb = (u8, u8, u8);
pub(crate) const BLACK: Rgb = (0, 0, 0);
/// The red of a masthead (版头): a strong red that still prints well.
pub(crate) const RED: Rgb = (0xd4, 0x10, 0x1b);
const GREY: Rgb = (0x44, 0x44, 0x44);
const RULE: Rgb = (0x33, 0x33, 0x33);
const HEADER_FILL: Rgb = (0xe6, 0xe6, 0xe6);

pub(crate) fn tone_fill(tone: Tone) -> Rgb {
    match tone {
        Tone::Red => (0xfb, 0xe0, 0xde),
        Tone::Yellow => (0xfd, 0xf1, 0xc8),
        Tone::Green => (0xdf, 0xf0, 0xe2),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum FaceId {
    Body,
    Title,
    Heading,
}

impl FaceId {
    pub(crate) fn face(self, fonts: &Fonts) -> &Face {
        match self {
            FaceId::Body => &fonts.body,
            FaceId::Title => &fonts.title,
            FaceId::Heading => &fonts.heading,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Style {
    face: FaceId,
    size: f32,
    color: Rgb,
}

const BODY: Style = Style { face: FaceId::Body, size: 16.0, color: BLACK };
const LEAD: Style = Style { face: FaceId::Heading, ..BODY };
const HEADLINE: Style = Style { face: FaceId::Title, size: 22.0, color: BLACK };
const SECTION: Style = Style { face: FaceId::Heading, ..BODY };
const SUBSECTION: Style = Style { face: FaceId::Title, ..BODY };
const NOTE: Style = Style { face: FaceId::Body, size: 12.0, color: GREY };
const CAPTION: Style = Style { face: FaceId::Heading, size: 14.0, color: BLACK };
const CELL: Style = Style { face: FaceId::Body, size: 12.0, color: BLACK };
const HEADER_CELL: Style = Style { face: FaceId::Heading, ..CELL };
const PAGE_NUMBER: Style = Style { face: FaceId::Body, size: 14.0, color: BLACK };
const FOOTER: Style = Style { face: FaceId::Body, size: 12.0, color: GREY };
const COVER_OVER: Style = Style { face: FaceId::Title, size: 28.0, color: BLACK };
const COVER_TITLE: Style = Style { face: FaceId::Title, size: 44.0, color: RED };
/// Contents: chapters in 黑体, the entries within them a size smaller.
const ENTRY: Style = Style { face: FaceId::Heading, ..BODY };
const SUB_ENTRY: Style = Style { face: FaceId::Body, size: 14.0, color: BLACK };
/// Room kept at the right of a contents entry for its page number.
const ENTRY_NUMBER_W: f32 = 36.0;
const CELL_PITCH: f32 = 18.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;

/// One drawing operation; y grows downwards from the page's top edge.
pub(crate) enum Op {
    Text { x: f32, baseline: f32, face: FaceId, size: f32, color: Rgb, text: String, spacing: f32 },
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Option<Rgb>, stroke: Option<(Rgb, f32)> },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, color: Rgb, width: f32 },
    Chart { x: f32, y: f32, w: f32, h: f32, tree: Box<usvg::Tree> },
}

pub(crate) type Page = Vec<Op>;

/// A run of one style within a line, `x` from the line's left edge.
struct Run {
    style: Style,
    x: f32,
    text: String,
}

/// A line set and ready to place: its runs, the extra space after each character (justification,
/// letter-spacing), its height.
struct SetLine {
    runs: Vec<Run>,
    spacing: f32,
    pitch: f32,
    size: f32,
}

impl SetLine {
    fn draw(&self, page: &mut Page, x: f32, top: f32) {
        let baseline = top + (self.pitch - self.size) / 2.0 + self.size * ASCENT;
        for run in &self.runs {
            page.push(Op::Text {
                x: x + run.x,
                baseline,
                face: run.style.face,
                size: run.style.size,
                color: run.style.color,
                text: run.text.clone(),
                spacing: self.spacing,
            });
        }
    }
}

/// How a text is set: its width, first-line indent, alignment, justification, line pitch.
struct Setting {
    width: f32,
    indent: f32,
    align: Align,
    justify: bool,
    pitch: f32,
    /// Extra space after every character (a masthead's spread-out name).
    tracking: f32,
}

impl Setting {
    fn body(pitch: f32) -> Setting {
        Setting { width: TEXT_W, indent: 2.0 * BODY.size, align: Align::Left, justify: true, pitch, tracking: 0.0 }
    }

    fn centred(width: f32, pitch: f32) -> Setting {
        Setting { width, indent: 0.0, align: Align::Center, justify: false, pitch, tracking: 0.0 }
    }
}

/// Sets styled spans into lines.
fn set(fonts: &Fonts, spans: &[(Style, &str)], s: &Setting) -> Vec<SetLine> {
    let mut chars = Vec::new();
    let mut widths = Vec::new();
    let mut styles = Vec::new();
    for (style, text) in spans {
        let face = style.face.face(fonts);
        for (c, advance) in text.chars().zip(face.advances(text)) {
            chars.push(c);
            widths.push(advance * style.size + s.tracking);
            styles.push(*style);
        }
    }
    let size = spans.iter().map(|(st, _)| st.size).fold(0.0, f32::max);
    let mut out = Vec::new();
    let mut paragraph_start = true;
    for line in wrap::lines(&chars, &widths, s.width - s.indent, s.width) {
        let indent = if paragraph_start { s.indent } else { 0.0 };
        paragraph_start = line.last;
        let range = line.range;
        let natural: f32 = widths[range.clone()].iter().sum::<f32>() - if range.is_empty() { 0.0 } else { s.tracking };
        let room = s.width - indent - natural;
        let n = range.len();
        let spacing = if s.justify && !line.last && n > 1 && room > 0.0 { room / (n - 1) as f32 } else { 0.0 };
        let x0 = match s.align {
            Align::Left => indent,
            Align::Center => indent + room / 2.0,
            Align::Right => indent + room,
        };
        let mut runs: Vec<Run> = Vec::new();
        let mut x = x0;
        for i in range {
            match runs.last_mut() {
                Some(run) if same(run.style, styles[i]) => run.text.push(chars[i]),
                _ => runs.push(Run { style: styles[i], x, text: chars[i].to_string() }),
            }
            x += widths[i] + spacing;
        }
        out.push(SetLine { runs, spacing: spacing + s.tracking, pitch: s.pitch, size });
    }
    out
}

fn same(a: Style, b: Style) -> bool {
    a.face == b.face && a.size == b.size && a.color == b.color
}

/// A block made ready for pagination.
enum Piece {
    Masthead(Vec<Op>, f32),
    /// Lines placed one by one (a paragraph may continue on the next page).
    Lines {
        lines: Vec<SetLine>,
        x: f32,
        before: f32,
        after: f32,
        keep_with_next: bool,
        /// A note: it stays on the page of what it annotates (and never ends a document alone
        /// on a page of its own).
        keep_with_previous: bool,
    },
    Table(SetTable),
    Chart {
        caption: Vec<SetLine>,
        w: f32,
        h: f32,
        tree: Box<usvg::Tree>,
    },
    PageBreak,
    /// A title page, drawn where its operations say; what follows starts on the next page.
    Cover(Vec<Op>),
    /// A contents entry (its page number set on its last line), kept whole, linked to `target`.
    Entry {
        lines: Vec<SetLine>,
        x: f32,
        target: usize,
    },
}

struct SetTable {
    caption: Vec<SetLine>,
    widths: Vec<f32>,
    header: SetRow,
    rows: Vec<SetRow>,
}

struct SetRow {
    cells: Vec<Vec<SetLine>>,
    fill: Option<Rgb>,
    height: f32,
}

const BLOCK_GAP: f32 = 8.0;

impl Piece {
    /// What must fit on the page for the piece to start there (for keep-with-next).
    fn min_height(&self) -> f32 {
        match self {
            Piece::Masthead(_, h) => *h,
            Piece::Lines { lines, before, .. } => before + lines.iter().take(2).map(|l| l.pitch).sum::<f32>(),
            Piece::Table(t) => {
                BLOCK_GAP + height(&t.caption) + t.header.height + t.rows.first().map_or(0.0, |r| r.height)
            }
            Piece::Chart { caption, h, .. } => BLOCK_GAP + height(caption) + h,
            Piece::Entry { lines, .. } => height(lines),
            Piece::PageBreak | Piece::Cover(_) => 0.0,
        }
    }
}

fn height(lines: &[SetLine]) -> f32 {
    lines.iter().map(|l| l.pitch).sum()
}

/// The headline: centred and large, kept with what follows.
fn headline(text: &str, fonts: &Fonts) -> Piece {
    Piece::Lines {
        lines: set(fonts, &[(HEADLINE, text)], &Setting::centred(TEXT_W, 36.0)),
        x: LEFT,
        before: 6.0,
        after: 14.0,
        keep_with_next: true,
        keep_with_previous: false,
    }
}

/// The blocks as pieces, each with the index of the block it starts (a block of contents is its
/// title and one piece per entry). `pages[i]`: the page block `i` starts on, once known.
fn prepare(doc: &Document, fonts: &Fonts, pages: &[Option<usize>]) -> Result<Vec<(Option<usize>, Piece)>, RenderError> {
    let mut pieces = Vec::new();
    if let Some(m) = &doc.masthead {
        pieces.push((None, masthead(m, fonts)));
    }
    for (i, block) in doc.blocks.iter().enumerate() {
        if let Block::Contents(contents) = block {
            pieces.push((Some(i), headline(&contents.title, fonts)));
            for entry in &contents.entries {
                let page = pages.get(entry.target).copied().flatten();
                pieces.push((None, contents_entry(entry, page, fonts)));
            }
            continue;
        }
        pieces.push((
            Some(i),
            match block {
                Block::Heading { level: 0 | 1, text } => headline(text, fonts),
                Block::Heading { level, text } => Piece::Lines {
                    lines: set(
                        fonts,
                        &[(if *level == 2 { SECTION } else { SUBSECTION }, text)],
                        &Setting { justify: false, ..Setting::body(PITCH) },
                    ),
                    x: LEFT,
                    before: 0.0,
                    after: 0.0,
                    keep_with_next: true,
                    keep_with_previous: false,
                },
                Block::Paragraph { lead, text } => {
                    let mut spans = Vec::new();
                    if let Some(lead) = lead {
                        spans.push((LEAD, lead.as_str()));
                    }
                    spans.push((BODY, text.as_str()));
                    Piece::Lines {
                        lines: set(fonts, &spans, &Setting::body(PITCH)),
                        x: LEFT,
                        before: 0.0,
                        after: 0.0,
                        keep_with_next: false,
                        keep_with_previous: false,
                    }
                }
                Block::Note { text } => Piece::Lines {
                    lines: set(fonts, &[(NOTE, text)], &Setting { indent: 0.0, ..Setting::body(20.0) }),
                    x: LEFT,
                    before: 4.0,
                    after: 4.0,
                    keep_with_next: false,
                    keep_with_previous: true,
                },
                Block::Table(table) => Piece::Table(set_table(table, fonts)),
                Block::Chart(chart) => set_chart(chart, fonts)?,
                Block::PageBreak => Piece::PageBreak,
                Block::Cover(cover) => Piece::Cover(cover_page(cover, fonts)),
                Block::Contents(_) => unreachable!("contents are set above"),
            },
        ));
    }
    Ok(pieces)
}

/// A title page: `over` a third of the way down, the title large and red under it above a red
/// rule, `under` at the foot of the text area.
fn cover_page(cover: &Cover, fonts: &Fonts) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut y = TOP + 30.0 * MM;
    if let Some(over) = &cover.over {
        for line in set(fonts, &[(COVER_OVER, over)], &Setting::centred(TEXT_W, 44.0)) {
            line.draw(&mut ops, LEFT, y);
            y += line.pitch;
        }
        y += 12.0 * MM;
    }
    // A short title is spread out a little, as printed covers are.
    let tracking = if cover.title.chars().count() <= 8 { COVER_TITLE.size * 0.15 } else { 0.0 };
    for line in set(fonts, &[(COVER_TITLE, &cover.title)], &Setting { tracking, ..Setting::centred(TEXT_W, 64.0) }) {
        line.draw(&mut ops, LEFT, y);
        y += line.pitch;
    }
    y += 6.0;
    ops.push(Op::Line { x1: LEFT, y1: y, x2: LEFT + TEXT_W, y2: y, color: RED, width: 2.0 });
    let under: Vec<SetLine> =
        cover.under.iter().flat_map(|text| set(fonts, &[(BODY, text)], &Setting::centred(TEXT_W, PITCH))).collect();
    let mut y = BOTTOM - height(&under);
    for line in &under {
        line.draw(&mut ops, LEFT, y);
        y += line.pitch;
    }
    ops
}

/// A contents entry: its text (indented by level), then on its last line a leader of dots and
/// the page number at the right margin (nothing while the page is not known: the lines are the
/// same either way, so the page number does not move what follows).
fn contents_entry(entry: &ContentsEntry, page: Option<usize>, fonts: &Fonts) -> Piece {
    let (style, indent, pitch) =
        if entry.level <= 1 { (ENTRY, 0.0, PITCH) } else { (SUB_ENTRY, 2.0 * SUB_ENTRY.size, 24.0) };
    let width = TEXT_W - indent - ENTRY_NUMBER_W;
    let setting = Setting { width, indent: 0.0, align: Align::Left, justify: false, pitch, tracking: 0.0 };
    let mut lines = set(fonts, &[(style, &entry.text)], &setting);
    if let (Some(page), Some(last)) = (page, lines.last_mut()) {
        let face = style.face.face(fonts);
        let number = page.to_string();
        let number_x = TEXT_W - indent - face.width(&number, style.size);
        let end = last.runs.last().map_or(0.0, |r| r.x + face.width(&r.text, style.size));
        let dot = face.width(".", style.size).max(1.0);
        let dots = ((number_x - 6.0 - (end + 6.0)) / dot).floor().max(0.0) as usize;
        if dots > 0 {
            let x = number_x - 6.0 - dots as f32 * dot;
            last.runs.push(Run { style, x, text: ".".repeat(dots) });
        }
        last.runs.push(Run { style, x: number_x, text: number });
    }
    Piece::Entry { lines, x: LEFT + indent, target: entry.target }
}

/// The red masthead: the name spread out in large red type, the issue, then issuer and date on
/// one line above a red rule.
fn masthead(m: &Masthead, fonts: &Fonts) -> Piece {
    let mut ops = Vec::new();
    let name_size = 52.0;
    let name = Style { face: FaceId::Title, size: name_size, color: RED };
    // Two to four characters are spread by half an em, as printed mastheads are.
    let tracking = if m.name.chars().count() <= 4 { name_size * 0.5 } else { 0.0 };
    let mut y = TOP;
    for line in set(fonts, &[(name, &m.name)], &Setting { tracking, ..Setting::centred(TEXT_W, 70.0) }) {
        line.draw(&mut ops, LEFT, y);
        y += line.pitch;
    }
    for line in set(fonts, &[(BODY, &m.issue)], &Setting::centred(TEXT_W, PITCH)) {
        line.draw(&mut ops, LEFT, y);
        y += line.pitch;
    }
    // Issuer left, date right; a long issuer shrinks the line rather than wrapping it.
    let face = BODY.face.face(fonts);
    let natural = face.width(&m.issuer, 1.0) + face.width(&m.date, 1.0) + 2.0;
    let size = (TEXT_W / natural).min(BODY.size);
    let style = Style { size, ..BODY };
    let baseline = y + (PITCH - size) / 2.0 + size * ASCENT;
    ops.push(Op::Text {
        x: LEFT,
        baseline,
        face: FaceId::Body,
        size,
        color: BLACK,
        text: m.issuer.clone(),
        spacing: 0.0,
    });
    let date_x = LEFT + TEXT_W - face.width(&m.date, style.size);
    ops.push(Op::Text {
        x: date_x,
        baseline,
        face: FaceId::Body,
        size,
        color: BLACK,
        text: m.date.clone(),
        spacing: 0.0,
    });
    y += PITCH + 2.0;
    ops.push(Op::Line { x1: LEFT, y1: y, x2: LEFT + TEXT_W, y2: y, color: RED, width: 2.0 });
    y += 14.0;
    Piece::Masthead(ops, y - TOP)
}

fn set_table(table: &Table, fonts: &Fonts) -> SetTable {
    let n = table.columns.len().max(1);
    let total: f32 = table.columns.iter().map(|c| c.weight.max(0.0)).sum();
    let widths: Vec<f32> = table
        .columns
        .iter()
        .map(|c| if total > 0.0 { c.weight.max(0.0) / total * TEXT_W } else { TEXT_W / n as f32 })
        .collect();
    let aligns: Vec<Align> = table.columns.iter().map(|c| c.align).collect();
    let set_row = |texts: &[&str], style: Style, fill: Option<Rgb>, header: bool| {
        let cells: Vec<Vec<SetLine>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let align = if header { Align::Center } else { aligns[i] };
                let setting = Setting {
                    width: w - 2.0 * CELL_PAD_X,
                    indent: 0.0,
                    align,
                    justify: false,
                    pitch: CELL_PITCH,
                    tracking: 0.0,
                };
                set(fonts, &[(style, texts.get(i).copied().unwrap_or(""))], &setting)
            })
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        SetRow { cells, fill, height: lines as f32 * CELL_PITCH + 2.0 * CELL_PAD_Y }
    };
    let headers: Vec<&str> = table.columns.iter().map(|c| c.header.as_str()).collect();
    let header = set_row(&headers, HEADER_CELL, Some(HEADER_FILL), true);
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let texts: Vec<&str> = row.iter().map(String::as_str).collect();
            let fill = table.tones.get(i).copied().flatten().map(tone_fill);
            set_row(&texts, CELL, fill, false)
        })
        .collect();
    let caption = table.caption.as_deref().map_or_else(Vec::new, |c| caption(c, fonts));
    SetTable { caption, widths, header, rows }
}

fn caption(text: &str, fonts: &Fonts) -> Vec<SetLine> {
    set(fonts, &[(CAPTION, text)], &Setting::centred(TEXT_W, 24.0))
}

fn set_chart(chart: &Chart, fonts: &Fonts) -> Result<Piece, RenderError> {
    let tree = crate::chart::tree(chart, fonts)?;
    let caption = caption(chart.title(), fonts);
    let (tw, th) = (tree.size().width(), tree.size().height());
    // As wide as the text, unless that makes it taller than a page.
    let room = TEXT_H - BLOCK_GAP - height(&caption);
    let w = TEXT_W.min(room * tw / th);
    Ok(Piece::Chart { caption, w, h: w * th / tw, tree: Box::new(tree) })
}

/// Places pieces on pages.
#[derive(Default)]
struct Pager {
    pages: Vec<Page>,
    y: f32,
    /// What must follow the piece being placed on its last page (a note kept with it).
    reserve: f32,
    /// Where the piece being placed started drawing: its page and top.
    start: Option<(usize, f32)>,
    links: Vec<Link>,
    /// Pages whose number is not printed (a title page).
    unnumbered: Vec<usize>,
}

/// A contents entry's area on its page, pointing at the block `target`.
pub(crate) struct Link {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub target: usize,
}

/// The pages, where each block starts (its page and top, for links and bookmarks), the contents
/// entries' links.
pub(crate) struct Laid {
    pub pages: Vec<Page>,
    pub anchors: Vec<Option<(usize, f32)>>,
    pub links: Vec<Link>,
}

impl Pager {
    /// Notes the page and height where the piece being placed starts drawing.
    fn mark(&mut self) {
        if self.start.is_none() {
            self.page();
            self.start = Some((self.pages.len() - 1, self.y));
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn room(&self) -> f32 {
        BOTTOM - self.y + EPS
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + EPS
    }

    fn new_page(&mut self) {
        self.page();
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// A new page unless `h` fits here (or nothing is on this page yet).
    fn need(&mut self, h: f32) {
        if h > self.room() && !self.at_top() {
            self.new_page();
        }
    }

    /// Space between blocks, dropped at the top of a page.
    fn gap(&mut self, h: f32) {
        if !self.at_top() {
            self.y += h;
        }
    }

    fn lines(&mut self, lines: &[SetLine], x: f32) {
        for line in lines {
            self.need(line.pitch);
            self.mark();
            let y = self.y;
            line.draw(self.page(), x, y);
            self.y += line.pitch;
        }
    }

    /// A paragraph's lines, never leaving one line alone at the foot or the head of a page.
    fn paragraph(&mut self, mut lines: &[SetLine], x: f32) {
        while !lines.is_empty() {
            let pitch = lines[0].pitch;
            let mut fit = ((self.room() / pitch).floor().max(0.0) as usize).min(lines.len());
            if fit < lines.len() && lines.len() >= 2 {
                if fit < 2 && !self.at_top() {
                    self.new_page();
                    continue;
                }
                if lines.len() - fit == 1 && fit > 2 {
                    fit -= 1;
                }
            }
            if fit == lines.len() && self.reserve > 0.0 && fit as f32 * pitch + self.reserve > self.room() {
                // The note after it would be alone on the next page: two lines go with it, or
                // the whole paragraph when it is short.
                if lines.len() >= 4 {
                    fit = lines.len() - 2;
                } else if !self.at_top() {
                    self.new_page();
                    continue;
                }
            }
            let fit = fit.max(1);
            self.lines(&lines[..fit], x);
            lines = &lines[fit..];
            if !lines.is_empty() {
                self.new_page();
            }
        }
    }

    fn table(&mut self, t: SetTable) {
        self.gap(BLOCK_GAP);
        let first = t.rows.first().map_or(0.0, |r| r.height);
        self.need(height(&t.caption) + t.header.height + first);
        self.lines(&t.caption, LEFT);
        self.row(&t, &t.header);
        for (i, row) in t.rows.iter().enumerate() {
            // The last row carries the note kept with the table.
            let tail = if i + 1 == t.rows.len() { self.reserve } else { 0.0 };
            if row.height + tail > self.room() && !self.at_top() {
                self.new_page();
                self.row(&t, &t.header);
            }
            self.row(&t, row);
        }
        self.y += BLOCK_GAP;
    }

    fn row(&mut self, t: &SetTable, row: &SetRow) {
        self.mark();
        let y = self.y;
        let mut x = LEFT;
        for (cell, w) in row.cells.iter().zip(&t.widths) {
            let page = self.page();
            page.push(Op::Rect { x, y, w: *w, h: row.height, fill: row.fill, stroke: Some((RULE, 0.6)) });
            // Cells are centred vertically in the row.
            let mut top = y + (row.height - height(cell)) / 2.0;
            for line in cell {
                line.draw(page, x + CELL_PAD_X, top);
                top += line.pitch;
            }
            x += w;
        }
        self.y += row.height;
    }
}

/// The document on pages. With a table of contents it is laid out twice: first to learn where
/// each block starts, then with those pages printed in the contents (which takes the same room
/// whatever the numbers, so nothing moves; should anything move, once more).
pub(crate) fn layout(doc: &Document, fonts: &Fonts) -> Result<Laid, RenderError> {
    let mut pages = vec![None; doc.blocks.len()];
    let mut laid = place(doc, fonts, &pages)?;
    if doc.blocks.iter().any(|b| matches!(b, Block::Contents(_))) {
        for _ in 0..3 {
            let found: Vec<Option<usize>> = laid.anchors.iter().map(|a| a.map(|(page, _)| page + 1)).collect();
            if found == pages {
                break;
            }
            pages = found;
            laid = place(doc, fonts, &pages)?;
        }
    }
    Ok(laid)
}

fn place(doc: &Document, fonts: &Fonts, numbers: &[Option<usize>]) -> Result<Laid, RenderError> {
    let pieces = prepare(doc, fonts, numbers)?;
    let mut anchors = vec![None; doc.blocks.len()];
    let mut pager = Pager { y: TOP, ..Pager::default() };
    pager.page();
    let mut pieces = pieces.into_iter().peekable();
    while let Some((block, piece)) = pieces.next() {
        pager.reserve = match pieces.peek() {
            Some((_, Piece::Lines { lines, before, keep_with_previous: true, .. })) => before + height(lines),
            _ => 0.0,
        };
        pager.start = None;
        match piece {
            Piece::Masthead(ops, h) => {
                pager.mark();
                pager.page().extend(ops);
                pager.y += h;
            }
            Piece::Lines { lines, x, before, after, keep_with_next, .. } => {
                pager.gap(before);
                if keep_with_next {
                    let next = pieces.peek().map_or(0.0, |(_, p)| p.min_height());
                    pager.need(height(&lines) + after + next);
                    pager.lines(&lines, x);
                } else {
                    pager.paragraph(&lines, x);
                }
                pager.y += after;
            }
            Piece::Table(t) => pager.table(t),
            Piece::Chart { caption, w, h, tree } => {
                pager.gap(BLOCK_GAP);
                pager.need(height(&caption) + h);
                pager.lines(&caption, LEFT);
                pager.mark();
                let y = pager.y;
                pager.page().push(Op::Chart { x: LEFT + (TEXT_W - w) / 2.0, y, w, h, tree });
                pager.y += h + BLOCK_GAP;
            }
            Piece::PageBreak => {
                if !pager.at_top() {
                    pager.new_page();
                }
            }
            Piece::Cover(ops) => {
                if !pager.at_top() {
                    pager.new_page();
                }
                pager.mark();
                pager.page().extend(ops);
                pager.unnumbered.push(pager.pages.len() - 1);
                // The page is full: whatever follows starts on the next.
                pager.y = BOTTOM;
            }
            Piece::Entry { lines, x, target } => {
                let h = height(&lines);
                pager.need(h);
                pager.mark();
                let top = pager.y;
                let page = pager.pages.len() - 1;
                pager.lines(&lines, x);
                pager.links.push(Link { page, x, y: top, w: LEFT + TEXT_W - x, h, target });
            }
        }
        if let Some(i) = block {
            anchors[i] = Some(pager.start.unwrap_or((pager.pages.len() - 1, pager.y)));
        }
    }
    let Pager { mut pages, links, unnumbered, .. } = pager;
    for (i, page) in pages.iter_mut().enumerate() {
        if !unnumbered.contains(&i) {
            page_number(page, i + 1, fonts);
        }
        if let Some(footer) = &doc.footer {
            foot(page, footer, fonts);
        }
    }
    Ok(Laid { pages, anchors, links })
}

/// The footer line, centred under the page number (shrunk to the text's width if long).
fn foot(page: &mut Page, text: &str, fonts: &Fonts) {
    let face = FOOTER.face.face(fonts);
    let size = (TEXT_W / face.width(text, 1.0).max(1.0)).min(FOOTER.size);
    let w = face.width(text, size);
    let baseline = BOTTOM + 7.0 * MM + PAGE_NUMBER.size + 10.0 + size * ASCENT;
    page.push(Op::Text {
        x: LEFT + (TEXT_W - w) / 2.0,
        baseline,
        face: FOOTER.face,
        size,
        color: FOOTER.color,
        text: text.to_owned(),
        spacing: 0.0,
    });
}

/// `— 1 —` centred 7 mm below the text, as the standard places page numbers.
fn page_number(page: &mut Page, n: usize, fonts: &Fonts) {
    let text = format!("— {n} —");
    let w = PAGE_NUMBER.face.face(fonts).width(&text, PAGE_NUMBER.size);
    let baseline = BOTTOM + 7.0 * MM + PAGE_NUMBER.size * ASCENT;
    page.push(Op::Text {
        x: LEFT + (TEXT_W - w) / 2.0,
        baseline,
        face: PAGE_NUMBER.face,
        size: PAGE_NUMBER.size,
        color: PAGE_NUMBER.color,
        text,
        spacing: 0.0,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    fn fonts() -> Fonts {
        Fonts::discover().unwrap()
    }

    fn texts(page: &Page) -> Vec<(&str, f32)> {
        page.iter()
            .filter_map(
                |op| if let Op::Text { text, baseline, .. } = op { Some((text.as_str(), *baseline)) } else { None },
            )
            .collect()
    }

    fn doc(blocks: Vec<Block>) -> Document {
        Document { title: "t".into(), masthead: None, blocks, footer: None }
    }

    fn paragraph(chars: usize) -> Block {
        Block::Paragraph { lead: None, text: "字".repeat(chars) }
    }

    #[test]
    fn a_long_table_repeats_its_header_and_never_splits_a_row() {
        let rows: Vec<Vec<String>> = (1..=90).map(|i| vec![i.to_string(), format!("单位{i}")]).collect();
        let table = Table {
            caption: Some("表".into()),
            columns: vec![
                Column { header: "序号".into(), align: Align::Right, weight: 1.0 },
                Column { header: "单位".into(), align: Align::Left, weight: 3.0 },
            ],
            tones: vec![None; rows.len()],
            rows,
        };
        let pages = layout(&doc(vec![Block::Table(table)]), &fonts()).unwrap().pages;
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            let headers = texts(page).iter().filter(|(t, _)| *t == "序号").count();
            assert_eq!(headers, 1, "page {} has the header once", i + 1);
            for op in page {
                if let Op::Rect { y, h, .. } = op {
                    assert!(*y >= TOP - EPS && y + h <= BOTTOM + EPS, "a row outside the text area on page {}", i + 1);
                }
            }
        }
        let all: Vec<&str> = pages.iter().flat_map(texts).map(|(t, _)| t).collect();
        assert!((1..=90).all(|i| all.contains(&format!("单位{i}").as_str())));
    }

    #[test]
    fn a_heading_moves_down_with_the_text_it_heads() {
        // 20 of the page's 22 lines are full; the heading and two lines of what follows do not fit.
        let blocks = vec![paragraph(25 + 27 * 19), Block::Heading { level: 2, text: "二、标题".into() }, paragraph(60)];
        let pages = layout(&doc(blocks), &fonts()).unwrap().pages;
        assert_eq!(pages.len(), 2);
        assert!(texts(&pages[1]).iter().any(|(t, _)| *t == "二、标题"), "the heading starts page 2");
        assert_eq!(texts(&pages[0]).len(), 20 + 1, "20 lines and the page number on page 1");
    }

    #[test]
    fn a_note_never_ends_the_document_alone_on_a_page() {
        // The paragraph fills page 1 exactly: its last two lines go over with the note.
        let note = Block::Note { text: "本期数据截至2026年12月4日，据问题整改台账统计。".into() };
        let pages = layout(&doc(vec![paragraph(25 + 27 * 21), note]), &fonts()).unwrap().pages;
        assert_eq!(pages.len(), 2);
        assert_eq!(texts(&pages[0]).len(), 20 + 1);
        assert_eq!(texts(&pages[1]).len(), 2 + 1 + 1);
    }

    #[test]
    fn a_paragraph_leaves_no_single_line_at_a_page_foot() {
        // 21 lines used, one free: the next paragraph starts on the next page instead.
        let pages = layout(&doc(vec![paragraph(25 + 27 * 20), paragraph(25 + 27 * 3)]), &fonts()).unwrap().pages;
        assert_eq!(texts(&pages[0]).len(), 21 + 1);
        assert_eq!(texts(&pages[1]).len(), 4 + 1);
    }

    #[test]
    fn everything_stays_inside_the_margins_and_pages_are_numbered() {
        let blocks = vec![
            Block::Heading { level: 1, text: "标题".repeat(20) },
            paragraph(2000),
            Block::PageBreak,
            Block::Note { text: "注".repeat(100) },
        ];
        let pages = layout(&doc(blocks), &fonts()).unwrap().pages;
        for (i, page) in pages.iter().enumerate() {
            let texts = texts(page);
            let (last, baseline) = texts.last().unwrap();
            assert_eq!(*last, format!("— {} —", i + 1));
            assert!(*baseline > BOTTOM);
            for (text, baseline) in &texts[..texts.len() - 1] {
                assert!(*baseline > TOP && *baseline < BOTTOM, "{text} at {baseline}");
            }
        }
        let last = texts(pages.last().unwrap());
        assert!(last[0].0.starts_with('注'), "the page break puts the note on a page of its own");
    }

    #[test]
    fn the_contents_print_the_page_each_entry_starts_on() {
        use crate::{Contents, ContentsEntry, Cover};
        let entry = |level, text: &str, target| ContentsEntry { level, text: text.into(), target };
        let blocks = vec![
            Block::Cover(Cover {
                over: Some("王家庄街道".into()),
                title: "便民服务一本通".into(),
                under: vec!["2026年3月2日印制".into()],
            }),
            Block::Contents(Contents {
                title: "目录".into(),
                entries: vec![entry(1, "一、甲站", 3), entry(2, "1.乙事项", 5), entry(1, "二、丙站", 8)],
            }),
            Block::PageBreak,
            Block::Heading { level: 1, text: "一、甲站".into() },
            paragraph(1500),
            Block::Heading { level: 2, text: "1.乙事项".into() },
            paragraph(900),
            Block::PageBreak,
            Block::Heading { level: 1, text: "二、丙站".into() },
            paragraph(100),
        ];
        let doc =
            Document { footer: Some("监督单位：作风办　监督电话：0931-8123456".into()), ..doc(blocks) };
        let laid = layout(&doc, &fonts()).unwrap();
        let pages = &laid.pages;
        let page_of =
            |text: &str| pages.iter().skip(2).position(|p| texts(p).iter().any(|(t, _)| *t == text)).unwrap() + 3;
        let contents: Vec<&str> = texts(&pages[1]).into_iter().map(|(t, _)| t).collect();
        for name in ["一、甲站", "1.乙事项", "二、丙站"] {
            let at = contents.iter().position(|t| *t == name).unwrap();
            assert!(contents[at + 1].chars().all(|c| c == '.'), "a leader after {name}: {contents:?}");
            assert_eq!(contents[at + 2], page_of(name).to_string(), "{name}'s page");
        }
        assert!(page_of("二、丙站") > page_of("1.乙事项") && page_of("1.乙事项") > page_of("一、甲站"));
        assert_eq!(laid.links.len(), 3);
        assert!(laid.links.iter().all(|l| l.page == 1 && laid.anchors[l.target].is_some()));
        for (i, page) in pages.iter().enumerate() {
            let t: Vec<&str> = texts(page).into_iter().map(|(t, _)| t).collect();
            assert!(t.contains(&"监督单位：作风办　监督电话：0931-8123456"), "the footer on page {}", i + 1);
            assert_eq!(t.contains(&format!("— {} —", i + 1).as_str()), i > 0, "no number on the title page only");
        }
    }
}
