//! What a ladder diagram shows, gathered from a trace one frame at a time: the endpoints (one
//! column each) and the arrows between them, in capture order.
//!
//! Everything is read from the frame's [`Dissection`] by field name (`tcp.seq`,
//! `tcp.analysis.retransmission`, `wirelab.tcp.state.src`…), so a ladder can be drawn from any
//! source of frames: a capture file, a demo on the simulated link, a live interface. A field
//! that is missing (an analysis that did not run) leaves its part of the drawing out.

use crate::Finding;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use wirelab_wire::{Dissection, Frame, Item, Timestamp, Value};

/// One end of a conversation: an address *and* a port, so that two programs talking over
/// 127.0.0.1 still get a column each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub addr: IpAddr,
    pub port: u16,
}

impl fmt::Display for Endpoint {
    /// `10.99.0.1:40080`, `[fd00:99::1]:40081`, as in a URL (RFC 3986 §3.2.2).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            IpAddr::V4(addr) => write!(f, "{addr}:{}", self.port),
            IpAddr::V6(addr) => write!(f, "[{addr}]:{}", self.port),
        }
    }
}

/// Which transport carried an arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// A TCP segment of `tcp.stream` N.
    Tcp {
        stream: u64,
    },
    Udp,
}

/// One segment or datagram: an arrow from the sender's column to the receiver's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub frame: u64,
    /// Since the first frame of the trace (`frame.time_relative`).
    pub time: Timestamp,
    /// Column indexes in [`Ladder::endpoints`].
    pub from: usize,
    pub to: usize,
    pub transport: Transport,
    /// What the arrow says: `SYN Seq=0 Win=64240`, `ACK Seq=1 Ack=1 Len=0 Win=502`, `UDP Len=5`.
    pub label: String,
    /// The sequence analysis's findings: `RETRANS`, `DUP ACK #2`, `ZERO WIN`.
    pub badges: Vec<String>,
    /// The sender's and the receiver's TCP state after this segment, when the state analysis
    /// ran and the state differs from the one last drawn for that endpoint.
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// Segments of the conversations drawn were left out just before this one (by a display
    /// filter): the diagram marks the gap.
    pub gap_before: bool,
}

impl Arrow {
    /// Seconds since the first frame, to the microsecond as tshark prints them: `0.000045`.
    pub fn seconds(&self) -> String {
        let nine = self.time.to_string();
        nine[..nine.len().saturating_sub(3)].to_string()
    }
}

/// A finished diagram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ladder {
    /// In order of first appearance: the first sender is the leftmost column.
    pub endpoints: Vec<Endpoint>,
    pub arrows: Vec<Arrow>,
    /// The TCP stream drawn, when one was chosen.
    pub stream: Option<u64>,
    /// How many TCP streams the trace has (`tcp.stream` 0 to N-1).
    pub tcp_streams: u64,
    /// What was not drawn, so that nothing disappears silently.
    pub not_drawn: NotDrawn,
}

/// Frames left out of a ladder, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotDrawn {
    /// Neither TCP nor UDP: ARP, ICMP, fragments…
    pub other_protocols: u64,
    /// TCP segments of the streams not chosen, and UDP datagrams when a stream was chosen.
    pub other_streams: u64,
    /// Frames the caller chose not to show (a display filter).
    pub hidden: u64,
}

/// Why no ladder could be drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LadderError {
    /// `--stream N` names a stream the trace does not have.
    NoSuchStream { stream: u64, streams: u64 },
    /// More endpoints than columns fit; a single stream has two.
    TooManyEndpoints {
        endpoints: usize,
        limit: usize,
        streams: u64,
    },
}

impl fmt::Display for LadderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LadderError::NoSuchStream { stream, streams: 0 } => {
                write!(
                    f,
                    "there is no TCP stream {stream}: the trace has no TCP streams"
                )
            }
            LadderError::NoSuchStream { stream, streams: 1 } => {
                write!(
                    f,
                    "there is no TCP stream {stream}: the trace has one, stream 0"
                )
            }
            LadderError::NoSuchStream { stream, streams } => write!(
                f,
                "there is no TCP stream {stream}: the trace has {streams}, numbered 0 to {}",
                streams - 1
            ),
            LadderError::TooManyEndpoints {
                endpoints,
                limit,
                streams,
            } => write!(
                f,
                "the trace has {endpoints} endpoints but a ladder has room for {limit} columns; \
                 choose one of its {streams} TCP streams with --stream N (0 to {})",
                streams.saturating_sub(1)
            ),
        }
    }
}

