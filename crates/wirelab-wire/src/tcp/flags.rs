//! The control bits (RFC 9293 §3.1, RFC 3168 §6.1, RFC 9768 §3): their names in the Info
//! column, their letters (`tcp.flags.str`), their tree, and the experts a SYN, a FIN or a RST
//! raise.

use super::fields::*;
use super::{ACK, AE, CWR, ECE, FIN, PSH, RESERVED, RST, SYN, URG};
use crate::dissector::Ctx;
use crate::expert::{Group, Severity};
use crate::field::Value;
use std::fmt::{self, Write};
use std::ops::Range;

/// The flags as Wireshark names them in its Info column and tree: `SYN, ACK`; after an
/// Accurate ECN handshake, AE, CWR and ECE are shown as the counter `ACE=n` instead.
pub(super) struct FlagNames(pub(super) u16, pub(super) bool);

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

pub(super) fn flags_tree(cx: &mut Ctx<'_>, range: Range<usize>, flags: u16, ace: bool) {
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
pub(super) fn connection_experts(cx: &mut Ctx<'_>, flags: u16, sport: u16, dport: u16) {
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
