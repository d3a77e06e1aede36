//! RSA key files, in the formats OpenSSL reads and writes:
//!
//! ```text
//!  PKCS#1 private  RSAPrivateKey (RFC 8017 §A.1.2)             PEM "RSA PRIVATE KEY"
//!  PKCS#8 private  PrivateKeyInfo (RFC 5208) around PKCS#1     PEM "PRIVATE KEY"   (openssl genpkey)
//!  PKCS#1 public   RSAPublicKey (RFC 8017 §A.1.1)              PEM "RSA PUBLIC KEY"
//!  SPKI public     SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)    PEM "PUBLIC KEY"    (openssl rsa -pubout)
//! ```
//!
//! PEM (RFC 7468) is the DER bytes in Base64 between `-----BEGIN label-----` lines. The DER
//! encoding and decoding is the RustCrypto `pkcs1`, `pkcs8` and `spki` crates' work; this file
//! only moves numbers in and out of their structures.

use super::{Error, PrivateKey, PublicKey};
use der::pem::LineEnding;
use der::{Decode, Encode};
use num_bigint::BigUint;
use pkcs1::UintRef;

/// Which structure a key file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    /// The bare RSA structures of PKCS#1.
    Pkcs1,
    /// PKCS#8 for private keys, SubjectPublicKeyInfo for public keys: the RSA structure inside
    /// an envelope naming the algorithm (rsaEncryption, 1.2.840.113549.1.1.1).
    Pkcs8,
}

/// What a key file held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyFile {
    Private(PrivateKey),
    Public(PublicKey),
}

impl KeyFile {
    pub fn public_key(&self) -> PublicKey {
        match self {
            KeyFile::Private(key) => key.public_key(),
            KeyFile::Public(key) => key.clone(),
        }
    }
}

fn der_error(what: &str) -> impl Fn(der::Error) -> Error + '_ {
    move |error| Error::InvalidKey(format!("{what}: {error}"))
}

/// The private key as DER.
pub fn private_key_der(key: &PrivateKey, format: KeyFormat) -> Result<Vec<u8>, Error> {
    let n = key.n.to_bytes_be();
    let e = key.e.to_bytes_be();
    let d = key.d.to_bytes_be();
    let p = key.p.to_bytes_be();
    let q = key.q.to_bytes_be();
    let dp = key.dp.to_bytes_be();
    let dq = key.dq.to_bytes_be();
    let qinv = key.qinv.to_bytes_be();
    let uint = |bytes| UintRef::new(bytes).map_err(der_error("encoding RSAPrivateKey"));
    let structure = pkcs1::RsaPrivateKey {
        modulus: uint(&n)?,
        public_exponent: uint(&e)?,
        private_exponent: uint(&d)?,
        prime1: uint(&p)?,
        prime2: uint(&q)?,
        exponent1: uint(&dp)?,
        exponent2: uint(&dq)?,
        coefficient: uint(&qinv)?,
        other_prime_infos: None,
    };
    let pkcs1_der = structure
        .to_der()
        .map_err(der_error("encoding RSAPrivateKey"))?;
    match format {
        KeyFormat::Pkcs1 => Ok(pkcs1_der),
        KeyFormat::Pkcs8 => pkcs8::PrivateKeyInfo::new(pkcs1::ALGORITHM_ID, &pkcs1_der)
            .to_der()
            .map_err(der_error("encoding PrivateKeyInfo")),
    }
}

