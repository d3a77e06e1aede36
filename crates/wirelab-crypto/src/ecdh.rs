//! Elliptic-curve Diffie-Hellman: the same exchange as [`crate::dh`], with "g^a mod p" replaced
//! by "a times the base point G" on an elliptic curve.
//!
//! ```text
//!  Alice                                                     Bob
//!  a random scalar                                          b random scalar
//!  A = a·G               ──────────── A ────────────>
//!                        <─────────── B ─────────────       B = b·G
//!  s = a·B = ab·G                                           s = b·A = ab·G
//! ```
//!
//! Finding a from A = a·G is the elliptic-curve discrete logarithm problem; the best known attack
//! needs about √(group order) steps, so a 256-bit curve gives ~128-bit security with keys eight
//! times shorter than ffdhe3072's.
//!
//! - X25519 (RFC 7748) runs on our own [`crate::x25519`], written to be read, not constant-time.
//! - P-256 (NIST SP 800-186, SEC 1) runs inside ring (`ring::agreement::ECDH_P256`): ring keeps
//!   ephemeral private keys to itself, so the steps show them as hidden.

use crate::hex;
use crate::x25519::{self, clamp, x25519, x25519_agree, x25519_public, AllZeroSharedSecret};
use crate::Steps;
use rand::RngCore;
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey};
use std::fmt;

/// The curves `wirelab ecdh --curve` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    X25519,
    P256,
}

impl Curve {
    /// A curve by its `--curve` name.
    pub fn named(name: &str) -> Option<Curve> {
        match name {
            "x25519" => Some(Curve::X25519),
            "p256" | "P-256" | "secp256r1" | "prime256v1" => Some(Curve::P256),
            _ => None,
        }
    }
}

/// What can go wrong in an ECDH exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EcdhError {
    /// X25519 gave all zeros: a small-order peer point.
    AllZero(AllZeroSharedSecret),
    /// ring refused (a bad peer point, or no randomness).
    Ring(&'static str),
}

impl fmt::Display for EcdhError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EcdhError::AllZero(error) => error.fmt(f),
            EcdhError::Ring(what) => write!(f, "ring: {what}"),
        }
    }
}

impl std::error::Error for EcdhError {}

impl From<AllZeroSharedSecret> for EcdhError {
    fn from(error: AllZeroSharedSecret) -> EcdhError {
        EcdhError::AllZero(error)
    }
}

/// The result of an exchange: both sides' values and the steps.
#[derive(Clone, Debug)]
pub struct EcdhExchange {
    pub alice_public: Vec<u8>,
    pub bob_public: Vec<u8>,
    pub secret: Vec<u8>,
    pub steps: Steps,
}

/// A random X25519 private key: 32 random bytes (clamped when used).
pub fn x25519_random_private(rng: &mut impl RngCore) -> [u8; 32] {
    let mut k = [0u8; 32];
    rng.fill_bytes(&mut k);
    k
}

/// Both sides of an X25519 exchange with private keys `a` and `b` (RFC 7748 §6.1).
pub fn x25519_exchange(a: [u8; 32], b: [u8; 32]) -> Result<EcdhExchange, EcdhError> {
    let mut steps = Steps::new();
    steps.push(
        "curve",
        "",
        "Curve25519: v² = u³ + 486662·u² + u mod p, p = 2²⁵⁵ − 19",
        "RFC 7748 §4.1; points are sent as their u-coordinate only, 32 bytes little-endian",
    );
    steps.push(
        "G",
        "",
        hex(&x25519::BASE_POINT),
        "the base point, u = 9: generates a subgroup of prime order ≈ 2²⁵²",
    );
    let alice_public = x25519_public(&a);
    let bob_public = x25519_public(&b);
    for (name, private, public_name, public, who) in [
        ("a", &a, "A", &alice_public, "Alice"),
        ("b", &b, "B", &bob_public, "Bob"),
    ] {
        steps.push(
            name,
            "",
            hex(private),
            format!("{who}'s private key: 32 random bytes, never sent"),
        );
        steps.push(
            format!("{name} clamped"),
            format!("decodeScalar25519({name})"),
            hex(&clamp(private)),
            "bits 0–2 cleared to make a multiple of the cofactor 8; bit 255 cleared, bit 254 set",
        );
        steps.push(
            public_name,
            format!("X25519({name}, G) = {name}·G"),
            hex(public),
            format!(
                "{who}'s public key, sent; finding {name} from it is the elliptic-curve discrete logarithm"
            ),
        );
    }
    let secret_alice = x25519_agree(&a, &bob_public)?;
    let secret_bob = x25519_agree(&b, &alice_public)?;
    steps.push(
        "s (Alice)",
        "X25519(a, B) = a·b·G",
        hex(&secret_alice),
        "Montgomery ladder over the bits of a; an all-zero result would be refused, RFC 7748 §6.1",
    );
    steps.push(
        "s (Bob)",
        "X25519(b, A) = b·a·G",
        hex(&secret_bob),
        "the same point: scalar multiplication commutes",
    );
    steps.push_check(
        "equal",
        "s (Alice) = s (Bob)",
        secret_alice == secret_bob,
        "32 bytes of shared secret, which TLS feeds into its key schedule",
    );
    Ok(EcdhExchange {
        alice_public: alice_public.to_vec(),
        bob_public: bob_public.to_vec(),
        secret: secret_alice.to_vec(),
        steps,
    })
}

