//! IPv4 options (RFC 791 §3.1 and the RFCs that added options since).
//!
//! Options fill the header between byte 20 and the header length. Two are a single byte: End
//! of Option List (0) and No Operation (1). Every other option is type, length, data:
//!
//! ```text
//! +--------+--------+--------...
//! |  type  | length |  data (length - 2 bytes)
//! +--------+--------+--------...
//!  copy (1 bit) | class (2 bits) | number (5 bits)
//! ```
//!
//! The type byte itself has structure: the copy bit says whether routers copy the option into
//! every fragment, the class is control (0) or debugging and measurement (2).

use crate::dissector::Ctx;
use crate::field::{Base, FieldDef, Value, ValueNames};
use crate::link::{be16, be32, ipv4_at, masked};
use std::fmt;
use std::net::Ipv4Addr;
use std::ops::Range;

static CLASSES: ValueNames = &[
    (0, "Control"),
    (1, "Reserved for future use"),
    (2, "Debugging and measurement"),
    (3, "Reserved for future use"),
];

static NUMBERS: ValueNames = &[
    (0, "End of Option List (EOL)"),
    (1, "No-Operation (NOP)"),
    (2, "Security"),
    (3, "Loose source route"),
    (4, "Time stamp"),
    (5, "Extended security"),
    (6, "Commercial IP security option"),
    (7, "Record route"),
    (8, "Stream identifier"),
    (9, "Strict source route"),
    (10, "Experimental Measurement"),
    (11, "MTU probe"),
    (12, "MTU Reply"),
    (13, "Experimental Flow Control"),
    (14, "Experimental Access Control"),
    (15, "Ask Estrin"),
    (16, "IMI Traffic Descriptor"),
    (17, "Extended Internet Protocol"),
    (18, "Traceroute"),
    (19, "Address Extension"),
    (20, "Router Alert"),
    (21, "Selective Directed Broadcast"),
    (22, "Unassigned"),
    (23, "Dynamic Packet State"),
    (24, "Upstream Multicast Packet"),
    (25, "Quick-Start"),
    (30, "RFC 3692-style experiment"),
];

static TIMESTAMP_FLAGS: ValueNames = &[
    (0, "Time stamps only"),
    (1, "Time stamp and address"),
    (3, "Time stamps for prespecified addresses"),
];

static ROUTER_ALERT_VALUES: ValueNames = &[(0, "Router shall examine packet")];

static QS_FUNCTIONS: ValueNames = &[(0, "Rate request"), (8, "Rate report")];

static SECURITY_LEVELS: ValueNames = &[
    (0x0000, "Unclassified"),
    (0xf135, "Confidential"),
    (0x789a, "EFTO"),
    (0xbc4d, "MMMM"),
    (0x5e26, "PROG"),
    (0xaf13, "Restricted"),
    (0xd788, "Secret"),
    (0x6bc5, "Top secret"),
];

