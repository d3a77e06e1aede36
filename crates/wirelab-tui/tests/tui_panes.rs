//! Snapshot tests of each pane, drawn on ratatui's TestBackend at 80×24 (the smallest
//! classroom terminal) and wider, from captures in pcaps/.

mod common;

use common::{app, draw, golden, key, keys, screen};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;

#[test]
fn the_first_screen_of_the_http_capture_shows_the_list_the_tree_and_the_bytes() {
    let mut app = app("http-ipv4.pcap");
    golden("http-ipv4-first-screen.txt", &screen(&mut app, 80, 24));
}

#[test]
fn the_tcp_header_of_the_syn_opens_with_enter_and_explains_the_selected_field() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(3); // the SYN; frames 1 and 2 are ARP
    key(&mut app, KeyCode::Enter); // list → tree
                                   // Rows: frame, Ethernet, IPv4, TCP.
    keys(&mut app, "jjj");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "jj");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("▾ Transmission Control Protocol"), "{shown}");
    golden("http-ipv4-tcp-open.txt", &shown);
}

#[test]
fn the_bytes_of_the_selected_field_are_shown_in_reverse_video() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(3);
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "jjj");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "j"); // tcp.srcport, bytes 34..36 of the frame
    let buffer = draw(&mut app, 120, 30);
    let hex = app.areas.hex;
    let reversed: Vec<String> = (hex.y..hex.y + hex.height)
        .flat_map(|y| (hex.x..hex.x + hex.width).map(move |x| (x, y)))
        .filter(|&(x, y)| buffer[(x, y)].modifier.contains(Modifier::REVERSED))
        .map(|(x, y)| buffer[(x, y)].symbol().to_string())
        .collect();
    let shown = common::text(&buffer);
    assert!(shown.contains("Source Port:"), "{shown}");
    // Port 40080 is 0x9c90: two bytes, as hex digits and as (unprintable) ASCII.
    assert_eq!(reversed.concat(), "9c90..", "{shown}");
}

#[test]
fn the_ladder_of_the_http_stream_has_the_handshake_and_the_endpoint_states() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(3);
    key(&mut app, KeyCode::Char('l'));
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("SYN-SENT"), "{shown}");
    golden("http-ipv4-ladder.txt", &shown);
}

#[test]
fn the_tcp_panel_of_the_lossy_stream_shows_both_sides_after_the_selected_frame() {
    let mut app = app("tcp-lossy.pcap");
    app.select_frame(10);
    key(&mut app, KeyCode::Char('s'));
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("ESTABLISHED"), "{shown}");
    golden("tcp-lossy-tcp-panel.txt", &shown);
}

#[test]
fn a_wide_terminal_shows_the_ladder_and_the_tcp_panel_side_by_side() {
    let mut app = app("tcp-lossy.pcap");
    app.select_frame(10);
    key(&mut app, KeyCode::Char('l'));
    golden("tcp-lossy-ladder-wide.txt", &screen(&mut app, 160, 40));
}

#[test]
fn the_lossy_capture_lists_its_retransmissions_with_badges() {
    let mut app = app("tcp-lossy.pcap");
    app.apply_filter("tcp.analysis.retransmission");
    app.wait_until_loaded();
    let shown = screen(&mut app, 160, 40);
    let rows: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with('┃') && l.contains(" TCP "))
        .collect();
    assert!(!rows.is_empty(), "{shown}");
    assert!(rows.iter().all(|row| row.contains("RETRANS")), "{shown}");
    golden("tcp-lossy-list-wide.txt", &shown);
}

#[test]
fn the_conversations_window_lists_the_tcp_stream() {
    let mut app = app("http-ipv4.pcap");
    key(&mut app, KeyCode::Char('c'));
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("TCP 0"), "{shown}");
    golden("http-ipv4-conversations.txt", &shown);
}

#[test]
fn following_the_http_stream_shows_the_request_and_the_response() {
    let mut app = app("http-ipv4.pcap");
    app.select_frame(6);
    key(&mut app, KeyCode::Char('f'));
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("GET /"), "{shown}");
    assert!(shown.contains("    HTTP/1."), "{shown}");
    golden("http-ipv4-follow.txt", &shown);
}

#[test]
fn the_help_window_lists_the_keys() {
    let mut app = app("http-ipv4.pcap");
    key(&mut app, KeyCode::Char('?'));
    golden("help.txt", &screen(&mut app, 80, 24));
}

#[test]
fn a_terminal_too_small_says_how_big_it_must_be() {
    let mut app = app("http-ipv4.pcap");
    let shown = screen(&mut app, 40, 10);
    assert!(shown.contains("40×10"), "{shown}");
    assert!(shown.contains("60×16"), "{shown}");
}

#[test]
fn resizing_redraws_every_pane_at_the_new_size() {
    let mut app = app("http-ipv4.pcap");
    let small = screen(&mut app, 80, 24);
    let big = screen(&mut app, 140, 40);
    let small_again = screen(&mut app, 80, 24);
    assert_eq!(small, small_again);
    assert_eq!(big.lines().count(), 40);
    assert!(big.lines().any(|l| l.chars().count() > 100), "{big}");
}

#[test]
fn without_colours_no_cell_has_a_colour_but_the_selection_still_shows() {
    let mut app = app("tcp-lossy.pcap"); // colours off, as NO_COLOR asks
    app.select_frame(32);
    let buffer = draw(&mut app, 120, 30);
    let coloured = buffer
        .content
        .iter()
        .filter(|cell| {
            cell.fg != ratatui::style::Color::Reset || cell.bg != ratatui::style::Color::Reset
        })
        .count();
    assert_eq!(coloured, 0);
    assert!(buffer
        .content
        .iter()
        .any(|cell| cell.modifier.contains(Modifier::REVERSED)));
}
