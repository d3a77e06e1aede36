//! State-by-state tests of one connection, written as packet traces: the peer's segments
//! go in with `send!`, ours come out with `recv!`, built from the templates below.
//! A failing test prints the events so far.

use super::*;
use crate::wire::{Control, SeqNumber, TcpOptions, TcpRepr};
use crate::{Duration, Instant};
use std::net::{Ipv4Addr, SocketAddrV4};

#[path = "tests_close.rs"]
mod close;
#[path = "tests_established.rs"]
mod established;
#[path = "tests_keepalive.rs"]
mod keepalive;
#[path = "tests_random.rs"]
mod random;
#[path = "tests_recovery.rs"]
mod recovery;

pub(super) const LOCAL_PORT: u16 = 80;
pub(super) const REMOTE_PORT: u16 = 49500;
pub(super) const LOCAL: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 168, 1, 1), LOCAL_PORT);
pub(super) const REMOTE: SocketAddrV4 =
    SocketAddrV4::new(Ipv4Addr::new(192, 168, 1, 2), REMOTE_PORT);
pub(super) const LOCAL_SEQ: SeqNumber = SeqNumber(10_000);
pub(super) const REMOTE_SEQ: SeqNumber = SeqNumber(20_000);

pub(super) const MSS_1000: TcpOptions = TcpOptions {
    mss: Some(1000),
    ..TcpOptions::NONE
};

/// A segment from the peer to us.
pub(super) const SEND_TEMPL: TcpRepr = TcpRepr {
    src_port: REMOTE_PORT,
    dst_port: LOCAL_PORT,
    seq: SeqNumber(0),
    ack: None,
    control: Control::None,
    psh: false,
    window: 4096,
    options: TcpOptions::NONE,
};

/// A segment from us to the peer.
pub(super) const RECV_TEMPL: TcpRepr = TcpRepr {
    src_port: LOCAL_PORT,
    dst_port: REMOTE_PORT,
    ..SEND_TEMPL
};

pub(super) fn config() -> Config {
    Config {
        mss: 1000,
        send_buffer: 8192,
        recv_buffer: 4096,
        window_scaling: false,
        sack: false,
        timestamps: false,
        nagle: false,
        delayed_ack: None,
        initial_rto: Duration::from_secs(1),
        min_rto: Duration::from_secs(1),
        max_rto: Duration::from_secs(60),
        msl: Duration::from_secs(10),
        max_retransmissions: 3,
        isn_secret: [0; 16],
        events: true,
        congestion: Algorithm::NewReno,
        keepalive: None,
        keepalive_interval: Duration::from_secs(75),
        keepalive_probes: 9,
        challenge_ack_limit: 10,
    }
}

/// A connection, the time, and the trace of what happened so far.
pub(super) struct Harness {
    pub c: Connection,
    pub now: Instant,
    pub trace: Vec<String>,
}

impl Harness {
    pub fn new(c: Connection) -> Harness {
        let mut h = Harness {
            c,
            now: Instant::ZERO,
            trace: Vec::new(),
        };
        h.collect();
        h
    }

    fn collect(&mut self) {
        while let Some(e) = self.c.poll_event() {
            self.trace.push(format!("{} {e}", self.now));
        }
    }

    pub fn trace_text(&self) -> String {
        self.trace.join("\n")
    }

    pub fn send(&mut self, repr: TcpRepr, payload: &[u8]) {
        self.c.handle_segment(self.now, REMOTE, &repr, payload);
        self.collect();
    }

    pub fn poll(&mut self) -> Option<Transmit> {
        let t = self.c.poll_transmit(self.now);
        self.collect();
        t
    }

    pub fn expect(&mut self, repr: TcpRepr, payload: &[u8]) -> SendReason {
        let got = self.poll();
        let Some(t) = got else {
            panic!(
                "expected {repr:?} with {} bytes, got nothing\ntrace:\n{}",
                payload.len(),
                self.trace_text()
            );
        };
        assert_eq!(
            (t.repr, self.c.payload_bytes(&t).as_slice()),
            (repr, payload),
            "\ntrace:\n{}",
            self.trace_text()
        );
        t.reason
    }

