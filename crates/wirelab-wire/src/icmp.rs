//! ICMP, the Internet Control Message Protocol for IPv4 (RFC 792, with RFC 950, RFC 1256,
//! RFC 1812, RFC 4884 and RFC 8335).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   four bytes whose meaning depends on the type: identifier    |
//! |   and sequence number, pointer, gateway, length and MTU...    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   echo data, timestamps, a mask, or for an error: the IP      |
//! |   header and the first bytes of the datagram that caused it   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!                                                    (RFC 792)
//! ```
//!
//! Error messages (destination unreachable, source quench, redirect, time exceeded, parameter
//! problem) quote the IP header and at least 8 bytes of the datagram that caused them, so that
//! the sender can tell which connection failed; that quote is dissected as IPv4 and its
//! transport header, marked as quoted so that it updates no columns and no sequence numbers.
//! Echo replies are matched to their requests, as Wireshark matches them (`icmp.resp_to`).
//!
//! Parsed by hand: etherparse's `Icmpv4Slice` names the types but cannot give the byte range of
//! every field, nor show a message it rejects.

use crate::checksum;
use crate::conversation::EchoId;
use crate::dissector::{dissect_data, Ctx, IpContext, MAX_IP_DEPTH};
use crate::expert::{Group, Severity};
use crate::field::{FieldDef, Value};
use crate::frame::Timestamp;
use crate::link::{be16, be32, ipv4_at, report_short};
use crate::udp::{checksum_status, STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED};
use std::fmt::{self, Write};
use std::net::IpAddr;
use std::ops::Range;

pub(crate) mod names;
#[cfg(test)]
mod tests;

pub use names::{code_name, type_name};

/// The message types this module gives a body to (RFC 792 and successors).
pub const ECHO_REPLY: u8 = 0;
pub const DEST_UNREACHABLE: u8 = 3;
pub const SOURCE_QUENCH: u8 = 4;
pub const REDIRECT: u8 = 5;
pub const ECHO_REQUEST: u8 = 8;
pub const ROUTER_ADVERTISEMENT: u8 = 9;
pub const TIME_EXCEEDED: u8 = 11;
pub const PARAMETER_PROBLEM: u8 = 12;
pub const TIMESTAMP_REQUEST: u8 = 13;
pub const TIMESTAMP_REPLY: u8 = 14;
pub const INFO_REQUEST: u8 = 15;
pub const INFO_REPLY: u8 = 16;
pub const MASK_REQUEST: u8 = 17;
pub const MASK_REPLY: u8 = 18;
pub const EXTENDED_ECHO_REQUEST: u8 = 42;
pub const EXTENDED_ECHO_REPLY: u8 = 43;

/// The code of "fragmentation needed and DF set", which carries the next hop's MTU (RFC 1191).
const FRAGMENTATION_NEEDED: u8 = 4;

