//! What the sequence analysis remembers about one direction of a connection (Wireshark's
//! `tcp_flow_t` with its `tcp_analyze_seq_flow_info_t`).
//!
//! ```text
//!  sender ──────────────────────────────────────────────> receiver
//!          unacked: [frame 9: 4535..5983] [frame 7: 3087..4535]   newest first
//!          next_seq: 5983        highest end of a segment sent so far
//!          max_seq_to_be_acked   end of the bytes sent without a hole
//!  sender <────────────────────────────────────────────── receiver
//!          last_ack, window      what this direction's latest segment said
//! ```
//!
//! Like Wireshark, the analysis works on raw sequence numbers and takes the value 0 to mean
//! "not seen yet" for `next_seq`, `max_seq_to_be_acked` and `last_ack`. A connection whose
//! numbers pass exactly through 0 is judged slightly differently for one segment; in exchange
//! the results are tshark's, which is what a student compares them with.

use crate::SeqVerdict;
use std::collections::VecDeque;
use wirelab_wire::conversation::WindowScale;
use wirelab_wire::Timestamp;

/// At most this many unacknowledged segments are remembered per direction (Wireshark's
/// `TCP_MAX_UNACKED_SEGMENTS`): when the ACKs are not in the capture (a one-way capture, or
/// the other direction lost), segments beyond it are not added, so memory stays bounded
/// (about 40 bytes each, 400 kB per direction at most). Those segments then get no
/// `acks_frame` and do not count in `bytes_in_flight`, as in tshark.
pub const MAX_UNACKED_SEGMENTS: usize = 10_000;

/// One segment sent and not yet acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unacked {
    pub frame: u64,
    /// The first sequence number not yet acknowledged (moves up on a partial ACK).
    pub seq: u32,
    /// The sequence number after it: `seq + len`, plus one for a SYN or FIN.
    pub next_seq: u32,
    pub ts: Timestamp,
}

/// One direction of a connection.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Where the relative numbers of this direction start (the ISN, or one less than the first
    /// sequence number seen), as Wireshark sets it in the analysis.
    pub base_seq: Option<u32>,
    /// The highest `seq + len` (+1 for SYN/FIN) sent so far; 0 until a segment was seen.
    pub next_seq: u32,
    pub next_seq_frame: u64,
    pub next_seq_time: Timestamp,
    /// The end of the bytes sent without a hole so far: an ACK beyond it acknowledges bytes
    /// the capture never showed.
    pub max_seq_to_be_acked: u32,
    /// The acknowledgment field of this direction's latest segment (ACK flag or not).
    pub last_ack: u32,
    pub last_ack_time: Timestamp,
    /// The window field of this direction's latest segment, unscaled.
    pub window: u32,
    /// How this direction's window is scaled, as far as its SYN showed.
    pub window_scale: WindowScale,
    /// A SYN was sent and no pure ACK since: the window of that SYN is not scaled (RFC 7323
    /// §2.2), so the window-full test must not scale it (Wireshark issue 14690).
    pub is_first_ack: bool,
    /// Duplicates of `last_ack` sent so far; -1 after an "ACKed unseen segment" report about
    /// this direction's data, so that one loss is reported once.
    pub dup_ack_num: i32,
    /// The frame that first carried `last_ack`: the one duplicate ACKs repeat.
    pub last_non_dup_ack: u64,
    /// The findings about this direction's latest segment (a keep-alive ACK or a zero window
    /// probe ACK answers what the other direction just did).
    pub last_findings: SeqVerdict,
    /// Whether bytes in flight can be computed: not after a lost segment, until the other
    /// direction acknowledges again.
    pub valid_bytes_in_flight: bool,
    pub push_bytes_sent: u32,
    pub push_set_last: bool,
    /// Bytes covered by the SACK blocks of this direction's latest segment (RFC 2018 §3):
    /// delivered, though not yet cumulatively acknowledged.
    pub sacked: u32,
    /// Segments sent and not yet acknowledged, newest first.
    pub unacked: VecDeque<Unacked>,
}

impl Default for Flow {
    fn default() -> Flow {
        Flow {
            base_seq: None,
            next_seq: 0,
            next_seq_frame: 0,
            next_seq_time: Timestamp::default(),
            max_seq_to_be_acked: 0,
            last_ack: 0,
            last_ack_time: Timestamp::default(),
            window: 0,
            window_scale: WindowScale::Unknown,
            is_first_ack: false,
            dup_ack_num: 0,
            last_non_dup_ack: 0,
            last_findings: SeqVerdict::default(),
            valid_bytes_in_flight: true,
            push_bytes_sent: 0,
            push_set_last: false,
            sacked: 0,
            unacked: VecDeque::new(),
        }
    }
}

impl Flow {
    /// The window the receiver of this direction's data last allowed, in bytes past
    /// `last_ack`: the window field scaled, except while only a SYN has been seen.
    pub fn advertised_window(&self) -> u32 {
        let shift = match self.window_scale {
            WindowScale::Shift(shift) if !self.is_first_ack => shift,
            _ => 0,
        };
        self.window << shift
    }

    /// Remember a segment that occupies sequence space, unless too many are already waiting.
    pub fn remember_unacked(&mut self, segment: Unacked) -> bool {
        if self.unacked.len() >= MAX_UNACKED_SEGMENTS {
            return false;
        }
        self.unacked.push_front(segment);
        true
    }
}

/// `a` comes after `b` in sequence space (RFC 9293 §3.4: comparisons are modulo 2³²).
pub fn seq_after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// `a` comes before `b` in sequence space.
pub fn seq_before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a` comes before `b`, or is `b`.
pub fn seq_at_or_before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// Nanoseconds from `earlier` to `later`, or `None` when the clock went backwards (tshark's
/// unsigned arithmetic makes such a delay huge, so no "within N ms" test passes).
pub fn nanos_since(later: Timestamp, earlier: Timestamp) -> Option<u64> {
    u64::try_from(later.as_nanos() - earlier.as_nanos()).ok()
}
