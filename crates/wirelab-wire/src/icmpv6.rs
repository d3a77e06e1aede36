//! ICMPv6, the Internet Control Message Protocol for IPv6 (RFC 4443), which also carries
//! Neighbor Discovery (RFC 4861) and Multicast Listener Discovery (RFC 2710, RFC 3810).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                         Message Body                          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!                                                 (RFC 4443 §2.1)
//! ```
//!
//! Types 0-127 are errors, which quote as much of the offending packet as fits in the minimum
//! IPv6 MTU (RFC 4443 §2.4 (c)); the quote is dissected as IPv6, marked as quoted. Types
//! 128-255 are informational: echo, the listener messages of MLD, and the router and neighbor
//! messages of Neighbor Discovery with their options (in `icmpv6/nd.rs`). Unlike ICMP for IPv4,
//! the checksum covers a pseudo-header of the IPv6 addresses (RFC 4443 §2.3).
//!
//! Parsed by hand: etherparse's `Icmpv6Slice` cannot give every field's byte range, nor the
//! Neighbor Discovery options.

use crate::checksum;
use crate::conversation::EchoId;
use crate::dissector::{dissect_data, Ctx, IpContext, MAX_IP_DEPTH};
use crate::field::{FieldDef, Value, ValueNames};
use crate::icmp::response;
use crate::link::{be16, be32, report_short};
use crate::udp::{checksum_status, STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED};
use std::fmt::Write;
use std::net::{IpAddr, Ipv6Addr};
use std::ops::Range;

mod names;
mod nd;
#[cfg(test)]
mod tests;

pub use names::{code_name, type_name, TYPES};

pub const DEST_UNREACHABLE: u8 = 1;
pub const PACKET_TOO_BIG: u8 = 2;
pub const TIME_EXCEEDED: u8 = 3;
pub const PARAMETER_PROBLEM: u8 = 4;
pub const ECHO_REQUEST: u8 = 128;
pub const ECHO_REPLY: u8 = 129;
pub const MLD_QUERY: u8 = 130;
pub const MLD_REPORT: u8 = 131;
pub const MLD_DONE: u8 = 132;
pub const ROUTER_SOLICITATION: u8 = 133;
pub const ROUTER_ADVERTISEMENT: u8 = 134;
pub const NEIGHBOR_SOLICITATION: u8 = 135;
pub const NEIGHBOR_ADVERTISEMENT: u8 = 136;
pub const REDIRECT: u8 = 137;
pub const MLDV2_REPORT: u8 = 143;
pub const EXTENDED_ECHO_REQUEST: u8 = 160;
pub const EXTENDED_ECHO_REPLY: u8 = 161;

/// Type, code and checksum.
const HEADER_LEN: usize = 4;

