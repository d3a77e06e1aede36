//! IPv6 extension headers (RFC 8200 §4): hop-by-hop options, routing, fragment and destination
//! options, chained by their Next Header fields until a transport (or "no next header") comes.
//!
//! ```text
//!  Hop-by-hop and destination options (RFC 8200 §4.3, §4.6), and routing (§4.4):
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Next Header  |  Hdr Ext Len  |  options, or routing type,    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  segments left and data ...   +
//! |       (Hdr Ext Len + 1) * 8 bytes in all                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//!  Fragment (RFC 8200 §4.5), always 8 bytes:
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Identification                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Options inside hop-by-hop and destination options headers are type, length, data, except
//! Pad1 (a single zero byte); the top two bits of the type say what a node that does not know
//! the option must do, the third whether the option may change on the way (RFC 8200 §4.2).

use super::ipv6_at;
use crate::dissector::Ctx;
use crate::field::{Base, FieldDef, Value, ValueNames};
use crate::ipv4::IP_PROTOCOLS;
use crate::link::{be16, be32, masked, report_short};
use std::net::Ipv6Addr;
use std::ops::Range;

/// A chain longer than this is not real traffic; stop before it costs more.
const MAX_HEADERS: usize = 32;

static OPTION_TYPES: ValueNames = &[
    (0, "Pad1"),
    (1, "PadN"),
    (4, "Tunnel Encapsulation Limit"),
    (5, "Router Alert"),
    (7, "CALIPSO"),
    (8, "SMF_DPD"),
    (15, "Performance and Diagnostic Metrics"),
    (30, "Experimental (0x1E)"),
    (38, "Quick-Start"),
    (48, "Path MTU Option"),
    (49, "IOAM Option"),
    (62, "Experimental (0x3E)"),
    (65, "Tunnel Payload Forwarding (TPF) Information"),
    (94, "Experimental (0x5E)"),
    (99, "RPL Option"),
    (109, "MPL Option"),
    (126, "Experimental (0x7E)"),
    (138, "Endpoint Identification"),
    (139, "ILNP Nonce"),
    (140, "Line-Identification Option"),
    (158, "Experimental (0x9E)"),
    (190, "Experimental (0xBE)"),
    (194, "Jumbo Payload"),
    (201, "Home Address"),
    (222, "Experimental (0xDE)"),
    (238, "IP_DFF"),
    (254, "Experimental (0xFE)"),
];

static ACTIONS: ValueNames = &[
    (0, "Skip and continue"),
    (1, "Discard"),
    (2, "Discard and send ICMP Parameter Problem"),
    (3, "Discard and send ICMP if not multicast"),
];

static ROUTER_ALERTS: ValueNames = &[(0, "MLD"), (1, "RSVP"), (2, "Active Network")];

static ROUTING_TYPES: ValueNames = &[
    (0, "Source Route"),
    (1, "Nimrod"),
    (2, "Type 2 Routing"),
    (3, "RPL Source Route"),
    (4, "Segment Routing"),
    (5, "Compact Routing Header 16"),
    (6, "Compact Routing Header 32"),
    (253, "Experiment 1"),
    (254, "Experiment 2"),
];

