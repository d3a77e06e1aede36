//! Values: what a filter compares at run time ([`Scalar`]), and how a literal in the filter
//! text becomes one, typed by the field it is compared with ([`literal`]).
//!
//! A literal has no type of its own, as in Wireshark: `10` is a number next to `ip.ttl`, a
//! byte next to `frame[0]`, and ten seconds next to `frame.time_relative`.

use super::eval::Const;
use crate::field::{FieldDef, FieldType};
use std::cmp::Ordering;
use std::net::{Ipv4Addr, Ipv6Addr};

/// One value of a field or literal, borrowed from the frame, the dissection or the filter.
/// Flags are integers 0 and 1; strings are bytes.
#[derive(Clone, Copy, Debug)]
pub(super) enum Scalar<'a> {
    Int(i128),
    Float(f64),
    /// Nanoseconds (since the epoch, or a difference).
    Time(i128),
    /// An address and a prefix length: fields are /32, CIDR literals may be shorter.
    Ipv4(u32, u8),
    Ipv6(u128, u8),
    Ether([u8; 6]),
    Bytes(&'a [u8]),
}

impl<'a> Scalar<'a> {
    /// Order two values of the same kind; `None` when they cannot be compared. Addresses
    /// compare on the shorter of the two prefixes, so `10.1.2.3 == 10.0.0.0/8`.
    pub(super) fn compare(&self, other: &Scalar<'_>) -> Option<Ordering> {
        match (*self, *other) {
            (Scalar::Int(a), Scalar::Int(b)) | (Scalar::Time(a), Scalar::Time(b)) => {
                Some(a.cmp(&b))
            }
            (Scalar::Float(a), Scalar::Float(b)) => a.partial_cmp(&b),
            (Scalar::Int(a), Scalar::Float(b)) => (a as f64).partial_cmp(&b),
            (Scalar::Float(a), Scalar::Int(b)) => a.partial_cmp(&(b as f64)),
            (Scalar::Ipv4(a, pa), Scalar::Ipv4(b, pb)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(pa.min(pb).min(32)))
                    .unwrap_or(0);
                Some((a & mask).cmp(&(b & mask)))
            }
            (Scalar::Ipv6(a, pa), Scalar::Ipv6(b, pb)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(pa.min(pb).min(128)))
                    .unwrap_or(0);
                Some((a & mask).cmp(&(b & mask)))
            }
            (a, b) => {
                let (mut b1, mut b2) = ([0; 16], [0; 16]);
                match (a.byte_like(&mut b1), b.byte_like(&mut b2)) {
                    (Some(a), Some(b)) => Some(a.cmp(b)),
                    _ => None,
                }
            }
        }
    }

    /// Bytes and Ethernet addresses, which compare with each other (`eth.src[0:3] == …`).
    fn byte_like<'s>(&'s self, buf: &'s mut [u8; 16]) -> Option<&'s [u8]> {
        match self {
            Scalar::Bytes(_) | Scalar::Ether(_) => self.bytes(buf),
            _ => None,
        }
    }

    /// The value as bytes, for slices, `contains` and `len`: addresses in network order.
    pub(super) fn bytes<'s>(&'s self, buf: &'s mut [u8; 16]) -> Option<&'s [u8]> {
        match self {
            Scalar::Bytes(b) => Some(b),
            Scalar::Ether(mac) => Some(mac),
            Scalar::Ipv4(a, _) => {
                buf[..4].copy_from_slice(&a.to_be_bytes());
                Some(&buf[..4])
            }
            Scalar::Ipv6(a, _) => {
                *buf = a.to_be_bytes();
                Some(&buf[..])
            }
            _ => None,
        }
    }

    pub(super) fn is_nonzero(&self) -> bool {
        match *self {
            Scalar::Int(v) | Scalar::Time(v) => v != 0,
            Scalar::Float(v) => v != 0.0,
            _ => true,
        }
    }
}

/// What a value compared with a field must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Bool,
    Int,
    Float,
    RelTime,
    AbsTime,
    Ipv4,
    Ipv6,
    Ether,
    /// Byte strings, and protocols (the bytes they span).
    Bytes,
    Str,
    /// Labels: only presence can be tested.
    NoValue,
}

