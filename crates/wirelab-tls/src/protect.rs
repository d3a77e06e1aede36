//! Record protection (RFC 5246 §6.2.3): how the keys of the key block turn a plaintext record
//! into the ciphertext on the wire and back. One [`RecordKeys`] per direction; its sequence
//! number counts the records protected with these keys, from 0 after each ChangeCipherSpec
//! (§6.1), and is never sent: both sides count.
//!
//! ```text
//!  AEAD (AES-GCM, RFC 5288)           fragment = explicit_nonce(8) | ciphertext | tag(16)
//!       nonce = write_IV(4) | explicit_nonce(8)          (wirelab sends seq_num as explicit)
//!  AEAD (ChaCha20-Poly1305, RFC 7905) fragment = ciphertext | tag(16)
//!       nonce = write_IV(12) XOR (0(4) | seq_num(8))
//!       additional_data = seq_num(8) | type(1) | version(2) | plaintext length(2)
//!
//!  CBC (MAC-then-encrypt, §6.2.3.2)   fragment = IV(16) | AES-CBC(plaintext | MAC | padding)
//!       MAC = HMAC(MAC_write_key, seq_num | type | version | length | plaintext)
//!       padding = n+1 bytes of value n, up to a multiple of 16
//! ```
//!
//! This is teaching code: it is correct, but not hardened against timing side channels. It
//! does report a bad padding and a bad MAC as the same `bad_record_mac` (§6.2.3.2), since a
//! different answer is a padding oracle (Vaudenay 2002; Lucky Thirteen, AlFardan and
//! Paterson 2013 — whose timing variant this code does not avoid).

use crate::codec::{ContentType, ProtocolVersion};
use crate::keys::{BulkCipher, MacAlgorithm, SuiteParams};
use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use ring::{aead, hmac};
use std::fmt;

/// Why a protected record could not be opened: always answered with a `bad_record_mac`
/// alert (RFC 5246 §7.2.2), whatever the detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRecordMac {
    pub seq: u64,
    pub detail: &'static str,
}

impl fmt::Display for BadRecordMac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {}: bad_record_mac ({})", self.seq, self.detail)
    }
}

impl std::error::Error for BadRecordMac {}

/// What a student can see of one record's protection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordTrace {
    pub seq: u64,
    /// The AEAD nonce, or the CBC IV.
    pub nonce: Vec<u8>,
    /// The AEAD additional data, or the MAC input's header (everything but the plaintext).
    pub additional_data: Vec<u8>,
}

/// The keys protecting one direction, and its sequence number.
pub struct RecordKeys {
    bulk: BulkCipher,
    mac: MacAlgorithm,
    key: Vec<u8>,
    iv: Vec<u8>,
    mac_key: Option<hmac::Key>,
    /// The AEAD key, expanded once (AES key expansion is not free).
    aead: Option<aead::LessSafeKey>,
    seq: u64,
}

/// The 13 bytes every record's MAC or AEAD covers besides the data (RFC 5246 §6.2.3.1, §6.2.3.3).
fn header(seq: u64, content_type: ContentType, version: ProtocolVersion, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(13);
    out.extend_from_slice(&seq.to_be_bytes());
    out.push(content_type.0);
    out.extend_from_slice(&version.0.to_be_bytes());
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out
}

/// The AEAD key of a suite; the key length comes from the same suite parameters.
fn aead_key(bulk: BulkCipher, key: &[u8]) -> aead::LessSafeKey {
    let algorithm = match bulk {
        BulkCipher::Aes128Gcm => &aead::AES_128_GCM,
        BulkCipher::Aes256Gcm => &aead::AES_256_GCM,
        _ => &aead::CHACHA20_POLY1305,
    };
    let key = aead::UnboundKey::new(algorithm, key).expect("key length of the suite");
    aead::LessSafeKey::new(key)
}

const TAG_LEN: usize = 16;
const GCM_EXPLICIT_NONCE_LEN: usize = 8;
const AES_BLOCK: usize = 16;