crate::field!(ICMPV6, "icmpv6", "Internet Control Message Protocol v6", Protocol, "error and informational messages for IPv6, including neighbor discovery and multicast listener discovery (RFC 4443)");
crate::field!(TYPE, "icmpv6.type", "Type", UInt 8, Dec, names = TYPES, "what kind of message this is: errors are 0-127, informational messages 128-255 (RFC 4443 §2.1)");
crate::field!(CODE, "icmpv6.code", "Code", UInt 8, Dec, "the reason within the type, e.g. for destination unreachable 1: port unreachable (RFC 4443 §2.1)");
crate::field!(CHECKSUM, "icmpv6.checksum", "Checksum", UInt 16, Hex, "the one's complement sum over a pseudo-header of the IPv6 addresses and the whole message (RFC 4443 §2.3)");
pub static CHECKSUM_STATUS: FieldDef = checksum_status(
    "icmpv6.checksum.status",
    "whether the checksum verified: Good, Bad, or Unverified inside an error's quote or when the message was not all captured (RFC 4443 §2.3)",
);
crate::field!(
    RESERVED,
    "icmpv6.reserved",
    "Reserved",
    Bytes,
    "bytes reserved by the message type; senders set them to zero (RFC 4443 §3.1)"
);
crate::field!(
    DATA,
    "icmpv6.data",
    "Data",
    Bytes,
    "the rest of a message or option wirelab does not interpret (RFC 4443 §2.1)"
);
crate::field!(MTU, "icmpv6.mtu", "MTU", UInt 32, Dec, "the largest packet the next link can carry: the sender must send smaller ones (RFC 4443 §3.2)");
crate::field!(POINTER, "icmpv6.pointer", "Pointer", UInt 32, Dec, "the offset in the quoted packet of the field where the problem was found (RFC 4443 §3.4)");
crate::field!(ECHO_ID, "icmpv6.echo.identifier", "Identifier", UInt 16, Hex, "chosen by the sender to match replies to requests (RFC 4443 §4.1)");
crate::field!(ECHO_SEQ, "icmpv6.echo.sequence_number", "Sequence", UInt 16, Dec, "counts the requests of one identifier, to match each reply to its request (RFC 4443 §4.1)");
crate::field!(EXT_ECHO_SEQ, "icmpv6.ext.echo.seq", "Sequence number", UInt 8, DecHex, "counts extended echo requests, to match replies (RFC 8335 §2)");
crate::field!(
    EXT_ECHO_LOCAL,
    "icmpv6.ext.echo.req.local",
    "Local bit",
    Bool,
    mask = 0x01,
    "the probed interface is on the node that receives the request (RFC 8335 §2)"
);
crate::field!(EXT_ECHO_STATE, "icmpv6.ext.echo.rsp.state", "State", UInt 8, Dec, "the neighbor state of the probed interface, when it is a neighbor (RFC 8335 §3)");
crate::field!(
    EXT_ECHO_ACTIVE,
    "icmpv6.ext.echo.rsp.active",
    "Active bit",
    Bool,
    mask = 0x04,
    "the probed interface is active (RFC 8335 §3)"
);
crate::field!(
    EXT_ECHO_IPV4,
    "icmpv6.ext.echo.rsp.ipv4",
    "IPv4 bit",
    Bool,
    mask = 0x02,
    "the probed interface runs IPv4 (RFC 8335 §3)"
);
crate::field!(
    EXT_ECHO_IPV6,
    "icmpv6.ext.echo.rsp.ipv6",
    "IPv6 bit",
    Bool,
    mask = 0x01,
    "the probed interface runs IPv6 (RFC 8335 §3)"
);
crate::field!(
    RESP_TO,
    "icmpv6.resp_to",
    "Response To",
    FrameNum,
    "the frame of the echo request this reply answers (RFC 4443 §4.2)"
);
crate::field!(
    RESPTIME,
    "icmpv6.resptime",
    "Response Time",
    Double,
    "milliseconds between the request and this reply (RFC 4443 §4.2)"
);
crate::field!(MLD_MAX_DELAY, "icmpv6.mld.maximum_response_delay", "Maximum Response Delay [ms]", UInt 16, Dec, "in a query: how long listeners may wait before reporting, in milliseconds (RFC 2710 §3.4)");
crate::field!(MLD_MAX_CODE, "icmpv6.mld.maximum_response_code", "Maximum Response Code", UInt 16, Dec, "in an MLDv2 query: the encoded maximum response delay (RFC 3810 §5.1.3)");
crate::field!(
    MLD_MULTICAST,
    "icmpv6.mld.multicast_address",
    "Multicast Address",
    Ipv6,
    "the multicast address the message is about; zero in a general query (RFC 2710 §3.6)"
);
crate::field!(MLD_FLAG, "icmpv6.mld.flag", "Flags", UInt 8, Hex, "the MLDv2 query's S flag and robustness variable (RFC 3810 §5.1.7)");
crate::field!(
    MLD_FLAG_S,
    "icmpv6.mld.flag.s",
    "Suppress Router-Side Processing",
    Bool,
    mask = 0x08,
    "routers receiving the query do not update their timers (RFC 3810 §5.1.7)"
);
crate::field!(MLD_FLAG_QRV, "icmpv6.mld.flag.qrv", "QRV (Querier's Robustness Variable)", UInt 8, Dec, "how many lost messages the querier's timers tolerate (RFC 3810 §5.1.8)");
crate::field!(MLD_QQI, "icmpv6.mld.qqi", "QQIC (Querier's Query Interval Code)", UInt 8, Dec, "the encoded interval between the querier's general queries (RFC 3810 §5.1.9)");
crate::field!(MLD_NB_SOURCES, "icmpv6.mld.nb_sources", "Number of Sources", UInt 16, Dec, "how many source addresses the query lists (RFC 3810 §5.1.10)");
crate::field!(
    MLD_SOURCE,
    "icmpv6.mld.source_address",
    "Source Address",
    Ipv6,
    "a source the query asks about (RFC 3810 §5.1.11)"
);
crate::field!(MLDR_NB_RECORDS, "icmpv6.mldr.nb_mcast_records", "Number of Multicast Address Records", UInt 16, Dec, "how many records the MLDv2 report holds (RFC 3810 §5.2.3)");
crate::field!(
    MLDR_RECORD,
    "icmpv6.mldr.mar",
    "Multicast Address Record",
    None,
    "what the listener wants from one multicast address (RFC 3810 §5.2.4)"
);
crate::field!(MLDR_RECORD_TYPE, "icmpv6.mldr.mar.record_type", "Record Type", UInt 8, Dec, names = RECORD_TYPES, "include or exclude the listed sources, or a change to either (RFC 3810 §5.2.12)");
crate::field!(MLDR_AUX_LEN, "icmpv6.mldr.mar.aux_data_len", "Aux Data Len", UInt 8, Dec, "the length of auxiliary data in 32-bit words, zero in MLDv2 (RFC 3810 §5.2.6)");
crate::field!(MLDR_NB_SOURCES, "icmpv6.mldr.mar.nb_sources", "Number of Sources", UInt 16, Dec, "how many source addresses the record lists (RFC 3810 §5.2.7)");
crate::field!(
    MLDR_MULTICAST,
    "icmpv6.mldr.mar.multicast_address",
    "Multicast Address",
    Ipv6,
    "the multicast address the record is about (RFC 3810 §5.2.8)"
);
crate::field!(
    MLDR_SOURCE,
    "icmpv6.mldr.mar.source_address",
    "Source Address",
    Ipv6,
    "a source the record includes or excludes (RFC 3810 §5.2.9)"
);
crate::field!(
    MLDR_AUX,
    "icmpv6.mldr.mar.auxiliary_data",
    "Auxiliary Data",
    Bytes,
    "auxiliary data of the record (RFC 3810 §5.2.10)"
);

