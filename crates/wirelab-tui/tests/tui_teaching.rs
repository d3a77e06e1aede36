//! The panes for teaching: the TCP panel's sequence-space bars and charts (from a demo's
//! stack events, and estimated from a capture), the narration line of a demo, the TLS pane
//! with and without a key log, and the keys that walk through a lesson (n/p, space, +/-).

mod common;

use common::{app, app_over, draw_now, golden, key, keys, pcap_path, screen};
use ratatui::crossterm::event::KeyCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wirelab_tui::{App, DemoSource, EventKind, Pane, TraceSource};

/// An app over the lesson `name` with its default parameters.
fn demo(name: &str) -> App {
    let source = DemoSource::run(name, &wirelab_demos::Params::default()).expect("the lesson runs");
    app_over(Arc::new(source))
}

/// The first frame of the app's TCP stream 0 that is neither ARP nor the SYN.
fn first_tcp_frame(app: &App) -> u64 {
    let index = wirelab_tui::index::lock(&app.index);
    index
        .tcp_streams
        .first()
        .and_then(|frames| frames.get(2).copied())
        .map(u64::from)
        .expect("the trace has a TCP stream of three segments or more")
}

#[test]
fn the_tcp_panel_of_a_lossy_demo_charts_cwnd_and_rtt_from_the_stacks_events() {
    let mut app = demo("tcp-loss");
    assert!(
        app.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Tcp { .. })),
        "the demo reports its stacks' events"
    );
    let frame = first_tcp_frame(&app) + 6;
    app.select_frame(frame);
    keys(&mut app, "s");
    let shown = screen(&mut app, 160, 44);
    assert!(shown.contains("from the stack's events"), "{shown}");
    assert!(shown.contains("SND.UNA"), "{shown}");
    assert!(shown.contains("RCV.WND"), "{shown}");
    assert!(shown.contains("cwnd"), "{shown}");
    assert!(shown.contains("SRTT"), "{shown}");
    golden("demo-tcp-loss-tcp-panel.txt", &shown);
}

#[test]
fn the_tcp_panel_of_a_capture_says_its_charts_are_estimated_from_the_capture() {
    let mut app = app("tcp-lossy.pcap");
    app.select_frame(40);
    keys(&mut app, "s");
    let shown = screen(&mut app, 160, 44);
    assert!(shown.contains("estimated from the capture"), "{shown}");
    assert!(shown.contains("in flight ≈ cwnd"), "{shown}");
    assert!(shown.contains("SRTT"), "{shown}");
    golden("tcp-lossy-tcp-panel-chart.txt", &shown);
}

#[test]
fn at_80_by_24_the_tcp_panel_keeps_its_four_bars_and_leaves_the_chart_out() {
    let mut app = app("tcp-lossy.pcap");
    app.select_frame(10);
    keys(&mut app, "s");
    let shown = screen(&mut app, 80, 24);
    for bar in ["A send", "B receive", "B send", "A receive"] {
        assert!(shown.contains(bar), "{bar} missing:\n{shown}");
    }
    assert!(!shown.contains("SRTT"), "{shown}");
    assert!(shown.lines().all(|l| l.chars().count() <= 80), "{shown}");
}

#[test]
fn the_send_space_of_the_lossy_sender_after_frame_10_has_7240_bytes_in_flight() {
    let app = app("tcp-lossy.pcap");
    let index = wirelab_tui::index::lock(&app.index);
    let [a, b] = wirelab_tui::tcp_model::sides_at(&index, 0, 10);
    let send = a.send.expect("A has sent");
    // The handshake's SYN took 1; A then sent 7240 bytes that B has not acknowledged yet.
    assert_eq!((send.una, send.nxt), (1, 7241));
    assert_eq!(send.wnd, 65160, "B's last advertised window");
    let receive = b.receive.expect("B has acknowledged");
    assert_eq!(receive.nxt, 1);
    assert_eq!(a.state.as_deref(), Some("ESTABLISHED"));
}

#[test]
fn the_sides_from_a_checkpoint_are_the_sides_from_the_first_segment() {
    use wirelab_tui::tcp_model::{sides_at, sides_from, Checkpoints};
    let app = app("tcp-lossy.pcap");
    let index = wirelab_tui::index::lock(&app.index);
    let checkpoints = Checkpoints::every(&index, 0, 7);
    for frame in [1, 3, 10, 11, 40, 100, 283, 284] {
        assert_eq!(
            sides_from(&index, 0, frame, &checkpoints),
            sides_at(&index, 0, frame),
            "after frame {frame}"
        );
    }
}

#[test]
fn the_narration_line_shows_the_step_of_the_selected_frame_and_its_events() {
    let mut app = demo("tcp-handshake");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Step 1/"), "{shown}");
    golden("demo-tcp-handshake-narration.txt", &shown);
}

