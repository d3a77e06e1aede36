//! Find every TCP handshake in a capture: each SYN and SYN-ACK with the options the two ends
//! announce to each other (RFC 9293 §3.5, options in §3.2 and RFC 7323).
//!
//! ```text
//! cargo run --example handshakes                      # pcaps/http-ipv4.pcap
//! cargo run --example handshakes -- pcaps/tcp-loss.pcap
//! ```
//!
//! It reads the file one frame at a time, as `wirelab dissect` does, and asks each dissection
//! for fields by their Wireshark names.

use std::path::Path;
use std::process::ExitCode;
use wirelab_wire::{Address, Dissection, Dissector};

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pcaps/http-ipv4.pcap".to_string());
    let mut capture = match wirelab_capture::open(Path::new(&path)) {
        Ok(capture) => capture,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut dissector = Dissector::new();
    let mut d = Dissection::new();
    loop {
        let frame = match capture.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        dissector.dissect(&frame, &mut d);
        if d.uint("tcp.flags.syn") != Some(1) {
            continue;
        }
        // SYN alone opens a connection; SYN+ACK is the server's answer (RFC 9293 §3.5).
        let kind = if d.uint("tcp.flags.ack") == Some(1) {
            "SYN-ACK"
        } else {
            "SYN    "
        };
        let show = |name: &str| d.uint(name).map_or("-".to_string(), |v| v.to_string());
        println!(
            "frame {:>4}  {kind}  {} → {}  ISN {}  window {}  MSS {}  window scale {}",
            frame.number,
            endpoint(d.src, &show("tcp.srcport")),
            endpoint(d.dst, &show("tcp.dstport")),
            show("tcp.seq_raw"),
            show("tcp.window_size_value"),
            show("tcp.options.mss_val"),
            show("tcp.options.wscale.shift"),
        );
    }
}

/// An address and a port as URLs write them: `10.99.0.1:40080`, `[fd00:99::1]:40081` (an IPv6
/// address has colons of its own, so it goes in brackets, RFC 3986 §3.2.2).
fn endpoint(address: Address, port: &str) -> String {
    match address {
        Address::Ipv6(a) => format!("[{a}]:{port}"),
        other => format!("{other}:{port}"),
    }
}
