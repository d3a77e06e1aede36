//! The groups Diffie-Hellman runs in: a prime p and a generator g, public and shared by everyone.
//!
//! ```text
//!  group       p                          g   order of g          private exponent
//!  ffdhe2048   2048-bit safe prime        2   q = (p−1)/2, prime  225 bits (RFC 7919 App. A.1)
//!  ffdhe3072   3072-bit safe prime        2   q = (p−1)/2, prime  275 bits (RFC 7919 App. A.2)
//!  ffdhe4096   4096-bit safe prime        2   q = (p−1)/2, prime  325 bits (RFC 7919 App. A.3)
//!  modp14      2048-bit safe prime        2   q = (p−1)/2, prime  225 bits (as OpenSSL)
//!  toy         23                         5   22 = p−1            2 ≤ x ≤ p−2
//!  safe prime  generated, p = 2q+1        2/4 q                   2 ≤ x ≤ q−1
//! ```
//!
//! A *safe prime* p = 2q + 1 (q prime) leaves the multiplicative group mod p with subgroups of
//! order 1, 2, q and 2q only. Using a g of prime order q (a quadratic residue, such as 2 when
//! p ≡ 7 mod 8) means every honest public value lies in the order-q subgroup, which a peer can
//! check with one exponentiation, Y^q mod p = 1 (RFC 7919 §5.1).

use super::DhError;
use num_bigint::BigUint;
use num_traits::One;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// RFC 7919 Appendix A.1: ffdhe2048, p = 2^2048 − 2^1984 + {[2^1918 · e] + 560316} · 2^64 − 1.
const FFDHE2048_P: &str = concat!(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695",
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A",
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935",
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A",
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4",
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61",
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005",
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF",
);

/// RFC 7919 Appendix A.2: ffdhe3072, p = 2^3072 − 2^3008 + {[2^2942 · e] + 2625351} · 2^64 − 1.
const FFDHE3072_P: &str = concat!(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695",
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A",
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935",
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A",
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4",
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61",
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005",
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B",
    "BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C",
    "AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF",
    "5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E",
    "0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B66C62E37FFFFFFFFFFFFFFFF",
);

/// RFC 7919 Appendix A.3: ffdhe4096, p = 2^4096 − 2^4032 + {[2^3966 · e] + 5736041} · 2^64 − 1.
const FFDHE4096_P: &str = concat!(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695",
    "A9E13641146433FBCC939DCE249B3EF97D2FE363630C75D8F681B202AEC4617A",
    "D3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3B557135E7F57C935",
    "984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797A",
    "BC0AB182B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4",
    "AE56EDE76372BB190B07A7C8EE0A6D709E02FCE1CDF7E2ECC03404CD28342F61",
    "9172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC2EC22005",
    "C58EF1837D1683B2C6F34A26C1B2EFFA886B4238611FCFDCDE355B3B6519035B",
    "BC34F4DEF99C023861B46FC9D6E6C9077AD91D2691F7F7EE598CB0FAC186D91C",
    "AEFE130985139270B4130C93BC437944F4FD4452E2D74DD364F2E21E71F54BFF",
    "5CAE82AB9C9DF69EE86D2BC522363A0DABC521979B0DEADA1DBF9A42D5C4484E",
    "0ABCD06BFA53DDEF3C1B20EE3FD59D7C25E41D2B669E1EF16E6F52C3164DF4FB",
    "7930E9E4E58857B6AC7D5F42D69F6D187763CF1D5503400487F55BA57E31CC7A",
    "7135C886EFB4318AED6A1E012D9E6832A907600A918130C46DC778F971AD0038",
    "092999A333CB8B7A1A1DB93D7140003C2A4ECEA9F98D0ACC0A8291CDCEC97DCF",
    "8EC9B55A7F88A46B4DB5A851F44182E1C68A007E5E655F6AFFFFFFFFFFFFFFFF",
);

/// RFC 3526 §3: the 2048-bit MODP group (IKE group 14), p = 2^2048 − 2^1984 − 1 +
/// 2^64 · {[2^1918 · π] + 124476}.
const MODP14_P: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
);

/// The largest p accepted from outside (a key file, a TLS server), ffdhe8192's size: a bigger
/// one would make every exponentiation, and the primality test of an unknown group, take
/// minutes. See [`Group::from_parameters`].
pub const MAX_P_BITS: u64 = 8192;

/// Miller-Rabin rounds of the safe-prime test of a group from outside ([`Group::custom`]): a
/// composite passes with a chance of at most 4⁻¹⁶ = 2⁻³², even one built to fool the test.
pub const CUSTOM_GROUP_ROUNDS: usize = 16;

