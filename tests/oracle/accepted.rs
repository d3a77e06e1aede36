//! The two tshark behaviours wirelab deliberately does not copy, each compared under one
//! narrow, documented rule instead of being skipped (tests/oracle/README.md, "Known
//! differences accepted").
//!
//! 1. **Wiretap pseudo-headers.** For a few link types tshark's file reader (wiretap) removes a
//!    pseudo-header from the front of each record before any dissector sees it, and reports
//!    `frame.len` and `frame.cap_len` that many bytes shorter than the record says. wirelab
//!    reports the lengths the file stores. On those link types, and on those two fields only,
//!    the cells are compared as `wirelab − pseudo-header length == tshark`.
//! 2. **Unnormalised times.** A pcap record whose fraction of a second is out of range
//!    (≥ 1 000 000 µs, ≥ 10⁹ ns) makes tshark print a time that is not a time
//!    (`1418145370.1000000000`, `-0.2078753920`); wirelab carries the excess into the seconds.
//!    The `frame.time_*` cells tshark computes from such a time are not compared. Whether a
//!    time is unnormalised is decided from tshark's `frame.time_epoch` alone, never from
//!    wirelab's output.

/// The pseudo-header tshark's wiretap strips from every record of a pcap or pcapng file of
/// this link type, by tshark's `frame.encap_type` (Wireshark's `WTAP_ENCAP_*` number): the
/// LINKTYPE it comes from, a name for the report, and its length in bytes.
///
/// Measured with tshark 4.0.17 on one 64-byte record of every LINKTYPE from 0 to 299, in pcap
/// and in pcapng: only these ten report a `frame.len` other than 64. LINKTYPE_ERF (197,
/// `WTAP_ENCAP_ERF` 98) also strips a header, but of a variable length (the ERF record header
/// and its extensions), so it has no entry: an ERF capture's lengths would show up as
/// mismatches (the corpus has none).
pub const PSEUDO_HEADERS: &[PseudoHeader] = &[
    PseudoHeader::new("13", 123, "SunATM", 4),
    PseudoHeader::new("19", 204, "PPP with direction", 1),
    PseudoHeader::new("44", 144, "IrDA", 16),
    PseudoHeader::new("75", 139, "MTP2 with pseudo-header", 4),
    PseudoHeader::new("88", 177, "Linux LAPD", 16),
    PseudoHeader::new("99", 201, "Bluetooth H4 with pseudo-header", 4),
    PseudoHeader::new("100", 196, "SITA", 5),
    PseudoHeader::new("112", 209, "Linux I2C", 5),
    PseudoHeader::new("140", 245, "NFC LLCP", 2),
    PseudoHeader::new("159", 254, "Bluetooth Linux monitor", 4),
];

/// One link type whose records start with a pseudo-header that tshark does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PseudoHeader {
    /// tshark's `frame.encap_type` (`WTAP_ENCAP_*`).
    pub encap: &'static str,
    /// The LINKTYPE_* number in the file's header (or pcapng interface block).
    pub linktype: u32,
    pub name: &'static str,
    pub len: u64,
}

impl PseudoHeader {
    const fn new(encap: &'static str, linktype: u32, name: &'static str, len: u64) -> Self {
        PseudoHeader {
            encap,
            linktype,
            name,
            len,
        }
    }

