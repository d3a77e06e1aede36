//! Reassembly and probe tests, written as traces: each line is one segment on the wire.
//! Sequence numbers are relative (the SYN is 0, the first data byte 1), as `tcp.seq` shows them.

use super::reassembly::{Delivery, Direction, Segment, SegmentReport};
use super::*;
use std::net::{IpAddr, Ipv4Addr};
use wirelab_wire::conversation::WindowScale;
use wirelab_wire::tcp::{ACK, FIN, PSH, RST, SYN};
use wirelab_wire::Timestamp;

const CLIENT: Endpoint = Endpoint {
    addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
    port: 40000,
};

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Client,
    Server,
}
use Side::{Client, Server};

/// One connection between CLIENT and a server port, followed from its first segment.
struct Trace {
    streams: Streams,
    server: Endpoint,
    frame: u64,
    /// What `Streams::tcp` said of the last segment's payload.
    last_use: PayloadUse,
}

impl Trace {
    fn new(server_port: u16) -> Trace {
        Trace::with(server_port, StreamOptions::default())
    }

    fn with(server_port: u16, options: StreamOptions) -> Trace {
        Trace {
            streams: Streams::new(StreamOptions {
                follow: Some((Proto::Tcp, 0)),
                ..options
            }),
            server: Endpoint {
                addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
                port: server_port,
            },
            frame: 0,
            last_use: PayloadUse::Unclaimed,
        }
    }

    /// A segment with `payload` (all of it captured).
    fn send(&mut self, from: Side, flags: u16, seq: u32, ack: u32, payload: &[u8]) -> Dissection {
        self.send_cut(from, flags, seq, ack, payload, payload.len() as u32)
    }

    /// A segment `len` bytes long of which only `payload` was captured.
    fn send_cut(
        &mut self,
        from: Side,
        flags: u16,
        seq: u32,
        ack: u32,
        payload: &[u8],
        len: u32,
    ) -> Dissection {
        self.frame += 1;
        let (src, dst) = match from {
            Client => (CLIENT, self.server),
            Server => (self.server, CLIENT),
        };
        let segment = TcpSegment {
            frame_number: self.frame,
            ts: Timestamp::new(0, 0),
            stream: 0,
            src,
            dst,
            seq: seq.wrapping_add(1000),
            ack: ack.wrapping_add(5000),
            relative_seq: seq,
            relative_ack: if flags & ACK != 0 { ack } else { 0 },
            flags,
            window: 64240,
            window_scaled: 64240,
            window_scale: WindowScale::Unknown,
            len,
            payload,
            payload_offset: 54,
            options: &[],
            checksum_bad: false,
        };
        let mut d = Dissection::new();
        self.last_use = self.streams.tcp(&segment, &SeqVerdict::default(), &mut d);
        self.streams.frame_done(self.frame, &mut d);
        d
    }

    fn handshake(&mut self) {
        self.send(Client, SYN, 0, 0, b"");
        self.send(Server, SYN | ACK, 0, 1, b"");
        self.send(Client, ACK, 1, 1, b"");
    }

    /// The followed stream, one line per chunk: `>` from node 0 (the client), `<` from node 1.
    fn conversation(&self) -> Vec<String> {
        let followed = self.streams.followed().expect("stream 0 is followed");
        followed
            .records
            .iter()
            .map(|record| {
                let arrow = if record.node == 0 { ">" } else { "<" };
                match &record.content {
                    FollowContent::Data(bytes) => {
                        format!("{arrow} {}", String::from_utf8_lossy(bytes))
                    }
                    FollowContent::Missing { len, cause } => {
                        format!("{arrow} [{len} bytes missing: {cause:?}]")
                    }
                    FollowContent::Overlap(o) => format!(
                        "{arrow} [overlap from seq {}: {} bytes, {} differ]",
                        o.seq, o.compared, o.conflict
                    ),
                }
            })
            .collect()
    }
}

fn uint(d: &Dissection, name: &str) -> Option<u64> {
    d.uint(name)
}

fn text(d: &Dissection, name: &str) -> Option<String> {
    let item = d.first(name)?;
    match item.value {
        Value::Text { start, end } => Some(d.text((start, end)).to_string()),
        Value::Static(s) => Some(s.to_string()),
        _ => None,
    }
}

