//! pcapng: a file of blocks (draft-ietf-opsawg-pcapng, "PCAP Now Generic").
//!
//! Every block has the same frame (§3.1, "General Block Structure"):
//!
//! ```text
//!                         1                   2                   3
//!     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   0 |                          Block Type                           |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   4 |                      Block Total Length                       |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   8 /                          Block Body                           /
//!     /              variable length, padded to 32 bits               /
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!     |                      Block Total Length                       |
//!     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! A file is one or more sections (§3.1, Figure 2). Each starts with a Section Header Block
//! whose byte-order magic fixes the byte order of every later block in the section; then come
//! Interface Description Blocks (numbered 0, 1, ... within the section) and packet blocks that
//! name their interface by that number:
//!
//! ```text
//!   | SHB | IDB 0 | IDB 1 | EPB (if 0) | EPB (if 1) | SPB (if 0) | ... | SHB | IDB 0 | ...
//!   '------------------- section 1 ----------------------------------'  '-- section 2 --
//! ```
//!
//! The blocks read here:
//!
//! ```text
//!  Section Header Block (§4.1), type 0x0A0D0D0A (the same in both byte orders)
//!     8 | Byte-Order Magic 0x1A2B3C4D | Major (1) | Minor (0) | Section Length (64 bits) | options
//!
//!  Interface Description Block (§4.2), type 1
//!     8 | LinkType (16) | Reserved (16) | SnapLen (32) | options: if_tsresol, if_tsoffset, ...
//!
//!  Enhanced Packet Block (§4.3), type 6
//!     8 | Interface ID | Timestamp (upper 32) | Timestamp (lower 32)
//!    20 | Captured Packet Length | Original Packet Length
//!    28 | Packet Data (padded to 32 bits) | options: opt_comment, epb_flags, ...
//!
//!  Simple Packet Block (§4.4), type 3: interface 0, no timestamp
//!     8 | Original Packet Length | Packet Data: min(original length, snaplen) bytes, padded
//!
//!  Packet Block (Appendix A, obsolete), type 2
//!     8 | Interface ID (16) | Drops Count (16) | Timestamp (upper) | Timestamp (lower)
//!    20 | Captured Packet Length | Original Packet Length | Packet Data | options
//! ```
//!
//! Every other block (statistics, name resolution, decryption secrets, custom, ...) is skipped.
//! tshark 4.0 differs for two kinds: it lists each Custom Block (types 0x00000BAD and
//! 0x40000BAD) and each systemd Journal Export Block (type 9) as a frame of its own, so its
//! frame numbers run ahead of wirelab's after one of those (none of the tcpdump test captures
//! has one).
//!
//! pcap-parser parses the Section Header and Interface Description Blocks. The timestamp
//! options are interpreted here, because pcap-parser 0.17 rejects power-of-two `if_tsresol`
//! values and reads `if_tsoffset` little-endian even in big-endian sections; packet blocks are
//! parsed here, because pcap-parser 0.17 waits forever for an EPB whose captured length runs
//! past its block, and allocates a `Vec` for every packet block that has options.

use crate::options::{Options, IF_NAME, IF_TSOFFSET, IF_TSRESOL, OPT_COMMENT};
use crate::reader::RawFrame;
use crate::{CaptureError, MAX_FRAME_LEN};
use wirelab_wire::{LinkType, Timestamp};

pub(crate) const SHB_TYPE: u32 = 0x0A0D_0D0A;
pub(crate) const IDB_TYPE: u32 = 0x0000_0001;
pub(crate) const PB_TYPE: u32 = 0x0000_0002;
pub(crate) const SPB_TYPE: u32 = 0x0000_0003;
pub(crate) const EPB_TYPE: u32 = 0x0000_0006;
/// The byte-order magic of a Section Header Block, as written by the file's writer.
pub(crate) const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

