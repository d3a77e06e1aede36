//! Loss recovery: when a loss is believed, when recovery begins and ends, and what is sent
//! during it.
//!
//! | negotiated | a loss is believed after          | in recovery the sender sends        |
//! |------------|-----------------------------------|-------------------------------------|
//! | no SACK    | DupThresh duplicate ACKs          | one hole per partial ACK, with cwnd |
//! |            | (RFC 5681 §3.2)                   | inflated (NewReno, RFC 6582)        |
//! | SACK       | DupThresh duplicate ACKs, or      | what NextSeg() chooses, while       |
//! |            | IsLost(HighACK + 1) (RFC 6675 §5) | cwnd - pipe >= SMSS (step (C))      |
//!
//! In both, congestion control (`congestion.rs`, `cubic.rs`) sets ssthresh and cwnd on
//! entry; RFC 6675 decides what to send and `pipe` replaces NewReno's inflated cwnd.
//! Early retransmit (RFC 5827) lowers DupThresh when too little is outstanding for three
//! duplicate ACKs to come back. With SACK, a retransmission that is lost too is found from
//! the SACKs of data sent after it (`Scoreboard::lost_retransmission`, after RFC 8985's
//! idea); otherwise only the timer finds it. A retransmission timeout ends any recovery
//! (`output.rs`).
//!
//! ```text
//!   dup ACK ──> DupAcks += 1 ──> DupAcks >= DupThresh ──────────┐
//!                  │             or IsLost(SND.UNA) (SACK)       v
//!                  │                               enter: RecoveryPoint = SND.MAX,
//!                  v                               ssthresh, cwnd; resend SND.UNA
//!            limited transmit                                    │
//!            (RFC 3042; with SACK                  each ACK: SetPipe(), then
//!             cwnd - pipe, RFC 6675 §5 (3))        NextSeg() while cwnd - pipe >= SMSS
//!                                                                │
//!                                       SND.UNA >= RecoveryPoint: recovery ended
//! ```

use super::sack::{NextSeg, DUP_THRESH};
use super::{Connection, Event, SendReason, Transmit};
use crate::wire::TcpRepr;
use crate::Instant;

impl Connection {
    /// pipe (RFC 6675 §4, SetPipe()): the bytes believed to be in the network. Without
    /// SACK nothing is known beyond SND.UNA, and it is the whole flight.
    pub fn pipe(&self) -> usize {
        if !self.opts.sack {
            return self.snd.in_flight();
        }
        self.scoreboard.pipe(
            self.snd.una,
            self.snd.max,
            self.dup_thresh(),
            self.effective_mss(),
        )
    }

    /// DupThresh, lowered by early retransmit (RFC 5827 §3). wirelab applies the
    /// byte-based variant (RFC 5827 §3.1), since its scoreboard counts bytes, not segments:
    /// when the outstanding data (ownd) is less than 4*SMSS bytes, and there is no unsent
    /// data ready or the peer's window does not let a new segment out, the threshold
    /// becomes ER_thresh = ceiling (ownd/SMSS) - 1 duplicate ACKs. With at most SMSS bytes
    /// out that would be 0, and DupThresh stays 3: with one segment out no duplicate ACK
    /// can come, and only the timer helps. With SACK, whether
    /// to enter recovery early follows RFC 5827 §3.1's rule for SACK instead (ownd - SMSS
    /// bytes SACKed, `on_duplicate_ack`); the lowered threshold still goes to IsLost() for
    /// pipe and NextSeg() during the recovery.
    pub fn dup_thresh(&self) -> u32 {
        let mss = self.effective_mss();
        let ownd = self.snd.max.len_since(self.snd.una);
        let unsent = self.snd.bytes_from(self.snd.max);
        let window_left = self.snd.wnd.saturating_sub(ownd);
        let can_send_new = unsent > 0 && window_left >= unsent.min(mss);
        let oseg = ownd.div_ceil(mss) as u32;
        // With one segment out, ER_thresh would be 0: no duplicate ACK can come, and only
        // the timer can help.
        if ownd >= 4 * mss || can_send_new || oseg < 2 {
            return DUP_THRESH;
        }
        (oseg - 1).min(DUP_THRESH)
    }

    /// Updates the scoreboard from an ACK's SACK blocks (RFC 6675 §5: "Upon the receipt of
    /// any ACK containing SACK information, the scoreboard MUST be updated via the Update ()
    /// routine."). Returns the bytes SACKed for the first time.
    pub(super) fn update_scoreboard(&mut self, repr: &TcpRepr) -> usize {
        if !self.opts.sack {
            return 0;
        }
        let blocks = repr.options.sack_blocks;
        self.scoreboard.update(self.snd.una, self.snd.max, &blocks)
    }

