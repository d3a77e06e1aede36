//! The pcap-parser 0.17 bugs this crate works around, demonstrated. If one of these tests
//! starts failing after an upgrade, the bug is fixed upstream and the workaround (named in each
//! test) can go.

mod common;

use common::fixtures::{BE_POWER_OF_TWO, LE_ONE_PACKET};
use pcap_parser::nom;

#[test]
fn pcap_parser_0_17_rejects_power_of_two_timestamp_resolutions() {
    // if_tsresol 0x94 means 2^-20 s (draft-ietf-opsawg-pcapng §4.2); pcap-parser compares the
    // byte with the MSB still set against 63 and gives up.
    // Workaround: pcapng::units_per_second.
    assert_eq!(pcap_parser::build_ts_resolution(0x94), None);
    let (_, idb) =
        pcap_parser::parse_interfacedescriptionblock_be(&BE_POWER_OF_TWO[28..68]).unwrap();
    assert_eq!(idb.if_tsresol, 0x94);
    assert_eq!(idb.ts_resolution(), None);
}

#[test]
fn pcap_parser_0_17_reads_if_tsoffset_little_endian_in_big_endian_sections() {
    // The IDB says 100 s, big-endian. Workaround: Section::interface_description reads the
    // option itself, in the section's byte order.
    let (_, idb) =
        pcap_parser::parse_interfacedescriptionblock_be(&BE_POWER_OF_TWO[28..68]).unwrap();
    assert_eq!(idb.if_tsoffset, 100i64.swap_bytes());
    assert_ne!(idb.if_tsoffset, 100);
}

#[test]
fn pcap_parser_0_17_asks_for_more_bytes_forever_when_an_epb_claims_more_than_its_block() {
    // The whole 48-byte block is there, but the captured length says 100: pcap-parser answers
    // "incomplete", so a streaming reader that refills and retries never stops.
    // Workaround: Section::packet checks the captured length against the block first.
    let mut block = LE_ONE_PACKET[56..].to_vec();
    block[20..24].copy_from_slice(&100u32.to_le_bytes());
    let mut more = block.clone();
    more.extend_from_slice(&[0; 4096]);
    for input in [&block[..], &more[..]] {
        let result = pcap_parser::parse_enhancedpacketblock_le(input);
        assert!(matches!(result, Err(nom::Err::Incomplete(_))));
    }
}
