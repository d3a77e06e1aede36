//! Drawing a [`RecordView`] into the frame's dissection with tshark's `tls.*` names.
//!
//! Items are placed by walking each message's bytes in the order the decoder read them (the
//! codec round-trips, so the decoded values tell every length); a message that was reassembled
//! from several records, or decrypted, gets empty ranges and byte strings shown as hex.

use super::fields::*;
use super::session::{Body, HandshakeView, RecordView};
use crate::app::{set_columns, text_of, Hex, Placement};
use wirelab_tls::codec::{
    CipherSuite, ClientKeyExchange, ContentType, Extension, Handshake, ProtocolVersion,
    ServerKeyExchange, ServerParams,
};
use wirelab_wire::field::name_in;
use wirelab_wire::{Dissection, FieldDef, Group, Severity, Value};

/// Add the `tls` layer for one record (`record` as cut, header included).
pub fn dissect(record: &[u8], frame_offset: Option<usize>, view: &RecordView, d: &mut Dissection) {
    let place = Placement::new(frame_offset);
    let protocol = protocol_name(view.session_version);
    let tls = d.open(&TLS, place.range(0..record.len()), Value::None);
    if super::session::is_sslv2_hello(record) {
        d.set_title(tls, format_args!("SSLv2 Record Layer: Client Hello"));
        d.add_expert(
            Severity::Note,
            Group::Protocol,
            "tls",
            "An SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2): recognised, not decoded"
                .to_string(),
        );
        d.close();
        set_columns(d, "SSLv2", format_args!("Client Hello"));
        return;
    }
    let summary = summary(view);
    let rec = d.open(&RECORD, place.range(0..record.len()), Value::None);
    d.set_title(
        rec,
        format_args!("{protocol} Record Layer: {}", summary.title),
    );
    let mut at = Cursor {
        place,
        pos: 0,
        end: record.len(),
    };
    at.add(
        d,
        &RECORD_CONTENT_TYPE,
        1,
        Value::UInt(view.content_type.0.into()),
    );
    at.add(d, &RECORD_VERSION, 2, Value::UInt(view.version.0.into()));
    at.add(d, &RECORD_LENGTH, 2, Value::UInt(view.length as u64));
    let fragment = record.get(5..).unwrap_or_default();
    match &view.body {
        Body::Handshake(messages) => {
            let base = if view.protected {
                None
            } else {
                frame_offset.map(|o| o + 5)
            };
            for message in messages {
                let offset = base.and_then(|b| message.offset.map(|o| b + o));
                handshake(message, Placement::new(offset), d);
            }
        }
        Body::ChangeCipherSpec => {
            d.add(&CHANGE_CIPHER_SPEC, at.range(1), Value::None);
        }
        Body::Alert(Ok(alert)) => {
            let place = if view.protected {
                Placement::new(None)
            } else {
                at.place_here()
            };
            let mut at = Cursor {
                place,
                pos: 0,
                end: 2,
            };
            d.open(&ALERT_MESSAGE, place.range(0..2), Value::None);
            at.add(d, &ALERT_LEVEL, 1, Value::UInt(alert.level.0.into()));
            let i = at.add(d, &ALERT_DESC, 1, Value::UInt(alert.description.0.into()));
            d.set_title(
                i,
                format_args!(
                    "Description: {} ({})",
                    title_case(alert.description.name().unwrap_or("Unknown")),
                    alert.description.0
                ),
            );
            d.close();
        }
        Body::ApplicationData | Body::Encrypted | Body::Alert(Err(_)) | Body::Unknown => {
            if view.content_type == ContentType::APPLICATION_DATA {
                let value = place.bytes_value(fragment, d);
                d.add(&APP_DATA, at.range(fragment.len()), value);
            }
        }
    }
    if let Some(plaintext) = &view.plaintext {
        if view.content_type == ContentType::APPLICATION_DATA {
            let text = String::from_utf8_lossy(plaintext);
            let value = d.text_value(format_args!("{}", text.escape_debug()));
            d.add_generated(&DECRYPTED, value);
        }
    }
    if let Some(problem) = &view.decrypt_problem {
        if view.protected && !problem.starts_with("no keys") {
            let value = d.text_value(format_args!("{problem}"));
            d.add_generated(&DECRYPT_PROBLEM, value);
        }
    }
    d.close();
    d.close();
    set_columns(d, protocol, format_args!("{}", summary.info));
}

