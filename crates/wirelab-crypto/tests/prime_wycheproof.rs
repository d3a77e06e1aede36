//! Every case of Wycheproof's primality_test.json (tests/data/wycheproof/, Apache-2.0): primes,
//! Carmichael numbers, strong pseudoprimes built to pass Miller-Rabin with fixed or few bases,
//! negatives of primes. Values are two's-complement big-endian hex.

use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use serde_json::Value;
use wirelab_crypto::prime::is_probable_prime;

fn vectors() -> Value {
    let path = format!(
        "{}/tests/data/wycheproof/primality_test.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_wycheproof_primality_case_is_classified_as_expected() {
    let vectors = vectors();
    let mut rng = ChaCha20Rng::seed_from_u64(317);
    let mut checked = 0;
    for group in vectors["testGroups"].as_array().unwrap() {
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let hex = case["value"].as_str().unwrap();
            // Two's complement: a leading hex digit of 8 or more is a negative number, and no
            // negative number is prime.
            let negative = hex.chars().next().is_some_and(|digit| digit >= '8');
            let prime = !negative
                && is_probable_prime(&BigUint::parse_bytes(hex.as_bytes(), 16).unwrap(), &mut rng);
            match case["result"].as_str().unwrap() {
                "valid" => assert!(prime, "tcId {id}: {hex} is prime ({})", case["comment"]),
                "invalid" => assert!(
                    !prime,
                    "tcId {id}: {hex} is composite ({})",
                    case["comment"]
                ),
                _ => {} // "acceptable": either answer (e.g. 1, or negative primes)
            }
            checked += 1;
        }
    }
    assert_eq!(checked, vectors["numberOfTests"].as_u64().unwrap());
}
