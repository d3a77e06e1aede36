//! Application protocols, dissected over the bytes the stream reassembly delivers in order.
//!
//! ```text
//!  one direction of a TCP stream, in order
//!  ──────────────────────────────────────────────────────────────▶
//!  │ message 1          │ message 2 │ message 3 (still arriving)
//!  ▲ message_len(bytes) = Some(n): cut n bytes, dissect(message, frame_offset, d)
//!                                  ▲ message_len(rest) = None: wait for more bytes
//! ```
//!
//! Each protocol module offers the same two functions:
//! - `message_len(bytes)`: the length of the first complete message at the start of `bytes`
//!   (`Ok(None)`: more bytes needed; `Err`: these bytes are not this protocol, or are broken
//!   beyond finding where the message ends). It never reads past `bytes` and never returns a
//!   length longer than `bytes`.
//! - `dissect(message, frame_offset, d)`: adds a top-level layer (`http`, `mqtt`) to the frame's
//!   dissection. `frame_offset` is `Some(offset)` when the whole message lies in the current
//!   frame from that byte on (its items get real byte ranges), `None` when it was reassembled
//!   from several frames (its items get empty ranges at 0).
//!
//! HTTP/1.x also has `http::message_len_at_close(bytes)`: at the end of a direction, a response
//! with neither Content-Length nor chunked coding ends where the connection closes
//! (RFC 9112 §6.3 rule 8).
//!
//! MQTT 5.0 packets carry properties that MQTT 3.1.1 packets do not, and only the CONNECT says
//! which version a connection speaks. So the reassembly keeps one [`mqtt::Session`] per TCP
//! stream (both directions): `session.observe(message)` on each message in stream order as it is
//! cut (a CONNECT sets the version), and `mqtt::dissect_in(message, frame_offset, &session, d)`
//! with a copy of the session taken then. `mqtt::dissect` (no session) reads the version from
//! the message itself when it is a CONNECT and assumes 3.1.1 otherwise, as tshark does when it
//! has not seen the CONNECT.
//!
//! TLS records mean what the records before them set up (the suite, a handshake message
//! carried over, whether this side switched to encryption), so the reassembly keeps one
//! [`tls::Session`] per TCP stream too: `session.record(node, record)` on each record in stream
//! order returns the [`tls::RecordView`] that `tls::dissect(record, frame_offset, &view, d)` draws.

pub mod http;
pub mod mqtt;
pub mod tls;

#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;
use wirelab_wire::{Dissection, FieldDef, Value};

