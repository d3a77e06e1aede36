//! Field definitions: what a field is called, how its value prints, and what it means.
//!
//! Every field wirelab shows is declared once as a `static FieldDef`, the way Wireshark
//! declares its `hf_register_info`: the display-filter name (`tcp.window_size_value`), the label
//! shown in the tree (`Window`), the value's type and base, and a one-sentence explanation for a
//! learner with the RFC section it comes from. `wirelab fields` lists them all.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The type of a field's value, after Wireshark's `ftenum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A protocol layer (`tcp`): a subtree with no value of its own.
    Protocol,
    /// A label or subtree with no value.
    None,
    /// A flag. `bits` is the width of the integer it was taken from, for hex display of the mask.
    Bool,
    /// An unsigned integer; `bits` (8, 16, 24, 32, 64) sets the width of hex output.
    UInt {
        bits: u8,
    },
    Int {
        bits: u8,
    },
    Ipv4,
    Ipv6,
    Ether,
    Bytes,
    Str,
    Double,
    /// A point in time (`frame.time`).
    AbsTime,
    /// A time difference in seconds (`frame.time_relative`).
    RelTime,
    /// A reference to another frame by number (`tcp.analysis.acks_frame`).
    FrameNum,
}

/// How an integer prints, after Wireshark's `BASE_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    Dec,
    /// `0x0800`, zero-padded to the width of the field's type.
    Hex,
    /// Decimal, with hex in parentheses in the tree.
    DecHex,
    /// Hex, with decimal in parentheses in the tree.
    HexDec,
    /// Not a number, or not printed as one.
    None,
}

/// Names for the values of a code field: `(value, name)` pairs, as Wireshark's `value_string`.
pub type ValueNames = &'static [(u64, &'static str)];

/// The name `names` gives `value`, if any.
pub fn name_in(names: ValueNames, value: u64) -> Option<&'static str> {
    names.iter().find(|(v, _)| *v == value).map(|(_, n)| *n)
}

/// The static description of one field.
#[derive(Debug)]
pub struct FieldDef {
    /// Display-filter name, as Wireshark spells it: `ip.src`, `tcp.flags.syn`.
    pub name: &'static str,
    /// The label shown in the `-V` tree: `Source Address`.
    pub label: &'static str,
    pub ftype: FieldType,
    pub base: Base,
    /// Names for known values, or empty.
    pub names: ValueNames,
    /// For flag fields: the bit mask within the integer the flag lives in (0 if not a bitfield).
    pub mask: u64,
    /// One sentence for a learner, ending with the RFC section, e.g.
    /// `how many more bytes the sender of this segment is ready to receive (RFC 9293 §3.1)`.
    pub explain: &'static str,
}

impl FieldDef {
    /// The protocol a field belongs to: the part of its name before the first dot.
    pub fn protocol(&self) -> &'static str {
        self.name.split('.').next().unwrap_or(self.name)
    }

    /// The name of a value, if this field has names and knows this one.
    pub fn name_of(&self, value: u64) -> Option<&'static str> {
        name_in(self.names, value)
    }
}

/// Declares a `FieldDef` with less ceremony. Forms:
///
/// ```ignore
/// field!(SRCPORT, "tcp.srcport", "Source Port", UInt 16, Dec, "explanation (RFC 9293 §3.1)");
/// field!(TYPE, "eth.type", "Type", UInt 16, Hex, names = ETHERTYPES, "…");
/// field!(SYN, "tcp.flags.syn", "Syn", Bool, mask = 0x002, "…");
/// field!(SRC, "ip.src", "Source Address", Ipv4, "…");
/// ```
#[macro_export]
macro_rules! field {
    ($id:ident, $name:expr, $label:expr, UInt $bits:literal, $base:ident, names = $names:expr, $explain:expr) => {
        pub static $id: $crate::field::FieldDef = $crate::field::FieldDef {
            name: $name, label: $label,
            ftype: $crate::field::FieldType::UInt { bits: $bits },
            base: $crate::field::Base::$base, names: $names, mask: 0, explain: $explain,
        };
    };
    ($id:ident, $name:expr, $label:expr, UInt $bits:literal, $base:ident, $explain:expr) => {
        $crate::field!($id, $name, $label, UInt $bits, $base, names = &[], $explain);
    };
    ($id:ident, $name:expr, $label:expr, Int $bits:literal, $base:ident, $explain:expr) => {
        pub static $id: $crate::field::FieldDef = $crate::field::FieldDef {
            name: $name, label: $label,
            ftype: $crate::field::FieldType::Int { bits: $bits },
            base: $crate::field::Base::$base, names: &[], mask: 0, explain: $explain,
        };
    };
    ($id:ident, $name:expr, $label:expr, Bool, mask = $mask:expr, $explain:expr) => {
        pub static $id: $crate::field::FieldDef = $crate::field::FieldDef {
            name: $name, label: $label, ftype: $crate::field::FieldType::Bool,
            base: $crate::field::Base::None, names: &[], mask: $mask, explain: $explain,
        };
    };
    ($id:ident, $name:expr, $label:expr, $ftype:ident, $explain:expr) => {
        pub static $id: $crate::field::FieldDef = $crate::field::FieldDef {
            name: $name, label: $label, ftype: $crate::field::FieldType::$ftype,
            base: $crate::field::Base::None, names: &[], mask: 0, explain: $explain,
        };
    };
}

/// A field's value in one frame. Byte strings are not copied: a `Bytes` value is the item's own
/// byte range in the frame, and text lives in the dissection's arena.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    UInt(u64),
    Int(i64),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Ether([u8; 6]),
    /// The item's own bytes in the frame.
    Bytes,
    /// Text in the dissection's arena: `Dissection::text(start, end)`.
    Text {
        start: u32,
        end: u32,
    },
    /// A fixed string.
    Static(&'static str),
    Double(f64),
    /// A time, in nanoseconds (since the epoch for `AbsTime`, a difference for `RelTime`).
    Time(i128),
}
