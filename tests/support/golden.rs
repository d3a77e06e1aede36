//! What the golden-file tests share (`#[path = "support/golden.rs"] mod golden;`): running
//! wirelab, writing a command and its output as a transcript, and comparing it with the file
//! that holds the expected one — or rewriting that file under `WIRELAB_BLESS=1`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One command and the golden file of its output.
pub struct Case {
    pub golden: PathBuf,
    pub args: Vec<String>,
    /// The golden file holds standard output alone (an SVG picture), not a transcript.
    pub picture: bool,
}

/// Run every case; under WIRELAB_BLESS=1 write the golden files, otherwise compare and report
/// every mismatch at once. `test` names the test target, for the message that says how to
/// bless.
pub fn check(cases: Vec<Case>, test: &str) {
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
        "{failures}\nIf the new output is right: WIRELAB_BLESS=1 cargo test --test {test}, then review git diff"
    );
}

/// What a golden file holds: the command, its output, its errors, a failing exit status.
pub fn transcript(args: &[&str]) -> String {
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
pub fn shell_quoted(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// The first lines where expected and actual differ, with a little context, diff-style.
pub fn diff(golden: &Path, expected: &str, actual: &str) -> String {
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

/// wirelab, run from the repository root.
pub fn wirelab(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wirelab"));
    command.args(args).current_dir(ROOT);
    command
}

pub fn run(args: &[&str]) -> Output {
    wirelab(args)
        .stdin(Stdio::null())
        .output()
        .expect("run wirelab")
}

pub fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A path inside the repository, shown from its root.
pub fn relative(path: &Path) -> &Path {
    path.strip_prefix(ROOT).unwrap_or(path)
}
