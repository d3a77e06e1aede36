//! `wirelab dh` and `wirelab ecdh` as a student runs them: the textbook exchange, key files that
//! round-trip through `dh genkey` / `dh derive` (and OpenSSL, when it is installed), and clear
//! errors, never a panic, for bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

const KAT: &str = "crates/wirelab-crypto/tests/data/openssl-ffdhe2048-kat";
const OPENSSL_KEYS: &str = "crates/wirelab-crypto/tests/data/openssl-genpkey";

fn wirelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Run and expect success; the standard output.
fn ok(args: &[&str]) -> String {
    let output = wirelab(args);
    assert!(
        output.status.success(),
        "wirelab {}: {}",
        args.join(" "),
        stderr(&output)
    );
    stdout(&output)
}

/// Run and expect failure with `code`; the standard error, which must not be a panic.
fn fails(args: &[&str], code: i32) -> String {
    let output = wirelab(args);
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(code),
        "wirelab {}: {message}",
        args.join(" ")
    );
    assert!(!message.contains("panicked"), "{message}");
    message
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn line<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find(|line| line.split(" = ").next().map(str::trim) == Some(name))
        .unwrap_or_else(|| panic!("no `{name} = ` line in\n{text}"))
}

#[test]
fn the_textbook_exchange_prints_a_8_b_19_and_secret_2() {
    let out = ok(&["dh", "--group", "toy", "--a", "6", "--b", "15"]);
    assert!(line(&out, "p").ends_with("= 23"));
    assert!(line(&out, "g").ends_with("= 5"));
    assert!(line(&out, "A").ends_with("= 8"));
    assert!(line(&out, "B").ends_with("= 19"));
    assert!(line(&out, "s (Alice)").ends_with("= 2"));
    assert!(line(&out, "s (Bob)").ends_with("= 2"));
}

#[test]
fn explain_adds_each_formula_and_why() {
    let out = ok(&["dh", "--group", "toy", "--a", "6", "--b", "15", "--explain"]);
    assert!(out.contains("A = g^a mod p\n    = 8\n"), "{out}");
    assert!(out.contains("discrete logarithm"), "{out}");
    assert!(out.contains("s (Bob) = A^b mod p\n    = 2\n"), "{out}");
}

#[test]
fn the_kat_exponents_give_openssls_secret_with_and_without_its_zero_bytes() {
    let out = ok(&[
        "dh",
        "--a",
        "0x1946B9886505F6B1AF0E3BFD3C314622FB52F4E22A6DB8BCAEA9B86FA",
        "--b",
        "0x11835922D87EFC468880A2B681CC45BAD56351359809A45EC9328CBCF",
        "--full",
    ]);
    let padded = value(line(&out, "Z (padded)"));
    let stripped = value(line(&out, "Z (TLS 1.2)"));
    assert_eq!(padded.len(), 512);
    assert!(padded.starts_with("00006620dd85b56e"), "{padded}");
    assert!(padded.ends_with("a6e69a383d13d85bf"), "{padded}");
    assert_eq!(stripped, &padded[4..]);
}

fn value(line: &str) -> &str {
    line.rsplit(" = ").next().unwrap()
}

#[test]
fn the_same_seed_prints_the_same_exchange() {
    let first = ok(&["dh", "--group", "modp14", "--seed", "7"]);
    let second = ok(&["dh", "--group", "modp14", "--seed", "7"]);
    assert_eq!(first, second);
    assert!(line(&first, "p").contains("…"), "long values shortened");
    assert!(line(&first, "equal").ends_with("= yes"));
}

#[test]
fn a_generated_safe_prime_group_has_the_size_asked_for() {
    let out = ok(&["dh", "--group", "safe-prime", "--bits", "20", "--seed", "1"]);
    let p: u64 = value(line(&out, "p")).parse().unwrap();
    assert_eq!(64 - p.leading_zeros(), 20);
    let q: u64 = value(line(&out, "q")).parse().unwrap();
    assert_eq!(p, 2 * q + 1);
}

