//! A trace that is still being made: frames arrive while the TUI shows them, from the stack
//! on a TAP device (src/tui.rs runs it) or from an interface ([`crate::source_pnet`]).
//!
//! ```text
//!   capturing thread ── LiveFeed::frame(bytes) ──> growing pcap bytes ──┬─> LiveReader (index)
//!                    ── LiveFeed::event(...)  ──> events              │   blocks at the end,
//!                    ── drop / LiveFeed::stop ──> "stopped"          └─> LiveReader (replay)
//! ```
//!
//! Every reader starts at byte 0 and, at the end, waits for more (like `tail -f`); once the
//! feed stops, it reads to the end and ends. The capture is kept whole in memory, so that
//! the ladder and the follow view can read it again: a live session is for minutes of a
//! lesson, not for days.

use crate::source::{EventKind, TraceEvent, TraceSource};
use std::io::{self, Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};
use wirelab_capture::{PcapWriter, TsResolution};
use wirelab_wire::{LinkType, Timestamp};

/// What the capturing thread and the readers share.
struct Shared {
    state: Mutex<State>,
    /// Signalled when bytes are added or the feed stops.
    grew: Condvar,
}

#[derive(Default)]
struct State {
    /// A pcap file: its header, then one record per frame.
    bytes: Vec<u8>,
    frames: u64,
    events: Vec<TraceEvent>,
    stopped: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        crate::index::lock(&self.state)
    }
}

/// A live trace, as the TUI reads it.
pub struct LiveCapture {
    name: String,
    shared: Arc<Shared>,
}

/// The capturing side of a [`LiveCapture`]: it adds frames and events, and stops the trace
/// when dropped.
pub struct LiveFeed {
    shared: Arc<Shared>,
    writer: PcapWriter<Appender>,
    /// The first frame's time: events are timed from it, as the packet list times frames.
    first_frame: Option<Timestamp>,
}

/// Appends what the pcap writer writes (the header, then one whole record per call) to the
/// shared bytes, and wakes the readers.
struct Appender(Arc<Shared>);

impl Write for Appender {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().bytes.extend_from_slice(buf);
        self.0.grew.notify_all();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl LiveCapture {
    /// A new live trace of Ethernet frames called `name`, and the feed that fills it.
    pub fn new(name: impl Into<String>) -> (Arc<LiveCapture>, LiveFeed) {
        LiveCapture::with_link_type(name, LinkType::ETHERNET)
    }

    /// As [`new`](LiveCapture::new), for frames of another link type.
    pub fn with_link_type(
        name: impl Into<String>,
        link_type: LinkType,
    ) -> (Arc<LiveCapture>, LiveFeed) {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            grew: Condvar::new(),
        });
        let writer = PcapWriter::new(
            Appender(shared.clone()),
            link_type,
            0,
            TsResolution::Nanoseconds,
        );
        let capture = Arc::new(LiveCapture {
            name: name.into(),
            shared: shared.clone(),
        });
        let feed = LiveFeed {
            shared,
            writer: writer.expect("the appender never fails"),
            first_frame: None,
        };
        (capture, feed)
    }

    /// Frames added so far.
    pub fn frames(&self) -> u64 {
        self.shared.lock().frames
    }

    /// Whether the feed has stopped (the device closed, the capturing thread ended).
    pub fn stopped(&self) -> bool {
        self.shared.lock().stopped
    }
}

impl LiveFeed {
    /// Adds a frame, stamped with the system clock.
    pub fn frame(&mut self, bytes: &[u8]) {
        self.frame_at(now(), bytes);
    }

    /// Adds a frame captured at `ts`.
    pub fn frame_at(&mut self, ts: Timestamp, bytes: &[u8]) {
        self.first_frame.get_or_insert(ts);
        let orig_len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        // The appender never fails, so neither does the writer.
        let _ = self.writer.write_packet(ts, orig_len, bytes);
        self.shared.lock().frames += 1;
        self.shared.grew.notify_all();
    }

    /// Adds an event after the frames added so far, timed since the first frame (0 before
    /// it).
    pub fn event(&mut self, text: String, kind: EventKind) {
        let since_first = self
            .first_frame
            .map_or(0, |first| now().since(first).as_nanos() / 1000);
        let micros = u64::try_from(since_first).unwrap_or(0);
        let mut state = self.shared.lock();
        let after_frame = state.frames;
        state.events.push(TraceEvent {
            after_frame,
            micros,
            text,
            kind,
        });
    }

    /// Ends the trace: readers read to the end and stop there.
    pub fn stop(&mut self) {
        self.shared.lock().stopped = true;
        self.shared.grew.notify_all();
    }

    /// Frames added so far.
    pub fn frames(&self) -> u64 {
        self.shared.lock().frames
    }
}

/// The system clock as a capture's timestamp.
fn now() -> Timestamp {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp::from_nanos(since_epoch.as_nanos() as i128)
}

