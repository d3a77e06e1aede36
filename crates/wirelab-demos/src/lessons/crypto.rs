//! Public-key cryptography carried over the simulated link: the numbers are computed on each
//! host (every step shown), and only the public ones cross the wire, in UDP datagrams.

use crate::run::{Run, Setup};
use crate::{Host, Lesson, Params, Step, TraceEvent};
use std::net::SocketAddrV4;
use wirelab_crypto::dh::{self, Group};
use wirelab_crypto::rsa::{self, pkcs1v15, Decryption, KeyFormat};
use wirelab_crypto::{rng_from_seed, Steps};
use wirelab_stack::sim::{ADDR_A, ADDR_B};
use wirelab_stack::Duration;

/// A port no dissector claims: the payload shows as data.
const PORT: u16 = 40001;

/// One host computes, then sends the public part of the result to the other.
struct Turn {
    host: Host,
    computed: Steps,
    /// Why the host computes this.
    computing: String,
    payload: Vec<u8>,
    /// What the datagram carries and who can read it.
    sending: String,
}

/// Plays the turns on the link; returns the steps: each turn's computation, the frames up
/// to its datagram, and at the end the `closing` computation and any frames left.
fn play(
    params: &Params,
    turns: Vec<Turn>,
    closing: Vec<(Host, Steps, String)>,
) -> (Vec<Step>, usize) {
    let mut run = Run::new(Setup::new(params), params);
    run.sim.a.udp_bind(PORT);
    run.sim.b.udp_bind(PORT);
    let mut undelivered = 0;
    for turn in &turns {
        let now = run.sim.now;
        let (iface, peer) = match turn.host {
            Host::A => (&mut run.sim.a, ADDR_B),
            Host::B => (&mut run.sim.b, ADDR_A),
        };
        iface.udp_send_to(now, PORT, SocketAddrV4::new(peer, PORT), &turn.payload);
        // Until the peer has it, or ARP has given up (three requests a second apart).
        let receiver = turn.host;
        let arrived = run.run(Duration::from_secs(5), |sim, _| match receiver {
            Host::A => sim.b.udp_recv_from(PORT).is_some(),
            Host::B => sim.a.udp_recv_from(PORT).is_some(),
        });
        if !arrived {
            undelivered += 1;
        }
    }
    let frames = run.into_steps();
    let mut frames = frames.into_iter().peekable();
    let mut steps = Vec::new();
    for turn in turns {
        let at = frames.peek().map_or(0, |s| s.micros);
        steps.push(computation(turn.host, at, &turn.computed, turn.computing));
        for mut step in frames.by_ref() {
            let is_turn = step
                .frames
                .iter()
                .any(|f| f.from == turn.host && f.summary.contains("UDP"));
            if is_turn {
                step.narration = format!("{} {}", turn.sending, step.narration);
                steps.push(step);
                break;
            }
            steps.push(step);
        }
    }
    let at = steps.last().map_or(0, |s| s.micros);
    for (host, computed, why) in closing {
        steps.push(computation(host, at, &computed, why));
    }
    steps.extend(frames);
    (steps, undelivered)
}

/// A sentence for the summary when a datagram of the exchange never arrived (with --loss):
/// nothing resends it, and the lesson computes both sides anyway.
fn losses(lost: usize) -> String {
    if lost == 0 {
        String::new()
    } else {
        format!(
            " {lost} of the datagrams never arrived (lost, or their ARP went unanswered), and UDP does not resend them: a real \
             protocol would time out and retry; the lesson computes both sides anyway."
        )
    }
}

/// A step without frames: the values a host computed, one event each.
fn computation(host: Host, micros: u64, computed: &Steps, why: String) -> Step {
    let events = computed
        .shortened()
        .0
        .into_iter()
        .map(|s| TraceEvent {
            micros,
            host,
            text: if s.formula.is_empty() {
                format!("{} = {}   ({})", s.name, s.value, s.why)
            } else {
                format!("{} = {} = {}   ({})", s.name, s.formula, s.value, s.why)
            },
            tcp: None,
            endpoints: None,
            iface: None,
        })
        .collect();
    Step {
        micros,
        frames: Vec::new(),
        events,
        narration: why,
    }
}

/// The steps named from `from` (inclusive) to `to` (exclusive), or to the end.
fn slice(steps: &Steps, from: Option<&str>, to: Option<&str>) -> Steps {
    let position = |name: Option<&str>, default: usize| {
        name.and_then(|n| steps.0.iter().position(|s| s.name == n))
            .unwrap_or(default)
    };
    let start = position(from, 0);
    let end = position(to, steps.0.len()).max(start);
    Steps(
        steps
            .0
            .get(start..end)
            .map(<[_]>::to_vec)
            .unwrap_or_default(),
    )
}

