//! Conversations: what the transport dissectors remember from one frame to the next.
//!
//! A single segment does not say which connection it belongs to among several that used the
//! same ports, nor where its connection's sequence space began, nor by how much its window must
//! be multiplied. Wireshark answers those questions by remembering earlier frames, and so does
//! this module, the same way, so that `tcp.stream`, `tcp.seq`, `tcp.ack`, `tcp.window_size`
//! and `udp.stream` come out as `tshark` prints them:
//!
//! ```text
//!  (10.0.0.1, 54662) <-> (10.0.0.2, 8080)      one conversation, either direction
//!      stream 0  ├─ flow from 10.0.0.1:54662   base seq (ISN), window scale shift
//!                └─ flow from 10.0.0.2:8080    base seq (ISN), window scale shift
//! ```
//!
//! - Stream indexes count conversations in order of first appearance, from 0.
//! - A SYN (without ACK) whose sequence number differs from the ISN already recorded for its
//!   direction starts a new conversation on the same address and port pair: the ports were
//!   reused by a new connection (Wireshark's "TCP port numbers reused").
//! - Sequence numbers are shown relative to the sender's ISN when its SYN was seen (the SYN is
//!   0), else to one less than the first sequence number seen (so the first segment is 1).
//! - Window scaling (RFC 7323 §2.3) is known once both SYNs have been seen: a shift count from
//!   each side's Window Scale option, or "no scaling" when either SYN lacks the option.
//!
//! - Segments quoted inside ICMP errors, and IP fragments, find or start their conversation
//!   too (so they take stream indexes, and a quoted SYN's options count for window scaling, as
//!   in Wireshark), but their length is not known, so they never set a base sequence number:
//!   their numbers are shown raw.
//! - Echo requests wait here for their replies (`icmp.resp_to`), keyed by the address pair,
//!   identifier, sequence number and the checksum the reply will carry.
//!
//! Memory grows with the number of conversations, never with the number of packets: each one
//! is a few dozen bytes in a `Vec`, found through a `HashMap` keyed by the two endpoints.

use crate::frame::Timestamp;
use std::collections::HashMap;
use std::net::IpAddr;

/// One end of a transport conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub addr: IpAddr,
    pub port: u16,
}

/// The two endpoints in a fixed order, so that both directions find the same conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct PairKey {
    low: Endpoint,
    high: Endpoint,
}

/// The key for a segment from `src` to `dst`, and which side of the key the sender is.
fn pair_key(src: Endpoint, dst: Endpoint) -> (PairKey, usize) {
    if src <= dst {
        (
            PairKey {
                low: src,
                high: dst,
            },
            0,
        )
    } else {
        (
            PairKey {
                low: dst,
                high: src,
            },
            1,
        )
    }
}

/// Window scaling as Wireshark tracks it for one direction (`tcp.window_size_scalefactor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowScale {
    /// No SYN seen yet for this direction: whether the window is scaled is unknown (-1).
    Unknown,
    /// The SYNs showed that window scaling is not in use (-2).
    NotUsed,
    /// The sender's window is shifted left by this many bits (RFC 7323 §2.3), at most 14.
    Shift(u8),
}

impl WindowScale {
    /// The value of `tcp.window_size_scalefactor`: -1, -2, or the multiplier `1 << shift`.
    pub fn factor(self) -> i64 {
        match self {
            WindowScale::Unknown => -1,
            WindowScale::NotUsed => -2,
            WindowScale::Shift(shift) => 1 << shift,
        }
    }

    /// The window a segment advertises, once scaled (RFC 7323 §2.3): SYN segments never are.
    pub fn apply(self, window: u16) -> u32 {
        match self {
            WindowScale::Shift(shift) => (window as u32) << shift,
            _ => window as u32,
        }
    }
}

/// What is known about one direction of a TCP connection.
#[derive(Clone, Copy, Debug)]
pub struct TcpFlow {
    /// The number relative sequence numbers count from: the ISN when the SYN was seen, else one
    /// less than the first sequence number seen. `None` until a segment has set it.
    pub base_seq: Option<u32>,
    pub window_scale: WindowScale,
}

