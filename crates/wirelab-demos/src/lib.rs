//! Lessons scripted on the simulated link of `wirelab-stack`: two hosts, A (10.0.0.1) and
//! B (10.0.0.2), run a short script (connect, send, close, lose a frame...) and every frame
//! that crosses the link, every event of the stacks and a narration of why it happened
//! become a [`Lesson`]: a list of [`Step`]s a teacher (or the TUI) walks through.
//!
//! Deterministic: the same [`Params`] give the same lesson, byte for byte.
#![forbid(unsafe_code)]

mod lessons;
mod narrate;
mod output;
mod run;

pub use lessons::{catalog, run_lesson, LessonInfo};
pub use output::{render_header, render_step, render_summary, render_text, to_json, write_pcapng};

pub use wirelab_stack::tcp::Algorithm;

/// One of the two simulated hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// 10.0.0.1, 02:00:00:00:00:01: the client in most lessons.
    A,
    /// 10.0.0.2, 02:00:00:00:00:02: the server in most lessons.
    B,
}

impl Host {
    pub fn name(self) -> &'static str {
        match self {
            Host::A => "A",
            Host::B => "B",
        }
    }
}

/// A frame as it was sent onto the link.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceFrame {
    /// Virtual time of sending, microseconds since the start of the lesson.
    pub micros: u64,
    pub from: Host,
    /// The Ethernet frame.
    pub bytes: Vec<u8>,
    /// One line, as the stack summarises it.
    pub summary: String,
    /// What the link did to it, when it was not delivered as sent: `lost`, `duplicated`...
    pub fate: Option<&'static str>,
}

/// Something a stack reported: a state change, a segment and why it was sent, a new cwnd...
#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    pub micros: u64,
    pub host: Host,
    pub text: String,
    /// The TCP event itself, for viewers that chart cwnd, RTO or windows.
    pub tcp: Option<wirelab_stack::tcp::Event>,
    /// For a TCP event: the reporting host's end of the connection, then its peer's.
    pub endpoints: Option<(std::net::SocketAddrV4, std::net::SocketAddrV4)>,
    /// The interface event (ARP, ICMP...), when it is one.
    pub iface: Option<wirelab_stack::iface::IfaceEvent>,
}

/// One step of a lesson: usually one frame, the events that led to it, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub micros: u64,
    /// The frames of this step (none when only timers fired or states changed).
    pub frames: Vec<TraceFrame>,
    pub events: Vec<TraceEvent>,
    /// What happens and why, citing the RFC.
    pub narration: String,
}

/// A lesson's whole trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub name: &'static str,
    pub title: &'static str,
    /// What to watch for, before the first step.
    pub intro: String,
    pub steps: Vec<Step>,
    /// What happened, after the last step (counts, a cwnd chart...).
    pub summary: String,
    /// For TLS lessons, the NSS key log (`CLIENT_RANDOM <client random> <master secret>`)
    /// with which Wireshark decrypts the records; `--pcap` embeds it in the file.
    pub keylog: Option<String>,
}

/// Settings a lesson may use; each lesson picks defaults for the ones left `None`.
#[derive(Clone, Debug)]
pub struct Params {
    pub seed: u64,
    /// Probability of losing a frame (0.0 to 1.0), on top of the losses a lesson scripts.
    pub loss: Option<f64>,
    /// One-way propagation delay in milliseconds.
    pub delay_ms: Option<u64>,
    /// Bits per second.
    pub bandwidth: Option<u64>,
    pub mss: Option<usize>,
    /// Receive buffer (the largest window offered), bytes.
    pub window: Option<usize>,
    pub congestion: Option<Algorithm>,
}

impl Default for Params {
    /// Seed 1, as `wirelab demo` without `--seed`; every lesson's own defaults.
    fn default() -> Params {
        Params {
            seed: 1,
            loss: None,
            delay_ms: None,
            bandwidth: None,
            mss: None,
            window: None,
            congestion: None,
        }
    }
}

/// Why a lesson could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoError {
    UnknownLesson(String),
    BadParameter(String),
}

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemoError::UnknownLesson(name) => {
                write!(f, "no lesson named `{name}`; `wirelab demo` lists them")
            }
            DemoError::BadParameter(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for DemoError {}
