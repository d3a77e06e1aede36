//! TLS code points as open enums: every value of the wire type can be held, the known ones
//! have names, and an unknown one survives decoding and encoding and prints in hex.
//!
//! A closed Rust `enum` would have to reject a value it does not list, yet a TLS peer must
//! ignore unknown extensions, cipher suites and groups (RFC 5246 §7.4.1.4, RFC 8701's GREASE
//! values exist to check exactly that). So each code point is a newtype over its wire integer
//! with associated constants for the values this crate uses, and its name comes from the
//! RFC (small registries) or from Wireshark's copy of the IANA registry (`names_table.rs`).

use crate::names_table;
use std::fmt;

/// Declare an open enum: `open_enum!(ContentType: u8, "TLS content type" { HANDSHAKE = 22 => "handshake", … })`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident: $int:ty { $($(#[$cmeta:meta])* $konst:ident = $value:literal => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl $name {
            $($(#[$cmeta])* pub const $konst: $name = $name($value);)*

            /// The registry name, when the value is a known one.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($text),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "unknown (0x{:0width$x})", self.0, width = 2 * std::mem::size_of::<$int>()),
                }
            }
        }
    };
}

/// Declare an open enum named from a table of `names_table.rs` (large IANA registries).
macro_rules! registry_enum {
    ($(#[$meta:meta])* $name:ident: $int:ty, $table:path { $($(#[$cmeta:meta])* $konst:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $int);

        impl $name {
            $($(#[$cmeta])* pub const $konst: $name = $name($value);)*

            /// The registry name (as Wireshark prints it), when the value is a known one.
            pub fn name(self) -> Option<&'static str> {
                lookup($table, self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "unknown (0x{:0width$x})", self.0, width = 2 * std::mem::size_of::<$int>()),
                }
            }
        }
    };
}

fn lookup<T: Ord + Copy>(table: &'static [(T, &'static str)], value: T) -> Option<&'static str> {
    table
        .binary_search_by(|(code, _)| code.cmp(&value))
        .ok()
        .map(|index| table[index].1)
}

open_enum!(
    /// The record layer's content type (RFC 5246 §6.2.1, RFC 6520 for heartbeat).
    ContentType: u8 {
        CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec",
        ALERT = 21 => "alert",
        HANDSHAKE = 22 => "handshake",
        APPLICATION_DATA = 23 => "application_data",
        HEARTBEAT = 24 => "heartbeat",
    }
);

open_enum!(
    /// A protocol version (RFC 5246 §6.2.1, Appendix E): `{3, 3}` is TLS 1.2.
    ProtocolVersion: u16 {
        SSL_3_0 = 0x0300 => "SSL 3.0",
        TLS_1_0 = 0x0301 => "TLS 1.0",
        TLS_1_1 = 0x0302 => "TLS 1.1",
        TLS_1_2 = 0x0303 => "TLS 1.2",
        TLS_1_3 = 0x0304 => "TLS 1.3",
    }
);

open_enum!(
    /// The handshake message type (RFC 5246 §7.4; RFC 5077 for new_session_ticket; the TLS 1.3
    /// types of RFC 8446 §4 are named so that a TLS 1.3 handshake is labelled, not misread).
    HandshakeType: u8 {
        HELLO_REQUEST = 0 => "hello_request",
        CLIENT_HELLO = 1 => "client_hello",
        SERVER_HELLO = 2 => "server_hello",
        NEW_SESSION_TICKET = 4 => "new_session_ticket",
        END_OF_EARLY_DATA = 5 => "end_of_early_data",
        ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions",
        CERTIFICATE = 11 => "certificate",
        SERVER_KEY_EXCHANGE = 12 => "server_key_exchange",
        CERTIFICATE_REQUEST = 13 => "certificate_request",
        SERVER_HELLO_DONE = 14 => "server_hello_done",
        CERTIFICATE_VERIFY = 15 => "certificate_verify",
        CLIENT_KEY_EXCHANGE = 16 => "client_key_exchange",
        FINISHED = 20 => "finished",
        CERTIFICATE_STATUS = 22 => "certificate_status",
        KEY_UPDATE = 24 => "key_update",
        MESSAGE_HASH = 254 => "message_hash",
    }
);

open_enum!(
    /// How serious an alert is (RFC 5246 §7.2).
    AlertLevel: u8 {
        WARNING = 1 => "warning",
        FATAL = 2 => "fatal",
    }
);

open_enum!(
    /// How points on a curve are encoded (RFC 8422 §5.1.2); TLS 1.2 peers send only
    /// `uncompressed` nowadays.
    EcPointFormat: u8 {
        UNCOMPRESSED = 0 => "uncompressed",
        ANSIX962_COMPRESSED_PRIME = 1 => "ansiX962_compressed_prime",
        ANSIX962_COMPRESSED_CHAR2 = 2 => "ansiX962_compressed_char2",
    }
);

open_enum!(
    /// The compression method of a hello (RFC 5246 §7.4.1.2); TLS 1.2 peers offer only `null`.
    CompressionMethod: u8 {
        NULL = 0 => "null",
        DEFLATE = 1 => "DEFLATE",
    }
);

open_enum!(
    /// The kind of curve in ServerKeyExchange's ECParameters (RFC 8422 §5.4).
    EcCurveType: u8 {
        EXPLICIT_PRIME = 1 => "explicit_prime",
        EXPLICIT_CHAR2 = 2 => "explicit_char2",
        NAMED_CURVE = 3 => "named_curve",
    }
);

