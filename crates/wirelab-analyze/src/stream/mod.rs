//! Streams: each connection's bytes in order, which application protocol they carry, and that
//! protocol's messages.
//!
//! ```text
//!  TCP segment ─▶ reassembly (per direction) ─▶ bytes in order, gaps, overlaps
//!                                                  │
//!                    ┌─────────────────────────────┼──────────────────────────┐
//!                    ▼                             ▼                          ▼
//!              probe: first bytes          message buffers:            `wirelab follow`:
//!              ─▶ wirelab.app.protocol     app::http / app::mqtt       every chunk of the
//!                                          message_len ─▶ dissect      one stream followed
//!                                          (in frame_done, as layers
//!                                           after TCP)
//! ```
//!
//! Memory is bounded per open stream: out-of-order bytes up to
//! [`StreamOptions::buffer_limit`] per direction, the last [`reassembly::RECENT_LIMIT`]
//! delivered bytes (to compare retransmissions with), and one unfinished application message
//! up to [`StreamOptions::message_limit`]. All of it is released when the connection closes
//! (both FINs acknowledged, or a RST). Only the stream named in [`StreamOptions::follow`] is
//! kept whole.

pub mod probe;
pub mod reassembly;

mod fields;
mod messages;
#[cfg(test)]
mod tests;

pub use fields::FIELDS;
pub use probe::{AppProtocol, Evidence, Identified, Speaker};
pub use reassembly::{GapCause, Overlap};

use crate::seq::flow::seq_before;
use crate::SeqVerdict;
use messages::{Cutter, MessageBuffer, Pending};
use reassembly::{Delivery, Direction, Segment, SegmentReport};
use std::collections::HashMap;
use wirelab_wire::conversation::Endpoint;
use wirelab_wire::tcp::{ACK, FIN, RST, SYN};
use wirelab_wire::{Dissection, Group, PayloadUse, Severity, TcpSegment, UdpDatagram, Value};

/// The transport of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
}

/// What the stream analysis keeps.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// Keep every chunk of this stream (`tcp.stream` or `udp.stream` index), for
    /// `wirelab follow`.
    pub follow: Option<(Proto, u32)>,
    /// Out-of-order bytes that may wait per direction before the gap in front of them is
    /// given up as missing.
    pub buffer_limit: usize,
    /// The longest unfinished application message kept per direction; a longer one stops the
    /// dissection of that direction (its bytes are shown as data).
    pub message_limit: usize,
}

impl Default for StreamOptions {
    fn default() -> StreamOptions {
        StreamOptions {
            follow: None,
            buffer_limit: 1 << 20,
            message_limit: 4 << 20,
        }
    }
}

/// One chunk of a followed stream, in the order the stream delivered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowRecord {
    /// 0 for the endpoint that sent the stream's first segment, 1 for the other (tshark's
    /// "Node 0" and "Node 1").
    pub node: usize,
    /// The frame the bytes came from, or where the gap or overlap was found.
    pub frame: u64,
    pub content: FollowContent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowContent {
    Data(Vec<u8>),
    Missing {
        len: u32,
        cause: GapCause,
    },
    /// Bytes that arrived again; `conflict > 0` when the copies differ.
    Overlap(Overlap),
}

/// The stream kept for `wirelab follow`.
#[derive(Clone, Debug)]
pub struct Followed {
    pub proto: Proto,
    pub stream: u32,
    /// Node 0 and node 1, once the stream's first packet was seen.
    pub nodes: Option<[Endpoint; 2]>,
    pub records: Vec<FollowRecord>,
}

/// All streams of a trace.
pub struct Streams {
    options: StreamOptions,
    tcp: HashMap<u32, TcpStream>,
    followed: Option<Followed>,
    /// Application messages completed in the current frame, dissected in `frame_done`.
    pending: Vec<Pending>,
    /// One more than the highest `udp.stream` seen.
    udp_streams: u32,
    /// Reused from segment to segment.
    deliveries: Vec<(usize, Owned)>,
    /// Key log / RSA key each new TLS connection may decrypt with.
    tls_secrets: crate::app::tls::Secrets,
}

