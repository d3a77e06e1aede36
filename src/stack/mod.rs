//! `wirelab stack …`: wirelab's own TCP/IP stack (crates/wirelab-stack) on a TAP device,
//! talking to the Linux kernel on the other end of the virtual cable.
//!
//! ```text
//!   kernel: curl / ping / python ── kernel TCP/IP ── TAP NAME (host side, e.g. 10.77.0.1)
//!                                                        │ Ethernet frames
//!   wirelab stack: TapDevice ─ [pcap] ─ [faults] ─ Interface (--addr, e.g. 10.77.0.2)
//!                                                    └─ engine: echo / discard / chargen /
//!                                                       http server / http client
//! ```
//!
//! `serve` runs a service until interrupted, `get` downloads one URL, `ping` sends echo
//! requests, `udp-echo` answers UDP datagrams.
//!
//! The stack's events (state changes, segments and why they were sent, cwnd, SRTT/RTO...)
//! are switched off for speed; `--trace` switches them on and prints one line per event:
//!
//! ```text
//!   0.004387 10.77.0.2:80 10.77.0.1:40412 state SYN-RECEIVED -> ESTABLISHED (rcv ACK of SYN)
//!   seconds  the connection (ours, the peer's)  the event as tcp::Event displays it
//! ```

use crate::Failure;
use clap::{Args, Subcommand, ValueEnum};
use rand::RngCore;
use std::cell::RefCell;
use std::fs::File;
use std::io::BufWriter;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;
use wirelab_stack::engine::apps::{Chargen, Discard, Echo};
use wirelab_stack::engine::http::{Download, HttpClient, HttpServer, Url};
use wirelab_stack::engine::{Engine, Handler, Io, RunEnd};
use wirelab_stack::iface::{IfaceEvent, Interface};
use wirelab_stack::tcp::ConnectionError;

mod setup;
mod trace;

pub(crate) use setup::Setup;
pub(crate) use trace::iface_event;

#[derive(Args, Debug)]
pub struct StackArgs {
    #[command(subcommand)]
    pub command: StackCommand,
}

#[derive(Subcommand, Debug)]
pub enum StackCommand {
    /// Run a TCP service (echo, discard, chargen or an HTTP file server) until interrupted.
    Serve(ServeArgs),
    /// Download a URL (http://IPv4[:PORT]/PATH) with the stack's HTTP client.
    Get(GetArgs),
    /// Send ICMP echo requests and print the replies.
    Ping(PingArgs),
    /// Answer every UDP datagram on a port with the same bytes.
    UdpEcho(UdpEchoArgs),
}

/// Where the stack lives: the TAP device, its address, and what happens on the cable.
#[derive(Args, Debug)]
pub struct DeviceArgs {
    /// The TAP device (made with `ip tuntap add NAME mode tap`, or by --create).
    #[arg(long, value_name = "NAME")]
    pub tap: String,
    /// The stack's IPv4 address and subnet, e.g. 10.77.0.2/24 (not the host side's).
    #[arg(long, value_name = "CIDR")]
    pub addr: String,
    /// Where packets for other subnets go.
    #[arg(long, value_name = "IP")]
    pub gateway: Option<Ipv4Addr>,
    /// Create the TAP device (root only); it disappears when wirelab exits.
    #[arg(long)]
    pub create: bool,
    /// Save every frame that crosses the device (before the injected faults) to a pcap.
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// Probability (0 to 1) of dropping a frame, on our side, in each direction.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub drop: f64,
    /// Probability of duplicating a frame.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub dup: f64,
    /// Probability of holding a frame back so that the next one overtakes it.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub reorder: f64,
    /// Seed of the fault injector (the same seed, the same faults).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print every event of the stack to stderr, one line each.
    ///
    /// A line is the seconds since the start, the connection (ours, the peer's) and the
    /// event: a state change, a segment sent (and why), received or dropped (and by which
    /// rule), cwnd/ssthresh, the windows, SRTT/RTO, or ARP and ICMP.
    #[arg(long)]
    pub trace: bool,
    /// Write the --trace lines to FILE instead of stderr (implies --trace).
    #[arg(long, value_name = "FILE")]
    pub trace_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum App {
    /// RFC 862: sends back what it receives (port 7).
    Echo,
    /// RFC 863: throws away what it receives (port 9).
    Discard,
    /// RFC 864: sends lines of characters until the client closes (port 19).
    Chargen,
    /// HTTP/1.1 GET and HEAD of the files under --root (port 80).
    Http,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    #[arg(long, value_enum)]
    pub app: App,
    /// The directory the HTTP server serves (--app http).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The port (default: the service's well-known port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Stop after this many connections have ended.
    #[arg(long, value_name = "N")]
    pub connections: Option<u64>,
}

#[derive(Args, Debug)]
pub struct GetArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// http://A.B.C.D[:PORT]/PATH
    pub url: String,
    /// The file the body is written to.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Args, Debug)]
pub struct PingArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    /// The address to ping.
    pub target: Ipv4Addr,
    /// Echo requests to send.
    #[arg(short = 'c', long, default_value_t = 3)]
    pub count: u16,
    /// Seconds between requests.
    #[arg(short = 'i', long, default_value_t = 1.0)]
    pub interval: f64,
}

