//! Showing the findings as tshark does (`tcp_print_sequence_number_analysis`): the
//! `[SEQ/ACK analysis]` subtree of the TCP tree, a prefix on the Info column, and expert items
//! with tshark's severities and words.
//!
//! ```text
//!  [SEQ/ACK analysis]
//!      [This is an ACK to the segment in frame: 36]
//!      [The RTT to ACK the segment was: 0.000034000 seconds]
//!      [iRTT: 0.000062000 seconds]
//!      [Bytes in flight: 1448]
//!      [Bytes sent since last PSH flag: 1448]
//!      [TCP Analysis Flags]
//!          [Expert Info (Note/Sequence): This frame is a (suspected) fast retransmission]
//!          [Expert Info (Note/Sequence): This frame is a (suspected) retransmission]
//! ```
//!
//! tshark prepends each label to the Info column in the order below, so the last one printed
//! comes first: a segment that is both a window-full and after a gap reads
//! `[TCP Window Full] [TCP Previous segment not captured] 8000 → 40083 …`.

use super::fields::*;
use super::rules::Record;
use crate::Finding;
use wirelab_wire::dissection::GENERATED;
use wirelab_wire::expert::{Group, Severity};
use wirelab_wire::{Dissection, FieldDef, Timestamp, Value};

/// How tshark shows one finding: its field, its expert item, its Info label.
struct Shown {
    finding: Finding,
    field: &'static FieldDef,
    /// The expert item's severity; its message is the field's label, as in tshark.
    severity: Severity,
    /// The Info column label (the duplicate ACK's is written with its numbers).
    info: &'static str,
}

const fn shown(
    finding: Finding,
    field: &'static FieldDef,
    severity: Severity,
    info: &'static str,
) -> Shown {
    Shown {
        finding,
        field,
        severity,
        info,
    }
}

/// In tshark's printing order.
const SHOWN: [Shown; 15] = [
    shown(
        Finding::ReusedPorts,
        &REUSED_PORTS,
        Severity::Note,
        "[TCP Port numbers reused] ",
    ),
    shown(
        Finding::Retransmission,
        &RETRANSMISSION,
        Severity::Note,
        "[TCP Retransmission] ",
    ),
    shown(
        Finding::FastRetransmission,
        &FAST_RETRANSMISSION,
        Severity::Note,
        "[TCP Fast Retransmission] ",
    ),
    shown(
        Finding::SpuriousRetransmission,
        &SPURIOUS_RETRANSMISSION,
        Severity::Note,
        "[TCP Spurious Retransmission] ",
    ),
    shown(
        Finding::OutOfOrder,
        &OUT_OF_ORDER,
        Severity::Warning,
        "[TCP Out-Of-Order] ",
    ),
    shown(
        Finding::LostSegment,
        &LOST_SEGMENT,
        Severity::Warning,
        "[TCP Previous segment not captured] ",
    ),
    shown(
        Finding::AckLostSegment,
        &ACK_LOST_SEGMENT,
        Severity::Warning,
        "[TCP ACKed unseen segment] ",
    ),
    shown(
        Finding::WindowUpdate,
        &WINDOW_UPDATE,
        Severity::Chat,
        "[TCP Window Update] ",
    ),
    shown(
        Finding::WindowFull,
        &WINDOW_FULL,
        Severity::Warning,
        "[TCP Window Full] ",
    ),
    shown(
        Finding::KeepAlive,
        &KEEP_ALIVE,
        Severity::Note,
        "[TCP Keep-Alive] ",
    ),
    shown(
        Finding::KeepAliveAck,
        &KEEP_ALIVE_ACK,
        Severity::Note,
        "[TCP Keep-Alive ACK] ",
    ),
    // Its Info label and expert message carry numbers: written in `show`.
    shown(Finding::DuplicateAck, &DUPLICATE_ACK, Severity::Note, ""),
    shown(
        Finding::ZeroWindowProbe,
        &ZERO_WINDOW_PROBE,
        Severity::Note,
        "[TCP ZeroWindowProbe] ",
    ),
    shown(
        Finding::ZeroWindow,
        &ZERO_WINDOW,
        Severity::Warning,
        "[TCP ZeroWindow] ",
    ),
    shown(
        Finding::ZeroWindowProbeAck,
        &ZERO_WINDOW_PROBE_ACK,
        Severity::Note,
        "[TCP ZeroWindowProbeAck] ",
    ),
];

/// The finding a `tcp.analysis.*` flag field stands for, by the field's display-filter name.
pub(crate) fn finding_of_field(name: &str) -> Option<Finding> {
    SHOWN
        .iter()
        .find(|s| s.field.name == name)
        .map(|s| s.finding)
}

