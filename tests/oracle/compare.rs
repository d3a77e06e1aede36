//! One file: run tshark and wirelab, line their frames up, and compare cell by cell.

use crate::accepted::{PseudoHeader, TimeTracker};
use crate::cache::{self, Answer};
use crate::classify::{classify, Verdict};
use crate::fields::protocol_of;
use crate::run::{run, Ran};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Longest either program may take on one file before it counts as hung.
const TIME_LIMIT: Duration = Duration::from_secs(180);

/// Mismatches kept per field and file (all are counted): enough to see the pattern.
const KEPT_PER_FIELD: u64 = 50;

/// What the sweep needs to know to check one file.
pub struct Setup {
    /// tshark and its configuration directory; `None` when tshark is not installed.
    pub tshark: Option<(PathBuf, PathBuf)>,
    pub wirelab: PathBuf,
    /// The compared fields, `frame.number` first.
    pub fields: Vec<&'static str>,
    /// For each compared field, whether wirelab declares it (only those are asked for: an
    /// undeclared field is an empty cell on wirelab's side, and fails where tshark has one).
    pub wirelab_knows: Vec<bool>,
    /// Where tshark's answers are kept between runs (cache.rs), and what they depend on
    /// besides the file and the command line.
    pub cache: Option<PathBuf>,
    pub salt: String,
}

/// One cell where the two differ.
#[derive(Clone)]
pub struct Mismatch {
    pub file: String,
    /// `frame.number` as tshark printed it.
    pub frame: String,
    pub field: &'static str,
    pub tshark: String,
    pub wirelab: String,
}

/// How wirelab's run ended.
#[derive(Clone, PartialEq, Eq)]
pub enum WirelabEnd {
    Ok,
    /// Exit status 1: wirelab reported the file as damaged (the message is kept).
    Damaged(String),
    Panicked(String),
    TimedOut,
    /// Any other exit status: a usage error, an unsupported format, …
    Failed(i32, String),
    NotRun(String),
}

/// Per compared field: cells compared, of which tshark's was not empty, and of which differed.
#[derive(Clone, Copy, Default)]
pub struct Counts {
    pub compared: u64,
    pub nonempty: u64,
    pub mismatched: u64,
}

/// Everything learnt from one file.
pub struct FileOutcome {
    pub name: String,
    /// Frames tshark printed; `None` when tshark was not run.
    pub tshark_frames: Option<usize>,
    /// tshark's complaint when it exited non-zero (it may have printed frames first).
    pub tshark_error: Option<String>,
    pub wirelab_frames: usize,
    pub wirelab_end: WirelabEnd,
    pub counts: Vec<Counts>,
    /// The first [`KEPT_PER_FIELD`] mismatches of each field (all are counted in `counts`).
    pub mismatches: Vec<Mismatch>,
    /// Cells not compared, by reason: frames compared on `frame.*` only, stream indexes after
    /// a hidden conversation. Values: (frames or cells, first frame number).
    pub uncompared: BTreeMap<String, (u64, String)>,
    /// Lines whose number of cells was wrong (a broken line cannot be compared).
    pub broken_lines: Vec<String>,
    /// What the two documented rules of accepted.rs did in this file.
    pub accepted: Accepted,
    pub tshark_time: Duration,
    /// tshark's answer came from the cache (its time is then zero).
    pub tshark_cached: bool,
    pub wirelab_time: Duration,
}

/// What the rules for tshark's two documented differences (accepted.rs) did in one file.
#[derive(Clone, Default)]
pub struct Accepted {
    /// `frame.len` / `frame.cap_len` cells compared less a wiretap pseudo-header, by LINKTYPE.
    pub pseudo_header_cells: BTreeMap<u32, u64>,
    /// Time cells not compared because tshark computed them from an unnormalised time.
    pub time_cells: u64,
    /// The frames those cells belong to (tshark's `frame.number`).
    pub time_frames: Vec<String>,
}

