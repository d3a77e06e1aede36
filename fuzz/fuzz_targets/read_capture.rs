//! Fuzz the capture reader: the input is a whole pcap or pcapng file. Every frame it yields is
//! dissected and rendered, until the end of the file or the first error.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use wirelab_capture::CaptureReader;
use wirelab_wire::{Dissection, Dissector};

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(data) else {
        return;
    };
    let mut dissector = Dissector::new();
    let mut d = Dissection::new();
    let mut out = String::new();
    while let Ok(Some(frame)) = reader.next_frame() {
        assert!(
            frame.bytes.len() <= data.len(),
            "a frame longer than the file"
        );
        dissector.dissect(&frame, &mut d);
        common::check_and_render(&d, frame.bytes, &mut out);
    }
});
