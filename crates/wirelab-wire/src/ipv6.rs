//! IPv6, the Internet Protocol version 6 (RFC 8200).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Traffic Class |           Flow Label                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Payload Length        |  Next Header  |   Hop Limit   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                         Source Address                        +
//! |                          (16 bytes)                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                      Destination Address                      +
//! |                          (16 bytes)                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!                                                     (RFC 8200 §3)
//! ```
//!
//! The header has no checksum and no options: what IPv4 put in options, IPv6 puts in extension
//! headers chained by Next Header (`ext`). The payload length counts the extension headers
//! too; a payload length of 0 with a Jumbo Payload option is a jumbogram (RFC 2675).

use crate::dissection::Address;
use crate::dissector::{dispatch_ip_proto, dissect_data, Ctx, IpContext};
use crate::field::{Base, FieldDef, Value};
use crate::ipv4::{dscp_short, ecn_short, protocol_name, DSCP_NAMES, ECN_NAMES, IP_PROTOCOLS};
use crate::link::{be16, be32, masked, report_short, reported_end, reported_len};
use std::fmt::Write;
use std::net::{IpAddr, Ipv6Addr};
use std::ops::Range;

mod ext;

/// The fixed header.
const HEADER_LEN: usize = 40;
/// Next Header 59: nothing follows the headers (RFC 8200 §4.7).
const NO_NEXT_HEADER: u8 = 59;

crate::field!(IPV6, "ipv6", "Internet Protocol Version 6", Protocol, "the IPv6 header and its extension headers: where the packet comes from, where it goes, and what follows (RFC 8200 §3)");
crate::field!(VERSION, "ipv6.version", "Version", UInt 8, Dec, "the IP version; 6 for this header format (RFC 8200 §3)");
pub static TCLASS: FieldDef = masked("ipv6.tclass", "Traffic Class", 32, Base::Hex, &[], 0x0ff0_0000, "the DSCP (how routers should queue the packet) and ECN bits, as in IPv4's DS field (RFC 8200 §7, RFC 2474 §3)");
pub static TCLASS_DSCP: FieldDef = masked("ipv6.tclass.dscp", "Differentiated Services Codepoint", 32, Base::Dec, DSCP_NAMES, 0x0fc0_0000, "the per-hop behaviour the sender asks for, e.g. 46 Expedited Forwarding; 0 is best effort (RFC 2474 §3)");
pub static TCLASS_ECN: FieldDef = masked("ipv6.tclass.ecn", "Explicit Congestion Notification", 32, Base::Dec, ECN_NAMES, 0x0030_0000, "whether the transport understands ECN and whether a router marked congestion on the way (RFC 3168 §5)");
pub static FLOW: FieldDef = masked("ipv6.flow", "Flow Label", 24, Base::Hex, &[], 0x000f_ffff, "a number the sender gives all packets of one flow, so that routers can keep them on one path without reading the transport header (RFC 6437 §2)");
crate::field!(PLEN, "ipv6.plen", "Payload Length", UInt 16, Dec, "the length of everything after this 40-byte header, extension headers included; 0 for a jumbogram (RFC 8200 §3)");
crate::field!(NXT, "ipv6.nxt", "Next Header", UInt 8, Dec, names = IP_PROTOCOLS, "what follows the header: an extension header (0, 43, 44, 60) or the transport (6 TCP, 17 UDP, 58 ICMPv6) (RFC 8200 §3)");
crate::field!(HLIM, "ipv6.hlim", "Hop Limit", UInt 8, Dec, "each router decrements it and discards the packet at zero, so that routing loops end (RFC 8200 §3)");
crate::field!(
    SRC,
    "ipv6.src",
    "Source Address",
    Ipv6,
    "the address of the interface that sent the packet (RFC 8200 §3)"
);
crate::field!(
    DST,
    "ipv6.dst",
    "Destination Address",
    Ipv6,
    "the address of the interface the packet is for, or the next one on its route (RFC 8200 §3)"
);
crate::field!(ADDR, "ipv6.addr", "Source or Destination Address", Ipv6, "either address of the packet, so that a filter on ipv6.addr matches both directions (RFC 8200 §3)");
crate::field!(
    SRC_HOST,
    "ipv6.src_host",
    "Source Host",
    Str,
    "the source address as text (wirelab does not look up host names) (RFC 8200 §3)"
);
crate::field!(
    DST_HOST,
    "ipv6.dst_host",
    "Destination Host",
    Str,
    "the destination address as text (wirelab does not look up host names) (RFC 8200 §3)"
);
crate::field!(
    HOST,
    "ipv6.host",
    "Source or Destination Host",
    Str,
    "either address as text (wirelab does not look up host names) (RFC 8200 §3)"
);

