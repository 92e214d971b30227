//! From margins to probabilities that mean what they say. An SVM's margins rank classes but are
//! not probabilities; a softmax over margins / T, with the one temperature T fitted to minimise
//! the log-loss on predictions for examples the model did not train on, turns them into
//! confidences where 0.8 is right about 80% of the time. One parameter, because the held-out
//! examples of an office's early days are few: per-class Platt scaling would fit noise.

use serde::{Deserialize, Serialize};

/// Used before there is held-out data to fit on (a model from the taxonomy alone): margins of a
/// few tenths then give modest confidences rather than certainties.
pub const DEFAULT_TEMPERATURE: f64 = 0.5;

/// Only held-out predictions that are all right ask for a colder softmax, and a handful of
/// them says the examples are easy, not that the next message will be: below this, a margin
/// difference of a tenth would already be near certainty.
pub const MIN_TEMPERATURE: f64 = 0.05;

/// Probabilities over classes of `margins / t`.
pub fn softmax(margins: &[f64], t: f64) -> Vec<f64> {
    let max = margins.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = margins.iter().map(|m| ((m - max) / t).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.into_iter().map(|x| x / sum).collect()
}

/// Mean negative log-likelihood of the true classes.
fn nll(rows: &[(Vec<f64>, usize)], t: f64) -> f64 {
    let sum: f64 = rows.iter().map(|(m, y)| -softmax(m, t)[*y].max(1e-12).ln()).sum();
    sum / rows.len().max(1) as f64
}

/// The temperature minimising the log-loss of (margins, true class) rows: golden-section search
/// over log T in [MIN_TEMPERATURE, 10], where the loss is unimodal in practice.
pub fn fit_temperature(rows: &[(Vec<f64>, usize)]) -> f64 {
    if rows.is_empty() {
        return DEFAULT_TEMPERATURE;
    }
    let (mut a, mut b) = (MIN_TEMPERATURE.ln(), 10f64.ln());
    let r = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - r * (b - a);
    let mut d = a + r * (b - a);
    let (mut fc, mut fd) = (nll(rows, c.exp()), nll(rows, d.exp()));
    for _ in 0..60 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - r * (b - a);
            fc = nll(rows, c.exp());
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + r * (b - a);
            fd = nll(rows, d.exp());
        }
    }
    ((a + b) / 2.0).exp()
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub from: f64,
    pub to: f64,
    pub count: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// How well confidence matches accuracy: bins of equal width, and the expected calibration
/// error (the count-weighted mean gap between a bin's confidence and its accuracy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    pub bins: Vec<Bin>,
    pub ece: f64,
}

/// Reliability of (confidence, was it right) pairs over `n_bins` equal bins of [0, 1]; empty
/// bins are left out.
pub fn reliability(pairs: &[(f64, bool)], n_bins: usize) -> Reliability {
    let n_bins = n_bins.max(1);
    let mut sums = vec![(0usize, 0.0f64, 0usize); n_bins];
    for &(conf, right) in pairs {
        let b = ((conf.clamp(0.0, 1.0) * n_bins as f64) as usize).min(n_bins - 1);
        sums[b].0 += 1;
        sums[b].1 += conf;
        sums[b].2 += usize::from(right);
    }
    let total = pairs.len().max(1) as f64;
    let mut ece = 0.0;
    let bins = sums
        .into_iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(i, (count, conf, right))| {
            let mean_confidence = conf / count as f64;
            let accuracy = right as f64 / count as f64;
            ece += count as f64 / total * (mean_confidence - accuracy).abs();
            Bin { from: i as f64 / n_bins as f64, to: (i + 1) as f64 / n_bins as f64, count, mean_confidence, accuracy }
        })
        .collect();
    Reliability { bins, ece }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_keeps_the_order() {
        let p = softmax(&[0.5, -0.2, 0.1], 0.3);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(p[0] > p[2] && p[2] > p[1]);
    }

    #[test]
    fn fits_the_temperature_that_made_the_data() {
        // Rows drawn so that the softmax at T = 0.25 is exactly right on average: for each margin
        // pattern, the true class appears in proportion to its probability.
        let t_true = 0.25;
        let mut rows = Vec::new();
        for margins in [vec![0.6, 0.1, -0.3], vec![0.2, 0.1, 0.0], vec![1.0, -0.5, -0.5]] {
            let p = softmax(&margins, t_true);
            for (class, pk) in p.iter().enumerate() {
                for _ in 0..(pk * 1000.0).round() as usize {
                    rows.push((margins.clone(), class));
                }
            }
        }
        let t = fit_temperature(&rows);
        assert!((t - t_true).abs() < 0.01, "{t}");
    }

    #[test]
    fn overconfident_margins_are_cooled() {
        // A clear margin, right only half of the time: the fitted softmax should say about 0.5.
        let rows: Vec<(Vec<f64>, usize)> = (0..100).map(|i| (vec![1.0, 0.0], i % 2)).collect();
        let t = fit_temperature(&rows);
        let p = softmax(&[1.0, 0.0], t);
        assert!((p[0] - 0.5).abs() < 0.05, "{p:?} at {t}");
    }

    #[test]
    fn reliability_bins_and_error() {
        let pairs = [(0.95, true), (0.91, true), (0.15, false), (0.55, true), (0.52, false)];
        let r = reliability(&pairs, 10);
        assert_eq!(r.bins.iter().map(|b| b.count).sum::<usize>(), 5);
        let top = r.bins.last().unwrap();
        assert_eq!((top.count, top.accuracy), (2, 1.0));
        assert!(r.ece > 0.0 && r.ece < 0.2, "{}", r.ece);
    }
}
