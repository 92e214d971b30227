//! The model: vocabulary, one linear SVM per category (one-vs-rest), a temperature, and what it
//! was trained on and how it did on examples it had not seen. A plain value: train it, keep it
//! (serde), ask it.

use crate::calibration::{DEFAULT_TEMPERATURE, Reliability, fit_temperature, reliability, softmax};
use crate::features::{FEATURES_VERSION, FeatureOptions, Sparse, Vocabulary, raw};
use crate::svm::{self, SolverOptions};
use crate::{Example, Taxonomy, Text};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Bump when the serialized shape changes.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Options {
    pub features: FeatureOptions,
    /// The SVM's cost: higher fits the examples harder.
    pub c: f64,
    /// What a taxonomy row weighs against a real message: a name like "噪音扰民" is a hint, not a
    /// message someone wrote.
    pub weak_weight: f64,
    /// Folds for the held-out predictions the temperature is fitted on (and the model's own
    /// held-out figures come from).
    pub folds: usize,
    /// Below this many examples there is too little held-out data to fit a temperature; the
    /// default one is used and the model says it is uncalibrated.
    pub min_examples_to_calibrate: usize,
    pub eps: f64,
    pub max_epochs: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            features: FeatureOptions::default(),
            c: 1.0,
            weak_weight: 0.5,
            folds: 5,
            min_examples_to_calibrate: 30,
            eps: 0.1,
            max_epochs: 1000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainError {
    /// Neither the taxonomy nor the examples name two categories: nothing to choose between.
    #[error("fewer than two categories to choose between")]
    TooFewCategories,
    /// An example without a category (its position in the list).
    #[error("example {0} has no category")]
    EmptyCategory(usize),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    #[error("model format {found}, this build reads {expected}")]
    Format { found: u32, expected: u32 },
    #[error("model features version {found}, this build makes {expected}")]
    Features { found: u32, expected: u32 },
    #[error("model is inconsistent: {0}")]
    Inconsistent(&'static str),
}

/// One category and how likely it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub category: String,
    pub confidence: f64,
}

/// The model's answer: its best category and the others, most likely first. Confidences are
/// probabilities over the categories and sum to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub category: String,
    pub confidence: f64,
    pub alternatives: Vec<Alternative>,
    /// How many of the text's features the model knows; 0 means the answer is only the prior
    /// (an empty text, or one in words the model has never met).
    pub known_features: usize,
}

/// What a model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainedOn {
    pub examples: usize,
    pub taxonomy_rows: usize,
    /// Texts only used for the IDF.
    pub unlabelled: usize,
    /// Examples per category, in the model's category order.
    pub by_category: Vec<(String, usize)>,
    pub vocabulary: usize,
}

/// The model's own held-out figures: every example predicted by a model trained on the other
/// folds. The temperature is fitted on these same predictions, so the reliability is slightly
/// flattering; an evaluation on later data is the real test (docs/TRIAGE.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    pub examples: usize,
    pub accuracy: f64,
    pub top2_accuracy: f64,
    pub macro_f1: f64,
    pub reliability: Reliability,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "Wire", into = "Wire")]
pub struct Model {
    options: Options,
    categories: Vec<String>,
    vocabulary: Vocabulary,
    /// Feature-major: the weights of slot j are `weights[j * k .. (j + 1) * k]`, so scoring a
    /// sparse text reads each known feature's weights together.
    weights: Vec<f32>,
    bias: Vec<f32>,
    temperature: f64,
    calibrated: bool,
    /// Shares of the categories among the examples: the answer when the text says nothing.
    priors: Vec<f64>,
    trained_on: TrainedOn,
    held_out: Option<HeldOut>,
}

/// The serialized form. The big arrays are little-endian bytes in base64 (exact, and about a
/// third of the size of decimal JSON), and only the vocabulary slots with a non-zero weight carry
/// weights: most features were met only in unlabelled texts and matter just for the norm. The
/// vocabulary's lookup table is rebuilt on load, and the versions checked.
#[derive(Serialize, Deserialize)]
struct Wire {
    format: u32,
    features_version: u32,
    options: Options,
    categories: Vec<String>,
    /// u64 each.
    keys: String,
    /// f32 each.
    idf: String,
    /// u32 each: the slots that have weights, ascending.
    weighted: String,
    /// f32 each: `categories.len()` per weighted slot.
    weights: String,
    bias: Vec<f32>,
    temperature: f64,
    calibrated: bool,
    priors: Vec<f64>,
    trained_on: TrainedOn,
    held_out: Option<HeldOut>,
}

fn pack<const N: usize>(items: impl Iterator<Item = [u8; N]>) -> String {
    STANDARD.encode(items.flatten().collect::<Vec<u8>>())
}

