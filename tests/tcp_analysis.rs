//! The sequence analysis (`tcp.analysis.*`) on handcrafted traces, checked against what each
//! trace is built to show and, when tshark is installed, against tshark cell for cell.
//!
//! The captures in `pcaps/` and the tcpdump test corpus are compared by the oracle
//! (tests/tshark_oracle.rs), but they contain no keep-alive, no window-full after scaling, no
//! spurious retransmission, no reused ports: these traces do, one story each, written as raw
//! IPv4 segments into a pcap file under the test's temporary directory.
//!
//! ```text
//!  Story (segments, times) ──> pcap ──> wirelab (in-process, with the Analyzer) ─┐
//!                                   └─> tshark -T fields -e tcp.analysis.* ──────┴─> same cells
//!  and the frames the story names carry the findings it names (checked with or without tshark)
//! ```
//!
//! Without tshark the comparison is skipped with a printed reason; under `CI=true` it fails.

use std::path::{Path, PathBuf};
use std::process::Command;
use wirelab_analyze::Analyzer;
use wirelab_capture::{CaptureReader, PcapWriter, TsResolution};
use wirelab_wire::tcp::{ACK, FIN, PSH, RST, SYN};
use wirelab_wire::{Dissection, Dissector, LinkType, Timestamp, Value};

/// The fields compared, all the sequence analysis shows.
const FIELDS: &[&str] = &[
    "tcp.analysis",
    "tcp.analysis.acks_frame",
    "tcp.analysis.ack_rtt",
    "tcp.analysis.initial_rtt",
    "tcp.analysis.bytes_in_flight",
    "tcp.analysis.push_bytes_sent",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.out_of_order",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.zero_window",
    "tcp.analysis.zero_window_probe",
    "tcp.analysis.zero_window_probe_ack",
    "tcp.analysis.window_full",
    "tcp.analysis.window_update",
    "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack",
    "tcp.analysis.reused_ports",
];

const CLIENT: ([u8; 4], u16) = ([10, 0, 0, 1], 40000);
const SERVER: ([u8; 4], u16) = ([10, 0, 0, 2], 5001);
const CLIENT_ISN: u32 = 1000;
const SERVER_ISN: u32 = 5000;
/// Window Scale option, shift 7 (after a NOP).
const WSCALE_7: &[u8] = &[1, 3, 3, 7];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}
use Side::{Client, Server};

/// The client's sequence number for its data byte `n` (the first is 0).
fn c(n: u32) -> u32 {
    CLIENT_ISN + 1 + n
}

/// The server's.
fn s(n: u32) -> u32 {
    SERVER_ISN + 1 + n
}

/// A trace being written: raw IPv4 frames, a clock in microseconds, and what the story says
/// tshark and wirelab must find in which frame.
struct Story {
    name: &'static str,
    frames: Vec<(Timestamp, Vec<u8>)>,
    micros: u64,
    expected: Vec<(usize, &'static str)>,
}

impl Story {
    fn new(name: &'static str) -> Story {
        Story {
            name,
            frames: Vec::new(),
            micros: 0,
            expected: Vec::new(),
        }
    }

    fn wait(&mut self, micros: u64) -> &mut Story {
        self.micros += micros;
        self
    }

    /// A segment; returns its frame number.
    fn send(
        &mut self,
        from: Side,
        seq: u32,
        ack: u32,
        flags: u16,
        len: usize,
        window: u16,
    ) -> usize {
        self.send_with(from, seq, ack, flags, len, window, &[])
    }

