//! Display filter tests: how filters parse (precedence, literals, errors with their columns),
//! what they mean on hand-built dissections, and how they run on frames the real dissectors
//! produce.

mod errors;
mod eval;
mod parse;
mod real;

use super::eval::{Const, Expr, FieldSel, Rel, Test};
use super::parser::RangeEnd;
use super::Filter;
use crate::field::FieldDef;

// Fields that no protocol module declares, for the value types the real ones do not cover.
crate::field!(T_STR, "test.str", "Text", Str, "a text field, for tests");
crate::field!(
    T_LABEL,
    "test.label",
    "Label",
    None,
    "a label with no value, for tests"
);
crate::field!(
    T_DOUBLE,
    "test.double",
    "Ratio",
    Double,
    "a floating-point field, for tests"
);
crate::field!(T_INT, "test.int", "Offset", Int 16, Dec, "a signed field, for tests");
crate::field!(
    T_V6,
    "test.v6",
    "Address",
    Ipv6,
    "an IPv6 address field, for tests"
);

pub(super) static TEST_FIELDS: &[&FieldDef] = &[&T_STR, &T_LABEL, &T_DOUBLE, &T_INT, &T_V6];

/// A real field, by its Wireshark name.
pub(super) fn field(name: &str) -> &'static FieldDef {
    crate::registry::lookup(name)
        .or_else(|| TEST_FIELDS.iter().copied().find(|def| def.name == name))
        .unwrap_or_else(|| panic!("no field called {name}"))
}

pub(super) fn compile(text: &str) -> Filter {
    Filter::parse_with_fields(text, TEST_FIELDS)
        .unwrap_or_else(|e| panic!("{text:?} should parse, but:\n{e}"))
}

/// The compiled filter as an S-expression: `(and (== tcp.port 80) udp)`.
pub(super) fn tree(text: &str) -> String {
    show(&compile(text).test)
}

/// (column, len, message) of the error a filter gives.
pub(super) fn error(text: &str) -> (usize, usize, String) {
    match Filter::parse_with_fields(text, TEST_FIELDS) {
        Ok(f) => panic!("{text:?} should not parse, but gave {}", show(&f.test)),
        Err(e) => (e.column, e.len, e.message),
    }
}

fn show(test: &Test) -> String {
    match test {
        Test::True => "true".to_string(),
        Test::Or(tests) => format!("(or {})", list(tests)),
        Test::Xor(tests) => format!("(xor {})", list(tests)),
        Test::And(tests) => format!("(and {})", list(tests)),
        Test::Not(a) => format!("(not {})", show(a)),
        Test::Present(sel) => sel_name(sel),
        Test::HasValue(e) => format!("(has {})", expr(e)),
        Test::NonZero(e) => format!("(nonzero {})", expr(e)),
        Test::Compare { all, rel, lhs, rhs } => {
            let rel = match rel {
                Rel::Eq => "==",
                Rel::Ne => "!=",
                Rel::Lt => "<",
                Rel::Le => "<=",
                Rel::Gt => ">",
                Rel::Ge => ">=",
            };
            format!(
                "({}{rel} {} {})",
                if *all { "all " } else { "" },
                expr(lhs),
                expr(rhs)
            )
        }
        Test::Contains { all, lhs, rhs } => {
            format!(
                "({}contains {} {})",
                if *all { "all " } else { "" },
                expr(lhs),
                expr(rhs)
            )
        }
        Test::In { all, lhs, set } => {
            let elements: Vec<String> = set
                .iter()
                .map(|(lo, hi)| match hi {
                    None => expr(lo),
                    Some(hi) => format!("{}..{}", expr(lo), expr(hi)),
                })
                .collect();
            format!(
                "({}in {} {{{}}})",
                if *all { "all " } else { "" },
                expr(lhs),
                elements.join(" ")
            )
        }
    }
}

fn list(tests: &[Test]) -> String {
    tests.iter().map(show).collect::<Vec<_>>().join(" ")
}

fn sel_name(sel: &FieldSel) -> String {
    match &sel.layers {
        None => sel.def.name.to_string(),
        Some((ranges, _)) => {
            let r: Vec<String> = ranges
                .iter()
                .map(|(lo, hi)| {
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo}-{hi}")
                    }
                })
                .collect();
            format!("{}#{}", sel.def.name, r.join(","))
        }
    }
}

fn expr(e: &Expr) -> String {
    match e {
        Expr::Field(sel) => sel_name(sel),
        Expr::Const(c) => match c {
            Const::Int(v) => v.to_string(),
            Const::Float(v) => format!("{v:?}"),
            Const::Time(ns) => format!("{ns}ns"),
            Const::Ipv4 { addr, prefix } => format!("{}/{prefix}", std::net::Ipv4Addr::from(*addr)),
            Const::Ipv6 { addr, prefix } => format!("{}/{prefix}", std::net::Ipv6Addr::from(*addr)),
            Const::Ether(m) => format!(
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            ),
            Const::Bytes(b) => {
                let hex: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
                format!("<{}>", hex.join(":"))
            }
        },
        Expr::Slice(base, r) => {
            let end = match r.end {
                RangeEnd::Length(n) => format!(":{n}"),
                RangeEnd::Inclusive(e) => format!("-{e}"),
                RangeEnd::ToEnd => ":".to_string(),
            };
            format!("{}[{}{end}]", expr(base), r.start)
        }
        Expr::Count(sel) => format!("count({})", sel_name(sel)),
        Expr::Len(e) => format!("len({})", expr(e)),
        Expr::Neg(e) => format!("(- {})", expr(e)),
        Expr::Arith(op, a, b) => {
            let op = match op {
                super::lexer::ArithOp::BitAnd => "&",
                super::lexer::ArithOp::Add => "+",
                super::lexer::ArithOp::Sub => "-",
                super::lexer::ArithOp::Mul => "*",
                super::lexer::ArithOp::Div => "/",
                super::lexer::ArithOp::Rem => "%",
            };
            format!("({op} {} {})", expr(a), expr(b))
        }
    }
}
