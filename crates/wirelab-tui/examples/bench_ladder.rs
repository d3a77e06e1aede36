//! What opening the ladder (`l`) of a capture's stream costs, drawing on ratatui's
//! TestBackend (no terminal needed):
//!
//! ```text
//!  bench_ladder FILE first|last   the whole index loaded, the last frame's stream's first
//!                                 (or last) segment selected,
//!                                 `l` pressed: the time until the ladder is drawn, then the
//!                                 time of one more draw (the ladder kept)
//!  bench_ladder FILE first|last --no-ladder
//!                                 the same without `l`: what the rest of the TUI costs
//!  … --size WxH                   the terminal's size (200x60; from 120 columns on, the TCP
//!                                 panel is drawn beside the ladder)
//! ```
//!
//! Run it under `/usr/bin/time -v` for the peak memory. It prints one line of `key=value`
//! pairs.

use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::sync::Arc;
use std::time::{Duration, Instant};
use wirelab_tui::{App, CaptureFile};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(error) = run(&args) {
        eprintln!("bench_ladder: {error}");
        std::process::exit(2);
    }
}

const USAGE: &str = "usage: bench_ladder FILE first|last [--no-ladder] [--size WxH]";

fn run(args: &[String]) -> Result<(), String> {
    let (Some(file), Some(which)) = (args.first(), args.get(1)) else {
        return Err(USAGE.into());
    };
    let last = match which.as_str() {
        "first" => false,
        "last" => true,
        _ => return Err(USAGE.into()),
    };
    let mut ladder = true;
    let (mut width, mut height) = (200u16, 60u16);
    let mut rest = args.iter().skip(2);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--no-ladder" => ladder = false,
            "--size" => {
                let size = rest.next().ok_or("--size needs WxH")?;
                let (w, h) = size.split_once('x').ok_or("--size wants WxH, as 100x40")?;
                width = w.parse().map_err(|_| format!("--size: bad width `{w}`"))?;
                height = h.parse().map_err(|_| format!("--size: bad height `{h}`"))?;
            }
            other => return Err(format!("unknown option `{other}`; {USAGE}")),
        }
    }
    open_ladder(file, last, ladder, (width, height))
}

/// The text on the screen, row by row.
fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn open_ladder(file: &str, last: bool, ladder: bool, size: (u16, u16)) -> Result<(), String> {
    let start = Instant::now();
    let source = CaptureFile::open(file).map_err(|e| format!("{file}: {e}"))?;
    let mut app = App::new(Arc::new(source));
    app.colors = false;
    app.wait_until_loaded();
    let loaded = start.elapsed();
    let rows = app.visible_len();
    if last {
        app.select_row(rows.saturating_sub(1));
    } else {
        // The first segment of the last frame's stream (in an iperf3 capture, the data
        // stream; the control stream and ARP come first).
        app.select_row(rows.saturating_sub(1));
        let stream = app.selected_stream();
        let mut row = 0;
        app.select_row(row);
        while app.selected_stream() != stream && row + 1 < rows {
            row += 1;
            app.select_row(row);
        }
    }
    let mut terminal =
        Terminal::new(TestBackend::new(size.0, size.1)).map_err(|e| e.to_string())?;
    // The selected frame's tree first: reading it is not the ladder's cost.
    while app.pending_frame().is_some() || app.detail.is_none() {
        terminal
            .draw(|frame| app.render(frame))
            .map_err(|e| e.to_string())?;
        std::thread::sleep(Duration::from_millis(5));
    }
    let frame = app.selected_frame().unwrap_or(0);
    if !ladder {
        println!(
            "frame={frame} loaded_ms={:.1}",
            loaded.as_secs_f64() * 1000.0
        );
        return Ok(());
    }
    let opened = Instant::now();
    app.handle_key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE));
    loop {
        terminal
            .draw(|frame| app.render(frame))
            .map_err(|e| e.to_string())?;
        let text = screen_text(&terminal);
        if app.ladder_building().is_none() && text.contains("Ladder: TCP stream") {
            if !text.contains(&format!("\n{frame} ")) && !text.contains(&format!(" {frame} ")) {
                return Err(format!(
                    "the ladder drawn does not show frame {frame}:\n{text}"
                ));
            }
            break;
        }
        if opened.elapsed() > Duration::from_secs(600) {
            return Err("no ladder after 600 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let drawn = opened.elapsed();
    let again = Instant::now();
    terminal
        .draw(|frame| app.render(frame))
        .map_err(|e| e.to_string())?;
    let redraw = again.elapsed();
    println!(
        "frame={frame} loaded_ms={:.1} ladder_drawn_ms={:.1} redraw_ms={:.3}",
        loaded.as_secs_f64() * 1000.0,
        drawn.as_secs_f64() * 1000.0,
        redraw.as_secs_f64() * 1000.0
    );
    Ok(())
}
