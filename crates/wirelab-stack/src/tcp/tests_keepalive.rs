//! Tests for keep-alives (RFC 9293 §3.8.4).

use super::*;

// =====================================================================================
// Keep-alives.
// =====================================================================================

fn with_keepalive() -> Harness {
    let keepalive = Config {
        keepalive: Some(Duration::from_secs(10)),
        keepalive_interval: Duration::from_secs(1),
        keepalive_probes: 3,
        ..config()
    };
    established_with(keepalive, MSS_1000)
}

#[test]
fn an_idle_connection_is_probed_with_snd_nxt_minus_one_and_an_answer_resets_the_timer() {
    let mut h = with_keepalive();
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(10_000)));
    h.at(Instant::from_millis(10_000));
    let probe = TcpRepr {
        seq: LOCAL_SEQ,
        ack: Some(REMOTE_SEQ + 1),
        ..RECV_TEMPL
    };
    assert_eq!(recv!(h, probe), SendReason::KeepAlive);
    send!(
        h,
        TcpRepr {
            seq: REMOTE_SEQ + 1,
            ack: Some(LOCAL_SEQ + 1),
            ..SEND_TEMPL
        }
    );
    h.expect_nothing();
    assert_eq!(h.c.poll_timeout(), Some(Instant::from_millis(20_000)));
}

#[test]
fn unanswered_keep_alives_abort_the_connection() {
    let mut h = with_keepalive();
    for at in [10_000, 11_000, 12_000] {
        h.at(Instant::from_millis(at));
        assert_eq!(h.poll().map(|t| t.reason), Some(SendReason::KeepAlive));
    }
    h.at(Instant::from_millis(13_000));
    assert_eq!(h.c.error(), Some(ConnectionError::TimedOut));
    recv!(
        h,
        TcpRepr {
            control: Control::Rst,
            seq: LOCAL_SEQ + 1,
            window: 0,
            ..RECV_TEMPL
        }
    );
}