/// One TCP connection.
struct TcpStream {
    /// Node 0 sent the first segment seen.
    nodes: [Endpoint; 2],
    directions: [Direction; 2],
    /// Which node opened the connection (sent the SYN), once known.
    client: Option<usize>,
    /// The node that sent the first payload byte.
    first_speaker: Option<usize>,
    app: Option<Option<Identified>>,
    messages: [MessageBuffer; 2],
    /// What an MQTT connection said that later packets need (its version).
    mqtt: crate::app::mqtt::Session,
    /// What a TLS connection said that later records need (suite, keys, handshake buffers).
    tls: crate::app::tls::Session,
    /// The sequence number after each direction's FIN, and whether the other side
    /// acknowledged it.
    fin_end: [Option<u32>; 2],
    fin_acked: [bool; 2],
    /// Whether each direction's last message was cut at its FIN.
    finished: [bool; 2],
    closed: bool,
}

impl Streams {
    pub fn new(options: StreamOptions) -> Streams {
        let followed = options.follow.map(|(proto, stream)| Followed {
            proto,
            stream,
            nodes: None,
            records: Vec::new(),
        });
        Streams {
            options,
            tcp: HashMap::new(),
            followed,
            pending: Vec::new(),
            udp_streams: 0,
            tls_secrets: Default::default(),
            deliveries: Vec::new(),
        }
    }

    /// The application protocol of TCP stream `stream`, once the probe decided (`None`
    /// while undecided, `Some(None)` when nothing matched).
    pub fn app_protocol(&self, stream: u32) -> Option<Option<Identified>> {
        self.tcp.get(&stream).and_then(|s| s.app)
    }

    /// Decrypt TLS connections seen from now on with these secrets (`--tls-keylog`).
    pub fn set_tls_secrets(&mut self, secrets: crate::app::tls::Secrets) {
        self.tls_secrets = secrets;
    }

    /// The followed stream, as far as it has been read.
    pub fn followed(&self) -> Option<&Followed> {
        self.followed.as_ref()
    }

    /// How many TCP streams (`tcp.stream` 0 to this - 1) and UDP streams have been seen.
    pub fn stream_counts(&self) -> (u32, u32) {
        let tcp = self.tcp.keys().max().map_or(0, |max| max + 1);
        (tcp, self.udp_streams)
    }

    /// Streams whose buffers are still held (not yet closed).
    pub fn open_streams(&self) -> usize {
        self.tcp.values().filter(|s| !s.closed).count()
    }

    /// Out-of-order bytes buffered across all streams.
    pub fn buffered_bytes(&self) -> usize {
        self.tcp
            .values()
            .map(|s| {
                s.directions
                    .iter()
                    .map(Direction::buffered_bytes)
                    .sum::<usize>()
            })
            .sum()
    }

