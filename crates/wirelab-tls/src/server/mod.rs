//! A TLS 1.2 server, sans-IO, driven like the client (see `crate::client`): bytes in with
//! `receive`, bytes out with `take_output`, events out with `poll_event`.

mod states;

#[cfg(test)]
mod tests;

use crate::codec::{AlertDescription, CipherSuite, Handshake};
use crate::conn::{Connection, Incoming};
use crate::error::TlsError;
use crate::event::Event;
use rand::RngCore;
use states::State;
use wirelab_crypto::dh::Group;
use wirelab_crypto::rsa::PrivateKey;

/// The server's certificate, key and preferences.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// DER certificates, the server's own first.
    pub certificate_chain: Vec<Vec<u8>>,
    pub key: PrivateKey,
    /// In order of preference: the server chooses (RFC 5246 §7.4.1.3).
    pub cipher_suites: Vec<CipherSuite>,
    /// The DHE group when the client names none (OpenSSL sends the 2048-bit MODP group 14;
    /// wirelab sends ffdhe2048, RFC 7919).
    pub dh_group: Group,
    pub extended_master_secret: bool,
}

impl ServerConfig {
    pub fn new(certificate_chain: Vec<Vec<u8>>, key: PrivateKey) -> ServerConfig {
        ServerConfig {
            certificate_chain,
            key,
            cipher_suites: crate::client::ClientConfig::default().cipher_suites,
            dh_group: Group::ffdhe2048(),
            extended_master_secret: true,
        }
    }
}

pub struct Server {
    config: ServerConfig,
    conn: Connection,
    state: State,
    received: Vec<u8>,
    peer_closed: bool,
}

impl Server {
    pub fn new(config: ServerConfig, rng: Box<dyn RngCore + Send>) -> Server {
        Server {
            config,
            conn: Connection::new(rng),
            state: State::ExpectClientHello(states::ExpectClientHello),
            received: Vec::new(),
            peer_closed: false,
        }
    }

    pub fn state_name(&self) -> &'static str {
        self.state.name()
    }

    pub fn is_established(&self) -> bool {
        matches!(self.state, State::Traffic)
    }

    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// Bytes from the client; on a failure the fatal alert is already in the output.
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
            let conn = &mut self.conn;
            self.state = match (state, incoming) {
                (state, Incoming::Handshake { message, offset }) => {
                    let decoded = Handshake::decode(&message, offset, state.context())?;
                    conn.note_received(&decoded, message.len());
                    match state {
                        State::ExpectClientHello(s) => {
                            s.handle(decoded, &message, conn, &self.config)?
                        }
                        State::ExpectClientKeyExchange(s) => {
                            s.handle(decoded, &message, conn, &self.config)?
                        }
                        State::ExpectFinished(s) => s.handle(decoded, &message, conn)?,
                        other => {
                            return Err(TlsError::unexpected(
                                other.name(),
                                decoded.handshake_type(),
                            ))
                        }
                    }
                }
                (State::ExpectChangeCipherSpec(s), Incoming::ChangeCipherSpec) => {
                    s.handle_change_cipher_spec(conn)
                }
                (state, Incoming::ChangeCipherSpec) => {
                    return Err(TlsError::unexpected(state.name(), "ChangeCipherSpec"))
                }
                (state, Incoming::Alert(alert)) => match conn.peer_alert(alert)? {
                    true => {
                        self.peer_closed = true;
                        State::Closed
                    }
                    false => state,
                },
                (State::Traffic, Incoming::ApplicationData(data)) => {
                    self.received.extend_from_slice(&data);
                    State::Traffic
                }
                (state, Incoming::ApplicationData(_)) => {
                    return Err(TlsError::unexpected(state.name(), "application data"))
                }
            };
        }
        Ok(())
    }

    pub fn take_output(&mut self) -> Vec<u8> {
        self.conn.take_output()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.conn.events.pop_front()
    }

    pub fn send(&mut self, data: &[u8]) -> Result<(), TlsError> {
        if !self.is_established() {
            return Err(TlsError::new(
                AlertDescription::INTERNAL_ERROR,
                format!("cannot send data in state {}", self.state.name()),
            ));
        }
        self.conn.send_application_data(data)
    }

    pub fn take_received(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.received)
    }

    /// Send close_notify (RFC 5246 §7.2.1).
    pub fn close(&mut self) {
        self.conn.close_notify();
        self.state = State::Closed;
    }
}
