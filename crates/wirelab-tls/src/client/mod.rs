//! A TLS 1.2 client, sans-IO: it never touches a socket or a clock, and its randomness is
//! given to it. A driver moves bytes:
//!
//! ```text
//!  let mut client = Client::new(config, rng);          // the ClientHello is ready to send
//!  loop {
//!      socket.write_all(&client.take_output())?;
//!      client.receive(&socket_bytes)?;                   // advances the handshake
//!      while let Some(event) = client.poll_event() { … } // randoms, secrets, keys, records
//!      if client.is_established() { client.send(b"GET / HTTP/1.1 …")?; }
//!      let data = client.take_received();
//!  }
//! ```

pub(crate) mod kx;
mod states;

#[cfg(test)]
mod tests;

use crate::codec::{
    Alert, AlertDescription, AlertLevel, CipherSuite, Handshake, NamedGroup, SignatureScheme,
};
use crate::conn::{Connection, Incoming};
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

pub struct Client {
    config: ClientConfig,
    conn: Connection,
    state: State,
    received: Vec<u8>,
    peer_closed: bool,
    /// The session's secrets for a key log, once known.
    client_random: Option<[u8; 32]>,
    master_secret: Option<Vec<u8>>,
}

impl Client {
    /// A client whose ClientHello is ready in [`Client::take_output`].
    pub fn new(config: ClientConfig, rng: Box<dyn RngCore + Send>) -> Client {
        let mut conn = Connection::new(rng);
        let first = states::start(&config, &mut conn);
        let client_random = Some(first.client_hello.random);
        Client {
            config,
            conn,
            state: State::ExpectServerHello(first),
            received: Vec::new(),
            peer_closed: false,
            client_random,
            master_secret: None,
        }
    }

    /// The state's name (`ExpectServerHello`…), for traces.
    pub fn state_name(&self) -> &'static str {
        self.state.name()
    }

    pub fn is_established(&self) -> bool {
        matches!(self.state, State::Traffic)
    }

    /// Whether the server sent close_notify (RFC 5246 §7.2.1).
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// Bytes from the server. On a failure, the fatal alert to send is already in the output
    /// and the connection is closed.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<(), TlsError> {
        if matches!(self.state, State::Closed) {
            return Ok(());
        }
        self.conn.receive(bytes);
        let result = self.process();
        if let Err(error) = &result {
            self.conn.fail(error);
            self.state = State::Closed;
        }
        result
    }

    fn process(&mut self) -> Result<(), TlsError> {
        while let Some(incoming) = self.conn.next_incoming()? {
            let state = std::mem::replace(&mut self.state, State::Closed);
            self.state = match (state, incoming) {
                (state, Incoming::Handshake { message, offset }) => {
                    let decoded = Handshake::decode(&message, offset, state.context())?;
                    self.conn.note_received(&decoded, message.len());
                    self.handle_message(state, decoded, &message)?
                }
                (State::ExpectChangeCipherSpec(s), Incoming::ChangeCipherSpec) => {
                    s.handle_change_cipher_spec(&mut self.conn)
                }
                (state, Incoming::ChangeCipherSpec) => {
                    return Err(TlsError::unexpected(state.name(), "ChangeCipherSpec"));
                }
                (state, Incoming::Alert(alert)) => {
                    if alert.description == AlertDescription::CLOSE_NOTIFY {
                        self.peer_closed = true;
                        State::Closed
                    } else if alert.level == AlertLevel::FATAL {
                        return Err(TlsError::new(
                            alert.description,
                            format!("the server sent a fatal alert: {alert}"),
                        ));
                    } else {
                        state
                    }
                }
                (State::Traffic, Incoming::ApplicationData(data)) => {
                    self.received.extend_from_slice(&data);
                    State::Traffic
                }
                (state, Incoming::ApplicationData(_)) => {
                    return Err(TlsError::unexpected(state.name(), "application data"));
                }
            };
        }
        Ok(())
    }

    fn handle_message(
        &mut self,
        state: State,
        message: Handshake,
        raw: &[u8],
    ) -> Result<State, TlsError> {
        let conn = &mut self.conn;
        let next = match state {
            State::ExpectServerHello(s) => s.handle(message, raw, conn)?,
            State::ExpectCertificate(s) => s.handle(message, raw, conn, &self.config)?,
            State::ExpectServerKeyExchange(s) => s.handle(message, raw, conn, &self.config)?,
            State::ExpectServerHelloDone(s) => s.handle(message, raw, conn)?,
            State::ExpectFinished(s) => s.handle(message, conn)?,
            // RFC 5246 §7.4.1.1: a client may ignore a HelloRequest; wirelab does not renegotiate.
            State::Traffic if message == Handshake::HelloRequest => {
                conn.send_alert(Alert {
                    level: AlertLevel::WARNING,
                    description: AlertDescription(100), // no_renegotiation
                });
                State::Traffic
            }
            other => return Err(TlsError::unexpected(other.name(), message.handshake_type())),
        };
        if self.master_secret.is_none() {
            self.master_secret = self.conn.events.iter().find_map(|e| match e {
                Event::MasterSecret(secret) => Some(secret.clone()),
                _ => None,
            });
        }
        Ok(next)
    }

    /// Bytes to send to the server.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.conn.take_output()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.conn.events.pop_front()
    }

    /// Send application data (after the handshake).
    pub fn send(&mut self, data: &[u8]) -> Result<(), TlsError> {
        if !self.is_established() {
            return Err(TlsError::new(
                AlertDescription::INTERNAL_ERROR,
                format!("cannot send data in state {}", self.state.name()),
            ));
        }
        self.conn.send_application_data(data)
    }

    /// Application data received so far, taken.
    pub fn take_received(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.received)
    }

    /// Send close_notify (RFC 5246 §7.2.1).
    pub fn close(&mut self) {
        self.conn.close_notify();
        self.state = State::Closed;
    }

    /// The NSS key log line of this session, once the master secret is known.
    pub fn keylog_line(&self) -> Option<String> {
        Some(keylog::client_random_line(
            &self.client_random?,
            self.master_secret.as_ref()?,
        ))
    }
}
