//! The conversation table: for every TCP and UDP stream, how many frames and bytes went each
//! way, when it started and ended, and (for TCP) whether the handshake was seen and how the
//! connection ended. `wirelab flows` prints it the way `tshark -z conv,tcp` does.
//!
//! ```text
//!  A 10.0.0.1:40000 ──── frames, bytes A→B ───> B 10.0.0.2:80
//!                  <──── frames, bytes B→A ────
//!  handshake: SYN ✓ SYN-ACK ✓ ACK ✓        end: FIN both ways / RST / open
//! ```
//!
//! A is the sender of the first packet seen, as in tshark. Bytes are whole frames as they were
//! on the wire (`frame.len`), headers included, again as tshark counts them.

use crate::SeqVerdict;
use wirelab_wire::conversation::Endpoint;
use wirelab_wire::tcp::{ACK, FIN, RST, SYN};
use wirelab_wire::{Frame, TcpSegment, Timestamp, UdpDatagram};

/// TCP or UDP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
}

/// Traffic one way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub frames: u64,
    /// Frame lengths on the wire, summed.
    pub bytes: u64,
}

/// Which parts of the three-way handshake (RFC 9293 §3.5) were captured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Handshake {
    pub syn: bool,
    pub syn_ack: bool,
    /// The first segment without SYN from the SYN's sender, after the SYN,ACK.
    pub ack: bool,
}

impl Handshake {
    pub fn is_complete(&self) -> bool {
        self.syn && self.syn_ack && self.ack
    }

    /// `SYN, SYN-ACK, ACK`, `SYN` … or `none`, for the table.
    pub fn describe(&self) -> String {
        let parts: Vec<&str> = [
            (self.syn, "SYN"),
            (self.syn_ack, "SYN-ACK"),
            (self.ack, "ACK"),
        ]
        .iter()
        .filter(|(seen, _)| *seen)
        .map(|(_, name)| *name)
        .collect();
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// How a TCP connection ended, as far as the capture shows (RFC 9293 §3.6, §3.5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Both ends sent a FIN.
    FinBothWays,
    /// Only one end sent a FIN: the connection is half-closed at the end of the capture.
    FinOneWay,
    /// One end reset it.
    Reset,
    /// Neither FIN nor RST was captured.
    Open,
}

impl Ending {
    pub fn describe(self) -> &'static str {
        match self {
            Ending::FinBothWays => "FIN both ways",
            Ending::FinOneWay => "FIN one way",
            Ending::Reset => "RST",
            Ending::Open => "open",
        }
    }
}

/// One TCP or UDP stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub transport: Transport,
    /// `tcp.stream` or `udp.stream`.
    pub stream: u32,
    /// The sender of the first packet seen.
    pub a: Endpoint,
    pub b: Endpoint,
    pub a_to_b: Traffic,
    pub b_to_a: Traffic,
    pub first_frame: u64,
    /// The earliest and the latest packet time. Not always the first and the last packet's:
    /// a capture's clock can step back, and tshark keeps the extremes too.
    pub first_ts: Timestamp,
    pub last_ts: Timestamp,
    /// TCP only: the handshake segments seen.
    pub handshake: Handshake,
    /// TCP only: FINs sent by A and by B, and whether a RST was sent.
    pub a_fin: bool,
    pub b_fin: bool,
    pub reset: bool,
}

impl Conversation {
    fn new(
        transport: Transport,
        stream: u32,
        src: Endpoint,
        dst: Endpoint,
        frame: u64,
        ts: Timestamp,
    ) -> Conversation {
        Conversation {
            transport,
            stream,
            a: src,
            b: dst,
            a_to_b: Traffic::default(),
            b_to_a: Traffic::default(),
            first_frame: frame,
            first_ts: ts,
            last_ts: ts,
            handshake: Handshake::default(),
            a_fin: false,
            b_fin: false,
            reset: false,
        }
    }

    pub fn frames(&self) -> u64 {
        self.a_to_b.frames + self.b_to_a.frames
    }

    pub fn bytes(&self) -> u64 {
        self.a_to_b.bytes + self.b_to_a.bytes
    }

    /// How a TCP connection ended (a RST outranks FINs: it is what ended it).
    pub fn ending(&self) -> Ending {
        match (self.reset, self.a_fin, self.b_fin) {
            (true, _, _) => Ending::Reset,
            (false, true, true) => Ending::FinBothWays,
            (false, true, false) | (false, false, true) => Ending::FinOneWay,
            (false, false, false) => Ending::Open,
        }
    }

