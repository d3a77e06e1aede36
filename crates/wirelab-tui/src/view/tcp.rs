//! The TCP panel of the selected stream: each side's state, its send and receive sequence
//! spaces as bars drawn like RFC 9293 §3.3.1's figures, and — when there are rows for it —
//! cwnd, ssthresh, SRTT and RTO over time with the selected frame marked.
//!
//! ```text
//!  A send  UNA 1  NXT 7241  WND 65160           (RFC 9293 §3.3.1, figure 3)
//!  ██████▓▓▓▓▓▓▓▓░░░░░░░░░░░░░░░░░░░░░░······
//!  1 acknowledged │ 2 sent, unacknowledged │ 3 usable window │ 4 not yet allowed
//!                 SND.UNA                   SND.NXT           SND.UNA+SND.WND
//! ```

use crate::app::{App, Pane};
use crate::index;
use crate::tcp_model::{self, Charts, ReceiveSpace, SendSpace, Side};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;

/// Rows the bars take: the two sides, the legend, two rows for each of four bars.
const BAR_ROWS: u16 = 11;
/// The fewest rows worth a chart (axes, labels and a few rows of plot).
const CHART_ROWS: u16 = 8;

/// One line of a chart: its name, its points (seconds, value) and its colour.
type Series<'a> = (&'a str, &'a [(f64, f64)], Color);

/// The widths of a bar's regions, left to right.
fn regions(width: usize, before: u32, middle: [u32; 2]) -> [usize; 4] {
    // The acknowledged past and the future not yet allowed are not to scale: a sixth of the
    // bar each; the window between them is.
    let edge = width / 6;
    let inner = width.saturating_sub(2 * edge);
    let total = u64::from(middle[0]) + u64::from(middle[1]);
    // A region that is not empty gets a cell at least, however small it is to scale.
    let first = if total == 0 || middle[0] == 0 {
        0
    } else {
        ((inner as u64 * u64::from(middle[0]) / total) as usize)
            .max(1)
            .min(inner)
    };
    let second = if total == 0 { 0 } else { inner - first };
    let acked = if before > 0 { edge } else { 0 };
    [acked, first, second, width - acked - first - second]
}

impl App {
    pub(super) fn draw_tcp(&mut self, frame: &mut Frame<'_>, area: Rect) {
        let block = self.block("TCP".into(), Pane::Tcp);
        let inner = block.inner(area);
        let (Some(number), Some(stream)) = (self.selected_frame(), self.selected_stream()) else {
            frame.render_widget(block, area);
            let text = "The selected frame is not a TCP segment.";
            frame.render_widget(Paragraph::new(text), inner);
            return;
        };
        let segments = index::lock(&self.index).stream_frames(stream).len();
        // The estimate and the checkpoints read the whole stream: made again only when the
        // stream grew (a live source) or events came.
        let key = (stream, segments, self.events.len());
        if self.tcp_charts.as_ref().is_none_or(|(k, ..)| *k != key) {
            let index = index::lock(&self.index);
            let estimated = tcp_model::estimate_charts(&index, stream);
            let checkpoints = tcp_model::Checkpoints::new(&index, stream);
            let sides = tcp_model::sides_at(&index, stream, 0);
            drop(index);
            let other = sides
                .iter()
                .find(|s| s.address != estimated.sender)
                .map(|s| s.address.clone())
                .unwrap_or_default();
            let from_events = tcp_model::event_charts(&self.events, &estimated.sender, &other);
            self.tcp_charts = Some((key, from_events.unwrap_or(estimated), checkpoints));
        }
        let Some((_, charts, checkpoints)) = &self.tcp_charts else {
            return;
        };
        let mut sides =
            tcp_model::sides_from(&index::lock(&self.index), stream, number, checkpoints);
        for side in &mut sides {
            if let Some(state) = tcp_model::event_state(&self.events, &side.address, number) {
                side.state = Some(state);
            }
        }
        let how = if charts.estimated {
            "estimated from the capture"
        } else {
            "from the stack's events"
        };
        let title = format!("TCP stream {stream} at frame {number}");
        frame.render_widget(block.title(title), area);
        let chart_rows = inner.height.saturating_sub(BAR_ROWS);
        let (bars, chart) = if chart_rows >= CHART_ROWS {
            let [bars, chart] =
                Layout::vertical([Constraint::Length(BAR_ROWS), Constraint::Min(0)]).areas(inner);
            (bars, Some(chart))
        } else {
            (inner, None)
        };
        // On a short screen the legend goes first: the bars are what the panel is for.
        let legend = bars.height >= BAR_ROWS;
        frame.render_widget(
            Paragraph::new(self.bar_lines(&sides, bars.width, legend)),
            bars,
        );
        if let Some(chart) = chart {
            let time = index::lock(&self.index)
                .entry(number)
                .map_or(0.0, |e| tcp_model::seconds(e.time()));
            let block = Block::new()
                .borders(Borders::TOP)
                .title(format!("cwnd and RTT of {}, {how}", charts.sender));
            let plot = block.inner(chart);
            frame.render_widget(block, chart);
            self.draw_charts(frame, plot, charts, time);
        }
    }

