//! Record protection on the Illustrated TLS 1.2 connection's encrypted records (AES-128-CBC
//! with HMAC-SHA1), then round trips and tampering for the AEAD suites.

use super::*;
use crate::codec::{CipherSuite, Record};
use crate::keys::KeyBlock;

fn record(name: &str) -> Record {
    let path = format!(
        "{}/tests/data/illustrated-tls12/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Record::parse(&bytes).unwrap().unwrap().0
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The client's and the server's keys of the Illustrated connection.
fn illustrated_keys() -> (RecordKeys, RecordKeys) {
    let params = SuiteParams::of(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA).unwrap();
    let master = unhex("916abf9da55973e13614ae0a3f5d3f37b023ba129aee02cc9134338127cd7049781c8e19fc1eb2a7387ac06ae237344c");
    let client_random: [u8; 32] = std::array::from_fn(|i| i as u8);
    let server_random: [u8; 32] = std::array::from_fn(|i| 0x70 + i as u8);
    let keys = KeyBlock::derive(&params, &master, &client_random, &server_random);
    (
        RecordKeys::new(
            &params,
            &keys.client_write_key,
            &keys.client_write_iv,
            &keys.client_write_mac_key,
        ),
        RecordKeys::new(
            &params,
            &keys.server_write_key,
            &keys.server_write_iv,
            &keys.server_write_mac_key,
        ),
    )
}

fn open(keys: &mut RecordKeys, name: &str) -> Vec<u8> {
    let r = record(name);
    keys.open(r.content_type, r.version, &r.fragment)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .0
}

#[test]
fn the_illustrated_client_records_decrypt_in_sequence() {
    let (mut client, _) = illustrated_keys();
    assert_eq!(
        open(&mut client, "clientfinished"),
        unhex("1400000ccf919626f1360c536aaad73a")
    );
    assert_eq!(open(&mut client, "clientdata"), b"ping");
    assert_eq!(
        open(&mut client, "clientalert"),
        [1, 0],
        "warning close_notify"
    );
}

#[test]
fn the_illustrated_server_records_decrypt_and_reencrypt_to_the_same_bytes() {
    let (_, mut server) = illustrated_keys();
    assert_eq!(
        open(&mut server, "serverfinished"),
        unhex("1400000c844d3c10746dd722f92f0c7e")
    );
    assert_eq!(open(&mut server, "serverdata"), b"pong");

    // Sealing with the record's own IV and sequence number gives back the record.
    let (_, mut again) = illustrated_keys();
    let finished = record("serverfinished");
    let iv: [u8; 16] = finished.fragment[..16].try_into().unwrap();
    let (fragment, trace) = again.seal(
        finished.content_type,
        finished.version,
        &unhex("1400000c844d3c10746dd722f92f0c7e"),
        iv,
    );
    assert_eq!(fragment, finished.fragment);
    assert_eq!(trace.seq, 0);
    assert_eq!(trace.additional_data, unhex("00000000000000001603030010"));
}

#[test]
fn a_record_out_of_sequence_fails_its_mac() {
    let (mut client, _) = illustrated_keys();
    let data = record("clientdata");
    let error = client
        .open(data.content_type, data.version, &data.fragment)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "record 0: bad_record_mac (the MAC does not match)"
    );
}

fn aead_pair(suite: CipherSuite) -> (RecordKeys, RecordKeys) {
    let params = SuiteParams::of(suite).unwrap();
    let key = vec![0x42; params.bulk.key_len()];
    let iv = vec![0x24; params.bulk.key_block_iv_len()];
    (
        RecordKeys::new(&params, &key, &iv, &[]),
        RecordKeys::new(&params, &key, &iv, &[]),
    )
}

#[test]
fn aead_records_round_trip_and_reject_a_flipped_bit() {
    for suite in [
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ] {
        let (mut sender, mut receiver) = aead_pair(suite);
        for message in [&b"GET / HTTP/1.1\r\n\r\n"[..], b"", b"second record"] {
            let (fragment, sent) = sender.seal(
                ContentType::APPLICATION_DATA,
                ProtocolVersion::TLS_1_2,
                message,
                [0; 16],
            );
            let (plaintext, received) = receiver
                .open(
                    ContentType::APPLICATION_DATA,
                    ProtocolVersion::TLS_1_2,
                    &fragment,
                )
                .unwrap();
            assert_eq!(plaintext, message, "{suite}");
            assert_eq!(
                sent, received,
                "{suite}: both sides agree on nonce and additional data"
            );
        }
        let (fragment, _) = sender.seal(
            ContentType::APPLICATION_DATA,
            ProtocolVersion::TLS_1_2,
            b"x",
            [0; 16],
        );
        let mut tampered = fragment.clone();
        *tampered.last_mut().unwrap() ^= 1;
        let error = receiver
            .open(
                ContentType::APPLICATION_DATA,
                ProtocolVersion::TLS_1_2,
                &tampered,
            )
            .unwrap_err();
        assert_eq!(
            error.detail, "the authentication tag does not match",
            "{suite}"
        );
    }
}

#[test]
fn gcm_sends_the_sequence_number_as_explicit_nonce_and_chacha_sends_nothing() {
    let (mut gcm, _) = aead_pair(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    gcm.seal(
        ContentType::APPLICATION_DATA,
        ProtocolVersion::TLS_1_2,
        b"a",
        [0; 16],
    );
    let (fragment, trace) = gcm.seal(
        ContentType::APPLICATION_DATA,
        ProtocolVersion::TLS_1_2,
        b"a",
        [0; 16],
    );
    assert_eq!(fragment[..8], 1u64.to_be_bytes());
    assert_eq!(fragment.len(), 8 + 1 + 16);
    assert_eq!(trace.nonce, unhex("242424240000000000000001"));

    let (mut chacha, _) = aead_pair(CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256);
    chacha.seal(
        ContentType::APPLICATION_DATA,
        ProtocolVersion::TLS_1_2,
        b"a",
        [0; 16],
    );
    let (fragment, trace) = chacha.seal(
        ContentType::APPLICATION_DATA,
        ProtocolVersion::TLS_1_2,
        b"a",
        [0; 16],
    );
    assert_eq!(fragment.len(), 1 + 16);
    assert_eq!(
        trace.nonce,
        unhex("242424242424242424242425"),
        "IV XOR seq 1"
    );
}

#[test]
fn truncated_or_misaligned_fragments_are_bad_record_macs_not_panics() {
    let (mut client, _) = illustrated_keys();
    for fragment in [&[][..], &[0; 15], &[0; 33], &[0; 32]] {
        assert!(client
            .open(
                ContentType::APPLICATION_DATA,
                ProtocolVersion::TLS_1_2,
                fragment
            )
            .is_err());
    }
    let (_, mut gcm) = aead_pair(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
    for fragment in [&[][..], &[0; 7], &[0; 23]] {
        assert!(gcm
            .open(
                ContentType::APPLICATION_DATA,
                ProtocolVersion::TLS_1_2,
                fragment
            )
            .is_err());
    }
}
