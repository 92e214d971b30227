//! What a user types, read into parts: words (every one required), quoted phrases, `-exclusions`
//! and codes (a tracking code, a case number or an id, matched exactly as well as as words).
//! Refusals are the domain's field errors on `q`, so the edges answer 400 in both languages.

use rectify_domain::search::{MAX_QUERY_CHARS, SearchIssue};
use rectify_domain::{DomainError, Expected, Issue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text outside quotes: each word of it must appear.
    Words(String),
    /// Text inside quotes: its words in that order.
    Phrase(String),
    /// Letters and digits with a digit or a dash, or eight and more (`ABCDE-FGH23`, `2019-0012`,
    /// `17`): a record's code or id (dashes aside), or the same words in its text.
    Code(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub include: Vec<Part>,
    pub exclude: Vec<Part>,
}

fn refuse(issue: SearchIssue) -> DomainError {
    DomainError::field("q", Issue::Malformed { expected: Expected::Search(issue) })
}

/// Quotation marks as typed on Chinese and Western keyboards.
fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂' | '「' | '」')
}

pub fn parse(q: &str) -> Result<Parsed, DomainError> {
    let q = q.trim();
    if q.is_empty() {
        return Err(DomainError::field("q", Issue::Required));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(DomainError::field("q", Issue::TooLong { max: MAX_QUERY_CHARS }));
    }
    if q.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(refuse(SearchIssue::ControlCharacters));
    }
    if q.chars().filter(|c| is_quote(*c)).count() % 2 == 1 {
        return Err(refuse(SearchIssue::UnbalancedQuotes));
    }
    let mut parsed = Parsed::default();
    let mut rest = q;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let exclude = rest.starts_with(['-', '－']);
        if exclude {
            rest = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
        }
        let part;
        if let Some(open) = rest.chars().next().filter(|c| is_quote(*c)) {
            let inner = &rest[open.len_utf8()..];
            let end = inner.find(is_quote).unwrap_or(inner.len());
            part = Some(Part::Phrase(inner[..end].trim().to_owned())).filter(|_| !inner[..end].trim().is_empty());
            let close = inner[end..].chars().next().map_or(0, char::len_utf8);
            rest = &inner[end + close..];
        } else {
            let end = rest.find(|c: char| c.is_whitespace() || is_quote(c)).unwrap_or(rest.len());
            let chunk = &rest[..end];
            part = (!chunk.is_empty()).then(|| classify(chunk));
            rest = &rest[end..];
        }
        if let Some(p) = part {
            if exclude { parsed.exclude.push(p) } else { parsed.include.push(p) }
        }
    }
    if parsed.include.is_empty() && !parsed.exclude.is_empty() {
        return Err(refuse(SearchIssue::OnlyExclusions));
    }
    Ok(parsed)
}

fn classify(chunk: &str) -> Part {
    let folded = crate::fold::fold(chunk);
    // Tracking codes are ten letters and digits, shown with a dash; numbers and ids are digits.
    let code = folded.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && folded.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && (folded.chars().any(|c| c.is_ascii_digit() || c == '-') || folded.len() >= 8);
    if code { Part::Code(folded) } else { Part::Words(chunk.to_owned()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Part {
        Part::Words(s.into())
    }

    #[test]
    fn words_phrases_exclusions_and_codes() {
        let p = parse(r#"搅拌站 噪音 "夜间 施工" -积水 ABCD-2345 17"#).unwrap();
        assert_eq!(
            p.include,
            vec![
                words("搅拌站"),
                words("噪音"),
                Part::Phrase("夜间 施工".into()),
                Part::Code("abcd-2345".into()),
                Part::Code("17".into())
            ]
        );
        assert_eq!(p.exclude, vec![words("积水")]);
        let p = parse("“丽发新城”　-\"渣土车\" ＡＢ１２").unwrap();
        assert_eq!(p.include, vec![Part::Phrase("丽发新城".into()), Part::Code("ab12".into())]);
        assert_eq!(p.exclude, vec![Part::Phrase("渣土车".into())]);
    }

    #[test]
    fn bad_queries_are_refused_by_name() {
        let issue = |q: &str| match parse(q) {
            Err(DomainError::Invalid(e)) => e[0].issue.clone(),
            other => panic!("{q:?}: {other:?}"),
        };
        assert_eq!(issue("   "), Issue::Required);
        assert_eq!(issue(&"噪".repeat(2001)), Issue::TooLong { max: 2000 });
        assert_eq!(
            issue("噪音 \"积水"),
            Issue::Malformed { expected: Expected::Search(SearchIssue::UnbalancedQuotes) }
        );
        assert_eq!(issue("噪音\u{7}"), Issue::Malformed { expected: Expected::Search(SearchIssue::ControlCharacters) });
        assert_eq!(issue("-噪音"), Issue::Malformed { expected: Expected::Search(SearchIssue::OnlyExclusions) });
        assert!(parse(&"噪".repeat(2000)).is_ok());
        assert!(parse("-").unwrap().include.is_empty());
        assert!(parse("\"\"").unwrap().include.is_empty());
    }
}
