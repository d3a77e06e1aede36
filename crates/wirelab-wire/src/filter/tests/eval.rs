//! What filters mean, on dissections built by hand: each test builds the items a dissector
//! would add, so that the semantics are checked apart from any dissector.

use super::{compile, field};
use crate::dissection::Dissection;
use crate::field::Value;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

const CLIENT_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const SERVER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

/// A frame being put together: its bytes and its dissection.
struct Packet {
    d: Dissection,
    bytes: Vec<u8>,
}

impl Packet {
    fn new(len: usize, time_relative_ns: i128) -> Packet {
        let mut p = Packet {
            d: Dissection::new(),
            bytes: vec![0; len],
        };
        p.d.open(field("frame"), 0..len, Value::None);
        p.d.add_generated(field("frame.len"), Value::UInt(len as u64));
        p.d.add_generated(field("frame.time_relative"), Value::Time(time_relative_ns));
        p.d.close();
        p
    }

    /// Write `value` at `range` of the bytes and add the field there.
    fn put(&mut self, name: &str, range: Range<usize>, raw: &[u8], value: Value) {
        self.bytes[range.clone()].copy_from_slice(raw);
        self.d.add(field(name), range, value);
    }

    fn ethernet(&mut self, src: [u8; 6], dst: [u8; 6]) {
        self.d.open(field("eth"), 0..14, Value::None);
        self.put("eth.dst", 0..6, &dst, Value::Ether(dst));
        self.put("eth.src", 6..12, &src, Value::Ether(src));
        self.put("eth.type", 12..14, &[0x08, 0x00], Value::UInt(0x0800));
        self.d.close();
    }

    /// An IPv4 header at `at` (20 bytes), with the hidden `ip.addr` for both addresses.
    fn ipv4(&mut self, at: usize, src: [u8; 4], dst: [u8; 4], ttl: u8, proto: u8) {
        self.d.open(field("ip"), at..at + 20, Value::None);
        self.put("ip.ttl", at + 8..at + 9, &[ttl], Value::UInt(ttl.into()));
        self.put(
            "ip.proto",
            at + 9..at + 10,
            &[proto],
            Value::UInt(proto.into()),
        );
        self.put(
            "ip.src",
            at + 12..at + 16,
            &src,
            Value::Ipv4(Ipv4Addr::from(src)),
        );
        self.put(
            "ip.dst",
            at + 16..at + 20,
            &dst,
            Value::Ipv4(Ipv4Addr::from(dst)),
        );
        self.d.add_hidden(
            field("ip.addr"),
            at + 12..at + 16,
            Value::Ipv4(Ipv4Addr::from(src)),
        );
        self.d.add_hidden(
            field("ip.addr"),
            at + 16..at + 20,
            Value::Ipv4(Ipv4Addr::from(dst)),
        );
        self.d.close();
    }

    fn tcp(&mut self, at: usize, src: u16, dst: u16, flags: u16) {
        self.d.open(field("tcp"), at..at + 20, Value::None);
        self.put(
            "tcp.srcport",
            at..at + 2,
            &src.to_be_bytes(),
            Value::UInt(src.into()),
        );
        self.put(
            "tcp.dstport",
            at + 2..at + 4,
            &dst.to_be_bytes(),
            Value::UInt(dst.into()),
        );
        self.d
            .add_hidden(field("tcp.port"), at..at + 2, Value::UInt(src.into()));
        self.d
            .add_hidden(field("tcp.port"), at + 2..at + 4, Value::UInt(dst.into()));
        self.put(
            "tcp.flags",
            at + 12..at + 14,
            &flags.to_be_bytes(),
            Value::UInt(flags.into()),
        );
        self.d.add(
            field("tcp.flags.syn"),
            at + 13..at + 14,
            Value::Bool(flags & 0x002 != 0),
        );
        self.d.add(
            field("tcp.flags.ack"),
            at + 13..at + 14,
            Value::Bool(flags & 0x010 != 0),
        );
        self.d.close();
    }

