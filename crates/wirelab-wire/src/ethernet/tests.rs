//! Ethernet framing, padding, trailer and FCS, with literal frames.

use crate::dissection::Address;
use crate::frame::LinkType;
use crate::link::testing::{dissect, dissect_cut, hex, survives_damage};

/// An ARP request from 02:00:00:00:00:01 to the broadcast address: 14 + 28 = 42 bytes.
fn arp_request() -> Vec<u8> {
    hex("ffffffffffff 020000000001 0806
         0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002")
}

#[test]
fn an_ethernet_ii_header_shows_addresses_type_and_address_bits() {
    let c = dissect(LinkType::ETHERNET, &arp_request());
    assert_eq!(c.field("eth.dst"), "ff:ff:ff:ff:ff:ff");
    assert_eq!(c.field("eth.src"), "02:00:00:00:00:01");
    assert_eq!(c.field("eth.type"), "0x0806");
    assert_eq!(c.field("eth.addr"), "ff:ff:ff:ff:ff:ff,02:00:00:00:00:01");
    assert_eq!(c.field("eth.dst.ig"), "1");
    assert_eq!(c.field("eth.dst.lg"), "1");
    assert_eq!(c.field("eth.src.ig"), "0");
    assert_eq!(c.field("eth.src.lg"), "1");
    assert_eq!(c.range("eth.dst"), 0..6);
    assert_eq!(c.range("eth.src"), 6..12);
    assert_eq!(c.range("eth.type"), 12..14);
    assert_eq!(c.range("eth"), 0..14);
    assert_eq!(
        c.title("eth"),
        "Ethernet II, Src: 02:00:00:00:00:01, Dst: ff:ff:ff:ff:ff:ff"
    );
    assert!(c
        .d
        .items
        .iter()
        .any(|i| i.def.name == "eth.ig" && i.is_hidden()));
}

#[test]
fn the_columns_show_mac_addresses_when_no_ip_layer_replaces_them() {
    let c = dissect(LinkType::ETHERNET, &arp_request());
    assert_eq!(c.d.src, Address::Ether([2, 0, 0, 0, 0, 1]));
    assert_eq!(c.d.dst, Address::Ether([0xff; 6]));
}

#[test]
fn a_short_frame_is_padded_to_60_bytes_and_the_padding_is_not_part_of_the_packet() {
    let mut frame = arp_request();
    frame.extend([0; 18]);
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.padding"), "00".repeat(18));
    assert_eq!(c.range("eth.padding"), 42..60);
    assert_eq!(c.field("eth.trailer"), "");
    assert_eq!(c.field("eth.fcs"), "");
    assert_eq!(c.range("arp"), 14..42);
}

#[test]
fn a_64_byte_frame_ends_with_a_frame_check_sequence_after_the_padding() {
    let mut frame = arp_request();
    frame.extend([0; 18]);
    frame.extend(hex("deadbeef"));
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.padding"), "00".repeat(18));
    assert_eq!(c.field("eth.fcs"), "0xdeadbeef");
    assert_eq!(c.range("eth.fcs"), 60..64);
    assert_eq!(c.field("eth.fcs.status"), "2");
    assert_eq!(c.field("eth.trailer"), "");
}

#[test]
fn extra_bytes_before_the_fcs_are_a_trailer() {
    let mut frame = arp_request();
    frame.extend([0; 18]);
    frame.extend(hex("deadbeefcafe"));
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.trailer"), "dead");
    assert_eq!(c.field("eth.fcs"), "0xbeefcafe");
}

#[test]
fn non_zero_bytes_up_to_60_are_a_trailer_not_padding() {
    let mut frame = arp_request();
    frame.extend([0, 0, 0, 0, 0x8a]);
    frame.extend([0; 13]);
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.padding"), "");
    assert_eq!(
        c.field("eth.trailer"),
        format!("000000008a{}", "00".repeat(13))
    );
}

#[test]
fn bytes_after_the_packet_in_a_frame_shorter_than_60_bytes_are_a_trailer_not_padding() {
    let mut frame = arp_request();
    frame.extend(hex("0102"));
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.padding"), "");
    assert_eq!(c.field("eth.trailer"), "0102");
    assert_eq!(c.range("eth.trailer"), 42..44);
}

#[test]
fn padding_that_was_not_captured_is_not_shown() {
    let mut frame = arp_request();
    frame.extend([0; 18]);
    let c = dissect_cut(LinkType::ETHERNET, &frame[..42], 60);
    assert!(!c.has("eth.padding"));
    assert_eq!(c.problem(), "");
}

#[test]
fn an_802_3_frame_has_a_length_and_carries_llc_data() {
    let frame = hex("0180c2000000 020000000001 0026 424203 0000 00");
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.len"), "38");
    assert_eq!(c.field("eth.type"), "");
    assert_eq!(c.title("eth"), "IEEE 802.3 Ethernet");
    assert_eq!(c.field("data.len"), "6");
    assert_eq!(c.d.protocol, "LLC");
}

#[test]
fn an_802_3_frame_is_padded_after_its_length() {
    let mut frame = hex("0180c2000000 020000000001 0026");
    frame.extend([0x42; 38]);
    frame.extend([0; 8]);
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.padding"), "00".repeat(8));
    assert_eq!(c.field("data.len"), "38");
}

#[test]
fn a_length_type_between_1501_and_1535_is_neither() {
    let mut frame = hex("0180c2000000 020000000001 05ff");
    frame.extend([0; 46]);
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.invalid_lentype"), "0x05ff");
    assert_eq!(
        c.d.info,
        "Ethernet Unknown: Invalid length/type: 0x05ff (1535)"
    );
}

#[test]
fn an_unknown_ethertype_carries_data() {
    let frame = hex("ffffffffffff 020000000001 88b5 01020304");
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.type"), "0x88b5");
    assert_eq!(c.field("data.data"), "01020304");
    assert_eq!(c.d.protocol, "Ethernet");
}

#[test]
fn a_header_cut_by_the_snap_length_is_truncated_not_malformed() {
    let frame = arp_request();
    let c = dissect_cut(LinkType::ETHERNET, &frame[..10], 42);
    // Like Wireshark, no field of a header that is not all there.
    assert!(!c.has("eth.dst"));
    assert!(c.has("eth"));
    assert!(c.problem().contains("snap length"), "{}", c.problem());
    assert!(c.problem().starts_with("ETH at byte 10"), "{}", c.problem());
}

#[test]
fn a_frame_shorter_than_its_header_on_the_wire_is_malformed() {
    let frame = arp_request();
    let c = dissect(LinkType::ETHERNET, &frame[..13]);
    assert!(!c.has("eth.src"));
    assert!(
        c.problem().contains("expected 14 bytes, found 13"),
        "{}",
        c.problem()
    );
    assert!(!c.problem().contains("snap length"));
}

#[test]
fn damaged_ethernet_frames_never_panic() {
    let mut frame = arp_request();
    frame.extend([0; 22]);
    survives_damage(LinkType::ETHERNET, &frame);
}

#[test]
fn rarp_uses_the_arp_dissector_under_its_own_ethertype() {
    let frame = hex("ffffffffffff 020000000001 8035
                     0001 0800 06 04 0003 020000000001 00000000 020000000001 00000000");
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("eth.type"), "0x8035");
    assert_eq!(c.field("arp.opcode"), "3");
    assert_eq!(c.d.protocol, "RARP");
}
