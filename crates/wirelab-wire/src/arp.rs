//! ARP, the Address Resolution Protocol (RFC 826): how a host finds the MAC address that
//! belongs to an IPv4 address on its link, by broadcasting "who has 10.0.0.2?" and hearing
//! "10.0.0.2 is at 02:00:00:00:00:02".
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Hardware type         |         Protocol type         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Hardware size | Protocol size |            Opcode             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | Sender hardware address (hardware size bytes) ...             |
//! | Sender protocol address (protocol size bytes) ...             |
//! | Target hardware address ...                                   |
//! | Target protocol address ...                                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The same packet format carries RARP (RFC 903) and Inverse ARP (RFC 2390) opcodes. RFC 5227
//! adds names for two kinds of request: a *probe* (sender IP 0.0.0.0), which asks whether an
//! address is free, and an *announcement* (sender IP = target IP), which claims it.

use crate::dissector::Ctx;
use crate::ethernet::{Mac, ETHERTYPES};
use crate::field::{FieldDef, Value, ValueNames};
use crate::link::{be16, ipv4_at, mac_at, report_short};
use std::fmt::Write;
use std::net::Ipv4Addr;
use std::ops::Range;

mod hardware_types;
pub use hardware_types::HARDWARE_TYPES;

/// The fixed part: types, sizes and opcode.
const FIXED_LEN: usize = 8;

/// Hardware type 19, ATM as RFC 2225 uses it: the packet is ATMARP, laid out differently.
const HARDWARE_ATM_RFC2225: u16 = 19;

const REQUEST: u16 = 1;
const REPLY: u16 = 2;

static OPCODES: ValueNames = &[
    (0, "reserved"),
    (1, "request"),
    (2, "reply"),
    (3, "reverse request"),
    (4, "reverse reply"),
    (5, "drarp request"),
    (6, "drarp reply"),
    (7, "drarp error"),
    (8, "inverse request"),
    (9, "inverse reply"),
    (10, "arp nak"),
    (11, "mars request"),
    (12, "mars multi"),
    (13, "mars mserv"),
    (14, "mars join"),
    (15, "mars leave"),
    (16, "mars nak"),
    (17, "mars unserv"),
    (18, "mars sjoin"),
    (19, "mars sleave"),
    (20, "mars grouplist request"),
    (21, "mars grouplist reply"),
    (22, "mars redirect map"),
    (23, "mapos unarp"),
    (24, "experimental 1"),
    (25, "experimental 2"),
    (65535, "reserved"),
];

