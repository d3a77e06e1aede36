//! Two hosts on an in-memory Ethernet link, driven in one loop on virtual time: wirelab's
//! [`Interface`] or smoltcp's (`Interface` + `tcp::Socket` over a `phy::Device` that is a
//! frame queue), in any pairing. Shared by `tests/smoltcp_interop.rs` and
//! `examples/bench_stack.rs` (which includes this file with `#[path]`).
//!
//! ```text
//!   host A ──poll──> frames ──[drop with probability p, seeded]──> host B's inbox
//!          <───────────────── the same, the other way ───────────
//! ```
//!
//! Time is a count of microseconds that both stacks read as their own `Instant`; it jumps to
//! the earlier wake-up of the two hosts when no frame moves, so a retransmission timeout costs
//! no wall-clock time.
// Each includer uses a different part of this file.
#![allow(dead_code)]

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use smoltcp::iface::{Config as SmolConfig, Interface as SmolInterface, SocketHandle, SocketSet};
use smoltcp::phy::{Device, DeviceCapabilities, Medium};
use smoltcp::socket::tcp as smol_tcp;
use smoltcp::time::{Duration as SmolDuration, Instant as SmolInstant};
use smoltcp::wire::{EthernetAddress as SmolEthernetAddress, HardwareAddress, IpCidr};
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};
use wirelab_stack::iface::{Interface, InterfaceConfig, SocketHandle as OurHandle};
use wirelab_stack::tcp::{self, State};
use wirelab_stack::wire::{summarize_frame, EthernetAddress};
use wirelab_stack::{Duration, Instant};

pub const ADDR_A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const ADDR_B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
pub const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
pub const SERVER_PORT: u16 = 5001;
pub const CLIENT_PORT: u16 = 49152;

/// What both stacks are given, so that they compare like with like.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Send and receive buffer of each TCP socket, in bytes.
    pub buffer: usize,
    /// Largest TCP payload. smoltcp derives its MSS from the MTU (1500 − 40 = 1460).
    pub mss: usize,
    /// Delayed ACK timeout.
    pub ack_delay: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            buffer: 64 * 1024,
            mss: 1460,
            ack_delay: Duration::from_millis(10),
        }
    }
}

/// One end: a stack with one TCP socket, seen the same way whatever the stack.
pub trait Host {
    fn stack(&self) -> &'static str;
    /// A frame arrives from the link.
    fn deliver(&mut self, now: u64, frame: Vec<u8>);
    /// Process what arrived and what timers are due; frames to send go to `out`.
    fn poll(&mut self, now: u64, out: &mut Vec<Vec<u8>>);
    /// When the host next wants to be polled without new input (µs).
    fn poll_at(&mut self, now: u64) -> Option<u64>;
    fn connect(&mut self, now: u64, remote: SocketAddrV4);
    fn listen(&mut self, port: u16);
    /// Queues what fits; 0 before the connection is established.
    fn send(&mut self, data: &[u8]) -> usize;
    fn recv(&mut self, buf: &mut [u8]) -> usize;
    fn close(&mut self);
    /// The peer's FIN arrived and every byte before it has been read.
    fn peer_finished(&mut self) -> bool;
    /// CLOSED or TIME-WAIT: nothing left to send or to wait for but 2×MSL.
    fn done(&mut self) -> bool;
    fn state_text(&mut self) -> String;
}

// ---- wirelab ---------------------------------------------------------------------------

pub struct OurHost {
    iface: Interface,
    socket: Option<OurHandle>,
    listening: Option<u16>,
}

impl OurHost {
    pub fn new(mac: [u8; 6], ip: Ipv4Addr, settings: &Settings) -> OurHost {
        let mut config = InterfaceConfig::new(EthernetAddress(mac), ip, 24);
        config.tcp = tcp::Config {
            mss: settings.mss,
            send_buffer: settings.buffer,
            recv_buffer: settings.buffer,
            delayed_ack: Some(settings.ack_delay),
            min_rto: Duration::from_millis(200),
            msl: Duration::from_secs(1),
            events: false,
            isn_secret: [mac[5]; 16],
            ..tcp::Config::default()
        };
        OurHost {
            iface: Interface::new(config),
            socket: None,
            listening: None,
        }
    }