    /// Count one packet from `src` and return whether A sent it.
    fn count(&mut self, src: Endpoint, frame_len: u32, ts: Timestamp) -> bool {
        let from_a = src == self.a;
        let traffic = if from_a {
            &mut self.a_to_b
        } else {
            &mut self.b_to_a
        };
        traffic.frames += 1;
        traffic.bytes += frame_len as u64;
        self.first_ts = self.first_ts.min(ts);
        self.last_ts = self.last_ts.max(ts);
        from_a
    }
}

/// Every conversation of a trace, indexed by stream.
#[derive(Default)]
pub struct ConversationTable {
    tcp: Vec<Option<Conversation>>,
    udp: Vec<Option<Conversation>>,
    /// The first frame's time, from which `Rel Start` counts.
    capture_start: Option<Timestamp>,
    /// The frame being dissected: its length on the wire.
    frame_len: u32,
    /// For each TCP stream, which end sent the first SYN (true: A), to find the handshake's ACK.
    syn_from_a: Vec<Option<bool>>,
}

impl ConversationTable {
    /// A frame begins: remember its length, and the capture's first time.
    pub fn frame_start(&mut self, frame: &Frame<'_>) {
        self.capture_start.get_or_insert(frame.ts);
        self.frame_len = frame.orig_len;
    }

    pub fn tcp(&mut self, segment: &TcpSegment<'_>, _verdict: &SeqVerdict) {
        let frame_len = self.frame_len;
        let index = segment.stream as usize;
        let conversation = slot(&mut self.tcp, index).get_or_insert_with(|| {
            Conversation::new(
                Transport::Tcp,
                segment.stream,
                segment.src,
                segment.dst,
                segment.frame_number,
                segment.ts,
            )
        });
        let from_a = conversation.count(segment.src, frame_len, segment.ts);
        let syn_from_a = slot(&mut self.syn_from_a, index);
        let handshake = &mut conversation.handshake;
        match (segment.has(SYN), segment.has(ACK)) {
            (true, false) => {
                handshake.syn = true;
                syn_from_a.get_or_insert(from_a);
            }
            (true, true) => handshake.syn_ack = true,
            (false, true) => {
                if handshake.syn_ack && *syn_from_a == Some(from_a) {
                    handshake.ack = true;
                }
            }
            (false, false) => {}
        }
        if segment.has(FIN) {
            if from_a {
                conversation.a_fin = true;
            } else {
                conversation.b_fin = true;
            }
        }
        if segment.has(RST) {
            conversation.reset = true;
        }
    }

    pub fn udp(&mut self, datagram: &UdpDatagram<'_>) {
        let frame_len = self.frame_len;
        let conversation = slot(&mut self.udp, datagram.stream as usize).get_or_insert_with(|| {
            Conversation::new(
                Transport::Udp,
                datagram.stream,
                datagram.src,
                datagram.dst,
                datagram.frame_number,
                datagram.ts,
            )
        });
        conversation.count(datagram.src, frame_len, datagram.ts);
    }

    /// The TCP conversations, by stream index.
    pub fn tcp_conversations(&self) -> impl Iterator<Item = &Conversation> {
        self.tcp.iter().flatten()
    }

    /// The UDP conversations, by stream index.
    pub fn udp_conversations(&self) -> impl Iterator<Item = &Conversation> {
        self.udp.iter().flatten()
    }

    /// One TCP conversation by `tcp.stream`.
    pub fn tcp_stream(&self, stream: u32) -> Option<&Conversation> {
        self.tcp.get(stream as usize)?.as_ref()
    }

    /// One UDP conversation by `udp.stream`.
    pub fn udp_stream(&self, stream: u32) -> Option<&Conversation> {
        self.udp.get(stream as usize)?.as_ref()
    }

    /// The time of the capture's first frame, from which start times are counted.
    pub fn capture_start(&self) -> Option<Timestamp> {
        self.capture_start
    }
}

