//! Loss recovery as packet traces: RFC 6675's SACK-based recovery (IsLost, pipe, NextSeg
//! rules 1-4, the end of recovery, a timeout during it), a lost retransmission found from
//! SACKs, RFC 5827's early retransmit, and the labels of the segments and events around
//! them.
//!
//! The flights below are of 1000-byte segments; "segment k" starts at `base + 1000 * k`.

use super::established::a_zero_window_probed_with_the_first_of_three_bytes;
use super::*;

// =====================================================================================
// Helpers: a connection that negotiated SACK, with cwnd grown to 8 segments.
// =====================================================================================

fn sack_established() -> Harness {
    let sack = Config {
        sack: true,
        send_buffer: 32_000,
        ..config()
    };
    established_with(
        sack,
        TcpOptions {
            sack_permitted: true,
            ..MSS_1000
        },
    )
}

/// Four segments, four ACKs: slow start takes cwnd from 4 to 8 segments. Returns SND.UNA.
fn grow_cwnd_to_eight_segments(h: &mut Harness) -> SeqNumber {
    h.c.send(&[1; 4000]);
    for _ in 0..4 {
        h.poll().expect("a segment");
    }
    for n in 1..=4 {
        send!(
            h,
            TcpRepr {
                window: 16_000,
                ..peer_ack(1000 * n)
            }
        );
    }
    assert_eq!(h.c.congestion().cwnd, 8000);
    LOCAL_SEQ + 4001
}

/// Sends `segments` segments of new data (all that is queued).
fn send_flight(h: &mut Harness, segments: usize) {
    h.c.send(&vec![2; segments * 1000]);
    for _ in 0..segments {
        let t = h.poll().expect("a segment");
        assert_eq!(t.reason, SendReason::NewData);
    }
}

/// The peer's ACK of `ack` with SACK blocks given as segment ranges [from, to) after `base`.
fn sack(base: SeqNumber, ack: SeqNumber, blocks: &[(usize, usize)]) -> TcpRepr {
    let mut sack_blocks = [None; 3];
    for (slot, &(from, to)) in sack_blocks.iter_mut().zip(blocks) {
        *slot = Some((base + 1000 * from, base + 1000 * to));
    }
    TcpRepr {
        ack: Some(ack),
        window: 16_000,
        options: TcpOptions {
            sack_blocks,
            ..TcpOptions::NONE
        },
        ..peer_ack(0)
    }
}

/// What the connection sends now, as (reason, first byte's segment index, length).
fn sent(h: &mut Harness, base: SeqNumber) -> Option<(SendReason, usize, usize)> {
    h.poll()
        .map(|t| (t.reason, t.repr.seq.len_since(base) / 1000, t.payload.len()))
}

/// Eight segments out, segment 0 lost; segments 1, 2 and 3 each bring a duplicate ACK:
/// the third starts recovery and resends segment 0.
fn recovery_for_segment_0(h: &mut Harness) -> SeqNumber {
    let base = grow_cwnd_to_eight_segments(h);
    send_flight(h, 8);
    send!(h, sack(base, base, &[(1, 2)]));
    send!(h, sack(base, base, &[(1, 3)]));
    h.expect_nothing();
    send!(h, sack(base, base, &[(1, 4)]));
    assert_eq!(
        sent(h, base),
        Some((SendReason::FastRetransmission, 0, 1000))
    );
    base
}

fn traced(h: &Harness, text: &str) -> bool {
    h.trace.iter().any(|line| line.contains(text))
}

// =====================================================================================
// RFC 6675: entering recovery.
// =====================================================================================

#[test]
fn with_sack_the_third_duplicate_ack_resends_the_first_segment_and_cwnd_becomes_half_the_flight() {
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    let cc = h.c.congestion();
    // (4.2) ssthresh = cwnd = FlightSize / 2 = 8000 / 2.
    assert_eq!((cc.ssthresh, cc.cwnd), (4000, 4000));
    assert!(traced(&h, "recovery until"), "{}", h.trace_text());
    // pipe: segment 0 is lost (three segments SACKed above it) but resent: 1000 bytes;
    // segments 4-7 are not SACKed and nothing is SACKed above them: 4000 bytes.
    assert_eq!(h.c.pipe(), 5000);
    assert_eq!(h.c.scoreboard().high_rxt, base + 1000);
    h.expect_nothing();
}

