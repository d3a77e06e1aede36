//! Handcrafted traces of every way to open and close a connection. Each line is one segment as
//! the capture saw it; after it, the states of (client, server).

use super::TcpState::*;
use super::*;
use crate::Finding;
use std::net::{IpAddr, Ipv4Addr};
use wirelab_wire::conversation::WindowScale;
use wirelab_wire::tcp::{ACK, FIN, PSH, RST, SYN};
use wirelab_wire::Timestamp;

const CLIENT: Endpoint = Endpoint {
    addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
    port: 40000,
};
const SERVER: Endpoint = Endpoint {
    addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
    port: 80,
};

/// A trace of one connection: `client(flags, seq, ack, len)` and `server(…)` send a segment.
struct Trace {
    states: EndpointStates,
    frame: u64,
    verdict: SeqVerdict,
    /// The expert items the last segment got.
    experts: Vec<String>,
}

impl Trace {
    fn new() -> Trace {
        Trace {
            states: EndpointStates::default(),
            frame: 0,
            verdict: SeqVerdict::default(),
            experts: Vec::new(),
        }
    }

    fn client(&mut self, flags: u16, seq: u32, ack: u32, len: u32) -> StateChange {
        self.send(CLIENT, SERVER, flags, seq, ack, len)
    }

    fn server(&mut self, flags: u16, seq: u32, ack: u32, len: u32) -> StateChange {
        self.send(SERVER, CLIENT, flags, seq, ack, len)
    }

    /// The next segment is one the sequence analysis calls a retransmission.
    fn retransmitted(&mut self) -> &mut Trace {
        self.verdict.set(Finding::Retransmission);
        self
    }

    fn send(
        &mut self,
        src: Endpoint,
        dst: Endpoint,
        flags: u16,
        seq: u32,
        ack: u32,
        len: u32,
    ) -> StateChange {
        self.frame += 1;
        let segment = TcpSegment {
            frame_number: self.frame,
            ts: Timestamp::new(self.frame as i64, 0),
            stream: 0,
            src,
            dst,
            seq,
            ack,
            relative_seq: seq,
            relative_ack: ack,
            flags,
            window: 1000,
            window_scaled: 1000,
            window_scale: WindowScale::NotUsed,
            len,
            payload: &[],
            payload_offset: 0,
            options: &[],
            checksum_bad: false,
        };
        let mut d = Dissection::new();
        let verdict = std::mem::take(&mut self.verdict);
        let change = self.states.segment(&segment, &verdict, &mut d);
        self.experts = d.experts.iter().map(|e| e.message.clone()).collect();
        change
    }

    /// (client state, server state) now.
    fn states(&self) -> (TcpState, TcpState) {
        let (a, a_state, _, b_state) = self.states.states(0).expect("a stream");
        if a == CLIENT {
            (a_state, b_state)
        } else {
            (b_state, a_state)
        }
    }
}

/// The three-way handshake of RFC 9293 §3.5 Figure 6: client ISS 100, server ISS 300.
fn established() -> Trace {
    let mut t = Trace::new();
    t.client(SYN, 100, 0, 0);
    t.server(SYN | ACK, 300, 101, 0);
    t.client(ACK, 101, 301, 0);
    t
}

#[test]
fn a_three_way_handshake_moves_both_ends_to_established() {
    let mut t = Trace::new();
    let syn = t.client(SYN, 100, 0, 0);
    assert_eq!((syn.src_before, syn.dst_before), (Closed, Listen));
    assert_eq!(t.states(), (SynSent, SynReceived));
    assert_eq!(syn.assumption, Some(Assumption::ReceiptAssumed));

    t.server(SYN | ACK, 300, 101, 0);
    assert_eq!(t.states(), (Established, SynReceived));
    t.client(ACK, 101, 301, 0);
    assert_eq!(t.states(), (Established, Established));
}

#[test]
fn a_retransmitted_syn_moves_nothing_and_says_so() {
    let mut t = Trace::new();
    t.client(SYN, 100, 0, 0);
    let again = t.retransmitted().client(SYN, 100, 0, 0);
    assert_eq!(t.states(), (SynSent, SynReceived));
    assert_eq!(again.assumption, Some(Assumption::RepeatedSyn));
}

