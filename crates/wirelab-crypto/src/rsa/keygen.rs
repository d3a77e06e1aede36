//! RSA key generation, the way OpenSSL's `rsa_builtin_keygen` and OpenJDK's
//! `RSAKeyPairGenerator` do it, each value recorded as a step:
//!
//! ```text
//!  p, q    random primes of half the length each, top two bits set, p > q
//!  n       p·q                        the public modulus
//!  φ(n)    (p − 1)(q − 1)             Euler's totient: the textbook's modulus for d
//!  λ(n)    lcm(p − 1, q − 1)          Carmichael's function: the smallest one that works
//!  e       65537                      public; must have gcd(e, φ(n)) = 1, else new primes
//!  d       e⁻¹ mod λ(n)               private (OpenSSL, FIPS 186-5 §A.1.1 use λ)
//!  dP, dQ  d mod (p − 1), d mod (q − 1)   CRT exponents (RFC 8017 §3.2)
//!  qInv    q⁻¹ mod p                  CRT coefficient
//! ```
//!
//! Why λ and not φ: decryption needs `m^(e·d) ≡ m (mod n)`, which holds as soon as
//! `e·d ≡ 1 (mod λ(n))`, because `λ(n)` is the order every element's powers repeat with.
//! `φ(n)` is a multiple of `λ(n)` (by `gcd(p − 1, q − 1)`, at least 2), so `e⁻¹ mod φ(n)` also
//! works but can be larger. Both give the same `dP`, `dQ` and the same results.

use super::{show, Error, PrivateKey};
use crate::arith;
use crate::prime;
use crate::steps::Steps;
use num_bigint::BigUint;
use num_traits::One;
use rand::RngCore;

/// The usual public exponent, F4 = 2¹⁶ + 1: prime, so that `gcd(e, φ(n)) = 1` fails only
/// when 65537 divides `p − 1` or `q − 1`; two set bits, so encryption needs only 17 squarings
/// and one multiplication.
pub const DEFAULT_EXPONENT: u32 = 65537;

/// The smallest modulus `generate` accepts. 512 bits were factored in 1999 and are useless for
/// security; smaller keys cannot even hold PKCS#1 padding around a SHA-256 DigestInfo.
pub const MIN_BITS: u64 = 512;
/// The largest: beyond this key generation takes minutes, and key files refuse it
/// ([`super::MAX_MODULUS_BITS`]).
pub const MAX_BITS: u64 = super::MAX_MODULUS_BITS;

/// A random key of `bits` bits with public exponent `e`.
pub fn generate(bits: u64, e: &BigUint, rng: &mut impl RngCore) -> Result<PrivateKey, Error> {
    generate_with_steps(bits, e, rng).map(|(key, _)| key)
}

/// A random key of `bits` bits with public exponent `e`, and the steps that made it.
pub fn generate_with_steps(
    bits: u64,
    e: &BigUint,
    rng: &mut impl RngCore,
) -> Result<(PrivateKey, Steps), Error> {
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(Error::Keygen(format!(
            "{bits} bits: the modulus must have between {MIN_BITS} and {MAX_BITS} bits"
        )));
    }
    check_exponent(e)?;
    // p gets the extra bit of an odd size, so that p > q comes out naturally.
    let p_bits = bits.div_ceil(2);
    let q_bits = bits - p_bits;
    // FIPS 186-5 §A.1.3 step 5.4: |p − q| > 2^(bits/2 − 100), so that n is not near a square
    // (Fermat's factoring method finds p and q quickly when they are close).
    let min_distance = BigUint::one() << (bits / 2 - 100);
    let mut rejected = 0u32;
    loop {
        let p = prime::random_prime(p_bits, rng);
        let q = prime::random_prime(q_bits, rng);
        let (p, q) = if p > q { (p, q) } else { (q, p) };
        let close = &p - &q <= min_distance;
        let n = &p * &q;
        // OpenJDK RSAKeyPairGenerator: retry when n comes out one bit short. With the two top
        // bits of p and q set this cannot happen (¾·¾ > ½), but the check states the contract.
        let wrong_length = n.bits() != bits;
        let phi = (&p - 1u32) * (&q - 1u32);
        let shares_factor = !arith::gcd(e, &phi).is_one();
        if close || wrong_length || shares_factor {
            rejected += 1;
            continue;
        }
        let mut steps = Steps::new();
        let explained = derive(p, q, e, &mut steps)?;
        // FIPS 186-5 §A.1.1: d > 2^(bits/2), else Wiener's attack on small d applies. With
        // e = 65537 a small d is astronomically unlikely; we check it anyway.
        if explained.d.bits() <= bits / 2 {
            rejected += 1;
            continue;
        }
        steps.0.insert(
            2,
            crate::steps::Step {
                name: "pairs rejected".into(),
                formula: String::new(),
                value: rejected.to_string(),
                why: "random prime pairs (top two bits set) thrown away: p, q too close, n a bit short, \
                      or gcd(e, φ(n)) ≠ 1"
                    .into(),
            },
        );
        return Ok((explained, steps));
    }
}

