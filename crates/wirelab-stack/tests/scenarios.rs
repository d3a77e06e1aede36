//! Scenarios on the simulated link: two hosts, A (10.0.0.1) and B (10.0.0.2), a link with
//! 10 ms of delay, and faults from a seeded RNG. Every run is deterministic; a failing test
//! prints the trace of the frames so far.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddrV4};
use wirelab_stack::iface::{IfaceEvent, SocketHandle};
use wirelab_stack::sim::{Faults, LinkConfig, Sim, SimConfig, ADDR_A, ADDR_B, MAC_A, MAC_B};
use wirelab_stack::tcp::{Algorithm, ConnectionError, Event, SendReason, State};
use wirelab_stack::wire::{
    Control, EtherType, EthernetRepr, Fragment, IpProtocol, Ipv4Repr, SeqNumber, TcpOptions,
    TcpRepr, UdpRepr,
};
use wirelab_stack::{Duration, Instant};

const SERVER: SocketAddrV4 = SocketAddrV4::new(ADDR_B, 80);

fn secs(s: u64) -> Instant {
    Instant::from_millis(s * 1000)
}

/// Bytes that differ from their neighbours, so that a misplaced segment shows.
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn fail(sim: &Sim, message: &str) -> ! {
    panic!(
        "{message}\n--- trace of the frames so far ---\n{}",
        sim.trace_text()
    );
}

/// What a bulk transfer left behind.
struct Outcome {
    sim: Sim,
    received: Vec<u8>,
    client: SocketHandle,
    server: Option<SocketHandle>,
    /// Segments the client sent, by reason.
    client_sent: HashMap<String, usize>,
    /// The client's (cwnd, ssthresh) after each change.
    client_windows: Vec<(usize, usize)>,
    finished: bool,
}

/// A connects to B:80, sends `data`, closes; B reads everything and closes when A's FIN
/// arrives. Done when B has every byte and both connections are done (A in TIME-WAIT or
/// CLOSED, B CLOSED).
fn transfer(sim: Sim, data: &[u8], deadline: Instant) -> Outcome {
    let mut sim = sim;
    sim.b.tcp_listen(80);
    let client = sim.a.tcp_connect(sim.now, SERVER);
    let mut sent = 0;
    let mut client_closed = false;
    let mut server: Option<SocketHandle> = None;
    let mut received = Vec::with_capacity(data.len());
    let mut client_sent: HashMap<String, usize> = HashMap::new();
    let mut client_windows = Vec::new();
    let mut buf = vec![0u8; 65536];
    let finished = sim.run_until(deadline, |sim| {
        let Some(c) = sim.a.tcp(client) else {
            return true;
        };
        if sent < data.len() {
            sent += c.send(&data[sent..]);
        }
        if sent == data.len() && !client_closed {
            c.close();
            client_closed = true;
        }
        while let Some(e) = c.poll_event() {
            match e {
                Event::SegmentSent { reason, .. } => {
                    *client_sent.entry(format!("{reason:?}")).or_default() += 1;
                }
                Event::CongestionChanged { cwnd, ssthresh, .. } => {
                    client_windows.push((cwnd, ssthresh))
                }
                _ => {}
            }
        }
        let client_done = matches!(c.state(), State::TimeWait | State::Closed);
        if server.is_none() {
            server = sim.b.tcp_accept(80);
        }
        let Some(s) = server.and_then(|h| sim.b.tcp(h)) else {
            return false;
        };
        loop {
            let n = s.recv(&mut buf);
            if n == 0 {
                break;
            }
            received.extend_from_slice(&buf[..n]);
        }
        if s.state() == State::CloseWait {
            s.close();
        }
        while s.poll_event().is_some() {}
        client_done && s.state() == State::Closed && received.len() == data.len()
    });
    Outcome {
        sim,
        received,
        client,
        server,
        client_sent,
        client_windows,
        finished,
    }
}

fn assert_byte_exact(outcome: &Outcome, data: &[u8]) {
    if !outcome.finished {
        fail(
            &outcome.sim,
            &format!(
                "the transfer did not finish: {} of {} bytes arrived",
                outcome.received.len(),
                data.len()
            ),
        );
    }
    if let Some(at) = outcome.received.iter().zip(data).position(|(a, b)| a != b) {
        fail(&outcome.sim, &format!("byte {at} differs"));
    }
    assert_eq!(outcome.received.len(), data.len());
    // Shown with --nocapture: how the run went.
    println!(
        "{} bytes in {} of virtual time; client segments by reason: {:?}",
        data.len(),
        outcome.sim.now,
        outcome.client_sent
    );
}

