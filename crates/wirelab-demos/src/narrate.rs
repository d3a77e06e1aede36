//! The narration of a step: what the frame is, why its sender sent it, what the states
//! became, each with the RFC section that says so.

use crate::{TraceEvent, TraceFrame};
use std::collections::VecDeque;
use wirelab_stack::iface::IfaceEvent;
use wirelab_stack::tcp::{Event, SendReason, State};
use wirelab_stack::wire::{
    ArpOperation, ArpRepr, Control, EtherType, EthernetRepr, IcmpRepr, IpProtocol, Ipv4Repr,
    TcpRepr, TcpSummary,
};

/// How far ahead in a host's `SegmentSent` events a frame's own is looked for: a segment
/// the interface could not send (no ARP answer) leaves an event without a frame.
const MATCH_WINDOW: usize = 16;

/// Takes out of `queue` (a host's `SegmentSent` events, in order) the one that made this
/// frame: same ports, sequence number and flags. None for a frame no connection sent (the
/// RST the stack sends for a port where nobody listens) or that is not TCP.
pub fn matching_segment(frame: &[u8], queue: &mut VecDeque<TraceEvent>) -> Option<TraceEvent> {
    let (ip, data) = ipv4(frame)?;
    if ip.protocol != IpProtocol::TCP {
        return None;
    }
    let (repr, payload) = TcpRepr::parse(data, ip.src, ip.dst).ok()?;
    let position = queue.iter().take(MATCH_WINDOW).position(|e| match &e.tcp {
        Some(Event::SegmentSent { summary, .. }) => {
            summary.repr.src_port == repr.src_port
                && summary.repr.dst_port == repr.dst_port
                && summary.repr.seq == repr.seq
                && summary.repr.control == repr.control
                && summary.payload_len == payload.len()
        }
        _ => false,
    })?;
    queue.remove(position)
}

/// Whether the frame is a TCP segment with a payload or a UDP datagram.
pub fn carries_data(frame: &[u8]) -> bool {
    let Some((ip, data)) = ipv4(frame) else {
        return false;
    };
    match ip.protocol {
        IpProtocol::UDP => true,
        IpProtocol::TCP => {
            TcpRepr::parse(data, ip.src, ip.dst).is_ok_and(|(_, payload)| !payload.is_empty())
        }
        _ => false,
    }
}

fn ipv4(frame: &[u8]) -> Option<(Ipv4Repr, &[u8])> {
    let (eth, payload) = EthernetRepr::parse(frame).ok()?;
    if eth.ethertype != EtherType::IPV4 {
        return None;
    }
    Ipv4Repr::parse(payload).ok()
}

pub fn step(frame: &TraceFrame, why: Option<&TraceEvent>, events: &[TraceEvent]) -> String {
    let host = frame.from.name();
    let mut sentences: Vec<String> = events.iter().filter_map(event_sentence).collect();
    match why.and_then(|e| e.tcp.as_ref()) {
        Some(Event::SegmentSent { summary, reason }) => {
            let became_syn_received = events.iter().any(|e| {
                e.host == frame.from
                    && matches!(
                        e.tcp,
                        Some(Event::StateChanged {
                            from: State::SynSent,
                            to: State::SynReceived,
                            ..
                        })
                    )
            });
            if summary.repr.control == Control::Syn
                && summary.repr.ack.is_some()
                && *reason == SendReason::Syn
                && became_syn_received
            {
                sentences.push(format!(
                    "{host} got the peer's SYN while in SYN-SENT: it sends its own SYN again, \
                     now with an ACK of the peer's (RFC 9293 §3.5, Figure 8)."
                ));
            } else {
                sentences.push(segment_sent(host, summary, *reason));
            }
        }
        _ => sentences.push(other_frame(host, &frame.bytes)),
    }
    match frame.fate {
        Some("lost") => sentences.push(
            "The link loses this frame: the receiver never sees it, and only the sender's \
             timers or the receiver's duplicate ACKs can tell."
                .to_string(),
        ),
        Some(other) => sentences.push(format!("On the link this frame is {other}.")),
        None => {}
    }
    sentences.join(" ")
}

/// The narration of a step in which only timers fired or states changed.
pub fn events_only(events: &[TraceEvent]) -> String {
    let sentences: Vec<String> = events.iter().filter_map(event_sentence).collect();
    if sentences.is_empty() {
        "No frame: the stacks' timers and states move on.".to_string()
    } else {
        sentences.join(" ")
    }
}

