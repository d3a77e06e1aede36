//! `-V`: the full tree of a frame. Every field on its own line, indented by depth, with its
//! value, the bytes it was read from, and what it means:
//!
//! ```text
//! Transmission Control Protocol, Src Port: 54662, Dst Port: 8080 [34..74] — …
//!     Window: 502 [48..50] — how many more bytes the sender of this segment is ready to receive (RFC 9293 §3.1)
//!     [Stream index: 0] — …
//! ```
//!
//! Fields wirelab computed rather than read (stream index, relative sequence numbers) are in
//! brackets and have no byte range, as in Wireshark. Hidden fields (`ip.addr`) are not drawn.

use super::{FmtOut, Shown};
use std::fmt::Write as _;
use std::io::{self, Write};
use wirelab_wire::format::write_tree_value;
use wirelab_wire::{FieldType, Value};

/// Spaces per level of the tree, as tshark indents.
const INDENT: usize = 4;

pub struct TreeView {
    /// Show each field's explanation (not with `--no-explain`).
    pub explain: bool,
}

impl TreeView {
    pub fn write(&self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        let Shown { frame, d, .. } = shown;
        // While inside a hidden item, its children are hidden too.
        let mut hidden_below: Option<u8> = None;
        for item in &d.items {
            if let Some(depth) = hidden_below {
                if item.depth > depth {
                    continue;
                }
                hidden_below = None;
            }
            if item.is_hidden() {
                hidden_below = Some(item.depth);
                continue;
            }
            for _ in 0..item.depth as usize * INDENT {
                out.write_all(b" ")?;
            }
            let generated = item.is_generated();
            if generated {
                out.write_all(b"[")?;
            }
            if let Some(title) = d.title(item) {
                out.write_all(title.as_bytes())?;
            } else if item.value == Value::None || item.def.ftype == FieldType::Protocol {
                out.write_all(item.def.label.as_bytes())?;
            } else {
                let mut fmt_out = FmtOut::new(out);
                let result = write!(fmt_out, "{}: ", item.def.label)
                    .and_then(|()| write_tree_value(&mut fmt_out, item, d, frame.bytes));
                fmt_out.into_result(result)?;
            }
            if generated {
                out.write_all(b"]")?;
            } else if item.len > 0 {
                write!(
                    out,
                    " [{}..{}]",
                    item.start,
                    u64::from(item.start) + u64::from(item.len)
                )?;
            }
            if self.explain && !item.def.explain.is_empty() {
                write!(out, " — {}", item.def.explain)?;
            }
            out.write_all(b"\n")?;
        }
        if let Some(malformed) = &d.malformed {
            writeln!(out, "[Malformed Packet: {malformed}]")?;
        }
        Ok(())
    }
}
