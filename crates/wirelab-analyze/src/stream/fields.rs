//! The fields of reassembly and of the application-protocol probe. Wireshark reassembles
//! only for the protocol above TCP and has no fields for what follows, so these are
//! wirelab's own (`wirelab.` prefix). They are generated: computed across segments, not read
//! from this frame's bytes.

use wirelab_wire::field;
use wirelab_wire::FieldDef;

field!(
    RETRANSMITTED,
    "wirelab.reassembly.retransmitted",
    "Bytes already received",
    UInt 32,
    Dec,
    "how many of this segment's bytes the receiver had already: they are delivered to the application once, the first copy wins (RFC 9293 §3.10.7.4)"
);
field!(
    OVERLAP_CONFLICT,
    "wirelab.reassembly.overlap_conflict",
    "Overlapping bytes that differ",
    UInt 32,
    Dec,
    "how many bytes arrived twice with different contents: a receiver keeps only one version, so a monitor that keeps the other sees a different stream (RFC 9293 §3.10.7.4)"
);
field!(
    MISSING,
    "wirelab.reassembly.missing",
    "Bytes missing from the capture",
    UInt 32,
    Dec,
    "how many bytes of the stream were declared lost to the capture here: the receiver acknowledged them, the snap length cut them, or the out-of-order buffer gave up on them (RFC 9293 §3.4)"
);
field!(
    WAITING,
    "wirelab.reassembly.out_of_order_bytes",
    "Bytes waiting for a gap to fill",
    UInt 32,
    Dec,
    "how many bytes of this direction arrived before the bytes in front of them and wait to be delivered in order (RFC 9293 §3.10.7.4)"
);
field!(
    APP_PROTOCOL,
    "wirelab.app.protocol",
    "Application protocol",
    Str,
    "the protocol the stream carries, decided from its first bytes as a proxy would, or from a well-known port when the bytes match nothing (RFC 6335 §5)"
);
field!(
    APP_PROBE,
    "wirelab.app.probe",
    "Decided by",
    Str,
    "which bytes decided the application protocol: the client's first bytes, the server's greeting, or only the port number (RFC 6335 §5)"
);

pub static FIELDS: &[&FieldDef] = &[
    &RETRANSMITTED,
    &OVERLAP_CONFLICT,
    &MISSING,
    &WAITING,
    &APP_PROTOCOL,
    &APP_PROBE,
];