crate::field!(OPTIONS, "ip.options", "Options", None, "the header's options: rarely used extras such as a recorded route or a router alert; wirelab's name for the list Wireshark draws as text (RFC 791 §3.1)");
crate::field!(TYPE, "ip.opt.type", "Type", UInt 8, Dec, "the option's type byte: copy bit, class and number together (RFC 791 §3.1)");
pub static TYPE_COPY: FieldDef = crate::link::flag(
    "ip.opt.type.copy",
    "Copy on fragmentation",
    0x80,
    "whether routers copy this option into every fragment, or only into the first (RFC 791 §3.1)",
);
pub static TYPE_CLASS: FieldDef = masked(
    "ip.opt.type.class",
    "Class",
    8,
    Base::Dec,
    CLASSES,
    0x60,
    "0 for control options, 2 for debugging and measurement (RFC 791 §3.1)",
);
pub static TYPE_NUMBER: FieldDef = masked(
    "ip.opt.type.number",
    "Number",
    8,
    Base::Dec,
    NUMBERS,
    0x1f,
    "which option this is, within its class (RFC 791 §3.1)",
);
crate::field!(LEN, "ip.opt.len", "Length", UInt 8, Dec, "the option's length in bytes, its type and length bytes included (RFC 791 §3.1)");
crate::field!(PTR, "ip.opt.ptr", "Pointer", UInt 8, Dec, "the byte (counting from 1 at the option's type) where the next address or time stamp goes (RFC 791 §3.1)");
crate::field!(SID, "ip.opt.sid", "Stream Identifier", UInt 16, Dec, "a SATNET stream identifier, obsolete (RFC 791 §3.1, RFC 6814)");
crate::field!(MTU, "ip.opt.mtu", "MTU", UInt 16, Dec, "the smallest MTU seen so far on the path (probe) or reported back (reply), an experiment since replaced by path MTU discovery (RFC 1063)");
crate::field!(ID_NUMBER, "ip.opt.id_number", "ID Number", UInt 16, Dec, "identifies the traceroute this option belongs to (RFC 1393 §2.2)");
crate::field!(OHC, "ip.opt.ohc", "Outbound Hop Count", UInt 16, Dec, "how many routers the outbound packet has passed (RFC 1393 §2.2)");
crate::field!(RHC, "ip.opt.rhc", "Return Hop Count", UInt 16, Dec, "how many routers the return packet has passed (RFC 1393 §2.2)");
crate::field!(
    ORIGINATOR,
    "ip.opt.originator",
    "Originator IP Address",
    Ipv4,
    "the host that started the traceroute (RFC 1393 §2.2)"
);
crate::field!(RA, "ip.opt.ra", "Router Alert", UInt 16, Dec, names = ROUTER_ALERT_VALUES, "asks every router on the path to look at the packet even though it is not addressed to it, as IGMP and RSVP need; 0 is the only value defined (RFC 2113 §2.1)");
crate::field!(
    ADDR,
    "ip.opt.addr",
    "IP Address",
    Ipv4,
    "an address carried by the option (RFC 791 §3.1)"
);
crate::field!(
    PADDING,
    "ip.opt.padding",
    "Padding",
    Bytes,
    "bytes after the end of the option list, up to the header length (RFC 791 §3.1)"
);
pub static QS_FUNC: FieldDef = masked(
    "ip.opt.qs_func",
    "Function",
    8,
    Base::Dec,
    QS_FUNCTIONS,
    0xf0,
    "whether the sender requests a rate (0) or reports one (8) (RFC 4782 §3.1)",
);
pub static QS_RATE: FieldDef = masked(
    "ip.opt.qs_rate",
    "Rate",
    8,
    Base::Dec,
    &[],
    0x0f,
    "the requested sending rate, as an exponent: 40 kbit/s times 2 to this power (RFC 4782 §3.1)",
);
crate::field!(QS_TTL, "ip.opt.qs_ttl", "QS TTL", UInt 8, Dec, "the TTL the sender stored, so the receiver can tell whether every router approved the rate (RFC 4782 §3.1)");
crate::field!(QS_UNUSED, "ip.opt.qs_unused", "Not Used", UInt 8, Dec, "unused in a rate report (RFC 4782 §3.1)");
pub static QS_NONCE: FieldDef = masked("ip.opt.qs_nonce", "QS Nonce", 32, Base::Hex, &[], 0xffff_fffc, "a random value routers must not change, so the receiver can detect a cheating one (RFC 4782 §3.1)");
pub static QS_RESERVED: FieldDef = masked(
    "ip.opt.qs_reserved",
    "Reserved",
    32,
    Base::Hex,
    &[],
    0x3,
    "reserved bits (RFC 4782 §3.1)",
);
crate::field!(SEC_RFC791_SEC, "ip.opt.sec_rfc791_sec", "Security", UInt 16, Hex, names = SECURITY_LEVELS, "the classification level, one of 16-bit codes RFC 791 lists (RFC 791 §3.1)");
crate::field!(SEC_RFC791_COMP, "ip.opt.sec_rfc791_comp", "Compartments", UInt 16, Dec, "the compartment the information belongs to; 0 when not compartmented (RFC 791 §3.1)");
crate::field!(
    SEC_RFC791_HR,
    "ip.opt.sec_rfc791_hr",
    "Handling Restrictions",
    Bytes,
    "handling restriction codes (RFC 791 §3.1)"
);
crate::field!(
    SEC_RFC791_TCC,
    "ip.opt.sec_rfc791_tcc",
    "Transmission Control Code",
    Bytes,
    "groups traffic by community of interest (RFC 791 §3.1)"
);
crate::field!(SEC_CL, "ip.opt.sec_cl", "Classification Level", UInt 8, Hex, "the classification level of a RFC 1108 security option (RFC 1108 §2.3)");
crate::field!(SEC_PROT_AUTH_FLAGS, "ip.opt.sec_prot_auth_flags", "Protection Authority Flags", UInt 8, Hex, "which authorities' rules protect the datagram (RFC 1108 §2.4)");
crate::field!(EXT_SEC_FORMAT_CODE, "ip.opt.ext_sec_add_sec_info_format_code", "Additional Security Info Format Code", UInt 8, Hex, "says how to read the extended security information (RFC 1108 §3)");
crate::field!(
    EXT_SEC_INFO,
    "ip.opt.ext_sec_add_sec_info",
    "Additional Security Info",
    Bytes,
    "extended security information (RFC 1108 §3)"
);
crate::field!(
    REC_RT,
    "ip.rec_rt",
    "Recorded Route",
    Ipv4,
    "an address a router on the path has written into the route (RFC 791 §3.1, \"Record Route\")"
);
crate::field!(
    REC_RT_HOST,
    "ip.rec_rt_host",
    "Recorded Route Host",
    Str,
    "a recorded route address, as text (RFC 791 §3.1)"
);
crate::field!(SRC_RT, "ip.src_rt", "Source Route", Ipv4, "an address the sender wants the datagram to pass through (RFC 791 §3.1, \"Loose Source and Record Route\")");
crate::field!(
    SRC_RT_HOST,
    "ip.src_rt_host",
    "Source Route Host",
    Str,
    "a source route address, as text (RFC 791 §3.1)"
);
crate::field!(
    EMPTY_RT,
    "ip.empty_rt",
    "Empty Route",
    Ipv4,
    "a slot of the Record Route option no router has filled yet (RFC 791 §3.1, \"Record Route\")"
);
crate::field!(
    EMPTY_RT_HOST,
    "ip.empty_rt_host",
    "Empty Route Host",
    Str,
    "an empty route slot, as text (RFC 791 §3.1)"
);
crate::field!(CIPSO_DOI, "ip.cipso.doi", "DOI", UInt 32, Dec, "the domain of interpretation that gives the security labels their meaning (FIPS 188, draft-ietf-cipso-ipsecurity)");
crate::field!(
    CIPSO_TAG_DATA,
    "ip.cipso.tag_data",
    "Tag data",
    Bytes,
    "the commercial security option's tags, which wirelab does not interpret (FIPS 188)"
);
pub static OVERFLOW: FieldDef = masked("ip.opt.overflow", "Overflow", 8, Base::Dec, &[], 0xf0, "how many routers could not add a time stamp because the option was full (RFC 791 §3.1, \"Internet Timestamp\")");
pub static FLAG: FieldDef = masked("ip.opt.flag", "Flag", 8, Base::Hex, TIMESTAMP_FLAGS, 0x0f, "0: time stamps only; 1: each router adds its address and a time stamp; 3: only the listed routers add time stamps (RFC 791 §3.1, \"Internet Timestamp\")");
crate::field!(TIME_STAMP, "ip.opt.time_stamp", "Time stamp", UInt 32, Dec, "milliseconds since midnight UTC when a router handled the datagram (RFC 791 §3.1, \"Internet Timestamp\")");
crate::field!(
    TIME_STAMP_ADDR,
    "ip.opt.time_stamp_addr",
    "Address",
    Ipv4,
    "the router that added the time stamp after it (RFC 791 §3.1, \"Internet Timestamp\")"
);
crate::field!(
    LEN_INVALID,
    "ip.opt.len.invalid",
    "Invalid length for option",
    None,
    "the option's length byte is impossible for this option or runs past the header (RFC 791 §3.1)"
);
crate::field!(
    SUBOPT_TOO_LONG,
    "ip.subopt_too_long",
    "Suboption would go past end of option",
    None,
    "the option's length leaves a partial address or time stamp at its end (RFC 791 §3.1)"
);
crate::field!(
    UNKNOWN,
    "ip.opt.unknown",
    "Unknown option",
    Bytes,
    "an option wirelab does not interpret, shown as raw bytes; wirelab's name (RFC 791 §3.1)"
);

