//! Triage that learns from the office: suggests a message's first-level category with a
//! confidence that means what it says, from the examples staff have confirmed and the
//! taxonomy's own names. No I/O: the store keeps the model (it is a serde value), the edges ask
//! it. See docs/TRIAGE.md for how it was measured.
//!
//! ```text
//! text ─ fold + segment (rectify-search) ─► char 1-2-grams + words ─► TF-IDF, L2 ─► one linear
//! SVM per category (dual coordinate descent, balanced) ─► softmax(margins / T) ─► Suggestion
//! ```

pub mod calibration;
pub mod features;
pub mod hotspots;
mod model;
pub mod svm;

pub use calibration::{Bin, Reliability};
pub use features::FeatureOptions;
pub use model::{
    Alternative, FORMAT_VERSION, HeldOut, LoadError, Model, Options, Suggestion, TrainError, TrainedOn, macro_f1,
};
use serde::{Deserialize, Serialize};

/// A message whose category a person set or confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    pub title: String,
    pub content: String,
    /// The first-level category's key.
    pub category: String,
}

/// A message without a category: it only helps the model know which words are common.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub title: String,
    pub content: String,
}

/// One row of the three-level taxonomy (一级分类, 二级分类, 三级分类); the lower levels may be
/// empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxonomyRow {
    pub first: String,
    pub second: String,
    pub third: String,
}

/// The taxonomy as the model needs it: the first level is what it predicts, the names below
/// are hints of what each first-level category covers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub rows: Vec<TaxonomyRow>,
}

impl Taxonomy {
    /// The distinct non-empty first-level names, in order of first appearance.
    pub fn first_levels(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rows {
            let name = r.first.trim();
            if !name.is_empty() && !out.iter().any(|o| o == name) {
                out.push(name.to_owned());
            }
        }
        out
    }

    /// One weak example per distinct (first, second, third) with a lower level: the text is the
    /// second and third names together, so "噪音扰民" is read with "环境污染" beside it.
    pub fn weak_rows(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for r in &self.rows {
            let first = r.first.trim();
            let text = format!("{} {}", r.second.trim(), r.third.trim()).trim().to_owned();
            if first.is_empty() || text.is_empty() {
                continue;
            }
            let row = (first.to_owned(), text);
            if !out.contains(&row) {
                out.push(row);
            }
        }
        out
    }
}
