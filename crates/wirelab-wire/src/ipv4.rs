//! IPv4, the Internet Protocol version 4 (RFC 791).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |    DSCP   |ECN|          Total Length         |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Identification        |Flags|      Fragment Offset    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Time to Live |    Protocol   |         Header Checksum       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                       Source Address                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Destination Address                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Options                    |    Padding    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!                 (RFC 791 §3.1; DSCP and ECN from RFC 2474 and RFC 3168)
//! ```
//!
//! The fields are read by hand rather than through `etherparse::Ipv4HeaderSlice`, because a
//! dissector must show exactly the headers a parser rejects (a header length below 20, a total
//! length shorter than the header, a header cut short) and needs every field's byte range.
//!
//! Fragments are not reassembled: the first fragment (offset 0) goes up to the transport with
//! `IpContext::fragmented` set when more follow; later fragments are shown as data, as Wireshark
//! shows them with `-o ip.defragment:FALSE`.

use crate::checksum;
use crate::dissection::Address;
use crate::dissector::{dispatch_ip_proto, dissect_data, Ctx, IpContext};
use crate::expert::{Group, Severity};
use crate::field::{Base, FieldDef, Value, ValueNames};
use crate::link::{be16, ipv4_at, masked, report_short, reported_end};
use etherparse::IpNumber;
use std::fmt::{self, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::ops::Range;

mod options;
mod protocols;
pub use protocols::IP_PROTOCOLS;

/// The fixed header, without options.
const MIN_HEADER_LEN: usize = 20;

/// Differentiated Services codepoints with names (RFC 2474 §4, RFC 2597, RFC 3246, RFC 5865,
/// RFC 8622), as Wireshark spells them.
pub(crate) static DSCP_NAMES: ValueNames = &[
    (0, "Default"),
    (1, "Lower Effort"),
    (8, "Class Selector 1"),
    (10, "Assured Forwarding 11"),
    (12, "Assured Forwarding 12"),
    (14, "Assured Forwarding 13"),
    (16, "Class Selector 2"),
    (18, "Assured Forwarding 21"),
    (20, "Assured Forwarding 22"),
    (22, "Assured Forwarding 23"),
    (24, "Class Selector 3"),
    (26, "Assured Forwarding 31"),
    (28, "Assured Forwarding 32"),
    (30, "Assured Forwarding 33"),
    (32, "Class Selector 4"),
    (34, "Assured Forwarding 41"),
    (36, "Assured Forwarding 42"),
    (38, "Assured Forwarding 43"),
    (40, "Class Selector 5"),
    (44, "Voice Admit"),
    (46, "Expedited Forwarding"),
    (48, "Class Selector 6"),
    (56, "Class Selector 7"),
];

/// The short DSCP names of the DS field's summary (`DSCP: AF11`).
pub(crate) fn dscp_short(dscp: u8) -> &'static str {
    match dscp {
        0 => "CS0",
        1 => "LE",
        8 => "CS1",
        10 => "AF11",
        12 => "AF12",
        14 => "AF13",
        16 => "CS2",
        18 => "AF21",
        20 => "AF22",
        22 => "AF23",
        24 => "CS3",
        26 => "AF31",
        28 => "AF32",
        30 => "AF33",
        32 => "CS4",
        34 => "AF41",
        36 => "AF42",
        38 => "AF43",
        40 => "CS5",
        44 => "VOICE-ADMIT",
        46 => "EF PHB",
        48 => "CS6",
        56 => "CS7",
        _ => "Unknown",
    }
}

/// ECN codepoints (RFC 3168 §5).
pub(crate) static ECN_NAMES: ValueNames = &[
    (0, "Not ECN-Capable Transport"),
    (1, "ECN-Capable Transport codepoint '01'"),
    (2, "ECN-Capable Transport codepoint '10'"),
    (3, "Congestion Experienced"),
];

/// The short ECN names of the DS field's summary (`ECN: ECT(0)`).
pub(crate) fn ecn_short(ecn: u8) -> &'static str {
    ["Not-ECT", "ECT(1)", "ECT(0)", "CE"][(ecn & 3) as usize]
}