crate::field!(
    EOL,
    "ip.options.eol",
    "IP Option - End of Options List (EOL)",
    Protocol,
    "marks the end of the options; the rest of the header is padding (RFC 791 §3.1)"
);
crate::field!(
    NOP,
    "ip.options.nop",
    "IP Option - No-Operation (NOP)",
    Protocol,
    "a one-byte filler, used to align the next option on a 32-bit boundary (RFC 791 §3.1)"
);
crate::field!(
    SECURITY,
    "ip.options.security",
    "IP Option - Security",
    Protocol,
    "the military security label of the datagram (RFC 791 §3.1, RFC 1108)"
);
crate::field!(LSRR, "ip.options.route", "IP Option - Loose Source Route", Protocol, "a list of routers the datagram must pass through, in order, with any routers in between (RFC 791 §3.1)");
crate::field!(
    TIMESTAMP,
    "ip.options.timestamp",
    "IP Option - Time Stamp",
    Protocol,
    "asks routers on the path to record when they handled the datagram (RFC 791 §3.1)"
);
crate::field!(
    EXT_SECURITY,
    "ip.options.ext_security",
    "IP Option - Extended Security",
    Protocol,
    "additional security information (RFC 1108 §3)"
);
crate::field!(
    CIPSO,
    "ip.options.cipso",
    "IP Option - Commercial Security",
    Protocol,
    "a commercial IP security label (CIPSO) (FIPS 188)"
);
crate::field!(
    RR,
    "ip.options.record_route",
    "IP Option - Record Route",
    Protocol,
    "asks each router on the path to write its address into the option (RFC 791 §3.1)"
);
crate::field!(
    STREAM_ID,
    "ip.options.sid",
    "IP Option - Stream ID",
    Protocol,
    "carries a SATNET stream identifier, obsolete (RFC 791 §3.1)"
);
crate::field!(SSRR, "ip.options.source_route", "IP Option - Strict Source Route", Protocol, "the exact list of routers the datagram must pass through, with no others in between (RFC 791 §3.1)");
crate::field!(
    MTU_PROBE,
    "ip.options.mtu_probe",
    "IP Option - MTU Probe",
    Protocol,
    "asks routers for the smallest MTU on the path (RFC 1063)"
);
crate::field!(
    MTU_REPLY,
    "ip.options.mtu_reply",
    "IP Option - MTU Reply",
    Protocol,
    "returns the smallest MTU an MTU probe found (RFC 1063)"
);
crate::field!(
    TRACEROUTE,
    "ip.options.traceroute",
    "IP Option - Traceroute",
    Protocol,
    "asks routers to report the datagram's path to the originator (RFC 1393 §2.2)"
);
crate::field!(
    ROUTER_ALERT,
    "ip.options.routeralert",
    "IP Option - Router Alert",
    Protocol,
    "asks every router on the path to examine the datagram (RFC 2113 §2.1)"
);
crate::field!(
    SDB,
    "ip.options.sdb",
    "IP Option - Selective Directed Broadcast",
    Protocol,
    "a list of addresses to broadcast the datagram to (RFC 1770)"
);
crate::field!(
    QUICK_START,
    "ip.options.qs",
    "IP Option - Quick-Start",
    Protocol,
    "asks routers to approve a higher initial sending rate (RFC 4782 §3)"
);

