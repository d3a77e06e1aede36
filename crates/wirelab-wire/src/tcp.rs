//! TCP, the Transmission Control Protocol (RFC 9293).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                        Sequence Number                        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Acknowledgment Number                      |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Data |  Rsv|A|C|E|U|A|P|R|S|F|                               |
//! | Offset|     |E|W|C|R|C|S|S|Y|I|            Window             |
//! |       |     | |R|E|G|K|H|T|N|N|                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Checksum            |         Urgent Pointer        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           [Options]                           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                             Data                              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!             (RFC 9293 §3.1; AE from RFC 9768, CWR and ECE from RFC 3168)
//! ```
//!
//! The header is read by hand rather than with `etherparse::TcpHeaderSlice`: a dissector must
//! show a header etherparse rejects (a Data Offset below 5, options cut by the snap length) and
//! needs every field's byte range. The order in which fields are read, and what is shown when
//! bytes run out, follow Wireshark's `dissect_tcp`, so that a cut or damaged segment shows the
//! same fields in wirelab as in tshark.
//!
//! Sequence numbers, stream indexes and scaled windows come from the trace's
//! [`Conversations`](crate::conversation::Conversations): see that module for the rules.
//!
//! This file reads the header in order; beside it, in tcp/: `fields` (the field names),
//! `flags` (the control bits), `options` (what follows the fixed header), `checksum`, and
//! `facts` (what the analysis across frames is told about each segment).

use crate::analysis::PayloadUse;
use crate::conversation::{Endpoint, Relative, WindowScale};
use crate::dissector::{dissect_data, Ctx, IpContext};
use crate::field::Value;
use crate::link::{be16, be32, report_short, reported_end};
use checksum::verify_checksum;
use facts::SegmentFacts;
use flags::{connection_experts, flags_tree, FlagNames};
use std::fmt::{self, Write};
use std::ops::Range;

mod checksum;
mod facts;
mod fields;
mod flags;
mod options;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use crate::conversation::{ACK, SYN};
pub use fields::*;

/// The flag bits (RFC 9293 §3.1, RFC 3168 §6.1, RFC 9768 §3).
pub const FIN: u16 = 0x001;
pub const RST: u16 = 0x004;
pub const PSH: u16 = 0x008;
pub const URG: u16 = 0x020;
pub const ECE: u16 = 0x040;
pub const CWR: u16 = 0x080;
pub const AE: u16 = 0x100;
/// The three bits still reserved.
pub const RESERVED: u16 = 0xe00;

/// The fixed header, without options.
const MIN_HEADER_LEN: usize = 20;

/// The header fields read before anything that depends on the conversation.
#[derive(Clone, Copy)]
struct Header {
    seq: u32,
    ack: u32,
    header_len: usize,
    flags: u16,
    window: u16,
}

/// The protocol item's title, as far as the header was read: `Transmission Control Protocol,
/// Src Port: 54662, Dst Port: 8080, Seq: 0, Ack: 1, Len: 0`.
#[derive(Clone, Copy, Default)]
struct Title {
    sport: u16,
    dport: u16,
    seq: Option<u32>,
    ack: Option<u32>,
    len: Option<u32>,
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Transmission Control Protocol, Src Port: {}, Dst Port: {}",
            self.sport, self.dport
        )?;
        if let Some(seq) = self.seq {
            write!(f, ", Seq: {seq}")?;
        }
        if let Some(ack) = self.ack {
            write!(f, ", Ack: {ack}")?;
        }
        if let Some(len) = self.len {
            write!(f, ", Len: {len}")?;
        }
        Ok(())
    }
}

pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>, ip: IpContext) {
    let start = range.start;
    let end = range.end.min(cx.bytes.len());
    // Whether the summary columns describe this segment (not one quoted in an ICMP error).
    let columns = !cx.quoted;
    let (Some(sport), Some(dport)) = (
        be16(cx.bytes, start).filter(|_| start + 4 <= end),
        be16(cx.bytes, start + 2),
    ) else {
        // Wireshark reads both ports before it shows anything.
        report_short(cx, "tcp", start, start + MIN_HEADER_LEN, end, "TCP header");
        return;
    };
    if columns {
        cx.d.protocol = "TCP";
        cx.d.info.clear();
        push_ports(&mut cx.d.info, sport, dport);
    }
    let index = cx.d.open(&TCP, start..end, Value::None);
    let mut title = Title {
        sport,
        dport,
        ..Title::default()
    };
    let outcome = dissect_header(cx, start, end, ip, &mut title);
    cx.d.set_title(index, format_args!("{title}"));
    match outcome {
        Outcome::Stopped => cx.d.close(),
        Outcome::Payload {
            header_len,
            data_len,
            reset,
            facts,
        } => {
            cx.d.set_range(index, start..(start + header_len).min(end));
            let payload_start = (start + header_len).min(end);
            let mut payload_use = PayloadUse::Unclaimed;
            if let Some(facts) = facts {
                let segment = facts.segment(cx, start, payload_start, end);
                payload_use = cx.analysis.tcp_segment(&segment, cx.d);
            }
            payload(cx, start + header_len, end, data_len, reset);
            cx.d.close();
            // Bytes no dissector claims are shown beside the TCP tree, as Wireshark's data.
            if !reset && start + header_len < end && payload_use == PayloadUse::Unclaimed {
                dissect_data(cx, start + header_len..end);
            }
        }
    }
}

enum Outcome {
    /// The header could not be read to its end: nothing follows.
    Stopped,
    /// The header was read; the data starts `header_len` bytes in.
    Payload {
        header_len: usize,
        data_len: usize,
        reset: bool,
        /// What the analysis across frames is told, for a segment a host sent (not one quoted
        /// in an ICMP error, nor an IP fragment).
        facts: Option<SegmentFacts>,
    },
}