crate::field!(
    ICMP,
    "icmp",
    "Internet Control Message Protocol",
    Protocol,
    "control and error messages about IPv4 delivery: echo, unreachable, time exceeded (RFC 792)"
);
crate::field!(TYPE, "icmp.type", "Type", UInt 8, Dec, names = names::TYPES, "what kind of message this is: echo request 8, echo reply 0, destination unreachable 3, time exceeded 11... (RFC 792)");
crate::field!(CODE, "icmp.code", "Code", UInt 8, Dec, "the reason within the type, e.g. for destination unreachable 3: port unreachable (RFC 792)");
crate::field!(CHECKSUM, "icmp.checksum", "Checksum", UInt 16, Hex, "the one's complement sum of the whole ICMP message, to detect damage (RFC 792)");
pub static CHECKSUM_STATUS: FieldDef = checksum_status(
    "icmp.checksum.status",
    "whether the checksum verified: Good, Bad, or Unverified inside an error's quote or when the message was not all captured (RFC 792)",
);
crate::field!(
    UNUSED,
    "icmp.unused",
    "Unused",
    Bytes,
    "bytes the message type leaves unused; senders set them to zero (RFC 792)"
);
crate::field!(IDENT, "icmp.ident", "Identifier (BE)", UInt 16, DecHex, "chosen by the sender to match replies to requests, read big-endian (RFC 792)");
crate::field!(IDENT_LE, "icmp.ident_le", "Identifier (LE)", UInt 16, DecHex, "the identifier read little-endian, as some systems write it (RFC 792)");
crate::field!(SEQ, "icmp.seq", "Sequence Number (BE)", UInt 16, DecHex, "counts the requests of one identifier, to match each reply to its request, read big-endian (RFC 792)");
crate::field!(SEQ_LE, "icmp.seq_le", "Sequence Number (LE)", UInt 16, DecHex, "the sequence number read little-endian, as some systems write it (RFC 792)");
crate::field!(MTU, "icmp.mtu", "MTU of next hop", UInt 16, Dec, "the largest datagram the next hop can forward without fragmenting, for path MTU discovery (RFC 1191 §4)");
crate::field!(LENGTH, "icmp.length", "Length", UInt 8, Dec, "the length of the quoted datagram in 32-bit words, when extensions follow it (RFC 4884 §4.1)");
crate::field!(LENGTH_ORIGINAL, "icmp.length.original_datagram", "Length of original datagram", UInt 8, Dec, "the length field times four: how many bytes of the original datagram are quoted (RFC 4884 §4.1)");
crate::field!(POINTER, "icmp.pointer", "Pointer", UInt 32, Dec, "the offset of the byte in the quoted header where the problem was found (RFC 792)");
crate::field!(
    REDIR_GW,
    "icmp.redir_gw",
    "Gateway Address",
    Ipv4,
    "the better first hop for the quoted datagram's destination (RFC 792)"
);
crate::field!(NUM_ADDRS, "icmp.num_addrs", "Number of addresses", UInt 8, Dec, "how many router addresses the advertisement lists (RFC 1256 §3.1)");
crate::field!(ADDR_ENTRY_SIZE, "icmp.addr_entry_size", "Address entry size", UInt 8, Dec, "the size of each entry in 32-bit words: 2, an address and a preference (RFC 1256 §3.1)");
crate::field!(LIFETIME, "icmp.lifetime", "Lifetime", UInt 16, Dec, "how many seconds the advertised addresses stay valid (RFC 1256 §3.1)");
crate::field!(
    ROUTER_ADDRESS,
    "icmp.router_address",
    "Router address",
    Ipv4,
    "an address of the advertising router (RFC 1256 §3.1)"
);
crate::field!(PREF_LEVEL, "icmp.pref_level", "Preference level", Int 32, Dec, "how much to prefer this address as a default router; higher is better (RFC 1256 §3.1)");
crate::field!(ORIGINATE_TIMESTAMP, "icmp.originate_timestamp", "Originate Timestamp", UInt 32, Dec, "milliseconds after midnight UTC when the requester sent the request (RFC 792)");
crate::field!(RECEIVE_TIMESTAMP, "icmp.receive_timestamp", "Receive Timestamp", UInt 32, Dec, "milliseconds after midnight UTC when the replier received the request (RFC 792)");
crate::field!(TRANSMIT_TIMESTAMP, "icmp.transmit_timestamp", "Transmit Timestamp", UInt 32, Dec, "milliseconds after midnight UTC when the replier sent the reply (RFC 792)");
crate::field!(
    ADDRESS_MASK,
    "icmp.address_mask",
    "Address Mask",
    Ipv4,
    "the subnet mask of the network the request came from (RFC 950 Appendix I)"
);
crate::field!(EXT_ECHO_SEQ, "icmp.ext.echo.seq", "Sequence Number", UInt 8, DecHex, "counts extended echo requests, to match replies (RFC 8335 §2)");
crate::field!(
    EXT_ECHO_LOCAL,
    "icmp.ext.echo.req.local",
    "Local bit",
    Bool,
    mask = 0x01,
    "the probed interface is on the node that receives the request (RFC 8335 §2)"
);
crate::field!(EXT_ECHO_STATE, "icmp.ext.echo.rsp.state", "State", UInt 8, Dec, "the neighbor state of the probed interface, when it is a neighbor (RFC 8335 §3)");
crate::field!(
    EXT_ECHO_ACTIVE,
    "icmp.ext.echo.rsp.active",
    "Active bit",
    Bool,
    mask = 0x04,
    "the probed interface is active (RFC 8335 §3)"
);
crate::field!(
    EXT_ECHO_IPV4,
    "icmp.ext.echo.rsp.ipv4",
    "IPv4 bit",
    Bool,
    mask = 0x02,
    "the probed interface runs IPv4 (RFC 8335 §3)"
);
crate::field!(
    EXT_ECHO_IPV6,
    "icmp.ext.echo.rsp.ipv6",
    "IPv6 bit",
    Bool,
    mask = 0x01,
    "the probed interface runs IPv6 (RFC 8335 §3)"
);
crate::field!(
    RESP_TO,
    "icmp.resp_to",
    "Request frame",
    FrameNum,
    "the frame of the echo request this reply answers (RFC 792)"
);
crate::field!(
    RESPTIME,
    "icmp.resptime",
    "Response time",
    Double,
    "milliseconds between the request and this reply (RFC 792)"
);
crate::field!(DATA_TIME, "icmp.data_time", "Timestamp from icmp data", AbsTime, "a send time the pinging program put at the start of the echo data (not part of RFC 792, which leaves the data free)");
crate::field!(
    DATA_TIME_RELATIVE,
    "icmp.data_time_relative",
    "Timestamp from icmp data (relative)",
    RelTime,
    "how long before this frame was captured the echo data says it was sent (RFC 792 leaves the data to the sender)"
);

