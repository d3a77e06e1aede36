//! The send sequence space (RFC 9293 §3.3.1) and the send buffer.
//!
//! ```text
//!                    1         2          3          4
//!               ----------|----------|----------|----------
//!                      SND.UNA    SND.NXT    SND.UNA
//!                                           +SND.WND
//!
//!         1 - old sequence numbers that have been acknowledged
//!         2 - sequence numbers of unacknowledged data
//!         3 - sequence numbers allowed for new data transmission
//!         4 - future sequence numbers that are not yet allowed
//! ```
//!
//! One variable is added to the RFC's: SND.MAX, the highest sequence number sent so far.
//! After a retransmission timeout SND.NXT goes back to SND.UNA and the data is sent again
//! ("go-back-N"); SND.MAX remembers how far the first transmission got, so that an ACK for
//! data sent before the timeout is still recognised as acceptable, and a segment below
//! SND.MAX is known to be a retransmission.

use super::{Connection, Transmit};
use crate::wire::SeqNumber;
use std::collections::VecDeque;

/// Bytes of the send buffer, named by the sequence number of the first: what a segment
/// carries. The bytes stay in the buffer (they are needed again if the segment is lost);
/// the interface copies them straight into the frame it builds
/// ([`Connection::append_payload`]), so that a segment's data is copied once on its way out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendRange {
    pub seq: SeqNumber,
    pub len: usize,
}

impl SendRange {
    /// No data: a SYN, a pure ACK, a FIN alone, a RST.
    pub const EMPTY: SendRange = SendRange {
        seq: SeqNumber(0),
        len: 0,
    };

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Connection {
    /// Appends the payload of a segment this connection just sent (`poll_transmit`) to
    /// `out`. Call it before the connection handles anything else: an ACK removes
    /// acknowledged bytes from the send buffer.
    #[inline]
    pub fn append_payload(&self, segment: &Transmit, out: &mut Vec<u8>) {
        self.snd.append(segment.payload, out);
    }

    /// The payload of a segment this connection just sent, as bytes of its own.
    pub fn payload_bytes(&self, segment: &Transmit) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(segment.payload.len);
        self.append_payload(segment, &mut bytes);
        bytes
    }
}

#[derive(Debug)]
pub struct SendSequence {
    /// Initial send sequence number (ISS): the SYN occupies it.
    pub iss: SeqNumber,
    /// Oldest unacknowledged sequence number (SND.UNA).
    pub una: SeqNumber,
    /// Next sequence number to send (SND.NXT).
    pub nxt: SeqNumber,
    /// Highest sequence number sent, plus one (SND.MAX; not in RFC 9293, see above).
    pub max: SeqNumber,
    /// Send window, already scaled (SND.WND).
    pub wnd: usize,
    /// Segment sequence number used for the last window update (SND.WL1).
    pub wl1: SeqNumber,
    /// Segment acknowledgment number used for the last window update (SND.WL2).
    pub wl2: SeqNumber,
    /// The largest window the peer has offered (MAX.SND.WND, RFC 5961 §5.2; also used by
    /// sender-side SWS avoidance, RFC 9293 §3.8.6.2.1).
    pub max_wnd: usize,
    /// Bytes the application queued and the peer has not acknowledged, from `buffer_start`.
    buffer: VecDeque<u8>,
    /// Sequence number of `buffer[0]`: ISS + 1 at first, since the SYN takes ISS.
    buffer_start: SeqNumber,
    capacity: usize,
    /// The application closed: a FIN follows the last byte of the buffer.
    fin_queued: bool,
}

impl SendSequence {
    pub fn new(iss: SeqNumber, capacity: usize) -> SendSequence {
        SendSequence {
            iss,
            una: iss,
            nxt: iss,
            max: iss,
            wnd: 0,
            wl1: SeqNumber(0),
            wl2: SeqNumber(0),
            max_wnd: 0,
            buffer: VecDeque::new(),
            buffer_start: iss + 1,
            capacity,
            fin_queued: false,
        }
    }

    /// Queues as much of `data` as fits; returns how much that was.
    pub fn write(&mut self, data: &[u8]) -> usize {
        let room = self.capacity.saturating_sub(self.buffer.len());
        let taken = data.len().min(room);
        if self.buffer.capacity() < self.capacity {
            // Full size at the first write (not on `new`: a connection that never sends,
            // or a SYN flood's, costs no buffer), then no reallocation while data flows.
            self.buffer.reserve_exact(self.capacity - self.buffer.len());
        }
        self.buffer.extend(data.get(..taken).unwrap_or_default());
        taken
    }

    pub fn free_space(&self) -> usize {
        self.capacity.saturating_sub(self.buffer.len())
    }

