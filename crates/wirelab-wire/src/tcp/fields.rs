//! The TCP header's fields (RFC 9293 §3.1) and the ones wirelab computes from the conversation
//! (stream index, relative numbers, scaled window, times), with Wireshark's names; [`FIELDS`]
//! lists them with the options' (tcp/options/fields.rs) for the registry.

use super::options;
use crate::field::FieldDef;

crate::field!(
    TCP,
    "tcp",
    "Transmission Control Protocol",
    Protocol,
    "a reliable, ordered byte stream between two ports: the segment header (RFC 9293 §3.1)"
);
crate::field!(SRCPORT, "tcp.srcport", "Source Port", UInt 16, Dec, "the port of the process that sent this segment (RFC 9293 §3.1)");
crate::field!(DSTPORT, "tcp.dstport", "Destination Port", UInt 16, Dec, "the port of the process this segment is for (RFC 9293 §3.1)");
crate::field!(PORT, "tcp.port", "Source or Destination Port", UInt 16, Dec, "either port, so that one filter matches both directions (RFC 9293 §3.1)");
crate::field!(STREAM, "tcp.stream", "Stream index", UInt 32, Dec, "which connection of the capture this segment belongs to, counting from 0 in order of first appearance (RFC 9293 §3.3.3)");
crate::field!(LEN, "tcp.len", "TCP Segment Len", UInt 32, Dec, "how many bytes of data the segment carries: the IP payload minus the TCP header (RFC 9293 §3.1)");
crate::field!(SEQ, "tcp.seq", "Sequence Number", UInt 32, Dec, "the number of the segment's first data byte, counted from the sender's initial sequence number (RFC 9293 §3.4)");
crate::field!(SEQ_RAW, "tcp.seq_raw", "Sequence Number (raw)", UInt 32, Dec, "the sequence number as sent, before subtracting the initial sequence number (RFC 9293 §3.1)");
crate::field!(NXTSEQ, "tcp.nxtseq", "Next Sequence Number", UInt 32, Dec, "the sequence number the sender's next new segment will carry: this one's plus its length, plus one for SYN or FIN (RFC 9293 §3.4)");
crate::field!(ACK_FIELD, "tcp.ack", "Acknowledgment Number", UInt 32, Dec, "the next sequence number the sender expects from the other side: everything before it has arrived (RFC 9293 §3.4)");
crate::field!(ACK_RAW, "tcp.ack_raw", "Acknowledgment number (raw)", UInt 32, Dec, "the acknowledgment number as sent (RFC 9293 §3.1)");
crate::field!(HDR_LEN, "tcp.hdr_len", "Header Length", UInt 8, Dec, "the Data Offset times four: how many bytes of header, options included, come before the data (RFC 9293 §3.1)");
crate::field!(FLAGS, "tcp.flags", "Flags", UInt 16, Hex, "the control bits that open, acknowledge, push, reset and close (RFC 9293 §3.1)");
crate::field!(
    FLAGS_RES,
    "tcp.flags.res",
    "Reserved",
    Bool,
    mask = 0xe00,
    "three bits reserved for future use; senders must set them to zero (RFC 9293 §3.1)"
);
crate::field!(
    FLAGS_AE,
    "tcp.flags.ae",
    "Accurate ECN",
    Bool,
    mask = 0x100,
    "with CWR and ECE, asks for or counts Accurate ECN feedback (RFC 9768 §3.1)"
);
crate::field!(
    FLAGS_CWR,
    "tcp.flags.cwr",
    "Congestion Window Reduced",
    Bool,
    mask = 0x080,
    "the sender has reduced its congestion window in answer to an ECN-Echo (RFC 3168 §6.1.2)"
);
crate::field!(FLAGS_ECE, "tcp.flags.ece", "ECN-Echo", Bool, mask = 0x040, "on a SYN: the sender can do ECN; later: a packet marked Congestion Experienced arrived (RFC 3168 §6.1)");
crate::field!(FLAGS_ACE, "tcp.flags.ace", "ACE", UInt 8, Dec, "after an Accurate ECN handshake, AE, CWR and ECE form a 3-bit counter of CE-marked packets (RFC 9768 §3.2.2)");
crate::field!(
    FLAGS_URG,
    "tcp.flags.urg",
    "Urgent",
    Bool,
    mask = 0x020,
    "the Urgent Pointer field is significant (RFC 9293 §3.1)"
);
crate::field!(FLAGS_ACK, "tcp.flags.ack", "Acknowledgment", Bool, mask = 0x010, "the Acknowledgment Number field is significant; set on every segment after the first SYN (RFC 9293 §3.1)");
crate::field!(FLAGS_PUSH, "tcp.flags.push", "Push", Bool, mask = 0x008, "deliver the data to the receiving application now rather than buffering it (RFC 9293 §3.9.1.2)");
crate::field!(
    FLAGS_RESET,
    "tcp.flags.reset",
    "Reset",
    Bool,
    mask = 0x004,
    "abort the connection (RFC 9293 §3.5.2)"
);
crate::field!(
    FLAGS_SYN,
    "tcp.flags.syn",
    "Syn",
    Bool,
    mask = 0x002,
    "synchronize sequence numbers: the first segment from each side (RFC 9293 §3.5)"
);
crate::field!(
    FLAGS_FIN,
    "tcp.flags.fin",
    "Fin",
    Bool,
    mask = 0x001,
    "the sender has no more data to send (RFC 9293 §3.6)"
);
crate::field!(
    FLAGS_STR,
    "tcp.flags.str",
    "TCP Flags",
    Str,
    "the twelve flag bits as letters, a dot for each bit not set (RFC 9293 §3.1)"
);
crate::field!(WINDOW_SIZE_VALUE, "tcp.window_size_value", "Window", UInt 16, Dec, "the window field as sent: how many more bytes the sender of this segment is ready to receive, before scaling (RFC 9293 §3.1)");
crate::field!(WINDOW_SIZE, "tcp.window_size", "Calculated window size", UInt 32, Dec, "the window in bytes: the window field shifted left by the sender's window scale (RFC 7323 §2.3)");
crate::field!(WINDOW_SIZE_SCALEFACTOR, "tcp.window_size_scalefactor", "Window size scaling factor", Int 32, Dec, "what the window field is multiplied by: -1 while unknown, -2 when the handshake turned scaling off (RFC 7323 §2.2)");
crate::field!(CHECKSUM, "tcp.checksum", "Checksum", UInt 16, Hex, "the one's complement sum over a pseudo-header of the IP addresses and the whole segment, to detect damage (RFC 9293 §3.1)");
pub static CHECKSUM_STATUS: FieldDef = crate::udp::checksum_status(
    "tcp.checksum.status",
    "whether the checksum verified: Good, Bad, or Unverified when the segment was not all captured or is an IP fragment (RFC 9293 §3.1)",
);
crate::field!(CHECKSUM_CALCULATED, "tcp.checksum_calculated", "Calculated Checksum", UInt 16, Hex, "the checksum this segment should carry, computed by wirelab (RFC 9293 §3.1)");
crate::field!(URGENT_POINTER, "tcp.urgent_pointer", "Urgent Pointer", UInt 16, Dec, "with URG: the offset from this segment's sequence number to the end of urgent data (RFC 9293 §3.8.5)");
crate::field!(
    TIME_RELATIVE,
    "tcp.time_relative",
    "Time since first frame in this TCP stream",
    RelTime,
    "seconds since the first segment of this connection in the capture (RFC 9293 §3.3.3)"
);
crate::field!(
    TIME_DELTA,
    "tcp.time_delta",
    "Time since previous frame in this TCP stream",
    RelTime,
    "seconds since the previous segment of this connection in the capture (RFC 9293 §3.3.3)"
);
crate::field!(
    PAYLOAD,
    "tcp.payload",
    "TCP payload",
    Bytes,
    "the data the segment carries for the application (RFC 9293 §3.1)"
);
crate::field!(RESET_CAUSE, "tcp.reset_cause", "Reset cause", Str, "text carried by a reset segment, which may explain why the connection was aborted (RFC 9293 §3.5.3)");

