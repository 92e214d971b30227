//! The CJK fonts the renderers draw and measure with, read from disk at run time (never embedded:
//! a CJK face is 20–30 MB). Debian's `fonts-noto-cjk` ships TrueType collections, so a face is a
//! file and an index; the Simplified Chinese face is found by its family name, not by position.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use resvg::usvg::fontdb;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use crate::RenderError;

/// A font file to use instead of Debian's: `PATH` or `PATH#FACE-INDEX`.
pub const FONT_ENV: &str = "RECTIFY_CJK_FONT";
const DEBIAN_DIR: &str = "/usr/share/fonts/opentype/noto";

/// One face of a font file, with what the PDF writer and the measurer need.
#[derive(Clone)]
pub(crate) struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    path: PathBuf,
    family: String,
    upem: f32,
    /// Built once: krilla hashes the whole file to identify a font.
    krilla: krilla::text::Font,
}

/// A glyph of a one-to-one mapping from characters: CJK text needs no shaping, and measuring
/// and drawing from the same advances keeps a line exactly as wide as it was measured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    pub id: u32,
    /// Advance in em.
    pub advance: f32,
}

impl Face {
    fn load(data: Arc<Vec<u8>>, path: &Path, index: Option<u32>) -> Result<Face, RenderError> {
        let bad = |why: String| RenderError::NoFont(format!("{}: {why}", path.display()));
        let index = match index {
            Some(i) => i,
            None => sc_face(&data).map_err(bad)?,
        };
        let font = FontRef::from_index(&data, index).map_err(|e| bad(format!("face {index}: {e}")))?;
        let family = family_name(&font).unwrap_or_default();
        let upem = f32::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em.max(1));
        let krilla = krilla::text::Font::new(krilla::Data::from(data.clone()), index)
            .ok_or_else(|| bad(format!("face {index} cannot be embedded in a PDF")))?;
        Ok(Face { data, index, path: path.to_owned(), family, upem, krilla })
    }

    /// Glyphs of `text`, one per character (.notdef for a character the face lacks).
    pub(crate) fn glyphs(&self, text: &str) -> Vec<Glyph> {
        let Ok(font) = FontRef::from_index(&self.data, self.index) else {
            // Checked when loaded; an em per character keeps layout going regardless.
            return text.chars().map(|_| Glyph { id: 0, advance: 1.0 }).collect();
        };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        text.chars()
            .map(|c| {
                let id = charmap.map(c).unwrap_or_default();
                let advance = metrics.advance_width(id).unwrap_or(self.upem) / self.upem;
                Glyph { id: id.to_u32(), advance }
            })
            .collect()
    }

    /// Advance of each character of `text` in em.
    pub(crate) fn advances(&self, text: &str) -> Vec<f32> {
        self.glyphs(text).into_iter().map(|g| g.advance).collect()
    }

    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.advances(text).iter().sum::<f32>() * size
    }

    pub(crate) fn krilla(&self) -> &krilla::text::Font {
        &self.krilla
    }
}

/// The first face whose family ends in "SC" (Simplified Chinese), preferring a proportional one to
/// "Noto Sans Mono CJK SC"; a file without such a face gives its first face.
fn sc_face(data: &[u8]) -> Result<u32, String> {
    let fonts: Vec<FontRef> = match FileRef::new(data).map_err(|e| format!("not a font file: {e}"))? {
        FileRef::Font(f) => vec![f],
        FileRef::Collection(c) => c.iter().filter_map(Result::ok).collect(),
    };
    let families: Vec<String> = fonts.iter().map(|f| family_name(f).unwrap_or_default()).collect();
    let sc = |mono: bool| families.iter().position(|f| f.ends_with("SC") && f.contains("Mono") == mono);
    Ok(sc(false).or_else(|| sc(true)).unwrap_or(0) as u32)
}

