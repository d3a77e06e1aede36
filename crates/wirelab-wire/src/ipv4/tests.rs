//! IPv4 headers, options, fragments and broken headers, with literal bytes.

use crate::checksum::internet_checksum;
use crate::dissection::Address;
use crate::frame::LinkType;
use crate::link::testing::{dissect, dissect_cut, hex, survives_damage, Captured};
use std::net::Ipv4Addr;

/// A UDP datagram 12345 -> 12345 with four bytes of data (its checksum left at zero).
const UDP: &str = "3039 3039 000c 0000 61626364";

/// An IPv4 header with `options` (hex) before `payload`, from 10.0.0.1 to 10.0.0.2, with
/// identification 0x1f0a, a correct checksum, and the given flags/offset word and protocol.
fn ipv4(options: &str, payload: &[u8], flags_offset: u16, proto: u8) -> Vec<u8> {
    let options = hex(options);
    let header_len = 20 + options.len();
    let total = (header_len + payload.len()) as u16;
    let mut packet = vec![0x40 | (header_len / 4) as u8, 0x00];
    packet.extend(total.to_be_bytes());
    packet.extend([0x1f, 0x0a]);
    packet.extend(flags_offset.to_be_bytes());
    packet.extend([64, proto, 0, 0]);
    packet.extend([10, 0, 0, 1, 10, 0, 0, 2]);
    packet.extend(&options);
    let checksum = internet_checksum(&packet);
    packet[10..12].copy_from_slice(&checksum.to_be_bytes());
    packet.extend(payload);
    packet
}

/// A plain UDP datagram with Don't Fragment set.
fn udp_datagram() -> Vec<u8> {
    ipv4("", &hex(UDP), 0x4000, 17)
}

fn raw(packet: &[u8]) -> Captured {
    dissect(LinkType::IPV4, packet)
}

/// Set a header byte and fix the checksum again.
fn with_byte(mut packet: Vec<u8>, at: usize, value: u8) -> Vec<u8> {
    packet[at] = value;
    let header_len = ((packet[0] & 0x0f) as usize * 4).clamp(20, packet.len());
    packet[10..12].copy_from_slice(&[0, 0]);
    let checksum = internet_checksum(&packet[..header_len]);
    packet[10..12].copy_from_slice(&checksum.to_be_bytes());
    packet
}

#[test]
fn every_fixed_header_field_has_its_value_and_byte_range() {
    let c = raw(&udp_datagram());
    let expect = [
        ("ip.version", "4", 0..1),
        ("ip.hdr_len", "20", 0..1),
        ("ip.dsfield", "0x00", 1..2),
        ("ip.dsfield.dscp", "0", 1..2),
        ("ip.dsfield.ecn", "0", 1..2),
        ("ip.len", "32", 2..4),
        ("ip.id", "0x1f0a", 4..6),
        ("ip.flags", "0x02", 6..7),
        ("ip.flags.rb", "0", 6..7),
        ("ip.flags.df", "1", 6..7),
        ("ip.flags.mf", "0", 6..7),
        ("ip.frag_offset", "0", 6..8),
        ("ip.ttl", "64", 8..9),
        ("ip.proto", "17", 9..10),
        ("ip.src", "10.0.0.1", 12..16),
        ("ip.dst", "10.0.0.2", 16..20),
    ];
    for (name, value, range) in expect {
        assert_eq!(c.field(name), value, "{name}");
        assert_eq!(c.range(name), range, "{name}");
    }
    assert_eq!(c.range("ip"), 0..20);
    assert_eq!(
        c.title("ip"),
        "Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.2"
    );
    assert_eq!(c.title("ip.flags"), "Flags: 0x2, Don't fragment");
    assert_eq!(
        c.title("ip.dsfield"),
        "Differentiated Services Field: 0x00 (DSCP: CS0, ECN: Not-ECT)"
    );
    assert_eq!(c.problem(), "");
}