#[test]
fn one_ack_sacking_three_segments_is_enough_to_start_recovery() {
    // The ACKs of segments 1 and 2 were lost: the first duplicate ACK to arrive already
    // SACKs three segments above segment 0, so IsLost(HighACK + 1) is true (RFC 6675 §5
    // step (2)) though DupAcks is 1.
    let mut h = sack_established();
    let base = grow_cwnd_to_eight_segments(&mut h);
    send_flight(&mut h, 8);
    send!(h, sack(base, base, &[(1, 4)]));
    assert_eq!(h.c.congestion().dup_acks, 1);
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::FastRetransmission, 0, 1000))
    );
    assert!(traced(&h, "IsLost(HighACK + 1)"), "{}", h.trace_text());
}

// =====================================================================================
// RFC 6675: NextSeg() during recovery.
// =====================================================================================

#[test]
fn next_seg_rule_1_resends_a_second_hole_once_three_segments_are_sacked_above_it() {
    // Segments 0 and 4 lost. One ACK (the ones before it were lost) SACKs 5, 6 and 7.
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    send!(h, sack(base, base, &[(5, 8), (1, 4)]));
    // pipe = 1000 (segment 0, resent); segment 4 is lost: cwnd 4000 - pipe leaves room.
    assert_eq!(h.c.pipe(), 1000);
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::SackRetransmission, 4, 1000))
    );
    assert_eq!(h.c.pipe(), 2000);
    // Nothing else is missing, nothing new is queued, and RescueRxt (the end of the fast
    // retransmission) is not yet acknowledged: no rescue.
    h.expect_nothing();
}

#[test]
fn next_seg_rule_2_sends_new_data_while_a_hole_is_not_yet_known_lost() {
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    h.c.send(&[3; 2000]);
    send!(h, sack(base, base, &[(5, 6), (1, 4)]));
    // pipe = 1000 + 1000 (segment 4, one segment SACKed above it) + 2000 (6 and 7).
    assert_eq!(h.c.pipe(), 4000);
    h.expect_nothing();
    send!(h, sack(base, base, &[(5, 7), (1, 4)]));
    assert_eq!(h.c.pipe(), 3000);
    // Segment 4 has only two segments SACKed above it: not lost. New data goes first.
    assert_eq!(sent(&mut h, base), Some((SendReason::NewData, 8, 1000)));
    h.expect_nothing();
}

#[test]
fn next_seg_rule_3_resends_a_hole_not_known_lost_when_there_is_nothing_new() {
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    send!(h, sack(base, base, &[(5, 7), (1, 4)]));
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::SackRetransmission, 4, 1000))
    );
    h.expect_nothing();
}

#[test]
fn next_seg_rule_4_rescues_the_last_segment_once_after_a_partial_ack() {
    // Segments 0 and 7 (the last) lost: no SACK can ever arrive above segment 7.
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    for to in 5..=7 {
        send!(h, sack(base, base, &[(1, to)]));
    }
    // pipe = 1000 (segment 0) + 1000 (segment 7): room, but nothing to choose yet.
    assert_eq!(h.c.pipe(), 2000);
    h.expect_nothing();
    // The resent segment 0 arrives: a partial ACK up to segment 7.
    send!(h, sack(base, base + 7000, &[]));
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::RescueRetransmission, 7, 1000))
    );
    assert_eq!(
        h.c.scoreboard().rescue_rxt,
        Some(base + 8000),
        "RescueRxt = RecoveryPoint"
    );
    assert_eq!(h.c.scoreboard().high_rxt, base + 1000, "HighRxt unchanged");
    h.expect_nothing();
}

