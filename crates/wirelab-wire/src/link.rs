//! Link layers other than Ethernet: the Linux "cooked" headers (LINKTYPE_LINUX_SLL 113 and
//! LINKTYPE_LINUX_SLL2 276) and the BSD loopback headers (LINKTYPE_NULL 0 and LINKTYPE_LOOP 108);
//! and the few helpers every link and network layer of wirelab shares (reading big-endian
//! numbers with a bounds check, telling a frame cut by the snap length from a malformed one).
//!
//! None of these headers crosses a wire: the capturing host writes them to say what it saw.
//! `tcpdump.org/linktypes.html` documents each one.

use crate::dissection::Address;
use crate::dissector::{dispatch_ethertype, dissect_data, Ctx};
use crate::ethernet::{self, Trailer};
use crate::field::{Base, FieldDef, FieldType, Value, ValueNames};
use std::net::Ipv4Addr;
use std::ops::Range;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the link and network layers.
// ---------------------------------------------------------------------------------------------

/// The big-endian 16-bit number at `at`, if both bytes are there.
pub(crate) fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([pair[0], pair[1]]))
}

/// The big-endian 32-bit number at `at`, if all four bytes are there.
pub(crate) fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let quad = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([quad[0], quad[1], quad[2], quad[3]]))
}

/// The six bytes of a MAC address at `at`, if they are all there.
pub(crate) fn mac_at(bytes: &[u8], at: usize) -> Option<[u8; 6]> {
    let six = bytes.get(at..at.checked_add(6)?)?;
    let mut mac = [0; 6];
    mac.copy_from_slice(six);
    Some(mac)
}

/// The IPv4 address at `at`, if its four bytes are there.
pub(crate) fn ipv4_at(bytes: &[u8], at: usize) -> Option<Ipv4Addr> {
    be32(bytes, at).map(Ipv4Addr::from)
}

/// How long the frame was on the wire (`frame.len`), which the snap length may have made
/// longer than the bytes captured.
pub(crate) fn reported_len(cx: &Ctx<'_>) -> usize {
    cx.orig_len.max(cx.bytes.len())
}

/// Where a layer ends as the frame was on the wire: the frame's own length when the layer runs
/// to the end of the captured bytes, otherwise the end the layer below declared.
pub(crate) fn reported_end(cx: &Ctx<'_>, range: &Range<usize>) -> usize {
    if range.end >= cx.bytes.len() {
        reported_len(cx)
    } else {
        range.end
    }
}

/// Record that `what` needs the bytes up to `needed_end` but the layer's bytes end at
/// `available_end`. Two different stories, as Wireshark tells them apart: when the frame on the
/// wire did have those bytes and only the snap length cut them, the capture is short
/// ("Packet size limited during capture"); otherwise the packet itself is malformed.
pub(crate) fn report_short(
    cx: &mut Ctx<'_>,
    layer: &'static str,
    start: usize,
    needed_end: usize,
    available_end: usize,
    what: &str,
) {
    let captured = cx.bytes.len();
    let need = needed_end.saturating_sub(start);
    let found = available_end.min(captured).saturating_sub(start);
    let problem = if available_end >= captured && needed_end <= reported_len(cx) {
        format!(
            "{what} cut by the snap length: expected {need} bytes, found {found} of them captured \
             [Packet size limited during capture]"
        )
    } else {
        format!("{what} runs past the end of the packet: expected {need} bytes, found {found}")
    };
    cx.d.set_malformed(layer, available_end.min(captured), problem);
}

/// A masked integer field: Wireshark shows it as bits of a wider number (`.... 0111 1101 0001 =
/// ID: 2001`). The `field!` macro has no form for these.
#[allow(clippy::too_many_arguments)]
pub(crate) const fn masked(
    name: &'static str,
    label: &'static str,
    bits: u8,
    base: Base,
    names: ValueNames,
    mask: u64,
    explain: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        label,
        ftype: FieldType::UInt { bits },
        base,
        names,
        mask,
        explain,
    }
}

