//! `wirelab follow`: one conversation's bytes, reassembled, each side marked — what the two
//! applications said to each other, as tshark's `-z follow,tcp,…` shows it.
//!
//! ```text
//!  Node 0: 10.99.0.1:40080          the endpoint that sent the stream's first packet
//!  Node 1: 10.99.0.2:8000
//!  87                               a chunk from node 0: its length, then its bytes
//!  GET /hello.txt HTTP/1.1
//!  …
//!  →   186                         a chunk from node 1 is indented by a tab (→ here)
//!  →   HTTP/1.0 200 OK
//! ```
//!
//! The chunks come out in stream order (reassembled, retransmissions once), not in frame
//! order. `--raw` prints exactly what `tshark -q -z follow,tcp,raw,N` prints, byte for byte,
//! including its "[N bytes missing in capture file]" chunks for bytes the receiver
//! acknowledged but the capture never saw. `--ascii` and `--hex` print tshark's formats too,
//! with wirelab's additions on lines of their own in brackets: bytes cut by the snap length
//! or given up by a full buffer, and bytes that arrived twice (with a warning when the two
//! copies differ).

use crate::trace;
use crate::{output_error, Failure};
use clap::Args;
use std::fmt::Write as _;
use std::io::{self, Write};
use wirelab_analyze::stream::{FollowContent, Followed, GapCause, Proto, StreamOptions};
use wirelab_analyze::Analyzer;
use wirelab_wire::conversation::Endpoint;
use wirelab_wire::Dissection;

#[derive(Args, Debug)]
pub struct FollowArgs {
    /// A pcap or pcapng file; `-` reads standard input; without it, the built-in sample.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// The stream to follow, by its index (`tcp.stream`, or `udp.stream` with --udp).
    #[arg(long, value_name = "N")]
    pub stream: u32,
    /// Follow a UDP stream rather than a TCP one.
    #[arg(long)]
    pub udp: bool,
    /// Printable bytes as text, the others as dots (the default).
    #[arg(long, group = "format")]
    pub ascii: bool,
    /// A hex dump with an offset per side.
    #[arg(long, group = "format")]
    pub hex: bool,
    /// Each chunk as one line of hex digits, byte for byte what `tshark -z follow,tcp,raw`
    /// prints.
    #[arg(long, group = "format")]
    pub raw: bool,
}

/// How chunks are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ascii,
    Hex,
    Raw,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Ascii => "ascii",
            Format::Hex => "hex",
            Format::Raw => "raw",
        }
    }
}

pub fn run(args: &FollowArgs) -> Result<(), Failure> {
    let proto = if args.udp { Proto::Udp } else { Proto::Tcp };
    let format = if args.hex {
        Format::Hex
    } else if args.raw {
        Format::Raw
    } else {
        Format::Ascii
    };
    let mut analyzer = Analyzer::new(StreamOptions {
        follow: Some((proto, args.stream)),
        ..StreamOptions::default()
    });
    trace::analyze(
        args.file.as_deref(),
        &mut analyzer,
        Dissection::columns_only(),
        |_, _, _| Ok(()),
    )?;
    let (tcp_streams, udp_streams) = analyzer.streams.stream_counts();
    let (kind, count) = match proto {
        Proto::Tcp => ("TCP", tcp_streams),
        Proto::Udp => ("UDP", udp_streams),
    };
    let Some(followed) = analyzer.streams.followed().filter(|f| f.nodes.is_some()) else {
        let name = args.file.as_deref().unwrap_or(crate::input::SAMPLE_PATH);
        let has = match count {
            0 => format!("it has no {kind} streams"),
            1 => format!("its only {kind} stream is 0"),
            n => format!("its {kind} streams are 0 to {}", n - 1),
        };
        let hint = if proto == Proto::Tcp && udp_streams > 0 {
            "; to follow a UDP stream, add --udp"
        } else {
            ""
        };
        return Err(Failure::Input(format!(
            "{name}: no {kind} stream {} ({has}){hint}",
            args.stream
        )));
    };
    let text = render(followed, format);
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .or_else(output_error)
}

const SEPARATOR: &str = "===================================================================\n";

