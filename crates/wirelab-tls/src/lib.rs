//! TLS 1.2 from the wire up (RFC 5246): the codec for every record and handshake message.
//! Being extended with the key schedule, record protection and the handshakes themselves.
#![forbid(unsafe_code)]

pub mod apps;
pub mod blocking;
pub mod cert;
pub mod client;
pub mod codec;
pub mod conn;
pub mod ecdh;
pub mod error;
pub mod event;
pub mod keylog;
pub mod keys;
pub mod names_table;
pub mod protect;
pub mod rsa_ops;
pub mod server;
pub mod session;