impl Kind {
    /// Which kinds can be compared with each other, field with field.
    pub(super) fn compatible(self, other: Kind) -> bool {
        use Kind::*;
        self == other
            || matches!(
                (self, other),
                (Bytes | Str | Ether, Bytes | Str | Ether) | (Int | Float, Int | Float)
            )
    }

    pub(super) fn is_byte_like(self) -> bool {
        matches!(self, Kind::Bytes | Kind::Str | Kind::Ether)
    }

    /// As a phrase for messages: `an IPv4 address`.
    pub(super) fn phrase(self) -> &'static str {
        match self {
            Kind::Bool => "a boolean (1/True or 0/False)",
            Kind::Int => "a number",
            Kind::Float => "a number",
            Kind::RelTime => "a time in seconds",
            Kind::AbsTime => "a date and time",
            Kind::Ipv4 => "an IPv4 address",
            Kind::Ipv6 => "an IPv6 address",
            Kind::Ether => "an Ethernet address",
            Kind::Bytes => "a byte string",
            Kind::Str => "a string",
            Kind::NoValue => "nothing (it has no value)",
        }
    }
}

/// The type a literal must have, and the field it is for (for value names, bounds and
/// messages).
#[derive(Clone, Copy, Debug)]
pub(super) struct Want {
    pub kind: Kind,
    pub field: Option<&'static FieldDef>,
    /// Inclusive bounds for integers, when they are known.
    pub bounds: Option<(i128, i128)>,
}

impl Want {
    pub(super) fn of(kind: Kind) -> Want {
        Want {
            kind,
            field: None,
            bounds: None,
        }
    }

    /// What a field's values are.
    pub(super) fn field(def: &'static FieldDef) -> Want {
        let (kind, bounds) = match def.ftype {
            FieldType::Protocol | FieldType::Bytes => (Kind::Bytes, None),
            FieldType::None => (Kind::NoValue, None),
            FieldType::Bool => (Kind::Bool, None),
            FieldType::UInt { bits } => (Kind::Int, Some((0, (1i128 << bits.min(64)) - 1))),
            FieldType::Int { bits } => {
                let half = 1i128 << (bits.clamp(1, 64) - 1);
                (Kind::Int, Some((-half, half - 1)))
            }
            FieldType::FrameNum => (Kind::Int, Some((0, u32::MAX as i128))),
            FieldType::Ipv4 => (Kind::Ipv4, None),
            FieldType::Ipv6 => (Kind::Ipv6, None),
            FieldType::Ether => (Kind::Ether, None),
            FieldType::Str => (Kind::Str, None),
            FieldType::Double => (Kind::Float, None),
            FieldType::AbsTime => (Kind::AbsTime, None),
            FieldType::RelTime => (Kind::RelTime, None),
        };
        Want {
            kind,
            field: Some(def),
            bounds,
        }
    }

    /// `ip.ttl (an 8-bit field: 0 to 255)`, or `frame.len`, for messages.
    fn subject(&self) -> String {
        let name = self.field.map_or("this value", |f| f.name);
        match (self.field.map(|f| f.ftype), self.bounds) {
            (Some(FieldType::UInt { bits }), Some((lo, hi))) => {
                format!("{name} ({} {bits}-bit field: {lo} to {hi})", article(bits))
            }
            (Some(FieldType::Int { bits }), Some((lo, hi))) => {
                format!("{name} (a signed {bits}-bit field: {lo} to {hi})")
            }
            (_, Some((lo, hi))) => format!("{name} ({lo} to {hi})"),
            _ => name.to_string(),
        }
    }
}

/// "an 8-bit", "a 16-bit": the article goes by how the number is spoken.
fn article(bits: u8) -> &'static str {
    if bits == 8 || bits == 11 || bits == 18 || (80..90).contains(&bits) {
        "an"
    } else {
        "a"
    }
}

