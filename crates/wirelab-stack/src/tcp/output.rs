//! What to send next (`poll_transmit`), when to wake up (`poll_timeout`) and what the timers
//! do when they expire (`handle_timeout`).
//!
//! The order in which `poll_transmit` looks for something to send:
//!
//! 1. a queued RST;
//! 2. the SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) when SND.NXT is back at ISS;
//! 3. a fast retransmission of the segment at SND.UNA;
//! 4. data and FIN from SND.NXT, within the send window and cwnd, unless Nagle or sender
//!    SWS avoidance say to wait (after a timeout this resends from SND.UNA: go-back-N);
//! 5. a zero-window probe, when the persist timer expired;
//! 6. a pure ACK, when one is owed.
//!
//! Every segment after the SYN carries an ACK, so any segment sent pays the ACK owed.

use super::{Connection, ConnectionError, Event, SendReason, State, Transmit};
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
        let flight = self.snd.max.len_since(self.snd.una);
        if self.state.synchronized() && self.state != State::SynReceived {
            self.cc.on_timeout(flight, self.snd.max);
        }
        self.rtt_probe = None;
        self.retransmit_at = None;
        // RFC 2018 §8: "after a retransmit timeout the data sender SHOULD turn off all of
        // the SACKed bits".
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
                payload: Vec::new(),
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
                if let Some(t) = self.retransmit_from(now, seq, reason) {
                    return Some(t);
                }
            }
            if let Some(t) = self.data_segment(now) {
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
                    Vec::new(),
                    SendReason::KeepAlive,
                ));
            }
        }
        if self.state.synchronized() {
            if let Some(reason) = self.ack_now.take() {
                let seq = self.snd.nxt;
                return Some(self.segment(now, seq, Control::None, Vec::new(), reason));
            }
        }
        None
    }

    /// `<SEQ=ISS><CTL=SYN>` or, once the peer's SYN is known, `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>`.
    fn syn_segment(&mut self, now: Instant) -> Transmit {
        let first_time = self.snd.max == self.snd.iss;
        let reason = if first_time {
            self.rtt_probe = Some((self.snd.iss + 1, now));
            SendReason::Syn
        } else {
            SendReason::RtoRetransmission
        };
        let iss = self.snd.iss;
        let t = self.segment(now, iss, Control::Syn, Vec::new(), reason);
        self.snd.nxt = iss + 1;
        self.snd.max = self.snd.max.max(self.snd.nxt);
        self.timers.retransmit.get_or_insert(now + self.rtt.rto());
        t
    }

    /// Fast retransmit (RFC 5681 §3.2 step 4), NewReno's partial-ACK retransmission
    /// (RFC 6582 §3.2 step 5) or a SACK hole: one segment from `seq`, not into SACKed data.
    fn retransmit_from(
        &mut self,
        now: Instant,
        seq: SeqNumber,
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
        let len = self.snd.bytes_from(una).min(self.effective_mss()).min(room);
        let payload = self.snd.copy_out(una, len);
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
        self.timers.retransmit.get_or_insert(now + self.rtt.rto());
        Some(t)
    }

    /// New data (or data again after a timeout) and the FIN, from SND.NXT.
    fn data_segment(&mut self, now: Instant) -> Option<Transmit> {
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
        let nxt = self.snd.nxt;
        let mss = self.effective_mss();
        let unsent = self.snd.bytes_from(nxt);
        let cwnd_room = self.cc.cwnd.saturating_sub(self.snd.in_flight());
        // Limited transmit (RFC 3042): "a TCP sender SHOULD send a segment of previously
        // unsent data in response to each of the first two duplicate acknowledgments",
        // beyond cwnd by at most two segments. It gives a small window the extra duplicate
        // ACKs that fast retransmit needs.
        let limited = match self.cc.dup_acks {
            1 | 2 if !self.cc.in_recovery() && nxt == self.snd.max => (self.cc.cwnd
                + self.cc.dup_acks as usize * mss)
                .saturating_sub(self.snd.in_flight()),
            _ => 0,
        };
        let len = unsent
            .min(self.snd.usable_window())
            .min(cwnd_room.max(limited))
            .min(mss);
        let limited_transmit = len > cwnd_room;
        let fin = len == unsent && self.snd.fin_seq() == Some(nxt + len);
        if len == 0 && !fin {
            return None;
        }
        let retransmission = nxt < self.snd.max;
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
        let payload = self.snd.copy_out(nxt, len);
        let reason = if retransmission {
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
        let payload = self.snd.copy_out(nxt, 1);
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
        payload: Vec<u8>,
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
