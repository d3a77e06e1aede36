//! Packet formats, one file per protocol: a `Repr` struct that says what a header means
//! (not how its bits are laid out), with `parse` from untrusted bytes and `emit` into a buffer.
//!
//! The panic rule: `parse` takes any bytes and never panics; what it rejects comes back as an
//! [`Error`] naming the layer, the byte offset, what was expected and what was found.
//! Every header is read and written by hand, field by field as its RFC draws it (the
//! diagram heads each file): that is what a student compares with the RFC, and it is
//! faster than converting through a general-purpose parser (these run for every segment).
//! The checksum is computed once per segment, over the bytes as they are in the frame.

use std::fmt;

pub mod arp;
pub mod ethernet;
pub mod icmp;
pub mod ipv4;
pub mod tcp;
pub mod udp;

pub use arp::{ArpOperation, ArpRepr};
pub use ethernet::{EtherType, EthernetAddress, EthernetRepr};
pub use icmp::IcmpRepr;
pub use ipv4::{Fragment, IpProtocol, Ipv4Repr};
pub use tcp::{Control, SeqNumber, TcpOptions, TcpRepr, TcpSummary};
pub use udp::UdpRepr;

/// Why bytes were rejected: `TCP at byte 0: expected a checksum of 0x1c46, found 0x1c47`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The layer's short name (`tcp`, `ipv4`).
    pub layer: &'static str,
    /// Offset from the start of that layer's header.
    pub offset: usize,
    pub problem: String,
}

impl Error {
    pub(crate) fn new(layer: &'static str, offset: usize, problem: impl Into<String>) -> Error {
        Error {
            layer,
            offset,
            problem: problem.into(),
        }
    }

    /// The bytes end before the layer's header does.
    pub(crate) fn truncated(layer: &'static str, needed: usize, found: usize) -> Error {
        Error::new(
            layer,
            found,
            format!("expected at least {needed} bytes, found {found}"),
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.layer.to_uppercase(),
            self.offset,
            self.problem
        )
    }
}

impl std::error::Error for Error {}

/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of
/// 16-bit words. `initial` carries a pseudo-header sum in; a packet whose stored checksum is
/// right sums to 0xffff, so `checksum(packet) == 0`.
///
/// Two tricks of RFC 1071 §2 make this fast, and it runs over every byte sent and received:
/// (B) "byte order independence": the sum can be taken on words in the machine's own byte
/// order and swapped once at the end; (C) "deferred carries": the 16-bit words are added
/// into a 32-bit sum and the carries above bit 15 folded back in once at the end, since
/// 2^16 ≡ 1 modulo 2^16 − 1. A block of 64 KiB (32,768 words of at most 0xffff) cannot
/// overflow that sum. Without a carry to propagate after each addition, the compiler adds
/// eight words at a time in vector registers.
pub fn checksum(initial: u32, data: &[u8]) -> u16 {
    let mut sum = 0u64;
    for block in data.chunks(64 * 1024) {
        let mut block_sum = 0u32;
        let (pairs, rest) = block.as_chunks::<4>();
        for pair in pairs {
            let [a, b, c, d] = *pair;
            block_sum += u32::from(u16::from_ne_bytes([a, b]));
            block_sum += u32::from(u16::from_ne_bytes([c, d]));
        }
        let (words, last) = rest.as_chunks::<2>();
        for word in words {
            block_sum += u32::from(u16::from_ne_bytes(*word));
        }
        if let [last] = last {
            // The odd byte is the high byte of a word padded with a zero (RFC 9293 §3.1).
            block_sum += u32::from(u16::from_ne_bytes([*last, 0]));
        }
        sum += u64::from(block_sum);
    }
    let native = fold(sum) as u16;
    // Back to network byte order, then the pseudo-header's sum (already in that order).
    let network = u16::from_be_bytes(native.to_ne_bytes());
    !(fold(u64::from(network) + u64::from(initial)) as u16)
}

/// Adds the carries back in until the sum fits in 16 bits (ones' complement addition).
pub(crate) fn fold(mut sum: u64) -> u64 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum
}

/// The sum of the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768): source, destination, zero,
/// protocol, transport length. It makes the transport checksum cover the addresses.
pub fn pseudo_header_sum(
    src: std::net::Ipv4Addr,
    dst: std::net::Ipv4Addr,
    protocol: u8,
    len: usize,
) -> u32 {
    let s = src.octets();
    let d = dst.octets();
    let mut sum = 0u32;
    for pair in [[s[0], s[1]], [s[2], s[3]], [d[0], d[1]], [d[2], d[3]]] {
        sum += u32::from(u16::from_be_bytes(pair));
    }
    sum + u32::from(protocol) + (len as u32 & 0xffff) + (len as u32 >> 16)
}

/// Reads a big-endian u16 at `at`, or `None` past the end.
pub(crate) fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

/// A one-line summary of an Ethernet frame, as tcpdump would print it; frames that do not
/// parse say where and why.
pub fn summarize_frame(frame: &[u8]) -> String {
    let (eth, payload) = match EthernetRepr::parse(frame) {
        Ok(parsed) => parsed,
        Err(e) => return format!("malformed: {e}"),
    };
    match eth.ethertype {
        EtherType::ARP => match ArpRepr::parse(payload) {
            Ok(arp) => arp.to_string(),
            Err(e) => format!("malformed: {e}"),
        },
        EtherType::IPV4 => summarize_ipv4(payload),
        other => format!("ethertype 0x{:04x}, length {}", other.0, frame.len()),
    }
}

fn summarize_ipv4(packet: &[u8]) -> String {
    let (ip, payload) = match Ipv4Repr::parse(packet) {
        Ok(parsed) => parsed,
        Err(e) => return format!("malformed: {e}"),
    };
    let parsed = match ip.protocol {
        IpProtocol::TCP => TcpRepr::parse(payload, ip.src, ip.dst).map(|(repr, data)| {
            TcpSummary {
                src: std::net::SocketAddrV4::new(ip.src, repr.src_port),
                dst: std::net::SocketAddrV4::new(ip.dst, repr.dst_port),
                repr,
                payload_len: data.len(),
            }
            .to_string()
        }),
        IpProtocol::UDP => UdpRepr::parse(payload, ip.src, ip.dst).map(|(udp, data)| {
            format!(
                "{}:{} > {}:{} UDP, length {}",
                ip.src,
                udp.src_port,
                ip.dst,
                udp.dst_port,
                data.len()
            )
        }),
        IpProtocol::ICMP => {
            IcmpRepr::parse(payload).map(|icmp| format!("{} > {}: {icmp}", ip.src, ip.dst))
        }
        _ => Ok(ip.to_string()),
    };
    parsed.unwrap_or_else(|e| format!("malformed: {e}"))
}

#[cfg(test)]
mod tests;