/// Largest block accepted: a longer claim is damage, not data.
pub(crate) const MAX_BLOCK_LEN: usize = crate::buffer::MAX_CAPACITY;

/// What the file says about one capture interface (one Interface Description Block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// The link-layer header type of every frame captured on this interface.
    pub link: LinkType,
    /// Most bytes captured per frame (0: no limit).
    pub snaplen: u32,
    /// Timestamp units per second, from `if_tsresol` (10^6 when the option is absent).
    pub ts_units_per_second: u64,
    /// Seconds added to every timestamp, from `if_tsoffset` (0 when absent).
    pub ts_offset: i64,
    /// `if_name`, when the file gives one.
    pub name: Option<String>,
}

impl Interface {
    /// An interface as a pcap file describes its only one.
    pub(crate) fn for_pcap(link: LinkType, snaplen: u32, nanosecond: bool) -> Interface {
        Interface {
            link,
            snaplen,
            ts_units_per_second: if nanosecond { 1_000_000_000 } else { 1_000_000 },
            ts_offset: 0,
            name: None,
        }
    }

    /// A 64-bit timestamp in this interface's units, as a `Timestamp` (§4.3: "Timestamp
    /// (High) and Timestamp (Low)").
    #[inline]
    pub(crate) fn timestamp(&self, high: u32, low: u32) -> Timestamp {
        let ticks = (high as u64) << 32 | low as u64;
        let units = self.ts_units_per_second;
        let (secs, frac) = match units {
            // The common resolutions, spelled out so the compiler divides by a constant.
            1_000_000 => (ticks / 1_000_000, (ticks % 1_000_000) * 1_000),
            1_000_000_000 => (ticks / 1_000_000_000, ticks % 1_000_000_000),
            _ => (
                ticks / units,
                ((ticks % units) as u128 * 1_000_000_000 / units as u128) as u64,
            ),
        };
        let secs = secs as i128 + self.ts_offset as i128;
        if secs >= i64::MIN as i128 && secs <= i64::MAX as i128 {
            Timestamp::new(secs as i64, frac as u32)
        } else {
            // Only a damaged file gets here; keep the value well-formed.
            Timestamp::from_nanos(secs.saturating_mul(1_000_000_000))
        }
    }
}

/// What parsing the unread bytes as one block gave.
pub(crate) enum Block {
    /// A packet.
    Frame(RawFrame, usize),
    /// A block that carries no packet (SHB, IDB, statistics, ...): skip this many bytes.
    Skip(usize),
    /// Not enough bytes yet: this many are needed in total, for this kind of block.
    NeedBytes(usize, &'static str),
}

/// The state of the section being read.
#[derive(Debug, Default)]
pub(crate) struct Section {
    pub big_endian: bool,
    pub version: (u16, u16),
    pub interfaces: Vec<Interface>,
    /// How many sections have begun so far (1 after the first SHB).
    pub number: u32,
}

/// The name of a block type, for messages.
pub(crate) fn block_name(block_type: u32) -> &'static str {
    match block_type {
        SHB_TYPE => "Section Header Block",
        IDB_TYPE => "Interface Description Block",
        PB_TYPE => "Packet Block",
        SPB_TYPE => "Simple Packet Block",
        EPB_TYPE => "Enhanced Packet Block",
        4 => "Name Resolution Block",
        5 => "Interface Statistics Block",
        _ => "block",
    }
}

#[inline]
fn u32_at(bytes: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

#[inline]
fn u16_at(bytes: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let b: [u8; 2] = bytes.get(at..at + 2)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(b)
    } else {
        u16::from_le_bytes(b)
    })
}

/// Rounds up to a multiple of four (packet data and option values are padded to 32 bits).
#[inline]
fn padded(len: u32) -> u64 {
    (len as u64).div_ceil(4) * 4
}

