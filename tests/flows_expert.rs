//! `wirelab flows` and `wirelab expert`: golden files, and agreement with tshark.
//!
//! The golden files are `tests/golden/flows/CAPTURE.txt` and `tests/golden/expert/CAPTURE.txt`,
//! organised as tests/golden.rs describes (the command on the first line, then standard output
//! and standard error, then `[exit status: N]` if not zero). After a change on purpose:
//!
//! ```sh
//! WIRELAB_BLESS=1 cargo test --test flows_expert
//! ```
//!
//! The tshark checks:
//! - `flows` against `tshark -n -q -z conv,tcp -z conv,udp`: every row tshark prints, up to its
//!   Duration column, must be the start of one of wirelab's rows in the same table, in the same
//!   order. wirelab's rows go on with three columns of its own. Over all of tcpdump's
//!   captures the two differ only where wirelab does not see the packets: link types and
//!   tunnels it does not dissect (ARCNET, PKTAP, Geneve, VXLAN, ERSPAN, MPLS), UDP datagrams
//!   in IP fragments (tshark reassembles them, or hands an unreassembled first fragment to
//!   UDP anyway; wirelab's analysis sees no datagram in a fragment), and a segment whose
//!   options tshark gives up on before its conversation tap runs (mptcp-dss-oobr.pcap).
//! - `expert` against `tshark -q -z expert` with checksum verification switched on (tshark does
//!   not verify checksums by default; wirelab always does): the items this test owns (the TCP
//!   connection chats, the FIN notes, bad checksums, TTL notes) must have the same frequencies.
//!   Items of the sequence analysis and of application protocols are other tests' concern, and
//!   malformed packets are compared field by field by tests/tshark_oracle.rs.
//!
//! Without tshark these checks print why and pass, except under `CI=true`, where they fail.

#[path = "support/golden.rs"]
mod golden;
use golden::{run, Case, ROOT};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// The sample captures, and tcpdump's captures with TCP handshakes, resets, UDP, bad checksums,
/// a retransmitted FIN (ssh.pcap) and a segment with every flag set.
const CAPTURES: &[&str] = &[
    "pcaps/http-ipv4.pcap",
    "pcaps/http-ipv6.pcap",
    "pcaps/ping.pcap",
    "pcaps/udp.pcap",
    "pcaps/tcp-loss.pcap",
    "tests/data/tcpdump-tests/dns_tcp.pcap",
    "tests/data/tcpdump-tests/tcp_rst_diag_payload.pcap",
    "tests/data/tcpdump-tests/LINKTYPE_RAW_ipv4.pcap",
    "tests/data/tcpdump-tests/ipv6-srh-ext-header.pcap",
    "tests/data/tcpdump-tests/icmp-cksum-oobr-1.pcap",
    "tests/data/tcpdump-tests/ssh.pcap",
    "tests/data/tcpdump-tests/tcp_eight_lowest_weight_flags_set.pcap",
];

// --- Golden files ------------------------------------------------------------------------------

#[test]
fn the_conversation_table_of_every_sample_matches_its_golden_file() {
    check_golden("flows", &[]);
}

#[test]
fn the_expert_summary_with_frames_matches_its_golden_file() {
    check_golden("expert", &["--frames"]);
}

#[test]
fn without_a_file_flows_reads_the_built_in_sample() {
    let sample = run(&["flows"]);
    let file = run(&["flows", "pcaps/http-ipv4.pcap"]);
    assert!(sample.status.success());
    assert_eq!(sample.stdout, file.stdout);
}

#[test]
fn a_file_that_cannot_be_opened_is_named_and_exits_1() {
    for command in ["flows", "expert"] {
        let output = run(&[command, "no/such/file.pcap"]);
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("no/such/file.pcap: "), "{stderr}");
    }
}

#[test]
fn a_damaged_capture_shows_the_frames_before_the_damage_then_the_error_and_exits_1() {
    let whole = fs::read(Path::new(ROOT).join("pcaps/http-ipv4.pcap")).expect("read the sample");
    // Cut the last frame in the middle of its bytes.
    let cut = &whole[..whole.len() - 20];
    let damaged =
        std::env::temp_dir().join(format!("wirelab-flows-damaged-{}.pcap", std::process::id()));
    fs::write(&damaged, cut).expect("write the damaged capture");
    let path = damaged.to_str().unwrap_or_default();
    for command in ["flows", "expert"] {
        let output = run(&[command, path]);
        assert_eq!(output.status.code(), Some(1), "{command}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with(path), "{command}: {stderr}");
        match command {
            // 13 of the 14 frames: the SYN to the client's FIN, without the last ACK.
            "flows" => assert!(stdout.contains("10.99.0.1:40080"), "{stdout}"),
            _ => assert!(stdout.contains("Connection finish (FIN)"), "{stdout}"),
        }
    }
    let _ = fs::remove_file(&damaged);
}

/// Each capture's `wirelab COMMAND CAPTURE OPTIONS…` against
/// `tests/golden/COMMAND/CAPTURE.txt`.
fn check_golden(command: &str, options: &[&str]) {
    let cases = CAPTURES
        .iter()
        .map(|capture| {
            let name = Path::new(capture)
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or(capture);
            let mut args = vec![command.to_string(), capture.to_string()];
            args.extend(options.iter().map(|option| option.to_string()));
            Case {
                golden: Path::new(ROOT)
                    .join("tests/golden")
                    .join(command)
                    .join(format!("{name}.txt")),
                args,
                picture: false,
            }
        })
        .collect();
    golden::check(cases, "flows_expert");
}

// --- tshark ------------------------------------------------------------------------------------

/// tshark's output, or `None` (with the reason printed) when it is not installed outside CI.
fn tshark(args: &[&str]) -> Option<String> {
    let program = std::env::var("TSHARK").unwrap_or_else(|_| "tshark".to_string());
    match Command::new(&program)
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .output()
    {
        Ok(output) if output.status.success() => {
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Ok(output) => panic!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(error) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but {program} cannot run: {error}")
        }
        Err(error) => {
            eprintln!("skipped: {program} cannot run ({error}); install tshark to compare");
            None
        }
    }
}

/// The rows of each table (`TCP`, `UDP`) of a `-z conv` style output, in order.
fn conversation_rows(text: &str) -> Vec<(String, Vec<String>)> {
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_suffix(" Conversations") {
            tables.push((name.to_string(), Vec::new()));
        } else if line.contains(" <-> ") {
            if let Some((_, rows)) = tables.last_mut() {
                rows.push(line.trim_end().to_string());
            }
        }
    }
    tables.sort();
    tables
}

