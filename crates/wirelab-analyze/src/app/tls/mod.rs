//! TLS records (RFC 5246 §6.2) over one direction of a reassembled TCP stream, dissected as
//! tshark shows them: one `tls.record` per record, on the frame where the record completes,
//! with the handshake messages it completes (joined across records per direction).
//!
//! ```text
//!  byte 0     content type   20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data
//!  bytes 1-2  version        3,3 = TLS 1.2 (3,1 in many a first ClientHello)
//!  bytes 3-4  length         of the fragment, at most 2^14 + 2048 once protected
//!  then       fragment       handshake messages / an alert / one byte 1 / encrypted data
//! ```
//!
//! A record is the unit the stream's message buffer cuts (`message_len` = 5 + length). What a
//! record means depends on the records before it (which suite was chosen, whether this side
//! already switched to encryption, part of a handshake message carried over), so the stream
//! keeps one [`Session`] per TCP connection and hands it each record in stream order
//! (`Session::record(node, bytes)`); the [`RecordView`] it returns is what [`dissect`] draws.

mod fields;
mod render;
mod session;
#[cfg(test)]
mod tests;

pub use fields::*;
pub use render::dissect;
pub use session::{Body, HandshakeView, RecordView, Secrets, Session};

use super::AppError;
use wirelab_tls::codec::record::{HEADER_LEN, MAX_FRAGMENT_LEN};

/// The length of the first record at the start of `bytes` (RFC 5246 §6.2.1), header included;
/// an SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2) counts as one record.
pub fn message_len(bytes: &[u8]) -> Result<Option<usize>, AppError> {
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    if first & 0x80 != 0 {
        // SSL 2.0 record header: a 15-bit length after the top bit.
        let Some(&second) = bytes.get(1) else {
            return Ok(None);
        };
        let len = 2 + ((usize::from(first & 0x7f) << 8) | usize::from(second));
        return Ok((bytes.len() >= len).then_some(len));
    }
    if !(20..=24).contains(&first) {
        return Err(AppError::new(
            0,
            "a TLS content type (20 to 24, RFC 5246 §6.2.1)",
            first.to_string(),
        ));
    }
    if let Some(&major) = bytes.get(1) {
        if major != 3 {
            return Err(AppError::new(
                1,
                "a TLS record version 3.x (RFC 5246 §6.2.1)",
                format!("{major}.x"),
            ));
        }
    }
    let (Some(&high), Some(&low)) = (bytes.get(3), bytes.get(4)) else {
        return Ok(None);
    };
    let length = usize::from(u16::from_be_bytes([high, low]));
    if length > MAX_FRAGMENT_LEN {
        return Err(AppError::new(
            3,
            format!("a record length of at most {MAX_FRAGMENT_LEN} (RFC 5246 §6.2.3)"),
            length.to_string(),
        ));
    }
    let len = HEADER_LEN + length;
    Ok((bytes.len() >= len).then_some(len))
}
