//! IPv4 options (RFC 791 §3.1 and the RFCs that added options since).
//!
//! Options fill the header between byte 20 and the header length. Two are a single byte: End
//! of Option List (0) and No Operation (1). Every other option is type, length, data:
//!
//! ```text
//! +--------+--------+--------...
//! |  type  | length |  data (length - 2 bytes)
//! +--------+--------+--------...
//!  copy (1 bit) | class (2 bits) | number (5 bits)
//! ```
//!
//! The type byte itself has structure: the copy bit says whether routers copy the option into
//! every fragment, the class is control (0) or debugging and measurement (2).

use crate::dissector::Ctx;
use crate::field::{FieldDef, Value};
use crate::link::{be16, be32, ipv4_at};
use std::fmt;
use std::ops::Range;

mod fields;
pub use fields::*;

/// What wirelab knows about an option type: its protocol item, its short name (for the list in
/// the Options line), and the lengths it may have.
struct Kind {
    def: &'static FieldDef,
    name: &'static str,
    /// `Some(n)`: the option is always `n` bytes long.
    fixed: Option<usize>,
    /// The shortest valid length.
    min: usize,
}

fn kind(option_type: u8) -> Option<Kind> {
    let (def, name, fixed, min) = match option_type {
        0 => (&EOL, "End of Options List (EOL)", Some(1), 1),
        1 => (&NOP, "No-Operation (NOP)", Some(1), 1),
        7 => (&RR, "Record Route", None, 3),
        11 => (&MTU_PROBE, "MTU Probe", Some(4), 4),
        12 => (&MTU_REPLY, "MTU Reply", Some(4), 4),
        25 => (&QUICK_START, "Quick-Start", Some(8), 8),
        68 => (&TIMESTAMP, "Time Stamp", None, 4),
        82 => (&TRACEROUTE, "Traceroute", Some(12), 12),
        130 => (&SECURITY, "Security", None, 3),
        131 => (&LSRR, "Loose Source Route", None, 3),
        133 => (&EXT_SECURITY, "Extended Security", None, 3),
        134 => (&CIPSO, "Commercial Security", None, 6),
        136 => (&STREAM_ID, "Stream ID", Some(4), 4),
        137 => (&SSRR, "Strict Source Route", None, 3),
        148 => (&ROUTER_ALERT, "Router Alert", Some(4), 4),
        149 => (&SDB, "Selective Directed Broadcast", None, 2),
        _ => return None,
    };
    Some(Kind {
        def,
        name,
        fixed,
        min,
    })
}

/// What a search of the options for a source route found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SourceRoute {
    /// No (valid) loose or strict source route option.
    None,
    /// A source route whose last address, at this frame offset, is the final destination.
    Destination(usize),
    /// The captured bytes ended before the search could finish.
    Cut,
}

/// Look for a loose or strict source route option the way Wireshark does before it shows the
/// destination address: walk the options while their lengths make sense; a source route
/// counts if its pointer is a multiple of 4 between 4 and the option length. Its last four
/// bytes are then the datagram's final destination (RFC 791 §3.1).
pub(super) fn source_route(bytes: &[u8], options: Range<usize>) -> SourceRoute {
    let mut at = options.start;
    while at < options.end {
        let Some(&option_type) = bytes.get(at) else {
            return SourceRoute::Cut;
        };
        if option_type <= 1 {
            if option_type == 0 {
                return SourceRoute::None;
            }
            at += 1;
            continue;
        }
        if at + 1 >= options.end {
            return SourceRoute::None;
        }
        let Some(&len) = bytes.get(at + 1) else {
            return SourceRoute::Cut;
        };
        let len = len as usize;
        let (fixed, min) = kind(option_type).map_or((None, 2), |k| (k.fixed, k.min));
        if len < 2 || at + len > options.end || fixed.is_some_and(|f| f != len) || len < min {
            return SourceRoute::None;
        }
        if matches!(option_type, 131 | 137) {
            let Some(&pointer) = bytes.get(at + 2) else {
                return SourceRoute::Cut;
            };
            let pointer = pointer as usize;
            if pointer < 4 || pointer & 3 != 0 || pointer > len {
                return SourceRoute::None;
            }
            let last = at + len - 4;
            return if last + 4 <= bytes.len() {
                SourceRoute::Destination(last)
            } else {
                SourceRoute::Cut
            };
        }
        at += len;
    }
    SourceRoute::None
}

