//! A lesson as text (a ladder with the narration), as JSON, as pcapng with the narration in
//! packet comments.

use crate::{Host, Lesson, Step, TraceFrame};
use serde_json::{json, Value};
use std::io::{self, Write};
use wirelab_capture::PcapNgWriter;
use wirelab_crypto::hex;
use wirelab_wire::{LinkType, Timestamp};

/// Seconds with six decimals, as the stack prints instants.
pub fn seconds(micros: u64) -> String {
    format!("{}.{:06}s", micros / 1_000_000, micros % 1_000_000)
}

/// The title and the introduction.
pub fn render_header(lesson: &Lesson) -> String {
    let mut out = format!("{} — {}\n\n", lesson.name, lesson.title);
    wrap_into(&mut out, &lesson.intro, "");
    out.push_str("\n  A = 10.0.0.1 (02:00:00:00:00:01)      B = 10.0.0.2 (02:00:00:00:00:02)\n");
    out
}

/// One step: its frames as rungs of the ladder, the stacks' events, the narration.
pub fn render_step(number: usize, step: &Step) -> String {
    let mut out = format!("\nStep {number}  at {}\n", seconds(step.micros));
    for frame in &step.frames {
        out.push_str(&rung(frame));
    }
    for event in &step.events {
        // Long values (a certificate chain, a key block) continue on indented lines.
        let text = event.text.replace('\n', "\n        ");
        out.push_str(&format!("    [{}] {text}\n", event.host.name()));
    }
    wrap_into(&mut out, &step.narration, "  ");
    out
}

fn rung(frame: &TraceFrame) -> String {
    let arrow = match (frame.from, frame.fate) {
        (Host::A, Some("lost")) => "A ────✕    B",
        (Host::A, _) => "A ───────▶ B",
        (Host::B, Some("lost")) => "A    ✕──── B",
        (Host::B, _) => "A ◀─────── B",
    };
    let fate = match frame.fate {
        Some(fate) => format!("  [{fate}]"),
        None => String::new(),
    };
    format!("  {arrow}  {}{fate}\n", frame.summary)
}

/// The whole lesson as text.
pub fn render_text(lesson: &Lesson) -> String {
    let mut out = render_header(lesson);
    for (i, step) in lesson.steps.iter().enumerate() {
        out.push_str(&render_step(i + 1, step));
    }
    out.push_str(&render_summary(lesson));
    out
}

pub fn render_summary(lesson: &Lesson) -> String {
    let mut out = String::from("\nWhat happened\n");
    for line in lesson.summary.lines() {
        // Charts and tables keep their layout; sentences are wrapped.
        if line.starts_with(' ') || line.starts_with('|') {
            out.push_str(line);
            out.push('\n');
        } else {
            wrap_into(&mut out, line, "  ");
        }
    }
    out
}

/// Appends `text` wrapped at 90 columns, each line starting with `indent`.
fn wrap_into(out: &mut String, text: &str, indent: &str) {
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.chars().count() + 1 + word.chars().count() > 90 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
}

/// The lesson as one JSON object: name, title, intro, steps (time, frames as hex, events,
/// narration), summary.
pub fn to_json(lesson: &Lesson) -> Value {
    let steps: Vec<Value> = lesson
        .steps
        .iter()
        .map(|step| {
            json!({
                "time": step.micros as f64 / 1e6,
                "frames": step.frames.iter().map(|f| json!({
                    "time": f.micros as f64 / 1e6,
                    "from": f.from.name(),
                    "summary": f.summary,
                    "fate": f.fate,
                    "bytes": hex(&f.bytes),
                })).collect::<Vec<_>>(),
                "events": step.events.iter().map(|e| json!({
                    "time": e.micros as f64 / 1e6,
                    "host": e.host.name(),
                    "event": e.text,
                })).collect::<Vec<_>>(),
                "narration": step.narration,
            })
        })
        .collect();
    json!({
        "lesson": lesson.name,
        "title": lesson.title,
        "intro": lesson.intro,
        "steps": steps,
        "summary": lesson.summary,
        "keylog": lesson.keylog,
    })
}

/// Writes every frame of the lesson into a pcapng file (Ethernet), each with its step's
/// narration and events as the packet comment. The narration of a step without frames is
/// added to the comment of the frame before it (or, before the first frame, of the first).
///
/// A TLS lesson's key log goes into a Decryption Secrets Block right after the section
/// header (pcapng §4.7), so that Wireshark decrypts the records without a key log file.
pub fn write_pcapng(lesson: &Lesson, mut out: impl Write) -> io::Result<()> {
    let mut writer = PcapNgWriter::new(Vec::new())?;
    let interface = writer.add_interface(LinkType::ETHERNET, 65535)?;
    let mut pending: Option<(TraceFrame, String)> = None;
    let mut before_first = String::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        let mut comment = format!("{} step {}: {}", lesson.name, i + 1, step.narration);
        for event in &step.events {
            comment.push_str(&format!("\n[{}] {}", event.host.name(), event.text));
        }
        if step.frames.is_empty() {
            match pending.as_mut() {
                Some((_, previous)) => {
                    previous.push_str("\nThen: ");
                    previous.push_str(&comment);
                }
                // Before the first frame: it goes first in that frame's comment.
                None => {
                    before_first.push_str(&comment);
                    before_first.push('\n');
                }
            }
            continue;
        }
        for frame in &step.frames {
            if let Some((frame, text)) = pending.take() {
                write_frame(&mut writer, interface, &frame, &text)?;
            }
            let text = format!("{}{comment}", std::mem::take(&mut before_first));
            pending = Some((frame.clone(), text));
        }
    }
    if let Some((frame, text)) = pending {
        write_frame(&mut writer, interface, &frame, &text)?;
    }
    let bytes = writer.into_inner()?;
    // The section header's length is its second 32-bit word (little-endian, as written).
    let header_len = bytes
        .get(4..8)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| u32::from_le_bytes(b) as usize);
    let (header, rest) = bytes.split_at(header_len.min(bytes.len()));
    out.write_all(header)?;
    if let Some(keylog) = &lesson.keylog {
        out.write_all(&decryption_secrets_block(keylog.as_bytes()))?;
    }
    out.write_all(rest)?;
    out.flush()
}

/// A Decryption Secrets Block (pcapng §4.7) holding a TLS key log (secrets type "TLSK").
fn decryption_secrets_block(secrets: &[u8]) -> Vec<u8> {
    const DSB_TYPE: u32 = 0x0000_000A;
    const TLS_KEY_LOG: u32 = 0x544c_534b;
    let padded = secrets.len().div_ceil(4) * 4;
    let total = (4 + 4 + 4 + 4 + padded + 4) as u32;
    let mut block = Vec::with_capacity(total as usize);
    block.extend_from_slice(&DSB_TYPE.to_le_bytes());
    block.extend_from_slice(&total.to_le_bytes());
    block.extend_from_slice(&TLS_KEY_LOG.to_le_bytes());
    block.extend_from_slice(&(secrets.len() as u32).to_le_bytes());
    block.extend_from_slice(secrets);
    block.resize(block.len() + padded - secrets.len(), 0);
    block.extend_from_slice(&total.to_le_bytes());
    block
}

fn write_frame(
    writer: &mut PcapNgWriter<impl Write>,
    interface: u32,
    frame: &TraceFrame,
    comment: &str,
) -> io::Result<()> {
    let ts = Timestamp::from_nanos(i128::from(frame.micros) * 1000);
    writer.write_packet(
        interface,
        ts,
        frame.bytes.len() as u32,
        &frame.bytes,
        Some(comment),
    )
}
