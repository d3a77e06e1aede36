//! The key-exchange messages, whose shape depends on the cipher suite's key exchange
//! (RFC 5246 §7.4.3, §7.4.7; RFC 8422 §5.4, §5.7 for elliptic curves).
//!
//! ```text
//!  ServerKeyExchange                              ClientKeyExchange
//!   RSA     (not sent)                             RSA     opaque encrypted_pre_master<0..2^16-1>
//!   DHE     dh_p<1..2^16-1> dh_g<..> dh_Ys<..>      DHE     dh_Yc<1..2^16-1>
//!           + digitally-signed params               ECDHE   ECPoint ecdh_Yc<1..2^8-1>
//!   ECDHE   curve_type(3) named_curve(2)
//!           point<1..2^8-1> + digitally-signed params
//! ```

use super::enums::{CipherSuite, EcCurveType, NamedGroup, SignatureScheme};
use super::reader::{DecodeError, Reader, Writer};

/// How a cipher suite agrees on the pre-master secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyExchange {
    /// The client encrypts a random pre-master secret to the server's RSA key: no forward
    /// secrecy (whoever later holds the server's private key can decrypt a recording).
    Rsa,
    /// Finite-field Diffie-Hellman with fresh keys, signed by the server (RFC 5246 §7.4.3).
    Dhe,
    /// Elliptic-curve Diffie-Hellman with fresh keys, signed by the server (RFC 8422).
    Ecdhe,
    /// A TLS 1.3 suite: the key exchange is in the hellos' key_share (RFC 8446 §4.2.8).
    Tls13,
    /// Anything else (PSK, SRP, static DH, export…): recognised by name, not performed.
    Other,
}

impl KeyExchange {
    /// The key exchange of a suite, read from its registry name (`TLS_ECDHE_RSA_WITH_…`).
    pub fn of(suite: CipherSuite) -> Option<KeyExchange> {
        let name = suite.name()?;
        Some(if name.starts_with("TLS_RSA_WITH_") {
            KeyExchange::Rsa
        } else if name.starts_with("TLS_DHE_RSA_") || name.starts_with("TLS_DHE_DSS_") {
            KeyExchange::Dhe
        } else if name.starts_with("TLS_ECDHE_RSA_") || name.starts_with("TLS_ECDHE_ECDSA_") {
            KeyExchange::Ecdhe
        } else if (0x1301..=0x1305).contains(&suite.0) {
            KeyExchange::Tls13
        } else {
            KeyExchange::Other
        })
    }
}

/// A signature over the key-exchange parameters (RFC 5246 §4.7 `digitally-signed`, §7.4.1.4.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitallySigned {
    pub scheme: SignatureScheme,
    pub signature: Vec<u8>,
}

