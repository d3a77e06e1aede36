//! Certificates, summarised for a reader: who it names, who vouches for it, when it is valid,
//! what key it carries. wirelab does not validate chains (that is a browser's job, and the
//! lesson here is the handshake); it shows what a validator would look at.
//!
//! ```text
//!  Certificate message (RFC 5246 §7.4.2): the sender's certificate first, then each one
//!  certifying the one before it.   server cert ── issued by ──> intermediate ── by ──> (root)
//! ```

use std::fmt;
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;

/// What a certificate says, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateSummary {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// `RSA 2048 bits`, `EC 256 bits`…
    pub key: String,
    /// DNS names and IP addresses of the Subject Alternative Name extension.
    pub alt_names: Vec<String>,
    /// The algorithm the issuer signed with (`sha256WithRSAEncryption`).
    pub signature_algorithm: String,
}

/// A certificate that could not be read: its place in the chain and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateError {
    pub index: usize,
    pub problem: String,
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "certificate {} of the chain: {}",
            self.index, self.problem
        )
    }
}

impl std::error::Error for CertificateError {}

/// The RSA public key of a certificate: modulus and exponent, big-endian, without leading
/// zero bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPublicKey {
    pub modulus: Vec<u8>,
    pub exponent: Vec<u8>,
}

fn parse(der: &[u8], index: usize) -> Result<X509Certificate<'_>, CertificateError> {
    let (rest, certificate) = X509Certificate::from_der(der).map_err(|e| CertificateError {
        index,
        problem: format!("not a DER X.509 certificate ({e})"),
    })?;
    if !rest.is_empty() {
        return Err(CertificateError {
            index,
            problem: format!("{} bytes follow the certificate", rest.len()),
        });
    }
    Ok(certificate)
}

fn strip_zeros(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes[first..].to_vec()
}

/// Summarise one certificate (`index` is its place in the chain, for errors).
pub fn summarize(der: &[u8], index: usize) -> Result<CertificateSummary, CertificateError> {
    let certificate = parse(der, index)?;
    let key = match certificate.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {} bits", bit_length(rsa.modulus)),
        Ok(PublicKey::EC(point)) => format!("EC {} bits", point.key_size()),
        Ok(_) | Err(_) => {
            let oid = &certificate.public_key().algorithm.algorithm;
            format!("{} (not summarised)", oid_name(oid))
        }
    };
    let alt_names = match certificate.subject_alternative_name() {
        Ok(Some(extension)) => extension
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(dns) => Some(format!("DNS:{dns}")),
                GeneralName::IPAddress(ip) => Some(format!("IP:{}", ip_text(ip))),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let validity = certificate.validity();
    Ok(CertificateSummary {
        subject: certificate.subject().to_string(),
        issuer: certificate.issuer().to_string(),
        not_before: validity.not_before.to_string(),
        not_after: validity.not_after.to_string(),
        key,
        alt_names,
        signature_algorithm: oid_name(&certificate.signature_algorithm.algorithm),
    })
}

/// Summarise a whole chain, in the order it was sent.
pub fn summarize_chain(chain: &[Vec<u8>]) -> Vec<Result<CertificateSummary, CertificateError>> {
    chain
        .iter()
        .enumerate()
        .map(|(index, der)| summarize(der, index))
        .collect()
}

/// The RSA key of a certificate, to check a ServerKeyExchange signature or encrypt an RSA
/// pre-master secret. `Ok(None)` for a certificate with another kind of key.
pub fn rsa_public_key(der: &[u8]) -> Result<Option<RsaPublicKey>, CertificateError> {
    let certificate = parse(der, 0)?;
    Ok(match certificate.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => Some(RsaPublicKey {
            modulus: strip_zeros(rsa.modulus),
            exponent: strip_zeros(rsa.exponent),
        }),
        _ => None,
    })
}

