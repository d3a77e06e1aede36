//! What the sequence analysis concluded about one segment: the contract between the
//! sequence analysis and everything that shows or uses it (endpoint states, reassembly, the
//! ladder's badges, the TUI's expert badges).

use wirelab_wire::Timestamp;

/// One of tshark's `tcp.analysis.*` flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Finding {
    Retransmission,
    FastRetransmission,
    SpuriousRetransmission,
    OutOfOrder,
    LostSegment,
    AckLostSegment,
    DuplicateAck,
    ZeroWindow,
    ZeroWindowProbe,
    ZeroWindowProbeAck,
    WindowFull,
    WindowUpdate,
    KeepAlive,
    KeepAliveAck,
    ReusedPorts,
}

impl Finding {
    pub const ALL: [Finding; 15] = [
        Finding::Retransmission,
        Finding::FastRetransmission,
        Finding::SpuriousRetransmission,
        Finding::OutOfOrder,
        Finding::LostSegment,
        Finding::AckLostSegment,
        Finding::DuplicateAck,
        Finding::ZeroWindow,
        Finding::ZeroWindowProbe,
        Finding::ZeroWindowProbeAck,
        Finding::WindowFull,
        Finding::WindowUpdate,
        Finding::KeepAlive,
        Finding::KeepAliveAck,
        Finding::ReusedPorts,
    ];

    fn bit(self) -> u16 {
        1 << self as u16
    }

    /// The short label drawn on a ladder arrow (`RETRANS`, `DUP ACK`, `ZERO WIN`…).
    pub fn badge(self) -> &'static str {
        match self {
            Finding::Retransmission => "RETRANS",
            Finding::FastRetransmission => "FAST RETRANS",
            Finding::SpuriousRetransmission => "SPURIOUS RETRANS",
            Finding::OutOfOrder => "OUT OF ORDER",
            Finding::LostSegment => "PREV LOST",
            Finding::AckLostSegment => "ACKED UNSEEN",
            Finding::DuplicateAck => "DUP ACK",
            Finding::ZeroWindow => "ZERO WIN",
            Finding::ZeroWindowProbe => "ZERO WIN PROBE",
            Finding::ZeroWindowProbeAck => "ZERO WIN PROBE ACK",
            Finding::WindowFull => "WIN FULL",
            Finding::WindowUpdate => "WIN UPDATE",
            Finding::KeepAlive => "KEEP-ALIVE",
            Finding::KeepAliveAck => "KEEP-ALIVE ACK",
            Finding::ReusedPorts => "PORTS REUSED",
        }
    }
}

/// The sequence analysis of one segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeqVerdict {
    findings: u16,
    /// `tcp.analysis.duplicate_ack_num`: which duplicate this is (1 for the first).
    pub duplicate_ack_num: u32,
    /// `tcp.analysis.duplicate_ack_frame`: the frame of the ACK this one repeats.
    pub duplicate_ack_frame: Option<u64>,
    /// `tcp.analysis.acks_frame`: the frame of the segment this one acknowledges.
    pub acks_frame: Option<u64>,
    /// `tcp.analysis.ack_rtt`: the time since that segment.
    pub ack_rtt: Option<Timestamp>,
    /// `tcp.analysis.bytes_in_flight`: bytes sent and not yet acknowledged, this one included.
    pub bytes_in_flight: Option<u32>,
}

impl SeqVerdict {
    pub fn has(&self, finding: Finding) -> bool {
        self.findings & finding.bit() != 0
    }

    pub fn set(&mut self, finding: Finding) {
        self.findings |= finding.bit();
    }

    /// Whether the segment resends data, of any kind: plain, fast or spurious (tshark's
    /// `tcp.analysis.retransmission` is present on all three).
    pub fn is_retransmission(&self) -> bool {
        self.has(Finding::Retransmission)
            || self.has(Finding::FastRetransmission)
            || self.has(Finding::SpuriousRetransmission)
    }

    /// Whether any finding was made.
    pub fn is_clean(&self) -> bool {
        self.findings == 0
    }

    /// The findings, in the order of [`Finding::ALL`].
    pub fn findings(&self) -> impl Iterator<Item = Finding> + '_ {
        Finding::ALL.into_iter().filter(|f| self.has(*f))
    }
}