fn unpack<const N: usize, T>(text: &str, from: fn([u8; N]) -> T) -> Result<Vec<T>, LoadError> {
    let bytes = STANDARD.decode(text).map_err(|_| LoadError::Inconsistent("an array is not base64"))?;
    if bytes.len() % N != 0 {
        return Err(LoadError::Inconsistent("an array's length is not a whole number of items"));
    }
    Ok(bytes.chunks_exact(N).map(|c| from(c.try_into().unwrap_or([0; N]))).collect())
}

impl From<Model> for Wire {
    fn from(m: Model) -> Wire {
        let k = m.categories.len();
        let weighted: Vec<u32> = (0..m.vocabulary.len())
            .filter(|&j| m.weights[j * k..(j + 1) * k].iter().any(|&w| w != 0.0))
            .map(|j| j as u32)
            .collect();
        let weights = weighted.iter().flat_map(|&j| m.weights[j as usize * k..(j as usize + 1) * k].iter());
        Wire {
            format: FORMAT_VERSION,
            features_version: FEATURES_VERSION,
            options: m.options,
            categories: m.categories,
            keys: pack(m.vocabulary.keys.iter().map(|k| k.to_le_bytes())),
            idf: pack(m.vocabulary.idf.iter().map(|v| v.to_le_bytes())),
            weighted: pack(weighted.iter().map(|j| j.to_le_bytes())),
            weights: pack(weights.map(|w| w.to_le_bytes())),
            bias: m.bias,
            temperature: m.temperature,
            calibrated: m.calibrated,
            priors: m.priors,
            trained_on: m.trained_on,
            held_out: m.held_out,
        }
    }
}

impl TryFrom<Wire> for Model {
    type Error = LoadError;

    fn try_from(w: Wire) -> Result<Model, LoadError> {
        if w.format != FORMAT_VERSION {
            return Err(LoadError::Format { found: w.format, expected: FORMAT_VERSION });
        }
        if w.features_version != FEATURES_VERSION {
            return Err(LoadError::Features { found: w.features_version, expected: FEATURES_VERSION });
        }
        let k = w.categories.len();
        let keys = unpack(&w.keys, u64::from_le_bytes)?;
        let idf = unpack(&w.idf, f32::from_le_bytes)?;
        let weighted = unpack(&w.weighted, u32::from_le_bytes)?;
        let packed = unpack(&w.weights, f32::from_le_bytes)?;
        if keys.len() != idf.len() {
            return Err(LoadError::Inconsistent("keys and idf differ in length"));
        }
        if packed.len() != weighted.len() * k || w.bias.len() != k || w.priors.len() != k {
            return Err(LoadError::Inconsistent("weights do not match the categories"));
        }
        if !keys.is_sorted() || !weighted.is_sorted() || weighted.last().is_some_and(|&j| j as usize >= keys.len()) {
            return Err(LoadError::Inconsistent("unsorted vocabulary or weights outside it"));
        }
        if w.temperature.is_nan() || w.temperature <= 0.0 {
            return Err(LoadError::Inconsistent("a non-positive temperature"));
        }
        let mut weights = vec![0.0f32; keys.len() * k];
        for (row, &j) in packed.chunks_exact(k.max(1)).zip(&weighted) {
            weights[j as usize * k..(j as usize + 1) * k].copy_from_slice(row);
        }
        Ok(Model {
            options: w.options,
            categories: w.categories,
            vocabulary: Vocabulary::from_parts(keys, idf),
            weights,
            bias: w.bias,
            temperature: w.temperature,
            calibrated: w.calibrated,
            priors: w.priors,
            trained_on: w.trained_on,
            held_out: w.held_out,
        })
    }
}

/// Raw features of many texts, over the available cores; the order of results is the input's.
fn raw_all(texts: &[(&str, &str)], options: &FeatureOptions) -> Vec<Vec<(u64, f32)>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(texts.len().max(1));
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|(t, c)| raw(t, c, options)).collect::<Vec<_>>()))
            .collect();
        // A panic in a worker is a bug: pass it on rather than lose rows and misalign the rest.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// One-vs-rest over `k` categories: a binary SVM each, on its own thread; returns feature-major
/// weights and the biases.
fn fit(
    xs: &[&Sparse],
    ys: &[usize],
    costs: &[f64],
    k: usize,
    dim: usize,
    solver: SolverOptions,
) -> (Vec<f32>, Vec<f32>) {
    let binaries: Vec<svm::Binary> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..k)
            .map(|class| {
                s.spawn(move || {
                    let positive: Vec<bool> = ys.iter().map(|&y| y == class).collect();
                    svm::train(xs, &positive, costs, dim, solver, 0x9E37_79B9 + class as u64)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut weights = vec![0.0f32; dim * k];
    for (class, b) in binaries.iter().enumerate() {
        for (j, &w) in b.w.iter().enumerate() {
            weights[j * k + class] = w as f32;
        }
    }
    (weights, binaries.iter().map(|b| b.bias as f32).collect())
}

fn margins(weights: &[f32], bias: &[f32], x: &Sparse) -> Vec<f64> {
    let k = bias.len();
    let mut m: Vec<f64> = bias.iter().map(|&b| f64::from(b)).collect();
    for (&j, &v) in x.idx.iter().zip(&x.val) {
        let row = &weights[j as usize * k..(j as usize + 1) * k];
        for (mc, &w) in m.iter_mut().zip(row) {
            *mc += f64::from(w) * f64::from(v);
        }
    }
    m
}

/// Categories by descending probability; ties keep the model's order, so answers are stable.
fn ranked(probs: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]).then(a.cmp(&b)));
    order
}

