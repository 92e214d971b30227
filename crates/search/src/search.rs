//! Answering a query: the parsed words as a tantivy query, the caller's visibility as a filter
//! inside it (so hits, counts, facets and snippets all come from what they may open), facets by
//! aggregation, snippets with `<mark>`, and a cursor bound to the query.

use crate::index::{SearchIndex, SearchResult};
use crate::query::{Part, parse};
use crate::schema::Fields;
use crate::tokenizer::{Word, words};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::search::{MAX_DEPTH, MAX_LIMIT, SearchIssue, SearchKind};
use rectify_domain::{DomainError, Expected, Issue};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::ops::Bound;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::{AggContextParams, AggregationCollector, AggregationLimitsGuard};
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

/// What a caller may see of one kind: everything, these units' records, or neither — and in
/// every case the public records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sees {
    All,
    Units(Vec<i64>),
    PublicOnly,
}

/// The caller's sight per kind; a kind not listed is not searched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Visibility(pub Vec<(SearchKind, Sees)>);

/// A query with its filters and page.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub q: String,
    pub kind: Option<SearchKind>,
    pub unit: Option<i64>,
    pub state: Option<String>,
    /// China dates, both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: usize,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hit {
    pub kind: SearchKind,
    /// The record's id (opaque text, like every id of the API).
    #[serde(serialize_with = "as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: i64,
    pub title: String,
    /// HTML: the matching passage, escaped, with the words found in `<mark>`.
    pub snippet: String,
    /// The owner unit's id.
    #[serde(serialize_with = "maybe_as_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub unit: Option<i64>,
    pub state: String,
    pub date: DateTime<Utc>,
    pub score: f32,
}

pub(crate) fn as_text<S: serde::Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

pub(crate) fn maybe_as_text<S: serde::Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bucket {
    pub value: String,
    pub count: u64,
}

/// Counts over every hit the caller may see (not only this page).
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    pub kind: Vec<Bucket>,
    pub unit: Vec<Bucket>,
    pub state: Vec<Bucket>,
    pub month: Vec<Bucket>,
}

#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Answer {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: Facets,
    /// Give it back as `cursor` (with the same query) for the next page.
    pub next_cursor: Option<String>,
}