static CHECKSUM_STATUS: ValueNames = &[
    (0, "Bad"),
    (1, "Good"),
    (2, "Unverified"),
    (3, "Not present"),
    (4, "Illegal"),
];
const BAD: u64 = 0;
const GOOD: u64 = 1;
const UNVERIFIED: u64 = 2;

/// The flags subtree's summary for each value of the three flag bits.
const FLAG_TITLES: [&str; 8] = [
    "Flags: 0x0",
    "Flags: 0x1, More fragments",
    "Flags: 0x2, Don't fragment",
    "Flags: 0x3, Don't fragment, More fragments",
    "Flags: 0x4, Reserved bit",
    "Flags: 0x5, Reserved bit, More fragments",
    "Flags: 0x6, Reserved bit, Don't fragment",
    "Flags: 0x7, Reserved bit, Don't fragment, More fragments",
];

crate::field!(IP, "ip", "Internet Protocol Version 4", Protocol, "the IPv4 header: where the datagram comes from, where it goes, and how routers should treat it on the way (RFC 791 §3.1)");
crate::field!(VERSION, "ip.version", "Version", UInt 8, Dec, "the IP version; 4 for this header format (RFC 791 §3.1)");
crate::field!(HDR_LEN, "ip.hdr_len", "Header Length", UInt 8, Dec, "the header's length in bytes (the IHL field counts 32-bit words): 20 without options, at most 60 (RFC 791 §3.1)");
crate::field!(DSFIELD, "ip.dsfield", "Differentiated Services Field", UInt 8, Hex, "the former Type of Service byte, now the DSCP (how routers should queue the packet) and ECN bits (RFC 2474 §3)");
pub static DSCP: FieldDef = masked("ip.dsfield.dscp", "Differentiated Services Codepoint", 8, Base::Dec, DSCP_NAMES, 0xfc, "the per-hop behaviour the sender asks for, e.g. 46 Expedited Forwarding for voice; 0 is best effort (RFC 2474 §3)");
pub static ECN: FieldDef = masked("ip.dsfield.ecn", "Explicit Congestion Notification", 8, Base::Dec, ECN_NAMES, 0x03, "whether the transport understands ECN (01 or 10) and whether a router marked congestion on the way (11) instead of dropping the packet (RFC 3168 §5)");
crate::field!(LEN, "ip.len", "Total Length", UInt 16, Dec, "the datagram's length in bytes, header and data together; anything after it in the frame is link-layer padding (RFC 791 §3.1)");
crate::field!(ID, "ip.id", "Identification", UInt 16, HexDec, "a number the sender gives the datagram so that the receiver can tell which fragments belong together (RFC 791 §3.1, RFC 6864)");
pub static FLAGS: FieldDef = masked(
    "ip.flags",
    "Flags",
    8,
    Base::Hex,
    &[],
    0xe0,
    "three control bits: reserved, Don't Fragment and More Fragments (RFC 791 §3.1)",
);
pub static FLAG_RB: FieldDef = crate::link::flag(
    "ip.flags.rb",
    "Reserved bit",
    0x80,
    "reserved, must be zero (RFC 791 §3.1)",
);
pub static FLAG_DF: FieldDef = crate::link::flag("ip.flags.df", "Don't fragment", 0x40, "forbids routers to fragment the datagram: one that does not fit the next link is dropped and an ICMP error sent, which path MTU discovery relies on (RFC 791 §3.1, RFC 1191)");
pub static FLAG_MF: FieldDef = crate::link::flag(
    "ip.flags.mf",
    "More fragments",
    0x20,
    "set on every fragment of a datagram except the last (RFC 791 §3.1)",
);
pub static FRAG_OFFSET: FieldDef = masked("ip.frag_offset", "Fragment Offset", 16, Base::Dec, &[], 0x1fff, "where this fragment's data belongs in the original datagram, in units of 8 bytes (RFC 791 §3.1)");
crate::field!(TTL, "ip.ttl", "Time to Live", UInt 8, Dec, "the hop limit: each router decrements it and discards the datagram at zero, so that routing loops end (RFC 791 §3.1)");
crate::field!(PROTO, "ip.proto", "Protocol", UInt 8, Dec, names = IP_PROTOCOLS, "which protocol the data belongs to: 1 ICMP, 6 TCP, 17 UDP (RFC 791 §3.1, IANA protocol numbers)");
crate::field!(CHECKSUM, "ip.checksum", "Header Checksum", UInt 16, Hex, "the one's complement of the one's complement sum of the header's 16-bit words; each router recomputes it because the TTL changes (RFC 791 §3.1, RFC 1071)");
crate::field!(CHECKSUM_CALCULATED, "ip.checksum_calculated", "Calculated Checksum", UInt 16, Hex, "the checksum wirelab computed over the header as captured, for comparison (RFC 1071 §1)");
crate::field!(CHECKSUM_STATUS_FIELD, "ip.checksum.status", "Header checksum status", UInt 8, None, names = CHECKSUM_STATUS, "whether the header checksum is right (Good), wrong (Bad), or could not be checked because the header was not all captured (Unverified) (RFC 791 §3.1)");
crate::field!(
    SRC,
    "ip.src",
    "Source Address",
    Ipv4,
    "the address of the host that sent the datagram (RFC 791 §3.1)"
);
crate::field!(DST, "ip.dst", "Destination Address", Ipv4, "the address of the host the datagram is for; with a source route, the final destination (RFC 791 §3.1)");
crate::field!(ADDR, "ip.addr", "Source or Destination Address", Ipv4, "either address of the datagram, so that a filter on ip.addr matches traffic in both directions (RFC 791 §3.1)");
crate::field!(
    SRC_HOST,
    "ip.src_host",
    "Source Host",
    Str,
    "the source address as text (wirelab does not look up host names) (RFC 791 §3.1)"
);
crate::field!(
    DST_HOST,
    "ip.dst_host",
    "Destination Host",
    Str,
    "the destination address as text (wirelab does not look up host names) (RFC 791 §3.1)"
);
crate::field!(
    HOST,
    "ip.host",
    "Source or Destination Host",
    Str,
    "either address as text (wirelab does not look up host names) (RFC 791 §3.1)"
);
crate::field!(CUR_RT, "ip.cur_rt", "Current Route", Ipv4, "with a source route option, the header's destination is only the next hop on the route (RFC 791 §3.1, \"Loose Source and Record Route\")");
crate::field!(
    CUR_RT_HOST,
    "ip.cur_rt_host",
    "Current Route Host",
    Str,
    "the next hop of a source route, as text (RFC 791 §3.1)"
);

