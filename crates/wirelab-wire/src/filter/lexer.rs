//! The lexer: filter text to tokens, each with the byte span it came from (for error carets).
//!
//! Unquoted values are one kind of token, the *word*: a run of letters, digits and
//! `_ . : - /`, which covers field names (`tcp.flags.syn`), numbers (`0x0800`, `1.5`),
//! addresses (`10.0.0.0/8`, `fe80::1`, `aa:bb:cc:dd:ee:ff`) and byte strings (`47.45.54`).
//! Whether a word is a field or a value is decided later, by the checker, as Wireshark does.
//! Two dots end a word, so `{1..10}` is `1`, `..`, `10`.

use super::Span;

/// A comparison operator, named by what it tests over a field's occurrences (Wireshark 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CmpOp {
    /// `==`, `eq`, `any_eq`: some occurrence is equal.
    AnyEq,
    /// `!=`, `ne`, `all_ne`: every occurrence differs.
    AllNe,
    /// `===`, `all_eq`: every occurrence is equal.
    AllEq,
    /// `!==`, `any_ne`, `~=`: some occurrence differs.
    AnyNe,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            CmpOp::AnyEq => "==",
            CmpOp::AllNe => "!=",
            CmpOp::AllEq => "===",
            CmpOp::AnyNe => "!==",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// Arithmetic operators, lowest precedence first: `&`, then `+ -`, then `* / %`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ArithOp {
    BitAnd,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    /// A field name or an unquoted value; its text is the token's span in the filter.
    Word,
    /// A double-quoted string, escapes decoded (it may hold any byte: `"\xff"`).
    Str(Vec<u8>),
    /// A C-style character constant: `'a'`, `'\n'`, `'\x0a'`.
    Char(u8),
    Cmp(CmpOp),
    Arith(ArithOp),
    And,
    Or,
    Xor,
    Not,
    Contains,
    Matches,
    In,
    Any,
    All,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    DotDot,
    Hash,
    /// `@` (raw field bytes) and `$` (field references): recognised only to say they are
    /// not supported.
    At,
    Dollar,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// A lexing error: where, and what to tell the user.
pub(super) type LexError = (Span, String);

/// Split `text` into tokens.
pub(super) fn tokenize(text: &str) -> Result<Vec<Token>, LexError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let next = bytes.get(i + 1).copied();
        let tok = match c {
            b'(' => one(&mut i, Tok::LParen),
            b')' => one(&mut i, Tok::RParen),
            b'{' => one(&mut i, Tok::LBrace),
            b'}' => one(&mut i, Tok::RBrace),
            b'[' => one(&mut i, Tok::LBracket),
            b']' => one(&mut i, Tok::RBracket),
            b',' => one(&mut i, Tok::Comma),
            b'#' => one(&mut i, Tok::Hash),
            b'@' => one(&mut i, Tok::At),
            b'$' => one(&mut i, Tok::Dollar),
            b'+' => one(&mut i, Tok::Arith(ArithOp::Add)),
            b'-' => one(&mut i, Tok::Arith(ArithOp::Sub)),
            b'*' => one(&mut i, Tok::Arith(ArithOp::Mul)),
            b'/' => one(&mut i, Tok::Arith(ArithOp::Div)),
            b'%' => one(&mut i, Tok::Arith(ArithOp::Rem)),
            b'.' if next == Some(b'.') => {
                i += 2;
                Tok::DotDot
            }
            b'=' if text[i..].starts_with("===") => three(&mut i, Tok::Cmp(CmpOp::AllEq)),
            b'=' if next == Some(b'=') => two(&mut i, Tok::Cmp(CmpOp::AnyEq)),
            b'!' if text[i..].starts_with("!==") => three(&mut i, Tok::Cmp(CmpOp::AnyNe)),
            b'!' if next == Some(b'=') => two(&mut i, Tok::Cmp(CmpOp::AllNe)),
            b'!' => one(&mut i, Tok::Not),
            b'<' if next == Some(b'=') => two(&mut i, Tok::Cmp(CmpOp::Le)),
            b'<' => one(&mut i, Tok::Cmp(CmpOp::Lt)),
            b'>' if next == Some(b'=') => two(&mut i, Tok::Cmp(CmpOp::Ge)),
            b'>' => one(&mut i, Tok::Cmp(CmpOp::Gt)),
            b'~' if next == Some(b'=') => two(&mut i, Tok::Cmp(CmpOp::AnyNe)),
            b'~' => one(&mut i, Tok::Matches),
            b'&' if next == Some(b'&') => two(&mut i, Tok::And),
            b'&' => one(&mut i, Tok::Arith(ArithOp::BitAnd)),
            b'|' if next == Some(b'|') => two(&mut i, Tok::Or),
            b'^' if next == Some(b'^') => two(&mut i, Tok::Xor),
            b'=' => return Err(hint(i, 1, "\"=\" is not an operator; did you mean \"==\"?")),
            b'|' => {
                return Err(hint(
                    i,
                    1,
                    "\"|\" is not an operator; did you mean \"||\" (or)?",
                ))
            }
            b'^' => {
                return Err(hint(
                    i,
                    1,
                    "\"^\" is not an operator; did you mean \"^^\" (xor)?",
                ))
            }
            b'"' => Tok::Str(string(text, &mut i, false)?),
            b'r' if next == Some(b'"') => {
                i += 1;
                Tok::Str(string(text, &mut i, true)?)
            }
            b'\'' => Tok::Char(char_constant(text, &mut i)?),
            c if is_word_start(c) => {
                while i < bytes.len() && is_word_byte(bytes[i]) && !bytes[i..].starts_with(b"..") {
                    i += 1;
                }
                keyword(&text[start..i]).unwrap_or(Tok::Word)
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err((
                    Span::new(i, i + ch.len_utf8()),
                    format!("\"{ch}\" cannot appear in a filter outside a quoted string"),
                ));
            }
        };
        tokens.push(Token {
            tok,
            span: Span::new(start, i),
        });
    }
    Ok(tokens)
}