#[test]
fn genkey_and_derive_agree_from_both_sides_and_with_the_kat() {
    let dir = temp_dir("genkey");
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
    for (who, seed) in [("alice", "1"), ("bob", "2")] {
        ok(&[
            "dh",
            "genkey",
            "--group",
            "modp14",
            "--out",
            &file(&format!("{who}.pem")),
            "--pub-out",
            &file(&format!("{who}-pub.pem")),
            "--seed",
            seed,
        ]);
    }
    let alice = ok(&[
        "dh",
        "derive",
        "--key",
        &file("alice.pem"),
        "--peer",
        &file("bob-pub.pem"),
    ]);
    let bob = ok(&[
        "dh",
        "derive",
        "--key",
        &file("bob.pem"),
        "--peer",
        &file("alice-pub.pem"),
    ]);
    assert_eq!(alice, bob);
    assert!(alice.trim().chars().all(|c| c.is_ascii_hexdigit()));

    // Without --pub-out the public key goes to standard output.
    let public = ok(&[
        "dh",
        "genkey",
        "--group",
        "ffdhe2048",
        "--out",
        &file("carol.pem"),
        "--seed",
        "3",
    ]);
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert!(std::fs::read_to_string(file("carol.pem"))
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----\n"));

    let kat_stripped = ok(&[
        "dh",
        "derive",
        "--key",
        &format!("{KAT}/ffdhe2048-1.pem"),
        "--peer",
        &format!("{KAT}/ffdhe2048-2-pub.pem"),
    ]);
    let kat_padded = ok(&[
        "dh",
        "derive",
        "--key",
        &format!("{KAT}/ffdhe2048-1.pem"),
        "--peer",
        &format!("{KAT}/ffdhe2048-2-pub.pem"),
        "--pad",
    ]);
    assert_eq!(kat_padded.trim().len(), 512);
    assert_eq!(kat_stripped.trim(), &kat_padded.trim()[4..]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn derive_matches_openssl_pkeyutl_for_keys_made_by_either() {
    let works = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "openssl is needed under CI=true"
        );
        eprintln!("skipped: the `openssl` command is not available");
        return;
    }
    let dir = temp_dir("openssl");
    let file = |name: &str| dir.join(name).to_string_lossy().into_owned();
    ok(&[
        "dh",
        "genkey",
        "--group",
        "ffdhe2048",
        "--out",
        &file("ours.pem"),
        "--pub-out",
        &file("ours-pub.pem"),
    ]);
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl").args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };
    openssl(&[
        "genpkey",
        "-algorithm",
        "DH",
        "-pkeyopt",
        "group:ffdhe2048",
        "-out",
        &file("theirs.pem"),
    ]);
    openssl(&[
        "pkey",
        "-in",
        &file("theirs.pem"),
        "-pubout",
        "-out",
        &file("theirs-pub.pem"),
    ]);
    let hex = |bytes: Vec<u8>| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let expected = hex(openssl(&[
        "pkeyutl",
        "-derive",
        "-inkey",
        &file("theirs.pem"),
        "-peerkey",
        &file("ours-pub.pem"),
    ]));
    let also_expected = hex(openssl(&[
        "pkeyutl",
        "-derive",
        "-inkey",
        &file("ours.pem"),
        "-peerkey",
        &file("theirs-pub.pem"),
    ]));
    assert_eq!(expected, also_expected);
    let ours = ok(&[
        "dh",
        "derive",
        "--key",
        &file("ours.pem"),
        "--peer",
        &file("theirs-pub.pem"),
    ]);
    assert_eq!(ours.trim(), expected);
    let theirs = ok(&[
        "dh",
        "derive",
        "--key",
        &file("theirs.pem"),
        "--peer",
        &file("ours-pub.pem"),
    ]);
    assert_eq!(theirs.trim(), expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_group_is_a_usage_error_listing_the_groups() {
    let message = fails(&["dh", "--group", "ffdhe1024"], 2);
    assert!(
        message.contains("invalid value 'ffdhe1024' for '--group"),
        "{message}"
    );
    assert!(
        message.contains("ffdhe2048, ffdhe3072, ffdhe4096, modp14, toy, safe-prime"),
        "{message}"
    );
}

#[test]
fn a_private_exponent_out_of_range_or_not_a_number_is_a_usage_error() {
    let message = fails(&["dh", "--group", "toy", "--a", "22", "--b", "15"], 2);
    assert_eq!(message, "private exponent 22 is outside 2 ≤ x ≤ p−2\n");
    let message = fails(&["dh", "--group", "toy", "--a", "six"], 2);
    assert_eq!(
        message,
        "--a six: expected a number (decimal, or hex with 0x)\n"
    );
    fails(&["dh", "--group", "safe-prime", "--bits", "4"], 2);
}

#[test]
fn a_missing_file_names_the_file() {
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            "no-such.pem",
            "--peer",
            "no-such.pem",
        ],
        1,
    );
    assert!(message.starts_with("--key no-such.pem: "), "{message}");
}

#[test]
fn an_rsa_key_is_refused_as_the_wrong_key_type() {
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            &format!("{OPENSSL_KEYS}/rsa.pem"),
            "--peer",
            &format!("{KAT}/ffdhe2048-2-pub.pem"),
        ],
        1,
    );
    assert_eq!(
        message,
        format!(
            "--key {OPENSSL_KEYS}/rsa.pem: PKCS #8 PrivateKeyInfo: this is an RSA key (rsaEncryption), \
                 not a DH key (expected dhKeyAgreement, 1.2.840.113549.1.3.1)\n"
        )
    );
}

