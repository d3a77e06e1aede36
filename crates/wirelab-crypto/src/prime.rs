//! Prime numbers: trial division by small primes, the Miller-Rabin test, and random primes of an
//! exact bit length.
//!
//! A random odd 1024-bit number is prime with probability about 2 / ln(2¹⁰²⁴) ≈ 1/355, so key
//! generation tests hundreds of candidates. Most are thrown out cheaply by a small prime that
//! divides them (a sieve over the primes below 2¹⁴ removes nine in ten); the survivors face
//! Miller-Rabin, whose cost is one modular exponentiation per round (FIPS 186-5 §B.3.1).
//!
//! Nothing here is constant-time.

use num_bigint::{BigUint, RandBigInt};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use rand::RngCore;
use std::sync::OnceLock;

/// Trial division and the sieve use the primes below this bound.
pub const SMALL_PRIME_BOUND: u32 = 1 << 14;

/// The primes below [`SMALL_PRIME_BOUND`] (2, 3, 5, …, 16381), by the sieve of Eratosthenes.
pub fn small_primes() -> &'static [u32] {
    static PRIMES: OnceLock<Vec<u32>> = OnceLock::new();
    PRIMES.get_or_init(|| {
        let bound = SMALL_PRIME_BOUND as usize;
        let mut composite = vec![false; bound];
        let mut primes = Vec::new();
        for candidate in 2..bound {
            if composite[candidate] {
                continue;
            }
            primes.push(candidate as u32);
            for multiple in (candidate * candidate..bound).step_by(candidate) {
                composite[multiple] = true;
            }
        }
        primes
    })
}

/// What trial division by the small primes says about `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrialDivision {
    /// `n` is 0, 1, or has a small prime factor (other than itself).
    Composite,
    /// `n` is a small prime, or below the square of the bound and free of small factors: prime.
    Prime,
    /// No small factor: Miller-Rabin must decide.
    Undecided,
}

/// Divide `n` by every small prime.
pub fn trial_division(n: &BigUint) -> TrialDivision {
    if n < &BigUint::from(2u32) {
        return TrialDivision::Composite;
    }
    for &prime in small_primes() {
        if n == &BigUint::from(prime) {
            return TrialDivision::Prime;
        }
        if (n % prime).is_zero() {
            return TrialDivision::Composite;
        }
    }
    // A composite has a factor no larger than its square root, and there is none below the bound.
    let bound = u64::from(SMALL_PRIME_BOUND);
    if n < &BigUint::from(bound * bound) {
        TrialDivision::Prime
    } else {
        TrialDivision::Undecided
    }
}

/// Miller-Rabin with `rounds` random bases (FIPS 186-5 §B.3.1). `n` must be odd and > 3.
///
/// Write `n − 1 = 2ˢ·d` with `d` odd. For a prime `n`, every base `a` gives `aᵈ ≡ 1` or
/// `a^(2ʲ·d) ≡ −1` for some `j < s` (the only square roots of 1 modulo a prime are ±1). A base
/// for which neither holds proves `n` composite; at most a quarter of the bases fail to prove it
/// for any composite (Rabin 1980), so `k` passing rounds leave a chance of at most 4⁻ᵏ.
pub fn miller_rabin(n: &BigUint, rounds: usize, rng: &mut impl RngCore) -> bool {
    let one = BigUint::one();
    let two = BigUint::from(2u32);
    let n_minus_one = n - &one;
    let s = n_minus_one.trailing_zeros().unwrap_or(0);
    let d = &n_minus_one >> s;
    'bases: for _ in 0..rounds {
        // a in [2, n − 2]: 1 and n − 1 pass for every n and prove nothing.
        let a = rng.gen_biguint_range(&two, &n_minus_one);
        let mut x = a.modpow(&d, n);
        if x == one || x == n_minus_one {
            continue;
        }
        for _ in 1..s {
            x = &x * &x % n;
            if x == n_minus_one {
                continue 'bases;
            }
            if x == one {
                return false; // a square root of 1 other than ±1: n is not prime
            }
        }
        return false;
    }
    true
}

/// Is `n` prime? Trial division, then Miller-Rabin with enough rounds for any input, even one
/// built to fool the test (Wycheproof's primality cases are): 64 rounds up to 2048 bits and 128
/// above, a false "prime" chance of at most 2⁻¹²⁸ and 2⁻²⁵⁶, as OpenSSL 3's `BN_check_prime`.
/// Random candidates during key generation need far fewer (see [`rounds_for_random_candidate`]).
pub fn is_probable_prime(n: &BigUint, rng: &mut impl RngCore) -> bool {
    let rounds = if n.bits() > 2048 { 128 } else { 64 };
    is_probable_prime_with_rounds(n, rounds, rng)
}

