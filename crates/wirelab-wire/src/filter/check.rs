//! The checker: resolves names and types, turning the syntax tree into a runnable [`Test`].
//!
//! This is where a word becomes a field (`tcp.port`) or a value (`443`), and where a value gets
//! its type from the field on the other side of the operator. Every mistake a user can make
//! that the parser cannot see is caught here, with a message that says what to write instead.

use super::eval::{Const, Expr, FieldSel, Rel, Test};
use super::lexer::{ArithOp, CmpOp};
use super::parser::{Node, Operand, Range, RangeEnd, RelKind, Relation, SetElement};
use super::value::{literal, no_value, Kind, Lit, Want};
use super::{suggest, Span};
use crate::field::{FieldDef, FieldType};

pub(super) type CheckError = (Span, String);

pub(super) struct Checker<'a> {
    pub text: &'a str,
    /// Fields known besides the registry's (tests, and tools that declare their own).
    pub extra: &'a [&'static FieldDef],
    /// Things that parse but probably do not mean what the user thinks.
    pub warnings: Vec<(Span, String)>,
    /// Whether the test being checked sits under an odd number of `not`s.
    negated: bool,
}

impl<'a> Checker<'a> {
    pub(super) fn new(text: &'a str, extra: &'a [&'static FieldDef]) -> Checker<'a> {
        Checker {
            text,
            extra,
            warnings: Vec::new(),
            negated: false,
        }
    }

    fn source(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn lookup(&self, name: &str) -> Option<&'static FieldDef> {
        crate::registry::lookup(name)
            .or_else(|| self.extra.iter().copied().find(|def| def.name == name))
    }

    /// A field for the evaluator, with every other static that declares the same name.
    fn select(
        &self,
        def: &'static FieldDef,
        layers: Option<(Vec<(u32, u32)>, &'static str)>,
    ) -> FieldSel {
        let aliases = crate::registry::all()
            .chain(self.extra.iter().copied())
            .filter(|other| other.name == def.name && !std::ptr::eq(*other, def))
            .collect();
        FieldSel {
            def,
            aliases,
            layers,
            whole_layer: false,
        }
    }

    fn not_a_field(&self, span: Span) -> CheckError {
        let word = self.source(span);
        if let Some((head, _)) = word
            .split_once('-')
            .filter(|(head, _)| self.lookup(head).is_some())
        {
            return (
                span,
                format!(
                    "\"{word}\" is not a field; to subtract, put spaces around \"-\": {head} - …"
                ),
            );
        }
        let names = crate::registry::all()
            .chain(self.extra.iter().copied())
            .map(|def| def.name);
        let message = match suggest::closest(word, names) {
            Some(name) => format!("\"{word}\" is not a field; did you mean \"{name}\"?"),
            None => format!("\"{word}\" is not a field or protocol that wirelab knows (`wirelab fields` lists them)"),
        };
        (span, message)
    }

    pub(super) fn test(&mut self, node: &Node) -> Result<Test, CheckError> {
        let all = |c: &mut Self, nodes: &[Node]| -> Result<Vec<Test>, CheckError> {
            nodes.iter().map(|n| c.test(n)).collect()
        };
        Ok(match node {
            Node::Or(nodes) => Test::Or(all(self, nodes)?),
            Node::Xor(nodes) => Test::Xor(all(self, nodes)?),
            Node::And(nodes) => Test::And(all(self, nodes)?),
            Node::Not(a) => {
                self.negated = !self.negated;
                let inner = self.test(a);
                self.negated = !self.negated;
                Test::Not(Box::new(inner?))
            }
            Node::Relation(r) => self.relation(r)?,
        })
    }

    fn relation(&mut self, r: &Relation) -> Result<Test, CheckError> {
        let quantified = |default: bool| r.quantifier.map_or(default, |(all, _)| all);
        match &r.kind {
            RelKind::Bare(operand) => {
                if let Some((_, span)) = r.quantifier {
                    return Err((span, format!("\"{}\" must be followed by a comparison, like all tcp.port > 1023", self.source(span))));
                }
                self.bare(operand)
            }
            RelKind::Compare { op, op_span, lhs, rhs } => {
                let (lhs, rhs) = self.sides(lhs, rhs, *op_span, op.symbol())?;
                let (all, rel) = match op {
                    CmpOp::AnyEq => (false, Rel::Eq),
                    CmpOp::AllNe => (true, Rel::Ne),
                    CmpOp::AllEq => (true, Rel::Eq),
                    CmpOp::AnyNe => (false, Rel::Ne),
                    CmpOp::Lt => (false, Rel::Lt),
                    CmpOp::Le => (false, Rel::Le),
                    CmpOp::Gt => (false, Rel::Gt),
                    CmpOp::Ge => (false, Rel::Ge),
                };
                Ok(Test::Compare { all: quantified(all), rel, lhs, rhs })
            }
            RelKind::Contains { op_span, lhs, rhs } => {
                let (mut lhs_expr, lw) = self.expr(lhs, None)?;
                if let Expr::Field(sel) = &mut lhs_expr {
                    sel.whole_layer = sel.def.ftype == FieldType::Protocol;
                }
                if !lw.kind.is_byte_like() {
                    let name = lw.field.map_or("the left side", |f| f.name);
                    return Err((
                        *op_span,
                        format!("\"contains\" looks inside bytes or text, but {name} is {}; compare it with ==", lw.kind.phrase()),
                    ));
                }
                let want = if lw.kind == Kind::Ether { Want::of(Kind::Bytes) } else { Want { field: None, ..lw } };
                let (rhs_expr, rw) = self.expr(rhs, Some(&want))?;
                self.compatible(&lw, &rw, rhs.span())?;
                Ok(Test::Contains { all: quantified(false), lhs: lhs_expr, rhs: rhs_expr })
            }
            RelKind::Matches { op_span } => Err((
                *op_span,
                "\"matches\" (regular expressions) is not supported by wirelab; \"contains\" finds bytes or text".to_string(),
            )),
            RelKind::In { op_span, lhs, set, negated } => {
                let (lhs_expr, lw) = self.expr(lhs, None)?;
                if lw.kind == Kind::NoValue {
                    return Err((*op_span, no_value(&lw)));
                }
                let mut elements = Vec::with_capacity(set.len());
                for SetElement { low, high } in set {
                    let low = self.element(low, &lw)?;
                    let high = high.as_ref().map(|h| self.element(h, &lw)).transpose()?;
                    elements.push((low, high));
                }
                let test = Test::In { all: quantified(false), lhs: lhs_expr, set: elements };
                Ok(if *negated { Test::Not(Box::new(test)) } else { test })
            }
        }
    }

    fn element(&mut self, operand: &Operand, want: &Want) -> Result<Expr, CheckError> {
        let (expr, w) = self.expr(operand, Some(want))?;
        self.compatible(want, &w, operand.span())?;
        Ok(expr)
    }

    /// A field or expression standing alone: presence, or "not zero".
    fn bare(&mut self, operand: &Operand) -> Result<Test, CheckError> {
        match operand {
            Operand::Word(span) => {
                let def = self
                    .lookup(self.source(*span))
                    .ok_or_else(|| self.not_a_field(*span))?;
                if def.ftype == FieldType::Bool {
                    let value = if self.negated { 0 } else { 1 };
                    self.warnings.push((
                        *span,
                        format!(
                            "{0} alone tests whether the field is present, not whether the flag is set \
                             (it is there whenever its header is); to test the flag, write {0} == {value}",
                            def.name
                        ),
                    ));
                }
                Ok(Test::Present(self.select(def, None)))
            }
            Operand::Layer { .. } => match self.expr(operand, None)?.0 {
                Expr::Field(sel) => Ok(Test::Present(sel)),
                _ => unreachable!("a layer operand is a field"),
            },
            Operand::Slice { .. } => Ok(Test::HasValue(self.expr(operand, None)?.0)),
            Operand::Str(_, span) | Operand::Char(_, span) => Err((
                *span,
                format!(
                    "{} alone is not a test: compare a field with it, like tcp.port == 80",
                    self.source(*span)
                ),
            )),
            _ => {
                if self.typed(operand).is_none() {
                    return Err((
                        operand.span(),
                        "this is a value, not a test: compare a field with it".to_string(),
                    ));
                }
                Ok(Test::NonZero(self.expr(operand, None)?.0))
            }
        }
    }

    /// Both sides of a comparison, the literal side typed by the other.
    fn sides(
        &mut self,
        lhs: &Operand,
        rhs: &Operand,
        op: Span,
        symbol: &str,
    ) -> Result<(Expr, Expr), CheckError> {
        let (lhs, rhs) = match (self.typed(lhs), self.typed(rhs)) {
            (Some(_), _) => {
                let (l, lw) = self.expr(lhs, None)?;
                if lw.kind == Kind::NoValue {
                    return Err((lhs.span(), no_value(&lw)));
                }
                let (r, rw) = self.expr(rhs, Some(&lw))?;
                self.compatible(&lw, &rw, rhs.span())?;
                (l, r)
            }
            (None, Some(_)) => {
                let (r, rw) = self.expr(rhs, None)?;
                if rw.kind == Kind::NoValue {
                    return Err((rhs.span(), no_value(&rw)));
                }
                let (l, lw) = self.expr(lhs, Some(&rw))?;
                self.compatible(&rw, &lw, lhs.span())?;
                (l, r)
            }
            (None, None) => {
                for side in [lhs, rhs] {
                    if let Operand::Word(span) = side {
                        if self
                            .source(*span)
                            .starts_with(|c: char| c.is_ascii_alphabetic())
                        {
                            return Err(self.not_a_field(*span));
                        }
                    }
                }
                return Err((op, format!("neither side of \"{symbol}\" is a field: compare a field with a value, like ip.ttl {symbol} 64")));
            }
        };
        Ok((lhs, rhs))
    }

    fn compatible(&self, want: &Want, got: &Want, span: Span) -> Result<(), CheckError> {
        if want.kind.compatible(got.kind) {
            return Ok(());
        }
        let name = |w: &Want| {
            w.field
                .map_or_else(|| "the value".to_string(), |f| f.name.to_string())
        };
        Err((
            span,
            format!(
                "{} and {} cannot be compared: {} is {}, {} is {}",
                name(want),
                name(got),
                name(want),
                want.kind.phrase(),
                name(got),
                got.kind.phrase()
            ),
        ))
    }

    /// The type an operand has on its own, without looking at the other side: fields and
    /// expressions over fields have one, literals do not.
    fn typed(&self, operand: &Operand) -> Option<Want> {
        match operand {
            Operand::Word(span) | Operand::Layer { field: span, .. } => {
                self.lookup(self.source(*span)).map(Want::field)
            }
            Operand::Str(..) | Operand::Char(..) => None,
            Operand::Slice { .. } => Some(Want::of(Kind::Bytes)),
            Operand::Call { .. } => Some(Want::of(Kind::Int)),
            Operand::Neg(inner, _) => self.typed(inner).map(|_| Want::of(Kind::Int)),
            Operand::Binary { op, lhs, rhs, .. } => {
                let side = self.typed(lhs).or_else(|| self.typed(rhs))?;
                Some(if *op == ArithOp::BitAnd {
                    Want {
                        kind: Kind::Int,
                        ..side
                    }
                } else {
                    Want::of(Kind::Int)
                })
            }
        }
    }

    /// Build the expression for an operand. `want` is the type of the other side, which a
    /// literal takes; without it, the operand must be a field or built from one.
    fn expr(&mut self, operand: &Operand, want: Option<&Want>) -> Result<(Expr, Want), CheckError> {
        let lit =
            |want: Option<&Want>, lit: Lit<'_>, span: Span| -> Result<(Expr, Want), CheckError> {
                let want = want
                    .ok_or_else(|| (span, "a value needs a field to compare with".to_string()))?;
                literal(lit, want)
                    .map(|c| (Expr::Const(c), *want))
                    .map_err(|m| (span, m))
            };
        match operand {
            Operand::Word(span) => {
                let text = self.source(*span);
                // A value name of the field on the other side wins over a field of the same
                // name: `ip.proto == udp` means 17, not the udp protocol.
                if let Some(w) = want.filter(|w| w.kind == Kind::Int) {
                    if let Some(&(v, _)) = w
                        .field
                        .and_then(|f| f.names.iter().find(|(_, n)| n.eq_ignore_ascii_case(text)))
                    {
                        return Ok((Expr::Const(Const::Int(v as i128)), *w));
                    }
                }
                if let Some(def) = self.lookup(text) {
                    return Ok((Expr::Field(self.select(def, None)), Want::field(def)));
                }
                match want {
                    None => Err(self.not_a_field(*span)),
                    Some(w) => lit(Some(w), Lit::Word(text), *span).map_err(|e| {
                        let (_, suggestion) = self.not_a_field(*span);
                        let looks_like_field = text.starts_with(|c: char| c.is_ascii_alphabetic())
                            && text.contains('.');
                        if looks_like_field && !suggestion.contains("that wirelab knows") {
                            (*span, suggestion)
                        } else {
                            e
                        }
                    }),
                }
            }
            Operand::Str(bytes, span) => lit(want, Lit::Str(bytes), *span),
            Operand::Char(c, span) => lit(want, Lit::Char(*c), *span),
            Operand::Layer { field, layers } => {
                let def = self
                    .lookup(self.source(*field))
                    .ok_or_else(|| self.not_a_field(*field))?;
                let ranges = layers
                    .iter()
                    .map(layer_range)
                    .collect::<Result<Vec<_>, _>>()?;
                let sel = self.select(def, Some((ranges, def.protocol())));
                Ok((Expr::Field(sel), Want::field(def)))
            }
            Operand::Slice { base, ranges, .. } => {
                let (base_expr, bw) = self.expr(base, None)?;
                if !(bw.kind.is_byte_like() || matches!(bw.kind, Kind::Ipv4 | Kind::Ipv6)) {
                    let name = bw.field.map_or("this value", |f| f.name);
                    return Err((
                        base.span(),
                        format!("{name} is {} and cannot be sliced; slices take bytes from byte strings, addresses and protocols", bw.kind.phrase()),
                    ));
                }
                match ranges.as_slice() {
                    [range] => Ok((
                        Expr::Slice(Box::new(base_expr), *range),
                        Want::of(Kind::Bytes),
                    )),
                    _ => Err((
                        ranges[1].span,
                        "wirelab takes one range per slice: [0:3], not [0:1,2:3]".to_string(),
                    )),
                }
            }
            Operand::Call { name, args, span } => self.call(self.source(*name), args, *name, *span),
            Operand::Neg(inner, span) => {
                if self.typed(inner).is_none() {
                    return match inner.as_ref() {
                        Operand::Word(ws) => {
                            lit(want, Lit::Word(&format!("-{}", self.source(*ws))), *span)
                        }
                        _ => Err((*span, "only numbers can be negative".to_string())),
                    };
                }
                let (e, w) = self.expr(inner, None)?;
                self.integer(&w, inner.span(), "-")?;
                Ok((Expr::Neg(Box::new(e)), Want::of(Kind::Int)))
            }
            Operand::Binary { op, lhs, rhs, span } => {
                let side = self
                    .typed(lhs)
                    .or_else(|| self.typed(rhs))
                    .ok_or_else(|| match lhs.as_ref() {
                        Operand::Word(ws) => self.not_a_field(*ws),
                        _ => (*span, "arithmetic needs a field on one side".to_string()),
                    })?;
                let symbol = if *op == ArithOp::BitAnd {
                    "&"
                } else {
                    "arithmetic"
                };
                let literal_want = Want {
                    kind: Kind::Int,
                    field: side.field,
                    bounds: None,
                };
                let (l, lw) = self.expr(lhs, Some(&literal_want))?;
                self.integer(&lw, lhs.span(), symbol)?;
                let (r, rw) = self.expr(rhs, Some(&literal_want))?;
                self.integer(&rw, rhs.span(), symbol)?;
                let result = if *op == ArithOp::BitAnd {
                    Want {
                        kind: Kind::Int,
                        ..side
                    }
                } else {
                    Want::of(Kind::Int)
                };
                Ok((Expr::Arith(*op, Box::new(l), Box::new(r)), result))
            }
        }
    }

    /// Arithmetic and `&` work on integer fields only.
    fn integer(&self, w: &Want, span: Span, symbol: &str) -> Result<(), CheckError> {
        match w.kind {
            Kind::Int => Ok(()),
            Kind::Bool => Err((
                span,
                format!(
                    "{} is a flag (a boolean), and {symbol} works on integer fields: compare the flag with == 1, or use & on the integer it is part of (like tcp.flags & 0x02)",
                    w.field.map_or("this", |f| f.name)
                ),
            )),
            kind => Err((span, format!("{symbol} works on integers, but {} is {}", w.field.map_or("this", |f| f.name), kind.phrase()))),
        }
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Operand],
        name_span: Span,
        span: Span,
    ) -> Result<(Expr, Want), CheckError> {
        let [arg] = args else {
            if matches!(name, "len" | "count") {
                return Err((span, format!("{name}() takes exactly one field")));
            }
            return Err(self.unknown_function(name, name_span));
        };
        match name {
            "count" => match self.expr(arg, None)?.0 {
                Expr::Field(sel) => Ok((Expr::Count(sel), Want::of(Kind::Int))),
                _ => Err((
                    arg.span(),
                    "count() counts the occurrences of a field: count(ip.src)".to_string(),
                )),
            },
            "len" => {
                let (e, w) = self.expr(arg, None)?;
                if !(w.kind.is_byte_like() || matches!(w.kind, Kind::Ipv4 | Kind::Ipv6)) {
                    let name = w.field.map_or("this value", |f| f.name);
                    return Err((
                        arg.span(),
                        format!(
                            "len() measures bytes or text, but {name} is {}",
                            w.kind.phrase()
                        ),
                    ));
                }
                Ok((Expr::Len(Box::new(e)), Want::of(Kind::Int)))
            }
            _ => Err(self.unknown_function(name, name_span)),
        }
    }

    fn unknown_function(&self, name: &str, span: Span) -> CheckError {
        let known = [
            "upper", "lower", "string", "max", "min", "abs", "len", "count",
        ];
        if known.contains(&name) {
            (
                span,
                format!(
                    "the function {name}() is not supported by wirelab (it has len() and count())"
                ),
            )
        } else {
            (
                span,
                format!("there is no function \"{name}\" (wirelab has len() and count())"),
            )
        }
    }
}

/// A layer range (`#2`, `#[1-2]`) as inclusive layer numbers, counting from 1.
fn layer_range(r: &Range) -> Result<(u32, u32), CheckError> {
    let bad = || {
        (
            r.span,
            "layers count from 1: write #1 for the outer header, #2 for the next".to_string(),
        )
    };
    let start = u32::try_from(r.start)
        .ok()
        .filter(|&s| s >= 1)
        .ok_or_else(bad)?;
    let end = match r.end {
        RangeEnd::Length(n) => {
            start.checked_add(u32::try_from(n).ok().filter(|&n| n >= 1).ok_or_else(bad)? - 1)
        }
        RangeEnd::Inclusive(e) => u32::try_from(e).ok().filter(|&e| e >= start),
        RangeEnd::ToEnd => Some(u32::MAX),
    };
    Ok((start, end.ok_or_else(bad)?))
}
