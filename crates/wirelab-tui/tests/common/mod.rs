//! What the pane and key tests share: opening a capture from pcaps/, drawing an app on a
//! `TestBackend`, and golden files.
#![allow(dead_code)]

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;
use wirelab_tui::{App, EmbeddedCapture, TraceSource};

/// The path of `pcaps/NAME`.
pub fn pcap_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../pcaps")
        .join(name)
}

/// An app over `pcaps/NAME`, fully loaded, without colours (the text is what is compared).
pub fn app(name: &str) -> App {
    let path = pcap_path(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    app_over(Arc::new(EmbeddedCapture::new(
        format!("pcaps/{name}"),
        bytes,
    )))
}

/// An app over any source, fully loaded, without colours.
pub fn app_over(source: Arc<dyn TraceSource>) -> App {
    let mut app = App::new(source);
    app.colors = false;
    app.wait_until_loaded();
    app.refresh_events();
    app
}

pub fn key(app: &mut App, code: KeyCode) {
    app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Draw the app at `width`×`height` and return the buffer, as the first screen after a key
/// shows it: a ladder, a followed stream or a TLS session may still be building.
pub fn draw_now(app: &mut App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| app.render(frame)).expect("draw");
    terminal.backend().buffer().clone()
}

/// Draw the app at `width`×`height` once what it builds in the background is built.
pub fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    draw_now(app, width, height);
    app.wait_for_builds();
    draw_now(app, width, height)
}

/// The buffer's text, one line per row, trailing spaces removed.
pub fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn screen(app: &mut App, width: u16, height: u16) -> String {
    text(&draw(app, width, height))
}

/// Compare `actual` with tests/golden/NAME; `WIRELAB_BLESS=1` writes it instead.
pub fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("WIRELAB_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with WIRELAB_BLESS=1 to create it. The screen was:\n{actual}",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{} differs (WIRELAB_BLESS=1 rewrites it).\nexpected:\n{expected}\nactual:\n{actual}",
        path.display()
    );
}
