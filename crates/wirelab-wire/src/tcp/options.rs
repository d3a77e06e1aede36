//! TCP options (RFC 9293 §3.1, "Options"): a list of kind-length-value entries after the fixed
//! header, in the space the Data Offset leaves.
//!
//! ```text
//!  single byte:   +--------+                 kind 0 End of Option List, kind 1 No-Operation
//!                 |  kind  |
//!                 +--------+
//!  all others:    +--------+--------+---...---+
//!                 |  kind  | length |  data   |   length counts kind and length bytes too
//!                 +--------+--------+---...---+
//! ```
//!
//! The walk follows Wireshark's `tcp_dissect_options`: an option whose length byte is missing,
//! below 2 or past the end of the option space ends the walk with a note; an option whose
//! length is wrong for its kind is shown with its kind and length only and the walk goes on;
//! after an End of Option List only zero bytes may follow. Where Wireshark's option dissectors
//! read past an option (a SACK option with no complete block), the frame is reported
//! malformed at that offset and the segment's dissection stops, as tshark's does.

use crate::conversation::TcpHandle;
use crate::dissector::Ctx;
use crate::field::{FieldDef, Value};
use crate::link::{be16, be32};
use std::fmt::{self, Write};
use std::ops::Range;

mod fields;
pub use fields::*;

/// What the option walk needs to know about its segment.
pub(super) struct Segment {
    pub conversation: TcpHandle,
    /// The acknowledgment number as shown (relative when it is), for the D-SACK test.
    pub shown_ack: u32,
    /// Whether the summary columns are this segment's (not a quoted one's).
    pub columns: bool,
}

/// A read past the end of the option or of the captured bytes: where tshark's dissection
/// stops with an exception. `start..needed_end` was needed; the bytes ended at
/// `available_end`.
pub(super) struct Stop {
    pub start: usize,
    pub needed_end: usize,
    pub available_end: usize,
    /// The option's kind, when the read ran past the option's own length.
    pub kind: Option<u8>,
}

/// The names that follow "Options: (N bytes)" in the tree, one per option, kept as kinds so
/// that the walk allocates nothing (an option takes at least one byte, so 40 suffice).
struct Summary {
    kinds: [u8; 40],
    count: usize,
}

impl Summary {
    fn push(&mut self, kind: u8) {
        if let Some(slot) = self.kinds.get_mut(self.count) {
            *slot = kind;
            self.count += 1;
        }
    }
}

/// The short name Wireshark gives each option in lists and titles.
fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        6 => "Echo",
        7 => "Echo reply",
        8 => "Timestamps",
        11 => "CC",
        12 => "CC.NEW",
        13 => "CC.ECHO",
        19 => "TCP MD5 signature",
        29 => "TCP AO",
        28 => "User Timeout",
        30 => "MPTCP",
        34 => "TCP Fast Open",
        172 | 174 => "Accurate ECN",
        253 | 254 => "Experimental",
        _ => "Unknown",
    }
}

/// An option's name as the walk's notes spell it: unknown kinds by number.
struct NoteName(u8);

impl fmt::Display for NoteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match option_name(self.0) {
            "Unknown" => write!(f, "Unknown (0x{:02x})", self.0),
            name => f.write_str(name),
        }
    }
}

struct OptionsTitle<'a>(usize, &'a Summary);

impl fmt::Display for OptionsTitle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Options: ({} bytes)", self.0)?;
        for &kind in &self.1.kinds[..self.1.count] {
            write!(f, ", {}", NoteName(kind))?;
        }
        Ok(())
    }
}

/// Dissect the option space `start..start + len` (`end` is where the captured bytes of the
/// segment stop). Returns where dissection must stop, if an option reads past its end.
pub(super) fn dissect(
    cx: &mut Ctx<'_>,
    start: usize,
    len: usize,
    end: usize,
    seg: &Segment,
) -> Result<(), Stop> {
    let item =
        cx.d.open(&OPTIONS, start..(start + len).min(end), Value::Bytes);
    let mut summary = Summary {
        kinds: [0; 40],
        count: 0,
    };
    let result = walk(cx, start, start + len, end, seg, &mut summary);
    cx.d.close();
    cx.d.set_title(item, format_args!("{}", OptionsTitle(len, &summary)));
    result
}