/// MLDv2 multicast address record types (RFC 3810 §5.2.12).
static RECORD_TYPES: ValueNames = &[
    (1, "Include"),
    (2, "Exclude"),
    (3, "Changed to include"),
    (4, "Changed to exclude"),
    (5, "Allow new sources"),
    (6, "Block old sources"),
];

pub static FIELDS: &[&FieldDef] = &[
    &ICMPV6,
    &TYPE,
    &CODE,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &RESERVED,
    &DATA,
    &MTU,
    &POINTER,
    &ECHO_ID,
    &ECHO_SEQ,
    &EXT_ECHO_SEQ,
    &EXT_ECHO_LOCAL,
    &EXT_ECHO_STATE,
    &EXT_ECHO_ACTIVE,
    &EXT_ECHO_IPV4,
    &EXT_ECHO_IPV6,
    &RESP_TO,
    &RESPTIME,
    &MLD_MAX_DELAY,
    &MLD_MAX_CODE,
    &MLD_MULTICAST,
    &MLD_FLAG,
    &MLD_FLAG_S,
    &MLD_FLAG_QRV,
    &MLD_QQI,
    &MLD_NB_SOURCES,
    &MLD_SOURCE,
    &MLDR_NB_RECORDS,
    &MLDR_RECORD,
    &MLDR_RECORD_TYPE,
    &MLDR_AUX_LEN,
    &MLDR_NB_SOURCES,
    &MLDR_MULTICAST,
    &MLDR_SOURCE,
    &MLDR_AUX,
    // Neighbor Discovery (icmpv6/nd.rs).
    &nd::RA_CUR_HOP_LIMIT,
    &nd::RA_FLAG,
    &nd::RA_FLAG_M,
    &nd::RA_FLAG_O,
    &nd::RA_FLAG_H,
    &nd::RA_FLAG_PRF,
    &nd::RA_FLAG_P,
    &nd::RA_FLAG_RSV,
    &nd::RA_ROUTER_LIFETIME,
    &nd::RA_REACHABLE_TIME,
    &nd::RA_RETRANS_TIMER,
    &nd::NS_TARGET,
    &nd::NA_FLAG,
    &nd::NA_FLAG_R,
    &nd::NA_FLAG_S,
    &nd::NA_FLAG_O,
    &nd::NA_FLAG_RSV,
    &nd::NA_TARGET,
    &nd::RD_TARGET,
    &nd::RD_DESTINATION,
    &nd::OPT,
    &nd::OPT_TYPE,
    &nd::OPT_LENGTH,
    &nd::OPT_RESERVED,
    &nd::OPT_LINKADDR,
    &nd::OPT_SRC_LINKADDR,
    &nd::OPT_TARGET_LINKADDR,
    &nd::OPT_PREFIX_LENGTH,
    &nd::OPT_PREFIX_FLAG,
    &nd::OPT_PREFIX_FLAG_L,
    &nd::OPT_PREFIX_FLAG_A,
    &nd::OPT_PREFIX_FLAG_R,
    &nd::OPT_PREFIX_FLAG_RESERVED,
    &nd::OPT_PREFIX_VALID_LIFETIME,
    &nd::OPT_PREFIX_PREFERRED_LIFETIME,
    &nd::OPT_PREFIX,
    &nd::OPT_REDIRECTED_PACKET,
    &nd::OPT_MTU,
    &nd::OPT_ADVERTISEMENT_INTERVAL,
    &nd::OPT_NONCE,
    &nd::OPT_ROUTE_FLAG,
    &nd::OPT_ROUTE_PREFERENCE,
    &nd::OPT_ROUTE_LIFETIME,
    &nd::OPT_RDNSS_LIFETIME,
    &nd::OPT_RDNSS,
    &nd::OPT_DNSSL_LIFETIME,
    &nd::OPT_DNSSL,
    &nd::OPT_HA_PREFERENCE,
    &nd::OPT_HA_LIFETIME,
    &nd::OPT_PREF64_LIFETIME,
    &nd::OPT_PREF64_PLC,
    &nd::OPT_PREF64_PREFIX,
];

