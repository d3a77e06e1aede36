//! Tests for the ESTABLISHED state: data, acknowledgments, retransmission, flow control,
//! resets and SYNs (RFC 5961), and the options negotiated on the SYNs.

use super::*;

// =====================================================================================
// Tests for the ESTABLISHED state: data.
// =====================================================================================

#[test]
fn data_in_order_is_delivered_and_acknowledged_with_the_window_left() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        b"abcdef"
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 7),
            window: 4090,
            ..RECV_TEMPL
        }
    );
    let mut buf = [0u8; 16];
    assert_eq!(h.c.recv(&mut buf), 6);
    assert_eq!(&buf[..6], b"abcdef");
}

#[test]
fn data_we_send_goes_out_with_psh_on_the_last_segment() {
    let mut h = established();
    assert_eq!(h.c.send(&[b'x'; 1500]), 1500);
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        },
        &[b'x'; 1000]
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1001,
            ack: Some(REMOTE_SEQ + 1),
            psh: true,
            ..RECV_TEMPL
        },
        &[b'x'; 500]
    );
    h.expect_nothing();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1501),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.c.send_queue(), 0);
    assert_eq!(
        h.c.poll_timeout(),
        None,
        "all acknowledged: the retransmission timer stops"
    );
}

#[test]
fn a_delayed_ack_waits_for_a_second_segment_or_the_timer() {
    let mut h = established_with(
        Config {
            delayed_ack: Some(Duration::from_millis(40)),
            ..config()
        },
        MSS_1000,
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        b"one"
    );
    h.expect_nothing();
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(40)));
    h.at(Instant::from_millis(40));
    assert_eq!(
        recv!(
            h,
            TcpRepr {
                seq: LOCAL_SEQ + 1,
                ack: Some(REMOTE_SEQ + 4),
                window: 4093,
                ..RECV_TEMPL
            }
        ),
        SendReason::PureAck
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 4,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        b"two"
    );
    h.expect_nothing();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 7,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        b"three"
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 12),
            window: 4085,
            ..RECV_TEMPL
        }
    );
}

#[test]
fn out_of_order_data_gets_an_immediate_ack_with_a_sack_block() {
    let sack = Config {
        sack: true,
        ..config()
    };
    let mut h = established_with(
        sack,
        TcpOptions {
            sack_permitted: true,
            ..MSS_1000
        },
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1001,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        &[2; 1000]
    );
    let mut options = TcpOptions::NONE;
    options.sack_blocks[0] = Some((REMOTE_SEQ + 1001, REMOTE_SEQ + 2001));
    let reason = recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            options,
            ..RECV_TEMPL
        }
    );
    assert_eq!(reason, SendReason::DuplicateAck);
    // The missing segment fills the gap: both are delivered, the ACK covers both.
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        &[1; 1000]
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 2001),
            window: 2096,
            ..RECV_TEMPL
        }
    );
    let mut buf = vec![0u8; 4096];
    assert_eq!(h.c.recv(&mut buf), 2000);
    assert_eq!((buf[999], buf[1000]), (1, 2));
}

#[test]
fn a_segment_left_of_the_window_is_answered_with_an_ack() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            seq: SeqNumber(REMOTE_SEQ.0 - 99),
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        &[0; 50]
    );
    assert_eq!(
        recv!(
            h,
            TcpRepr {
                seq: LOCAL_SEQ + 1,
                ack: Some(REMOTE_SEQ + 1),
                ..RECV_TEMPL
            }
        ),
        SendReason::AckOfUnacceptable
    );
}

#[test]
fn an_ack_of_data_never_sent_is_answered_with_an_ack_and_dropped() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 500),
            ..SEND_TEMPL
        },
        b"data"
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.c.recv_queue(), 0);
}

#[test]
fn unacknowledged_data_is_sent_again_when_the_rto_expires() {
    let mut h = established();
    h.c.send(b"hello");
    let data = TcpRepr {
        seq: LOCAL_SEQ + 1,
        ack: Some(REMOTE_SEQ + 1),
        psh: true,
        ..RECV_TEMPL
    };
    assert_eq!(recv!(h, data, b"hello"), SendReason::NewData);
    h.at(Instant::from_millis(1000));
    assert_eq!(recv!(h, data, b"hello"), SendReason::RtoRetransmission);
    assert_eq!(
        h.c.congestion().cwnd,
        1000,
        "the loss window is one segment"
    );
    assert_eq!(
        h.c.poll_timeout(),
        Some(Instant::from_millis(3000)),
        "the RTO doubled"
    );
}

