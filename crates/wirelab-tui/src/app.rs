//! The state of the TUI and what each key does to it. No terminal here: `handle_key` changes
//! the state, `render` (view.rs) draws it, so that tests drive an `App` directly and draw it on
//! ratatui's `TestBackend`.

use crate::builds::CompactLadder;
use crate::index::{self, Cancel, SharedIndex};
use crate::play::Playback;
use crate::replay::{self, FrameDetail, Job, Replay, ReplayContext, SharedFilter};
use crate::source::{TraceEvent, TraceSource};
use crate::tls_pane::TlsSession;
use crate::tree::TreeState;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;
use wirelab_analyze::app::tls::Secrets;
use wirelab_analyze::stream::Followed;
use wirelab_tls::keylog::KeyLog;
use wirelab_wire::filter::Filter;

/// The TCP panel's charts and checkpoints, for the (stream, its segments, events) they were
/// made from.
pub(crate) type TcpCache = (
    (u32, usize, usize),
    crate::tcp_model::Charts,
    crate::tcp_model::Checkpoints,
);

/// What a replay thread gives back: the replay, to go on from, and the frame.
type ReplayDone = (Option<Replay>, Result<Option<FrameDetail>, String>);

/// The panes Tab moves between, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Tree,
    Hex,
    Ladder,
    Tcp,
    Tls,
}

impl Pane {
    const ORDER: [Pane; 6] = [
        Pane::List,
        Pane::Tree,
        Pane::Hex,
        Pane::Ladder,
        Pane::Tcp,
        Pane::Tls,
    ];

    fn step(self, forward: bool) -> Pane {
        let at = Pane::ORDER.iter().position(|p| *p == self).unwrap_or(0);
        let n = Pane::ORDER.len();
        Pane::ORDER[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }]
    }
}

/// A window over the panes.
#[derive(Debug)]
pub enum Overlay {
    Help,
    Conversations {
        selected: usize,
    },
    /// A followed stream; its lines are empty while it is being built.
    Follow {
        stream: u32,
        lines: Vec<(usize, String)>,
        scroll: usize,
    },
}

/// The TLS pane's session, for one stream.
pub struct TlsText {
    pub stream: u32,
    pub session: Result<TlsSession, String>,
}

/// A display filter being applied or applied.
pub struct ActiveFilter {
    pub text: String,
    pub result: SharedFilter,
    cancel: Cancel,
}

pub use crate::builds::LadderText;

pub struct App {
    pub source: Arc<dyn TraceSource>,
    pub index: SharedIndex,
    pub focus: Pane,
    pub overlay: Option<Overlay>,
    /// Row of the packet list selected (in the filtered list when a filter is on).
    pub cursor: usize,
    /// First row shown, kept so that the list scrolls only when the cursor leaves it.
    pub list_top: usize,
    pub filter: Option<ActiveFilter>,
    /// The filter bar while it is being typed.
    pub filter_input: Option<String>,
    /// Why the last filter was refused.
    pub message: Option<String>,
    replay: Option<Replay>,
    /// A replay running in a thread: the frame asked for, and where the replay and the
    /// frame come back.
    pending: Option<(u64, Receiver<ReplayDone>)>,
    pub detail: Option<Result<FrameDetail, String>>,
    pub tree: TreeState,
    pub hex_scroll: usize,
    pub ladder: Option<LadderText>,
    pub ladder_scroll: usize,
    /// The ladder of a stream, once built in the background, and the build under way.
    pub(crate) ladder_built: Option<(u32, Result<Arc<CompactLadder>, String>)>,
    pub(crate) ladder_job: Option<Job<(Arc<CompactLadder>, LadderText)>>,
    /// The width the ladder job draws for.
    pub(crate) ladder_job_width: usize,
    pub(crate) follow_job: Option<Job<Followed>>,
    pub tls: Option<TlsText>,
    pub(crate) tls_job: Option<Job<TlsSession>>,
    pub tls_scroll: usize,
    /// Secrets from `--tls-keylog`, or else from the source (a TLS lesson's key log): the
    /// detail tree and the TLS pane decrypt with them.
    pub secrets: Secrets,
    /// The source's events (narration, the stack's TCP events), as far as read.
    pub events: Vec<TraceEvent>,
    /// Play/pause, speed, following the newest frame.
    pub playback: Playback,
    /// The TCP panel's charts, for (stream, its segments, events) when they were made.
    pub(crate) tcp_charts: Option<TcpCache>,
    /// Colours on (off when NO_COLOR is set); reverse video and bold are used either way.
    pub colors: bool,
    pub quit: bool,
    /// Where each pane was drawn last, for the mouse.
    pub areas: Areas,
}

