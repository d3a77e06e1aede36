//! IPv6 headers and extension headers, with literal bytes.

use crate::dissection::Address;
use crate::frame::LinkType;
use crate::link::testing::{dissect, dissect_cut, hex, survives_damage, Captured};

/// A UDP datagram 12345 -> 12345 with four bytes of data.
const UDP: &str = "3039 3039 000c 0000 61626364";
const SRC: &str = "20010db8000000000000000000000001";
const DST: &str = "20010db8000000000000000000000002";

/// An IPv6 header (traffic class 0xb8, flow label 0x12345, hop limit 64) with `next` header
/// and `payload` (hex); `plen` overrides the payload length.
fn ipv6(next: u8, payload: &str, plen: Option<u16>) -> Vec<u8> {
    let payload = hex(payload);
    let plen = plen.unwrap_or(payload.len() as u16);
    let mut packet = hex("6b812345");
    packet.extend(plen.to_be_bytes());
    packet.extend([next, 64]);
    packet.extend(hex(SRC));
    packet.extend(hex(DST));
    packet.extend(payload);
    packet
}

fn raw(packet: &[u8]) -> Captured {
    dissect(LinkType::IPV6, packet)
}

#[test]
fn every_fixed_header_field_has_its_value_and_byte_range() {
    let c = raw(&ipv6(17, UDP, None));
    let expect = [
        ("ipv6.version", "6", 0..1),
        ("ipv6.tclass", "0x000000b8", 0..4),
        ("ipv6.tclass.dscp", "46", 0..4),
        ("ipv6.tclass.ecn", "0", 0..4),
        ("ipv6.flow", "0x012345", 1..4),
        ("ipv6.plen", "12", 4..6),
        ("ipv6.nxt", "17", 6..7),
        ("ipv6.hlim", "64", 7..8),
        ("ipv6.src", "2001:db8::1", 8..24),
        ("ipv6.dst", "2001:db8::2", 24..40),
    ];
    for (name, value, range) in expect {
        assert_eq!(c.field(name), value, "{name}");
        assert_eq!(c.range(name), range, "{name}");
    }
    assert_eq!(c.field("ipv6.addr"), "2001:db8::1,2001:db8::2");
    assert_eq!(c.field("ip.version"), "6", "hidden, as Wireshark adds it");
    assert_eq!(c.field("ipv6.host"), "2001:db8::1,2001:db8::2");
    assert_eq!(c.range("ipv6"), 0..40);
    assert_eq!(
        c.title("ipv6"),
        "Internet Protocol Version 6, Src: 2001:db8::1, Dst: 2001:db8::2"
    );
    assert_eq!(
        c.title("ipv6.tclass"),
        "Traffic Class: 0xb8 (DSCP: EF PHB, ECN: Not-ECT)"
    );
    assert_eq!(
        c.d.protocol, "UDP",
        "the transport names the protocol column"
    );
    assert!(matches!(c.d.src, Address::Ipv6(_)));
    assert_eq!(c.problem(), "");
}

#[test]
fn hop_by_hop_options_pad1_padn_and_router_alert_are_shown() {
    // Next header, length, a PadN with no data, a Router Alert for MLD: 2 + 2 + 4 = 8 bytes.
    let c = raw(&ipv6(0, &format!("11 00 0100 05020000 {UDP}"), None));
    assert_eq!(c.field("ipv6.hopopts.nxt"), "17");
    assert_eq!(c.field("ipv6.hopopts.len"), "0");
    assert_eq!(c.field("ipv6.hopopts.len_oct"), "8");
    assert_eq!(c.field("ipv6.opt.type"), "0x01,0x05");
    assert_eq!(c.field("ipv6.opt.length"), "0,2");
    assert_eq!(c.field("ipv6.opt.router_alert"), "0");
    assert_eq!(c.range("ipv6.hopopts"), 40..48);
    assert_eq!(c.range("ipv6"), 0..48);
    assert_eq!(c.problem(), "");

    let c = raw(&ipv6(0, &format!("11 00 00 00 01 01 00 00 {UDP}"), None));
    assert_eq!(c.field("ipv6.opt.type"), "0x00,0x00,0x01,0x00");
    assert!(c.has("ipv6.opt.pad1"));
    assert_eq!(c.field("ipv6.opt.padn"), "00");
}

#[test]
fn a_jumbogram_takes_its_length_from_the_jumbo_payload_option() {
    let c = raw(&ipv6(0, &format!("11 00 c204 00000014 {UDP}"), Some(0)));
    assert_eq!(c.field("ipv6.plen"), "0");
    assert_eq!(c.field("ipv6.opt.jumbo"), "20");
    assert_eq!(c.field("ipv6.opt.type.action"), "3");
    assert_eq!(c.problem(), "");
}

