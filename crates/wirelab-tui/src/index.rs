//! The index of a trace, built in a background thread so that the first screen comes at once:
//! one small entry per frame (its summary columns, expert badge and TCP facts), never the
//! frame's whole dissection.
//!
//! ```text
//!  loader thread: CaptureReader ─> Dissector (columns only) + Analyzer ─> FrameEntry ─┐
//!                                                                     batches, under a Mutex
//!  UI thread:     render() reads the entries it shows; the selected frame's tree is made
//!                 again on demand (replay.rs)
//! ```
//!
//! Memory: 64 bytes per frame plus its summary text (and 4 per TCP segment).
//!
//! A live source (a TAP device, an interface) never reaches its end while it runs: its reader
//! blocks until the next frame. The loader then hands over every frame at once instead of
//! batching, refreshes the conversations every second, and is `done` only when the source
//! stops; meanwhile [`Index::live`] is set and the status line says "live" instead of a
//! percentage.

use crate::source::TraceSource;
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use wirelab_analyze::conversations::Conversation;
use wirelab_analyze::state::TcpState;
use wirelab_analyze::{Analyzer, Finding};
use wirelab_capture::CaptureReader;
use wirelab_wire::{
    Analysis, Dissection, Dissector, Frame, PayloadUse, Severity, TcpSegment, Timestamp,
    UdpDatagram,
};

/// What a TCP segment said, kept for the TCP panel (RFC 9293 §3.3.1's sequence variables are
/// estimated from these).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpFacts {
    pub stream: u32,
    /// Sent by endpoint A, the sender of the stream's first segment.
    pub from_a: bool,
    /// Relative sequence and acknowledgment numbers.
    pub seq: u32,
    pub ack: u32,
    pub len: u32,
    /// The window with its scale applied, when the scale is known.
    pub window: u32,
    pub flags: u16,
    /// A's and B's states after this segment, as the state analysis found them.
    pub states: Option<(TcpState, TcpState)>,
    /// The sequence analysis's first finding (`tcp.analysis.*`), shown as its badge.
    pub finding: Option<Finding>,
}

/// One frame of the index: 64 bytes, plus its text.
#[derive(Clone, Debug)]
pub struct FrameEntry {
    /// Nanoseconds since the first frame (negative when the capture's clock stepped back).
    time_nanos: i64,
    /// Where this frame's source, destination and info texts are in [`Index::text`].
    text_start: u64,
    text_len: u32,
    /// Length on the wire.
    pub len: u32,
    pub tcp: Option<TcpFacts>,
    pub udp_stream: Option<u32>,
    /// Index in [`Index::protocols`].
    protocol: u8,
    /// The most serious expert item of the frame, and the sequence analysis's finding.
    pub severity: Option<Severity>,
    pub finding: Option<Finding>,
    pub malformed: bool,
}

impl FrameEntry {
    /// Since the first frame.
    pub fn time(&self) -> Timestamp {
        Timestamp::from_nanos(i128::from(self.time_nanos))
    }

    /// The short badge of the sequence analysis's finding (`RETRANS`), if any.
    pub fn badge(&self) -> Option<&'static str> {
        self.finding.map(Finding::badge)
    }
}

/// A conversation, as the `c` list shows it.
#[derive(Clone, Debug)]
pub struct ConversationRow {
    pub tcp: bool,
    pub stream: u32,
    pub a: String,
    pub b: String,
    pub frames: u64,
    pub bytes: u64,
    pub first_frame: u64,
    pub how: String,
}

/// Every frame read so far.
#[derive(Default)]
pub struct Index {
    pub frames: Vec<FrameEntry>,
    /// Source, destination and info of every frame, separated by tabs.
    text: String,
    /// The Protocol column's values, each once.
    protocols: Vec<&'static str>,
    /// The frames of each TCP stream, by number.
    pub tcp_streams: Vec<Vec<u32>>,
    pub conversations: Vec<ConversationRow>,
    /// Bytes of the capture read so far, and its size when known.
    pub bytes_read: u64,
    pub bytes_total: Option<u64>,
    pub done: bool,
    /// The source is live: frames keep coming until it stops (`done` then follows).
    pub live: bool,
    /// Why reading stopped before the end.
    pub error: Option<String>,
}

impl Index {
    /// Source, destination and info of frame `number` (1-based).
    pub fn columns(&self, number: u64) -> (&str, &str, &str) {
        let Some(entry) = number
            .checked_sub(1)
            .and_then(|i| self.frames.get(i as usize))
        else {
            return ("", "", "");
        };
        let start = entry.text_start as usize;
        let text = self
            .text
            .get(start..start + entry.text_len as usize)
            .unwrap_or("");
        let mut parts = text.splitn(3, '\t');
        (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        )
    }