impl SearchIndex {
    pub fn search(&self, request: &Request, sight: &Visibility) -> SearchResult<Answer> {
        let limit = request.limit;
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(DomainError::field("limit", Issue::OutOfRange { min: 1, max: MAX_LIMIT as i64 }).into());
        }
        let parsed = parse(&request.q)?;
        let print = fingerprint(request);
        let offset = match &request.cursor {
            Some(c) => read_cursor(c, &print)?,
            None => 0,
        };
        let f = &self.fields;
        let include: Vec<Box<dyn Query>> = parsed.include.iter().filter_map(|p| self.part(p)).collect();
        if include.is_empty() {
            // Only stop words or punctuation: nothing to look for.
            return Ok(Answer::default());
        }
        let wanted = BooleanQuery::new(include.into_iter().map(|q| (Occur::Must, q)).collect());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(wanted.clone()))];
        clauses.extend(self.exclusions(&parsed.exclude));
        clauses.push((Occur::Must, visibility(f, sight)));
        clauses.extend(filters(f, request).into_iter().map(|q| (Occur::Must, q)));
        let query = BooleanQuery::new(clauses);

        let live = self.live();
        let searcher = live.reader.searcher();
        let top = TopDocs::with_limit(limit).and_offset(offset).order_by_score();
        let aggs = AggregationCollector::from_aggs(
            facet_request()?,
            AggContextParams::new(AggregationLimitsGuard::default(), live.index.tokenizers().clone()),
        );
        let (found, total, facets) = searcher.search(&query, &(top, Count, aggs))?;
        // Snippets highlight only what was looked for, never the filters' or exclusions' terms.
        let mut body = SnippetGenerator::create(&searcher, &wanted, f.body)?;
        body.set_max_num_chars(160);
        let title = SnippetGenerator::create(&searcher, &wanted, f.title)?;
        let hits = found
            .into_iter()
            .map(|(score, at)| hit(&searcher, f, at, score, &body, &title))
            .collect::<SearchResult<Vec<_>>>()?;
        let end = offset + hits.len();
        let next_cursor =
            (hits.len() == limit && (end as u64) < total as u64 && end < MAX_DEPTH).then(|| cursor(&print, end));
        Ok(Answer { hits, total: total as u64, facets: read_facets(facets), next_cursor })
    }

    /// The ids of the records of `kind` matching a list's text filter, and the feed number the
    /// index stood at before looking (records changed after it are the list's to match itself).
    /// `None` when the index cannot answer: a query it would refuse, only stop words, or more
    /// than `cap` records (the list's own filter is then the fast one).
    pub fn matching_ids(&self, kind: SearchKind, q: &str, cap: usize) -> SearchResult<Option<(Vec<i64>, i64)>> {
        let Ok(parsed) = parse(q) else { return Ok(None) };
        let include: Vec<Box<dyn Query>> = parsed.include.iter().filter_map(|p| self.part(p)).collect();
        if include.is_empty() {
            return Ok(None);
        }
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = include.into_iter().map(|q| (Occur::Must, q)).collect();
        clauses.extend(self.exclusions(&parsed.exclude));
        let of_kind = TermQuery::new(Term::from_field_text(f.kind, kind.as_str()), IndexRecordOption::Basic);
        clauses.push((Occur::Must, Box::new(of_kind)));
        // The number first: a searcher newer than it only moves records to the list's side.
        let watermark = self.applied_seq();
        let searcher = self.live().reader.searcher();
        let found = searcher.search(&BooleanQuery::new(clauses), &DocSetCollector)?;
        if found.len() > cap {
            return Ok(None);
        }
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().i64("id"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut ids: Vec<i64> =
            found.into_iter().filter_map(|d| columns[d.segment_ord as usize].first(d.doc_id)).collect();
        ids.sort_unstable();
        Ok(Some((ids, watermark)))
    }

    /// The `-exclusions` as clauses (each looked up moving forward only, see `forward`).
    fn exclusions(&self, parts: &[Part]) -> Vec<(Occur, Box<dyn Query>)> {
        parts
            .iter()
            .filter_map(|p| self.part(p))
            .map(|q| (Occur::MustNot, Box::new(crate::forward::Forward(q)) as Box<dyn Query>))
            .collect()
    }

    /// A part of the query as a tantivy query; `None` when it holds only stop words.
    fn part(&self, part: &Part) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        match part {
            Part::Words(text) => {
                // Runs of single characters (a name the dictionary lacks) stay together.
                let mut runs: Vec<Vec<Word>> = Vec::new();
                for w in words(&self.jieba, text, false) {
                    let single = |w: &Word| w.text.chars().count() == 1;
                    match runs.last_mut() {
                        Some(run)
                            if single(&w) && run.last().is_some_and(|l| single(l) && l.position + 1 == w.position) =>
                        {
                            run.push(w)
                        }
                        _ => runs.push(vec![w]),
                    }
                }
                let all: Vec<Box<dyn Query>> = runs.iter().map(|run| sequence(f, run)).collect();
                (!all.is_empty()).then(|| Box::new(BooleanQuery::intersection(all)) as Box<dyn Query>)
            }
            Part::Phrase(text) => {
                // Chinese is written without spaces: "搅拌站 夜间" is also the words side by side.
                let mut readings = vec![text.clone()];
                readings.extend(Some(close_up(text)).filter(|t| t != text));
                let all: Vec<Box<dyn Query>> = readings
                    .iter()
                    .map(|t| words(&self.jieba, t, false))
                    .filter(|ws| !ws.is_empty())
                    .map(|ws| sequence(f, &ws))
                    .collect();
                match all.len() {
                    0 => None,
                    1 => all.into_iter().next(),
                    _ => Some(Box::new(BooleanQuery::union(all))),
                }
            }
            Part::Code(code) => {
                let exact: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(Term::from_field_text(f.codes, &code_key(code)), IndexRecordOption::Basic)),
                    20.0,
                ));
                // In the text a code is its words in order (CASE-A-7, never CASE-B-7 with an "a" elsewhere).
                let mut either = vec![exact];
                either.extend(self.part(&Part::Phrase(code.clone())));
                Some(Box::new(BooleanQuery::union(either)))
            }
        }
    }
}

