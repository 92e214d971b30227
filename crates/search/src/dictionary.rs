//! The segmenter: jieba's own dictionary, Rectify's built-in words (`data/dictionary.txt`) and
//! the administrators' file in the data directory, all in jieba's format (`word [freq] [tag]`).

use jieba_rs::Jieba;
use std::path::Path;

const BUILT_IN: &str = include_str!("../data/dictionary.txt");

/// The name of the administrators' dictionary inside the index's directory.
pub const USER_DICTIONARY: &str = "dictionary.txt";

/// Jieba with the built-in words and, when the file exists, the administrators'.
pub fn segmenter(user_file: Option<&Path>) -> std::io::Result<Jieba> {
    let mut jieba = Jieba::new();
    add_words(&mut jieba, BUILT_IN);
    if let Some(path) = user_file.filter(|p| p.exists()) {
        add_words(&mut jieba, &std::fs::read_to_string(path)?);
    }
    Ok(jieba)
}

/// Adds each line's word (folded, as the text it meets is); `#` starts a comment line.
fn add_words(jieba: &mut Jieba, text: &str) {
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let word = crate::fold::fold(word);
        // Never below what keeps the word whole in any sentence.
        let freq = parts.next().and_then(|f| f.parse::<usize>().ok()).map(|f| f.max(jieba.suggest_freq(&word)));
        jieba.add_word(&word, freq, parts.next());
    }
}