/// Where the message ran out of bytes.
pub(crate) struct Short {
    pub start: usize,
    pub needed_end: usize,
    pub what: &'static str,
}

/// The message being dissected.
pub(crate) struct Message {
    pub start: usize,
    pub end: usize,
    pub icmp_type: u8,
    pub ip: IpContext,
}

impl Message {
    pub fn at(&self, offset: usize, len: usize) -> Range<usize> {
        self.start + offset..self.start + offset + len
    }

    /// Bytes `offset..offset + len`, if they were captured.
    pub fn need(
        &self,
        offset: usize,
        len: usize,
        what: &'static str,
    ) -> Result<Range<usize>, Short> {
        let range = self.at(offset, len);
        if range.end <= self.end {
            Ok(range)
        } else {
            Err(Short {
                start: self.start,
                needed_end: range.end,
                what,
            })
        }
    }
}

/// The IPv6 address at `at`, if its 16 bytes are there.
pub(crate) fn ipv6_at(bytes: &[u8], at: usize) -> Option<Ipv6Addr> {
    let sixteen: [u8; 16] = bytes.get(at..at.checked_add(16)?)?.try_into().ok()?;
    Some(Ipv6Addr::from(sixteen))
}

pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>, ip: IpContext) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let columns = !cx.quoted;
    if columns {
        cx.d.protocol = "ICMPv6";
        cx.d.info.clear();
    }
    if start + HEADER_LEN > end {
        report_short(
            cx,
            "icmpv6",
            start,
            start + HEADER_LEN,
            end,
            "ICMPv6 header",
        );
        return;
    }
    let (icmp_type, code) = (bytes[start], bytes[start + 1]);
    let sent = be16(bytes, start + 2).unwrap_or(0);
    let type_text = type_name(icmp_type);
    let code_text = code_name(icmp_type, code);
    if columns {
        cx.d.info.push_str(type_text);
        if names::TYPES.iter().all(|(v, _)| *v != icmp_type as u64) {
            let _ = write!(cx.d.info, " ({icmp_type})");
        }
        if let Some(code_text) = code_text {
            let _ = write!(cx.d.info, " ({code_text})");
        }
    }
    cx.d.open(&ICMPV6, start..end, Value::None);
    let item =
        cx.d.add(&TYPE, start..start + 1, Value::UInt(icmp_type as u64));
    cx.d.set_title(item, format_args!("Type: {type_text} ({icmp_type})"));
    let item =
        cx.d.add(&CODE, start + 1..start + 2, Value::UInt(code as u64));
    if let Some(code_text) = code_text {
        cx.d.set_title(item, format_args!("Code: {code} ({code_text})"));
    }
    verify_checksum(cx, start..end, sent, ip);
    let m = Message {
        start,
        end,
        icmp_type,
        ip,
    };
    let result = match icmp_type {
        DEST_UNREACHABLE | TIME_EXCEEDED => four_bytes(cx, &m, &RESERVED).map(|()| quote(cx, &m)),
        PACKET_TOO_BIG => word(cx, &m, &MTU).map(|()| quote(cx, &m)),
        PARAMETER_PROBLEM => word(cx, &m, &POINTER).map(|()| quote(cx, &m)),
        ECHO_REQUEST | ECHO_REPLY => echo(cx, &m, sent),
        MLD_QUERY | MLD_REPORT | MLD_DONE => mld(cx, &m),
        MLDV2_REPORT => mldv2_report(cx, &m),
        ROUTER_SOLICITATION
        | ROUTER_ADVERTISEMENT
        | NEIGHBOR_SOLICITATION
        | NEIGHBOR_ADVERTISEMENT
        | REDIRECT => nd::dissect(cx, &m),
        EXTENDED_ECHO_REQUEST | EXTENDED_ECHO_REPLY => extended_echo(cx, &m),
        // Messages Wireshark has a dissector for but wirelab does not: their bodies are data.
        138..=161 => {
            if start + HEADER_LEN < end {
                dissect_data(cx, start + HEADER_LEN..end);
            }
            Ok(())
        }
        _ => {
            if start + HEADER_LEN < end {
                cx.d.add(&DATA, start + HEADER_LEN..end, Value::Bytes);
            }
            Ok(())
        }
    };
    if let Err(short) = result {
        report_short(cx, "icmpv6", short.start, short.needed_end, end, short.what);
    }
    cx.d.close();
}

