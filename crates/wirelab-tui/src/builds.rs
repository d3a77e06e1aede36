//! What is built by reading the trace again in a background thread — a stream's ladder, its
//! followed bytes, its TLS session — so that a long stream never freezes the screen: the pane
//! says "building…" until the thread is done (replay.rs's [`Job`]).

mod ladder_log;

pub use ladder_log::{CompactLadder, LadderLines};

use crate::app::{App, Overlay, TlsText};
use crate::index;
use crate::replay::{self, Job};
use std::sync::Arc;
use std::time::Duration;
use wirelab_analyze::stream::Followed;

impl App {
    /// The last frame of TCP stream `stream` read so far.
    fn last_frame_of(&self, stream: u32) -> u64 {
        let index = index::lock(&self.index);
        index
            .stream_frames(stream)
            .last()
            .map_or(0, |n| u64::from(*n))
    }

    /// Make sure the ladder of the selected stream is laid out for this width. The ladder
    /// (reading the trace, kept compact: ladder_log.rs) and its layout (counting each arrow's
    /// rows) are made in a background thread; meanwhile `ladder` is `None` and
    /// [`App::ladder_building`] says which stream is being built. A new width lays out the
    /// ladder kept again, without reading. Only the rows on the screen are ever drawn.
    pub fn refresh_ladder(&mut self, width: usize) {
        let Some(stream) = self.selected_stream() else {
            self.ladder = None;
            return;
        };
        if let Some(job) = &self.ladder_job {
            if job.key != stream || self.ladder_job_width != width {
                self.ladder_job = None;
            } else if let Some(result) = job.poll() {
                self.ladder_job = None;
                match result {
                    Ok((ladder, text)) => {
                        self.ladder_built = Some((stream, Ok(ladder)));
                        self.ladder = Some(text);
                    }
                    Err(error) => {
                        self.ladder_built = Some((stream, Err(error.clone())));
                        self.ladder = Some(LadderText {
                            stream,
                            width,
                            lines: Err(error),
                        });
                    }
                }
            }
        }
        if self
            .ladder
            .as_ref()
            .is_some_and(|l| l.stream == stream && l.width == width)
            || self.ladder_job.is_some()
        {
            return;
        }
        self.ladder = None;
        let built = self
            .ladder_built
            .as_ref()
            .filter(|(s, _)| *s == stream)
            .map(|(_, ladder)| ladder.clone());
        // The ladder kept belongs to another stream: let it go before building this one.
        if built.is_none() {
            self.ladder_built = None;
        }
        let last = self.last_frame_of(stream);
        let source = self.source.clone();
        self.ladder_job_width = width;
        self.ladder_job = Some(Job::spawn(stream, &self.secrets, move |context| {
            let ladder = match built {
                Some(built) => built?,
                None => Arc::new(replay::ladder(&*source, context, stream, last)?),
            };
            let style = wirelab_analyze::ladder::TextStyle {
                width,
                ascii: false,
            };
            let title = format!("TCP stream {stream}");
            let lines = LadderLines::new(ladder.clone(), &title, style);
            Ok((
                ladder,
                LadderText {
                    stream,
                    width,
                    lines,
                },
            ))
        }));
    }

    /// The stream whose ladder is being built in the background.
    pub fn ladder_building(&self) -> Option<u32> {
        self.ladder_job.as_ref().map(|job| job.key)
    }

    /// Make sure the TLS pane's session is the selected stream's (built in the background).
    pub fn refresh_tls(&mut self) {
        let Some(stream) = self.selected_stream() else {
            return;
        };
        if let Some(job) = &self.tls_job {
            if job.key != stream {
                self.tls_job = None;
            } else if let Some(session) = job.poll() {
                self.tls = Some(TlsText { stream, session });
                self.tls_job = None;
                return;
            }
        }
        if self.tls.as_ref().is_some_and(|t| t.stream == stream) || self.tls_job.is_some() {
            return;
        }
        self.tls = None;
        self.tls_scroll = 0;
        let frames: Vec<(u64, bool)> = {
            let index = index::lock(&self.index);
            index
                .stream_frames(stream)
                .iter()
                .filter_map(|n| Some((u64::from(*n), index.entry(u64::from(*n))?.tcp?.from_a)))
                .collect()
        };
        let source = self.source.clone();
        self.tls_job = Some(Job::spawn(stream, &self.secrets, move |context| {
            crate::tls_pane::build(&*source, context, &frames)
        }));
    }

