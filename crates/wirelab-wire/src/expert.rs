//! Expert information: what a dissector or an analysis wants a reader to notice about a frame,
//! with Wireshark's severities and groups, so that `wirelab expert` reads like
//! `tshark -q -z expert`.
//!
//! ```text
//!  Chat     "Connection establish request (SYN): server port 80"   the normal course of events
//!  Note     "Duplicate ACK (#1)"                                    unusual but harmless
//!  Warning  "Previous segment(s) not captured"                      something went wrong
//!  Error    "Bad checksum"                                          malformed or broken
//! ```

use std::fmt;

/// How serious an expert item is, in Wireshark's order (its `PI_*` severities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Comment,
    Chat,
    Note,
    Warning,
    Error,
}

impl Severity {
    /// The name tshark prints (`Warning`, `Note`…).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Comment => "Comment",
            Severity::Chat => "Chat",
            Severity::Note => "Note",
            Severity::Warning => "Warning",
            Severity::Error => "Error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an expert item is about (Wireshark's `PI_*` groups), as tshark names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Checksum,
    Sequence,
    ResponseCode,
    RequestCode,
    Undecoded,
    Reassemble,
    Malformed,
    Debug,
    Protocol,
    Security,
    Comments,
    Decryption,
    Assumption,
    Deprecated,
}

impl Group {
    /// The name tshark prints in its expert summary (`Sequence`, `Malformed`…).
    pub fn name(self) -> &'static str {
        match self {
            Group::Checksum => "Checksum",
            Group::Sequence => "Sequence",
            Group::ResponseCode => "Response code",
            Group::RequestCode => "Request code",
            Group::Undecoded => "Undecoded",
            Group::Reassemble => "Reassemble",
            Group::Malformed => "Malformed",
            Group::Debug => "Debug",
            Group::Protocol => "Protocol",
            Group::Security => "Security",
            Group::Comments => "Comment",
            Group::Decryption => "Decryption",
            Group::Assumption => "Assumption",
            Group::Deprecated => "Deprecated",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One expert item of one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expert {
    pub severity: Severity,
    pub group: Group,
    /// The protocol column of tshark's summary, lower case as Wireshark's filter names (`tcp`).
    pub protocol: &'static str,
    /// The summary text, as tshark words it where tshark has the same item.
    pub message: String,
}
