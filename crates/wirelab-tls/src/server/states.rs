//! The server's handshake as a chain of states (RFC 5246 §7.3, Figure 1, the other column):
//!
//! ```text
//!  ClientHello             ──>                              ExpectClientHello
//!                          <──  ServerHello, Certificate,
//!                               ServerKeyExchange* (DHE, ECDHE), ServerHelloDone
//!  ClientKeyExchange       ──>                              ExpectClientKeyExchange
//!  [ChangeCipherSpec]      ──>                              ExpectChangeCipherSpec
//!  Finished                ──>                              ExpectFinished
//!                          <──  [ChangeCipherSpec], Finished
//!  Application Data       <──>  Application Data            Traffic
//! ```

use super::ServerConfig;
use crate::codec::{
    AlertDescription, CipherSuite, ClientHello, ClientKeyExchange, CompressionMethod,
    DigitallySigned, EcPointFormat, Extension, ExtensionType, Handshake, KeyExchange, NamedGroup,
    ProtocolVersion, ServerHello, ServerKeyExchange, ServerParams, SignatureScheme,
};
use crate::conn::Connection;
use crate::ecdh::EcdhPrivate;
use crate::endpoint::HandshakeState;
use crate::error::TlsError;
use crate::event::Event;
use crate::keys::prf::Side;
use crate::keys::{KeyBlock, SuiteParams};
use crate::rsa_ops;
use crate::session::{Session, Transcript};
use num_bigint::BigUint;
use wirelab_crypto::dh::{Group, KeyPair, PublicKey};

/// The signature schemes the server can sign with, most preferred first (RSA-PSS, as OpenSSL).
const SIGNATURE_SCHEMES: [SignatureScheme; 4] = [
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
];

/// The server's private half of the key exchange, kept until the ClientKeyExchange.
pub enum KeyExchangePrivate {
    Rsa,
    Dh(KeyPair),
    Ecdh(EcdhPrivate),
}

pub struct ExpectClientHello;

pub struct ExpectClientKeyExchange {
    pub session: Session,
    pub client_version: ProtocolVersion,
    pub private: KeyExchangePrivate,
}

pub struct ExpectChangeCipherSpec {
    pub session: Session,
    pub master_secret: Vec<u8>,
    pub keys: KeyBlock,
}

pub struct ExpectFinished {
    pub session: Session,
    pub master_secret: Vec<u8>,
    pub keys: KeyBlock,
}

pub enum State {
    ExpectClientHello(ExpectClientHello),
    ExpectClientKeyExchange(ExpectClientKeyExchange),
    ExpectChangeCipherSpec(ExpectChangeCipherSpec),
    ExpectFinished(ExpectFinished),
    Traffic,
    Closed,
}

impl HandshakeState for State {
    const TRAFFIC: State = State::Traffic;
    const CLOSED: State = State::Closed;

    fn name(&self) -> &'static str {
        match self {
            State::ExpectClientHello(_) => "ExpectClientHello",
            State::ExpectClientKeyExchange(_) => "ExpectClientKeyExchange",
            State::ExpectChangeCipherSpec(_) => "ExpectChangeCipherSpec",
            State::ExpectFinished(_) => "ExpectFinished",
            State::Traffic => "Traffic",
            State::Closed => "Closed",
        }
    }

    fn context(&self) -> crate::codec::Context {
        match self {
            State::ExpectClientKeyExchange(s) => s.session.context(),
            State::ExpectChangeCipherSpec(s) => s.session.context(),
            State::ExpectFinished(s) => s.session.context(),
            _ => crate::codec::Context::default(),
        }
    }
}

/// What the server decided from the ClientHello.
struct Choice {
    params: SuiteParams,
    scheme: Option<SignatureScheme>,
    ecdh_group: Option<NamedGroup>,
    dh_group: Option<Group>,
}

fn offered_groups(hello: &ClientHello) -> Option<&[NamedGroup]> {
    match hello.extension(ExtensionType::SUPPORTED_GROUPS) {
        Some(Extension::SupportedGroups(groups)) => Some(groups),
        _ => None,
    }
}