fn one(i: &mut usize, tok: Tok) -> Tok {
    *i += 1;
    tok
}

fn two(i: &mut usize, tok: Tok) -> Tok {
    *i += 2;
    tok
}

fn three(i: &mut usize, tok: Tok) -> Tok {
    *i += 3;
    tok
}

fn hint(at: usize, len: usize, message: &str) -> LexError {
    (Span::new(at, at + len), message.to_string())
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b':'
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-' | b'/')
}

/// The English-like operators. Keywords are lower case, as in Wireshark.
fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "and" => Tok::And,
        "or" => Tok::Or,
        "xor" => Tok::Xor,
        "not" => Tok::Not,
        "eq" | "any_eq" => Tok::Cmp(CmpOp::AnyEq),
        "ne" | "all_ne" => Tok::Cmp(CmpOp::AllNe),
        "all_eq" => Tok::Cmp(CmpOp::AllEq),
        "any_ne" => Tok::Cmp(CmpOp::AnyNe),
        "lt" => Tok::Cmp(CmpOp::Lt),
        "le" => Tok::Cmp(CmpOp::Le),
        "gt" => Tok::Cmp(CmpOp::Gt),
        "ge" => Tok::Cmp(CmpOp::Ge),
        "contains" => Tok::Contains,
        "matches" => Tok::Matches,
        "in" => Tok::In,
        "any" => Tok::Any,
        "all" => Tok::All,
        "bitwise_and" => Tok::Arith(ArithOp::BitAnd),
        _ => return None,
    })
}

/// A double-quoted string starting at `*i` (the quote). Raw strings (`r"…"`) keep backslashes
/// but still let `\"` stand for a quote inside, as in Wireshark.
fn string(text: &str, i: &mut usize, raw: bool) -> Result<Vec<u8>, LexError> {
    let open = if raw { *i - 1 } else { *i };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    *i += 1;
    loop {
        let Some(&c) = bytes.get(*i) else {
            return Err(hint(open, 1, "this quoted string has no closing \""));
        };
        match c {
            b'"' => {
                *i += 1;
                return Ok(out);
            }
            b'\\' if raw => {
                out.push(b'\\');
                if bytes.get(*i + 1) == Some(&b'"') {
                    out.push(b'"');
                    *i += 1;
                }
                *i += 1;
            }
            b'\\' => escape(text, i, &mut out)?,
            _ => {
                out.push(c);
                *i += 1;
            }
        }
    }
}