impl TcpFlow {
    const NEW: TcpFlow = TcpFlow {
        base_seq: None,
        window_scale: WindowScale::Unknown,
    };
}

/// One TCP connection: its stream index, both directions, and when it was last seen.
#[derive(Clone, Debug)]
pub struct TcpConversation {
    pub stream: u32,
    /// `flows[0]` is the direction sent by the lower endpoint of the pair.
    flows: [TcpFlow; 2],
    first_ts: Timestamp,
    previous_ts: Timestamp,
    /// Accurate ECN evidence seen so far (`ACCECN_*` bits).
    accecn: u8,
}

/// An Accurate ECN setup SYN: AE, CWR and ECE all set (RFC 9768 §3.1.1).
const ACCECN_SYN: u8 = 1;
/// An Accurate ECN SYN-ACK: one of the four codepoints of RFC 9768 §3.1.1, Table 2.
const ACCECN_SYN_ACK: u8 = 2;
/// An Accurate ECN option (RFC 9768 §3.2.3).
const ACCECN_OPTION: u8 = 4;

/// A handle on a TCP conversation as seen from one segment: which conversation, and which of
/// its two flows is the sender's (`fwd` in Wireshark) and which the receiver's (`rev`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpHandle {
    index: u32,
    sender: u8,
}

/// The sequence-space view of one segment, after the conversation has seen it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relative {
    /// `tcp.seq`: the sequence number minus the sender's base.
    pub seq: u32,
    /// `tcp.ack`: the acknowledgment number minus the receiver's base (ACK segments only; the
    /// raw field otherwise, as Wireshark shows it).
    pub ack: u32,
}

/// Times for `tcp.time_relative` / `tcp.time_delta` (and the UDP ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamTimes {
    /// Since the conversation's first frame.
    pub relative: Timestamp,
    /// Since the conversation's previous frame.
    pub delta: Timestamp,
}

/// One UDP conversation.
#[derive(Clone, Debug)]
struct UdpConversation {
    first_ts: Timestamp,
    previous_ts: Timestamp,
}

/// An ICMP or ICMPv6 echo request waiting for its reply.
#[derive(Clone, Copy, Debug)]
struct PendingEcho {
    frame: u64,
    ts: Timestamp,
}

/// Which request a reply answers: the addresses (either order), the identifier and sequence
/// number, and the checksum the reply must carry (Wireshark's `conv_key`), so that a reply
/// whose data differs from its request's is not taken for its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct EchoKey {
    low: IpAddr,
    high: IpAddr,
    checksum: u16,
    id_seq: u32,
    v6: bool,
}

/// How many unanswered echo requests are remembered before the oldest are forgotten (a ping
/// flood into the void must not make memory grow without bound).
const MAX_PENDING_ECHOES: usize = 1 << 16;

/// The matched request of an echo reply: its frame number and the reply's delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EchoMatch {
    pub request_frame: u64,
    pub request_ts: Timestamp,
}

/// Everything remembered across the frames of one trace.
#[derive(Default)]
pub struct Conversations {
    tcp_index: HashMap<PairKey, u32>,
    tcp: Vec<TcpConversation>,
    /// The last TCP conversation looked up: consecutive segments mostly belong to the same
    /// connection, and comparing two keys is cheaper than hashing one.
    tcp_last: Option<(PairKey, u32)>,
    udp_index: HashMap<PairKey, u32>,
    udp: Vec<UdpConversation>,
    udp_last: Option<(PairKey, u32)>,
    echoes: HashMap<EchoKey, PendingEcho>,
}

impl Conversations {
    pub fn new() -> Conversations {
        Conversations::default()
    }

    /// How many TCP conversations have been seen (the next `tcp.stream` index).
    pub fn tcp_count(&self) -> usize {
        self.tcp.len()
    }

    /// How many UDP conversations have been seen.
    pub fn udp_count(&self) -> usize {
        self.udp.len()
    }

    // ------------------------------------------------------------------------------------------
    // TCP
    // ------------------------------------------------------------------------------------------

