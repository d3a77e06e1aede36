//! `-T json`: JSON Lines, one object per frame, so that output streams and each line can be
//! read on its own (`jq`, a notebook).
//!
//! Each line holds what tshark's `-T json` shows under `_source.layers`: each protocol an object
//! of its fields, a field with children followed by `NAME_tree` holding them, every value a
//! string in tshark's formatting. A field that occurs more than once at the same place becomes
//! an array (tshark's `--no-duplicate-keys`), so the line is valid JSON with unique keys:
//!
//! ```text
//! {"frame":{"frame.number":"1",…},"eth":{…},"ip":{…,"ip.addr":["10.0.0.1","10.0.0.2"],…},"tcp":{…}}
//! ```
//!
//! With `-e`, each line is a flat object of the chosen fields, each an array of its values
//! (absent fields left out), as tshark -T json -e prints them.

use super::cell::{write_json_cell, FieldMatcher};
use super::Shown;
use std::fmt::Write as _;
use std::io::{self, Write};
use wirelab_wire::{Dissection, FieldDef, FieldType};

pub struct JsonView {
    /// The `-e` fields, if any.
    columns: Vec<&'static FieldDef>,
    matcher: FieldMatcher,
    /// Per `-e` column: the JSON array body (`"a","b"`) for the current frame.
    cells: Vec<String>,
    /// One value before escaping.
    scratch: String,
    /// `ends[i]`: one past the last descendant of item `i` in the current frame.
    ends: Vec<usize>,
    /// The items whose subtree is still open, while `ends` is computed.
    stack: Vec<usize>,
    /// Item indexes of the levels being written (see `write_members`).
    levels: Vec<usize>,
}

impl JsonView {
    pub fn new(columns: Vec<&'static FieldDef>) -> JsonView {
        let n = columns.len();
        JsonView {
            matcher: FieldMatcher::new(&columns),
            columns,
            cells: vec![String::new(); n],
            scratch: String::new(),
            ends: Vec::new(),
            stack: Vec::new(),
            levels: Vec::new(),
        }
    }

    pub fn frame(&mut self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        if self.columns.is_empty() {
            self.find_subtrees(shown.d);
            out.write_all(b"{")?;
            let mut first = true;
            self.write_members(out, shown, 0..shown.d.items.len(), &mut first)?;
            if let Some(malformed) = &shown.d.malformed {
                if !first {
                    out.write_all(b",")?;
                }
                out.write_all(b"\"_ws.malformed\":")?;
                self.scratch.clear();
                let _ = write!(self.scratch, "{malformed}");
                write_string(out, &self.scratch)?;
            }
            out.write_all(b"}\n")
        } else {
            self.write_flat(out, shown)
        }
    }

    /// Where each item's subtree ends, in one pass with a stack of open items.
    fn find_subtrees(&mut self, d: &Dissection) {
        let n = d.items.len();
        self.ends.clear();
        self.ends.resize(n, n);
        self.stack.clear();
        for (i, item) in d.items.iter().enumerate() {
            while let Some(&open) = self.stack.last() {
                if d.items[open].depth < item.depth {
                    break;
                }
                self.ends[open] = i;
                self.stack.pop();
            }
            self.stack.push(i);
        }
    }

    /// The members of the object made of the items in `range`, grouped by field name.
    ///
    /// `self.levels` is a stack of item indexes shared by every level of the recursion: this
    /// level pushes its direct children (each item, then skip its subtree), then for each name
    /// the group of children with that name, and truncates back to where it began when done.
    fn write_members(
        &mut self,
        out: &mut impl Write,
        shown: &Shown<'_>,
        range: std::ops::Range<usize>,
        first: &mut bool,
    ) -> io::Result<()> {
        let d = shown.d;
        let base = self.levels.len();
        let mut next = range.start;
        while next < range.end {
            self.levels.push(next);
            next = self.ends[next].max(next + 1);
        }
        let end = self.levels.len();
        for position in base..end {
            let def = d.items[self.levels[position]].def;
            let same = |j: usize| same_name(d.items[j].def, def);
            // Each name is written once, at its first occurrence, with all its occurrences.
            if self.levels[base..position].iter().any(|&j| same(j)) {
                continue;
            }
            for k in position..end {
                let j = self.levels[k];
                if same(j) {
                    self.levels.push(j);
                }
            }
            let group = end..self.levels.len();
            if !*first {
                out.write_all(b",")?;
            }
            *first = false;
            write_string(out, def.name)?;
            out.write_all(b":")?;
            if def.ftype == FieldType::Protocol {
                self.write_group(out, shown, group, Member::Object)?;
            } else {
                self.write_group(out, shown, group.clone(), Member::Value)?;
                let trees = self.levels.len();
                for k in group {
                    let j = self.levels[k];
                    if self.ends[j] > j + 1 {
                        self.levels.push(j);
                    }
                }
                if self.levels.len() > trees {
                    out.write_all(b",")?;
                    write_string_parts(out, def.name, "_tree")?;
                    out.write_all(b":")?;
                    self.write_group(out, shown, trees..self.levels.len(), Member::Object)?;
                }
            }
            self.levels.truncate(end);
        }
        self.levels.truncate(base);
        Ok(())
    }

