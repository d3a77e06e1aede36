//! Every computation a student should see, as a list of named values: what was computed, the
//! formula, the value, and one line on why. Commands print it with `--explain`; demos and the
//! TLS trace show the same steps.
//!
//! ```text
//!  p      = 61                      a prime, chosen at random           (toy)
//!  n      = p·q = 3233              the modulus: public
//!  λ(n)   = lcm(p−1, q−1) = 780     Carmichael's function: d is an inverse modulo this
//! ```

use std::fmt;

/// One named value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The value's name as the textbook writes it (`n`, `λ(n)`, `dP`).
    pub name: String,
    /// How it is computed (`p·q`, `e⁻¹ mod λ(n)`), or empty for a value chosen or given.
    pub formula: String,
    /// The value: decimal for small numbers, hex for large ones, or text.
    pub value: String,
    /// One line on what it is for.
    pub why: String,
}

/// The steps of one computation, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Steps(pub Vec<Step>);

impl Steps {
    pub fn new() -> Steps {
        Steps::default()
    }

    /// Record a step.
    pub fn push(
        &mut self,
        name: impl Into<String>,
        formula: impl Into<String>,
        value: impl Into<String>,
        why: impl Into<String>,
    ) {
        self.0.push(Step {
            name: name.into(),
            formula: formula.into(),
            value: value.into(),
            why: why.into(),
        });
    }

    /// Record a check: `yes` when it holds, otherwise `NO` in capitals, so that a failure
    /// stands out in a walk-through (`s (Alice) = s (Bob)`).
    pub fn push_check(
        &mut self,
        name: impl Into<String>,
        formula: impl Into<String>,
        holds: bool,
        why: impl Into<String>,
    ) {
        self.push(name, formula, if holds { "yes" } else { "NO" }, why);
    }

    /// The same steps with every long hex value cut to its first and last 16 digits and its
    /// size, as `--explain` prints them unless `--full`: a `0x…` value is a number (its size in
    /// bits), bare hex a byte string (its size in bytes).
    ///
    /// ```text
    ///  0xc5a7d1e0b2f4a6c8…9e0f1a2b3c4d5e6f (2048 bits)
    /// ```
    pub fn shortened(&self) -> Steps {
        let mut short = self.clone();
        for step in &mut short.0 {
            step.value = shorten(&step.value);
        }
        short
    }

    /// The value recorded under `name`, if any.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|step| step.name == name)
            .map(|step| step.value.as_str())
    }
}

/// Hex values longer than this many digits are shortened by [`Steps::shortened`].
pub const SHORT_HEX_DIGITS: usize = 64;

/// How many digits [`Steps::shortened`] keeps at each end.
const KEPT_DIGITS: usize = 16;

fn shorten(value: &str) -> String {
    let (prefix, digits) = match value.strip_prefix("0x") {
        Some(digits) => ("0x", digits),
        None => ("", value),
    };
    if digits.len() <= SHORT_HEX_DIGITS || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return value.to_string();
    }
    let size = if prefix.is_empty() {
        format!("{} bytes", digits.len() / 2)
    } else {
        let top_digit = digits
            .chars()
            .next()
            .and_then(|c| c.to_digit(16))
            .unwrap_or(0);
        let bits = (digits.len() - 1) * 4 + (u32::BITS - top_digit.leading_zeros()) as usize;
        format!("{bits} bits")
    };
    // All ASCII hex digits (checked above), so byte positions are character positions.
    let head = digits.get(..KEPT_DIGITS).unwrap_or(digits);
    let tail = digits.get(digits.len() - KEPT_DIGITS..).unwrap_or(digits);
    format!("{prefix}{head}…{tail} ({size})")
}

/// Bytes as lowercase hex, two digits a byte (`00 02 ff` → `0002ff`): how steps show byte
/// strings, and how `wirelab dh derive` prints a secret.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl fmt::Display for Steps {
    /// One step per block: `name = formula` then the value and the reason, indented, so that
    /// 2048-bit values wrap without breaking the layout.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.0 {
            if step.formula.is_empty() {
                writeln!(f, "{}", step.name)?;
            } else {
                writeln!(f, "{} = {}", step.name, step.formula)?;
            }
            writeln!(f, "    = {}", step.value)?;
            if !step.why.is_empty() {
                writeln!(f, "    ({})", step.why)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_writes_two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x02, 0xff]), "0002ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn a_check_that_fails_reads_no_in_capitals() {
        let mut steps = Steps::new();
        steps.push_check("equal", "s (Alice) = s (Bob)", true, "");
        steps.push_check("in range", "1 < Y < p−1", false, "");
        assert_eq!(steps.value("equal"), Some("yes"));
        assert_eq!(steps.value("in range"), Some("NO"));
    }

    #[test]
    fn long_numbers_and_byte_strings_are_shortened_with_their_size() {
        let mut steps = Steps::new();
        let number = format!("0x1{}", "0".repeat(511)); // 2^2044: 2045 bits
        let bytes = "ab".repeat(256);
        steps.push("n", "", number, "");
        steps.push("EM", "", bytes, "");
        steps.push("e", "", "65537", "");
        steps.push("why", "", "x".repeat(100), "");
        let short = steps.shortened();
        assert_eq!(
            short.value("n"),
            Some("0x1000000000000000…0000000000000000 (2045 bits)")
        );
        assert_eq!(
            short.value("EM"),
            Some("abababababababab…abababababababab (256 bytes)")
        );
        assert_eq!(short.value("e"), Some("65537"));
        assert_eq!(short.value("why"), Some("x".repeat(100).as_str()));
    }
}
