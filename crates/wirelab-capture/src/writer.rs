//! Writing captures: [`PcapWriter`] (classic pcap) and [`PcapNgWriter`] (pcapng with packet
//! comments). Both write little-endian files over any `impl Write`; wrap a `File` in a
//! `BufWriter`, since each frame is written with one `write_all` call.
//!
//! The layouts are drawn in [`crate::pcap`] and [`crate::pcapng`]. What the pcapng writer
//! emits:
//!
//! ```text
//!   SHB (version 1.0, section length -1 = unknown, shb_userappl "wirelab")
//!   IDB per interface (link type, snap length, if_tsresol = 9: nanoseconds)
//!   EPB per frame (interface, 64-bit timestamp in ns, lengths, data, [opt_comment])
//! ```

use crate::options::{IF_TSRESOL, OPT_COMMENT, OPT_ENDOFOPT};
use crate::pcap::{MAGIC_MICROS, MAGIC_NANOS};
use crate::pcapng::{BYTE_ORDER_MAGIC, EPB_TYPE, IDB_TYPE, SHB_TYPE};
use std::io::{self, Write};
use wirelab_wire::{Frame, LinkType, Timestamp};

/// The timestamp resolution of a pcap file: the magic number says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TsResolution {
    Microseconds,
    Nanoseconds,
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Writes a classic pcap file (draft-ietf-opsawg-pcap §4, §5): the global header at once, then
/// one record per frame. Frames longer than the snap length are cut to it.
pub struct PcapWriter<W: Write> {
    out: W,
    resolution: TsResolution,
    snaplen: u32,
    record: Vec<u8>,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the global header: version 2.4, the link type and snap length given.
    pub fn new(
        mut out: W,
        link: LinkType,
        snaplen: u32,
        resolution: TsResolution,
    ) -> io::Result<Self> {
        let magic = match resolution {
            TsResolution::Microseconds => MAGIC_MICROS,
            TsResolution::Nanoseconds => MAGIC_NANOS,
        };
        let mut header = Vec::with_capacity(24);
        header.extend_from_slice(&magic.to_le_bytes());
        header.extend_from_slice(&2u16.to_le_bytes()); // major version
        header.extend_from_slice(&4u16.to_le_bytes()); // minor version
        header.extend_from_slice(&0u32.to_le_bytes()); // reserved (thiszone)
        header.extend_from_slice(&0u32.to_le_bytes()); // reserved (sigfigs)
        header.extend_from_slice(&snaplen.to_le_bytes());
        header.extend_from_slice(&link.0.to_le_bytes());
        out.write_all(&header)?;
        Ok(PcapWriter {
            out,
            resolution,
            snaplen,
            record: Vec::new(),
        })
    }

    /// Writes one record. `orig_len` is the frame's length on the wire (at least
    /// `bytes.len()` normally); `bytes` beyond the snap length are not written.
    pub fn write_packet(&mut self, ts: Timestamp, orig_len: u32, bytes: &[u8]) -> io::Result<()> {
        let secs = u32::try_from(ts.secs).map_err(|_| {
            invalid(format!(
                "timestamp {ts} does not fit a pcap record (0 ..= 2^32-1 s)"
            ))
        })?;
        let fraction = match self.resolution {
            TsResolution::Microseconds => ts.nanos / 1000,
            TsResolution::Nanoseconds => ts.nanos,
        };
        // A snap length of 0 is taken as "no limit", as in pcapng (§4.2).
        let limit = if self.snaplen == 0 {
            crate::MAX_FRAME_LEN
        } else {
            self.snaplen as usize
        };
        let caplen = bytes.len().min(limit).min(crate::MAX_FRAME_LEN);
        self.record.clear();
        self.record.extend_from_slice(&secs.to_le_bytes());
        self.record.extend_from_slice(&fraction.to_le_bytes());
        self.record
            .extend_from_slice(&(caplen as u32).to_le_bytes());
        self.record.extend_from_slice(&orig_len.to_le_bytes());
        self.record.extend_from_slice(&bytes[..caplen]);
        self.out.write_all(&self.record)
    }

