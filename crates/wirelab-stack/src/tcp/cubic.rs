//! CUBIC (RFC 9438): after a loss the window grows as a cubic function of the time since
//! the loss, not of the number of ACKs, so that long fat networks refill quickly while the
//! window lingers near the size where the loss happened.
//!
//! ```text
//!   W_cubic(t) = C * (t - K)^3 + W_max                         (RFC 9438, Figure 1)
//!   K = cubic_root((W_max - cwnd_epoch) / C)                   (Figure 2)
//!
//!   cwnd ^
//!        |                                         convex: probe for more
//!   W_max|- - - - - - - - - - -___________---------
//!        |            ____----   concave: approach W_max
//!        |        _--
//!        |      /   <- just after the loss: cwnd = W_max * beta
//!        +------------------|--------------------------------> t
//!                           K
//! ```
//!
//! Units: windows in segments (C = 0.4 is in segments per second cubed), time in seconds.
//! Loss detection and recovery are the same as with NewReno (`recovery.rs`,
//! `congestion.rs`); CUBIC decides how much the window shrinks on a loss (beta = 0.7) and
//! how it grows in congestion avoidance.

use crate::Instant;

/// C (RFC 9438 §5): scaling constant of the cubic function.
pub const C: f64 = 0.4;
/// beta_cubic (§4.6): the multiplicative decrease factor.
pub const BETA: f64 = 0.7;
/// alpha_cubic (§4.3): the additive increase that makes W_est as fair as Reno.
pub const ALPHA: f64 = 3.0 * (1.0 - BETA) / (1.0 + BETA);

#[derive(Clone, Debug, Default)]
pub struct Cubic {
    /// W_max: the window (segments) just before the last reduction.
    pub w_max: f64,
    /// K: the time (seconds) the function takes to grow back to W_max.
    pub k: f64,
    /// When the current congestion avoidance stage began (t = 0).
    epoch_start: Option<Instant>,
    /// W_est: the window Reno would have reached (the "Reno-friendly region", §4.3).
    w_est: f64,
}

impl Cubic {
    /// W_cubic(t), Figure 1.
    pub fn w_cubic(&self, t: f64) -> f64 {
        C * (t - self.k).powi(3) + self.w_max
    }

    /// A congestion event at window `cwnd` (segments): remembers W_max, with fast
    /// convergence (§4.7: a flow whose W_max keeps falling releases bandwidth sooner), and
    /// returns the new ssthresh = cwnd * beta (§4.6).
    pub fn on_congestion(&mut self, cwnd: f64) -> f64 {
        self.w_max = if cwnd < self.w_max {
            cwnd * (1.0 + BETA) / 2.0
        } else {
            cwnd
        };
        self.epoch_start = None;
        (cwnd * BETA).max(2.0)
    }

    /// The window after an ACK of `acked` segments in congestion avoidance (§4.2-§4.4).
    pub fn on_ack(&mut self, now: Instant, cwnd: f64, acked: f64, rtt_secs: f64) -> f64 {
        let start = match self.epoch_start {
            Some(start) => start,
            None => {
                // A new stage: K from how far below W_max it starts (Figure 2).
                if cwnd < self.w_max {
                    self.k = ((self.w_max - cwnd) / C).cbrt();
                } else {
                    self.k = 0.0;
                    self.w_max = cwnd;
                }
                self.w_est = cwnd;
                self.epoch_start = Some(now);
                now
            }
        };
        let t = now.saturating_since(start).as_secs_f64();
        // §4.3, Figure 4: W_est grows like Reno's window would.
        self.w_est += ALPHA * acked / cwnd;
        if self.w_cubic(t) < self.w_est {
            return self.w_est.max(cwnd);
        }
        // §4.4: aim at W_cubic one RTT ahead, but at most 1.5 times the window.
        let target = self.w_cubic(t + rtt_secs).clamp(cwnd, 1.5 * cwnd);
        cwnd + (target - cwnd) / cwnd * acked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Duration;

    #[test]
    fn a_loss_keeps_seventy_percent_and_k_is_the_time_to_grow_back() {
        let mut cubic = Cubic::default();
        assert_eq!(cubic.on_congestion(100.0), 70.0);
        let now = Instant::ZERO;
        cubic.on_ack(now, 70.0, 1.0, 0.0);
        // K = cbrt((100 - 70) / 0.4) = cbrt(75) = 4.217 s
        assert!((cubic.k - 75f64.cbrt()).abs() < 1e-9);
        assert!((cubic.w_cubic(cubic.k) - 100.0).abs() < 1e-9);
    }

    #[test]
    fn the_window_is_concave_below_w_max_and_convex_above() {
        let mut cubic = Cubic::default();
        cubic.on_congestion(100.0);
        cubic.on_ack(Instant::ZERO, 70.0, 1.0, 0.0);
        let k = cubic.k;
        let growth = |a: f64, b: f64| cubic.w_cubic(b) - cubic.w_cubic(a);
        assert!(
            growth(0.0, 1.0) > growth(k - 1.0, k),
            "fast at first, slow near W_max"
        );
        assert!(
            growth(k, k + 1.0) < growth(k + 1.0, k + 2.0),
            "then faster and faster"
        );
    }

    #[test]
    fn fast_convergence_lowers_w_max_when_losses_come_sooner() {
        let mut cubic = Cubic::default();
        cubic.on_congestion(100.0);
        cubic.on_congestion(80.0);
        assert_eq!(cubic.w_max, 80.0 * 1.7 / 2.0);
    }

    #[test]
    fn each_ack_moves_the_window_towards_the_cubic_target() {
        let mut cubic = Cubic::default();
        cubic.on_congestion(100.0);
        let mut cwnd = 70.0;
        let mut now = Instant::ZERO;
        for _ in 0..2000 {
            cwnd = cubic.on_ack(now, cwnd, 1.0, 0.1);
            now = now + Duration::from_millis(5);
        }
        // After 10 s (well past K = 4.2 s) the window is beyond W_max: probing.
        assert!(cwnd > 100.0, "{cwnd}");
    }
}
