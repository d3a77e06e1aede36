//! The stack benchmark (run by `bash scripts/bench.sh stack`): wirelab ↔ wirelab against
//! smoltcp ↔ smoltcp, over the same in-memory Ethernet link and the same driver loop (see
//! `tests/smoltcp_common`), with the same MSS (1460), socket buffers and TCP options (both send
//! RFC 7323 timestamps), on a clean link and through 1 % loss (the same seeded drops). One connection sends `--megabytes` MB; the
//! receiver checks every byte. Wall-clock time from connect to the last byte read, best of
//! `--runs`, the two stacks taking turns (who goes first alternates, after an untimed
//! warm-up transfer of each) so that both see the same background load. The `-cpu` lines
//! divide by this thread's CPU time instead, which a busy machine disturbs less.
//!
//! ```text
//! cargo run --release -p wirelab-stack --example bench_stack -- [--megabytes N] [--runs N] [--buffer BYTES]
//!     [--line stack-clean|stack-loss-1pct] [--only wirelab|smoltcp]
//! ```
//!
//! Prints `bench NAME: wirelab=V smoltcp=V Gbit/s ratio=R` with ratio = wirelab / smoltcp
//! (above 1: wirelab is faster). `--line` runs one of the two lines; `--only` runs one stack
//! and prints each run (no ratio), for a profiler.

#[path = "../tests/smoltcp_common/mod.rs"]
mod smoltcp_common;

use smoltcp_common::{
    pattern, transfer, Host, Link, OurHost, Pair, Settings, SmolHost, ADDR_A, ADDR_B, MAC_A, MAC_B,
};
use std::process::ExitCode;
use std::time::Instant as WallClock;

/// Virtual time allowed per run: an hour, far more than any run needs.
const DEADLINE_MICROS: u64 = 3_600_000_000;

struct Options {
    megabytes: usize,
    runs: usize,
    settings: Settings,
    /// `--only wirelab` or `--only smoltcp`: run one stack, to profile it alone (no ratio).
    only: Option<String>,
    /// `--line stack-clean` or `--line stack-loss-1pct`: run only that line.
    line: Option<String>,
}

/// The two lines: a clean link, and 1 % of the frames dropped.
const LINES: [(&str, f64); 2] = [("stack-clean", 0.0), ("stack-loss-1pct", 0.01)];

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        megabytes: 256,
        runs: 3,
        settings: Settings::default(),
        only: None,
        line: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let value = args
                .next()
                .ok_or_else(|| format!("{name} needs a number"))?;
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name} wants a positive number, not {value:?}"))
        };
        match arg.as_str() {
            "--megabytes" => options.megabytes = number("--megabytes")?,
            "--runs" => options.runs = number("--runs")?,
            "--buffer" => options.settings.buffer = number("--buffer")?,
            "--line" => match args.next().as_deref() {
                Some(name) if LINES.iter().any(|(line, _)| *line == name) => {
                    options.line = Some(name.to_string())
                }
                other => return Err(format!("--line wants one of {LINES:?}, not {other:?}")),
            },
            "--only" => match args.next().as_deref() {
                Some(stack @ ("wirelab" | "smoltcp")) => options.only = Some(stack.to_string()),
                other => return Err(format!("--only wants wirelab or smoltcp, not {other:?}")),
            },
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(options)
}

/// wirelab ↔ wirelab over a link that drops `loss` of the frames (seeded).
fn our_pair(settings: &Settings, loss: f64, seed: u64) -> Pair<OurHost, OurHost> {
    Pair::new(
        OurHost::new(MAC_A, ADDR_A, settings),
        OurHost::new(MAC_B, ADDR_B, settings),
        Link::new(loss, seed, false),
    )
}

/// smoltcp ↔ smoltcp over the same link.
fn smol_pair(settings: &Settings, loss: f64, seed: u64) -> Pair<SmolHost, SmolHost> {
    Pair::new(
        SmolHost::new(MAC_A, ADDR_A, settings),
        SmolHost::new(MAC_B, ADDR_B, settings),
        Link::new(loss, seed, false),
    )
}

/// What one transfer achieved.
#[derive(Clone, Copy)]
struct Measured {
    /// Payload bits per wall-clock second.
    gbits: f64,
    /// Payload bits per second of CPU time of this thread: what other programs on a busy
    /// machine disturb less (they delay the run more than they slow it). `None` where the
    /// kernel does not say (no /proc/thread-self/schedstat).
    cpu_gbits: Option<f64>,
    frames: u64,
}

/// Nanoseconds this thread has run on a CPU (the first field of Linux's schedstat). The
/// kernel brings it up to date at each scheduler tick (every 4 ms with HZ=250): a run of
/// 0.1 s is measured to within a few percent.
fn thread_cpu_nanos() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// One timed transfer, or why it failed.
fn measure<A: Host, B: Host>(
    mut pair: Pair<A, B>,
    source: &[u8],
    total: usize,
) -> Result<Measured, String> {
    let cpu_start = thread_cpu_nanos();
    let start = WallClock::now();
    let outcome = transfer(&mut pair, source, total, false, DEADLINE_MICROS);
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = cpu_start
        .zip(thread_cpu_nanos())
        .map(|(before, after)| after.saturating_sub(before) as f64 / 1e9)
        .filter(|s| *s > 0.0);
    if let Some(failure) = outcome.failure {
        return Err(failure);
    }
    if let Some(at) = outcome.first_difference {
        return Err(format!("byte {at} differs"));
    }
    let bits = total as f64 * 8.0;
    Ok(Measured {
        gbits: bits / seconds / 1e9,
        cpu_gbits: cpu_seconds.map(|s| bits / s / 1e9),
        frames: pair.link.frames,
    })
}

