//! `wirelab`: the command-line front end. It parses arguments and renders; everything it shows
//! comes from the library crates (wirelab-capture reads, wirelab-wire dissects and formats).
//!
//! ```text
//!  FILE / stdin / embedded sample
//!      │  input.rs
//!      ▼
//!  CaptureReader ──frames──> Dissector ──Dissection──> -Y filter ──> a view ──> BufWriter(stdout)
//!                                                                    views/: summary, tree (-V),
//!                                                                    hex (-x), fields, json
//! ```
//!
//! Exit status: 0 when every frame was shown (or the reader of a pipe went away); 1 when the
//! capture could not be opened or is damaged (the frames before the damage are shown first);
//! 2 when the command line asks for something impossible, before any frame is read.
#![forbid(unsafe_code)]

mod catalog;
mod cli;
mod crypto;
mod demo;
mod dissect;
mod expert;
mod flows;
mod follow;
mod input;
mod ladder;
mod names;
mod stack;
mod tls;
mod tls_dissect;
mod trace;
mod tui;
mod views;

use clap::Parser;
use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

/// Why wirelab stopped, and which exit status that deserves.
#[derive(Debug)]
pub enum Failure {
    /// The command line asks for something impossible (an unknown field, a filter that does not
    /// parse): exit status 2, before any frame is read.
    Usage(String),
    /// The capture could not be read (to the end): exit status 1.
    Input(String),
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(2),
            Failure::Input(_) => ExitCode::from(1),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Input(message) => f.write_str(message),
        }
    }
}

/// Writing to stdout failed. A reader that went away (`wirelab dissect | head`) is not a
/// failure: the output simply ends.
pub fn output_error(error: io::Error) -> Result<(), Failure> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(Failure::Input(format!("standard output: {error}")))
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    wirelab_analyze::register_fields();
    let result = match &cli.command {
        cli::Command::Dissect(args) => dissect::run(args),
        cli::Command::Fields(args) => catalog::run(args),
        cli::Command::Flows(args) => flows::run(args),
        cli::Command::Expert(args) => expert::run(args),
        cli::Command::Follow(args) => follow::run(args),
        cli::Command::Ladder(args) => ladder::run(args),
        cli::Command::Keygen(args) => crypto::keygen(args),
        cli::Command::Rsa(args) => crypto::rsa(args),
        cli::Command::Dh(args) => crypto::dh(args),
        cli::Command::Ecdh(args) => crypto::ecdh(args),
        cli::Command::Tls(args) => tls::run(args),
        cli::Command::Tui(args) => tui::run(args),
        cli::Command::Demo(args) => demo::run(args),
        cli::Command::Stack(args) => stack::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let _ = writeln!(io::stderr(), "{failure}");
            failure.exit_code()
        }
    }
}
