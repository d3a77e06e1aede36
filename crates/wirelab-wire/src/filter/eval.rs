//! The compiled filter and how it runs on one frame.
//!
//! The checker turns the syntax tree into a [`Test`]: field names are already `&'static
//! FieldDef`s, literals are already typed values, so running a filter is a walk over this tree
//! and over the frame's items. Values flow through callbacks (`for_each`), never through
//! collections, so matching a frame allocates nothing.

use super::lexer::ArithOp;
use super::parser::{Range, RangeEnd};
use super::value::Scalar;
use crate::dissection::{Dissection, Item};
use crate::field::{FieldDef, FieldType, Value};
use std::cmp::Ordering;

/// A test over one frame.
#[derive(Debug)]
pub(super) enum Test {
    /// The empty filter.
    True,
    Or(Vec<Test>),
    /// True when an odd number of the tests are (`a ^^ b ^^ c` read left to right).
    Xor(Vec<Test>),
    And(Vec<Test>),
    Not(Box<Test>),
    /// The field occurs in the frame.
    Present(FieldSel),
    /// The expression has at least one value (a slice within bounds).
    HasValue(Expr),
    /// Some value of the expression is not zero (`tcp.flags & 0x02`).
    NonZero(Expr),
    Compare {
        all: bool,
        rel: Rel,
        lhs: Expr,
        rhs: Expr,
    },
    Contains {
        all: bool,
        lhs: Expr,
        rhs: Expr,
    },
    In {
        all: bool,
        lhs: Expr,
        set: Vec<(Expr, Option<Expr>)>,
    },
}

/// The relation a comparison tests for one pair of values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rel {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Rel {
    fn holds(self, a: Scalar<'_>, b: Scalar<'_>) -> bool {
        let Some(order) = a.compare(&b) else {
            return self == Rel::Ne;
        };
        match self {
            Rel::Eq => order == Ordering::Equal,
            Rel::Ne => order != Ordering::Equal,
            Rel::Lt => order == Ordering::Less,
            Rel::Le => order != Ordering::Greater,
            Rel::Gt => order == Ordering::Greater,
            Rel::Ge => order != Ordering::Less,
        }
    }
}

/// A field, maybe restricted to some protocol layers (`ip.src#2`).
#[derive(Debug)]
pub(super) struct FieldSel {
    pub def: &'static FieldDef,
    /// Other declarations of the same name, if any (so almost always empty): items are
    /// recognised by the address of their `FieldDef`, not by comparing names.
    pub aliases: Vec<&'static FieldDef>,
    /// Inclusive 1-based layer ranges, and the protocol whose occurrences count as layers.
    pub layers: Option<(Vec<(u32, u32)>, &'static str)>,
    /// For a protocol searched with `contains`: take the whole layer, header and payload, as
    /// Wireshark does (`tcp contains "GET"`), rather than the protocol item's own range.
    pub whole_layer: bool,
}

impl FieldSel {
    /// Whether an item is an occurrence of this field: one pointer comparison, as a rule.
    fn is(&self, item: &Item) -> bool {
        std::ptr::eq(item.def, self.def)
            || (!self.aliases.is_empty() && self.aliases.iter().any(|a| std::ptr::eq(item.def, *a)))
    }

    /// Call `f` on every occurrence, in tree order, until it returns false. Returns false if
    /// `f` stopped the walk.
    fn each_item<'d>(&self, d: &'d Dissection, f: &mut dyn FnMut(usize, &'d Item) -> bool) -> bool {
        let Some((layers, protocol)) = &self.layers else {
            return d
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| self.is(item))
                .all(|(i, item)| f(i, item));
        };
        let mut layer = 0u32;
        for (i, item) in d.items.iter().enumerate() {
            if item.def.ftype == FieldType::Protocol && item.def.name == *protocol {
                layer += 1;
            }
            if self.is(item)
                && layers.iter().any(|&(lo, hi)| lo <= layer && layer <= hi)
                && !f(i, item)
            {
                return false;
            }
        }
        true
    }
}

/// Something with values in a frame.
#[derive(Debug)]
pub(super) enum Expr {
    Field(FieldSel),
    Const(Const),
    /// A byte range of each value.
    Slice(Box<Expr>, Range),
    /// How many times the field occurs.
    Count(FieldSel),
    /// The length in bytes of each value.
    Len(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
}

/// A literal, typed by the checker for the field it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Const {
    Int(i128),
    Float(f64),
    Time(i128),
    Ipv4 { addr: u32, prefix: u8 },
    Ipv6 { addr: u128, prefix: u8 },
    Ether([u8; 6]),
    Bytes(Vec<u8>),
}