// --- Reassembly ---------------------------------------------------------------------------------

#[test]
fn segments_in_order_are_delivered_as_they_come() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"hello");
    t.send(Client, ACK | PSH, 6, 1, b" world");
    t.send(Server, ACK | PSH, 1, 12, b"HELLO WORLD");
    assert_eq!(t.conversation(), ["> hello", ">  world", "< HELLO WORLD"]);
}

#[test]
fn a_segment_that_overtook_another_waits_for_it() {
    let mut t = Trace::new(7);
    t.handshake();
    let early = t.send(Client, ACK | PSH, 6, 1, b" world");
    assert_eq!(
        uint(&early, "wirelab.reassembly.out_of_order_bytes"),
        Some(6)
    );
    assert_eq!(t.conversation(), Vec::<String>::new());
    let late = t.send(Client, ACK | PSH, 1, 1, b"hello");
    assert_eq!(
        uint(&late, "wirelab.reassembly.out_of_order_bytes"),
        None,
        "none waits now"
    );
    assert_eq!(t.conversation(), ["> hello", ">  world"]);
}

#[test]
fn a_retransmission_is_delivered_once() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"hello");
    let again = t.send(Client, ACK | PSH, 1, 1, b"hello");
    assert_eq!(uint(&again, "wirelab.reassembly.retransmitted"), Some(5));
    assert_eq!(uint(&again, "wirelab.reassembly.overlap_conflict"), None);
    assert!(again.experts.is_empty());
    assert_eq!(
        t.conversation(),
        ["> hello", "> [overlap from seq 1: 5 bytes, 0 differ]"]
    );
}

#[test]
fn a_partial_overlap_with_the_same_bytes_delivers_only_the_new_ones() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"hello");
    let overlapping = t.send(Client, ACK | PSH, 3, 1, b"llo world");
    assert_eq!(
        uint(&overlapping, "wirelab.reassembly.retransmitted"),
        Some(3)
    );
    assert_eq!(
        t.conversation(),
        [
            "> hello",
            "> [overlap from seq 3: 3 bytes, 0 differ]",
            ">  world"
        ]
    );
}

#[test]
fn a_conflicting_overlap_keeps_the_first_copy_and_says_so() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"hello");
    let forged = t.send(Client, ACK | PSH, 1, 1, b"HELlo!");
    assert_eq!(
        uint(&forged, "wirelab.reassembly.overlap_conflict"),
        Some(3)
    );
    let expert = &forged.experts[0];
    assert_eq!(
        (expert.severity, expert.group),
        (Severity::Warning, Group::Reassemble)
    );
    assert!(
        expert.message.contains("3 of 5 bytes from seq 1 (frame 5)"),
        "{}",
        expert.message
    );
    assert_eq!(
        t.conversation(),
        [
            "> hello",
            "> [overlap from seq 1: 5 bytes, 3 differ]",
            "> !"
        ]
    );
}

#[test]
fn two_buffered_fragments_that_disagree_are_flagged_when_they_are_delivered() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 6, 1, b"world");
    t.send(Client, ACK | PSH, 6, 1, b"WORLD");
    let filler = t.send(Client, ACK | PSH, 1, 1, b"hello");
    assert_eq!(
        uint(&filler, "wirelab.reassembly.overlap_conflict"),
        Some(5)
    );
    assert_eq!(
        t.conversation(),
        [
            "> hello",
            "> world",
            "> [overlap from seq 6: 5 bytes, 5 differ]"
        ]
    );
}

#[test]
fn bytes_the_receiver_acknowledged_but_the_capture_missed_become_a_gap() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"hello");
    // Bytes 6..=10 (" big ") were sent but not captured.
    t.send(Client, ACK | PSH, 11, 1, b"world");
    assert_eq!(t.conversation(), ["> hello"]);
    let ack = t.send(Server, ACK, 1, 16, b"");
    assert_eq!(uint(&ack, "wirelab.reassembly.missing"), Some(5));
    assert_eq!(
        t.conversation(),
        ["> hello", "> [5 bytes missing: NotCaptured]", "> world"]
    );
}

