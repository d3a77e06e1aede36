//! What both targets do with a dissected frame: check the tree's invariants and render every
//! item the way the CLI does, so that the formatting code is fuzzed too.

use std::fmt::Write;
use wirelab_wire::format::{write_field_value, write_tree_value};
use wirelab_wire::Dissection;

/// Render every item of `d` into `out` (cleared first) and check that the tree is well formed:
/// every byte range lies inside the captured bytes, and depths grow one level at a time.
pub fn check_and_render(d: &Dissection, bytes: &[u8], out: &mut String) {
    out.clear();
    let mut previous_depth = 0u8;
    for (index, item) in d.items.iter().enumerate() {
        let end = item.start as usize + item.len as usize;
        assert!(
            item.is_generated() || end <= bytes.len(),
            "{} has bytes {}..{end} in a frame of {} bytes",
            item.def.name,
            item.start,
            bytes.len()
        );
        assert!(
            index == 0 || item.depth <= previous_depth + 1,
            "{} is at depth {} under an item at depth {previous_depth}",
            item.def.name,
            item.depth
        );
        previous_depth = item.depth;
        let _ = d.children(index);
        if let Some(title) = d.title(item) {
            out.push_str(title);
        }
        let _ = write_field_value(out, item, d, bytes);
        let _ = write_tree_value(out, item, d, bytes);
        out.push('\n');
    }
    let _ = write!(out, "{} {} {} {}", d.protocol, d.src, d.dst, d.info);
    if let Some(malformed) = &d.malformed {
        let _ = write!(out, " {malformed}");
    }
}
