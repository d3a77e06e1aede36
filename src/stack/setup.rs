//! Setting up the stack on a TAP device from the command line: the address, the device, the
//! faults and pcap middleware, the trace, and what the kernel's side still needs.

use super::trace::Tracer;
use super::DeviceArgs;
use crate::Failure;
use rand::RngCore;
use std::cell::RefCell;
use std::fs::File;
use std::net::Ipv4Addr;
use std::rc::Rc;
use std::time::Duration;
use wirelab_capture::tap::Faults;
use wirelab_capture::{FaultInjector, FrameDevice, PcapRecorder, TapDevice};
use wirelab_stack::engine::{run_device, Clock, Engine, RunEnd};
use wirelab_stack::iface::{Interface, InterfaceConfig};
use wirelab_stack::tcp::Connection;
use wirelab_stack::wire::EthernetAddress;

/// `10.77.0.2/24` → address and prefix length.
pub(super) fn parse_cidr(cidr: &str) -> Result<(Ipv4Addr, u8), Failure> {
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

pub(super) fn check_probability(name: &str, p: f64) -> Result<(), Failure> {
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
    pub(super) clock: Clock,
    /// `--trace`: where the stack's events go.
    pub(super) tracer: Option<Rc<RefCell<Tracer>>>,
}

impl Setup {
    pub(super) fn new(args: &DeviceArgs) -> Result<Setup, Failure> {
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
                tracer.borrow_mut().write_iface_events(iface, now);
                finished
            },
        )
        .map_err(|e| Failure::Input(format!("TAP device: {e}")));
        // What happened since the last look (the last ACK of a download, say).
        engine.observe(&mut self.iface);
        let mut tracer = tracer.borrow_mut();
        tracer.write_iface_events(&mut self.iface, self.clock.now());
        tracer.finish()?;
        end
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
