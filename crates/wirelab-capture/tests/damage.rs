//! Damaged files: every frame before the damage, then one error with the byte offset of the
//! damaged record or block and what is wrong there. Never a panic, never an endless loop.
//!
//! Offsets in the fixtures: pcap `LE_MICROS` has its global header at 0, record 1 at 24 and
//! record 2 at 44. pcapng `LE_ONE_PACKET` has the SHB at 0, the IDB at 28 and the EPB at 56
//! (48 bytes, so the file ends at 104).

mod common;

use common::fixtures::*;
use common::{read_all, read_all_from, Trickle};
use wirelab_capture::CaptureReader;

/// The frames read and the error, as `(frame count, "at byte N: problem")`.
fn outcome(bytes: &[u8]) -> (usize, String) {
    let (frames, error) = read_all(bytes);
    let error = error.map(|e| e.to_string()).unwrap_or_default();
    // How the bytes arrive must not matter.
    let (trickled, trickled_error) = read_all_from(Trickle { bytes, chunk: 5 });
    assert_eq!(trickled.len(), frames.len());
    assert_eq!(
        trickled_error.map(|e| e.to_string()).unwrap_or_default(),
        error
    );
    (frames.len(), error)
}

fn patched(bytes: &[u8], at: usize, value: &[u8]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    bytes[at..at + value.len()].copy_from_slice(value);
    bytes
}

// pcap.

#[test]
fn a_file_that_is_neither_pcap_nor_pcapng_is_refused_at_byte_0() {
    let error = CaptureReader::new(&b"GET / HTTP/1.1\r\n"[..])
        .err()
        .unwrap();
    assert_eq!(error.offset, 0);
    assert_eq!(
        error.problem,
        "not a pcap or pcapng file: it starts with [47, 45, 54, 20]; pcap starts with \
         d4 c3 b2 a1 (or another pcap magic number) and pcapng with 0a 0d 0d 0a"
    );
}

#[test]
fn a_gzipped_capture_is_recognised_as_gzip() {
    let error = CaptureReader::new(&[0x1f, 0x8b, 0x08, 0x00, 0, 0][..])
        .err()
        .unwrap();
    assert!(
        error
            .problem
            .contains("that is gzip: decompress the file first"),
        "{error}"
    );
}

#[test]
fn an_empty_file_is_an_error_at_byte_0() {
    assert_eq!(
        outcome(&[]),
        (
            0,
            "at byte 0: the file is empty: a capture file starts with a pcap or pcapng header"
                .into()
        )
    );
}

#[test]
fn a_pcap_global_header_cut_short_reports_how_much_is_missing() {
    assert_eq!(
        outcome(&LE_MICROS[..10]),
        (
            0,
            "at byte 0: file ends inside the pcap global header (24 bytes needed, 10 present)"
                .into()
        )
    );
}

#[test]
fn pcap_version_1_is_refused_like_libpcap_does() {
    let bytes = patched(LE_MICROS, 4, &[1, 0]);
    let (count, error) = outcome(&bytes);
    assert_eq!(count, 0);
    assert!(
        error.starts_with("at byte 0: pcap version 1.4 is not supported"),
        "{error}"
    );
}

#[test]
fn a_record_header_cut_short_reports_its_offset() {
    assert_eq!(
        outcome(&LE_MICROS[..44 + 7]),
        (
            1,
            "at byte 44: file ends inside a record header (16 bytes needed, 7 present)".into()
        )
    );
}

#[test]
fn a_record_cut_short_reports_its_offset() {
    assert_eq!(
        outcome(&LE_MICROS[..44 + 17]),
        (
            1,
            "at byte 44: file ends inside a record (18 bytes needed, 17 present): the capture \
             was cut short in the middle of a packet"
                .into()
        )
    );
}

#[test]
fn an_absurd_captured_length_is_refused_without_waiting_for_the_bytes() {
    let bytes = patched(LE_MICROS, 44 + 8, &65_000_000u32.to_le_bytes());
    assert_eq!(
        outcome(&bytes),
        (
            1,
            "at byte 44: record header says 65000000 bytes captured, more than the 262144 a \
             frame can have"
                .into()
        )
    );
}

