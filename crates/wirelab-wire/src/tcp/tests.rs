//! TCP, read as traces: segments built field by field, dissected in order through one
//! `Dissector`, and read back as `tshark -T fields` would print them.

use super::testing::{from_client, from_server, ipv4_with, Seg, Trace, CLIENT, SERVER};
use super::{ACK, AE, CWR, ECE, FIN, PSH, RST, SYN, URG};
use crate::frame::LinkType;
use crate::link::testing::survives_damage;

/// MSS 65495, SACK permitted, timestamps (TSval 7, TSecr 0), NOP, window scale 7: what Linux
/// puts on a SYN over loopback.
const SYN_OPTIONS: [u8; 20] = [
    2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 0, 1, 3, 3, 7,
];

/// MSS 1460, SACK permitted, NOP, window scale 10.
const SYN_ACK_OPTIONS: [u8; 12] = [2, 4, 0x05, 0xb4, 4, 2, 1, 1, 1, 3, 3, 10];

// ---------------------------------------------------------------------------------------------
// A whole connection.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_connection_reads_with_relative_numbers_and_scaled_windows() {
    let mut t = Trace::new();
    let syn = t.seg(&from_client(SYN, 1000, 0).options(&SYN_OPTIONS));
    assert_eq!(syn.d.info, "54662 \u{2192} 8080 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 SACK_PERM TSval=7 TSecr=0 WS=128");
    assert_eq!(syn.field("tcp.stream"), "0");
    assert_eq!(syn.field("tcp.seq"), "0");
    assert_eq!(syn.field("tcp.seq_raw"), "1000");
    assert_eq!(syn.field("tcp.nxtseq"), "1");
    assert_eq!(syn.field("tcp.ack"), "0");
    assert_eq!(syn.field("tcp.flags"), "0x0002");
    assert_eq!(syn.field("tcp.flags.str"), "··········S·");
    assert_eq!(syn.field("tcp.window_size"), "65495");
    assert!(
        !syn.has("tcp.window_size_scalefactor"),
        "SYN windows are never scaled"
    );
    assert_eq!(
        syn.title("tcp"),
        "Transmission Control Protocol, Src Port: 54662, Dst Port: 8080, Seq: 0, Len: 0"
    );

    let syn_ack = t.seg(
        &from_server(SYN | ACK, 5000, 1001)
            .window(65160)
            .options(&SYN_ACK_OPTIONS),
    );
    assert_eq!(
        syn_ack.d.info,
        "8080 \u{2192} 54662 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 MSS=1460 SACK_PERM WS=1024"
    );
    assert_eq!(
        (syn_ack.field("tcp.seq"), syn_ack.field("tcp.ack")),
        ("0".into(), "1".into())
    );
    assert_eq!(syn_ack.field("tcp.stream"), "0");

    let ack = t.seg(&from_client(ACK, 1001, 5001).window(512));
    assert_eq!(ack.field("tcp.seq"), "1");
    assert_eq!(ack.field("tcp.ack"), "1");
    assert_eq!(ack.field("tcp.window_size_value"), "512");
    assert_eq!(ack.field("tcp.window_size_scalefactor"), "128");
    assert_eq!(ack.field("tcp.window_size"), "65536");
    assert_eq!(
        ack.d.info,
        "54662 \u{2192} 8080 [ACK] Seq=1 Ack=1 Win=65536 Len=0"
    );

    let data = t.seg(
        &from_client(PSH | ACK, 1001, 5001)
            .window(512)
            .payload(b"GET / HTTP/1.0\r\n\r\n"),
    );
    assert_eq!(data.field("tcp.len"), "18");
    assert_eq!(data.field("tcp.nxtseq"), "19");
    assert_eq!(
        data.field("tcp.payload"),
        "474554202f20485454502f312e300d0a0d0a"
    );
    assert_eq!(data.title("tcp.payload"), "TCP payload (18 bytes)");
    assert_eq!(
        data.title("tcp"),
        "Transmission Control Protocol, Src Port: 54662, Dst Port: 8080, Seq: 1, Ack: 1, Len: 18"
    );

    let answer = t.seg(&from_server(ACK, 5001, 1019).window(64));
    assert_eq!(answer.field("tcp.ack"), "19");
    assert_eq!(answer.field("tcp.window_size"), "65536");
    assert_eq!(answer.field("tcp.window_size_scalefactor"), "1024");

    let fin = t.seg(&from_server(FIN | ACK, 5001, 1019).window(64));
    assert_eq!(
        fin.field("tcp.nxtseq"),
        "2",
        "a FIN takes one sequence number"
    );
    let last = t.seg(&from_client(ACK, 1019, 5002).window(512));
    assert_eq!(
        (last.field("tcp.seq"), last.field("tcp.ack")),
        ("19".into(), "2".into())
    );
    assert_eq!(last.field("tcp.time_relative"), "6.000000000");
    assert_eq!(last.field("tcp.time_delta"), "1.000000000");
}