/// The public key as DER.
pub fn public_key_der(key: &PublicKey, format: KeyFormat) -> Result<Vec<u8>, Error> {
    let n = key.n.to_bytes_be();
    let e = key.e.to_bytes_be();
    let structure = pkcs1::RsaPublicKey {
        modulus: UintRef::new(&n).map_err(der_error("encoding RSAPublicKey"))?,
        public_exponent: UintRef::new(&e).map_err(der_error("encoding RSAPublicKey"))?,
    };
    let pkcs1_der = structure
        .to_der()
        .map_err(der_error("encoding RSAPublicKey"))?;
    match format {
        KeyFormat::Pkcs1 => Ok(pkcs1_der),
        KeyFormat::Pkcs8 => {
            let info = spki::SubjectPublicKeyInfoRef {
                algorithm: pkcs1::ALGORITHM_ID,
                subject_public_key: der::asn1::BitStringRef::from_bytes(&pkcs1_der)
                    .map_err(der_error("encoding SubjectPublicKeyInfo"))?,
            };
            info.to_der()
                .map_err(der_error("encoding SubjectPublicKeyInfo"))
        }
    }
}

/// The private key as PEM.
pub fn private_key_pem(key: &PrivateKey, format: KeyFormat) -> Result<String, Error> {
    let label = match format {
        KeyFormat::Pkcs1 => "RSA PRIVATE KEY",
        KeyFormat::Pkcs8 => "PRIVATE KEY",
    };
    pem(label, &private_key_der(key, format)?)
}

/// The public key as PEM.
pub fn public_key_pem(key: &PublicKey, format: KeyFormat) -> Result<String, Error> {
    let label = match format {
        KeyFormat::Pkcs1 => "RSA PUBLIC KEY",
        KeyFormat::Pkcs8 => "PUBLIC KEY",
    };
    pem(label, &public_key_der(key, format)?)
}

fn pem(label: &str, der: &[u8]) -> Result<String, Error> {
    der::pem::encode_string(label, LineEnding::LF, der)
        .map_err(|error| Error::InvalidKey(format!("encoding PEM: {error}")))
}

/// Read a key file: PEM (any of the four labels) or DER (any of the four structures).
pub fn read_key(bytes: &[u8]) -> Result<KeyFile, Error> {
    let begin = b"-----BEGIN ";
    if let Some(start) = bytes
        .windows(begin.len())
        .position(|window| window == begin)
    {
        let pem_text = bytes.get(start..).unwrap_or_default();
        let (label, der) = der::pem::decode_vec(pem_text)
            .map_err(|error| Error::InvalidKey(format!("PEM at byte {start}: {error}")))?;
        return match label {
            "RSA PRIVATE KEY" => pkcs1_private(&der).map(KeyFile::Private),
            "PRIVATE KEY" => pkcs8_private(&der).map(KeyFile::Private),
            "RSA PUBLIC KEY" => pkcs1_public(&der).map(KeyFile::Public),
            "PUBLIC KEY" => spki_public(&der).map(KeyFile::Public),
            "ENCRYPTED PRIVATE KEY" => Err(Error::InvalidKey(
                "the PEM holds an encrypted private key: decrypt it first \
                 (openssl pkey -in FILE -out PLAIN.pem)"
                    .into(),
            )),
            other => Err(Error::InvalidKey(format!(
                "PEM label \"{other}\": expected RSA PRIVATE KEY, PRIVATE KEY, RSA PUBLIC KEY \
                 or PUBLIC KEY"
            ))),
        };
    }
    // DER: try each structure; they differ from their first fields on.
    let attempts = [
        pkcs8_private(bytes).map(KeyFile::Private),
        pkcs1_private(bytes).map(KeyFile::Private),
        spki_public(bytes).map(KeyFile::Public),
        pkcs1_public(bytes).map(KeyFile::Public),
    ];
    let mut reasons = Vec::new();
    for attempt in attempts {
        match attempt {
            Ok(key) => return Ok(key),
            Err(Error::InvalidKey(reason)) => reasons.push(reason),
            Err(other) => reasons.push(other.to_string()),
        }
    }
    Err(Error::InvalidKey(format!(
        "not a PEM file (no -----BEGIN line) and not a DER RSA key: {}",
        reasons.join("; ")
    )))
}

fn number(value: UintRef<'_>) -> BigUint {
    BigUint::from_bytes_be(value.as_bytes())
}