/// The text without the spaces between two Chinese characters.
fn close_up(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let han = |c: Option<&char>| c.is_some_and(|c| crate::tokenizer::is_han(*c));
    let mut out = String::with_capacity(text.len());
    for (i, c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if han(before) && han(after) {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

/// A code as compared: folded, without its dashes (a tracking code is stored without one).
pub(crate) fn code_key(code: &str) -> String {
    crate::fold::fold(code.trim()).replace('-', "")
}

/// Words in this order (at their offsets), in the title or the body.
fn sequence(f: &Fields, ws: &[Word]) -> Box<dyn Query> {
    if let [one] = ws {
        return either_field(f, &one.text);
    }
    let first = ws[0].position;
    let phrase = |field| -> Box<dyn Query> {
        let terms = ws.iter().map(|w| (w.position - first, Term::from_field_text(field, &w.text))).collect();
        Box::new(PhraseQuery::new_with_offset(terms))
    };
    Box::new(BooleanQuery::union(vec![phrase(f.title), phrase(f.body)]))
}

/// A word in the title (worth twice as much) or the body.
pub(crate) fn either_field(f: &Fields, word: &str) -> Box<dyn Query> {
    let term = |field| TermQuery::new(Term::from_field_text(field, word), IndexRecordOption::WithFreqsAndPositions);
    Box::new(BooleanQuery::union(vec![Box::new(BoostQuery::new(Box::new(term(f.title)), 2.0)), Box::new(term(f.body))]))
}

/// The records the caller may open, as a query clause: per kind, everything, the units' records
/// or nothing — or a public record.
pub(crate) fn visibility(f: &Fields, sight: &Visibility) -> Box<dyn Query> {
    let public = || -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_bool(f.public, true), IndexRecordOption::Basic))
    };
    let kinds = sight
        .0
        .iter()
        .map(|(kind, sees)| {
            let of_kind: Box<dyn Query> =
                Box::new(TermQuery::new(Term::from_field_text(f.kind, kind.as_str()), IndexRecordOption::Basic));
            let allowed: Option<Box<dyn Query>> = match sees {
                Sees::All => None,
                Sees::Units(units) => {
                    let units = TermSetQuery::new(units.iter().map(|u| Term::from_field_i64(f.unit, *u)));
                    Some(Box::new(BooleanQuery::union(vec![Box::new(units), public()])))
                }
                Sees::PublicOnly => Some(public()),
            };
            let mut both = vec![(Occur::Must, of_kind)];
            both.extend(allowed.map(|a| (Occur::Must, a)));
            Box::new(BooleanQuery::new(both)) as Box<dyn Query>
        })
        .collect::<Vec<_>>();
    // No kind at all: a query nothing matches.
    Box::new(BooleanQuery::union(kinds))
}

