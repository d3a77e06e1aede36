//! Interop with the `openssl` command: for ffdhe2048 and group 14, a key made by OpenSSL and a
//! key made here derive the same shared secret, whichever side computes it, stripped (OpenSSL's
//! default, TLS 1.2) and padded (`-pkeyopt dh_pad:1`, TLS 1.3). Without openssl the test skips
//! with a reason; under CI=true it fails instead.

mod common;

use common::{have_openssl, openssl, path, scratch};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use wirelab_crypto::dh::{self, DhKeyFile, Group, KeyPair};

fn read_private(path: &str) -> KeyPair {
    match dh::read_pem(&std::fs::read_to_string(path).unwrap()).unwrap() {
        DhKeyFile::Private(pair) => pair,
        other => panic!("{path}: expected a private key, got {other:?}"),
    }
}

fn check_group(openssl_group: &str, group: Group, seed: u64) {
    let dir = scratch(openssl_group);
    let theirs = path(&dir, "openssl.pem");
    let theirs_pub = path(&dir, "openssl-pub.pem");
    let ours = path(&dir, "wirelab.pem");
    let ours_pub = path(&dir, "wirelab-pub.pem");

    // OpenSSL's key pair.
    openssl(&[
        "genpkey",
        "-algorithm",
        "DH",
        "-pkeyopt",
        &format!("group:{openssl_group}"),
        "-out",
        &theirs,
    ]);
    openssl(&["pkey", "-in", &theirs, "-pubout", "-out", &theirs_pub]);
    let their_pair = read_private(&theirs);
    assert_eq!(their_pair.public.group, group, "OpenSSL's group recognised");

    // Ours; OpenSSL must compute the same public key file from our private key.
    let our_pair = KeyPair::generate(&group, &mut ChaCha20Rng::seed_from_u64(seed));
    std::fs::write(&ours, our_pair.to_pkcs8_pem().unwrap()).unwrap();
    std::fs::write(&ours_pub, our_pair.public.to_spki_pem().unwrap()).unwrap();
    let openssl_view_of_our_public = openssl(&["pkey", "-in", &ours, "-pubout"]);
    assert_eq!(
        String::from_utf8(openssl_view_of_our_public).unwrap(),
        our_pair.public.to_spki_pem().unwrap()
    );

    // OpenSSL names the group from p and g alone, as we do.
    let described = String::from_utf8(openssl(&["pkey", "-in", &ours, "-text", "-noout"])).unwrap();
    assert!(
        described.contains(&format!("GROUP: {openssl_group}")),
        "{described}"
    );

    let our_secret_a = our_pair.agree(&read_private(&theirs).public).unwrap();
    let our_secret_b = their_pair.agree(&our_pair.public).unwrap();
    assert_eq!(our_secret_a, our_secret_b);

    for (inkey, peerkey) in [(&theirs, &ours_pub), (&ours, &theirs_pub)] {
        let stripped = openssl(&["pkeyutl", "-derive", "-inkey", inkey, "-peerkey", peerkey]);
        assert_eq!(
            stripped,
            our_secret_a.stripped(),
            "{openssl_group}: {inkey} with {peerkey}"
        );
        let padded = openssl(&[
            "pkeyutl", "-derive", "-inkey", inkey, "-peerkey", peerkey, "-pkeyopt", "dh_pad:1",
        ]);
        assert_eq!(padded, our_secret_a.padded(), "{openssl_group}: dh_pad:1");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ffdhe2048_secrets_equal_openssl_pkeyutl_derive_both_ways() {
    if have_openssl("ffdhe2048_secrets_equal_openssl_pkeyutl_derive_both_ways") {
        check_group("ffdhe2048", Group::ffdhe2048(), 1);
    }
}

#[test]
fn group_14_secrets_equal_openssl_pkeyutl_derive_both_ways() {
    if have_openssl("group_14_secrets_equal_openssl_pkeyutl_derive_both_ways") {
        check_group("modp_2048", Group::modp14(), 2);
    }
}

#[test]
fn openssl_derives_the_known_answer_from_the_kat_files() {
    if !have_openssl("openssl_derives_the_known_answer_from_the_kat_files") {
        return;
    }
    let kat = format!(
        "{}/tests/data/openssl-ffdhe2048-kat",
        env!("CARGO_MANIFEST_DIR")
    );
    let padded = openssl(&[
        "pkeyutl",
        "-derive",
        "-inkey",
        &format!("{kat}/ffdhe2048-1.pem"),
        "-peerkey",
        &format!("{kat}/ffdhe2048-2-pub.pem"),
        "-pkeyopt",
        "dh_pad:1",
    ]);
    let ours = read_private(&format!("{kat}/ffdhe2048-1.pem"))
        .agree(&read_private(&format!("{kat}/ffdhe2048-2.pem")).public)
        .unwrap();
    assert_eq!(padded, ours.padded());
    assert_eq!(&padded[..2], [0, 0]);
}
