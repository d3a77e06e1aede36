//! The TUI on three lessons of `wirelab demo` (what `wirelab tui --demo NAME` shows), drawn on
//! ratatui's TestBackend: the screens that the chapter "Using wirelab in class"
//! (book/src/using-wirelab-in-class.md) includes from tests/golden/tui-lessons/, so that the
//! book shows what the TUI draws today. `WIRELAB_BLESS=1 cargo test --test tui_lessons`
//! rewrites them when the TUI or a lesson changes on purpose.

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;
use wirelab_tui::{App, DemoSource};

/// The TUI over the lesson `name` with `wirelab demo`'s default parameters, fully loaded,
/// without colours (the text is what the book shows).
fn lesson(name: &str) -> App {
    let source = DemoSource::run(name, &wirelab_demos::Params::default())
        .unwrap_or_else(|e| panic!("the lesson {name} runs: {e}"));
    let mut app = App::new(Arc::new(source));
    app.colors = false;
    app.wait_until_loaded();
    app.refresh_events();
    app
}

fn press(app: &mut App, keys: &str) {
    for key in keys.chars() {
        app.handle_key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE));
    }
}

/// The screen at `width`×`height` once what the app builds in the background (a ladder, the
/// TCP panel) is built, one line per row, trailing spaces removed.
fn screen(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal.draw(|frame| app.render(frame)).expect("drawing");
    app.wait_for_builds();
    terminal.draw(|frame| app.render(frame)).expect("drawing");
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        text.push_str(row.trim_end());
        text.push('\n');
    }
    text
}

/// Compares `shown` with tests/golden/tui-lessons/NAME, or writes it there under
/// `WIRELAB_BLESS=1`.
fn golden(name: &str, shown: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/tui-lessons")
        .join(name);
    if std::env::var_os("WIRELAB_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("a directory")).expect("tests/golden");
        std::fs::write(&path, shown).expect("writing the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; WIRELAB_BLESS=1 creates it. The screen was:\n{shown}",
            path.display()
        )
    });
    assert!(
        expected == shown,
        "{} differs (WIRELAB_BLESS=1 rewrites it).\nexpected:\n{expected}\nshown:\n{shown}",
        path.display()
    );
}

#[test]
fn the_handshake_lesson_draws_its_ladder_with_both_ends_established_after_the_third_segment() {
    let mut app = lesson("tcp-handshake");
    // Frames 1 and 2 are ARP; 3, 4 and 5 are SYN, SYN-ACK and ACK.
    app.select_frame(5);
    press(&mut app, "l");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("SYN-SENT"), "{shown}");
    assert!(shown.contains("ESTABLISHED"), "{shown}");
    golden("tcp-handshake-ladder.txt", &shown);
}

#[test]
fn the_window_lesson_shows_the_receivers_zero_window_in_the_tcp_panel() {
    let mut app = lesson("tcp-window");
    // Frame 13: B's ACK that closes the window (tshark -Y 'tcp.window_size_value == 0' on
    // `wirelab demo tcp-window --pcap FILE` lists 13, 15, 17).
    app.select_frame(13);
    press(&mut app, "s");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("[TCP ZeroWindow]"), "{shown}");
    assert!(
        shown.contains("RCV.WND 0"),
        "B's receive window is closed:\n{shown}"
    );
    golden("tcp-window-zero-window.txt", &shown);
}

#[test]
fn the_congestion_lesson_charts_cwnd_from_the_senders_events() {
    let mut app = lesson("tcp-congestion");
    // Frame 446: a retransmission after the lesson's second loss, with the first one's
    // recovery and the congestion avoidance between them on the chart.
    app.select_frame(446);
    press(&mut app, "s");
    let shown = screen(&mut app, 120, 40);
    assert!(shown.contains("cwnd"), "{shown}");
    golden("tcp-congestion-cwnd.txt", &shown);
}