/// The retransmission shown beside a fast or spurious one: tshark flags those as
/// retransmissions too (a second expert item, and `tcp.analysis.retransmission` is present).
const ALSO_RETRANSMISSION: &Shown = &SHOWN[1];

/// Add the analysis of one segment to the TCP tree (when a tree is kept), the Info column and
/// the frame's expert items.
pub fn show(record: &Record, initial_rtt: Option<Timestamp>, d: &mut Dissection) {
    if !record.has_entry {
        return;
    }
    let verdict = &record.verdict;
    let found = || SHOWN.iter().filter(|s| verdict.has(s.finding));

    let mut prefix = String::new();
    for s in found().collect::<Vec<_>>().into_iter().rev() {
        if s.finding == Finding::DuplicateAck {
            let frame = verdict.duplicate_ack_frame.unwrap_or(0);
            prefix.push_str(&format!(
                "[TCP Dup ACK {frame}#{}] ",
                verdict.duplicate_ack_num
            ));
        } else {
            prefix.push_str(s.info);
        }
    }
    d.info.insert_str(0, &prefix);

    for s in found() {
        if s.finding == Finding::DuplicateAck {
            d.add_expert(
                Severity::Note,
                Group::Sequence,
                "tcp",
                format!("Duplicate ACK (#{})", verdict.duplicate_ack_num),
            );
            continue;
        }
        d.add_expert(s.severity, Group::Sequence, "tcp", s.field.label);
        if matches!(
            s.finding,
            Finding::FastRetransmission | Finding::SpuriousRetransmission
        ) {
            let r = ALSO_RETRANSMISSION;
            d.add_expert(r.severity, Group::Sequence, "tcp", r.field.label);
        }
    }

    if d.keeps_tree() {
        tree(record, initial_rtt, d);
    }
}

fn tree(record: &Record, initial_rtt: Option<Timestamp>, d: &mut Dissection) {
    let verdict = &record.verdict;
    open_generated(d, &ANALYSIS, Value::None);
    if let Some(frame) = verdict.acks_frame {
        d.add_generated(&ACKS_FRAME, Value::UInt(frame));
        if let Some(rtt) = verdict.ack_rtt.filter(|rtt| *rtt != Timestamp::default()) {
            d.add_generated(&ACK_RTT, Value::Time(rtt.as_nanos()));
        }
    }
    if let Some(rtt) = initial_rtt {
        d.add_generated(&INITIAL_RTT, Value::Time(rtt.as_nanos()));
    }
    if let Some(bytes) = verdict.bytes_in_flight {
        d.add_generated(&BYTES_IN_FLIGHT, Value::UInt(bytes.into()));
        if let Some(pushed) = record.push_bytes_sent {
            d.add_generated(&PUSH_BYTES_SENT, Value::UInt(pushed.into()));
        }
    }
    if !verdict.is_clean() {
        open_generated(d, &FLAGS, Value::None);
        for s in SHOWN.iter().filter(|s| verdict.has(s.finding)) {
            flag_item(d, s);
            if matches!(
                s.finding,
                Finding::FastRetransmission | Finding::SpuriousRetransmission
            ) {
                flag_item(d, ALSO_RETRANSMISSION);
            }
        }
        d.close();
        if verdict.has(Finding::DuplicateAck) {
            let num = verdict.duplicate_ack_num;
            d.add_generated(&DUPLICATE_ACK_NUM, Value::UInt(num.into()));
            let frame = verdict.duplicate_ack_frame.unwrap_or(0);
            open_generated(d, &DUPLICATE_ACK_FRAME, Value::UInt(frame));
            // tshark hangs the expert item "Duplicate ACK (#n)" under the frame it repeats;
            // being named tcp.analysis.duplicate_ack, it is that field's second occurrence.
            let item = d.add_generated(&DUPLICATE_ACK, Value::None);
            d.set_title(
                item,
                format_args!("Expert Info (Note/Sequence): Duplicate ACK (#{num})"),
            );
            d.close();
        }
    }
    d.close();
}

/// One flag in the flags subtree, titled as tshark's expert item.
fn flag_item(d: &mut Dissection, s: &Shown) {
    let item = d.add_generated(s.field, Value::None);
    if s.finding == Finding::DuplicateAck {
        // The flag itself; the expert item is added under the duplicated frame.
        d.set_title(item, format_args!("This is a TCP duplicate ack"));
    } else {
        d.set_title(
            item,
            format_args!("Expert Info ({}/Sequence): {}", s.severity, s.field.label),
        );
    }
}

/// Open a subtree whose item was computed by wirelab (shown in brackets, like
/// `add_generated`).
fn open_generated(d: &mut Dissection, def: &'static FieldDef, value: Value) {
    let index = d.open(def, 0..0, value);
    if let Some(item) = d.items.get_mut(index) {
        item.flags |= GENERATED;
    }
}