/// Verify the checksum over the pseudo-header and the whole message (RFC 4443 §2.3), unless it
/// is quoted inside another error, an IP fragment, or not all captured.
fn verify_checksum(cx: &mut Ctx<'_>, range: Range<usize>, sent: u16, ip: IpContext) {
    let item = cx.d.add(
        &CHECKSUM,
        range.start + 2..range.start + 4,
        Value::UInt(sent as u64),
    );
    let reported = ip
        .declared_len
        .min(crate::link::reported_end(cx, &range).saturating_sub(range.start));
    if cx.quoted || ip.fragmented || range.len() < reported {
        let why = if cx.quoted {
            "in ICMP error packet"
        } else {
            "fragmented datagram"
        };
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} [unverified] [{why}]"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_UNVERIFIED));
        return;
    }
    let message = &cx.bytes[range.start..range.start + reported];
    let sum = checksum::pseudo_header_sum(ip.src, ip.dst, 58, reported as u32);
    if checksum::finish(checksum::sum_words(sum, message)) == 0 {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [correct]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_GOOD));
    } else {
        let without = checksum::sum_words(checksum::sum_words(sum, &message[..2]), &message[4..]);
        let should_be = checksum::finish(without);
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} incorrect, should be 0x{should_be:04x}"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
    }
}

