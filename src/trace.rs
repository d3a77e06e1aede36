//! Run the analysis over a whole capture, for the commands that report on a trace rather than
//! print frames (`flows`, `expert`, `follow`, `ladder`).

use crate::input;
use crate::Failure;
use wirelab_analyze::Analyzer;
use wirelab_capture::CaptureReader;
use wirelab_wire::{Dissection, Dissector, Frame};

/// Read `file` (a path, `-`, or `None` for the built-in sample), dissect and analyse every
/// frame, and hand each frame and its dissection to `visit`. `d` decides how much of the tree
/// is kept (`Dissection::columns_only()` is fastest; the analysis itself needs no tree).
///
/// A capture damaged part-way is an error after the frames before the damage were visited.
pub fn analyze(
    file: Option<&str>,
    analyzer: &mut Analyzer,
    d: Dissection,
    visit: impl FnMut(&Frame<'_>, &Dissection, &Analyzer) -> Result<(), Failure>,
) -> Result<(), Failure> {
    analyze_input(input::open(file)?, analyzer, d, visit)
}

/// As [`analyze`], for a capture already opened.
pub fn analyze_input(
    input: input::Input,
    analyzer: &mut Analyzer,
    mut d: Dissection,
    mut visit: impl FnMut(&Frame<'_>, &Dissection, &Analyzer) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let name = input.name;
    let mut reader = CaptureReader::new(input.reader)
        .map_err(|error| Failure::Input(format!("{name}: {error}")))?;
    let mut dissector = Dissector::new();
    loop {
        let frame = match reader.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(()),
            Err(error) => return Err(Failure::Input(format!("{name}: {error}"))),
        };
        dissector.dissect_with(&frame, &mut d, analyzer);
        visit(&frame, &d, analyzer)?;
    }
}