    /// Take one TCP segment: reassemble it, probe the stream's first bytes, cut the
    /// application messages it completes (dissected in [`Streams::frame_done`]). The fields
    /// added here land in the TCP tree. Returns whether an application protocol owns the
    /// payload.
    pub fn tcp(
        &mut self,
        segment: &TcpSegment<'_>,
        _verdict: &SeqVerdict,
        d: &mut Dissection,
    ) -> PayloadUse {
        let buffer_limit = self.options.buffer_limit;
        let stream = self.tcp.entry(segment.stream).or_insert_with(|| TcpStream {
            nodes: [segment.src, segment.dst],
            directions: [Direction::new(buffer_limit), Direction::new(buffer_limit)],
            client: None,
            first_speaker: None,
            app: None,
            messages: Default::default(),
            mqtt: Default::default(),
            tls: crate::app::tls::Session::new(self.tls_secrets.clone()),
            fin_end: [None; 2],
            fin_acked: [false; 2],
            finished: [false; 2],
            closed: false,
        });
        let node = usize::from(segment.src != stream.nodes[0]);
        let other = 1 - node;
        if stream.client.is_none() && segment.has(SYN) {
            stream.client = Some(if segment.has(ACK) { other } else { node });
        }
        let followed = match &mut self.followed {
            Some(f) if f.proto == Proto::Tcp && f.stream == segment.stream => {
                f.nodes.get_or_insert(stream.nodes);
                Some(&mut f.records)
            }
            _ => None,
        };
        let mut sink = Sink {
            followed,
            frame: segment.frame_number,
            wants_bytes: [0, 1].map(|side| stream.wants_bytes(side)),
            deliveries: std::mem::take(&mut self.deliveries),
            deliveries_from_segment: false,
        };
        let mut report = SegmentReport::default();

        // Wireshark first lets this segment's ACK release the other direction's fragments.
        // (It reads the acknowledgment field even without the ACK flag; a field that means
        // nothing is not used here.)
        if segment.has(ACK) {
            let mut other_report = SegmentReport::default();
            stream.directions[other].acknowledged(
                segment.relative_ack,
                &mut other_report,
                &mut |delivery| sink.take(other, delivery),
            );
            report.missing += other_report.missing;
            report.gave_up += other_report.gave_up;
            report.overlaps.extend(other_report.overlaps);
        }
        let piece = Segment {
            frame: segment.frame_number,
            seq: segment.relative_seq,
            syn: segment.has(SYN),
            len: segment.len,
            payload: segment.payload,
            payload_offset: segment.payload_offset,
        };
        stream.directions[node].segment(&piece, &mut report, &mut |delivery| {
            sink.take(node, delivery)
        });

        let decided_before = stream.app.is_some();
        let pending_before = self.pending.len();
        let delivered_now = sink.deliveries_from_segment;
        let mut deliveries = sink.deliveries;
        for (from, delivery) in deliveries.drain(..) {
            stream.take(
                from,
                delivery,
                segment.frame_number,
                &self.options,
                &mut self.pending,
                d,
            );
        }
        self.deliveries = deliveries;
        if !decided_before {
            if let Some(identified) = stream.app {
                add_app_fields(identified, d);
            }
        }
        stream.track_close(segment, node, &mut self.pending, d);
        add_report_fields(&report, &stream.directions[node], d);

        let owned = matches!(stream.app, Some(Some(id)) if messages::dissected(id.protocol))
            && stream.messages[node].in_sync;
        if owned && !segment.payload.is_empty() {
            if delivered_now && self.pending.len() == pending_before {
                // tshark's words for a segment whose bytes belong to a message that ends later.
                d.info.push_str(" [TCP segment of a reassembled PDU]");
            }
            PayloadUse::Claimed
        } else {
            PayloadUse::Unclaimed
        }
    }

    /// Take one UDP datagram: only a followed stream keeps anything.
    pub fn udp(&mut self, datagram: &UdpDatagram<'_>, _d: &mut Dissection) -> PayloadUse {
        self.udp_streams = self.udp_streams.max(datagram.stream.saturating_add(1));
        if let Some(f) = &mut self.followed {
            if f.proto == Proto::Udp && f.stream == datagram.stream {
                let nodes = *f.nodes.get_or_insert([datagram.src, datagram.dst]);
                f.records.push(FollowRecord {
                    node: usize::from(datagram.src != nodes[0]),
                    frame: datagram.frame_number,
                    content: FollowContent::Data(datagram.payload.to_vec()),
                });
            }
        }
        PayloadUse::Unclaimed
    }

    /// Add the application messages completed in this frame, as layers after TCP.
    pub fn frame_done(&mut self, _frame_number: u64, d: &mut Dissection) {
        if self.pending.is_empty() {
            return;
        }
        // Application layers are top-level layers, beside TCP rather than inside it.
        while d.depth() > 0 {
            d.close();
        }
        for message in self.pending.drain(..) {
            message.dissect(d);
        }
    }
}

/// Collects what the reassembler delivers while a segment is handled (the reassembler
/// borrows the stream, so the stream acts on it afterwards).
struct Sink<'a> {
    followed: Option<&'a mut Vec<FollowRecord>>,
    frame: u64,
    /// Whether the probe or a message buffer of each direction still reads its bytes
    /// (copying them is the cost of reassembly, so only what is read is copied).
    wants_bytes: [bool; 2],
    deliveries: Vec<(usize, Owned)>,
    /// Whether bytes of the segment itself were delivered (not only buffered or repeated).
    deliveries_from_segment: bool,
}

/// A delivery, copied out of the reassembler's borrow.
enum Owned {
    Data {
        frame: u64,
        bytes: Vec<u8>,
        frame_offset: Option<usize>,
    },
    Missing,
}

