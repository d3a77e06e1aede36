//! Counts the frames of capture files, like a tiny `capinfos`:
//!
//! ```text
//! cargo run -p wirelab-capture --example capinfo -- FILE...   (FILE may be - for stdin)
//! ```
//!
//! prints `FILE: FORMAT, N frames, B bytes captured` and, for a damaged file, the error after
//! the frames that could be read.

use std::path::Path;

fn main() {
    let mut failed = false;
    for arg in std::env::args().skip(1) {
        let mut reader = match wirelab_capture::open(Path::new(&arg)) {
            Ok(reader) => reader,
            Err(e) => {
                println!("{e}");
                failed = true;
                continue;
            }
        };
        let (mut frames, mut bytes) = (0u64, 0u64);
        let outcome = loop {
            match reader.next_frame() {
                Ok(Some(frame)) => {
                    frames += 1;
                    bytes += frame.bytes.len() as u64;
                }
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        let links: Vec<String> = reader
            .interfaces()
            .iter()
            .map(|i| i.link.to_string())
            .collect();
        print!(
            "{arg}: {}, {frames} frames, {bytes} bytes captured, link {}",
            reader.format(),
            links.join(", ")
        );
        match outcome {
            None => println!(),
            Some(e) => {
                println!("; {arg}: {e}");
                failed = true;
            }
        }
    }
    std::process::exit(if failed { 1 } else { 0 });
}
