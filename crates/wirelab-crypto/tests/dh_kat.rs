//! OpenSSL's ffdhe2048 known answer (tests/data/openssl-ffdhe2048-kat/, Apache-2.0): the two
//! key files load, their public values are g^x mod p, and the shared secret is the one OpenSSL
//! computes, with its two leading zero bytes kept (RFC 7919, TLS 1.3) or stripped (TLS 1.2).

use num_bigint::BigUint;
use wirelab_crypto::dh::{self, DhKeyFile, Group, KeyPair, PublicKey};

fn data(name: &str) -> String {
    let path = format!(
        "{}/tests/data/openssl-ffdhe2048-kat/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// `name = HEX` from ffdhe2048-kat.txt (the value is the last word of the line).
fn kat(name: &str) -> String {
    let text = data("ffdhe2048-kat.txt");
    let prefix = format!("{name} ");
    text.lines()
        .find(|line| line.starts_with(&prefix))
        .and_then(|line| line.split_whitespace().last())
        .unwrap_or_else(|| panic!("no {name} in the KAT"))
        .to_lowercase()
}

fn number(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap()
}

fn private_key(name: &str) -> KeyPair {
    match dh::read_pem(&data(name)).unwrap() {
        DhKeyFile::Private(pair) => pair,
        other => panic!("{name}: expected a private key, got {other:?}"),
    }
}

fn public_key(name: &str) -> PublicKey {
    match dh::read_pem(&data(name)).unwrap() {
        DhKeyFile::Public(public) => public,
        other => panic!("{name}: expected a public key, got {other:?}"),
    }
}

#[test]
fn the_openssl_key_files_hold_the_known_private_and_public_values() {
    let key1 = private_key("ffdhe2048-1.pem");
    let key2 = private_key("ffdhe2048-2.pem");
    assert_eq!(
        key1.public.group,
        Group::ffdhe2048(),
        "recognised from p and g"
    );
    assert_eq!(key1.x, number(&kat("x1")));
    assert_eq!(key2.x, number(&kat("x2")));
    assert_eq!(key1.public.y, number(&kat("y1")), "y1 = g^x1 mod p");
    assert_eq!(key2.public.y, number(&kat("y2")), "y2 = g^x2 mod p");
    assert_eq!(public_key("ffdhe2048-1-pub.pem"), key1.public);
    assert_eq!(public_key("ffdhe2048-2-pub.pem"), key2.public);
}

#[test]
fn the_shared_secret_is_openssls_with_two_leading_zero_bytes() {
    let key1 = private_key("ffdhe2048-1.pem");
    let key2 = private_key("ffdhe2048-2.pem");
    let from_1 = key1.agree(&public_key("ffdhe2048-2-pub.pem")).unwrap();
    let from_2 = key2.agree(&public_key("ffdhe2048-1-pub.pem")).unwrap();
    assert_eq!(from_1, from_2);

    let expected = kat("Z_padded_256");
    assert_eq!(wirelab_crypto::hex(&from_1.padded()), expected);
    assert_eq!(from_1.padded().len(), 256);
    assert_eq!(from_1.leading_zero_bytes(), 2);
    // TLS 1.2 (RFC 5246 §8.1.2) strips them: a 254-byte pre-master secret.
    assert_eq!(from_1.stripped().len(), 254);
    assert_eq!(wirelab_crypto::hex(&from_1.stripped()), expected[4..]);
}

#[test]
fn the_exchange_steps_reproduce_the_known_answer() {
    let key1 = private_key("ffdhe2048-1.pem");
    let key2 = private_key("ffdhe2048-2.pem");
    let result = dh::exchange(&Group::ffdhe2048(), key1.x, key2.x).unwrap();
    assert_eq!(
        result.steps.value("A"),
        Some(format!("0x{}", kat("y1")).as_str())
    );
    assert_eq!(
        result.steps.value("B"),
        Some(format!("0x{}", kat("y2")).as_str())
    );
    assert_eq!(
        result.steps.value("Z (padded)"),
        Some(kat("Z_padded_256").as_str())
    );
    assert_eq!(
        result.steps.value("Z (TLS 1.2)"),
        Some(&kat("Z_padded_256")[4..])
    );
}
