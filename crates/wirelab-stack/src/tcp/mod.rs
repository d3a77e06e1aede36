//! TCP per RFC 9293, sans-IO: one [`Connection`] is one transmission control block.
//!
//! Before reading `input.rs` open RFC 9293 §3.10.7 ("SEGMENT ARRIVES") beside it: the
//! function follows the RFC's steps in order and quotes each rule where it applies it.
//!
//! | file            | concern                                                        |
//! |-----------------|----------------------------------------------------------------|
//! | `state.rs`      | the eleven states and the RFC's diagram                        |
//! | `send.rs`       | send sequence space (SND.UNA, SND.NXT, SND.WND, ...) and buffer |
//! | `recv.rs`       | receive sequence space, acceptability test, out-of-order queue |
//! | `timer.rs`      | RTO (RFC 6298), persist, delayed ACK, TIME-WAIT                |
//! | `congestion.rs` | slow start, congestion avoidance, fast recovery (NewReno)      |
//! | `cubic.rs`      | CUBIC's window growth and decrease (RFC 9438), selectable      |
//! | `sack.rs`       | the SACK scoreboard: IsLost, SetPipe, NextSeg (RFC 6675 §4)    |
//! | `recovery.rs`   | entering and leaving loss recovery (RFC 6675, 6582, 5827)      |
//! | `options.rs`    | MSS, window scale, SACK-permitted, timestamps                  |
//! | `isn.rs`        | initial sequence numbers (RFC 6528)                            |
//! | `connection.rs` | the TCB, the user calls (OPEN, SEND, RECEIVE, CLOSE, ABORT)    |
//! | `input.rs`      | SEGMENT ARRIVES (§3.10.7)                                      |
//! | `output.rs`     | what to send next, and the timeouts                            |

mod congestion;
mod connection;
mod cubic;
mod input;
mod isn;
pub mod options;
mod output;
mod recovery;
mod recv;
mod sack;
mod send;
mod state;
mod timer;

#[cfg(test)]
mod tests;

pub use congestion::{Algorithm, Congestion};
pub use connection::Connection;
pub use cubic::Cubic;
pub use input::reset_for_closed;
pub use isn::initial_sequence_number;
pub use recv::RecvSequence;
pub use send::{SendRange, SendSequence};
pub use state::State;
pub use timer::RttEstimator;

use crate::wire::{SeqNumber, TcpRepr, TcpSummary};
use crate::Duration;
use std::fmt;
use std::net::SocketAddrV4;

/// Settings of a connection. The defaults are the RFCs'; tests and demos shorten the times.
#[derive(Clone, Debug)]
pub struct Config {
    /// The MSS we announce and the largest payload we send.
    pub mss: usize,
    pub send_buffer: usize,
    pub recv_buffer: usize,
    /// Offer window scaling (RFC 7323 §2).
    pub window_scaling: bool,
    /// Offer SACK (RFC 2018).
    pub sack: bool,
    /// Offer timestamps (RFC 7323 §3).
    pub timestamps: bool,
    /// Nagle's algorithm (RFC 896, RFC 9293 §3.7.4): hold small segments while data is
    /// unacknowledged.
    pub nagle: bool,
    /// Delay for ACKs of in-order data (RFC 9293 §3.8.6.3: below 0.5 s); `None` acknowledges
    /// every segment at once.
    pub delayed_ack: Option<Duration>,
    pub initial_rto: Duration,
    /// RFC 6298 (2.4) says 1 s; demos on a fast simulated link use less.
    pub min_rto: Duration,
    pub max_rto: Duration,
    /// Maximum segment lifetime: TIME-WAIT lasts 2 x MSL (RFC 9293 §3.4.2 uses 2 minutes).
    pub msl: Duration,
    /// Retransmission timeouts in a row after which the connection is aborted
    /// (RFC 9293 §3.8.3, R2).
    pub max_retransmissions: u32,
    /// Secret key of the ISN function (RFC 6528), drawn once by the driver.
    pub isn_secret: [u8; 16],
    /// Record [`Event`]s for `poll_event`.
    pub events: bool,
    /// NewReno (RFC 5681, RFC 6582) or CUBIC (RFC 9438).
    pub congestion: Algorithm,
    /// Keep-alives (RFC 9293 §3.8.4): after this long without hearing from the peer, probe
    /// it. Off by default ("MUST default to off"); RFC 1122 §4.2.3.6 wants at least two hours
    /// when on.
    pub keepalive: Option<Duration>,
    /// Time between unanswered keep-alive probes.
    pub keepalive_interval: Duration,
    /// Unanswered probes after which the connection is aborted.
    pub keepalive_probes: u32,
    /// Challenge ACKs per second at most (RFC 5961 §7, ACK throttling).
    pub challenge_ack_limit: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            mss: 1460,
            send_buffer: 64 * 1024,
            recv_buffer: 64 * 1024,
            window_scaling: true,
            sack: true,
            timestamps: true,
            nagle: true,
            delayed_ack: Some(Duration::from_millis(40)),
            initial_rto: Duration::from_secs(1),
            min_rto: Duration::from_secs(1),
            max_rto: Duration::from_secs(60),
            msl: Duration::from_secs(120),
            max_retransmissions: 12,
            isn_secret: [0; 16],
            events: true,
            congestion: Algorithm::NewReno,
            keepalive: None,
            keepalive_interval: Duration::from_secs(75),
            keepalive_probes: 9,
            challenge_ack_limit: 10,
        }
    }
}

