//! The parser: tokens to a syntax tree, by recursive descent, one function per grammar rule
//! (the grammar is in the module docs of [`super`]). Nothing here knows what a field is: words
//! stay words until the checker resolves them.

use super::lexer::{ArithOp, CmpOp, Tok, Token};
use super::Span;

/// A test: something true or false for a frame.
#[derive(Clone, Debug)]
pub(super) enum Node {
    /// Chains of one operator are kept flat (`a || b || c` is one `Or` of three), so that a
    /// long filter does not make a deep tree.
    Or(Vec<Node>),
    Xor(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Relation(Relation),
}

/// `[any|all] operand [operator operand]`.
#[derive(Clone, Debug)]
pub(super) struct Relation {
    /// An explicit `any` or `all` in front, and where it was.
    pub quantifier: Option<(bool, Span)>,
    pub kind: RelKind,
}

#[derive(Clone, Debug)]
pub(super) enum RelKind {
    /// A field alone (presence), or an expression alone (true when not zero).
    Bare(Operand),
    Compare {
        op: CmpOp,
        op_span: Span,
        lhs: Operand,
        rhs: Operand,
    },
    Contains {
        op_span: Span,
        lhs: Operand,
        rhs: Operand,
    },
    Matches {
        op_span: Span,
    },
    In {
        op_span: Span,
        lhs: Operand,
        set: Vec<SetElement>,
        negated: bool,
    },
}

/// One member of `{…}`: a value or a range `low .. high`.
#[derive(Clone, Debug)]
pub(super) struct SetElement {
    pub low: Operand,
    pub high: Option<Operand>,
}

/// Something that has values: a field, a literal, a slice, a function call, arithmetic.
#[derive(Clone, Debug)]
pub(super) enum Operand {
    /// An unquoted word: a field name or a value, decided by the checker.
    Word(Span),
    Str(Vec<u8>, Span),
    Char(u8, Span),
    /// `field#2`, `field#[1-2]`: only the occurrences in those protocol layers.
    Layer {
        field: Span,
        layers: Vec<Range>,
    },
    Slice {
        base: Box<Operand>,
        ranges: Vec<Range>,
        span: Span,
    },
    Call {
        name: Span,
        args: Vec<Operand>,
        span: Span,
    },
    Neg(Box<Operand>, Span),
    Binary {
        op: ArithOp,
        lhs: Box<Operand>,
        rhs: Box<Operand>,
        span: Span,
    },
}

impl Operand {
    pub(super) fn span(&self) -> Span {
        match self {
            Operand::Word(s) | Operand::Str(_, s) | Operand::Char(_, s) => *s,
            Operand::Layer { field, layers } => {
                Span::new(field.start, layers.last().map_or(field.end, |r| r.span.end))
            }
            Operand::Slice { span, .. } | Operand::Call { span, .. } => *span,
            Operand::Neg(_, span) | Operand::Binary { span, .. } => *span,
        }
    }
}

/// A slice or layer range, after Wireshark's `drange`: `[i:j]` (start, length), `[i-j]`
/// (start, end inclusive), `[i]`, `[:j]`, `[i:]`. Negative offsets count from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Range {
    pub start: i64,
    pub end: RangeEnd,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RangeEnd {
    Length(i64),
    Inclusive(i64),
    ToEnd,
}

pub(super) type ParseError = (Span, String);

/// How deep parentheses, `not`s, braces, slices and arithmetic may nest: far more than anyone
/// writes, and little enough that checking and running the filter cannot overflow the stack.
const MAX_DEPTH: usize = 64;

pub(super) fn parse(text: &str, tokens: &[Token]) -> Result<Option<Node>, ParseError> {
    let mut p = Parser {
        text,
        tokens,
        pos: 0,
        depth: 0,
    };
    if tokens.is_empty() {
        return Ok(None);
    }
    let node = p.or()?;
    if let Some(t) = p.peek() {
        let after = p.describe_prev();
        return Err((
            t.span,
            format!(
                "{} was not expected after {after}; join tests with \"&&\" or \"||\"",
                p.describe(t)
            ),
        ));
    }
    Ok(Some(node))
}

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [Token],
    pos: usize,
    /// Current nesting, checked against [`MAX_DEPTH`].
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.pos)
    }

    fn peek_tok(&self) -> Option<&'a Tok> {
        self.peek().map(|t| &t.tok)
    }

    fn bump(&mut self) -> Option<&'a Token> {
        let t = self.tokens.get(self.pos);
        self.pos += 1;
        t
    }

    fn eat(&mut self, tok: &Tok) -> Option<Span> {
        match self.peek() {
            Some(t) if &t.tok == tok => {
                self.pos += 1;
                Some(t.span)
            }
            _ => None,
        }
    }

    fn source(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// How a token reads in a message: `"=="`, `the word "tcp"`.
    fn describe(&self, t: &Token) -> String {
        format!("\"{}\"", self.source(t.span))
    }

    fn describe_prev(&self) -> String {
        match self.pos.checked_sub(1).and_then(|p| self.tokens.get(p)) {
            Some(t) => self.describe(t),
            None => "the start of the filter".to_string(),
        }
    }

    /// The error for a missing piece: at the token found, or just past the end of the filter.
    fn expected(&self, what: &str) -> ParseError {
        let after = self.describe_prev();
        match self.peek() {
            Some(t) => (
                t.span,
                format!("expected {what} after {after}, found {}", self.describe(t)),
            ),
            None => {
                let end = self.text.trim_end().len();
                (
                    Span::new(end, end + 1),
                    format!("expected {what} after {after}, found the end of the filter"),
                )
            }
        }
    }

    /// Go one level deeper, or stop with an error past [`MAX_DEPTH`]. Callers restore
    /// `self.depth` when they return.
    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth <= MAX_DEPTH {
            return Ok(());
        }
        let span = self.peek().map_or_else(
            || Span::new(self.text.len(), self.text.len() + 1),
            |t| t.span,
        );
        Err((span, format!("this filter nests more than {MAX_DEPTH} levels deep, which is as far as wirelab goes")))
    }

    /// `item { op item }` as one flat list: a chain of the same operator.
    fn chain_of(
        &mut self,
        op: &Tok,
        item: fn(&mut Self) -> Result<Node, ParseError>,
        make: fn(Vec<Node>) -> Node,
    ) -> Result<Node, ParseError> {
        let first = item(self)?;
        if self.peek_tok() != Some(op) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(op).is_some() {
            items.push(item(self)?);
        }
        Ok(make(items))
    }

    // expr = xor_expr { ("||" | "or") xor_expr }
    fn or(&mut self) -> Result<Node, ParseError> {
        self.chain_of(&Tok::Or, Self::xor, Node::Or)
    }

    // xor_expr = and_expr { ("^^" | "xor") and_expr }
    fn xor(&mut self) -> Result<Node, ParseError> {
        self.chain_of(&Tok::Xor, Self::and, Node::Xor)
    }

    // and_expr = not_expr { ("&&" | "and") not_expr }
    fn and(&mut self) -> Result<Node, ParseError> {
        self.chain_of(&Tok::And, Self::not, Node::And)
    }

    // not_expr = ("!" | "not") not_expr | "(" expr ")" | relation
    fn not(&mut self) -> Result<Node, ParseError> {
        let depth = self.depth;
        let node = self.not_inner();
        self.depth = depth;
        node
    }

    fn not_inner(&mut self) -> Result<Node, ParseError> {
        if self.eat(&Tok::Not).is_some() {
            self.deeper()?;
            return Ok(Node::Not(Box::new(self.not()?)));
        }
        if let Some(open) = self.eat(&Tok::LParen) {
            if self.peek().is_none() {
                return Err(self.expected("a test"));
            }
            self.deeper()?;
            let node = self.or()?;
            if self.eat(&Tok::RParen).is_none() {
                let col = self.text[..open.start].chars().count() + 1;
                return Err(self.expected(&format!("\")\" to close the \"(\" at column {col}")));
            }
            if let Some(t) = self
                .peek()
                .filter(|t| matches!(t.tok, Tok::Cmp(_) | Tok::Arith(_) | Tok::Contains | Tok::In))
            {
                return Err((
                    t.span,
                    format!(
                        "{} cannot follow a parenthesised test: ( ) groups tests; group arithmetic with {{ }}",
                        self.describe(t)
                    ),
                ));
            }
            return Ok(node);
        }
        self.relation()
    }

    // relation = [ "any" | "all" ] arith [ cmp_op arith { cmp_op arith }
    //          | "contains" arith | ("matches" | "~") arith | [ "not" ] "in" set ]
    fn relation(&mut self) -> Result<Node, ParseError> {
        let quantifier = match self.peek_tok() {
            Some(Tok::Any) => self.bump().map(|t| (false, t.span)),
            Some(Tok::All) => self.bump().map(|t| (true, t.span)),
            _ => None,
        };
        let lhs = self.arith()?;
        let kind = match self.peek().map(|t| (&t.tok, t.span)) {
            Some((Tok::Cmp(op), op_span)) => {
                self.pos += 1;
                let rhs = self.value_after()?;
                let first = RelKind::Compare {
                    op: *op,
                    op_span,
                    lhs,
                    rhs,
                };
                // Wireshark 4 reads `a < b < c` as `a < b && b < c`.
                if let Some(Tok::Cmp(_)) = self.peek_tok() {
                    return self.chain(quantifier, first);
                }
                first
            }
            Some((Tok::Contains, op_span)) => {
                self.pos += 1;
                let rhs = self.value_after()?;
                RelKind::Contains { op_span, lhs, rhs }
            }
            Some((Tok::Matches, op_span)) => {
                self.pos += 1;
                let _ = self.value_after()?;
                RelKind::Matches { op_span }
            }
            Some((Tok::In, op_span)) => {
                self.pos += 1;
                RelKind::In {
                    op_span,
                    lhs,
                    set: self.set()?,
                    negated: false,
                }
            }
            Some((Tok::Not, op_span))
                if matches!(self.tokens.get(self.pos + 1).map(|t| &t.tok), Some(Tok::In)) =>
            {
                self.pos += 2;
                RelKind::In {
                    op_span,
                    lhs,
                    set: self.set()?,
                    negated: true,
                }
            }
            _ => RelKind::Bare(lhs),
        };
        Ok(Node::Relation(Relation { quantifier, kind }))
    }

    /// The rest of `a < b < c …`, as a conjunction of pairwise comparisons.
    fn chain(
        &mut self,
        quantifier: Option<(bool, Span)>,
        first: RelKind,
    ) -> Result<Node, ParseError> {
        let mut previous = match &first {
            RelKind::Compare { rhs, .. } => rhs.clone(),
            _ => {
                return Ok(Node::Relation(Relation {
                    quantifier,
                    kind: first,
                }))
            }
        };
        let mut nodes = vec![Node::Relation(Relation {
            quantifier,
            kind: first,
        })];
        while let Some(&Tok::Cmp(op)) = self.peek_tok() {
            let op_span = self.bump().map(|t| t.span).unwrap_or_default();
            let rhs = self.value_after()?;
            let next = RelKind::Compare {
                op,
                op_span,
                lhs: previous,
                rhs: rhs.clone(),
            };
            nodes.push(Node::Relation(Relation {
                quantifier,
                kind: next,
            }));
            previous = rhs;
        }
        Ok(Node::And(nodes))
    }

    fn value_after(&mut self) -> Result<Operand, ParseError> {
        if self.peek().is_none() || !self.starts_operand() {
            return Err(self.expected("a value"));
        }
        self.arith()
    }

    fn starts_operand(&self) -> bool {
        matches!(
            self.peek_tok(),
            Some(
                Tok::Word
                    | Tok::Str(_)
                    | Tok::Char(_)
                    | Tok::LBrace
                    | Tok::Arith(ArithOp::Sub | ArithOp::Add)
                    | Tok::At
                    | Tok::Dollar
            )
        )
    }

    // set = "{" element { [","] element } "}" ; element = value [ ".." value ]
    fn set(&mut self) -> Result<Vec<SetElement>, ParseError> {
        if self.eat(&Tok::LBrace).is_none() {
            return Err(self.expected("a set of values in braces, like {80 443} or {1..1023}"));
        }
        let mut set = Vec::new();
        loop {
            if self.eat(&Tok::RBrace).is_some() {
                if set.is_empty() {
                    return Err((
                        self.tokens[self.pos - 1].span,
                        "a set needs at least one value".to_string(),
                    ));
                }
                return Ok(set);
            }
            if !set.is_empty() && self.eat(&Tok::Comma).is_some() && !self.starts_operand() {
                return Err(self.expected("a value"));
            }
            if !self.starts_operand() {
                return Err(self.expected(if set.is_empty() {
                    "a value"
                } else {
                    "a value or \"}\""
                }));
            }
            let low = self.unary()?;
            let high = match self.eat(&Tok::DotDot) {
                Some(_) if !self.starts_operand() => {
                    return Err(self.expected("the upper end of the range"))
                }
                Some(_) => Some(self.unary()?),
                None => None,
            };
            set.push(SetElement { low, high });
        }
    }

    // arith = sum { ("&" | "bitwise_and") sum }
    fn arith(&mut self) -> Result<Operand, ParseError> {
        self.binary(0)
    }

    /// Binary arithmetic by precedence level: 0 is `&`, 1 is `+ -`, 2 is `* / %`.
    fn binary(&mut self, level: u8) -> Result<Operand, ParseError> {
        let depth = self.depth;
        let operand = self.binary_inner(level);
        self.depth = depth;
        operand
    }

    fn binary_inner(&mut self, level: u8) -> Result<Operand, ParseError> {
        let mut lhs = if level == 2 {
            self.unary()?
        } else {
            self.binary(level + 1)?
        };
        loop {
            let op = match self.peek_tok() {
                Some(Tok::Arith(op)) if level_of(*op) == level => *op,
                _ => return Ok(lhs),
            };
            self.pos += 1;
            if !self.starts_operand() {
                return Err(self.expected("a value"));
            }
            self.deeper()?;
            let rhs = if level == 2 {
                self.unary()?
            } else {
                self.binary(level + 1)?
            };
            let span = Span::new(lhs.span().start, rhs.span().end);
            lhs = Operand::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                span,
            };
        }
    }

    // unary = ("-" | "+") entity | entity
    fn unary(&mut self) -> Result<Operand, ParseError> {
        if let Some(minus) = self.eat(&Tok::Arith(ArithOp::Sub)) {
            let operand = self.entity()?;
            let span = Span::new(minus.start, operand.span().end);
            return Ok(Operand::Neg(Box::new(operand), span));
        }
        if self.eat(&Tok::Arith(ArithOp::Add)).is_some() {
            return self.entity();
        }
        self.entity()
    }

    // entity = ( word [ "#" layer ] | word "(" [ arith { "," arith } ] ")" | string | char
    //          | "{" arith "}" ) { "[" ranges "]" }
    fn entity(&mut self) -> Result<Operand, ParseError> {
        let depth = self.depth;
        self.deeper()?;
        let operand = self.entity_inner();
        self.depth = depth;
        operand
    }

    fn entity_inner(&mut self) -> Result<Operand, ParseError> {
        let Some(t) = self.bump() else {
            self.pos -= 1;
            return Err(self.expected("a field or a value"));
        };
        let mut operand = match &t.tok {
            Tok::Word if self.peek_tok() == Some(&Tok::LParen) => self.call(t.span)?,
            Tok::Word if self.peek_tok() == Some(&Tok::Hash) => {
                self.pos += 1;
                let layers = if self.eat(&Tok::LBracket).is_some() { self.ranges()? } else { vec![self.range()?] };
                Operand::Layer { field: t.span, layers }
            }
            Tok::Word => Operand::Word(t.span),
            Tok::Str(bytes) => Operand::Str(bytes.clone(), t.span),
            Tok::Char(c) => Operand::Char(*c, t.span),
            Tok::LBrace => {
                let inner = self.arith()?;
                if self.eat(&Tok::RBrace).is_none() {
                    return Err(self.expected("\"}\" to close the arithmetic group"));
                }
                inner
            }
            Tok::At => return Err((t.span, "raw field values (@field) are not supported by wirelab".to_string())),
            Tok::Dollar => {
                return Err((
                    t.span,
                    "field references (${field}) need a selected frame, which wirelab dissect does not have".to_string(),
                ))
            }
            _ => {
                self.pos -= 1;
                return Err(self.expected("a field or a value"));
            }
        };
        while self.eat(&Tok::LBracket).is_some() {
            self.deeper()?;
            let ranges = self.ranges()?;
            let end = self.tokens[self.pos - 1].span.end;
            let span = Span::new(operand.span().start, end);
            operand = Operand::Slice {
                base: Box::new(operand),
                ranges,
                span,
            };
        }
        Ok(operand)
    }

    fn call(&mut self, name: Span) -> Result<Operand, ParseError> {
        self.pos += 1; // the "("
        let mut args = Vec::new();
        if self.eat(&Tok::RParen).is_none() {
            loop {
                if !self.starts_operand() {
                    return Err(self.expected("a function argument"));
                }
                args.push(self.arith()?);
                if self.eat(&Tok::Comma).is_some() {
                    continue;
                }
                if self.eat(&Tok::RParen).is_none() {
                    return Err(self.expected("\",\" or \")\" in the function's arguments"));
                }
                break;
            }
        }
        let span = Span::new(name.start, self.tokens[self.pos - 1].span.end);
        Ok(Operand::Call { name, args, span })
    }

    /// `range { "," range } "]"`, the `[` already eaten.
    fn ranges(&mut self) -> Result<Vec<Range>, ParseError> {
        let mut ranges = vec![self.range()?];
        while self.eat(&Tok::Comma).is_some() {
            ranges.push(self.range()?);
        }
        if self.eat(&Tok::RBracket).is_none() {
            return Err(self.expected("\"]\" to close the slice"));
        }
        Ok(ranges)
    }

    /// One range: the lexer made it a word (`0:3`, `100-199`, `4:`), maybe after a `-`.
    fn range(&mut self) -> Result<Range, ParseError> {
        let minus = self.eat(&Tok::Arith(ArithOp::Sub));
        let Some(word) = self.eat(&Tok::Word) else {
            return Err(self.expected("an offset such as 0, 0:3, 2-5 or -4:"));
        };
        let span = Span::new(minus.map_or(word.start, |m| m.start), word.end);
        parse_range(self.source(span)).map(|(start, end)| Range { start, end, span }).ok_or_else(|| {
            (
                span,
                format!(
                    "\"{}\" is not a range: write [i] for one byte, [i:n] for n bytes from i, [i-j] from i to j, or [i:] to the end",
                    self.source(span)
                ),
            )
        })
    }
}

