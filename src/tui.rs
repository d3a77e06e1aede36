//! `wirelab tui`: the terminal UI over a capture file (the UI itself is the wirelab-tui crate).

use crate::input::SAMPLE_PATH;
use crate::Failure;
use clap::Args;
use std::io::{IsTerminal, Read};
use std::sync::Arc;
use wirelab_capture::CaptureReader;
use wirelab_tui::{CaptureFile, EmbeddedCapture, TraceSource};

#[derive(Args, Debug)]
pub struct TuiArgs {
    /// A pcap or pcapng file; `-` reads standard input; without it, the built-in sample.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
}

/// The sample capture, as `wirelab dissect` shows it without a file.
static SAMPLE: &[u8] = include_bytes!("../pcaps/http-ipv4.pcap");

pub fn run(args: &TuiArgs) -> Result<(), Failure> {
    let source: Arc<dyn TraceSource> = match args.file.as_deref() {
        None => Arc::new(EmbeddedCapture::new(SAMPLE_PATH, SAMPLE)),
        Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|error| Failure::Input(format!("-: {error}")))?;
            Arc::new(EmbeddedCapture::new("-", bytes))
        }
        Some(path) => Arc::new(
            CaptureFile::open(path).map_err(|error| Failure::Input(format!("{path}: {error}")))?,
        ),
    };
    // A file that is no capture is reported here, before the screen is taken over.
    let name = source.name().to_string();
    let reader = source
        .open()
        .map_err(|error| Failure::Input(format!("{name}: {error}")))?;
    CaptureReader::new(reader).map_err(|error| Failure::Input(format!("{name}: {error}")))?;
    if !std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "wirelab tui draws on a terminal, and standard output is not one; \
             `wirelab dissect` prints to files and pipes"
                .to_string(),
        ));
    }
    wirelab_tui::run(source).map_err(|error| Failure::Input(format!("terminal: {error}")))
}
