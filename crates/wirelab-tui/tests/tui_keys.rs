//! What each key does, checked on the App itself (no terminal): moving, opening the tree,
//! filtering, the ladder, stepping, the windows, quitting.

mod common;

use common::{app, key, keys, screen};
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use wirelab_tui::{Overlay, Pane};

#[test]
fn down_and_j_move_to_the_next_packet_and_up_and_k_back() {
    let mut app = app("http-ipv4.pcap");
    assert_eq!(app.selected_frame(), Some(1));
    key(&mut app, KeyCode::Down);
    keys(&mut app, "j");
    assert_eq!(app.selected_frame(), Some(3));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.selected_frame(), Some(2));
    keys(&mut app, "kkk");
    assert_eq!(
        app.selected_frame(),
        Some(1),
        "the first packet is as far up as it goes"
    );
    keys(&mut app, "G");
    assert_eq!(app.selected_frame(), Some(14));
    keys(&mut app, "j");
    assert_eq!(app.selected_frame(), Some(14), "and the last as far down");
}

#[test]
fn tab_moves_through_the_panes_and_shift_tab_back() {
    let mut app = app("http-ipv4.pcap");
    let mut seen = vec![app.focus];
    for _ in 0..6 {
        key(&mut app, KeyCode::Tab);
        seen.push(app.focus);
    }
    assert_eq!(
        seen,
        [
            Pane::List,
            Pane::Tree,
            Pane::Hex,
            Pane::Ladder,
            Pane::Tcp,
            Pane::Tls,
            Pane::List
        ]
    );
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Pane::Tls);
}

#[test]
fn enter_opens_a_protocol_in_the_tree_and_enter_again_closes_it() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(3);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Pane::Tree);
    keys(&mut app, "jjj");
    let closed = screen(&mut app, 80, 24);
    assert!(
        closed.contains("▸ Transmission Control Protocol"),
        "{closed}"
    );
    key(&mut app, KeyCode::Enter);
    let open = screen(&mut app, 80, 24);
    assert!(open.contains("▾ Transmission Control Protocol"), "{open}");
    assert!(open.contains("Source Port: 40080"), "{open}");
    key(&mut app, KeyCode::Enter);
    let closed_again = screen(&mut app, 80, 24);
    assert!(
        !closed_again.contains("Source Port: 40080"),
        "{closed_again}"
    );
}

#[test]
fn an_open_protocol_stays_open_on_the_next_packet() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(3);
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "jjj");
    key(&mut app, KeyCode::Right);
    keys(&mut app, "n");
    let shown = screen(&mut app, 80, 24);
    assert_eq!(app.selected_frame(), Some(4));
    assert!(shown.contains("Source Port: 8000"), "{shown}");
}

#[test]
fn a_filter_typed_after_slash_keeps_only_the_matching_frames() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "/tcp.flags.syn == 1");
    assert_eq!(app.filter_input.as_deref(), Some("tcp.flags.syn == 1"));
    key(&mut app, KeyCode::Enter);
    app.wait_until_loaded();
    assert_eq!(app.visible_len(), 2);
    assert_eq!(app.frame_at(0), Some(3));
    assert_eq!(app.frame_at(1), Some(4));
    let shown = screen(&mut app, 80, 24);
    assert!(
        shown.contains("Packets where tcp.flags.syn == 1 (2 shown)"),
        "{shown}"
    );
    // An empty filter shows every frame again, the selection kept.
    keys(&mut app, "j/");
    for _ in 0.."tcp.flags.syn == 1".len() {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.visible_len(), 14);
    assert_eq!(app.selected_frame(), Some(4));
}

#[test]
fn a_filter_that_does_not_parse_is_refused_with_the_reason() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "/tcp.prot == 1");
    key(&mut app, KeyCode::Enter);
    assert!(app.filter.is_none());
    let message = app.message.clone().unwrap_or_default();
    assert!(message.contains("tcp.prot"), "{message}");
    assert_eq!(app.visible_len(), 14);
}

#[test]
fn escape_in_the_filter_bar_leaves_the_filter_as_it_was() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "/udp");
    key(&mut app, KeyCode::Esc);
    assert!(app.filter_input.is_none());
    assert!(app.filter.is_none());
}

