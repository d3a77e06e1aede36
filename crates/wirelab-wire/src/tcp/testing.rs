//! Test helpers for the transport layers: packets built field by field (with correct
//! checksums unless a test breaks them), and a trace that dissects frames one after another
//! through one `Dissector`, as a capture would.

use crate::checksum;
use crate::dissection::Dissection;
use crate::frame::{Frame, LinkType, Timestamp};
use crate::link::testing::Captured;
use crate::Dissector;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const CLIENT6: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);
pub const SERVER6: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 2);

/// An IPv4 header (20 bytes, TTL 64, checksum correct) around `payload`.
pub fn ipv4(protocol: u8, src: Ipv4Addr, dst: Ipv4Addr, payload: &[u8]) -> Vec<u8> {
    ipv4_with(protocol, src, dst, payload, 64, 0)
}

/// An IPv4 header with a chosen TTL and flags-and-fragment-offset word.
pub fn ipv4_with(
    protocol: u8,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    payload: &[u8],
    ttl: u8,
    flags_offset: u16,
) -> Vec<u8> {
    let total = (20 + payload.len()) as u16;
    let mut header = vec![0x45, 0];
    header.extend_from_slice(&total.to_be_bytes());
    header.extend_from_slice(&[0, 1]);
    header.extend_from_slice(&flags_offset.to_be_bytes());
    header.extend_from_slice(&[ttl, protocol, 0, 0]);
    header.extend_from_slice(&src.octets());
    header.extend_from_slice(&dst.octets());
    let sum = checksum::internet_checksum(&header);
    header[10..12].copy_from_slice(&sum.to_be_bytes());
    header.extend_from_slice(payload);
    header
}

/// An IPv6 header (hop limit 64) around `payload`.
pub fn ipv6(next: u8, src: Ipv6Addr, dst: Ipv6Addr, payload: &[u8]) -> Vec<u8> {
    let mut packet = vec![0x60, 0, 0, 0];
    packet.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    packet.extend_from_slice(&[next, 64]);
    packet.extend_from_slice(&src.octets());
    packet.extend_from_slice(&dst.octets());
    packet.extend_from_slice(payload);
    packet
}

/// Fill in the transport checksum at `at` over a pseudo-header (RFC 9293 §3.1, RFC 768,
/// RFC 4443 §2.3).
pub fn fill_checksum(segment: &mut [u8], at: usize, src: IpAddr, dst: IpAddr, protocol: u8) {
    segment[at..at + 2].copy_from_slice(&[0, 0]);
    let sum = checksum::pseudo_header_sum(src, dst, protocol, segment.len() as u32);
    let value = checksum::finish(checksum::sum_words(sum, segment));
    segment[at..at + 2].copy_from_slice(&value.to_be_bytes());
}

/// A TCP segment, described field by field.
#[derive(Clone)]
pub struct Seg {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u16,
    pub window: u16,
    pub urgent: u16,
    pub options: Vec<u8>,
    pub payload: Vec<u8>,
    /// Flip the checksum after computing it.
    pub bad_checksum: bool,
}

/// A segment from the client 10.0.0.1:54662 to the server 10.0.0.2:8080.
pub fn from_client(flags: u16, seq: u32, ack: u32) -> Seg {
    Seg {
        src: IpAddr::V4(CLIENT),
        dst: IpAddr::V4(SERVER),
        sport: 54662,
        dport: 8080,
        seq,
        ack,
        flags,
        window: 65495,
        urgent: 0,
        options: Vec::new(),
        payload: Vec::new(),
        bad_checksum: false,
    }
}

/// A segment from the server back to the client.
pub fn from_server(flags: u16, seq: u32, ack: u32) -> Seg {
    Seg {
        src: IpAddr::V4(SERVER),
        dst: IpAddr::V4(CLIENT),
        sport: 8080,
        dport: 54662,
        ..from_client(flags, seq, ack)
    }
}

impl Seg {
    pub fn window(mut self, window: u16) -> Seg {
        self.window = window;
        self
    }

    pub fn options(mut self, options: &[u8]) -> Seg {
        self.options = options.to_vec();
        self
    }

    pub fn payload(mut self, payload: &[u8]) -> Seg {
        self.payload = payload.to_vec();
        self
    }

    pub fn bad_checksum(mut self) -> Seg {
        self.bad_checksum = true;
        self
    }

