//! The TLS 1.2 key schedule: from the pre-master secret to the keys that protect records.

pub mod block;
pub mod prf;

#[cfg(test)]
mod tests;

pub use block::{BulkCipher, KeyBlock, MacAlgorithm, SuiteParams};
pub use prf::{PrfHash, Side};