#[test]
fn a_handshake_a_transfer_and_a_close_on_a_clean_link() {
    let data = pattern(100_000, 1);
    let mut outcome = transfer(Sim::two_hosts(&SimConfig::default(), None), &data, secs(60));
    assert_byte_exact(&outcome, &data);
    let server = outcome.server.unwrap();
    assert_eq!(outcome.sim.b.tcp(server).unwrap().error(), None);
    // The active closer waits 2 x MSL (MSL is 1 s here), then is gone.
    let client = outcome.client;
    assert_eq!(outcome.sim.a.tcp(client).unwrap().state(), State::TimeWait);
    outcome.sim.run_until(secs(120), |sim| {
        sim.a.tcp(client).unwrap().state() == State::Closed
    });
    assert_eq!(outcome.sim.a.tcp(client).unwrap().state(), State::Closed);
    assert!(
        !outcome.client_sent.contains_key("RtoRetransmission"),
        "{:?}",
        outcome.client_sent
    );
}

fn hostile_link(seed: u64) -> SimConfig {
    SimConfig {
        faults: Faults {
            loss: 0.10,
            duplicate: 0.05,
            reorder: 0.05,
            reorder_delay: Duration::from_millis(3),
            corrupt: 0.01,
        },
        seed,
        ..SimConfig::default()
    }
}

#[test]
fn one_megabyte_arrives_byte_exact_through_loss_duplication_reordering_and_corruption() {
    let data = pattern(1 << 20, 2);
    let outcome = transfer(Sim::two_hosts(&hostile_link(7), None), &data, secs(3600));
    assert_byte_exact(&outcome, &data);
    let sent = &outcome.client_sent;
    assert!(
        sent.get("FastRetransmission").copied().unwrap_or(0) > 0,
        "{sent:?}"
    );
    assert!(
        sent.get("RtoRetransmission").copied().unwrap_or(0) > 0,
        "{sent:?}"
    );
}

#[test]
fn ten_megabytes_arrive_byte_exact_through_the_same_faults() {
    let data = pattern(10 << 20, 3);
    let outcome = transfer(Sim::two_hosts(&hostile_link(11), None), &data, secs(36_000));
    assert_byte_exact(&outcome, &data);
}

/// A 10 Mbit/s bottleneck with a short queue: the sender fills it until the tail drops.
fn bottleneck(algorithm: Algorithm) -> SimConfig {
    let mut config = SimConfig {
        link: LinkConfig {
            delay: Duration::from_millis(20),
            bandwidth: Some(10_000_000),
            queue_limit: 30,
        },
        ..SimConfig::default()
    };
    config.tcp.congestion = algorithm;
    config.tcp.send_buffer = 256 * 1024;
    config.tcp.recv_buffer = 256 * 1024;
    config
}

#[test]
fn cubic_keeps_seventy_percent_of_the_window_when_a_bottleneck_queue_overflows() {
    let data = pattern(2 << 20, 5);
    let outcome = transfer(
        Sim::two_hosts(&bottleneck(Algorithm::Cubic), None),
        &data,
        secs(600),
    );
    assert_byte_exact(&outcome, &data);
    // The first loss: ssthresh becomes 0.7 of the window before it (RFC 9438 §4.6).
    let windows = &outcome.client_windows;
    let first_loss = windows
        .iter()
        .position(|(_, ssthresh)| *ssthresh != usize::MAX)
        .expect("a loss");
    let (cwnd_before, ssthresh) = (windows[first_loss - 1].0, windows[first_loss].1);
    let mss = 1448; // 1460 less 12 bytes of timestamps
    let expected = (cwnd_before as f64 / mss as f64 * 0.7 * mss as f64) as usize;
    assert!(
        ssthresh.abs_diff(expected) <= 1,
        "cwnd {cwnd_before} -> ssthresh {ssthresh}, expected {expected}"
    );
}