    /// A duplicate ACK (RFC 5681 §2 without SACK; with SACK, RFC 6675 §2: an ACK that SACKs
    /// bytes not SACKed before, whatever else it does). RFC 6675 §5: "If the incoming ACK
    /// is a duplicate acknowledgment per the definition in Section 2 (regardless of its
    /// status as a cumulative acknowledgment), and the TCP is not currently in loss
    /// recovery, the TCP MUST increase DupAcks by one and take the following steps: (1) If
    /// DupAcks >= DupThresh, go to step (4). ... (2) If DupAcks < DupThresh but IsLost
    /// (HighACK + 1) returns true -- indicating at least three segments have arrived above
    /// the current cumulative acknowledgment point, which is taken to indicate loss -- go
    /// to step (4). (3) The TCP MAY transmit previously unsent data segments as per Limited
    /// Transmit [RFC5681], except that the number of octets which may be sent is governed
    /// by pipe and cwnd as follows:" (`cwnd_room`).
    ///
    /// Early retransmit (RFC 5827 §3.1) adds a third way in when little is outstanding:
    /// without SACK, ER_thresh duplicate ACKs; with SACK, once ownd - SMSS bytes are SACKed
    /// (whatever the count of duplicate ACKs: with segments smaller than SMSS, ER_thresh of
    /// them can SACK less than that).
    pub(super) fn on_duplicate_ack(&mut self) {
        let dup_acks = self.cc.on_duplicate_ack();
        if self.cc.in_recovery() {
            return;
        }
        let dup_thresh = self.dup_thresh();
        let una = self.snd.una;
        let mss = self.effective_mss();
        let lost = self.opts.sack && self.scoreboard.is_lost(una, DUP_THRESH, mss);
        let early = dup_thresh < DUP_THRESH
            && if self.opts.sack {
                let ownd = self.snd.max.len_since(una);
                self.scoreboard.sacked_below(self.snd.max) + mss >= ownd
            } else {
                dup_acks >= dup_thresh
            };
        let (why, reason) = if dup_acks >= DUP_THRESH {
            ("three duplicate ACKs", SendReason::FastRetransmission)
        } else if lost {
            (
                "IsLost(HighACK + 1): enough SACKed above the first hole",
                SendReason::FastRetransmission,
            )
        } else if early && self.opts.sack {
            (
                "early retransmit: all but one segment's worth is SACKed",
                SendReason::EarlyRetransmission,
            )
        } else if early {
            (
                "early retransmit: too little outstanding for three duplicate ACKs",
                SendReason::EarlyRetransmission,
            )
        } else {
            // (3.1) "Set HighRxt to HighACK.", so that pipe counts no retransmission for
            // limited transmit.
            self.scoreboard.high_rxt = una;
            return;
        };
        if !self.cc.may_enter_recovery(una) {
            return;
        }
        self.enter_recovery(why, reason);
    }

    /// RFC 6675 §5 (4) (and RFC 5681 §3.2 steps 2 and 3 without SACK): "(4.1)
    /// RecoveryPoint = HighData ... (4.2) ssthresh = cwnd = (FlightSize / 2) ... (4.3)
    /// Retransmit the first data segment presumed dropped -- the segment starting with
    /// sequence number HighACK + 1. To prevent repeated retransmission of the same data or
    /// a premature rescue retransmission, set both HighRxt and RescueRxt to the highest
    /// sequence number in the retransmitted segment." (`retransmit_from` sets them when it
    /// sends it.) FlightSize here is all of SND.UNA..SND.MAX: it includes what limited
    /// transmit sent, which (4.2), after RFC 5681 §3.2 step 2, says not to count.
    fn enter_recovery(&mut self, why: &'static str, reason: SendReason) {
        let flight = self.snd.max.len_since(self.snd.una);
        let recovery_point = self.snd.max;
        self.cc.enter_recovery(flight, recovery_point);
        self.scoreboard.high_rxt = self.snd.una;
        self.scoreboard.rescue_rxt = None;
        self.scoreboard.recovery_over();
        self.retransmit_at = Some((self.snd.una, reason));
        self.rtt_probe = None; // Karn: the sample would be ambiguous
        self.event(Event::RecoveryEntered {
            why,
            recovery_point,
        });
    }

    /// RFC 6675 §5 (A): "An incoming cumulative ACK for a sequence number greater than
    /// RecoveryPoint signals the end of loss recovery" (the scoreboard above SND.UNA is
    /// kept: it "SHOULD NOT be cleared"); without SACK, RFC 6582 §3.2 step 3, "Full
    /// acknowledgments".
    pub(super) fn recovery_ended(&mut self, why: &'static str) {
        self.scoreboard.recovery_over();
        self.event(Event::RecoveryExited { why });
    }

