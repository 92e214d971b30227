//! Checks on free text shared by every input type. Lengths count characters, not bytes: a
//! 4,000-character limit means 4,000 汉字.

use crate::error::{FieldError, Issue};

pub const NAME_MAX: usize = 100;
pub const SHORT_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;
/// A citizen's message or letter: real message boards hold ones of 7,000 characters.
pub const MESSAGE_MAX: usize = 20_000;

/// A text's character pairs (letters and digits kept, punctuation and spaces left out), for
/// measuring how alike texts are without segmenting them.
#[derive(Debug, Clone, Default)]
pub struct Pairs {
    counts: std::collections::HashMap<[char; 2], f64>,
    norm: f64,
}

impl Pairs {
    pub fn new(text: &str) -> Pairs {
        let kept: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
        let mut counts = std::collections::HashMap::new();
        for w in kept.windows(2) {
            *counts.entry([w[0], w[1]]).or_default() += 1.0;
        }
        let norm = counts.values().map(|x: &f64| x * x).sum::<f64>().sqrt();
        Pairs { counts, norm }
    }

    /// The cosine of the two texts' pairs, 0 to 1.
    pub fn likeness(&self, other: &Pairs) -> f64 {
        let (small, large) = if self.counts.len() <= other.counts.len() { (self, other) } else { (other, self) };
        let dot: f64 = small.counts.iter().filter_map(|(k, x)| large.counts.get(k).map(|y| x * y)).sum();
        let n = self.norm * other.norm;
        if n == 0.0 { 0.0 } else { (dot / n).clamp(0.0, 1.0) }
    }
}

/// How alike two texts are, 0 to 1: the cosine of their character pairs. Shared by reply
/// quality (is the answer about the question?), similar cases and hot spots.
pub fn likeness(a: &str, b: &str) -> f64 {
    Pairs::new(a).likeness(&Pairs::new(b))
}

/// Trims the value, treating full-width spaces (U+3000) like ASCII ones, because text pasted from
/// Word and web pages carries them.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
}

/// A required text field: present, non-blank after trimming, at most `max` characters.
pub fn required(field: &str, value: Option<&str>, max: usize) -> Result<String, FieldError> {
    match value.map(clean) {
        None | Some("") => Err(FieldError { field: field.into(), issue: Issue::Required }),
        Some(v) => within(field, v, max).map(str::to_owned),
    }
}

/// An optional text field: blank becomes `None`.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    match value.map(clean) {
        None | Some("") => Ok(None),
        Some(v) => within(field, v, max).map(|v| Some(v.to_owned())),
    }
}

fn within<'a>(field: &str, v: &'a str, max: usize) -> Result<&'a str, FieldError> {
    if v.chars().count() > max { Err(FieldError { field: field.into(), issue: Issue::TooLong { max } }) } else { Ok(v) }
}

/// A phone number as offices publish them: digits with optional `+`, `-`, spaces and brackets
/// (`0931-7612345`, `(0931)7612345`, `13812345678`), 5–20 digits.
pub fn phone(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = optional(field, value, 40)? else {
        return Ok(None);
    };
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '转'));
    if allowed && (5..=20).contains(&digits) {
        Ok(Some(v))
    } else {
        Err(FieldError { field: field.into(), issue: Issue::Malformed { expected: crate::error::Expected::Phone } })
    }
}

/// An e-mail address or a web mailbox URL (offices publish both as 网络信箱).
pub fn mailbox(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(v) = optional(field, value, SHORT_MAX)? else {
        return Ok(None);
    };
    let is_email =
        v.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !v.contains(char::is_whitespace));
    let is_url = (v.starts_with("http://") || v.starts_with("https://")) && !v.contains(' ');
    if is_email || is_url {
        Ok(Some(v))
    } else {
        Err(FieldError {
            field: field.into(),
            issue: Issue::Malformed { expected: crate::error::Expected::EmailOrWeb },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_spaces_are_trimmed() {
        assert_eq!(clean("\u{3000}\n\t积水严重 "), "积水严重");
        assert_eq!(required("x", Some("\u{3000}"), 5).unwrap_err().issue, Issue::Required);
    }

    #[test]
    fn lengths_count_characters() {
        let four = "噪音扰民";
        assert!(required("x", Some(four), 4).is_ok());
        assert_eq!(required("x", Some(four), 3).unwrap_err().issue, Issue::TooLong { max: 3 });
    }

    #[test]
    fn phones_and_mailboxes() {
        assert!(phone("p", Some("0931-7612345")).unwrap().is_some());
        assert!(phone("p", Some("(0931)7612345")).unwrap().is_some());
        assert!(phone("p", Some("12345678901234567890123")).is_err());
        assert!(phone("p", Some("call me")).is_err());
        assert!(mailbox("m", Some("zfb@anning.gov.cn")).is_ok());
        assert!(mailbox("m", Some("https://xf.anning.gov.cn/box")).is_ok());
        assert!(mailbox("m", Some("not an address")).is_err());
    }
}
