//! The TAP device against the real Linux kernel, inside a network namespace each test
//! creates (and deletes, even when it fails). Our end of the cable is a "host" built by hand
//! in these tests — a few lines of ARP, ICMP and TCP — until the user-space stack drives it:
//!
//! ```text
//!   namespace wltap-PID-N:  ping / bash ── kernel (10.77.0.1) ── wltap0 ── TapDevice ── this test
//!                                                                          (10.77.0.2, 02:00:00:00:00:02)
//! ```
//!
//! Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and /dev/net/tun: without them the tests print why and
//! pass, except under `CI=true`, where they fail.

use etherparse::{
    ArpEthIpv4Packet, ArpOperation, Icmpv4Type, LinkSlice, NetSlice, PacketBuilder, SlicedPacket,
    TransportSlice,
};
use std::io;
use std::net::Ipv4Addr;
use std::process::{Child, Output};
use std::time::{Duration, Instant};
use wirelab_capture::tap::{Faults, MAX_TAP_FRAME};
use wirelab_capture::{CaptureReader, FaultInjector, FrameDevice, PcapRecorder, TapDevice};

// Shared with the workspace's kernel tests (tests/tap_stack.rs, tests/stack_kernel.rs).
#[path = "../../../tests/support/netns.rs"]
mod netns;
use netns::Namespace;

const KERNEL_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 1);
const OUR_IP: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);
/// Our host's own MAC: the TAP interface's MAC belongs to the kernel's end.
const OUR_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
const TAP: &str = "wltap0";

// ---------------------------------------------------------------------------------------
// The namespace