fn pkcs1_private(der: &[u8]) -> Result<PrivateKey, Error> {
    let key = pkcs1::RsaPrivateKey::from_der(der).map_err(der_error("PKCS#1 RSAPrivateKey"))?;
    if key.other_prime_infos.is_some() {
        return Err(Error::InvalidKey(
            "PKCS#1 RSAPrivateKey: multi-prime keys are not supported".into(),
        ));
    }
    PrivateKey::from_components(
        number(key.modulus),
        number(key.public_exponent),
        number(key.private_exponent),
        number(key.prime1),
        number(key.prime2),
        number(key.exponent1),
        number(key.exponent2),
        number(key.coefficient),
    )
}

fn check_rsa_algorithm(oid: der::asn1::ObjectIdentifier, what: &str) -> Result<(), Error> {
    if oid == pkcs1::ALGORITHM_OID {
        Ok(())
    } else {
        Err(Error::InvalidKey(format!(
            "{what}: algorithm {oid}, expected rsaEncryption ({})",
            pkcs1::ALGORITHM_OID
        )))
    }
}

fn pkcs8_private(der: &[u8]) -> Result<PrivateKey, Error> {
    let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(der_error("PKCS#8 PrivateKeyInfo"))?;
    check_rsa_algorithm(info.algorithm.oid, "PKCS#8 PrivateKeyInfo")?;
    pkcs1_private(info.private_key)
}

fn pkcs1_public(der: &[u8]) -> Result<PublicKey, Error> {
    let key = pkcs1::RsaPublicKey::from_der(der).map_err(der_error("PKCS#1 RSAPublicKey"))?;
    checked_public(number(key.modulus), number(key.public_exponent))
}

fn spki_public(der: &[u8]) -> Result<PublicKey, Error> {
    let info =
        spki::SubjectPublicKeyInfoRef::from_der(der).map_err(der_error("SubjectPublicKeyInfo"))?;
    check_rsa_algorithm(info.algorithm.oid, "SubjectPublicKeyInfo")?;
    let inner = info.subject_public_key.as_bytes().ok_or_else(|| {
        Error::InvalidKey("SubjectPublicKeyInfo: the key BIT STRING has unused bits".into())
    })?;
    pkcs1_public(inner)
}

