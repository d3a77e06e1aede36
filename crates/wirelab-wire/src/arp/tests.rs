//! ARP requests, replies, probes and announcements, with literal frames.

use crate::frame::LinkType;
use crate::link::testing::{dissect, dissect_cut, hex, survives_damage, Captured};

const BROADCAST: &str = "ffffffffffff";
const HOST_A: &str = "020000000001";
const HOST_B: &str = "020000000002";
const ZERO_MAC: &str = "000000000000";

/// An Ethernet frame from host A carrying an Ethernet/IPv4 ARP packet.
fn arp(dst: &str, opcode: &str, sha: &str, spa: &str, tha: &str, tpa: &str) -> Vec<u8> {
    hex(&format!(
        "{dst} {HOST_A} 0806 0001 0800 06 04 {opcode} {sha} {spa} {tha} {tpa}"
    ))
}

fn dissect_arp(frame: &[u8]) -> Captured {
    dissect(LinkType::ETHERNET, frame)
}

#[test]
fn a_request_asks_who_has_an_address() {
    let c = dissect_arp(&arp(
        BROADCAST, "0001", HOST_A, "0a000001", ZERO_MAC, "0a000002",
    ));
    assert_eq!(c.d.info, "Who has 10.0.0.2? Tell 10.0.0.1");
    assert_eq!(c.d.protocol, "ARP");
    assert_eq!(c.field("arp.hw.type"), "1");
    assert_eq!(c.field("arp.proto.type"), "0x0800");
    assert_eq!(c.field("arp.hw.size"), "6");
    assert_eq!(c.field("arp.proto.size"), "4");
    assert_eq!(c.field("arp.opcode"), "1");
    assert_eq!(c.field("arp.src.hw_mac"), "02:00:00:00:00:01");
    assert_eq!(c.field("arp.src.proto_ipv4"), "10.0.0.1");
    assert_eq!(c.field("arp.dst.hw_mac"), "00:00:00:00:00:00");
    assert_eq!(c.field("arp.dst.proto_ipv4"), "10.0.0.2");
    assert_eq!(c.range("arp"), 14..42);
    assert_eq!(c.range("arp.opcode"), 20..22);
    assert_eq!(c.range("arp.src.hw_mac"), 22..28);
    assert_eq!(c.range("arp.src.proto_ipv4"), 28..32);
    assert_eq!(c.range("arp.dst.hw_mac"), 32..38);
    assert_eq!(c.range("arp.dst.proto_ipv4"), 38..42);
    assert_eq!(c.title("arp"), "Address Resolution Protocol (request)");
    assert!(!c.has("arp.isgratuitous"));
}

#[test]
fn a_reply_says_where_an_address_is() {
    let c = dissect_arp(&arp(HOST_B, "0002", HOST_A, "0a000002", HOST_B, "0a000001"));
    assert_eq!(c.d.info, "10.0.0.2 is at 02:00:00:00:00:01");
    assert_eq!(c.title("arp"), "Address Resolution Protocol (reply)");
}

#[test]
fn a_request_for_the_senders_own_address_with_zero_target_mac_is_an_announcement() {
    let c = dissect_arp(&arp(
        BROADCAST, "0001", HOST_A, "0a000001", ZERO_MAC, "0a000001",
    ));
    assert_eq!(c.d.info, "ARP Announcement for 10.0.0.1");
    assert_eq!(c.field("arp.isgratuitous"), "1");
    assert_eq!(c.field("arp.isannouncement"), "1");
    assert_eq!(
        c.title("arp"),
        "Address Resolution Protocol (ARP Announcement)"
    );
}

#[test]
fn a_gratuitous_reply_is_noticed() {
    let c = dissect_arp(&arp(
        BROADCAST, "0002", HOST_A, "0a000001", BROADCAST, "0a000001",
    ));
    assert_eq!(c.d.info, "Gratuitous ARP for 10.0.0.1 (Reply)");
    assert_eq!(c.field("arp.isgratuitous"), "1");
    assert!(!c.has("arp.isannouncement"));
    assert_eq!(
        c.title("arp"),
        "Address Resolution Protocol (reply/gratuitous ARP)"
    );
}