/// A flag within a `bits`-wide number, as Wireshark's `FT_BOOLEAN` with a bitmask.
pub(crate) const fn flag(
    name: &'static str,
    label: &'static str,
    mask: u64,
    explain: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        label,
        ftype: FieldType::Bool,
        base: Base::None,
        names: &[],
        mask,
        explain,
    }
}

// ---------------------------------------------------------------------------------------------
// Linux cooked capture, version 1 (LINKTYPE_LINUX_SLL):
//
//  +---------------------------+
//  |        Packet type        |  2 bytes: to us, broadcast, multicast, to another host, by us
//  +---------------------------+
//  |       ARPHRD_ type        |  2 bytes: the interface's hardware type
//  +---------------------------+
//  | Link-layer address length |  2 bytes
//  +---------------------------+
//  |    Link-layer address     |  8 bytes: the sender's address, zero-padded
//  +---------------------------+
//  |       Protocol type       |  2 bytes: an EtherType, or a Linux protocol number <= 1536
//  +---------------------------+
// ---------------------------------------------------------------------------------------------

static PACKET_TYPES: ValueNames = &[
    (0, "Unicast to us"),
    (1, "Broadcast"),
    (2, "Multicast"),
    (3, "Unicast to another host"),
    (4, "Sent by us"),
];

/// Linux protocol numbers (`ETH_P_*` below 0x600) that SLL puts where an EtherType would be.
static LINUX_PROTOCOLS: ValueNames = &[
    (0x0001, "Raw 802.3"),
    (0x0003, "Ethernet"),
    (0x0004, "802.2 LLC"),
    (0x0007, "PPP (HDLC)"),
    (0x000c, "CAN"),
    (0x000d, "CAN FD"),
    (0x0017, "IrDA LAP"),
    (0x00f5, "ISI"),
    (0x00f6, "IEEE 802.15.4"),
];

/// `ARPHRD_IPGRE`: the protocol field then holds a GRE protocol type.
const ARPHRD_IPGRE: u16 = 778;
/// `ARPHRD_NETLINK`: the "frame" is a netlink message, not network traffic.
const ARPHRD_NETLINK: u16 = 824;

