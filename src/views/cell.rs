//! A field's value as one cell of `-T fields` or one string of `-T json`: tshark's formatting
//! (wirelab_wire::format::write_field_value), plus what tshark prints for items that have no
//! value of their own.

use std::fmt::{self, Write};
use wirelab_wire::format;
use wirelab_wire::{Base, Dissection, FieldDef, FieldType, Item, Value};

/// Which of the chosen fields (`-e` columns, a `--highlight`) an item is an occurrence of.
///
/// A frame has dozens of items and there may be many columns, so comparing every item with
/// every column by name would cost more than the dissection. Instead each field definition is
/// compared by name once, the first time an item of it is seen, and the answer (a list of
/// columns, often empty) is remembered in a small hash table keyed by the definition's address.
/// Matching by name rather than by definition keeps working if two modules declare the same
/// name.
pub struct FieldMatcher {
    names: Vec<&'static str>,
    /// Open addressing: a power-of-two number of slots, at most half full.
    slots: Vec<Slot>,
    used: usize,
    /// The column lists the slots point into.
    columns: Vec<u16>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    /// The definition's address; 0 for an empty slot.
    key: usize,
    start: u32,
    len: u32,
}

impl FieldMatcher {
    pub fn new(defs: &[&'static FieldDef]) -> FieldMatcher {
        FieldMatcher {
            names: defs.iter().map(|def| def.name).collect(),
            slots: vec![Slot::default(); 256],
            used: 0,
            columns: Vec::new(),
        }
    }

    /// The columns (indexes into the list given to `new`) that `def` fills.
    #[inline]
    pub fn columns(&mut self, def: &'static FieldDef) -> &[u16] {
        let key = def as *const FieldDef as usize;
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(key, mask);
        loop {
            let slot = self.slots[i];
            if slot.key == key {
                return &self.columns[slot.start as usize..(slot.start + slot.len) as usize];
            }
            if slot.key == 0 {
                break;
            }
            i = (i + 1) & mask;
        }
        self.insert(def);
        self.columns(def)
    }

    fn hash(key: usize, mask: usize) -> usize {
        ((key as u64 >> 3).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & mask
    }

    /// The first sight of `def`: find its columns by name and remember them.
    #[cold]
    fn insert(&mut self, def: &'static FieldDef) {
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let start = self.columns.len() as u32;
        for (column, name) in self.names.iter().enumerate() {
            if *name == def.name {
                self.columns.push(column as u16);
            }
        }
        let slot = Slot {
            key: def as *const FieldDef as usize,
            start,
            len: self.columns.len() as u32 - start,
        };
        self.place(slot);
        self.used += 1;
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(slot.key, mask);
        while self.slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    fn grow(&mut self) {
        let bigger = vec![Slot::default(); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        for slot in old.into_iter().filter(|slot| slot.key != 0) {
            self.place(slot);
        }
    }
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
    // A field that holds no value (FT_NONE: `tcp.analysis.retransmission`) prints 1, to
    // show it is present, as tshark does (epan/print.c).
    if item.def.ftype == FieldType::None {
        return out.write_char('1');
    }
    match item.value {
        // Byte strings print as plain hex, as format::write_field_value does, only faster.
        Value::None | Value::Bytes => write_hex(out, frame.get(item.range()).unwrap_or(&[]), false),
        Value::Text { start, end } => write_escaped(out, d.text((start, end))),
        Value::Static(text) => write_escaped(out, text),
        // The most common values of all, spelled out without the formatting machinery; the
        // output is the same as format::write_field_value's.
        Value::UInt(v) if matches!(item.def.base, Base::Dec | Base::DecHex | Base::None) => {
            write_decimal(out, v)
        }
        Value::Bool(b) => out.write_char(if b { '1' } else { '0' }),
        Value::Ipv4(address) => {
            for (i, octet) in address.octets().into_iter().enumerate() {
                if i > 0 {
                    out.write_char('.')?;
                }
                write_decimal(out, octet.into())?;
            }
            Ok(())
        }
        _ => format::write_field_value(out, item, d, frame),
    }
}

fn write_decimal(out: &mut impl Write, mut n: u64) -> fmt::Result {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.write_str(std::str::from_utf8(&digits[start..]).map_err(|_| fmt::Error)?)
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

/// Bytes as lowercase hex, optionally colon-separated. Payloads can be long, so each byte is
/// two table look-ups rather than a trip through the formatting machinery.
fn write_hex(out: &mut impl Write, bytes: &[u8], colons: bool) -> fmt::Result {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, &b) in bytes.iter().enumerate() {
        if colons && i > 0 {
            out.write_char(':')?;
        }
        out.write_char(char::from(DIGITS[usize::from(b >> 4)]))?;
        out.write_char(char::from(DIGITS[usize::from(b & 0x0f)]))?;
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

    field!(A, "test.a", "A", UInt 8, Dec, "a field");
    field!(A_AGAIN, "test.a", "A", UInt 8, Dec, "the same name declared a second time");
    field!(B, "test.b", "B", UInt 8, Dec, "another field");

    #[test]
    fn a_field_matches_every_column_of_its_name_even_if_declared_twice() {
        let mut matcher = FieldMatcher::new(&[&A, &B, &A]);
        assert_eq!(matcher.columns(&A), &[0, 2]);
        assert_eq!(matcher.columns(&A_AGAIN), &[0, 2]);
        assert_eq!(matcher.columns(&B), &[1]);
        assert_eq!(matcher.columns(&OPTION), &[] as &[u16]);
    }

    #[test]
    fn the_table_grows_past_its_first_size() {
        let mut matcher = FieldMatcher::new(&[&B]);
        for def in wirelab_wire::registry::all() {
            assert!(matcher.columns(def).is_empty() || def.name == "test.b");
        }
        assert_eq!(matcher.columns(&B), &[0]);
        assert!(matcher.used * 2 <= matcher.slots.len());
    }

    field!(
        OPTION,
        "test.option",
        "Option",
        None,
        "a field with no value of its own"
    );
    field!(NAME, "test.name", "Name", Str, "some text");

    #[test]
    fn a_field_without_a_value_prints_1_in_fields_and_its_bytes_in_json() {
        // tshark: `-T fields -e ipv6.opt` prints 1 (the field is present), `-T json` the bytes.
        let frame = [0x02, 0x04, 0x05, 0xb4];
        let mut d = Dissection::new();
        d.add(&OPTION, 0..4, Value::None);
        let mut cell = String::new();
        write_field_cell(&mut cell, &d.items[0], &d, &frame).unwrap();
        assert_eq!(cell, "1");
        cell.clear();
        write_json_cell(&mut cell, &d.items[0], &d, &frame).unwrap();
        assert_eq!(cell, "02:04:05:b4");
    }

    #[test]
    fn the_fast_paths_print_what_format_prints() {
        let mut d = Dissection::new();
        d.add(&A, 0..1, Value::UInt(0));
        d.add(&A, 0..1, Value::UInt(u64::MAX));
        d.add(&A, 0..1, Value::Bool(true));
        d.add(
            &A,
            0..1,
            Value::Ipv4(std::net::Ipv4Addr::new(10, 0, 255, 1)),
        );
        for item in &d.items {
            let (mut fast, mut reference) = (String::new(), String::new());
            write_field_cell(&mut fast, item, &d, &[0]).unwrap();
            format::write_field_value(&mut reference, item, &d, &[0]).unwrap();
            assert_eq!(fast, reference);
        }
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