#[test]
fn a_lost_retransmission_is_sent_again_once_three_segments_sent_after_it_are_sacked() {
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    h.c.send(&[3; 4000]);
    // Segments 4-7 arrive: pipe falls to the resent segment 0, and NextSeg rule 2 sends
    // segments 8, 9 and 10 (after the retransmission) until cwnd - pipe < SMSS.
    send!(h, sack(base, base, &[(1, 8)]));
    for k in 8..=10 {
        assert_eq!(sent(&mut h, base), Some((SendReason::NewData, k, 1000)));
    }
    h.expect_nothing();
    // They arrive, but segment 0 still does not: its retransmission was lost too. HighRxt
    // is past it, so RFC 6675 alone would wait for the timer.
    send!(h, sack(base, base, &[(1, 11)]));
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::SackRetransmission, 0, 1000))
    );
}

// =====================================================================================
// Leaving recovery.
// =====================================================================================

#[test]
fn an_ack_covering_the_recovery_point_ends_sack_recovery_with_cwnd_at_ssthresh() {
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    send!(h, sack(base, base + 8000, &[]));
    assert!(!h.c.congestion().in_recovery());
    assert_eq!(h.c.congestion().cwnd, 4000);
    assert!(
        traced(&h, "recovery ended (the ACK covers the recovery point"),
        "{}",
        h.trace_text()
    );
}

#[test]
fn the_end_of_newreno_recovery_is_reported_as_recovery_ended_not_as_a_timeout() {
    let mut h = established();
    h.c.send(&[7; 5000]);
    for _ in 0..4 {
        h.poll().expect("a segment");
    }
    send!(h, peer_ack(1000));
    h.poll().expect("the fifth segment");
    for _ in 0..3 {
        send!(h, peer_ack(1000));
    }
    assert_eq!(
        h.poll().map(|t| t.reason),
        Some(SendReason::FastRetransmission)
    );
    // cwnd = ssthresh + 3 * SMSS = 5000 while in recovery; the full ACK deflates it to
    // min(ssthresh, max(FlightSize, SMSS) + SMSS) = min(2000, 2000) (RFC 6582 §3.2 step 3).
    send!(h, peer_ack(5000));
    assert_eq!(h.c.congestion().cwnd, 2000);
    let last = h.trace.iter().rev().find(|l| l.contains("cwnd")).cloned();
    assert!(
        last.as_deref()
            .is_some_and(|l| l.ends_with("cwnd 2000 ssthresh 2000 (recovery ended)")),
        "{}",
        h.trace_text()
    );
    assert!(!traced(&h, "(timeout)"), "{}", h.trace_text());
}

#[test]
fn a_timeout_during_recovery_ends_it_forgets_the_sacks_and_resends_from_snd_una() {
    let mut h = sack_established();
    let base = recovery_for_segment_0(&mut h);
    let rto = h.c.poll_timeout().expect("the retransmission timer");
    h.at(rto);
    assert!(!h.c.congestion().in_recovery());
    assert!(h.c.scoreboard().ranges().is_empty(), "RFC 6675 §5.1");
    assert!(traced(&h, "recovery ended (retransmission timeout"));
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::RtoRetransmission, 0, 1000))
    );
    // A late duplicate ACK of the old flight SACKs segments 1-3 again: a new recovery must
    // wait until SND.UNA reaches what had been sent (RFC 6675 §5.1).
    send!(h, sack(base, base, &[(1, 4)]));
    assert!(!h.c.congestion().in_recovery());
    h.expect_nothing();
    // The resent segment 0 arrives: the peer acknowledges up to segment 4 (segment 4 was
    // lost too) and SACKs 5 and 6. Slow start: cwnd 2 segments. Go-back-N resends 4,
    // steps over 5 and 6, which the peer holds, and resends 7.
    send!(h, sack(base, base + 4000, &[(5, 7)]));
    assert_eq!(h.c.congestion().cwnd, 2000);
    let resent: Vec<_> = std::iter::from_fn(|| sent(&mut h, base)).collect();
    assert_eq!(
        resent,
        [
            (SendReason::RtoRetransmission, 4, 1000),
            (SendReason::RtoRetransmission, 7, 1000)
        ]
    );
}