/// A character constant `'x'` starting at `*i`: one byte, as an integer value.
fn char_constant(text: &str, i: &mut usize) -> Result<u8, LexError> {
    let open = *i;
    let bytes = text.as_bytes();
    *i += 1;
    let mut value = Vec::new();
    match bytes.get(*i) {
        Some(b'\\') => escape(text, i, &mut value)?,
        Some(b'\'') | None => {}
        Some(_) => {
            let ch = text[*i..].chars().next().unwrap_or('?');
            let mut buf = [0; 4];
            value.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            *i += ch.len_utf8();
        }
    }
    if bytes.get(*i) != Some(&b'\'') || value.len() != 1 {
        let end = text[open + 1..]
            .find('\'')
            .map_or(text.len(), |p| open + 2 + p);
        return Err((
            Span::new(open, end),
            "a character constant holds exactly one byte, like 'a', '\\n' or '\\x0a'".to_string(),
        ));
    }
    *i += 1;
    Ok(value[0])
}

/// One backslash escape at `*i` (the backslash), appended to `out` as bytes.
fn escape(text: &str, i: &mut usize, out: &mut Vec<u8>) -> Result<(), LexError> {
    let bytes = text.as_bytes();
    let at = *i;
    let bad = |len: usize, what: &str| Err(hint(at, len, what));
    let Some(&c) = bytes.get(at + 1) else {
        return bad(1, "a backslash at the end of the filter escapes nothing");
    };
    let simple = match c {
        b'\'' => Some(b'\''),
        b'"' => Some(b'"'),
        b'\\' => Some(b'\\'),
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        _ => None,
    };
    if let Some(byte) = simple {
        out.push(byte);
        *i += 2;
        return Ok(());
    }
    match c {
        b'x' => {
            let digits = hex_run(bytes, at + 2, 2);
            if digits.is_empty() {
                return bad(2, "\\x must be followed by one or two hex digits");
            }
            out.push(u8::from_str_radix(digits, 16).unwrap_or(0));
            *i = at + 2 + digits.len();
        }
        b'0'..=b'7' => {
            let end = (at + 1..(at + 4).min(bytes.len()))
                .take_while(|&k| (b'0'..=b'7').contains(&bytes[k]))
                .last()
                .map_or(at + 2, |k| k + 1);
            let value = u32::from_str_radix(&text[at + 1..end], 8).unwrap_or(0);
            if value > 0xff {
                return bad(end - at, "an octal escape is at most \\377 (one byte)");
            }
            out.push(value as u8);
            *i = end;
        }
        b'u' | b'U' => {
            let want = if c == b'u' { 4 } else { 8 };
            let digits = hex_run(bytes, at + 2, want);
            let ch = (digits.len() == want)
                .then(|| {
                    u32::from_str_radix(digits, 16)
                        .ok()
                        .and_then(char::from_u32)
                })
                .flatten();
            let Some(ch) = ch else {
                return bad(
                    2 + digits.len(),
                    "\\u needs 4 hex digits and \\U 8, naming a Unicode character",
                );
            };
            let mut buf = [0; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            *i = at + 2 + want;
        }
        _ => {
            let ch = text[at + 1..].chars().next().unwrap_or('?');
            return Err(hint(
                at,
                1 + ch.len_utf8(),
                &format!("\"\\{ch}\" is not an escape; write \\\\ for a backslash"),
            ));
        }
    }
    Ok(())
}

/// Up to `max` hex digits starting at `from`.
fn hex_run(bytes: &[u8], from: usize, max: usize) -> &str {
    let end = (from..(from + max).min(bytes.len()))
        .take_while(|&k| bytes[k].is_ascii_hexdigit())
        .last()
        .map_or(from, |k| k + 1);
    std::str::from_utf8(bytes.get(from..end).unwrap_or(&[])).unwrap_or("")
}
