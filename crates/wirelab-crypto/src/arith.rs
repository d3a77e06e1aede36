//! The number theory under RSA and Diffie-Hellman, written out for reading: Euclid's algorithm
//! extended to find modular inverses, and modular exponentiation by square-and-multiply.
//!
//! The written-out [`mod_pow`] is for teaching values (the toy keys, a single exponentiation
//! shown bit by bit with [`mod_pow_steps`]). Real 2048-bit work calls num-bigint's
//! `BigUint::modpow`, which computes the same function with Montgomery multiplication and
//! sliding windows, several times faster; tests check both agree.
//!
//! Nothing here is constant-time: the running time depends on the secret values (the number of
//! Euclid rounds, the bits of the exponent). That is fine for a classroom and wrong for a server.

use crate::steps::Steps;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// The extended Euclidean algorithm: `(g, x, y)` with `a·x + b·y = g = gcd(a, b)` and `g ≥ 0`.
///
/// Each round replaces `(r₀, r₁)` by `(r₁, r₀ − q·r₁)` with `q = ⌊r₀ / r₁⌋`, and carries the
/// coefficients `(s, t)` along so that `rᵢ = a·sᵢ + b·tᵢ` stays true (Knuth, TAOCP vol. 2,
/// §4.5.2, Algorithm X). When the remainder reaches 0 the previous one is the gcd.
pub fn extended_gcd(a: &BigInt, b: &BigInt) -> (BigInt, BigInt, BigInt) {
    let (mut old_r, mut r) = (a.clone(), b.clone());
    let (mut old_s, mut s) = (BigInt::one(), BigInt::zero());
    let (mut old_t, mut t) = (BigInt::zero(), BigInt::one());
    while !r.is_zero() {
        let quotient = old_r.div_floor(&r);
        let next_r = &old_r - &quotient * &r;
        old_r = std::mem::replace(&mut r, next_r);
        let next_s = &old_s - &quotient * &s;
        old_s = std::mem::replace(&mut s, next_s);
        let next_t = &old_t - &quotient * &t;
        old_t = std::mem::replace(&mut t, next_t);
    }
    // With negative inputs the last remainder may come out negative; the gcd is its size.
    if old_r.is_negative() {
        (-old_r, -old_s, -old_t)
    } else {
        (old_r, old_s, old_t)
    }
}

/// `a⁻¹ mod m`: the `x` in `[0, m)` with `a·x ≡ 1 (mod m)`, or `None` when `gcd(a, m) ≠ 1`
/// (then no inverse exists) or `m < 2`.
///
/// From Bézout: `a·x + m·y = 1` means `a·x ≡ 1 (mod m)`, so the `x` of [`extended_gcd`],
/// brought into `[0, m)`, is the inverse. RSA finds `d = e⁻¹ mod λ(n)` this way.
pub fn mod_inverse(a: &BigUint, m: &BigUint) -> Option<BigUint> {
    if *m <= BigUint::one() {
        return None;
    }
    let modulus = BigInt::from_biguint(Sign::Plus, m.clone());
    let value = BigInt::from_biguint(Sign::Plus, a % m);
    let (gcd, x, _) = extended_gcd(&value, &modulus);
    if !gcd.is_one() {
        return None;
    }
    x.mod_floor(&modulus).to_biguint()
}

/// `base^exp mod modulus` by left-to-right binary square-and-multiply (HAC Algorithm 14.79):
/// for each bit of the exponent from the top, square the result; when the bit is 1, multiply
/// by the base. `exp` has k bits, so at most 2k multiplications, each followed by a reduction
/// that keeps the numbers below `modulus²`.
///
/// Panics if `modulus` is zero (there is no arithmetic modulo 0).
pub fn mod_pow(base: &BigUint, exp: &BigUint, modulus: &BigUint) -> BigUint {
    assert!(!modulus.is_zero(), "mod_pow: modulus is zero");
    let base = base % modulus;
    let mut result = BigUint::one() % modulus;
    for bit in (0..exp.bits()).rev() {
        result = &result * &result % modulus;
        if exp.bit(bit) {
            result = &result * &base % modulus;
        }
    }
    result
}

/// [`mod_pow`], recording each bit of the exponent as a step: after the square (and the
/// multiply when the bit is 1), the running result. Meant for small values, where the student
/// can redo each line by hand; the names are `x₀`, `x₁`, … and the last step is the result.
pub fn mod_pow_steps(
    base: &BigUint,
    exp: &BigUint,
    modulus: &BigUint,
    steps: &mut Steps,
) -> BigUint {
    assert!(!modulus.is_zero(), "mod_pow_steps: modulus is zero");
    let base_reduced = base % modulus;
    let mut result = BigUint::one() % modulus;
    let bits = exp.bits();
    steps.push(
        "exponent in binary",
        "",
        if bits == 0 {
            "0".to_string()
        } else {
            exp.to_str_radix(2)
        },
        "square-and-multiply reads the exponent bit by bit, from the top",
    );
    for (round, bit) in (0..bits).rev().enumerate() {
        let previous = result.clone();
        result = &result * &result % modulus;
        let set = exp.bit(bit);
        let (formula, why) = if set {
            result = &result * &base_reduced % modulus;
            (
                format!("{previous}² · {base_reduced} mod {modulus}"),
                "bit 1: square, then multiply by the base",
            )
        } else {
            (format!("{previous}² mod {modulus}"), "bit 0: square only")
        };
        steps.push(
            format!("x{} (bit {})", subscript(round + 1), u8::from(set)),
            formula,
            result.to_string(),
            why,
        );
    }
    steps.push(
        format!("{base}^{exp} mod {modulus}"),
        "",
        result.to_string(),
        "the last running value is the power",
    );
    result
}

