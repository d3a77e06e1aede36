//! The sender's SACK scoreboard and the routines RFC 6675 §4 builds on it: `Update()`,
//! `IsLost()`, `SetPipe()` and `NextSeg()`. Read it beside RFC 6675 ("A Conservative Loss
//! Recovery Algorithm Based on Selective Acknowledgment (SACK) for TCP"); `recovery.rs`
//! uses these routines to decide when recovery begins and ends, and what to send.
//!
//! ```text
//!   SND.UNA (HighACK+1)                                     SND.MAX (HighData+1)
//!      |  hole  |## SACKed ##|  hole  |##### SACKed #####|  hole  |
//!      |<-lost->|            |<-lost->|                  |<- not lost: nothing SACKed
//!                                                           above it yet
//!      IsLost(S): at least DupThresh SACKed blocks above S, or more than
//!      (DupThresh - 1) * SMSS SACKed bytes above S.
//!
//!      pipe = unSACKed bytes not lost  +  unSACKed bytes already retransmitted (< HighRxt)
//! ```
//!
//! Sequence numbers: RFC 6675 names octets (HighACK is the highest octet acknowledged,
//! HighData the highest sent, HighRxt the highest retransmitted). wirelab keeps the
//! boundaries one past them, as TCP's variables do: SND.UNA = HighACK + 1,
//! SND.MAX = HighData + 1, and `high_rxt`/`rescue_rxt` are one past the last octet of
//! those retransmissions. So the RFC's "S2 > HighRxt" reads `s2 >= high_rxt` here.
//!
//! After a retransmission timeout the SACKed ranges are forgotten (RFC 2018 §5, RFC 6675
//! §5.1: the receiver may have discarded data it SACKed, "reneging", RFC 2018 §8).

use crate::wire::SeqNumber;

/// DupThresh (RFC 6675 §2, RFC 5681 §3.2): the duplicate ACKs that signal a loss. Early
/// retransmit (RFC 5827, `recovery.rs`) lowers it when little data is outstanding.
pub const DUP_THRESH: u32 = 3;

#[derive(Clone, Debug, Default)]
pub struct Scoreboard {
    /// Disjoint SACKed ranges [left, right), sorted, all above SND.UNA.
    sacked: Vec<(SeqNumber, SeqNumber)>,
    /// HighRxt (RFC 6675 §2), one past the highest octet retransmitted in this recovery.
    pub high_rxt: SeqNumber,
    /// RescueRxt (RFC 6675 §2), one past the highest octet of the rescue retransmission
    /// (NextSeg rule 4); `None` while undefined.
    pub rescue_rxt: Option<SeqNumber>,
    /// The retransmissions of this recovery not yet known to have arrived, each with
    /// SND.MAX when it was sent: see `lost_retransmission`.
    retransmissions: Vec<Retransmission>,
}

/// A retransmission [seq, end) sent when SND.MAX was `high_data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Retransmission {
    seq: SeqNumber,
    end: SeqNumber,
    high_data: SeqNumber,
}

/// What NextSeg() (RFC 6675 §4) says to send next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextSeg {
    /// Rule 1: the first unSACKed range above HighRxt that IsLost() says is lost.
    Lost { seq: SeqNumber, len: usize },
    /// Rule 2: previously unsent data, from HighData + 1.
    NewData,
    /// Rule 3: no loss known and no new data: the first unSACKed range above HighRxt
    /// below the highest SACKed octet, though not known to be lost.
    Unsacked { seq: SeqNumber, len: usize },
    /// Rule 4: the rescue retransmission, once per recovery: the segment that ends with
    /// the highest unSACKed octet.
    Rescue { seq: SeqNumber, len: usize },
}

impl Scoreboard {
    /// Forgets every SACKed range (after a retransmission timeout).
    pub fn clear(&mut self) {
        self.sacked.clear();
        self.retransmissions.clear();
    }

    /// Remembers a retransmission of [seq, end) during recovery, sent while SND.MAX was
    /// `high_data`.
    pub fn retransmitted(&mut self, seq: SeqNumber, end: SeqNumber, high_data: SeqNumber) {
        self.retransmissions.push(Retransmission {
            seq,
            end,
            high_data,
        });
    }