    /// Find the conversation a segment belongs to, or start one; called for every TCP header
    /// whose first 16 bytes were captured, quoted ones included (Wireshark's `dissect_tcp`
    /// does the same, so quoted segments take stream indexes too).
    ///
    /// `syn_only` is a SYN without ACK: if its direction already has a base sequence number and
    /// `seq` differs from it, the ports are being reused and a new conversation begins. A
    /// SYN-ACK whose sequence number differs from its direction's base moves that base instead
    /// (Wireshark issue 16944).
    pub fn tcp_segment(
        &mut self,
        src: Endpoint,
        dst: Endpoint,
        flags: u16,
        seq: u32,
        now: Timestamp,
    ) -> TcpHandle {
        let (key, sender) = pair_key(src, dst);
        let index = match self.tcp_last {
            Some((last, index)) if last == key => index,
            _ => match self.tcp_index.get(&key) {
                Some(&index) => index,
                None => self.new_tcp(key, now),
            },
        };
        self.tcp_last = Some((key, index));
        let handle = TcpHandle {
            index,
            sender: sender as u8,
        };
        let syn_ack = flags & (SYN | ACK);
        let base = self.flow(handle).base_seq;
        match base {
            Some(base) if syn_ack == SYN && seq != base => {
                let index = self.new_tcp(key, now);
                TcpHandle {
                    index,
                    sender: sender as u8,
                }
            }
            Some(base) if syn_ack == SYN | ACK && seq != base => {
                self.flow_mut(handle).base_seq = Some(seq);
                handle
            }
            _ => handle,
        }
    }

    fn new_tcp(&mut self, key: PairKey, now: Timestamp) -> u32 {
        let index = self.tcp.len() as u32;
        self.tcp.push(TcpConversation {
            stream: index,
            flows: [TcpFlow::NEW; 2],
            first_ts: now,
            previous_ts: now,
            accecn: 0,
        });
        self.tcp_index.insert(key, index);
        self.tcp_last = Some((key, index));
        index
    }

    /// Note an Accurate ECN handshake: a SYN with AE, CWR and ECE set, or a SYN-ACK answering
    /// with one of the AccECN codepoints (AE, CWR, ECE) = 010, 011, 100 or 110 (RFC 9768
    /// §3.1.1).
    pub fn tcp_accecn_handshake(&mut self, handle: TcpHandle, flags: u16) {
        let ecn = (flags >> 6) & 0b111; // AE, CWR, ECE as bits 2, 1, 0
        let conversation = self.conversation_mut(handle);
        match flags & (SYN | ACK) {
            SYN if ecn == 0b111 => conversation.accecn |= ACCECN_SYN,
            f if f == SYN | ACK && matches!(ecn, 0b010 | 0b011 | 0b100 | 0b110) => {
                conversation.accecn |= ACCECN_SYN_ACK
            }
            _ => {}
        }
    }

    /// Note an Accurate ECN option.
    pub fn tcp_accecn_option(&mut self, handle: TcpHandle) {
        self.conversation_mut(handle).accecn |= ACCECN_OPTION;
    }

    /// Whether a non-SYN segment's AE, CWR and ECE bits form the ACE counter (RFC 9768
    /// §3.2.2): after an AccECN handshake, or once an AccECN option has been seen.
    pub fn tcp_uses_ace(&self, handle: TcpHandle) -> bool {
        let accecn = self.conversation(handle).accecn;
        accecn & (ACCECN_SYN | ACCECN_SYN_ACK) == ACCECN_SYN | ACCECN_SYN_ACK
            || accecn & ACCECN_OPTION != 0
    }

    fn conversation(&self, handle: TcpHandle) -> &TcpConversation {
        &self.tcp[handle.index as usize]
    }

    fn conversation_mut(&mut self, handle: TcpHandle) -> &mut TcpConversation {
        &mut self.tcp[handle.index as usize]
    }

    /// The sender's flow (`fwd`).
    pub fn flow(&self, handle: TcpHandle) -> TcpFlow {
        self.conversation(handle).flows[handle.sender as usize]
    }

    fn flow_mut(&mut self, handle: TcpHandle) -> &mut TcpFlow {
        let sender = handle.sender as usize;
        &mut self.conversation_mut(handle).flows[sender]
    }

    /// The receiver's flow (`rev`).
    pub fn reverse_flow(&self, handle: TcpHandle) -> TcpFlow {
        self.conversation(handle).flows[1 - handle.sender as usize]
    }