    /// The Protocol column of an entry.
    pub fn protocol(&self, entry: &FrameEntry) -> &'static str {
        self.protocols
            .get(usize::from(entry.protocol))
            .copied()
            .unwrap_or("?")
    }

    /// The frames of TCP stream `stream`, by number; none for a stream not (yet) seen.
    pub fn stream_frames(&self, stream: u32) -> &[u32] {
        self.tcp_streams
            .get(stream as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn entry(&self, number: u64) -> Option<&FrameEntry> {
        self.frames.get(number.checked_sub(1)? as usize)
    }

    /// Per cent of the capture read, when its size is known.
    pub fn percent(&self) -> Option<u64> {
        let total = self.bytes_total.filter(|t| *t > 0)?;
        Some((self.bytes_read.min(total) * 100) / total)
    }
}

/// The index as the loader fills it.
pub type SharedIndex = Arc<Mutex<Index>>;

/// Lock the index (or a filter's result); a loader that panicked leaves what it had added,
/// which is still good.
pub fn lock<T>(shared: &Mutex<T>) -> MutexGuard<'_, T> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Start reading `source` into a new index in a background thread.
pub fn load(source: Arc<dyn TraceSource>) -> SharedIndex {
    let index: SharedIndex = Arc::new(Mutex::new(Index {
        bytes_total: source.size(),
        live: source.is_live(),
        ..Index::default()
    }));
    let shared = index.clone();
    std::thread::spawn(move || {
        let result = fill(&*source, &shared);
        let mut index = lock(&shared);
        if let Err(error) = result {
            index.error = Some(error);
        }
        index.done = true;
        index.live = false;
    });
    index
}

/// Counts the bytes read, for the progress indicator.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Entries wait in a batch until this many are ready or this much time has passed, so that
/// the UI thread rarely waits for the lock and the first screen comes quickly.
const BATCH_FRAMES: usize = 4096;
const BATCH_TIME: Duration = Duration::from_millis(30);
/// A live source's conversations are counted again after every frame while there are few
/// (the TCP panel names the endpoints from them), else at most this often.
const LIVE_CONVERSATIONS: Duration = Duration::from_secs(1);
const FEW_CONVERSATIONS: usize = 256;

fn fill(source: &dyn TraceSource, shared: &SharedIndex) -> Result<(), String> {
    let name = source.name().to_string();
    let count = Arc::new(AtomicU64::new(0));
    let reader = Counting {
        inner: source.open().map_err(|e| format!("{name}: {e}"))?,
        count: count.clone(),
    };
    let mut reader = CaptureReader::new(reader).map_err(|e| format!("{name}: {e}"))?;
    let mut dissector = Dissector::new();
    let mut analyzer = Analyzer::default();
    let mut d = Dissection::columns_only();
    let mut batch = Batch::default();
    let mut first_ts = None;
    let mut last_flush = Instant::now();
    let mut last_conversations = Instant::now();
    let mut conversations = 0;
    // A live reader blocks after the newest frame: a frame held in a batch would not show
    // until the next one came.
    let live = source.is_live();
    let result = loop {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => break Ok(()),
            Err(error) => break Err(format!("{name}: {error}")),
        };
        let first = *first_ts.get_or_insert(frame.ts);
        let mut facts = Facts {
            analyzer: &mut analyzer,
            tcp: None,
            udp_stream: None,
        };
        dissector.dissect_with(&frame, &mut d, &mut facts);
        let (tcp, udp_stream) = (facts.tcp, facts.udp_stream);
        batch.push(&frame, first, &d, tcp, udp_stream);
        if live || batch.frames.len() >= BATCH_FRAMES || last_flush.elapsed() >= BATCH_TIME {
            batch.flush(shared, count.load(Ordering::Relaxed));
            last_flush = Instant::now();
        }
        if live
            && (conversations < FEW_CONVERSATIONS
                || last_conversations.elapsed() >= LIVE_CONVERSATIONS)
        {
            let rows = conversation_rows(&analyzer);
            conversations = rows.len();
            lock(shared).conversations = rows;
            last_conversations = Instant::now();
        }
    };
    batch.flush(shared, count.load(Ordering::Relaxed));
    let rows = conversation_rows(&analyzer);
    lock(shared).conversations = rows;
    result
}

/// The analysis, plus a note of what it saw of the current frame.
struct Facts<'a> {
    analyzer: &'a mut Analyzer,
    tcp: Option<TcpFacts>,
    udp_stream: Option<u32>,
}

impl Analysis for Facts<'_> {
    fn tcp_segment(&mut self, segment: &TcpSegment<'_>, d: &mut Dissection) -> PayloadUse {
        // `Analyzer::tcp_segment`'s steps, one by one, to keep the sequence analysis's verdict.
        let analyzer = &mut *self.analyzer;
        let verdict = analyzer.sequence.segment(segment, d);
        analyzer.conversations.tcp(segment, &verdict);
        analyzer.states.segment(segment, &verdict, d);
        let claimed = analyzer.streams.tcp(segment, &verdict, d);
        // An ICMP error quotes a TCP header too; the first segment of a frame is its own.
        if self.tcp.is_none() {
            let endpoints = self.analyzer.states.states(segment.stream);
            let from_a = endpoints.is_none_or(|(a, _, _, _)| a == segment.src);
            self.tcp = Some(TcpFacts {
                stream: segment.stream,
                from_a,
                seq: segment.relative_seq,
                ack: segment.relative_ack,
                len: segment.len,
                window: segment.window_scaled,
                flags: segment.flags,
                states: endpoints.map(|(_, a, _, b)| (a, b)),
                finding: verdict.findings().next(),
            });
        }
        claimed
    }

    fn udp_datagram(&mut self, datagram: &UdpDatagram<'_>, d: &mut Dissection) -> PayloadUse {
        self.udp_stream.get_or_insert(datagram.stream);
        self.analyzer.udp_datagram(datagram, d)
    }

    fn frame_start(&mut self, frame: &Frame<'_>) {
        self.analyzer.frame_start(frame);
    }

    fn frame_done(&mut self, frame_number: u64, d: &mut Dissection) {
        self.analyzer.frame_done(frame_number, d);
    }
}

