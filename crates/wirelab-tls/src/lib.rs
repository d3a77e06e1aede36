//! TLS 1.2 from the wire up (RFC 5246), sans-IO: it reads no clock, opens no socket, and is
//! given its randomness.
//!
//! ```text
//!  codec/     records, handshake messages, extensions, alerts: decode and encode
//!  keys/      PRF, master secret (and RFC 7627's extended one), key block, verify_data
//!  protect    record protection: AES-GCM, ChaCha20-Poly1305, AES-CBC + HMAC
//!  client/    the client's handshake, one state per expected message     ─┐  conn: the record
//!  server/    the server's handshake, the same way                        ─┘  layer under both
//!  endpoint   what both ends share: records in and out, alerts, application data
//!  event      every value a student should see, in the order it happens
//!  keylog     the NSS key log (SSLKEYLOGFILE) that lets Wireshark decrypt a capture
//!  cert       certificate summaries and a simple chain check
//!  blocking   a driver for any Read + Write stream; apps: echo and http for the server
//! ```
//!
//! RSA and finite-field Diffie-Hellman come from wirelab-crypto, hashes, HMAC and AES-GCM
//! from ring.
#![forbid(unsafe_code)]

pub mod apps;
pub mod blocking;
pub mod cert;
pub mod client;
pub mod codec;
pub mod conn;
pub mod ecdh;
pub mod endpoint;
pub mod error;
pub mod event;
pub mod keylog;
pub mod keys;
pub mod names_table;
pub mod protect;
pub mod rsa_ops;
pub mod server;
pub mod session;
