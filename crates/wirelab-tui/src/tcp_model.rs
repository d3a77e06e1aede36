//! What the TCP panel draws, worked out from the index (and the source's events): each
//! side's sequence spaces at the selected frame (RFC 9293 §3.3.1) and the congestion window,
//! slow-start threshold, SRTT and RTO over time.
//!
//! A capture shows only what crossed the wire, so from a capture these are *estimates*:
//!
//! ```text
//!  SND.UNA  the last acknowledgment the peer sent       SND.NXT  the highest sequence sent
//!  SND.WND  the peer's last advertised window           RCV.NXT  the last acknowledgment sent
//!  cwnd     ≈ bytes in flight (sent, not acknowledged): what the sender dared to send
//!  SRTT/RTO from ACK round-trip samples, by RFC 6298 §2 (Karn: not a resent segment's)
//! ```
//!
//! A source that ran the stack itself (a demo) reports the real values as events; the charts
//! use those instead.

use crate::index::{Index, TcpFacts};
use crate::source::{EventKind, TraceEvent};
use wirelab_stack::tcp::Event;
use wirelab_wire::tcp::{ACK, FIN, SYN};

/// One side's send sequence space (RFC 9293 §3.3.1, figure 3), relative numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendSpace {
    pub una: u32,
    pub nxt: u32,
    pub wnd: u32,
}

/// One side's receive sequence space (RFC 9293 §3.3.1, figure 4), relative numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiveSpace {
    pub nxt: u32,
    pub wnd: u32,
}

/// What the panel knows of one endpoint at the selected frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Side {
    /// `10.0.0.1:40000`.
    pub address: String,
    /// As the state analysis of the capture found it, or as the stack reported it.
    pub state: Option<String>,
    pub send: Option<SendSpace>,
    pub receive: Option<ReceiveSpace>,
}

/// `a` is before `b` in sequence space (RFC 9293 §3.4: comparisons are modulo 2^32).
fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// The sequence number after a segment: SYN and FIN take one each (RFC 9293 §3.4).
fn end_seq(f: &TcpFacts) -> u32 {
    let control = u32::from(f.flags & SYN != 0) + u32::from(f.flags & FIN != 0);
    f.seq.wrapping_add(f.len).wrapping_add(control)
}

/// The facts of stream `stream`'s segments, with their times in seconds, up to frame `upto`.
fn segments(index: &Index, stream: u32, upto: u64) -> Vec<(f64, TcpFacts)> {
    let frames = index.stream_frames(stream);
    frames
        .iter()
        .take_while(|n| u64::from(**n) <= upto)
        .filter_map(|n| {
            let entry = index.entry(u64::from(*n))?;
            Some((seconds(entry.time()), entry.tcp?))
        })
        .collect()
}

/// A time as the charts' x axis counts it.
pub(crate) fn seconds(t: wirelab_wire::Timestamp) -> f64 {
    t.as_nanos() as f64 / 1e9
}

/// What the segments of a stream said so far, for each side (0: A, 1: B).
#[derive(Clone, Copy, Debug, Default)]
pub struct Running {
    highest: [Option<u32>; 2],
    acked: [Option<u32>; 2],
    window: [Option<u32>; 2],
    states: Option<(
        wirelab_analyze::state::TcpState,
        wirelab_analyze::state::TcpState,
    )>,
}

impl Running {
    fn add(&mut self, f: &TcpFacts) {
        let from = usize::from(!f.from_a);
        let end = end_seq(f);
        if self.highest[from].is_none_or(|h| seq_lt(h, end)) {
            self.highest[from] = Some(end);
        }
        if f.flags & ACK != 0 {
            self.acked[from] = Some(f.ack);
        }
        self.window[from] = Some(f.window);
        self.states = f.states.or(self.states);
    }
}

/// How many segments apart the [`Checkpoints`] are.
const CHECKPOINT_EVERY: usize = 1024;

