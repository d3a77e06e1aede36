//! Round trips, tcpdump-style summaries, and the panic rule: no input makes a parser panic.

use super::*;
use std::net::{Ipv4Addr, SocketAddrV4};

const A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

fn syn() -> TcpRepr {
    TcpRepr {
        src_port: 5000,
        dst_port: 80,
        seq: SeqNumber(100),
        ack: None,
        control: Control::Syn,
        psh: false,
        window: 64240,
        options: TcpOptions {
            mss: Some(1460),
            ..TcpOptions::NONE
        },
    }
}

/// A whole frame: Ethernet, IPv4, TCP with every option and a payload.
fn tcp_frame() -> Vec<u8> {
    let mut options = TcpOptions {
        timestamps: Some((7, 9)),
        ..TcpOptions::NONE
    };
    options.sack_blocks = [
        Some((SeqNumber(10), SeqNumber(20))),
        Some((SeqNumber(30), SeqNumber(40))),
        None,
    ];
    let repr = TcpRepr {
        ack: Some(SeqNumber(555)),
        control: Control::None,
        psh: true,
        options,
        ..syn()
    };
    let mut frame = Vec::new();
    EthernetRepr {
        src: EthernetAddress([2, 0, 0, 0, 0, 1]),
        dst: EthernetAddress([2, 0, 0, 0, 0, 2]),
        ethertype: EtherType::IPV4,
    }
    .emit(&mut frame);
    Ipv4Repr {
        src: A,
        dst: B,
        protocol: IpProtocol::TCP,
        ttl: 64,
        payload_len: repr.header_len() + 5,
        identification: 42,
        fragment: ipv4::Fragment::WHOLE,
    }
    .emit(&mut frame);
    repr.emit(A, B, b"hello", &mut frame);
    frame
}

#[test]
fn a_syn_prints_like_tcpdump() {
    let summary = TcpSummary {
        src: SocketAddrV4::new(A, 5000),
        dst: SocketAddrV4::new(B, 80),
        repr: syn(),
        payload_len: 0,
    };
    assert_eq!(
        summary.to_string(),
        "10.0.0.1:5000 > 10.0.0.2:80 [S] seq 100 win 64240 <mss 1460>"
    );
}

#[test]
fn a_data_segment_prints_its_sequence_range_ack_and_length() {
    assert_eq!(
        summarize_frame(&tcp_frame()),
        "10.0.0.1:5000 > 10.0.0.2:80 [P.] seq 100:105 ack 555 win 64240 <TS val 7 ecr 9,sack 2 {10:20}{30:40}> length 5"
    );
}

#[test]
fn tcp_with_every_option_survives_emit_and_parse() {
    let options = TcpOptions {
        mss: Some(1460),
        window_scale: Some(7),
        sack_permitted: true,
        timestamps: Some((1, 2)),
        ..TcpOptions::NONE
    };
    let repr = TcpRepr { options, ..syn() };
    let mut bytes = Vec::new();
    repr.emit(A, B, b"data", &mut bytes);
    assert_eq!(bytes.len(), repr.header_len() + 4);
    let (parsed, payload) = TcpRepr::parse(&bytes, A, B).unwrap();
    assert_eq!((parsed, payload), (repr, &b"data"[..]));
}

#[test]
fn a_flipped_bit_fails_the_tcp_checksum() {
    let mut bytes = Vec::new();
    syn().emit(A, B, b"data", &mut bytes);
    bytes[21] ^= 0x10;
    let error = TcpRepr::parse(&bytes, A, B).unwrap_err();
    assert_eq!((error.layer, error.offset), ("tcp", 16));
    assert!(
        error
            .to_string()
            .starts_with("TCP at byte 16: expected a valid checksum"),
        "{error}"
    );
}

#[test]
fn the_checksum_covers_the_addresses() {
    let mut bytes = Vec::new();
    syn().emit(A, B, b"", &mut bytes);
    assert!(TcpRepr::parse(&bytes, A, Ipv4Addr::new(10, 0, 0, 3)).is_err());
}

#[test]
fn syn_and_fin_together_are_rejected() {
    let mut bytes = Vec::new();
    syn().emit(A, B, b"", &mut bytes);
    bytes[13] |= 0x01; // FIN
    let sum = pseudo_header_sum(A, B, 6, bytes.len());
    bytes[16] = 0;
    bytes[17] = 0;
    let check = checksum(sum, &bytes);
    bytes[16..18].copy_from_slice(&check.to_be_bytes());
    let error = TcpRepr::parse(&bytes, A, B).unwrap_err();
    assert_eq!(error.offset, 13);
    assert!(error.problem.contains("SYN=true FIN=true"), "{error}");
}