/// `12.3` or, when CPU time is unknown, `?`.
fn gbits_text(gbits: Option<f64>) -> String {
    gbits.map_or("?".to_string(), |g| format!("{g:.2}"))
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("bench_stack: {message}");
            return ExitCode::from(2);
        }
    };
    let settings = options.settings;
    let total = options.megabytes << 20;
    let source = pattern(1 << 20, 7);
    println!(
        "  {} MB per run, one connection, MSS {}, {} B socket buffers, best of {} run(s)",
        options.megabytes, settings.mss, settings.buffer, options.runs
    );
    if let Some(only) = &options.only {
        return run_alone(only, &options, &source, total);
    }
    // A short untimed transfer of each stack first: the process's first touches of memory
    // (page faults, a cold allocator and caches) are paid by no timed run.
    let warm_up = (total / 16).max(1 << 20);
    let ours = measure(our_pair(&settings, 0.0, 1), &source, warm_up);
    let smol = measure(smol_pair(&settings, 0.0, 1), &source, warm_up);
    if let Err(why) = ours.and(smol) {
        eprintln!("bench_stack: the warm-up transfer failed: {why}");
        return ExitCode::FAILURE;
    }
    for (name, loss) in LINES {
        if options.line.as_ref().is_some_and(|line| line != name) {
            continue;
        }
        let mut ours_runs = Vec::new();
        let mut smol_runs = Vec::new();
        for run in 0..options.runs {
            let seed = 100 + run as u64;
            let run_ours = || measure(our_pair(&settings, loss, seed), &source, total);
            let run_smol = || measure(smol_pair(&settings, loss, seed), &source, total);
            // Who goes first changes every run, so that neither always runs on a cache and
            // heap the other just warmed (or disturbed).
            let (ours, smol) = if run % 2 == 0 {
                let ours = run_ours();
                (ours, run_smol())
            } else {
                let smol = run_smol();
                (run_ours(), smol)
            };
            match (ours, smol) {
                (Ok(ours), Ok(smol)) => {
                    eprintln!(
                        "==> {name} run {}/{}: wirelab {:.2} Gbit/s (cpu {}, {} frames), \
                         smoltcp {:.2} Gbit/s (cpu {}, {} frames)",
                        run + 1,
                        options.runs,
                        ours.gbits,
                        gbits_text(ours.cpu_gbits),
                        ours.frames,
                        smol.gbits,
                        gbits_text(smol.cpu_gbits),
                        smol.frames,
                    );
                    ours_runs.push(ours);
                    smol_runs.push(smol);
                }
                (Err(why), _) => {
                    eprintln!("bench_stack: {name}: wirelab failed: {why}");
                    return ExitCode::FAILURE;
                }
                (_, Err(why)) => {
                    eprintln!("bench_stack: {name}: smoltcp failed: {why}");
                    return ExitCode::FAILURE;
                }
            }
        }
        // The best run of each: the one least disturbed by the rest of the machine.
        let best = |runs: &[Measured], of: fn(&Measured) -> Option<f64>| {
            runs.iter()
                .filter_map(of)
                .fold(None, |best: Option<f64>, g| {
                    Some(best.map_or(g, |b| b.max(g)))
                })
        };
        report(
            name,
            best(&ours_runs, |m| Some(m.gbits)),
            best(&smol_runs, |m| Some(m.gbits)),
        );
        report(
            &format!("{name}-cpu"),
            best(&ours_runs, |m| m.cpu_gbits),
            best(&smol_runs, |m| m.cpu_gbits),
        );
    }
    ExitCode::SUCCESS
}

/// Prints `bench NAME: wirelab=V smoltcp=V Gbit/s ratio=R`, ratio = wirelab / smoltcp.
fn report(name: &str, ours: Option<f64>, smol: Option<f64>) {
    let (Some(ours), Some(smol)) = (ours, smol) else {
        return; // CPU time unknown on this system
    };
    let ratio = if smol > 0.0 {
        ours / smol
    } else {
        f64::INFINITY
    };
    println!("bench {name}: wirelab={ours:.2} smoltcp={smol:.2} Gbit/s ratio={ratio:.2}");
}

/// `--only STACK`: the same runs for one stack, for a profiler; prints each run, no ratio.
fn run_alone(only: &str, options: &Options, source: &[u8], total: usize) -> ExitCode {
    let settings = options.settings;
    for (name, loss) in LINES {
        if options.line.as_ref().is_some_and(|line| line != name) {
            continue;
        }
        for run in 0..options.runs {
            let seed = 100 + run as u64;
            let outcome = if only == "smoltcp" {
                measure(smol_pair(&settings, loss, seed), source, total)
            } else {
                measure(our_pair(&settings, loss, seed), source, total)
            };
            match outcome {
                Ok(m) => println!(
                    "{name} run {}: {only} {:.2} Gbit/s (cpu {}, {} frames)",
                    run + 1,
                    m.gbits,
                    gbits_text(m.cpu_gbits),
                    m.frames
                ),
                Err(why) => {
                    eprintln!("bench_stack: {name}: {only} failed: {why}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    ExitCode::SUCCESS
}
