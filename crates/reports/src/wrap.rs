//! Line breaking for Chinese text with Latin words and numbers in it, by measured widths: a line
//! may break between any two CJK characters, but not inside a Latin word or a number (`81.63%`),
//! not before closing punctuation (no line starts with `，` or `）`) and not after opening
//! punctuation (no line ends with `（` or `“`). A break moves the character before the
//! punctuation down with it, as Word does.

use std::ops::Range;

/// May not begin a line.
const NO_START: &str = "，。、；：？！）》〉」』】〗〕］｝”’…—～·％‰℃,.;:?!)]}";
/// May not end a line.
const NO_END: &str = "（《〈「『【〖〔［｛“‘([{";

/// One line of a paragraph: the characters it shows (no spaces at either end).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub range: Range<usize>,
    /// The last line before a forced break or the end: not justified, and the next line (if any)
    /// starts a new paragraph with the first-line width.
    pub last: bool,
}

/// Letters and digits of Latin, Greek, Cyrillic and ASCII symbols stay together as a word.
fn is_word(c: char) -> bool {
    !c.is_whitespace() && (c.is_ascii() || (c < '\u{2000}' && c.is_alphanumeric()))
}

/// Breaks `chars` (with `widths`, one per char) into lines `first` wide for the first line of each
/// paragraph and `rest` wide for the others. `\n` forces a break.
pub(crate) fn lines(chars: &[char], widths: &[f32], first: f32, rest: f32) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in chars.iter().enumerate().chain([(chars.len(), &'\n')]) {
        if *c == '\n' {
            let before = out.len();
            Breaker { widths, lines: &mut out, avail: first, rest, line: None, pending: 0.0 }
                .run(&chars[start..i], start);
            match out[before..].last_mut() {
                Some(line) => line.last = true,
                // An empty paragraph still takes a line.
                None => out.push(Line { range: start..start, last: true }),
            }
            start = i + 1;
        }
    }
    out
}

struct Breaker<'a> {
    widths: &'a [f32],
    lines: &'a mut Vec<Line>,
    avail: f32,
    rest: f32,
    /// The line being filled: its range and width.
    line: Option<(Range<usize>, f32)>,
    /// Width of spaces after the line's last character (dropped if the line ends there).
    pending: f32,
}

impl Breaker<'_> {
    fn run(mut self, chars: &[char], offset: usize) {
        for chunk in chunks(chars) {
            let range = chunk.start + offset..chunk.end + offset;
            let w: f32 = self.widths[range.clone()].iter().sum();
            if chars[chunk.start].is_whitespace() {
                if self.line.is_some() {
                    self.pending += w;
                }
                continue;
            }
            match &mut self.line {
                Some((line, width)) if *width + self.pending + w <= self.avail => {
                    line.end = range.end;
                    *width += self.pending + w;
                    self.pending = 0.0;
                }
                Some(_) => {
                    self.push();
                    self.start(range, w);
                }
                None => self.start(range, w),
            }
        }
        self.push();
    }

    fn start(&mut self, range: Range<usize>, w: f32) {
        if w <= self.avail {
            self.line = Some((range, w));
            return;
        }
        // Wider than a whole line (a long URL, a narrow table column): cut it where it fills.
        let end = range.end;
        let mut line_start = range.start;
        let mut width = 0.0;
        for i in range {
            let cw = self.widths[i];
            if width + cw > self.avail && i > line_start {
                self.line = Some((line_start..i, width));
                self.push();
                line_start = i;
                width = 0.0;
            }
            width += cw;
        }
        self.line = Some((line_start..end, width));
    }

    fn push(&mut self) {
        if let Some((range, _)) = self.line.take() {
            self.lines.push(Line { range, last: false });
            self.avail = self.rest;
        }
        self.pending = 0.0;
    }
}

/// Ranges that must stay on one line: a word, or a character with the punctuation glued to it; a
/// run of whitespace is a chunk of its own.
fn chunks(chars: &[char]) -> Vec<Range<usize>> {
    let mut units: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut end = i + 1;
        if is_word(chars[i]) {
            while end < chars.len() && is_word(chars[end]) {
                end += 1;
            }
        } else if chars[i].is_whitespace() {
            while end < chars.len() && chars[end].is_whitespace() {
                end += 1;
            }
        }
        units.push(i..end);
        i = end;
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    for unit in units {
        let glued = out.last().is_some_and(|prev: &Range<usize>| {
            let (before, after) = (chars[prev.end - 1], chars[unit.start]);
            !before.is_whitespace() && !after.is_whitespace() && (NO_START.contains(after) || NO_END.contains(before))
        });
        match out.last_mut() {
            Some(prev) if glued => prev.end = unit.end,
            _ => out.push(unit),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK characters one unit wide, Latin half.
    fn wrap(text: &str, first: f32, rest: f32) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let widths: Vec<f32> = chars.iter().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).collect();
        lines(&chars, &widths, first, rest).iter().map(|l| chars[l.range.clone()].iter().collect()).collect()
    }

    #[test]
    fn cjk_breaks_anywhere_and_the_first_line_is_indented() {
        assert_eq!(wrap("一二三四五六七八九十", 3.0, 5.0), ["一二三", "四五六七八", "九十"]);
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        // The comma would start the second line: the character before it moves down too.
        assert_eq!(wrap("一二三四，五六", 4.0, 4.0), ["一二三", "四，五六"]);
        let text = "截至目前，各单位上报的98个第一批立改项目中，已有80个整改到位，整改率81.63%。（含）《简报》“引号”！";
        // From four characters on every unbreakable piece fits (narrower lines cut pieces).
        for width in 4..20 {
            let lines = wrap(text, width as f32, width as f32);
            assert_eq!(lines.concat(), text);
            for line in &lines {
                let first = line.chars().next().unwrap();
                assert!(!NO_START.contains(first), "{width}: {line:?} in {lines:?}");
                let last = line.chars().last().unwrap();
                assert!(!NO_END.contains(last), "{width}: {line:?} in {lines:?}");
            }
        }
    }

    #[test]
    fn numbers_and_latin_words_stay_whole() {
        for width in 4..12 {
            let lines = wrap("整改率为81.63%，比上周提高了12.5个百分点", width as f32, width as f32);
            assert!(lines.iter().any(|l| l.contains("81.63%")), "{width}: {lines:?}");
            assert!(lines.iter().any(|l| l.contains("12.5")), "{width}: {lines:?}");
        }
        // Spaces between words are break points and vanish at the line end.
        assert_eq!(wrap("Rectify ledger export", 5.0, 5.0), ["Rectify", "ledger", "export"]);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut() {
        assert_eq!(wrap("甲abcdefghij乙", 3.0, 3.0), ["甲", "abcdef", "ghij乙"]);
    }

    #[test]
    fn newlines_force_breaks_and_empty_paragraphs_keep_their_line() {
        let chars: Vec<char> = "一二\n\n三".chars().collect();
        let got = lines(&chars, &[1.0; 5], 9.0, 9.0);
        assert_eq!(
            got,
            [Line { range: 0..2, last: true }, Line { range: 3..3, last: true }, Line { range: 4..5, last: true }]
        );
    }
}