/// Creates `wltap-PID-N` with a TAP device `wltap0` in it, configured as the kernel's end
/// (10.77.0.1/24, up); returns the namespace and our end of the device. `None` (with the
/// reason printed) when this machine cannot; under `CI=true` that is a failure.
fn namespace_with_tap() -> Option<(Namespace, TapDevice)> {
    let namespace = Namespace::create("wltap")?;
    // No IPv6: its router solicitations would be noise in the frame counts below.
    namespace.run_ok(
        "sysctl",
        &["-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"],
    );
    namespace.run_ok("sysctl", &["-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
    let device =
        TapDevice::create_in_namespace(namespace.name(), TAP).expect("creating the TAP device");
    namespace.configure_kernel_end(TAP, "10.77.0.1/24");
    Some((namespace, device))
}

// ---------------------------------------------------------------------------------------
// Our host, by hand

/// The answer to an ARP request "who has 10.77.0.2?" (RFC 826), or `None`.
fn arp_reply(frame: &[u8]) -> Option<Vec<u8>> {
    let packet = SlicedPacket::from_ethernet(frame).ok()?;
    let Some(NetSlice::Arp(arp)) = packet.net else {
        return None;
    };
    let request = arp.to_packet().try_eth_ipv4().ok()?;
    if request.operation != ArpOperation::REQUEST || request.target_ipv4 != OUR_IP.octets() {
        return None;
    }
    let reply = ArpEthIpv4Packet {
        operation: ArpOperation::REPLY,
        sender_mac: OUR_MAC,
        sender_ipv4: OUR_IP.octets(),
        target_mac: request.sender_mac,
        target_ipv4: request.sender_ipv4,
    };
    let mut out = Vec::new();
    PacketBuilder::ethernet2(OUR_MAC, request.sender_mac)
        .arp(reply.into())
        .write(&mut out)
        .ok()?;
    Some(out)
}

/// The Ethernet source and the IPv4 part of a frame sent to our MAC and our address.
fn ipv4_to_us(frame: &[u8]) -> Option<([u8; 6], SlicedPacket<'_>)> {
    let packet = SlicedPacket::from_ethernet(frame).ok()?;
    let Some(LinkSlice::Ethernet2(ethernet)) = &packet.link else {
        return None;
    };
    let source = ethernet.source();
    if ethernet.destination() != OUR_MAC {
        return None;
    }
    let Some(NetSlice::Ipv4(ip)) = &packet.net else {
        return None;
    };
    if ip.header().destination_addr() != OUR_IP {
        return None;
    }
    Some((source, packet))
}

/// The echo reply to an ICMP echo request to us (RFC 792: same identifier, sequence number
/// and data).
fn echo_reply(frame: &[u8]) -> Option<Vec<u8>> {
    let (kernel_mac, packet) = ipv4_to_us(frame)?;
    let Some(TransportSlice::Icmpv4(icmp)) = &packet.transport else {
        return None;
    };
    let Icmpv4Type::EchoRequest(echo) = icmp.icmp_type() else {
        return None;
    };
    let mut out = Vec::new();
    PacketBuilder::ethernet2(OUR_MAC, kernel_mac)
        .ipv4(OUR_IP.octets(), KERNEL_IP.octets(), 64)
        .icmpv4_echo_reply(echo.id, echo.seq)
        .write(&mut out, icmp.payload())
        .ok()?;
    Some(out)
}

/// A TCP SYN to us: (kernel MAC, source port, destination port, sequence number).
fn syn_to_us(frame: &[u8]) -> Option<([u8; 6], u16, u16, u32)> {
    let (kernel_mac, packet) = ipv4_to_us(frame)?;
    let Some(TransportSlice::Tcp(tcp)) = &packet.transport else {
        return None;
    };
    (tcp.syn() && !tcp.ack()).then(|| {
        (
            kernel_mac,
            tcp.source_port(),
            tcp.destination_port(),
            tcp.sequence_number(),
        )
    })
}

/// RFC 9293 §3.10.7.1, a closed port: a SYN (no ACK bit) is answered with
/// `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`, where the SYN counts as one.
fn reset_for_syn(frame: &[u8]) -> Option<Vec<u8>> {
    let (kernel_mac, source_port, destination_port, seq) = syn_to_us(frame)?;
    let mut out = Vec::new();
    PacketBuilder::ethernet2(OUR_MAC, kernel_mac)
        .ipv4(OUR_IP.octets(), KERNEL_IP.octets(), 64)
        .tcp(destination_port, source_port, 0, 0)
        .rst()
        .ack(seq.wrapping_add(1))
        .write(&mut out, &[])
        .ok()?;
    Some(out)
}

/// Hands every frame from the device to `answer` (which may send replies) until `child`
/// exits, and returns its output. Fails after 20 s.
fn serve_until_exit<D: FrameDevice>(
    device: &mut D,
    child: Child,
    answer: impl FnMut(&mut D, &[u8]),
) -> Output {
    serve_and_watch_until_exit(device, child, answer, |_| {})
}

/// [`serve_until_exit`], calling `watch` too after every wait (at least every 50 ms).
fn serve_and_watch_until_exit<D: FrameDevice>(
    device: &mut D,
    mut child: Child,
    mut answer: impl FnMut(&mut D, &[u8]),
    mut watch: impl FnMut(&mut D),
) -> Output {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = vec![0u8; MAX_TAP_FRAME];
    loop {
        if child.try_wait().expect("checking the child").is_some() {
            return child.wait_with_output().expect("the child's output");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("the child's output");
            panic!(
                "no answer within 20 s; the command said: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        device.wait(Some(Duration::from_millis(50))).expect("poll");
        while let Some(len) = device.recv(&mut buf).expect("receiving a frame") {
            answer(device, &buf[..len]);
        }
        watch(device);
    }
}

/// What kind of frame this is, for comparing a capture with the expected exchange.
fn kind(frame: &[u8]) -> &'static str {
    let Ok(packet) = SlicedPacket::from_ethernet(frame) else {
        return "unparsable";
    };
    match (&packet.net, &packet.transport) {
        (Some(NetSlice::Arp(arp)), _) => match arp.to_packet().operation {
            ArpOperation::REQUEST => "ARP request",
            ArpOperation::REPLY => "ARP reply",
            _ => "ARP other",
        },
        (_, Some(TransportSlice::Icmpv4(icmp))) => match icmp.icmp_type() {
            Icmpv4Type::EchoRequest(_) => "echo request",
            Icmpv4Type::EchoReply(_) => "echo reply",
            _ => "ICMP other",
        },
        (_, Some(TransportSlice::Tcp(tcp))) if tcp.syn() => "TCP SYN",
        (_, Some(TransportSlice::Tcp(tcp))) if tcp.rst() => "TCP RST",
        _ => "other",
    }
}

// ---------------------------------------------------------------------------------------
// The tests

#[test]
fn the_kernel_pings_a_host_built_by_hand_through_the_tap_device() {
    let Some((namespace, tap)) = namespace_with_tap() else {
        return;
    };
    assert_eq!(tap.name(), TAP);
    assert_eq!(tap.mtu().expect("MTU"), 1500);
    let mut device = PcapRecorder::new(tap, Vec::new()).expect("pcap header");

    let ping = namespace.spawn(&["ping", "-c", "1", "-W", "5", "10.77.0.2"]);
    let out = serve_until_exit(&mut device, ping, |device, frame| {
        if let Some(reply) = arp_reply(frame).or_else(|| echo_reply(frame)) {
            device.send(&reply).expect("sending the reply");
        }
    });
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "ping failed: {said}");
    assert!(said.contains("1 received"), "{said}");

    let (_, pcap) = device.into_parts().expect("flushing the capture");
    let mut reader = CaptureReader::new(&pcap[..]).expect("reading our capture");
    let mut kinds = Vec::new();
    while let Some(frame) = reader.next_frame().expect("a frame") {
        kinds.push(kind(frame.bytes));
    }
    assert_eq!(
        kinds,
        ["ARP request", "ARP reply", "echo request", "echo reply"]
    );
}

#[test]
fn the_kernel_asks_again_when_the_injector_drops_our_first_arp_reply() {
    let Some((namespace, tap)) = namespace_with_tap() else {
        return;
    };
    let drop_everything = Faults {
        drop: 1.0,
        ..Faults::default()
    };
    let mut device = FaultInjector::new(tap, drop_everything, Faults::default(), 1);
    let mut requests_seen = Vec::new();

    let ping = namespace.spawn(&["ping", "-c", "1", "-W", "5", "10.77.0.2"]);
    let out = serve_until_exit(&mut device, ping, |device, frame| {
        if let Some(reply) = arp_reply(frame) {
            requests_seen.push(Instant::now());
            device.send(&reply).expect("sending the ARP reply");
            // The first reply is lost; from now on the cable is clean.
            device.set_faults(Faults::default(), Faults::default());
        } else if let Some(reply) = echo_reply(frame) {
            device.send(&reply).expect("sending the echo reply");
        }
    });
    assert!(
        out.status.success(),
        "ping failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(device.outgoing_stats.dropped, 1);
    assert_eq!(requests_seen.len(), 2, "the kernel asked twice");
    // The kernel's ARP retransmission timer: net.ipv4.neigh.default.retrans_time_ms = 1000.
    let gap = requests_seen[1] - requests_seen[0];
    assert!(
        gap >= Duration::from_millis(800) && gap <= Duration::from_millis(3000),
        "the kernel asked again after {gap:?}"
    );
}

#[test]
fn the_kernel_retransmits_its_syn_when_the_injector_drops_the_first_and_a_reset_refuses_it() {
    let Some((namespace, tap)) = namespace_with_tap() else {
        return;
    };
    // The recorder sits between the injector and the device: it shows what the kernel sent,
    // including the SYN that our side then "lost".
    let recorder = PcapRecorder::new(tap, Vec::new()).expect("pcap header");
    let mut device = FaultInjector::new(recorder, Faults::default(), Faults::default(), 1);
    let lose_incoming = Faults {
        drop: 1.0,
        ..Faults::default()
    };
    let mut syns_answered = 0;

    let connect = namespace.spawn(&["bash", "-c", "exec 3<>/dev/tcp/10.77.0.2/7"]);
    let out = serve_and_watch_until_exit(
        &mut device,
        connect,
        |device, frame| {
            if let Some(reply) = arp_reply(frame) {
                device.send(&reply).expect("sending the ARP reply");
                // The next frame from the kernel, its SYN, will be lost.
                device.set_faults(Faults::default(), lose_incoming.clone());
            } else if let Some(reset) = reset_for_syn(frame) {
                syns_answered += 1;
                device.send(&reset).expect("sending the RST");
            }
        },
        |device| {
            if device.incoming_stats.dropped == 1 {
                // One SYN lost is enough: let its retransmission through.
                device.set_faults(Faults::default(), Faults::default());
            }
        },
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(said.contains("Connection refused"), "{said}");
    assert_eq!(device.incoming_stats.dropped, 1);
    assert_eq!(syns_answered, 1);

    let recorder = device.into_inner();
    let (_, pcap) = recorder.into_parts().expect("flushing the capture");
    let mut reader = CaptureReader::new(&pcap[..]).expect("reading our capture");
    let mut syns = Vec::new();
    let mut kinds = Vec::new();
    while let Some(frame) = reader.next_frame().expect("a frame") {
        kinds.push(kind(frame.bytes));
        if let Some((_, _, _, seq)) = syn_to_us(frame.bytes) {
            syns.push((frame.ts, seq));
        }
    }
    assert_eq!(
        kinds,
        ["ARP request", "ARP reply", "TCP SYN", "TCP SYN", "TCP RST"]
    );
    let [(first_ts, first_seq), (second_ts, second_seq)] = syns[..] else {
        panic!("expected two SYNs, found {syns:?}");
    };
    assert_eq!(first_seq, second_seq, "a retransmission repeats the ISN");
    // RFC 6298 §2.1: the initial RTO is 1 s (Linux: TCP_TIMEOUT_INIT).
    let gap = second_ts.as_nanos() - first_ts.as_nanos();
    assert!(
        (800_000_000..=3_000_000_000).contains(&gap),
        "the kernel retransmitted after {gap} ns"
    );
}

#[test]
fn opening_a_device_that_is_missing_busy_or_not_a_tap_says_what_to_do() {
    let Some((namespace, _tap)) = namespace_with_tap() else {
        return;
    };
    let error =
        TapDevice::open_in_namespace(namespace.name(), "wlmissing0").expect_err("no such device");
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
    assert_eq!(
        error.to_string(),
        "no network device named \"wlmissing0\": create it with \
         `ip tuntap add wlmissing0 mode tap user $USER` (as root), or let wirelab create it as root"
    );
    let taken =
        TapDevice::create_in_namespace(namespace.name(), TAP).expect_err("the name is taken");
    assert_eq!(taken.kind(), io::ErrorKind::AlreadyExists);
    let nowhere = TapDevice::open_in_namespace("wl-no-such-ns", TAP).expect_err("no namespace");
    assert_eq!(
        nowhere.to_string(),
        "no network namespace \"wl-no-such-ns\" (/run/netns/wl-no-such-ns): \
         create it with `ip netns add wl-no-such-ns`"
    );
    let busy = TapDevice::open_in_namespace(namespace.name(), TAP).expect_err("open already");
    assert_eq!(
        busy.to_string(),
        "TUNSETIFF wltap0: Device or resource busy (os error 16) \
         (another program has wltap0 open)"
    );
    namespace.ip(&["tuntap", "add", "wltun0", "mode", "tun"]);
    let tun = TapDevice::open_in_namespace(namespace.name(), "wltun0").expect_err("a TUN device");
    assert_eq!(tun.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        tun.to_string(),
        "TUNSETIFF wltun0: Invalid argument (os error 22) (wltun0 may be a TUN device, \
         not a TAP one: `ip -d link show wltun0`)"
    );
}

#[test]
fn a_persistent_device_made_with_ip_tuntap_can_be_opened_waited_on_and_outlives_us() {
    let Some((namespace, _created)) = namespace_with_tap() else {
        return;
    };
    namespace.ip(&["tuntap", "add", "wltap1", "mode", "tap"]);
    let tap = TapDevice::open_in_namespace(namespace.name(), "wltap1").expect("opening wltap1");
    assert_eq!(tap.name(), "wltap1");
    namespace.ip(&["link", "set", "wltap1", "mtu", "9000"]);
    assert_eq!(tap.mtu().expect("MTU"), 9000);

    // The kernel's end is down: nothing comes, recv does not block, wait gives up on time.
    let mut tap = tap;
    let mut buf = vec![0u8; MAX_TAP_FRAME];
    assert_eq!(tap.recv(&mut buf).expect("recv"), None);
    let started = Instant::now();
    assert!(!tap.wait(Some(Duration::from_millis(50))).expect("poll"));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(45) && waited < Duration::from_secs(2),
        "waited {waited:?}"
    );
    drop(tap);
    // Persistent: it is still there after we close it.
    namespace.ip(&["link", "show", "wltap1"]);
}

/// The builders above are checked byte by byte too, without the kernel.
#[test]
fn the_hand_built_arp_reply_is_what_rfc_826_prescribes() {
    let request = ArpEthIpv4Packet {
        operation: ArpOperation::REQUEST,
        sender_mac: [0x52, 0x54, 0, 0x12, 0x34, 0x56],
        sender_ipv4: KERNEL_IP.octets(),
        target_mac: [0; 6],
        target_ipv4: OUR_IP.octets(),
    };
    let mut frame = Vec::new();
    PacketBuilder::ethernet2([0x52, 0x54, 0, 0x12, 0x34, 0x56], [0xff; 6])
        .arp(request.into())
        .write(&mut frame)
        .unwrap();
    let reply = arp_reply(&frame).expect("a reply");
    #[rustfmt::skip]
    let expected: [u8; 42] = [
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56,   0x02, 0x00, 0x00, 0x00, 0x00, 0x02,   0x08, 0x06,
        0x00, 0x01,  0x08, 0x00,  6,  4,  0x00, 0x02,             // Ethernet, IPv4, reply
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,   10, 77, 0, 2,         // sender: us
        0x52, 0x54, 0x00, 0x12, 0x34, 0x56,   10, 77, 0, 1,         // target: the kernel
    ];
    assert_eq!(reply, expected);
}