crate::field!(SLL, "sll", "Linux cooked capture", Protocol, "a header the Linux capture code writes in place of the real link-layer header, saying which way the packet went and what it carries (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_PKTTYPE, "sll.pkttype", "Packet type", UInt 16, Dec, names = PACKET_TYPES, "whether the packet was sent to this host, broadcast, multicast, sent to another host, or sent by this host (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_HATYPE, "sll.hatype", "Link-layer address type", UInt 16, Dec, names = crate::arp::HARDWARE_TYPES, "the interface's hardware type (a Linux ARPHRD_ value, numbered like ARP's hardware types), which says how to read the address (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_HALEN, "sll.halen", "Link-layer address length", UInt 16, Dec, "how many bytes of the 8-byte address field hold the sender's link-layer address (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(
    SLL_SRC_ETH,
    "sll.src.eth",
    "Source",
    Ether,
    "the MAC address of the packet's sender (tcpdump.org LINKTYPE_LINUX_SLL)"
);
crate::field!(SLL_SRC_IPV4, "sll.src.ipv4", "Source", Ipv4, "the sender's address on an IP tunnel interface, which has no MAC address (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_SRC_OTHER, "sll.src.other", "Source", Bytes, "the sender's link-layer address, in a format wirelab does not interpret (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_UNUSED, "sll.unused", "Unused", Bytes, "the part of the 8-byte address field that the address does not fill (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_ETYPE, "sll.etype", "Protocol", UInt 16, Hex, names = crate::ethernet::ETHERTYPES, "the EtherType of the packet that follows, as in an Ethernet header (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_LTYPE, "sll.ltype", "Protocol", UInt 16, Hex, names = LINUX_PROTOCOLS, "a Linux protocol number (below 1536, so not an EtherType) naming what follows, such as 802.2 LLC (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_GRETYPE, "sll.gretype", "Protocol", UInt 16, Hex, names = crate::ethernet::ETHERTYPES, "on a GRE tunnel interface, the GRE protocol type of the packet that follows (tcpdump.org LINKTYPE_LINUX_SLL)");
crate::field!(SLL_IFINDEX, "sll.ifindex", "Interface index", UInt 32, Dec, "the index of the network interface the packet was captured on (tcpdump.org LINKTYPE_LINUX_SLL2)");
crate::field!(SLL_TRAILER, "sll.trailer", "Trailer", Bytes, "bytes after the end of the packet that the protocol inside does not account for (tcpdump.org LINKTYPE_LINUX_SLL)");

// ---------------------------------------------------------------------------------------------
// BSD loopback (LINKTYPE_NULL and LINKTYPE_LOOP): a 4-byte address family (AF_INET = 2, AF_INET6 =
// 24, 28 or 30 depending on the BSD), in the capturing host's byte order for NULL and in network
// byte order for LOOP.
// ---------------------------------------------------------------------------------------------

static FAMILIES: ValueNames = &[
    (2, "IP"),
    (7, "OSI"),
    (16, "Appletalk"),
    (23, "Netware IPX/SPX"),
    (24, "IPv6"),
    (28, "IPv6"),
    (30, "IPv6"),
];

crate::field!(NULL, "null", "Null/Loopback", Protocol, "the 4-byte header BSD systems put on packets captured on the loopback interface: which address family the packet belongs to (tcpdump.org LINKTYPE_NULL)");
crate::field!(NULL_FAMILY, "null.family", "Family", UInt 32, Dec, names = FAMILIES, "the address family (AF_INET = 2 for IPv4; 24, 28 or 30 for IPv6, depending on the BSD) of the packet that follows (tcpdump.org LINKTYPE_NULL)");
crate::field!(NULL_TYPE, "null.type", "Type", UInt 16, Hex, names = crate::ethernet::ETHERTYPES, "an EtherType, which some systems wrote here instead of an address family (tcpdump.org LINKTYPE_NULL)");

pub static FIELDS: &[&FieldDef] = &[
    &SLL,
    &SLL_PKTTYPE,
    &SLL_HATYPE,
    &SLL_HALEN,
    &SLL_SRC_ETH,
    &SLL_SRC_IPV4,
    &SLL_SRC_OTHER,
    &SLL_UNUSED,
    &SLL_ETYPE,
    &SLL_LTYPE,
    &SLL_GRETYPE,
    &SLL_IFINDEX,
    &SLL_TRAILER,
    &NULL,
    &NULL_FAMILY,
    &NULL_TYPE,
];

/// The parts of a cooked header that differ between SLL and SLL2: where each field sits and
/// how wide it is.
struct CookedLayout {
    version: u8,
    len: usize,
    pkttype: Range<usize>,
    hatype: usize,
    halen: Range<usize>,
    address: usize,
    protocol: usize,
    ifindex: Option<usize>,
}

const SLL_V1: CookedLayout = CookedLayout {
    version: 1,
    len: 16,
    pkttype: 0..2,
    hatype: 2,
    halen: 4..6,
    address: 6,
    protocol: 14,
    ifindex: None,
};

/// SLL2 moves the protocol type first and adds the interface index:
/// protocol (2), reserved (2), interface index (4), ARPHRD_ type (2), packet type (1),
/// address length (1), address (8).
const SLL_V2: CookedLayout = CookedLayout {
    version: 2,
    len: 20,
    pkttype: 10..11,
    hatype: 8,
    halen: 11..12,
    address: 12,
    protocol: 0,
    ifindex: Some(4),
};

/// LINKTYPE_LINUX_SLL (113): the 16-byte cooked header, then the packet.
pub(crate) fn dissect_sll(cx: &mut Ctx<'_>, range: Range<usize>) {
    dissect_cooked(cx, range, &SLL_V1);
}

/// LINKTYPE_LINUX_SLL2 (276): the 20-byte cooked header, then the packet.
pub(crate) fn dissect_sll2(cx: &mut Ctx<'_>, range: Range<usize>) {
    dissect_cooked(cx, range, &SLL_V2);
}

/// Read an unsigned number of 1 or 2 bytes.
fn uint_at(bytes: &[u8], at: &Range<usize>) -> Option<u64> {
    match at.len() {
        1 => bytes.get(at.start).map(|&b| b as u64),
        _ => be16(bytes, at.start).map(u64::from),
    }
}

fn dissect_cooked(cx: &mut Ctx<'_>, range: Range<usize>, layout: &CookedLayout) {
    let bytes = cx.bytes;
    let end = range.end.min(bytes.len());
    let header = &bytes[range.start.min(end)..end];
    let base = range.start;
    let at = |r: &Range<usize>| base + r.start..base + r.end;
    let index =
        cx.d.open(&SLL, base..end.min(base + layout.len), Value::None);
    cx.d.set_title(
        index,
        format_args!("Linux cooked capture v{}", layout.version),
    );
    cx.d.protocol = "SLL";

    // The fields in the order the header holds them.
    let protocol = be16(header, layout.protocol);
    if layout.version == 2 {
        if let Some(protocol) = protocol {
            cx.d.add(&SLL_ETYPE, at(&(0..2)), Value::UInt(protocol as u64));
        }
        if let Some(offset) = layout.ifindex {
            if let Some(ifindex) = be32(header, offset) {
                cx.d.add(
                    &SLL_IFINDEX,
                    at(&(offset..offset + 4)),
                    Value::UInt(ifindex as u64),
                );
            }
        }
    }
    let pkttype = uint_at(header, &layout.pkttype);
    let hatype = be16(header, layout.hatype);
    let halen = uint_at(header, &layout.halen);
    let hatype_field = layout.hatype..layout.hatype + 2;
    if layout.version == 1 {
        if let Some(v) = pkttype {
            cx.d.add(&SLL_PKTTYPE, at(&layout.pkttype), Value::UInt(v));
        }
        if let Some(v) = hatype {
            cx.d.add(&SLL_HATYPE, at(&hatype_field), Value::UInt(v as u64));
        }
    } else {
        if let Some(v) = hatype {
            cx.d.add(&SLL_HATYPE, at(&hatype_field), Value::UInt(v as u64));
        }
        if let Some(v) = pkttype {
            cx.d.add(&SLL_PKTTYPE, at(&layout.pkttype), Value::UInt(v));
        }
    }
    if let Some(v) = halen {
        cx.d.add(&SLL_HALEN, at(&layout.halen), Value::UInt(v));
    }
    let (Some(pkttype), Some(hatype), Some(halen), Some(protocol)) =
        (pkttype, hatype, halen, protocol)
    else {
        cx.d.close();
        report_short(
            cx,
            "sll",
            base,
            base + layout.len,
            end,
            "Linux cooked header",
        );
        return;
    };
    if header.len() < layout.len {
        cx.d.close();
        report_short(
            cx,
            "sll",
            base,
            base + layout.len,
            end,
            "Linux cooked header",
        );
        return;
    }

    // The address field is 8 bytes; the first `halen` of them hold the sender's address.
    let address = layout.address;
    let shown = (halen as usize).min(8);
    let addr_range = at(&(address..address + shown));
    match (shown, hatype) {
        (6, _) => {
            if let Some(mac) = mac_at(header, address) {
                cx.d.add(&SLL_SRC_ETH, addr_range, Value::Ether(mac));
                cx.d.src = Address::Ether(mac);
            }
        }
        (4, 768 | 769 | 776 | ARPHRD_IPGRE) => {
            if let Some(ip) = ipv4_at(header, address) {
                cx.d.add(&SLL_SRC_IPV4, addr_range, Value::Ipv4(ip));
                cx.d.src = Address::Ipv4(ip);
            }
        }
        (0, _) => {}
        _ => {
            cx.d.add(&SLL_SRC_OTHER, addr_range, Value::Bytes);
        }
    }
    if shown < 8 {
        cx.d.add(
            &SLL_UNUSED,
            at(&(address + shown..address + 8)),
            Value::Bytes,
        );
    }

    let payload = base + layout.len..end;
    let protocol_range = at(&(layout.protocol..layout.protocol + 2));
    let pkttype_name = crate::field::name_in(PACKET_TYPES, pkttype);
    if hatype == ARPHRD_IPGRE {
        if layout.version == 1 {
            cx.d.add(&SLL_GRETYPE, protocol_range, Value::UInt(protocol as u64));
        }
        cx.d.close();
        dispatch_ethertype(cx, payload, protocol);
    } else if hatype == ARPHRD_NETLINK || protocol <= 1536 {
        if layout.version == 1 {
            cx.d.add(&SLL_LTYPE, protocol_range, Value::UInt(protocol as u64));
        }
        cx.d.close();
        dissect_data(cx, payload);
    } else {
        if layout.version == 1 {
            cx.d.add(&SLL_ETYPE, protocol_range, Value::UInt(protocol as u64));
        }
        // The padding and trailer after the packet belong in this header's subtree.
        ethertype_payload_in_subtree(cx, payload, protocol, base);
    }
    if cx.d.info.is_empty() {
        if let Some(name) = pkttype_name {
            cx.d.info.push_str(name);
        }
    }
}

/// Dispatch an SLL payload by EtherType, with Ethernet's padding and trailer accounting (SLL
/// frames carry no FCS).
fn ethertype_payload_in_subtree(
    cx: &mut Ctx<'_>,
    payload: Range<usize>,
    ethertype: u16,
    header_start: usize,
) {
    let trailer = Trailer {
        field: &SLL_TRAILER,
        maybe_fcs: false,
        header_start,
    };
    ethernet::dissect_ethertype_payload(cx, payload, ethertype, trailer, 0);
}

/// LINKTYPE_NULL (0): a 4-byte address family in the capturing host's byte order.
pub(crate) fn dissect_null(cx: &mut Ctx<'_>, range: Range<usize>) {
    dissect_loopback(cx, range, false);
}

/// LINKTYPE_LOOP (108): a 4-byte address family in network byte order.
pub(crate) fn dissect_loop(cx: &mut Ctx<'_>, range: Range<usize>) {
    dissect_loopback(cx, range, true);
}

/// NULL and LOOP: one 4-byte number, then the packet.
fn dissect_loopback(cx: &mut Ctx<'_>, range: Range<usize>, network_order: bool) {
    let bytes = cx.bytes;
    let end = range.end.min(bytes.len());
    let start = range.start;
    let header = start..start.saturating_add(4);
    let index = cx.d.open(&NULL, start..end.min(header.end), Value::None);
    cx.d.set_title(index, format_args!("Null/Loopback"));
    let Some(raw) = bytes.get(header.clone()).filter(|_| header.end <= end) else {
        cx.d.close();
        report_short(cx, "null", start, header.end, end, "loopback header");
        return;
    };
    let raw = [raw[0], raw[1], raw[2], raw[3]];
    // LOOP is always big-endian. NULL is in the byte order of the host that captured, which the
    // file does not record: a family is a small number, so if the upper half is non-zero the
    // bytes must be the other way round (the guess tcpdump and Wireshark make).
    let mut value = if network_order {
        u32::from_be_bytes(raw)
    } else {
        u32::from_le_bytes(raw)
    };
    if !network_order && value & 0xffff_0000 != 0 {
        value = value.swap_bytes();
    }
    let payload = header.end..end;
    if value > 1500 {
        // Not a family at all but an EtherType, as some systems wrote.
        let ethertype = value as u16;
        cx.d.add(&NULL_TYPE, header, Value::UInt(ethertype as u64));
        cx.d.close();
        dispatch_ethertype(cx, payload, ethertype);
        return;
    }
    cx.d.add(&NULL_FAMILY, header, Value::UInt(value as u64));
    cx.d.close();
    match value {
        2 => crate::ipv4::dissect(cx, payload),
        24 | 28 | 30 => crate::ipv6::dissect(cx, payload),
        _ => dissect_data(cx, payload),
    }
}

#[cfg(test)]
mod tests;

/// Helpers for the unit tests of the link and network layers: dissect literal bytes and read
/// fields back as `tshark -T fields` would print them.
#[cfg(test)]
pub(crate) mod testing {
    use crate::dissection::Dissection;
    use crate::frame::{Frame, LinkType, Timestamp};
    use crate::Dissector;
    use std::ops::Range;

    /// Bytes from hex text; spaces and newlines are ignored.
    pub fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    /// A frame as captured: `bytes` kept of `orig_len` on the wire.
    pub struct Captured {
        pub bytes: Vec<u8>,
        pub d: Dissection,
    }

    /// Dissect a whole frame.
    pub fn dissect(link: LinkType, bytes: &[u8]) -> Captured {
        dissect_cut(link, bytes, bytes.len())
    }

    /// Dissect a frame that was `orig_len` bytes on the wire, of which `bytes` were captured.
    pub fn dissect_cut(link: LinkType, bytes: &[u8], orig_len: usize) -> Captured {
        let frame = Frame {
            number: 1,
            ts: Timestamp::new(1_000_000, 0),
            link,
            orig_len: orig_len as u32,
            bytes,
            interface: 0,
        };
        let mut d = Dissection::new();
        Dissector::new().dissect(&frame, &mut d);
        Captured {
            bytes: bytes.to_vec(),
            d,
        }
    }

    impl Captured {
        /// A field's values as `tshark -T fields` prints them, joined by commas.
        pub fn field(&self, name: &str) -> String {
            let mut out = String::new();
            for (i, item) in self.d.find(name).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::format::write_field_value(&mut out, item, &self.d, &self.bytes).unwrap();
            }
            out
        }

        /// The byte range of a field's first occurrence.
        pub fn range(&self, name: &str) -> Range<usize> {
            self.d
                .first(name)
                .unwrap_or_else(|| panic!("no field {name}"))
                .range()
        }

        /// The title of a field's first occurrence.
        pub fn title(&self, name: &str) -> String {
            let item = self
                .d
                .first(name)
                .unwrap_or_else(|| panic!("no field {name}"));
            self.d.title(item).unwrap_or_default().to_string()
        }

        pub fn has(&self, name: &str) -> bool {
            self.d.first(name).is_some()
        }

        /// The malformed report, as text, or an empty string.
        pub fn problem(&self) -> String {
            self.d
                .malformed
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_default()
        }
    }

    /// Every prefix of `bytes`, dissected as if cut by the snap length and as if short on the
    /// wire, and every single-byte corruption: none may panic.
    pub fn survives_damage(link: LinkType, bytes: &[u8]) {
        for len in 0..=bytes.len() {
            dissect_cut(link, &bytes[..len], bytes.len());
            dissect(link, &bytes[..len]);
        }
        let mut damaged = bytes.to_vec();
        for i in 0..damaged.len() {
            for value in [0x00, 0xff, 0x01, 0x80] {
                let saved = damaged[i];
                damaged[i] = value;
                dissect(link, &damaged);
                damaged[i] = saved;
            }
        }
    }
}