/// The names of the options present, for the `Options: (12 bytes), Record Route` line.
struct Summary {
    bytes: usize,
    names: [&'static str; 20],
    count: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Options: ({} bytes)", self.bytes)?;
        self.names[..self.count]
            .iter()
            .try_for_each(|name| write!(f, ", {name}"))
    }
}

/// Dissect the options in `range` (the header from byte 20 to its header length, all captured).
pub(super) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>, destination: Option<usize>) {
    let bytes = cx.bytes;
    let list = cx.d.open(&OPTIONS, range.clone(), Value::None);
    let mut summary = Summary {
        bytes: range.len(),
        names: [""; 20],
        count: 0,
    };
    let mut at = range.start;
    while at < range.end {
        let option_type = bytes[at];
        let known = kind(option_type);
        let name = known.as_ref().map_or("Unknown", |k| k.name);
        if option_type <= 1 {
            let index = cx.d.open(
                known.as_ref().map_or(&UNKNOWN, |k| k.def),
                at..at + 1,
                Value::None,
            );
            cx.d.set_title(index, format_args!("IP Option - {name}"));
            add_type(cx, at, option_type);
            cx.d.close();
            at += 1;
            if option_type == 0 {
                // End of the list: whatever follows up to the header length is padding.
                break;
            }
            continue;
        }
        let Some(&len) = bytes.get(at + 1).filter(|_| at + 1 < range.end) else {
            note(
                cx,
                &LEN_INVALID,
                at..range.end,
                format_args!("{name} (length byte past end of options)"),
            );
            break;
        };
        let len = len as usize;
        if len < 2 {
            let plural = if len == 1 { "" } else { "s" };
            note(
                cx,
                &LEN_INVALID,
                at..at + 2,
                format_args!("{name} (with too-short option length = {len} byte{plural})"),
            );
            break;
        }
        if at + len > range.end {
            note(
                cx,
                &LEN_INVALID,
                at..range.end,
                format_args!(
                    "{name} (option length = {len} bytes says option goes past end of options)"
                ),
            );
            break;
        }
        let option = at..at + len;
        let Some(known) = known else {
            let index = cx.d.add(&UNKNOWN, option.clone(), Value::Bytes);
            cx.d.set_title(
                index,
                format_args!("Unknown (0x{option_type:02x}) ({len} bytes)"),
            );
            at += len;
            continue;
        };
        let index = cx.d.open(known.def, option.clone(), Value::None);
        cx.d.set_title(
            index,
            format_args!("IP Option - {} ({len} bytes)", known.name),
        );
        add_type(cx, at, option_type);
        cx.d.add(&LEN, at + 1..at + 2, Value::UInt(len as u64));
        if summary.count < summary.names.len() {
            summary.names[summary.count] = known.name;
            summary.count += 1;
        }
        let expected = match known.fixed {
            Some(fixed) if fixed != len => Some(fixed),
            None if len < known.min => Some(known.min),
            _ => None,
        };
        if let Some(expected) = expected {
            // The length cannot be right for this option: its data cannot be read, and the
            // options after it cannot be trusted.
            note(
                cx,
                &LEN_INVALID,
                at + 1..at + 2,
                format_args!(
                    "{} (with option length = {len} bytes; should be {expected})",
                    known.name
                ),
            );
            cx.d.close();
            cx.d.set_malformed(
                "ip",
                at + 1,
                format!(
                    "expected a {} option length of {expected} bytes, found {len}",
                    known.name
                ),
            );
            break;
        }
        dissect_body(cx, option_type, option.clone(), index, destination);
        cx.d.close();
        at += len;
    }
    cx.d.set_title(list, format_args!("{summary}"));
    cx.d.close();
}

/// The type byte, with its three parts as a subtree.
fn add_type(cx: &mut Ctx<'_>, at: usize, option_type: u8) {
    cx.d.open(&TYPE, at..at + 1, Value::UInt(option_type as u64));
    cx.d.add(&TYPE_COPY, at..at + 1, Value::Bool(option_type & 0x80 != 0));
    cx.d.add(
        &TYPE_CLASS,
        at..at + 1,
        Value::UInt(((option_type >> 5) & 0x3) as u64),
    );
    cx.d.add(
        &TYPE_NUMBER,
        at..at + 1,
        Value::UInt((option_type & 0x1f) as u64),
    );
    cx.d.close();
}

/// A line of text explaining a problem, under a field of Wireshark's expert-info kind.
fn note(cx: &mut Ctx<'_>, def: &'static FieldDef, range: Range<usize>, text: fmt::Arguments<'_>) {
    let index = cx.d.add(def, range, Value::None);
    cx.d.set_title(index, text);
}

