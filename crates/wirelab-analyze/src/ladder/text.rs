//! The ladder as text, for a terminal: time runs down the page, each endpoint is a column, and
//! each segment is an arrow with its label above it, after the figures of RFC 9293 §3.5:
//!
//! ```text
//!                         10.99.0.1:40080                        10.99.0.2:8000
//!                                │          SYN Seq=0 Win=64240         │
//!    3 0.000045      SYN-SENT    ├─────────────────────────────────────>│ SYN-RECEIVED
//! ```
//!
//! The frame number and the time since the first frame come first, so that a line can be found
//! again with `wirelab dissect`. The leftmost endpoint's state is written in the left margin,
//! the rightmost's in the right one, each only when it changes; what the sequence analysis
//! found about a segment (`RETRANS`, `DUP ACK #2`) is written into the arrow itself.

use super::model::{Arrow, Ladder};
use std::fmt;

/// How the text is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextStyle {
    /// Total width in columns.
    pub width: usize,
    /// Plain ASCII instead of box-drawing characters, for terminals and fonts without them.
    pub ascii: bool,
}

impl Default for TextStyle {
    fn default() -> TextStyle {
        TextStyle {
            width: 80,
            ascii: false,
        }
    }
}

/// The diagram does not fit the width asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooNarrow {
    pub width: usize,
    pub needed: usize,
    pub endpoints: usize,
}

impl fmt::Display for TooNarrow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a width of {} columns is too narrow: a ladder of {} endpoints needs at least {} \
             (--width {})",
            self.width, self.endpoints, self.needed, self.needed
        )?;
        if self.endpoints > 2 {
            write!(f, ", or choose one TCP stream with --stream N")?;
        }
        Ok(())
    }
}

impl std::error::Error for TooNarrow {}

/// The characters a ladder is drawn with.
struct Pen {
    lifeline: char,
    shaft: char,
    /// Where an arrow leaves the sender's lifeline, going right and going left.
    start_right: char,
    start_left: char,
    /// Where an arrow passes over another endpoint's lifeline.
    crossing: char,
    ellipsis: char,
    /// A lifeline where segments were left out.
    gap: char,
}

const UNICODE: Pen = Pen {
    lifeline: '│',
    shaft: '─',
    start_right: '├',
    start_left: '┤',
    crossing: '┼',
    ellipsis: '…',
    gap: '┆',
};

const ASCII: Pen = Pen {
    lifeline: '|',
    shaft: '-',
    start_right: '+',
    start_left: '+',
    crossing: '+',
    ellipsis: '~',
    gap: ':',
};

/// The widest text drawn: every row is built as a line of this many characters, so a width of
/// a billion (`--width 1000000000`) would need gigabytes. Wider requests are drawn this wide.
pub const MAX_WIDTH: usize = 1000;

/// The narrowest gap between two lifelines.
const MIN_GAP: usize = 12;

/// Where everything goes on a line.
struct Layout {
    width: usize,
    frame_width: usize,
    time_width: usize,
    /// The lifelines' columns.
    columns: Vec<usize>,
}

/// Draw `ladder` under a `title` line.
/// Widths above [`MAX_WIDTH`] are drawn [`MAX_WIDTH`] wide.
pub fn render_text(ladder: &Ladder, title: &str, style: TextStyle) -> Result<String, TooNarrow> {
    let mut summary = ArrowSummary::default();
    ladder.arrows.iter().for_each(|arrow| summary.add(arrow));
    let mut out = String::new();
    let mut push = |line: &str| {
        out.push_str(line);
        out.push('\n');
    };
    let painter = match RowPainter::new(ladder, &summary, style)? {
        Some(painter) => painter,
        None => {
            empty_ladder_lines(title, style)
                .iter()
                .for_each(|l| push(l));
            return Ok(out);
        }
    };
    painter.head(ladder, title).iter().for_each(|l| push(l));
    for arrow in &ladder.arrows {
        painter.rows(arrow).iter().for_each(|l| push(l));
    }
    painter.foot(ladder, &summary).iter().for_each(|l| push(l));
    Ok(out)
}

/// What the layout and the footer of a ladder depend on, gathered one arrow at a time, so that
/// a ladder too long to keep (a million segments) can still be drawn a few rows at a time by a
/// [`RowPainter`], exactly as [`render_text`] draws it whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArrowSummary {
    /// The widest frame number and time, in characters.
    frame_width: Option<usize>,
    time_width: Option<usize>,
    /// For each column, the widest state written beside it, plus one for the space.
    state_widths: Vec<usize>,
    tcp: u64,
    udp: u64,
}