    fn connection(&mut self) -> Option<&mut tcp::Connection> {
        if self.socket.is_none() {
            if let Some(port) = self.listening {
                self.socket = self.iface.tcp_accept(port);
            }
        }
        let handle = self.socket?;
        self.iface.tcp(handle)
    }
}

impl Host for OurHost {
    fn stack(&self) -> &'static str {
        "wirelab"
    }

    fn deliver(&mut self, now: u64, frame: Vec<u8>) {
        self.iface.handle_frame(Instant::from_micros(now), &frame);
    }

    fn poll(&mut self, now: u64, out: &mut Vec<Vec<u8>>) {
        let now = Instant::from_micros(now);
        if self.iface.poll_timeout().is_some_and(|at| at <= now) {
            self.iface.handle_timeout(now);
        }
        while let Some(frame) = self.iface.poll_transmit(now) {
            out.push(frame);
        }
    }

    fn poll_at(&mut self, _now: u64) -> Option<u64> {
        self.iface.poll_timeout().map(|at| at.total_micros())
    }

    fn connect(&mut self, now: u64, remote: SocketAddrV4) {
        let handle = self
            .iface
            .tcp_connect_from(Instant::from_micros(now), CLIENT_PORT, remote);
        self.socket = Some(handle);
    }

    fn listen(&mut self, port: u16) {
        self.iface.tcp_listen(port);
        self.listening = Some(port);
    }

    fn send(&mut self, data: &[u8]) -> usize {
        self.connection().map_or(0, |c| c.send(data))
    }

    fn recv(&mut self, buf: &mut [u8]) -> usize {
        self.connection().map_or(0, |c| c.recv(buf))
    }

    fn close(&mut self) {
        if let Some(c) = self.connection() {
            c.close();
        }
    }

    fn peer_finished(&mut self) -> bool {
        self.connection().is_some_and(|c| c.peer_closed())
    }

    fn done(&mut self) -> bool {
        self.connection()
            .is_some_and(|c| matches!(c.state(), State::Closed | State::TimeWait))
    }

    fn state_text(&mut self) -> String {
        match self.connection() {
            Some(c) => format!(
                "{:?}, {} bytes unread, {} bytes unacknowledged",
                c.state(),
                c.recv_queue(),
                c.send_queue()
            ),
            None => "no connection yet".to_string(),
        }
    }
}

// ---- smoltcp ---------------------------------------------------------------------------

/// smoltcp's side of the link: frames in and out, nothing else.
pub struct QueueDevice {
    pub inbox: VecDeque<Vec<u8>>,
    pub outbox: Vec<Vec<u8>>,
}

pub struct QueueRxToken(Vec<u8>);
pub struct QueueTxToken<'a>(&'a mut Vec<Vec<u8>>);

impl smoltcp::phy::RxToken for QueueRxToken {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl smoltcp::phy::TxToken for QueueTxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut frame = vec![0; len];
        let result = f(&mut frame);
        self.0.push(frame);
        result
    }
}

impl Device for QueueDevice {
    type RxToken<'a> = QueueRxToken;
    type TxToken<'a> = QueueTxToken<'a>;

    fn receive(&mut self, _now: SmolInstant) -> Option<(QueueRxToken, QueueTxToken<'_>)> {
        let frame = self.inbox.pop_front()?;
        Some((QueueRxToken(frame), QueueTxToken(&mut self.outbox)))
    }

    fn transmit(&mut self, _now: SmolInstant) -> Option<QueueTxToken<'_>> {
        Some(QueueTxToken(&mut self.outbox))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        // Ethernet header included: 1500 bytes of IP.
        caps.max_transmission_unit = 1514;
        caps
    }
}

pub struct SmolHost {
    iface: SmolInterface,
    device: QueueDevice,
    sockets: SocketSet<'static>,
    socket: SocketHandle,
    finished: bool,
}

