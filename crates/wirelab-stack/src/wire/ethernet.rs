//! Ethernet II frames (IEEE 802.3, "DIX" framing): two addresses and an EtherType.
//!
//! ```text
//!  0                   6                  12      14
//! +-------------------+-------------------+-------+---------------
//! | destination MAC   | source MAC        | type  | payload ...
//! +-------------------+-------------------+-------+---------------
//! ```

use super::{be16, Error};
use std::fmt;

mod field {
    use std::ops::Range;
    pub const DESTINATION: Range<usize> = 0..6;
    pub const SOURCE: Range<usize> = 6..12;
    pub const ETHERTYPE: usize = 12;
    pub const PAYLOAD: usize = 14;
}

pub const HEADER_LEN: usize = field::PAYLOAD;

/// A 48-bit MAC address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EthernetAddress(pub [u8; 6]);

impl EthernetAddress {
    pub const BROADCAST: EthernetAddress = EthernetAddress([0xff; 6]);

    pub fn is_broadcast(self) -> bool {
        self == Self::BROADCAST
    }
}

impl fmt::Display for EthernetAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

/// The EtherType: which protocol the payload holds. Open: unknown values are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EtherType(pub u16);

impl EtherType {
    pub const IPV4: EtherType = EtherType(0x0800);
    pub const ARP: EtherType = EtherType(0x0806);
}

/// What an Ethernet header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EthernetRepr {
    pub src: EthernetAddress,
    pub dst: EthernetAddress,
    pub ethertype: EtherType,
}

impl EthernetRepr {
    /// Parses the header and returns it with the payload.
    pub fn parse(bytes: &[u8]) -> Result<(EthernetRepr, &[u8]), Error> {
        let (Some(dst), Some(src), Some(ethertype), Some(payload)) = (
            bytes.get(field::DESTINATION),
            bytes.get(field::SOURCE),
            be16(bytes, field::ETHERTYPE),
            bytes.get(field::PAYLOAD..),
        ) else {
            return Err(Error::truncated("eth", HEADER_LEN, bytes.len()));
        };
        let mut repr = EthernetRepr {
            src: EthernetAddress([0; 6]),
            dst: EthernetAddress([0; 6]),
            ethertype: EtherType(ethertype),
        };
        repr.dst.0.copy_from_slice(dst);
        repr.src.0.copy_from_slice(src);
        Ok((repr, payload))
    }

    /// Appends the 14-byte header to `out`.
    #[inline]
    pub fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + HEADER_LEN, 0);
        if let Some(header) = out.get_mut(start..) {
            if let Some(header) = header.first_chunk_mut::<HEADER_LEN>() {
                header[field::DESTINATION].copy_from_slice(&self.dst.0);
                header[field::SOURCE].copy_from_slice(&self.src.0);
                header[field::ETHERTYPE..field::PAYLOAD]
                    .copy_from_slice(&self.ethertype.0.to_be_bytes());
            }
        }
    }
}

impl fmt::Display for EthernetRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} > {}, ethertype 0x{:04x}",
            self.src, self.dst, self.ethertype.0
        )
    }
}
