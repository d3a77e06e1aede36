//! ICMPv6 messages, Neighbor Discovery and MLD, built field by field and read back as tshark
//! prints them.

use crate::frame::LinkType;
use crate::link::testing::survives_damage;
use crate::tcp::testing::{icmpv6, ipv6, udp, Trace, CLIENT6, SERVER6};
use std::net::{IpAddr, Ipv6Addr};

const MAC: [u8; 6] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55];
const TARGET: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
const GROUP: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 0x16);

fn message(icmp_type: u8, code: u8, body: &[u8]) -> Vec<u8> {
    ipv6(
        58,
        CLIENT6,
        SERVER6,
        &icmpv6(CLIENT6, SERVER6, icmp_type, code, body),
    )
}

fn link_layer_option(kind: u8) -> Vec<u8> {
    let mut option = vec![kind, 1];
    option.extend_from_slice(&MAC);
    option
}

#[test]
fn an_echo_request_and_reply_are_matched() {
    let mut t = Trace::new();
    let c = t.frame(&message(
        128,
        0,
        &[0x12, 0x34, 0, 1, b'p', b'i', b'n', b'g'],
    ));
    assert_eq!(c.d.protocol, "ICMPv6");
    assert_eq!(
        c.d.info,
        "Echo (ping) request id=0x1234, seq=1, hop limit=64"
    );
    assert_eq!(c.field("icmpv6.type"), "128");
    assert_eq!(c.field("icmpv6.checksum.status"), "1");
    assert_eq!(c.field("icmpv6.echo.identifier"), "0x1234");
    assert_eq!(c.field("icmpv6.echo.sequence_number"), "1");
    let body = icmpv6(
        SERVER6,
        CLIENT6,
        129,
        0,
        &[0x12, 0x34, 0, 1, b'p', b'i', b'n', b'g'],
    );
    let reply = t.frame(&ipv6(58, SERVER6, CLIENT6, &body));
    assert_eq!(
        reply.d.info,
        "Echo (ping) reply id=0x1234, seq=1, hop limit=64 (request in 1)"
    );
    assert_eq!(reply.field("icmpv6.resp_to"), "1");
    assert_eq!(reply.field("icmpv6.resptime"), "1000");
}

#[test]
fn a_neighbor_solicitation_asks_for_a_target_and_gives_the_source_address() {
    let mut t = Trace::new();
    let mut body = vec![0; 4];
    body.extend_from_slice(&TARGET.octets());
    body.extend_from_slice(&link_layer_option(1));
    let c = t.frame(&message(135, 0, &body));
    assert_eq!(
        c.d.info,
        "Neighbor Solicitation for 2001:db8::1 from 00:11:22:33:44:55"
    );
    assert_eq!(c.field("icmpv6.nd.ns.target_address"), "2001:db8::1");
    assert_eq!(c.field("icmpv6.opt.type"), "1");
    assert_eq!(c.field("icmpv6.opt.length"), "1");
    assert_eq!(c.field("icmpv6.opt.linkaddr"), "00:11:22:33:44:55");
    assert_eq!(c.field("icmpv6.opt.src_linkaddr"), "00:11:22:33:44:55");
    assert_eq!(
        c.title("icmpv6.opt"),
        "ICMPv6 Option (Source link-layer address : 00:11:22:33:44:55)"
    );
}

#[test]
fn a_neighbor_advertisement_names_its_flags_and_answer() {
    let mut t = Trace::new();
    let mut body = 0xe000_0000u32.to_be_bytes().to_vec();
    body.extend_from_slice(&TARGET.octets());
    body.extend_from_slice(&link_layer_option(2));
    let c = t.frame(&message(136, 0, &body));
    assert_eq!(
        c.d.info,
        "Neighbor Advertisement 2001:db8::1 (rtr, sol, ovr) is at 00:11:22:33:44:55"
    );
    assert_eq!(c.field("icmpv6.nd.na.flag"), "0xe0000000");
    assert_eq!(c.field("icmpv6.nd.na.flag.s"), "1");
    assert_eq!(c.field("icmpv6.opt.target_linkaddr"), "00:11:22:33:44:55");
    assert_eq!(
        c.title("icmpv6.nd.na.flag"),
        "Flags: 0xe0000000, Router, Solicited, Override"
    );
}