#[test]
fn n_and_p_go_from_step_to_step_of_a_demo_and_from_packet_to_packet_of_a_capture() {
    let mut app = demo("tcp-handshake");
    let starts: Vec<u64> = {
        let mut before = 0;
        let mut starts = Vec::new();
        for e in app.events.iter().filter(|e| e.kind == EventKind::Narration) {
            if e.after_frame > before {
                starts.push(before + 1);
            }
            before = before.max(e.after_frame);
        }
        starts
    };
    assert!(starts.len() >= 3, "{starts:?}");
    assert_eq!(app.selected_frame(), Some(1));
    keys(&mut app, "n");
    assert_eq!(app.selected_frame(), Some(starts[1]));
    keys(&mut app, "n");
    assert_eq!(app.selected_frame(), Some(starts[2]));
    keys(&mut app, "p");
    assert_eq!(app.selected_frame(), Some(starts[1]));

    let mut capture = app_over_http();
    keys(&mut capture, "nn");
    assert_eq!(capture.selected_frame(), Some(3));
}

fn app_over_http() -> App {
    app("http-ipv4.pcap")
}

#[test]
fn space_plays_one_step_a_tick_and_pauses_again() {
    let mut app = demo("tcp-handshake");
    let start = Instant::now();
    key(&mut app, KeyCode::Char(' '));
    assert!(app.playback.playing);
    app.tick(start);
    let after_one = app.selected_frame();
    assert!(after_one > Some(1), "{after_one:?}");
    // Not yet a second later at 1×: nothing moves.
    app.tick(start + Duration::from_millis(500));
    assert_eq!(app.selected_frame(), after_one);
    app.tick(start + Duration::from_millis(1000));
    assert!(app.selected_frame() > after_one);
    key(&mut app, KeyCode::Char(' '));
    assert!(!app.playback.playing);
    let paused = app.selected_frame();
    app.tick(start + Duration::from_secs(5));
    assert_eq!(app.selected_frame(), paused);
}

#[test]
fn playing_stops_at_the_last_frame_of_a_capture() {
    let mut app = app_over_http();
    key(&mut app, KeyCode::Char(' '));
    let start = Instant::now();
    for second in 0..20 {
        app.tick(start + Duration::from_secs(second));
    }
    assert_eq!(app.selected_frame(), Some(14));
    assert!(!app.playback.playing);
}

#[test]
fn plus_and_minus_change_the_speed_from_a_quarter_to_eight_times_shown_in_the_status_line() {
    let mut app = demo("tcp-handshake");
    assert!(screen(&mut app, 80, 24).contains("❚❚ 1×"));
    keys(&mut app, "++");
    assert!(screen(&mut app, 80, 24).contains("❚❚ 4×"));
    keys(&mut app, "++++");
    assert_eq!(app.playback.speed_text(), "8×", "8× is the fastest");
    keys(&mut app, "--------");
    assert_eq!(app.playback.speed_text(), "0.25×", "0.25× the slowest");
    key(&mut app, KeyCode::Char(' '));
    assert!(screen(&mut app, 80, 24).contains("▶ 0.25×"));
    assert_eq!(app.playback.interval(), Duration::from_secs(4));
}

#[test]
fn t_opens_the_tls_pane_and_s_the_tcp_panel() {
    let mut app = app("tls-ecdhe.pcap");
    app.select_frame(6);
    keys(&mut app, "t");
    assert_eq!(app.focus, Pane::Tls);
    keys(&mut app, "s");
    assert_eq!(app.focus, Pane::Tcp);
}

#[test]
fn the_tls_pane_with_the_key_log_lists_the_handshake_and_the_master_secret() {
    let mut app = app("tls-ecdhe.pcap");
    let keylog = std::fs::read_to_string(pcap_path("tls/tls-ecdhe.keylog")).expect("key log");
    app.secrets.keylog = Some(Arc::new(
        wirelab_tls::keylog::KeyLog::parse(&keylog).expect("a good key log"),
    ));
    app.select_frame(6);
    keys(&mut app, "t");
    let shown = screen(&mut app, 120, 60);
    for text in [
        "Client Hello",
        "Server Hello",
        "Cipher Suite: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "subject CN=wirelab.test",
        "Named Curve: x25519",
        "Client Key Exchange",
        "Verify Data:",
        "Master secret:",
    ] {
        assert!(shown.contains(text), "{text} missing:\n{shown}");
    }
    golden("tls-ecdhe-tls-pane.txt", &shown);
}

#[test]
fn the_tls_pane_without_a_key_log_says_how_to_give_one() {
    let mut app = app("tls-ecdhe.pcap");
    app.select_frame(6);
    keys(&mut app, "t");
    let shown = screen(&mut app, 100, 40);
    assert!(shown.contains("Client Hello"), "{shown}");
    assert!(shown.contains("--tls-keylog"), "{shown}");
    assert!(!shown.contains("Master secret"), "{shown}");
}