#[test]
fn a_syn_with_a_new_isn_on_the_same_ports_opens_a_new_stream() {
    let mut t = Trace::new();
    t.seg(&from_client(SYN, 1000, 0));
    t.seg(&from_server(SYN | ACK, 5000, 1001));
    t.seg(&from_client(RST | ACK, 1001, 5001));
    let retransmitted = t.seg(&from_client(SYN, 1000, 0));
    assert_eq!(
        retransmitted.field("tcp.stream"),
        "0",
        "the same ISN is a retransmission"
    );
    let reused = t.seg(&from_client(SYN, 90_000, 0));
    assert_eq!(reused.field("tcp.stream"), "1");
    assert_eq!(reused.field("tcp.seq"), "0");
    let answer = t.seg(&from_server(SYN | ACK, 7, 90_001));
    assert_eq!(answer.field("tcp.stream"), "1");
    assert_eq!(
        (answer.field("tcp.seq"), answer.field("tcp.ack")),
        ("0".into(), "1".into())
    );
}

#[test]
fn without_the_handshake_numbers_start_at_one_and_scaling_is_unknown() {
    let mut t = Trace::new();
    let first = t.seg(&from_client(ACK, 123_456, 654_321).payload(b"abc"));
    assert_eq!(first.field("tcp.seq"), "1");
    assert_eq!(first.field("tcp.ack"), "1");
    assert_eq!(first.field("tcp.window_size_scalefactor"), "-1");
    assert_eq!(first.field("tcp.window_size"), "65495");
    let reply = t.seg(&from_server(ACK, 654_321, 123_459));
    assert_eq!(
        (reply.field("tcp.seq"), reply.field("tcp.ack")),
        ("1".into(), "4".into())
    );
}

#[test]
fn a_syn_without_window_scale_turns_scaling_off() {
    let mut t = Trace::new();
    t.seg(&from_client(SYN, 1, 0));
    t.seg(&from_server(SYN | ACK, 1, 2).options(&[1, 3, 3, 7]));
    let ack = t.seg(&from_client(ACK, 2, 2).window(100));
    assert_eq!(ack.field("tcp.window_size_scalefactor"), "-2");
    assert_eq!(
        ack.title("tcp.window_size_scalefactor"),
        "Window size scaling factor: -2 (no window scaling used)"
    );
    assert_eq!(ack.field("tcp.window_size"), "100");
}

#[test]
fn an_ack_without_the_ack_flag_shows_the_raw_field() {
    let mut t = Trace::new();
    let none = t.seg(&from_client(0, 77, 12345));
    assert_eq!(
        none.d.info,
        "54662 \u{2192} 8080 [<None>] Seq=1 Win=65495 Len=0"
    );
    assert_eq!(none.field("tcp.ack"), "12345");
    assert_eq!(none.field("tcp.ack_raw"), "12345");
}

// ---------------------------------------------------------------------------------------------
// Flags.
// ---------------------------------------------------------------------------------------------

#[test]
fn every_flag_is_named_in_order() {
    let mut t = Trace::new();
    let all = t.seg(&from_client(0xfff & !SYN, 1, 1));
    assert_eq!(all.field("tcp.flags"), "0x0ffd");
    assert_eq!(all.field("tcp.flags.str"), "RRRACEUAPR·F");
    assert!(
        all.d
            .info
            .contains("[FIN, RST, PSH, ACK, URG, ECE, CWR, AE, Reserved]"),
        "{}",
        all.d.info
    );
    for flag in [
        "res", "ae", "cwr", "ece", "urg", "ack", "push", "reset", "fin",
    ] {
        assert_eq!(
            all.field(&format!("tcp.flags.{flag}")),
            "1",
            "tcp.flags.{flag}"
        );
    }
    assert_eq!(all.field("tcp.flags.syn"), "0");
    assert_eq!(
        all.title("tcp.flags"),
        "Flags: 0xffd (FIN, RST, PSH, ACK, URG, ECE, CWR, AE, Reserved)"
    );
    assert!(all.d.info.contains(" Urg=0 "), "{}", all.d.info);
}

