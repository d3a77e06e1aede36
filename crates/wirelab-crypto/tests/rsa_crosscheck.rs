//! Our RSA against the RustCrypto `rsa` crate (0.10), both ways: keys exchanged through PKCS#8
//! and PKCS#1 files, ciphertexts decrypted by the other side, signatures (PKCS#1 v1.5 and PSS)
//! verified by the other side, and PKCS#1 v1.5 signatures byte-identical (they are
//! deterministic).

use getrandom::SysRng;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::sha2::{Sha256, Sha384};
use wirelab_crypto::rsa::keyfile::{self, read_key};
use wirelab_crypto::rsa::{self as ours, pkcs1v15, pss, Decryption, Hash, KeyFile, KeyFormat};

fn our_key(seed: u64) -> ours::PrivateKey {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    ours::generate(2048, &ours::DEFAULT_EXPONENT.into(), &mut rng).unwrap()
}

fn as_theirs(key: &ours::PrivateKey) -> rsa::PrivateKey {
    let der = keyfile::private_key_der(key, KeyFormat::Pkcs8).unwrap();
    rsa::PrivateKey::from_pkcs8_der(&der).unwrap()
}

#[test]
fn a_key_made_here_loads_in_the_rsa_crate_from_pkcs8_and_pkcs1() {
    let key = our_key(1);
    let theirs = as_theirs(&key);
    theirs.validate().unwrap();
    let pkcs1 = keyfile::private_key_der(&key, KeyFormat::Pkcs1).unwrap();
    let from_pkcs1 = rsa::PrivateKey::from_pkcs1_der(&pkcs1).unwrap();
    assert_eq!(
        from_pkcs1.to_pkcs8_der().unwrap().as_bytes(),
        theirs.to_pkcs8_der().unwrap().as_bytes()
    );
    let spki = keyfile::public_key_der(&key.public_key(), KeyFormat::Pkcs8).unwrap();
    let public = rsa::PublicKey::from_public_key_der(&spki).unwrap();
    assert_eq!(&public, theirs.as_public_key());
}

#[test]
fn a_key_made_by_the_rsa_crate_loads_here_and_writes_back_as_the_same_key() {
    let theirs = rsa::PrivateKey::new(&mut SysRng, 2048).unwrap();
    let der = theirs.to_pkcs8_der().unwrap();
    let KeyFile::Private(key) = read_key(der.as_bytes()).unwrap() else {
        panic!("a private key")
    };
    assert_eq!(key.n.bits(), 2048);
    assert!(key.p > key.q);
    // Written back (primes in our order, p > q), the rsa crate reads the same key.
    let ours = keyfile::private_key_der(&key, KeyFormat::Pkcs8).unwrap();
    let again = rsa::PrivateKey::from_pkcs8_der(&ours).unwrap();
    again.validate().unwrap();
    assert_eq!(again.as_public_key(), theirs.as_public_key());
    let message = b"same d, same signature";
    assert_eq!(
        again.pkcs1v15_sign::<Sha256>(message).unwrap(),
        theirs.pkcs1v15_sign::<Sha256>(message).unwrap()
    );
    let pem = theirs.to_pkcs1_pem(Default::default()).unwrap();
    assert_eq!(read_key(pem.as_bytes()), Ok(KeyFile::Private(key.clone())));
    let public_der = theirs.to_public_key().to_public_key_der().unwrap();
    assert_eq!(
        read_key(public_der.as_bytes()),
        Ok(KeyFile::Public(key.public_key()))
    );
}

#[test]
fn ciphertexts_cross_over_both_ways() {
    let key = our_key(2);
    let theirs = as_theirs(&key);
    let mut rng = ChaCha20Rng::seed_from_u64(20);
    for message in [
        &b""[..],
        b"x",
        b"the premaster secret, 48 bytes in TLS 1.2.......",
        &[0u8; 245],
    ] {
        let ours_ct = pkcs1v15::encrypt(&key.public_key(), message, &mut rng, None).unwrap();
        assert_eq!(theirs.pkcs1v15_decrypt(&ours_ct).unwrap(), message);
        let their_ct = theirs.to_public_key().pkcs1v15_encrypt(message).unwrap();
        for method in [Decryption::Crt, Decryption::Plain] {
            assert_eq!(
                pkcs1v15::decrypt(&key, &their_ct, method, None).unwrap(),
                message
            );
        }
    }
}

#[test]
fn pkcs1_v15_signatures_are_identical_and_verify_both_ways() {
    let key = our_key(3);
    let theirs = as_theirs(&key);
    let message = b"GET / HTTP/1.1";
    let ours_256 = pkcs1v15::sign(&key, message, Hash::Sha256, None).unwrap();
    let theirs_256 = theirs.pkcs1v15_sign::<Sha256>(message).unwrap();
    assert_eq!(ours_256, theirs_256);
    theirs
        .to_public_key()
        .pkcs1v15_verify::<Sha256>(message, &ours_256)
        .unwrap();
    let ours_384 = pkcs1v15::sign(&key, message, Hash::Sha384, None).unwrap();
    let theirs_384 = theirs.pkcs1v15_sign::<Sha384>(message).unwrap();
    assert_eq!(ours_384, theirs_384);
    assert_eq!(
        pkcs1v15::verify(&key.public_key(), message, &theirs_384, Hash::Sha384, None),
        Ok(())
    );
}

#[test]
fn pss_signatures_verify_both_ways() {
    let key = our_key(4);
    let theirs = as_theirs(&key);
    let mut rng = ChaCha20Rng::seed_from_u64(40);
    let message = b"ServerKeyExchange params";
    let ours_sig = pss::sign(&key, message, Hash::Sha256, &mut rng, None).unwrap();
    theirs
        .to_public_key()
        .pss_verify::<Sha256>(message, &ours_sig)
        .unwrap();
    let their_sig = theirs.pss_sign::<Sha256>(message).unwrap();
    assert_eq!(
        pss::verify(&key.public_key(), message, &their_sig, Hash::Sha256, None),
        Ok(())
    );
    assert!(pss::verify(&key.public_key(), b"other", &their_sig, Hash::Sha256, None).is_err());
}