crate::field!(HOPOPTS, "ipv6.hopopts", "IPv6 Hop-by-Hop Option", Protocol, "options every router on the path must examine, such as Router Alert or Jumbo Payload; it must come right after the IPv6 header (RFC 8200 §4.3)");
crate::field!(HOPOPTS_NXT, "ipv6.hopopts.nxt", "Next Header", UInt 8, Dec, names = IP_PROTOCOLS, "what follows this extension header (RFC 8200 §4.3)");
crate::field!(HOPOPTS_LEN, "ipv6.hopopts.len", "Length", UInt 8, Dec, "the header's length in 8-byte units, not counting the first 8 bytes (RFC 8200 §4.3)");
crate::field!(HOPOPTS_LEN_OCT, "ipv6.hopopts.len_oct", "Length", UInt 16, Dec, "the header's length in bytes: (Length + 1) * 8 (RFC 8200 §4.3)");
crate::field!(
    DSTOPTS,
    "ipv6.dstopts",
    "Destination Options for IPv6",
    Protocol,
    "options only the destination (or each address of a routing header) examines (RFC 8200 §4.6)"
);
crate::field!(DSTOPTS_NXT, "ipv6.dstopts.nxt", "Next Header", UInt 8, Dec, names = IP_PROTOCOLS, "what follows this extension header (RFC 8200 §4.6)");
crate::field!(DSTOPTS_LEN, "ipv6.dstopts.len", "Length", UInt 8, Dec, "the header's length in 8-byte units, not counting the first 8 bytes (RFC 8200 §4.6)");
crate::field!(DSTOPTS_LEN_OCT, "ipv6.dstopts.len_oct", "Length", UInt 16, Dec, "the header's length in bytes: (Length + 1) * 8 (RFC 8200 §4.6)");
crate::field!(
    OPT,
    "ipv6.opt",
    "IPv6 Option",
    None,
    "one option of a hop-by-hop or destination options header (RFC 8200 §4.2)"
);
crate::field!(OPT_TYPE, "ipv6.opt.type", "Type", UInt 8, Hex, names = OPTION_TYPES, "which option this is; its top bits also say what to do with an unknown option (RFC 8200 §4.2)");
pub static OPT_TYPE_ACTION: FieldDef = masked("ipv6.opt.type.action", "Action", 8, Base::Dec, ACTIONS, 0xc0, "what a node that does not know the option must do: skip it, discard the packet, or discard it and send an ICMP Parameter Problem (RFC 8200 §4.2)");
pub static OPT_TYPE_CHANGE: FieldDef = crate::link::flag("ipv6.opt.type.change", "May Change", 0x20, "whether the option's data may change on the way, which matters to the Authentication Header (RFC 8200 §4.2)");
pub static OPT_TYPE_REST: FieldDef = masked(
    "ipv6.opt.type.rest",
    "Low-Order Bits",
    8,
    Base::Hex,
    &[],
    0x1f,
    "the rest of the option type (RFC 8200 §4.2)",
);
crate::field!(OPT_LENGTH, "ipv6.opt.length", "Length", UInt 8, Dec, "the length of the option's data in bytes (RFC 8200 §4.2)");
crate::field!(
    OPT_PAD1,
    "ipv6.opt.pad1",
    "Pad1",
    None,
    "a single byte of padding (RFC 8200 §4.2)"
);
crate::field!(OPT_PADN, "ipv6.opt.padn", "PadN", Bytes, "padding of two or more bytes, which aligns the next option or fills the header to a multiple of 8 bytes (RFC 8200 §4.2)");
crate::field!(OPT_ROUTER_ALERT, "ipv6.opt.router_alert", "Router Alert", UInt 16, Dec, names = ROUTER_ALERTS, "asks every router on the path to look at the packet: 0 for MLD, 1 for RSVP (RFC 2711 §2.1)");
crate::field!(OPT_TEL, "ipv6.opt.tel", "Tunnel Encapsulation Limit", UInt 8, Dec, "how many more times the packet may be encapsulated in a tunnel (RFC 2473 §5.1)");
crate::field!(OPT_JUMBO, "ipv6.opt.jumbo", "Payload Length", UInt 32, Dec, "the length of a jumbogram's payload, more than 65535 bytes, when the header's payload length is 0 (RFC 2675 §2)");
crate::field!(
    OPT_HOME_ADDRESS,
    "ipv6.opt.mipv6.home_address",
    "MIPv6 Home Address",
    Ipv6,
    "the mobile node's home address, while it sends from a care-of address (RFC 6275 §6.3)"
);
crate::field!(
    OPT_EXPERIMENTAL,
    "ipv6.opt.experimental",
    "Experimental Option",
    Bytes,
    "the data of an option type reserved for experiments (RFC 4727 §5.1)"
);
crate::field!(
    OPT_UNKNOWN,
    "ipv6.opt.unknown",
    "Unknown Option Payload",
    Bytes,
    "the data of an option wirelab does not interpret (RFC 8200 §4.2)"
);
crate::field!(
    ROUTING,
    "ipv6.routing",
    "Routing Header for IPv6",
    Protocol,
    "a list of nodes the packet must visit on its way to the destination (RFC 8200 §4.4)"
);
crate::field!(ROUTING_NXT, "ipv6.routing.nxt", "Next Header", UInt 8, Dec, names = IP_PROTOCOLS, "what follows this extension header (RFC 8200 §4.4)");
crate::field!(ROUTING_LEN, "ipv6.routing.len", "Length", UInt 8, Dec, "the header's length in 8-byte units, not counting the first 8 bytes (RFC 8200 §4.4)");
crate::field!(ROUTING_LEN_OCT, "ipv6.routing.len_oct", "Length", UInt 16, Dec, "the header's length in bytes: (Length + 1) * 8 (RFC 8200 §4.4)");
crate::field!(ROUTING_TYPE, "ipv6.routing.type", "Type", UInt 8, Dec, names = ROUTING_TYPES, "the routing header's variant: 0 source route (deprecated), 2 Mobile IPv6, 3 RPL, 4 segment routing (RFC 8200 §4.4)");
crate::field!(ROUTING_SEGLEFT, "ipv6.routing.segleft", "Segments Left", UInt 8, Dec, "how many listed nodes the packet has still to visit (RFC 8200 §4.4)");
crate::field!(
    ROUTING_UNKNOWN_DATA,
    "ipv6.routing.unknown_data",
    "Type-Specific Data",
    Bytes,
    "the data of a routing type wirelab does not interpret (RFC 8200 §4.4)"
);
crate::field!(
    ROUTING_SRC_RESERVED,
    "ipv6.routing.src.reserved",
    "Reserved",
    Bytes,
    "reserved bytes of a type 0 routing header (RFC 2460 §4.4)"
);
crate::field!(ROUTING_SRC_ADDR, "ipv6.routing.src.addr", "Address", Ipv6, "a node the packet must visit; type 0 routing headers are deprecated because they allow traffic amplification (RFC 5095 §3)");
crate::field!(
    ROUTING_MIPV6_RESERVED,
    "ipv6.routing.mipv6.reserved",
    "Reserved",
    Bytes,
    "reserved bytes of a type 2 routing header (RFC 6275 §6.4.1)"
);
crate::field!(
    ROUTING_MIPV6_HOME_ADDRESS,
    "ipv6.routing.mipv6.home_address",
    "Home Address",
    Ipv6,
    "the mobile node's home address, the packet's final destination (RFC 6275 §6.4.1)"
);
pub static RPL_CMPRI: FieldDef = masked("ipv6.routing.rpl.cmprI", "Compressed Internal Octets (CmprI)", 32, Base::Dec, &[], 0xf000_0000, "how many leading bytes each address but the last shares with the destination address and leaves out (RFC 6554 §3)");
pub static RPL_CMPRE: FieldDef = masked("ipv6.routing.rpl.cmprE", "Compressed Final Octets (CmprE)", 32, Base::Dec, &[], 0x0f00_0000, "how many leading bytes the last address shares with the destination address and leaves out (RFC 6554 §3)");
pub static RPL_PAD: FieldDef = masked(
    "ipv6.routing.rpl.pad",
    "Padding Bytes",
    32,
    Base::Dec,
    &[],
    0x00f0_0000,
    "how many bytes of padding follow the addresses (RFC 6554 §3)",
);
pub static RPL_RESERVED: FieldDef = masked(
    "ipv6.routing.rpl.reserved",
    "Reserved",
    32,
    Base::Dec,
    &[],
    0x000f_ffff,
    "reserved bits (RFC 6554 §3)",
);
crate::field!(RPL_ADDRESS, "ipv6.routing.rpl.address", "Address", Bytes, "a compressed address of the route: only the bytes it does not share with the destination (RFC 6554 §3)");
crate::field!(
    RPL_FULL_ADDRESS,
    "ipv6.routing.rpl.full_address",
    "Full Address",
    Ipv6,
    "the compressed address completed with the destination address's leading bytes (RFC 6554 §3)"
);
crate::field!(SRH_LAST_ENTRY, "ipv6.routing.srh.last_entry", "Last Entry", UInt 8, Dec, "the index of the last segment in the list, which holds the first segment to visit (RFC 8754 §2)");
crate::field!(SRH_FLAGS, "ipv6.routing.srh.flags", "Flags", UInt 8, Hex, "segment routing flags, none defined yet (RFC 8754 §2)");
crate::field!(
    SRH_TAG,
    "ipv6.routing.srh.tag",
    "Tag",
    Bytes,
    "marks packets as part of a class or group (RFC 8754 §2)"
);
crate::field!(
    SRH_ADDR,
    "ipv6.routing.srh.addr",
    "Address",
    Ipv6,
    "a segment of the route, listed in reverse order: the final segment first (RFC 8754 §2)"
);
crate::field!(
    FRAGHDR,
    "ipv6.fraghdr",
    "Fragment Header for IPv6",
    Protocol,
    "marks a fragment of a larger packet; in IPv6 only the source fragments (RFC 8200 §4.5)"
);
crate::field!(FRAG_NXT, "ipv6.fraghdr.nxt", "Next header", UInt 8, Dec, names = IP_PROTOCOLS, "what the reassembled packet's fragmentable part starts with (RFC 8200 §4.5)");
crate::field!(FRAG_RESERVED_OCTET, "ipv6.fraghdr.reserved_octet", "Reserved octet", UInt 8, Hex, "reserved, zero (RFC 8200 §4.5)");
pub static FRAG_OFFSET: FieldDef = masked(
    "ipv6.fraghdr.offset",
    "Offset",
    16,
    Base::Dec,
    &[],
    0xfff8,
    "where this fragment's data belongs in the original packet, in 8-byte units (RFC 8200 §4.5)",
);
pub static FRAG_RESERVED_BITS: FieldDef = masked(
    "ipv6.fraghdr.reserved_bits",
    "Reserved bits",
    16,
    Base::Dec,
    &[],
    0x0006,
    "reserved, zero (RFC 8200 §4.5)",
);
pub static FRAG_MORE: FieldDef = crate::link::flag(
    "ipv6.fraghdr.more",
    "More Fragments",
    0x0001,
    "set on every fragment except the last (RFC 8200 §4.5)",
);
crate::field!(FRAG_IDENT, "ipv6.fraghdr.ident", "Identification", UInt 32, Hex, "the number all fragments of one packet share (RFC 8200 §4.5)");