crate::field!(ARP, "arp", "Address Resolution Protocol", Protocol, "a request for, or an answer giving, the link-layer address that goes with a network address (RFC 826)");
crate::field!(HW_TYPE, "arp.hw.type", "Hardware type", UInt 16, Dec, names = HARDWARE_TYPES, "what kind of link the addresses are for; 1 is Ethernet (RFC 826, \"ar$hrd\")");
crate::field!(PROTO_TYPE, "arp.proto.type", "Protocol type", UInt 16, Hex, names = ETHERTYPES, "which network protocol's addresses are being resolved, as an EtherType; 0x0800 is IPv4 (RFC 826, \"ar$pro\")");
crate::field!(HW_SIZE, "arp.hw.size", "Hardware size", UInt 8, Dec, "how many bytes a hardware address has; 6 for Ethernet (RFC 826, \"ar$hln\")");
crate::field!(PROTO_SIZE, "arp.proto.size", "Protocol size", UInt 8, Dec, "how many bytes a protocol address has; 4 for IPv4 (RFC 826, \"ar$pln\")");
crate::field!(OPCODE, "arp.opcode", "Opcode", UInt 16, Dec, names = OPCODES, "what the packet is: 1 a request (\"who has?\"), 2 a reply (\"is at\"); RARP and Inverse ARP use others (RFC 826, \"ar$op\")");
crate::field!(IS_GRATUITOUS, "arp.isgratuitous", "Is gratuitous", Bool, mask = 0, "a request or reply whose sender and target IP addresses are the same: the sender announces its own binding rather than asking (RFC 5227 §3)");
crate::field!(IS_PROBE, "arp.isprobe", "Is probe", Bool, mask = 0, "a request with sender IP 0.0.0.0 and an all-zero target MAC: the sender asks whether anyone already uses the address before taking it (RFC 5227 §2.1.1)");
crate::field!(IS_ANNOUNCEMENT, "arp.isannouncement", "Is announcement", Bool, mask = 0, "a gratuitous request with an all-zero target MAC: the sender claims the address after probing (RFC 5227 §2.3)");
crate::field!(SRC_HW_MAC, "arp.src.hw_mac", "Sender MAC address", Ether, "the sender's MAC address; the receiver may learn it for the sender's IP address (RFC 826, \"ar$sha\")");
crate::field!(SRC_HW, "arp.src.hw", "Sender hardware address", Bytes, "the sender's hardware address, on a link whose addresses are not MAC addresses (RFC 826, \"ar$sha\")");
crate::field!(
    SRC_PROTO_IPV4,
    "arp.src.proto_ipv4",
    "Sender IP address",
    Ipv4,
    "the sender's IPv4 address (RFC 826, \"ar$spa\")"
);
crate::field!(
    SRC_PROTO,
    "arp.src.proto",
    "Sender protocol address",
    Bytes,
    "the sender's network address, for a protocol other than IPv4 (RFC 826, \"ar$spa\")"
);
crate::field!(DST_HW_MAC, "arp.dst.hw_mac", "Target MAC address", Ether, "the MAC address being asked for (zero in a request) or the requester's, in a reply (RFC 826, \"ar$tha\")");
crate::field!(DST_HW, "arp.dst.hw", "Target hardware address", Bytes, "the target's hardware address, on a link whose addresses are not MAC addresses (RFC 826, \"ar$tha\")");
crate::field!(DST_PROTO_IPV4, "arp.dst.proto_ipv4", "Target IP address", Ipv4, "the IPv4 address whose MAC address is wanted, in a request; the requester's, in a reply (RFC 826, \"ar$tpa\")");
crate::field!(
    DST_PROTO,
    "arp.dst.proto",
    "Target protocol address",
    Bytes,
    "the target's network address, for a protocol other than IPv4 (RFC 826, \"ar$tpa\")"
);

pub static FIELDS: &[&FieldDef] = &[
    &ARP,
    &HW_TYPE,
    &PROTO_TYPE,
    &HW_SIZE,
    &PROTO_SIZE,
    &OPCODE,
    &IS_GRATUITOUS,
    &IS_PROBE,
    &IS_ANNOUNCEMENT,
    &SRC_HW_MAC,
    &SRC_HW,
    &SRC_PROTO_IPV4,
    &SRC_PROTO,
    &DST_HW_MAC,
    &DST_HW,
    &DST_PROTO_IPV4,
    &DST_PROTO,
];

/// The length of the ARP packet at the start of `bytes`, from its address sizes.
pub(crate) fn declared_len(bytes: &[u8]) -> Option<usize> {
    let hln = *bytes.get(4)? as usize;
    let pln = *bytes.get(5)? as usize;
    Some(FIXED_LEN + 2 * hln + 2 * pln)
}

/// Where each address sits, and how to read them.
struct Layout {
    hrd: u16,
    pro: u16,
    hln: usize,
    pln: usize,
    sha: usize,
    spa: usize,
    tha: usize,
    tpa: usize,
}

impl Layout {
    /// A 6-byte address on Ethernet or an IEEE 802 link is a MAC address.
    fn hw_is_mac(&self) -> bool {
        matches!(self.hrd, 1 | 6) && self.hln == 6
    }
    fn proto_is_ipv4(&self) -> bool {
        self.pro == 0x0800 && self.pln == 4
    }
}