    fn udp(&mut self, at: usize, src: u16, dst: u16) {
        self.d.open(field("udp"), at..at + 8, Value::None);
        self.put(
            "udp.srcport",
            at..at + 2,
            &src.to_be_bytes(),
            Value::UInt(src.into()),
        );
        self.put(
            "udp.dstport",
            at + 2..at + 4,
            &dst.to_be_bytes(),
            Value::UInt(dst.into()),
        );
        self.d.close();
    }

    fn data(&mut self, at: usize, payload: &[u8]) {
        self.d
            .open(field("data"), at..at + payload.len(), Value::None);
        self.put("data.data", at..at + payload.len(), payload, Value::Bytes);
        self.d.close();
    }

    fn passes(&self, filter: &str) -> bool {
        compile(filter).matches(&self.d, &self.bytes)
    }
}

/// 10.0.0.1:54321 → 10.0.0.2:443, TTL 64, 2.5 s into the capture, "GET /" as payload.
fn segment(flags: u16) -> Packet {
    let mut p = Packet::new(59, 2_500_000_000);
    p.ethernet(CLIENT_MAC, SERVER_MAC);
    p.ipv4(14, [10, 0, 0, 1], [10, 0, 0, 2], 64, 6);
    p.tcp(34, 54321, 443, flags);
    p.data(54, b"GET /");
    p
}

const SYN: u16 = 0x002;
const SYN_ACK: u16 = 0x012;
const ACK: u16 = 0x010;

/// A router (10.0.0.254) tells 10.0.0.1 that 192.168.1.1 port 53 is unreachable, quoting the
/// IPv4 and UDP headers of the datagram: two `ip.src`, two `ip.dst`, four `ip.addr`.
fn icmp_error() -> Packet {
    let mut p = Packet::new(14 + 20 + 8 + 20 + 8, 0);
    p.ethernet(SERVER_MAC, CLIENT_MAC);
    p.ipv4(14, [10, 0, 0, 254], [10, 0, 0, 1], 255, 1);
    p.d.open(field("icmp"), 34..70, Value::None);
    p.put("icmp.type", 34..35, &[3], Value::UInt(3));
    p.ipv4(42, [10, 0, 0, 1], [192, 168, 1, 1], 63, 17);
    p.udp(62, 40000, 53);
    p.d.close();
    p
}

// ---- The examples from the issue ----

#[test]
fn the_examples_from_the_issue_select_what_they_say() {
    let syn = segment(SYN);
    let syn_ack = segment(SYN_ACK);
    assert!(syn.passes("tcp.flags.syn == 1 && tcp.flags.ack == 0"));
    assert!(!syn_ack.passes("tcp.flags.syn == 1 && tcp.flags.ack == 0"));
    assert!(syn.passes("ip.addr == 10.0.0.1") && syn.passes("ip.addr == 10.0.0.2"));
    assert!(syn.passes("tcp.port == 443") && syn.passes("tcp.port == 54321"));
    assert!(
        syn.passes("udp || tcp")
            && !syn.passes("udp || icmp")
            && icmp_error().passes("udp || icmp")
    );
    assert!(syn.passes("not arp"));
    assert!(
        !syn.passes("frame.len > 100 and ip.ttl < 65")
            && syn.passes("frame.len > 50 and ip.ttl < 65")
    );
    assert!(syn.passes("tcp.port in {80 443 8080}") && !syn.passes("tcp.port in {80 8080}"));
    assert!(
        syn.passes("eth.src == 02:00:00:00:00:01") && !syn.passes("eth.dst == 02:00:00:00:00:01")
    );
}

#[test]
fn not_a_flag_tests_absence_of_the_field_as_in_wireshark() {
    // tshark -Y 'tcp.flags.syn == 1 && !tcp.flags.ack' shows no TCP segment at all: the
    // field is there in every segment, set or not.
    assert!(!segment(SYN).passes("tcp.flags.syn == 1 && !tcp.flags.ack"));
    assert!(segment(SYN).passes("tcp.flags.ack"));
}

