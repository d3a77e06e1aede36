//! DH key files in the formats OpenSSL 3 reads and writes (`openssl genpkey -algorithm DH`):
//!
//! ```text
//!  -----BEGIN PRIVATE KEY-----  PKCS #8 PrivateKeyInfo (RFC 5208 §5)
//!    SEQUENCE { version 0,
//!               AlgorithmIdentifier { dhKeyAgreement 1.2.840.113549.1.3.1,
//!                                     DHParameter { prime p, base g } },
//!               OCTET STRING { INTEGER x } }
//!  -----BEGIN PUBLIC KEY-----   SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
//!    SEQUENCE { AlgorithmIdentifier { dhKeyAgreement, DHParameter { p, g } },
//!               BIT STRING { INTEGER y } }
//! ```
//!
//! DHParameter is PKCS #3 §9: `SEQUENCE { prime INTEGER, base INTEGER,
//! privateValueLength INTEGER OPTIONAL }`. OpenSSL 3 writes p and g even for a named group
//! (ffdhe2048, modp_2048) and recognises the group from the numbers when it reads them; so do
//! we ([`Group::known`]). Older OpenSSL versions also wrote privateValueLength; it is read and
//! ignored.

use super::{DhError, Group, KeyPair, PublicKey};
use der::asn1::{AnyRef, BitString, Uint};
use der::pem::LineEnding;
use der::referenced::OwnedToRef;
use der::{Any, Decode, Encode, Sequence};
use num_bigint::BigUint;
use pkcs8::PrivateKeyInfo;
use spki::{
    AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};

/// PKCS #3 `dhKeyAgreement`: the algorithm OID of OpenSSL's DH keys.
pub const DH_KEY_AGREEMENT_OID: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.3.1");

/// Algorithms a student may hand us by mistake, named in the error.
const OTHER_ALGORITHMS: [(&str, &str); 6] = [
    ("1.2.840.113549.1.1.1", "an RSA key (rsaEncryption)"),
    ("1.2.840.10045.2.1", "an elliptic-curve key (id-ecPublicKey)"),
    ("1.3.101.110", "an X25519 key"),
    ("1.3.101.112", "an Ed25519 key"),
    (
        "1.2.840.10046.2.1",
        "an X9.42 DH key (dhpublicnumber, OpenSSL's \"DHX\"); make a PKCS #3 key with -algorithm DH",
    ),
    ("1.2.840.10040.4.1", "a DSA key"),
];

/// PKCS #3 §9 DHParameter.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct DhParameter {
    pub prime: Uint,
    pub base: Uint,
    #[asn1(optional = "true")]
    pub private_value_length: Option<u32>,
}

/// What a DH PEM file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DhKeyFile {
    Private(KeyPair),
    Public(PublicKey),
}

impl DhKeyFile {
    /// The public half, whichever the file holds.
    pub fn public(&self) -> &PublicKey {
        match self {
            DhKeyFile::Private(pair) => &pair.public,
            DhKeyFile::Public(public) => public,
        }
    }
}

fn key_error(place: &str, what: impl std::fmt::Display) -> DhError {
    DhError::KeyFile(format!("{place}: {what}"))
}

fn uint(n: &BigUint) -> Result<Uint, DhError> {
    Uint::new(&n.to_bytes_be()).map_err(|error| key_error("DER encoding", error))
}

fn algorithm(group: &Group) -> Result<AlgorithmIdentifierOwned, DhError> {
    let parameters = DhParameter {
        prime: uint(&group.p)?,
        base: uint(&group.g)?,
        private_value_length: None,
    };
    Ok(AlgorithmIdentifierOwned {
        oid: DH_KEY_AGREEMENT_OID,
        parameters: Some(
            Any::encode_from(&parameters).map_err(|error| key_error("DER encoding", error))?,
        ),
    })
}

fn pem(label: &str, der: &[u8]) -> Result<String, DhError> {
    der::pem::encode_string(label, LineEnding::LF, der)
        .map_err(|error| key_error("PEM encoding", error))
}

impl KeyPair {
    /// The private key as PKCS #8 DER: what `openssl genpkey -algorithm DH` writes.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, DhError> {
        let algorithm = algorithm(&self.public.group)?;
        let private_integer = uint(&self.x)?
            .to_der()
            .map_err(|error| key_error("DER encoding", error))?;
        let info = PrivateKeyInfo::new(algorithm.owned_to_ref(), &private_integer);
        info.to_der()
            .map_err(|error| key_error("DER encoding", error))
    }

    /// The private key as PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn to_pkcs8_pem(&self) -> Result<String, DhError> {
        pem("PRIVATE KEY", &self.to_pkcs8_der()?)
    }
}

