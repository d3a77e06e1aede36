//! `wirelab flows`: the conversation table, laid out as `tshark -q -z conv,tcp -z conv,udp`
//! lays it out, with three more columns: which handshake segments were seen, how the
//! connection ended, and the application protocol the stream carries.
//!
//! ```text
//!                           |  <- (B to A)  | |  -> (A to B)  | |     Total     | Rel Start | Duration | Handshake | End | App
//!  A:port <-> B:port          frames bytes     frames bytes      frames bytes
//! ```

use crate::trace;
use crate::{output_error, Failure};
use clap::Args;
use std::io::{self, BufWriter, Write};
use wirelab_analyze::conversations::{Conversation, Transport};
use wirelab_analyze::Analyzer;
use wirelab_wire::{Dissection, Timestamp};

#[derive(Args, Debug)]
pub struct FlowsArgs {
    /// A pcap or pcapng file; `-` reads standard input; without it, the built-in sample.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
}

pub fn run(args: &FlowsArgs) -> Result<(), Failure> {
    let mut analyzer = Analyzer::default();
    let read = trace::analyze(
        args.file.as_deref(),
        &mut analyzer,
        Dissection::columns_only(),
        |_, _, _| Ok(()),
    );
    // A capture damaged part-way still has a table for the frames before the damage: print
    // it, then the error. A file that cannot be read at all has none.
    if read.is_err() && analyzer.conversations.capture_start().is_none() {
        return read;
    }
    let mut out = BufWriter::new(io::stdout().lock());
    write_tables(&mut out, &analyzer)
        .and_then(|()| out.flush())
        .or_else(output_error)?;
    read
}

const RULE: &str =
    "================================================================================";

/// Both tables, TCP first.
pub fn write_tables(out: &mut impl Write, analyzer: &Analyzer) -> io::Result<()> {
    let table = &analyzer.conversations;
    let start = table.capture_start().unwrap_or_default();
    write_table(out, "TCP", table.tcp_conversations(), start, analyzer)?;
    write_table(out, "UDP", table.udp_conversations(), start, analyzer)
}

fn write_table<'a>(
    out: &mut impl Write,
    name: &str,
    conversations: impl Iterator<Item = &'a Conversation>,
    capture_start: Timestamp,
    analyzer: &Analyzer,
) -> io::Result<()> {
    let tcp = name == "TCP";
    writeln!(out, "{RULE}")?;
    writeln!(out, "{name} Conversations")?;
    writeln!(out, "Filter:<No Filter>")?;
    let (extra1, extra2) = if tcp {
        (
            " Handshake         | End           | App",
            " seen              |               |",
        )
    } else {
        (" App", "")
    };
    writeln!(
        out,
        "{:59}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |{extra1}",
        ""
    )?;
    writeln!(
        out,
        "{:59}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |{extra2}",
        ""
    )?;
    // tshark's order: most frames first; equal counts in the order the streams began.
    let mut sorted: Vec<&Conversation> = conversations.collect();
    sorted.sort_by_key(|conversation| std::cmp::Reverse(conversation.frames()));
    for conversation in sorted {
        write_row(out, conversation, capture_start, analyzer)?;
    }
    writeln!(out, "{RULE}")
}

fn write_row(
    out: &mut impl Write,
    conversation: &Conversation,
    capture_start: Timestamp,
    analyzer: &Analyzer,
) -> io::Result<()> {
    let a = format!("{}:{}", conversation.a.addr, conversation.a.port);
    let b = format!("{}:{}", conversation.b.addr, conversation.b.port);
    let (b_to_a, a_to_b) = (conversation.b_to_a, conversation.a_to_b);
    // Times as tshark computes them: seconds as doubles, relative to the first frame.
    let relative_start = seconds(conversation.first_ts.since(capture_start));
    let duration = seconds(conversation.last_ts.since(capture_start)) - relative_start;
    write!(
        out,
        "{a:<26} <-> {b:<26}  {:6} {:<9}  {:6} {:<9}  {:6} {:<9}  {relative_start:14.9}   {duration:12.4}",
        b_to_a.frames,
        size(b_to_a.bytes),
        a_to_b.frames,
        size(a_to_b.bytes),
        conversation.frames(),
        size(conversation.bytes()),
    )?;
    let app = application_protocol(conversation, analyzer);
    if conversation.transport == Transport::Tcp {
        writeln!(
            out,
            "   {:<17}   {:<13}   {app}",
            conversation.handshake.describe(),
            conversation.ending().describe()
        )
    } else {
        writeln!(out, "   {app}")
    }
}

fn seconds(time: Timestamp) -> f64 {
    time.secs as f64 + time.nanos as f64 / 1e9
}

/// A byte count as tshark's `format_size` writes it with SI prefixes: `631 bytes` below ten
/// thousand, then `13 kB`, `323 kB`, `11 MB` (whole units, rounded down).
fn size(bytes: u64) -> String {
    const PREFIXES: [&str; 4] = ["k", "M", "G", "T"];
    let mut scaled = bytes;
    let mut prefix = None;
    for (power, name) in PREFIXES.iter().enumerate().rev() {
        let divisor = 1000u64.pow(power as u32 + 1);
        if bytes / divisor >= 10 {
            scaled = bytes / divisor;
            prefix = Some(*name);
            break;
        }
    }
    match prefix {
        Some(prefix) => format!("{scaled} {prefix}B"),
        None => format!("{bytes} bytes"),
    }
}

/// The application protocol the stream probe found (`HTTP/1.x`, `TLS (by port 443)`), `none`
/// when it found none, or `-` when it had not decided or the stream is UDP.
fn application_protocol(conversation: &Conversation, analyzer: &Analyzer) -> String {
    if conversation.transport != Transport::Tcp {
        return "-".to_string();
    }
    match analyzer.streams.app_protocol(conversation.stream) {
        Some(Some(identified)) => identified.to_string(),
        Some(None) => "none".to_string(),
        None => "-".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_are_written_as_tshark_writes_them() {
        assert_eq!(size(631), "631 bytes");
        assert_eq!(size(9999), "9999 bytes");
        assert_eq!(size(10_000), "10 kB");
        assert_eq!(size(323_456), "323 kB");
        assert_eq!(size(9_999_999), "9999 kB");
        assert_eq!(size(112_000_000), "112 MB");
    }
}