fn walk(
    cx: &mut Ctx<'_>,
    start: usize,
    stop: usize,
    end: usize,
    seg: &Segment,
    summary: &mut Summary,
) -> Result<(), Stop> {
    let bytes = cx.bytes;
    let byte = |at: usize| -> Result<u8, Stop> {
        if at < end {
            Ok(bytes[at])
        } else {
            Err(Stop {
                start: at,
                needed_end: stop,
                available_end: end,
                kind: None,
            })
        }
    };
    let mut at = start;
    while at < stop {
        let kind = byte(at)?;
        if kind == 0 || kind == 1 {
            let item =
                cx.d.open(if kind == 0 { &EOL } else { &NOP }, at..at + 1, Value::None);
            cx.d.set_title(item, format_args!("TCP Option - {}", option_name(kind)));
            cx.d.add(&KIND, at..at + 1, Value::UInt(kind as u64));
            cx.d.close();
            summary.push(kind);
            at += 1;
            // After End of Option List only zero padding may follow (RFC 9293 §3.1).
            if kind == 0 && at < stop && byte(at)? != 0 {
                // The padding may run past what the snap length kept: note only what is there.
                note(
                    cx,
                    at..stop.min(end),
                    format_args!("Non-zero header padding"),
                );
                return Ok(());
            }
            continue;
        }
        if at + 1 >= stop {
            note(
                cx,
                at..at + 1,
                format_args!("{} (length byte past end of options)", NoteName(kind)),
            );
            return Ok(());
        }
        let len = byte(at + 1)? as usize;
        if len < 2 {
            let s = if len == 1 { "" } else { "s" };
            note(
                cx,
                at..at + 2,
                format_args!(
                    "{} (with too-short option length = {len} byte{s})",
                    NoteName(kind)
                ),
            );
            return Ok(());
        }
        if at + len > stop {
            let s = if len == 1 { "" } else { "s" };
            note(
                cx,
                at..stop,
                format_args!(
                    "{} (option length = {len} byte{s} says option goes past end of options)",
                    NoteName(kind)
                ),
            );
            return Ok(());
        }
        let option = Option_ {
            kind,
            start: at,
            len,
            end,
        };
        dissect_one(cx, &option, seg)?;
        summary.push(kind);
        at += len;
    }
    Ok(())
}

/// A note about the option walk, shown in the tree where Wireshark shows its expert note.
fn note(cx: &mut Ctx<'_>, range: Range<usize>, text: fmt::Arguments<'_>) {
    // What the note is about may run past what the snap length kept: point at what is there.
    let captured = cx.bytes.len();
    let item = cx.d.add(
        &UNKNOWN,
        range.start.min(captured)..range.end.min(captured),
        Value::None,
    );
    cx.d.set_title(item, text);
}

/// One option whose length fits in the option space.
struct Option_ {
    kind: u8,
    start: usize,
    len: usize,
    /// Where the captured bytes stop.
    end: usize,
}

impl Option_ {
    fn range(&self, offset: usize, len: usize) -> Range<usize> {
        self.start + offset..self.start + offset + len
    }

    /// Bytes `offset..offset + len` of the option, or where reading them stops: past the
    /// option's own length (malformed), or past the captured bytes.
    fn need(&self, offset: usize, len: usize) -> Result<Range<usize>, Stop> {
        let range = self.range(offset, len);
        let available_end = (self.start + self.len).min(self.end);
        if range.end > available_end {
            let kind = (range.end > self.start + self.len).then_some(self.kind);
            Err(Stop {
                start: self.start,
                needed_end: range.end,
                available_end,
                kind,
            })
        } else {
            Ok(range)
        }
    }

    /// The option's bytes from `offset` to its end, which must all have been captured.
    fn rest(&self, offset: usize) -> Result<Range<usize>, Stop> {
        self.need(offset, self.len.saturating_sub(offset))
    }
}