/// Both sides of a P-256 exchange inside ring, with fresh keys from the system's randomness.
pub fn p256_exchange() -> Result<EcdhExchange, EcdhError> {
    let random = ring::rand::SystemRandom::new();
    let algorithm = &agreement::ECDH_P256;
    let alice = EphemeralPrivateKey::generate(algorithm, &random)
        .map_err(|_| EcdhError::Ring("could not generate Alice's key"))?;
    let bob = EphemeralPrivateKey::generate(algorithm, &random)
        .map_err(|_| EcdhError::Ring("could not generate Bob's key"))?;
    let alice_public = alice
        .compute_public_key()
        .map_err(|_| EcdhError::Ring("could not compute Alice's public key"))?
        .as_ref()
        .to_vec();
    let bob_public = bob
        .compute_public_key()
        .map_err(|_| EcdhError::Ring("could not compute Bob's public key"))?
        .as_ref()
        .to_vec();
    let secret_alice = agreement::agree_ephemeral(
        alice,
        &UnparsedPublicKey::new(algorithm, &bob_public),
        |secret| secret.to_vec(),
    )
    .map_err(|_| EcdhError::Ring("Bob's public key is not a point on P-256"))?;
    let secret_bob = agreement::agree_ephemeral(
        bob,
        &UnparsedPublicKey::new(algorithm, &alice_public),
        |secret| secret.to_vec(),
    )
    .map_err(|_| EcdhError::Ring("Alice's public key is not a point on P-256"))?;

    let mut steps = Steps::new();
    steps.push(
        "curve",
        "",
        "P-256: y² = x³ − 3x + b mod p, p = 2²⁵⁶ − 2²²⁴ + 2¹⁹² + 2⁹⁶ − 1",
        "NIST SP 800-186 §3.2.1.3; secp256r1, TLS NamedGroup 23",
    );
    for (name, public_name, public, who) in [
        ("a", "A", &alice_public, "Alice"),
        ("b", "B", &bob_public, "Bob"),
    ] {
        steps.push(
            name,
            "",
            "(inside ring)",
            format!("{who}'s private scalar: ring never shows an ephemeral key"),
        );
        steps.push(
            public_name,
            format!("{name}·G"),
            hex(public),
            "04 ‖ x ‖ y: an uncompressed point, 65 bytes, SEC 1 §2.3.3",
        );
    }
    steps.push(
        "s (Alice)",
        "x-coordinate of a·B",
        hex(&secret_alice),
        "ring first checks that B is a point on the curve, SEC 1 §3.2.2",
    );
    steps.push(
        "s (Bob)",
        "x-coordinate of b·A",
        hex(&secret_bob),
        "the same point ab·G",
    );
    steps.push_check(
        "equal",
        "s (Alice) = s (Bob)",
        secret_alice == secret_bob,
        "the 32-byte x-coordinate is the shared secret TLS uses",
    );
    Ok(EcdhExchange {
        alice_public,
        bob_public,
        secret: secret_alice,
        steps,
    })
}

/// Agree with ring's X25519 both ways: a ring key pair and one of ours. Returns (our secret,
/// ring's secret); they must be equal. ring's agreement keys are ephemeral, so this is the only
/// way to compare: each side uses the other's public key.
pub fn x25519_against_ring(ours: [u8; 32]) -> Result<([u8; 32], Vec<u8>), EcdhError> {
    let random = ring::rand::SystemRandom::new();
    let ring_private = EphemeralPrivateKey::generate(&agreement::X25519, &random)
        .map_err(|_| EcdhError::Ring("could not generate an X25519 key"))?;
    let ring_public = ring_private
        .compute_public_key()
        .map_err(|_| EcdhError::Ring("could not compute the X25519 public key"))?;
    let mut ring_public_bytes = [0u8; 32];
    if ring_public.as_ref().len() != 32 {
        return Err(EcdhError::Ring("an X25519 public key that is not 32 bytes"));
    }
    ring_public_bytes.copy_from_slice(ring_public.as_ref());
    let our_public = x25519_public(&ours);
    let ring_secret = agreement::agree_ephemeral(
        ring_private,
        &UnparsedPublicKey::new(&agreement::X25519, our_public),
        |secret| secret.to_vec(),
    )
    .map_err(|_| EcdhError::Ring("ring refused our public key"))?;
    let our_secret = x25519(&ours, &ring_public_bytes);
    Ok((our_secret, ring_secret))
}
