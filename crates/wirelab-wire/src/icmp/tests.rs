//! ICMP messages, built field by field and read back as tshark prints them.

use crate::frame::LinkType;
use crate::link::testing::survives_damage;
use crate::tcp::testing::{from_client, icmp, ipv4, ipv4_with, udp, Trace, CLIENT, SERVER};
use crate::tcp::{ACK, SYN};
use std::net::IpAddr;

/// A ping program's data: a `struct timeval` (seconds, microseconds, little-endian) of frame
/// time, then filler.
fn ping_data(secs: u32) -> Vec<u8> {
    let mut data = secs.to_le_bytes().to_vec();
    data.extend_from_slice(&500u32.to_le_bytes());
    data.extend_from_slice(b"abcdefgh");
    data
}

#[test]
fn an_echo_request_and_its_reply_are_matched() {
    let mut t = Trace::new();
    let request = ipv4_with(
        1,
        CLIENT,
        SERVER,
        &icmp(8, 0, [0x12, 0x34, 0, 1], &ping_data(1_000_001)),
        57,
        0,
    );
    let c = t.frame(&request);
    assert_eq!(c.d.protocol, "ICMP");
    assert_eq!(
        c.d.info,
        "Echo (ping) request  id=0x1234, seq=1/256, ttl=57"
    );
    assert_eq!(c.field("icmp.type"), "8");
    assert_eq!(c.field("icmp.code"), "0");
    assert_eq!(c.field("icmp.checksum.status"), "1");
    assert_eq!(c.field("icmp.ident"), "4660");
    assert_eq!(c.field("icmp.ident_le"), "13330");
    assert_eq!(c.field("icmp.seq"), "1");
    assert_eq!(c.field("icmp.seq_le"), "256");
    assert_eq!(c.field("icmp.data_time_relative"), "-0.000500000");
    assert_eq!(c.field("data.len"), "8");
    assert_eq!(c.title("icmp.type"), "Type: 8 (Echo (ping) request)");

    let reply = t.frame(&ipv4(
        1,
        SERVER,
        CLIENT,
        &icmp(0, 0, [0x12, 0x34, 0, 1], &ping_data(1_000_001)),
    ));
    assert_eq!(
        reply.d.info,
        "Echo (ping) reply    id=0x1234, seq=1/256, ttl=64 (request in 1)"
    );
    assert_eq!(reply.field("icmp.resp_to"), "1");
    assert_eq!(reply.field("icmp.resptime"), "1000");

    let again = t.frame(&ipv4(
        1,
        SERVER,
        CLIENT,
        &icmp(0, 0, [0x12, 0x34, 0, 1], &ping_data(1_000_001)),
    ));
    assert!(!again.has("icmp.resp_to"), "a request is answered once");
}

#[test]
fn a_reply_whose_data_differs_from_the_request_is_not_its_answer() {
    let mut t = Trace::new();
    t.frame(&ipv4(1, CLIENT, SERVER, &icmp(8, 0, [0, 7, 0, 1], b"abcd")));
    let reply = t.frame(&ipv4(1, SERVER, CLIENT, &icmp(0, 0, [0, 7, 0, 1], b"abce")));
    assert!(!reply.has("icmp.resp_to"));
}

#[test]
fn a_port_unreachable_quotes_the_ip_and_udp_headers() {
    let mut t = Trace::new();
    let datagram = udp(
        IpAddr::V4(SERVER),
        IpAddr::V4(CLIENT),
        4000,
        53,
        b"question",
    );
    let offending = ipv4(17, SERVER, CLIENT, &datagram);
    let quote = &offending[..28];
    let c = t.frame(&ipv4(1, CLIENT, SERVER, &icmp(3, 3, [0; 4], quote)));
    assert_eq!(c.d.info, "Destination unreachable (Port unreachable)");
    assert_eq!(c.d.protocol, "ICMP");
    assert_eq!(
        (c.field("ip.src"), c.field("ip.dst")),
        ("10.0.0.1,10.0.0.2".into(), "10.0.0.2,10.0.0.1".into())
    );
    assert_eq!(c.field("icmp.unused"), "00000000");
    assert_eq!(c.field("udp.srcport"), "4000");
    assert_eq!(c.field("udp.dstport"), "53");
    assert_eq!(c.field("udp.length"), "16");
    assert_eq!(
        c.field("udp.checksum.status"),
        "2",
        "the quote lacks the data the checksum covers"
    );
    assert_eq!(c.field("udp.stream"), "0");
    assert_eq!(c.title("icmp.code"), "Code: 3 (Port unreachable)");
}

