//! The client's handshake as a chain of states, each consuming itself and one message from the
//! server (RFC 5246 §7.3, Figure 1):
//!
//! ```text
//!  ClientHello            ──>
//!                         <──  ServerHello             ExpectServerHello
//!                         <──  Certificate             ExpectCertificate
//!                         <──  ServerKeyExchange*      ExpectServerKeyExchange  (DHE, ECDHE)
//!                         <──  CertificateRequest*     ExpectServerHelloDone
//!                         <──  ServerHelloDone
//!  Certificate*  (empty)
//!  ClientKeyExchange
//!  [ChangeCipherSpec]
//!  Finished               ──>
//!                         <──  [ChangeCipherSpec]      ExpectChangeCipherSpec
//!                         <──  Finished                ExpectFinished
//!  Application Data      <──>  Application Data        Traffic
//! ```
//!
//! A message that does not fit the state is an `unexpected_message` alert; there is no way to
//! skip a state, because each state can only be built from the one before it.

use super::kx::{self, KeyExchangeParams};
use super::{ClientConfig, Trust};
use crate::cert::{self, RsaPublicKey};
use crate::codec::{
    AlertDescription, CipherSuite, ClientHello, CompressionMethod, Context, EcPointFormat,
    Extension, ExtensionType, Handshake, KeyExchange, ProtocolVersion, ServerHello,
    ServerKeyExchange, ServerParams,
};
use crate::conn::Connection;
use crate::endpoint::HandshakeState;
use crate::error::TlsError;
use crate::event::Event;
use crate::keys::prf::Side;
use crate::keys::{KeyBlock, SuiteParams};
use crate::session::{Session, Transcript};

pub struct ExpectServerHello {
    pub client_hello: ClientHello,
    pub transcript: Transcript,
}

pub struct ExpectCertificate {
    pub session: Session,
}

pub struct ExpectServerKeyExchange {
    pub session: Session,
    pub server_key: RsaPublicKey,
}

pub struct ExpectServerHelloDone {
    pub session: Session,
    pub server_key: RsaPublicKey,
    pub kx: KeyExchangeParams,
    pub certificate_requested: bool,
}

pub struct ExpectChangeCipherSpec {
    pub session: Session,
    pub master_secret: Vec<u8>,
    pub keys: KeyBlock,
}

pub struct ExpectFinished {
    pub session: Session,
    pub master_secret: Vec<u8>,
}

/// Where the client is.
pub enum State {
    ExpectServerHello(ExpectServerHello),
    ExpectCertificate(ExpectCertificate),
    ExpectServerKeyExchange(ExpectServerKeyExchange),
    ExpectServerHelloDone(ExpectServerHelloDone),
    ExpectChangeCipherSpec(ExpectChangeCipherSpec),
    ExpectFinished(ExpectFinished),
    Traffic,
    /// After an alert or a failure: nothing more is read or sent.
    Closed,
}

impl HandshakeState for State {
    const TRAFFIC: State = State::Traffic;
    const CLOSED: State = State::Closed;

    fn name(&self) -> &'static str {
        match self {
            State::ExpectServerHello(_) => "ExpectServerHello",
            State::ExpectCertificate(_) => "ExpectCertificate",
            State::ExpectServerKeyExchange(_) => "ExpectServerKeyExchange",
            State::ExpectServerHelloDone(_) => "ExpectServerHelloDone",
            State::ExpectChangeCipherSpec(_) => "ExpectChangeCipherSpec",
            State::ExpectFinished(_) => "ExpectFinished",
            State::Traffic => "Traffic",
            State::Closed => "Closed",
        }
    }

    /// The suite, once the server has chosen it: it decides how key-exchange messages decode.
    fn context(&self) -> Context {
        match self {
            State::ExpectCertificate(s) => s.session.context(),
            State::ExpectServerKeyExchange(s) => s.session.context(),
            State::ExpectServerHelloDone(s) => s.session.context(),
            State::ExpectChangeCipherSpec(s) => s.session.context(),
            State::ExpectFinished(s) => s.session.context(),
            _ => Context::default(),
        }
    }
}

/// Build the ClientHello (RFC 5246 §7.4.1.2) and send it.
pub fn start(config: &ClientConfig, conn: &mut Connection) -> ExpectServerHello {
    let random = conn.random::<32>();
    let mut extensions = Vec::new();
    if let Some(name) = &config.server_name {
        extensions.push(Extension::ServerName(vec![(
            crate::codec::ServerNameType::HOST_NAME,
            name.as_bytes().to_vec(),
        )]));
    }
    extensions.push(Extension::SupportedGroups(config.groups.clone()));
    extensions.push(Extension::EcPointFormats(vec![EcPointFormat::UNCOMPRESSED]));
    extensions.push(Extension::SignatureAlgorithms(
        config.signature_schemes.clone(),
    ));
    if config.extended_master_secret {
        extensions.push(Extension::ExtendedMasterSecret);
    }
    // RFC 5746 §3.4: an empty renegotiation_info says "this is not a renegotiation".
    extensions.push(Extension::RenegotiationInfo(Vec::new()));
    let client_hello = ClientHello {
        version: ProtocolVersion::TLS_1_2,
        random,
        session_id: Vec::new(),
        cipher_suites: config.cipher_suites.clone(),
        compression_methods: vec![CompressionMethod::NULL],
        extensions,
        extensions_present: true,
    };
    conn.events.push_back(Event::ClientRandom(random.to_vec()));
    let sent = conn.send_handshake(&Handshake::ClientHello(client_hello.clone()));
    let mut transcript = Transcript::default();
    transcript.add(&sent);
    ExpectServerHello {
        client_hello,
        transcript,
    }
}

