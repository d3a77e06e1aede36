//! Congestion control: slow start, congestion avoidance, fast retransmit and fast recovery
//! (RFC 5681), with NewReno's handling of partial acknowledgments (RFC 6582). This file
//! sets cwnd and ssthresh; when a loss is believed and what is resent is `recovery.rs`'s
//! business. With SACK, RFC 6675 sends by `pipe`, so cwnd is set to ssthresh on entering
//! recovery and is neither inflated nor deflated during it.
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
    /// Duplicate ACKs received in a row (DupAcks).
    pub dup_acks: u32,
    /// In loss recovery: one past the highest sequence number sent when it began
    /// ("recover" in RFC 6582 §3.2 step 2, RecoveryPoint in RFC 6675 §5 step (4.1), both
    /// naming the octet itself). Recovery ends when SND.UNA reaches it.
    pub recover: Option<SeqNumber>,
    /// After a timeout: recovery is not entered again for duplicate ACKs of data sent
    /// before it (RFC 6582 §3.2 step 4, "Retransmit timeouts"; RFC 6675 §5.1).
    recover_after_timeout: Option<SeqNumber>,
    /// Bytes acknowledged during congestion avoidance, towards the next cwnd increase.
    bytes_acked: usize,
    cubic: Cubic,
    /// SACK was negotiated: RFC 6675 decides what to send in recovery, by `pipe`, so
    /// cwnd is not inflated by duplicate ACKs nor deflated by partial ones.
    sack: bool,
    /// Why cwnd fell outside recovery, for the next `CongestionChanged` event.
    reduction: Option<&'static str>,
}

