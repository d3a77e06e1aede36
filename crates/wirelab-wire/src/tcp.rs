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

use crate::analysis::{PayloadUse, TcpSegment};
use crate::checksum;
use crate::conversation::{Endpoint, Relative, WindowScale};
use crate::dissector::{dissect_data, Ctx, IpContext};
use crate::expert::{Group, Severity};
use crate::field::{FieldDef, Value};
use crate::link::{be16, be32, report_short, reported_end};
use crate::udp::{STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED};
use std::fmt::{self, Write};
use std::ops::Range;

mod options;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use crate::conversation::{ACK, SYN};

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

crate::field!(
    TCP,
    "tcp",
    "Transmission Control Protocol",
    Protocol,
    "a reliable, ordered byte stream between two ports: the segment header (RFC 9293 §3.1)"
);
crate::field!(SRCPORT, "tcp.srcport", "Source Port", UInt 16, Dec, "the port of the process that sent this segment (RFC 9293 §3.1)");
crate::field!(DSTPORT, "tcp.dstport", "Destination Port", UInt 16, Dec, "the port of the process this segment is for (RFC 9293 §3.1)");
crate::field!(PORT, "tcp.port", "Source or Destination Port", UInt 16, Dec, "either port, so that one filter matches both directions (RFC 9293 §3.1)");
crate::field!(STREAM, "tcp.stream", "Stream index", UInt 32, Dec, "which connection of the capture this segment belongs to, counting from 0 in order of first appearance (RFC 9293 §3.3.3)");
crate::field!(LEN, "tcp.len", "TCP Segment Len", UInt 32, Dec, "how many bytes of data the segment carries: the IP payload minus the TCP header (RFC 9293 §3.1)");
crate::field!(SEQ, "tcp.seq", "Sequence Number", UInt 32, Dec, "the number of the segment's first data byte, counted from the sender's initial sequence number (RFC 9293 §3.4)");
crate::field!(SEQ_RAW, "tcp.seq_raw", "Sequence Number (raw)", UInt 32, Dec, "the sequence number as sent, before subtracting the initial sequence number (RFC 9293 §3.1)");
crate::field!(NXTSEQ, "tcp.nxtseq", "Next Sequence Number", UInt 32, Dec, "the sequence number the sender's next new segment will carry: this one's plus its length, plus one for SYN or FIN (RFC 9293 §3.4)");
crate::field!(ACK_FIELD, "tcp.ack", "Acknowledgment Number", UInt 32, Dec, "the next sequence number the sender expects from the other side: everything before it has arrived (RFC 9293 §3.4)");
crate::field!(ACK_RAW, "tcp.ack_raw", "Acknowledgment number (raw)", UInt 32, Dec, "the acknowledgment number as sent (RFC 9293 §3.1)");
crate::field!(HDR_LEN, "tcp.hdr_len", "Header Length", UInt 8, Dec, "the Data Offset times four: how many bytes of header, options included, come before the data (RFC 9293 §3.1)");
crate::field!(FLAGS, "tcp.flags", "Flags", UInt 16, Hex, "the control bits that open, acknowledge, push, reset and close (RFC 9293 §3.1)");
crate::field!(
    FLAGS_RES,
    "tcp.flags.res",
    "Reserved",
    Bool,
    mask = 0xe00,
    "three bits reserved for future use; senders must set them to zero (RFC 9293 §3.1)"
);
crate::field!(
    FLAGS_AE,
    "tcp.flags.ae",
    "Accurate ECN",
    Bool,
    mask = 0x100,
    "with CWR and ECE, asks for or counts Accurate ECN feedback (RFC 9768 §3.1)"
);
crate::field!(
    FLAGS_CWR,
    "tcp.flags.cwr",
    "Congestion Window Reduced",
    Bool,
    mask = 0x080,
    "the sender has reduced its congestion window in answer to an ECN-Echo (RFC 3168 §6.1.2)"
);
crate::field!(FLAGS_ECE, "tcp.flags.ece", "ECN-Echo", Bool, mask = 0x040, "on a SYN: the sender can do ECN; later: a packet marked Congestion Experienced arrived (RFC 3168 §6.1)");
crate::field!(FLAGS_ACE, "tcp.flags.ace", "ACE", UInt 8, Dec, "after an Accurate ECN handshake, AE, CWR and ECE form a 3-bit counter of CE-marked packets (RFC 9768 §3.2.2)");
crate::field!(
    FLAGS_URG,
    "tcp.flags.urg",
    "Urgent",
    Bool,
    mask = 0x020,
    "the Urgent Pointer field is significant (RFC 9293 §3.1)"
);
crate::field!(FLAGS_ACK, "tcp.flags.ack", "Acknowledgment", Bool, mask = 0x010, "the Acknowledgment Number field is significant; set on every segment after the first SYN (RFC 9293 §3.1)");
crate::field!(FLAGS_PUSH, "tcp.flags.push", "Push", Bool, mask = 0x008, "deliver the data to the receiving application now rather than buffering it (RFC 9293 §3.9.1.2)");
crate::field!(
    FLAGS_RESET,
    "tcp.flags.reset",
    "Reset",
    Bool,
    mask = 0x004,
    "abort the connection (RFC 9293 §3.5.2)"
);
crate::field!(
    FLAGS_SYN,
    "tcp.flags.syn",
    "Syn",
    Bool,
    mask = 0x002,
    "synchronize sequence numbers: the first segment from each side (RFC 9293 §3.5)"
);
crate::field!(
    FLAGS_FIN,
    "tcp.flags.fin",
    "Fin",
    Bool,
    mask = 0x001,
    "the sender has no more data to send (RFC 9293 §3.6)"
);
crate::field!(
    FLAGS_STR,
    "tcp.flags.str",
    "TCP Flags",
    Str,
    "the twelve flag bits as letters, a dot for each bit not set (RFC 9293 §3.1)"
);
crate::field!(WINDOW_SIZE_VALUE, "tcp.window_size_value", "Window", UInt 16, Dec, "the window field as sent: how many more bytes the sender of this segment is ready to receive, before scaling (RFC 9293 §3.1)");
crate::field!(WINDOW_SIZE, "tcp.window_size", "Calculated window size", UInt 32, Dec, "the window in bytes: the window field shifted left by the sender's window scale (RFC 7323 §2.3)");
crate::field!(WINDOW_SIZE_SCALEFACTOR, "tcp.window_size_scalefactor", "Window size scaling factor", Int 32, Dec, "what the window field is multiplied by: -1 while unknown, -2 when the handshake turned scaling off (RFC 7323 §2.2)");
crate::field!(CHECKSUM, "tcp.checksum", "Checksum", UInt 16, Hex, "the one's complement sum over a pseudo-header of the IP addresses and the whole segment, to detect damage (RFC 9293 §3.1)");
pub static CHECKSUM_STATUS: FieldDef = crate::udp::checksum_status(
    "tcp.checksum.status",
    "whether the checksum verified: Good, Bad, or Unverified when the segment was not all captured or is an IP fragment (RFC 9293 §3.1)",
);
crate::field!(CHECKSUM_CALCULATED, "tcp.checksum_calculated", "Calculated Checksum", UInt 16, Hex, "the checksum this segment should carry, computed by wirelab (RFC 9293 §3.1)");
crate::field!(URGENT_POINTER, "tcp.urgent_pointer", "Urgent Pointer", UInt 16, Dec, "with URG: the offset from this segment's sequence number to the end of urgent data (RFC 9293 §3.8.5)");
crate::field!(
    TIME_RELATIVE,
    "tcp.time_relative",
    "Time since first frame in this TCP stream",
    RelTime,
    "seconds since the first segment of this connection in the capture (RFC 9293 §3.3.3)"
);
crate::field!(
    TIME_DELTA,
    "tcp.time_delta",
    "Time since previous frame in this TCP stream",
    RelTime,
    "seconds since the previous segment of this connection in the capture (RFC 9293 §3.3.3)"
);
crate::field!(
    PAYLOAD,
    "tcp.payload",
    "TCP payload",
    Bytes,
    "the data the segment carries for the application (RFC 9293 §3.1)"
);
crate::field!(RESET_CAUSE, "tcp.reset_cause", "Reset cause", Str, "text carried by a reset segment, which may explain why the connection was aborted (RFC 9293 §3.5.3)");

