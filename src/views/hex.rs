//! `-x`: the frame's bytes, 16 to a line, as hex and as ASCII, laid out as tshark -x does:
//!
//! ```text
//! 0000  00 11 22 33 44 66 00 11 22 33 44 55 08 00 45 00   .."3Df.."3DU..E.
//! ```
//!
//! `--highlight FIELD` marks the bytes of every occurrence of the field. The marks must show in
//! plain text too (a file, a pipe, a printed handout), so the bytes are bracketed in place of the
//! spaces between them, which keeps every column where it was:
//!
//! ```text
//! 0020  f9 12 83 f3 00 35 23 fe c8 0c 00 00 00 00 a0 02 [fa f0]0c 41 …
//! ```
//!
//! On a terminal they are also shown in reverse video, in the hex and the ASCII columns.

use super::cell::FieldMatcher;
use super::Shown;
use std::io::{self, Write};
use wirelab_wire::FieldDef;

const PER_LINE: usize = 16;
const REVERSE: &[u8] = b"\x1b[7m";
const RESET: &[u8] = b"\x1b[0m";

pub struct HexView {
    /// The field whose bytes are marked.
    highlight: Option<FieldMatcher>,
    /// Use ANSI reverse video as well as brackets (stdout is a terminal).
    ansi: bool,
    /// Which bytes of the current frame are marked; reused from frame to frame.
    marked: Vec<bool>,
}

impl HexView {
    pub fn new(highlight: Option<&'static FieldDef>, ansi: bool) -> HexView {
        HexView {
            highlight: highlight.map(|def| FieldMatcher::new(&[def])),
            ansi,
            marked: Vec::new(),
        }
    }

    /// Whether a field is highlighted (which needs the tree to find its bytes).
    pub fn highlights(&self) -> bool {
        self.highlight.is_some()
    }

    pub fn write(&mut self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        let bytes = shown.frame.bytes;
        self.mark(shown);
        for (line, chunk) in bytes.chunks(PER_LINE).enumerate() {
            let base = line * PER_LINE;
            let marked =
                |i: usize| i < chunk.len() && self.marked.get(base + i).copied().unwrap_or(false);
            write!(out, "{base:04x} ")?;
            for i in 0..=PER_LINE {
                // The separator before slot i (after the last slot, the one that may close a mark).
                let separator = match (i > 0 && marked(i - 1), marked(i)) {
                    (false, true) => b'[',
                    (true, false) => b']',
                    _ => b' ',
                };
                out.write_all(&[separator])?;
                if i == PER_LINE {
                    break;
                }
                match chunk.get(i) {
                    Some(b) if self.ansi && marked(i) => {
                        out.write_all(REVERSE)?;
                        write!(out, "{b:02x}")?;
                        out.write_all(RESET)?;
                    }
                    Some(b) => write!(out, "{b:02x}")?,
                    None => out.write_all(b"  ")?,
                }
            }
            out.write_all(b"  ")?;
            for (i, &b) in chunk.iter().enumerate() {
                let shown_as = if b.is_ascii_graphic() || b == b' ' {
                    b
                } else {
                    b'.'
                };
                if self.ansi && marked(i) {
                    out.write_all(REVERSE)?;
                    out.write_all(&[shown_as])?;
                    out.write_all(RESET)?;
                } else {
                    out.write_all(&[shown_as])?;
                }
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Mark the bytes of every occurrence of the highlighted field in this frame.
    fn mark(&mut self, shown: &Shown<'_>) {
        let len = shown.frame.bytes.len();
        self.marked.clear();
        self.marked.resize(len, false);
        let Some(matcher) = &mut self.highlight else {
            return;
        };
        for item in &shown.d.items {
            if matcher.columns(item.def).is_empty() {
                continue;
            }
            let range = item.range();
            let (start, end) = (range.start.min(len), range.end.min(len));
            self.marked[start..end].fill(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wirelab_wire::{field, Dissection, Frame, LinkType, Timestamp, Value};

    field!(PORT, "test.port", "Port", UInt 16, Dec, "a port");

    fn dump(bytes: &[u8], marked: Option<std::ops::Range<usize>>) -> String {
        let frame = Frame {
            number: 1,
            ts: Timestamp::default(),
            link: LinkType::ETHERNET,
            orig_len: bytes.len() as u32,
            bytes,
            interface: 0,
        };
        let mut d = Dissection::new();
        if let Some(range) = marked {
            d.add(&PORT, range, Value::UInt(0));
        }
        let shown = Shown {
            frame: &frame,
            d: &d,
            relative: Timestamp::default(),
        };
        let mut out = Vec::new();
        HexView::new(Some(&PORT), false)
            .write(&mut out, &shown)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_short_frame_keeps_the_ascii_column_aligned() {
        let text = dump(b"AB\x00", None);
        assert_eq!(text, format!("0000  41 42 00{}   AB.\n", "   ".repeat(13)));
    }

    #[test]
    fn highlighted_bytes_are_bracketed_without_moving_any_column() {
        let bytes: Vec<u8> = (0..20).collect();
        let text = dump(&bytes, Some(2..4));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(&lines[0][..20], "0000  00 01[02 03]04");
        assert_eq!(
            lines[0].len(),
            dump(&bytes, None).lines().next().unwrap_or("").len()
        );
    }

    #[test]
    fn a_highlight_across_lines_is_closed_and_reopened() {
        let bytes: Vec<u8> = (0..20).collect();
        let text = dump(&bytes, Some(15..17));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("0e[0f]  "), "{}", lines[0]);
        assert!(lines[1].starts_with("0010 [10]11"), "{}", lines[1]);
    }

    #[test]
    fn a_range_past_the_captured_bytes_marks_only_what_was_captured() {
        let text = dump(&[1, 2], Some(1..40));
        assert!(text.starts_with("0000  01[02]"), "{text}");
    }
}
