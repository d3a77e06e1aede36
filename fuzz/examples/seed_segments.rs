//! Seed the `reassemble` corpus with a few conversations in that target's input format (see
//! fuzz_targets/reassemble.rs): HTTP with a split response, a chunked body and a body that
//! ends at the close; MQTT 3.1.1 and 5.0; an SMTP greeting. The fuzzer finds the protocols'
//! keywords much sooner from here than from nothing.
//!
//! Usage: `cargo run --manifest-path fuzz/Cargo.toml --example seed_segments -- OUT_DIR`
//! (scripts/fuzz-seed.sh runs it).

use std::fs;
use std::path::PathBuf;

/// Sender bit and flags, as the target reads them.
const CLIENT: u8 = 0;
const SERVER: u8 = 1;
const SYN: u8 = 0x02;
const ACK: u8 = 0x04;
const FIN: u8 = 0x08;

/// Server-port indexes into the target's `PORTS`.
const HTTP: u8 = 0;
const MQTT: u8 = 1;
const SMTP: u8 = 2;

/// One segment: flags, relative seq and ack (the target subtracts 256), length, payload.
fn segment(flags: u8, seq: u16, ack: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend_from_slice(&seq.wrapping_add(256).to_be_bytes());
    out.extend_from_slice(&ack.wrapping_add(256).to_be_bytes());
    out.push(payload.len() as u8);
    out.extend_from_slice(payload);
    out
}

/// A conversation: the client sends `request`, the server answers with `parts` in order, then
/// closes.
fn conversation(port: u8, request: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![port];
    out.extend(segment(CLIENT | SYN, 0, 0, b""));
    out.extend(segment(SERVER | SYN | ACK, 0, 1, b""));
    let after_request = 1 + request.len() as u16;
    out.extend(segment(CLIENT | ACK, 1, 1, request));
    let mut seq = 1u16;
    for part in parts {
        out.extend(segment(SERVER | ACK, seq, after_request, part));
        seq += part.len() as u16;
    }
    out.extend(segment(SERVER | ACK | FIN, seq, after_request, b""));
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: seed_segments OUT_DIR")?,
    );
    fs::create_dir_all(&out)?;
    let get = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    let mqtt_connect = b"\x10\x0d\x00\x04MQTT\x04\x02\x00\x3c\x00\x01c";
    let mqtt5_connect = b"\x10\x0e\x00\x04MQTT\x05\x02\x00\x3c\x00\x00\x01c";
    let seeds: [(&str, Vec<u8>); 6] = [
        (
            "http",
            conversation(
                HTTP,
                get,
                &[b"HTTP/1.1 200 OK\r\nConte", b"nt-Length: 2\r\n\r\nhi"],
            ),
        ),
        (
            "http-chunked",
            conversation(
                HTTP,
                get,
                &[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"],
            ),
        ),
        (
            "http-close",
            conversation(HTTP, get, &[b"HTTP/1.0 200 OK\r\n\r\nbody until the close"]),
        ),
        (
            "mqtt",
            conversation(
                MQTT,
                mqtt_connect,
                &[b"\x20\x02\x00\x00", b"\x30\x08\x00\x03a/bhey"],
            ),
        ),
        (
            "mqtt5",
            conversation(MQTT, mqtt5_connect, &[b"\x20\x03\x00\x00\x00"]),
        ),
        (
            "smtp",
            conversation(SMTP, b"EHLO x\r\n", &[b"220 mail ESMTP\r\n"]),
        ),
    ];
    for (name, bytes) in &seeds {
        fs::write(out.join(name), bytes)?;
    }
    println!(
        "seed_segments: {} conversations in {}",
        seeds.len(),
        out.display()
    );
    Ok(())
}