fn dissect_header(
    cx: &mut Ctx<'_>,
    start: usize,
    end: usize,
    ip: IpContext,
    title: &mut Title,
) -> Outcome {
    let bytes = cx.bytes;
    let at = |offset: usize, len: usize| start + offset..start + offset + len;
    let columns = !cx.quoted;
    let (sport, dport) = (title.sport, title.dport);
    cx.d.add(&SRCPORT, at(0, 2), Value::UInt(sport as u64));
    cx.d.add(&DSTPORT, at(2, 2), Value::UInt(dport as u64));
    cx.d.add_hidden(&PORT, at(0, 2), Value::UInt(sport as u64));
    cx.d.add_hidden(&PORT, at(2, 2), Value::UInt(dport as u64));

    // Inside an ICMP error over IPv4 Wireshark shows the sequence number at once, raw: the
    // quote is often cut just after it (RFC 792 quotes only 8 bytes of the transport header).
    let quoted_v4 = cx.quoted && ip.src.is_ipv4();
    if quoted_v4 {
        let Some(seq) = be32(bytes, start + 4).filter(|_| start + 8 <= end) else {
            report_short(cx, "tcp", start, start + MIN_HEADER_LEN, end, "TCP header");
            return Outcome::Stopped;
        };
        cx.d.add(&SEQ, at(4, 4), Value::UInt(seq as u64));
    }
    if start + 16 > end {
        report_short(cx, "tcp", start, start + MIN_HEADER_LEN, end, "TCP header");
        return Outcome::Stopped;
    }
    let raw_flags = be16(bytes, start + 12).unwrap_or(0);
    let h = Header {
        seq: be32(bytes, start + 4).unwrap_or(0),
        ack: be32(bytes, start + 8).unwrap_or(0),
        header_len: (raw_flags >> 12) as usize * 4,
        flags: raw_flags & 0x0fff,
        window: be16(bytes, start + 14).unwrap_or(0),
    };

    // The conversation: stream index, relative numbers, window scaling (RFC 9293 §3.3.3).
    let src = Endpoint {
        addr: ip.src,
        port: sport,
    };
    let dst = Endpoint {
        addr: ip.dst,
        port: dport,
    };
    let conversation = cx
        .conversations
        .tcp_segment(src, dst, h.flags, h.seq, cx.ts);
    let stream = cx.conversations.stream(conversation);
    cx.d.add_generated(&STREAM, Value::UInt(stream as u64));
    let times = cx.conversations.tcp_times(conversation, cx.ts);

    // How long the segment is: what the IP layer says, cut to the frame as it was on the wire.
    let reported = ip
        .declared_len
        .min(reported_end(cx, &(start..end)).saturating_sub(start));
    let mut shown = Relative {
        seq: h.seq,
        ack: h.ack,
    };
    let mut seg_len = None;
    let mut window = h.window as u32;
    if !ip.fragmented && !cx.quoted && reported >= h.header_len {
        let len = (reported - h.header_len) as u32;
        seg_len = Some(len);
        cx.d.add_generated(&LEN, Value::UInt(len as u64));
        shown = cx
            .conversations
            .tcp_relative(conversation, h.seq, h.ack, h.flags);
        if h.flags & SYN == 0 {
            // SYN segments are never scaled (RFC 7323 §2.2).
            window = cx
                .conversations
                .flow(conversation)
                .window_scale
                .apply(h.window);
        }
    }
    let ace = h.flags & SYN == 0 && cx.conversations.tcp_uses_ace(conversation);
    cx.conversations.tcp_accecn_handshake(conversation, h.flags);
    if columns {
        let _ = write!(
            cx.d.info,
            " [{}] Seq={}",
            FlagNames(h.flags, ace),
            shown.seq
        );
        if h.flags & ACK != 0 {
            let _ = write!(cx.d.info, " Ack={}", shown.ack);
        }
        let _ = write!(cx.d.info, " Win={window}");
    }
    title.seq = Some(shown.seq);
    if !quoted_v4 {
        cx.d.add(&SEQ, at(4, 4), Value::UInt(shown.seq as u64));
        cx.d.add(&SEQ_RAW, at(4, 4), Value::UInt(h.seq as u64));
    }
    if h.header_len < MIN_HEADER_LEN {
        let item =
            cx.d.add(&HDR_LEN, at(12, 1), Value::UInt(h.header_len as u64));
        cx.d.set_title(
            item,
            format_args!(
                "Header Length: {} bytes ({})",
                h.header_len,
                h.header_len / 4
            ),
        );
        if columns {
            let _ = write!(
                cx.d.info,
                ", bogus TCP header length ({}, must be at least 20)",
                h.header_len
            );
        }
        cx.d.set_malformed(
            "tcp",
            start + 12,
            format!(
                "expected a header length of at least 20 bytes, found {}",
                h.header_len
            ),
        );
        return Outcome::Stopped;
    }
    if h.flags & ACK != 0 {
        title.ack = Some(shown.ack);
    }
    title.len = seg_len;
    if let Some(len) = seg_len {
        // SYN and FIN each take one sequence number (RFC 9293 §3.4).
        let flag_bytes = (h.flags & (SYN | FIN) != 0) as u32;
        let next = shown.seq.wrapping_add(len).wrapping_add(flag_bytes);
        cx.d.add_generated(&NXTSEQ, Value::UInt(next as u64));
    }
    cx.d.add(&ACK_FIELD, at(8, 4), Value::UInt(shown.ack as u64));
    cx.d.add(&ACK_RAW, at(8, 4), Value::UInt(h.ack as u64));
    let item =
        cx.d.add(&HDR_LEN, at(12, 1), Value::UInt(h.header_len as u64));
    cx.d.set_title(
        item,
        format_args!(
            "Header Length: {} bytes ({})",
            h.header_len,
            h.header_len / 4
        ),
    );
    flags_tree(cx, at(12, 2), h.flags, ace);
    connection_experts(cx, h.flags, title.sport, title.dport);

    cx.d.add(&WINDOW_SIZE_VALUE, at(14, 2), Value::UInt(h.window as u64));
    cx.d.add_generated(&WINDOW_SIZE, Value::UInt(window as u64));
    if h.flags & SYN == 0 {
        let scale = cx.conversations.flow(conversation).window_scale;
        let item =
            cx.d.add_generated(&WINDOW_SIZE_SCALEFACTOR, Value::Int(scale.factor()));
        match scale {
            WindowScale::Unknown => cx.d.set_title(
                item,
                format_args!("Window size scaling factor: -1 (unknown)"),
            ),
            WindowScale::NotUsed => cx.d.set_title(
                item,
                format_args!("Window size scaling factor: -2 (no window scaling used)"),
            ),
            WindowScale::Shift(_) => {}
        }
    }

    let Some(sent) = be16(bytes, start + 16).filter(|_| start + 18 <= end) else {
        report_short(cx, "tcp", start, start + h.header_len, end, "TCP header");
        return Outcome::Stopped;
    };
    let checksum_bad = verify_checksum(cx, start, end, reported, sent, ip, columns);

    let Some(urgent) = be16(bytes, start + 18).filter(|_| start + 20 <= end) else {
        report_short(cx, "tcp", start, start + h.header_len, end, "TCP header");
        return Outcome::Stopped;
    };
    cx.d.add(&URGENT_POINTER, at(18, 2), Value::UInt(urgent as u64));
    if columns {
        if h.flags & URG != 0 {
            push_tagged(&mut cx.d.info, " Urg=", urgent as u64);
        }
        if let Some(len) = seg_len {
            push_tagged(&mut cx.d.info, " Len=", len as u64);
        }
    }

    let options_len = h.header_len - MIN_HEADER_LEN;
    if options_len > 0 {
        let segment = options::Segment {
            conversation,
            shown_ack: shown.ack,
            columns,
        };
        let result = options::dissect(cx, start + MIN_HEADER_LEN, options_len, end, &segment);
        add_times(cx, times);
        if let Err(stop) = result {
            match stop.kind {
                // The option's own length is too short for what its kind holds.
                Some(kind) => cx.d.set_malformed(
                    "tcp",
                    stop.start,
                    format!(
                        "option kind {kind} is {} bytes long but its fields need {}: expected {} bytes, found {}",
                        stop.available_end - stop.start,
                        stop.needed_end - stop.start,
                        stop.needed_end - stop.start,
                        stop.available_end - stop.start
                    ),
                ),
                None => report_short(cx, "tcp", stop.start, stop.needed_end, stop.available_end, "TCP options"),
            }
            return Outcome::Stopped;
        }
    } else {
        add_times(cx, times);
    }
    if h.flags & SYN != 0 {
        cx.conversations
            .tcp_syn_seen(conversation, h.flags & ACK != 0);
    }
    if start + h.header_len > end {
        report_short(cx, "tcp", start, start + h.header_len, end, "TCP header");
        return Outcome::Stopped;
    }
    let data_len = reported.saturating_sub(h.header_len);
    let facts = seg_len.map(|len| SegmentFacts {
        stream,
        src,
        dst,
        header: h,
        shown,
        window_scaled: window,
        window_scale: cx.conversations.flow(conversation).window_scale,
        len,
        checksum_bad,
    });
    Outcome::Payload {
        header_len: h.header_len,
        data_len,
        reset: h.flags & RST != 0,
        facts,
    }
}

