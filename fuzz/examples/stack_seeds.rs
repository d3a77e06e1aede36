//! Seed the `stack_frames` corpus (see fuzz_targets/stack_frames.rs for the input format)
//! with what a real peer sends: ARP, a TCP handshake, data and close to port 80, a ping, UDP
//! to port 53 and to a closed port. Checksums are right, so the fuzzer starts past them.
//!
//! Usage: `cargo run --manifest-path fuzz/Cargo.toml --example stack_seeds -- OUT_DIR`

use std::fs;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use wirelab_stack::iface::{Interface, InterfaceConfig};
use wirelab_stack::wire::EthernetAddress;
use wirelab_stack::{Duration, Instant};

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).expect("usage: stack_seeds OUT_DIR"));
    fs::create_dir_all(&out).expect("create OUT_DIR");
    let peer_ip = Ipv4Addr::new(10, 0, 0, 1);
    let target_ip = Ipv4Addr::new(10, 0, 0, 2);
    let mut peer = Interface::new(InterfaceConfig::new(
        EthernetAddress([2, 0, 0, 0, 0, 1]),
        peer_ip,
        24,
    ));
    // The fuzz target's interface: same MAC and address.
    let mut target = Interface::new(InterfaceConfig::new(
        EthernetAddress([2, 0, 0, 0, 0, 2]),
        target_ip,
        24,
    ));
    target.tcp_listen(80);
    target.udp_bind(53);

    let mut now = Instant::ZERO;
    let connection = peer.tcp_connect(now, SocketAddrV4::new(target_ip, 80));
    peer.send_ping(now, target_ip, 1, 1, b"ping");
    peer.udp_bind(4000);
    peer.udp_send_to(now, 4000, SocketAddrV4::new(target_ip, 53), b"query");
    peer.udp_send_to(now, 4000, SocketAddrV4::new(target_ip, 54), b"closed");
    let mut frames: Vec<Vec<u8>> = Vec::new();
    for round in 0..50 {
        if round == 3 {
            if let Some(c) = peer.tcp(connection) {
                c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            }
        }
        if round == 6 {
            if let Some(c) = peer.tcp(connection) {
                c.close();
            }
        }
        while let Some(frame) = peer.poll_transmit(now) {
            target.handle_frame(now, &frame);
            frames.push(frame);
        }
        while let Some(frame) = target.poll_transmit(now) {
            peer.handle_frame(now, &frame);
        }
        now = now + Duration::from_millis(100);
        peer.handle_timeout(now);
        target.handle_timeout(now);
    }
    let encode = |frames: &[Vec<u8>]| -> Vec<u8> {
        let mut input = Vec::new();
        for frame in frames {
            input.extend_from_slice(&(frame.len() as u16).to_be_bytes());
            input.extend_from_slice(frame);
        }
        input
    };
    fs::write(out.join("conversation"), encode(&frames)).expect("write a seed");
    for (i, frame) in frames.iter().enumerate() {
        fs::write(
            out.join(format!("frame-{i:02}")),
            encode(std::slice::from_ref(frame)),
        )
        .expect("write a seed");
    }
    println!("{} frames written to {}", frames.len(), out.display());
}
