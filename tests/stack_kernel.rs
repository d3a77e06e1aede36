//! `wirelab stack` against the Linux kernel over a TAP device, inside a network namespace
//! each test creates and deletes (even when it fails):
//!
//! ```text
//!   namespace wlkern-PID-N:  curl / ping / python3 ── kernel 10.78.0.1 ── wltap0
//!                                 ── wirelab stack (10.78.0.2) ── engine: http / echo / client
//! ```
//!
//! Needs root, `ip`, /dev/net/tun, curl, python3 and sha256sum: without them the tests print
//! why and pass, except under `CI=true`, where they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

const KERNEL: &str = "10.78.0.1";
const OURS: &str = "10.78.0.2";
const ADDR: &str = "10.78.0.2/24";
const TAP: &str = "wltap0";
const TEN_MB: usize = 10 * 1024 * 1024;

#[path = "support/netns.rs"]
mod netns;
use netns::{said, Background, Namespace};

/// A namespace with a persistent TAP device whose kernel side is 10.78.0.1/24 and up, for
/// `wirelab stack` to open; deleting the namespace deletes the device.
fn kernel_namespace() -> Option<Namespace> {
    netns::require_programs(&["curl", "python3", "sha256sum", "ping"])?;
    let namespace = Namespace::create("wlkern")?;
    namespace.ip(&["tuntap", "add", TAP, "mode", "tap"]);
    namespace.configure_kernel_end(TAP, "10.78.0.1/24");
    namespace.ip(&["link", "set", "lo", "up"]);
    Some(namespace)
}

/// `wirelab stack ARGS…` in the namespace, to its end.
fn wirelab(namespace: &Namespace, args: &[&str]) -> Output {
    namespace.run(env!("CARGO_BIN_EXE_wirelab"), &stack_args(args))
}

/// `wirelab stack ARGS…` in the namespace, in the background, once it says `ready` on stderr.
fn wirelab_background(namespace: &Namespace, args: &[&str], ready: &str) -> Background {
    Background::start_once_it_says(
        namespace
            .command(env!("CARGO_BIN_EXE_wirelab"))
            .args(stack_args(args)),
        ready,
    )
}

fn stack_args<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["stack"];
    all.extend_from_slice(args);
    all
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum");
    assert!(out.status.success(), "{}", said(&out));
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// 10 MB that do not repeat (a pattern of a simple generator), in the namespace's directory.
fn ten_megabytes(namespace: &Namespace) -> (PathBuf, PathBuf) {
    let root = namespace.scratch_dir().join("root");
    std::fs::create_dir_all(&root).expect("the served directory");
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut content = Vec::with_capacity(TEN_MB);
    while content.len() < TEN_MB {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        content.extend_from_slice(&state.to_le_bytes());
    }
    let file = root.join("big.bin");
    std::fs::write(&file, &content).expect("writing the file");
    (root, file)
}

fn curl_downloads_ten_megabytes_from_our_server(faults: &[&str]) {
    let Some(namespace) = kernel_namespace() else {
        return;
    };
    let (root, file) = ten_megabytes(&namespace);
    let root = root.to_str().expect("a UTF-8 path");
    let mut args = vec!["serve", "--tap", TAP, "--addr", ADDR, "--app", "http"];
    args.extend_from_slice(&["--root", root]);
    args.extend_from_slice(faults);
    let _server = wirelab_background(&namespace, &args, "serving");
    let got = namespace.scratch_dir().join("got.bin");
    let started = Instant::now();
    let out = namespace.run(
        "curl",
        &[
            "-sS",
            "--max-time",
            "120",
            "-o",
            got.to_str().expect("a UTF-8 path"),
            &format!("http://{OURS}/big.bin"),
        ],
    );
    let seconds = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "curl failed: {}", said(&out));
    eprintln!(
        "curl: 10 MB from our server in {seconds:.2} s ({:.0} Mbit/s), faults {faults:?}",
        TEN_MB as f64 * 8.0 / seconds / 1e6
    );
    assert_eq!(sha256(&got), sha256(&file));
}

