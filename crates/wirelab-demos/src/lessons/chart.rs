//! The congestion window as a text chart, so it prints in a terminal and in a golden file.

/// Rows of the chart.
const HEIGHT: usize = 12;
/// Columns of the chart.
const WIDTH: usize = 64;

/// `points` are (microseconds, cwnd, ssthresh) as the stack reported them; the chart shows
/// cwnd in segments of `mss` bytes (`*`) and ssthresh (`-`) over time, each column holding
/// the last value reported up to its time.
pub fn cwnd(points: &[(u64, usize, usize)], mss: usize) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "  (no congestion window changes were reported)\n".to_string();
    };
    let mss = mss.max(1);
    let start = first.0;
    let span = last.0.saturating_sub(start).max(1);
    let mut columns: Vec<Option<(usize, usize)>> = vec![None; WIDTH];
    for &(t, cwnd, ssthresh) in points {
        let column = ((t - start) as u128 * (WIDTH as u128 - 1) / span as u128) as usize;
        if let Some(slot) = columns.get_mut(column) {
            *slot = Some((cwnd / mss, ssthresh.checked_div(mss).unwrap_or(0)));
        }
    }
    // Carry the last value into columns without a report of their own.
    let mut previous = None;
    for slot in columns.iter_mut() {
        match slot {
            Some(value) => previous = Some(*value),
            None => *slot = previous,
        }
    }
    let top = columns
        .iter()
        .flatten()
        .map(|&(c, _)| c)
        .max()
        .unwrap_or(1)
        .max(1);
    let row_of = |segments: usize| (segments * (HEIGHT - 1) + top / 2) / top;
    let mut out = String::new();
    for row in (0..HEIGHT).rev() {
        let label = (top * row + (HEIGHT - 1) / 2) / (HEIGHT - 1);
        out.push_str(&format!("  {label:>5} |"));
        for column in &columns {
            let mark = match column {
                Some((c, _)) if row_of(*c) == row => '*',
                Some((_, s)) if *s <= top && row_of(*s) == row => '-',
                _ => ' ',
            };
            out.push(mark);
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
    }
    out.push_str(&format!("        +{}\n", "-".repeat(WIDTH)));
    out.push_str(&format!(
        "         {:<w$}{}\n",
        crate::output::seconds(start),
        crate::output::seconds(last.0),
        w = WIDTH - 9
    ));
    out.push_str("          * cwnd (segments)   - ssthresh (segments)\n");
    out
}

#[cfg(test)]
mod tests {
    use super::cwnd;

    #[test]
    fn a_window_that_doubles_then_halves_is_drawn_rising_then_falling() {
        let mss = 1000;
        let points = [
            (0, 1000, usize::MAX),
            (100_000, 2000, usize::MAX),
            (200_000, 4000, usize::MAX),
            (300_000, 8000, usize::MAX),
            (400_000, 4000, 4000),
        ];
        let chart = cwnd(&points, mss);
        let rows: Vec<&str> = chart.lines().collect();
        // The top row is 8 segments, reached in the middle; the bottom row is 0.
        assert!(rows[0].starts_with("      8 |"), "{chart}");
        assert!(rows[0].contains('*'), "{chart}");
        assert!(rows[11].starts_with("      0 |"), "{chart}");
        // At the end, after the halving, cwnd is 4 segments: the last column's star is on
        // the row labelled 4.
        let last_column = rows
            .iter()
            .find(|row| row.chars().count() == 9 + 64 && row.ends_with('*'))
            .unwrap_or_else(|| panic!("no star in the last column:\n{chart}"));
        assert!(last_column.starts_with("      4 |"), "{chart}");
        assert!(chart.contains("0.000000s"), "{chart}");
        assert!(chart.ends_with("* cwnd (segments)   - ssthresh (segments)\n"));
    }

    #[test]
    fn no_reports_make_a_note_instead_of_a_chart() {
        assert_eq!(
            cwnd(&[], 1460),
            "  (no congestion window changes were reported)\n"
        );
    }
}
