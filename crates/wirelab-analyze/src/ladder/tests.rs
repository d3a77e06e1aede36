//! The ladder built from hand-made frames, and drawn.

use super::model::{Arrow, Endpoint, Ladder, LadderBuilder, LadderError, Transport, MAX_ENDPOINTS};
use super::{render_svg, render_text, TextStyle, MAX_WIDTH};
use crate::Analyzer;
use std::net::{IpAddr, Ipv4Addr};
use wirelab_wire::tcp::{ACK, FIN, PSH, SYN};
use wirelab_wire::{field, Analysis, Dissection, Dissector, Frame, LinkType, Timestamp, Value};

// The sequence and state analyses write these fields; the ladder reads them by name only, so
// a test can write them itself.
field!(
    TEST_RETRANSMISSION,
    "tcp.analysis.retransmission",
    "Retransmission",
    None,
    "test"
);
field!(
    TEST_FAST_RETRANSMISSION,
    "tcp.analysis.fast_retransmission",
    "Fast",
    None,
    "test"
);
field!(
    TEST_DUPLICATE_ACK,
    "tcp.analysis.duplicate_ack",
    "Duplicate ACK",
    None,
    "test"
);
field!(TEST_DUPLICATE_ACK_NUM, "tcp.analysis.duplicate_ack_num", "Dup #", UInt 32, Dec, "test");
field!(
    TEST_ZERO_WINDOW,
    "tcp.analysis.zero_window",
    "Zero window",
    None,
    "test"
);
field!(
    TEST_STATE_SRC,
    "wirelab.tcp.state.src",
    "Sender state",
    Str,
    "test"
);
field!(
    TEST_STATE_DST,
    "wirelab.tcp.state.dst",
    "Receiver state",
    Str,
    "test"
);

const CLIENT: ([u8; 4], u16) = ([10, 99, 0, 1], 40080);
const SERVER: ([u8; 4], u16) = ([10, 99, 0, 2], 8000);

/// One TCP segment in an Ethernet frame (checksums left zero: the ladder does not read them).
struct Segment {
    src: ([u8; 4], u16),
    dst: ([u8; 4], u16),
    seq: u32,
    ack: u32,
    flags: u16,
    window: u16,
    payload: &'static [u8],
}

fn segment(src: ([u8; 4], u16), dst: ([u8; 4], u16), flags: u16) -> Segment {
    Segment {
        src,
        dst,
        seq: 0,
        ack: 0,
        flags,
        window: 64240,
        payload: b"",
    }
}

impl Segment {
    fn numbers(self, seq: u32, ack: u32) -> Segment {
        Segment { seq, ack, ..self }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut bytes = vec![0x02, 0, 0, 0x99, 0, 2, 0x02, 0, 0, 0x99, 0, 1, 0x08, 0x00];
        let total = 20 + 20 + self.payload.len() as u16;
        bytes.extend([
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            1,
            0x40,
            0,
            64,
            6,
            0,
            0,
        ]);
        bytes.extend(self.src.0);
        bytes.extend(self.dst.0);
        bytes.extend(self.src.1.to_be_bytes());
        bytes.extend(self.dst.1.to_be_bytes());
        bytes.extend(self.seq.to_be_bytes());
        bytes.extend(self.ack.to_be_bytes());
        bytes.extend([0x50, self.flags as u8]);
        bytes.extend(self.window.to_be_bytes());
        bytes.extend([0, 0, 0, 0]);
        bytes.extend(self.payload);
        bytes
    }
}

/// Dissect `segments` one after another, a millisecond apart, letting `extra` add fields to
/// frame n (1-based) before the ladder reads it. No analysis runs: the tests write the
/// analysis fields they mean.
fn ladder_of(
    segments: &[Segment],
    stream: Option<u64>,
    extra: impl Fn(u64, &mut Dissection),
) -> Result<Ladder, LadderError> {
    ladder_analysed(segments, stream, &mut NoAnalysis, extra, &[])
}

struct NoAnalysis;

/// Every method of `Analysis` does nothing by default.
impl Analysis for NoAnalysis {}

