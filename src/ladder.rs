//! `wirelab ladder`: a ladder (sequence) diagram of a trace, as text or as an SVG picture.
//!
//! ```text
//!  FILE ──trace::analyze──> frame + Dissection ──> LadderBuilder ──> Ladder ──> render_text ──> stdout
//!                                                                           └──> render_svg ──> --svg FILE
//! ```

use crate::input::SAMPLE_PATH;
use crate::{output_error, trace, Failure};
use clap::Args;
use std::io::Write;
use wirelab_analyze::ladder::{self, LadderBuilder, TextStyle};
use wirelab_analyze::Analyzer;
use wirelab_wire::Dissection;

#[derive(Args, Debug)]
pub struct LadderArgs {
    /// A pcap or pcapng file; `-` reads standard input; without it, the built-in sample.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// Draw only this TCP stream (`tcp.stream`, as `wirelab flows` lists them); without it,
    /// every TCP and UDP conversation of the trace.
    #[arg(long, value_name = "N")]
    pub stream: Option<u64>,
    /// Draw only the frames this display filter matches, e.g. 'frame.number <= 20' (the
    /// analysis still reads every frame, so states and badges stay right).
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub filter: Option<String>,
    /// Draw with plain ASCII characters instead of box-drawing ones.
    #[arg(long)]
    pub ascii: bool,
    /// Width of the text diagram in columns (at most 1000).
    #[arg(long, value_name = "N", default_value_t = 80)]
    pub width: usize,
    /// Also write the diagram as an SVG picture to this file (`-` for standard output, instead
    /// of the text).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<String>,
}

pub fn run(args: &LadderArgs) -> Result<(), Failure> {
    let name = args.file.as_deref().unwrap_or(SAMPLE_PATH);
    if args.width > ladder::MAX_WIDTH {
        return Err(Failure::Usage(format!(
            "--width {}: at most {} columns",
            args.width,
            ladder::MAX_WIDTH
        )));
    }
    // `-Y`, compiled before any frame is read, its warnings as `wirelab dissect` gives them.
    let filter = crate::dissect::parse_filter(args.filter.as_deref())?;
    let mut builder = LadderBuilder::new(args.stream);
    trace::analyze(
        args.file.as_deref(),
        &mut Analyzer::default(),
        Dissection::without_titles(),
        |frame, d, _| {
            match &filter {
                Some(filter) if !filter.matches(d, frame.bytes) => builder.hidden_frame(frame, d),
                _ => builder.frame(frame, d),
            }
            Ok(())
        },
    )?;
    let diagram = builder
        .finish()
        .map_err(|error| Failure::Usage(format!("wirelab ladder {name}: {error}")))?;
    let mut title = name.to_string();
    if let Some(stream) = diagram.stream {
        title.push_str(&format!(": TCP stream {stream}"));
    }
    match &filter {
        Some(filter) => title.push_str(&format!(", frames where {}", filter.text())),
        None if diagram.stream.is_none() => title.push_str(": every TCP and UDP conversation"),
        None => {}
    }
    let style = TextStyle {
        width: args.width,
        ascii: args.ascii,
    };
    let mut stdout = std::io::stdout().lock();
    if args.svg.as_deref() == Some("-") {
        let svg = ladder::render_svg(&diagram, &title, style);
        return stdout.write_all(svg.as_bytes()).or_else(output_error);
    }
    // The text first: a width too narrow is refused before any file is written.
    let text = ladder::render_text(&diagram, &title, style)
        .map_err(|error| Failure::Usage(format!("wirelab ladder: {error}")))?;
    if let Some(path) = &args.svg {
        let svg = ladder::render_svg(&diagram, &title, style);
        std::fs::write(path, svg).map_err(|error| Failure::Input(format!("{path}: {error}")))?;
    }
    stdout.write_all(text.as_bytes()).or_else(output_error)
}
