//! The ARP cache (RFC 826, RFC 1122 §2.3.2.1): IPv4 address -> MAC address, entries that
//! expire, and the packets waiting for an answer.

use crate::wire::EthernetAddress;
use crate::{Duration, Instant};
use std::collections::{BTreeMap, VecDeque};
use std::net::Ipv4Addr;

/// Packets kept per unresolved address (RFC 1122 §2.3.2.2: "SHOULD save at least one").
pub const MAX_PENDING_PER_ADDRESS: usize = 16;
/// ARP requests sent for one address before its waiting packets are dropped.
pub const MAX_REQUESTS: u32 = 3;

#[derive(Debug)]
struct Entry {
    mac: EthernetAddress,
    expires: Instant,
}

/// An address being resolved: when the last request went out, how many, what waits.
#[derive(Debug)]
struct Pending {
    last_request: Instant,
    requests: u32,
    packets: VecDeque<Vec<u8>>,
}

#[derive(Debug)]
pub struct ArpCache {
    entries: BTreeMap<Ipv4Addr, Entry>,
    /// The entry `lookup` found last, checked before the table: a host sends nearly every
    /// packet to one neighbour (its peer, or its gateway), and one comparison is cheaper
    /// than searching the table for every packet.
    last_found: Option<(Ipv4Addr, EthernetAddress, Instant)>,
    /// Ordered by address, so that repeated requests leave in the same order on every run:
    /// the order of a `HashMap` changes from run to run, and a lesson must not.
    pending: BTreeMap<Ipv4Addr, Pending>,
    lifetime: Duration,
    retry: Duration,
}

/// What `ArpCache::handle_timeout` decided.
#[derive(Debug, Default)]
pub struct Expired {
    /// Addresses to ask again.
    pub ask_again: Vec<Ipv4Addr>,
    /// Packets dropped because their address never answered.
    pub dropped: usize,
}

impl ArpCache {
    pub fn new(lifetime: Duration, retry: Duration) -> ArpCache {
        ArpCache {
            entries: BTreeMap::new(),
            last_found: None,
            pending: BTreeMap::new(),
            lifetime,
            retry,
        }
    }

    /// The MAC of `ip`, if known and fresh.
    pub fn lookup(&mut self, ip: Ipv4Addr, now: Instant) -> Option<EthernetAddress> {
        if let Some((last_ip, mac, expires)) = self.last_found {
            if last_ip == ip && expires > now {
                return Some(mac);
            }
        }
        let entry = self.entries.get(&ip).filter(|e| e.expires > now)?;
        self.last_found = Some((ip, entry.mac, entry.expires));
        Some(entry.mac)
    }

    /// Records a mapping; returns the packets that were waiting for it.
    pub fn insert(
        &mut self,
        ip: Ipv4Addr,
        mac: EthernetAddress,
        now: Instant,
    ) -> VecDeque<Vec<u8>> {
        self.last_found = None;
        self.entries.insert(
            ip,
            Entry {
                mac,
                expires: now + self.lifetime,
            },
        );
        self.pending
            .remove(&ip)
            .map(|p| p.packets)
            .unwrap_or_default()
    }

    /// Whether an entry for `ip` exists (RFC 826: update only addresses already known,
    /// unless the packet is for us).
    pub fn knows(&self, ip: Ipv4Addr) -> bool {
        self.entries.contains_key(&ip)
    }

    /// Queues an IP packet for `ip`. Returns true when an ARP request should go out now
    /// (the first packet for this address).
    pub fn queue(&mut self, ip: Ipv4Addr, packet: Vec<u8>, now: Instant) -> bool {
        let pending = self.pending.entry(ip).or_insert(Pending {
            last_request: now,
            requests: 0,
            packets: VecDeque::new(),
        });
        if pending.packets.len() >= MAX_PENDING_PER_ADDRESS {
            pending.packets.pop_front();
        }
        pending.packets.push_back(packet);
        if pending.requests == 0 {
            pending.requests = 1;
            pending.last_request = now;
            return true;
        }
        false
    }

    /// Forgets stale entries, repeats requests, gives up after `MAX_REQUESTS` (3) requests.
    pub fn handle_timeout(&mut self, now: Instant) -> Expired {
        self.entries.retain(|_, e| e.expires > now);
        self.last_found = None;
        let mut expired = Expired::default();
        let retry = self.retry;
        self.pending.retain(|ip, p| {
            if p.last_request + retry > now {
                return true;
            }
            if p.requests >= MAX_REQUESTS {
                expired.dropped += p.packets.len();
                return false;
            }
            p.requests += 1;
            p.last_request = now;
            expired.ask_again.push(*ip);
            true
        });
        expired
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let retries = self.pending.values().map(|p| p.last_request + self.retry);
        let expiries = self.entries.values().map(|e| e.expires);
        retries.chain(expiries).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: EthernetAddress = EthernetAddress([2, 0, 0, 0, 0, 2]);
    const IP: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    fn cache() -> ArpCache {
        ArpCache::new(Duration::from_secs(60), Duration::from_secs(1))
    }

    #[test]
    fn an_entry_answers_until_it_expires() {
        let mut arp = cache();
        arp.insert(IP, MAC, Instant::ZERO);
        assert_eq!(arp.lookup(IP, Instant::from_millis(59_999)), Some(MAC));
        assert_eq!(arp.lookup(IP, Instant::from_millis(60_000)), None);
    }

    #[test]
    fn a_new_address_for_a_neighbour_replaces_the_one_last_looked_up() {
        let mut arp = cache();
        arp.insert(IP, MAC, Instant::ZERO);
        assert_eq!(arp.lookup(IP, Instant::ZERO), Some(MAC));
        let moved = EthernetAddress([2, 0, 0, 0, 0, 9]);
        arp.insert(IP, moved, Instant::from_millis(5));
        assert_eq!(arp.lookup(IP, Instant::from_millis(5)), Some(moved));
        assert_eq!(arp.lookup(Ipv4Addr::new(10, 0, 0, 3), Instant::ZERO), None);
    }

    #[test]
    fn packets_wait_for_the_reply_and_only_the_first_one_asks() {
        let mut arp = cache();
        assert!(arp.queue(IP, vec![1], Instant::ZERO));
        assert!(!arp.queue(IP, vec![2], Instant::ZERO));
        let waiting = arp.insert(IP, MAC, Instant::from_millis(10));
        assert_eq!(waiting, [vec![1], vec![2]]);
    }

    #[test]
    fn an_address_that_never_answers_is_asked_three_times_then_its_packets_dropped() {
        let mut arp = cache();
        arp.queue(IP, vec![1], Instant::ZERO);
        assert_eq!(
            arp.handle_timeout(Instant::from_millis(1000)).ask_again,
            [IP]
        );
        assert_eq!(
            arp.handle_timeout(Instant::from_millis(2000)).ask_again,
            [IP]
        );
        let last = arp.handle_timeout(Instant::from_millis(3000));
        assert_eq!((last.ask_again.len(), last.dropped), (0, 1));
        assert_eq!(arp.poll_timeout(), None);
    }

    #[test]
    fn addresses_whose_timers_expire_together_are_asked_again_in_address_order() {
        let low = Ipv4Addr::new(10, 0, 0, 2);
        let high = Ipv4Addr::new(10, 0, 0, 3);
        for _ in 0..8 {
            let mut arp = cache();
            arp.queue(high, vec![1], Instant::ZERO);
            arp.queue(low, vec![2], Instant::ZERO);
            let expired = arp.handle_timeout(Instant::from_millis(1000));
            assert_eq!(expired.ask_again, [low, high]);
        }
    }
}