    pub fn expect_nothing(&mut self) {
        if let Some(t) = self.poll() {
            panic!(
                "expected nothing, got {}\ntrace:\n{}",
                t.summary(),
                self.trace_text()
            );
        }
    }

    /// Moves the clock to `at` and runs the timers.
    pub fn at(&mut self, at: Instant) {
        self.now = at;
        self.c.handle_timeout(at);
        self.collect();
    }

    pub fn state(&self) -> State {
        self.c.state()
    }
}

macro_rules! send {
    ($h:expr, $repr:expr) => {
        $h.send($repr, b"")
    };
    ($h:expr, $repr:expr, $payload:expr) => {
        $h.send($repr, $payload)
    };
}

macro_rules! recv {
    ($h:expr, $repr:expr) => {
        $h.expect($repr, b"")
    };
    ($h:expr, $repr:expr, $payload:expr) => {
        $h.expect($repr, $payload)
    };
}
pub(super) use {recv, send};

pub(super) fn listen_with(config: Config) -> Harness {
    Harness::new(
        Connection::listen(config, LOCAL, Instant::ZERO).with_initial_sequence_number(LOCAL_SEQ),
    )
}

pub(super) fn syn_sent_with(config: Config) -> Harness {
    let c = Connection::connect(config, LOCAL, REMOTE, Instant::ZERO)
        .with_initial_sequence_number(LOCAL_SEQ);
    let mut h = Harness::new(c);
    let syn = h.poll().expect("a SYN");
    assert_eq!(
        (syn.repr.control, syn.repr.seq, syn.repr.ack),
        (Control::Syn, LOCAL_SEQ, None)
    );
    h
}

pub(super) fn syn_sent() -> Harness {
    syn_sent_with(config())
}

/// ESTABLISHED after an active open; `peer` are the options of the peer's SYN,ACK.
pub(super) fn established_with(config: Config, peer: TcpOptions) -> Harness {
    let mut h = syn_sent_with(config);
    send!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: REMOTE_SEQ,
            ack: Some(LOCAL_SEQ + 1),
            options: peer,
            ..SEND_TEMPL
        }
    );
    let ack = h.poll().expect("the ACK of the SYN,ACK");
    assert_eq!(
        (ack.repr.seq, ack.repr.ack),
        (LOCAL_SEQ + 1, Some(REMOTE_SEQ + 1))
    );
    assert_eq!(h.state(), State::Established, "\n{}", h.trace_text());
    h
}

pub(super) fn established() -> Harness {
    established_with(config(), MSS_1000)
}

/// The peer's SYN, offering an MSS of 1000.
pub(super) fn peer_syn() -> TcpRepr {
    TcpRepr {
        control: Control::Syn,
        seq: REMOTE_SEQ,
        options: MSS_1000,
        ..SEND_TEMPL
    }
}

/// Our SYN,ACK to the peer's SYN.
pub(super) fn our_syn_ack() -> TcpRepr {
    TcpRepr {
        control: Control::Syn,
        seq: LOCAL_SEQ,
        ack: Some(REMOTE_SEQ + 1),
        options: MSS_1000,
        ..RECV_TEMPL
    }
}

/// The peer's segment, after the handshake, acknowledging the first `acked` bytes we sent.
pub(super) fn peer_ack(acked: usize) -> TcpRepr {
    TcpRepr {
        seq: REMOTE_SEQ + 1,
        ack: Some(LOCAL_SEQ + 1 + acked),
        ..SEND_TEMPL
    }
}

/// Our segment, after the handshake, acknowledging the first `received` bytes of the peer
/// and offering `window`.
pub(super) fn our_ack(received: usize, window: u16) -> TcpRepr {
    TcpRepr {
        seq: LOCAL_SEQ + 1,
        ack: Some(REMOTE_SEQ + 1 + received),
        window,
        ..RECV_TEMPL
    }
}