/// What a fragment header said.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fragment {
    /// In 8-byte units.
    pub offset: u16,
    pub more: bool,
    pub id: u32,
}

/// Where the chain of extension headers ended and what it found.
pub(super) struct Chain {
    /// The Next Header value after the last extension header.
    pub next: u8,
    /// Frame offset just after the last extension header.
    pub end: usize,
    /// With a routing header that has segments left, the packet's final destination: the
    /// address the transport's pseudo-header uses (RFC 8200 §8.1).
    pub final_dst: Option<Ipv6Addr>,
    pub fragment: Option<Fragment>,
    /// An extension header was cut short or malformed: nothing after it is dissected.
    pub broken: bool,
}

/// The three kinds of header built like hop-by-hop options.
struct Kind {
    def: &'static FieldDef,
    nxt: &'static FieldDef,
    len: &'static FieldDef,
    len_oct: &'static FieldDef,
}

const HBH: Kind = Kind {
    def: &HOPOPTS,
    nxt: &HOPOPTS_NXT,
    len: &HOPOPTS_LEN,
    len_oct: &HOPOPTS_LEN_OCT,
};
const DEST: Kind = Kind {
    def: &DSTOPTS,
    nxt: &DSTOPTS_NXT,
    len: &DSTOPTS_LEN,
    len_oct: &DSTOPTS_LEN_OCT,
};
const ROUTE: Kind = Kind {
    def: &ROUTING,
    nxt: &ROUTING_NXT,
    len: &ROUTING_LEN,
    len_oct: &ROUTING_LEN_OCT,
};