pub static FIELDS: &[&FieldDef] = &[
    &TCP,
    &SRCPORT,
    &DSTPORT,
    &PORT,
    &STREAM,
    &LEN,
    &SEQ,
    &SEQ_RAW,
    &NXTSEQ,
    &ACK_FIELD,
    &ACK_RAW,
    &HDR_LEN,
    &FLAGS,
    &FLAGS_RES,
    &FLAGS_AE,
    &FLAGS_CWR,
    &FLAGS_ECE,
    &FLAGS_ACE,
    &FLAGS_URG,
    &FLAGS_ACK,
    &FLAGS_PUSH,
    &FLAGS_RESET,
    &FLAGS_SYN,
    &FLAGS_FIN,
    &FLAGS_STR,
    &WINDOW_SIZE_VALUE,
    &WINDOW_SIZE,
    &WINDOW_SIZE_SCALEFACTOR,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &CHECKSUM_CALCULATED,
    &URGENT_POINTER,
    &TIME_RELATIVE,
    &TIME_DELTA,
    &PAYLOAD,
    &RESET_CAUSE,
    // Options (tcp/options.rs).
    &options::OPTIONS,
    &options::KIND,
    &options::LEN,
    &options::EOL,
    &options::NOP,
    &options::MSS,
    &options::MSS_VAL,
    &options::WSCALE,
    &options::WSCALE_SHIFT,
    &options::WSCALE_MULTIPLIER,
    &options::SACK_PERM,
    &options::SACK,
    &options::SACK_LE,
    &options::SACK_RE,
    &options::SACK_COUNT,
    &options::DSACK_LE,
    &options::DSACK_RE,
    &options::ECHO,
    &options::ECHO_REPLY,
    &options::ECHO_VALUE,
    &options::TIMESTAMP,
    &options::TSVAL,
    &options::TSECR,
    &options::MD5,
    &options::MD5_DIGEST,
    &options::USER_TO,
    &options::USER_TO_GRANULARITY,
    &options::USER_TO_VAL,
    &options::TFO,
    &options::TFO_REQUEST,
    &options::TFO_COOKIE,
    &options::EXPERIMENTAL,
    &options::EXP_EXID,
    &options::EXP_DATA,
    &options::ACC_ECN,
    &options::ACC_ECN_EE0B,
    &options::ACC_ECN_ECEB,
    &options::ACC_ECN_EE1B,
    &options::MPTCP,
    &options::MPTCP_SUBTYPE,
    &options::UNKNOWN,
    &options::UNKNOWN_PAYLOAD,
    &options::AO,
    &options::AO_KEYID,
    &options::AO_RNEXTKEYID,
    &options::AO_MAC,
];
