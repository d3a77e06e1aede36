//! SEGMENT ARRIVES (RFC 9293 §3.10.7), step by step, with RFC 5961's defences against
//! blind resets and SYNs and RFC 7323's PAWS.

use super::congestion::AckAction;
use super::options::Negotiated;
use super::{isn, Connection, ConnectionError, Event, SendReason, State};
use crate::wire::{Control, SeqNumber, TcpRepr, TcpSummary};
use crate::Instant;
use std::net::SocketAddrV4;

/// The reset answering a segment for which no connection exists (RFC 9293 §3.10.7.1,
/// "If the state is CLOSED"): `None` for a segment that is itself a reset.
///
/// ```text
///   If the ACK bit is off: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
///   If the ACK bit is on:  <SEQ=SEG.ACK><CTL=RST>
/// ```
pub fn reset_for_closed(repr: &TcpRepr, payload_len: usize) -> Option<TcpRepr> {
    if repr.control == Control::Rst {
        return None;
    }
    let mut rst = TcpRepr {
        src_port: repr.dst_port,
        dst_port: repr.src_port,
        control: Control::Rst,
        ..TcpRepr::default()
    };
    match repr.ack {
        Some(ack) => rst.seq = ack,
        None => {
            rst.seq = SeqNumber(0);
            rst.ack = Some(repr.seq + repr.segment_len(payload_len));
        }
    }
    Some(rst)
}

impl Connection {
    /// Processes one segment from `from` (already checked: checksum, addressed to us).
    pub fn handle_segment(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        repr: &TcpRepr,
        payload: &[u8],
    ) {
        self.clock = now;
        // The peer is alive: the keep-alive starts over (update_timers re-arms it).
        self.timers.keepalive = None;
        self.timers.keepalive_probes = 0;
        let summary = TcpSummary {
            src: from,
            dst: self.local,
            repr: *repr,
            payload_len: payload.len(),
        };
        self.event(Event::SegmentReceived { summary });
        match self.state {
            State::Closed => {
                if let Some(rst) = reset_for_closed(repr, payload.len()) {
                    self.resets.push_back((from, rst));
                }
            }
            State::Listen => self.segment_in_listen(now, from, repr, &summary),
            State::SynSent => self.segment_in_syn_sent(now, repr, &summary),
            _ => self.segment_in_synchronized(now, repr, payload, &summary),
        }
        self.update_timers(now);
        self.report_changes();
    }

    fn drop_segment(&mut self, summary: &TcpSummary, why: &'static str) {
        self.event(Event::SegmentDropped {
            summary: *summary,
            why,
        });
    }

    /// RFC 9293 §3.10.7.2, "If the state is LISTEN".
    fn segment_in_listen(
        &mut self,
        now: Instant,
        from: SocketAddrV4,
        repr: &TcpRepr,
        summary: &TcpSummary,
    ) {
        // "First, check for a RST: An incoming RST segment could not be valid since it could
        // not have been sent in response to anything sent by this incarnation of the
        // connection. An incoming RST should be ignored."
        if repr.control == Control::Rst {
            return self.drop_segment(summary, "RST in LISTEN");
        }
        // "Second, check for an ACK: ... any acknowledgment is bad if it arrives on a
        // connection still in the LISTEN state. An acceptable reset segment should be formed
        // for any arriving ACK-bearing segment. The RST should be formatted as follows:
        // <SEQ=SEG.ACK><CTL=RST>"
        if let Some(ack) = repr.ack {
            let rst = TcpRepr {
                src_port: self.local.port(),
                dst_port: from.port(),
                seq: ack,
                control: Control::Rst,
                ..TcpRepr::default()
            };
            self.resets.push_back((from, rst));
            return self.drop_segment(summary, "ACK in LISTEN");
        }
        // "Third, check for a SYN: ... Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ, and
        // any other control or text should be queued for processing later. ISS should be
        // selected and a SYN segment sent of the form: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
        // SND.NXT is set to ISS+1 and SND.UNA to ISS. The connection state should be changed
        // to SYN-RECEIVED." (Data on the SYN is not queued here: the peer sends it again.)
        if repr.control != Control::Syn {
            return self.drop_segment(summary, "neither SYN, ACK nor RST in LISTEN");
        }
        self.remote = from;
        if !self.iss_fixed {
            let iss = isn::initial_sequence_number(&self.config.isn_secret, self.local, from, now);
            self.snd = super::send::SendSequence::new(iss, self.config.send_buffer);
        }
        self.rcv.synchronize(repr.seq);
        self.syn_options = Negotiated::syn_options(
            &self.config,
            Some(&repr.options),
            self.ts_value(now),
            repr.options.timestamps.map_or(0, |t| t.0),
        );
        self.take_peer_syn(repr);
        self.set_state(State::SynReceived, "rcv SYN, snd SYN,ACK");
    }