fn segment_sent(host: &str, summary: &TcpSummary, reason: SendReason) -> String {
    let repr = &summary.repr;
    let len = summary.payload_len;
    match reason {
        SendReason::Syn if repr.ack.is_some() => format!(
            "{host} answers the SYN with SYN-ACK: its own initial sequence number {}, and an \
             acknowledgment of the peer's SYN, which occupies one sequence number \
             (RFC 9293 §3.5, Figure 6).",
            repr.seq
        ),
        SendReason::Syn => format!(
            "{host} opens the connection: a SYN carrying its initial sequence number {} (chosen \
             as in RFC 6528) and the options it offers: MSS, window scale (RFC 7323 §2), \
             SACK-permitted (RFC 2018), timestamps (RFC 7323 §3) (RFC 9293 §3.5).",
            repr.seq
        ),
        SendReason::NewData => format!(
            "{host} sends {len} bytes of new data: in flight stays within the smaller of \
             the peer's window and the congestion window (RFC 9293 §3.8.6, RFC 5681 §3.1)."
        ),
        SendReason::Fin => format!(
            "{host}'s application has no more to send: a FIN, which occupies one sequence \
             number (RFC 9293 §3.6)."
        ),
        SendReason::LimitedTransmit => format!(
            "A duplicate ACK arrived: {host} sends one new segment without waiting, to keep \
             the ACK clock going (limited transmit, RFC 3042)."
        ),
        SendReason::RtoRetransmission => format!(
            "The retransmission timer expired with no acknowledgment: {host} sends the oldest \
             unacknowledged segment again, doubles its RTO (RFC 6298 §5, (5.5)) and falls \
             back to a congestion window of one segment (RFC 5681 §3.1)."
        ),
        SendReason::FastRetransmission => format!(
            "Three duplicate ACKs: {host} does not wait for the timer, it resends the missing \
             segment at once and enters fast recovery (RFC 5681 §3.2, RFC 6582)."
        ),
        SendReason::EarlyRetransmission => format!(
            "Too little data is in flight for three duplicate ACKs to come back: {host} \
             resends the missing segment after fewer (early retransmit, RFC 5827) and enters \
             recovery."
        ),
        SendReason::SackRetransmission => format!(
            "The peer's SACK blocks show another hole: {host} fills it during recovery, as \
             RFC 6675's NextSeg() chooses, while cwnd exceeds the data still in the network \
             (pipe) (RFC 2018, RFC 6675 §5)."
        ),
        SendReason::RescueRetransmission => format!(
            "Nothing else may be sent in this recovery: {host} resends the last unacknowledged \
             segment once (a rescue retransmission, RFC 6675 §4 rule 4), so that a lost tail \
             need not wait for the timer."
        ),
        SendReason::WindowProbe => format!(
            "The peer's window is zero: {host}'s persist timer sends a probe, so that a lost \
             window update cannot leave both sides waiting forever (RFC 9293 §3.8.6.1)."
        ),
        SendReason::KeepAlive => format!(
            "Nothing heard for a while: {host} sends a keep-alive probe with an old sequence \
             number, which the peer must acknowledge (RFC 9293 §3.8.4)."
        ),
        SendReason::PureAck if repr.window == 0 => format!(
            "{host} acknowledges up to {}, but its receive buffer is full and its application \
             has not read: it offers a window of 0, and the peer must stop sending \
             (RFC 9293 §3.8.6).",
            repr.ack.map(|a| a.to_string()).unwrap_or_default()
        ),
        SendReason::AckOfUnacceptable if repr.window == 0 => format!(
            "{host}'s window is still zero: it cannot take even the probe's one byte, so it \
             drops it and answers with an ACK that repeats the zero window \
             (RFC 9293 §3.8.6.1, §3.10.7.4)."
        ),
        SendReason::PureAck => format!(
            "{host} acknowledges: ACK {} is the next byte it expects (RFC 9293 §3.4); it \
             offers a window of {} (before scaling).",
            repr.ack.map(|a| a.to_string()).unwrap_or_default(),
            repr.window
        ),
        SendReason::DuplicateAck => format!(
            "A segment arrived out of order (a gap before it): {host} acknowledges at once, \
             repeating the same ACK (a duplicate ACK, RFC 5681 §4.2), with SACK blocks naming \
             what it does hold (RFC 2018)."
        ),
        SendReason::WindowUpdate => format!(
            "{host}'s application read data: its receive window opened again ({} before \
             scaling), and it tells the peer at once (RFC 9293 §3.8.6.2.2).",
            repr.window
        ),
        SendReason::AckOfUnacceptable => format!(
            "{host} received a segment outside its window: it answers with an ACK of what it \
             expects and drops it (RFC 9293 §3.10.7.4)."
        ),
        SendReason::ChallengeAck => format!(
            "{host} got a RST or SYN it cannot be sure of: instead of obeying it, it sends a \
             challenge ACK (RFC 5961 §3.2, §4.2)."
        ),
        SendReason::Reset => format!(
            "{host} resets the connection: a RST, after which neither side keeps any state \
             (RFC 9293 §3.5.2)."
        ),
    }
}

