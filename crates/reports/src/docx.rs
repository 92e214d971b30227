//! DOCX with docx-rs, for offices that edit a bulletin in Word before it goes out: A4 with the
//! official-document margins, the fonts an office PC has (仿宋 body, 黑体 headings, 宋体 for the
//! headline and the red masthead; Times New Roman for Latin and digits), charts as PNG images and
//! `— 1 —` page numbers in the footer (with the document's footer line under them; none on a
//! title page).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, HeightRule, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run,
    RunFonts, Shading, SpecialIndentType, Tab, TabValueType, TableCell, TableCellMargins, TableLayoutType, TableRow,
    VAlignType, WidthType,
};

use crate::{Align, Block, Chart, Contents, Cover, Document, Fonts, Masthead, RenderError, Table, Tone};

/// Twentieths of a point per millimetre.
const TWIPS_PER_MM: f32 = 1440.0 / 25.4;
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: i32 = (37.0 * TWIPS_PER_MM) as i32;
const MARGIN_BOTTOM: i32 = (35.0 * TWIPS_PER_MM) as i32;
const MARGIN_LEFT: i32 = (28.0 * TWIPS_PER_MM) as i32;
const MARGIN_RIGHT: i32 = (26.0 * TWIPS_PER_MM) as i32;
const TEXT_W: i32 = PAGE_W as i32 - MARGIN_LEFT - MARGIN_RIGHT;
/// 22 lines of 三号 text a page: 225 mm ÷ 22.
const BODY_PITCH: i32 = (225.0 * TWIPS_PER_MM / 22.0) as i32;
/// English Metric Units per twip, for image sizes.
const EMU_PER_TWIP: u32 = 635;

const FANGSONG: &str = "仿宋";
const HEITI: &str = "黑体";
const SONGTI: &str = "宋体";
const LATIN: &str = "Times New Roman";
const RED: &str = "D4101B";
const GREY: &str = "444444";

/// Sizes in half-points: 三号 16pt body, 二号 22pt headline.
const BODY: usize = 32;
const HEADLINE: usize = 44;
const MASTHEAD: usize = 104;
const CAPTION: usize = 28;
const SMALL: usize = 24;
/// Table cells: 五号 10.5pt, as official documents set their tables.
const CELL: usize = 21;

/// A header row is marked with this minimum height so `<w:tblHeader/>` (repeat on each page,
/// which docx-rs cannot write) can be added to exactly those rows after building.
const HEADER_ROW_MARK: &str = r#"<w:trHeight w:val="397" w:hRule="atLeast" />"#;

const PPR_DEFAULT: &str = "<w:pPrDefault><w:pPr><w:rPr /></w:pPr>";
const PPR_DEFAULT_NO_HANGING: &str = r#"<w:pPrDefault><w:pPr><w:overflowPunct w:val="1" /><w:rPr /></w:pPr>"#;

fn fonts(east_asia: &str) -> RunFonts {
    // The eastAsia hint makes Word draw quotes and dashes, which both scripts share, in the
    // Chinese face.
    RunFonts::new().east_asia(east_asia).ascii(LATIN).hi_ansi(LATIN).cs(LATIN).hint("eastAsia")
}

/// A run of text; a `\n` in it breaks the line.
fn run(text: &str, east_asia: &str, size: usize) -> Run {
    let mut r = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    r.fonts(fonts(east_asia)).size(size)
}

fn exact(pitch: i32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(pitch)
}