    /// Writes a frame as read from another capture (its link type must be this file's).
    pub fn write_frame(&mut self, frame: &Frame<'_>) -> io::Result<()> {
        self.write_packet(frame.ts, frame.orig_len, frame.bytes)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Writes a pcapng file (draft-ietf-opsawg-pcapng): one section, interfaces added with
/// [`PcapNgWriter::add_interface`], packets as Enhanced Packet Blocks with an optional comment.
pub struct PcapNgWriter<W: Write> {
    out: W,
    /// Snap length of each interface added so far.
    snaplens: Vec<u32>,
    block: Vec<u8>,
}

/// Appends one option (§3.5): code, length, value padded to 32 bits.
fn push_option(block: &mut Vec<u8>, code: u16, value: &[u8]) {
    block.extend_from_slice(&code.to_le_bytes());
    block.extend_from_slice(&(value.len() as u16).to_le_bytes());
    block.extend_from_slice(value);
    block.resize(block.len() + (4 - value.len() % 4) % 4, 0);
}

/// Fills in the two length fields of a block assembled in `block` (type and a placeholder
/// length first, body after), appending the trailing length.
fn finish_block(block: &mut Vec<u8>) {
    let total = (block.len() + 4) as u32;
    block[4..8].copy_from_slice(&total.to_le_bytes());
    block.extend_from_slice(&total.to_le_bytes());
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the Section Header Block (§4.1).
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut block = Vec::with_capacity(64);
        block.extend_from_slice(&SHB_TYPE.to_le_bytes());
        block.extend_from_slice(&0u32.to_le_bytes()); // total length, filled in below
        block.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        block.extend_from_slice(&1u16.to_le_bytes()); // major version
        block.extend_from_slice(&0u16.to_le_bytes()); // minor version
        block.extend_from_slice(&(-1i64).to_le_bytes()); // section length: not known
        push_option(&mut block, 4, b"wirelab"); // shb_userappl
        push_option(&mut block, OPT_ENDOFOPT, &[]);
        finish_block(&mut block);
        out.write_all(&block)?;
        Ok(PcapNgWriter {
            out,
            snaplens: Vec::new(),
            block,
        })
    }

    /// Describes one more interface (§4.2) and returns its number, for
    /// [`PcapNgWriter::write_packet`]. Timestamps are written in nanoseconds (`if_tsresol` 9).
    pub fn add_interface(&mut self, link: LinkType, snaplen: u32) -> io::Result<u32> {
        let link16 = u16::try_from(link.0).map_err(|_| {
            invalid(format!(
                "link type {} does not fit pcapng's 16 bits",
                link.0
            ))
        })?;
        let block = &mut self.block;
        block.clear();
        block.extend_from_slice(&IDB_TYPE.to_le_bytes());
        block.extend_from_slice(&0u32.to_le_bytes());
        block.extend_from_slice(&link16.to_le_bytes());
        block.extend_from_slice(&0u16.to_le_bytes()); // reserved
        block.extend_from_slice(&snaplen.to_le_bytes());
        push_option(block, IF_TSRESOL, &[9]);
        push_option(block, OPT_ENDOFOPT, &[]);
        finish_block(block);
        self.out.write_all(block)?;
        self.snaplens.push(snaplen);
        Ok(self.snaplens.len() as u32 - 1)
    }

    /// Writes one Enhanced Packet Block (§4.3), with `comment` as its `opt_comment`.
    /// Bytes beyond the interface's snap length (when not 0) are not written.
    pub fn write_packet(
        &mut self,
        interface: u32,
        ts: Timestamp,
        orig_len: u32,
        bytes: &[u8],
        comment: Option<&str>,
    ) -> io::Result<()> {
        let Some(&snaplen) = self.snaplens.get(interface as usize) else {
            return Err(invalid(format!(
                "interface {interface} has not been added (there are {})",
                self.snaplens.len()
            )));
        };
        let ticks = u64::try_from(ts.as_nanos())
            .map_err(|_| invalid(format!("timestamp {ts} is before 1970 or too far ahead")))?;
        let limit = if snaplen == 0 {
            crate::MAX_FRAME_LEN
        } else {
            snaplen as usize
        };
        let caplen = bytes.len().min(limit).min(crate::MAX_FRAME_LEN);
        let block = &mut self.block;
        block.clear();
        block.extend_from_slice(&EPB_TYPE.to_le_bytes());
        block.extend_from_slice(&0u32.to_le_bytes());
        block.extend_from_slice(&interface.to_le_bytes());
        block.extend_from_slice(&((ticks >> 32) as u32).to_le_bytes());
        block.extend_from_slice(&(ticks as u32).to_le_bytes());
        block.extend_from_slice(&(caplen as u32).to_le_bytes());
        block.extend_from_slice(&orig_len.to_le_bytes());
        block.extend_from_slice(&bytes[..caplen]);
        block.resize(block.len() + (4 - caplen % 4) % 4, 0);
        if let Some(comment) = comment {
            if comment.len() > u16::MAX as usize {
                return Err(invalid(format!(
                    "a packet comment can have at most 65535 bytes, this one has {}",
                    comment.len()
                )));
            }
            push_option(block, OPT_COMMENT, comment.as_bytes());
            push_option(block, OPT_ENDOFOPT, &[]);
        }
        finish_block(block);
        self.out.write_all(block)
    }

    /// Writes a frame as read from another capture, on its interface number.
    pub fn write_frame(&mut self, frame: &Frame<'_>, comment: Option<&str>) -> io::Result<()> {
        self.write_packet(
            frame.interface,
            frame.ts,
            frame.orig_len,
            frame.bytes,
            comment,
        )
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}
