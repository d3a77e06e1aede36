//! What the sweep prints: where the time went, what was and was not compared and why, and
//! every difference, counted per field with the first ones in full.

use crate::accepted::PSEUDO_HEADERS;
use crate::compare::{Counts, FileOutcome, Mismatch, WirelabEnd};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;

/// Mismatches listed in full at the end of the report (all are in the TSV file).
pub const LISTED: usize = 30;

/// At most this many of the listed mismatches are of one field.
pub const PER_FIELD: usize = 3;

/// The whole sweep's results, and how it ran.
pub struct Sweep {
    pub outcomes: Vec<FileOutcome>,
    pub fields: Vec<&'static str>,
    /// Compared fields `wirelab fields` does not list.
    pub undeclared: Vec<&'static str>,
    pub tshark_version: Option<String>,
    pub disabled_protocols: usize,
    pub workers: usize,
    pub wall: Duration,
}

impl Sweep {
    pub fn panics(&self) -> Vec<String> {
        self.outcomes
            .iter()
            .filter_map(|o| match &o.wirelab_end {
                WirelabEnd::Panicked(msg) => Some(format!("{}: wirelab panicked: {msg}", o.name)),
                WirelabEnd::TimedOut => {
                    Some(format!("{}: wirelab ran past the time limit", o.name))
                }
                WirelabEnd::NotRun(e) => Some(format!("{}: wirelab did not start: {e}", o.name)),
                _ => None,
            })
            .collect()
    }

    /// Files tshark read without an error where wirelab printed a different number of frames.
    pub fn frame_count_differences(&self) -> Vec<String> {
        self.outcomes
            .iter()
            .filter(|o| o.tshark_read_all() && o.tshark_frames != Some(o.wirelab_frames))
            .map(|o| {
                let why = match &o.wirelab_end {
                    WirelabEnd::Damaged(msg) => format!(" (wirelab: {msg})"),
                    WirelabEnd::Failed(code, msg) => format!(" (wirelab exit {code}: {msg})"),
                    _ => String::new(),
                };
                format!(
                    "{}: tshark {} frames, wirelab {}{why}",
                    o.name,
                    o.tshark_frames.unwrap_or(0),
                    o.wirelab_frames
                )
            })
            .collect()
    }

    pub fn counts(&self) -> Vec<Counts> {
        let mut total = vec![Counts::default(); self.fields.len()];
        for o in &self.outcomes {
            for (t, c) in total.iter_mut().zip(&o.counts) {
                t.compared += c.compared;
                t.nonempty += c.nonempty;
                t.mismatched += c.mismatched;
            }
        }
        total
    }

    pub fn mismatches(&self) -> impl Iterator<Item = &Mismatch> {
        self.outcomes.iter().flat_map(|o| &o.mismatches)
    }

    pub fn broken_lines(&self) -> Vec<String> {
        self.outcomes
            .iter()
            .flat_map(|o| {
                o.broken_lines
                    .iter()
                    .map(move |l| format!("{}: {l}", o.name))
            })
            .collect()
    }