#[test]
fn a_captured_length_just_over_the_limit_is_refused_even_when_the_bytes_are_there() {
    let mut bytes = patched(LE_MICROS, 44 + 8, &262_145u32.to_le_bytes());
    bytes.resize(44 + 16 + 262_145, 0);
    let (count, error) = outcome(&bytes);
    assert_eq!(count, 1);
    assert!(
        error.starts_with("at byte 44: record header says 262145 bytes captured"),
        "{error}"
    );
}

#[test]
fn a_captured_length_above_the_snap_length_or_original_length_is_accepted_like_tshark() {
    let bytes = patched(LE_MICROS, 16, &2u32.to_le_bytes()); // snaplen 2, record 1 has 4
    assert_eq!(outcome(&bytes), (2, String::new()));
    let bytes = patched(LE_MICROS, 24 + 12, &1u32.to_le_bytes()); // orig_len 1 < caplen 4
    assert_eq!(outcome(&bytes), (2, String::new()));
}

// pcapng.

#[test]
fn a_block_cut_short_reports_the_block_offset() {
    assert_eq!(
        outcome(&LE_ONE_PACKET[..94]),
        (
            0,
            "at byte 56: file ends inside an Enhanced Packet Block (48 bytes needed, 38 present): \
             the capture was cut short in the middle of a packet"
                .into()
        )
    );
}

#[test]
fn a_block_header_cut_short_after_the_last_block_reports_its_offset() {
    let mut bytes = LE_ONE_PACKET.to_vec();
    bytes.extend_from_slice(&[0x06, 0x00, 0x00]);
    assert_eq!(
        outcome(&bytes),
        (
            1,
            "at byte 104: file ends inside a block header (8 bytes needed, 3 present)".into()
        )
    );
}

#[test]
fn an_absurd_block_length_is_refused() {
    let bytes = patched(LE_ONE_PACKET, 56 + 4, &0x7fff_fff0u32.to_le_bytes());
    assert_eq!(
        outcome(&bytes),
        (
            0,
            "at byte 56: Enhanced Packet Block (type 0x00000006) says it is 2147483632 bytes \
             long, an absurd length (more than 16777216)"
                .into()
        )
    );
}

#[test]
fn garbage_after_the_last_block_is_reported_where_it_starts() {
    let mut bytes = LE_ONE_PACKET.to_vec();
    bytes.extend((7u8..47).collect::<Vec<_>>());
    assert_eq!(
        outcome(&bytes),
        (
            1,
            "at byte 104: block (type 0x0a090807) says it is 235736075 bytes long, an absurd \
             length (more than 16777216)"
                .into()
        )
    );
}

#[test]
fn a_captured_length_past_the_end_of_its_block_is_an_error_not_an_endless_wait() {
    // pcap-parser 0.17 returns "incomplete" here however many bytes follow.
    let bytes = patched(LE_ONE_PACKET, 56 + 20, &100u32.to_le_bytes());
    assert_eq!(
        outcome(&bytes),
        (
            0,
            "at byte 56: Enhanced Packet Block says 100 bytes captured, but the block (48 bytes) \
             has room for only 16"
                .into()
        )
    );
}

#[test]
fn lengths_at_the_two_ends_of_a_block_must_agree() {
    let bytes = patched(LE_ONE_PACKET, 100, &52u32.to_le_bytes());
    assert_eq!(
        outcome(&bytes),
        (
            0,
            "at byte 56: Enhanced Packet Block (type 0x00000006) starts with length 48 but ends \
             with length 52: the block is damaged"
                .into()
        )
    );
}

#[test]
fn a_block_length_that_is_not_a_multiple_of_4_is_refused() {
    let bytes = patched(LE_ONE_PACKET, 56 + 4, &50u32.to_le_bytes());
    let (count, error) = outcome(&bytes);
    assert_eq!(count, 0);
    assert!(
        error.ends_with("says it is 50 bytes long, which is not a multiple of 4"),
        "{error}"
    );
}

#[test]
fn a_block_shorter_than_its_fixed_fields_is_refused() {
    let bytes = patched(LE_ONE_PACKET, 56 + 4, &16u32.to_le_bytes());
    let (count, error) = outcome(&bytes);
    assert_eq!(count, 0);
    assert!(
        error.ends_with("says it is 16 bytes long, less than the 32 bytes such a block needs"),
        "{error}"
    );
}