#[test]
fn the_first_fragment_goes_to_the_transport_and_later_ones_are_data() {
    let c = raw(&ipv6(44, &format!("11 00 0001 12345678 {UDP}"), None));
    assert_eq!(c.field("ipv6.fraghdr.nxt"), "17");
    assert_eq!(c.field("ipv6.fraghdr.offset"), "0");
    assert_eq!(c.field("ipv6.fraghdr.more"), "1");
    assert_eq!(c.field("ipv6.fraghdr.ident"), "0x12345678");
    assert_eq!(c.field("udp.srcport"), "12345");

    let c = raw(&ipv6(44, &format!("11 00 0010 12345678 {UDP}"), None));
    assert_eq!(c.field("ipv6.fraghdr.offset"), "2");
    assert_eq!(c.field("ipv6.fraghdr.more"), "0");
    assert_eq!(c.title("ipv6.fraghdr.offset"), "Offset: 2 (16 bytes)");
    assert_eq!(
        c.d.info,
        "IPv6 fragment (off=16 more=n ident=0x12345678 nxt=17)"
    );
    assert_eq!(c.range("data.data"), 48..60);
}

#[test]
fn a_type_0_routing_header_lists_its_addresses() {
    let c = raw(&ipv6(
        43,
        &format!("11 02 00 01 00000000 {DST} {UDP}"),
        None,
    ));
    assert_eq!(c.field("ipv6.routing.type"), "0");
    assert_eq!(c.field("ipv6.routing.segleft"), "1");
    assert_eq!(c.field("ipv6.routing.src.addr"), "2001:db8::2");
    assert_eq!(c.title("ipv6.routing.src.addr"), "Address[1]: 2001:db8::2");
    assert_eq!(
        c.title("ipv6.routing"),
        "Routing Header for IPv6 (Source Route)"
    );
    assert_eq!(c.range("ipv6.routing"), 40..64);
}

#[test]
fn a_segment_routing_header_lists_its_segments_from_the_last() {
    let c = raw(&ipv6(
        43,
        &format!("11 04 04 01 01 00 0000 {DST} {SRC} {UDP}"),
        None,
    ));
    assert_eq!(c.field("ipv6.routing.srh.last_entry"), "1");
    assert_eq!(c.field("ipv6.routing.srh.addr"), "2001:db8::2,2001:db8::1");
    assert_eq!(
        c.title("ipv6.routing"),
        "Routing Header for IPv6 (Segment Routing)"
    );
}

#[test]
fn an_rpl_source_route_completes_its_addresses_from_the_destination() {
    // CmprI 8, CmprE 8, no padding: two addresses of 8 bytes each, sharing the destination's
    // first 8 bytes.
    let c = raw(&ipv6(
        43,
        &format!("11 02 03 02 88000000 000000000000000a 000000000000000b {UDP}"),
        None,
    ));
    assert_eq!(c.field("ipv6.routing.rpl.cmprI"), "8");
    assert_eq!(c.field("ipv6.routing.rpl.pad"), "0");
    assert_eq!(
        c.field("ipv6.routing.rpl.address"),
        "000000000000000a,000000000000000b"
    );
    assert_eq!(
        c.field("ipv6.routing.rpl.full_address"),
        "2001:db8::a,2001:db8::b"
    );
}

#[test]
fn destination_options_show_experimental_and_unknown_options_raw() {
    let c = raw(&ipv6(60, &format!("11 00 1e 04 01020304 {UDP}"), None));
    assert_eq!(c.field("ipv6.dstopts.nxt"), "17");
    assert_eq!(c.field("ipv6.opt.experimental"), "01020304");
    assert_eq!(c.title("ipv6.opt"), "Experimental (0x1E)");

    let c = raw(&ipv6(60, &format!("11 00 33 04 01020304 {UDP}"), None));
    assert_eq!(c.field("ipv6.opt.unknown"), "01020304");
}

#[test]
fn an_option_running_past_its_header_is_malformed() {
    let c = raw(&ipv6(0, &format!("11 00 01 09 00000000 {UDP}"), None));
    assert!(
        c.problem()
            .contains("option length 9 runs past the end of its header"),
        "{}",
        c.problem()
    );
    assert!(!c.has("data"));
}

#[test]
fn an_extension_header_past_the_payload_length_is_malformed() {
    let c = raw(&ipv6(0, &format!("11 05 000000000000 {UDP}"), None));
    assert!(
        c.problem().contains("expected 48 bytes, found 20"),
        "{}",
        c.problem()
    );
}

