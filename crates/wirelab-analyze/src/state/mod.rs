//! Endpoint states (RFC 9293 §3.3.2) inferred from a capture: after every segment, the state
//! of the host that sent it and of the host it is going to.
//!
//! ```text
//!  segment from A to B ──> A's state moves by SENDING it  (SYN: CLOSED → SYN-SENT,
//!                                                          FIN: ESTABLISHED → FIN-WAIT-1)
//!                      ──> B's state moves by RECEIVING it (ACK of B's FIN: FIN-WAIT-1 →
//!                                                          FIN-WAIT-2, FIN: → CLOSE-WAIT)
//! ```
//!
//! The capture point sits somewhere between the hosts, so it knows less than either of them:
//! it sees a segment leave but not arrive, it may start after the handshake, and it sees
//! retransmissions that the receiver may discard. Wherever the state shown rests on such a
//! guess, the segment carries `wirelab.tcp.state.assumption` saying which.

mod machine;
#[cfg(test)]
mod tests;

use crate::SeqVerdict;
use machine::Connection;
use std::fmt;
use wirelab_wire::conversation::Endpoint;
use wirelab_wire::expert::{Group, Severity};
use wirelab_wire::{field, Dissection, FieldDef, TcpSegment, Value};

/// The states of a TCP endpoint (RFC 9293 §3.3.2), spelled as in the RFC by `Display`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TcpState {
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    Closing,
    TimeWait,
    CloseWait,
    LastAck,
}

impl TcpState {
    /// The RFC's name: `SYN-SENT`, `FIN-WAIT-1`.
    pub fn name(self) -> &'static str {
        match self {
            TcpState::Closed => "CLOSED",
            TcpState::Listen => "LISTEN",
            TcpState::SynSent => "SYN-SENT",
            TcpState::SynReceived => "SYN-RECEIVED",
            TcpState::Established => "ESTABLISHED",
            TcpState::FinWait1 => "FIN-WAIT-1",
            TcpState::FinWait2 => "FIN-WAIT-2",
            TcpState::Closing => "CLOSING",
            TcpState::TimeWait => "TIME-WAIT",
            TcpState::CloseWait => "CLOSE-WAIT",
            TcpState::LastAck => "LAST-ACK",
        }
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the states shown rest on something the capture cannot know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Assumption {
    /// The first segment of the stream is no SYN: the capture began after the handshake.
    MidConnection,
    /// The first segment is a SYN,ACK: the SYN before it was not captured.
    SynNotCaptured,
    /// The sender of the SYN acknowledges without the SYN,ACK having been captured.
    SynAckNotCaptured,
    /// The receiver's new state assumes the segment reached it.
    ReceiptAssumed,
    /// Both ends sent a SYN.
    SimultaneousOpen,
    /// Both ends sent a FIN before receiving the other's.
    SimultaneousClose,
    /// A SYN seen before: it moves no state a second time.
    RepeatedSyn,
    /// A FIN seen before: it moves no state a second time.
    RepeatedFin,
    /// A segment from an end the model already has CLOSED.
    SentAfterClose,
    /// A RST at exactly RCV.NXT: the receiver closes.
    ResetAccepted,
    /// A RST inside the window but not at RCV.NXT: the receiver only answers with an ACK.
    ResetChallenged,
    /// A RST outside the receive window: the receiver drops it.
    ResetOutOfWindow,
    /// A RST to an endpoint with no connection, or one in SYN-SENT that does not acknowledge
    /// its SYN: dropped.
    ResetIgnored,
}

impl Assumption {
    /// One sentence for the tree, with the RFC section it rests on.
    pub fn explain(self) -> &'static str {
        match self {
            Assumption::MidConnection => "the capture starts after the handshake: both endpoints assumed ESTABLISHED (RFC 9293 §3.3.2)",
            Assumption::SynNotCaptured => "the SYN was not captured: its sender assumed in SYN-SENT, this sender in LISTEN (RFC 9293 §3.5)",
            Assumption::SynAckNotCaptured => "the SYN,ACK was not captured: this acknowledgment shows the sender received it (RFC 9293 §3.5)",
            Assumption::ReceiptAssumed => "the receiver's state assumes this segment reached it; the capture point only saw it pass (RFC 9293 §3.10.7)",
            Assumption::SimultaneousOpen => "both ends sent a SYN: a simultaneous open, each SYN-SENT end goes to SYN-RECEIVED (RFC 9293 §3.5, Figure 8)",
            Assumption::SimultaneousClose => "this FIN does not acknowledge the peer's, so its sender had not yet received the peer's FIN when it sent it: it was in FIN-WAIT-1, not in the CLOSE-WAIT the capture point assumed when it saw the peer's FIN go by; both ends closed at once and each goes through CLOSING (RFC 9293 §3.6, Figure 13)",
            Assumption::RepeatedSyn => "a retransmitted SYN: it moves no state a second time (RFC 9293 §3.8.1)",
            Assumption::RepeatedFin => "a retransmitted FIN: it moves no state a second time (RFC 9293 §3.6)",
            Assumption::SentAfterClose => "the sender is CLOSED as far as the capture knows: this segment left before the segment that closed it arrived, the two crossing on the way (RFC 9293 §3.6)",
            Assumption::ResetAccepted => "the RST's sequence number is the receiver's RCV.NXT, so the receiver resets the connection (RFC 9293 §3.10.7.4)",
            Assumption::ResetChallenged => "the RST is in the receive window but not at RCV.NXT: the receiver sends a challenge ACK and keeps its state (RFC 9293 §3.10.7.4, RFC 5961 §3.2)",
            Assumption::ResetOutOfWindow => "the RST is outside the receive window: the receiver drops it (RFC 9293 §3.10.7.4)",
            Assumption::ResetIgnored => "a RST to an endpoint in LISTEN or CLOSED, or one not acknowledging the SYN in SYN-SENT, is dropped (RFC 9293 §3.10.7.2, §3.10.7.3)",
        }
    }
}

