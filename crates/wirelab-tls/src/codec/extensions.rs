//! Hello extensions (RFC 5246 §7.4.1.4): how a client offers, and a server accepts, anything
//! beyond the base protocol.
//!
//! ```text
//!  struct {
//!      ExtensionType extension_type;     2 bytes
//!      opaque extension_data<0..2^16-1>;
//!  } Extension;
//! ```
//!
//! The extensions a TLS 1.2 handshake uses are decoded; any other keeps its bytes, so that a
//! hello decodes and encodes back to exactly what was sent.

use super::enums::{
    EcPointFormat, ExtensionType, NamedGroup, ProtocolVersion, ServerNameType, SignatureScheme,
};
use super::reader::{DecodeError, Reader, Writer};

/// One extension, decoded where this crate knows its format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Extension {
    /// RFC 6066 §3: the host names the client wants (usually one). Empty in a ServerHello,
    /// where it only says "I used your server_name".
    ServerName(Vec<(ServerNameType, Vec<u8>)>),
    /// RFC 8422 §5.1.1, RFC 7919 §2: the groups the client can do key exchange in.
    SupportedGroups(Vec<NamedGroup>),
    /// RFC 8422 §5.1.2.
    EcPointFormats(Vec<EcPointFormat>),
    /// RFC 5246 §7.4.1.4.1: the hash and signature pairs the client accepts.
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// RFC 7301: application protocols, e.g. `h2`, `http/1.1`.
    Alpn(Vec<Vec<u8>>),
    /// RFC 7627: the master secret covers the whole handshake.
    ExtendedMasterSecret,
    /// RFC 5746 §3.2: empty on a first handshake; the previous verify_data on renegotiation.
    RenegotiationInfo(Vec<u8>),
    /// RFC 5077 §3.2: empty to ask for a ticket, or a ticket to resume with.
    SessionTicket(Vec<u8>),
    /// RFC 7366: MAC over the ciphertext for CBC suites.
    EncryptThenMac,
    /// RFC 6066 §8 (OCSP stapling): kept raw; the request's structure is not needed here.
    StatusRequest(Vec<u8>),
    /// RFC 8446 §4.2.1: in a ClientHello, the versions offered (a TLS 1.3 client); in a
    /// ServerHello, the one chosen.
    SupportedVersions(Vec<ProtocolVersion>),
    /// RFC 8446 §4.2.8 (TLS 1.3): kept raw, labelled.
    KeyShare(Vec<u8>),
    /// RFC 7685: zero bytes that only make the hello longer.
    Padding(usize),
    /// Anything else, as sent.
    Unknown(ExtensionType, Vec<u8>),
}

/// Which hello an extension is in: a few have different formats in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelloKind {
    Client,
    Server,
}

impl Extension {
    pub fn extension_type(&self) -> ExtensionType {
        match self {
            Extension::ServerName(_) => ExtensionType::SERVER_NAME,
            Extension::SupportedGroups(_) => ExtensionType::SUPPORTED_GROUPS,
            Extension::EcPointFormats(_) => ExtensionType::EC_POINT_FORMATS,
            Extension::SignatureAlgorithms(_) => ExtensionType::SIGNATURE_ALGORITHMS,
            Extension::Alpn(_) => ExtensionType::ALPN,
            Extension::ExtendedMasterSecret => ExtensionType::EXTENDED_MASTER_SECRET,
            Extension::RenegotiationInfo(_) => ExtensionType::RENEGOTIATION_INFO,
            Extension::SessionTicket(_) => ExtensionType::SESSION_TICKET,
            Extension::EncryptThenMac => ExtensionType::ENCRYPT_THEN_MAC,
            Extension::StatusRequest(_) => ExtensionType::STATUS_REQUEST,
            Extension::SupportedVersions(_) => ExtensionType::SUPPORTED_VERSIONS,
            Extension::KeyShare(_) => ExtensionType::KEY_SHARE,
            Extension::Padding(_) => ExtensionType::PADDING,
            Extension::Unknown(t, _) => *t,
        }
    }

