//! Helpers shared by the integration tests: read a whole capture into owned frames, and run
//! tshark when it is installed.
#![allow(dead_code)] // each test file uses a different subset

pub mod fixtures;

use std::io::{self, Read};
use std::path::Path;
use std::process::Command;
use wirelab_capture::{CaptureError, CaptureReader};
use wirelab_wire::{LinkType, Timestamp};

/// A frame copied out of the reader, so that a test can look at all of them at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owned {
    pub number: u64,
    pub ts: Timestamp,
    pub link: LinkType,
    pub orig_len: u32,
    pub bytes: Vec<u8>,
    pub interface: u32,
    pub comment: Option<String>,
    pub has_timestamp: bool,
}

/// Every frame the reader hands out, then the error that stopped it (if any).
pub fn read_all_from<R: Read>(source: R) -> (Vec<Owned>, Option<CaptureError>) {
    let mut reader = match CaptureReader::new(source) {
        Ok(reader) => reader,
        Err(e) => return (Vec::new(), Some(e)),
    };
    let mut frames = Vec::new();
    loop {
        match reader.next_record() {
            Ok(Some(r)) => frames.push(Owned {
                number: r.frame.number,
                ts: r.frame.ts,
                link: r.frame.link,
                orig_len: r.frame.orig_len,
                bytes: r.frame.bytes.to_vec(),
                interface: r.frame.interface,
                comment: r.comment.map(str::to_string),
                has_timestamp: r.has_timestamp,
            }),
            Ok(None) => return (frames, None),
            Err(e) => {
                // A finished reader stays finished.
                assert!(matches!(reader.next_frame(), Ok(None)));
                return (frames, Some(e));
            }
        }
    }
}

pub fn read_all(bytes: &[u8]) -> (Vec<Owned>, Option<CaptureError>) {
    read_all_from(bytes)
}

/// Reads `bytes` as a pipe would deliver them: `chunk` bytes per `read` call. The result must
/// not depend on how the bytes arrive.
pub struct Trickle<'a> {
    pub bytes: &'a [u8],
    pub chunk: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.chunk.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// Whether tshark can be run. When it cannot, a test prints why and passes, except under
/// `CI=true`, where the oracle is required and the test fails.
pub fn tshark_available(test: &str) -> bool {
    let found = Command::new("tshark")
        .arg("--version")
        .output()
        .map(|o| o.status.success());
    if matches!(found, Ok(true)) {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: tshark is required under CI=true but cannot be run");
    }
    eprintln!(
        "{test}: skipped, tshark is not installed (install it with `apt-get install tshark`)"
    );
    false
}

/// What tshark says about a file: exit status, stdout, stderr.
pub struct TsharkRun {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

pub fn tshark(file: &Path, args: &[&str]) -> TsharkRun {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("tshark runs");
    TsharkRun {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh temporary file path for this test process.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-capture-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}