    /// The pseudo-header of frames of tshark's `frame.encap_type` `encap`, if it has one.
    pub fn of(encap: &str) -> Option<&'static PseudoHeader> {
        PSEUDO_HEADERS.iter().find(|p| p.encap == encap)
    }

    /// Whether the rule applies to this field: the two lengths, nothing else.
    pub fn applies_to(field: &str) -> bool {
        field == "frame.len" || field == "frame.cap_len"
    }

    /// Whether wirelab's length, less the pseudo-header, is tshark's. A wirelab cell that is not
    /// a number, or is shorter than the pseudo-header, never agrees.
    pub fn lengths_agree(&self, tshark: &str, wirelab: &str) -> bool {
        self.wirelab_less_header(wirelab)
            .is_some_and(|n| n.to_string() == tshark)
    }

    fn wirelab_less_header(&self, wirelab: &str) -> Option<u64> {
        wirelab.parse::<u64>().ok()?.checked_sub(self.len)
    }

    /// How a differing wirelab cell is shown in a mismatch: the value and what the rule made
    /// of it, so that the reader sees both.
    pub fn explain(&self, wirelab: &str) -> String {
        match self.wirelab_less_header(wirelab) {
            Some(n) => format!(
                "{wirelab} (less the {}-byte {} pseudo-header: {n})",
                self.len, self.name
            ),
            None => format!(
                "{wirelab} (not a length of at least the {}-byte {} pseudo-header)",
                self.len, self.name
            ),
        }
    }
}

/// The time fields computed from `frame.time_epoch`.
pub const TIME_FIELDS: &[&str] = &[
    "frame.time_epoch",
    "frame.time_relative",
    "frame.time_delta",
];

/// Whether tshark printed a time that no normalised (seconds, nanoseconds) pair gives: a
/// number `[-]DIGITS.DIGITS` that is not `DIGITS.` followed by exactly nine digits. A pcap or
/// pcapng timestamp is unsigned, so a minus sign in `frame.time_epoch` is unnormalised too
/// (`-0.2078753920`: a nanosecond count that overflowed tshark's signed 32-bit arithmetic).
/// Anything else (an empty cell, a word) is not a time at all and is compared as it is.
pub fn unnormalised_time(cell: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (negative, magnitude) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell),
    };
    let Some((seconds, fraction)) = magnitude.split_once('.') else {
        return false;
    };
    if !digits(seconds) || !digits(fraction) {
        return false;
    }
    negative || fraction.len() != 9
}

/// Which time cells of one frame are not compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SkippedTimes {
    pub epoch: bool,
    pub relative: bool,
    pub delta: bool,
}

impl SkippedTimes {
    /// Whether `field`'s cell of this frame is not compared.
    pub fn skips(&self, field: &str) -> bool {
        match field {
            "frame.time_epoch" => self.epoch,
            "frame.time_relative" => self.relative,
            "frame.time_delta" => self.delta,
            _ => false,
        }
    }

    pub fn any(&self) -> bool {
        self.epoch || self.relative || self.delta
    }
}

/// Follows tshark's `frame.time_epoch` through a file, frame after frame, to tell which time
/// cells tshark computed from an unnormalised time:
///
/// - `frame.time_epoch` of a frame whose own time is unnormalised;
/// - `frame.time_relative` (since the first frame) of that frame, and of every frame when the
///   first frame's time is unnormalised;
/// - `frame.time_delta` (since the previous frame) of that frame, and of the frame after it.
///
/// A frame whose time, first frame and previous frame are all normalised has all its time
/// cells compared, whatever wirelab prints.
#[derive(Debug, Default)]
pub struct TimeTracker {
    first_unnormalised: Option<bool>,
    previous_unnormalised: bool,
}