#[test]
fn a_router_advertisement_shows_flags_prefix_and_mtu() {
    let mut t = Trace::new();
    let mut body = vec![64, 0xc8, 0x07, 0x08];
    body.extend_from_slice(&30_000u32.to_be_bytes());
    body.extend_from_slice(&1_000u32.to_be_bytes());
    body.extend_from_slice(&[3, 4, 64, 0xc0]);
    body.extend_from_slice(&86_400u32.to_be_bytes());
    body.extend_from_slice(&14_400u32.to_be_bytes());
    body.extend_from_slice(&[0; 4]);
    body.extend_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 0).octets());
    body.extend_from_slice(&[5, 1, 0, 0, 0, 0, 0x05, 0xc8]);
    body.extend_from_slice(&link_layer_option(1));
    let c = t.frame(&message(134, 0, &body));
    assert_eq!(c.d.info, "Router Advertisement from 00:11:22:33:44:55");
    assert_eq!(c.field("icmpv6.nd.ra.cur_hop_limit"), "64");
    assert_eq!(c.field("icmpv6.nd.ra.flag"), "0xc8");
    assert_eq!(c.field("icmpv6.nd.ra.flag.m"), "1");
    assert_eq!(c.field("icmpv6.nd.ra.flag.prf"), "1");
    assert_eq!(c.field("icmpv6.nd.ra.router_lifetime"), "1800");
    assert_eq!(c.field("icmpv6.opt.type"), "3,5,1");
    assert_eq!(c.field("icmpv6.opt.prefix"), "2001:db8:1::");
    assert_eq!(c.field("icmpv6.opt.prefix.length"), "64");
    assert_eq!(c.field("icmpv6.opt.prefix.valid_lifetime"), "86400");
    assert_eq!(c.field("icmpv6.opt.mtu"), "1480");
    assert_eq!(c.title("icmpv6.nd.ra.flag"), "Flags: 0xc8, Managed address configuration, Other configuration, Prf (Default Router Preference): High");
    assert_eq!(
        c.title("icmpv6.opt"),
        "ICMPv6 Option (Prefix information : 2001:db8:1::/64)"
    );
}

#[test]
fn a_pref64_option_gives_the_nat64_prefix() {
    let mut t = Trace::new();
    let mut body = vec![64, 0, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0];
    body.extend_from_slice(&[38, 2, 0x07, 0x08]);
    body.extend_from_slice(&[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]);
    let c = t.frame(&message(134, 0, &body));
    assert_eq!(c.field("icmpv6.opt.pref64.scaled_lifetime"), "225");
    assert_eq!(c.field("icmpv6.opt.pref64.plc"), "0x0000");
    assert_eq!(c.field("icmpv6.opt.pref64.prefix"), "64:ff9b::");
}

#[test]
fn an_option_of_length_zero_ends_the_options_as_malformed() {
    let mut t = Trace::new();
    let mut body = vec![0; 4];
    body.extend_from_slice(&TARGET.octets());
    body.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]);
    let c = t.frame(&message(135, 0, &body));
    assert_eq!(c.field("icmpv6.opt.length"), "0");
    assert_eq!(
        c.problem(),
        "ICMPV6 at byte 65: expected an option length of at least 1 (8 bytes), found 0"
    );
}