#[test]
fn a_packet_on_an_interface_never_described_is_refused() {
    let bytes = patched(LE_ONE_PACKET, 56 + 8, &3u32.to_le_bytes());
    assert_eq!(
        outcome(&bytes),
        (
            0,
            "at byte 56: Enhanced Packet Block names interface 3, but section 1 has described \
             only 1 interface(s) so far"
                .into()
        )
    );
}

#[test]
fn a_simple_packet_block_before_any_interface_is_refused() {
    let mut bytes = LE_ONE_PACKET[..28].to_vec();
    bytes.extend_from_slice(&[
        0x03, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, //
        0xaa, 0xbb, 0xcc, 0xdd, 0x14, 0x00, 0x00, 0x00,
    ]);
    let (count, error) = outcome(&bytes);
    assert_eq!(count, 0);
    assert!(
        error.starts_with("at byte 28: Simple Packet Block names interface 0"),
        "{error}"
    );
}

#[test]
fn a_simple_packet_block_too_short_for_its_packet_is_refused() {
    // IDB 0 of LE_TWO_SECTIONS has snaplen 4; this SPB says 6 bytes but has room for none.
    let mut bytes = LE_TWO_SECTIONS[..48].to_vec();
    bytes.extend_from_slice(&[
        0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, //
        0x10, 0x00, 0x00, 0x00,
    ]);
    let (count, error) = outcome(&bytes);
    assert_eq!(count, 0);
    assert_eq!(
        error,
        "at byte 48: Simple Packet Block says 4 bytes captured, but the block (16 bytes) has \
         room for only 0"
    );
}

#[test]
fn a_second_section_with_a_bad_byte_order_magic_ends_the_file_after_the_first() {
    let mut bytes = LE_ONE_PACKET.to_vec();
    bytes.extend_from_slice(&patched(&LE_ONE_PACKET[..28], 8, &[1, 2, 3, 4]));
    assert_eq!(
        outcome(&bytes),
        (
            1,
            "at byte 104: Section Header Block has byte-order magic [01, 02, 03, 04], expected \
             4d 3c 2b 1a (little-endian) or 1a 2b 3c 4d (big-endian)"
                .into()
        )
    );
}

#[test]
fn a_section_of_an_unknown_major_version_is_refused() {
    let bytes = patched(LE_ONE_PACKET, 12, &[2, 0]);
    let error = CaptureReader::new(&bytes[..]).err().unwrap();
    assert_eq!(
        error.to_string(),
        "at byte 0: Section Header Block has version 2.0; only 1.x is defined"
    );
}

#[test]
fn unknown_block_types_with_sane_lengths_are_skipped_like_tshark_does() {
    let mut bytes = LE_ONE_PACKET.to_vec();
    bytes.extend_from_slice(&[0x78, 0x56, 0x34, 0x12, 0x0c, 0, 0, 0, 0x0c, 0, 0, 0]);
    bytes.extend_from_slice(&LE_ONE_PACKET[56..]);
    assert_eq!(outcome(&bytes), (2, String::new()));
}

// Robustness: cut every fixture at every length and flip every byte.

#[test]
fn every_truncation_and_every_flipped_byte_ends_in_frames_or_an_error() {
    let fixtures = [
        LE_MICROS,
        BE_NANOS,
        LE_MODIFIED,
        BE_MODIFIED,
        LE_ONE_PACKET,
        BE_POWER_OF_TWO,
        LE_TWO_SECTIONS,
    ];
    for fixture in fixtures {
        let (all, _) = read_all(fixture);
        for len in 0..fixture.len() {
            let (frames, error) = read_all(&fixture[..len]);
            assert!(frames.len() <= all.len());
            // A cut that falls inside the file is always reported, at or before the cut.
            if let Some(error) = error {
                assert!(error.offset <= len as u64, "cut at {len}: {error}");
            }
        }
        for at in 0..fixture.len() {
            for flip in [0xff, 0x01] {
                let mut bytes = fixture.to_vec();
                bytes[at] ^= flip;
                let (frames, _) = read_all_from(Trickle {
                    bytes: &bytes,
                    chunk: 3,
                });
                assert!(frames.len() <= fixture.len() / 12);
            }
        }
    }
}