/// What wirelab knows about an option type: its protocol item, its short name (for the list in
/// the Options line), and the lengths it may have.
struct Kind {
    def: &'static FieldDef,
    name: &'static str,
    /// `Some(n)`: the option is always `n` bytes long.
    fixed: Option<usize>,
    /// The shortest valid length.
    min: usize,
}

fn kind(option_type: u8) -> Option<Kind> {
    let (def, name, fixed, min) = match option_type {
        0 => (&EOL, "End of Options List (EOL)", Some(1), 1),
        1 => (&NOP, "No-Operation (NOP)", Some(1), 1),
        7 => (&RR, "Record Route", None, 3),
        11 => (&MTU_PROBE, "MTU Probe", Some(4), 4),
        12 => (&MTU_REPLY, "MTU Reply", Some(4), 4),
        25 => (&QUICK_START, "Quick-Start", Some(8), 8),
        68 => (&TIMESTAMP, "Time Stamp", None, 4),
        82 => (&TRACEROUTE, "Traceroute", Some(12), 12),
        130 => (&SECURITY, "Security", None, 3),
        131 => (&LSRR, "Loose Source Route", None, 3),
        133 => (&EXT_SECURITY, "Extended Security", None, 3),
        134 => (&CIPSO, "Commercial Security", None, 6),
        136 => (&STREAM_ID, "Stream ID", Some(4), 4),
        137 => (&SSRR, "Strict Source Route", None, 3),
        148 => (&ROUTER_ALERT, "Router Alert", Some(4), 4),
        149 => (&SDB, "Selective Directed Broadcast", None, 2),
        _ => return None,
    };
    Some(Kind {
        def,
        name,
        fixed,
        min,
    })
}