    /// Bytes queued and not yet acknowledged.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    pub fn queue_fin(&mut self) {
        self.fin_queued = true;
    }

    pub fn fin_queued(&self) -> bool {
        self.fin_queued
    }

    /// The sequence number the FIN takes, once the application closed.
    pub fn fin_seq(&self) -> Option<SeqNumber> {
        self.fin_queued
            .then(|| self.buffer_start + self.buffer.len())
    }

    /// Whether the FIN was sent at least once.
    pub fn fin_sent(&self) -> bool {
        self.fin_seq().is_some_and(|fin| self.max > fin)
    }

    /// Whether the peer acknowledged our FIN.
    pub fn fin_acked(&self) -> bool {
        self.fin_seq().is_some_and(|fin| self.una > fin)
    }

    /// Bytes from `seq` to the end of the buffer (what could still be sent from there).
    pub fn bytes_from(&self, seq: SeqNumber) -> usize {
        let offset = seq.len_since(self.buffer_start);
        self.buffer.len().saturating_sub(offset)
    }

    /// Up to `len` bytes from sequence number `seq`, as far as the buffer holds them.
    #[inline]
    pub fn range(&self, seq: SeqNumber, len: usize) -> SendRange {
        let start = seq.len_since(self.buffer_start).min(self.buffer.len());
        let end = start.saturating_add(len).min(self.buffer.len());
        SendRange {
            seq: self.buffer_start + start,
            len: end - start,
        }
    }

    /// Appends the bytes of `range` to `out`: one or two slice copies (memcpy) of the ring
    /// buffer's halves, not a byte-by-byte iterator, since every byte sent passes here.
    #[inline]
    pub fn append(&self, range: SendRange, out: &mut Vec<u8>) {
        let start = range
            .seq
            .len_since(self.buffer_start)
            .min(self.buffer.len());
        let end = start.saturating_add(range.len).min(self.buffer.len());
        let (front, back) = self.buffer.as_slices();
        out.extend_from_slice(
            front
                .get(start.min(front.len())..end.min(front.len()))
                .unwrap_or_default(),
        );
        let back_start = start.saturating_sub(front.len());
        let back_end = end.saturating_sub(front.len());
        out.extend_from_slice(back.get(back_start..back_end).unwrap_or_default());
    }

    /// Sequence space in flight: sent and not acknowledged (SND.NXT - SND.UNA).
    pub fn in_flight(&self) -> usize {
        self.nxt.len_since(self.una)
    }

    /// The window left for new data: SND.UNA + SND.WND - SND.NXT.
    pub fn usable_window(&self) -> usize {
        self.wnd.saturating_sub(self.in_flight())
    }

    /// RFC 9293 §3.10.7.4, fifth step: "If SND.UNA < SEG.ACK =< SND.NXT, then set
    /// SND.UNA <- SEG.ACK. Any segments on the retransmission queue that are thereby
    /// entirely acknowledged are removed." Returns how many data bytes left the buffer.
    pub fn acknowledge(&mut self, ack: SeqNumber) -> usize {
        self.una = ack;
        if self.nxt < ack {
            // A window probe or data sent before a timeout was acknowledged.
            self.nxt = ack;
        }
        let acked = ack.len_since(self.buffer_start).min(self.buffer.len());
        self.buffer.drain(..acked);
        self.buffer_start += acked;
        acked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: SeqNumber = SeqNumber(5000);

    #[test]
    fn a_range_names_the_bytes_still_buffered_and_append_copies_them() {
        let mut snd = SendSequence::new(ISS, 8);
        assert_eq!(snd.write(b"abcdefghij"), 8);
        let first = ISS + 1;
        let range = snd.range(first + 2, 4);
        assert_eq!(
            range,
            SendRange {
                seq: first + 2,
                len: 4
            }
        );
        let mut out = b"hdr:".to_vec();
        snd.append(range, &mut out);
        assert_eq!(out, b"hdr:cdef");
        // Asking beyond what is buffered gets only what is there.
        assert_eq!(snd.range(first + 6, 10).len(), 2);
    }

    #[test]
    fn append_copies_across_the_end_of_the_ring() {
        let mut snd = SendSequence::new(ISS, 8);
        let first = ISS + 1;
        snd.write(b"abcdefgh");
        snd.nxt = first + 8;
        // The peer acknowledges six bytes: the next six written wrap around the ring.
        assert_eq!(snd.acknowledge(first + 6), 6);
        assert_eq!(snd.write(b"ijklmn"), 6);
        let range = snd.range(first + 6, 8);
        let mut out = Vec::new();
        snd.append(range, &mut out);
        assert_eq!(out, b"ghijklmn");
    }
}
