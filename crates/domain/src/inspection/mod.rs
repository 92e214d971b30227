//! Inspections (督查 / 明察暗访): the verifiable random draw of inspectors and units (两个不固定).

pub mod draw;
mod rng;

pub use draw::{
    Draw, DrawGroup, DrawInput, DrawRules, PoolInspector, PoolTarget, VerifyError, commitment, draw, sample, verify,
};
