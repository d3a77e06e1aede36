//! An interface: Ethernet, ARP, IPv4, ICMP echo and errors, and the UDP and TCP sockets
//! above them. Sans-IO like the rest: frames go in with `handle_frame(now, bytes)` and come
//! out of `poll_transmit(now)`.
//!
//! ```text
//!  handle_frame ─> Ethernet ─┬─ ARP: update the cache, answer requests for our address,
//!                            │       send what waited for the answer
//!                            └─ IPv4 (for our address) ─┬─ ICMP: echo request -> reply
//!                                                       ├─ UDP: socket, or ICMP port unreachable
//!                                                       └─ TCP: connection, listener, or RST
//!  poll_transmit <─ queued frames <─ Ethernet <─ ARP cache (or wait for ARP) <─ IPv4 <─ sockets
//! ```

mod arp_cache;
mod reassembly;
mod sockets;

pub use arp_cache::ArpCache;
pub use reassembly::{FragmentError, Reassembler};
pub use sockets::{Listener, SocketHandle, UdpSocket};

use crate::tcp::{self, Connection};
use crate::wire::icmp::PORT_UNREACHABLE;
use crate::wire::{ethernet, ipv4};
use crate::wire::{
    ArpOperation, ArpRepr, EtherType, EthernetAddress, EthernetRepr, IcmpRepr, IpProtocol,
    Ipv4Repr, TcpRepr, UdpRepr,
};
use crate::{Duration, Instant};
use sockets::Sockets;
use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};

#[derive(Clone, Debug)]
pub struct InterfaceConfig {
    pub mac: EthernetAddress,
    pub ip: Ipv4Addr,
    /// The subnet: addresses with the same first `prefix_len` bits are on the link.
    pub prefix_len: u8,
    /// Where packets for other subnets go.
    pub gateway: Option<Ipv4Addr>,
    pub ttl: u8,
    /// How long an ARP entry is trusted.
    pub arp_lifetime: Duration,
    /// How long to wait for an ARP reply before asking again.
    pub arp_retry: Duration,
    /// Settings of every TCP connection (the driver sets `isn_secret`).
    pub tcp: tcp::Config,
    /// Connections per listener still in SYN-RECEIVED: a SYN flood cannot make more.
    pub syn_queue_limit: usize,
    /// Established connections per listener waiting for `tcp_accept`.
    pub accept_backlog: usize,
    /// Datagrams queued per UDP socket.
    pub udp_queue_limit: usize,
    /// How long the fragments of an IPv4 datagram wait for the rest.
    pub reassembly_timeout: Duration,
}

impl InterfaceConfig {
    pub fn new(mac: EthernetAddress, ip: Ipv4Addr, prefix_len: u8) -> InterfaceConfig {
        InterfaceConfig {
            mac,
            ip,
            prefix_len,
            gateway: None,
            ttl: 64,
            arp_lifetime: Duration::from_secs(60),
            arp_retry: Duration::from_secs(1),
            tcp: tcp::Config::default(),
            syn_queue_limit: 64,
            accept_backlog: 128,
            udp_queue_limit: 64,
            reassembly_timeout: Duration::from_secs(30),
        }
    }
}

/// What happened at the interface that no socket reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IfaceEvent {
    /// A frame that did not parse (a corrupted checksum, a truncated header...).
    FrameDropped {
        why: String,
    },
    ArpResolved {
        ip: Ipv4Addr,
        mac: EthernetAddress,
    },
    /// Packets dropped because their next hop never answered ARP.
    Unresolved {
        ip: Ipv4Addr,
        dropped: usize,
    },
    EchoReply {
        from: Ipv4Addr,
        ident: u16,
        seq: u16,
        len: usize,
    },
    /// An ICMP destination unreachable arrived.
    Unreachable {
        from: Ipv4Addr,
        code: u8,
    },
    /// A SYN for a listener whose SYN queue or backlog is full.
    SynDropped {
        port: u16,
    },
    /// No route: the destination is off-link and there is no gateway.
    NoRoute {
        dst: Ipv4Addr,
    },
    /// A fragment that could not be used.
    FragmentDropped {
        from: Ipv4Addr,
        why: FragmentError,
    },
    /// Datagrams whose fragments did not all arrive in time.
    ReassemblyTimedOut {
        datagrams: usize,
    },
}