#[test]
fn an_extension_header_cut_by_the_snap_length_shows_what_was_captured() {
    let packet = ipv6(43, &format!("11 02 00 01 00000000 {DST} {UDP}"), None);
    let c = dissect_cut(LinkType::IPV6, &packet[..45], packet.len());
    assert_eq!(c.field("ipv6.routing.nxt"), "17");
    assert_eq!(c.field("ipv6.routing.type"), "0");
    assert_eq!(c.field("ipv6.routing.segleft"), "1");
    assert!(!c.has("ipv6.routing.src.addr"));
    assert!(c.problem().contains("snap length"), "{}", c.problem());

    let packet = ipv6(0, &format!("11 00 0100 05020000 {UDP}"), None);
    let c = dissect_cut(LinkType::IPV6, &packet[..46], packet.len());
    assert_eq!(c.field("ipv6.opt.type"), "0x01,0x05");
    assert!(!c.has("ipv6.opt.router_alert"));
    assert!(c.problem().contains("snap length"), "{}", c.problem());
}

#[test]
fn no_next_header_ends_the_packet() {
    let c = raw(&ipv6(59, "", None));
    assert_eq!(c.d.info, "IPv6 no next header");
    assert!(!c.has("data"));
}

#[test]
fn an_unknown_next_header_gets_a_fallback_info_line() {
    let c = raw(&ipv6(200, "616263", None));
    assert_eq!(c.d.info, "Unassigned (200)");
    assert_eq!(c.d.protocol, "IPv6");
    assert_eq!(c.field("data.data"), "616263");
}

#[test]
fn a_payload_length_beyond_the_frame_is_reported() {
    let c = raw(&ipv6(17, UDP, Some(100)));
    assert!(
        c.problem()
            .contains("payload length 100 runs past the end of the packet"),
        "{}",
        c.problem()
    );
    assert_eq!(c.field("ipv6.plen"), "100");
}

#[test]
fn a_header_cut_by_the_snap_length_keeps_the_fields_it_has() {
    let packet = ipv6(17, UDP, None);
    let c = dissect_cut(LinkType::IPV6, &packet[..26], packet.len());
    assert_eq!(c.field("ipv6.src"), "2001:db8::1");
    assert!(!c.has("ipv6.dst"));
    assert!(c.problem().contains("snap length"), "{}", c.problem());
    assert_eq!(c.d.info, "");
}

#[test]
fn a_header_short_on_the_wire_is_malformed() {
    let packet = ipv6(17, UDP, None);
    let c = raw(&packet[..26]);
    assert_eq!(c.d.info, "Invalid IPv6 header (26 bytes, need exactly 40)");
    assert!(
        c.problem().contains("expected 40 bytes, found 26"),
        "{}",
        c.problem()
    );
}

#[test]
fn a_version_other_than_6_is_malformed() {
    let mut packet = ipv6(17, UDP, None);
    packet[0] = 0x5b;
    let frame = [hex("020000000002 020000000001 86dd"), packet].concat();
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("ipv6.version"), "5");
    assert!(!c.has("ipv6.tclass"));
    assert_eq!(c.d.info, "Bogus IPv6 version (5, must be 6)");
}

#[test]
fn a_long_chain_of_extension_headers_is_cut_off() {
    let mut payload = String::new();
    for _ in 0..100 {
        payload.push_str("3c 00 01040000 0000 ");
    }
    let c = raw(&ipv6(60, &payload, None));
    assert_eq!(c.d.find("ipv6.dstopts").count(), 32);
    assert!(
        c.problem().contains("at most 32 extension headers"),
        "{}",
        c.problem()
    );
}

#[test]
fn declared_len_counts_the_header_and_ignores_jumbograms() {
    assert_eq!(super::declared_len(&ipv6(17, UDP, None)), Some(52));
    assert_eq!(super::declared_len(&ipv6(0, UDP, Some(0))), None);
}

#[test]
fn damaged_ipv6_packets_never_panic() {
    survives_damage(LinkType::IPV6, &ipv6(17, UDP, None));
    survives_damage(
        LinkType::IPV6,
        &ipv6(0, &format!("3c 00 0100 05020000 2b 02 00 01 00000000 {DST} 2c 00 0001 12345678 11 00 c204 00000014 {UDP}"), None),
    );
    survives_damage(
        LinkType::IPV6,
        &ipv6(
            43,
            &format!("11 02 03 02 f8200000 0a0b0c0d0e0f10111213141516170000 {UDP}"),
            None,
        ),
    );
}

#[test]
fn a_payload_length_of_0_without_a_jumbo_option_leaves_the_payload_empty() {
    // What Linux BIG TCP and segmentation offload hand to a capture: Wireshark reads the
    // payload as empty, so no UDP field appears, and wirelab says why.
    let c = raw(&ipv6(17, UDP, Some(0)));
    assert_eq!(c.field("ipv6.plen"), "0");
    assert_eq!(c.field("udp.srcport"), "");
    assert!(
        c.problem()
            .contains("payload length 0 without a Jumbo Payload option"),
        "{}",
        c.problem()
    );
}

#[test]
fn a_payload_length_of_0_with_no_next_header_is_not_a_problem() {
    let c = raw(&ipv6(59, "", Some(0)));
    assert_eq!(c.problem(), "");
}
