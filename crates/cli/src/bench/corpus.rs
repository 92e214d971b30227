//! Text for synthetic cases: the sentences and subjects of real message-board exports
//! (留言主题, 留言详情), recombined, so that indexes and models see the words citizens write.

use crate::Failure;
use rectify_domain::exchange::{ImportKind, Records};
use rectify_exchange::{Encoding, Format, Limits, Mapping};
use rectify_store::synthetic::Gen;
use std::path::{Path, PathBuf};

/// A real message's parts: subject, sentences and category (一级分类, from the file or given).
struct Message {
    title: String,
    sentences: Vec<String>,
    category: Option<String>,
}

/// Sentences and subjects of real messages, recombined into new texts.
pub struct Corpus {
    pub titles: Vec<String>,
    pub sentences: Vec<String>,
    /// Every message with a subject and a sentence, whole.
    messages: Vec<Message>,
    /// The indexes of the messages with a category.
    categorised: Vec<usize>,
    random: Gen,
}

fn sentences(content: &str) -> impl Iterator<Item = String> + '_ {
    content
        .split(['。', '！', '？', '\n'])
        .map(|s| s.trim_matches(|c: char| c.is_whitespace()).to_owned())
        .filter(|s| s.chars().count() >= 6)
}

impl Corpus {
    /// Reads every message-board workbook in `dir` (留言主题, 留言详情) as a cases import does.
    pub fn read(dir: &Path) -> Result<Corpus, Failure> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
            .collect();
        files.sort();
        let (mut titles, mut all, mut messages) = (Vec::new(), Vec::new(), Vec::new());
        for file in files {
            let bytes = std::fs::read(&file).map_err(Failure::runtime)?;
            let (kind, mapping) = (ImportKind::Cases, Mapping::default());
            let read = rectify_exchange::read(&bytes, Format::Xlsx, Encoding::Auto, kind, &mapping, Limits::default());
            // Files that are not message boards (the taxonomy) have no columns of a case.
            let Ok(parsed) = read else { continue };
            let Records::Cases(rows) = parsed.records else { continue };
            for r in rows {
                let title = r.record.title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
                let content = r.record.content.unwrap_or_default();
                let own: Vec<String> = sentences(&content).collect();
                if let Some(title) = &title
                    && !own.is_empty()
                {
                    messages.push(Message {
                        title: title.clone(),
                        sentences: own.clone(),
                        category: r.record.category,
                    });
                }
                titles.extend(title);
                all.extend(own);
            }
        }
        if titles.is_empty() || all.is_empty() {
            return Err(Failure::BadInput(format!(
                "{}: no message-board workbook (留言主题, 留言详情)",
                dir.display()
            )));
        }
        let categorised = (0..messages.len()).filter(|&i| messages[i].category.is_some()).collect();
        Ok(Corpus { titles, sentences: all, messages, categorised, random: Gen::new(17) })
    }

    /// `1..=most` sentences picked at random, as one text.
    pub fn text(&mut self, most: u64) -> String {
        let n = 1 + self.random.below(most);
        let mut out = String::new();
        for _ in 0..n {
            out.push_str(&self.sentences[self.random.below(self.sentences.len() as u64) as usize]);
            out.push('。');
        }
        out
    }

    pub fn title(&mut self) -> String {
        self.titles[self.random.below(self.titles.len() as u64) as usize].clone()
    }

    /// Messages with a category (the labelled sample's 一级分类, and those given one).
    pub fn labelled(&self) -> usize {
        self.categorised.len()
    }

    /// The messages without a category, as (index, subject, content), for a model to label.
    pub fn unlabelled(&self) -> Vec<(usize, String, String)> {
        let whole = |m: &Message| m.sentences.join("。");
        self.messages
            .iter()
            .enumerate()
            .filter(|(_, m)| m.category.is_none())
            .map(|(i, m)| (i, m.title.clone(), whole(m)))
            .collect()
    }

    /// Gives message `index` a category (what a model trained on the sample says of it).
    pub fn label(&mut self, index: usize, category: String) {
        if self.messages[index].category.replace(category).is_none() {
            self.categorised.push(index);
        }
    }

    /// The sample's labelled messages whole, as (category, subject, content).
    pub fn sample(&self) -> Vec<(String, String, String)> {
        let labelled = self.messages.iter().filter_map(|m| Some((m.category.clone()?, m)));
        labelled.map(|(c, m)| (c, m.title.clone(), m.sentences.join("。"))).collect()
    }

    /// A new message written from a real one with a category: its subject and one to three of
    /// its sentences, in another order, so the words and categories are the board's own while
    /// no two examples need be the same. None without any categorised message.
    pub fn labelled_message(&mut self) -> Option<(String, String, String)> {
        if self.categorised.is_empty() {
            return None;
        }
        let m = &self.messages[self.categorised[self.random.below(self.categorised.len() as u64) as usize]];
        let mut content = String::new();
        for _ in 0..1 + self.random.below(3) {
            content.push_str(&m.sentences[self.random.below(m.sentences.len() as u64) as usize]);
            content.push('。');
        }
        Some((m.category.clone()?, m.title.clone(), content))
    }
}
