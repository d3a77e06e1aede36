//! The hook through which an analysis across frames (`wirelab-analyze`: sequence analysis,
//! endpoint states, reassembly, application protocols) adds to each frame's dissection.
//!
//! ```text
//!  Dissector::dissect_with(frame, d, analysis)
//!     ethernet ─ ip ─ tcp header, options ──> analysis.tcp_segment(&segment, d)   items land in
//!                                               (SEQ/ACK analysis, states)         the TCP subtree
//!                     tcp payload, data
//!     end of frame ───────────────────────> analysis.frame_done(d)               application
//!                                                                                 layers (HTTP…)
//! ```
//!
//! Only the segments and datagrams a host actually sent reach the analysis: not those quoted
//! inside ICMP errors, and not IP fragments (whose transport length is unknown).

use crate::conversation::{Endpoint, WindowScale};
use crate::dissection::Dissection;
use crate::frame::{Frame, Timestamp};

/// One TCP segment, as the analysis sees it.
#[derive(Clone, Copy, Debug)]
pub struct TcpSegment<'a> {
    pub frame_number: u64,
    pub ts: Timestamp,
    /// `tcp.stream`.
    pub stream: u32,
    pub src: Endpoint,
    pub dst: Endpoint,
    /// The sequence and acknowledgment numbers as sent (`tcp.seq_raw`, `tcp.ack_raw`).
    pub seq: u32,
    pub ack: u32,
    /// The same, relative to each direction's base (`tcp.seq`, `tcp.ack`).
    pub relative_seq: u32,
    pub relative_ack: u32,
    /// The flag bits (`tcp::SYN`, `tcp::ACK`…), without the data offset.
    pub flags: u16,
    /// The window field as sent (`tcp.window_size_value`).
    pub window: u16,
    /// The window once scaled (`tcp.window_size`): the field itself on SYNs and while the
    /// scale is unknown.
    pub window_scaled: u32,
    /// The sender's window scaling, as far as the SYNs showed it.
    pub window_scale: WindowScale,
    /// Payload length as sent (`tcp.len`): may exceed `payload.len()` when the snap length cut
    /// the frame.
    pub len: u32,
    /// The payload bytes that were captured, and where they start in the frame.
    pub payload: &'a [u8],
    pub payload_offset: usize,
    /// The option bytes (after the 20-byte header), as captured.
    pub options: &'a [u8],
    /// Whether the checksum was verified and found wrong (a segment a receiver would drop).
    pub checksum_bad: bool,
}

impl TcpSegment<'_> {
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// The options a sequence analysis needs, read from the option bytes.
    pub fn option_values(&self) -> TcpOptionValues {
        TcpOptionValues::parse(self.options)
    }
}

/// One UDP datagram, as the analysis sees it.
#[derive(Clone, Copy, Debug)]
pub struct UdpDatagram<'a> {
    pub frame_number: u64,
    pub ts: Timestamp,
    /// `udp.stream`.
    pub stream: u32,
    pub src: Endpoint,
    pub dst: Endpoint,
    /// The payload bytes that were captured (cut at the UDP length), and where they start.
    pub payload: &'a [u8],
    pub payload_offset: usize,
    /// Payload length as the UDP header declares it.
    pub len: u32,
}

/// What the analysis did with a segment's payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadUse {
    /// Nothing: the payload is shown as `data`, as for an unknown protocol.
    Unclaimed,
    /// An application protocol owns these bytes (they are, or will be, part of a message it
    /// dissects): no `data` layer is shown for them.
    Claimed,
}

/// An analysis that follows a trace frame by frame. Every method has a default that does
/// nothing, so an analysis implements only what it needs.
pub trait Analysis {
    /// A TCP segment whose header was read to its end. Items added here go into the TCP tree,
    /// after the options and before the payload.
    fn tcp_segment(&mut self, _segment: &TcpSegment<'_>, _d: &mut Dissection) -> PayloadUse {
        PayloadUse::Unclaimed
    }

    /// A UDP datagram. Items added here go into the UDP tree, after the header fields.
    fn udp_datagram(&mut self, _datagram: &UdpDatagram<'_>, _d: &mut Dissection) -> PayloadUse {
        PayloadUse::Unclaimed
    }

    /// A frame is about to be dissected: its number, time and length on the wire, which
    /// conversation statistics count (`frame.len`, as `tshark -z conv` does).
    fn frame_start(&mut self, _frame: &Frame<'_>) {}

    /// The frame has been dissected: layers added here come after all others.
    fn frame_done(&mut self, _frame_number: u64, _d: &mut Dissection) {}
}

/// The analysis that does nothing: plain dissection.
pub struct NoAnalysis;

impl Analysis for NoAnalysis {}

/// The values of the TCP options that matter across segments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpOptionValues {
    /// Maximum segment size (kind 2, RFC 9293 §3.7.1).
    pub mss: Option<u16>,
    /// Window scale shift count (kind 3, RFC 7323 §2).
    pub window_shift: Option<u8>,
    /// SACK permitted (kind 4, RFC 2018 §2).
    pub sack_permitted: bool,
    /// SACK blocks (kind 5, RFC 2018 §3): `(left edge, right edge)`, raw sequence numbers.
    pub sack: [(u32, u32); 4],
    pub sack_count: u8,
    /// Timestamps (kind 8, RFC 7323 §3): `(TSval, TSecr)`.
    pub timestamps: Option<(u32, u32)>,
}

impl TcpOptionValues {
    /// Read the options; stops quietly at the first one that does not fit (the dissector has
    /// already reported it).
    pub fn parse(mut options: &[u8]) -> TcpOptionValues {
        let mut values = TcpOptionValues::default();
        while let Some((&kind, rest)) = options.split_first() {
            match kind {
                0 => break,
                1 => {
                    options = rest;
                    continue;
                }
                _ => {}
            }
            let Some(&len) = rest.first() else { break };
            let len = len as usize;
            if len < 2 || len > options.len() {
                break;
            }
            let body = &options[2..len];
            let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            match (kind, body.len()) {
                (2, 2) => values.mss = Some(u16::from_be_bytes([body[0], body[1]])),
                (3, 1) => values.window_shift = Some(body[0]),
                (4, 0) => values.sack_permitted = true,
                (5, n) if n % 8 == 0 => {
                    for block in body.chunks_exact(8).take(4) {
                        values.sack[values.sack_count as usize] = (be32(block), be32(&block[4..]));
                        values.sack_count += 1;
                    }
                }
                (8, 8) => values.timestamps = Some((be32(body), be32(&body[4..]))),
                _ => {}
            }
            options = &options[len..];
        }
        values
    }

    /// The SACK blocks present.
    pub fn sack_blocks(&self) -> &[(u32, u32)] {
        &self.sack[..self.sack_count as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_linux_syn_option_list() {
        // MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
        let options = [
            2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
        ];
        let values = TcpOptionValues::parse(&options);
        assert_eq!(values.mss, Some(1460));
        assert!(values.sack_permitted);
        assert_eq!(values.timestamps, Some((1, 0)));
        assert_eq!(values.window_shift, Some(7));
    }

    #[test]
    fn reads_sack_blocks_and_stops_at_a_bad_length() {
        let options = [1, 1, 5, 10, 0, 0, 0, 10, 0, 0, 0, 20, 9, 0];
        let values = TcpOptionValues::parse(&options);
        assert_eq!(values.sack_blocks(), &[(10, 20)]);
    }
}