    /// RFC 6675 §5 (C), one segment per call: "If cwnd - pipe >= 1 SMSS, the sender SHOULD
    /// transmit one or more segments as follows: (C.1) The scoreboard MUST be queried via
    /// NextSeg () for the sequence number range of the next segment to transmit (if any),
    /// and the given segment sent." `pipe` is computed again for each segment, which counts
    /// what (C.2)-(C.4) add: a retransmission below HighRxt, new data up to HighData.
    pub(super) fn sack_recovery_segment(&mut self, now: Instant) -> Option<Transmit> {
        let mss = self.effective_mss();
        let pipe = self.pipe();
        let room = self.cc.cwnd.saturating_sub(pipe);
        if room < mss {
            return None;
        }
        // Before NextSeg: a retransmission the SACKs show lost (see
        // `Scoreboard::lost_retransmission`). HighRxt stays where it is.
        let dup_thresh = self.dup_thresh();
        if let Some((seq, len)) = self
            .scoreboard
            .lost_retransmission(self.snd.una, dup_thresh, mss)
        {
            let high_rxt = self.scoreboard.high_rxt;
            let t = self.retransmit_from(now, seq, len, SendReason::SackRetransmission);
            self.scoreboard.high_rxt = high_rxt;
            if t.is_some() {
                return t;
            }
        }
        let unsent =
            self.snd.bytes_from(self.snd.max) > 0 || self.snd.fin_seq() == Some(self.snd.max);
        let window_left = self
            .snd
            .wnd
            .saturating_sub(self.snd.max.len_since(self.snd.una));
        let new_data = unsent && (window_left > 0 || self.snd.fin_seq() == Some(self.snd.max));
        let next =
            self.scoreboard
                .next_seg(self.snd.una, self.snd.max, dup_thresh, mss, new_data)?;
        match next {
            NextSeg::Lost { seq, len } | NextSeg::Unsacked { seq, len } => {
                // (C.2) "If any of the data octets sent in (C.1) are below HighData, HighRxt
                // MUST be set to the highest sequence number of the retransmitted segment
                // unless NextSeg () rule (4) was invoked for this retransmission."
                // (retransmit_from does).
                self.retransmit_from(now, seq, len, SendReason::SackRetransmission)
            }
            NextSeg::NewData => self.data_segment(now, Some(room)),
            NextSeg::Rescue { seq, len } => {
                // NextSeg() rule (4): "... and RescueRxt set to RecoveryPoint. HighRxt MUST
                // NOT be updated."
                let high_rxt = self.scoreboard.high_rxt;
                let t = self.retransmit_from(now, seq, len, SendReason::RescueRetransmission);
                self.scoreboard.high_rxt = high_rxt;
                self.scoreboard.rescue_rxt = self.cc.recover;
                t
            }
        }
    }
}

impl Connection {
    /// The room cwnd leaves for new data outside recovery, and the room limited transmit
    /// gives on the first duplicate ACKs (RFC 3042 §2: "the Limited Transmit algorithm,
    /// which calls for a TCP sender to transmit new data upon the arrival of the first two
    /// consecutive duplicate ACKs", so that "the sender can only send two segments beyond
    /// the congestion window (cwnd)"; it gives a small window the duplicate ACKs that fast
    /// retransmit needs). With SACK, RFC 6675 §5 (3.3) counts it by pipe instead:
    /// "If (cwnd - pipe) >= 1 SMSS, there exists previously unsent data, and the receiver's
    /// advertised window allows, transmit up to 1 SMSS of data".
    ///
    /// After a timeout (SND.NXT below SND.MAX), what the peer SACKed below SND.NXT has left
    /// the network and is not counted: go-back-N steps over it without cwnd paying for it.
    pub(super) fn cwnd_room(&self) -> (usize, usize) {
        let sacked = if self.snd.nxt < self.snd.max {
            self.scoreboard.sacked_below(self.snd.nxt)
        } else {
            0
        };
        let in_flight = self.snd.in_flight().saturating_sub(sacked);
        let cwnd_room = self.cc.cwnd.saturating_sub(in_flight);
        let duplicate_acks =
            self.cc.dup_acks > 0 && !self.cc.in_recovery() && self.snd.nxt == self.snd.max;
        let limited = match self.cc.dup_acks {
            _ if !duplicate_acks => 0,
            _ if self.opts.sack => self.cc.cwnd.saturating_sub(self.pipe()),
            1 | 2 => (self.cc.cwnd + self.cc.dup_acks as usize * self.effective_mss())
                .saturating_sub(in_flight),
            _ => 0,
        };
        (cwnd_room, limited)
    }

    /// After a timeout SND.NXT goes back to SND.UNA; SACKs that arrive since say what the
    /// receiver already holds. RFC 6675 §5.1 leaves the choice open ("A relatively
    /// straightforward approach to "filling in" the sequence space reported as missing
    /// should be a reasonable approach."): wirelab steps over SACKed ranges.
    pub(super) fn skip_sacked_after_timeout(&mut self) {
        if self.snd.nxt >= self.snd.max {
            return;
        }
        let nxt = self.snd.nxt;
        let covering = self
            .scoreboard
            .ranges()
            .iter()
            .find(|&&(left, right)| left <= nxt && nxt < right);
        // Ranges are disjoint and never touch, so one step lands on unSACKed data.
        if let Some(&(_, right)) = covering {
            self.snd.nxt = right.min(self.snd.max);
        }
    }

    /// Bytes from `seq` to the next SACKed range (unlimited if none follows).
    pub(super) fn sacked_ahead(&self, seq: crate::wire::SeqNumber) -> usize {
        self.scoreboard
            .ranges()
            .iter()
            .find(|&&(left, _)| left > seq)
            .map_or(usize::MAX, |&(left, _)| left.len_since(seq))
    }
}
