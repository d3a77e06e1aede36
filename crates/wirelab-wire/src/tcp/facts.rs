//! What the analysis across frames (crate::analysis, `tcp.analysis.*`) is told about a
//! segment once its header is read: the values as sent, and what the conversation made of them.

use super::{Header, MIN_HEADER_LEN};
use crate::analysis::TcpSegment;
use crate::conversation::{Endpoint, Relative, WindowScale};
use crate::dissector::Ctx;

/// The header values of a segment, kept for the analysis across frames.
pub(super) struct SegmentFacts {
    pub(super) stream: u32,
    pub(super) src: Endpoint,
    pub(super) dst: Endpoint,
    pub(super) header: Header,
    pub(super) shown: Relative,
    pub(super) window_scaled: u32,
    pub(super) window_scale: WindowScale,
    pub(super) len: u32,
    pub(super) checksum_bad: bool,
}

impl SegmentFacts {
    pub(super) fn segment<'a>(
        &self,
        cx: &Ctx<'a>,
        start: usize,
        payload_start: usize,
        end: usize,
    ) -> TcpSegment<'a> {
        let payload_end = end.min(payload_start + self.len as usize);
        TcpSegment {
            frame_number: cx.frame_number,
            ts: cx.ts,
            stream: self.stream,
            src: self.src,
            dst: self.dst,
            seq: self.header.seq,
            ack: self.header.ack,
            relative_seq: self.shown.seq,
            relative_ack: self.shown.ack,
            flags: self.header.flags,
            window: self.header.window,
            window_scaled: self.window_scaled,
            window_scale: self.window_scale,
            len: self.len,
            payload: &cx.bytes[payload_start..payload_end],
            payload_offset: payload_start,
            options: &cx.bytes[(start + MIN_HEADER_LEN).min(payload_start)..payload_start],
            checksum_bad: self.checksum_bad,
        }
    }
}
