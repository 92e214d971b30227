//! Records like a given text, for intake (相似诉求): the words of the text as one "any of these"
//! query over what the caller may open, received since a day and not finished, then each
//! candidate measured against the text itself (`text::likeness`, 0 to 1) and the places both
//! name (jieba's place tag, with the administrators' dictionary: 丽发新城 is a place), so the
//! page can say why: "同一地点：丽发新城；相似度 0.82".

use crate::index::{SearchIndex, SearchResult};
use crate::schema::Fields;
use crate::search::{Visibility, either_field, visibility};
use crate::tokenizer::{is_stop_word, words};
use chrono::{DateTime, Utc};
use jieba_rs::Jieba;
use rectify_domain::search::SearchKind;
use rectify_domain::text::likeness;
use serde::Serialize;
use std::collections::BTreeSet;
use std::ops::Bound;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

/// A record like the text, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Similar {
    pub kind: SearchKind,
    #[serde(serialize_with = "crate::search::as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: i64,
    pub title: String,
    #[serde(serialize_with = "crate::search::maybe_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub unit: Option<i64>,
    pub state: String,
    pub date: DateTime<Utc>,
    /// How alike the texts are, 0 to 1 (two decimals).
    pub likeness: f64,
    /// Places both texts name.
    pub places: Vec<String>,
}

/// What to look for like.
pub struct LikeThis<'a> {
    pub text: &'a str,
    /// The record the text is (left out of its own answer).
    pub itself: Option<(SearchKind, i64)>,
    /// Received (or found) on or after this.
    pub since: DateTime<Utc>,
    /// States of finished records, left out.
    pub finished: &'a [&'a str],
    pub limit: usize,
}

/// Words of the text the query uses at most (the first ones: a message states its matter first).
const MAX_WORDS: usize = 40;
/// Candidates read per record shown.
const CANDIDATES: usize = 5;
/// Below this a text is not like another, unless they name the same place.
const ALIKE: f64 = 0.3;
/// With a place in common, this much likeness is enough.
const ALIKE_AT_ONE_PLACE: f64 = 0.15;
/// Words that end a place's name (景蓉 + 华苑, 潇楚南 + 路).
const PLACE_ENDINGS: &[&str] = &[
    "小区", "新城", "花园", "花苑", "华苑", "家园", "公寓", "大厦", "广场", "社区", "村", "路", "大道", "街", "巷",
    "街道", "镇", "乡", "公园", "市场", "学校", "小学", "中学", "医院",
];

impl SearchIndex {
    /// The places a text names (see [`places`]), with this index's dictionary.
    pub fn places(&self, text: &str) -> Vec<String> {
        places(&self.jieba, text)
    }

    /// Records like `like.text` that `sight` may open, most alike first.
    pub fn similar(&self, like: &LikeThis<'_>, sight: &Visibility) -> SearchResult<Vec<Similar>> {
        let f = &self.fields;
        let mut seen = BTreeSet::new();
        let wanted: Vec<Box<dyn Query>> = words(&self.jieba, like.text, false)
            .into_iter()
            .filter(|w| w.text.chars().count() >= 2 && !is_stop_word(&w.text) && seen.insert(w.text.clone()))
            .take(MAX_WORDS)
            .map(|w| either_field(f, &w.text))
            .collect();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::union(wanted))), (Occur::Must, visibility(f, sight))];
        let since = Term::from_field_date(f.date, tantivy::DateTime::from_timestamp_secs(like.since.timestamp()));
        clauses.push((Occur::Must, Box::new(RangeQuery::new(Bound::Included(since), Bound::Unbounded))));
        for state in like.finished {
            clauses.push((Occur::MustNot, term(Term::from_field_text(f.state, state))));
        }
        if let Some((kind, id)) = like.itself {
            clauses.push((Occur::MustNot, term(f.key_term(kind, id))));
        }
        let searcher = self.live().reader.searcher();
        let top = TopDocs::with_limit(like.limit.max(1) * CANDIDATES).order_by_score();
        let found = searcher.search(&BooleanQuery::new(clauses), &top)?;
        let mine = self.places(like.text);
        let mut out = Vec::new();
        for (_, at) in found {
            let doc: TantivyDocument = searcher.doc(at)?;
            let s = read(f, &doc);
            let theirs = self.places(&format!("{}\n{}", s.title, body(f, &doc)));
            let places: Vec<String> = mine.iter().filter(|p| theirs.contains(p)).cloned().collect();
            let likeness = likeness(like.text, &format!("{}\n{}", s.title, body(f, &doc)));
            if likeness >= ALIKE || (!places.is_empty() && likeness >= ALIKE_AT_ONE_PLACE) {
                out.push(Similar { likeness: (likeness * 100.0).round() / 100.0, places, ..s });
            }
        }
        out.sort_by(|a, b| b.likeness.total_cmp(&a.likeness).then(b.places.len().cmp(&a.places.len())));
        out.truncate(like.limit);
        Ok(out)
    }
}