impl Sink<'_> {
    fn take(&mut self, node: usize, delivery: Delivery<'_>) {
        let record = |content| FollowRecord {
            node,
            frame: self.frame,
            content,
        };
        match delivery {
            Delivery::Data {
                frame,
                bytes,
                frame_offset,
            } => {
                self.deliveries_from_segment |= frame_offset.is_some();
                if let Some(records) = &mut self.followed {
                    records.push(FollowRecord {
                        frame,
                        ..record(FollowContent::Data(bytes.to_vec()))
                    });
                }
                if self.wants_bytes[node] {
                    self.deliveries.push((
                        node,
                        Owned::Data {
                            frame,
                            bytes: bytes.to_vec(),
                            frame_offset,
                        },
                    ));
                }
            }
            Delivery::Missing { len, cause } => {
                if let Some(records) = &mut self.followed {
                    records.push(record(FollowContent::Missing { len, cause }));
                }
                self.deliveries.push((node, Owned::Missing));
            }
            Delivery::Overlap(overlap) => {
                if let Some(records) = &mut self.followed {
                    records.push(FollowRecord {
                        frame: overlap.frame,
                        ..record(FollowContent::Overlap(overlap))
                    });
                }
            }
        }
    }
}

impl TcpStream {
    /// Whether bytes `side` delivers are still read: by the probe, or by a message buffer
    /// in sync.
    fn wants_bytes(&self, side: usize) -> bool {
        match self.app {
            None => self.messages[side].in_sync,
            Some(Some(id)) => messages::dissected(id.protocol) && self.messages[side].in_sync,
            Some(None) => false,
        }
    }

    /// Act on bytes delivered in order: probe, then feed the message buffers.
    fn take(
        &mut self,
        node: usize,
        delivery: Owned,
        current_frame: u64,
        options: &StreamOptions,
        pending: &mut Vec<Pending>,
        d: &mut Dissection,
    ) {
        match delivery {
            Owned::Missing => {
                self.messages[node].lose_sync();
                if self.app.is_none() && self.first_speaker.unwrap_or(node) == node {
                    self.app = Some(self.by_ports());
                }
            }
            Owned::Data {
                frame,
                bytes,
                frame_offset,
            } => {
                if bytes.is_empty() {
                    return;
                }
                self.first_speaker.get_or_insert(node);
                let wanted = match self.app {
                    None => true,
                    Some(Some(id)) => messages::dissected(id.protocol),
                    Some(None) => false,
                };
                if wanted {
                    self.messages[node].push(frame, &bytes, frame_offset, options.message_limit, d);
                }
                if self.app.is_none() {
                    self.probe();
                }
                match self.app {
                    Some(Some(id)) if messages::dissected(id.protocol) => {
                        let mut cutter = Cutter {
                            protocol: id.protocol,
                            frame: current_frame,
                            session: &mut self.mqtt,
                            tls: &mut self.tls,
                            node,
                            pending,
                        };
                        for side in [node, 1 - node] {
                            cutter.node = side;
                            self.messages[side].extract(&mut cutter, d);
                        }
                    }
                    Some(_) => self.messages = Default::default(),
                    None => {}
                }
            }
        }
    }

    /// Decide from the first speaker's bytes, if they are enough.
    fn probe(&mut self) {
        let Some(speaker) = self.first_speaker else {
            return;
        };
        if !self.messages[speaker].in_sync {
            // Its first bytes were lost or too many to keep: only the ports are left.
            self.app = Some(self.by_ports());
            return;
        }
        let bytes = self.messages[speaker].bytes();
        let as_client = probe::client_first(bytes);
        let as_server = probe::server_first(bytes);
        let found = match self.client.map(|client| client == speaker) {
            Some(true) => match as_client {
                probe::Match::Is(p) => Some((p, Speaker::Client)),
                _ => None,
            },
            Some(false) => match as_server {
                probe::Match::Is(p) => Some((p, Speaker::Server)),
                _ => None,
            },
            // Who opened the connection is unknown (the capture began later): try both.
            None => match (as_client, as_server) {
                (probe::Match::Is(p), _) => Some((p, Speaker::Client)),
                (_, probe::Match::Is(p)) => Some((p, Speaker::Server)),
                _ => None,
            },
        };
        if let Some((protocol, speaker)) = found {
            self.app = Some(Some(Identified {
                protocol,
                evidence: Evidence::FirstBytes(speaker),
            }));
            return;
        }
        let need_more = [as_client, as_server].contains(&probe::Match::NeedMore);
        if !need_more || bytes.len() >= probe::PROBE_BYTES {
            self.app = Some(self.by_ports());
        }
    }

