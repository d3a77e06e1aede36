//! Handcrafted traces through the sequence analysis. Each test reads like a capture: who sent
//! what, when, and what tshark would say about it.
//!
//! The client is 10.0.0.1:40000 with ISN 1000, the server 10.0.0.2:80 with ISN 5000; both
//! negotiate no window scaling, so windows are as written.

use super::*;
use crate::Finding::*;
use std::net::{IpAddr, Ipv4Addr};
use wirelab_wire::tcp::{FIN, PSH};
use wirelab_wire::Severity;

const CLIENT_ISN: u32 = 1000;
const SERVER_ISN: u32 = 5000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}
use Side::*;

fn endpoint(side: Side) -> Endpoint {
    match side {
        Client => Endpoint {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
            port: 40000,
        },
        Server => Endpoint {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
            port: 80,
        },
    }
}

/// What the analysis said about one segment.
struct Seen {
    verdict: SeqVerdict,
    info: String,
    experts: Vec<(Severity, String)>,
    /// `name` of every item added, in tree order.
    fields: Vec<&'static str>,
}

impl Seen {
    fn findings(&self) -> Vec<Finding> {
        self.verdict.findings().collect()
    }
}

/// A capture being replayed: frame numbers and a clock in microseconds.
struct Trace {
    analysis: SequenceAnalysis,
    frame: u64,
    micros: i64,
    stream: u32,
    columns_only: bool,
}

impl Trace {
    fn new() -> Trace {
        Trace {
            analysis: SequenceAnalysis::default(),
            frame: 0,
            micros: 0,
            stream: 0,
            columns_only: false,
        }
    }

    /// Let `micros` pass before the next segment.
    fn wait(&mut self, micros: i64) -> &mut Trace {
        self.micros += micros;
        self
    }

    /// A segment from `from` with these raw numbers, flags, payload length and window.
    fn send(&mut self, from: Side, seq: u32, ack: u32, flags: u16, len: u32, window: u16) -> Seen {
        self.send_with(from, seq, ack, flags, len, window, &[])
    }

    #[allow(clippy::too_many_arguments)]
    fn send_with(
        &mut self,
        from: Side,
        seq: u32,
        ack: u32,
        flags: u16,
        len: u32,
        window: u16,
        options: &[u8],
    ) -> Seen {
        self.frame += 1;
        self.micros += 1;
        let to = if from == Client { Server } else { Client };
        let segment = TcpSegment {
            frame_number: self.frame,
            ts: Timestamp::new(
                self.micros / 1_000_000,
                (self.micros % 1_000_000) as u32 * 1000,
            ),
            stream: self.stream,
            src: endpoint(from),
            dst: endpoint(to),
            seq,
            ack,
            relative_seq: 0,
            relative_ack: 0,
            flags,
            window,
            window_scaled: u32::from(window),
            window_scale: WindowScale::NotUsed,
            len,
            payload: &[],
            payload_offset: 0,
            options,
            checksum_bad: false,
        };
        let mut d = if self.columns_only {
            Dissection::columns_only()
        } else {
            Dissection::new()
        };
        d.info.push_str("40000 → 80");
        let verdict = self.analysis.segment(&segment, &mut d);
        Seen {
            verdict,
            info: d.info.clone(),
            experts: d
                .experts
                .iter()
                .map(|e| (e.severity, e.message.clone()))
                .collect(),
            fields: d.items.iter().map(|i| i.def.name).collect(),
        }
    }

    /// SYN, SYN-ACK, ACK, 1 ms apart: an initial RTT of about 2 ms.
    fn handshake(&mut self) {
        self.send(Client, CLIENT_ISN, 0, SYN, 0, 64240);
        self.wait(1000)
            .send(Server, SERVER_ISN, CLIENT_ISN + 1, SYN | ACK, 0, 65160);
        self.wait(1000)
            .send(Client, CLIENT_ISN + 1, SERVER_ISN + 1, ACK, 0, 502);
    }
}

/// The server's sequence number for byte `n` of its data (the first is 0).
fn s(n: u32) -> u32 {
    SERVER_ISN + 1 + n
}

/// The client's.
fn c(n: u32) -> u32 {
    CLIENT_ISN + 1 + n
}

// ---------------------------------------------------------------------------------------------
// The handshake and plain data
// ---------------------------------------------------------------------------------------------