pub static FIELDS: &[&FieldDef] = &[
    &ICMP,
    &TYPE,
    &CODE,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &UNUSED,
    &IDENT,
    &IDENT_LE,
    &SEQ,
    &SEQ_LE,
    &MTU,
    &LENGTH,
    &LENGTH_ORIGINAL,
    &POINTER,
    &REDIR_GW,
    &NUM_ADDRS,
    &ADDR_ENTRY_SIZE,
    &LIFETIME,
    &ROUTER_ADDRESS,
    &PREF_LEVEL,
    &ORIGINATE_TIMESTAMP,
    &RECEIVE_TIMESTAMP,
    &TRANSMIT_TIMESTAMP,
    &ADDRESS_MASK,
    &EXT_ECHO_SEQ,
    &EXT_ECHO_LOCAL,
    &EXT_ECHO_STATE,
    &EXT_ECHO_ACTIVE,
    &EXT_ECHO_IPV4,
    &EXT_ECHO_IPV6,
    &RESP_TO,
    &RESPTIME,
    &DATA_TIME,
    &DATA_TIME_RELATIVE,
];

/// The fixed part every message has: type, code, checksum and the four type-specific bytes.
const HEADER_LEN: usize = 8;

pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>, ip: IpContext) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let columns = !cx.quoted;
    if columns {
        cx.d.protocol = "ICMP";
        cx.d.info.clear();
    }
    // Wireshark reads type, code, checksum and the RFC 4884 length byte before it shows any.
    if start + 6 > end {
        report_short(cx, "icmp", start, start + HEADER_LEN, end, "ICMP header");
        return;
    }
    let (icmp_type, code) = (bytes[start], bytes[start + 1]);
    let sent = be16(bytes, start + 2).unwrap_or(0);
    let type_text = type_name(icmp_type, code);
    let code_text = code_name(icmp_type, code);
    if columns {
        let _ = write!(cx.d.info, "{type_text:<20}");
        if let Some(code_text) = code_text {
            let _ = write!(cx.d.info, " ({code_text})");
        }
    }
    let at = |offset: usize, len: usize| start + offset..start + offset + len;
    cx.d.open(&ICMP, start..end, Value::None);
    let item = cx.d.add(&TYPE, at(0, 1), Value::UInt(icmp_type as u64));
    cx.d.set_title(item, format_args!("Type: {icmp_type} ({type_text})"));
    let item = cx.d.add(&CODE, at(1, 1), Value::UInt(code as u64));
    if let Some(code_text) = code_text {
        cx.d.set_title(item, format_args!("Code: {code} ({code_text})"));
    }
    verify_checksum(cx, start..end, sent, ip);
    let body = Body {
        start,
        end,
        icmp_type,
        code,
        ip,
    };
    let result = match icmp_type {
        DEST_UNREACHABLE | SOURCE_QUENCH | REDIRECT | TIME_EXCEEDED | PARAMETER_PROBLEM => {
            error(cx, &body)
        }
        ECHO_REQUEST | ECHO_REPLY => echo(cx, &body, sent),
        TIMESTAMP_REQUEST | TIMESTAMP_REPLY => timestamps(cx, &body),
        INFO_REQUEST | INFO_REPLY => identified(cx, &body),
        MASK_REQUEST | MASK_REPLY => mask(cx, &body),
        ROUTER_ADVERTISEMENT => router_advertisement(cx, &body),
        EXTENDED_ECHO_REQUEST | EXTENDED_ECHO_REPLY => extended_echo(cx, &body),
        _ => Ok(()),
    };
    if let Err(short) = result {
        report_short(cx, "icmp", short.start, short.needed_end, end, short.what);
    }
    cx.d.close();
}

