//! Analysis across the frames of a trace: what a single frame cannot say.
//!
//! ```text
//!  Frame ──> wirelab_wire::Dissector::dissect_with(frame, d, &mut Analyzer)
//!               │ each TCP segment / UDP datagram a host sent
//!               ▼
//!            Analyzer
//!               ├─ conversations  per stream and direction: packets, bytes, times,
//!               │                 handshake seen, how it ended            (`wirelab flows`)
//!               ├─ seq            tshark's tcp.analysis.*: retransmissions, duplicate ACKs,
//!               │                 zero windows, acks_frame, RTT, bytes in flight
//!               ├─ state          the RFC 9293 state of each endpoint after each segment
//!               │                 (wirelab.tcp.state.src / .dst)
//!               └─ stream         reassembly in sequence order, the application-protocol
//!                                 probe, HTTP/1.x and MQTT messages      (`wirelab follow`)
//! ```
//!
//! Everything found is added to the frame's [`Dissection`] under Wireshark's field names (or
//! a `wirelab.` name where Wireshark has none), so the CLI views, display filters, the ladder
//! diagram and the TUI all read it the same way. Memory grows with the number of open streams,
//! not with the number of frames.
#![forbid(unsafe_code)]

pub mod app;
pub mod conversations;
pub mod ladder;
pub mod seq;
pub mod state;
pub mod stream;

use wirelab_wire::{Analysis, Dissection, Frame, PayloadUse, TcpSegment, UdpDatagram};

pub use seq::verdict::{Finding, SeqVerdict};

/// Every analysis, run together over one trace.
pub struct Analyzer {
    pub conversations: conversations::ConversationTable,
    pub sequence: seq::SequenceAnalysis,
    pub states: state::EndpointStates,
    pub streams: stream::Streams,
}

impl Analyzer {
    /// A new analysis; its fields become known to display filters and `-T fields`.
    pub fn new(options: stream::StreamOptions) -> Analyzer {
        register_fields();
        Analyzer {
            conversations: conversations::ConversationTable::default(),
            sequence: seq::SequenceAnalysis::default(),
            states: state::EndpointStates::default(),
            streams: stream::Streams::new(options),
        }
    }
}

impl Default for Analyzer {
    fn default() -> Analyzer {
        Analyzer::new(stream::StreamOptions::default())
    }
}

impl Analysis for Analyzer {
    fn tcp_segment(&mut self, segment: &TcpSegment<'_>, d: &mut Dissection) -> PayloadUse {
        let verdict = self.sequence.segment(segment, d);
        self.conversations.tcp(segment, &verdict);
        self.states.segment(segment, &verdict, d);
        self.streams.tcp(segment, &verdict, d)
    }

    fn udp_datagram(&mut self, datagram: &UdpDatagram<'_>, d: &mut Dissection) -> PayloadUse {
        self.conversations.udp(datagram);
        self.streams.udp(datagram, d)
    }

    fn frame_start(&mut self, frame: &Frame<'_>) {
        self.conversations.frame_start(frame);
    }

    fn frame_done(&mut self, frame_number: u64, d: &mut Dissection) {
        self.streams.frame_done(frame_number, d);
    }
}

/// Add this crate's fields to the registry (`wirelab fields`, display filters, `-e`).
pub fn register_fields() {
    wirelab_wire::registry::add_fields(seq::FIELDS);
    wirelab_wire::registry::add_fields(state::FIELDS);
    wirelab_wire::registry::add_fields(app::FIELDS);
    wirelab_wire::registry::add_fields(stream::FIELDS);
}
