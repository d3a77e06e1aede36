//! Diffie-Hellman exchanges: the textbook example worked by hand, validation of the peer's value
//! (RFC 7919 §5.1), and both sides agreeing for many random keys.

use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wirelab_crypto::dh::{self, DhError, Group, KeyPair, PublicKey};

fn n(value: u64) -> BigUint {
    BigUint::from(value)
}

// The textbook example: p = 23, g = 5, a = 6, b = 15.
//   A = 5^6 mod 23 = 15625 mod 23 = 8          (15625 = 679·23 + 8)
//   B = 5^15 mod 23 = 19                        (5^2 = 2, 5^4 = 4, 5^8 = 16, 5^15 = 5^8·5^4·5^2·5
//                                                = 16·4·2·5 = 640 = 27·23 + 19)
//   s = B^a = 19^6 mod 23 = 2,  s = A^b = 8^15 mod 23 = 2

#[test]
fn the_textbook_exchange_gives_a_8_b_19_and_secret_2() {
    let result = dh::exchange(&Group::toy(), n(6), n(15)).unwrap();
    assert_eq!(result.alice.public.y, n(8));
    assert_eq!(result.bob.public.y, n(19));
    assert_eq!(result.secret.z, n(2));
    assert_eq!(result.steps.value("A"), Some("8"));
    assert_eq!(result.steps.value("B"), Some("19"));
    assert_eq!(result.steps.value("s (Alice)"), Some("2"));
    assert_eq!(result.steps.value("s (Bob)"), Some("2"));
    assert_eq!(result.steps.value("equal"), Some("yes"));
}

#[test]
fn the_toy_group_has_no_subgroup_check_because_5_generates_all_22_values() {
    let toy = Group::toy();
    assert_eq!(toy.q, None);
    // 19 = 5^15 is an honest public value, yet 19^11 mod 23 = 22: with g of order 22 the
    // check Y^q = 1 would refuse it, which is why real groups use g of prime order q.
    assert_eq!(n(19).modpow(&n(11), &n(23)), n(22));
    assert!(dh::validate_public(&toy, &n(19), "Bob").is_ok());
}

#[test]
fn the_peer_values_0_1_p_minus_1_and_p_are_rejected() {
    let group = Group::ffdhe2048();
    let p = group.p.clone();
    for y in [n(0), n(1), &p - 1u32, p.clone(), &p + 1u32] {
        let error = dh::validate_public(&group, &y, "Bob").unwrap_err();
        assert!(
            matches!(error, DhError::PublicValueOutOfRange { .. }),
            "{y:x}: {error}"
        );
    }
}

#[test]
fn a_value_outside_the_order_q_subgroup_is_rejected() {
    // p − 2 = −2 mod p: 2 is a square mod p (it generates the squares) and −1 is not (p ≡ 3
    // mod 4), so −2 is not a square: its order is 2q, and (p−2)^q mod p = p − 1, not 1.
    let group = Group::ffdhe2048();
    let outside = &group.p - 2u32;
    assert_eq!(
        outside.modpow(group.q.as_ref().unwrap(), &group.p),
        &group.p - 1u32
    );
    let error = dh::validate_public(&group, &outside, "Bob").unwrap_err();
    assert!(matches!(error, DhError::NotInSubgroup { .. }), "{error}");
    assert!(error.to_string().contains("Y^q mod p ≠ 1"));
}

#[test]
fn agreeing_with_a_bad_peer_value_fails_before_any_secret_is_computed() {
    let group = Group::modp14();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let mine = KeyPair::generate(&group, &mut rng);
    let bad_peer = PublicKey {
        group: group.clone(),
        y: &group.p - 1u32,
    };
    assert!(matches!(
        mine.agree(&bad_peer),
        Err(DhError::PublicValueOutOfRange { .. })
    ));
}

#[test]
fn keys_from_different_groups_do_not_agree() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mine = KeyPair::generate(&Group::ffdhe2048(), &mut rng);
    let theirs = KeyPair::generate(&Group::modp14(), &mut rng);
    let error = mine.agree(&theirs.public).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the keys are in different groups: mine is ffdhe2048, the peer's is modp14"
    );
}

#[test]
fn private_exponents_outside_2_to_p_minus_2_are_refused() {
    let toy = Group::toy();
    for x in [n(0), n(1), n(22), n(23)] {
        assert!(KeyPair::from_private(&toy, x).is_err());
    }
    assert!(KeyPair::from_private(&toy, n(21)).is_ok());
}

#[test]
fn ffdhe2048_private_exponents_have_at_most_225_bits() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let group = Group::ffdhe2048();
    let sizes: Vec<u64> = (0..50)
        .map(|_| dh::random_private(&group, &mut rng).bits())
        .collect();
    assert!(sizes.iter().all(|&bits| bits <= 225));
    assert!(sizes.contains(&225), "about half have the top bit set");
}

