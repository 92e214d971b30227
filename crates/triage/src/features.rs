//! Text → sparse TF-IDF vector. Features are Chinese characters, pairs of adjacent characters
//! and jieba's words, over the search index's folding (traditional → simplified, full width →
//! half width, lowercase), so a message reads the same to search and to triage. Each feature is
//! a 64-bit FNV-1a hash of its kind and text: stable across Rust versions and machines (std's
//! hasher is not promised to be), and wide enough that collisions do not matter.

use jieba_rs::Jieba;
use rectify_search::fold::fold;
use rectify_search::tokenizer::words;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Bump when what a text turns into changes (kinds, folding, hashing): a model fitted on other
/// features would read new texts wrongly, so it refuses to load.
pub const FEATURES_VERSION: u32 = 1;

/// Jieba with the built-in words only. Not the administrators' dictionary: a model must read a
/// text the same way whatever the file says today.
static JIEBA: LazyLock<Jieba> =
    LazyLock::new(|| rectify_search::dictionary::segmenter(None).unwrap_or_else(|_| Jieba::new()));

/// How raw counts are made: the title says in a few words what the message is about, so its
/// features count more than the body's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeatureOptions {
    pub title_weight: f32,
    /// A feature must occur in this many texts (labelled or not) to be kept; rarer ones are
    /// mostly names and typos, and would only make the model bigger.
    pub min_df: u32,
}

impl Default for FeatureOptions {
    fn default() -> Self {
        FeatureOptions { title_weight: 2.0, min_df: 2 }
    }
}

const CHAR: u8 = b'c';
const PAIR: u8 = b'p';
const WORD: u8 = b'w';

fn key(kind: u8, text: &str) -> u64 {
    // FNV-1a, 64 bits.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(kind).chain(text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c) || ('\u{F900}'..='\u{FAFF}').contains(&c)
}

/// The features of one piece of text with their counts, added into `out` with `weight`.
fn count_into(text: &str, weight: f32, out: &mut HashMap<u64, f32>) {
    let folded = fold(text);
    // Characters and pairs only within runs of Chinese: latin letters and digits here are
    // anonymised places (A3区) and phone fragments, which say nothing about the matter.
    let mut prev: Option<char> = None;
    let mut buf = [0u8; 8];
    for c in folded.chars() {
        if !is_han(c) {
            prev = None;
            continue;
        }
        *out.entry(key(CHAR, c.encode_utf8(&mut buf))).or_default() += weight;
        if let Some(p) = prev {
            let pair: String = [p, c].iter().collect();
            *out.entry(key(PAIR, &pair)).or_default() += weight;
        }
        prev = Some(c);
    }
    for w in words(&JIEBA, &folded, false) {
        if w.text.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        *out.entry(key(WORD, &w.text)).or_default() += weight;
    }
}

/// The raw weighted counts of a message, sorted by key so everything after is deterministic.
pub fn raw(title: &str, content: &str, options: &FeatureOptions) -> Vec<(u64, f32)> {
    let mut counts = HashMap::new();
    count_into(title, options.title_weight, &mut counts);
    count_into(content, 1.0, &mut counts);
    let mut v: Vec<(u64, f32)> = counts.into_iter().collect();
    v.sort_unstable_by_key(|&(k, _)| k);
    v
}

/// A sparse vector over vocabulary slots, sorted by slot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl Sparse {
    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    pub fn squared_norm(&self) -> f64 {
        self.val.iter().map(|&v| f64::from(v) * f64::from(v)).sum()
    }
}

/// The features kept and their inverse document frequencies.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Sorted; a feature's slot is its position here.
    pub keys: Vec<u64>,
    pub idf: Vec<f32>,
    index: HashMap<u64, u32>,
    /// The IDF a feature in no text would have: the largest there is.
    unseen_idf: f32,
}

