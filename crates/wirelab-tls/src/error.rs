//! A TLS failure: what was wrong, and the alert that tells the peer (RFC 5246 §7.2.2).

use crate::codec::{AlertDescription, DecodeError};
use std::fmt;

/// Why a connection failed. The alert is what was (or is to be) sent to the peer; the message
/// says what exactly was wrong, for the person reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsError {
    pub alert: AlertDescription,
    pub message: String,
}

impl TlsError {
    pub fn new(alert: AlertDescription, message: impl Into<String>) -> TlsError {
        TlsError {
            alert,
            message: message.into(),
        }
    }

    /// A message of a type the current state does not expect (RFC 5246 §7.2.2).
    pub fn unexpected(expected: &str, found: impl fmt::Display) -> TlsError {
        TlsError::new(
            AlertDescription::UNEXPECTED_MESSAGE,
            format!("expected {expected}, received {found}"),
        )
    }

    pub fn illegal_parameter(message: impl Into<String>) -> TlsError {
        TlsError::new(AlertDescription::ILLEGAL_PARAMETER, message)
    }

    pub fn handshake_failure(message: impl Into<String>) -> TlsError {
        TlsError::new(AlertDescription::HANDSHAKE_FAILURE, message)
    }
}

impl From<DecodeError> for TlsError {
    /// A message that does not decode is answered with decode_error (RFC 5246 §7.2.2).
    fn from(error: DecodeError) -> TlsError {
        TlsError::new(AlertDescription::DECODE_ERROR, error.to_string())
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.alert)
    }
}

impl std::error::Error for TlsError {}