fn smol_instant(now: u64) -> SmolInstant {
    SmolInstant::from_micros(i64::try_from(now).unwrap_or(i64::MAX))
}

/// smoltcp sends RFC 7323 timestamps only when given a clock for TSval; wirelab always offers
/// them. Giving smoltcp one too puts the same 12 option bytes in every segment of both stacks,
/// so that they carry the same payload per frame. Any increasing count is a valid TSval clock
/// (RFC 7323 §5.4).
fn smoltcp_timestamp_clock() -> u32 {
    static CLOCK: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    CLOCK.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl SmolHost {
    pub fn new(mac: [u8; 6], ip: Ipv4Addr, settings: &Settings) -> SmolHost {
        let mut device = QueueDevice {
            inbox: VecDeque::new(),
            outbox: Vec::new(),
        };
        let mut config = SmolConfig::new(HardwareAddress::Ethernet(SmolEthernetAddress(mac)));
        config.random_seed = u64::from(mac[5]);
        let mut iface = SmolInterface::new(config, &mut device, SmolInstant::ZERO);
        iface.update_ip_addrs(|addrs| {
            addrs
                .push(IpCidr::new(ip.into(), 24))
                .expect("one address fits");
        });
        let mut socket = smol_tcp::Socket::new(
            smol_tcp::SocketBuffer::new(vec![0; settings.buffer]),
            smol_tcp::SocketBuffer::new(vec![0; settings.buffer]),
        );
        let ack_delay = u64::try_from(settings.ack_delay.as_millis()).unwrap_or(u64::MAX);
        socket.set_ack_delay(Some(SmolDuration::from_millis(ack_delay)));
        socket.set_tsval_generator(Some(smoltcp_timestamp_clock));
        let mut sockets = SocketSet::new(Vec::new());
        let socket = sockets.add(socket);
        SmolHost {
            iface,
            device,
            sockets,
            socket,
            finished: false,
        }
    }

    fn socket(&mut self) -> &mut smol_tcp::Socket<'static> {
        self.sockets.get_mut::<smol_tcp::Socket>(self.socket)
    }
}

impl Host for SmolHost {
    fn stack(&self) -> &'static str {
        "smoltcp"
    }

    fn deliver(&mut self, _now: u64, frame: Vec<u8>) {
        self.device.inbox.push_back(frame);
    }

    fn poll(&mut self, now: u64, out: &mut Vec<Vec<u8>>) {
        self.iface
            .poll(smol_instant(now), &mut self.device, &mut self.sockets);
        out.append(&mut self.device.outbox);
    }

    fn poll_at(&mut self, now: u64) -> Option<u64> {
        self.iface
            .poll_at(smol_instant(now), &self.sockets)
            .map(|at| u64::try_from(at.total_micros()).unwrap_or(0))
    }

    fn connect(&mut self, _now: u64, remote: SocketAddrV4) {
        let handle = self.socket;
        let socket = self.sockets.get_mut::<smol_tcp::Socket>(handle);
        socket
            .connect(
                self.iface.context(),
                (smoltcp::wire::IpAddress::from(*remote.ip()), remote.port()),
                CLIENT_PORT,
            )
            .expect("smoltcp connects from a fresh socket");
    }

    fn listen(&mut self, port: u16) {
        self.socket()
            .listen(port)
            .expect("smoltcp listens on a fresh socket");
    }

    fn send(&mut self, data: &[u8]) -> usize {
        self.socket().send_slice(data).unwrap_or(0)
    }

    fn recv(&mut self, buf: &mut [u8]) -> usize {
        match self.socket().recv_slice(buf) {
            Ok(n) => n,
            Err(smol_tcp::RecvError::Finished) => {
                self.finished = true;
                0
            }
            Err(smol_tcp::RecvError::InvalidState) => 0,
        }
    }

    fn close(&mut self) {
        self.socket().close();
    }

    fn peer_finished(&mut self) -> bool {
        self.finished
    }

    fn done(&mut self) -> bool {
        matches!(
            self.socket().state(),
            smol_tcp::State::Closed | smol_tcp::State::TimeWait
        )
    }

    fn state_text(&mut self) -> String {
        let socket = self.socket();
        format!(
            "{}, {} bytes unread, {} bytes unsent or unacknowledged",
            socket.state(),
            socket.recv_queue(),
            socket.send_queue()
        )
    }
}

