//! The record layer of one connection, sans-IO: bytes from the peer go in with `receive`,
//! bytes for the peer come out of `take_output`; in between, records are cut, protected or
//! opened, and handshake messages joined. The client and server handshakes sit on top.
//!
//! ```text
//!  peer bytes ─> RecordBuffer ─> open (once the peer's ChangeCipherSpec came) ─┬─ handshake ─> HandshakeBuffer ─> Incoming::Handshake
//!                                                                              ├─ change_cipher_spec ──────────> Incoming::ChangeCipherSpec
//!                                                                              ├─ alert ───────────────────────> Incoming::Alert
//!                                                                              └─ application_data ────────────> Incoming::ApplicationData
//!  send_handshake / send_ccs / send_alert / send_application_data ─> records ─> seal (after our ChangeCipherSpec) ─> output
//! ```

use crate::codec::{
    Alert, AlertDescription, AlertLevel, ContentType, Handshake, HandshakeBuffer, ProtocolVersion,
    Record, RecordBuffer,
};
use crate::error::TlsError;
use crate::event::{Direction, Event};
use crate::protect::RecordKeys;
use rand::RngCore;
use std::collections::VecDeque;

/// Longest plaintext in one record (RFC 5246 §6.2.1).
const MAX_PLAINTEXT: usize = 1 << 14;

/// What arrived from the peer, one item at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// One whole handshake message as sent (header included, for the transcript), and its
    /// offset in the peer's handshake stream.
    Handshake {
        message: Vec<u8>,
        offset: usize,
    },
    ChangeCipherSpec,
    Alert(Alert),
    ApplicationData(Vec<u8>),
}

pub struct Connection {
    incoming: RecordBuffer,
    handshake_in: HandshakeBuffer,
    read_keys: Option<RecordKeys>,
    write_keys: Option<RecordKeys>,
    output: Vec<u8>,
    pub(crate) events: VecDeque<Event>,
    pub(crate) rng: Box<dyn RngCore + Send>,
    /// The version in record headers: TLS 1.2 (many clients send 1.0 in the very first
    /// record for old middleboxes' sake; RFC 5246 Appendix E.1 allows either).
    version: ProtocolVersion,
}

impl Connection {
    pub fn new(rng: Box<dyn RngCore + Send>) -> Connection {
        Connection {
            incoming: RecordBuffer::new(),
            handshake_in: HandshakeBuffer::new(),
            read_keys: None,
            write_keys: None,
            output: Vec::new(),
            events: VecDeque::new(),
            rng,
            version: ProtocolVersion::TLS_1_2,
        }
    }

    /// Bytes received from the peer.
    pub fn receive(&mut self, bytes: &[u8]) {
        self.incoming.push(bytes);
    }