impl std::error::Error for LadderError {}

/// The most columns a ladder draws: more would leave no room for the labels.
pub const MAX_ENDPOINTS: usize = 6;

/// The fields of one frame a ladder needs, each the first of its name in the tree.
#[derive(Default)]
struct FrameFields<'d> {
    addr_src: Option<IpAddr>,
    addr_dst: Option<IpAddr>,
    tcp: bool,
    udp: bool,
    /// An ICMP error quotes the datagram that caused it, transport header and all: those ports
    /// are not this frame's.
    quoted: bool,
    stream: Option<u64>,
    srcport: Option<u64>,
    dstport: Option<u64>,
    seq: Option<u64>,
    ack: Option<u64>,
    len: Option<u64>,
    window: Option<u64>,
    syn: bool,
    ack_flag: bool,
    fin: bool,
    rst: bool,
    push: bool,
    urg: bool,
    findings: Vec<Finding>,
    duplicate_ack_num: Option<u64>,
    state_src: Option<&'d str>,
    state_dst: Option<&'d str>,
}

impl<'d> FrameFields<'d> {
    fn read(d: &'d Dissection) -> FrameFields<'d> {
        let mut fields = FrameFields::default();
        for item in &d.items {
            fields.take(d, item);
        }
        fields
    }

    fn take(&mut self, d: &'d Dissection, item: &Item) {
        let uint = || match item.value {
            Value::UInt(v) => Some(v),
            Value::Bool(b) => Some(b as u64),
            _ => None,
        };
        let set = |flag: &mut bool| *flag = *flag || uint().is_some_and(|v| v != 0);
        let first = |slot: &mut Option<u64>| {
            if slot.is_none() {
                *slot = uint();
            }
        };
        match item.def.name {
            "icmp" | "icmpv6" => self.quoted = !self.tcp && !self.udp,
            "tcp" => self.tcp = true,
            "udp" => self.udp = true,
            "ip.src" | "ipv6.src" if self.addr_src.is_none() => self.addr_src = address(item),
            "ip.dst" | "ipv6.dst" if self.addr_dst.is_none() => self.addr_dst = address(item),
            "tcp.stream" => first(&mut self.stream),
            "tcp.srcport" | "udp.srcport" => first(&mut self.srcport),
            "tcp.dstport" | "udp.dstport" => first(&mut self.dstport),
            "tcp.seq" => first(&mut self.seq),
            "tcp.ack" => first(&mut self.ack),
            "tcp.len" | "udp.length" => first(&mut self.len),
            "tcp.window_size" => first(&mut self.window),
            "tcp.flags.syn" => set(&mut self.syn),
            "tcp.flags.ack" => set(&mut self.ack_flag),
            "tcp.flags.fin" => set(&mut self.fin),
            "tcp.flags.reset" => set(&mut self.rst),
            "tcp.flags.push" => set(&mut self.push),
            "tcp.flags.urg" => set(&mut self.urg),
            "tcp.analysis.duplicate_ack_num" => first(&mut self.duplicate_ack_num),
            "wirelab.tcp.state.src" => self.state_src = self.state_src.or(text(d, item)),
            "wirelab.tcp.state.dst" => self.state_dst = self.state_dst.or(text(d, item)),
            name => {
                if let Some(finding) = crate::seq::finding_of_field(name) {
                    if !self.findings.contains(&finding) {
                        self.findings.push(finding);
                    }
                }
            }
        }
    }

    /// The transport that carried the frame, if it is one a ladder draws.
    fn transport(&self) -> Option<Transport> {
        match (self.tcp, self.udp, self.stream) {
            _ if self.quoted => None,
            (true, _, Some(stream)) => Some(Transport::Tcp { stream }),
            (false, true, _) => Some(Transport::Udp),
            _ => None,
        }
    }

    /// `SYN Seq=0 Win=64240`, `PSH ACK Seq=1 Ack=1 Len=87 Win=64512`: the flags, then the
    /// relative numbers a textbook ladder shows (RFC 9293 §3.5's figures write
    /// `<SEQ=100><CTL=SYN>`).
    fn tcp_label(&self) -> String {
        let flags = [
            (self.syn, "SYN"),
            (self.fin, "FIN"),
            (self.rst, "RST"),
            (self.push, "PSH"),
            (self.urg, "URG"),
            (self.ack_flag, "ACK"),
        ];
        let mut words: Vec<String> = flags
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, name)| name.to_string())
            .collect();
        if let Some(seq) = self.seq {
            words.push(format!("Seq={seq}"));
        }
        if let (true, Some(ack)) = (self.ack_flag, self.ack) {
            words.push(format!("Ack={ack}"));
        }
        let len = self.len.unwrap_or(0);
        // A SYN carries no data in practice, so Len=0 would be noise there.
        if len > 0 || !self.syn {
            words.push(format!("Len={len}"));
        }
        if let Some(window) = self.window {
            words.push(format!("Win={window}"));
        }
        words.join(" ")
    }

    /// `RETRANS`, `DUP ACK #2`: what the sequence analysis found, most telling first. A fast
    /// or spurious retransmission is also flagged as a retransmission; one badge says it.
    fn badges(&self) -> Vec<String> {
        let more_precise = |f: &Finding| {
            *f == Finding::Retransmission
                && (self.findings.contains(&Finding::FastRetransmission)
                    || self.findings.contains(&Finding::SpuriousRetransmission))
        };
        let mut findings: Vec<Finding> = self.findings.clone();
        findings.sort();
        findings
            .iter()
            .filter(|f| !more_precise(f))
            .map(|f| match (f, self.duplicate_ack_num) {
                (Finding::DuplicateAck, Some(n)) => format!("{} #{n}", f.badge()),
                _ => f.badge().to_string(),
            })
            .collect()
    }
}