fn ladder_analysed(
    segments: &[Segment],
    stream: Option<u64>,
    analyzer: &mut dyn Analysis,
    extra: impl Fn(u64, &mut Dissection),
    hidden: &[u64],
) -> Result<Ladder, LadderError> {
    let mut dissector = Dissector::new();
    let mut builder = LadderBuilder::new(stream);
    let mut d = Dissection::without_titles();
    for (number, segment) in (1..).zip(segments) {
        let bytes = segment.bytes();
        let frame = Frame {
            number,
            ts: Timestamp::new(1_700_000_000, number as u32 * 1_000_000),
            link: LinkType::ETHERNET,
            orig_len: bytes.len() as u32,
            bytes: &bytes,
            interface: 0,
        };
        dissector.dissect_with(&frame, &mut d, analyzer);
        extra(number, &mut d);
        if hidden.contains(&number) {
            builder.hidden_frame(&frame, &d);
        } else {
            builder.frame(&frame, &d);
        }
    }
    builder.finish()
}

fn handshake() -> Vec<Segment> {
    vec![
        segment(CLIENT, SERVER, SYN).numbers(1000, 0),
        Segment {
            window: 65160,
            ..segment(SERVER, CLIENT, SYN | ACK).numbers(5000, 1001)
        },
        Segment {
            window: 502,
            ..segment(CLIENT, SERVER, ACK).numbers(1001, 5001)
        },
    ]
}

fn labels(ladder: &Ladder) -> Vec<&str> {
    ladder.arrows.iter().map(|a| a.label.as_str()).collect()
}

#[test]
fn a_handshake_is_three_arrows_labelled_with_relative_numbers() {
    let ladder = ladder_of(&handshake(), None, |_, _| {}).expect("a ladder");
    assert_eq!(
        labels(&ladder),
        [
            "SYN Seq=0 Win=64240",
            "SYN ACK Seq=0 Ack=1 Win=65160",
            "ACK Seq=1 Ack=1 Len=0 Win=502",
        ]
    );
    let columns: Vec<(usize, usize)> = ladder.arrows.iter().map(|a| (a.from, a.to)).collect();
    assert_eq!(
        columns,
        [(0, 1), (1, 0), (0, 1)],
        "the client is on the left"
    );
    assert_eq!(ladder.endpoints[0].to_string(), "10.99.0.1:40080");
    assert_eq!(ladder.arrows[1].seconds(), "0.001000");
}

#[test]
fn data_and_a_close_show_push_fin_and_the_length() {
    let mut segments = handshake();
    segments.push(Segment {
        payload: b"GET / HTTP/1.0\r\n\r\n",
        ..segment(CLIENT, SERVER, PSH | ACK).numbers(1001, 5001)
    });
    segments.push(segment(SERVER, CLIENT, FIN | ACK).numbers(5001, 1019));
    let ladder = ladder_of(&segments, None, |_, _| {}).expect("a ladder");
    assert_eq!(
        &labels(&ladder)[3..],
        [
            "PSH ACK Seq=1 Ack=1 Len=18 Win=64240",
            "FIN ACK Seq=1 Ack=19 Len=0 Win=64240"
        ]
    );
}

#[test]
fn two_programs_on_the_same_address_get_a_column_each() {
    let client = ([127, 0, 0, 1], 50000);
    let server = ([127, 0, 0, 1], 1883);
    let segments = [
        segment(client, server, SYN).numbers(1, 0),
        segment(server, client, SYN | ACK).numbers(9, 2),
    ];
    let ladder = ladder_of(&segments, None, |_, _| {}).expect("a ladder");
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    assert_eq!(
        ladder.endpoints,
        [
            Endpoint {
                addr: localhost,
                port: 50000
            },
            Endpoint {
                addr: localhost,
                port: 1883
            }
        ]
    );
}

#[test]
fn badges_come_from_the_analysis_fields_and_a_fast_retransmission_gets_one() {
    let mut segments = handshake();
    segments.push(segment(CLIENT, SERVER, ACK).numbers(1001, 5001));
    segments.push(segment(CLIENT, SERVER, ACK).numbers(1001, 5001));
    let ladder = ladder_of(&segments, None, |number, d| match number {
        4 => {
            d.add_generated(&TEST_DUPLICATE_ACK, Value::None);
            d.add_generated(&TEST_DUPLICATE_ACK_NUM, Value::UInt(2));
            d.add_generated(&TEST_ZERO_WINDOW, Value::None);
        }
        5 => {
            d.add_generated(&TEST_RETRANSMISSION, Value::None);
            d.add_generated(&TEST_FAST_RETRANSMISSION, Value::None);
        }
        _ => {}
    })
    .expect("a ladder");
    assert_eq!(ladder.arrows[3].badges, ["DUP ACK #2", "ZERO WIN"]);
    assert_eq!(ladder.arrows[4].badges, ["FAST RETRANS"]);
    assert!(ladder.arrows[2].badges.is_empty());
}

