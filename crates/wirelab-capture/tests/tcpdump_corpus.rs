//! The tcpdump project's 830 test captures (odd link types, malformed and fuzzed files): every
//! one is read to the end without a panic, in bounded memory, however the bytes arrive; and
//! wherever tshark reads a file without complaint, the reader finds the same frames.

mod common;

use common::{read_all, read_all_from, tshark_available, Owned, Trickle};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use wirelab_capture::{CaptureError, CaptureReader};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/tcpdump-tests")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/data/tcpdump-tests exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("pcap" | "pcapng")
            )
        })
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn every_tcpdump_test_capture_is_read_to_the_end_without_a_panic() {
    let files = corpus_files();
    assert!(
        files.len() >= 830,
        "expected the 830 tcpdump test captures, found {}",
        files.len()
    );
    let (mut frames_total, mut damaged) = (0usize, Vec::new());
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        // From the file itself...
        let mut reader = wirelab_capture::open(path).unwrap_or_else(|e| panic!("{e}"));
        let mut count = 0;
        let error: Option<CaptureError> = loop {
            match reader.next_frame() {
                Ok(Some(frame)) => {
                    assert_eq!(frame.number, count + 1);
                    count += 1;
                }
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        assert!(reader.buffer_capacity() <= wirelab_capture::buffer::MAX_CAPACITY);
        if let Some(e) = &error {
            assert!(e.offset < bytes.len() as u64, "{}: {e}", name(path));
            damaged.push(format!("{}: {e}", name(path)));
        }
        // ... and through a pipe that delivers odd-sized pieces: the same frames.
        let whole = read_all(&bytes);
        let piped = read_all_from(Trickle {
            bytes: &bytes,
            chunk: 1000,
        });
        assert_eq!(whole.0.len(), count as usize, "{}", name(path));
        assert_eq!(whole, piped, "{}", name(path));
        frames_total += count as usize;
    }
    println!(
        "{} files, {frames_total} frames, {} ended in an error:",
        files.len(),
        damaged.len()
    );
    for line in &damaged {
        println!("  {line}");
    }
}

/// What `tshark -T fields -e frame.number -e frame.time_epoch -e frame.len -e frame.cap_len
/// -e frame.interface_id` prints for one frame, computed from ours.
fn tshark_line(f: &Owned, pcapng: bool) -> String {
    let time = if f.has_timestamp {
        f.ts.to_string()
    } else {
        String::new()
    };
    let interface = if pcapng {
        f.interface.to_string()
    } else {
        String::new()
    };
    format!(
        "{}\t{time}\t{}\t{}\t{interface}",
        f.number,
        f.orig_len,
        f.bytes.len()
    )
}

/// For these link types, Wireshark's file reader moves a pseudo-header out of the frame, so
/// `frame.len` and `frame.cap_len` are smaller by its length (wiretap/pcap-common.c,
/// `pcap_process_pseudo_header`; lengths checked by feeding tshark 4.0.17 a record of each link
/// type, as tests/oracle/accepted.rs records). The reader here hands out the record as the file
/// has it.
fn wiretap_pseudo_header_len(link: u32) -> u32 {
    match link {
        123 => 4,  // SunATM
        139 => 4,  // MTP2 with pseudo-header
        144 => 16, // IrDA
        177 => 16, // Linux LAPD
        196 => 5,  // SITA
        201 => 4,  // Bluetooth H4 with pseudo-header
        204 => 1,  // PPP with direction
        209 => 5,  // Linux I2C
        245 => 2,  // NFC LLCP
        254 => 4,  // Bluetooth Linux monitor
        _ => 0,
    }
}

/// Whether tshark printed a time with more than nine digits after the point (or a stray minus
/// sign): what it does with a record whose fraction-of-a-second field is a second or more
/// (timestamp_invalid_micro.pcap: 1000000 µs prints as `1418145370.1000000000`). Such a time
/// cannot be written as seconds and nanoseconds; the reader carries the excess into the
/// seconds instead (`1418145371.000000000`).
fn unnormalized_time(tshark_line: &str) -> bool {
    let time = tshark_line.split('\t').nth(1).unwrap_or("");
    let fraction = time.split('.').nth(1).unwrap_or("");
    fraction.len() > 9 || time.starts_with('-')
}

fn columns_except_time(line: &str) -> Vec<&str> {
    line.split('\t')
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, c)| c)
        .collect()
}

