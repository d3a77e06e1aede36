//! Alerts (RFC 5246 §7.2): how a peer says "closing" or "you broke a rule".
//!
//! ```text
//!  struct { AlertLevel level; AlertDescription description; } Alert;   2 bytes
//! ```

use super::enums::{AlertDescription, AlertLevel};
use super::reader::{DecodeError, Reader};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alert {
    pub level: AlertLevel,
    pub description: AlertDescription,
}

impl Alert {
    pub fn fatal(description: AlertDescription) -> Alert {
        Alert {
            level: AlertLevel::FATAL,
            description,
        }
    }

    pub fn decode(fragment: &[u8]) -> Result<Alert, DecodeError> {
        let mut r = Reader::new(fragment);
        let alert = Alert {
            level: AlertLevel(r.u8("Alert.level")?),
            description: AlertDescription(r.u8("Alert.description")?),
        };
        r.expect_end("Alert")?;
        Ok(alert)
    }

    pub fn to_bytes(self) -> [u8; 2] {
        [self.level.0, self.description.0]
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} alert: {}", self.level, self.description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fatal_handshake_failure_reads_as_such() {
        let alert = Alert::decode(&[2, 40]).unwrap();
        assert_eq!(alert, Alert::fatal(AlertDescription::HANDSHAKE_FAILURE));
        assert_eq!(alert.to_string(), "fatal alert: Handshake Failure");
        assert_eq!(alert.to_bytes(), [2, 40]);
    }

    #[test]
    fn an_alert_of_three_bytes_is_a_decode_error() {
        let error = Alert::decode(&[1, 0, 0]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Alert at byte 2: expected the end of the structure, found 1 more bytes"
        );
    }
}
