//! The default view: one line per frame, in the columns of tshark's summary.
//!
//! ```text
//!     1   0.000000 10.0.0.1 → 10.0.0.2 TCP 74 54662 → 8080 [SYN] Seq=0 Win=65495 Len=0 MSS=65495
//!  number  relative   source → destination  protocol  length  info
//! ```

use super::{write_decimal, Shown};
use std::io::{self, Write};
use wirelab_wire::{Address, Timestamp};

/// How many raw bytes the info column shows for a frame of an unknown link type.
const RAW_BYTES_SHOWN: usize = 24;

pub fn write_line(out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
    let Shown { frame, d, relative } = shown;
    write_decimal(out, frame.number, 5)?;
    out.write_all(b" ")?;
    write_seconds(out, *relative, 10)?;
    if d.src != Address::None || d.dst != Address::None {
        out.write_all(b" ")?;
        write_address(out, &d.src)?;
        out.write_all(" → ".as_bytes())?;
        write_address(out, &d.dst)?;
    }
    out.write_all(b" ")?;
    out.write_all(d.protocol.as_bytes())?;
    out.write_all(b" ")?;
    write_decimal(out, frame.orig_len.into(), 0)?;
    if !d.info.is_empty() {
        out.write_all(b" ")?;
        out.write_all(d.info.as_bytes())?;
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

/// An address column; IPv4 addresses, the most common, without the formatting machinery.
fn write_address(out: &mut impl Write, address: &Address) -> io::Result<()> {
    match address {
        Address::Ipv4(ip) => {
            for (i, octet) in ip.octets().into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b".")?;
                }
                write_decimal(out, octet.into(), 0)?;
            }
            Ok(())
        }
        other => write!(out, "{other}"),
    }
}

/// Seconds with six decimals (microseconds, as tshark shows pcap times), right-aligned in
/// `width` columns. Negative when the capture's clock stepped backwards.
fn write_seconds(out: &mut impl Write, t: Timestamp, width: usize) -> io::Result<()> {
    // `t` is normalised as `secs + nanos / 10⁹` with `nanos` in 0..10⁹, so -0.25 s is
    // secs = -1, nanos = 750 000 000.
    let negative = t.secs < 0;
    let (secs, nanos) = if negative && t.nanos > 0 {
        ((t.secs + 1).unsigned_abs(), 1_000_000_000 - t.nanos)
    } else {
        (t.secs.unsigned_abs(), t.nanos)
    };
    let len = usize::from(negative) + decimal_digits(secs) + 7;
    for _ in len..width {
        out.write_all(b" ")?;
    }
    if negative {
        out.write_all(b"-")?;
    }
    write_decimal(out, secs, 0)?;
    out.write_all(b".")?;
    write_zero_padded(out, u64::from(nanos / 1_000), 6)
}

fn decimal_digits(mut n: u64) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

fn write_zero_padded(out: &mut impl Write, n: u64, width: usize) -> io::Result<()> {
    for _ in decimal_digits(n)..width {
        out.write_all(b"0")?;
    }
    write_decimal(out, n, 0)
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