#[test]
fn an_option_longer_than_the_options_is_an_error_naming_its_offset() {
    let bytes = [2u8, 9, 0, 0];
    let error = TcpOptions::parse_for_test(&bytes).unwrap_err();
    assert_eq!(error.offset, 20);
    assert!(error.problem.contains("expected option 2"), "{error}");
}

#[test]
fn unknown_options_are_skipped() {
    // kind 30 (MPTCP) with 4 bytes, then MSS.
    let bytes = [30u8, 4, 0, 0, 2, 4, 0x05, 0xb4];
    let options = TcpOptions::parse_for_test(&bytes).unwrap();
    assert_eq!(options.mss, Some(1460));
}

#[test]
fn ipv4_with_a_bad_header_checksum_is_rejected() {
    let mut frame = tcp_frame();
    frame[14 + 8] ^= 1; // TTL
    let error = Ipv4Repr::parse(&frame[14..]).unwrap_err();
    assert_eq!((error.layer, error.offset), ("ipv4", 10));
}

#[test]
fn ipv4_that_is_not_version_4_is_rejected_at_byte_0() {
    let mut frame = tcp_frame();
    frame[14] = 0x65; // version 6, IHL 5
    let error = Ipv4Repr::parse(&frame[14..]).unwrap_err();
    assert_eq!((error.layer, error.offset), ("ipv4", 0));
    assert!(
        error.problem.contains("expected version 4, found 6"),
        "{error}"
    );
}

#[test]
fn an_ipv4_total_length_beyond_the_bytes_is_an_error_naming_both() {
    let frame = tcp_frame();
    let packet = &frame[14..frame.len() - 3];
    let error = Ipv4Repr::parse(packet).unwrap_err();
    assert_eq!(error.offset, 2);
    assert!(
        error
            .problem
            .contains(&format!("found {}", frame.len() - 14))
            && error.problem.contains(&format!("and {}", packet.len())),
        "{error}"
    );
}

#[test]
fn an_ipv4_header_emitted_by_hand_reads_back_with_its_fragment_fields() {
    let repr = Ipv4Repr {
        src: A,
        dst: B,
        protocol: IpProtocol::UDP,
        ttl: 3,
        payload_len: 16,
        identification: 0xbeef,
        fragment: ipv4::Fragment {
            offset: 1480,
            more: true,
        },
    };
    let mut bytes = Vec::new();
    repr.emit(&mut bytes);
    bytes.extend_from_slice(&[0; 16]);
    // Flags and offset as RFC 791 lays them out: MF (0x2000) and 1480 / 8 = 185.
    assert_eq!(&bytes[6..8], &(0x2000u16 | 185).to_be_bytes());
    assert_eq!(Ipv4Repr::parse(&bytes).unwrap().0, repr);
    assert_eq!(checksum(0, &bytes[..20]), 0);
}

#[test]
fn a_tcp_data_offset_below_five_words_or_beyond_the_bytes_is_rejected_at_byte_12() {
    let mut bytes = Vec::new();
    syn().emit(A, B, b"", &mut bytes);
    for (offset_byte, expected) in [(0x40, "at least 5 words"), (0xf0, "60-byte header")] {
        let mut damaged = bytes.clone();
        damaged[12] = offset_byte;
        let error = TcpRepr::parse(&damaged, A, B).unwrap_err();
        assert_eq!(error.offset, 12);
        assert!(error.problem.contains(expected), "{error}");
    }
}

#[test]
fn arp_udp_and_icmp_survive_emit_and_parse() {
    let arp = ArpRepr {
        operation: ArpOperation::Request,
        sender_mac: EthernetAddress([2, 0, 0, 0, 0, 1]),
        sender_ip: A,
        target_mac: EthernetAddress([0; 6]),
        target_ip: B,
    };
    let mut bytes = Vec::new();
    arp.emit(&mut bytes);
    assert_eq!(ArpRepr::parse(&bytes), Ok(arp));
    assert_eq!(
        arp.to_string(),
        "ARP, Request who-has 10.0.0.2 tell 10.0.0.1"
    );

    let udp = UdpRepr {
        src_port: 53,
        dst_port: 4000,
    };
    let mut bytes = Vec::new();
    udp.emit(A, B, b"answer", &mut bytes);
    assert_eq!(UdpRepr::parse(&bytes, A, B), Ok((udp, &b"answer"[..])));

    let echo = IcmpRepr::EchoRequest {
        ident: 1,
        seq: 2,
        data: b"ping".to_vec(),
    };
    let mut bytes = Vec::new();
    echo.emit(&mut bytes);
    assert_eq!(IcmpRepr::parse(&bytes), Ok(echo));
}