#[test]
fn newreno_halves_the_flight_when_the_same_bottleneck_overflows() {
    let data = pattern(2 << 20, 5);
    let outcome = transfer(
        Sim::two_hosts(&bottleneck(Algorithm::NewReno), None),
        &data,
        secs(600),
    );
    assert_byte_exact(&outcome, &data);
    let windows = &outcome.client_windows;
    let first_loss = windows
        .iter()
        .position(|(_, ssthresh)| *ssthresh != usize::MAX)
        .expect("a loss");
    let (cwnd_before, ssthresh) = (windows[first_loss - 1].0, windows[first_loss].1);
    assert!(
        ssthresh <= cwnd_before / 2 + 1448,
        "cwnd {cwnd_before} -> ssthresh {ssthresh}"
    );
}

#[test]
fn simultaneous_open_ends_established_on_both_sides() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    let a = sim
        .a
        .tcp_connect_from(sim.now, 5000, SocketAddrV4::new(ADDR_B, 6000));
    let b = sim
        .b
        .tcp_connect_from(sim.now, 6000, SocketAddrV4::new(ADDR_A, 5000));
    let done = sim.run_until(secs(10), |sim| {
        sim.a.tcp(a).unwrap().state() == State::Established
            && sim.b.tcp(b).unwrap().state() == State::Established
    });
    if !done {
        fail(&sim, "simultaneous open did not establish");
    }
    let states = |sim: &mut Sim, h: SocketHandle, on_a: bool| -> Vec<State> {
        let c = if on_a { sim.a.tcp(h) } else { sim.b.tcp(h) }.unwrap();
        std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::StateChanged { to, .. } => Some(to),
                _ => None,
            })
            .collect()
    };
    let expected = [State::SynSent, State::SynReceived, State::Established];
    assert_eq!(
        states(&mut sim, a, true),
        expected,
        "\n{}",
        sim.trace_text()
    );
    assert_eq!(states(&mut sim, b, false), expected);
}

#[test]
fn simultaneous_close_passes_through_closing_into_time_wait_on_both_sides() {
    let mut outcome_sim = Sim::two_hosts(&SimConfig::default(), None);
    let sim = &mut outcome_sim;
    sim.b.tcp_listen(80);
    let a = sim.a.tcp_connect(sim.now, SERVER);
    let mut b = None;
    sim.run_until(secs(5), |sim| {
        b = b.or_else(|| sim.b.tcp_accept(80));
        b.is_some() && sim.a.tcp(a).unwrap().state() == State::Established
    });
    let b = b.unwrap_or_else(|| fail(sim, "no connection accepted"));
    while sim.a.tcp(a).unwrap().poll_event().is_some() {}
    while sim.b.tcp(b).unwrap().poll_event().is_some() {}
    // Both close at the same instant: the FINs cross on the link.
    sim.a.tcp(a).unwrap().close();
    sim.b.tcp(b).unwrap().close();
    let done = sim.run_until(secs(10), |sim| {
        sim.a.tcp(a).unwrap().state() == State::TimeWait
            && sim.b.tcp(b).unwrap().state() == State::TimeWait
    });
    if !done {
        fail(
            sim,
            "simultaneous close did not reach TIME-WAIT on both sides",
        );
    }
    for c in [sim.a.tcp(a).unwrap(), sim.b.tcp(b).unwrap()] {
        let states: Vec<State> = std::iter::from_fn(|| c.poll_event())
            .filter_map(|e| match e {
                Event::StateChanged { to, .. } => Some(to),
                _ => None,
            })
            .collect();
        assert_eq!(states, [State::FinWait1, State::Closing, State::TimeWait]);
    }
}

/// Builds an Ethernet frame carrying a TCP segment, as an attacker on the link would.
fn forged_frame(src: SocketAddrV4, dst: SocketAddrV4, repr: &TcpRepr) -> Vec<u8> {
    let mut frame = Vec::new();
    EthernetRepr {
        src: MAC_A,
        dst: MAC_B,
        ethertype: EtherType::IPV4,
    }
    .emit(&mut frame);
    Ipv4Repr {
        src: *src.ip(),
        dst: *dst.ip(),
        protocol: IpProtocol::TCP,
        ttl: 64,
        payload_len: repr.header_len(),
        identification: 1,
        fragment: Fragment::WHOLE,
    }
    .emit(&mut frame);
    repr.emit(*src.ip(), *dst.ip(), &[], &mut frame);
    frame
}