struct Summary {
    title: String,
    info: String,
}

/// The record's title and Info text, as tshark writes them.
fn summary(view: &RecordView) -> Summary {
    let (kind, info) = match &view.body {
        Body::Handshake(messages) if !messages.is_empty() => {
            let names: Vec<&str> = messages
                .iter()
                .map(|m| {
                    let code = m.bytes.first().copied().unwrap_or(0);
                    name_in(HANDSHAKE_TYPE_NAMES, code.into())
                        .unwrap_or("Unknown Handshake Message")
                })
                .collect();
            let info = names.join(", ");
            ("Handshake Protocol", info)
        }
        Body::Handshake(_) => ("Handshake Protocol", "Handshake Message (part)".to_string()),
        Body::ChangeCipherSpec => (
            "Change Cipher Spec Protocol",
            "Change Cipher Spec".to_string(),
        ),
        Body::Alert(Ok(alert)) => (
            "Alert",
            format!(
                "Alert (Level: {}, Description: {})",
                title_case(alert.level.name().unwrap_or("Unknown")),
                title_case(alert.description.name().unwrap_or("Unknown"))
            ),
        ),
        Body::Alert(Err(_)) => ("Alert", "Alert (malformed)".to_string()),
        Body::ApplicationData => ("Application Data Protocol", "Application Data".to_string()),
        Body::Encrypted if view.content_type == ContentType::ALERT => {
            ("Encrypted Alert", "Encrypted Alert".to_string())
        }
        Body::Encrypted => (
            "Handshake Protocol",
            "Encrypted Handshake Message".to_string(),
        ),
        Body::Unknown => (
            "Unknown",
            format!("Unknown content type {}", view.content_type.0),
        ),
    };
    Summary {
        title: format!("{kind}: {info}"),
        info,
    }
}

/// "close_notify" → "Close Notify", as Wireshark names alerts.
fn title_case(name: &str) -> String {
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Protocol column: "TLSv1.2", as tshark names versions.
pub fn protocol_name(version: ProtocolVersion) -> &'static str {
    match version.0 {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => "TLS",
    }
}

/// Walks a message, handing out byte ranges in order.
struct Cursor {
    place: Placement,
    pos: usize,
    /// No range goes past this: a decoder may accept less data than a field's place (an empty
    /// extension), and an item must never point outside its message, whatever the bytes say.
    end: usize,
}

impl Cursor {
    fn range(&mut self, len: usize) -> std::ops::Range<usize> {
        let start = self.pos.min(self.end);
        let range = self.place.range(start..(self.pos + len).min(self.end));
        self.pos += len;
        range
    }

    /// The frame range of message bytes `start..end`, kept inside the bound.
    fn span(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        self.place.range(start.min(self.end)..end.min(self.end))
    }

    fn add(
        &mut self,
        d: &mut Dissection,
        def: &'static FieldDef,
        len: usize,
        value: Value,
    ) -> usize {
        let range = self.range(len);
        d.add(def, range, value)
    }

    fn bytes(&mut self, d: &mut Dissection, def: &'static FieldDef, bytes: &[u8]) -> usize {
        let value = self.place.bytes_value(bytes, d);
        self.add(d, def, bytes.len(), value)
    }

    /// A placement that starts at the cursor.
    fn place_here(&self) -> Placement {
        Placement::new(self.place.frame_offset.map(|o| o + self.pos))
    }
}

fn named(d: &mut Dissection, index: usize, label: &str, name: Option<&str>, hex: String) {
    match name {
        Some(name) => d.set_title(index, format_args!("{label}: {name} ({hex})")),
        None => d.set_title(index, format_args!("{label}: Unknown ({hex})")),
    }
}