impl Section {
    /// Parses one block from `unread`, whose first byte is at file offset `offset` and at index
    /// `base` in the reader's buffer.
    pub(crate) fn parse_block(
        &mut self,
        unread: &[u8],
        offset: u64,
        base: usize,
    ) -> Result<Block, CaptureError> {
        let err = |problem: String| Err(CaptureError::new(offset, problem));
        let Some(raw_type) = u32_at(unread, 0, false) else {
            return Ok(Block::NeedBytes(8, "block header"));
        };
        // A Section Header Block fixes its own byte order: read the magic before the length.
        let big_endian = if raw_type == SHB_TYPE {
            match u32_at(unread, 8, false) {
                None => return Ok(Block::NeedBytes(12, "Section Header Block")),
                Some(BYTE_ORDER_MAGIC) => false,
                Some(m) if m == BYTE_ORDER_MAGIC.swap_bytes() => true,
                Some(m) => {
                    return err(format!(
                        "Section Header Block has byte-order magic {:02x?}, expected \
                         4d 3c 2b 1a (little-endian) or 1a 2b 3c 4d (big-endian)",
                        m.to_le_bytes()
                    ))
                }
            }
        } else {
            self.big_endian
        };
        let block_type = if big_endian {
            raw_type.swap_bytes()
        } else {
            raw_type
        };
        let name = block_name(block_type);
        let Some(total) = u32_at(unread, 4, big_endian) else {
            return Ok(Block::NeedBytes(8, "block header"));
        };
        let min = match block_type {
            SHB_TYPE => 28,
            IDB_TYPE => 20,
            EPB_TYPE | PB_TYPE => 32,
            SPB_TYPE => 16,
            _ => 12,
        };
        if total < min {
            return err(format!(
                "{name} (type 0x{block_type:08x}) says it is {total} bytes long, \
                 less than the {min} bytes such a block needs"
            ));
        }
        if total as usize > MAX_BLOCK_LEN {
            return err(format!(
                "{name} (type 0x{block_type:08x}) says it is {total} bytes long, \
                 an absurd length (more than {MAX_BLOCK_LEN})"
            ));
        }
        if total % 4 != 0 {
            return err(format!(
                "{name} (type 0x{block_type:08x}) says it is {total} bytes long, \
                 which is not a multiple of 4"
            ));
        }
        let total = total as usize;
        let Some(block) = unread.get(..total) else {
            return Ok(Block::NeedBytes(total, name));
        };
        let trailer = u32_at(block, total - 4, big_endian).unwrap_or(0);
        if trailer as usize != total {
            return err(format!(
                "{name} (type 0x{block_type:08x}) starts with length {total} but ends with \
                 length {trailer}: the block is damaged"
            ));
        }
        match block_type {
            SHB_TYPE => self.section_header(block, big_endian, offset)?,
            IDB_TYPE => self.interface_description(block, offset)?,
            EPB_TYPE => {
                return self
                    .enhanced_packet(block, offset, base)
                    .map(|f| Block::Frame(f, total))
            }
            SPB_TYPE => {
                return self
                    .simple_packet(block, offset, base)
                    .map(|f| Block::Frame(f, total))
            }
            PB_TYPE => {
                return self
                    .obsolete_packet(block, offset, base)
                    .map(|f| Block::Frame(f, total))
            }
            _ => {}
        }
        Ok(Block::Skip(total))
    }

    /// §4.1: a new section. Its byte order holds for the blocks that follow; the interfaces of
    /// the previous section are forgotten (interface numbers restart at 0).
    fn section_header(
        &mut self,
        block: &[u8],
        big_endian: bool,
        offset: u64,
    ) -> Result<(), CaptureError> {
        let shb = match pcap_parser::parse_sectionheaderblock(block) {
            Ok((_, shb)) => shb,
            Err(e) => {
                return Err(CaptureError::new(
                    offset,
                    format!("cannot parse Section Header Block: {e:?}"),
                ))
            }
        };
        if shb.major_version != 1 {
            return Err(CaptureError::new(
                offset,
                format!(
                    "Section Header Block has version {}.{}; only 1.x is defined",
                    shb.major_version, shb.minor_version
                ),
            ));
        }
        self.big_endian = big_endian;
        self.version = (shb.major_version, shb.minor_version);
        self.interfaces.clear();
        self.number += 1;
        Ok(())
    }