/// Trial division, then `rounds` of Miller-Rabin when it cannot decide: a composite passes
/// with a chance of at most 4⁻ʳᵒᵘⁿᵈˢ, even one built to fool the test.
pub fn is_probable_prime_with_rounds(n: &BigUint, rounds: usize, rng: &mut impl RngCore) -> bool {
    match trial_division(n) {
        TrialDivision::Composite => false,
        TrialDivision::Prime => true,
        TrialDivision::Undecided => miller_rabin(n, rounds, rng),
    }
}

/// Rounds of Miller-Rabin for a *randomly chosen* candidate of `bits` bits, from FIPS 186-5
/// Table B.1 (the column for the key's security strength): p, q of 1024 bits get 5 rounds
/// (error ≤ 2⁻¹¹², a 2048-bit key), 1536 bits 4 (≤ 2⁻¹²⁸), 2048 bits 4 (≤ 2⁻¹⁴⁴). So few
/// suffice because a random composite almost never passes even one round (Damgård, Landrock,
/// Pomerance 1993). Below 1024 bits we take more; below 512 the worst-case bound 4⁻ᵏ.
pub fn rounds_for_random_candidate(bits: u64) -> usize {
    match bits {
        2048.. => 4,
        1536.. => 4,
        1024.. => 5,
        512.. => 8,
        _ => 40,
    }
}

/// A random prime of exactly `bits` bits whose two top bits are set, so that the product of two
/// such primes has exactly twice as many bits (¾·¾ > ½). Panics if `bits < 2`.
///
/// Candidates come from a sieve (as OpenSSL's `probable_prime`): take a random odd start, note
/// its remainder modulo each small prime, then walk `start, start + 2, …` updating the remainders
/// with additions instead of divisions; only a candidate no small prime divides meets Miller-Rabin.
/// When the walk would leave the bit length, start again.
pub fn random_prime(bits: u64, rng: &mut impl RngCore) -> BigUint {
    assert!(bits >= 2, "random_prime: a prime needs at least 2 bits");
    if bits <= 2 {
        return BigUint::from(3u32); // the only 2-bit number with both top bits set
    }
    let rounds = rounds_for_random_candidate(bits);
    if bits <= 28 {
        // Small enough that trial division decides: draw until prime.
        loop {
            let candidate = random_odd_with_top_bits(bits, rng);
            if trial_division(&candidate) == TrialDivision::Prime {
                return candidate;
            }
        }
    }
    let odd_primes = &small_primes()[1..];
    // How far one walk goes before drawing a fresh start: well past the average prime gap
    // (about 0.7·bits), so that restarts are rare.
    let max_delta: u32 = 1 << 20;
    loop {
        let start = random_odd_with_top_bits(bits, rng);
        let remainders: Vec<u32> = odd_primes
            .iter()
            .map(|&p| (&start % p).to_u32().unwrap_or(0))
            .collect();
        let mut delta: u32 = 0;
        while delta < max_delta {
            let divisible = odd_primes
                .iter()
                .zip(&remainders)
                .any(|(&p, &r)| (r + delta % p).is_multiple_of(p));
            if !divisible {
                let candidate = &start + delta;
                if !has_top_two_bits(&candidate, bits) {
                    break; // walked past 11…1: draw a new start
                }
                if miller_rabin(&candidate, rounds, rng) {
                    return candidate;
                }
            }
            delta += 2;
        }
    }
}

/// A random odd number of exactly `bits` bits with its two top bits set.
fn random_odd_with_top_bits(bits: u64, rng: &mut impl RngCore) -> BigUint {
    let mut candidate = rng.gen_biguint(bits);
    candidate.set_bit(bits - 1, true);
    candidate.set_bit(bits - 2, true);
    candidate.set_bit(0, true);
    candidate
}

fn has_top_two_bits(n: &BigUint, bits: u64) -> bool {
    n.bits() == bits && n.bit(bits - 2)
}