fn handshake(view: &HandshakeView, place: Placement, d: &mut Dissection) {
    let bytes = &view.bytes;
    let code = bytes.first().copied().unwrap_or(0);
    let type_name = name_in(HANDSHAKE_TYPE_NAMES, code.into()).unwrap_or("Unknown");
    let hs = d.open(&HANDSHAKE, place.range(0..bytes.len()), Value::None);
    d.set_title(hs, format_args!("Handshake Protocol: {type_name}"));
    let mut at = Cursor {
        place,
        pos: 0,
        end: bytes.len(),
    };
    at.add(d, &HANDSHAKE_TYPE, 1, Value::UInt(code.into()));
    at.add(
        d,
        &HANDSHAKE_LENGTH,
        3,
        Value::UInt(bytes.len().saturating_sub(4) as u64),
    );
    match &view.message {
        Ok(message) => body(message, bytes, &mut at, d),
        Err(error) => {
            d.add_expert(
                Severity::Error,
                Group::Malformed,
                "tls",
                format!("Malformed {type_name}: {error}"),
            );
        }
    }
    if let Some(ok) = view.verified {
        d.add_expert(
            if ok { Severity::Chat } else { Severity::Error },
            Group::Sequence,
            "tls",
            if ok {
                "Finished verify_data checked: both sides saw the same handshake (RFC 5246 §7.4.9)"
                    .to_string()
            } else {
                "Finished verify_data does not match the handshake (RFC 5246 §7.4.9)".to_string()
            },
        );
    }
    d.close();
}

fn u16_at(bytes: &[u8], pos: usize) -> usize {
    match (bytes.get(pos), bytes.get(pos + 1)) {
        (Some(&a), Some(&b)) => usize::from(u16::from_be_bytes([a, b])),
        _ => 0,
    }
}

/// What both hellos begin with (RFC 5246 §7.4.1.2, §7.4.1.3): version, random, session ID.
fn hello_start(
    version: ProtocolVersion,
    random: &[u8],
    session_id: &[u8],
    at: &mut Cursor,
    d: &mut Dissection,
) {
    at.add(d, &HANDSHAKE_VERSION, 2, Value::UInt(version.0.into()));
    at.bytes(d, &RANDOM, random);
    at.add(
        d,
        &SESSION_ID_LENGTH,
        1,
        Value::UInt(session_id.len() as u64),
    );
    if !session_id.is_empty() {
        at.bytes(d, &SESSION_ID, session_id);
    }
}

fn cipher_suite(suite: CipherSuite, at: &mut Cursor, d: &mut Dissection) {
    let i = at.add(d, &CIPHERSUITE, 2, Value::UInt(suite.0.into()));
    named(
        d,
        i,
        "Cipher Suite",
        suite.name(),
        format!("0x{:04x}", suite.0),
    );
}