    fn reverse_flow_mut(&mut self, handle: TcpHandle) -> &mut TcpFlow {
        let receiver = 1 - handle.sender as usize;
        &mut self.conversation_mut(handle).flows[receiver]
    }

    /// `tcp.stream`.
    pub fn stream(&self, handle: TcpHandle) -> u32 {
        self.conversation(handle).stream
    }

    /// Record the frame's time and return the conversation's times (every TCP segment,
    /// quoted ones included, as Wireshark's `tcp_calculate_timestamps`).
    pub fn tcp_times(&mut self, handle: TcpHandle, now: Timestamp) -> StreamTimes {
        let conversation = self.conversation_mut(handle);
        let times = StreamTimes {
            relative: now.since(conversation.first_ts),
            delta: now.since(conversation.previous_ts),
        };
        conversation.previous_ts = now;
        times
    }

    /// Set the base sequence numbers from a segment whose length is known (not a fragment, not
    /// quoted) and return its relative numbers (Wireshark's `tcp_analyze_sequence_number`):
    ///
    /// - the sender's base is its ISN when this is its SYN, else `seq - 1`, set once;
    /// - the receiver's base, if still unknown, is `ack - 1` when the ACK flag is set (the
    ///   ISN the acknowledgment implies).
    pub fn tcp_relative(&mut self, handle: TcpHandle, seq: u32, ack: u32, flags: u16) -> Relative {
        let fwd = self.flow_mut(handle);
        let base = *fwd.base_seq.get_or_insert(if flags & SYN != 0 {
            seq
        } else {
            seq.wrapping_sub(1)
        });
        let rev = self.reverse_flow_mut(handle);
        let mut relative_ack = ack;
        if flags & ACK != 0 {
            let rev_base = *rev.base_seq.get_or_insert(ack.wrapping_sub(1));
            relative_ack = ack.wrapping_sub(rev_base);
        }
        Relative {
            seq: seq.wrapping_sub(base),
            ack: relative_ack,
        }
    }

    /// The receiver's base sequence number, as SACK edges are made relative to it; 0 when
    /// unknown, as in Wireshark.
    pub fn sack_base(&self, handle: TcpHandle) -> u32 {
        self.reverse_flow(handle).base_seq.unwrap_or(0)
    }

    /// A Window Scale option was seen in this segment: it sets the sender's shift (Wireshark
    /// records it from any segment, not only from SYNs; the shift is at most 14, RFC 7323
    /// §2.3).
    pub fn tcp_window_scale_option(&mut self, handle: TcpHandle, shift: u8) {
        self.flow_mut(handle).window_scale = WindowScale::Shift(shift.min(14));
    }

    /// After a SYN's options: if the SYN carried no Window Scale option, neither side scales
    /// (RFC 7323 §2.2); a SYN-ACK with the option answering a SYN without it changes nothing
    /// (Wireshark's `verify_tcp_window_scaling`).
    pub fn tcp_syn_seen(&mut self, handle: TcpHandle, syn_ack: bool) {
        let fwd = self.flow(handle).window_scale;
        let rev = self.reverse_flow(handle).window_scale;
        if fwd == WindowScale::Unknown {
            self.flow_mut(handle).window_scale = WindowScale::NotUsed;
            self.reverse_flow_mut(handle).window_scale = WindowScale::NotUsed;
        } else if syn_ack && rev == WindowScale::NotUsed {
            self.flow_mut(handle).window_scale = WindowScale::NotUsed;
        }
    }

    // ------------------------------------------------------------------------------------------
    // UDP
    // ------------------------------------------------------------------------------------------

    /// The `udp.stream` index of a datagram's conversation, started if new.
    pub fn udp_stream(&mut self, src: Endpoint, dst: Endpoint, now: Timestamp) -> u32 {
        let (key, _) = pair_key(src, dst);
        if let Some((last, index)) = self.udp_last {
            if last == key {
                return index;
            }
        }
        let index = match self.udp_index.get(&key) {
            Some(&index) => index,
            None => {
                let index = self.udp.len() as u32;
                self.udp.push(UdpConversation {
                    first_ts: now,
                    previous_ts: now,
                });
                self.udp_index.insert(key, index);
                index
            }
        };
        self.udp_last = Some((key, index));
        index
    }

