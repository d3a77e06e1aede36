//! TLS 1.2 from the wire up (RFC 5246): the codec for every record and handshake message.
//! Being extended with the key schedule, record protection and the handshakes themselves.
#![forbid(unsafe_code)]

pub mod codec;
pub mod keys;
pub mod protect;
pub mod names_table;
