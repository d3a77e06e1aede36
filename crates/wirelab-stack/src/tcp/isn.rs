//! Initial sequence numbers (RFC 6528 §3):
//!
//! ```text
//!     ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
//! ```
//!
//! M is a timer that ticks every 4 microseconds; F is a keyed hash, here the first four bytes
//! of SHA-256 over the secret and the 4-tuple. An off-path attacker who does not know the
//! secret cannot predict the ISN of a connection (which blind RST and data injection need),
//! while a new incarnation of the same 4-tuple still starts above the old one's numbers as
//! the clock advances. The secret is injected (sans-IO): the driver draws it once.

use crate::wire::SeqNumber;
use crate::Instant;
use sha2::{Digest, Sha256};
use std::net::SocketAddrV4;

pub fn initial_sequence_number(
    secret: &[u8; 16],
    local: SocketAddrV4,
    remote: SocketAddrV4,
    now: Instant,
) -> SeqNumber {
    let m = (now.total_micros() / 4) as u32;
    let mut hash = Sha256::new();
    hash.update(secret);
    hash.update(local.ip().octets());
    hash.update(local.port().to_be_bytes());
    hash.update(remote.ip().octets());
    hash.update(remote.port().to_be_bytes());
    let digest = hash.finalize();
    let f = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    SeqNumber(m.wrapping_add(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddrV4 {
        s.parse().unwrap()
    }

    #[test]
    fn the_isn_advances_with_the_four_microsecond_clock() {
        let secret = [7; 16];
        let (a, b) = (addr("10.0.0.1:5000"), addr("10.0.0.2:80"));
        let t0 = initial_sequence_number(&secret, a, b, Instant::from_micros(0));
        let t1 = initial_sequence_number(&secret, a, b, Instant::from_micros(400));
        assert_eq!(t1.0.wrapping_sub(t0.0), 100);
    }

    #[test]
    fn another_secret_or_port_gives_an_unrelated_isn() {
        let (a, b) = (addr("10.0.0.1:5000"), addr("10.0.0.2:80"));
        let now = Instant::ZERO;
        let base = initial_sequence_number(&[7; 16], a, b, now);
        assert_ne!(base, initial_sequence_number(&[8; 16], a, b, now));
        assert_ne!(
            base,
            initial_sequence_number(&[7; 16], addr("10.0.0.1:5001"), b, now)
        );
    }
}