pub static FIELDS: &[&FieldDef] = &[
    &TCP,
    &SRCPORT,
    &DSTPORT,
    &PORT,
    &STREAM,
    &LEN,
    &SEQ,
    &SEQ_RAW,
    &NXTSEQ,
    &ACK_FIELD,
    &ACK_RAW,
    &HDR_LEN,
    &FLAGS,
    &FLAGS_RES,
    &FLAGS_AE,
    &FLAGS_CWR,
    &FLAGS_ECE,
    &FLAGS_ACE,
    &FLAGS_URG,
    &FLAGS_ACK,
    &FLAGS_PUSH,
    &FLAGS_RESET,
    &FLAGS_SYN,
    &FLAGS_FIN,
    &FLAGS_STR,
    &WINDOW_SIZE_VALUE,
    &WINDOW_SIZE,
    &WINDOW_SIZE_SCALEFACTOR,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &CHECKSUM_CALCULATED,
    &URGENT_POINTER,
    &TIME_RELATIVE,
    &TIME_DELTA,
    &PAYLOAD,
    &RESET_CAUSE,
    // Options (tcp/options.rs).
    &options::OPTIONS,
    &options::KIND,
    &options::LEN,
    &options::EOL,
    &options::NOP,
    &options::MSS,
    &options::MSS_VAL,
    &options::WSCALE,
    &options::WSCALE_SHIFT,
    &options::WSCALE_MULTIPLIER,
    &options::SACK_PERM,
    &options::SACK,
    &options::SACK_LE,
    &options::SACK_RE,
    &options::SACK_COUNT,
    &options::DSACK_LE,
    &options::DSACK_RE,
    &options::ECHO,
    &options::ECHO_REPLY,
    &options::ECHO_VALUE,
    &options::TIMESTAMP,
    &options::TSVAL,
    &options::TSECR,
    &options::MD5,
    &options::MD5_DIGEST,
    &options::USER_TO,
    &options::USER_TO_GRANULARITY,
    &options::USER_TO_VAL,
    &options::TFO,
    &options::TFO_REQUEST,
    &options::TFO_COOKIE,
    &options::EXPERIMENTAL,
    &options::EXP_EXID,
    &options::EXP_DATA,
    &options::ACC_ECN,
    &options::ACC_ECN_EE0B,
    &options::ACC_ECN_ECEB,
    &options::ACC_ECN_EE1B,
    &options::MPTCP,
    &options::MPTCP_SUBTYPE,
    &options::UNKNOWN,
    &options::UNKNOWN_PAYLOAD,
    &options::AO,
    &options::AO_KEYID,
    &options::AO_RNEXTKEYID,
    &options::AO_MAC,
];

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