/// [`Running`] after every [`CHECKPOINT_EVERY`]-th segment of a stream, so that the panel of
/// a frame deep in a long stream adds up at most that many segments (a million-segment
/// stream: about a thousand checkpoints).
#[derive(Clone, Debug, Default)]
pub struct Checkpoints {
    /// `after[k]`: after the first `k * every` segments.
    after: Vec<Running>,
    every: usize,
}

impl Checkpoints {
    /// The checkpoints of stream `stream` as far as the index has read it.
    pub fn new(index: &Index, stream: u32) -> Checkpoints {
        Checkpoints::every(index, stream, CHECKPOINT_EVERY)
    }

    /// Checkpoints `every` segments apart (tests use a small spacing).
    pub fn every(index: &Index, stream: u32, every: usize) -> Checkpoints {
        let every = every.max(1);
        let mut after = vec![Running::default()];
        let mut running = Running::default();
        let frames = index.stream_frames(stream);
        for (i, n) in frames.iter().enumerate() {
            if let Some(f) = index.entry(u64::from(*n)).and_then(|e| e.tcp) {
                running.add(&f);
            }
            if (i + 1) % every == 0 {
                after.push(running);
            }
        }
        Checkpoints { after, every }
    }
}

/// Both sides (A first: the sender of the stream's first segment) after frame `number`.
pub fn sides_at(index: &Index, stream: u32, number: u64) -> [Side; 2] {
    sides_from(index, stream, number, &Checkpoints::default())
}

/// [`sides_at`], starting from the nearest checkpoint.
pub fn sides_from(index: &Index, stream: u32, number: u64, checkpoints: &Checkpoints) -> [Side; 2] {
    let names = index
        .conversations
        .iter()
        .find(|c| c.tcp && c.stream == stream)
        .map(|c| (c.a.clone(), c.b.clone()))
        .unwrap_or_else(|| ("A".into(), "B".into()));
    let mut sides = [
        Side {
            address: names.0,
            ..Side::default()
        },
        Side {
            address: names.1,
            ..Side::default()
        },
    ];
    let frames = index.stream_frames(stream);
    let upto = frames.partition_point(|n| u64::from(*n) <= number);
    let every = checkpoints.every.max(1);
    let checkpoint = (upto / every).min(checkpoints.after.len().saturating_sub(1));
    let mut running = checkpoints
        .after
        .get(checkpoint)
        .copied()
        .unwrap_or_default();
    let start = if checkpoints.after.is_empty() {
        0
    } else {
        checkpoint * every
    };
    for n in frames.get(start..upto).unwrap_or(&[]) {
        if let Some(f) = index.entry(u64::from(*n)).and_then(|e| e.tcp) {
            running.add(&f);
        }
    }
    let Running {
        highest,
        acked,
        window,
        states,
    } = running;
    for (me, side) in sides.iter_mut().enumerate() {
        let peer = 1 - me;
        if let Some(nxt) = highest[me] {
            side.send = Some(SendSpace {
                // Before the peer acknowledges anything, nothing is acknowledged: the ISN
                // (relative 0) is the oldest unacknowledged number.
                una: acked[peer].unwrap_or(0),
                nxt,
                wnd: window[peer].unwrap_or(0),
            });
        }
        if let (Some(nxt), Some(wnd)) = (acked[me], window[me]) {
            side.receive = Some(ReceiveSpace { nxt, wnd });
        }
        side.state = states.map(|(a, b): (wirelab_analyze::state::TcpState, _)| {
            if me == 0 { a } else { b }.name().to_string()
        });
    }
    sides
}

/// cwnd, ssthresh, SRTT and RTO of one sender over time: (seconds, value) points, bytes for
/// the windows and milliseconds for the times.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Charts {
    /// Whether these were estimated from the capture (no events from the stack).
    pub estimated: bool,
    /// The sender charted (its address), the one that sent the most bytes.
    pub sender: String,
    pub cwnd: Vec<(f64, f64)>,
    pub ssthresh: Vec<(f64, f64)>,
    pub srtt: Vec<(f64, f64)>,
    pub rto: Vec<(f64, f64)>,
}