impl ExpectServerHello {
    pub fn handle(
        mut self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
    ) -> Result<State, TlsError> {
        let Handshake::ServerHello(hello) = message else {
            return Err(TlsError::unexpected(
                "ServerHello",
                message.handshake_type(),
            ));
        };
        check_server_hello(&self.client_hello, &hello)?;
        let params = SuiteParams::of(hello.cipher_suite).ok_or_else(|| {
            TlsError::illegal_parameter(format!(
                "the server chose {}, which wirelab does not implement",
                hello.cipher_suite
            ))
        })?;
        // RFC 7627 §5.1: in use only when both offered it.
        let offered_ems = self
            .client_hello
            .extension(ExtensionType::EXTENDED_MASTER_SECRET)
            .is_some();
        let extended_master_secret = offered_ems && hello.uses_extended_master_secret();
        self.transcript.add(raw);
        conn.events
            .push_back(Event::ServerRandom(hello.random.to_vec()));
        conn.events.push_back(Event::SuiteChosen {
            suite: hello.cipher_suite,
            extended_master_secret,
        });
        Ok(State::ExpectCertificate(ExpectCertificate {
            session: Session {
                params,
                client_random: self.client_hello.random,
                server_random: hello.random,
                extended_master_secret,
                transcript: self.transcript,
            },
        }))
    }
}

/// The ServerHello must choose among what was offered (RFC 5246 §7.4.1.3).
fn check_server_hello(offer: &ClientHello, hello: &ServerHello) -> Result<(), TlsError> {
    if hello.negotiated_version() != ProtocolVersion::TLS_1_2 {
        return Err(TlsError::new(
            AlertDescription::PROTOCOL_VERSION,
            format!(
                "the server chose {}; wirelab speaks TLS 1.2 only",
                hello.negotiated_version()
            ),
        ));
    }
    if !offer.cipher_suites.contains(&hello.cipher_suite)
        || hello.cipher_suite == CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    {
        return Err(TlsError::illegal_parameter(format!(
            "the server chose {}, which was not offered",
            hello.cipher_suite
        )));
    }
    if hello.compression_method != CompressionMethod::NULL {
        return Err(TlsError::illegal_parameter(format!(
            "the server chose compression {}, which was not offered",
            hello.compression_method
        )));
    }
    for extension in &hello.extensions {
        let extension_type = extension.extension_type();
        if offer.extension(extension_type).is_none() {
            // RFC 5246 §7.4.1.4: a server must not send an extension the client did not ask for.
            return Err(TlsError::new(
                AlertDescription::UNSUPPORTED_EXTENSION,
                format!("the server sent {extension_type}, which the client did not offer"),
            ));
        }
    }
    Ok(())
}

impl ExpectCertificate {
    pub fn handle(
        mut self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
        config: &ClientConfig,
    ) -> Result<State, TlsError> {
        let Handshake::Certificate(chain) = message else {
            return Err(TlsError::unexpected(
                "Certificate",
                message.handshake_type(),
            ));
        };
        let Some(leaf) = chain.first() else {
            return Err(TlsError::new(
                AlertDescription::BAD_CERTIFICATE,
                "the server sent an empty certificate chain",
            ));
        };
        let summaries = cert::summarize_chain(&chain)
            .into_iter()
            .map(|s| match s {
                Ok(s) => format!(
                    "{} (issuer {}; {}; valid {} to {})",
                    s.subject, s.issuer, s.key, s.not_before, s.not_after
                ),
                Err(e) => e.to_string(),
            })
            .collect();
        conn.events.push_back(Event::Certificates(summaries));
        match &config.trust {
            Trust::Insecure => conn.events.push_back(Event::CertificateTrust(
                "not verified (insecure)".to_string(),
            )),
            Trust::Roots { certificates, now } => {
                cert::verify_chain(&chain, certificates, config.server_name.as_deref(), *now)
                    .map_err(|e| TlsError::new(AlertDescription::BAD_CERTIFICATE, e.to_string()))?;
                conn.events.push_back(Event::CertificateTrust(format!(
                    "verified: the chain leads to a trusted root{}",
                    config
                        .server_name
                        .as_ref()
                        .map_or(String::new(), |n| format!(" and names {n}"))
                )));
            }
        }
        let server_key = cert::rsa_public_key(leaf)
            .map_err(|e| TlsError::new(AlertDescription::BAD_CERTIFICATE, e.to_string()))?
            .ok_or_else(|| {
                TlsError::new(
                    AlertDescription::BAD_CERTIFICATE,
                    "the server's certificate has no RSA key; wirelab does the RSA suites only",
                )
            })?;
        self.session.transcript.add(raw);
        Ok(match self.session.params.key_exchange {
            KeyExchange::Rsa => State::ExpectServerHelloDone(ExpectServerHelloDone {
                session: self.session,
                server_key,
                kx: KeyExchangeParams::Rsa,
                certificate_requested: false,
            }),
            _ => State::ExpectServerKeyExchange(ExpectServerKeyExchange {
                session: self.session,
                server_key,
            }),
        })
    }
}