impl Const {
    pub(super) fn scalar(&self) -> Scalar<'_> {
        match self {
            Const::Int(v) => Scalar::Int(*v),
            Const::Float(v) => Scalar::Float(*v),
            Const::Time(v) => Scalar::Time(*v),
            Const::Ipv4 { addr, prefix } => Scalar::Ipv4(*addr, *prefix),
            Const::Ipv6 { addr, prefix } => Scalar::Ipv6(*addr, *prefix),
            Const::Ether(mac) => Scalar::Ether(*mac),
            Const::Bytes(bytes) => Scalar::Bytes(bytes),
        }
    }
}

/// One frame, as the evaluator sees it.
#[derive(Clone, Copy)]
pub(super) struct Frame<'d> {
    pub d: &'d Dissection,
    pub bytes: &'d [u8],
}

/// A callback receiving values; returns false to stop.
type Sink<'s> = dyn for<'v> FnMut(Scalar<'v>) -> bool + 's;

impl Test {
    pub(super) fn eval(&self, cx: Frame<'_>) -> bool {
        match self {
            Test::True => true,
            Test::Or(tests) => tests.iter().any(|t| t.eval(cx)),
            Test::Xor(tests) => tests.iter().fold(false, |odd, t| odd != t.eval(cx)),
            Test::And(tests) => tests.iter().all(|t| t.eval(cx)),
            Test::Not(a) => !a.eval(cx),
            Test::Present(sel) => !sel.each_item(cx.d, &mut |_, _| false),
            Test::HasValue(e) => !e.for_each(cx, &mut |_| false),
            Test::NonZero(e) => !e.for_each(cx, &mut |v| !v.is_nonzero()),
            Test::Compare { all, rel, lhs, rhs } => {
                pairs(cx, *all, lhs, rhs, &mut |a, b| rel.holds(a, b))
            }
            Test::Contains { all, lhs, rhs } => {
                pairs(cx, *all, lhs, rhs, &mut |a, b| contains(a, b))
            }
            Test::In { all, lhs, set } => quantify(*all, |f| {
                lhs.for_each(cx, &mut |v| {
                    f(set.iter().any(|element| in_element(cx, v, element)))
                })
            }),
        }
    }
}

/// Any (or all) of `lhs`'s values × `rhs`'s values satisfy `holds`. "All" also needs at least
/// one pair: as in Wireshark, every comparison implies the field is present.
fn pairs(
    cx: Frame<'_>,
    all: bool,
    lhs: &Expr,
    rhs: &Expr,
    holds: &mut dyn FnMut(Scalar<'_>, Scalar<'_>) -> bool,
) -> bool {
    quantify(all, |f| {
        lhs.for_each(cx, &mut |a| rhs.for_each(cx, &mut |b| f(holds(a, b))))
    })
}

/// Run `walk`, which reports one truth value per candidate through its callback (returning
/// whether to go on), and combine them with "any" or "all" (all over nothing is false).
fn quantify(all: bool, walk: impl FnOnce(&mut dyn FnMut(bool) -> bool) -> bool) -> bool {
    let mut seen = false;
    let mut result = all;
    walk(&mut |truth| {
        seen = true;
        if truth != all {
            result = truth;
            return false;
        }
        true
    });
    seen && result
}

fn in_element(cx: Frame<'_>, v: Scalar<'_>, (low, high): &(Expr, Option<Expr>)) -> bool {
    match high {
        None => !low.for_each(cx, &mut |x| !Rel::Eq.holds(v, x)),
        Some(high) => !low.for_each(cx, &mut |lo| {
            // Go on (return true) while no upper bound puts `v` in range.
            high.for_each(cx, &mut |hi| {
                !(Rel::Ge.holds(v, lo) && Rel::Le.holds(v, hi))
            })
        }),
    }
}

fn contains(hay: Scalar<'_>, needle: Scalar<'_>) -> bool {
    let (mut b1, mut b2) = ([0; 16], [0; 16]);
    match (hay.bytes(&mut b1), needle.bytes(&mut b2)) {
        (Some(hay), Some(needle)) => {
            needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
        }
        _ => false,
    }
}

impl Expr {
    /// Call `f` on each value, until it returns false. Returns false if `f` stopped the walk.
    fn for_each(&self, cx: Frame<'_>, f: &mut Sink<'_>) -> bool {
        match self {
            Expr::Field(sel) if sel.whole_layer => {
                sel.each_item(cx.d, &mut |i, _| match layer_bytes(cx, i) {
                    Some(bytes) => f(Scalar::Bytes(bytes)),
                    None => true,
                })
            }
            Expr::Field(sel) => sel.each_item(cx.d, &mut |_, item| match item_scalar(cx, item) {
                Some(v) => f(v),
                None => true,
            }),
            Expr::Const(c) => f(c.scalar()),
            Expr::Slice(base, range) => base.for_each(cx, &mut |v| {
                let mut buf = [0; 16];
                match v.bytes(&mut buf).and_then(|bytes| slice(bytes, range)) {
                    Some(part) => f(Scalar::Bytes(part)),
                    None => true,
                }
            }),
            Expr::Count(sel) => {
                let mut n = 0i128;
                sel.each_item(cx.d, &mut |_, _| {
                    n += 1;
                    true
                });
                f(Scalar::Int(n))
            }
            Expr::Len(e) => e.for_each(cx, &mut |v| {
                let mut buf = [0; 16];
                match v.bytes(&mut buf) {
                    Some(bytes) => f(Scalar::Int(bytes.len() as i128)),
                    None => true,
                }
            }),
            Expr::Neg(e) => e.for_each(cx, &mut |v| match v {
                Scalar::Int(x) => match x.checked_neg() {
                    Some(x) => f(Scalar::Int(x)),
                    None => true,
                },
                _ => true,
            }),
            Expr::Arith(op, a, b) => a.for_each(cx, &mut |x| {
                b.for_each(cx, &mut |y| match (x, y) {
                    (Scalar::Int(x), Scalar::Int(y)) => match arith(*op, x, y) {
                        Some(z) => f(Scalar::Int(z)),
                        None => true,
                    },
                    _ => true,
                })
            }),
        }
    }
}

/// Integer arithmetic; overflow and division by zero give no value, so the test is false.
fn arith(op: ArithOp, x: i128, y: i128) -> Option<i128> {
    match op {
        ArithOp::BitAnd => Some(x & y),
        ArithOp::Add => x.checked_add(y),
        ArithOp::Sub => x.checked_sub(y),
        ArithOp::Mul => x.checked_mul(y),
        ArithOp::Div => x.checked_div(y),
        ArithOp::Rem => x.checked_rem(y),
    }
}

/// The bytes a slice selects, or None if the value is too short (the test is then false).
fn slice<'b>(bytes: &'b [u8], range: &Range) -> Option<&'b [u8]> {
    let len = bytes.len() as i64;
    let at = |offset: i64| if offset < 0 { len + offset } else { offset };
    let start = at(range.start);
    let end = match range.end {
        RangeEnd::Length(n) => start.checked_add(n)?,
        RangeEnd::Inclusive(last) => at(last).checked_add(1)?,
        RangeEnd::ToEnd => len,
    };
    if start < 0 || end > len || start >= end {
        return None;
    }
    bytes.get(start as usize..end as usize)
}

