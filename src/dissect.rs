//! `wirelab dissect`: read a capture, dissect each frame, keep the ones the display filter
//! matches, and show them in the chosen view.
//!
//! Everything the command line could get wrong (an unknown field, a bad `-E` option, a filter
//! that does not parse) is checked before the first frame is read. One `Dissection` is reused
//! for every frame and the output goes through one locked `BufWriter`, so a large capture
//! streams through in constant memory.

use crate::cli::{DissectArgs, Format};
use crate::input;
use crate::names;
use crate::views::summary::SummaryView;
use crate::views::{fields, hex, json, time_since, tree, Shown, TextView, View};
use crate::{output_error, Failure};
use std::io::{self, BufWriter, IsTerminal, Write};
use wirelab_analyze::Analyzer;
use wirelab_capture::CaptureReader;
use wirelab_wire::filter::Filter;
use wirelab_wire::{Dissection, Dissector, Timestamp};

/// Output buffer size: large enough that writing a line is a copy, not a system call.
const OUTPUT_BUFFER: usize = 64 * 1024;

pub fn run(args: &DissectArgs) -> Result<(), Failure> {
    let mut view = choose_view(args)?;
    let filter = parse_filter(args.filter.as_deref())?;
    let mut analyzer = Analyzer::default();
    if let Some(path) = &args.tls_keylog {
        analyzer
            .streams
            .set_tls_secrets(crate::tls_dissect::keylog_secrets(path)?);
    }
    let input = input::open(args.file.as_deref())?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(OUTPUT_BUFFER, stdout.lock());
    let result = show(
        input.reader,
        analyzer,
        &mut view,
        filter.as_ref(),
        args.count,
        &mut out,
    );
    // What was shown reaches stdout before any error reaches stderr.
    let flushed = out.flush();
    match result {
        Ok(()) => flushed.or_else(output_error),
        Err(Stop::Output(error)) => output_error(error),
        Err(Stop::Capture(error)) => {
            flushed.or_else(output_error)?;
            Err(Failure::Input(format!("{}: {error}", input.name)))
        }
    }
}

/// Why the loop over frames ended early.
enum Stop {
    /// Writing the output failed (or the reader of a pipe went away).
    Output(io::Error),
    /// The capture is damaged from here on.
    Capture(wirelab_capture::CaptureError),
}

impl From<io::Error> for Stop {
    fn from(error: io::Error) -> Self {
        Stop::Output(error)
    }
}

/// The loop: frames in, views out.
fn show(
    reader: Box<dyn io::Read>,
    mut analyzer: Analyzer,
    view: &mut View,
    filter: Option<&Filter>,
    count: Option<u64>,
    out: &mut impl Write,
) -> Result<(), Stop> {
    let mut reader = CaptureReader::new(reader).map_err(Stop::Capture)?;
    let mut dissector = Dissector::new();
    // A filter reads the tree, and so do all views but the summary; only some show titles.
    let mut d = if view.needs_titles() {
        Dissection::new()
    } else if filter.is_some() || view.needs_tree() {
        Dissection::without_titles()
    } else {
        Dissection::columns_only()
    };
    let mut first_ts: Option<Timestamp> = None;
    let mut shown_count = 0u64;
    view.begin(out)?;
    if count == Some(0) {
        return Ok(());
    }
    while let Some(frame) = reader.next_frame().map_err(Stop::Capture)? {
        dissector.dissect_with(&frame, &mut d, &mut analyzer);
        let first = *first_ts.get_or_insert(frame.ts);
        if let Some(filter) = filter {
            if !filter.matches(&d, frame.bytes) {
                continue;
            }
        }
        view.frame(
            out,
            &Shown {
                frame: &frame,
                d: &d,
                relative: time_since(frame.ts, first),
            },
        )?;
        shown_count += 1;
        if Some(shown_count) == count {
            break;
        }
    }
    Ok(())
}

/// The view the options ask for, with every field name checked.
fn choose_view(args: &DissectArgs) -> Result<View, Failure> {
    let format = args.format.unwrap_or(if args.fields.is_empty() {
        Format::Text
    } else {
        Format::Fields
    });
    if format != Format::Fields && !args.field_options.is_empty() {
        return Err(Failure::Usage("-E options apply to -T fields only".into()));
    }
    if format != Format::Text && (args.tree || args.hex || args.highlight.is_some()) {
        return Err(Failure::Usage(
            "-V, -x and --highlight are text views; they do not combine with -T fields or -T json"
                .into(),
        ));
    }
    let columns = args
        .fields
        .iter()
        .map(|name| names::resolve("-e", name))
        .collect::<Result<Vec<_>, _>>()?;
    match format {
        Format::Text => {
            if !columns.is_empty() {
                return Err(Failure::Usage(
                    "-e chooses fields for -T fields or -T json".into(),
                ));
            }
            let highlight = args
                .highlight
                .as_deref()
                .map(|name| names::resolve("--highlight", name))
                .transpose()?;
            let hex = (args.hex || highlight.is_some())
                .then(|| hex::HexView::new(highlight, io::stdout().is_terminal()));
            let tree = args.tree.then_some(tree::TreeView {
                explain: !args.no_explain,
            });
            Ok(View::Text(TextView {
                summary: tree.is_none().then(SummaryView::default),
                tree,
                hex,
            }))
        }
        Format::Fields => {
            if columns.is_empty() {
                return Err(Failure::Usage(
                    "-T fields needs at least one -e FIELD (`wirelab fields` lists them)".into(),
                ));
            }
            let options = fields::FieldOptions::parse(&args.field_options)?;
            Ok(View::Fields(fields::FieldsView::new(columns, options)))
        }
        Format::Json => Ok(View::Json(json::JsonView::new(columns))),
    }
}

/// `-Y`: the display filter, compiled once. A filter that does not parse is reported with a
/// caret under the column at fault; one that parses but probably does not mean what it says
/// (`!tcp.flags.ack` tests presence, not the flag) gets a warning and runs.
pub(crate) fn parse_filter(filter: Option<&str>) -> Result<Option<Filter>, Failure> {
    let Some(text) = filter else {
        return Ok(None);
    };
    let filter = Filter::parse(text).map_err(|error| Failure::Usage(format!("-Y: {error}")))?;
    let mut stderr = io::stderr().lock();
    for warning in filter.warnings() {
        let _ = writeln!(stderr, "warning: -Y: {warning}");
    }
    Ok(Some(filter))
}