#[test]
fn toy_private_exponents_never_give_the_order_2_value_22() {
    // 5^11 mod 23 = 22 = p − 1, which the peer would refuse: exponent 11 is never drawn.
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let toy = Group::toy();
    for _ in 0..500 {
        let x = dh::random_private(&toy, &mut rng);
        assert_ne!(x, n(11));
        assert!(x >= n(2) && x <= n(21));
    }
}

#[test]
fn both_sides_agree_for_many_random_seeds_in_small_groups() {
    for seed in 0..200u64 {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let (group, _) = Group::generate_safe_prime(8 + seed % 40, &mut rng);
        for group in [group, Group::toy()] {
            let result = dh::random_exchange(&group, &mut rng)
                .unwrap_or_else(|error| panic!("seed {seed}, {}: {error}", group.name));
            let alice_view = result.bob.public.y.modpow(&result.alice.x, &group.p);
            let bob_view = result.alice.public.y.modpow(&result.bob.x, &group.p);
            assert_eq!(alice_view, bob_view, "seed {seed}");
            assert_eq!(result.secret.z, alice_view, "seed {seed}");
        }
    }
}

#[test]
fn both_sides_agree_for_random_seeds_in_every_named_group() {
    for (seed, name) in dh::GROUP_NAMES.iter().enumerate() {
        let group = Group::named(name).unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(seed as u64);
        let result = dh::random_exchange(&group, &mut rng).unwrap();
        assert_eq!(result.steps.value("equal"), Some("yes"), "{name}");
        assert_eq!(result.secret.padded().len(), group.byte_len(), "{name}");
    }
}

#[test]
fn the_same_seed_gives_the_same_exchange() {
    let group = Group::ffdhe2048();
    let first = dh::random_exchange(&group, &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
    let second = dh::random_exchange(&group, &mut ChaCha20Rng::seed_from_u64(9)).unwrap();
    assert_eq!(first.steps, second.steps);
}

#[test]
fn the_steps_of_a_2048_bit_exchange_show_both_encodings_of_the_secret() {
    let group = Group::ffdhe2048();
    let result = dh::random_exchange(&group, &mut ChaCha20Rng::seed_from_u64(5)).unwrap();
    let padded = result.steps.value("Z (padded)").unwrap();
    let stripped = result.steps.value("Z (TLS 1.2)").unwrap();
    assert_eq!(padded.len(), 2 * 256);
    assert!(padded.ends_with(stripped));
    assert_eq!(result.steps.value("B in subgroup"), Some("1"));
    assert_eq!(result.steps.value("A in subgroup"), Some("1"));
}

#[test]
fn a_degenerate_group_where_every_public_value_is_refused_does_not_hang_key_generation() {
    // g = p − 1 has order 2: g^x is 1 or p − 1 for every x, both refused by the peer. Such a
    // group can only come from outside (Group::from_parameters refuses it); drawing must stop.
    let degenerate = Group {
        name: "degenerate".into(),
        source: "a test".into(),
        p: n(23),
        g: n(22),
        q: None,
        exponent_bits: None,
    };
    let pair = KeyPair::generate(&degenerate, &mut ChaCha20Rng::seed_from_u64(5));
    assert!(pair.public.y == n(1) || pair.public.y == n(22));
    assert!(dh::validate_public(&degenerate, &pair.public.y, "it").is_err());
}

#[test]
fn parameters_from_outside_are_checked_and_known_groups_recognised() {
    let ffdhe2048 = Group::ffdhe2048();
    assert_eq!(
        Group::from_parameters(ffdhe2048.p.clone(), n(2)),
        Ok(ffdhe2048)
    );
    assert!(Group::from_parameters(n(23), n(22)).is_err());
    assert!(Group::from_parameters(n(23), n(1)).is_err());
    assert!(Group::from_parameters(n(13), n(2)).is_err()); // 4 bits: too small
                                                           // 33 = 3·11 is odd but not prime: accepted as a custom group, without a subgroup check.
    let custom = Group::from_parameters(n(33), n(2)).unwrap();
    assert_eq!(custom.q, None);
    // 23 = 2·11 + 1 is a safe prime and 2 has order 11: the subgroup check applies.
    assert_eq!(Group::from_parameters(n(23), n(2)).unwrap().q, Some(n(11)));
}

#[test]
fn a_group_built_by_hand_with_p_0_or_1_refuses_values_instead_of_panicking() {
    for p in [0u64, 1] {
        let broken = Group {
            name: "broken".into(),
            source: "a test".into(),
            p: n(p),
            g: n(2),
            q: None,
            exponent_bits: None,
        };
        assert!(dh::validate_public(&broken, &n(5), "it").is_err());
        assert!(KeyPair::from_private(&broken, n(2)).is_err());
        assert_eq!(Group::custom(n(p), n(2)).q, None);
    }
}