/// The bytes of a whole protocol layer: from its item's start to the furthest end of any item
/// after it, which is where its payload ends (trailers and padding belong to the link layer's
/// subtree, before the payload's items, so they are not counted).
fn layer_bytes<'d>(cx: Frame<'d>, index: usize) -> Option<&'d [u8]> {
    let item = cx.d.items.get(index)?;
    let start = item.start as usize;
    let end = cx.d.items[index..]
        .iter()
        .filter(|later| later.len > 0 && later.start as usize >= start)
        .map(|later| later.range().end)
        .max()
        .unwrap_or(start);
    cx.bytes.get(start..end.min(cx.bytes.len()))
}

/// An item's value as the evaluator compares it. Flags are 0 or 1 whatever integer the
/// dissector stored; protocols and byte fields are their bytes in the frame; labels have none.
fn item_scalar<'d>(cx: Frame<'d>, item: &'d Item) -> Option<Scalar<'d>> {
    let frame_bytes = || cx.bytes.get(item.range()).map(Scalar::Bytes);
    Some(match item.value {
        Value::Bool(b) => Scalar::Int(b as i128),
        Value::UInt(v) if item.def.ftype == FieldType::Bool => Scalar::Int((v != 0) as i128),
        Value::UInt(v) => Scalar::Int(v as i128),
        Value::Int(v) => Scalar::Int(v as i128),
        Value::Ipv4(a) => Scalar::Ipv4(u32::from(a), 32),
        Value::Ipv6(a) => Scalar::Ipv6(u128::from(a), 128),
        Value::Ether(mac) => Scalar::Ether(mac),
        Value::Bytes => return frame_bytes(),
        Value::Text { start, end } => Scalar::Bytes(cx.d.text((start, end)).as_bytes()),
        Value::Static(s) => Scalar::Bytes(s.as_bytes()),
        Value::Double(x) => Scalar::Float(x),
        Value::Time(ns) => Scalar::Time(ns),
        Value::None if matches!(item.def.ftype, FieldType::Protocol | FieldType::Bytes) => {
            return frame_bytes()
        }
        Value::None => return None,
    })
}