fn level_of(op: ArithOp) -> u8 {
    match op {
        ArithOp::BitAnd => 0,
        ArithOp::Add | ArithOp::Sub => 1,
        ArithOp::Mul | ArithOp::Div | ArithOp::Rem => 2,
    }
}

/// `i`, `i:j`, `i-j`, `:j`, `i:`, with optional minus signs on the offsets.
fn parse_range(text: &str) -> Option<(i64, RangeEnd)> {
    let int = |s: &str| -> Option<i64> {
        let (neg, digits) = s.strip_prefix('-').map_or((false, s), |d| (true, d));
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: i64 = digits.parse().ok()?;
        Some(if neg { -v } else { v })
    };
    if let Some((a, b)) = text.split_once(':') {
        let start = if a.is_empty() { 0 } else { int(a)? };
        let end = if b.is_empty() {
            RangeEnd::ToEnd
        } else {
            RangeEnd::Length(int(b)?)
        };
        return Some((start, end));
    }
    // `i-j`; the first `-` after the first character separates the two (the first may be a sign).
    if let Some(p) = text.get(1..).and_then(|rest| rest.find('-')).map(|p| p + 1) {
        return Some((int(&text[..p])?, RangeEnd::Inclusive(int(&text[p + 1..])?)));
    }
    Some((int(text)?, RangeEnd::Length(1)))
}
