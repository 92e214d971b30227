//! Segmentation for the index and for queries, over the folded text. Segmentation is
//! ambiguous (路灯不亮 cuts as 路 + 灯不亮), so the index holds every reading: every dictionary
//! word found anywhere (jieba's full mode), the default cut, and each Chinese character alone; a
//! query is cut once (default mode, no HMM, so unknown runs fall apart into characters the same
//! way everywhere). A token's position is its character offset, so phrases line up whichever
//! reading matched and stop words keep their gap. Stop words and punctuation are left out.

use crate::fold::Folded;
use jieba_rs::Jieba;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the tokenizer is registered under in the index.
pub const TOKENIZER: &str = "rectify_zh";

/// Function words and the filler of spoken questions ("上次那个…的件办到哪了？").
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "是",
    "在",
    "和",
    "与",
    "及",
    "或",
    "也",
    "都",
    "就",
    "还",
    "又",
    "把",
    "被",
    "给",
    "对",
    "从",
    "向",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "哪",
    "哪里",
    "那",
    "这",
    "那个",
    "这个",
    "哪个",
    "上次",
    "一个",
    "我",
    "你",
    "他",
    "她",
    "它",
    "我们",
    "你们",
    "他们",
    "请问",
    "件",
    "办到",
    "怎么样",
    "情况",
    // No English words: Latin letters here are codes and markers (CASE-A-7, 12345), where a
    // dropped "a" would leave a gap any letter fills (CASE-B-7).
];

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// One word of a text: folded, at a position (its character offset), with its span in the
/// original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

pub(crate) fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c) || ('\u{F900}'..='\u{FAFF}').contains(&c)
}

/// The words of `text`: for the index (`every_reading`) all readings, for a query one cut.
pub fn words(jieba: &Jieba, text: &str, every_reading: bool) -> Vec<Word> {
    let folded = Folded::new(text);
    let t = &folded.text;
    let mut spans: Vec<(usize, usize)> = jieba.cut(t, false).iter().map(|w| (w.byte_start, w.byte_end)).collect();
    if every_reading {
        spans.extend(jieba.cut_all(t).iter().map(|w| (w.byte_start, w.byte_end)));
        spans.extend(t.char_indices().filter(|(_, c)| is_han(*c)).map(|(i, c)| (i, i + c.len_utf8())));
        spans.sort_unstable();
        spans.dedup();
    }
    // Character offsets, counted once over the text.
    let mut chars_before = vec![0usize; t.len() + 1];
    let mut n = 0;
    for (i, c) in t.char_indices() {
        for slot in &mut chars_before[i..i + c.len_utf8()] {
            *slot = n;
        }
        n += 1;
    }
    chars_before[t.len()] = n;
    spans
        .into_iter()
        .filter(|&(a, b)| t[a..b].chars().any(char::is_alphanumeric) && !is_stop_word(&t[a..b]))
        .map(|(a, b)| Word {
            text: t[a..b].to_owned(),
            position: chars_before[a],
            from: folded.original(a),
            to: folded.original(b),
        })
        .collect()
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
        // The index also holds the shorter words inside them, at the same position, and every
        // reading of an ambiguous run.
        let jieba = segmenter(None).unwrap();
        let all = words(&jieba, "搅拌站", true);
        let inner = all.iter().find(|w| w.text == "搅拌").expect("搅拌 inside 搅拌站");
        assert_eq!(inner.position, all.iter().find(|w| w.text == "搅拌站").unwrap().position);
        let lamp: Vec<String> = words(&jieba, "路灯不亮", true).into_iter().map(|w| w.text).collect();
        assert!(lamp.contains(&"路灯".to_owned()) && lamp.contains(&"亮".to_owned()), "{lamp:?}");
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
    fn letters_of_a_code_are_words() {
        let jieba = segmenter(None).unwrap();
        let ws = words(&jieba, "CASE-A-7", false);
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["case", "a", "7"]);
    }

    #[test]
    fn stop_words_keep_their_place() {
        let jieba = segmenter(None).unwrap();
        let ws = words(&jieba, "上次那个搅拌站的噪音", false);
        let texts: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["搅拌站", "噪音"]);
        assert_eq!(ws[1].position - ws[0].position, 4, "character offsets");
    }
}