    #[allow(clippy::too_many_arguments)]
    fn send_with(
        &mut self,
        from: Side,
        seq: u32,
        ack: u32,
        flags: u16,
        len: usize,
        window: u16,
        options: &[u8],
    ) -> usize {
        self.micros += 1;
        let ((src, sport), (dst, dport)) = match from {
            Client => (CLIENT, SERVER),
            Server => (SERVER, CLIENT),
        };
        let tcp_len = 20 + options.len() + len;
        let mut frame = Vec::with_capacity(20 + tcp_len);
        let total = (20 + tcp_len) as u16;
        frame.extend_from_slice(&[0x45, 0, total.to_be_bytes()[0], total.to_be_bytes()[1]]);
        frame.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        frame.extend_from_slice(&src);
        frame.extend_from_slice(&dst);
        frame.extend_from_slice(&sport.to_be_bytes());
        frame.extend_from_slice(&dport.to_be_bytes());
        frame.extend_from_slice(&seq.to_be_bytes());
        frame.extend_from_slice(&ack.to_be_bytes());
        let offset_flags = ((5 + options.len() as u16 / 4) << 12) | flags;
        frame.extend_from_slice(&offset_flags.to_be_bytes());
        frame.extend_from_slice(&window.to_be_bytes());
        frame.extend_from_slice(&[0, 0, 0, 0]); // checksum (not verified), urgent pointer
        frame.extend_from_slice(options);
        frame.resize(frame.len() + len, b'x');
        let ts = Timestamp::new(
            1_700_000_000 + (self.micros / 1_000_000) as i64,
            (self.micros % 1_000_000) as u32 * 1000,
        );
        self.frames.push((ts, frame));
        self.frames.len()
    }

    /// The story says: frame `frame` carries `field`.
    fn expect(&mut self, frame: usize, field: &'static str) {
        self.expected.push((frame, field));
    }

    /// SYN, SYN-ACK, ACK, 1 ms apart, no window scaling.
    fn handshake(&mut self) {
        self.send(Client, CLIENT_ISN, 0, SYN, 0, 64240);
        self.wait(1000)
            .send(Server, SERVER_ISN, c(0), SYN | ACK, 0, 65160);
        self.wait(1000).send(Client, c(0), s(0), ACK, 0, 502);
    }

