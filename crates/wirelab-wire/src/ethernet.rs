//! Ethernet: Ethernet II (DIX) and IEEE 802.3 framing, and what Wireshark shows after the packet
//! an Ethernet frame carries (padding, a trailer, a frame check sequence).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     Destination MAC address                   |
//! +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                               |                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//! |                        Source MAC address                     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   EtherType or Length         |  payload ...
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The two bytes after the addresses are an EtherType when they are at least 0x0600 (1536)
//! and the length of an 802.3 LLC payload when they are at most 1500 (IEEE 802.3 §3.2.6).
//! A frame must be at least 64 bytes on the wire, FCS included, so a sender pads a short
//! packet with zeros up to 60 bytes (IEEE 802.3 §3.2.8): the padding is not part of the IP
//! datagram inside, which is why the layer above says how long it really is.

use crate::dissection::Address;
use crate::dissector::{dispatch_ethertype, dissect_data, Ctx};
use crate::field::{FieldDef, Value};
use crate::link::{be16, be32, mac_at, report_short, reported_len};
use crate::vlan::{self, TagKind};
use std::fmt::{self, Write};
use std::ops::Range;

mod ethertypes;
pub use ethertypes::ETHERTYPES;

/// Header length of Ethernet II and 802.3: two addresses and the type/length field.
const HEADER_LEN: usize = 14;
/// The shortest frame a sender may put on the wire, without its 4-byte FCS.
const MIN_FRAME_LEN: usize = 60;
/// The largest 802.3 length; values from 1536 (0x0600) up are EtherTypes.
const MAX_802_3_LEN: u16 = 1500;
const MIN_ETHERTYPE: u16 = 0x0600;
/// Reverse ARP, which uses ARP's packet format (RFC 903).
const ETHERTYPE_RARP: u16 = 0x8035;

static FCS_STATUS: crate::field::ValueNames = &[
    (0, "Bad"),
    (1, "Good"),
    (2, "Unverified"),
    (3, "Not present"),
    (4, "Illegal"),
];

crate::field!(ETH, "eth", "Ethernet", Protocol, "the Ethernet header: who sends the frame on this link, who receives it, and what it carries (IEEE 802.3 §3.2)");
crate::field!(DST, "eth.dst", "Destination", Ether, "the MAC address of the interface that should receive the frame; all ones (ff:ff:ff:ff:ff:ff) means every station on the link (IEEE 802.3 §3.2.3)");
crate::field!(
    SRC,
    "eth.src",
    "Source",
    Ether,
    "the MAC address of the interface that sent the frame (IEEE 802.3 §3.2.3)"
);
crate::field!(ADDR, "eth.addr", "Address", Ether, "either MAC address of the frame, so that a filter on eth.addr matches the sender and the receiver (IEEE 802.3 §3.2.3)");
pub static DST_LG: FieldDef = crate::link::flag("eth.dst.lg", "LG bit", 0x020000, "set when the destination address was assigned locally rather than burnt in by the manufacturer (IEEE 802 §8.2)");
pub static DST_IG: FieldDef = crate::link::flag("eth.dst.ig", "IG bit", 0x010000, "set when the destination is a group (multicast or broadcast) address rather than a single interface (IEEE 802 §8.2)");
pub static SRC_LG: FieldDef = crate::link::flag("eth.src.lg", "LG bit", 0x020000, "set when the source address was assigned locally rather than burnt in by the manufacturer (IEEE 802 §8.2)");
pub static SRC_IG: FieldDef = crate::link::flag(
    "eth.src.ig",
    "IG bit",
    0x010000,
    "set when the source address is a group address, which a sender must never use (IEEE 802 §8.2)",
);
pub static LG: FieldDef = crate::link::flag(
    "eth.lg",
    "LG bit",
    0x020000,
    "the locally-administered bit of either address (IEEE 802 §8.2)",
);
pub static IG: FieldDef = crate::link::flag(
    "eth.ig",
    "IG bit",
    0x010000,
    "the group-address bit of either address (IEEE 802 §8.2)",
);
crate::field!(TYPE, "eth.type", "Type", UInt 16, Hex, names = ETHERTYPES, "the EtherType: which protocol the payload belongs to, e.g. 0x0800 for IPv4, 0x86dd for IPv6, 0x0806 for ARP (IEEE 802.3 §3.2.6)");
crate::field!(LEN, "eth.len", "Length", UInt 16, Dec, "in an IEEE 802.3 frame, the length of the LLC payload that follows, in bytes (IEEE 802.3 §3.2.6)");
crate::field!(INVALID_LENTYPE, "eth.invalid_lentype", "Invalid length/type", UInt 16, HexDec, "a type/length value between 1501 and 1535, which is neither a valid 802.3 length nor an EtherType (IEEE 802.3 §3.2.6)");
crate::field!(PADDING, "eth.padding", "Padding", Bytes, "zeros the sender added to bring the frame up to Ethernet's 60-byte minimum; they are not part of the packet inside (IEEE 802.3 §3.2.8)");
crate::field!(TRAILER, "eth.trailer", "Trailer", Bytes, "bytes after the packet (and any padding) that the packet's own length does not account for, often added by capture hardware (IEEE 802.3 §3.2)");
crate::field!(FCS, "eth.fcs", "Frame check sequence", UInt 32, Hex, "the CRC-32 the sender computed over the frame, so that the receiver can detect damaged frames; most captures do not include it (IEEE 802.3 §3.2.9)");
crate::field!(FCS_STATUS_FIELD, "eth.fcs.status", "FCS Status", UInt 8, None, names = FCS_STATUS, "whether wirelab checked the frame check sequence; it does not, as captures rarely say whether one is present (IEEE 802.3 §3.2.9)");

