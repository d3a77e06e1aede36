//! The TLS 1.2 pseudo-random function (RFC 5246 §5) and what is derived with it: the master
//! secret (§8.1; RFC 7627 §4 for the extended master secret), the key block (§6.3) and the
//! Finished message's verify_data (§7.4.9).
//!
//! ```text
//!  P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
//!                         HMAC_hash(secret, A(2) + seed) + …      A(0) = seed
//!                                                                 A(i) = HMAC_hash(secret, A(i-1))
//!  PRF(secret, label, seed) = P_<hash>(secret, label + seed)
//!
//!  master_secret  = PRF(pre_master_secret, "master secret",
//!                       ClientHello.random + ServerHello.random)[0..47]
//!      extended:    PRF(pre_master_secret, "extended master secret", session_hash)[0..47]
//!  key_block      = PRF(master_secret, "key expansion",
//!                       server_random + client_random)          (server first!)
//!  verify_data    = PRF(master_secret, "client finished" | "server finished",
//!                       Hash(handshake_messages))[0..11]
//! ```
//!
//! The hash is SHA-256 for every TLS 1.2 suite except those whose name ends in `_SHA384`.

use ring::hmac;

/// The hash of the PRF (RFC 5246 §5: SHA-256 unless the suite says otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrfHash {
    Sha256,
    Sha384,
}

impl PrfHash {
    fn hmac(self) -> hmac::Algorithm {
        match self {
            PrfHash::Sha256 => hmac::HMAC_SHA256,
            PrfHash::Sha384 => hmac::HMAC_SHA384,
        }
    }

    /// The transcript hash of the same algorithm (for verify_data and the session hash).
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let algorithm = match self {
            PrfHash::Sha256 => &ring::digest::SHA256,
            PrfHash::Sha384 => &ring::digest::SHA384,
        };
        ring::digest::digest(algorithm, data).as_ref().to_vec()
    }
}

/// `P_hash(secret, seed)` cut to `len` bytes (RFC 5246 §5).
pub fn p_hash(hash: PrfHash, secret: &[u8], seed: &[u8], len: usize) -> Vec<u8> {
    let key = hmac::Key::new(hash.hmac(), secret);
    let mut out = Vec::with_capacity(len);
    let mut a = hmac::sign(&key, seed); // A(1)
    while out.len() < len {
        let mut block = hmac::Context::with_key(&key);
        block.update(a.as_ref());
        block.update(seed);
        out.extend_from_slice(block.sign().as_ref());
        a = hmac::sign(&key, a.as_ref()); // A(i+1) = HMAC(secret, A(i))
    }
    out.truncate(len);
    out
}

/// `PRF(secret, label, seed)` cut to `len` bytes.
pub fn prf(hash: PrfHash, secret: &[u8], label: &str, seed: &[u8], len: usize) -> Vec<u8> {
    let mut label_and_seed = Vec::with_capacity(label.len() + seed.len());
    label_and_seed.extend_from_slice(label.as_bytes());
    label_and_seed.extend_from_slice(seed);
    p_hash(hash, secret, &label_and_seed, len)
}

/// Length of the master secret (RFC 5246 §8.1).
pub const MASTER_SECRET_LEN: usize = 48;
/// Length of verify_data for every TLS 1.2 suite (RFC 5246 §7.4.9).
pub const VERIFY_DATA_LEN: usize = 12;

/// The master secret from the pre-master secret and both randoms (RFC 5246 §8.1).
pub fn master_secret(
    hash: PrfHash,
    pre_master_secret: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Vec<u8> {
    let seed = [&client_random[..], &server_random[..]].concat();
    prf(
        hash,
        pre_master_secret,
        "master secret",
        &seed,
        MASTER_SECRET_LEN,
    )
}

/// The extended master secret (RFC 7627 §4): bound to the whole handshake up to and including
/// the ClientKeyExchange through `session_hash`, so that a man in the middle who runs two
/// handshakes with the same pre-master secret gets two different master secrets.
pub fn extended_master_secret(
    hash: PrfHash,
    pre_master_secret: &[u8],
    session_hash: &[u8],
) -> Vec<u8> {
    prf(
        hash,
        pre_master_secret,
        "extended master secret",
        session_hash,
        MASTER_SECRET_LEN,
    )
}

/// `len` bytes of key block (RFC 5246 §6.3): note the server random comes first here.
pub fn key_block(
    hash: PrfHash,
    master_secret: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    len: usize,
) -> Vec<u8> {
    let seed = [&server_random[..], &client_random[..]].concat();
    prf(hash, master_secret, "key expansion", &seed, len)
}

/// Who sends a Finished message: its label differs (RFC 5246 §7.4.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    /// "client" or "server", for messages and traces.
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11].
pub fn verify_data(
    hash: PrfHash,
    master_secret: &[u8],
    side: Side,
    transcript_hash: &[u8],
) -> Vec<u8> {
    let label = match side {
        Side::Client => "client finished",
        Side::Server => "server finished",
    };
    prf(hash, master_secret, label, transcript_hash, VERIFY_DATA_LEN)
}