/// Where the message ran out of bytes.
struct Short {
    start: usize,
    needed_end: usize,
    what: &'static str,
}

struct Body {
    start: usize,
    end: usize,
    icmp_type: u8,
    code: u8,
    ip: IpContext,
}

impl Body {
    fn at(&self, offset: usize, len: usize) -> Range<usize> {
        self.start + offset..self.start + offset + len
    }

    /// Bytes `offset..offset + len`, if they were captured.
    fn need(&self, offset: usize, len: usize, what: &'static str) -> Result<Range<usize>, Short> {
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

/// Verify the checksum over the whole message (RFC 792), unless it is quoted inside another
/// error, an IP fragment, or not all captured.
fn verify_checksum(cx: &mut Ctx<'_>, range: Range<usize>, sent: u16, ip: IpContext) {
    let field = range.start + 2..range.start + 4;
    let item = cx.d.add(&CHECKSUM, field, Value::UInt(sent as u64));
    let reported = ip
        .declared_len
        .min(crate::link::reported_end(cx, &range).saturating_sub(range.start));
    if cx.quoted {
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} [unverified] [in ICMP error packet]"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_UNVERIFIED));
        return;
    }
    if ip.fragmented || range.len() < reported {
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} [unverified] [fragmented datagram]"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_UNVERIFIED));
        return;
    }
    let message = &cx.bytes[range.start..range.start + reported];
    if checksum::internet_checksum(message) == 0 {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [correct]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_GOOD));
    } else {
        let without = checksum::sum_words(checksum::sum_words(0, &message[..2]), &message[4..]);
        let should_be = checksum::finish(without);
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} incorrect, should be 0x{should_be:04x}"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
        // Wireshark rates a bad ICMP checksum a warning, not an error (`icmp.checksum_bad`).
        cx.d.add_expert(
            Severity::Warning,
            Group::Checksum,
            "icmp",
            format!("Bad checksum [should be 0x{should_be:04x}]"),
        );
    }
}

/// The identifier and sequence number of echo, timestamp, information and mask messages, in
/// both byte orders, and their part of the Info column (`id=0x0001, seq=1/256, ttl=64`).
fn identified(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    let bytes = cx.bytes;
    let id_range = b.need(4, 2, "ICMP identifier")?;
    let id = be16(bytes, id_range.start).unwrap_or(0);
    cx.d.add(&IDENT, id_range.clone(), Value::UInt(id as u64));
    cx.d.add(&IDENT_LE, id_range, Value::UInt(id.swap_bytes() as u64));
    let seq_range = b.need(6, 2, "ICMP sequence number")?;
    let seq = be16(bytes, seq_range.start).unwrap_or(0);
    cx.d.add(&SEQ, seq_range.clone(), Value::UInt(seq as u64));
    cx.d.add(&SEQ_LE, seq_range, Value::UInt(seq.swap_bytes() as u64));
    if !cx.quoted {
        let _ = write!(cx.d.info, " id=0x{id:04x}, seq={seq}/{}", seq.swap_bytes());
        if let Some(ttl) = ipv4_ttl(bytes, b.start, b.ip) {
            let _ = write!(cx.d.info, ", ttl={ttl}");
        }
    }
    Ok(())
}

