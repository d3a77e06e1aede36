//! The Neighbor Discovery fields: message fields, option types and option fields.

use crate::field::{FieldDef, ValueNames};

crate::field!(RA_CUR_HOP_LIMIT, "icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", UInt 8, Dec, "the hop limit hosts should put in the packets they send; 0 leaves it to them (RFC 4861 §4.2)");
crate::field!(RA_FLAG, "icmpv6.nd.ra.flag", "Flags", UInt 8, Hex, "how hosts should configure themselves, and how much to prefer this router (RFC 4861 §4.2, RFC 4191 §2.2)");
crate::field!(
    RA_FLAG_M,
    "icmpv6.nd.ra.flag.m",
    "Managed address configuration",
    Bool,
    mask = 0x80,
    "addresses are available from DHCPv6 (RFC 4861 §4.2)"
);
crate::field!(
    RA_FLAG_O,
    "icmpv6.nd.ra.flag.o",
    "Other configuration",
    Bool,
    mask = 0x40,
    "other configuration, such as DNS servers, is available from DHCPv6 (RFC 4861 §4.2)"
);
crate::field!(
    RA_FLAG_H,
    "icmpv6.nd.ra.flag.h",
    "Home Agent",
    Bool,
    mask = 0x20,
    "the router is also a Mobile IPv6 home agent (RFC 6275 §7.1)"
);
pub static RA_FLAG_PRF: FieldDef = crate::link::masked(
    "icmpv6.nd.ra.flag.prf",
    "Prf (Default Router Preference)",
    8,
    crate::field::Base::Dec,
    PREFERENCES,
    0x18,
    "how much to prefer this router as a default router: high, medium or low (RFC 4191 §2.2)",
);
crate::field!(
    RA_FLAG_P,
    "icmpv6.nd.ra.flag.p",
    "Proxy",
    Bool,
    mask = 0x04,
    "the router is a Neighbor Discovery proxy (RFC 4389 §4.1.3.3)"
);
crate::field!(RA_FLAG_RSV, "icmpv6.nd.ra.flag.rsv", "Reserved", UInt 8, Dec, "bits reserved for future use (RFC 4861 §4.2)");
crate::field!(RA_ROUTER_LIFETIME, "icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", UInt 16, Dec, "how many seconds hosts may use this router as a default router; 0 means not at all (RFC 4861 §4.2)");
crate::field!(RA_REACHABLE_TIME, "icmpv6.nd.ra.reachable_time", "Reachable time (ms)", UInt 32, Dec, "how long a neighbor stays reachable after a confirmation, in milliseconds; 0 leaves it to hosts (RFC 4861 §4.2)");
crate::field!(RA_RETRANS_TIMER, "icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", UInt 32, Dec, "milliseconds between retransmitted neighbor solicitations (RFC 4861 §4.2)");
crate::field!(
    NS_TARGET,
    "icmpv6.nd.ns.target_address",
    "Target Address",
    Ipv6,
    "the address whose link-layer address the sender asks for (RFC 4861 §4.3)"
);
crate::field!(NA_FLAG, "icmpv6.nd.na.flag", "Flags", UInt 32, Hex, "the router, solicited and override flags of an advertisement (RFC 4861 §4.4)");
crate::field!(
    NA_FLAG_R,
    "icmpv6.nd.na.flag.r",
    "Router",
    Bool,
    mask = 0x8000_0000,
    "the sender is a router (RFC 4861 §4.4)"
);
crate::field!(
    NA_FLAG_S,
    "icmpv6.nd.na.flag.s",
    "Solicited",
    Bool,
    mask = 0x4000_0000,
    "the advertisement answers a solicitation (RFC 4861 §4.4)"
);
crate::field!(
    NA_FLAG_O,
    "icmpv6.nd.na.flag.o",
    "Override",
    Bool,
    mask = 0x2000_0000,
    "the receiver should replace the link-layer address it has cached (RFC 4861 §4.4)"
);
pub static NA_FLAG_RSV: FieldDef = crate::link::masked(
    "icmpv6.nd.na.flag.rsv",
    "Reserved",
    32,
    crate::field::Base::Dec,
    &[],
    0x1fff_ffff,
    "bits reserved for future use (RFC 4861 §4.4)",
);
crate::field!(
    NA_TARGET,
    "icmpv6.nd.na.target_address",
    "Target Address",
    Ipv6,
    "the address the advertisement is about (RFC 4861 §4.4)"
);
crate::field!(
    RD_TARGET,
    "icmpv6.nd.rd.target_address",
    "Target Address",
    Ipv6,
    "the better first hop for the destination (RFC 4861 §4.5)"
);
crate::field!(
    RD_DESTINATION,
    "icmpv6.rd.na.destination_address",
    "Destination Address",
    Ipv6,
    "the destination that is redirected to the target (RFC 4861 §4.5)"
);
crate::field!(
    OPT,
    "icmpv6.opt",
    "ICMPv6 Option",
    None,
    "one Neighbor Discovery option: type, length in 8-byte units, value (RFC 4861 §4.6)"
);
crate::field!(OPT_TYPE, "icmpv6.opt.type", "Type", UInt 8, Dec, names = OPTION_TYPES, "which option this is (RFC 4861 §4.6)");
crate::field!(OPT_LENGTH, "icmpv6.opt.length", "Length", UInt 8, Dec, "the option's length in units of 8 bytes, type and length included (RFC 4861 §4.6)");
crate::field!(
    OPT_RESERVED,
    "icmpv6.opt.reserved",
    "Reserved",
    None,
    "bytes reserved by the option; senders set them to zero (RFC 4861 §4.6)"
);
crate::field!(
    OPT_LINKADDR,
    "icmpv6.opt.linkaddr",
    "Link-layer address",
    Ether,
    "a link-layer (MAC) address (RFC 4861 §4.6.1)"
);
crate::field!(
    OPT_SRC_LINKADDR,
    "icmpv6.opt.src_linkaddr",
    "Source Link-layer address",
    Ether,
    "the sender's link-layer address, so that the receiver need not ask for it (RFC 4861 §4.6.1)"
);
crate::field!(
    OPT_TARGET_LINKADDR,
    "icmpv6.opt.target_linkaddr",
    "Target Link-layer address",
    Ether,
    "the target's link-layer address: the answer to a solicitation (RFC 4861 §4.6.1)"
);
crate::field!(OPT_PREFIX_LENGTH, "icmpv6.opt.prefix.length", "Prefix Length", UInt 8, Dec, "how many leading bits of the prefix are significant (RFC 4861 §4.6.2)");
crate::field!(OPT_PREFIX_FLAG, "icmpv6.opt.prefix.flag", "Flag", UInt 8, Hex, "how hosts may use the prefix (RFC 4861 §4.6.2)");
crate::field!(
    OPT_PREFIX_FLAG_L,
    "icmpv6.opt.prefix.flag.l",
    "On-link flag(L)",
    Bool,
    mask = 0x80,
    "addresses in the prefix are on this link (RFC 4861 §4.6.2)"
);
crate::field!(
    OPT_PREFIX_FLAG_A,
    "icmpv6.opt.prefix.flag.a",
    "Autonomous address-configuration flag(A)",
    Bool,
    mask = 0x40,
    "hosts may form their own addresses in the prefix (RFC 4862 §5.5.3)"
);
crate::field!(
    OPT_PREFIX_FLAG_R,
    "icmpv6.opt.prefix.flag.r",
    "Router address flag(R)",
    Bool,
    mask = 0x20,
    "the prefix field holds the router's full address (RFC 6275 §7.2)"
);
crate::field!(OPT_PREFIX_FLAG_RESERVED, "icmpv6.opt.prefix.flag.reserved", "Reserved", UInt 8, Dec, "bits reserved for future use (RFC 4861 §4.6.2)");
crate::field!(OPT_PREFIX_VALID_LIFETIME, "icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", UInt 32, Dec, "seconds the prefix stays valid for on-link use; all ones means forever (RFC 4861 §4.6.2)");
crate::field!(OPT_PREFIX_PREFERRED_LIFETIME, "icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", UInt 32, Dec, "seconds addresses formed from the prefix stay preferred (RFC 4862 §5.5.3)");
crate::field!(
    OPT_PREFIX,
    "icmpv6.opt.prefix",
    "Prefix",
    Ipv6,
    "the prefix itself; bits past the prefix length are zero (RFC 4861 §4.6.2)"
);
crate::field!(
    OPT_REDIRECTED_PACKET,
    "icmpv6.opt.redirected_packet",
    "Redirected Packet",
    None,
    "the start of the packet that triggered the redirect (RFC 4861 §4.6.3)"
);
crate::field!(OPT_MTU, "icmpv6.opt.mtu", "MTU", UInt 32, Dec, "the MTU hosts should use on this link (RFC 4861 §4.6.4)");
crate::field!(OPT_ADVERTISEMENT_INTERVAL, "icmpv6.opt.advertisement_interval", "Advertisement Interval", UInt 32, Dec, "the most milliseconds between this router's unsolicited advertisements (RFC 6275 §7.3)");
crate::field!(
    OPT_NONCE,
    "icmpv6.opt.nonce",
    "Nonce",
    Bytes,
    "a random value a solicitation carries and its answer echoes (RFC 3971 §5.3.2)"
);
crate::field!(OPT_ROUTE_FLAG, "icmpv6.opt.route_info.flag", "Flag", UInt 8, Hex, "the route's preference bits (RFC 4191 §2.3)");
pub static OPT_ROUTE_PREFERENCE: FieldDef = crate::link::masked(
    "icmpv6.opt.route_info.flag.route_preference",
    "Route Preference",
    8,
    crate::field::Base::Dec,
    PREFERENCES,
    0x18,
    "how much to prefer this router for the route: high, medium or low (RFC 4191 §2.3)",
);
crate::field!(OPT_ROUTE_LIFETIME, "icmpv6.opt.route_lifetime", "Route Lifetime", UInt 32, Dec, "seconds the route stays valid (RFC 4191 §2.3)");
crate::field!(OPT_RDNSS_LIFETIME, "icmpv6.opt.rdnss.lifetime", "Lifetime", UInt 32, Dec, "seconds the DNS servers may be used (RFC 8106 §5.1)");
crate::field!(
    OPT_RDNSS,
    "icmpv6.opt.rdnss",
    "Recursive DNS Servers",
    Ipv6,
    "a recursive DNS server hosts may use (RFC 8106 §5.1)"
);
crate::field!(OPT_DNSSL_LIFETIME, "icmpv6.opt.dnssl.lifetime", "Lifetime", UInt 32, Dec, "seconds the search list may be used (RFC 8106 §5.2)");
crate::field!(
    OPT_DNSSL,
    "icmpv6.opt.dnssl",
    "Domain Names",
    Str,
    "a domain name hosts should search (RFC 8106 §5.2)"
);