/// Dissect an ARP packet (any hardware and protocol address sizes) and write the Info column.
pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    cx.d.protocol = "ARP";
    cx.d.info.clear();
    if be16(bytes, start).filter(|_| start + 2 <= end) == Some(HARDWARE_ATM_RFC2225) {
        // ATMARP (RFC 2225) shares ARP's EtherType and hardware type field but not the rest
        // of its layout: its addresses have type/length bytes of their own. wirelab does not
        // interpret it.
        cx.d.protocol = "ATMARP";
        crate::dissector::dissect_data(cx, start..end);
        return;
    }
    let index = cx.d.open(&ARP, start..end, Value::None);
    let fixed = |i: usize| start + i;
    let hrd = be16(bytes, start).filter(|_| start + 2 <= end);
    let pro = be16(bytes, start + 2).filter(|_| start + 4 <= end);
    let hln = bytes.get(start + 4).filter(|_| start + 5 <= end);
    let pln = bytes.get(start + 5).filter(|_| start + 6 <= end);
    let op = be16(bytes, start + 6).filter(|_| start + 8 <= end);
    if let Some(v) = hrd {
        cx.d.add(&HW_TYPE, fixed(0)..fixed(2), Value::UInt(v as u64));
    }
    if let Some(v) = pro {
        cx.d.add(&PROTO_TYPE, fixed(2)..fixed(4), Value::UInt(v as u64));
    }
    if let Some(&v) = hln {
        cx.d.add(&HW_SIZE, fixed(4)..fixed(5), Value::UInt(v as u64));
    }
    if let Some(&v) = pln {
        cx.d.add(&PROTO_SIZE, fixed(5)..fixed(6), Value::UInt(v as u64));
    }
    if let Some(v) = op {
        cx.d.add(&OPCODE, fixed(6)..fixed(8), Value::UInt(v as u64));
    }
    let (Some(hrd), Some(pro), Some(&hln), Some(&pln), Some(op)) = (hrd, pro, hln, pln, op) else {
        cx.d.close();
        report_short(cx, "arp", start, start + FIXED_LEN, end, "ARP header");
        return;
    };
    let (hln, pln) = (hln as usize, pln as usize);
    let total = FIXED_LEN + 2 * hln + 2 * pln;
    cx.d.set_range(index, start..end.min(start + total));
    cx.d.protocol = protocol_column(op);
    if start + total > end {
        cx.d.close();
        report_short(cx, "arp", start, start + total, end, "ARP addresses");
        return;
    }
    let sha = start + FIXED_LEN;
    let spa = sha + hln;
    let tha = spa + pln;
    let tpa = tha + hln;
    let at = Layout {
        hrd,
        pro,
        hln,
        pln,
        sha,
        spa,
        tha,
        tpa,
    };

    // RFC 5227's kinds of request, named as Wireshark names them.
    let is_request_or_reply = op == REQUEST || op == REPLY;
    let gratuitous = is_request_or_reply && bytes[spa..spa + pln] == bytes[tpa..tpa + pln];
    let target_mac_zero = bytes
        .get(tha..tha + 6)
        .is_some_and(|mac| mac.iter().all(|&b| b == 0));
    let announcement = gratuitous && op == REQUEST && target_mac_zero;
    let probe = !gratuitous
        && op == REQUEST
        && target_mac_zero
        && ipv4_at(bytes, spa) == Some(Ipv4Addr::UNSPECIFIED);

    let op_name = crate::field::name_in(OPCODES, op as u64);
    let kind = match op_name {
        _ if announcement => "ARP Announcement",
        _ if probe => "ARP Probe",
        Some(_) if gratuitous && op == REQUEST => "request/gratuitous ARP",
        Some(_) if gratuitous && op == REPLY => "reply/gratuitous ARP",
        Some(name) => name,
        None => "",
    };
    if kind.is_empty() {
        cx.d.set_title(
            index,
            format_args!("Address Resolution Protocol (opcode 0x{op:04x})"),
        );
    } else {
        cx.d.set_title(index, format_args!("Address Resolution Protocol ({kind})"));
    }
    if gratuitous {
        cx.d.add_generated(&IS_GRATUITOUS, Value::Bool(true));
    }
    if probe {
        cx.d.add_generated(&IS_PROBE, Value::Bool(true));
    }
    if announcement {
        cx.d.add_generated(&IS_ANNOUNCEMENT, Value::Bool(true));
    }
    add_hw(cx, &at, sha, &SRC_HW_MAC, &SRC_HW);
    add_proto(cx, &at, spa, &SRC_PROTO_IPV4, &SRC_PROTO);
    add_hw(cx, &at, tha, &DST_HW_MAC, &DST_HW);
    add_proto(cx, &at, tpa, &DST_PROTO_IPV4, &DST_PROTO);
    cx.d.close();

    write_info(cx, &at, op, gratuitous, announcement, probe);
}

fn add_hw(
    cx: &mut Ctx<'_>,
    at: &Layout,
    offset: usize,
    mac: &'static FieldDef,
    raw: &'static FieldDef,
) {
    if at.hln == 0 {
        return;
    }
    match mac_at(cx.bytes, offset) {
        Some(address) if at.hw_is_mac() => cx.d.add(mac, offset..offset + 6, Value::Ether(address)),
        _ => cx.d.add(raw, offset..offset + at.hln, Value::Bytes),
    };
}