/// The TTL of the IPv4 header this message came in, for the Info column. The header ends where
/// the message starts; its length is not known here, so each possible length is tried until one
/// shows version 4, that length, and the source address.
fn ipv4_ttl(bytes: &[u8], icmp_start: usize, ip: IpContext) -> Option<u8> {
    let IpAddr::V4(src) = ip.src else { return None };
    (5..=15usize).find_map(|ihl| {
        let header = icmp_start.checked_sub(ihl * 4)?;
        let matches = bytes.get(header) == Some(&(0x40 | ihl as u8))
            && ipv4_at(bytes, header + 12) == Some(src);
        matches.then(|| bytes[header + 8])
    })
}

/// Echo request and reply (RFC 792): identifier, sequence number, the reply's request, and the
/// data, which ping programs often begin with the time of sending.
fn echo(cx: &mut Ctx<'_>, b: &Body, sent: u16) -> Result<(), Short> {
    identified(cx, b)?;
    let bytes = cx.bytes;
    let (id, seq) = (
        be16(bytes, b.start + 4).unwrap_or(0),
        be16(bytes, b.start + 6).unwrap_or(0),
    );
    if !cx.quoted {
        if b.icmp_type == ECHO_REQUEST {
            // The key is the checksum the reply will carry: the same message with the type
            // changed from 8 to 0 (Wireshark's conv_key).
            let reply_checksum = checksum::finish((!sent as u32) + (!0x0800u16 as u32));
            let echo = EchoId {
                v6: false,
                src: b.ip.src,
                dst: b.ip.dst,
                checksum: reply_checksum,
                id,
                seq,
            };
            cx.conversations.echo_request(echo, cx.frame_number, cx.ts);
        } else {
            // A checksum of 0xffff is the other spelling of zero (RFC 1624 §3).
            let checksum = if sent == 0xffff { 0 } else { sent };
            let echo = EchoId {
                v6: false,
                src: b.ip.src,
                dst: b.ip.dst,
                checksum,
                id,
                seq,
            };
            if let Some(request) = cx.conversations.echo_reply(echo) {
                response(
                    cx,
                    &RESP_TO,
                    &RESPTIME,
                    request.request_frame,
                    request.request_ts,
                );
            }
        }
    }
    echo_data(
        cx,
        b.start + HEADER_LEN,
        b.end,
        &DATA_TIME,
        &DATA_TIME_RELATIVE,
    );
    Ok(())
}

/// The request frame and the response time of an echo reply, and the Info column's note.
pub(crate) fn response(
    cx: &mut Ctx<'_>,
    frame_def: &'static FieldDef,
    time_def: &'static FieldDef,
    frame: u64,
    ts: Timestamp,
) {
    cx.d.add_generated(frame_def, Value::UInt(frame));
    let nanos = cx.ts.since(ts).as_nanos();
    // Milliseconds, as one correctly rounded division so that the shortest decimal printed is
    // the one tshark prints with 15 significant digits.
    let ms = nanos as f64 / 1e6;
    let item = cx.d.add_generated(time_def, Value::Double(ms));
    cx.d.set_title(item, format_args!("Response time: {ms:.3} ms"));
    if !cx.quoted {
        let _ = write!(cx.d.info, " (request in {frame})");
    }
}

