//! PKCS#1 v1.5: encryption (RSAES-PKCS1-v1_5, RFC 8017 §7.2) and signatures
//! (RSASSA-PKCS1-v1_5, §8.2, with the EMSA-PKCS1-v1_5 encoding of §9.2).
//!
//! ```text
//!  encryption:  EM = 00 ‖ 02 ‖ PS (≥ 8 random non-zero bytes) ‖ 00 ‖ M
//!  signature:   EM = 00 ‖ 01 ‖ PS (≥ 8 bytes ff)              ‖ 00 ‖ DigestInfo(H(M))
//! ```
//!
//! The encryption padding is what Bleichenbacher's 1998 attack exploits: a server that reveals
//! whether a ciphertext decrypts to `00 02 …` lets an attacker decrypt any ciphertext with about
//! a million queries. TLS 1.2 (RFC 5246 §7.4.7.1) therefore answers a bad padding with a random
//! premaster secret instead of an error; TLS 1.3 dropped RSA encryption altogether.

use super::primitive::{
    i2osp, open_signature, os2ip, private_op, private_op_steps, public_op, sign_encoded,
    Decryption, Role,
};
use super::{hex, show, Error, Hash, PrivateKey, PublicKey};
use crate::steps::Steps;
use rand::RngCore;

/// RSAES-PKCS1-V1_5-ENCRYPT (RFC 8017 §7.2.1).
pub fn encrypt(
    key: &PublicKey,
    message: &[u8],
    rng: &mut impl RngCore,
    steps: Option<&mut Steps>,
) -> Result<Vec<u8>, Error> {
    let k = key.size();
    // Step 1: room for 00 02, eight bytes of padding and the 00 separator.
    let max = k.saturating_sub(11);
    if k < 11 {
        return Err(Error::KeyTooShort {
            bits: key.n.bits(),
            needed: "PKCS#1 v1.5 padding needs a modulus of at least 11 bytes".into(),
        });
    }
    if message.len() > max {
        return Err(Error::MessageTooLong {
            length: message.len(),
            max,
        });
    }
    // Step 2: PS, k − mLen − 3 random non-zero bytes (zero would end the padding early).
    let mut padding = vec![0u8; k - message.len() - 3];
    rng.fill_bytes(&mut padding);
    for byte in &mut padding {
        while *byte == 0 {
            let mut fresh = [0u8; 1];
            rng.fill_bytes(&mut fresh);
            *byte = fresh[0];
        }
    }
    let mut encoded = Vec::with_capacity(k);
    encoded.extend_from_slice(&[0x00, 0x02]);
    encoded.extend_from_slice(&padding);
    encoded.push(0x00);
    encoded.extend_from_slice(message);
    // Steps 3–4: m = OS2IP(EM), c = RSAEP(m) = mᵉ mod n, C = I2OSP(c, k).
    let m = os2ip(&encoded);
    let c = public_op(key, &m)?;
    let ciphertext = i2osp(&c, k)?;
    if let Some(steps) = steps {
        steps.push(
            "k",
            "⌈bits(n) / 8⌉",
            k.to_string(),
            "the modulus length in bytes",
        );
        steps.push(
            "mLen",
            "",
            message.len().to_string(),
            format!("the message length; at most k − 11 = {max}"),
        );
        steps.push(
            "PS",
            "k − mLen − 3 random non-zero bytes",
            hex(&padding),
            "fresh randomness, so the same message never encrypts the same way twice",
        );
        steps.push(
            "EM",
            "00 ‖ 02 ‖ PS ‖ 00 ‖ M",
            hex(&encoded),
            "the encoded message: 02 marks encryption padding",
        );
        steps.push(
            "m",
            "OS2IP(EM)",
            show(&m),
            "the bytes read as one number below n",
        );
        steps.push(
            "c",
            "mᵉ mod n",
            show(&c),
            "RSAEP: anyone with the public key can do this",
        );
        steps.push(
            "C",
            "I2OSP(c, k)",
            hex(&ciphertext),
            "the ciphertext, always k bytes",
        );
    }
    Ok(ciphertext)
}

