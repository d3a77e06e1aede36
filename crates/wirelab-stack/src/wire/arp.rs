//! ARP for IPv4 over Ethernet (RFC 826): "who has 10.0.0.2? tell 10.0.0.1".
//!
//! ```text
//!  0       2       4   5   6       8             14        18            24        28
//! +-------+-------+---+---+-------+-------------+---------+-------------+---------+
//! | htype | ptype |hln|pln|  op   | sender MAC  | sender IP| target MAC | target IP|
//! |   1   |0x0800 | 6 | 4 | 1 / 2 |             |          |            |          |
//! +-------+-------+---+---+-------+-------------+---------+-------------+---------+
//! ```

use super::{be16, Error, EthernetAddress};
use std::fmt;
use std::net::Ipv4Addr;

mod field {
    use std::ops::Range;
    pub const HTYPE: usize = 0;
    pub const PTYPE: usize = 2;
    pub const HLEN: usize = 4;
    pub const PLEN: usize = 5;
    pub const OPER: usize = 6;
    pub const SHA: Range<usize> = 8..14;
    pub const SPA: Range<usize> = 14..18;
    pub const THA: Range<usize> = 18..24;
    pub const TPA: Range<usize> = 24..28;
}

pub const PACKET_LEN: usize = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArpOperation {
    Request,
    Reply,
}

/// An ARP packet for IPv4 over Ethernet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpRepr {
    pub operation: ArpOperation,
    pub sender_mac: EthernetAddress,
    pub sender_ip: Ipv4Addr,
    pub target_mac: EthernetAddress,
    pub target_ip: Ipv4Addr,
}

fn ipv4_at(bytes: &[u8], range: std::ops::Range<usize>) -> Option<Ipv4Addr> {
    let b = bytes.get(range)?;
    Some(Ipv4Addr::new(
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ))
}

fn mac_at(bytes: &[u8], range: std::ops::Range<usize>) -> Option<EthernetAddress> {
    let mut mac = [0u8; 6];
    mac.copy_from_slice(bytes.get(range)?);
    Some(EthernetAddress(mac))
}

impl ArpRepr {
    pub fn parse(bytes: &[u8]) -> Result<ArpRepr, Error> {
        if bytes.len() < PACKET_LEN {
            return Err(Error::truncated("arp", PACKET_LEN, bytes.len()));
        }
        let expect = |at: usize, what: &str, want: u16, found: Option<u16>| match found {
            Some(v) if v == want => Ok(()),
            found => Err(Error::new(
                "arp",
                at,
                format!("expected {what} {want}, found {}", found.unwrap_or(0)),
            )),
        };
        expect(field::HTYPE, "hardware type", 1, be16(bytes, field::HTYPE))?;
        expect(
            field::PTYPE,
            "protocol type",
            0x0800,
            be16(bytes, field::PTYPE),
        )?;
        let lengths = (bytes.get(field::HLEN), bytes.get(field::PLEN));
        if lengths != (Some(&6), Some(&4)) {
            return Err(Error::new(
                "arp",
                field::HLEN,
                format!("expected address lengths 6 and 4, found {lengths:?}"),
            ));
        }
        let operation = match be16(bytes, field::OPER) {
            Some(1) => ArpOperation::Request,
            Some(2) => ArpOperation::Reply,
            other => {
                return Err(Error::new(
                    "arp",
                    field::OPER,
                    format!("expected operation 1 or 2, found {}", other.unwrap_or(0)),
                ))
            }
        };
        let (Some(sender_mac), Some(sender_ip), Some(target_mac), Some(target_ip)) = (
            mac_at(bytes, field::SHA),
            ipv4_at(bytes, field::SPA),
            mac_at(bytes, field::THA),
            ipv4_at(bytes, field::TPA),
        ) else {
            return Err(Error::truncated("arp", PACKET_LEN, bytes.len()));
        };
        Ok(ArpRepr {
            operation,
            sender_mac,
            sender_ip,
            target_mac,
            target_ip,
        })
    }

    pub fn emit(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&0x0800u16.to_be_bytes());
        out.extend_from_slice(&[6, 4]);
        let op: u16 = match self.operation {
            ArpOperation::Request => 1,
            ArpOperation::Reply => 2,
        };
        out.extend_from_slice(&op.to_be_bytes());
        out.extend_from_slice(&self.sender_mac.0);
        out.extend_from_slice(&self.sender_ip.octets());
        out.extend_from_slice(&self.target_mac.0);
        out.extend_from_slice(&self.target_ip.octets());
    }
}

impl fmt::Display for ArpRepr {
    /// As tcpdump: `ARP, Request who-has 10.0.0.2 tell 10.0.0.1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.operation {
            ArpOperation::Request => write!(
                f,
                "ARP, Request who-has {} tell {}",
                self.target_ip, self.sender_ip
            ),
            ArpOperation::Reply => {
                write!(f, "ARP, Reply {} is-at {}", self.sender_ip, self.sender_mac)
            }
        }
    }
}