#[test]
fn a_simultaneous_open_passes_both_ends_through_syn_received() {
    // RFC 9293 §3.5 Figure 8: the SYNs cross, each end answers with SYN,ACK.
    let mut t = Trace::new();
    t.client(SYN, 100, 0, 0);
    let crossing = t.server(SYN, 300, 0, 0);
    assert_eq!(crossing.assumption, Some(Assumption::SimultaneousOpen));
    assert_eq!(t.states(), (SynReceived, SynReceived));
    t.client(SYN | ACK, 100, 301, 0);
    assert_eq!(t.states(), (SynReceived, Established));
    t.server(SYN | ACK, 300, 101, 0);
    assert_eq!(t.states(), (Established, Established));
}

#[test]
fn the_active_close_goes_through_fin_wait_and_time_wait() {
    // RFC 9293 §3.6 Figure 12, "normal close sequence".
    let mut t = established();
    let fin = t.client(FIN | ACK, 101, 301, 0);
    assert_eq!(t.states(), (FinWait1, CloseWait));
    assert_eq!(fin.src_before, Established);
    t.server(ACK, 301, 102, 0);
    assert_eq!(t.states(), (FinWait2, CloseWait));
    t.server(FIN | ACK, 301, 102, 0);
    assert_eq!(t.states(), (TimeWait, LastAck));
    t.client(ACK, 102, 302, 0);
    assert_eq!(t.states(), (TimeWait, Closed));
}

#[test]
fn the_first_fin_initiates_the_close_and_the_second_undergoes_it() {
    let mut t = established();
    let mut d = Dissection::new();
    let first = TcpSegment {
        flags: FIN | ACK,
        ..segment_at(CLIENT, SERVER, 101, 301)
    };
    t.states.segment(&first, &SeqVerdict::default(), &mut d);
    assert_eq!(
        d.experts[0].message,
        "This frame initiates the connection closing"
    );
    d.clear();
    let second = TcpSegment {
        flags: FIN | ACK,
        ..segment_at(SERVER, CLIENT, 301, 102)
    };
    t.states.segment(&second, &SeqVerdict::default(), &mut d);
    assert_eq!(
        d.experts[0].message,
        "This frame undergoes the connection closing"
    );
}

#[test]
fn every_fin_of_the_end_that_closed_first_initiates_the_close_as_wireshark_counts_it() {
    const INITIATES: &str = "This frame initiates the connection closing";
    const UNDERGOES: &str = "This frame undergoes the connection closing";
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    assert_eq!(t.experts, [INITIATES]);
    // Wireshark marks the repeat too: the client is still the end that closed first.
    t.retransmitted().client(FIN | ACK, 101, 301, 0);
    assert_eq!(t.experts, [INITIATES]);
    t.server(FIN | ACK, 301, 102, 0);
    assert_eq!(t.experts, [UNDERGOES]);
    t.client(ACK, 102, 302, 0);
    assert!(t.experts.is_empty());
}

fn segment_at(src: Endpoint, dst: Endpoint, seq: u32, ack: u32) -> TcpSegment<'static> {
    TcpSegment {
        frame_number: 9,
        ts: Timestamp::new(9, 0),
        stream: 0,
        src,
        dst,
        seq,
        ack,
        relative_seq: seq,
        relative_ack: ack,
        flags: ACK,
        window: 1000,
        window_scaled: 1000,
        window_scale: WindowScale::NotUsed,
        len: 0,
        payload: &[],
        payload_offset: 0,
        options: &[],
        checksum_bad: false,
    }
}

#[test]
fn a_segment_that_crossed_the_last_ack_comes_from_a_closed_end() {
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    t.server(FIN | ACK, 301, 102, 0);
    t.client(ACK, 102, 302, 0);
    assert_eq!(t.states(), (TimeWait, Closed));
    // A duplicate ACK the server sent before the last ACK reached it.
    let late = t.server(ACK, 302, 102, 0);
    assert_eq!(late.src_after, Closed);
    assert_eq!(late.assumption, Some(Assumption::SentAfterClose));
}