#[test]
fn three_duplicate_acks_trigger_a_fast_retransmission() {
    let mut h = established();
    h.c.send(&[7; 5000]);
    for i in 0..4 {
        recv!(
            h,
            TcpRepr {
                seq: LOCAL_SEQ + 1 + 1000 * i,
                ack: Some(REMOTE_SEQ + 1),
                ..RECV_TEMPL
            },
            &[7; 1000]
        );
    }
    send!(h, peer_ack(1000));
    // cwnd grew by one segment: the fifth goes out, and four are outstanding, enough for
    // three duplicate ACKs (fewer would mean early retransmit, RFC 5827).
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 4001,
            ack: Some(REMOTE_SEQ + 1),
            psh: true,
            ..RECV_TEMPL
        },
        &[7; 1000]
    );
    for _ in 0..3 {
        send!(h, peer_ack(1000));
    }
    let reason = recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1001,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        },
        &[7; 1000]
    );
    assert_eq!(reason, SendReason::FastRetransmission);
    let cc = h.c.congestion();
    // FlightSize was 4000 bytes: ssthresh = max(2000, 2000), cwnd = ssthresh + 3 * 1000.
    assert_eq!((cc.ssthresh, cc.cwnd), (2000, 5000));
}

#[test]
fn the_first_two_duplicate_acks_each_release_one_new_segment() {
    let mut h = established();
    h.c.send(&[7; 6000]);
    for _ in 0..4 {
        h.poll().expect("a segment"); // cwnd is 4 segments
    }
    h.expect_nothing();
    let dup_ack = TcpRepr {
        seq: REMOTE_SEQ + 1,
        ack: Some(LOCAL_SEQ + 1),
        window: 16_000,
        ..SEND_TEMPL
    };
    send!(
        h,
        TcpRepr {
            window: 16_000,
            ..dup_ack
        }
    ); // a window update, not a duplicate
    h.expect_nothing();
    send!(h, dup_ack);
    let first = h.poll().expect("limited transmit");
    assert_eq!(
        (first.reason, first.repr.seq),
        (SendReason::LimitedTransmit, LOCAL_SEQ + 4001)
    );
    send!(h, dup_ack);
    let second = h.poll().expect("limited transmit");
    assert_eq!(
        (second.reason, second.repr.seq),
        (SendReason::LimitedTransmit, LOCAL_SEQ + 5001)
    );
    send!(h, dup_ack);
    assert_eq!(
        h.poll().map(|t| (t.reason, t.repr.seq)),
        Some((SendReason::FastRetransmission, LOCAL_SEQ + 1))
    );
}

/// The peer closes its window; we queue "abc", and when the persist timer expires one
/// second later, probe the window with "a". Returns the probe's header.
pub(super) fn a_zero_window_probed_with_the_first_of_three_bytes() -> (Harness, TcpRepr) {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            window: 0,
            ..peer_ack(0)
        }
    );
    h.c.send(b"abc");
    h.expect_nothing();
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(1000)));
    h.at(Instant::from_millis(1000));
    let probe = TcpRepr {
        seq: LOCAL_SEQ + 1,
        ack: Some(REMOTE_SEQ + 1),
        ..RECV_TEMPL
    };
    assert_eq!(recv!(h, probe, b"a"), SendReason::WindowProbe);
    (h, probe)
}

#[test]
fn a_zero_window_is_probed_when_the_persist_timer_expires_and_reopens() {
    let (mut h, probe) = a_zero_window_probed_with_the_first_of_three_bytes();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            window: 0,
            ..SEND_TEMPL
        }
    );
    assert_eq!(
        h.c.poll_timeout(),
        Some(Instant::from_millis(3000)),
        "probes back off"
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            window: 100,
            ..SEND_TEMPL
        }
    );
    recv!(h, TcpRepr { psh: true, ..probe }, b"abc");
}

#[test]
fn reading_a_full_buffer_sends_a_window_update() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        &[1; 4096]
    );
    recv!(h, our_ack(4096, 0));
    let mut buf = [0u8; 2048];
    h.c.recv(&mut buf);
    assert_eq!(recv!(h, our_ack(4096, 2048)), SendReason::WindowUpdate);
}

