//! TCP segments (RFC 9293 §3.1) and their options.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |
//! |                        Sequence Number                        |
//! |                    Acknowledgment Number                      |
//! |  Data |       |C|E|U|A|P|R|S|F|                               |
//! | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
//! |       |       |R|E|G|K|H|T|N|N|                               |
//! |           Checksum            |         Urgent Pointer        |
//! |                           [Options]                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! [`TcpRepr`] is the header only; the payload travels beside it. The control flags are an
//! enum, not a bit field, so that a segment that is both SYN and FIN cannot be written down:
//! such segments are rejected by `parse`. The urgent pointer is not supported (RFC 6093
//! advises new applications not to use it) and is ignored on input.

use super::{checksum, pseudo_header_sum, Error, IpProtocol};
use std::cmp::Ordering;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::ops::{Add, AddAssign};

/// A sequence number: arithmetic modulo 2^32 (RFC 9293 §3.4). `a < b` means "b is ahead of a
/// by less than 2^31", which is how every comparison in the RFC is meant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SeqNumber(pub u32);

impl SeqNumber {
    /// How far `self` is ahead of `earlier` (wrapping); negative when it is behind.
    pub fn offset_from(self, earlier: SeqNumber) -> i64 {
        i64::from(self.0.wrapping_sub(earlier.0) as i32)
    }

    /// `self - earlier` as a length, zero when `earlier` is ahead.
    pub fn len_since(self, earlier: SeqNumber) -> usize {
        self.offset_from(earlier).max(0) as usize
    }

    pub fn max(self, other: SeqNumber) -> SeqNumber {
        if self >= other {
            self
        } else {
            other
        }
    }

    pub fn min(self, other: SeqNumber) -> SeqNumber {
        if self <= other {
            self
        } else {
            other
        }
    }
}

impl PartialOrd for SeqNumber {
    fn partial_cmp(&self, other: &SeqNumber) -> Option<Ordering> {
        Some((self.0.wrapping_sub(other.0) as i32).cmp(&0))
    }
}

impl Add<usize> for SeqNumber {
    type Output = SeqNumber;
    fn add(self, n: usize) -> SeqNumber {
        SeqNumber(self.0.wrapping_add(n as u32))
    }
}

impl AddAssign<usize> for SeqNumber {
    fn add_assign(&mut self, n: usize) {
        *self = *self + n;
    }
}

impl fmt::Display for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The control flags that change the connection's state. PSH and ACK are separate fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Control {
    #[default]
    None,
    Syn,
    Fin,
    Rst,
}

/// Byte offsets of the fixed header's fields, as in the diagram above.
mod field {
    use std::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const SEQ_NUM: Range<usize> = 4..8;
    pub const ACK_NUM: Range<usize> = 8..12;
    /// Data Offset in the high four bits; the low four are reserved.
    pub const DATA_OFFSET: usize = 12;
    pub const FLAGS: usize = 13;
    pub const WINDOW: Range<usize> = 14..16;
    pub const CHECKSUM: Range<usize> = 16..18;
}

/// The flag bits of byte 13 (CWR, ECE and URG are neither sent nor read).
mod flag {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// Option kinds (IANA "TCP Option Kind Numbers").
mod kind {
    pub const END: u8 = 0;
    pub const NOP: u8 = 1;
    pub const MSS: u8 = 2;
    pub const WINDOW_SCALE: u8 = 3;
    pub const SACK_PERMITTED: u8 = 4;
    pub const SACK: u8 = 5;
    pub const TIMESTAMPS: u8 = 8;
}

/// The most SACK blocks that fit in 40 bytes of options beside timestamps (RFC 2018 §3).
pub const MAX_SACK_BLOCKS: usize = 3;

/// The options wirelab understands; unknown options are skipped on input (RFC 9293 §3.1:
/// "a TCP implementation MUST ignore without error any TCP option it does not implement").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpOptions {
    /// Maximum segment size the sender can receive (RFC 9293 §3.7.1), SYN only.
    pub mss: Option<u16>,
    /// Shift count for the sender's windows (RFC 7323 §2), SYN only.
    pub window_scale: Option<u8>,
    /// The sender can receive SACK blocks (RFC 2018 §2), SYN only.
    pub sack_permitted: bool,
    /// Blocks of data received beyond the cumulative ACK, most recent first (RFC 2018 §4).
    pub sack_blocks: [Option<(SeqNumber, SeqNumber)>; MAX_SACK_BLOCKS],
    /// TSval and TSecr (RFC 7323 §3).
    pub timestamps: Option<(u32, u32)>,
}

