//! The Dissection tree: every field of one frame, with its value and its byte range.
//!
//! The tree is stored flat, in the order the `-V` view prints it: each item has a `depth`, and
//! the items after it with a greater depth are its children. One `Dissection` is reused from
//! frame to frame (`clear`), so dissecting a capture allocates nothing per frame once the
//! buffers have grown.

use crate::expert::{Expert, Group, Severity};
use crate::field::{FieldDef, Value};
use std::fmt::{self, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// Item flags.
pub const GENERATED: u8 = 1;
/// Present for filtering and `-T fields` (`ip.addr`, `tcp.port`), not drawn in the tree.
pub const HIDDEN: u8 = 2;

/// One field of one frame.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub def: &'static FieldDef,
    pub value: Value,
    /// Byte offset in the frame.
    pub start: u32,
    /// Number of bytes; 0 for generated fields.
    pub len: u32,
    pub depth: u8,
    pub flags: u8,
    /// Text in the arena that replaces `label: value` in the tree (protocol titles, flag
    /// summaries), or `(0, 0)`.
    pub title: (u32, u32),
}

impl Item {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
    pub fn is_generated(&self) -> bool {
        self.flags & GENERATED != 0
    }
    pub fn is_hidden(&self) -> bool {
        self.flags & HIDDEN != 0
    }
}

/// Where and why a packet stops making sense: `TCP at byte 34: header length 60 runs past the
/// end of the frame (54 bytes)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// The layer's short name, as in its protocol item (`tcp`).
    pub layer: &'static str,
    /// Byte offset in the frame where the problem is.
    pub offset: usize,
    pub problem: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.layer.to_uppercase(),
            self.offset,
            self.problem
        )
    }
}

/// An address for the Source and Destination columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Address {
    #[default]
    None,
    Ether([u8; 6]),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::None => Ok(()),
            Address::Ether(mac) => crate::format::write_ether(f, mac),
            Address::Ipv4(a) => write!(f, "{a}"),
            Address::Ipv6(a) => write!(f, "{a}"),
        }
    }
}

/// The dissection of one frame: the tree, the summary columns, and what was malformed.
#[derive(Clone, Debug)]
pub struct Dissection {
    pub items: Vec<Item>,
    /// Text referred to by `Value::Text` and item titles.
    arena: String,
    /// The Protocol column: the highest layer dissected (`TCP`, `ARP`, `ICMPv6`).
    pub protocol: &'static str,
    pub src: Address,
    pub dst: Address,
    /// The Info column.
    pub info: String,
    /// The first place the frame stopped making sense, if any.
    pub malformed: Option<Malformed>,
    /// What a reader should notice about the frame (kept even when no tree is).
    pub experts: Vec<Expert>,
    depth: u8,
    /// When false, only the columns (protocol, src, dst, info, malformed) are kept: the summary
    /// view needs no tree, and skipping it makes dissection several times faster.
    tree: bool,
    /// When false, titles are not written: `-T fields` and filters read values only, and
    /// formatting titles is a quarter of their cost.
    titles: bool,
}

/// Index returned by the builder methods when no tree is kept; every method ignores it.
pub const NO_ITEM: usize = usize::MAX;

impl Default for Dissection {
    fn default() -> Dissection {
        Dissection::new()
    }
}

impl Dissection {
    /// A dissection that keeps the whole tree.
    pub fn new() -> Dissection {
        Dissection {
            items: Vec::new(),
            arena: String::new(),
            protocol: "",
            src: Address::None,
            dst: Address::None,
            info: String::new(),
            malformed: None,
            experts: Vec::new(),
            depth: 0,
            tree: true,
            titles: true,
        }
    }

    /// A dissection that keeps only the summary columns; builder methods return [`NO_ITEM`]
    /// and record nothing. Dissectors must therefore never read their own items back.
    pub fn columns_only() -> Dissection {
        Dissection {
            tree: false,
            titles: false,
            ..Dissection::new()
        }
    }

    /// A dissection that keeps every field and value but writes no titles: for views that
    /// print values only (`-T fields`) and for display filters.
    pub fn without_titles() -> Dissection {
        Dissection {
            titles: false,
            ..Dissection::new()
        }
    }

    /// Whether the tree is kept (see [`Dissection::columns_only`]).
    pub fn keeps_tree(&self) -> bool {
        self.tree
    }

    /// Forget the previous frame, keeping the buffers.
    pub fn clear(&mut self) {
        self.items.clear();
        self.arena.clear();
        self.protocol = "";
        self.src = Address::None;
        self.dst = Address::None;
        self.info.clear();
        self.malformed = None;
        self.experts.clear();
        self.depth = 0;
    }