pub static FIELDS: &[&FieldDef] = &[
    &ETH,
    &DST,
    &SRC,
    &ADDR,
    &DST_LG,
    &DST_IG,
    &SRC_LG,
    &SRC_IG,
    &LG,
    &IG,
    &TYPE,
    &LEN,
    &INVALID_LENTYPE,
    &PADDING,
    &TRAILER,
    &FCS,
    &FCS_STATUS_FIELD,
];

/// A MAC address printed as `02:00:00:00:00:01`, without going through six `{:02x}`.
pub(crate) struct Mac(pub [u8; 6]);

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b':'; 17];
        for (i, byte) in self.0.iter().enumerate() {
            text[i * 3] = HEX[(byte >> 4) as usize];
            text[i * 3 + 1] = HEX[(byte & 0xf) as usize];
        }
        // Only ASCII hex digits and colons were written.
        f.write_str(std::str::from_utf8(&text).unwrap_or_default())
    }
}

/// How the bytes after a packet are accounted for by the header that carried its EtherType:
/// which field names its trailer, whether the frame may end with an FCS, and where that header
/// begins (Wireshark only guesses that a frame has an FCS when the frame from this header on is
/// at least 64 bytes long).
#[derive(Clone, Copy)]
pub(crate) struct Trailer {
    pub field: &'static FieldDef,
    pub maybe_fcs: bool,
    pub header_start: usize,
}

/// Dissect an Ethernet II or IEEE 802.3 header and what it carries.
pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let index =
        cx.d.open(&ETH, start..end.min(start + HEADER_LEN), Value::None);
    cx.d.protocol = "Ethernet";
    // Wireshark shows no field of a header it does not have whole.
    let Some(header) = bytes
        .get(start..start + HEADER_LEN)
        .filter(|_| start + HEADER_LEN <= end)
    else {
        cx.d.set_title(index, format_args!("Ethernet II"));
        cx.d.close();
        report_short(cx, "eth", start, start + HEADER_LEN, end, "Ethernet header");
        return;
    };
    let (Some(dst), Some(src), Some(lentype)) =
        (mac_at(header, 0), mac_at(header, 6), be16(header, 12))
    else {
        cx.d.close();
        return;
    };
    add_address(cx, start, dst, &DST, &DST_LG, &DST_IG);
    add_address(cx, start + 6, src, &SRC, &SRC_LG, &SRC_IG);
    cx.d.dst = Address::Ether(dst);
    cx.d.src = Address::Ether(src);
    let type_at = start + 12;
    let payload = start + HEADER_LEN..end;
    let type_range = type_at..type_at + 2;

    if lentype <= MAX_802_3_LEN {
        // IEEE 802.3: a length, then an LLC header that wirelab shows as data.
        cx.d.set_title(index, format_args!("IEEE 802.3 Ethernet"));
        cx.d.add(&LEN, type_range, Value::UInt(lentype as u64));
        cx.d.protocol = "LLC";
        dissect_length_payload(
            cx,
            payload,
            lentype as usize,
            Trailer {
                field: &TRAILER,
                maybe_fcs: true,
                header_start: start,
            },
        );
        return;
    }
    cx.d.set_title(
        index,
        format_args!("Ethernet II, Src: {}, Dst: {}", Mac(src), Mac(dst)),
    );
    if lentype < MIN_ETHERTYPE {
        cx.d.add(&INVALID_LENTYPE, type_range, Value::UInt(lentype as u64));
        cx.d.close();
        // Neither an 802.3 length (at most 1500) nor an EtherType (at least 1536).
        cx.d.info.clear();
        let _ = write!(
            cx.d.info,
            "Ethernet Unknown: Invalid length/type: 0x{lentype:04x} ({lentype})"
        );
        dissect_data(cx, payload);
        return;
    }
    cx.d.add(&TYPE, type_range, Value::UInt(lentype as u64));
    dissect_ethertype_payload(
        cx,
        payload,
        lentype,
        Trailer {
            field: &TRAILER,
            maybe_fcs: true,
            header_start: start,
        },
        0,
    );
}