/// RFC 6298 §2: the retransmission timer's estimator, in seconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct RttEstimator {
    srtt: Option<f64>,
    rttvar: f64,
}

impl RttEstimator {
    /// Clock granularity G, and the lower bound on the RTO of §2.4 (one second).
    const GRANULARITY: f64 = 0.001;
    const MIN_RTO: f64 = 1.0;

    /// Take a round-trip sample R; returns (SRTT, RTO).
    pub fn sample(&mut self, r: f64) -> (f64, f64) {
        let srtt = match self.srtt {
            // §2.2: the first measurement.
            None => {
                self.rttvar = r / 2.0;
                r
            }
            // §2.3: RTTVAR first, with the old SRTT; alpha 1/8, beta 1/4.
            Some(srtt) => {
                self.rttvar = 0.75 * self.rttvar + 0.25 * (srtt - r).abs();
                0.875 * srtt + 0.125 * r
            }
        };
        self.srtt = Some(srtt);
        let rto = (srtt + Self::GRANULARITY.max(4.0 * self.rttvar)).max(Self::MIN_RTO);
        (srtt, rto)
    }
}

/// Which side sent the most payload over the whole stream: the one whose congestion control
/// matters (true: A).
fn main_sender(all: &[(f64, TcpFacts)]) -> bool {
    let bytes = |a: bool| -> u64 {
        all.iter()
            .filter(|(_, f)| f.from_a == a)
            .map(|(_, f)| u64::from(f.len))
            .sum()
    };
    bytes(true) >= bytes(false)
}

/// The charts estimated from the capture: bytes in flight after each segment of the sender
/// as cwnd, ACK round trips into RFC 6298's SRTT and RTO.
pub fn estimate_charts(index: &Index, stream: u32) -> Charts {
    let all = segments(index, stream, u64::MAX);
    let sender_is_a = main_sender(&all);
    let sides = sides_at(index, stream, 0);
    let mut charts = Charts {
        estimated: true,
        sender: sides[usize::from(!sender_is_a)].address.clone(),
        ..Charts::default()
    };
    let mut highest: Option<u32> = None;
    let mut una: u32 = 0;
    // Segments not yet acknowledged: end sequence, time sent, whether it was sent again.
    let mut outstanding: Vec<(u32, f64, bool)> = Vec::new();
    let mut estimator = RttEstimator::default();
    for (t, f) in &all {
        if f.from_a == sender_is_a {
            let end = end_seq(f);
            let occupies = end != f.seq;
            if occupies {
                if highest.is_some_and(|h| !seq_lt(h, end)) {
                    // A retransmission: Karn's algorithm (RFC 6298 §3) takes no sample from
                    // the segments it may have resent.
                    for segment in outstanding.iter_mut().filter(|s| seq_lt(f.seq, s.0)) {
                        segment.2 = true;
                    }
                } else {
                    highest = Some(end);
                    outstanding.push((end, *t, false));
                }
            }
            if let Some(h) = highest {
                charts.cwnd.push((*t, f64::from(h.wrapping_sub(una))));
            }
        } else if f.flags & ACK != 0 && seq_lt(una, f.ack) {
            una = f.ack;
            // The newest segment this ACK covers gives the sample (tcp.analysis.ack_rtt).
            let covered = outstanding.partition_point(|s| !seq_lt(f.ack, s.0));
            if let Some(&(_, sent, resent)) =
                covered.checked_sub(1).and_then(|i| outstanding.get(i))
            {
                if !resent {
                    let (srtt, rto) = estimator.sample(t - sent);
                    charts.srtt.push((*t, srtt * 1000.0));
                    charts.rto.push((*t, rto * 1000.0));
                }
            }
            outstanding.drain(..covered);
            if let Some(h) = highest {
                charts.cwnd.push((*t, f64::from(h.wrapping_sub(una))));
            }
        }
    }
    charts
}

