//! The packet list, the selected frame's detail tree and its bytes.

use crate::app::{App, Pane};
use crate::index;
use crate::tree::{has_children, item_text};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use wirelab_wire::Severity;

impl App {
    pub(super) fn draw_list(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let title = match &self.filter {
            Some(filter) => {
                let result = index::lock(&filter.result);
                let total = index::lock(&self.index).frames.len().max(1) as u64;
                let progress = if result.done {
                    String::new()
                } else {
                    format!(", filtering {}%", result.tested.min(total) * 100 / total)
                };
                format!(
                    "Packets where {} ({} shown{progress})",
                    filter.text,
                    result.matching.len()
                )
            }
            None => "Packets".into(),
        };
        let block = self.block(title, Pane::List);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = usize::from(inner.height.saturating_sub(1)).max(1);
        let len = self.visible_len();
        self.cursor = self.cursor.min(len.saturating_sub(1));
        if self.cursor < self.list_top {
            self.list_top = self.cursor;
        } else if self.cursor >= self.list_top + height {
            self.list_top = self.cursor + 1 - height;
        }
        let numbers: Vec<u64> = (self.list_top..(self.list_top + height).min(len))
            .filter_map(|row| self.frame_at(row))
            .collect();
        let selected = self.selected_frame();
        let index = index::lock(&self.index);
        let wide = inner.width >= 120;
        let rows: Vec<Row> = numbers
            .iter()
            .filter_map(|&n| {
                let entry = index.entry(n)?;
                let (src, dst, info) = index.columns(n);
                let mark = match entry.severity {
                    Some(Severity::Error | Severity::Warning) => "!",
                    Some(Severity::Note) => "*",
                    _ => " ",
                };
                let mut cells = vec![
                    Cell::from(format!("{mark}{n:>5}")),
                    Cell::from(seconds(entry.time())),
                    Cell::from(src.to_string()),
                    Cell::from(dst.to_string()),
                    Cell::from(index.protocol(entry)),
                ];
                if wide {
                    cells.push(Cell::from(entry.len.to_string()));
                    cells.push(Cell::from(entry.badge().unwrap_or("")));
                }
                cells.push(Cell::from(info.to_string()));
                let mut style = self.fg(protocol_color(index.protocol(entry), entry.severity));
                if Some(n) == selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                Some(Row::new(cells).style(style))
            })
            .collect();
        let mut widths = vec![
            Constraint::Length(6),
            Constraint::Length(9),
            Constraint::Length(if wide { 20 } else { 15 }),
            Constraint::Length(if wide { 20 } else { 15 }),
            Constraint::Length(6),
        ];
        let mut header = vec!["   No.", "Time", "Source", "Destination", "Proto"];
        if wide {
            widths.push(Constraint::Length(5));
            header.push("Len");
            widths.push(Constraint::Length(14));
            header.push("Badge");
        }
        widths.push(Constraint::Fill(1));
        header.push("Info");
        let empty = rows.is_empty();
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(Style::new().add_modifier(Modifier::BOLD)))
            .column_spacing(1);
        frame.render_widget(table, inner);
        if empty {
            let text = if index.done || self.filter.is_some() {
                "No frames to show."
            } else {
                "Reading…"
            };
            let below = Rect {
                y: inner.y + 1,
                height: inner.height.saturating_sub(1),
                ..inner
            };
            frame.render_widget(Paragraph::new(text), below);
        }
    }

    pub(super) fn draw_tree(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let title = match self.selected_frame() {
            Some(n) => format!("Frame {n}"),
            None => "Detail".into(),
        };
        let block = self.block(title, Pane::Tree);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let detail = match &self.detail {
            Some(Ok(detail)) => detail,
            Some(Err(error)) => {
                frame.render_widget(Paragraph::new(error.clone()), inner);
                return;
            }
            None => {
                if let Some(number) = self.pending_frame() {
                    let text = format!(
                        "Reading the trace up to frame {number}: its analysis depends on \
                         every frame before it…"
                    );
                    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
                }
                return;
            }
        };
        let d = &detail.d;
        let [rows_area, explain_area] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(3)]).areas(inner);
        let rows = self.tree.rows(d);
        let height = usize::from(rows_area.height).max(1);
        let selected = self.tree.selected.min(rows.len().saturating_sub(1));
        if selected < self.tree.top {
            self.tree.top = selected;
        } else if selected >= self.tree.top + height {
            self.tree.top = selected + 1 - height;
        }
        let focused = self.focus == Pane::Tree;
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(self.tree.top)
            .take(height)
            .filter_map(|(row, &i)| {
                let item = d.items.get(i)?;
                let marker = if !has_children(d, i) {
                    "  "
                } else if self.tree.is_open(item) {
                    "▾ "
                } else {
                    "▸ "
                };
                let text = format!(
                    "{}{marker}{}",
                    "  ".repeat(usize::from(item.depth)),
                    item_text(d, item, &detail.bytes)
                );
                let mut style = if item.depth == 0 {
                    self.fg(Color::Cyan)
                } else {
                    Style::new()
                };
                if row == selected {
                    style = style.add_modifier(if focused {
                        Modifier::REVERSED
                    } else {
                        Modifier::BOLD
                    });
                }
                Some(Line::styled(text, style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), rows_area);
        let explanation = rows
            .get(selected)
            .and_then(|&i| d.items.get(i))
            .map(|item| format!("{} — {}", item.def.name, item.def.explain))
            .unwrap_or_default();
        let mut explanation = Paragraph::new(explanation)
            .wrap(Wrap { trim: true })
            .style(self.fg(Color::Yellow));
        if let Some(malformed) = &d.malformed {
            explanation = Paragraph::new(format!("[Malformed Packet: {malformed}]"))
                .wrap(Wrap { trim: true })
                .style(self.fg(Color::Red));
        }
        frame.render_widget(explanation, explain_area);
    }

    pub(super) fn draw_hex(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let block = self.block("Bytes".into(), Pane::Hex);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let Some(Ok(detail)) = &self.detail else {
            return;
        };
        // Offset, hex, a space, ASCII: 5 + 4 columns per byte.
        let per_line = if inner.width >= 5 + 1 + 16 * 4 { 16 } else { 8 };
        let ascii = inner.width as usize >= 5 + 1 + per_line * 4;
        let marked = self
            .tree
            .selected_item(&detail.d)
            .and_then(|i| detail.d.items.get(i))
            .filter(|item| !item.is_generated())
            .map(|item| item.range())
            .unwrap_or(0..0);
        let height = usize::from(inner.height).max(1);
        let lines_total = detail.bytes.len().div_ceil(per_line);
        // Keep the marked bytes in view unless the user scrolled.
        if self.focus != Pane::Hex && marked.end > marked.start {
            let line = marked.start / per_line;
            if line < self.hex_scroll || line >= self.hex_scroll + height {
                self.hex_scroll = line.saturating_sub(height / 2);
            }
        }
        self.hex_scroll = self.hex_scroll.min(lines_total.saturating_sub(height));
        let mark = Style::new().add_modifier(Modifier::REVERSED);
        let lines: Vec<Line> = detail
            .bytes
            .chunks(per_line)
            .enumerate()
            .skip(self.hex_scroll)
            .take(height)
            .map(|(line, chunk)| {
                let base = line * per_line;
                let mut spans = vec![Span::styled(
                    format!("{base:04x} "),
                    self.fg(Color::DarkGray),
                )];
                for (i, b) in chunk.iter().enumerate() {
                    let style = if marked.contains(&(base + i)) {
                        mark
                    } else {
                        Style::new()
                    };
                    spans.push(Span::raw(" "));
                    spans.push(Span::styled(format!("{b:02x}"), style));
                }
                if !ascii {
                    return Line::from(spans);
                }
                spans.push(Span::raw(" ".repeat(3 * (per_line - chunk.len()) + 1)));
                for (i, &b) in chunk.iter().enumerate() {
                    let c = if b.is_ascii_graphic() || b == b' ' {
                        b as char
                    } else {
                        '.'
                    };
                    let style = if marked.contains(&(base + i)) {
                        mark
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(c.to_string(), style));
                }
                Line::from(spans)
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// Seconds with six decimals.
fn seconds(t: wirelab_wire::Timestamp) -> String {
    let nine = t.to_string();
    nine[..nine.len().saturating_sub(3)].to_string()
}

fn protocol_color(protocol: &str, severity: Option<Severity>) -> Color {
    if matches!(severity, Some(Severity::Warning | Severity::Error)) {
        return Color::Red;
    }
    match protocol {
        "TCP" => Color::Magenta,
        "UDP" => Color::Blue,
        "HTTP" | "MQTT" => Color::Green,
        "ARP" => Color::Yellow,
        p if p.starts_with("ICMP") => Color::LightCyan,
        _ => Color::Reset,
    }
}
