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
    /// In-order bytes the application has not read yet.
    buffer: VecDeque<u8>,
    capacity: usize,
    /// Data that arrived beyond RCV.NXT: disjoint ranges sorted by sequence number.
    out_of_order: Vec<(SeqNumber, Vec<u8>)>,
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
        self.capacity.saturating_sub(self.buffer.len())
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn buffered(&self) -> usize {
        self.buffer.len()
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
        let end_limit = start.len_since(self.nxt);
        let keep = (payload.len() - skip).min(room.saturating_sub(end_limit));
        let Some(data) = payload.get(skip..skip + keep).filter(|d| !d.is_empty()) else {
            return accepted;
        };
        if start == self.nxt {
            self.buffer.extend(data);
            self.nxt += data.len();
            accepted.delivered = data.len();
            let before = self.out_of_order.len();
            self.drain_in_order(&mut accepted);
            accepted.filled_gap = self.out_of_order.len() < before;
        } else {
            self.hold(start, data);
            self.last_out_of_order = Some(start);
            accepted.out_of_order = true;
        }
        accepted
    }

    /// Inserts a range into the out-of-order queue, merging with its neighbours.
    fn hold(&mut self, start: SeqNumber, data: &[u8]) {
        // The common case while a hole waits for its retransmission: the next segment in
        // order after the last held range, appended to it.
        if let Some((last_start, last)) = self.out_of_order.last_mut() {
            if *last_start + last.len() == start {
                last.extend_from_slice(data);
                return;
            }
        }
        let end = start + data.len();
        let mut merged_start = start;
        let mut merged: Vec<u8> = data.to_vec();
        let mut kept = Vec::with_capacity(self.out_of_order.len() + 1);
        for (s, bytes) in self.out_of_order.drain(..) {
            let e = s + bytes.len();
            if e < merged_start || s > merged_start + merged.len() {
                kept.push((s, bytes));
                continue;
            }
            // Overlapping or touching: combine into one range.
            let new_start = s.min(merged_start);
            let new_end = e.max(merged_start + merged.len()).max(end);
            let mut combined = vec![0u8; new_end.len_since(new_start)];
            for (from, chunk) in [(s, &bytes), (merged_start, &merged)] {
                let at = from.len_since(new_start);
                if let Some(slot) = combined.get_mut(at..at + chunk.len()) {
                    slot.copy_from_slice(chunk);
                }
            }
            merged_start = new_start;
            merged = combined;
        }
        kept.push((merged_start, merged));
        kept.sort_by(|a, b| a.0.offset_from(b.0).cmp(&0));
        self.out_of_order = kept;
    }

    /// Moves held ranges that RCV.NXT has reached into the buffer.
    fn drain_in_order(&mut self, accepted: &mut Accepted) {
        while let Some((start, bytes)) = self.out_of_order.first() {
            if *start > self.nxt {
                break;
            }
            let skip = self.nxt.len_since(*start).min(bytes.len());
            let fresh = bytes.get(skip..).unwrap_or_default();
            self.buffer.extend(fresh);
            self.nxt += fresh.len();
            accepted.delivered += fresh.len();
            self.out_of_order.remove(0);
        }
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
        let ranges = self
            .out_of_order
            .iter()
            .map(|(s, bytes)| (*s, *s + bytes.len()));
        let latest = self.last_out_of_order.and_then(|at| {
            self.out_of_order
                .iter()
                .map(|(s, bytes)| (*s, *s + bytes.len()))
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
        let n = out.len().min(self.buffer.len());
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
