//! The RFC 9293 state machine, run from the capture point: each segment moves its sender
//! (by sending it) and its receiver (by receiving it, which the capture can only assume).
//!
//! ```text
//!  client                          capture                          server
//!  CLOSED ──SYN──────────────────────>│──────────────────────────> LISTEN
//!  SYN-SENT                           │                            SYN-RECEIVED
//!         <──────────────────────────│<──────────────SYN,ACK────
//!  ESTABLISHED                        │
//!         ──ACK─────────────────────>│──────────────────────────> ESTABLISHED
//! ```

use super::{Assumption, TcpState};
use crate::seq::flow::seq_after;
use wirelab_wire::conversation::Endpoint;
use wirelab_wire::tcp::{ACK, FIN, RST, SYN};
use wirelab_wire::TcpSegment;

/// One endpoint of a connection, as far as the capture saw it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Side {
    pub endpoint: Endpoint,
    pub state: TcpState,
    /// Its initial sequence number (ISS, RFC 9293 §3.4.1), once its SYN was seen.
    pub syn_seq: Option<u32>,
    /// The sequence number after the last it sent (its SND.NXT, which is the peer's RCV.NXT
    /// once everything arrived), once it sent anything.
    pub next_seq: Option<u32>,
    /// The sequence number its FIN occupies, once it sent one.
    pub fin_seq: Option<u32>,
    /// The receive window it last advertised, scaled (its RCV.WND).
    pub window: u32,
    /// Whether it came from LISTEN: a RST then returns it there (RFC 9293 §3.10.7.4).
    pub passive: bool,
    /// Whether it sent a FIN before its peer did (Wireshark's `closing_initiator`).
    pub closing_initiator: bool,
}

impl Side {
    fn new(endpoint: Endpoint, state: TcpState) -> Side {
        Side {
            endpoint,
            state,
            syn_seq: None,
            next_seq: None,
            fin_seq: None,
            window: 0,
            passive: false,
            closing_initiator: false,
        }
    }
}

/// Both endpoints of one TCP stream.
#[derive(Clone, Copy, Debug)]
pub(super) struct Connection {
    /// The sender of the first segment seen.
    pub a: Side,
    pub b: Side,
}

/// What one segment did to both ends.
#[derive(Clone, Copy, Debug)]
pub(super) struct Moves {
    pub src_before: TcpState,
    pub dst_before: TcpState,
    pub assumption: Option<Assumption>,
    /// For a FIN, Wireshark's `tcp.connection.fin_active` / `fin_passive`: `Some(true)` when
    /// its sender closes first (every FIN it sends before the peer's first FIN, repeats
    /// included), `Some(false)` when the peer had closed first.
    pub fin_active: Option<bool>,
}

/// `ack` acknowledges the octet at `seq` (SEG.ACK > seq, RFC 9293 §3.4).
fn acks(ack: u32, seq: u32) -> bool {
    seq_after(ack, seq)
}

impl Connection {
    /// The connection a first segment implies. A SYN starts from CLOSED and LISTEN; a SYN,ACK
    /// means the SYN was missed; anything else means the capture began after the handshake.
    pub fn first_seen(segment: &TcpSegment<'_>) -> (Connection, Option<Assumption>) {
        let (a, b, assumption) = match (segment.has(SYN), segment.has(ACK)) {
            (true, false) => (TcpState::Closed, TcpState::Listen, None),
            (true, true) => (
                TcpState::Listen,
                TcpState::SynSent,
                Some(Assumption::SynNotCaptured),
            ),
            _ => (
                TcpState::Established,
                TcpState::Established,
                Some(Assumption::MidConnection),
            ),
        };
        let connection = Connection {
            a: Side::new(segment.src, a),
            b: Side::new(segment.dst, b),
        };
        (connection, assumption)
    }

    /// Whether a SYN begins a new connection on a finished one (the ports were reused).
    pub fn is_reopened_by(&self, segment: &TcpSegment<'_>) -> bool {
        let done = |state| matches!(state, TcpState::Closed | TcpState::TimeWait);
        segment.has(SYN)
            && !segment.has(ACK)
            && done(self.a.state)
            && done(self.b.state)
            && self.side(segment.src).syn_seq != Some(segment.seq)
    }