fn family_name(font: &FontRef) -> Option<String> {
    [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
        .into_iter()
        .find_map(|id| font.localized_strings(id).english_or_first())
        .map(|s| s.chars().collect())
}

/// The faces a report is drawn with: body text like an official document (serif, 仿宋/宋体 in
/// Word), headlines and the masthead in a bold serif (小标宋 style), section headings and lead-ins
/// in a bold sans (黑体), chart labels in a plain sans.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) body: Face,
    pub(crate) title: Face,
    pub(crate) heading: Face,
    pub(crate) chart: Face,
    /// Chart SVGs are laid out by usvg from this database (the chart face only).
    pub(crate) svg_db: Arc<fontdb::Database>,
    pub(crate) svg_family: String,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let face = |face: &Face| format!("{} ({}#{})", face.family, face.path.display(), face.index);
        f.debug_struct("Fonts")
            .field("body", &face(&self.body))
            .field("title", &face(&self.title))
            .field("heading", &face(&self.heading))
            .field("chart", &face(&self.chart))
            .finish()
    }
}

impl Fonts {
    /// `RECTIFY_CJK_FONT` when set, else Debian's `fonts-noto-cjk`. Reads the font files (about
    /// 90 MB for Noto): make one `Fonts` and share it.
    pub fn discover() -> Result<Fonts, RenderError> {
        let env = std::env::var(FONT_ENV).ok().filter(|v| !v.trim().is_empty());
        discover_in(env.as_deref(), Path::new(DEBIAN_DIR))
    }

    /// One font for everything from `PATH` or `PATH#FACE-INDEX` (a collection without an index
    /// gives its Simplified Chinese face). A file beside it named with `Bold` for `Regular` is
    /// used for bold text; without one, bold text uses the same face.
    pub fn from_spec(spec: &str) -> Result<Fonts, RenderError> {
        let (path, index) = parse_spec(spec);
        let mut files = Files::default();
        let regular =
            files.face(&path, index)?.ok_or_else(|| RenderError::NoFont(format!("{FONT_ENV}={spec}: no such file")))?;
        let bold = bold_sibling(&path)
            .and_then(|p| files.face(&p, None).transpose())
            .transpose()?
            .unwrap_or_else(|| regular.clone());
        Fonts::new(regular.clone(), bold.clone(), bold, regular)
    }

    fn new(body: Face, title: Face, heading: Face, chart: Face) -> Result<Fonts, RenderError> {
        let mut db = fontdb::Database::new();
        let ids = db.load_font_source(fontdb::Source::Binary(chart.data.clone()));
        // usvg picks faces by family name: take the name fontdb itself gives the chart face.
        let svg_family = ids
            .iter()
            .filter_map(|id| db.face(*id))
            .find(|info| info.index == chart.index)
            .and_then(|info| info.families.first().map(|(name, _)| name.clone()))
            .ok_or_else(|| RenderError::NoFont(format!("{}: unreadable for charts", chart.path.display())))?;
        Ok(Fonts { body, title, heading, chart, svg_db: Arc::new(db), svg_family })
    }
}

pub(crate) fn discover_in(env: Option<&str>, debian: &Path) -> Result<Fonts, RenderError> {
    if let Some(spec) = env {
        return Fonts::from_spec(spec);
    }
    let mut files = Files::default();
    let mut noto = |name: &str| files.face(&debian.join(name), None);
    let (serif, serif_bold) = (noto("NotoSerifCJK-Regular.ttc")?, noto("NotoSerifCJK-Bold.ttc")?);
    let (sans, sans_bold) = (noto("NotoSansCJK-Regular.ttc")?, noto("NotoSansCJK-Bold.ttc")?);
    let Some(body) = serif.clone().or_else(|| sans.clone()) else {
        return Err(RenderError::NoFont(format!(
            "{FONT_ENV} is not set and {} has no Noto CJK font",
            debian.display()
        )));
    };
    let title = serif_bold.clone().or_else(|| sans_bold.clone()).unwrap_or_else(|| body.clone());
    let heading = sans_bold.or(serif_bold).unwrap_or_else(|| title.clone());
    let chart = sans.unwrap_or_else(|| body.clone());
    Fonts::new(body, title, heading, chart)
}

