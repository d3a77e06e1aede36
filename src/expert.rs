//! `wirelab expert`: the expert summary, laid out as `tshark -q -z expert` lays it out: one
//! table per severity (Errors, Warns, Notes, Chats), each line an item with how often it
//! occurred, its group, protocol and summary. `--frames` adds what tshark cannot show: the
//! frames each item was found in, so that `wirelab dissect -V -Y frame.number==N` finds them.
//!
//! ```text
//!  Notes (2)
//!  =============
//!     Frequency      Group           Protocol  Summary
//!             1   Sequence                TCP  This frame initiates the connection closing   [frame 9]
//! ```

use crate::trace;
use crate::{output_error, Failure};
use clap::Args;
use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use wirelab_analyze::Analyzer;
use wirelab_wire::{Dissection, Expert, Group, Severity};

#[derive(Args, Debug)]
pub struct ExpertArgs {
    /// A pcap or pcapng file; `-` reads standard input; without it, the built-in sample.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// After each item, the frames it was found in (`[frames 3, 7-9]`).
    #[arg(long)]
    pub frames: bool,
}

pub fn run(args: &ExpertArgs) -> Result<(), Failure> {
    let mut analyzer = Analyzer::default();
    let mut summary = Summary::new(args.frames);
    let mut frames = 0u64;
    let read = trace::analyze(
        args.file.as_deref(),
        &mut analyzer,
        Dissection::columns_only(),
        |frame, d, _| {
            frames += 1;
            for expert in &d.experts {
                summary.add(frame.number, expert);
            }
            Ok(())
        },
    );
    // A capture damaged part-way still has a summary of the frames before the damage: print
    // it, then the error. A file that cannot be read at all has none.
    if read.is_err() && frames == 0 {
        return read;
    }
    let mut out = BufWriter::new(io::stdout().lock());
    summary
        .write(&mut out)
        .and_then(|()| out.flush())
        .or_else(output_error)?;
    read
}

/// One line of the summary: an item and every frame it occurred in.
struct Line {
    group: Group,
    protocol: &'static str,
    message: String,
    frequency: u64,
    frames: Vec<u64>,
}

/// The items of a trace, by severity; within one, in the order they first occurred. As in
/// tshark, items with the same protocol and summary are one line.
struct Summary {
    keep_frames: bool,
    lines: [Vec<Line>; 5],
    index: HashMap<(Severity, &'static str), HashMap<String, usize>>,
}

/// The tables in tshark's order, with its titles.
const TABLES: [(Severity, &str); 5] = [
    (Severity::Error, "Errors"),
    (Severity::Warning, "Warns"),
    (Severity::Note, "Notes"),
    (Severity::Chat, "Chats"),
    (Severity::Comment, "Comments"),
];

impl Summary {
    fn new(keep_frames: bool) -> Summary {
        Summary {
            keep_frames,
            lines: Default::default(),
            index: HashMap::new(),
        }
    }

    fn add(&mut self, frame: u64, expert: &Expert) {
        let lines = &mut self.lines[expert.severity as usize];
        let by_message = self
            .index
            .entry((expert.severity, expert.protocol))
            .or_default();
        // Most items repeat: look them up by the borrowed message, allocate only new ones.
        let position = match by_message.get(expert.message.as_str()) {
            Some(&position) => position,
            None => {
                lines.push(Line {
                    group: expert.group,
                    protocol: expert.protocol,
                    message: expert.message.clone(),
                    frequency: 0,
                    frames: Vec::new(),
                });
                by_message.insert(expert.message.clone(), lines.len() - 1);
                lines.len() - 1
            }
        };
        let line = &mut lines[position];
        line.frequency += 1;
        if self.keep_frames && line.frames.last() != Some(&frame) {
            line.frames.push(frame);
        }
    }

    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        for (severity, title) in TABLES {
            let lines = &self.lines[severity as usize];
            if lines.is_empty() {
                continue;
            }
            let total: u64 = lines.iter().map(|line| line.frequency).sum();
            writeln!(out, "\n{title} ({total})")?;
            writeln!(out, "=============")?;
            writeln!(out, "   Frequency      Group           Protocol  Summary")?;
            for line in lines {
                write!(
                    out,
                    "{:12} {:>10} {:>18}  {}",
                    line.frequency,
                    line.group.name(),
                    protocol_name(line.protocol),
                    line.message
                )?;
                if self.keep_frames {
                    write!(out, "   [{}]", FrameList(&line.frames))?;
                }
                writeln!(out)?;
            }
        }
        Ok(())
    }
}

/// Frame numbers with runs collapsed: `frame 4`, `frames 3, 7-9, 12`.
struct FrameList<'a>(&'a [u64]);

impl std::fmt::Display for FrameList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.len() == 1 {
            "frame "
        } else {
            "frames "
        })?;
        let mut rest = self.0;
        let mut first = true;
        while let Some((&start, _)) = rest.split_first() {
            let run = rest
                .windows(2)
                .take_while(|pair| pair[1] == pair[0] + 1)
                .count();
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            match run {
                0 => write!(f, "{start}")?,
                _ => write!(f, "{start}-{}", rest[run])?,
            }
            rest = &rest[run + 1..];
        }
        Ok(())
    }
}

/// The protocol's short name as tshark's summary prints it (`IPv4` for `ip`).
fn protocol_name(filter_name: &str) -> String {
    let known = match filter_name {
        "ip" => "IPv4",
        "ipv6" => "IPv6",
        "icmpv6" => "ICMPv6",
        "arp" => "ARP/RARP",
        "eth" => "Ethernet",
        "frame" => "Frame",
        "vlan" => "802.1Q",
        "sll" => "SLL",
        "data" => "Data",
        other => return other.to_uppercase(),
    };
    known.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_frames_are_collapsed() {
        assert_eq!(FrameList(&[4]).to_string(), "frame 4");
        assert_eq!(
            FrameList(&[3, 7, 8, 9, 12]).to_string(),
            "frames 3, 7-9, 12"
        );
    }

    #[test]
    fn the_same_item_in_two_frames_is_one_line_with_both_frames() {
        let mut summary = Summary::new(true);
        let fin = Expert {
            severity: Severity::Chat,
            group: Group::Sequence,
            protocol: "tcp",
            message: "Connection finish (FIN)".into(),
        };
        summary.add(9, &fin);
        summary.add(11, &fin);
        let mut out = Vec::new();
        summary.write(&mut out).expect("write to a vector");
        assert_eq!(
            String::from_utf8(out).expect("text"),
            "\nChats (2)\n=============\n   Frequency      Group           Protocol  Summary\n\
             \u{20}          2   Sequence                TCP  Connection finish (FIN)   [frames 9, 11]\n"
        );
    }
}
