//! Timers: the retransmission timeout (RFC 6298), the persist timer (RFC 9293 §3.8.6.1),
//! the delayed ACK (RFC 9293 §3.8.6.3), TIME-WAIT (RFC 9293 §3.4.2, 2 x MSL) and the
//! keep-alive (RFC 9293 §3.8.4).

use crate::{Duration, Instant};

/// RFC 6298: the smoothed round-trip time, its variation, and the timeout derived from them.
#[derive(Clone, Debug)]
pub struct RttEstimator {
    srtt: Option<Duration>,
    rttvar: Duration,
    /// The computed RTO, before backoff.
    rto: Duration,
    /// How many times the timer expired since the last new acknowledgment (RFC 6298 (5.5)).
    backoff: u32,
    min_rto: Duration,
    max_rto: Duration,
}

/// RFC 6298 §2: K = 4 and G, the clock granularity; the stack's clock counts microseconds,
/// so G is taken as 1 ms.
const K: u32 = 4;
const G: Duration = Duration::from_millis(1);

impl RttEstimator {
    /// RFC 6298 (2.1): "Until a round-trip time (RTT) measurement has been made for a segment
    /// sent between the sender and receiver, the sender SHOULD set RTO <- 1 second".
    pub fn new(initial_rto: Duration, min_rto: Duration, max_rto: Duration) -> RttEstimator {
        RttEstimator {
            srtt: None,
            rttvar: Duration::ZERO,
            rto: initial_rto,
            backoff: 0,
            min_rto,
            max_rto,
        }
    }

    pub fn srtt(&self) -> Option<Duration> {
        self.srtt
    }

    pub fn rttvar(&self) -> Duration {
        self.rttvar
    }

    /// The timeout to arm now: the computed RTO doubled once per expiry, capped.
    pub fn rto(&self) -> Duration {
        let factor = 1u32 << self.backoff.min(16);
        (self.rto * factor).min(self.max_rto)
    }

    /// Takes a measurement R.
    pub fn sample(&mut self, r: Duration) {
        match self.srtt {
            // RFC 6298 (2.2): SRTT <- R, RTTVAR <- R/2.
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2;
            }
            // RFC 6298 (2.3): RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|,
            // SRTT <- (1 - alpha) * SRTT + alpha * R', with alpha = 1/8 and beta = 1/4.
            Some(srtt) => {
                let delta = srtt.abs_diff(r);
                self.rttvar = self.rttvar * 3 / 4 + delta / 4;
                self.srtt = Some(srtt * 7 / 8 + r / 8);
            }
        }
        // RFC 6298 (2.2)/(2.3): RTO <- SRTT + max (G, K*RTTVAR);
        // (2.4): "if it is less than 1 second, then the RTO SHOULD be rounded up to 1 second"
        // (the minimum is configurable so that demos need not wait); (2.5) a maximum may be
        // placed on RTO provided it is at least 60 seconds.
        let srtt = self.srtt.unwrap_or(r);
        let rto = srtt + G.max(self.rttvar * K);
        self.rto = rto.clamp(self.min_rto, self.max_rto);
        // A new measurement ends the backoff (RFC 6298 §5, note after (5.7)).
        self.backoff = 0;
    }

    /// RFC 6298 (5.5): "The host MUST set RTO <- RTO * 2 ("back off the timer")".
    pub fn back_off(&mut self) {
        self.backoff = self.backoff.saturating_add(1);
    }

    /// RFC 6298 (5.7): after a SYN timed out, start data transmission with an RTO of at
    /// least `rto` (3 s) and no backoff.
    pub fn reinitialize(&mut self, rto: Duration) {
        self.rto = self.rto.max(rto).min(self.max_rto);
        self.backoff = 0;
    }

    /// New data was acknowledged: the backoff no longer applies.
    pub fn reset_backoff(&mut self) {
        self.backoff = 0;
    }
}

/// The deadlines a connection may be waiting for. `None` means the timer is not running.
#[derive(Clone, Debug, Default)]
pub struct Timers {
    /// Retransmission timer (RFC 6298 §5).
    pub retransmit: Option<Instant>,
    /// Persist timer: probe a zero window (RFC 9293 §3.8.6.1).
    pub persist: Option<Instant>,
    /// How many probes were sent without the window opening: the persist interval doubles.
    pub persist_backoff: u32,
    /// Delayed ACK (RFC 9293 §3.8.6.3: "the delay MUST be less than 0.5 seconds").
    pub delayed_ack: Option<Instant>,
    /// End of TIME-WAIT (2 x MSL).
    pub time_wait: Option<Instant>,
    /// Next keep-alive probe (RFC 9293 §3.8.4), when keep-alives are on.
    pub keepalive: Option<Instant>,
    /// Keep-alive probes sent without an answer.
    pub keepalive_probes: u32,
    /// The retransmission timer expired during the handshake (RFC 6298 (5.7)).
    pub syn_timed_out: bool,
    /// Consecutive retransmission timeouts without progress (the retransmission limit,
    /// RFC 9293 §3.8.3 "R2").
    pub retries: u32,
}

impl Timers {
    /// The earliest deadline.
    pub fn earliest(&self) -> Option<Instant> {
        [
            self.retransmit,
            self.persist,
            self.delayed_ack,
            self.time_wait,
            self.keepalive,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estimator() -> RttEstimator {
        RttEstimator::new(
            Duration::from_secs(1),
            Duration::from_millis(200),
            Duration::from_secs(60),
        )
    }

    #[test]
    fn the_first_sample_sets_srtt_and_half_of_it_as_rttvar() {
        let mut rtt = estimator();
        rtt.sample(Duration::from_millis(100));
        assert_eq!(rtt.srtt(), Some(Duration::from_millis(100)));
        assert_eq!(rtt.rttvar(), Duration::from_millis(50));
        // RTO = 100 + 4 * 50 = 300 ms
        assert_eq!(rtt.rto(), Duration::from_millis(300));
    }

    #[test]
    fn later_samples_move_srtt_by_an_eighth_and_rttvar_by_a_quarter() {
        let mut rtt = estimator();
        rtt.sample(Duration::from_millis(100));
        rtt.sample(Duration::from_millis(180));
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 180| = 37.5 + 20 = 57.5 ms
        assert_eq!(rtt.rttvar(), Duration::from_micros(57_500));
        // SRTT = 7/8 * 100 + 1/8 * 180 = 87.5 + 22.5 = 110 ms
        assert_eq!(rtt.srtt(), Some(Duration::from_millis(110)));
        // RTO = 110 + 4 * 57.5 = 340 ms
        assert_eq!(rtt.rto(), Duration::from_millis(340));
    }

    #[test]
    fn the_rto_is_never_below_the_configured_minimum() {
        let mut rtt = estimator();
        rtt.sample(Duration::from_millis(1));
        assert_eq!(rtt.rto(), Duration::from_millis(200));
    }

    #[test]
    fn each_expiry_doubles_the_rto_up_to_the_maximum() {
        let mut rtt = estimator();
        assert_eq!(rtt.rto(), Duration::from_secs(1));
        rtt.back_off();
        assert_eq!(rtt.rto(), Duration::from_secs(2));
        rtt.back_off();
        assert_eq!(rtt.rto(), Duration::from_secs(4));
        for _ in 0..10 {
            rtt.back_off();
        }
        assert_eq!(rtt.rto(), Duration::from_secs(60));
    }
}
