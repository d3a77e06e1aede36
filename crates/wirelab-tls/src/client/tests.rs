//! The client replays the Illustrated TLS 1.2 connection: its "random" bytes count up from 0,
//! as the Illustrated client's did, so its ClientHello random (00…1f), X25519 private key
//! (20…3f) and first CBC IV (40…4f) are that connection's, and so must be every secret.

use super::*;
use crate::event::Direction;
use crate::keys::Side;

/// Randomness that counts 00, 01, 02, … like the Illustrated connection's fake generator.
struct Counting(u8);

impl RngCore for Counting {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_be_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_be_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            *byte = self.0;
            self.0 = self.0.wrapping_add(1);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

fn record(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/data/illustrated-tls12/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn events(client: &mut Client) -> Vec<Event> {
    std::iter::from_fn(|| client.poll_event()).collect()
}

#[test]
fn the_client_derives_the_illustrated_secrets_from_the_illustrated_server_flight() {
    let mut client = Client::new(ClientConfig::default(), Box::new(Counting(0)));
    let hello = client.take_output();
    assert_eq!(
        hello[..5],
        [0x16, 0x03, 0x03, hello[3], hello[4]],
        "one handshake record"
    );
    assert_eq!(
        hello[11..43],
        (0..32).collect::<Vec<u8>>()[..],
        "client random 00…1f"
    );

    for name in [
        "serverhello",
        "servercert",
        "serverkeyexchange",
        "serverhellodone",
    ] {
        client
            .receive(&record(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(client.state_name(), "ExpectChangeCipherSpec");
    let seen = events(&mut client);
    let find = |wanted: fn(&Event) -> Option<Vec<u8>>| seen.iter().find_map(wanted).expect("event");
    assert_eq!(
        find(|e| match e {
            Event::OwnPublicValue(v) => Some(v.clone()),
            _ => None,
        }),
        unhex("358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254")
    );
    assert_eq!(
        find(|e| match e {
            Event::PreMasterSecret(v) => Some(v.clone()),
            _ => None,
        }),
        unhex("df4a291baa1eb7cfa6934b29b474baad2697e29f1f920dcc77c8a0a088447624")
    );
    assert_eq!(
        find(|e| match e { Event::MasterSecret(v) => Some(v.clone()), _ => None }),
        unhex("916abf9da55973e13614ae0a3f5d3f37b023ba129aee02cc9134338127cd7049781c8e19fc1eb2a7387ac06ae237344c")
    );
    assert!(seen.contains(&Event::SignatureVerified {
        scheme: SignatureScheme::RSA_PKCS1_SHA256
    }));
    assert!(seen.contains(&Event::SuiteChosen {
        suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        extended_master_secret: false
    }));

    // The flight: ClientKeyExchange as the Illustrated client sent it, then ChangeCipherSpec,
    // then an encrypted Finished (ours covers our own ClientHello, so its bytes differ).
    let flight = client.take_output();
    assert!(flight.starts_with(&record("clientkeyexchange")));
    assert!(flight[42..].starts_with(&record("clientccs")));
    assert_eq!(flight[48..53], [0x16, 0x03, 0x03, 0x00, 0x40]);
    assert_eq!(
        flight[53..69],
        unhex("404142434445464748494a4b4c4d4e4f"),
        "CBC IV 40…4f"
    );
    assert!(client
        .keylog_line()
        .unwrap()
        .starts_with("CLIENT_RANDOM 000102"));
}

#[test]
fn a_finished_that_covers_another_handshake_aborts_with_decrypt_error() {
    let mut client = Client::new(ClientConfig::default(), Box::new(Counting(0)));
    client.take_output();
    for name in [
        "serverhello",
        "servercert",
        "serverkeyexchange",
        "serverhellodone",
        "serverccs",
    ] {
        client.receive(&record(name)).unwrap();
    }
    client.take_output();
    // The Illustrated server's Finished hashes the Illustrated ClientHello, not ours.
    let error = client.receive(&record("serverfinished")).unwrap_err();
    assert_eq!(error.alert, AlertDescription::DECRYPT_ERROR);
    assert!(!client.is_established());
    let alert = client.take_output();
    assert_eq!(alert[0], 0x15, "a fatal alert goes out, protected");
    let seen = events(&mut client);
    assert!(seen.iter().any(|e| matches!(
        e,
        Event::VerifyData {
            side: Side::Server,
            ..
        }
    )));
    assert!(seen.iter().any(|e| matches!(
        e,
        Event::Alert {
            direction: Direction::Sent,
            ..
        }
    )));
}

#[test]
fn a_tampered_signature_aborts_the_handshake() {
    let mut client = Client::new(ClientConfig::default(), Box::new(Counting(0)));
    client.take_output();
    for name in ["serverhello", "servercert"] {
        client.receive(&record(name)).unwrap();
    }
    let mut ske = record("serverkeyexchange");
    let last = ske.len() - 1;
    ske[last] ^= 1;
    let error = client.receive(&ske).unwrap_err();
    assert_eq!(error.alert, AlertDescription::DECRYPT_ERROR);
    assert!(error.message.contains("does not verify"));
}

#[test]
fn a_server_hello_before_anything_else_is_required() {
    let mut client = Client::new(ClientConfig::default(), Box::new(Counting(0)));
    client.take_output();
    let error = client.receive(&record("servercert")).unwrap_err();
    assert_eq!(error.alert, AlertDescription::UNEXPECTED_MESSAGE);
    assert_eq!(error.message, "expected ServerHello, received certificate");
}

#[test]
fn a_suite_that_was_not_offered_is_an_illegal_parameter() {
    let config = ClientConfig {
        cipher_suites: vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256],
        ..ClientConfig::default()
    };
    let mut client = Client::new(config, Box::new(Counting(0)));
    client.take_output();
    let error = client.receive(&record("serverhello")).unwrap_err();
    assert_eq!(error.alert, AlertDescription::ILLEGAL_PARAMETER);
}

fn trusting_the_illustrated_ca(now: i64) -> ClientConfig {
    let ca = crate::cert::read_pem_chain(&record("ca.crt")).unwrap();
    ClientConfig {
        server_name: Some("example.ulfheim.net".to_string()),
        trust: Trust::Roots {
            certificates: ca,
            now,
        },
        ..ClientConfig::default()
    }
}

#[test]
fn a_chain_that_leads_to_a_trusted_root_is_accepted_while_it_is_valid() {
    // The server_name extension changes our ClientHello, not what the server sends back.
    let mut client = Client::new(
        trusting_the_illustrated_ca(1_546_300_800),
        Box::new(Counting(0)),
    );
    client.take_output();
    for name in ["serverhello", "servercert"] {
        client.receive(&record(name)).unwrap();
    }
    let seen = events(&mut client);
    assert!(seen
        .iter()
        .any(|e| matches!(e, Event::CertificateTrust(v) if v.starts_with("verified"))));
}

#[test]
fn an_expired_chain_is_a_bad_certificate() {
    // 2026-01-01: the Illustrated certificate expired in 2019.
    let mut client = Client::new(
        trusting_the_illustrated_ca(1_767_225_600),
        Box::new(Counting(0)),
    );
    client.take_output();
    client.receive(&record("serverhello")).unwrap();
    let error = client.receive(&record("servercert")).unwrap_err();
    assert_eq!(error.alert, AlertDescription::BAD_CERTIFICATE);
    assert!(error.message.contains("not valid now"), "{error}");
}
