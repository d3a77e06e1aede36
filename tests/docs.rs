//! Every command output shown in README.md and the book is real: this test runs each command and
//! compares what it prints with what the page shows.
//!
//! A checked block is a fenced block whose info string is `console`, made of command lines that
//! start with `$ wirelab ` and, after each, the exact output:
//!
//! ````text
//! ```console
//! $ wirelab dissect pcaps/http-ipv4.pcap -c 3
//! <what that command prints>
//! ```
//! ````
//!
//! Commands run from the repository root with the `wirelab` binary this build made. Arguments
//! may be quoted as in a shell (`-Y 'tcp.flags.syn == 1'`); redirections are not supported.
//! To show part of a long output, pipe it through filters that a reader's shell runs the same
//! way: `| grep -F -e TEXT [-e TEXT…]` (lines containing any TEXT), `| sed -n 'A,Bp'` (lines
//! A to B), `| head -n N` and `| tail -n N`. Standard error follows standard output
//! (unfiltered), and a command that exits non-zero ends with a line `[exit status: N]`, so a
//! page can show an error on purpose but never by accident.
//!
//! When the output changes on purpose, rewrite every block with the real output:
//!
//! ```sh
//! WIRELAB_DOCS_REGENERATE=1 cargo test --test docs
//! ```
//!
//! `WIRELAB_DOCS_ONLY=TEXT` checks (or rewrites) only the files whose path contains TEXT, so that
//! regenerating one chapter leaves the others as they are.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const FENCE_OPEN: &str = "```console";
const FENCE_CLOSE: &str = "```";
const PROMPT: &str = "$ ";

/// One command of a console block and the output the page shows for it.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    /// 1-based line of the `$ ` line in its file.
    line: usize,
    /// The command as written after `$ `.
    command: String,
    /// The output lines as written (no trailing newline).
    output: Vec<String>,
}

/// A Markdown file cut into plain text and console commands, so that it can be checked and
/// written back with new outputs.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Command(Shown),
}

/// Split a Markdown file into text and the commands of its `console` blocks.
fn parse(markdown: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut in_block = false;
    let mut current: Option<Shown> = None;
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        if !in_block {
            text.push_str(line);
            text.push('\n');
            if line.trim_end() == FENCE_OPEN {
                in_block = true;
            }
            continue;
        }
        if line.trim_end() == FENCE_CLOSE {
            if let Some(shown) = current.take() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::Command(shown));
            } else {
                return Err(format!(
                    "line {number}: a console block with no `$ wirelab` command"
                ));
            }
            text.push_str(line);
            text.push('\n');
            in_block = false;
        } else if let Some(command) = line.strip_prefix(PROMPT) {
            if !command.starts_with("wirelab ") && command != "wirelab" {
                return Err(format!(
                    "line {number}: a console block may only run wirelab, found `{command}`"
                ));
            }
            if let Some(shown) = current.take() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::Command(shown));
            }
            current = Some(Shown {
                line: number,
                command: command.to_string(),
                output: Vec::new(),
            });
        } else if let Some(shown) = current.as_mut() {
            shown.output.push(line.to_string());
        } else {
            return Err(format!(
                "line {number}: a console block must start with `$ wirelab`"
            ));
        }
    }
    if in_block {
        return Err("the file ends inside a console block".to_string());
    }
    pieces.push(Piece::Text(text));
    Ok(pieces)
}