    /// Record a datagram's time and return the conversation's times.
    pub fn udp_times(&mut self, stream: u32, now: Timestamp) -> StreamTimes {
        let Some(conversation) = self.udp.get_mut(stream as usize) else {
            return StreamTimes {
                relative: Timestamp::default(),
                delta: Timestamp::default(),
            };
        };
        let times = StreamTimes {
            relative: now.since(conversation.first_ts),
            delta: now.since(conversation.previous_ts),
        };
        conversation.previous_ts = now;
        times
    }

    // ------------------------------------------------------------------------------------------
    // ICMP and ICMPv6 echo
    // ------------------------------------------------------------------------------------------

    /// An echo request: remember it until its reply, replacing an earlier request with the
    /// same key. `echo.checksum` is the checksum the reply will carry.
    pub fn echo_request(&mut self, echo: EchoId, frame: u64, ts: Timestamp) {
        if self.echoes.len() >= MAX_PENDING_ECHOES {
            self.echoes.clear();
        }
        self.echoes.insert(echo.key(), PendingEcho { frame, ts });
    }

    /// An echo reply: the request it answers, if one is waiting. A request is answered once; a
    /// second reply to it matches nothing, as in Wireshark.
    pub fn echo_reply(&mut self, echo: EchoId) -> Option<EchoMatch> {
        self.echoes.remove(&echo.key()).map(|pending| EchoMatch {
            request_frame: pending.frame,
            request_ts: pending.ts,
        })
    }
}

/// What pairs an echo reply with its request.
#[derive(Clone, Copy, Debug)]
pub struct EchoId {
    pub v6: bool,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// The checksum of the reply (for a request: the checksum its reply will carry).
    pub checksum: u16,
    pub id: u16,
    pub seq: u16,
}

impl EchoId {
    fn key(self) -> EchoKey {
        let (low, high) = if self.src <= self.dst {
            (self.src, self.dst)
        } else {
            (self.dst, self.src)
        };
        EchoKey {
            low,
            high,
            checksum: self.checksum,
            id_seq: (self.id as u32) << 16 | self.seq as u32,
            v6: self.v6,
        }
    }
}