/// The header values of a segment, kept for the analysis across frames.
struct SegmentFacts {
    stream: u32,
    src: Endpoint,
    dst: Endpoint,
    header: Header,
    shown: Relative,
    window_scaled: u32,
    window_scale: WindowScale,
    len: u32,
    checksum_bad: bool,
}

impl SegmentFacts {
    fn segment<'a>(
        &self,
        cx: &Ctx<'a>,
        start: usize,
        payload_start: usize,
        end: usize,
    ) -> TcpSegment<'a> {
        let payload_end = end.min(payload_start + self.len as usize);
        TcpSegment {
            frame_number: cx.frame_number,
            ts: cx.ts,
            stream: self.stream,
            src: self.src,
            dst: self.dst,
            seq: self.header.seq,
            ack: self.header.ack,
            relative_seq: self.shown.seq,
            relative_ack: self.shown.ack,
            flags: self.header.flags,
            window: self.header.window,
            window_scaled: self.window_scaled,
            window_scale: self.window_scale,
            len: self.len,
            payload: &cx.bytes[payload_start..payload_end],
            payload_offset: payload_start,
            options: &cx.bytes[(start + MIN_HEADER_LEN).min(payload_start)..payload_start],
            checksum_bad: self.checksum_bad,
        }
    }
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

