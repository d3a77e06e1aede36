//! `wirelab tui` in a real terminal: tmux runs it at 80×24, the test types keys and reads the
//! screen back with `tmux capture-pane -p` after each step. Needs tmux: skipped without it,
//! except under CI=true, where a missing tmux is a failure.

#[path = "support/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};
use tmux::Session;

#[test]
fn a_student_moves_opens_a_field_filters_and_opens_the_ladder() {
    if !tmux::available() {
        return;
    }
    let command = format!("{} tui pcaps/http-ipv4.pcap", env!("CARGO_BIN_EXE_wirelab"));
    let tui = Session::start("wirelab-tui-e2e", &command);

    let first = tui.wait_for(&["14 frames", "Frame 1", "Who has 10.99.0.2?"]);
    assert!(first.contains("Address Resolution Protocol"), "{first}");

    // Down twice: the SYN.
    tui.keys(&["Down", "Down"]);
    tui.wait_for(&["Frame 3", "▸ Transmission Control Protocol"]);

    // Enter goes into the tree; the fourth row is TCP, Enter opens it.
    tui.keys(&["Enter", "j", "j", "j", "Enter"]);
    let open = tui.wait_for(&["▾ Transmission Control Protocol", "Source Port: 40080"]);
    assert!(open.contains("┏Frame 3"), "the tree has the focus:\n{open}");

    // A display filter: only the two SYNs remain.
    tui.keys(&["/"]);
    tui.type_text("tcp.flags.syn == 1");
    tui.wait_for(&["Filter: tcp.flags.syn == 1"]);
    tui.keys(&["Enter"]);
    let filtered = tui.wait_for(&["Packets where tcp.flags.syn == 1 (2 shown)"]);
    assert!(
        !filtered.contains("Who has"),
        "ARP is filtered out:\n{filtered}"
    );
    assert!(filtered.contains("8000 → 40080 [SYN, ACK"), "{filtered}");

    // l: the ladder of the selected stream, with the endpoint states in its margins.
    tui.keys(&["l"]);
    tui.wait_for(&["Ladder: TCP stream 0", "SYN-SENT", "SYN-RECEIVED"]);

    tui.keys(&["q"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while tui.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!tui.alive(), "q should end wirelab tui");
}
