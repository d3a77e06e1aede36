//! X25519 (our own RFC 7748 code) on every case of Wycheproof's x25519_test.json
//! (tests/data/wycheproof/, Apache-2.0), against ring both ways, and the P-256 exchange in ring.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;
use wirelab_crypto::ecdh::{self, EcdhError};
use wirelab_crypto::x25519::{x25519, x25519_agree, AllZeroSharedSecret};

fn bytes32(hex: &str) -> [u8; 32] {
    assert_eq!(hex.len(), 64, "{hex}");
    let mut out = [0u8; 32];
    for (index, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(&hex[2 * index..2 * index + 2], 16).unwrap();
    }
    out
}

#[test]
fn every_wycheproof_x25519_case_gives_the_expected_secret_or_refuses_an_all_zero_one() {
    let path = format!(
        "{}/tests/data/wycheproof/x25519_test.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let suite: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (mut computed, mut refused) = (0, 0);
    for group in suite["testGroups"].as_array().unwrap() {
        assert_eq!(group["curve"], "curve25519");
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let flags: Vec<&str> = case["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|flag| flag.as_str().unwrap())
                .collect();
            let private = bytes32(case["private"].as_str().unwrap());
            let public = bytes32(case["public"].as_str().unwrap());
            let shared = bytes32(case["shared"].as_str().unwrap());
            // The file has only "valid" and "acceptable" cases: X25519 is defined for every
            // 32-byte input. What to do with a zero result is the caller's choice; we refuse.
            assert_ne!(case["result"], "invalid", "case {id}");
            assert_eq!(x25519(&private, &public), shared, "case {id} ({flags:?})");
            if flags.contains(&"ZeroSharedSecret") {
                assert_eq!(shared, [0u8; 32], "case {id}");
                assert_eq!(
                    x25519_agree(&private, &public),
                    Err(AllZeroSharedSecret),
                    "case {id}"
                );
                refused += 1;
            } else {
                assert_eq!(x25519_agree(&private, &public), Ok(shared), "case {id}");
                computed += 1;
            }
        }
    }
    assert_eq!(computed + refused, suite["numberOfTests"].as_u64().unwrap());
    assert_eq!(refused, 31, "the cases flagged ZeroSharedSecret");
}

#[test]
fn our_x25519_and_rings_agree_both_ways_for_many_keys() {
    let mut rng = ChaCha20Rng::seed_from_u64(25519);
    for _ in 0..20 {
        let ours = ecdh::x25519_random_private(&mut rng);
        let (our_secret, ring_secret) = ecdh::x25519_against_ring(ours).unwrap();
        assert_eq!(our_secret.as_slice(), ring_secret.as_slice());
    }
}

#[test]
fn both_sides_of_an_x25519_exchange_agree_for_random_seeds() {
    for seed in 0..20 {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let a = ecdh::x25519_random_private(&mut rng);
        let b = ecdh::x25519_random_private(&mut rng);
        let result = ecdh::x25519_exchange(a, b).unwrap();
        assert_eq!(result.steps.value("equal"), Some("yes"));
        assert_eq!(
            result.steps.value("s (Alice)"),
            result.steps.value("s (Bob)")
        );
        assert_eq!(result.secret.len(), 32);
    }
}

#[test]
fn a_p256_exchange_in_ring_shows_both_uncompressed_public_keys() {
    let result = ecdh::p256_exchange().unwrap();
    assert_eq!(result.alice_public.len(), 65);
    assert_eq!(result.alice_public[0], 0x04);
    assert_eq!(result.bob_public.len(), 65);
    assert_eq!(result.secret.len(), 32);
    assert_eq!(result.steps.value("equal"), Some("yes"));
    assert_eq!(
        result.steps.value("s (Alice)"),
        result.steps.value("s (Bob)")
    );
}

#[test]
fn the_all_zero_refusal_reads_as_an_ecdh_error() {
    let error = EcdhError::from(AllZeroSharedSecret);
    assert!(error.to_string().contains("point of small order"));
}