    /// The options and window of the peer's SYN, in LISTEN or SYN-SENT: what both sides
    /// offered decides the options in use (and so the segment size), and the SYN's window
    /// is the first send window (SND.WL1 <- SEG.SEQ).
    fn take_peer_syn(&mut self, repr: &TcpRepr) {
        let ours = self.syn_options;
        self.opts.negotiate(&self.config, &ours, &repr.options);
        self.cc.set_mss(self.effective_mss(), self.opts.sack);
        // The window of a SYN is never scaled (RFC 7323 §2.2).
        self.snd.wnd = usize::from(repr.window);
        self.snd.max_wnd = self.snd.wnd;
        self.snd.wl1 = repr.seq;
    }

    /// RFC 9293 §3.10.7.3, "If the state is SYN-SENT".
    fn segment_in_syn_sent(&mut self, now: Instant, repr: &TcpRepr, summary: &TcpSummary) {
        // "First, check the ACK bit: If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset
        // (unless the RST bit is set, if so drop the segment and return)
        // <SEQ=SEG.ACK><CTL=RST> and discard the segment."
        let mut ack_acceptable = false;
        if let Some(ack) = repr.ack {
            if ack <= self.snd.iss || ack > self.snd.max {
                if repr.control != Control::Rst {
                    let rst = self.reset_repr(ack);
                    self.resets.push_back((self.remote, rst));
                }
                return self.drop_segment(summary, "unacceptable ACK in SYN-SENT");
            }
            // "If SND.UNA < SEG.ACK =< SND.NXT, then the ACK is acceptable."
            ack_acceptable = self.snd.una < ack;
        }
        // "Second, check the RST bit: If the ACK was acceptable, then signal to the user
        // "error: connection reset", drop the segment, enter CLOSED state ... Otherwise (no
        // ACK), drop the segment and return." (The user sees "connection refused".)
        if repr.control == Control::Rst {
            if ack_acceptable {
                return self.fail(ConnectionError::Refused, "rcv RST");
            }
            return self.drop_segment(summary, "RST without an acceptable ACK in SYN-SENT");
        }
        // "Fourth, check the SYN bit: ... If the SYN bit is on and the security/compartment
        // is acceptable, then RCV.NXT is set to SEG.SEQ+1, IRS is set to SEG.SEQ. SND.UNA
        // should be advanced to equal SEG.ACK (if there is an ACK), and any segments on the
        // retransmission queue that are thereby acknowledged should be removed."
        if repr.control != Control::Syn {
            return self.drop_segment(summary, "neither SYN nor RST in SYN-SENT");
        }
        self.rcv.synchronize(repr.seq);
        self.take_peer_syn(repr);
        if let Some(ack) = repr.ack.filter(|_| ack_acceptable) {
            self.our_syn_acknowledged(now, ack, repr);
            self.snd.wl2 = ack;
        }
        if self.snd.una > self.snd.iss {
            // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to
            // ESTABLISHED, form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
            self.ack_now = Some(SendReason::PureAck);
            self.set_state(State::Established, "rcv SYN,ACK, snd ACK");
            self.after_established();
        } else {
            // "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
            // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it." (simultaneous open)
            self.snd.nxt = self.snd.iss;
            self.set_state(
                State::SynReceived,
                "rcv SYN (simultaneous open), snd SYN,ACK",
            );
        }
    }