#[test]
fn ip_addr_and_ip_host_hold_both_addresses_hidden() {
    let c = raw(&udp_datagram());
    assert_eq!(c.field("ip.addr"), "10.0.0.1,10.0.0.2");
    assert_eq!(c.field("ip.host"), "10.0.0.1,10.0.0.2");
    assert_eq!(c.field("ip.src_host"), "10.0.0.1");
    assert!(c.d.find("ip.addr").all(|item| item.is_hidden()));
    assert_eq!(c.d.src, Address::Ipv4(Ipv4Addr::new(10, 0, 0, 1)));
    assert_eq!(c.d.dst, Address::Ipv4(Ipv4Addr::new(10, 0, 0, 2)));
    assert_eq!(
        c.d.protocol, "UDP",
        "the transport names the protocol column"
    );
}

#[test]
fn a_correct_header_checksum_is_good_and_a_wrong_one_bad() {
    let good = udp_datagram();
    let c = raw(&good);
    assert_eq!(c.field("ip.checksum.status"), "1");
    assert_eq!(c.field("ip.checksum"), c.field("ip.checksum_calculated"));

    let mut bad = good.clone();
    bad[10] ^= 0xff;
    let c = raw(&bad);
    assert_eq!(c.field("ip.checksum.status"), "0");
    assert_eq!(
        c.field("ip.checksum_calculated"),
        format!("0x{:02x}{:02x}", good[10], good[11])
    );
    assert!(c.title("ip.checksum").contains("incorrect, should be"));
}

#[test]
fn dscp_and_ecn_are_split_from_the_ds_field() {
    let c = raw(&with_byte(udp_datagram(), 1, 0xb9));
    assert_eq!(c.field("ip.dsfield"), "0xb9");
    assert_eq!(c.field("ip.dsfield.dscp"), "46");
    assert_eq!(c.field("ip.dsfield.ecn"), "1");
    assert_eq!(
        c.title("ip.dsfield"),
        "Differentiated Services Field: 0xb9 (DSCP: EF PHB, ECN: ECT(1))"
    );
}

#[test]
fn a_header_length_below_20_is_malformed_and_ends_the_header() {
    let c = raw(&with_byte(udp_datagram(), 0, 0x44));
    assert_eq!(c.field("ip.hdr_len"), "16");
    assert!(!c.has("ip.len"));
    assert_eq!(c.d.info, "Bogus IP header length (16, must be at least 20)");
    assert!(
        c.problem()
            .contains("expected a header length of at least 20 bytes, found 16"),
        "{}",
        c.problem()
    );
}

#[test]
fn an_ipv6_packet_announced_as_ipv4_is_read_as_ipv6() {
    let ipv6 =
        hex("60000000 0000 3b40 20010db8000000000000000000000001 20010db8000000000000000000000002");
    let frame = [hex("020000000002 020000000001 0800"), ipv6].concat();
    let c = dissect(LinkType::ETHERNET, &frame);
    assert_eq!(c.field("ip.version"), "6,6");
    assert_eq!(c.field("ipv6.src"), "2001:db8::1");
    assert_eq!(c.d.protocol, "IPv6");
    assert_eq!(c.problem(), "");
}

#[test]
fn a_version_other_than_4_is_malformed() {
    let c = dissect(
        LinkType::ETHERNET,
        &[
            hex("020000000002 020000000001 0800"),
            with_byte(udp_datagram(), 0, 0x55),
        ]
        .concat(),
    );
    assert_eq!(c.field("ip.version"), "5");
    assert!(!c.has("ip.hdr_len"));
    assert_eq!(c.d.info, "Bogus IPv4 version (5, must be 4)");
    assert!(c.problem().contains("expected IP version 4, found 5"));
}

#[test]
fn a_total_length_below_the_header_length_is_malformed() {
    let c = raw(&with_byte(udp_datagram(), 3, 10));
    assert_eq!(c.field("ip.len"), "10");
    assert!(!c.has("ip.id"));
    assert_eq!(c.d.info, "Bogus IP length (10, less than header length 20)");
    assert!(c.problem().starts_with("IP at byte 2"), "{}", c.problem());
}

