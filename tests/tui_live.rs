//! `wirelab tui` on live traffic, in a real terminal (tmux at 80×24) and a network namespace
//! of the test's own:
//!
//! ```text
//!   namespace: curl ── kernel (10.77.0.1) ── TAP wltap0 ── wirelab tui --tap (stack 10.77.0.2)
//!                                                └── wirelab tui -i wltap0 (sniffing)
//! ```
//!
//! The first test runs the stack's HTTP server under the TUI; the second sniffs the kernel's
//! side of the TAP while `wirelab stack serve` answers. In both, curl fetches a page and the
//! handshake must appear in the packet list while the TUI runs, then in the ladder (`l`).
//!
//! The live tests need root, `ip`, /dev/net/tun, tmux and curl: skipped without them, failed
//! under CI=true. The others check `--demo` in tmux and the errors reported before the
//! terminal is taken (an unknown lesson, a missing device, no permission).

#[path = "support/netns.rs"]
mod netns;
#[path = "support/tmux.rs"]
mod tmux;

use netns::Namespace;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use tmux::Session;

const PAGE: &str = "<h1>a page served while the TUI watches</h1>\n";

/// `wirelab tui` in tmux: a live screen may take longer to show what is asked for, and the
/// pane stays after the command ends, so that an error message can be read.
fn tui_session(tag: &str, command: &str) -> Session {
    Session::start(&format!("wirelab-tui-live-{tag}"), command)
        .keep_pane_after_exit()
        .waiting(Duration::from_secs(15), Duration::from_millis(100))
}

/// A child process killed when the test ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A namespace with IPv6 off (its router solicitations would crowd the packet list) and a
/// persistent TAP device `wltap0` whose kernel end is 10.77.0.1/24, plus a directory with
/// `index.html`.
fn network(prefix: &str) -> Option<(Namespace, std::path::PathBuf)> {
    netns::require_programs(&["ip", "tmux", "curl"])?;
    let ns = Namespace::create(prefix)?;
    for key in [
        "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1",
    ] {
        ns.run_ok("sysctl", &["-q", "-w", key]);
    }
    ns.ip(&["tuntap", "add", "wltap0", "mode", "tap"]);
    ns.configure_kernel_end("wltap0", "10.77.0.1/24");
    let root = ns.scratch_dir().join("www");
    std::fs::create_dir_all(&root).expect("the served directory");
    std::fs::write(root.join("index.html"), PAGE).expect("index.html");
    Some((ns, root))
}