#[test]
fn a_blind_reset_inside_the_window_is_answered_with_a_challenge_ack_and_ignored() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.tcp_listen(80);
    let a = sim.a.tcp_connect(sim.now, SERVER);
    let mut b = None;
    sim.run_until(secs(5), |sim| {
        b = b.or_else(|| sim.b.tcp_accept(80));
        b.is_some() && sim.a.tcp(a).unwrap().state() == State::Established
    });
    let b = b.unwrap_or_else(|| fail(&sim, "no connection accepted"));
    let client = sim.a.tcp(a).unwrap();
    let client_addr = client.local();
    let rcv_nxt = sim.b.tcp(b).unwrap().recv_sequence().nxt;
    while sim.b.tcp(b).unwrap().poll_event().is_some() {}
    // An off-path attacker guesses a sequence number inside B's window, but not RCV.NXT.
    let blind = TcpRepr {
        src_port: client_addr.port(),
        dst_port: 80,
        seq: rcv_nxt + 1000,
        control: Control::Rst,
        options: TcpOptions::NONE,
        ..TcpRepr::default()
    };
    let now = sim.now;
    sim.b
        .handle_frame(now, &forged_frame(client_addr, SERVER, &blind));
    sim.run_until(secs(6), |_| false);
    let events: Vec<Event> = std::iter::from_fn(|| sim.b.tcp(b).unwrap().poll_event()).collect();
    let challenge = events.iter().any(|e| {
        matches!(
            e,
            Event::SegmentSent {
                reason: SendReason::ChallengeAck,
                ..
            }
        )
    });
    assert!(
        challenge,
        "no challenge ACK: {events:?}\n{}",
        sim.trace_text()
    );
    assert_eq!(sim.b.tcp(b).unwrap().state(), State::Established);
    assert_eq!(
        sim.a.tcp(a).unwrap().state(),
        State::Established,
        "\n{}",
        sim.trace_text()
    );
}

#[test]
fn the_retransmission_limit_aborts_a_connection_whose_peer_went_silent() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.tcp_listen(80);
    let a = sim.a.tcp_connect(sim.now, SERVER);
    sim.run_until(secs(5), |sim| {
        sim.a.tcp(a).unwrap().state() == State::Established
    });
    sim.link_down = true;
    sim.a.tcp(a).unwrap().send(b"is anybody there?");
    sim.run_until(secs(3600), |sim| {
        sim.a.tcp(a).unwrap().state() == State::Closed
    });
    let c = sim.a.tcp(a).unwrap();
    assert_eq!(
        c.error(),
        Some(ConnectionError::TimedOut),
        "\n{}",
        sim.trace_text()
    );
    let retransmissions = std::iter::from_fn(|| c.poll_event())
        .filter(|e| {
            matches!(
                e,
                Event::SegmentSent {
                    reason: SendReason::RtoRetransmission,
                    ..
                }
            )
        })
        .count();
    assert_eq!(retransmissions as u32, c.config().max_retransmissions);
}

#[test]
fn a_zero_window_is_probed_and_the_transfer_resumes_when_the_reader_reads() {
    let mut config = SimConfig::default();
    config.tcp.recv_buffer = 8192;
    let mut sim = Sim::two_hosts(&config, None);
    sim.b.tcp_listen(80);
    let a = sim.a.tcp_connect(sim.now, SERVER);
    let data = pattern(50_000, 4);
    let (mut sent, mut received, mut b) = (0, Vec::new(), None);
    let mut probes = 0;
    let mut buf = [0u8; 4096];
    let done = sim.run_until(secs(120), |sim| {
        let now = sim.now;
        let c = sim.a.tcp(a).unwrap();
        sent += c.send(&data[sent..]);
        while let Some(e) = c.poll_event() {
            probes += usize::from(matches!(
                e,
                Event::SegmentSent {
                    reason: SendReason::WindowProbe,
                    ..
                }
            ));
        }
        b = b.or_else(|| sim.b.tcp_accept(80));
        let Some(s) = b.and_then(|h| sim.b.tcp(h)) else {
            return false;
        };
        // The reader sleeps for the first 10 seconds: B's window fills and closes.
        if now >= secs(10) {
            let n = s.recv(&mut buf);
            received.extend_from_slice(&buf[..n]);
        }
        received.len() == data.len()
    });
    if !done || received != data {
        fail(
            &sim,
            &format!("{} of {} bytes arrived", received.len(), data.len()),
        );
    }
    assert!(
        probes >= 2,
        "the persist timer sent {probes} probes\n{}",
        sim.trace_text()
    );
}

