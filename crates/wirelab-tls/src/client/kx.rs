//! The client's side of each key exchange (RFC 5246 §7.4.7, §8.1; RFC 8422 §5.10):
//!
//! ```text
//!  RSA    pre_master = 03 03 | 46 random bytes        sent: RSA-encrypted to the server's key
//!  DHE    pre_master = Ys^x mod p, zeros stripped     sent: Yc = g^x mod p
//!  ECDHE  pre_master = x-coordinate of x·Ys           sent: our point x·G
//! ```
//!
//! Only RSA sends the secret itself (encrypted): whoever later gets the server's private key
//! can decrypt a recorded RSA handshake. DHE and ECDHE send only public values, and the
//! private ones are forgotten after the handshake: forward secrecy.

use crate::cert::RsaPublicKey;
use crate::codec::{ClientKeyExchange, NamedGroup, ProtocolVersion, SignatureScheme};
use crate::conn::Connection;
use crate::ecdh::EcdhPrivate;
use crate::error::TlsError;
use crate::event::Event;
use crate::rsa_ops;
use num_bigint::BigUint;
use wirelab_crypto::dh::{Group, KeyPair, PublicKey};

/// What the ServerKeyExchange (or, for RSA, the certificate) gave the client to work with.
#[derive(Clone, Debug)]
pub enum KeyExchangeParams {
    Rsa,
    Dh {
        group: Group,
        server_public: BigUint,
    },
    Ecdh {
        group: NamedGroup,
        server_public: Vec<u8>,
    },
}

impl KeyExchangeParams {
    /// The server's DH group and value, checked (RFC 7919 §5.1: 1 < Ys < p−1; the subgroup
    /// check when p is a known safe prime).
    pub fn dh(p: &[u8], g: &[u8], ys: &[u8]) -> Result<KeyExchangeParams, TlsError> {
        let (p, g) = (BigUint::from_bytes_be(p), BigUint::from_bytes_be(g));
        // A group of under 1024 bits can be broken by a well-funded attacker (Logjam, 2015).
        if p.bits() < 1024 {
            return Err(TlsError::new(
                crate::codec::AlertDescription::INSUFFICIENT_SECURITY,
                format!(
                    "the server's DH prime has {} bits; at least 1024 are needed",
                    p.bits()
                ),
            ));
        }
        // A huge p would make every exponentiation slow: refused above 8192 bits, like an
        // even p or a generator of order 2.
        let group =
            Group::from_parameters(p, g).map_err(|e| TlsError::illegal_parameter(e.to_string()))?;
        let server_public = BigUint::from_bytes_be(ys);
        wirelab_crypto::dh::validate_public(&group, &server_public, "the server")
            .map_err(|e| TlsError::illegal_parameter(e.to_string()))?;
        Ok(KeyExchangeParams::Dh {
            group,
            server_public,
        })
    }

    /// The ClientKeyExchange to send and the pre-master secret.
    pub fn client_side(
        &self,
        server_key: &RsaPublicKey,
        conn: &mut Connection,
    ) -> Result<(ClientKeyExchange, Vec<u8>), TlsError> {
        match self {
            KeyExchangeParams::Rsa => {
                // RFC 5246 §7.4.7.1: the version offered (not the one chosen), then 46 random
                // bytes, so that a version rollback changes the secret.
                let mut pre_master = ProtocolVersion::TLS_1_2.0.to_be_bytes().to_vec();
                pre_master.extend_from_slice(&conn.random::<46>());
                let encrypted = rsa_ops::encrypt_pkcs1(server_key, &pre_master, &mut conn.rng)?;
                Ok((
                    ClientKeyExchange::Rsa {
                        encrypted_pre_master: encrypted,
                    },
                    pre_master,
                ))
            }
            KeyExchangeParams::Dh {
                group,
                server_public,
            } => {
                let ours = KeyPair::generate(group, &mut conn.rng);
                let peer = PublicKey {
                    group: group.clone(),
                    y: server_public.clone(),
                };
                let shared = ours
                    .agree(&peer)
                    .map_err(|e| TlsError::illegal_parameter(e.to_string()))?;
                let public = ours.public.y.to_bytes_be();
                conn.events.push_back(Event::OwnPublicValue(public.clone()));
                // RFC 5246 §8.1.2: leading zero bytes of Z are stripped.
                Ok((ClientKeyExchange::Dh { public }, shared.stripped()))
            }
            KeyExchangeParams::Ecdh {
                group,
                server_public,
            } => {
                let (public, private) = EcdhPrivate::generate(*group, conn)?;
                let shared = private.agree(server_public)?;
                conn.events.push_back(Event::OwnPublicValue(public.clone()));
                Ok((ClientKeyExchange::Ecdh { public }, shared))
            }
        }
    }
}

/// Check the server's signature over its key-exchange parameters (RFC 5246 §7.4.3).
pub fn verify_signature(
    key: &RsaPublicKey,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), TlsError> {
    rsa_ops::verify(key, scheme, message, signature)
}
