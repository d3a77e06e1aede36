//! Short expert badges for the packet list, from the expert items the sequence analysis adds
//! (`tcp.analysis.*`, whose labels are the expert messages, as in Wireshark).

use wirelab_analyze::Finding;
use wirelab_wire::registry;

/// Each `tcp.analysis.*` flag and the finding whose badge the list shows for it.
const FLAGS: [(&str, Finding); 14] = [
    ("tcp.analysis.retransmission", Finding::Retransmission),
    (
        "tcp.analysis.fast_retransmission",
        Finding::FastRetransmission,
    ),
    (
        "tcp.analysis.spurious_retransmission",
        Finding::SpuriousRetransmission,
    ),
    ("tcp.analysis.out_of_order", Finding::OutOfOrder),
    ("tcp.analysis.lost_segment", Finding::LostSegment),
    ("tcp.analysis.ack_lost_segment", Finding::AckLostSegment),
    ("tcp.analysis.zero_window", Finding::ZeroWindow),
    ("tcp.analysis.zero_window_probe", Finding::ZeroWindowProbe),
    (
        "tcp.analysis.zero_window_probe_ack",
        Finding::ZeroWindowProbeAck,
    ),
    ("tcp.analysis.window_full", Finding::WindowFull),
    ("tcp.analysis.window_update", Finding::WindowUpdate),
    ("tcp.analysis.keep_alive", Finding::KeepAlive),
    ("tcp.analysis.keep_alive_ack", Finding::KeepAliveAck),
    ("tcp.analysis.reused_ports", Finding::ReusedPorts),
];

/// The finding an expert message reports, if it is one of the sequence analysis's flags.
pub fn finding(message: &str) -> Option<Finding> {
    // "Duplicate ACK (#2)": the number is in the Info column already.
    if message.starts_with("Duplicate ACK") {
        return Some(Finding::DuplicateAck);
    }
    FLAGS.iter().find_map(|(name, finding)| {
        let def = registry::lookup(name)?;
        (def.label == message).then_some(*finding)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retransmission_expert_gets_the_ladders_retrans_badge() {
        wirelab_analyze::register_fields();
        let badge = |message| finding(message).map(Finding::badge);
        assert_eq!(
            badge("This frame is a (suspected) retransmission"),
            Some("RETRANS")
        );
        assert_eq!(badge("Duplicate ACK (#3)"), Some("DUP ACK"));
        assert_eq!(badge("Connection establish request (SYN)"), None);
    }
}