/// Pick the suite in the server's order of preference among those offered (RFC 5246
/// §7.4.1.3), with a group and a signature scheme both sides support.
fn choose(config: &ServerConfig, hello: &ClientHello) -> Result<Choice, TlsError> {
    let schemes: Vec<SignatureScheme> = match hello.extension(ExtensionType::SIGNATURE_ALGORITHMS) {
        Some(Extension::SignatureAlgorithms(offered)) => offered.clone(),
        _ => Vec::new(),
    };
    let scheme = SIGNATURE_SCHEMES.into_iter().find(|s| schemes.contains(s));
    for &suite in &config.cipher_suites {
        if !hello.cipher_suites.contains(&suite) {
            continue;
        }
        let Some(params) = SuiteParams::of(suite) else {
            continue;
        };
        match params.key_exchange {
            KeyExchange::Rsa => {
                return Ok(Choice {
                    params,
                    scheme: None,
                    ecdh_group: None,
                    dh_group: None,
                });
            }
            KeyExchange::Ecdhe | KeyExchange::Dhe if scheme.is_none() => continue,
            KeyExchange::Ecdhe => {
                // RFC 8422 §4: without supported_groups, the client accepts any curve.
                let groups = offered_groups(hello).unwrap_or(&[NamedGroup::SECP256R1]);
                if let Some(group) = [NamedGroup::X25519, NamedGroup::SECP256R1]
                    .into_iter()
                    .find(|g| groups.contains(g))
                {
                    return Ok(Choice {
                        params,
                        scheme,
                        ecdh_group: Some(group),
                        dh_group: None,
                    });
                }
            }
            KeyExchange::Dhe => {
                // RFC 7919 §4: an FFDHE group the client named, else the server's own choice.
                let named = offered_groups(hello).and_then(|groups| {
                    [
                        (NamedGroup::FFDHE2048, "ffdhe2048"),
                        (NamedGroup::FFDHE3072, "ffdhe3072"),
                    ]
                    .into_iter()
                    .find(|(g, _)| groups.contains(g))
                    .and_then(|(_, name)| Group::named(name))
                });
                let group = named.unwrap_or_else(|| config.dh_group.clone());
                return Ok(Choice {
                    params,
                    scheme,
                    ecdh_group: None,
                    dh_group: Some(group),
                });
            }
            _ => continue,
        }
    }
    Err(TlsError::handshake_failure(
        "no cipher suite both sides support (with a signature scheme and a group for the forward-secret ones)",
    ))
}

impl ExpectClientHello {
    pub fn handle(
        self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
        config: &ServerConfig,
    ) -> Result<State, TlsError> {
        let Handshake::ClientHello(hello) = message else {
            return Err(TlsError::unexpected(
                "ClientHello",
                message.handshake_type(),
            ));
        };
        if hello.version < ProtocolVersion::TLS_1_2 {
            return Err(TlsError::new(
                AlertDescription::PROTOCOL_VERSION,
                format!(
                    "the client offers at most {}; wirelab speaks TLS 1.2",
                    hello.version
                ),
            ));
        }
        if !hello.compression_methods.contains(&CompressionMethod::NULL) {
            return Err(TlsError::illegal_parameter(
                "the client does not offer the null compression method",
            ));
        }
        let choice = choose(config, &hello)?;
        let extended_master_secret = config.extended_master_secret
            && hello
                .extension(ExtensionType::EXTENDED_MASTER_SECRET)
                .is_some();
        let server_random = conn.random::<32>();
        conn.events
            .push_back(Event::ClientRandom(hello.random.to_vec()));
        conn.events
            .push_back(Event::ServerRandom(server_random.to_vec()));
        conn.events.push_back(Event::SuiteChosen {
            suite: choice.params.suite,
            extended_master_secret,
        });

        let mut extensions = Vec::new();
        // RFC 5746 §3.6: answer renegotiation_info (or its SCSV) with an empty one.
        if hello.extension(ExtensionType::RENEGOTIATION_INFO).is_some()
            || hello
                .cipher_suites
                .contains(&CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV)
        {
            extensions.push(Extension::RenegotiationInfo(Vec::new()));
        }
        if extended_master_secret {
            extensions.push(Extension::ExtendedMasterSecret);
        }
        if choice.ecdh_group.is_some() && hello.extension(ExtensionType::EC_POINT_FORMATS).is_some()
        {
            extensions.push(Extension::EcPointFormats(vec![EcPointFormat::UNCOMPRESSED]));
        }
        let server_hello = ServerHello {
            version: ProtocolVersion::TLS_1_2,
            random: server_random,
            session_id: Vec::new(),
            cipher_suite: choice.params.suite,
            compression_method: CompressionMethod::NULL,
            extensions_present: !extensions.is_empty(),
            extensions,
        };
        let mut session = Session {
            params: choice.params,
            client_random: hello.random,
            server_random,
            extended_master_secret,
            transcript: Transcript::default(),
        };
        session.transcript.add(raw);
        let sent = conn.send_handshake(&Handshake::ServerHello(server_hello));
        session.transcript.add(&sent);
        let sent = conn.send_handshake(&Handshake::Certificate(config.certificate_chain.clone()));
        session.transcript.add(&sent);

        let (params, private) = match (choice.dh_group, choice.ecdh_group) {
            (Some(group), _) => {
                let pair = KeyPair::generate(&group, &mut conn.rng);
                let params = ServerParams::Dh {
                    p: group.p.to_bytes_be(),
                    g: group.g.to_bytes_be(),
                    public: pair.public.y.to_bytes_be(),
                };
                (Some(params), KeyExchangePrivate::Dh(pair))
            }
            (None, Some(group)) => {
                let (public, private) = EcdhPrivate::generate(group, conn)?;
                (
                    Some(ServerParams::Ecdh { group, public }),
                    KeyExchangePrivate::Ecdh(private),
                )
            }
            (None, None) => (None, KeyExchangePrivate::Rsa),
        };
        if let (Some(params), Some(scheme)) = (params, choice.scheme) {
            match &params {
                ServerParams::Dh { p, g, public } => conn.events.push_back(Event::DhParameters {
                    p: p.clone(),
                    g: g.clone(),
                    server_public: public.clone(),
                }),
                ServerParams::Ecdh { group, public } => {
                    conn.events.push_back(Event::EcdhParameters {
                        group: *group,
                        server_public: public.clone(),
                    })
                }
            }
            let mut signed = Vec::new();
            signed.extend_from_slice(&session.client_random);
            signed.extend_from_slice(&session.server_random);
            params.encode(&mut signed);
            let signature = rsa_ops::sign(&config.key, scheme, &signed, &mut conn.rng)?;
            let message = Handshake::ServerKeyExchange(ServerKeyExchange {
                params,
                signature: DigitallySigned { scheme, signature },
            });
            let sent = conn.send_handshake(&message);
            session.transcript.add(&sent);
        }
        let sent = conn.send_handshake(&Handshake::ServerHelloDone);
        session.transcript.add(&sent);
        Ok(State::ExpectClientKeyExchange(ExpectClientKeyExchange {
            session,
            client_version: hello.version,
            private,
        }))
    }
}

