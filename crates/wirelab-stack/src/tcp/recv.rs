//! The receive sequence space (RFC 9293 §3.3.1), the segment acceptability test, the receive
//! buffer and the queue of segments that arrived out of order.
//!
//! ```text
//!                        1          2          3
//!                    ----------|----------|----------
//!                           RCV.NXT    RCV.NXT
//!                                     +RCV.WND
//!
//!         1 - old sequence numbers that have been acknowledged
//!         2 - sequence numbers allowed for new reception
//!         3 - future sequence numbers that are not yet allowed
//! ```

use crate::wire::tcp::MAX_SACK_BLOCKS;
use crate::wire::SeqNumber;
use std::collections::VecDeque;

#[derive(Debug)]
pub struct RecvSequence {
    /// Initial receive sequence number: the peer's SYN (IRS).
    pub irs: SeqNumber,
    /// Next sequence number expected (RCV.NXT).
    pub nxt: SeqNumber,
    /// RCV.NXT + RCV.WND as last advertised: the right edge is never moved left
    /// (RFC 9293 §3.8.6: "the window SHOULD NOT be shrunk").
    pub right_edge: SeqNumber,
    /// The receive buffer: first the in-order bytes the application has not read yet
    /// (`unread` of them, up to RCV.NXT), then, when segments arrived beyond a gap, the
    /// window up to the last of them, each written at its place. When the gap fills, the
    /// held bytes are already where they belong: they become readable without a copy.
    buffer: VecDeque<u8>,
    /// In-order bytes at the front of `buffer`.
    unread: usize,
    capacity: usize,
    /// Where data beyond RCV.NXT sits in `buffer`: disjoint ranges `[start, end)`, sorted
    /// by sequence number, none touching another.
    out_of_order: Vec<(SeqNumber, SeqNumber)>,
    /// Where the peer's FIN sits, once seen (it may arrive before the data in front of it).
    pub fin_at: Option<SeqNumber>,
    /// Start of the segment that arrived last out of order: its block is reported first
    /// (RFC 2018 §4).
    last_out_of_order: Option<SeqNumber>,
}

/// What [`RecvSequence::accept`] did with a segment's data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accepted {
    /// Bytes appended to the in-order buffer.
    pub delivered: usize,
    /// The segment was held beyond a gap.
    pub out_of_order: bool,
    /// The segment filled (part of) a gap: queued data became in order.
    pub filled_gap: bool,
}

impl RecvSequence {
    pub fn new(capacity: usize) -> RecvSequence {
        RecvSequence {
            irs: SeqNumber(0),
            nxt: SeqNumber(0),
            right_edge: SeqNumber(0),
            buffer: VecDeque::new(),
            unread: 0,
            capacity,
            out_of_order: Vec::new(),
            fin_at: None,
            last_out_of_order: None,
        }
    }

    /// Starts the sequence space at the peer's SYN.
    pub fn synchronize(&mut self, irs: SeqNumber) {
        self.irs = irs;
        self.nxt = irs + 1;
        self.right_edge = self.nxt;
    }

    /// RCV.WND as last advertised.
    pub fn window(&self) -> usize {
        self.right_edge.len_since(self.nxt)
    }