/// Greatest common divisor of two unsigned integers.
pub fn gcd(a: &BigUint, b: &BigUint) -> BigUint {
    a.gcd(b)
}

/// Least common multiple: `a·b / gcd(a, b)` (0 when either is 0).
pub fn lcm(a: &BigUint, b: &BigUint) -> BigUint {
    a.lcm(b)
}

/// `n` written with Unicode subscript digits (`12` → `₁₂`), for step names.
pub fn subscript(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|digit| match digit {
            '0' => '₀',
            '1' => '₁',
            '2' => '₂',
            '3' => '₃',
            '4' => '₄',
            '5' => '₅',
            '6' => '₆',
            '7' => '₇',
            '8' => '₈',
            _ => '₉',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::RandBigInt;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn big(n: u64) -> BigUint {
        BigUint::from(n)
    }

    fn int(n: i64) -> BigInt {
        BigInt::from(n)
    }

    #[test]
    fn extended_euclid_of_240_and_46_finds_gcd_2_and_bezout_coefficients() {
        let (g, x, y) = extended_gcd(&int(240), &int(46));
        assert_eq!(g, int(2));
        assert_eq!(int(240) * &x + int(46) * &y, int(2));
        assert_eq!((x, y), (int(-9), int(47)));
    }

    #[test]
    fn extended_euclid_handles_zero_and_negative_inputs() {
        assert_eq!(extended_gcd(&int(0), &int(7)).0, int(7));
        assert_eq!(extended_gcd(&int(7), &int(0)).0, int(7));
        let (g, x, y) = extended_gcd(&int(-12), &int(18));
        assert_eq!(g, int(6));
        assert_eq!(int(-12) * x + int(18) * y, int(6));
    }

    #[test]
    fn the_toy_rsa_exponent_17_inverts_to_413_modulo_780_and_2753_modulo_3120() {
        // λ(3233) = lcm(60, 52) = 780; φ(3233) = 60·52 = 3120 (the textbook's d).
        assert_eq!(mod_inverse(&big(17), &big(780)), Some(big(413)));
        assert_eq!(mod_inverse(&big(17), &big(3120)), Some(big(2753)));
    }

    #[test]
    fn no_inverse_exists_when_the_numbers_share_a_factor() {
        assert_eq!(mod_inverse(&big(6), &big(9)), None);
        assert_eq!(mod_inverse(&big(3), &big(1)), None);
        assert_eq!(mod_inverse(&big(3), &big(0)), None);
    }

    #[test]
    fn random_inverses_multiply_back_to_one() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        for _ in 0..200 {
            let m = rng.gen_biguint(256) | BigUint::one();
            let a = rng.gen_biguint_below(&m);
            match mod_inverse(&a, &m) {
                Some(inverse) => assert_eq!(&a * inverse % &m, BigUint::one()),
                None => assert_ne!(gcd(&a, &m), BigUint::one()),
            }
        }
    }

    #[test]
    fn toy_rsa_encryption_of_65_is_2790_and_decrypts_back() {
        assert_eq!(mod_pow(&big(65), &big(17), &big(3233)), big(2790));
        assert_eq!(mod_pow(&big(2790), &big(2753), &big(3233)), big(65));
        assert_eq!(mod_pow(&big(2790), &big(413), &big(3233)), big(65));
    }

    #[test]
    fn mod_pow_edge_cases_follow_the_definitions() {
        assert_eq!(mod_pow(&big(5), &big(0), &big(7)), big(1));
        assert_eq!(mod_pow(&big(5), &big(3), &big(1)), big(0));
        assert_eq!(mod_pow(&big(0), &big(0), &big(7)), big(1));
        assert_eq!(mod_pow(&big(0), &big(5), &big(7)), big(0));
    }

    #[test]
    fn written_out_square_and_multiply_agrees_with_num_bigint_modpow() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        for bits in [8u64, 64, 512, 1024] {
            let modulus = rng.gen_biguint(bits) | BigUint::one();
            let base = rng.gen_biguint(bits + 10);
            let exp = rng.gen_biguint(bits);
            assert_eq!(mod_pow(&base, &exp, &modulus), base.modpow(&exp, &modulus));
        }
    }

    #[test]
    fn mod_pow_steps_records_one_line_per_exponent_bit() {
        let mut steps = Steps::new();
        // 17 = 10001₂: square, square, square, square-and-multiply after the leading 1.
        let result = mod_pow_steps(&big(65), &big(17), &big(3233), &mut steps);
        assert_eq!(result, big(2790));
        assert_eq!(steps.value("exponent in binary"), Some("10001"));
        assert_eq!(steps.value("x₁ (bit 1)"), Some("65"));
        assert_eq!(steps.value("x₂ (bit 0)"), Some("992")); // 65² = 4225 ≡ 992
        assert_eq!(steps.value("65^17 mod 3233"), Some("2790"));
        assert_eq!(steps.0.len(), 1 + 5 + 1);
    }

    #[test]
    fn subscripts_spell_every_digit() {
        assert_eq!(subscript(1234567890), "₁₂₃₄₅₆₇₈₉₀");
    }
}