/// With a loose or strict source route option, the datagram's final destination: the route's
/// last address, and the byte offset it sits at.
pub(super) fn source_route_destination(
    bytes: &[u8],
    options: Range<usize>,
) -> Option<(Ipv4Addr, usize)> {
    let mut at = options.start;
    while at < options.end {
        let option_type = *bytes.get(at)?;
        match option_type {
            0 => return None,
            1 => at += 1,
            _ => {
                let len = *bytes.get(at + 1)? as usize;
                if len < 2 || at + len > options.end {
                    return None;
                }
                if matches!(option_type, 131 | 137) && len >= 7 {
                    let last = at + 3 + (len - 3) / 4 * 4 - 4;
                    return ipv4_at(bytes, last).map(|addr| (addr, last));
                }
                at += len;
            }
        }
    }
    None
}

/// The names of the options present, for the `Options: (12 bytes), Record Route` line.
struct Summary {
    bytes: usize,
    names: [&'static str; 20],
    count: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Options: ({} bytes)", self.bytes)?;
        self.names[..self.count]
            .iter()
            .try_for_each(|name| write!(f, ", {name}"))
    }
}

/// Dissect the options in `range` (the header from byte 20 to its header length, all captured).
pub(super) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>) {
    let bytes = cx.bytes;
    let list = cx.d.open(&OPTIONS, range.clone(), Value::None);
    let mut summary = Summary {
        bytes: range.len(),
        names: [""; 20],
        count: 0,
    };
    let mut at = range.start;
    while at < range.end {
        let option_type = bytes[at];
        let known = kind(option_type);
        let name = known.as_ref().map_or("Unknown", |k| k.name);
        if option_type <= 1 {
            let index = cx.d.open(
                known.as_ref().map_or(&UNKNOWN, |k| k.def),
                at..at + 1,
                Value::None,
            );
            cx.d.set_title(index, format_args!("IP Option - {name}"));
            add_type(cx, at, option_type);
            cx.d.close();
            at += 1;
            if option_type == 0 {
                // End of the list: whatever follows up to the header length is padding.
                break;
            }
            continue;
        }
        let Some(&len) = bytes.get(at + 1).filter(|_| at + 1 < range.end) else {
            note(
                cx,
                &LEN_INVALID,
                at..range.end,
                format_args!("{name} (length byte past end of options)"),
            );
            break;
        };
        let len = len as usize;
        if len < 2 {
            let plural = if len == 1 { "" } else { "s" };
            note(
                cx,
                &LEN_INVALID,
                at..at + 2,
                format_args!("{name} (with too-short option length = {len} byte{plural})"),
            );
            break;
        }
        if at + len > range.end {
            note(
                cx,
                &LEN_INVALID,
                at..range.end,
                format_args!(
                    "{name} (option length = {len} bytes says option goes past end of options)"
                ),
            );
            break;
        }
        let option = at..at + len;
        let Some(known) = known else {
            let index = cx.d.add(&UNKNOWN, option.clone(), Value::Bytes);
            cx.d.set_title(
                index,
                format_args!("Unknown (0x{option_type:02x}) ({len} bytes)"),
            );
            at += len;
            continue;
        };
        let index = cx.d.open(known.def, option.clone(), Value::None);
        cx.d.set_title(
            index,
            format_args!("IP Option - {} ({len} bytes)", known.name),
        );
        add_type(cx, at, option_type);
        cx.d.add(&LEN, at + 1..at + 2, Value::UInt(len as u64));
        if summary.count < summary.names.len() {
            summary.names[summary.count] = known.name;
            summary.count += 1;
        }
        let expected = match known.fixed {
            Some(fixed) if fixed != len => Some(fixed),
            None if len < known.min => Some(known.min),
            _ => None,
        };
        if let Some(expected) = expected {
            // The length cannot be right for this option: its data cannot be read, and the
            // options after it cannot be trusted.
            note(
                cx,
                &LEN_INVALID,
                at + 1..at + 2,
                format_args!(
                    "{} (with option length = {len} bytes; should be {expected})",
                    known.name
                ),
            );
            cx.d.close();
            cx.d.set_malformed(
                "ip",
                at + 1,
                format!(
                    "expected a {} option length of {expected} bytes, found {len}",
                    known.name
                ),
            );
            break;
        }
        dissect_body(cx, option_type, option.clone(), index);
        cx.d.close();
        at += len;
    }
    cx.d.set_title(list, format_args!("{summary}"));
    cx.d.close();
}