/// The secrets of the source's own key log (a TLS lesson's), or none; a key log that does not
/// parse is reported in the status line instead.
fn source_secrets(source: &dyn TraceSource) -> (Secrets, Option<String>) {
    let Some(text) = source.tls_keylog() else {
        return (Secrets::default(), None);
    };
    match KeyLog::parse(&text) {
        Ok(keylog) => (
            Secrets {
                keylog: Some(Arc::new(keylog)),
                rsa_key: None,
            },
            None,
        ),
        Err(error) => (
            Secrets::default(),
            Some(format!("the key log of {}: {error}", source.name())),
        ),
    }
}

/// Screen areas of the last frame drawn.
#[derive(Clone, Copy, Debug, Default)]
pub struct Areas {
    pub list: Rect,
    pub tree: Rect,
    pub hex: Rect,
    pub ladder: Rect,
    pub tcp: Rect,
    pub tls: Rect,
}

impl App {
    /// An app over `source`; the index starts loading at once, in the background.
    pub fn new(source: Arc<dyn TraceSource>) -> App {
        wirelab_analyze::register_fields();
        let index = index::load(source.clone());
        let (secrets, keylog_error) = source_secrets(&*source);
        App {
            source,
            index,
            focus: Pane::List,
            overlay: None,
            cursor: 0,
            list_top: 0,
            filter: None,
            filter_input: None,
            message: keylog_error,
            replay: None,
            pending: None,
            detail: None,
            tree: TreeState::default(),
            hex_scroll: 0,
            ladder: None,
            ladder_scroll: 0,
            ladder_built: None,
            ladder_job: None,
            ladder_job_width: 0,
            follow_job: None,
            tls: None,
            tls_job: None,
            tls_scroll: 0,
            secrets,
            events: Vec::new(),
            playback: Playback::default(),
            tcp_charts: None,
            colors: true,
            quit: false,
            areas: Areas::default(),
        }
    }

