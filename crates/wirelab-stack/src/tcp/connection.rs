//! The transmission control block (RFC 9293 §3.3.1) and the user calls on it (§3.10.1-5):
//! OPEN ([`Connection::connect`], [`Connection::listen`]), SEND, RECEIVE, CLOSE, ABORT.
//!
//! Segment arrival is in `input.rs`, what to send next and the timeouts in `output.rs`.

use super::congestion::Congestion;
use super::options::Negotiated;
use super::recv::RecvSequence;
use super::sack::Scoreboard;
use super::send::SendSequence;
use super::timer::{RttEstimator, Timers};
use super::{isn, Config, ConnectionError, Event, SendReason, State};
use crate::wire::{Control, SeqNumber, TcpOptions, TcpRepr};
use crate::{Duration, Instant};
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};

/// Bound on the event queue, for drivers that never poll events: older events are dropped
/// (and counted) rather than growing memory without limit.
const MAX_QUEUED_EVENTS: usize = 100_000;

/// One TCP connection, sans-IO. See the module documentation of [`crate::tcp`].
#[derive(Debug)]
pub struct Connection {
    pub(super) config: Config,
    pub(super) state: State,
    pub(super) local: SocketAddrV4,
    /// The peer; 0.0.0.0:0 while in LISTEN.
    pub(super) remote: SocketAddrV4,
    /// Opened by a passive OPEN: an RST in SYN-RECEIVED returns it to LISTEN
    /// (RFC 9293 §3.10.7.4, second step).
    pub(super) passive: bool,
    /// The ISS was fixed by `with_initial_sequence_number` (tests and lessons).
    pub(super) iss_fixed: bool,
    pub(super) snd: SendSequence,
    pub(super) rcv: RecvSequence,
    pub(super) rtt: RttEstimator,
    pub(super) timers: Timers,
    pub(super) cc: Congestion,
    pub(super) opts: Negotiated,
    /// The options our SYN (or SYN-ACK) carries.
    pub(super) syn_options: TcpOptions,
    /// An ACK is owed now, and why.
    pub(super) ack_now: Option<SendReason>,
    /// In-order segments received since our last ACK (RFC 5681 §4.2: ACK at least every
    /// second full-sized segment).
    pub(super) unacked_segments: u32,
    /// RSTs to send, each to its own destination (from LISTEN it is not the peer).
    pub(super) resets: VecDeque<(SocketAddrV4, TcpRepr)>,
    /// Retransmit the segment at this sequence number (fast retransmit, NewReno partial
    /// ACK, a SACK hole).
    pub(super) retransmit_at: Option<(SeqNumber, SendReason)>,
    /// Challenge ACKs sent in the second that began at `.0` (RFC 5961 §7 throttling).
    pub(super) challenge_acks: (Instant, u32),
    /// What the receiver SACKed (used only when SACK was negotiated).
    pub(super) scoreboard: Scoreboard,
    /// The next SYN (or SYN,ACK) is sent again: the timer expired, or the peer's SYN came
    /// again. Otherwise a SYN,ACK is a first one, even in a simultaneous open where our
    /// SYN went out before.
    pub(super) syn_retransmission: bool,
    /// The persist timer expired: send a window probe.
    pub(super) probe_due: bool,
    /// The keep-alive timer expired: send a keep-alive probe.
    pub(super) keepalive_due: bool,
    /// The segment being timed for an RTT sample: its end and when it was sent.
    pub(super) rtt_probe: Option<(SeqNumber, Instant)>,
    pub(super) error: Option<ConnectionError>,
    /// The latest time handed in: events are stamped with it (user calls such as `close`
    /// carry no time, so their events take the time of the last input).
    pub(super) clock: Instant,
    events: VecDeque<(Instant, Event)>,
    events_dropped: u64,
    /// Values last reported in events, to report changes only.
    reported: Reported,
}

#[derive(Debug, Default, PartialEq)]
struct Reported {
    cwnd: usize,
    ssthresh: usize,
    snd_wnd: usize,
    rcv_wnd: usize,
    srtt: Option<Duration>,
    rto: Duration,
}

impl Connection {
    fn new(
        config: Config,
        local: SocketAddrV4,
        remote: SocketAddrV4,
        iss: SeqNumber,
    ) -> Connection {
        let rtt = RttEstimator::new(config.initial_rto, config.min_rto, config.max_rto);
        let snd = SendSequence::new(iss, config.send_buffer);
        let rcv = RecvSequence::new(config.recv_buffer);
        let opts = Negotiated::new(&config);
        let cc = Congestion::new(opts.send_mss, config.congestion);
        Connection {
            state: State::Closed,
            local,
            remote,
            passive: false,
            iss_fixed: false,
            snd,
            rcv,
            rtt,
            timers: Timers::default(),
            cc,
            opts,
            syn_options: TcpOptions::default(),
            ack_now: None,
            unacked_segments: 0,
            resets: VecDeque::new(),
            retransmit_at: None,
            scoreboard: Scoreboard::default(),
            challenge_acks: (Instant::ZERO, 0),
            syn_retransmission: false,
            probe_due: false,
            keepalive_due: false,
            rtt_probe: None,
            error: None,
            clock: Instant::ZERO,
            events: VecDeque::new(),
            events_dropped: 0,
            reported: Reported::default(),
            config,
        }
    }

