//! A linear SVM by dual coordinate descent (Hsieh, Chang, Lin, Keerthi, Sathiya 2008 — the
//! solver behind LIBLINEAR's `-s 1`): L2-regularised squared hinge loss,
//!
//!   min_w ½‖w‖² + Σ_i C_i · max(0, 1 − y_i (w·x_i + b))²
//!
//! solved in the dual one α_i at a time, keeping w = Σ α_i y_i x_i up to date so each step costs
//! the non-zeros of one example. C_i varies per example, which is how classes are balanced and
//! weak rows weigh less. The bias is an extra feature fixed at 1 (regularised, as LIBLINEAR's).
//! The visiting order is shuffled by a fixed-seed generator, so the same data gives the same
//! weights bit for bit.

use crate::features::Sparse;

#[derive(Debug, Clone, Copy)]
pub struct SolverOptions {
    /// Stop when the projected gradient's spread falls below this (LIBLINEAR's default 0.1).
    pub eps: f64,
    pub max_epochs: usize,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions { eps: 0.1, max_epochs: 1000 }
    }
}

/// One binary problem's solution: `w·x + bias` > 0 means the positive class.
#[derive(Debug, Clone)]
pub struct Binary {
    pub w: Vec<f64>,
    pub bias: f64,
    pub epochs: usize,
}

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Trains `positive[i]` against the rest over `dim` features, with per-example costs `c`.
pub fn train(xs: &[&Sparse], positive: &[bool], c: &[f64], dim: usize, opts: SolverOptions, seed: u64) -> Binary {
    let n = xs.len();
    let mut w = vec![0.0f64; dim];
    let mut bias = 0.0f64;
    let mut alpha = vec![0.0f64; n];
    // Squared hinge: the dual's diagonal gains 1/(2C_i) and α has no upper bound.
    let diag: Vec<f64> = c.iter().map(|&ci| 0.5 / ci.max(1e-12)).collect();
    let qii: Vec<f64> = xs.iter().zip(&diag).map(|(x, d)| x.squared_norm() + 1.0 + d).collect();
    let y: Vec<f64> = positive.iter().map(|&p| if p { 1.0 } else { -1.0 }).collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = Rng(seed | 1);
    let mut epochs = 0;
    while epochs < opts.max_epochs {
        epochs += 1;
        for i in (1..n).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for &i in &order {
            let x = xs[i];
            let dot: f64 = x.idx.iter().zip(&x.val).map(|(&j, &v)| w[j as usize] * f64::from(v)).sum::<f64>() + bias;
            let g = y[i] * dot - 1.0 + diag[i] * alpha[i];
            // Projected gradient: at the bound α = 0 only a descent into α > 0 counts.
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qii[i]).max(0.0);
                let step = (alpha[i] - old) * y[i];
                for (&j, &v) in x.idx.iter().zip(&x.val) {
                    w[j as usize] += step * f64::from(v);
                }
                bias += step;
            }
        }
        if n == 0 || pg_max - pg_min <= opts.eps {
            break;
        }
    }
    Binary { w, bias, epochs }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sparse(v: &[f32]) -> Sparse {
        let idx = (0..v.len() as u32).collect();
        Sparse { idx, val: v.to_vec() }
    }

    fn score(b: &Binary, x: &Sparse) -> f64 {
        x.idx.iter().zip(&x.val).map(|(&j, &v)| b.w[j as usize] * f64::from(v)).sum::<f64>() + b.bias
    }

    #[test]
    fn separates_a_separable_set() {
        let xs = [sparse(&[1.0, 0.1]), sparse(&[0.9, 0.0]), sparse(&[0.0, 1.0]), sparse(&[0.2, 0.8])];
        let refs: Vec<&Sparse> = xs.iter().collect();
        let pos = [true, true, false, false];
        let b = train(&refs, &pos, &[10.0; 4], 2, SolverOptions { eps: 1e-6, max_epochs: 10_000 }, 7);
        for (x, p) in xs.iter().zip(pos) {
            assert_eq!(score(&b, x) > 0.0, p);
        }
    }

    #[test]
    fn matches_the_known_optimum_in_one_dimension() {
        // Two points x = +1 (positive) and x = −1 (negative), C large: the primal optimum of
        // ½(w² + b²) with hinge constraints w·x + b ≥ 1 is w = 1, b = 0.
        let xs = [sparse(&[1.0]), sparse(&[-1.0])];
        let refs: Vec<&Sparse> = xs.iter().collect();
        let b = train(&refs, &[true, false], &[1e6; 2], 1, SolverOptions { eps: 1e-9, max_epochs: 100_000 }, 1);
        assert!((b.w[0] - 1.0).abs() < 1e-3, "{:?}", b.w);
        assert!(b.bias.abs() < 1e-3, "{}", b.bias);
    }

    #[test]
    fn same_data_same_weights() {
        let xs = [sparse(&[1.0, 0.3]), sparse(&[0.2, 1.0]), sparse(&[0.7, 0.7])];
        let refs: Vec<&Sparse> = xs.iter().collect();
        let a = train(&refs, &[true, false, true], &[1.0; 3], 2, SolverOptions::default(), 3);
        let b = train(&refs, &[true, false, true], &[1.0; 3], 2, SolverOptions::default(), 3);
        assert_eq!(a.w, b.w);
        assert_eq!(a.bias, b.bias);
    }
}
