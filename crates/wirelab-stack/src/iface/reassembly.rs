//! IPv4 reassembly (RFC 791 §3.2; the bookkeeping of RFC 815): fragments of one datagram
//! share source, destination, protocol and identification; each says where its bytes go
//! (offset) and whether more follow (MF). The datagram is whole when the bytes from 0 to the
//! end of the fragment without MF have all arrived.
//!
//! Memory stays bounded: at most [`MAX_DATAGRAMS`] datagrams are being reassembled, each
//! at most 65,535 bytes, and each is forgotten if it is not complete within the timeout
//! (RFC 1122 §3.3.2: "a reassembly timeout value ... in the range 60 seconds to 120
//! seconds" is recommended; Linux uses 30).

use crate::wire::{Fragment, IpProtocol, Ipv4Repr};
use crate::{Duration, Instant};
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// Datagrams reassembled at once; fragments of a further one are dropped.
pub const MAX_DATAGRAMS: usize = 16;
/// The largest IPv4 payload (total length 65,535 minus a 20-byte header).
const MAX_PAYLOAD: usize = 65_515;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpProtocol,
    identification: u16,
}

#[derive(Debug)]
struct Datagram {
    data: Vec<u8>,
    /// Byte ranges received, disjoint and sorted.
    received: Vec<(usize, usize)>,
    /// Known once the fragment without MF arrived.
    total: Option<usize>,
    deadline: Instant,
}

/// Why a fragment was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FragmentError {
    TooManyDatagrams,
    /// It would end beyond 65,535 bytes, or after the end another fragment declared.
    BeyondTheEnd,
    /// A fragment with MF set must carry a multiple of 8 bytes (RFC 791).
    NotAMultipleOfEight,
}

#[derive(Debug)]
pub struct Reassembler {
    datagrams: HashMap<Key, Datagram>,
    timeout: Duration,
}

impl Reassembler {
    pub fn new(timeout: Duration) -> Reassembler {
        Reassembler {
            datagrams: HashMap::new(),
            timeout,
        }
    }

    /// Datagrams waiting for fragments.
    pub fn pending(&self) -> usize {
        self.datagrams.len()
    }

    /// Adds a fragment; returns the whole datagram when this completes it.
    pub fn add(
        &mut self,
        now: Instant,
        ip: &Ipv4Repr,
        payload: &[u8],
    ) -> Result<Option<(Ipv4Repr, Vec<u8>)>, FragmentError> {
        let key = Key {
            src: ip.src,
            dst: ip.dst,
            protocol: ip.protocol,
            identification: ip.identification,
        };
        let Fragment { offset, more } = ip.fragment;
        let end = offset + payload.len();
        if more && !payload.len().is_multiple_of(8) {
            return Err(FragmentError::NotAMultipleOfEight);
        }
        if end > MAX_PAYLOAD {
            self.datagrams.remove(&key);
            return Err(FragmentError::BeyondTheEnd);
        }
        if !self.datagrams.contains_key(&key) && self.datagrams.len() >= MAX_DATAGRAMS {
            return Err(FragmentError::TooManyDatagrams);
        }
        let deadline = now + self.timeout;
        let datagram = self.datagrams.entry(key).or_insert_with(|| Datagram {
            data: Vec::new(),
            received: Vec::new(),
            total: None,
            deadline,
        });
        let inconsistent = match datagram.total {
            Some(total) => end > total || (!more && end != total),
            None => !more && datagram.received.iter().any(|&(_, e)| e > end),
        };
        if inconsistent {
            self.datagrams.remove(&key);
            return Err(FragmentError::BeyondTheEnd);
        }
        if !more {
            datagram.total = Some(end);
        }
        if datagram.data.len() < end {
            datagram.data.resize(end, 0);
        }
        if let Some(slot) = datagram.data.get_mut(offset..end) {
            slot.copy_from_slice(payload);
        }
        insert_range(&mut datagram.received, offset, end);
        let complete = datagram
            .total
            .is_some_and(|total| datagram.received.as_slice() == [(0, total)]);
        if !complete {
            return Ok(None);
        }
        let Some(datagram) = self.datagrams.remove(&key) else {
            return Ok(None);
        };
        let whole = Ipv4Repr {
            payload_len: datagram.data.len(),
            fragment: Fragment::WHOLE,
            ..*ip
        };
        Ok(Some((whole, datagram.data)))
    }

