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

    /// The value recorded under `name`, if any.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|step| step.name == name)
            .map(|step| step.value.as_str())
    }
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