#[test]
fn bytes_cut_by_the_snap_length_are_a_gap_too() {
    let mut t = Trace::new(7);
    t.handshake();
    let cut = t.send_cut(Client, ACK | PSH, 1, 1, b"hel", 5);
    assert_eq!(uint(&cut, "wirelab.reassembly.missing"), Some(2));
    t.send(Client, ACK | PSH, 6, 1, b" world");
    assert_eq!(
        t.conversation(),
        ["> hel", "> [2 bytes missing: CutBySnaplen]", ">  world"]
    );
}

#[test]
fn a_full_out_of_order_buffer_gives_up_on_the_gap_before_it() {
    let mut t = Trace::with(
        7,
        StreamOptions {
            buffer_limit: 8,
            ..StreamOptions::default()
        },
    );
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"abc");
    // Bytes 4..=5 never arrive; 6.. pile up beyond the 8-byte buffer.
    t.send(Client, ACK | PSH, 6, 1, b"fghij");
    let overflow = t.send(Client, ACK | PSH, 11, 1, b"klmno");
    assert_eq!(uint(&overflow, "wirelab.reassembly.missing"), Some(2));
    assert!(overflow.experts[0]
        .message
        .starts_with("Out-of-order buffer full"));
    assert_eq!(
        t.conversation(),
        [
            "> abc",
            "> [2 bytes missing: BufferFull]",
            "> fghij",
            "> klmno"
        ]
    );
    assert_eq!(t.streams.buffered_bytes(), 0);
}

#[test]
fn sequence_numbers_wrap_around_two_to_the_thirty_two() {
    // RFC 9293 §3.4: sequence space is modulo 2^32. The stream starts 4 bytes before the wrap.
    let mut direction = Direction::new(1 << 20);
    let mut delivered = Vec::new();
    let mut take = |delivery: Delivery<'_>| {
        if let Delivery::Data { bytes, .. } = delivery {
            delivered.push(String::from_utf8_lossy(bytes).into_owned())
        }
    };
    let segment = |seq: u32, payload: &'static [u8]| Segment {
        frame: 1,
        seq,
        syn: false,
        len: payload.len() as u32,
        payload,
        payload_offset: 0,
    };
    let mut report = SegmentReport::default();
    direction.segment(&segment(0xffff_fffc, b"abcd"), &mut report, &mut take);
    // "ijkl" overtakes "efgh"; both lie after the wrap.
    direction.segment(&segment(4, b"ijkl"), &mut report, &mut take);
    direction.segment(&segment(0, b"efgh"), &mut report, &mut take);
    // A retransmission from before the wrap is recognised as old.
    direction.segment(&segment(0xffff_fffe, b"cdef"), &mut report, &mut take);
    assert_eq!(delivered, ["abcd", "efgh", "ijkl"]);
    assert_eq!(direction.next_seq(), 8);
    assert_eq!(report.retransmitted, 4);
}

#[test]
fn syn_and_fin_each_take_one_sequence_number_and_both_fins_acknowledged_close_the_stream() {
    let mut t = Trace::new(7);
    // The SYN is seq 0; the data starts at 1.
    t.send(Client, SYN, 0, 0, b"");
    t.send(Server, SYN | ACK, 0, 1, b"");
    t.send(Client, ACK | PSH, 1, 1, b"hi");
    // A FIN carrying data: the data is seq 3..=4, the FIN seq 5.
    t.send(Client, ACK | FIN, 3, 1, b"!!");
    assert_eq!(t.streams.open_streams(), 1);
    t.send(Server, ACK | FIN, 1, 6, b"");
    assert_eq!(
        t.streams.open_streams(),
        1,
        "the server's FIN is not acknowledged yet"
    );
    t.send(Client, ACK, 6, 2, b"");
    assert_eq!(t.streams.open_streams(), 0);
    assert_eq!(t.conversation(), ["> hi", "> !!"]);
}

