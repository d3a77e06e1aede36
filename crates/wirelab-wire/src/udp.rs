//! UDP, the User Datagram Protocol (RFC 768).
//!
//! ```text
//!  0      7 8     15 16    23 24    31
//! +--------+--------+--------+--------+
//! |     Source      |   Destination   |
//! |      Port       |      Port       |
//! +--------+--------+--------+--------+
//! |                 |                 |
//! |     Length      |    Checksum     |
//! +--------+--------+--------+--------+
//! |          data octets ...
//! +---------------- ...
//!                          (RFC 768)
//! ```
//!
//! Eight bytes of header and no state: ports, a length that counts the header, and a checksum
//! over a pseudo-header of the IP addresses and the whole datagram, which the sender may leave
//! as zero over IPv4 ("no checksum") but not over IPv6 (RFC 8200 §8.1). The header is read by
//! hand, in the order Wireshark's `packet-udp.c` reads it, so that a damaged datagram shows
//! the same fields in both.

use crate::analysis::{PayloadUse, UdpDatagram};
use crate::checksum;
use crate::conversation::Endpoint;
use crate::dissector::{dissect_data, Ctx, IpContext};
use crate::expert::{Group, Severity};
use crate::field::{FieldDef, FieldType, Value, ValueNames};
use crate::link::{be16, report_short};
use std::fmt::Write;
use std::ops::Range;

#[cfg(test)]
mod tests;

/// `*.checksum.status` values, as Wireshark's `proto_checksum_vals` (shared by UDP, TCP, ICMP
/// and ICMPv6).
pub static CHECKSUM_STATUS_NAMES: ValueNames = &[
    (0, "Bad"),
    (1, "Good"),
    (2, "Unverified"),
    (3, "Not present"),
    (4, "Illegal"),
];
pub const STATUS_BAD: u64 = 0;
pub const STATUS_GOOD: u64 = 1;
pub const STATUS_UNVERIFIED: u64 = 2;
pub const STATUS_NOT_PRESENT: u64 = 3;
pub const STATUS_ILLEGAL: u64 = 4;

/// A `*.checksum.status` field: an 8-bit code shown by name only.
pub(crate) const fn checksum_status(name: &'static str, explain: &'static str) -> FieldDef {
    FieldDef {
        name,
        label: "Checksum Status",
        ftype: FieldType::UInt { bits: 8 },
        base: crate::field::Base::None,
        names: CHECKSUM_STATUS_NAMES,
        mask: 0,
        explain,
    }
}

const HEADER_LEN: usize = 8;

crate::field!(
    UDP,
    "udp",
    "User Datagram Protocol",
    Protocol,
    "a datagram between two ports, with no connection and no retransmission (RFC 768)"
);
crate::field!(SRCPORT, "udp.srcport", "Source Port", UInt 16, Dec, "the port of the sending process, where a reply should go; zero if none (RFC 768)");
crate::field!(DSTPORT, "udp.dstport", "Destination Port", UInt 16, Dec, "the port of the process the datagram is for (RFC 768)");
crate::field!(PORT, "udp.port", "Source or Destination Port", UInt 16, Dec, "either port, so that one filter matches both directions (RFC 768)");
crate::field!(LENGTH, "udp.length", "Length", UInt 16, Dec, "the datagram's length in bytes, header included, so at least 8 (RFC 768)");
crate::field!(CHECKSUM, "udp.checksum", "Checksum", UInt 16, Hex, "the one's complement sum over a pseudo-header of the IP addresses and the whole datagram; zero means none was computed, allowed over IPv4 only (RFC 768, RFC 8200 §8.1)");
crate::field!(CHECKSUM_CALCULATED, "udp.checksum_calculated", "Calculated Checksum", UInt 16, Hex, "the checksum this datagram should carry, computed by wirelab (RFC 768)");
pub static CHECKSUM_STATUS: FieldDef = checksum_status(
    "udp.checksum.status",
    "whether the checksum verified: Good, Bad, Unverified when the datagram was not all captured, Not present for a zero checksum over IPv4 (RFC 768)",
);
crate::field!(STREAM, "udp.stream", "Stream index", UInt 32, Dec, "which pair of address and port the datagram belongs to, counting from 0 in order of first appearance (RFC 768)");
crate::field!(
    TIME_RELATIVE,
    "udp.time_relative",
    "Time since first frame",
    RelTime,
    "seconds since the first datagram between these two ports in the capture (RFC 768)"
);
crate::field!(
    TIME_DELTA,
    "udp.time_delta",
    "Time since previous frame",
    RelTime,
    "seconds since the previous datagram between these two ports in the capture (RFC 768)"
);
crate::field!(
    PAYLOAD,
    "udp.payload",
    "Payload",
    Bytes,
    "the data the datagram carries for the application (RFC 768)"
);

