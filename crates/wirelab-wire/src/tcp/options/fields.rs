//! The TCP option fields: kind names, experiment identifiers, and every option's fields.

use crate::field::ValueNames;

/// Names of option kinds (IANA "TCP Option Kind Numbers"), as Wireshark spells them.
pub static KIND_NAMES: ValueNames = &[
    (0, "End of Option List"),
    (1, "No-Operation"),
    (2, "Maximum Segment Size"),
    (3, "Window Scale"),
    (4, "SACK Permitted"),
    (5, "SACK"),
    (6, "Echo"),
    (7, "Echo Reply"),
    (8, "Time Stamp Option"),
    (9, "Partial Order Connection Permitted"),
    (10, "Partial Order Service Profile"),
    (11, "CC"),
    (12, "CC.NEW"),
    (13, "CC.ECHO"),
    (14, "TCP Alternate Checksum Request"),
    (15, "TCP Alternate Checksum Data"),
    (16, "Skeeter"),
    (17, "Bubba"),
    (18, "Trailer Checksum Option"),
    (19, "MD5 Signature Option"),
    (20, "SCPS Capabilities"),
    (21, "Selective Negative Acknowledgements"),
    (22, "Record Boundaries"),
    (23, "Corruption experienced"),
    (24, "SNAP"),
    (25, "Unassigned"),
    (26, "TCP Compression Filter"),
    (27, "Quick-Start Response"),
    (28, "User Timeout Option"),
    (29, "The TCP Authentication Option"),
    (30, "Multipath TCP"),
    (34, "TCP Fast Open Cookie"),
    (76, "Riverbed Probe"),
    (78, "Riverbed Transparency"),
    (172, "Accurate ECN Order 0"),
    (174, "Accurate ECN Order 1"),
    (253, "RFC3692-style Experiment 1"),
    (254, "RFC3692-style Experiment 2"),
];

/// Experiment identifiers of the shared experimental options 253 and 254 (RFC 6994 §3).
pub static EXID_NAMES: ValueNames = &[
    (0x00ac, "TCP ACK Rate Request"),
    (0x0348, "Host ID"),
    (0x0a0d, "Autonomous System Compensation"),
    (0x0ca0, "Capability Option"),
    (0x0ed0, "Extended Data Offset"),
    (0x454e, "Encryption Negotiation"),
    (0x5323, "Service Number"),
    (0x75ec, "Timestamp Interval"),
    (0xacc0, "Accurate ECN - Order 0"),
    (0xacc1, "Accurate ECN - Order 1"),
    (0xacce, "Accurate ECN"),
    (0xe2d4, "Shared Memory communications over RMDA protocol"),
    (0xf989, "Fast Open"),
    (0xf990, "Low Latency"),
];

/// The experiment identifier TCP Fast Open used before it had its own kind (RFC 7413 §4.1.1).
pub const EXID_FAST_OPEN: u16 = 0xf989;

