//! Reassembly of one direction of a TCP connection: the bytes in sequence order, each once.
//!
//! ```text
//!   sender's sequence space (RFC 9293 §3.4)
//!
//!        delivered           next_seq        buffered out of order
//!   ─────────────────────────────┼──────────[ fragment ]────[ fragment ]───▶
//!    (the last RECENT_LIMIT bytes │   ◀─ gap ─▶
//!     are kept, to compare        │   filled by a later segment, or declared missing
//!     retransmissions with)       │   when the receiver acknowledges past it
//! ```
//!
//! A segment that starts at `next_seq` is delivered at once, and then any buffered fragment
//! it made fit. A segment that starts later waits in `fragments`. Bytes before `next_seq`
//! were delivered already: a retransmission. They are compared with what was delivered, and a
//! difference is reported (an *overlap conflict*: two versions of the same bytes, of which a
//! receiver keeps only one — the classic way to hide data from an intrusion detector,
//! RFC 9293 §3.10.7.4 says a receiver trims segments to the window and keeps what it has).
//!
//! The rules, down to which bytes win, are Wireshark's "Follow TCP Stream"
//! (`follow_tcp_tap_listener` and `check_follow_fragments` in `packet-tcp.c`), so that
//! `wirelab follow --raw` prints what `tshark -z follow,tcp,raw` prints: the first version of
//! a byte to arrive in order wins, and a gap is declared only when the other side acknowledges
//! bytes that never appeared ("[N bytes missing in capture file]").
//!
//! Memory: at most `buffer_limit` out-of-order bytes wait per direction. A fragment that
//! would pass the limit makes the reassembler give up on the gap before the lowest fragment:
//! it is declared missing ([`GapCause::BufferFull`]) and the fragments are delivered.

use crate::seq::flow::{seq_after, seq_before};
use std::collections::VecDeque;

/// How many delivered bytes are kept to compare retransmissions with.
pub const RECENT_LIMIT: usize = 64 * 1024;

/// Why bytes of the stream are missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapCause {
    /// The receiver acknowledged bytes the capture never saw (dropped by the capturing host,
    /// or sent before the capture began). tshark shows these.
    NotCaptured,
    /// The snap length cut the segment: it was sent whole, only its start was saved.
    /// tshark skips these bytes silently.
    CutBySnaplen,
    /// More out-of-order bytes waited than the buffer limit allows: the bytes before them
    /// were given up on.
    BufferFull,
}

/// What the reassembler hands on, in stream order.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery<'a> {
    /// Bytes that come next in the stream. `frame` is where they were captured; `frame_offset`
    /// is where they start in the current frame's bytes, when they come from it (not from a
    /// fragment buffered earlier).
    Data {
        frame: u64,
        bytes: &'a [u8],
        frame_offset: Option<usize>,
    },
    /// `len` bytes of the stream that will never be seen.
    Missing { len: u32, cause: GapCause },
    /// Bytes that arrived again, compared with the copy delivered (which stays).
    Overlap(Overlap),
}

/// Bytes that arrived twice. `conflict` counts those whose two versions differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overlap {
    /// The sequence number (relative) of the first byte that arrived again.
    pub seq: u32,
    /// How many bytes arrived again and could be compared with the first version.
    pub compared: u32,
    /// How many of them differ from the first version.
    pub conflict: u32,
    /// The frame the second version came from.
    pub frame: u64,
}

/// What the reassembler saw in one segment (and in the fragments it released).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SegmentReport {
    /// Bytes of this segment that were delivered already (a retransmission), in whole or part.
    pub retransmitted: u32,
    /// Overlaps whose bytes could be compared (this segment, or fragments it released).
    pub overlaps: Vec<Overlap>,
    /// The segment came before bytes not yet seen and waits in the buffer.
    pub buffered: bool,
    /// Bytes declared missing while this segment was handled.
    pub missing: u32,
    /// Of those, the bytes given up on because the out-of-order buffer was full.
    pub gave_up: u32,
}

/// A segment that arrived before the bytes in front of it.
#[derive(Debug)]
struct Fragment {
    seq: u32,
    frame: u64,
    bytes: Vec<u8>,
}

/// One direction of a connection.
#[derive(Debug)]
pub struct Direction {
    /// The sequence number (relative) of the next byte to deliver.
    next_seq: u32,
    /// Bytes delivered so far (gaps not counted).
    delivered: u64,
    /// Out-of-order segments, in order of arrival (as Wireshark keeps them: the first to
    /// arrive wins when two overlap).
    fragments: Vec<Fragment>,
    buffered_bytes: usize,
    buffer_limit: usize,
    /// The last delivered bytes, ending at `next_seq`; emptied by a gap.
    recent: VecDeque<u8>,
}