/// Every field of the application dissectors.
pub static FIELDS: &[&FieldDef] = &[
    &http::HTTP,
    &http::REQUEST,
    &http::RESPONSE,
    &http::REQUEST_METHOD,
    &http::REQUEST_URI,
    &http::REQUEST_VERSION,
    &http::REQUEST_LINE,
    &http::RESPONSE_VERSION,
    &http::RESPONSE_CODE,
    &http::RESPONSE_PHRASE,
    &http::RESPONSE_LINE,
    &http::HOST,
    &http::USER_AGENT,
    &http::ACCEPT,
    &http::SERVER,
    &http::DATE,
    &http::LOCATION,
    &http::CONTENT_LENGTH_HEADER,
    &http::CONTENT_LENGTH,
    &http::CONTENT_TYPE,
    &http::CONNECTION,
    &http::TRANSFER_ENCODING,
    &http::FULL_URI,
    &http::CHUNK_SIZE,
    &http::FILE_DATA,
    &http::OTHER_HEADER,
    &mqtt::MQTT,
    &mqtt::HDRFLAGS,
    &mqtt::MSGTYPE,
    &mqtt::HDR_RESERVED,
    &mqtt::DUPFLAG,
    &mqtt::QOS,
    &mqtt::RETAIN,
    &mqtt::LEN,
    &mqtt::PROTO_LEN,
    &mqtt::PROTONAME,
    &mqtt::VER,
    &mqtt::CONFLAGS,
    &mqtt::CONFLAG_UNAME,
    &mqtt::CONFLAG_PASSWD,
    &mqtt::CONFLAG_RETAIN,
    &mqtt::CONFLAG_QOS,
    &mqtt::CONFLAG_WILLFLAG,
    &mqtt::CONFLAG_CLEANSESS,
    &mqtt::CONFLAG_RESERVED,
    &mqtt::KALIVE,
    &mqtt::CLIENTID_LEN,
    &mqtt::CLIENTID,
    &mqtt::WILLTOPIC_LEN,
    &mqtt::WILLTOPIC,
    &mqtt::WILLMSG_LEN,
    &mqtt::WILLMSG,
    &mqtt::USERNAME_LEN,
    &mqtt::USERNAME,
    &mqtt::PASSWD_LEN,
    &mqtt::PASSWD,
    &mqtt::CONACK_FLAGS,
    &mqtt::CONACK_FLAGS_RESERVED,
    &mqtt::CONACK_FLAGS_SP,
    &mqtt::CONACK_VAL,
    &mqtt::CONNACK_REASON,
    &mqtt::PUBACK_REASON,
    &mqtt::PUBREC_REASON,
    &mqtt::PUBREL_REASON,
    &mqtt::PUBCOMP_REASON,
    &mqtt::SUBACK_REASON,
    &mqtt::UNSUBACK_REASON,
    &mqtt::DISCONNECT_REASON,
    &mqtt::AUTH_REASON,
    &mqtt::MSGID,
    &mqtt::TOPIC_LEN,
    &mqtt::TOPIC,
    &mqtt::MSG,
    &mqtt::SUB_QOS,
    &mqtt::SUBACK_QOS,
    &mqtt::SUBSCRIPTION_OPTIONS,
    &mqtt::SUBSCRIPTION_QOS,
    &mqtt::SUBSCRIPTION_NL,
    &mqtt::SUBSCRIPTION_RAP,
    &mqtt::SUBSCRIPTION_RETAIN,
    &mqtt::SUBSCRIPTION_RESERVED,
    &mqtt::PROPERTIES,
    &mqtt::WILL_PROPERTIES,
    &mqtt::PROPERTY_LEN,
    &mqtt::PROPERTY_ID,
    &mqtt::PROP_NUMBER,
    &mqtt::PROP_CONTENT_TYPE,
    &mqtt::PROP_MAX_QOS,
    &mqtt::PROP_TOPIC_ALIAS,
    &mqtt::PROP_STRING_LEN,
    &mqtt::PROP_STRING,
    &mqtt::PROP_KEY_LEN,
    &mqtt::PROP_KEY,
    &mqtt::PROP_VALUE_LEN,
    &mqtt::PROP_VALUE,
    &tls::TLS,
    &tls::RECORD,
    &tls::RECORD_CONTENT_TYPE,
    &tls::RECORD_VERSION,
    &tls::RECORD_LENGTH,
    &tls::APP_DATA,
    &tls::CHANGE_CIPHER_SPEC,
    &tls::ALERT_MESSAGE,
    &tls::ALERT_LEVEL,
    &tls::ALERT_DESC,
    &tls::HANDSHAKE,
    &tls::HANDSHAKE_TYPE,
    &tls::HANDSHAKE_LENGTH,
    &tls::HANDSHAKE_VERSION,
    &tls::RANDOM,
    &tls::SESSION_ID_LENGTH,
    &tls::SESSION_ID,
    &tls::CIPHER_SUITES_LENGTH,
    &tls::CIPHERSUITES,
    &tls::CIPHERSUITE,
    &tls::COMP_METHODS_LENGTH,
    &tls::COMP_METHODS,
    &tls::COMP_METHOD,
    &tls::EXTENSIONS_LENGTH,
    &tls::EXTENSION,
    &tls::EXTENSION_TYPE,
    &tls::EXTENSION_LEN,
    &tls::SERVER_NAME_LIST_LEN,
    &tls::SERVER_NAME_TYPE,
    &tls::SERVER_NAME_LEN,
    &tls::SERVER_NAME,
    &tls::SUPPORTED_GROUP,
    &tls::EC_POINT_FORMAT,
    &tls::SIG_HASH_ALG,
    &tls::ALPN_STR,
    &tls::CERTIFICATES_LENGTH,
    &tls::CERTIFICATES,
    &tls::CERTIFICATE_LENGTH,
    &tls::CERTIFICATE,
    &tls::SERVER_CURVE_TYPE,
    &tls::SERVER_NAMED_CURVE,
    &tls::SERVER_POINT_LEN,
    &tls::SERVER_POINT,
    &tls::DH_P_LEN,
    &tls::DH_P,
    &tls::DH_G_LEN,
    &tls::DH_G,
    &tls::DH_YS_LEN,
    &tls::DH_YS,
    &tls::SIG_LEN,
    &tls::SIG,
    &tls::EPMS_LEN,
    &tls::EPMS,
    &tls::CLIENT_POINT_LEN,
    &tls::CLIENT_POINT,
    &tls::DH_YC_LEN,
    &tls::DH_YC,
    &tls::VERIFY_DATA,
    &tls::TICKET_LIFETIME_HINT,
    &tls::SESSION_TICKET,
    &tls::DECRYPTED,
    &tls::DECRYPT_PROBLEM,
];