crate::field!(OPTIONS, "tcp.options", "TCP Options", Bytes, "the options that follow the fixed 20-byte header, as many bytes as the Data Offset leaves room for (RFC 9293 §3.1)");
crate::field!(KIND, "tcp.option_kind", "Kind", UInt 8, Dec, names = KIND_NAMES, "which option this is: the first byte of every option (RFC 9293 §3.1)");
crate::field!(LEN, "tcp.option_len", "Length", UInt 8, Dec, "the option's length in bytes, counting its kind and length bytes (RFC 9293 §3.1)");
crate::field!(EOL, "tcp.options.eol", "End of Option List (EOL)", Protocol, "marks the end of the options; what follows up to the Data Offset is zero padding (RFC 9293 §3.1)");
crate::field!(
    NOP,
    "tcp.options.nop",
    "No-Operation (NOP)",
    Protocol,
    "a one-byte filler that aligns the next option on a word boundary (RFC 9293 §3.1)"
);
crate::field!(
    MSS,
    "tcp.options.mss",
    "Maximum segment size",
    Protocol,
    "the largest segment the sender of this SYN can receive (RFC 9293 §3.7.1)"
);
crate::field!(MSS_VAL, "tcp.options.mss_val", "MSS Value", UInt 16, Dec, "the largest segment, in bytes of data, the sender is willing to receive (RFC 9293 §3.7.1)");
crate::field!(
    WSCALE,
    "tcp.options.wscale",
    "Window scale",
    Protocol,
    "offers to scale the windows this sender advertises by a power of two (RFC 7323 §2.2)"
);
crate::field!(WSCALE_SHIFT, "tcp.options.wscale.shift", "Shift count", UInt 8, Dec, "how many bits the sender's window field is shifted left once scaling is in use; at most 14 (RFC 7323 §2.3)");
crate::field!(WSCALE_MULTIPLIER, "tcp.options.wscale.multiplier", "Multiplier", UInt 16, Dec, "two to the power of the shift count: what the window field is multiplied by (RFC 7323 §2.3)");
crate::field!(
    SACK_PERM,
    "tcp.options.sack_perm",
    "SACK permitted",
    Protocol,
    "says the sender of this SYN understands selective acknowledgments (RFC 2018 §2)"
);
crate::field!(
    SACK,
    "tcp.options.sack",
    "SACK",
    Protocol,
    "lists blocks of data received beyond the acknowledgment number (RFC 2018 §3)"
);
crate::field!(SACK_LE, "tcp.options.sack_le", "TCP SACK Left Edge", UInt 32, Dec, "the first sequence number of a block received out of order, relative like tcp.ack (RFC 2018 §3)");
crate::field!(SACK_RE, "tcp.options.sack_re", "TCP SACK Right Edge", UInt 32, Dec, "the sequence number just after a block received out of order, relative like tcp.ack (RFC 2018 §3)");
crate::field!(SACK_COUNT, "tcp.options.sack.count", "TCP SACK Count", UInt 8, Dec, "how many blocks this SACK option lists (RFC 2018 §3)");
crate::field!(DSACK_LE, "tcp.options.sack.dsack_le", "TCP D-SACK Left Edge", UInt 32, Dec, "the start of a block the receiver got twice: a duplicate report, as D-SACK defines it (RFC 2883 §4)");
crate::field!(DSACK_RE, "tcp.options.sack.dsack_re", "TCP D-SACK Right Edge", UInt 32, Dec, "the end of a block the receiver got twice (RFC 2883 §4)");
crate::field!(
    ECHO,
    "tcp.options.echo",
    "Echo",
    Protocol,
    "the obsolete echo option of RFC 1072, replaced by timestamps (RFC 1072 §4.1)"
);
crate::field!(
    ECHO_REPLY,
    "tcp.options.echoreply",
    "Echo reply",
    Protocol,
    "the obsolete echo reply option of RFC 1072 (RFC 1072 §4.2)"
);
crate::field!(ECHO_VALUE, "tcp.options.echo_value", "TCP Echo Option", UInt 32, Dec, "four bytes to be echoed back by the peer (RFC 1072 §4.1)");
crate::field!(TIMESTAMP, "tcp.options.timestamp", "Timestamps", Protocol, "a clock value and the echo of the peer's, for round-trip measurement and protection against wrapped sequence numbers (RFC 7323 §3)");
crate::field!(TSVAL, "tcp.options.timestamp.tsval", "Timestamp value", UInt 32, Dec, "the sender's timestamp clock when it sent this segment (RFC 7323 §3.2)");
crate::field!(TSECR, "tcp.options.timestamp.tsecr", "Timestamp echo reply", UInt 32, Dec, "the most recent TSval received from the peer, echoed back (RFC 7323 §3.2)");
crate::field!(
    MD5,
    "tcp.options.md5",
    "TCP MD5 signature",
    Protocol,
    "an MD5 digest over the segment and a shared key, protecting BGP sessions (RFC 2385 §3.0)"
);
crate::field!(
    MD5_DIGEST,
    "tcp.options.md5.digest",
    "MD5 digest",
    Bytes,
    "the 16-byte keyed MD5 digest of the segment (RFC 2385 §3.0)"
);
crate::field!(USER_TO, "tcp.options.user_to", "User Timeout", Protocol, "asks the peer how long to wait for acknowledgments before giving up on the connection (RFC 5482 §3)");
crate::field!(
    USER_TO_GRANULARITY,
    "tcp.options.user_to_granularity",
    "Granularity",
    Bool,
    mask = 0x8000,
    "whether the timeout is counted in minutes (set) or seconds (RFC 5482 §3)"
);
crate::field!(USER_TO_VAL, "tcp.options.user_to_val", "User Timeout", UInt 16, Dec, "the requested timeout, in the unit the granularity bit names (RFC 5482 §3)");
crate::field!(
    TFO,
    "tcp.options.tfo",
    "TCP Fast Open",
    Protocol,
    "carries a Fast Open cookie so that data can ride on the SYN (RFC 7413 §4.1.1)"
);
crate::field!(
    TFO_REQUEST,
    "tcp.options.tfo.request",
    "Fast Open Cookie Request",
    None,
    "an empty cookie: the client asks the server for a Fast Open cookie (RFC 7413 §4.1.1)"
);
crate::field!(
    TFO_COOKIE,
    "tcp.options.tfo.cookie",
    "Fast Open Cookie",
    Bytes,
    "the cookie the server issued, proving the client may send data on its SYN (RFC 7413 §4.1.1)"
);
crate::field!(EXPERIMENTAL, "tcp.options.experimental", "Experimental", Protocol, "an option of the shared experimental kinds 253 and 254, told apart by its experiment identifier (RFC 6994 §3)");
crate::field!(EXP_EXID, "tcp.options.experimental.exid", "Experiment Identifier", UInt 16, Hex, names = EXID_NAMES, "which experiment this option belongs to (RFC 6994 §3)");
crate::field!(
    EXP_DATA,
    "tcp.options.experimental.data",
    "Data",
    Bytes,
    "the experiment's data (RFC 6994 §3)"
);
crate::field!(
    ACC_ECN,
    "tcp.options.acc_ecn",
    "Accurate ECN",
    Protocol,
    "counts of bytes received with each ECN marking, for Accurate ECN feedback (RFC 9768 §3.2.3)"
);
crate::field!(ACC_ECN_EE0B, "tcp.options.acc_ecn.ee0b", "Accurate ECN Echo ECT(0) Byte Counter", UInt 24, Dec, "bytes received marked ECT(0), modulo 2^24 (RFC 9768 §3.2.3)");
crate::field!(ACC_ECN_ECEB, "tcp.options.acc_ecn.eceb", "Accurate ECN Echo CE Byte Counter", UInt 24, Dec, "bytes received marked CE (congestion experienced), modulo 2^24 (RFC 9768 §3.2.3)");
crate::field!(ACC_ECN_EE1B, "tcp.options.acc_ecn.ee1b", "Accurate ECN Echo ECT(1) Byte Counter", UInt 24, Dec, "bytes received marked ECT(1), modulo 2^24 (RFC 9768 §3.2.3)");
crate::field!(
    MPTCP,
    "mptcp",
    "Multipath Transmission Control Protocol",
    Protocol,
    "a Multipath TCP option: one connection spread over several paths (RFC 8684 §3)"
);
crate::field!(MPTCP_SUBTYPE, "tcp.options.mptcp.subtype", "Multipath TCP subtype", UInt 8, Dec, names = MPTCP_SUBTYPES, "which Multipath TCP message this option carries (RFC 8684 §3)");
crate::field!(
    UNKNOWN,
    "tcp.options.unknown",
    "Unknown",
    Protocol,
    "an option kind wirelab does not interpret (RFC 9293 §3.1)"
);
crate::field!(
    UNKNOWN_PAYLOAD,
    "tcp.options.unknown.payload",
    "Payload",
    Bytes,
    "the bytes of an option wirelab does not interpret (RFC 9293 §3.1)"
);