#[derive(Args, Debug)]
pub struct UdpEchoArgs {
    #[command(flatten)]
    pub device: DeviceArgs,
    #[arg(long, default_value_t = 7)]
    pub port: u16,
    /// Stop after echoing this many datagrams.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
}

pub fn run(args: &StackArgs) -> Result<(), Failure> {
    match &args.command {
        StackCommand::Serve(a) => serve(a),
        StackCommand::Get(a) => get(a),
        StackCommand::Ping(a) => ping(a),
        StackCommand::UdpEcho(a) => udp_echo(a),
    }
}

/// Prints each connection's start and end around the application's handler.
struct Logged {
    peer: SocketAddrV4,
    inner: Box<dyn Handler>,
}

impl Handler for Logged {
    fn connected(&mut self, io: &mut Io<'_>) {
        eprintln!("{}: connected", self.peer);
        self.inner.connected(io);
    }
    fn readable(&mut self, io: &mut Io<'_>) {
        self.inner.readable(io);
    }
    fn writable(&mut self, io: &mut Io<'_>) {
        self.inner.writable(io);
    }
    fn peer_closed(&mut self, io: &mut Io<'_>) {
        self.inner.peer_closed(io);
    }
    fn closed(&mut self, error: Option<ConnectionError>) {
        match error {
            Some(e) => eprintln!("{}: {e}", self.peer),
            None => eprintln!("{}: closed", self.peer),
        }
        self.inner.closed(error);
    }
}

/// What `--app`, `--root` and `--port` ask to serve (`wirelab stack serve` and
/// `wirelab tui --tap` share it).
pub(crate) struct Service {
    app: App,
    root: PathBuf,
    pub(crate) port: u16,
}

impl Service {
    /// Checks the arguments: `--app http` needs a directory.
    pub(crate) fn new(
        app: App,
        root: Option<&PathBuf>,
        port: Option<u16>,
    ) -> Result<Service, Failure> {
        let root = match (app, root) {
            (App::Http, None) => {
                return Err(Failure::Usage(
                    "--app http needs --root DIR, the directory to serve".into(),
                ))
            }
            (App::Http, Some(root)) if !root.is_dir() => {
                return Err(Failure::Input(format!(
                    "--root {}: not a directory",
                    root.display()
                )))
            }
            (_, root) => root.cloned().unwrap_or_default(),
        };
        let port = port.unwrap_or(match app {
            App::Echo => 7,
            App::Discard => 9,
            App::Chargen => 19,
            App::Http => 80,
        });
        Ok(Service { app, root, port })
    }

    pub(crate) fn name(&self) -> &'static str {
        match self.app {
            App::Echo => "echo",
            App::Discard => "discard",
            App::Chargen => "chargen",
            App::Http => "http",
        }
    }

    /// Passive OPEN on the port, a new handler for each connection; `log` prints each
    /// connection's start and end to stderr (not under the TUI, which owns the terminal).
    pub(crate) fn listen(&self, iface: &mut Interface, engine: &mut Engine, log: bool) {
        let (app, root) = (self.app, self.root.clone());
        let acceptor = move |peer: SocketAddrV4| -> Box<dyn Handler> {
            let inner: Box<dyn Handler> = match app {
                App::Echo => Box::new(Echo),
                App::Discard => Box::new(Discard::default()),
                App::Chargen => Box::new(Chargen::default()),
                App::Http => Box::new(HttpServer::new(root.clone())),
            };
            if log {
                Box::new(Logged { peer, inner })
            } else {
                inner
            }
        };
        engine.listen(iface, self.port, Box::new(acceptor));
    }
}

fn serve(args: &ServeArgs) -> Result<(), Failure> {
    let service = Service::new(args.app, args.root.as_ref(), args.port)?;
    let mut setup = Setup::new(&args.device)?;
    let mut engine = Engine::new();
    service.listen(&mut setup.iface, &mut engine, true);
    eprintln!(
        "serving {} on {}:{}",
        service.name(),
        setup.iface.ip(),
        service.port
    );
    let limit = args.connections;
    setup.run(&mut engine, None, |_, engine, _| {
        limit.is_some_and(|n| engine.finished >= n)
    })?;
    Ok(())
}

