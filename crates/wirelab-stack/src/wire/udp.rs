//! UDP (RFC 768): ports, a length and a checksum over the pseudo-header.

use super::{checksum, pseudo_header_sum, Error, IpProtocol};
use std::fmt;
use std::net::Ipv4Addr;

pub const HEADER_LEN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UdpRepr {
    pub src_port: u16,
    pub dst_port: u16,
}

impl UdpRepr {
    /// Parses a datagram between `src` and `dst` and returns its payload. A zero checksum
    /// means "not computed" in IPv4 (RFC 768) and is accepted.
    pub fn parse(bytes: &[u8], src: Ipv4Addr, dst: Ipv4Addr) -> Result<(UdpRepr, &[u8]), Error> {
        // Source port, destination port, length, checksum: four 16-bit fields.
        let Some(&[sp0, sp1, dp0, dp1, len0, len1, ck0, ck1]) = bytes.first_chunk::<HEADER_LEN>()
        else {
            return Err(Error::truncated("udp", HEADER_LEN, bytes.len()));
        };
        let length = usize::from(u16::from_be_bytes([len0, len1]));
        let stored_checksum = u16::from_be_bytes([ck0, ck1]);
        if length < HEADER_LEN || length > bytes.len() {
            return Err(Error::new(
                "udp",
                4,
                format!(
                    "expected a length between 8 and {}, found {length}",
                    bytes.len()
                ),
            ));
        }
        let datagram = bytes.get(..length).unwrap_or_default();
        if stored_checksum != 0 {
            let sum = pseudo_header_sum(src, dst, IpProtocol::UDP.0, length);
            if checksum(sum, datagram) != 0 {
                return Err(Error::new(
                    "udp",
                    6,
                    format!("expected a valid checksum, found 0x{stored_checksum:04x}"),
                ));
            }
        }
        let repr = UdpRepr {
            src_port: u16::from_be_bytes([sp0, sp1]),
            dst_port: u16::from_be_bytes([dp0, dp1]),
        };
        Ok((repr, datagram.get(HEADER_LEN..).unwrap_or_default()))
    }

    /// Appends header and payload, with the checksum.
    pub fn emit(&self, src: Ipv4Addr, dst: Ipv4Addr, payload: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        let length = (HEADER_LEN + payload.len()) as u16;
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(payload);
        let sum = pseudo_header_sum(src, dst, IpProtocol::UDP.0, usize::from(length));
        let mut check = checksum(sum, out.get(start..).unwrap_or_default());
        if check == 0 {
            check = 0xffff; // 0 would mean "no checksum" (RFC 768)
        }
        if let Some(slot) = out.get_mut(start + 6..start + 8) {
            slot.copy_from_slice(&check.to_be_bytes());
        }
    }
}

impl fmt::Display for UdpRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UDP {} > {}", self.src_port, self.dst_port)
    }
}
