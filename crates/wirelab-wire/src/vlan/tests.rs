//! 802.1Q and 802.1ad tags, with literal frames.

use crate::frame::LinkType;
use crate::link::testing::{dissect, hex, survives_damage};

/// Frame 1 of tcpdump's 802.1ad_QinQ.pcap: service tag 200, customer tag 2001, an ARP
/// request, 10 bytes of padding and a 4-byte trailer.
fn qinq_arp() -> Vec<u8> {
    hex("ffffffffffff 0020d25afb3f 88a8 00c8 8100 07d1 0806
         0001 0800 0604 0001 0020d25afb3f ac154f61 000000000000 ac154f64
         00000000000000000000 00000000")
}

#[test]
fn a_qinq_frame_has_a_service_tag_then_a_customer_tag() {
    let c = dissect(LinkType::ETHERNET, &qinq_arp());
    assert_eq!(c.field("eth.type"), "0x88a8");
    assert_eq!(c.field("ieee8021ad.id"), "200");
    assert_eq!(c.field("ieee8021ad.priority"), "0");
    assert_eq!(c.field("ieee8021ad.dei"), "0");
    assert_eq!(c.field("ieee8021ah.etype"), "0x8100");
    assert_eq!(c.field("vlan.id"), "2001");
    assert_eq!(c.field("vlan.priority"), "0");
    assert_eq!(c.field("vlan.dei"), "0");
    assert_eq!(c.field("vlan.etype"), "0x0806");
    assert_eq!(c.range("ieee8021ad"), 14..18);
    assert_eq!(c.range("ieee8021ad.priority"), 14..15);
    assert_eq!(c.range("vlan"), 18..22);
    assert_eq!(c.range("vlan.id"), 18..20);
    assert_eq!(c.title("ieee8021ad"), "IEEE 802.1ad, ID: 200");
    assert_eq!(
        c.title("vlan"),
        "802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 2001"
    );
    assert_eq!(c.field("arp.src.proto_ipv4"), "172.21.79.97");
}

#[test]
fn the_innermost_tag_accounts_for_padding_and_trailer() {
    let c = dissect(LinkType::ETHERNET, &qinq_arp());
    assert_eq!(c.field("eth.padding"), "00".repeat(10));
    assert_eq!(c.range("eth.padding"), 50..60);
    // The frame is 64 bytes, but from the customer tag on only 46: not enough to guess an FCS.
    assert_eq!(c.field("vlan.trailer"), "00000000");
    assert_eq!(c.field("eth.fcs"), "");
}

#[test]
fn priority_and_drop_eligibility_come_from_the_top_bits() {
    let frame = hex("ffffffffffff 020000000001 8100 b00a 88b5 01020304");
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("vlan.priority"), "5");
    assert_eq!(c.field("vlan.dei"), "1");
    assert_eq!(c.field("vlan.id"), "10");
    assert_eq!(c.field("data.len"), "4");
}

#[test]
fn a_tag_followed_by_a_length_carries_llc_data() {
    let frame = hex("0180c2000000 020000000001 8100 0001 0004 42420300");
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("vlan.len"), "4");
    assert_eq!(c.field("vlan.etype"), "");
    assert_eq!(c.field("data.data"), "42420300");
}

#[test]
fn a_tag_cut_short_is_reported_at_its_own_layer() {
    let frame = hex("ffffffffffff 020000000001 8100 0001");
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("vlan.id"), "1");
    assert!(
        c.problem().starts_with("VLAN at byte 16"),
        "{}",
        c.problem()
    );
}

#[test]
fn thousands_of_nested_tags_stop_at_sixteen() {
    let mut frame = hex("ffffffffffff 020000000001 8100");
    for _ in 0..5000 {
        frame.extend(hex("0001 8100"));
    }
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.d.find("vlan.id").count(), 16);
    assert!(c.problem().contains("nested VLAN tags"), "{}", c.problem());
}

#[test]
fn damaged_tagged_frames_never_panic() {
    survives_damage(LinkType::ETHERNET, &qinq_arp());
}