    /// The stream whose TLS session is being read in the background.
    pub fn tls_building(&self) -> Option<u32> {
        self.tls_job.as_ref().map(|job| job.key)
    }

    /// Wait for the ladder, follow and TLS builds under way (tests and scripts).
    pub fn wait_for_builds(&mut self) {
        while self.ladder_job.is_some() || self.follow_job.is_some() || self.tls_job.is_some() {
            std::thread::sleep(Duration::from_millis(5));
            if self.ladder_job.is_some() {
                let width = self.ladder_job_width;
                self.refresh_ladder(width);
            }
            if self.tls_job.is_some() {
                self.refresh_tls();
            }
            self.refresh_follow();
        }
    }

    /// f: follow the selected stream. The window opens at once and says "building…" until
    /// the background thread has reassembled the stream.
    pub(crate) fn open_follow(&mut self) {
        let Some(stream) = self.selected_stream() else {
            self.message = Some("f follows a TCP stream: select a TCP segment first".into());
            return;
        };
        let last = self.last_frame_of(stream);
        let source = self.source.clone();
        self.follow_job = Some(Job::spawn(stream, &self.secrets, move |context| {
            replay::follow(&*source, context, stream, last)
        }));
        self.overlay = Some(Overlay::Follow {
            stream,
            lines: Vec::new(),
            scroll: 0,
        });
    }

    /// Take the followed stream when its thread is done.
    pub fn refresh_follow(&mut self) {
        let Some(job) = &self.follow_job else { return };
        let key = job.key;
        let Some(result) = job.poll() else { return };
        self.follow_job = None;
        match (result, &mut self.overlay) {
            (Ok(followed), Some(Overlay::Follow { stream, lines, .. })) if *stream == key => {
                *lines = follow_lines(&followed);
            }
            (Err(error), Some(Overlay::Follow { .. })) => {
                self.overlay = None;
                self.message = Some(error);
            }
            _ => {}
        }
    }

    /// Whether the followed stream is still being built.
    pub fn follow_building(&self) -> bool {
        self.follow_job.is_some()
    }
}

/// A followed stream as lines, each with the node that sent it (0 or 1; 2 for notes).
fn follow_lines(followed: &Followed) -> Vec<(usize, String)> {
    use wirelab_analyze::stream::FollowContent;
    let mut lines = Vec::new();
    if let Some([a, b]) = followed.nodes {
        lines.push((
            0,
            format!("Node 0: {}", index::endpoint_text(a.addr, a.port)),
        ));
        lines.push((
            1,
            format!("Node 1: {}", index::endpoint_text(b.addr, b.port)),
        ));
    }
    for record in &followed.records {
        match &record.content {
            FollowContent::Data(bytes) => {
                // Line ends (CR LF in HTTP) end the line; other control bytes show as dots.
                let text: String = bytes
                    .iter()
                    .filter(|&&b| b != b'\r')
                    .map(|&b| match b {
                        b'\n' => '\n',
                        b' '..=b'~' => b as char,
                        _ => '.',
                    })
                    .collect();
                for line in text.strip_suffix('\n').unwrap_or(&text).split('\n') {
                    lines.push((record.node, line.to_string()));
                }
            }
            FollowContent::Missing { len, .. } => lines.push((
                2,
                format!("[{len} bytes missing in capture, frame {}]", record.frame),
            )),
            FollowContent::Overlap(overlap) => lines.push((
                2,
                format!(
                    "[{} bytes sent again in frame {}{}]",
                    overlap.compared,
                    record.frame,
                    if overlap.conflict > 0 {
                        ", different the second time"
                    } else {
                        ""
                    }
                ),
            )),
        }
    }
    lines
}

/// A ladder laid out for one stream at one width, or why it cannot be drawn.
pub struct LadderText {
    pub stream: u32,
    pub width: usize,
    pub lines: Result<LadderLines, String>,
}