    /// Forgets the retransmissions of a recovery that ended.
    pub fn recovery_over(&mut self) {
        self.retransmissions.clear();
    }

    /// A retransmission that was lost too, if the SACK blocks show one: RFC 6675 cannot see
    /// it (HighRxt has passed it, and only the timer is left), so wirelab borrows the idea
    /// of RACK (RFC 8985 §3: a segment is lost if a segment sent after it was delivered),
    /// counted in data rather than time: once IsLost() holds for the data sent after the
    /// retransmission (DupThresh segments of it SACKed), the retransmission is presumed
    /// lost and returned, once, to be sent again.
    pub fn lost_retransmission(
        &mut self,
        una: SeqNumber,
        dup_thresh: u32,
        smss: usize,
    ) -> Option<(SeqNumber, usize)> {
        let sacked = &self.sacked;
        let still_missing = |r: &Retransmission| {
            let start = r.seq.max(una);
            start < r.end
                && !sacked
                    .iter()
                    .any(|&(l, right)| l <= start && r.end <= right)
        };
        self.retransmissions.retain(still_missing);
        let at = self.retransmissions.iter().position(|r| {
            self.is_lost(SeqNumber(r.high_data.0.wrapping_sub(1)), dup_thresh, smss)
        })?;
        let lost = self.retransmissions.remove(at);
        let start = lost.seq.max(una);
        let start = self
            .holes(start, lost.end)
            .next()
            .map_or(start, |(hole, _)| hole);
        let end = self
            .sacked
            .iter()
            .map(|&(left, _)| left)
            .find(|&left| left > start)
            .map_or(lost.end, |left| left.min(lost.end));
        Some((start, end.len_since(start)))
    }

    pub fn ranges(&self) -> &[(SeqNumber, SeqNumber)] {
        &self.sacked
    }

    /// Update() (RFC 6675 §4): records the blocks of an ACK, ignoring blocks that tell the
    /// scoreboard nothing (a block that ends at or below SND.UNA reports a duplicate, a
    /// D-SACK of RFC 2883; a block beyond what was sent is nonsense), and forgets what
    /// SND.UNA passed. Returns how many bytes were
    /// SACKed for the first time: an ACK that SACKs new bytes is a "duplicate
    /// acknowledgment" in RFC 6675 §2's sense.
    pub fn update(
        &mut self,
        una: SeqNumber,
        max: SeqNumber,
        blocks: &[Option<(SeqNumber, SeqNumber)>],
    ) -> usize {
        self.sacked.retain_mut(|(left, right)| {
            *left = (*left).max(una);
            una < *right
        });
        let before = self.sacked_bytes();
        for &(left, right) in blocks.iter().flatten() {
            if left < right && una < right && right <= max {
                self.insert(left.max(una), right);
            }
        }
        self.sacked_bytes() - before
    }

    fn insert(&mut self, left: SeqNumber, right: SeqNumber) {
        let (mut left, mut right) = (left, right);
        self.sacked.retain(|&(l, r)| {
            let overlaps = l <= right && left <= r;
            if overlaps {
                left = left.min(l);
                right = right.max(r);
            }
            !overlaps
        });
        let at = self
            .sacked
            .iter()
            .position(|&(l, _)| l > left)
            .unwrap_or(self.sacked.len());
        self.sacked.insert(at, (left, right));
    }

    fn sacked_bytes(&self) -> usize {
        self.sacked.iter().map(|(l, r)| r.len_since(*l)).sum()
    }

    /// SACKed bytes below `seq`: sent, not acknowledged, but no longer in the network.
    pub fn sacked_below(&self, seq: SeqNumber) -> usize {
        self.sacked
            .iter()
            .filter(|&&(left, _)| left < seq)
            .map(|&(left, right)| right.min(seq).len_since(left))
            .sum()
    }

    /// One past the highest SACKed octet, if anything is SACKed.
    pub fn highest_sacked(&self) -> Option<SeqNumber> {
        self.sacked.last().map(|&(_, right)| right)
    }

    pub fn is_sacked(&self, seq: SeqNumber) -> bool {
        self.sacked.iter().any(|&(l, r)| l <= seq && seq < r)
    }

