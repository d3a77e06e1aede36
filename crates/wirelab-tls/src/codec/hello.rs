//! ClientHello and ServerHello (RFC 5246 §7.4.1.2, §7.4.1.3): the two messages that decide
//! everything else — the version, the cipher suite, and the extensions both sides use.
//!
//! ```text
//!  struct {                                    struct {
//!      ProtocolVersion client_version;             ProtocolVersion server_version;
//!      Random random;            (32 bytes)        Random random;
//!      SessionID session_id;     <0..32>           SessionID session_id;
//!      CipherSuite cipher_suites<2..2^16-2>;       CipherSuite cipher_suite;
//!      CompressionMethod                           CompressionMethod compression_method;
//!          compression_methods<1..2^8-1>;          Extension extensions<0..2^16-1>;
//!      Extension extensions<0..2^16-1>;        } ServerHello;
//!  } ClientHello;
//! ```

use super::enums::{CipherSuite, CompressionMethod, ExtensionType, ProtocolVersion};
use super::extensions::{self, Extension, HelloKind};
use super::reader::{DecodeError, Reader, Writer};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    pub version: ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: Vec<CompressionMethod>,
    pub extensions: Vec<Extension>,
    /// Whether the hello carried an extension block, even an empty one: RFC 5246 §7.4.1.2
    /// lets a hello end right after its compression methods, and the bytes must encode back
    /// as they were sent.
    pub extensions_present: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    pub version: ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: CipherSuite,
    pub compression_method: CompressionMethod,
    pub extensions: Vec<Extension>,
    /// Whether the hello carried an extension block, even an empty one (see [`ClientHello`]).
    pub extensions_present: bool,
}

/// The random of a ServerHello that answers a TLS 1.3 request for a second ClientHello (RFC
/// 8446 §4.1.3): SHA-256 of "HelloRetryRequest".
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

fn read_session_id(r: &mut Reader<'_>, context: &'static str) -> Result<Vec<u8>, DecodeError> {
    let id = r.vector(1, context)?;
    if id.len() > 32 {
        return Err(r.error(
            context,
            "at most 32 bytes (RFC 5246 §7.4.1.2)",
            format!("{}", id.len()),
        ));
    }
    Ok(id.to_vec())
}

impl ClientHello {
    pub fn read(r: &mut Reader<'_>) -> Result<ClientHello, DecodeError> {
        let version = ProtocolVersion(r.u16("ClientHello.client_version")?);
        let random = r.array("ClientHello.random")?;
        let session_id = read_session_id(r, "ClientHello.session_id")?;
        let mut suites = r.sub(2, "ClientHello.cipher_suites")?;
        if suites.remaining() % 2 != 0 || suites.is_empty() {
            return Err(suites.error(
                "ClientHello.cipher_suites",
                "a non-empty list of 2-byte suites",
                format!("{} bytes", suites.remaining()),
            ));
        }
        let mut cipher_suites = Vec::new();
        while !suites.is_empty() {
            cipher_suites.push(CipherSuite(suites.u16("CipherSuite")?));
        }
        let compression_methods = r
            .vector(1, "ClientHello.compression_methods")?
            .iter()
            .map(|&m| CompressionMethod(m))
            .collect();
        let extensions_present = !r.is_empty();
        let extensions = extensions::read_list(r, HelloKind::Client)?;
        r.expect_end("ClientHello")?;
        Ok(ClientHello {
            version,
            random,
            session_id,
            cipher_suites,
            compression_methods,
            extensions,
            extensions_present,
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        out.u16(self.version.0);
        out.bytes(&self.random);
        out.vector(1, |id| id.bytes(&self.session_id));
        out.vector(2, |list| {
            self.cipher_suites.iter().for_each(|s| list.u16(s.0))
        });
        out.vector(1, |list| {
            self.compression_methods.iter().for_each(|m| list.u8(m.0))
        });
        if self.extensions_present || !self.extensions.is_empty() {
            extensions::encode_list(&self.extensions, HelloKind::Client, out);
        }
    }

    /// The extension of this type, if the client sent it.
    pub fn extension(&self, extension_type: ExtensionType) -> Option<&Extension> {
        self.extensions
            .iter()
            .find(|e| e.extension_type() == extension_type)
    }

    /// The host name the client asked for (RFC 6066 §3), if any and if it is text.
    pub fn server_name(&self) -> Option<&str> {
        match self.extension(ExtensionType::SERVER_NAME)? {
            Extension::ServerName(names) => names
                .first()
                .and_then(|(_, name)| std::str::from_utf8(name).ok()),
            _ => None,
        }
    }

    /// Whether this is a TLS 1.3 client (it lists 1.3 in supported_versions, RFC 8446 §4.2.1).
    pub fn offers_tls13(&self) -> bool {
        matches!(
            self.extension(ExtensionType::SUPPORTED_VERSIONS),
            Some(Extension::SupportedVersions(versions)) if versions.contains(&ProtocolVersion::TLS_1_3)
        )
    }
}

impl ServerHello {
    pub fn read(r: &mut Reader<'_>) -> Result<ServerHello, DecodeError> {
        let version = ProtocolVersion(r.u16("ServerHello.server_version")?);
        let random = r.array("ServerHello.random")?;
        let session_id = read_session_id(r, "ServerHello.session_id")?;
        let cipher_suite = CipherSuite(r.u16("ServerHello.cipher_suite")?);
        let compression_method = CompressionMethod(r.u8("ServerHello.compression_method")?);
        let extensions_present = !r.is_empty();
        let extensions = extensions::read_list(r, HelloKind::Server)?;
        r.expect_end("ServerHello")?;
        Ok(ServerHello {
            version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
            extensions_present,
        })
    }

    pub fn encode(&self, out: &mut Vec<u8>) {
        out.u16(self.version.0);
        out.bytes(&self.random);
        out.vector(1, |id| id.bytes(&self.session_id));
        out.u16(self.cipher_suite.0);
        out.u8(self.compression_method.0);
        if self.extensions_present || !self.extensions.is_empty() {
            extensions::encode_list(&self.extensions, HelloKind::Server, out);
        }
    }

    pub fn extension(&self, extension_type: ExtensionType) -> Option<&Extension> {
        self.extensions
            .iter()
            .find(|e| e.extension_type() == extension_type)
    }

    /// The version really chosen: supported_versions when present (a TLS 1.3 server writes
    /// 1.2 in server_version, RFC 8446 §4.1.3), else server_version.
    pub fn negotiated_version(&self) -> ProtocolVersion {
        match self.extension(ExtensionType::SUPPORTED_VERSIONS) {
            Some(Extension::SupportedVersions(v)) if v.len() == 1 => v[0],
            _ => self.version,
        }
    }

    /// Whether the server agreed to the extended master secret (RFC 7627 §5.1).
    pub fn uses_extended_master_secret(&self) -> bool {
        self.extension(ExtensionType::EXTENDED_MASTER_SECRET)
            .is_some()
    }
}