#[test]
fn l_opens_the_ladder_and_n_steps_through_the_same_stream() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(3);
    keys(&mut app, "l");
    assert_eq!(app.focus, Pane::Ladder);
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Ladder: TCP stream 0"), "{shown}");
    keys(&mut app, "nn");
    assert_eq!(app.selected_frame(), Some(5));
    keys(&mut app, "p");
    assert_eq!(app.selected_frame(), Some(4));
}

#[test]
fn c_lists_the_conversations_and_enter_goes_to_the_first_frame_of_one() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "c");
    assert!(matches!(app.overlay, Some(Overlay::Conversations { .. })));
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.selected_frame(), Some(3));
}

#[test]
fn f_on_a_frame_without_tcp_says_what_to_select() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "f");
    assert!(app.overlay.is_none());
    assert!(app.message.as_deref().unwrap_or("").contains("TCP"));
}

#[test]
fn question_mark_shows_the_keys_and_any_key_closes_them() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "?");
    assert!(matches!(app.overlay, Some(Overlay::Help)));
    keys(&mut app, "x");
    assert!(app.overlay.is_none());
}

#[test]
fn q_quits_and_so_does_control_c() {
    let mut app = app("http-ipv4.pcap");
    keys(&mut app, "q");
    assert!(app.quit);
    let mut app = common::app("http-ipv4.pcap");
    app.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

#[test]
fn a_click_on_a_row_of_the_list_selects_that_frame() {
    let mut app = app("http-ipv4.pcap");
    screen(&mut app, 80, 24);
    let list = app.areas.list;
    // The border, the header, then frames 1, 2, 3…
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: list.x + 3,
        row: list.y + 2 + 4,
        modifiers: KeyModifiers::NONE,
    };
    app.handle_mouse(click);
    assert_eq!(app.selected_frame(), Some(5));
}

/// The sample capture's 14 frames written again and again, as pcap, until there are `frames`.
fn long_capture(frames: u64) -> Vec<u8> {
    use wirelab_capture::{CaptureReader, PcapWriter, TsResolution};
    let sample = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../pcaps/http-ipv4.pcap"
    ))
    .expect("the sample capture");
    let mut packets = Vec::new();
    let mut reader = CaptureReader::new(&sample[..]).expect("a pcap");
    while let Some(frame) = reader.next_frame().expect("a good pcap") {
        packets.push((frame.ts, frame.orig_len, frame.bytes.to_vec()));
    }
    let link = wirelab_wire::LinkType::ETHERNET;
    let mut out =
        PcapWriter::new(Vec::new(), link, 65535, TsResolution::Microseconds).expect("pcap header");
    for (ts, len, bytes) in packets.iter().cycle().take(frames as usize) {
        out.write_packet(*ts, *len, bytes).expect("write to memory");
    }
    out.into_inner().expect("the capture")
}

#[test]
fn a_frame_far_ahead_is_read_in_the_background_while_the_screen_says_so() {
    let frames = wirelab_tui::replay::QUICK + 6_000;
    let capture = long_capture(frames);
    let mut app = wirelab_tui::App::new(std::sync::Arc::new(wirelab_tui::EmbeddedCapture::new(
        "long.pcap",
        capture,
    )));
    app.colors = false;
    app.wait_until_loaded();
    assert_eq!(app.visible_len() as u64, frames);
    screen(&mut app, 80, 24);
    keys(&mut app, "G");
    let waiting = screen(&mut app, 80, 24);
    assert_eq!(app.pending_frame(), Some(frames));
    assert!(
        waiting.contains("Reading the trace up to frame"),
        "{waiting}"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while app.pending_frame().is_some() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        app.refresh_detail();
    }
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains(&format!("Frame {frames}: ")), "{shown}");
    // One step back is among the frames the replay kept: no reading again.
    keys(&mut app, "k");
    let back = screen(&mut app, 80, 24);
    assert_eq!(app.pending_frame(), None);
    assert!(back.contains(&format!("Frame {}: ", frames - 1)), "{back}");
}