#[test]
fn a_syn_flood_holds_no_more_connections_than_the_syn_queue() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.tcp_listen(80);
    let limit = sim.b.config().syn_queue_limit;
    for i in 0..(limit as u16 * 4) {
        // Spoofed sources on the link that will never answer ARP.
        let spoofed = SocketAddrV4::new(Ipv4Addr::new(10, 0, 0, 100 + (i % 100) as u8), 1024 + i);
        let syn = TcpRepr {
            src_port: spoofed.port(),
            dst_port: 80,
            seq: SeqNumber(u32::from(i) * 1000),
            control: Control::Syn,
            window: 1024,
            ..TcpRepr::default()
        };
        let now = sim.now;
        sim.b
            .handle_frame(now, &forged_frame(spoofed, SERVER, &syn));
    }
    assert_eq!(sim.b.tcp_connections(), limit);
    assert_eq!(sim.b.listener(80).unwrap().syns_dropped, 3 * limit as u64);
    // The half-open connections give up after their SYN,ACK retransmissions; then a real
    // client gets in.
    sim.run_until(secs(3600), |sim| sim.b.tcp_connections() == 0);
    assert_eq!(sim.b.tcp_connections(), 0, "\n{}", sim.trace_text());
    let a = sim.a.tcp_connect(sim.now, SERVER);
    let deadline = sim.now + Duration::from_secs(5);
    assert!(sim.run_until(deadline, |sim| sim.a.tcp(a).unwrap().state()
        == State::Established));
}

#[test]
fn ping_udp_to_a_closed_port_and_tcp_to_a_closed_port_get_their_answers() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    let now = sim.now;
    sim.a.send_ping(now, ADDR_B, 7, 1, b"ping payload");
    sim.a.udp_bind(5353);
    sim.a
        .udp_send_to(now, 5353, SocketAddrV4::new(ADDR_B, 9999), b"anyone?");
    let c = sim.a.tcp_connect(now, SocketAddrV4::new(ADDR_B, 81));
    sim.run_until(secs(5), |sim| {
        sim.a.tcp(c).unwrap().state() == State::Closed
    });
    let events: Vec<IfaceEvent> = std::iter::from_fn(|| sim.a.poll_event()).collect();
    assert!(
        events.contains(&IfaceEvent::EchoReply {
            from: ADDR_B,
            ident: 7,
            seq: 1,
            len: 12
        }),
        "{events:?}"
    );
    assert!(
        events.contains(&IfaceEvent::Unreachable {
            from: ADDR_B,
            code: 3
        }),
        "{events:?}"
    );
    assert_eq!(
        sim.a.tcp(c).unwrap().error(),
        Some(ConnectionError::Refused),
        "\n{}",
        sim.trace_text()
    );
}

#[test]
fn a_udp_datagram_reaches_a_bound_socket_with_its_sender() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.udp_bind(7);
    let now = sim.now;
    sim.a.udp_bind(4000);
    sim.a
        .udp_send_to(now, 4000, SocketAddrV4::new(ADDR_B, 7), b"echo me");
    let mut got = None;
    sim.run_until(secs(5), |sim| {
        got = sim.b.udp_recv_from(7);
        got.is_some()
    });
    assert_eq!(
        got,
        Some((SocketAddrV4::new(ADDR_A, 4000), b"echo me".to_vec()))
    );
}

/// A UDP datagram of `payload` from A:4000 to B:9000, cut into IPv4 fragments of at most
/// 1480 bytes, each in its own Ethernet frame.
fn fragmented_udp(payload: &[u8]) -> Vec<Vec<u8>> {
    let mut datagram = Vec::new();
    UdpRepr {
        src_port: 4000,
        dst_port: 9000,
    }
    .emit(ADDR_A, ADDR_B, payload, &mut datagram);
    datagram
        .chunks(1480)
        .enumerate()
        .map(|(i, chunk)| {
            let offset = i * 1480;
            let mut frame = Vec::new();
            EthernetRepr {
                src: MAC_A,
                dst: MAC_B,
                ethertype: EtherType::IPV4,
            }
            .emit(&mut frame);
            let fragment = Fragment {
                offset,
                more: offset + chunk.len() < datagram.len(),
            };
            Ipv4Repr {
                src: ADDR_A,
                dst: ADDR_B,
                protocol: IpProtocol::UDP,
                ttl: 64,
                payload_len: chunk.len(),
                identification: 77,
                fragment,
            }
            .emit(&mut frame);
            frame.extend_from_slice(chunk);
            frame
        })
        .collect()
}