/// curl in the namespace fetches the page from the stack.
fn fetch_page(ns: &Namespace) {
    let out = ns.run(
        "curl",
        &["-sS", "--max-time", "10", "http://10.77.0.2/index.html"],
    );
    assert!(
        out.status.success(),
        "curl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), PAGE);
}

/// The three segments of the handshake, as the packet list's Info column shows them.
const HANDSHAKE: [&str; 3] = ["→ 80 [SYN]", "80 → ", "[SYN, ACK]"];

#[test]
fn the_handshake_of_a_page_fetched_from_the_stack_shows_live_in_the_list_and_the_ladder() {
    let Some((ns, root)) = network("wl-tuilive") else {
        return;
    };
    let command = format!(
        "ip netns exec {} {} tui --tap wltap0 --addr 10.77.0.2/24 --app http --root {}",
        ns.name(),
        env!("CARGO_BIN_EXE_wirelab"),
        root.display()
    );
    let tui = tui_session("tap", &command);
    // The stack announces itself with a gratuitous ARP: the first frame, live.
    tui.wait_for(&["wltap0: http on 10.77.0.2:80", "(live)", "ARP"]);

    fetch_page(&ns);
    // The handshake, its last ACK and the request.
    let list = tui.wait_for(&[HANDSHAKE.as_slice(), &["[ACK]", "GET /index.html"]].concat());

    // The SYN's ladder, with both ends' states.
    tui.select_frame_showing(&list, "→ 80 [SYN]");
    tui.keys(&["l"]);
    let ladder = tui.wait_for(&["Ladder: TCP stream 0", "SYN-SENT", "SYN-RECEIVED"]);
    assert!(ladder.contains("SYN Seq=0"), "{ladder}");
    assert!(ladder.contains("SYN ACK Seq=0 Ack=1"), "{ladder}");

    // The TCP panel charts the stack's own cwnd and RTT (it has room for the chart at
    // 100×40): the events came through with the connection's 4-tuple.
    tui.resize(100, 40);
    tui.keys(&["s"]);
    tui.wait_for(&["cwnd and RTT of 10.77.0.2:80, from the stack's events"]);
    tui.keys(&["q"]);
}

#[test]
fn the_handshake_sniffed_on_the_kernel_side_of_the_tap_shows_live_in_the_list_and_the_ladder() {
    let Some((ns, root)) = network("wl-tuisniff") else {
        return;
    };
    let root = root.display().to_string();
    let _server = Killed(ns.spawn(&[
        env!("CARGO_BIN_EXE_wirelab"),
        "stack",
        "serve",
        "--tap",
        "wltap0",
        "--addr",
        "10.77.0.2/24",
        "--app",
        "http",
        "--root",
        &root,
    ]));
    let command = format!(
        "ip netns exec {} {} tui -i wltap0",
        ns.name(),
        env!("CARGO_BIN_EXE_wirelab"),
    );
    let tui = tui_session("sniff", &command);
    tui.wait_for(&["-i wltap0", "(live)"]);

    // The server may still be starting: curl again until it answers.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ns
        .run(
            "curl",
            &["-s", "--max-time", "2", "http://10.77.0.2/index.html"],
        )
        .status
        .success()
    {
        assert!(Instant::now() < deadline, "the stack never answered curl");
        std::thread::sleep(Duration::from_millis(200));
    }
    let list = tui.wait_for(&[HANDSHAKE.as_slice(), &["[ACK]", "GET /index.html"]].concat());

    tui.select_frame_showing(&list, "→ 80 [SYN]");
    tui.keys(&["l"]);
    let ladder = tui.wait_for(&["Ladder: TCP stream", "SYN-SENT", "SYN-RECEIVED"]);
    assert!(ladder.contains("SYN ACK Seq=0 Ack=1"), "{ladder}");
    tui.keys(&["q"]);
}

/// Runs `wirelab ARGS` without a terminal; its exit code and standard error.
fn wirelab(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wirelab"))
        .args(args)
        .output()
        .expect("run wirelab");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_lesson_is_a_usage_error_that_lists_the_lessons() {
    let (code, stderr) = wirelab(&["tui", "--demo", "tcp-nonsense"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--demo tcp-nonsense: no lesson of that name"),
        "{stderr}"
    );
    assert!(stderr.contains("tcp-handshake"), "{stderr}");
}

#[test]
fn a_tap_device_that_does_not_exist_is_an_input_error_naming_it() {
    let (code, stderr) = wirelab(&[
        "tui",
        "--tap",
        "wlnosuchtap9",
        "--addr",
        "10.77.0.2/24",
        "--app",
        "echo",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("TAP device wlnosuchtap9"), "{stderr}");
}

#[test]
fn tap_options_without_a_tap_are_a_usage_error() {
    let (code, stderr) = wirelab(&["tui", "--app", "echo"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--tap"), "{stderr}");
}

#[test]
fn an_interface_that_does_not_exist_is_an_input_error_listing_the_interfaces() {
    let (code, stderr) = wirelab(&["tui", "-i", "wlnosuchif9"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("-i wlnosuchif9: no network interface of that name; there are: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("lo"),
        "the loopback is always there:\n{stderr}"
    );
}

#[test]
fn a_demo_shows_its_frames_and_the_narration_of_a_step() {
    if netns::require_programs(&["tmux"]).is_none() {
        return;
    }
    let command = format!("{} tui --demo tcp-handshake", env!("CARGO_BIN_EXE_wirelab"));
    let tui = tui_session("demo", &command);
    let screen = tui.wait_for(&["demo tcp-handshake", "[SYN]", "[SYN, ACK]"]);
    assert!(!screen.contains("(live)"), "a demo is not live:\n{screen}");
    // Frame 3, A's SYN, with the narration of its step.
    tui.keys(&["Down", "Down"]);
    tui.wait_for(&["Frame 3", "A opens the connection: a SYN"]);
    tui.keys(&["q"]);
}

#[test]
fn without_root_a_live_source_says_what_it_needs_before_taking_the_terminal() {
    // As root, the test drops to nobody with setpriv; as anyone else, it runs as itself.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    if root && netns::require_programs(&["setpriv"]).is_none() {
        return;
    }
    let run = |args: &[&str]| {
        let mut command = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            c.arg(env!("CARGO_BIN_EXE_wirelab"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_wirelab"))
        };
        let out = command.args(args).output().expect("run wirelab");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["tui", "-i", "lo"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("-i lo: ") && stderr.contains("capturing needs root"),
        "{stderr}"
    );
    let (code, stderr) = run(&[
        "tui",
        "--tap",
        "wltap9",
        "--create",
        "--addr",
        "10.77.0.2/24",
        "--app",
        "echo",
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("TAP device wltap9: opening /dev/net/tun: permission denied"),
        "{stderr}"
    );
}