#[test]
fn flows_agrees_with_tshark_conv_on_every_conversation() {
    let mut failures = String::new();
    let mut compared = 0;
    for capture in CAPTURES {
        let Some(expected) = tshark(&[
            "-n", "-q", "-r", capture, "-z", "conv,tcp", "-z", "conv,udp",
        ]) else {
            return;
        };
        let ours = String::from_utf8_lossy(&run(&["flows", capture]).stdout).into_owned();
        let (theirs, ours) = (conversation_rows(&expected), conversation_rows(&ours));
        let names = |tables: &[(String, Vec<String>)]| -> Vec<String> {
            tables.iter().map(|(name, _)| name.clone()).collect()
        };
        if names(&theirs) != names(&ours) {
            let _ = writeln!(
                failures,
                "{capture}: tables {:?} vs {:?}",
                names(&theirs),
                names(&ours)
            );
            continue;
        }
        for ((table, their_rows), (_, our_rows)) in theirs.iter().zip(&ours) {
            if their_rows.len() != our_rows.len() {
                let _ = writeln!(
                    failures,
                    "{capture} {table}: tshark has {} conversations, wirelab {}",
                    their_rows.len(),
                    our_rows.len()
                );
                continue;
            }
            for (theirs, ours) in their_rows.iter().zip(our_rows) {
                compared += 1;
                if !ours.starts_with(theirs.as_str()) {
                    let _ = writeln!(
                        failures,
                        "{capture} {table}:\n  tshark:  {theirs}\n  wirelab: {ours}"
                    );
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
    assert!(compared >= 10, "only {compared} conversations compared");
}

/// The items of an expert summary whose summary starts with one of `owned`, as
/// `(severity table, protocol, summary) → frequency` lines, sorted.
fn owned_items(text: &str, owned: &[&str]) -> Vec<String> {
    let mut table = String::new();
    let mut items = Vec::new();
    for line in text.lines() {
        if let Some((title, _)) = line.split_once(" (") {
            if ["Errors", "Warns", "Notes", "Chats", "Comments"].contains(&title) {
                table = title.to_string();
                continue;
            }
        }
        let mut words = line.split_whitespace();
        let (Some(frequency), Some(_)) = (words.next(), words.next()) else {
            continue;
        };
        if frequency.parse::<u64>().is_err() {
            continue;
        }
        // Columns: frequency (12), group (10), protocol (18), then two spaces and the summary.
        let Some(rest) = line.get(12 + 1 + 10 + 1..) else {
            continue;
        };
        let (protocol, summary) = rest.split_at(18.min(rest.len()));
        let summary = summary.trim_start().split("   [frame").next().unwrap_or("");
        if owned.iter().any(|prefix| summary.starts_with(prefix)) {
            items.push(format!(
                "{table} {} {summary} ×{frequency}",
                protocol.trim()
            ));
        }
    }
    items.sort();
    items
}

#[test]
fn expert_agrees_with_tshark_on_connection_checksum_and_ttl_items() {
    const OWNED: &[&str] = &[
        "Connection establish request (SYN)",
        "Connection establish acknowledge (SYN+ACK)",
        "Connection finish (FIN)",
        "Connection reset (RST)",
        "This frame initiates the connection closing",
        "This frame undergoes the connection closing",
        "Bad checksum",
        "Illegal checksum value",
        "\"Time To Live\"",
    ];
    let mut failures = String::new();
    let mut compared = 0;
    for capture in CAPTURES {
        let Some(expected) = tshark(&[
            "-n",
            "-q",
            "-r",
            capture,
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
            "-o",
            "ip.check_checksum:TRUE",
            "-z",
            "expert",
        ]) else {
            return;
        };
        let ours = String::from_utf8_lossy(&run(&["expert", capture]).stdout).into_owned();
        let (theirs, ours) = (owned_items(&expected, OWNED), owned_items(&ours, OWNED));
        compared += theirs.len();
        if theirs != ours {
            let _ = writeln!(
                failures,
                "{capture}:\n  tshark:  {theirs:?}\n  wirelab: {ours:?}"
            );
        }
    }
    assert!(failures.is_empty(), "{failures}");
    assert!(compared >= 20, "only {compared} expert lines compared");
}