impl Drop for LiveFeed {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads the live bytes from the start, waiting at the end until more come or the feed
/// stops.
struct LiveReader {
    shared: Arc<Shared>,
    at: usize,
}

impl Read for LiveReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut state = self.shared.lock();
        loop {
            if let Some(available) = state.bytes.get(self.at..).filter(|b| !b.is_empty()) {
                let n = available.len().min(buf.len());
                buf[..n].copy_from_slice(&available[..n]);
                self.at += n;
                return Ok(n);
            }
            if state.stopped {
                return Ok(0);
            }
            state = self
                .shared
                .grew
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl TraceSource for LiveCapture {
    fn name(&self) -> &str {
        &self.name
    }
    /// Unknown: the trace is still growing.
    fn size(&self) -> Option<u64> {
        None
    }
    fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(LiveReader {
            shared: self.shared.clone(),
            at: 0,
        }))
    }
    fn events_from(&self, from: usize) -> Vec<TraceEvent> {
        let state = self.shared.lock();
        state.events.get(from..).unwrap_or_default().to_vec()
    }
    fn is_live(&self) -> bool {
        !self.shared.lock().stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};
    use wirelab_capture::CaptureReader;

    /// An Ethernet frame of 60 bytes whose first byte is `mark`.
    fn frame(mark: u8) -> Vec<u8> {
        let mut bytes = vec![0u8; 60];
        bytes[0] = mark;
        bytes
    }

    #[test]
    fn a_reader_waits_at_the_end_for_the_next_frame_and_ends_when_the_feed_stops() {
        let (capture, mut feed) = LiveCapture::new("live test");
        feed.frame(&frame(1));
        let source = capture.clone();
        let reader = std::thread::spawn(move || {
            let mut reader = CaptureReader::new(source.open().unwrap()).unwrap();
            let mut marks = Vec::new();
            while let Some(frame) = reader.next_frame().unwrap() {
                marks.push(frame.bytes[0]);
            }
            marks
        });
        std::thread::sleep(Duration::from_millis(50));
        assert!(!reader.is_finished(), "the reader waits for more frames");
        feed.frame(&frame(2));
        feed.frame(&frame(3));
        assert!(capture.is_live());
        drop(feed);
        assert_eq!(reader.join().unwrap(), vec![1, 2, 3]);
        assert!(!capture.is_live());
        assert_eq!(capture.frames(), 3);
    }

    #[test]
    fn every_reader_starts_at_the_first_frame() {
        let (capture, mut feed) = LiveCapture::new("live test");
        feed.frame(&frame(7));
        feed.frame(&frame(8));
        feed.stop();
        for _ in 0..2 {
            let mut reader = CaptureReader::new(capture.open().unwrap()).unwrap();
            assert_eq!(reader.next_frame().unwrap().unwrap().bytes[0], 7);
            assert_eq!(reader.next_frame().unwrap().unwrap().bytes[0], 8);
            assert!(reader.next_frame().unwrap().is_none());
        }
    }

    /// Waits up to 5 s for `ready`.
    fn eventually(what: &str, mut ready: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !ready() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn the_index_shows_each_frame_as_it_comes_and_is_done_when_the_feed_stops() {
        let (capture, mut feed) = LiveCapture::new("live test");
        let index = crate::index::load(capture);
        assert!(crate::index::lock(&index).live);
        feed.frame(&frame(1));
        eventually("the first frame in the index", || {
            crate::index::lock(&index).frames.len() == 1
        });
        std::thread::sleep(Duration::from_millis(50));
        {
            let index = crate::index::lock(&index);
            assert!(!index.done, "a live index waits for more");
            assert!(index.live);
            assert_eq!(index.percent(), None);
        }
        feed.frame(&frame(2));
        eventually("the second frame", || {
            crate::index::lock(&index).frames.len() == 2
        });
        drop(feed);
        eventually("the end of the index", || crate::index::lock(&index).done);
        let index = crate::index::lock(&index);
        assert!(!index.live);
        assert_eq!(index.frames.len(), 2);
        assert_eq!(index.error, None);
    }

    #[test]
    fn an_event_is_placed_after_the_frames_fed_before_it() {
        let (capture, mut feed) = LiveCapture::new("live test");
        feed.event("before any frame".into(), EventKind::Other);
        feed.frame(&frame(1));
        feed.frame(&frame(2));
        feed.event("after two".into(), EventKind::Other);
        let events = capture.events_from(0);
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].after_frame, events[1].after_frame), (0, 2));
        assert_eq!(capture.events_from(1)[0].text, "after two");
        // Timed from the first frame, as the packet list's Time column.
        assert_eq!(events[0].micros, 0);
        assert!(events[1].micros < 1_000_000, "{}", events[1].micros);
    }
}
