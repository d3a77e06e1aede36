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
use std::io::{self, BufWriter, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;
use wirelab_capture::tap::Faults;
use wirelab_capture::{FaultInjector, FrameDevice, PcapRecorder, TapDevice};
use wirelab_stack::engine::apps::{Chargen, Discard, Echo};
use wirelab_stack::engine::http::{Download, HttpClient, HttpServer, Url};
use wirelab_stack::engine::{run_device, Clock, Engine, Handler, Io, RunEnd};
use wirelab_stack::iface::{IfaceEvent, Interface, InterfaceConfig};
use wirelab_stack::tcp::{Connection, ConnectionError};
use wirelab_stack::wire::EthernetAddress;

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

/// `10.77.0.2/24` → address and prefix length.
fn parse_cidr(cidr: &str) -> Result<(Ipv4Addr, u8), Failure> {
    let bad = |why: String| Failure::Usage(format!("--addr {cidr:?}: {why}"));
    let (ip, prefix) = cidr
        .split_once('/')
        .ok_or_else(|| bad("expected ADDRESS/PREFIX, e.g. 10.77.0.2/24".into()))?;
    let ip: Ipv4Addr = ip
        .parse()
        .map_err(|_| bad(format!("{ip:?} is not an IPv4 address")))?;
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|p| (1..=30).contains(p))
        .ok_or_else(|| bad(format!("prefix {prefix:?} is not a number from 1 to 30")))?;
    Ok((ip, prefix))
}

fn check_probability(name: &str, p: f64) -> Result<(), Failure> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Failure::Usage(format!(
            "--{name} {p}: a probability is from 0 to 1"
        )))
    }
}

/// The stack's interface and its device, set up as the arguments say (`wirelab stack` and
/// `wirelab tui --tap` share it).
pub(crate) struct Setup {
    pub(crate) iface: Interface,
    pub(crate) device: Box<dyn FrameDevice>,
    clock: Clock,
    /// `--trace`: where the stack's events go.
    tracer: Option<Rc<RefCell<Tracer>>>,
}

impl Setup {
    fn new(args: &DeviceArgs) -> Result<Setup, Failure> {
        Setup::open(args, false)
    }

    /// As [`new`](Setup::new); `events` switches the stack's events on without `--trace`
    /// (for an `Engine::observer`: the TUI charts them).
    pub(crate) fn open(args: &DeviceArgs, events: bool) -> Result<Setup, Failure> {
        let (ip, prefix_len) = parse_cidr(&args.addr)?;
        check_probability("drop", args.drop)?;
        check_probability("dup", args.dup)?;
        check_probability("reorder", args.reorder)?;
        let tracer = Tracer::from_args(args)?;
        let tap = if args.create {
            TapDevice::create(&args.tap)
        } else {
            TapDevice::open(&args.tap)
        }
        .map_err(|e| Failure::Input(format!("TAP device {}: {e}", args.tap)))?;
        let mtu = tap.mtu().unwrap_or(1500);
        if !check_host_side(&args.tap, ip, prefix_len) {
            // A down interface refuses frames (EIO): wait for it, as for a cable plugged in.
            eprintln!("waiting for {} to come up…", args.tap);
            while !host_side_up(&args.tap) {
                std::thread::sleep(Duration::from_millis(200));
            }
            // Up is not yet RUNNING: for a few ms more the kernel drops what it sends us.
            wirelab_capture::tap::wait_until_running(&args.tap);
        }

        let [a, b, c, d] = ip.octets();
        // A locally administered MAC of our own (see wirelab_capture::tap, "Whose MAC").
        let mac = EthernetAddress([0x02, 0x77, a, b, c, d]);
        let mut config = InterfaceConfig::new(mac, ip, prefix_len);
        config.gateway = args.gateway;
        config.tcp.mss = usize::try_from(mtu).unwrap_or(1500).clamp(576, 9000) - 40;
        config.tcp.send_buffer = 1 << 20;
        config.tcp.recv_buffer = 1 << 20;
        // Linux's minimum RTO: the RFC's 1 s makes every loss on a fast cable a long stall.
        config.tcp.min_rto = Duration::from_millis(200);
        config.tcp.msl = Duration::from_secs(2);
        // Events cost a queue entry per segment: only a trace pays for them.
        config.tcp.events = events || tracer.is_some();
        rand::thread_rng().fill_bytes(&mut config.tcp.isn_secret);
        eprintln!(
            "wirelab stack: {ip}/{prefix_len} on {} (MAC {mac}, MTU {mtu})",
            args.tap
        );

        let mut device: Box<dyn FrameDevice> = Box::new(tap);
        if let Some(path) = &args.pcap {
            let file = File::create(path)
                .map_err(|e| Failure::Input(format!("--pcap {}: {e}", path.display())))?;
            let recorder = PcapRecorder::new(device, file)
                .map_err(|e| Failure::Input(format!("--pcap {}: {e}", path.display())))?;
            device = Box::new(recorder);
        }
        if args.drop > 0.0 || args.dup > 0.0 || args.reorder > 0.0 {
            let faults = Faults {
                drop: args.drop,
                duplicate: args.dup,
                reorder: args.reorder,
                ..Faults::default()
            };
            device = Box::new(FaultInjector::new(
                device,
                faults.clone(),
                faults,
                args.seed,
            ));
        }
        let mut iface = Interface::new(config);
        // Gratuitous ARP: the kernel learns our MAC before the first packet.
        iface.announce();
        Ok(Setup {
            iface,
            device,
            clock: Clock::new(),
            tracer: tracer.map(|t| Rc::new(RefCell::new(t))),
        })
    }