    /// The items at `self.levels[group]`: one as itself, several as an array.
    fn write_group(
        &mut self,
        out: &mut impl Write,
        shown: &Shown<'_>,
        group: std::ops::Range<usize>,
        member: Member,
    ) -> io::Result<()> {
        let several = group.len() > 1;
        if several {
            out.write_all(b"[")?;
        }
        for k in group.clone() {
            if k > group.start {
                out.write_all(b",")?;
            }
            let j = self.levels[k];
            match member {
                Member::Object => self.write_object(out, shown, j)?,
                Member::Value => self.write_value(out, shown, j)?,
            }
        }
        if several {
            out.write_all(b"]")?;
        }
        Ok(())
    }

    /// The object of item `i`'s children.
    fn write_object(
        &mut self,
        out: &mut impl Write,
        shown: &Shown<'_>,
        i: usize,
    ) -> io::Result<()> {
        out.write_all(b"{")?;
        let mut first = true;
        let end = self.ends[i];
        self.write_members(out, shown, i + 1..end, &mut first)?;
        out.write_all(b"}")
    }

    fn write_value(&mut self, out: &mut impl Write, shown: &Shown<'_>, i: usize) -> io::Result<()> {
        self.scratch.clear();
        let _ = write_json_cell(
            &mut self.scratch,
            &shown.d.items[i],
            shown.d,
            shown.frame.bytes,
        );
        write_string(out, &self.scratch)
    }

    /// `-e`: `{"ip.src":["10.0.0.1"],"tcp.port":["54662","8080"]}`.
    fn write_flat(&mut self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        for cell in &mut self.cells {
            cell.clear();
        }
        let (d, bytes) = (shown.d, shown.frame.bytes);
        for item in &d.items {
            for &column in self.matcher.columns(item.def) {
                self.scratch.clear();
                let _ = write_json_cell(&mut self.scratch, item, d, bytes);
                let cell = &mut self.cells[column as usize];
                if !cell.is_empty() {
                    cell.push(',');
                }
                escape_into(cell, &self.scratch);
            }
        }
        out.write_all(b"{")?;
        let mut first = true;
        for (def, cell) in self.columns.iter().zip(&self.cells) {
            if cell.is_empty() {
                continue;
            }
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            write_string(out, def.name)?;
            out.write_all(b":[")?;
            out.write_all(cell.as_bytes())?;
            out.write_all(b"]")?;
        }
        out.write_all(b"}\n")
    }
}

/// What a group's items are written as.
#[derive(Clone, Copy)]
enum Member {
    /// The object of the item's children (a protocol, or a `NAME_tree`).
    Object,
    /// The item's value as a string.
    Value,
}

/// Whether two definitions name the same field (the same definition, or the same name declared
/// twice).
fn same_name(a: &FieldDef, b: &FieldDef) -> bool {
    std::ptr::eq(a, b) || a.name == b.name
}

/// A JSON string: quotes, and escapes for `"`, `\` and control characters (RFC 8259 §7).
pub fn write_string(out: &mut impl Write, text: &str) -> io::Result<()> {
    write_string_parts(out, text, "")
}

fn write_string_parts(out: &mut impl Write, text: &str, suffix: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    for part in [text, suffix] {
        let bytes = part.as_bytes();
        let mut plain = 0;
        for (i, &b) in bytes.iter().enumerate() {
            // Most strings need no escape at all: test the cheap case first.
            if b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f {
                continue;
            }
            if let Some(escape) = escape_of(b) {
                out.write_all(&bytes[plain..i])?;
                match escape {
                    Escape::Short(e) => out.write_all(e)?,
                    Escape::Unicode(b) => write!(out, "\\u{b:04x}")?,
                }
                plain = i + 1;
            }
        }
        out.write_all(&bytes[plain..])?;
    }
    out.write_all(b"\"")
}

/// The same escaping, into a String, quotes included.
fn escape_into(cell: &mut String, text: &str) {
    use std::fmt::Write as _;
    cell.push('"');
    for c in text.chars() {
        match u8::try_from(c).ok().and_then(escape_of) {
            Some(Escape::Short(e)) => cell.push_str(std::str::from_utf8(e).unwrap_or("")),
            Some(Escape::Unicode(b)) => {
                let _ = write!(cell, "\\u{b:04x}");
            }
            None => cell.push(c),
        }
    }
    cell.push('"');
}

enum Escape {
    Short(&'static [u8]),
    Unicode(u8),
}

fn escape_of(b: u8) -> Option<Escape> {
    Some(match b {
        b'"' => Escape::Short(b"\\\""),
        b'\\' => Escape::Short(b"\\\\"),
        b'\n' => Escape::Short(b"\\n"),
        b'\r' => Escape::Short(b"\\r"),
        b'\t' => Escape::Short(b"\\t"),
        0..=0x1f | 0x7f => Escape::Unicode(b),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        let mut out = Vec::new();
        write_string(&mut out, text).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn quotes_backslashes_and_control_characters_are_escaped() {
        assert_eq!(json("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
        let mut cell = String::new();
        escape_into(&mut cell, "a\"b\\c\nd\u{1}");
        assert_eq!(cell, json("a\"b\\c\nd\u{1}"));
    }

    #[test]
    fn text_beyond_ascii_passes_through() {
        assert_eq!(json("Window — §3.1"), "\"Window — §3.1\"");
    }
}
