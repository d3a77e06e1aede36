//! Reading and writing capture files: pcap and pcapng, streaming.
//!
//! TODO(helper-capture): the real reader and writers. The API below is the contract the CLI
//! codes against.
#![forbid(unsafe_code)]

use std::fmt;
use std::io::Read;
use wirelab_wire::Frame;

/// A capture file that could not be read further: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureError {
    /// Byte offset in the file where the problem is.
    pub offset: u64,
    pub problem: String,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.problem)
    }
}

impl std::error::Error for CaptureError {}

/// Reads frames one at a time from a pcap or pcapng stream, whichever it is.
pub struct CaptureReader<R: Read> {
    _reader: R,
}

impl<R: Read> CaptureReader<R> {
    pub fn new(reader: R) -> Result<Self, CaptureError> {
        Ok(CaptureReader { _reader: reader })
    }

    /// The next frame, `None` at the end of the file.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, CaptureError> {
        Ok(None)
    }
}