fn check_exponent(e: &BigUint) -> Result<(), Error> {
    if e < &BigUint::from(3u32) || !e.bit(0) {
        return Err(Error::Keygen(format!(
            "public exponent {e}: it must be odd and at least 3"
        )));
    }
    Ok(())
}

/// The key made from two given primes and `e`, with every step: the toy key and the last part
/// of [`generate_with_steps`]. Fails when `p`, `q` are not distinct primes or `gcd(e, φ(n)) ≠ 1`.
pub fn from_primes_with_steps(
    p: BigUint,
    q: BigUint,
    e: &BigUint,
) -> Result<(PrivateKey, Steps), Error> {
    check_exponent(e)?;
    let mut rng = rand::thread_rng();
    if p == q || !prime::is_probable_prime(&p, &mut rng) || !prime::is_probable_prime(&q, &mut rng)
    {
        return Err(Error::Keygen(format!(
            "p = {p} and q = {q} must be two different primes"
        )));
    }
    let (p, q) = if p > q { (p, q) } else { (q, p) };
    let phi = (&p - 1u32) * (&q - 1u32);
    if !arith::gcd(e, &phi).is_one() {
        return Err(Error::Keygen(format!(
            "gcd(e, φ(n)) = gcd({e}, {phi}) ≠ 1: e has no inverse, pick other primes"
        )));
    }
    let mut steps = Steps::new();
    let key = derive(p, q, e, &mut steps)?;
    Ok((key, steps))
}

/// n, φ, λ, d, dP, dQ, qInv from p > q and e, recorded.
fn derive(p: BigUint, q: BigUint, e: &BigUint, steps: &mut Steps) -> Result<PrivateKey, Error> {
    let bits = p.bits() + q.bits();
    steps.push(
        "p",
        "",
        show(&p),
        format!(
            "a prime of {} bits, the larger of the two: secret",
            p.bits()
        ),
    );
    steps.push(
        "q",
        "",
        show(&q),
        format!("a prime of {} bits, smaller than p: secret", q.bits()),
    );
    let n = &p * &q;
    steps.push(
        "n",
        "p·q",
        show(&n),
        format!(
            "the modulus, {} bits: public; its security rests on nobody factoring it",
            n.bits()
        ),
    );
    debug_assert!(n.bits() <= bits);
    let p1 = &p - 1u32;
    let q1 = &q - 1u32;
    let phi = &p1 * &q1;
    steps.push(
        "φ(n)",
        "(p − 1)·(q − 1)",
        show(&phi),
        "Euler's totient: how many numbers below n are coprime to it (the textbook's choice)",
    );
    let lambda = arith::lcm(&p1, &q1);
    steps.push(
        "λ(n)",
        "lcm(p − 1, q − 1)",
        show(&lambda),
        format!(
            "Carmichael's function: a^λ(n) ≡ 1 for every a coprime to n; φ(n) = {}·λ(n)",
            show(&(&phi / &lambda))
        ),
    );
    steps.push(
        "e",
        "",
        show(e),
        "the public exponent; gcd(e, φ(n)) = 1, so it has an inverse",
    );
    let no_inverse = || Error::Keygen(format!("e = {e} has no inverse modulo λ(n)"));
    let d = arith::mod_inverse(e, &lambda).ok_or_else(no_inverse)?;
    steps.push(
        "d",
        "e⁻¹ mod λ(n)",
        show(&d),
        "the private exponent, as OpenSSL and FIPS 186-5 compute it: e·d ≡ 1 (mod λ(n))",
    );
    let d_phi = arith::mod_inverse(e, &phi).ok_or_else(no_inverse)?;
    steps.push(
        "d (textbook)",
        "e⁻¹ mod φ(n)",
        show(&d_phi),
        "also works (φ is a multiple of λ) but may be larger; the same dP, dQ",
    );
    let dp = &d % &p1;
    steps.push(
        "dP",
        "d mod (p − 1)",
        show(&dp),
        "CRT exponent for p: c^d ≡ c^dP (mod p) by Fermat's little theorem",
    );
    let dq = &d % &q1;
    steps.push("dQ", "d mod (q − 1)", show(&dq), "CRT exponent for q");
    let qinv = arith::mod_inverse(&q, &p)
        .ok_or_else(|| Error::Keygen("q has no inverse modulo p".into()))?;
    steps.push(
        "qInv",
        "q⁻¹ mod p",
        show(&qinv),
        "CRT coefficient: joins the results modulo p and q into one modulo n",
    );
    Ok(PrivateKey {
        n,
        e: e.clone(),
        d,
        p,
        q,
        dp,
        dq,
        qinv,
    })
}