    /// Bytes to send to the peer.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    pub fn has_output(&self) -> bool {
        !self.output.is_empty()
    }

    pub fn random<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        self.rng.fill_bytes(&mut out);
        out
    }

    /// The next thing the peer sent, if all its bytes are here.
    pub fn next_incoming(&mut self) -> Result<Option<Incoming>, TlsError> {
        loop {
            if let Some((message, offset)) = self.handshake_in.next_message()? {
                return Ok(Some(Incoming::Handshake { message, offset }));
            }
            let Some(record) = self.incoming.next_record()? else {
                return Ok(None);
            };
            let fragment = match &mut self.read_keys {
                None => record.fragment,
                Some(keys) => {
                    let (plaintext, trace) = keys
                        .open(record.content_type, record.version, &record.fragment)
                        .map_err(|e| {
                            TlsError::new(AlertDescription::BAD_RECORD_MAC, e.to_string())
                        })?;
                    self.events.push_back(Event::ProtectedRecord {
                        direction: Direction::Received,
                        seq: trace.seq,
                        nonce: trace.nonce,
                        len: record.fragment.len(),
                    });
                    plaintext
                }
            };
            if fragment.len() > MAX_PLAINTEXT {
                return Err(TlsError::new(
                    AlertDescription::RECORD_OVERFLOW,
                    format!(
                        "a record's plaintext is {} bytes, more than 2^14",
                        fragment.len()
                    ),
                ));
            }
            match record.content_type {
                ContentType::HANDSHAKE => {
                    if fragment.is_empty() {
                        return Err(TlsError::unexpected(
                            "a handshake fragment",
                            "an empty one (RFC 5246 §6.2.1)",
                        ));
                    }
                    self.handshake_in.push(&fragment);
                }
                ContentType::CHANGE_CIPHER_SPEC => {
                    // A change of keys in the middle of a handshake message would leave its two
                    // halves under different keys (RFC 5246 §7.1).
                    if fragment != [1] || !self.handshake_in.is_empty() {
                        return Err(TlsError::unexpected(
                            "a ChangeCipherSpec of one byte 1 between messages",
                            format!("{fragment:02x?}"),
                        ));
                    }
                    return Ok(Some(Incoming::ChangeCipherSpec));
                }
                ContentType::ALERT => {
                    let alert = Alert::decode(&fragment)?;
                    self.events.push_back(Event::Alert {
                        direction: Direction::Received,
                        alert,
                    });
                    return Ok(Some(Incoming::Alert(alert)));
                }
                ContentType::APPLICATION_DATA => {
                    if self.read_keys.is_none() {
                        return Err(TlsError::unexpected(
                            "a handshake message",
                            "unprotected application data",
                        ));
                    }
                    return Ok(Some(Incoming::ApplicationData(fragment)));
                }
                other => return Err(TlsError::unexpected("a known content type", other)),
            }
        }
    }

    fn send_record(&mut self, content_type: ContentType, plaintext: &[u8]) {
        for chunk in plaintext
            .chunks(MAX_PLAINTEXT)
            .chain(plaintext.is_empty().then_some(&[][..]))
        {
            let fragment = match &mut self.write_keys {
                None => chunk.to_vec(),
                Some(keys) => {
                    let mut iv = [0u8; 16];
                    self.rng.fill_bytes(&mut iv);
                    let (fragment, trace) = keys.seal(content_type, self.version, chunk, iv);
                    self.events.push_back(Event::ProtectedRecord {
                        direction: Direction::Sent,
                        seq: trace.seq,
                        nonce: trace.nonce,
                        len: fragment.len(),
                    });
                    fragment
                }
            };
            Record {
                content_type,
                version: self.version,
                fragment,
            }
            .encode(&mut self.output);
        }
    }

    /// Send a handshake message; returns its bytes for the transcript.
    pub fn send_handshake(&mut self, message: &Handshake) -> Vec<u8> {
        let bytes = message.to_bytes();
        self.events.push_back(Event::Message {
            direction: Direction::Sent,
            handshake_type: message.handshake_type(),
            len: bytes.len(),
        });
        self.send_record(ContentType::HANDSHAKE, &bytes);
        bytes
    }

    /// Send ChangeCipherSpec and protect everything after it with `keys` (RFC 5246 §7.1).
    pub fn send_change_cipher_spec(&mut self, keys: RecordKeys) {
        self.send_record(ContentType::CHANGE_CIPHER_SPEC, &[1]);
        self.events
            .push_back(Event::ChangeCipherSpec(Direction::Sent));
        self.write_keys = Some(keys);
    }

    /// The peer's ChangeCipherSpec arrived: open everything after it with `keys`.
    pub fn peer_changed_cipher_spec(&mut self, keys: RecordKeys) {
        self.events
            .push_back(Event::ChangeCipherSpec(Direction::Received));
        self.read_keys = Some(keys);
    }

    pub fn send_alert(&mut self, alert: Alert) {
        self.events.push_back(Event::Alert {
            direction: Direction::Sent,
            alert,
        });
        self.send_record(ContentType::ALERT, &alert.to_bytes());
    }

    /// A failure: tell the peer with a fatal alert (RFC 5246 §7.2.2).
    pub fn fail(&mut self, error: &TlsError) {
        self.send_alert(Alert::fatal(error.alert));
    }

    /// Say goodbye with close_notify (RFC 5246 §7.2.1).
    pub fn close_notify(&mut self) {
        self.send_alert(Alert {
            level: AlertLevel::WARNING,
            description: AlertDescription::CLOSE_NOTIFY,
        });
    }

    /// What an alert from the `peer` ("client" or "server") means (RFC 5246 §7.2): `Ok(true)`
    /// for close_notify (the peer is done), `Ok(false)` for a warning to ignore, an error for
    /// a fatal alert.
    pub fn peer_alert(&mut self, alert: Alert, peer: &str) -> Result<bool, TlsError> {
        if alert.description == AlertDescription::CLOSE_NOTIFY {
            Ok(true)
        } else if alert.level == AlertLevel::FATAL {
            Err(TlsError::new(
                alert.description,
                format!("the {peer} sent a fatal alert: {alert}"),
            ))
        } else {
            Ok(false)
        }
    }

    pub fn send_application_data(&mut self, data: &[u8]) -> Result<(), TlsError> {
        if self.write_keys.is_none() {
            return Err(TlsError::new(
                AlertDescription::INTERNAL_ERROR,
                "application data cannot be sent before the handshake protects it",
            ));
        }
        if !data.is_empty() {
            self.send_record(ContentType::APPLICATION_DATA, data);
        }
        Ok(())
    }

    /// A received handshake message, logged as an event.
    pub fn note_received(&mut self, message: &Handshake, len: usize) {
        self.events.push_back(Event::Message {
            direction: Direction::Received,
            handshake_type: message.handshake_type(),
            len,
        });
    }
}
