//! Golden files for every view of `wirelab dissect`, and the command line's behaviour around
//! them (damaged captures, standard input, bad filters, unknown fields, closed pipes).
//!
//! Each golden file in `tests/golden/VIEW/CAPTURE.txt` holds what one command prints: its
//! standard output, then, if there is any, its standard error, and a last line
//! `[exit status: N]` when it exits non-zero, so that a golden file can never hide an error.
//! The command is the file's first line (`$ wirelab dissect …`).
//!
//! The dissectors keep improving, so the files churn. When the output changes on purpose,
//! rewrite them all and review the change with `git diff tests/golden`:
//!
//! ```sh
//! WIRELAB_BLESS=1 cargo test --test golden
//! ```

#[path = "support/golden.rs"]
mod golden;
use golden::{diff, run, texts, wirelab, Case, ROOT};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// A few captures from tcpdump's test suite, for what pcaps/ does not have: 802.1ad tags,
/// Linux cooked capture, BSD loopback, raw IP, IPv6 extension headers, a link type wirelab does
/// not read (802.11 radiotap), and packets that are cut short or lie about their lengths.
const TCPDUMP: &[&str] = &[
    "dns_tcp.pcap",
    "802.1ad_QinQ.pcap",
    "icmp-cksum-oobr-1.pcap",
    "tcp_rst_diag_payload.pcap",
    "LINKTYPE_RAW_ipv4.pcap",
    "LINKTYPE_IPV6.pcap",
    "ipv6-srh-ext-header.pcap",
    "heapoverflow-tcp_print.pcap",
    "arp-too-long-tha.pcap",
    "reason_code-0.pcap",
];

#[path = "oracle/field_list.rs"]
mod field_list;
use field_list::FIELDS;

// --- Golden files ------------------------------------------------------------------------------
// `case(VIEW, CAPTURE, OPTIONS)`: OPTIONS split at spaces; a filter, which has spaces of its
// own, goes through `filtered`.

#[test]
fn the_summary_of_every_capture_matches_its_golden_file() {
    check(
        all_captures()
            .iter()
            .map(|capture| case("summary", capture, ""))
            .collect(),
    );
}

#[test]
fn the_tree_matches_its_golden_file() {
    // The first frames of the sample captures (enough to see ARP or neighbour discovery, the
    // handshake and the first data) and the whole of the short tcpdump ones keep the golden
    // files readable in a review.
    let mut cases = vec![
        case("tree", &pcap("http-ipv4.pcap"), "-V -c 8"),
        case("tree", &pcap("http-ipv4.pcapng"), "-V -c 4"),
        case("tree", &pcap("http-ipv6.pcap"), "-V -c 8"),
        case("tree", &pcap("ping.pcap"), "-V -c 6"),
        case("tree", &pcap("udp.pcap"), "-V -c 6"),
        case("tree", &pcap("tcp-loss.pcap"), "-V -c 3"),
    ];
    let short = TCPDUMP.iter().filter(|name| **name != "dns_tcp.pcap");
    cases.extend(short.map(|name| case("tree", &tcpdump(name), "-V")));
    check(cases);
}

#[test]
fn the_tree_without_explanations_matches_its_golden_file() {
    check(vec![
        case(
            "tree-no-explain",
            &pcap("http-ipv4.pcap"),
            "-V --no-explain -c 8",
        ),
        case(
            "tree-no-explain",
            &pcap("http-ipv6.pcap"),
            "-V --no-explain -c 8",
        ),
    ]);
}

#[test]
fn the_hex_dump_with_a_highlight_matches_its_golden_file() {
    check(vec![
        case(
            "hex",
            &pcap("http-ipv4.pcap"),
            "-x --highlight tcp.window_size_value -c 6",
        ),
        case("hex", &pcap("ping.pcap"), "-x --highlight icmp.seq -c 4"),
        case(
            "hex",
            &pcap("udp.pcap"),
            "-V -x --highlight udp.length -c 2",
        ),
        case("hex", &tcpdump("reason_code-0.pcap"), "-x"),
    ]);
}

#[test]
fn the_fields_of_every_capture_match_their_golden_file() {
    let options = format!("-T fields -E header=y -e {}", FIELDS.join(" -e "));
    check(
        all_captures()
            .iter()
            .map(|capture| case("fields", capture, &options))
            .collect(),
    );
}

