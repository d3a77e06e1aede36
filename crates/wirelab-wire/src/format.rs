//! How values print: as tshark prints them in `-T fields`, and as the `-V` tree shows them.

use crate::dissection::{Dissection, Item};
use crate::field::{Base, FieldType, Value};
use std::fmt::{self, Write};

pub fn write_ether(out: &mut impl Write, mac: &[u8; 6]) -> fmt::Result {
    write!(
        out,
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]
    )
}

fn write_time(out: &mut impl Write, nanos: i128) -> fmt::Result {
    write!(out, "{}", crate::frame::Timestamp::from_nanos(nanos))
}

fn write_hex_bytes(out: &mut impl Write, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(out, "{b:02x}")?;
    }
    Ok(())
}

/// The width in hex digits of an integer field, as Wireshark pads `BASE_HEX` values.
fn hex_digits(item: &Item) -> usize {
    match item.def.ftype {
        FieldType::UInt { bits } | FieldType::Int { bits } => bits.div_ceil(4) as usize,
        _ => 1,
    }
}

/// Write an item's value the way `tshark -T fields` does: integers in their base without names,
/// hex zero-padded to the field's width (`0x0800`), booleans as `1`/`0`, times with nine
/// decimals, byte strings as plain hex.
pub fn write_field_value(
    out: &mut impl Write,
    item: &Item,
    d: &Dissection,
    frame: &[u8],
) -> fmt::Result {
    match item.value {
        Value::None => Ok(()),
        Value::Bool(b) => out.write_str(if b { "1" } else { "0" }),
        Value::UInt(v) => match item.def.base {
            Base::Hex | Base::HexDec => write!(out, "0x{:0width$x}", v, width = hex_digits(item)),
            _ => write!(out, "{v}"),
        },
        Value::Int(v) => write!(out, "{v}"),
        Value::Ipv4(a) => write!(out, "{a}"),
        Value::Ipv6(a) => write!(out, "{a}"),
        Value::Ether(mac) => write_ether(out, &mac),
        Value::Bytes => write_hex_bytes(out, frame.get(item.range()).unwrap_or(&[])),
        Value::Text { start, end } => out.write_str(d.text((start, end))),
        Value::Static(s) => out.write_str(s),
        Value::Double(x) => write!(out, "{x}"),
        Value::Time(nanos) => write_time(out, nanos),
    }
}

/// Write an item's value for the `-V` tree: code names with the number in parentheses
/// (`IPv4 (0x0800)`), flags as `Set`/`Not set`.
pub fn write_tree_value(
    out: &mut impl Write,
    item: &Item,
    d: &Dissection,
    frame: &[u8],
) -> fmt::Result {
    match item.value {
        Value::Bool(b) => out.write_str(if b { "Set" } else { "Not set" }),
        Value::UInt(v) => {
            let name = item.def.name_of(v);
            let width = hex_digits(item);
            match (name, item.def.base) {
                (Some(name), Base::Hex | Base::HexDec) => write!(out, "{name} (0x{v:0width$x})"),
                (Some(name), _) => write!(out, "{name} ({v})"),
                (None, Base::Hex) => write!(out, "0x{v:0width$x}"),
                (None, Base::HexDec) => write!(out, "0x{v:0width$x} ({v})"),
                (None, Base::DecHex) => write!(out, "{v} (0x{v:0width$x})"),
                (None, _) => write!(out, "{v}"),
            }
        }
        Value::Bytes => {
            let bytes = frame.get(item.range()).unwrap_or(&[]);
            for (i, b) in bytes.iter().enumerate() {
                if i > 0 {
                    out.write_char(':')?;
                }
                write!(out, "{b:02x}")?;
            }
            Ok(())
        }
        _ => write_field_value(out, item, d, frame),
    }
}