/// Echo data: a send time in the first 8 bytes if it looks like one, then the rest as data.
pub(crate) fn echo_data(
    cx: &mut Ctx<'_>,
    from: usize,
    end: usize,
    time_def: &'static FieldDef,
    relative_def: &'static FieldDef,
) {
    if from >= end {
        return;
    }
    if let Some(sent) = data_timestamp(cx.bytes.get(from..end).unwrap_or(&[]), cx.ts) {
        cx.d.add(time_def, from..from + 8, Value::Time(sent.as_nanos()));
        cx.d.add_generated(relative_def, Value::Time(cx.ts.since(sent).as_nanos()));
        dissect_data(cx, from + 8..end);
    } else {
        dissect_data(cx, from..end);
    }
}

/// Wireshark's heuristic for a timestamp at the start of echo data: seconds and microseconds
/// (a `struct timeval`, 32-bit fields, big- then little-endian) within a day of the frame.
fn data_timestamp(data: &[u8], now: Timestamp) -> Option<Timestamp> {
    if data.len() < 8 {
        return None;
    }
    let plausible = |secs: u32, micros: u32| {
        let difference = (secs as i64).wrapping_sub(now.secs) as u32 as i32;
        difference.wrapping_abs() < 86_400 && micros < 1_000_000
    };
    let word = |i: usize, be: bool| {
        let four = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if be {
            u32::from_be_bytes(four)
        } else {
            u32::from_le_bytes(four)
        }
    };
    [true, false].into_iter().find_map(|be| {
        let (secs, micros) = (word(0, be), word(4, be));
        plausible(secs, micros).then(|| Timestamp::new(secs as i64, micros * 1000))
    })
}

/// The error messages: the type-specific word, then the quoted datagram.
fn error(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    let bytes = cx.bytes;
    // RFC 4884 §4.1: a non-zero byte 5 gives the length of the quoted datagram in words, when
    // extensions follow it. (A redirect's byte 5 is part of the gateway address.)
    let length = if b.icmp_type == REDIRECT {
        0
    } else {
        bytes[b.start + 5]
    };
    match b.icmp_type {
        DEST_UNREACHABLE | TIME_EXCEEDED => {
            let mtu = b.icmp_type == DEST_UNREACHABLE && b.code == FRAGMENTATION_NEEDED;
            if length > 0 {
                cx.d.add(&UNUSED, b.need(4, 1, "ICMP header")?, Value::Bytes);
                original_length(cx, b, length);
            }
            match (length > 0, mtu) {
                (false, false) => {
                    cx.d.add(&UNUSED, b.need(4, 4, "ICMP header")?, Value::Bytes);
                }
                (false, true) => {
                    cx.d.add(&UNUSED, b.need(4, 2, "ICMP header")?, Value::Bytes);
                    add_mtu(cx, b)?;
                }
                (true, false) => {
                    cx.d.add(&UNUSED, b.need(6, 2, "ICMP header")?, Value::Bytes);
                }
                (true, true) => add_mtu(cx, b)?,
            }
        }
        PARAMETER_PROBLEM => {
            let pointer = b.need(4, 1, "ICMP header")?;
            cx.d.add(
                &POINTER,
                pointer.clone(),
                Value::UInt(bytes[pointer.start] as u64),
            );
            if length > 0 {
                original_length(cx, b, length);
                cx.d.add(&UNUSED, b.need(6, 2, "ICMP header")?, Value::Bytes);
            } else {
                cx.d.add(&UNUSED, b.need(5, 3, "ICMP header")?, Value::Bytes);
            }
        }
        REDIRECT => {
            let gateway = b.need(4, 4, "ICMP header")?;
            let address = ipv4_at(bytes, gateway.start).unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
            cx.d.add(&REDIR_GW, gateway, Value::Ipv4(address));
        }
        _ => {}
    }
    quote(cx, b, length);
    Ok(())
}

fn original_length(cx: &mut Ctx<'_>, b: &Body, length: u8) {
    cx.d.add(&LENGTH, b.at(5, 1), Value::UInt(length as u64));
    cx.d.add_generated(&LENGTH_ORIGINAL, Value::UInt(length as u64 * 4));
}