fn body(message: &Handshake, bytes: &[u8], at: &mut Cursor, d: &mut Dissection) {
    match message {
        Handshake::ClientHello(hello) => {
            hello_start(hello.version, &hello.random, &hello.session_id, at, d);
            let n = hello.cipher_suites.len();
            at.add(d, &CIPHER_SUITES_LENGTH, 2, Value::UInt(2 * n as u64));
            let list = d.open(&CIPHERSUITES, at.span(at.pos, at.pos + 2 * n), Value::None);
            d.set_title(list, format_args!("Cipher Suites ({n} suites)"));
            for suite in &hello.cipher_suites {
                cipher_suite(*suite, at, d);
            }
            d.close();
            let m = hello.compression_methods.len();
            at.add(d, &COMP_METHODS_LENGTH, 1, Value::UInt(m as u64));
            let list = d.open(&COMP_METHODS, at.span(at.pos, at.pos + m), Value::None);
            d.set_title(
                list,
                format_args!(
                    "Compression Methods ({m} method{})",
                    if m == 1 { "" } else { "s" }
                ),
            );
            for method in &hello.compression_methods {
                at.add(d, &COMP_METHOD, 1, Value::UInt(method.0.into()));
            }
            d.close();
            extensions(&hello.extensions, bytes, at, d);
        }
        Handshake::ServerHello(hello) => {
            hello_start(hello.version, &hello.random, &hello.session_id, at, d);
            cipher_suite(hello.cipher_suite, at, d);
            at.add(
                d,
                &COMP_METHOD,
                1,
                Value::UInt(hello.compression_method.0.into()),
            );
            extensions(&hello.extensions, bytes, at, d);
        }
        Handshake::Certificate(chain) => {
            let total: usize = chain.iter().map(|c| 3 + c.len()).sum();
            at.add(d, &CERTIFICATES_LENGTH, 3, Value::UInt(total as u64));
            d.open(&CERTIFICATES, at.span(at.pos, at.pos + total), Value::None);
            for (index, cert) in chain.iter().enumerate() {
                at.add(d, &CERTIFICATE_LENGTH, 3, Value::UInt(cert.len() as u64));
                let i = at.bytes(d, &CERTIFICATE, cert);
                match wirelab_tls::cert::summarize(cert, index) {
                    Ok(s) => d.set_title(
                        i,
                        format_args!(
                            "Certificate [{}]: subject {} issuer {} ({})",
                            index, s.subject, s.issuer, s.key
                        ),
                    ),
                    Err(e) => d.set_title(
                        i,
                        format_args!("Certificate [{index}]: not parsed ({})", e.problem),
                    ),
                }
            }
            d.close();
        }
        Handshake::ServerKeyExchange(ServerKeyExchange { params, signature }) => {
            match params {
                ServerParams::Ecdh { group, public } => {
                    at.add(d, &SERVER_CURVE_TYPE, 1, Value::UInt(3));
                    let i = at.add(d, &SERVER_NAMED_CURVE, 2, Value::UInt(group.0.into()));
                    named(
                        d,
                        i,
                        "Named Curve",
                        group.name(),
                        format!("0x{:04x}", group.0),
                    );
                    at.add(d, &SERVER_POINT_LEN, 1, Value::UInt(public.len() as u64));
                    at.bytes(d, &SERVER_POINT, public);
                }
                ServerParams::Dh { p, g, public } => {
                    for (len_def, def, value) in [
                        (&DH_P_LEN, &DH_P, p),
                        (&DH_G_LEN, &DH_G, g),
                        (&DH_YS_LEN, &DH_YS, public),
                    ] {
                        at.add(d, len_def, 2, Value::UInt(value.len() as u64));
                        at.bytes(d, def, value);
                    }
                }
            }
            let i = at.add(d, &SIG_HASH_ALG, 2, Value::UInt(signature.scheme.0.into()));
            named(
                d,
                i,
                "Signature Algorithm",
                signature.scheme.name(),
                format!("0x{:04x}", signature.scheme.0),
            );
            at.add(
                d,
                &SIG_LEN,
                2,
                Value::UInt(signature.signature.len() as u64),
            );
            at.bytes(d, &SIG, &signature.signature);
        }
        Handshake::ClientKeyExchange(kx) => match kx {
            ClientKeyExchange::Rsa {
                encrypted_pre_master,
            } => {
                at.add(
                    d,
                    &EPMS_LEN,
                    2,
                    Value::UInt(encrypted_pre_master.len() as u64),
                );
                at.bytes(d, &EPMS, encrypted_pre_master);
            }
            ClientKeyExchange::Ecdh { public } => {
                at.add(d, &CLIENT_POINT_LEN, 1, Value::UInt(public.len() as u64));
                at.bytes(d, &CLIENT_POINT, public);
            }
            ClientKeyExchange::Dh { public } => {
                at.add(d, &DH_YC_LEN, 2, Value::UInt(public.len() as u64));
                at.bytes(d, &DH_YC, public);
            }
            ClientKeyExchange::Raw(_) => {}
        },
        Handshake::Finished(verify_data) => {
            let i = at.add(d, &VERIFY_DATA, verify_data.len(), Value::None);
            d.set_title(i, format_args!("Verify Data: {}", Hex(verify_data)));
        }
        Handshake::NewSessionTicket {
            lifetime_hint,
            ticket,
        } => {
            at.add(
                d,
                &TICKET_LIFETIME_HINT,
                4,
                Value::UInt((*lifetime_hint).into()),
            );
            at.pos += 2;
            at.bytes(d, &SESSION_TICKET, ticket);
        }
        Handshake::CertificateVerify(signature) => {
            let i = at.add(d, &SIG_HASH_ALG, 2, Value::UInt(signature.scheme.0.into()));
            named(
                d,
                i,
                "Signature Algorithm",
                signature.scheme.name(),
                format!("0x{:04x}", signature.scheme.0),
            );
            at.add(
                d,
                &SIG_LEN,
                2,
                Value::UInt(signature.signature.len() as u64),
            );
            at.bytes(d, &SIG, &signature.signature);
        }
        Handshake::HelloRequest
        | Handshake::ServerHelloDone
        | Handshake::CertificateRequest(_)
        | Handshake::Other(..) => {}
    }
}

