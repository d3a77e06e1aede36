//! ICMP for IPv4 (RFC 792): echo request/reply (ping) and destination unreachable.
//!
//! ```text
//! +--------+--------+-----------------+
//! |  type  |  code  |    checksum     |
//! +--------+--------+-----------------+
//! |   identifier    | sequence number |   (echo)   or   unused (unreachable)
//! +-----------------+-----------------+
//! | data ... (echo) or the offending IP header + 8 bytes (unreachable)
//! ```

use super::{be16, checksum, Error};
use std::fmt;

pub const HEADER_LEN: usize = 8;

mod kind {
    pub const ECHO_REPLY: u8 = 0;
    pub const DESTINATION_UNREACHABLE: u8 = 3;
    pub const ECHO_REQUEST: u8 = 8;
}

/// Code 3 of Destination Unreachable: the port is closed.
pub const PORT_UNREACHABLE: u8 = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IcmpRepr {
    EchoRequest {
        ident: u16,
        seq: u16,
        data: Vec<u8>,
    },
    EchoReply {
        ident: u16,
        seq: u16,
        data: Vec<u8>,
    },
    /// Quotes the IP header and the first 8 bytes of the datagram that could not be
    /// delivered (RFC 792; RFC 1812 allows more).
    DestinationUnreachable {
        code: u8,
        quoted: Vec<u8>,
    },
}

impl IcmpRepr {
    pub fn parse(bytes: &[u8]) -> Result<IcmpRepr, Error> {
        let (Some(&kind), Some(&code), Some(ident), Some(seq)) =
            (bytes.first(), bytes.get(1), be16(bytes, 4), be16(bytes, 6))
        else {
            return Err(Error::truncated("icmp", HEADER_LEN, bytes.len()));
        };
        if checksum(0, bytes) != 0 {
            return Err(Error::new(
                "icmp",
                2,
                format!(
                    "expected a valid checksum, found 0x{:04x}",
                    be16(bytes, 2).unwrap_or(0)
                ),
            ));
        }
        let rest = bytes.get(HEADER_LEN..).unwrap_or_default().to_vec();
        match (kind, code) {
            (kind::ECHO_REQUEST, 0) => Ok(IcmpRepr::EchoRequest {
                ident,
                seq,
                data: rest,
            }),
            (kind::ECHO_REPLY, 0) => Ok(IcmpRepr::EchoReply {
                ident,
                seq,
                data: rest,
            }),
            (kind::DESTINATION_UNREACHABLE, code) => {
                Ok(IcmpRepr::DestinationUnreachable { code, quoted: rest })
            }
            (kind, code) => Err(Error::new(
                "icmp",
                0,
                format!("expected echo or destination unreachable, found type {kind} code {code}"),
            )),
        }
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let (kind, code, word, data): (u8, u8, [u8; 4], &[u8]) = match self {
            IcmpRepr::EchoRequest { ident, seq, data } => {
                let [a, b] = ident.to_be_bytes();
                let [c, d] = seq.to_be_bytes();
                (kind::ECHO_REQUEST, 0, [a, b, c, d], data)
            }
            IcmpRepr::EchoReply { ident, seq, data } => {
                let [a, b] = ident.to_be_bytes();
                let [c, d] = seq.to_be_bytes();
                (kind::ECHO_REPLY, 0, [a, b, c, d], data)
            }
            IcmpRepr::DestinationUnreachable { code, quoted } => {
                (kind::DESTINATION_UNREACHABLE, *code, [0; 4], quoted)
            }
        };
        out.extend_from_slice(&[kind, code, 0, 0]);
        out.extend_from_slice(&word);
        out.extend_from_slice(data);
        let check = checksum(0, out.get(start..).unwrap_or_default());
        if let Some(slot) = out.get_mut(start + 2..start + 4) {
            slot.copy_from_slice(&check.to_be_bytes());
        }
    }
}

impl fmt::Display for IcmpRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IcmpRepr::EchoRequest { ident, seq, data } => write!(
                f,
                "ICMP echo request, id {ident}, seq {seq}, length {}",
                data.len() + HEADER_LEN
            ),
            IcmpRepr::EchoReply { ident, seq, data } => write!(
                f,
                "ICMP echo reply, id {ident}, seq {seq}, length {}",
                data.len() + HEADER_LEN
            ),
            IcmpRepr::DestinationUnreachable { code, .. } => {
                write!(f, "ICMP destination unreachable, code {code}")
            }
        }
    }
}