#[test]
fn the_field_options_match_their_golden_file() {
    let options =
        "-T fields -E header=y -E separator=; -E quote=d -E aggregator=/s -E occurrence=a \
                   -e frame.number -e ip.addr -e tcp.port -e tcp.options.sack_le -e tcp -c 40";
    let first =
        "-T fields -E occurrence=f -e ip.addr -e tcp.options.sack_le -e tcp.options.sack_re -c 40";
    check(vec![
        case("fields-options", &pcap("tcp-loss.pcap"), options),
        case("fields-first", &pcap("tcp-loss.pcap"), first),
    ]);
}

#[test]
fn the_json_lines_match_their_golden_file() {
    check(vec![
        case("json", &pcap("http-ipv4.pcap"), "-T json -c 6"),
        case("json", &pcap("ping.pcap"), "-T json -c 4"),
        case("json", &tcpdump("icmp-cksum-oobr-1.pcap"), "-T json"),
        case(
            "json-fields",
            &pcap("http-ipv6.pcap"),
            "-T json -e frame.number -e ipv6.addr -e tcp.flags",
        ),
    ]);
}

#[test]
fn a_display_filter_and_a_count_match_their_golden_files() {
    check(vec![
        filtered("filter", &pcap("http-ipv4.pcap"), "tcp.flags.syn == 1", ""),
        filtered(
            "filter",
            &pcap("tcp-loss.pcap"),
            "tcp.len > 1000 && !(tcp.port == 22)",
            "-c 5",
        ),
        filtered(
            "filter",
            &pcap("http-ipv6.pcap"),
            "ipv6.addr == fd00:99::1 && tcp.flags.fin == 1",
            "-V --no-explain",
        ),
        case("count", &pcap("http-ipv4.pcap"), "-c 3"),
        case(
            "count",
            &pcap("tcp-loss.pcap"),
            "-T fields -e frame.number -e tcp.seq -c 4",
        ),
    ]);
}

// --- Command-line behaviour --------------------------------------------------------------------

#[test]
fn a_damaged_capture_shows_its_frames_then_the_error_and_exits_1() {
    let whole = fs::read(in_repo(&pcap("http-ipv4.pcap"))).expect("pcaps/http-ipv4.pcap");
    let frames = run(&["dissect", &pcap("http-ipv4.pcap")])
        .stdout
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    let damaged = temp_file("damaged.pcap", &whole[..whole.len() - 10]);
    let output = run(&["dissect", damaged.to_str().unwrap_or_default()]);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stdout.lines().count(),
        frames - 1,
        "every frame but the cut one:\n{stdout}"
    );
    let expected = format!("{}: at byte ", damaged.display());
    let _ = fs::remove_file(&damaged);
    assert!(
        stderr.starts_with(&expected),
        "stderr names the file and the offset: {stderr}"
    );
}

#[test]
fn a_file_that_cannot_be_opened_is_named_with_the_system_error() {
    let output = run(&["dissect", "no/such/file.pcap"]);
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with("no/such/file.pcap: "), "{stderr}");
}

#[test]
fn a_dash_reads_the_capture_from_standard_input() {
    let bytes = fs::read(in_repo(&pcap("ping.pcap"))).expect("pcaps/ping.pcap");
    let mut child = wirelab(&["dissect", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(&bytes).expect("write stdin");
    }
    let from_stdin = child.wait_with_output().expect("wait");
    let from_file = run(&["dissect", &pcap("ping.pcap")]);
    assert!(from_stdin.status.success());
    assert!(!from_stdin.stdout.is_empty());
    assert_eq!(texts(&from_stdin).0, texts(&from_file).0);
}

#[test]
fn without_a_file_the_built_in_sample_is_dissected() {
    let sample = run(&["dissect"]);
    let file = run(&["dissect", &pcap("http-ipv4.pcap")]);
    assert!(sample.status.success());
    assert_eq!(texts(&sample).0, texts(&file).0);
}

#[test]
fn a_filter_that_does_not_parse_points_at_the_column_and_exits_2() {
    let output = run(&["dissect", &pcap("ping.pcap"), "-Y", "ip.src == == 1"]);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stdout.is_empty(),
        "nothing is read before the filter parses: {stdout}"
    );
    assert!(stderr.contains('^'), "a caret under the column: {stderr}");
}

#[test]
fn an_unknown_field_is_an_error_that_suggests_close_names() {
    let output = run(&[
        "dissect",
        &pcap("ping.pcap"),
        "-T",
        "fields",
        "-e",
        "frame.numbr",
    ]);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.contains("frame.numbr"), "{stderr}");
    assert!(
        stderr.contains("frame.number"),
        "suggests the close name: {stderr}"
    );
}

