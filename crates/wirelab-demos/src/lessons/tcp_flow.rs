//! Data in flight: flow control (the receive window), loss and its repair, congestion
//! control.

use super::chart;
use super::tcp_life::open;
use crate::run::{Run, Setup};
use crate::{Host, Lesson, Params};
use wirelab_stack::tcp::{Event, SendReason, State};
use wirelab_stack::{Duration, Instant};

/// A port no dissector claims, so that Wireshark reads the payload as plain data instead
/// of trying to reassemble HTTP out of it.
const PORT: u16 = 40000;

/// What a one-way transfer from A to B did.
struct Transfer {
    received: usize,
    closed: bool,
}

/// A sends `len` bytes to B:`port` and closes; B reads when `reads(now)` says so, and closes
/// after A's FIN. Ends when both are CLOSED or in TIME-WAIT, or after `limit`.
fn transfer(
    run: &mut Run,
    port: u16,
    len: usize,
    limit: Duration,
    mut reads: impl FnMut(Instant) -> bool,
) -> Transfer {
    let Some((client, server)) = open(run, port) else {
        return Transfer {
            received: 0,
            closed: false,
        };
    };
    let data: Vec<u8> = (0..len).map(|i| b"wirelab "[i % 8]).collect();
    let mut sent = 0;
    let mut closing = false;
    let mut received = 0;
    let mut buf = vec![0u8; 65536];
    let closed = run.run(limit, |sim, _| {
        let now = sim.now;
        if let Some(c) = sim.a.tcp(client) {
            if sent < len {
                sent += c.send(&data[sent..]);
            } else if !closing && c.send_queue() == 0 {
                // Close once everything is acknowledged, so that FIN-WAIT-1 means "my FIN
                // is out" in the trace, not "my FIN waits behind the data".
                c.close();
                closing = true;
            }
        }
        let Some(s) = sim.b.tcp(server) else {
            return true;
        };
        if reads(now) {
            loop {
                let n = s.recv(&mut buf);
                if n == 0 {
                    break;
                }
                received += n;
            }
            if s.state() == State::CloseWait {
                s.close();
            }
        }
        let server_done = s.state() == State::Closed;
        let client_done = sim
            .a
            .tcp(client)
            .is_none_or(|c| matches!(c.state(), State::TimeWait | State::Closed));
        server_done && client_done
    });
    Transfer { received, closed }
}

fn count_sent(run_events: &[crate::Step], host: Host, reason: SendReason) -> usize {
    run_events
        .iter()
        .flat_map(|s| &s.events)
        .filter(|e| e.host == host)
        .filter(|e| matches!(e.tcp, Some(Event::SegmentSent { reason: r, .. }) if r == reason))
        .count()
}

pub fn window(params: &Params) -> Lesson {
    let mut setup = Setup::new(params);
    if params.window.is_none() {
        setup.tcp.recv_buffer = 4096;
    }
    if params.mss.is_none() {
        setup.tcp.mss = 1000;
    }
    let window = setup.tcp.recv_buffer;
    let mut run = Run::new(setup, params);
    let len = window * 3;
    let asleep_until = Instant::from_millis(1500);
    let outcome = transfer(&mut run, PORT, len, Duration::from_secs(60), |now| {
        now >= asleep_until
    });
    let steps = run.into_steps();
    let probes = count_sent(&steps, Host::A, SendReason::WindowProbe);
    let updates = count_sent(&steps, Host::B, SendReason::WindowUpdate);
    Lesson {
        keylog: None,
        name: "tcp-window",
        title: "Flow control: a slow reader",
        intro: format!(
            "B offers a receive window of {window} bytes, and its application does not read \
             until 1.5 s. A has {len} bytes to send. Watch the window field of B's ACKs \
             shrink as its buffer fills, down to zero; A must stop, and its persist timer \
             probes the zero window (RFC 9293 §3.8.6.1). When B's application reads, B sends a \
             window update and the data flows again (RFC 9293 §3.8.6.2.2)."
        ),
        steps,
        summary: format!(
            "B's application received {} of {len} bytes; the connection {}. A sent {probes} \
             zero-window probe(s); B sent {updates} window update(s). The sender never \
             overruns the receiver: flow control is the receiver's window, congestion control \
             (tcp-congestion) is the network's.",
            outcome.received,
            if outcome.closed {
                "closed"
            } else {
                "did not close in time"
            }
        ),
    }
}

