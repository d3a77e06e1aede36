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

use super::{checksum, Error};
use etherparse::{IpNumber, Ipv4Header, Ipv4HeaderSlice};
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
    /// the total length declares it (Ethernet padding after it is cut off).
    pub fn parse(bytes: &[u8]) -> Result<(Ipv4Repr, &[u8]), Error> {
        let header =
            Ipv4HeaderSlice::from_slice(bytes).map_err(|e| Error::new("ipv4", 0, e.to_string()))?;
        let header_len = header.slice().len();
        let stored = header.header_checksum();
        if checksum(0, header.slice()) != 0 {
            let computed = header.to_header().calc_header_checksum();
            return Err(Error::new(
                "ipv4",
                10,
                format!("expected a header checksum of 0x{computed:04x}, found 0x{stored:04x}"),
            ));
        }
        let total = usize::from(header.total_len());
        if total < header_len || total > bytes.len() {
            return Err(Error::new(
                "ipv4",
                2,
                format!(
                    "expected a total length between {header_len} and {} (the bytes there are), found {total}",
                    bytes.len()
                ),
            ));
        }
        let fragment = Fragment {
            offset: usize::from(header.fragments_offset().value()) * 8,
            more: header.more_fragments(),
        };
        let repr = Ipv4Repr {
            src: header.source_addr(),
            dst: header.destination_addr(),
            protocol: IpProtocol(header.protocol().0),
            ttl: header.ttl(),
            payload_len: total - header_len,
            identification: header.identification(),
            fragment,
        };
        let payload = bytes.get(header_len..total).unwrap_or_default();
        Ok((repr, payload))
    }

    /// Appends a 20-byte header with DF set and its checksum.
    pub fn emit(&self, out: &mut Vec<u8>) {
        let payload_len = u16::try_from(self.payload_len).unwrap_or(u16::MAX);
        let mut header = Ipv4Header::new(
            payload_len.saturating_sub(HEADER_LEN as u16),
            self.ttl,
            IpNumber(self.protocol.0),
            self.src.octets(),
            self.dst.octets(),
        )
        .unwrap_or_default();
        // Ipv4Header::new takes the payload length; set it exactly (it may be near 65515).
        let _ = header.set_payload_len(self.payload_len);
        header.identification = self.identification;
        header.dont_fragment = self.fragment.is_whole();
        header.more_fragments = self.fragment.more;
        header.fragment_offset =
            etherparse::IpFragOffset::try_new((self.fragment.offset / 8) as u16)
                .unwrap_or_default();
        header.header_checksum = header.calc_header_checksum();
        out.extend_from_slice(&header.to_bytes());
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