/// The names `--group` accepts.
pub const GROUP_NAMES: [&str; 5] = ["ffdhe2048", "ffdhe3072", "ffdhe4096", "modp14", "toy"];

/// A finite-field Diffie-Hellman group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// `ffdhe2048`, `modp14`, `toy`, `safe prime` or `custom (N bits)`.
    pub name: String,
    /// Where the numbers come from (`RFC 7919 Appendix A.1`).
    pub source: String,
    /// The prime modulus.
    pub p: BigUint,
    /// The generator.
    pub g: BigUint,
    /// The prime order q of g when p = 2q + 1 is a safe prime and g lies in the order-q
    /// subgroup; `None` when g generates a bigger group (the toy group: 5 has order 22 mod 23),
    /// where the subgroup check does not apply.
    pub q: Option<BigUint>,
    /// The size of private exponents, in bits, when short exponents are used (RFC 7919 §5.2);
    /// `None` means the whole range 2 ≤ x ≤ q−1 (or p−2).
    pub exponent_bits: Option<u64>,
}

fn hex(text: &str) -> BigUint {
    // The constants above are hex digits only, so parsing cannot fail; a typo would be caught by
    // the group tests (tests/dh_groups.rs), which compare every constant with the RFC text.
    BigUint::parse_bytes(text.as_bytes(), 16).unwrap_or_default()
}

impl Group {
    fn safe_prime_group(name: &str, source: &str, p_hex: &str, exponent_bits: u64) -> Group {
        let p = hex(p_hex);
        let q = (&p - 1u32) >> 1;
        Group {
            name: name.to_string(),
            source: source.to_string(),
            p,
            g: BigUint::from(2u32),
            q: Some(q),
            exponent_bits: Some(exponent_bits),
        }
    }

    /// RFC 7919 Appendix A.1 (TLS NamedGroup 0x0100). "Peers using ffdhe2048 that want to
    /// optimize their key exchange with a short exponent (Section 5.2) should choose a secret
    /// key of at least 225 bits."
    pub fn ffdhe2048() -> Group {
        Group::safe_prime_group("ffdhe2048", "RFC 7919 Appendix A.1", FFDHE2048_P, 225)
    }

    /// RFC 7919 Appendix A.2 (NamedGroup 0x0101): short exponents of at least 275 bits.
    pub fn ffdhe3072() -> Group {
        Group::safe_prime_group("ffdhe3072", "RFC 7919 Appendix A.2", FFDHE3072_P, 275)
    }

    /// RFC 7919 Appendix A.3 (NamedGroup 0x0102): short exponents of at least 325 bits.
    pub fn ffdhe4096() -> Group {
        Group::safe_prime_group("ffdhe4096", "RFC 7919 Appendix A.3", FFDHE4096_P, 325)
    }

    /// RFC 3526 §3, the 2048-bit MODP group 14 (IKE, SSH `diffie-hellman-group14-*`). RFC 3526
    /// gives no exponent size; 225 bits is what OpenSSL uses, twice NIST SP 800-56A's 112-bit
    /// strength for 2048-bit groups, plus one.
    pub fn modp14() -> Group {
        Group::safe_prime_group("modp14", "RFC 3526 §3 (group 14)", MODP14_P, 225)
    }

    /// The textbook group p = 23, g = 5: small enough to check by hand. 5 is a primitive root
    /// mod 23 (its order is 22), so there is no prime-order subgroup to check against.
    pub fn toy() -> Group {
        Group {
            name: "toy".to_string(),
            source: "the textbook example".to_string(),
            p: BigUint::from(23u32),
            g: BigUint::from(5u32),
            q: None,
            exponent_bits: None,
        }
    }

    /// A group by its `--group` name.
    pub fn named(name: &str) -> Option<Group> {
        match name {
            "ffdhe2048" => Some(Group::ffdhe2048()),
            "ffdhe3072" => Some(Group::ffdhe3072()),
            "ffdhe4096" => Some(Group::ffdhe4096()),
            "modp14" => Some(Group::modp14()),
            "toy" => Some(Group::toy()),
            _ => None,
        }
    }

    /// The known group with this p and g, if any: key files carry only the numbers (OpenSSL 3
    /// writes `DHParameter {p, g}` even for a named group and recognises it on reading).
    pub fn known(p: &BigUint, g: &BigUint) -> Option<Group> {
        GROUP_NAMES
            .iter()
            .filter_map(|name| Group::named(name))
            .find(|group| &group.p == p && &group.g == g)
    }