/// Dissect extension headers from `at` while Next Header names one. `end` is where the
/// captured bytes (or the layer) end; `packet_end` where the payload length says the packet
/// ends, filled in from a Jumbo Payload option when the payload length was 0.
pub(super) fn dissect_chain(
    cx: &mut Ctx<'_>,
    first: u8,
    mut at: usize,
    end: usize,
    packet_end: &mut Option<usize>,
    dst: Ipv6Addr,
) -> Chain {
    let bytes = cx.bytes;
    let mut chain = Chain {
        next: first,
        end: at,
        final_dst: None,
        fragment: None,
        broken: false,
    };
    for _ in 0..MAX_HEADERS {
        let limit = packet_end.map_or(end, |p| p.min(end));
        let kind = match chain.next {
            0 => &HBH,
            60 => &DEST,
            43 => &ROUTE,
            44 => {
                let header = at..at + 8;
                if header.end > limit {
                    report_short(cx, "ipv6", at, header.end, limit, "IPv6 fragment header");
                    chain.broken = true;
                    return chain;
                }
                let fragment = dissect_fragment(cx, header.clone());
                chain.next = bytes[at];
                chain.fragment = Some(fragment);
                at = header.end;
                chain.end = at;
                if fragment.offset != 0 {
                    // A later fragment: what follows is the middle of some header or data.
                    return chain;
                }
                continue;
            }
            _ => return chain,
        };
        let Some(&len_units) = bytes.get(at + 1).filter(|_| at + 2 <= limit) else {
            report_short(cx, "ipv6", at, at + 8, limit, kind.def.label);
            chain.broken = true;
            return chain;
        };
        let len = (len_units as usize + 1) * 8;
        let header = at..at + len;
        // A header cut short still shows the fields that are there, as Wireshark does.
        let cut = header.end > limit;
        let available = header.start..header.end.min(limit);
        let next = bytes[at];
        let index = cx.d.open(kind.def, available.clone(), Value::None);
        cx.d.add(kind.nxt, at..at + 1, Value::UInt(next as u64));
        cx.d.add(kind.len, at + 1..at + 2, Value::UInt(len_units as u64));
        let len_item =
            cx.d.add(kind.len_oct, at + 1..at + 2, Value::UInt(len as u64));
        cx.d.set_title(len_item, format_args!("Length: {len} bytes"));
        let ok = if chain.next == 43 {
            if cut {
                dissect_routing_start(cx, available.clone(), index);
            } else if let Some(final_dst) = dissect_routing(cx, header.clone(), index, dst) {
                chain.final_dst = Some(final_dst);
            }
            true
        } else {
            let options = at + 2..available.end;
            dissect_options(cx, options, packet_end, chain.next == 0, cut)
        };
        cx.d.close();
        if cut {
            report_short(cx, "ipv6", at, header.end, limit, kind.def.label);
            chain.broken = true;
            return chain;
        }
        if !ok {
            chain.broken = true;
            return chain;
        }
        chain.next = next;
        at = header.end;
        chain.end = at;
    }
    cx.d.set_malformed(
        "ipv6",
        at,
        format!("expected at most {MAX_HEADERS} extension headers, found more"),
    );
    chain.broken = true;
    chain
}

