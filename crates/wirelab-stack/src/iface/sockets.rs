//! The sockets of an interface: TCP connections found by their 4-tuple, listeners with a
//! bounded SYN queue and backlog, and UDP sockets.

use super::InterfaceConfig;
use crate::tcp::{Connection, State, Transmit};
use crate::wire::TcpRepr;
use crate::Instant;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddrV4;

/// Names a TCP connection of an interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SocketHandle(usize);

/// A listening port. A SYN creates a connection in SYN-RECEIVED, held in the SYN queue;
/// once its handshake completes it moves to the backlog, where `accept` finds it. Both are
/// bounded, so that a SYN flood (SYNs from addresses that never answer) holds at most
/// `syn_limit` connections, each until its SYN,ACK retransmissions give up.
#[derive(Debug)]
pub struct Listener {
    syn_queue: Vec<SocketHandle>,
    backlog: VecDeque<SocketHandle>,
    syn_limit: usize,
    backlog_limit: usize,
    /// SYNs refused because a queue was full.
    pub syns_dropped: u64,
}

impl Listener {
    pub fn new(syn_limit: usize, backlog_limit: usize) -> Listener {
        Listener {
            syn_queue: Vec::new(),
            backlog: VecDeque::new(),
            syn_limit,
            backlog_limit,
            syns_dropped: 0,
        }
    }

    pub fn accept(&mut self) -> Option<SocketHandle> {
        self.backlog.pop_front()
    }

    /// Connections still in the handshake.
    pub fn syn_queue_len(&self) -> usize {
        self.syn_queue.len()
    }

    pub fn backlog_len(&self) -> usize {
        self.backlog.len()
    }
}

/// A UDP socket: datagrams received, with their sender, up to a limit.
#[derive(Debug, Default)]
pub struct UdpSocket {
    rx: VecDeque<(SocketAddrV4, Vec<u8>)>,
    /// Datagrams dropped because the queue was full.
    pub dropped: u64,
}

impl UdpSocket {
    pub(super) fn deliver(&mut self, from: SocketAddrV4, payload: &[u8], limit: usize) {
        if self.rx.len() >= limit {
            self.dropped += 1;
            return;
        }
        self.rx.push_back((from, payload.to_vec()));
    }

    pub(super) fn receive(&mut self) -> Option<(SocketAddrV4, Vec<u8>)> {
        self.rx.pop_front()
    }
}

#[derive(Default)]
pub(super) struct Sockets {
    connections: Vec<Option<Connection>>,
    by_tuple: HashMap<(SocketAddrV4, SocketAddrV4), SocketHandle>,
    /// The connection `find` found last: segments come in runs for one connection, and
    /// comparing two addresses is cheaper than hashing them.
    last_found: Option<SocketHandle>,
    pub listeners: HashMap<u16, Listener>,
    pub udp: HashMap<u16, UdpSocket>,
    next_ephemeral: u16,
    /// Where the round-robin of `poll_transmit` continues.
    next_to_poll: usize,
}

/// The dynamic port range (RFC 6335 §6).
const EPHEMERAL_FIRST: u16 = 49152;

impl Sockets {
    pub fn ephemeral_port(&mut self) -> u16 {
        let offset = self.next_ephemeral % (u16::MAX - EPHEMERAL_FIRST);
        self.next_ephemeral = self.next_ephemeral.wrapping_add(1);
        EPHEMERAL_FIRST + offset
    }

    pub fn insert(&mut self, connection: Connection) -> SocketHandle {
        let key = (connection.local(), connection.remote());
        let handle = match self.connections.iter().position(Option::is_none) {
            Some(free) => {
                self.connections[free] = Some(connection);
                SocketHandle(free)
            }
            None => {
                self.connections.push(Some(connection));
                SocketHandle(self.connections.len() - 1)
            }
        };
        self.by_tuple.insert(key, handle);
        self.last_found = None;
        handle
    }

    pub fn get(&self, handle: SocketHandle) -> Option<&Connection> {
        self.connections.get(handle.0)?.as_ref()
    }

