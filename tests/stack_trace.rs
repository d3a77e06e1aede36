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

use std::process::Command;
use std::time::{Duration, Instant};

const KERNEL: &str = "10.79.0.1";
const OURS: &str = "10.79.0.2";
const ADDR: &str = "10.79.0.2/24";
const TAP: &str = "wltap0";

#[path = "support/netns.rs"]
mod netns;
use netns::{said, Background, Namespace};

/// A namespace with a TAP device whose kernel side is 10.79.0.1/24 and up; dropping it
/// deletes the namespace, the device and the files.
fn trace_namespace() -> Option<Namespace> {
    netns::require_programs(&["curl", "ping"])?;
    let namespace = Namespace::create("wltrace")?;
    namespace.ip(&["tuntap", "add", TAP, "mode", "tap"]);
    namespace.configure_kernel_end(TAP, "10.79.0.1/24");
    Some(namespace)
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
    let Some(namespace) = trace_namespace() else {
        return;
    };
    let root = namespace.scratch_dir().join("root");
    std::fs::create_dir_all(&root).expect("the served directory");
    let page = "hello from the traced stack\n".repeat(200);
    std::fs::write(root.join("index.html"), &page).expect("writing the page");
    let trace_file = namespace.scratch_dir().join("trace.txt");
    let mut server = Background::start_once_it_says(
        namespace
            .command(env!("CARGO_BIN_EXE_wirelab"))
            .args([
                "stack", "serve", "--tap", TAP, "--addr", ADDR, "--app", "http",
            ])
            .args(["--root", root.to_str().expect("a UTF-8 path")])
            .args(["--connections", "1", "--trace-file"])
            .arg(&trace_file),
        "serving http",
    );
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
    let Some(namespace) = trace_namespace() else {
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