#[test]
fn the_passive_close_answers_the_fin_together_with_its_own() {
    // The server's ACK and FIN in one segment: the client skips FIN-WAIT-2.
    let mut t = established();
    t.server(FIN | ACK, 301, 101, 0);
    assert_eq!(t.states(), (CloseWait, FinWait1));
    t.client(FIN | ACK, 101, 302, 0);
    assert_eq!(t.states(), (LastAck, TimeWait));
    t.server(ACK, 302, 102, 0);
    assert_eq!(t.states(), (Closed, TimeWait));
}

#[test]
fn a_simultaneous_close_goes_through_closing_to_time_wait() {
    // RFC 9293 §3.6 Figure 13: the FINs cross, each acknowledges the other's.
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    assert_eq!(t.states(), (FinWait1, CloseWait));
    // The server's FIN was sent before the client's arrived: it acknowledges only 101.
    let crossing = t.server(FIN | ACK, 301, 101, 0);
    assert_eq!(crossing.assumption, Some(Assumption::SimultaneousClose));
    assert_eq!(t.states(), (Closing, Closing));
    t.client(ACK, 102, 302, 0);
    assert_eq!(t.states(), (Closing, TimeWait));
    t.server(ACK, 302, 102, 0);
    assert_eq!(t.states(), (TimeWait, TimeWait));
}

#[test]
fn data_keeps_flowing_the_other_way_after_a_half_close() {
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    t.server(ACK, 301, 102, 0);
    assert_eq!(t.states(), (FinWait2, CloseWait));
    // The server still sends 1000 bytes in CLOSE-WAIT; the client acknowledges them.
    t.server(PSH | ACK, 301, 102, 1000);
    t.client(ACK, 102, 1301, 0);
    assert_eq!(t.states(), (FinWait2, CloseWait));
    t.server(FIN | ACK, 1301, 102, 0);
    assert_eq!(t.states(), (TimeWait, LastAck));
    t.client(ACK, 102, 1302, 0);
    assert_eq!(t.states(), (TimeWait, Closed));
}

#[test]
fn a_retransmitted_fin_moves_no_state_a_second_time() {
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    t.server(ACK, 301, 102, 0);
    // The client did not see the ACK in time and sends its FIN again.
    let again = t.retransmitted().client(FIN | ACK, 101, 301, 0);
    assert_eq!(t.states(), (FinWait2, CloseWait));
    assert_eq!(again.assumption, Some(Assumption::RepeatedFin));
}

#[test]
fn a_fin_sent_again_is_recognised_without_the_sequence_analysis() {
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    let again = t.client(FIN | ACK, 101, 301, 0);
    assert_eq!(again.assumption, Some(Assumption::RepeatedFin));
    assert_eq!(t.states(), (FinWait1, CloseWait));
}

#[test]
fn a_rst_at_rcv_nxt_closes_both_ends_of_an_established_connection() {
    let mut t = established();
    let reset = t.client(RST | ACK, 101, 301, 0);
    assert_eq!(t.states(), (Closed, Closed));
    assert_eq!(reset.assumption, Some(Assumption::ResetAccepted));
}

#[test]
fn a_rst_inside_the_window_but_not_at_rcv_nxt_only_draws_a_challenge_ack() {
    let mut t = established();
    let reset = t.client(RST, 600, 0, 0);
    assert_eq!(t.states(), (Closed, Established));
    assert_eq!(reset.assumption, Some(Assumption::ResetChallenged));
}

#[test]
fn a_rst_outside_the_window_is_dropped_by_the_receiver() {
    let mut t = established();
    let reset = t.client(RST, 100_000, 0, 0);
    assert_eq!(t.states(), (Closed, Established));
    assert_eq!(reset.assumption, Some(Assumption::ResetOutOfWindow));
}

