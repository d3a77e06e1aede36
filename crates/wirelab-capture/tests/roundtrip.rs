//! Writers: what `PcapWriter` and `PcapNgWriter` write, the reader reads back unchanged, and
//! tshark reads too (comments included).

mod common;

use common::{read_all, tshark, tshark_available};
use std::io;
use wirelab_capture::{CaptureReader, FileFormat, PcapNgWriter, PcapWriter, TsResolution};
use wirelab_wire::{LinkType, Timestamp};

/// A minimal Ethernet + IPv4 + UDP frame (42 bytes), for content.
const UDP_FRAME: [u8; 42] = [
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08,
    0x00, // Ethernet
    0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x66, 0xce, // IPv4 ...
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, // 10.0.0.1 -> 10.0.0.2
    0x30, 0x39, 0x00, 0x35, 0x00, 0x08, 0x00, 0x00, // UDP 12345 -> 53, length 8
];

fn pcap_bytes(resolution: TsResolution, snaplen: u32) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), LinkType::ETHERNET, snaplen, resolution).unwrap();
    w.write_packet(Timestamp::new(1_700_000_000, 123_456_789), 42, &UDP_FRAME)
        .unwrap();
    w.write_packet(
        Timestamp::new(1_700_000_001, 999_999_999),
        60,
        &UDP_FRAME[..14],
    )
    .unwrap();
    w.into_inner().unwrap()
}

/// Two interfaces, three frames, comments of several lengths (padding!) and one without.
fn pcapng_bytes() -> Vec<u8> {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    assert_eq!(w.add_interface(LinkType::ETHERNET, 65535).unwrap(), 0);
    assert_eq!(w.add_interface(LinkType::RAW, 0).unwrap(), 1);
    let ts = Timestamp::new(1_700_000_000, 123_456_789);
    w.write_packet(0, ts, 42, &UDP_FRAME, Some("step 1: the client asks"))
        .unwrap();
    w.write_packet(
        1,
        Timestamp::new(1_700_000_000, 5),
        28,
        &UDP_FRAME[14..],
        None,
    )
    .unwrap();
    w.write_packet(
        0,
        Timestamp::new(1_700_000_002, 0),
        42,
        &UDP_FRAME,
        Some("é"),
    )
    .unwrap();
    w.into_inner().unwrap()
}

#[test]
fn a_microsecond_pcap_reads_back_with_times_cut_to_microseconds() {
    let bytes = pcap_bytes(TsResolution::Microseconds, 65535);
    assert_eq!(
        CaptureReader::new(&bytes[..]).unwrap().format(),
        FileFormat::PcapMicroseconds
    );
    let (frames, error) = read_all(&bytes);
    assert_eq!(error, None);
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, 123_456_000));
    assert_eq!(frames[0].bytes, UDP_FRAME);
    assert_eq!(frames[0].orig_len, 42);
    assert_eq!(frames[1].ts, Timestamp::new(1_700_000_001, 999_999_000));
    assert_eq!((frames[1].orig_len, frames[1].bytes.len()), (60, 14));
}

#[test]
fn a_nanosecond_pcap_reads_back_exactly() {
    let bytes = pcap_bytes(TsResolution::Nanoseconds, 65535);
    assert_eq!(
        CaptureReader::new(&bytes[..]).unwrap().format(),
        FileFormat::PcapNanoseconds
    );
    let (frames, _) = read_all(&bytes);
    assert_eq!(frames[0].ts, Timestamp::new(1_700_000_000, 123_456_789));
    assert_eq!(frames[1].ts, Timestamp::new(1_700_000_001, 999_999_999));
}

#[test]
fn the_pcap_writer_cuts_frames_to_its_snap_length() {
    let bytes = pcap_bytes(TsResolution::Microseconds, 20);
    let (frames, _) = read_all(&bytes);
    assert_eq!(frames[0].bytes, UDP_FRAME[..20]);
    assert_eq!(frames[0].orig_len, 42);
}

