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

use crate::app::{App, Overlay, Pane};
use crate::index::{self, Index, TcpFacts};
use crate::tree::{has_children, item_text};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use wirelab_analyze::state::TcpState;
use wirelab_wire::Severity;

/// The smallest screen the panes fit in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

impl App {
    /// Draw the whole screen.
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
        let [title, list, lower, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Percentage(40),
            Constraint::Min(6),
            Constraint::Length(1),
        ])
        .areas(area);
        self.areas = Default::default();
        self.draw_title(frame, title);
        self.areas.list = list;
        self.draw_list(frame, list);
        if matches!(self.focus, Pane::Ladder | Pane::Tcp) {
            if lower.width >= 120 {
                let [ladder, tcp] =
                    Layout::horizontal([Constraint::Min(60), Constraint::Length(44)]).areas(lower);
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

    fn draw_list(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let title = match &self.filter {
            Some(filter) => {
                let result = filter.result.lock().unwrap_or_else(|p| p.into_inner());
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

    fn draw_tree(&mut self, frame: &mut Frame<'_>, area: Rect) {
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

    fn draw_hex(&mut self, frame: &mut Frame<'_>, area: Rect) {
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

    fn draw_ladder(&mut self, frame: &mut Frame<'_>, area: Rect) {
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
        let Some(ladder) = &self.ladder else { return };
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
        let selected = self.selected_frame().unwrap_or(0).to_string();
        let arrow_line = lines
            .iter()
            .position(|line| line.split_whitespace().next() == Some(selected.as_str()));
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
        let shown: Vec<Line> = lines
            .iter()
            .enumerate()
            .skip(self.ladder_scroll)
            .take(height)
            .map(|(i, line)| {
                let is_arrow = Some(i) == arrow_line;
                let is_label = arrow_line.is_some_and(|at| i + 1 == at);
                if is_arrow || is_label {
                    Line::styled(line.clone(), highlight)
                } else {
                    Line::raw(line.clone())
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }

    fn draw_tcp(&self, frame: &mut Frame<'_>, area: Rect) {
        let block = self.block("TCP".into(), Pane::Tcp);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let (Some(number), Some(stream)) = (self.selected_frame(), self.selected_stream()) else {
            let text = "The selected frame is not a TCP segment.";
            frame.render_widget(Paragraph::new(text), inner);
            return;
        };
        let lines = tcp_panel(&index::lock(&self.index), stream, number);
        frame.render_widget(Paragraph::new(lines), inner);
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
            Line::raw(if area.width >= 110 {
                "↑↓/jk move  Tab pane  Enter open  / filter  l ladder  t TCP  f follow  \
                 c conversations  n/p step  ? help  q quit"
            } else {
                "↑↓ move  Tab pane  Enter open  / filter  l ladder  f follow  ? help  q quit"
            })
        };
        frame.render_widget(Paragraph::new(line), area);
    }

    fn draw_help(&self, frame: &mut Frame<'_>, area: Rect) {
        let keys = [
            ("↑ ↓  j k", "move in the pane that has the thick border"),
            (
                "PgUp PgDn g G",
                "a page up or down, the first or last packet",
            ),
            (
                "n p",
                "next or previous packet (of the same stream in the ladder)",
            ),
            ("Tab  Shift-Tab", "next or previous pane"),
            ("Enter  → ←", "open or close a subtree of the detail"),
            ("/", "display filter, e.g. tcp.flags.syn == 1 (empty: all)"),
            ("l  t", "the ladder or the TCP panel of the selected stream"),
            ("f", "follow the selected TCP stream"),
            ("c", "conversations; Enter goes to the first frame"),
            ("Esc", "back to the packet list; closes a window"),
            ("q", "quit"),
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

    fn draw_conversations(&self, frame: &mut Frame<'_>, area: Rect, selected: usize) {
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
        if !index.done {
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

    fn draw_follow(
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

/// The TCP panel: each endpoint's state and sequence variables (RFC 9293 §3.3.1), estimated
/// from the segments captured up to frame `number`.
fn tcp_panel(index: &Index, stream: u32, number: u64) -> Vec<Line<'static>> {
    let frames = index
        .tcp_streams
        .get(stream as usize)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let upto = frames.partition_point(|n| u64::from(*n) <= number);
    let facts: Vec<TcpFacts> = frames[..upto]
        .iter()
        .filter_map(|n| index.entry(u64::from(*n))?.tcp)
        .collect();
    let last_from = |a: bool| facts.iter().rev().find(|f| f.from_a == a).copied();
    let (from_a, from_b) = (last_from(true), last_from(false));
    let states = facts.iter().rev().find_map(|f| f.states);
    let names = index
        .conversations
        .iter()
        .find(|c| c.tcp && c.stream == stream)
        .map(|c| (c.a.clone(), c.b.clone()))
        .unwrap_or(("A".into(), "B".into()));
    let state = |s: Option<TcpState>| s.map_or("?".to_string(), |s| s.name().to_string());
    let num = |v: Option<u32>| v.map_or("-".to_string(), |v| v.to_string());
    // The next sequence number a side will use: SYN and FIN count one each (RFC 9293 §3.4).
    let snd_nxt = |f: Option<TcpFacts>| {
        f.map(|f| {
            let control =
                u32::from(f.flags & (wirelab_wire::tcp::SYN | wirelab_wire::tcp::FIN) != 0);
            f.seq.wrapping_add(f.len).wrapping_add(control)
        })
    };
    let acked = |f: Option<TcpFacts>| {
        f.filter(|f| f.flags & wirelab_wire::tcp::ACK != 0)
            .map(|f| f.ack)
    };
    let window = |f: Option<TcpFacts>| f.map(|f| f.window);
    let in_flight = |nxt: Option<u32>, una: Option<u32>| match (nxt, una) {
        (Some(n), Some(u)) => Some(n.saturating_sub(u)),
        (Some(n), None) => Some(n),
        _ => None,
    };
    let rows: [(&str, String, String); 8] = [
        ("", names.0, names.1),
        (
            "State",
            state(states.map(|s| s.0)),
            state(states.map(|s| s.1)),
        ),
        ("SND.NXT", num(snd_nxt(from_a)), num(snd_nxt(from_b))),
        ("SND.UNA", num(acked(from_b)), num(acked(from_a))),
        ("SND.WND", num(window(from_b)), num(window(from_a))),
        ("RCV.NXT", num(acked(from_a)), num(acked(from_b))),
        ("RCV.WND", num(window(from_a)), num(window(from_b))),
        (
            "In flight",
            num(in_flight(snd_nxt(from_a), acked(from_b))),
            num(in_flight(snd_nxt(from_b), acked(from_a))),
        ),
    ];
    let mut lines = vec![Line::raw(format!(
        "Stream {stream} after frame {number} (relative numbers, from the capture)"
    ))];
    for (label, a, b) in rows {
        lines.push(Line::raw(format!("{label:<10}{a:<22} {b}")));
    }
    lines
}
