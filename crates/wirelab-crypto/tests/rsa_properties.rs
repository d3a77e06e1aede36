//! Properties over many seeded random keys and messages: decryption undoes encryption (with and
//! without CRT), signatures verify and stop verifying when one bit changes, and key files read
//! back the key they hold.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use wirelab_crypto::rsa::primitive::{private_op, public_op};
use wirelab_crypto::rsa::{
    self, keyfile, pkcs1v15, pss, BigUint, Decryption, Hash, KeyFile, KeyFormat,
};

fn random_keys(count: usize, seed: u64) -> Vec<(rsa::PrivateKey, ChaCha20Rng)> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let bits = rng.gen_range(512..=1100);
            let key = rsa::generate(bits, &rsa::DEFAULT_EXPONENT.into(), &mut rng).unwrap();
            let fork = ChaCha20Rng::seed_from_u64(rng.next_u64());
            (key, fork)
        })
        .collect()
}

#[test]
fn decrypt_of_encrypt_is_the_message_for_random_keys_and_lengths() {
    for (key, mut rng) in random_keys(8, 100) {
        let max = key.size() - 11;
        for _ in 0..5 {
            let mut message = vec![0u8; rng.gen_range(0..=max)];
            rng.fill_bytes(&mut message);
            let ciphertext =
                pkcs1v15::encrypt(&key.public_key(), &message, &mut rng, None).unwrap();
            for method in [Decryption::Crt, Decryption::Plain] {
                assert_eq!(
                    pkcs1v15::decrypt(&key, &ciphertext, method, None),
                    Ok(message.clone())
                );
            }
        }
    }
}

#[test]
fn crt_and_the_textbook_formula_agree_on_random_ciphertexts() {
    for (key, mut rng) in random_keys(6, 200) {
        for _ in 0..5 {
            let mut bytes = vec![0u8; key.size()];
            rng.fill_bytes(&mut bytes);
            let c = BigUint::from_bytes_be(&bytes) % &key.n;
            let crt = private_op(&key, &c, Decryption::Crt).unwrap();
            assert_eq!(Ok(crt.clone()), private_op(&key, &c, Decryption::Plain));
            assert_eq!(public_op(&key.public_key(), &crt), Ok(c));
        }
    }
}

#[test]
fn signatures_verify_and_a_flipped_bit_breaks_them() {
    for (key, mut rng) in random_keys(6, 300) {
        let mut message = vec![0u8; rng.gen_range(0..200)];
        rng.fill_bytes(&mut message);
        let public = key.public_key();
        let hash = if key.n.bits() >= 8 * (19 + 48 + 11) {
            Hash::Sha384
        } else {
            Hash::Sha256
        };
        let signature = pkcs1v15::sign(&key, &message, hash, None).unwrap();
        assert_eq!(
            pkcs1v15::verify(&public, &message, &signature, hash, None),
            Ok(())
        );
        let pss_signature = pss::sign(&key, &message, Hash::Sha256, &mut rng, None).unwrap();
        assert_eq!(
            pss::verify(&public, &message, &pss_signature, Hash::Sha256, None),
            Ok(())
        );
        let bit = rng.gen_range(0..message.len().max(1) * 8);
        let mut changed = message.clone();
        if changed.is_empty() {
            changed.push(0);
        } else {
            changed[bit / 8] ^= 1 << (bit % 8);
        }
        assert!(pkcs1v15::verify(&public, &changed, &signature, hash, None).is_err());
        assert!(pss::verify(&public, &changed, &pss_signature, Hash::Sha256, None).is_err());
    }
}

#[test]
fn key_files_read_back_the_key_they_hold() {
    for (key, _) in random_keys(4, 400) {
        for format in [KeyFormat::Pkcs1, KeyFormat::Pkcs8] {
            let pem = keyfile::private_key_pem(&key, format).unwrap();
            assert_eq!(
                keyfile::read_key(pem.as_bytes()),
                Ok(KeyFile::Private(key.clone()))
            );
            let der = keyfile::public_key_der(&key.public_key(), format).unwrap();
            assert_eq!(
                keyfile::read_key(&der),
                Ok(KeyFile::Public(key.public_key()))
            );
        }
    }
}

#[test]
fn damaged_key_files_and_signatures_are_errors_not_panics() {
    let (key, mut rng) = random_keys(1, 500).remove(0);
    let der = keyfile::private_key_der(&key, KeyFormat::Pkcs8).unwrap();
    let pem = keyfile::private_key_pem(&key, KeyFormat::Pkcs1)
        .unwrap()
        .into_bytes();
    for original in [der, pem] {
        for _ in 0..300 {
            let mut damaged = original.clone();
            let at = rng.gen_range(0..damaged.len());
            damaged[at] = rng.gen();
            if rng.gen_bool(0.3) {
                damaged.truncate(rng.gen_range(0..damaged.len()));
            }
            // Any answer but a panic; a damaged key that still loads must still be consistent.
            if let Ok(KeyFile::Private(loaded)) = keyfile::read_key(&damaged) {
                assert_eq!(&loaded.p * &loaded.q, loaded.n);
            }
        }
    }
    let public = key.public_key();
    for _ in 0..200 {
        let mut signature = vec![0u8; rng.gen_range(0..key.size() + 3)];
        rng.fill_bytes(&mut signature);
        assert!(pkcs1v15::verify(&public, b"m", &signature, Hash::Sha256, None).is_err());
        assert!(pss::verify(&public, b"m", &signature, Hash::Sha256, None).is_err());
        assert!(pkcs1v15::decrypt(&key, &signature, Decryption::Crt, None).is_err());
    }
}