#[test]
fn a_file_that_is_not_a_key_is_refused() {
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            "Cargo.toml",
            "--peer",
            "Cargo.toml",
        ],
        1,
    );
    assert!(message.starts_with("--key Cargo.toml: PEM: "), "{message}");
}

#[test]
fn a_public_key_given_as_mine_is_refused() {
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            &format!("{KAT}/ffdhe2048-1-pub.pem"),
            "--peer",
            &format!("{KAT}/ffdhe2048-2-pub.pem"),
        ],
        1,
    );
    assert!(
        message.contains("a public key; --key needs a private key"),
        "{message}"
    );
}

#[test]
fn keys_of_different_groups_are_refused() {
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            &format!("{KAT}/ffdhe2048-1.pem"),
            "--peer",
            &format!("{OPENSSL_KEYS}/modp_2048-pub.pem"),
        ],
        1,
    );
    assert!(
        message
            .contains("the keys are in different groups: mine is ffdhe2048, the peer's is modp14"),
        "{message}"
    );
}

#[test]
fn ecdh_x25519_is_repeatable_with_a_seed_and_both_sides_agree() {
    let first = ok(&["ecdh", "--seed", "5"]);
    assert_eq!(first, ok(&["ecdh", "--curve", "x25519", "--seed", "5"]));
    assert_eq!(
        value(line(&first, "s (Alice)")),
        value(line(&first, "s (Bob)"))
    );
    assert!(line(&first, "equal").ends_with("= yes"));
}

#[test]
fn ecdh_p256_shows_both_public_keys_and_refuses_a_seed() {
    let out = ok(&["ecdh", "--curve", "p256", "--full"]);
    assert_eq!(value(line(&out, "A")).len(), 130);
    assert!(value(line(&out, "B")).starts_with("04"));
    assert_eq!(value(line(&out, "s (Alice)")), value(line(&out, "s (Bob)")));
    let message = fails(&["ecdh", "--curve", "p256", "--seed", "1"], 2);
    assert!(message.contains("ring"), "{message}");
    fails(&["ecdh", "--curve", "p384"], 2);
}

#[test]
fn a_peer_value_outside_the_group_is_refused_when_deriving() {
    use wirelab_crypto::dh::{Group, PublicKey};
    let group = Group::ffdhe2048();
    let dir = temp_dir("bad-peer");
    let bad = dir.join("bad-pub.pem");
    let public = PublicKey {
        y: &group.p - 1u32,
        group,
    };
    std::fs::write(&bad, public.to_spki_pem().unwrap()).unwrap();
    let bad = bad.to_string_lossy().into_owned();
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            &format!("{KAT}/ffdhe2048-1.pem"),
            "--peer",
            &bad,
        ],
        1,
    );
    assert!(
        message.contains("the peer's public value")
            && message.contains("is outside 1 < Y < p−1 (RFC 7919 §5.1)"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_peer_key_in_a_group_of_200000_bits_is_refused_at_once() {
    use wirelab_crypto::dh::{Group, PublicKey};
    use wirelab_crypto::rsa::BigUint;
    let dir = temp_dir("huge-group");
    let huge = dir.join("huge-pub.pem");
    let public = PublicKey {
        group: Group {
            name: "forged".into(),
            source: "a test".into(),
            p: (BigUint::from(1u32) << 200_000u32) - 1u32,
            g: BigUint::from(2u32),
            q: None,
            exponent_bits: None,
        },
        y: BigUint::from(4u32),
    };
    std::fs::write(&huge, public.to_spki_pem().unwrap()).unwrap();
    let huge = huge.to_string_lossy().into_owned();
    let started = std::time::Instant::now();
    let message = fails(
        &[
            "dh",
            "derive",
            "--key",
            &format!("{KAT}/ffdhe2048-1.pem"),
            "--peer",
            &huge,
        ],
        1,
    );
    assert!(
        message.contains("DHParameter: not a usable DH group: p has 200000 bits; more than 8192"),
        "{message}"
    );
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    let _ = std::fs::remove_dir_all(&dir);
}
