//! The windows over the panes: the keys, the conversations, a followed stream.

use super::centered;
use crate::app::App;
use crate::index;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table};
use ratatui::Frame;

impl App {
    pub(super) fn draw_help(&self, frame: &mut Frame<'_>, area: Rect) {
        let keys = [
            ("↑ ↓  j k", "move in the pane that has the thick border"),
            (
                "PgUp PgDn g G",
                "a page up or down, the first or last packet",
            ),
            (
                "n p",
                "next / previous demo step, or packet (ladder: its stream)",
            ),
            ("space", "play / pause: one frame (a demo: one step) a tick"),
            (
                "+ -",
                "play faster or slower (0.25× to 8×, in the status line)",
            ),
            (
                "F  End",
                "live: follow the newest frame, or stop following it",
            ),
            ("Tab  Shift-Tab", "next or previous pane"),
            ("Enter  → ←", "open or close a subtree of the detail"),
            ("/", "display filter, e.g. tcp.flags.syn == 1 (empty: all)"),
            ("l", "the ladder of the selected TCP stream"),
            (
                "s",
                "TCP: both sides' states, sequence spaces, cwnd and RTT",
            ),
            ("t", "TLS: the stream's handshake and key-log secrets"),
            ("f", "follow the selected TCP stream"),
            ("c", "conversations; Enter goes to the first frame"),
            ("Esc", "back to the packet list; closes a window"),
            ("q  Ctrl-C", "quit"),
        ];
        let lines: Vec<Line> = keys
            .iter()
            .map(|(key, what)| {
                Line::from(vec![
                    Span::styled(
                        format!("{key:<16}"),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(*what),
                ])
            })
            .collect();
        let window = centered(area, 76, keys.len() as u16 + 2);
        frame.render_widget(Clear, window);
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title("Keys (any key closes)")),
            window,
        );
    }

    pub(super) fn draw_conversations(&self, frame: &mut Frame<'_>, area: Rect, selected: usize) {
        let index = index::lock(&self.index);
        let window = centered(
            area,
            area.width.saturating_sub(4),
            area.height.saturating_sub(4),
        );
        frame.render_widget(Clear, window);
        let block = Block::bordered().title("Conversations (Enter: go to the first frame)");
        let inner = block.inner(window);
        frame.render_widget(block, window);
        // A live index counts its conversations again every second.
        if !index.done && !index.live {
            frame.render_widget(Paragraph::new("Still reading the capture…"), inner);
            return;
        }
        let height = usize::from(inner.height.saturating_sub(1)).max(1);
        let top = selected.saturating_sub(height - 1);
        let rows: Vec<Row> = index
            .conversations
            .iter()
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(i, c)| {
                let style = if i == selected {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                Row::new(vec![
                    format!("{} {}", if c.tcp { "TCP" } else { "UDP" }, c.stream),
                    c.a.clone(),
                    c.b.clone(),
                    c.frames.to_string(),
                    c.bytes.to_string(),
                    c.how.clone(),
                ])
                .style(style)
            })
            .collect();
        let widths = [
            Constraint::Length(7),
            Constraint::Length(21),
            Constraint::Length(21),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Fill(1),
        ];
        let header = Row::new(["Stream", "A", "B", "Frames", "Bytes", "How"])
            .style(Style::new().add_modifier(Modifier::BOLD));
        frame.render_widget(Table::new(rows, widths).header(header), inner);
    }

    pub(super) fn draw_follow(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        stream: u32,
        lines: &[(usize, String)],
        scroll: usize,
    ) {
        let window = centered(
            area,
            area.width.saturating_sub(4),
            area.height.saturating_sub(2),
        );
        frame.render_widget(Clear, window);
        let block = Block::bordered().title(format!(
            "Follow TCP stream {stream} (node 0 left, node 1 indented; f closes)"
        ));
        let inner = block.inner(window);
        frame.render_widget(block, window);
        if self.follow_building() {
            let text = format!("Building… reassembling TCP stream {stream} from the trace.");
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
        let shown: Vec<Line> = lines
            .iter()
            .skip(scroll)
            .take(usize::from(inner.height))
            .map(|(node, text)| match node {
                0 => Line::styled(text.clone(), self.fg(Color::Red)),
                1 => Line::styled(format!("    {text}"), self.fg(Color::Blue)),
                _ => Line::styled(text.clone(), Style::new().add_modifier(Modifier::ITALIC)),
            })
            .collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