// ---- the link and the loop -------------------------------------------------------------

/// Frames kept for the trace a failing test prints.
const TRACE_FRAMES: usize = 40;

/// A frame as the link saw it.
struct Seen {
    at_micros: u64,
    /// 'A' or 'B'.
    from: char,
    frame: Vec<u8>,
    dropped: bool,
}

pub struct Link {
    loss: f64,
    rng: ChaCha8Rng,
    /// The last frames, when tracing.
    trace: Option<VecDeque<Seen>>,
    pub frames: u64,
    pub dropped: u64,
}

impl Link {
    pub fn new(loss: f64, seed: u64, trace: bool) -> Link {
        Link {
            loss,
            rng: ChaCha8Rng::seed_from_u64(seed),
            trace: trace.then(VecDeque::new),
            frames: 0,
            dropped: 0,
        }
    }

    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// Whether this frame crosses (false: the link drops it).
    fn carries(&mut self, now: u64, from: char, frame: &[u8]) -> bool {
        self.frames += 1;
        let lost = self.loss > 0.0 && (self.rng.next_u32() as f64) < self.loss * 4_294_967_296.0;
        if lost {
            self.dropped += 1;
        }
        if let Some(trace) = &mut self.trace {
            if trace.len() == TRACE_FRAMES {
                trace.pop_front();
            }
            trace.push_back(Seen {
                at_micros: now,
                from,
                frame: frame.to_vec(),
                dropped: lost,
            });
        }
        !lost
    }

    /// The last frames, one line each, summarized by wirelab's dissector.
    pub fn trace_text(&self) -> String {
        let Some(trace) = &self.trace else {
            return "(no trace kept)\n".to_string();
        };
        let mut text = String::new();
        for seen in trace {
            text.push_str(&format!(
                "{} {} {}{}\n",
                Instant::from_micros(seen.at_micros),
                seen.from,
                summarize_frame(&seen.frame),
                if seen.dropped { "  [dropped]" } else { "" }
            ));
        }
        text
    }
}

/// Host A and host B joined by a link.
pub struct Pair<A: Host, B: Host> {
    pub now: u64,
    pub a: A,
    pub b: B,
    pub link: Link,
    out: Vec<Vec<u8>>,
}

impl<A: Host, B: Host> Pair<A, B> {
    pub fn new(a: A, b: B, link: Link) -> Pair<A, B> {
        Pair {
            now: 0,
            a,
            b,
            link,
            out: Vec::new(),
        }
    }

    /// Polls both hosts and carries frames until none moves. Returns whether any did.
    pub fn exchange(&mut self) -> bool {
        let mut any = false;
        loop {
            let mut moved = false;
            self.a.poll(self.now, &mut self.out);
            for frame in self.out.drain(..) {
                moved = true;
                if self.link.carries(self.now, 'A', &frame) {
                    self.b.deliver(self.now, frame);
                }
            }
            self.b.poll(self.now, &mut self.out);
            for frame in self.out.drain(..) {
                moved = true;
                if self.link.carries(self.now, 'B', &frame) {
                    self.a.deliver(self.now, frame);
                }
            }
            if !moved {
                return any;
            }
            any = true;
        }
    }

    /// Jumps to the next wake-up of either host, if there is one before `deadline` (µs).
    pub fn advance(&mut self, deadline: u64) -> bool {
        let next = [self.a.poll_at(self.now), self.b.poll_at(self.now)]
            .into_iter()
            .flatten()
            .min();
        match next {
            // A host that wants to be polled "now" although nothing moved (smoltcp does this
            // while it waits for ARP): let a microsecond pass so that time cannot stall.
            Some(at) if at <= deadline => {
                self.now = at.max(self.now + 1);
                true
            }
            _ => false,
        }
    }