/// Each file is read once however many roles use it.
#[derive(Default)]
struct Files(Vec<(PathBuf, Arc<Vec<u8>>)>);

impl Files {
    /// `None` when the file does not exist; an error when it exists but is no usable font.
    fn face(&mut self, path: &Path, index: Option<u32>) -> Result<Option<Face>, RenderError> {
        let data = match self.0.iter().find(|(p, _)| p == path) {
            Some((_, data)) => data.clone(),
            None => match std::fs::read(path) {
                Ok(bytes) => {
                    let data = Arc::new(bytes);
                    self.0.push((path.to_owned(), data.clone()));
                    data
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(RenderError::NoFont(format!("{}: {e}", path.display()))),
            },
        };
        Face::load(data, path, index).map(Some)
    }
}

/// `PATH#3` → (PATH, Some(3)); a `#` not followed by digits is part of the path.
fn parse_spec(spec: &str) -> (PathBuf, Option<u32>) {
    if let Some((path, index)) = spec.rsplit_once('#')
        && let Ok(index) = index.parse()
    {
        return (PathBuf::from(path), Some(index));
    }
    (PathBuf::from(spec), None)
}

fn bold_sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    name.contains("Regular").then(|| path.with_file_name(name.replace("Regular", "Bold"))).filter(|p| p.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_split_a_face_index_off() {
        assert_eq!(parse_spec("/f/a.ttc#2"), (PathBuf::from("/f/a.ttc"), Some(2)));
        assert_eq!(parse_spec("/f/a#b.ttf"), (PathBuf::from("/f/a#b.ttf"), None));
        assert_eq!(parse_spec("/f/a.ttf"), (PathBuf::from("/f/a.ttf"), None));
    }

    #[test]
    fn a_missing_font_is_an_error_naming_the_variable_and_the_package() {
        let empty = tempfile::tempdir().unwrap();
        for result in [discover_in(None, empty.path()), discover_in(Some("/nonexistent/font.ttc"), empty.path())] {
            let message = result.unwrap_err().to_string();
            assert!(message.contains(FONT_ENV) && message.contains("fonts-noto-cjk"), "{message}");
        }
        let not_a_font = empty.path().join("NotoSerifCJK-Regular.ttc");
        std::fs::write(&not_a_font, b"not a font").unwrap();
        let message = discover_in(None, empty.path()).unwrap_err().to_string();
        assert!(message.contains("not a font file"), "{message}");
    }

    #[test]
    fn the_simplified_chinese_face_is_picked_by_name() {
        let fonts = Fonts::discover().unwrap();
        assert_eq!(fonts.body.family, "Noto Serif CJK SC");
        assert_eq!(fonts.heading.family, "Noto Sans CJK SC");
        assert_eq!(fonts.chart.family, "Noto Sans CJK SC", "not the Mono face");
        assert_eq!(fonts.svg_family, "Noto Sans CJK SC");
        // A spec without an index picks the same face; with one, that face.
        let spec = Fonts::from_spec("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").unwrap();
        assert_eq!((spec.body.family.as_str(), spec.title.family.as_str()), ("Noto Sans CJK SC", "Noto Sans CJK SC"));
        assert!(spec.title.path.ends_with("NotoSansCJK-Bold.ttc"), "the bold sibling");
        let jp = Fonts::from_spec("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#0").unwrap();
        assert_eq!(jp.body.family, "Noto Sans CJK JP");
    }

    #[test]
    fn cjk_characters_are_one_em_and_fonts_are_shareable() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Fonts>();
        let fonts = Fonts::discover().unwrap();
        assert_eq!(fonts.body.advances("整改"), vec![1.0, 1.0]);
        assert!(fonts.body.glyphs("整").iter().all(|g| g.id != 0));
        let w = fonts.body.width("81.63%", 10.0);
        assert!(w > 20.0 && w < 50.0, "{w}");
    }
}