/// Append `" {tag}{value}"`-style text to the Info column without the formatting machinery:
/// this runs for every segment of a capture, and `write!` of integers is most of its cost.
pub(crate) fn push_uint(out: &mut String, value: u64) {
    out.push_str(itoa::Buffer::new().format(value));
}

/// Append `tag` and then `value`: `push_tagged(info, " Seq=", 1)`.
pub(crate) fn push_tagged(out: &mut String, tag: &str, value: u64) {
    out.push_str(tag);
    push_uint(out, value);
}

/// Append `"54662 → 8080"`, how Wireshark's Info column starts for TCP and UDP.
pub(crate) fn push_ports(out: &mut String, sport: u16, dport: u16) {
    push_uint(out, sport as u64);
    out.push_str(" \u{2192} ");
    push_uint(out, dport as u64);
}

fn add_times(cx: &mut Ctx<'_>, times: crate::conversation::StreamTimes) {
    cx.d.add_generated(&TIME_RELATIVE, Value::Time(times.relative.as_nanos()));
    cx.d.add_generated(&TIME_DELTA, Value::Time(times.delta.as_nanos()));
}

/// The data after the header: the application's bytes, or for a reset segment the text some
/// stacks put there to explain it (RFC 9293 §3.5.3).
fn payload(cx: &mut Ctx<'_>, from: usize, end: usize, data_len: usize, reset: bool) {
    if from >= end {
        return;
    }
    let range = from..end;
    if reset {
        // A string field ends at its first NUL byte, as Wireshark's does.
        let bytes = &cx.bytes[range.clone()];
        let text_len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let text =
            cx.d.text_value(format_args!("{}", Ascii(&bytes[..text_len])));
        cx.d.add(&RESET_CAUSE, range, text);
    } else {
        // The title counts the bytes sent, even when the snap length kept fewer.
        let len = data_len.max(range.len());
        let item = cx.d.add(&PAYLOAD, range, Value::Bytes);
        cx.d.set_title(
            item,
            format_args!(
                "TCP payload ({len} byte{})",
                if len == 1 { "" } else { "s" }
            ),
        );
    }
}

/// Bytes shown as ASCII text; bytes outside ASCII become U+FFFD, as Wireshark shows them.
struct Ascii<'a>(&'a [u8]);

impl fmt::Display for Ascii<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            f.write_char(if b.is_ascii() { b as char } else { '\u{fffd}' })?;
        }
        Ok(())
    }
}