    /// Active OPEN (RFC 9293 §3.10.1): choose an ISS, enter SYN-SENT; the SYN is the first
    /// thing `poll_transmit` returns.
    pub fn connect(
        config: Config,
        local: SocketAddrV4,
        remote: SocketAddrV4,
        now: Instant,
    ) -> Connection {
        let iss = isn::initial_sequence_number(&config.isn_secret, local, remote, now);
        let mut c = Connection::new(config, local, remote, iss);
        c.clock = now;
        c.syn_options = Negotiated::syn_options(&c.config, None, c.ts_value(now), 0);
        c.set_state(State::SynSent, "active OPEN, snd SYN");
        c.report_changes();
        c
    }

    /// Passive OPEN (RFC 9293 §3.10.1): wait in LISTEN for a SYN to `local`.
    pub fn listen(config: Config, local: SocketAddrV4, now: Instant) -> Connection {
        let mut c = Connection::new(
            config,
            local,
            SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
            SeqNumber(0),
        );
        c.clock = now;
        c.passive = true;
        c.set_state(State::Listen, "passive OPEN");
        c
    }

    /// Replaces the RFC 6528 ISS by a fixed one, before anything was sent: for tests and
    /// lessons that want to print readable sequence numbers. Never use it on a network.
    pub fn with_initial_sequence_number(mut self, iss: SeqNumber) -> Connection {
        self.snd = SendSequence::new(iss, self.config.send_buffer);
        self.iss_fixed = true;
        self
    }

    // ---- getters ---------------------------------------------------------------------

    pub fn state(&self) -> State {
        self.state
    }

    pub fn local(&self) -> SocketAddrV4 {
        self.local
    }