/// Router and route preferences (RFC 4191 §2.1).
pub static PREFERENCES: ValueNames = &[(0, "Medium"), (1, "High"), (2, "Reserved"), (3, "Low")];

/// Option types (IANA "IPv6 Neighbor Discovery Option Formats"), as Wireshark names them.
pub static OPTION_TYPES: ValueNames = &[
    (1, "Source link-layer address"),
    (2, "Target link-layer address"),
    (3, "Prefix information"),
    (4, "Redirected header"),
    (5, "MTU"),
    (6, "NBMA Shortcut Limit Option"),
    (7, "Advertisement Interval"),
    (8, "Home Agent Information"),
    (9, "Source Address List"),
    (10, "Target Address List"),
    (11, "CGA"),
    (12, "RSA Signature"),
    (13, "Timestamp"),
    (14, "Nonce"),
    (15, "Trust Anchor"),
    (16, "Certificate"),
    (17, "IP Address/Prefix Option"),
    (18, "New Router Prefix Information"),
    (19, "Link-layer Address"),
    (20, "Neighbor Advertisement Acknowledgment"),
    (23, "MAP"),
    (24, "Route Information"),
    (25, "Recursive DNS Server"),
    (26, "RA Flags Extension"),
    (27, "Handover Key Request"),
    (28, "Handover Key Reply"),
    (29, "Handover Assist Information"),
    (30, "Mobile Node Identifier Option"),
    (31, "DNS Search List Option"),
    (32, "Proxy Signature (PS)"),
    (33, "Address Registration Option"),
    (34, "6LoWPAN Context Option"),
    (35, "Authoritative Border Router"),
    (36, "6LoWPAN Capability Indication Option"),
    (37, "DHCP Captive-Portal"),
    (38, "PREF64 Option"),
    (138, "CARD Request"),
    (139, "CARD Reply"),
    (253, "RFC3692-style Experiment 1"),
    (254, "RFC3692-style Experiment 2"),
];
crate::field!(OPT_HA_PREFERENCE, "icmpv6.opt.home_agent_preference", "Home Agent Preference", UInt 16, Dec, "how much to prefer this home agent; higher is better (RFC 6275 §7.4)");
crate::field!(OPT_HA_LIFETIME, "icmpv6.opt.home_agent_lifetime", "Home Agent Preference", UInt 16, Dec, "seconds the router serves as a home agent (RFC 6275 §7.4)");
crate::field!(OPT_PREF64_LIFETIME, "icmpv6.opt.pref64.scaled_lifetime", "Scaled Lifetime", UInt 16, Dec, "how long the NAT64 prefix is valid, in units of 8 seconds (RFC 8781 §4)");
crate::field!(OPT_PREF64_PLC, "icmpv6.opt.pref64.plc", "PLC (Prefix Length Code)", UInt 16, Hex, names = PREF64_PLC, "the NAT64 prefix's length: 0 for 96 bits, 1 to 5 for 64, 56, 48, 40 and 32 (RFC 8781 §4)");
crate::field!(
    OPT_PREF64_PREFIX,
    "icmpv6.opt.pref64.prefix",
    "Prefix",
    Ipv6,
    "the NAT64 prefix that IPv4 addresses are embedded in (RFC 8781 §4)"
);

/// PREF64 prefix length codes (RFC 8781 §4).
pub static PREF64_PLC: ValueNames = &[
    (0, "96 bits prefix length"),
    (1, "64 bits prefix length"),
    (2, "56 bits prefix length"),
    (3, "48 bits prefix length"),
    (4, "40 bits prefix length"),
    (5, "32 bits prefix length"),
];
