//! The ways a dissected frame can be shown. Each view writes straight into the buffered
//! standard output and keeps its scratch buffers from frame to frame, so that showing a frame
//! allocates nothing once the buffers have grown.
//!
//! | option            | view                                  | module       |
//! |-------------------|---------------------------------------|--------------|
//! | (none)            | one summary line per frame            | `summary`    |
//! | `-V`              | the tree, every field explained       | `tree`       |
//! | `-x`              | hex and ASCII dump                    | `hex`        |
//! | `-T fields -e …`  | tshark's tab-separated field values   | `fields`     |
//! | `-T json`         | JSON Lines, one object per frame      | `json`       |

pub mod cell;
pub mod fields;
pub mod hex;
pub mod json;
pub mod summary;
pub mod tree;

use std::fmt;
use std::io::{self, Write};
use wirelab_wire::{Dissection, Frame, Timestamp};

/// One frame as the views see it.
pub struct Shown<'a> {
    pub frame: &'a Frame<'a>,
    pub d: &'a Dissection,
    /// Time since the first frame of the capture.
    pub relative: Timestamp,
}

/// The text views, which combine: a summary line, the tree, the hex dump.
pub struct TextView {
    /// A summary line per frame (not with -V, which starts with the frame's own title).
    pub summary: Option<summary::SummaryView>,
    /// `-V`: the tree; `explain` unless `--no-explain`.
    pub tree: Option<tree::TreeView>,
    /// `-x`.
    pub hex: Option<hex::HexView>,
}

/// The view chosen on the command line.
pub enum View {
    Text(TextView),
    Fields(fields::FieldsView),
    Json(json::JsonView),
}

impl View {
    /// Whether the view reads the tree, or only the summary columns (protocol, source,
    /// destination, info), which the dissector can fill several times faster on its own.
    pub fn needs_tree(&self) -> bool {
        match self {
            View::Text(text) => {
                text.tree.is_some() || text.hex.as_ref().is_some_and(|hex| hex.highlights())
            }
            View::Fields(_) | View::Json(_) => true,
        }
    }

    /// Whether the view shows tree titles (`Transmission Control Protocol, Src Port: …`). Views
    /// that print values only skip them: formatting titles is a quarter of `-T fields`' time.
    pub fn needs_titles(&self) -> bool {
        match self {
            View::Text(text) => text.tree.is_some(),
            View::Fields(fields) => fields.shows_a_protocol(),
            View::Json(_) => true,
        }
    }

    /// Whatever comes before the first frame (the `-E header=y` line).
    pub fn begin(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self {
            View::Fields(view) => view.begin(out),
            View::Text(_) | View::Json(_) => Ok(()),
        }
    }

    pub fn frame(&mut self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        match self {
            View::Text(text) => {
                if let Some(summary) = &mut text.summary {
                    summary.write(out, shown)?;
                }
                if let Some(tree) = &text.tree {
                    tree.write(out, shown)?;
                }
                if let Some(hex) = &mut text.hex {
                    hex.write(out, shown)?;
                }
                // tshark separates frames by a blank line once it shows more than a line each.
                if text.tree.is_some() || text.hex.is_some() {
                    out.write_all(b"\n")?;
                }
                Ok(())
            }
            View::Fields(view) => view.frame(out, shown),
            View::Json(view) => view.frame(out, shown),
        }
    }
}

/// Lets the `fmt::Write` formatters of wirelab-wire write straight into an `io::Write`,
/// keeping the I/O error that `fmt::Error` cannot carry.
pub struct FmtOut<'a, W: Write> {
    inner: &'a mut W,
    pub error: Option<io::Error>,
}

impl<'a, W: Write> FmtOut<'a, W> {
    pub fn new(inner: &'a mut W) -> Self {
        FmtOut { inner, error: None }
    }

    /// The I/O error behind a failed `fmt` call, or a generic one if a formatter failed alone.
    pub fn into_result(self, result: fmt::Result) -> io::Result<()> {
        match (result, self.error) {
            (Ok(()), _) => Ok(()),
            (Err(_), Some(error)) => Err(error),
            (Err(_), None) => Err(io::Error::other("a value could not be formatted")),
        }
    }
}

impl<W: Write> fmt::Write for FmtOut<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.inner.write_all(s.as_bytes()).map_err(|error| {
            self.error = Some(error);
            fmt::Error
        })
    }
}

/// `later - earlier`, normalised as [`Timestamp`] is (`nanos` in 0..10⁹, the sign in `secs`),
/// in 64-bit arithmetic.
pub fn time_since(later: Timestamp, earlier: Timestamp) -> Timestamp {
    let mut secs = later.secs.saturating_sub(earlier.secs);
    let mut nanos = i64::from(later.nanos) - i64::from(earlier.nanos);
    if nanos < 0 {
        secs = secs.saturating_sub(1);
        nanos += 1_000_000_000;
    }
    Timestamp::new(secs, nanos as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_since_agrees_with_timestamp_since() {
        let times = [
            Timestamp::new(5, 100),
            Timestamp::new(4, 999_999_999),
            Timestamp::new(-3, 5),
            Timestamp::new(0, 0),
        ];
        for a in times {
            for b in times {
                assert_eq!(time_since(a, b), a.since(b), "{a} - {b}");
            }
        }
    }
}
