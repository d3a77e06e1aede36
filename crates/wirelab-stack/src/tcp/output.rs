//! What to send next (`poll_transmit`), when to wake up (`poll_timeout`) and what the timers
//! do when they expire (`handle_timeout`).
//!
//! The order in which `poll_transmit` looks for something to send:
//!
//! 1. a queued RST;
//! 2. the SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) when SND.NXT is back at ISS;
//! 3. a fast (or early) retransmission of the segment at SND.UNA, or NewReno's
//!    retransmission after a partial ACK;
//! 4. in SACK-based recovery, what RFC 6675's NextSeg() chooses while cwnd - pipe allows
//!    (`recovery.rs`);
//! 5. data and FIN from SND.NXT, within the send window and cwnd, unless Nagle or sender
//!    SWS avoidance say to wait (after a timeout this resends from SND.UNA: go-back-N,
//!    skipping what the peer SACKed since);
//! 6. a zero-window probe, when the persist timer expired;
//! 7. a pure ACK, when one is owed.
//!
//! Every segment after the SYN carries an ACK, so any segment sent pays the ACK owed.

use super::{Connection, ConnectionError, Event, SendRange, SendReason, State, Transmit};
use crate::wire::{Control, SeqNumber, TcpOptions, TcpRepr};
use crate::Instant;

