//! Character folding applied before segmentation, to the records and to queries alike:
//! traditional → simplified (so 噪音 finds 噪音 written 噪音 or 雜訊-style traditional text),
//! full-width → half-width (ＡＢＣ１２３ is abc123) and lowercase. Every fold maps one character
//! to one character, so offsets in the folded text map back to the original for highlighting.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The pairs in `data/t2s.txt` (see its header for where they come from).
static T2S: LazyLock<HashMap<char, char>> = LazyLock::new(|| pairs(include_str!("../data/t2s.txt")));

fn pairs(text: &str) -> HashMap<char, char> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .filter_map(|pair| {
            let mut cs = pair.chars();
            match (cs.next(), cs.next(), cs.next()) {
                (Some(t), Some(s), None) => Some((t, s)),
                _ => None,
            }
        })
        .collect()
}

/// One character as the index sees it.
pub fn fold_char(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    let c = T2S.get(&c).copied().unwrap_or(c);
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Text folded, with the way back to the original's byte offsets.
pub struct Folded {
    pub text: String,
    /// For each character of `text`: its byte offset there and in the original.
    starts: Vec<(usize, usize)>,
    original_len: usize,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len() / 2);
        for (at, c) in original.char_indices() {
            starts.push((text.len(), at));
            text.push(fold_char(c));
        }
        Folded { text, starts, original_len: original.len() }
    }

    /// The original byte offset of a character boundary in the folded text.
    pub fn original(&self, folded: usize) -> usize {
        match self.starts.binary_search_by_key(&folded, |&(f, _)| f) {
            Ok(i) => self.starts[i].1,
            Err(_) => self.original_len,
        }
    }
}

/// A whole string folded (queries, codes).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_one_to_one_and_never_identity() {
        let text = include_str!("../data/t2s.txt");
        let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect();
        assert!(entries.len() > 500, "{}", entries.len());
        let mut seen = std::collections::HashSet::new();
        for e in &entries {
            let cs: Vec<char> = e.chars().collect();
            assert_eq!(cs.len(), 2, "{e}");
            assert_ne!(cs[0], cs[1], "{e}");
            assert!(seen.insert(cs[0]), "{e} listed twice");
        }
    }

    #[test]
    fn folds_traditional_full_width_and_case() {
        assert_eq!(fold("攪拌站噪音擾民"), "搅拌站噪音扰民");
        assert_eq!(fold("麗發新城"), "丽发新城");
        assert_eq!(fold("ＡＢＣ－１２３４５　Ok"), "abc-12345 ok");
    }

    #[test]
    fn offsets_map_back() {
        let f = Folded::new("Ａ積水b");
        assert_eq!(f.text, "a积水b");
        assert_eq!(f.original(1), 3);
        assert_eq!(f.original(f.text.len()), "Ａ積水b".len());
    }
}