pub fn dh_exchange(params: &Params) -> Lesson {
    let group = Group::ffdhe2048();
    let mut rng = rng_from_seed(Some(params.seed));
    let exchange = match dh::random_exchange(&group, &mut rng) {
        Ok(exchange) => exchange,
        Err(e) => return failed("dh-exchange", "A Diffie-Hellman exchange", e.to_string()),
    };
    let steps = &exchange.steps;
    let alice_public = exchange.alice.public.y.to_bytes_be();
    let bob_public = exchange.bob.public.y.to_bytes_be();
    let turns = vec![
        Turn {
            host: Host::A,
            computed: slice(steps, None, Some("b")),
            computing: "A (Alice) takes the public group ffdhe2048 (RFC 7919): a 2048-bit safe \
                        prime p and the generator g = 2. She draws a secret exponent a and \
                        computes A = g^a mod p (RFC 2631 §2.1.1)."
                .to_string(),
            payload: alice_public,
            sending: "Alice sends A in the clear. An eavesdropper sees p, g and A, but finding \
                      a from them is the discrete logarithm problem."
                .to_string(),
        },
        Turn {
            host: Host::B,
            computed: slice(steps, Some("b"), Some("B in range")),
            computing: "B (Bob) draws his own secret b and computes B = g^b mod p.".to_string(),
            payload: bob_public,
            sending: "Bob sends B in the clear.".to_string(),
        },
    ];
    let named = |names: &[&str]| {
        Steps(
            steps
                .0
                .iter()
                .filter(|s| names.contains(&s.name.as_str()))
                .cloned()
                .collect(),
        )
    };
    let closing = vec![
        (
            Host::A,
            named(&["B in range", "B in subgroup", "s (Alice)"]),
            "Alice checks that Bob's value is in range and in the subgroup of order q \
             (RFC 7919 §5.1: a small-subgroup attack otherwise), then computes s = B^a mod p."
                .to_string(),
        ),
        (
            Host::B,
            named(&["A in range", "A in subgroup", "s (Bob)"]),
            "Bob checks Alice's value the same way and computes s = A^b mod p.".to_string(),
        ),
        (
            Host::A,
            named(&["equal", "Z (padded)", "Z (TLS 1.2)"]),
            "Both are g^(ab) mod p: the same secret, which never crossed the link. TLS 1.2 \
             strips its leading zero bytes to make the pre-master secret (RFC 5246 §8.1.2)."
                .to_string(),
        ),
    ];
    let (steps, undelivered) = play(params, turns, closing);
    Lesson {
        keylog: None,
        name: "dh-exchange",
        title: "A Diffie-Hellman exchange",
        intro: "Alice (A) and Bob (B) agree on a secret over a link anyone can read. Only two \
                numbers cross it, each in a UDP datagram; the secret exponents stay home. \
                Every value is shown as it is computed."
            .to_string(),
        summary: format!(
            "Shared secret equal on both sides: {}. Without authentication, a man in the \
             middle could run one exchange with each side: TLS signs the server's value \
             (tls-dhe, tls-ecdhe).{}",
            exchange.steps.value("equal").unwrap_or("unknown"),
            losses(undelivered)
        ),
        steps,
    }
}

pub fn rsa_keygen(params: &Params) -> Lesson {
    let mut rng = rng_from_seed(Some(params.seed));
    let e = rsa::BigUint::from(rsa::DEFAULT_EXPONENT);
    let (key, keygen_steps) = match rsa::generate_with_steps(1024, &e, &mut rng) {
        Ok(made) => made,
        Err(err) => {
            return failed(
                "rsa-keygen",
                "RSA: a key pair, then a secret",
                err.to_string(),
            )
        }
    };
    let public = key.public_key();
    let public_der = rsa::keyfile::public_key_der(&public, KeyFormat::Pkcs1).unwrap_or_default();
    let message = b"the secret is 42";
    let mut encrypt_steps = Steps::new();
    let ciphertext =
        pkcs1v15::encrypt(&public, message, &mut rng, Some(&mut encrypt_steps)).unwrap_or_default();
    let mut decrypt_steps = Steps::new();
    let decrypted = pkcs1v15::decrypt(&key, &ciphertext, Decryption::Crt, Some(&mut decrypt_steps))
        .unwrap_or_default();
    let turns = vec![
        Turn {
            host: Host::A,
            computed: keygen_steps,
            computing: "A makes a 1024-bit RSA key pair (a size for lessons only: use 2048 bits \
                        or more): two random primes p and q, n = p·q, e = 65537, and \
                        d = e⁻¹ mod λ(n) (RFC 8017 §3, FIPS 186-5 §A.1.3)."
                .to_string(),
            payload: public_der,
            sending: "A sends its public key (n, e) as a PKCS#1 RSAPublicKey in DER \
                      (RFC 8017 A.1.1). Anyone may read it; d, p and q stay on A."
                .to_string(),
        },
        Turn {
            host: Host::B,
            computed: encrypt_steps,
            computing: "B encrypts a short message to A with the public key: PKCS#1 v1.5 \
                        padding (00 02, random non-zero bytes, 00, the message), then \
                        c = m^e mod n (RFC 8017 §7.2.1)."
                .to_string(),
            payload: ciphertext,
            sending: "B sends the ciphertext: as long as n, and unreadable without d.".to_string(),
        },
    ];
    let closing = vec![(
        Host::A,
        decrypt_steps,
        "A decrypts with its private key, m = c^d mod n computed with the Chinese Remainder \
         Theorem, and checks and removes the padding (RFC 8017 §7.2.2)."
            .to_string(),
    )];
    let (steps, undelivered) = play(params, turns, closing);
    Lesson {
        keylog: None,
        name: "rsa-keygen",
        title: "RSA: a key pair, then a secret",
        intro: "A makes an RSA key pair and publishes the public half over the link; B uses \
                it to send A a secret that only A can read. The key, the padding and the \
                decryption are shown step by step."
            .to_string(),
        summary: format!(
            "A recovered {:?} (sent: {:?}). RSA encryption of secrets is how the tls-rsa key \
             exchange works, and why it has no forward secrecy: whoever later gets d can \
             decrypt every recorded session.{}",
            String::from_utf8_lossy(&decrypted),
            String::from_utf8_lossy(message),
            losses(undelivered)
        ),
        steps,
    }
}

/// A lesson that could not compute its numbers: says why instead of a trace.
fn failed(name: &'static str, title: &'static str, why: String) -> Lesson {
    Lesson {
        keylog: None,
        name,
        title,
        intro: format!("The computation failed: {why}"),
        steps: Vec::new(),
        summary: why,
    }
}