/// One segment as the reassembler needs it.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    pub frame: u64,
    /// Relative sequence number of the first byte (`tcp.seq`).
    pub seq: u32,
    pub syn: bool,
    /// The length the segment was sent with (`tcp.len`).
    pub len: u32,
    /// The bytes captured: `len` of them, unless the snap length cut the frame.
    pub payload: &'a [u8],
    pub payload_offset: usize,
}

impl Direction {
    pub fn new(buffer_limit: usize) -> Direction {
        Direction {
            next_seq: 0,
            delivered: 0,
            fragments: Vec::new(),
            buffered_bytes: 0,
            buffer_limit,
            recent: VecDeque::new(),
        }
    }

    /// The relative sequence number of the next byte expected.
    pub fn next_seq(&self) -> u32 {
        self.next_seq
    }

    /// Out-of-order bytes waiting.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered_bytes
    }

    /// Forget the buffers (the connection closed): the position in sequence space stays, so
    /// that a late retransmission is still recognised as one.
    pub fn release(&mut self) {
        self.fragments = Vec::new();
        self.buffered_bytes = 0;
        self.recent = VecDeque::new();
    }

    /// Take one segment of this direction. `deliver` receives, in order, what comes next in
    /// the stream.
    pub fn segment(
        &mut self,
        segment: &Segment<'_>,
        report: &mut SegmentReport,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) {
        // A SYN occupies one sequence number before the data (RFC 9293 §3.4).
        let mut seq = segment.seq.wrapping_add(segment.syn as u32);
        let mut length = segment.len;
        let mut data = segment.payload;
        let mut offset = segment.payload_offset;

        // The first segment fixes where the stream starts. As in Wireshark, "nothing
        // delivered and next_seq still 0" is what "not started" means.
        if self.delivered == 0 && self.next_seq == 0 {
            self.next_seq = seq;
        }

        if seq_before(seq, self.next_seq) {
            // Starts in bytes already delivered: compare that part, keep what is new.
            let end = seq.wrapping_add(length);
            let old = if seq_after(end, self.next_seq) {
                self.next_seq.wrapping_sub(seq)
            } else {
                length
            };
            let old_captured = data.len().min(old as usize);
            report.retransmitted = old;
            self.compare(seq, &data[..old_captured], segment.frame, report, deliver);
            if seq_after(end, self.next_seq) {
                data = &data[old_captured..];
                offset += old_captured;
                seq = self.next_seq;
                length = end.wrapping_sub(self.next_seq);
            } else {
                return;
            }
        }
        if data.is_empty() {
            return;
        }

        if seq == self.next_seq {
            self.deliver(segment.frame, data, Some(offset), deliver);
            self.next_seq = self.next_seq.wrapping_add(data.len() as u32);
            if (data.len() as u32) < length {
                let cut = length - data.len() as u32;
                self.skip(cut, GapCause::CutBySnaplen, report, deliver);
            }
            while self.release_fragments(None, report, deliver) {}
        } else {
            report.buffered = true;
            // Give up on gaps, lowest first, until the new fragment fits (or none waits).
            while self.buffered_bytes + data.len() > self.buffer_limit && !self.fragments.is_empty()
            {
                self.give_up_on_gap(report, deliver);
            }
            self.buffered_bytes += data.len();
            self.fragments.push(Fragment {
                seq,
                frame: segment.frame,
                bytes: data.to_vec(),
            });
            while self.release_fragments(None, report, deliver) {}
        }
    }

    /// The other side acknowledged `ack` (relative to this direction): bytes before it that
    /// never appeared were lost to the capture, not to the receiver.
    pub fn acknowledged(
        &mut self,
        ack: u32,
        report: &mut SegmentReport,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) {
        while !self.fragments.is_empty() && self.release_fragments(Some(ack), report, deliver) {}
    }

    /// Deliver the first fragment that now fits (Wireshark's `check_follow_fragments`);
    /// with `ack`, declare the gap before the lowest fragment missing when the receiver
    /// acknowledged past it. Returns whether anything changed.
    fn release_fragments(
        &mut self,
        ack: Option<u32>,
        report: &mut SegmentReport,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) -> bool {
        let Some(first) = self.fragments.first() else {
            return false;
        };
        let mut lowest = first.seq;
        for index in 0..self.fragments.len() {
            let fragment_seq = self.fragments[index].seq;
            if seq_before(fragment_seq, lowest) {
                lowest = fragment_seq;
            }
            if seq_before(fragment_seq, self.next_seq) {
                let fragment = self.fragments.remove(index);
                self.buffered_bytes -= fragment.bytes.len();
                let end = fragment.seq.wrapping_add(fragment.bytes.len() as u32);
                let old = if seq_after(end, self.next_seq) {
                    self.next_seq.wrapping_sub(fragment.seq) as usize
                } else {
                    fragment.bytes.len()
                };
                self.compare(
                    fragment.seq,
                    &fragment.bytes[..old],
                    fragment.frame,
                    report,
                    deliver,
                );
                if old < fragment.bytes.len() {
                    let new = &fragment.bytes[old..];
                    self.deliver(fragment.frame, new, None, deliver);
                    self.next_seq = self.next_seq.wrapping_add(new.len() as u32);
                }
                return true;
            }
            if fragment_seq == self.next_seq {
                let fragment = self.fragments.remove(index);
                self.buffered_bytes -= fragment.bytes.len();
                self.deliver(fragment.frame, &fragment.bytes, None, deliver);
                self.next_seq = self.next_seq.wrapping_add(fragment.bytes.len() as u32);
                return true;
            }
        }
        match ack {
            Some(ack) if seq_after(ack, lowest) => {
                let len = lowest.wrapping_sub(self.next_seq);
                self.skip(len, GapCause::NotCaptured, report, deliver);
                true
            }
            _ => false,
        }
    }

    /// Past the buffer limit: declare the bytes before the lowest fragment missing.
    fn give_up_on_gap(
        &mut self,
        report: &mut SegmentReport,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) {
        let Some(lowest) =
            self.fragments
                .iter()
                .map(|f| f.seq)
                .reduce(|a, b| if seq_before(b, a) { b } else { a })
        else {
            return;
        };
        let len = lowest.wrapping_sub(self.next_seq);
        self.skip(len, GapCause::BufferFull, report, deliver);
        while self.release_fragments(None, report, deliver) {}
    }

    fn skip(
        &mut self,
        len: u32,
        cause: GapCause,
        report: &mut SegmentReport,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) {
        self.next_seq = self.next_seq.wrapping_add(len);
        self.recent.clear();
        report.missing = report.missing.saturating_add(len);
        if cause == GapCause::BufferFull {
            report.gave_up = report.gave_up.saturating_add(len);
        }
        deliver(Delivery::Missing { len, cause });
    }

    fn deliver(
        &mut self,
        frame: u64,
        bytes: &[u8],
        frame_offset: Option<usize>,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) {
        self.delivered += bytes.len() as u64;
        if bytes.len() >= RECENT_LIMIT {
            self.recent.clear();
            self.recent.extend(&bytes[bytes.len() - RECENT_LIMIT..]);
        } else {
            let excess = (self.recent.len() + bytes.len()).saturating_sub(RECENT_LIMIT);
            self.recent.drain(..excess);
            self.recent.extend(bytes);
        }
        deliver(Delivery::Data {
            frame,
            bytes,
            frame_offset,
        });
    }

    /// Compare bytes that arrived again, starting at `seq`, with the delivered bytes still
    /// kept; report the overlap if any byte could be compared.
    fn compare(
        &self,
        seq: u32,
        again: &[u8],
        frame: u64,
        report: &mut SegmentReport,
        deliver: &mut dyn FnMut(Delivery<'_>),
    ) {
        // `recent` ends at next_seq: its first byte has sequence number next_seq - len.
        let recent_start = self.next_seq.wrapping_sub(self.recent.len() as u32);
        let mut compared = 0u32;
        let mut conflict = 0u32;
        let mut first = None;
        for (i, &byte) in again.iter().enumerate() {
            let at = seq.wrapping_add(i as u32).wrapping_sub(recent_start) as usize;
            if let Some(&kept) = self.recent.get(at) {
                first.get_or_insert(seq.wrapping_add(i as u32));
                compared += 1;
                conflict += (kept != byte) as u32;
            }
        }
        if let Some(seq) = first {
            let overlap = Overlap {
                seq,
                compared,
                conflict,
                frame,
            };
            report.overlaps.push(overlap);
            deliver(Delivery::Overlap(overlap));
        }
    }
}