/// The type byte, with its three parts as a subtree.
fn add_type(cx: &mut Ctx<'_>, at: usize, option_type: u8) {
    cx.d.open(&TYPE, at..at + 1, Value::UInt(option_type as u64));
    cx.d.add(&TYPE_COPY, at..at + 1, Value::Bool(option_type & 0x80 != 0));
    cx.d.add(
        &TYPE_CLASS,
        at..at + 1,
        Value::UInt(((option_type >> 5) & 0x3) as u64),
    );
    cx.d.add(
        &TYPE_NUMBER,
        at..at + 1,
        Value::UInt((option_type & 0x1f) as u64),
    );
    cx.d.close();
}

/// A line of text explaining a problem, under a field of Wireshark's expert-info kind.
fn note(cx: &mut Ctx<'_>, def: &'static FieldDef, range: Range<usize>, text: fmt::Arguments<'_>) {
    let index = cx.d.add(def, range, Value::None);
    cx.d.set_title(index, text);
}

/// The option's data, by type; `option` spans type and length bytes too.
fn dissect_body(cx: &mut Ctx<'_>, option_type: u8, option: Range<usize>, index: usize) {
    let bytes = cx.bytes;
    let at = option.start;
    let u16_at = |offset: usize| be16(bytes, at + offset).unwrap_or(0) as u64;
    match option_type {
        7 | 131 | 137 => dissect_route(cx, option_type, option),
        68 => dissect_timestamp(cx, option),
        136 => {
            cx.d.add(&SID, at + 2..at + 4, Value::UInt(u16_at(2)));
        }
        11 | 12 => {
            cx.d.add(&MTU, at + 2..at + 4, Value::UInt(u16_at(2)));
        }
        82 => {
            cx.d.add(&ID_NUMBER, at + 2..at + 4, Value::UInt(u16_at(2)));
            cx.d.add(&OHC, at + 4..at + 6, Value::UInt(u16_at(4)));
            cx.d.add(&RHC, at + 6..at + 8, Value::UInt(u16_at(6)));
            if let Some(addr) = ipv4_at(bytes, at + 8) {
                cx.d.add(&ORIGINATOR, at + 8..at + 12, Value::Ipv4(addr));
            }
        }
        148 => {
            let value = u16_at(2);
            cx.d.add(&RA, at + 2..at + 4, Value::UInt(value));
            let meaning = if value == 0 {
                "Router shall examine packet"
            } else {
                "Reserved"
            };
            cx.d.set_title(
                index,
                format_args!("IP Option - Router Alert (4 bytes): {meaning} ({value})"),
            );
        }
        25 => {
            let function = bytes[at + 2] >> 4;
            cx.d.add(&QS_FUNC, at + 2..at + 3, Value::UInt(function as u64));
            cx.d.add(
                &QS_RATE,
                at + 2..at + 3,
                Value::UInt((bytes[at + 2] & 0x0f) as u64),
            );
            let ttl_def = if function == 0 { &QS_TTL } else { &QS_UNUSED };
            cx.d.add(ttl_def, at + 3..at + 4, Value::UInt(bytes[at + 3] as u64));
            let word = be32(bytes, at + 4).unwrap_or(0);
            cx.d.add(&QS_NONCE, at + 4..at + 8, Value::UInt((word >> 2) as u64));
            cx.d.add(
                &QS_RESERVED,
                at + 4..at + 8,
                Value::UInt((word & 0x3) as u64),
            );
        }
        130 if option.len() == 11 => {
            // The RFC 791 form: security level, compartments, handling restrictions, TCC.
            cx.d.add(&SEC_RFC791_SEC, at + 2..at + 4, Value::UInt(u16_at(2)));
            cx.d.add(&SEC_RFC791_COMP, at + 4..at + 6, Value::UInt(u16_at(4)));
            cx.d.add(&SEC_RFC791_HR, at + 6..at + 8, Value::Bytes);
            cx.d.add(&SEC_RFC791_TCC, at + 8..at + 11, Value::Bytes);
        }
        130 => {
            // The RFC 1108 form: a classification level and protection authority flags.
            cx.d.add(&SEC_CL, at + 2..at + 3, Value::UInt(bytes[at + 2] as u64));
            if option.len() > 3 {
                cx.d.add(
                    &SEC_PROT_AUTH_FLAGS,
                    at + 3..at + 4,
                    Value::UInt(bytes[at + 3] as u64),
                );
            }
        }
        133 => {
            cx.d.add(
                &EXT_SEC_FORMAT_CODE,
                at + 2..at + 3,
                Value::UInt(bytes[at + 2] as u64),
            );
            if option.len() > 3 {
                cx.d.add(&EXT_SEC_INFO, at + 3..option.end, Value::Bytes);
            }
        }
        134 => {
            cx.d.add(
                &CIPSO_DOI,
                at + 2..at + 6,
                Value::UInt(be32(bytes, at + 2).unwrap_or(0) as u64),
            );
            if option.len() > 6 {
                cx.d.add(&CIPSO_TAG_DATA, at + 6..option.end, Value::Bytes);
            }
        }
        149 => {
            let mut slot = at + 2;
            while slot + 4 <= option.end {
                if let Some(addr) = ipv4_at(bytes, slot) {
                    cx.d.add(&ADDR, slot..slot + 4, Value::Ipv4(addr));
                }
                slot += 4;
            }
        }
        _ => {}
    }
}

