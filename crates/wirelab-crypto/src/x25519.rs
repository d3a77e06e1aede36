//! X25519 (RFC 7748 §5), written out on num-bigint to show how it works.
//!
//! Curve25519 is the Montgomery curve v² = u³ + 486662·u² + u over the field of integers mod
//! p = 2²⁵⁵ − 19. X25519 multiplies a point, given by its u-coordinate alone, by a scalar k:
//!
//! ```text
//!  k (32 bytes)  ── decodeScalar25519: clear bits 0, 1, 2 and 255, set bit 254 ──> scalar
//!  u (32 bytes)  ── decodeUCoordinate: little-endian, clear bit 255, mod p ──────> x₁
//!  Montgomery ladder over the bits of k, 254 down to 0 ─────────────────────────> (x₂ : z₂)
//!  result = x₂ · z₂^(p−2) mod p, 32 bytes little-endian
//! ```
//!
//! The ladder keeps two points whose difference is always the input point, so one formula
//! ("differential addition and doubling") serves every bit; `cswap` swaps them depending on the
//! bit instead of branching. In a real implementation the swap is a mask, so the running time
//! and memory accesses do not depend on the secret. HERE THEY DO: num-bigint's arithmetic takes
//! time that depends on the values, and our `cswap` is an `if`. This code is for reading beside
//! the RFC; use a vetted implementation (ring, which `crate::ecdh` uses for P-256) for real keys.

use num_bigint::BigUint;
use num_traits::Zero;
use std::sync::OnceLock;

/// The length of scalars, u-coordinates and shared secrets, in bytes.
pub const X25519_LEN: usize = 32;

/// The u-coordinate of the base point (RFC 7748 §4.1): 9.
pub const BASE_POINT: [u8; 32] = {
    let mut u = [0u8; 32];
    u[0] = 9;
    u
};

/// (A − 2) / 4 for A = 486662 (RFC 7748 §5).
const A24: u32 = 121665;

/// p = 2²⁵⁵ − 19.
fn p() -> &'static BigUint {
    static P: OnceLock<BigUint> = OnceLock::new();
    P.get_or_init(|| (BigUint::from(1u32) << 255u32) - 19u32)
}

/// RFC 7748 §5 decodeScalar25519: "set the three least significant bits of the first byte and
/// the most significant bit of the last to zero, set the second most significant bit of the last
/// byte to 1". Clearing the low bits makes k a multiple of the cofactor 8, so a point in a small
/// subgroup maps to the identity; setting bit 254 fixes the ladder's length.
pub fn clamp(k: &[u8; 32]) -> [u8; 32] {
    let mut clamped = *k;
    clamped[0] &= 248;
    clamped[31] &= 127;
    clamped[31] |= 64;
    clamped
}

/// RFC 7748 §5 decodeUCoordinate: little-endian, the top bit ignored ("implementations of X25519
/// MUST mask the most significant bit in the final byte"). Values from p to 2²⁵⁵ − 1 (not
/// canonical) are accepted and reduced mod p.
pub fn decode_u(u: &[u8; 32]) -> BigUint {
    let mut masked = *u;
    masked[31] &= 127;
    BigUint::from_bytes_le(&masked) % p()
}

/// RFC 7748 §5 encodeUCoordinate: 32 bytes, little-endian.
pub fn encode_u(u: &BigUint) -> [u8; 32] {
    let mut encoded = [0u8; 32];
    for (slot, byte) in encoded.iter_mut().zip(u.to_bytes_le()) {
        *slot = byte;
    }
    encoded
}

fn add(a: &BigUint, b: &BigUint) -> BigUint {
    (a + b) % p()
}

fn sub(a: &BigUint, b: &BigUint) -> BigUint {
    // a − b mod p without going negative: add p first.
    (a + p() - b) % p()
}

fn mul(a: &BigUint, b: &BigUint) -> BigUint {
    (a * b) % p()
}

/// RFC 7748 §5 cswap: swap the two values when `swap` is 1. The RFC computes it with a mask,
/// `dummy = mask(swap) AND (x_2 XOR x_3)`, so that both cases do the same work; this `if` is
/// the readable version and is NOT constant-time.
fn cswap(swap: u8, a: &mut BigUint, b: &mut BigUint) {
    if swap == 1 {
        std::mem::swap(a, b);
    }
}

