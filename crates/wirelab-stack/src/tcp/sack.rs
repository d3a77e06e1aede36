//! The sender's SACK scoreboard (RFC 2018 §5): which bytes above SND.UNA the receiver holds,
//! so that fast recovery can resend every hole it reports instead of one hole per round
//! trip (NewReno without SACK).
//!
//! ```text
//!   SND.UNA                                                    SND.MAX
//!      |  hole  |## SACKed ##|  hole  |##### SACKed #####|  not yet known  |
//!      ^ fast retransmit      ^ next_hole after HighRxt
//! ```
//!
//! This is a simplification of RFC 6675: holes below the highest SACKed byte are resent one
//! per ACK during fast recovery (`HighRxt` remembers how far that got), while the amount in
//! flight is still NewReno's inflated cwnd rather than RFC 6675's "pipe". After a
//! retransmission timeout the scoreboard is cleared (RFC 2018 §8: the receiver may have
//! discarded what it SACKed).

use crate::wire::SeqNumber;

#[derive(Clone, Debug, Default)]
pub struct Scoreboard {
    /// Disjoint SACKed ranges [left, right), sorted.
    sacked: Vec<(SeqNumber, SeqNumber)>,
    /// HighRxt (RFC 6675 §2): the end of the highest retransmission in this recovery.
    pub high_rxt: SeqNumber,
}

impl Scoreboard {
    pub fn clear(&mut self) {
        self.sacked.clear();
    }

    pub fn ranges(&self) -> &[(SeqNumber, SeqNumber)] {
        &self.sacked
    }

    /// Adds the blocks of an ACK, ignoring blocks that make no sense (RFC 2018 §5 leaves
    /// that to the sender; RFC 6675 §5.1 asks to ignore blocks below SND.UNA), and forgets
    /// what SND.UNA passed.
    pub fn update(
        &mut self,
        una: SeqNumber,
        max: SeqNumber,
        blocks: &[Option<(SeqNumber, SeqNumber)>],
    ) {
        for &(left, right) in blocks.iter().flatten() {
            if left < right && una < right && right <= max {
                self.insert(left.max(una), right);
            }
        }
        self.sacked.retain_mut(|(left, right)| {
            *left = (*left).max(una);
            una < *right
        });
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

    /// The first hole (unSACKed range below the highest SACKed byte) that ends after
    /// `from`, starting no earlier than `from`.
    pub fn next_hole(&self, una: SeqNumber, from: SeqNumber) -> Option<(SeqNumber, SeqNumber)> {
        let mut start = una;
        for &(left, right) in &self.sacked {
            if start < left && from < left {
                return Some((start.max(from), left));
            }
            start = start.max(right);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u32) -> SeqNumber {
        SeqNumber(n)
    }

    #[test]
    fn blocks_merge_and_are_forgotten_below_snd_una() {
        let mut board = Scoreboard::default();
        board.update(
            s(100),
            s(1000),
            &[Some((s(300), s(400))), Some((s(400), s(500))), None],
        );
        assert_eq!(board.ranges(), [(s(300), s(500))]);
        board.update(s(350), s(1000), &[]);
        assert_eq!(board.ranges(), [(s(350), s(500))]);
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
    fn holes_are_found_one_after_the_other() {
        let mut board = Scoreboard::default();
        board.update(
            s(100),
            s(1000),
            &[Some((s(200), s(300))), Some((s(400), s(500))), None],
        );
        assert_eq!(board.next_hole(s(100), s(100)), Some((s(100), s(200))));
        assert_eq!(board.next_hole(s(100), s(200)), Some((s(300), s(400))));
        assert_eq!(board.next_hole(s(100), s(350)), Some((s(350), s(400))));
        assert_eq!(
            board.next_hole(s(100), s(400)),
            None,
            "nothing is known beyond 500"
        );
    }
}