/// Why a segment was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendReason {
    /// The SYN of an active open, or the SYN-ACK of a passive or simultaneous open.
    Syn,
    NewData,
    /// A FIN with no new data.
    Fin,
    /// New data sent on the first or second duplicate ACK (RFC 3042).
    LimitedTransmit,
    RtoRetransmission,
    FastRetransmission,
    /// A fast retransmission on fewer than three duplicate ACKs, because too little data
    /// was outstanding for three to come (RFC 5827).
    EarlyRetransmission,
    /// During SACK-based recovery, a hole NextSeg() chose (RFC 6675 §4, rules 1 and 3).
    SackRetransmission,
    /// The one "rescue" retransmission of a recovery, of the highest unSACKed segment, when
    /// nothing else may be sent (RFC 6675 §4, NextSeg() rule 4).
    RescueRetransmission,
    WindowProbe,
    /// A keep-alive probe: `<SEQ=SND.NXT-1>`, an old sequence number the peer must ACK.
    KeepAlive,
    /// An acknowledgment with nothing else: of in-order data (at once or delayed), of a FIN.
    PureAck,
    /// An immediate ACK for a segment out of order or filling a gap (RFC 5681 §4.2), with
    /// SACK blocks when negotiated.
    DuplicateAck,
    /// Our window opened after the application read (RFC 9293 §3.8.6.2.2).
    WindowUpdate,
    /// The ACK sent for an unacceptable segment (RFC 9293 §3.10.7.4, first step).
    AckOfUnacceptable,
    /// RFC 5961 §3.2 and §4.2: an ACK that a blind RST or SYN makes us send instead of
    /// obeying it.
    ChallengeAck,
    Reset,
}

/// Why a connection ended other than by an orderly close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionError {
    /// The peer answered our SYN with RST (RFC 9293 §3.10.7.3: "connection refused").
    Refused,
    /// The peer reset the connection ("connection reset").
    Reset,
    /// The retransmission limit was reached.
    TimedOut,
    /// The application aborted.
    Aborted,
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectionError::Refused => "connection refused",
            ConnectionError::Reset => "connection reset",
            ConnectionError::TimedOut => "connection timed out (retransmission limit)",
            ConnectionError::Aborted => "connection aborted",
        })
    }
}

impl std::error::Error for ConnectionError {}

/// What a connection can tell an observer: the trace of its life.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    StateChanged {
        from: State,
        to: State,
        reason: &'static str,
    },
    SegmentSent {
        summary: TcpSummary,
        reason: SendReason,
    },
    SegmentReceived {
        summary: TcpSummary,
    },
    /// A received segment that was dropped, and the rule that dropped it.
    SegmentDropped {
        summary: TcpSummary,
        why: &'static str,
    },
    /// cwnd or ssthresh changed; `why` names the phase: "slow start", "congestion
    /// avoidance", "fast recovery", "recovery ended" (cwnd set as recovery ends, RFC 6582
    /// §3.2 step 3) or "timeout" (RFC 5681 §3.1: the loss window).
    CongestionChanged {
        cwnd: usize,
        ssthresh: usize,
        why: &'static str,
    },
    /// Loss recovery began (RFC 5681 §3.2, RFC 6582, RFC 6675 §5 step (4), RFC 5827); it
    /// lasts until SND.UNA reaches `recovery_point` (SND.MAX when it began).
    RecoveryEntered {
        why: &'static str,
        recovery_point: SeqNumber,
    },
    /// Loss recovery ended: its data was acknowledged, or the retransmission timer expired.
    RecoveryExited {
        why: &'static str,
    },
    WindowChanged {
        /// SND.WND (scaled).
        send: usize,
        /// RCV.WND as advertised.
        receive: usize,
    },
    RttChanged {
        srtt: Duration,
        rttvar: Duration,
        rto: Duration,
    },
    Error(ConnectionError),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::StateChanged { from, to, reason } => {
                write!(f, "state {from} -> {to} ({reason})")
            }
            Event::SegmentSent { summary, reason } => write!(f, "sent {summary} ({reason:?})"),
            Event::SegmentReceived { summary } => write!(f, "rcvd {summary}"),
            Event::SegmentDropped { summary, why } => write!(f, "drop {summary} ({why})"),
            Event::CongestionChanged {
                cwnd,
                ssthresh,
                why,
            } => {
                if *ssthresh == usize::MAX {
                    write!(f, "cwnd {cwnd} ssthresh inf ({why})")
                } else {
                    write!(f, "cwnd {cwnd} ssthresh {ssthresh} ({why})")
                }
            }
            Event::RecoveryEntered {
                why,
                recovery_point,
            } => write!(f, "recovery until {recovery_point} ({why})"),
            Event::RecoveryExited { why } => write!(f, "recovery ended ({why})"),
            Event::WindowChanged { send, receive } => write!(f, "window snd {send} rcv {receive}"),
            Event::RttChanged { srtt, rttvar, rto } => write!(
                f,
                "srtt {:.1} ms rttvar {:.1} ms rto {:.1} ms",
                srtt.as_secs_f64() * 1e3,
                rttvar.as_secs_f64() * 1e3,
                rto.as_secs_f64() * 1e3
            ),
            Event::Error(e) => write!(f, "error: {e}"),
        }
    }
}

/// A segment to put on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transmit {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub repr: TcpRepr,
    /// The data it carries, still in the send buffer: the interface copies it into the
    /// frame with [`Connection::append_payload`].
    pub payload: SendRange,
    pub reason: SendReason,
}

impl Transmit {
    pub fn summary(&self) -> TcpSummary {
        TcpSummary {
            src: self.src,
            dst: self.dst,
            repr: self.repr,
            payload_len: self.payload.len(),
        }
    }
}
