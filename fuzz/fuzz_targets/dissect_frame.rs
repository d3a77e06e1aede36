//! Fuzz the frame dissector: the first byte picks the link type, the rest is the frame.
//!
//! ```text
//!  byte 0:  bits 0-3  link type, an index into LINKS (9 and up wrap around)
//!           bit 7     the snap length cut the frame (orig_len > captured length)
//!  byte 1…: the frame as captured
//! ```
//!
//! The frame is dissected twice by the same Dissector, so that the second pass meets the
//! conversation state the first left behind (retransmissions, stream indexes).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use wirelab_wire::{Dissection, Dissector, Frame, LinkType, Timestamp};

/// The link types the dissector knows, and one it does not (147, LINKTYPE_USER0).
pub const LINKS: [LinkType; 9] = [
    LinkType::ETHERNET,
    LinkType::LINUX_SLL,
    LinkType::LINUX_SLL2,
    LinkType::NULL,
    LinkType::LOOP,
    LinkType::RAW,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType(147),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let link = LINKS[usize::from(selector & 0x0f) % LINKS.len()];
    let cut = if selector & 0x80 != 0 { 1000 } else { 0 };
    let orig_len = u32::try_from(bytes.len())
        .unwrap_or(u32::MAX)
        .saturating_add(cut);
    let mut dissector = Dissector::new();
    let mut d = Dissection::new();
    let mut out = String::new();
    for number in 1..=2 {
        let frame = Frame {
            number,
            ts: Timestamp::new(number as i64, 0),
            link,
            orig_len,
            bytes,
            interface: 0,
        };
        dissector.dissect(&frame, &mut d);
        common::check_and_render(&d, bytes, &mut out);
    }
});