    /// Runs the stack until `done`. With a tracer, the engine shows it every connection
    /// and, after each `done`, the interface's events and the lines due are written.
    pub(crate) fn run(
        &mut self,
        engine: &mut Engine,
        limit: Option<Duration>,
        mut done: impl FnMut(&mut Interface, &mut Engine, wirelab_stack::Instant) -> bool,
    ) -> Result<RunEnd, Failure> {
        let Some(tracer) = self.tracer.clone() else {
            return run_device(
                &mut self.iface,
                &mut self.device,
                engine,
                &self.clock,
                limit,
                done,
            )
            .map_err(|e| Failure::Input(format!("TAP device: {e}")));
        };
        let observed = tracer.clone();
        engine.observer = Some(Box::new(move |connection: &mut Connection| {
            observed.borrow_mut().connection_events(connection);
        }));
        let end = run_device(
            &mut self.iface,
            &mut self.device,
            engine,
            &self.clock,
            limit,
            |iface, engine, now| {
                let finished = done(iface, engine, now);
                let mut tracer = tracer.borrow_mut();
                while let Some(event) = iface.poll_event() {
                    tracer.iface_event(now, &event);
                }
                tracer.write_due();
                finished
            },
        )
        .map_err(|e| Failure::Input(format!("TAP device: {e}")));
        // What happened since the last look (the last ACK of a download, say).
        engine.observe(&mut self.iface);
        let mut tracer = tracer.borrow_mut();
        let now = self.clock.now();
        while let Some(event) = self.iface.poll_event() {
            tracer.iface_event(now, &event);
        }
        tracer.write_due();
        tracer.finish()?;
        end
    }
}

/// `--trace`: the stack's events as lines of text, in the order of their times.
struct Tracer {
    out: Box<dyn Write>,
    /// Where the lines go, for error messages.
    destination: String,
    /// Lines not yet written, with their time in microseconds. The engine shows the
    /// connections one after the other, so two connections' events arrive out of order:
    /// they wait here to be sorted.
    due: Vec<(u64, String)>,
    /// The first write that failed (the run goes on; the trace is reported broken at the end).
    error: Option<io::Error>,
}

