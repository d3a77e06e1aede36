//! The default view: one line per frame, in the columns of tshark's summary.
//!
//! ```text
//!     1   0.000000 10.0.0.1 → 10.0.0.2 TCP 74 54662 → 8080 [SYN] Seq=0 Win=65495 Len=0 MSS=65495
//!  number  relative   source → destination  protocol  length  info
//! ```

use super::Shown;
use std::io::{self, Write};
use wirelab_wire::{Address, Timestamp};

/// How many raw bytes the info column shows for a frame of an unknown link type.
const RAW_BYTES_SHOWN: usize = 24;

pub fn write_line(out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
    let Shown { frame, d, relative } = shown;
    write!(out, "{:5} ", frame.number)?;
    write_seconds(out, *relative, 10)?;
    if d.src != Address::None || d.dst != Address::None {
        write!(out, " {} → {}", d.src, d.dst)?;
    }
    write!(out, " {} {}", d.protocol, frame.orig_len)?;
    if !d.info.is_empty() {
        write!(out, " {}", d.info)?;
    } else if frame.link.name().is_none() {
        // A link type wirelab cannot read: show what it is and the bytes, not an error.
        write!(
            out,
            " link type {}, which wirelab does not dissect:",
            frame.link.0
        )?;
        for b in frame.bytes.iter().take(RAW_BYTES_SHOWN) {
            write!(out, " {b:02x}")?;
        }
        if frame.bytes.len() > RAW_BYTES_SHOWN {
            out.write_all(" …".as_bytes())?;
        }
    }
    if let Some(malformed) = &d.malformed {
        write!(out, " [Malformed Packet: {malformed}]")?;
    }
    out.write_all(b"\n")
}

/// Seconds with six decimals (microseconds, as tshark shows pcap times), right-aligned in
/// `width` columns. Negative when the capture's clock stepped backwards.
fn write_seconds(out: &mut impl Write, t: Timestamp, width: usize) -> io::Result<()> {
    let nanos = t.as_nanos();
    let magnitude = nanos.unsigned_abs();
    let secs = magnitude / 1_000_000_000;
    let micros = (magnitude % 1_000_000_000) / 1_000;
    let sign = if nanos < 0 { "-" } else { "" };
    let len = sign.len() + decimal_digits(secs) + 7;
    for _ in len..width {
        out.write_all(b" ")?;
    }
    write!(out, "{sign}{secs}.{micros:06}")
}

fn decimal_digits(mut n: u128) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(t: Timestamp) -> String {
        let mut out = Vec::new();
        write_seconds(&mut out, t, 10).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn relative_time_has_six_decimals_right_aligned() {
        assert_eq!(seconds(Timestamp::new(0, 0)), "  0.000000");
        assert_eq!(seconds(Timestamp::new(12, 126_619_000)), " 12.126619");
        assert_eq!(seconds(Timestamp::new(12345678, 1_000)), "12345678.000001");
    }

    #[test]
    fn a_clock_that_stepped_back_gives_a_negative_time() {
        assert_eq!(seconds(Timestamp::from_nanos(-250_000_000)), " -0.250000");
    }
}
