//! The stack benchmark (run by `bash scripts/bench.sh stack`): wirelab ↔ wirelab against
//! smoltcp ↔ smoltcp, over the same in-memory Ethernet link and the same driver loop (see
//! `tests/smoltcp_common`), with the same MSS (1460) and socket buffers, on a clean link and
//! through 1 % loss (the same seeded drops). One connection sends `--megabytes` MB; the
//! receiver checks every byte. Wall-clock time from connect to the last byte read, best of
//! `--runs`, the two stacks taking turns so that both see the same background load.
//!
//! ```text
//! cargo run --release -p wirelab-stack --example bench_stack -- [--megabytes N] [--runs N] [--buffer BYTES]
//! ```
//!
//! Prints `bench NAME: wirelab=V smoltcp=V Gbit/s ratio=R` with ratio = wirelab / smoltcp
//! (above 1: wirelab is faster).

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
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        megabytes: 256,
        runs: 3,
        settings: Settings::default(),
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
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(options)
}

/// One timed transfer: Gbit/s of payload and the frames that crossed, or why it failed.
fn measure<A: Host, B: Host>(
    mut pair: Pair<A, B>,
    source: &[u8],
    total: usize,
) -> Result<(f64, u64), String> {
    let start = WallClock::now();
    let outcome = transfer(&mut pair, source, total, false, DEADLINE_MICROS);
    let seconds = start.elapsed().as_secs_f64();
    if let Some(failure) = outcome.failure {
        return Err(failure);
    }
    if let Some(at) = outcome.first_difference {
        return Err(format!("byte {at} differs"));
    }
    Ok((total as f64 * 8.0 / seconds / 1e9, pair.link.frames))
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
    for (name, loss) in [("stack-clean", 0.0), ("stack-loss-1pct", 0.01)] {
        let mut best_ours = 0.0f64;
        let mut best_smol = 0.0f64;
        for run in 0..options.runs {
            let seed = 100 + run as u64;
            let ours = measure(
                Pair::new(
                    OurHost::new(MAC_A, ADDR_A, &settings),
                    OurHost::new(MAC_B, ADDR_B, &settings),
                    Link::new(loss, seed, false),
                ),
                &source,
                total,
            );
            let smol = measure(
                Pair::new(
                    SmolHost::new(MAC_A, ADDR_A, &settings),
                    SmolHost::new(MAC_B, ADDR_B, &settings),
                    Link::new(loss, seed, false),
                ),
                &source,
                total,
            );
            match (ours, smol) {
                (Ok((ours, our_frames)), Ok((smol, smol_frames))) => {
                    eprintln!(
                        "==> {name} run {}/{}: wirelab {ours:.2} Gbit/s ({our_frames} frames), \
                         smoltcp {smol:.2} Gbit/s ({smol_frames} frames)",
                        run + 1,
                        options.runs
                    );
                    best_ours = best_ours.max(ours);
                    best_smol = best_smol.max(smol);
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
        let ratio = if best_smol > 0.0 {
            best_ours / best_smol
        } else {
            f64::INFINITY
        };
        println!(
            "bench {name}: wirelab={best_ours:.2} smoltcp={best_smol:.2} Gbit/s ratio={ratio:.2}"
        );
    }
    ExitCode::SUCCESS
}
