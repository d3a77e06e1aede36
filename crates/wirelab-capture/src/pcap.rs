//! The classic pcap format (libpcap, tcpdump): one global header, then records.
//!
//! The layout, as draft-ietf-opsawg-pcap §4 and §5 draw it (all fields in the byte order the
//! magic number reveals):
//!
//! ```text
//!  Global header (24 bytes)
//!                         1                   2                   3
//!     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   0 |                          Magic Number                         |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   4 |          Major Version        |         Minor Version         |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   8 |                   Reserved1 (was thiszone)                    |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!  12 |                   Reserved2 (was sigfigs)                     |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!  16 |                            SnapLen                            |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!  20 | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//!  Record header (16 bytes), then Captured Packet Length bytes of packet data
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   0 |                      Timestamp (Seconds)                      |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   4 |            Timestamp (Microseconds or nanoseconds)            |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   8 |                    Captured Packet Length                     |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!  12 |                    Original Packet Length                     |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!  16 /                          Packet Data                          /
//!     /                  (Captured Packet Length bytes)               /
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Magic numbers, as the first four bytes appear in the file:
//!
//! | bytes         | meaning                                                        |
//! |---------------|----------------------------------------------------------------|
//! | `d4 c3 b2 a1` | little-endian, microsecond timestamps                          |
//! | `a1 b2 c3 d4` | big-endian, microsecond timestamps                             |
//! | `4d 3c b2 a1` | little-endian, nanosecond timestamps                           |
//! | `a1 b2 3c 4d` | big-endian, nanosecond timestamps                              |
//! | `34 cd b2 a1` | little-endian "modified" pcap (Alexey Kuznetsov's patches):    |
//! | `a1 b2 cd 34` | big-endian ditto; records carry 8 more bytes (ifindex,         |
//! |               | protocol, packet type, padding) between header and data        |
//!
//! The header's snap length is only advisory: like tshark, a record may capture more than it
//! (up to [`crate::MAX_FRAME_LEN`]).

use crate::reader::RawFrame;
use crate::CaptureError;
use pcap_parser::nom;
use pcap_parser::{LegacyPcapBlock, Linktype, PcapError, PcapHeader};
use wirelab_wire::{LinkType, Timestamp};

/// What pcap-parser's record parsers return.
type RecordResult<'a> = nom::IResult<&'a [u8], LegacyPcapBlock<'a>, PcapError<&'a [u8]>>;

/// Size of the global header.
pub(crate) const GLOBAL_HEADER_LEN: usize = 24;

/// The magic numbers, read as a little-endian `u32` from the first four bytes.
pub(crate) const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
pub(crate) const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
pub(crate) const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;

/// Whether these four bytes (read little-endian) are one of the pcap magic numbers, in either
/// byte order.
pub(crate) fn is_pcap_magic(magic_le: u32) -> bool {
    [MAGIC_MICROS, MAGIC_NANOS, MAGIC_MODIFIED]
        .iter()
        .any(|&m| magic_le == m || magic_le == m.swap_bytes())
}

/// What the global header says about the rest of the file.
#[derive(Clone, Debug)]
pub(crate) struct PcapFile {
    pub big_endian: bool,
    pub nanosecond: bool,
    /// The "modified" variant with 24-byte record headers.
    pub modified: bool,
    pub version: (u16, u16),
    pub snaplen: u32,
    pub link: LinkType,
    /// 16, or 24 in the modified variant.
    pub record_header_len: usize,
}

/// Parses the global header (at least 24 bytes), with pcap-parser where it knows the magic.
pub(crate) fn parse_global_header(bytes: &[u8]) -> Result<PcapFile, String> {
    let header = match pcap_parser::parse_pcap_header(bytes) {
        Ok((_, header)) => header,
        // pcap-parser 0.17 does not know the big-endian "modified" magic: read it by hand.
        Err(_) => swapped_modified_header(bytes).ok_or_else(|| {
            format!(
                "not a pcap global header: magic {:02x?}",
                &bytes[..bytes.len().min(4)]
            )
        })?,
    };
    let big_endian = header.is_bigendian();
    let modified =
        header.magic_number == MAGIC_MODIFIED || header.magic_number == MAGIC_MODIFIED.swap_bytes();
    if header.version_major < 2 {
        // libpcap and tshark refuse these too: version 1 files had a different record layout.
        return Err(format!(
            "pcap version {}.{} is not supported (only 2.x exists in practice)",
            header.version_major, header.version_minor
        ));
    }
    // The upper bits of the link-type field carry the FCS length (draft-ietf-opsawg-pcap §4,
    // "LinkType and additional information"); the link type proper is the low 16 bits.
    let link = LinkType(header.network.0 as u32 & 0xffff);
    Ok(PcapFile {
        big_endian,
        nanosecond: header.is_nanosecond_precision(),
        modified,
        version: (header.version_major, header.version_minor),
        snaplen: header.snaplen,
        link,
        record_header_len: if modified { 24 } else { 16 },
    })
}