// ---- Presence ----

#[test]
fn a_field_alone_tests_presence() {
    let p = segment(ACK);
    assert!(p.passes("tcp") && p.passes("ip.ttl") && p.passes("frame"));
    assert!(!p.passes("udp") && !p.passes("icmp.type") && !p.passes("arp"));
    assert!(p.passes("!udp") && !p.passes("!tcp"));
}

// ---- Several occurrences: any and all ----

#[test]
fn equal_is_true_if_any_occurrence_is_equal() {
    let p = icmp_error();
    assert!(p.passes("ip.src == 10.0.0.254"), "the outer source");
    assert!(p.passes("ip.src == 10.0.0.1"), "the quoted source");
    assert!(!p.passes("ip.src == 10.0.0.2"));
}

#[test]
fn not_equal_is_true_only_if_every_occurrence_differs() {
    let p = icmp_error();
    assert!(
        !p.passes("ip.src != 10.0.0.1"),
        "the quoted source is equal"
    );
    assert!(p.passes("ip.src != 10.0.0.2"));
    assert!(p.passes("!(ip.src == 10.0.0.2)"));
    assert!(
        !p.passes("udp.port != 53"),
        "no udp.port field: every comparison needs the field"
    );
}

#[test]
fn all_equal_and_any_not_equal_are_the_other_two() {
    let p = icmp_error();
    assert!(!p.passes("ip.src === 10.0.0.1"));
    assert!(
        p.passes("ip.src === 10.0.0.0/24"),
        "both sources are in 10.0.0.0/24"
    );
    assert!(p.passes("ip.src !== 10.0.0.1"), "the outer source differs");
    assert!(!p.passes("ip.src !== 10.0.0.0/24"));
    assert!(
        p.passes("all ip.ttl > 10")
            && !p.passes("all ip.ttl > 100")
            && p.passes("any ip.ttl > 100")
    );
}

#[test]
fn nothing_compares_true_with_a_field_that_is_absent() {
    let p = segment(SYN);
    for filter in [
        "udp.srcport == 1",
        "udp.srcport != 1",
        "udp.srcport === 1",
        "udp.srcport !== 1",
        "udp.srcport in {1..65535}",
    ] {
        assert!(!p.passes(filter), "{filter}");
    }
    assert!(p.passes("!(udp.srcport == 1)"));
}

#[test]
fn layers_pick_the_outer_or_the_quoted_header() {
    let p = icmp_error();
    assert!(p.passes("ip.src#1 == 10.0.0.254") && !p.passes("ip.src#1 == 10.0.0.1"));
    assert!(p.passes("ip.src#2 == 10.0.0.1") && !p.passes("ip.src#2 == 10.0.0.254"));
    assert!(p.passes("ip.dst#[1-2] == 192.168.1.1") && !p.passes("ip.dst#3"));
    assert!(
        p.passes("count(ip.src) == 2")
            && p.passes("count(ip.addr) == 4")
            && p.passes("count(tcp.port) == 0")
    );
}

// ---- Values of each type ----

#[test]
fn addresses_match_prefixes() {
    let p = icmp_error();
    assert!(p.passes("ip.addr == 192.168.0.0/16") && !p.passes("ip.addr == 172.16.0.0/12"));
    assert!(p.passes("ip.dst in {192.168.1.0/24}"));
    assert!(p.passes("ip.addr in {10.0.0.250 .. 10.0.0.255}"));
    assert!(p.passes("ip.src > 10.0.0.253") && p.passes("ip.src < 10.0.0.2"));
}

