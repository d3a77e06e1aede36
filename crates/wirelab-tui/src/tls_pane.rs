//! The TLS pane's content: the handshake of one TCP stream, message by message in the order
//! the records completed (RFC 5246 §7.3, figure 1), each with its main values as the TLS
//! dissector of the analysis crate shows them, and the session's secrets when a key log has
//! them.
//!
//! ```text
//!  ClientHello          →   version, random, suites offered, server name
//!  ServerHello          ←   version, random, the suite chosen
//!  Certificate          ←   subject, issuer, key
//!  ServerKeyExchange    ←   group and public value (ECDHE / DHE)
//!  ClientKeyExchange    →   public value, or the encrypted pre-master secret (RSA)
//!  ChangeCipherSpec, Finished (verify data)  both ways
//! ```

use crate::replay::{self, ReplayContext};
use crate::source::TraceSource;
use crate::tree::item_text;
use std::collections::HashMap;
use wirelab_analyze::stream::StreamOptions;
use wirelab_wire::Dissection;

/// One message (or record without messages: Change Cipher Spec, an alert, application data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsMessage {
    pub frame: u64,
    /// Sent by endpoint A (the stream's first sender, the client).
    pub from_a: bool,
    /// `Client Hello`, `Change Cipher Spec`, `Application Data`.
    pub name: String,
    /// `Random: 08:08:…`, one line each.
    pub values: Vec<String>,
}

/// The TLS of one TCP stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsSession {
    pub messages: Vec<TlsMessage>,
    /// `Master secret: …` when the key log knows this session's client random.
    pub secrets: Vec<String>,
    /// Whether a key log was given at all (to tell "no key log" from "not in the key log").
    pub keylog_given: bool,
}

/// The fields a message line shows; the rest are in the detail tree.
const SHOWN: [&str; 18] = [
    "tls.handshake.version",
    "tls.handshake.random",
    "tls.handshake.session_id",
    "tls.handshake.ciphersuites",
    "tls.handshake.ciphersuite",
    "tls.handshake.extensions_server_name",
    "tls.handshake.certificate",
    "tls.handshake.server_named_curve",
    "tls.handshake.server_point",
    "tls.handshake.p",
    "tls.handshake.g",
    "tls.handshake.ys",
    "tls.handshake.client_point",
    "tls.handshake.yc",
    "tls.handshake.epms",
    "tls.handshake.verify_data",
    "tls.handshake.session_ticket_lifetime_hint",
    "wirelab.tls.decrypted",
];

/// Read the trace up to the stream's last frame and collect its TLS records. `frames` are the
/// stream's frames with whether A sent each.
pub fn build(
    source: &dyn TraceSource,
    context: &ReplayContext,
    frames: &[(u64, bool)],
) -> Result<TlsSession, String> {
    let sender: HashMap<u64, bool> = frames.iter().copied().collect();
    let last = frames.last().map_or(0, |f| f.0);
    let mut other = Dissection::without_titles();
    let mut session = TlsSession {
        keylog_given: context.secrets.keylog.is_some(),
        ..TlsSession::default()
    };
    let mut client_random: Option<[u8; 32]> = None;
    let options = StreamOptions::default();
    replay::replay_frames(
        source,
        context,
        options,
        last,
        |frame, dissector, analyzer| {
            // Only the stream's frames need their titles, which name the TLS messages.
            let Some(&from_a) = sender.get(&frame.number) else {
                dissector.dissect_with(frame, &mut other, analyzer);
                return true;
            };
            let mut d = Dissection::new();
            dissector.dissect_with(frame, &mut d, analyzer);
            let records = messages(&d, frame.bytes, frame.number, from_a);
            if client_random.is_none() {
                client_random = d
                    .first("tls.handshake.random")
                    .filter(|_| from_a)
                    .and_then(|item| frame.bytes.get(item.range()))
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok());
            }
            session.messages.extend(records);
            true
        },
    )?;
    if let (Some(keylog), Some(random)) = (&context.secrets.keylog, client_random) {
        if let Some(master) = keylog.master_secret(&random) {
            session
                .secrets
                .push(format!("Client random: {}", hex(&random)));
            session
                .secrets
                .push(format!("Master secret: {}", hex(master)));
        }
    }
    Ok(session)
}

/// `Change Cipher Spec` from `TLSv1.2 Record Layer: Change Cipher Spec Protocol: Change
/// Cipher Spec`; `Alert (Level: Warning, …)` from `… Record Layer: Alert: Alert (Level: …)`.
fn record_name(title: &str) -> String {
    let after_layer = title.split_once(": ").map_or(title, |(_, rest)| rest);
    let name = match after_layer.split_once(" Protocol: ") {
        Some((_, name)) => name,
        None => after_layer.strip_prefix("Alert: ").unwrap_or(after_layer),
    };
    name.to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The TLS messages of one frame's tree.
fn messages(d: &Dissection, bytes: &[u8], frame: u64, from_a: bool) -> Vec<TlsMessage> {
    let mut out: Vec<TlsMessage> = Vec::new();
    // Items inside a shown field (the suites of the suite list) are not shown one by one.
    let mut skip_below: Option<u8> = None;
    for item in &d.items {
        if skip_below.is_some_and(|depth| item.depth > depth) {
            continue;
        }
        skip_below = None;
        let name = item.def.name;
        let title = d.title(item).unwrap_or("");
        let new_message = match name {
            "tls.handshake" => Some(
                title
                    .strip_prefix("Handshake Protocol: ")
                    .unwrap_or(title)
                    .to_string(),
            ),
            "tls.record" if !title.contains("Handshake Protocol") => Some(record_name(title)),
            _ => None,
        };
        if let Some(name) = new_message {
            out.push(TlsMessage {
                frame,
                from_a,
                name,
                values: Vec::new(),
            });
            continue;
        }
        if SHOWN.contains(&name) {
            if let Some(message) = out.last_mut() {
                message.values.push(item_text(d, item, bytes));
                skip_below = Some(item.depth);
            }
        }
    }
    out
}
