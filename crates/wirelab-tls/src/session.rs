//! What both ends of a handshake keep once the hellos are exchanged: the suite, the randoms,
//! and the transcript of handshake messages that the Finished messages hash.

use crate::codec::Context;
use crate::conn::Connection;
use crate::event::Event;
use crate::keys::prf::{self, PrfHash};
use crate::keys::{KeyBlock, SuiteParams};

/// The handshake messages so far, as sent (RFC 5246 §7.4.9: the Finished messages and the
/// extended master secret hash them).
#[derive(Clone, Debug, Default)]
pub struct Transcript(Vec<u8>);

impl Transcript {
    pub fn add(&mut self, message: &[u8]) {
        self.0.extend_from_slice(message);
    }

    pub fn hash(&self, hash: PrfHash) -> Vec<u8> {
        hash.digest(&self.0)
    }
}

/// What every state after the ServerHello knows.
#[derive(Clone, Debug)]
pub struct Session {
    pub params: SuiteParams,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub extended_master_secret: bool,
    pub transcript: Transcript,
}

impl Session {
    pub fn context(&self) -> Context {
        Context {
            suite: Some(self.params.suite),
        }
    }

    /// The master secret and the key block from the pre-master secret (RFC 5246 §8.1, §6.3;
    /// RFC 7627 §4 when the extended master secret is in use: then the transcript must end
    /// with the ClientKeyExchange). Each value is also an event.
    pub fn derive_secrets(
        &self,
        pre_master_secret: &[u8],
        conn: &mut Connection,
    ) -> (Vec<u8>, KeyBlock) {
        let hash = self.params.prf;
        let master_secret = if self.extended_master_secret {
            let session_hash = self.transcript.hash(hash);
            conn.events
                .push_back(Event::SessionHash(session_hash.clone()));
            prf::extended_master_secret(hash, pre_master_secret, &session_hash)
        } else {
            prf::master_secret(
                hash,
                pre_master_secret,
                &self.client_random,
                &self.server_random,
            )
        };
        conn.events
            .push_back(Event::MasterSecret(master_secret.clone()));
        let keys = KeyBlock::derive(
            &self.params,
            &master_secret,
            &self.client_random,
            &self.server_random,
        );
        conn.events.push_back(Event::KeyBlock {
            client_write_mac_key: keys.client_write_mac_key.clone(),
            server_write_mac_key: keys.server_write_mac_key.clone(),
            client_write_key: keys.client_write_key.clone(),
            server_write_key: keys.server_write_key.clone(),
            client_write_iv: keys.client_write_iv.clone(),
            server_write_iv: keys.server_write_iv.clone(),
        });
        (master_secret, keys)
    }
}