/// What the sender should do after an ACK of new data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckAction {
    None,
    /// A partial ACK in NewReno's fast recovery: retransmit the first unacknowledged
    /// segment (RFC 6582 §3.2 step 3, "Partial acknowledgments").
    RetransmitNextHole,
    /// The ACK covered the recovery point: recovery is over (RFC 6582 §3.2 step 3, "Full
    /// acknowledgments"; RFC 6675 §5 (A)).
    RecoveryEnded,
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
            sack: false,
            reduction: None,
        }
    }

    /// The MSS became known (after the handshake): the initial window follows it. `sack`
    /// says whether SACK was negotiated (RFC 6675 recovery instead of NewReno's).
    pub fn set_mss(&mut self, mss: usize, sack: bool) {
        *self = Congestion {
            ssthresh: self.ssthresh,
            sack,
            ..Congestion::new(mss, self.algorithm)
        };
    }

    pub fn mss(&self) -> usize {
        self.mss
    }

    pub fn in_recovery(&self) -> bool {
        self.recover.is_some()
    }

    /// The CUBIC state, when CUBIC is in use.
    pub fn cubic(&self) -> Option<&Cubic> {
        (self.algorithm == Algorithm::Cubic).then_some(&self.cubic)
    }

    /// The phase to name in a `CongestionChanged` event: "fast recovery", "timeout",
    /// "recovery ended", "slow start" or "congestion avoidance". Call once per change.
    pub fn take_phase(&mut self) -> &'static str {
        let reduction = self.reduction.take();
        if self.in_recovery() {
            "fast recovery"
        } else if let Some(why) = reduction {
            why
        } else if self.cwnd < self.ssthresh {
            "slow start"
        } else {
            "congestion avoidance"
        }
    }

    /// The ssthresh after a loss (RFC 5681 §3.1, equation (4): max (FlightSize / 2,
    /// 2*SMSS); RFC 9438 §4.6: cwnd * beta_cubic).
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
        // RFC 6675 §5: "If the incoming ACK is a cumulative acknowledgment, the TCP MUST
        // reset DupAcks to zero."
        self.dup_acks = 0;
        if let Some(recover) = self.recover {
            if una >= recover {
                self.recover = None;
                if self.sack {
                    // RFC 6675 §5 (4.2) set cwnd = ssthresh on entry and left it there.
                    self.cwnd = self.ssthresh;
                } else {
                    // RFC 6582 §3.2 step 3, "Full acknowledgments": "Set cwnd to either
                    // (1) min (ssthresh, max(FlightSize, SMSS) + SMSS) or (2) ssthresh"
                    // (the first: no burst if little is in flight).
                    self.cwnd = self.ssthresh.min(flight.max(self.mss) + self.mss);
                }
                self.reduction = Some("recovery ended");
                return AckAction::RecoveryEnded;
            }
            if self.sack {
                // RFC 6675: pipe, not cwnd, follows the partial ACK.
                return AckAction::None;
            }
            // RFC 6582 §3.2 step 3, "Partial acknowledgments": "retransmit the first
            // unacknowledged segment. Deflate the congestion window by the amount of new
            // data acknowledged by the Cumulative Acknowledgment field. If the partial ACK
            // acknowledges at least one SMSS of new data, then add back SMSS bytes to the
            // congestion window."
            self.cwnd = self.cwnd.saturating_sub(acked);
            if acked >= self.mss {
                self.cwnd += self.mss;
            }
            self.cwnd = self.cwnd.max(self.mss);
            return AckAction::RetransmitNextHole;
        }
        if self.cwnd < self.ssthresh {
            // RFC 5681 §3.1, equation (2): slow start, cwnd += min (N, SMSS).
            self.cwnd += acked.min(self.mss);
        } else if self.algorithm == Algorithm::Cubic {
            let mss = self.mss as f64;
            let rtt = srtt.map_or(0.0, |d| d.as_secs_f64());
            let grown = self
                .cubic
                .on_ack(now, self.cwnd as f64 / mss, acked as f64 / mss, rtt);
            self.cwnd = self.cwnd.max((grown * mss) as usize);
        } else {
            // RFC 5681 §3.1: congestion avoidance, about one SMSS per RTT (equation (3)
            // approximates it), counted here in bytes acknowledged ("appropriate byte
            // counting", RFC 3465).
            self.bytes_acked += acked;
            if self.bytes_acked >= self.cwnd {
                self.bytes_acked -= self.cwnd;
                self.cwnd += self.mss;
            }
        }
        AckAction::None
    }

    /// A duplicate ACK (RFC 5681 §2's definition without SACK, RFC 6675 §2's with it):
    /// counts it, and in NewReno's fast recovery inflates cwnd (RFC 5681 §3.2 step 4: "For
    /// each additional duplicate ACK received (after the third), cwnd MUST be incremented
    /// by SMSS.", for the segment that left the network). Returns DupAcks.
    pub fn on_duplicate_ack(&mut self) -> u32 {
        if self.in_recovery() {
            if !self.sack {
                self.cwnd += self.mss;
            }
            return self.dup_acks;
        }
        self.dup_acks += 1;
        self.dup_acks
    }

    /// Whether a loss found while SND.UNA is `una` may start a recovery: not during one,
    /// and after a timeout not before SND.UNA reaches what had been sent then (RFC 6582
    /// §3.2 step 2; RFC 6675 §5.1: "a new recovery phase ... MUST NOT be initiated until
    /// HighACK is greater than or equal to the new value of RecoveryPoint").
    pub fn may_enter_recovery(&self, una: SeqNumber) -> bool {
        !self.in_recovery()
            && self
                .recover_after_timeout
                .is_none_or(|recover| una >= recover)
    }

    /// Whether `seq` was sent before the last retransmission timeout and is being sent
    /// again because of it (go-back-N from SND.UNA).
    pub fn resending_after_timeout(&self, seq: SeqNumber) -> bool {
        self.recover_after_timeout.is_some_and(|max| seq < max)
    }

    /// Enters loss recovery with `flight` bytes outstanding; `recovery_point` is SND.MAX.
    /// ssthresh = max (FlightSize / 2, 2*SMSS) (RFC 5681 §3.2 step 2, equation (4) of §3.1;
    /// CUBIC's beta instead). Without SACK, cwnd = ssthresh + 3*SMSS ("This artificially
    /// "inflates" the congestion window by the number of segments (three) that have left
    /// the network and which the receiver has buffered.", step 3); with SACK, cwnd =
    /// ssthresh (RFC 6675 §5 (4.2)): `pipe` counts what left the network instead.
    pub fn enter_recovery(&mut self, flight: usize, recovery_point: SeqNumber) {
        self.ssthresh = self.ssthresh_after_loss(flight);
        self.cwnd = if self.sack {
            self.ssthresh
        } else {
            self.ssthresh + 3 * self.mss
        };
        self.recover = Some(recovery_point);
        self.bytes_acked = 0;
    }

    /// RFC 5681 §3.1, equation (4): after a retransmission timeout, ssthresh =
    /// max (FlightSize / 2, 2*SMSS), and cwnd = 1 SMSS (the loss window). A recovery in progress ends (RFC 6675
    /// §5.1); returns whether one did.
    pub fn on_timeout(&mut self, flight: usize, max: SeqNumber) -> bool {
        self.ssthresh = self.ssthresh_after_loss(flight);
        self.cwnd = self.mss;
        self.dup_acks = 0;
        let was_in_recovery = self.recover.take().is_some();
        self.recover_after_timeout = Some(max);
        self.bytes_acked = 0;
        self.reduction = Some("timeout");
        was_in_recovery
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSS: usize = 1000;

    /// Three duplicate ACKs and the entry into recovery, as `recovery.rs` does it.
    fn three_duplicate_acks(cc: &mut Congestion, flight: usize, max: u32) {
        for expected in 1..=3 {
            assert_eq!(cc.on_duplicate_ack(), expected);
        }
        assert!(cc.may_enter_recovery(SeqNumber(1)));
        cc.enter_recovery(flight, SeqNumber(max));
    }

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
        three_duplicate_acks(&mut cc, 10 * MSS, 10_001);
        assert_eq!(cc.ssthresh, 5 * MSS);
        assert_eq!(cc.cwnd, 8 * MSS);
        cc.on_duplicate_ack();
        assert_eq!(cc.cwnd, 9 * MSS);
    }

    #[test]
    fn with_sack_recovery_sets_cwnd_to_ssthresh_and_duplicate_acks_do_not_inflate_it() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        cc.set_mss(MSS, true);
        three_duplicate_acks(&mut cc, 10 * MSS, 10_001);
        assert_eq!((cc.cwnd, cc.ssthresh), (5 * MSS, 5 * MSS));
        cc.on_duplicate_ack();
        assert_eq!(cc.cwnd, 5 * MSS);
        assert_eq!(
            cc.on_ack(2 * MSS, SeqNumber(2001), 8 * MSS, Instant::ZERO, None),
            AckAction::None,
            "a partial ACK: pipe decides"
        );
        assert_eq!(cc.cwnd, 5 * MSS);
    }

    #[test]
    fn a_partial_ack_retransmits_and_a_full_ack_ends_recovery() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        three_duplicate_acks(&mut cc, 10 * MSS, 10_001);
        assert_eq!(
            cc.on_ack(2 * MSS, SeqNumber(2001), 8 * MSS, Instant::ZERO, None),
            AckAction::RetransmitNextHole
        );
        assert!(cc.in_recovery());
        assert_eq!(
            cc.on_ack(8 * MSS, SeqNumber(10_001), 0, Instant::ZERO, None),
            AckAction::RecoveryEnded,
            "SND.UNA reached the recovery point"
        );
        assert!(!cc.in_recovery());
        assert_eq!(cc.cwnd, 2 * MSS); // min(ssthresh, max(0, MSS) + MSS)
        assert_eq!(cc.take_phase(), "recovery ended");
        assert_eq!(cc.take_phase(), "slow start", "told once");
    }

    #[test]
    fn cubic_keeps_seventy_percent_of_the_window_on_a_loss() {
        let mut cc = Congestion::new(MSS, Algorithm::Cubic);
        cc.cwnd = 20 * MSS;
        three_duplicate_acks(&mut cc, 20 * MSS, 20_001);
        assert_eq!(cc.ssthresh, 14 * MSS);
        assert_eq!(cc.cubic().map(|c| c.w_max), Some(20.0));
    }

    #[test]
    fn a_timeout_sets_the_loss_window_of_one_segment() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        cc.on_timeout(8 * MSS, SeqNumber(8001));
        assert_eq!(cc.cwnd, MSS);
        assert_eq!(cc.ssthresh, 4 * MSS);
        assert_eq!(cc.take_phase(), "timeout");
    }

    #[test]
    fn after_a_timeout_recovery_waits_until_snd_una_passes_what_was_sent() {
        let mut cc = Congestion::new(MSS, Algorithm::NewReno);
        cc.on_timeout(8 * MSS, SeqNumber(8001));
        assert!(!cc.may_enter_recovery(SeqNumber(4001)));
        assert!(cc.may_enter_recovery(SeqNumber(8001)));
    }
}
