//! Fuzz reassembly, the application-protocol probe and the HTTP/MQTT message dissectors:
//! arbitrary segments of one connection, in any order, overlapping, cut, near the sequence
//! number wrap, must never panic, and every item they add must lie inside its frame.
//!
//! ```text
//!  byte 0:     the server port: an index into PORTS (HTTP, MQTT, SMTP, none)
//!  then, per segment, a 6-byte header and its payload:
//!    flags     bit 0 sender (0 client, 1 server), bit 1 SYN, bit 2 ACK, bit 3 FIN,
//!              bit 4 RST, bit 5 the snap length cut the payload in half
//!    seq       2 bytes: the relative sequence number, 256 before the 2^32 wrap + this
//!    ack       2 bytes: the relative acknowledgment number, likewise
//!    len       1 byte: the payload length (the bytes that follow, as far as they go)
//! ```
//!
//! The buffer limits are small so that the "buffer full" and "message too long" paths run.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr};
use wirelab_analyze::stream::{Proto, StreamOptions, Streams};
use wirelab_analyze::SeqVerdict;
use wirelab_wire::conversation::{Endpoint, WindowScale};
use wirelab_wire::tcp::{ACK, FIN, RST, SYN};
use wirelab_wire::{Dissection, TcpSegment, Timestamp};

const PORTS: [u16; 4] = [80, 1883, 25, 4444];
/// Where the payload starts in the made-up frame (Ethernet + IPv4 + TCP headers).
const HEADERS: usize = 54;

fuzz_target!(|input: &[u8]| {
    let Some((&port, mut rest)) = input.split_first() else {
        return;
    };
    let client = Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        port: 40000,
    };
    let server = Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        port: PORTS[port as usize % PORTS.len()],
    };
    let mut streams = Streams::new(StreamOptions {
        follow: Some((Proto::Tcp, 0)),
        buffer_limit: 300,
        message_limit: 1000,
    });
    let mut frame = Vec::new();
    let mut d = Dissection::new();
    let mut rendered = String::new();
    let mut frame_number = 0;
    while let Some((header, after)) = rest.split_first_chunk::<6>() {
        let [bits, seq_hi, seq_lo, ack_hi, ack_lo, len] = *header;
        let len = (len as usize).min(after.len());
        let (payload, next) = after.split_at(len);
        rest = next;
        let captured = if bits & 0x20 != 0 { len / 2 } else { len };
        frame.clear();
        frame.resize(HEADERS, 0);
        frame.extend_from_slice(&payload[..captured]);
        let flags = [(0x02, SYN), (0x04, ACK), (0x08, FIN), (0x10, RST)]
            .iter()
            .filter(|(bit, _)| bits & bit != 0)
            .fold(0, |flags, (_, flag)| flags | flag);
        let near_wrap = |hi: u8, lo: u8| u32::from(u16::from_be_bytes([hi, lo])).wrapping_sub(256);
        let (src, dst) = if bits & 1 == 0 {
            (client, server)
        } else {
            (server, client)
        };
        frame_number += 1;
        let segment = TcpSegment {
            frame_number,
            ts: Timestamp::new(0, 0),
            stream: 0,
            src,
            dst,
            seq: near_wrap(seq_hi, seq_lo),
            ack: near_wrap(ack_hi, ack_lo),
            relative_seq: near_wrap(seq_hi, seq_lo),
            relative_ack: near_wrap(ack_hi, ack_lo),
            flags,
            window: 1000,
            window_scaled: 1000,
            window_scale: WindowScale::Unknown,
            len: len as u32,
            payload: &frame[HEADERS..],
            payload_offset: HEADERS,
            options: &[],
            checksum_bad: false,
        };
        d.clear();
        streams.tcp(&segment, &SeqVerdict::default(), &mut d);
        streams.frame_done(frame_number, &mut d);
        common::check_and_render(&d, &frame, &mut rendered);
    }
    let _ = streams.app_protocol(0).flatten().map(|app| app.to_string());
    assert!(
        streams.buffered_bytes() <= 300 + 255,
        "the out-of-order buffer outgrew its limit"
    );
});