#[test]
fn a_request_from_sender_ip_zero_is_a_probe() {
    let c = dissect_arp(&arp(
        BROADCAST, "0001", HOST_A, "00000000", ZERO_MAC, "0a000005",
    ));
    assert_eq!(c.d.info, "Who has 10.0.0.5? (ARP Probe)");
    assert_eq!(c.field("arp.isprobe"), "1");
    assert_eq!(c.title("arp"), "Address Resolution Protocol (ARP Probe)");
}

#[test]
fn rarp_and_inverse_arp_opcodes_name_their_protocol() {
    let c = dissect_arp(&arp(
        BROADCAST, "0003", HOST_A, "0a000001", HOST_A, "00000000",
    ));
    assert_eq!(c.d.protocol, "RARP");
    assert_eq!(c.d.info, "Who is 02:00:00:00:00:01? Tell 02:00:00:00:00:01");
    let c = dissect_arp(&arp(
        BROADCAST, "0009", HOST_A, "0a000001", ZERO_MAC, "0a000002",
    ));
    assert_eq!(c.d.protocol, "Inverse ARP");
    assert_eq!(c.d.info, "02:00:00:00:00:01 is at 10.0.0.1");
}

#[test]
fn an_unknown_opcode_is_shown_in_hex() {
    let c = dissect_arp(&arp(
        BROADCAST, "00ff", HOST_A, "0a000001", ZERO_MAC, "0a000002",
    ));
    assert_eq!(c.d.info, "Unknown ARP opcode 0x00ff");
    assert_eq!(
        c.title("arp"),
        "Address Resolution Protocol (opcode 0x00ff)"
    );
}

#[test]
fn addresses_of_other_sizes_are_shown_as_bytes() {
    // Hardware type 6 (IEEE 802), protocol IPv6: 16-byte protocol addresses.
    let frame = hex(&format!(
        "{BROADCAST} {HOST_A} 0806 0006 86dd 06 10 0001 {HOST_A} {} {ZERO_MAC} {}",
        "11".repeat(16),
        "22".repeat(16)
    ));
    let c = dissect_arp(&frame);
    assert_eq!(c.field("arp.src.hw_mac"), "02:00:00:00:00:01");
    assert_eq!(c.field("arp.src.proto"), "11".repeat(16));
    assert_eq!(c.field("arp.src.proto_ipv4"), "");
    assert_eq!(
        c.d.info,
        format!("Who has {}? Tell {}", "22".repeat(16), "11".repeat(16))
    );
}

#[test]
fn the_packet_length_comes_from_the_address_sizes() {
    let mut frame = arp(BROADCAST, "0001", HOST_A, "0a000001", ZERO_MAC, "0a000002");
    frame.extend([0; 18]);
    let c = dissect_arp(&frame);
    assert_eq!(c.range("arp"), 14..42);
    assert_eq!(c.range("eth.padding"), 42..60);
}

#[test]
fn arp_cut_by_the_snap_length_keeps_the_fixed_fields_and_says_so() {
    let frame = arp(BROADCAST, "0001", HOST_A, "0a000001", ZERO_MAC, "0a000002");
    let c = dissect_cut(LinkType::ETHERNET, &frame[..30], 42);
    assert_eq!(c.field("arp.opcode"), "1");
    assert!(!c.has("arp.src.hw_mac"));
    assert!(c.problem().contains("snap length"), "{}", c.problem());
    assert_eq!(c.d.info, "");
}

#[test]
fn arp_shorter_than_its_address_sizes_is_malformed() {
    let frame = arp(BROADCAST, "0001", HOST_A, "0a000001", ZERO_MAC, "0a000002");
    let c = dissect(LinkType::ETHERNET, &frame[..30]);
    assert!(c.problem().starts_with("ARP at byte 30"), "{}", c.problem());
    assert!(
        c.problem().contains("expected 28 bytes, found 16"),
        "{}",
        c.problem()
    );
}

#[test]
fn damaged_arp_packets_never_panic() {
    survives_damage(
        LinkType::ETHERNET,
        &arp(BROADCAST, "0001", HOST_A, "0a000001", ZERO_MAC, "0a000002"),
    );
}

#[test]
fn atmarp_is_not_read_as_arp() {
    let frame = hex(&format!(
        "{BROADCAST} {HOST_A} 0806 0013 0800 06 04 0001 {HOST_A} 0a000001 {ZERO_MAC} 0a000002"
    ));
    let c = dissect_arp(&frame);
    assert!(!c.has("arp.opcode"));
    assert_eq!(c.d.protocol, "ATMARP");
    assert_eq!(c.field("data.len"), "28");
}
