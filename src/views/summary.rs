//! The default view: one line per frame, in the columns of tshark's summary.
//!
//! ```text
//!     1   0.000000 10.0.0.1 → 10.0.0.2 TCP 74 54662 → 8080 [SYN] Seq=0 Win=65495 Len=0 MSS=65495
//!  number  relative   source → destination  protocol  length  info
//! ```
//!
//! This is the view benchmarked against `tshark -n -r` and `tcpdump -n -r` on captures of
//! millions of frames, so each line is put together byte by byte in a buffer kept from frame to
//! frame and written out in one piece: many small writes cost more than the dissection.

use super::Shown;
use std::io::{self, Write};
use wirelab_wire::{Address, Timestamp};

/// How many raw bytes the info column shows for a frame of an unknown link type.
const RAW_BYTES_SHOWN: usize = 24;

#[derive(Default)]
pub struct SummaryView {
    line: Vec<u8>,
}

impl SummaryView {
    pub fn write(&mut self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        self.line.clear();
        format_line(&mut self.line, shown);
        out.write_all(&self.line)
    }
}

/// One summary line, newline included.
fn format_line(line: &mut Vec<u8>, shown: &Shown<'_>) {
    let Shown { frame, d, relative } = shown;
    push_decimal(line, frame.number, 5);
    line.push(b' ');
    push_seconds(line, *relative, 10);
    if d.src != Address::None || d.dst != Address::None {
        line.push(b' ');
        push_address(line, &d.src);
        line.extend_from_slice(" → ".as_bytes());
        push_address(line, &d.dst);
    }
    line.push(b' ');
    line.extend_from_slice(d.protocol.as_bytes());
    line.push(b' ');
    push_decimal(line, frame.orig_len.into(), 0);
    if !d.info.is_empty() {
        line.push(b' ');
        line.extend_from_slice(d.info.as_bytes());
    } else if frame.link.name().is_none() {
        // A link type wirelab cannot read: show what it is and the bytes, not an error.
        // (Writing into a Vec cannot fail.)
        let _ = write!(
            line,
            " link type {}, which wirelab does not dissect:",
            frame.link.0
        );
        for b in frame.bytes.iter().take(RAW_BYTES_SHOWN) {
            let _ = write!(line, " {b:02x}");
        }
        if frame.bytes.len() > RAW_BYTES_SHOWN {
            line.extend_from_slice(" …".as_bytes());
        }
    }
    if let Some(malformed) = &d.malformed {
        let _ = write!(line, " [Malformed Packet: {malformed}]");
    }
    line.push(b'\n');
}

/// An address column; IPv4 addresses, the most common, without the formatting machinery.
fn push_address(line: &mut Vec<u8>, address: &Address) {
    match address {
        Address::Ipv4(ip) => {
            for (i, octet) in ip.octets().into_iter().enumerate() {
                if i > 0 {
                    line.push(b'.');
                }
                push_decimal(line, octet.into(), 0);
            }
        }
        other => {
            let _ = write!(line, "{other}");
        }
    }
}

/// `n` in decimal, right-aligned in `width` columns.
fn push_decimal(line: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n).as_bytes();
    for _ in digits.len()..width {
        line.push(b' ');
    }
    line.extend_from_slice(digits);
}

/// Seconds with six decimals (microseconds, as tshark shows pcap times), right-aligned in
/// `width` columns. Negative when the capture's clock stepped backwards.
fn push_seconds(line: &mut Vec<u8>, t: Timestamp, width: usize) {
    // `t` is normalised as `secs + nanos / 10⁹` with `nanos` in 0..10⁹, so -0.25 s is
    // secs = -1, nanos = 750 000 000.
    let negative = t.secs < 0;
    let (secs, nanos) = if negative && t.nanos > 0 {
        ((t.secs + 1).unsigned_abs(), 1_000_000_000 - t.nanos)
    } else {
        (t.secs.unsigned_abs(), t.nanos)
    };
    let mut secs_text = itoa::Buffer::new();
    let secs_text = secs_text.format(secs).as_bytes();
    let len = usize::from(negative) + secs_text.len() + 7;
    for _ in len..width {
        line.push(b' ');
    }
    if negative {
        line.push(b'-');
    }
    line.extend_from_slice(secs_text);
    line.push(b'.');
    let mut micros = nanos / 1_000;
    let mut fraction = [b'0'; 6];
    for digit in fraction.iter_mut().rev() {
        *digit = b'0' + (micros % 10) as u8;
        micros /= 10;
    }
    line.extend_from_slice(&fraction);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(t: Timestamp) -> String {
        let mut line = Vec::new();
        push_seconds(&mut line, t, 10);
        String::from_utf8(line).unwrap()
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

    #[test]
    fn decimals_are_right_aligned_in_their_width() {
        let mut line = Vec::new();
        push_decimal(&mut line, 42, 5);
        push_decimal(&mut line, 0, 0);
        push_decimal(&mut line, u64::MAX, 3);
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "   42018446744073709551615"
        );
    }
}