#[test]
fn ipv6_addresses_match_prefixes() {
    let mut p = Packet::new(60, 0);
    p.d.add(
        field("test.v6"),
        0..16,
        Value::Ipv6("fe80::1".parse::<Ipv6Addr>().unwrap()),
    );
    let passes = |f: &str| compile(f).matches(&p.d, &p.bytes);
    assert!(
        passes("test.v6 == fe80::1")
            && passes("test.v6 == fe80::/10")
            && !passes("test.v6 == 2001:db8::/32")
    );
}

#[test]
fn ethernet_addresses_compare_whole_or_sliced() {
    let p = segment(SYN);
    assert!(p.passes("eth.src == 02-00-00-00-00-01") && p.passes("eth.src == 0200.0000.0001"));
    assert!(
        p.passes("eth.src[0:3] == 02:00:00")
            && p.passes("eth.src[5] == 01")
            && p.passes("eth.src[-1:] == 01")
    );
    assert!(p.passes("eth.src contains 00:01") && !p.passes("eth.src contains 01:00"));
    assert!(p.passes("eth.src < eth.dst"));
}

#[test]
fn bytes_and_protocols_are_searched_with_contains() {
    let p = segment(ACK);
    assert!(p.passes("frame contains \"GET\"") && p.passes("data contains 47:45:54"));
    assert!(p.passes("data.data == \"GET /\"") && p.passes("data.data[0:3] == 47.45.54"));
    // As in Wireshark: `contains` searches a protocol's whole layer, payload included, while
    // slices and len() see the protocol item's own range (here the header).
    assert!(
        p.passes("tcp contains \"GET\"")
            && p.passes("ip contains \"GET\"")
            && p.passes("eth contains \"GET\"")
    );
    assert!(p.passes("len(tcp) == 20") && p.passes("tcp[19]") && !p.passes("tcp[20]"));
    assert!(
        p.passes("frame[54:3] == \"GET\"")
            && p.passes("frame[12:2] == 08:00")
            && p.passes("frame[12] == 0x08")
    );
    assert!(
        !p.passes("frame[58:2] == 00:00"),
        "a slice past the end has no value"
    );
    assert!(p.passes("frame[58]") && !p.passes("frame[59]"));
    assert!(p.passes("len(data.data) == 5") && p.passes("len(eth.src) == 6"));
}

#[test]
fn a_layer_searched_with_contains_stops_before_the_link_layer_padding() {
    // 14 + 20 + 20 bytes of headers, then 6 bytes of Ethernet padding, which the Ethernet
    // dissector adds inside its own subtree, before the layers it carries.
    let mut p = Packet::new(60, 0);
    p.d.open(field("eth"), 0..14, Value::None);
    p.put("eth.padding", 54..60, &[0xee; 6], Value::Bytes);
    p.d.close();
    p.ipv4(14, [10, 0, 0, 1], [10, 0, 0, 2], 64, 6);
    p.tcp(34, 1, 2, ACK);
    assert!(p.passes("eth contains ee:ee") && p.passes("frame contains ee:ee"));
    assert!(!p.passes("ip contains ee:ee") && !p.passes("tcp contains ee:ee"));
}

#[test]
fn strings_compare_and_contain() {
    let mut p = Packet::new(10, 0);
    let text = p.d.text_value(format_args!("Hello, world"));
    p.d.add_generated(field("test.str"), text);
    p.d.add_generated(field("test.str"), Value::Static("second"));
    let passes = |f: &str| compile(f).matches(&p.d, &p.bytes);
    assert!(
        passes("test.str == \"Hello, world\"")
            && passes("test.str == \"second\"")
            && !passes("test.str == \"hello\"")
    );
    assert!(
        passes("test.str contains \"world\"")
            && passes("test.str contains \"cond\"")
            && !passes("test.str contains \"xyz\"")
    );
    assert!(passes("test.str > \"A\"") && passes("test.str in {\"nope\" \"second\"}"));
}

