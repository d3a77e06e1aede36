//! pcapng from hand-built bytes: both byte orders, several sections and interfaces, every
//! timestamp resolution, the three packet blocks, and blocks that are skipped.

mod common;

use common::fixtures::*;
use common::{read_all, read_all_from, Trickle};
use wirelab_capture::{CaptureReader, FileFormat};
use wirelab_wire::{LinkType, Timestamp};

#[test]
fn an_enhanced_packet_block_gives_its_frame_nanosecond_time_and_comment() {
    let reader = CaptureReader::new(LE_ONE_PACKET).unwrap();
    assert_eq!(reader.format(), FileFormat::PcapNg);
    assert_eq!(reader.version(), (1, 0));
    // The interfaces are known as soon as the reader is open.
    assert_eq!(reader.interfaces().len(), 1);
    assert_eq!(reader.interfaces()[0].ts_units_per_second, 1_000_000_000);
    let (frames, error) = read_all(LE_ONE_PACKET);
    assert_eq!(error, None);
    assert_eq!(frames.len(), 1);
    let f = &frames[0];
    assert_eq!((f.number, f.interface, f.link), (1, 0, LinkType::ETHERNET));
    assert_eq!(f.ts, Timestamp::new(1_700_000_000, 123_456_789));
    assert_eq!(
        (f.orig_len, &f.bytes[..]),
        (60, &[0xde, 0xad, 0xbe, 0xef][..])
    );
    assert_eq!(f.comment.as_deref(), Some("hi"));
}

#[test]
fn a_big_endian_section_reads_power_of_two_resolution_and_a_big_endian_offset() {
    let reader = CaptureReader::new(BE_POWER_OF_TWO).unwrap();
    assert!(reader.is_big_endian());
    let interface = &reader.interfaces()[0];
    assert_eq!(interface.ts_units_per_second, 1 << 20);
    assert_eq!(interface.ts_offset, 100);
    assert_eq!(interface.link, LinkType::LINUX_SLL);
    let (frames, error) = read_all(BE_POWER_OF_TWO);
    assert_eq!(error, None);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_100, 500_000_000));
    assert_eq!(frames[0].bytes, [0xab, 0xcd]);
    assert_eq!(frames[0].comment, None);
}

#[test]
fn sections_interfaces_and_all_three_packet_blocks_are_read_in_order() {
    let (frames, error) = read_all(LE_TWO_SECTIONS);
    assert_eq!(error, None);
    let summary: Vec<_> = frames
        .iter()
        .map(|f| {
            (
                f.number,
                f.interface,
                f.link,
                f.ts,
                f.orig_len,
                f.bytes.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                1,
                1,
                LinkType::RAW,
                Timestamp::new(1_700_000_000, 123_000_000),
                1,
                vec![0x45]
            ),
            // The SPB has no timestamp: tshark shows it at the epoch too.
            (
                2,
                0,
                LinkType::ETHERNET,
                Timestamp::new(0, 0),
                6,
                vec![0xaa, 0xbb, 0xcc, 0xdd]
            ),
            (
                3,
                0,
                LinkType::ETHERNET,
                Timestamp::new(1_700_000_002, 1_000),
                2,
                vec![1, 2]
            ),
            (
                4,
                0,
                LinkType::IPV4,
                Timestamp::new(1_700_000_003, 0),
                1,
                vec![0x45]
            ),
        ]
    );
    let stamped: Vec<bool> = frames.iter().map(|f| f.has_timestamp).collect();
    assert_eq!(stamped, [true, false, true, true]);
}

#[test]
fn a_new_section_replaces_the_interface_list() {
    let mut reader = CaptureReader::new(LE_TWO_SECTIONS).unwrap();
    assert_eq!(reader.interfaces().len(), 2);
    for _ in 0..3 {
        reader.next_frame().unwrap().unwrap();
    }
    reader.next_frame().unwrap().unwrap();
    let links: Vec<_> = reader.interfaces().iter().map(|i| i.link).collect();
    assert_eq!(links, vec![LinkType::IPV4]);
}

#[test]
fn a_pipe_delivering_a_few_bytes_at_a_time_gives_the_same_frames() {
    for bytes in [LE_ONE_PACKET, BE_POWER_OF_TWO, LE_TWO_SECTIONS] {
        for chunk in [1, 3, 7, 64] {
            assert_eq!(read_all(bytes), read_all_from(Trickle { bytes, chunk }));
        }
    }
}

#[test]
fn a_section_header_alone_is_an_empty_capture() {
    let reader = CaptureReader::new(&LE_ONE_PACKET[..28]).unwrap();
    assert!(reader.interfaces().is_empty());
    assert_eq!(reader.link_type(), None);
    assert_eq!(read_all(&LE_ONE_PACKET[..28]), (vec![], None));
}

#[test]
fn an_interface_name_is_kept() {
    // IDB with if_name "eth0" (4 bytes, no padding needed).
    let mut bytes = LE_ONE_PACKET[..28].to_vec();
    bytes.extend_from_slice(&[
        0x01, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, //
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, b'e', b't', b'h', b'0', //
        0x1c, 0x00, 0x00, 0x00,
    ]);
    let reader = CaptureReader::new(&bytes[..]).unwrap();
    assert_eq!(reader.interfaces()[0].name.as_deref(), Some("eth0"));
}

#[test]
fn every_timestamp_resolution_converts_to_nanoseconds() {
    // (if_tsresol, ticks, expected seconds, expected nanoseconds)
    let cases: [(u8, u64, i64, u32); 6] = [
        (0, 5, 5, 0),                                       // seconds
        (3, 1_500, 1, 500_000_000),                         // milliseconds
        (6, 2_000_001, 2, 1_000),                           // microseconds (the default)
        (12, 3_000_000_000_123, 3, 0), // picoseconds: truncated, as tshark does
        (0x80 | 10, 1024 + 512, 1, 500_000_000), // 2^-10 s
        (0x80 | 30, (1 << 30) + (1 << 28), 1, 250_000_000), // 2^-30 s
    ];
    for (resol, ticks, secs, nanos) in cases {
        let mut bytes = LE_ONE_PACKET.to_vec();
        bytes[28 + 20] = resol;
        bytes[56 + 12..56 + 16].copy_from_slice(&((ticks >> 32) as u32).to_le_bytes());
        bytes[56 + 16..56 + 20].copy_from_slice(&(ticks as u32).to_le_bytes());
        let (frames, error) = read_all(&bytes);
        assert_eq!(error, None, "if_tsresol 0x{resol:02x}");
        assert_eq!(
            frames[0].ts,
            Timestamp::new(secs, nanos),
            "if_tsresol 0x{resol:02x}"
        );
    }
}

#[test]
fn a_negative_offset_moves_timestamps_before_the_epoch() {
    let mut bytes = BE_POWER_OF_TWO.to_vec();
    bytes[28 + 28..28 + 36].copy_from_slice(&(-1_700_000_001i64).to_be_bytes());
    let (frames, _) = read_all(&bytes);
    assert_eq!(frames[0].ts, Timestamp::new(-1, 500_000_000));
}