#[test]
fn a_clean_handshake_flags_nothing_and_its_ack_carries_the_initial_rtt() {
    let mut t = Trace::new();
    let syn = t.send(Client, CLIENT_ISN, 0, SYN, 0, 64240);
    assert!(syn.verdict.is_clean());
    let syn_ack = t
        .wait(1000)
        .send(Server, SERVER_ISN, c(0), SYN | ACK, 0, 65160);
    assert_eq!(syn_ack.findings(), []);
    assert_eq!(
        syn_ack.verdict.acks_frame,
        Some(1),
        "the SYN-ACK answers the SYN"
    );
    let ack = t.wait(1000).send(Client, c(0), s(0), ACK, 0, 502);
    assert_eq!(ack.verdict.acks_frame, Some(2));
    assert!(ack.fields.contains(&"tcp.analysis.initial_rtt"));
    assert_eq!(ack.info, "40000 → 80", "no label for a clean segment");
}

#[test]
fn an_ack_names_the_segment_it_answers_and_the_time_it_took() {
    let mut t = Trace::new();
    t.handshake();
    let data = t.wait(100).send(Server, s(0), c(0), ACK | PSH, 1000, 509);
    assert_eq!(data.verdict.bytes_in_flight, Some(1000));
    let ack = t.wait(499).send(Client, c(0), s(1000), ACK, 0, 502);
    assert_eq!(ack.verdict.acks_frame, Some(4));
    assert_eq!(ack.verdict.ack_rtt, Some(Timestamp::new(0, 500_000)));
    assert!(ack.fields.contains(&"tcp.analysis.ack_rtt"));
}

#[test]
fn bytes_in_flight_grow_with_each_unacknowledged_segment() {
    let mut t = Trace::new();
    t.handshake();
    let first = t.send(Server, s(0), c(0), ACK, 1000, 509);
    let second = t.send(Server, s(1000), c(0), ACK, 1000, 509);
    let third = t.send(Server, s(2000), c(0), ACK | PSH, 1000, 509);
    assert_eq!(first.verdict.bytes_in_flight, Some(1000));
    assert_eq!(second.verdict.bytes_in_flight, Some(2000));
    assert_eq!(third.verdict.bytes_in_flight, Some(3000));
    t.send(Client, c(0), s(2000), ACK, 0, 502);
    let fourth = t.send(Server, s(3000), c(0), ACK, 1000, 509);
    assert_eq!(
        fourth.verdict.bytes_in_flight,
        Some(2000),
        "frame 6 is still out"
    );
}

// ---------------------------------------------------------------------------------------------
// Retransmissions
// ---------------------------------------------------------------------------------------------

#[test]
fn the_same_data_again_after_a_long_silence_is_a_retransmission() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    // No ACK comes; 200 ms later (the RTO) the server sends the same bytes.
    let again = t.wait(200_000).send(Server, s(0), c(0), ACK, 1000, 509);
    assert_eq!(again.findings(), [Retransmission]);
    assert!(again.info.starts_with("[TCP Retransmission] 40000"));
    assert_eq!(
        again.experts,
        [(
            Severity::Note,
            "This frame is a (suspected) retransmission".to_string()
        )]
    );
    assert!(again.fields.contains(&"tcp.analysis.retransmission"));
}

#[test]
fn three_duplicate_acks_then_the_missing_segment_is_a_fast_retransmission() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509); // frame 4
                                                // s(1000)..s(2000) is lost before the capture point; three more segments follow it.
    let after_gap = t.send(Server, s(2000), c(0), ACK, 1000, 509);
    assert_eq!(after_gap.findings(), [LostSegment]);
    assert!(after_gap
        .info
        .starts_with("[TCP Previous segment not captured] "));
    t.send(Server, s(3000), c(0), ACK, 1000, 509);
    t.send(Server, s(4000), c(0), ACK, 1000, 509);

    let ack = t.send(Client, c(0), s(1000), ACK, 0, 502); // frame 8
    assert_eq!(ack.findings(), []);
    let dup1 = t.send(Client, c(0), s(1000), ACK, 0, 502);
    let dup2 = t.send(Client, c(0), s(1000), ACK, 0, 502);
    assert_eq!(dup1.findings(), [DuplicateAck]);
    assert_eq!(
        (
            dup2.verdict.duplicate_ack_num,
            dup2.verdict.duplicate_ack_frame
        ),
        (2, Some(8))
    );
    assert!(dup2.info.starts_with("[TCP Dup ACK 8#2] "));
    assert_eq!(
        dup2.experts,
        [(Severity::Note, "Duplicate ACK (#2)".to_string())]
    );
    // tshark shows the field twice: the flag, and the expert item under the repeated frame.
    let occurrences = dup2
        .fields
        .iter()
        .filter(|f| **f == "tcp.analysis.duplicate_ack")
        .count();
    assert_eq!(occurrences, 2);

    let resent = t.wait(300).send(Server, s(1000), c(0), ACK, 1000, 509);
    assert_eq!(resent.findings(), [FastRetransmission]);
    assert!(resent.info.starts_with("[TCP Fast Retransmission] "));
    assert_eq!(resent.experts.len(), 2, "fast, and a retransmission too");
    assert!(resent.fields.contains(&"tcp.analysis.retransmission"));
    assert!(resent.verdict.is_retransmission());
}