#[test]
fn flags_compare_as_zero_or_one_whatever_integer_was_stored() {
    let mut p = Packet::new(60, 0);
    // A dissector that stored the masked bit (0x02) instead of a bool still reads as set.
    p.d.add(field("tcp.flags.syn"), 47..48, Value::UInt(0x02));
    let passes = |f: &str| compile(f).matches(&p.d, &p.bytes);
    assert!(
        passes("tcp.flags.syn == 1")
            && passes("tcp.flags.syn == True")
            && !passes("tcp.flags.syn == 0")
    );
}

#[test]
fn bitwise_and_masks_integers() {
    let syn = segment(SYN);
    let ack = segment(ACK);
    assert!(syn.passes("tcp.flags & 0x02") && !ack.passes("tcp.flags & 0x02"));
    assert!(
        segment(SYN_ACK).passes("tcp.flags & 0x12 == 0x12")
            && !syn.passes("tcp.flags & 0x12 == 0x12")
    );
    assert!(ack.passes("tcp.flags & 0x12 == 0x10"));
}

#[test]
fn times_compare_in_seconds() {
    let p = segment(SYN); // 2.5 s
    assert!(p.passes("frame.time_relative > 1.5") && p.passes("frame.time_relative >= 2.5"));
    assert!(!p.passes("frame.time_relative > 2.5") && p.passes("frame.time_relative in {2 .. 3}"));
}

#[test]
fn signed_and_floating_values_compare() {
    let mut p = Packet::new(60, 0);
    p.d.add_generated(field("test.int"), Value::Int(-5));
    p.d.add_generated(field("test.double"), Value::Double(0.75));
    let passes = |f: &str| compile(f).matches(&p.d, &p.bytes);
    assert!(passes("test.int == -5") && passes("test.int < 0") && passes("test.int in {-10..-1}"));
    assert!(
        passes("test.double > 0.5") && passes("test.double < 1") && !passes("test.double == 0.5")
    );
}

#[test]
fn labels_are_present_or_not() {
    let mut p = Packet::new(60, 0);
    p.d.add_generated(field("test.label"), Value::None);
    assert!(compile("test.label").matches(&p.d, &p.bytes));
    assert!(!compile("test.label").matches(&Packet::new(60, 0).d, &p.bytes));
}

// ---- Fields with fields, arithmetic ----

#[test]
fn fields_compare_with_fields() {
    let p = segment(SYN);
    assert!(!p.passes("tcp.srcport == tcp.dstport") && p.passes("tcp.srcport > tcp.dstport"));
    assert!(p.passes("ip.src != ip.dst") && p.passes("ip.ttl < tcp.dstport"));
    assert!(
        p.passes("tcp.port == tcp.dstport"),
        "any pair of occurrences that is equal"
    );
}

#[test]
fn arithmetic_computes_on_each_value() {
    let p = segment(SYN);
    assert!(p.passes("frame.len - 14 == 45") && p.passes("frame.len -14 == 45"));
    assert!(
        p.passes("tcp.dstport * 2 == 886")
            && p.passes("tcp.dstport % 100 == 43")
            && p.passes("tcp.dstport / 100 == 4")
    );
    assert!(p.passes("-ip.ttl == -64") && p.passes("tcp.srcport > tcp.dstport + 50000"));
    assert!(
        !p.passes("tcp.dstport / 0 == 0"),
        "division by zero has no value"
    );
}

// ---- Logic ----

#[test]
fn xor_is_true_when_exactly_one_side_is() {
    let p = segment(SYN);
    assert!(p.passes("tcp ^^ udp") && !p.passes("tcp ^^ ip") && !p.passes("udp xor arp"));
}

#[test]
fn the_empty_filter_passes_every_frame() {
    assert!(segment(SYN).passes("") && Packet::new(0, 0).passes(""));
}

#[test]
fn a_frame_with_no_items_passes_only_negations() {
    let p = Packet {
        d: Dissection::new(),
        bytes: Vec::new(),
    };
    assert!(
        !p.passes("frame")
            && p.passes("!frame")
            && !p.passes("frame.len > 0")
            && !p.passes("frame[0]")
    );
}