// =====================================================================================
// RFC 5827: early retransmit.
// =====================================================================================

#[test]
fn early_retransmit_resends_after_one_duplicate_ack_when_only_two_segments_are_out() {
    let mut h = established();
    h.c.send(&[7; 2000]);
    let first = TcpRepr {
        seq: LOCAL_SEQ + 1,
        ack: Some(REMOTE_SEQ + 1),
        ..RECV_TEMPL
    };
    recv!(h, first, &[7; 1000]);
    h.poll().expect("the second segment");
    // The first is lost; the second arrives and brings the only duplicate ACK there can be.
    // ownd = 2000 bytes, nothing else to send: ER_thresh = ceiling (ownd/SMSS) - 1 = 1.
    assert_eq!(h.c.dup_thresh(), 1);
    send!(h, peer_ack(0));
    assert_eq!(recv!(h, first, &[7; 1000]), SendReason::EarlyRetransmission);
    assert!(traced(&h, "early retransmit"), "{}", h.trace_text());
    // It is a fast retransmit all the same: ssthresh = max(FlightSize / 2, 2 * SMSS).
    assert_eq!(h.c.congestion().ssthresh, 2000);
}

#[test]
fn with_sack_early_retransmit_waits_for_two_of_three_segments_to_be_sacked() {
    let mut h = sack_established();
    let base = grow_cwnd_to_eight_segments(&mut h);
    send_flight(&mut h, 3);
    assert_eq!(h.c.dup_thresh(), 2);
    send!(h, sack(base, base, &[(1, 2)]));
    h.expect_nothing();
    send!(h, sack(base, base, &[(1, 3)]));
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::EarlyRetransmission, 0, 1000))
    );
}

#[test]
fn with_sack_two_duplicate_acks_do_not_early_retransmit_before_all_but_one_segment_is_sacked() {
    // RFC 5827 §3.1: with SACK, early retransmit only once ownd - SMSS bytes are SACKed,
    // however many duplicate ACKs brought them.
    let config = Config {
        sack: true,
        nagle: false,
        send_buffer: 32_000,
        ..config()
    };
    let options = TcpOptions {
        sack_permitted: true,
        ..MSS_1000
    };
    let mut h = established_with(config, options);
    let base = grow_cwnd_to_eight_segments(&mut h);
    // A full segment (bytes 0..1000), then three of 500 bytes: ownd = 2500 bytes,
    // ER_thresh = ceiling (2500/1000) - 1 = 2.
    h.c.send(&[2; 1000]);
    assert_eq!(sent(&mut h, base), Some((SendReason::NewData, 0, 1000)));
    for _ in 0..3 {
        h.c.send(&[2; 500]);
        assert_eq!(h.poll().map(|t| t.payload.len()), Some(500));
    }
    assert_eq!(h.c.dup_thresh(), 2);
    let sack_bytes = |to: usize| TcpRepr {
        options: TcpOptions {
            sack_blocks: [Some((base + 1000, base + to)), None, None],
            ..TcpOptions::NONE
        },
        ..sack(base, base, &[])
    };
    // Bytes 0..1000 are lost. Two duplicate ACKs SACK 1000..1500, then 1000..2000: 1000
    // bytes, less than ownd - SMSS = 1500. Not yet.
    send!(h, sack_bytes(1500));
    send!(h, sack_bytes(2000));
    assert_eq!(h.c.congestion().dup_acks, 2);
    h.expect_nothing();
    // The third brings the SACKed bytes to 1500, and DupAcks to DupThresh's usual 3.
    send!(h, sack_bytes(2500));
    assert_eq!(
        sent(&mut h, base),
        Some((SendReason::FastRetransmission, 0, 1000))
    );
}

