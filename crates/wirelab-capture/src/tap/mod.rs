//! A Linux TAP device: a virtual Ethernet cable between the kernel and this program, so the
//! user-space stack can talk to the kernel's own TCP/IP stack (curl, ping, python's
//! http.server) frame by frame.
//!
//! ```text
//!   kernel: ping / curl ── kernel TCP/IP ── interface "wltap0" (10.77.0.1, kernel's own MAC)
//!                                                │  Ethernet frames
//!                                        /dev/net/tun  (IFF_TAP | IFF_NO_PI)
//!                                                │  read(2) / write(2), one frame each
//!   wirelab:  TapDevice ── [PcapRecorder] ── [FaultInjector] ── stack (10.77.0.2, its own MAC)
//! ```
//!
//! # Whose MAC address?
//!
//! The interface the kernel sees (`ip link show wltap0`) has a MAC address: that is the
//! *kernel's* end of the cable, the source of every frame the kernel sends us. The stack on
//! our end is another host on that cable and needs an address of its own, so it picks one
//! (a locally administered address such as `02:00:00:00:00:02`, RFC 7042 §2.1) and answers
//! ARP requests with it. Using the interface's MAC would make the kernel see frames "from
//! itself"; this is why [`TapDevice`] offers no MAC.
//!
//! # Setting up a TAP device by hand
//!
//! As root, once (the device then stays until `ip tuntap del`); `user` lets you open it
//! without root afterwards:
//!
//! ```text
//! ip tuntap add wltap0 mode tap user $USER   # the device, owned by you
//! ip addr add 10.77.0.1/24 dev wltap0        # the kernel's address on that cable
//! ip link set wltap0 up
//! ```
//!
//! then run the stack on `wltap0` with an address of the same subnet (`10.77.0.2/24`) and
//! `ping 10.77.0.2`. [`TapDevice::open`] attaches to such a device;
//! [`TapDevice::create`] (root only) makes a device that disappears when it is closed.
//!
//! # Inside a network namespace
//!
//! A namespace keeps the experiment away from the machine's real network (and its firewall):
//!
//! ```text
//! ip netns add wl                                   # an empty network of its own
//! ip -n wl tuntap add wltap0 mode tap user $USER
//! ip -n wl addr add 10.77.0.1/24 dev wltap0
//! ip -n wl link set wltap0 up
//! ip netns exec wl wirelab stack ...                # the stack, inside the namespace
//! ip netns exec wl ping 10.77.0.2                   # the kernel of that namespace
//! ip netns del wl                                   # everything in it is gone
//! ```
//!
//! The file `/dev/net/tun` must be opened inside the namespace, since a device belongs to
//! the namespace of the thread that opened it: that is why the program runs under
//! `ip netns exec`. A program that stays outside can use
//! [`TapDevice::open_in_namespace`] or [`TapDevice::create_in_namespace`] instead, which
//! open the device from a thread that has entered the namespace (setns(2)); the tests do.
//!
//! # Driving the stack on the real clock
//!
//! ```text
//! loop {
//!     while let Some(frame) = stack.poll_transmit(now()) { device.send(&frame)? }
//!     let timeout = stack.poll_timeout().map(|at| at - now());   // next timer
//!     device.wait(timeout)?;                                     // poll(2)
//!     while let Some(len) = device.recv(&mut buf)? { stack.handle_frame(now(), &buf[..len]) }
//!     stack.handle_timeout(now());
//! }
//! ```
//!
//! Every device implements [`FrameDevice`], so [`FaultInjector`] (drop, duplicate, reorder,
//! from a seeded RNG: watch the kernel retransmit without netem) and [`PcapRecorder`] (save
//! what crossed) wrap a TAP device and an in-memory one alike.

mod device;
mod fault;
mod recorder;
mod sys;
#[cfg(test)]
mod tests;

pub use device::{FrameDevice, MemoryDevice};
pub use fault::{FaultInjector, FaultStats, Faults};
pub use recorder::PcapRecorder;

use nix::libc;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sched::{setns, CloneFlags};
use nix::sys::socket::{socket, AddressFamily, SockFlag, SockType};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::time::Duration;

const TUN_PATH: &str = "/dev/net/tun";

/// The longest frame a TAP device hands over: an MTU of up to 65535 plus the 14-byte
/// Ethernet header (and a VLAN tag). A receive buffer of this size never truncates.
pub const MAX_TAP_FRAME: usize = 65_535 + 18;

/// An open TAP device: whole Ethernet frames in and out, never blocking.
#[derive(Debug)]
pub struct TapDevice {
    file: File,
    /// A socket of the device's network namespace, to ask the device's MTU.
    control: OwnedFd,
    name: String,
}