    /// The TCP header and data, options padded with zeros to a multiple of 4 bytes.
    pub fn tcp_bytes(&self) -> Vec<u8> {
        let mut options = self.options.clone();
        while !options.len().is_multiple_of(4) {
            options.push(0);
        }
        let offset = ((20 + options.len()) / 4) as u16;
        let mut segment = Vec::new();
        segment.extend_from_slice(&self.sport.to_be_bytes());
        segment.extend_from_slice(&self.dport.to_be_bytes());
        segment.extend_from_slice(&self.seq.to_be_bytes());
        segment.extend_from_slice(&self.ack.to_be_bytes());
        segment.extend_from_slice(&(offset << 12 | self.flags).to_be_bytes());
        segment.extend_from_slice(&self.window.to_be_bytes());
        segment.extend_from_slice(&[0, 0]);
        segment.extend_from_slice(&self.urgent.to_be_bytes());
        segment.extend_from_slice(&options);
        segment.extend_from_slice(&self.payload);
        fill_checksum(&mut segment, 16, self.src, self.dst, 6);
        if self.bad_checksum {
            segment[16] ^= 0x11;
        }
        segment
    }

    /// The segment in its IP packet.
    pub fn packet(&self) -> Vec<u8> {
        match (self.src, self.dst) {
            (IpAddr::V4(src), IpAddr::V4(dst)) => ipv4(6, src, dst, &self.tcp_bytes()),
            (IpAddr::V6(src), IpAddr::V6(dst)) => ipv6(6, src, dst, &self.tcp_bytes()),
            _ => panic!("mixed address families"),
        }
    }
}

/// A UDP datagram with a correct checksum.
pub fn udp(src: IpAddr, dst: IpAddr, sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut datagram = Vec::new();
    datagram.extend_from_slice(&sport.to_be_bytes());
    datagram.extend_from_slice(&dport.to_be_bytes());
    datagram.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    datagram.extend_from_slice(&[0, 0]);
    datagram.extend_from_slice(data);
    fill_checksum(&mut datagram, 6, src, dst, 17);
    if datagram[6..8] == [0, 0] {
        // A computed zero is sent as all ones (RFC 768).
        datagram[6..8].copy_from_slice(&[0xff, 0xff]);
    }
    datagram
}

/// An ICMP message with a correct checksum.
pub fn icmp(icmp_type: u8, code: u8, rest: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut message = vec![icmp_type, code, 0, 0];
    message.extend_from_slice(&rest);
    message.extend_from_slice(body);
    let sum = checksum::internet_checksum(&message);
    message[2..4].copy_from_slice(&sum.to_be_bytes());
    message
}

/// An ICMPv6 message with a correct checksum.
pub fn icmpv6(src: Ipv6Addr, dst: Ipv6Addr, icmp_type: u8, code: u8, body: &[u8]) -> Vec<u8> {
    let mut message = vec![icmp_type, code, 0, 0];
    message.extend_from_slice(body);
    fill_checksum(&mut message, 2, IpAddr::V6(src), IpAddr::V6(dst), 58);
    message
}

/// Frames dissected one after another by one `Dissector`, one second apart, as raw IP.
pub struct Trace {
    dissector: Dissector,
    number: u64,
}

impl Trace {
    pub fn new() -> Trace {
        Trace {
            dissector: Dissector::new(),
            number: 0,
        }
    }

    /// Dissect the next frame.
    pub fn frame(&mut self, packet: &[u8]) -> Captured {
        self.frame_cut(packet, packet.len())
    }

    /// Dissect the next frame, of which only `captured` bytes were kept.
    pub fn frame_cut(&mut self, packet: &[u8], captured: usize) -> Captured {
        self.number += 1;
        let bytes = &packet[..captured.min(packet.len())];
        let frame = Frame {
            number: self.number,
            ts: Timestamp::new(1_000_000 + self.number as i64, 0),
            link: LinkType::RAW,
            orig_len: packet.len() as u32,
            bytes,
            interface: 0,
        };
        let mut d = Dissection::new();
        self.dissector.dissect(&frame, &mut d);
        Captured {
            bytes: bytes.to_vec(),
            d,
        }
    }

    /// Dissect a segment.
    pub fn seg(&mut self, seg: &Seg) -> Captured {
        self.frame(&seg.packet())
    }
}
