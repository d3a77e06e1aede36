//! Filters that do not parse: the column and length of the caret, and the exact message.

use super::error;
use crate::filter::Filter;

fn at(column: usize, len: usize, message: &str) -> (usize, usize, String) {
    (column, len, message.to_string())
}

// ---- Names ----

#[test]
fn a_misspelt_field_gets_a_suggestion() {
    assert_eq!(
        error("tcp.prot == 3"),
        at(
            1,
            8,
            "\"tcp.prot\" is not a field; did you mean \"tcp.port\"?"
        )
    );
    assert_eq!(
        error("tcp.flag.syn"),
        at(
            1,
            12,
            "\"tcp.flag.syn\" is not a field; did you mean \"tcp.flags.syn\"?"
        )
    );
    assert_eq!(
        error("ip.addr == 1.2.3.4 && TCP"),
        at(23, 3, "\"TCP\" is not a field; did you mean \"tcp\"?")
    );
    assert_eq!(
        error("tcp.srcport == tcp.dstprot"),
        at(
            16,
            11,
            "\"tcp.dstprot\" is not a field; did you mean \"tcp.dstport\"?"
        )
    );
}

#[test]
fn an_unknown_word_far_from_every_field_says_where_to_look() {
    assert_eq!(
        error("zzzzzzzz"),
        at(1, 8, "\"zzzzzzzz\" is not a field or protocol that wirelab knows (`wirelab fields` lists them)")
    );
}

#[test]
fn a_minus_without_a_space_before_it_is_part_of_the_word() {
    assert_eq!(
        error("frame.len-14 == ip.len"),
        at(
            1,
            12,
            "\"frame.len-14\" is not a field; to subtract, put spaces around \"-\": frame.len - …"
        )
    );
}

// ---- Syntax ----

#[test]
fn a_missing_value_points_past_the_end() {
    assert_eq!(
        error("ip.ttl =="),
        at(
            10,
            1,
            "expected a value after \"==\", found the end of the filter"
        )
    );
    assert_eq!(
        error("ip.ttl == "),
        at(
            10,
            1,
            "expected a value after \"==\", found the end of the filter"
        )
    );
    assert_eq!(
        error("tcp &&"),
        at(
            7,
            1,
            "expected a field or a value after \"&&\", found the end of the filter"
        )
    );
    assert_eq!(error("tcp.port in"), at(12, 1, "expected a set of values in braces, like {80 443} or {1..1023} after \"in\", found the end of the filter"));
}

#[test]
fn a_token_in_the_wrong_place_is_named() {
    assert_eq!(
        error("ip.ttl == )"),
        at(11, 1, "expected a value after \"==\", found \")\"")
    );
    assert_eq!(
        error("tcp && && udp"),
        at(
            8,
            2,
            "expected a field or a value after \"&&\", found \"&&\""
        )
    );
    assert_eq!(
        error("tcp.port == 80 udp"),
        at(
            16,
            3,
            "\"udp\" was not expected after \"80\"; join tests with \"&&\" or \"||\""
        )
    );
    assert_eq!(
        error("tcp.port == 80)"),
        at(
            15,
            1,
            "\")\" was not expected after \"80\"; join tests with \"&&\" or \"||\""
        )
    );
}

#[test]
fn an_unclosed_parenthesis_names_where_it_opened() {
    assert_eq!(
        error("udp || (tcp.port == 80"),
        at(23, 1, "expected \")\" to close the \"(\" at column 8 after \"80\", found the end of the filter")
    );
}

#[test]
fn c_operators_that_are_not_in_the_language_get_a_hint() {
    assert_eq!(
        error("ip.addr = 10.0.0.1"),
        at(9, 1, "\"=\" is not an operator; did you mean \"==\"?")
    );
    assert_eq!(
        error("tcp | udp"),
        at(5, 1, "\"|\" is not an operator; did you mean \"||\" (or)?")
    );
    assert_eq!(
        error("tcp ^ udp"),
        at(5, 1, "\"^\" is not an operator; did you mean \"^^\" (xor)?")
    );
    assert_eq!(
        error("tcp; udp"),
        at(
            4,
            1,
            "\";\" cannot appear in a filter outside a quoted string"
        )
    );
}