/// A literal as written in the filter.
#[derive(Clone, Copy, Debug)]
pub(super) enum Lit<'t> {
    /// Unquoted; may start with `-` when the filter negated it.
    Word(&'t str),
    Str(&'t [u8]),
    Char(u8),
}

/// Turn a literal into a value of the wanted type, or explain why it is not one.
pub(super) fn literal(lit: Lit<'_>, want: &Want) -> Result<Const, String> {
    match want.kind {
        Kind::Int => integer(lit, want).map(Const::Int),
        Kind::Bool => boolean(lit).map(Const::Int),
        Kind::Float => match lit {
            Lit::Word(w) => w.parse::<f64>().map(Const::Float).map_err(|_| format!("\"{w}\" is not a number")),
            _ => Err(not_quoted(lit, want)),
        },
        Kind::RelTime => match lit {
            Lit::Word(w) => seconds(w).map(Const::Time).ok_or_else(|| format!("\"{w}\" is not a time in seconds, like 1.5")),
            _ => Err(not_quoted(lit, want)),
        },
        Kind::AbsTime => match lit {
            Lit::Word(w) => seconds(w).map(Const::Time).ok_or_else(|| {
                format!("\"{w}\" is not a time: write seconds since 1970 (1700000000.5) or a quoted date (\"2024-01-31 12:00:00\")")
            }),
            Lit::Str(s) => date(s).map(Const::Time).ok_or_else(|| {
                format!("\"{}\" is not a date: write \"YYYY-MM-DD hh:mm:ss\" (UTC)", String::from_utf8_lossy(s))
            }),
            Lit::Char(_) => Err(not_quoted(lit, want)),
        },
        Kind::Ipv4 => match lit {
            Lit::Word(w) => ipv4(w),
            _ => Err(not_quoted(lit, want)),
        },
        Kind::Ipv6 => match lit {
            Lit::Word(w) => ipv6(w),
            _ => Err(not_quoted(lit, want)),
        },
        Kind::Ether => match lit {
            Lit::Word(w) => ether(w).map(Const::Ether),
            _ => Err(not_quoted(lit, want)),
        },
        Kind::Bytes => match lit {
            Lit::Word(w) => byte_string(w).map(Const::Bytes).ok_or_else(|| {
                format!("\"{w}\" is not a byte string: write hex bytes like 47:45:54, or a quoted string like \"GET\"")
            }),
            Lit::Str(s) => Ok(Const::Bytes(s.to_vec())),
            Lit::Char(c) => Ok(Const::Bytes(vec![c])),
        },
        Kind::Str => match lit {
            Lit::Word(w) => Ok(Const::Bytes(w.as_bytes().to_vec())),
            Lit::Str(s) => Ok(Const::Bytes(s.to_vec())),
            Lit::Char(c) => Ok(Const::Bytes(vec![c])),
        },
        Kind::NoValue => Err(no_value(want)),
    }
}

/// The message for comparing a label, which has no value.
pub(super) fn no_value(want: &Want) -> String {
    format!(
        "{} has no value to compare: test whether it is present by writing its name alone",
        want.field.map_or("this", |f| f.name)
    )
}

fn not_quoted(lit: Lit<'_>, want: &Want) -> String {
    let name = want.field.map_or("the other side", |f| f.name);
    match lit {
        Lit::Str(s) => format!(
            "\"{}\" is a quoted string, but {name} is {}: write it without quotes",
            String::from_utf8_lossy(s),
            want.kind.phrase()
        ),
        _ => format!("a character constant cannot be {}", want.kind.phrase()),
    }
}

/// An integer: decimal, `0x` hex, `0b` binary, `0` octal, a character constant, or the name
/// of one of the field's values (`icmp.type == 8`, `ip.proto == udp`).
fn integer(lit: Lit<'_>, want: &Want) -> Result<i128, String> {
    let names = want.field.map_or(&[][..], |f| f.names);
    let by_name = |text: &str| {
        names
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(text))
            .map(|(v, _)| *v as i128)
    };
    let (value, text) = match lit {
        Lit::Char(c) => (i128::from(c), format!("'{}'", c.escape_ascii())),
        Lit::Str(s) => {
            let text = String::from_utf8_lossy(s);
            match by_name(&text) {
                Some(v) => return Ok(v),
                None => return Err(not_quoted(lit, want)),
            }
        }
        Lit::Word(w) => match (by_name(w), parse_int(w)) {
            (Some(v), _) => (v, w.to_string()),
            (None, Ok(v)) => (v, w.to_string()),
            (None, Err(IntError::TooBig)) => (i128::MAX, w.to_string()),
            (None, Err(IntError::Octal)) => {
                return Err(format!(
                    "\"{w}\" is not a number: a leading 0 means octal, whose digits are 0 to 7"
                ))
            }
            (None, Err(IntError::NotANumber)) => return Err(not_a_number(w, want)),
        },
    };
    match want.bounds {
        Some((_, hi)) if value > hi => Err(format!("\"{text}\" is too big for {}", want.subject())),
        Some((lo, _)) if value < lo => {
            Err(format!("\"{text}\" is too small for {}", want.subject()))
        }
        _ => Ok(value),
    }
}

