//! Everything a student should see during a handshake, as events in the order they happen.
//! The CLI's `--trace`, the demos and the TUI all show these; nothing here is computed for
//! display only — each value is the one the connection uses.

use crate::codec::{Alert, CipherSuite, HandshakeType, NamedGroup, SignatureScheme};
use crate::keys::Side;
use std::fmt;

/// Which way a message or record went, seen from this endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
}

/// One observable step of a TLS connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A handshake message went by (its type and length, header included).
    Message {
        direction: Direction,
        handshake_type: HandshakeType,
        len: usize,
    },
    ClientRandom(Vec<u8>),
    ServerRandom(Vec<u8>),
    /// The suite the server chose, and whether the extended master secret is in use.
    SuiteChosen {
        suite: CipherSuite,
        extended_master_secret: bool,
    },
    /// The server's certificate chain, one summary line per certificate.
    Certificates(Vec<String>),
    /// Whether the chain was verified, and how.
    CertificateTrust(String),
    /// The server's Diffie-Hellman parameters from its ServerKeyExchange.
    DhParameters {
        p: Vec<u8>,
        g: Vec<u8>,
        server_public: Vec<u8>,
    },
    EcdhParameters {
        group: NamedGroup,
        server_public: Vec<u8>,
    },
    /// The server's signature over the randoms and its key-exchange parameters was checked.
    SignatureVerified {
        scheme: SignatureScheme,
    },
    /// This side's own key-exchange value, as sent in ClientKeyExchange or ServerKeyExchange.
    OwnPublicValue(Vec<u8>),
    PreMasterSecret(Vec<u8>),
    /// The hash of the handshake up to the ClientKeyExchange (RFC 7627 §3), when the extended
    /// master secret is in use.
    SessionHash(Vec<u8>),
    MasterSecret(Vec<u8>),
    KeyBlock {
        client_write_mac_key: Vec<u8>,
        server_write_mac_key: Vec<u8>,
        client_write_key: Vec<u8>,
        server_write_key: Vec<u8>,
        client_write_iv: Vec<u8>,
        server_write_iv: Vec<u8>,
    },
    /// A ChangeCipherSpec: from now on this direction's records are protected.
    ChangeCipherSpec(Direction),
    VerifyData {
        side: Side,
        value: Vec<u8>,
    },
    /// A protected record: its sequence number and the nonce (or CBC IV) it used.
    ProtectedRecord {
        direction: Direction,
        seq: u64,
        nonce: Vec<u8>,
        len: usize,
    },
    HandshakeComplete,
    Alert {
        direction: Direction,
        alert: Alert,
    },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Sent => "sent",
            Direction::Received => "received",
        })
    }
}

impl fmt::Display for Event {
    /// One line per event (long values in hex on the same line), for `--trace`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Message {
                direction,
                handshake_type,
                len,
            } => write!(f, "{direction} {handshake_type} ({len} bytes)"),
            Event::ClientRandom(r) => write!(f, "client random: {}", hex(r)),
            Event::ServerRandom(r) => write!(f, "server random: {}", hex(r)),
            Event::SuiteChosen {
                suite,
                extended_master_secret,
            } => write!(
                f,
                "cipher suite: {suite} (0x{:04x}); extended master secret: {}",
                suite.0,
                if *extended_master_secret { "yes" } else { "no" }
            ),
            Event::Certificates(chain) => {
                write!(f, "certificate chain:")?;
                for (i, line) in chain.iter().enumerate() {
                    write!(f, "\n  [{i}] {line}")?;
                }
                Ok(())
            }
            Event::CertificateTrust(verdict) => write!(f, "certificate: {verdict}"),
            Event::DhParameters {
                p,
                g,
                server_public,
            } => write!(
                f,
                "DH parameters: p ({} bits) = {}\n  g = {}\n  server public Ys = {}",
                p.len() * 8,
                hex(p),
                hex(g),
                hex(server_public)
            ),
            Event::EcdhParameters {
                group,
                server_public,
            } => write!(
                f,
                "ECDH group {group}, server public = {}",
                hex(server_public)
            ),
            Event::SignatureVerified { scheme } => {
                write!(f, "server key exchange signature verified ({scheme})")
            }
            Event::OwnPublicValue(v) => write!(f, "our public value: {}", hex(v)),
            Event::PreMasterSecret(s) => write!(f, "pre-master secret: {}", hex(s)),
            Event::SessionHash(h) => write!(f, "session hash: {}", hex(h)),
            Event::MasterSecret(s) => write!(f, "master secret: {}", hex(s)),
            Event::KeyBlock {
                client_write_mac_key,
                server_write_mac_key,
                client_write_key,
                server_write_key,
                client_write_iv,
                server_write_iv,
            } => {
                write!(f, "key block:")?;
                for (name, value) in [
                    ("client_write_MAC_key", client_write_mac_key),
                    ("server_write_MAC_key", server_write_mac_key),
                    ("client_write_key", client_write_key),
                    ("server_write_key", server_write_key),
                    ("client_write_IV", client_write_iv),
                    ("server_write_IV", server_write_iv),
                ] {
                    if !value.is_empty() {
                        write!(f, "\n  {name:<20} {}", hex(value))?;
                    }
                }
                Ok(())
            }
            Event::ChangeCipherSpec(direction) => write!(f, "{direction} ChangeCipherSpec"),
            Event::VerifyData { side, value } => {
                write!(f, "{} verify_data: {}", side.name(), hex(value))
            }
            Event::ProtectedRecord {
                direction,
                seq,
                nonce,
                len,
            } => write!(
                f,
                "{direction} protected record seq={seq} nonce={} ({len} bytes)",
                hex(nonce)
            ),
            Event::HandshakeComplete => write!(f, "handshake complete"),
            Event::Alert { direction, alert } => write!(f, "{direction} {alert}"),
        }
    }
}
