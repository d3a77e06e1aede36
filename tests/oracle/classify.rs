//! Which of a frame's cells can be compared: tshark's `frame.protocols` chain, read against
//! the places where wirelab dissects each protocol.
//!
//! tshark runs with every protocol disabled except the ones wirelab dissects (see
//! `tshark.rs`), so its chain normally follows wirelab's dispatch exactly. A few paths remain
//! where tshark reaches one of those protocols from a place wirelab does not go, e.g. Cisco
//! ISL (`eth:eth`, an Ethernet frame inside an ISL header, decoded by tshark's Ethernet
//! dissector itself) or an Ethernet frame after an IPv6 routing header (`ipv6.routing:eth`).
//! There a field's occurrences cannot line up, so only the `frame.*` cells of such a frame are
//! compared, and the frame is counted under the reason.
//!
//! Two rules, no more:
//! 1. The chain must start with the protocol wirelab uses for the frame's link type.
//! 2. Each next protocol must be one wirelab's dispatch hands over to from the one before.
//!
//! The first step that breaks a rule ends wirelab's part of the chain; if any protocol after
//! it carries a compared field, the frame is compared on `frame.*` only. Protocols that carry
//! no compared field (`data`, a higher layer) may follow anything.

/// The first protocol of a frame wirelab dissects, by tshark's `frame.encap_type` (Wireshark's
/// `WTAP_ENCAP_*` numbers, not the `LINKTYPE_*` numbers of the file), for the link types of
/// issue 2. Other link types have no root: wirelab shows their frames as raw bytes.
pub fn root_protocol(encap: &str) -> Option<&'static str> {
    Some(match encap {
        "1" => "eth",    // LINKTYPE_ETHERNET (1)
        "7" => "raw",    // LINKTYPE_RAW (101); tshark also maps DLT 12 and 14 here
        "15" => "null",  // LINKTYPE_NULL (0), BSD loopback
        "174" => "null", // LINKTYPE_LOOP (108), OpenBSD loopback
        "25" => "sll",   // LINKTYPE_LINUX_SLL (113)
        "210" => "sll",  // LINKTYPE_LINUX_SLL2 (276): tshark's `sll` dissects both versions
        "129" => "ip",   // LINKTYPE_IPV4 (228)
        "130" => "ipv6", // LINKTYPE_IPV6 (229)
        _ => return None,
    })
}

/// IPv6 extension headers wirelab dissects (RFC 8200 §4), as tshark names them.
const IPV6_EXTENSIONS: &[&str] = &[
    "ipv6.hopopts",
    "ipv6.routing",
    "ipv6.fraghdr",
    "ipv6.dstopts",
];

/// Whether wirelab's dispatch goes from `parent` to `child` (both in tshark's names). This is
/// `dispatch_ethertype`, `dispatch_ip_proto` and the link-layer dissectors of
/// `crates/wirelab-wire`, written as edges.
pub fn wirelab_follows(parent: &str, child: &str) -> bool {
    let ip_payload = ["icmp", "icmpv6", "tcp", "udp", "ip", "ipv6"];
    match parent {
        // tshark's `ethertype` is the EtherType table that Ethernet, VLAN and SLL consult.
        "eth" | "vlan" | "ieee8021ad" => child == "ethertype",
        "ethertype" => ["ip", "ipv6", "arp", "vlan", "ieee8021ad"].contains(&child),
        // SLL consults the EtherType table (`sll:ethertype:ip`), except for GRE tunnel
        // interfaces (ARPHRD_IPGRE), where tshark uses GRE's table and skips `ethertype`
        // (`sll:ipv6`): the same protocol field, the same place.
        "sll" => ["ethertype", "ip", "ipv6", "arp", "vlan"].contains(&child),
        "null" | "raw" => child == "ip" || child == "ipv6",
        "ip" => ip_payload.contains(&child),
        "ipv6" => ip_payload.contains(&child) || IPV6_EXTENSIONS.contains(&child),
        ext if IPV6_EXTENSIONS.contains(&ext) => {
            ip_payload.contains(&child) || IPV6_EXTENSIONS.contains(&child)
        }
        // The invoking packet quoted in an ICMP error (RFC 792, RFC 4443 §2.4).
        "icmp" => child == "ip",
        "icmpv6" => child == "ipv6",
        _ => false,
    }
}

/// What may be compared in one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every cell.
    All,
    /// Only the `frame.*` cells, for this reason (a short phrase, the key of the summary).
    FrameOnly { reason: String, beyond: Vec<String> },
}

