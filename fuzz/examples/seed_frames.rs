//! Seed the `dissect_frame` corpus: every frame of the given captures (the first 64 of each),
//! written in that target's input format, one file per distinct frame.
//!
//! Usage: `cargo run --manifest-path fuzz/Cargo.toml --example seed_frames -- OUT_DIR CAPTURE...`
//! (scripts/fuzz-seed.sh runs it).

use std::collections::hash_map::DefaultHasher;
use std::fs::{self, File};
use std::hash::{Hash, Hasher};
use std::io::BufReader;
use std::path::PathBuf;
use wirelab_capture::CaptureReader;
use wirelab_wire::LinkType;

/// Must match `LINKS` in fuzz_targets/dissect_frame.rs: the first input byte is an index into it.
const LINKS: [LinkType; 8] = [
    LinkType::ETHERNET,
    LinkType::LINUX_SLL,
    LinkType::LINUX_SLL2,
    LinkType::NULL,
    LinkType::LOOP,
    LinkType::RAW,
    LinkType::IPV4,
    LinkType::IPV6,
];
/// Index of the "unknown link type" entry.
const UNKNOWN_LINK: u8 = 8;
const FRAMES_PER_CAPTURE: usize = 64;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let out_dir = PathBuf::from(args.next().ok_or("usage: seed_frames OUT_DIR CAPTURE...")?);
    fs::create_dir_all(&out_dir)?;
    let (mut captures, mut written) = (0, 0);
    for path in args {
        let Ok(mut reader) = File::open(&path)
            .map(BufReader::new)
            .map(CaptureReader::new)
        else {
            continue;
        };
        let Ok(reader) = reader.as_mut() else {
            continue;
        };
        captures += 1;
        for _ in 0..FRAMES_PER_CAPTURE {
            let Ok(Some(frame)) = reader.next_frame() else {
                break;
            };
            let selector = LINKS
                .iter()
                .position(|&l| l == frame.link)
                .map_or(UNKNOWN_LINK, |i| i as u8);
            let cut = if frame.is_truncated() { 0x80 } else { 0 };
            let mut input = Vec::with_capacity(frame.bytes.len() + 1);
            input.push(selector | cut);
            input.extend_from_slice(frame.bytes);
            let mut hasher = DefaultHasher::new();
            input.hash(&mut hasher);
            let file = out_dir.join(format!("{:016x}", hasher.finish()));
            if !file.exists() {
                fs::write(file, &input)?;
                written += 1;
            }
        }
    }
    println!(
        "seed_frames: {written} new frames from {captures} captures in {}",
        out_dir.display()
    );
    Ok(())
}