/// The certificates of a PEM file (`-----BEGIN CERTIFICATE-----` blocks), in file order, as
/// DER; a file with no certificate, or a block that does not decode, is an error.
pub fn read_pem_chain(pem: &[u8]) -> Result<Vec<Vec<u8>>, CertificateError> {
    let mut chain = Vec::new();
    for (index, block) in x509_parser::pem::Pem::iter_from_buffer(pem).enumerate() {
        let block = block.map_err(|e| CertificateError {
            index,
            problem: format!("not a PEM block ({e})"),
        })?;
        if block.label == "CERTIFICATE" {
            chain.push(block.contents);
        }
    }
    if chain.is_empty() {
        return Err(CertificateError {
            index: 0,
            problem: "the file holds no -----BEGIN CERTIFICATE----- block".to_string(),
        });
    }
    Ok(chain)
}

/// Check a server's chain the way a client must before trusting its key (RFC 5280 §6, much
/// simplified): each certificate is signed by the next one, the last is signed by (or is) one
/// of the trusted `roots`, every one is valid at `now` (seconds since 1970), and the first one
/// names `host` in its subject alternative names (RFC 6125 §6.4; `*.` wildcards match one
/// label), or in its common name when it has no DNS names at all.
///
/// Not checked here: revocation, name constraints, key usage, path length, policies — a real
/// client uses a full validator (webpki, OpenSSL); the lesson is what the chain proves.
pub fn verify_chain(
    chain: &[Vec<u8>],
    roots: &[Vec<u8>],
    host: Option<&str>,
    now: i64,
) -> Result<(), CertificateError> {
    let certificates: Vec<X509Certificate<'_>> = chain
        .iter()
        .enumerate()
        .map(|(index, der)| parse(der, index))
        .collect::<Result<_, _>>()?;
    let roots: Vec<X509Certificate<'_>> = roots
        .iter()
        .enumerate()
        .map(|(index, der)| parse(der, index))
        .collect::<Result<_, _>>()?;
    let Some(leaf) = certificates.first() else {
        return Err(CertificateError {
            index: 0,
            problem: "the chain is empty".to_string(),
        });
    };
    for (index, certificate) in certificates.iter().enumerate() {
        let validity = certificate.validity();
        if now < validity.not_before.timestamp() || now > validity.not_after.timestamp() {
            return Err(CertificateError {
                index,
                problem: format!(
                    "not valid now: valid from {} to {}",
                    validity.not_before, validity.not_after
                ),
            });
        }
        let signed_by_next = certificates.get(index + 1).is_some_and(|issuer| {
            issuer.subject() == certificate.issuer()
                && certificate
                    .verify_signature(Some(issuer.public_key()))
                    .is_ok()
        });
        let signed_by_root = roots.iter().any(|root| {
            root.subject() == certificate.issuer()
                && certificate
                    .verify_signature(Some(root.public_key()))
                    .is_ok()
        });
        let is_root = roots
            .iter()
            .any(|root| root.as_ref() == certificate.as_ref());
        if signed_by_root || is_root {
            return match host {
                Some(host) => check_host(leaf, host),
                None => Ok(()),
            };
        }
        if !signed_by_next {
            return Err(CertificateError {
                index,
                problem: format!(
                    "issued by \"{}\", which is neither the next certificate of the chain nor a trusted root",
                    certificate.issuer()
                ),
            });
        }
    }
    Err(CertificateError {
        index: certificates.len() - 1,
        problem: "the chain does not end at a trusted root".to_string(),
    })
}

fn check_host(leaf: &X509Certificate<'_>, host: &str) -> Result<(), CertificateError> {
    let dns_names: Vec<String> = match leaf.subject_alternative_name() {
        Ok(Some(extension)) => extension
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let names = if dns_names.is_empty() {
        leaf.subject()
            .iter_common_name()
            .filter_map(|cn| cn.as_str().ok().map(str::to_string))
            .collect()
    } else {
        dns_names
    };
    let host = host.to_ascii_lowercase();
    let matches = |name: &String| {
        let name = name.to_ascii_lowercase();
        match name.strip_prefix("*.") {
            Some(suffix) => host
                .split_once('.')
                .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix),
            None => name == host,
        }
    };
    if names.iter().any(matches) {
        Ok(())
    } else {
        Err(CertificateError {
            index: 0,
            problem: format!("names {names:?}, not {host}"),
        })
    }
}