/// The options of a hop-by-hop or destination options header, in `options` (all of them, or
/// the part captured when `cut`); false if one runs past the end of a header that is whole.
fn dissect_options(
    cx: &mut Ctx<'_>,
    options: Range<usize>,
    packet_end: &mut Option<usize>,
    hop_by_hop: bool,
    cut: bool,
) -> bool {
    let bytes = cx.bytes;
    let mut at = options.start;
    while at < options.end {
        let option_type = bytes[at];
        let name = crate::field::name_in(OPTION_TYPES, option_type as u64);
        if option_type == 0 {
            let index = cx.d.open(&OPT, at..at + 1, Value::None);
            cx.d.set_title(index, format_args!("Pad1"));
            cx.d.add(&OPT_TYPE, at..at + 1, Value::UInt(0));
            cx.d.add(&OPT_PAD1, at..at + 1, Value::None);
            cx.d.close();
            at += 1;
            continue;
        }
        let Some(&len) = bytes.get(at + 1).filter(|_| at + 2 <= options.end) else {
            if !cut {
                cx.d.set_malformed(
                    "ipv6",
                    at,
                    "expected an option's length byte, found the end of its header".to_string(),
                );
            }
            return cut;
        };
        let data = at + 2..at + 2 + len as usize;
        let index = cx.d.open(&OPT, at..data.end.min(options.end), Value::None);
        match name {
            Some(name) => cx.d.set_title(index, format_args!("{name}")),
            None => {
                cx.d.set_title(index, format_args!("Unknown IPv6 Option ({option_type})"))
            }
        }
        cx.d.open(&OPT_TYPE, at..at + 1, Value::UInt(option_type as u64));
        cx.d.add(
            &OPT_TYPE_ACTION,
            at..at + 1,
            Value::UInt((option_type >> 6) as u64),
        );
        cx.d.add(
            &OPT_TYPE_CHANGE,
            at..at + 1,
            Value::Bool(option_type & 0x20 != 0),
        );
        cx.d.add(
            &OPT_TYPE_REST,
            at..at + 1,
            Value::UInt((option_type & 0x1f) as u64),
        );
        cx.d.close();
        cx.d.add(&OPT_LENGTH, at + 1..at + 2, Value::UInt(len as u64));
        if data.end > options.end {
            cx.d.close();
            // Cut by the end of the captured bytes: the caller says so. Otherwise the option
            // claims more than its header holds.
            if !cut {
                cx.d.set_malformed(
                    "ipv6",
                    at + 1,
                    format!(
                        "option length {len} runs past the end of its header: expected {len} bytes, found {}",
                        options.end - data.start.min(options.end)
                    ),
                );
            }
            return cut;
        }
        match (option_type, len) {
            (1, _) => {
                cx.d.add(&OPT_PADN, data.clone(), Value::Bytes);
            }
            (4, 1) => {
                cx.d.add(
                    &OPT_TEL,
                    data.clone(),
                    Value::UInt(bytes[data.start] as u64),
                );
            }
            (5, 2) => {
                let value = be16(bytes, data.start).unwrap_or(0);
                cx.d.add(&OPT_ROUTER_ALERT, data.clone(), Value::UInt(value as u64));
            }
            (194, 4) => {
                let jumbo = be32(bytes, data.start).unwrap_or(0);
                cx.d.add(&OPT_JUMBO, data.clone(), Value::UInt(jumbo as u64));
                // The jumbogram's length counts everything after the IPv6 header, as the
                // payload length would (RFC 2675 §2); this header starts right after it.
                if hop_by_hop && packet_end.is_none() {
                    *packet_end = Some((options.start - 2).saturating_add(jumbo as usize));
                }
            }
            (201, 16) => {
                if let Some(home) = ipv6_at(bytes, data.start) {
                    cx.d.add(&OPT_HOME_ADDRESS, data.clone(), Value::Ipv6(home));
                }
            }
            (0x1e | 0x3e | 0x5e | 0x7e | 0x9e | 0xbe | 0xde | 0xfe, _) => {
                cx.d.add(&OPT_EXPERIMENTAL, data.clone(), Value::Bytes);
            }
            (_, 0) => {}
            _ => {
                cx.d.add(&OPT_UNKNOWN, data.clone(), Value::Bytes);
            }
        }
        cx.d.close();
        at = data.end;
    }
    true
}