pub static FIELDS: &[&FieldDef] = &[
    &IPV6,
    &VERSION,
    &TCLASS,
    &TCLASS_DSCP,
    &TCLASS_ECN,
    &FLOW,
    &PLEN,
    &NXT,
    &HLIM,
    &SRC,
    &DST,
    &ADDR,
    &SRC_HOST,
    &DST_HOST,
    &HOST,
    &ext::HOPOPTS,
    &ext::HOPOPTS_NXT,
    &ext::HOPOPTS_LEN,
    &ext::HOPOPTS_LEN_OCT,
    &ext::DSTOPTS,
    &ext::DSTOPTS_NXT,
    &ext::DSTOPTS_LEN,
    &ext::DSTOPTS_LEN_OCT,
    &ext::OPT,
    &ext::OPT_TYPE,
    &ext::OPT_TYPE_ACTION,
    &ext::OPT_TYPE_CHANGE,
    &ext::OPT_TYPE_REST,
    &ext::OPT_LENGTH,
    &ext::OPT_PAD1,
    &ext::OPT_PADN,
    &ext::OPT_ROUTER_ALERT,
    &ext::OPT_TEL,
    &ext::OPT_JUMBO,
    &ext::OPT_HOME_ADDRESS,
    &ext::OPT_EXPERIMENTAL,
    &ext::OPT_UNKNOWN,
    &ext::ROUTING,
    &ext::ROUTING_NXT,
    &ext::ROUTING_LEN,
    &ext::ROUTING_LEN_OCT,
    &ext::ROUTING_TYPE,
    &ext::ROUTING_SEGLEFT,
    &ext::ROUTING_UNKNOWN_DATA,
    &ext::ROUTING_SRC_RESERVED,
    &ext::ROUTING_SRC_ADDR,
    &ext::ROUTING_MIPV6_RESERVED,
    &ext::ROUTING_MIPV6_HOME_ADDRESS,
    &ext::RPL_CMPRI,
    &ext::RPL_CMPRE,
    &ext::RPL_PAD,
    &ext::RPL_RESERVED,
    &ext::RPL_ADDRESS,
    &ext::RPL_FULL_ADDRESS,
    &ext::SRH_LAST_ENTRY,
    &ext::SRH_FLAGS,
    &ext::SRH_TAG,
    &ext::SRH_ADDR,
    &ext::FRAGHDR,
    &ext::FRAG_NXT,
    &ext::FRAG_RESERVED_OCTET,
    &ext::FRAG_OFFSET,
    &ext::FRAG_RESERVED_BITS,
    &ext::FRAG_MORE,
    &ext::FRAG_IDENT,
];

/// The length an IPv6 header at the start of `bytes` gives its packet (header included), if
/// it states one: a jumbogram's payload length is 0 and its real length is in an option.
pub(crate) fn declared_len(bytes: &[u8]) -> Option<usize> {
    let plen = be16(bytes, 4)? as usize;
    (bytes.first()? >> 4 == 6 && plen != 0).then_some(HEADER_LEN + plen)
}

