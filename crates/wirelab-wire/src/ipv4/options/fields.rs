//! The fields of IPv4 options, as Wireshark names them, and the names of their values.

use crate::field::{Base, FieldDef, ValueNames};
use crate::link::masked;

pub(super) static CLASSES: ValueNames = &[
    (0, "Control"),
    (1, "Reserved for future use"),
    (2, "Debugging and measurement"),
    (3, "Reserved for future use"),
];

pub(super) static NUMBERS: ValueNames = &[
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

pub(super) static TIMESTAMP_FLAGS: ValueNames = &[
    (0, "Time stamps only"),
    (1, "Time stamp and address"),
    (3, "Time stamps for prespecified addresses"),
];

pub(super) static ROUTER_ALERT_VALUES: ValueNames = &[(0, "Router shall examine packet")];

pub(super) static QS_FUNCTIONS: ValueNames = &[(0, "Rate request"), (8, "Rate report")];

pub(super) static SECURITY_LEVELS: ValueNames = &[
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
crate::field!(PTR_BEFORE_ADDRESS, "ip.opt.ptr.before_address", "Pointer points before first address", None, "a route option's pointer below 4 points into the option's own type, length or pointer bytes (RFC 791 §3.1)");
crate::field!(
    PTR_MIDDLE_ADDRESS,
    "ip.opt.ptr.middle_address",
    "Pointer points to middle of address",
    None,
    "a route option's pointer must point at the start of a 4-byte address slot (RFC 791 §3.1)"
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
