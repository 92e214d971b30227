//! Renders the sample bulletin and says how long each format took:
//! `cargo run --release -p rectify-reports --example bulletin -- OUT_DIR`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let started = Instant::now();
    let fonts = rectify_reports::Fonts::discover()?;
    println!("fonts: {:?} in {:?}", fonts, started.elapsed());
    let doc = common::bulletin();
    for round in 0..3 {
        let t = Instant::now();
        let pdf = rectify_reports::pdf(&doc, &fonts)?;
        let pdf_time = t.elapsed();
        let t = Instant::now();
        let docx = rectify_reports::docx(&doc, &fonts)?;
        let docx_time = t.elapsed();
        println!("round {round}: PDF {} bytes in {pdf_time:?}, DOCX {} bytes in {docx_time:?}", pdf.len(), docx.len());
        std::fs::write(out.join("bulletin.pdf"), &pdf)?;
        std::fs::write(out.join("bulletin.docx"), &docx)?;
    }
    for (i, block) in doc.blocks.iter().enumerate() {
        if let rectify_reports::Block::Chart(chart) = block {
            std::fs::write(out.join(format!("chart-{i}.png")), rectify_reports::png(chart, &fonts, 2.0)?)?;
            std::fs::write(out.join(format!("chart-{i}.svg")), rectify_reports::svg(chart))?;
        }
    }
    Ok(())
}
