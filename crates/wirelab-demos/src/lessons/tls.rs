//! A TLS 1.2 handshake over the stack's TCP over the simulated link: the sans-IO client on A
//! and server on B exchange their records through two TCP sockets, and every secret the two
//! report becomes an event of the trace.

use super::tcp_life::open;
use crate::run::{Run, Setup};
use crate::{Host, Lesson, Params, TraceEvent};
use wirelab_crypto::rng_from_seed;
use wirelab_crypto::rsa::KeyFile;
use wirelab_stack::Duration;
use wirelab_tls::client::{Client, ClientConfig};
use wirelab_tls::codec::CipherSuite;
use wirelab_tls::server::{Server, ServerConfig};

/// HTTPS's port, so that Wireshark dissects the records as TLS.
const PORT: u16 = 443;

/// The throwaway identity of "The Illustrated TLS 1.2 Connection" (MIT licence, see
/// data/illustrated-tls12/): a public key, for lessons only.
const SERVER_CERT: &[u8] = include_bytes!("../../data/illustrated-tls12/server.crt");
const SERVER_KEY: &[u8] = include_bytes!("../../data/illustrated-tls12/server.key");

fn server_config(suite: CipherSuite) -> Result<ServerConfig, String> {
    let key = match wirelab_crypto::rsa::keyfile::read_key(SERVER_KEY) {
        Ok(KeyFile::Private(key)) => key,
        Ok(_) => return Err("server.key holds no private key".to_string()),
        Err(e) => return Err(format!("server.key: {e}")),
    };
    let chain =
        wirelab_tls::cert::read_pem_chain(SERVER_CERT).map_err(|e| format!("server.crt: {e}"))?;
    let mut config = ServerConfig::new(chain, key);
    config.cipher_suites = vec![suite];
    Ok(config)
}

/// Moves bytes between a TLS endpoint and its TCP socket: output the socket accepts goes
/// out, what arrives goes in. Returns the TLS error, if any.
macro_rules! pump {
    ($tls:expr, $pending:expr, $conn:expr, $buf:expr) => {{
        let mut failure = None;
        $pending.extend($tls.take_output());
        if !$pending.is_empty() {
            let n = $conn.send(&$pending);
            $pending.drain(..n);
        }
        loop {
            let n = $conn.recv(&mut $buf);
            if n == 0 {
                break;
            }
            if let Err(e) = $tls.receive(&$buf[..n]) {
                failure = Some(e.to_string());
            }
        }
        $pending.extend($tls.take_output());
        if !$pending.is_empty() {
            let n = $conn.send(&$pending);
            $pending.drain(..n);
        }
        failure
    }};
}

struct Variant {
    name: &'static str,
    title: &'static str,
    suite: CipherSuite,
    intro: &'static str,
}