/// A TCP segment being built: its bytes (from the Ethernet header, or from the IPv4 header
/// while the next hop's address is unknown) and where the TCP header starts.
struct TcpPacket {
    bytes: Vec<u8>,
    tcp_start: usize,
    framed: bool,
}

impl TcpPacket {
    /// The TCP header and what follows it: what the TCP checksum covers.
    fn segment(&mut self) -> &mut [u8] {
        self.bytes.get_mut(self.tcp_start..).unwrap_or_default()
    }
}

pub struct Interface {
    config: InterfaceConfig,
    arp: ArpCache,
    /// Frames ready to go.
    tx: VecDeque<Vec<u8>>,
    identification: u16,
    sockets: Sockets,
    reassembler: Reassembler,
    events: VecDeque<IfaceEvent>,
}

impl Interface {
    pub fn new(config: InterfaceConfig) -> Interface {
        Interface {
            arp: ArpCache::new(config.arp_lifetime, config.arp_retry),
            tx: VecDeque::new(),
            identification: 0,
            sockets: Sockets::default(),
            reassembler: Reassembler::new(config.reassembly_timeout),
            events: VecDeque::new(),
            config,
        }
    }

    pub fn config(&self) -> &InterfaceConfig {
        &self.config
    }

    pub fn ip(&self) -> Ipv4Addr {
        self.config.ip
    }

    pub fn poll_event(&mut self) -> Option<IfaceEvent> {
        self.events.pop_front()
    }

    fn event(&mut self, e: IfaceEvent) {
        if self.events.len() < 10_000 {
            self.events.push_back(e);
        }
    }

    // ---- input ------------------------------------------------------------------------

