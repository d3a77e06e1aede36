//! Reading and writing capture files: pcap and pcapng, streaming.
//!
//! ```text
//!   open("x.pcapng") / CaptureReader::new(impl Read)
//!        │  detects the format from the first 4 bytes
//!        ▼
//!   next_frame() ──> Frame { number, ts, link, orig_len, bytes, interface }   (borrowed)
//!   next_record() ─> Record { frame, comment }                                (pcapng opt_comment)
//!
//!   PcapWriter / PcapNgWriter over impl Write: the stack and the demos save what they do.
//! ```
//!
//! - [`pcap`] draws the pcap layout (draft-ietf-opsawg-pcap), [`pcapng`] the pcapng blocks
//!   (draft-ietf-opsawg-pcapng), [`options`] the pcapng option list.
//! - [`buffer`] is why memory stays flat: one buffer of 64 KiB, larger only for one large
//!   block, never above 16 MiB.
//! - A damaged file yields every frame before the damage, then a [`CaptureError`] with the
//!   byte offset of the damaged record or block.
//! - [`tap`] opens a Linux TAP device for the user-space stack, with fault injection and pcap
//!   recording as middleware around any [`FrameDevice`].
// `deny`, not `forbid`: the three ioctl(2) calls of the TAP device (src/tap/sys.rs) are the
// only unsafe code in wirelab, allowed there alone, each with its SAFETY argument.
#![deny(unsafe_code)]

pub mod buffer;
mod error;
pub mod options;
pub mod pcap;
pub mod pcapng;
mod reader;
pub mod tap;
mod writer;

pub use error::{CaptureError, OpenError};
pub use pcapng::Interface;
pub use reader::{open, CaptureReader, FileFormat, Record};
pub use tap::{FaultInjector, FrameDevice, PcapRecorder, TapDevice};
pub use writer::{PcapNgWriter, PcapWriter, TsResolution};

/// The most bytes one frame may have: tshark's limit (`WTAP_MAX_PACKET_SIZE_STANDARD`).
/// A record claiming more is damage.
pub const MAX_FRAME_LEN: usize = 262_144;
