//! wirelab's user-space stack (`wirelab-stack`) on a real TAP device, against the Linux
//! kernel, inside a network namespace each test creates and deletes:
//!
//! ```text
//!   namespace wlstack-PID-N:  ping / python3 ── kernel 10.77.0.1 ── wltap0 ── TapDevice
//!                                     ── [FaultInjector] ── Interface 10.77.0.2 (02:00:00:00:00:02)
//! ```
//!
//! The loop in [`drive`] is the whole TAP driver: the stack's timers run on the real clock.
//! Needs root and /dev/net/tun: without them the tests print why and pass, except under
//! `CI=true`, where they fail.

use std::net::Ipv4Addr;
use std::process::{Child, Output};
use std::time::Duration;
use wirelab_capture::tap::{Faults, MAX_TAP_FRAME};
use wirelab_capture::{FaultInjector, FrameDevice, TapDevice};
use wirelab_stack::iface::{IfaceEvent, Interface, InterfaceConfig};
use wirelab_stack::wire::EthernetAddress;
use wirelab_stack::Instant;

#[path = "support/netns.rs"]
mod netns;
use netns::Namespace;

const KERNEL_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);
const OUR_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);
const OUR_MAC: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x02]);
const TAP: &str = "wltap0";

/// A namespace with the kernel's end of `wltap0` at 10.77.0.1/24 and our end opened.
fn namespace_with_tap() -> Option<(Namespace, TapDevice)> {
    let namespace = Namespace::create("wlstack")?;
    let tap = TapDevice::create_in_namespace(namespace.name(), TAP).expect("creating wltap0");
    namespace.configure_kernel_end(TAP, "10.77.0.1/24");
    Some((namespace, tap))
}

fn our_interface() -> Interface {
    let mut config = InterfaceConfig::new(OUR_MAC, OUR_IP, 24);
    config.tcp.isn_secret = *b"tap test secret!";
    Interface::new(config)
}

/// The stack's time: microseconds since the driver started.
fn now(start: std::time::Instant) -> Instant {
    Instant::from_micros(u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX))
}

/// Runs the stack on `device` until `application` says it is done (it runs after every
/// wake-up, with the interface and the time) or 30 s pass.
fn drive<D: FrameDevice>(
    iface: &mut Interface,
    device: &mut D,
    mut application: impl FnMut(&mut Interface, Instant) -> bool,
) {
    let start = std::time::Instant::now();
    let mut buf = vec![0u8; MAX_TAP_FRAME];
    loop {
        let t = now(start);
        assert!(t < Instant::from_millis(30_000), "gave up after 30 s");
        if application(iface, t) {
            return;
        }
        while let Some(frame) = iface.poll_transmit(t) {
            device.send(&frame).expect("sending a frame");
        }
        // Sleep until a frame comes or the stack's next timer is due (at most 20 ms, so
        // that the application is asked again, e.g. whether a child process has ended).
        let timeout = match iface.poll_timeout() {
            Some(at) => at.saturating_since(t).min(Duration::from_millis(20)),
            None => Duration::from_millis(20),
        };
        device.wait(Some(timeout)).expect("waiting");
        let t = now(start);
        while let Some(len) = device.recv(&mut buf).expect("receiving a frame") {
            iface.handle_frame(t, &buf[..len]);
        }
        if iface.poll_timeout().is_some_and(|at| at <= t) {
            iface.handle_timeout(t);
        }
    }
}

/// Drives the stack until `child` ends, with `application` as above; returns its output.
fn drive_until_exit<D: FrameDevice>(
    iface: &mut Interface,
    device: &mut D,
    mut child: Child,
    mut application: impl FnMut(&mut Interface, Instant),
) -> Output {
    let mut exited = false;
    drive(iface, device, |iface, t| {
        application(iface, t);
        exited = child.try_wait().expect("the child").is_some();
        exited
    });
    assert!(exited);
    child.wait_with_output().expect("the child's output")
}