fn bit_length(modulus: &[u8]) -> usize {
    let bytes = strip_zeros(modulus);
    match bytes.first() {
        Some(&top) => bytes.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

fn oid_name(oid: &x509_parser::oid_registry::Oid<'_>) -> String {
    x509_parser::objects::oid2sn(oid, x509_parser::objects::oid_registry())
        .map(str::to_string)
        .unwrap_or_else(|_| oid.to_id_string())
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(octets).to_string()
        }
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Context, Handshake, HandshakeBuffer, Record};

    /// The certificate chain of the Illustrated connection's Certificate message.
    fn illustrated_chain() -> Vec<Vec<u8>> {
        let path = format!(
            "{}/tests/data/illustrated-tls12/servercert",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let record = Record::parse(&bytes).unwrap().unwrap().0;
        let mut buffer = HandshakeBuffer::new();
        buffer.push(&record.fragment);
        let (message, _) = buffer.next_message().unwrap().unwrap();
        match Handshake::decode(&message, 0, Context::default()).unwrap() {
            Handshake::Certificate(chain) => chain,
            other => panic!("not a Certificate: {other:?}"),
        }
    }

    #[test]
    fn the_illustrated_server_certificate_is_summarised() {
        let summaries = summarize_chain(&illustrated_chain());
        let server = summaries[0].as_ref().unwrap();
        assert_eq!(server.subject, "C=US, CN=example.ulfheim.net");
        assert_eq!(server.issuer, "C=US, O=Example CA");
        assert_eq!(server.key, "RSA 2048 bits");
        assert_eq!(server.signature_algorithm, "sha256WithRSAEncryption");
        assert!(
            server.not_before.starts_with("Oct  5"),
            "{}",
            server.not_before
        );
    }

    #[test]
    fn the_rsa_key_comes_out_without_leading_zeros() {
        let key = rsa_public_key(&illustrated_chain()[0]).unwrap().unwrap();
        assert_eq!(key.modulus.len(), 256);
        assert_eq!(key.exponent, [1, 0, 1]);
    }

    fn illustrated_root() -> Vec<u8> {
        let path = format!(
            "{}/tests/data/illustrated-tls12/ca.crt",
            env!("CARGO_MANIFEST_DIR")
        );
        read_pem_chain(&std::fs::read(path).unwrap())
            .unwrap()
            .remove(0)
    }

    /// 2019-01-01, when the Illustrated certificate (2018-10-05 to 2019-10-05) was valid.
    const IN_2019: i64 = 1_546_300_800;

    #[test]
    fn the_illustrated_chain_verifies_against_its_ca_for_its_host_name() {
        let chain = illustrated_chain();
        let roots = [illustrated_root()];
        assert_eq!(
            verify_chain(&chain, &roots, Some("example.ulfheim.net"), IN_2019),
            Ok(())
        );
        let wrong_host = verify_chain(&chain, &roots, Some("example.com"), IN_2019).unwrap_err();
        assert!(
            wrong_host.problem.contains("not example.com"),
            "{wrong_host}"
        );
        let expired = verify_chain(&chain, &roots, None, IN_2019 + 365 * 86_400).unwrap_err();
        assert!(expired.problem.starts_with("not valid now"), "{expired}");
        let untrusted = verify_chain(&chain, &[], None, IN_2019).unwrap_err();
        assert!(
            untrusted.problem.contains("neither the next certificate"),
            "{untrusted}"
        );
    }

    #[test]
    fn bytes_that_are_not_a_certificate_are_an_error_naming_their_place() {
        let error = summarize(&[0x30, 0x03, 0x02, 0x01], 1).unwrap_err();
        assert!(error
            .to_string()
            .starts_with("certificate 1 of the chain: not a DER X.509 certificate"));
    }
}