impl TcpOptions {
    /// No options.
    pub const NONE: TcpOptions = TcpOptions {
        mss: None,
        window_scale: None,
        sack_permitted: false,
        sack_blocks: [None; MAX_SACK_BLOCKS],
        timestamps: None,
    };

    /// Reads the options into `options` (which starts empty): in place, so that the
    /// segment's parse does not copy the struct once more.
    fn parse_into(
        bytes: &[u8],
        header_offset: usize,
        options: &mut TcpOptions,
    ) -> Result<(), Error> {
        let mut at = 0;
        let mut sack_count = 0;
        while let Some(&kind) = bytes.get(at) {
            match kind {
                kind::END => break,
                kind::NOP => {
                    at += 1;
                    continue;
                }
                _ => {}
            }
            let len = usize::from(*bytes.get(at + 1).unwrap_or(&0));
            let Some(body) = bytes.get(at + 2..at + len.max(2)).filter(|_| len >= 2) else {
                return Err(Error::new(
                    "tcp",
                    header_offset + at,
                    format!(
                        "expected option {kind} to fit in the {} bytes of options left, found length {len}",
                        bytes.len() - at
                    ),
                ));
            };
            let bad_len = |want: &str| {
                Error::new(
                    "tcp",
                    header_offset + at + 1,
                    format!("expected option {kind} of length {want}, found {len}"),
                )
            };
            let u16_at = |i: usize| u16::from_be_bytes([body[i], body[i + 1]]);
            let u32_at =
                |i: usize| u32::from_be_bytes([body[i], body[i + 1], body[i + 2], body[i + 3]]);
            match kind {
                kind::MSS if len == 4 => options.mss = Some(u16_at(0)),
                kind::MSS => return Err(bad_len("4")),
                kind::WINDOW_SCALE if len == 3 => options.window_scale = Some(body[0]),
                kind::WINDOW_SCALE => return Err(bad_len("3")),
                kind::SACK_PERMITTED if len == 2 => options.sack_permitted = true,
                kind::SACK_PERMITTED => return Err(bad_len("2")),
                kind::TIMESTAMPS if len == 10 => options.timestamps = Some((u32_at(0), u32_at(4))),
                kind::TIMESTAMPS => return Err(bad_len("10")),
                kind::SACK if len >= 10 && (len - 2).is_multiple_of(8) => {
                    for block in body.chunks_exact(8) {
                        let left = u32::from_be_bytes([block[0], block[1], block[2], block[3]]);
                        let right = u32::from_be_bytes([block[4], block[5], block[6], block[7]]);
                        if let Some(slot) = options.sack_blocks.get_mut(sack_count) {
                            *slot = Some((SeqNumber(left), SeqNumber(right)));
                            sack_count += 1;
                        }
                    }
                }
                kind::SACK => return Err(bad_len("2 + 8n")),
                _ => {} // unknown: skipped
            }
            at += len;
        }
        Ok(())
    }

    /// Parses an options block as if it followed a 20-byte header (for tests).
    #[cfg(test)]
    pub(crate) fn parse_for_test(bytes: &[u8]) -> Result<TcpOptions, Error> {
        let mut options = TcpOptions::NONE;
        TcpOptions::parse_into(bytes, HEADER_LEN, &mut options)?;
        Ok(options)
    }