#[test]
fn after_an_accurate_ecn_handshake_ae_cwr_and_ece_count_as_ace() {
    let mut t = Trace::new();
    let syn = t.seg(&from_client(SYN | AE | CWR | ECE, 1, 0));
    assert!(syn.d.info.contains("[SYN, ECE, CWR, AE]"));
    t.seg(&from_server(SYN | ACK | CWR, 1, 2));
    let ack = t.seg(&from_client(ACK | CWR, 2, 2));
    assert!(ack.d.info.contains("[ACK, ACE=2]"), "{}", ack.d.info);
    assert_eq!(ack.field("tcp.flags.ace"), "2");
    assert!(!ack.has("tcp.flags.ae"));
    assert_eq!(ack.field("tcp.flags.str"), "···-2-·A····");
}

#[test]
fn classic_ecn_negotiation_keeps_the_flags_apart() {
    let mut t = Trace::new();
    t.seg(&from_client(SYN | CWR | ECE, 1, 0));
    t.seg(&from_server(SYN | ACK | ECE, 1, 2));
    let ack = t.seg(&from_client(ACK | CWR, 2, 2));
    assert!(ack.d.info.contains("[ACK, CWR]"), "{}", ack.d.info);
    assert_eq!(ack.field("tcp.flags.cwr"), "1");
}

// ---------------------------------------------------------------------------------------------
// Options.
// ---------------------------------------------------------------------------------------------

#[test]
fn options_are_listed_in_the_title_and_each_has_kind_and_length() {
    let mut t = Trace::new();
    let syn = t.seg(&from_client(SYN, 1000, 0).options(&SYN_OPTIONS));
    assert_eq!(syn.field("tcp.option_kind"), "2,4,8,1,3");
    assert_eq!(syn.field("tcp.option_len"), "4,2,10,3");
    assert_eq!(syn.field("tcp.options.mss_val"), "65495");
    assert_eq!(syn.field("tcp.options.wscale.shift"), "7");
    assert_eq!(syn.field("tcp.options.wscale.multiplier"), "128");
    assert_eq!(syn.field("tcp.options.timestamp.tsval"), "7");
    assert_eq!(syn.field("tcp.options.timestamp.tsecr"), "0");
    assert_eq!(
        syn.title("tcp.options"),
        "Options: (20 bytes), Maximum segment size, SACK permitted, Timestamps, No-Operation (NOP), Window scale"
    );
    assert_eq!(
        syn.title("tcp.options.wscale"),
        "TCP Option - Window scale: 7 (multiply by 128)"
    );
    assert_eq!(syn.range("tcp.options.mss_val"), 42..44);
}

#[test]
fn sack_edges_are_relative_to_the_other_side() {
    let mut t = Trace::new();
    t.seg(&from_client(SYN, 1000, 0));
    t.seg(&from_server(SYN | ACK, 5000, 1001));
    let mut sack = vec![1, 1, 5, 18];
    for edge in [5101u32, 5201, 5301, 5401] {
        sack.extend_from_slice(&edge.to_be_bytes());
    }
    let c = t.seg(&from_client(ACK, 1001, 5001).options(&sack));
    assert_eq!(c.field("tcp.options.sack_le"), "101,301");
    assert_eq!(c.field("tcp.options.sack_re"), "201,401");
    assert_eq!(c.field("tcp.options.sack.count"), "2");
    assert_eq!(
        c.title("tcp.options.sack"),
        "TCP Option - SACK 101-201 301-401"
    );
    assert!(
        c.d.info.ends_with("Len=0 SLE=101 SRE=201 SLE=301 SRE=401"),
        "{}",
        c.d.info
    );
    assert!(!c.has("tcp.options.sack.dsack_le"));
}

#[test]
fn a_sack_block_below_the_ack_is_a_duplicate_report() {
    let mut t = Trace::new();
    t.seg(&from_client(SYN, 1000, 0));
    t.seg(&from_server(SYN | ACK, 5000, 1001));
    let mut sack = vec![1, 1, 5, 10];
    sack.extend_from_slice(&5001u32.to_be_bytes());
    sack.extend_from_slice(&5011u32.to_be_bytes());
    let c = t.seg(&from_client(ACK, 1001, 5101).options(&sack));
    assert_eq!(c.field("tcp.options.sack.dsack_le"), "1");
    assert_eq!(c.field("tcp.options.sack.dsack_re"), "11");
}