#[test]
fn a_state_is_drawn_only_when_it_changes() {
    let states = [
        ("SYN-SENT", "SYN-RECEIVED"),
        ("SYN-RECEIVED", "ESTABLISHED"),
        ("ESTABLISHED", "ESTABLISHED"),
    ];
    let ladder = ladder_of(&handshake(), None, |number, d| {
        let (src, dst) = states[number as usize - 1];
        let src = d.text_value(format_args!("{src}"));
        d.add_generated(&TEST_STATE_SRC, src);
        let dst = d.text_value(format_args!("{dst}"));
        d.add_generated(&TEST_STATE_DST, dst);
    })
    .expect("a ladder");
    let drawn: Vec<(Option<&str>, Option<&str>)> = ladder
        .arrows
        .iter()
        .map(|a| (a.from_state.as_deref(), a.to_state.as_deref()))
        .collect();
    // Frame 2 is the server's: the server was already SYN-RECEIVED, the client moves on.
    assert_eq!(
        drawn,
        [
            (Some("SYN-SENT"), Some("SYN-RECEIVED")),
            (None, Some("ESTABLISHED")),
            (None, Some("ESTABLISHED")),
        ]
    );
}

#[test]
fn the_states_the_analysis_writes_reach_the_margins() {
    let ladder = ladder_analysed(&handshake(), None, &mut Analyzer::default(), |_, _| {}, &[])
        .expect("a ladder");
    let client: Vec<Option<&str>> = ladder
        .arrows
        .iter()
        .map(|a| {
            if a.from == 0 {
                a.from_state.as_deref()
            } else {
                a.to_state.as_deref()
            }
        })
        .collect();
    assert_eq!(client, [Some("SYN-SENT"), Some("ESTABLISHED"), None]);
}

#[test]
fn a_stream_that_does_not_exist_says_how_many_there_are() {
    let error = ladder_of(&handshake(), Some(4), |_, _| {}).expect_err("no stream 4");
    assert_eq!(
        error,
        LadderError::NoSuchStream {
            stream: 4,
            streams: 1
        }
    );
    assert_eq!(
        error.to_string(),
        "there is no TCP stream 4: the trace has one, stream 0"
    );
}

#[test]
fn choosing_a_stream_leaves_the_others_out() {
    let other = ([10, 99, 0, 1], 40081);
    let mut segments = handshake();
    segments.insert(1, segment(other, SERVER, SYN).numbers(7, 0));
    let ladder = ladder_of(&segments, Some(0), |_, _| {}).expect("a ladder");
    assert_eq!(ladder.arrows.len(), 3);
    assert_eq!(ladder.endpoints.len(), 2);
    assert_eq!(ladder.not_drawn.other_streams, 1);
    assert_eq!(ladder.tcp_streams, 2);
}

#[test]
fn hidden_segments_between_two_arrows_leave_a_gap_and_the_client_stays_left() {
    let mut segments = handshake();
    segments.push(segment(CLIENT, SERVER, ACK).numbers(1001, 5001));
    let ladder =
        ladder_analysed(&segments, None, &mut NoAnalysis, |_, _| {}, &[1, 3]).expect("a ladder");
    let frames: Vec<(u64, bool)> = ladder
        .arrows
        .iter()
        .map(|a| (a.frame, a.gap_before))
        .collect();
    // Frame 1 hidden before any arrow is no gap; frame 3 between frames 2 and 4 is.
    assert_eq!(frames, [(2, false), (4, true)]);
    assert_eq!(
        ladder.endpoints[0].port, 40080,
        "the SYN's sender is on the left"
    );
    assert_eq!(ladder.not_drawn.hidden, 2);
    let text = render_text(&ladder, "gap", TextStyle::default()).expect("fits");
    assert!(text.contains("┆"), "{text}");
}