    /// Processes one received Ethernet frame.
    pub fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        let (eth, payload) = match EthernetRepr::parse(frame) {
            Ok(parsed) => parsed,
            Err(e) => return self.event(IfaceEvent::FrameDropped { why: e.to_string() }),
        };
        if eth.dst != self.config.mac && !eth.dst.is_broadcast() {
            return;
        }
        match eth.ethertype {
            EtherType::ARP => self.handle_arp(now, payload),
            EtherType::IPV4 => self.handle_ipv4(now, payload),
            _ => {}
        }
    }

    /// RFC 826, "Packet Reception": merge the sender into the cache if known or if the
    /// request is for us; answer requests for our address.
    fn handle_arp(&mut self, now: Instant, bytes: &[u8]) {
        let arp = match ArpRepr::parse(bytes) {
            Ok(arp) => arp,
            Err(e) => return self.event(IfaceEvent::FrameDropped { why: e.to_string() }),
        };
        let for_us = arp.target_ip == self.config.ip;
        if for_us || self.arp.knows(arp.sender_ip) {
            let waiting = self.arp.insert(arp.sender_ip, arp.sender_mac, now);
            self.event(IfaceEvent::ArpResolved {
                ip: arp.sender_ip,
                mac: arp.sender_mac,
            });
            for packet in waiting {
                self.tx
                    .push_back(self.ethernet_frame(arp.sender_mac, EtherType::IPV4, &packet));
            }
        }
        if for_us && arp.operation == ArpOperation::Request {
            let reply = ArpRepr {
                operation: ArpOperation::Reply,
                sender_mac: self.config.mac,
                sender_ip: self.config.ip,
                target_mac: arp.sender_mac,
                target_ip: arp.sender_ip,
            };
            let mut body = Vec::with_capacity(28);
            reply.emit(&mut body);
            self.tx
                .push_back(self.ethernet_frame(arp.sender_mac, EtherType::ARP, &body));
        }
    }

    fn handle_ipv4(&mut self, now: Instant, packet: &[u8]) {
        let (ip, payload) = match Ipv4Repr::parse(packet) {
            Ok(parsed) => parsed,
            Err(e) => return self.event(IfaceEvent::FrameDropped { why: e.to_string() }),
        };
        if ip.dst != self.config.ip {
            return; // not a router: packets for others are not forwarded
        }
        if ip.fragment.is_whole() {
            return self.dispatch(now, &ip, packet, payload);
        }
        match self.reassembler.add(now, &ip, payload) {
            Ok(Some((whole, datagram))) => {
                // ICMP errors quote the datagram with its header: rebuild one.
                let mut packet = Vec::with_capacity(20 + datagram.len());
                whole.emit(&mut packet);
                packet.extend_from_slice(&datagram);
                self.dispatch(now, &whole, &packet, &datagram);
            }
            Ok(None) => {}
            Err(why) => self.event(IfaceEvent::FragmentDropped { from: ip.src, why }),
        }
    }

    /// Hands a whole datagram to its protocol. `packet` is the datagram with its header.
    fn dispatch(&mut self, now: Instant, ip: &Ipv4Repr, packet: &[u8], payload: &[u8]) {
        match ip.protocol {
            IpProtocol::ICMP => self.handle_icmp(now, ip, payload),
            IpProtocol::UDP => self.handle_udp(now, ip, packet, payload),
            IpProtocol::TCP => self.handle_tcp(now, ip, payload),
            _ => {}
        }
    }

    fn handle_icmp(&mut self, now: Instant, ip: &Ipv4Repr, bytes: &[u8]) {
        let icmp = match IcmpRepr::parse(bytes) {
            Ok(icmp) => icmp,
            Err(e) => return self.event(IfaceEvent::FrameDropped { why: e.to_string() }),
        };
        match icmp {
            // RFC 1122 §3.2.2.6: "Every host MUST implement an ICMP Echo server".
            IcmpRepr::EchoRequest { ident, seq, data } => {
                let reply = IcmpRepr::EchoReply { ident, seq, data };
                self.send_icmp(now, ip.src, &reply);
            }
            IcmpRepr::EchoReply { ident, seq, data } => self.event(IfaceEvent::EchoReply {
                from: ip.src,
                ident,
                seq,
                len: data.len(),
            }),
            IcmpRepr::DestinationUnreachable { code, .. } => {
                self.event(IfaceEvent::Unreachable { from: ip.src, code })
            }
        }
    }

    fn handle_udp(&mut self, now: Instant, ip: &Ipv4Repr, packet: &[u8], bytes: &[u8]) {
        let (udp, payload) = match UdpRepr::parse(bytes, ip.src, ip.dst) {
            Ok(parsed) => parsed,
            Err(e) => return self.event(IfaceEvent::FrameDropped { why: e.to_string() }),
        };
        let from = SocketAddrV4::new(ip.src, udp.src_port);
        let limit = self.config.udp_queue_limit;
        if let Some(socket) = self.sockets.udp.get_mut(&udp.dst_port) {
            socket.deliver(from, payload, limit);
            return;
        }
        // RFC 1122 §4.1.3.1: "If a datagram arrives addressed to a UDP port for which there
        // is no pending LISTEN call, UDP SHOULD send an ICMP Port Unreachable message."
        // It quotes the IP header and the first 8 bytes of the datagram (RFC 792).
        let quoted_len = (packet.len() - bytes.len() + 8).min(packet.len());
        let quoted = packet.get(..quoted_len).unwrap_or_default().to_vec();
        let error = IcmpRepr::DestinationUnreachable {
            code: PORT_UNREACHABLE,
            quoted,
        };
        self.send_icmp(now, ip.src, &error);
    }

    fn handle_tcp(&mut self, now: Instant, ip: &Ipv4Repr, bytes: &[u8]) {
        let (repr, payload) = match TcpRepr::parse(bytes, ip.src, ip.dst) {
            Ok(parsed) => parsed,
            Err(e) => return self.event(IfaceEvent::FrameDropped { why: e.to_string() }),
        };
        let local = SocketAddrV4::new(ip.dst, repr.dst_port);
        let remote = SocketAddrV4::new(ip.src, repr.src_port);
        if let Some(connection) = self.sockets.find(local, remote) {
            let in_handshake = connection.state() == tcp::State::SynReceived;
            connection.handle_segment(now, remote, &repr, payload);
            if in_handshake && connection.state() != tcp::State::SynReceived {
                // A handshake ended: to the listener's backlog, or forgotten.
                self.sockets.service_listeners();
            }
            return;
        }
        if self.sockets.listeners.contains_key(&repr.dst_port) {
            if repr.control == crate::wire::Control::Syn && repr.ack.is_none() {
                if !self
                    .sockets
                    .accept_syn(&self.config, now, local, remote, &repr, payload)
                {
                    self.event(IfaceEvent::SynDropped {
                        port: repr.dst_port,
                    });
                }
                self.sockets.service_listeners();
                return;
            }
            if repr.ack.is_none() {
                return; // LISTEN drops what is neither SYN, ACK nor RST (RFC 9293 §3.10.7.2)
            }
        }
        // No connection: RFC 9293 §3.10.7.1, "If the state is CLOSED".
        if let Some(rst) = tcp::reset_for_closed(&repr, payload.len()) {
            let mut packet = self.tcp_packet(now, remote, &rst, 0);
            TcpRepr::fill_checksum(packet.segment(), *local.ip(), *remote.ip());
            self.send_packet(now, *remote.ip(), packet);
        }
    }

    // ---- output -----------------------------------------------------------------------

    /// The next frame to put on the link.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        loop {
            if let Some(frame) = self.tx.pop_front() {
                return Some(frame);
            }
            let (segment, handle) = self.sockets.poll_transmit(now)?;
            // Built in one buffer: the payload comes straight from the connection's send
            // buffer (one copy), then the checksum is computed once over the segment.
            let (src, dst) = (*segment.src.ip(), segment.dst);
            let mut packet = self.tcp_packet(now, dst, &segment.repr, segment.payload.len());
            if let Some(connection) = self.sockets.get(handle) {
                connection.append_payload(&segment, &mut packet.bytes);
            }
            TcpRepr::fill_checksum(packet.segment(), src, *dst.ip());
            if packet.framed {
                return Some(packet.bytes); // the queue is empty: nothing goes before it
            }
            self.send_ip(now, *dst.ip(), packet.bytes);
        }
    }

    /// When `handle_timeout` should run next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.sockets.poll_timeout(),
            self.arp.poll_timeout(),
            self.reassembler.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.sockets.handle_timeout(now);
        let expired = self.arp.handle_timeout(now);
        for ip in expired.ask_again {
            let frame = self.arp_request(ip);
            self.tx.push_back(frame);
        }
        let timed_out = self.reassembler.handle_timeout(now);
        if timed_out > 0 {
            self.event(IfaceEvent::ReassemblyTimedOut {
                datagrams: timed_out,
            });
        }
        if expired.dropped > 0 {
            self.event(IfaceEvent::Unresolved {
                ip: Ipv4Addr::UNSPECIFIED,
                dropped: expired.dropped,
            });
        }
        self.sockets.service_listeners();
    }

    /// A TCP segment's frame up to its payload: Ethernet header when the next hop's address
    /// is known (nearly always; else the packet waits for ARP without one), IPv4 header,
    /// TCP header with a zero checksum. The caller appends the payload and fills the
    /// checksum.
    fn tcp_packet(
        &mut self,
        now: Instant,
        dst: SocketAddrV4,
        repr: &TcpRepr,
        payload_len: usize,
    ) -> TcpPacket {
        let tcp_len = repr.header_len() + payload_len;
        let mac = self
            .next_hop(*dst.ip())
            .and_then(|hop| self.arp.lookup(hop, now));
        let mut bytes = Vec::with_capacity(ethernet::HEADER_LEN + ipv4::HEADER_LEN + tcp_len);
        if let Some(mac) = mac {
            EthernetRepr {
                src: self.config.mac,
                dst: mac,
                ethertype: EtherType::IPV4,
            }
            .emit(&mut bytes);
        }
        self.ip_header(*dst.ip(), IpProtocol::TCP, tcp_len)
            .emit(&mut bytes);
        let tcp_start = bytes.len();
        repr.emit_header(&mut bytes);
        TcpPacket {
            bytes,
            tcp_start,
            framed: mac.is_some(),
        }
    }

    /// Queues a packet from `tcp_packet`: the frame as it is, or the IPv4 packet for ARP.
    fn send_packet(&mut self, now: Instant, dst: Ipv4Addr, packet: TcpPacket) {
        if packet.framed {
            self.tx.push_back(packet.bytes);
        } else {
            self.send_ip(now, dst, packet.bytes);
        }
    }

    fn send_icmp(&mut self, now: Instant, dst: Ipv4Addr, icmp: &IcmpRepr) {
        let mut body = Vec::new();
        icmp.emit(&mut body);
        let mut packet = Vec::with_capacity(20 + body.len());
        self.ip_header(dst, IpProtocol::ICMP, body.len())
            .emit(&mut packet);
        packet.extend_from_slice(&body);
        self.send_ip(now, dst, packet);
    }

    fn ip_header(&mut self, dst: Ipv4Addr, protocol: IpProtocol, payload_len: usize) -> Ipv4Repr {
        self.identification = self.identification.wrapping_add(1);
        Ipv4Repr {
            src: self.config.ip,
            dst,
            protocol,
            ttl: self.config.ttl,
            payload_len,
            identification: self.identification,
            fragment: crate::wire::ipv4::Fragment::WHOLE,
        }
    }

    /// Where a packet for `dst` goes first: itself on the link, else the gateway.
    fn next_hop(&self, dst: Ipv4Addr) -> Option<Ipv4Addr> {
        let mask = u32::MAX
            .checked_shl(32 - u32::from(self.config.prefix_len.min(32)))
            .unwrap_or(0);
        let on_link = u32::from(dst) & mask == u32::from(self.config.ip) & mask;
        if on_link {
            Some(dst)
        } else {
            self.config.gateway
        }
    }

    /// Sends an IPv4 packet: at once if the next hop's MAC is known, else after ARP.
    fn send_ip(&mut self, now: Instant, dst: Ipv4Addr, packet: Vec<u8>) {
        let Some(hop) = self.next_hop(dst) else {
            return self.event(IfaceEvent::NoRoute { dst });
        };
        if let Some(mac) = self.arp.lookup(hop, now) {
            let frame = self.ethernet_frame(mac, EtherType::IPV4, &packet);
            self.tx.push_back(frame);
        } else if self.arp.queue(hop, packet, now) {
            let frame = self.arp_request(hop);
            self.tx.push_back(frame);
        }
    }

    fn arp_request(&self, ip: Ipv4Addr) -> Vec<u8> {
        let request = ArpRepr {
            operation: ArpOperation::Request,
            sender_mac: self.config.mac,
            sender_ip: self.config.ip,
            target_mac: EthernetAddress([0; 6]),
            target_ip: ip,
        };
        let mut body = Vec::with_capacity(28);
        request.emit(&mut body);
        self.ethernet_frame(EthernetAddress::BROADCAST, EtherType::ARP, &body)
    }

    /// A gratuitous ARP (RFC 5227 §3): announces our address, updating the caches of hosts
    /// that already know it.
    pub fn announce(&mut self) {
        let frame = self.arp_request(self.config.ip);
        self.tx.push_back(frame);
    }

    fn ethernet_frame(
        &self,
        dst: EthernetAddress,
        ethertype: EtherType,
        payload: &[u8],
    ) -> Vec<u8> {
        let mut frame = Vec::with_capacity(14 + payload.len());
        EthernetRepr {
            src: self.config.mac,
            dst,
            ethertype,
        }
        .emit(&mut frame);
        frame.extend_from_slice(payload);
        frame
    }

    // ---- ICMP and UDP for applications ------------------------------------------------

    /// Sends an ICMP echo request (ping).
    pub fn send_ping(&mut self, now: Instant, dst: Ipv4Addr, ident: u16, seq: u16, data: &[u8]) {
        let request = IcmpRepr::EchoRequest {
            ident,
            seq,
            data: data.to_vec(),
        };
        self.send_icmp(now, dst, &request);
    }

    /// Binds a UDP socket to `port`; false if it is taken.
    pub fn udp_bind(&mut self, port: u16) -> bool {
        self.sockets.udp_bind(port)
    }

    pub fn udp_send_to(&mut self, now: Instant, port: u16, dst: SocketAddrV4, data: &[u8]) {
        let udp = UdpRepr {
            src_port: port,
            dst_port: dst.port(),
        };
        let mut packet = Vec::with_capacity(28 + data.len());
        self.ip_header(*dst.ip(), IpProtocol::UDP, 8 + data.len())
            .emit(&mut packet);
        udp.emit(self.config.ip, *dst.ip(), data, &mut packet);
        self.send_ip(now, *dst.ip(), packet);
    }

    pub fn udp_recv_from(&mut self, port: u16) -> Option<(SocketAddrV4, Vec<u8>)> {
        self.sockets.udp.get_mut(&port)?.receive()
    }

    // ---- TCP for applications ---------------------------------------------------------

    /// Active OPEN from an ephemeral port.
    pub fn tcp_connect(&mut self, now: Instant, remote: SocketAddrV4) -> SocketHandle {
        let port = self.sockets.ephemeral_port();
        self.tcp_connect_from(now, port, remote)
    }

    /// Active OPEN from a chosen port (two of these towards each other make a simultaneous
    /// open, RFC 9293 §3.5 Figure 8).
    pub fn tcp_connect_from(
        &mut self,
        now: Instant,
        port: u16,
        remote: SocketAddrV4,
    ) -> SocketHandle {
        let local = SocketAddrV4::new(self.config.ip, port);
        let connection = Connection::connect(self.config.tcp.clone(), local, remote, now);
        self.sockets.insert(connection)
    }

    /// Passive OPEN: accept connections to `port`.
    pub fn tcp_listen(&mut self, port: u16) {
        let listener = Listener::new(self.config.syn_queue_limit, self.config.accept_backlog);
        self.sockets.listeners.insert(port, listener);
    }

    /// An established connection from the backlog of the listener on `port`.
    pub fn tcp_accept(&mut self, port: u16) -> Option<SocketHandle> {
        self.sockets.listeners.get_mut(&port)?.accept()
    }

    pub fn tcp(&mut self, handle: SocketHandle) -> Option<&mut Connection> {
        self.sockets.get_mut(handle)
    }

    /// Forgets a connection (after it closed, or to drop it without a word).
    pub fn tcp_remove(&mut self, handle: SocketHandle) {
        self.sockets.remove(handle);
    }

    /// Listener state, for observing SYN queue and backlog.
    pub fn listener(&self, port: u16) -> Option<&Listener> {
        self.sockets.listeners.get(&port)
    }

    /// Number of TCP connections held (any state).
    pub fn tcp_connections(&self) -> usize {
        self.sockets.count()
    }
}