impl ExpectServerKeyExchange {
    pub fn handle(
        mut self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
        config: &ClientConfig,
    ) -> Result<State, TlsError> {
        let Handshake::ServerKeyExchange(ServerKeyExchange { params, signature }) = message else {
            return Err(TlsError::unexpected(
                "ServerKeyExchange",
                message.handshake_type(),
            ));
        };
        if !config.signature_schemes.contains(&signature.scheme) {
            return Err(TlsError::illegal_parameter(format!(
                "the server signed with {}, which was not offered",
                signature.scheme
            )));
        }
        // RFC 5246 §7.4.3: the signature covers both randoms and the parameters, so that an
        // attacker cannot replay parameters from another handshake.
        let mut signed = Vec::new();
        signed.extend_from_slice(&self.session.client_random);
        signed.extend_from_slice(&self.session.server_random);
        params.encode(&mut signed);
        kx::verify_signature(
            &self.server_key,
            signature.scheme,
            &signed,
            &signature.signature,
        )?;
        let kx = match params {
            ServerParams::Dh { p, g, public } => {
                conn.events.push_back(Event::DhParameters {
                    p: p.clone(),
                    g: g.clone(),
                    server_public: public.clone(),
                });
                KeyExchangeParams::dh(&p, &g, &public)?
            }
            ServerParams::Ecdh { group, public } => {
                conn.events.push_back(Event::EcdhParameters {
                    group,
                    server_public: public.clone(),
                });
                if !config.groups.contains(&group) {
                    return Err(TlsError::illegal_parameter(format!(
                        "the server chose {group}, which was not offered"
                    )));
                }
                KeyExchangeParams::Ecdh {
                    group,
                    server_public: public,
                }
            }
        };
        conn.events.push_back(Event::SignatureVerified {
            scheme: signature.scheme,
        });
        self.session.transcript.add(raw);
        Ok(State::ExpectServerHelloDone(ExpectServerHelloDone {
            session: self.session,
            server_key: self.server_key,
            kx,
            certificate_requested: false,
        }))
    }
}

impl ExpectServerHelloDone {
    pub fn handle(
        mut self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
    ) -> Result<State, TlsError> {
        match message {
            Handshake::CertificateRequest(_) if !self.certificate_requested => {
                self.session.transcript.add(raw);
                self.certificate_requested = true;
                Ok(State::ExpectServerHelloDone(self))
            }
            Handshake::ServerHelloDone => {
                self.session.transcript.add(raw);
                Ok(self.finish_flight(conn)?)
            }
            other => Err(TlsError::unexpected(
                "ServerHelloDone",
                other.handshake_type(),
            )),
        }
    }

    /// The client's flight: [Certificate], ClientKeyExchange, ChangeCipherSpec, Finished.
    fn finish_flight(self, conn: &mut Connection) -> Result<State, TlsError> {
        let mut session = self.session;
        if self.certificate_requested {
            // RFC 5246 §7.4.6: a client without a certificate sends an empty list.
            let sent = conn.send_handshake(&Handshake::Certificate(Vec::new()));
            session.transcript.add(&sent);
        }
        let (client_key_exchange, pre_master_secret) =
            self.kx.client_side(&self.server_key, conn)?;
        let sent = conn.send_handshake(&Handshake::ClientKeyExchange(client_key_exchange));
        session.transcript.add(&sent);
        conn.events
            .push_back(Event::PreMasterSecret(pre_master_secret.clone()));

        let (master_secret, keys) = session.derive_secrets(&pre_master_secret, conn);
        conn.send_change_cipher_spec(session.write_keys(&keys, Side::Client));
        session.send_finished(&master_secret, Side::Client, conn);
        Ok(State::ExpectChangeCipherSpec(ExpectChangeCipherSpec {
            session,
            master_secret,
            keys,
        }))
    }
}

impl ExpectChangeCipherSpec {
    pub fn handle_change_cipher_spec(self, conn: &mut Connection) -> State {
        conn.peer_changed_cipher_spec(self.session.write_keys(&self.keys, Side::Server));
        State::ExpectFinished(ExpectFinished {
            session: self.session,
            master_secret: self.master_secret,
        })
    }
}

impl ExpectFinished {
    pub fn handle(self, message: Handshake, conn: &mut Connection) -> Result<State, TlsError> {
        let Handshake::Finished(received) = message else {
            return Err(TlsError::unexpected("Finished", message.handshake_type()));
        };
        self.session
            .check_finished(&self.master_secret, Side::Server, &received, conn)?;
        conn.events.push_back(Event::HandshakeComplete);
        Ok(State::Traffic)
    }
}