#[test]
fn nagle_holds_a_small_segment_while_data_is_unacknowledged() {
    let mut h = established_with(
        Config {
            nagle: true,
            ..config()
        },
        MSS_1000,
    );
    h.c.send(b"a");
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            psh: true,
            ..RECV_TEMPL
        },
        b"a"
    );
    h.c.send(b"b");
    h.expect_nothing();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        }
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 2,
            ack: Some(REMOTE_SEQ + 1),
            psh: true,
            ..RECV_TEMPL
        },
        b"b"
    );
}

// =====================================================================================
// Tests for the ESTABLISHED state: resets and SYNs (RFC 5961).
// =====================================================================================

#[test]
fn a_reset_in_the_window_but_not_at_rcv_nxt_gets_a_challenge_ack() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ + 100,
            ..SEND_TEMPL
        }
    );
    let reason = recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        }
    );
    assert_eq!(reason, SendReason::ChallengeAck);
    assert_eq!(h.state(), State::Established);
}

#[test]
fn challenge_acks_are_limited_to_ten_per_second() {
    let mut h = established();
    let mut challenges = 0;
    for i in 0..20 {
        send!(
            h,
            TcpRepr {
                control: Control::Rst,
                seq: REMOTE_SEQ + 100 + i,
                ..SEND_TEMPL
            }
        );
        challenges += usize::from(
            h.poll()
                .is_some_and(|t| t.reason == SendReason::ChallengeAck),
        );
    }
    assert_eq!(challenges, 10);
    h.now = Instant::from_millis(1000);
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ + 100,
            ..SEND_TEMPL
        }
    );
    assert_eq!(
        h.poll().map(|t| t.reason),
        Some(SendReason::ChallengeAck),
        "a new second"
    );
}

#[test]
fn a_reset_outside_the_window_is_dropped_silently() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ + 100_000,
            ..SEND_TEMPL
        }
    );
    h.expect_nothing();
    assert_eq!(h.state(), State::Established);
}

#[test]
fn a_reset_at_rcv_nxt_resets_the_connection() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: REMOTE_SEQ + 1,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Closed);
    assert_eq!(h.c.error(), Some(ConnectionError::Reset));
}

#[test]
fn a_syn_in_established_gets_a_challenge_ack() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            control: Control::Syn,
            seq: REMOTE_SEQ + 500,
            ..SEND_TEMPL
        }
    );
    assert_eq!(
        recv!(
            h,
            TcpRepr {
                seq: LOCAL_SEQ + 1,
                ack: Some(REMOTE_SEQ + 1),
                ..RECV_TEMPL
            }
        ),
        SendReason::ChallengeAck
    );
    assert_eq!(h.state(), State::Established);
}

#[test]
fn abort_sends_a_reset_at_snd_nxt() {
    let mut h = established();
    h.c.abort();
    recv!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: LOCAL_SEQ + 1,
            window: 0,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.state(), State::Closed);
}

// =====================================================================================
// Options: window scaling, timestamps and PAWS.
// =====================================================================================

#[test]
fn the_peers_window_is_scaled_by_its_shift_after_the_handshake() {
    let scaled = Config {
        window_scaling: true,
        ..config()
    };
    let mut h = established_with(
        scaled,
        TcpOptions {
            window_scale: Some(7),
            ..MSS_1000
        },
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            window: 100,
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.c.send_sequence().wnd, 12_800);
}

#[test]
fn paws_drops_a_segment_with_an_old_timestamp() {
    let ts = Config {
        timestamps: true,
        ..config()
    };
    let mut h = established_with(
        ts,
        TcpOptions {
            timestamps: Some((500, 0)),
            ..MSS_1000
        },
    );
    let stamped = |value| TcpOptions {
        timestamps: Some((value, 0)),
        ..TcpOptions::NONE
    };
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            options: stamped(400),
            ..SEND_TEMPL
        },
        b"old"
    );
    let ack = h.poll().expect("an ACK");
    assert_eq!(
        (ack.reason, ack.repr.ack),
        (SendReason::AckOfUnacceptable, Some(REMOTE_SEQ + 1))
    );
    assert_eq!(
        ack.repr.options.timestamps,
        Some((0, 500)),
        "TSecr echoes TS.Recent"
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            options: stamped(600),
            ..SEND_TEMPL
        },
        b"new"
    );
    assert_eq!(h.c.recv_queue(), 3);
}