    /// Read one extension.
    pub fn read(r: &mut Reader<'_>, hello: HelloKind) -> Result<Extension, DecodeError> {
        let extension_type = ExtensionType(r.u16("Extension.extension_type")?);
        let mut data = r.sub(2, "Extension.extension_data")?;
        let extension = match extension_type {
            ExtensionType::SERVER_NAME if data.is_empty() => Extension::ServerName(Vec::new()),
            ExtensionType::SERVER_NAME => {
                let mut list = data.sub(2, "server_name.server_name_list")?;
                // RFC 6066 §3: `ServerName server_name_list<1..2^16-1>`; an empty extension (a
                // ServerHello's "I used it") is the case above.
                if list.is_empty() {
                    return Err(list.error(
                        "server_name.server_name_list",
                        "at least one name (RFC 6066 §3)",
                        "an empty list",
                    ));
                }
                let mut names = Vec::new();
                while !list.is_empty() {
                    let name_type = ServerNameType(list.u8("ServerName.name_type")?);
                    names.push((name_type, list.vector(2, "ServerName.host_name")?.to_vec()));
                }
                Extension::ServerName(names)
            }
            ExtensionType::SUPPORTED_GROUPS => {
                let mut list = data.sub(2, "supported_groups.named_group_list")?;
                let mut groups = Vec::new();
                while !list.is_empty() {
                    groups.push(NamedGroup(list.u16("NamedGroup")?));
                }
                Extension::SupportedGroups(groups)
            }
            ExtensionType::EC_POINT_FORMATS => {
                let list = data.vector(1, "ec_point_formats.ec_point_format_list")?;
                Extension::EcPointFormats(list.iter().map(|&f| EcPointFormat(f)).collect())
            }
            ExtensionType::SIGNATURE_ALGORITHMS => {
                let mut list =
                    data.sub(2, "signature_algorithms.supported_signature_algorithms")?;
                let mut schemes = Vec::new();
                while !list.is_empty() {
                    schemes.push(SignatureScheme(list.u16("SignatureAndHashAlgorithm")?));
                }
                Extension::SignatureAlgorithms(schemes)
            }
            ExtensionType::ALPN => {
                let mut list = data.sub(
                    2,
                    "application_layer_protocol_negotiation.protocol_name_list",
                )?;
                let mut protocols = Vec::new();
                while !list.is_empty() {
                    protocols.push(list.vector(1, "ProtocolName")?.to_vec());
                }
                Extension::Alpn(protocols)
            }
            ExtensionType::EXTENDED_MASTER_SECRET if data.is_empty() => {
                Extension::ExtendedMasterSecret
            }
            ExtensionType::ENCRYPT_THEN_MAC if data.is_empty() => Extension::EncryptThenMac,
            ExtensionType::RENEGOTIATION_INFO => Extension::RenegotiationInfo(
                data.vector(1, "renegotiation_info.renegotiated_connection")?
                    .to_vec(),
            ),
            ExtensionType::SESSION_TICKET => Extension::SessionTicket(data.rest().to_vec()),
            ExtensionType::STATUS_REQUEST => Extension::StatusRequest(data.rest().to_vec()),
            ExtensionType::SUPPORTED_VERSIONS => match hello {
                HelloKind::Client => {
                    let list = data.vector(1, "supported_versions.versions")?;
                    if list.len() % 2 != 0 {
                        return Err(data.error(
                            "supported_versions.versions",
                            "an even number of bytes (2 per version)",
                            format!("{}", list.len()),
                        ));
                    }
                    Extension::SupportedVersions(
                        list.chunks_exact(2)
                            .map(|v| ProtocolVersion(u16::from_be_bytes([v[0], v[1]])))
                            .collect(),
                    )
                }
                HelloKind::Server => Extension::SupportedVersions(vec![ProtocolVersion(
                    data.u16("supported_versions.selected_version")?,
                )]),
            },
            ExtensionType::KEY_SHARE => Extension::KeyShare(data.rest().to_vec()),
            // RFC 7685 §3: padding is zeros; any other bytes are kept as they are.
            ExtensionType::PADDING => {
                let bytes = data.rest();
                if bytes.iter().all(|&b| b == 0) {
                    Extension::Padding(bytes.len())
                } else {
                    Extension::Unknown(extension_type, bytes.to_vec())
                }
            }
            other => Extension::Unknown(other, data.rest().to_vec()),
        };
        data.expect_end("Extension.extension_data")?;
        Ok(extension)
    }