fn dissect_one(cx: &mut Ctx<'_>, o: &Option_, seg: &Segment) -> Result<(), Stop> {
    let item = match o.kind {
        2 => &MSS,
        3 => &WSCALE,
        4 => &SACK_PERM,
        5 => &SACK,
        6 => &ECHO,
        7 => &ECHO_REPLY,
        8 => &TIMESTAMP,
        19 => &MD5,
        29 => &AO,
        28 => &USER_TO,
        30 => &MPTCP,
        34 => &TFO,
        172 | 174 => &ACC_ECN,
        253 | 254 => &EXPERIMENTAL,
        _ => &UNKNOWN,
    };
    let whole = o.range(0, o.len);
    let index =
        cx.d.open(item, whole.start..whole.end.min(o.end), Value::None);
    let result = option_body(cx, o, seg, index);
    cx.d.close();
    result
}

/// Whether the option has the one length its kind allows; if not, Wireshark shows only its
/// kind and length.
fn fixed_len(o: &Option_, expected: usize) -> bool {
    o.len == expected
}

fn option_body(cx: &mut Ctx<'_>, o: &Option_, seg: &Segment, index: usize) -> Result<(), Stop> {
    let bytes = cx.bytes;
    let name = option_name(o.kind);
    cx.d.add(&KIND, o.range(0, 1), Value::UInt(o.kind as u64));
    cx.d.add(&LEN, o.range(1, 1), Value::UInt(o.len as u64));
    let columns = seg.columns;
    match o.kind {
        2 => {
            if !fixed_len(o, 4) {
                return title(cx, index, name);
            }
            let mss = be16(bytes, o.need(2, 2)?.start).unwrap_or(0);
            cx.d.add(&MSS_VAL, o.range(2, 2), Value::UInt(mss as u64));
            cx.d.set_title(index, format_args!("TCP Option - {name}: {mss} bytes"));
            if columns {
                super::push_tagged(&mut cx.d.info, " MSS=", mss as u64);
            }
        }
        3 => {
            if !fixed_len(o, 3) {
                return title(cx, index, name);
            }
            let shift = bytes[o.need(2, 1)?.start];
            // RFC 7323 §2.3: a shift above 14 is taken as 14.
            let used = shift.min(14);
            let multiplier = 1u32 << used;
            cx.d.add(&WSCALE_SHIFT, o.range(2, 1), Value::UInt(shift as u64));
            cx.d.add_generated(&WSCALE_MULTIPLIER, Value::UInt(multiplier as u64));
            cx.d.set_title(
                index,
                format_args!("TCP Option - {name}: {shift} (multiply by {multiplier})"),
            );
            if columns {
                super::push_tagged(&mut cx.d.info, " WS=", multiplier as u64);
            }
            cx.conversations
                .tcp_window_scale_option(seg.conversation, used);
        }
        4 => {
            title(cx, index, name)?;
            if columns {
                cx.d.info.push_str(" SACK_PERM");
            }
        }
        5 => return sack(cx, o, seg, index),
        6 | 7 => {
            if !fixed_len(o, 6) {
                return title(cx, index, name);
            }
            let value = be32(bytes, o.need(2, 4)?.start).unwrap_or(0);
            cx.d.add(&ECHO_VALUE, o.range(2, 4), Value::UInt(value as u64));
            cx.d.set_title(index, format_args!("TCP Option - {name}: {value}"));
            if columns {
                super::push_tagged(&mut cx.d.info, " ECHO=", value as u64);
            }
        }
        8 => {
            if !fixed_len(o, 10) {
                return title(cx, index, name);
            }
            let tsval = be32(bytes, o.need(2, 4)?.start).unwrap_or(0);
            let tsecr = be32(bytes, o.need(6, 4)?.start).unwrap_or(0);
            cx.d.add(&TSVAL, o.range(2, 4), Value::UInt(tsval as u64));
            cx.d.add(&TSECR, o.range(6, 4), Value::UInt(tsecr as u64));
            cx.d.set_title(
                index,
                format_args!("TCP Option - {name}: TSval {tsval}, TSecr {tsecr}"),
            );
            if columns {
                super::push_tagged(&mut cx.d.info, " TSval=", tsval as u64);
                super::push_tagged(&mut cx.d.info, " TSecr=", tsecr as u64);
            }
        }
        19 => {
            if !fixed_len(o, 18) {
                return title(cx, index, name);
            }
            cx.d.add(&MD5_DIGEST, o.need(2, 16)?, Value::Bytes);
            title(cx, index, name)?;
            if columns {
                cx.d.info.push_str(" MD5");
            }
        }
        28 => {
            if !fixed_len(o, 4) {
                return title(cx, index, name);
            }
            let value = be16(bytes, o.need(2, 2)?.start).unwrap_or(0);
            cx.d.add(
                &USER_TO_GRANULARITY,
                o.range(2, 2),
                Value::Bool(value & 0x8000 != 0),
            );
            cx.d.add(
                &USER_TO_VAL,
                o.range(2, 2),
                Value::UInt((value & 0x7fff) as u64),
            );
            if columns {
                super::push_tagged(&mut cx.d.info, " USER_TO=", (value & 0x7fff) as u64);
            }
            let unit = if value & 0x8000 != 0 { "min" } else { "sec" };
            cx.d.set_title(
                index,
                format_args!("TCP Option - {name}: {} {unit}", value & 0x7fff),
            );
        }
        30 => {
            // Multipath TCP (RFC 8684): only the subtype is shown; the column names the
            // protocol, as Wireshark's does.
            if columns {
                cx.d.protocol = "MPTCP";
            }
            let subtype_at = o.need(2, 1)?.start;
            let subtype = bytes[subtype_at] >> 4;
            cx.d.add(&MPTCP_SUBTYPE, o.range(2, 1), Value::UInt(subtype as u64));
            let subtype_name =
                crate::field::name_in(MPTCP_SUBTYPES, subtype as u64).unwrap_or("Unknown");
            cx.d.set_title(
                index,
                format_args!("Multipath Transmission Control Protocol: {subtype_name}"),
            );
            if o.len > 3 {
                cx.d.add(&UNKNOWN_PAYLOAD, o.rest(3)?, Value::Bytes);
            }
        }
        34 => {
            title(cx, index, name)?;
            fast_open(cx, o, 2, seg)?;
        }
        172 | 174 => return accurate_ecn(cx, o, seg, index, o.kind == 174, 2, "TCP Option - "),
        253 | 254 => {
            // RFC 6994 §3: a 16-bit experiment identifier, then the experiment's data.
            if o.len < 4 {
                return title(cx, index, name);
            }
            let exid_range = o.need(2, 2)?;
            let exid = be16(bytes, exid_range.start).unwrap_or(0);
            cx.d.add(&EXP_EXID, exid_range, Value::UInt(exid as u64));
            match exid {
                EXID_FAST_OPEN => {
                    cx.d.set_title(index, format_args!("TCP Option - {name}: Fast Open"));
                    fast_open(cx, o, 4, seg)?;
                }
                0xacc0 => {
                    let prefix = "TCP Option - Experimental: Accurate ECN - Order 0: ";
                    return accurate_ecn(cx, o, seg, index, false, 4, prefix);
                }
                0xacc1 => {
                    let prefix = "TCP Option - Experimental: Accurate ECN - Order 1: ";
                    return accurate_ecn(cx, o, seg, index, true, 4, prefix);
                }
                _ => {
                    cx.d.set_title(index, format_args!("TCP Option - {name}: Unknown"));
                    if o.len > 4 {
                        cx.d.add(&EXP_DATA, o.rest(4)?, Value::Bytes);
                    }
                    if seg.columns {
                        let _ = write!(cx.d.info, " ExID={exid:x}");
                    }
                }
            }
        }
        29 => {
            // The TCP Authentication Option (RFC 5925 §2.2): key identifiers and the MAC.
            title(cx, index, name)?;
            if o.len >= 4 {
                let keys = o.need(2, 2)?;
                cx.d.add(
                    &AO_KEYID,
                    keys.start..keys.start + 1,
                    Value::UInt(bytes[keys.start] as u64),
                );
                cx.d.add(
                    &AO_RNEXTKEYID,
                    keys.start + 1..keys.end,
                    Value::UInt(bytes[keys.start + 1] as u64),
                );
                if o.len > 4 {
                    cx.d.add(&AO_MAC, o.rest(4)?, Value::Bytes);
                }
            }
            if seg.columns {
                // Wireshark appends this without a space.
                cx.d.info.push_str("TCP AO");
            }
        }
        _ => {
            title(cx, index, name)?;
            if o.len > 2 {
                cx.d.add(&UNKNOWN_PAYLOAD, o.rest(2)?, Value::Bytes);
            }
        }
    }
    Ok(())
}

