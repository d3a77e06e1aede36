//! Every case of Wycheproof's RSA files (tests/data/wycheproof/, Apache-2.0):
//! rsa_pkcs1_2048_test.json (PKCS#1 v1.5 decryption, including broken paddings),
//! rsa_signature_2048_sha256_test.json (PKCS#1 v1.5 verification, including BER tricks, wrong
//! hashes, missing NULLs, signatures of the wrong length) and the SHA-256/SHA-384 groups of
//! rsa_pkcs1_2048_sig_gen_test.json (deterministic signatures: ours must be byte-identical).

use serde_json::Value;
use wirelab_crypto::rsa::keyfile::read_key;
use wirelab_crypto::rsa::{pkcs1v15, Decryption, Hash, KeyFile};

fn vectors(name: &str) -> Value {
    let path = format!(
        "{}/tests/data/wycheproof/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap()
}

fn bytes(hex: &Value) -> Vec<u8> {
    let hex = hex.as_str().unwrap();
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap())
        .collect()
}

fn cases(vectors: &Value) -> impl Iterator<Item = (&Value, &Value)> {
    vectors["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|group| {
            group["tests"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |case| (group, case))
        })
}

#[test]
fn every_pkcs1_v15_decryption_case_matches_with_and_without_crt() {
    let vectors = vectors("rsa_pkcs1_2048_test.json");
    let mut checked = 0;
    for (group, case) in cases(&vectors) {
        let KeyFile::Private(key) = read_key(&bytes(&group["privateKeyPkcs8"])).unwrap() else {
            panic!("the group's key is private");
        };
        let id = &case["tcId"];
        for method in [Decryption::Crt, Decryption::Plain] {
            let result = pkcs1v15::decrypt(&key, &bytes(&case["ct"]), method, None);
            match case["result"].as_str().unwrap() {
                "valid" => assert_eq!(result, Ok(bytes(&case["msg"])), "tcId {id} {method:?}"),
                "invalid" => assert!(result.is_err(), "tcId {id} {method:?}: {}", case["comment"]),
                other => panic!("tcId {id}: unexpected result {other}"),
            }
        }
        checked += 1;
    }
    assert_eq!(checked, vectors["numberOfTests"].as_u64().unwrap());
}

#[test]
fn every_pkcs1_v15_sha256_signature_case_is_accepted_or_rejected_as_expected() {
    let vectors = vectors("rsa_signature_2048_sha256_test.json");
    let mut checked = 0;
    for (group, case) in cases(&vectors) {
        assert_eq!(group["sha"], "SHA-256");
        let public = read_key(&bytes(&group["publicKeyDer"]))
            .unwrap()
            .public_key();
        let id = &case["tcId"];
        let result = pkcs1v15::verify(
            &public,
            &bytes(&case["msg"]),
            &bytes(&case["sig"]),
            Hash::Sha256,
            None,
        );
        match case["result"].as_str().unwrap() {
            "valid" => assert_eq!(result, Ok(()), "tcId {id}"),
            "invalid" => assert!(
                result.is_err(),
                "tcId {id}: {} {}",
                case["comment"],
                case["flags"]
            ),
            _ => {} // "acceptable": a legacy encoding either answer is right for
        }
        checked += 1;
    }
    assert_eq!(checked, vectors["numberOfTests"].as_u64().unwrap());
}

#[test]
fn our_sha256_and_sha384_signatures_are_byte_identical_to_wycheproofs() {
    let vectors = vectors("rsa_pkcs1_2048_sig_gen_test.json");
    let mut checked = 0;
    for (group, case) in cases(&vectors) {
        let hash = match group["sha"].as_str().unwrap() {
            "SHA-256" => Hash::Sha256,
            "SHA-384" => Hash::Sha384,
            _ => continue, // SHA-1, SHA-224, SHA-512: not offered here
        };
        let KeyFile::Private(key) =
            read_key(group["privateKeyPem"].as_str().unwrap().as_bytes()).unwrap()
        else {
            panic!("the group's key is private");
        };
        let id = &case["tcId"];
        let signature = pkcs1v15::sign(&key, &bytes(&case["msg"]), hash, None).unwrap();
        assert_eq!(signature, bytes(&case["sig"]), "tcId {id}");
        assert_eq!(
            pkcs1v15::verify(
                &key.public_key(),
                &bytes(&case["msg"]),
                &signature,
                hash,
                None
            ),
            Ok(())
        );
        checked += 1;
    }
    assert_eq!(checked, 8 + 8 + 1 + 1); // the SHA-256 and SHA-384 cases of the file
}
