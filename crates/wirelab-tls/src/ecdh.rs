//! Elliptic-curve Diffie-Hellman for ECDHE suites (RFC 8422): X25519 with wirelab-crypto's own
//! RFC 7748 implementation (its private key drawn from the connection's RNG, so a seeded run
//! repeats exactly), P-256 with ring (whose private keys come from the operating system).

use crate::codec::{AlertDescription, NamedGroup};
use crate::conn::Connection;
use crate::error::TlsError;
use ring::agreement;

/// An ephemeral private key, used once.
pub enum EcdhPrivate {
    X25519([u8; 32]),
    P256(agreement::EphemeralPrivateKey),
}

fn internal(what: &str) -> TlsError {
    TlsError::new(AlertDescription::INTERNAL_ERROR, what.to_string())
}

impl EcdhPrivate {
    /// A fresh key for `group` and its public value (the point sent to the peer).
    pub fn generate(
        group: NamedGroup,
        conn: &mut Connection,
    ) -> Result<(Vec<u8>, EcdhPrivate), TlsError> {
        match group {
            NamedGroup::X25519 => {
                let private = conn.random::<32>();
                let public = wirelab_crypto::x25519::x25519_public(&private);
                Ok((public.to_vec(), EcdhPrivate::X25519(private)))
            }
            NamedGroup::SECP256R1 => {
                let rng = ring::rand::SystemRandom::new();
                let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
                    .map_err(|_| internal("no randomness for a P-256 key"))?;
                let public = private
                    .compute_public_key()
                    .map_err(|_| internal("computing a P-256 public key"))?
                    .as_ref()
                    .to_vec();
                Ok((public, EcdhPrivate::P256(private)))
            }
            other => Err(TlsError::illegal_parameter(format!(
                "{other} is not a group wirelab implements"
            ))),
        }
    }

    /// The shared secret with the peer's public value: the x-coordinate of the shared point
    /// (RFC 8422 §5.10), or X25519's output, refused when all zero (RFC 7748 §6.1).
    pub fn agree(self, peer: &[u8]) -> Result<Vec<u8>, TlsError> {
        match self {
            EcdhPrivate::X25519(private) => {
                let peer: [u8; 32] = peer.try_into().map_err(|_| {
                    TlsError::illegal_parameter(format!(
                        "an X25519 public key is 32 bytes, found {}",
                        peer.len()
                    ))
                })?;
                let shared = wirelab_crypto::x25519::x25519_agree(&private, &peer)
                    .map_err(|e| TlsError::illegal_parameter(e.to_string()))?;
                Ok(shared.to_vec())
            }
            EcdhPrivate::P256(private) => {
                let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer);
                agreement::agree_ephemeral(private, &peer, |secret| secret.to_vec()).map_err(|_| {
                    TlsError::illegal_parameter("the peer's P-256 point is not on the curve")
                })
            }
        }
    }
}
