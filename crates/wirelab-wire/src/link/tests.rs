//! Linux cooked captures and BSD loopback headers, with literal frames.

use crate::dissection::Address;
use crate::frame::LinkType;
use crate::link::testing::{dissect, dissect_cut, hex, survives_damage};
use std::net::Ipv4Addr;

/// An IPv4 UDP datagram 10.0.0.1 -> 10.0.0.2 (32 bytes, checksum correct).
const IPV4_UDP: &str =
    "4500 0020 1f0a 4000 4011 07c1 0a000001 0a000002 3039 3039 000c 0000 61626364";
/// An IPv6 header with no next header and no payload.
const IPV6_EMPTY: &str =
    "60000000 0000 3b40 20010db8000000000000000000000001 20010db8000000000000000000000002";

#[test]
fn an_sll_header_shows_direction_address_and_protocol() {
    let frame = hex(&format!("0004 0001 0006 020000000001 1234 0800 {IPV4_UDP}"));
    let c = dissect(LinkType::LINUX_SLL, &frame);
    assert_eq!(c.field("sll.pkttype"), "4");
    assert_eq!(c.field("sll.hatype"), "1");
    assert_eq!(c.field("sll.halen"), "6");
    assert_eq!(c.field("sll.src.eth"), "02:00:00:00:00:01");
    assert_eq!(c.field("sll.unused"), "1234");
    assert_eq!(c.field("sll.etype"), "0x0800");
    assert_eq!(c.range("sll"), 0..16);
    assert_eq!(c.range("sll.src.eth"), 6..12);
    assert_eq!(c.range("sll.etype"), 14..16);
    assert_eq!(c.title("sll"), "Linux cooked capture v1");
    assert_eq!(c.field("ip.src"), "10.0.0.1");
    assert_eq!(c.field("ip.checksum.status"), "1");
}

#[test]
fn sll2_puts_the_protocol_first_and_adds_the_interface_index() {
    let frame = hex(&format!(
        "0800 0000 00000002 0001 04 06 020000000001 0000 {IPV4_UDP}"
    ));
    let c = dissect(LinkType::LINUX_SLL2, &frame);
    assert_eq!(c.field("sll.etype"), "0x0800");
    assert_eq!(c.field("sll.ifindex"), "2");
    assert_eq!(c.field("sll.hatype"), "1");
    assert_eq!(c.field("sll.pkttype"), "4");
    assert_eq!(c.field("sll.halen"), "6");
    assert_eq!(c.field("sll.src.eth"), "02:00:00:00:00:01");
    assert_eq!(c.field("sll.unused"), "0000");
    assert_eq!(c.range("sll.pkttype"), 10..11);
    assert_eq!(c.range("sll"), 0..20);
    assert_eq!(c.title("sll"), "Linux cooked capture v2");
    assert_eq!(c.field("ip.dst"), "10.0.0.2");
}

#[test]
fn a_tunnel_interface_has_an_ipv4_source_address() {
    let frame = hex(&format!("0000 0300 0004 0a000001 00000000 0800 {IPV4_UDP}"));
    let c = dissect(LinkType::LINUX_SLL, &frame);
    assert_eq!(c.field("sll.src.ipv4"), "10.0.0.1");
    assert_eq!(c.field("sll.unused"), "00000000");
}

#[test]
fn an_eight_byte_address_is_shown_as_bytes() {
    let frame = hex(&format!("0000 0001 0008 0102030405060708 0800 {IPV4_UDP}"));
    let c = dissect(LinkType::LINUX_SLL, &frame);
    assert_eq!(c.field("sll.src.other"), "0102030405060708");
    assert!(!c.has("sll.unused"));
}

#[test]
fn a_linux_protocol_number_is_not_an_ethertype() {
    let frame = hex("0000 0001 0006 020000000001 0000 0004 424203616263");
    let c = dissect(LinkType::LINUX_SLL, &frame);
    assert_eq!(c.field("sll.ltype"), "0x0004");
    assert_eq!(c.field("sll.etype"), "");
    assert_eq!(c.field("data.len"), "6");
    assert_eq!(c.d.info, "Unicast to us");
}