    fn side(&self, endpoint: Endpoint) -> &Side {
        if self.a.endpoint == endpoint {
            &self.a
        } else {
            &self.b
        }
    }

    /// The sender and the receiver of a segment.
    pub fn sides_mut(&mut self, src: Endpoint) -> (&mut Side, &mut Side) {
        if self.a.endpoint == src {
            (&mut self.a, &mut self.b)
        } else {
            (&mut self.b, &mut self.a)
        }
    }

    /// Apply one segment; `retransmitted` is the sequence analysis's word on it.
    pub fn apply(&mut self, segment: &TcpSegment<'_>, retransmitted: bool) -> Moves {
        let (src, dst) = self.sides_mut(segment.src);
        let mut moves = Moves {
            src_before: src.state,
            dst_before: dst.state,
            assumption: None,
            fin_active: None,
        };
        if segment.has(FIN) {
            let active = !dst.closing_initiator;
            src.closing_initiator |= active;
            moves.fin_active = Some(active);
        }
        // The sequence number a FIN in this segment occupies: after the SYN and the data.
        let fin_seq = segment
            .seq
            .wrapping_add(segment.has(SYN) as u32)
            .wrapping_add(segment.len);
        let repeated_fin =
            segment.has(FIN) && (retransmitted || src.fin_seq.is_some_and(|seen| seen == fin_seq));
        let repeated_syn = segment.has(SYN) && (retransmitted || src.syn_seq == Some(segment.seq));

        if segment.has(RST) {
            moves.assumption = receive_reset(segment, src, dst);
            src.state = TcpState::Closed;
            remember_sent(segment, src);
            return moves;
        }

        send(segment, src, dst.fin_seq, &mut moves);
        if segment.has(FIN) && src.fin_seq.is_none() {
            src.fin_seq = Some(fin_seq);
        }
        if segment.has(SYN) && src.syn_seq.is_none() {
            src.syn_seq = Some(segment.seq);
        }
        remember_sent(segment, src);
        receive(segment, dst, &mut moves);

        if moves.src_before == TcpState::Closed && !segment.has(SYN) {
            moves.assumption = Some(Assumption::SentAfterClose);
        } else if repeated_fin {
            moves.assumption = Some(Assumption::RepeatedFin);
        } else if repeated_syn {
            moves.assumption = Some(Assumption::RepeatedSyn);
        } else if moves.assumption.is_none() && dst.state != moves.dst_before {
            moves.assumption = Some(Assumption::ReceiptAssumed);
        }
        moves
    }
}

/// Record how far the sender got in sequence space and what window it offers.
fn remember_sent(segment: &TcpSegment<'_>, src: &mut Side) {
    let end = segment
        .seq
        .wrapping_add(segment.len)
        .wrapping_add(segment.has(SYN) as u32)
        .wrapping_add(segment.has(FIN) as u32);
    match src.next_seq {
        Some(next) if !seq_after(end, next) => {}
        _ => src.next_seq = Some(end),
    }
    src.window = segment.window_scaled;
}

