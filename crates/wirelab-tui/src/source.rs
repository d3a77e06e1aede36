//! Where a trace comes from. Everything the TUI shows is a *trace*: frames in order, and — for
//! sources that know more than the wire shows — events beside them (DESIGN.md, "everything is
//! a trace").
//!
//! ```text
//!  TraceSource ──open()──> bytes of a pcap/pcapng ──> CaptureReader ──> frames
//!     ├─ CaptureFile      a file on disk (`wirelab tui FILE`)
//!     ├─ EmbeddedCapture  bytes built into the binary (the sample) or made by a test
//!     ├─ DemoSource       a lesson on the simulated link, with narration and the stacks'
//!     │                   events (source_demo.rs, `wirelab tui --demo NAME`)
//!     └─ LiveCapture      frames still arriving (source_live.rs): the stack on a TAP device
//!                         (`--tap`, run by src/tui.rs) or a sniffed interface (`-i`,
//!                         source_pnet.rs)
//! ```
//!
//! A source can be opened more than once: the index is built by one pass in the background,
//! and the selected frame's full tree, the ladder and the follow view are made by reading the
//! trace again, so that no frame's dissection has to be kept in memory.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::net::SocketAddrV4;
use std::path::PathBuf;
use std::sync::Arc;

/// Something the stack did that the wire does not show (a state change, a new cwnd), or a
/// demo's narration, for the sources that know (demos, live TAP). Capture files have none.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    /// The frame the event happened after (0: before the first frame).
    pub after_frame: u64,
    /// When it happened, in microseconds since the trace began.
    pub micros: u64,
    /// One line, as the CLI prints it.
    pub text: String,
    pub kind: EventKind,
}

/// What a [`TraceEvent`] is about, for the panes that chart or narrate it.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A demo step's narration: what happens and why, citing the RFC.
    Narration,
    /// A TCP endpoint of the stack reported this: the TCP panel charts cwnd, ssthresh, SRTT,
    /// RTO and the windows from these, and shows each side's state.
    Tcp {
        /// The endpoint that reported the event, and its peer.
        local: SocketAddrV4,
        remote: SocketAddrV4,
        event: wirelab_stack::tcp::Event,
    },
    /// Anything else the stack said (ARP, ICMP, the application).
    Other,
}

/// A trace that can be read from its beginning as often as needed.
pub trait TraceSource: Send + Sync {
    /// What to call the trace in titles and errors (the file name).
    fn name(&self) -> &str;
    /// Its size in bytes, when known, for the progress indicator.
    fn size(&self) -> Option<u64>;
    /// A fresh reader positioned at the start of the capture. For a live source the reader
    /// blocks at the end until more frames arrive (like `tail -f`) and ends when the source
    /// stops.
    fn open(&self) -> io::Result<Box<dyn Read + Send>>;
    /// Events beside the frames, the `from`-th and later (a live source keeps adding them);
    /// capture files have none.
    fn events_from(&self, from: usize) -> Vec<TraceEvent> {
        let _ = from;
        Vec::new()
    }
    /// Whether frames may still arrive (a live TAP device or interface).
    fn is_live(&self) -> bool {
        false
    }
    /// The TLS key log (NSS format) of the sessions in the trace, when the source knows it:
    /// a TLS lesson made its own keys. The app decrypts with it unless `--tls-keylog` gives
    /// another; capture files have none (their key log comes with `--tls-keylog`).
    fn tls_keylog(&self) -> Option<String> {
        None
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