// =====================================================================================
// Tests for the CLOSED state.
// =====================================================================================

#[test]
fn a_segment_without_ack_to_a_closed_port_gets_rst_ack_at_seq_plus_len() {
    let syn = TcpRepr {
        control: Control::Syn,
        seq: REMOTE_SEQ,
        ..SEND_TEMPL
    };
    let rst = input::reset_for_closed(&syn, 0).unwrap();
    assert_eq!(
        rst,
        TcpRepr {
            control: Control::Rst,
            seq: SeqNumber(0),
            ack: Some(REMOTE_SEQ + 1),
            window: 0,
            ..RECV_TEMPL
        }
    );
}

#[test]
fn a_segment_with_ack_to_a_closed_port_gets_rst_at_its_ack() {
    let ack = TcpRepr {
        seq: REMOTE_SEQ,
        ack: Some(LOCAL_SEQ),
        ..SEND_TEMPL
    };
    let rst = input::reset_for_closed(&ack, 5).unwrap();
    assert_eq!(
        rst,
        TcpRepr {
            control: Control::Rst,
            seq: LOCAL_SEQ,
            window: 0,
            ..RECV_TEMPL
        }
    );
}

#[test]
fn a_reset_to_a_closed_port_is_not_answered() {
    let rst = TcpRepr {
        control: Control::Rst,
        seq: REMOTE_SEQ,
        ..SEND_TEMPL
    };
    assert_eq!(input::reset_for_closed(&rst, 0), None);
}

// =====================================================================================
// Tests for the LISTEN state.
// =====================================================================================

#[test]
fn listen_answers_a_syn_with_syn_ack_and_enters_syn_received() {
    let mut h = listen_with(config());
    send!(h, peer_syn());
    assert_eq!(h.state(), State::SynReceived);
    let reason = recv!(h, our_syn_ack());
    assert_eq!(reason, SendReason::Syn);
    assert_eq!(h.c.remote(), REMOTE);
}

#[test]
fn listen_ignores_a_reset() {
    let mut h = listen_with(config());
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Listen);
    h.expect_nothing();
}

#[test]
fn listen_answers_an_ack_with_a_reset_at_seg_ack() {
    let mut h = listen_with(config());
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ,
            ack: Some(SeqNumber(5555)),
            ..SEND_TEMPL
        }
    );
    recv!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: SeqNumber(5555),
            window: 0,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.state(), State::Listen);
}

#[test]
fn close_in_listen_goes_to_closed() {
    let mut h = listen_with(config());
    h.c.close();
    assert_eq!(h.state(), State::Closed);
}

// =====================================================================================
// Tests for the SYN-SENT state.
// =====================================================================================

#[test]
fn connect_sends_a_syn_offering_the_configured_options() {
    let c = Connection::connect(
        Config {
            window_scaling: true,
            sack: true,
            timestamps: true,
            recv_buffer: 1 << 20,
            ..config()
        },
        LOCAL,
        REMOTE,
        Instant::from_millis(5),
    )
    .with_initial_sequence_number(LOCAL_SEQ);
    let mut h = Harness::new(c);
    h.now = Instant::from_millis(5);
    assert_eq!(h.state(), State::SynSent);
    recv!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: LOCAL_SEQ,
            window: 65535,
            options: TcpOptions {
                mss: Some(1000),
                window_scale: Some(5),
                sack_permitted: true,
                timestamps: Some((5, 0)),
                ..TcpOptions::NONE
            },
            ..RECV_TEMPL
        }
    );
}

#[test]
fn a_syn_ack_establishes_the_connection_and_is_acknowledged() {
    let mut h = syn_sent();
    send!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: REMOTE_SEQ,
            ack: Some(LOCAL_SEQ + 1),
            options: MSS_1000,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Established);
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.c.negotiated().send_mss, 1000);
}