/// Write the pieces back as Markdown: the inverse of `parse` (up to a final newline).
fn unparse(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Command(shown) => {
                out.push_str(PROMPT);
                out.push_str(&shown.command);
                out.push('\n');
                for line in &shown.output {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Split a command line into words as a POSIX shell would for simple commands: blanks separate
/// words, '…' quotes everything, "…" quotes all but `\"` and `\\`, and a backslash outside
/// quotes escapes the next character. Anything that needs a real shell is refused.
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated ' in `{line}`")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unterminated \" in `{line}`")),
                        },
                        Some('$' | '`') => {
                            return Err(format!("no expansions in docs commands: `{line}`"))
                        }
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated \" in `{line}`")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => word.push(c),
                    None => return Err(format!("trailing backslash in `{line}`")),
                }
            }
            '|' | '>' | '<' | ';' | '&' | '$' | '`' | '*' | '?' | '(' | ')' => {
                return Err(format!(
                    "`{c}` needs a shell; docs commands run without one: `{line}`"
                ))
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Cuts `wirelab … | filter | filter` at its unquoted single `|` (a `||` stays: filters use it).
fn split_pipeline(line: &str) -> Vec<&str> {
    let (mut stages, mut start, mut quote) = (Vec::new(), 0, None);
    for (i, b) in line.bytes().enumerate() {
        match (quote, b) {
            (None, b'\'' | b'"') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'|') if !line[i..].starts_with("||") && !line[..i].ends_with('|') => {
                stages.push(line[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    stages.push(line[start..].trim());
    stages
}

/// Applies one filter stage, as grep, sed or head would.
fn filter(stage: &str, mut lines: Vec<String>) -> Result<Vec<String>, String> {
    let words = shell_words(stage)?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["grep", "-F", rest @ ..] if !rest.is_empty() && rest.len() % 2 == 0 => {
            let mut texts = Vec::new();
            for pair in rest.chunks(2) {
                match pair {
                    ["-e", text] => texts.push(*text),
                    _ => return Err(format!("`{stage}`: expected -e TEXT pairs")),
                }
            }
            Ok(lines
                .into_iter()
                .filter(|l| texts.iter().any(|t| l.contains(t)))
                .collect())
        }
        ["sed", "-n", range] => {
            let bad = || format!("`{stage}`: expected sed -n 'A,Bp'");
            let (from, to) = range
                .strip_suffix('p')
                .and_then(|r| r.split_once(','))
                .ok_or_else(bad)?;
            let from: usize = from.parse().map_err(|_| bad())?;
            let to: usize = to.parse().map_err(|_| bad())?;
            Ok(lines
                .into_iter()
                .skip(from.saturating_sub(1))
                .take((to + 1).saturating_sub(from))
                .collect())
        }
        ["head", "-n", n] => {
            let n: usize = n.parse().map_err(|_| format!("`{stage}`: not a count"))?;
            Ok(lines.into_iter().take(n).collect())
        }
        ["tail", "-n", n] => {
            let n: usize = n.parse().map_err(|_| format!("`{stage}`: not a count"))?;
            Ok(lines.split_off(lines.len().saturating_sub(n)))
        }
        _ => Err(format!(
            "`{stage}`: docs filters are grep -F -e TEXT…, sed -n 'A,Bp', head -n N, tail -n N"
        )),
    }
}

/// Run one docs command from the repository root and return what a reader would see.
fn run(command: &str) -> Result<Vec<String>, String> {
    let stages = split_pipeline(command);
    let (command, filters) = stages.split_first().unwrap_or((&"", &[]));
    let words = shell_words(command)?;
    let args = words.get(1..).unwrap_or(&[]);
    let output = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_BACKTRACE")
        .output()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    for stage in filters {
        lines = filter(stage, lines)?;
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    lines.extend(stderr.lines().map(str::to_string));
    if let Some(code) = output.status.code().filter(|&code| code != 0) {
        lines.push(format!("[exit status: {code}]"));
    } else if !output.status.success() {
        lines.push(format!("[killed: {}]", output.status));
    }
    Ok(lines)
}

/// Unchanged lines shown around each change in a diff.
const CONTEXT: usize = 2;

/// A line diff (longest common subsequence): ` ` both, `-` only on the page, `+` only in the
/// real output. Runs of unchanged lines far from any change are cut to `  …`.
fn diff(page: &[String], real: &[String]) -> String {
    let (n, m) = (page.len(), real.len());
    // lcs[i][j] = length of the longest common subsequence of page[i..] and real[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if page[i] == real[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut lines: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && page[i] == real[j] {
            lines.push((' ', &page[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', &page[i]));
            i += 1;
        } else {
            lines.push(('+', &real[j]));
            j += 1;
        }
    }
    let near_change = |k: usize| {
        let from = k.saturating_sub(CONTEXT);
        let to = (k + CONTEXT + 1).min(lines.len());
        lines[from..to].iter().any(|(mark, _)| *mark != ' ')
    };
    let mut out = String::new();
    let mut cut = false;
    for (k, (mark, line)) in lines.iter().enumerate() {
        if near_change(k) {
            let _ = writeln!(out, "{mark} {line}");
            cut = false;
        } else if !cut {
            out.push_str("  …\n");
            cut = true;
        }
    }
    out
}

/// README.md and every Markdown file under book/src, in a stable order.
fn doc_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("book/src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_console_block_in_the_readme_and_the_book_shows_the_real_output() {
    let regenerate = std::env::var_os("WIRELAB_DOCS_REGENERATE").is_some_and(|v| v != "0");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = String::new();
    let only = std::env::var("WIRELAB_DOCS_ONLY").unwrap_or_default();
    let mut checked = 0;
    for path in doc_files() {
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if !name.contains(&only) {
            continue;
        }
        let markdown =
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        let mut pieces = match parse(&markdown) {
            Ok(pieces) => pieces,
            Err(e) => {
                let _ = writeln!(failures, "{name}: {e}");
                continue;
            }
        };
        let mut changed = false;
        for piece in &mut pieces {
            let Piece::Command(shown) = piece else {
                continue;
            };
            checked += 1;
            let real = match run(&shown.command) {
                Ok(real) => real,
                Err(e) => {
                    let _ = writeln!(failures, "{name}:{}: {e}", shown.line);
                    continue;
                }
            };
            if real == shown.output {
                continue;
            }
            if regenerate {
                if real
                    .last()
                    .is_some_and(|l| l.starts_with("[exit status") || l.starts_with("[killed"))
                {
                    eprintln!(
                        "note: {name}:{}: `{}` fails; check that it should",
                        shown.line, shown.command
                    );
                }
                shown.output = real;
                changed = true;
            } else {
                let _ = writeln!(
                    failures,
                    "{name}:{}: `$ {}` prints something else (- page, + real):\n{}",
                    shown.line,
                    shown.command,
                    diff(&shown.output, &real)
                );
            }
        }
        if changed {
            fs::write(&path, unparse(&pieces))
                .unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
            eprintln!("rewrote the outputs in {name}");
        }
    }
    assert!(
        checked > 0,
        "no console blocks found in README.md or book/src"
    );
    assert!(
        failures.is_empty(),
        "{failures}\nIf the new output is right: WIRELAB_DOCS_REGENERATE=1 cargo test --test docs"
    );
}

#[test]
fn shell_words_splits_like_a_shell_for_simple_commands() {
    let words =
        shell_words(r#"wirelab dissect x.pcap -Y 'tcp.flags.syn == 1' -e "a b" c\ d"#).unwrap();
    assert_eq!(
        words,
        [
            "wirelab",
            "dissect",
            "x.pcap",
            "-Y",
            "tcp.flags.syn == 1",
            "-e",
            "a b",
            "c d"
        ]
    );
    assert_eq!(
        shell_words("wirelab   fields  tcp ").unwrap(),
        ["wirelab", "fields", "tcp"]
    );
    assert_eq!(shell_words("wirelab ''").unwrap(), ["wirelab", ""]);
}

#[test]
fn shell_words_refuses_what_needs_a_real_shell() {
    assert!(shell_words("wirelab dissect x.pcap | head").is_err());
    assert!(shell_words("wirelab dissect x.pcap > out").is_err());
    assert!(shell_words("wirelab dissect $FILE").is_err());
    assert!(shell_words("wirelab dissect 'unterminated").is_err());
}

#[test]
fn a_pipeline_keeps_the_lines_that_grep_sed_and_head_would_keep() {
    let lines: Vec<String> = ["state A", "cwnd 1", "sent x", "state B", "cwnd 2"]
        .map(String::from)
        .to_vec();
    let stages =
        split_pipeline("wirelab demo x -Y 'a || b' | grep -F -e state -e cwnd | sed -n '2,3p'");
    assert_eq!(stages.len(), 3);
    assert_eq!(stages[0], "wirelab demo x -Y 'a || b'");
    let kept = filter(stages[1], lines.clone()).unwrap();
    assert_eq!(kept, ["state A", "cwnd 1", "state B", "cwnd 2"]);
    assert_eq!(filter(stages[2], kept).unwrap(), ["cwnd 1", "state B"]);
    assert_eq!(filter("head -n 1", lines.clone()).unwrap(), ["state A"]);
    assert_eq!(filter("tail -n 1", lines.clone()).unwrap(), ["cwnd 2"]);
    assert!(filter("sort", lines).is_err());
}

#[test]
fn parse_and_unparse_give_back_the_same_markdown() {
    let markdown = "# Title\n\n```console\n$ wirelab fields tcp\na\tb\n\n$ wirelab fields udp\n```\n\n```sh\n$ not checked\n```\n";
    let pieces = parse(markdown).unwrap();
    let commands: Vec<&Shown> = pieces
        .iter()
        .filter_map(|p| {
            if let Piece::Command(s) = p {
                Some(s)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(commands.len(), 2);
    assert_eq!(commands[0].line, 4);
    assert_eq!(commands[0].output, ["a\tb", ""]);
    assert_eq!(commands[1].command, "wirelab fields udp");
    assert!(commands[1].output.is_empty());
    assert_eq!(unparse(&pieces), markdown);
}

#[test]
fn parse_rejects_console_blocks_that_do_not_run_wirelab() {
    assert!(parse("```console\n$ ls\n```\n").is_err());
    assert!(parse("```console\noutput before any command\n```\n").is_err());
    assert!(parse("```console\n$ wirelab fields\n").is_err());
}

#[test]
fn diff_marks_lines_only_on_the_page_and_only_in_the_real_output() {
    let page: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let real: Vec<String> = ["a", "x", "c"].map(String::from).to_vec();
    assert_eq!(diff(&page, &real), "  a\n- b\n+ x\n  c\n");
}

#[test]
fn diff_cuts_unchanged_lines_far_from_any_change() {
    let page: Vec<String> = (0..10).map(|k| k.to_string()).collect();
    let mut real = page.clone();
    real[8] = "eight".to_string();
    assert_eq!(diff(&page, &real), "  …\n  6\n  7\n- 8\n+ eight\n  9\n");
}
