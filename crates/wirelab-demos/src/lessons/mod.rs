//! The catalogue of lessons and how to run one by name.

mod chart;
mod crypto;
mod datagrams;
mod tcp_flow;
mod tcp_life;
mod tls;

use crate::{DemoError, Lesson, Params};

/// A lesson's name and what it shows, for `wirelab demo`.
#[derive(Clone, Copy, Debug)]
pub struct LessonInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub about: &'static str,
    run: fn(&Params) -> Lesson,
}

const CATALOG: &[LessonInfo] = &[
    LessonInfo {
        name: "tcp-handshake",
        title: "The three-way handshake",
        about: "SYN, SYN-ACK, ACK: two initial sequence numbers agreed, options negotiated",
        run: tcp_life::handshake,
    },
    LessonInfo {
        name: "tcp-simultaneous-open",
        title: "A simultaneous open",
        about: "both sides send SYN at once: four segments, both pass through SYN-RECEIVED",
        run: tcp_life::simultaneous_open,
    },
    LessonInfo {
        name: "tcp-close",
        title: "Closing a connection",
        about: "active and passive close, then a simultaneous close; TIME-WAIT and its 2×MSL",
        run: tcp_life::close,
    },
    LessonInfo {
        name: "tcp-reset",
        title: "Resets",
        about: "a SYN to a closed port is refused with RST; an application aborts with RST",
        run: tcp_life::reset,
    },
    LessonInfo {
        name: "tcp-window",
        title: "Flow control: a slow reader",
        about: "the receive window shrinks to zero, persist probes, the window update",
        run: tcp_flow::window,
    },
    LessonInfo {
        name: "tcp-loss",
        title: "Loss and its repair",
        about: "fast retransmit on three duplicate ACKs with SACK, then an RTO retransmission",
        run: tcp_flow::loss,
    },
    LessonInfo {
        name: "tcp-congestion",
        title: "Congestion control",
        about: "slow start, a loss, fast recovery, congestion avoidance; cwnd plotted",
        run: tcp_flow::congestion,
    },
    LessonInfo {
        name: "udp",
        title: "UDP datagrams",
        about: "no handshake, no acknowledgment: a lost datagram stays lost",
        run: datagrams::udp,
    },
    LessonInfo {
        name: "arp-ping",
        title: "ARP and ping",
        about: "who-has / is-at, then ICMP echo; a ping to a host that does not exist",
        run: datagrams::arp_ping,
    },
    LessonInfo {
        name: "rsa-keygen",
        title: "RSA: a key pair, then a secret",
        about: "primes, n, e, d step by step; the public key and a ciphertext cross the link",
        run: crypto::rsa_keygen,
    },
    LessonInfo {
        name: "dh-exchange",
        title: "A Diffie-Hellman exchange",
        about: "g^a and g^b cross the link in the clear; both sides compute the same g^ab",
        run: crypto::dh_exchange,
    },
    LessonInfo {
        name: "tls-ecdhe",
        title: "TLS 1.2 with ECDHE",
        about: "a TLS 1.2 handshake over the stack's TCP: X25519, signed by RSA; every secret",
        run: tls::ecdhe,
    },
    LessonInfo {
        name: "tls-dhe",
        title: "TLS 1.2 with DHE",
        about: "the same with finite-field Diffie-Hellman (ffdhe2048)",
        run: tls::dhe,
    },
    LessonInfo {
        name: "tls-rsa",
        title: "TLS 1.2 with RSA key transport",
        about: "the client encrypts the pre-master secret to the server's key: no forward secrecy",
        run: tls::rsa,
    },
];

/// Every lesson, in teaching order.
pub fn catalog() -> &'static [LessonInfo] {
    CATALOG
}

/// Runs the lesson called `name`.
pub fn run_lesson(name: &str, params: &Params) -> Result<Lesson, DemoError> {
    check(params)?;
    let info = CATALOG
        .iter()
        .find(|info| info.name == name)
        .ok_or_else(|| DemoError::UnknownLesson(name.to_string()))?;
    Ok((info.run)(params))
}

fn check(params: &Params) -> Result<(), DemoError> {
    if let Some(loss) = params.loss {
        if !(0.0..=0.5).contains(&loss) {
            return Err(DemoError::BadParameter(format!(
                "--loss {loss}: expected a probability from 0 to 0.5 (higher and the lessons \
                 never end)"
            )));
        }
    }
    if let Some(mss) = params.mss {
        if !(64..=9000).contains(&mss) {
            return Err(DemoError::BadParameter(format!(
                "--mss {mss}: expected 64 to 9000 bytes"
            )));
        }
    }
    if let Some(window) = params.window {
        if !(1024..=1 << 24).contains(&window) {
            return Err(DemoError::BadParameter(format!(
                "--window {window}: expected 1024 to 16777216 bytes"
            )));
        }
    }
    if let Some(delay) = params.delay_ms {
        if delay > 10_000 {
            return Err(DemoError::BadParameter(format!(
                "--delay {delay}: expected at most 10000 ms"
            )));
        }
    }
    if let Some(bps) = params.bandwidth {
        if bps < 64_000 {
            return Err(DemoError::BadParameter(format!(
                "--bandwidth {bps}: expected at least 64000 bits per second"
            )));
        }
    }
    Ok(())
}
