//! Names of ICMP types and codes, as Wireshark spells them (IANA "ICMP Type Numbers").

use crate::field::{name_in, ValueNames};
use std::fmt;

/// Type names (RFC 792, RFC 950, RFC 1256, RFC 1393, RFC 1475, RFC 2521, RFC 8335).
pub static TYPES: ValueNames = &[
    (0, "Echo (ping) reply"),
    (1, "Reserved"),
    (2, "Reserved"),
    (3, "Destination unreachable"),
    (4, "Source quench (flow control)"),
    (5, "Redirect"),
    (6, "Alternate host address"),
    (8, "Echo (ping) request"),
    (9, "Router advertisement"),
    (10, "Router solicitation"),
    (11, "Time-to-live exceeded"),
    (12, "Parameter problem"),
    (13, "Timestamp request"),
    (14, "Timestamp reply"),
    (15, "Information request"),
    (16, "Information reply"),
    (17, "Address mask request"),
    (18, "Address mask reply"),
    (19, "Reserved (for security)"),
    (30, "Traceroute"),
    (31, "Datagram Conversion Error"),
    (32, "Mobile Host Redirect"),
    (33, "IPv6 Where-Are-You"),
    (34, "IPv6 I-Am-Here"),
    (35, "Mobile Registration Request"),
    (36, "Mobile Registration Reply"),
    (37, "Domain Name Request"),
    (38, "Domain Name Reply"),
    (39, "SKIP"),
    (40, "Photuris"),
    (41, "Experimental mobility protocols"),
    (42, "Extended Echo request"),
    (43, "Extended Echo reply"),
];

/// Destination unreachable (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1).
static UNREACHABLE: ValueNames = &[
    (0, "Network unreachable"),
    (1, "Host unreachable"),
    (2, "Protocol unreachable"),
    (3, "Port unreachable"),
    (4, "Fragmentation needed"),
    (5, "Source route failed"),
    (6, "Destination network unknown"),
    (7, "Destination host unknown"),
    (8, "Source host isolated"),
    (9, "Network administratively prohibited"),
    (10, "Host administratively prohibited"),
    (11, "Network unreachable for TOS"),
    (12, "Host unreachable for TOS"),
    (13, "Communication administratively filtered"),
    (14, "Host precedence violation"),
    (15, "Precedence cutoff in effect"),
];

/// Redirect (RFC 792).
static REDIRECT: ValueNames = &[
    (0, "Redirect for network"),
    (1, "Redirect for host"),
    (2, "Redirect for TOS and network"),
    (3, "Redirect for TOS and host"),
];

static ALTERNATE_HOST: ValueNames = &[(0, "Alternate address for host")];

/// Router advertisement (RFC 1256, RFC 3344 §2.1).
static ROUTER_ADVERTISEMENT: ValueNames = &[
    (0, "Normal router advertisement"),
    (16, "Does not route common traffic"),
];

/// Time exceeded (RFC 792).
static TIME_EXCEEDED: ValueNames = &[
    (0, "Time to live exceeded in transit"),
    (1, "Fragment reassembly time exceeded"),
];

/// Parameter problem (RFC 792, RFC 1108).
static PARAMETER_PROBLEM: ValueNames = &[
    (0, "Pointer indicates the error"),
    (1, "Required option missing"),
    (2, "Bad length"),
];

/// Photuris (RFC 2521 §3).
static PHOTURIS: ValueNames = &[
    (0, "Bad SPI"),
    (1, "Authentication Failed"),
    (2, "Decompression Failed"),
    (3, "Decryption Failed"),
    (4, "Need Authentication"),
    (5, "Need Authorization"),
];

/// Extended echo request and reply (RFC 8335 §2, §3), for ICMP and ICMPv6 alike.
pub(crate) static EXTENDED_ECHO_REQUEST: ValueNames = &[(0, "No error")];
pub(crate) static EXTENDED_ECHO_REPLY: ValueNames = &[
    (0, "No error"),
    (1, "Malformed Query"),
    (2, "No Such Interface"),
    (3, "No Such Table Entry"),
    (4, "Multiple Interfaces Satisfy Query"),
];

/// A type's name. Wireshark calls type 9 with code 0 or 16 a "Mobile IP Advertisement"
/// (RFC 3344 §2.1 reuses router advertisements for mobility agents).
pub fn type_name(icmp_type: u8, code: u8) -> &'static str {
    if icmp_type == 9 && (code == 0 || code == 16) {
        return "Mobile IP Advertisement";
    }
    name_in(TYPES, icmp_type as u64).unwrap_or("Unknown ICMP (obsolete or malformed?)")
}

/// A code's name, for the types whose codes have names; `Unknown code: N` for the others of
/// those types.
pub fn code_name(icmp_type: u8, code: u8) -> Option<CodeName> {
    let names = match icmp_type {
        3 => UNREACHABLE,
        5 => REDIRECT,
        6 => ALTERNATE_HOST,
        9 => ROUTER_ADVERTISEMENT,
        11 => TIME_EXCEEDED,
        12 => PARAMETER_PROBLEM,
        40 => PHOTURIS,
        42 => EXTENDED_ECHO_REQUEST,
        43 => EXTENDED_ECHO_REPLY,
        _ => return None,
    };
    Some(name_in(names, code as u64).map_or(CodeName::Unknown(code), CodeName::Known))
}

/// The name of a code, or `Unknown code: N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeName {
    Known(&'static str),
    Unknown(u8),
}

impl fmt::Display for CodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeName::Known(name) => f.write_str(name),
            CodeName::Unknown(code) => write!(f, "Unknown code: {code}"),
        }
    }
}
