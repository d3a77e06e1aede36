//! pcapng options: the type-length-value list at the end of most blocks.
//!
//! draft-ietf-opsawg-pcapng §3.5, "Options":
//!
//! ```text
//!                         1                   2                   3
//!     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!     |      Option Code              |         Option Length         |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!     /                       Option Value                            /
//!     /              variable length, padded to 32 bits               /
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!     /                                                               /
//!     /                 . . . other options . . .                     /
//!     /                                                               /
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!     |   Option Code == opt_endofopt  |  Option Length == 0          |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Code and length are in the section's byte order. This walker borrows the block and
//! allocates nothing, so it can run for every packet block (pcap-parser collects options into
//! a `Vec`, one allocation per packet that carries any). An option whose length runs past the
//! end of the block ends the walk: like tshark, a damaged option list costs the options, not
//! the packet.

/// `opt_endofopt` (§3.5): ends the list.
pub const OPT_ENDOFOPT: u16 = 0;
/// `opt_comment` (§3.5): a UTF-8 comment, allowed in every block.
pub const OPT_COMMENT: u16 = 1;
/// `if_name` (§4.2): the interface's name, e.g. `eth0`.
pub const IF_NAME: u16 = 2;
/// `if_tsresol` (§4.2): timestamp resolution, one byte.
pub const IF_TSRESOL: u16 = 9;
/// `if_tsoffset` (§4.2): seconds to add to every timestamp, a signed 64-bit integer.
pub const IF_TSOFFSET: u16 = 14;

/// One option: its code and value (without padding); `at` is the value's position in the
/// slice the walk started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opt<'a> {
    pub code: u16,
    pub value: &'a [u8],
    pub at: usize,
}

/// Iterates over the options in `area` (the bytes between the fixed fields of a block and
/// its trailing length).
pub(crate) struct Options<'a> {
    area: &'a [u8],
    pos: usize,
    big_endian: bool,
}

impl<'a> Options<'a> {
    pub(crate) fn new(area: &'a [u8], big_endian: bool) -> Options<'a> {
        Options {
            area,
            pos: 0,
            big_endian,
        }
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Opt<'a>;

    fn next(&mut self) -> Option<Opt<'a>> {
        let header: [u8; 4] = self.area.get(self.pos..self.pos + 4)?.try_into().ok()?;
        let (code, len) = if self.big_endian {
            (
                u16::from_be_bytes([header[0], header[1]]),
                u16::from_be_bytes([header[2], header[3]]),
            )
        } else {
            (
                u16::from_le_bytes([header[0], header[1]]),
                u16::from_le_bytes([header[2], header[3]]),
            )
        };
        if code == OPT_ENDOFOPT {
            self.pos = self.area.len();
            return None;
        }
        let at = self.pos + 4;
        let value = self.area.get(at..at + len as usize)?;
        // Values are padded to a multiple of four bytes.
        self.pos = at + (len as usize).div_ceil(4) * 4;
        Some(Opt { code, value, at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_read_in_order_with_padding_skipped() {
        let area = [
            0x01, 0x00, 0x03, 0x00, b'h', b'e', b'y', 0x00, // opt_comment "hey" + 1 pad byte
            0x09, 0x00, 0x01, 0x00, 0x09, 0x00, 0x00, 0x00, // if_tsresol 9 + 3 pad bytes
            0x00, 0x00, 0x00, 0x00, // opt_endofopt
            0x01, 0x00, 0x01, 0x00, b'x', 0, 0, 0, // after the end: not read
        ];
        let opts: Vec<Opt> = Options::new(&area, false).collect();
        assert_eq!(
            opts,
            vec![
                Opt {
                    code: OPT_COMMENT,
                    value: b"hey",
                    at: 4
                },
                Opt {
                    code: IF_TSRESOL,
                    value: &[9],
                    at: 12
                }
            ]
        );
    }

    #[test]
    fn big_endian_option_headers_are_read_big_endian() {
        let area = [0x00, 0x0e, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0, 5];
        let opt = Options::new(&area, true).next().unwrap();
        assert_eq!(opt.code, IF_TSOFFSET);
        assert_eq!(opt.value, &[0, 0, 0, 0, 0, 0, 0, 5]);
    }

    #[test]
    fn an_option_longer_than_its_block_ends_the_walk() {
        let area = [0x01, 0x00, 0xff, 0x00, b'a', b'b', 0, 0];
        assert_eq!(Options::new(&area, false).count(), 0);
    }

    #[test]
    fn a_list_without_end_of_options_ends_with_the_block() {
        let area = [0x01, 0x00, 0x02, 0x00, b'o', b'k', 0, 0];
        assert_eq!(Options::new(&area, false).count(), 1);
    }
}