impl Vocabulary {
    /// Fits on every text available: IDF needs no labels, so unlabelled messages sharpen it.
    /// Features in `always` (the taxonomy's names) are kept however rare.
    pub fn fit<'a>(docs: impl Iterator<Item = &'a [(u64, f32)]>, always: &[u64], min_df: u32) -> Vocabulary {
        let mut df: HashMap<u64, u32> = HashMap::new();
        let mut n: u64 = 0;
        for doc in docs {
            n += 1;
            for &(k, _) in doc {
                *df.entry(k).or_default() += 1;
            }
        }
        let mut keys: Vec<u64> = df.iter().filter(|&(_, &d)| d >= min_df).map(|(&k, _)| k).collect();
        keys.extend(always.iter().copied());
        keys.sort_unstable();
        keys.dedup();
        // Smoothed as scikit-learn does: a feature in every text still weighs 1.
        let idf = keys
            .iter()
            .map(|k| {
                let d = df.get(k).copied().unwrap_or(0);
                (((1 + n) as f64 / (1 + u64::from(d)) as f64).ln() + 1.0) as f32
            })
            .collect();
        Vocabulary::from_parts(keys, idf)
    }

    pub fn from_parts(keys: Vec<u64>, idf: Vec<f32>) -> Vocabulary {
        let index = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
        let unseen_idf = idf.iter().copied().fold(1.0f32, f32::max);
        Vocabulary { keys, idf, index, unseen_idf }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Sublinear TF × IDF, L2-normalised. Features outside the vocabulary have no weights, but
    /// they count in the norm at the IDF of a feature never seen: a text mostly in words the
    /// model has never met gets a short vector and so a modest answer, instead of its one
    /// common character deciding with full force.
    pub fn vectorize(&self, raw: &[(u64, f32)]) -> Sparse {
        let mut unknown = 0.0f32;
        let mut pairs: Vec<(u32, f32)> = Vec::with_capacity(raw.len());
        for &(k, tf) in raw {
            let t = 1.0 + tf.ln();
            match self.index.get(&k) {
                Some(&slot) => pairs.push((slot, t * self.idf[slot as usize])),
                None => unknown += (t * self.unseen_idf) * (t * self.unseen_idf),
            }
        }
        pairs.sort_unstable_by_key(|&(i, _)| i);
        let norm = (pairs.iter().map(|&(_, v)| v * v).sum::<f32>() + unknown).sqrt();
        let mut s = Sparse { idx: Vec::with_capacity(pairs.len()), val: Vec::with_capacity(pairs.len()) };
        if norm > 0.0 {
            for (i, v) in pairs {
                s.idx.push(i);
                s.val.push(v / norm);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_pairs_and_words() {
        let o = FeatureOptions::default();
        let r = raw("", "工地噪音很大", &o);
        let keys: Vec<u64> = r.iter().map(|&(k, _)| k).collect();
        for (kind, text) in [(CHAR, "噪"), (PAIR, "噪音"), (PAIR, "地噪"), (WORD, "噪音"), (WORD, "工地")] {
            assert!(keys.contains(&key(kind, text)), "{text}");
        }
        // A word and the same characters as a pair are different features.
        assert_ne!(key(PAIR, "噪音"), key(WORD, "噪音"));
    }

    #[test]
    fn folding_is_the_search_index_s() {
        let o = FeatureOptions::default();
        assert_eq!(raw("", "攪拌站噪音擾民", &o), raw("", "搅拌站噪音扰民", &o));
    }

    #[test]
    fn the_title_counts_more() {
        let o = FeatureOptions { title_weight: 2.0, min_df: 1 };
        let r = raw("噪音", "噪音", &o);
        let noise = r.iter().find(|&&(k, _)| k == key(WORD, "噪音")).unwrap();
        assert_eq!(noise.1, 3.0);
    }

    #[test]
    fn known_text_is_unit_length_and_unknown_features_shorten_it() {
        let o = FeatureOptions::default();
        let docs = [raw("", "小区噪音", &o), raw("", "小区积水", &o)];
        let v = Vocabulary::fit(docs.iter().map(Vec::as_slice), &[], 2);
        let known = v.vectorize(&raw("", "小区", &o));
        assert!((known.squared_norm() - 1.0).abs() < 1e-5);
        let x = v.vectorize(&raw("", "小区停车", &o));
        assert!(!x.is_empty());
        assert!(x.squared_norm() < 0.5, "{}", x.squared_norm());
        assert!(v.vectorize(&raw("", "停车", &o)).is_empty());
    }
}
