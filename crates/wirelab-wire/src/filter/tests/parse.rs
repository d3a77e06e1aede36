//! How filters parse: precedence, operators and literals, shown as S-expressions of the
//! compiled test.

use super::{compile, tree};

// ---- Precedence: not > and > xor > or; comparisons bind tighter than not. ----

#[test]
fn and_binds_tighter_than_or() {
    assert_eq!(tree("udp || tcp && icmp"), "(or udp (and tcp icmp))");
    assert_eq!(tree("udp and tcp or icmp"), "(or (and udp tcp) icmp)");
}

#[test]
fn the_manual_example_groups_as_wireshark_documents() {
    // wireshark-filter(4): "A and B or not C or D and not E or F" is
    // "(A and B) or (not C) or (D and (not E)) or F".
    assert_eq!(
        tree("eth and ip or not arp or udp and not tcp or icmp"),
        "(or (and eth ip) (not arp) (and udp (not tcp)) icmp)"
    );
}

#[test]
fn not_applies_to_the_whole_comparison() {
    assert_eq!(
        tree("!tcp.flags.syn == 1 && udp"),
        "(and (not (== tcp.flags.syn 1)) udp)"
    );
    assert_eq!(tree("not not tcp"), "(not (not tcp))");
}

#[test]
fn xor_binds_between_and_and_or() {
    assert_eq!(tree("udp ^^ tcp && icmp"), "(xor udp (and tcp icmp))");
    assert_eq!(tree("udp xor tcp or icmp"), "(or (xor udp tcp) icmp)");
}

#[test]
fn parentheses_override_precedence() {
    assert_eq!(tree("(udp || tcp) && icmp"), "(and (or udp tcp) icmp)");
    assert_eq!(
        tree("!(tcp.port == 80 || tcp.port == 443)"),
        "(not (or (== tcp.port 80) (== tcp.port 443)))"
    );
}

#[test]
fn word_operators_mean_the_same_as_symbols() {
    assert_eq!(
        tree("tcp.port eq 80 and not udp or arp"),
        tree("tcp.port == 80 && !udp || arp")
    );
    for (word, symbol) in [
        ("ne", "!="),
        ("lt", "<"),
        ("le", "<="),
        ("gt", ">"),
        ("ge", ">="),
        ("any_eq", "=="),
        ("all_ne", "!="),
    ] {
        assert_eq!(
            tree(&format!("ip.ttl {word} 64")),
            tree(&format!("ip.ttl {symbol} 64")),
            "{word}"
        );
    }
    assert_eq!(tree("ip.ttl all_eq 64"), tree("ip.ttl === 64"));
    assert_eq!(tree("ip.ttl any_ne 64"), tree("ip.ttl !== 64"));
    assert_eq!(tree("tcp.flags bitwise_and 2"), tree("tcp.flags & 2"));
}

#[test]
fn spaces_are_optional_around_symbols() {
    assert_eq!(
        tree("tcp.port==80&&!udp"),
        "(and (== tcp.port 80) (not udp))"
    );
    assert_eq!(tree("(tcp)||(udp)"), "(or tcp udp)");
}

#[test]
fn the_empty_filter_is_true() {
    assert_eq!(tree(""), "true");
    assert_eq!(tree("   "), "true");
}

// ---- Any and all: Wireshark 4's meaning of == != === !== ----

#[test]
fn equal_is_any_and_not_equal_is_all() {
    assert_eq!(tree("ip.src == 10.0.0.1"), "(== ip.src 10.0.0.1/32)");
    assert_eq!(tree("ip.src != 10.0.0.1"), "(all != ip.src 10.0.0.1/32)");
    assert_eq!(tree("ip.src === 10.0.0.1"), "(all == ip.src 10.0.0.1/32)");
    assert_eq!(tree("ip.src !== 10.0.0.1"), "(!= ip.src 10.0.0.1/32)");
    assert_eq!(
        tree("ip.src ~= 10.0.0.1"),
        "(!= ip.src 10.0.0.1/32)",
        "~= is the old spelling of !=="
    );
}

#[test]
fn any_and_all_in_front_choose_explicitly() {
    assert_eq!(tree("all tcp.port > 1023"), "(all > tcp.port 1023)");
    assert_eq!(tree("any ip.addr != 1.1.1.1"), "(!= ip.addr 1.1.1.1/32)");
    assert_eq!(
        tree("all tcp.port in {80 443}"),
        "(all in tcp.port {80 443})"
    );
}

// ---- Comparisons, sets, arithmetic ----

#[test]
fn chained_comparisons_are_conjunctions() {
    assert_eq!(tree("1 < ip.ttl < 64"), "(and (< 1 ip.ttl) (< ip.ttl 64))");
    assert_eq!(
        tree("frame.len > ip.len > 100"),
        "(and (> frame.len ip.len) (> ip.len 100))"
    );
}

