//! The record layer (RFC 5246 §6.2): TLS cuts everything it sends into records.
//!
//! ```text
//!  struct {
//!      ContentType type;                 1 byte:  20 change_cipher_spec, 21 alert,
//!                                                 22 handshake, 23 application_data
//!      ProtocolVersion version;          2 bytes: 3,3 for TLS 1.2
//!      uint16 length;                    at most 2^14 (+2048 once protected, §6.2.3)
//!      opaque fragment[TLSPlaintext.length];
//!  } TLSPlaintext;
//! ```
//!
//! Records do not line up with TCP segments: one segment can carry several records and one
//! record can span several segments. [`RecordBuffer`] takes a direction's bytes as they come
//! and hands out whole records.
//!
//! Before any TLS record, a client may send an SSL 2.0-compatible ClientHello (RFC 5246
//! Appendix E.2): its first byte has the top bit set. It is recognised and reported as such.

use super::enums::{ContentType, HandshakeType, ProtocolVersion};
use super::reader::{DecodeError, Reader, Writer};

/// Longest fragment a record may carry once protected: 2^14 + 2048 (RFC 5246 §6.2.3).
pub const MAX_FRAGMENT_LEN: usize = (1 << 14) + 2048;
/// The record header: type, version, length.
pub const HEADER_LEN: usize = 5;

/// One record, as on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub content_type: ContentType,
    pub version: ProtocolVersion,
    pub fragment: Vec<u8>,
}

impl Record {
    /// Read one record from the start of `bytes`; returns it and how many bytes it took.
    /// `Ok(None)` when `bytes` holds only part of a record.
    pub fn parse(bytes: &[u8]) -> Result<Option<(Record, usize)>, DecodeError> {
        if bytes.len() < HEADER_LEN {
            return Ok(None);
        }
        if bytes[0] & 0x80 != 0 {
            let found = if is_sslv2_client_hello(bytes) {
                "an SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2)".to_string()
            } else {
                format!("0x{:02x}", bytes[0])
            };
            return Err(Reader::new(bytes).error("TLS record", "a content type (20 to 24)", found));
        }
        let mut r = Reader::new(bytes);
        let content_type = ContentType(r.u8("TLS record type")?);
        let version = ProtocolVersion(r.u16("TLS record version")?);
        let length = r.u16("TLS record length")? as usize;
        if length > MAX_FRAGMENT_LEN {
            return Err(DecodeError {
                offset: 3,
                context: "TLS record length",
                expected: format!("at most {MAX_FRAGMENT_LEN} bytes (RFC 5246 §6.2.3)"),
                found: format!("{length}"),
            });
        }
        if r.remaining() < length {
            return Ok(None);
        }
        let fragment = r.take(length, "TLS record fragment")?.to_vec();
        Ok(Some((
            Record {
                content_type,
                version,
                fragment,
            },
            HEADER_LEN + length,
        )))
    }

    /// The record as bytes on the wire.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.u8(self.content_type.0);
        out.u16(self.version.0);
        out.vector(2, |body| body.bytes(&self.fragment));
    }
}

/// Whether `bytes` start like an SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2): a
/// two-byte length with the top bit set, then message type 1 (client_hello).
pub fn is_sslv2_client_hello(bytes: &[u8]) -> bool {
    bytes.len() >= 3 && bytes[0] & 0x80 != 0 && bytes[2] == HandshakeType::CLIENT_HELLO.0
}

/// Cuts one direction's byte stream into records.
#[derive(Clone, Debug, Default)]
pub struct RecordBuffer {
    pending: Vec<u8>,
    /// Stream offset of `pending[0]`, for error messages.
    consumed: usize,
}

impl RecordBuffer {
    pub fn new() -> RecordBuffer {
        RecordBuffer::default()
    }

    /// Add bytes that arrived.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// The next whole record, if the bytes so far hold one. An error is final: the stream is
    /// not TLS from here on (its offset counts from the first byte ever pushed).
    pub fn next_record(&mut self) -> Result<Option<Record>, DecodeError> {
        match Record::parse(&self.pending) {
            Ok(Some((record, used))) => {
                self.pending.drain(..used);
                self.consumed += used;
                Ok(Some(record))
            }
            Ok(None) => Ok(None),
            Err(mut error) => {
                error.offset += self.consumed;
                Err(error)
            }
        }
    }

    /// Bytes waiting for the rest of their record.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_split_across_segments_comes_out_whole() {
        let alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
        let mut buffer = RecordBuffer::new();
        buffer.push(&alert[..4]);
        assert_eq!(buffer.next_record().unwrap(), None);
        buffer.push(&alert[4..]);
        let record = buffer.next_record().unwrap().unwrap();
        assert_eq!(record.content_type, ContentType::ALERT);
        assert_eq!(record.fragment, [0x02, 0x28]);
        let mut out = Vec::new();
        record.encode(&mut out);
        assert_eq!(out, alert);
    }

    #[test]
    fn two_records_in_one_segment_come_out_one_by_one() {
        let ccs_then_alert = [
            0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00,
        ];
        let mut buffer = RecordBuffer::new();
        buffer.push(&ccs_then_alert);
        let first = buffer.next_record().unwrap().unwrap();
        let second = buffer.next_record().unwrap().unwrap();
        assert_eq!(first.content_type, ContentType::CHANGE_CIPHER_SPEC);
        assert_eq!(second.content_type, ContentType::ALERT);
        assert_eq!(buffer.next_record().unwrap(), None);
    }

    #[test]
    fn an_oversized_record_is_refused_with_the_limit() {
        let error = Record::parse(&[0x17, 0x03, 0x03, 0xff, 0xff]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "TLS record length at byte 3: expected at most 18432 bytes (RFC 5246 §6.2.3), found 65535"
        );
    }

    #[test]
    fn an_sslv2_hello_is_recognised_not_misread() {
        let hello = [0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15];
        assert!(is_sslv2_client_hello(&hello));
        let error = Record::parse(&hello).unwrap_err();
        assert!(error.found.contains("SSL 2.0-compatible ClientHello"));
    }
}
