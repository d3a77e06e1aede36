//! `wirelab tui` in a real terminal, for the TUI's end-to-end tests
//! (`#[path = "support/tmux.rs"] mod tmux;`): tmux runs it at 80×24 in a session of the test's
//! own, the test types keys and reads the screen back with `tmux capture-pane -p`.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux session of this test's own, killed when the test ends however it ends.
pub struct Session {
    name: String,
    /// How long [`Session::wait_for`] waits for the screen, and how often it looks.
    patience: Duration,
    poll_every: Duration,
}

impl Session {
    /// Runs `command` in a new 80×24 session `NAME-PID`, from the workspace's root.
    pub fn start(name: &str, command: &str) -> Session {
        let name = format!("{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", "80", "-y", "24"])
            .arg(command)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("TMUX")
            .status()
            .expect("run tmux");
        assert!(status.success(), "tmux new-session failed");
        Session {
            name,
            patience: Duration::from_secs(10),
            poll_every: Duration::from_millis(50),
        }
    }

    /// Keeps the pane after the command ends, so that an error message can be read.
    pub fn keep_pane_after_exit(self) -> Session {
        let _ = Command::new("tmux")
            .args(["set-option", "-t", &self.name, "remain-on-exit", "on"])
            .status();
        self
    }

    /// Makes [`Session::wait_for`] wait up to `patience`, looking every `poll_every`.
    pub fn waiting(mut self, patience: Duration, poll_every: Duration) -> Session {
        self.patience = patience;
        self.poll_every = poll_every;
        self
    }

    pub fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    pub fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .expect("tmux send-keys -l");
        assert!(status.success());
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn resize(&self, width: u16, height: u16) {
        let status = Command::new("tmux")
            .args(["resize-window", "-t", &self.name])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .status()
            .expect("tmux resize-window");
        assert!(status.success());
    }

    /// Waits until the screen shows every one of `texts`; the screen if it does, a failure
    /// naming what is missing if it does not in time.
    pub fn wait_for(&self, texts: &[&str]) -> String {
        let deadline = Instant::now() + self.patience;
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("the screen never showed {texts:?}; it shows:\n{screen}");
            }
            std::thread::sleep(self.poll_every);
        }
    }

    /// Selects the frame whose packet-list row on `screen` shows `info`: its number is the
    /// row's first column; `g` goes to frame 1, then Down as many times as needed.
    pub fn select_frame_showing(&self, screen: &str, info: &str) {
        let row = screen
            .lines()
            .find(|line| line.contains(info))
            .unwrap_or_else(|| panic!("no row shows {info:?}:\n{screen}"));
        // The first number on the row, after the border and the expert mark.
        let number: usize = row
            .split_whitespace()
            .find_map(|word| {
                word.trim_matches(|c: char| !c.is_ascii_digit())
                    .parse()
                    .ok()
            })
            .unwrap_or_else(|| panic!("no frame number in {row:?}"));
        self.keys(&["g"]);
        let downs = vec!["Down"; number - 1];
        self.keys(&downs);
        self.wait_for(&[&format!("Frame {number}")]);
    }

    pub fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.name])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

/// Whether tmux is installed; without it a test prints why and passes, except under
/// `CI=true`, where it fails.
pub fn available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("tmux is needed for the TUI end-to-end tests under CI=true");
        }
        eprintln!("skipped: tmux is not installed (apt-get install -y tmux)");
    }
    found
}
