//! The heuristics: Wireshark 4.0's `tcp_analyze_sequence_number` (epan/dissectors/
//! packet-tcp.c), rule by rule, in the order tshark applies them.
//!
//! A capture point sees each segment once, somewhere between the hosts, and never sees their
//! timers or buffers: every rule below is a guess from sequence numbers, windows and times,
//! and tshark calls its results "suspected". The order matters: a segment that is a zero
//! window probe is nothing else; a keep-alive is never called a retransmission; a spurious
//! retransmission is not also called fast; fast retransmission wins over out-of-order.
//!
//! ```text
//!  segment ──> window and ACK rules       zero window probe │ zero window, previous segment
//!              (what this segment says)   lost, keep-alive, window update, window full,
//!                                         keep-alive ACK │ zero window probe ACK │ dup ACK
//!          ──> ACKed unseen segment       (what it says about the other direction)
//!          ──> retransmission rules       spurious │ fast │ out-of-order │ plain
//!          ──> remember: next_seq, unacked list, last ACK and window
//!          ──> acknowledge: acks_frame, ack_rtt; bytes in flight
//! ```

use super::flow::{nanos_since, seq_after, seq_at_or_before, seq_before, Flow, Unacked};
use crate::{Finding, SeqVerdict};
use wirelab_wire::tcp::{ACK, FIN, PSH, RST, SYN};
use wirelab_wire::{TcpSegment, Timestamp};

/// A fast retransmission follows the duplicate ACKs that triggered it within this time.
const FAST_RETRANSMISSION_WINDOW_NS: u64 = 20_000_000;

/// Without an initial RTT, a segment that fills a hole within this time of the segment after
/// it is taken as reordered rather than retransmitted.
const DEFAULT_OUT_OF_ORDER_NS: u64 = 3_000_000;

/// tshark ignores a bytes-in-flight figure this large: it comes from sequence numbers that
/// jumped, not from data really outstanding.
const IMPLAUSIBLE_BYTES_IN_FLIGHT: u32 = 2_000_000_000;

/// What the analysis found about one segment, for the tree, the Info column and the verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub verdict: SeqVerdict,
    /// `tcp.analysis.push_bytes_sent`, shown with the bytes in flight.
    pub push_bytes_sent: Option<u32>,
    /// tshark made an analysis entry for the segment (some finding, an acknowledged segment,
    /// or a data segment with bytes in flight tracked): only then is `[SEQ/ACK analysis]`
    /// shown, with the connection's initial RTT.
    pub has_entry: bool,
}

impl Record {
    pub(super) fn find(&mut self, finding: Finding) {
        self.verdict.set(finding);
        self.has_entry = true;
    }
}

/// The facts of a segment the rules use, named once.
struct Segment {
    frame: u64,
    ts: Timestamp,
    seq: u32,
    ack: u32,
    len: u32,
    /// The window field as sent, unscaled.
    window: u32,
    flags: u16,
}

impl Segment {
    fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// SYN, FIN or RST: segments that open or close, which the window and ACK rules skip.
    fn opens_or_closes(&self) -> bool {
        self.has(SYN | FIN | RST)
    }

    /// SYN and FIN each occupy one sequence number (RFC 9293 §3.4).
    fn syn_fin_len(&self) -> u32 {
        u32::from(self.has(SYN | FIN))
    }

    /// An empty segment that repeats this direction's previous acknowledgment, at the
    /// sequence number expected next: the shape of duplicate ACKs, window updates and the
    /// answers to keep-alives and zero window probes.
    fn repeats_last_ack(&self, fwd: &Flow) -> bool {
        self.len == 0
            && self.seq == fwd.next_seq
            && self.ack == fwd.last_ack
            && !self.opens_or_closes()
    }
}

/// Judge one segment sent on `fwd` (the sender's direction) against what `fwd` and `rev`
/// (the receiver's direction) remember, then update both. `initial_rtt` is the connection's
/// handshake round trip, if known before this segment.
pub fn analyze(
    tcp: &TcpSegment<'_>,
    fwd: &mut Flow,
    rev: &mut Flow,
    initial_rtt: Option<Timestamp>,
    out: &mut Record,
) {
    let seg = Segment {
        frame: tcp.frame_number,
        ts: tcp.ts,
        seq: tcp.seq,
        ack: tcp.ack,
        len: tcp.len,
        window: u32::from(tcp.window),
        flags: tcp.flags,
    };
    if seg.has(ACK) {
        // An acknowledgment makes the other direction's bytes in flight known again.
        rev.valid_bytes_in_flight = true;
    }
    window_and_ack_rules(&seg, fwd, rev, out);
    if seg.ack != fwd.last_ack {
        // A new acknowledgment number: duplicates are counted afresh from this frame.
        fwd.last_non_dup_ack = seg.frame;
        fwd.dup_ack_num = 0;
    }
    acked_unseen_segment(&seg, rev, out);
    if seg.len > 0 || seg.has(SYN | FIN) {
        retransmission_rules(&seg, fwd, rev, initial_rtt, out);
    }
    remember(&seg, fwd, out);
    acknowledge(&seg, rev, out);
    bytes_in_flight(&seg, fwd, rev, out);
}

