//! Tests for the closing states: FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK,
//! TIME-WAIT — active, passive and simultaneous close, and half-close.

use super::*;

/// ESTABLISHED, then CLOSE: our FIN is out.
fn fin_wait_1() -> Harness {
    let mut h = established();
    h.c.close();
    assert_eq!(h.state(), State::FinWait1);
    let reason = recv!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        }
    );
    assert_eq!(reason, SendReason::Fin);
    h
}

fn fin_wait_2() -> Harness {
    let mut h = fin_wait_1();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::FinWait2);
    h
}

fn close_wait() -> Harness {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        }
    );
    // The FIN takes one number of the sequence space: the right edge stays, the window
    // shrinks by one.
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 2),
            window: 4095,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.state(), State::CloseWait);
    h
}

fn time_wait() -> Harness {
    let mut h = fin_wait_2();
    send!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        }
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 2,
            ack: Some(REMOTE_SEQ + 2),
            window: 4095,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.state(), State::TimeWait);
    h
}

// =====================================================================================
// Tests for the FIN-WAIT-1 state.
// =====================================================================================

#[test]
fn the_ack_of_our_fin_moves_fin_wait_1_to_fin_wait_2() {
    let h = fin_wait_2();
    assert!(h.c.send_sequence().fin_acked());
}

#[test]
fn a_fin_crossing_ours_moves_fin_wait_1_to_closing() {
    let mut h = fin_wait_1();
    send!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Closing);
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 2,
            ack: Some(REMOTE_SEQ + 2),
            window: 4095,
            ..RECV_TEMPL
        }
    );
    // ... and the ACK of our FIN ends the simultaneous close in TIME-WAIT.
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 2,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::TimeWait);
}

#[test]
fn a_fin_that_also_acknowledges_ours_goes_straight_to_time_wait() {
    let mut h = fin_wait_1();
    send!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::TimeWait);
}

#[test]
fn our_fin_is_sent_again_when_the_rto_expires() {
    let mut h = fin_wait_1();
    h.at(Instant::from_millis(1000));
    let reason = recv!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            ..RECV_TEMPL
        }
    );
    assert_eq!(reason, SendReason::RtoRetransmission);
}

#[test]
fn queued_data_goes_out_before_the_fin() {
    let mut h = established();
    h.c.send(b"last words");
    h.c.close();
    recv!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 1),
            psh: true,
            ..RECV_TEMPL
        },
        b"last words"
    );
    assert_eq!(h.c.send(b"more"), 0, "nothing can be sent after CLOSE");
}

// =====================================================================================
// Tests for the FIN-WAIT-2 state (half-close: the peer may still send).
// =====================================================================================

#[test]
fn fin_wait_2_still_receives_data() {
    let mut h = fin_wait_2();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        },
        b"still talking"
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 2,
            ack: Some(REMOTE_SEQ + 14),
            window: 4083,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.c.recv_queue(), 13);
}

#[test]
fn a_fin_in_fin_wait_2_is_acknowledged_and_enters_time_wait() {
    let h = time_wait();
    assert_eq!(
        h.c.poll_timeout(),
        Some(Instant::from_millis(20_000)),
        "2 x MSL"
    );
}

// =====================================================================================
// Tests for the CLOSE-WAIT and LAST-ACK states (passive close).
// =====================================================================================

#[test]
fn close_wait_can_still_send_data_then_close_sends_fin_and_enters_last_ack() {
    let mut h = close_wait();
    assert!(!h.c.peer_closed() || h.c.recv_queue() == 0);
    h.c.send(b"reply");
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 2),
            psh: true,
            window: 4095,
            ..RECV_TEMPL
        },
        b"reply"
    );
    h.c.close();
    assert_eq!(h.state(), State::LastAck);
    recv!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: LOCAL_SEQ + 6,
            ack: Some(REMOTE_SEQ + 2),
            window: 4095,
            ..RECV_TEMPL
        }
    );
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 2,
            ack: Some(LOCAL_SEQ + 7),
            ..SEND_TEMPL
        }
    );
    assert_eq!(h.state(), State::Closed);
    assert_eq!(h.c.error(), None);
}

#[test]
fn close_wait_ignores_data_after_the_fin() {
    let mut h = close_wait();
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 2,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        b"late"
    );
    assert_eq!(h.c.recv_queue(), 0);
}

#[test]
fn a_fin_that_arrives_before_the_data_in_front_of_it_waits_for_it() {
    let mut h = established();
    send!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: REMOTE_SEQ + 4,
            ack: Some(LOCAL_SEQ + 1),
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
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        },
        b"abc"
    );
    assert_eq!(h.state(), State::CloseWait);
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 1,
            ack: Some(REMOTE_SEQ + 5),
            window: 4092,
            ..RECV_TEMPL
        }
    );
}

// =====================================================================================
// Tests for the TIME-WAIT state.
// =====================================================================================

#[test]
fn a_retransmitted_fin_in_time_wait_is_acknowledged_and_restarts_the_timer() {
    let mut h = time_wait();
    h.now = Instant::from_millis(5000);
    send!(
        h,
        TcpRepr {
            control: Control::Fin,
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 2),
            ..SEND_TEMPL
        }
    );
    recv!(
        h,
        TcpRepr {
            seq: LOCAL_SEQ + 2,
            ack: Some(REMOTE_SEQ + 2),
            window: 4095,
            ..RECV_TEMPL
        }
    );
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(25_000)));
}

#[test]
fn time_wait_ends_in_closed_after_two_msl() {
    let mut h = time_wait();
    h.at(Instant::from_millis(19_999));
    assert_eq!(h.state(), State::TimeWait);
    h.at(Instant::from_millis(20_000));
    assert_eq!(h.state(), State::Closed);
    assert_eq!(h.c.error(), None);
}

#[test]
fn the_trace_names_every_state_in_rfc_spelling() {
    let mut h = time_wait();
    h.at(Instant::from_millis(20_000));
    let states: Vec<&str> = h
        .trace
        .iter()
        .filter(|line| line.contains(" state "))
        .map(|line| {
            line.split(" -> ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .unwrap_or("")
        })
        .collect();
    assert_eq!(
        states,
        [
            "SYN-SENT",
            "ESTABLISHED",
            "FIN-WAIT-1",
            "FIN-WAIT-2",
            "TIME-WAIT",
            "CLOSED"
        ]
    );
}