#[test]
fn the_pcap_writer_refuses_times_before_1970() {
    let mut w = PcapWriter::new(
        io::sink(),
        LinkType::ETHERNET,
        65535,
        TsResolution::Microseconds,
    )
    .unwrap();
    let error = w.write_packet(Timestamp::new(-1, 0), 1, &[0]).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn a_pcapng_reads_back_with_interfaces_times_and_comments() {
    let bytes = pcapng_bytes();
    let reader = CaptureReader::new(&bytes[..]).unwrap();
    assert_eq!(reader.format(), FileFormat::PcapNg);
    let links: Vec<_> = reader
        .interfaces()
        .iter()
        .map(|i| (i.link, i.snaplen, i.ts_units_per_second))
        .collect();
    assert_eq!(
        links,
        [
            (LinkType::ETHERNET, 65535, 1_000_000_000),
            (LinkType::RAW, 0, 1_000_000_000)
        ]
    );
    let (frames, error) = read_all(&bytes);
    assert_eq!(error, None);
    let got: Vec<_> = frames
        .iter()
        .map(|f| {
            (
                f.interface,
                f.link,
                f.ts,
                f.orig_len,
                f.bytes.clone(),
                f.comment.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                0,
                LinkType::ETHERNET,
                Timestamp::new(1_700_000_000, 123_456_789),
                42,
                UDP_FRAME.to_vec(),
                Some("step 1: the client asks".to_string())
            ),
            (
                1,
                LinkType::RAW,
                Timestamp::new(1_700_000_000, 5),
                28,
                UDP_FRAME[14..].to_vec(),
                None
            ),
            (
                0,
                LinkType::ETHERNET,
                Timestamp::new(1_700_000_002, 0),
                42,
                UDP_FRAME.to_vec(),
                Some("é".to_string())
            ),
        ]
    );
}

#[test]
fn frames_copied_from_one_pcapng_to_another_keep_everything() {
    let original = pcapng_bytes();
    let mut reader = CaptureReader::new(&original[..]).unwrap();
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    for i in reader.interfaces().to_vec() {
        w.add_interface(i.link, i.snaplen).unwrap();
    }
    while let Some(record) = reader.next_record().unwrap() {
        w.write_frame(&record.frame, record.comment).unwrap();
    }
    assert_eq!(w.into_inner().unwrap(), original);
}

#[test]
fn the_pcapng_writer_refuses_a_packet_on_an_interface_it_was_not_given() {
    let mut w = PcapNgWriter::new(io::sink()).unwrap();
    let error = w
        .write_packet(0, Timestamp::new(0, 0), 1, &[0], None)
        .unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn tshark_reads_the_written_files_the_same_way() {
    if !tshark_available("tshark_reads_the_written_files_the_same_way") {
        return;
    }
    let fields = [
        "-T",
        "fields",
        "-e",
        "frame.time_epoch",
        "-e",
        "frame.len",
        "-e",
        "frame.cap_len",
    ];
    let cases = [
        ("us.pcap", pcap_bytes(TsResolution::Microseconds, 65535)),
        ("ns.pcap", pcap_bytes(TsResolution::Nanoseconds, 65535)),
        ("snap.pcap", pcap_bytes(TsResolution::Microseconds, 20)),
        ("demo.pcapng", pcapng_bytes()),
    ];
    for (name, bytes) in cases {
        let path = common::temp_path(name);
        std::fs::write(&path, &bytes).unwrap();
        let run = tshark(&path, &fields);
        assert!(run.ok, "{name}: tshark failed: {}", run.stderr);
        let (frames, _) = read_all(&bytes);
        let ours: String = frames
            .iter()
            .map(|f| format!("{}\t{}\t{}\n", f.ts, f.orig_len, f.bytes.len()))
            .collect();
        assert_eq!(run.stdout, ours, "{name}");
    }
    let path = common::temp_path("comments.pcapng");
    std::fs::write(&path, pcapng_bytes()).unwrap();
    let run = tshark(
        &path,
        &[
            "-T",
            "fields",
            "-e",
            "frame.interface_id",
            "-e",
            "frame.comment",
        ],
    );
    assert!(run.ok, "tshark failed: {}", run.stderr);
    assert_eq!(run.stdout, "0\tstep 1: the client asks\n1\t\n0\té\n");
}