/// Four bytes after the checksum, shown as they are (reserved fields).
fn four_bytes(cx: &mut Ctx<'_>, m: &Message, def: &'static FieldDef) -> Result<(), Short> {
    cx.d.add(def, m.need(4, 4, "ICMPv6 message")?, Value::Bytes);
    Ok(())
}

/// A 32-bit number after the checksum (the MTU of Packet Too Big, the pointer of Parameter
/// Problem).
fn word(cx: &mut Ctx<'_>, m: &Message, def: &'static FieldDef) -> Result<(), Short> {
    let range = m.need(4, 4, "ICMPv6 message")?;
    cx.d.add(
        def,
        range.clone(),
        Value::UInt(be32(cx.bytes, range.start).unwrap_or(0) as u64),
    );
    Ok(())
}

/// The packet that caused an error, as much as fits (RFC 4443 §2.4 (c)), dissected as IPv6.
fn quote(cx: &mut Ctx<'_>, m: &Message) {
    let from = m.start + 8;
    if from >= m.end || cx.ip_depth >= MAX_IP_DEPTH {
        return;
    }
    let (quoted, depth) = (cx.quoted, cx.ip_depth);
    cx.quoted = true;
    cx.ip_depth += 1;
    crate::ipv6::dissect(cx, from..m.end);
    cx.quoted = quoted;
    cx.ip_depth = depth;
}

/// The hop limit of the IPv6 header this message came in, for the Info column: the header (and
/// any extension headers, each a multiple of 8 bytes) ends where the message starts, so each
/// possible start is tried until one shows version 6 and the source address.
fn hop_limit(bytes: &[u8], start: usize, ip: IpContext) -> Option<u8> {
    let IpAddr::V6(src) = ip.src else { return None };
    (0..64usize).find_map(|k| {
        let header = start.checked_sub(40 + 8 * k)?;
        let matches =
            bytes.get(header).map(|b| b >> 4) == Some(6) && ipv6_at(bytes, header + 8) == Some(src);
        matches.then(|| bytes[header + 7])
    })
}

/// Echo request and reply (RFC 4443 §4): identifier, sequence number, the reply's request, and
/// the data.
fn echo(cx: &mut Ctx<'_>, m: &Message, sent: u16) -> Result<(), Short> {
    let bytes = cx.bytes;
    let id_range = m.need(4, 2, "ICMPv6 echo identifier")?;
    let id = be16(bytes, id_range.start).unwrap_or(0);
    cx.d.add(&ECHO_ID, id_range, Value::UInt(id as u64));
    let seq_range = m.need(6, 2, "ICMPv6 echo sequence number")?;
    let seq = be16(bytes, seq_range.start).unwrap_or(0);
    cx.d.add(&ECHO_SEQ, seq_range, Value::UInt(seq as u64));
    if !cx.quoted {
        let _ = write!(cx.d.info, " id=0x{id:04x}, seq={seq}");
        if let Some(hops) = hop_limit(bytes, m.start, m.ip) {
            let _ = write!(cx.d.info, ", hop limit={hops}");
        }
        // Both sides key on the request's checksum: a reply's is the request's with the type
        // raised from 128 to 129, which lowers the checksum by 0x0100.
        let request_checksum = if m.icmp_type == ECHO_REQUEST {
            sent
        } else {
            checksum::finish((!sent as u32) + (!0x0100u16 as u32))
        };
        let echo = EchoId {
            v6: true,
            src: m.ip.src,
            dst: m.ip.dst,
            checksum: request_checksum,
            id,
            seq,
        };
        if m.icmp_type == ECHO_REQUEST {
            cx.conversations.echo_request(echo, cx.frame_number, cx.ts);
        } else if let Some(request) = cx.conversations.echo_reply(echo) {
            response(
                cx,
                &RESP_TO,
                &RESPTIME,
                request.request_frame,
                request.request_ts,
            );
        }
    }
    // Unlike ICMP's, Wireshark's ICMPv6 dissector does not look for a send time in the data.
    if m.start + 8 < m.end {
        dissect_data(cx, m.start + 8..m.end);
    }
    Ok(())
}

