//! The command line, declared with clap's derive API. Option letters follow tshark's where the
//! two tools do the same thing (`-V`, `-x`, `-T`, `-e`, `-E`, `-Y`, `-c`), so that what a
//! student types here also works there.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// wirelab: a toolkit for teaching networking.
#[derive(Parser, Debug)]
#[command(name = "wirelab", version, about, propagate_version = false)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Dissect a capture: one line per frame, or every field explained (-V).
    Dissect(DissectArgs),
    /// List every field wirelab knows: its name (for -e and -Y), type, label and meaning.
    Fields(FieldsArgs),
    /// The conversation table: TCP and UDP streams, how each began and ended, what they carry.
    Flows(crate::flows::FlowsArgs),
    /// The expert summary: what went wrong or deserves a look, by severity, with frame numbers.
    Expert(crate::expert::ExpertArgs),
    /// One stream's bytes, reassembled in order, each side marked; gaps and overlaps shown.
    Follow(crate::follow::FollowArgs),
    /// A ladder (sequence) diagram of a stream, with each endpoint's TCP state in its margin.
    Ladder(crate::ladder::LadderArgs),
    /// Make an RSA key pair, step by step.
    Keygen(crate::crypto::KeygenArgs),
    /// RSA encryption, decryption, signatures and their verification (PKCS#1 v1.5, PSS).
    Rsa(crate::crypto::RsaArgs),
    /// A finite-field Diffie-Hellman exchange with every value shown; DH key files.
    Dh(crate::crypto::DhArgs),
    /// An elliptic-curve Diffie-Hellman exchange (X25519, P-256).
    Ecdh(crate::crypto::EcdhArgs),
    /// TLS 1.2: a client and a server that show every message and secret.
    Tls(crate::tls::TlsArgs),
    /// The terminal UI: packets, fields, bytes, ladder, TCP state, conversations, follow.
    Tui(crate::tui::TuiArgs),
    /// Lessons on a simulated link: handshakes, closes, windows, loss, congestion, step by step.
    Demo(crate::demo::DemoArgs),
    /// wirelab's own TCP/IP stack on a TAP device: serve, get, ping, udp-echo.
    Stack(crate::stack::StackArgs),
}

/// The output formats of `-T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text: the summary, the -V tree, the -x dump.
    Text,
    /// The values of the -e fields, tab-separated, one line per frame (as tshark -T fields).
    Fields,
    /// JSON Lines: one object per frame, the layers nested as in tshark -T json.
    Json,
}

#[derive(Args, Debug)]
pub struct DissectArgs {
    /// A pcap or pcapng file; `-` reads standard input. Without it, the sample capture
    /// pcaps/http-ipv4.pcap built into wirelab.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,

    /// Show the full tree: every field with its value, its byte range and what it means.
    #[arg(short = 'V', long = "verbose")]
    pub tree: bool,

    /// With -V: leave out the explanations.
    #[arg(long)]
    pub no_explain: bool,

    /// Show the bytes of each frame as hex and ASCII.
    #[arg(short = 'x', long = "hex")]
    pub hex: bool,

    /// With -x: mark the bytes of this field (e.g. tcp.window_size_value) in the dump.
    #[arg(long, value_name = "FIELD")]
    pub highlight: Option<String>,

    /// Output format.
    #[arg(short = 'T', value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// A field to print with -T fields or -T json (repeatable). Implies -T fields.
    #[arg(short = 'e', value_name = "FIELD")]
    pub fields: Vec<String>,

    /// A -T fields option, as tshark's: header=y|n, separator=/t|/s|C, occurrence=f|l|a|N,
    /// aggregator=,|/s|C, quote=d|s|n, bom=y|n (repeatable).
    #[arg(short = 'E', value_name = "OPTION=VALUE")]
    pub field_options: Vec<String>,

    /// Show only the frames this display filter matches, e.g. 'tcp.flags.syn == 1 && tcp.flags.ack == 0'.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub filter: Option<String>,

    /// Stop after showing this many frames.
    #[arg(short = 'c', long = "count", value_name = "N")]
    pub count: Option<u64>,

    /// Decrypt TLS 1.2 with this key log (NSS format, as SSLKEYLOGFILE writes it).
    #[arg(long = "tls-keylog", value_name = "FILE")]
    pub tls_keylog: Option<String>,
}

#[derive(Args, Debug)]
pub struct FieldsArgs {
    /// Only this protocol's fields (e.g. tcp).
    #[arg(value_name = "PROTOCOL")]
    pub protocol: Option<String>,
}
