//! The detail tree: the selected frame's fields, each subtree opened or closed with Enter.
//!
//! What is open is remembered by field name (`tcp`, `tcp.flags`), not by position, so that
//! stepping to the next packet keeps the TCP header open, as Wireshark does.

use std::collections::HashSet;
use std::fmt::Write;
use wirelab_wire::format::write_tree_value;
use wirelab_wire::{Dissection, FieldType, Item, Value};

#[derive(Debug, Default)]
pub struct TreeState {
    expanded: HashSet<&'static str>,
    /// Row selected among the rows shown.
    pub selected: usize,
    /// First row drawn.
    pub top: usize,
    /// How many rows there were when last counted, to keep `selected` in range.
    rows: usize,
}

impl TreeState {
    /// The items shown, in order: not hidden, and every ancestor open.
    pub fn rows(&self, d: &Dissection) -> Vec<usize> {
        let mut rows = Vec::new();
        // Below this depth, items are inside a closed or hidden item.
        let mut skip_below: Option<u8> = None;
        for (i, item) in d.items.iter().enumerate() {
            if let Some(depth) = skip_below {
                if item.depth > depth {
                    continue;
                }
                skip_below = None;
            }
            if item.is_hidden() {
                skip_below = Some(item.depth);
                continue;
            }
            rows.push(i);
            if !self.expanded.contains(item.def.name) {
                skip_below = Some(item.depth);
            }
        }
        rows
    }

    /// A new frame is shown: keep the selection in range.
    pub fn frame_changed(&mut self, d: &Dissection) {
        self.rows = self.rows(d).len();
        self.selected = self.selected.min(self.rows.saturating_sub(1));
    }

    pub fn select(&mut self, row: usize) {
        self.selected = row.min(self.rows.saturating_sub(1));
    }

    /// The item at the selected row.
    pub fn selected_item(&self, d: &Dissection) -> Option<usize> {
        self.rows(d).get(self.selected).copied()
    }

    /// Open or close the selected item (`None` toggles).
    pub fn toggle(&mut self, d: &Dissection, open: Option<bool>) {
        let Some(i) = self.selected_item(d) else {
            return;
        };
        let Some(item) = d.items.get(i) else { return };
        if !has_children(d, i) {
            return;
        }
        let open = open.unwrap_or(!self.expanded.contains(item.def.name));
        if open {
            self.expanded.insert(item.def.name);
        } else {
            self.expanded.remove(item.def.name);
        }
        self.rows = self.rows(d).len();
    }

    pub fn is_open(&self, item: &Item) -> bool {
        self.expanded.contains(item.def.name)
    }
}

/// Whether an item has children that are drawn.
pub fn has_children(d: &Dissection, index: usize) -> bool {
    d.children(index)
        .filter_map(|i| d.items.get(i))
        .any(|item| !item.is_hidden())
}

/// The text of one row: `Window: 502`, a protocol's title, `[Stream index: 0]`.
pub fn item_text(d: &Dissection, item: &Item, frame: &[u8]) -> String {
    let mut text = String::new();
    if let Some(title) = d.title(item) {
        text.push_str(title);
    } else if item.value == Value::None || item.def.ftype == FieldType::Protocol {
        text.push_str(item.def.label);
    } else {
        let _ = write!(text, "{}: ", item.def.label);
        let _ = write_tree_value(&mut text, item, d, frame);
    }
    if item.is_generated() {
        text = format!("[{text}]");
    }
    text
}