    /// The size of p in bits.
    pub fn bits(&self) -> u64 {
        self.p.bits()
    }

    /// The size of p in bytes: the length of a padded shared secret (RFC 7919 §4).
    pub fn byte_len(&self) -> usize {
        self.bits().div_ceil(8) as usize
    }

    /// Numbers of this group print in decimal when they are small enough to check by hand.
    pub fn is_small(&self) -> bool {
        self.bits() <= 64
    }

    /// Generate a toy safe-prime group: p = 2q + 1 with q prime, `bits` bits long. Returns the
    /// group and the number of prime candidates q that were tried before 2q + 1 was prime too.
    ///
    /// g is 2 when 2 lies in the order-q subgroup (2^q mod p = 1, the case for p ≡ 7 mod 8, as in
    /// the RFC 7919 groups), otherwise 4 = 2², which always does: a square has order q or 1.
    pub fn generate_safe_prime(bits: u64, rng: &mut impl RngCore) -> (Group, u64) {
        let bits = bits.max(8); // below 8 bits some sizes have no safe prime with q's top bits set
        let mut tries = 0;
        loop {
            tries += 1;
            let q = crate::prime::random_prime(bits - 1, rng);
            let p: BigUint = (&q << 1) + 1u32;
            if p.bits() != bits || !crate::prime::is_probable_prime(&p, rng) {
                continue;
            }
            let two = BigUint::from(2u32);
            let g = if two.modpow(&q, &p).is_one() {
                two
            } else {
                BigUint::from(4u32)
            };
            let group = Group {
                name: "safe prime".to_string(),
                source: "generated: p = 2q + 1, q prime".to_string(),
                p,
                g,
                q: Some(q),
                exponent_bits: None,
            };
            return (group, tries);
        }
    }

    /// A group from numbers received from outside (a key file, a TLS ServerKeyExchange),
    /// checked before any work is done on them: p odd, of at least 5 and at most [`MAX_P_BITS`]
    /// bits, and 1 < g < p−1 (g = p−1 has order 2: every public value would be 1 or p−1).
    /// The known group when p and g are one (OpenSSL 3 writes only the numbers), otherwise
    /// [`Group::custom`].
    pub fn from_parameters(p: BigUint, g: BigUint) -> Result<Group, DhError> {
        if p.bits() > MAX_P_BITS {
            return Err(DhError::UnusableGroup(format!(
                "p has {} bits; more than {MAX_P_BITS} is refused",
                p.bits()
            )));
        }
        if p.bits() < 5 || !p.bit(0) || g <= BigUint::one() || g >= &p - 1u32 {
            return Err(DhError::UnusableGroup(format!(
                "p = {p:#x}, g = {g:#x}: need an odd p of at least 5 bits and 1 < g < p−1"
            )));
        }
        Ok(Group::known(&p, &g).unwrap_or_else(|| Group::custom(p, g)))
    }

    /// A group that is none of the known ones, from outside. Its subgroup check is used only if
    /// p turns out to be a safe prime with g of order q; p longer than [`MAX_P_BITS`] is not
    /// tested and gets no subgroup check. Prefer [`Group::from_parameters`], which refuses
    /// such numbers.
    ///
    /// The safe-prime test runs [`CUSTOM_GROUP_ROUNDS`] rounds of Miller-Rabin on q and on p,
    /// not the 128 of [`crate::prime::is_probable_prime`]: it only decides whether the extra
    /// subgroup check runs (the range check always does), and 256 exponentiations modulo an
    /// 8192-bit p would keep `wirelab dh derive` busy for minutes. The witnesses come from a
    /// fixed seed: they need to be random with respect to p, not secret.
    pub fn custom(p: BigUint, g: BigUint) -> Group {
        let mut rng = ChaCha20Rng::seed_from_u64(7919);
        // (p − 1)/2 for the odd p a safe prime is; written p >> 1 so that p = 0 cannot underflow.
        let q: BigUint = &p >> 1u32;
        let probable_prime = |n: &BigUint, rng: &mut ChaCha20Rng| {
            crate::prime::is_probable_prime_with_rounds(n, CUSTOM_GROUP_ROUNDS, rng)
        };
        let q_is_order_of_g = (5..=MAX_P_BITS).contains(&p.bits())
            && p.bit(0)
            && probable_prime(&q, &mut rng)
            && probable_prime(&p, &mut rng)
            && g.modpow(&q, &p).is_one();
        Group {
            name: format!("custom ({} bits)", p.bits()),
            source: "a key file".to_string(),
            p,
            g,
            q: q_is_order_of_g.then_some(q),
            exponent_bits: None,
        }
    }
}