#[test]
fn data_the_receiver_already_acknowledged_is_a_spurious_retransmission() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    t.send(Client, c(0), s(1000), ACK, 0, 502);
    let again = t.wait(200_000).send(Server, s(0), c(0), ACK, 1000, 509);
    assert_eq!(again.findings(), [SpuriousRetransmission]);
    assert!(again.info.starts_with("[TCP Spurious Retransmission] "));
}

#[test]
fn a_hole_filled_within_one_round_trip_is_out_of_order_not_retransmitted() {
    let mut t = Trace::new();
    t.handshake(); // initial RTT about 2 ms
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let ahead = t.send(Server, s(2000), c(0), ACK, 1000, 509);
    assert_eq!(ahead.findings(), [LostSegment]);
    let late = t.wait(500).send(Server, s(1000), c(0), ACK, 1000, 509);
    assert_eq!(late.findings(), [OutOfOrder]);
    assert!(late.info.starts_with("[TCP Out-Of-Order] "));
    assert_eq!(late.experts[0].0, Severity::Warning);
}

// ---------------------------------------------------------------------------------------------
// Windows
// ---------------------------------------------------------------------------------------------

#[test]
fn a_zero_window_its_probe_the_probes_ack_and_the_window_update() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    // The client's application stops reading: its buffer is full.
    let zero = t.send(Client, c(0), s(1000), ACK, 0, 0);
    assert_eq!(zero.findings(), [ZeroWindow]);
    assert!(zero.info.starts_with("[TCP ZeroWindow] "));
    assert_eq!(zero.experts[0].0, Severity::Warning);

    let probe = t.wait(200_000).send(Server, s(1000), c(0), ACK, 1, 509);
    assert_eq!(probe.findings(), [ZeroWindowProbe]);
    assert!(probe.info.starts_with("[TCP ZeroWindowProbe] "));

    let probe_ack = t.send(Client, c(0), s(1000), ACK, 0, 0);
    assert_eq!(probe_ack.findings(), [ZeroWindow, ZeroWindowProbeAck]);
    assert!(probe_ack
        .info
        .starts_with("[TCP ZeroWindowProbeAck] [TCP ZeroWindow] "));

    // The application reads: the same ACK with room again.
    let update = t.wait(50_000).send(Client, c(0), s(1000), ACK, 0, 502);
    assert_eq!(update.findings(), [WindowUpdate]);
    assert!(update.info.starts_with("[TCP Window Update] "));
    assert_eq!(update.experts[0].0, Severity::Chat);
}

#[test]
fn data_up_to_the_right_edge_of_the_advertised_window_fills_it() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Client, c(0), s(0), ACK, 0, 3000);
    t.send(Server, s(0), c(0), ACK, 2000, 509);
    let last = t.send(Server, s(2000), c(0), ACK, 1000, 509);
    assert_eq!(last.findings(), [WindowFull]);
    assert!(last.info.starts_with("[TCP Window Full] "));
}

// ---------------------------------------------------------------------------------------------
// Keep-alives
// ---------------------------------------------------------------------------------------------

#[test]
fn an_idle_connection_is_kept_alive_one_byte_below_the_next_sequence_number() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Client, c(0), s(0), ACK | PSH, 10, 502);
    t.send(Server, s(0), c(10), ACK, 0, 509);
    // Two hours of silence, then the client's keep-alive timer fires (RFC 9293 §3.8.4).
    let probe = t.wait(7_200_000_000).send(Client, c(9), s(0), ACK, 0, 502);
    assert_eq!(probe.findings(), [KeepAlive]);
    assert!(probe.info.starts_with("[TCP Keep-Alive] "));
    let answer = t.send(Server, s(0), c(10), ACK, 0, 509);
    assert_eq!(answer.findings(), [KeepAliveAck]);
    assert!(answer.info.starts_with("[TCP Keep-Alive ACK] "));
}

