//! Congestion control: slow start, congestion avoidance, fast retransmit and fast recovery
//! (RFC 5681), with NewReno's handling of partial acknowledgments (RFC 6582).
//!
//! The growth in congestion avoidance and the decrease on a loss are NewReno's by default;
//! [`Algorithm::Cubic`] hands both to CUBIC (RFC 9438, `cubic.rs`) and keeps the rest.
//!
//! All quantities are in bytes. FlightSize is the data sent and not yet acknowledged.

use super::cubic::Cubic;
use crate::wire::SeqNumber;
use crate::{Duration, Instant};

/// Which congestion control algorithm a connection uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Algorithm {
    #[default]
    NewReno,
    Cubic,
}

#[derive(Clone, Debug)]
pub struct Congestion {
    pub algorithm: Algorithm,
    /// Congestion window (cwnd).
    pub cwnd: usize,
    /// Slow start threshold (ssthresh).
    pub ssthresh: usize,
    mss: usize,
    /// Duplicate ACKs received in a row.
    pub dup_acks: u32,
    /// In fast recovery: the highest sequence number sent when it began ("recover",
    /// RFC 6582 §3.2 step 2).
    pub recover: Option<SeqNumber>,
    /// After a timeout: fast retransmit is not entered again for duplicate ACKs of data sent
    /// before it (RFC 6582 §3.2 step 1, "recover" set on timeout).
    recover_after_timeout: Option<SeqNumber>,
    /// Bytes acknowledged during congestion avoidance, towards the next cwnd increase.
    bytes_acked: usize,
    cubic: Cubic,
}

/// What the sender should do after a duplicate ACK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DupAckAction {
    None,
    /// Third duplicate: retransmit the first unacknowledged segment (RFC 5681 §3.2 step 4).
    FastRetransmit,
}

/// What the sender should do after an ACK of new data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckAction {
    None,
    /// A partial ACK in fast recovery: retransmit the next hole (RFC 6582 §3.2 step 5).
    RetransmitNextHole,
}

impl Congestion {
    /// RFC 5681 §3.1: IW = 2, 3 or 4 segments depending on SMSS; ssthresh starts
    /// "arbitrarily high" (here: the peer's window bounds it anyway).
    pub fn new(mss: usize, algorithm: Algorithm) -> Congestion {
        let initial = if mss > 2190 {
            2 * mss
        } else if mss > 1095 {
            3 * mss
        } else {
            4 * mss
        };
        Congestion {
            algorithm,
            cwnd: initial,
            ssthresh: usize::MAX,
            mss,
            dup_acks: 0,
            recover: None,
            recover_after_timeout: None,
            bytes_acked: 0,
            cubic: Cubic::default(),
        }
    }

    /// The MSS became known (after the handshake): the initial window follows it.
    pub fn set_mss(&mut self, mss: usize) {
        *self = Congestion {
            ssthresh: self.ssthresh,
            ..Congestion::new(mss, self.algorithm)
        };
    }

    pub fn in_recovery(&self) -> bool {
        self.recover.is_some()
    }

    /// The CUBIC state, when CUBIC is in use.
    pub fn cubic(&self) -> Option<&Cubic> {
        (self.algorithm == Algorithm::Cubic).then_some(&self.cubic)
    }

    /// The ssthresh after a loss (RFC 5681 §3.1 (4): max (FlightSize / 2, 2*SMSS); RFC 9438
    /// §4.6: cwnd * beta_cubic).
    fn ssthresh_after_loss(&mut self, flight: usize) -> usize {
        match self.algorithm {
            Algorithm::NewReno => (flight / 2).max(2 * self.mss),
            Algorithm::Cubic => {
                let segments = self.cubic.on_congestion(self.cwnd as f64 / self.mss as f64);
                ((segments * self.mss as f64) as usize).max(2 * self.mss)
            }
        }
    }

    /// An ACK that acknowledged `acked` new bytes, moving SND.UNA to `una`. CUBIC needs the
    /// time and the smoothed RTT.
    pub fn on_ack(
        &mut self,
        acked: usize,
        una: SeqNumber,
        flight: usize,
        now: Instant,
        srtt: Option<Duration>,
    ) -> AckAction {
        self.dup_acks = 0;
        if let Some(recover) = self.recover {
            if una > recover {
                // RFC 6582 §3.2 step 6, full acknowledgment: "Set cwnd to either
                // (1) min (ssthresh, max(FlightSize, SMSS) + SMSS) or (2) ssthresh".
                self.cwnd = self.ssthresh.min(flight.max(self.mss) + self.mss);
                self.recover = None;
                return AckAction::None;
            }
            // Step 5, partial acknowledgment: deflate cwnd by the amount acknowledged, add
            // back one SMSS, and retransmit the first unacknowledged segment.
            self.cwnd = self.cwnd.saturating_sub(acked) + self.mss;
            self.cwnd = self.cwnd.max(self.mss);
            return AckAction::RetransmitNextHole;
        }
        if self.cwnd < self.ssthresh {
            // RFC 5681 §3.1 (3.2): slow start, cwnd += min (N, SMSS).
            self.cwnd += acked.min(self.mss);
        } else if self.algorithm == Algorithm::Cubic {
            let mss = self.mss as f64;
            let rtt = srtt.map_or(0.0, |d| d.as_secs_f64());
            let grown = self
                .cubic
                .on_ack(now, self.cwnd as f64 / mss, acked as f64 / mss, rtt);
            self.cwnd = self.cwnd.max((grown * mss) as usize);
        } else {
            // RFC 5681 §3.1 (3.3): congestion avoidance, about one SMSS per RTT, counted
            // in bytes acknowledged ("appropriate byte counting", RFC 3465).
            self.bytes_acked += acked;
            if self.bytes_acked >= self.cwnd {
                self.bytes_acked -= self.cwnd;
                self.cwnd += self.mss;
            }
        }
        AckAction::None
    }