    /// Wait for the index (and the filter, if any) to be complete: for tests and scripts.
    pub fn wait_until_loaded(&self) {
        loop {
            let loaded = index::lock(&self.index).done;
            let filtered = self
                .filter
                .as_ref()
                .is_none_or(|f| index::lock(&f.result).done);
            if loaded && filtered {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Whether anything is still loading (the run loop redraws while it is).
    pub fn busy(&self) -> bool {
        self.pending.is_some()
            || self.ladder_job.is_some()
            || self.follow_job.is_some()
            || self.tls_job.is_some()
            || self.playback.playing
            || !index::lock(&self.index).done
            || self
                .filter
                .as_ref()
                .is_some_and(|f| !index::lock(&f.result).done)
    }

    /// Rows of the packet list.
    pub fn visible_len(&self) -> usize {
        match &self.filter {
            Some(f) => index::lock(&f.result).matching.len(),
            None => index::lock(&self.index).frames.len(),
        }
    }

    /// The frame number shown on a row of the packet list.
    pub fn frame_at(&self, row: usize) -> Option<u64> {
        match &self.filter {
            Some(f) => {
                let result = index::lock(&f.result);
                result.matching.get(row).map(|n| u64::from(*n))
            }
            None => (row < index::lock(&self.index).frames.len()).then_some(row as u64 + 1),
        }
    }

    /// The selected frame's number.
    pub fn selected_frame(&self) -> Option<u64> {
        self.frame_at(self.cursor)
    }

    /// Make sure the selected frame's tree is dissected (reading the trace again if needed).
    pub fn refresh_detail(&mut self) {
        let Some(number) = self.selected_frame() else {
            self.detail = None;
            return;
        };
        if let Some((asked, receiver)) = &self.pending {
            let asked = *asked;
            match receiver.try_recv() {
                Ok((replay, result)) => {
                    self.replay = replay;
                    self.pending = None;
                    if asked == number {
                        self.set_detail(number, result);
                        return;
                    }
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => self.pending = None,
            }
        }
        if let Some(Ok(detail)) = &self.detail {
            if detail.number == number {
                return;
            }
        }
        if Replay::is_quick(&self.replay, number) {
            let result = Replay::frame(&mut self.replay, &*self.source, &self.secrets, number);
            self.set_detail(number, result);
            return;
        }
        // A long way from where the replay stopped: read on in a thread, keep the screen alive.
        let (sender, receiver) = mpsc::channel();
        let mut replay = self.replay.take();
        let source = self.source.clone();
        let secrets = self.secrets.clone();
        std::thread::spawn(move || {
            let result = Replay::frame(&mut replay, &*source, &secrets, number);
            let _ = sender.send((replay, result));
        });
        self.pending = Some((number, receiver));
        self.detail = None;
    }

    /// The frame being read in the background for the tree, if any.
    pub fn pending_frame(&self) -> Option<u64> {
        self.pending.as_ref().map(|(number, _)| *number)
    }

    fn set_detail(&mut self, number: u64, result: Result<Option<FrameDetail>, String>) {
        let detail = match result {
            Ok(Some(detail)) => Ok(detail),
            Ok(None) => Err(format!("frame {number} is not in the trace")),
            Err(error) => Err(error),
        };
        if let Ok(detail) = &detail {
            self.tree.frame_changed(&detail.d);
        }
        self.hex_scroll = 0;
        self.detail = Some(detail);
    }

    /// The TCP stream of the selected frame.
    pub fn selected_stream(&self) -> Option<u32> {
        let number = self.selected_frame()?;
        index::lock(&self.index)
            .entry(number)?
            .tcp
            .map(|t| t.stream)
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if let Some(text) = self.filter_input.as_mut() {
            match key.code {
                KeyCode::Enter => {
                    let text = std::mem::take(text);
                    self.filter_input = None;
                    self.apply_filter(&text);
                }
                KeyCode::Esc => self.filter_input = None,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            return;
        }
        if self.overlay.is_some() {
            self.overlay_key(key);
            return;
        }
        self.message = None;
        match key.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.overlay = Some(Overlay::Help),
            KeyCode::Char('/') => {
                let current = self.filter.as_ref().map(|f| f.text.clone());
                self.filter_input = Some(current.unwrap_or_default());
            }
            KeyCode::Tab => self.focus = self.focus.step(true),
            KeyCode::BackTab => self.focus = self.focus.step(false),
            KeyCode::Char('l') => self.focus = Pane::Ladder,
            KeyCode::Char('s') => self.focus = Pane::Tcp,
            KeyCode::Char('t') => self.focus = Pane::Tls,
            KeyCode::Char('c') => self.overlay = Some(Overlay::Conversations { selected: 0 }),
            KeyCode::Char('f') => self.open_follow(),
            KeyCode::Char('n') => self.step(true),
            KeyCode::Char('p') => self.step(false),
            KeyCode::Char(' ') => self.playback.toggle(),
            KeyCode::Char('+') | KeyCode::Char('=') => self.playback.faster(),
            KeyCode::Char('-') => self.playback.slower(),
            KeyCode::Char('F') => self.toggle_follow_newest(),
            KeyCode::End if self.source.is_live() => self.toggle_follow_newest(),
            KeyCode::Down | KeyCode::Char('j') => self.move_in_pane(1),
            KeyCode::Up | KeyCode::Char('k') => self.move_in_pane(-1),
            KeyCode::PageDown => self.move_in_pane(10),
            KeyCode::PageUp => self.move_in_pane(-10),
            KeyCode::Home | KeyCode::Char('g') => self.select_row(0),
            KeyCode::End | KeyCode::Char('G') => {
                self.select_row(self.visible_len().saturating_sub(1))
            }
            KeyCode::Enter => match self.focus {
                Pane::List => self.focus = Pane::Tree,
                Pane::Tree => self.toggle_tree(None),
                _ => {}
            },
            KeyCode::Right if self.focus == Pane::Tree => self.toggle_tree(Some(true)),
            KeyCode::Left if self.focus == Pane::Tree => self.toggle_tree(Some(false)),
            KeyCode::Esc => self.focus = Pane::List,
            _ => {}
        }
    }

    fn overlay_key(&mut self, key: KeyEvent) {
        self.overlay_key_inner(key);
        if !matches!(self.overlay, Some(Overlay::Follow { .. })) {
            // A follow window closed before its stream was built: stop building it.
            self.follow_job = None;
        }
    }

    fn overlay_key_inner(&mut self, key: KeyEvent) {
        let conversations = index::lock(&self.index).conversations.len();
        match (&mut self.overlay, key.code) {
            (_, KeyCode::Esc | KeyCode::Char('q')) => self.overlay = None,
            (Some(Overlay::Help), _) => self.overlay = None,
            (Some(Overlay::Conversations { .. }), KeyCode::Char('c')) => self.overlay = None,
            (Some(Overlay::Follow { .. }), KeyCode::Char('f')) => self.overlay = None,
            (Some(Overlay::Conversations { selected }), KeyCode::Down | KeyCode::Char('j')) => {
                *selected = (*selected + 1).min(conversations.saturating_sub(1));
            }
            (Some(Overlay::Conversations { selected }), KeyCode::Up | KeyCode::Char('k')) => {
                *selected = selected.saturating_sub(1);
            }
            (Some(Overlay::Conversations { selected }), KeyCode::Enter) => {
                let selected = *selected;
                let first = index::lock(&self.index)
                    .conversations
                    .get(selected)
                    .map(|c| c.first_frame);
                self.overlay = None;
                if let Some(first) = first {
                    self.select_frame(first);
                }
            }
            (Some(Overlay::Follow { lines, scroll, .. }), code) => {
                let last = lines.len().saturating_sub(1);
                *scroll = match code {
                    KeyCode::Down | KeyCode::Char('j') => (*scroll + 1).min(last),
                    KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => (*scroll + 10).min(last),
                    KeyCode::PageUp => scroll.saturating_sub(10),
                    _ => *scroll,
                };
            }
            _ => {}
        }
    }

    /// A click selects the row under it; the wheel moves the selection.
    pub fn handle_mouse(&mut self, mouse: MouseEvent) {
        let at = Position::new(mouse.column, mouse.row);
        let pane = [
            (Pane::List, self.areas.list),
            (Pane::Tree, self.areas.tree),
            (Pane::Hex, self.areas.hex),
            (Pane::Ladder, self.areas.ladder),
            (Pane::Tcp, self.areas.tcp),
            (Pane::Tls, self.areas.tls),
        ]
        .into_iter()
        .find(|(_, area)| area.contains(at));
        let Some((pane, area)) = pane else { return };
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = pane;
                // Rows start under the border; the list has a header row too.
                let header = if pane == Pane::List { 2 } else { 1 };
                let row = usize::from(mouse.row.saturating_sub(area.y + header));
                match pane {
                    Pane::List if mouse.row >= area.y + header => {
                        self.select_row(self.list_top + row)
                    }
                    Pane::Tree if mouse.row >= area.y + header => {
                        self.tree.select(self.tree.top + row)
                    }
                    _ => {}
                }
            }
            MouseEventKind::ScrollDown => {
                self.focus = pane;
                self.move_in_pane(3);
            }
            MouseEventKind::ScrollUp => {
                self.focus = pane;
                self.move_in_pane(-3);
            }
            _ => {}
        }
    }

    fn move_in_pane(&mut self, by: isize) {
        if self.focus == Pane::Tree {
            // The tree's rows are those of the selected frame: dissect it if not done yet.
            self.refresh_detail();
        }
        match self.focus {
            Pane::List | Pane::Tcp => {
                self.select_row(self.cursor.saturating_add_signed(by));
            }
            Pane::Tree => self
                .tree
                .select(self.tree.selected.saturating_add_signed(by)),
            Pane::Hex => self.hex_scroll = self.hex_scroll.saturating_add_signed(by),
            Pane::Ladder => self.ladder_scroll = self.ladder_scroll.saturating_add_signed(by),
            Pane::Tls => self.tls_scroll = self.tls_scroll.saturating_add_signed(by),
        }
    }

    /// n / p: the next or previous packet; in the ladder, of the same stream.
    pub(crate) fn step_packet(&mut self, forward: bool) {
        if self.focus != Pane::Ladder {
            let row = if forward {
                self.cursor + 1
            } else {
                self.cursor.saturating_sub(1)
            };
            self.select_row(row);
            return;
        }
        let (Some(stream), Some(current)) = (self.selected_stream(), self.selected_frame()) else {
            return;
        };
        let next = {
            let index = index::lock(&self.index);
            let frames = index.stream_frames(stream);
            if forward {
                frames.iter().find(|n| u64::from(**n) > current).copied()
            } else {
                frames
                    .iter()
                    .rev()
                    .find(|n| u64::from(**n) < current)
                    .copied()
            }
        };
        if let Some(next) = next {
            self.select_frame(u64::from(next));
            self.ladder_scroll = usize::MAX; // recentred on the selected arrow when drawn
        }
    }

    pub fn select_row(&mut self, row: usize) {
        let len = self.visible_len();
        self.cursor = row.min(len.saturating_sub(1));
    }

    /// Select a frame by number: its row, or the first row after it when the filter hides it.
    pub fn select_frame(&mut self, number: u64) {
        let row = match &self.filter {
            Some(f) => {
                let result = index::lock(&f.result);
                result.matching.partition_point(|n| u64::from(*n) < number)
            }
            None => number.saturating_sub(1) as usize,
        };
        self.select_row(row);
    }

    fn toggle_tree(&mut self, expand: Option<bool>) {
        self.refresh_detail();
        if let Some(Ok(detail)) = &self.detail {
            self.tree.toggle(&detail.d, expand);
        }
    }

    /// Apply a display filter typed in the filter bar; the empty filter shows every frame.
    pub fn apply_filter(&mut self, text: &str) {
        let keep = self.selected_frame();
        if let Some(old) = self.filter.take() {
            old.cancel.store(true, Ordering::Relaxed);
        }
        let text = text.trim();
        if !text.is_empty() {
            match Filter::parse(text) {
                Ok(filter) => {
                    let cancel: Cancel = Arc::new(AtomicBool::new(false));
                    let context = ReplayContext {
                        secrets: self.secrets.clone(),
                        cancel: cancel.clone(),
                    };
                    let result = replay::run_filter(self.source.clone(), filter, context);
                    self.filter = Some(ActiveFilter {
                        text: text.to_string(),
                        result,
                        cancel,
                    });
                }
                Err(error) => {
                    let message = error.to_string();
                    self.message = Some(message.lines().next().unwrap_or("").to_string());
                }
            }
        }
        self.cursor = 0;
        self.list_top = 0;
        if self.filter.is_none() {
            if let Some(keep) = keep {
                self.select_frame(keep);
            }
        }
    }
}