fn other_frame(host: &str, frame: &[u8]) -> String {
    let Ok((eth, payload)) = EthernetRepr::parse(frame) else {
        return format!("{host} sends a frame the stack cannot parse.");
    };
    if eth.ethertype == EtherType::ARP {
        return match ArpRepr::parse(payload) {
            Ok(arp) if arp.operation == ArpOperation::Request => format!(
                "{host} knows {}'s IP address but not its Ethernet address: it broadcasts an \
                 ARP request \"who has {}?\" (RFC 826).",
                arp.target_ip, arp.target_ip
            ),
            Ok(arp) => format!(
                "{host} answers the ARP request: {} is at {} (RFC 826); both sides now cache \
                 the mapping.",
                arp.sender_ip, arp.sender_mac
            ),
            Err(_) => format!("{host} sends a malformed ARP packet."),
        };
    }
    let Ok((ip, data)) = Ipv4Repr::parse(payload) else {
        return format!("{host} sends a frame that is not IPv4.");
    };
    match ip.protocol {
        IpProtocol::ICMP => match IcmpRepr::parse(data) {
            Ok(IcmpRepr::EchoRequest { seq, .. }) => format!(
                "{host} pings {}: an ICMP echo request, sequence {seq} (RFC 792).",
                ip.dst
            ),
            Ok(IcmpRepr::EchoReply { seq, .. }) => format!(
                "{host} answers with an echo reply carrying the same identifier, sequence \
                 {seq} and data (RFC 792)."
            ),
            _ => format!(
                "{host} sends an ICMP message: an error report about a packet it could not \
                 deliver (RFC 792, RFC 1122 §3.2.2)."
            ),
        },
        IpProtocol::UDP => format!(
            "{host} sends a UDP datagram: no handshake, no sequence numbers, no \
             acknowledgment: ports, a length and a checksum are all there is (RFC 768)."
        ),
        IpProtocol::TCP => tcp_without_socket(host, frame),
        _ => format!("{host} sends an IPv4 packet."),
    }
}

/// A TCP segment no watched socket sent: the stack answering for a port where nobody
/// listens.
fn tcp_without_socket(host: &str, frame: &[u8]) -> String {
    let control = ipv4(frame).and_then(|(ip, data)| {
        TcpRepr::parse(data, ip.src, ip.dst)
            .ok()
            .map(|(repr, _)| repr.control)
    });
    if control == Some(Control::Rst) {
        format!(
            "No socket matches this segment at {host}: for a connection in state CLOSED the \
             stack answers any segment but a RST with a RST (RFC 9293 §3.10.7.1)."
        )
    } else {
        format!("{host} sends a TCP segment (RFC 9293 §3.1).")
    }
}

fn event_sentence(event: &TraceEvent) -> Option<String> {
    let host = event.host.name();
    if let Some(iface) = &event.iface {
        return iface_sentence(host, iface);
    }
    if event.tcp.is_none() {
        return tls_sentence(host, &event.text);
    }
    match event.tcp.as_ref()? {
        Event::StateChanged { from, to, .. } => {
            Some(format!("{host}: {from} → {to}: {}", state_meaning(*to)))
        }
        Event::CongestionChanged {
            cwnd,
            ssthresh,
            why,
        } => Some(match *why {
            "fast recovery" => format!(
                "{host} enters fast recovery: ssthresh becomes half the data in flight \
                 ({ssthresh} bytes), cwnd {cwnd} bytes (RFC 5681 §3.2, RFC 6582)."
            ),
            "timeout" => format!(
                "{host}'s retransmission timer expired: cwnd restarts from one segment \
                 ({cwnd} bytes) and ssthresh becomes {ssthresh} (RFC 5681 §3.1)."
            ),
            "recovery ended" => format!(
                "{host} leaves recovery: cwnd is {cwnd} bytes, about ssthresh ({ssthresh}) \
                 (RFC 6582 §3.2 step 3; with SACK, RFC 6675 kept cwnd at ssthresh)."
            ),
            "congestion avoidance" => format!(
                "{host}'s cwnd ({cwnd} bytes) has reached ssthresh: congestion avoidance, \
                 about one segment more per round trip (RFC 5681 §3.1)."
            ),
            _ => format!(
                "{host} is in slow start: cwnd {cwnd} bytes, one segment more for each \
                 segment acknowledged (RFC 5681 §3.1, RFC 3465)."
            ),
        }),
        Event::RecoveryEntered {
            why,
            recovery_point,
        } => Some(format!(
            "{host} enters loss recovery ({why}); it ends when everything up to \
             {recovery_point} is acknowledged."
        )),
        Event::RecoveryExited { why } => Some(format!("{host} leaves loss recovery: {why}.")),
        Event::Error(e) => Some(format!("{host}'s application is told: {e}.")),
        _ => None,
    }
}