    /// The report's first part: how the sweep ran and what it covered.
    pub fn overview(&self) -> String {
        let mut s = String::new();
        let n = self.outcomes.len();
        let sum = |f: fn(&FileOutcome) -> Duration| {
            self.outcomes.iter().map(f).sum::<Duration>().as_secs_f64()
        };
        let _ = writeln!(s, "tshark oracle: {n} files, {} fields", self.fields.len());
        match &self.tshark_version {
            Some(v) => {
                let _ = writeln!(
                    s,
                    "  {v}, {} protocols disabled (tests/oracle/README.md)",
                    self.disabled_protocols
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  tshark not found: only wirelab's robustness was checked"
                );
            }
        }
        let cached = self.outcomes.iter().filter(|o| o.tshark_cached).count();
        let _ = writeln!(
            s,
            "  sweep: {:.1} s wall with {} workers; summed over files: tshark {:.1} s ({cached} answers from the cache), wirelab {:.1} s",
            self.wall.as_secs_f64(),
            self.workers,
            sum(|o| o.tshark_time),
            sum(|o| o.wirelab_time)
        );
        let unreadable: Vec<&FileOutcome> = self
            .outcomes
            .iter()
            .filter(|o| o.tshark_error.is_some() && o.tshark_frames == Some(0))
            .collect();
        let partial = self
            .outcomes
            .iter()
            .filter(|o| o.tshark_error.is_some() && o.tshark_frames > Some(0))
            .count();
        let damaged = self
            .outcomes
            .iter()
            .filter(|o| matches!(o.wirelab_end, WirelabEnd::Damaged(_)))
            .count();
        let tshark_frames: usize = self.outcomes.iter().filter_map(|o| o.tshark_frames).sum();
        let wirelab_frames: usize = self.outcomes.iter().map(|o| o.wirelab_frames).sum();
        let _ = writeln!(
            s,
            "  files: {} read whole by tshark, {partial} read in part, {} not at all; wirelab: {damaged} reported damaged, {} panics",
            self.outcomes.iter().filter(|o| o.tshark_read_all()).count(),
            unreadable.len(),
            self.panics().len()
        );
        let _ = writeln!(
            s,
            "  frames: tshark {tshark_frames}, wirelab {wirelab_frames}"
        );
        if !unreadable.is_empty() {
            let _ = writeln!(
                s,
                "\nFiles tshark cannot read (wirelab is only checked for panics on these):"
            );
            for o in unreadable {
                let _ = writeln!(
                    s,
                    "  {}: {}",
                    o.name,
                    o.tshark_error.as_deref().unwrap_or("")
                );
            }
        }
        if !self.undeclared.is_empty() {
            let _ = writeln!(
                s,
                "\nFields `wirelab fields` does not list (empty on wirelab's side): {}",
                self.undeclared.join(", ")
            );
        }
        s.push_str(&self.uncompared());
        s.push_str(&self.accepted());
        let _ = writeln!(
            s,
            "\nfull report and mismatches.tsv: target/tmp/tshark-oracle/"
        );
        s
    }

    /// What was not compared, per reason, with how many frames in how many files.
    fn uncompared(&self) -> String {
        let mut by_reason: BTreeMap<&str, (u64, usize, String)> = BTreeMap::new();
        for o in &self.outcomes {
            for (reason, (count, first)) in &o.uncompared {
                let e = by_reason
                    .entry(reason)
                    .or_insert_with(|| (0, 0, format!("{} frame {first}", o.name)));
                e.0 += count;
                e.1 += 1;
            }
        }
        let mut s = String::new();
        if by_reason.is_empty() {
            return s;
        }
        let _ = writeln!(s, "\nNot compared (classified by tshark's frame.protocols; rules in tests/oracle/README.md):");
        for (reason, (frames, files, first)) in by_reason {
            let _ = writeln!(
                s,
                "  {reason}: {frames} frames in {files} files (first: {first})"
            );
        }
        s
    }