impl TapDevice {
    /// Attaches to an existing TAP device (made with `ip tuntap add NAME mode tap`). When
    /// the kernel's side is up, returns once it can send to us (see `wait_until_running`).
    pub fn open(name: &str) -> io::Result<TapDevice> {
        check_name(name)?;
        if nix::net::if_::if_nametoindex(name).is_err() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "no network device named {name:?}: create it with \
                     `ip tuntap add {name} mode tap user $USER` (as root), \
                     or let wirelab create it as root"
                ),
            ));
        }
        let device = TapDevice::attach(name)?;
        wait_until_running(name);
        Ok(device)
    }

    /// Creates a new TAP device `name` that disappears when it is closed (needs root or
    /// CAP_NET_ADMIN). Its kernel side is down and has no address: configure it with
    /// `ip addr add` and `ip link set NAME up`.
    pub fn create(name: &str) -> io::Result<TapDevice> {
        check_name(name)?;
        if nix::net::if_::if_nametoindex(name).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "a network device named {name:?} exists already: open it instead, \
                     or delete it with `ip link del {name}`"
                ),
            ));
        }
        let device = TapDevice::attach(name)?;
        sys::set_persist(device.file.as_fd(), false)
            .map_err(|e| context(e, &format!("TUNSETPERSIST off for {name}"), name))?;
        Ok(device)
    }

    /// [`open`](TapDevice::open) inside the network namespace `netns` (one made with
    /// `ip netns add NETNS`), from a thread that enters it, while this program stays where
    /// it is. The device keeps belonging to `netns`.
    pub fn open_in_namespace(netns: &str, name: &str) -> io::Result<TapDevice> {
        let name = name.to_string();
        in_namespace(netns, move || TapDevice::open(&name))
    }

    /// [`create`](TapDevice::create) inside the network namespace `netns`.
    pub fn create_in_namespace(netns: &str, name: &str) -> io::Result<TapDevice> {
        let name = name.to_string();
        in_namespace(netns, move || TapDevice::create(&name))
    }

    fn attach(name: &str) -> io::Result<TapDevice> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(TUN_PATH)
            .map_err(|e| context(e, &format!("opening {TUN_PATH}"), name))?;
        // IFF_NO_PI: frames come without the 4-byte "packet information" header, so every
        // read(2) yields exactly one Ethernet frame (linux Documentation/networking/tuntap.rst).
        let flags = (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short;
        let name = sys::set_iff(file.as_fd(), name, flags).map_err(|e| {
            if e.raw_os_error() == Some(libc::EINVAL) {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "TUNSETIFF {name}: {e} ({name} may be a TUN device, not a TAP one: \
                         `ip -d link show {name}`)"
                    ),
                )
            } else if e.raw_os_error() == Some(libc::EBUSY) {
                io::Error::new(
                    e.kind(),
                    format!("TUNSETIFF {name}: {e} (another program has {name} open)"),
                )
            } else {
                context(e, &format!("TUNSETIFF {name}"), name)
            }
        })?;
        let control = socket(
            AddressFamily::Inet,
            SockType::Datagram,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
        .map_err(|e| context(e.into(), "opening a socket to ask the MTU", &name))?;
        Ok(TapDevice {
            file,
            control,
            name,
        })
    }

    /// The interface's name as the kernel knows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The interface's MTU (the largest IP packet; a frame is up to 14 bytes longer). The
    /// stack derives its TCP MSS from it: MTU − 20 (IPv4) − 20 (TCP).
    pub fn mtu(&self) -> io::Result<u32> {
        sys::mtu(self.control.as_fd(), &self.name)
            .map_err(|e| context(e, &format!("SIOCGIFMTU {}", self.name), &self.name))
    }
}

impl FrameDevice for TapDevice {
    /// One write(2) is one frame. A frame the kernel cannot take (longer than MTU + 14) is
    /// an error.
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        let written = self.file.write(frame).map_err(|e| {
            context(
                e,
                &format!("sending a frame of {} bytes on {}", frame.len(), self.name),
                &self.name,
            )
        })?;
        if written != frame.len() {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                format!(
                    "{} took {written} of {} bytes of a frame",
                    self.name,
                    frame.len()
                ),
            ));
        }
        Ok(())
    }

    /// One read(2) is one frame. Use a buffer of [`MAX_TAP_FRAME`] bytes: the kernel cuts a
    /// longer frame to the buffer, so a full buffer is reported as an error.
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        match self.file.read(buf) {
            Ok(len) if len == buf.len() && !buf.is_empty() => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "receive buffer of {} bytes filled by a frame from {}: it may have been \
                     cut; use {MAX_TAP_FRAME} bytes",
                    buf.len(),
                    self.name
                ),
            )),
            Ok(len) => Ok(Some(len)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(e) => Err(context(
                e,
                &format!("receiving from {}", self.name),
                &self.name,
            )),
        }
    }

    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        wait_readable(self.file.as_fd(), timeout)
    }
}

