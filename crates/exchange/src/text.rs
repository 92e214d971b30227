//! Cell text as scraped and pasted files carry it (`\n\t\t\t`, U+3000, NBSP, zero-width
//! spaces), cleaned; and measures split from one cell and joined into one.

/// First characters that make Excel read a CSV cell as a formula. Exports put a `'` before
/// them, and imports of CSV take it off again.
pub(crate) const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell's text without the `'` an export put before a formula-like start.
pub(crate) fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => s,
    }
}

/// Blank for our purposes: Unicode whitespace (U+3000 and NBSP included) and the invisible
/// characters web pages leave behind.
fn blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// One line of text: trimmed, inner runs of blanks (line breaks too) made one space.
pub(crate) fn short(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(blank).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Text that keeps its line breaks: each line trimmed, blank lines at either end dropped.
pub(crate) fn long(s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').map(|l| l.trim_matches(blank)).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join("\n"),
        _ => String::new(),
    }
}

/// Measures from one cell: one per numbered item (`1.`, `1、`, `（1）`, `①`, `一是`) or, when
/// the cell does not start with a number, one per line; numbers stripped. Under numbering, a
/// line without a number continues the item above it.
pub(crate) fn split_measures(s: &str) -> Vec<String> {
    let mut segments: Vec<(bool, &str)> = Vec::new();
    for line in s.split('\n') {
        segments.extend(segments_of(line));
    }
    segments.retain(|(_, text)| !text.is_empty());
    let numbered = segments.first().is_some_and(|(n, _)| *n);
    let mut out: Vec<String> = Vec::new();
    for (is_item, text) in segments {
        match out.last_mut() {
            Some(last) if numbered && !is_item => {
                last.push('\n');
                last.push_str(text);
            }
            _ => out.push(text.to_owned()),
        }
    }
    out
}

/// Measures as one cell: `1. …` one per line.
pub(crate) fn join_measures(measures: &[String]) -> String {
    let numbered: Vec<String> = measures.iter().enumerate().map(|(i, m)| format!("{}. {m}", i + 1)).collect();
    numbered.join("\n")
}

/// A line cut where items begin: `(starts with a number, text without the number)`.
fn segments_of(line: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut numbered = false;
    let mut prev: Option<char> = None;
    let mut skip_to = 0;
    for (i, c) in line.char_indices() {
        if i >= skip_to {
            let at_boundary = prev.is_none_or(|p| blank(p) || "；;。，,：:".contains(p));
            if let Some(len) = marker(&line[i..], at_boundary) {
                out.push((numbered, tidy(&line[start..i])));
                start = i + len;
                skip_to = start;
                numbered = true;
            }
        }
        prev = Some(c);
    }
    out.push((numbered, tidy(&line[start..])));
    out
}

/// The item text: no blanks around, no separator left at the end.
fn tidy(s: &str) -> &str {
    s.trim_matches(blank).trim_end_matches(['；', ';', '，', ',']).trim_matches(blank)
}

/// The byte length of an item number at the start of `s`, if one is there.
fn marker(s: &str, at_boundary: bool) -> Option<usize> {
    let first = s.chars().next()?;
    // ①…⑳ and ⑴…⒇ are numbers wherever they stand.
    if ('\u{2460}'..='\u{2473}').contains(&first) || ('\u{2474}'..='\u{2487}').contains(&first) {
        return Some(first.len_utf8());
    }
    if !at_boundary {
        return None;
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let after = &s[digits..];
        let close = after.chars().next().filter(|c| ".．、)）".contains(*c))?;
        let rest = &after[close.len_utf8()..];
        // `1.5米` is a number, not an item.
        return (!rest.starts_with(|c: char| c.is_ascii_digit())).then_some(digits + close.len_utf8());
    }
    if let Some(inner) = s.strip_prefix(['(', '（']) {
        let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
        let close = inner[digits..].chars().next().filter(|c| matches!(c, ')' | '）'))?;
        return (1..=2).contains(&digits).then(|| s.len() - inner.len() + digits + close.len_utf8());
    }
    let numerals = s.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).count();
    if (1..=2).contains(&numerals) {
        let after = &s[numerals * '一'.len_utf8()..];
        let close = after.chars().next().filter(|c| matches!(c, '是' | '、'))?;
        return Some(numerals * '一'.len_utf8() + close.len_utf8());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraped_whitespace_goes() {
        assert_eq!(short("\n\t\t\t A3区\u{3000}\u{a0}魅力 \n 之城 "), "A3区 魅力 之城");
        assert_eq!(
            long("\n\t\t\t\t\n\u{3000}\u{3000}尊敬的领导：\t\n  您好！\n\n 谢谢。\u{200B}\n\n"),
            "尊敬的领导：\n您好！\n\n谢谢。"
        );
        assert_eq!(long(" \n\t "), "");
    }

    #[test]
    fn measures_by_numbering() {
        let want = vec!["加强学习".to_owned(), "完善制度".to_owned(), "强化督查".to_owned()];
        assert_eq!(split_measures("1.加强学习；2.完善制度；3.强化督查"), want);
        assert_eq!(split_measures("1、加强学习\n2、完善制度\n3、强化督查"), want);
        assert_eq!(split_measures("（1）加强学习；(2)完善制度；（3）强化督查"), want);
        assert_eq!(split_measures("①加强学习②完善制度③强化督查"), want);
        assert_eq!(
            split_measures("一是加强学习；二是完善制度；三是强化督查。"),
            vec!["加强学习", "完善制度", "强化督查。"]
        );
        assert_eq!(split_measures("加强学习\n完善制度\n\n强化督查"), want);
        assert_eq!(split_measures("1. 窗口加宽1.5米\n2. 统一是非标准"), vec!["窗口加宽1.5米", "统一是非标准"]);
    }

    #[test]
    fn numbered_items_keep_their_unnumbered_lines() {
        let m = vec!["加强学习\n每周一次".to_owned(), "完善制度, \"值班\"".to_owned()];
        assert_eq!(split_measures(&join_measures(&m)), m);
        assert_eq!(join_measures(&m), "1. 加强学习\n每周一次\n2. 完善制度, \"值班\"");
    }
}