#[test]
fn too_many_endpoints_is_an_error_that_suggests_a_stream() {
    let segments: Vec<Segment> = (0..4)
        .map(|i| segment(([10, 0, 0, i], 1000), ([10, 0, 1, i], 80), SYN))
        .collect();
    let error = ladder_of(&segments, None, |_, _| {}).expect_err("8 endpoints");
    assert!(error.to_string().contains("--stream N (0 to 3)"), "{error}");
}

#[test]
fn a_port_scan_of_thousands_of_endpoints_is_refused_with_their_count() {
    let segments: Vec<Segment> = (0..3000u16)
        .map(|port| segment(([10, 0, 0, 1], 40000), ([10, 0, 0, 2], port), SYN))
        .collect();
    let error = ladder_of(&segments, None, |_, _| {}).expect_err("3001 endpoints");
    assert!(
        matches!(
            error,
            LadderError::TooManyEndpoints {
                endpoints: 3001,
                limit: MAX_ENDPOINTS,
                ..
            }
        ),
        "{error}"
    );
}

// --- Drawing -----------------------------------------------------------------------------------

fn drawn_handshake() -> Ladder {
    // (sender, receiver) after each segment; "" for no state field.
    let states = [
        ("SYN-SENT", "SYN-RECEIVED"),
        ("", "ESTABLISHED"),
        ("", "ESTABLISHED"),
    ];
    ladder_of(&handshake(), None, |number, d| {
        let (src, dst) = states[number as usize - 1];
        let src = d.text_value(format_args!("{src}"));
        d.add_generated(&TEST_STATE_SRC, src);
        let dst = d.text_value(format_args!("{dst}"));
        d.add_generated(&TEST_STATE_DST, dst);
    })
    .expect("a ladder")
}

#[test]
fn the_text_puts_each_state_in_its_endpoints_margin() {
    let text = render_text(&drawn_handshake(), "handshake", TextStyle::default()).expect("fits");
    let lines: Vec<&str> = text.lines().collect();
    let syn = lines.iter().find(|l| l.starts_with("1 ")).expect("frame 1");
    assert!(syn.contains("SYN-SENT ├"), "{text}");
    assert!(syn.ends_with(">│ SYN-RECEIVED"), "{text}");
    let syn_ack = lines.iter().find(|l| l.starts_with("2 ")).expect("frame 2");
    assert!(syn_ack.contains("ESTABLISHED │<"), "{text}");
    assert!(text.contains("SYN ACK Seq=0 Ack=1 Win=65160"), "{text}");
}

#[test]
fn the_text_fits_the_width_asked_for_and_wraps_long_labels() {
    let ladder = drawn_handshake();
    for width in [52, 60, 80, 132] {
        let style = TextStyle {
            width,
            ascii: false,
        };
        let text = render_text(&ladder, "handshake", style).expect("fits");
        for line in text.lines() {
            assert!(line.chars().count() <= width, "{width}: {line}");
        }
        assert!(
            text.contains("Win=65160"),
            "nothing is lost at {width}:\n{text}"
        );
    }
    let narrow = TextStyle {
        width: 52,
        ascii: false,
    };
    let text = render_text(&ladder, "handshake", narrow).expect("fits");
    // 14 columns between the lifelines leave 11 for "SYN ACK Seq=0 Ack=1 Win=65160".
    assert!(text.contains("│   SYN ACK   │"), "{text}");
    assert!(text.contains("│ Seq=0 Ack=1 │"), "{text}");
    assert!(text.contains("│  Win=65160  │"), "{text}");
}

#[test]
fn a_width_beyond_the_limit_is_drawn_at_the_limit() {
    let style = TextStyle {
        width: 1_000_000_000,
        ascii: false,
    };
    let text = render_text(&drawn_handshake(), "wide", style).expect("fits");
    let widest = text.lines().map(|line| line.chars().count()).max();
    assert_eq!(widest, Some(MAX_WIDTH), "{text}");
}

#[test]
fn a_width_too_small_for_the_columns_is_refused() {
    let style = TextStyle {
        width: 30,
        ascii: false,
    };
    let error = render_text(&drawn_handshake(), "handshake", style).expect_err("too narrow");
    assert_eq!(error.width, 30);
    assert!(error.needed > 30);
}