impl AsFd for TapDevice {
    /// For a driver that waits on more than the device (a terminal, a signal pipe).
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

/// Runs `open` on a new thread that has entered the network namespace `netns` first:
/// setns(2) moves only the calling thread, and a TAP device (like a socket) belongs to the
/// namespace of the thread that made it, for ever.
fn in_namespace(
    netns: &str,
    open: impl FnOnce() -> io::Result<TapDevice> + Send + 'static,
) -> io::Result<TapDevice> {
    check_name(netns)?;
    let path = format!("/run/netns/{netns}");
    let namespace = File::open(&path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "no network namespace {netns:?} ({path}): \
                     create it with `ip netns add {netns}`"
                ),
            )
        } else {
            context(e, &format!("opening {path}"), netns)
        }
    })?;
    std::thread::spawn(move || {
        setns(&namespace, CloneFlags::CLONE_NEWNET).map_err(|e| {
            io::Error::new(
                io::Error::from(e).kind(),
                format!("entering network namespace {path}: {e} (needs root or CAP_SYS_ADMIN)"),
            )
        })?;
        open()
    })
    .join()
    .unwrap_or_else(|_| {
        Err(io::Error::other(
            "the thread opening the TAP device panicked",
        ))
    })
}

/// Waits (at most a second) until the kernel's side of the device `name`, if it is up, is
/// RUNNING too. Opening the file turns the carrier on, but the kernel starts the device's
/// transmit queue a few milliseconds later (linkwatch): until then it drops what it sends us,
/// so the answer to our first ARP request is lost and the stack waits a second to ask again.
pub fn wait_until_running(name: &str) {
    use nix::net::if_::InterfaceFlags;
    let flags = || {
        nix::ifaddrs::getifaddrs().ok().and_then(|mut addresses| {
            addresses
                .find(|entry| entry.interface_name == name)
                .map(|entry| entry.flags)
        })
    };
    for _ in 0..1000 {
        match flags() {
            Some(f) if f.contains(InterfaceFlags::IFF_UP) => {
                if f.contains(InterfaceFlags::IFF_RUNNING) {
                    return;
                }
            }
            // Down (the caller brings it up, or waits for it) or gone: nothing to wait for.
            _ => return,
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// poll(2) for input on `fd`. A timeout above poll's limit (about 24 days) waits that long;
/// a signal ends the wait early (`false`), so the caller looks at its timers again.
fn wait_readable(fd: BorrowedFd<'_>, timeout: Option<Duration>) -> io::Result<bool> {
    let timeout = match timeout {
        None => PollTimeout::NONE,
        // Round up, so that a driver does not wake a little before its timer and spin.
        Some(t) => {
            let millis = t.as_nanos().div_ceil(1_000_000);
            PollTimeout::try_from(millis).unwrap_or(PollTimeout::MAX)
        }
    };
    let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
    match poll(&mut fds, timeout) {
        Ok(0) => Ok(false),
        Ok(_) => Ok(true),
        Err(nix::errno::Errno::EINTR) => Ok(false),
        Err(e) => Err(io::Error::new(
            io::Error::from(e).kind(),
            format!("poll(2) on the TAP device: {e}"),
        )),
    }
}

/// Interface names are at most 15 bytes (IFNAMSIZ − 1) and cannot contain '/' or spaces.
fn check_name(name: &str) -> io::Result<()> {
    let bad = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad interface name {name:?}: {why}"),
        ))
    };
    if name.is_empty() {
        return bad("empty");
    }
    if name.len() >= libc::IFNAMSIZ {
        return bad(&format!(
            "{} bytes, at most {} allowed",
            name.len(),
            libc::IFNAMSIZ - 1
        ));
    }
    if name
        .bytes()
        .any(|b| b == b'/' || b == b':' || b.is_ascii_whitespace() || b == 0)
    {
        return bad("'/', ':', NUL and spaces are not allowed");
    }
    Ok(())
}

/// Prefixes an OS error with what we were doing; a permission error also says how to get
/// the permission.
fn context(error: io::Error, doing: &str, name: &str) -> io::Error {
    if error.kind() == io::ErrorKind::PermissionDenied {
        return io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{doing}: permission denied (run as root, or give the device to your user \
                 with `ip tuntap add {name} mode tap user $USER`)"
            ),
        );
    }
    io::Error::new(error.kind(), format!("{doing}: {error}"))
}