/// The rules about what this segment says of its own direction: windows, keep-alives,
/// duplicate ACKs. A zero window probe, a keep-alive ACK and a zero window probe ACK each end
/// the rules that follow them (tshark's `goto finished_fwd`).
fn window_and_ack_rules(seg: &Segment, fwd: &mut Flow, rev: &Flow, out: &mut Record) {
    // ZERO WINDOW PROBE: exactly one byte at the next sequence number while the receiver's
    // window is 0. A sender whose peer closed its window must still probe it now and then
    // (RFC 9293 §3.8.6.1), or a lost window update would stall the connection for ever.
    if seg.len == 1 && seg.seq == fwd.next_seq && rev.window == 0 {
        out.find(Finding::ZeroWindowProbe);
        return;
    }

    // ZERO WINDOW: the sender of this segment has no room left to receive (its application
    // is not reading). SYN, FIN and RST segments are not judged.
    if seg.window == 0 && !seg.opens_or_closes() {
        out.find(Finding::ZeroWindow);
    }

    // PREVIOUS SEGMENT NOT CAPTURED: the segment starts beyond the highest end seen so far in
    // this direction, so bytes in between went by unseen (lost upstream of the capture, or the
    // capture started late). RST segments may carry any sequence number and are not judged.
    if fwd.next_seq != 0 && seq_after(seg.seq, fwd.next_seq) && !seg.has(RST) {
        out.find(Finding::LostSegment);
        // The bytes in flight cannot be known until the receiver acknowledges again.
        fwd.valid_bytes_in_flight = false;
    }

    // KEEP-ALIVE: no data or one garbage byte, one sequence number below the next one: an
    // idle sender checking that the peer is still there (RFC 9293 §3.8.4), which the peer must
    // answer with an ACK because the byte is outside its window.
    if seg.len <= 1 && seg.seq == fwd.next_seq.wrapping_sub(1) && !seg.opens_or_closes() {
        out.find(Finding::KeepAlive);
    }

    // WINDOW UPDATE: an empty segment that repeats the last acknowledgment with a new, non-zero
    // window: the receiver's application read data and it can take more (RFC 9293
    // §3.8.6.2.2).
    if seg.repeats_last_ack(fwd) && seg.window != 0 && seg.window != fwd.window {
        out.find(Finding::WindowUpdate);
    }

    // WINDOW FULL: the segment's data ends exactly at the right edge of the window the
    // receiver last advertised: the sender has filled it and must wait. Only judged when the
    // receiver's window scaling is known.
    if seg.len > 0
        && rev.window_scale != wirelab_wire::conversation::WindowScale::Unknown
        && seg.seq.wrapping_add(seg.len) == rev.last_ack.wrapping_add(rev.advertised_window())
        && !seg.opens_or_closes()
    {
        out.find(Finding::WindowFull);
    }

    let same_window = seg.window == fwd.window;

    // KEEP-ALIVE ACK: the same empty acknowledgment again, just after the other direction
    // sent a keep-alive: the answer it asked for.
    if seg.repeats_last_ack(fwd)
        && seg.window != 0
        && same_window
        && rev.last_findings.has(Finding::KeepAlive)
    {
        out.find(Finding::KeepAliveAck);
        return;
    }

    // ZERO WINDOW PROBE ACK: the same acknowledgment and still a zero window, just after the
    // other direction probed it: the probe's byte was not accepted.
    if seg.repeats_last_ack(fwd)
        && seg.window == 0
        && same_window
        && rev.last_findings.has(Finding::ZeroWindowProbe)
    {
        out.find(Finding::ZeroWindowProbeAck);
        return;
    }

    // DUPLICATE ACK: an empty segment identical in acknowledgment and window to the previous
    // one. A receiver sends one for every segment that arrives beyond a gap (RFC 5681 §4.2),
    // asking again for the first missing byte; three of them trigger a fast retransmission.
    if seg.repeats_last_ack(fwd) && seg.window != 0 && same_window {
        // After an "ACKed unseen segment" (-1) the count starts again at 1.
        fwd.dup_ack_num = fwd.dup_ack_num.max(0) + 1;
        out.find(Finding::DuplicateAck);
        out.verdict.duplicate_ack_num = fwd.dup_ack_num.unsigned_abs();
        out.verdict.duplicate_ack_frame = Some(fwd.last_non_dup_ack);
    }
}