#[test]
fn early_retransmit_stays_off_while_new_data_could_be_sent() {
    let mut h = sack_established();
    grow_cwnd_to_eight_segments(&mut h);
    send_flight(&mut h, 3);
    h.c.send(&[4; 1000]);
    // cwnd 8000 lets it out right away; but before that it is unsent data the window
    // allows, and DupThresh stays 3.
    assert_eq!(h.c.dup_thresh(), 3);
}

// =====================================================================================
// Labels (issue 4).
// =====================================================================================

#[test]
fn a_simultaneous_open_answers_with_a_syn_ack_labelled_syn_not_a_retransmission() {
    let mut h = syn_sent();
    send!(h, peer_syn());
    let reason = recv!(h, our_syn_ack());
    assert_eq!(reason, SendReason::Syn);
    // If the timer expires it is sent again, and then it is a retransmission.
    let rto = h.c.poll_timeout().expect("the retransmission timer");
    h.at(rto);
    assert_eq!(
        h.poll().map(|t| (t.repr.control, t.reason)),
        Some((Control::Syn, SendReason::RtoRetransmission))
    );
}

#[test]
fn after_a_window_probe_the_next_data_segment_is_new_data_not_a_retransmission() {
    let (mut h, probe) = a_zero_window_probed_with_the_first_of_three_bytes();
    // The window opens without taking the probe's byte: the data goes out from SND.NXT,
    // over that byte. No timer expired: it is not an RTO retransmission.
    send!(
        h,
        TcpRepr {
            window: 100,
            ..peer_ack(0)
        }
    );
    assert_eq!(
        recv!(h, TcpRepr { psh: true, ..probe }, b"abc"),
        SendReason::NewData
    );
}

#[test]
fn an_ack_of_new_data_sent_after_a_read_is_an_ack_not_a_window_update() {
    let mut h = established();
    let data = |offset: usize| TcpRepr {
        seq: REMOTE_SEQ + 1 + offset,
        ack: Some(LOCAL_SEQ + 1),
        ..SEND_TEMPL
    };
    send!(h, data(0), &[1; 3096]);
    recv!(h, our_ack(3096, 1000));
    let mut buf = [0u8; 4096];
    h.c.recv(&mut buf);
    // A window update is owed; before it goes out, the peer's next segment arrives, into
    // the 1000 bytes it was offered. The one ACK sent acknowledges it: an ordinary ACK.
    send!(h, data(3096), &[1; 1000]);
    assert_eq!(recv!(h, our_ack(4096, 3096)), SendReason::PureAck);
}

// =====================================================================================
// RFC 6582: NewReno's partial acknowledgments (no SACK), as cwnd computations.
// =====================================================================================

#[test]
fn a_newreno_partial_ack_adds_a_segment_back_only_if_it_acknowledges_a_full_one() {
    // RFC 6582 §3.2 step 3: "Deflate the congestion window by the amount of new data
    // acknowledged by the Cumulative Acknowledgment field. If the partial ACK acknowledges
    // at least one SMSS of new data, then add back SMSS bytes to the congestion window."
    use crate::tcp::congestion::{AckAction, Algorithm, Congestion};
    let mut cc = Congestion::new(1000, Algorithm::NewReno);
    // 10 segments in flight (1..10001); three duplicate ACKs: ssthresh 5000, cwnd
    // 5000 + 3 * 1000.
    for _ in 0..3 {
        cc.on_duplicate_ack();
    }
    cc.enter_recovery(10_000, SeqNumber(10_001));
    assert_eq!(cc.cwnd, 8000);
    // ACK 2001: 2000 bytes, at least one SMSS: 8000 - 2000 + 1000.
    let partial = cc.on_ack(2000, SeqNumber(2001), 8000, Instant::ZERO, None);
    assert_eq!(partial, AckAction::RetransmitNextHole);
    assert_eq!(cc.cwnd, 7000);
    // ACK 2501: 500 bytes, less than one SMSS: 7000 - 500, nothing added back.
    let partial = cc.on_ack(500, SeqNumber(2501), 7500, Instant::ZERO, None);
    assert_eq!(partial, AckAction::RetransmitNextHole);
    assert_eq!(cc.cwnd, 6500);
}
