//! Evidence files (佐证材料). The type is decided from the bytes, never from the name, and a name
//! that claims another type is refused as disguised.

use crate::error::{DomainError, Issue};
use crate::ids::AttachmentId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub created_at: Timestamp,
}

/// File types accepted as evidence: photos, scans and office documents (a new rule is itself
/// the evidence of a 建章立制 fix).
const ALLOWED: [(&str, &[&str]); 9] = [
    ("image/jpeg", &["jpg", "jpeg", "jfif"]),
    ("image/png", &["png"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("application/pdf", &["pdf"]),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &["docx"]),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &["xlsx"]),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
];

/// Checks an upload and returns its cleaned file name and content type.
pub fn check_upload(filename: &str, bytes: &[u8]) -> Result<(String, &'static str), DomainError> {
    if bytes.is_empty() {
        return Err(DomainError::field("file", Issue::Required));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(DomainError::field("file", Issue::TooLong { max: MAX_ATTACHMENT_BYTES }));
    }
    let expected = || Issue::NotOneOf { expected: ALLOWED.iter().map(|(m, _)| (*m).to_owned()).collect() };
    let sniffed = infer::get(bytes).map(|t| t.mime_type());
    let Some((mime, exts)) = sniffed.and_then(|m| ALLOWED.iter().find(|(a, _)| *a == m)) else {
        return Err(DomainError::field("file", expected()));
    };
    let name = clean_filename(filename);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let claims_other =
        ext.as_deref().is_some_and(|e| !exts.contains(&e) && ALLOWED.iter().any(|(_, others)| others.contains(&e)));
    if claims_other || ext.as_deref().is_some_and(is_executable) {
        return Err(DomainError::field(
            "file",
            Issue::Malformed { expected: crate::error::Expected::MatchingFile { mime: mime.to_string() } },
        ));
    }
    Ok((name, mime))
}

fn is_executable(ext: &str) -> bool {
    matches!(ext, "exe" | "bat" | "cmd" | "com" | "js" | "vbs" | "scr" | "sh" | "html" | "htm" | "svg")
}

/// Keeps the last path component, drops control characters, caps the length. The name is only
/// ever shown; storage is keyed by id.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = crate::text::clean(&cleaned).trim_start_matches('.');
    if cleaned.is_empty() { "file".to_owned() } else { cleaned.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(check_upload("现场照片.png", PNG).unwrap().1, "image/png");
        assert_eq!(check_upload("scan", PDF).unwrap().1, "application/pdf");
        assert!(check_upload("photo.jpg", b"MZ\x90\0 this is a program").is_err());
        assert!(check_upload("notes.txt", b"plain text").is_err());
        assert!(check_upload("empty.png", b"").is_err());
    }

    #[test]
    fn disguised_files_are_refused() {
        assert!(check_upload("photo.jpg", PDF).is_err());
        assert!(check_upload("invoice.pdf.exe", PDF).is_err());
        assert!(check_upload("photo.JPG", PNG).is_err());
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\a\\证据.pdf"), "证据.pdf");
        assert_eq!(clean_filename("..."), "file");
    }
}