#[test]
fn frames_match_tshark_for_every_file_tshark_reads_without_complaint() {
    let test = "frames_match_tshark_for_every_file_tshark_reads_without_complaint";
    if !tshark_available(test) {
        return;
    }
    let files = corpus_files();
    let next = Mutex::new(0usize);
    let results = Mutex::new(Vec::new());
    // tshark spends most of its time starting up; run a few at once.
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| 2 * n.get())
        .min(8);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = {
                    let mut next = next.lock().unwrap();
                    *next += 1;
                    *next - 1
                };
                let Some(path) = files.get(i) else { break };
                let fields = [
                    "-T",
                    "fields",
                    "-e",
                    "frame.number",
                    "-e",
                    "frame.time_epoch",
                    "-e",
                    "frame.len",
                    "-e",
                    "frame.cap_len",
                    "-e",
                    "frame.interface_id",
                ];
                let run = common::tshark(path, &fields);
                results.lock().unwrap().push((path.clone(), run));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));

    let (mut clean, mut same_count, mut same_fields) = (0, 0, 0);
    let mut refused = Vec::new();
    let mut mismatches = Vec::new();
    let mut invalid_times = std::collections::BTreeSet::new();
    for (path, run) in &results {
        let complaint =
            run.stderr.contains("appears to be damaged") || run.stderr.contains("cut short");
        if !run.ok || complaint {
            let why = run
                .stderr
                .lines()
                .filter(|l| !l.starts_with("Running as"))
                .collect::<Vec<_>>()
                .join(" ");
            refused.push(format!("{}: {why}", name(path)));
            continue;
        }
        clean += 1;
        let bytes = std::fs::read(path).unwrap();
        let pcapng = CaptureReader::new(&bytes[..])
            .map(|r| r.format() == wirelab_capture::FileFormat::PcapNg);
        let (frames, error) = read_all(&bytes);
        let theirs: Vec<&str> = run.stdout.lines().collect();
        if frames.len() != theirs.len() || error.is_some() {
            mismatches.push(format!(
                "{}: tshark {} frames, wirelab {} frames{}",
                name(path),
                theirs.len(),
                frames.len(),
                error.map(|e| format!(" then {e}")).unwrap_or_default()
            ));
            continue;
        }
        same_count += 1;
        let pcapng = pcapng.unwrap_or(false);
        let differing = frames.iter().zip(&theirs).find(|(f, line)| {
            let mut f = (*f).clone();
            let phdr = wiretap_pseudo_header_len(f.link.0);
            f.orig_len = f.orig_len.saturating_sub(phdr);
            f.bytes
                .truncate(f.bytes.len().saturating_sub(phdr as usize));
            let ours = tshark_line(&f, pcapng);
            if unnormalized_time(line) {
                // Compare all but the time: see `unnormalized_time`.
                invalid_times.insert(name(path));
                return columns_except_time(&ours) != columns_except_time(line);
            }
            ours != **line
        });
        match differing {
            None => same_fields += 1,
            Some((f, line)) => mismatches.push(format!(
                "{}: frame {}: tshark `{line}`, wirelab `{}` (link type {})",
                name(path),
                f.number,
                tshark_line(f, pcapng),
                f.link.0
            )),
        }
    }
    println!(
        "{} files; tshark reads {clean} without complaint; wirelab finds the same number of \
         frames in {same_count} of them, with the same times, lengths and interfaces in {same_fields}",
        results.len()
    );
    println!(
        "times not compared in {} files whose records have a fraction of a second of a second or \
         more, which tshark prints unnormalized: {invalid_times:?}",
        invalid_times.len()
    );
    println!("tshark refuses or complains about {} files (wirelab reads them anyway, or stops at the damage):", refused.len());
    for line in &refused {
        println!("  {line}");
    }
    assert!(
        mismatches.is_empty(),
        "{} files differ from tshark:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