fn ipv6_at(bytes: &[u8], at: usize) -> Option<Ipv6Addr> {
    let sixteen: [u8; 16] = bytes.get(at..at.checked_add(16)?)?.try_into().ok()?;
    Some(Ipv6Addr::from(sixteen))
}

/// Dissect the IPv6 header at `range.start` and its extension headers, then hand the payload
/// to the transport the last Next Header names. `range` ends where the layer below ends.
pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let wire_end = reported_end(cx, &range);
    let top = !cx.quoted;
    if top {
        cx.d.protocol = "IPv6";
        cx.d.info.clear();
    }
    let index =
        cx.d.open(&IPV6, start..end.min(start + HEADER_LEN), Value::None);
    let at = |offset: usize, len: usize| start + offset..start + offset + len;
    let have = |offset: usize, len: usize| start + offset + len <= end;
    macro_rules! short {
        () => {{
            cx.d.set_title(index, format_args!("Internet Protocol Version 6"));
            cx.d.close();
            let cut_by_snap_length = end >= bytes.len() && start + HEADER_LEN <= reported_len(cx);
            if top && !cut_by_snap_length {
                let _ = write!(
                    cx.d.info,
                    "Invalid IPv6 header ({} bytes, need exactly 40)",
                    end - start
                );
            }
            report_short(cx, "ipv6", start, start + HEADER_LEN, end, "IPv6 header");
            return;
        }};
    }
    if !have(0, 1) {
        short!()
    }
    let version = bytes[start] >> 4;
    cx.d.add(&VERSION, at(0, 1), Value::UInt(version as u64));
    // Wireshark adds ip.version too, hidden, so that `ip.version == 6` matches IPv6 packets.
    cx.d.add_hidden(&crate::ipv4::VERSION, at(0, 1), Value::UInt(version as u64));
    if version != 6 {
        cx.d.set_title(index, format_args!("Internet Protocol Version 6"));
        cx.d.close();
        if top {
            let _ = write!(cx.d.info, "Bogus IPv6 version ({version}, must be 6)");
        }
        cx.d.set_malformed(
            "ipv6",
            start,
            format!("expected IP version 6, found {version}"),
        );
        return;
    }
    let Some(word) = be32(bytes, start).filter(|_| have(0, 4)) else {
        short!()
    };
    let tclass = ((word >> 20) & 0xff) as u8;
    let tc = cx.d.open(&TCLASS, at(0, 4), Value::UInt(tclass as u64));
    cx.d.set_title(
        tc,
        format_args!(
            "Traffic Class: 0x{tclass:02x} (DSCP: {}, ECN: {})",
            dscp_short(tclass >> 2),
            ecn_short(tclass & 3)
        ),
    );
    cx.d.add(&TCLASS_DSCP, at(0, 4), Value::UInt((tclass >> 2) as u64));
    cx.d.add(&TCLASS_ECN, at(0, 4), Value::UInt((tclass & 3) as u64));
    cx.d.close();
    cx.d.add(&FLOW, at(1, 3), Value::UInt((word & 0x000f_ffff) as u64));
    let Some(plen) = be16(bytes, start + 4).filter(|_| have(4, 2)) else {
        short!()
    };
    cx.d.add(&PLEN, at(4, 2), Value::UInt(plen as u64));
    if !have(6, 1) {
        short!()
    }
    let next = bytes[start + 6];
    cx.d.add(&NXT, at(6, 1), Value::UInt(next as u64));
    if !have(7, 1) {
        short!()
    }
    cx.d.add(&HLIM, at(7, 1), Value::UInt(bytes[start + 7] as u64));
    let Some(src) = ipv6_at(bytes, start + 8).filter(|_| have(8, 16)) else {
        short!()
    };
    cx.d.add(&SRC, at(8, 16), Value::Ipv6(src));
    cx.d.add_hidden(&ADDR, at(8, 16), Value::Ipv6(src));
    cx.d.add_hidden(&SRC_HOST, at(8, 16), Value::Ipv6(src));
    cx.d.add_hidden(&HOST, at(8, 16), Value::Ipv6(src));
    let Some(dst) = ipv6_at(bytes, start + 24).filter(|_| have(24, 16)) else {
        short!()
    };
    cx.d.add(&DST, at(24, 16), Value::Ipv6(dst));
    cx.d.add_hidden(&ADDR, at(24, 16), Value::Ipv6(dst));
    cx.d.add_hidden(&DST_HOST, at(24, 16), Value::Ipv6(dst));
    cx.d.add_hidden(&HOST, at(24, 16), Value::Ipv6(dst));
    cx.d.set_title(
        index,
        format_args!("Internet Protocol Version 6, Src: {src}, Dst: {dst}"),
    );
    if top {
        cx.d.src = Address::Ipv6(src);
        cx.d.dst = Address::Ipv6(dst);
    }

    let headers_end = start + HEADER_LEN;
    // Where the packet ends by its payload length: a length of 0 means a jumbogram (its length
    // is in the hop-by-hop options) or a sender that left it to segmentation offload.
    let mut packet_end = (plen != 0).then_some(headers_end + plen as usize);
    if top && plen != 0 && headers_end + plen as usize > wire_end {
        cx.d.set_malformed(
            "ipv6",
            start + 4,
            format!(
                "payload length {plen} runs past the end of the packet: expected {plen} bytes, found {}",
                wire_end.saturating_sub(headers_end)
            ),
        );
    }
    let chain = ext::dissect_chain(cx, next, headers_end, end, &mut packet_end, dst);
    cx.d.set_range(index, start..chain.end.min(end));
    cx.d.close();
    if chain.broken {
        return;
    }
    let packet_end = match packet_end {
        Some(end) => end,
        None if plen == 0 => {
            // Neither a length nor a Jumbo Payload option: Wireshark takes the payload as empty,
            // and so do we, saying why (the bytes that follow stay visible in the hex dump).
            if top && chain.next != NO_NEXT_HEADER {
                cx.d.set_malformed(
                    "ipv6",
                    start + 4,
                    "payload length 0 without a Jumbo Payload option, so the payload is taken as \
                     empty (a sender using segmentation offload or BIG TCP leaves it 0; RFC 8200 §3, \
                     RFC 2675 §2)"
                        .to_string(),
                );
            }
            chain.end
        }
        None => wire_end,
    };
    let payload = chain.end.min(end)..packet_end.min(end).max(chain.end.min(end));
    if let Some(fragment) = chain.fragment.filter(|f| f.offset != 0) {
        // A later fragment: its bytes mean nothing until the packet is reassembled.
        if top {
            cx.d.info.clear();
            let _ = write!(
                cx.d.info,
                "IPv6 fragment (off={} more={} ident=0x{:08x} nxt={})",
                fragment.offset as u32 * 8,
                if fragment.more { 'y' } else { 'n' },
                fragment.id,
                chain.next
            );
        }
        dissect_data(cx, payload);
        return;
    }
    if chain.next == NO_NEXT_HEADER {
        if top {
            cx.d.info.push_str("IPv6 no next header");
        }
        dissect_data(cx, payload);
        return;
    }
    let ip = IpContext {
        src: IpAddr::V6(src),
        dst: IpAddr::V6(chain.final_dst.unwrap_or(dst)),
        declared_len: packet_end.saturating_sub(chain.end),
        fragmented: chain.fragment.is_some_and(|f| f.more),
    };
    cx.ip_depth += 1;
    dispatch_ip_proto(cx, payload, chain.next, ip);
    cx.ip_depth -= 1;
    if top && cx.d.info.is_empty() && !matches!(chain.next, 4 | 41) {
        let _ = write!(cx.d.info, "{} ({})", protocol_name(chain.next), chain.next);
    }
}

#[cfg(test)]
mod tests;