/// A safe prime `p = 2q + 1` (with `q` prime) of exactly `bits` bits, as finite-field
/// Diffie-Hellman groups use: the group of squares modulo `p` then has prime order `q`, so a
/// peer cannot push the shared secret into a small subgroup. Slow for big sizes (both `q` and
/// `p` must be prime); meant for toy groups. Panics if `bits < 3`.
pub fn random_safe_prime(bits: u64, rng: &mut impl RngCore) -> BigUint {
    assert!(
        bits >= 3,
        "random_safe_prime: a safe prime needs at least 3 bits"
    );
    loop {
        // q has bits − 1 bits with its top bit set, so p = 2q + 1 has exactly `bits` bits.
        let mut q = rng.gen_biguint(bits - 1);
        q.set_bit(bits - 2, true);
        q.set_bit(0, true);
        let p: BigUint = (&q << 1u32) + 1u32;
        // The cheap test first: p ≡ 0 (mod 3) and friends rule out most pairs.
        if trial_division(&p) != TrialDivision::Composite
            && is_probable_prime(&q, rng)
            && is_probable_prime(&p, rng)
        {
            return p;
        }
    }
}

/// `q` with `p = 2q + 1` both prime?
pub fn is_safe_prime(p: &BigUint, rng: &mut impl RngCore) -> bool {
    if !p.is_odd() || p < &BigUint::from(5u32) {
        return false;
    }
    let q: BigUint = p >> 1u32;
    is_probable_prime(&q, rng) && is_probable_prime(p, rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(2026)
    }

    #[test]
    fn the_small_prime_table_starts_with_2_3_5_and_ends_below_the_bound() {
        let primes = small_primes();
        assert_eq!(&primes[..6], &[2, 3, 5, 7, 11, 13]);
        assert_eq!(primes.len(), 1900); // π(16384) = 1900
        assert_eq!(primes.last(), Some(&16381));
    }

    #[test]
    fn small_numbers_are_classified_exactly() {
        let mut rng = rng();
        let primes_below_50 = [2u32, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47];
        for n in 0u32..50 {
            assert_eq!(
                is_probable_prime(&BigUint::from(n), &mut rng),
                primes_below_50.contains(&n),
                "{n}"
            );
        }
    }

    #[test]
    fn carmichael_numbers_and_strong_pseudoprimes_are_found_composite() {
        let mut rng = rng();
        // 561 = 3·11·17 (Carmichael); 3215031751 is a strong pseudoprime to bases 2, 3, 5, 7;
        // 3825123056546413051 to the first nine prime bases.
        for n in [561u64, 41041, 3215031751, 3825123056546413051] {
            assert!(!is_probable_prime(&BigUint::from(n), &mut rng), "{n}");
        }
    }

    #[test]
    fn known_large_primes_pass() {
        let mut rng = rng();
        let mersenne_127 = (BigUint::one() << 127u32) - 1u32;
        assert!(is_probable_prime(&mersenne_127, &mut rng));
        let mersenne_521 = (BigUint::one() << 521u32) - 1u32;
        assert!(is_probable_prime(&mersenne_521, &mut rng));
        assert!(!is_probable_prime(&(&mersenne_521 + 2u32), &mut rng));
        assert!(is_probable_prime(
            &BigUint::from(1_000_000_007u64),
            &mut rng
        ));
    }

    #[test]
    fn random_primes_have_exactly_the_bits_asked_for_and_both_top_bits_set() {
        let mut rng = rng();
        for bits in [2u64, 3, 6, 16, 29, 64, 100, 256, 512] {
            let p = random_prime(bits, &mut rng);
            assert_eq!(p.bits(), bits, "{p}");
            assert!(p.bit(bits - 2), "{p}: second bit clear");
            assert!(is_probable_prime(&p, &mut rng), "{p}");
        }
    }

    #[test]
    fn a_seeded_generator_gives_the_same_prime_twice() {
        let first = random_prime(256, &mut ChaCha20Rng::seed_from_u64(1));
        let second = random_prime(256, &mut ChaCha20Rng::seed_from_u64(1));
        assert_eq!(first, second);
    }

    #[test]
    fn safe_primes_are_twice_a_prime_plus_one() {
        let mut rng = rng();
        for bits in [3u64, 5, 10, 32, 64] {
            let p = random_safe_prime(bits, &mut rng);
            assert_eq!(p.bits(), bits);
            assert!(is_safe_prime(&p, &mut rng), "{p}");
        }
        assert!(is_safe_prime(&BigUint::from(23u32), &mut rng));
        assert!(!is_safe_prime(&BigUint::from(29u32), &mut rng)); // 14 is not prime
    }
}
