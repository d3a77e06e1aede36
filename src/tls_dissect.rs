//! `wirelab tls dissect FILE [--keylog FILE] [--rsa-key FILE] [--stream N]`: each TLS stream of
//! a capture, record by record, as a tree with Wireshark's `tls.*` names; with the secrets,
//! the keys derived and the protected records decrypted.
//!
//! ```text
//!  pass 1: which TCP streams carry TLS (the stream probe)
//!  pass 2, per TLS stream: its bytes in order (as `wirelab follow`) ─▶ records ─▶ Session
//!          ─▶ the record's tree (app::tls::dissect) + what the session computed
//! ```
//!
//! The forward-secrecy lesson: the server's RSA private key opens a recording of an RSA key
//! exchange (the pre-master secret travelled encrypted to that key), but not one of (EC)DHE,
//! where the pre-master secret came from fresh Diffie-Hellman keys that no file holds.

use crate::input::Rereadable;
use crate::trace;
use crate::{output_error, Failure};
use clap::Args;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;
use wirelab_analyze::app::tls::{self, Secrets, Session};
use wirelab_analyze::stream::{AppProtocol, FollowContent, Proto, StreamOptions};
use wirelab_analyze::Analyzer;
use wirelab_crypto::rsa::keyfile::{read_key, KeyFile};
use wirelab_tls::keylog::KeyLog;
use wirelab_wire::format::write_tree_value;
use wirelab_wire::{Dissection, FieldType, Value};

#[derive(Args, Debug)]
pub struct TlsDissectArgs {
    /// A pcap or pcapng file; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: String,
    /// A key log in NSS format (`CLIENT_RANDOM <client random> <master secret>`, as written
    /// by SSLKEYLOGFILE or `openssl s_client -keylogfile`).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<String>,
    /// The server's RSA private key (PEM or DER): decrypts an RSA key exchange, never (EC)DHE.
    #[arg(long = "rsa-key", value_name = "FILE")]
    pub rsa_key: Option<String>,
    /// Only this TCP stream (`tcp.stream`).
    #[arg(long, value_name = "N")]
    pub stream: Option<u32>,
    /// One line per record, with what was decrypted and what the session worked out, but not
    /// the record's tree.
    #[arg(long)]
    pub brief: bool,
}

pub fn run(args: &TlsDissectArgs) -> Result<(), Failure> {
    let secrets = Secrets {
        keylog: args
            .keylog
            .as_deref()
            .map(read_keylog)
            .transpose()?
            .map(Arc::new),
        rsa_key: args
            .rsa_key
            .as_deref()
            .map(read_rsa_key)
            .transpose()?
            .map(Arc::new),
    };
    let capture = Rereadable::new(&args.file)?;
    let streams = tls_streams(&capture)?;
    let chosen: Vec<u32> = match args.stream {
        Some(n) if streams.contains(&n) => vec![n],
        Some(n) => {
            return Err(Failure::Input(format!(
                "{}: TCP stream {n} does not carry TLS (TLS streams: {})",
                args.file,
                list(&streams)
            )))
        }
        None => streams,
    };
    let mut text = String::new();
    if chosen.is_empty() {
        text.push_str("no TLS stream in this capture\n");
    }
    for stream in chosen {
        dissect_stream(&capture, stream, &secrets, args.brief, &mut text)?;
    }
    io::stdout()
        .write_all(text.as_bytes())
        .or_else(output_error)
}

fn list(streams: &[u32]) -> String {
    if streams.is_empty() {
        return "none".to_string();
    }
    streams
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The secrets of `wirelab dissect --tls-keylog FILE`.
pub fn keylog_secrets(path: &str) -> Result<Secrets, Failure> {
    Ok(Secrets {
        keylog: Some(Arc::new(read_keylog(path)?)),
        rsa_key: None,
    })
}

/// A key log file, in the NSS format (see `wirelab_tls::keylog`).
fn read_keylog(path: &str) -> Result<KeyLog, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Input(format!("{path}: {e}")))?;
    KeyLog::parse(&text).map_err(|e| Failure::Input(format!("key log {path}: {e}")))
}

fn read_rsa_key(path: &str) -> Result<wirelab_crypto::rsa::PrivateKey, Failure> {
    let bytes =
        std::fs::read(path).map_err(|e| Failure::Input(format!("--rsa-key {path}: {e}")))?;
    match read_key(&bytes) {
        Ok(KeyFile::Private(key)) => Ok(key),
        Ok(KeyFile::Public(_)) => Err(Failure::Input(format!(
            "--rsa-key {path}: a public key; decryption needs the private key"
        ))),
        Err(e) => Err(Failure::Input(format!("--rsa-key {path}: {e}"))),
    }
}