impl TimeTracker {
    /// The next frame, given tshark's `frame.time_epoch` cell for it.
    pub fn next_frame(&mut self, tshark_epoch: &str) -> SkippedTimes {
        let own = unnormalised_time(tshark_epoch);
        let first = *self.first_unnormalised.get_or_insert(own);
        let skipped = SkippedTimes {
            epoch: own,
            relative: own || first,
            delta: own || self.previous_unnormalised,
        };
        self.previous_unnormalised = own;
        skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sunatm_lengths_agree_when_wirelab_is_four_bytes_longer() {
        let sunatm = PseudoHeader::of("13").expect("SunATM has a pseudo-header");
        assert_eq!((sunatm.linktype, sunatm.len), (123, 4));
        assert!(sunatm.lengths_agree("60", "64"));
        assert!(sunatm.lengths_agree("0", "4"));
    }

    #[test]
    fn sunatm_lengths_that_differ_by_anything_else_disagree() {
        let sunatm = PseudoHeader::of("13").expect("SunATM has a pseudo-header");
        assert!(!sunatm.lengths_agree("60", "60"));
        assert!(!sunatm.lengths_agree("60", "65"));
        assert!(!sunatm.lengths_agree("0", "3"));
        assert!(!sunatm.lengths_agree("60", ""));
    }

    #[test]
    fn ethernet_and_the_link_types_of_issue_2_have_no_pseudo_header() {
        for encap in ["1", "7", "15", "174", "25", "210", "129", "130", "98"] {
            assert_eq!(PseudoHeader::of(encap), None, "encap {encap}");
        }
    }

    #[test]
    fn only_the_two_length_fields_are_adjusted() {
        assert!(PseudoHeader::applies_to("frame.len"));
        assert!(PseudoHeader::applies_to("frame.cap_len"));
        assert!(!PseudoHeader::applies_to("frame.number"));
        assert!(!PseudoHeader::applies_to("ip.len"));
    }

    #[test]
    fn a_mismatch_shows_wirelabs_value_and_what_the_rule_made_of_it() {
        let ppp = PseudoHeader::of("19").expect("PPP with direction has a pseudo-header");
        assert_eq!(
            ppp.explain("64"),
            "64 (less the 1-byte PPP with direction pseudo-header: 63)"
        );
    }

    #[test]
    fn a_time_with_nine_decimals_is_normalised() {
        assert!(!unnormalised_time("1418145370.000000000"));
        assert!(!unnormalised_time("0.000000000"));
    }

    #[test]
    fn ten_decimals_or_a_minus_sign_is_unnormalised() {
        assert!(unnormalised_time("1418145370.1000000000"));
        assert!(unnormalised_time("-0.2078753920"));
        assert!(unnormalised_time("-1418145370.000000000"));
        assert!(unnormalised_time("1418145370.00000000"));
    }

    #[test]
    fn a_cell_that_is_not_a_number_is_not_called_unnormalised() {
        for cell in [
            "",
            "-",
            "1418145370",
            "1418145370.",
            ".5",
            "12a.000000000",
            "x",
        ] {
            assert!(!unnormalised_time(cell), "{cell:?}");
        }
    }

    #[test]
    fn an_unnormalised_time_skips_its_frame_and_the_next_frames_delta() {
        let mut t = TimeTracker::default();
        let all = SkippedTimes {
            epoch: true,
            relative: true,
            delta: true,
        };
        assert!(!t.next_frame("1418145369.999999000").any());
        assert_eq!(t.next_frame("1418145370.1000000000"), all);
        assert_eq!(
            t.next_frame("1418145370.000000000"),
            SkippedTimes {
                delta: true,
                ..SkippedTimes::default()
            }
        );
        assert!(!t.next_frame("1418145370.000001000").any());
    }

    #[test]
    fn an_unnormalised_first_frame_skips_every_relative_time() {
        let mut t = TimeTracker::default();
        assert!(t.next_frame("-0.2078753920").any());
        assert_eq!(
            t.next_frame("2145916800.000000000"),
            SkippedTimes {
                relative: true,
                delta: true,
                ..SkippedTimes::default()
            }
        );
        let third = t.next_frame("2145916801.000000000");
        assert!(third.skips("frame.time_relative"));
        assert!(!third.skips("frame.time_epoch") && !third.skips("frame.time_delta"));
    }

    #[test]
    fn only_time_fields_are_ever_skipped() {
        let all = SkippedTimes {
            epoch: true,
            relative: true,
            delta: true,
        };
        for field in TIME_FIELDS {
            assert!(all.skips(field));
        }
        assert!(!all.skips("frame.len"));
        assert!(!all.skips("frame.number"));
    }
}