/// Record Route and the two source routes: a pointer, then 4-byte address slots. Slots before
/// the pointer have been used; the pointer names the next one.
fn dissect_route(cx: &mut Ctx<'_>, option_type: u8, option: Range<usize>) {
    let bytes = cx.bytes;
    let at = option.start;
    let pointer = bytes[at + 2] as usize;
    cx.d.add(&PTR, at + 2..at + 3, Value::UInt(pointer as u64));
    let slots = (option.len() - 3) / 4;
    for slot in 0..slots {
        let offset = 3 + slot * 4;
        let range = at + offset..at + offset + 4;
        let Some(addr) = ipv4_at(bytes, range.start) else {
            break;
        };
        let next = offset + 1 == pointer;
        let used = offset + 1 < pointer;
        if option_type != 7 && slot + 1 == slots {
            // A source route's last address is the datagram's real destination.
            cx.d.add(&super::DST, range.clone(), Value::Ipv4(addr));
            cx.d.add_hidden(&super::ADDR, range.clone(), Value::Ipv4(addr));
            cx.d.add_hidden(&super::DST_HOST, range.clone(), Value::Ipv4(addr));
            cx.d.add_hidden(&super::HOST, range, Value::Ipv4(addr));
            continue;
        }
        let (def, host) = match (option_type, used) {
            (_, true) => (&REC_RT, &REC_RT_HOST),
            (7, false) => (&EMPTY_RT, &EMPTY_RT_HOST),
            (_, false) => (&SRC_RT, &SRC_RT_HOST),
        };
        let index = cx.d.add(def, range.clone(), Value::Ipv4(addr));
        if next {
            cx.d.set_title(index, format_args!("{}: {addr} <- (next)", def.label));
        }
        cx.d.add_hidden(host, range, Value::Ipv4(addr));
    }
}