impl DigitallySigned {
    pub fn read(r: &mut Reader<'_>) -> Result<DigitallySigned, DecodeError> {
        Ok(DigitallySigned {
            scheme: SignatureScheme(r.u16("digitally-signed.algorithm")?),
            signature: r.vector(2, "digitally-signed.signature")?.to_vec(),
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        out.u16(self.scheme.0);
        out.vector(2, |s| s.bytes(&self.signature));
    }
}

/// The server's fresh Diffie-Hellman parameters and public value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerParams {
    /// `ServerDHParams` (RFC 5246 §7.4.3): the group (p, g) — chosen by the server — and Ys.
    Dh {
        p: Vec<u8>,
        g: Vec<u8>,
        public: Vec<u8>,
    },
    /// `ServerECDHParams` with a named curve (RFC 8422 §5.4) and the point Ys.
    Ecdh { group: NamedGroup, public: Vec<u8> },
}

impl ServerParams {
    /// The bytes the signature covers, after client_random + server_random (RFC 5246 §7.4.3).
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ServerParams::Dh { p, g, public } => {
                out.vector(2, |v| v.bytes(p));
                out.vector(2, |v| v.bytes(g));
                out.vector(2, |v| v.bytes(public));
            }
            ServerParams::Ecdh { group, public } => {
                out.u8(EcCurveType::NAMED_CURVE.0);
                out.u16(group.0);
                out.vector(1, |v| v.bytes(public));
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKeyExchange {
    pub params: ServerParams,
    pub signature: DigitallySigned,
}

impl ServerKeyExchange {
    /// Read the message for key exchange `kx`; when the suite is unknown (a capture that
    /// starts after the ServerHello), ECDHE is recognised by its curve type byte.
    pub fn read(
        r: &mut Reader<'_>,
        kx: Option<KeyExchange>,
    ) -> Result<ServerKeyExchange, DecodeError> {
        let ecdhe = match kx {
            Some(KeyExchange::Ecdhe) => true,
            Some(KeyExchange::Dhe) => false,
            _ => r.clone().u8("ServerKeyExchange")? == EcCurveType::NAMED_CURVE.0,
        };
        let params = if ecdhe {
            let curve_type = EcCurveType(r.u8("ECParameters.curve_type")?);
            if curve_type != EcCurveType::NAMED_CURVE {
                return Err(r.error(
                    "ECParameters.curve_type",
                    "named_curve (3): explicit curves are deprecated (RFC 8422 §5.4)",
                    curve_type.to_string(),
                ));
            }
            ServerParams::Ecdh {
                group: NamedGroup(r.u16("ECParameters.namedcurve")?),
                public: nonempty(
                    r.vector(1, "ServerECDHParams.public")?,
                    r,
                    "ServerECDHParams.public",
                )?,
            }
        } else {
            ServerParams::Dh {
                p: nonempty(
                    r.vector(2, "ServerDHParams.dh_p")?,
                    r,
                    "ServerDHParams.dh_p",
                )?,
                g: nonempty(
                    r.vector(2, "ServerDHParams.dh_g")?,
                    r,
                    "ServerDHParams.dh_g",
                )?,
                public: nonempty(
                    r.vector(2, "ServerDHParams.dh_Ys")?,
                    r,
                    "ServerDHParams.dh_Ys",
                )?,
            }
        };
        let signature = DigitallySigned::read(r)?;
        r.expect_end("ServerKeyExchange")?;
        Ok(ServerKeyExchange { params, signature })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        self.params.encode(out);
        self.signature.encode(out);
    }
}

fn nonempty(bytes: &[u8], r: &Reader<'_>, context: &'static str) -> Result<Vec<u8>, DecodeError> {
    if bytes.is_empty() {
        return Err(r.error(context, "at least 1 byte", "0"));
    }
    Ok(bytes.to_vec())
}

/// The client's part of the key exchange (RFC 5246 §7.4.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientKeyExchange {
    /// The pre-master secret encrypted to the server's RSA key (§7.4.7.1).
    Rsa { encrypted_pre_master: Vec<u8> },
    /// The client's Diffie-Hellman public value Yc (§7.4.7.2).
    Dh { public: Vec<u8> },
    /// The client's elliptic-curve point (RFC 8422 §5.7).
    Ecdh { public: Vec<u8> },
    /// A key exchange this crate does not perform: the body as sent.
    Raw(Vec<u8>),
}

impl ClientKeyExchange {
    pub fn read(
        r: &mut Reader<'_>,
        kx: Option<KeyExchange>,
    ) -> Result<ClientKeyExchange, DecodeError> {
        let message = match kx {
            Some(KeyExchange::Rsa) => ClientKeyExchange::Rsa {
                encrypted_pre_master: r.vector(2, "EncryptedPreMasterSecret")?.to_vec(),
            },
            Some(KeyExchange::Dhe) => ClientKeyExchange::Dh {
                public: nonempty(
                    r.vector(2, "ClientDiffieHellmanPublic.dh_Yc")?,
                    r,
                    "ClientDiffieHellmanPublic.dh_Yc",
                )?,
            },
            Some(KeyExchange::Ecdhe) => ClientKeyExchange::Ecdh {
                public: nonempty(
                    r.vector(1, "ClientECDiffieHellmanPublic.ecdh_Yc")?,
                    r,
                    "ClientECDiffieHellmanPublic.ecdh_Yc",
                )?,
            },
            _ => ClientKeyExchange::Raw(r.rest().to_vec()),
        };
        r.expect_end("ClientKeyExchange")?;
        Ok(message)
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ClientKeyExchange::Rsa {
                encrypted_pre_master,
            } => out.vector(2, |v| v.bytes(encrypted_pre_master)),
            ClientKeyExchange::Dh { public } => out.vector(2, |v| v.bytes(public)),
            ClientKeyExchange::Ecdh { public } => out.vector(1, |v| v.bytes(public)),
            ClientKeyExchange::Raw(bytes) => out.bytes(bytes),
        }
    }
}
