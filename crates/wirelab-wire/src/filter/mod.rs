//! Display filters (`wirelab dissect -Y FILTER`), in Wireshark's language.
//!
//! A display filter is a test run on every dissected frame: `tcp.port == 443`,
//! `ip.addr == 10.0.0.0/8 && !icmp`, `tcp.flags.syn == 1 && tcp.flags.ack == 0`. Field names
//! are the ones `wirelab dissect -V` shows, which are Wireshark's, so a filter written here
//! works in Wireshark and the other way round.
//!
//! ```text
//!  "tcp.port == 443"
//!     │ lexer.rs    words, operators, strings        [Word tcp.port] [==] [Word 443]
//!     │ parser.rs   syntax tree, by precedence       Compare(==, Word, Word)
//!     │ check.rs    names to fields, literals typed  Compare(any, Eq, Field(&tcp.port), Const(443))
//!     ▼ eval.rs     run on each frame's items        true / false
//! ```
//!
//! # Grammar
//!
//! Lowest precedence first; `{ x }` repeats, `[ x ]` is optional.
//!
//! ```text
//! filter     = [ or ] ;
//! or         = xor { ( "||" | "or" ) xor } ;
//! xor        = and { ( "^^" | "xor" ) and } ;
//! and        = not { ( "&&" | "and" ) not } ;
//! not        = ( "!" | "not" ) not | "(" or ")" | relation ;
//! relation   = [ "any" | "all" ] arith
//!              [ compare arith { compare arith }      (* a < b < c is a < b && b < c *)
//!              | "contains" arith
//!              | [ "not" ] "in" set ] ;
//! compare    = "==" | "eq" | "any_eq" | "!=" | "ne" | "all_ne" | "===" | "all_eq"
//!            | "!==" | "any_ne" | "<" | "lt" | "<=" | "le" | ">" | "gt" | ">=" | "ge" ;
//! set        = "{" element { [ "," ] element } "}" ;
//! element    = unary [ ".." unary ] ;
//! arith      = sum { ( "&" | "bitwise_and" ) sum } ;
//! sum        = product { ( "+" | "-" ) product } ;
//! product    = unary { ( "*" | "/" | "%" ) unary } ;
//! unary      = [ "-" | "+" ] entity ;
//! entity     = ( word [ "#" layers ] | word "(" [ arith { "," arith } ] ")"
//!              | string | char | "{" arith "}" ) { "[" range "]" } ;
//! layers     = integer | "[" range { "," range } "]" ;
//! range      = offset | offset ":" length | offset "-" offset | ":" length | offset ":" ;
//! word       = ( letter | digit | "_" | ":" ) { letter | digit | "_" | "." | ":" | "-" | "/" } ;
//! string     = '"' { character | escape } '"' | 'r"' { character } '"' ;
//! char       = "'" ( character | escape ) "'" ;
//! ```
//!
//! # What the tests mean (Wireshark 4 semantics)
//!
//! - A field alone tests that the field is **present**: `tcp`, `tcp.options.mss_val`. So
//!   `!tcp.flags.ack` is false for every TCP segment, set or not; write `tcp.flags.ack == 0`.
//!   ([`Filter::warnings`] says so when a filter does this.)
//! - A field may occur more than once in a frame: `ip.addr` is both addresses, and an ICMP
//!   error quotes a second IP header. `==` is true if **any** occurrence is equal; `!=` is true
//!   if **all** occurrences differ (it is `!(a == b)`, plus presence). `===` (all equal) and
//!   `!==` (any differs) are the other two; `any` / `all` in front of a comparison choose
//!   explicitly (`all tcp.port > 1023`).
//! - Every comparison implies presence: `ip.dst != 10.0.0.1` is false when there is no IP.
//! - A literal takes the type of the field it is compared with: an integer (`443`, `0x1bb`,
//!   `0755` in octal, `0b1`, `'A'`, or a value name: `ip.proto == udp`), a flag (`1`,
//!   `0`, `True`, `False`), an IPv4 or IPv6 address with an optional prefix (`10.0.0.0/8`), a
//!   MAC (`aa:bb:cc:dd:ee:ff`, `aa-bb-…`, `aabb.ccdd.eeff`), bytes (`47:45:54` or `"GET"`), a
//!   time in seconds (`frame.time_relative > 1.5`).
//! - `x in {80 443 8000..8080}` is `x == 80 || x == 443 || (x >= 8000 && x <= 8080)`.
//! - `a contains b` looks for bytes or text: `frame contains "GET"`, `eth.src contains 00:1b`.
//!   On a protocol it searches the whole layer, payload included (`tcp contains "GET"`), as
//!   Wireshark does; slices and `len()` of a protocol see only its own item (the header).
//! - `tcp.flags & 0x02` is true when the AND is not zero; `&`, `+ - * / %` work on integers.
//! - `s[i:n]` slices bytes (`eth.src[0:3] == 00:1b:21`), `f#2` keeps the occurrences in the
//!   second layer of the field's protocol (`ip.src#2`), `len(f)` and `count(f)` are functions.
//!
//! Not supported: `matches` / `~` (regular expressions), slices of several ranges
//! (`[0:1,3:2]`), `&` on slices, the functions `upper lower string max min abs`, field
//! references `${…}`, raw `@field`, host names in place of addresses, the legacy date format
//! (`"Sep 26, 2004 23:18:04"`), nesting deeper than 64 levels.
//!
//! Accepted here but not by tshark 4.0: `^^` / `xor` (Wireshark 4.2), sets separated by
//! spaces (`{80 443}`, as Wireshark 3 wrote them), a literal on the left (`443 == tcp.port`),
//! `true` / `false` in lower case, value names in quotes when they contain spaces
//! (`icmp.type == "Echo (ping) request"`). A word that is both a value name of the field
//! and a protocol means the value here (`ip.proto == udp` is 17), where Wireshark 4.0 takes
//! the protocol and reports incompatible types. Dates are read as UTC, not local time.
//!
//! # Speed
//!
//! Names are resolved once, when the filter is parsed: an item is recognised by the address
//! of its `&'static FieldDef`, one pointer comparison. Values reach comparisons through
//! callbacks, so matching a frame allocates nothing.