#[test]
fn sets_take_spaces_or_commas_and_ranges() {
    assert_eq!(
        tree("tcp.port in {80 443 8080}"),
        "(in tcp.port {80 443 8080})"
    );
    assert_eq!(
        tree("tcp.port in {80, 443, 8080}"),
        "(in tcp.port {80 443 8080})"
    );
    assert_eq!(tree("tcp.port in {1..10}"), "(in tcp.port {1..10})");
    assert_eq!(
        tree("tcp.port in {443, 4430 .. 4434}"),
        "(in tcp.port {443 4430..4434})"
    );
    assert_eq!(
        tree("ip.addr in {10.0.0.5..10.0.0.9}"),
        "(in ip.addr {10.0.0.5/32..10.0.0.9/32})"
    );
    assert_eq!(tree("tcp.port not in {80}"), "(not (in tcp.port {80}))");
    assert_eq!(tree("test.int in {-5..-1}"), "(in test.int {-5..-1})");
}

#[test]
fn bitwise_and_binds_tighter_than_comparison() {
    assert_eq!(tree("tcp.flags & 0x02"), "(nonzero (& tcp.flags 2))");
    assert_eq!(tree("tcp.flags & 0x12 == 0x12"), "(== (& tcp.flags 18) 18)");
}

#[test]
fn arithmetic_has_the_usual_precedence() {
    assert_eq!(
        tree("frame.len - ip.hdr_len * 4 == ip.len"),
        "(== (- frame.len (* ip.hdr_len 4)) ip.len)"
    );
    assert_eq!(
        tree("tcp.dstport >= tcp.srcport + 1"),
        "(>= tcp.dstport (+ tcp.srcport 1))"
    );
    assert_eq!(
        tree("tcp.dstport >= 4 * {tcp.srcport + 3}"),
        "(>= tcp.dstport (* 4 (+ tcp.srcport 3)))"
    );
    assert_eq!(
        tree("frame.len -14 == ip.len"),
        "(== (- frame.len 14) ip.len)"
    );
}

#[test]
fn fields_compare_with_fields() {
    assert_eq!(
        tree("tcp.srcport == tcp.dstport"),
        "(== tcp.srcport tcp.dstport)"
    );
    assert_eq!(tree("ip.src == ip.dst"), "(== ip.src ip.dst)");
    assert_eq!(tree("tcp.port == udp.port"), "(== tcp.port udp.port)");
}

#[test]
fn slices_layers_and_functions_parse() {
    assert_eq!(
        tree("eth.src[0:3] == 02:00:00"),
        "(== eth.src[0:3] <02:00:00>)"
    );
    assert_eq!(
        tree("frame[100-199] contains \"wirelab\""),
        "(contains frame[100-199] <77:69:72:65:6c:61:62>)"
    );
    assert_eq!(
        tree("frame[-4:] == 00:00:00:00"),
        "(== frame[-4:] <00:00:00:00>)"
    );
    assert_eq!(tree("frame[:2] == 0xe2"), "(== frame[0:2] <e2>)");
    assert_eq!(tree("frame[12]"), "(has frame[12:1])");
    assert_eq!(tree("ip.src#2 == 10.0.0.1"), "(== ip.src#2 10.0.0.1/32)");
    assert_eq!(tree("ip.src#[1-2]"), "ip.src#1-2");
    assert_eq!(tree("count(ip.src) == 2"), "(== count(ip.src) 2)");
    assert_eq!(tree("len(eth.src) == 6"), "(== len(eth.src) 6)");
}

// ---- Literals, typed by the field on the other side ----

#[test]
fn integers_are_decimal_hex_octal_binary_or_characters() {
    for literal in [
        "64",
        "0x40",
        "0X40",
        "0100",
        "0b1000000",
        "'@'",
        "'\\x40'",
        "'\\100'",
    ] {
        assert_eq!(
            tree(&format!("ip.ttl == {literal}")),
            "(== ip.ttl 64)",
            "{literal}"
        );
    }
}

#[test]
fn value_names_stand_for_their_numbers() {
    assert_eq!(
        tree("ip.proto == udp"),
        "(== ip.proto 17)",
        "a value name beats the udp protocol"
    );
    assert_eq!(tree("ip.proto == TCP"), "(== ip.proto 6)");
    assert_eq!(tree("eth.type == ipv4"), "(== eth.type 2048)");
    assert_eq!(tree("icmp.type == traceroute"), "(== icmp.type 30)");
    assert_eq!(
        tree("icmp.type == \"Echo (ping) request\""),
        "(== icmp.type 8)",
        "quoted names may have spaces"
    );
}

#[test]
fn flags_take_one_zero_true_and_false() {
    assert_eq!(tree("tcp.flags.syn == 1"), "(== tcp.flags.syn 1)");
    assert_eq!(tree("tcp.flags.syn == True"), "(== tcp.flags.syn 1)");
    assert_eq!(tree("tcp.flags.syn == TRUE"), "(== tcp.flags.syn 1)");
    assert_eq!(
        tree("tcp.flags.syn == 2"),
        "(== tcp.flags.syn 1)",
        "any number but zero is true"
    );
    assert_eq!(tree("tcp.flags.syn == False"), "(== tcp.flags.syn 0)");
    assert_eq!(tree("tcp.flags.syn == 0"), "(== tcp.flags.syn 0)");
}