pub static FIELDS: &[&FieldDef] = &[
    &UDP,
    &SRCPORT,
    &DSTPORT,
    &PORT,
    &LENGTH,
    &CHECKSUM,
    &CHECKSUM_CALCULATED,
    &CHECKSUM_STATUS,
    &STREAM,
    &TIME_RELATIVE,
    &TIME_DELTA,
    &PAYLOAD,
];

pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>, ip: IpContext) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let columns = !cx.quoted;
    let (Some(sport), Some(dport)) = (
        be16(bytes, start).filter(|_| start + 4 <= end),
        be16(bytes, start + 2),
    ) else {
        report_short(cx, "udp", start, start + HEADER_LEN, end, "UDP header");
        return;
    };
    let at = |offset: usize, len: usize| start + offset..start + offset + len;
    if columns {
        cx.d.protocol = "UDP";
        cx.d.info.clear();
        crate::tcp::push_ports(&mut cx.d.info, sport, dport);
    }
    let index =
        cx.d.open(&UDP, start..end.min(start + HEADER_LEN), Value::None);
    cx.d.set_title(
        index,
        format_args!("User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}"),
    );
    cx.d.add(&SRCPORT, at(0, 2), Value::UInt(sport as u64));
    cx.d.add(&DSTPORT, at(2, 2), Value::UInt(dport as u64));
    cx.d.add_hidden(&PORT, at(0, 2), Value::UInt(sport as u64));
    cx.d.add_hidden(&PORT, at(2, 2), Value::UInt(dport as u64));

    let Some(length) = be16(bytes, start + 4).filter(|_| start + 6 <= end) else {
        cx.d.close();
        report_short(cx, "udp", start, start + HEADER_LEN, end, "UDP header");
        return;
    };
    let length_item = cx.d.add(&LENGTH, at(4, 2), Value::UInt(length as u64));
    // How long the datagram is as the IP layer reported it, cut to the frame on the wire.
    let reported = ip
        .declared_len
        .min(crate::link::reported_end(cx, &(start..end)).saturating_sub(start));
    // A length of zero over IPv6 marks a jumbogram: the IPv6 payload length rules (RFC 2675 §4).
    let jumbogram = length == 0 && ip.src.is_ipv6();
    let datagram_len = if jumbogram { reported } else { length as usize };
    if datagram_len < HEADER_LEN {
        cx.d.set_title(
            length_item,
            format_args!("Length: {length} (bogus, must be >= 8)"),
        );
        cx.d.close();
        if columns {
            let _ = write!(cx.d.info, " [BAD UDP LENGTH {length} < 8]");
        }
        cx.d.set_malformed(
            "udp",
            start + 4,
            format!("expected a length of at least 8 bytes, found {length}"),
        );
        return;
    }
    if datagram_len > reported && !ip.fragmented && !cx.quoted {
        cx.d.set_title(
            length_item,
            format_args!("Length: {length} (bogus, payload length {reported})"),
        );
        if columns {
            let _ = write!(cx.d.info, " [BAD UDP LENGTH {length} > IP PAYLOAD LENGTH]");
        }
        cx.d.set_malformed(
            "udp",
            start + 4,
            format!("length {length} runs past the end of the IP payload: expected {length} bytes, found {reported}"),
        );
    }
    if columns {
        crate::tcp::push_tagged(&mut cx.d.info, " Len=", (datagram_len - HEADER_LEN) as u64);
        if jumbogram {
            cx.d.info.push_str(" [Jumbogram]");
        }
    }

    let Some(sent) = be16(bytes, start + 6).filter(|_| start + 8 <= end) else {
        cx.d.close();
        report_short(cx, "udp", start, start + HEADER_LEN, end, "UDP header");
        return;
    };
    checksum_fields(cx, start, end, reported, datagram_len, sent, ip, columns);

    let src = Endpoint {
        addr: ip.src,
        port: sport,
    };
    let dst = Endpoint {
        addr: ip.dst,
        port: dport,
    };
    let stream = cx.conversations.udp_stream(src, dst, cx.ts);
    cx.d.add_generated(&STREAM, Value::UInt(stream as u64));
    let data_start = start + HEADER_LEN;
    let mut payload_use = PayloadUse::Unclaimed;
    if !cx.quoted && !ip.fragmented {
        let data_end = end.min(start + datagram_len).max(data_start.min(end));
        let datagram = UdpDatagram {
            frame_number: cx.frame_number,
            ts: cx.ts,
            stream,
            src,
            dst,
            payload: &bytes[data_start.min(end)..data_end],
            payload_offset: data_start,
            len: (datagram_len - HEADER_LEN) as u32,
        };
        payload_use = cx.analysis.udp_datagram(&datagram, cx.d);
    }
    if datagram_len == HEADER_LEN {
        cx.d.close();
        return;
    }
    if !cx.quoted {
        let times = cx.conversations.udp_times(stream, cx.ts);
        cx.d.add_generated(&TIME_RELATIVE, Value::Time(times.relative.as_nanos()));
        cx.d.add_generated(&TIME_DELTA, Value::Time(times.delta.as_nanos()));
    }
    if data_start < end {
        // The payload item runs to the end of the IP payload; the data is cut at the UDP
        // length, so that link padding or a bogus length shows as it is.
        let data_end = end.min(start + datagram_len);
        let payload = cx.d.add(&PAYLOAD, data_start..end, Value::Bytes);
        let len = data_end.saturating_sub(data_start);
        cx.d.set_title(
            payload,
            format_args!(
                "UDP payload ({len} byte{})",
                if len == 1 { "" } else { "s" }
            ),
        );
        cx.d.close();
        if payload_use == PayloadUse::Unclaimed {
            dissect_data(cx, data_start..data_end);
        }
    } else {
        cx.d.close();
    }
}

