//! What both ends of a handshake keep once the hellos are exchanged: the suite, the randoms,
//! and the transcript of handshake messages that the Finished messages hash.

use crate::codec::{AlertDescription, Context, Handshake};
use crate::conn::Connection;
use crate::error::TlsError;
use crate::event::Event;
use crate::keys::prf::{self, PrfHash, Side};
use crate::keys::{KeyBlock, SuiteParams};
use crate::protect::RecordKeys;

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

    /// The record keys of what `writer` sends, cut from the key block (RFC 5246 §6.3).
    pub fn write_keys(&self, keys: &KeyBlock, writer: Side) -> RecordKeys {
        match writer {
            Side::Client => RecordKeys::new(
                &self.params,
                &keys.client_write_key,
                &keys.client_write_iv,
                &keys.client_write_mac_key,
            ),
            Side::Server => RecordKeys::new(
                &self.params,
                &keys.server_write_key,
                &keys.server_write_iv,
                &keys.server_write_mac_key,
            ),
        }
    }

    /// Send our Finished: verify_data over the transcript so far (RFC 5246 §7.4.9), which
    /// then joins the transcript.
    pub fn send_finished(&mut self, master_secret: &[u8], we: Side, conn: &mut Connection) {
        let hash = self.params.prf;
        let verify_data = prf::verify_data(hash, master_secret, we, &self.transcript.hash(hash));
        conn.events.push_back(Event::VerifyData {
            side: we,
            value: verify_data.clone(),
        });
        let sent = conn.send_handshake(&Handshake::Finished(verify_data));
        self.transcript.add(&sent);
    }

    /// Check the peer's Finished against the transcript so far. A wrong verify_data means the
    /// two sides did not see the same handshake, or do not share the master secret (RFC 5246
    /// §7.4.9): decrypt_error.
    pub fn check_finished(
        &self,
        master_secret: &[u8],
        peer: Side,
        received: &[u8],
        conn: &mut Connection,
    ) -> Result<(), TlsError> {
        let hash = self.params.prf;
        let expected = prf::verify_data(hash, master_secret, peer, &self.transcript.hash(hash));
        conn.events.push_back(Event::VerifyData {
            side: peer,
            value: received.to_vec(),
        });
        if received == expected {
            return Ok(());
        }
        Err(TlsError::new(
            AlertDescription::DECRYPT_ERROR,
            format!(
                "the {}'s Finished does not match the handshake",
                peer.name()
            ),
        ))
    }
}