#[test]
fn a_whole_quoted_datagram_is_verified_and_its_conversation_counted() {
    let mut t = Trace::new();
    let datagram = udp(
        IpAddr::V4(SERVER),
        IpAddr::V4(CLIENT),
        4000,
        53,
        b"question",
    );
    let c = t.frame(&ipv4(
        1,
        CLIENT,
        SERVER,
        &icmp(11, 0, [0; 4], &ipv4(17, SERVER, CLIENT, &datagram)),
    ));
    assert_eq!(
        c.d.info,
        "Time-to-live exceeded (Time to live exceeded in transit)"
    );
    assert_eq!(c.field("udp.checksum.status"), "1");
    assert!(
        !c.has("udp.time_relative"),
        "quoted datagrams take no part in stream timing"
    );
}

#[test]
fn a_quoted_tcp_header_shows_its_raw_sequence_number_and_no_relative_numbers() {
    let mut t = Trace::new();
    t.frame(&from_client(SYN, 1000, 0).packet());
    let segment = from_client(ACK, 1001, 5001).packet();
    let c = t.frame(&ipv4(1, SERVER, CLIENT, &icmp(3, 3, [0; 4], &segment)));
    assert_eq!(c.field("tcp.seq"), "1001");
    assert!(!c.has("tcp.seq_raw"));
    assert_eq!(c.field("tcp.ack"), "5001");
    assert_eq!(c.field("tcp.stream"), "0");
    assert_eq!(c.field("tcp.checksum.status"), "1");
    assert!(!c.has("tcp.len"));
    let eight = t.frame(&ipv4(
        1,
        SERVER,
        CLIENT,
        &icmp(3, 3, [0; 4], &segment[..28]),
    ));
    assert_eq!(eight.field("tcp.seq"), "1001");
    assert!(!eight.has("tcp.stream"));
}

#[test]
fn fragmentation_needed_carries_the_next_hop_mtu() {
    let mut t = Trace::new();
    let offending = ipv4(6, CLIENT, SERVER, &from_client(ACK, 1, 1).tcp_bytes());
    let c = t.frame(&ipv4(
        1,
        SERVER,
        CLIENT,
        &icmp(3, 4, [0, 0, 0x05, 0x78], &offending[..28]),
    ));
    assert_eq!(c.field("icmp.mtu"), "1400");
    assert_eq!(c.field("icmp.unused"), "0000");
}

#[test]
fn an_rfc_4884_length_limits_the_quote() {
    let mut t = Trace::new();
    let datagram = udp(IpAddr::V4(SERVER), IpAddr::V4(CLIENT), 4000, 53, &[7; 100]);
    let offending = ipv4(17, SERVER, CLIENT, &datagram);
    let c = t.frame(&ipv4(
        1,
        CLIENT,
        SERVER,
        &icmp(11, 0, [0, 2, 0, 0], &offending),
    ));
    assert_eq!(c.field("icmp.length"), "2");
    assert_eq!(c.field("icmp.length.original_datagram"), "8");
    assert_eq!(c.field("icmp.unused"), "00,0000");
    assert_eq!(c.field("udp.checksum.status"), "2");
}