/// The checksum and its verdict (RFC 768): verified when the whole datagram was captured and
/// is not an IP fragment.
#[allow(clippy::too_many_arguments)]
fn checksum_fields(
    cx: &mut Ctx<'_>,
    start: usize,
    end: usize,
    reported: usize,
    datagram_len: usize,
    sent: u16,
    ip: IpContext,
    columns: bool,
) {
    let field = start + 6..start + 8;
    let item = cx.d.open(&CHECKSUM, field, Value::UInt(sent as u64));
    if sent == 0 {
        // No checksum: allowed over IPv4 (RFC 768), not over IPv6 (RFC 8200 §8.1).
        if ip.src.is_ipv4() || cx.quoted {
            cx.d.set_title(item, format_args!("Checksum: 0x0000 [zero-value ignored]"));
            cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_NOT_PRESENT));
        } else {
            cx.d.set_title(item, format_args!("Checksum: 0x0000 [zero-value illegal]"));
            cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_ILLEGAL));
            if columns {
                cx.d.info.push_str(" [ILLEGAL CHECKSUM (0)]");
            }
            cx.d.add_expert(
                Severity::Error,
                Group::Checksum,
                "udp",
                "Illegal checksum value (0)",
            );
        }
        cx.d.close();
        return;
    }
    let captured = end.saturating_sub(start);
    if ip.fragmented || captured < reported || captured < datagram_len || reported < datagram_len {
        cx.d.close();
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [unverified]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_UNVERIFIED));
        return;
    }
    let datagram = &cx.bytes[start..start + datagram_len];
    let sum = checksum::pseudo_header_sum(ip.src, ip.dst, 17, datagram_len as u32);
    let good = checksum::finish(checksum::sum_words(sum, datagram)) == 0;
    if good {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [correct]"));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(sent as u64));
        cx.d.close();
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_GOOD));
    } else {
        // What the sender should have written: the sum computed with the field as zero, with
        // a result of zero sent as 0xffff (RFC 768).
        let without = checksum::sum_words(checksum::sum_words(sum, &datagram[..6]), &datagram[8..]);
        let should_be = match checksum::finish(without) {
            0 => 0xffff,
            value => value,
        };
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} incorrect, should be 0x{should_be:04x}"),
        );
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(should_be as u64));
        cx.d.close();
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
        if columns {
            cx.d.info.push_str(" [UDP CHECKSUM INCORRECT]");
        }
        if !cx.quoted {
            cx.d.add_expert(
                Severity::Error,
                Group::Checksum,
                "udp",
                format!("Bad checksum [should be 0x{should_be:04x}]"),
            );
        }
    }
}