#[test]
fn sll_frames_have_padding_and_a_trailer_but_no_fcs() {
    let mut frame = hex("0000 0001 0006 020000000001 0000 0806
                         0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002");
    frame.extend([0; 20]);
    let c = dissect(LinkType::LINUX_SLL, &frame);
    assert_eq!(c.field("eth.padding"), "00".repeat(16));
    assert_eq!(c.field("sll.trailer"), "00000000");
    assert_eq!(c.field("eth.fcs"), "");
    assert_eq!(c.d.info, "Who has 10.0.0.2? Tell 10.0.0.1");
    assert_eq!(c.d.src, Address::Ether([2, 0, 0, 0, 0, 1]));
}

#[test]
fn a_cooked_header_cut_short_keeps_what_it_has() {
    let frame = hex(&format!("0004 0001 0006 020000000001 1234 0800 {IPV4_UDP}"));
    let c = dissect(LinkType::LINUX_SLL, &frame[..9]);
    assert_eq!(c.field("sll.halen"), "6");
    assert!(c.problem().starts_with("SLL at byte 9"), "{}", c.problem());
    let c = dissect_cut(LinkType::LINUX_SLL2, &frame[..10], 40);
    assert!(c.problem().contains("snap length"), "{}", c.problem());
}

#[test]
fn null_guesses_the_byte_order_of_the_family() {
    for header in ["02000000", "00000002"] {
        let c = dissect(LinkType::NULL, &hex(&format!("{header} {IPV4_UDP}")));
        assert_eq!(c.field("null.family"), "2", "{header}");
        assert_eq!(c.field("ip.src"), "10.0.0.1");
        assert_eq!(c.d.src, Address::Ipv4(Ipv4Addr::new(10, 0, 0, 1)));
    }
    let c = dissect(LinkType::NULL, &hex(&format!("1e000000 {IPV6_EMPTY}")));
    assert_eq!(c.field("null.family"), "30");
    assert_eq!(c.field("ipv6.nxt"), "59");
    assert_eq!(c.range("null"), 0..4);
}

#[test]
fn loop_is_in_network_byte_order() {
    let c = dissect(LinkType::LOOP, &hex(&format!("00000018 {IPV6_EMPTY}")));
    assert_eq!(c.field("null.family"), "24");
    assert_eq!(c.field("ipv6.src"), "2001:db8::1");
}

#[test]
fn a_null_header_holding_an_ethertype_is_read_as_one() {
    let c = dissect(LinkType::NULL, &hex(&format!("00000800 {IPV4_UDP}")));
    assert_eq!(c.field("null.type"), "0x0800");
    assert_eq!(c.field("ip.dst"), "10.0.0.2");
}

#[test]
fn an_unknown_family_carries_data() {
    let c = dissect(LinkType::NULL, &hex("07000000 616263"));
    assert_eq!(c.field("null.family"), "7");
    assert_eq!(c.field("data.data"), "616263");
}

#[test]
fn a_loopback_header_cut_short_is_malformed() {
    let c = dissect(LinkType::NULL, &hex("0000"));
    assert!(c.problem().starts_with("NULL at byte 2"), "{}", c.problem());
}

#[test]
fn damaged_link_headers_never_panic() {
    survives_damage(
        LinkType::LINUX_SLL,
        &hex(&format!("0004 0001 0006 020000000001 1234 0800 {IPV4_UDP}")),
    );
    survives_damage(
        LinkType::LINUX_SLL2,
        &hex(&format!(
            "0800 0000 00000002 0001 04 06 020000000001 0000 {IPV4_UDP}"
        )),
    );
    survives_damage(LinkType::NULL, &hex(&format!("02000000 {IPV4_UDP}")));
    survives_damage(LinkType::LOOP, &hex(&format!("00000018 {IPV6_EMPTY}")));
}

#[test]
fn reading_past_the_end_gives_none_not_a_panic() {
    use crate::link::{be16, be32, mac_at};
    assert_eq!(be16(&[1], 0), None);
    assert_eq!(be16(&[1, 2], usize::MAX), None);
    assert_eq!(be32(&[1, 2, 3, 4], 1), None);
    assert_eq!(mac_at(&[0; 5], 0), None);
}

#[test]
fn linktype_ipv6_means_ipv6_whatever_the_version_nibble_says() {
    let c = dissect(LinkType::IPV6, &hex(IPV4_UDP));
    assert_eq!(c.field("ipv6.version"), "4");
    assert!(!c.has("ip.src"));
    assert!(
        c.problem().contains("expected IP version 6, found 4"),
        "{}",
        c.problem()
    );
    let c = dissect(LinkType::RAW, &hex(IPV4_UDP));
    assert_eq!(c.field("ip.src"), "10.0.0.1");
}
