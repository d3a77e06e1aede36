//! One TLS connection followed record by record, in stream order, both directions: what each
//! record holds, the handshake messages joined across records, and — given a key log or the
//! server's RSA private key — the keys, so that Finished and application data are decrypted.
//!
//! ```text
//!  record (node 0 or 1) ─▶ Session::record ─▶ RecordView (what the dissector and
//!                            │                  `wirelab tls dissect` show)
//!                            ├─ handshake: HandshakeBuffer per direction ─▶ Handshake::decode
//!                            │     ClientHello/ServerHello: randoms, suite, extended master secret
//!                            │     ClientKeyExchange: master secret (key log, or RSA decryption
//!                            │     of the pre-master) ─▶ key block (RFC 5246 §8.1, §6.3)
//!                            ├─ change_cipher_spec: this direction is protected from now on
//!                            └─ after it: RecordKeys::open ─▶ plaintext; a Finished is checked
//!                                  against PRF(master, label, Hash(transcript)) (§7.4.9)
//! ```

use crate::app::Hex;
use std::sync::Arc;
use wirelab_crypto::rsa::{pkcs1v15, primitive::Decryption, PrivateKey};
use wirelab_tls::codec::{
    Alert, CipherSuite, ClientKeyExchange, ContentType, Context, DecodeError, Handshake,
    HandshakeBuffer, HandshakeType, ProtocolVersion,
};
use wirelab_tls::keylog::KeyLog;
use wirelab_tls::keys::prf::{self, Side};
use wirelab_tls::keys::{KeyBlock, SuiteParams};
use wirelab_tls::protect::RecordKeys;

/// A real handshake is a few kilobytes; a hostile stream of handshake messages must not make
/// the transcript grow without end.
const MAX_TRANSCRIPT: usize = 1 << 20;

/// The secrets a session may be given to decrypt with.
#[derive(Clone, Default)]
pub struct Secrets {
    /// Master secrets by client random (NSS key log format).
    pub keylog: Option<Arc<KeyLog>>,
    /// The server's RSA private key: opens an RSA key exchange's pre-master secret.
    pub rsa_key: Option<Arc<PrivateKey>>,
}

/// One handshake message completed by a record.
#[derive(Clone, Debug)]
pub struct HandshakeView {
    /// The whole message, header included.
    pub bytes: Vec<u8>,
    /// Where it starts in the record's fragment, when all of it is in this record.
    pub offset: Option<usize>,
    pub message: Result<Handshake, DecodeError>,
    /// For a decrypted Finished: whether its verify_data is the one computed.
    pub verified: Option<bool>,
}

/// What one record holds, as far as the session could tell.
#[derive(Clone, Debug)]
pub enum Body {
    /// Handshake messages completed by this record (none when it only carries part of one).
    Handshake(Vec<HandshakeView>),
    ChangeCipherSpec,
    Alert(Result<Alert, DecodeError>),
    /// Application data (`plaintext` when decrypted).
    ApplicationData,
    /// A protected record of another type that was not decrypted ("Encrypted Handshake
    /// Message", "Encrypted Alert").
    Encrypted,
    /// A content type TLS 1.2 does not define.
    Unknown,
}

/// One record: its header, its content, and what decryption found.
#[derive(Clone, Debug)]
pub struct RecordView {
    /// 0 or 1, as the stream numbers its nodes.
    pub node: usize,
    pub from_client: Option<bool>,
    pub content_type: ContentType,
    pub version: ProtocolVersion,
    pub length: usize,
    /// The version named in the Protocol column: the record's until the ServerHello, then the
    /// negotiated one (as tshark does).
    pub session_version: ProtocolVersion,
    /// The record was protected: the body below is what it was before protection when
    /// `plaintext` is `Some`.
    pub protected: bool,
    pub plaintext: Option<Vec<u8>>,
    /// Why a protected record was not decrypted.
    pub decrypt_problem: Option<String>,
    pub body: Body,
    /// What the session learned or computed at this record, for a student to read.
    pub notes: Vec<String>,
}

impl RecordView {
    /// For a record that completes a Finished checked against the keys: whether it matched.
    pub fn body_verified(&self) -> Option<bool> {
        match &self.body {
            Body::Handshake(messages) => messages.iter().find_map(|m| m.verified),
            _ => None,
        }
    }
}

/// An SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2), recognised and not decoded.
pub fn is_sslv2_hello(record: &[u8]) -> bool {
    wirelab_tls::codec::record::is_sslv2_client_hello(record)
}

/// Per-direction state.
#[derive(Default)]
struct Direction {
    handshake: HandshakeBuffer,
    /// Bytes in `handshake` waiting for the rest of their message.
    handshake_pending: usize,
    /// After this direction's ChangeCipherSpec.
    protected: bool,
    keys: Option<RecordKeys>,
}