mod check;
mod eval;
mod lexer;
mod parser;
mod suggest;
mod value;

#[cfg(test)]
mod tests;

use crate::dissection::Dissection;
use crate::field::FieldDef;
use std::fmt;

/// A byte range in the filter text, for error carets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// A compiled display filter. Parse once, then [`Filter::matches`] every frame; matching
/// allocates nothing.
#[derive(Debug)]
pub struct Filter {
    test: eval::Test,
    text: String,
    warnings: Vec<FilterError>,
}

impl Filter {
    /// Parse a filter over the fields in [`crate::registry`]. The empty filter matches every
    /// frame.
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        Filter::parse_with_fields(text, &[])
    }

    /// Parse a filter that may also name the given fields (for tools and tests that declare
    /// fields of their own).
    pub fn parse_with_fields(
        text: &str,
        extra: &[&'static FieldDef],
    ) -> Result<Filter, FilterError> {
        let located = |(span, message): (Span, String)| FilterError::new(text, span, message);
        let tokens = lexer::tokenize(text).map_err(located)?;
        let tree = parser::parse(text, &tokens).map_err(located)?;
        let mut checker = check::Checker::new(text, extra);
        let test = match &tree {
            Some(node) => checker.test(node).map_err(located)?,
            None => eval::Test::True,
        };
        let warnings = checker.warnings.into_iter().map(located).collect();
        Ok(Filter {
            test,
            text: text.to_string(),
            warnings,
        })
    }

    /// Whether one dissected frame passes the filter. `frame` is the frame's captured bytes,
    /// which byte fields and protocols (`frame contains "GET"`) are read from.
    pub fn matches(&self, d: &Dissection, frame: &[u8]) -> bool {
        self.test.eval(eval::Frame { d, bytes: frame })
    }

    /// The filter as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parts of the filter that are valid but probably not what was meant (a flag's name
    /// alone tests presence, not the flag), located like errors, for the CLI to print.
    pub fn warnings(&self) -> &[FilterError] {
        &self.warnings
    }
}

/// A filter that does not parse, located in the text: its `Display` prints the message, the
/// filter, and a caret line under the offending part, like tshark:
///
/// ```text
/// "tcp.prot" is not a field; did you mean "tcp.port"?
///     tcp.prot == 443
///     ^~~~~~~~
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError {
    /// The filter text.
    pub filter: String,
    /// 1-based column of the first character at fault, counted in characters. One past the
    /// end of the filter when something is missing at its end.
    pub column: usize,
    /// How many characters are at fault (at least 1).
    pub len: usize,
    pub message: String,
}

impl FilterError {
    fn new(text: &str, span: Span, message: String) -> FilterError {
        let start = floor_char_boundary(text, span.start);
        let end = floor_char_boundary(text, span.end.max(span.start));
        let column = text[..start].chars().count() + 1;
        let len = if span.end > text.len() {
            1
        } else {
            text[start..end].chars().count().max(1)
        };
        FilterError {
            filter: text.to_string(),
            column,
            len,
            message,
        }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tabs and newlines would push the caret out of line: show them as spaces.
        let shown: String = self
            .filter
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        writeln!(f, "{}", self.message)?;
        writeln!(f, "    {shown}")?;
        let (pad, tildes) = (self.column.saturating_sub(1), self.len.saturating_sub(1));
        write!(f, "    {:pad$}^{}", "", "~".repeat(tildes))
    }
}

impl std::error::Error for FilterError {}