    /// A duplicate ACK (RFC 5681 §2's definition). `max` is the highest sequence number
    /// sent, `flight` the FlightSize.
    pub fn on_duplicate_ack(
        &mut self,
        una: SeqNumber,
        max: SeqNumber,
        flight: usize,
    ) -> DupAckAction {
        self.dup_acks += 1;
        if self.in_recovery() {
            // RFC 5681 §3.2 step 5: "For each additional duplicate ACK received (after the
            // third), cwnd MUST be incremented by SMSS" (it inflates for the segment that
            // left the network).
            self.cwnd += self.mss;
            return DupAckAction::None;
        }
        if self.dup_acks != 3 {
            return DupAckAction::None;
        }
        // RFC 6582 §3.2 step 2: only if the ACK covers more than "recover" after a timeout.
        if self
            .recover_after_timeout
            .is_some_and(|recover| una <= recover)
        {
            return DupAckAction::None;
        }
        // RFC 5681 §3.2 steps 2-3: ssthresh = max (FlightSize / 2, 2*SMSS), retransmit,
        // cwnd = ssthresh + 3*SMSS.
        self.ssthresh = self.ssthresh_after_loss(flight);
        self.cwnd = self.ssthresh + 3 * self.mss;
        self.recover = Some(max);
        DupAckAction::FastRetransmit
    }

    /// RFC 5681 §3.1 (4): after a retransmission timeout, ssthresh = max (FlightSize / 2,
    /// 2*SMSS) and cwnd = 1 SMSS (the loss window).
    pub fn on_timeout(&mut self, flight: usize, max: SeqNumber) {
        self.ssthresh = self.ssthresh_after_loss(flight);
        self.cwnd = self.mss;
        self.dup_acks = 0;
        self.recover = None;
        self.recover_after_timeout = Some(max);
        self.bytes_acked = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: usize = 1000;

    #[test]
    fn slow_start_grows_cwnd_by_one_mss_per_ack_of_a_full_segment() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        assert_eq!(cc.cwnd, 4 * MSS);
        cc.on_ack(MSS, SeqNumber(1000), 0, Instant::ZERO, None);
        assert_eq!(cc.cwnd, 5 * MSS);
    }

    #[test]
    fn congestion_avoidance_grows_cwnd_by_one_mss_per_window_acknowledged() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        cc.ssthresh = 4 * MSS;
        for _ in 0..3 {
            cc.on_ack(MSS, SeqNumber(0), 0, Instant::ZERO, None);
        }
        assert_eq!(cc.cwnd, 4 * MSS);
        cc.on_ack(MSS, SeqNumber(0), 0, Instant::ZERO, None);
        assert_eq!(cc.cwnd, 5 * MSS);
    }

    #[test]
    fn the_third_duplicate_ack_halves_the_flight_and_inflates_by_three_segments() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        let una = SeqNumber(1);
        assert_eq!(
            cc.on_duplicate_ack(una, SeqNumber(10_001), 10 * MSS),
            DupAckAction::None
        );
        assert_eq!(
            cc.on_duplicate_ack(una, SeqNumber(10_001), 10 * MSS),
            DupAckAction::None
        );
        assert_eq!(
            cc.on_duplicate_ack(una, SeqNumber(10_001), 10 * MSS),
            DupAckAction::FastRetransmit
        );
        assert_eq!(cc.ssthresh, 5 * MSS);
        assert_eq!(cc.cwnd, 8 * MSS);
        cc.on_duplicate_ack(una, SeqNumber(10_001), 10 * MSS);
        assert_eq!(cc.cwnd, 9 * MSS);
    }

    #[test]
    fn a_partial_ack_retransmits_and_a_full_ack_ends_recovery() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        for _ in 0..3 {
            cc.on_duplicate_ack(SeqNumber(1), SeqNumber(10_001), 10 * MSS);
        }
        assert_eq!(
            cc.on_ack(2 * MSS, SeqNumber(2001), 8 * MSS, Instant::ZERO, None),
            AckAction::RetransmitNextHole
        );
        assert!(cc.in_recovery());
        assert_eq!(
            cc.on_ack(8 * MSS, SeqNumber(10_002), 0, Instant::ZERO, None),
            AckAction::None
        );
        assert!(!cc.in_recovery());
        assert_eq!(cc.cwnd, 2 * MSS); // min(ssthresh, max(0, MSS) + MSS)
    }

    #[test]
    fn cubic_keeps_seventy_percent_of_the_window_on_a_loss() {
        let mut cc = Congestion::new(MSS, Algorithm::Cubic);
        cc.cwnd = 20 * MSS;
        for _ in 0..3 {
            cc.on_duplicate_ack(SeqNumber(1), SeqNumber(20_001), 20 * MSS);
        }
        assert_eq!(cc.ssthresh, 14 * MSS);
        assert_eq!(cc.cubic().map(|c| c.w_max), Some(20.0));
    }

    #[test]
    fn a_timeout_sets_the_loss_window_of_one_segment() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        cc.on_timeout(8 * MSS, SeqNumber(8001));
        assert_eq!(cc.cwnd, MSS);
        assert_eq!(cc.ssthresh, 4 * MSS);
    }
}