/// Classify one frame by its link type (`frame.encap_type`) and tshark's protocol chain
/// (`frame.protocols`, e.g. `eth:ethertype:ip:tcp`), for the compared `fields`.
pub fn classify(encap: &str, chain: &str, fields: &[&str]) -> Verdict {
    let chain: Vec<&str> = chain.split(':').filter(|p| !p.is_empty()).collect();
    let Some(first) = chain.first() else {
        return Verdict::All;
    };
    // Where wirelab's part of the chain ends: the index of the first protocol it would not
    // reach, and the reason in words.
    let root = root_protocol(encap);
    let broken = if root != Some(first) {
        Some((
            0,
            match root {
                None => format!("link type {encap} (WTAP_ENCAP), which wirelab shows as raw bytes, dissected by tshark as `{first}`"),
                Some(root) => format!("tshark starts link type {encap} with `{first}`, wirelab with `{root}`"),
            },
        ))
    } else {
        chain
            .windows(2)
            .position(|w| !wirelab_follows(w[0], w[1]))
            .map(|i| {
                (
                    i + 1,
                    format!(
                        "tshark dissects `{}` after `{}`, where wirelab does not",
                        chain[i + 1],
                        chain[i]
                    ),
                )
            })
    };
    let Some((end, reason)) = broken else {
        return Verdict::All;
    };
    let beyond: Vec<String> = chain[end..]
        .iter()
        .filter(|p| crate::fields::carries_fields(p, fields))
        .map(|p| p.to_string())
        .collect();
    if beyond.is_empty() {
        Verdict::All
    } else {
        Verdict::FrameOnly { reason, beyond }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FIELDS;

    fn frame_only(encap: &str, chain: &str) -> bool {
        matches!(classify(encap, chain, FIELDS), Verdict::FrameOnly { .. })
    }

    #[test]
    fn plain_ethernet_ipv4_tcp_is_compared_in_full() {
        assert_eq!(
            classify("1", "eth:ethertype:ip:tcp:data", FIELDS),
            Verdict::All
        );
    }

    #[test]
    fn every_link_type_of_issue_2_starts_where_wirelab_starts() {
        for (encap, chain) in [
            ("1", "eth:ethertype:vlan:ethertype:arp"),
            ("1", "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp"),
            ("7", "raw:ipv6:udp:data"),
            ("15", "null:ip:icmp"),
            ("174", "null:ipv6:tcp"),
            ("25", "sll:ethertype:ip:tcp"),
            ("25", "sll:ipv6:udp:data"),
            ("210", "sll:ethertype:ipv6:ipv6.hopopts:icmpv6"),
            ("129", "ip:udp:data"),
            ("130", "ipv6:ipv6.routing:ipv6.fraghdr"),
        ] {
            assert_eq!(
                classify(encap, chain, FIELDS),
                Verdict::All,
                "{encap} {chain}"
            );
        }
    }

    #[test]
    fn icmp_errors_quote_an_ip_packet_in_the_same_place() {
        assert_eq!(
            classify("1", "eth:ethertype:ip:icmp:ip:udp:data", FIELDS),
            Verdict::All
        );
        assert_eq!(
            classify("1", "eth:ethertype:ipv6:icmpv6:ipv6:tcp", FIELDS),
            Verdict::All
        );
    }

    #[test]
    fn ip_in_ip_is_followed_both_ways() {
        assert_eq!(
            classify("1", "eth:ethertype:ip:ipv6:udp:data", FIELDS),
            Verdict::All
        );
        assert_eq!(
            classify("1", "eth:ethertype:ipv6:ip:tcp", FIELDS),
            Verdict::All
        );
    }

    #[test]
    fn cisco_isl_puts_ethernet_inside_ethernet_and_is_compared_on_frame_fields_only() {
        let verdict = classify("1", "eth:eth:data", FIELDS);
        let Verdict::FrameOnly { reason, beyond } = verdict else {
            panic!("{verdict:?}")
        };
        assert_eq!(
            reason,
            "tshark dissects `eth` after `eth`, where wirelab does not"
        );
        assert_eq!(beyond, ["eth"]);
    }

    #[test]
    fn ethernet_after_an_ipv6_routing_header_is_not_where_wirelab_looks() {
        assert!(frame_only(
            "1",
            "eth:ethertype:ipv6:ipv6.routing:eth:ethertype:ip:tcp"
        ));
    }

    #[test]
    fn ipv6_extension_headers_after_ipv4_are_not_followed() {
        assert!(frame_only("1", "eth:ethertype:ip:ipv6.fraghdr:udp"));
    }

    #[test]
    fn a_protocol_without_compared_fields_may_follow_anything() {
        assert_eq!(
            classify("1", "eth:ethertype:ip:udp:dns", FIELDS),
            Verdict::All
        );
        assert_eq!(classify("1", "eth:llc:stp", FIELDS), Verdict::All);
        assert_eq!(classify("23", "", FIELDS), Verdict::All);
    }

    #[test]
    fn a_link_type_wirelab_does_not_dissect_compares_frame_fields_when_tshark_finds_ip() {
        assert!(frame_only("4", "ip:tcp"));
        assert_eq!(classify("23", "wlan", FIELDS), Verdict::All);
    }

    #[test]
    fn limiting_the_fields_limits_what_must_line_up() {
        assert_eq!(
            classify("1", "eth:eth:data", &["frame.number", "ip.src"]),
            Verdict::All
        );
    }
}
