//! wirelab's client against wirelab's server, in memory: every suite, both signature paddings,
//! application data both ways; and a client whose Finished is wrong.

use super::*;
use crate::client::{Client, ClientConfig};
use crate::codec::{AlertDescription, SignatureScheme};
use crate::event::Event;
use crate::keys::Side;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;

/// One RSA-2048 key for every test (generating one takes a while in a debug build), and a
/// certificate for it: wirelab makes no certificates, so this one was made by OpenSSL for the
/// Illustrated TLS 1.2 connection, whose server key it is (tests/data/illustrated-tls12).
fn server_config() -> ServerConfig {
    static CONFIG: OnceLock<ServerConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let dir = format!(
                "{}/tests/data/illustrated-tls12",
                env!("CARGO_MANIFEST_DIR")
            );
            let key = std::fs::read(format!("{dir}/server.key")).unwrap();
            let key = match wirelab_crypto::rsa::keyfile::read_key(&key).unwrap() {
                wirelab_crypto::rsa::KeyFile::Private(key) => key,
                _ => panic!("server.key is a private key"),
            };
            let cert = std::fs::read(format!("{dir}/server.crt")).unwrap();
            ServerConfig::new(crate::cert::read_pem_chain(&cert).unwrap(), key)
        })
        .clone()
}

/// Move bytes between the two until neither has anything to say.
fn pump(client: &mut Client, server: &mut Server) -> Result<(), TlsError> {
    loop {
        let to_server = client.take_output();
        if !to_server.is_empty() {
            server.receive(&to_server)?;
        }
        let to_client = server.take_output();
        if !to_client.is_empty() {
            client.receive(&to_client)?;
        }
        if to_server.is_empty() && to_client.is_empty() {
            return Ok(());
        }
    }
}

fn connect(suite: CipherSuite, scheme: SignatureScheme) -> (Client, Server) {
    let config = ClientConfig {
        cipher_suites: vec![suite],
        signature_schemes: vec![scheme],
        ..ClientConfig::default()
    };
    let mut client = Client::new(config, Box::new(ChaCha20Rng::seed_from_u64(1)));
    let mut server = Server::new(server_config(), Box::new(ChaCha20Rng::seed_from_u64(2)));
    pump(&mut client, &mut server).unwrap_or_else(|e| panic!("{suite}: {e}"));
    assert!(
        client.is_established(),
        "{suite}: client in {}",
        client.state_name()
    );
    assert!(
        server.is_established(),
        "{suite}: server in {}",
        server.state_name()
    );
    (client, server)
}

#[test]
fn every_suite_completes_a_handshake_and_carries_data_both_ways() {
    let suites = ClientConfig::default().cipher_suites;
    for (i, suite) in suites.into_iter().enumerate() {
        let scheme = if i % 2 == 0 {
            SignatureScheme::RSA_PSS_RSAE_SHA256
        } else {
            SignatureScheme::RSA_PKCS1_SHA256
        };
        let (mut client, mut server) = connect(suite, scheme);
        client.send(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        pump(&mut client, &mut server).unwrap();
        assert_eq!(server.take_received(), b"GET / HTTP/1.1\r\n\r\n", "{suite}");
        server.send(&vec![b'x'; 40_000]).unwrap();
        pump(&mut client, &mut server).unwrap();
        assert_eq!(
            client.take_received().len(),
            40_000,
            "{suite}: three records' worth"
        );
        client.close();
        pump(&mut client, &mut server).unwrap();
        assert!(server.peer_closed(), "{suite}");
    }
}

#[test]
fn both_sides_derive_the_same_master_secret_and_see_the_same_verify_data() {
    let (mut client, mut server) = connect(
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        SignatureScheme::RSA_PSS_RSAE_SHA256,
    );
    let secrets = |events: Vec<Event>| -> Vec<Event> {
        events
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::MasterSecret(_) | Event::VerifyData { .. } | Event::PreMasterSecret(_)
                )
            })
            .collect()
    };
    let client_events = secrets(std::iter::from_fn(|| client.poll_event()).collect());
    let server_events = secrets(std::iter::from_fn(|| server.poll_event()).collect());
    assert_eq!(client_events, server_events);
    assert!(client_events.iter().any(|e| matches!(
        e,
        Event::VerifyData {
            side: Side::Server,
            ..
        }
    )));
}

#[test]
fn a_server_without_a_common_suite_fails_with_handshake_failure() {
    let config = ClientConfig {
        cipher_suites: vec![CipherSuite(0x0005)],
        ..ClientConfig::default()
    };
    let mut client = Client::new(config, Box::new(ChaCha20Rng::seed_from_u64(1)));
    let mut server = Server::new(server_config(), Box::new(ChaCha20Rng::seed_from_u64(2)));
    let error = server.receive(&client.take_output()).unwrap_err();
    assert_eq!(error.alert, AlertDescription::HANDSHAKE_FAILURE);
    // The client hears the alert and fails too.
    let error = client.receive(&server.take_output()).unwrap_err();
    assert_eq!(error.alert, AlertDescription::HANDSHAKE_FAILURE);
}