    /// Forgets datagrams whose time is up; returns how many.
    pub fn handle_timeout(&mut self, now: Instant) -> usize {
        let before = self.datagrams.len();
        self.datagrams.retain(|_, d| d.deadline > now);
        before - self.datagrams.len()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.datagrams.values().map(|d| d.deadline).min()
    }
}

fn insert_range(ranges: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    let (mut start, mut end) = (start, end);
    ranges.retain(|&(s, e)| {
        let touches = s <= end && start <= e;
        if touches {
            start = start.min(s);
            end = end.max(e);
        }
        !touches
    });
    let at = ranges
        .iter()
        .position(|&(s, _)| s > start)
        .unwrap_or(ranges.len());
    ranges.insert(at, (start, end));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragment(offset: usize, more: bool, len: usize) -> Ipv4Repr {
        Ipv4Repr {
            src: Ipv4Addr::new(10, 0, 0, 1),
            dst: Ipv4Addr::new(10, 0, 0, 2),
            protocol: IpProtocol::UDP,
            ttl: 64,
            payload_len: len,
            identification: 7,
            fragment: Fragment { offset, more },
        }
    }

    fn bytes(offset: usize, len: usize) -> Vec<u8> {
        (offset..offset + len).map(|i| i as u8).collect()
    }

    #[test]
    fn fragments_in_any_order_make_the_datagram() {
        let mut r = Reassembler::new(Duration::from_secs(30));
        let now = Instant::ZERO;
        assert_eq!(
            r.add(now, &fragment(2400, false, 600), &bytes(2400, 600)),
            Ok(None)
        );
        assert_eq!(
            r.add(now, &fragment(0, true, 1200), &bytes(0, 1200)),
            Ok(None)
        );
        let (whole, data) = r
            .add(now, &fragment(1200, true, 1200), &bytes(1200, 1200))
            .unwrap()
            .unwrap();
        assert_eq!((whole.payload_len, whole.fragment), (3000, Fragment::WHOLE));
        assert_eq!(data, bytes(0, 3000));
        assert_eq!(r.pending(), 0);
    }

    #[test]
    fn an_incomplete_datagram_is_forgotten_after_the_timeout() {
        let mut r = Reassembler::new(Duration::from_secs(30));
        r.add(Instant::ZERO, &fragment(0, true, 8), &bytes(0, 8))
            .unwrap();
        assert_eq!(r.poll_timeout(), Some(Instant::from_millis(30_000)));
        assert_eq!(r.handle_timeout(Instant::from_millis(29_999)), 0);
        assert_eq!(r.handle_timeout(Instant::from_millis(30_000)), 1);
    }

    #[test]
    fn memory_is_bounded_by_the_number_of_datagrams_and_their_size() {
        let mut r = Reassembler::new(Duration::from_secs(30));
        for id in 0..MAX_DATAGRAMS as u16 {
            let ip = Ipv4Repr {
                identification: id,
                ..fragment(0, true, 8)
            };
            r.add(Instant::ZERO, &ip, &bytes(0, 8)).unwrap();
        }
        let one_more = Ipv4Repr {
            identification: 999,
            ..fragment(0, true, 8)
        };
        assert_eq!(
            r.add(Instant::ZERO, &one_more, &bytes(0, 8)),
            Err(FragmentError::TooManyDatagrams)
        );
        assert_eq!(
            r.add(Instant::ZERO, &fragment(65_512, false, 8), &bytes(0, 8)),
            Err(FragmentError::BeyondTheEnd)
        );
    }

    #[test]
    fn a_fragment_with_mf_must_carry_a_multiple_of_eight_bytes() {
        let mut r = Reassembler::new(Duration::from_secs(30));
        assert_eq!(
            r.add(Instant::ZERO, &fragment(0, true, 7), &bytes(0, 7)),
            Err(FragmentError::NotAMultipleOfEight)
        );
    }
}