fn extensions(list: &[Extension], bytes: &[u8], at: &mut Cursor, d: &mut Dissection) {
    if at.pos + 2 > bytes.len() {
        return;
    }
    let total = u16_at(bytes, at.pos);
    at.add(d, &EXTENSIONS_LENGTH, 2, Value::UInt(total as u64));
    for extension in list {
        let ext_type = extension.extension_type();
        let len = u16_at(bytes, at.pos + 2);
        let start = at.pos;
        let e = d.open(&EXTENSION, at.span(start, start + 4 + len), Value::None);
        d.set_title(
            e,
            format_args!(
                "Extension: {} (len={len})",
                ext_type.name().unwrap_or("Unknown")
            ),
        );
        let i = at.add(d, &EXTENSION_TYPE, 2, Value::UInt(ext_type.0.into()));
        named(d, i, "Type", ext_type.name(), format!("{}", ext_type.0));
        at.add(d, &EXTENSION_LEN, 2, Value::UInt(len as u64));
        let message_end = at.end;
        at.end = (start + 4 + len).min(message_end);
        if len > 0 {
            extension_body(extension, bytes, at, d);
        }
        at.end = message_end;
        at.pos = start + 4 + len;
        d.close();
    }
}

fn extension_body(extension: &Extension, bytes: &[u8], at: &mut Cursor, d: &mut Dissection) {
    match extension {
        Extension::ServerName(names) => {
            at.add(
                d,
                &SERVER_NAME_LIST_LEN,
                2,
                Value::UInt(u16_at(bytes, at.pos) as u64),
            );
            for (kind, name) in names {
                at.add(d, &SERVER_NAME_TYPE, 1, Value::UInt(kind.0.into()));
                at.add(d, &SERVER_NAME_LEN, 2, Value::UInt(name.len() as u64));
                let value = text_of(name, d);
                at.add(d, &SERVER_NAME, name.len(), value);
            }
        }
        Extension::SupportedGroups(groups) => {
            at.pos += 2;
            for group in groups {
                let i = at.add(d, &SUPPORTED_GROUP, 2, Value::UInt(group.0.into()));
                named(
                    d,
                    i,
                    "Supported Group",
                    group.name(),
                    format!("0x{:04x}", group.0),
                );
            }
        }
        Extension::EcPointFormats(formats) => {
            at.pos += 1;
            for format in formats {
                at.add(d, &EC_POINT_FORMAT, 1, Value::UInt(format.0.into()));
            }
        }
        Extension::SignatureAlgorithms(schemes) => {
            at.pos += 2;
            for scheme in schemes {
                let i = at.add(d, &SIG_HASH_ALG, 2, Value::UInt(scheme.0.into()));
                named(
                    d,
                    i,
                    "Signature Algorithm",
                    scheme.name(),
                    format!("0x{:04x}", scheme.0),
                );
            }
        }
        Extension::Alpn(protocols) => {
            at.pos += 2;
            for protocol in protocols {
                at.pos += 1;
                let value = text_of(protocol, d);
                at.add(d, &ALPN_STR, protocol.len(), value);
            }
        }
        _ => {}
    }
}