#[test]
fn a_reset_releases_the_buffers_and_a_late_retransmission_is_still_old() {
    let mut t = Trace::new(7);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"hello");
    t.send(Client, ACK | PSH, 20, 1, b"later");
    assert_eq!(t.streams.buffered_bytes(), 5);
    t.send(Server, RST, 1, 0, b"");
    assert_eq!(
        (t.streams.open_streams(), t.streams.buffered_bytes()),
        (0, 0)
    );
    let late = t.send(Client, ACK | PSH, 1, 1, b"hello");
    assert_eq!(uint(&late, "wirelab.reassembly.retransmitted"), Some(5));
    assert_eq!(t.conversation(), ["> hello"]);
}

// --- The application-protocol probe -----------------------------------------------------------

#[test]
fn a_client_that_speaks_first_decides_the_protocol() {
    let mut t = Trace::new(8080);
    t.handshake();
    let request = t.send(
        Client,
        ACK | PSH,
        1,
        1,
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(
        text(&request, "wirelab.app.protocol").as_deref(),
        Some("HTTP/1.x")
    );
    assert_eq!(
        text(&request, "wirelab.app.probe").as_deref(),
        Some("the client's first bytes")
    );
    let app = t.streams.app_protocol(0).flatten().expect("decided");
    assert_eq!(app.evidence, Evidence::FirstBytes(Speaker::Client));
}

#[test]
fn the_probe_waits_for_the_servers_greeting_when_the_client_says_nothing() {
    let mut t = Trace::new(2525);
    t.handshake();
    assert_eq!(t.streams.app_protocol(0), None, "nobody has spoken yet");
    let greeting = t.send(
        Server,
        ACK | PSH,
        1,
        1,
        b"220 mx.example.org ESMTP ready\r\n",
    );
    assert_eq!(
        text(&greeting, "wirelab.app.protocol").as_deref(),
        Some("SMTP")
    );
    let later = t.send(Client, ACK | PSH, 1, 33, b"EHLO client\r\n");
    assert_eq!(
        text(&later, "wirelab.app.protocol"),
        None,
        "decided once, on the greeting"
    );
}

#[test]
fn a_short_first_segment_is_not_enough_and_the_next_one_decides() {
    let mut t = Trace::new(5000);
    t.handshake();
    let first = t.send(Client, ACK | PSH, 1, 1, &[0x16, 0x03]);
    assert_eq!(text(&first, "wirelab.app.protocol"), None);
    let second = t.send(Client, ACK | PSH, 3, 1, &[0x01, 0x02, 0x00]);
    assert_eq!(
        text(&second, "wirelab.app.protocol").as_deref(),
        Some("TLS")
    );
}

#[test]
fn bytes_that_match_nothing_fall_back_to_the_port_and_say_so() {
    let mut t = Trace::new(80);
    t.handshake();
    let odd = t.send(Client, ACK | PSH, 1, 1, b"\x00\x01binary");
    assert_eq!(
        text(&odd, "wirelab.app.protocol").as_deref(),
        Some("HTTP/1.x (by port 80)")
    );
    assert!(text(&odd, "wirelab.app.probe").is_some_and(|how| how.starts_with("port 80")));
}

#[test]
fn bytes_that_match_nothing_on_an_unknown_port_leave_the_protocol_unknown() {
    let mut t = Trace::new(4444);
    t.handshake();
    let odd = t.send(Client, ACK | PSH, 1, 1, b"hello there");
    assert_eq!(
        text(&odd, "wirelab.app.protocol").as_deref(),
        Some("unknown")
    );
    assert_eq!(t.streams.app_protocol(0), Some(None));
}

// --- Application messages over the stream ----------------------------------------------------

/// The application layers of a frame: (name, byte range), top-level items only.
fn layers(d: &Dissection) -> Vec<(&'static str, std::ops::Range<usize>)> {
    d.items
        .iter()
        .filter(|item| item.depth == 0 && ["http", "mqtt"].contains(&item.def.name))
        .map(|item| (item.def.name, item.range()))
        .collect()
}

#[test]
fn an_http_request_split_over_two_segments_is_dissected_on_the_frame_that_completes_it() {
    let mut t = Trace::new(8080);
    t.handshake();
    let first = t.send(Client, ACK, 1, 1, b"GET /index.html HTTP/1.1\r\nHost: exa");
    assert_eq!(
        t.last_use,
        PayloadUse::Claimed,
        "HTTP owns the bytes: no data layer"
    );
    assert!(layers(&first).is_empty(), "the request is not complete yet");
    let second = t.send(Client, ACK | PSH, 36, 1, b"mple.org\r\n\r\n");
    // Reassembled from two frames: the layer has no byte range in this one.
    assert_eq!(layers(&second), [("http", 0..0)]);
}

#[test]
fn two_requests_in_one_segment_are_two_http_layers_with_their_own_bytes() {
    let mut t = Trace::new(8080);
    t.handshake();
    let two = t.send(
        Client,
        ACK | PSH,
        1,
        1,
        b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
    );
    // The payload starts at byte 54 of the frame; each request is 19 bytes.
    assert_eq!(layers(&two), [("http", 54..73), ("http", 73..92)]);
}

#[test]
fn a_response_without_length_ends_at_the_servers_fin() {
    let mut t = Trace::new(8080);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"GET / HTTP/1.0\r\n\r\n");
    let head = t.send(
        Server,
        ACK | PSH,
        1,
        19,
        b"HTTP/1.0 200 OK\r\n\r\nall of it",
    );
    assert!(layers(&head).is_empty(), "the body runs until the close");
    let fin = t.send(Server, ACK | FIN, 29, 19, b"");
    assert_eq!(layers(&fin), [("http", 0..0)]);
}