/// The document as a DOCX file.
pub fn docx(doc: &Document, fonts_: &Fonts) -> Result<Vec<u8>, RenderError> {
    let mut d = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header((15.0 * TWIPS_PER_MM) as i32)
                .footer((23.0 * TWIPS_PER_MM) as i32),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(BODY)
        .footer(footer(doc.footer.as_deref(), true));
    if matches!(doc.blocks.first(), Some(Block::Cover(_))) {
        d = d.first_footer(footer(doc.footer.as_deref(), false));
    }
    if let Some(m) = &doc.masthead {
        for p in masthead(m, fonts_) {
            d = d.add_paragraph(p);
        }
    }
    for block in &doc.blocks {
        d = match block {
            Block::Heading { level: 0 | 1, text } => d.add_paragraph(
                Paragraph::new()
                    .add_run(run(text, SONGTI, HEADLINE).bold())
                    .align(AlignmentType::Center)
                    .line_spacing(exact(720).before(120).after(280))
                    .keep_next(true),
            ),
            Block::Heading { level, text } => d.add_paragraph(
                body_paragraph()
                    .add_run(run(text, if *level == 2 { HEITI } else { SONGTI }, BODY).bold())
                    .align(AlignmentType::Left)
                    .keep_next(true),
            ),
            Block::Paragraph { lead, text } => {
                let mut p = body_paragraph();
                if let Some(lead) = lead {
                    p = p.add_run(run(lead, HEITI, BODY).bold());
                }
                d.add_paragraph(p.add_run(run(text, FANGSONG, BODY)))
            }
            Block::Note { text } => d.add_paragraph(
                Paragraph::new()
                    .add_run(run(text, FANGSONG, SMALL).color(GREY))
                    .align(AlignmentType::Both)
                    .line_spacing(exact(400).before(80).after(80)),
            ),
            Block::Table(table) => {
                if let Some(caption) = &table.caption {
                    d = d.add_paragraph(caption_paragraph(caption));
                }
                d.add_table(table_of(table))
            }
            Block::Chart(chart) => {
                d.add_paragraph(caption_paragraph(chart.title())).add_paragraph(image(chart, fonts_)?)
            }
            Block::PageBreak => d.add_paragraph(page_break()),
            Block::Cover(cover) => cover_page(cover).into_iter().fold(d, Docx::add_paragraph),
            Block::Contents(contents) => contents_list(contents).into_iter().fold(d, Docx::add_paragraph),
        };
    }
    let mut xml = d.build();
    let document =
        String::from_utf8(std::mem::take(&mut xml.document)).map_err(|e| RenderError::Docx(e.to_string()))?;
    xml.document = document.replace(HEADER_ROW_MARK, &format!("{HEADER_ROW_MARK}<w:tblHeader />")).into_bytes();
    // Word's default written out (punctuation may overflow the margin): LibreOffice reads a
    // missing or "0" value as its hanging punctuation, and then drops a hung `。` from the page.
    let styles = String::from_utf8(std::mem::take(&mut xml.styles)).map_err(|e| RenderError::Docx(e.to_string()))?;
    if !styles.contains(PPR_DEFAULT) {
        return Err(RenderError::Docx("docx-rs wrote unexpected default paragraph properties".into()));
    }
    xml.styles = styles.replace(PPR_DEFAULT, PPR_DEFAULT_NO_HANGING).into_bytes();
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

/// A title page: `over` a third of the way down, the title large and red above a red rule,
/// `under` lower down; what follows starts on the next page.
fn cover_page(cover: &Cover) -> Vec<Paragraph> {
    let mut out = Vec::new();
    if let Some(over) = &cover.over {
        out.push(
            Paragraph::new()
                .add_run(run(over, SONGTI, 56).bold())
                .align(AlignmentType::Center)
                .line_spacing(exact(880).before(2400).after(480)),
        );
    }
    let rule =
        ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(BorderType::Single).size(16).space(8).color(RED);
    out.push(
        Paragraph::new()
            .add_run(run(&cover.title, SONGTI, 88).bold().color(RED).character_spacing(130))
            .align(AlignmentType::Center)
            .set_borders(ParagraphBorders::with_empty().set(rule))
            .line_spacing(exact(1280).before(if cover.over.is_some() { 0 } else { 3400 })),
    );
    for (i, line) in cover.under.iter().enumerate() {
        out.push(
            Paragraph::new()
                .add_run(run(line, FANGSONG, BODY))
                .align(AlignmentType::Center)
                .line_spacing(exact(BODY_PITCH).before(if i == 0 { 5200 } else { 0 })),
        );
    }
    out.push(page_break());
    out
}

/// The contents as a list: the title, then each entry, those within a chapter indented (Word
/// counts pages itself; the list does not).
fn contents_list(contents: &Contents) -> Vec<Paragraph> {
    let mut out = vec![
        Paragraph::new()
            .add_run(run(&contents.title, SONGTI, HEADLINE).bold())
            .align(AlignmentType::Center)
            .line_spacing(exact(720).before(120).after(280)),
    ];
    for e in &contents.entries {
        let (face, size, indent) =
            if e.level <= 1 { (HEITI, BODY, 0) } else { (FANGSONG, CAPTION, 2 * CAPTION as i32 * 10) };
        out.push(
            Paragraph::new()
                .add_run(run(&e.text, face, size))
                .indent(Some(indent), None, None, None)
                .line_spacing(exact(if e.level <= 1 { BODY_PITCH } else { 480 })),
        );
    }
    out
}

/// Body text: justified, first line indented two characters, on the 22-line grid.
fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(2 * BODY as i32 * 10)), None, None)
        .line_spacing(exact(BODY_PITCH))
}

fn caption_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, HEITI, CAPTION).bold())
        .align(AlignmentType::Center)
        .line_spacing(exact(480).before(160))
        .keep_next(true)
}