/// A routing header's type-specific part. Returns the final destination when segments are
/// left: the packet is still on its way through the listed nodes.
fn dissect_routing(
    cx: &mut Ctx<'_>,
    header: Range<usize>,
    index: usize,
    dst: Ipv6Addr,
) -> Option<Ipv6Addr> {
    let bytes = cx.bytes;
    let at = header.start;
    dissect_routing_start(cx, header.clone(), index);
    let routing_type = bytes[at + 2];
    let segments_left = bytes[at + 3];
    let data = at + 4..header.end;
    let mut last = None;
    match routing_type {
        0 => {
            cx.d.add(
                &ROUTING_SRC_RESERVED,
                data.start..data.start + 4,
                Value::Bytes,
            );
            let mut slot = data.start + 4;
            let mut n = 1;
            while let Some(addr) = ipv6_at(bytes, slot).filter(|_| slot + 16 <= header.end) {
                let item =
                    cx.d.add(&ROUTING_SRC_ADDR, slot..slot + 16, Value::Ipv6(addr));
                cx.d.set_title(item, format_args!("Address[{n}]: {addr}"));
                last = Some(addr);
                slot += 16;
                n += 1;
            }
        }
        2 => {
            cx.d.add(
                &ROUTING_MIPV6_RESERVED,
                data.start..data.start + 4,
                Value::Bytes,
            );
            if let Some(home) =
                ipv6_at(bytes, data.start + 4).filter(|_| data.start + 20 <= header.end)
            {
                cx.d.add(
                    &ROUTING_MIPV6_HOME_ADDRESS,
                    data.start + 4..data.start + 20,
                    Value::Ipv6(home),
                );
                last = Some(home);
            }
        }
        3 => last = dissect_rpl(cx, header.clone(), dst),
        4 => {
            let last_entry = bytes[data.start];
            cx.d.add(
                &SRH_LAST_ENTRY,
                data.start..data.start + 1,
                Value::UInt(last_entry as u64),
            );
            cx.d.add(
                &SRH_FLAGS,
                data.start + 1..data.start + 2,
                Value::UInt(bytes[data.start + 1] as u64),
            );
            cx.d.add(&SRH_TAG, data.start + 2..data.start + 4, Value::Bytes);
            let mut slot = data.start + 4;
            for n in 0..=last_entry as usize {
                let Some(addr) = ipv6_at(bytes, slot).filter(|_| slot + 16 <= header.end) else {
                    break;
                };
                let item = cx.d.add(&SRH_ADDR, slot..slot + 16, Value::Ipv6(addr));
                cx.d.set_title(item, format_args!("Address[{n}]: {addr}"));
                // The list is in reverse: entry 0 is the final segment.
                if n == 0 {
                    last = Some(addr);
                }
                slot += 16;
            }
        }
        _ => {
            cx.d.add(&ROUTING_UNKNOWN_DATA, data, Value::Bytes);
        }
    }
    last.filter(|_| segments_left > 0)
}

