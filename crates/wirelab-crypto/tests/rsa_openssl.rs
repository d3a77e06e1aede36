//! Interoperability with OpenSSL (the `openssl` command): keys made here pass
//! `openssl pkey -check`, keys OpenSSL makes load here, and ciphertexts and signatures
//! (PKCS#1 v1.5 and PSS with salt length = digest length) cross over both ways.
//!
//! Without an `openssl` command these tests print why and skip; under CI=true they fail instead.

mod common;

use common::{have_openssl, openssl, path, scratch};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::Path;
use wirelab_crypto::rsa::keyfile::{self, read_key};
use wirelab_crypto::rsa::{self, pkcs1v15, pss, Decryption, Hash, KeyFile, KeyFormat};

fn our_key() -> rsa::PrivateKey {
    let mut rng = ChaCha20Rng::seed_from_u64(8017);
    rsa::generate(2048, &rsa::DEFAULT_EXPONENT.into(), &mut rng).unwrap()
}

/// Write our key as key.pem (PKCS#8) and pub.pem (SubjectPublicKeyInfo).
fn write_our_key(dir: &Path, key: &rsa::PrivateKey) {
    let private = keyfile::private_key_pem(key, KeyFormat::Pkcs8).unwrap();
    std::fs::write(dir.join("key.pem"), private).unwrap();
    let public = keyfile::public_key_pem(&key.public_key(), KeyFormat::Pkcs8).unwrap();
    std::fs::write(dir.join("pub.pem"), public).unwrap();
}

fn load_private(file: &str) -> rsa::PrivateKey {
    match read_key(&std::fs::read(file).unwrap()).unwrap() {
        KeyFile::Private(key) => key,
        KeyFile::Public(_) => panic!("{file}: a public key"),
    }
}