#[test]
fn a_total_length_of_zero_runs_to_the_end_of_the_frame_as_with_segmentation_offload() {
    let c = raw(&with_byte(udp_datagram(), 3, 0));
    assert_eq!(c.field("ip.len"), "32");
    assert_eq!(c.problem(), "");
}

#[test]
fn a_total_length_beyond_the_frame_is_reported_but_the_payload_still_dissected() {
    let mut packet = with_byte(udp_datagram(), 3, 100);
    packet.truncate(32);
    let c = raw(&packet);
    assert_eq!(c.field("ip.len"), "100");
    assert_eq!(c.field("ip.checksum.status"), "1");
    assert!(
        c.problem()
            .contains("total length 100 runs past the end of the packet"),
        "{}",
        c.problem()
    );
}

#[test]
fn a_total_length_beyond_what_the_snap_length_kept_is_not_a_problem() {
    let packet = udp_datagram();
    let c = dissect_cut(LinkType::IPV4, &packet[..28], 32);
    assert_eq!(c.field("ip.len"), "32");
    assert_eq!(c.field("ip.checksum.status"), "1");
    assert_eq!(c.problem(), "");
}

#[test]
fn a_header_cut_by_the_snap_length_keeps_the_fields_it_has() {
    let packet = udp_datagram();
    let c = dissect_cut(LinkType::IPV4, &packet[..10], 32);
    assert_eq!(c.field("ip.ttl"), "64");
    assert_eq!(c.field("ip.proto"), "17");
    assert!(!c.has("ip.checksum"));
    assert!(!c.has("ip.checksum.status"));
    assert!(
        c.problem().contains("cut by the snap length"),
        "{}",
        c.problem()
    );
    assert!(c.problem().contains("[Packet size limited during capture]"));
}

#[test]
fn a_header_short_on_the_wire_is_malformed() {
    let packet = udp_datagram();
    let c = raw(&packet[..10]);
    assert_eq!(c.field("ip.ttl"), "64");
    assert!(
        c.problem().contains("expected 20 bytes, found 10"),
        "{}",
        c.problem()
    );
    assert!(!c.problem().contains("snap length"));
}

#[test]
fn cut_options_leave_the_checksum_unverified_and_the_destination_unknown() {
    let packet = ipv4("01010101 01010101 01010100", &hex(UDP), 0x4000, 17);
    let c = dissect_cut(LinkType::IPV4, &packet[..24], packet.len());
    assert_eq!(c.field("ip.hdr_len"), "32");
    assert_eq!(c.field("ip.checksum.status"), "2");
    assert!(!c.has("ip.checksum_calculated"));
    assert_eq!(c.field("ip.src"), "10.0.0.1");
    assert!(!c.has("ip.dst"));
}

#[test]
fn a_later_fragment_is_shown_as_data() {
    let c = raw(&ipv4("", &hex(UDP), 0x0003, 17));
    assert_eq!(c.field("ip.frag_offset"), "3");
    assert_eq!(
        c.d.info,
        "Fragmented IP protocol (proto=UDP 17, off=24, ID=1f0a)"
    );
    assert_eq!(c.field("data.len"), "12");
    assert_eq!(c.range("data.data"), 20..32);
}

#[test]
fn the_first_fragment_goes_up_to_the_transport() {
    let c = raw(&ipv4("", &hex(UDP), 0x2000, 17));
    assert_eq!(c.field("ip.flags.mf"), "1");
    assert_eq!(c.field("ip.flags"), "0x01");
    assert_eq!(c.field("udp.srcport"), "12345");
}

#[test]
fn an_unknown_protocol_gets_a_fallback_info_line() {
    let c = raw(&ipv4("", b"abc", 0x4000, 200));
    assert_eq!(c.d.info, "Unassigned (200)");
    assert_eq!(c.d.protocol, "IPv4");
    assert_eq!(c.field("data.data"), "616263");
}