    /// Write the extension, type and length included, in its ClientHello form (see
    /// [`encode_in`] for the one extension whose ServerHello form differs).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.u16(self.extension_type().0);
        out.vector(2, |data| match self {
            Extension::ServerName(names) if names.is_empty() => {}
            Extension::ServerName(names) => data.vector(2, |list| {
                for (name_type, name) in names {
                    list.u8(name_type.0);
                    list.vector(2, |n| n.bytes(name));
                }
            }),
            Extension::SupportedGroups(groups) => data.vector(2, |list| {
                groups.iter().for_each(|g| list.u16(g.0));
            }),
            Extension::EcPointFormats(formats) => data.vector(1, |list| {
                formats.iter().for_each(|f| list.u8(f.0));
            }),
            Extension::SignatureAlgorithms(schemes) => data.vector(2, |list| {
                schemes.iter().for_each(|s| list.u16(s.0));
            }),
            Extension::Alpn(protocols) => data.vector(2, |list| {
                for protocol in protocols {
                    list.vector(1, |p| p.bytes(protocol));
                }
            }),
            Extension::ExtendedMasterSecret | Extension::EncryptThenMac => {}
            Extension::RenegotiationInfo(info) => data.vector(1, |i| i.bytes(info)),
            Extension::SessionTicket(bytes)
            | Extension::StatusRequest(bytes)
            | Extension::KeyShare(bytes)
            | Extension::Unknown(_, bytes) => data.bytes(bytes),
            Extension::SupportedVersions(versions) => data.vector(1, |list| {
                versions.iter().for_each(|v| list.u16(v.0));
            }),
            Extension::Padding(len) => data.extend(std::iter::repeat_n(0, *len)),
        });
    }
}

/// Read an extension list (`Extension extensions<0..2^16-1>`), if present: a hello may end
/// right after its compression methods (RFC 5246 §7.4.1.2).
pub fn read_list(r: &mut Reader<'_>, hello: HelloKind) -> Result<Vec<Extension>, DecodeError> {
    if r.is_empty() {
        return Ok(Vec::new());
    }
    let mut list = r.sub(2, "extensions")?;
    let mut extensions = Vec::new();
    while !list.is_empty() {
        extensions.push(Extension::read(&mut list, hello)?);
    }
    Ok(extensions)
}

/// Write an extension list as it goes in a hello of kind `hello`.
pub fn encode_list(extensions: &[Extension], hello: HelloKind, out: &mut Vec<u8>) {
    out.vector(2, |list| {
        for extension in extensions {
            encode_in(extension, hello, list);
        }
    });
}

/// Write one extension as it goes in a hello of kind `hello`. A ServerHello's
/// supported_versions holds one version without a list length (RFC 8446 §4.2.1); decoding
/// keeps it as a one-element list.
pub fn encode_in(extension: &Extension, hello: HelloKind, out: &mut Vec<u8>) {
    match (extension, hello) {
        (Extension::SupportedVersions(versions), HelloKind::Server) if versions.len() == 1 => {
            out.u16(ExtensionType::SUPPORTED_VERSIONS.0);
            out.vector(2, |data| data.u16(versions[0].0));
        }
        _ => extension.encode(out),
    }
}
