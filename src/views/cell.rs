//! A field's value as one cell of `-T fields` or one string of `-T json`: tshark's formatting
//! (wirelab_wire::format::write_field_value), plus what tshark prints for items that have no
//! value of their own.

use std::fmt::{self, Write};
use wirelab_wire::format;
use wirelab_wire::{Dissection, FieldDef, FieldType, Item, Value};

/// Whether `item` is an occurrence of the field `def`. The same name declared twice (by two
/// modules) still counts; comparing the pointers first keeps the common case cheap.
#[inline]
pub fn is_field(item: &Item, def: &FieldDef) -> bool {
    std::ptr::eq(item.def, def) || item.def.name == def.name
}

/// Write `item` as tshark -T fields does:
/// - a protocol (`-e tcp`): its tree title (`Transmission Control Protocol, Src Port: …`), or
///   its name when it has none;
/// - a field with no value of its own (`tcp.options.mss`): its bytes in hex;
/// - text: with tab, newline and carriage return escaped, so a cell stays on its line;
/// - anything else: `format::write_field_value`.
pub fn write_field_cell(
    out: &mut impl Write,
    item: &Item,
    d: &Dissection,
    frame: &[u8],
) -> fmt::Result {
    if item.def.ftype == FieldType::Protocol {
        return out.write_str(d.title(item).unwrap_or(item.def.name));
    }
    match item.value {
        Value::None => write_hex(out, frame.get(item.range()).unwrap_or(&[]), false),
        Value::Text { start, end } => write_escaped(out, d.text((start, end))),
        Value::Static(text) => write_escaped(out, text),
        _ => format::write_field_value(out, item, d, frame),
    }
}

/// Write `item` as a tshark -T json string (before JSON escaping): byte strings and fields with
/// no value of their own as colon-separated hex (`02:04:05:b4`), the rest as in -T fields.
pub fn write_json_cell(
    out: &mut impl Write,
    item: &Item,
    d: &Dissection,
    frame: &[u8],
) -> fmt::Result {
    match item.value {
        Value::None | Value::Bytes if item.def.ftype != FieldType::Protocol => {
            write_hex(out, frame.get(item.range()).unwrap_or(&[]), true)
        }
        Value::Text { start, end } => out.write_str(d.text((start, end))),
        Value::Static(text) => out.write_str(text),
        _ => write_field_cell(out, item, d, frame),
    }
}

fn write_hex(out: &mut impl Write, bytes: &[u8], colons: bool) -> fmt::Result {
    for (i, b) in bytes.iter().enumerate() {
        if colons && i > 0 {
            out.write_char(':')?;
        }
        write!(out, "{b:02x}")?;
    }
    Ok(())
}

fn write_escaped(out: &mut impl Write, text: &str) -> fmt::Result {
    for c in text.chars() {
        match c {
            '\t' => out.write_str("\\t")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            _ => out.write_char(c)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wirelab_wire::field;

    field!(
        OPTION,
        "test.option",
        "Option",
        None,
        "a field with no value of its own"
    );
    field!(NAME, "test.name", "Name", Str, "some text");

    #[test]
    fn a_field_without_a_value_prints_its_bytes_in_hex() {
        let frame = [0x02, 0x04, 0x05, 0xb4];
        let mut d = Dissection::new();
        d.add(&OPTION, 0..4, Value::None);
        let mut cell = String::new();
        write_field_cell(&mut cell, &d.items[0], &d, &frame).unwrap();
        assert_eq!(cell, "020405b4");
        cell.clear();
        write_json_cell(&mut cell, &d.items[0], &d, &frame).unwrap();
        assert_eq!(cell, "02:04:05:b4");
    }

    #[test]
    fn text_with_a_tab_stays_in_its_cell() {
        let mut d = Dissection::new();
        let value = d.text_value(format_args!("a\tb"));
        d.add(&NAME, 0..0, value);
        let mut cell = String::new();
        write_field_cell(&mut cell, &d.items[0], &d, &[]).unwrap();
        assert_eq!(cell, "a\\tb");
    }
}