/// The option's data, by type; `option` spans type and length bytes too.
fn dissect_body(
    cx: &mut Ctx<'_>,
    option_type: u8,
    option: Range<usize>,
    index: usize,
    destination: Option<usize>,
) {
    let bytes = cx.bytes;
    let at = option.start;
    let u16_at = |offset: usize| be16(bytes, at + offset).unwrap_or(0) as u64;
    match option_type {
        7 | 131 | 137 => dissect_route(cx, option_type, option, destination),
        68 => dissect_timestamp(cx, option),
        136 => {
            cx.d.add(&SID, at + 2..at + 4, Value::UInt(u16_at(2)));
        }
        11 | 12 => {
            cx.d.add(&MTU, at + 2..at + 4, Value::UInt(u16_at(2)));
        }
        82 => {
            cx.d.add(&ID_NUMBER, at + 2..at + 4, Value::UInt(u16_at(2)));
            cx.d.add(&OHC, at + 4..at + 6, Value::UInt(u16_at(4)));
            cx.d.add(&RHC, at + 6..at + 8, Value::UInt(u16_at(6)));
            if let Some(addr) = ipv4_at(bytes, at + 8) {
                cx.d.add(&ORIGINATOR, at + 8..at + 12, Value::Ipv4(addr));
            }
        }
        148 => {
            let value = u16_at(2);
            cx.d.add(&RA, at + 2..at + 4, Value::UInt(value));
            let meaning = if value == 0 {
                "Router shall examine packet"
            } else {
                "Reserved"
            };
            cx.d.set_title(
                index,
                format_args!("IP Option - Router Alert (4 bytes): {meaning} ({value})"),
            );
        }
        25 => {
            let function = bytes[at + 2] >> 4;
            cx.d.add(&QS_FUNC, at + 2..at + 3, Value::UInt(function as u64));
            cx.d.add(
                &QS_RATE,
                at + 2..at + 3,
                Value::UInt((bytes[at + 2] & 0x0f) as u64),
            );
            let ttl_def = if function == 0 { &QS_TTL } else { &QS_UNUSED };
            cx.d.add(ttl_def, at + 3..at + 4, Value::UInt(bytes[at + 3] as u64));
            let word = be32(bytes, at + 4).unwrap_or(0);
            cx.d.add(&QS_NONCE, at + 4..at + 8, Value::UInt((word >> 2) as u64));
            cx.d.add(
                &QS_RESERVED,
                at + 4..at + 8,
                Value::UInt((word & 0x3) as u64),
            );
        }
        130 if option.len() == 11 => {
            // The RFC 791 form: security level, compartments, handling restrictions, TCC.
            cx.d.add(&SEC_RFC791_SEC, at + 2..at + 4, Value::UInt(u16_at(2)));
            cx.d.add(&SEC_RFC791_COMP, at + 4..at + 6, Value::UInt(u16_at(4)));
            cx.d.add(&SEC_RFC791_HR, at + 6..at + 8, Value::Bytes);
            cx.d.add(&SEC_RFC791_TCC, at + 8..at + 11, Value::Bytes);
        }
        130 => {
            // The RFC 1108 form: a classification level and protection authority flags.
            cx.d.add(&SEC_CL, at + 2..at + 3, Value::UInt(bytes[at + 2] as u64));
            if option.len() > 3 {
                cx.d.add(
                    &SEC_PROT_AUTH_FLAGS,
                    at + 3..at + 4,
                    Value::UInt(bytes[at + 3] as u64),
                );
            }
        }
        133 => {
            cx.d.add(
                &EXT_SEC_FORMAT_CODE,
                at + 2..at + 3,
                Value::UInt(bytes[at + 2] as u64),
            );
            if option.len() > 3 {
                cx.d.add(&EXT_SEC_INFO, at + 3..option.end, Value::Bytes);
            }
        }
        134 => {
            cx.d.add(
                &CIPSO_DOI,
                at + 2..at + 6,
                Value::UInt(be32(bytes, at + 2).unwrap_or(0) as u64),
            );
            if option.len() > 6 {
                cx.d.add(&CIPSO_TAG_DATA, at + 6..option.end, Value::Bytes);
            }
        }
        149 => {
            let mut slot = at + 2;
            while slot + 4 <= option.end {
                if let Some(addr) = ipv4_at(bytes, slot) {
                    cx.d.add(&ADDR, slot..slot + 4, Value::Ipv4(addr));
                }
                slot += 4;
            }
        }
        _ => {}
    }
}

