//! DH key files: what OpenSSL 3 writes (tests/data/openssl-genpkey/) loads here and, written
//! back, is the same text byte for byte; other key types and broken files give clear errors.

use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wirelab_crypto::dh::{self, DhError, DhKeyFile, Group, KeyPair, PublicKey};

fn data(name: &str) -> String {
    let path = format!(
        "{}/tests/data/openssl-genpkey/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn error_of(text: &str) -> String {
    match dh::read_pem(text) {
        Err(DhError::KeyFile(message)) => message,
        other => panic!("expected a key-file error, got {other:?}"),
    }
}

#[test]
fn an_openssl_ffdhe2048_key_is_read_and_written_back_identically() {
    let private_text = data("ffdhe2048.pem");
    let public_text = data("ffdhe2048-pub.pem");
    let DhKeyFile::Private(pair) = dh::read_pem(&private_text).unwrap() else {
        panic!("a private key")
    };
    assert_eq!(pair.public.group.name, "ffdhe2048");
    assert!(pair.x.bits() <= 225, "OpenSSL's short exponent");
    assert_eq!(pair.to_pkcs8_pem().unwrap(), private_text);
    assert_eq!(pair.public.to_spki_pem().unwrap(), public_text);
    assert_eq!(dh::read_pem(&public_text).unwrap().public(), &pair.public);
}

#[test]
fn an_openssl_group_14_key_is_recognised_as_modp14_and_written_back_identically() {
    let private_text = data("modp_2048.pem");
    let DhKeyFile::Private(pair) = dh::read_pem(&private_text).unwrap() else {
        panic!("a private key")
    };
    assert_eq!(pair.public.group, Group::modp14());
    assert_eq!(pair.to_pkcs8_pem().unwrap(), private_text);
    assert_eq!(
        pair.public.to_spki_pem().unwrap(),
        data("modp_2048-pub.pem")
    );
}

#[test]
fn our_key_files_read_back_as_the_same_keys_in_every_named_group() {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    for name in dh::GROUP_NAMES {
        let group = Group::named(name).unwrap();
        let pair = KeyPair::generate(&group, &mut rng);
        let private_pem = pair.to_pkcs8_pem().unwrap();
        let public_pem = pair.public.to_spki_pem().unwrap();
        assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(
            dh::read_pem(&private_pem).unwrap(),
            DhKeyFile::Private(pair.clone())
        );
        assert_eq!(
            dh::read_pem(&public_pem).unwrap(),
            DhKeyFile::Public(pair.public)
        );
    }
}

#[test]
fn a_key_in_an_unknown_safe_prime_group_keeps_its_subgroup_check() {
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let (group, _) = Group::generate_safe_prime(64, &mut rng);
    let pair = KeyPair::generate(&group, &mut rng);
    let DhKeyFile::Private(read) = dh::read_pem(&pair.to_pkcs8_pem().unwrap()).unwrap() else {
        panic!("a private key")
    };
    assert_eq!(read.public.group.name, "custom (64 bits)");
    assert_eq!(read.public.group.q, group.q);
    assert_eq!(read.x, pair.x);
}

#[test]
fn an_rsa_key_is_refused_by_name() {
    let message = error_of(&data("rsa.pem"));
    assert_eq!(
        message,
        "PKCS #8 PrivateKeyInfo: this is an RSA key (rsaEncryption), not a DH key \
         (expected dhKeyAgreement, 1.2.840.113549.1.3.1)"
    );
}

#[test]
fn ec_x25519_and_x9_42_keys_are_refused_by_name() {
    assert!(error_of(&data("ec-p256.pem")).contains("an elliptic-curve key (id-ecPublicKey)"));
    assert!(error_of(&data("x25519.pem")).contains("an X25519 key"));
    assert!(error_of(&data("dhx.pem")).contains("an X9.42 DH key (dhpublicnumber"));
}

#[test]
fn a_parameters_file_is_refused_with_a_hint() {
    let message = error_of(&data("ffdhe2048-params.pem"));
    assert!(message.starts_with(
        "PEM: this file holds only DH parameters (-----BEGIN DH PARAMETERS-----), no key"
    ));
}

#[test]
fn text_that_is_not_pem_is_refused() {
    let message = error_of("hello\n");
    assert!(message.starts_with("PEM: "), "{message}");
    assert!(
        message.contains("expected a -----BEGIN PRIVATE KEY-----"),
        "{message}"
    );
}

#[test]
fn a_truncated_key_names_the_structure_that_broke() {
    let pair = KeyPair::generate(&Group::ffdhe2048(), &mut ChaCha20Rng::seed_from_u64(13));
    let der = pair.to_pkcs8_der().unwrap();
    let truncated = der::pem::encode_string(
        "PRIVATE KEY",
        der::pem::LineEnding::LF,
        &der[..der.len() - 10],
    )
    .unwrap();
    let message = error_of(&truncated);
    assert!(message.starts_with("PKCS #8 PrivateKeyInfo: "), "{message}");
}

#[test]
fn a_public_value_outside_the_group_is_read_but_refused_when_deriving() {
    let group = Group::ffdhe2048();
    let mine = KeyPair::generate(&group, &mut ChaCha20Rng::seed_from_u64(14));
    for y in [BigUint::from(1u32), &group.p - 1u32, &group.p - 2u32] {
        let bad = PublicKey {
            group: group.clone(),
            y,
        };
        let read = dh::read_pem(&bad.to_spki_pem().unwrap()).unwrap();
        assert!(mine.agree(read.public()).is_err());
    }
}

/// A key pair in a group with this p and g, written without any check, as an attacker would.
fn key_in_group(p: BigUint, g: BigUint) -> String {
    let group = Group {
        name: "forged".into(),
        source: "a test".into(),
        p,
        g,
        q: None,
        exponent_bits: None,
    };
    let pair = KeyPair {
        x: BigUint::from(2u32),
        public: PublicKey {
            y: BigUint::from(4u32),
            group,
        },
    };
    pair.to_pkcs8_pem().unwrap()
}

#[test]
fn a_group_over_8192_bits_is_refused_before_any_arithmetic() {
    // 2^200000 − 1 passes no primality test, but reading it must not even try one.
    let huge = (BigUint::from(1u32) << 200_000u32) - 1u32;
    let started = std::time::Instant::now();
    let message = error_of(&key_in_group(huge, BigUint::from(2u32)));
    assert!(
        message.contains("p has 200000 bits; more than 8192"),
        "{message}"
    );
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[test]
fn an_even_p_or_a_generator_of_order_2_is_refused() {
    let even = error_of(&key_in_group(
        BigUint::from(1u32 << 20),
        BigUint::from(3u32),
    ));
    assert!(even.contains("need an odd p"), "{even}");
    // g = p − 1 has order 2: every public value would be 1 or p − 1.
    let order_2 = error_of(&key_in_group(
        BigUint::from(1019u32),
        BigUint::from(1018u32),
    ));
    assert!(order_2.contains("1 < g < p−1"), "{order_2}");
}

#[test]
fn an_unknown_4096_bit_safe_prime_group_is_tested_in_seconds_not_minutes() {
    // ffdhe4096's numbers given to `custom` (as if unknown): 16 Miller-Rabin rounds on q and p,
    // not 128, so that a key in an unnamed group loads without a long wait.
    let ffdhe4096 = Group::ffdhe4096();
    let started = std::time::Instant::now();
    let custom = Group::custom(ffdhe4096.p.clone(), BigUint::from(2u32));
    assert_eq!(custom.q, ffdhe4096.q);
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}
