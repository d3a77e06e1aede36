//! The ladder as a standalone SVG picture, for slides and the book: the same diagram as the
//! text, with arrows that slant downwards as time passes while a segment travels, badges in
//! colour, and each endpoint's state in a box beside its lifeline.
//!
//! The XML is written by hand (it is a few kinds of element) and every piece of text from the
//! trace goes through [`escape`].

use super::model::{Arrow, Ladder, Transport};
use super::text::TextStyle;
use std::fmt::Write;

/// Text metrics of the monospace font the picture uses, in pixels.
const FONT_SIZE: f64 = 12.0;
const CHAR_WIDTH: f64 = 7.3;
/// The title is bold and 14 px.
const TITLE_CHAR_WIDTH: f64 = 8.6;
const LINE_HEIGHT: f64 = 15.0;
/// How far an arrow drops from its start to its end: the segment's time on the wire.
const SLANT: f64 = 16.0;
const HEADER_HEIGHT: f64 = 70.0;
const MIN_GAP: f64 = 190.0;
const MAX_GAP: f64 = 400.0;
const TIME_HEADING: &str = "frame  time (s)";

/// Draw `ladder` as an SVG document. The width in characters of `style` sets how long a label
/// line may be before it wraps, as in the text; `ascii` does not apply.
pub fn render_svg(ladder: &Ladder, title: &str, style: TextStyle) -> String {
    let mut picture = Picture::new(ladder, title, style);
    picture.draw(ladder, title);
    picture.finish()
}

struct Picture {
    out: String,
    columns: Vec<f64>,
    width: f64,
    gutter: f64,
    label_chars: usize,
    y: f64,
}

