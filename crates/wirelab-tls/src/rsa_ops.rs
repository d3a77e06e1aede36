//! The RSA operations a TLS 1.2 handshake needs from the server's certificate key:
//! verifying a ServerKeyExchange signature and encrypting an RSA pre-master secret.

use crate::cert::RsaPublicKey;
use crate::codec::{AlertDescription, SignatureScheme};
use crate::error::TlsError;
use num_bigint::BigUint;
use rand::RngCore;

/// Verify `signature` over `message` with the scheme the server named (RFC 5246 §4.7; RFC 8446
/// §4.2.3 for the PSS schemes TLS 1.2 servers use by default since OpenSSL 1.1.1).
pub fn verify(
    key: &RsaPublicKey,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), TlsError> {
    use ring::signature as sig;
    let params: &sig::RsaParameters = match scheme {
        SignatureScheme::RSA_PKCS1_SHA256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        SignatureScheme::RSA_PKCS1_SHA384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        SignatureScheme::RSA_PKCS1_SHA512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        SignatureScheme::RSA_PSS_RSAE_SHA256 => &sig::RSA_PSS_2048_8192_SHA256,
        SignatureScheme::RSA_PSS_RSAE_SHA384 => &sig::RSA_PSS_2048_8192_SHA384,
        SignatureScheme::RSA_PSS_RSAE_SHA512 => &sig::RSA_PSS_2048_8192_SHA512,
        other => {
            return Err(TlsError::illegal_parameter(format!(
                "signature scheme {other} is not one wirelab verifies"
            )))
        }
    };
    let components = sig::RsaPublicKeyComponents {
        n: &key.modulus,
        e: &key.exponent,
    };
    components.verify(params, message, signature).map_err(|_| {
        TlsError::new(
            AlertDescription::DECRYPT_ERROR,
            format!("the server's {scheme} signature over its key exchange does not verify"),
        )
    })
}

/// RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1): EM = 00 02 PS 00 M, with PS at least 8
/// random non-zero bytes; C = EM^e mod n.
pub fn encrypt_pkcs1(
    key: &RsaPublicKey,
    message: &[u8],
    rng: &mut impl RngCore,
) -> Result<Vec<u8>, TlsError> {
    let k = key.modulus.len();
    if message.len() + 11 > k {
        return Err(TlsError::new(
            AlertDescription::INTERNAL_ERROR,
            format!(
                "a {}-byte RSA key cannot encrypt {} bytes",
                k,
                message.len()
            ),
        ));
    }
    let mut em = vec![0u8, 2];
    while em.len() < k - message.len() - 1 {
        let mut byte = [0u8];
        rng.fill_bytes(&mut byte);
        if byte[0] != 0 {
            em.push(byte[0]);
        }
    }
    em.push(0);
    em.extend_from_slice(message);
    let n = BigUint::from_bytes_be(&key.modulus);
    let c = BigUint::from_bytes_be(&em).modpow(&BigUint::from_bytes_be(&key.exponent), &n);
    let bytes = c.to_bytes_be();
    let mut out = vec![0u8; k - bytes.len()];
    out.extend_from_slice(&bytes);
    Ok(out)
}
