//! The sample bulletin rendered to each format and read back with the tools an office would use:
//! poppler's pdftotext for the PDF, LibreOffice for the DOCX. They must be installed (CI installs
//! poppler-utils, libreoffice and fonts-noto-cjk); a missing tool fails the test, it never skips.

mod common;

use std::io::Read;
use std::sync::OnceLock;

use rectify_reports::{Block, Chart, Fonts};

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().expect("a CJK font (apt-get install fonts-noto-cjk)"))
}

#[test]
fn the_pdf_gives_its_text_back() {
    let pdf = rectify_reports::pdf(&common::bulletin(), fonts()).unwrap();
    assert!(pdf.len() < 1_000_000, "fonts are subset: {} bytes", pdf.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulletin.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let pages = common::pdf_pages(&path);
    common::assert_bulletin_text(&pages);
    let info = common::run("pdfinfo", &[path.to_str().unwrap()], "poppler-utils");
    assert!(info.contains("A4"), "{info}");
    assert!(info.contains("《简报》第8期"), "the title is in the metadata: {info}");
    // Every page is numbered at its foot.
    for (i, page) in pages.iter().enumerate() {
        let text: String = page.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.ends_with(&format!("—{}—", i + 1)), "page {}: {page}", i + 1);
    }
}

#[test]
fn the_docx_opens_in_libreoffice_with_the_same_text() {
    let docx = rectify_reports::docx(&common::bulletin(), fonts()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulletin.docx");
    std::fs::write(&path, &docx).unwrap();
    // Each conversion has its own profile: LibreOffice runs sharing one break each other.
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display());
    let out = dir.path().join("out");
    common::run(
        "libreoffice",
        &[&profile, "--headless", "--convert-to", "pdf", "--outdir", out.to_str().unwrap(), path.to_str().unwrap()],
        "libreoffice-writer",
    );
    let pages = common::pdf_pages(&out.join("bulletin.pdf"));
    common::assert_bulletin_text(&pages);
}

fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn the_docx_sets_chinese_fonts_on_every_run() {
    let docx = rectify_reports::docx(&common::bulletin(), fonts()).unwrap();
    let xml = document_xml(&docx);
    for font in ["仿宋", "黑体", "宋体"] {
        assert!(xml.contains(&format!(r#"w:eastAsia="{font}""#)), "{font}");
    }
    let text_runs: Vec<&str> =
        xml.split("<w:r>").skip(1).filter(|r| r.split("</w:r>").next().unwrap().contains("<w:t ")).collect();
    assert!(text_runs.len() > 40, "{} runs", text_runs.len());
    for run in text_runs {
        assert!(
            run.split("</w:r>").next().unwrap().contains("w:eastAsia="),
            "a run without its East Asian font: {run}"
        );
    }
    assert!(xml.contains(r#"w:ascii="Times New Roman""#));
    // A4 with the official margins; the table header repeats on each page; charts are images.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(xml.contains(r#"w:top="2097""#) && xml.contains(r#"w:left="1587""#), "37 mm and 28 mm margins");
    assert_eq!(xml.matches("<w:tblHeader />").count(), 1);
    assert_eq!(xml.matches("<pic:pic").count(), 2);
}

#[test]
fn a_chart_png_has_the_size_of_its_svg_times_the_scale() {
    let doc = common::bulletin();
    let charts: Vec<&Chart> =
        doc.blocks.iter().filter_map(|b| if let Block::Chart(c) = b { Some(c) } else { None }).collect();
    // 26 units a row and 10 of margin, 800 wide.
    for (chart, rows) in charts.into_iter().zip([12, 6]) {
        let png = rectify_reports::png(chart, fonts(), 1.5).unwrap();
        let image = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
        assert_eq!((image.width(), image.height()), (1200, ((26 * rows + 10) as f32 * 1.5) as u32));
        // Labels were drawn: dark pixels in the label column, left of the bars.
        let dark = (0..image.height())
            .flat_map(|y| (0..300).map(move |x| (x, y)))
            .filter(|&(x, y)| image.pixel(x, y).is_some_and(|p| p.red() < 100 && p.blue() < 100))
            .count();
        assert!(dark > 200, "label pixels: {dark}");
    }
}

#[test]
fn the_model_round_trips_through_json() {
    let doc = common::bulletin();
    let json = serde_json::to_string(&doc).unwrap();
    let back: rectify_reports::Document = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}
