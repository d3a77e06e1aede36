//! An echo exchange on the simulated link, printing what each TCP connection reports.
//!
//! ```text
//! cargo run --example stack_echo_sim
//! ```
//!
//! Host A (10.0.0.1) connects to an echo server on host B (10.0.0.2) port 7, sends two lines,
//! reads them back and closes; B closes when A has. Time is virtual: the 10 ms link delay
//! and the TIME-WAIT at the end take no real time. Each line is `time host event`; B's
//! first lines appear once its connection is accepted.

use std::net::SocketAddrV4;
use wirelab_stack::sim::{Sim, SimConfig, ADDR_B};
use wirelab_stack::tcp::State;
use wirelab_stack::Instant;

fn main() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    sim.b.tcp_listen(7);
    let client = sim.a.tcp_connect(sim.now, SocketAddrV4::new(ADDR_B, 7));
    let mut server = None;
    let message: &[u8] = b"hello, echo\nsecond line\n";
    let mut unsent = message;
    let mut echoed = Vec::new();
    let mut buf = [0u8; 1500];

    sim.run_until(Instant::from_millis(10_000), |sim| {
        // The client writes, reads the echo back, and closes once everything came back.
        let c = sim.a.tcp(client).expect("the client connection");
        let n = c.send(unsent);
        unsent = &unsent[n..];
        let n = c.recv(&mut buf);
        echoed.extend_from_slice(&buf[..n]);
        if echoed.len() == message.len() && c.state() == State::Established {
            c.close();
        }
        while let Some((at, event)) = c.poll_timed_event() {
            println!("{at} A    {event}");
        }
        let client_closed = c.state() == State::Closed;

        // The server echoes what arrives (its send buffer is far larger than these lines)
        // and closes when the client has.
        server = server.or_else(|| sim.b.tcp_accept(7));
        if let Some(s) = server.and_then(|handle| sim.b.tcp(handle)) {
            let n = s.recv(&mut buf);
            s.send(&buf[..n]);
            if s.state() == State::CloseWait {
                s.close();
            }
            while let Some((at, event)) = s.poll_timed_event() {
                println!("{at}   B  {event}");
            }
        }
        // Done when the client's TIME-WAIT (2 x MSL, 1 s here) is over.
        client_closed
    });
    println!("echoed back: {:?}", String::from_utf8_lossy(&echoed));
}