/// The classic textbook key: p = 61, q = 53, e = 17, so n = 3233, small enough to check by
/// hand. It encrypts m = 65 to c = 65¹⁷ mod 3233 = 2790.
pub fn toy_key() -> PrivateKey {
    toy_key_with_steps().0
}

/// [`toy_key`] and its steps.
pub fn toy_key_with_steps() -> (PrivateKey, Steps) {
    match from_primes_with_steps(
        BigUint::from(61u32),
        BigUint::from(53u32),
        &BigUint::from(17u32),
    ) {
        Ok(made) => made,
        // 61 and 53 are prime and gcd(17, 3120) = 1: this arm is never taken.
        Err(error) => unreachable!("the toy key is valid: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn the_toy_key_is_the_textbook_example_checked_by_hand() {
        let (key, steps) = toy_key_with_steps();
        // n = 61·53; φ = 60·52 = 3120; λ = lcm(60, 52) = 780; 17·413 = 7021 = 9·780 + 1.
        assert_eq!(steps.value("n"), Some("3233"));
        assert_eq!(steps.value("φ(n)"), Some("3120"));
        assert_eq!(steps.value("λ(n)"), Some("780"));
        assert_eq!(steps.value("d"), Some("413"));
        assert_eq!(steps.value("d (textbook)"), Some("2753"));
        // 413 mod 60 = 53; 413 mod 52 = 49; 53·38 = 2014 = 33·61 + 1.
        assert_eq!(steps.value("dP"), Some("53"));
        assert_eq!(steps.value("dQ"), Some("49"));
        assert_eq!(steps.value("qInv"), Some("38"));
        assert_eq!(key.n, BigUint::from(3233u32));
    }

    #[test]
    fn primes_that_leave_e_without_inverse_are_refused() {
        // φ = 60·52 is a multiple of 3.
        let result =
            from_primes_with_steps(BigUint::from(61u32), BigUint::from(53u32), &3u32.into());
        assert!(matches!(result, Err(Error::Keygen(_))));
        let not_prime =
            from_primes_with_steps(BigUint::from(61u32), BigUint::from(51u32), &17u32.into());
        assert!(matches!(not_prime, Err(Error::Keygen(_))));
    }

    #[test]
    fn a_generated_1024_bit_key_has_exact_length_p_greater_than_q_and_consistent_values() {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let (key, steps) = generate_with_steps(1024, &DEFAULT_EXPONENT.into(), &mut rng).unwrap();
        assert_eq!(key.n.bits(), 1024);
        assert!(key.p > key.q);
        assert_eq!(key.p.bits(), 512);
        let rebuilt = PrivateKey::from_components(
            key.n.clone(),
            key.e.clone(),
            key.d.clone(),
            key.p.clone(),
            key.q.clone(),
            key.dp.clone(),
            key.dq.clone(),
            key.qinv.clone(),
        );
        assert_eq!(rebuilt.as_ref(), Ok(&key));
        assert!(steps.value("pairs rejected").is_some());
    }

    #[test]
    fn with_e_3_only_primes_whose_p_minus_1_is_not_a_multiple_of_3_are_kept() {
        // A third of random primes have p ≡ 1 (mod 3): with e = 3 those pairs are rejected.
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let e = BigUint::from(3u32);
        let mut rejected = 0;
        for _ in 0..6 {
            let (key, steps) = generate_with_steps(512, &e, &mut rng).unwrap();
            for prime in [&key.p, &key.q] {
                assert_ne!((prime - 1u32) % 3u32, BigUint::from(0u32));
            }
            rejected += steps
                .value("pairs rejected")
                .unwrap()
                .parse::<u32>()
                .unwrap();
        }
        assert!(rejected > 0, "six keys and not one pair thrown away");
    }

    #[test]
    fn the_same_seed_makes_the_same_key() {
        let e = BigUint::from(DEFAULT_EXPONENT);
        let first = generate(512, &e, &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
        let second = generate(512, &e, &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn sizes_and_exponents_out_of_range_are_refused() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        assert!(generate(256, &DEFAULT_EXPONENT.into(), &mut rng).is_err());
        assert!(generate(1024, &BigUint::from(4u32), &mut rng).is_err());
    }
}
