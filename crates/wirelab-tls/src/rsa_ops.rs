//! The RSA operations of a TLS 1.2 handshake, done by wirelab-crypto's RSA (RFC 8017): the
//! client verifies the server's key-exchange signature and encrypts an RSA pre-master secret;
//! the server signs and decrypts.

use crate::cert::RsaPublicKey;
use crate::codec::{AlertDescription, SignatureScheme};
use crate::error::TlsError;
use num_bigint::BigUint;
use rand::RngCore;
use wirelab_crypto::rsa::{self, pkcs1v15, primitive::Decryption, pss, Hash, PrivateKey};

/// How a signature scheme signs: the padding and the hash (RFC 8446 §4.2.3, which TLS 1.2
/// uses for its two-byte SignatureAndHashAlgorithm too).
fn scheme_parts(scheme: SignatureScheme) -> Result<(bool, Hash), TlsError> {
    match scheme {
        SignatureScheme::RSA_PKCS1_SHA256 => Ok((false, Hash::Sha256)),
        SignatureScheme::RSA_PKCS1_SHA384 => Ok((false, Hash::Sha384)),
        SignatureScheme::RSA_PSS_RSAE_SHA256 => Ok((true, Hash::Sha256)),
        SignatureScheme::RSA_PSS_RSAE_SHA384 => Ok((true, Hash::Sha384)),
        other => Err(TlsError::illegal_parameter(format!(
            "signature scheme {other} is not one wirelab implements"
        ))),
    }
}

fn public_key(key: &RsaPublicKey) -> rsa::PublicKey {
    rsa::PublicKey {
        n: BigUint::from_bytes_be(&key.modulus),
        e: BigUint::from_bytes_be(&key.exponent),
    }
}

/// Verify `signature` over `message` with the scheme the server named (RFC 5246 §4.7).
pub fn verify(
    key: &RsaPublicKey,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), TlsError> {
    let (is_pss, hash) = scheme_parts(scheme)?;
    let key = public_key(key);
    let result = if is_pss {
        pss::verify(&key, message, signature, hash, None)
    } else {
        pkcs1v15::verify(&key, message, signature, hash, None)
    };
    result.map_err(|e| {
        TlsError::new(
            AlertDescription::DECRYPT_ERROR,
            format!("the server's {scheme} signature over its key exchange does not verify: {e}"),
        )
    })
}

/// Sign `message` with the server's key (a ServerKeyExchange, RFC 5246 §7.4.3).
pub fn sign(
    key: &PrivateKey,
    scheme: SignatureScheme,
    message: &[u8],
    rng: &mut impl RngCore,
) -> Result<Vec<u8>, TlsError> {
    let (is_pss, hash) = scheme_parts(scheme)?;
    let signed = if is_pss {
        pss::sign(key, message, hash, rng, None)
    } else {
        pkcs1v15::sign(key, message, hash, None)
    };
    signed.map_err(|e| TlsError::new(AlertDescription::INTERNAL_ERROR, format!("signing: {e}")))
}

/// RSAES-PKCS1-v1_5 encryption of the pre-master secret (RFC 5246 §7.4.7.1).
pub fn encrypt_pkcs1(
    key: &RsaPublicKey,
    message: &[u8],
    rng: &mut impl RngCore,
) -> Result<Vec<u8>, TlsError> {
    pkcs1v15::encrypt(&public_key(key), message, rng, None).map_err(|e| {
        TlsError::new(
            AlertDescription::INTERNAL_ERROR,
            format!("encrypting the pre-master secret: {e}"),
        )
    })
}

/// The server's side of the RSA key exchange (RFC 5246 §7.4.7.1): decrypt the pre-master
/// secret, and when it does not decrypt, or is not 48 bytes starting with the version the
/// client offered, go on with a random one instead of saying so. A server that answers a bad
/// padding differently is an oracle that decrypts any recorded session, given enough tries
/// (Bleichenbacher 1998, ROBOT 2017); with a random secret, the failure only shows as a wrong
/// Finished later, like any other.
pub fn decrypt_pre_master(
    key: &PrivateKey,
    encrypted: &[u8],
    client_version: u16,
    rng: &mut impl RngCore,
) -> Vec<u8> {
    let mut fallback = client_version.to_be_bytes().to_vec();
    let mut random = [0u8; 46];
    rng.fill_bytes(&mut random);
    fallback.extend_from_slice(&random);
    match pkcs1v15::decrypt(key, encrypted, Decryption::Crt, None) {
        Ok(secret) if secret.len() == 48 && secret[..2] == client_version.to_be_bytes() => secret,
        _ => fallback,
    }
}