/// Entries made since the last flush, with their protocol names still to be numbered.
#[derive(Default)]
struct Batch {
    frames: Vec<(FrameEntry, &'static str)>,
    text: String,
}

impl Batch {
    fn push(
        &mut self,
        frame: &Frame<'_>,
        first: Timestamp,
        d: &Dissection,
        tcp: Option<TcpFacts>,
        udp_stream: Option<u32>,
    ) {
        use std::fmt::Write;
        let start = self.text.len();
        let _ = write!(self.text, "{}\t{}\t{}", d.src, d.dst, d.info);
        if let Some(malformed) = &d.malformed {
            let _ = write!(self.text, " [Malformed Packet: {malformed}]");
        }
        let since = frame.ts.since(first).as_nanos();
        let entry = FrameEntry {
            time_nanos: i64::try_from(since).unwrap_or(i64::MAX),
            text_start: start as u64,
            text_len: u32::try_from(self.text.len() - start).unwrap_or(u32::MAX),
            len: frame.orig_len,
            tcp,
            udp_stream,
            protocol: 0,
            severity: d.experts.iter().map(|e| e.severity).max(),
            finding: tcp.and_then(|t| t.finding),
            malformed: d.malformed.is_some(),
        };
        let protocol = if d.protocol.is_empty() {
            "?"
        } else {
            d.protocol
        };
        self.frames.push((entry, protocol));
    }

    fn flush(&mut self, shared: &SharedIndex, bytes_read: u64) {
        let mut index = lock(shared);
        // Reserve for the whole capture at once, estimated from what was read so far: growing
        // by doubling would need up to twice the memory for a moment.
        if let (Some(total), false) = (index.bytes_total, self.frames.is_empty()) {
            let frames_now = index.frames.len() + self.frames.len();
            let per_frame = (bytes_read / frames_now as u64).max(1);
            let expected = (total / per_frame + total / per_frame / 16) as usize;
            if expected > index.frames.capacity() {
                let more = expected - index.frames.len();
                index.frames.reserve_exact(more);
                let text_per_frame = (index.text.len() + self.text.len()) / frames_now + 1;
                let text_more = (expected * text_per_frame).saturating_sub(index.text.len());
                index.text.reserve_exact(text_more);
            }
        }
        let base = index.text.len() as u64;
        index.text.push_str(&self.text);
        for (mut entry, protocol) in self.frames.drain(..) {
            entry.text_start += base;
            entry.protocol = match index.protocols.iter().position(|p| *p == protocol) {
                Some(at) => at as u8,
                None if index.protocols.len() < usize::from(u8::MAX) => {
                    index.protocols.push(protocol);
                    (index.protocols.len() - 1) as u8
                }
                None => u8::MAX,
            };
            let number = index.frames.len() as u32 + 1;
            if let Some(tcp) = entry.tcp {
                let stream = tcp.stream as usize;
                if index.tcp_streams.len() <= stream {
                    index.tcp_streams.resize_with(stream + 1, Vec::new);
                }
                index.tcp_streams[stream].push(number);
            }
            index.frames.push(entry);
        }
        index.bytes_read = bytes_read;
        self.text.clear();
    }
}

fn conversation_rows(analyzer: &Analyzer) -> Vec<ConversationRow> {
    let row = |c: &Conversation, tcp: bool| ConversationRow {
        tcp,
        stream: c.stream,
        a: endpoint_text(c.a.addr, c.a.port),
        b: endpoint_text(c.b.addr, c.b.port),
        frames: c.frames(),
        bytes: c.bytes(),
        first_frame: c.first_frame,
        how: if tcp {
            format!("{}; {}", c.handshake.describe(), c.ending().describe())
        } else {
            String::new()
        },
    };
    let mut rows: Vec<ConversationRow> = analyzer
        .conversations
        .tcp_conversations()
        .map(|c| row(c, true))
        .collect();
    rows.extend(
        analyzer
            .conversations
            .udp_conversations()
            .map(|c| row(c, false)),
    );
    rows
}

/// `10.0.0.1:80`, `[fd00::1]:80`, as in a URL (RFC 3986 §3.2.2).
pub fn endpoint_text(addr: std::net::IpAddr, port: u16) -> String {
    match addr {
        std::net::IpAddr::V4(a) => format!("{a}:{port}"),
        std::net::IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

/// Stop flag for background work whose result is no longer wanted (a filter replaced by
/// another).
pub type Cancel = Arc<AtomicBool>;
