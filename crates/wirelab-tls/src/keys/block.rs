//! What a cipher suite asks of the key schedule, and the key block cut into keys (RFC 5246
//! §6.3, Appendix C).
//!
//! ```text
//!  key_block = client_write_MAC_key | server_write_MAC_key |
//!              client_write_key     | server_write_key     |
//!              client_write_IV      | server_write_IV
//! ```

use super::prf::{self, PrfHash};
use crate::codec::{CipherSuite, KeyExchange};

/// The record cipher of a suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulkCipher {
    /// AES in Galois/Counter Mode (RFC 5288): an AEAD; 4-byte implicit nonce part from the key
    /// block, 8-byte explicit part in each record.
    Aes128Gcm,
    Aes256Gcm,
    /// ChaCha20-Poly1305 (RFC 7905): an AEAD; the 12-byte IV from the key block is XORed with
    /// the sequence number, nothing is sent.
    ChaCha20Poly1305,
    /// AES in CBC mode with a MAC computed first (RFC 5246 §6.2.3.2): an explicit random IV in
    /// each record.
    Aes128Cbc,
    Aes256Cbc,
}

impl BulkCipher {
    pub fn key_len(self) -> usize {
        match self {
            BulkCipher::Aes128Gcm | BulkCipher::Aes128Cbc => 16,
            BulkCipher::Aes256Gcm | BulkCipher::Aes256Cbc | BulkCipher::ChaCha20Poly1305 => 32,
        }
    }

    /// Bytes of IV taken from the key block (RFC 5246 Appendix C "IV Size"; RFC 5288 §3
    /// "fixed_iv_length" 4; RFC 7905 §2 12). CBC suites derive them though TLS 1.2 sends an
    /// explicit IV in every record instead, so they go unused.
    pub fn key_block_iv_len(self) -> usize {
        match self {
            BulkCipher::Aes128Gcm | BulkCipher::Aes256Gcm => 4,
            BulkCipher::ChaCha20Poly1305 => 12,
            BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc => 16,
        }
    }

    pub fn is_aead(self) -> bool {
        !matches!(self, BulkCipher::Aes128Cbc | BulkCipher::Aes256Cbc)
    }
}

/// The record MAC of a CBC suite (RFC 5246 §6.2.3.1); AEAD suites have none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacAlgorithm {
    None,
    HmacSha1,
    HmacSha256,
    HmacSha384,
}

impl MacAlgorithm {
    pub fn key_len(self) -> usize {
        match self {
            MacAlgorithm::None => 0,
            MacAlgorithm::HmacSha1 => 20,
            MacAlgorithm::HmacSha256 => 32,
            MacAlgorithm::HmacSha384 => 48,
        }
    }
}

/// Everything the key schedule and the record layer need to know about a suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuiteParams {
    pub suite: CipherSuite,
    pub key_exchange: KeyExchange,
    pub bulk: BulkCipher,
    pub mac: MacAlgorithm,
    pub prf: PrfHash,
}

impl SuiteParams {
    /// The parameters of a suite wirelab can use, read from its registry name
    /// (`TLS_<kx>_WITH_<cipher>_<hash>`); `None` for any other.
    pub fn of(suite: CipherSuite) -> Option<SuiteParams> {
        let key_exchange = KeyExchange::of(suite)?;
        if !matches!(
            key_exchange,
            KeyExchange::Rsa | KeyExchange::Dhe | KeyExchange::Ecdhe
        ) {
            return None;
        }
        let name = suite.name()?;
        let (_, cipher_and_hash) = name.split_once("_WITH_")?;
        let (bulk, mac, prf) = match cipher_and_hash {
            "AES_128_GCM_SHA256" => (BulkCipher::Aes128Gcm, MacAlgorithm::None, PrfHash::Sha256),
            "AES_256_GCM_SHA384" => (BulkCipher::Aes256Gcm, MacAlgorithm::None, PrfHash::Sha384),
            "CHACHA20_POLY1305_SHA256" => (
                BulkCipher::ChaCha20Poly1305,
                MacAlgorithm::None,
                PrfHash::Sha256,
            ),
            // Suites from before TLS 1.2 keep HMAC-SHA1 for records but use TLS 1.2's PRF.
            "AES_128_CBC_SHA" => (
                BulkCipher::Aes128Cbc,
                MacAlgorithm::HmacSha1,
                PrfHash::Sha256,
            ),
            "AES_256_CBC_SHA" => (
                BulkCipher::Aes256Cbc,
                MacAlgorithm::HmacSha1,
                PrfHash::Sha256,
            ),
            "AES_128_CBC_SHA256" => (
                BulkCipher::Aes128Cbc,
                MacAlgorithm::HmacSha256,
                PrfHash::Sha256,
            ),
            "AES_256_CBC_SHA256" => (
                BulkCipher::Aes256Cbc,
                MacAlgorithm::HmacSha256,
                PrfHash::Sha256,
            ),
            "AES_256_CBC_SHA384" => (
                BulkCipher::Aes256Cbc,
                MacAlgorithm::HmacSha384,
                PrfHash::Sha384,
            ),
            _ => return None,
        };
        Some(SuiteParams {
            suite,
            key_exchange,
            bulk,
            mac,
            prf,
        })
    }

    /// How many key-block bytes the suite uses.
    pub fn key_block_len(&self) -> usize {
        2 * (self.mac.key_len() + self.bulk.key_len() + self.bulk.key_block_iv_len())
    }
}

/// The key block, cut into the six values of RFC 5246 §6.3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyBlock {
    pub client_write_mac_key: Vec<u8>,
    pub server_write_mac_key: Vec<u8>,
    pub client_write_key: Vec<u8>,
    pub server_write_key: Vec<u8>,
    pub client_write_iv: Vec<u8>,
    pub server_write_iv: Vec<u8>,
}

impl KeyBlock {
    /// Derive and cut the key block for `params`.
    pub fn derive(
        params: &SuiteParams,
        master_secret: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
    ) -> KeyBlock {
        let block = prf::key_block(
            params.prf,
            master_secret,
            client_random,
            server_random,
            params.key_block_len(),
        );
        let mut rest = &block[..];
        let mut take = |len: usize| {
            let (head, tail) = rest.split_at(len);
            rest = tail;
            head.to_vec()
        };
        let (mac, key, iv) = (
            params.mac.key_len(),
            params.bulk.key_len(),
            params.bulk.key_block_iv_len(),
        );
        KeyBlock {
            client_write_mac_key: take(mac),
            server_write_mac_key: take(mac),
            client_write_key: take(key),
            server_write_key: take(key),
            client_write_iv: take(iv),
            server_write_iv: take(iv),
        }
    }
}