fn get(args: &GetArgs) -> Result<(), Failure> {
    let url = Url::parse(&args.url).map_err(Failure::Usage)?;
    let file = File::create(&args.output)
        .map_err(|e| Failure::Input(format!("-o {}: {e}", args.output.display())))?;
    let mut setup = Setup::new(&args.device)?;
    let mut engine = Engine::new();
    let download = Rc::new(RefCell::new(Download::default()));
    let client = HttpClient::new(
        url.clone(),
        Box::new(BufWriter::with_capacity(1 << 20, file)),
        download.clone(),
    );
    let started = std::time::Instant::now();
    let now = setup.clock.now();
    // A random port from the dynamic range (RFC 6335 §6), as the kernel does.
    let local_port = 49152 + (rand::thread_rng().next_u32() % 16384) as u16;
    engine.connect_from(
        &mut setup.iface,
        now,
        local_port,
        url.server,
        Box::new(client),
    );
    let end = setup.run(
        &mut engine,
        Some(Duration::from_secs(args.timeout)),
        |_, engine, _| engine.active() == 0,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    let d = download.borrow().clone();
    if !matches!(d.result, Some(Ok(()))) {
        // A partial body must not pass for the file.
        let _ = std::fs::remove_file(&args.output);
    }
    match (end, d.result) {
        (_, Some(Ok(()))) => {
            eprintln!(
                "{} bytes in {seconds:.2} s ({:.1} Mbit/s) to {}",
                d.received,
                d.received as f64 * 8.0 / seconds.max(1e-9) / 1e6,
                args.output.display()
            );
            Ok(())
        }
        (_, Some(Err(why))) => Err(Failure::Input(format!("GET {}: {why}", args.url))),
        (RunEnd::TimedOut, None) => Err(Failure::Input(format!(
            "GET {}: no complete answer within {} s ({} body bytes received)",
            args.url, args.timeout, d.received
        ))),
        (RunEnd::Done, None) => Err(Failure::Input(format!(
            "GET {}: the connection ended without a response",
            args.url
        ))),
    }
}

fn ping(args: &PingArgs) -> Result<(), Failure> {
    if !(args.interval.is_finite() && args.interval >= 0.01) {
        return Err(Failure::Usage(format!(
            "--interval {}: at least 0.01 seconds",
            args.interval
        )));
    }
    let mut setup = Setup::new(&args.device)?;
    let mut engine = Engine::new();
    let interval = Duration::from_secs_f64(args.interval);
    let ident = (std::process::id() & 0xffff) as u16;
    let mut sent_at: Vec<wirelab_stack::Instant> = Vec::new();
    let mut received = 0u16;
    let count = args.count;
    let target = args.target;
    // The replies are the interface's events: this loop takes them, so it hands them on.
    let tracer = setup.tracer.clone();
    setup.run(&mut engine, None, |iface, _, now| {
        let seq = sent_at.len() as u16;
        let due = sent_at
            .last()
            .is_none_or(|&at| now.saturating_since(at) >= interval);
        if seq < count && due {
            iface.send_ping(now, target, ident, seq, b"wirelab ping");
            sent_at.push(now);
        }
        while let Some(event) = iface.poll_event() {
            if let Some(tracer) = &tracer {
                tracer.borrow_mut().iface_event(now, &event);
            }
            match event {
                IfaceEvent::EchoReply {
                    from,
                    ident: id,
                    seq,
                    len,
                } if id == ident => {
                    let rtt = sent_at
                        .get(usize::from(seq))
                        .map(|&at| now.saturating_since(at).as_secs_f64() * 1e3)
                        .unwrap_or(0.0);
                    println!("{len} bytes from {from}: icmp_seq={seq} time={rtt:.2} ms");
                    received += 1;
                }
                IfaceEvent::Unreachable { from, code } => {
                    println!("from {from}: destination unreachable (code {code})");
                }
                _ => {}
            }
        }
        // Done when every reply came, or 2 s after the last request.
        received == count
            || (sent_at.len() == usize::from(count)
                && sent_at
                    .last()
                    .is_some_and(|&at| now.saturating_since(at) > Duration::from_secs(2)))
    })?;
    println!("{} sent, {received} received", sent_at.len());
    if received == 0 {
        return Err(Failure::Input(format!("no reply from {target}")));
    }
    Ok(())
}

fn udp_echo(args: &UdpEchoArgs) -> Result<(), Failure> {
    let mut setup = Setup::new(&args.device)?;
    let mut engine = Engine::new();
    let port = args.port;
    if !setup.iface.udp_bind(port) {
        return Err(Failure::Usage(format!("UDP port {port} is taken")));
    }
    eprintln!("echoing UDP on {}:{port}", setup.iface.ip());
    let mut echoed = 0u64;
    let limit = args.count;
    setup.run(&mut engine, None, |iface, _, now| {
        while let Some((from, data)) = iface.udp_recv_from(port) {
            eprintln!("{from}: {} bytes", data.len());
            iface.udp_send_to(now, port, from, &data);
            echoed += 1;
        }
        limit.is_some_and(|n| echoed >= n)
    })?;
    Ok(())
}