#[test]
fn a_sack_option_without_a_block_stops_the_segment_as_malformed() {
    let mut t = Trace::new();
    let c = t.seg(&from_client(ACK, 1, 1).options(&[5, 2, 1, 1]).payload(b"x"));
    assert_eq!(c.field("tcp.options.sack.count"), "0");
    assert_eq!(
        c.problem(),
        "TCP at byte 40: option kind 5 is 2 bytes long but its fields need 6: expected 6 bytes, found 2"
    );
    assert!(!c.has("tcp.payload"), "tshark stops at the option too");
}

#[test]
fn a_wrong_option_length_shows_kind_and_length_and_the_walk_goes_on() {
    let mut t = Trace::new();
    let c = t.seg(&from_client(ACK, 1, 1).options(&[2, 3, 5, 1, 1, 1, 1, 1]));
    assert_eq!(c.field("tcp.option_kind"), "2,1,1,1,1,1");
    assert_eq!(c.field("tcp.option_len"), "3");
    assert!(!c.has("tcp.options.mss_val"));
}

#[test]
fn an_option_length_past_the_option_space_ends_the_walk_with_a_note_at_its_offset() {
    let mut t = Trace::new();
    let c = t.seg(&from_client(ACK, 1, 1).options(&[1, 2, 5, 0xb4]));
    assert_eq!(c.field("tcp.option_kind"), "1");
    let note = c.d.find("tcp.options.unknown").next().expect("a note");
    assert_eq!(note.range(), 41..44);
    assert_eq!(
        c.d.title(note),
        Some("Maximum segment size (option length = 5 bytes says option goes past end of options)")
    );
    for (bytes, text) in [
        (
            [2u8, 1, 1, 1],
            "Maximum segment size (with too-short option length = 1 byte)",
        ),
        (
            [1, 1, 1, 2],
            "Maximum segment size (length byte past end of options)",
        ),
    ] {
        let c = t.seg(&from_client(ACK, 1, 1).options(&bytes));
        let note = c.d.find("tcp.options.unknown").next().expect("a note");
        assert_eq!(c.d.title(note), Some(text));
    }
}

#[test]
fn only_zeros_may_follow_the_end_of_option_list() {
    let mut t = Trace::new();
    let padded = t.seg(&from_client(ACK, 1, 1).options(&[1, 0, 0, 0]));
    assert_eq!(padded.field("tcp.option_kind"), "1,0,0,0");
    let dirty = t.seg(&from_client(ACK, 1, 1).options(&[0, 0, 3, 3]));
    assert_eq!(dirty.field("tcp.option_kind"), "0,0");
}

#[test]
fn fast_open_cookies_and_requests_are_recognized_in_both_encodings() {
    let mut t = Trace::new();
    let c = t.seg(
        &from_client(SYN, 1, 0).options(&[34, 2, 254, 8, 0xf9, 0x89, 1, 2, 3, 4, 34, 4, 9, 9]),
    );
    assert!(c.d.info.ends_with("TFO=R TFO=C TFO=C"), "{}", c.d.info);
    assert_eq!(c.field("tcp.options.tfo.cookie"), "01020304,0909");
    assert_eq!(c.field("tcp.options.experimental.exid"), "0xf989");
}

#[test]
fn an_unknown_option_is_shown_raw() {
    let mut t = Trace::new();
    let c = t.seg(&from_client(ACK, 1, 1).options(&[99, 4, 0xca, 0xfe]));
    assert_eq!(c.field("tcp.option_kind"), "99");
    assert_eq!(c.field("tcp.options.unknown.payload"), "cafe");
    assert_eq!(c.title("tcp.options"), "Options: (4 bytes), Unknown (0x63)");
}

// ---------------------------------------------------------------------------------------------
// Checksums and damage.
// ---------------------------------------------------------------------------------------------

#[test]
fn checksums_are_good_bad_or_unverified() {
    let mut t = Trace::new();
    let good = t.seg(&from_client(ACK, 1, 1).payload(b"data"));
    assert_eq!(good.field("tcp.checksum.status"), "1");
    assert_eq!(
        good.field("tcp.checksum_calculated"),
        good.field("tcp.checksum")
    );
    let seg = from_client(ACK, 1, 1).payload(b"data");
    let bad = t.seg(&seg.clone().bad_checksum());
    assert_eq!(bad.field("tcp.checksum.status"), "0");
    assert_eq!(
        bad.field("tcp.checksum_calculated"),
        good.field("tcp.checksum")
    );
    assert!(
        bad.d
            .info
            .contains("Win=65495 [TCP CHECKSUM INCORRECT] Len=4"),
        "{}",
        bad.d.info
    );
    let packet = seg.packet();
    let cut = t.frame_cut(&packet, packet.len() - 2);
    assert_eq!(
        cut.field("tcp.checksum.status"),
        "2",
        "a segment cut by the snap length is not judged"
    );
    assert_eq!(
        cut.field("tcp.len"),
        "4",
        "the length is the one the IP header gives"
    );
}