impl ExpectClientKeyExchange {
    pub fn handle(
        mut self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
        config: &ServerConfig,
    ) -> Result<State, TlsError> {
        let Handshake::ClientKeyExchange(exchange) = message else {
            return Err(TlsError::unexpected(
                "ClientKeyExchange",
                message.handshake_type(),
            ));
        };
        let pre_master_secret = match (self.private, exchange) {
            (
                KeyExchangePrivate::Rsa,
                ClientKeyExchange::Rsa {
                    encrypted_pre_master,
                },
            ) => rsa_ops::decrypt_pre_master(
                &config.key,
                &encrypted_pre_master,
                self.client_version.0,
                &mut conn.rng,
            ),
            (KeyExchangePrivate::Dh(pair), ClientKeyExchange::Dh { public }) => {
                let peer = PublicKey {
                    group: pair.public.group.clone(),
                    y: BigUint::from_bytes_be(&public),
                };
                pair.agree(&peer)
                    .map_err(|e| TlsError::illegal_parameter(e.to_string()))?
                    .stripped()
            }
            (KeyExchangePrivate::Ecdh(private), ClientKeyExchange::Ecdh { public }) => {
                private.agree(&public)?
            }
            (_, other) => {
                return Err(TlsError::illegal_parameter(format!(
                    "a ClientKeyExchange of the wrong kind: {other:?}"
                )))
            }
        };
        self.session.transcript.add(raw);
        conn.events
            .push_back(Event::PreMasterSecret(pre_master_secret.clone()));
        let (master_secret, keys) = self.session.derive_secrets(&pre_master_secret, conn);
        Ok(State::ExpectChangeCipherSpec(ExpectChangeCipherSpec {
            session: self.session,
            master_secret,
            keys,
        }))
    }
}

impl ExpectChangeCipherSpec {
    pub fn handle_change_cipher_spec(self, conn: &mut Connection) -> State {
        conn.peer_changed_cipher_spec(self.session.write_keys(&self.keys, Side::Client));
        State::ExpectFinished(ExpectFinished {
            session: self.session,
            master_secret: self.master_secret,
            keys: self.keys,
        })
    }
}

impl ExpectFinished {
    pub fn handle(
        mut self,
        message: Handshake,
        raw: &[u8],
        conn: &mut Connection,
    ) -> Result<State, TlsError> {
        let Handshake::Finished(received) = message else {
            return Err(TlsError::unexpected("Finished", message.handshake_type()));
        };
        self.session
            .check_finished(&self.master_secret, Side::Client, &received, conn)?;
        self.session.transcript.add(raw);
        conn.send_change_cipher_spec(self.session.write_keys(&self.keys, Side::Server));
        self.session
            .send_finished(&self.master_secret, Side::Server, conn);
        conn.events.push_back(Event::HandshakeComplete);
        Ok(State::Traffic)
    }
}