fn add_mtu(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    let range = b.need(6, 2, "ICMP header")?;
    cx.d.add(
        &MTU,
        range.clone(),
        Value::UInt(be16(cx.bytes, range.start).unwrap_or(0) as u64),
    );
    Ok(())
}

/// The IP header and the start of the datagram that caused an error (RFC 792; RFC 1812 §4.3.2.3
/// allows up to 576 bytes), dissected as IPv4 with the quote flag set.
fn quote(cx: &mut Ctx<'_>, b: &Body, length: u8) {
    let from = b.start + HEADER_LEN;
    if from >= b.end || cx.ip_depth >= MAX_IP_DEPTH {
        return;
    }
    let header_len = (cx.bytes[from] & 0x0f) as usize * 4;
    let quoted_total = be16(cx.bytes, from + 2).unwrap_or(0) as usize;
    let reported =
        b.ip.declared_len
            .min(crate::link::reported_end(cx, &(b.start..b.end)).saturating_sub(b.start));
    let mut to = b.end;
    if b.icmp_type == REDIRECT {
        // A redirect quotes the IP header and 64 bits of data, no more (RFC 792).
        to = to.min(from + header_len + 8);
    } else if length > 0
        && reported > HEADER_LEN + length as usize * 4
        && quoted_total > length as usize * 4
    {
        // RFC 4884 §4.1: the quote is the IP header and `length` words; extensions follow.
        to = to.min(from + header_len + length as usize * 4);
    }
    let (quoted, depth) = (cx.quoted, cx.ip_depth);
    cx.quoted = true;
    cx.ip_depth += 1;
    crate::ipv4::dissect(cx, from..to);
    cx.quoted = quoted;
    cx.ip_depth = depth;
}

/// Timestamp request and reply (RFC 792): three times in milliseconds since midnight UTC.
/// Some systems write them little-endian: the title shows Wireshark's guess of which.
fn timestamps(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    identified(cx, b)?;
    let frame_ms =
        ((cx.ts.secs as i128 * 1000 + cx.ts.nanos as i128 / 1_000_000) % MS_PER_DAY as i128) as u32;
    for (offset, def) in [
        (8, &ORIGINATE_TIMESTAMP),
        (12, &RECEIVE_TIMESTAMP),
        (16, &TRANSMIT_TIMESTAMP),
    ] {
        let range = b.need(offset, 4, "ICMP timestamp")?;
        let raw = be32(cx.bytes, range.start).unwrap_or(0);
        let guess = best_guess_ms(&cx.bytes[range.clone()], frame_ms);
        let item = cx.d.add(def, range, Value::UInt(raw as u64));
        cx.d.set_title(
            item,
            format_args!(
                "{}: {raw} ({} after midnight UTC)",
                def.label,
                Millis(guess)
            ),
        );
    }
    Ok(())
}

/// Milliseconds in a day.
const MS_PER_DAY: u32 = 86_400_000;

/// Wireshark's `get_best_guess_mstimeofday`: the value read big- or little-endian, whichever is
/// a time of day, and closest after `reference` when both are. The top bit is cleared: RFC 792
/// sets it for non-standard times.
fn best_guess_ms(four: &[u8], reference: u32) -> u32 {
    let raw = [four[0], four[1], four[2], four[3]];
    let be = u32::from_be_bytes(raw) & 0x7fff_ffff;
    let le = u32::from_le_bytes(raw) & 0x7fff_ffff;
    let after = |ts: u32| ts.wrapping_sub(reference);
    match (be < MS_PER_DAY, le < MS_PER_DAY) {
        (true, false) => be,
        (false, true) => le,
        (true, true) => {
            // Near midnight, a time just after it is later than one just before it.
            let wrap = |ts: u32| {
                if ts < reference
                    && ts <= MS_PER_DAY / 4
                    && reference >= MS_PER_DAY - MS_PER_DAY / 4
                {
                    ts + MS_PER_DAY
                } else {
                    ts
                }
            };
            if after(wrap(be)) < after(wrap(le)) {
                be
            } else {
                le
            }
        }
        (false, false) => {
            if after(be) < after(le) {
                be
            } else {
                le
            }
        }
    }
}

