//! RSA from first principles (RFC 8017, PKCS #1 v2.2): key generation, the RSA primitives,
//! PKCS#1 v1.5 encryption, PKCS#1 v1.5 and PSS signatures, and key files.
//!
//! ```text
//!  keygen.rs     p, q → n, φ(n), λ(n), d, dP, dQ, qInv       (FIPS 186-5 §A.1.3, RFC 8017 §3.2)
//!  primitive.rs  RSAEP/RSADP/RSASP1/RSAVP1, I2OSP/OS2IP, CRT  (RFC 8017 §4, §5)
//!  pkcs1v15.rs   RSAES-PKCS1-v1_5, RSASSA-PKCS1-v1_5          (RFC 8017 §7.2, §8.2, §9.2)
//!  pss.rs        RSASSA-PSS with MGF1                         (RFC 8017 §8.1, §9.1, B.2.1)
//!  keyfile.rs    PKCS#1, PKCS#8 and SubjectPublicKeyInfo, PEM and DER
//! ```
//!
//! **This is teaching code and it is not constant-time.** Its running time depends on secret
//! values: num-bigint's arithmetic, the square-and-multiply loops and the padding checks all
//! take longer or shorter depending on the bits they see, and the PKCS#1 v1.5 decryption check
//! stops at the first bad byte. An attacker who can time a server using it can learn the key
//! (Kocher 1996; Brumley & Boneh 2003) or decrypt messages (Bleichenbacher 1998, the "Marvin"
//! attack of 2023). Use it to learn; protect real keys with a constant-time library.

pub mod keyfile;
pub mod keygen;
pub mod pkcs1v15;
pub mod primitive;
pub mod pss;

pub use keyfile::{KeyFile, KeyFormat};
pub use keygen::{generate, generate_with_steps, toy_key, DEFAULT_EXPONENT};
pub use primitive::Decryption;

use crate::arith;
use crate::steps::hex;
pub use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::One;
use sha2::{Digest, Sha256, Sha384};
use std::fmt;

/// The public half of a key: the modulus `n` and the public exponent `e` (RFC 8017 §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub n: BigUint,
    pub e: BigUint,
}

/// A private key with its CRT values (RFC 8017 §3.2, the second representation).
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey {
    pub n: BigUint,
    pub e: BigUint,
    pub d: BigUint,
    /// The larger prime (p > q, as OpenSSL and OpenJDK order them).
    pub p: BigUint,
    pub q: BigUint,
    /// `d mod (p − 1)`.
    pub dp: BigUint,
    /// `d mod (q − 1)`.
    pub dq: BigUint,
    /// `q⁻¹ mod p`.
    pub qinv: BigUint,
}

impl fmt::Debug for PrivateKey {
    /// The secret values stay out of debug output and logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.n.bits())
            .field("e", &self.e)
            .finish_non_exhaustive()
    }
}

impl PublicKey {
    /// `k`, the length of the modulus in bytes: every ciphertext and signature has this length.
    pub fn size(&self) -> usize {
        bytes_for_bits(self.n.bits())
    }
}

impl PrivateKey {
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            n: self.n.clone(),
            e: self.e.clone(),
        }
    }

    /// `k`, the length of the modulus in bytes.
    pub fn size(&self) -> usize {
        bytes_for_bits(self.n.bits())
    }

    /// A private key from its eight numbers (as a key file holds them), checked for consistency:
    /// `n = p·q`, `e·d ≡ 1 (mod λ(n))`, and the CRT values match `d`, `p` and `q`. The primes
    /// may come in either order; the key keeps p > q (recomputing `qInv` when it swaps them).
    #[allow(clippy::too_many_arguments)]
    pub fn from_components(
        n: BigUint,
        e: BigUint,
        d: BigUint,
        p: BigUint,
        q: BigUint,
        dp: BigUint,
        dq: BigUint,
        qinv: BigUint,
    ) -> Result<PrivateKey, Error> {
        let one = BigUint::one();
        let bad = |what: &str| Err(Error::InvalidKey(what.to_string()));
        // Sizes first: every check below multiplies, and a key file is untrusted input.
        check_sizes(&n, &e)?;
        if p.bits() + q.bits() > n.bits() + 1 {
            return bad("n is not p·q: the primes are longer than the modulus");
        }
        if p <= one || q <= one || p == q {
            return bad("the primes p and q must be distinct and larger than 1");
        }
        if &p * &q != n {
            return bad("n is not p·q");
        }
        if e <= one || e.is_even() || e >= n {
            return bad("the public exponent e must be odd, larger than 1 and below n");
        }
        if d >= n {
            // RFC 8017 §3.2: d is below λ(n) when computed as OpenSSL does, so below n anyway.
            return bad("the private exponent d is not below n");
        }
        let p1 = &p - 1u32;
        let q1 = &q - 1u32;
        let lambda = arith::lcm(&p1, &q1);
        if &e * &d % &lambda != one {
            return bad("e·d is not 1 modulo λ(n) = lcm(p − 1, q − 1)");
        }
        if dp != &d % &p1 || dq != &d % &q1 {
            return bad("the CRT exponents dP, dQ are not d mod (p − 1), d mod (q − 1)");
        }
        if qinv >= p || &qinv * &q % &p != one {
            return bad("the CRT coefficient qInv is not q⁻¹ mod p");
        }
        if p < q {
            // Keep p > q. qInv = q⁻¹ mod p must then be recomputed for the swapped pair.
            let qinv = arith::mod_inverse(&p, &q)
                .ok_or(Error::InvalidKey("p and q are not coprime".to_string()))?;
            return Ok(PrivateKey {
                n,
                e,
                d,
                p: q,
                q: p,
                dp: dq,
                dq: dp,
                qinv,
            });
        }
        Ok(PrivateKey {
            n,
            e,
            d,
            p,
            q,
            dp,
            dq,
            qinv,
        })
    }
}

