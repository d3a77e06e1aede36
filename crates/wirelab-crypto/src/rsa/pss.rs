//! RSASSA-PSS (RFC 8017 §8.1) with EMSA-PSS (§9.1) and the mask generation function MGF1
//! (§B.2.1): the probabilistic signature scheme with a security proof, and what TLS 1.3 and
//! (as `rsa_pss_rsae_sha256`, RFC 8446 §4.2.3) modern TLS 1.2 servers sign with.
//!
//! ```text
//!  M′        = 00×8 ‖ H(M) ‖ salt            salt: sLen random bytes (here sLen = hLen)
//!  H         = Hash(M′)
//!  DB        = PS (zeros) ‖ 01 ‖ salt        emLen − hLen − 1 bytes
//!  maskedDB  = DB ⊕ MGF1(H, emLen − hLen − 1)
//!  EM        = maskedDB ‖ H ‖ bc             the top 8·emLen − emBits bits of EM cleared
//! ```

use super::primitive::{i2osp, open_signature, sign_encoded};
use super::{bytes_for_bits, hex, Error, Hash, PrivateKey, PublicKey};
use crate::steps::Steps;
use rand::RngCore;

/// MGF1 (RFC 8017 §B.2.1): `Hash(seed ‖ 00000000) ‖ Hash(seed ‖ 00000001) ‖ …`, cut to
/// `length` bytes. It stretches a hash into a mask of any length.
pub fn mgf1(seed: &[u8], length: usize, hash: Hash) -> Vec<u8> {
    let mut mask = Vec::with_capacity(length + hash.output_len());
    let mut counter: u32 = 0;
    while mask.len() < length {
        let mut block = seed.to_vec();
        block.extend_from_slice(&counter.to_be_bytes());
        mask.extend_from_slice(&hash.digest(&block));
        counter = counter.wrapping_add(1);
    }
    mask.truncate(length);
    mask
}

/// The salt length TLS uses: equal to the hash length (RFC 8446 §4.2.3).
pub fn tls_salt_length(hash: Hash) -> usize {
    hash.output_len()
}

/// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with the given salt; `em_bits` = bits(n) − 1.
pub fn encode(
    message: &[u8],
    salt: &[u8],
    em_bits: u64,
    hash: Hash,
    steps: Option<&mut Steps>,
) -> Result<Vec<u8>, Error> {
    let em_len = bytes_for_bits(em_bits);
    let h_len = hash.output_len();
    let m_hash = hash.digest(message);
    // Step 3: "encoding error".
    if em_len < h_len + salt.len() + 2 {
        return Err(Error::KeyTooShort {
            bits: em_bits + 1,
            needed: format!(
                "PSS with {} and a {}-byte salt needs at least {} bytes",
                hash.name(),
                salt.len(),
                h_len + salt.len() + 2
            ),
        });
    }
    let mut m_prime = vec![0u8; 8];
    m_prime.extend_from_slice(&m_hash);
    m_prime.extend_from_slice(salt);
    let h = hash.digest(&m_prime);
    let mut db = vec![0u8; em_len - salt.len() - h_len - 2];
    db.push(0x01);
    db.extend_from_slice(salt);
    let mask = mgf1(&h, em_len - h_len - 1, hash);
    let mut masked_db: Vec<u8> = db.iter().zip(&mask).map(|(d, m)| d ^ m).collect();
    // Step 11: clear the bits above emBits, so that EM read as a number is below n.
    let unused_bits = 8 * em_len as u64 - em_bits;
    if let Some(first) = masked_db.first_mut() {
        *first &= 0xffu8.checked_shr(unused_bits as u32).unwrap_or(0);
    }
    let mut encoded = masked_db.clone();
    encoded.extend_from_slice(&h);
    encoded.push(0xbc);
    if let Some(steps) = steps {
        steps.push(
            "mHash",
            hash.name(),
            hex(&m_hash),
            "the hash of the message",
        );
        steps.push(
            "salt",
            format!("{} random bytes", salt.len()),
            hex(salt),
            "makes each signature different; the proof of security needs it",
        );
        steps.push(
            "H",
            "Hash(00×8 ‖ mHash ‖ salt)",
            hex(&h),
            "binds the message and the salt together",
        );
        steps.push(
            "DB",
            "00…00 ‖ 01 ‖ salt",
            hex(&db),
            "the data block that carries the salt",
        );
        steps.push(
            "maskedDB",
            "DB ⊕ MGF1(H, emLen − hLen − 1)",
            hex(&masked_db),
            "the salt hidden under a mask only H can regenerate",
        );
        steps.push(
            "EM",
            "maskedDB ‖ H ‖ bc",
            hex(&encoded),
            "the encoded message; bc marks the end",
        );
    }
    Ok(encoded)
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) for a salt of `salt_len` bytes.
pub fn verify_encoding(
    message: &[u8],
    encoded: &[u8],
    em_bits: u64,
    salt_len: usize,
    hash: Hash,
) -> Result<(), Error> {
    let em_len = bytes_for_bits(em_bits);
    let h_len = hash.output_len();
    let inconsistent = |why: &str| Err(Error::InvalidSignature(format!("PSS: {why}")));
    if encoded.len() != em_len || em_len < h_len + salt_len + 2 {
        return inconsistent("the encoded message has the wrong length");
    }
    let m_hash = hash.digest(message);
    // Step 4: the last byte is 0xbc.
    if encoded.last() != Some(&0xbc) {
        return inconsistent("the encoded message does not end in bc");
    }
    let (masked_db, rest) = encoded.split_at(em_len - h_len - 1);
    let h = rest.get(..h_len).unwrap_or_default();
    // Step 6: the bits above emBits must be zero.
    let unused_bits = 8 * em_len as u64 - em_bits;
    let top_mask = !0xffu8.checked_shr(unused_bits as u32).unwrap_or(0);
    if masked_db.first().is_some_and(|first| first & top_mask != 0) {
        return inconsistent("the leftmost bits of the encoded message are not zero");
    }
    let mask = mgf1(h, em_len - h_len - 1, hash);
    let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(d, m)| d ^ m).collect();
    if let Some(first) = db.first_mut() {
        *first &= !top_mask;
    }
    // Step 10: DB = 00…00 ‖ 01 ‖ salt.
    let padding_len = em_len - h_len - salt_len - 2;
    let (padding, tail) = db.split_at(padding_len);
    if padding.iter().any(|&byte| byte != 0) || tail.first() != Some(&0x01) {
        return inconsistent("the data block is not zeros, 01, salt");
    }
    let salt = tail.get(1..).unwrap_or_default();
    let mut m_prime = vec![0u8; 8];
    m_prime.extend_from_slice(&m_hash);
    m_prime.extend_from_slice(salt);
    if hash.digest(&m_prime) == h {
        Ok(())
    } else {
        inconsistent("H does not match the hash of this message and the salt")
    }
}

/// RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with a random salt of hLen bytes, as TLS uses.
pub fn sign(
    key: &PrivateKey,
    message: &[u8],
    hash: Hash,
    rng: &mut impl RngCore,
    mut steps: Option<&mut Steps>,
) -> Result<Vec<u8>, Error> {
    let mut salt = vec![0u8; tls_salt_length(hash)];
    rng.fill_bytes(&mut salt);
    let mod_bits = key.n.bits();
    let encoded = encode(
        message,
        &salt,
        mod_bits.saturating_sub(1),
        hash,
        steps.as_deref_mut(),
    )?;
    sign_encoded(key, &encoded, steps)
}

/// RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with a salt of hLen bytes.
pub fn verify(
    key: &PublicKey,
    message: &[u8],
    signature: &[u8],
    hash: Hash,
    mut steps: Option<&mut Steps>,
) -> Result<(), Error> {
    let m = open_signature(key, signature, steps.as_deref_mut())?;
    let em_bits = key.n.bits().saturating_sub(1);
    let encoded = i2osp(&m, bytes_for_bits(em_bits)).map_err(|_| {
        Error::InvalidSignature("PSS: sᵉ mod n is longer than the encoded message".into())
    })?;
    if let Some(steps) = steps {
        steps.push(
            "EM",
            "I2OSP(m, emLen)",
            hex(&encoded),
            "should end in H ‖ bc, with the salt under the mask",
        );
    }
    verify_encoding(message, &encoded, em_bits, tls_salt_length(hash), hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rsa::generate;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn mgf1_sha256_of_foo_starts_with_the_hash_of_foo_and_counter_zero() {
        // The first block is SHA-256("foo" ‖ 00 00 00 00), which Python's hashlib gives as
        // 3bdaba…; the second block uses the counter 00 00 00 01.
        assert_eq!(hex(&mgf1(b"foo", 3, Hash::Sha256)), "3bdaba");
        assert_eq!(mgf1(b"foo", 80, Hash::Sha256).len(), 80);
        assert_eq!(
            &mgf1(b"foo", 80, Hash::Sha256)[..32],
            Hash::Sha256.digest(b"foo\0\0\0\0").as_slice()
        );
    }

    #[test]
    fn pss_signatures_verify_and_differ_each_time() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        // 1023 bits: emLen is one byte shorter than k, the case §9.1 handles with emBits.
        let key = generate(1023, &65537u32.into(), &mut rng).unwrap();
        let first = sign(&key, b"message", Hash::Sha256, &mut rng, None).unwrap();
        let second = sign(&key, b"message", Hash::Sha256, &mut rng, None).unwrap();
        assert_ne!(first, second);
        for signature in [&first, &second] {
            assert_eq!(
                verify(&key.public_key(), b"message", signature, Hash::Sha256, None),
                Ok(())
            );
        }
        assert!(verify(&key.public_key(), b"massage", &first, Hash::Sha256, None).is_err());
        let mut damaged = first.clone();
        damaged[5] ^= 0x40;
        assert!(verify(&key.public_key(), b"message", &damaged, Hash::Sha256, None).is_err());
    }
}
