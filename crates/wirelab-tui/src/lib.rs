//! The terminal UI of wirelab: a trace's packets, the selected frame's fields with what each
//! means, its bytes, the ladder of its TCP stream, each endpoint's TCP state, the
//! conversations and a followed stream — on a projector, in an 80×24 terminal.
//!
//! ```text
//!  TraceSource (source.rs) ──> index.rs: background pass, one small entry per frame
//!         │                                   │
//!         └──> replay.rs: the selected frame's tree, the ladder, follow, filters (on demand)
//!                 builds.rs: ladder, follow, TLS session (tls_pane.rs) in background jobs
//!                                             │
//!  crossterm events ──> App::handle_key (app.rs, play.rs) ──> App::render (view/) ──> ratatui
//!                       TCP panel: tcp_model.rs (sequence spaces, cwnd/RTT charts)
//! ```
//!
//! `App` holds no terminal: tests drive it with key events and draw it on ratatui's
//! `TestBackend`. [`run`] owns the terminal and always gives it back as it found it.
#![forbid(unsafe_code)]

pub mod app;
mod builds;
pub mod index;
pub mod play;
pub mod replay;
pub mod source;
pub mod source_demo;
pub mod source_live;
pub mod source_pnet;
pub mod tcp_model;
pub mod tls_pane;
pub mod tree;
pub mod view;

pub use app::{App, Overlay, Pane};
pub use source::{CaptureFile, EmbeddedCapture, EventKind, TraceEvent, TraceSource};
pub use source_demo::DemoSource;
pub use source_live::{LiveCapture, LiveFeed};
pub use source_pnet::sniff_interface;

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use std::io;
use std::sync::Arc;

/// Whether colours are wanted: not when `NO_COLOR` is set to anything non-empty
/// (<https://no-color.org>).
pub fn colors_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Run the TUI over `source` until the user quits. The terminal is restored on every way out,
/// a panic included (ratatui's `init` installs a hook for that).
pub fn run(source: Arc<dyn TraceSource>) -> io::Result<()> {
    run_app(App::new(source))
}

/// Run the TUI over an app the caller made (with TLS secrets, say) until the user quits.
pub fn run_app(mut app: App) -> io::Result<()> {
    app.colors = colors_wanted();
    let mut terminal = ratatui::try_init()?;
    let result = execute!(io::stdout(), EnableMouseCapture)
        .and_then(|()| event_loop(&mut app, &mut terminal));
    let _ = execute!(io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}

fn event_loop(app: &mut App, terminal: &mut ratatui::DefaultTerminal) -> io::Result<()> {
    terminal.draw(|frame| app.render(frame))?;
    while !app.quit {
        // While the index or a filter is filling, redraw often for the progress indicator;
        // while playing, as often as the speed asks.
        if event::poll(app.tick_wait())? {
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => app.handle_key(key),
                Event::Mouse(mouse) => app.handle_mouse(mouse),
                // A resize needs nothing but a redraw: every pane is laid out from the size.
                _ => {}
            }
        }
        app.tick(std::time::Instant::now());
        terminal.draw(|frame| app.render(frame))?;
    }
    Ok(())
}