    /// IsLost(SeqNum) (RFC 6675 §4): "The routine returns true when either DupThresh
    /// discontiguous SACKed sequences have arrived above 'SeqNum' or more than
    /// (DupThresh - 1) * SMSS bytes with sequence numbers greater than 'SeqNum' have been
    /// SACKed." wirelab counts the discontiguous sequences as the separate SACKed ranges
    /// above `seq`.
    pub fn is_lost(&self, seq: SeqNumber, dup_thresh: u32, smss: usize) -> bool {
        let above = self.sacked.iter().filter(|&&(_, right)| right > seq + 1);
        let (blocks, bytes) = above.fold((0u32, 0usize), |(blocks, bytes), &(left, right)| {
            (blocks + 1, bytes + right.len_since(left.max(seq + 1)))
        });
        blocks >= dup_thresh || bytes > dup_thresh.saturating_sub(1) as usize * smss
    }

    /// The unSACKed ranges ("holes") between `una` and `high_data` (SND.MAX), in order.
    pub fn holes(
        &self,
        una: SeqNumber,
        high_data: SeqNumber,
    ) -> impl Iterator<Item = (SeqNumber, SeqNumber)> + '_ {
        let mut start = una;
        let ends = self
            .sacked
            .iter()
            .copied()
            .chain(std::iter::once((high_data, high_data)));
        ends.filter_map(move |(left, right)| {
            let hole = (start, left.min(high_data));
            start = start.max(right);
            (hole.0 < hole.1).then_some(hole)
        })
    }

    /// SetPipe() (RFC 6675 §4): the bytes the sender believes are still in the network.
    /// For each octet from HighACK + 1 to HighData that is not SACKed: "(a) If IsLost (S1)
    /// returns false: Pipe is incremented by 1 octet." and "(b) If S1 <= HighRxt: Pipe is
    /// incremented by 1 octet." Within one hole nothing is SACKed, so IsLost gives the same
    /// answer for all its octets: it is asked once per hole.
    pub fn pipe(
        &self,
        una: SeqNumber,
        high_data: SeqNumber,
        dup_thresh: u32,
        smss: usize,
    ) -> usize {
        self.holes(una, high_data)
            .map(|(start, end)| {
                let not_lost = if self.is_lost(start, dup_thresh, smss) {
                    0
                } else {
                    end.len_since(start)
                };
                let retransmitted = end.min(self.high_rxt).len_since(start.min(self.high_rxt));
                not_lost + retransmitted
            })
            .sum()
    }

    /// NextSeg() (RFC 6675 §4): what to send next during recovery, or `None`. `new_data`
    /// says whether unsent data exists and the receiver's window allows it (rule 2).
    /// Rule 4 also needs HighACK + 1 (`una`); the caller sets RescueRxt when it sends a
    /// rescue (rule 4.b).
    pub fn next_seg(
        &self,
        una: SeqNumber,
        high_data: SeqNumber,
        dup_thresh: u32,
        smss: usize,
        new_data: bool,
    ) -> Option<NextSeg> {
        // "(1.a) S2 is greater than HighRxt." and "(1.b) S2 is less than the highest octet
        // covered by any received SACK.": the first hole at or above `high_rxt` (one past
        // HighRxt) that starts below `highest_sacked` (one past that octet).
        // IsLost can only turn false further up (fewer SACKed bytes lie above), so if the
        // smallest candidate is not lost, none is.
        let candidate = self.highest_sacked().and_then(|highest| {
            let (start, end) = self
                .holes(una.max(self.high_rxt), high_data)
                .find(|&(start, _)| start < highest)?;
            Some((start, end.len_since(start).min(smss)))
        });
        if let Some((seq, len)) = candidate {
            // "(1.c) IsLost (S2) returns true."
            if self.is_lost(seq, dup_thresh, smss) {
                return Some(NextSeg::Lost { seq, len });
            }
        }
        // (2) "If no sequence number 'S2' per rule (1) exists but there exists available
        // unsent data and the receiver's advertised window allows, the sequence range of one
        // segment of up to SMSS octets of previously unsent data starting with sequence
        // number HighData+1 MUST be returned."
        if new_data {
            return Some(NextSeg::NewData);
        }
        // (3) An unSACKed range meeting (1.a) and (1.b) but not known lost.
        if let Some((seq, len)) = candidate {
            return Some(NextSeg::Unsacked { seq, len });
        }
        // (4) "If the conditions for (1), (2), and (3) fail, but there exists outstanding
        // unSACKed data, we provide the opportunity for a single "rescue" retransmission per
        // entry into loss recovery. If HighACK is greater than RescueRxt (or RescueRxt is
        // undefined), then one segment of up to SMSS octets that MUST include the highest
        // outstanding unSACKed sequence number SHOULD be returned, and RescueRxt set to
        // RecoveryPoint." HighACK > RescueRxt reads `una > rescue` here, both one past.
        let rescue_allowed = self.rescue_rxt.is_none_or(|rescue| una > rescue);
        let (start, end) = self.holes(una, high_data).last()?;
        if !rescue_allowed {
            return None;
        }
        let len = end.len_since(start).min(smss);
        Some(NextSeg::Rescue {
            seq: SeqNumber(end.0.wrapping_sub(len as u32)),
            len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMSS: usize = 100;

    fn s(n: u32) -> SeqNumber {
        SeqNumber(n)
    }

    /// A scoreboard after SND.UNA = 1000 with `blocks` SACKed (SND.MAX = 2000).
    fn board(blocks: &[(u32, u32)]) -> Scoreboard {
        let mut board = Scoreboard::default();
        let blocks: Vec<_> = blocks.iter().map(|&(l, r)| Some((s(l), s(r)))).collect();
        board.update(s(1000), s(2000), &blocks);
        board
    }

    #[test]
    fn blocks_merge_and_are_forgotten_below_snd_una() {
        let mut board = Scoreboard::default();
        let new = board.update(
            s(100),
            s(1000),
            &[Some((s(300), s(400))), Some((s(400), s(500))), None],
        );
        assert_eq!(board.ranges(), [(s(300), s(500))]);
        assert_eq!(new, 200);
        assert_eq!(board.update(s(350), s(1000), &[]), 0);
        assert_eq!(board.ranges(), [(s(350), s(500))]);
    }

    #[test]
    fn a_block_sacked_again_brings_no_new_bytes() {
        let mut board = board(&[(1100, 1200)]);
        assert_eq!(
            board.update(s(1000), s(2000), &[Some((s(1100), s(1200)))]),
            0
        );
        assert_eq!(
            board.update(s(1000), s(2000), &[Some((s(1100), s(1300)))]),
            100
        );
    }

    #[test]
    fn nonsense_blocks_are_ignored() {
        let mut board = Scoreboard::default();
        board.update(
            s(100),
            s(1000),
            &[
                Some((s(50), s(90))),
                Some((s(500), s(2000))),
                Some((s(600), s(600))),
            ],
        );
        assert!(board.ranges().is_empty());
    }

    #[test]
    fn holes_lie_between_snd_una_the_sacked_ranges_and_snd_max() {
        let board = board(&[(1100, 1200), (1300, 1400)]);
        let holes: Vec<_> = board.holes(s(1000), s(1500)).collect();
        assert_eq!(
            holes,
            [(s(1000), s(1100)), (s(1200), s(1300)), (s(1400), s(1500))]
        );
    }

    #[test]
    fn a_hole_is_lost_once_three_segments_are_sacked_above_it() {
        // 1000..1100 missing; 1100..1300 SACKed: two segments above, not yet lost.
        let mut board = board(&[(1100, 1300)]);
        assert!(!board.is_lost(s(1000), DUP_THRESH, SMSS));
        // A third segment: more than (3 - 1) * SMSS bytes above.
        board.update(s(1000), s(2000), &[Some((s(1300), s(1400)))]);
        assert!(board.is_lost(s(1000), DUP_THRESH, SMSS));
        assert!(
            !board.is_lost(s(1400), DUP_THRESH, SMSS),
            "nothing above it"
        );
    }

    #[test]
    fn three_small_sacked_blocks_above_a_hole_make_it_lost() {
        let board = board(&[(1100, 1110), (1200, 1210), (1300, 1310)]);
        assert!(board.is_lost(s(1000), DUP_THRESH, SMSS));
        assert!(
            !board.is_lost(s(1110), DUP_THRESH, SMSS),
            "two blocks above"
        );
    }

    #[test]
    fn pipe_counts_holes_not_lost_and_retransmissions() {
        // Sent 1000..1600. SACKed 1100..1400 (3 segments): the hole 1000..1100 is lost;
        // 1400..1600 has nothing SACKed above it, so it is still in the network.
        let mut board = board(&[(1100, 1400)]);
        assert_eq!(board.pipe(s(1000), s(1600), DUP_THRESH, SMSS), 200);
        // The lost segment is retransmitted: HighRxt = 1100.
        board.high_rxt = s(1100);
        assert_eq!(board.pipe(s(1000), s(1600), DUP_THRESH, SMSS), 300);
    }

    #[test]
    fn next_seg_resends_a_lost_hole_before_new_data() {
        let board = board(&[(1100, 1400)]);
        assert_eq!(
            board.next_seg(s(1000), s(1600), DUP_THRESH, SMSS, true),
            Some(NextSeg::Lost {
                seq: s(1000),
                len: 100
            })
        );
    }

    #[test]
    fn next_seg_skips_what_high_rxt_covers_and_then_sends_new_data() {
        let mut board = board(&[(1100, 1400)]);
        board.high_rxt = s(1100);
        assert_eq!(
            board.next_seg(s(1000), s(1600), DUP_THRESH, SMSS, true),
            Some(NextSeg::NewData)
        );
    }

    #[test]
    fn next_seg_resends_a_hole_not_known_lost_when_there_is_no_new_data() {
        // 1000..1100 was resent; 1200..1300 has only one segment SACKed above it.
        let mut board = board(&[(1100, 1200), (1300, 1400)]);
        board.high_rxt = s(1100);
        assert_eq!(
            board.next_seg(s(1000), s(1400), DUP_THRESH, SMSS, false),
            Some(NextSeg::Unsacked {
                seq: s(1200),
                len: 100
            })
        );
    }

    #[test]
    fn a_retransmission_is_lost_once_three_segments_sent_after_it_are_sacked() {
        // 1000..1100 was resent when SND.MAX was 1600; 1600..1800 arrived since: not yet.
        let mut board = board(&[(1100, 1400)]);
        board.retransmitted(s(1000), s(1100), s(1600));
        board.update(s(1000), s(2000), &[Some((s(1600), s(1800)))]);
        assert_eq!(board.lost_retransmission(s(1000), DUP_THRESH, SMSS), None);
        board.update(s(1000), s(2000), &[Some((s(1600), s(1900)))]);
        assert_eq!(
            board.lost_retransmission(s(1000), DUP_THRESH, SMSS),
            Some((s(1000), 100))
        );
        assert_eq!(
            board.lost_retransmission(s(1000), DUP_THRESH, SMSS),
            None,
            "returned once; sending it again records it again"
        );
    }

    #[test]
    fn a_retransmission_that_arrived_is_forgotten() {
        let mut board = board(&[(1100, 1400)]);
        board.retransmitted(s(1000), s(1100), s(1600));
        board.update(s(1100), s(2000), &[Some((s(1600), s(1900)))]);
        assert_eq!(board.lost_retransmission(s(1100), DUP_THRESH, SMSS), None);
    }

    #[test]
    fn the_rescue_retransmission_ends_at_the_highest_unsacked_octet_once() {
        // Everything up to HighRxt was resent, the tail 1400..1600 is unSACKed, nothing new.
        let mut board = board(&[(1100, 1400)]);
        board.high_rxt = s(1100);
        board.rescue_rxt = Some(s(1100));
        // HighACK has not passed RescueRxt: no rescue yet.
        assert_eq!(
            board.next_seg(s(1100), s(1600), DUP_THRESH, SMSS, false),
            None
        );
        let board_after_partial_ack = {
            let mut b = board.clone();
            b.update(s(1400), s(1600), &[]);
            b
        };
        assert_eq!(
            board_after_partial_ack.next_seg(s(1400), s(1600), DUP_THRESH, SMSS, false),
            Some(NextSeg::Rescue {
                seq: s(1500),
                len: 100
            })
        );
        board.rescue_rxt = Some(s(1600));
        assert_eq!(
            board.next_seg(s(1400), s(1600), DUP_THRESH, SMSS, false),
            None
        );
    }
}
