//! TCP sequence analysis with tshark's names (`tcp.analysis.*`): retransmissions, duplicate
//! ACKs, zero windows, keep-alives, lost and out-of-order segments, which segment an ACK
//! answers, round-trip times and bytes in flight.
//!
//! ```text
//!  TcpSegment (frame order, one pass) ──> SequenceAnalysis::segment
//!      │  find the connection (tcp.stream) and which direction sent it
//!      │  ports reused?  (a new stream on an address/port pair seen before)
//!      ├─ rules::analyze   tshark 4.0's heuristics, on the two Flows
//!      ├─ bookkeeping      SACK blocks, window scaling, SYN time → iRTT
//!      └─ show::show       [SEQ/ACK analysis] subtree, Info prefix, expert items
//!                      ──> SeqVerdict for endpoint states, reassembly and the ladder
//! ```
//!
//! The rules are a port of Wireshark's `tcp_analyze_sequence_number` (epan/dissectors/
//! packet-tcp.c, version 4.0), so that `wirelab` and `tshark` flag the same frames; each
//! rule's comment in `rules.rs` says what it means, why it happens on a real network, and what
//! the heuristic assumes. Like tshark's first pass, a segment is judged only by what came
//! before it.
//!
//! Memory: per connection, two [`flow::Flow`]s and the segments not yet acknowledged, at
//! most [`flow::MAX_UNACKED_SEGMENTS`] per direction; connections are kept to the end of the
//! trace (a later segment may reuse or retransmit into them). Time: like tshark, each segment
//! walks the other direction's unacknowledged segments (to find what it acknowledges) and its
//! own (bytes in flight): a few steps while ACKs keep the lists short (3% on a bulk transfer,
//! summary view), up to twice the bound when the ACKs never cover them.

mod fields;
pub mod flow;
mod rules;
mod show;
#[cfg(test)]
mod tests;
pub mod verdict;

pub use fields::FIELDS;
pub(crate) use show::finding_of_field;

use crate::{Finding, SeqVerdict};
use flow::Flow;
use rules::Record;
use std::collections::HashMap;
use wirelab_wire::conversation::{Endpoint, WindowScale};
use wirelab_wire::tcp::{ACK, SYN};
use wirelab_wire::{Dissection, TcpSegment, Timestamp};

/// The sequence analysis of a whole trace.
#[derive(Default)]
pub struct SequenceAnalysis {
    /// Indexed by `tcp.stream` (dense from 0); `None` for streams not seen here yet.
    connections: Vec<Option<Connection>>,
    /// The latest stream of each address and port pair, to notice ports being reused.
    latest_stream: HashMap<(Endpoint, Endpoint), u32>,
}

/// One connection: both directions and what they share.
#[derive(Default)]
struct Connection {
    /// `flows[0]` is sent by the lower endpoint of the pair.
    flows: [Flow; 2],
    /// When the latest SYN (without ACK) was sent.
    latest_syn: Option<Timestamp>,
    /// From that SYN to the first pure ACK after it: the handshake's round trip.
    initial_rtt: Option<Timestamp>,
}

impl Connection {
    /// The sender's flow and the receiver's.
    fn flows(&mut self, sender_is_low: bool) -> (&mut Flow, &mut Flow) {
        let [low, high] = &mut self.flows;
        if sender_is_low {
            (low, high)
        } else {
            (high, low)
        }
    }
}

impl SequenceAnalysis {
    /// Judge one segment a host sent (call in frame order), add the results to its TCP tree,
    /// Info column and expert items, and return them.
    pub fn segment(&mut self, segment: &TcpSegment<'_>, d: &mut Dissection) -> SeqVerdict {
        let mut record = Record::default();
        let pair = ordered(segment.src, segment.dst);
        let stream = segment.stream as usize;
        if self.connections.len() <= stream {
            self.connections.resize_with(stream + 1, || None);
        }
        let slot = &mut self.connections[stream];
        if slot.is_none() {
            // tcp.stream starts a new connection on a pair already used only for a SYN with
            // a new initial sequence number: the ports are being reused.
            if self.latest_stream.insert(pair, segment.stream).is_some() {
                record.find(Finding::ReusedPorts);
            }
        }
        let connection = slot.get_or_insert_with(Connection::default);
        let initial_rtt = connection.initial_rtt;
        let sender_is_low = segment.src == pair.0;
        let (fwd, rev) = connection.flows(sender_is_low);

        handshake_reuse(segment, fwd, &mut record);
        rules::analyze(segment, fwd, rev, initial_rtt, &mut record);
        after_segment(segment, connection, sender_is_low);

        show::show(&record, connection.initial_rtt, d);
        record.verdict
    }
}

/// What tshark checks about SYNs before the rules: where the sender's sequence space begins,
/// and whether a SYN-ACK shows that the ports belong to a new connection. (A SYN sent again
/// with its first ISN is simply a retransmission; tshark 4.2 and later also call it reused
/// ports, 4.0 does not.)
fn handshake_reuse(segment: &TcpSegment<'_>, fwd: &mut Flow, record: &mut Record) {
    let syn_ack = segment.flags & (SYN | ACK);
    match fwd.base_seq {
        None => {
            // The ISN when the SYN is seen; else one less than the first number seen.
            fwd.base_seq = Some(if segment.has(SYN) {
                segment.seq
            } else {
                segment.seq.wrapping_sub(1)
            });
        }
        // A SYN-ACK with another ISN answers a new SYN on the same ports (Wireshark issue
        // 16944): the sender's sequence space starts again there.
        Some(base) if syn_ack == SYN | ACK && segment.seq != base => {
            fwd.base_seq = Some(segment.seq);
            record.find(Finding::ReusedPorts);
        }
        Some(_) => {}
    }
}

/// What tshark learns from a segment after judging it: its SACK blocks, window scaling, the
/// time of a SYN, and the initial RTT when the handshake's ACK goes by.
fn after_segment(segment: &TcpSegment<'_>, connection: &mut Connection, sender_is_low: bool) {
    let (fwd, rev) = connection.flows(sender_is_low);
    let options = (!segment.options.is_empty()).then(|| segment.option_values());
    fwd.sacked = options.map_or(0, |o| {
        o.sack_blocks().iter().fold(0u32, |sum, (left, right)| {
            sum.wrapping_add(right.wrapping_sub(*left))
        })
    });
    fwd.window_scale = segment.window_scale;
    let syn_ack = segment.flags & (SYN | ACK);
    if segment.has(SYN) {
        // A SYN without Window Scale turns scaling off in both directions (RFC 7323 §2.2).
        if segment.window_scale == WindowScale::NotUsed {
            rev.window_scale = WindowScale::NotUsed;
        }
        // The window of a SYN is never scaled, until this side's first pure ACK.
        fwd.is_first_ack = true;
        if syn_ack == SYN {
            connection.latest_syn = Some(segment.ts);
        }
    }
    if syn_ack == ACK {
        let (fwd, _) = connection.flows(sender_is_low);
        fwd.is_first_ack = false;
        if let (Some(syn), None) = (connection.latest_syn, connection.initial_rtt) {
            connection.initial_rtt =
                Some(segment.ts.since(syn)).filter(|rtt| *rtt != Timestamp::default());
        }
    }
}

/// The two endpoints, lower first: the key of a connection in either direction.
fn ordered(a: Endpoint, b: Endpoint) -> (Endpoint, Endpoint) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}
