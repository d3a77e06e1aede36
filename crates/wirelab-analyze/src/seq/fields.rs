//! The fields of the sequence analysis, with tshark 4.0's names, types and labels
//! (`tshark -G fields | grep tcp.analysis`). The flags are `FT_NONE` in tshark: they have no
//! value, only presence (`-T fields` prints `1`, a filter tests that they exist).

use wirelab_wire::field;
use wirelab_wire::FieldDef;

field!(
    ANALYSIS,
    "tcp.analysis",
    "SEQ/ACK analysis",
    None,
    "what wirelab concluded about this segment by comparing it with the earlier segments of its connection, with tshark's heuristics (RFC 9293 §3.4)"
);
field!(
    ACKS_FRAME,
    "tcp.analysis.acks_frame",
    "This is an ACK to the segment in frame",
    FrameNum,
    "the frame of the segment whose last byte this acknowledgment number covers exactly: the receiver's answer to it (RFC 9293 §3.4)"
);
field!(
    ACK_RTT,
    "tcp.analysis.ack_rtt",
    "The RTT to ACK the segment was",
    RelTime,
    "seconds from that segment to this acknowledgment, one round trip as seen from where the capture was taken (RFC 6298 §2)"
);
field!(
    INITIAL_RTT,
    "tcp.analysis.initial_rtt",
    "iRTT",
    RelTime,
    "seconds from the latest SYN to the ACK that completed the handshake: the connection's first round-trip time, taken as its yardstick for out-of-order segments (RFC 9293 §3.5)"
);
field!(
    BYTES_IN_FLIGHT,
    "tcp.analysis.bytes_in_flight",
    "Bytes in flight",
    UInt 32,
    Dec,
    "bytes this direction has sent that are not yet acknowledged (nor selectively acknowledged), this segment included: what the congestion window limits (RFC 5681 §2)"
);
field!(
    PUSH_BYTES_SENT,
    "tcp.analysis.push_bytes_sent",
    "Bytes sent since last PSH flag",
    UInt 32,
    Dec,
    "payload bytes sent in this direction since the last segment with PSH, this one included: roughly the size of the application's current write (RFC 9293 §3.9.1)"
);
field!(
    FLAGS,
    "tcp.analysis.flags",
    "TCP Analysis Flags",
    None,
    "the unusual things the sequence analysis noticed about this segment (RFC 9293 §3.4)"
);
field!(
    RETRANSMISSION,
    "tcp.analysis.retransmission",
    "This frame is a (suspected) retransmission",
    None,
    "the segment carries sequence numbers already sent: the sender's retransmission timer probably expired before an acknowledgment came, because a segment or its ACK was lost (RFC 6298 §5)"
);
field!(
    FAST_RETRANSMISSION,
    "tcp.analysis.fast_retransmission",
    "This frame is a (suspected) fast retransmission",
    None,
    "a retransmission of exactly the byte the receiver keeps asking for, within 20 ms of its second or later duplicate ACK: the sender inferred a loss from the duplicates without waiting for its timer (RFC 5681 §3.2)"
);
field!(
    SPURIOUS_RETRANSMISSION,
    "tcp.analysis.spurious_retransmission",
    "This frame is a (suspected) spurious retransmission",
    None,
    "a retransmission of bytes the receiver had already acknowledged: needless, usually because the ACK was delayed or lost, or the timer was too short (RFC 5682 §1)"
);
field!(
    OUT_OF_ORDER,
    "tcp.analysis.out_of_order",
    "This frame is a (suspected) out-of-order segment",
    None,
    "an earlier part of the sequence space that arrived after a later part, sooner than a round trip (or 3 ms) after it: taken as reordered in the network rather than retransmitted (RFC 9293 §3.10.7.4)"
);
field!(
    REUSED_PORTS,
    "tcp.analysis.reused_ports",
    "A new tcp session is started with the same ports as an earlier session in this trace",
    None,
    "a SYN with a new initial sequence number on an address and port pair already used in this capture: a new connection, counted as a new stream (RFC 9293 §3.4.1)"
);
field!(
    LOST_SEGMENT,
    "tcp.analysis.lost_segment",
    "Previous segment(s) not captured (common at capture start)",
    None,
    "the segment starts beyond the highest sequence number seen so far: bytes in between were lost before the capture point, or the capture missed them (RFC 9293 §3.4)"
);
field!(
    ACK_LOST_SEGMENT,
    "tcp.analysis.ack_lost_segment",
    "ACKed segment that wasn't captured (common at capture start)",
    None,
    "the acknowledgment covers bytes the other side sent that the capture never showed: they went by another path, or the capture started or dropped while they passed (RFC 9293 §3.4)"
);
field!(
    WINDOW_UPDATE,
    "tcp.analysis.window_update",
    "TCP window update",
    None,
    "an empty segment that repeats the previous acknowledgment with a different (non-zero) window: the receiver's application read data and it says it can take more (RFC 9293 §3.8.6.2.2)"
);
field!(
    WINDOW_FULL,
    "tcp.analysis.window_full",
    "TCP window specified by the receiver is now completely full",
    None,
    "the segment ends exactly at the right edge of the window the receiver last advertised: the sender must now wait for an ACK or a window update (RFC 9293 §3.8.6)"
);
field!(
    KEEP_ALIVE,
    "tcp.analysis.keep_alive",
    "TCP keep-alive segment",
    None,
    "an empty or one-byte segment starting one byte before the next sequence number: an idle sender checking that its peer is still there, which the peer must answer with an ACK (RFC 9293 §3.8.4)"
);
field!(
    KEEP_ALIVE_ACK,
    "tcp.analysis.keep_alive_ack",
    "ACK to a TCP keep-alive segment",
    None,
    "an empty segment repeating the previous acknowledgment and window, just after the other side sent a keep-alive: the answer that keeps the connection alive (RFC 9293 §3.8.4)"
);
field!(
    DUPLICATE_ACK,
    "tcp.analysis.duplicate_ack",
    "Duplicate ACK",
    None,
    "an empty segment with the same acknowledgment number and window as the previous one: the receiver got a segment beyond a gap and asks again for the missing bytes (RFC 5681 §2)"
);
field!(
    DUPLICATE_ACK_NUM,
    "tcp.analysis.duplicate_ack_num",
    "Duplicate ACK #",
    UInt 32,
    Dec,
    "how many duplicates of the same acknowledgment this one makes: at the third, a sender starts a fast retransmission (RFC 5681 §3.2)"
);
field!(
    DUPLICATE_ACK_FRAME,
    "tcp.analysis.duplicate_ack_frame",
    "Duplicate to the ACK in frame",
    FrameNum,
    "the frame of the first ACK with this acknowledgment number, the one this segment repeats (RFC 5681 §2)"
);
field!(
    ZERO_WINDOW,
    "tcp.analysis.zero_window",
    "TCP Zero Window segment",
    None,
    "the sender of this segment advertises a window of 0: its receive buffer is full because its application is not reading, and the peer must stop sending (RFC 9293 §3.8.6.1)"
);
field!(
    ZERO_WINDOW_PROBE,
    "tcp.analysis.zero_window_probe",
    "TCP Zero Window Probe",
    None,
    "one byte sent at the next sequence number while the peer's window is 0: a probe that makes the peer repeat its window, so a lost window update cannot stall the connection for ever (RFC 9293 §3.8.6.1)"
);
field!(
    ZERO_WINDOW_PROBE_ACK,
    "tcp.analysis.zero_window_probe_ack",
    "ACK to a TCP Zero Window Probe",
    None,
    "the answer to a zero window probe: the same acknowledgment, still a window of 0, the probe's byte not accepted (RFC 9293 §3.8.6.1)"
);

/// Every field, for the registry (`wirelab fields`, display filters, `-e`).
pub static FIELDS: &[&FieldDef] = &[
    &ANALYSIS,
    &ACKS_FRAME,
    &ACK_RTT,
    &INITIAL_RTT,
    &BYTES_IN_FLIGHT,
    &PUSH_BYTES_SENT,
    &FLAGS,
    &RETRANSMISSION,
    &FAST_RETRANSMISSION,
    &SPURIOUS_RETRANSMISSION,
    &OUT_OF_ORDER,
    &REUSED_PORTS,
    &LOST_SEGMENT,
    &ACK_LOST_SEGMENT,
    &WINDOW_UPDATE,
    &WINDOW_FULL,
    &KEEP_ALIVE,
    &KEEP_ALIVE_ACK,
    &DUPLICATE_ACK,
    &DUPLICATE_ACK_NUM,
    &DUPLICATE_ACK_FRAME,
    &ZERO_WINDOW,
    &ZERO_WINDOW_PROBE,
    &ZERO_WINDOW_PROBE_ACK,
];