#[test]
fn addresses_take_prefixes() {
    assert_eq!(tree("ip.addr == 10.0.0.0/8"), "(== ip.addr 10.0.0.0/8)");
    assert_eq!(tree("ipv6.addr == fe80::/10"), "(== ipv6.addr fe80::/10)");
    assert_eq!(tree("ipv6.src == ::1"), "(== ipv6.src ::1/128)");
    assert_eq!(
        tree("ipv6.src == ::ffff:10.0.0.1"),
        "(== ipv6.src ::ffff:10.0.0.1/128)"
    );
}

#[test]
fn mac_addresses_take_colons_hyphens_or_dots() {
    for literal in [
        "02:00:00:00:00:01",
        "02-00-00-00-00-01",
        "02.00.00.00.00.01",
        "0200.0000.0001",
        "020000000001",
    ] {
        assert_eq!(
            tree(&format!("eth.src == {literal}")),
            "(== eth.src 02:00:00:00:00:01)",
            "{literal}"
        );
    }
}

#[test]
fn byte_strings_take_hex_or_quoted_text() {
    assert_eq!(
        tree("frame contains 47:45:54"),
        "(contains frame <47:45:54>)"
    );
    assert_eq!(
        tree("frame contains 47.45.54"),
        "(contains frame <47:45:54>)"
    );
    assert_eq!(tree("frame contains 474554"), "(contains frame <47:45:54>)");
    assert_eq!(
        tree("frame contains \"GET\""),
        "(contains frame <47:45:54>)"
    );
    assert_eq!(tree("frame contains 0x47"), "(contains frame <47>)");
    assert_eq!(tree("eth.src contains 00:01"), "(contains eth.src <00:01>)");
}

#[test]
fn strings_decode_escapes_and_raw_strings_keep_backslashes() {
    assert_eq!(
        tree(r#"test.str == "a\"b\\c\x41\101\n\u00e9""#),
        "(== test.str <61:22:62:5c:63:41:41:0a:c3:a9>)"
    );
    assert_eq!(
        tree(r#"test.str == r"\\S\x""#),
        "(== test.str <5c:5c:53:5c:78>)"
    );
    assert_eq!(
        tree(r#"test.str contains "a\"""#),
        "(contains test.str <61:22>)"
    );
}

#[test]
fn times_are_seconds() {
    assert_eq!(
        tree("frame.time_relative > 1.5"),
        "(> frame.time_relative 1500000000ns)"
    );
    assert_eq!(
        tree("frame.time_relative > 2"),
        "(> frame.time_relative 2000000000ns)"
    );
    assert_eq!(
        tree("frame.time_delta < -0.25"),
        "(< frame.time_delta -250000000ns)"
    );
    assert_eq!(
        tree("frame.time_relative > 1.5e0"),
        "(> frame.time_relative 1500000000ns)"
    );
    assert_eq!(
        tree("frame.time_relative in {1 .. 2.5}"),
        "(in frame.time_relative {1000000000ns..2500000000ns})"
    );
    assert_eq!(
        tree("frame.time_epoch >= 1700000000"),
        "(>= frame.time_epoch 1700000000000000000ns)"
    );
    assert_eq!(
        tree("frame.time_epoch >= \"2023-11-14 22:13:20\""),
        "(>= frame.time_epoch 1700000000000000000ns)"
    );
    assert_eq!(
        tree("frame.time_epoch >= \"2023-11-14T22:13:20Z\""),
        "(>= frame.time_epoch 1700000000000000000ns)"
    );
    assert_eq!(
        tree("frame.time_epoch < \"1970-01-02\""),
        "(< frame.time_epoch 86400000000000ns)"
    );
}

#[test]
fn signed_and_floating_fields_take_negative_values() {
    assert_eq!(tree("test.int == -32768"), "(== test.int -32768)");
    assert_eq!(tree("test.double > -0.5"), "(> test.double -0.5)");
}

#[test]
fn a_literal_may_stand_on_the_left() {
    assert_eq!(tree("443 == tcp.port"), "(== 443 tcp.port)");
}

#[test]
fn a_flag_alone_warns_that_it_tests_presence() {
    let filter = compile("tcp.flags.syn == 1 && !tcp.flags.ack");
    let [warning] = filter.warnings() else {
        panic!("one warning expected: {:?}", filter.warnings())
    };
    assert_eq!((warning.column, warning.len), (24, 13));
    assert!(
        warning.message.contains("write tcp.flags.ack == 0"),
        "{}",
        warning.message
    );
    assert!(compile("tcp.flags.syn == 1 && tcp.flags.ack == 0")
        .warnings()
        .is_empty());
    assert!(compile("tcp.flags.ack").warnings()[0]
        .message
        .contains("write tcp.flags.ack == 1"));
}