fn handshake(params: &Params, variant: Variant) -> Lesson {
    let mut run = Run::new(Setup::new(params), params);
    let config = ClientConfig {
        cipher_suites: vec![variant.suite],
        server_name: Some("example.ulfheim.net".to_string()),
        ..ClientConfig::default()
    };
    let mut client = Client::new(config, Box::new(rng_from_seed(Some(params.seed))));
    let mut server = match server_config(variant.suite) {
        Ok(config) => Server::new(
            config,
            Box::new(rng_from_seed(Some(params.seed.wrapping_add(1)))),
        ),
        Err(why) => return failed(variant, why),
    };
    let mut outcome = String::from("The TCP connection did not open");
    let mut keylog = None;
    if let Some((a, b)) = open(&mut run, PORT) {
        let (mut to_b, mut to_a) = (Vec::new(), Vec::new());
        let mut buf = vec![0u8; 65536];
        let mut tls_events: Vec<TraceEvent> = Vec::new();
        let mut failure = None;
        let mut request_sent = false;
        let mut reply = Vec::new();
        let mut answered = false;
        run.run(Duration::from_secs(30), |sim, _| {
            let now = sim.now.total_micros();
            if let Some(c) = sim.a.tcp(a) {
                if request_sent || !client.is_established() {
                    failure = failure.take().or(pump!(client, to_b, c, buf));
                }
            }
            if let Some(s) = sim.b.tcp(b) {
                failure = failure.take().or(pump!(server, to_a, s, buf));
                let request = server.take_received();
                if !request.is_empty() && !answered {
                    answered = server
                        .send(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nhello\n")
                        .is_ok();
                    failure = failure.take().or(pump!(server, to_a, s, buf));
                }
            }
            if client.is_established() && !request_sent {
                request_sent = client
                    .send(b"GET / HTTP/1.1\r\nhost: example.ulfheim.net\r\n\r\n")
                    .is_ok();
                if let Some(c) = sim.a.tcp(a) {
                    failure = failure.take().or(pump!(client, to_b, c, buf));
                }
            }
            reply.extend(client.take_received());
            for (host, event) in std::iter::from_fn(|| client.poll_event().map(|e| (Host::A, e)))
                .chain(std::iter::from_fn(|| {
                    server.poll_event().map(|e| (Host::B, e))
                }))
            {
                tls_events.push(TraceEvent {
                    micros: now,
                    host,
                    text: format!("TLS {event}"),
                    tcp: None,
                    endpoints: None,
                    iface: None,
                });
            }
            failure.is_some() || reply.ends_with(b"hello\n")
        });
        run.events.extend(tls_events);
        keylog = client.keylog_line();
        outcome = match failure {
            Some(why) => format!("The handshake failed: {why}"),
            None if reply.ends_with(b"hello\n") => format!(
                "The handshake completed and the client read the server's reply ({} bytes, \
                 protected by {})",
                reply.len(),
                variant.suite
            ),
            None => "The handshake did not complete in 30 s of virtual time".to_string(),
        };
    }
    let mut steps = run.into_steps();
    for step in &mut steps {
        let sender = step.frames.first().map(|f| f.from);
        let sent: Vec<String> = step
            .events
            .iter()
            .filter(|e| Some(e.host) == sender)
            .filter_map(|e| e.text.strip_prefix("TLS sent "))
            .map(|m| m.to_string())
            .collect();
        if !sent.is_empty() {
            step.narration = format!(
                "TLS hands this TCP segment its records: {} (RFC 5246 §7). {}",
                sent.join(", "),
                step.narration
            );
        }
    }
    Lesson {
        keylog,
        name: variant.name,
        title: variant.title,
        intro: format!(
            "{} The client (A) and the server (B) are the sans-IO TLS 1.2 endpoints of \
             wirelab-tls; their records travel as the payload of a TCP connection of the \
             stack, port 443, over the simulated link. Every secret the two sides compute is \
             shown as an event (\"TLS ...\"): a lesson's keys are no secret. The server's \
             certificate is the throwaway one of The Illustrated TLS 1.2 Connection. Saved \
             with --pcap, the file carries the key log, and Wireshark shows the HTTP inside.",
            variant.intro
        ),
        steps,
        summary: format!("{outcome}."),
    }
}

fn failed(variant: Variant, why: String) -> Lesson {
    Lesson {
        keylog: None,
        name: variant.name,
        title: variant.title,
        intro: format!("The lesson could not start: {why}"),
        steps: Vec::new(),
        summary: why,
    }
}

pub fn ecdhe(params: &Params) -> Lesson {
    handshake(
        params,
        Variant {
            name: "tls-ecdhe",
            title: "TLS 1.2 with ECDHE",
            suite: CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            intro: "ECDHE_RSA (RFC 8422): the server sends an ephemeral X25519 public value \
                    signed with its RSA key, the client answers with its own; both compute \
                    the same shared secret, the pre-master secret. Forward secrecy: the \
                    ephemeral keys are gone after the handshake.",
        },
    )
}

pub fn dhe(params: &Params) -> Lesson {
    handshake(
        params,
        Variant {
            name: "tls-dhe",
            title: "TLS 1.2 with DHE",
            suite: CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
            intro: "DHE_RSA (RFC 5246 §7.4.3): finite-field Diffie-Hellman as in dh-exchange, \
                    in the group ffdhe2048; the server signs p, g and its public value.",
        },
    )
}

pub fn rsa(params: &Params) -> Lesson {
    handshake(
        params,
        Variant {
            name: "tls-rsa",
            title: "TLS 1.2 with RSA key transport",
            suite: CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
            intro: "RSA key transport (RFC 5246 §7.4.7.1): the client makes up the pre-master \
                    secret and encrypts it to the server's public key, as in rsa-keygen. No \
                    ServerKeyExchange, and no forward secrecy.",
        },
    )
}