    /// §4.2: one more interface in this section.
    fn interface_description(&mut self, block: &[u8], offset: u64) -> Result<(), CaptureError> {
        let parsed = if self.big_endian {
            pcap_parser::parse_interfacedescriptionblock_be(block)
        } else {
            pcap_parser::parse_interfacedescriptionblock_le(block)
        };
        let idb = match parsed {
            Ok((_, idb)) => idb,
            Err(e) => {
                return Err(CaptureError::new(
                    offset,
                    format!("cannot parse Interface Description Block: {e:?}"),
                ))
            }
        };
        let mut interface = Interface {
            link: LinkType(idb.linktype.0 as u32 & 0xffff),
            snaplen: idb.snaplen,
            ts_units_per_second: 1_000_000,
            ts_offset: 0,
            name: None,
        };
        // pcap-parser 0.17 interprets both timestamp options wrongly (see the module doc);
        // read them from the raw option list instead, in the section's byte order.
        for opt in Options::new(
            block.get(16..block.len() - 4).unwrap_or(&[]),
            self.big_endian,
        ) {
            match opt.code {
                IF_TSRESOL => {
                    if let Some(&resol) = opt.value.first() {
                        interface.ts_units_per_second =
                            units_per_second(resol).ok_or_else(|| {
                                CaptureError::new(
                                    offset,
                                    format!(
                                        "interface {}'s if_tsresol 0x{resol:02x} asks for more \
                                     timestamp units per second than 64 bits can count",
                                        self.interfaces.len()
                                    ),
                                )
                            })?;
                    }
                }
                IF_TSOFFSET => {
                    if let Ok(b) = <[u8; 8]>::try_from(opt.value) {
                        interface.ts_offset = if self.big_endian {
                            i64::from_be_bytes(b)
                        } else {
                            i64::from_le_bytes(b)
                        };
                    }
                }
                IF_NAME => {
                    let name = String::from_utf8_lossy(opt.value);
                    interface.name = Some(name.trim_end_matches('\0').to_string());
                }
                _ => {}
            }
        }
        self.interfaces.push(interface);
        Ok(())
    }

    fn interface(&self, id: u32, what: &str, offset: u64) -> Result<&Interface, CaptureError> {
        self.interfaces.get(id as usize).ok_or_else(|| {
            CaptureError::new(
                offset,
                format!(
                    "{what} names interface {id}, but section {} has described only {} \
                     interface(s) so far",
                    self.number,
                    self.interfaces.len()
                ),
            )
        })
    }

    /// §4.3: the packet block nearly every writer uses.
    #[inline]
    fn enhanced_packet(
        &self,
        block: &[u8],
        offset: u64,
        base: usize,
    ) -> Result<RawFrame, CaptureError> {
        let field = |at| u32_at(block, at, self.big_endian).unwrap_or(0);
        self.packet(
            block,
            offset,
            base,
            PacketFields {
                what: "Enhanced Packet Block",
                interface: field(8),
                ts: Some((field(12), field(16))),
                caplen: Some(field(20)),
                orig_len: field(24),
                data_at: 28,
            },
        )
    }

    /// Appendix A: the Packet Block that the EPB replaced, with a 16-bit interface ID
    /// (followed by a 16-bit drops count).
    fn obsolete_packet(
        &self,
        block: &[u8],
        offset: u64,
        base: usize,
    ) -> Result<RawFrame, CaptureError> {
        let field = |at| u32_at(block, at, self.big_endian).unwrap_or(0);
        self.packet(
            block,
            offset,
            base,
            PacketFields {
                what: "Packet Block",
                interface: u16_at(block, 8, self.big_endian).unwrap_or(0) as u32,
                ts: Some((field(12), field(16))),
                caplen: Some(field(20)),
                orig_len: field(24),
                data_at: 28,
            },
        )
    }

