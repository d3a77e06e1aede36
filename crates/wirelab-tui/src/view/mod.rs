//! Drawing the app: every pane is made from the state in `App`, every frame from scratch;
//! ratatui compares it with the last frame and sends only the cells that changed, so nothing
//! flickers.
//!
//! ```text
//!  wirelab  FILE  N frames  filter …                       title
//!  ┌Packets───────────────────────────────────────────┐
//!  │ No.  Time  Source  Destination  Proto Len Info   │    packet list
//!  └──────────────────────────────────────────────────┘
//!  ┌Detail──────────────────────┐┌Bytes──────────────┐    or  ┌Ladder─────┐┌TCP────┐
//!  │▸ Ethernet II …             ││0000 00 11 22 …    │        │           ││       │
//!  │ explanation of the field   ││                   │        │           ││       │
//!  └────────────────────────────┘└───────────────────┘        └───────────┘└───────┘
//!  keys / filter bar / message                               status
//! ```

mod ladder;
mod narration;
mod overlays;
mod packets;
mod tcp;
mod tls;

use crate::app::{App, Overlay, Pane};
use crate::index;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};
use ratatui::Frame;

/// The smallest screen the panes fit in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

impl App {
    pub fn render(&mut self, frame: &mut Frame<'_>) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "The terminal is {}×{}; wirelab tui needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
                area.width, area.height
            );
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
            return;
        }
        self.refresh_events();
        self.refresh_follow();
        // The TCP and TLS panes need rows more than the list does: on a short screen the
        // list keeps five packets.
        let list_height = match (matches!(self.focus, Pane::Tcp | Pane::Tls), area.height) {
            (true, ..50) => Constraint::Length(7),
            (true, _) => Constraint::Percentage(25),
            (false, _) => Constraint::Percentage(40),
        };
        let narration_height = match (self.has_narration(), area.height) {
            (false, _) => 0,
            (true, ..=29) => 3,
            (true, _) => 5,
        };
        let [title, list, narration, lower, status] = Layout::vertical([
            Constraint::Length(1),
            list_height,
            Constraint::Length(narration_height),
            Constraint::Min(6),
            Constraint::Length(1),
        ])
        .areas(area);
        self.areas = Default::default();
        self.draw_title(frame, title);
        self.areas.list = list;
        self.draw_list(frame, list);
        if narration_height > 0 {
            self.draw_narration(frame, narration);
        }
        if self.focus == Pane::Tls {
            self.areas.tls = lower;
            self.draw_tls(frame, lower);
        } else if matches!(self.focus, Pane::Ladder | Pane::Tcp) {
            if lower.width >= 120 {
                // The ladder keeps 60 columns; the TCP panel, when it has the focus, the rest
                // (its chart wants the width).
                let tcp_width = if self.focus == Pane::Tcp {
                    lower.width - 60
                } else {
                    (lower.width * 2 / 5).max(44)
                };
                let [ladder, tcp] =
                    Layout::horizontal([Constraint::Min(60), Constraint::Length(tcp_width)])
                        .areas(lower);
                self.areas.ladder = ladder;
                self.areas.tcp = tcp;
                self.draw_ladder(frame, ladder);
                self.draw_tcp(frame, tcp);
            } else if self.focus == Pane::Ladder {
                self.areas.ladder = lower;
                self.draw_ladder(frame, lower);
            } else {
                self.areas.tcp = lower;
                self.draw_tcp(frame, lower);
            }
        } else {
            // 16 bytes a line with their ASCII when there is room; at 80 columns 8 bytes
            // without it, so that the tree keeps most of the width.
            let hex_width = match lower.width {
                140.. => 74,
                100.. => 40,
                _ => 31,
            };
            let [tree, hex] =
                Layout::horizontal([Constraint::Min(20), Constraint::Length(hex_width)])
                    .areas(lower);
            self.areas.tree = tree;
            self.areas.hex = hex;
            self.refresh_detail();
            self.draw_tree(frame, tree);
            self.draw_hex(frame, hex);
        }
        self.draw_status(frame, status);
        match &self.overlay {
            Some(Overlay::Help) => self.draw_help(frame, area),
            Some(Overlay::Conversations { selected }) => {
                let selected = *selected;
                self.draw_conversations(frame, area, selected)
            }
            Some(Overlay::Follow {
                stream,
                lines,
                scroll,
            }) => self.draw_follow(frame, area, *stream, lines, *scroll),
            None => {}
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.colors {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    fn block(&self, title: String, pane: Pane) -> Block<'static> {
        let focused = self.focus == pane && self.overlay.is_none();
        let block = Block::bordered().title(title);
        if focused {
            block
                .border_type(BorderType::Thick)
                .border_style(self.fg(Color::Cyan).add_modifier(Modifier::BOLD))
        } else {
            block
        }
    }

    fn draw_title(&self, frame: &mut Frame<'_>, area: Rect) {
        let index = index::lock(&self.index);
        let mut text = format!(
            "wirelab  {}  {} frames",
            self.source.name(),
            index.frames.len()
        );
        if !index.done {
            match index.percent() {
                Some(p) => text.push_str(&format!(" (loading {p}%)")),
                // A live source has no end to measure against.
                None if index.live => text.push_str(" (live)"),
                None => text.push_str(" (loading)"),
            }
        }
        if let Some(error) = &index.error {
            text.push_str(&format!("  [stopped: {error}]"));
        }
        drop(index);
        let style = self.fg(Color::Black).add_modifier(Modifier::BOLD);
        let style = if self.colors {
            style.bg(Color::Gray)
        } else {
            style
        };
        frame.render_widget(Paragraph::new(text).style(style), area);
    }

    fn draw_status(&self, frame: &mut Frame<'_>, area: Rect) {
        let line = if let Some(text) = &self.filter_input {
            Line::from(vec![
                Span::styled("Filter: ", Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(text.clone()),
                Span::styled(" ", Style::new().add_modifier(Modifier::REVERSED)),
            ])
        } else if let Some(message) = &self.message {
            Line::styled(message.clone(), self.fg(Color::Red))
        } else {
            Line::raw(if area.width >= 130 {
                "↑↓ move  Tab pane  / filter  l ladder  s TCP  t TLS  f follow  c conversations  \
                 n/p step  space play  ? help  q quit"
            } else {
                "↑↓ move  / filter  l ladder  s TCP  t TLS  f follow  ? help  q quit"
            })
        };
        // Play/pause and the speed, on the right, when there is something to play.
        let mut play = String::new();
        if self.playback.playing || self.has_narration() || self.source.is_live() {
            let state = if self.playback.playing {
                "▶"
            } else {
                "❚❚"
            };
            play = format!(" {state} {}", self.playback.speed_text());
        }
        if self.playback.follow_newest {
            play.push_str(" following newest");
        }
        let play_width = play.chars().count() as u16;
        let [keys, right] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(play_width)]).areas(area);
        frame.render_widget(Paragraph::new(line), keys);
        if !play.is_empty() {
            frame.render_widget(
                Paragraph::new(play).style(Style::new().add_modifier(Modifier::BOLD)),
                right,
            );
        }
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}
