//! The group constants: each prime equals the copy verified against OpenSSL
//! (tests/data/dh-groups*.txt), equals the formula its RFC gives (from e or π), is a safe prime,
//! and has g = 2 of prime order q.

use num_bigint::BigUint;
use num_traits::One;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wirelab_crypto::dh::Group;
use wirelab_crypto::prime::miller_rabin;

/// `name_p = HEX` lines of a data file.
fn constant(file: &str, name: &str) -> BigUint {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let prefix = format!("{name} = ");
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{path}: no line `{name} = …`"));
    BigUint::parse_bytes(line.trim().as_bytes(), 16).unwrap()
}

#[test]
fn ffdhe2048_and_group_14_are_the_primes_openssl_writes() {
    let ffdhe2048 = Group::ffdhe2048();
    assert_eq!(ffdhe2048.p, constant("dh-groups.txt", "ffdhe2048_p"));
    assert_eq!(ffdhe2048.g, constant("dh-groups.txt", "ffdhe2048_g"));
    let modp14 = Group::modp14();
    assert_eq!(modp14.p, constant("dh-groups.txt", "modp2048_p"));
    assert_eq!(modp14.g, constant("dh-groups.txt", "modp2048_g"));
}

#[test]
fn ffdhe3072_and_ffdhe4096_are_the_primes_openssl_writes() {
    let ffdhe3072 = Group::ffdhe3072();
    assert_eq!(
        ffdhe3072.p,
        constant("dh-groups-openssl.txt", "ffdhe3072_p")
    );
    assert_eq!(
        ffdhe3072.g,
        constant("dh-groups-openssl.txt", "ffdhe3072_g")
    );
    let ffdhe4096 = Group::ffdhe4096();
    assert_eq!(
        ffdhe4096.p,
        constant("dh-groups-openssl.txt", "ffdhe4096_p")
    );
    assert_eq!(
        ffdhe4096.g,
        constant("dh-groups-openssl.txt", "ffdhe4096_g")
    );
}

/// ⌊2^k · e⌋, from e = Σ 1/n!, with 64 guard bits: each of the few hundred terms is rounded
/// down by less than 1, far less than the guard bits absorb.
fn e_times_power_of_two(k: u64) -> BigUint {
    let scaled_one = BigUint::one() << (k + 64);
    let mut term = scaled_one.clone();
    let mut sum = BigUint::default();
    let mut n = 1u32;
    while term > BigUint::default() {
        sum += &term;
        term /= n;
        n += 1;
    }
    sum >> 64u32
}

/// ⌊2^k · π⌋ from Machin's formula π = 16·arctan(1/5) − 4·arctan(1/239), 64 guard bits.
fn pi_times_power_of_two(k: u64) -> BigUint {
    let arctan_inverse = |x: u32| -> (BigUint, BigUint) {
        // arctan(1/x) = Σ (−1)^i / ((2i+1)·x^(2i+1)): positive and negative terms apart.
        let mut power = (BigUint::one() << (k + 64)) / x; // 2^(k+64) / x^(2i+1)
        let (mut positive, mut negative) = (BigUint::default(), BigUint::default());
        let (mut i, mut add) = (0u32, true);
        while power > BigUint::default() {
            let term = &power / (2 * i + 1);
            if add {
                positive += term;
            } else {
                negative += term;
            }
            power /= x * x;
            i += 1;
            add = !add;
        }
        (positive, negative)
    };
    let (pos5, neg5) = arctan_inverse(5);
    let (pos239, neg239) = arctan_inverse(239);
    let pi = 16u32 * pos5 + 4u32 * neg239 - 16u32 * neg5 - 4u32 * pos239;
    pi >> 64u32
}

/// RFC 7919 Appendix A: p = 2^b − 2^(b−64) + {⌊2^(b−130) · e⌋ + X} · 2^64 − 1.
fn ffdhe_formula(bits: u64, x: u32) -> BigUint {
    let one = BigUint::one();
    (&one << bits) + ((e_times_power_of_two(bits - 130) + x) << 64u32) - (&one << (bits - 64)) - one
}

#[test]
fn the_ffdhe_primes_follow_the_rfc_7919_formula_from_e() {
    assert_eq!(Group::ffdhe2048().p, ffdhe_formula(2048, 560316));
    assert_eq!(Group::ffdhe3072().p, ffdhe_formula(3072, 2625351));
    assert_eq!(Group::ffdhe4096().p, ffdhe_formula(4096, 5736041));
}

#[test]
fn group_14_follows_the_rfc_3526_formula_from_pi() {
    // p = 2^2048 − 2^1984 − 1 + 2^64 · {⌊2^1918 · π⌋ + 124476}
    let one = BigUint::one();
    let p = (&one << 2048u32) + ((pi_times_power_of_two(1918) + 124476u32) << 64u32)
        - (&one << 1984u32)
        - one;
    assert_eq!(Group::modp14().p, p);
}

#[test]
fn every_named_group_is_a_safe_prime_whose_generator_has_prime_order_q() {
    let mut rng = ChaCha20Rng::seed_from_u64(7919);
    for group in [
        Group::ffdhe2048(),
        Group::ffdhe3072(),
        Group::ffdhe4096(),
        Group::modp14(),
    ] {
        let q = group.q.clone().expect("a named group knows q");
        assert_eq!(&q * 2u32 + 1u32, group.p, "{}: p = 2q + 1", group.name);
        // These are fixed, published numbers, not adversarial: a few rounds make the point.
        assert!(
            miller_rabin(&group.p, 3, &mut rng),
            "{}: p prime",
            group.name
        );
        assert!(miller_rabin(&q, 3, &mut rng), "{}: q prime", group.name);
        assert!(
            group.g.modpow(&q, &group.p).is_one(),
            "{}: g^q mod p = 1, g lies in the order-q subgroup",
            group.name
        );
    }
}

#[test]
fn short_exponent_sizes_are_those_of_rfc_7919_appendix_a() {
    assert_eq!(Group::ffdhe2048().exponent_bits, Some(225));
    assert_eq!(Group::ffdhe3072().exponent_bits, Some(275));
    assert_eq!(Group::ffdhe4096().exponent_bits, Some(325));
    assert_eq!(Group::modp14().exponent_bits, Some(225));
}

#[test]
fn a_group_is_recognised_from_its_p_and_g_alone() {
    let modp14 = Group::modp14();
    let known = Group::known(&modp14.p, &modp14.g).expect("group 14 is known");
    assert_eq!(known.name, "modp14");
    assert_eq!(Group::known(&modp14.p, &BigUint::from(5u32)), None);
}

#[test]
fn a_generated_toy_group_is_a_safe_prime_with_g_of_order_q() {
    let mut rng = ChaCha20Rng::seed_from_u64(23);
    for bits in [8, 16, 32, 64] {
        let (group, tries) = Group::generate_safe_prime(bits, &mut rng);
        assert!(tries >= 1);
        assert_eq!(group.p.bits(), bits);
        let q = group.q.clone().unwrap();
        assert_eq!(&q * 2u32 + 1u32, group.p);
        assert!(miller_rabin(&q, 20, &mut rng) && miller_rabin(&group.p, 20, &mut rng));
        assert!(group.g.modpow(&q, &group.p).is_one());
        assert!(group.g == BigUint::from(2u32) || group.g == BigUint::from(4u32));
    }
}