impl Picture {
    fn new(ladder: &Ladder, title: &str, style: TextStyle) -> Picture {
        let arrows = &ladder.arrows;
        let longest_time = arrows
            .iter()
            .map(|a| a.frame.to_string().len() + 1 + a.seconds().len())
            .chain([TIME_HEADING.len()])
            .max()
            .unwrap_or(TIME_HEADING.len());
        let gutter = longest_time as f64 * CHAR_WIDTH + 20.0;
        let longest_state = arrows
            .iter()
            .flat_map(|a| [a.from_state.as_deref(), a.to_state.as_deref()])
            .flatten()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0);
        let margin = (longest_state as f64 * CHAR_WIDTH + 30.0).max(90.0);
        let longest_label = arrows
            .iter()
            .map(|a| a.label.chars().count())
            .max()
            .unwrap_or(20)
            .min(style.width.saturating_sub(20).max(20));
        let gap = (longest_label as f64 * CHAR_WIDTH + 40.0).clamp(MIN_GAP, MAX_GAP);
        let label_chars = ((gap - 24.0) / CHAR_WIDTH) as usize;
        let first = gutter + margin;
        let columns: Vec<f64> = (0..ladder.endpoints.len())
            .map(|i| first + i as f64 * gap)
            .collect();
        let title_width = title.chars().count() as f64 * TITLE_CHAR_WIDTH + 24.0;
        let width = (columns.last().copied().unwrap_or(first) + margin).max(title_width);
        Picture {
            out: String::new(),
            columns,
            width,
            gutter,
            label_chars,
            y: 0.0,
        }
    }

    fn draw(&mut self, ladder: &Ladder, title: &str) {
        self.text(12.0, 22.0, "start", "title", title);
        for (endpoint, &x) in ladder.endpoints.iter().zip(&self.columns.clone()) {
            let name = endpoint.to_string();
            let box_width = name.chars().count() as f64 * CHAR_WIDTH + 16.0;
            let _ = writeln!(
                self.out,
                r#"<rect class="endpoint" x="{:.1}" y="36" width="{:.1}" height="22" rx="4"/>"#,
                x - box_width / 2.0,
                box_width
            );
            self.text(x, 51.0, "middle", "endpoint-name", &name);
        }
        if !ladder.arrows.is_empty() {
            self.text(self.gutter - 10.0, 51.0, "end", "time", TIME_HEADING);
        }
        self.y = HEADER_HEIGHT;
        let lifelines_top = self.y - 12.0;
        if ladder.endpoints.is_empty() {
            self.text(
                12.0,
                self.y + 10.0,
                "start",
                "note",
                "No TCP segments or UDP datagrams to draw.",
            );
            self.y += 20.0;
        }
        let header = std::mem::take(&mut self.out);
        for arrow in &ladder.arrows {
            self.arrow(arrow);
        }
        let body = std::mem::replace(&mut self.out, header);
        // Lifelines first, so that arrows and boxes are drawn over them.
        for x in self.columns.clone() {
            let _ = writeln!(
                self.out,
                r#"<line class="lifeline" x1="{x:.1}" y1="{lifelines_top:.1}" x2="{x:.1}" y2="{:.1}"/>"#,
                self.y + 6.0
            );
        }
        self.out.push_str(&body);
    }

    fn arrow(&mut self, arrow: &Arrow) {
        let (Some(&from), Some(&to)) = (self.columns.get(arrow.from), self.columns.get(arrow.to))
        else {
            return;
        };
        if arrow.gap_before {
            self.y += 6.0;
            self.text(self.gutter - 10.0, self.y + 6.0, "end", "time", "⋮");
            self.y += 10.0;
        }
        let lines = wrap(&arrow.label, self.label_chars);
        let label_top = self.y + 4.0;
        let start_y = label_top + lines.len() as f64 * LINE_HEIGHT + 4.0;
        let end_y = start_y + SLANT;
        let middle = (from + to) / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let y = label_top + (i as f64 + 0.8) * LINE_HEIGHT;
            self.text(middle, y, "middle", "label", line);
        }
        let time = format!("{} {}", arrow.frame, arrow.seconds());
        self.text(self.gutter - 10.0, start_y + 4.0, "end", "time", &time);
        let class = arrow_class(arrow);
        let _ = writeln!(
            self.out,
            r#"<line class="{class}" x1="{from:.1}" y1="{start_y:.1}" x2="{to:.1}" y2="{end_y:.1}" marker-end="url(#head-{class})"/>"#
        );
        let mut badge_x = middle
            - arrow
                .badges
                .iter()
                .map(|b| badge_width(b) + 6.0)
                .sum::<f64>()
                / 2.0;
        let badge_y = (start_y + end_y) / 2.0 + 4.0;
        for badge in &arrow.badges {
            let width = badge_width(badge);
            let _ = writeln!(
                self.out,
                r#"<rect class="badge {}" x="{badge_x:.1}" y="{badge_y:.1}" width="{width:.1}" height="16" rx="8"/>"#,
                badge_class(badge)
            );
            self.text(
                badge_x + width / 2.0,
                badge_y + 12.0,
                "middle",
                "badge-text",
                badge,
            );
            badge_x += width + 6.0;
        }
        let mut bottom = end_y + 8.0;
        if !arrow.badges.is_empty() {
            bottom = bottom.max(badge_y + 20.0);
        }
        for (column, state, y, other) in [
            (arrow.from, &arrow.from_state, start_y, to),
            (arrow.to, &arrow.to_state, end_y, from),
        ] {
            if let Some(state) = state {
                self.state_box(column, state, y, other);
                bottom = bottom.max(y + 12.0);
            }
        }
        self.y = bottom;
    }

    /// A state beside its lifeline: outside the diagram for the outer endpoints, and on the
    /// side away from the arrow (which comes from `other`) for the ones in between.
    fn state_box(&mut self, column: usize, state: &str, y: f64, other: f64) {
        let Some(&x) = self.columns.get(column) else {
            return;
        };
        let width = state.chars().count() as f64 * CHAR_WIDTH + 12.0;
        let last = self.columns.len() - 1;
        let left_side = match column {
            0 => last > 0,
            c if c == last => false,
            _ => other > x,
        };
        let box_x = if left_side { x - 8.0 - width } else { x + 8.0 };
        let _ = writeln!(
            self.out,
            r#"<rect class="state" x="{box_x:.1}" y="{:.1}" width="{width:.1}" height="18" rx="3"/>"#,
            y - 9.0
        );
        self.text(box_x + width / 2.0, y + 4.0, "middle", "state-text", state);
    }

    fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, text: &str) {
        let _ = writeln!(
            self.out,
            r#"<text class="{class}" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">{}</text>"#,
            escape(text)
        );
    }

    fn finish(self) -> String {
        let height = self.y + 20.0;
        let mut svg = format!(
            r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{height:.0}" viewBox="0 0 {w:.0} {height:.0}">
<defs>
{markers}</defs>
<style>
text {{ font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: {FONT_SIZE}px; fill: #222; }}
.title {{ font-size: 14px; font-weight: bold; }}
.endpoint {{ fill: #eef2f8; stroke: #4a6a9a; }}
.endpoint-name {{ font-weight: bold; fill: #234; }}
.lifeline {{ stroke: #8899aa; stroke-width: 1.5; stroke-dasharray: 4 3; }}
.tcp {{ stroke: #333; stroke-width: 1.5; }}
.control {{ stroke: #1f5fa8; stroke-width: 2; }}
.reset {{ stroke: #c0282b; stroke-width: 2; }}
.udp {{ stroke: #2a8a7a; stroke-width: 1.5; stroke-dasharray: 6 3; }}
.time {{ fill: #667; }}
.state {{ fill: #eaf5e6; stroke: #5a9a4a; }}
.state-text {{ font-size: 11px; fill: #2d5a22; }}
.badge-text {{ font-size: 10px; font-weight: bold; fill: #fff; }}
.loss {{ fill: #c0282b; }}
.order {{ fill: #d9790f; }}
.window {{ fill: #7a4aa8; }}
.other {{ fill: #667; }}
</style>
<rect x="0" y="0" width="{w:.0}" height="{height:.0}" fill="#fff"/>
"##,
            w = self.width,
            markers = markers(),
        );
        svg.push_str(&self.out);
        svg.push_str("</svg>\n");
        svg
    }
}

/// One arrowhead per arrow colour (`context-stroke` would need SVG 2, which not every viewer
/// has).
fn markers() -> String {
    let mut out = String::new();
    for (class, colour) in [
        ("tcp", "#333"),
        ("control", "#1f5fa8"),
        ("reset", "#c0282b"),
        ("udp", "#2a8a7a"),
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="head-{class}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>"#
        );
    }
    out
}

/// SYN, FIN and RST are the arrows that change a connection's state; they stand out.
fn arrow_class(arrow: &Arrow) -> &'static str {
    match arrow.transport {
        Transport::Udp => "udp",
        Transport::Tcp { .. } => {
            let flags = arrow.label.split(' ').take_while(|w| !w.contains('='));
            let mut class = "tcp";
            for flag in flags {
                match flag {
                    "RST" => return "reset",
                    "SYN" | "FIN" => class = "control",
                    _ => {}
                }
            }
            class
        }
    }
}

/// Colour by kind: lost and resent data red, order and duplicate ACKs orange, window trouble
/// purple.
fn badge_class(badge: &str) -> &'static str {
    if badge.contains("RETRANS") || badge.contains("LOST") || badge.contains("UNSEEN") {
        "loss"
    } else if badge.contains("DUP ACK") || badge.contains("ORDER") {
        "order"
    } else if badge.contains("WIN") {
        "window"
    } else {
        "other"
    }
}

fn badge_width(badge: &str) -> f64 {
    badge.chars().count() as f64 * 6.4 + 14.0
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// Text as XML character data: the five characters XML gives a meaning escaped, and control
/// characters (which XML 1.0 forbids) replaced.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
