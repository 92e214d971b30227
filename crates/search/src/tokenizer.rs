//! Segmentation for the index and for queries. Words come from jieba's default mode over the
//! folded text; for the index, the dictionary words inside a longer word (搅拌 in 搅拌站) are
//! added at the same position, so a query for the shorter word finds it and phrases still line
//! up. Stop words and punctuation are left out but keep their place (phrases keep their gaps).

use crate::fold::Folded;
use jieba_rs::Jieba;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under in the index.
pub const TOKENIZER: &str = "rectify_zh";

/// Function words and the filler of spoken questions ("上次那个…的件办到哪了？").
const STOP_WORDS: &[&str] = &[
    "的", "了", "是", "在", "和", "与", "及", "或", "也", "都", "就", "还", "又", "把", "被", "给", "对", "从",
    "向", "吗", "呢", "吧", "啊", "呀", "哪", "哪里", "那", "这", "那个", "这个", "哪个", "上次", "一个", "我",
    "你", "他", "她", "它", "我们", "你们", "他们", "请问", "件", "办到", "怎么样", "情况", "a", "an", "the",
    "of", "to", "and", "or", "is", "are", "in", "on", "for", "with",
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// One word of a text: folded, at a position, with its span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

/// The words of `text`; with `inner`, also the dictionary words inside longer words.
pub fn words(jieba: &Jieba, text: &str, inner: bool) -> Vec<Word> {
    let folded = Folded::new(text);
    let mut out = Vec::new();
    let mut position = 0;
    for t in jieba.cut(&folded.text, true) {
        if !t.word.chars().any(char::is_alphanumeric) {
            continue;
        }
        if is_stop_word(t.word) {
            position += 1;
            continue;
        }
        let span = |from: usize, to: usize| (folded.original(from), folded.original(to));
        if inner {
            for (from, to) in inner_words(jieba, t.word) {
                let (a, b) = span(t.byte_start + from, t.byte_start + to);
                let text = t.word[from..to].to_owned();
                if !out.iter().any(|w: &Word| w.position == position && w.text == text) {
                    out.push(Word { text, position, from: a, to: b });
                }
            }
        }
        let (from, to) = span(t.byte_start, t.byte_end);
        out.push(Word { text: t.word.to_owned(), position, from, to });
        position += 1;
    }
    out
}

/// Byte ranges of the two- and three-character dictionary words inside `word` (as jieba's
/// search mode finds them).
fn inner_words(jieba: &Jieba, word: &str) -> Vec<(usize, usize)> {
    let bounds: Vec<usize> = word.char_indices().map(|(i, _)| i).chain([word.len()]).collect();
    let chars = bounds.len() - 1;
    let mut out = Vec::new();
    for n in [2, 3] {
        if chars <= n {
            continue;
        }
        for i in 0..=chars - n {
            let (from, to) = (bounds[i], bounds[i + n]);
            if jieba.has_word(&word[from..to]) {
                out.push((from, to));
            }
        }
    }
    out
}

/// The index's tokenizer (registered as [`TOKENIZER`]).
#[derive(Clone)]
pub struct ChineseTokenizer {
    pub jieba: Arc<Jieba>,
}

pub struct WordStream {
    words: std::vec::IntoIter<Word>,
    token: Token,
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        WordStream { words: words(&self.jieba, text, true).into_iter(), token: Token::default() }
    }
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.words.next() {
            Some(w) => {
                self.token = Token {
                    offset_from: w.from,
                    offset_to: w.to,
                    position: w.position,
                    text: w.text,
                    position_length: 1,
                };
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::segmenter;

    fn texts(text: &str, inner: bool) -> Vec<String> {
        let jieba = segmenter(None).unwrap();
        words(&jieba, text, inner).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn two_character_words_are_words() {
        let w = texts("晚上工地噪音很大，路口积水严重", false);
        assert!(w.contains(&"噪音".to_owned()), "{w:?}");
        assert!(w.contains(&"积水".to_owned()), "{w:?}");
    }

    #[test]
    fn place_names_from_the_dictionary_stay_whole() {
        let w = texts("A市A2区丽发新城小区旁搅拌站噪音扰民，已打12345", false);
        for word in ["丽发新城", "搅拌站", "12345"] {
            assert!(w.contains(&word.to_owned()), "{word} in {w:?}");
        }
        // The index also holds the shorter words inside them, at the same position.
        let jieba = segmenter(None).unwrap();
        let all = words(&jieba, "搅拌站", true);
        let inner = all.iter().find(|w| w.text == "搅拌").expect("搅拌 inside 搅拌站");
        assert_eq!(inner.position, all.iter().find(|w| w.text == "搅拌站").unwrap().position);
    }

    #[test]
    fn a_users_dictionary_adds_words() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dictionary.txt");
        std::fs::write(&file, "# 区里的小区\n翠湖雅苑\n").unwrap();
        assert!(!texts("翠湖雅苑门口", false).contains(&"翠湖雅苑".to_owned()));
        let jieba = segmenter(Some(&file)).unwrap();
        let w: Vec<String> = words(&jieba, "翠湖雅苑门口", false).into_iter().map(|w| w.text).collect();
        assert!(w.contains(&"翠湖雅苑".to_owned()), "{w:?}");
    }

    #[test]
    fn traditional_and_simplified_meet() {
        assert_eq!(texts("攪拌站噪音擾民", false), texts("搅拌站噪音扰民", false));
        assert_eq!(texts("麗發新城積水", false), texts("丽发新城积水", false));
    }

    #[test]
    fn full_width_and_case_fold() {
        assert_eq!(texts("ＡＢＣ１２３", false), texts("abc123", false));
        assert_eq!(texts("WiFi", false), vec!["wifi".to_owned()]);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let jieba = segmenter(None).unwrap();
        let text = "攪拌站噪音";
        let ws = words(&jieba, text, false);
        let noise = ws.iter().find(|w| w.text == "噪音").unwrap();
        assert_eq!(&text[noise.from..noise.to], "噪音");
        let station = ws.iter().find(|w| w.text == "搅拌站").unwrap();
        assert_eq!(&text[station.from..station.to], "攪拌站");
    }

    #[test]
    fn stop_words_keep_their_place() {
        let jieba = segmenter(None).unwrap();
        let ws = words(&jieba, "上次那个搅拌站的噪音", false);
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["搅拌站", "噪音"]);
        assert_eq!(ws[1].position - ws[0].position, 2);
    }
}