/// Multipath TCP option subtypes (RFC 8684 §7.4).
pub static MPTCP_SUBTYPES: ValueNames = &[
    (0, "Multipath Capable"),
    (1, "Join Connection"),
    (2, "Data Sequence Signal"),
    (3, "Add Address"),
    (4, "Remove Address"),
    (5, "Change Subflow Priority"),
    (6, "TCP Fallback"),
    (7, "Fast Close"),
    (8, "Subflow Reset"),
    (15, "Private Use"),
];
crate::field!(AO, "tcp.options.ao", "TCP AO", Protocol, "the TCP Authentication Option: a MAC over the segment with a key both ends share, replacing TCP MD5 (RFC 5925 §2.2)");
crate::field!(AO_KEYID, "tcp.options.ao.keyid", "AO KeyID", UInt 8, Dec, "which master key tuple the MAC was computed with (RFC 5925 §2.2)");
crate::field!(AO_RNEXTKEYID, "tcp.options.ao.rnextkeyid", "AO RNextKeyID", UInt 8, Dec, "the key the sender would like to receive next (RFC 5925 §2.2)");
crate::field!(
    AO_MAC,
    "tcp.options.ao.mac",
    "AO MAC",
    Bytes,
    "the message authentication code of the segment (RFC 5925 §2.2)"
);