/// ACKED UNSEEN SEGMENT: this acknowledgment covers bytes beyond anything the other direction
/// was seen to send without a hole: those bytes passed the capture point unseen (or went by
/// another path). Reported once per loss: if the other direction has sent beyond a hole, the
/// boundary jumps to the highest end it sent; if it has sent nothing new, its duplicate-ACK
/// counter is set to -1 to remember the report, until it acknowledges something new.
///
/// Measured on tshark 4.0.17 (the rule differs from later versions, which compare the two
/// boundaries the other way round).
fn acked_unseen_segment(seg: &Segment, rev: &mut Flow, out: &mut Record) {
    if rev.max_seq_to_be_acked == 0 || !seq_after(seg.ack, rev.max_seq_to_be_acked) || !seg.has(ACK)
    {
        return;
    }
    out.has_entry = true;
    if seq_before(rev.max_seq_to_be_acked, rev.next_seq) {
        rev.max_seq_to_be_acked = rev.next_seq;
        out.find(Finding::AckLostSegment);
    } else {
        if rev.dup_ack_num == 0 {
            out.find(Finding::AckLostSegment);
        }
        rev.dup_ack_num = -1;
    }
}

/// For a segment that occupies sequence space (data, SYN or FIN): was it sent before?
fn retransmission_rules(
    seg: &Segment,
    fwd: &Flow,
    rev: &Flow,
    initial_rtt: Option<Timestamp>,
    out: &mut Record,
) {
    // A keep-alive's byte is old on purpose: it is not a retransmission.
    if out.verdict.has(Finding::KeepAlive) {
        return;
    }
    let mut seq_not_advanced = fwd.next_seq != 0 && seq_before(seg.seq, fwd.next_seq);
    // A segment of more than one byte starting one below the next sequence number follows a
    // zero window probe whose byte was not accepted: it brings new data.
    if seg.len > 1 && fwd.next_seq.wrapping_sub(1) == seg.seq {
        seq_not_advanced = false;
    }

    // SPURIOUS RETRANSMISSION: every byte of it was already acknowledged by the receiver: the
    // sender's timer fired too early, or the ACK was lost on the way back (RFC 5682 §1).
    if seg.len > 0
        && rev.last_ack != 0
        && seq_at_or_before(seg.seq.wrapping_add(seg.len), rev.last_ack)
    {
        out.find(Finding::SpuriousRetransmission);
        return;
    }

    // FAST RETRANSMISSION: it resends exactly the byte the receiver keeps asking for, after at
    // least two duplicate ACKs (more may have been missed by the capture), within 20 ms of
    // the latest: the sender's fast retransmit (RFC 5681 §3.2), not its timer.
    let since_receivers_ack = nanos_since(seg.ts, rev.last_ack_time);
    if seq_not_advanced
        && rev.dup_ack_num >= 2
        && rev.last_ack == seg.seq
        && since_receivers_ack.is_some_and(|t| t < FAST_RETRANSMISSION_WINDOW_NS)
    {
        out.find(Finding::FastRetransmission);
        return;
    }

    // OUT-OF-ORDER: it fills an earlier part of the sequence space less than one initial RTT
    // (3 ms when unknown) after the segment that went furthest, and is not simply the same
    // segment again: too soon for the sender to have noticed a loss, so the network must
    // have reordered it.
    let since_furthest = nanos_since(seg.ts, fwd.next_seq_time);
    let threshold = initial_rtt
        .and_then(|rtt| u64::try_from(rtt.as_nanos()).ok())
        .filter(|&ns| ns != 0)
        .unwrap_or(DEFAULT_OUT_OF_ORDER_NS);
    let segment_end = seg
        .seq
        .wrapping_add(seg.len)
        .wrapping_add(seg.syn_fin_len());
    if seq_not_advanced
        && since_furthest.is_some_and(|t| t < threshold)
        && fwd.next_seq != segment_end
    {
        out.find(Finding::OutOfOrder);
        return;
    }

    // RETRANSMISSION: anything else that does not advance the sequence number was sent
    // before: the sender's retransmission timer expired (RFC 6298 §5).
    if seq_not_advanced {
        out.find(Finding::Retransmission);
    }
}