pub static FIELDS: &[&FieldDef] = &[
    &IP,
    &VERSION,
    &HDR_LEN,
    &DSFIELD,
    &DSCP,
    &ECN,
    &LEN,
    &ID,
    &FLAGS,
    &FLAG_RB,
    &FLAG_DF,
    &FLAG_MF,
    &FRAG_OFFSET,
    &TTL,
    &PROTO,
    &CHECKSUM,
    &CHECKSUM_CALCULATED,
    &CHECKSUM_STATUS_FIELD,
    &SRC,
    &DST,
    &ADDR,
    &SRC_HOST,
    &DST_HOST,
    &HOST,
    &CUR_RT,
    &CUR_RT_HOST,
    &options::OPTIONS,
    &options::TYPE,
    &options::TYPE_COPY,
    &options::TYPE_CLASS,
    &options::TYPE_NUMBER,
    &options::LEN,
    &options::PTR,
    &options::SID,
    &options::MTU,
    &options::ID_NUMBER,
    &options::OHC,
    &options::RHC,
    &options::ORIGINATOR,
    &options::RA,
    &options::ADDR,
    &options::PADDING,
    &options::QS_FUNC,
    &options::QS_RATE,
    &options::QS_TTL,
    &options::QS_UNUSED,
    &options::QS_NONCE,
    &options::QS_RESERVED,
    &options::SEC_RFC791_SEC,
    &options::SEC_RFC791_COMP,
    &options::SEC_RFC791_HR,
    &options::SEC_RFC791_TCC,
    &options::SEC_CL,
    &options::SEC_PROT_AUTH_FLAGS,
    &options::EXT_SEC_FORMAT_CODE,
    &options::EXT_SEC_INFO,
    &options::REC_RT,
    &options::REC_RT_HOST,
    &options::SRC_RT,
    &options::SRC_RT_HOST,
    &options::EMPTY_RT,
    &options::EMPTY_RT_HOST,
    &options::CIPSO_DOI,
    &options::CIPSO_TAG_DATA,
    &options::OVERFLOW,
    &options::FLAG,
    &options::TIME_STAMP,
    &options::TIME_STAMP_ADDR,
    &options::LEN_INVALID,
    &options::PTR_BEFORE_ADDRESS,
    &options::PTR_MIDDLE_ADDRESS,
    &options::SUBOPT_TOO_LONG,
    &options::UNKNOWN,
    &options::EOL,
    &options::NOP,
    &options::SECURITY,
    &options::LSRR,
    &options::TIMESTAMP,
    &options::EXT_SECURITY,
    &options::CIPSO,
    &options::RR,
    &options::STREAM_ID,
    &options::SSRR,
    &options::MTU_PROBE,
    &options::MTU_REPLY,
    &options::TRACEROUTE,
    &options::ROUTER_ALERT,
    &options::SDB,
    &options::QUICK_START,
];