impl ArrowSummary {
    pub fn add(&mut self, arrow: &Arrow) {
        let widest = |slot: &mut Option<usize>, width: usize| {
            *slot = Some(slot.map_or(width, |w| w.max(width)));
        };
        widest(&mut self.frame_width, arrow.frame.to_string().len());
        widest(&mut self.time_width, arrow.seconds().len());
        for (column, state) in [(arrow.from, &arrow.from_state), (arrow.to, &arrow.to_state)] {
            let Some(state) = state else { continue };
            if self.state_widths.len() <= column {
                self.state_widths.resize(column + 1, 0);
            }
            if let Some(width) = self.state_widths.get_mut(column) {
                *width = (*width).max(state.chars().count() + 1);
            }
        }
        match arrow.transport {
            super::model::Transport::Tcp { .. } => self.tcp += 1,
            super::model::Transport::Udp => self.udp += 1,
        }
    }

    /// How many arrows were added.
    pub fn arrows(&self) -> u64 {
        self.tcp + self.udp
    }

    fn state_width(&self, column: usize) -> usize {
        self.state_widths.get(column).copied().unwrap_or(0)
    }
}

/// The text of a ladder with no endpoints: its title and why nothing is drawn.
pub fn empty_ladder_lines(title: &str, style: TextStyle) -> Vec<String> {
    let style = capped(style);
    let pen = if style.ascii { &ASCII } else { &UNICODE };
    let mut lines = wrap(title, style.width, pen);
    lines.push("No TCP segments or UDP datagrams to draw.".to_string());
    lines
}

/// Draws a ladder's lines a part at a time — the head, one arrow's rows, the foot — each line
/// as [`render_text`] writes it (without its line end).
pub struct RowPainter {
    layout: Layout,
    pen: &'static Pen,
    endpoints: usize,
}

impl RowPainter {
    /// The painter for `ladder`'s endpoints and the arrows `summary` was told of; `None` when
    /// the ladder has no endpoints (see [`empty_ladder_lines`]).
    pub fn new(
        ladder: &Ladder,
        summary: &ArrowSummary,
        style: TextStyle,
    ) -> Result<Option<RowPainter>, TooNarrow> {
        let style = capped(style);
        if ladder.endpoints.is_empty() {
            return Ok(None);
        }
        Ok(Some(RowPainter {
            layout: layout(ladder, summary, style.width)?,
            pen: if style.ascii { &ASCII } else { &UNICODE },
            endpoints: ladder.endpoints.len(),
        }))
    }

    /// The title, the endpoints' names and the lifelines' first row.
    pub fn head(&self, ladder: &Ladder, title: &str) -> Vec<String> {
        let mut lines = wrap(title, self.layout.width, self.pen);
        lines.push(String::new());
        for line in header(ladder, &self.layout, self.pen) {
            lines.push(line.trim_end().to_string());
        }
        lines.push(trimmed(&self.layout.blank_row(self.pen)));
        lines
    }

    /// The rows of one arrow.
    pub fn rows(&self, arrow: &Arrow) -> Vec<String> {
        arrow_rows(self.endpoints, arrow, &self.layout, self.pen)
            .iter()
            .map(|row| trimmed(row))
            .collect()
    }

    /// How many rows [`RowPainter::rows`] gives for `arrow`, counted without drawing them.
    pub fn row_count(&self, arrow: &Arrow) -> usize {
        arrow_row_count(self.endpoints, arrow, &self.layout, self.pen)
    }

    /// What was drawn and what was not.
    pub fn foot(&self, ladder: &Ladder, summary: &ArrowSummary) -> Vec<String> {
        let mut lines = vec![String::new()];
        lines.extend(wrap(&footer(ladder, summary), self.layout.width, self.pen));
        lines
    }
}

fn capped(style: TextStyle) -> TextStyle {
    TextStyle {
        width: style.width.min(MAX_WIDTH),
        ..style
    }
}

fn trimmed(row: &[char]) -> String {
    row.iter().collect::<String>().trim_end().to_string()
}

fn layout(ladder: &Ladder, summary: &ArrowSummary, width: usize) -> Result<Layout, TooNarrow> {
    let frame_width = summary.frame_width.unwrap_or(1);
    let time_width = summary.time_width.unwrap_or(8);
    let last = ladder.endpoints.len() - 1;
    let left_margin = summary.state_width(0);
    let right_margin = if last == 0 {
        0
    } else {
        summary.state_width(last)
    };
    let first_column = frame_width + 1 + time_width + 2 + left_margin;
    let gaps = last.max(1);
    let needed = first_column + gaps * MIN_GAP + 1 + right_margin;
    if width < needed {
        return Err(TooNarrow {
            width,
            needed,
            endpoints: ladder.endpoints.len(),
        });
    }
    let span = width - 1 - right_margin - first_column;
    let columns = if last == 0 {
        vec![first_column + span / 2]
    } else {
        (0..=last).map(|i| first_column + i * span / gaps).collect()
    };
    Ok(Layout {
        width,
        frame_width,
        time_width,
        columns,
    })
}