/// A TLS connection, both directions. Feed it every record in stream order.
#[derive(Default)]
pub struct Session {
    secrets: Secrets,
    directions: [Direction; 2],
    client_node: Option<usize>,
    client_version: Option<ProtocolVersion>,
    client_random: Option<[u8; 32]>,
    server_random: Option<[u8; 32]>,
    suite: Option<CipherSuite>,
    version: Option<ProtocolVersion>,
    extended_master_secret: bool,
    transcript: Vec<u8>,
    master_secret: Option<Vec<u8>>,
    key_block: Option<KeyBlock>,
    /// Why no keys could be found (said once, then on each protected record).
    no_keys: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("client_node", &self.client_node)
            .field("suite", &self.suite)
            .field("has_master_secret", &self.master_secret.is_some())
            .finish()
    }
}

impl Session {
    pub fn new(secrets: Secrets) -> Session {
        Session {
            secrets,
            ..Session::default()
        }
    }

    /// The negotiated suite, once the ServerHello was seen.
    pub fn suite(&self) -> Option<CipherSuite> {
        self.suite
    }

    /// The master secret, once known.
    pub fn master_secret(&self) -> Option<&[u8]> {
        self.master_secret.as_deref()
    }

    /// Take one whole record (header included, as `message_len` cut it) sent by `node`.
    pub fn record(&mut self, node: usize, record: &[u8]) -> RecordView {
        let node = node.min(1);
        let header = record.get(..5).unwrap_or_default();
        let content_type = ContentType(header.first().copied().unwrap_or(0));
        let version = ProtocolVersion(u16::from_be_bytes([
            header.get(1).copied().unwrap_or(0),
            header.get(2).copied().unwrap_or(0),
        ]));
        let fragment = record.get(5..).unwrap_or_default();
        let mut view = RecordView {
            node,
            from_client: self.client_node.map(|c| c == node),
            content_type,
            version,
            length: fragment.len(),
            session_version: self.version.unwrap_or(version),
            protected: false,
            plaintext: None,
            decrypt_problem: None,
            body: Body::Unknown,
            notes: Vec::new(),
        };
        let tls13 = self.version == Some(ProtocolVersion::TLS_1_3);
        let protected =
            self.directions[node].protected && content_type != ContentType::CHANGE_CIPHER_SPEC;
        if protected || (tls13 && content_type == ContentType::APPLICATION_DATA) {
            view.protected = true;
            self.open(node, content_type, version, fragment, &mut view);
            return view;
        }
        view.body = self.content(node, content_type, fragment, true, &mut view.notes);
        view.from_client = self.client_node.map(|c| c == node);
        view
    }

    /// Decrypt a protected record when keys are known, then read what it holds.
    fn open(
        &mut self,
        node: usize,
        content_type: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
        view: &mut RecordView,
    ) {
        view.body = match content_type {
            ContentType::APPLICATION_DATA => Body::ApplicationData,
            _ => Body::Encrypted,
        };
        let Some(keys) = self.directions[node].keys.as_mut() else {
            view.decrypt_problem = Some(self.no_keys.clone().unwrap_or_else(|| {
                "no keys: give a key log (or the server's RSA key for an RSA key exchange)"
                    .to_string()
            }));
            return;
        };
        match keys.open(content_type, version, fragment) {
            Ok((plaintext, trace)) => {
                view.notes.push(format!(
                    "record {} decrypted (nonce {})",
                    trace.seq,
                    Hex(&trace.nonce)
                ));
                if content_type != ContentType::APPLICATION_DATA {
                    view.body =
                        self.content(node, content_type, &plaintext, false, &mut view.notes);
                }
                view.plaintext = Some(plaintext);
            }
            Err(error) => view.decrypt_problem = Some(error.to_string()),
        }
    }

    /// Read a record's (plaintext) content.
    fn content(
        &mut self,
        node: usize,
        content_type: ContentType,
        fragment: &[u8],
        in_record: bool,
        notes: &mut Vec<String>,
    ) -> Body {
        match content_type {
            ContentType::HANDSHAKE => {
                Body::Handshake(self.handshake(node, fragment, in_record, notes))
            }
            ContentType::CHANGE_CIPHER_SPEC => {
                self.directions[node].protected = true;
                self.install_keys(node, notes);
                Body::ChangeCipherSpec
            }
            ContentType::ALERT => Body::Alert(Alert::decode(fragment)),
            ContentType::APPLICATION_DATA => Body::ApplicationData,
            _ => Body::Unknown,
        }
    }