/// The length an IPv4 header at the start of `bytes` gives its datagram, if the header is
/// sane enough to believe (the Ethernet layer uses it to tell padding from the datagram).
pub(crate) fn declared_len(bytes: &[u8]) -> Option<usize> {
    let vhl = *bytes.first()?;
    let header_len = (vhl & 0x0f) as usize * 4;
    let total = be16(bytes, 2)? as usize;
    (vhl >> 4 == 4 && header_len >= MIN_HEADER_LEN && total >= header_len).then_some(total)
}

/// An IPv4 address printed as `10.0.0.1` in one write, for titles on the hot path (the
/// standard `Display` makes four padded integer writes).
pub(crate) struct DottedQuad(pub Ipv4Addr);

impl fmt::Display for DottedQuad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = [0u8; 15];
        let mut len = 0;
        for (i, octet) in self.0.octets().into_iter().enumerate() {
            if i > 0 {
                text[len] = b'.';
                len += 1;
            }
            if octet >= 100 {
                text[len] = b'0' + octet / 100;
                len += 1;
            }
            if octet >= 10 {
                text[len] = b'0' + octet / 10 % 10;
                len += 1;
            }
            text[len] = b'0' + octet % 10;
            len += 1;
        }
        // Only ASCII digits and dots were written.
        f.write_str(std::str::from_utf8(&text[..len]).unwrap_or_default())
    }
}

/// Where a protocol number's name is needed in text: `UDP`, or `Unknown` past the table.
pub(crate) fn protocol_name(proto: u8) -> &'static str {
    crate::field::name_in(IP_PROTOCOLS, proto as u64).unwrap_or("Unknown")
}