/// The largest modulus a key file may hold, OpenSSL's `OPENSSL_RSA_MAX_MODULUS_BITS`. Key
/// files are untrusted input: a private operation costs about the cube of the length, so a
/// modulus of a million bits would keep a command busy for days instead of failing.
pub const MAX_MODULUS_BITS: u64 = 16384;
/// Above this modulus size the public exponent may have at most [`MAX_LARGE_KEY_EXPONENT_BITS`]
/// bits, as OpenSSL's `OPENSSL_RSA_SMALL_MODULUS_BITS`: with a long modulus and an exponent as
/// long as n, every public operation would cost as much as a private one.
pub const SMALL_MODULUS_BITS: u64 = 3072;
/// OpenSSL's `OPENSSL_RSA_MAX_PUBEXP_BITS` (real keys use 65537, 17 bits).
pub const MAX_LARGE_KEY_EXPONENT_BITS: u64 = 64;

/// The size limits on a key read from a file: [`MAX_MODULUS_BITS`], and a short public
/// exponent for moduli above [`SMALL_MODULUS_BITS`].
pub(crate) fn check_sizes(n: &BigUint, e: &BigUint) -> Result<(), Error> {
    if n.bits() > MAX_MODULUS_BITS {
        return Err(Error::InvalidKey(format!(
            "the modulus has {} bits; more than {MAX_MODULUS_BITS} is refused (as OpenSSL does)",
            n.bits()
        )));
    }
    if n.bits() > SMALL_MODULUS_BITS && e.bits() > MAX_LARGE_KEY_EXPONENT_BITS {
        return Err(Error::InvalidKey(format!(
            "the public exponent has {} bits; with a modulus over {SMALL_MODULUS_BITS} bits \
             at most {MAX_LARGE_KEY_EXPONENT_BITS} are accepted (as OpenSSL does)",
            e.bits()
        )));
    }
    Ok(())
}

/// Bytes needed for `bits` bits.
pub(crate) fn bytes_for_bits(bits: u64) -> usize {
    usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX)
}

/// The hash functions of the signatures (RFC 8017 §9.2 note 1, FIPS 180-4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
}

impl Hash {
    /// The hash of `message`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(message).to_vec(),
            Hash::Sha384 => Sha384::digest(message).to_vec(),
        }
    }

    /// `hLen`, the length of the hash in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
        }
    }

    /// The DER encoding of `DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier,
    /// digest OCTET STRING }` up to the digest bytes, exactly as RFC 8017 §9.2 note 1 lists it:
    /// a fixed prefix per hash, followed by the hash value.
    pub fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            Hash::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Hash::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
        }
    }
}

/// What went wrong, in the words of RFC 8017 where it has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// RFC 8017 §7.2.1 step 1: the message is longer than `k − 11` bytes.
    MessageTooLong { length: usize, max: usize },
    /// RFC 8017 §7.2.2: one error for every way a ciphertext can be wrong, so that the reply
    /// does not tell an attacker which check failed (Bleichenbacher's oracle).
    Decryption,
    /// RFC 8017 §8.2.2, §8.1.2: "invalid signature", with the reason for a student.
    InvalidSignature(String),
    /// RFC 8017 §9.2 step 3, §9.1.1 step 3: the modulus is too short for this hash and padding.
    KeyTooShort { bits: u64, needed: String },
    /// §5.1.1, §5.2.1: a representative is not below the modulus.
    OutOfRange(&'static str),
    /// A key whose numbers do not fit together.
    InvalidKey(String),
    /// Key generation asked for something impossible.
    Keygen(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MessageTooLong { length, max } => write!(
                f,
                "message too long: {length} bytes, but this key can encrypt at most {max} \
                 (k − 11 bytes, RFC 8017 §7.2.1)"
            ),
            Error::Decryption => f.write_str("decryption error (RFC 8017 §7.2.2)"),
            Error::InvalidSignature(why) => write!(f, "invalid signature: {why}"),
            Error::KeyTooShort { bits, needed } => {
                write!(f, "key too short: a {bits}-bit modulus, but {needed}")
            }
            Error::OutOfRange(what) => write!(f, "{what} out of range: not below the modulus n"),
            Error::InvalidKey(why) => write!(f, "invalid RSA key: {why}"),
            Error::Keygen(why) => write!(f, "cannot generate the key: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A big number for `--explain`: decimal when short enough to read, otherwise hex with `0x`.
pub fn show(value: &BigUint) -> String {
    if value.bits() <= 64 {
        value.to_string()
    } else {
        format!("0x{}", value.to_str_radix(16))
    }
}
