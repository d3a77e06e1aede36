//! Golden files for `wirelab ladder`: the text (box drawing and ASCII) and the SVG picture of
//! each sample capture, the pictures the book shows, and the command's errors.
//!
//! A text golden file `tests/golden/ladder/NAME.txt` holds what one command prints, as in
//! tests/golden.rs: the command line, standard output, standard error, and `[exit status: N]`
//! when it fails. An SVG golden file holds the picture alone, so that it can be opened as it is.
//! When the output changes on purpose, rewrite them all and review the change:
//!
//! ```sh
//! WIRELAB_BLESS=1 cargo test --test ladder
//! git diff tests/golden/ladder book/src
//! ```

#[path = "support/golden.rs"]
mod golden;
use golden::{run, texts, Case, ROOT};
use std::fs;
use std::path::{Path, PathBuf};

/// The captures whose conversations the golden files draw, and the options that choose what
/// to draw: a stream, and for long captures a few frames that tell the story.
const CAPTURES: &[(&str, &[&str])] = &[
    ("http-ipv4.pcap", &["--stream", "0"]),
    ("http-ipv6.pcap", &["--stream", "0"]),
    (
        "tcp-loss.pcap",
        &[
            "--stream",
            "0",
            "-Y",
            "frame.number >= 9 && frame.number <= 45",
        ],
    ),
    ("http-keepalive.pcap", &["--stream", "0"]),
    (
        "tcp-reset.pcap",
        &[
            "--width",
            "100",
            "-Y",
            "tcp.len < 100 || tcp.flags.reset == 1",
        ],
    ),
    ("tcp-simultaneous-close.pcap", &["--stream", "0"]),
    (
        "tcp-lossy.pcap",
        &[
            "--stream",
            "0",
            "-Y",
            "frame.number >= 8 && frame.number <= 46",
        ],
    ),
    (
        "tcp-zero-window.pcap",
        &[
            "--stream",
            "0",
            "-Y",
            "frame.number <= 24 || tcp.flags.fin == 1",
        ],
    ),
    ("mqtt.pcap", &["--stream", "2"]),
];

#[test]
fn the_ladder_of_each_capture_matches_its_golden_file() {
    let mut cases = Vec::new();
    for (capture, options) in CAPTURES {
        let path = format!("pcaps/{capture}");
        let mut args = vec!["ladder", path.as_str()];
        args.extend(options.iter());
        cases.push(text_case(&format!("{capture}.txt"), &args));
        let mut ascii = args.clone();
        ascii.push("--ascii");
        cases.push(text_case(&format!("{capture}.ascii.txt"), &ascii));
        let mut svg = args.clone();
        svg.extend(["--svg", "-"]);
        cases.push(svg_case(&golden(&format!("{capture}.svg")), &svg));
    }
    check(cases);
}

#[test]
fn a_trace_with_several_conversations_gets_a_column_per_endpoint() {
    check(vec![
        text_case("udp.pcap.txt", &["ladder", "pcaps/udp.pcap"]),
        text_case(
            "udp.pcap.width-60.txt",
            &["ladder", "pcaps/udp.pcap", "--width", "60"],
        ),
        text_case(
            "http-ipv4.pcap.width-132.txt",
            &["ladder", "pcaps/http-ipv4.pcap", "--width", "132"],
        ),
    ]);
}

#[test]
fn the_book_s_pictures_are_what_the_ladder_draws_now() {
    check(vec![
        svg_case(
            &Path::new(ROOT).join("book/src/tcp-conversation/http-ipv4.svg"),
            &[
                "ladder",
                "pcaps/http-ipv4.pcap",
                "--stream",
                "0",
                "--svg",
                "-",
            ],
        ),
        svg_case(
            &Path::new(ROOT).join("book/src/packet-loss/zero-window.svg"),
            &[
                "ladder",
                "pcaps/tcp-zero-window.pcap",
                "-Y",
                "frame.number >= 3 && frame.number <= 21",
                "--svg",
                "-",
            ],
        ),
    ]);
}

#[test]
fn impossible_requests_are_usage_errors_that_say_what_to_do_instead() {
    check(vec![
        text_case(
            "no-such-stream.txt",
            &["ladder", "pcaps/http-ipv4.pcap", "--stream", "7"],
        ),
        text_case(
            "no-tcp-stream.txt",
            &["ladder", "pcaps/udp.pcap", "--stream", "0"],
        ),
        text_case("too-many-endpoints.txt", &["ladder", "pcaps/mqtt.pcap"]),
        text_case(
            "bad-filter.txt",
            &["ladder", "pcaps/http-ipv4.pcap", "-Y", "tcp.port =="],
        ),
        text_case(
            "too-narrow.txt",
            &["ladder", "pcaps/http-ipv4.pcap", "--width", "30"],
        ),
    ]);
}

#[test]
fn a_width_over_1000_columns_is_a_usage_error_not_gigabytes_of_blank_rows() {
    let output = run(&["ladder", "pcaps/http-ipv4.pcap", "--width", "1000000000"]);
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        stderr, "--width 1000000000: at most 1000 columns\n",
        "{stderr}"
    );
}

#[test]
fn every_line_of_every_stream_fits_the_width() {
    for width in ["60", "80", "100"] {
        for (capture, _) in CAPTURES.iter() {
            let path = format!("pcaps/{capture}");
            let output = run(&["ladder", &path, "--stream", "0", "--width", width]);
            let (stdout, stderr) = texts(&output);
            assert!(output.status.success(), "{capture} at {width}: {stderr}");
            let limit: usize = width.parse().unwrap_or(80);
            for line in stdout.lines() {
                assert!(
                    line.chars().count() <= limit,
                    "{capture} at --width {width}: {line}"
                );
            }
        }
    }
}

#[test]
fn the_svg_file_is_the_picture_printed_with_svg_dash() {
    let dir = std::env::temp_dir().join(format!("wirelab-ladder-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("create temp dir");
    let file = dir.join("http.svg");
    let file_name = file.to_str().unwrap_or_default();
    let written = run(&["ladder", "pcaps/http-ipv4.pcap", "--svg", file_name]);
    let printed = run(&["ladder", "pcaps/http-ipv4.pcap", "--svg", "-"]);
    let text = run(&["ladder", "pcaps/http-ipv4.pcap"]);
    let from_file = fs::read(&file).expect("the SVG file");
    let _ = fs::remove_dir_all(&dir);
    assert!(written.status.success());
    assert_eq!(from_file, printed.stdout);
    assert_eq!(written.stdout, text.stdout, "the text is printed as well");
}

// --- The harness (after tests/golden.rs) -------------------------------------------------------

fn golden(name: &str) -> PathBuf {
    Path::new(ROOT).join("tests/golden/ladder").join(name)
}

fn text_case(name: &str, args: &[&str]) -> Case {
    Case {
        golden: golden(name),
        args: args.iter().map(|a| a.to_string()).collect(),
        picture: false,
    }
}

fn svg_case(golden: &Path, args: &[&str]) -> Case {
    Case {
        golden: golden.to_path_buf(),
        args: args.iter().map(|a| a.to_string()).collect(),
        picture: true,
    }
}

fn check(cases: Vec<Case>) {
    golden::check(cases, "ladder");
}