/// The Internet Timestamp option: pointer, overflow and flag, then time stamps (with the
/// routers' addresses when the flag asks for them).
fn dissect_timestamp(cx: &mut Ctx<'_>, option: Range<usize>) {
    let bytes = cx.bytes;
    let at = option.start;
    cx.d.add(&PTR, at + 2..at + 3, Value::UInt(bytes[at + 2] as u64));
    let overflow_flag = bytes[at + 3];
    cx.d.add(
        &OVERFLOW,
        at + 3..at + 4,
        Value::UInt((overflow_flag >> 4) as u64),
    );
    let flag = overflow_flag & 0x0f;
    cx.d.add(&FLAG, at + 3..at + 4, Value::UInt(flag as u64));
    let with_address = matches!(flag, 1 | 3);
    let entry_len = if with_address { 8 } else { 4 };
    let mut entry = at + 4;
    while entry < option.end {
        if entry + entry_len > option.end {
            note(
                cx,
                &SUBOPT_TOO_LONG,
                entry..option.end,
                format_args!("Suboption would go past end of option"),
            );
            break;
        }
        let mut stamp_at = entry;
        if with_address {
            if let Some(addr) = ipv4_at(bytes, entry) {
                cx.d.add(&TIME_STAMP_ADDR, entry..entry + 4, Value::Ipv4(addr));
            }
            stamp_at += 4;
        }
        let stamp = be32(bytes, stamp_at).unwrap_or(0);
        cx.d.add(
            &TIME_STAMP,
            stamp_at..stamp_at + 4,
            Value::UInt(stamp as u64),
        );
        entry += entry_len;
    }
}
