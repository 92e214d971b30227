//! The draw's random numbers: SHA-256 in counter mode over the seed and the snapshot's digest.
//! Written out here rather than taken from a crate so that the sequence can never change under us
//! with a dependency upgrade, and so anyone can re-implement it from this page to check a draw:
//!
//! ```text
//! block(i) = SHA-256("rectify-draw-v1" ‖ seed ‖ snapshot_digest ‖ i as u64 big-endian)
//! ```
//!
//! Each block gives four u64 (big-endian); `below(n)` rejects values at or above the largest
//! multiple of n, so every index is equally likely.

use sha2::{Digest, Sha256};

pub struct DrawRng {
    key: Vec<u8>,
    counter: u64,
    buffer: Vec<u64>,
}

impl DrawRng {
    pub fn new(seed: &[u8], snapshot_digest: &[u8; 32]) -> DrawRng {
        let mut key = b"rectify-draw-v1".to_vec();
        key.extend_from_slice(seed);
        key.extend_from_slice(snapshot_digest);
        DrawRng { key, counter: 0, buffer: Vec::new() }
    }

    fn next_u64(&mut self) -> u64 {
        if self.buffer.is_empty() {
            let block = Sha256::new().chain_update(&self.key).chain_update(self.counter.to_be_bytes()).finalize();
            self.counter += 1;
            // Reversed so that `pop` hands them out in order.
            self.buffer =
                block.chunks_exact(8).rev().map(|c| c.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b))).collect();
        }
        self.buffer.pop().unwrap_or_default()
    }

    /// A uniform index in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.next_u64();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }

    /// Fisher–Yates, from the last element down.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence_and_another_does_not() {
        let d = [7u8; 32];
        let a: Vec<usize> = {
            let mut r = DrawRng::new(b"seed", &d);
            (0..20).map(|_| r.below(1000)).collect()
        };
        let b: Vec<usize> = {
            let mut r = DrawRng::new(b"seed", &d);
            (0..20).map(|_| r.below(1000)).collect()
        };
        let c: Vec<usize> = {
            let mut r = DrawRng::new(b"seeD", &d);
            (0..20).map(|_| r.below(1000)).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn indexes_are_roughly_uniform() {
        let mut r = DrawRng::new(b"uniform", &[0; 32]);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[r.below(6)] += 1;
        }
        assert!(counts.iter().all(|c| (9_000..11_000).contains(c)), "{counts:?}");
    }
}