/// What sending a segment does to its sender (RFC 9293 §3.3.2, Figure 5).
fn send(segment: &TcpSegment<'_>, src: &mut Side, peer_fin: Option<u32>, moves: &mut Moves) {
    use TcpState::*;
    src.state = match (src.state, segment.has(SYN), segment.has(ACK)) {
        // An active OPEN sends a SYN.
        (Closed | Listen, true, false) => SynSent,
        // A passive OPEN answers a SYN with SYN,ACK.
        (Closed | Listen, true, true) => {
            src.passive = true;
            SynReceived
        }
        // Our model put this end in SYN-RECEIVED because the peer's SYN came first, but it
        // sends a SYN of its own: both sent SYNs (a simultaneous open, RFC 9293 §3.5 Figure 8).
        (SynReceived, true, false) => {
            src.passive = false;
            moves.assumption = Some(Assumption::SimultaneousOpen);
            SynReceived
        }
        // It acknowledges without a SYN, so it must have received the SYN,ACK we missed.
        (SynSent, false, true) => {
            moves.assumption = Some(Assumption::SynAckNotCaptured);
            Established
        }
        (state, _, _) => state,
    };
    if segment.has(FIN) {
        // A FIN that does not acknowledge the peer's FIN was sent before that FIN arrived:
        // both closed at once (RFC 9293 §3.6 Figure 13). The peer's FIN, already past the
        // capture point, then finds this end in FIN-WAIT-1 and moves it to CLOSING.
        let peer_fin_unacknowledged =
            peer_fin.is_some_and(|fin| !(segment.has(ACK) && acks(segment.ack, fin)));
        src.state = match src.state {
            // CLOSE from ESTABLISHED or SYN-RECEIVED sends a FIN (RFC 9293 §3.10.4).
            SynReceived | Established => FinWait1,
            CloseWait if peer_fin_unacknowledged => {
                moves.assumption = Some(Assumption::SimultaneousClose);
                Closing
            }
            CloseWait => LastAck,
            state => state,
        };
    }
}

/// What receiving a segment does to its receiver, in the order of RFC 9293 §3.10.7.4: the ACK
/// field first, then the FIN.
fn receive(segment: &TcpSegment<'_>, dst: &mut Side, moves: &mut Moves) {
    use TcpState::*;
    let ack = segment.has(ACK);
    // When the receiver's SYN was not captured, its ISS is unknown: trust the ACK.
    let acks_syn = ack && dst.syn_seq.is_none_or(|iss| acks(segment.ack, iss));
    let acks_fin = ack && dst.fin_seq.is_some_and(|fin| acks(segment.ack, fin));
    dst.state = match (dst.state, segment.has(SYN)) {
        (Closed | Listen, true) if !ack => {
            dst.passive = true;
            SynReceived
        }
        // Both sent SYNs: each answers the other's from SYN-SENT (RFC 9293 §3.5 Figure 8).
        (SynSent, true) if !ack => {
            moves.assumption = Some(Assumption::SimultaneousOpen);
            SynReceived
        }
        (SynSent | SynReceived, true) if acks_syn => Established,
        (SynReceived, false) if acks_syn => Established,
        (FinWait1, false) if acks_fin => FinWait2,
        (Closing, false) if acks_fin => TimeWait,
        (LastAck, false) if acks_fin => Closed,
        (state, _) => state,
    };
    // A FIN+ACK that also acknowledges our FIN: FIN-WAIT-1 went to FIN-WAIT-2 just above.
    if segment.has(FIN) {
        dst.state = match dst.state {
            SynReceived | Established => CloseWait,
            FinWait1 => Closing,
            FinWait2 => TimeWait,
            state => state,
        };
    }
}

/// Whether the receiver accepts a RST (RFC 9293 §3.10.7.4, as hardened by RFC 5961 §3.2):
/// in SYN-SENT it must acknowledge our SYN; in a synchronized state its sequence number must be
/// exactly RCV.NXT; one elsewhere in the window only draws a challenge ACK.
fn receive_reset(segment: &TcpSegment<'_>, src: &Side, dst: &mut Side) -> Option<Assumption> {
    use TcpState::*;
    let accepted = match dst.state {
        Closed | Listen => return Some(Assumption::ResetIgnored),
        SynSent => {
            let acks_syn = segment.has(ACK)
                && dst
                    .syn_seq
                    .is_none_or(|iss| segment.ack == iss.wrapping_add(1));
            if !acks_syn {
                return Some(Assumption::ResetIgnored);
            }
            Assumption::ResetAccepted
        }
        _ => match src.next_seq {
            None => Assumption::ResetAccepted,
            Some(rcv_nxt) if segment.seq == rcv_nxt => Assumption::ResetAccepted,
            Some(rcv_nxt) if segment.seq.wrapping_sub(rcv_nxt) < dst.window.max(1) => {
                return Some(Assumption::ResetChallenged);
            }
            Some(_) => return Some(Assumption::ResetOutOfWindow),
        },
    };
    dst.state = if dst.state == SynReceived && dst.passive {
        Listen
    } else {
        Closed
    };
    Some(accepted)
}
