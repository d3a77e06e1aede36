//! The engine: a poll loop that drives the stack and hands bytes to applications.
//!
//! Apache Traffic Server, HAProxy and Netty share one shape, and this module teaches it:
//!
//! ```text
//!   driver loop (real clock: run_device; virtual clock: sim::Sim::run_until)
//!     │ frames in/out, timers
//!     ▼
//!   iface::Interface ── tcp::Connection ──┐
//!                                         │ Engine::service(iface, now)
//!   Stream: input buffer ◄── recv ────────┤   moves bytes between each connection and
//!           output buffer ── send ───────►┘   its two buffers, then calls the handler
//!     │
//!     ▼  callbacks, one socket's in order, never two at once
//!   Handler: connected · readable · writable · peer_closed · closed
//! ```
//!
//! An acceptor (a closure per listening port) makes a handler for every new connection.
//! Because every stream has an output buffer of its own, a handler writes whole messages
//! and never sees a partial send: the engine feeds the connection's send buffer as it
//! drains (RFC 9293 §3.10.2 lets SEND take less than offered). [`apps`] has echo, discard
//! and chargen; [`http`] a small HTTP/1.1 server and client.
//!
//! Unlike the stack, the engine may do I/O: the HTTP server reads files and
//! [`run_device`] reads the clock.

pub mod apps;
pub mod http;
mod stream;

pub use stream::Io;

use crate::iface::{Interface, SocketHandle};
use crate::tcp::{Connection, ConnectionError, State};
use crate::Instant;
use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddrV4;
use std::time::Duration;
use stream::Stream;
use wirelab_capture::FrameDevice;