// ---------------------------------------------------------------------------------------------
// What the capture missed
// ---------------------------------------------------------------------------------------------

#[test]
fn an_ack_for_bytes_never_seen_is_an_acked_unseen_segment_reported_once() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    // The server's next 1000 bytes went by unseen; the client acknowledges them.
    let ack = t.send(Client, c(0), s(2000), ACK, 0, 502);
    assert_eq!(ack.findings(), [AckLostSegment]);
    assert!(ack.info.starts_with("[TCP ACKed unseen segment] "));
    let again = t.send(Client, c(0), s(2000), ACK, 0, 502);
    assert!(!again.verdict.has(AckLostSegment), "one report per loss");
}

#[test]
fn once_the_sender_goes_beyond_the_hole_an_ack_of_unseen_bytes_is_reported_again() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let first = t.send(Client, c(0), s(2000), ACK, 0, 502);
    assert_eq!(first.findings(), [AckLostSegment]);
    // The server sends beyond its first unseen bytes: the capture misses s(1000)..s(2000).
    let beyond = t.send(Server, s(2000), c(0), ACK, 100, 509);
    assert_eq!(beyond.findings(), [LostSegment]);
    // The client still acknowledges s(2000): the hole below it was never seen (tshark 4.0.17
    // reports it again; its boundary then jumps to s(2100)).
    let again = t.send(Client, c(0), s(2000), ACK, 0, 502);
    assert_eq!(again.findings(), [AckLostSegment, DuplicateAck]);
    let covered = t.send(Client, c(0), s(2100), ACK, 0, 502);
    assert!(covered.verdict.is_clean());
}

#[test]
fn a_capture_that_starts_mid_connection_flags_nothing_at_first() {
    let mut t = Trace::new();
    let first = t.send(Server, 777_000, 333_000, ACK, 1000, 509);
    assert!(first.verdict.is_clean());
    let answer = t.send(Client, 333_000, 778_000, ACK, 0, 502);
    assert!(answer.verdict.is_clean());
    assert_eq!(answer.verdict.acks_frame, Some(1));
}

// ---------------------------------------------------------------------------------------------
// Connections and views
// ---------------------------------------------------------------------------------------------

#[test]
fn a_new_syn_on_ports_already_used_reports_reused_ports() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Client, c(0), s(0), ACK | FIN, 0, 502);
    t.stream = 1; // the dissector gave the new SYN a new stream
    let syn = t.wait(1_000_000).send(Client, 90_000, 0, SYN, 0, 64240);
    assert_eq!(syn.findings(), [ReusedPorts]);
    assert!(syn.info.starts_with("[TCP Port numbers reused] "));
}

#[test]
fn the_summary_view_keeps_no_tree_but_gets_the_info_label_and_expert_items() {
    let mut t = Trace::new();
    t.columns_only = true;
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let again = t.wait(200_000).send(Server, s(0), c(0), ACK, 1000, 509);
    assert!(again.fields.is_empty());
    assert!(again.info.starts_with("[TCP Retransmission] "));
    assert_eq!(again.experts.len(), 1);
}

#[test]
fn sack_blocks_count_as_delivered_in_the_bytes_in_flight() {
    let mut t = Trace::new();
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    t.send(Server, s(1000), c(0), ACK, 1000, 509);
    // The client got the second segment, not the first: ACK 0 with SACK s(1000)..s(2000).
    let (le, re) = (s(1000).to_be_bytes(), s(2000).to_be_bytes());
    let sack = [
        1, 1, 5, 10, le[0], le[1], le[2], le[3], re[0], re[1], re[2], re[3],
    ];
    t.send_with(Client, c(0), s(0), ACK, 0, 502, &sack);
    let third = t.send(Server, s(2000), c(0), ACK, 1000, 509);
    assert_eq!(third.verdict.bytes_in_flight, Some(2000));
}

#[test]
fn unacknowledged_segments_are_remembered_only_up_to_the_bound() {
    let mut t = Trace::new();
    t.handshake();
    let count = flow::MAX_UNACKED_SEGMENTS as u32 + 5;
    for i in 0..count {
        t.send(Server, s(i * 10), c(0), ACK, 10, 509);
    }
    let connection = t.analysis.connections[0].as_ref().expect("stream 0");
    let server = &connection.flows[1];
    assert_eq!(server.unacked.len(), flow::MAX_UNACKED_SEGMENTS);
}