fn address(item: &Item) -> Option<IpAddr> {
    match item.value {
        Value::Ipv4(addr) => Some(IpAddr::V4(addr)),
        Value::Ipv6(addr) => Some(IpAddr::V6(addr)),
        _ => None,
    }
}

fn text<'d>(d: &'d Dissection, item: &Item) -> Option<&'d str> {
    match item.value {
        Value::Text { start, end } => Some(d.text((start, end))).filter(|t| !t.is_empty()),
        Value::Static(text) => Some(text),
        _ => None,
    }
}

/// Builds a [`Ladder`] from the frames of a trace, in order.
pub struct LadderBuilder {
    stream: Option<u64>,
    first_time: Option<Timestamp>,
    ladder: Ladder,
    /// The state last drawn for each column.
    shown_states: Vec<Option<String>>,
    /// The sender of each TCP stream's first segment in the trace: its column goes left, even
    /// when a display filter hides that segment.
    first_senders: HashMap<u64, Endpoint>,
    /// A frame of the conversations drawn was hidden since the last arrow.
    gap: bool,
    /// Each endpoint's column, so that a trace with thousands of endpoints (a port scan) costs
    /// one lookup a frame, not a walk along every column.
    column_of: HashMap<Endpoint, usize>,
    /// Arrows handed out by [`LadderBuilder::take_arrows`] so far.
    arrows_taken: u64,
}

impl LadderBuilder {
    /// A ladder of TCP stream `stream`, or of every TCP and UDP conversation when `None`.
    pub fn new(stream: Option<u64>) -> LadderBuilder {
        LadderBuilder {
            stream,
            first_time: None,
            ladder: Ladder {
                stream,
                ..Ladder::default()
            },
            shown_states: Vec::new(),
            first_senders: HashMap::new(),
            gap: false,
            column_of: HashMap::new(),
            arrows_taken: 0,
        }
    }

    /// Add one frame, dissected and analysed (its tree kept: `Dissection::without_titles()`
    /// is enough).
    pub fn frame(&mut self, frame: &Frame<'_>, d: &Dissection) {
        let first_time = *self.first_time.get_or_insert(frame.ts);
        let fields = FrameFields::read(d);
        self.count_stream(&fields);
        let (Some(src), Some(dst), Some(sport), Some(dport)) = (
            fields.addr_src,
            fields.addr_dst,
            fields.srcport,
            fields.dstport,
        ) else {
            self.ladder.not_drawn.other_protocols += 1;
            return;
        };
        let Some(transport) = fields.transport() else {
            self.ladder.not_drawn.other_protocols += 1;
            return;
        };
        if !self.wants(transport) {
            self.ladder.not_drawn.other_streams += 1;
            return;
        }
        let (src, dst) = (
            Endpoint {
                addr: src,
                port: sport as u16,
            },
            Endpoint {
                addr: dst,
                port: dport as u16,
            },
        );
        if let Transport::Tcp { stream } = transport {
            if self.first_senders.get(&stream) == Some(&dst) {
                self.column(dst);
            }
        }
        let from = self.column(src);
        let to = self.column(dst);
        let (label, badges) = match transport {
            Transport::Tcp { .. } => (fields.tcp_label(), fields.badges()),
            Transport::Udp => {
                // udp.length counts the 8-byte header too.
                let payload = fields.len.unwrap_or(8).saturating_sub(8);
                (format!("UDP Len={payload}"), Vec::new())
            }
        };
        if self.ladder.endpoints.len() > MAX_ENDPOINTS {
            // `finish` refuses this ladder: keep counting endpoints, stop keeping arrows.
            return;
        }
        let from_state = self.state_change(from, fields.state_src);
        let to_state = self.state_change(to, fields.state_dst);
        self.ladder.arrows.push(Arrow {
            frame: frame.number,
            time: frame.ts.since(first_time),
            from,
            to,
            transport,
            label,
            badges,
            from_state,
            to_state,
            gap_before: std::mem::take(&mut self.gap),
        });
    }

