//! Dissect one frame, written out byte by byte, and print its tree: every field with its value,
//! the bytes it was read from, and what it is for.
//!
//! ```text
//! cargo run --example dissect_one_frame
//! ```
//!
//! The frame is the first segment of a TCP handshake, frame 3 of pcaps/http-ipv4.pcap: a client
//! at 10.99.0.1 asks to open a connection to port 8000 on 10.99.0.2.

use wirelab_wire::format::write_tree_value;
use wirelab_wire::{Dissection, Dissector, Frame, LinkType, Timestamp};

/// The frame as it left the client's network card, one header per paragraph.
#[rustfmt::skip]
const SYN: &[u8] = &[
    // Ethernet II (IEEE 802.3): destination MAC, source MAC, EtherType 0x0800 = IPv4.
    0x02, 0x00, 0x00, 0x99, 0x00, 0x02,
    0x02, 0x00, 0x00, 0x99, 0x00, 0x01,
    0x08, 0x00,
    // IPv4 (RFC 791 §3.1): version 4 and header length 5 × 4 bytes; DSCP/ECN; total length 60;
    // identification; flags (Don't Fragment) and fragment offset 0; TTL 64; protocol 6 = TCP;
    // header checksum; source 10.99.0.1; destination 10.99.0.2.
    0x45, 0x00, 0x00, 0x3c,
    0x60, 0x86, 0x40, 0x00,
    0x40, 0x06, 0xc5, 0x6d,
    0x0a, 0x63, 0x00, 0x01,
    0x0a, 0x63, 0x00, 0x02,
    // TCP (RFC 9293 §3.1): source port 40080, destination port 8000; sequence number; ack
    // number 0; data offset 10 × 4 bytes and flags (SYN); window 64240; checksum; urgent 0.
    0x9c, 0x90, 0x1f, 0x40,
    0x12, 0x7a, 0xa6, 0x4f,
    0x00, 0x00, 0x00, 0x00,
    0xa0, 0x02, 0xfa, 0xf0,
    0x6d, 0xc9, 0x00, 0x00,
    // TCP options: MSS 1460; SACK permitted; timestamps; NOP (padding); window scale 10.
    0x02, 0x04, 0x05, 0xb4,
    0x04, 0x02,
    0x08, 0x0a, 0x80, 0xce, 0xd5, 0x11, 0x00, 0x00, 0x00, 0x00,
    0x01,
    0x03, 0x03, 0x0a,
];

fn main() {
    let frame = Frame {
        number: 1,
        ts: Timestamp::new(1_796_152_769, 355_135_000),
        link: LinkType::ETHERNET,
        orig_len: SYN.len() as u32,
        bytes: SYN,
        interface: 0,
    };
    // The Dissector remembers what it must across frames (TCP conversations); the Dissection
    // is the tree of one frame, reused from frame to frame.
    let mut dissector = Dissector::new();
    let mut tree = Dissection::new();
    dissector.dissect(&frame, &mut tree);

    println!(
        "{} → {}  {}  {}\n",
        tree.src, tree.dst, tree.protocol, tree.info
    );
    let mut value = String::new();
    for item in tree.items.iter().filter(|item| !item.is_hidden()) {
        let indent = "    ".repeat(usize::from(item.depth));
        if let Some(title) = tree.title(item) {
            println!("{indent}{title}");
            continue;
        }
        value.clear();
        write_tree_value(&mut value, item, &tree, SYN).expect("writing to a String cannot fail");
        let bytes = if item.is_generated() {
            "computed".to_string()
        } else {
            format!("bytes {}..{}", item.start, item.start + item.len)
        };
        println!(
            "{indent}{}: {value}   [{bytes}] {}",
            item.def.label, item.def.explain
        );
    }
    if let Some(malformed) = &tree.malformed {
        println!("\nmalformed: {malformed}");
    }
}