    fn handshake(
        &mut self,
        node: usize,
        fragment: &[u8],
        in_record: bool,
        notes: &mut Vec<String>,
    ) -> Vec<HandshakeView> {
        let carried = self.directions[node].handshake_pending;
        self.directions[node].handshake.push(fragment);
        self.directions[node].handshake_pending += fragment.len();
        let mut views = Vec::new();
        let mut position = 0usize;
        loop {
            let (bytes, _) = match self.directions[node].handshake.next_message() {
                Ok(Some(found)) => found,
                Ok(None) => break,
                Err(error) => {
                    notes.push(format!("handshake stream broken: {error}"));
                    self.directions[node].handshake = HandshakeBuffer::new();
                    self.directions[node].handshake_pending = 0;
                    break;
                }
            };
            let start = position;
            position += bytes.len();
            let pending = &mut self.directions[node].handshake_pending;
            *pending = pending.saturating_sub(bytes.len());
            let offset = (in_record && start >= carried).then(|| start - carried);
            let context = Context { suite: self.suite };
            let message = Handshake::decode(&bytes, 0, context);
            let mut verified = None;
            if let Ok(message) = &message {
                verified = self.learn(node, message, notes);
            }
            let counted = bytes.first() != Some(&HandshakeType::HELLO_REQUEST.0);
            if counted && self.transcript.len() + bytes.len() <= MAX_TRANSCRIPT {
                self.transcript.extend_from_slice(&bytes);
            } else if counted {
                notes.push(format!(
                    "the handshake is longer than {MAX_TRANSCRIPT} bytes: no longer hashed"
                ));
            }
            if let Ok(Handshake::ClientKeyExchange(_)) = &message {
                self.derive_keys(notes);
            }
            views.push(HandshakeView {
                bytes,
                offset,
                message,
                verified,
            });
        }
        views
    }

    /// What a handshake message tells the session (before it joins the transcript).
    fn learn(&mut self, node: usize, message: &Handshake, notes: &mut Vec<String>) -> Option<bool> {
        match message {
            Handshake::ClientHello(hello) => {
                self.client_node = Some(node);
                self.client_random = Some(hello.random);
                self.client_version = Some(hello.version);
                self.transcript.clear();
            }
            Handshake::ServerHello(hello) => {
                self.client_node.get_or_insert(1 - node);
                self.server_random = Some(hello.random);
                self.suite = Some(hello.cipher_suite);
                self.version = Some(hello.negotiated_version());
                self.extended_master_secret = hello.uses_extended_master_secret();
                if self.version == Some(ProtocolVersion::TLS_1_3) {
                    self.no_keys = Some(
                        "TLS 1.3 (RFC 8446) was negotiated: wirelab decrypts TLS 1.2 only".into(),
                    );
                }
                if self.extended_master_secret {
                    notes.push(
                        "extended master secret (RFC 7627): the master secret will hash the \
                         handshake up to the ClientKeyExchange"
                            .to_string(),
                    );
                }
            }
            Handshake::Finished(verify_data) => {
                let master = self.master_secret.as_ref()?;
                let params = SuiteParams::of(self.suite?)?;
                let side = if Some(node) == self.client_node {
                    Side::Client
                } else {
                    Side::Server
                };
                let expected = prf::verify_data(
                    params.prf,
                    master,
                    side,
                    &params.prf.digest(&self.transcript),
                );
                let ok = &expected == verify_data;
                notes.push(if ok {
                    format!(
                        "Finished verify_data {} is correct: both sides saw the same handshake",
                        Hex(verify_data)
                    )
                } else {
                    format!(
                        "Finished verify_data {} is WRONG (expected {})",
                        Hex(verify_data),
                        Hex(&expected)
                    )
                });
                return Some(ok);
            }
            _ => {}
        }
        None
    }

    /// After the ClientKeyExchange joined the transcript: the master secret (from the key log,
    /// or from the pre-master secret decrypted with the server's RSA key) and the key block.
    fn derive_keys(&mut self, notes: &mut Vec<String>) {
        let (Some(client_random), Some(server_random), Some(suite)) =
            (self.client_random, self.server_random, self.suite)
        else {
            self.no_keys = Some("the hellos were not seen: no randoms, no suite".to_string());
            return;
        };
        let Some(params) = SuiteParams::of(suite) else {
            self.no_keys = Some(format!("suite {suite} is not one wirelab decrypts"));
            return;
        };
        let logged = self
            .secrets
            .keylog
            .as_ref()
            .and_then(|log| log.master_secret(&client_random))
            .map(<[u8]>::to_vec);
        let master = match logged {
            Some(master) => {
                notes.push(format!(
                    "master secret from the key log (CLIENT_RANDOM {}): {}",
                    Hex(&client_random),
                    Hex(&master)
                ));
                master
            }
            None => match self.pre_master_from_rsa_key(params, notes) {
                Ok(pre_master) => {
                    let master = if self.extended_master_secret {
                        let session_hash = params.prf.digest(&self.transcript);
                        notes.push(format!(
                            "session hash (up to the ClientKeyExchange): {}",
                            Hex(&session_hash)
                        ));
                        prf::extended_master_secret(params.prf, &pre_master, &session_hash)
                    } else {
                        prf::master_secret(params.prf, &pre_master, &client_random, &server_random)
                    };
                    notes.push(format!("master secret: {}", Hex(&master)));
                    master
                }
                Err(why) => {
                    notes.push(why.clone());
                    self.no_keys = Some(why);
                    return;
                }
            },
        };
        let block = KeyBlock::derive(&params, &master, &client_random, &server_random);
        notes.push(format!(
            "key block: client_write_key {} server_write_key {} client_write_iv {} server_write_iv {}",
            Hex(&block.client_write_key),
            Hex(&block.server_write_key),
            Hex(&block.client_write_iv),
            Hex(&block.server_write_iv)
        ));
        self.master_secret = Some(master);
        self.key_block = Some(block);
    }