impl Tracer {
    fn from_args(args: &DeviceArgs) -> Result<Option<Tracer>, Failure> {
        let (out, destination): (Box<dyn Write>, String) = match &args.trace_file {
            Some(path) => {
                let file = File::create(path)
                    .map_err(|e| Failure::Input(format!("--trace-file {}: {e}", path.display())))?;
                (
                    Box::new(BufWriter::new(file)),
                    format!("--trace-file {}", path.display()),
                )
            }
            None if args.trace => (
                Box::new(BufWriter::new(io::stderr())),
                "--trace (stderr)".to_string(),
            ),
            None => return Ok(None),
        };
        Ok(Some(Tracer {
            out,
            destination,
            due: Vec::new(),
            error: None,
        }))
    }

    /// Takes every event the connection has queued.
    fn connection_events(&mut self, connection: &mut Connection) {
        let tuple = format!("{} {}", connection.local(), connection.remote());
        while let Some((at, event)) = connection.poll_timed_event() {
            self.due
                .push((at.total_micros(), format!("{tuple} {event}")));
        }
    }

    fn iface_event(&mut self, now: wirelab_stack::Instant, event: &IfaceEvent) {
        self.due.push((now.total_micros(), iface_event(event)));
    }

    /// Writes the lines waiting, oldest first (a stable sort keeps one connection's order).
    fn write_due(&mut self) {
        if self.due.is_empty() {
            return;
        }
        self.due.sort_by_key(|&(micros, _)| micros);
        for (micros, line) in self.due.drain(..) {
            let written = writeln!(
                self.out,
                "{:>4}.{:06} {line}",
                micros / 1_000_000,
                micros % 1_000_000
            );
            if let (Err(e), None) = (written, &self.error) {
                self.error = Some(e);
            }
        }
        if let (Err(e), None) = (self.out.flush(), &self.error) {
            self.error = Some(e);
        }
    }

    fn finish(&mut self) -> Result<(), Failure> {
        match self.error.take() {
            Some(e) => Err(Failure::Input(format!(
                "{}: the trace could not be written: {e}",
                self.destination
            ))),
            None => Ok(()),
        }
    }
}

/// An event of the interface (no connection's): ARP, ICMP, frames that did not parse.
pub(crate) fn iface_event(event: &IfaceEvent) -> String {
    match event {
        IfaceEvent::FrameDropped { why } => format!("frame dropped: {why}"),
        IfaceEvent::ArpResolved { ip, mac } => format!("arp {ip} is at {mac}"),
        IfaceEvent::Unresolved { ip, dropped } => {
            format!("arp no answer for {ip}: {dropped} packet(s) waiting for it dropped")
        }
        IfaceEvent::EchoReply {
            from,
            ident,
            seq,
            len,
        } => format!("icmp echo reply from {from}: id 0x{ident:04x} seq {seq}, {len} bytes"),
        IfaceEvent::Unreachable { from, code } => {
            format!("icmp destination unreachable from {from}, code {code}")
        }
        IfaceEvent::SynDropped { port } => {
            format!("syn dropped: the SYN queue or backlog of port {port} is full")
        }
        IfaceEvent::NoRoute { dst } => format!("no route to {dst} (off-link, no gateway)"),
        IfaceEvent::FragmentDropped { from, why } => {
            format!("fragment from {from} dropped: {why:?}")
        }
        IfaceEvent::ReassemblyTimedOut { datagrams } => {
            format!("reassembly timed out: {datagrams} datagram(s) incomplete")
        }
    }
}

fn host_side_up(tap: &str) -> bool {
    nix::ifaddrs::getifaddrs().is_ok_and(|mut addresses| {
        addresses.any(|e| {
            e.interface_name == tap && e.flags.contains(nix::net::if_::InterfaceFlags::IFF_UP)
        })
    })
}