    /// Free room in the buffer: what the window could be.
    pub fn free_space(&self) -> usize {
        self.capacity.saturating_sub(self.unread)
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn buffered(&self) -> usize {
        self.unread
    }

    /// RFC 9293 §3.10.7.4, first step: the acceptability test.
    ///
    /// ```text
    /// Segment Length  Receive Window  Test
    /// --------------  --------------  -------------------------------------------
    ///        0               0        SEG.SEQ = RCV.NXT
    ///        0              >0        RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
    ///       >0               0        not acceptable
    ///       >0              >0        RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
    ///                              or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
    /// ```
    pub fn acceptable(&self, seq: SeqNumber, seg_len: usize) -> bool {
        let wnd = self.window();
        let in_window = |s: SeqNumber| self.nxt <= s && s < self.nxt + wnd;
        match (seg_len, wnd) {
            (0, 0) => seq == self.nxt,
            (0, _) => in_window(seq),
            (_, 0) => false,
            (len, _) => in_window(seq) || in_window(seq + (len - 1)),
        }
    }

    /// Takes the data of an acceptable segment: trims what lies outside the window, appends
    /// what is in order, holds what lies beyond a gap (RFC 9293 §3.10.7.4: "segments with
    /// higher beginning sequence numbers SHOULD be held for later processing").
    pub fn accept(&mut self, seq: SeqNumber, payload: &[u8]) -> Accepted {
        let mut accepted = Accepted::default();
        // Trim the front (already received) and the back (beyond the window or buffer).
        let skip = self.nxt.len_since(seq).min(payload.len());
        let start = seq + skip;
        let room = self.window().min(self.free_space());
        let ahead = start.len_since(self.nxt);
        let keep = (payload.len() - skip).min(room.saturating_sub(ahead));
        let Some(data) = payload.get(skip..skip + keep).filter(|d| !d.is_empty()) else {
            return accepted;
        };
        // Its place in the buffer: after the unread bytes, as far as it is ahead of RCV.NXT.
        // It fits: `room` kept it within the window and the buffer's free space.
        self.write_at(self.unread + ahead, data);
        if start == self.nxt {
            let before = self.out_of_order.len();
            let end = self.advance_over_held(start + data.len());
            let delivered = end.len_since(self.nxt);
            self.nxt = end;
            self.unread += delivered;
            accepted.delivered = delivered;
            accepted.filled_gap = self.out_of_order.len() < before;
        } else {
            self.hold(start, start + data.len());
            self.last_out_of_order = Some(start);
            accepted.out_of_order = true;
        }
        accepted
    }

    /// Copies `data` into the buffer at `at` bytes from its front: over the bytes already
    /// there (a gap's placeholder, or the same data received twice), then after them.
    fn write_at(&mut self, at: usize, data: &[u8]) {
        if self.buffer.capacity() < self.capacity {
            // Full size with the first data (not before: a connection that never receives,
            // or a SYN flood's, costs no buffer), then no reallocation while data flows.
            self.buffer.reserve_exact(self.capacity - self.buffer.len());
        }
        if self.buffer.len() < at {
            self.buffer.resize(at, 0); // the gap before a segment held out of order
        }
        let inside = (self.buffer.len() - at).min(data.len());
        let (overwrite, append) = data.split_at(inside);
        if !overwrite.is_empty() {
            // The ring's two halves: slice copies (memcpy), not byte by byte.
            let (front, back) = self.buffer.as_mut_slices();
            let in_front = front.len();
            let end = at + overwrite.len();
            let front_part = at.min(in_front)..end.min(in_front);
            let (to_front, to_back) = overwrite.split_at(front_part.len());
            if let Some(slot) = front.get_mut(front_part) {
                slot.copy_from_slice(to_front);
            }
            let back_start = at.max(in_front) - in_front;
            if let Some(slot) = back.get_mut(back_start..back_start + to_back.len()) {
                slot.copy_from_slice(to_back);
            }
        }
        self.buffer.extend(append);
    }

    /// The held ranges that in-order data reaching `end` joins: they leave the queue, and
    /// the end of the in-order data moves past them. Returns the new end (RCV.NXT).
    fn advance_over_held(&mut self, mut end: SeqNumber) -> SeqNumber {
        let joined = self
            .out_of_order
            .iter()
            .take_while(|(start, _)| *start <= end)
            .count();
        for (_, held_end) in self.out_of_order.drain(..joined) {
            end = end.max(held_end);
        }
        end
    }

    /// Records that `[start, end)` is held, merging it with the ranges it overlaps or
    /// touches.
    fn hold(&mut self, mut start: SeqNumber, mut end: SeqNumber) {
        // Ranges entirely before it stay; so do ranges entirely after it.
        let first = self
            .out_of_order
            .iter()
            .position(|(_, e)| *e >= start)
            .unwrap_or(self.out_of_order.len());
        let after = self
            .out_of_order
            .iter()
            .position(|(s, _)| *s > end)
            .unwrap_or(self.out_of_order.len())
            .max(first);
        for (s, e) in self.out_of_order.drain(first..after) {
            start = start.min(s);
            end = end.max(e);
        }
        self.out_of_order.insert(first, (start, end));
    }

    /// Whether data is held beyond a gap.
    pub fn has_gap(&self) -> bool {
        !self.out_of_order.is_empty()
    }

    /// SACK blocks to report (RFC 2018 §4): the block holding the most recently received
    /// segment first, then the others from the left. (RFC 2018 asks that the others be the
    /// most recently reported ones; reporting the lowest gaps first is a simplification that
    /// still lets the sender see every hole over a few ACKs.)
    pub fn sack_blocks(&self) -> [Option<(SeqNumber, SeqNumber)>; MAX_SACK_BLOCKS] {
        let mut blocks = [None; MAX_SACK_BLOCKS];
        let ranges = self.out_of_order.iter().copied();
        let latest = self.last_out_of_order.and_then(|at| {
            self.out_of_order
                .iter()
                .copied()
                .find(|(s, e)| *s <= at && at < *e)
        });
        let ordered = latest
            .into_iter()
            .chain(ranges.filter(|r| Some(*r) != latest));
        for (slot, block) in blocks.iter_mut().zip(ordered) {
            *slot = Some(block);
        }
        blocks
    }

    /// Hands in-order data to the application.
    pub fn read(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.unread);
        // Slice copies (memcpy) of the ring buffer's two halves, not byte by byte: every
        // byte received passes here.
        let (front, back) = self.buffer.as_slices();
        let from_front = n.min(front.len());
        let from_back = n - from_front;
        if let (Some(dst), Some(src)) = (out.get_mut(..from_front), front.get(..from_front)) {
            dst.copy_from_slice(src);
        }
        if let (Some(dst), Some(src)) = (out.get_mut(from_front..n), back.get(..from_back)) {
            dst.copy_from_slice(src);
        }
        self.buffer.drain(..n);
        self.unread -= n;
        n
    }

