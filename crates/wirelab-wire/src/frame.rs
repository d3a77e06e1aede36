//! A captured frame: the unit every source produces and every view consumes.
//!
//! A pcap file, a live interface, the user-space stack and a demo on the simulated link all
//! produce `Frame`s, so that every view works on every source (see DESIGN.md, "everything is a
//! trace").

use std::fmt;

/// A point in time, as captured: seconds and nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    /// Always below 1 000 000 000.
    pub nanos: u32,
}

impl Timestamp {
    pub const fn new(secs: i64, nanos: u32) -> Timestamp {
        Timestamp { secs, nanos }
    }

    /// Nanoseconds since the epoch (fits in i128 for any capture).
    pub fn as_nanos(self) -> i128 {
        self.secs as i128 * 1_000_000_000 + self.nanos as i128
    }

    pub fn from_nanos(nanos: i128) -> Timestamp {
        Timestamp {
            secs: nanos.div_euclid(1_000_000_000) as i64,
            nanos: nanos.rem_euclid(1_000_000_000) as u32,
        }
    }

    /// `self - earlier`, which may be negative when a capture's clock stepped backwards.
    pub fn since(self, earlier: Timestamp) -> Timestamp {
        // Borrow from the seconds by hand: 128-bit division would cost more than the rest of
        // the summary line, and this runs for every frame.
        let mut secs = self.secs.saturating_sub(earlier.secs);
        let mut nanos = self.nanos as i64 - earlier.nanos as i64;
        if nanos < 0 {
            nanos += 1_000_000_000;
            secs = secs.saturating_sub(1);
        }
        Timestamp {
            secs,
            nanos: nanos as u32,
        }
    }
}

impl fmt::Display for Timestamp {
    /// Seconds with nine decimals, as tshark prints `frame.time_epoch`; negative values keep
    /// their sign (`-0.250000000`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secs < 0 && self.nanos > 0 {
            let magnitude = Timestamp::from_nanos(-self.as_nanos());
            write!(f, "-{}.{:09}", magnitude.secs, magnitude.nanos)
        } else {
            write!(f, "{}.{:09}", self.secs, self.nanos)
        }
    }
}

/// A link-layer header type, as registered by tcpdump.org (LINKTYPE_*). Open: unknown values
/// are kept and print as their number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IP, version taken from the first nibble.
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The LINKTYPE_ name without its prefix, where wirelab knows it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NULL",
            1 => "ETHERNET",
            101 => "RAW",
            108 => "LOOP",
            113 => "LINUX_SLL",
            228 => "IPV4",
            229 => "IPV6",
            276 => "LINUX_SLL2",
            _ => return None,
        })
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} ({})", self.0),
            None => write!(f, "unknown link type {}", self.0),
        }
    }
}

/// One captured frame. `bytes` may be shorter than `orig_len` when the capture's snap length
/// cut it.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// 1-based position in the trace, as Wireshark numbers frames.
    pub number: u64,
    pub ts: Timestamp,
    pub link: LinkType,
    /// Length of the frame on the wire.
    pub orig_len: u32,
    /// The bytes that were captured (`frame.cap_len` of them).
    pub bytes: &'a [u8],
    /// Index of the pcapng interface the frame came from (0 for pcap).
    pub interface: u32,
}

impl Frame<'_> {
    /// Whether the snap length cut this frame short.
    pub fn is_truncated(&self) -> bool {
        (self.bytes.len() as u64) < self.orig_len as u64
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn since_borrows_a_second_when_the_nanoseconds_underflow() {
        let later = Timestamp::new(10, 100);
        let earlier = Timestamp::new(8, 200);
        assert_eq!(later.since(earlier), Timestamp::new(1, 999_999_900));
        assert_eq!(
            earlier.since(later),
            Timestamp::from_nanos(earlier.as_nanos() - later.as_nanos())
        );
    }
}