fn title(cx: &mut Ctx<'_>, index: usize, name: &str) -> Result<(), Stop> {
    cx.d.set_title(index, format_args!("TCP Option - {name}"));
    Ok(())
}

/// A Fast Open cookie or cookie request, starting `offset` bytes into the option (RFC 7413
/// §4.1.1): two bytes of kind and length (four for the experimental form) mean a request.
fn fast_open(cx: &mut Ctx<'_>, o: &Option_, offset: usize, seg: &Segment) -> Result<(), Stop> {
    if o.len == offset {
        cx.d.add(&TFO_REQUEST, o.rest(0)?, Value::None);
        if seg.columns {
            cx.d.info.push_str(" TFO=R");
        }
    } else if o.len > offset {
        cx.d.add(&TFO_COOKIE, o.rest(offset)?, Value::Bytes);
        if seg.columns {
            cx.d.info.push_str(" TFO=C");
        }
    }
    Ok(())
}

/// Selective acknowledgment blocks (RFC 2018 §3), relative to the receiver's base sequence
/// number like `tcp.ack`, and Wireshark's D-SACK reading of the first block (RFC 2883 §4).
fn sack(cx: &mut Ctx<'_>, o: &Option_, seg: &Segment, index: usize) -> Result<(), Stop> {
    let bytes = cx.bytes;
    let base = cx.conversations.sack_base(seg.conversation);
    let mut blocks = 0u32;
    let mut first: Option<(u32, u32)> = None;
    let mut second: Option<(u32, u32)> = None;
    let mut offset = 2;
    // Up to 4 blocks fit in 40 bytes of options; the title lists them.
    let mut edges = [(0u32, 0u32); 5];
    let mut shown = 0;
    while offset < o.len {
        let remaining = o.len - offset;
        if remaining < 4 {
            note(
                cx,
                o.range(offset, remaining),
                format_args!("suboption would go past end of option"),
            );
            break;
        }
        let left = be32(bytes, o.need(offset, 4)?.start)
            .unwrap_or(0)
            .wrapping_sub(base);
        cx.d.add(&SACK_LE, o.range(offset, 4), Value::UInt(left as u64));
        if remaining < 8 {
            note(
                cx,
                o.range(offset + 4, remaining - 4),
                format_args!("suboption would go past end of option"),
            );
            break;
        }
        let right = be32(bytes, o.need(offset + 4, 4)?.start)
            .unwrap_or(0)
            .wrapping_sub(base);
        cx.d.add(&SACK_RE, o.range(offset + 4, 4), Value::UInt(right as u64));
        if seg.columns {
            super::push_tagged(&mut cx.d.info, " SLE=", left as u64);
            super::push_tagged(&mut cx.d.info, " SRE=", right as u64);
        }
        match blocks {
            0 => first = Some((left, right)),
            1 => second = Some((left, right)),
            _ => {}
        }
        if let Some(slot) = edges.get_mut(shown) {
            *slot = (left, right);
            shown += 1;
        }
        blocks += 1;
        offset += 8;
    }
    cx.d.add_generated(&SACK_COUNT, Value::UInt(blocks as u64));
    cx.d.set_title(
        index,
        format_args!("TCP Option - SACK{}", SackEdges(&edges[..shown])),
    );
    // D-SACK (RFC 2883 §4): the first block is at or below the acknowledgment number, or lies
    // within the second block. With no block at all, Wireshark compares against zero and then
    // reads the block that is not there: its dissection stops there.
    let first_right = first.map_or(0, |(_, right)| right);
    let dsack = le_seq(first_right, seg.shown_ack)
        || second
            .is_some_and(|(left, right)| lt_seq(left, first_right) && ge_seq(right, first_right));
    if dsack {
        let left = be32(bytes, o.need(2, 4)?.start)
            .unwrap_or(0)
            .wrapping_sub(base);
        cx.d.add_generated(&DSACK_LE, Value::UInt(left as u64));
        let right = be32(bytes, o.need(6, 4)?.start)
            .unwrap_or(0)
            .wrapping_sub(base);
        cx.d.add_generated(&DSACK_RE, Value::UInt(right as u64));
    }
    Ok(())
}

