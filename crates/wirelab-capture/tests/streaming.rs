//! Streaming: memory stays flat however long the capture, and `open` reads files (and names
//! them when it cannot).

mod common;

use common::fixtures::{LE_MICROS, LE_ONE_PACKET};
use std::io::{self, Read};
use wirelab_capture::{buffer::INITIAL_CAPACITY, CaptureReader, FileFormat, OpenError};

/// A capture that is never held in memory: a header, then the same record `count` times,
/// delivered in pieces of at most 1500 bytes (as a pipe or socket would).
struct Generated {
    header: Vec<u8>,
    record: Vec<u8>,
    count: u64,
    /// Position in the stream: header first, then records.
    pos: u64,
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let (h, r) = (self.header.len() as u64, self.record.len() as u64);
        let total = h + r * self.count;
        let mut n = 0;
        while n < out.len().min(1500) && self.pos < total {
            out[n] = if self.pos < h {
                self.header[self.pos as usize]
            } else {
                self.record[((self.pos - h) % r) as usize]
            };
            n += 1;
            self.pos += 1;
        }
        Ok(n)
    }
}

#[test]
fn a_million_pcap_records_pass_through_the_initial_64_kib_buffer() {
    let source = Generated {
        header: LE_MICROS[..24].to_vec(),
        record: LE_MICROS[24..44].to_vec(),
        count: 1_000_000,
        pos: 0,
    };
    let mut reader = CaptureReader::new(source).unwrap();
    let mut last = 0;
    while let Some(frame) = reader.next_frame().unwrap() {
        assert_eq!(frame.bytes, [0xde, 0xad, 0xbe, 0xef]);
        last = frame.number;
    }
    assert_eq!(last, 1_000_000);
    assert_eq!(reader.frames_read(), 1_000_000);
    assert_eq!(reader.offset(), 24 + 20 * 1_000_000);
    assert_eq!(reader.buffer_capacity(), INITIAL_CAPACITY);
}

#[test]
fn a_hundred_thousand_pcapng_blocks_pass_through_the_initial_64_kib_buffer() {
    let source = Generated {
        header: LE_ONE_PACKET[..56].to_vec(),
        record: LE_ONE_PACKET[56..].to_vec(),
        count: 100_000,
        pos: 0,
    };
    let mut reader = CaptureReader::new(source).unwrap();
    let mut count = 0;
    while let Some(record) = reader.next_record().unwrap() {
        assert_eq!(record.comment, Some("hi"));
        count += 1;
    }
    assert_eq!(count, 100_000);
    assert_eq!(reader.buffer_capacity(), INITIAL_CAPACITY);
}

#[test]
fn open_reads_a_capture_file_by_path() {
    let path = common::temp_path("open.pcapng");
    std::fs::write(&path, LE_ONE_PACKET).unwrap();
    let mut reader = wirelab_capture::open(&path).unwrap();
    assert_eq!(reader.format(), FileFormat::PcapNg);
    assert_eq!(
        reader.next_frame().unwrap().unwrap().bytes,
        [0xde, 0xad, 0xbe, 0xef]
    );
    assert!(reader.next_frame().unwrap().is_none());
}

#[test]
fn opening_a_missing_file_names_the_file() {
    let path = common::temp_path("no-such-file.pcap");
    let error = wirelab_capture::open(&path).err().unwrap();
    assert!(matches!(error, OpenError::Open { .. }));
    assert_eq!(error.path(), path);
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("cannot open {}: ", path.display())),
        "{message}"
    );
}

#[test]
fn opening_a_file_that_is_not_a_capture_names_the_file_and_the_offset() {
    let path = common::temp_path("notes.txt");
    std::fs::write(&path, "hello, world\n").unwrap();
    let error = wirelab_capture::open(&path).err().unwrap();
    assert!(matches!(error, OpenError::Header { .. }));
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "{}: at byte 0: not a pcap or pcapng file",
            path.display()
        )),
        "{message}"
    );
}