    /// §4.4: interface 0, no timestamp, no captured length.
    fn simple_packet(
        &self,
        block: &[u8],
        offset: u64,
        base: usize,
    ) -> Result<RawFrame, CaptureError> {
        self.packet(
            block,
            offset,
            base,
            PacketFields {
                what: "Simple Packet Block",
                interface: 0,
                ts: None,
                caplen: None,
                orig_len: u32_at(block, 8, self.big_endian).unwrap_or(0),
                data_at: 12,
            },
        )
    }

    /// The checks and the frame every packet block shares.
    #[inline]
    fn packet(
        &self,
        block: &[u8],
        offset: u64,
        base: usize,
        p: PacketFields,
    ) -> Result<RawFrame, CaptureError> {
        let what = p.what;
        let interface = self.interface(p.interface, what, offset)?;
        // §4.4: an SPB's captured length is "the minimum value among the Original Packet
        // Length and the value of the SnapLen in the IDB" (0 meaning no limit).
        let caplen = p.caplen.unwrap_or(match interface.snaplen {
            0 => p.orig_len,
            snaplen => p.orig_len.min(snaplen),
        });
        if caplen as u64 > MAX_FRAME_LEN as u64 {
            return Err(CaptureError::new(
                offset,
                format!("{what} says {caplen} bytes captured, more than the {MAX_FRAME_LEN} a frame can have"),
            ));
        }
        // The block length was checked against the block's minimum, so this cannot underflow.
        let options_end = block.len() - 4;
        let room = options_end - p.data_at;
        if caplen as usize > room {
            return Err(CaptureError::new(
                offset,
                format!(
                    "{what} says {caplen} bytes captured, but the block ({} bytes) has room \
                     for only {room}",
                    block.len()
                ),
            ));
        }
        let data = p.data_at..p.data_at + caplen as usize;
        // Options follow the data, padded to 32 bits.
        let options_at = (p.data_at as u64 + padded(caplen)).min(options_end as u64) as usize;
        let comment = Options::new(&block[options_at..options_end], self.big_endian)
            .find(|o| o.code == OPT_COMMENT)
            .map(|o| base + options_at + o.at..base + options_at + o.at + o.value.len());
        Ok(RawFrame {
            ts: p.ts.map_or(Timestamp::default(), |(high, low)| {
                interface.timestamp(high, low)
            }),
            orig_len: p.orig_len,
            data: base + data.start..base + data.end,
            interface: p.interface,
            link: interface.link,
            comment,
            has_timestamp: p.ts.is_some(),
        })
    }
}

/// The fields of a packet block, whichever of the three kinds it is.
struct PacketFields {
    what: &'static str,
    interface: u32,
    /// Timestamp (high, low); the SPB has none.
    ts: Option<(u32, u32)>,
    /// The SPB has none: it follows from the original length and the snap length.
    caplen: Option<u32>,
    orig_len: u32,
    /// Where the packet data starts in the block.
    data_at: usize,
}

/// `if_tsresol` (§4.2): "If the Most Significant Bit is equal to zero, the remaining bits
/// indicates the resolution of the timestamp as a negative power of 10 (e.g. 6 means
/// microsecond resolution [...]). If the Most Significant Bit is equal to one, the remaining
/// bits indicates the resolution as negative power of 2 (e.g. 10 means 1/1024 of second)."
pub(crate) fn units_per_second(resol: u8) -> Option<u64> {
    let exponent = (resol & 0x7f) as u32;
    if resol & 0x80 != 0 {
        1u64.checked_shl(exponent).filter(|_| exponent < 64)
    } else {
        10u64.checked_pow(exponent)
    }
}