/// The big-endian "modified" header (`a1 b2 cd 34`), which pcap-parser 0.17 rejects.
fn swapped_modified_header(bytes: &[u8]) -> Option<PcapHeader> {
    let field = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    if bytes.get(..4)? != [0xa1, 0xb2, 0xcd, 0x34] {
        return None;
    }
    let versions = field(4)?;
    Some(PcapHeader {
        magic_number: MAGIC_MODIFIED.swap_bytes(),
        version_major: (versions >> 16) as u16,
        version_minor: versions as u16,
        thiszone: field(8)? as i32,
        sigfigs: field(12)?,
        snaplen: field(16)?,
        network: Linktype(field(20)? as i32),
    })
}

/// Reads a `u32` at `at` in the file's byte order; `None` past the end.
#[inline]
fn u32_at(bytes: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

/// What parsing the unread bytes as one record gave.
pub(crate) enum Parsed {
    /// A whole record: the frame, and how many bytes it took.
    Record(RawFrame, usize),
    /// Not enough bytes yet: this many are needed in total (already checked against the
    /// frame size limit).
    NeedBytes(usize),
}

impl PcapFile {
    /// Parses one record from `unread`, whose first byte is at file offset `offset` and at
    /// index `base` in the reader's buffer.
    ///
    /// The hot path hands the bytes to pcap-parser; only when the record is not all there yet
    /// is the header read here, to check the claimed length before asking for more bytes (a
    /// streaming parser that just waits for "more" would wait forever on a damaged length).
    #[inline]
    pub(crate) fn parse_record(
        &self,
        unread: &[u8],
        offset: u64,
        base: usize,
    ) -> Result<Parsed, CaptureError> {
        let parsed: RecordResult<'_> = match (self.modified, self.big_endian) {
            (false, false) => pcap_parser::parse_pcap_frame(unread),
            (false, true) => pcap_parser::parse_pcap_frame_be(unread),
            (true, false) => pcap_parser::parse_pcap_frame_modified(unread),
            // pcap-parser 0.17 has no big-endian modified reader.
            (true, true) => parse_modified_be(unread),
        };
        let hl = self.record_header_len;
        match parsed {
            Ok((_, record)) => {
                check_caplen(record.caplen, offset)?;
                let caplen = record.caplen as usize;
                let frame = RawFrame {
                    ts: self.timestamp(record.ts_sec, record.ts_usec),
                    orig_len: record.origlen,
                    data: base + hl..base + hl + caplen,
                    interface: 0,
                    link: self.link,
                    comment: None,
                    has_timestamp: true,
                };
                Ok(Parsed::Record(frame, hl + caplen))
            }
            Err(nom::Err::Incomplete(_)) => match u32_at(unread, 8, self.big_endian) {
                None => Ok(Parsed::NeedBytes(hl)),
                Some(caplen) => {
                    check_caplen(caplen, offset)?;
                    Ok(Parsed::NeedBytes(hl + caplen as usize))
                }
            },
            Err(e) => Err(CaptureError::new(
                offset,
                format!("cannot parse record header: {e:?}"),
            )),
        }
    }

    /// Seconds plus micro- or nanoseconds.
    ///
    /// A damaged fraction field needs a rule. Wireshark's reader multiplies microseconds by
    /// 1000 in 32-bit arithmetic, so 4 294 968 µs or more wrap around; this reader does the
    /// same, so that `frame.time_epoch` agrees with tshark's. Whatever is still a second or
    /// more is then carried into the seconds, so that `Timestamp` stays well-formed (tshark
    /// prints such times with ten digits after the point).
    #[inline]
    fn timestamp(&self, secs: u32, fraction: u32) -> Timestamp {
        let nanos = if self.nanosecond {
            fraction
        } else {
            fraction.wrapping_mul(1000)
        };
        if nanos < 1_000_000_000 {
            Timestamp::new(secs as i64, nanos)
        } else {
            Timestamp::from_nanos(secs as i128 * 1_000_000_000 + nanos as i128)
        }
    }
}

/// A record may not capture more than a frame can have: tshark's limit, 256 KiB.
#[inline]
fn check_caplen(caplen: u32, offset: u64) -> Result<(), CaptureError> {
    if caplen as u64 > crate::MAX_FRAME_LEN as u64 {
        return Err(CaptureError::new(
            offset,
            format!(
                "record header says {caplen} bytes captured, more than the {} a frame can have",
                crate::MAX_FRAME_LEN
            ),
        ));
    }
    Ok(())
}

/// The big-endian twin of `pcap_parser::parse_pcap_frame_modified`.
fn parse_modified_be(i: &[u8]) -> RecordResult<'_> {
    let field = |at| u32_at(i, at, true);
    let incomplete = || nom::Err::Incomplete(nom::Needed::Unknown);
    if i.len() < 24 {
        return Err(incomplete());
    }
    let (ts_sec, ts_usec, caplen, origlen) = match (field(0), field(4), field(8), field(12)) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => return Err(incomplete()),
    };
    let end = 24usize
        .checked_add(caplen as usize)
        .ok_or_else(incomplete)?;
    let data = i.get(24..end).ok_or_else(incomplete)?;
    Ok((
        &i[end..],
        LegacyPcapBlock {
            ts_sec,
            ts_usec,
            caplen,
            origlen,
            data,
        },
    ))
}
