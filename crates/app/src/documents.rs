//! Documents rendered from the domain's content: bulletins, personal rectification plans and an
//! area's 便民服务一本通 as DOCX or PDF, for the API's and the pages' downloads and `rectify bulletin`. Rendering is CPU work (tens of milliseconds), so it runs off
//! the async threads; the CJK fonts are read from disk once per process.

use crate::{AppError, AppResult, File, Params, blocking};
use rectify_domain::Issue;
use rectify_domain::bulletin::BulletinContent;
use rectify_domain::personal_plan::PersonalPlan;
use rectify_domain::service::handbook::Handbook;
use rectify_reports::{Document, Fonts};
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocFormat {
    #[default]
    Docx,
    Pdf,
}

impl DocFormat {
    pub fn parse(s: &str) -> Option<DocFormat> {
        match s {
            "docx" => Some(DocFormat::Docx),
            "pdf" => Some(DocFormat::Pdf),
            _ => None,
        }
    }

    /// From a file name's extension (`简报.pdf`).
    pub fn of_file(name: &str) -> Option<DocFormat> {
        DocFormat::parse(&name.rsplit_once('.')?.1.to_ascii_lowercase())
    }

    /// `format=docx|pdf`.
    pub fn read(p: &mut Params) -> Option<DocFormat> {
        p.parse("format", DocFormat::parse, || Issue::NotOneOf { expected: vec!["docx".into(), "pdf".into()] })
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Docx => "docx",
            DocFormat::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            DocFormat::Pdf => "application/pdf",
        }
    }
}

static FONTS: OnceLock<Result<Arc<Fonts>, String>> = OnceLock::new();

/// The CJK fonts (`RECTIFY_CJK_FONT`, else Debian's fonts-noto-cjk), found once.
fn fonts() -> Result<Arc<Fonts>, String> {
    FONTS.get_or_init(|| Fonts::discover().map(Arc::new).map_err(|e| e.to_string())).clone()
}

/// Lays a document out and renders it off the async threads.
async fn render(
    what: &str,
    format: DocFormat,
    layout: impl FnOnce() -> Document + Send + 'static,
) -> AppResult<Vec<u8>> {
    blocking(what, move || {
        let fonts = fonts()?;
        let doc = layout();
        match format {
            DocFormat::Docx => rectify_reports::docx(&doc, &fonts),
            DocFormat::Pdf => rectify_reports::pdf(&doc, &fonts),
        }
        .map_err(|e| e.to_string())
    })
    .await?
    .map_err(AppError::Internal)
}

/// A bulletin's document.
pub async fn bulletin(content: BulletinContent, format: DocFormat) -> AppResult<File> {
    let name = bulletin_file_name(&content, format);
    let bytes = render("rendering a bulletin", format, move || rectify_reports::bulletin::document(&content)).await?;
    Ok(File { name, content_type: format.content_type(), bytes })
}

/// A personal rectification plan's document, named `张三同志个人整改计划书-2026-03-02.pdf` (the
/// day its figures were counted).
pub async fn personal_plan(plan: PersonalPlan, format: DocFormat) -> AppResult<File> {
    let name = format!("{}-{}.{}", plan.title, plan.as_of, format.extension());
    let bytes = render("rendering a personal plan", format, move || rectify_reports::plan::document(&plan)).await?;
    Ok(File { name, content_type: format.content_type(), bytes })
}

/// An area's 便民服务一本通, named `王家庄街道便民服务一本通-2026-03-02.pdf` (the day it was printed).
pub async fn handbook(handbook: Handbook, format: DocFormat) -> AppResult<File> {
    let name = format!("{}-{}.{}", handbook.title(), handbook.printed_on, format.extension());
    let bytes = render("rendering a handbook", format, move || rectify_reports::handbook::document(&handbook)).await?;
    Ok(File { name, content_type: format.content_type(), bytes })
}

/// A bulletin's file name: `简报第3期.pdf`, or `简报（未发布稿）.docx` for a draft.
fn bulletin_file_name(content: &BulletinContent, format: DocFormat) -> String {
    match content.number {
        Some(n) => format!("{}简报第{n}期.{}", content.campaign, format.extension()),
        None => format!("{}简报（未发布稿）.{}", content.campaign, format.extension()),
    }
}

#[cfg(test)]
mod tests {
    use super::DocFormat;

    #[test]
    fn a_documents_format_follows_its_files_extension() {
        assert_eq!(DocFormat::of_file("宁海县简报第3期.PDF"), Some(DocFormat::Pdf));
        assert_eq!(DocFormat::of_file("简报.docx"), Some(DocFormat::Docx));
        assert_eq!(DocFormat::of_file("简报.doc"), None);
        assert_eq!(DocFormat::of_file("简报"), None);
    }
}