    pub fn get_mut(&mut self, handle: SocketHandle) -> Option<&mut Connection> {
        self.connections.get_mut(handle.0)?.as_mut()
    }

    pub fn remove(&mut self, handle: SocketHandle) {
        self.last_found = None;
        if let Some(slot) = self.connections.get_mut(handle.0) {
            if let Some(c) = slot.take() {
                if self.by_tuple.get(&(c.local(), c.remote())) == Some(&handle) {
                    self.by_tuple.remove(&(c.local(), c.remote()));
                }
            }
        }
    }

    pub fn count(&self) -> usize {
        self.connections.iter().flatten().count()
    }

    /// The live connection for this 4-tuple (a CLOSED one no longer answers).
    pub fn find(&mut self, local: SocketAddrV4, remote: SocketAddrV4) -> Option<&mut Connection> {
        let same_as_last = self
            .last_found
            .and_then(|handle| self.get(handle))
            .is_some_and(|c| c.local() == local && c.remote() == remote);
        let handle = match self.last_found {
            Some(handle) if same_as_last => handle,
            _ => *self.by_tuple.get(&(local, remote))?,
        };
        self.last_found = Some(handle);
        self.get_mut(handle).filter(|c| c.state() != State::Closed)
    }

    /// A SYN for a listener: a new connection in SYN-RECEIVED, if the queues have room.
    pub fn accept_syn(
        &mut self,
        config: &InterfaceConfig,
        now: Instant,
        local: SocketAddrV4,
        remote: SocketAddrV4,
        syn: &TcpRepr,
        payload: &[u8],
    ) -> bool {
        let Some(listener) = self.listeners.get_mut(&local.port()) else {
            return false;
        };
        if listener.syn_queue.len() >= listener.syn_limit
            || listener.backlog.len() >= listener.backlog_limit
        {
            listener.syns_dropped += 1;
            return false;
        }
        let mut connection = Connection::listen(config.tcp.clone(), local, now);
        connection.handle_segment(now, remote, syn, payload);
        let handle = self.insert(connection);
        if let Some(listener) = self.listeners.get_mut(&local.port()) {
            listener.syn_queue.push(handle);
        }
        true
    }

    /// Moves finished handshakes to the backlog; forgets handshakes that failed.
    pub fn service_listeners(&mut self) {
        if self.listeners.values().all(|l| l.syn_queue.is_empty()) {
            return; // no listener has a handshake under way
        }
        let mut forget = Vec::new();
        for listener in self.listeners.values_mut() {
            let connections = &self.connections;
            listener.syn_queue.retain(|handle| {
                let state = connections
                    .get(handle.0)
                    .and_then(Option::as_ref)
                    .map_or(State::Closed, Connection::state);
                match state {
                    State::SynReceived => true,
                    State::Closed | State::Listen => {
                        forget.push(*handle);
                        false
                    }
                    _ => {
                        listener.backlog.push_back(*handle);
                        false
                    }
                }
            });
        }
        for handle in forget {
            self.remove(handle);
        }
    }

    /// The next segment of any connection, taking turns, with the handle of the connection
    /// that sent it (which holds the segment's payload).
    pub fn poll_transmit(&mut self, now: Instant) -> Option<(Transmit, SocketHandle)> {
        let n = self.connections.len();
        for i in 0..n {
            let index = (self.next_to_poll + i) % n;
            let Some(Some(c)) = self.connections.get_mut(index) else {
                continue;
            };
            if let Some(t) = c.poll_transmit(now) {
                self.next_to_poll = index + 1;
                return Some((t, SocketHandle(index)));
            }
        }
        None
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.connections
            .iter()
            .flatten()
            .filter_map(Connection::poll_timeout)
            .min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        for c in self.connections.iter_mut().flatten() {
            if c.poll_timeout().is_some_and(|t| t <= now) {
                c.handle_timeout(now);
            }
        }
    }

    pub fn udp_bind(&mut self, port: u16) -> bool {
        if self.udp.contains_key(&port) {
            return false;
        }
        self.udp.insert(port, UdpSocket::default());
        true
    }
}