impl RecordKeys {
    /// Keys for one direction: the client's write keys protect what the client sends.
    pub fn new(params: &SuiteParams, key: &[u8], iv: &[u8], mac_key: &[u8]) -> RecordKeys {
        let mac_key = match params.mac {
            MacAlgorithm::None => None,
            MacAlgorithm::HmacSha1 => {
                Some(hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, mac_key))
            }
            MacAlgorithm::HmacSha256 => Some(hmac::Key::new(hmac::HMAC_SHA256, mac_key)),
            MacAlgorithm::HmacSha384 => Some(hmac::Key::new(hmac::HMAC_SHA384, mac_key)),
        };
        let aead = params.bulk.is_aead().then(|| aead_key(params.bulk, key));
        RecordKeys {
            bulk: params.bulk,
            mac: params.mac,
            key: key.to_vec(),
            iv: iv.to_vec(),
            mac_key,
            aead,
            seq: 0,
        }
    }

    /// The sequence number of the next record.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    fn aead(&self) -> &aead::LessSafeKey {
        self.aead.as_ref().expect("an AEAD suite has an AEAD key")
    }

    /// The AEAD nonce of record `seq`, and the explicit part sent with it (GCM only).
    fn aead_nonce(&self, seq: u64) -> ([u8; 12], Vec<u8>) {
        let mut nonce = [0u8; 12];
        if self.bulk == BulkCipher::ChaCha20Poly1305 {
            nonce.copy_from_slice(&self.iv);
            for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                *n ^= s;
            }
            (nonce, Vec::new())
        } else {
            nonce[..4].copy_from_slice(&self.iv);
            nonce[4..].copy_from_slice(&seq.to_be_bytes());
            (nonce, seq.to_be_bytes().to_vec())
        }
    }

    /// Protect one record's plaintext; `cbc_iv` is the fresh random IV a CBC record needs
    /// (ignored by AEAD suites).
    pub fn seal(
        &mut self,
        content_type: ContentType,
        version: ProtocolVersion,
        plaintext: &[u8],
        cbc_iv: [u8; 16],
    ) -> (Vec<u8>, RecordTrace) {
        let seq = self.seq;
        self.seq += 1;
        let additional_data = header(seq, content_type, version, plaintext.len());
        if self.bulk.is_aead() {
            let (nonce, explicit) = self.aead_nonce(seq);
            let mut fragment = explicit.clone();
            let mut body = plaintext.to_vec();
            let tag = self
                .aead()
                .seal_in_place_separate_tag(
                    aead::Nonce::assume_unique_for_key(nonce),
                    aead::Aad::from(&additional_data),
                    &mut body,
                )
                .expect("a record is far below the AEAD's length limit");
            fragment.extend_from_slice(&body);
            fragment.extend_from_slice(tag.as_ref());
            let trace = RecordTrace {
                seq,
                nonce: nonce.to_vec(),
                additional_data,
            };
            return (fragment, trace);
        }
        let mut body = plaintext.to_vec();
        body.extend_from_slice(self.mac(&additional_data, plaintext).as_ref());
        let padding = AES_BLOCK - 1 - body.len() % AES_BLOCK;
        body.extend(std::iter::repeat_n(padding as u8, padding + 1));
        let len = body.len();
        match self.bulk {
            BulkCipher::Aes128Cbc => {
                cbc::Encryptor::<aes::Aes128>::new_from_slices(&self.key, &cbc_iv)
                    .expect("key length of the suite")
                    .encrypt_padded_mut::<NoPadding>(&mut body, len)
            }
            _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(&self.key, &cbc_iv)
                .expect("key length of the suite")
                .encrypt_padded_mut::<NoPadding>(&mut body, len),
        }
        .expect("the body is a whole number of blocks");
        let mut fragment = cbc_iv.to_vec();
        fragment.extend_from_slice(&body);
        (
            fragment,
            RecordTrace {
                seq,
                nonce: cbc_iv.to_vec(),
                additional_data,
            },
        )
    }

    fn mac(&self, header: &[u8], plaintext: &[u8]) -> hmac::Tag {
        let mut context =
            hmac::Context::with_key(self.mac_key.as_ref().expect("a CBC suite has a MAC key"));
        context.update(header);
        context.update(plaintext);
        context.sign()
    }

    /// Open one protected record's fragment: the plaintext, or `bad_record_mac`.
    pub fn open(
        &mut self,
        content_type: ContentType,
        version: ProtocolVersion,
        fragment: &[u8],
    ) -> Result<(Vec<u8>, RecordTrace), BadRecordMac> {
        let seq = self.seq;
        self.seq += 1;
        let bad = |detail| BadRecordMac { seq, detail };
        if self.bulk.is_aead() {
            let (mut nonce, _) = self.aead_nonce(seq);
            let mut body = fragment;
            if self.bulk != BulkCipher::ChaCha20Poly1305 {
                // GCM: the explicit nonce is whatever the sender chose; take it from the record.
                if body.len() < GCM_EXPLICIT_NONCE_LEN {
                    return Err(bad("shorter than its explicit nonce"));
                }
                nonce[4..].copy_from_slice(&body[..GCM_EXPLICIT_NONCE_LEN]);
                body = &body[GCM_EXPLICIT_NONCE_LEN..];
            }
            if body.len() < TAG_LEN {
                return Err(bad("shorter than its authentication tag"));
            }
            let additional_data = header(seq, content_type, version, body.len() - TAG_LEN);
            let mut plaintext = body.to_vec();
            let len = self
                .aead()
                .open_in_place(
                    aead::Nonce::assume_unique_for_key(nonce),
                    aead::Aad::from(&additional_data),
                    &mut plaintext,
                )
                .map_err(|_| bad("the authentication tag does not match"))?
                .len();
            plaintext.truncate(len);
            return Ok((
                plaintext,
                RecordTrace {
                    seq,
                    nonce: nonce.to_vec(),
                    additional_data,
                },
            ));
        }
        // An HMAC tag is as long as its key in every TLS 1.2 suite (RFC 5246 §6.2.3.1).
        let mac_len = self.mac.key_len();
        if fragment.len() < 2 * AES_BLOCK || !fragment.len().is_multiple_of(AES_BLOCK) {
            return Err(bad("not an IV and a whole number of AES blocks"));
        }
        let (iv, ciphertext) = fragment.split_at(AES_BLOCK);
        let mut body = ciphertext.to_vec();
        match self.bulk {
            BulkCipher::Aes128Cbc => cbc::Decryptor::<aes::Aes128>::new_from_slices(&self.key, iv)
                .expect("key length of the suite")
                .decrypt_padded_mut::<NoPadding>(&mut body)
                .map(|_| ()),
            _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(&self.key, iv)
                .expect("key length of the suite")
                .decrypt_padded_mut::<NoPadding>(&mut body)
                .map(|_| ()),
        }
        .map_err(|_| bad("not a whole number of AES blocks"))?;
        let padding = *body.last().unwrap_or(&0) as usize;
        if padding + 1 + mac_len > body.len()
            || body[body.len() - padding - 1..]
                .iter()
                .any(|&b| b as usize != padding)
        {
            return Err(bad("the padding is wrong"));
        }
        let data_len = body.len() - padding - 1 - mac_len;
        let (plaintext, tag) = body[..body.len() - padding - 1].split_at(data_len);
        let additional_data = header(seq, content_type, version, data_len);
        let expected = self.mac(&additional_data, plaintext);
        if expected.as_ref() != tag {
            return Err(bad("the MAC does not match"));
        }
        Ok((
            plaintext.to_vec(),
            RecordTrace {
                seq,
                nonce: iv.to_vec(),
                additional_data,
            },
        ))
    }
}

#[cfg(test)]
mod tests;