#[test]
fn fragments_arriving_in_reverse_order_are_reassembled_into_one_udp_datagram() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.udp_bind(9000);
    let payload = pattern(4000, 6);
    let frames = fragmented_udp(&payload);
    assert_eq!(frames.len(), 3);
    let now = sim.now;
    for frame in frames.iter().rev() {
        sim.b.handle_frame(now, frame);
    }
    assert_eq!(
        sim.b.udp_recv_from(9000),
        Some((SocketAddrV4::new(ADDR_A, 4000), payload))
    );
}

#[test]
fn a_datagram_missing_a_fragment_is_dropped_after_the_reassembly_timeout() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.udp_bind(9000);
    let frames = fragmented_udp(&pattern(4000, 6));
    let now = sim.now;
    sim.b.handle_frame(now, &frames[0]);
    sim.b.handle_frame(now, &frames[2]);
    sim.run_until(secs(60), |_| false);
    let events: Vec<IfaceEvent> = std::iter::from_fn(|| sim.b.poll_event()).collect();
    assert!(
        events.contains(&IfaceEvent::ReassemblyTimedOut { datagrams: 1 }),
        "{events:?}"
    );
    assert_eq!(sim.b.udp_recv_from(9000), None);
}

#[test]
fn a_gratuitous_arp_announces_our_own_address_to_everyone() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.a.announce();
    let frame = sim.a.poll_transmit(sim.now).expect("an ARP frame");
    let (eth, body) = EthernetRepr::parse(&frame).unwrap();
    assert_eq!(
        (eth.dst, eth.ethertype),
        (
            wirelab_stack::wire::EthernetAddress::BROADCAST,
            EtherType::ARP
        )
    );
    let arp = wirelab_stack::wire::ArpRepr::parse(body).unwrap();
    assert_eq!(
        (arp.sender_ip, arp.target_ip, arp.sender_mac),
        (ADDR_A, ADDR_A, MAC_A)
    );
}

/// 5 % of the frames lost each way and 1 % duplicated, on a 20 ms round trip: what
/// `stack_kernel`'s lossy download meets, on virtual time.
fn five_percent_loss(seed: u64) -> SimConfig {
    SimConfig {
        faults: Faults {
            loss: 0.05,
            duplicate: 0.01,
            ..Faults::default()
        },
        seed,
        ..SimConfig::default()
    }
}

#[test]
fn ten_megabytes_through_five_percent_loss_are_repaired_mostly_without_timeouts() {
    let data = pattern(10 << 20, 13);
    let outcome = transfer(
        Sim::two_hosts(&five_percent_loss(17), None),
        &data,
        secs(3600),
    );
    assert_byte_exact(&outcome, &data);
    let sent = &outcome.client_sent;
    let rto = sent.get("RtoRetransmission").copied().unwrap_or(0);
    let repaired_early: usize = [
        "FastRetransmission",
        "SackRetransmission",
        "EarlyRetransmission",
    ]
    .iter()
    .filter_map(|reason| sent.get(*reason))
    .sum();
    println!(
        "10 MB through 5 % loss: {} of virtual time, {rto} RTO and {repaired_early} fast, \
         SACK or early retransmissions",
        outcome.sim.now
    );
    // At most one timeout for every ten repairs made from duplicate ACKs and SACKs.
    assert!(rto * 10 < repaired_early, "{sent:?}");
}

/// The same on a 0.4 ms round trip, like `stack_kernel`'s namespaces: there a 200 ms
/// timeout costs hundreds of round trips, and the time is mostly the timeouts'.
#[test]
fn ten_megabytes_through_five_percent_loss_on_a_short_round_trip_wait_for_few_timeouts() {
    let data = pattern(10 << 20, 13);
    let mut config = five_percent_loss(17);
    config.link.delay = Duration::from_micros(200);
    let outcome = transfer(Sim::two_hosts(&config, None), &data, secs(3600));
    assert_byte_exact(&outcome, &data);
    let rto = outcome.client_sent.get("RtoRetransmission").copied();
    println!(
        "10 MB through 5 % loss, 0.4 ms round trip: {} of virtual time, {rto:?} RTO \
         retransmissions",
        outcome.sim.now
    );
    assert!(outcome.sim.now < secs(4), "{}", outcome.sim.now);
}