/// A time of day in milliseconds, spelled out: `1 hour, 5 minutes, 2.500 seconds`.
struct Millis(u32);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms == 0 {
            return f.write_str("0 seconds");
        }
        let (secs, frac) = (ms / 1000, ms % 1000);
        let parts = [
            (secs / 86_400, "day"),
            (secs / 3600 % 24, "hour"),
            (secs / 60 % 60, "minute"),
        ];
        let mut first = true;
        for (value, unit) in parts {
            if value > 0 {
                if !first {
                    f.write_str(", ")?;
                }
                write!(f, "{value} {unit}{}", if value == 1 { "" } else { "s" })?;
                first = false;
            }
        }
        let s = secs % 60;
        if s > 0 || frac > 0 {
            if !first {
                f.write_str(", ")?;
            }
            if frac > 0 {
                write!(f, "{s}.{frac:03} seconds")?;
            } else {
                write!(f, "{s} second{}", if s == 1 { "" } else { "s" })?;
            }
        }
        Ok(())
    }
}

/// Address mask request and reply (RFC 950 Appendix I).
fn mask(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    identified(cx, b)?;
    let range = b.need(8, 4, "ICMP address mask")?;
    let mask = ipv4_at(cx.bytes, range.start).unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
    cx.d.add(&ADDRESS_MASK, range, Value::Ipv4(mask));
    Ok(())
}

/// Router advertisement (RFC 1256 §3.1): the router's addresses with their preferences.
fn router_advertisement(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    let bytes = cx.bytes;
    let count = bytes[b.start + 4];
    let entry_size = bytes[b.start + 5];
    cx.d.add(&NUM_ADDRS, b.at(4, 1), Value::UInt(count as u64));
    cx.d.add(&ADDR_ENTRY_SIZE, b.at(5, 1), Value::UInt(entry_size as u64));
    let lifetime = b.need(6, 2, "ICMP router advertisement")?;
    cx.d.add(
        &LIFETIME,
        lifetime.clone(),
        Value::UInt(be16(bytes, lifetime.start).unwrap_or(0) as u64),
    );
    if entry_size != 2 {
        dissect_data(cx, (b.start + HEADER_LEN).min(b.end)..b.end);
        return Ok(());
    }
    for i in 0..count as usize {
        let address = b.need(8 + 8 * i, 4, "ICMP router advertisement")?;
        cx.d.add(
            &ROUTER_ADDRESS,
            address.clone(),
            Value::Ipv4(ipv4_at(bytes, address.start).unwrap_or(std::net::Ipv4Addr::UNSPECIFIED)),
        );
        let preference = b.need(12 + 8 * i, 4, "ICMP router advertisement")?;
        cx.d.add(
            &PREF_LEVEL,
            preference.clone(),
            Value::Int(be32(bytes, preference.start).unwrap_or(0) as i32 as i64),
        );
    }
    Ok(())
}

/// Extended echo request and reply (RFC 8335 §2, §3): identifier, an 8-bit sequence number and
/// the request's local bit or the reply's state and flags.
fn extended_echo(cx: &mut Ctx<'_>, b: &Body) -> Result<(), Short> {
    let bytes = cx.bytes;
    let id_range = b.need(4, 2, "ICMP identifier")?;
    let id = be16(bytes, id_range.start).unwrap_or(0);
    cx.d.add(&IDENT, id_range.clone(), Value::UInt(id as u64));
    cx.d.add(&IDENT_LE, id_range, Value::UInt(id.swap_bytes() as u64));
    let seq = b.need(6, 1, "ICMP sequence number")?;
    cx.d.add(
        &EXT_ECHO_SEQ,
        seq.clone(),
        Value::UInt(bytes[seq.start] as u64),
    );
    let flags_range = b.need(7, 1, "ICMP extended echo flags")?;
    let flags = bytes[flags_range.start];
    if b.icmp_type == EXTENDED_ECHO_REQUEST {
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