/// The TCP flag bits the conversation logic looks at (RFC 9293 §3.1).
pub const SYN: u16 = 0x002;
pub const ACK: u16 = 0x010;

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn ep(last: u8, port: u16) -> Endpoint {
        Endpoint {
            addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, last)),
            port,
        }
    }

    const T: Timestamp = Timestamp::new(100, 0);

    #[test]
    fn both_directions_of_a_connection_share_one_stream() {
        let mut c = Conversations::new();
        let a = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1000, T);
        let b = c.tcp_segment(ep(2, 80), ep(1, 5000), SYN | ACK, 9000, T);
        let other = c.tcp_segment(ep(1, 5001), ep(2, 80), SYN, 7, T);
        assert_eq!((c.stream(a), c.stream(b), c.stream(other)), (0, 0, 1));
        assert_ne!(a.sender, b.sender);
    }

    #[test]
    fn handshake_numbers_count_from_each_side_isn() {
        let mut c = Conversations::new();
        let h = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1000, T);
        assert_eq!(c.tcp_relative(h, 1000, 0, SYN), Relative { seq: 0, ack: 0 });
        let h = c.tcp_segment(ep(2, 80), ep(1, 5000), SYN | ACK, 9000, T);
        assert_eq!(
            c.tcp_relative(h, 9000, 1001, SYN | ACK),
            Relative { seq: 0, ack: 1 }
        );
        let h = c.tcp_segment(ep(1, 5000), ep(2, 80), ACK, 1001, T);
        assert_eq!(
            c.tcp_relative(h, 1001, 9001, ACK),
            Relative { seq: 1, ack: 1 }
        );
    }

    #[test]
    fn without_the_handshake_the_first_segment_is_one_and_its_ack_is_one() {
        let mut c = Conversations::new();
        let h = c.tcp_segment(ep(1, 5000), ep(2, 80), ACK, 500, T);
        assert_eq!(
            c.tcp_relative(h, 500, 7000, ACK),
            Relative { seq: 1, ack: 1 }
        );
        let h = c.tcp_segment(ep(2, 80), ep(1, 5000), ACK, 7100, T);
        assert_eq!(
            c.tcp_relative(h, 7100, 600, ACK),
            Relative { seq: 101, ack: 101 }
        );
    }

    #[test]
    fn a_new_syn_on_used_ports_starts_a_new_stream_but_a_retransmitted_one_does_not() {
        let mut c = Conversations::new();
        let h = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1000, T);
        c.tcp_relative(h, 1000, 0, SYN);
        let again = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1000, T);
        assert_eq!(c.stream(again), 0);
        let reused = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 555_555, T);
        assert_eq!(c.stream(reused), 1);
        assert_eq!(c.tcp_relative(reused, 555_555, 0, SYN).seq, 0);
        let answer = c.tcp_segment(ep(2, 80), ep(1, 5000), SYN | ACK, 42, T);
        assert_eq!(c.stream(answer), 1);
    }

    #[test]
    fn window_scaling_is_known_after_both_syns() {
        let mut c = Conversations::new();
        let syn = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1, T);
        c.tcp_window_scale_option(syn, 7);
        c.tcp_syn_seen(syn, false);
        assert_eq!(c.flow(syn).window_scale, WindowScale::Shift(7));
        assert_eq!(c.reverse_flow(syn).window_scale, WindowScale::Unknown);
        let syn_ack = c.tcp_segment(ep(2, 80), ep(1, 5000), SYN | ACK, 1, T);
        c.tcp_window_scale_option(syn_ack, 10);
        c.tcp_syn_seen(syn_ack, true);
        assert_eq!(c.flow(syn_ack).window_scale.factor(), 1024);
        assert_eq!(c.flow(syn_ack).window_scale.apply(100), 102_400);
    }

    #[test]
    fn a_syn_without_window_scale_turns_scaling_off_for_both_sides() {
        let mut c = Conversations::new();
        let syn = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1, T);
        c.tcp_syn_seen(syn, false);
        assert_eq!(c.flow(syn).window_scale.factor(), -2);
        assert_eq!(c.reverse_flow(syn).window_scale.factor(), -2);
        let syn_ack = c.tcp_segment(ep(2, 80), ep(1, 5000), SYN | ACK, 1, T);
        c.tcp_window_scale_option(syn_ack, 3);
        c.tcp_syn_seen(syn_ack, true);
        assert_eq!(c.flow(syn_ack).window_scale, WindowScale::NotUsed);
    }

    #[test]
    fn stream_times_count_from_the_first_and_previous_frames() {
        let mut c = Conversations::new();
        let h = c.tcp_segment(ep(1, 5000), ep(2, 80), SYN, 1, T);
        c.tcp_times(h, T);
        let later = Timestamp::new(101, 500);
        let times = c.tcp_times(h, later);
        assert_eq!(times.relative, Timestamp::new(1, 500));
        let times = c.tcp_times(h, Timestamp::new(102, 0));
        assert_eq!(times.delta, Timestamp::new(0, 999_999_500));
    }

    #[test]
    fn udp_streams_are_numbered_by_first_appearance() {
        let mut c = Conversations::new();
        assert_eq!(c.udp_stream(ep(1, 53), ep(2, 4000), T), 0);
        assert_eq!(c.udp_stream(ep(3, 53), ep(2, 4000), T), 1);
        assert_eq!(c.udp_stream(ep(2, 4000), ep(1, 53), T), 0);
        assert_eq!(c.udp_count(), 2);
    }

    #[test]
    fn an_echo_reply_matches_its_request_once() {
        let mut c = Conversations::new();
        let (a, b) = (ep(1, 0).addr, ep(2, 0).addr);
        let echo = |src, dst, seq| EchoId {
            v6: false,
            src,
            dst,
            checksum: 0x1234,
            id: 1,
            seq,
        };
        c.echo_request(echo(a, b, 7), 3, T);
        assert_eq!(c.echo_reply(echo(b, a, 8)), None);
        let m = c.echo_reply(echo(b, a, 7)).expect("the reply matches");
        assert_eq!(m.request_frame, 3);
        assert_eq!(c.echo_reply(echo(b, a, 7)), None);
    }
}