impl Layout {
    fn blank_row(&self, pen: &Pen) -> Vec<char> {
        let mut row = vec![' '; self.width];
        for &x in &self.columns {
            row[x] = pen.lifeline;
        }
        row
    }

    fn leftmost(&self) -> usize {
        self.columns.first().copied().unwrap_or(0)
    }

    fn rightmost(&self) -> usize {
        self.columns.last().copied().unwrap_or(0)
    }
}

/// The endpoints' names centred over their lifelines: on one line if they fit, otherwise
/// alternating between two.
fn header(ladder: &Ladder, layout: &Layout, pen: &Pen) -> Vec<String> {
    let names: Vec<String> = ladder.endpoints.iter().map(|e| e.to_string()).collect();
    let one_line = place_names(&names, layout, pen, |_| true);
    if let Some(line) = one_line {
        return vec![line];
    }
    [0, 1]
        .iter()
        .map(|&parity| {
            place_names(&names, layout, pen, |i| i % 2 == parity).unwrap_or_else(|| {
                names
                    .iter()
                    .map(|n| fit(n, MIN_GAP, pen))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        })
        .collect()
}

/// A line with the chosen names centred on their columns, or `None` if two would touch.
fn place_names(
    names: &[String],
    layout: &Layout,
    pen: &Pen,
    chosen: impl Fn(usize) -> bool,
) -> Option<String> {
    let mut row = vec![' '; layout.width];
    let mut free_from = 0;
    for (i, name) in names.iter().enumerate().filter(|(i, _)| chosen(*i)) {
        let name: Vec<char> = fit(name, layout.width, pen).chars().collect();
        let centre = layout.columns.get(i).copied().unwrap_or(0);
        let start = centre
            .saturating_sub(name.len() / 2)
            .min(layout.width - name.len())
            .max(free_from);
        if start + name.len() > layout.width {
            return None;
        }
        row[start..start + name.len()].copy_from_slice(&name);
        free_from = start + name.len() + 1;
    }
    Some(row.iter().collect())
}

/// The rows of one arrow: its label (wrapped to the space between the two lifelines), the
/// arrow itself with the time and the margin states, then the states of endpoints that have
/// no margin.
fn arrow_rows(endpoints: usize, arrow: &Arrow, layout: &Layout, pen: &Pen) -> Vec<Vec<char>> {
    let (Some(&from), Some(&to)) = (layout.columns.get(arrow.from), layout.columns.get(arrow.to))
    else {
        return Vec::new();
    };
    let (left, right) = (from.min(to), from.max(to));
    let mut rows = Vec::new();
    if arrow.gap_before {
        let mut row = layout.blank_row(pen);
        for &x in &layout.columns {
            row[x] = pen.gap;
        }
        rows.push(row);
    }

    let ArrowLabel {
        badges,
        badges_in_shaft,
        label_room,
        lines,
    } = arrow_label(arrow, left, right, layout, pen);
    for line in lines {
        let mut row = layout.blank_row(pen);
        let length = line.chars().count();
        let start = if left == right {
            left + 2
        } else {
            left + 2 + (label_room - length) / 2
        };
        for (x, c) in (start..).zip(line.chars()) {
            row[x] = c;
        }
        rows.push(row);
    }

    let mut row = layout.blank_row(pen);
    let gutter = format!(
        "{:>fw$} {:>tw$}",
        arrow.frame,
        arrow.seconds(),
        fw = layout.frame_width,
        tw = layout.time_width
    );
    for (x, c) in gutter.chars().enumerate() {
        row[x] = c;
    }
    if left != right {
        draw_shaft(&mut row, from, to, layout, pen);
        if badges_in_shaft {
            let text: Vec<char> = format!(" {badges} ").chars().collect();
            let start = left + 1 + (right - left - 1 - text.len()) / 2;
            row[start..start + text.len()].copy_from_slice(&text);
        }
    }
    let mut middle_states = Vec::new();
    for (column, state) in [(arrow.from, &arrow.from_state), (arrow.to, &arrow.to_state)] {
        let Some(state) = state else { continue };
        let x = layout.columns[column];
        if x == layout.leftmost() {
            let start = x - 1 - state.chars().count();
            for (i, c) in state.chars().enumerate() {
                row[start + i] = c;
            }
        } else if x == layout.rightmost() {
            for (i, c) in state.chars().enumerate() {
                row[x + 2 + i] = c;
            }
        } else {
            middle_states.push((x, state));
        }
    }
    rows.push(row);
    if left == right && endpoints == 1 {
        return rows;
    }
    for (x, state) in middle_states {
        let mut row = layout.blank_row(pen);
        let next = layout.columns.iter().find(|&&c| c > x).copied();
        let room = next.unwrap_or(layout.width).saturating_sub(x + 2);
        for (i, c) in fit(state, room, pen).chars().enumerate() {
            row[x + 2 + i] = c;
        }
        rows.push(row);
    }
    rows
}

/// An arrow's label, wrapped, and its badges: in the shaft when they fit, otherwise in front
/// of the label.
struct ArrowLabel {
    badges: String,
    badges_in_shaft: bool,
    label_room: usize,
    lines: Vec<String>,
}

fn arrow_label(arrow: &Arrow, left: usize, right: usize, layout: &Layout, pen: &Pen) -> ArrowLabel {
    let badges = arrow.badges.join(", ");
    let shaft_room = (right - left).saturating_sub(6);
    let badges_in_shaft = !badges.is_empty() && badges.chars().count() + 2 <= shaft_room;
    let mut label = arrow.label.clone();
    if !badges.is_empty() && !badges_in_shaft {
        label = format!("[{badges}] {label}");
    }
    let label_room = if left == right {
        layout.width - left - 2
    } else {
        right - left - 3
    };
    ArrowLabel {
        lines: wrap(&label, label_room, pen),
        badges,
        badges_in_shaft,
        label_room,
    }
}

/// How many rows [`arrow_rows`] draws for `arrow`, without drawing them.
fn arrow_row_count(endpoints: usize, arrow: &Arrow, layout: &Layout, pen: &Pen) -> usize {
    let (Some(&from), Some(&to)) = (layout.columns.get(arrow.from), layout.columns.get(arrow.to))
    else {
        return 0;
    };
    let (left, right) = (from.min(to), from.max(to));
    let label = arrow_label(arrow, left, right, layout, pen).lines.len();
    let rows = usize::from(arrow.gap_before) + label + 1;
    if left == right && endpoints == 1 {
        return rows;
    }
    let in_a_margin = |column: usize| {
        let x = layout.columns.get(column).copied();
        x == Some(layout.leftmost()) || x == Some(layout.rightmost())
    };
    let middle_states = [(arrow.from, &arrow.from_state), (arrow.to, &arrow.to_state)]
        .iter()
        .filter(|(column, state)| state.is_some() && !in_a_margin(*column))
        .count();
    rows + middle_states
}

/// `├──────────>│` or `│<──────────┤`, passing over the lifelines in between.
fn draw_shaft(row: &mut [char], from: usize, to: usize, layout: &Layout, pen: &Pen) {
    let (left, right) = (from.min(to), from.max(to));
    for cell in row.iter_mut().take(right).skip(left + 1) {
        *cell = pen.shaft;
    }
    for &x in layout.columns.iter().filter(|&&x| x > left && x < right) {
        row[x] = pen.crossing;
    }
    if from < to {
        row[from] = pen.start_right;
        row[to - 1] = '>';
    } else {
        row[from] = pen.start_left;
        row[to + 1] = '<';
    }
}

/// Words filled into lines of at most `width` characters; a word longer than a line is cut.
fn wrap(text: &str, width: usize, pen: &Pen) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = fit(word, width, pen);
        if line.is_empty() {
            line = word;
        } else if line.chars().count() + 1 + word.chars().count() <= width {
            line.push(' ');
            line.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut line, word));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text`, cut to `width` characters with an ellipsis if it is longer.
fn fit(text: &str, width: usize, pen_or_plain: &Pen) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push(pen_or_plain.ellipsis);
    }
    cut
}

/// What was drawn and what was left out, so that nothing disappears silently.
fn footer(ladder: &Ladder, summary: &ArrowSummary) -> String {
    let (tcp, udp) = (summary.tcp, summary.udp);
    let count = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let drawn: Vec<String> = [
        (tcp, "TCP segment", "TCP segments"),
        (udp, "UDP datagram", "UDP datagrams"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| count(*n, one, many))
    .collect();
    let mut text = match drawn.is_empty() {
        true => "Nothing drawn".to_string(),
        false => format!("{} drawn", drawn.join(" and ")),
    };
    let not_drawn = ladder.not_drawn;
    let reasons: Vec<String> = [
        (not_drawn.other_protocols, "without TCP or UDP"),
        (not_drawn.other_streams, "of other streams"),
        (not_drawn.hidden, "left out by the filter"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("{} {why}", count(*n, "frame", "frames")))
    .collect();
    if !reasons.is_empty() {
        text.push_str("; not drawn: ");
        text.push_str(&reasons.join(", "));
    }
    text.push('.');
    text
}