/// Why bytes are not a message of the protocol, or where a message stops making sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppError {
    /// Byte offset from the start of the bytes given.
    pub offset: usize,
    /// What the protocol requires there.
    pub expected: String,
    /// What the bytes hold instead.
    pub found: String,
}

impl AppError {
    pub fn new(offset: usize, expected: impl Into<String>, found: impl Into<String>) -> AppError {
        AppError {
            offset,
            expected: expected.into(),
            found: found.into(),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {} of the message: expected {}, found {}",
            self.offset, self.expected, self.found
        )
    }
}

impl std::error::Error for AppError {}

/// Where a message's bytes are in the frame, so that its items get the right byte ranges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Placement {
    frame_offset: Option<usize>,
}

impl Placement {
    pub(crate) fn new(frame_offset: Option<usize>) -> Placement {
        Placement { frame_offset }
    }

    /// The frame range of message bytes `range`; empty when the message was reassembled.
    pub(crate) fn range(self, range: Range<usize>) -> Range<usize> {
        match self.frame_offset {
            Some(offset) => offset + range.start..offset + range.end,
            None => 0..0,
        }
    }

    /// The frame offset of message byte `offset` (the message offset when reassembled).
    pub(crate) fn offset(self, offset: usize) -> usize {
        self.frame_offset.unwrap_or(0) + offset
    }

    /// A byte-string value: the item's own bytes when they are in this frame; otherwise the
    /// bytes as hex text, which prints the same in `-T fields`.
    pub(crate) fn bytes_value(self, bytes: &[u8], d: &mut Dissection) -> Value {
        if self.frame_offset.is_some() {
            return Value::Bytes;
        }
        d.text_value(format_args!("{}", Hex(bytes)))
    }
}

/// Bytes as lowercase hex.
pub(crate) struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Text from the wire, shown as text: invalid UTF-8 becomes U+FFFD.
pub(crate) fn text_of(bytes: &[u8], d: &mut Dissection) -> Value {
    d.text_value(format_args!("{}", String::from_utf8_lossy(bytes)))
}

/// The Protocol and Info columns for one more message of `protocol` in this frame: the first
/// replaces what TCP wrote; later ones (several messages in one segment) are appended after a
/// comma, as tshark does.
pub(crate) fn set_columns(d: &mut Dissection, protocol: &'static str, info: fmt::Arguments<'_>) {
    use std::fmt::Write;
    if d.protocol == protocol && !d.info.is_empty() {
        d.info.push_str(", ");
    } else {
        d.protocol = protocol;
        d.info.clear();
    }
    let _ = d.info.write_fmt(info);
}