    /// RFC 9293 §3.10.7.4, "Otherwise" (SYN-RECEIVED and every later state).
    fn segment_in_synchronized(
        &mut self,
        now: Instant,
        repr: &TcpRepr,
        payload: &[u8],
        summary: &TcpSummary,
    ) {
        let seg_len = repr.segment_len(payload.len());

        if self.state == State::SynReceived
            && repr.control == Control::Syn
            && repr.seq == self.rcv.irs
        {
            return self.syn_again_in_syn_received(now, repr, summary);
        }

        // RFC 7323 §5.3, PAWS: a segment whose timestamp is older than TS.Recent is an old
        // duplicate; it is treated as unacceptable (a RST is exempt, R1).
        if self.opts.timestamps && repr.control != Control::Rst {
            if let Some((value, _)) = repr.options.timestamps {
                if (value.wrapping_sub(self.opts.ts_recent) as i32) < 0 {
                    self.ack_now = Some(SendReason::AckOfUnacceptable);
                    return self.drop_segment(summary, "PAWS: timestamp older than TS.Recent");
                }
            }
        }

        // "First, check sequence number" (the acceptability test, recv.rs). "If an incoming
        // segment is not acceptable, an acknowledgment should be sent in reply (unless the
        // RST bit is set, if so drop the segment and return): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
        if !self.rcv.acceptable(repr.seq, seg_len) {
            if repr.control == Control::Rst {
                return self.drop_segment(summary, "RST outside the receive window");
            }
            if self.state == State::TimeWait && repr.control == Control::Fin {
                // "TIME-WAIT STATE: The only thing that can arrive in this state is a
                // retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL
                // timeout."
                self.timers.time_wait = Some(now + self.config.msl * 2);
            }
            self.ack_now = Some(SendReason::AckOfUnacceptable);
            return self.drop_segment(summary, "not acceptable: outside the receive window");
        }

        // "Second, check the RST bit": RFC 5961 §3.2: "If the RST bit is set and the sequence
        // number exactly matches the next expected sequence value (RCV.NXT), then TCP MUST
        // reset the connection. Otherwise (in window but not exact), TCP MUST send an
        // acknowledgment (challenge ACK)".
        if repr.control == Control::Rst {
            if repr.seq != self.rcv.nxt {
                self.challenge_ack(now);
                return self
                    .drop_segment(summary, "RST in window but not at RCV.NXT: challenge ACK");
            }
            return match self.state {
                // "If this connection was initiated with a passive OPEN (i.e., came from the
                // LISTEN state), then return this connection to LISTEN state".
                State::SynReceived if self.passive => self.return_to_listen(),
                // "If this connection was initiated with an active OPEN ... the connection
                // was refused".
                State::SynReceived => self.fail(ConnectionError::Refused, "rcv RST"),
                State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                    self.fail(ConnectionError::Reset, "rcv RST")
                }
                // CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB".
                _ => self.set_state(State::Closed, "rcv RST"),
            };
        }

        // "Fourth, check the SYN bit": RFC 5961 §4.2: in any synchronized state, "TCP MUST
        // send an ACK (challenge ACK) to the remote peer" and drop the segment.
        if repr.control == Control::Syn {
            self.challenge_ack(now);
            return self.drop_segment(summary, "SYN in a synchronized state: challenge ACK");
        }

        // "Fifth, check the ACK field: if the ACK bit is off, drop the segment and return".
        let Some(ack) = repr.ack else {
            return self.drop_segment(summary, "no ACK bit");
        };
        if self.state == State::SynReceived {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue
            // processing with the variables below set to: SND.WND <- SEG.WND,
            // SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK. If the segment acknowledgment is not
            // acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST> and send it."
            if !(self.snd.una < ack && ack <= self.snd.max) {
                let rst = self.reset_repr(ack);
                self.resets.push_back((self.remote, rst));
                return self.drop_segment(summary, "unacceptable ACK in SYN-RECEIVED");
            }
            self.snd.wnd = usize::from(repr.window) << self.opts.snd_shift;
            self.snd.max_wnd = self.snd.max_wnd.max(self.snd.wnd);
            self.snd.wl1 = repr.seq;
            self.snd.wl2 = ack;
            self.set_state(State::Established, "rcv ACK of SYN");
            self.after_established();
        }
        // RFC 5961 §5.2: an ACK is acceptable only if
        // (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT; otherwise send an ACK and drop.
        // ("SND.NXT" is our SND.MAX: the highest sequence number sent.)
        if ack > self.snd.max {
            self.ack_now = Some(SendReason::AckOfUnacceptable);
            return self.drop_segment(summary, "ACK of data never sent");
        }
        let oldest = SeqNumber(self.snd.una.0.wrapping_sub(self.snd.max_wnd.max(1) as u32));
        if ack < oldest {
            self.challenge_ack(now);
            return self.drop_segment(summary, "ACK older than SND.UNA - MAX.SND.WND");
        }
        self.process_ack(now, repr, payload, ack);
        if self.state == State::Closed {
            return;
        }
        if self.opts.timestamps {
            self.update_ts_recent(repr, seg_len);
        }

