//! Every pcap variant, from hand-built bytes: both byte orders, micro- and nanoseconds, and
//! the "modified" format.

mod common;

use common::fixtures::*;
use common::{read_all, read_all_from, Trickle};
use wirelab_capture::{CaptureReader, FileFormat};
use wirelab_wire::{LinkType, Timestamp};

#[test]
fn little_endian_microsecond_pcap_yields_each_record_with_its_lengths_and_time() {
    let reader = CaptureReader::new(LE_MICROS).unwrap();
    assert_eq!(reader.format(), FileFormat::PcapMicroseconds);
    assert!(!reader.is_big_endian());
    assert_eq!(reader.version(), (2, 4));
    assert_eq!(reader.link_type(), Some(LinkType::ETHERNET));
    assert_eq!(reader.interfaces()[0].snaplen, 65535);

    let (frames, error) = read_all(LE_MICROS);
    assert_eq!(error, None);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].number, 1);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, 123_456_000));
    assert_eq!(frames[0].orig_len, 60);
    assert_eq!(frames[0].bytes, [0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(frames[0].interface, 0);
    assert_eq!(frames[0].link, LinkType::ETHERNET);
    assert_eq!(frames[1].number, 2);
    assert_eq!(frames[1].ts, Timestamp::new(1_700_000_001, 0));
    assert_eq!(frames[1].bytes, [0x12, 0x34]);
}

#[test]
fn big_endian_nanosecond_pcap_keeps_all_nine_digits() {
    let reader = CaptureReader::new(BE_NANOS).unwrap();
    assert_eq!(reader.format(), FileFormat::PcapNanoseconds);
    assert!(reader.is_big_endian());
    let (frames, error) = read_all(BE_NANOS);
    assert_eq!(error, None);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, 123_456_789));
    assert_eq!(frames[0].link, LinkType::LINUX_SLL);
    assert_eq!(frames[0].bytes, [0xab, 0xcd]);
}

#[test]
fn modified_pcap_skips_the_longer_record_header_in_both_byte_orders() {
    for bytes in [LE_MODIFIED, BE_MODIFIED] {
        let reader = CaptureReader::new(bytes).unwrap();
        assert_eq!(reader.format(), FileFormat::PcapModified);
        let (frames, error) = read_all(bytes);
        assert_eq!(error, None);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, 123_456_000));
        assert_eq!(frames[0].bytes, [0x45, 0x00, 0x00]);
        assert_eq!(frames[0].link, LinkType::RAW);
    }
}

#[test]
fn a_pipe_delivering_one_byte_at_a_time_gives_the_same_frames() {
    for bytes in [LE_MICROS, BE_NANOS, LE_MODIFIED, BE_MODIFIED] {
        let whole = read_all(bytes);
        let trickled = read_all_from(Trickle { bytes, chunk: 1 });
        assert_eq!(whole, trickled);
    }
}

#[test]
fn a_header_without_records_is_an_empty_capture() {
    let (frames, error) = read_all(&LE_MICROS[..24]);
    assert!(frames.is_empty());
    assert_eq!(error, None);
}

#[test]
fn a_microsecond_field_of_a_second_or_more_carries_into_the_seconds() {
    let mut bytes = LE_MICROS[..44].to_vec();
    bytes[28..32].copy_from_slice(&1_500_000u32.to_le_bytes());
    let (frames, _) = read_all(&bytes);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_001, 500_000_000));
}

#[test]
fn a_microsecond_field_that_overflows_32_bits_in_nanoseconds_wraps_like_tshark() {
    // atm-oam-loopback-print-overrun.pcap has 1159821166 µs; tshark shows .179996080.
    let mut bytes = LE_MICROS[..44].to_vec();
    bytes[28..32].copy_from_slice(&1_159_821_166u32.to_le_bytes());
    let (frames, _) = read_all(&bytes);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, 179_996_080));
}

#[test]
fn the_fcs_bits_of_the_link_type_field_are_not_part_of_the_link_type() {
    // draft-ietf-opsawg-pcap §4: FCS length in the top 4 bits, "f" bit set.
    let mut bytes = LE_MICROS.to_vec();
    bytes[20..24].copy_from_slice(&0x1400_0001u32.to_le_bytes());
    let reader = CaptureReader::new(&bytes[..]).unwrap();
    assert_eq!(reader.link_type(), Some(LinkType::ETHERNET));
}

#[test]
fn a_record_as_large_as_a_frame_can_be_grows_the_buffer_once() {
    let caplen = wirelab_capture::MAX_FRAME_LEN;
    let mut bytes = LE_MICROS[..24].to_vec();
    for _ in 0..3 {
        bytes.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&(caplen as u32).to_le_bytes());
        bytes.extend_from_slice(&(caplen as u32).to_le_bytes());
        bytes.resize(bytes.len() + caplen, 0x5a);
    }
    let mut reader = CaptureReader::new(Trickle {
        bytes: &bytes,
        chunk: 4096,
    })
    .unwrap();
    let mut count = 0;
    while let Some(frame) = reader.next_frame().unwrap() {
        assert_eq!(frame.bytes.len(), caplen);
        count += 1;
    }
    assert_eq!(count, 3);
    assert_eq!(reader.buffer_capacity(), 512 * 1024);
}
