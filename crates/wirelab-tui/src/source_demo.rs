//! A lesson of wirelab-demos as a trace: the frames that crossed the simulated link, each
//! step's narration after the step's last frame, and what the two stacks reported (state
//! changes, segments and why they were sent, cwnd, SRTT, windows) beside the frames.
//!
//! ```text
//!  run_lesson(name, params) ──> Lesson { steps: [Step { frames, events, narration }] }
//!        │ write_pcapng                      │ steps, in order
//!        ▼                                   ▼
//!  pcapng bytes in memory            TraceEvent { after_frame, kind: Tcp | Narration | Other }
//! ```
//!
//! A step's events led to its frames (the `SegmentSent` that made a segment comes before
//! it), so they are placed after the frame before the step; the narration explains the
//! step's frames, so it comes after the last of them.

use crate::source::{EmbeddedCapture, EventKind, TraceEvent, TraceSource};
use std::io::{self, Read};
use wirelab_demos::{Lesson, Params};

/// A lesson, run once on the simulated link, as a trace source.
pub struct DemoSource {
    capture: EmbeddedCapture,
    events: Vec<TraceEvent>,
    frames: u64,
    /// The lesson's key log: the TLS lessons log their master secret, as a browser does
    /// with SSLKEYLOGFILE.
    keylog: Option<String>,
}

impl DemoSource {
    /// Runs the lesson `name` (an unknown name or a bad parameter is an error, with the
    /// message `wirelab demo` gives).
    pub fn run(name: &str, params: &Params) -> Result<DemoSource, wirelab_demos::DemoError> {
        let lesson = wirelab_demos::run_lesson(name, params)?;
        Ok(DemoSource::from_lesson(&lesson))
    }

    /// The trace of a lesson already run.
    pub fn from_lesson(lesson: &Lesson) -> DemoSource {
        let mut bytes = Vec::new();
        // Writing into a Vec cannot fail; an empty trace would show as an error in the index.
        let _ = wirelab_demos::write_pcapng(lesson, &mut bytes);
        let (events, frames) = lesson_events(lesson);
        DemoSource {
            capture: EmbeddedCapture::new(format!("demo {}", lesson.name), bytes),
            events,
            frames,
            keylog: lesson.keylog.clone(),
        }
    }

    /// The number of frames of the lesson.
    pub fn frames(&self) -> u64 {
        self.frames
    }
}

/// The events of every step, in order, numbered by the frames before them; and the number
/// of frames.
fn lesson_events(lesson: &Lesson) -> (Vec<TraceEvent>, u64) {
    let mut events = Vec::new();
    let mut frames_before = 0u64;
    for step in &lesson.steps {
        for event in &step.events {
            let kind = match (&event.tcp, event.endpoints) {
                (Some(tcp), Some((local, remote))) => EventKind::Tcp {
                    local,
                    remote,
                    event: tcp.clone(),
                },
                _ => EventKind::Other,
            };
            events.push(TraceEvent {
                after_frame: frames_before,
                micros: event.micros,
                text: format!("[{}] {}", event.host.name(), event.text),
                kind,
            });
        }
        frames_before += step.frames.len() as u64;
        if !step.narration.is_empty() {
            events.push(TraceEvent {
                after_frame: frames_before,
                micros: step.frames.last().map_or(step.micros, |frame| frame.micros),
                text: step.narration.clone(),
                kind: EventKind::Narration,
            });
        }
    }
    (events, frames_before)
}