    /// Record an expert item for this frame.
    pub fn add_expert(
        &mut self,
        severity: Severity,
        group: Group,
        protocol: &'static str,
        message: impl Into<String>,
    ) {
        self.experts.push(Expert {
            severity,
            group,
            protocol,
            message: message.into(),
        });
    }

    /// The current nesting depth of the tree (items added now become children of the last
    /// item opened).
    pub fn depth(&self) -> u8 {
        self.depth
    }

    /// Add a field at the current depth; returns its index.
    pub fn add(&mut self, def: &'static FieldDef, range: Range<usize>, value: Value) -> usize {
        self.push(def, range, value, 0)
    }

    /// Add a field computed by wirelab rather than read from the bytes (shown in brackets).
    pub fn add_generated(&mut self, def: &'static FieldDef, value: Value) -> usize {
        self.push(def, 0..0, value, GENERATED)
    }

    /// Add a field that filters and `-T fields` see but the tree does not draw.
    pub fn add_hidden(
        &mut self,
        def: &'static FieldDef,
        range: Range<usize>,
        value: Value,
    ) -> usize {
        self.push(def, range, value, HIDDEN)
    }

    fn push(
        &mut self,
        def: &'static FieldDef,
        range: Range<usize>,
        value: Value,
        flags: u8,
    ) -> usize {
        if !self.tree {
            return NO_ITEM;
        }
        self.items.push(Item {
            def,
            value,
            start: range.start as u32,
            len: range.end.saturating_sub(range.start) as u32,
            depth: self.depth,
            flags,
            title: (0, 0),
        });
        self.items.len() - 1
    }

    /// Add a field and make the fields added after it its children, until `close`.
    pub fn open(&mut self, def: &'static FieldDef, range: Range<usize>, value: Value) -> usize {
        let index = self.add(def, range, value);
        self.depth = self.depth.saturating_add(1);
        index
    }

    /// End the subtree begun by the last `open`.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Set the byte range of an item once its end is known (a protocol whose length is found
    /// while parsing it).
    pub fn set_range(&mut self, index: usize, range: Range<usize>) {
        if let Some(item) = self.items.get_mut(index) {
            item.start = range.start as u32;
            item.len = range.end.saturating_sub(range.start) as u32;
        }
    }

    /// Set the text the tree shows for an item instead of `label: value`.
    pub fn set_title(&mut self, index: usize, title: fmt::Arguments<'_>) {
        if !self.titles || index >= self.items.len() {
            return;
        }
        let span = self.write_arena(title);
        self.items[index].title = span;
    }

    /// Store text in the arena, for a `Value::Text` (`Value::None` when no tree is kept).
    pub fn text_value(&mut self, text: fmt::Arguments<'_>) -> Value {
        if !self.tree {
            return Value::None;
        }
        let (start, end) = self.write_arena(text);
        Value::Text { start, end }
    }

    fn write_arena(&mut self, text: fmt::Arguments<'_>) -> (u32, u32) {
        let start = self.arena.len() as u32;
        let _ = self.arena.write_fmt(text);
        (start, self.arena.len() as u32)
    }

    /// The text of a `Value::Text` or a title.
    pub fn text(&self, (start, end): (u32, u32)) -> &str {
        self.arena.get(start as usize..end as usize).unwrap_or("")
    }

    /// An item's title, if it has one.
    pub fn title(&self, item: &Item) -> Option<&str> {
        (item.title.1 > item.title.0).then(|| self.text(item.title))
    }

    /// Record that the frame stops making sense here. The first problem wins; later layers are
    /// not dissected by the caller.
    pub fn set_malformed(&mut self, layer: &'static str, offset: usize, problem: String) {
        if self.malformed.is_none() {
            self.malformed = Some(Malformed {
                layer,
                offset,
                problem,
            });
        }
    }

    /// All items with this field name, in tree order (a field can occur more than once: the
    /// IPv4 header quoted inside an ICMP error has its own `ip.src`).
    pub fn find<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |item| item.def.name == name)
    }

    /// The first item with this field name.
    pub fn first(&self, name: &str) -> Option<&Item> {
        self.items.iter().find(|item| item.def.name == name)
    }

    /// The first value of an integer field.
    pub fn uint(&self, name: &str) -> Option<u64> {
        match self.first(name)?.value {
            Value::UInt(v) => Some(v),
            Value::Bool(b) => Some(b as u64),
            _ => None,
        }
    }

    /// Indexes of the children of item `index` (direct and deeper).
    pub fn children(&self, index: usize) -> Range<usize> {
        let Some(depth) = self.items.get(index).map(|item| item.depth) else {
            return 0..0;
        };
        let end = self.items[index + 1..]
            .iter()
            .position(|item| item.depth <= depth)
            .map_or(self.items.len(), |p| index + 1 + p);
        index + 1..end
    }
}
