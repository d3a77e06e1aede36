//! The ladder of the selected TCP stream, its selected arrow highlighted.

use crate::app::{App, Pane};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

impl App {
    pub(super) fn draw_ladder(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let stream = self.selected_stream();
        let title = match stream {
            Some(s) => format!("Ladder: TCP stream {s} (n/p step)"),
            None => "Ladder".into(),
        };
        let block = self.block(title, Pane::Ladder);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if stream.is_none() {
            let text = "The selected frame is not a TCP segment: select one to see its stream.";
            frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
            return;
        }
        self.refresh_ladder(usize::from(inner.width));
        let Some(ladder) = &self.ladder else {
            if let Some(stream) = self.ladder_building() {
                let text = format!("Building… reading the trace for TCP stream {stream}'s ladder.");
                frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
            }
            return;
        };
        let lines = match &ladder.lines {
            Ok(lines) => lines,
            Err(error) => {
                frame.render_widget(
                    Paragraph::new(error.clone()).wrap(Wrap { trim: true }),
                    inner,
                );
                return;
            }
        };
        let selected = self.selected_frame().unwrap_or(0);
        let arrow_line = lines.arrow_line(selected);
        let height = usize::from(inner.height).max(1);
        if let Some(at) = arrow_line {
            if at < self.ladder_scroll || at >= self.ladder_scroll.saturating_add(height) {
                self.ladder_scroll = at.saturating_sub(height / 2);
            }
        }
        self.ladder_scroll = self.ladder_scroll.min(lines.len().saturating_sub(height));
        let highlight = self
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED);
        // Only the rows on the screen are drawn: a long stream's ladder has millions.
        let shown: Vec<Line> = lines
            .lines(self.ladder_scroll, height)
            .into_iter()
            .enumerate()
            .map(|(row, line)| {
                let i = self.ladder_scroll + row;
                let is_arrow = Some(i) == arrow_line;
                let is_label = arrow_line.is_some_and(|at| i + 1 == at);
                if is_arrow || is_label {
                    Line::styled(line, highlight)
                } else {
                    Line::raw(line)
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