impl FileOutcome {
    /// tshark read the whole file without an error.
    pub fn tshark_read_all(&self) -> bool {
        self.tshark_frames.is_some() && self.tshark_error.is_none()
    }
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Run both programs on `file` and compare.
pub fn check_file(setup: &Setup, file: &Path, name: String) -> FileOutcome {
    let known: Vec<&str> = setup
        .fields
        .iter()
        .zip(&setup.wirelab_knows)
        .filter(|(_, k)| **k)
        .map(|(f, _)| *f)
        .collect();
    let wirelab = run(
        crate::tshark::wirelab_command(&setup.wirelab, file, &known),
        TIME_LIMIT,
    );
    let tshark = setup
        .tshark
        .as_ref()
        .map(|(program, config)| ask_tshark(setup, program, config, file));

    let mut outcome = FileOutcome {
        name,
        tshark_frames: None,
        tshark_error: None,
        wirelab_frames: 0,
        wirelab_end: WirelabEnd::Ok,
        counts: vec![Counts::default(); setup.fields.len()],
        mismatches: Vec::new(),
        uncompared: BTreeMap::new(),
        broken_lines: Vec::new(),
        accepted: Accepted::default(),
        tshark_time: Duration::ZERO,
        tshark_cached: false,
        wirelab_time: Duration::ZERO,
    };

    let wirelab = match wirelab {
        Ok(ran) => ran,
        Err(e) => {
            outcome.wirelab_end = WirelabEnd::NotRun(e.to_string());
            return outcome;
        }
    };
    outcome.wirelab_time = wirelab.elapsed;
    outcome.wirelab_end = wirelab_end(&wirelab);
    let wirelab_lines = lines(&wirelab.stdout);
    outcome.wirelab_frames = wirelab_lines.len();

    let tshark = match tshark {
        None => return outcome,
        Some(Ok(answer)) => answer,
        Some(Err(e)) => {
            outcome.tshark_error = Some(format!("tshark did not start: {e}"));
            outcome.tshark_frames = Some(0);
            return outcome;
        }
    };
    outcome.tshark_time = tshark.elapsed;
    outcome.tshark_cached = tshark.cached;
    let tshark_lines = lines(&tshark.stdout);
    outcome.tshark_frames = Some(tshark_lines.len());
    match tshark.exit {
        None => outcome.tshark_error = Some("tshark ran past the time limit".into()),
        Some(0) => {}
        Some(_) => outcome.tshark_error = Some(tshark.stderr.clone()),
    }

    compare_lines(setup, &tshark_lines, &wirelab_lines, &mut outcome);
    outcome
}

/// tshark's answer for `file`: from the cache when it holds one for exactly this question.
pub fn ask_tshark(
    setup: &Setup,
    program: &Path,
    config: &Path,
    file: &Path,
) -> std::io::Result<Answer> {
    let cmd = || crate::tshark::command(program, config, file, &setup.fields);
    let key = setup
        .cache
        .as_ref()
        .and_then(|_| cache::key(file, &cmd(), &setup.salt));
    if let (Some(dir), Some(key)) = (&setup.cache, &key) {
        if let Some(answer) = cache::load(dir, key) {
            return Ok(answer);
        }
    }
    let ran = run(cmd(), TIME_LIMIT)?;
    let answer = Answer {
        exit: ran.status.map(|s| s.code().unwrap_or(-1)),
        stderr: ran.stderr_head(2),
        stdout: ran.stdout,
        elapsed: ran.elapsed,
        cached: false,
    };
    if let (Some(dir), Some(key)) = (&setup.cache, &key) {
        cache::store(dir, key, &answer);
    }
    Ok(answer)
}

fn wirelab_end(ran: &Ran) -> WirelabEnd {
    if ran.panicked() {
        WirelabEnd::Panicked(ran.stderr_head(3))
    } else if ran.status.is_none() {
        WirelabEnd::TimedOut
    } else {
        match ran.code() {
            Some(0) => WirelabEnd::Ok,
            Some(1) => WirelabEnd::Damaged(ran.stderr_head(2)),
            code => WirelabEnd::Failed(code.unwrap_or(-1), ran.stderr_head(3)),
        }
    }
}

/// Compare the frames both printed, line by line (line N is frame N on both sides).
fn compare_lines(setup: &Setup, tshark: &[&str], wirelab: &[&str], out: &mut FileOutcome) {
    let fields = &setup.fields;
    let known = setup.wirelab_knows.iter().filter(|k| **k).count();
    // Once tshark has counted a TCP or UDP conversation wirelab cannot see (inside a frame
    // compared on frame.* only), its later stream indexes are shifted by one: from then on the
    // file's tcp.stream / udp.stream cells are not compared.
    let mut hidden_stream: BTreeMap<&str, String> = BTreeMap::new();
    // The time cells tshark computes from an unnormalised time are not compared (accepted.rs),
    // decided from tshark's frame.time_epoch alone.
    let epoch_at = fields.iter().position(|f| *f == "frame.time_epoch");
    let mut times = TimeTracker::default();
    for (t_line, w_line) in tshark.iter().zip(wirelab) {
        let t: Vec<&str> = t_line.split('\t').collect();
        if t.len() != fields.len() + 2 {
            out.broken_lines.push(format!(
                "tshark printed {} cells, expected {}: {t_line:?}",
                t.len(),
                fields.len() + 2
            ));
            times.next_frame("");
            continue;
        }
        let skipped_times = times.next_frame(epoch_at.map_or("", |i| t[i]));
        let w: Vec<&str> = w_line.split('\t').collect();
        if w.len() != known {
            out.broken_lines.push(format!(
                "wirelab printed {} cells, expected {known}: {w_line:?}",
                w.len()
            ));
            continue;
        }
        let frame = t[0];
        let (encap, chain) = (t[fields.len()], t[fields.len() + 1]);
        let verdict = classify(encap, chain, fields);
        if let Verdict::FrameOnly { reason, beyond } = &verdict {
            tally(&mut out.uncompared, reason.clone(), frame);
            for proto in ["tcp", "udp"] {
                if beyond.iter().any(|p| p == proto) && !hidden_stream.contains_key(proto) {
                    hidden_stream.insert(proto, format!("{proto}.stream after frame {frame} of the file, where tshark counted a {} conversation wirelab cannot see", proto.to_uppercase()));
                }
            }
        }
        let mut w_cells = w.iter();
        let mut time_cells_skipped = false;
        for (i, field) in fields.iter().enumerate() {
            let w_cell = if setup.wirelab_knows[i] {
                w_cells.next().copied().unwrap_or("")
            } else {
                ""
            };
            let proto = protocol_of(field);
            if proto != "frame" && verdict != Verdict::All {
                continue;
            }
            if field.ends_with(".stream") {
                if let Some(reason) = hidden_stream.get(proto) {
                    tally(&mut out.uncompared, reason.clone(), frame);
                    continue;
                }
            }
            if skipped_times.skips(field) {
                out.accepted.time_cells += 1;
                time_cells_skipped = true;
                continue;
            }
            // frame.len / frame.cap_len of a link type whose pseudo-header tshark strips.
            let pseudo_header = PseudoHeader::of(encap).filter(|_| PseudoHeader::applies_to(field));
            let same = match pseudo_header {
                Some(p) => {
                    *out.accepted
                        .pseudo_header_cells
                        .entry(p.linktype)
                        .or_default() += 1;
                    p.lengths_agree(t[i], w_cell)
                }
                None => t[i] == w_cell,
            };
            let counts = &mut out.counts[i];
            counts.compared += 1;
            counts.nonempty += u64::from(!t[i].is_empty());
            if !same {
                counts.mismatched += 1;
                if counts.mismatched > KEPT_PER_FIELD {
                    continue;
                }
                out.mismatches.push(Mismatch {
                    file: out.name.clone(),
                    frame: frame.to_string(),
                    field,
                    tshark: t[i].to_string(),
                    wirelab: pseudo_header
                        .map_or_else(|| w_cell.to_string(), |p| p.explain(w_cell)),
                });
            }
        }
        if time_cells_skipped {
            out.accepted.time_frames.push(frame.to_string());
        }
    }
}

fn tally(map: &mut BTreeMap<String, (u64, String)>, reason: String, frame: &str) {
    map.entry(reason)
        .or_insert_with(|| (0, frame.to_string()))
        .0 += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &[
        "frame.number",
        "frame.len",
        "eth.dst",
        "tcp.stream",
        "tcp.seq",
    ];

    fn setup(knows: &[bool]) -> Setup {
        setup_with(FIELDS, knows)
    }

    fn setup_with(fields: &[&'static str], knows: &[bool]) -> Setup {
        Setup {
            tshark: None,
            wirelab: PathBuf::new(),
            fields: fields.to_vec(),
            wirelab_knows: knows.to_vec(),
            cache: None,
            salt: String::new(),
        }
    }

    fn outcome(fields: usize) -> FileOutcome {
        FileOutcome {
            name: "x.pcap".into(),
            tshark_frames: None,
            tshark_error: None,
            wirelab_frames: 0,
            wirelab_end: WirelabEnd::Ok,
            counts: vec![Counts::default(); fields],
            mismatches: Vec::new(),
            uncompared: BTreeMap::new(),
            broken_lines: Vec::new(),
            accepted: Accepted::default(),
            tshark_time: Duration::ZERO,
            tshark_cached: false,
            wirelab_time: Duration::ZERO,
        }
    }

    fn compare(knows: &[bool], tshark: &[&str], wirelab: &[&str]) -> FileOutcome {
        let mut out = outcome(FIELDS.len());
        compare_lines(&setup(knows), tshark, wirelab, &mut out);
        out
    }

    /// The fields of the two documented differences (accepted.rs).
    const FRAME_FIELDS: &[&str] = &[
        "frame.number",
        "frame.time_epoch",
        "frame.time_relative",
        "frame.time_delta",
        "frame.len",
        "frame.cap_len",
    ];

    /// Compare on [`FRAME_FIELDS`]; each tshark line gets encapsulation `encap` and an empty
    /// protocol chain (tshark dissects nothing of wirelab's on those link types).
    fn compare_frames(encap: &str, tshark: &[&str], wirelab: &[&str]) -> FileOutcome {
        let tshark: Vec<String> = tshark.iter().map(|l| format!("{l}\t{encap}\t")).collect();
        let tshark: Vec<&str> = tshark.iter().map(String::as_str).collect();
        let mut out = outcome(FRAME_FIELDS.len());
        let setup = setup_with(FRAME_FIELDS, &[true; 6]);
        compare_lines(&setup, &tshark, wirelab, &mut out);
        out
    }

    fn differing(out: &FileOutcome) -> Vec<(&str, &'static str)> {
        out.mismatches
            .iter()
            .map(|m| (m.frame.as_str(), m.field))
            .collect()
    }

    #[test]
    fn equal_lines_count_every_cell_as_compared_and_none_as_different() {
        let line = "1\t60\t00:00:5e:00:53:01\t0\t1";
        let out = compare(
            &[true; 5],
            &[&format!("{line}\t1\teth:ethertype:ip:tcp")],
            &[line],
        );
        assert!(out.mismatches.is_empty());
        assert_eq!(out.counts.iter().map(|c| c.compared).sum::<u64>(), 5);
        assert_eq!(out.counts[3].nonempty, 1);
    }

    #[test]
    fn a_differing_cell_is_reported_with_file_frame_field_and_both_values() {
        let t = "7\t60\t00:00:5e:00:53:01\t0\t1\t1\teth:ethertype:ip:tcp";
        let out = compare(&[true; 5], &[t], &["7\t60\t00:00:5e:00:53:01\t0\t1448"]);
        assert_eq!(out.mismatches.len(), 1);
        let m = &out.mismatches[0];
        assert_eq!(
            (m.file.as_str(), m.frame.as_str(), m.field),
            ("x.pcap", "7", "tcp.seq")
        );
        assert_eq!((m.tshark.as_str(), m.wirelab.as_str()), ("1", "1448"));
    }

    #[test]
    fn a_field_wirelab_does_not_declare_is_an_empty_cell_on_its_side() {
        let t = "1\t60\t00:00:5e:00:53:01\t0\t1\t1\teth:ethertype:ip:tcp";
        let out = compare(
            &[true, true, true, true, false],
            &[t],
            &["1\t60\t00:00:5e:00:53:01\t0"],
        );
        assert_eq!(out.counts[4].mismatched, 1);
        assert_eq!(out.mismatches[0].wirelab, "");
    }

    #[test]
    fn a_frame_outside_wirelabs_reach_is_compared_on_frame_fields_only() {
        let t = "1\t90\t01:00:0c:cc:cc:cc\t\t\t1\teth:eth:data";
        let out = compare(&[true; 5], &[t], &["1\t90\t01:00:0c:00:00:00\t\t"]);
        assert!(out.mismatches.is_empty());
        assert_eq!(out.counts[1].compared, 1);
        assert_eq!(out.counts[2].compared, 0);
        assert_eq!(out.uncompared.len(), 1);
    }

    #[test]
    fn a_wrong_frame_field_is_caught_even_outside_wirelabs_reach() {
        let t = "1\t90\t01:00:0c:cc:cc:cc\t\t\t1\teth:eth:data";
        let out = compare(&[true; 5], &[t], &["1\t94\t01:00:0c:00:00:00\t\t"]);
        assert_eq!(out.mismatches.len(), 1);
        assert_eq!(out.mismatches[0].field, "frame.len");
    }

    #[test]
    fn tcp_stream_indexes_after_a_tunnelled_conversation_are_not_compared() {
        let hidden = "1\t90\t\t0\t0\t1\teth:ethertype:ipv6:ipv6.routing:eth:ethertype:ip:tcp";
        let plain = "2\t60\t\t1\t0\t1\teth:ethertype:ip:tcp";
        let out = compare(
            &[true; 5],
            &[hidden, plain],
            &["1\t90\t\t\t", "2\t60\t\t0\t0"],
        );
        assert!(out.mismatches.is_empty());
        assert_eq!(out.counts[3].compared, 0);
        assert_eq!(out.counts[4].compared, 1);
    }

    #[test]
    fn a_line_with_the_wrong_number_of_cells_is_reported_not_skipped_silently() {
        let t = "1\t60\t00:00:5e:00:53:01\t0\t1\t1\teth:ethertype:ip:tcp";
        let out = compare(&[true; 5], &[t], &["1\t60"]);
        assert_eq!(out.broken_lines.len(), 1);
    }

    // Wiretap pseudo-headers (accepted.rs): frame.len / frame.cap_len less the pseudo-header.

    #[test]
    fn sunatm_lengths_are_compared_less_the_four_byte_pseudo_header_and_counted() {
        let out = compare_frames(
            "13",
            &["1\t0.000000000\t0.000000000\t0.000000000\t60\t60"],
            &["1\t0.000000000\t0.000000000\t0.000000000\t64\t64"],
        );
        assert!(out.mismatches.is_empty());
        assert_eq!(out.accepted.pseudo_header_cells.get(&123), Some(&2));
        assert_eq!(out.counts[4].compared, 1);
    }

    #[test]
    fn a_sunatm_length_equal_to_tsharks_is_still_a_mismatch() {
        let out = compare_frames(
            "13",
            &["1\t0.000000000\t0.000000000\t0.000000000\t60\t60"],
            &["1\t0.000000000\t0.000000000\t0.000000000\t60\t64"],
        );
        assert_eq!(differing(&out), [("1", "frame.len")]);
        assert_eq!(
            out.mismatches[0].wirelab,
            "60 (less the 4-byte SunATM pseudo-header: 56)"
        );
    }

    #[test]
    fn a_frame_len_on_ethernet_four_bytes_longer_than_tsharks_is_still_a_mismatch() {
        let out = compare_frames(
            "1",
            &["1\t0.000000000\t0.000000000\t0.000000000\t60\t60"],
            &["1\t0.000000000\t0.000000000\t0.000000000\t64\t64"],
        );
        assert_eq!(
            differing(&out),
            [("1", "frame.len"), ("1", "frame.cap_len")]
        );
        assert_eq!(out.mismatches[0].wirelab, "64");
        assert!(out.accepted.pseudo_header_cells.is_empty());
    }

    #[test]
    fn the_pseudo_header_rule_touches_no_other_field() {
        let out = compare_frames(
            "13",
            &["5\t0.000000000\t0.000000000\t0.000000000\t60\t60"],
            &["9\t0.000000000\t0.000000000\t0.000000000\t64\t64"],
        );
        assert_eq!(differing(&out), [("5", "frame.number")]);
    }

    // Unnormalised times (accepted.rs): decided from tshark's frame.time_epoch alone.

    #[test]
    fn a_normalised_tshark_time_that_differs_is_still_a_mismatch() {
        let out = compare_frames(
            "1",
            &["1\t1418145370.000000000\t0.000000000\t0.000000000\t60\t60"],
            &["1\t1418145371.000000000\t0.000000000\t0.000000000\t60\t60"],
        );
        assert_eq!(differing(&out), [("1", "frame.time_epoch")]);
        assert_eq!(out.accepted.time_cells, 0);
    }

    #[test]
    fn the_time_cells_tshark_computes_from_an_unnormalised_time_are_not_compared() {
        // tcpdump-tests/timestamp_invalid_micro.pcap: frame 2 stores 1 000 000 µs.
        let out = compare_frames(
            "25",
            &[
                "1\t1418145369.999999000\t0.000000000\t0.000000000\t76\t76",
                "2\t1418145370.1000000000\t1.000001000\t1.000001000\t76\t76",
                "3\t1418145370.000000000\t0.000001000\t-0.1000000000\t68\t68",
            ],
            &[
                "1\t1418145369.999999000\t0.000000000\t0.000000000\t76\t76",
                "2\t1418145371.000000000\t1.000001000\t1.000001000\t76\t76",
                "3\t1418145370.000000000\t0.000001000\t-1.000000000\t68\t68",
            ],
        );
        assert!(out.mismatches.is_empty());
        assert_eq!(out.accepted.time_cells, 4);
        assert_eq!(out.accepted.time_frames, ["2", "3"]);
        // Frame 3's own time and its time since frame 1 are still compared.
        assert_eq!(out.counts[1].compared, 2);
        assert_eq!(out.counts[2].compared, 2);
        assert_eq!(out.counts[3].compared, 1);
    }

    #[test]
    fn a_wrong_time_after_an_unnormalised_frame_is_still_caught_where_it_is_compared() {
        let out = compare_frames(
            "1",
            &[
                "1\t10.000000000\t0.000000000\t0.000000000\t60\t60",
                "2\t10.1000000000\t1.000000000\t1.000000000\t60\t60",
                "3\t12.000000000\t2.000000000\t0.1000000000\t60\t60",
                "4\t13.000000000\t3.000000000\t1.000000000\t60\t60",
            ],
            &[
                "1\t10.000000000\t0.000000000\t0.000000000\t60\t60",
                "2\t11.000000000\t1.000000000\t1.000000000\t60\t60",
                "3\t12.500000000\t2.500000000\t1.000000000\t60\t60",
                "4\t13.000000000\t3.000000000\t0.500000000\t60\t60",
            ],
        );
        assert_eq!(
            differing(&out),
            [
                ("3", "frame.time_epoch"),
                ("3", "frame.time_relative"),
                ("4", "frame.time_delta")
            ]
        );
    }

    #[test]
    fn wirelabs_own_odd_time_never_switches_the_time_rule_on() {
        let out = compare_frames(
            "1",
            &["1\t10.000000000\t0.000000000\t0.000000000\t60\t60"],
            &["1\t9.1000000000\t0.000000000\t0.000000000\t60\t60"],
        );
        assert_eq!(differing(&out), [("1", "frame.time_epoch")]);
        assert_eq!(out.accepted.time_cells, 0);
    }
}
