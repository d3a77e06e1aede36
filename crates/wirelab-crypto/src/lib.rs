//! RSA and Diffie-Hellman from first principles, every step observable ([`Steps`]).
//!
//! ```text
//!  arith    extended Euclid, modular inverse, square-and-multiply
//!  prime    trial division, Miller-Rabin, random primes of an exact length, safe primes
//!  rsa      key generation, PKCS#1 v1.5 and PSS, CRT, key files (RFC 8017)
//!  dh       finite-field Diffie-Hellman        ecdh, x25519   elliptic-curve Diffie-Hellman
//! ```
//!
//! Teaching code: not constant-time (see [`rsa`]).
#![forbid(unsafe_code)]

pub mod arith;
pub mod dh;
pub mod ecdh;
pub mod prime;
pub mod rsa;
pub mod steps;
pub mod x25519;

pub use steps::{hex, Step, Steps};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// The random numbers of a command (keys, padding, salts, private exponents): with a seed, a
/// reproducible ChaCha20 stream, the same on every machine (for lessons and tests: a key anyone
/// can remake is no secret); without, ChaCha20 seeded from the operating system.
pub fn rng_from_seed(seed: Option<u64>) -> ChaCha20Rng {
    match seed {
        Some(seed) => ChaCha20Rng::seed_from_u64(seed),
        None => ChaCha20Rng::from_entropy(),
    }
}