#[test]
fn nop_record_route_router_alert_and_eol_options_are_named() {
    let c = raw(&ipv4(
        "01 07 07 04 00000000 94 04 0000 00 00000000 000000",
        &hex(UDP),
        0x4000,
        17,
    ));
    assert_eq!(c.field("ip.hdr_len"), "40");
    assert_eq!(c.field("ip.opt.type"), "1,7,148,0");
    assert_eq!(c.field("ip.opt.len"), "7,4");
    assert_eq!(c.field("ip.opt.ptr"), "4");
    assert_eq!(c.field("ip.empty_rt"), "0.0.0.0");
    assert_eq!(c.field("ip.opt.ra"), "0");
    assert_eq!(
        c.title("ip.options"),
        "Options: (20 bytes), Record Route, Router Alert"
    );
    assert_eq!(
        c.title("ip.options.record_route"),
        "IP Option - Record Route (7 bytes)"
    );
    assert_eq!(c.title("ip.empty_rt"), "Empty Route: 0.0.0.0 <- (next)");
    assert_eq!(
        c.title("ip.options.routeralert"),
        "IP Option - Router Alert (4 bytes): Router shall examine packet (0)"
    );
    assert_eq!(c.range("ip.options.record_route"), 21..28);
    assert_eq!(c.field("ip.opt.type.copy"), "0,0,1,0");
    assert_eq!(c.field("ip.opt.type.number"), "1,7,20,0");
    assert_eq!(c.field("ip.checksum.status"), "1");
}

#[test]
fn a_timestamp_option_lists_addresses_and_times() {
    let c = raw(&ipv4(
        "44 14 0d 01 0a000001 00000001 0a000002 00000002 00000000",
        &hex(UDP),
        0,
        17,
    ));
    assert_eq!(c.field("ip.opt.flag"), "0x01");
    assert_eq!(c.field("ip.opt.overflow"), "0");
    assert_eq!(c.field("ip.opt.time_stamp_addr"), "10.0.0.1,10.0.0.2");
    assert_eq!(c.field("ip.opt.time_stamp"), "1,2");
}

#[test]
fn a_timestamp_entry_cut_by_the_option_length_is_noted() {
    let c = raw(&ipv4(
        "44 0e 05 01 00003470 49422c02 0000 0000",
        &hex(UDP),
        0,
        17,
    ));
    assert_eq!(c.field("ip.opt.time_stamp"), "1229073410");
    assert!(c.has("ip.subopt_too_long"));
}

#[test]
fn a_source_route_makes_its_last_address_the_destination() {
    let c = raw(&ipv4("83 0b 08 0a000005 0a000006 00", &hex(UDP), 0, 17));
    assert_eq!(c.field("ip.cur_rt"), "10.0.0.2");
    assert_eq!(c.field("ip.dst"), "10.0.0.6");
    assert_eq!(c.field("ip.rec_rt"), "10.0.0.5");
    assert_eq!(c.field("ip.addr"), "10.0.0.1,10.0.0.6");
    assert_eq!(c.d.dst, Address::Ipv4(Ipv4Addr::new(10, 0, 0, 6)));
    assert_eq!(
        c.title("ip"),
        "Internet Protocol Version 4, Src: 10.0.0.1, Dst: 10.0.0.6"
    );
}

#[test]
fn a_source_route_whose_pointer_is_not_a_multiple_of_4_is_not_believed() {
    let c = raw(&ipv4("83 0b 07 0a000005 0a000006 00", &hex(UDP), 0, 17));
    assert_eq!(c.field("ip.dst"), "10.0.0.2");
    assert!(!c.has("ip.cur_rt"));
    assert!(!c.has("ip.src_rt"));
    assert!(c.has("ip.opt.ptr.middle_address"));
}

#[test]
fn a_source_route_found_before_the_snap_length_cut_still_names_the_destination() {
    let packet = ipv4(
        "83 0b 04 0a000005 0a000006 00 01010101 01010101",
        &hex(UDP),
        0,
        17,
    );
    let c = dissect_cut(LinkType::IPV4, &packet[..36], packet.len());
    assert_eq!(c.field("ip.cur_rt"), "10.0.0.2");
    assert!(c.problem().contains("snap length"), "{}", c.problem());
    let c = dissect_cut(LinkType::IPV4, &packet[..22], packet.len());
    assert!(!c.has("ip.dst"));
}