/// Add one address with its subtree: the address again as `eth.addr`, and its two flag bits.
fn add_address(
    cx: &mut Ctx<'_>,
    at: usize,
    mac: [u8; 6],
    def: &'static FieldDef,
    lg: &'static FieldDef,
    ig: &'static FieldDef,
) {
    let local = mac[0] & 0x02 != 0;
    let group = mac[0] & 0x01 != 0;
    cx.d.open(def, at..at + 6, Value::Ether(mac));
    cx.d.add(&ADDR, at..at + 6, Value::Ether(mac));
    cx.d.add(lg, at..at + 3, Value::Bool(local));
    cx.d.add_hidden(&LG, at..at + 3, Value::Bool(local));
    cx.d.add(ig, at..at + 3, Value::Bool(group));
    cx.d.add_hidden(&IG, at..at + 3, Value::Bool(group));
    cx.d.close();
}

/// The payload of a header that ends with an EtherType (Ethernet II, an 802.1Q tag, SLL),
/// called while that header's subtree is still open: a VLAN tag is dissected as the next
/// header; otherwise the padding and trailer after the packet are added to the open subtree,
/// which is closed, and the packet is handed to its protocol.
pub(crate) fn dissect_ethertype_payload(
    cx: &mut Ctx<'_>,
    payload: Range<usize>,
    ethertype: u16,
    trailer: Trailer,
    vlan_depth: u8,
) {
    match ethertype {
        0x8100 | 0x9100 => {
            cx.d.close();
            vlan::dissect_tag(cx, payload, TagKind::Customer, vlan_depth + 1);
        }
        0x88a8 => {
            cx.d.close();
            vlan::dissect_tag(cx, payload, TagKind::Service, vlan_depth + 1);
        }
        _ => {
            let declared = cx
                .bytes
                .get(payload.clone())
                .and_then(|inner| declared_len(ethertype, inner));
            if let Some(declared) = declared {
                add_trailer(cx, payload.start.saturating_add(declared), trailer);
            }
            cx.d.close();
            if ethertype == ETHERTYPE_RARP {
                // RARP (RFC 903) is ARP's packet format under its own EtherType.
                crate::arp::dissect(cx, payload);
            } else {
                dispatch_ethertype(cx, payload, ethertype);
            }
        }
    }
}

/// The payload of an 802.3 frame or an 802.1Q tag with a length instead of a type: LLC data
/// of `len` bytes, then padding and trailer.
pub(crate) fn dissect_length_payload(
    cx: &mut Ctx<'_>,
    payload: Range<usize>,
    len: usize,
    trailer: Trailer,
) {
    add_trailer(cx, payload.start.saturating_add(len), trailer);
    cx.d.close();
    let end = payload.end.min(payload.start.saturating_add(len));
    dissect_data(cx, payload.start..end);
}

/// How long the packet at the start of `inner` says it is, for the protocols whose length
/// wirelab knows how to read: anything after it is padding or trailer.
fn declared_len(ethertype: u16, inner: &[u8]) -> Option<usize> {
    match ethertype {
        0x0800 => crate::ipv4::declared_len(inner),
        0x86dd => crate::ipv6::declared_len(inner),
        0x0806 | ETHERTYPE_RARP => crate::arp::declared_len(inner),
        _ => None,
    }
}

/// Add padding, trailer and FCS for the bytes from `packet_end` to the end of the frame, the
/// way Wireshark apportions them: bytes up to the 60-byte minimum are padding if they are all
/// zeros; if the frame
/// from `trailer.header_start` on is at least 64 bytes and at least 4 bytes remain, the last 4
/// are taken for an FCS; the rest is a trailer.
fn add_trailer(cx: &mut Ctx<'_>, packet_end: usize, trailer: Trailer) {
    if !cx.d.keeps_tree() {
        // Padding and trailer are only tree items; the summary columns do not show them.
        return;
    }
    let captured = cx.bytes.len();
    let reported = reported_len(cx);
    if packet_end >= reported || packet_end >= captured {
        return;
    }
    let mut at = packet_end;
    let mut rest_reported = reported - packet_end;
    if reported >= MIN_FRAME_LEN && packet_end < MIN_FRAME_LEN {
        // Padding must be zeros (Wireshark's default "eth.padding: zeros"): anything else is
        // taken for a trailer some device added, not for padding.
        let padding = MIN_FRAME_LEN - packet_end;
        let shown = padding.min(captured - at);
        if cx.bytes[at..at + shown].iter().all(|&b| b == 0) {
            cx.d.add(&PADDING, at..at + shown, Value::Bytes);
            at += padding;
            rest_reported -= padding;
        }
    }
    if rest_reported == 0 {
        return;
    }
    let has_fcs = trailer.maybe_fcs && reported - trailer.header_start >= 64 && rest_reported >= 4;
    let trailer_len = if has_fcs {
        rest_reported - 4
    } else {
        rest_reported
    };
    let trailer_shown = trailer_len.min(captured.saturating_sub(at));
    if trailer_shown > 0 {
        cx.d.add(trailer.field, at..at + trailer_shown, Value::Bytes);
    }
    if has_fcs {
        let fcs_at = at + trailer_len;
        if let Some(fcs) = be32(cx.bytes, fcs_at) {
            cx.d.add(&FCS, fcs_at..fcs_at + 4, Value::UInt(fcs as u64));
            cx.d.add_generated(&FCS_STATUS_FIELD, Value::UInt(2));
        }
    }
}

#[cfg(test)]
mod tests;
