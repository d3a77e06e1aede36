//! The narration line under the packet list, for sources that narrate (demos): the step the
//! selected frame belongs to, what happens and why, then the stack's events of that step.

use crate::app::App;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

impl App {
    pub(super) fn draw_narration(&self, frame: &mut Frame<'_>, area: Rect) {
        let Some(step) = self.selected_frame().and_then(|n| self.step_at(n)) else {
            return;
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(
                format!("Step {}/{} ", step.number + 1, step.steps),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::styled(step.narration.text.clone(), self.fg(Color::Yellow)),
        ])];
        for event in &step.events {
            lines.push(Line::styled(
                format!("  {}", event.text),
                self.fg(Color::DarkGray),
            ));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
    }
}