/// Macro-averaged F1 over `k` categories of (predicted, true) pairs; a category never true nor
/// predicted is left out of the average.
pub fn macro_f1(pairs: &[(usize, usize)], k: usize) -> f64 {
    let mut f1s = Vec::new();
    for c in 0..k {
        let tp = pairs.iter().filter(|&&(p, t)| p == c && t == c).count() as f64;
        let fp = pairs.iter().filter(|&&(p, t)| p == c && t != c).count() as f64;
        let fneg = pairs.iter().filter(|&&(p, t)| p != c && t == c).count() as f64;
        if tp + fp + fneg == 0.0 {
            continue;
        }
        f1s.push(if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fneg) });
    }
    if f1s.is_empty() { 0.0 } else { f1s.iter().sum::<f64>() / f1s.len() as f64 }
}

impl Model {
    /// Trains on confirmed examples and the taxonomy's names, with no other texts for the IDF.
    pub fn train(examples: &[Example], taxonomy: &Taxonomy, options: &Options) -> Result<Model, TrainError> {
        Model::train_with_texts(examples, &[], taxonomy, options)
    }

    /// Trains on confirmed examples and the taxonomy's names; `unlabelled` texts (every message
    /// on the books) only sharpen the IDF.
    ///
    /// Categories are the taxonomy's first level, in its order, then any an example names that
    /// the taxonomy lacks. Each 2nd/3rd-level name is a weak example of its first-level category.
    /// Classes are balanced: an example weighs in inverse proportion to its category's count.
    pub fn train_with_texts(
        examples: &[Example],
        unlabelled: &[Text],
        taxonomy: &Taxonomy,
        options: &Options,
    ) -> Result<Model, TrainError> {
        if let Some(i) = examples.iter().position(|e| e.category.trim().is_empty()) {
            return Err(TrainError::EmptyCategory(i));
        }
        let mut categories = taxonomy.first_levels();
        for e in examples {
            if !categories.contains(&e.category) {
                categories.push(e.category.clone());
            }
        }
        let k = categories.len();
        if k < 2 {
            return Err(TrainError::TooFewCategories);
        }
        let position: HashMap<&str, usize> = categories.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
        let weak = taxonomy.weak_rows();
        let ys: Vec<usize> = examples.iter().map(|e| position[e.category.as_str()]).collect();
        let weak_ys: Vec<usize> = weak.iter().map(|(c, _)| position[c.as_str()]).collect();

        let fo = &options.features;
        let labelled: Vec<(&str, &str)> = examples.iter().map(|e| (e.title.as_str(), e.content.as_str())).collect();
        let others: Vec<(&str, &str)> = unlabelled.iter().map(|t| (t.title.as_str(), t.content.as_str())).collect();
        let raw_examples = raw_all(&labelled, fo);
        let raw_others = raw_all(&others, fo);
        let raw_weak: Vec<Vec<(u64, f32)>> = weak.iter().map(|(_, name)| raw("", name, fo)).collect();
        let always: Vec<u64> = raw_weak.iter().flatten().map(|&(key, _)| key).collect();
        let vocabulary = Vocabulary::fit(
            raw_examples.iter().chain(&raw_others).chain(&raw_weak).map(Vec::as_slice),
            &always,
            fo.min_df,
        );
        let dim = vocabulary.len();
        let xs: Vec<Sparse> = raw_examples.iter().map(|r| vocabulary.vectorize(r)).collect();
        let weak_xs: Vec<Sparse> = raw_weak.iter().map(|r| vocabulary.vectorize(r)).collect();

        // Balanced costs, real examples and taxonomy rows each in their own pool.
        let balanced = |ys: &[usize], scale: f64| -> Vec<f64> {
            let mut count = vec![0usize; k];
            ys.iter().for_each(|&y| count[y] += 1);
            let present = count.iter().filter(|&&c| c > 0).count().max(1) as f64;
            ys.iter().map(|&y| scale * ys.len() as f64 / (present * count[y] as f64)).collect()
        };
        let costs = balanced(&ys, options.c);
        let weak_costs = balanced(&weak_ys, options.c * options.weak_weight);
        let solver = SolverOptions { eps: options.eps, max_epochs: options.max_epochs };

        // Held-out predictions by folds (example i in fold i mod n): the temperature and the
        // model's own figures come from predictions on examples outside their training folds.
        let mut count = vec![0usize; k];
        ys.iter().for_each(|&y| count[y] += 1);
        let categories_seen = count.iter().filter(|&&c| c > 0).count();
        let folds = options.folds.max(2);
        let (temperature, calibrated, held_out) =
            if examples.len() >= options.min_examples_to_calibrate.max(folds) && categories_seen >= 2 {
                let mut rows: Vec<(Vec<f64>, usize)> = Vec::with_capacity(examples.len());
                for f in 0..folds {
                    let train: Vec<usize> = (0..xs.len()).filter(|i| i % folds != f).collect();
                    let mut fx: Vec<&Sparse> = train.iter().map(|&i| &xs[i]).collect();
                    let mut fy: Vec<usize> = train.iter().map(|&i| ys[i]).collect();
                    let mut fc: Vec<f64> = train.iter().map(|&i| costs[i]).collect();
                    fx.extend(weak_xs.iter());
                    fy.extend(&weak_ys);
                    fc.extend(&weak_costs);
                    let (w, b) = fit(&fx, &fy, &fc, k, dim, solver);
                    rows.extend((0..xs.len()).filter(|i| i % folds == f).map(|i| (margins(&w, &b, &xs[i]), ys[i])));
                }
                let t = fit_temperature(&rows);
                let mut pairs = Vec::new();
                let mut conf = Vec::new();
                let mut top2 = 0usize;
                for (m, y) in &rows {
                    let p = softmax(m, t);
                    let order = ranked(&p);
                    pairs.push((order[0], *y));
                    conf.push((p[order[0]], order[0] == *y));
                    top2 += usize::from(order.iter().take(2).any(|c| c == y));
                }
                let n = rows.len() as f64;
                let held_out = HeldOut {
                    examples: rows.len(),
                    accuracy: pairs.iter().filter(|(p, y)| p == y).count() as f64 / n,
                    top2_accuracy: top2 as f64 / n,
                    macro_f1: macro_f1(&pairs, k),
                    reliability: reliability(&conf, 10),
                };
                (t, true, Some(held_out))
            } else {
                (DEFAULT_TEMPERATURE, false, None)
            };

        let all_x: Vec<&Sparse> = xs.iter().chain(&weak_xs).collect();
        let all_y: Vec<usize> = ys.iter().chain(&weak_ys).copied().collect();
        let all_c: Vec<f64> = costs.iter().chain(&weak_costs).copied().collect();
        let (weights, bias) = fit(&all_x, &all_y, &all_c, k, dim, solver);

        let priors = if examples.is_empty() {
            vec![1.0 / k as f64; k]
        } else {
            count.iter().map(|&c| c as f64 / examples.len() as f64).collect()
        };
        let trained_on = TrainedOn {
            examples: examples.len(),
            taxonomy_rows: weak.len(),
            unlabelled: unlabelled.len(),
            by_category: categories.iter().cloned().zip(count.iter().copied()).collect(),
            vocabulary: dim,
        };
        Ok(Model {
            options: options.clone(),
            categories,
            vocabulary,
            weights,
            bias,
            temperature,
            calibrated,
            priors,
            trained_on,
            held_out,
        })
    }

