//! Options negotiated on the SYNs: MSS (RFC 9293 §3.7.1), window scale and timestamps
//! (RFC 7323), SACK-permitted (RFC 2018).

use super::Config;
use crate::wire::{SeqNumber, TcpOptions};

/// RFC 9293 §3.7.1: "If an MSS Option is not received at connection setup, TCP
/// implementations MUST assume a default send MSS of 536".
pub const DEFAULT_MSS: usize = 536;

/// RFC 7323 §2.3: the shift count is at most 14.
pub const MAX_WINDOW_SHIFT: u8 = 14;

/// What both ends agreed on.
#[derive(Clone, Debug)]
pub struct Negotiated {
    /// Largest payload we send: the peer's MSS, capped by ours.
    pub send_mss: usize,
    /// The peer's shift: applied to the window fields it sends (Snd.Wind.Shift).
    pub snd_shift: u8,
    /// Our shift: applied to the window fields we send (Rcv.Wind.Shift).
    pub rcv_shift: u8,
    /// Both sent SACK-permitted: we report SACK blocks.
    pub sack: bool,
    /// Both sent timestamps (RFC 7323 §3).
    pub timestamps: bool,
    /// TS.Recent: the timestamp to echo (RFC 7323 §4.3).
    pub ts_recent: u32,
    /// Last.ACK.sent (RFC 7323 §4.3): RCV.NXT as last acknowledged.
    pub last_ack_sent: SeqNumber,
}

/// The smallest shift that lets the window field express the whole receive buffer.
pub fn window_shift_for(capacity: usize) -> u8 {
    let mut shift = 0;
    while shift < MAX_WINDOW_SHIFT && (capacity >> shift) > usize::from(u16::MAX) {
        shift += 1;
    }
    shift
}

impl Negotiated {
    pub fn new(config: &Config) -> Negotiated {
        Negotiated {
            send_mss: DEFAULT_MSS.min(config.mss),
            snd_shift: 0,
            rcv_shift: 0,
            sack: false,
            timestamps: false,
            ts_recent: 0,
            last_ack_sent: SeqNumber(0),
        }
    }

    /// The options of a SYN (active open) or SYN-ACK (in reply to `peer`'s SYN: an option
    /// is only offered back if the peer offered it, RFC 7323 §2.2 and §3.2, RFC 2018 §2).
    pub fn syn_options(
        config: &Config,
        peer: Option<&TcpOptions>,
        ts_value: u32,
        ts_recent: u32,
    ) -> TcpOptions {
        let offered = |ours: bool, theirs: bool| ours && (peer.is_none() || theirs);
        let peer_ws = peer.is_some_and(|p| p.window_scale.is_some());
        TcpOptions {
            mss: Some(u16::try_from(config.mss).unwrap_or(u16::MAX)),
            window_scale: offered(config.window_scaling, peer_ws)
                .then(|| window_shift_for(config.recv_buffer)),
            sack_permitted: offered(config.sack, peer.is_some_and(|p| p.sack_permitted)),
            timestamps: offered(
                config.timestamps,
                peer.is_some_and(|p| p.timestamps.is_some()),
            )
            .then_some((ts_value, ts_recent)),
            ..TcpOptions::default()
        }
    }

    /// Records what the peer's SYN (or SYN-ACK) offered, given what ours offered.
    pub fn negotiate(&mut self, config: &Config, ours: &TcpOptions, peer: &TcpOptions) {
        let peer_mss = peer.mss.map_or(DEFAULT_MSS, usize::from).max(64);
        self.send_mss = peer_mss.min(config.mss);
        // RFC 7323 §2.2: scaling is used only if both sent the option; a shift above 14 is
        // used as 14 (§2.3).
        match (ours.window_scale, peer.window_scale) {
            (Some(mine), Some(theirs)) => {
                self.rcv_shift = mine;
                self.snd_shift = theirs.min(MAX_WINDOW_SHIFT);
            }
            _ => {
                self.rcv_shift = 0;
                self.snd_shift = 0;
            }
        }
        self.sack = ours.sack_permitted && peer.sack_permitted;
        self.timestamps = ours.timestamps.is_some() && peer.timestamps.is_some();
        if let (true, Some((value, _))) = (self.timestamps, peer.timestamps) {
            self.ts_recent = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shift_is_the_smallest_that_fits_the_buffer_in_sixteen_bits() {
        assert_eq!(window_shift_for(65_535), 0);
        assert_eq!(window_shift_for(65_536), 1);
        assert_eq!(window_shift_for(1 << 20), 5);
        assert_eq!(window_shift_for(usize::MAX), MAX_WINDOW_SHIFT);
    }

    #[test]
    fn scaling_is_off_unless_both_syns_carry_the_option() {
        let config = Config::default();
        let mut n = Negotiated::new(&config);
        let ours = TcpOptions {
            window_scale: Some(7),
            ..TcpOptions::default()
        };
        n.negotiate(&config, &ours, &TcpOptions::default());
        assert_eq!((n.rcv_shift, n.snd_shift), (0, 0));
        let theirs = TcpOptions {
            window_scale: Some(20),
            mss: Some(1200),
            ..TcpOptions::default()
        };
        n.negotiate(&config, &ours, &theirs);
        assert_eq!((n.rcv_shift, n.snd_shift), (7, 14));
        assert_eq!(n.send_mss, 1200);
    }

    #[test]
    fn without_an_mss_option_the_peer_gets_536_bytes() {
        let config = Config::default();
        let mut n = Negotiated::new(&config);
        n.negotiate(&config, &TcpOptions::default(), &TcpOptions::default());
        assert_eq!(n.send_mss, 536);
    }
}