fn not_a_number(word: &str, want: &Want) -> String {
    let Some(field) = want.field.filter(|f| !f.names.is_empty()) else {
        return format!("\"{word}\" is not a number");
    };
    let examples: Vec<&str> = field
        .names
        .iter()
        .map(|(_, n)| *n)
        .filter(|n| !n.contains(' '))
        .take(5)
        .collect();
    if examples.is_empty() {
        format!("\"{word}\" is not a number or the name of a value of {} (quote names that have spaces)", field.name)
    } else {
        format!(
            "\"{word}\" is not a number or the name of a value of {} (names: {}, …)",
            field.name,
            examples.join(", ")
        )
    }
}

enum IntError {
    NotANumber,
    TooBig,
    Octal,
}

fn parse_int(word: &str) -> Result<i128, IntError> {
    let (negative, body) = word.strip_prefix('-').map_or((false, word), |b| (true, b));
    let (radix, digits) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, h)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, b)
        } else if body.len() > 1 && body.starts_with('0') {
            if !body.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IntError::NotANumber);
            }
            if !body.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(IntError::Octal);
            }
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(IntError::NotANumber);
    }
    let value = i128::from_str_radix(digits, radix).map_err(|_| IntError::TooBig)?;
    if value > u64::MAX as i128 {
        return Err(IntError::TooBig);
    }
    Ok(if negative { -value } else { value })
}

/// `True`/`False` in any case, or a number: zero is false, anything else true.
fn boolean(lit: Lit<'_>) -> Result<i128, String> {
    match lit {
        Lit::Word(w) if w.eq_ignore_ascii_case("true") => Ok(1),
        Lit::Word(w) if w.eq_ignore_ascii_case("false") => Ok(0),
        Lit::Word(w) => match parse_int(w) {
            Ok(v) => Ok((v != 0) as i128),
            Err(IntError::TooBig) => Ok(1),
            Err(_) => Err(format!(
                "\"{w}\" is not a boolean: write 1 or True for set, 0 or False for not set"
            )),
        },
        Lit::Char(c) => Ok((c != 0) as i128),
        Lit::Str(s) => Err(format!(
            "\"{}\" is a quoted string; a flag is 1 or True, 0 or False, without quotes",
            String::from_utf8_lossy(s)
        )),
    }
}

/// Seconds with up to nine decimals (`1.5`, `-0.25`, `2`), as nanoseconds; exponents
/// (`1.5e0`) go through floating point.
fn seconds(word: &str) -> Option<i128> {
    let (negative, body) = word.strip_prefix('-').map_or((false, word), |b| (true, b));
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ns = if !whole.is_empty() && digits(whole) && digits(frac) && frac.len() <= 9 {
        let frac_ns: i128 = format!("{frac:0<9}").parse().ok()?;
        whole
            .parse::<i128>()
            .ok()?
            .checked_mul(1_000_000_000)?
            .checked_add(frac_ns)?
    } else {
        let x: f64 = body
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite() && body.starts_with(|c: char| c.is_ascii_digit()))?;
        (x * 1e9).round() as i128
    };
    Some(if negative { -ns } else { ns })
}