#[test]
fn curl_downloads_ten_megabytes_from_our_http_server_and_the_sha256_matches() {
    curl_downloads_ten_megabytes_from_our_server(&[]);
}

#[test]
fn curl_downloads_ten_megabytes_through_five_percent_drop_and_one_percent_duplication() {
    curl_downloads_ten_megabytes_from_our_server(&["--drop", "0.05", "--dup", "0.01"]);
}

fn our_client_downloads_ten_megabytes_from_python(faults: &[&str]) {
    let Some(namespace) = kernel_namespace() else {
        return;
    };
    let (root, file) = ten_megabytes(&namespace);
    let server = namespace
        .command("python3")
        .args(["-m", "http.server", "8000", "--bind", KERNEL])
        .current_dir(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting python3 -m http.server");
    let server = Background { child: server };
    // Wait until the server listens (a TCP connection from inside the namespace works).
    let probe = "import socket,time\nfor _ in range(100):\n  try:\n    socket.create_connection(('10.78.0.1',8000),1).close(); break\n  except OSError: time.sleep(0.1)";
    let waited = namespace.run("python3", &["-c", probe]);
    assert!(waited.status.success(), "{}", said(&waited));

    let got = namespace.scratch_dir().join("got.bin");
    let url = format!("http://{KERNEL}:8000/big.bin");
    let mut args = vec!["get", "--tap", TAP, "--addr", ADDR, &url];
    args.extend_from_slice(&["-o", got.to_str().expect("a UTF-8 path")]);
    args.extend_from_slice(faults);
    let out = wirelab(&namespace, &args);
    drop(server);
    assert!(
        out.status.success(),
        "wirelab stack get failed: {}",
        said(&out)
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stderr).trim());
    assert_eq!(sha256(&got), sha256(&file));
}

#[test]
fn our_http_client_downloads_ten_megabytes_from_python_http_server_and_the_sha256_matches() {
    our_client_downloads_ten_megabytes_from_python(&[]);
}

#[test]
fn our_http_client_downloads_ten_megabytes_from_python_through_injected_loss() {
    our_client_downloads_ten_megabytes_from_python(&["--drop", "0.05", "--dup", "0.01"]);
}

