//! [`CaptureReader`]: frames out of any pcap or pcapng stream, one at a time.
//!
//! ```text
//!   impl Read ──> Buffer (64 KiB .. 16 MiB) ──> pcap::PcapFile::parse_record ──┐
//!   (file, stdin,                         └───> pcapng::Section::parse_block ──┴─> Frame<'_>
//!    pipe, &[u8])                                                                 borrows the buffer
//! ```
//!
//! The reader is a lending iterator: each [`Frame`] borrows the reader's buffer, so no packet
//! is ever copied or allocated; the frame must be dropped before asking for the next one.
//! The format is detected from the first four bytes (pcap magic numbers, or the pcapng
//! Section Header Block type).

use crate::buffer::Buffer;
use crate::pcap::{self, PcapFile};
use crate::pcapng::{self, Block, Interface, Section};
use crate::{CaptureError, OpenError};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;
use wirelab_wire::{Frame, LinkType, Timestamp};

/// A frame located in the reader's buffer, before it is lent out.
#[derive(Clone, Debug)]
pub(crate) struct RawFrame {
    pub ts: Timestamp,
    pub orig_len: u32,
    /// Position of the captured bytes in the buffer.
    pub data: Range<usize>,
    pub interface: u32,
    pub link: LinkType,
    /// Position of the pcapng `opt_comment` value in the buffer, if the block has one.
    pub comment: Option<Range<usize>>,
    /// False for a pcapng Simple Packet Block, which carries no timestamp.
    pub has_timestamp: bool,
}

/// Which kind of capture file is being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// pcap with microsecond timestamps (magic `a1b2c3d4`).
    PcapMicroseconds,
    /// pcap with nanosecond timestamps (magic `a1b23c4d`).
    PcapNanoseconds,
    /// The "modified" pcap of Alexey Kuznetsov's patched libpcap (magic `a1b2cd34`),
    /// microsecond timestamps and 24-byte record headers.
    PcapModified,
    /// pcapng (draft-ietf-opsawg-pcapng).
    PcapNg,
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileFormat::PcapMicroseconds => "pcap (microsecond timestamps)",
            FileFormat::PcapNanoseconds => "pcap (nanosecond timestamps)",
            FileFormat::PcapModified => {
                "pcap, modified by Alexey Kuznetsov (microsecond timestamps)"
            }
            FileFormat::PcapNg => "pcapng",
        })
    }
}

/// One frame and what the file says about it beyond the [`Frame`]: the pcapng packet comment
/// (`opt_comment`, draft-ietf-opsawg-pcapng §3.5), where demos put their narration.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    pub frame: Frame<'a>,
    /// The packet's comment, if it has one that is valid UTF-8.
    pub comment: Option<&'a str>,
    /// False when the file gives no time for this frame (a pcapng Simple Packet Block, §4.4);
    /// `frame.ts` is then 0, and tshark leaves `frame.time_epoch` empty.
    pub has_timestamp: bool,
}

enum Kind {
    Pcap(PcapFile),
    PcapNg(Section),
}