    /// The category of a message, with calibrated confidences. Never fails: a text the model
    /// cannot read gets the categories' shares among the examples, which is as right as a
    /// guess can be.
    pub fn suggest(&self, title: &str, content: &str) -> Suggestion {
        let x = self.vocabulary.vectorize(&raw(title, content, &self.options.features));
        let probs = if x.is_empty() {
            self.priors.clone()
        } else {
            softmax(&margins(&self.weights, &self.bias, &x), self.temperature)
        };
        let order = ranked(&probs);
        let alt = |c: usize| Alternative { category: self.categories[c].clone(), confidence: probs[c] };
        Suggestion {
            category: self.categories[order[0]].clone(),
            confidence: probs[order[0]],
            alternatives: order[1..].iter().map(|&c| alt(c)).collect(),
            known_features: x.idx.len(),
        }
    }

    /// The categories, in the model's order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    pub fn trained_on(&self) -> &TrainedOn {
        &self.trained_on
    }

    /// The model's own held-out figures; `None` when there were too few examples to hold out.
    pub fn held_out(&self) -> Option<&HeldOut> {
        self.held_out.as_ref()
    }

    /// Whether the confidences were calibrated on held-out examples (otherwise a default
    /// temperature was used and a confidence is a ranking more than a probability).
    pub fn is_calibrated(&self) -> bool {
        self.calibrated
    }

    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    pub fn options(&self) -> &Options {
        &self.options
    }
}