#[test]
fn parentheses_group_tests_not_arithmetic() {
    assert_eq!(
        error("(tcp.port) == 80"),
        at(12, 2, "\"==\" cannot follow a parenthesised test: ( ) groups tests; group arithmetic with { }")
    );
}

#[test]
fn strings_and_characters_must_be_closed_and_well_escaped() {
    assert_eq!(
        error("test.str == \"abc"),
        at(13, 1, "this quoted string has no closing \"")
    );
    assert_eq!(
        error(r#"test.str == "a\qb""#),
        at(
            15,
            2,
            "\"\\q\" is not an escape; write \\\\ for a backslash"
        )
    );
    assert_eq!(
        error(r#"test.str == "\x""#),
        at(14, 2, "\\x must be followed by one or two hex digits")
    );
    assert_eq!(
        error("ip.ttl == 'ab'"),
        at(
            11,
            4,
            "a character constant holds exactly one byte, like 'a', '\\n' or '\\x0a'"
        )
    );
}

#[test]
fn sets_must_hold_values() {
    assert_eq!(
        error("tcp.port in {}"),
        at(14, 1, "a set needs at least one value")
    );
    assert_eq!(
        error("tcp.port in {80,}"),
        at(17, 1, "expected a value after \",\", found \"}\"")
    );
    assert_eq!(
        error("tcp.port in {80 .."),
        at(
            19,
            1,
            "expected the upper end of the range after \"..\", found the end of the filter"
        )
    );
    assert_eq!(
        error("tcp.port in {80 443"),
        at(
            20,
            1,
            "expected a value or \"}\" after \"443\", found the end of the filter"
        )
    );
}

// ---- Values ----

#[test]
fn a_number_too_big_for_the_field_names_the_range() {
    assert_eq!(
        error("ip.ttl == 300"),
        at(
            11,
            3,
            "\"300\" is too big for ip.ttl (an 8-bit field: 0 to 255)"
        )
    );
    assert_eq!(
        error("tcp.port in {80 70000}"),
        at(
            17,
            5,
            "\"70000\" is too big for tcp.port (a 16-bit field: 0 to 65535)"
        )
    );
    assert_eq!(
        error("ip.ttl == -1"),
        at(
            11,
            2,
            "\"-1\" is too small for ip.ttl (an 8-bit field: 0 to 255)"
        )
    );
    assert_eq!(
        error("test.int == 40000"),
        at(
            13,
            5,
            "\"40000\" is too big for test.int (a signed 16-bit field: -32768 to 32767)"
        )
    );
    assert_eq!(
        error("frame.len == 99999999999999999999999"),
        at(14, 23, "\"99999999999999999999999\" is too big for frame.len (a 32-bit field: 0 to 4294967295)")
    );
}

#[test]
fn a_word_that_is_not_a_number_lists_value_names() {
    assert_eq!(error("ip.ttl == abc"), at(11, 3, "\"abc\" is not a number"));
    assert_eq!(
        error("ip.ttl == 09"),
        at(
            11,
            2,
            "\"09\" is not a number: a leading 0 means octal, whose digits are 0 to 7"
        )
    );
    assert_eq!(error("ip.ttl == 1.5"), at(11, 3, "\"1.5\" is not a number"));
    assert_eq!(
        error("ip.proto == ud"),
        at(13, 2, "\"ud\" is not a number or the name of a value of ip.proto (names: ICMP, IGMP, GGP, IPIP, Stream, …)")
    );
}

#[test]
fn addresses_that_are_not_addresses_say_so() {
    assert_eq!(
        error("ip.src == 10.0.0.256"),
        at(11, 10, "\"10.0.0.256\" is not an IPv4 address")
    );
    assert_eq!(
        error("ip.src == 10.0.0"),
        at(11, 6, "\"10.0.0\" is not an IPv4 address")
    );
    assert_eq!(
        error("ip.src == 10.0.0.0/33"),
        at(
            11,
            11,
            "\"/33\" is not an IPv4 prefix length: write /0 to /32"
        )
    );
    assert_eq!(
        error("ip.src == example.org"),
        at(
            11,
            11,
            "\"example.org\" is not an IPv4 address (wirelab does not look up host names)"
        )
    );
    assert_eq!(
        error("ipv6.src == fe80:::1"),
        at(13, 8, "\"fe80:::1\" is not an IPv6 address")
    );
    assert_eq!(
        error("eth.src == ff:ff:ff:ff:ff"),
        at(
            12,
            14,
            "\"ff:ff:ff:ff:ff\" has 5 bytes; an Ethernet address has 6"
        )
    );
    assert_eq!(
        error("eth.src == broadcast"),
        at(
            12,
            9,
            "\"broadcast\" is not an Ethernet address: write it as aa:bb:cc:dd:ee:ff"
        )
    );
}

#[test]
fn quoted_strings_are_not_numbers_or_addresses() {
    assert_eq!(
        error("ip.src == \"10.0.0.1\""),
        at(11, 10, "\"10.0.0.1\" is a quoted string, but ip.src is an IPv4 address: write it without quotes")
    );
    assert_eq!(
        error("ip.ttl == \"64\""),
        at(
            11,
            4,
            "\"64\" is a quoted string, but ip.ttl is a number: write it without quotes"
        )
    );
    assert_eq!(
        error("tcp.flags.syn == \"1\""),
        at(
            18,
            3,
            "\"1\" is a quoted string; a flag is 1 or True, 0 or False, without quotes"
        )
    );
}

#[test]
fn flags_are_not_yes_or_no() {
    assert_eq!(
        error("tcp.flags.syn == yes"),
        at(
            18,
            3,
            "\"yes\" is not a boolean: write 1 or True for set, 0 or False for not set"
        )
    );
}

// ---- Types that do not go together ----

#[test]
fn fields_of_different_types_cannot_be_compared() {
    assert_eq!(
        error("tcp.srcport == ip.src"),
        at(16, 6, "tcp.srcport and ip.src cannot be compared: tcp.srcport is a number, ip.src is an IPv4 address")
    );
}

#[test]
fn operators_refuse_types_they_do_not_work_on() {
    assert_eq!(
        error("tcp.port contains 50"),
        at(
            10,
            8,
            "\"contains\" looks inside bytes or text, but tcp.port is a number; compare it with =="
        )
    );
    assert_eq!(
        error("tcp.flags.syn & 1"),
        at(1, 13, "tcp.flags.syn is a flag (a boolean), and & works on integer fields: compare the flag with == 1, or use & on the integer it is part of (like tcp.flags & 0x02)")
    );
    assert_eq!(
        error("tcp.port[0] == 1"),
        at(1, 8, "tcp.port is a number and cannot be sliced; slices take bytes from byte strings, addresses and protocols")
    );
    assert_eq!(error("test.label == 1"), at(1, 10, "test.label has no value to compare: test whether it is present by writing its name alone"));
    assert_eq!(
        error("ip.src + 1 == 2"),
        at(
            1,
            6,
            "arithmetic works on integers, but ip.src is an IPv4 address"
        )
    );
}

#[test]
fn a_comparison_needs_a_field() {
    assert_eq!(
        error("1 == 1"),
        at(
            3,
            2,
            "neither side of \"==\" is a field: compare a field with a value, like ip.ttl == 64"
        )
    );
    assert_eq!(
        error("\"GET\""),
        at(
            1,
            5,
            "\"GET\" alone is not a test: compare a field with it, like tcp.port == 80"
        )
    );
    assert_eq!(
        error("all tcp"),
        at(
            1,
            3,
            "\"all\" must be followed by a comparison, like all tcp.port > 1023"
        )
    );
}

#[test]
fn unsupported_features_say_so() {
    assert_eq!(
        error("frame matches \"x\""),
        at(7, 7, "\"matches\" (regular expressions) is not supported by wirelab; \"contains\" finds bytes or text")
    );
    assert_eq!(error("frame ~ \"x\"").2, error("frame matches \"x\"").2);
    assert_eq!(
        error("upper(test.str) == \"A\""),
        at(
            1,
            5,
            "the function upper() is not supported by wirelab (it has len() and count())"
        )
    );
    assert_eq!(
        error("foo(tcp.port) == 1"),
        at(
            1,
            3,
            "there is no function \"foo\" (wirelab has len() and count())"
        )
    );
    assert_eq!(
        error("frame[0:1,2:1] == 00:00"),
        at(
            11,
            3,
            "wirelab takes one range per slice: [0:3], not [0:1,2:3]"
        )
    );
    assert_eq!(
        error("frame.len > ${frame.len}"),
        at(13, 1, "field references (${field}) need a selected frame, which wirelab dissect does not have")
    );
    assert_eq!(
        error("ip.src#0 == 1.2.3.4"),
        at(
            8,
            1,
            "layers count from 1: write #1 for the outer header, #2 for the next"
        )
    );
}

// ---- Columns count characters, and the caret lines up ----

#[test]
fn columns_count_characters_not_bytes() {
    assert_eq!(error("test.str == \"é\" && tcp.prot").0, 20);
}

#[test]
fn the_error_prints_the_message_the_filter_and_a_caret() {
    let e = Filter::parse("tcp.port == 80 && ip.ttl == 300").unwrap_err();
    assert_eq!(
        e.to_string(),
        "\"300\" is too big for ip.ttl (an 8-bit field: 0 to 255)\n    tcp.port == 80 && ip.ttl == 300\n                                ^~~"
    );
    let e = Filter::parse("ip.ttl ==\t").unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a value after \"==\", found the end of the filter\n    ip.ttl == \n             ^"
    );
}

#[test]
fn long_chains_are_fine_but_nesting_stops_at_64_levels() {
    let chain = vec!["frame"; 5000].join(" && ");
    let filter = Filter::parse(&chain).expect("a long chain is flat, not deep");
    assert!(
        !filter.matches(&crate::Dissection::new(), &[]),
        "an empty frame has no frame item"
    );
    assert!(
        Filter::parse(&vec!["frame.len + 1"; 60].join(" + ")).is_err(),
        "arithmetic chains nest"
    );
    let limit = "this filter nests more than 64 levels deep, which is as far as wirelab goes";
    for deep in [
        format!("{}tcp", "!".repeat(100)),
        format!("{}tcp{}", "(".repeat(100), ")".repeat(100)),
        format!("frame.len == {}1{}", "{".repeat(100), "}".repeat(100)),
        format!("frame{} == 00", "[0]".repeat(100)),
        format!("frame.len == {}", vec!["1"; 100].join(" + ")),
    ] {
        let e = Filter::parse(&deep).unwrap_err();
        assert_eq!(e.message, limit, "{deep}");
    }
    assert!(Filter::parse(&format!("{}tcp{}", "(".repeat(60), ")".repeat(60))).is_ok());
}

/// Random filters from the language's pieces, some of them broken: none may panic, and those
/// that parse run on a frame.
#[test]
fn random_filters_never_panic() {
    const PIECES: &[&str] = &[
        "tcp",
        "ip.src",
        "ip.addr",
        "tcp.port",
        "eth.src",
        "frame",
        "frame.len",
        "tcp.flags",
        "tcp.flags.syn",
        "frame.time_relative",
        "test.str",
        "test.int",
        "==",
        "!=",
        "===",
        "!==",
        "<",
        ">=",
        "&&",
        "||",
        "^^",
        "!",
        "not",
        "and",
        "in",
        "contains",
        "matches",
        "any",
        "all",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        ":",
        "-",
        "+",
        "*",
        "/",
        "%",
        "&",
        ",",
        "..",
        "#",
        "@",
        "$",
        "0",
        "1",
        "-1",
        "80",
        "0x12",
        "09",
        "1.5",
        "10.0.0.1",
        "10.0.0.0/8",
        "fe80::1",
        "02:00:00:00:00:01",
        "aa",
        r#""GET""#,
        "'a'",
        r#""\x4"#,
        r#"r"\""#,
        "len(",
        "count(",
        "é",
        "0:3",
        "-4:",
        "2-5",
        "=",
        "|",
        "'",
        r#"""#,
        r"\",
        "99999999999999999999999999",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut parsed = 0;
    for _ in 0..5_000 {
        let len = 1 + next() % 12;
        let text: Vec<&str> = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let joiner = if next() % 2 == 0 { " " } else { "" };
        let text = text.join(joiner);
        match Filter::parse_with_fields(&text, super::TEST_FIELDS) {
            Ok(filter) => {
                parsed += 1;
                let _ = filter.matches(&crate::Dissection::new(), &[]);
            }
            Err(e) => {
                let in_text = e.column >= 1 && e.column <= text.chars().count() + 1 && e.len >= 1;
                assert!(in_text, "{text:?}: {e:?}");
                let _ = e.to_string();
            }
        }
    }
    assert!(
        parsed > 50,
        "only {parsed} random filters parsed: the generator is too harsh"
    );
}