    /// The pre-master secret of an RSA key exchange, decrypted with the server's private key
    /// (RFC 5246 §7.4.7.1). Unlike a server, which must not say whether the padding was right,
    /// a dissector says exactly what went wrong.
    fn pre_master_from_rsa_key(
        &self,
        params: SuiteParams,
        notes: &mut Vec<String>,
    ) -> Result<Vec<u8>, String> {
        let Some(key) = &self.secrets.rsa_key else {
            return Err(if self.secrets.keylog.is_some() {
                "no master secret for this session's client random in the key log".to_string()
            } else {
                "no keys: give a key log (or the server's RSA key for an RSA key exchange)"
                    .to_string()
            });
        };
        if params.key_exchange != wirelab_tls::codec::KeyExchange::Rsa {
            return Err(format!(
                "the server's RSA key cannot decrypt this session: {} agrees on the pre-master \
                 secret by Diffie-Hellman with fresh keys that both sides threw away (forward \
                 secrecy); the RSA key only signed the server's half. Only a key log helps.",
                params.suite
            ));
        }
        let encrypted = self
            .last_client_key_exchange()
            .ok_or_else(|| "no RSA ClientKeyExchange found to decrypt".to_string())?;
        let pre_master =
            pkcs1v15::decrypt(key, &encrypted, Decryption::Crt, None).map_err(|e| {
                format!("the server's RSA key does not decrypt the pre-master secret: {e}")
            })?;
        let client_version = self.client_version.map_or(0, |v| v.0).to_be_bytes();
        if pre_master.len() != 48 || pre_master.get(..2) != Some(&client_version[..]) {
            return Err(format!(
                "the decrypted pre-master secret is not 48 bytes starting with the client's \
                 version {}: wrong key?",
                Hex(&client_version)
            ));
        }
        notes.push(format!(
            "pre-master secret, decrypted with the server's RSA key: {}",
            Hex(&pre_master)
        ));
        Ok(pre_master)
    }

    /// The encrypted pre-master secret of the ClientKeyExchange at the end of the transcript.
    fn last_client_key_exchange(&self) -> Option<Vec<u8>> {
        // The transcript ends with the ClientKeyExchange: walk its messages to find the last.
        let mut rest = &self.transcript[..];
        let mut last = None;
        while rest.len() >= 4 {
            let len = u32::from_be_bytes([0, rest[1], rest[2], rest[3]]) as usize;
            let end = 4usize.checked_add(len)?;
            let message = rest.get(..end)?;
            if message[0] == HandshakeType::CLIENT_KEY_EXCHANGE.0 {
                let context = Context { suite: self.suite };
                if let Ok(Handshake::ClientKeyExchange(ClientKeyExchange::Rsa {
                    encrypted_pre_master,
                })) = Handshake::decode(message, 0, context)
                {
                    last = Some(encrypted_pre_master);
                }
            }
            rest = rest.get(end..)?;
        }
        last
    }

    /// At a ChangeCipherSpec from `node`: its records are protected with its write keys.
    fn install_keys(&mut self, node: usize, notes: &mut Vec<String>) {
        let (Some(block), Some(params)) = (&self.key_block, self.suite.and_then(SuiteParams::of))
        else {
            return;
        };
        let from_client = self.client_node == Some(node);
        let keys = if from_client {
            RecordKeys::new(
                &params,
                &block.client_write_key,
                &block.client_write_iv,
                &block.client_write_mac_key,
            )
        } else {
            RecordKeys::new(
                &params,
                &block.server_write_key,
                &block.server_write_iv,
                &block.server_write_mac_key,
            )
        };
        notes.push(format!(
            "from here the {} protects its records with its write keys",
            if from_client { "client" } else { "server" }
        ));
        self.directions[node].keys = Some(keys);
    }
}