/// Extended echo request and reply (RFC 8335 §2, §3): identifier, an 8-bit sequence number and
/// the request's local bit or the reply's state and flags.
fn extended_echo(cx: &mut Ctx<'_>, m: &Message) -> Result<(), Short> {
    let bytes = cx.bytes;
    let id_range = m.need(4, 2, "ICMPv6 extended echo")?;
    cx.d.add(
        &ECHO_ID,
        id_range.clone(),
        Value::UInt(be16(bytes, id_range.start).unwrap_or(0) as u64),
    );
    let seq = m.need(6, 1, "ICMPv6 extended echo")?;
    cx.d.add(
        &EXT_ECHO_SEQ,
        seq.clone(),
        Value::UInt(bytes[seq.start] as u64),
    );
    let flags_range = m.need(7, 1, "ICMPv6 extended echo")?;
    let flags = bytes[flags_range.start];
    if m.icmp_type == EXTENDED_ECHO_REQUEST {
        cx.d.add(&EXT_ECHO_LOCAL, flags_range, Value::Bool(flags & 0x01 != 0));
    } else {
        cx.d.add(
            &EXT_ECHO_STATE,
            flags_range.clone(),
            Value::UInt((flags >> 5) as u64),
        );
        cx.d.add(
            &EXT_ECHO_ACTIVE,
            flags_range.clone(),
            Value::Bool(flags & 0x04 != 0),
        );
        cx.d.add(
            &EXT_ECHO_IPV4,
            flags_range.clone(),
            Value::Bool(flags & 0x02 != 0),
        );
        cx.d.add(&EXT_ECHO_IPV6, flags_range, Value::Bool(flags & 0x01 != 0));
    }
    Ok(())
}

/// MLD query, report and done (RFC 2710 §3), and the MLDv2 query, which is longer (RFC 3810
/// §5.1).
fn mld(cx: &mut Ctx<'_>, m: &Message) -> Result<(), Short> {
    let bytes = cx.bytes;
    let len = m.ip.declared_len.min(m.end - m.start);
    let v2_query = m.icmp_type == MLD_QUERY && len >= 28;
    let delay = m.need(4, 2, "MLD message")?;
    let value = be16(bytes, delay.start).unwrap_or(0) as u64;
    cx.d.add(
        if v2_query {
            &MLD_MAX_CODE
        } else {
            &MLD_MAX_DELAY
        },
        delay,
        Value::UInt(value),
    );
    cx.d.add(&RESERVED, m.need(6, 2, "MLD message")?, Value::Bytes);
    let address = m.need(8, 16, "MLD multicast address")?;
    cx.d.add(
        &MLD_MULTICAST,
        address.clone(),
        Value::Ipv6(ipv6_at(bytes, address.start).unwrap_or(Ipv6Addr::UNSPECIFIED)),
    );
    if !v2_query {
        return Ok(());
    }
    let flags_range = m.need(24, 1, "MLDv2 query")?;
    let flags = bytes[flags_range.start];
    let item =
        cx.d.open(&MLD_FLAG, flags_range.clone(), Value::UInt(flags as u64));
    if flags & 0x08 != 0 {
        cx.d.set_title(
            item,
            format_args!("Flags: 0x{flags:02x}, Suppress Router-Side Processing"),
        );
    }
    cx.d.add(
        &MLD_FLAG_S,
        flags_range.clone(),
        Value::Bool(flags & 0x08 != 0),
    );
    cx.d.add(
        &MLD_FLAG_QRV,
        flags_range,
        Value::UInt((flags & 0x07) as u64),
    );
    cx.d.close();
    let qqi = m.need(25, 1, "MLDv2 query")?;
    cx.d.add(&MLD_QQI, qqi.clone(), Value::UInt(bytes[qqi.start] as u64));
    let count_range = m.need(26, 2, "MLDv2 query")?;
    let count = be16(bytes, count_range.start).unwrap_or(0);
    cx.d.add(&MLD_NB_SOURCES, count_range, Value::UInt(count as u64));
    for i in 0..count as usize {
        let source = m.need(28 + 16 * i, 16, "MLDv2 source address")?;
        cx.d.add(
            &MLD_SOURCE,
            source.clone(),
            Value::Ipv6(ipv6_at(bytes, source.start).unwrap_or(Ipv6Addr::UNSPECIFIED)),
        );
    }
    Ok(())
}