    /// The sides line, the legend, and for each direction the sender's send space and the
    /// receiver's receive space.
    fn bar_lines(&self, sides: &[Side; 2], width: u16, legend: bool) -> Vec<Line<'static>> {
        let state = |s: &Side| s.state.clone().unwrap_or_else(|| "?".into());
        let mut lines: Vec<Line> = ["A", "B"]
            .iter()
            .zip(sides)
            .map(|(name, side)| {
                Line::from(vec![
                    Span::raw(format!("{name} {} ", side.address)),
                    Span::styled(state(side), Style::new().add_modifier(Modifier::BOLD)),
                ])
            })
            .collect();
        if legend {
            lines.push(Line::styled(
                "█ acked  ▓ sent, unacked  ░ usable window  · not yet allowed",
                self.fg(Color::DarkGray),
            ));
        }
        let bar_width = usize::from(width.saturating_sub(2)).max(8);
        for (from, to) in [(0, 1), (1, 0)] {
            let (sender, receiver) = (&sides[from], &sides[to]);
            let names = ["A", "B"];
            match sender.send {
                Some(send) => lines.extend(self.send_bar(names[from], send, bar_width)),
                None => lines.extend([
                    Line::raw(format!("{} send: nothing sent", names[from])),
                    Line::raw(""),
                ]),
            }
            match receiver.receive {
                Some(receive) => lines.extend(self.receive_bar(names[to], receive, bar_width)),
                None => lines.extend([
                    Line::raw(format!("{} receive: no acknowledgment yet", names[to])),
                    Line::raw(""),
                ]),
            }
        }
        lines
    }

    fn send_bar(&self, name: &str, s: SendSpace, width: usize) -> [Line<'static>; 2] {
        let in_flight = s.nxt.wrapping_sub(s.una);
        let usable = s.wnd.saturating_sub(in_flight);
        let [acked, sent, window, future] = regions(width, s.una, [in_flight, usable]);
        // The marks of RFC 9293's figure 3, left to right; the window itself if there is room.
        let label = format!(
            "{name} send  SND.UNA {}  SND.NXT {}  SND.UNA+SND.WND {}",
            s.una,
            s.nxt,
            s.una.wrapping_add(s.wnd)
        );
        let runs = [
            (acked, "█", Color::DarkGray),
            (sent, "▓", Color::Magenta),
            (window, "░", Color::Green),
        ];
        let wnd = format!("  (SND.WND {})", s.wnd);
        self.space_bar(label, &wnd, &runs, future, width)
    }

    fn receive_bar(&self, name: &str, r: ReceiveSpace, width: usize) -> [Line<'static>; 2] {
        let [acked, allowed, _, future] = regions(width, r.nxt, [r.wnd, 0]);
        let label = format!(
            "{name} receive  RCV.NXT {}  RCV.NXT+RCV.WND {}",
            r.nxt,
            r.nxt.wrapping_add(r.wnd)
        );
        let runs = [(acked, "█", Color::DarkGray), (allowed, "░", Color::Green)];
        let wnd = format!("  (RCV.WND {})", r.wnd);
        self.space_bar(label, &wnd, &runs, future, width)
    }

    /// One side's sequence space, as two lines: `label` (and `wnd`, when the line has
    /// room for it) above a bar of `runs` (each so many cells of one symbol in one colour),
    /// then `future` dots for the numbers beyond the window.
    fn space_bar(
        &self,
        mut label: String,
        wnd: &str,
        runs: &[(usize, &str, Color)],
        future: usize,
        width: usize,
    ) -> [Line<'static>; 2] {
        if label.chars().count() + wnd.chars().count() <= width + 1 {
            label.push_str(wnd);
        }
        let mut bar = vec![Span::raw(" ")];
        bar.extend(
            runs.iter()
                .map(|&(cells, symbol, color)| Span::styled(symbol.repeat(cells), self.fg(color))),
        );
        bar.push(Span::raw("·".repeat(future)));
        [Line::raw(label), Line::from(bar)]
    }

    /// cwnd and ssthresh in bytes beside SRTT and RTO in milliseconds (one above the other
    /// when the panel is narrow), a vertical line at the selected frame's time.
    fn draw_charts(&self, frame: &mut Frame<'_>, area: Rect, charts: &Charts, time: f64) {
        let [windows, timers] = if area.width >= 56 {
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
        } else if area.height >= 2 * CHART_ROWS {
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
        } else {
            [area, Rect::default()]
        };
        let cwnd_name = if charts.estimated {
            "in flight ≈ cwnd"
        } else {
            "cwnd"
        };
        self.draw_chart(
            frame,
            windows,
            "bytes",
            [
                (cwnd_name, &charts.cwnd[..], Color::Magenta),
                ("ssthresh", &charts.ssthresh[..], Color::Yellow),
            ],
            time,
        );
        if !timers.is_empty() {
            self.draw_chart(
                frame,
                timers,
                "ms",
                [
                    ("SRTT", &charts.srtt[..], Color::Cyan),
                    ("RTO", &charts.rto[..], Color::Red),
                ],
                time,
            );
        }
    }

    fn draw_chart(
        &self,
        frame: &mut Frame<'_>,
        area: Rect,
        unit: &str,
        series: [Series<'_>; 2],
        time: f64,
    ) {
        let points = series.iter().flat_map(|(_, p, _)| p.iter());
        let x_max = points.clone().map(|p| p.0).fold(time, f64::max).max(1e-3);
        let y_max = points.map(|p| p.1).fold(0.0, f64::max).max(1.0) * 1.1;
        let marker = [(time, 0.0), (time, y_max)];
        // A few thousand points are as many as a terminal can show.
        let thinned: Vec<Vec<(f64, f64)>> = series
            .iter()
            .map(|(_, p, _)| {
                let step = (p.len() / 2000).max(1);
                p.iter().step_by(step).copied().collect()
            })
            .collect();
        let mut datasets: Vec<Dataset> = series
            .iter()
            .zip(&thinned)
            .filter(|(_, p)| !p.is_empty())
            .map(|((name, _, color), p)| {
                Dataset::default()
                    .name(name.to_string())
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(self.fg(*color))
                    .data(p)
            })
            .collect();
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(self.fg(Color::White))
                .data(&marker),
        );
        let empty = series.iter().all(|(_, p, _)| p.is_empty());
        let names: Vec<&str> = series.iter().map(|(n, _, _)| *n).collect();
        let title = if empty {
            format!("{} ({unit}): none", names.join(", "))
        } else {
            unit.to_string()
        };
        let chart = Chart::new(datasets)
            .x_axis(
                Axis::default()
                    .title("s")
                    .bounds([0.0, x_max])
                    .labels([Line::raw("0"), Line::raw(format!("{x_max:.3}"))]),
            )
            .y_axis(
                Axis::default()
                    .title(title)
                    .bounds([0.0, y_max])
                    .labels([Line::raw("0"), Line::raw(format!("{y_max:.0}"))]),
            )
            .legend_position(Some(ratatui::widgets::LegendPosition::TopRight))
            // The legend is what says which line is which: shown unless it covers the plot.
            .hidden_legend_constraints((Constraint::Ratio(2, 3), Constraint::Ratio(2, 3)))
            .style(Style::new());
        frame.render_widget(chart, area);
    }
}

#[cfg(test)]
mod tests {
    use super::regions;

    #[test]
    fn a_bar_keeps_a_sixth_for_the_past_and_the_future_and_scales_the_window() {
        // 60 cells: 10 acknowledged, 40 for the window, 10 not yet allowed; 1000 of 4000
        // window bytes in flight take a quarter of the 40.
        assert_eq!(regions(60, 1, [1000, 3000]), [10, 10, 30, 10]);
    }

    #[test]
    fn one_byte_in_flight_still_shows_as_a_cell() {
        assert_eq!(regions(60, 1, [1, 64_000]), [10, 1, 39, 10]);
    }

    #[test]
    fn a_bar_too_narrow_for_its_regions_is_all_future_rather_than_a_panic() {
        for width in 0..8 {
            assert_eq!(regions(width, 5, [3, 4]).iter().sum::<usize>(), width);
        }
    }

    #[test]
    fn before_anything_is_acknowledged_the_bar_has_no_acknowledged_region() {
        assert_eq!(regions(60, 0, [0, 0]), [0, 0, 0, 60]);
    }
}