#[test]
fn the_kernel_pings_the_user_space_stack_through_a_tap_device() {
    let Some((namespace, mut tap)) = namespace_with_tap() else {
        return;
    };
    let mut iface = our_interface();
    let ping = namespace.spawn(&["ping", "-c", "3", "-i", "0.2", "-W", "5", "10.77.0.2"]);
    let out = drive_until_exit(&mut iface, &mut tap, ping, |_, _| {});
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "ping failed: {said}");
    assert!(said.contains("3 received"), "{said}");
}

#[test]
fn the_user_space_stack_pings_the_kernel_through_a_tap_device() {
    let Some((_namespace, mut tap)) = namespace_with_tap() else {
        return;
    };
    let mut iface = our_interface();
    let mut sent = false;
    let mut replies = Vec::new();
    drive(&mut iface, &mut tap, |iface, t| {
        if !sent {
            iface.send_ping(t, KERNEL_IP, 0x77, 1, b"wirelab over tap");
            sent = true;
        }
        while let Some(event) = iface.poll_event() {
            if let IfaceEvent::EchoReply {
                from,
                ident,
                seq,
                len,
            } = event
            {
                replies.push((from, ident, seq, len));
            }
        }
        !replies.is_empty()
    });
    assert_eq!(replies, [(KERNEL_IP, 0x77, 1, 16)]);
}

/// The kernel's client sends 256 KiB to the stack's echo service on port 7 and checks that
/// every byte comes back, while our side loses 5% of the frames each way, duplicates 1% and
/// holds back 1% (reordering).
#[test]
fn tcp_echo_from_the_kernel_through_the_stack_survives_injected_loss_duplication_and_reordering() {
    let Some((namespace, tap)) = namespace_with_tap() else {
        return;
    };
    let faults = Faults {
        drop: 0.05,
        duplicate: 0.01,
        reorder: 0.01,
        ..Faults::default()
    };
    let mut device = FaultInjector::new(tap, faults.clone(), faults, 42);
    let mut iface = our_interface();
    iface.tcp_listen(7);
    let client = namespace.spawn(&["python3", "-c", ECHO_CLIENT]);
    let mut connection = None;
    let mut pending: Vec<u8> = Vec::new();
    let mut echoed = 0usize;
    let out = drive_until_exit(&mut iface, &mut device, client, |iface, _| {
        if connection.is_none() {
            connection = iface.tcp_accept(7);
        }
        let Some(handle) = connection else { return };
        let Some(tcp) = iface.tcp(handle) else { return };
        let mut chunk = [0u8; 16384];
        loop {
            let n = tcp.recv(&mut chunk);
            if n == 0 {
                break;
            }
            pending.extend_from_slice(&chunk[..n]);
        }
        let taken = tcp.send(&pending);
        pending.drain(..taken);
        echoed += taken;
        if tcp.peer_closed() && pending.is_empty() && tcp.send_queue() == 0 {
            tcp.close();
        }
    });
    assert!(
        out.status.success(),
        "the client failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(echoed, 256 * 1024);
    let (sent, received) = (&device.outgoing_stats, &device.incoming_stats);
    eprintln!("faults on frames sent: {sent:?}; on frames received: {received:?}");
    assert!(sent.dropped > 0 && received.dropped > 0);
    assert!(sent.duplicated + received.duplicated > 0);
    assert!(sent.reordered + received.reordered > 0);
}

/// Sends 256 KiB, reading the echo on another thread, then checks it byte for byte.
const ECHO_CLIENT: &str = r#"
import socket, sys, threading
data = bytes(range(256)) * 1024
s = socket.create_connection(("10.77.0.2", 7), timeout=25)
got = bytearray()
def read():
    while True:
        b = s.recv(65536)
        if not b:
            break
        got.extend(b)
reader = threading.Thread(target=read)
reader.start()
s.sendall(data)
s.shutdown(socket.SHUT_WR)
reader.join()
print(len(got), "bytes echoed")
sys.exit(0 if bytes(got) == data else 1)
"#;