/// The start of every routing header, whole or cut short: its type and segments left, if they
/// are there.
fn dissect_routing_start(cx: &mut Ctx<'_>, available: Range<usize>, index: usize) {
    let bytes = cx.bytes;
    let at = available.start;
    if at + 4 > available.end {
        return;
    }
    let routing_type = bytes[at + 2];
    let type_name = ROUTING_TYPE
        .name_of(routing_type as u64)
        .unwrap_or("Unknown");
    cx.d.set_title(index, format_args!("Routing Header for IPv6 ({type_name})"));
    cx.d.add(
        &ROUTING_TYPE,
        at + 2..at + 3,
        Value::UInt(routing_type as u64),
    );
    cx.d.add(
        &ROUTING_SEGLEFT,
        at + 3..at + 4,
        Value::UInt(bytes[at + 3] as u64),
    );
}

/// The RPL source route (RFC 6554 §3): addresses with the bytes they share with the
/// destination address left out. Returns the last address, completed.
fn dissect_rpl(cx: &mut Ctx<'_>, header: Range<usize>, dst: Ipv6Addr) -> Option<Ipv6Addr> {
    let bytes = cx.bytes;
    let word_at = header.start + 4;
    let word = be32(bytes, word_at)?;
    let cmpr_i = (word >> 28) as usize;
    let cmpr_e = ((word >> 24) & 0xf) as usize;
    let pad = ((word >> 20) & 0xf) as usize;
    let word_range = word_at..word_at + 4;
    cx.d.add(&RPL_CMPRI, word_range.clone(), Value::UInt(cmpr_i as u64));
    cx.d.add(&RPL_CMPRE, word_range.clone(), Value::UInt(cmpr_e as u64));
    cx.d.add(&RPL_PAD, word_range.clone(), Value::UInt(pad as u64));
    cx.d.add(
        &RPL_RESERVED,
        word_range,
        Value::UInt((word & 0x000f_ffff) as u64),
    );
    let (inner, last_len) = (16 - cmpr_i, 16 - cmpr_e);
    let addresses = (header.end - pad).checked_sub(word_at + 4)?;
    let count = addresses
        .checked_sub(last_len)
        .map(|rest| rest / inner + 1)?;
    let mut slot = word_at + 4;
    let mut last = None;
    for n in 0..count {
        let len = if n + 1 == count { last_len } else { inner };
        let Some(part) = bytes.get(slot..slot + len) else {
            break;
        };
        cx.d.add(&RPL_ADDRESS, slot..slot + len, Value::Bytes);
        let mut full = dst.octets();
        full[16 - len..].copy_from_slice(part);
        let full = Ipv6Addr::from(full);
        cx.d.add_generated(&RPL_FULL_ADDRESS, Value::Ipv6(full));
        last = Some(full);
        slot += len;
    }
    last
}