fn add_proto(
    cx: &mut Ctx<'_>,
    at: &Layout,
    offset: usize,
    ipv4: &'static FieldDef,
    raw: &'static FieldDef,
) {
    if at.pln == 0 {
        return;
    }
    match ipv4_at(cx.bytes, offset) {
        Some(address) if at.proto_is_ipv4() => {
            cx.d.add(ipv4, offset..offset + 4, Value::Ipv4(address))
        }
        _ => cx.d.add(raw, offset..offset + at.pln, Value::Bytes),
    };
}

/// The Protocol column: ARP, or the variant the opcode belongs to.
fn protocol_column(op: u16) -> &'static str {
    match op {
        3 | 4 => "RARP",
        5..=7 => "DRARP",
        8 | 9 => "Inverse ARP",
        11..=22 => "MARS",
        23 => "MAPOS",
        _ => "ARP",
    }
}

/// A protocol address as text: dotted IPv4, or its bytes in hex.
struct ProtoAddr<'a>(&'a [u8], bool);

impl std::fmt::Display for ProtoAddr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            [a, b, c, d] if self.1 => write!(f, "{a}.{b}.{c}.{d}"),
            bytes => bytes.iter().try_for_each(|b| write!(f, "{b:02x}")),
        }
    }
}

/// A hardware address as text: a MAC address with colons, anything else as hex.
struct HwAddr<'a>(&'a [u8], bool);

impl std::fmt::Display for HwAddr<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            &[a, b, c, d, e, g] if self.1 => write!(f, "{}", Mac([a, b, c, d, e, g])),
            bytes => bytes.iter().try_for_each(|b| write!(f, "{b:02x}")),
        }
    }
}

/// The Info column, in Wireshark's words: `Who has 10.0.0.2? Tell 10.0.0.1`.
fn write_info(
    cx: &mut Ctx<'_>,
    at: &Layout,
    op: u16,
    gratuitous: bool,
    announcement: bool,
    probe: bool,
) {
    let bytes = cx.bytes;
    let (mac, ipv4) = (at.hw_is_mac(), at.proto_is_ipv4());
    let sha = HwAddr(&bytes[at.sha..at.sha + at.hln], mac);
    let tha = HwAddr(&bytes[at.tha..at.tha + at.hln], mac);
    let spa = ProtoAddr(&bytes[at.spa..at.spa + at.pln], ipv4);
    let tpa = ProtoAddr(&bytes[at.tpa..at.tpa + at.pln], ipv4);
    let info = &mut cx.d.info;
    let _ = match op {
        REQUEST if announcement => write!(info, "ARP Announcement for {tpa}"),
        REQUEST if gratuitous => write!(info, "Gratuitous ARP for {tpa} (Request)"),
        REQUEST if probe => write!(info, "Who has {tpa}? (ARP Probe)"),
        REQUEST => write!(info, "Who has {tpa}? Tell {spa}"),
        REPLY if gratuitous => write!(info, "Gratuitous ARP for {spa} (Reply)"),
        REPLY => write!(info, "{spa} is at {sha}"),
        3 | 5 | 8 => write!(info, "Who is {tha}? Tell {sha}"),
        4 | 6 => write!(info, "{tha} is at {tpa}"),
        7 => write!(info, "DRARP Error"),
        9 => write!(info, "{sha} is at {spa}"),
        10 => write!(info, "ARP NAK"),
        11..=23 => {
            let what = match op {
                11 => "MARS request",
                12 => "MARS MULTI request",
                13 => "MARS MSERV request",
                14 => "MARS JOIN request",
                15 => "MARS LEAVE",
                16 => "MARS NAK",
                17 => "MARS UNSERV request",
                18 => "MARS SJOIN request",
                19 => "MARS SLEAVE",
                20 => "MARS grouplist request",
                21 => "MARS grouplist reply",
                22 => "MARS redirect map",
                _ => "MAPOS UNARP request",
            };
            write!(info, "{what} from {sha} at {spa}")
        }
        24 | 25 => write!(info, "Experimental {} ( opcode {op} )", op - 23),
        0 | 65535 => write!(info, "Reserved opcode {op}"),
        _ => write!(info, "Unknown ARP opcode 0x{op:04x}"),
    };
}

#[cfg(test)]
mod tests;