/// What one segment did to the states of its two endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateChange {
    pub frame_number: u64,
    pub stream: u32,
    pub src: Endpoint,
    pub src_before: TcpState,
    pub src_after: TcpState,
    pub dst: Endpoint,
    pub dst_before: TcpState,
    pub dst_after: TcpState,
    pub assumption: Option<Assumption>,
}

/// The states of every TCP stream's endpoints, updated segment by segment.
#[derive(Default)]
pub struct EndpointStates {
    /// Indexed by `tcp.stream`, which tshark numbers densely from 0.
    connections: Vec<Option<Connection>>,
    last: Option<StateChange>,
}

impl EndpointStates {
    /// Move the states of the segment's sender and receiver, and add what changed to the TCP
    /// tree. Retransmissions (by the sequence analysis) move no state a second time.
    pub fn segment(
        &mut self,
        segment: &TcpSegment<'_>,
        verdict: &SeqVerdict,
        d: &mut Dissection,
    ) -> StateChange {
        let index = segment.stream as usize;
        if self.connections.len() <= index {
            self.connections.resize(index + 1, None);
        }
        let slot = &mut self.connections[index];
        let mut first = None;
        let connection = match slot {
            Some(connection) if !connection.is_reopened_by(segment) => connection,
            _ => {
                let (connection, assumption) = Connection::first_seen(segment);
                first = assumption;
                slot.insert(connection)
            }
        };
        let moves = connection.apply(segment, verdict.is_retransmission());
        let (src, dst) = connection.sides_mut(segment.src);
        let change = StateChange {
            frame_number: segment.frame_number,
            stream: segment.stream,
            src: src.endpoint,
            src_before: moves.src_before,
            src_after: src.state,
            dst: dst.endpoint,
            dst_before: moves.dst_before,
            dst_after: dst.state,
            assumption: first.or(moves.assumption),
        };
        match moves.fin_active {
            Some(true) => d.add_expert(
                Severity::Note,
                Group::Sequence,
                "tcp",
                "This frame initiates the connection closing",
            ),
            Some(false) => d.add_expert(
                Severity::Note,
                Group::Sequence,
                "tcp",
                "This frame undergoes the connection closing",
            ),
            None => {}
        }
        if d.keeps_tree() {
            add_fields(&change, d);
        }
        self.last = Some(change);
        change
    }