/// The X25519 function of RFC 7748 §5: scalar `k` times the point with u-coordinate `u`.
/// Returns the 32-byte u-coordinate of the result (all zero for a low-order input point; the
/// caller decides what to do with that, see [`x25519_agree`]).
pub fn x25519(k: &[u8; 32], u: &[u8; 32]) -> [u8; 32] {
    let k = BigUint::from_bytes_le(&clamp(k));
    let x_1 = decode_u(u);
    let mut x_2 = BigUint::from(1u32);
    let mut z_2 = BigUint::zero();
    let mut x_3 = x_1.clone();
    let mut z_3 = BigUint::from(1u32);
    let mut swap = 0u8;
    let a24 = BigUint::from(A24);

    for t in (0..255u64).rev() {
        let k_t = u8::from(k.bit(t));
        swap ^= k_t;
        cswap(swap, &mut x_2, &mut x_3);
        cswap(swap, &mut z_2, &mut z_3);
        swap = k_t;

        // One ladder step: (x₂ : z₂) is doubled, (x₃ : z₃) becomes their sum.
        let a = add(&x_2, &z_2);
        let aa = mul(&a, &a);
        let b = sub(&x_2, &z_2);
        let bb = mul(&b, &b);
        let e = sub(&aa, &bb);
        let c = add(&x_3, &z_3);
        let d = sub(&x_3, &z_3);
        let da = mul(&d, &a);
        let cb = mul(&c, &b);
        let da_plus_cb = add(&da, &cb);
        x_3 = mul(&da_plus_cb, &da_plus_cb);
        let da_minus_cb = sub(&da, &cb);
        z_3 = mul(&x_1, &mul(&da_minus_cb, &da_minus_cb));
        x_2 = mul(&aa, &bb);
        z_2 = mul(&e, &add(&aa, &mul(&a24, &e)));
    }
    cswap(swap, &mut x_2, &mut x_3);
    cswap(swap, &mut z_2, &mut z_3);

    // Back from projective (x : z) to u = x / z, dividing by Fermat: z^(p−2) = z⁻¹ mod p.
    // z = 0 (the point at infinity) gives 0⁻¹ "=" 0, hence the all-zero output.
    let z_inverse = z_2.modpow(&(p() - 2u32), p());
    encode_u(&mul(&x_2, &z_inverse))
}

/// The public key of private key `k`: k times the base point 9.
pub fn x25519_public(k: &[u8; 32]) -> [u8; 32] {
    x25519(k, &BASE_POINT)
}

/// The result of X25519 was all zeros: the peer sent a point of small order, which makes the
/// shared secret a value anyone knows. RFC 7748 §6.1: "implementations MAY check ... if the
/// output is all zero ... and abort if so"; TLS 1.3 (RFC 8446 §7.4.2) says they MUST.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllZeroSharedSecret;

impl std::fmt::Display for AllZeroSharedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "X25519 shared secret is all zeros: the peer's public key is a point of small order \
             (RFC 7748 §6.1, RFC 8446 §7.4.2)",
        )
    }
}

impl std::error::Error for AllZeroSharedSecret {}

/// Key agreement: X25519(our private key, their public key), refusing an all-zero result.
pub fn x25519_agree(
    private: &[u8; 32],
    peer_public: &[u8; 32],
) -> Result<[u8; 32], AllZeroSharedSecret> {
    let shared = x25519(private, peer_public);
    // Not constant-time either: fine here, the result is about to be refused or used anyway.
    if shared.iter().all(|&byte| byte == 0) {
        Err(AllZeroSharedSecret)
    } else {
        Ok(shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(hex: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (index, slot) in out.iter_mut().enumerate() {
            *slot = u8::from_str_radix(&hex[2 * index..2 * index + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn the_first_test_vector_of_rfc_7748_section_5_2_comes_out() {
        let k = bytes("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        let u = bytes("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        let expected = bytes("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
        assert_eq!(x25519(&k, &u), expected);
    }

    #[test]
    fn alice_and_bob_of_rfc_7748_section_6_1_share_the_same_secret() {
        let alice = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let bob = bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let alice_public = x25519_public(&alice);
        let bob_public = x25519_public(&bob);
        assert_eq!(
            alice_public,
            bytes("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        assert_eq!(
            bob_public,
            bytes("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        );
        let shared = bytes("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assert_eq!(x25519_agree(&alice, &bob_public), Ok(shared));
        assert_eq!(x25519_agree(&bob, &alice_public), Ok(shared));
    }

    #[test]
    fn a_public_key_of_zero_gives_an_all_zero_secret_that_is_refused() {
        let k = bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assert_eq!(x25519(&k, &[0u8; 32]), [0u8; 32]);
        assert_eq!(x25519_agree(&k, &[0u8; 32]), Err(AllZeroSharedSecret));
    }

    #[test]
    fn clamping_clears_the_three_low_bits_and_the_top_bit_and_sets_bit_254() {
        let clamped = clamp(&[0xff; 32]);
        assert_eq!(clamped[0], 0xf8);
        assert_eq!(clamped[31], 0x7f);
        let clamped = clamp(&[0x00; 32]);
        assert_eq!(clamped[0], 0x00);
        assert_eq!(clamped[31], 0x40);
    }
}
