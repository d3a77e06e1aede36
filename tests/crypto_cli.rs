//! `wirelab keygen rsa` and `wirelab rsa` as a student runs them: the toy key worked by hand,
//! a key file that encrypts, decrypts, signs and verifies round the CLI, and clear errors,
//! never a panic, for bad input (a missing file, a file that is not a key, a message too long,
//! a public key where a private one is needed, a damaged signature).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wirelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Run and expect success; the standard output.
fn ok(args: &[&str]) -> Vec<u8> {
    let output = wirelab(args);
    assert!(
        output.status.success(),
        "wirelab {}: {}",
        args.join(" "),
        text(&output.stderr)
    );
    output.stdout
}

/// Run and expect failure with `code`; the standard error, which must not be a panic.
fn fails(args: &[&str], code: i32) -> String {
    let output = wirelab(args);
    let error = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "wirelab {}: {error}",
        args.join(" ")
    );
    assert!(
        !error.contains("panicked"),
        "wirelab {}: {error}",
        args.join(" ")
    );
    error
}

fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("wirelab-crypto-cli-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn at(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

#[test]
fn keygen_toy_walks_through_the_textbook_key_and_its_example() {
    let out = text(&ok(&["keygen", "rsa", "--toy"]));
    for line in [
        "n = p·q\n    = 3233\n",
        "φ(n) = (p − 1)·(q − 1)\n    = 3120\n",
        "λ(n) = lcm(p − 1, q − 1)\n    = 780\n",
        "d = e⁻¹ mod λ(n)\n    = 413\n",
        "d (textbook) = e⁻¹ mod φ(n)\n    = 2753\n",
        "qInv = q⁻¹ mod p\n    = 38\n",
        "c = mᵉ mod n\n    = 2790\n",
        "cᵈ mod n = 2790^413 mod 3233\n    = 65\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    assert!(out.contains("-----BEGIN PRIVATE KEY-----"));
}

#[test]
fn keygen_explain_at_2048_bits_shows_every_value_in_hex_and_the_same_seed_the_same_key() {
    let args = ["keygen", "rsa", "--seed", "7", "--explain"];
    let out = text(&ok(&args));
    for name in [
        "p\n",
        "q\n",
        "n = p·q",
        "φ(n) =",
        "λ(n) =",
        "e\n    = 65537",
        "d = e⁻¹ mod λ(n)",
        "dP =",
        "dQ =",
        "qInv =",
    ] {
        assert!(out.contains(name), "missing {name:?} in:\n{out}");
    }
    assert!(out.contains("(2048 bits)"), "{out}");
    assert_eq!(out, text(&ok(&args)));
    let full = text(&ok(&[
        "keygen",
        "rsa",
        "--seed",
        "7",
        "--explain",
        "--full",
    ]));
    assert!(!full.contains('…'));
}

#[test]
fn a_key_made_by_keygen_encrypts_decrypts_signs_and_verifies() {
    let dir = scratch("roundtrip");
    let (key, public) = (at(&dir, "key.pem"), at(&dir, "pub.pem"));
    let said = text(&ok(&[
        "keygen",
        "rsa",
        "--bits",
        "1024",
        "--seed",
        "1",
        "--out",
        &key,
        "--pub-out",
        &public,
    ]));
    assert!(said.contains("wrote a 1024-bit RSA private key"), "{said}");
    let message = at(&dir, "message.txt");
    std::fs::write(&message, "meet me at the router").unwrap();
    let (ct, back) = (at(&dir, "ct.bin"), at(&dir, "back.txt"));
    ok(&[
        "rsa", "encrypt", "--key", &public, "--in", &message, "--out", &ct,
    ]);
    assert_eq!(std::fs::metadata(&ct).unwrap().len(), 128);
    for crt in [&[][..], &["--no-crt"][..]] {
        let mut args = vec!["rsa", "decrypt", "--key", &key, "--in", &ct, "--out", &back];
        args.extend_from_slice(crt);
        ok(&args);
        assert_eq!(
            std::fs::read_to_string(&back).unwrap(),
            "meet me at the router"
        );
    }
    // Decryption to standard output, and with the steps shown.
    assert_eq!(
        ok(&["rsa", "decrypt", "--key", &key, "--in", &ct]),
        b"meet me at the router"
    );
    let explained = text(&ok(&[
        "rsa",
        "decrypt",
        "--key",
        &key,
        "--in",
        &ct,
        "--explain",
    ]));
    assert!(explained.contains("m₁ = c^dP mod p"), "{explained}");
    for pss in [&[][..], &["--pss"][..]] {
        let sig = at(&dir, "message.sig");
        let mut sign = vec![
            "rsa", "sign", "--key", &key, "--in", &message, "--sig", &sig,
        ];
        sign.extend_from_slice(pss);
        ok(&sign);
        let mut verify = vec![
            "rsa", "verify", "--key", &public, "--in", &message, "--sig", &sig,
        ];
        verify.extend_from_slice(pss);
        assert!(text(&ok(&verify)).contains("signature valid"));
        // The same signature over another message: invalid, exit status 1.
        std::fs::write(at(&dir, "other.txt"), "meet me at the switch").unwrap();
        let other = at(&dir, "other.txt");
        let mut verify = vec![
            "rsa", "verify", "--key", &public, "--in", &other, "--sig", &sig,
        ];
        verify.extend_from_slice(pss);
        let error = fails(&verify, 1);
        assert!(error.contains("invalid signature"), "{error}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn der_key_files_in_pkcs1_work_like_pem_ones() {
    let dir = scratch("der");
    let (key, public) = (at(&dir, "key.der"), at(&dir, "pub.der"));
    let args = [
        "keygen", "rsa", "--bits", "768", "--seed", "3", "--format", "pkcs1", "--der",
    ];
    let mut with_files = args.to_vec();
    with_files.extend_from_slice(&["--out", &key, "--pub-out", &public]);
    ok(&with_files);
    // DER RSAPrivateKey starts with SEQUENCE (0x30), length in two bytes, then version 0.
    let der = std::fs::read(&key).unwrap();
    assert_eq!(&der[..2], &[0x30, 0x82]);
    assert_eq!(&der[4..7], &[0x02, 0x01, 0x00]);
    let message = at(&dir, "message.txt");
    std::fs::write(&message, "DER is PEM without the Base64").unwrap();
    let sig = at(&dir, "message.sig");
    ok(&[
        "rsa", "sign", "--key", &key, "--in", &message, "--out", &sig, "--hash", "sha384",
    ]);
    let verified = text(&ok(&[
        "rsa", "verify", "--key", &public, "--in", &message, "--sig", &sig, "--hash", "sha384",
    ]));
    assert_eq!(verified, "signature valid (PKCS#1 v1.5, SHA-384)\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_gets_clear_errors_naming_the_file() {
    let dir = scratch("errors");
    let key = at(&dir, "key.pem");
    let public = at(&dir, "pub.pem");
    ok(&[
        "keygen",
        "rsa",
        "--bits",
        "512",
        "--seed",
        "2",
        "--out",
        &key,
        "--pub-out",
        &public,
    ]);
    let message = at(&dir, "message.txt");
    std::fs::write(&message, "hello").unwrap();

    let missing = at(&dir, "no-such-key.pem");
    let error = fails(&["rsa", "encrypt", "--key", &missing, "--in", &message], 1);
    assert!(
        error.contains("--key") && error.contains("no-such-key.pem"),
        "{error}"
    );

    let error = fails(&["rsa", "encrypt", "--key", &message, "--in", &message], 1);
    assert!(error.contains("not a PEM file"), "{error}");

    let garbled = at(&dir, "garbled.pem");
    std::fs::write(
        &garbled,
        "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let error = fails(&["rsa", "decrypt", "--key", &garbled, "--in", &message], 1);
    assert!(error.contains("PEM"), "{error}");

    let long = at(&dir, "long.txt");
    std::fs::write(&long, [b'x'; 60]).unwrap();
    let error = fails(&["rsa", "encrypt", "--key", &public, "--in", &long], 1);
    assert!(
        error.contains("message too long: 60 bytes") && error.contains("at most 53"),
        "{error}"
    );

    let error = fails(&["rsa", "decrypt", "--key", &public, "--in", &message], 1);
    assert!(error.contains("needs the private key"), "{error}");

    let error = fails(&["rsa", "decrypt", "--key", &key, "--in", &message], 1);
    assert!(
        error.contains("decryption error") && error.contains("5 bytes"),
        "{error}"
    );

    let error = fails(&["rsa", "verify", "--key", &public, "--in", &message], 2);
    assert!(error.contains("--sig"), "{error}");

    let error = fails(
        &[
            "rsa", "verify", "--key", &public, "--in", &message, "--sig", &message,
        ],
        1,
    );
    assert!(error.contains("invalid signature"), "{error}");

    let toy = at(&dir, "toy.pem");
    ok(&["keygen", "rsa", "--toy", "--out", &toy]);
    let error = fails(&["rsa", "encrypt", "--key", &toy, "--in", &message], 1);
    assert!(error.contains("key too small: a 12-bit modulus"), "{error}");

    let error = fails(&["keygen", "rsa", "--bits", "100"], 2);
    assert!(error.contains("--bits 100"), "{error}");
    let error = fails(&["keygen", "rsa", "--der"], 2);
    assert!(error.contains("--der needs --out"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_key_file_with_a_modulus_of_a_million_bits_is_refused_at_once() {
    use wirelab_crypto::rsa::{keyfile, BigUint, KeyFormat, PublicKey};
    let dir = scratch("huge");
    let key = at(&dir, "huge.pem");
    let public = PublicKey {
        n: (BigUint::from(1u32) << 1_000_000u32) - 1u32,
        e: 65537u32.into(),
    };
    std::fs::write(
        &key,
        keyfile::public_key_pem(&public, KeyFormat::Pkcs8).unwrap(),
    )
    .unwrap();
    let message = at(&dir, "message.txt");
    std::fs::write(&message, "hello").unwrap();
    let started = std::time::Instant::now();
    let error = fails(&["rsa", "encrypt", "--key", &key, "--in", &message], 1);
    assert!(
        error.starts_with(&format!(
            "--key {key}: invalid RSA key: the modulus has 1000000 bits; more than 16384"
        )),
        "{error}"
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    std::fs::remove_dir_all(&dir).unwrap();
}