#[test]
fn a_fragment_shows_raw_numbers_and_an_unverified_checksum() {
    let mut t = Trace::new();
    let seg = from_client(ACK, 100, 200).payload(b"fragment");
    let packet = ipv4_with(6, CLIENT, SERVER, &seg.tcp_bytes(), 64, 0x2000);
    let c = t.frame(&packet);
    assert_eq!(c.field("tcp.seq"), "100");
    assert_eq!(c.field("tcp.ack"), "200");
    assert!(!c.has("tcp.len"));
    assert_eq!(c.field("tcp.checksum.status"), "2");
    assert_eq!(c.field("tcp.window_size_scalefactor"), "-1");
}

#[test]
fn a_header_cut_by_the_snap_length_keeps_what_was_read() {
    let mut t = Trace::new();
    let packet = from_client(ACK, 1, 1).packet();
    let c = t.frame_cut(&packet, 30);
    assert_eq!(c.field("tcp.srcport"), "54662");
    assert!(
        !c.has("tcp.stream"),
        "tshark reads 16 bytes before it finds the conversation"
    );
    assert!(
        c.problem()
            .starts_with("TCP at byte 30: TCP header cut by the snap length"),
        "{}",
        c.problem()
    );
    assert_eq!(c.d.info, "54662 \u{2192} 8080");
}

#[test]
fn a_data_offset_below_five_words_is_malformed() {
    let mut t = Trace::new();
    let mut packet = from_client(ACK, 1, 1).packet();
    packet[32] = 0x40 | (packet[32] & 0x0f);
    let c = t.frame(&packet);
    assert_eq!(c.field("tcp.hdr_len"), "16");
    assert!(
        c.d.info
            .ends_with(", bogus TCP header length (16, must be at least 20)"),
        "{}",
        c.d.info
    );
    assert!(
        c.problem().contains("at least 20 bytes, found 16"),
        "{}",
        c.problem()
    );
}

#[test]
fn a_reset_with_data_shows_it_as_the_reset_cause() {
    let mut t = Trace::new();
    let c = t.seg(&from_client(RST | ACK, 1, 1).payload(b"no listener\0\x01"));
    assert_eq!(
        c.field("tcp.reset_cause"),
        "no listener",
        "the text ends at the first NUL"
    );
    assert_eq!(c.range("tcp.reset_cause"), 40..53);
    assert!(!c.has("tcp.payload"));
}

#[test]
fn urgent_data_is_announced_in_the_info_column() {
    let mut t = Trace::new();
    let mut seg = from_client(URG | ACK, 1, 1).payload(b"!");
    seg.urgent = 1;
    let c = t.seg(&seg);
    assert!(c.d.info.contains("Win=65495 Urg=1 Len=1"), "{}", c.d.info);
}

#[test]
fn ipv6_segments_verify_with_the_ipv6_pseudo_header() {
    let mut t = Trace::new();
    let mut seg = from_client(ACK, 1, 1).payload(b"v6");
    seg.src = std::net::IpAddr::V6(super::testing::CLIENT6);
    seg.dst = std::net::IpAddr::V6(super::testing::SERVER6);
    let c = t.seg(&seg);
    assert_eq!(c.field("tcp.checksum.status"), "1");
    assert_eq!(c.field("tcp.stream"), "0");
}

#[test]
fn no_prefix_or_damaged_byte_of_a_segment_panics() {
    let seg: Seg = from_client(SYN | ACK, 1, 2)
        .options(&SYN_OPTIONS)
        .payload(b"hello");
    survives_damage(LinkType::RAW, &seg.packet());
    let mut sack = vec![1, 1, 5, 10];
    sack.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 2]);
    survives_damage(
        LinkType::RAW,
        &from_client(ACK, 1, 2).options(&sack).packet(),
    );
}

#[test]
fn info_numbers_are_written_as_decimal_without_the_formatter() {
    let mut out = String::new();
    for value in [0u64, 7, 10, 99, 100, 4_294_967_295, u64::MAX] {
        out.clear();
        super::push_uint(&mut out, value);
        assert_eq!(out, value.to_string());
    }
}