fn state_meaning(state: State) -> &'static str {
    match state {
        State::Closed => "no connection any more (RFC 9293 §3.3.2).",
        State::Listen => "waiting for a SYN from anyone (RFC 9293 §3.3.2).",
        State::SynSent => "waiting for the peer's SYN and the ACK of its own (RFC 9293 §3.5).",
        State::SynReceived => {
            "it has seen the peer's SYN and sent its own; waiting for that to be acknowledged \
             (RFC 9293 §3.5)."
        }
        State::Established => {
            "both initial sequence numbers are acknowledged: data may flow both ways \
             (RFC 9293 §3.5)."
        }
        State::FinWait1 => "it sent its FIN and waits for it to be acknowledged (RFC 9293 §3.6).",
        State::FinWait2 => {
            "its FIN is acknowledged; it waits for the peer's FIN, and may still receive data \
             (RFC 9293 §3.6)."
        }
        State::CloseWait => {
            "the peer will send no more; this side may still send until its application \
             closes (RFC 9293 §3.6)."
        }
        State::Closing => {
            "both sides sent FIN at the same time: a simultaneous close; it waits for the ACK \
             of its own FIN (RFC 9293 §3.6, Figure 13)."
        }
        State::LastAck => {
            "it sent its FIN after the peer's; it waits for the last ACK (RFC 9293 §3.6)."
        }
        State::TimeWait => {
            "it closed first (or at the same time), so it waits 2×MSL: a lost last ACK can \
             still be sent again, and old duplicates of this connection die out before the \
             ports are reused (RFC 9293 §3.6.1)."
        }
    }
}

/// An interface event in words.
pub fn iface_event(event: &IfaceEvent) -> String {
    match event {
        IfaceEvent::ArpResolved { ip, mac } => format!("ARP: {ip} is at {mac}"),
        IfaceEvent::Unresolved { ip, dropped } if ip.is_unspecified() => {
            format!("ARP: no answer; {dropped} packet(s) waiting for it dropped")
        }
        IfaceEvent::Unresolved { ip, dropped } => {
            format!("ARP: no answer for {ip}; {dropped} packet(s) waiting for it dropped")
        }
        IfaceEvent::EchoReply {
            from,
            ident,
            seq,
            len,
        } => format!("echo reply from {from}: id 0x{ident:04x} seq {seq}, {len} bytes"),
        IfaceEvent::Unreachable { from, code } => {
            format!("ICMP destination unreachable from {from}, code {code}")
        }
        other => format!("{other:?}"),
    }
}

fn iface_sentence(host: &str, event: &IfaceEvent) -> Option<String> {
    Some(match event {
        IfaceEvent::ArpResolved { ip, mac } => format!(
            "{host} learns from the ARP packet that {ip} is at {mac}, and caches it \
             (RFC 826, \"merge\" step)."
        ),
        IfaceEvent::Unresolved { dropped, .. } => format!(
            "{host} gives up: its ARP requests went unanswered, and the {dropped} packet(s) \
             waiting for the address are dropped (RFC 1122 §2.3.2.2)."
        ),
        IfaceEvent::EchoReply { from, seq, .. } => format!(
            "{host} receives the echo reply {seq} from {from}: the round trip is complete \
             (RFC 792)."
        ),
        IfaceEvent::Unreachable { from, code } => format!(
            "{host} receives an ICMP destination unreachable (code {code}) from {from} \
             (RFC 792)."
        ),
        IfaceEvent::FrameDropped { why } => {
            format!("{host} drops a frame it cannot use: {why}.")
        }
        _ => return None,
    })
}

/// The events the TLS endpoints report (their text starts with `TLS `): a sentence for
/// the messages that arrive and for the secrets, which say where each key comes from.
fn tls_sentence(host: &str, text: &str) -> Option<String> {
    let text = text.strip_prefix("TLS ")?;
    if let Some(message) = text.strip_prefix("received ") {
        return Some(format!(
            "{host}'s TLS layer reads {message} out of the TCP byte stream."
        ));
    }
    if text.starts_with("pre-master secret") {
        return Some(format!(
            "{host} now holds the pre-master secret, from the key exchange \
             (RFC 5246 §8.1.1, §8.1.2; RFC 8422 §5.10)."
        ));
    }
    if text.starts_with("master secret") {
        return Some(format!(
            "{host} derives the master secret with the PRF from the pre-master secret and \
             the handshake (RFC 5246 §8.1, RFC 7627 §4), then the key block: MAC keys, \
             encryption keys and IVs for each direction (RFC 5246 §6.3)."
        ));
    }
    if text.starts_with("handshake complete") || text == "handshake complete" {
        return Some(format!("{host}'s handshake is complete."));
    }
    None
}