#[test]
fn the_summary_is_the_same_whether_or_not_the_tree_is_kept() {
    // Without a filter the summary asks the dissector for the columns only; a filter that
    // matches everything makes it keep the whole tree. The lines must not differ.
    let mut failures = String::new();
    for capture in all_captures() {
        let columns_only = texts(&run(&["dissect", &capture])).0;
        let with_tree = texts(&run(&["dissect", &capture, "-Y", "frame"])).0;
        if columns_only != with_tree {
            failures.push_str(&diff(Path::new(&capture), &columns_only, &with_tree));
        }
    }
    assert!(
        failures.is_empty(),
        "columns only (-) and with the tree (+) differ:\n{failures}"
    );
}

#[test]
fn every_json_line_is_a_json_object() {
    for capture in all_captures() {
        for args in [
            &["-T", "json"][..],
            &["-T", "json", "-e", "ip.addr", "-e", "frame.number"],
        ] {
            let mut full = vec!["dissect", capture.as_str()];
            full.extend(args);
            let output = run(&full);
            for (n, line) in texts(&output).0.lines().enumerate() {
                let value: Result<serde_json::Value, _> = serde_json::from_str(line);
                assert!(
                    value.as_ref().is_ok_and(|v| v.is_object()),
                    "{capture} line {}: {line}\n{value:?}",
                    n + 1
                );
            }
        }
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let mut child = wirelab(&["dissect", "-V", &pcap("tcp-loss.pcap")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first_line = String::new();
    if let Some(stdout) = child.stdout.take() {
        BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("read a line");
        // Dropping the pipe here closes it, as `| head -1` does.
    }
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        pipe.read_to_string(&mut stderr).expect("read stderr");
    }
    let status = child.wait().expect("wait");
    assert!(!first_line.is_empty());
    assert!(status.success(), "exit status {status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_field_list_names_every_field_and_a_protocol_selects_its_own() {
    let all = run(&["fields"]);
    assert!(all.status.success());
    assert!(texts(&all).0.contains("frame.number"));
    let frame = run(&["fields", "frame"]);
    let (stdout, _) = texts(&frame);
    assert!(
        stdout.lines().skip(1).all(|line| line.starts_with("frame")),
        "{stdout}"
    );
    assert_eq!(run(&["fields", "nosuchprotocol"]).status.code(), Some(2));
}

// --- The harness -------------------------------------------------------------------------------

fn case(view: &str, capture: &str, options: &str) -> Case {
    let options: Vec<&str> = options.split_whitespace().collect();
    case_args(view, capture, &options)
}

/// A case with a display filter (`-Y FILTER`) before the other options.
fn filtered(view: &str, capture: &str, filter: &str, options: &str) -> Case {
    let mut all = vec!["-Y", filter];
    all.extend(options.split_whitespace());
    case_args(view, capture, &all)
}

fn case_args(view: &str, capture: &str, options: &[&str]) -> Case {
    let file = Path::new(capture)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(capture);
    let mut args = vec!["dissect".to_string(), capture.to_string()];
    args.extend(options.iter().map(|option| option.to_string()));
    let golden = Path::new(ROOT)
        .join("tests/golden")
        .join(view)
        .join(format!("{file}.txt"));
    Case {
        golden,
        args,
        picture: false,
    }
}

/// A capture in pcaps/, as a path relative to the repository root (where wirelab runs).
fn pcap(name: &str) -> String {
    format!("pcaps/{name}")
}

fn tcpdump(name: &str) -> String {
    format!("tests/data/tcpdump-tests/{name}")
}

/// A repository path as this test process can open it.
fn in_repo(path: &str) -> PathBuf {
    Path::new(ROOT).join(path)
}

/// Every capture in pcaps/, then the tcpdump picks.
fn all_captures() -> Vec<String> {
    let mut captures: Vec<String> = fs::read_dir(in_repo("pcaps"))
        .map(|dir| {
            dir.filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".pcap") || name.ends_with(".pcapng"))
                .map(|name| pcap(&name))
                .collect()
        })
        .unwrap_or_default();
    captures.sort();
    captures.extend(TCPDUMP.iter().map(|name| tcpdump(name)));
    captures
}

/// A file in a temporary directory of this test process (the caller removes it).
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-golden-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join(name);
    fs::write(&path, bytes).expect("write temp file");
    path
}

fn check(cases: Vec<Case>) {
    golden::check(cases, "golden");
}
