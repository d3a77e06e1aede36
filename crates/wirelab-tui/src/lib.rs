//! The terminal UI of wirelab: a trace's packets, the selected frame's fields with what each
//! means, its bytes, the ladder of its TCP stream, each endpoint's TCP state, the
//! conversations and a followed stream — on a projector, in an 80×24 terminal.
//!
//! ```text
//!  TraceSource (source.rs) ──> index.rs: background pass, one small entry per frame
//!         │                                   │
//!         └──> replay.rs: the selected frame's tree, the ladder, follow, filters (on demand)
//!                                             │
//!  crossterm events ──> App::handle_key (app.rs) ──> App::render (view.rs) ──> ratatui
//! ```
//!
//! `App` holds no terminal: tests drive it with key events and draw it on ratatui's
//! `TestBackend`. [`run`] owns the terminal and always gives it back as it found it.
#![forbid(unsafe_code)]

pub mod app;
mod badge;
pub mod index;
pub mod replay;
pub mod source;
pub mod tree;
pub mod view;

pub use app::{App, Overlay, Pane};
pub use source::{CaptureFile, EmbeddedCapture, EventKind, TraceEvent, TraceSource};

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use std::io;
use std::sync::Arc;
use std::time::Duration;

/// Whether colours are wanted: not when `NO_COLOR` is set to anything non-empty
/// (<https://no-color.org>).
pub fn colors_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Run the TUI over `source` until the user quits. The terminal is restored on every way out,
/// a panic included (ratatui's `init` installs a hook for that).
pub fn run(source: Arc<dyn TraceSource>) -> io::Result<()> {
    let mut app = App::new(source);
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
        // While the index or a filter is filling, redraw often for the progress indicator.
        let wait = if app.busy() {
            Duration::from_millis(50)
        } else {
            Duration::from_secs(1)
        };
        if event::poll(wait)? {
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => app.handle_key(key),
                Event::Mouse(mouse) => app.handle_mouse(mouse),
                // A resize needs nothing but a redraw: every pane is laid out from the size.
                _ => {}
            }
        }
        terminal.draw(|frame| app.render(frame))?;
    }
    Ok(())
}