fn checked_public(n: BigUint, e: BigUint) -> Result<PublicKey, Error> {
    super::check_sizes(&n, &e)?;
    if !n.bit(0) || n.bits() < 2 {
        return Err(Error::InvalidKey(format!(
            "the modulus must be odd (a product of two odd primes), found {n}"
        )));
    }
    if e < BigUint::from(3u32) || !e.bit(0) || e >= n {
        return Err(Error::InvalidKey(
            "the public exponent must be odd, at least 3 and below n".into(),
        ));
    }
    Ok(PublicKey { n, e })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rsa::toy_key;

    #[test]
    fn every_format_reads_back_the_key_it_wrote() {
        let key = toy_key();
        for format in [KeyFormat::Pkcs1, KeyFormat::Pkcs8] {
            let pem = private_key_pem(&key, format).unwrap();
            assert_eq!(read_key(pem.as_bytes()), Ok(KeyFile::Private(key.clone())));
            let der = private_key_der(&key, format).unwrap();
            assert_eq!(read_key(&der), Ok(KeyFile::Private(key.clone())));
            let public = key.public_key();
            let pem = public_key_pem(&public, format).unwrap();
            assert_eq!(
                read_key(pem.as_bytes()),
                Ok(KeyFile::Public(public.clone()))
            );
            let der = public_key_der(&public, format).unwrap();
            assert_eq!(read_key(&der), Ok(KeyFile::Public(public)));
        }
    }

    #[test]
    fn pem_labels_follow_openssl() {
        let key = toy_key();
        let pkcs1 = private_key_pem(&key, KeyFormat::Pkcs1).unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let pkcs8 = private_key_pem(&key, KeyFormat::Pkcs8).unwrap();
        assert!(pkcs8.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let spki = public_key_pem(&key.public_key(), KeyFormat::Pkcs8).unwrap();
        assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    }

    #[test]
    fn garbage_and_truncated_files_are_clear_errors() {
        let text = read_key(b"hello, world").unwrap_err().to_string();
        assert!(text.contains("not a PEM file"), "{text}");
        let pem = private_key_pem(&toy_key(), KeyFormat::Pkcs8).unwrap();
        let cut = &pem.as_bytes()[..pem.len() / 2];
        assert!(read_key(cut).is_err());
        let der = private_key_der(&toy_key(), KeyFormat::Pkcs1).unwrap();
        assert!(read_key(&der[..der.len() - 3]).is_err());
        let other = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let text = read_key(other.as_bytes()).unwrap_err().to_string();
        assert!(text.contains("CERTIFICATE"), "{text}");
    }

    /// An odd number of `bits` bits, all ones: stands in for a modulus in the size checks,
    /// which run before any arithmetic.
    fn all_ones(bits: u64) -> BigUint {
        (BigUint::from(1u32) << bits) - 1u32
    }

    #[test]
    fn a_modulus_over_16384_bits_is_refused_before_any_arithmetic() {
        let public = PublicKey {
            n: all_ones(super::super::MAX_MODULUS_BITS + 1),
            e: 65537u32.into(),
        };
        let pem = public_key_pem(&public, KeyFormat::Pkcs8).unwrap();
        let text = read_key(pem.as_bytes()).unwrap_err().to_string();
        assert!(text.contains("16385 bits; more than 16384"), "{text}");

        let mut private = toy_key();
        private.n = all_ones(1_000_000);
        let pem = private_key_pem(&private, KeyFormat::Pkcs1).unwrap();
        let started = std::time::Instant::now();
        let text = read_key(pem.as_bytes()).unwrap_err().to_string();
        assert!(text.contains("1000000 bits; more than 16384"), "{text}");
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn a_long_public_exponent_is_refused_with_a_modulus_over_3072_bits() {
        let public = PublicKey {
            n: all_ones(4096),
            e: all_ones(65),
        };
        let pem = public_key_pem(&public, KeyFormat::Pkcs1).unwrap();
        let text = read_key(pem.as_bytes()).unwrap_err().to_string();
        assert!(text.contains("public exponent has 65 bits"), "{text}");
        // At 3072 bits and below any odd e < n is allowed, as in OpenSSL.
        let small = PublicKey {
            n: all_ones(3072),
            e: all_ones(65),
        };
        let pem = public_key_pem(&small, KeyFormat::Pkcs1).unwrap();
        assert_eq!(read_key(pem.as_bytes()), Ok(KeyFile::Public(small)));
    }

    #[test]
    fn private_values_not_below_their_modulus_are_refused() {
        let mut key = toy_key();
        key.d += &key.n; // still ≡ 413 (mod λ(n)), but not below n
        let der = private_key_der(&key, KeyFormat::Pkcs1).unwrap();
        let text = read_key(&der).unwrap_err().to_string();
        assert!(text.contains("d is not below n"), "{text}");
        let mut key = toy_key();
        key.qinv += &key.p; // still q⁻¹ mod p, but not below p
        let der = private_key_der(&key, KeyFormat::Pkcs1).unwrap();
        let text = read_key(&der).unwrap_err().to_string();
        assert!(text.contains("qInv"), "{text}");
        let mut key = toy_key();
        key.p = all_ones(4000);
        let der = private_key_der(&key, KeyFormat::Pkcs1).unwrap();
        let text = read_key(&der).unwrap_err().to_string();
        assert!(text.contains("longer than the modulus"), "{text}");
    }

    #[test]
    fn a_key_whose_numbers_do_not_fit_together_is_refused() {
        let mut key = toy_key();
        key.d += 1u32;
        let der = private_key_der(&key, KeyFormat::Pkcs1).unwrap();
        let text = read_key(&der).unwrap_err().to_string();
        assert!(text.contains("λ(n)"), "{text}");
    }
}