#[test]
fn a_rst_answering_a_syn_to_a_closed_port_closes_the_client() {
    // The server has no listener: RST,ACK acknowledging the SYN (RFC 9293 §3.5.2).
    let mut t = Trace::new();
    t.client(SYN, 100, 0, 0);
    let reset = t.server(RST | ACK, 0, 101, 0);
    assert_eq!(t.states(), (Closed, Closed));
    assert_eq!(reset.assumption, Some(Assumption::ResetAccepted));
}

#[test]
fn a_rst_in_syn_sent_that_does_not_acknowledge_the_syn_is_dropped() {
    let mut t = Trace::new();
    t.client(SYN, 100, 0, 0);
    let reset = t.server(RST | ACK, 0, 5000, 0);
    assert_eq!(t.states().0, SynSent);
    assert_eq!(reset.assumption, Some(Assumption::ResetIgnored));
}

#[test]
fn a_rst_in_syn_received_returns_a_passive_end_to_listen() {
    let mut t = Trace::new();
    t.client(SYN, 100, 0, 0);
    t.server(SYN | ACK, 300, 101, 0);
    t.client(RST, 101, 0, 0);
    assert_eq!(t.states(), (Closed, Listen));
}

#[test]
fn a_rst_in_fin_wait_2_ends_the_half_closed_connection() {
    let mut t = established();
    t.client(FIN | ACK, 101, 301, 0);
    t.server(ACK, 301, 102, 0);
    t.server(RST | ACK, 301, 102, 0);
    assert_eq!(t.states(), (Closed, Closed));
}

#[test]
fn a_capture_that_starts_mid_connection_assumes_established() {
    let mut t = Trace::new();
    let first = t.server(PSH | ACK, 5000, 7000, 100);
    assert_eq!(first.assumption, Some(Assumption::MidConnection));
    assert_eq!(t.states(), (Established, Established));
    t.client(FIN | ACK, 7000, 5100, 0);
    assert_eq!(t.states(), (FinWait1, CloseWait));
}

#[test]
fn a_capture_that_missed_the_syn_starts_from_the_syn_ack() {
    let mut t = Trace::new();
    let first = t.server(SYN | ACK, 300, 101, 0);
    assert_eq!(first.assumption, Some(Assumption::SynNotCaptured));
    assert_eq!(t.states(), (Established, SynReceived));
    t.client(ACK, 101, 301, 0);
    assert_eq!(t.states(), (Established, Established));
}

#[test]
fn a_new_syn_after_both_ends_closed_starts_a_new_connection() {
    let mut t = established();
    t.client(RST, 101, 0, 0);
    t.client(SYN, 9000, 0, 0);
    assert_eq!(t.states(), (SynSent, SynReceived));
}

#[test]
fn the_tree_shows_the_states_their_transitions_and_the_assumption() {
    let mut t = established();
    let mut d = Dissection::new();
    let fin = TcpSegment {
        flags: FIN | ACK,
        ..segment_at(CLIENT, SERVER, 101, 301)
    };
    t.states.segment(&fin, &SeqVerdict::default(), &mut d);
    let text = |name: &str| match d.first(name).map(|item| item.value) {
        Some(Value::Text { start, end }) => d.text((start, end)).to_string(),
        Some(Value::Static(text)) => text.to_string(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(text("wirelab.tcp.state.src"), "FIN-WAIT-1");
    assert_eq!(text("wirelab.tcp.state.dst"), "CLOSE-WAIT");
    assert_eq!(
        text("wirelab.tcp.state.src_transition"),
        "ESTABLISHED → FIN-WAIT-1"
    );
    assert_eq!(
        text("wirelab.tcp.state.dst_transition"),
        "ESTABLISHED → CLOSE-WAIT"
    );
    assert!(text("wirelab.tcp.state.assumption").contains("RFC 9293 §3.10.7"));
}

#[test]
fn states_print_in_the_rfc_spelling() {
    assert_eq!(SynSent.to_string(), "SYN-SENT");
    assert_eq!(FinWait2.to_string(), "FIN-WAIT-2");
    assert_eq!(TimeWait.to_string(), "TIME-WAIT");
}
