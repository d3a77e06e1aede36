//! A bounded read buffer: the reason memory stays flat however long the capture is.
//!
//! ```text
//!   data: [ consumed | unread bytes ............ | free space ]
//!          0         start                       end          capacity
//!                    ^ file offset `base + start`
//! ```
//!
//! The reader asks for "at least N unread bytes" (`Buffer::fill`). When they are not there,
//! the unread bytes are moved to the front (a `memmove` of at most one partial record) and the
//! free space is filled from the source with as few `read` calls as possible. The buffer starts
//! at [`INITIAL_CAPACITY`] and grows only when a single record or block is larger than that,
//! never past [`MAX_CAPACITY`]: the parsers refuse to ask for more ("absurd length").

use std::io::{self, Read};

/// Start with 64 KiB: large enough that a `read` call fetches many packets at once.
pub const INITIAL_CAPACITY: usize = 64 * 1024;

/// No record or block may be larger than 16 MiB: a length field claiming more is damage.
pub const MAX_CAPACITY: usize = 16 * 1024 * 1024;

pub(crate) struct Buffer {
    data: Vec<u8>,
    /// First unread byte.
    start: usize,
    /// One past the last byte read from the source.
    end: usize,
    /// File offset of `data[0]`.
    base: u64,
}

impl Buffer {
    pub(crate) fn new() -> Buffer {
        Buffer {
            data: vec![0; INITIAL_CAPACITY],
            start: 0,
            end: 0,
            base: 0,
        }
    }

    /// The bytes read from the source and not yet consumed.
    #[inline]
    pub(crate) fn unread(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }

    /// File offset of the first unread byte.
    #[inline]
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Current capacity (for tests: it must stay bounded).
    pub(crate) fn capacity(&self) -> usize {
        self.data.len()
    }

    /// Marks `n` unread bytes as consumed. The bytes stay where they are until the next
    /// `Buffer::fill`, so a frame handed out just before can still borrow them.
    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        debug_assert!(n <= self.end - self.start);
        self.start += n.min(self.end - self.start);
    }

    /// The bytes at `absolute` positions in the buffer (see [`Buffer::start_index`]): how a
    /// frame is handed out after its record has been consumed.
    #[inline]
    pub(crate) fn slice_at(&self, absolute: std::ops::Range<usize>) -> &[u8] {
        &self.data[absolute]
    }

    /// Index in `data` of the first unread byte (to turn record-relative positions into
    /// absolute ones before consuming the record).
    #[inline]
    pub(crate) fn start_index(&self) -> usize {
        self.start
    }

    /// Makes at least `need` unread bytes available, reading from `source` as needed.
    ///
    /// Returns `Ok(true)` when they are there, `Ok(false)` when the source ended first (the
    /// bytes that did arrive stay unread, so the caller can say how many there were).
    /// `need` must not exceed [`MAX_CAPACITY`]; callers check lengths from the file first.
    pub(crate) fn fill<R: Read>(&mut self, source: &mut R, need: usize) -> io::Result<bool> {
        if self.end - self.start >= need {
            return Ok(true);
        }
        let need = need.min(MAX_CAPACITY);
        if need > self.data.len() {
            // One record larger than the buffer: grow to the next power of two that holds it.
            let new_capacity = need.next_power_of_two().min(MAX_CAPACITY);
            self.compact();
            self.data.resize(new_capacity, 0);
        } else if self.start + need > self.data.len() {
            self.compact();
        }
        while self.end - self.start < need {
            match source.read(&mut self.data[self.end..]) {
                Ok(0) => return Ok(false),
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }

    /// Moves the unread bytes to the front of the buffer.
    fn compact(&mut self) {
        self.data.copy_within(self.start..self.end, 0);
        self.base += self.start as u64;
        self.end -= self.start;
        self.start = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out at most `chunk` bytes per `read`, like a pipe.
    struct Trickle<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.chunk.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn fill_collects_short_reads_until_enough_bytes_arrive() {
        let bytes: Vec<u8> = (0..100).collect();
        let mut source = Trickle {
            bytes: &bytes,
            chunk: 7,
        };
        let mut buf = Buffer::new();
        assert!(buf.fill(&mut source, 30).unwrap());
        assert!(buf.unread().len() >= 30);
        assert_eq!(&buf.unread()[..30], &bytes[..30]);
    }

    #[test]
    fn fill_reports_the_end_of_the_source_and_keeps_what_arrived() {
        let bytes = [1u8, 2, 3];
        let mut source = Trickle {
            bytes: &bytes,
            chunk: 2,
        };
        let mut buf = Buffer::new();
        assert!(!buf.fill(&mut source, 10).unwrap());
        assert_eq!(buf.unread(), &[1, 2, 3]);
    }

    #[test]
    fn offsets_keep_counting_across_compaction() {
        let bytes = vec![0xabu8; 3 * INITIAL_CAPACITY];
        let mut source = Trickle {
            bytes: &bytes,
            chunk: 10_000,
        };
        let mut buf = Buffer::new();
        let mut consumed = 0u64;
        while buf.fill(&mut source, 1000).unwrap() {
            assert_eq!(buf.offset(), consumed);
            buf.consume(1000);
            consumed += 1000;
        }
        assert_eq!(consumed, (3 * INITIAL_CAPACITY / 1000 * 1000) as u64);
        assert_eq!(buf.capacity(), INITIAL_CAPACITY);
    }

    #[test]
    fn a_large_record_grows_the_buffer_to_the_next_power_of_two_only() {
        let bytes = vec![7u8; 300_000];
        let mut source = Trickle {
            bytes: &bytes,
            chunk: 65_536,
        };
        let mut buf = Buffer::new();
        assert!(buf.fill(&mut source, 300_000).unwrap());
        assert_eq!(buf.capacity(), 512 * 1024);
    }
}