/// What an application does with one connection. The engine calls these in order for one
/// connection and never two at a time; each gets the connection's buffers.
pub trait Handler {
    /// The handshake finished (for an accepted connection: before the first `readable`).
    fn connected(&mut self, _io: &mut Io<'_>) {}
    /// New bytes are in `io.input` (the handler consumes what it can use).
    fn readable(&mut self, io: &mut Io<'_>);
    /// The output buffer is below [`LOW_WATER`]: room to produce more (chargen, a file).
    fn writable(&mut self, _io: &mut Io<'_>) {}
    /// The peer sent its FIN and all its bytes have been read: no more input will come.
    /// By default the handler closes its side too.
    fn peer_closed(&mut self, io: &mut Io<'_>) {
        io.close();
    }
    /// The connection is over: orderly (`None`) or not.
    fn closed(&mut self, _error: Option<ConnectionError>) {}
}

/// Output buffered below this many bytes makes the engine ask the handler for more.
pub const LOW_WATER: usize = 256 * 1024;

/// Makes the handler of each connection accepted on a port (given the peer's address).
pub type Acceptor = Box<dyn FnMut(SocketAddrV4) -> Box<dyn Handler>>;

/// Sees a connection (see [`Engine::observer`]).
pub type Observer = Box<dyn FnMut(&mut Connection)>;

/// The connections and listening ports of one interface, each with its application.
#[derive(Default)]
pub struct Engine {
    /// By port, so connections are accepted in the same order on every run.
    acceptors: BTreeMap<u16, Acceptor>,
    streams: Vec<Stream>,
    /// Connections whose application is done but which are still in TIME-WAIT or LAST-ACK:
    /// removed from the interface once CLOSED.
    lingering: Vec<SocketHandle>,
    scratch: Vec<u8>,
    /// Connections whose `closed` has been called.
    pub finished: u64,
    /// Sees every connection the engine holds before it may be forgotten: a driver that
    /// traces drains its events here (`Connection::poll_timed_event`).
    pub observer: Option<Observer>,
}

impl Engine {
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Passive OPEN on `port`; `acceptor` makes a handler for every connection.
    pub fn listen(&mut self, iface: &mut Interface, port: u16, acceptor: Acceptor) {
        iface.tcp_listen(port);
        self.acceptors.insert(port, acceptor);
    }

    /// Active OPEN to `remote`, with `handler` for the connection.
    pub fn connect(
        &mut self,
        iface: &mut Interface,
        now: Instant,
        remote: SocketAddrV4,
        handler: Box<dyn Handler>,
    ) {
        let handle = iface.tcp_connect(now, remote);
        self.streams.push(Stream::new(handle, handler));
    }

    /// Active OPEN from a chosen local port. A driver on a real network picks it at random:
    /// a program that starts again from the same port meets its last connection still in
    /// TIME-WAIT at the peer, which then answers the new SYN with an ACK of the old one
    /// (RFC 9293 §3.10.7.4) instead of a SYN-ACK.
    pub fn connect_from(
        &mut self,
        iface: &mut Interface,
        now: Instant,
        local_port: u16,
        remote: SocketAddrV4,
        handler: Box<dyn Handler>,
    ) {
        let handle = iface.tcp_connect_from(now, local_port, remote);
        self.streams.push(Stream::new(handle, handler));
    }

    /// Connections an application still holds.
    pub fn active(&self) -> usize {
        self.streams.len()
    }

    /// Accepts new connections, moves bytes and calls the handlers. Returns whether any
    /// handler was called (a driver may then poll the interface again before sleeping).
    pub fn service(&mut self, iface: &mut Interface) -> bool {
        let mut progress = false;
        for (&port, acceptor) in self.acceptors.iter_mut() {
            while let Some(handle) = iface.tcp_accept(port) {
                let Some(remote) = iface.tcp(handle).map(|c| c.remote()) else {
                    continue;
                };
                self.streams.push(Stream::new(handle, acceptor(remote)));
                progress = true;
            }
        }
        // Before each stream's service, which throws away the events left in its connection.
        self.observe(iface);
        if self.scratch.len() < 64 * 1024 {
            self.scratch.resize(64 * 1024, 0);
        }
        let mut index = 0;
        while index < self.streams.len() {
            let stream = &mut self.streams[index];
            let outcome = stream.service(iface, &mut self.scratch);
            progress |= outcome.progress;
            if outcome.finished {
                let stream = self.streams.swap_remove(index);
                self.finished += 1;
                self.lingering.push(stream.handle());
            } else {
                index += 1;
            }
        }
        // And after: what the handlers' calls caused, before a CLOSED connection is forgotten.
        self.observe(iface);
        self.lingering.retain(|&handle| match iface.tcp(handle) {
            Some(c) if c.state() != State::Closed => true,
            _ => {
                iface.tcp_remove(handle);
                false
            }
        });
        progress
    }

    /// Shows the [`observer`](Engine::observer) every connection of the applications and
    /// every lingering one.
    pub fn observe(&mut self, iface: &mut Interface) {
        let Some(observer) = self.observer.as_mut() else {
            return;
        };
        let streams = self.streams.iter().map(Stream::handle);
        for handle in streams.chain(self.lingering.iter().copied()) {
            if let Some(connection) = iface.tcp(handle) {
                observer(connection);
            }
        }
    }
}

/// How [`run_device`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// `done` returned true.
    Done,
    /// The time limit passed first.
    TimedOut,
}

/// The stack and the engine on a real device and the real clock, until `done` says so
/// (asked after every wake-up, at least every 20 ms) or `limit` passes.
///
/// ```text
/// loop {
///     engine.service(iface)                       applications read and write
///     device.send(iface.poll_transmit(now))       every frame that is ready
///     device.wait(until the next timer, ≤ 20 ms)  poll(2)
///     iface.handle_frame(now, device.recv())      every frame that came
///     iface.handle_timeout(now)                   if a timer is due
/// }
/// ```
pub fn run_device<D: FrameDevice>(
    iface: &mut Interface,
    device: &mut D,
    engine: &mut Engine,
    clock: &Clock,
    limit: Option<Duration>,
    mut done: impl FnMut(&mut Interface, &mut Engine, Instant) -> bool,
) -> io::Result<RunEnd> {
    let deadline = limit.map(|l| clock.now() + l);
    let mut buf = vec![0u8; wirelab_capture::tap::MAX_TAP_FRAME];
    loop {
        let now = clock.now();
        if done(iface, engine, now) {
            return Ok(RunEnd::Done);
        }
        if deadline.is_some_and(|d| now >= d) {
            return Ok(RunEnd::TimedOut);
        }
        engine.service(iface);
        while let Some(frame) = iface.poll_transmit(now) {
            device.send(&frame)?;
        }
        let timeout = match iface.poll_timeout() {
            Some(at) => at.saturating_since(now).min(Duration::from_millis(20)),
            None => Duration::from_millis(20),
        };
        device.wait(Some(timeout))?;
        let mut received = 0usize;
        while let Some(len) = device.recv(&mut buf)? {
            iface.handle_frame(clock.now(), buf.get(..len).unwrap_or_default());
            received += 1;
            // Let the applications and the stack's output run between long bursts, so that
            // ACKs go out while the kernel keeps sending.
            if received.is_multiple_of(64) {
                engine.service(iface);
                let now = clock.now();
                while let Some(frame) = iface.poll_transmit(now) {
                    device.send(&frame)?;
                }
            }
        }
        let now = clock.now();
        if iface.poll_timeout().is_some_and(|at| at <= now) {
            iface.handle_timeout(now);
        }
    }
}

/// The real clock as the stack sees it: microseconds since the clock was made.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    start: std::time::Instant,
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new()
    }
}

impl Clock {
    pub fn new() -> Clock {
        Clock {
            start: std::time::Instant::now(),
        }
    }

    pub fn now(&self) -> Instant {
        Instant::from_micros(u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests;