/// Tells what the host side of the cable still needs: an IPv4 address in our subnet and
/// the link up. Returns whether the link is up.
fn check_host_side(tap: &str, ip: Ipv4Addr, prefix_len: u8) -> bool {
    let mask = u32::MAX << (32 - u32::from(prefix_len));
    let mut has_address = false;
    let mut up = false;
    if let Ok(addresses) = nix::ifaddrs::getifaddrs() {
        for entry in addresses.filter(|e| e.interface_name == tap) {
            up |= entry.flags.contains(nix::net::if_::InterfaceFlags::IFF_UP);
            if let Some(host) = entry.address.as_ref().and_then(|a| a.as_sockaddr_in()) {
                has_address |= u32::from(host.ip()) & mask == u32::from(ip) & mask;
            }
        }
    }
    let host_ip = Ipv4Addr::from((u32::from(ip) & mask) | if ip.octets()[3] == 1 { 2 } else { 1 });
    if !has_address {
        eprintln!(
            "note: the host side of {tap} has no address in {}/{prefix_len}; give it one, e.g.\n  \
             ip addr add {host_ip}/{prefix_len} dev {tap}",
            Ipv4Addr::from(u32::from(ip) & mask)
        );
    }
    if !up {
        eprintln!("note: {tap} is down on the host side:\n  ip link set {tap} up");
    }
    up
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

#[cfg(test)]
mod tests {
    use super::*;
    use wirelab_stack::tcp::Config;
    use wirelab_stack::Instant;

    /// A writer whose bytes the test can read after handing it to a tracer.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn tracer() -> (Tracer, Shared) {
        let shared = Shared::default();
        let tracer = Tracer {
            out: Box::new(shared.clone()),
            destination: "a test".into(),
            due: Vec::new(),
            error: None,
        };
        (tracer, shared)
    }

    fn text(shared: &Shared) -> String {
        String::from_utf8_lossy(&shared.0.borrow()).into_owned()
    }

    #[test]
    fn an_active_open_is_traced_with_its_time_its_four_tuple_and_the_rfc_state_names() {
        let (mut tracer, shared) = tracer();
        let local = SocketAddrV4::new(Ipv4Addr::new(10, 77, 0, 2), 50000);
        let remote = SocketAddrV4::new(Ipv4Addr::new(10, 77, 0, 1), 80);
        let at = Instant::from_micros(1_234_567);
        let mut connection = Connection::connect(Config::default(), local, remote, at);
        tracer.connection_events(&mut connection);
        tracer.write_due();
        let trace = text(&shared);
        assert!(
            trace.starts_with(
                "   1.234567 10.77.0.2:50000 10.77.0.1:80 state CLOSED -> SYN-SENT (active OPEN, snd SYN)\n"
            ),
            "{trace}"
        );
        assert!(
            connection.poll_timed_event().is_none(),
            "the tracer took them all"
        );
    }

    #[test]
    fn lines_of_several_sources_are_written_in_the_order_of_their_times() {
        let (mut tracer, shared) = tracer();
        let ip = Ipv4Addr::new(10, 77, 0, 1);
        let mac = EthernetAddress([2, 0, 0, 0, 0, 1]);
        tracer.iface_event(
            Instant::from_micros(2_000_000),
            &IfaceEvent::NoRoute { dst: ip },
        );
        tracer.iface_event(
            Instant::from_micros(5),
            &IfaceEvent::ArpResolved { ip, mac },
        );
        tracer.write_due();
        assert_eq!(
            text(&shared),
            "   0.000005 arp 10.77.0.1 is at 02:00:00:00:00:01\n   \
             2.000000 no route to 10.77.0.1 (off-link, no gateway)\n"
        );
    }

    #[test]
    fn a_trace_that_cannot_be_written_is_reported_at_the_end_with_its_destination() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut tracer = Tracer {
            out: Box::new(Broken),
            destination: "--trace-file t.txt".into(),
            due: Vec::new(),
            error: None,
        };
        let event = IfaceEvent::SynDropped { port: 80 };
        tracer.iface_event(Instant::from_micros(1), &event);
        tracer.write_due();
        match tracer.finish() {
            Err(Failure::Input(why)) => {
                assert!(
                    why.contains("--trace-file t.txt") && why.contains("disk full"),
                    "{why}"
                )
            }
            other => panic!("expected an input error, got {other:?}"),
        }
    }
}