#[test]
fn an_unknown_option_is_shown_raw_and_parsing_goes_on() {
    let c = raw(&ipv4("9e 04 abcd 88 04 1234", &hex(UDP), 0, 17));
    assert_eq!(c.field("ip.opt.unknown"), "9e04abcd");
    assert_eq!(c.title("ip.opt.unknown"), "Unknown (0x9e) (4 bytes)");
    assert_eq!(c.field("ip.opt.sid"), "4660");
    assert_eq!(c.field("ip.opt.type"), "136");
}

#[test]
fn an_option_longer_than_the_options_ends_them() {
    let c = raw(&ipv4("07 09 04 00000000", &hex(UDP), 0, 17));
    assert!(!c.has("ip.opt.type"));
    assert_eq!(
        c.title("ip.opt.len.invalid"),
        "Record Route (option length = 9 bytes says option goes past end of options)"
    );
}

#[test]
fn an_option_with_the_wrong_fixed_length_is_malformed() {
    let c = raw(&ipv4("94 03 00 00", &hex(UDP), 0, 17));
    assert_eq!(c.field("ip.opt.type"), "148");
    assert!(!c.has("ip.opt.ra"));
    assert!(
        c.problem()
            .contains("Router Alert option length of 4 bytes, found 3"),
        "{}",
        c.problem()
    );
}

#[test]
fn ip_in_ip_nests_but_not_without_end() {
    let inner = udp_datagram();
    let c = raw(&ipv4("", &inner, 0, 4));
    assert_eq!(c.field("ip.proto"), "4,17");
    assert_eq!(c.field("ip.src"), "10.0.0.1,10.0.0.1");

    let mut packet = udp_datagram();
    for _ in 0..40 {
        packet = ipv4("", &packet, 0, 4);
    }
    let c = raw(&packet);
    assert_eq!(
        c.d.find("ip.version").count(),
        crate::dissector::MAX_IP_DEPTH as usize
    );
}

#[test]
fn declared_len_believes_only_a_sane_header() {
    assert_eq!(super::declared_len(&udp_datagram()), Some(32));
    assert_eq!(super::declared_len(&with_byte(udp_datagram(), 3, 0)), None);
    assert_eq!(
        super::declared_len(&with_byte(udp_datagram(), 0, 0x44)),
        None
    );
    assert_eq!(super::declared_len(&[0x45]), None);
}

#[test]
fn etherparse_reads_the_same_fields_from_a_well_formed_header() {
    let packet = ipv4("", &hex(UDP), 0x4000, 17);
    let header = etherparse::Ipv4HeaderSlice::from_slice(&packet).unwrap();
    let c = raw(&packet);
    assert_eq!(c.field("ip.len"), header.total_len().to_string());
    assert_eq!(c.field("ip.ttl"), header.ttl().to_string());
    assert_eq!(c.field("ip.proto"), header.protocol().0.to_string());
    assert_eq!(
        c.field("ip.flags.df"),
        (header.dont_fragment() as u8).to_string()
    );
    assert_eq!(
        c.field("ip.checksum"),
        format!("0x{:04x}", header.header_checksum())
    );
    assert_eq!(c.field("ip.src"), header.source_addr().to_string());
    assert_eq!(c.field("ip.dst"), header.destination_addr().to_string());
}

#[test]
fn damaged_ipv4_headers_never_panic() {
    survives_damage(LinkType::IPV4, &udp_datagram());
    survives_damage(
        LinkType::IPV4,
        &ipv4(
            "01 07 07 04 00000000 94 04 0000 00 44 0c 05 01 0a000001 00000001 83 07 04 0a000005",
            &hex(UDP),
            0,
            17,
        ),
    );
}

#[test]
fn dotted_quads_print_like_the_standard_library() {
    for addr in [
        [0, 0, 0, 0],
        [10, 0, 0, 1],
        [255, 255, 255, 255],
        [192, 168, 100, 9],
        [1, 20, 100, 200],
    ] {
        let addr = Ipv4Addr::from(addr);
        assert_eq!(super::DottedQuad(addr).to_string(), addr.to_string());
    }
}