#[test]
fn an_unknown_option_is_shown_as_data() {
    let mut t = Trace::new();
    let mut body = vec![0; 4];
    body.extend_from_slice(&TARGET.octets());
    body.extend_from_slice(&[99, 1, 1, 2, 3, 4, 5, 6]);
    let c = t.frame(&message(135, 0, &body));
    assert_eq!(c.field("icmpv6.data"), "010203040506");
    assert_eq!(c.title("icmpv6.opt"), "ICMPv6 Option (Unknown 99)");
}

#[test]
fn errors_quote_the_offending_ipv6_packet() {
    let mut t = Trace::new();
    let datagram = udp(IpAddr::V6(SERVER6), IpAddr::V6(CLIENT6), 53, 4000, b"hello");
    let offending = ipv6(17, SERVER6, CLIENT6, &datagram);
    let mut body = vec![0; 4];
    body.extend_from_slice(&offending);
    let c = t.frame(&message(1, 4, &body));
    assert_eq!(c.d.info, "Destination Unreachable (Port unreachable)");
    assert_eq!(c.field("icmpv6.reserved"), "00000000");
    assert_eq!(c.field("udp.srcport"), "53");
    assert_eq!(c.field("udp.checksum.status"), "1");
    let mut too_big = 1280u32.to_be_bytes().to_vec();
    too_big.extend_from_slice(&offending);
    let c = t.frame(&message(2, 0, &too_big));
    assert_eq!(c.field("icmpv6.mtu"), "1280");
    assert_eq!(c.d.info, "Packet Too Big");
}

#[test]
fn mld_queries_reports_and_done_name_their_group() {
    let mut t = Trace::new();
    let mut body = vec![0x03, 0xe8, 0, 0];
    body.extend_from_slice(&GROUP.octets());
    let query = t.frame(&message(130, 0, &body));
    assert_eq!(query.field("icmpv6.mld.maximum_response_delay"), "1000");
    assert_eq!(query.field("icmpv6.mld.multicast_address"), "ff02::16");
    body.extend_from_slice(&[0x0a, 60, 0, 1]);
    body.extend_from_slice(&TARGET.octets());
    let v2 = t.frame(&message(130, 0, &body));
    assert_eq!(v2.field("icmpv6.mld.maximum_response_code"), "1000");
    assert_eq!(v2.field("icmpv6.mld.flag.s"), "1");
    assert_eq!(v2.field("icmpv6.mld.flag.qrv"), "2");
    assert_eq!(v2.field("icmpv6.mld.source_address"), "2001:db8::1");
    let mut report = vec![0, 0, 0, 1, 4, 0, 0, 0];
    report.extend_from_slice(&GROUP.octets());
    let c = t.frame(&message(143, 0, &report));
    assert_eq!(c.field("icmpv6.mldr.nb_mcast_records"), "1");
    assert_eq!(c.field("icmpv6.mldr.mar.record_type"), "4");
    assert_eq!(
        c.title("icmpv6.mldr.mar"),
        "Multicast Address Record Changed to exclude: ff02::16"
    );
}

#[test]
fn a_bad_checksum_is_caught_with_the_pseudo_header() {
    let mut t = Trace::new();
    let mut packet = message(128, 0, &[0, 1, 0, 1]);
    packet[42] ^= 0x01;
    let c = t.frame(&packet);
    assert_eq!(c.field("icmpv6.checksum.status"), "0");
}

#[test]
fn no_prefix_or_damaged_byte_of_a_neighbor_message_panics() {
    let mut body = 0x6000_0000u32.to_be_bytes().to_vec();
    body.extend_from_slice(&TARGET.octets());
    body.extend_from_slice(&link_layer_option(2));
    body.extend_from_slice(&[25, 3, 0, 0, 0, 0, 0, 5]);
    body.extend_from_slice(&TARGET.octets());
    body.extend_from_slice(&[31, 2, 0, 0, 0, 0, 0, 5, 3, b'c', b'o', b'm', 0, 0, 0, 0]);
    survives_damage(LinkType::RAW, &message(136, 0, &body));
}