/// The entry at `index`, growing the vector as needed (stream indexes are dense from 0).
fn slot<T: Default>(entries: &mut Vec<T>, index: usize) -> &mut T {
    if entries.len() <= index {
        entries.resize_with(index + 1, T::default);
    }
    &mut entries[index]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};
    use wirelab_wire::conversation::WindowScale;
    use wirelab_wire::tcp::PSH;
    use wirelab_wire::LinkType;

    const CLIENT: Endpoint = Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        port: 40000,
    };
    const SERVER: Endpoint = Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        port: 80,
    };

    /// Send one TCP segment in a frame of `frame_len` bytes at second `at`.
    fn send(
        table: &mut ConversationTable,
        at: u64,
        src: Endpoint,
        dst: Endpoint,
        flags: u16,
        frame_len: u32,
    ) {
        let frame = Frame {
            number: at,
            ts: Timestamp::new(at as i64, 0),
            link: LinkType::ETHERNET,
            orig_len: frame_len,
            bytes: &[],
            interface: 0,
        };
        table.frame_start(&frame);
        let segment = TcpSegment {
            frame_number: at,
            ts: frame.ts,
            stream: 0,
            src,
            dst,
            seq: 0,
            ack: 0,
            relative_seq: 0,
            relative_ack: 0,
            flags,
            window: 0,
            window_scaled: 0,
            window_scale: WindowScale::Unknown,
            len: 0,
            payload: &[],
            payload_offset: 0,
            options: &[],
            checksum_bad: false,
        };
        table.tcp(&segment, &SeqVerdict::default());
    }

    #[test]
    fn a_whole_connection_counts_frames_and_bytes_each_way() {
        let mut table = ConversationTable::default();
        send(&mut table, 1, CLIENT, SERVER, SYN, 74);
        send(&mut table, 2, SERVER, CLIENT, SYN | ACK, 74);
        send(&mut table, 3, CLIENT, SERVER, ACK, 66);
        send(&mut table, 4, CLIENT, SERVER, PSH | ACK, 166);
        send(&mut table, 5, SERVER, CLIENT, FIN | ACK, 66);
        send(&mut table, 6, CLIENT, SERVER, FIN | ACK, 66);
        let conversation = table.tcp_stream(0).expect("stream 0");
        assert_eq!((conversation.a, conversation.b), (CLIENT, SERVER));
        assert_eq!(
            conversation.a_to_b,
            Traffic {
                frames: 4,
                bytes: 74 + 66 + 166 + 66
            }
        );
        assert_eq!(
            conversation.b_to_a,
            Traffic {
                frames: 2,
                bytes: 74 + 66
            }
        );
        assert!(conversation.handshake.is_complete());
        assert_eq!(conversation.ending(), Ending::FinBothWays);
        assert_eq!(
            conversation.last_ts.since(conversation.first_ts),
            Timestamp::new(5, 0)
        );
    }

    #[test]
    fn a_clock_that_steps_back_widens_the_conversation_to_its_earliest_packet() {
        let mut table = ConversationTable::default();
        send(&mut table, 5, CLIENT, SERVER, ACK, 66);
        send(&mut table, 3, SERVER, CLIENT, ACK, 66);
        send(&mut table, 4, CLIENT, SERVER, ACK, 66);
        let conversation = table.tcp_stream(0).expect("stream 0");
        assert_eq!(conversation.first_ts, Timestamp::new(3, 0));
        assert_eq!(conversation.last_ts, Timestamp::new(5, 0));
    }

    #[test]
    fn a_capture_begun_after_the_handshake_shows_none_of_it() {
        let mut table = ConversationTable::default();
        send(&mut table, 1, SERVER, CLIENT, PSH | ACK, 1514);
        send(&mut table, 2, CLIENT, SERVER, ACK, 66);
        let conversation = table.tcp_stream(0).expect("stream 0");
        assert_eq!(conversation.a, SERVER);
        assert_eq!(conversation.handshake.describe(), "none");
        assert_eq!(conversation.ending(), Ending::Open);
    }

    #[test]
    fn an_unanswered_syn_and_a_reset_show_an_incomplete_handshake_ended_by_rst() {
        let mut table = ConversationTable::default();
        send(&mut table, 1, CLIENT, SERVER, SYN, 74);
        send(&mut table, 2, SERVER, CLIENT, RST | ACK, 54);
        let conversation = table.tcp_stream(0).expect("stream 0");
        assert_eq!(conversation.handshake.describe(), "SYN");
        assert_eq!(conversation.ending(), Ending::Reset);
    }

    #[test]
    fn an_ack_from_the_server_does_not_complete_the_handshake() {
        let mut table = ConversationTable::default();
        send(&mut table, 1, CLIENT, SERVER, SYN, 74);
        send(&mut table, 2, SERVER, CLIENT, SYN | ACK, 74);
        send(&mut table, 3, SERVER, CLIENT, ACK, 66);
        let conversation = table.tcp_stream(0).expect("stream 0");
        assert_eq!(conversation.handshake.describe(), "SYN, SYN-ACK");
        send(&mut table, 4, CLIENT, SERVER, FIN | ACK, 66);
        assert_eq!(
            table.tcp_stream(0).expect("stream 0").ending(),
            Ending::FinOneWay
        );
    }
}
