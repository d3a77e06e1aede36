//! One direction's bytes, cut into application messages (HTTP/1.x, MQTT) by the protocol's
//! own length rules (`app::http::message_len`, `app::mqtt::message_len`), each message
//! dissected on the frame where it completes, as tshark shows it.
//!
//! Only the unfinished message is kept. Once bytes go missing (a gap) or stop parsing, the
//! direction is out of sync: the rest of it is not dissected, because a message boundary
//! can no longer be found with certainty.

use super::probe::AppProtocol;
use crate::app::{self, mqtt, tls, AppError};
use wirelab_wire::{Dissection, Group, Severity};

/// Whether wirelab dissects this protocol's messages.
pub fn dissected(protocol: AppProtocol) -> bool {
    matches!(
        protocol,
        AppProtocol::Http1 | AppProtocol::Mqtt | AppProtocol::Tls
    )
}

fn message_len(protocol: AppProtocol, bytes: &[u8]) -> Result<Option<usize>, AppError> {
    match protocol {
        AppProtocol::Http1 => app::http::message_len(bytes),
        AppProtocol::Mqtt => mqtt::message_len(bytes),
        AppProtocol::Tls => tls::message_len(bytes),
        _ => Err(AppError::new(0, "HTTP/1.x or MQTT", protocol.name())),
    }
}

/// A message completed in the current frame, to be dissected after the frame's other layers.
#[derive(Debug)]
pub struct Pending {
    protocol: AppProtocol,
    bytes: Vec<u8>,
    frame_offset: Option<usize>,
    /// For MQTT, what the connection had said when this message was cut (its version).
    session: mqtt::Session,
    /// For TLS, what the connection's session made of this record when it was cut.
    tls: Option<Box<tls::RecordView>>,
}

impl Pending {
    pub fn dissect(&self, d: &mut Dissection) {
        match self.protocol {
            AppProtocol::Http1 => app::http::dissect(&self.bytes, self.frame_offset, d),
            AppProtocol::Mqtt => mqtt::dissect_in(&self.bytes, self.frame_offset, &self.session, d),
            AppProtocol::Tls => {
                if let Some(view) = &self.tls {
                    tls::dissect(&self.bytes, self.frame_offset, view, d);
                }
            }
            _ => {}
        }
    }
}

/// What cutting messages needs besides the buffer: the protocol, the current frame, the
/// stream's MQTT session, and where completed messages go.
pub struct Cutter<'a> {
    pub protocol: AppProtocol,
    pub frame: u64,
    pub session: &'a mut mqtt::Session,
    /// The stream's TLS session, and the node (0 or 1) whose buffer is being cut.
    pub tls: &'a mut tls::Session,
    pub node: usize,
    pub pending: &'a mut Vec<Pending>,
}

/// Where the current frame's bytes sit in the buffer: buffer index `start` (negative once
/// messages before it were cut off) is byte `frame_offset` of frame `frame`.
#[derive(Clone, Copy, Debug)]
struct Span {
    frame: u64,
    start: i64,
    len: i64,
    frame_offset: usize,
}

/// The unfinished message of one direction.
#[derive(Debug)]
pub struct MessageBuffer {
    bytes: Vec<u8>,
    span: Option<Span>,
    /// False once a gap or a parse error made message boundaries unknowable.
    pub in_sync: bool,
}

impl Default for MessageBuffer {
    fn default() -> MessageBuffer {
        MessageBuffer {
            bytes: Vec::new(),
            span: None,
            in_sync: true,
        }
    }
}

impl MessageBuffer {
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bytes of the stream are missing: stop here.
    pub fn lose_sync(&mut self) {
        self.in_sync = false;
        self.bytes = Vec::new();
        self.span = None;
    }

    /// Append bytes delivered in order (`frame_offset` when they come from `frame`, the
    /// current one).
    pub fn push(
        &mut self,
        frame: u64,
        bytes: &[u8],
        frame_offset: Option<usize>,
        limit: usize,
        d: &mut Dissection,
    ) {
        if !self.in_sync {
            return;
        }
        if self.bytes.len() + bytes.len() > limit {
            d.add_expert(
                Severity::Note,
                Group::Reassemble,
                "tcp",
                format!(
                    "Message longer than {limit} bytes: the rest of this direction is not dissected"
                ),
            );
            self.lose_sync();
            return;
        }
        self.span = frame_offset.map(|frame_offset| Span {
            frame,
            start: self.bytes.len() as i64,
            len: bytes.len() as i64,
            frame_offset,
        });
        self.bytes.extend_from_slice(bytes);
    }

    /// Cut every complete message off the front of the buffer.
    pub fn extract(&mut self, cutter: &mut Cutter<'_>, d: &mut Dissection) {
        while self.in_sync && !self.bytes.is_empty() {
            let found = message_len(cutter.protocol, &self.bytes);
            if !self.take_message(found, cutter, d) {
                break;
            }
        }
    }

    /// The sender closed its direction: a message still open ends here if its length is
    /// "until the close" (an HTTP response without Content-Length, RFC 9112 §6.3 rule 8).
    pub fn finish(&mut self, cutter: &mut Cutter<'_>, d: &mut Dissection) {
        self.extract(cutter, d);
        if self.in_sync && cutter.protocol == AppProtocol::Http1 && !self.bytes.is_empty() {
            let found = app::http::message_len_at_close(&self.bytes);
            self.take_message(found, cutter, d);
        }
    }

    /// Act on what a `message_len` found; returns whether a message was cut.
    fn take_message(
        &mut self,
        found: Result<Option<usize>, AppError>,
        cutter: &mut Cutter<'_>,
        d: &mut Dissection,
    ) -> bool {
        match found {
            Ok(Some(len)) if len > 0 && len <= self.bytes.len() => {
                self.cut(len, cutter);
                true
            }
            Ok(None) => false,
            Ok(Some(len)) => {
                let error = AppError::new(
                    0,
                    format!("a message length from 1 to {}", self.bytes.len()),
                    len.to_string(),
                );
                self.stop(cutter.protocol, &error, d);
                false
            }
            Err(error) => {
                self.stop(cutter.protocol, &error, d);
                false
            }
        }
    }

    fn stop(&mut self, protocol: AppProtocol, error: &AppError, d: &mut Dissection) {
        d.add_expert(
            Severity::Note,
            Group::Reassemble,
            "tcp",
            format!(
                "The stream stops being {protocol} ({error}): the rest of this direction is not dissected"
            ),
        );
        self.lose_sync();
    }

    fn cut(&mut self, len: usize, cutter: &mut Cutter<'_>) {
        let frame_offset = self.span.and_then(|span| {
            let inside = span.frame == cutter.frame
                && span.start <= 0
                && len as i64 <= span.start + span.len;
            inside.then(|| span.frame_offset + span.start.unsigned_abs() as usize)
        });
        let bytes: Vec<u8> = self.bytes.drain(..len).collect();
        if cutter.protocol == AppProtocol::Mqtt {
            cutter.session.observe(&bytes);
        }
        let tls = (cutter.protocol == AppProtocol::Tls)
            .then(|| Box::new(cutter.tls.record(cutter.node, &bytes)));
        cutter.pending.push(Pending {
            protocol: cutter.protocol,
            bytes,
            frame_offset,
            session: *cutter.session,
            tls,
        });
        if let Some(span) = &mut self.span {
            span.start -= len as i64;
        }
    }
}