    pub fn describe(&mut self) -> String {
        format!(
            "at {}: A ({}) {}; B ({}) {}; {} frames, {} dropped\n--- the last frames ---\n{}",
            Instant::from_micros(self.now),
            self.a.stack(),
            self.a.state_text(),
            self.b.stack(),
            self.b.state_text(),
            self.link.frames,
            self.link.dropped,
            self.link.trace_text()
        )
    }
}

/// Bytes that differ from their neighbours, so that a misplaced segment shows.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
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

/// How a transfer went.
#[derive(Debug)]
pub struct Transfer {
    pub bytes: usize,
    /// Virtual time at the end (µs).
    pub virtual_micros: u64,
    /// Where the received bytes first differ from the sent ones, if they do.
    pub first_difference: Option<usize>,
    /// Why the transfer failed, with the trace, if it did.
    pub failure: Option<String>,
}

/// A (client, at 10.0.0.1) connects to B (server, 10.0.0.2:5001) and sends `total` bytes,
/// taken cyclically from `source`, then closes; B reads everything, checking each byte
/// against `source`, and closes after A's FIN. With `wait_for_close`, done when both are
/// CLOSED or in TIME-WAIT; otherwise when B has every byte.
pub fn transfer<A: Host, B: Host>(
    pair: &mut Pair<A, B>,
    source: &[u8],
    total: usize,
    wait_for_close: bool,
    deadline_micros: u64,
) -> Transfer {
    pair.b.listen(SERVER_PORT);
    pair.a
        .connect(pair.now, SocketAddrV4::new(ADDR_B, SERVER_PORT));
    let mut sent = 0;
    let mut received = 0;
    let mut client_closed = false;
    let mut server_closed = false;
    let mut first_difference = None;
    let mut buf = vec![0u8; 64 * 1024];
    let mut rounds_at_this_instant = 0u32;
    let mut instant = pair.now;
    let failure = loop {
        // The applications: A writes, B reads and checks.
        while sent < total {
            let at = sent % source.len();
            let end = (at + (total - sent)).min(source.len());
            let n = pair.a.send(&source[at..end]);
            if n == 0 {
                break;
            }
            sent += n;
        }
        if sent == total && !client_closed {
            pair.a.close();
            client_closed = true;
        }
        loop {
            let n = pair.b.recv(&mut buf);
            if n == 0 {
                break;
            }
            if first_difference.is_none() {
                first_difference = first_mismatch(source, received, &buf[..n]);
            }
            received += n;
        }
        if pair.b.peer_finished() && !server_closed {
            pair.b.close();
            server_closed = true;
        }
        let finished = if wait_for_close {
            received == total && pair.a.done() && pair.b.done()
        } else {
            received == total
        };
        if finished {
            break None;
        }
        if pair.exchange() {
            rounds_at_this_instant += 1;
            if rounds_at_this_instant > 1_000_000 {
                break Some("frames keep moving without time passing".to_string());
            }
            continue;
        }
        if !pair.advance(deadline_micros) {
            break Some(format!(
                "stuck: {received} of {total} bytes arrived and nothing is left to do"
            ));
        }
        if pair.now != instant {
            instant = pair.now;
            rounds_at_this_instant = 0;
        }
    };
    Transfer {
        bytes: received,
        virtual_micros: pair.now,
        first_difference,
        failure: failure.map(|why| format!("{why}\n{}", pair.describe())),
    }
}

/// The offset of the first byte of `got` (which starts at `offset` of the cyclic stream of
/// `source`) that differs from the stream.
fn first_mismatch(source: &[u8], offset: usize, got: &[u8]) -> Option<usize> {
    let mut checked = 0;
    while checked < got.len() {
        let at = (offset + checked) % source.len();
        let len = (source.len() - at).min(got.len() - checked);
        let expected = &source[at..at + len];
        let actual = &got[checked..checked + len];
        if expected != actual {
            let inner = expected.iter().zip(actual).position(|(e, a)| e != a)?;
            return Some(offset + checked + inner);
        }
        checked += len;
    }
    None
}