    /// Take note of a frame that is not to be drawn (a display filter left it out): it still
    /// counts for the stream numbers and the times.
    pub fn hidden_frame(&mut self, frame: &Frame<'_>, d: &Dissection) {
        self.first_time.get_or_insert(frame.ts);
        let fields = FrameFields::read(d);
        self.count_stream(&fields);
        self.ladder.not_drawn.hidden += 1;
        let drawn_otherwise = fields.transport().is_some_and(|t| self.wants(t));
        // Only a gap between two arrows is worth marking.
        let any_arrow = self.arrows_taken > 0 || !self.ladder.arrows.is_empty();
        self.gap |= drawn_otherwise && any_arrow;
    }

    /// The arrows added since the last call, handed over instead of kept: a caller that keeps
    /// them in a smaller form (a million segments of one stream) takes them after each frame.
    /// The ladder [`LadderBuilder::finish`] returns then has only the arrows not taken.
    pub fn take_arrows(&mut self) -> Vec<Arrow> {
        let arrows = std::mem::take(&mut self.ladder.arrows);
        self.arrows_taken += arrows.len() as u64;
        arrows
    }

    /// Whether this ladder draws `transport`: the chosen TCP stream, or every conversation
    /// when none was chosen.
    fn wants(&self, transport: Transport) -> bool {
        match (transport, self.stream) {
            (Transport::Tcp { stream }, Some(chosen)) => stream == chosen,
            (Transport::Udp, Some(_)) => false,
            (_, None) => true,
        }
    }

    fn count_stream(&mut self, fields: &FrameFields<'_>) {
        if let Some(stream) = fields.stream.filter(|_| fields.tcp && !fields.quoted) {
            self.ladder.tcp_streams = self.ladder.tcp_streams.max(stream.saturating_add(1));
            if let (Some(addr), Some(port)) = (fields.addr_src, fields.srcport) {
                let port = port as u16;
                self.first_senders
                    .entry(stream)
                    .or_insert(Endpoint { addr, port });
            }
        }
    }

    /// The finished ladder, or why it cannot be drawn.
    pub fn finish(self) -> Result<Ladder, LadderError> {
        let ladder = self.ladder;
        if let Some(stream) = ladder.stream.filter(|s| *s >= ladder.tcp_streams) {
            return Err(LadderError::NoSuchStream {
                stream,
                streams: ladder.tcp_streams,
            });
        }
        if ladder.endpoints.len() > MAX_ENDPOINTS {
            return Err(LadderError::TooManyEndpoints {
                endpoints: ladder.endpoints.len(),
                limit: MAX_ENDPOINTS,
                streams: ladder.tcp_streams,
            });
        }
        Ok(ladder)
    }

    fn column(&mut self, endpoint: Endpoint) -> usize {
        if let Some(&index) = self.column_of.get(&endpoint) {
            return index;
        }
        let index = self.ladder.endpoints.len();
        self.ladder.endpoints.push(endpoint);
        self.shown_states.push(None);
        self.column_of.insert(endpoint, index);
        index
    }

    /// The endpoint's new state, if it differs from the one last drawn.
    fn state_change(&mut self, column: usize, state: Option<&str>) -> Option<String> {
        let state = state?;
        let shown = self.shown_states.get_mut(column)?;
        if shown.as_deref() == Some(state) {
            return None;
        }
        *shown = Some(state.to_string());
        Some(state.to_string())
    }
}
