//! `wirelab stack … --trace`: the stack's own events, one line each, while it talks to the
//! Linux kernel over a TAP device in a network namespace each test creates and deletes:
//!
//! ```text
//!   namespace wltrace-PID-N:  curl / ping ── kernel 10.79.0.1 ── wltap0
//!                                  ── wirelab stack (10.79.0.2) --trace ── http / ping
//! ```
//!
//! Needs root, `ip`, /dev/net/tun, curl and ping: without them the tests print why and pass,
//! except under `CI=true`, where they fail.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const KERNEL: &str = "10.79.0.1";
const OURS: &str = "10.79.0.2";
const ADDR: &str = "10.79.0.2/24";
const TAP: &str = "wltap0";

static NAMESPACES: AtomicU32 = AtomicU32::new(0);

fn skip<T>(reason: &str) -> Option<T> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("cannot run the trace tests under CI=true: {reason}");
    }
    eprintln!("skipped: {reason}");
    None
}

/// A namespace with a TAP device whose kernel side is 10.79.0.1/24 and up; dropping it
/// deletes the namespace, the device and the files.
struct Namespace {
    name: String,
    dir: PathBuf,
}

impl Namespace {
    fn new() -> Option<Namespace> {
        if let Err(e) = std::fs::metadata("/dev/net/tun") {
            return skip(&format!("no /dev/net/tun ({e})"));
        }
        for tool in ["curl", "ping"] {
            if Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .map_or(true, |o| !o.status.success())
            {
                return skip(&format!("{tool} is not installed"));
            }
        }
        let n = NAMESPACES.fetch_add(1, Ordering::Relaxed);
        let name = format!("wltrace-{}-{n}", std::process::id());
        match Command::new("ip").args(["netns", "add", &name]).output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                return skip(&format!(
                    "`ip netns add` failed (not root?): {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
            Err(e) => return skip(&format!("cannot run `ip`: {e}")),
        }
        let dir = std::env::temp_dir().join(&name);
        let namespace = Namespace { name, dir };
        std::fs::create_dir_all(&namespace.dir).expect("a temporary directory");
        for args in [
            &["tuntap", "add", TAP, "mode", "tap"][..],
            &["addr", "add", "10.79.0.1/24", "dev", TAP],
            &["link", "set", TAP, "up"],
        ] {
            let out = namespace.run("ip", args);
            assert!(out.status.success(), "ip {args:?}: {}", said(&out));
        }
        Some(namespace)
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", &self.name, program]);
        command
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        self.command(program)
            .args(args)
            .output()
            .expect("running a command in the namespace")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A process in the namespace, killed when this value goes (the test passed or failed).
struct Background {
    child: Child,
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn said(out: &Output) -> String {
    format!(
        "status {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The lines of a trace that are about one connection (`TIME LOCAL REMOTE EVENT`).
fn lines_of<'a>(trace: &'a str, local: &str) -> Vec<&'a str> {
    trace
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some(local))
        .collect()
}

/// The seconds at the start of a trace line.
fn seconds(line: &str) -> f64 {
    line.split_whitespace()
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("a trace line starts with its time in seconds: {line:?}"))
}

#[test]
fn curl_fetches_a_page_and_the_trace_file_shows_the_server_side_of_the_connection() {
    let Some(namespace) = Namespace::new() else {
        return;
    };
    let root = namespace.file("root");
    std::fs::create_dir_all(&root).expect("the served directory");
    let page = "hello from the traced stack\n".repeat(200);
    std::fs::write(root.join("index.html"), &page).expect("writing the page");
    let trace_file = namespace.file("trace.txt");
    let child = namespace
        .command(env!("CARGO_BIN_EXE_wirelab"))
        .args([
            "stack", "serve", "--tap", TAP, "--addr", ADDR, "--app", "http",
        ])
        .args(["--root", root.to_str().expect("a UTF-8 path")])
        .args(["--connections", "1", "--trace-file"])
        .arg(&trace_file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting wirelab stack serve");
    let mut server = Background { child };
    let stderr = server.child.stderr.take().expect("stderr");
    let (lines, said_by_server) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("  wirelab: {line}");
            let _ = lines.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match said_by_server.recv_timeout(left) {
            Ok(line) if line.contains("serving http") => break,
            Ok(_) => {}
            Err(e) => {
                panic!("wirelab stack serve never said it was serving: {e}");
            }
        }
    }
    let got = namespace.run(
        "curl",
        &[
            "-sS",
            "--max-time",
            "30",
            &format!("http://{OURS}/index.html"),
        ],
    );
    assert!(got.status.success(), "curl failed: {}", said(&got));
    assert_eq!(String::from_utf8_lossy(&got.stdout), page);
    // --connections 1: the server exits once the connection has ended.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        match server.child.try_wait().expect("waiting for the server") {
            Some(status) => break status,
            None if Instant::now() > deadline => {
                panic!("the server did not stop after its one connection")
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    assert!(status.success(), "wirelab stack serve: {status}");

    let trace = std::fs::read_to_string(&trace_file).expect("the trace file");
    let connection = lines_of(&trace, &format!("{OURS}:80"));
    let has = |text: &str| connection.iter().any(|line| line.contains(text));
    assert!(
        has("state LISTEN -> SYN-RECEIVED (rcv SYN, snd SYN,ACK)"),
        "{trace}"
    );
    assert!(
        has("state SYN-RECEIVED -> ESTABLISHED (rcv ACK of SYN)"),
        "{trace}"
    );
    assert!(
        has(&format!("rcvd {KERNEL}:")),
        "segments received: {trace}"
    );
    assert!(has("[S.]") && has("(Syn)"), "the SYN-ACK sent: {trace}");
    assert!(has("(NewData)"), "the page sent as new data: {trace}");
    assert!(has("srtt ") && has(" rto "), "RTT estimates: {trace}");
    assert!(has("cwnd ") && has("(slow start)"), "cwnd: {trace}");
    assert!(has("window snd "), "windows: {trace}");
    // curl closes after the response: whoever closes first, the connection ends CLOSED.
    assert!(has("-> CLOSED") || has("-> TIME-WAIT"), "{trace}");
    // Every line of the connection names it by its 4-tuple: ours, then the kernel's.
    assert!(connection.iter().all(|line| line
        .split_whitespace()
        .nth(2)
        .is_some_and(|remote| remote.starts_with(&format!("{KERNEL}:")))));
    // The interface learned the kernel's MAC from ARP.
    assert!(trace.contains(&format!("arp {KERNEL} is at ")), "{trace}");
    // In time order, from the start of the run.
    let times: Vec<f64> = trace.lines().map(seconds).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{trace}");
    assert!(times.first().is_some_and(|&t| t < 30.0), "{trace}");
    // The handshake comes before the data.
    let position = |text: &str| connection.iter().position(|line| line.contains(text));
    assert!(
        position("-> ESTABLISHED") < position("(NewData)"),
        "{trace}"
    );
}

#[test]
fn ping_with_trace_prints_the_echo_replies_to_stderr_and_without_it_prints_none() {
    let Some(namespace) = Namespace::new() else {
        return;
    };
    let ping = |trace: bool| {
        let mut args = vec!["stack", "ping", "--tap", TAP, "--addr", ADDR, KERNEL];
        args.extend_from_slice(&["-c", "2", "-i", "0.2"]);
        if trace {
            args.push("--trace");
        }
        let out = namespace.run(env!("CARGO_BIN_EXE_wirelab"), &args);
        assert!(out.status.success(), "{}", said(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("2 sent, 2 received"),
            "{}",
            said(&out)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let quiet = ping(false);
    assert!(!quiet.contains("icmp echo reply"), "{quiet}");
    let traced = ping(true);
    for seq in 0..2 {
        let line = traced
            .lines()
            .find(|l| {
                l.contains(&format!("icmp echo reply from {KERNEL}: id "))
                    && l.contains(&format!(" seq {seq},"))
            })
            .unwrap_or_else(|| panic!("no trace line for the reply {seq}: {traced}"));
        assert!(seconds(line) > 0.0, "{line}");
    }
    assert!(traced.contains(&format!("arp {KERNEL} is at ")), "{traced}");
}

#[test]
fn a_trace_file_that_cannot_be_created_is_an_input_error_that_names_it() {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args([
            "stack",
            "ping",
            "--tap",
            "wlnotthere0",
            "--addr",
            ADDR,
            KERNEL,
        ])
        .args(["--trace-file", "/nonexistent-dir/trace.txt"])
        .output()
        .expect("running wirelab");
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--trace-file /nonexistent-dir/trace.txt"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}
