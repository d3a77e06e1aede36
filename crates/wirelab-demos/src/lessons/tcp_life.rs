//! The life of a connection: opening (three-way, simultaneous), closing (active, passive,
//! simultaneous, TIME-WAIT), resetting.

use crate::run::{Run, Setup};
use crate::{Host, Lesson, Params};
use std::net::SocketAddrV4;
use wirelab_stack::iface::SocketHandle;
use wirelab_stack::sim::{Sim, ADDR_A, ADDR_B};
use wirelab_stack::tcp::{ConnectionError, State};
use wirelab_stack::Duration;

/// Long enough for anything a lesson waits for, short enough that a broken lesson ends.
const PATIENCE: Duration = Duration::from_secs(30);

fn state(sim: &mut Sim, host: Host, handle: SocketHandle) -> Option<State> {
    let iface = match host {
        Host::A => &mut sim.a,
        Host::B => &mut sim.b,
    };
    iface.tcp(handle).map(|c| c.state())
}

/// A connects to B:`port` (B listens); returns both ends once ESTABLISHED.
pub(super) fn open(run: &mut Run, port: u16) -> Option<(SocketHandle, SocketHandle)> {
    run.sim.b.tcp_listen(port);
    let now = run.sim.now;
    let client = run.sim.a.tcp_connect(now, SocketAddrV4::new(ADDR_B, port));
    run.watch(Host::A, client);
    let mut server = None;
    run.run(PATIENCE, |sim, watched| {
        if server.is_none() {
            server = sim.b.tcp_accept(port);
            if let Some(s) = server {
                watched.push((Host::B, s));
            }
        }
        server.is_some() && state(sim, Host::A, client) == Some(State::Established)
    });
    Some((client, server?))
}

pub fn handshake(params: &Params) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    let opened = open(&mut run, 80);
    run.idle(Duration::from_millis(100));
    let summary = if opened.is_some() {
        "Three segments, and both sides are ESTABLISHED: each has chosen an initial sequence \
         number and seen the other's acknowledged. The options of the two SYNs decide the MSS, \
         whether windows are scaled, and whether SACK and timestamps are used for the whole \
         connection (RFC 9293 §3.5, RFC 7323, RFC 2018)."
    } else {
        "The handshake did not complete within 30 s of virtual time: with this much loss, \
         the SYN retransmissions (RFC 6298 §5) did not get through."
    };
    Lesson {
        keylog: None,
        name: "tcp-handshake",
        title: "The three-way handshake",
        intro: "B listens on port 80; A connects. Before the first SYN, A must learn B's \
                Ethernet address with ARP. Watch the sequence numbers: each SYN takes one, so \
                each ACK is the other side's ISN + 1 (Wireshark shows relative numbers; these \
                are the absolute ones). RFC 9293 §3.5, Figure 6."
            .to_string(),
        steps: run.into_steps(),
        summary: summary.to_string(),
    }
}

pub fn simultaneous_open(params: &Params) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    let now = run.sim.now;
    let a = run
        .sim
        .a
        .tcp_connect_from(now, 5000, SocketAddrV4::new(ADDR_B, 6000));
    let b = run
        .sim
        .b
        .tcp_connect_from(now, 6000, SocketAddrV4::new(ADDR_A, 5000));
    run.watch(Host::A, a);
    run.watch(Host::B, b);
    let done = run.run(PATIENCE, |sim, _| {
        state(sim, Host::A, a) == Some(State::Established)
            && state(sim, Host::B, b) == Some(State::Established)
    });
    run.idle(Duration::from_millis(100));
    Lesson {
        keylog: None,
        name: "tcp-simultaneous-open",
        title: "A simultaneous open",
        intro: "A (port 5000) and B (port 6000) both open actively, towards each other, at the \
                same instant: neither listens. Their SYNs cross on the link; each side goes \
                from SYN-SENT to SYN-RECEIVED on the other's SYN, answers with SYN-ACK, and \
                becomes ESTABLISHED when its own SYN is acknowledged. One connection, not two \
                (RFC 9293 §3.5, Figure 8)."
            .to_string(),
        steps: run.into_steps(),
        summary: if done {
            "Four segments instead of three: two SYNs and two SYN-ACKs. Rare in practice, \
             but TCP was designed for it, and peer-to-peer NAT traversal relies on it."
        } else {
            "The simultaneous open did not complete within 30 s of virtual time."
        }
        .to_string(),
    }
}

