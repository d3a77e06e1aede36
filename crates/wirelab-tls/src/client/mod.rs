//! A TLS 1.2 client: an [`Endpoint`] (sans-IO, driven as its documentation shows) whose
//! [`ClientRole`] sends the ClientHello and then expects the server's flight (RFC 5246 §7.3).

pub(crate) mod kx;
mod states;

#[cfg(test)]
mod tests;

use crate::codec::{
    Alert, AlertDescription, AlertLevel, CipherSuite, Handshake, NamedGroup, SignatureScheme,
};
use crate::conn::Connection;
use crate::endpoint::{Endpoint, HandshakeState, Input, Role};
use crate::error::TlsError;
use crate::event::Event;
use crate::keylog;
use rand::RngCore;
use states::State;

/// What the client offers.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// In order of preference (the server decides, RFC 5246 §7.4.1.2).
    pub cipher_suites: Vec<CipherSuite>,
    pub groups: Vec<NamedGroup>,
    pub signature_schemes: Vec<SignatureScheme>,
    /// The host name sent in server_name (RFC 6066 §3).
    pub server_name: Option<String>,
    /// Offer the extended master secret (RFC 7627).
    pub extended_master_secret: bool,
    /// Whom to believe about the server's certificate.
    pub trust: Trust,
}

/// How the server's certificate chain is judged.
#[derive(Clone, Debug)]
pub enum Trust {
    /// Not at all: the chain is shown, and anyone in the middle could have sent it.
    Insecure,
    /// Checked against these root certificates (DER) at time `now` (seconds since 1970:
    /// the client reads no clock itself), for the server name, with [`crate::cert::verify_chain`].
    Roots {
        certificates: Vec<Vec<u8>>,
        now: i64,
    },
}

impl Default for ClientConfig {
    /// Every suite wirelab implements, forward-secret ones first, as browsers order them.
    fn default() -> ClientConfig {
        ClientConfig {
            cipher_suites: vec![
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
                CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
                CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
                CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                CipherSuite::TLS_RSA_WITH_AES_256_GCM_SHA384,
                CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
            ],
            groups: vec![
                NamedGroup::X25519,
                NamedGroup::SECP256R1,
                NamedGroup::FFDHE2048,
                NamedGroup::FFDHE3072,
            ],
            signature_schemes: vec![
                SignatureScheme::RSA_PSS_RSAE_SHA256,
                SignatureScheme::RSA_PSS_RSAE_SHA384,
                SignatureScheme::RSA_PKCS1_SHA256,
                SignatureScheme::RSA_PKCS1_SHA384,
            ],
            server_name: None,
            extended_master_secret: true,
            trust: Trust::Insecure,
        }
    }
}

/// A TLS 1.2 client.
pub type Client = Endpoint<ClientRole>;

/// The client's side of the handshake: what it offers, and what its key log needs.
pub struct ClientRole {
    config: ClientConfig,
    /// The session's secrets for a key log, once known.
    client_random: [u8; 32],
    master_secret: Option<Vec<u8>>,
}

impl Endpoint<ClientRole> {
    /// A client whose ClientHello is ready in [`Endpoint::take_output`].
    pub fn new(config: ClientConfig, rng: Box<dyn RngCore + Send>) -> Client {
        let mut conn = Connection::new(rng);
        let first = states::start(&config, &mut conn);
        let role = ClientRole {
            client_random: first.client_hello.random,
            config,
            master_secret: None,
        };
        Endpoint::with_role(role, State::ExpectServerHello(first), conn)
    }

    /// The NSS key log line of this session, once the master secret is known.
    pub fn keylog_line(&self) -> Option<String> {
        Some(keylog::client_random_line(
            &self.role.client_random,
            self.role.master_secret.as_ref()?,
        ))
    }
}

impl Role for ClientRole {
    const PEER: &'static str = "server";
    type State = State;

    fn handle(
        &mut self,
        state: State,
        input: Input<'_>,
        conn: &mut Connection,
    ) -> Result<State, TlsError> {
        let next = match (state, input) {
            (State::ExpectServerHello(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn)?
            }
            (State::ExpectCertificate(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn, &self.config)?
            }
            (State::ExpectServerKeyExchange(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn, &self.config)?
            }
            (State::ExpectServerHelloDone(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn)?
            }
            (State::ExpectChangeCipherSpec(s), Input::ChangeCipherSpec) => {
                s.handle_change_cipher_spec(conn)
            }
            (State::ExpectFinished(s), Input::Handshake { message, .. }) => {
                s.handle(message, conn)?
            }
            // RFC 5246 §7.4.1.1: a client may ignore a HelloRequest; wirelab does not renegotiate.
            (
                State::Traffic,
                Input::Handshake {
                    message: Handshake::HelloRequest,
                    ..
                },
            ) => {
                conn.send_alert(Alert {
                    level: AlertLevel::WARNING,
                    description: AlertDescription(100), // no_renegotiation
                });
                State::Traffic
            }
            (other, input) => return Err(TlsError::unexpected(other.name(), input)),
        };
        if self.master_secret.is_none() {
            self.master_secret = conn.events.iter().find_map(|e| match e {
                Event::MasterSecret(secret) => Some(secret.clone()),
                _ => None,
            });
        }
        Ok(next)
    }
}