    fn write(&self, dir: &Path) -> PathBuf {
        let path = dir.join(format!("{}.pcap", self.name));
        let file = std::fs::File::create(&path).expect("create the story's pcap");
        let mut writer = PcapWriter::new(file, LinkType::RAW, 65535, TsResolution::Microseconds)
            .expect("write the pcap header");
        for (ts, frame) in &self.frames {
            writer
                .write_packet(*ts, frame.len() as u32, frame)
                .expect("write a record");
        }
        writer.flush().expect("flush the pcap");
        path
    }
}

fn stories() -> Vec<Story> {
    let mut all = Vec::new();

    let mut t = Story::new("retransmission");
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let again = t.wait(200_000).send(Server, s(0), c(0), ACK, 1000, 509);
    t.expect(again, "tcp.analysis.retransmission");
    all.push(t);

    let mut t = Story::new("fast-retransmission");
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let gap = t.send(Server, s(2000), c(0), ACK, 1000, 509);
    t.expect(gap, "tcp.analysis.lost_segment");
    t.send(Server, s(3000), c(0), ACK, 1000, 509);
    t.send(Client, c(0), s(1000), ACK, 0, 502);
    let dup1 = t.send(Client, c(0), s(1000), ACK, 0, 502);
    let dup2 = t.send(Client, c(0), s(1000), ACK, 0, 502);
    t.expect(dup1, "tcp.analysis.duplicate_ack");
    t.expect(dup2, "tcp.analysis.duplicate_ack_num");
    let fast = t.wait(300).send(Server, s(1000), c(0), ACK, 1000, 509);
    t.expect(fast, "tcp.analysis.fast_retransmission");
    t.expect(fast, "tcp.analysis.retransmission");
    all.push(t);

    let mut t = Story::new("spurious-retransmission");
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    t.send(Client, c(0), s(1000), ACK, 0, 502);
    let again = t.wait(200_000).send(Server, s(0), c(0), ACK, 1000, 509);
    t.expect(again, "tcp.analysis.spurious_retransmission");
    all.push(t);

    let mut t = Story::new("out-of-order");
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    t.send(Server, s(2000), c(0), ACK, 1000, 509);
    let late = t.wait(500).send(Server, s(1000), c(0), ACK, 1000, 509);
    t.expect(late, "tcp.analysis.out_of_order");
    all.push(t);

    let mut t = Story::new("zero-window");
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let zero = t.send(Client, c(0), s(1000), ACK, 0, 0);
    t.expect(zero, "tcp.analysis.zero_window");
    let probe = t.wait(200_000).send(Server, s(1000), c(0), ACK, 1, 509);
    t.expect(probe, "tcp.analysis.zero_window_probe");
    let probe_ack = t.send(Client, c(0), s(1000), ACK, 0, 0);
    t.expect(probe_ack, "tcp.analysis.zero_window_probe_ack");
    let update = t.wait(50_000).send(Client, c(0), s(1000), ACK, 0, 502);
    t.expect(update, "tcp.analysis.window_update");
    t.send(Server, s(1000), c(0), ACK, 1000, 509);
    // Data starting one byte below the next sequence number (where a probe was) is new data.
    t.send(Server, s(1999), c(0), ACK, 500, 509);
    all.push(t);

    let mut t = Story::new("window-full-scaled");
    t.send_with(Client, CLIENT_ISN, 0, SYN, 0, 64240, WSCALE_7);
    t.wait(1000)
        .send_with(Server, SERVER_ISN, c(0), SYN | ACK, 0, 65160, WSCALE_7);
    t.wait(1000).send(Client, c(0), s(0), ACK, 0, 20); // 20 << 7 = 2560 bytes
    t.send(Server, s(0), c(0), ACK, 1280, 509);
    let full = t.send(Server, s(1280), c(0), ACK, 1280, 509);
    t.expect(full, "tcp.analysis.window_full");
    all.push(t);

    let mut t = Story::new("keep-alive");
    t.handshake();
    t.send(Client, c(0), s(0), ACK | PSH, 10, 502);
    t.send(Server, s(0), c(10), ACK, 0, 509);
    let probe = t.wait(7_200_000_000).send(Client, c(9), s(0), ACK, 0, 502);
    t.expect(probe, "tcp.analysis.keep_alive");
    let answer = t.send(Server, s(0), c(10), ACK, 0, 509);
    t.expect(answer, "tcp.analysis.keep_alive_ack");
    // Some stacks send one garbage byte instead of none.
    let probe = t.wait(75_000_000).send(Client, c(9), s(0), ACK, 1, 502);
    t.expect(probe, "tcp.analysis.keep_alive");
    all.push(t);

    let mut t = Story::new("acked-unseen");
    t.handshake();
    t.send(Server, s(0), c(0), ACK, 1000, 509);
    let unseen = t.send(Client, c(0), s(2000), ACK, 0, 502);
    t.expect(unseen, "tcp.analysis.ack_lost_segment");
    t.send(Client, c(0), s(2000), ACK, 0, 510); // reported once: not again
    t.send(Server, s(2000), c(0), ACK, 100, 509);
    let again = t.send(Client, c(0), s(2000), ACK, 0, 510);
    t.expect(again, "tcp.analysis.ack_lost_segment");
    t.send(Client, c(0), s(2200), ACK, 0, 510);
    all.push(t);

    let mut t = Story::new("reused-ports");
    t.handshake();
    t.send(Client, c(0), s(0), ACK | FIN, 0, 502);
    t.send(Server, s(0), c(1), ACK | FIN, 0, 509);
    t.send(Client, c(1), s(1), ACK, 0, 502);
    let syn = t.wait(1_000_000).send(Client, 90_000, 0, SYN, 0, 64240);
    t.expect(syn, "tcp.analysis.reused_ports");
    t.send(Server, 77_777, 90_001, SYN | ACK, 0, 65160);
    t.send(Client, 90_001, 77_778, ACK, 0, 502);
    all.push(t);

    let mut t = Story::new("syn-retransmitted");
    t.send(Client, CLIENT_ISN, 0, SYN, 0, 64240);
    let again = t.wait(1_000_000).send(Client, CLIENT_ISN, 0, SYN, 0, 64240);
    t.expect(again, "tcp.analysis.retransmission");
    t.wait(1000)
        .send(Server, SERVER_ISN, c(0), SYN | ACK, 0, 65160);
    // A SYN-ACK with another ISN: tshark takes it for a new connection on the same ports.
    let other = t
        .wait(1000)
        .send(Server, SERVER_ISN + 300, c(0), SYN | ACK, 0, 65160);
    t.expect(other, "tcp.analysis.reused_ports");
    t.send(Client, c(0), s(0), ACK, 0, 502);
    t.send(Client, c(0), s(0), ACK | RST, 0, 0);
    all.push(t);

    all
}

/// wirelab's cells for every frame of `path`: the analysis run in-process, each field written
/// as tshark writes it (`1` for each occurrence of a flag, numbers in decimal, times in seconds
/// with nine decimals, occurrences joined by commas).
fn wirelab_cells(path: &Path) -> Vec<Vec<String>> {
    let file = std::fs::File::open(path).expect("open the story's pcap");
    let mut reader = CaptureReader::new(std::io::BufReader::new(file)).expect("read the pcap");
    let mut dissector = Dissector::new();
    let mut analyzer = Analyzer::default();
    let mut d = Dissection::without_titles();
    let mut rows = Vec::new();
    while let Some(frame) = reader.next_frame().expect("read a frame") {
        dissector.dissect_with(&frame, &mut d, &mut analyzer);
        let row = FIELDS
            .iter()
            .map(|field| {
                d.find(field)
                    .map(|item| match item.value {
                        Value::None => "1".to_string(),
                        Value::UInt(n) => n.to_string(),
                        Value::Time(ns) => Timestamp::from_nanos(ns).to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        rows.push(row);
    }
    rows
}

/// tshark's cells, with the oracle's preferences (tests/oracle/README.md); `None` when tshark
/// is not installed.
fn tshark_cells(path: &Path, config: &Path) -> Option<Vec<Vec<String>>> {
    let program = std::env::var_os("TSHARK").unwrap_or_else(|| "tshark".into());
    let mut cmd = Command::new(program);
    cmd.env("WIRESHARK_CONFIG_DIR", config)
        .arg("-n")
        .arg("-r")
        .arg(path);
    for pref in [
        "tcp.desegment_tcp_streams:FALSE",
        "tcp.analyze_sequence_numbers:TRUE",
        "tcp.relative_sequence_numbers:TRUE",
    ] {
        cmd.arg("-o").arg(pref);
    }
    cmd.args(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,"]);
    for field in FIELDS {
        cmd.arg("-e").arg(field);
    }
    let out = cmd.output().ok()?;
    assert!(
        out.status.success(),
        "tshark failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.lines()
            .map(|line| line.split('\t').map(str::to_string).collect())
            .collect(),
    )
}

/// A directory of the test's own (the two tests run at the same time and write the same
/// stories).
fn dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("tcp-analysis")
        .join(test);
    std::fs::create_dir_all(dir.join("wireshark-config")).expect("create the test directory");
    dir
}

#[test]
fn every_story_shows_the_findings_it_was_written_for() {
    let dir = dir("findings");
    let mut missing = Vec::new();
    for story in stories() {
        let rows = wirelab_cells(&story.write(&dir));
        for &(frame, field) in &story.expected {
            let column = FIELDS
                .iter()
                .position(|f| *f == field)
                .expect("a compared field");
            let cell = rows.get(frame - 1).map_or("", |row| row[column].as_str());
            if cell.is_empty() {
                missing.push(format!("{}: frame {frame} lacks {field}", story.name));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_story_is_analysed_as_tshark_analyses_it() {
    let dir = dir("tshark");
    let config = dir.join("wireshark-config");
    let mut differences = Vec::new();
    let mut compared = 0;
    for story in stories() {
        let path = story.write(&dir);
        let Some(tshark) = tshark_cells(&path, &config) else {
            let why = "tshark is not installed, so the stories cannot be compared with it";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{why}; under CI=true that is a failure"
            );
            println!("skipped: {why}");
            return;
        };
        let ours = wirelab_cells(&path);
        assert_eq!(tshark.len(), ours.len(), "{}: frame count", story.name);
        for (frame, (theirs, ours)) in tshark.iter().zip(&ours).enumerate() {
            for (i, field) in FIELDS.iter().enumerate() {
                let theirs = theirs.get(i).map_or("", String::as_str);
                compared += 1;
                if theirs != ours[i] {
                    differences.push(format!(
                        "{} frame {}: {field}: tshark {theirs:?}, wirelab {:?}",
                        story.name,
                        frame + 1,
                        ours[i]
                    ));
                }
            }
        }
    }
    println!("{compared} cells compared with tshark");
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