/// The TCP streams the probe found to be TLS.
fn tls_streams(capture: &Rereadable) -> Result<Vec<u32>, Failure> {
    let mut analyzer = Analyzer::default();
    trace::analyze_input(
        capture.open()?,
        &mut analyzer,
        Dissection::columns_only(),
        |_, _, _| Ok(()),
    )?;
    let (tcp, _) = analyzer.streams.stream_counts();
    Ok((0..tcp)
        .filter(|&n| {
            matches!(analyzer.streams.app_protocol(n), Some(Some(id)) if id.protocol == AppProtocol::Tls)
        })
        .collect())
}

fn dissect_stream(
    capture: &Rereadable,
    stream: u32,
    secrets: &Secrets,
    brief: bool,
    text: &mut String,
) -> Result<(), Failure> {
    let options = StreamOptions {
        follow: Some((Proto::Tcp, stream)),
        ..StreamOptions::default()
    };
    let mut analyzer = Analyzer::new(options);
    trace::analyze_input(
        capture.open()?,
        &mut analyzer,
        Dissection::columns_only(),
        |_, _, _| Ok(()),
    )?;
    let Some(followed) = analyzer.streams.followed() else {
        return Ok(());
    };
    let nodes = followed
        .nodes
        .map(|n| n.map(|e| std::net::SocketAddr::new(e.addr, e.port).to_string()));
    let _ = writeln!(text, "TLS stream {stream}");
    if let Some(nodes) = &nodes {
        let _ = writeln!(text, "  node 0: {}\n  node 1: {}", nodes[0], nodes[1]);
    }
    let mut session = Session::new(secrets.clone());
    let mut buffers: [Vec<u8>; 2] = Default::default();
    let mut broken = [false; 2];
    let mut said_why = false;
    for record in &followed.records {
        let node = record.node.min(1);
        match &record.content {
            FollowContent::Data(bytes) if !broken[node] => buffers[node].extend_from_slice(bytes),
            FollowContent::Missing { len, .. } if !broken[node] => {
                broken[node] = true;
                let _ = writeln!(text, "\nframe {}: {len} bytes missing from node {node}: the rest of its records cannot be read", record.frame);
            }
            _ => continue,
        }
        while !broken[node] {
            match tls::message_len(&buffers[node]) {
                Ok(Some(len)) => {
                    let bytes: Vec<u8> = buffers[node].drain(..len).collect();
                    let view = session.record(node, &bytes);
                    write_record(text, record.frame, &bytes, &view, brief, &mut said_why);
                }
                Ok(None) => break,
                Err(error) => {
                    broken[node] = true;
                    let _ = writeln!(
                        text,
                        "\nframe {}: node {node} stops being TLS ({error})",
                        record.frame
                    );
                }
            }
        }
    }
    text.push('\n');
    Ok(())
}

/// `brief`: leave out the tree, except the decrypted plaintext. `said_why`: whether this
/// stream already said why its records are not decrypted.
fn write_record(
    text: &mut String,
    frame: u64,
    bytes: &[u8],
    view: &tls::RecordView,
    brief: bool,
    said_why: &mut bool,
) {
    let mut d = Dissection::new();
    tls::dissect(bytes, None, view, &mut d);
    let from = match view.from_client {
        Some(true) => "client → server",
        Some(false) => "server → client",
        None => "",
    };
    let _ = writeln!(
        text,
        "\nframe {frame}, node {} {from}: {}",
        view.node, d.info
    );
    for item in d.items.iter().skip(1) {
        if brief && item.def.name != "wirelab.tls.decrypted" {
            continue;
        }
        let indent = if brief {
            "    ".to_string()
        } else {
            "    ".repeat(usize::from(item.depth))
        };
        let mut line = String::new();
        if let Some(title) = d.title(item) {
            line.push_str(title);
        } else if item.value == Value::None || item.def.ftype == FieldType::Protocol {
            line.push_str(item.def.label);
        } else {
            let _ = write!(line, "{}: ", item.def.label);
            let _ = write_tree_value(&mut line, item, &d, &[]);
        }
        let generated = item.is_generated();
        let (open, close) = if generated { ("[", "]") } else { ("", "") };
        let _ = writeln!(text, "{indent}{open}{line}{close}  ({})", item.def.name);
    }
    if let Some(verified) = view.body_verified() {
        let _ = writeln!(
            text,
            "    {}",
            if verified {
                "Finished: verify_data checked, it matches the handshake (RFC 5246 §7.4.9)"
            } else {
                "Finished: verify_data does NOT match the handshake"
            }
        );
    }
    for note in &view.notes {
        let _ = writeln!(text, "    * {note}");
    }
    if let Some(problem) = &view.decrypt_problem {
        if *said_why {
            let _ = writeln!(text, "    not decrypted (see above)");
        } else {
            let _ = writeln!(text, "    not decrypted: {problem}");
            *said_why = true;
        }
    }
}