#[test]
fn parameter_problem_points_at_the_byte_and_redirect_names_the_gateway() {
    let mut t = Trace::new();
    let offending = ipv4(
        17,
        SERVER,
        CLIENT,
        &udp(IpAddr::V4(SERVER), IpAddr::V4(CLIENT), 1, 2, b""),
    );
    let problem = t.frame(&ipv4(
        1,
        CLIENT,
        SERVER,
        &icmp(12, 0, [9, 0, 0, 0], &offending),
    ));
    assert_eq!(problem.field("icmp.pointer"), "9");
    assert_eq!(problem.field("icmp.unused"), "000000");
    assert_eq!(
        problem.d.info,
        "Parameter problem    (Pointer indicates the error)"
    );
    let redirect = t.frame(&ipv4(
        1,
        CLIENT,
        SERVER,
        &icmp(5, 1, [10, 0, 0, 9], &offending),
    ));
    assert_eq!(redirect.field("icmp.redir_gw"), "10.0.0.9");
    assert_eq!(redirect.d.info, "Redirect             (Redirect for host)");
}

#[test]
fn timestamp_and_mask_messages_show_their_bodies() {
    let mut t = Trace::new();
    let mut times = Vec::new();
    for ms in [1000u32, 2000, 3000] {
        times.extend_from_slice(&ms.to_be_bytes());
    }
    let c = t.frame(&ipv4(1, CLIENT, SERVER, &icmp(13, 0, [0, 7, 0, 8], &times)));
    assert_eq!(c.field("icmp.originate_timestamp"), "1000");
    assert_eq!(c.field("icmp.transmit_timestamp"), "3000");
    assert_eq!(
        c.title("icmp.originate_timestamp"),
        "Originate Timestamp: 1000 (1 second after midnight UTC)"
    );
    assert_eq!(
        c.d.info,
        "Timestamp request    id=0x0007, seq=8/2048, ttl=64"
    );
    let mask = t.frame(&ipv4(
        1,
        CLIENT,
        SERVER,
        &icmp(18, 0, [0, 7, 0, 8], &[255, 255, 255, 0]),
    ));
    assert_eq!(mask.field("icmp.address_mask"), "255.255.255.0");
}

#[test]
fn a_bad_checksum_is_reported_and_a_short_message_is_malformed() {
    let mut t = Trace::new();
    let mut message = icmp(8, 0, [0, 1, 0, 1], b"xyz");
    message[2] ^= 0x10;
    let c = t.frame(&ipv4(1, CLIENT, SERVER, &message));
    assert_eq!(c.field("icmp.checksum.status"), "0");
    let short = t.frame(&ipv4(1, CLIENT, SERVER, &[8, 0, 0]));
    assert!(
        !short.has("icmp.type"),
        "tshark reads 6 bytes before showing any"
    );
    assert!(
        short.problem().starts_with("ICMP at byte 23"),
        "{}",
        short.problem()
    );
}

#[test]
fn unknown_types_and_codes_are_named_as_wireshark_names_them() {
    let mut t = Trace::new();
    let c = t.frame(&ipv4(1, CLIENT, SERVER, &icmp(99, 3, [1, 2, 3, 4], b"")));
    assert_eq!(c.d.info, "Unknown ICMP (obsolete or malformed?)");
    let c = t.frame(&ipv4(1, CLIENT, SERVER, &icmp(3, 16, [0; 4], b"")));
    assert_eq!(c.d.info, "Destination unreachable (Unknown code: 16)");
}

#[test]
fn no_prefix_or_damaged_byte_of_an_error_panics() {
    let offending = ipv4(
        6,
        SERVER,
        CLIENT,
        &from_client(SYN, 1, 0).options(&[2, 4, 5, 0xb4]).tcp_bytes(),
    );
    survives_damage(
        LinkType::RAW,
        &ipv4(1, CLIENT, SERVER, &icmp(3, 3, [0; 4], &offending)),
    );
    survives_damage(
        LinkType::RAW,
        &ipv4(1, CLIENT, SERVER, &icmp(8, 0, [0, 1, 0, 1], &ping_data(1))),
    );
}
