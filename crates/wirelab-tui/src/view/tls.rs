//! The TLS pane (`t`): the selected stream's TLS messages in order, each with its main values,
//! then the session's secrets when a key log holds them (`--tls-keylog`).

use crate::app::{App, Pane};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

impl App {
    pub(super) fn draw_tls(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let stream = self.selected_stream();
        let title = match stream {
            Some(s) => format!("TLS of TCP stream {s} (RFC 5246 §7.3)"),
            None => "TLS".into(),
        };
        let block = self.block(title, Pane::Tls);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = |text: &str| Paragraph::new(text.to_string()).wrap(Wrap { trim: true });
        if stream.is_none() {
            let message = "The selected frame is not a TCP segment: select one of a TLS stream.";
            frame.render_widget(text(message), inner);
            return;
        }
        self.refresh_tls();
        let Some(tls) = &self.tls else {
            if let Some(stream) = self.tls_building() {
                let message =
                    format!("Building… reading the trace for TCP stream {stream}'s records.");
                frame.render_widget(text(&message), inner);
            }
            return;
        };
        let session = match &tls.session {
            Ok(session) => session,
            Err(error) => {
                frame.render_widget(text(error), inner);
                return;
            }
        };
        if session.messages.is_empty() {
            frame.render_widget(text("This stream carried no TLS records."), inner);
            return;
        }
        let selected = self.selected_frame();
        let mut lines = Vec::new();
        for message in &session.messages {
            let arrow = if message.from_a { "A → B" } else { "A ← B" };
            let mut style = self.fg(if message.from_a {
                Color::Red
            } else {
                Color::Blue
            });
            style = style.add_modifier(Modifier::BOLD);
            if Some(message.frame) == selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            lines.push(Line::from(vec![
                Span::raw(format!("{:>5} {arrow} ", message.frame)),
                Span::styled(message.name.clone(), style),
            ]));
            for value in &message.values {
                lines.push(Line::raw(format!("        {value}")));
            }
        }
        let secrets_title = match (session.keylog_given, session.secrets.is_empty()) {
            (false, _) => "Secrets: no key log (wirelab tui FILE --tls-keylog KEYLOG)",
            (true, true) => "Secrets: the key log has no line for this client random",
            (true, false) => "Secrets (from the key log; NSS format, RFC 5246 §8.1)",
        };
        lines.push(Line::styled(
            secrets_title,
            Style::new().add_modifier(Modifier::BOLD),
        ));
        for secret in &session.secrets {
            lines.push(Line::raw(format!("        {secret}")));
        }
        let height = usize::from(inner.height).max(1);
        self.tls_scroll = self.tls_scroll.min(lines.len().saturating_sub(height));
        let shown: Vec<Line> = lines
            .into_iter()
            .skip(self.tls_scroll)
            .take(height)
            .collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
