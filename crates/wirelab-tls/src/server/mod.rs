//! A TLS 1.2 server: an [`Endpoint`] (sans-IO, driven like the client: bytes in with
//! `receive`, bytes out with `take_output`, events out with `poll_event`) whose [`ServerRole`]
//! waits for a ClientHello and answers it (RFC 5246 §7.3).

mod states;

#[cfg(test)]
mod tests;

use crate::codec::CipherSuite;
use crate::conn::Connection;
use crate::endpoint::{Endpoint, HandshakeState, Input, Role};
use crate::error::TlsError;
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

/// A TLS 1.2 server.
pub type Server = Endpoint<ServerRole>;

/// The server's side of the handshake: its certificate, key and preferences.
pub struct ServerRole {
    config: ServerConfig,
}

impl Endpoint<ServerRole> {
    /// A server waiting for a ClientHello.
    pub fn new(config: ServerConfig, rng: Box<dyn RngCore + Send>) -> Server {
        let first = State::ExpectClientHello(states::ExpectClientHello);
        Endpoint::with_role(ServerRole { config }, first, Connection::new(rng))
    }
}

impl Role for ServerRole {
    const PEER: &'static str = "client";
    type State = State;

    fn handle(
        &mut self,
        state: State,
        input: Input<'_>,
        conn: &mut Connection,
    ) -> Result<State, TlsError> {
        Ok(match (state, input) {
            (State::ExpectClientHello(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn, &self.config)?
            }
            (State::ExpectClientKeyExchange(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn, &self.config)?
            }
            (State::ExpectChangeCipherSpec(s), Input::ChangeCipherSpec) => {
                s.handle_change_cipher_spec(conn)
            }
            (State::ExpectFinished(s), Input::Handshake { message, raw }) => {
                s.handle(message, raw, conn)?
            }
            (other, input) => return Err(TlsError::unexpected(other.name(), input)),
        })
    }
}