    /// The two endpoints of a stream and their states now (the sender of the first segment
    /// seen comes first).
    pub fn states(&self, stream: u32) -> Option<(Endpoint, TcpState, Endpoint, TcpState)> {
        let connection = self.connections.get(stream as usize)?.as_ref()?;
        Some((
            connection.a.endpoint,
            connection.a.state,
            connection.b.endpoint,
            connection.b.state,
        ))
    }

    /// What the last segment did, for views that follow the trace frame by frame (the ladder,
    /// the TUI): check its `frame_number` against the frame being shown.
    pub fn last_change(&self) -> Option<&StateChange> {
        self.last.as_ref()
    }
}

fn add_fields(change: &StateChange, d: &mut Dissection) {
    let index = d.open(&STATE, 0..0, Value::None);
    d.set_title(
        index,
        format_args!(
            "[Endpoint states: sender {}, receiver {}]",
            change.src_after, change.dst_after
        ),
    );
    let src = d.text_value(format_args!("{}", change.src_after));
    d.add_generated(&STATE_SRC, src);
    if change.src_before != change.src_after {
        let text = d.text_value(format_args!("{} → {}", change.src_before, change.src_after));
        d.add_generated(&STATE_SRC_TRANSITION, text);
    }
    let dst = d.text_value(format_args!("{}", change.dst_after));
    d.add_generated(&STATE_DST, dst);
    if change.dst_before != change.dst_after {
        let text = d.text_value(format_args!("{} → {}", change.dst_before, change.dst_after));
        d.add_generated(&STATE_DST_TRANSITION, text);
    }
    if let Some(assumption) = change.assumption {
        d.add_generated(&STATE_ASSUMPTION, Value::Static(assumption.explain()));
    }
    d.close();
}

field!(
    STATE,
    "wirelab.tcp.state",
    "Endpoint states",
    None,
    "the RFC 9293 state of each endpoint after this segment, as the capture point can infer it (RFC 9293 §3.3.2)"
);
field!(
    STATE_SRC,
    "wirelab.tcp.state.src",
    "Sender state",
    Str,
    "the state of the host that sent this segment, once it has sent it (RFC 9293 §3.3.2)"
);
field!(
    STATE_SRC_TRANSITION,
    "wirelab.tcp.state.src_transition",
    "Sender transition",
    Str,
    "the sender's state before and after sending this segment, where sending it changed it (RFC 9293 §3.3.2, Figure 5)"
);
field!(
    STATE_DST,
    "wirelab.tcp.state.dst",
    "Receiver state",
    Str,
    "the state of the host this segment is going to, once it has processed it (RFC 9293 §3.10.7)"
);
field!(
    STATE_DST_TRANSITION,
    "wirelab.tcp.state.dst_transition",
    "Receiver transition",
    Str,
    "the receiver's state before and after processing this segment, where it changed it (RFC 9293 §3.10.7)"
);
field!(
    STATE_ASSUMPTION,
    "wirelab.tcp.state.assumption",
    "Assumption",
    Str,
    "what the states shown assume that the capture point cannot see (RFC 9293 §3.3.2)"
);

pub static FIELDS: &[&FieldDef] = &[
    &STATE,
    &STATE_SRC,
    &STATE_SRC_TRANSITION,
    &STATE_DST,
    &STATE_DST_TRANSITION,
    &STATE_ASSUMPTION,
];
