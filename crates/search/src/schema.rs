//! The index's fields and the one document shape every kind is written as. A new kind needs no
//! change here: it is a `SearchKind` and the store's conversion of its record into [`Document`].

use crate::tokenizer::TOKENIZER;
use chrono::{DateTime, Utc};
use rectify_domain::search::SearchKind;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{TantivyDocument, Term};

/// A record as the index holds it. Never contacts or sealed text: the store builds it from the
/// masked text the lists show.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub kind: SearchKind,
    pub id: i64,
    pub title: String,
    pub body: String,
    /// The owner unit (visibility follows it); none for a case not yet assigned.
    pub unit: Option<i64>,
    pub state: String,
    pub at: DateTime<Utc>,
    /// Everyone may see it (a published problem).
    pub public: bool,
    /// Matched exactly: tracking code, the office's own number.
    pub codes: Vec<String>,
}

#[derive(Clone, Copy)]
pub struct Fields {
    /// `kind:id`, the identity an update replaces.
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub unit: Field,
    pub state: Field,
    pub date: Field,
    /// `YYYY-MM` in China, for the month facet.
    pub month: Field,
    pub public: Field,
    pub codes: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let number = NumericOptions::default().set_indexed().set_fast().set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STRING | STORED | tantivy::schema::FAST),
        id: b.add_i64_field("id", number.clone()),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text),
        unit: b.add_i64_field("unit", number),
        state: b.add_text_field("state", STRING | STORED | tantivy::schema::FAST),
        date: b.add_date_field(
            "date",
            DateOptions::default().set_indexed().set_fast().set_stored().set_precision(DateTimePrecision::Seconds),
        ),
        month: b.add_text_field("month", STRING | tantivy::schema::FAST),
        public: b.add_bool_field("public", NumericOptions::default().set_indexed()),
        codes: b.add_text_field("codes", STRING),
    };
    (b.build(), fields)
}

impl Fields {
    pub fn key_term(&self, kind: SearchKind, id: i64) -> Term {
        Term::from_field_text(self.key, &format!("{}:{id}", kind.as_str()))
    }

    pub fn to_tantivy(&self, d: &Document) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.key, format!("{}:{}", d.kind.as_str(), d.id));
        doc.add_text(self.kind, d.kind.as_str());
        doc.add_i64(self.id, d.id);
        doc.add_text(self.title, &d.title);
        doc.add_text(self.body, &d.body);
        if let Some(u) = d.unit {
            doc.add_i64(self.unit, u);
        }
        doc.add_text(self.state, &d.state);
        doc.add_date(self.date, date_value(d.at.timestamp()));
        doc.add_text(self.month, rectify_domain::time::china_date(d.at).format("%Y-%m").to_string());
        doc.add_bool(self.public, d.public);
        doc.add_text(self.codes, d.id.to_string());
        for c in &d.codes {
            doc.add_text(self.codes, crate::search::code_key(c));
        }
        doc
    }
}

/// A moment as the index stores it: nanoseconds in an `i64`, so moments past 2262 (or before
/// 1677) stand at the end of that range instead of overflowing.
pub(crate) fn date_value(seconds: i64) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_nanos(seconds.saturating_mul(1_000_000_000))
}
