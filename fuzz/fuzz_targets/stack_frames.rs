//! Fuzz the user-space stack's input path: every parser of `wirelab-stack` (Ethernet, ARP,
//! IPv4 with reassembly, ICMP, UDP, TCP and its options) and what the interface and the TCP
//! state machine do with what parses.
//!
//! ```text
//!  the input: frames, each as a 2-byte big-endian length and that many bytes
//!             (a short last frame takes what is left)
//! ```
//!
//! The interface listens on TCP port 80 and has a UDP socket on port 53; between frames the
//! clock advances 100 ms and the timers run, so handshakes, retransmissions and reassembly
//! timeouts all happen.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::net::Ipv4Addr;
use wirelab_stack::iface::{Interface, InterfaceConfig};
use wirelab_stack::wire::EthernetAddress;
use wirelab_stack::{Duration, Instant};

fuzz_target!(|data: &[u8]| {
    let mac = EthernetAddress([2, 0, 0, 0, 0, 2]);
    let mut iface = Interface::new(InterfaceConfig::new(mac, Ipv4Addr::new(10, 0, 0, 2), 24));
    iface.tcp_listen(80);
    iface.udp_bind(53);
    let mut now = Instant::ZERO;
    let mut rest = data;
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let frame = &rest[2..(2 + len).min(rest.len())];
        rest = &rest[(2 + len).min(rest.len())..];
        iface.handle_frame(now, frame);
        while iface.poll_transmit(now).is_some() {}
        now = now + Duration::from_millis(100);
        iface.handle_timeout(now);
        while iface.poll_transmit(now).is_some() {}
        while iface.udp_recv_from(53).is_some() {}
        while iface.poll_event().is_some() {}
    }
});