        // "Sixth, check the URG bit": urgent data is not supported (RFC 6093); ignored.

        // "Seventh, process the segment text".
        if !payload.is_empty() {
            self.process_text(now, repr.seq, payload);
        }

        // "Eighth, check the FIN bit". A FIN beyond a gap is remembered and processed when
        // the data before it has arrived.
        if repr.control == Control::Fin && repr.seq + payload.len() <= self.rcv.right_edge {
            self.rcv.fin_at = Some(repr.seq + payload.len());
            if repr.seq + payload.len() > self.rcv.nxt && self.state.receives_data() {
                // A FIN beyond a gap: tell the peer at once what is missing (RFC 5681 §4.2).
                self.ack_now = Some(SendReason::DuplicateAck);
            }
        }
        self.process_fin(now);
    }

    /// The peer's SYN again, in SYN-RECEIVED. Read literally, §3.10.7.4 finds it outside the
    /// window (it starts at IRS, one before RCV.NXT); but the RFC's own simultaneous open
    /// (§3.5, Figure 8, line 6) has a SYN,ACK arrive here and establish the connection, so:
    /// with an acceptable ACK it acknowledges our SYN (as in Figure 8); without one it is a
    /// retransmitted SYN, which means our SYN,ACK was lost, and it is sent again at once
    /// (as Linux does, rather than waiting for the timer).
    fn syn_again_in_syn_received(&mut self, now: Instant, repr: &TcpRepr, summary: &TcpSummary) {
        match repr.ack {
            Some(ack) if self.snd.una < ack && ack <= self.snd.max => {
                self.our_syn_acknowledged(now, ack, repr);
                // The window of a SYN is never scaled (RFC 7323 §2.2).
                self.snd.wnd = usize::from(repr.window);
                self.snd.max_wnd = self.snd.max_wnd.max(self.snd.wnd);
                self.snd.wl1 = repr.seq;
                self.snd.wl2 = ack;
                self.set_state(State::Established, "rcv SYN,ACK (simultaneous open)");
                self.after_established();
            }
            _ => {
                self.snd.nxt = self.snd.iss;
                self.syn_retransmission = true;
                self.drop_segment(summary, "retransmitted SYN: SYN,ACK again");
            }
        }
    }

    /// An acceptable ACK of our SYN (SYN-SENT, or a simultaneous open in SYN-RECEIVED):
    /// SND.UNA advances past the SYN, its round trip is an RTT sample, and nothing is left
    /// to retransmit.
    fn our_syn_acknowledged(&mut self, now: Instant, ack: SeqNumber, repr: &TcpRepr) {
        self.snd.acknowledge(ack);
        self.sample_rtt(now, ack, repr);
        self.timers.retransmit = None;
        self.timers.retries = 0;
    }

    /// The ACK processing of the fifth step, for ESTABLISHED and the states after it.
    fn process_ack(&mut self, now: Instant, repr: &TcpRepr, payload: &[u8], ack: SeqNumber) {
        let window = usize::from(repr.window) << self.opts.snd_shift;
        if self.snd.una < ack {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK."
            let acked_bytes = self.snd.acknowledge(ack);
            self.sample_rtt(now, ack, repr);
            self.timers.retries = 0;
            self.rtt.reset_backoff();
            // RFC 6298 (5.2): "When all outstanding data has been acknowledged, turn off the
            // retransmission timer." (5.3): "When an ACK is received that acknowledges new
            // data, restart the retransmission timer".
            self.timers.retransmit = (self.snd.nxt > self.snd.una).then(|| now + self.rtt.rto());
            let newly_sacked = self.update_scoreboard(repr);
            let flight = self.snd.in_flight();
            let srtt = self.rtt.srtt();
            match self.cc.on_ack(acked_bytes, self.snd.una, flight, now, srtt) {
                AckAction::RetransmitNextHole => {
                    // RFC 6582 §3.2 step 3 (no SACK), "Partial acknowledgments":
                    // "retransmit the first unacknowledged segment".
                    self.retransmit_at = Some((self.snd.una, SendReason::FastRetransmission));
                }
                AckAction::RecoveryEnded => {
                    self.recovery_ended("the ACK covers the recovery point")
                }
                AckAction::None => {}
            }
            // RFC 6675 §2: an ACK that SACKs new data is a duplicate ACK "even if it carries
            // new data, changes the advertised window, or moves the cumulative
            // acknowledgment point".
            if newly_sacked > 0 {
                self.on_duplicate_ack();
            }
        } else if self.opts.sack {
            if self.update_scoreboard(repr) > 0 && self.snd.max > self.snd.una {
                self.on_duplicate_ack();
            }
        } else if ack == self.snd.una
            && payload.is_empty()
            && repr.control == Control::None
            && window == self.snd.wnd
            && self.snd.nxt > self.snd.una
        {
            // RFC 5681 §2: a duplicate ACK acknowledges nothing new, carries no data, no SYN
            // or FIN, does not change the window, and data is outstanding.
            self.on_duplicate_ack();
        }
        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If
        // (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set
        // SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK."
        if self.snd.wl1 < repr.seq || (self.snd.wl1 == repr.seq && self.snd.wl2 <= ack) {
            self.snd.wnd = window;
            self.snd.max_wnd = self.snd.max_wnd.max(window);
            self.snd.wl1 = repr.seq;
            self.snd.wl2 = ack;
        }
        if !self.snd.fin_acked() {
            return;
        }
        match self.state {
            // "FIN-WAIT-1 STATE: In addition to the processing for the ESTABLISHED state, if
            // the FIN segment is now acknowledged, then enter FIN-WAIT-2".
            State::FinWait1 => self.set_state(State::FinWait2, "rcv ACK of FIN"),
            // "CLOSING STATE: ... if the ACK acknowledges our FIN, then enter the TIME-WAIT
            // state".
            State::Closing => self.enter_time_wait(now, "rcv ACK of FIN"),
            // "LAST-ACK STATE: The only thing that can arrive in this state is an
            // acknowledgment of our FIN. If our FIN is now acknowledged, delete the TCB, enter
            // the CLOSED state".
            State::LastAck => self.set_state(State::Closed, "rcv ACK of FIN"),
            _ => {}
        }
    }

    /// The seventh step: data in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 is delivered; in
    /// the other states "this should not occur since a FIN has been received" and it is
    /// ignored.
    fn process_text(&mut self, now: Instant, seq: SeqNumber, payload: &[u8]) {
        if !self.state.receives_data() {
            return;
        }
        let accepted = self.rcv.accept(seq, payload);
        // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate duplicate ACK when an
        // out-of-order segment arrives" and "an immediate ACK when the incoming segment
        // fills in all or part of a gap".
        if accepted.out_of_order || accepted.filled_gap || accepted.delivered == 0 {
            self.ack_now = Some(SendReason::DuplicateAck);
            return;
        }
        self.unacked_segments += 1;
        match self.config.delayed_ack {
            // "an ACK SHOULD be generated for at least every second full-sized segment".
            Some(delay) if self.unacked_segments < 2 => {
                self.timers.delayed_ack.get_or_insert(now + delay);
            }
            _ => {
                self.ack_now.get_or_insert(SendReason::PureAck);
            }
        }
    }

    /// The eighth step, once RCV.NXT has reached the FIN: "advance RCV.NXT over the FIN,
    /// and send an acknowledgment for the FIN".
    fn process_fin(&mut self, now: Instant) {
        if self.rcv.fin_at != Some(self.rcv.nxt) {
            return;
        }
        let next = match self.state {
            State::SynReceived | State::Established => State::CloseWait,
            // "FIN-WAIT-1 STATE: If our FIN has been ACKed ... then enter TIME-WAIT ...;
            // otherwise, enter the CLOSING state."
            State::FinWait1 if self.snd.fin_acked() => State::TimeWait,
            State::FinWait1 => State::Closing,
            State::FinWait2 => State::TimeWait,
            _ => return,
        };
        self.rcv.nxt += 1;
        self.ack_now = Some(SendReason::PureAck);
        self.timers.delayed_ack = None;
        if next == State::TimeWait {
            self.enter_time_wait(now, "rcv FIN, snd ACK");
        } else {
            self.set_state(next, "rcv FIN, snd ACK");
        }
    }

    pub(super) fn enter_time_wait(&mut self, now: Instant, reason: &'static str) {
        self.set_state(State::TimeWait, reason);
        self.timers.retransmit = None;
        self.timers.persist = None;
        self.timers.time_wait = Some(now + self.config.msl * 2);
    }

    /// After the handshake: a CLOSE that came during SYN-RECEIVED takes effect now.
    fn after_established(&mut self) {
        // RFC 6298 (5.7): "If the timer expires awaiting the ACK of a SYN segment and the TCP
        // implementation is using an RTO less than 3 seconds, the RTO MUST be re-initialized
        // to 3 seconds when data transmission begins".
        if self.timers.syn_timed_out && self.rtt.srtt().is_none() {
            self.rtt.reinitialize(crate::Duration::from_secs(3));
        }
        self.timers.retries = 0;
        if self.snd.fin_queued() {
            self.set_state(
                State::FinWait1,
                "CLOSE queued during the handshake, snd FIN",
            );
        }
    }

    /// An RTT sample (RFC 6298 §3) when the timed segment is acknowledged. With timestamps
    /// the echoed TSval dates the very transmission acknowledged, so retransmissions do not
    /// make it ambiguous (RFC 7323 §4); without them, Karn's rule applies: the probe is
    /// cancelled whenever something is retransmitted.
    pub(super) fn sample_rtt(&mut self, now: Instant, ack: SeqNumber, repr: &TcpRepr) {
        let Some((end, sent)) = self.rtt_probe else {
            return;
        };
        if ack < end {
            return;
        }
        self.rtt_probe = None;
        let sample = match repr.options.timestamps {
            Some((_, echo)) if self.opts.timestamps && echo != 0 => {
                let elapsed = self.ts_value(now).wrapping_sub(echo);
                crate::Duration::from_millis(u64::from(elapsed))
            }
            _ => now.saturating_since(sent),
        };
        self.rtt.sample(sample);
    }

    /// RFC 7323 §4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent, then
    /// SEG.TSval is copied to TS.Recent".
    fn update_ts_recent(&mut self, repr: &TcpRepr, seg_len: usize) {
        if let Some((value, _)) = repr.options.timestamps {
            let newer = (value.wrapping_sub(self.opts.ts_recent) as i32) >= 0;
            let covers = repr.seq <= self.opts.last_ack_sent
                && self.opts.last_ack_sent <= repr.seq + seg_len;
            if newer && covers {
                self.opts.ts_recent = value;
            }
        }
    }

    /// Owes a challenge ACK, unless this second's allowance is spent (RFC 5961 §7: "an
    /// implementation SHOULD include an ACK throttling mechanism"; RFC 5961 counts per host,
    /// wirelab per connection).
    fn challenge_ack(&mut self, now: Instant) {
        let (since, count) = self.challenge_acks;
        let (since, count) = if now.saturating_since(since) >= crate::Duration::from_secs(1) {
            (now, 0)
        } else {
            (since, count)
        };
        if count < self.config.challenge_ack_limit {
            self.ack_now = Some(SendReason::ChallengeAck);
            self.challenge_acks = (since, count + 1);
        } else {
            self.challenge_acks = (since, count);
        }
    }

    /// The largest payload per segment: the peer's MSS less the options every segment
    /// carries (RFC 6691: the MSS counts no options).
    pub(super) fn effective_mss(&self) -> usize {
        let options = if self.opts.timestamps { 12 } else { 0 };
        self.opts.send_mss.saturating_sub(options).max(1)
    }
}
