//! Reading TLS's length-prefixed structures without ever reading past what a length allows.
//!
//! RFC 5246 §4 writes every variable-length field as a vector with a length prefix of 1, 2 or
//! 3 bytes (`opaque session_id<0..32>`, `CipherSuite cipher_suites<2..2^16-2>`). A [`Reader`]
//! reads one structure; [`Reader::sub`] hands out a reader bounded by such a length, so that a
//! lying length can only ever make a decode fail, never read the bytes of the next field.
//! Bytes left over inside a structure are an error too (`expect_end`), as in rustls.

use std::fmt;

/// Why bytes could not be decoded: where, in which structure, what was expected and found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset from the start of the bytes given to the outermost decoder (a record's first
    /// byte, or a handshake message's).
    pub offset: usize,
    /// The structure being read (`ClientHello.cipher_suites`).
    pub context: &'static str,
    pub expected: String,
    pub found: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: expected {}, found {}",
            self.context, self.offset, self.expected, self.found
        )
    }
}

impl std::error::Error for DecodeError {}

/// A cursor over bytes that belong to one structure.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
    /// Offset of `bytes[0]` from the start of the outermost structure, for error messages.
    base: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader::at(bytes, 0)
    }

    /// A reader whose first byte is `base` bytes into the outermost structure.
    pub fn at(bytes: &'a [u8], base: usize) -> Reader<'a> {
        Reader {
            bytes,
            position: 0,
            base,
        }
    }

    /// Offset of the next byte from the start of the outermost structure.
    pub fn offset(&self) -> usize {
        self.base + self.position
    }

    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// An error at the current position.
    pub fn error(
        &self,
        context: &'static str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> DecodeError {
        DecodeError {
            offset: self.offset(),
            context,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// The next `len` bytes.
    pub fn take(&mut self, len: usize, context: &'static str) -> Result<&'a [u8], DecodeError> {
        if len > self.remaining() {
            return Err(self.error(
                context,
                format!("{len} bytes"),
                format!("{} left", self.remaining()),
            ));
        }
        let taken = &self.bytes[self.position..self.position + len];
        self.position += len;
        Ok(taken)
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.position..];
        self.position = self.bytes.len();
        rest
    }

    pub fn u8(&mut self, context: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, context)?[0])
    }

    pub fn u16(&mut self, context: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(2, context)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u24(&mut self, context: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(3, context)?;
        Ok(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    pub fn u32(&mut self, context: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(4, context)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A fixed-size array (`Random random` is `opaque[32]`).
    pub fn array<const N: usize>(&mut self, context: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N, context)?);
        Ok(out)
    }

    /// A reader over the vector that follows: a length of `prefix` bytes (1, 2 or 3), then
    /// that many bytes.
    pub fn sub(&mut self, prefix: usize, context: &'static str) -> Result<Reader<'a>, DecodeError> {
        let len = match prefix {
            1 => self.u8(context)? as usize,
            2 => self.u16(context)? as usize,
            _ => self.u24(context)? as usize,
        };
        let base = self.offset();
        let bytes = self.take(len, context)?;
        Ok(Reader::at(bytes, base))
    }

    /// The bytes of the vector that follows (see [`Reader::sub`]).
    pub fn vector(
        &mut self,
        prefix: usize,
        context: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        Ok(self.sub(prefix, context)?.rest())
    }

    /// Fail unless every byte was read: trailing bytes mean the lengths do not add up.
    pub fn expect_end(&self, context: &'static str) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(
                context,
                "the end of the structure",
                format!("{} more bytes", self.remaining()),
            ))
        }
    }
}

/// Writing the same structures: a length prefix is reserved, the body written, the length
/// filled in.
pub trait Writer {
    fn u8(&mut self, value: u8);
    fn u16(&mut self, value: u16);
    fn u24(&mut self, value: u32);
    fn u32(&mut self, value: u32);
    fn bytes(&mut self, value: &[u8]);
    /// Write a vector with a length prefix of `prefix` bytes around what `body` writes.
    fn vector(&mut self, prefix: usize, body: impl FnOnce(&mut Vec<u8>));
}

impl Writer for Vec<u8> {
    fn u8(&mut self, value: u8) {
        self.push(value);
    }
    fn u16(&mut self, value: u16) {
        self.extend_from_slice(&value.to_be_bytes());
    }
    fn u24(&mut self, value: u32) {
        self.extend_from_slice(&value.to_be_bytes()[1..]);
    }
    fn u32(&mut self, value: u32) {
        self.extend_from_slice(&value.to_be_bytes());
    }
    fn bytes(&mut self, value: &[u8]) {
        self.extend_from_slice(value);
    }
    fn vector(&mut self, prefix: usize, body: impl FnOnce(&mut Vec<u8>)) {
        let start = self.len();
        self.extend(std::iter::repeat_n(0, prefix));
        body(self);
        let len = (self.len() - start - prefix) as u32;
        let be = len.to_be_bytes();
        self[start..start + prefix].copy_from_slice(&be[4 - prefix..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_cannot_read_past_its_length() {
        // session_id<0..32> claiming 4 bytes, then 2 bytes of the next field.
        let bytes = [4, 0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0x2f];
        let mut r = Reader::new(&bytes);
        let mut session = r.sub(1, "session_id").unwrap();
        assert_eq!(session.rest(), &[0xaa, 0xbb, 0xcc, 0xdd]);
        assert_eq!(r.u16("cipher_suites").unwrap(), 0x002f);
        assert!(r.expect_end("hello").is_ok());
    }

    #[test]
    fn a_lying_length_is_an_error_that_says_where() {
        let bytes = [0x00, 0x10, 0x01];
        let error = Reader::at(&bytes, 40).sub(2, "cipher_suites").unwrap_err();
        assert_eq!(
            error.to_string(),
            "cipher_suites at byte 42: expected 16 bytes, found 1 left"
        );
    }

    #[test]
    fn vectors_are_written_with_their_length() {
        let mut out = Vec::new();
        out.vector(3, |body| body.bytes(&[1, 2, 3]));
        assert_eq!(out, [0, 0, 3, 1, 2, 3]);
    }
}