/// Dissect the IPv4 header at `range.start`, then hand the datagram's payload to its
/// transport (or show a later fragment as data). `range` ends where the layer below ends.
pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let wire_end = reported_end(cx, &range);
    let top = !cx.quoted;
    if top {
        cx.d.protocol = "IPv4";
        cx.d.info.clear();
    }
    let index =
        cx.d.open(&IP, start..end.min(start + MIN_HEADER_LEN), Value::None);
    // Every field below is read only if its bytes are there; the first one missing ends the
    // header with a report of what was short.
    let at = |offset: usize, len: usize| start + offset..start + offset + len;
    let have = |offset: usize, len: usize| start + offset + len <= end;
    macro_rules! short {
        ($needed:expr) => {{
            cx.d.set_title(index, format_args!("Internet Protocol Version 4"));
            cx.d.close();
            report_short(cx, "ip", start, start + $needed, end, "IPv4 header");
            return;
        }};
    }
    if !have(0, 1) {
        short!(MIN_HEADER_LEN)
    }
    let vhl = bytes[start];
    let version = vhl >> 4;
    cx.d.add(&VERSION, at(0, 1), Value::UInt(version as u64));
    if version != 4 {
        cx.d.set_title(index, format_args!("Internet Protocol Version 4"));
        cx.d.close();
        if version == 6 {
            // An IPv6 packet where IPv4 was announced (some Linux cooked captures do this):
            // Wireshark notes the bogus version and reads it as IPv6, and so does wirelab.
            crate::ipv6::dissect(cx, range);
            return;
        }
        if top {
            let _ = write!(cx.d.info, "Bogus IPv4 version ({version}, must be 4)");
        }
        cx.d.set_malformed(
            "ip",
            start,
            format!("expected IP version 4, found {version}"),
        );
        return;
    }
    let header_len = (vhl & 0x0f) as usize * 4;
    let hdr_len_item = cx.d.add(&HDR_LEN, at(0, 1), Value::UInt(header_len as u64));
    cx.d.set_title(
        hdr_len_item,
        format_args!("Header Length: {header_len} bytes ({})", vhl & 0x0f),
    );
    if header_len < MIN_HEADER_LEN {
        cx.d.set_title(index, format_args!("Internet Protocol Version 4"));
        cx.d.close();
        if top {
            let _ = write!(
                cx.d.info,
                "Bogus IP header length ({header_len}, must be at least 20)"
            );
        }
        cx.d.set_malformed(
            "ip",
            start,
            format!("expected a header length of at least 20 bytes, found {header_len}"),
        );
        return;
    }
    cx.d.set_range(index, start..end.min(start + header_len));

    if !have(1, 1) {
        short!(header_len)
    }
    let tos = bytes[start + 1];
    let (dscp, ecn) = (tos >> 2, tos & 0x03);
    let ds = cx.d.open(&DSFIELD, at(1, 1), Value::UInt(tos as u64));
    cx.d.set_title(
        ds,
        format_args!(
            "Differentiated Services Field: 0x{tos:02x} (DSCP: {}, ECN: {})",
            dscp_short(dscp),
            ecn_short(ecn)
        ),
    );
    cx.d.add(&DSCP, at(1, 1), Value::UInt(dscp as u64));
    cx.d.add(&ECN, at(1, 1), Value::UInt(ecn as u64));
    cx.d.close();

    let Some(total) = be16(bytes, start + 2).filter(|_| have(2, 2)) else {
        short!(header_len)
    };
    // A total length of 0 is what a sender using TCP segmentation offload leaves for the NIC
    // to fill in; Wireshark then takes the datagram to run to the end of the frame.
    let datagram_len = if total == 0 {
        wire_end.saturating_sub(start)
    } else {
        total as usize
    };
    let len_item = cx.d.add(&LEN, at(2, 2), Value::UInt(datagram_len as u64));
    if datagram_len < header_len {
        cx.d.set_title(
            len_item,
            format_args!(
                "Total Length: {datagram_len} bytes (bogus, less than header length {header_len})"
            ),
        );
        cx.d.set_title(index, format_args!("Internet Protocol Version 4"));
        cx.d.close();
        if top {
            let _ = write!(
                cx.d.info,
                "Bogus IP length ({datagram_len}, less than header length {header_len})"
            );
        }
        cx.d.set_malformed(
            "ip",
            start + 2,
            format!("expected a total length of at least the header's {header_len} bytes, found {datagram_len}"),
        );
        return;
    }

    let Some(id) = be16(bytes, start + 4).filter(|_| have(4, 2)) else {
        short!(header_len)
    };
    cx.d.add(&ID, at(4, 2), Value::UInt(id as u64));
    let Some(flags_offset) = be16(bytes, start + 6).filter(|_| have(6, 2)) else {
        short!(header_len)
    };
    let flags = (flags_offset >> 13) as u8;
    let fragment_offset = flags_offset & 0x1fff;
    let more_fragments = flags & 0x1 != 0;
    let flags_item = cx.d.open(&FLAGS, at(6, 1), Value::UInt(flags as u64));
    cx.d.set_title(flags_item, format_args!("{}", FLAG_TITLES[flags as usize]));
    cx.d.add(&FLAG_RB, at(6, 1), Value::Bool(flags & 0x4 != 0));
    cx.d.add(&FLAG_DF, at(6, 1), Value::Bool(flags & 0x2 != 0));
    cx.d.add(&FLAG_MF, at(6, 1), Value::Bool(more_fragments));
    cx.d.close();
    cx.d.add(&FRAG_OFFSET, at(6, 2), Value::UInt(fragment_offset as u64));

    if !have(8, 2) {
        if have(8, 1) {
            cx.d.add(&TTL, at(8, 1), Value::UInt(bytes[start + 8] as u64));
        }
        short!(header_len)
    }
    cx.d.add(&TTL, at(8, 1), Value::UInt(bytes[start + 8] as u64));
    let proto = bytes[start + 9];
    cx.d.add(&PROTO, at(9, 1), Value::UInt(proto as u64));

    let Some(sent_checksum) = be16(bytes, start + 10).filter(|_| have(10, 2)) else {
        short!(header_len)
    };
    let checksum_item =
        cx.d.add(&CHECKSUM, at(10, 2), Value::UInt(sent_checksum as u64));
    if have(0, header_len) {
        // The receiver's check: the whole header, checksum included, sums to zero (RFC 1071 §1).
        // Judged even without a tree: a bad checksum is an expert item.
        let header = &bytes[start..start + header_len];
        let good = checksum::internet_checksum(header) == 0;
        let without = checksum::sum_words(checksum::sum_words(0, &header[..10]), &header[12..]);
        let calculated = checksum::finish(without);
        if !good {
            if top {
                cx.d.add_expert(
                    Severity::Error,
                    Group::Checksum,
                    "ip",
                    format!("Bad checksum [should be 0x{calculated:04x}]"),
                );
            }
            cx.d.set_title(
                checksum_item,
                format_args!("Header Checksum: 0x{sent_checksum:04x} incorrect, should be 0x{calculated:04x}"),
            );
        }
        cx.d.add_generated(
            &CHECKSUM_STATUS_FIELD,
            Value::UInt(if good { GOOD } else { BAD }),
        );
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(calculated as u64));
    } else {
        // Part of the header was not captured: the checksum cannot be judged.
        cx.d.add_generated(&CHECKSUM_STATUS_FIELD, Value::UInt(UNVERIFIED));
    }

    let Some(src) = ipv4_at(bytes, start + 12).filter(|_| have(12, 4)) else {
        short!(header_len)
    };
    cx.d.add(&SRC, at(12, 4), Value::Ipv4(src));
    cx.d.add_hidden(&ADDR, at(12, 4), Value::Ipv4(src));
    cx.d.add_hidden(&SRC_HOST, at(12, 4), Value::Ipv4(src));
    cx.d.add_hidden(&HOST, at(12, 4), Value::Ipv4(src));
    let Some(header_dst) = ipv4_at(bytes, start + 16).filter(|_| have(16, 4)) else {
        short!(header_len)
    };
    let options = start + MIN_HEADER_LEN..start + header_len;
    // With a source route, the header's destination is only the next hop; the datagram's
    // destination is the route's last address (RFC 791 §3.1), and it is that address the
    // transport's pseudo-header uses (RFC 9293 §3.1).
    let route = options::source_route(&bytes[..end], options.clone());
    let (dst, destination_at) = match route {
        options::SourceRoute::Cut => {
            // The options are cut before the search could tell whether this address is the
            // destination or only the next hop (Wireshark stops here too).
            short!(header_len)
        }
        options::SourceRoute::Destination(final_at) => {
            cx.d.add(&CUR_RT, at(16, 4), Value::Ipv4(header_dst));
            cx.d.add_hidden(&CUR_RT_HOST, at(16, 4), Value::Ipv4(header_dst));
            let final_dst = ipv4_at(bytes, final_at).unwrap_or(header_dst);
            (final_dst, Some(final_at))
        }
        options::SourceRoute::None => {
            cx.d.add(&DST, at(16, 4), Value::Ipv4(header_dst));
            add_hidden_dst(cx, at(16, 4), header_dst);
            (header_dst, None)
        }
    };
    if top {
        ttl_expert(cx, bytes[start + 8], dst, proto);
    }
    if !have(0, header_len) {
        short!(header_len)
    }
    cx.d.set_title(
        index,
        format_args!(
            "Internet Protocol Version 4, Src: {}, Dst: {}",
            DottedQuad(src),
            DottedQuad(dst)
        ),
    );
    if !options.is_empty() {
        options::dissect(cx, options, destination_at);
    }
    cx.d.close();
    if top {
        cx.d.src = Address::Ipv4(src);
        cx.d.dst = Address::Ipv4(dst);
    }

    if top && start + datagram_len > wire_end {
        // Not a short capture: the packet on the wire was shorter than the header says. What
        // there is still goes up, as Wireshark does.
        cx.d.set_malformed(
            "ip",
            start + 2,
            format!(
                "total length {datagram_len} runs past the end of the packet: expected {datagram_len} bytes, found {}",
                wire_end.saturating_sub(start)
            ),
        );
    }
    let payload = (start + header_len).min(end)..(start + datagram_len).min(end);
    if fragment_offset != 0 {
        // A later fragment: its bytes mean nothing until the datagram is reassembled.
        if top {
            cx.d.info.clear();
            let _ = write!(
                cx.d.info,
                "Fragmented IP protocol (proto={} {proto}, off={}, ID={id:04x})",
                protocol_name(proto),
                fragment_offset as u32 * 8
            );
        }
        dissect_data(cx, payload);
        return;
    }
    let ip = IpContext {
        src: IpAddr::V4(src),
        dst: IpAddr::V4(dst),
        declared_len: datagram_len - header_len,
        fragmented: more_fragments,
    };
    cx.ip_depth += 1;
    dispatch_ip_proto(cx, payload, proto, ip);
    cx.ip_depth -= 1;
    if top && cx.d.info.is_empty() && !matches!(IpNumber(proto), IpNumber::IPV4 | IpNumber::IPV6) {
        let _ = write!(cx.d.info, "{} ({proto})", protocol_name(proto));
    }
}

