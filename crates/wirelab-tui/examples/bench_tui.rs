//! What `bash scripts/bench.sh tui` times, on a capture file, drawing on ratatui's
//! TestBackend (no terminal needed):
//!
//! ```text
//!  bench_tui first-screen FILE   the time until the first full screen (80×24) shows packets,
//!                                then the time until the whole index is loaded
//!  bench_tui render FILE [N] [KEY]  the time to draw one frame at 200×60 (median of N, 200),
//!                                with the pane KEY opens (`s`: the TCP panel) or the tree
//! ```
//!
//! Each prints one line of `key=value` pairs for the script.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wirelab_tui::{App, CaptureFile};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["first-screen", file] => first_screen(file),
        ["render", file] => render(file, 200, None),
        ["render", file, n, rest @ ..] if rest.len() <= 1 => match n.parse() {
            Ok(n) if n > 0 => render(file, n, rest.first().and_then(|k| k.chars().next())),
            _ => Err(format!("render: N is a count of renders, got `{n}`")),
        },
        _ => Err("usage: bench_tui first-screen FILE | bench_tui render FILE [N] [KEY]".into()),
    };
    if let Err(error) = result {
        eprintln!("bench_tui: {error}");
        std::process::exit(2);
    }
}

fn open(file: &str) -> Result<App, String> {
    let source = CaptureFile::open(file).map_err(|e| format!("{file}: {e}"))?;
    let mut app = App::new(Arc::new(source));
    app.colors = false;
    Ok(app)
}

fn terminal(width: u16, height: u16) -> Result<Terminal<TestBackend>, String> {
    Terminal::new(TestBackend::new(width, height)).map_err(|e| e.to_string())
}

/// As `wirelab tui FILE` starts: the app, then screens until one shows a packet's row.
fn first_screen(file: &str) -> Result<(), String> {
    let start = Instant::now();
    let mut app = open(file)?;
    let mut terminal = terminal(80, 24)?;
    loop {
        terminal
            .draw(|frame| app.render(frame))
            .map_err(|e| e.to_string())?;
        let shows_packets = (0..24u16).any(|y| {
            let buffer = terminal.backend().buffer();
            let row: String = (0..80u16).map(|x| buffer[(x, y)].symbol()).collect();
            row.trim_start_matches(['│', '┃'])
                .trim_start()
                .starts_with("1 ")
        });
        if shows_packets {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            return Err("no packet on the screen after 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let first = start.elapsed();
    app.wait_until_loaded();
    let loaded = start.elapsed();
    println!(
        "first_screen_ms={:.1} loaded_ms={:.1} frames={}",
        first.as_secs_f64() * 1000.0,
        loaded.as_secs_f64() * 1000.0,
        app.visible_len()
    );
    Ok(())
}

/// The whole index loaded, a frame in the middle selected, N draws at 200×60.
fn render(file: &str, n: usize, pane: Option<char>) -> Result<(), String> {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = open(file)?;
    app.wait_until_loaded();
    app.select_row(app.visible_len() / 2);

    let mut terminal = terminal(200, 60)?;
    // The first draw reads the selected frame again (its tree): not a frame's cost.
    while app.pending_frame().is_some() || app.detail.is_none() {
        terminal
            .draw(|frame| app.render(frame))
            .map_err(|e| e.to_string())?;
        std::thread::sleep(Duration::from_millis(5));
    }
    // The tree is read; now the pane asked for (its first draw builds what it caches).
    if let Some(key) = pane {
        app.handle_key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE));
        terminal
            .draw(|frame| app.render(frame))
            .map_err(|e| e.to_string())?;
        app.wait_for_builds();
    }
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        // Move the selection a row each time, as a held arrow key does.
        let row = app.visible_len() / 2 + (i % 2);
        app.select_row(row);
        let start = Instant::now();
        terminal
            .draw(|frame| app.render(frame))
            .map_err(|e| e.to_string())?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "render_median_ms={median:.3} render_min_ms={:.3} render_max_ms={:.3} renders={n}",
        times[0],
        times[times.len() - 1]
    );
    Ok(())
}
