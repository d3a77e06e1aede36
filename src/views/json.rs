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
    stack: Vec<usize>,
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
                write_string(out, &malformed.to_string())?;
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

    /// The direct children of a subtree spanning `range`: each item, then skip its own subtree.
    fn siblings(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let mut next = range.start;
        std::iter::from_fn(move || {
            if next >= range.end {
                return None;
            }
            let current = next;
            next = self.ends[current].max(current + 1);
            Some(current)
        })
    }

    /// The members of the object made of the items in `range`, grouped by field name.
    fn write_members(
        &mut self,
        out: &mut impl Write,
        shown: &Shown<'_>,
        range: std::ops::Range<usize>,
        first: &mut bool,
    ) -> io::Result<()> {
        let d = shown.d;
        let siblings: SmallIndexes = self.siblings(range.clone()).collect();
        for (position, &i) in siblings.iter().enumerate() {
            let name = d.items[i].def.name;
            // Each name is written once, at its first occurrence, with all its occurrences.
            if siblings.as_slice()[..position]
                .iter()
                .any(|&j| d.items[j].def.name == name)
            {
                continue;
            }
            let group: SmallIndexes = siblings.as_slice()[position..]
                .iter()
                .copied()
                .filter(|&j| d.items[j].def.name == name)
                .collect();
            if !*first {
                out.write_all(b",")?;
            }
            *first = false;
            write_string(out, name)?;
            out.write_all(b":")?;
            if d.items[i].def.ftype == FieldType::Protocol {
                self.write_group(out, &group, |view, out, j| view.write_object(out, shown, j))?;
                continue;
            }
            self.write_group(out, &group, |view, out, j| view.write_value(out, shown, j))?;
            let with_children: SmallIndexes = group
                .iter()
                .copied()
                .filter(|&j| self.ends[j] > j + 1)
                .collect();
            if !with_children.is_empty() {
                out.write_all(b",")?;
                write_string_parts(out, name, "_tree")?;
                out.write_all(b":")?;
                self.write_group(out, &with_children, |view, out, j| {
                    view.write_object(out, shown, j)
                })?;
            }
        }
        Ok(())
    }

    /// One occurrence as itself, several as an array.
    fn write_group<W: Write>(
        &mut self,
        out: &mut W,
        group: &SmallIndexes,
        mut write_one: impl FnMut(&mut Self, &mut W, usize) -> io::Result<()>,
    ) -> io::Result<()> {
        if group.len() == 1 {
            return write_one(self, out, group.as_slice()[0]);
        }
        out.write_all(b"[")?;
        for (k, &j) in group.iter().enumerate() {
            if k > 0 {
                out.write_all(b",")?;
            }
            write_one(self, out, j)?;
        }
        out.write_all(b"]")
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

/// A short list of item indexes kept on the stack: a tree level rarely has more than a few dozen
/// items, and a list that outgrows the array spills into a Vec.
struct SmallIndexes {
    inline: [usize; 32],
    len: usize,
    spill: Vec<usize>,
}

impl SmallIndexes {
    fn as_slice(&self) -> &[usize] {
        if self.spill.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn iter(&self) -> std::slice::Iter<'_, usize> {
        self.as_slice().iter()
    }
}

impl FromIterator<usize> for SmallIndexes {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut list = SmallIndexes {
            inline: [0; 32],
            len: 0,
            spill: Vec::new(),
        };
        for i in iter {
            if list.spill.is_empty() && list.len < list.inline.len() {
                list.inline[list.len] = i;
                list.len += 1;
            } else {
                if list.spill.is_empty() {
                    list.spill.extend_from_slice(&list.inline[..list.len]);
                }
                list.spill.push(i);
            }
        }
        list
    }
}

/// A JSON string: quotes, and escapes for `"`, `\` and control characters (RFC 8259 §7).
pub fn write_string(out: &mut impl Write, text: &str) -> io::Result<()> {
    write_string_parts(out, text, "")
}

fn write_string_parts(out: &mut impl Write, text: &str, suffix: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    for part in [text, suffix] {
        let mut plain = 0;
        for (i, b) in part.bytes().enumerate() {
            if let Some(escape) = escape_of(b) {
                out.write_all(&part.as_bytes()[plain..i])?;
                match escape {
                    Escape::Short(e) => out.write_all(e)?,
                    Escape::Unicode(b) => write!(out, "\\u{b:04x}")?,
                }
                plain = i + 1;
            }
        }
        out.write_all(&part.as_bytes()[plain..])?;
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
