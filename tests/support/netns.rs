//! What the tests against the real Linux kernel share (`#[path = "support/netns.rs"] mod netns;`,
//! and from crates/wirelab-capture/tests/ `#[path = "../../../tests/support/netns.rs"]`): a
//! network namespace that exists while its value does, so that every test gets a kernel of its
//! own, with no address or device another test (or the machine) uses.
//!
//! These tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN), `ip` and /dev/net/tun. Without them a
//! test prints why and passes, except under `CI=true`, where it fails: CI runs as root, so a
//! skip there would hide a broken test.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A network namespace, deleted (with the devices in it and its scratch directory) on drop,
/// also when the test fails.
pub struct Namespace {
    name: String,
}

static NAMESPACES: AtomicU32 = AtomicU32::new(0);

impl Namespace {
    /// Creates the namespace `PREFIX-PID-N` (unique among the tests running at once, in this
    /// and in other processes). `None`, with the reason printed, when this machine cannot.
    pub fn create(prefix: &str) -> Option<Namespace> {
        if let Err(reason) = std::fs::metadata("/dev/net/tun") {
            return skip(&format!("no /dev/net/tun ({reason})"));
        }
        let n = NAMESPACES.fetch_add(1, Ordering::Relaxed);
        let name = format!("{prefix}-{}-{n}", std::process::id());
        match Command::new("ip").args(["netns", "add", &name]).output() {
            Ok(out) if out.status.success() => Some(Namespace { name }),
            Ok(out) => skip(&format!(
                "`ip netns add` failed (not root?): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => skip(&format!("cannot run `ip`: {e}")),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Gives the kernel's end of the device `device` the address `cidr` and brings it up.
    pub fn configure_kernel_end(&self, device: &str, cidr: &str) {
        self.ip(&["addr", "add", cidr, "dev", device]);
        self.ip(&["link", "set", device, "up"]);
    }

    /// Runs `ip -n NAMESPACE ARGS`, which must succeed.
    pub fn ip(&self, args: &[&str]) {
        let out = Command::new("ip")
            .args(["-n", &self.name])
            .args(args)
            .output()
            .expect("running ip");
        assert!(
            out.status.success(),
            "ip -n {} {}: {}",
            self.name,
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `program` to run inside the namespace (add its arguments, then run or spawn it).
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name, program]);
        command
    }

    /// Runs `program args` inside the namespace to its end.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        self.command(program)
            .args(args)
            .output()
            .expect("running a command in the namespace")
    }

    /// Runs `program args` inside the namespace, which must succeed.
    pub fn run_ok(&self, program: &str, args: &[&str]) {
        let out = self.run(program, args);
        assert!(
            out.status.success(),
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts `command` (program and arguments) inside the namespace, its output piped.
    pub fn spawn(&self, command: &[&str]) -> Child {
        let (program, args) = command.split_first().expect("a program to spawn");
        self.command(program)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting a command in the namespace")
    }

    /// A directory for the test's files, named after the namespace and deleted with it.
    pub fn scratch_dir(&self) -> PathBuf {
        let dir = std::env::temp_dir().join(&self.name);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        dir
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&self.name));
    }
}

/// A process (in a namespace), killed when this value goes (the test passed or failed).
pub struct Background {
    pub child: Child,
}

impl Background {
    /// Starts `command` with its stderr piped and waits up to 10 s until a line of it
    /// contains `ready`; its lines go on to the test's stderr as `  wirelab: LINE`.
    pub fn start_once_it_says(command: &mut Command, ready: &str) -> Background {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting wirelab");
        let (lines, receive) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("  wirelab: {line}");
                let _ = lines.send(line);
            }
        });
        let background = Background { child };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match receive.recv_timeout(left) {
                Ok(line) if line.contains(ready) => return background,
                Ok(_) => {}
                Err(e) => panic!("{command:?} never said {ready:?}: {e}"),
            }
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A finished command's status and output, for a failure message.
pub fn said(out: &Output) -> String {
    format!(
        "status {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `Some(())` when every program in `programs` is installed; otherwise the skip (see [`skip`])
/// that names the first one missing.
pub fn require_programs(programs: &[&str]) -> Option<()> {
    for program in programs {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {program}")])
            .output()
            .is_ok_and(|out| out.status.success());
        if !found {
            return skip(&format!("{program} is not installed"));
        }
    }
    Some(())
}

/// Prints why a test cannot run here and returns `None` (the test then passes); under
/// `CI=true` it fails instead.
pub fn skip<T>(reason: &str) -> Option<T> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("cannot run this kernel test under CI=true: {reason}");
    }
    eprintln!("skipped: {reason}");
    None
}
