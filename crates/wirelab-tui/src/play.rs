//! Walking through a trace as a lesson: the narration of the step the selected frame belongs
//! to, n/p from step to step, space to play (one frame, or one step, per tick), `+`/`-` for
//! the speed, and — on a live source — following the newest frame.
//!
//! A step ends with its narration event (source_demo.rs): the step's frames are those after
//! the previous narration's `after_frame` up to this one's, and the stack's events between
//! the two narrations led to them. Capture files have no narration, and n/p go from packet to
//! packet there.

use crate::app::{App, Pane};
use crate::source::{EventKind, TraceEvent};
use std::time::{Duration, Instant};

/// The speeds `+` and `-` go through, as multiples of one tick a second.
pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

/// Play/pause and speed.
#[derive(Clone, Debug)]
pub struct Playback {
    pub playing: bool,
    /// Index in [`SPEEDS`].
    pub speed: usize,
    /// When the selection last moved by itself.
    pub last_tick: Option<Instant>,
    /// Live sources: keep the newest frame selected as frames arrive.
    pub follow_newest: bool,
}

impl Default for Playback {
    fn default() -> Playback {
        Playback {
            playing: false,
            speed: 2, // 1×
            last_tick: None,
            follow_newest: false,
        }
    }
}

impl Playback {
    pub fn toggle(&mut self) {
        self.playing = !self.playing;
        self.last_tick = None;
    }

    pub fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }

    pub fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    /// `1×`, `0.25×`.
    pub fn speed_text(&self) -> String {
        format!("{}×", SPEEDS.get(self.speed).copied().unwrap_or(1.0))
    }

    /// Time between two steps of play.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / SPEEDS.get(self.speed).copied().unwrap_or(1.0))
    }
}

/// The step a frame belongs to: its narration's index among the narrations, and the event.
pub struct StepAt<'a> {
    /// 0 for the first step.
    pub number: usize,
    pub steps: usize,
    pub narration: &'a TraceEvent,
    /// The other events of the step (the stack's), in order.
    pub events: Vec<&'a TraceEvent>,
}

impl App {
    /// Read the events the source added since the last call.
    pub fn refresh_events(&mut self) {
        let more = self.source.events_from(self.events.len());
        self.events.extend(more);
    }

    fn narrations(&self) -> impl Iterator<Item = &TraceEvent> {
        self.events
            .iter()
            .filter(|e| e.kind == EventKind::Narration)
    }

    /// Whether the source narrates its frames (a demo).
    pub fn has_narration(&self) -> bool {
        self.narrations().next().is_some()
    }

    /// The narrations, each with its place in `events`.
    fn narration_places(&self) -> Vec<(usize, &TraceEvent)> {
        self.events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EventKind::Narration)
            .collect()
    }

    /// The step frame `number` belongs to: the first narration after it (the last one for
    /// frames after every narration).
    pub fn step_at(&self, number: u64) -> Option<StepAt<'_>> {
        let narrations = self.narration_places();
        let at = narrations
            .iter()
            .position(|(_, e)| e.after_frame >= number)
            .unwrap_or(narrations.len().checked_sub(1)?);
        let (end, narration) = *narrations.get(at)?;
        let start = at
            .checked_sub(1)
            .and_then(|before| narrations.get(before))
            .map_or(0, |(place, _)| place + 1);
        let events = self
            .events
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .filter(|e| e.kind != EventKind::Narration)
            .collect();
        Some(StepAt {
            number: at,
            steps: narrations.len(),
            narration,
            events,
        })
    }

    /// The first frame of each step that has frames, in order.
    fn step_frames(&self) -> Vec<u64> {
        let mut starts = Vec::new();
        let mut before = 0;
        for (_, narration) in self.narration_places() {
            if narration.after_frame > before {
                starts.push(before + 1);
            }
            before = before.max(narration.after_frame);
        }
        starts
    }

    /// n / p: to the next or previous step's first frame when the source narrates (and the
    /// ladder is not open: there they step through the stream's packets); otherwise to the
    /// next or previous packet.
    pub(crate) fn step(&mut self, forward: bool) {
        if !self.has_narration() || self.focus == Pane::Ladder || self.filter.is_some() {
            self.step_packet(forward);
            return;
        }
        let current = self.selected_frame().unwrap_or(0);
        let starts = self.step_frames();
        let target = if forward {
            starts.iter().find(|n| **n > current).copied()
        } else {
            starts.iter().rev().find(|n| **n < current).copied()
        };
        if let Some(target) = target {
            self.select_frame(target);
        }
    }

    /// F (or End on a live source): follow the newest frame, or stop following it.
    pub(crate) fn toggle_follow_newest(&mut self) {
        self.playback.follow_newest = !self.playback.follow_newest;
        if self.playback.follow_newest {
            self.select_row(self.visible_len().saturating_sub(1));
        }
    }

    /// Called by the run loop (and tests) with the time: while playing, move the selection
    /// on when the interval has passed; while following, keep the newest frame selected.
    pub fn tick(&mut self, now: Instant) {
        self.refresh_events();
        if self.playback.follow_newest {
            self.select_row(self.visible_len().saturating_sub(1));
        }
        if !self.playback.playing {
            return;
        }
        let due = self
            .playback
            .last_tick
            .is_none_or(|last| now.duration_since(last) >= self.playback.interval());
        if !due {
            return;
        }
        self.playback.last_tick = Some(now);
        let before = self.selected_frame();
        self.step(true);
        // At the end of the trace, play stops (a live source goes on when frames come).
        if self.selected_frame() == before && !self.source.is_live() {
            self.playback.playing = false;
        }
    }

    /// How long the run loop may wait for a key before calling [`App::tick`].
    pub fn tick_wait(&self) -> Duration {
        if self.playback.playing {
            self.playback.interval().min(Duration::from_millis(250)) / 2
        } else if self.busy() || self.playback.follow_newest || self.source.is_live() {
            Duration::from_millis(50)
        } else {
            Duration::from_secs(1)
        }
    }
}