/// The flags as Wireshark names them in its Info column and tree: `SYN, ACK`; after an
/// Accurate ECN handshake, AE, CWR and ECE are shown as the counter `ACE=n` instead.
struct FlagNames(u16, bool);

impl fmt::Display for FlagNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_flag_names(f, self.0, self.1)
    }
}

/// Write the flag names (see [`FlagNames`]) to any text sink: a `String` directly, without the
/// formatting machinery, for the Info column of every segment.
fn write_flag_names(out: &mut impl Write, flags: u16, ace: bool) -> fmt::Result {
    const NAMES: [&str; 9] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];
    let mut first = true;
    let named = if ace { 6 } else { 9 };
    for (bit, name) in NAMES.iter().enumerate().take(named) {
        if flags & (1 << bit) != 0 {
            if !first {
                out.write_str(", ")?;
            }
            out.write_str(name)?;
            first = false;
        }
    }
    if ace {
        out.write_str(", ACE=")?;
        out.write_char((b'0' + ace_value(flags)) as char)?;
        first = false;
    }
    if flags & RESERVED != 0 {
        if !first {
            out.write_str(", ")?;
        }
        out.write_str("Reserved")?;
        first = false;
    }
    if first {
        out.write_str("<None>")?;
    }
    Ok(())
}

/// The ACE counter: AE, CWR and ECE read as one 3-bit number (RFC 9768 §3.2.2).
fn ace_value(flags: u16) -> u8 {
    ((flags >> 6) & 0b111) as u8
}

/// The twelve flag bits as letters, most significant first (`tcp.flags.str`).
struct FlagLetters(u16, bool);

impl fmt::Display for FlagLetters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const LETTERS: &[u8; 12] = b"RRRACEUAPRSF";
        let (flags, ace) = (self.0, self.1);
        for (i, letter) in LETTERS.iter().enumerate() {
            let bit = 11 - i;
            if ace && (6..=8).contains(&bit) {
                match bit {
                    7 => write!(f, "{}", ace_value(flags))?,
                    _ => f.write_char('-')?,
                }
            } else if flags & (1 << bit) != 0 {
                f.write_char(*letter as char)?;
            } else {
                f.write_char('\u{b7}')?;
            }
        }
        Ok(())
    }
}

fn flags_tree(cx: &mut Ctx<'_>, range: Range<usize>, flags: u16, ace: bool) {
    let first = range.start..range.start + 1;
    let second = range.start + 1..range.end;
    let item = cx.d.open(&FLAGS, range.clone(), Value::UInt(flags as u64));
    cx.d.set_title(
        item,
        format_args!("Flags: 0x{flags:03x} ({})", FlagNames(flags, ace)),
    );
    cx.d.add(
        &FLAGS_RES,
        first.clone(),
        Value::Bool(flags & RESERVED != 0),
    );
    if ace {
        cx.d.add(
            &FLAGS_ACE,
            range.clone(),
            Value::UInt(ace_value(flags) as u64),
        );
    } else {
        cx.d.add(&FLAGS_AE, first, Value::Bool(flags & AE != 0));
        cx.d.add(&FLAGS_CWR, second.clone(), Value::Bool(flags & CWR != 0));
        cx.d.add(&FLAGS_ECE, second.clone(), Value::Bool(flags & ECE != 0));
    }
    cx.d.add(&FLAGS_URG, second.clone(), Value::Bool(flags & URG != 0));
    cx.d.add(&FLAGS_ACK, second.clone(), Value::Bool(flags & ACK != 0));
    cx.d.add(&FLAGS_PUSH, second.clone(), Value::Bool(flags & PSH != 0));
    cx.d.add(&FLAGS_RESET, second.clone(), Value::Bool(flags & RST != 0));
    cx.d.add(&FLAGS_SYN, second.clone(), Value::Bool(flags & SYN != 0));
    cx.d.add(&FLAGS_FIN, second, Value::Bool(flags & FIN != 0));
    if cx.d.keeps_tree() {
        let letters = cx.d.text_value(format_args!("{}", FlagLetters(flags, ace)));
        cx.d.add_generated(&FLAGS_STR, letters);
    }
    cx.d.close();
}