#[test]
fn the_kernel_pings_our_stack_and_our_stack_pings_the_kernel() {
    let Some(namespace) = kernel_namespace() else {
        return;
    };
    {
        let args = ["serve", "--tap", TAP, "--addr", ADDR, "--app", "echo"];
        let _server = wirelab_background(&namespace, &args, "serving");
        let out = namespace.run("ping", &["-c", "3", "-i", "0.2", "-W", "5", OURS]);
        assert!(out.status.success(), "ping failed: {}", said(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("3 received"));
    }
    let args = [
        "ping", "--tap", TAP, "--addr", ADDR, KERNEL, "-c", "3", "-i", "0.2",
    ];
    let out = wirelab(&namespace, &args);
    assert!(
        out.status.success(),
        "wirelab stack ping failed: {}",
        said(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 sent, 3 received"), "{}", said(&out));
    assert!(
        stdout.contains(&format!("from {KERNEL}: icmp_seq=2")),
        "{stdout}"
    );
}

#[test]
fn udp_echo_answers_the_kernel_and_a_closed_udp_port_answers_icmp_port_unreachable() {
    let Some(namespace) = kernel_namespace() else {
        return;
    };
    let args = ["udp-echo", "--tap", TAP, "--addr", ADDR, "--port", "7"];
    let _echo = wirelab_background(&namespace, &args, "echoing");
    let client = r#"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for i in range(3):
    message = b"datagram %d through the stack" % i
    s.sendto(message, ("10.78.0.2", 7))
    reply, sender = s.recvfrom(2048)
    assert reply == message and sender == ("10.78.0.2", 7), (reply, sender)
closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
closed.settimeout(5)
closed.connect(("10.78.0.2", 9))
closed.send(b"anyone?")
try:
    closed.recv(2048)
    print("no error for a closed port")
except ConnectionRefusedError:
    print("3 echoed; port 9: ICMP port unreachable")
"#;
    let out = namespace.run("python3", &["-c", client]);
    assert!(out.status.success(), "{}", said(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("3 echoed; port 9: ICMP port unreachable"),
        "{}",
        said(&out)
    );
}

#[test]
fn a_closed_tcp_port_answers_rst_so_curl_reports_connection_refused() {
    let Some(namespace) = kernel_namespace() else {
        return;
    };
    let args = ["serve", "--tap", TAP, "--addr", ADDR, "--app", "echo"];
    let _server = wirelab_background(&namespace, &args, "serving");
    // curl 7.88 tells the reason of the failed connect(2) only in its verbose lines.
    let out = namespace.run(
        "curl",
        &["-v", "-sS", "--max-time", "10", "http://10.78.0.2:81/"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{}", said(&out)); // CURLE_COULDNT_CONNECT
    assert!(
        stderr.contains("port 81 failed: Connection refused"),
        "{stderr}"
    );
}

/// Runs `wirelab stack ARGS…` here (no namespace: these fail before opening a device).
fn wirelab_here(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(stack_args(args))
        .output()
        .expect("running wirelab")
}

#[test]
fn an_address_without_a_prefix_is_a_usage_error_that_shows_the_expected_form() {
    let out = wirelab_here(&[
        "serve",
        "--tap",
        TAP,
        "--addr",
        "10.78.0.2",
        "--app",
        "echo",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--addr \"10.78.0.2\": expected ADDRESS/PREFIX"),
        "{stderr}"
    );
}

#[test]
fn the_http_app_without_a_root_and_a_probability_above_one_are_usage_errors() {
    let out = wirelab_here(&["serve", "--tap", TAP, "--addr", ADDR, "--app", "http"]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --root DIR"));
    let args = [
        "serve", "--tap", TAP, "--addr", ADDR, "--app", "echo", "--drop", "5",
    ];
    let out = wirelab_here(&args);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--drop 5: a probability is from 0 to 1"));
}

#[test]
fn a_url_with_a_host_name_is_refused_because_the_stack_has_no_dns() {
    let out = wirelab_here(&[
        "get",
        "--tap",
        TAP,
        "--addr",
        ADDR,
        "http://example.com/",
        "-o",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not an IPv4 address (there is no DNS here)")
    );
}

#[test]
fn the_kernel_talks_to_our_echo_then_our_chargen_service() {
    let Some(namespace) = kernel_namespace() else {
        return;
    };
    {
        let args = ["serve", "--tap", TAP, "--addr", ADDR, "--app", "echo"];
        let _echo = wirelab_background(&namespace, &args, "serving");
        let client = "import socket\n\
                      s = socket.create_connection(('10.78.0.2', 7), timeout=10)\n\
                      data = bytes(range(256)) * 400\n\
                      s.sendall(data)\n\
                      s.shutdown(socket.SHUT_WR)\n\
                      got = bytearray()\n\
                      while True:\n    b = s.recv(65536)\n    if not b: break\n    got.extend(b)\n\
                      print('echoed', len(got), got == data)";
        let out = namespace.run("python3", &["-c", client]);
        assert!(out.status.success(), "{}", said(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "echoed 102400 True"
        );
    }
    let args = ["serve", "--tap", TAP, "--addr", ADDR, "--app", "chargen"];
    let _chargen = wirelab_background(&namespace, &args, "serving");
    let client = "import socket\n\
                  s = socket.create_connection(('10.78.0.2', 19), timeout=10)\n\
                  f = s.makefile('rb')\n\
                  print(f.readline().decode().rstrip('\\r\\n'))\n\
                  print(f.readline().decode().rstrip('\\r\\n'))";
    let out = namespace.run("python3", &["-c", client]);
    assert!(out.status.success(), "{}", said(&out));
    let line: String = (0..72u8).map(|i| char::from(b' ' + i)).collect();
    let next: String = (1..73u8).map(|i| char::from(b' ' + i)).collect();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{line}\n{next}\n")
    );
}
