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

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

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

struct Case {
    golden: PathBuf,
    args: Vec<String>,
    /// SVG golden files hold standard output alone.
    picture: bool,
}

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

/// Run every case; under WIRELAB_BLESS=1 write the golden files, otherwise compare and report
/// every mismatch at once.
fn check(cases: Vec<Case>) {
    let bless = std::env::var_os("WIRELAB_BLESS").is_some_and(|v| v == "1");
    let mut failures = String::new();
    for case in cases {
        let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let actual = if case.picture {
            let output = run(&args);
            let (stdout, stderr) = texts(&output);
            assert!(output.status.success(), "wirelab {args:?}: {stderr}");
            stdout
        } else {
            transcript(&args)
        };
        if bless {
            if let Some(dir) = case.golden.parent() {
                fs::create_dir_all(dir).expect("create the golden file's folder");
            }
            fs::write(&case.golden, &actual).expect("write golden file");
            continue;
        }
        match fs::read_to_string(&case.golden) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push_str(&diff(relative(&case.golden), &expected, &actual)),
            Err(error) => {
                let _ = writeln!(failures, "{}: {error}", relative(&case.golden).display());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{failures}\nIf the new output is right: WIRELAB_BLESS=1 cargo test --test ladder, then review git diff tests/golden/ladder book/src"
    );
}

/// The command, its output, its errors, a failing exit status.
fn transcript(args: &[&str]) -> String {
    let output = run(args);
    let (stdout, stderr) = texts(&output);
    let command: Vec<String> = args.iter().map(|arg| shell_quoted(arg)).collect();
    let mut text = format!("$ wirelab {}\n{stdout}", command.join(" "));
    text.push_str(&stderr);
    if let Some(code) = output.status.code().filter(|&code| code != 0) {
        let _ = writeln!(text, "[exit status: {code}]");
    }
    text
}

/// An argument as a shell needs it, so the command line in a golden file can be pasted.
fn shell_quoted(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The first lines where expected and actual differ, with a little context, diff-style.
fn diff(golden: &Path, expected: &str, actual: &str) -> String {
    const CONTEXT: usize = 2;
    const SHOWN: usize = 12;
    let (old, new): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = old
        .iter()
        .zip(&new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(new.len()));
    let mut out = format!(
        "--- {} (expected, {} lines)\n+++ actual ({} lines)\n@@ line {} @@\n",
        golden.display(),
        old.len(),
        new.len(),
        first + 1
    );
    for line in &old[first.saturating_sub(CONTEXT)..first] {
        let _ = writeln!(out, " {line}");
    }
    for line in old.iter().skip(first).take(SHOWN) {
        let _ = writeln!(out, "-{line}");
    }
    for line in new.iter().skip(first).take(SHOWN) {
        let _ = writeln!(out, "+{line}");
    }
    out.push('\n');
    out
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .output()
        .expect("run wirelab")
}

fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn relative(path: &Path) -> &Path {
    path.strip_prefix(ROOT).unwrap_or(path)
}