impl TraceSource for DemoSource {
    fn name(&self) -> &str {
        self.capture.name()
    }
    fn size(&self) -> Option<u64> {
        self.capture.size()
    }
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        self.capture.open()
    }
    fn events_from(&self, from: usize) -> Vec<TraceEvent> {
        self.events.get(from..).unwrap_or_default().to_vec()
    }
    fn tls_keylog(&self) -> Option<String> {
        self.keylog.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, SocketAddrV4};
    use wirelab_capture::CaptureReader;
    use wirelab_stack::tcp::{Event, State};

    fn handshake() -> (Lesson, DemoSource) {
        let lesson = wirelab_demos::run_lesson("tcp-handshake", &Params::default()).unwrap();
        let source = DemoSource::from_lesson(&lesson);
        (lesson, source)
    }

    fn frames_in(source: &dyn TraceSource) -> u64 {
        let mut reader = CaptureReader::new(source.open().unwrap()).unwrap();
        let mut count = 0;
        while reader.next_frame().unwrap().is_some() {
            count += 1;
        }
        count
    }

    #[test]
    fn the_trace_holds_every_frame_of_the_lesson() {
        let (lesson, source) = handshake();
        let expected: usize = lesson.steps.iter().map(|s| s.frames.len()).sum();
        assert!(expected >= 3, "a handshake has three segments at least");
        assert_eq!(frames_in(&source), expected as u64);
        assert_eq!(source.frames(), expected as u64);
    }

    #[test]
    fn each_narration_follows_the_last_frame_of_its_step() {
        let (lesson, source) = handshake();
        let narrations: Vec<TraceEvent> = source
            .events_from(0)
            .into_iter()
            .filter(|e| e.kind == EventKind::Narration)
            .collect();
        let mut frames = 0u64;
        let mut expected = Vec::new();
        for step in &lesson.steps {
            frames += step.frames.len() as u64;
            expected.push((frames, step.narration.clone()));
        }
        let found: Vec<(u64, String)> = narrations
            .into_iter()
            .map(|e| (e.after_frame, e.text))
            .collect();
        assert_eq!(found, expected);
        // Step 1 is A's ARP request, frame 1; its narration comes right after it.
        assert_eq!(found[0].0, 1);
        assert!(found[0].1.contains("ARP request"), "{}", found[0].1);
    }

    #[test]
    fn tcp_events_name_the_reporting_host_first_and_its_peer_second() {
        let (_, source) = handshake();
        let a = Ipv4Addr::new(10, 0, 0, 1);
        let b = Ipv4Addr::new(10, 0, 0, 2);
        let mut a_established = None;
        let mut b_established = None;
        for event in source.events_from(0) {
            let EventKind::Tcp {
                local,
                remote,
                event,
            } = event.kind
            else {
                continue;
            };
            assert_ne!(local.ip(), remote.ip());
            if let Event::StateChanged {
                to: State::Established,
                ..
            } = event
            {
                if *local.ip() == a {
                    a_established = Some((local, remote));
                } else {
                    b_established = Some((local, remote));
                }
            }
        }
        let (a_local, a_remote) = a_established.expect("A reached ESTABLISHED");
        let (b_local, b_remote) = b_established.expect("B reached ESTABLISHED");
        // The same connection, seen from both ends.
        assert_eq!((a_local, a_remote), (b_remote, b_local));
        assert_eq!(*b_local.ip(), b);
        assert_eq!(b_local, SocketAddrV4::new(b, b_local.port()));
    }

    #[test]
    fn the_syn_is_sent_by_the_event_placed_before_it() {
        let (_, source) = handshake();
        let events = source.events_from(0);
        let sent_syn = events
            .iter()
            .find(|e| {
                matches!(&e.kind, EventKind::Tcp { event: Event::SegmentSent { summary, .. }, .. }
                    if summary.repr.flags_text() == "S")
            })
            .expect("A's stack reported sending its SYN");
        // Frames 1 and 2 are the ARP request and reply; the SYN is frame 3.
        assert_eq!(sent_syn.after_frame, 2);
        assert!(sent_syn.text.starts_with("[A] sent"), "{}", sent_syn.text);
    }

    #[test]
    fn events_from_an_offset_skip_the_ones_already_seen() {
        let (_, source) = handshake();
        let all = source.events_from(0);
        assert_eq!(source.events_from(2), all[2..].to_vec());
        assert!(source.events_from(all.len() + 5).is_empty());
        assert!(!source.is_live());
    }

    #[test]
    fn a_tls_lesson_hands_over_its_key_log_and_a_tcp_lesson_has_none() {
        let lesson = wirelab_demos::run_lesson("tls-ecdhe", &Params::default()).unwrap();
        let keylog = DemoSource::from_lesson(&lesson).tls_keylog();
        assert!(keylog.is_some_and(|k| k.starts_with("CLIENT_RANDOM ")));
        assert_eq!(handshake().1.tls_keylog(), None);
    }

    #[test]
    fn an_unknown_lesson_is_an_error_naming_it() {
        let error = DemoSource::run("tcp-nonsense", &Params::default())
            .err()
            .expect("no such lesson");
        assert!(error.to_string().contains("tcp-nonsense"), "{error}");
    }
}
