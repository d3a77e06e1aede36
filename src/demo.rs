//! `wirelab demo`: lessons scripted on the simulated link, printed as a ladder with a
//! narration per step, saved as pcapng with the narration as packet comments, or as JSON.

use crate::{output_error, Failure};
use clap::{Args, ValueEnum};
use std::io::{BufRead, Write};
use wirelab_demos::{catalog, run_lesson, Params};

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// The lesson to run; without it, the list of lessons.
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub params: DemoParams,
    /// Wait for Enter between steps.
    #[arg(long, conflicts_with = "json")]
    pub step: bool,
    /// Also save the trace as pcapng, the narration in each packet's comment.
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<String>,
    /// Print the lesson as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// How a lesson runs: `wirelab demo` and `wirelab tui --demo` share these.
#[derive(Args, Debug)]
pub struct DemoParams {
    /// Seed of the lesson (ISNs, random loss, keys): the same seed gives the same trace.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Probability that the link loses a frame (0 to 0.5), on top of the lesson's own losses.
    #[arg(long)]
    pub loss: Option<f64>,
    /// One-way delay of the link, in milliseconds.
    #[arg(long, value_name = "MS")]
    pub delay: Option<u64>,
    /// Bandwidth of the link, in bits per second.
    #[arg(long, value_name = "BPS")]
    pub bandwidth: Option<u64>,
    /// Maximum segment size both hosts announce, in bytes.
    #[arg(long)]
    pub mss: Option<usize>,
    /// Receive buffer of both hosts (the largest window they offer), in bytes.
    #[arg(long)]
    pub window: Option<usize>,
    /// Congestion control of both hosts.
    #[arg(long, value_enum)]
    pub cc: Option<CongestionControl>,
}

impl DemoParams {
    pub fn to_params(&self) -> Params {
        Params {
            seed: self.seed,
            loss: self.loss,
            delay_ms: self.delay,
            bandwidth: self.bandwidth,
            mss: self.mss,
            window: self.window,
            congestion: self.cc.map(|cc| match cc {
                CongestionControl::Newreno => wirelab_demos::Algorithm::NewReno,
                CongestionControl::Cubic => wirelab_demos::Algorithm::Cubic,
            }),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CongestionControl {
    /// RFC 5681 with RFC 6582's fast recovery.
    Newreno,
    /// RFC 9438.
    Cubic,
}

pub fn run(args: &DemoArgs) -> Result<(), Failure> {
    let Some(name) = args.name.as_deref() else {
        return list();
    };
    let params = args.params.to_params();
    let lesson =
        run_lesson(name, &params).map_err(|error| Failure::Usage(format!("demo: {error}")))?;
    if let Some(path) = &args.pcap {
        let file = std::fs::File::create(path)
            .map_err(|error| Failure::Input(format!("{path}: {error}")))?;
        wirelab_demos::write_pcapng(&lesson, std::io::BufWriter::new(file))
            .map_err(|error| Failure::Input(format!("{path}: {error}")))?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let text = wirelab_demos::to_json(&lesson).to_string();
        return writeln!(out, "{text}").or_else(output_error);
    }
    if !args.step {
        return out
            .write_all(wirelab_demos::render_text(&lesson).as_bytes())
            .or_else(output_error);
    }
    out.write_all(wirelab_demos::render_header(&lesson).as_bytes())
        .or_else(output_error)?;
    let stdin = std::io::stdin();
    let mut line = String::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        out.write_all(wirelab_demos::render_step(i + 1, step).as_bytes())
            .or_else(output_error)?;
        write!(out, "  (Enter for the next step) ").or_else(output_error)?;
        out.flush().or_else(output_error)?;
        line.clear();
        let read = stdin
            .lock()
            .read_line(&mut line)
            .map_err(|error| Failure::Input(format!("standard input: {error}")))?;
        if read == 0 {
            // End of input: show the rest without waiting.
            writeln!(out).or_else(output_error)?;
        }
    }
    out.write_all(wirelab_demos::render_summary(&lesson).as_bytes())
        .or_else(output_error)
}

/// The lessons, one line each: name and what it shows.
pub fn lesson_list() -> String {
    let width = catalog().iter().map(|l| l.name.len()).max().unwrap_or(0);
    catalog()
        .iter()
        .map(|lesson| format!("{:<width$}  {}\n", lesson.name, lesson.about))
        .collect()
}

fn list() -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(lesson_list().as_bytes())
        .or_else(output_error)?;
    writeln!(
        out,
        "\nRun one with `wirelab demo NAME` (--step, --pcap FILE, --json, --seed N, --loss P...)."
    )
    .or_else(output_error)
}