/// `YYYY-MM-DD[( |T)hh:mm[:ss[.fraction]]][Z| UTC]`, read as UTC, to nanoseconds since 1970.
fn date(text: &[u8]) -> Option<i128> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let text = text
        .strip_suffix("UTC")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(text)
        .trim_end();
    let (day, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00"));
    let mut ymd = day.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (ymd.next()??, ymd.next()??, ymd.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut hms = time.splitn(3, ':');
    let h: i64 = hms.next()?.parse().ok()?;
    let min: i64 = hms.next()?.parse().ok()?;
    let sec_ns = seconds(hms.next().unwrap_or("0"))?;
    if h > 23 || min > 59 || !(0..61_000_000_000).contains(&sec_ns) {
        return None;
    }
    // Days from the civil calendar (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(i128::from(days * 86_400 + h * 3600 + min * 60) * 1_000_000_000 + sec_ns)
}

fn ipv4(word: &str) -> Result<Const, String> {
    let (addr, prefix) = word
        .split_once('/')
        .map_or((word, None), |(a, p)| (a, Some(p)));
    let Ok(ip) = addr.parse::<Ipv4Addr>() else {
        return Err(if addr.bytes().any(|b| b.is_ascii_alphabetic()) {
            format!("\"{word}\" is not an IPv4 address (wirelab does not look up host names)")
        } else {
            format!("\"{word}\" is not an IPv4 address")
        });
    };
    let prefix = match prefix {
        None => 32,
        Some(p) => match p.parse::<u8>() {
            Ok(p) if p <= 32 => p,
            _ => {
                return Err(format!(
                    "\"/{p}\" is not an IPv4 prefix length: write /0 to /32"
                ))
            }
        },
    };
    Ok(Const::Ipv4 {
        addr: u32::from(ip),
        prefix,
    })
}

fn ipv6(word: &str) -> Result<Const, String> {
    let (addr, prefix) = word
        .split_once('/')
        .map_or((word, None), |(a, p)| (a, Some(p)));
    let Ok(ip) = addr.parse::<Ipv6Addr>() else {
        return Err(format!("\"{word}\" is not an IPv6 address"));
    };
    let prefix = match prefix {
        None => 128,
        Some(p) => match p.parse::<u8>() {
            Ok(p) if p <= 128 => p,
            _ => {
                return Err(format!(
                    "\"/{p}\" is not an IPv6 prefix length: write /0 to /128"
                ))
            }
        },
    };
    Ok(Const::Ipv6 {
        addr: u128::from(ip),
        prefix,
    })
}

/// `aa:bb:cc:dd:ee:ff`, `aa-bb-…`, `aa.bb.…`, `aabb.ccdd.eeff` or `aabbccddeeff`.
fn ether(word: &str) -> Result<[u8; 6], String> {
    let bytes = byte_string(word).ok_or_else(|| {
        format!("\"{word}\" is not an Ethernet address: write it as aa:bb:cc:dd:ee:ff")
    })?;
    <[u8; 6]>::try_from(bytes.as_slice()).map_err(|_| {
        let n = bytes.len();
        format!(
            "\"{word}\" has {n} byte{}; an Ethernet address has 6",
            if n == 1 { "" } else { "s" }
        )
    })
}

/// Hex bytes separated by `:`, `-` or `.` (one or two digits each), or runs of an even number
/// of hex digits between separators (`e2c3b4`, `aabb.ccdd.eeff`), or one byte as `0xNN`.
pub(super) fn byte_string(word: &str) -> Option<Vec<u8>> {
    if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        return (hex.len() <= 2 && !hex.is_empty())
            .then(|| u8::from_str_radix(hex, 16).ok())
            .flatten()
            .map(|b| vec![b]);
    }
    let mut out = Vec::new();
    for group in word.split([':', '-', '.']) {
        if group.is_empty() || !group.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        if group.len() <= 2 {
            out.push(u8::from_str_radix(group, 16).ok()?);
        } else if group.len() % 2 == 0 {
            for pair in group.as_bytes().chunks(2) {
                out.push(u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?);
            }
        } else {
            return None;
        }
    }
    Some(out)
}