/// Update what the sender's direction remembers: the unacknowledged segment, the highest
/// sequence number, the acknowledgment and window this segment carried.
fn remember(seg: &Segment, fwd: &mut Flow, out: &Record) {
    let probe = out.verdict.has(Finding::ZeroWindowProbe);
    let mut next_seq = seg.seq.wrapping_add(seg.len);
    if seg.len > 0 || seg.has(SYN | FIN) {
        let end = next_seq.wrapping_add(seg.syn_fin_len());
        let unacked = Unacked {
            frame: seg.frame,
            seq: seg.seq,
            next_seq: end,
            ts: seg.ts,
        };
        if fwd.remember_unacked(unacked) {
            next_seq = end;
        }
    }
    // A zero window probe's byte is outside the window: it does not move next_seq.
    if (seq_after(next_seq, fwd.next_seq) || fwd.next_seq == 0) && !probe {
        fwd.next_seq = next_seq;
        fwd.next_seq_frame = seg.frame;
        fwd.next_seq_time = seg.ts;
    }
    if (seg.seq == fwd.max_seq_to_be_acked || fwd.max_seq_to_be_acked == 0) && !probe {
        fwd.max_seq_to_be_acked = fwd.next_seq;
    }
    fwd.window = seg.window;
    fwd.last_ack = seg.ack;
    fwd.last_ack_time = seg.ts;
    fwd.last_findings = out.verdict;
}

/// Remove from the receiver's direction every segment this acknowledgment covers; the one it
/// covers exactly (the oldest, if several) is `tcp.analysis.acks_frame`, and the time since
/// it `tcp.analysis.ack_rtt`. A partial acknowledgment trims the segment it falls in.
fn acknowledge(seg: &Segment, rev: &mut Flow, out: &mut Record) {
    let ack = seg.ack;
    let mut acked: Option<Unacked> = None;
    rev.unacked.retain_mut(|sent| {
        if ack == sent.next_seq {
            acked = Some(*sent);
            false
        } else if seq_after(ack, sent.seq) && seq_at_or_before(ack, sent.next_seq) {
            sent.seq = ack;
            true
        } else {
            // Still waiting (the ACK is below its end), or long acknowledged (beyond it).
            seq_after(sent.next_seq, ack)
        }
    });
    if let Some(sent) = acked {
        out.has_entry = true;
        out.verdict.acks_frame = Some(sent.frame);
        out.verdict.ack_rtt = Some(seg.ts.since(sent.ts));
    }
}

/// BYTES IN FLIGHT (tshark's default, payload-based method): from the lowest unacknowledged
/// sequence number to the highest end sent, less what the receiver's latest SACK blocks
/// report delivered. Only for data segments, and only while no loss made it unknowable.
/// Also counts the bytes sent since the last PSH (`push_bytes_sent`).
fn bytes_in_flight(seg: &Segment, fwd: &mut Flow, rev: &Flow, out: &mut Record) {
    if seg.len == 0 || !fwd.valid_bytes_in_flight {
        return;
    }
    let Some(newest) = fwd.unacked.front() else {
        return;
    };
    // Compared relative to the direction's base, as tshark does, so that wrapping raw
    // numbers still order correctly.
    let base = fwd.base_seq.unwrap_or(0);
    let mut first = newest.seq.wrapping_sub(base);
    let mut last = newest.next_seq.wrapping_sub(base);
    for sent in &fwd.unacked {
        first = first.min(sent.seq.wrapping_sub(base));
        last = last.max(sent.next_seq.wrapping_sub(base));
    }
    let in_flight = last.wrapping_sub(first).wrapping_sub(rev.sacked);
    out.has_entry = true;
    if in_flight > 0 && in_flight < IMPLAUSIBLE_BYTES_IN_FLIGHT {
        // A SYN's or FIN's sequence number carries no byte.
        out.verdict.bytes_in_flight =
            Some(in_flight - seg.syn_fin_len()).filter(|&bytes| bytes > 0);
    }

    // A PSH ends a write of the application: the segment after it starts a new count.
    fwd.push_bytes_sent = if fwd.push_set_last {
        seg.len
    } else {
        fwd.push_bytes_sent.wrapping_add(seg.len)
    };
    fwd.push_set_last = seg.has(PSH);
    out.push_bytes_sent = Some(fwd.push_bytes_sent);
}