/// The request's own filters (kind, unit, state, dates).
fn filters(f: &Fields, r: &Request) -> Vec<Box<dyn Query>> {
    let term = |t: Term| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let mut out = Vec::new();
    if let Some(k) = r.kind {
        out.push(term(Term::from_field_text(f.kind, k.as_str())));
    }
    if let Some(u) = r.unit {
        out.push(term(Term::from_field_i64(f.unit, u)));
    }
    if let Some(s) = &r.state {
        out.push(term(Term::from_field_text(f.state, s)));
    }
    if r.from.is_some() || r.to.is_some() {
        let at = |d: NaiveDate| {
            let start = rectify_domain::time::start_of_china_day(d).utc();
            Term::from_field_date(f.date, crate::schema::date_value(start.timestamp()))
        };
        let lower = r.from.map_or(Bound::Unbounded, |d| Bound::Included(at(d)));
        let upper = r.to.and_then(|d| d.succ_opt()).map_or(Bound::Unbounded, |d| Bound::Excluded(at(d)));
        out.push(Box::new(RangeQuery::new(lower, upper)));
    }
    out
}

fn facet_request() -> SearchResult<Aggregations> {
    let terms = |field: &str, size: u32| serde_json::json!({ "terms": { "field": field, "size": size } });
    serde_json::from_value(serde_json::json!({
        "kind": terms("kind", 20),
        "unit": terms("unit", 500),
        "state": terms("state", 50),
        "month": terms("month", 240),
    }))
    .map_err(|e| tantivy::TantivyError::InvalidArgument(format!("facet request: {e}")).into())
}

fn read_facets(results: tantivy::aggregation::agg_result::AggregationResults) -> Facets {
    let json = serde_json::to_value(results).unwrap_or_default();
    let buckets = |name: &str| -> Vec<Bucket> {
        json[name]["buckets"]
            .as_array()
            .map(|bs| {
                bs.iter()
                    .map(|b| Bucket {
                        value: match &b["key"] {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => {
                                n.as_f64().map_or(n.to_string(), |f| (f as i64).to_string())
                            }
                            other => other.to_string(),
                        },
                        count: b["doc_count"].as_u64().unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Facets { kind: buckets("kind"), unit: buckets("unit"), state: buckets("state"), month: buckets("month") }
}

fn hit(
    searcher: &Searcher,
    f: &Fields,
    at: DocAddress,
    score: f32,
    body: &SnippetGenerator,
    title: &SnippetGenerator,
) -> SearchResult<Hit> {
    let doc: TantivyDocument = searcher.doc(at)?;
    let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    let mut snippet = body.snippet_from_doc(&doc);
    if snippet.is_empty() {
        snippet = title.snippet_from_doc(&doc);
    }
    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
    let mut html = snippet.to_html();
    if html.is_empty() {
        let start: String = text(f.body).chars().take(160).collect();
        html = escape(&start);
    }
    Ok(Hit {
        kind: SearchKind::parse(&text(f.kind)).unwrap_or(SearchKind::Case),
        id: doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or_default(),
        title: text(f.title),
        snippet: html,
        unit: doc.get_first(f.unit).and_then(|v| v.as_i64()),
        state: text(f.state),
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .and_then(|d| DateTime::from_timestamp(d.into_timestamp_secs(), 0))
            .unwrap_or_default(),
        score,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What a cursor is bound to: the query and its filters (not the page size).
fn fingerprint(r: &Request) -> String {
    let key = serde_json::json!([r.q.trim(), r.kind.map(|k| k.as_str()), r.unit, r.state, r.from, r.to]);
    hex::encode(&Sha256::digest(key.to_string().as_bytes())[..8])
}

fn cursor(print: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{print}:{offset}"))
}

fn read_cursor(text: &str, print: &str) -> Result<usize, DomainError> {
    let malformed = || DomainError::field("cursor", Issue::Malformed { expected: Expected::Cursor });
    let raw = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| malformed())?;
    let raw = String::from_utf8(raw).map_err(|_| malformed())?;
    let (p, offset) = raw.split_once(':').ok_or_else(malformed)?;
    let offset: usize = offset.parse().map_err(|_| malformed())?;
    if p != print {
        return Err(DomainError::field(
            "cursor",
            Issue::Malformed { expected: Expected::Search(SearchIssue::ForeignCursor) },
        ));
    }
    if offset >= MAX_DEPTH {
        return Err(malformed());
    }
    Ok(offset)
}