impl PublicKey {
    /// The public key as SubjectPublicKeyInfo DER: what `openssl pkey -pubout` writes.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, DhError> {
        let public_integer = uint(&self.y)?
            .to_der()
            .map_err(|error| key_error("DER encoding", error))?;
        let info = SubjectPublicKeyInfoOwned {
            algorithm: algorithm(&self.group)?,
            subject_public_key: BitString::from_bytes(&public_integer)
                .map_err(|error| key_error("DER encoding", error))?,
        };
        info.to_der()
            .map_err(|error| key_error("DER encoding", error))
    }

    /// The public key as PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_spki_pem(&self) -> Result<String, DhError> {
        pem("PUBLIC KEY", &self.to_spki_der()?)
    }
}

/// The group named by an AlgorithmIdentifier, after checking it says DH.
fn group_of(
    oid: ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
    place: &str,
) -> Result<Group, DhError> {
    if oid != DH_KEY_AGREEMENT_OID {
        let what = OTHER_ALGORITHMS
            .iter()
            .find(|(known, _)| oid.to_string() == *known)
            .map(|(_, name)| name.to_string())
            .unwrap_or_else(|| format!("algorithm {oid}"));
        return Err(key_error(
            place,
            format!(
                "this is {what}, not a DH key (expected dhKeyAgreement, {DH_KEY_AGREEMENT_OID})"
            ),
        ));
    }
    let parameters = parameters
        .ok_or_else(|| key_error(place, "the AlgorithmIdentifier has no DHParameter {p, g}"))?;
    let parameters: DhParameter = parameters
        .decode_as()
        .map_err(|error| key_error(&format!("{place}, DHParameter"), error))?;
    let p = BigUint::from_bytes_be(parameters.prime.as_bytes());
    let g = BigUint::from_bytes_be(parameters.base.as_bytes());
    Group::from_parameters(p, g).map_err(|error| key_error(&format!("{place}, DHParameter"), error))
}

/// The INTEGER inside an OCTET STRING or BIT STRING.
fn inner_integer(bytes: &[u8], place: &str) -> Result<BigUint, DhError> {
    let integer = Uint::from_der(bytes).map_err(|error| key_error(place, error))?;
    Ok(BigUint::from_bytes_be(integer.as_bytes()))
}

/// Read a DH key from PEM text: a PKCS #8 private key or a SubjectPublicKeyInfo public key.
/// Errors name the part of the file (`PEM`, `PKCS #8 PrivateKeyInfo`, `DHParameter`), the DER
/// byte offset where the DER decoder stopped, and what it expected.
pub fn read_pem(text: &str) -> Result<DhKeyFile, DhError> {
    let (label, der) = der::pem::decode_vec(text.as_bytes()).map_err(|error| {
        key_error(
            "PEM",
            format!("{error}; expected a -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY----- block"),
        )
    })?;
    match label {
        "PRIVATE KEY" => {
            let place = "PKCS #8 PrivateKeyInfo";
            let info = PrivateKeyInfo::from_der(&der).map_err(|error| key_error(place, error))?;
            let group = group_of(info.algorithm.oid, info.algorithm.parameters, place)?;
            let x = inner_integer(info.private_key, &format!("{place}, privateKey INTEGER"))?;
            let pair = KeyPair::from_private(&group, x).map_err(|error| key_error(place, error))?;
            Ok(DhKeyFile::Private(pair))
        }
        "PUBLIC KEY" => {
            let place = "SubjectPublicKeyInfo";
            let info =
                SubjectPublicKeyInfoRef::from_der(&der).map_err(|error| key_error(place, error))?;
            let group = group_of(info.algorithm.oid, info.algorithm.parameters, place)?;
            let bits = info.subject_public_key.as_bytes().ok_or_else(|| {
                key_error(
                    place,
                    "the subjectPublicKey BIT STRING does not hold whole bytes",
                )
            })?;
            let y = inner_integer(bits, &format!("{place}, subjectPublicKey INTEGER"))?;
            Ok(DhKeyFile::Public(PublicKey { group, y }))
        }
        "RSA PRIVATE KEY" | "RSA PUBLIC KEY" => Err(key_error(
            "PEM",
            format!("this is a PKCS #1 RSA key (-----BEGIN {label}-----), not a DH key"),
        )),
        "EC PRIVATE KEY" => Err(key_error(
            "PEM",
            "this is an elliptic-curve key (-----BEGIN EC PRIVATE KEY-----), not a DH key",
        )),
        "DH PARAMETERS" | "X9.42 DH PARAMETERS" => Err(key_error(
            "PEM",
            format!(
                "this file holds only DH parameters (-----BEGIN {label}-----), no key: \
                 make one with `wirelab dh genkey --group G --out FILE.pem`"
            ),
        )),
        other => Err(key_error(
            "PEM",
            format!("unexpected -----BEGIN {other}----- (expected PRIVATE KEY or PUBLIC KEY)"),
        )),
    }
}