/// What one step of the reading loop found.
enum Step {
    Frame(RawFrame, usize),
    Skip(usize),
    Need(usize, &'static str),
}

/// Reads frames one at a time from a pcap or pcapng stream, whichever it is.
///
/// Memory stays bounded whatever the length of the stream (see [`crate::buffer`]). After an
/// error the reader is finished: [`CaptureReader::next_frame`] returns `Ok(None)`.
pub struct CaptureReader<R: Read> {
    source: R,
    buf: Buffer,
    kind: Kind,
    /// For pcap: the one interface the global header describes.
    pcap_interface: [Interface; 1],
    frames: u64,
    finished: bool,
}

/// Opens a capture file for reading; `-` means standard input.
///
/// Errors name the file: `cannot open x.pcap: No such file or directory (os error 2)`, or
/// `x.pcap: at byte 0: not a pcap or pcapng file ...`.
pub fn open(path: &Path) -> Result<CaptureReader<Box<dyn Read>>, OpenError> {
    let source: Box<dyn Read> = if path == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        match File::open(path) {
            Ok(file) => Box::new(file),
            Err(source) => {
                return Err(OpenError::Open {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    };
    CaptureReader::new(source).map_err(|error| OpenError::Header {
        path: path.to_path_buf(),
        error,
    })
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header (pcap global header, or the pcapng Section Header Block and the
    /// blocks up to the first packet, so that [`CaptureReader::interfaces`] is known).
    pub fn new(source: R) -> Result<Self, CaptureError> {
        let mut buf = Buffer::new();
        let mut source = source;
        let complete = buf
            .fill(&mut source, 4)
            .map_err(|e| CaptureError::io(0, &e))?;
        let head = buf.unread();
        if !complete {
            let problem = if head.is_empty() {
                "the file is empty: a capture file starts with a pcap or pcapng header".to_string()
            } else {
                format!(
                    "file ends inside the magic number (4 bytes needed, {} present)",
                    head.len()
                )
            };
            return Err(CaptureError::new(0, problem));
        }
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let kind = if magic == pcapng::SHB_TYPE {
            Kind::PcapNg(Section::default())
        } else if pcap::is_pcap_magic(magic) {
            if !buf
                .fill(&mut source, pcap::GLOBAL_HEADER_LEN)
                .map_err(|e| CaptureError::io(0, &e))?
            {
                return Err(CaptureError::new(
                    0,
                    format!(
                        "file ends inside the pcap global header ({} bytes needed, {} present)",
                        pcap::GLOBAL_HEADER_LEN,
                        buf.unread().len()
                    ),
                ));
            }
            let file =
                pcap::parse_global_header(buf.unread()).map_err(|p| CaptureError::new(0, p))?;
            buf.consume(pcap::GLOBAL_HEADER_LEN);
            Kind::Pcap(file)
        } else {
            return Err(CaptureError::new(0, bad_magic(&head[..4])));
        };
        let pcap_interface = match &kind {
            Kind::Pcap(p) => Interface::for_pcap(p.link, p.snaplen, p.nanosecond),
            Kind::PcapNg(_) => Interface::for_pcap(LinkType::ETHERNET, 0, false),
        };
        let mut reader = CaptureReader {
            source,
            buf,
            kind,
            pcap_interface: [pcap_interface],
            frames: 0,
            finished: false,
        };
        if let Kind::PcapNg(_) = reader.kind {
            // Read the SHB and IDBs now; stop in front of the first packet.
            reader.step(false)?;
        }
        Ok(reader)
    }

    /// The next frame, `None` at the end of the file.
    #[inline]
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        Ok(self.next_record()?.map(|r| r.frame))
    }

    /// The next frame with its packet comment, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>, CaptureError> {
        let Some(raw) = self.step(true)? else {
            return Ok(None);
        };
        self.frames += 1;
        let comment = raw
            .comment
            .and_then(|range| std::str::from_utf8(self.buf.slice_at(range)).ok())
            .map(|c| c.trim_end_matches('\0'));
        let frame = Frame {
            number: self.frames,
            ts: raw.ts,
            link: raw.link,
            orig_len: raw.orig_len,
            bytes: self.buf.slice_at(raw.data),
            interface: raw.interface,
        };
        Ok(Some(Record {
            frame,
            comment,
            has_timestamp: raw.has_timestamp,
        }))
    }

    /// Which format the file is in.
    pub fn format(&self) -> FileFormat {
        match &self.kind {
            Kind::Pcap(p) if p.modified => FileFormat::PcapModified,
            Kind::Pcap(p) if p.nanosecond => FileFormat::PcapNanoseconds,
            Kind::Pcap(_) => FileFormat::PcapMicroseconds,
            Kind::PcapNg(_) => FileFormat::PcapNg,
        }
    }

    /// Whether the file (for pcapng: the current section) is big-endian.
    pub fn is_big_endian(&self) -> bool {
        match &self.kind {
            Kind::Pcap(p) => p.big_endian,
            Kind::PcapNg(s) => s.big_endian,
        }
    }

    /// The file format's version: pcap's global header, or the current pcapng section's.
    pub fn version(&self) -> (u16, u16) {
        match &self.kind {
            Kind::Pcap(p) => p.version,
            Kind::PcapNg(s) => s.version,
        }
    }

    /// The capture interfaces: for pcap the one the global header describes; for pcapng those
    /// of the current section described so far. Writers describe every interface before the
    /// first packet, and [`CaptureReader::new`] reads up to the first packet, so for most
    /// files this is the whole list as soon as the reader is open.
    pub fn interfaces(&self) -> &[Interface] {
        match &self.kind {
            Kind::Pcap(_) => &self.pcap_interface,
            Kind::PcapNg(s) => &s.interfaces,
        }
    }

    /// The link type of the first interface, if there is one (a pcap file always has one).
    pub fn link_type(&self) -> Option<LinkType> {
        self.interfaces().first().map(|i| i.link)
    }

    /// How many frames have been handed out so far.
    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// File offset of the first byte not yet read as part of a record or block.
    pub fn offset(&self) -> u64 {
        self.buf.offset()
    }

    /// Bytes held by the read buffer: 64 KiB unless a block needed more, never above 16 MiB.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Runs the reading loop until a frame (consumed only if `consume_frame`), the end of the
    /// stream, or an error. Once an error has been returned, the reader stays finished.
    fn step(&mut self, consume_frame: bool) -> Result<Option<RawFrame>, CaptureError> {
        if self.finished {
            return Ok(None);
        }
        let result = self.step_inner(consume_frame);
        if result.is_err() {
            self.finished = true;
        }
        result
    }

    #[inline]
    fn step_inner(&mut self, consume_frame: bool) -> Result<Option<RawFrame>, CaptureError> {
        loop {
            let offset = self.buf.offset();
            let base = self.buf.start_index();
            let unread = self.buf.unread();
            if unread.is_empty() {
                // Records and blocks may end exactly at the end of the file; nothing else may.
                if !self
                    .buf
                    .fill(&mut self.source, 1)
                    .map_err(|e| CaptureError::io(offset, &e))?
                {
                    return Ok(None);
                }
                continue;
            }
            let step = match &mut self.kind {
                Kind::Pcap(file) => match file.parse_record(unread, offset, base)? {
                    pcap::Parsed::Record(frame, len) => Step::Frame(frame, len),
                    pcap::Parsed::NeedBytes(n) if n == file.record_header_len => {
                        Step::Need(n, "a record header")
                    }
                    pcap::Parsed::NeedBytes(n) => Step::Need(n, "a record"),
                },
                Kind::PcapNg(section) => match section.parse_block(unread, offset, base)? {
                    Block::Frame(frame, len) => Step::Frame(frame, len),
                    Block::Skip(len) => Step::Skip(len),
                    Block::NeedBytes(n, what) => Step::Need(n, what),
                },
            };
            match step {
                Step::Frame(frame, len) => {
                    if consume_frame {
                        self.buf.consume(len);
                    }
                    return Ok(Some(frame));
                }
                Step::Skip(len) => self.buf.consume(len),
                Step::Need(n, what) => {
                    if !self
                        .buf
                        .fill(&mut self.source, n)
                        .map_err(|e| CaptureError::io(offset, &e))?
                    {
                        return Err(CaptureError::new(
                            offset,
                            cut_short(what, n, self.buf.unread().len()),
                        ));
                    }
                }
            }
        }
    }
}

/// The message for a file that ends in the middle of something.
fn cut_short(what: &str, needed: usize, present: usize) -> String {
    let article = match what.as_bytes().first() {
        Some(b'a') => "",
        Some(c) if b"AEIOU".contains(c) => "an ",
        _ => "a ",
    };
    let mut message =
        format!("file ends inside {article}{what} ({needed} bytes needed, {present} present)");
    if what == "a record" || what.ends_with("Packet Block") {
        message.push_str(": the capture was cut short in the middle of a packet");
    }
    message
}

/// The message for a file that is neither pcap nor pcapng.
fn bad_magic(first4: &[u8]) -> String {
    let hint = match first4 {
        [0x1f, 0x8b, ..] => " (that is gzip: decompress the file first)",
        [0x28, 0xb5, 0x2f, 0xfd] => " (that is zstd: decompress the file first)",
        _ => "",
    };
    format!(
        "not a pcap or pcapng file: it starts with {:02x?}{hint}; pcap starts with \
         d4 c3 b2 a1 (or another pcap magic number) and pcapng with 0a 0d 0d 0a",
        first4
    )
}