    /// What the rules for tshark's two documented differences did, with every file they
    /// touched (tests/oracle/README.md, "Known differences accepted").
    fn accepted(&self) -> String {
        let mut s = String::new();
        let touched = |o: &&FileOutcome| !o.accepted.pseudo_header_cells.is_empty();
        let files: Vec<&FileOutcome> = self.outcomes.iter().filter(touched).collect();
        let mut by_link: BTreeMap<u32, u64> = BTreeMap::new();
        for o in &files {
            for (link, cells) in &o.accepted.pseudo_header_cells {
                *by_link.entry(*link).or_default() += cells;
            }
        }
        let timed: Vec<&FileOutcome> = self
            .outcomes
            .iter()
            .filter(|o| o.accepted.time_cells > 0)
            .collect();
        if files.is_empty() && timed.is_empty() {
            return s;
        }
        let _ = writeln!(
            s,
            "\nKnown tshark differences, under their documented rules (tests/oracle/README.md):"
        );
        if !files.is_empty() {
            let links: Vec<String> = by_link
                .iter()
                .map(|(link, cells)| {
                    let p = PSEUDO_HEADERS.iter().find(|p| p.linktype == *link);
                    let (name, len) = p.map_or(("?", 0), |p| (p.name, p.len));
                    format!("LINKTYPE {link} {name}, {len} bytes: {cells} cells")
                })
                .collect();
            let _ = writeln!(
                s,
                "  frame.len, frame.cap_len compared as wirelab − tshark's wiretap pseudo-header: {} cells in {} files ({})",
                by_link.values().sum::<u64>(),
                files.len(),
                links.join("; ")
            );
            for o in &files {
                let cells: u64 = o.accepted.pseudo_header_cells.values().sum();
                let _ = writeln!(s, "    {}: {cells} cells", o.name);
            }
        }
        if !timed.is_empty() {
            let _ = writeln!(
                s,
                "  frame.time_* cells tshark computed from an unnormalised time, not compared: {} cells in {} files",
                timed.iter().map(|o| o.accepted.time_cells).sum::<u64>(),
                timed.len()
            );
            for o in &timed {
                let frames = &o.accepted.time_frames;
                let more = match frames.len() {
                    n if n > 10 => format!(", … {n} frames in all"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    s,
                    "    {}: {} cells (frames {}{more})",
                    o.name,
                    o.accepted.time_cells,
                    frames[..frames.len().min(10)].join(", ")
                );
            }
        }
        s
    }

    /// Per field: cells compared, of which tshark's was non-empty, mismatches, and the first
    /// mismatch.
    pub fn field_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "\n{:<32} {:>9} {:>9} {:>9}  first mismatch",
            "field", "compared", "nonempty", "differ"
        );
        let counts = self.counts();
        for (field, c) in self.fields.iter().zip(&counts) {
            let first = self
                .mismatches()
                .find(|m| m.field == *field)
                .map(|m| {
                    format!(
                        "{} frame {}: tshark {:?} wirelab {:?}",
                        m.file, m.frame, m.tshark, m.wirelab
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{field:<32} {:>9} {:>9} {:>9}  {first}",
                c.compared, c.nonempty, c.mismatched
            );
        }
        s
    }

    /// The first [`LISTED`] mismatches in full, at most [`PER_FIELD`] of each field so that one
    /// broken field cannot hide the others, and none of a field wirelab does not declare (the
    /// table counts those).
    pub fn first_mismatches(&self) -> String {
        let mut s = String::new();
        let total: u64 = self.counts().iter().map(|c| c.mismatched).sum();
        let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
        let chosen: Vec<&Mismatch> = self
            .mismatches()
            .filter(|m| !self.undeclared.contains(&m.field))
            .filter(|m| {
                let n = listed.entry(m.field).or_default();
                *n += 1;
                *n <= PER_FIELD
            })
            .take(LISTED)
            .collect();
        let _ = writeln!(s, "\n{total} cells differ; the first of each field:");
        for m in chosen {
            let _ = writeln!(
                s,
                "  {} frame {} {}: tshark {:?}, wirelab {:?}",
                m.file, m.frame, m.field, m.tshark, m.wirelab
            );
        }
        s
    }

    /// Every kept mismatch as tab-separated lines, for the dissector authors to sort and grep.
    pub fn mismatch_tsv(&self) -> String {
        let mut s = String::from("file\tframe\tfield\ttshark\twirelab\n");
        for m in self.mismatches() {
            let _ = writeln!(
                s,
                "{}\t{}\t{}\t{}\t{}",
                m.file, m.frame, m.field, m.tshark, m.wirelab
            );
        }
        s
    }
}