    /// Appends the options, padded with NOPs to a multiple of 4 bytes. Callers keep them
    /// within 40 bytes: at most [`MAX_SACK_BLOCKS`] blocks.
    fn emit(&self, out: &mut Vec<u8>) {
        let start = out.len();
        if let Some(mss) = self.mss {
            out.extend_from_slice(&[kind::MSS, 4]);
            out.extend_from_slice(&mss.to_be_bytes());
        }
        if self.sack_permitted {
            out.extend_from_slice(&[kind::NOP, kind::NOP, kind::SACK_PERMITTED, 2]);
        }
        if let Some((value, echo)) = self.timestamps {
            // On every segment once negotiated (RFC 7323 §3.2): written in one piece.
            let [v0, v1, v2, v3] = value.to_be_bytes();
            let [e0, e1, e2, e3] = echo.to_be_bytes();
            out.extend_from_slice(&[
                kind::NOP,
                kind::NOP,
                kind::TIMESTAMPS,
                10,
                v0,
                v1,
                v2,
                v3,
                e0,
                e1,
                e2,
                e3,
            ]);
        }
        if let Some(shift) = self.window_scale {
            out.extend_from_slice(&[kind::NOP, kind::WINDOW_SCALE, 3, shift]);
        }
        let blocks = self.sack_blocks.iter().flatten().count();
        if blocks > 0 {
            out.extend_from_slice(&[kind::NOP, kind::NOP, kind::SACK, 2 + 8 * blocks as u8]);
            for (left, right) in self.sack_blocks.iter().flatten() {
                out.extend_from_slice(&left.0.to_be_bytes());
                out.extend_from_slice(&right.0.to_be_bytes());
            }
        }
        while !(out.len() - start).is_multiple_of(4) {
            out.push(kind::NOP);
        }
    }

    /// What `emit` writes, counted without writing it (this runs for every segment sent):
    /// each option with its NOPs takes a multiple of four bytes.
    fn emitted_len(&self) -> usize {
        let blocks = self.sack_blocks.iter().flatten().count();
        let sack = if blocks > 0 { 4 + 8 * blocks } else { 0 };
        usize::from(self.mss.is_some()) * 4
            + usize::from(self.sack_permitted) * 4
            + usize::from(self.timestamps.is_some()) * 12
            + usize::from(self.window_scale.is_some()) * 4
            + sack
    }
}

impl fmt::Display for TcpOptions {
    /// As tcpdump: `<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>` without the nops.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(mss) = self.mss {
            parts.push(format!("mss {mss}"));
        }
        if self.sack_permitted {
            parts.push("sackOK".into());
        }
        if let Some((value, echo)) = self.timestamps {
            parts.push(format!("TS val {value} ecr {echo}"));
        }
        if let Some(shift) = self.window_scale {
            parts.push(format!("wscale {shift}"));
        }
        let blocks: Vec<String> = self
            .sack_blocks
            .iter()
            .flatten()
            .map(|(l, r)| format!("{{{l}:{r}}}"))
            .collect();
        if !blocks.is_empty() {
            parts.push(format!("sack {} {}", blocks.len(), blocks.join("")));
        }
        if parts.is_empty() {
            Ok(())
        } else {
            write!(f, " <{}>", parts.join(","))
        }
    }
}

/// What a TCP header says (the payload is carried beside it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpRepr {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: SeqNumber,
    /// The acknowledgment number, present when the ACK flag is set.
    pub ack: Option<SeqNumber>,
    pub control: Control,
    pub psh: bool,
    /// The window field as sent, before window scaling.
    pub window: u16,
    pub options: TcpOptions,
}

pub const HEADER_LEN: usize = 20;
/// The longest header: Data Offset 15 (60 bytes), 40 of them options.
pub const MAX_HEADER_LEN: usize = 60;