/// The chats and the warning `tshark -z expert` lists for the connection's events
/// (`tcp.connection.syn`, `.synack`, `.fin`, `.rst`): the opening (RFC 9293 §3.5), the closing
/// (§3.6) and a reset (§3.5.2). The server port is the SYN's destination, the SYN,ACK's source.
fn connection_experts(cx: &mut Ctx<'_>, flags: u16, sport: u16, dport: u16) {
    if flags & SYN != 0 {
        let message = if flags & ACK != 0 {
            format!("Connection establish acknowledge (SYN+ACK): server port {sport}")
        } else {
            format!("Connection establish request (SYN): server port {dport}")
        };
        cx.d.add_expert(Severity::Chat, Group::Sequence, "tcp", message);
    }
    if flags & FIN != 0 {
        cx.d.add_expert(
            Severity::Chat,
            Group::Sequence,
            "tcp",
            "Connection finish (FIN)",
        );
    }
    if flags & RST != 0 {
        cx.d.add_expert(
            Severity::Warning,
            Group::Sequence,
            "tcp",
            "Connection reset (RST)",
        );
    }
}

/// Verify the checksum over the pseudo-header and the whole segment (RFC 9293 §3.1), when the
/// whole segment was captured and is not an IP fragment; otherwise show it unverified.
fn verify_checksum(
    cx: &mut Ctx<'_>,
    start: usize,
    end: usize,
    reported: usize,
    sent: u16,
    ip: IpContext,
    columns: bool,
) -> bool {
    let field = start + 16..start + 18;
    let item = cx.d.add(&CHECKSUM, field.clone(), Value::UInt(sent as u64));
    if ip.fragmented || start + reported > end {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [unverified]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_UNVERIFIED));
        return false;
    }
    let segment = &cx.bytes[start..start + reported];
    let sum = pseudo_header_sum(ip, reported);
    let computed = checksum::finish(checksum::sum_words(sum, segment));
    if computed == 0 && sent == 0xffff {
        // RFC 1624 §3: one's complement arithmetic has two zeros; a sender should send
        // 0x0000, not 0xffff. Wireshark counts it as bad.
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} [should be 0x0000 (see RFC 1624)]"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(0));
        if columns {
            cx.d.info.push_str(" [TCP CHECKSUM 0xFFFF]");
        }
        if !cx.quoted {
            cx.d.add_expert(
                Severity::Error,
                Group::Checksum,
                "tcp",
                "Bad checksum [should be 0x0000]",
            );
        }
        true
    } else if computed == 0 {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [correct]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_GOOD));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(sent as u64));
        false
    } else {
        // What the sender should have written: the checksum computed with the field as zero.
        let without = checksum::sum_words(checksum::sum_words(sum, &segment[..16]), &segment[18..]);
        let should_be = checksum::finish(without);
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} incorrect, should be 0x{should_be:04x}"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(should_be as u64));
        if columns {
            cx.d.info.push_str(" [TCP CHECKSUM INCORRECT]");
        }
        if !cx.quoted {
            cx.d.add_expert(
                Severity::Error,
                Group::Checksum,
                "tcp",
                format!("Bad checksum [should be 0x{should_be:04x}]"),
            );
        }
        true
    }
}

/// The pseudo-header sum (RFC 9293 §3.1). Its IPv4 form has a 16-bit length; a segment longer
/// than 65535 bytes (a "BIG TCP" capture) does not fit, and the sum is taken as Wireshark takes
/// it, with the length's carry added to the protocol word, so that `tcp.checksum_calculated`
/// matches tshark's.
fn pseudo_header_sum(ip: IpContext, len: usize) -> u32 {
    match (ip.src, ip.dst) {
        (std::net::IpAddr::V4(src), std::net::IpAddr::V4(dst)) => {
            let word = (6u32 << 16).wrapping_add(len as u32);
            let sum = checksum::sum_words(checksum::sum_words(0, &src.octets()), &dst.octets());
            checksum::sum_words(sum, &word.to_be_bytes())
        }
        _ => checksum::pseudo_header_sum(ip.src, ip.dst, 6, len as u32),
    }
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