#[test]
fn bytes_that_stop_being_http_stop_the_dissection_of_that_direction_with_a_note() {
    let mut t = Trace::new(8080);
    t.handshake();
    t.send(Client, ACK | PSH, 1, 1, b"GET / HTTP/1.1\r\n\r\n");
    let junk = t.send(Client, ACK | PSH, 19, 1, b"\x00\x01\x02 not http\r\n\r\n");
    assert!(layers(&junk).is_empty());
    assert!(junk
        .experts
        .iter()
        .any(|e| e.message.starts_with("The stream stops being HTTP/1.x")));
    t.send(Client, ACK | PSH, 42, 1, b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(
        t.last_use,
        PayloadUse::Unclaimed,
        "shown as data from now on"
    );
}

#[test]
fn an_mqtt_connect_and_connack_are_dissected_in_their_own_frames() {
    let mut t = Trace::new(1883);
    t.handshake();
    // CONNECT: MQTT 3.1.1 (level 4), clean session, keep-alive 60, client id "c".
    let connect = [
        0x10, 0x0d, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, b'c',
    ];
    let first = t.send(Client, ACK | PSH, 1, 1, &connect);
    assert_eq!(
        text(&first, "wirelab.app.protocol").as_deref(),
        Some("MQTT")
    );
    assert_eq!(layers(&first), [("mqtt", 54..69)]);
    let connack = t.send(Server, ACK | PSH, 1, 16, &[0x20, 0x02, 0x00, 0x00]);
    assert_eq!(layers(&connack), [("mqtt", 54..58)]);
}

// --- UDP ----------------------------------------------------------------------------------------

#[test]
fn a_followed_udp_stream_keeps_its_datagrams_in_the_order_they_came() {
    let mut streams = Streams::new(StreamOptions {
        follow: Some((Proto::Udp, 3)),
        ..StreamOptions::default()
    });
    let server = Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        port: 53,
    };
    let datagram = |frame, src, dst, payload: &'static [u8], stream| UdpDatagram {
        frame_number: frame,
        ts: Timestamp::new(0, 0),
        stream,
        src,
        dst,
        payload,
        payload_offset: 42,
        len: payload.len() as u32,
    };
    let mut d = Dissection::new();
    streams.udp(&datagram(1, CLIENT, server, b"query", 3), &mut d);
    streams.udp(&datagram(2, CLIENT, server, b"other stream", 4), &mut d);
    streams.udp(&datagram(3, server, CLIENT, b"answer", 3), &mut d);
    let followed = streams.followed().expect("followed");
    assert_eq!(followed.nodes, Some([CLIENT, server]));
    let chunks: Vec<_> = followed.records.iter().map(|r| (r.node, r.frame)).collect();
    assert_eq!(chunks, [(0, 1), (1, 3)]);
}