/// The charts from the stack's own events about stream endpoint `sender` or, if it reported
/// nothing, `other`; `None` when neither did (the source has no TCP events for the stream).
pub fn event_charts(events: &[TraceEvent], sender: &str, other: &str) -> Option<Charts> {
    [sender, other]
        .into_iter()
        .find_map(|address| charts_of(events, address))
}

fn charts_of(events: &[TraceEvent], address: &str) -> Option<Charts> {
    let mut charts = Charts {
        estimated: false,
        sender: address.to_string(),
        ..Charts::default()
    };
    let mut any = false;
    for traced in events {
        let EventKind::Tcp { local, event, .. } = &traced.kind else {
            continue;
        };
        if local.to_string() != address {
            continue;
        }
        any = true;
        let t = traced.micros as f64 / 1e6;
        match event {
            Event::CongestionChanged { cwnd, ssthresh, .. } => {
                charts.cwnd.push((t, *cwnd as f64));
                // Before the first loss ssthresh is "arbitrarily high" (RFC 5681 §3.1).
                if *ssthresh != usize::MAX {
                    charts.ssthresh.push((t, *ssthresh as f64));
                }
            }
            Event::RttChanged { srtt, rto, .. } => {
                charts.srtt.push((t, srtt.as_secs_f64() * 1000.0));
                charts.rto.push((t, rto.as_secs_f64() * 1000.0));
            }
            _ => {}
        }
    }
    any.then_some(charts)
}

/// The endpoint `address`'s state after frame `number`, as its stack reported it.
pub fn event_state(events: &[TraceEvent], address: &str, number: u64) -> Option<String> {
    events
        .iter()
        .rev()
        .filter(|e| e.after_frame < number)
        .find_map(|e| match &e.kind {
            EventKind::Tcp {
                local,
                event: Event::StateChanged { to, .. },
                ..
            } if local.to_string() == address => Some(to.name().to_string()),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_first_rtt_sample_sets_srtt_to_it_and_rttvar_to_half_of_it() {
        // RFC 6298 §2.2: R = 100 ms → SRTT 100 ms, RTTVAR 50 ms, RTO = 100 + 4·50 = 300 ms,
        // raised to the one-second floor of §2.4.
        let mut estimator = RttEstimator::default();
        let (srtt, rto) = estimator.sample(0.100);
        assert!(close(srtt, 0.100));
        assert!(close(rto, 1.0));
    }

    #[test]
    fn later_samples_move_srtt_by_an_eighth_and_rttvar_by_a_quarter() {
        // R = 2 s, then R' = 4 s (RFC 6298 §2.3): RTTVAR = 3/4·1 + 1/4·|2 − 4| = 1.25,
        // SRTT = 7/8·2 + 1/8·4 = 2.25, RTO = 2.25 + 4·1.25 = 7.25 s.
        let mut estimator = RttEstimator::default();
        estimator.sample(2.0);
        let (srtt, rto) = estimator.sample(4.0);
        assert!(close(srtt, 2.25), "{srtt}");
        assert!(close(rto, 7.25), "{rto}");
    }

    #[test]
    fn sequence_comparisons_wrap_around_two_to_the_thirty_second() {
        assert!(seq_lt(u32::MAX - 10, 5));
        assert!(!seq_lt(5, u32::MAX - 10));
        assert!(!seq_lt(7, 7));
    }

    #[test]
    fn syn_and_fin_take_one_sequence_number_each() {
        let facts = |flags, len| TcpFacts {
            stream: 0,
            from_a: true,
            seq: 100,
            ack: 0,
            len,
            window: 0,
            flags,
            states: None,
            finding: None,
        };
        assert_eq!(end_seq(&facts(SYN, 0)), 101);
        assert_eq!(end_seq(&facts(FIN | ACK, 10)), 111);
        assert_eq!(end_seq(&facts(ACK, 0)), 100);
    }
}