/// Wireshark's notes on a TTL that looks wrong for where the datagram goes: a low TTL to a
/// unicast address (traceroute's probes), or, for the Local Network Control Block
/// 224.0.0.0/24, anything but the TTL its protocols must use (RFC 3171 §3, RFC 5771 §4).
fn ttl_expert(cx: &mut Ctx<'_>, ttl: u8, dst: Ipv4Addr, proto: u8) {
    const PIM: u8 = 103;
    const OSPF: u8 = 89;
    const IGMP: u8 = 2;
    let [a, b, c, last] = dst.octets();
    if (a, b, c) == (224, 0, 0) {
        // VRRP (224.0.0.18) and GLBP (224.0.0.102) use 255, mDNS (224.0.0.251) anything.
        let valid = match last {
            _ if proto == IGMP => Some(1),
            18 | 102 => Some(255),
            251 => None,
            _ => Some(1),
        };
        if let Some(valid) = valid.filter(|valid| *valid != ttl) {
            cx.d.add_expert(
                Severity::Note,
                Group::Sequence,
                "ip",
                format!("\"Time To Live\" != {valid} for a packet sent to the Local Network Control Block (see RFC 3171)"),
            );
        }
    } else if ttl < 5 && !dst.is_multicast() && proto != PIM && proto != OSPF {
        cx.d.add_expert(
            Severity::Note,
            Group::Sequence,
            "ip",
            format!("\"Time To Live\" only {ttl}"),
        );
    }
}

fn add_hidden_dst(cx: &mut Ctx<'_>, range: Range<usize>, dst: Ipv4Addr) {
    cx.d.add_hidden(&ADDR, range.clone(), Value::Ipv4(dst));
    cx.d.add_hidden(&DST_HOST, range.clone(), Value::Ipv4(dst));
    cx.d.add_hidden(&HOST, range, Value::Ipv4(dst));
}

#[cfg(test)]
mod tests;
