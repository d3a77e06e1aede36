//! The classic small services, each a [`Handler`] of a few lines.

use super::{Handler, Io, LOW_WATER};

/// Echo (RFC 862): "any data received is sent back". Port 7.
#[derive(Default)]
pub struct Echo;

impl Handler for Echo {
    fn readable(&mut self, io: &mut Io<'_>) {
        let data = io.take_input();
        io.write(&data);
    }
}

/// Discard (RFC 863): "any data received is thrown away". Port 9. Counts what it threw.
#[derive(Default)]
pub struct Discard {
    pub discarded: u64,
}

impl Handler for Discard {
    fn readable(&mut self, io: &mut Io<'_>) {
        self.discarded += io.input.len() as u64;
        io.input.clear();
    }
}

/// Character generator (RFC 864): sends lines of 72 printable characters, each line
/// starting one character further in the 95 printable ASCII characters, until the client
/// closes; what the client sends is discarded. Port 19.
#[derive(Default)]
pub struct Chargen {
    line: usize,
}

/// The printable ASCII characters, `' '` to `'~'`.
const PRINTABLE: usize = 95;
const LINE_LEN: usize = 72;

impl Chargen {
    /// Line `n` of the pattern, with CR LF.
    pub fn line(n: usize) -> [u8; LINE_LEN + 2] {
        let mut line = [0u8; LINE_LEN + 2];
        for (i, byte) in line.iter_mut().take(LINE_LEN).enumerate() {
            *byte = b' ' + ((n + i) % PRINTABLE) as u8;
        }
        line[LINE_LEN] = b'\r';
        line[LINE_LEN + 1] = b'\n';
        line
    }
}

impl Handler for Chargen {
    fn readable(&mut self, io: &mut Io<'_>) {
        io.input.clear();
    }

    fn writable(&mut self, io: &mut Io<'_>) {
        while io.output_len() < LOW_WATER {
            io.write(&Chargen::line(self.line));
            self.line = (self.line + 1) % PRINTABLE;
        }
    }
}