#[test]
fn a_syn_without_ack_is_a_simultaneous_open_answered_by_syn_ack() {
    let mut h = syn_sent();
    send!(h, peer_syn());
    assert_eq!(h.state(), State::SynReceived);
    recv!(h, our_syn_ack());
    // RFC 9293 Figure 8, line 6: the peer's SYN,ACK completes the open.
    send!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: REMOTE_SEQ,
            ack: Some(LOCAL_SEQ + 1),
            options: MSS_1000,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Established);
}

#[test]
fn an_ack_of_something_we_never_sent_is_answered_with_a_reset() {
    let mut h = syn_sent();
    send!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: REMOTE_SEQ,
            ack: Some(LOCAL_SEQ + 100),
            ..SEND_TEMPL
        }
    );
    recv!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: LOCAL_SEQ + 100,
            window: 0,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.state(), State::SynSent);
}

#[test]
fn a_reset_acknowledging_our_syn_means_connection_refused() {
    let mut h = syn_sent();
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: SeqNumber(0),
            ack: Some(LOCAL_SEQ + 1),
            window: 0,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Closed);
    assert_eq!(h.c.error(), Some(ConnectionError::Refused));
}

#[test]
fn a_reset_without_ack_in_syn_sent_is_ignored() {
    let mut h = syn_sent();
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::SynSent);
}

#[test]
fn the_syn_is_sent_again_after_one_second_then_two_then_four() {
    let mut h = syn_sent();
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(1000)));
    h.at(Instant::from_millis(1000));
    let syn = TcpRepr {
        control: Control::Syn,
        seq: LOCAL_SEQ,
        options: MSS_1000,
        ..RECV_TEMPL
    };
    assert_eq!(recv!(h, syn), SendReason::RtoRetransmission);
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(3000)));
    h.at(Instant::from_millis(3000));
    recv!(h, syn);
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(7000)));
}

#[test]
fn after_a_lost_syn_data_starts_with_an_rto_of_three_seconds() {
    let mut h = syn_sent();
    h.at(Instant::from_millis(1000));
    h.poll().expect("the SYN again");
    send!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: REMOTE_SEQ,
            ack: Some(LOCAL_SEQ + 1),
            options: MSS_1000,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Established);
    assert_eq!(
        h.c.rtt().srtt(),
        None,
        "Karn: the retransmitted SYN gave no sample"
    );
    assert_eq!(h.c.rtt().rto(), Duration::from_secs(3));
}

#[test]
fn the_retransmission_limit_aborts_the_open_with_timed_out() {
    let mut h = syn_sent();
    for at in [1, 3, 7] {
        h.at(Instant::from_millis(at * 1000));
        assert!(h.poll().is_some());
    }
    h.at(Instant::from_millis(15_000));
    assert_eq!(h.state(), State::Closed);
    assert_eq!(h.c.error(), Some(ConnectionError::TimedOut));
    h.expect_nothing(); // no RST: the peer never synchronized
    assert_eq!(h.c.poll_timeout(), None);
}

// =====================================================================================
// Tests for the SYN-RECEIVED state.
// =====================================================================================

fn syn_received() -> Harness {
    let mut h = listen_with(config());
    send!(h, peer_syn());
    recv!(h, our_syn_ack());
    h
}

#[test]
fn the_ack_of_our_syn_ack_establishes_the_connection() {
    let mut h = syn_received();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Established);
    h.expect_nothing();
}

#[test]
fn an_unacceptable_ack_in_syn_received_gets_a_reset() {
    let mut h = syn_received();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 7),
            ..SEND_TEMPL
        }
    );
    recv!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: LOCAL_SEQ + 7,
            window: 0,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.state(), State::SynReceived);
}

#[test]
fn a_reset_returns_a_passive_connection_to_listen() {
    let mut h = syn_received();
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ + 1,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Listen);
}

#[test]
fn a_retransmitted_syn_gets_the_syn_ack_again() {
    let mut h = syn_received();
    send!(h, peer_syn());
    let reason = recv!(h, our_syn_ack());
    assert_eq!(reason, SendReason::RtoRetransmission);
}