/// Groups of people messages are about (人群) when they name no place: workers, residents and
/// others whose shared matter makes a hot spot wherever they are. Specific names only — "居民"
/// or "群众" would join everything.
const CROWDS: &[&str] = &[
    "外卖骑手",
    "外卖员",
    "快递员",
    "快递小哥",
    "环卫工人",
    "农民工",
    "外来务工人员",
    "务工人员",
    "建筑工人",
    "出租车司机",
    "网约车司机",
    "货车司机",
    "退役军人",
    "残疾人",
    "独居老人",
    "空巢老人",
    "留守儿童",
    "学生家长",
    "新生家长",
    "实习生",
    "毕业生",
    "大学生",
    "研究生",
    "代课教师",
    "乡村教师",
    "民办教师",
    "医护人员",
    "个体工商户",
    "摊贩",
    "拆迁户",
    "失地农民",
    "贫困户",
    "低保户",
    "失业人员",
    "下岗职工",
    "灵活就业人员",
    "退休职工",
    "退休人员",
    "退休教师",
    "辅警",
    "协警",
    "护林员",
    "村医",
    "乡村医生",
];

/// The groups of people a text names (see [`CROWDS`]); a longer name within which a shorter one
/// appears (外来务工人员, 务工人员) counts once, as the longer.
pub fn crowds(text: &str) -> Vec<String> {
    let folded = crate::fold::fold(text);
    let mut found: Vec<&str> = CROWDS.iter().copied().filter(|c| folded.contains(c)).collect();
    found.sort_by_key(|c| std::cmp::Reverse(c.chars().count()));
    let mut out: Vec<String> = Vec::new();
    for c in found {
        if !out.iter().any(|o| o.contains(c)) {
            out.push(c.to_owned());
        }
    }
    out
}

/// The places a text names: words jieba tags as places (`ns`; the dictionaries tag 丽发新城), and
/// an untagged name followed by a place ending (景蓉华苑 + 小区). Anonymised or bare district
/// names (A市, A2区) are no place in common.
pub fn places(jieba: &Jieba, text: &str) -> Vec<String> {
    let folded = crate::fold::fold(text);
    let tags = jieba.tag(&folded, true);
    let mut out: Vec<String> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let next = tags.get(i + 1).map(|n| n.word);
        // A tagged place is the place (丽发新城 + 小区 is 丽发新城); a name with a place ending
        // after it is one (景蓉华苑 + 小区, 泉塘 + 街道). A two-character place tag alone is often
        // a word too (新建 is a county and "new"): it counts only with an ending.
        let place = match next {
            _ if t.tag == "ns" && t.word.chars().count() >= 3 => Some(t.word.to_owned()),
            Some(end)
                if PLACE_ENDINGS.contains(&end)
                    && t.tag.starts_with('n')
                    && t.word.chars().count() >= 2
                    && is_name(t.word) =>
            {
                Some(format!("{}{end}", t.word))
            }
            _ => None,
        };
        if let Some(p) = place.map(|p| without_district(&p)).filter(|p| !is_district(p))
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

fn term(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

fn body(f: &Fields, doc: &TantivyDocument) -> String {
    doc.get_first(f.body).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
}

fn read(f: &Fields, doc: &TantivyDocument) -> Similar {
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    Similar {
        kind: SearchKind::parse(&text(f.kind)).unwrap_or(SearchKind::Case),
        id: doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default(),
        title: text(f.title),
        unit: doc.get_first(f.unit).and_then(|v| v.as_i64()),
        state: text(f.state),
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0))
            .unwrap_or_default(),
        likeness: 0.0,
        places: Vec::new(),
    }
}

/// A place without the anonymised district before it (A2区景蓉华苑 → 景蓉华苑; segmentation can run
/// the district's last character into the name: 区景蓉华苑). A name with 区 inside (社区医院) keeps it.
fn without_district(place: &str) -> String {
    let cut = place.char_indices().find(|(_, c)| matches!(c, '市' | '区' | '县' | '省'));
    match cut {
        Some((at, c))
            if place[..at].chars().all(|c| c.is_ascii_alphanumeric())
                && place[at + c.len_utf8()..].chars().count() >= 2 =>
        {
            without_district(&place[at + c.len_utf8()..])
        }
        _ => place.to_owned(),
    }
}

/// A word that can start a place's name: Chinese characters, not a function word.
fn is_name(word: &str) -> bool {
    word.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !is_stop_word(word)
}

/// A city or district as the data anonymises it (A市, A2区) or names it bare: too wide to be a
/// place in common.
fn is_district(place: &str) -> bool {
    let last = place.chars().last();
    let rest: String = place.chars().take(place.chars().count().saturating_sub(1)).collect();
    matches!(last, Some('市' | '区' | '县' | '省'))
        && (rest.chars().all(|c| c.is_ascii_alphanumeric()) || rest.chars().count() <= 2)
}

#[cfg(test)]
mod tests {
    use super::crowds;

    #[test]
    fn groups_of_people_are_named_once_by_their_longest_name() {
        assert_eq!(crowds("我们外来务工人员的子女入学难"), ["外来务工人员"]);
        assert_eq!(crowds("外卖骑手被小区保安拦住，快递员也进不去"), ["外卖骑手", "快递员"]);
        assert!(crowds("小区居民反映噪音").is_empty(), "too general to group");
    }
}