impl Connection {
    /// The next segment to send, if any. Call until it returns `None`.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Transmit> {
        self.clock = now;
        let transmit = self.next_transmit(now);
        // The application may have queued data into a zero window since the last call: the
        // persist timer depends on it.
        self.update_timers(now);
        let transmit = transmit?;
        if transmit.repr.ack.is_some() {
            self.ack_now = None;
            self.unacked_segments = 0;
            self.timers.delayed_ack = None;
            self.opts.last_ack_sent = self.rcv.nxt;
        }
        self.event(Event::SegmentSent {
            summary: transmit.summary(),
            reason: transmit.reason,
        });
        self.update_timers(now);
        self.report_changes();
        Some(transmit)
    }

    /// When `handle_timeout` should be called next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.earliest()
    }

    /// Runs the timers that expired by `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.clock = now;
        if self.timers.time_wait.is_some_and(|t| t <= now) {
            // RFC 9293 §3.10.8: "If the time-wait timeout expires on a connection, delete the
            // TCB, enter the CLOSED state".
            self.set_state(State::Closed, "2 MSL timeout");
        }
        if self.timers.retransmit.is_some_and(|t| t <= now) {
            self.retransmission_timeout(now);
        }
        if self.timers.persist.is_some_and(|t| t <= now) {
            self.timers.persist = None;
            self.timers.persist_backoff = self.timers.persist_backoff.saturating_add(1);
            self.probe_due = true;
        }
        if self.timers.keepalive.is_some_and(|t| t <= now) {
            if self.timers.keepalive_probes >= self.config.keepalive_probes {
                let rst = self.reset_repr(self.snd.nxt);
                self.resets.push_back((self.remote, rst));
                self.fail(ConnectionError::TimedOut, "keep-alive probes unanswered");
            } else {
                self.timers.keepalive_probes += 1;
                self.timers.keepalive = Some(now + self.config.keepalive_interval);
                self.keepalive_due = true;
            }
        }
        if self.timers.delayed_ack.is_some_and(|t| t <= now) {
            self.timers.delayed_ack = None;
            self.ack_now.get_or_insert(SendReason::PureAck);
        }
        self.update_timers(now);
        self.report_changes();
    }

    /// RFC 6298 §5: the retransmission timer expired.
    fn retransmission_timeout(&mut self, now: Instant) {
        self.timers.retransmit = None;
        self.timers.retries += 1;
        if self.timers.retries > self.config.max_retransmissions {
            // RFC 9293 §3.8.3: at threshold R2 "TCP SHOULD close the connection".
            if self.state.synchronized() {
                let rst = self.reset_repr(self.snd.nxt);
                self.resets.push_back((self.remote, rst));
            }
            return self.fail(ConnectionError::TimedOut, "retransmission limit reached");
        }
        // (5.4) "Retransmit the earliest segment that has not been acknowledged", (5.5)
        // "back off the timer", (5.6) "Start the retransmission timer" (when it is sent).
        self.rtt.back_off();
        if matches!(self.state, State::SynSent | State::SynReceived) {
            self.timers.syn_timed_out = true;
        }
        if matches!(self.state, State::SynSent | State::SynReceived) {
            self.syn_retransmission = true;
        }
        let flight = self.snd.max.len_since(self.snd.una);
        if self.state.synchronized()
            && self.state != State::SynReceived
            && self.cc.on_timeout(flight, self.snd.max)
        {
            // RFC 6675 §5.1: "If an RTO occurs during loss recovery as specified in this
            // document, RecoveryPoint MUST be set to HighData. Further, the new value of
            // RecoveryPoint MUST be preserved and the loss recovery algorithm outlined in this
            // document MUST be terminated."
            self.recovery_ended("retransmission timeout");
        }
        self.rtt_probe = None;
        self.retransmit_at = None;
        // RFC 2018 §5: "After a retransmit timeout the data sender SHOULD turn off all of
        // the SACKed bits" (RFC 6675 §5.1 leaves that rule as it is); the SACKs that come
        // after the timeout are used again, to skip what the receiver holds
        // (`data_segment`), as RFC 6675 §5.1 asks: "a SACK TCP sender SHOULD utilize all
        // SACK information made available during the loss recovery following an RTO".
        self.scoreboard.clear();
        self.snd.nxt = self.snd.una;
        let _ = now;
    }

    /// Starts or stops the timers that depend on the sequence space.
    pub(super) fn update_timers(&mut self, now: Instant) {
        if matches!(self.state, State::Closed | State::Listen | State::TimeWait) {
            self.timers.retransmit = None;
            self.timers.persist = None;
            self.timers.keepalive = None;
            return;
        }
        // RFC 9293 §3.8.4: probe an idle connection, one with nothing in flight.
        let idle = matches!(self.state, State::Established | State::CloseWait)
            && self.snd.max == self.snd.una;
        match (self.config.keepalive, idle) {
            (Some(idle_time), true) => {
                self.timers.keepalive.get_or_insert(now + idle_time);
            }
            _ => {
                self.timers.keepalive = None;
                self.timers.keepalive_probes = 0;
            }
        }
        // RFC 9293 §3.8.6.1: probe when the peer's window is zero, data waits, and nothing is
        // in flight to bring an ACK that would open it.
        let blocked = self.snd.wnd == 0
            && self.state.synchronized()
            && self.state != State::SynReceived
            && (self.snd.bytes_from(self.snd.nxt) > 0)
            && self.snd.in_flight() == 0
            && self.timers.retransmit.is_none();
        if blocked {
            if self.timers.persist.is_none() && !self.probe_due {
                let factor = 1u32 << self.timers.persist_backoff.min(6);
                let interval = (self.rtt.rto() * factor).min(self.config.max_rto);
                self.timers.persist = Some(now + interval);
            }
        } else {
            self.timers.persist = None;
            self.timers.persist_backoff = 0;
            self.probe_due = false;
        }
    }

    fn next_transmit(&mut self, now: Instant) -> Option<Transmit> {
        if let Some((dst, repr)) = self.resets.pop_front() {
            return Some(Transmit {
                src: self.local,
                dst,
                repr,
                payload: SendRange::EMPTY,
                reason: SendReason::Reset,
            });
        }
        match self.state {
            State::Closed | State::Listen => return None,
            State::SynSent | State::SynReceived if self.snd.nxt == self.snd.iss => {
                return Some(self.syn_segment(now));
            }
            _ => {}
        }
        if self.state.synchronized() && self.state != State::TimeWait {
            if let Some((seq, reason)) = self.retransmit_at.take() {
                if let Some(t) = self.retransmit_from(now, seq, usize::MAX, reason) {
                    return Some(t);
                }
            }
            if self.opts.sack && self.cc.in_recovery() {
                if let Some(t) = self.sack_recovery_segment(now) {
                    return Some(t);
                }
            } else if let Some(t) = self.data_segment(now, None) {
                return Some(t);
            }
            if self.probe_due {
                self.probe_due = false;
                if let Some(t) = self.window_probe(now) {
                    return Some(t);
                }
            }
            if self.keepalive_due {
                self.keepalive_due = false;
                // RFC 9293 §3.8.4: "sending a segment with sequence number SND.NXT-1"
                // (no data: wirelab does not add the garbage octet some stacks send).
                let seq = SeqNumber(self.snd.nxt.0.wrapping_sub(1));
                return Some(self.segment(
                    now,
                    seq,
                    Control::None,
                    SendRange::EMPTY,
                    SendReason::KeepAlive,
                ));
            }
        }
        if self.state.synchronized() {
            if let Some(reason) = self.ack_now.take() {
                // A window update (RFC 9293 §3.8.6.2.2) repeats the last ACK with a larger
                // window; an ACK that also acknowledges new data is an ordinary ACK
                // (Wireshark's tcp.analysis.window_update says the same).
                let reason = match reason {
                    SendReason::WindowUpdate if self.rcv.nxt != self.opts.last_ack_sent => {
                        SendReason::PureAck
                    }
                    reason => reason,
                };
                let seq = self.snd.nxt;
                return Some(self.segment(now, seq, Control::None, SendRange::EMPTY, reason));
            }
        }
        None
    }

    /// `<SEQ=ISS><CTL=SYN>` or, once the peer's SYN is known, `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>`.
    fn syn_segment(&mut self, now: Instant) -> Transmit {
        // A SYN-ACK answering the peer's SYN in a simultaneous open is our first SYN-ACK,
        // though our SYN went out before: only a timeout (or the peer's SYN again) makes
        // it a retransmission.
        let reason = if std::mem::take(&mut self.syn_retransmission) {
            SendReason::RtoRetransmission
        } else {
            SendReason::Syn
        };
        if self.snd.max == self.snd.iss {
            self.rtt_probe = Some((self.snd.iss + 1, now));
        } else if !self.opts.timestamps {
            self.rtt_probe = None; // Karn's rule
        }
        let iss = self.snd.iss;
        let t = self.segment(now, iss, Control::Syn, SendRange::EMPTY, reason);
        self.snd.nxt = iss + 1;
        self.snd.max = self.snd.max.max(self.snd.nxt);
        self.timers.retransmit.get_or_insert(now + self.rtt.rto());
        t
    }

    /// Fast or early retransmit (RFC 5681 §3.2 step 3, RFC 5827), NewReno's partial-ACK
    /// retransmission (RFC 6582 §3.2 step 3) or a segment NextSeg() chose (RFC 6675): one
    /// segment of at most `max_len` bytes from `seq`, not into SACKed data.
    pub(super) fn retransmit_from(
        &mut self,
        now: Instant,
        seq: SeqNumber,
        max_len: usize,
        reason: SendReason,
    ) -> Option<Transmit> {
        if seq < self.snd.una || seq >= self.snd.max {
            return None; // acknowledged meanwhile, or never sent
        }
        let una = seq;
        let sacked_after = self
            .scoreboard
            .ranges()
            .iter()
            .map(|(left, _)| *left)
            .find(|left| *left > seq);
        let room = sacked_after.map_or(usize::MAX, |left| left.len_since(seq));
        let len = self
            .snd
            .bytes_from(una)
            .min(self.effective_mss())
            .min(room)
            .min(max_len);
        let payload = self.snd.range(una, len);
        let fin = self.snd.fin_seq() == Some(una + len);
        if payload.is_empty() && !fin {
            return None;
        }
        if !self.opts.timestamps {
            self.rtt_probe = None; // Karn's rule
        }
        let control = if fin { Control::Fin } else { Control::None };
        let t = self.segment(now, una, control, payload, reason);
        let end = una + t.repr.segment_len(t.payload.len());
        if self.snd.nxt < end {
            self.snd.nxt = end;
        }
        self.scoreboard.high_rxt = self.scoreboard.high_rxt.max(end);
        if self.opts.sack && self.cc.in_recovery() {
            self.scoreboard.retransmitted(una, end, self.snd.max);
        }
        if matches!(
            reason,
            SendReason::FastRetransmission | SendReason::EarlyRetransmission
        ) && self.cc.in_recovery()
        {
            // RFC 6675 §5 (4.3): RescueRxt too is set to the end of the first retransmission.
            self.scoreboard.rescue_rxt = Some(end);
        }
        self.timers.retransmit.get_or_insert(now + self.rtt.rto());
        Some(t)
    }

    /// New data (or data again after a timeout) and the FIN, from SND.NXT. `cwnd_room` is
    /// what RFC 6675's recovery allows (cwnd - pipe); `None` computes it outside recovery.
    pub(super) fn data_segment(
        &mut self,
        now: Instant,
        cwnd_room: Option<usize>,
    ) -> Option<Transmit> {
        if !matches!(
            self.state,
            State::Established
                | State::CloseWait
                | State::FinWait1
                | State::Closing
                | State::LastAck
        ) {
            return None;
        }
        self.skip_sacked_after_timeout();
        let nxt = self.snd.nxt;
        let mss = self.effective_mss();
        let sacked_ahead = self.sacked_ahead(nxt);
        let unsent = self.snd.bytes_from(nxt).min(sacked_ahead);
        let (cwnd_room, limited) = match cwnd_room {
            Some(room) => (room, 0),
            None => self.cwnd_room(),
        };
        let len = unsent
            .min(self.snd.usable_window())
            .min(cwnd_room.max(limited))
            .min(mss);
        let limited_transmit = len > cwnd_room;
        let fin = len == self.snd.bytes_from(nxt) && self.snd.fin_seq() == Some(nxt + len);
        if len == 0 && !fin {
            return None;
        }
        // Below SND.MAX: sent before. After a timeout that is a retransmission; otherwise it
        // is the byte of a window probe the peer did not take, now sent with new data.
        let retransmission = nxt < self.snd.max;
        let after_timeout = self.cc.resending_after_timeout(nxt);
        let in_flight = self.snd.in_flight() > 0;
        if !retransmission && len < mss && in_flight && !fin {
            // Sender-side SWS avoidance (RFC 9293 §3.8.6.2.1): a segment shorter than the MSS
            // goes out only if it carries all the data queued (and then Nagle decides) or at
            // least half the largest window the peer offered. With nothing in flight it goes
            // out anyway: no ACK would come to wake us.
            if len < unsent && len < self.snd.max_wnd / 2 {
                return None;
            }
            // Nagle (RFC 896; RFC 9293 §3.7.4): hold small segments while data is
            // unacknowledged.
            if len == unsent && self.config.nagle && !self.snd.fin_queued() {
                return None;
            }
        }
        let payload = self.snd.range(nxt, len);
        let reason = if after_timeout {
            SendReason::RtoRetransmission
        } else if limited_transmit {
            SendReason::LimitedTransmit
        } else if len > 0 {
            SendReason::NewData
        } else {
            SendReason::Fin
        };
        if retransmission && !self.opts.timestamps {
            self.rtt_probe = None; // Karn's rule
        } else if !retransmission && self.rtt_probe.is_none() {
            self.rtt_probe = Some((nxt + len + usize::from(fin), now));
        }
        let control = if fin { Control::Fin } else { Control::None };
        let mut t = self.segment(now, nxt, control, payload, reason);
        t.repr.psh = len > 0 && len == unsent;
        self.snd.nxt = nxt + t.repr.segment_len(len);
        self.snd.max = self.snd.max.max(self.snd.nxt);
        self.timers.retransmit.get_or_insert(now + self.rtt.rto());
        Some(t)
    }

    /// RFC 9293 §3.8.6.1: one byte beyond the zero window. It does not advance SND.NXT: if the
    /// peer takes it, its ACK will (see `SendSequence::acknowledge`).
    fn window_probe(&mut self, now: Instant) -> Option<Transmit> {
        let nxt = self.snd.nxt;
        let payload = self.snd.range(nxt, 1);
        if payload.is_empty() {
            return None;
        }
        self.snd.max = self.snd.max.max(nxt + 1);
        Some(self.segment(now, nxt, Control::None, payload, SendReason::WindowProbe))
    }

    /// Builds a segment from this connection's current variables.
    fn segment(
        &mut self,
        now: Instant,
        seq: SeqNumber,
        control: Control,
        payload: SendRange,
        reason: SendReason,
    ) -> Transmit {
        let ack = self.state.synchronized().then_some(self.rcv.nxt);
        let (window, options) = if control == Control::Syn {
            // The window of a SYN is never scaled (RFC 7323 §2.2).
            let window = self.rcv.free_space().min(usize::from(u16::MAX));
            self.rcv.right_edge = self.rcv.nxt + window;
            let mut options = self.syn_options;
            if let Some(ts) = options.timestamps.as_mut() {
                *ts = (self.ts_value(now), self.opts.ts_recent);
            }
            (window as u16, options)
        } else {
            let window = self.rcv.advertise(self.opts.send_mss, self.opts.rcv_shift);
            let mut options = TcpOptions::default();
            if self.opts.timestamps {
                options.timestamps = Some((self.ts_value(now), self.opts.ts_recent));
            }
            if self.opts.sack && payload.is_empty() && self.rcv.has_gap() {
                options.sack_blocks = self.rcv.sack_blocks();
            }
            (window, options)
        };
        Transmit {
            src: self.local,
            dst: self.remote,
            repr: TcpRepr {
                src_port: self.local.port(),
                dst_port: self.remote.port(),
                seq,
                ack,
                control,
                psh: false,
                window,
                options,
            },
            payload,
            reason,
        }
    }
}