#[test]
fn keys_made_here_pass_openssls_checks_in_every_format() {
    if !have_openssl("keys_made_here_pass_openssls_checks_in_every_format") {
        return;
    }
    let dir = scratch("rsa-openssl-check");
    let key = our_key();
    for (name, format) in [("pkcs8", KeyFormat::Pkcs8), ("pkcs1", KeyFormat::Pkcs1)] {
        let pem = path(&dir, &format!("{name}.pem"));
        std::fs::write(&pem, keyfile::private_key_pem(&key, format).unwrap()).unwrap();
        openssl(&["pkey", "-in", &pem, "-check", "-noout"]);
        openssl(&["rsa", "-in", &pem, "-check", "-noout"]);
        let der = path(&dir, &format!("{name}.der"));
        std::fs::write(&der, keyfile::private_key_der(&key, format).unwrap()).unwrap();
        openssl(&["rsa", "-inform", "DER", "-in", &der, "-check", "-noout"]);
    }
    let spki = path(&dir, "spki.pem");
    std::fs::write(
        &spki,
        keyfile::public_key_pem(&key.public_key(), KeyFormat::Pkcs8).unwrap(),
    )
    .unwrap();
    let text =
        String::from_utf8(openssl(&["rsa", "-pubin", "-in", &spki, "-noout", "-text"])).unwrap();
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    let pkcs1 = path(&dir, "rsapub.pem");
    std::fs::write(
        &pkcs1,
        keyfile::public_key_pem(&key.public_key(), KeyFormat::Pkcs1).unwrap(),
    )
    .unwrap();
    openssl(&["rsa", "-RSAPublicKey_in", "-in", &pkcs1, "-noout"]);
    // OpenSSL's own encoding of our key is byte for byte ours.
    let reencoded = openssl(&["pkey", "-in", &path(&dir, "pkcs8.pem")]);
    assert_eq!(
        reencoded,
        keyfile::private_key_pem(&key, KeyFormat::Pkcs8)
            .unwrap()
            .into_bytes()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keys_made_by_openssl_load_here() {
    if !have_openssl("keys_made_by_openssl_load_here") {
        return;
    }
    let dir = scratch("rsa-openssl-load");
    let genrsa = path(&dir, "genrsa.pem");
    openssl(&["genrsa", "-out", &genrsa, "2048"]);
    let traditional = path(&dir, "traditional.pem");
    openssl(&["genrsa", "-traditional", "-out", &traditional, "1024"]);
    let genpkey = path(&dir, "genpkey.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        &genpkey,
    ]);
    for (file, bits) in [(&genrsa, 2048), (&traditional, 1024), (&genpkey, 2048)] {
        let key = load_private(file);
        assert_eq!(key.n.bits(), bits, "{file}");
        assert!(key.p > key.q);
        let der = openssl(&["pkey", "-in", file, "-outform", "DER"]);
        assert_eq!(
            read_key(&der),
            Ok(KeyFile::Private(key.clone())),
            "{file} as DER"
        );
        let public = openssl(&["pkey", "-in", file, "-pubout"]);
        assert_eq!(
            read_key(&public),
            Ok(KeyFile::Public(key.public_key())),
            "{file} public"
        );
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let ciphertext = pkcs1v15::encrypt(&key.public_key(), b"works", &mut rng, None).unwrap();
        assert_eq!(
            pkcs1v15::decrypt(&key, &ciphertext, Decryption::Crt, None).unwrap(),
            b"works"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ciphertexts_cross_over_between_here_and_openssl_pkeyutl() {
    if !have_openssl("ciphertexts_cross_over_between_here_and_openssl_pkeyutl") {
        return;
    }
    let dir = scratch("rsa-openssl-encrypt");
    let key = our_key();
    write_our_key(&dir, &key);
    let message = b"48 bytes of premaster secret, or any short text";
    std::fs::write(dir.join("message"), message).unwrap();
    // Ours → OpenSSL.
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let ciphertext = pkcs1v15::encrypt(&key.public_key(), message, &mut rng, None).unwrap();
    std::fs::write(dir.join("ours.bin"), &ciphertext).unwrap();
    let decrypted = openssl(&[
        "pkeyutl",
        "-decrypt",
        "-inkey",
        &path(&dir, "key.pem"),
        "-in",
        &path(&dir, "ours.bin"),
    ]);
    assert_eq!(decrypted, message);
    // OpenSSL → ours (PKCS#1 v1.5 is pkeyutl's default padding).
    let theirs = openssl(&[
        "pkeyutl",
        "-encrypt",
        "-pubin",
        "-inkey",
        &path(&dir, "pub.pem"),
        "-in",
        &path(&dir, "message"),
    ]);
    for method in [Decryption::Crt, Decryption::Plain] {
        assert_eq!(
            pkcs1v15::decrypt(&key, &theirs, method, None).unwrap(),
            message
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pkcs1_v15_and_pss_signatures_cross_over_between_here_and_openssl() {
    if !have_openssl("pkcs1_v15_and_pss_signatures_cross_over_between_here_and_openssl") {
        return;
    }
    let dir = scratch("rsa-openssl-sign");
    let key = our_key();
    write_our_key(&dir, &key);
    let message = b"ServerKeyExchange: the parameters a TLS server signs";
    std::fs::write(dir.join("message"), message).unwrap();
    let (key_pem, pub_pem, msg) = (
        path(&dir, "key.pem"),
        path(&dir, "pub.pem"),
        path(&dir, "message"),
    );
    const PSS: [&str; 4] = [
        "-sigopt",
        "rsa_padding_mode:pss",
        "-sigopt",
        "rsa_pss_saltlen:digest",
    ];
    for (hash, name) in [(Hash::Sha256, "-sha256"), (Hash::Sha384, "-sha384")] {
        // PKCS#1 v1.5: deterministic, so the two signatures are the same bytes.
        let ours = pkcs1v15::sign(&key, message, hash, None).unwrap();
        std::fs::write(dir.join("ours.sig"), &ours).unwrap();
        openssl(&[
            "dgst",
            name,
            "-verify",
            &pub_pem,
            "-signature",
            &path(&dir, "ours.sig"),
            &msg,
        ]);
        let theirs = openssl(&["dgst", name, "-sign", &key_pem, &msg]);
        assert_eq!(ours, theirs);
        assert_eq!(
            pkcs1v15::verify(&key.public_key(), message, &theirs, hash, None),
            Ok(())
        );
        // PSS, salt length = hash length.
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let ours = pss::sign(&key, message, hash, &mut rng, None).unwrap();
        std::fs::write(dir.join("ours-pss.sig"), &ours).unwrap();
        let mut verify = vec!["dgst", name, "-verify", &pub_pem];
        verify.extend_from_slice(&PSS);
        let ours_pss = path(&dir, "ours-pss.sig");
        verify.extend_from_slice(&["-signature", &ours_pss, &msg]);
        openssl(&verify);
        let mut sign = vec!["dgst", name, "-sign", &key_pem];
        sign.extend_from_slice(&PSS);
        sign.push(&msg);
        let theirs = openssl(&sign);
        assert_eq!(
            pss::verify(&key.public_key(), message, &theirs, hash, None),
            Ok(())
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pkeyutl_verifies_and_makes_pss_signatures_over_a_sha256_hash() {
    if !have_openssl("pkeyutl_verifies_and_makes_pss_signatures_over_a_sha256_hash") {
        return;
    }
    let dir = scratch("rsa-openssl-pkeyutl");
    let key = our_key();
    write_our_key(&dir, &key);
    let message = b"CertificateVerify: the transcript hash a TLS client signs";
    // pkeyutl signs a hash it is given, not the message.
    std::fs::write(dir.join("hash"), Hash::Sha256.digest(message)).unwrap();
    let (key_pem, pub_pem, hash) = (
        path(&dir, "key.pem"),
        path(&dir, "pub.pem"),
        path(&dir, "hash"),
    );
    const OPTIONS: [&str; 6] = [
        "-pkeyopt",
        "digest:sha256",
        "-pkeyopt",
        "rsa_padding_mode:pss",
        "-pkeyopt",
        "rsa_pss_saltlen:digest",
    ];
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let ours = pss::sign(&key, message, Hash::Sha256, &mut rng, None).unwrap();
    std::fs::write(dir.join("ours.sig"), &ours).unwrap();
    let ours_sig = path(&dir, "ours.sig");
    let mut verify = vec![
        "pkeyutl", "-verify", "-pubin", "-inkey", &pub_pem, "-in", &hash, "-sigfile", &ours_sig,
    ];
    verify.extend_from_slice(&OPTIONS);
    let said = String::from_utf8(openssl(&verify)).unwrap();
    assert!(said.contains("Signature Verified Successfully"), "{said}");
    let mut sign = vec!["pkeyutl", "-sign", "-inkey", &key_pem, "-in", &hash];
    sign.extend_from_slice(&OPTIONS);
    let theirs = openssl(&sign);
    assert_eq!(
        pss::verify(&key.public_key(), message, &theirs, Hash::Sha256, None),
        Ok(())
    );
    // And PKCS#1 v1.5 through pkeyutl: the same bytes as ours.
    let theirs = openssl(&[
        "pkeyutl",
        "-sign",
        "-inkey",
        &key_pem,
        "-in",
        &hash,
        "-pkeyopt",
        "digest:sha256",
    ]);
    assert_eq!(
        theirs,
        pkcs1v15::sign(&key, message, Hash::Sha256, None).unwrap()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