/// The MLDv2 report (RFC 3810 §5.2): a list of multicast address records.
fn mldv2_report(cx: &mut Ctx<'_>, m: &Message) -> Result<(), Short> {
    let bytes = cx.bytes;
    cx.d.add(&RESERVED, m.need(4, 2, "MLDv2 report")?, Value::Bytes);
    let count_range = m.need(6, 2, "MLDv2 report")?;
    let records = be16(bytes, count_range.start).unwrap_or(0);
    cx.d.add(&MLDR_NB_RECORDS, count_range, Value::UInt(records as u64));
    let mut offset = 8;
    for _ in 0..records {
        let head = m.need(offset, 4, "MLDv2 address record")?;
        let (record_type, aux_len) = (bytes[head.start], bytes[head.start + 1] as usize * 4);
        let sources = be16(bytes, head.start + 2).unwrap_or(0) as usize;
        let record_len = 20 + 16 * sources + aux_len;
        let whole = m.at(offset, record_len);
        let item =
            cx.d.open(&MLDR_RECORD, whole.start..whole.end.min(m.end), Value::None);
        let result = record(cx, m, offset, record_type, sources, aux_len, item);
        cx.d.close();
        result?;
        offset += record_len;
    }
    Ok(())
}

fn record(
    cx: &mut Ctx<'_>,
    m: &Message,
    offset: usize,
    record_type: u8,
    sources: usize,
    aux_len: usize,
    item: usize,
) -> Result<(), Short> {
    let bytes = cx.bytes;
    cx.d.add(
        &MLDR_RECORD_TYPE,
        m.at(offset, 1),
        Value::UInt(record_type as u64),
    );
    cx.d.add(
        &MLDR_AUX_LEN,
        m.at(offset + 1, 1),
        Value::UInt((aux_len / 4) as u64),
    );
    cx.d.add(
        &MLDR_NB_SOURCES,
        m.at(offset + 2, 2),
        Value::UInt(sources as u64),
    );
    let address = m.need(offset + 4, 16, "MLDv2 multicast address")?;
    let multicast = ipv6_at(bytes, address.start).unwrap_or(Ipv6Addr::UNSPECIFIED);
    cx.d.add(&MLDR_MULTICAST, address, Value::Ipv6(multicast));
    let name = crate::field::name_in(RECORD_TYPES, record_type as u64).unwrap_or("Unknown");
    cx.d.set_title(
        item,
        format_args!("Multicast Address Record {name}: {multicast}"),
    );
    for i in 0..sources {
        let source = m.need(offset + 20 + 16 * i, 16, "MLDv2 source address")?;
        cx.d.add(
            &MLDR_SOURCE,
            source.clone(),
            Value::Ipv6(ipv6_at(bytes, source.start).unwrap_or(Ipv6Addr::UNSPECIFIED)),
        );
    }
    if aux_len > 0 {
        cx.d.add(
            &MLDR_AUX,
            m.need(offset + 20 + 16 * sources, aux_len, "MLDv2 auxiliary data")?,
            Value::Bytes,
        );
    }
    Ok(())
}