#[test]
fn the_ascii_fallback_has_no_other_characters() {
    let style = TextStyle {
        width: 80,
        ascii: true,
    };
    let text = render_text(&drawn_handshake(), "handshake", style).expect("fits");
    assert!(text.is_ascii(), "{text}");
    assert!(text.contains("+------"), "{text}");
}

#[test]
fn badges_are_written_into_the_arrow() {
    let mut ladder = drawn_handshake();
    ladder.arrows[2].badges = vec!["DUP ACK #1".to_string()];
    let text = render_text(&ladder, "badges", TextStyle::default()).expect("fits");
    let line = text.lines().find(|l| l.starts_with("3 ")).expect("frame 3");
    assert!(line.contains("─ DUP ACK #1 ─"), "{text}");
}

#[test]
fn an_empty_trace_says_there_is_nothing_to_draw() {
    let text = render_text(&Ladder::default(), "empty", TextStyle::default()).expect("fits");
    assert_eq!(text, "empty\nNo TCP segments or UDP datagrams to draw.\n");
}

#[test]
fn the_svg_escapes_text_from_the_trace() {
    let mut ladder = drawn_handshake();
    ladder.arrows.push(Arrow {
        label: "UDP <script> & \"quotes\"".to_string(),
        transport: Transport::Udp,
        badges: Vec::new(),
        from_state: None,
        to_state: None,
        gap_before: true,
        ..ladder.arrows[0].clone()
    });
    let svg = render_svg(&ladder, "a <title> & more", TextStyle::default());
    assert!(svg.starts_with("<?xml"));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("a &lt;title&gt; &amp; more"));
    assert!(svg.contains("UDP &lt;script&gt;"));
    assert!(!svg.contains("<script>"));
    assert!(svg.contains(">SYN-SENT</text>"));
    let opened = svg.matches("<text").count();
    assert_eq!(opened, svg.matches("</text>").count());
}

#[test]
fn the_row_painter_counts_each_arrow_s_rows_as_it_draws_them() {
    let mut ladder = drawn_handshake();
    ladder.arrows[1].gap_before = true;
    ladder.arrows[2].badges = vec!["DUP ACK #1".to_string(), "WINDOW UPDATE".to_string()];
    // A third endpoint puts a state in the middle, on a row of its own.
    ladder.endpoints.push(Endpoint {
        addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 3)),
        port: 9,
    });
    ladder.arrows.push(Arrow {
        to: 2,
        from_state: Some("FIN-WAIT-1".to_string()),
        ..ladder.arrows[0].clone()
    });
    let mut summary = super::ArrowSummary::default();
    ladder.arrows.iter().for_each(|arrow| summary.add(arrow));
    assert_eq!(summary.arrows(), 4);
    for width in [62, 80, 132, 200] {
        let style = TextStyle {
            width,
            ascii: false,
        };
        let painter = super::RowPainter::new(&ladder, &summary, style)
            .expect("fits")
            .expect("endpoints");
        for arrow in &ladder.arrows {
            let rows = painter.rows(arrow);
            assert_eq!(painter.row_count(arrow), rows.len(), "{width}: {rows:#?}");
        }
    }
}

#[test]
fn arrows_taken_after_each_frame_are_the_arrows_a_kept_ladder_has() {
    let kept = ladder_of(&handshake(), None, |_, _| {}).expect("a ladder");
    let mut dissector = Dissector::new();
    let mut builder = LadderBuilder::new(None);
    let mut d = Dissection::without_titles();
    let mut taken = Vec::new();
    for (number, segment) in (1..).zip(handshake()) {
        let bytes = segment.bytes();
        let frame = Frame {
            number,
            ts: Timestamp::new(1_700_000_000, number as u32 * 1_000_000),
            link: LinkType::ETHERNET,
            orig_len: bytes.len() as u32,
            bytes: &bytes,
            interface: 0,
        };
        dissector.dissect_with(&frame, &mut d, &mut NoAnalysis);
        builder.frame(&frame, &d);
        taken.extend(builder.take_arrows());
    }
    let rest = builder.finish().expect("a ladder");
    assert!(rest.arrows.is_empty());
    assert_eq!(taken, kept.arrows);
    assert_eq!(rest.endpoints, kept.endpoints);
}