    fn by_ports(&self) -> Option<Identified> {
        let client = self.client.or(self.first_speaker).unwrap_or(0);
        probe::by_ports(self.nodes[1 - client].port, self.nodes[client].port)
    }

    /// Follow the FINs (RFC 9293 §3.6): when both are acknowledged, or on a RST, the buffers
    /// go. Once every byte before a FIN was delivered, a message delimited by the close (an
    /// HTTP body, RFC 9112 §6.3) ends.
    fn track_close(
        &mut self,
        segment: &TcpSegment<'_>,
        node: usize,
        pending: &mut Vec<Pending>,
        d: &mut Dissection,
    ) {
        let other = 1 - node;
        if segment.has(FIN) && self.fin_end[node].is_none() {
            let end = segment
                .relative_seq
                .wrapping_add(segment.len)
                .wrapping_add(segment.has(SYN) as u32)
                .wrapping_add(1);
            self.fin_end[node] = Some(end);
        }
        for side in [node, other] {
            let Some(end) = self.fin_end[side] else {
                continue;
            };
            let all_delivered = self.directions[side].next_seq() == end.wrapping_sub(1);
            if let (Some(Some(id)), false, true) = (self.app, self.finished[side], all_delivered) {
                self.finished[side] = true;
                let mut cutter = Cutter {
                    protocol: id.protocol,
                    frame: segment.frame_number,
                    session: &mut self.mqtt,
                    tls: &mut self.tls,
                    node: side,
                    pending,
                };
                self.messages[side].finish(&mut cutter, d);
            }
        }
        if segment.has(ACK) {
            if let Some(end) = self.fin_end[other] {
                if !seq_before(segment.relative_ack, end) {
                    self.fin_acked[other] = true;
                }
            }
        }
        if !self.closed && (segment.has(RST) || self.fin_acked == [true, true]) {
            self.closed = true;
            for direction in &mut self.directions {
                direction.release();
            }
            self.messages = Default::default();
        }
    }
}

fn add_app_fields(identified: Option<Identified>, d: &mut Dissection) {
    let Some(identified) = identified else {
        let value = Value::Static("unknown");
        d.add_generated(&fields::APP_PROTOCOL, value);
        d.add_generated(
            &fields::APP_PROBE,
            Value::Static("neither the first bytes nor the ports match a known protocol"),
        );
        return;
    };
    let protocol = d.text_value(format_args!("{identified}"));
    d.add_generated(&fields::APP_PROTOCOL, protocol);
    let how = d.text_value(format_args!("{}", identified.how()));
    d.add_generated(&fields::APP_PROBE, how);
}

fn add_report_fields(report: &SegmentReport, direction: &Direction, d: &mut Dissection) {
    if report.retransmitted > 0 {
        d.add_generated(
            &fields::RETRANSMITTED,
            Value::UInt(report.retransmitted.into()),
        );
    }
    for overlap in report.overlaps.iter().filter(|o| o.conflict > 0) {
        d.add_generated(
            &fields::OVERLAP_CONFLICT,
            Value::UInt(overlap.conflict.into()),
        );
        d.add_expert(
            Severity::Warning,
            Group::Reassemble,
            "tcp",
            format!(
                "Overlapping data differs from the data already received: {} of {} bytes from seq {} (frame {})",
                overlap.conflict, overlap.compared, overlap.seq, overlap.frame
            ),
        );
    }
    if report.gave_up > 0 {
        d.add_expert(
            Severity::Warning,
            Group::Reassemble,
            "tcp",
            format!(
                "Out-of-order buffer full: {} bytes never seen before the waiting data are given up as missing",
                report.gave_up
            ),
        );
    }
    if report.missing > 0 {
        d.add_generated(&fields::MISSING, Value::UInt(report.missing.into()));
    }
    if report.buffered || direction.buffered_bytes() > 0 {
        d.add_generated(
            &fields::WAITING,
            Value::UInt(direction.buffered_bytes() as u64),
        );
    }
}
