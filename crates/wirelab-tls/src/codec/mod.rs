//! Decoding and encoding TLS 1.2 messages (RFC 5246), rustls-style: every structure has
//! `read(&mut Reader)` and `encode(&mut Vec<u8>)`, every length-prefixed vector is read
//! through a bounded sub-reader, and `encode(decode(bytes)) == bytes` for whatever decodes.
//!
//! ```text
//!  TCP bytes ─> RecordBuffer ─> Record {type, version, fragment}
//!                                 ├─ handshake ─> HandshakeBuffer ─> Handshake::decode
//!                                 ├─ alert ─────> Alert::decode
//!                                 ├─ change_cipher_spec (one byte: 1)
//!                                 └─ application_data (encrypted)
//! ```

pub mod alert;
pub mod enums;
pub mod extensions;
pub mod handshake;
pub mod hello;
pub mod kx;
pub mod reader;
pub mod record;

#[cfg(test)]
mod tests;

pub use alert::Alert;
pub use enums::*;
pub use extensions::{Extension, HelloKind};
pub use handshake::{CertificateRequest, Context, Handshake, HandshakeBuffer};
pub use hello::{ClientHello, ServerHello};
pub use kx::{ClientKeyExchange, DigitallySigned, KeyExchange, ServerKeyExchange, ServerParams};
pub use reader::{DecodeError, Reader, Writer};
pub use record::{Record, RecordBuffer};