/// The whole output for one followed stream.
pub fn render(followed: &Followed, format: Format) -> String {
    let proto = match followed.proto {
        Proto::Tcp => "tcp",
        Proto::Udp => "udp",
    };
    let mut out = String::new();
    out.push('\n');
    out.push_str(SEPARATOR);
    let _ = writeln!(out, "Follow: {proto},{}", format.name());
    let _ = writeln!(out, "Filter: {proto}.stream eq {}", followed.stream);
    if let Some([node0, node1]) = followed.nodes {
        // tshark brackets both addresses when node 0's is IPv6.
        let bracket = node0.addr.is_ipv6();
        let _ = writeln!(out, "Node 0: {}", Node(node0, bracket));
        let _ = writeln!(out, "Node 1: {}", Node(node1, bracket));
    }
    // Hex offsets count each side's bytes separately.
    let mut position = [0usize; 2];
    for record in &followed.records {
        let indent = if record.node == 1 { "\t" } else { "" };
        let missing_text;
        let bytes: &[u8] = match &record.content {
            FollowContent::Data(bytes) => bytes,
            // tshark's own chunk for acknowledged bytes never captured, NUL included.
            FollowContent::Missing {
                len,
                cause: GapCause::NotCaptured,
            } => {
                missing_text = format!("[{len} bytes missing in capture file]\0");
                missing_text.as_bytes()
            }
            FollowContent::Missing { len, cause } => {
                if format != Format::Raw {
                    let why = match cause {
                        GapCause::CutBySnaplen => "cut by the snap length",
                        _ => "given up: the out-of-order buffer was full",
                    };
                    let _ = writeln!(
                        out,
                        "{indent}[{len} byte{} missing: {why}, frame {}]",
                        if *len == 1 { "" } else { "s" },
                        record.frame
                    );
                }
                continue;
            }
            FollowContent::Overlap(overlap) => {
                if format != Format::Raw {
                    let verdict = if overlap.conflict == 0 {
                        "the same bytes".to_string()
                    } else {
                        format!(
                            "WARNING: {} of them differ, the first copy is kept",
                            overlap.conflict
                        )
                    };
                    let _ = writeln!(
                        out,
                        "{indent}[frame {} sent {} bytes again from seq {}: {verdict}]",
                        overlap.frame, overlap.compared, overlap.seq
                    );
                }
                continue;
            }
        };
        match format {
            Format::Raw => {
                out.push_str(indent);
                for byte in bytes {
                    let _ = write!(out, "{byte:02x}");
                }
                out.push('\n');
            }
            Format::Ascii => {
                let _ = writeln!(out, "{indent}{}", bytes.len());
                for &byte in bytes {
                    let printable = byte == b'\r' || byte == b'\n' || (0x20..0x7f).contains(&byte);
                    out.push(if printable { byte as char } else { '.' });
                }
                out.push('\n');
            }
            Format::Hex => {
                let node = record.node.min(1);
                hex_dump(&mut out, indent, position[node], bytes);
                position[node] += bytes.len();
            }
        }
    }
    out.push_str(SEPARATOR);
    out
}

/// tshark's hex dump: an 8-digit offset, 16 bytes in two groups of 8, then the same bytes
/// as text (`follow_print_hex` in `ui/cli/tap-follow.c`).
fn hex_dump(out: &mut String, indent: &str, offset: usize, bytes: &[u8]) {
    for (index, line) in bytes.chunks(16).enumerate() {
        let start = out.len();
        let _ = write!(out, "{indent}{:08X}  ", offset + index * 16);
        for column in 0..16 {
            match line.get(column) {
                Some(byte) => {
                    let _ = write!(out, "{byte:02x} ");
                }
                None => out.push_str("   "),
            }
            if column == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for (column, &byte) in line.iter().enumerate() {
            out.push(if (0x20..0x7f).contains(&byte) {
                byte as char
            } else {
                '.'
            });
            if column == 7 {
                out.push(' ');
            }
        }
        // tshark's line ends at its last character other than a space.
        let kept = out[start..].trim_end_matches(' ').len();
        out.truncate(start + kept);
        out.push('\n');
    }
}

/// An endpoint as tshark's follow header writes it.
struct Node(Endpoint, bool);

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Node(endpoint, bracket) = self;
        if *bracket {
            write!(f, "[{}]:{}", endpoint.addr, endpoint.port)
        } else {
            write!(f, "{}:{}", endpoint.addr, endpoint.port)
        }
    }
}
