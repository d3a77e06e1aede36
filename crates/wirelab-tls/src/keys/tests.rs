//! The key schedule against published values: the TLS 1.2 PRF vectors of the IETF TLS list
//! (tests/data/tls12-prf-vectors.txt) and the Illustrated TLS 1.2 connection
//! (tests/data/illustrated-tls12/values.txt), whose records are in the same folder.

use super::prf::{self, PrfHash, Side};
use super::{BulkCipher, KeyBlock, MacAlgorithm, SuiteParams};
use crate::codec::CipherSuite;
use std::collections::HashMap;

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// `name = hex  # comment` lines, grouped under `[SECTION]` headers ("" before the first).
fn values(text: &str) -> HashMap<(String, String), Vec<u8>> {
    let mut section = String::new();
    let mut out = HashMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            section = name.to_string();
        } else if let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            if !value.is_empty()
                && value.bytes().all(|b| b.is_ascii_hexdigit())
                && value.len() % 2 == 0
            {
                out.insert((section.clone(), key.trim().to_string()), unhex(value));
            }
        }
    }
    out
}

fn illustrated() -> HashMap<String, Vec<u8>> {
    values(&data("illustrated-tls12/values.txt"))
        .into_iter()
        .map(|((_, key), value)| (key, value))
        .collect()
}

fn random(v: &HashMap<String, Vec<u8>>, name: &str) -> [u8; 32] {
    v[name].clone().try_into().expect("32 bytes")
}

#[test]
fn p_sha256_and_p_sha384_match_the_ietf_vectors() {
    let vectors = values(&data("tls12-prf-vectors.txt"));
    for (section, hash) in [("P_SHA256", PrfHash::Sha256), ("P_SHA384", PrfHash::Sha384)] {
        let get = |key: &str| vectors[&(section.to_string(), key.to_string())].clone();
        let output = get("output");
        let computed = prf::prf(
            hash,
            &get("secret"),
            "test label",
            &get("seed"),
            output.len(),
        );
        assert_eq!(computed, output, "{section}");
    }
}

#[test]
fn the_illustrated_connection_master_secret_and_key_block() {
    let v = illustrated();
    let (client_random, server_random) = (random(&v, "client_random"), random(&v, "server_random"));
    let master = prf::master_secret(
        PrfHash::Sha256,
        &v["pre_master_secret"],
        &client_random,
        &server_random,
    );
    assert_eq!(master, v["master_secret"]);

    let params = SuiteParams::of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA).unwrap();
    assert_eq!(
        (params.bulk, params.mac),
        (BulkCipher::Aes128Cbc, MacAlgorithm::HmacSha1)
    );
    assert_eq!(params.key_block_len(), 104);
    let keys = KeyBlock::derive(&params, &master, &client_random, &server_random);
    assert_eq!(keys.client_write_mac_key, v["client_write_MAC"]);
    assert_eq!(keys.server_write_mac_key, v["server_write_MAC"]);
    assert_eq!(keys.client_write_key, v["client_write_key"]);
    assert_eq!(keys.server_write_key, v["server_write_key"]);
    assert_eq!(keys.client_write_iv, v["client_write_IV"]);
    assert_eq!(keys.server_write_iv, v["server_write_IV"]);
}

#[test]
fn the_illustrated_connection_finished_messages() {
    let v = illustrated();
    // The transcript: every handshake message so far, without record headers (RFC 5246 §7.4.9).
    let mut transcript = Vec::new();
    for name in [
        "clienthello",
        "serverhello",
        "servercert",
        "serverkeyexchange",
        "serverhellodone",
        "clientkeyexchange",
    ] {
        let record = std::fs::read(format!(
            "{}/tests/data/illustrated-tls12/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        transcript.extend_from_slice(&record[5..]);
    }
    let hash = PrfHash::Sha256.digest(&transcript);
    assert_eq!(hash, v["transcript_sha256_for_client_finished"]);
    let client = prf::verify_data(PrfHash::Sha256, &v["master_secret"], Side::Client, &hash);
    assert_eq!(client, v["client_verify_data"]);

    // The server's Finished also covers the client's.
    transcript.extend_from_slice(&v["client_finished_hs"]);
    let hash = PrfHash::Sha256.digest(&transcript);
    assert_eq!(hash, v["transcript_sha256_for_server_finished"]);
    let server = prf::verify_data(PrfHash::Sha256, &v["master_secret"], Side::Server, &hash);
    assert_eq!(server, v["server_verify_data"]);
}

#[test]
fn suites_split_their_key_blocks_as_rfc_5246_appendix_c_says() {
    let gcm = SuiteParams::of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256).unwrap();
    assert_eq!(gcm.key_block_len(), 2 * (16 + 4));
    let gcm384 = SuiteParams::of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384).unwrap();
    assert_eq!(
        (gcm384.prf, gcm384.key_block_len()),
        (PrfHash::Sha384, 2 * (32 + 4))
    );
    let chacha = SuiteParams::of(CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256).unwrap();
    assert_eq!(chacha.key_block_len(), 2 * (32 + 12));
    let cbc256 = SuiteParams::of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256).unwrap();
    assert_eq!(cbc256.key_block_len(), 2 * (32 + 16 + 16));
    assert_eq!(
        SuiteParams::of(CipherSuite::TLS_AES_128_GCM_SHA256),
        None,
        "a TLS 1.3 suite"
    );
    assert_eq!(
        SuiteParams::of(CipherSuite(0x0005)),
        None,
        "RC4 is not implemented"
    );
}
