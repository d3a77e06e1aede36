//! Names of ICMPv6 types and codes, as Wireshark spells them (IANA "ICMPv6 Parameters").

use crate::field::{name_in, ValueNames};
// Extended echo (RFC 8335 §2, §3) has the same codes in ICMP and ICMPv6.
use crate::icmp::names::{EXTENDED_ECHO_REPLY, EXTENDED_ECHO_REQUEST};
use std::fmt;

/// Type names (RFC 4443 §2.1 and the RFCs each type comes from).
pub static TYPES: ValueNames = &[
    (1, "Destination Unreachable"),
    (2, "Packet Too Big"),
    (3, "Time Exceeded"),
    (4, "Parameter Problem"),
    (100, "Private experimentation"),
    (101, "Private experimentation"),
    (127, "Reserved for expansion of ICMPv6 error messages"),
    (128, "Echo (ping) request"),
    (129, "Echo (ping) reply"),
    (130, "Multicast Listener Query"),
    (131, "Multicast Listener Report"),
    (132, "Multicast Listener Done"),
    (133, "Router Solicitation"),
    (134, "Router Advertisement"),
    (135, "Neighbor Solicitation"),
    (136, "Neighbor Advertisement"),
    (137, "Redirect"),
    (138, "Router Renumbering"),
    (139, "Node Information Query"),
    (140, "Node Information Reply"),
    (141, "Inverse Neighbor Discovery Solicitation"),
    (142, "Inverse Neighbor Discovery Advertisement"),
    (143, "Multicast Listener Report Message v2"),
    (144, "Home Agent Address Discovery Request"),
    (145, "Home Agent Address Discovery Reply"),
    (146, "Mobile Prefix Solicitation"),
    (147, "Mobile Prefix Advertisement"),
    (148, "Certification Path Solicitation"),
    (149, "Certification Path Advertisement"),
    (150, "Experimental Mobility"),
    (151, "Multicast Router Advertisement"),
    (152, "Multicast Router Solicitation"),
    (153, "Multicast Router Termination"),
    (154, "FMIPv6"),
    (155, "RPL Control"),
    (156, "Locator Update"),
    (157, "Duplicate Address Request"),
    (158, "Duplicate Address Confirmation"),
    (159, "MPL Control Message"),
    (160, "Extended Echo request"),
    (161, "Extended Echo reply"),
    (200, "Private experimentation"),
    (201, "Private experimentation"),
    (
        255,
        "Reserved for expansion of ICMPv6 informational messages",
    ),
];

/// Destination unreachable (RFC 4443 §3.1).
static UNREACHABLE: ValueNames = &[
    (0, "no route to destination"),
    (1, "Administratively prohibited"),
    (2, "Beyond scope of source address"),
    (3, "Address unreachable"),
    (4, "Port unreachable"),
    (5, "Source address failed ingress/egress policy"),
    (6, "Reject route to destination"),
    (7, "Error in Source Routing Header"),
];

/// Time exceeded (RFC 4443 §3.3).
static TIME_EXCEEDED: ValueNames = &[
    (0, "hop limit exceeded in transit"),
    (1, "fragment reassembly time exceeded"),
];

/// Parameter problem (RFC 4443 §3.4, RFC 7112 §3).
static PARAMETER_PROBLEM: ValueNames = &[
    (0, "erroneous header field encountered"),
    (1, "unrecognized Next Header type encountered"),
    (2, "unrecognized IPv6 option encountered"),
    (3, "IPv6 First Fragment has incomplete IPv6 Header Chain"),
];

/// Router renumbering (RFC 2894 §3.1).
static ROUTER_RENUMBERING: ValueNames = &[
    (0, "Command"),
    (1, "Result"),
    (255, "Sequence number reset"),
];

/// Node information query and reply (RFC 4620 §4).
static NODE_INFO_QUERY: ValueNames = &[
    (0, "Query subject = IPv6 addresses"),
    (1, "Query subject = DNS name or empty"),
    (2, "Query subject = IPv4 addresses"),
];
static NODE_INFO_REPLY: ValueNames =
    &[(0, "Successful"), (1, "Refused"), (2, "Unknown query type")];

/// RPL control messages (RFC 6550 §6, RFC 6997).
static RPL: ValueNames = &[
    (0, "DODAG Information Solicitation"),
    (1, "DODAG Information Object"),
    (2, "Destination Advertisement Object"),
    (3, "Destination Advertisement Object Acknowledgment"),
    (4, "P2P Discovery Reply Object"),
    (5, "P2P Discovery Reply Object Acknowledgement"),
];

/// A type's name, or `Unknown`.
pub fn type_name(icmp_type: u8) -> &'static str {
    name_in(TYPES, icmp_type as u64).unwrap_or("Unknown")
}

/// A code's name, for the types whose codes have names.
pub fn code_name(icmp_type: u8, code: u8) -> Option<CodeName> {
    let names = match icmp_type {
        1 => {
            return Some(
                name_in(UNREACHABLE, code as u64).map_or(CodeName::Unknown, CodeName::Known),
            )
        }
        3 => TIME_EXCEEDED,
        4 => PARAMETER_PROBLEM,
        138 => ROUTER_RENUMBERING,
        139 => NODE_INFO_QUERY,
        140 => NODE_INFO_REPLY,
        155 => RPL,
        160 => EXTENDED_ECHO_REQUEST,
        161 => EXTENDED_ECHO_REPLY,
        _ => return None,
    };
    Some(name_in(names, code as u64).map_or(CodeName::UnknownNumbered(code), CodeName::Known))
}

/// The name of a code: known, `Unknown`, or `Unknown (N)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeName {
    Known(&'static str),
    Unknown,
    UnknownNumbered(u8),
}

impl fmt::Display for CodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeName::Known(name) => f.write_str(name),
            CodeName::Unknown => f.write_str("Unknown"),
            CodeName::UnknownNumbered(code) => write!(f, "Unknown ({code})"),
        }
    }
}
