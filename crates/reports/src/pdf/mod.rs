//! PDF with krilla: fonts embedded as subsets with ToUnicode maps, so the text copies and
//! searches as Chinese (`pdftotext` gives it back); charts drawn as vectors by krilla-svg.

mod layout;

use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};
use krilla_svg::{SurfaceExt, SvgSettings};

use crate::{Block, Document, Fonts, RenderError};
use layout::{Op, PAGE_H, PAGE_W, Rgb};

/// The document as an A4 PDF; a table of contents links each entry to its page and makes the
/// file's bookmarks.
pub fn pdf(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, RenderError> {
    let layout::Laid { pages, anchors, links } = layout::layout(doc, fonts)?;
    let destination = |target: usize| {
        let (page, y) = anchors.get(target).copied().flatten()?;
        Some(XyzDestination::new(page, Point::from_xy(0.0, y)))
    };
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new().title(doc.title.clone()).language("zh-CN".into()).creator("Rectify (整改通)".into()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError::Pdf("page size".into()))?;
    for (i, ops) in pages.into_iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op, fonts)?;
        }
        surface.finish();
        for link in links.iter().filter(|l| l.page == i) {
            let (Some(rect), Some(to)) = (Rect::from_xywh(link.x, link.y, link.w, link.h), destination(link.target))
            else {
                continue;
            };
            let target = Target::Destination(Destination::Xyz(to));
            page.add_annotation(Annotation::new_link(LinkAnnotation::new(rect, target), None));
        }
        page.finish();
    }
    // Bookmarks: the contents' chapters, each with its entries.
    let mut outline = Outline::new();
    let mut chapter: Option<OutlineNode> = None;
    let entries = doc.blocks.iter().filter_map(|b| if let Block::Contents(c) = b { Some(&c.entries) } else { None });
    for entry in entries.flatten() {
        let Some(to) = destination(entry.target) else { continue };
        let node = OutlineNode::new(entry.text.clone(), to);
        match &mut chapter {
            Some(parent) if entry.level > 1 => parent.push_child(node),
            _ if entry.level > 1 => outline.push_child(node),
            _ => {
                if let Some(done) = chapter.replace(node) {
                    outline.push_child(done);
                }
            }
        }
    }
    if let Some(done) = chapter {
        outline.push_child(done);
    }
    pdf.set_outline(outline);
    pdf.finish().map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

fn fill(colour: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn stroke(colour: Rgb, width: f32) -> Stroke {
    Stroke { paint: rgb::Color::new(colour.0, colour.1, colour.2).into(), width, ..Stroke::default() }
}

fn draw(surface: &mut Surface, op: Op, fonts: &Fonts) -> Result<(), RenderError> {
    match op {
        Op::Text { x, baseline, face, size, color, text, spacing } => {
            let face = face.face(fonts);
            // One glyph per character, advanced exactly as the layout measured it; each glyph
            // maps back to its character for text extraction.
            let glyphs: Vec<KrillaGlyph> = face
                .glyphs(&text)
                .into_iter()
                .zip(text.char_indices())
                .map(|(g, (at, c))| {
                    let advance = g.advance + spacing / size;
                    KrillaGlyph::new(GlyphId::new(g.id), advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None)
                })
                .collect();
            surface.set_stroke(None);
            surface.set_fill(Some(fill(color)));
            surface.draw_glyphs(Point::from_xy(x, baseline), &glyphs, face.krilla().clone(), &text, size, false);
        }
        Op::Rect { x, y, w, h, fill: inside, stroke: edge } => {
            let mut path = PathBuilder::new();
            let rect = Rect::from_xywh(x, y, w, h).ok_or_else(|| RenderError::Pdf(format!("rectangle {w}×{h}")))?;
            path.push_rect(rect);
            let Some(path) = path.finish() else { return Ok(()) };
            surface.set_fill(inside.map(fill));
            surface.set_stroke(edge.map(|(c, width)| stroke(c, width)));
            surface.draw_path(&path);
        }
        Op::Line { x1, y1, x2, y2, color, width } => {
            let mut path = PathBuilder::new();
            path.move_to(x1, y1);
            path.line_to(x2, y2);
            let Some(path) = path.finish() else { return Ok(()) };
            surface.set_fill(None);
            surface.set_stroke(Some(stroke(color, width)));
            surface.draw_path(&path);
        }
        Op::Chart { x, y, w, h, tree } => {
            let size = Size::from_wh(w, h).ok_or_else(|| RenderError::Pdf(format!("chart {w}×{h}")))?;
            surface.push_transform(&Transform::from_translate(x, y));
            let drawn = surface.draw_svg(&tree, size, SvgSettings::default());
            surface.pop();
            drawn.ok_or_else(|| RenderError::Pdf("chart could not be drawn".into()))?;
        }
    }
    Ok(())
}