/// RSAES-PKCS1-V1_5-DECRYPT (RFC 8017 §7.2.2). Every failure is the same
/// [`Error::Decryption`]; `steps` (when given) shows the encoded message so a student can see
/// what was wrong. Not constant-time (see the module docs of [`crate::rsa`]).
pub fn decrypt(
    key: &PrivateKey,
    ciphertext: &[u8],
    method: Decryption,
    mut steps: Option<&mut Steps>,
) -> Result<Vec<u8>, Error> {
    let k = key.size();
    // Step 1: the ciphertext has exactly k bytes, and k leaves room for the padding.
    if ciphertext.len() != k || k < 11 {
        if let Some(steps) = steps.as_deref_mut() {
            steps.push(
                "C",
                "",
                format!("{} bytes", ciphertext.len()),
                format!("rejected: a ciphertext must have k = {k} bytes"),
            );
        }
        return Err(Error::Decryption);
    }
    // Step 2: c = OS2IP(C), m = RSADP(c), EM = I2OSP(m, k).
    let c = os2ip(ciphertext);
    let m = match steps.as_deref_mut() {
        Some(steps) => {
            steps.push("c", "OS2IP(C)", show(&c), "the ciphertext as a number");
            private_op_steps(key, &c, method, Role::Decrypt, steps)
        }
        None => private_op(key, &c, method),
    }
    .map_err(|_| Error::Decryption)?;
    let encoded = i2osp(&m, k).map_err(|_| Error::Decryption)?;
    if let Some(steps) = steps.as_deref_mut() {
        steps.push(
            "EM",
            "I2OSP(m, k)",
            hex(&encoded),
            "should read 00 ‖ 02 ‖ PS ‖ 00 ‖ M",
        );
    }
    // Step 3: EM = 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M, with at least 8 bytes of PS.
    let separator = encoded
        .iter()
        .skip(2)
        .position(|&byte| byte == 0)
        .map(|index| index + 2);
    let valid = encoded.first() == Some(&0x00) && encoded.get(1) == Some(&0x02);
    match separator {
        Some(separator) if valid && separator >= 10 => {
            let message = encoded.get(separator + 1..).unwrap_or_default().to_vec();
            if let Some(steps) = steps {
                steps.push(
                    "M",
                    "the bytes after the first 00 following PS",
                    hex(&message),
                    format!("the message, {} bytes", message.len()),
                );
            }
            Ok(message)
        }
        _ => Err(Error::Decryption),
    }
}

/// EMSA-PKCS1-V1_5-ENCODE (RFC 8017 §9.2): `00 01 ff…ff 00 ‖ DigestInfo`, `em_len` bytes.
pub fn encode_signature(message: &[u8], hash: Hash, em_len: usize) -> Result<Vec<u8>, Error> {
    let digest = hash.digest(message);
    let prefix = hash.digest_info_prefix();
    let t_len = prefix.len() + digest.len();
    // Step 3: "intended encoded message length too short".
    if em_len < t_len + 11 {
        return Err(Error::KeyTooShort {
            bits: em_len as u64 * 8,
            needed: format!(
                "a {} DigestInfo needs a modulus of at least {} bytes",
                hash.name(),
                t_len + 11
            ),
        });
    }
    let mut encoded = Vec::with_capacity(em_len);
    encoded.extend_from_slice(&[0x00, 0x01]);
    encoded.resize(em_len - t_len - 1, 0xff);
    encoded.push(0x00);
    encoded.extend_from_slice(prefix);
    encoded.extend_from_slice(&digest);
    Ok(encoded)
}

/// RSASSA-PKCS1-V1_5-SIGN (RFC 8017 §8.2.1), the private operation done with CRT.
pub fn sign(
    key: &PrivateKey,
    message: &[u8],
    hash: Hash,
    mut steps: Option<&mut Steps>,
) -> Result<Vec<u8>, Error> {
    let encoded = encode_signature(message, hash, key.size())?;
    if let Some(steps) = steps.as_deref_mut() {
        steps.push(
            "H",
            hash.name(),
            hex(&hash.digest(message)),
            "the hash of the message: what is really signed",
        );
        steps.push(
            "EM",
            "00 ‖ 01 ‖ ff…ff ‖ 00 ‖ DigestInfo(H)",
            hex(&encoded),
            "01 and the ff bytes mark signature padding; DigestInfo names the hash",
        );
    }
    sign_encoded(key, &encoded, steps)
}

/// RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 §8.2.2): recompute the encoding and compare it whole,
/// as the RFC recommends, instead of parsing the DigestInfo (parsers have been fooled by
/// garbage hidden in it: Bleichenbacher 2006).
pub fn verify(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
    hash: Hash,
    mut steps: Option<&mut Steps>,
) -> Result<(), Error> {
    let k = key.size();
    let m = open_signature(key, signature, steps.as_deref_mut())?;
    let encoded = i2osp(&m, k)?;
    let expected = encode_signature(message, hash, k)?;
    if let Some(steps) = steps {
        steps.push(
            "EM",
            "I2OSP(m, k)",
            hex(&encoded),
            "what the signer encoded",
        );
        steps.push(
            "EM′",
            "00 ‖ 01 ‖ ff…ff ‖ 00 ‖ DigestInfo(H(M))",
            hex(&expected),
            "the encoding of the message we hold; the signature is valid when EM = EM′",
        );
    }
    if encoded == expected {
        Ok(())
    } else {
        Err(Error::InvalidSignature(format!(
            "the decoded block is not the PKCS#1 v1.5 encoding of this message's {} hash",
            hash.name()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rsa::generate;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn key() -> PrivateKey {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        generate(1024, &65537u32.into(), &mut rng).unwrap()
    }

    #[test]
    fn encrypted_hello_decrypts_with_and_without_crt() {
        let key = key();
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let ciphertext = encrypt(&key.public_key(), b"hello", &mut rng, None).unwrap();
        assert_eq!(ciphertext.len(), 128);
        for method in [Decryption::Crt, Decryption::Plain] {
            assert_eq!(
                decrypt(&key, &ciphertext, method, None),
                Ok(b"hello".to_vec())
            );
        }
    }

    #[test]
    fn a_message_of_k_minus_10_bytes_is_too_long() {
        let key = key();
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let public = key.public_key();
        assert!(encrypt(&public, &[7u8; 117], &mut rng, None).is_ok());
        assert_eq!(
            encrypt(&public, &[7u8; 118], &mut rng, None),
            Err(Error::MessageTooLong {
                length: 118,
                max: 117
            })
        );
    }

    #[test]
    fn the_toy_key_is_too_short_for_any_padding_and_says_so() {
        let key = crate::rsa::toy_key();
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        assert!(matches!(
            encrypt(&key.public_key(), b"", &mut rng, None),
            Err(Error::KeyTooShort { bits: 12, .. })
        ));
        assert_eq!(
            decrypt(&key, &[0x0c, 0x9e], Decryption::Crt, None),
            Err(Error::Decryption)
        );
        assert!(sign(&key, b"", Hash::Sha256, None).is_err());
        assert!(crate::rsa::pss::sign(&key, b"", Hash::Sha256, &mut rng, None).is_err());
        assert!(verify(&key.public_key(), b"", &[0, 1], Hash::Sha256, None).is_err());
        assert!(
            crate::rsa::pss::verify(&key.public_key(), b"", &[0, 1], Hash::Sha256, None).is_err()
        );
    }

    #[test]
    fn a_flipped_ciphertext_bit_is_a_decryption_error() {
        let key = key();
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let mut ciphertext = encrypt(&key.public_key(), b"hello", &mut rng, None).unwrap();
        ciphertext[100] ^= 1;
        assert_eq!(
            decrypt(&key, &ciphertext, Decryption::Crt, None),
            Err(Error::Decryption)
        );
        assert_eq!(
            decrypt(&key, &ciphertext[1..], Decryption::Crt, None),
            Err(Error::Decryption)
        );
    }

    #[test]
    fn signature_encoding_for_sha256_is_ff_padding_then_digest_info() {
        let encoded = encode_signature(b"abc", Hash::Sha256, 64).unwrap();
        assert_eq!(&encoded[..2], &[0x00, 0x01]);
        assert!(encoded[2..10].iter().all(|&byte| byte == 0xff));
        // SHA-256("abc") = ba7816bf…
        assert_eq!(hex(&encoded[64 - 32..64 - 28]), "ba7816bf");
        assert_eq!(encoded[64 - 32 - 19 - 1], 0x00);
        assert!(encode_signature(b"abc", Hash::Sha384, 64).is_err());
    }

    #[test]
    fn signatures_verify_and_a_changed_message_does_not() {
        let key = key();
        for hash in [Hash::Sha256, Hash::Sha384] {
            let signature = sign(&key, b"attack at dawn", hash, None).unwrap();
            assert_eq!(
                verify(&key.public_key(), b"attack at dawn", &signature, hash, None),
                Ok(())
            );
            assert!(verify(&key.public_key(), b"attack at dusk", &signature, hash, None).is_err());
        }
    }
}
