//! IPv4 (RFC 791): the header that carries a datagram from one address to another.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |Type of Service|          Total Length         |
//! |         Identification        |Flags|      Fragment Offset    |
//! |  Time to Live |    Protocol   |         Header Checksum       |
//! |                       Source Address                          |
//! |                    Destination Address                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The stack sends without fragmentation (DF set); incoming fragments are parsed here and put
//! back together by the interface (`iface/reassembly.rs`).

use super::{checksum, fold, Error};
use std::fmt;
use std::net::Ipv4Addr;

/// The Protocol field. Open: unknown numbers are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpProtocol(pub u8);

impl IpProtocol {
    pub const ICMP: IpProtocol = IpProtocol(1);
    pub const TCP: IpProtocol = IpProtocol(6);
    pub const UDP: IpProtocol = IpProtocol(17);
}

pub const HEADER_LEN: usize = 20;

/// Byte offsets of the header's fields, as in the diagram above.
mod field {
    use std::ops::Range;
    /// Version in the high four bits, IHL (header length in 32-bit words) in the low four.
    pub const VERSION_IHL: usize = 0;
    pub const TOTAL_LENGTH: Range<usize> = 2..4;
    pub const CHECKSUM: Range<usize> = 10..12;
}

/// Bytes 6 and 7: the flags in the high three bits (reserved, DF, MF), the fragment offset
/// in 8-byte units in the other thirteen.
const DONT_FRAGMENT: u16 = 0x4000;
const MORE_FRAGMENTS: u16 = 0x2000;
const FRAGMENT_OFFSET: u16 = 0x1fff;

/// Where a fragment's payload sits in the original datagram (RFC 791 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fragment {
    /// Offset of the payload in the datagram, in bytes (the header field counts 8-byte units).
    pub offset: usize,
    /// MF: more fragments follow.
    pub more: bool,
}

impl Fragment {
    /// A datagram that is not a fragment (sent with DF).
    pub const WHOLE: Fragment = Fragment {
        offset: 0,
        more: false,
    };

    pub fn is_whole(self) -> bool {
        self == Fragment::WHOLE
    }
}

/// What an IPv4 header says, without options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ipv4Repr {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: IpProtocol,
    pub ttl: u8,
    /// Length of the payload (total length minus header length).
    pub payload_len: usize,
    pub identification: u16,
    pub fragment: Fragment,
}

impl Ipv4Repr {
    /// Parses and checks the header (version, lengths, checksum) and returns the payload as
    /// the total length declares it (Ethernet padding after it is cut off). Options are
    /// skipped.
    #[inline]
    pub fn parse(bytes: &[u8]) -> Result<(Ipv4Repr, &[u8]), Error> {
        let Some(fixed) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(Error::truncated("ipv4", HEADER_LEN, bytes.len()));
        };
        // The fixed header, named as in the diagram at the top of this file.
        let [version_ihl, _tos, len0, len1, id0, id1, ff0, ff1, ttl, protocol, ck0, ck1, s0, s1, s2, s3, d0, d1, d2, d3] =
            *fixed;
        if version_ihl >> 4 != 4 {
            return Err(Error::new(
                "ipv4",
                field::VERSION_IHL,
                format!("expected version 4, found {}", version_ihl >> 4),
            ));
        }
        let header_len = usize::from(version_ihl & 0x0f) * 4;
        let Some(header) = bytes.get(..header_len).filter(|_| header_len >= HEADER_LEN) else {
            return Err(Error::new(
                "ipv4",
                field::VERSION_IHL,
                format!(
                    "expected a header length (IHL) of 5 to 15 words within the {} bytes there are, found {}",
                    bytes.len(),
                    version_ihl & 0x0f
                ),
            ));
        };
        if checksum(0, header) != 0 {
            let mut zeroed = header.to_vec();
            if let Some(field) = zeroed.get_mut(field::CHECKSUM) {
                field.fill(0);
            }
            return Err(Error::new(
                "ipv4",
                field::CHECKSUM.start,
                format!(
                    "expected a header checksum of 0x{:04x}, found 0x{:04x}",
                    checksum(0, &zeroed),
                    u16::from_be_bytes([ck0, ck1])
                ),
            ));
        }
        let total = usize::from(u16::from_be_bytes([len0, len1]));
        let Some(payload) = bytes.get(header_len..total).filter(|_| total >= header_len) else {
            return Err(Error::new(
                "ipv4",
                field::TOTAL_LENGTH.start,
                format!(
                    "expected a total length between {header_len} and {} (the bytes there are), found {total}",
                    bytes.len()
                ),
            ));
        };
        let flags_fragment = u16::from_be_bytes([ff0, ff1]);
        let fragment = Fragment {
            offset: usize::from(flags_fragment & FRAGMENT_OFFSET) * 8,
            more: flags_fragment & MORE_FRAGMENTS != 0,
        };
        let repr = Ipv4Repr {
            src: Ipv4Addr::new(s0, s1, s2, s3),
            dst: Ipv4Addr::new(d0, d1, d2, d3),
            protocol: IpProtocol(protocol),
            ttl,
            payload_len: total - header_len,
            identification: u16::from_be_bytes([id0, id1]),
            fragment,
        };
        Ok((repr, payload))
    }

    /// Appends a 20-byte header (no options) with its checksum; DF is set on a whole
    /// datagram, which the stack never fragments.
    #[inline]
    pub fn emit(&self, out: &mut Vec<u8>) {
        let total_len = u16::try_from(HEADER_LEN + self.payload_len).unwrap_or(u16::MAX);
        let mut flags_fragment = ((self.fragment.offset / 8) as u16) & FRAGMENT_OFFSET;
        if self.fragment.is_whole() {
            flags_fragment |= DONT_FRAGMENT;
        }
        if self.fragment.more {
            flags_fragment |= MORE_FRAGMENTS;
        }
        let [s0, s1, s2, s3] = self.src.octets();
        let [d0, d1, d2, d3] = self.dst.octets();
        // The header as its ten 16-bit words, the checksum (the sixth) zero while it is
        // computed: version 4 and IHL 5, type of service 0; total length; identification;
        // flags and fragment offset; TTL and protocol; checksum; the two addresses.
        let mut words = [
            0x4500,
            total_len,
            self.identification,
            flags_fragment,
            u16::from_be_bytes([self.ttl, self.protocol.0]),
            0,
            u16::from_be_bytes([s0, s1]),
            u16::from_be_bytes([s2, s3]),
            u16::from_be_bytes([d0, d1]),
            u16::from_be_bytes([d2, d3]),
        ];
        // RFC 791: "the 16 bit one's complement of the one's complement sum of all 16 bit
        // words in the header", summed from the values rather than read back from bytes.
        let sum: u64 = words.iter().map(|word| u64::from(*word)).sum();
        words[5] = !(fold(sum) as u16);
        let start = out.len();
        out.resize(start + HEADER_LEN, 0);
        if let Some(header) = out.get_mut(start..) {
            for (bytes, word) in header.chunks_exact_mut(2).zip(words) {
                bytes.copy_from_slice(&word.to_be_bytes());
            }
        }
    }
}

impl fmt::Display for Ipv4Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IP {} > {}: proto {} length {}",
            self.src, self.dst, self.protocol.0, self.payload_len
        )
    }
}
