//! Where a trace comes from. Everything the TUI shows is a *trace*: frames in order, and — for
//! sources that know more than the wire shows — events beside them (DESIGN.md, "everything is
//! a trace").
//!
//! ```text
//!  TraceSource ──open()──> bytes of a pcap/pcapng ──> CaptureReader ──> frames
//!     ├─ CaptureFile      a file on disk (`wirelab tui FILE`)
//!     ├─ EmbeddedCapture  bytes built into the binary (the sample) or made by a test
//!     └─ (later: a demo on the simulated link, a live TAP device — same trait)
//! ```
//!
//! A source can be opened more than once: the index is built by one pass in the background,
//! and the selected frame's full tree, the ladder and the follow view are made by reading the
//! trace again, so that no frame's dissection has to be kept in memory.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;

/// Something the stack did that the wire does not show (a state change, a new cwnd), for the
/// sources that know (demos, live TAP). Capture files have none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// The frame the event happened after.
    pub after_frame: u64,
    pub text: String,
}

/// A trace that can be read from its beginning as often as needed.
pub trait TraceSource: Send + Sync {
    /// What to call the trace in titles and errors (the file name).
    fn name(&self) -> &str;
    /// Its size in bytes, when known, for the progress indicator.
    fn size(&self) -> Option<u64>;
    /// A fresh reader positioned at the start of the capture.
    fn open(&self) -> io::Result<Box<dyn Read + Send>>;
    /// Events beside the frames; capture files have none.
    fn events(&self) -> &[TraceEvent] {
        &[]
    }
}

/// A capture file on disk.
pub struct CaptureFile {
    path: PathBuf,
    name: String,
}

impl CaptureFile {
    /// Check that the file can be opened now, so that a missing file is reported before the
    /// terminal is taken over.
    pub fn open(path: impl Into<PathBuf>) -> io::Result<CaptureFile> {
        let path = path.into();
        File::open(&path)?;
        let name = path.display().to_string();
        Ok(CaptureFile { path, name })
    }
}

impl TraceSource for CaptureFile {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> Option<u64> {
        std::fs::metadata(&self.path).ok().map(|m| m.len())
    }
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(&self.path)?,
        )))
    }
}

/// A capture held in memory: the sample built into the binary, or one a test made.
pub struct EmbeddedCapture {
    name: String,
    bytes: Arc<[u8]>,
}

impl EmbeddedCapture {
    pub fn new(name: impl Into<String>, bytes: impl Into<Arc<[u8]>>) -> EmbeddedCapture {
        EmbeddedCapture {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

impl TraceSource for EmbeddedCapture {
    fn name(&self) -> &str {
        &self.name
    }
    fn size(&self) -> Option<u64> {
        Some(self.bytes.len() as u64)
    }
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(io::Cursor::new(SharedBytes(self.bytes.clone()))))
    }
}

/// `Arc<[u8]>` as `AsRef<[u8]>`, so that a `Cursor` reads it without copying.
struct SharedBytes(Arc<[u8]>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