    /// The window to advertise now, with receiver-side silly window syndrome avoidance
    /// (RFC 9293 §3.8.6.2.2): the right edge moves only when it can move by at least
    /// min(buffer / 2, MSS); it never moves left. `shift` is our window scale: the
    /// advertised edge is what the scaled field can express. Returns the field value.
    pub fn advertise(&mut self, mss: usize, shift: u8) -> u16 {
        let proposed = self.nxt + self.free_space();
        let threshold = (self.capacity / 2).min(mss).max(1);
        if proposed.len_since(self.right_edge) >= threshold || self.right_edge < self.nxt {
            let window = proposed.len_since(self.nxt);
            let field = (window >> shift).min(usize::from(u16::MAX));
            self.right_edge = self.nxt + (field << shift);
        }
        let field = self.window() >> shift;
        field.min(usize::from(u16::MAX)) as u16
    }

    /// Whether a window update is worth sending: the edge could move by the SWS threshold
    /// (this is how a zero window is reopened after the application reads).
    pub fn window_update_due(&self, mss: usize) -> bool {
        let proposed = self.nxt + self.free_space();
        let threshold = (self.capacity / 2).min(mss).max(1);
        proposed.len_since(self.right_edge) >= threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IRS: SeqNumber = SeqNumber(1000);

    /// A receiver that took the peer's SYN at IRS and opened a window of `capacity` bytes.
    fn receiver(capacity: usize) -> RecvSequence {
        let mut rcv = RecvSequence::new(capacity);
        rcv.synchronize(IRS);
        rcv.advertise(1460, 0);
        rcv
    }

    fn read_all(rcv: &mut RecvSequence) -> Vec<u8> {
        let mut out = vec![0; rcv.buffered()];
        let n = rcv.read(&mut out);
        out.truncate(n);
        out
    }

    #[test]
    fn a_segment_beyond_a_gap_is_held_then_readable_once_the_gap_fills() {
        let mut rcv = receiver(100);
        let first = IRS + 1;
        // Bytes 10..20 arrive before 0..10.
        let held = rcv.accept(first + 10, b"KLMNOPQRST");
        assert!(held.out_of_order && held.delivered == 0);
        assert_eq!((rcv.buffered(), rcv.nxt), (0, first));
        assert_eq!(rcv.sack_blocks()[0], Some((first + 10, first + 20)));
        let filled = rcv.accept(first, b"ABCDEFGHIJ");
        assert_eq!((filled.delivered, filled.filled_gap), (20, true));
        assert_eq!(rcv.nxt, first + 20);
        assert!(!rcv.has_gap());
        assert_eq!(read_all(&mut rcv), b"ABCDEFGHIJKLMNOPQRST");
    }

    #[test]
    fn held_ranges_that_touch_or_overlap_merge_into_one_sack_block() {
        let mut rcv = receiver(100);
        let first = IRS + 1;
        rcv.accept(first + 30, b"45678");
        rcv.accept(first + 10, b"ABCDE");
        rcv.accept(first + 15, b"FGHIJ"); // touches the range before it
        rcv.accept(first + 13, b"DEFG"); // inside the merged range: sent twice
        let blocks: Vec<_> = rcv.sack_blocks().into_iter().flatten().collect();
        // The block of the latest segment first (RFC 2018 §4), then the others.
        assert_eq!(blocks, [(first + 10, first + 20), (first + 30, first + 35)]);
        rcv.accept(first, b"0123456789");
        assert_eq!(read_all(&mut rcv), b"0123456789ABCDEFGHIJ");
        assert_eq!(rcv.sack_blocks()[0], Some((first + 30, first + 35)));
        rcv.accept(first + 20, b"0123456789");
        assert_eq!(read_all(&mut rcv), b"012345678945678");
        assert!(!rcv.has_gap());
    }

    #[test]
    fn held_data_keeps_its_place_when_the_buffer_wraps_around() {
        let mut rcv = receiver(16);
        let first = IRS + 1;
        // Fill and read 12 bytes, so that the ring's next bytes wrap past its end.
        rcv.accept(first, b"abcdefghijkl");
        assert_eq!(read_all(&mut rcv), b"abcdefghijkl");
        rcv.advertise(1460, 0);
        rcv.accept(first + 20, b"UVWXYZ");
        rcv.accept(first + 12, b"mnopqrst");
        assert_eq!(read_all(&mut rcv), b"mnopqrstUVWXYZ");
    }

    #[test]
    fn data_beyond_the_window_is_not_held() {
        let mut rcv = receiver(10);
        let first = IRS + 1;
        let held = rcv.accept(first + 8, b"xyzXYZ");
        assert!(held.out_of_order);
        // Only the two bytes inside the window were kept.
        assert_eq!(rcv.sack_blocks()[0], Some((first + 8, first + 10)));
        rcv.accept(first, b"01234567");
        assert_eq!(read_all(&mut rcv), b"01234567xy");
    }
}