pub fn close(params: &Params) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    let mut finished = 0;
    // Active (A) and passive (B) close, and TIME-WAIT running out.
    if let Some((client, server)) = open(&mut run, 80) {
        if let Some(c) = run.sim.a.tcp(client) {
            c.close();
        }
        let done = run.run(PATIENCE, |sim, _| {
            if state(sim, Host::B, server) == Some(State::CloseWait) {
                if let Some(s) = sim.b.tcp(server) {
                    s.close();
                }
            }
            state(sim, Host::A, client) == Some(State::Closed)
                && state(sim, Host::B, server) == Some(State::Closed)
        });
        finished += usize::from(done);
    }
    // Both close at the same instant.
    if let Some((client, server)) = open(&mut run, 81) {
        run.idle(Duration::from_millis(200));
        for (iface, handle) in [(&mut run.sim.a, client), (&mut run.sim.b, server)] {
            if let Some(c) = iface.tcp(handle) {
                c.close();
            }
        }
        let done = run.run(PATIENCE, |sim, _| {
            state(sim, Host::A, client) == Some(State::Closed)
                && state(sim, Host::B, server) == Some(State::Closed)
        });
        finished += usize::from(done);
    }
    Lesson {
        keylog: None,
        name: "tcp-close",
        title: "Closing a connection",
        intro: "Two connections. On the first (port 80), A closes first (the active close) and \
                B's application closes when it sees the end of the stream (the passive close): \
                FIN, ACK, FIN, ACK, and A waits in TIME-WAIT for 2×MSL (MSL is 1 s in the \
                simulation, 2 minutes in RFC 9293 §3.4.2). On the second (port 81), both close \
                at the same instant: their FINs cross and both go through CLOSING and \
                TIME-WAIT (RFC 9293 §3.6, Figures 12 and 13)."
            .to_string(),
        steps: run.into_steps(),
        summary: format!(
            "{finished} of 2 connections closed completely. The side that closes first pays \
             with TIME-WAIT: its port pair stays reserved for 2×MSL, which is why busy \
             clients, not servers, should close first."
        ),
    }
}

pub fn reset(params: &Params) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    // A SYN to a port where nobody listens.
    let now = run.sim.now;
    let refused = run.sim.a.tcp_connect(now, SocketAddrV4::new(ADDR_B, 81));
    run.watch(Host::A, refused);
    run.run(PATIENCE, |sim, _| {
        sim.a.tcp(refused).is_none_or(|c| c.is_closed())
    });
    let refused_error = run.sim.a.tcp(refused).and_then(|c| c.error());
    // An established connection that the client's application aborts.
    let mut reset_error = None;
    if let Some((client, server)) = open(&mut run, 80) {
        run.idle(Duration::from_millis(100));
        if let Some(c) = run.sim.a.tcp(client) {
            c.abort();
        }
        run.run(PATIENCE, |sim, _| {
            sim.b.tcp(server).is_none_or(|s| s.is_closed())
        });
        reset_error = run.sim.b.tcp(server).and_then(|s| s.error());
    }
    let told = |e: Option<ConnectionError>| match e {
        Some(e) => e.to_string(),
        None => "nothing".to_string(),
    };
    Lesson {
        keylog: None,
        name: "tcp-reset",
        title: "Resets",
        intro: "First A connects to port 81 of B, where nobody listens: B's stack answers the \
                SYN with a RST that acknowledges it, and A's connect fails with \"connection \
                refused\" (RFC 9293 §3.10.7.1, §3.10.7.3). Then A connects to port 80, and \
                its application aborts the connection: A sends RST and forgets the connection \
                at once, without FIN or TIME-WAIT; B's application is told \"connection \
                reset\" (RFC 9293 §3.10.5)."
            .to_string(),
        steps: run.into_steps(),
        summary: format!(
            "A's first connect was told: {}. B's application on the second connection was \
             told: {}. A RST is accepted only if its sequence number is exactly RCV.NXT; \
             one merely in the window gets a challenge ACK instead (RFC 5961 §3.2).",
            told(refused_error),
            told(reset_error)
        ),
    }
}