    pub fn remote(&self) -> SocketAddrV4 {
        self.remote
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Why the connection ended, if it did not end by an orderly close.
    pub fn error(&self) -> Option<ConnectionError> {
        self.error
    }

    pub fn send_sequence(&self) -> &SendSequence {
        &self.snd
    }

    pub fn recv_sequence(&self) -> &RecvSequence {
        &self.rcv
    }

    /// The SACK scoreboard (empty unless SACK was negotiated).
    pub fn scoreboard(&self) -> &Scoreboard {
        &self.scoreboard
    }

    pub fn congestion(&self) -> &Congestion {
        &self.cc
    }

    pub fn rtt(&self) -> &RttEstimator {
        &self.rtt
    }

    pub fn negotiated(&self) -> &Negotiated {
        &self.opts
    }

    /// Bytes received in order and not read yet.
    pub fn recv_queue(&self) -> usize {
        self.rcv.buffered()
    }

    /// Bytes queued and not yet acknowledged.
    pub fn send_queue(&self) -> usize {
        self.snd.buffered()
    }

    /// Room in the send buffer.
    pub fn send_capacity(&self) -> usize {
        if self.state.accepts_sends() && !self.snd.fin_queued() {
            self.snd.free_space()
        } else {
            0
        }
    }

    /// The peer closed its direction and everything it sent has been read.
    pub fn peer_closed(&self) -> bool {
        matches!(
            self.state,
            State::CloseWait | State::LastAck | State::Closing | State::TimeWait | State::Closed
        ) && self.rcv.buffered() == 0
    }

    pub fn is_closed(&self) -> bool {
        self.state == State::Closed
    }

    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    // ---- user calls --------------------------------------------------------------------

    /// SEND (RFC 9293 §3.10.2): queues what fits in the send buffer; returns how much.
    pub fn send(&mut self, data: &[u8]) -> usize {
        if !self.state.accepts_sends() || self.snd.fin_queued() {
            return 0;
        }
        self.snd.write(data)
    }

    /// RECEIVE (RFC 9293 §3.10.3): copies in-order data out. Reading may open the window
    /// enough to tell the peer (a window update).
    pub fn recv(&mut self, out: &mut [u8]) -> usize {
        let n = self.rcv.read(out);
        if n > 0 && self.state.receives_data() && self.rcv.window_update_due(self.opts.send_mss) {
            self.ack_now.get_or_insert(SendReason::WindowUpdate);
        }
        n
    }

    /// CLOSE (RFC 9293 §3.10.4): "I have no more data to send". Queues a FIN after the
    /// data already queued.
    pub fn close(&mut self) {
        match self.state {
            State::Listen | State::SynSent => self.set_state(State::Closed, "CLOSE"),
            // "If no SENDs have been issued ... form a FIN segment and send it ...; otherwise,
            // queue for processing after entering ESTABLISHED state": we always queue it, and
            // FIN-WAIT-1 follows the handshake (see input.rs).
            State::SynReceived => self.snd.queue_fin(),
            State::Established => {
                self.snd.queue_fin();
                self.set_state(State::FinWait1, "CLOSE, snd FIN");
            }
            State::CloseWait => {
                self.snd.queue_fin();
                self.set_state(State::LastAck, "CLOSE, snd FIN");
            }
            _ => {}
        }
    }

    /// ABORT (RFC 9293 §3.10.5): send a reset in the synchronized states, then forget.
    pub fn abort(&mut self) {
        // "SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT STATES: Send a reset
        // segment: <SEQ=SND.NXT><CTL=RST>"; in CLOSING, LAST-ACK and TIME-WAIT the TCB is
        // simply deleted.
        let sends_reset = matches!(
            self.state,
            State::SynReceived
                | State::Established
                | State::FinWait1
                | State::FinWait2
                | State::CloseWait
        );
        if sends_reset {
            let rst = self.reset_repr(self.snd.nxt);
            self.resets.push_back((self.remote, rst));
        }
        self.error = Some(ConnectionError::Aborted);
        self.event(Event::Error(ConnectionError::Aborted));
        self.set_state(State::Closed, "ABORT");
    }

    /// RFC 9293 §3.10.7.4, second step, SYN-RECEIVED from a passive OPEN: "return this
    /// connection to LISTEN state", forgetting the peer.
    pub(super) fn return_to_listen(&mut self) {
        let events = std::mem::take(&mut self.events);
        let clock = self.clock;
        let fresh = Connection::listen(self.config.clone(), self.local, clock);
        *self = if self.iss_fixed {
            fresh.with_initial_sequence_number(self.snd.iss)
        } else {
            fresh
        };
        self.events = events;
        self.clock = clock;
        self.event(Event::StateChanged {
            from: State::SynReceived,
            to: State::Listen,
            reason: "rcv RST",
        });
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front().map(|(_, event)| event)
    }

    /// The next event with the time it happened.
    pub fn poll_timed_event(&mut self) -> Option<(Instant, Event)> {
        self.events.pop_front()
    }

    // ---- helpers shared by input.rs and output.rs --------------------------------------

    pub(super) fn event(&mut self, event: Event) {
        if !self.config.events {
            return;
        }
        if self.events.len() >= MAX_QUEUED_EVENTS {
            self.events.pop_front();
            self.events_dropped += 1;
        }
        self.events.push_back((self.clock, event));
    }

    pub(super) fn set_state(&mut self, to: State, reason: &'static str) {
        let from = self.state;
        if from == to {
            return;
        }
        self.state = to;
        self.event(Event::StateChanged { from, to, reason });
        if to == State::Closed {
            self.timers = Timers::default();
            self.ack_now = None;
            self.retransmit_at = None;
            self.probe_due = false;
        }
    }

    /// A connection error: report it and close.
    pub(super) fn fail(&mut self, error: ConnectionError, reason: &'static str) {
        self.error = Some(error);
        self.event(Event::Error(error));
        self.set_state(State::Closed, reason);
    }

    /// `<SEQ=seq><CTL=RST>` to the peer.
    pub(super) fn reset_repr(&self, seq: SeqNumber) -> TcpRepr {
        TcpRepr {
            src_port: self.local.port(),
            dst_port: self.remote.port(),
            seq,
            control: Control::Rst,
            ..TcpRepr::default()
        }
    }

    /// Our timestamp clock (RFC 7323 §5.4): milliseconds of the driver's time.
    pub(super) fn ts_value(&self, now: Instant) -> u32 {
        (now.total_micros() / 1000) as u32
    }

    /// Reports cwnd, ssthresh, windows and RTT estimates that changed since last time.
    pub(super) fn report_changes(&mut self) {
        if !self.config.events {
            return;
        }
        let now = Reported {
            cwnd: self.cc.cwnd,
            ssthresh: self.cc.ssthresh,
            snd_wnd: self.snd.wnd,
            rcv_wnd: self.rcv.window(),
            srtt: self.rtt.srtt(),
            rto: self.rtt.rto(),
        };
        // Taken at every report, so that a reduction (a timeout, the end of recovery) names
        // only the change it caused.
        let why = self.cc.take_phase();
        if (now.cwnd, now.ssthresh) != (self.reported.cwnd, self.reported.ssthresh) {
            self.event(Event::CongestionChanged {
                cwnd: now.cwnd,
                ssthresh: now.ssthresh,
                why,
            });
        }
        if (now.snd_wnd, now.rcv_wnd) != (self.reported.snd_wnd, self.reported.rcv_wnd) {
            self.event(Event::WindowChanged {
                send: now.snd_wnd,
                receive: now.rcv_wnd,
            });
        }
        if (now.srtt, now.rto) != (self.reported.srtt, self.reported.rto) {
            if let Some(srtt) = now.srtt {
                self.event(Event::RttChanged {
                    srtt,
                    rttvar: self.rtt.rttvar(),
                    rto: now.rto,
                });
            }
        }
        self.reported = now;
    }
}
