//! UDP datagrams, built field by field and read back as tshark prints them.

use crate::frame::LinkType;
use crate::link::testing::survives_damage;
use crate::tcp::testing::{ipv4, ipv6, udp, Trace, CLIENT, CLIENT6, SERVER, SERVER6};
use std::net::IpAddr;

fn datagram(sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    ipv4(
        17,
        CLIENT,
        SERVER,
        &udp(IpAddr::V4(CLIENT), IpAddr::V4(SERVER), sport, dport, data),
    )
}

#[test]
fn a_datagram_shows_ports_length_checksum_and_payload() {
    let mut t = Trace::new();
    let c = t.frame(&datagram(43966, 53, b"query"));
    assert_eq!(c.d.protocol, "UDP");
    assert_eq!(c.d.info, "43966 \u{2192} 53 Len=5");
    assert_eq!(c.field("udp.srcport"), "43966");
    assert_eq!(c.field("udp.dstport"), "53");
    assert_eq!(c.field("udp.port"), "43966,53");
    assert_eq!(c.field("udp.length"), "13");
    assert_eq!(c.field("udp.checksum.status"), "1");
    assert_eq!(c.field("udp.checksum_calculated"), c.field("udp.checksum"));
    assert_eq!(c.field("udp.stream"), "0");
    assert_eq!(c.field("udp.payload"), "7175657279");
    assert_eq!(c.field("data.data"), "7175657279");
    assert_eq!(c.range("udp"), 20..28);
    assert_eq!(
        c.title("udp"),
        "User Datagram Protocol, Src Port: 43966, Dst Port: 53"
    );
}

#[test]
fn streams_count_address_and_port_pairs_in_either_direction() {
    let mut t = Trace::new();
    let first = t.frame(&datagram(1000, 53, b"a"));
    let other = t.frame(&datagram(1001, 53, b"b"));
    let reply = ipv4(
        17,
        SERVER,
        CLIENT,
        &udp(IpAddr::V4(SERVER), IpAddr::V4(CLIENT), 53, 1000, b"c"),
    );
    let back = t.frame(&reply);
    assert_eq!(
        (
            first.field("udp.stream"),
            other.field("udp.stream"),
            back.field("udp.stream")
        ),
        ("0".into(), "1".into(), "0".into())
    );
    assert_eq!(back.field("udp.time_relative"), "2.000000000");
    assert_eq!(back.field("udp.time_delta"), "2.000000000");
}

#[test]
fn a_zero_checksum_is_absent_over_ipv4_and_illegal_over_ipv6() {
    let mut t = Trace::new();
    let mut v4 = datagram(1, 2, b"x");
    v4[26..28].copy_from_slice(&[0, 0]);
    let c = t.frame(&v4);
    assert_eq!(c.field("udp.checksum.status"), "3");
    assert_eq!(
        c.title("udp.checksum"),
        "Checksum: 0x0000 [zero-value ignored]"
    );
    let mut body = udp(IpAddr::V6(CLIENT6), IpAddr::V6(SERVER6), 1, 2, b"x");
    body[6..8].copy_from_slice(&[0, 0]);
    let c = t.frame(&ipv6(17, CLIENT6, SERVER6, &body));
    assert_eq!(c.field("udp.checksum.status"), "4");
    assert!(
        c.d.info.ends_with("Len=1 [ILLEGAL CHECKSUM (0)]"),
        "{}",
        c.d.info
    );
}

#[test]
fn a_bad_checksum_shows_what_it_should_be() {
    let mut t = Trace::new();
    let good = datagram(1, 2, b"abc");
    let mut bad = good.clone();
    bad[27] ^= 0x40;
    let c = t.frame(&bad);
    assert_eq!(c.field("udp.checksum.status"), "0");
    assert_eq!(
        c.field("udp.checksum_calculated"),
        format!("0x{:02x}{:02x}", good[26], good[27])
    );
    assert!(
        c.d.info.ends_with("[UDP CHECKSUM INCORRECT]"),
        "{}",
        c.d.info
    );
}

#[test]
fn a_length_below_eight_stops_the_datagram() {
    let mut t = Trace::new();
    let mut packet = datagram(1, 2, b"abc");
    packet[24..26].copy_from_slice(&6u16.to_be_bytes());
    let c = t.frame(&packet);
    assert_eq!(c.d.info, "1 \u{2192} 2 [BAD UDP LENGTH 6 < 8]");
    assert!(!c.has("udp.stream"));
    assert_eq!(
        c.problem(),
        "UDP at byte 24: expected a length of at least 8 bytes, found 6"
    );
}

#[test]
fn a_length_past_the_ip_payload_is_reported_and_the_checksum_not_judged() {
    let mut t = Trace::new();
    let mut packet = datagram(1, 2, b"abc");
    packet[24..26].copy_from_slice(&20u16.to_be_bytes());
    let c = t.frame(&packet);
    assert_eq!(
        c.d.info,
        "1 \u{2192} 2 [BAD UDP LENGTH 20 > IP PAYLOAD LENGTH] Len=12"
    );
    assert_eq!(c.field("udp.checksum.status"), "2");
}

#[test]
fn a_datagram_cut_by_the_snap_length_is_unverified() {
    let mut t = Trace::new();
    let packet = datagram(1, 2, b"hello world");
    let c = t.frame_cut(&packet, 30);
    assert_eq!(c.field("udp.checksum.status"), "2");
    assert_eq!(c.field("udp.payload"), "6865");
    assert_eq!(c.d.info, "1 \u{2192} 2 Len=11");
}

#[test]
fn an_empty_datagram_has_a_stream_but_no_payload() {
    let mut t = Trace::new();
    let c = t.frame(&datagram(1, 2, b""));
    assert_eq!(c.field("udp.stream"), "0");
    assert!(!c.has("udp.payload"));
    assert!(!c.has("udp.time_relative"));
}

#[test]
fn no_prefix_or_damaged_byte_of_a_datagram_panics() {
    survives_damage(LinkType::RAW, &datagram(5353, 5353, b"payload"));
}