#[test]
fn sequence_numbers_compare_across_the_wrap() {
    assert!(SeqNumber(u32::MAX - 10) < SeqNumber(5));
    assert_eq!(SeqNumber(5).offset_from(SeqNumber(u32::MAX - 10)), 16);
    assert_eq!(SeqNumber(u32::MAX) + 2, SeqNumber(1));
}

/// Every prefix of a valid frame, and many random frames, go through every parser without
/// a panic.
#[test]
fn no_truncation_or_random_bytes_make_a_parser_panic() {
    let frame = tcp_frame();
    for len in 0..=frame.len() {
        let cut = &frame[..len];
        let _ = summarize_frame(cut);
        let _ = TcpRepr::parse(cut, A, B);
        let _ = UdpRepr::parse(cut, A, B);
        let _ = IcmpRepr::parse(cut);
        let _ = ArpRepr::parse(cut);
        let _ = Ipv4Repr::parse(cut);
    }
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..20_000 {
        let len = (next() % 120) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = TcpRepr::parse(&bytes, A, B);
        let _ = TcpOptions::parse_for_test(&bytes);
        let _ = IcmpRepr::parse(&bytes);
        let _ = ArpRepr::parse(&bytes);
        // Make some of them look like IPv4 over Ethernet, to reach the deeper layers.
        if bytes.len() > 24 {
            bytes[12] = 0x08;
            bytes[13] = 0x00;
            bytes[14] = 0x45;
        }
        let _ = summarize_frame(&bytes);
    }
}

/// RFC 1071's checksum the slow, obvious way: 16-bit words, one at a time.
fn checksum_word_by_word(initial: u32, data: &[u8]) -> u16 {
    let mut sum = u64::from(initial);
    for (i, byte) in data.iter().enumerate() {
        sum += if i % 2 == 0 {
            u64::from(*byte) << 8
        } else {
            u64::from(*byte)
        };
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[test]
fn the_checksum_equals_the_word_by_word_sum_for_every_short_length() {
    // Lengths 0 to 199 (every remainder of 4 and of 2), many 0xff bytes to force carries.
    let mut x = 0x9e37_79b9_u32;
    let bytes: Vec<u8> = (0..200)
        .map(|i| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            if i % 3 == 0 {
                0xff
            } else {
                (x >> 24) as u8
            }
        })
        .collect();
    for len in 0..bytes.len() {
        for initial in [0, 0xffff, 0x3_fffc] {
            assert_eq!(
                checksum(initial, &bytes[..len]),
                checksum_word_by_word(initial, &bytes[..len]),
                "length {len}, initial sum 0x{initial:x}"
            );
        }
    }
    assert_eq!(
        checksum(0, &[0xff; 64]),
        checksum_word_by_word(0, &[0xff; 64])
    );
}

#[test]
fn the_header_length_counted_equals_the_header_written_for_every_mix_of_options() {
    let block = Some((SeqNumber(1000), SeqNumber(2000)));
    for mix in 0..16u8 {
        for blocks in 0..=tcp::MAX_SACK_BLOCKS {
            let mut sack_blocks = [None; tcp::MAX_SACK_BLOCKS];
            sack_blocks.iter_mut().take(blocks).for_each(|b| *b = block);
            let options = TcpOptions {
                mss: (mix & 1 != 0).then_some(1460),
                window_scale: (mix & 2 != 0).then_some(7),
                sack_permitted: mix & 4 != 0,
                timestamps: (mix & 8 != 0).then_some((1, 2)),
                sack_blocks,
            };
            let repr = TcpRepr { options, ..syn() };
            let mut bytes = Vec::new();
            repr.emit(A, B, b"", &mut bytes);
            // Mixes over 40 bytes of options (SYN options with three SACK blocks) are never
            // built: SACK blocks travel after the handshake.
            if repr.header_len() <= 60 {
                assert_eq!(bytes.len(), repr.header_len(), "{options:?}");
            }
        }
    }
}

#[test]
fn the_checksum_summed_in_blocks_equals_the_word_by_word_sum_at_every_alignment() {
    // Segment-sized lengths (whole vector steps and the tails after them), each starting at
    // every offset modulo 4, and a run of 0xff longer than a 64 KiB block, where every
    // addition carries.
    let bytes: Vec<u8> = (0..2000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    for start in 0..4 {
        for len in [31, 32, 33, 63, 64, 65, 1459, 1460, 1479, 1480, 1500, 1995] {
            let data = &bytes[start..start + len];
            for initial in [0, 0x1_2345, 0xf_ffff] {
                assert_eq!(
                    checksum(initial, data),
                    checksum_word_by_word(initial, data),
                    "start {start}, length {len}, initial sum 0x{initial:x}"
                );
            }
        }
    }
    let ones = vec![0xff; 100_003];
    assert_eq!(
        checksum(0xf_ffff, &ones),
        checksum_word_by_word(0xf_ffff, &ones)
    );
}