struct SackEdges<'a>(&'a [(u32, u32)]);

impl fmt::Display for SackEdges<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (left, right) in self.0 {
            write!(f, " {left}-{right}")?;
        }
        Ok(())
    }
}

/// Sequence-number comparisons modulo 2^32 (RFC 9293 §3.4).
fn le_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

fn lt_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn ge_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) >= 0
}

/// The Accurate ECN option (RFC 9768 §3.2.3): up to three 24-bit byte counters after `at`
/// bytes of kind, length (and experiment identifier), in the order its kind names (order 0:
/// ECT(0), CE, ECT(1); order 1: ECT(1), CE, ECT(0)). A body that is not a whole number of
/// counters is not decoded, as in Wireshark. Any segment carrying the option makes later
/// segments' ECN flags read as the ACE counter. `prefix` begins the title.
fn accurate_ecn(
    cx: &mut Ctx<'_>,
    o: &Option_,
    seg: &Segment,
    index: usize,
    order_one: bool,
    at: usize,
    prefix: &str,
) -> Result<(), Stop> {
    let bytes = cx.bytes;
    let order: [(&'static FieldDef, &str); 3] = if order_one {
        [
            (&ACC_ECN_EE1B, "EE1B"),
            (&ACC_ECN_ECEB, "ECEB"),
            (&ACC_ECN_EE0B, "EE0B"),
        ]
    } else {
        [
            (&ACC_ECN_EE0B, "EE0B"),
            (&ACC_ECN_ECEB, "ECEB"),
            (&ACC_ECN_EE1B, "EE1B"),
        ]
    };
    let body = o.len.saturating_sub(at);
    let decodable = body.is_multiple_of(3) && body <= 9;
    if decodable {
        // Only an option Wireshark decodes counts as evidence of Accurate ECN.
        cx.conversations.tcp_accecn_option(seg.conversation);
    }
    if body == 0 {
        cx.d.set_title(index, format_args!("{prefix}Accurate ECN"));
        if seg.columns {
            cx.d.info.push_str(" AccECN");
        }
        return Ok(());
    }
    if !decodable {
        cx.d.set_title(index, format_args!("{prefix}Accurate ECN"));
        return Ok(());
    }
    let mut values = [0u32; 3];
    let count = body / 3;
    for (i, (def, tag)) in order.iter().enumerate().take(count) {
        let range = o.need(at + 3 * i, 3)?;
        let value = (bytes[range.start] as u32) << 16
            | (bytes[range.start + 1] as u32) << 8
            | bytes[range.start + 2] as u32;
        cx.d.add(def, range, Value::UInt(value as u64));
        if seg.columns {
            cx.d.info.push(' ');
            cx.d.info.push_str(tag);
            super::push_tagged(&mut cx.d.info, "=", value as u64);
        }
        values[i] = value;
    }
    let which = order_one as u8;
    cx.d.set_title(
        index,
        format_args!(
            "{prefix}Accurate ECN (Order {which}):{}",
            Counters(&order, &values[..count])
        ),
    );
    Ok(())
}

struct Counters<'a>(&'a [(&'static FieldDef, &'static str); 3], &'a [u32]);

impl fmt::Display for Counters<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.1.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{} {value}", self.0[i].1)?;
        }
        Ok(())
    }
}