open_enum!(
    /// A certificate type a server accepts from a client (RFC 5246 §7.4.4).
    ClientCertificateType: u8 {
        RSA_SIGN = 1 => "rsa_sign",
        DSS_SIGN = 2 => "dss_sign",
        RSA_FIXED_DH = 3 => "rsa_fixed_dh",
        DSS_FIXED_DH = 4 => "dss_fixed_dh",
        ECDSA_SIGN = 64 => "ecdsa_sign",
        RSA_FIXED_ECDH = 65 => "rsa_fixed_ecdh",
        ECDSA_FIXED_ECDH = 66 => "ecdsa_fixed_ecdh",
    }
);

open_enum!(
    /// The name type of a server_name entry (RFC 6066 §3): only host names are defined.
    ServerNameType: u8 {
        HOST_NAME = 0 => "host_name",
    }
);

registry_enum!(
    /// A cipher suite (RFC 5246 §7.4.1.2, Appendix A.5; the IANA "TLS Cipher Suites" registry).
    CipherSuite: u16, names_table::CIPHER_SUITES {
        TLS_RSA_WITH_AES_128_CBC_SHA = 0x002f,
        TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035,
        TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003c,
        TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c,
        TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009d,
        TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009e,
        TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009f,
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xc013,
        TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xc014,
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xc027,
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f,
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030,
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8,
        TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xccaa,
        /// RFC 5746 §3.3: not a suite but a signal that the client supports secure renegotiation.
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff,
        TLS_AES_128_GCM_SHA256 = 0x1301,
        TLS_AES_256_GCM_SHA384 = 0x1302,
        TLS_CHACHA20_POLY1305_SHA256 = 0x1303,
    }
);

registry_enum!(
    /// An extension type (RFC 5246 §7.4.1.4; the IANA "TLS ExtensionType Values" registry).
    ExtensionType: u16, names_table::EXTENSION_TYPES {
        SERVER_NAME = 0,
        STATUS_REQUEST = 5,
        SUPPORTED_GROUPS = 10,
        EC_POINT_FORMATS = 11,
        SIGNATURE_ALGORITHMS = 13,
        ALPN = 16,
        PADDING = 21,
        ENCRYPT_THEN_MAC = 22,
        EXTENDED_MASTER_SECRET = 23,
        SESSION_TICKET = 35,
        SUPPORTED_VERSIONS = 43,
        KEY_SHARE = 51,
        RENEGOTIATION_INFO = 0xff01,
    }
);

registry_enum!(
    /// An alert's description (RFC 5246 §7.2, RFC 8446 §6).
    AlertDescription: u8, names_table::ALERT_DESCRIPTIONS {
        CLOSE_NOTIFY = 0,
        UNEXPECTED_MESSAGE = 10,
        BAD_RECORD_MAC = 20,
        RECORD_OVERFLOW = 22,
        HANDSHAKE_FAILURE = 40,
        BAD_CERTIFICATE = 42,
        ILLEGAL_PARAMETER = 47,
        DECODE_ERROR = 50,
        DECRYPT_ERROR = 51,
        PROTOCOL_VERSION = 70,
        INSUFFICIENT_SECURITY = 71,
        INTERNAL_ERROR = 80,
        UNSUPPORTED_EXTENSION = 110,
    }
);

registry_enum!(
    /// A named group for key exchange (RFC 8422 §5.1.1, RFC 7919 §2; "TLS Supported Groups").
    NamedGroup: u16, names_table::NAMED_GROUPS {
        SECP256R1 = 0x0017,
        SECP384R1 = 0x0018,
        SECP521R1 = 0x0019,
        X25519 = 0x001d,
        X448 = 0x001e,
        FFDHE2048 = 0x0100,
        FFDHE3072 = 0x0101,
        FFDHE4096 = 0x0102,
    }
);

registry_enum!(
    /// A signature scheme: hash and signature algorithm (RFC 5246 §7.4.1.4.1 as two bytes,
    /// RFC 8446 §4.2.3 as one code point; "TLS SignatureScheme").
    SignatureScheme: u16, names_table::SIGNATURE_SCHEMES {
        RSA_PKCS1_SHA1 = 0x0201,
        RSA_PKCS1_SHA256 = 0x0401,
        RSA_PKCS1_SHA384 = 0x0501,
        RSA_PKCS1_SHA512 = 0x0601,
        ECDSA_SECP256R1_SHA256 = 0x0403,
        RSA_PSS_RSAE_SHA256 = 0x0804,
        RSA_PSS_RSAE_SHA384 = 0x0805,
        RSA_PSS_RSAE_SHA512 = 0x0806,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_have_their_registry_names() {
        assert_eq!(
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.to_string(),
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(ExtensionType(0).to_string(), "server_name");
        assert_eq!(NamedGroup::X25519.to_string(), "x25519");
        assert_eq!(ContentType::HANDSHAKE.to_string(), "handshake");
        assert_eq!(ProtocolVersion(0x0303).to_string(), "TLS 1.2");
    }

    #[test]
    fn unknown_values_survive_and_print_in_hex() {
        assert_eq!(ContentType(99).to_string(), "unknown (0x63)");
        assert_eq!(CipherSuite(0x5678).name(), None);
        assert_eq!(CipherSuite(0x5678).to_string(), "unknown (0x5678)");
    }
}