/// Record Route and the two source routes: a pointer, then 4-byte address slots. Slots before
/// the pointer have been used; the pointer names the next one. `destination` is the offset of
/// the source route's final destination, when the search before the header's destination
/// address accepted this option.
fn dissect_route(
    cx: &mut Ctx<'_>,
    option_type: u8,
    option: Range<usize>,
    destination: Option<usize>,
) {
    let bytes = cx.bytes;
    let at = option.start;
    let pointer = bytes[at + 2] as usize;
    cx.d.add(&PTR, at + 2..at + 3, Value::UInt(pointer as u64));
    // The pointer counts from 1 at the type byte; the first address slot is at 4, and each
    // slot is 4 bytes (RFC 791 §3.1). Any other pointer makes the list unreadable.
    if pointer < 4 {
        note(
            cx,
            &PTR_BEFORE_ADDRESS,
            at + 2..at + 3,
            format_args!("Pointer points before first address"),
        );
        return;
    }
    if pointer & 3 != 0 {
        note(
            cx,
            &PTR_MIDDLE_ADDRESS,
            at + 2..at + 3,
            format_args!("Pointer points to middle of address"),
        );
        return;
    }
    let destination = destination.filter(|&d| option.contains(&d));
    let mut offset = 3;
    while at + offset + 4 <= option.end {
        let range = at + offset..at + offset + 4;
        if destination.is_some_and(|d| range.end > d) {
            break;
        }
        let Some(addr) = ipv4_at(bytes, range.start) else {
            break;
        };
        let (def, host) = match (option_type, offset + 1 < pointer) {
            (_, true) => (&REC_RT, &REC_RT_HOST),
            (7, false) => (&EMPTY_RT, &EMPTY_RT_HOST),
            (_, false) => (&SRC_RT, &SRC_RT_HOST),
        };
        let index = cx.d.add(def, range.clone(), Value::Ipv4(addr));
        if offset + 1 == pointer {
            cx.d.set_title(index, format_args!("{}: {addr} <- (next)", def.label));
        }
        cx.d.add_hidden(host, range, Value::Ipv4(addr));
        offset += 4;
    }
    if let Some(d) = destination {
        // A source route's last address is the datagram's real destination.
        if let Some(addr) = ipv4_at(bytes, d) {
            let range = d..d + 4;
            cx.d.add(&super::DST, range.clone(), Value::Ipv4(addr));
            cx.d.add_hidden(&super::ADDR, range.clone(), Value::Ipv4(addr));
            cx.d.add_hidden(&super::DST_HOST, range.clone(), Value::Ipv4(addr));
            cx.d.add_hidden(&super::HOST, range, Value::Ipv4(addr));
        }
    }
}

/// The Internet Timestamp option: pointer, overflow and flag, then time stamps (with the
/// routers' addresses when the flag asks for them).
fn dissect_timestamp(cx: &mut Ctx<'_>, option: Range<usize>) {
    let bytes = cx.bytes;
    let at = option.start;
    cx.d.add(&PTR, at + 2..at + 3, Value::UInt(bytes[at + 2] as u64));
    let overflow_flag = bytes[at + 3];
    cx.d.add(
        &OVERFLOW,
        at + 3..at + 4,
        Value::UInt((overflow_flag >> 4) as u64),
    );
    let flag = overflow_flag & 0x0f;
    cx.d.add(&FLAG, at + 3..at + 4, Value::UInt(flag as u64));
    let with_address = matches!(flag, 1 | 3);
    let entry_len = if with_address { 8 } else { 4 };
    let mut entry = at + 4;
    while entry < option.end {
        if entry + entry_len > option.end {
            note(
                cx,
                &SUBOPT_TOO_LONG,
                entry..option.end,
                format_args!("Suboption would go past end of option"),
            );
            break;
        }
        let mut stamp_at = entry;
        if with_address {
            if let Some(addr) = ipv4_at(bytes, entry) {
                cx.d.add(&TIME_STAMP_ADDR, entry..entry + 4, Value::Ipv4(addr));
            }
            stamp_at += 4;
        }
        let stamp = be32(bytes, stamp_at).unwrap_or(0);
        cx.d.add(
            &TIME_STAMP,
            stamp_at..stamp_at + 4,
            Value::UInt(stamp as u64),
        );
        entry += entry_len;
    }
}