/// The fragment header's fields (its 8 bytes are all there).
fn dissect_fragment(cx: &mut Ctx<'_>, header: Range<usize>) -> Fragment {
    let bytes = cx.bytes;
    let at = header.start;
    let index = cx.d.open(&FRAGHDR, header, Value::None);
    cx.d.set_title(index, format_args!("Fragment Header for IPv6"));
    cx.d.add(&FRAG_NXT, at..at + 1, Value::UInt(bytes[at] as u64));
    cx.d.add(
        &FRAG_RESERVED_OCTET,
        at + 1..at + 2,
        Value::UInt(bytes[at + 1] as u64),
    );
    let word = be16(bytes, at + 2).unwrap_or(0);
    let offset = word >> 3;
    let item =
        cx.d.add(&FRAG_OFFSET, at + 2..at + 4, Value::UInt(offset as u64));
    cx.d.set_title(
        item,
        format_args!("Offset: {offset} ({} bytes)", offset as u32 * 8),
    );
    cx.d.add(
        &FRAG_RESERVED_BITS,
        at + 2..at + 4,
        Value::UInt(((word >> 1) & 0x3) as u64),
    );
    let more = word & 1 != 0;
    cx.d.add(&FRAG_MORE, at + 2..at + 4, Value::Bool(more));
    let id = be32(bytes, at + 4).unwrap_or(0);
    cx.d.add(&FRAG_IDENT, at + 4..at + 8, Value::UInt(id as u64));
    cx.d.close();
    Fragment { offset, more, id }
}
