//! The NSS key log format: one line per secret, which Wireshark, curl, Firefox and OpenSSL
//! (`SSLKEYLOGFILE`) all read and write, so that a capture of an encrypted session can be
//! decrypted by whoever holds the log.
//!
//! ```text
//!  # comment
//!  CLIENT_RANDOM <64 hex digits: ClientHello.random> <96 hex digits: master secret>
//! ```
//!
//! TLS 1.2 needs only `CLIENT_RANDOM` lines; the TLS 1.3 labels (`CLIENT_HANDSHAKE_TRAFFIC_SECRET`…)
//! are read and kept so that a mixed log loads, but are not used here. OpenSSL also writes, for
//! an RSA key exchange, `RSA <first 8 bytes of the encrypted pre-master> <pre-master>` lines:
//! they are skipped, since the `CLIENT_RANDOM` line of the same session has its master secret.

use std::collections::HashMap;
use std::fmt;

/// One problem in a key log file: which line and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLogError {
    pub line: usize,
    pub problem: String,
}

impl fmt::Display for KeyLogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl std::error::Error for KeyLogError {}

/// Secrets by label and client random.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyLog {
    secrets: HashMap<(String, [u8; 32]), Vec<u8>>,
}

impl KeyLog {
    pub fn new() -> KeyLog {
        KeyLog::default()
    }

    /// Read a key log. Blank lines and `#` comments are skipped; any other malformed line is an
    /// error naming it (a truncated log should not silently decrypt nothing).
    pub fn parse(text: &str) -> Result<KeyLog, KeyLogError> {
        let mut log = KeyLog::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |problem: String| KeyLogError {
                line: index + 1,
                problem,
            };
            if line.starts_with("RSA ") {
                continue;
            }
            let mut words = line.split_ascii_whitespace();
            let (Some(label), Some(random), Some(secret), None) =
                (words.next(), words.next(), words.next(), words.next())
            else {
                return Err(error(
                    "expected three words: LABEL CLIENT_RANDOM SECRET".to_string(),
                ));
            };
            let random: [u8; 32] = unhex(random)
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or_else(|| {
                    error(format!(
                        "the client random must be 64 hex digits, found {random:?}"
                    ))
                })?;
            let secret = unhex(secret)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| error("the secret must be hex digits".to_string()))?;
            if label == "CLIENT_RANDOM" && secret.len() != 48 {
                return Err(error(format!(
                    "a TLS 1.2 master secret is 48 bytes (96 hex digits), found {}",
                    secret.len()
                )));
            }
            log.secrets.insert((label.to_string(), random), secret);
        }
        Ok(log)
    }

    /// Remember a TLS 1.2 master secret.
    pub fn insert_master_secret(&mut self, client_random: [u8; 32], master_secret: Vec<u8>) {
        self.secrets
            .insert(("CLIENT_RANDOM".to_string(), client_random), master_secret);
    }

    /// The master secret of the session that began with this ClientHello.random.
    pub fn master_secret(&self, client_random: &[u8; 32]) -> Option<&[u8]> {
        self.secrets
            .get(&("CLIENT_RANDOM".to_string(), *client_random))
            .map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

/// The key log line for a TLS 1.2 session, as appended to `--keylog FILE` or `SSLKEYLOGFILE`.
pub fn client_random_line(client_random: &[u8; 32], master_secret: &[u8]) -> String {
    format!(
        "CLIENT_RANDOM {} {}\n",
        hex(client_random),
        hex(master_secret)
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn illustrated_log() -> String {
        let path = format!(
            "{}/tests/data/illustrated-tls12/keylog.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn the_illustrated_key_log_gives_the_master_secret_of_its_client_random() {
        let log = KeyLog::parse(&illustrated_log()).unwrap();
        let random: [u8; 32] = std::array::from_fn(|i| i as u8);
        let master = log.master_secret(&random).unwrap();
        assert_eq!(hex(&master[..4]), "916abf9d");
        assert_eq!(log.master_secret(&[0; 32]), None);
    }

    #[test]
    fn a_written_line_reads_back() {
        let line = client_random_line(&[0xab; 32], &[0x01; 48]);
        assert!(line.starts_with("CLIENT_RANDOM abab"));
        let log = KeyLog::parse(&format!("# made by wirelab\n\n{line}")).unwrap();
        assert_eq!(log.master_secret(&[0xab; 32]), Some(&[0x01; 48][..]));
    }

    #[test]
    fn openssl_rsa_lines_are_skipped() {
        let log = format!(
            "RSA 0011223344556677 {}\n{}",
            "ab".repeat(48),
            client_random_line(&[1; 32], &[2; 48])
        );
        let log = KeyLog::parse(&log).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log.master_secret(&[1; 32]), Some(&[2; 48][..]));
    }

    #[test]
    fn a_malformed_line_is_reported_with_its_number() {
        let error = KeyLog::parse("# ok\nCLIENT_RANDOM 0011 22").unwrap_err();
        assert_eq!(
            error.to_string(),
            "line 2: the client random must be 64 hex digits, found \"0011\""
        );
        let short_secret = format!("CLIENT_RANDOM {} 00", "00".repeat(32));
        assert!(KeyLog::parse(&short_secret)
            .unwrap_err()
            .problem
            .contains("48 bytes"));
    }
}