pub fn loss(params: &Params) -> Lesson {
    let mut setup = Setup::new(params);
    if params.mss.is_none() {
        setup.tcp.mss = 1000;
    }
    // Acknowledge every segment: duplicate ACKs show one per segment after the hole.
    setup.tcp.delayed_ack = None;
    let mss = setup.tcp.mss;
    let mut run = Run::new(setup, params);
    // The 3rd data segment of the first burst is lost: the ones after it arrive, so B
    // sends duplicate ACKs with SACK blocks, and A fast-retransmits.
    run.lose_data_frame(Host::A, 2);
    let first = transfer_open(&mut run, PORT, mss * 8);
    // Then a lone segment at the end of a burst is lost: no data follows it, so no
    // duplicate ACKs come, and only the retransmission timer can repair it.
    if let Some((client, server)) = first {
        let ordinal = run.data_frames_sent(Host::A);
        run.lose_data_frame(Host::A, ordinal);
        let data = vec![b'!'; mss / 2];
        if let Some(c) = run.sim.a.tcp(client) {
            c.send(&data);
        }
        let mut buf = vec![0u8; 65536];
        let mut received = 0;
        run.run(Duration::from_secs(10), |sim, _| {
            if let Some(s) = sim.b.tcp(server) {
                received += s.recv(&mut buf);
            }
            received >= data.len()
        });
        run.idle(Duration::from_millis(300));
    }
    let steps = run.into_steps();
    let fast = count_sent(&steps, Host::A, SendReason::FastRetransmission)
        + count_sent(&steps, Host::A, SendReason::SackRetransmission);
    let rto = count_sent(&steps, Host::A, SendReason::RtoRetransmission);
    let dupacks = count_sent(&steps, Host::B, SendReason::DuplicateAck);
    Lesson {
        keylog: None,
        name: "tcp-loss",
        title: "Loss and its repair",
        intro: "A sends a burst of eight segments and the link loses the third. The segments \
                after the hole reach B, which answers each with a duplicate ACK carrying SACK \
                blocks (RFC 5681 §4.2, RFC 2018). On the third duplicate ACK A retransmits the \
                missing segment at once (fast retransmit, RFC 5681 §3.2). Then A sends one \
                last small segment, and the link loses it too: nothing follows it, so no \
                duplicate ACK can come, and A waits for its retransmission timer \
                (RFC 6298 §5)."
            .to_string(),
        steps,
        summary: format!(
            "B sent {dupacks} duplicate ACK(s); A repaired by fast or SACK retransmission \
             {fast} time(s) and by RTO retransmission {rto} time(s). Fast retransmit costs \
             about one round trip; the timer costs at least the minimum RTO (200 ms here, \
             1 s in RFC 6298)."
        ),
    }
}

/// Opens A → B:`port`, sends `len` bytes, and waits until B has them all.
fn transfer_open(
    run: &mut Run,
    port: u16,
    len: usize,
) -> Option<(
    wirelab_stack::iface::SocketHandle,
    wirelab_stack::iface::SocketHandle,
)> {
    let (client, server) = open(run, port)?;
    let data = vec![b'x'; len];
    let mut sent = 0;
    let mut received = 0;
    let mut buf = vec![0u8; 65536];
    run.run(Duration::from_secs(30), |sim, _| {
        if let Some(c) = sim.a.tcp(client) {
            if sent < len {
                sent += c.send(&data[sent..]);
            }
        }
        if let Some(s) = sim.b.tcp(server) {
            received += s.recv(&mut buf);
        }
        received >= len
    });
    run.idle(Duration::from_millis(100));
    Some((client, server))
}

pub fn congestion(params: &Params) -> Lesson {
    let mut setup = Setup::new(params);
    if params.window.is_none() {
        setup.tcp.recv_buffer = 1 << 20;
    }
    setup.tcp.send_buffer = 1 << 20;
    if params.delay_ms.is_none() {
        setup.link.delay = Duration::from_millis(20);
    }
    if params.bandwidth.is_none() {
        setup.link.bandwidth = Some(20_000_000);
    }
    let mss = setup.tcp.mss;
    let algorithm = setup.tcp.congestion;
    let mut run = Run::new(setup, params);
    // One loss in slow start, one later in congestion avoidance.
    run.lose_data_frame(Host::A, 40);
    run.lose_data_frame(Host::A, 200);
    let len = 320 * mss;
    let outcome = transfer(&mut run, PORT, len, Duration::from_secs(120), |_| true);
    let points: Vec<(u64, usize, usize)> = run
        .cwnd
        .iter()
        .filter(|(host, ..)| *host == Host::A)
        .map(|&(_, t, c, s)| (t, c, s))
        .collect();
    let steps = run.into_steps();
    let fast = count_sent(&steps, Host::A, SendReason::FastRetransmission);
    let rto = count_sent(&steps, Host::A, SendReason::RtoRetransmission);
    Lesson {
        keylog: None,
        name: "tcp-congestion",
        title: "Congestion control",
        intro: format!(
            "A sends {len} bytes to B over a 40 ms round trip, with {algorithm:?} congestion \
             control. In slow start cwnd grows by one segment per ACK, doubling every round \
             trip (RFC 5681 §3.1). The link loses the 41st data segment: three duplicate ACKs, \
             a fast retransmit, ssthresh (and, with SACK, cwnd) becomes half the flight, and \
             loss recovery (RFC 5681 §3.2; with SACK, RFC 6675, which sends while cwnd exceeds \
             the data still in the network) keeps the ACK clock running instead of starting \
             over. \
             Then cwnd grows by about one segment per round trip (congestion avoidance) — or \
             along CUBIC's curve (RFC 9438) — until the 201st segment is lost."
        ),
        steps,
        summary: format!(
            "B received {} of {len} bytes ({}); A fast-retransmitted {fast} time(s) and \
             retransmitted on timeout {rto} time(s).\nA's congestion window (segments of {mss} \
             bytes) over time:\n{}",
            outcome.received,
            if outcome.closed {
                "the connection closed"
            } else {
                "the connection did not close in time"
            },
            chart::cwnd(&points, mss)
        ),
    }
}
