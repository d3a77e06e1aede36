//! The one error a capture reader reports: where in the file, and what is wrong there.
//!
//! A reader stops at the first damaged record or block. Everything before it has already been
//! handed out as frames, so the caller can show those and then this error, the way tshark lists
//! the packets of a cut-short file and then says "appears to have been cut short in the middle
//! of a packet".

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A capture file that could not be read further: where and why.
///
/// `offset` is the byte offset in the file (or stream) of the start of the damaged record,
/// block or header, so that `xxd -s OFFSET FILE` shows the bytes in question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureError {
    /// Byte offset in the file where the problem is.
    pub offset: u64,
    /// What is wrong there, in words a student can act on.
    pub problem: String,
}

impl CaptureError {
    pub fn new(offset: u64, problem: impl Into<String>) -> CaptureError {
        CaptureError {
            offset,
            problem: problem.into(),
        }
    }

    /// An I/O error from the underlying reader, at the offset where reading stopped.
    pub(crate) fn io(offset: u64, err: &io::Error) -> CaptureError {
        CaptureError::new(offset, format!("read error: {err}"))
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.problem)
    }
}

impl std::error::Error for CaptureError {}

/// A capture file that could not be opened: the file could not be opened at all, or it opened
/// but its file header is not one wirelab can read. Either way the message names the file.
#[derive(Debug)]
pub enum OpenError {
    /// The operating system refused (no such file, permission denied, ...).
    Open { path: PathBuf, source: io::Error },
    /// The file opened, but its first bytes are not a pcap or pcapng header.
    Header { path: PathBuf, error: CaptureError },
}

impl OpenError {
    /// The path as the user gave it (`-` for standard input).
    pub fn path(&self) -> &Path {
        match self {
            OpenError::Open { path, .. } | OpenError::Header { path, .. } => path,
        }
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Open { path, source } => {
                write!(f, "cannot open {}: {source}", path.display())
            }
            OpenError::Header { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for OpenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OpenError::Open { source, .. } => Some(source),
            OpenError::Header { error, .. } => Some(error),
        }
    }
}
