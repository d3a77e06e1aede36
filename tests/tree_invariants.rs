//! The fuzz targets' invariants, checked on every real capture in every test run: each item's
//! byte range lies inside the captured bytes, depths grow one level at a time, and every value
//! renders (fuzz/fuzz_targets/common.rs, shared with the fuzzers).

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use std::path::Path;
use wirelab_capture::CaptureReader;
use wirelab_wire::{Dissection, Dissector};

#[test]
fn every_frame_of_every_capture_has_a_well_formed_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["pcaps", "tests/data/tcpdump-tests"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("capture folder") {
            let path = entry.expect("directory entry").path();
            if path
                .extension()
                .is_some_and(|e| e == "pcap" || e == "pcapng")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 800, "only {} captures found", files.len());
    let mut frames = 0;
    let mut rendered = String::new();
    for path in &files {
        let bytes = std::fs::read(path).expect("capture file");
        let Ok(mut reader) = CaptureReader::new(&bytes[..]) else {
            continue;
        };
        let mut dissector = Dissector::new();
        let mut d = Dissection::new();
        while let Ok(Some(frame)) = reader.next_frame() {
            dissector.dissect(&frame, &mut d);
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                common::check_and_render(&d, frame.bytes, &mut rendered)
            }));
            assert!(
                outcome.is_ok(),
                "{}: frame {}",
                path.display(),
                frame.number
            );
            frames += 1;
        }
    }
    println!("{frames} frames of {} captures checked", files.len());
}