#[test]
fn the_tls_pane_of_a_tls_demo_shows_the_master_secret_from_the_lessons_own_key_log() {
    let lesson = wirelab_demos::run_lesson("tls-ecdhe", &wirelab_demos::Params::default())
        .expect("the lesson runs");
    let keylog = lesson.keylog.clone().expect("a TLS lesson logs its keys");
    let source = DemoSource::from_lesson(&lesson);
    assert_eq!(source.tls_keylog(), Some(keylog.clone()));
    // The app takes the key log from the source: no --tls-keylog, no secrets set by hand.
    let mut app = app_over(Arc::new(source));
    // The TLS stream is the lesson's only TCP stream; its fourth segment is the ClientHello.
    let client_hello = {
        let index = wirelab_tui::index::lock(&app.index);
        let stream = index.tcp_streams.first().expect("one TCP stream");
        u64::from(*stream.get(3).expect("the ClientHello after the handshake"))
    };
    app.select_frame(client_hello);
    keys(&mut app, "t");
    assert_eq!(app.focus, Pane::Tls);
    let shown = screen(&mut app, 120, 60);
    assert!(shown.contains("Client Hello"), "{shown}");
    assert!(
        shown.contains("Secrets (from the key log"),
        "the pane says where its secrets come from:\n{shown}"
    );
    // The key log's line is `CLIENT_RANDOM <client random> <master secret>`, both in hex.
    let master_secret = keylog
        .lines()
        .find_map(|line| line.strip_prefix("CLIENT_RANDOM "))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .expect("a CLIENT_RANDOM line");
    // The pane may cut the long hex at its right edge: compare what fits.
    let shown_secret = shown
        .lines()
        .find_map(|line| line.split_once("Master secret: "))
        .map(|(_, rest)| {
            rest.split(|c: char| !c.is_ascii_hexdigit())
                .next()
                .unwrap_or("")
        })
        .unwrap_or_else(|| panic!("no master secret line:\n{shown}"));
    assert!(shown_secret.len() >= 16, "{shown}");
    assert!(
        master_secret.starts_with(shown_secret),
        "{shown_secret} is not the lesson's {master_secret}"
    );
}

#[test]
fn a_capture_file_carries_no_key_log_of_its_own() {
    let app = app("tls-ecdhe.pcap");
    assert!(app.source.tls_keylog().is_none());
    assert!(app.secrets.keylog.is_none());
}

#[test]
fn follow_opens_at_once_and_fills_when_the_stream_is_built() {
    let mut app = app_over_http();
    app.select_frame(6);
    keys(&mut app, "f");
    let first = common::text(&draw_now(&mut app, 80, 24));
    assert!(
        first.contains("Building") || first.contains("GET /"),
        "{first}"
    );
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("GET /"), "{shown}");
}

#[test]
fn no_pane_overflows_or_panics_at_any_size_from_one_cell_up() {
    let mut app = demo("tcp-loss");
    let frame = first_tcp_frame(&app);
    app.select_frame(frame);
    for pane in ["", "l", "s", "t"] {
        keys(&mut app, pane);
        for width in [1, 2, 10, 40, 59, 60, 61, 80, 100, 200] {
            for height in [1, 2, 5, 15, 16, 17, 20, 24, 60] {
                let shown = screen(&mut app, width, height);
                assert_eq!(shown.lines().count(), usize::from(height));
                assert!(shown
                    .lines()
                    .all(|l| l.chars().count() <= usize::from(width)));
            }
        }
        key(&mut app, KeyCode::Esc);
    }
}

/// The sample capture, as a live source would give it: `is_live` says frames may still come.
struct PretendLive(wirelab_tui::EmbeddedCapture);

impl wirelab_tui::TraceSource for PretendLive {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn size(&self) -> Option<u64> {
        None
    }
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        self.0.open()
    }
    fn is_live(&self) -> bool {
        true
    }
}

#[test]
fn on_a_live_source_end_and_shift_f_follow_the_newest_frame_and_stop_following_it() {
    let bytes = std::fs::read(pcap_path("http-ipv4.pcap")).expect("the sample capture");
    let live = PretendLive(wirelab_tui::EmbeddedCapture::new("live", bytes));
    let mut app = app_over(Arc::new(live));
    assert_eq!(app.selected_frame(), Some(1));
    key(&mut app, KeyCode::End);
    assert!(app.playback.follow_newest);
    assert_eq!(app.selected_frame(), Some(14));
    assert!(screen(&mut app, 80, 24).contains("following newest"));
    keys(&mut app, "k");
    app.tick(Instant::now());
    assert_eq!(
        app.selected_frame(),
        Some(14),
        "following keeps the newest selected"
    );
    keys(&mut app, "F");
    assert!(!app.playback.follow_newest);
    keys(&mut app, "k");
    app.tick(Instant::now());
    assert_eq!(app.selected_frame(), Some(13));
}

#[test]
fn in_the_ladder_of_a_demo_n_and_p_keep_stepping_through_the_stream_not_the_steps() {
    let mut app = demo("tcp-handshake");
    app.select_frame(3); // A's SYN
    keys(&mut app, "l");
    keys(&mut app, "n");
    assert_eq!(
        app.selected_frame(),
        Some(4),
        "the SYN-ACK, the stream's next segment"
    );
    keys(&mut app, "p");
    assert_eq!(app.selected_frame(), Some(3));
}