/// The red masthead: the name spread out in large red type, the issue, then issuer and date on one
/// line (a right tab) above a red rule.
fn masthead(m: &Masthead, fonts: &Fonts) -> Vec<Paragraph> {
    let spread = if m.name.chars().count() <= 4 { (MASTHEAD as i32) * 10 / 2 } else { 0 };
    let name = Paragraph::new()
        .add_run(run(&m.name, SONGTI, MASTHEAD).bold().color(RED).character_spacing(spread))
        .align(AlignmentType::Center)
        .line_spacing(exact(1400));
    let issue = Paragraph::new()
        .add_run(run(&m.issue, FANGSONG, BODY))
        .align(AlignmentType::Center)
        .line_spacing(exact(BODY_PITCH));
    // A long issuer shrinks the line, as in the PDF, rather than wrapping it.
    let natural = fonts.body.width(&m.issuer, 1.0) + fonts.body.width(&m.date, 1.0) + 2.0;
    let size = ((TEXT_W as f32 / 20.0 / natural * 2.0).floor() as usize).min(BODY);
    let rule =
        ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(BorderType::Single).size(16).space(4).color(RED);
    let line = Paragraph::new()
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_W as usize))
        .add_run(run(&m.issuer, FANGSONG, size))
        .add_run(Run::new().add_tab())
        .add_run(run(&m.date, FANGSONG, size))
        .set_borders(ParagraphBorders::with_empty().set(rule))
        .line_spacing(exact(BODY_PITCH).after(280));
    vec![name, issue, line]
}

fn table_of(table: &Table) -> docx_rs::Table {
    let n = table.columns.len().max(1);
    let total: f32 = table.columns.iter().map(|c| c.weight.max(0.0)).sum();
    let widths: Vec<usize> = table
        .columns
        .iter()
        .map(|c| {
            let share = if total > 0.0 { c.weight.max(0.0) / total } else { 1.0 / n as f32 };
            (share * TEXT_W as f32) as usize
        })
        .collect();
    let cell = |text: &str, width: usize, align: Align, header: bool, fill: Option<&str>| {
        let r = run(text, if header { HEITI } else { FANGSONG }, CELL);
        let p = Paragraph::new()
            .add_run(if header { r.bold() } else { r })
            .align(match align {
                Align::Left => AlignmentType::Left,
                Align::Right => AlignmentType::Right,
                Align::Center => AlignmentType::Center,
            })
            .line_spacing(exact(360));
        let c = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
        match fill {
            Some(fill) => c.shading(Shading::new().fill(fill)),
            None => c,
        }
    };
    let header = TableRow::new(
        table
            .columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| cell(&c.header, *w, Align::Center, true, Some("E6E6E6")))
            .collect(),
    )
    .row_height(397.0)
    .height_rule(HeightRule::AtLeast)
    .cant_split();
    let mut rows = vec![header];
    for (i, row) in table.rows.iter().enumerate() {
        let fill = table.tones.get(i).copied().flatten().map(tone_fill);
        let cells = table
            .columns
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(j, (c, w))| cell(row.get(j).map_or("", String::as_str), *w, c.align, false, fill))
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    // Narrow cell margins (57 twips, 1 mm): ten columns of figures fit an A4 page.
    docx_rs::Table::new(rows)
        .set_grid(widths)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W as usize, WidthType::Dxa)
        .margins(TableCellMargins::new().margin(0, 57, 0, 57))
}

fn tone_fill(tone: Tone) -> &'static str {
    match tone {
        Tone::Red => "FBE0DE",
        Tone::Yellow => "FDF1C8",
        Tone::Green => "DFF0E2",
    }
}

/// The chart as a PNG, as wide as the text (two pixels per SVG unit: sharp when printed).
fn image(chart: &Chart, fonts: &Fonts) -> Result<Paragraph, RenderError> {
    let png = crate::chart::png(chart, fonts, 2.0)?;
    let (w_px, h_px) = png_size(&png).ok_or_else(|| RenderError::Docx("chart image".into()))?;
    let w = TEXT_W as u32 * EMU_PER_TWIP;
    let h = (u64::from(w) * u64::from(h_px) / u64::from(w_px.max(1))) as u32;
    let pic = Pic::new_with_dimensions(png, w_px, h_px).size(w, h);
    Ok(Paragraph::new().add_run(Run::new().add_image(pic)).align(AlignmentType::Center).keep_lines(true))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let w = png.get(16..20)?.try_into().ok().map(u32::from_be_bytes)?;
    let h = png.get(20..24)?.try_into().ok().map(u32::from_be_bytes)?;
    Some((w, h))
}

/// The footer: the page number (unless `numbered` is false: a title page), then the document's
/// footer line in small type.
fn footer(line: Option<&str>, numbered: bool) -> Footer {
    let mut f = Footer::new();
    if numbered {
        f = f.add_paragraph(page_number());
    }
    if let Some(line) = line {
        f = f.add_paragraph(
            Paragraph::new().add_run(run(line, FANGSONG, SMALL).color(GREY)).align(AlignmentType::Center),
        );
    }
    f
}

/// `— 1 —`, centred, the number a PAGE field.
fn page_number() -> Paragraph {
    let size = 28;
    let field = Run::new()
        .fonts(fonts(SONGTI))
        .size(size)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Paragraph::new()
        .add_run(run("— ", SONGTI, size))
        .add_run(field)
        .add_run(run(" —", SONGTI, size))
        .align(AlignmentType::Center)
}