impl TcpRepr {
    /// The sequence space the segment occupies: payload plus one for SYN and one for FIN
    /// (SEG.LEN, RFC 9293 §3.4).
    pub fn segment_len(&self, payload_len: usize) -> usize {
        payload_len + usize::from(matches!(self.control, Control::Syn | Control::Fin))
    }

    /// Parses a segment sent from `src` to `dst`, checking its checksum over the
    /// pseudo-header, and returns the payload.
    pub fn parse(bytes: &[u8], src: Ipv4Addr, dst: Ipv4Addr) -> Result<(TcpRepr, &[u8]), Error> {
        let Some(fixed) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(Error::truncated("tcp", HEADER_LEN, bytes.len()));
        };
        // The fixed header, named as in the diagram at the top of this file.
        let [sp0, sp1, dp0, dp1, sq0, sq1, sq2, sq3, ak0, ak1, ak2, ak3, offset, flags, wn0, wn1, ck0, ck1, _, _] =
            *fixed;
        // Data Offset counts 32-bit words.
        let header_len = usize::from(offset >> 4) * 4;
        if header_len < HEADER_LEN {
            return Err(Error::new(
                "tcp",
                field::DATA_OFFSET,
                format!(
                    "expected a data offset of at least 5 words (20 bytes), found {}",
                    offset >> 4
                ),
            ));
        }
        let (Some(options), Some(payload)) =
            (bytes.get(HEADER_LEN..header_len), bytes.get(header_len..))
        else {
            return Err(Error::new(
                "tcp",
                field::DATA_OFFSET,
                format!(
                    "expected the {header_len}-byte header its data offset declares, found {} bytes",
                    bytes.len()
                ),
            ));
        };
        let sum = pseudo_header_sum(src, dst, IpProtocol::TCP.0, bytes.len());
        if checksum(sum, bytes) != 0 {
            return Err(Error::new(
                "tcp",
                field::CHECKSUM.start,
                format!(
                    "expected a valid checksum, found 0x{:04x}",
                    u16::from_be_bytes([ck0, ck1])
                ),
            ));
        }
        let (syn, fin, rst) = (
            flags & flag::SYN != 0,
            flags & flag::FIN != 0,
            flags & flag::RST != 0,
        );
        let control = match (syn, fin, rst) {
            (false, false, false) => Control::None,
            (true, false, false) => Control::Syn,
            (false, true, false) => Control::Fin,
            (false, false, true) => Control::Rst,
            (syn, fin, rst) => {
                return Err(Error::new(
                    "tcp",
                    field::FLAGS,
                    format!(
                    "expected at most one of SYN, FIN, RST, found SYN={syn} FIN={fin} RST={rst}"
                ),
                ))
            }
        };
        let mut repr = TcpRepr {
            src_port: u16::from_be_bytes([sp0, sp1]),
            dst_port: u16::from_be_bytes([dp0, dp1]),
            seq: SeqNumber(u32::from_be_bytes([sq0, sq1, sq2, sq3])),
            ack: (flags & flag::ACK != 0)
                .then(|| SeqNumber(u32::from_be_bytes([ak0, ak1, ak2, ak3]))),
            control,
            psh: flags & flag::PSH != 0,
            window: u16::from_be_bytes([wn0, wn1]),
            options: TcpOptions::NONE,
        };
        TcpOptions::parse_into(options, HEADER_LEN, &mut repr.options)?;
        Ok((repr, payload))
    }

    /// The header length with options, as `emit` writes it.
    pub fn header_len(&self) -> usize {
        HEADER_LEN + self.options.emitted_len()
    }

    /// Appends header and payload with the checksum for `src` -> `dst`.
    pub fn emit(&self, src: Ipv4Addr, dst: Ipv4Addr, payload: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        self.emit_header(out);
        out.extend_from_slice(payload);
        if let Some(segment) = out.get_mut(start..) {
            TcpRepr::fill_checksum(segment, src, dst);
        }
    }

    /// Appends the header with its options and a zero checksum field. The checksum covers
    /// the payload too: append the payload, then call [`TcpRepr::fill_checksum`]. (The
    /// interface appends the payload straight from the connection's send buffer.)
    #[inline]
    pub fn emit_header(&self, out: &mut Vec<u8>) {
        // At most 40 bytes of options fit (Data Offset is at most 15 words).
        let options_len = self.options.emitted_len().min(MAX_HEADER_LEN - HEADER_LEN);
        let mut flags = 0;
        match self.control {
            Control::None => {}
            Control::Syn => flags |= flag::SYN,
            Control::Fin => flags |= flag::FIN,
            Control::Rst => flags |= flag::RST,
        }
        if self.psh {
            flags |= flag::PSH;
        }
        if self.ack.is_some() {
            flags |= flag::ACK;
        }
        // Straight into the frame, field by field as in the diagram above.
        let start = out.len();
        out.resize(start + HEADER_LEN, 0);
        if let Some(fixed) = out
            .get_mut(start..)
            .and_then(|header| header.first_chunk_mut::<HEADER_LEN>())
        {
            fixed[field::SRC_PORT].copy_from_slice(&self.src_port.to_be_bytes());
            fixed[field::DST_PORT].copy_from_slice(&self.dst_port.to_be_bytes());
            fixed[field::SEQ_NUM].copy_from_slice(&self.seq.0.to_be_bytes());
            // "If the ACK control bit is set", else zero.
            fixed[field::ACK_NUM].copy_from_slice(&self.ack.map_or(0, |a| a.0).to_be_bytes());
            fixed[field::DATA_OFFSET] = (((HEADER_LEN + options_len) / 4) as u8) << 4;
            fixed[field::FLAGS] = flags;
            fixed[field::WINDOW].copy_from_slice(&self.window.to_be_bytes());
            // Bytes 16 to 19 stay zero: the checksum, computed over the segment with its
            // field zero (RFC 9293 §3.1), and the urgent pointer, unused.
        }
        self.options.emit(out);
        out.truncate(start + HEADER_LEN + options_len);
    }

    /// Computes the checksum of a segment whose checksum field is zero (as `emit_header`
    /// leaves it) over the pseudo-header for `src` -> `dst`, and stores it in that field.
    #[inline]
    pub fn fill_checksum(segment: &mut [u8], src: Ipv4Addr, dst: Ipv4Addr) {
        let sum = pseudo_header_sum(src, dst, IpProtocol::TCP.0, segment.len());
        let value = checksum(sum, segment);
        if let Some(field) = segment.get_mut(field::CHECKSUM) {
            field.copy_from_slice(&value.to_be_bytes());
        }
    }

    /// tcpdump's flag letters: `S`, `F`, `R`, `P`, and `.` for ACK.
    pub fn flags_text(&self) -> String {
        let mut s = String::new();
        match self.control {
            Control::Syn => s.push('S'),
            Control::Fin => s.push('F'),
            Control::Rst => s.push('R'),
            Control::None => {}
        }
        if self.psh {
            s.push('P');
        }
        if self.ack.is_some() {
            s.push('.');
        }
        s
    }
}

/// A segment as a one-line summary, like tcpdump:
/// `10.0.0.1:5000 > 10.0.0.2:80 [S] seq 100 win 64240 <mss 1460>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpSummary {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub repr: TcpRepr,
    pub payload_len: usize,
}

impl fmt::Display for TcpSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.repr;
        write!(
            f,
            "{} > {} [{}] seq {}",
            self.src,
            self.dst,
            r.flags_text(),
            r.seq
        )?;
        if self.payload_len > 0 {
            write!(f, ":{}", r.seq + self.payload_len)?;
        }
        if let Some(ack) = r.ack {
            write!(f, " ack {ack}")?;
        }
        write!(f, " win {}{}", r.window, r.options)?;
        if self.payload_len > 0 {
            write!(f, " length {}", self.payload_len)?;
        }
        Ok(())
    }
}
