//! tshark's answers, kept between runs: tshark takes ~0.3 s of start-up per file, wirelab a
//! few milliseconds, and while a dissector is being fixed only wirelab's side changes.
//!
//! An answer is reused only when everything it depends on is the same: the bytes of the
//! capture, the whole tshark command line, tshark's version and the list of disabled
//! protocols (all hashed into the entry's name). `ORACLE_CACHE=0` turns the cache off; it is
//! off under `CI=true`, where every run starts clean.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// tshark's answer for one file, as the comparison needs it.
pub struct Answer {
    /// `None` when tshark was stopped at the time limit.
    pub exit: Option<i32>,
    pub stderr: String,
    pub stdout: String,
    pub elapsed: Duration,
    pub cached: bool,
}

/// Where answers are kept, or `None` when caching is off.
pub fn dir(base: &Path) -> Option<PathBuf> {
    let off = std::env::var("ORACLE_CACHE").is_ok_and(|v| v == "0") || crate::under_ci();
    (!off).then(|| base.join("cache"))
}

/// The entry name for `file` run with `cmd` under `salt` (tshark version, disabled list).
pub fn key(file: &Path, cmd: &Command, salt: &str) -> Option<String> {
    let bytes = std::fs::read(file).ok()?;
    // std's DefaultHasher with fixed keys: stable within a toolchain; a toolchain change only
    // costs a cache miss.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    cmd.get_program().hash(&mut h);
    for arg in cmd.get_args() {
        arg.hash(&mut h);
    }
    for (k, v) in cmd.get_envs() {
        (k, v).hash(&mut h);
    }
    salt.hash(&mut h);
    let stem = file.file_name()?.to_string_lossy().into_owned();
    Some(format!("{stem}.{:016x}", h.finish()))
}

pub fn load(dir: &Path, key: &str) -> Option<Answer> {
    let text = std::fs::read_to_string(dir.join(key)).ok()?;
    let (exit_line, rest) = text.split_once('\n')?;
    let (stderr_line, stdout) = rest.split_once('\n')?;
    let exit = exit_line.strip_prefix("exit=")?;
    Some(Answer {
        exit: if exit == "none" {
            None
        } else {
            Some(exit.parse().ok()?)
        },
        stderr: stderr_line.strip_prefix("stderr=")?.replace("\\n", "\n"),
        stdout: stdout.to_string(),
        elapsed: Duration::ZERO,
        cached: true,
    })
}

pub fn store(dir: &Path, key: &str, answer: &Answer) {
    if answer.exit.is_none() {
        return; // a time-out says more about the machine than about the file
    }
    let exit = answer.exit.map_or("none".to_string(), |c| c.to_string());
    let stderr = answer.stderr.replace('\n', "\\n");
    let text = format!("exit={exit}\nstderr={stderr}\n{}", answer.stdout);
    let _ = std::fs::create_dir_all(dir);
    // Write then rename, so that an interrupted run cannot leave half an answer behind.
    let tmp = dir.join(format!("{key}.tmp{}", std::process::id()));
    if std::fs::write(&tmp, text).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join(key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_answer_loads_back_unchanged() {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tshark-oracle-cache-test");
        let answer = Answer {
            exit: Some(2),
            stderr: "tshark: cut short\nin the middle".into(),
            stdout: "1\t0.0\n2\t0.5\n".into(),
            elapsed: Duration::from_millis(300),
            cached: false,
        };
        store(&dir, "k", &answer);
        let back = load(&dir, "k").expect("the answer just stored");
        assert_eq!(
            (back.exit, back.stderr.as_str(), back.stdout.as_str()),
            (answer.exit, answer.stderr.as_str(), answer.stdout.as_str())
        );
        assert!(back.cached);
    }

    #[test]
    fn the_key_changes_with_the_command_line() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let a = key(
            &file,
            Command::new("tshark").args(["-e", "ip.src"]),
            "4.0.17",
        );
        let b = key(
            &file,
            Command::new("tshark").args(["-e", "ip.dst"]),
            "4.0.17",
        );
        let c = key(
            &file,
            Command::new("tshark").args(["-e", "ip.src"]),
            "4.2.0",
        );
        assert!(a.is_some() && a != b && a != c);
    }
}
