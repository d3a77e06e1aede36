//! The fields of the TLS dissector, with tshark 4.0's names, types and labels
//! (`tshark -G fields | grep -P '\ttls\.'`). Code points of the big IANA registries (cipher
//! suites, extensions, groups, signature schemes, alerts) are named in the item's title from
//! wirelab-tls's copy of Wireshark's tables; the small ones here.

use wirelab_wire::field;

const CONTENT_TYPE_NAMES: &[(u64, &str)] = &[
    (20, "Change Cipher Spec"),
    (21, "Alert"),
    (22, "Handshake"),
    (23, "Application Data"),
    (24, "Heartbeat"),
];
const VERSION_NAMES: &[(u64, &str)] = &[
    (0x0002, "SSL 2.0"),
    (0x0300, "SSL 3.0"),
    (0x0301, "TLS 1.0"),
    (0x0302, "TLS 1.1"),
    (0x0303, "TLS 1.2"),
    (0x0304, "TLS 1.3"),
];
pub(crate) const HANDSHAKE_TYPE_NAMES: &[(u64, &str)] = &[
    (0, "Hello Request"),
    (1, "Client Hello"),
    (2, "Server Hello"),
    (4, "New Session Ticket"),
    (5, "End of Early Data"),
    (8, "Encrypted Extensions"),
    (11, "Certificate"),
    (12, "Server Key Exchange"),
    (13, "Certificate Request"),
    (14, "Server Hello Done"),
    (15, "Certificate Verify"),
    (16, "Client Key Exchange"),
    (20, "Finished"),
    (22, "Certificate Status"),
    (24, "Key Update"),
    (254, "Message Hash"),
];
const ALERT_LEVEL_NAMES: &[(u64, &str)] = &[(1, "Warning"), (2, "Fatal")];
const COMPRESSION_NAMES: &[(u64, &str)] = &[(0, "null"), (1, "DEFLATE")];
const CURVE_TYPE_NAMES: &[(u64, &str)] = &[(3, "named_curve")];
const POINT_FORMAT_NAMES: &[(u64, &str)] = &[
    (0, "uncompressed"),
    (1, "ansiX962_compressed_prime"),
    (2, "ansiX962_compressed_char2"),
];
const SERVER_NAME_TYPE_NAMES: &[(u64, &str)] = &[(0, "host_name")];

field!(TLS, "tls", "Transport Layer Security", Protocol, "records of the TLS protocol: handshake, alerts, change of keys and encrypted application data (RFC 5246 §6.2)");
field!(RECORD, "tls.record", "Record Layer", None, "one record: a header of type, version and length, then a fragment of at most 2^14 bytes (RFC 5246 §6.2.1)");
field!(RECORD_CONTENT_TYPE, "tls.record.content_type", "Content Type", UInt 8, Dec, names = CONTENT_TYPE_NAMES, "which protocol the fragment belongs to: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data (RFC 5246 §6.2.1)");
field!(RECORD_VERSION, "tls.record.version", "Version", UInt 16, Hex, names = VERSION_NAMES, "the record layer's version: 0x0303 for TLS 1.2, though a first ClientHello often says 0x0301 for old servers' sake (RFC 5246 §6.2.1, Appendix E.1)");
field!(RECORD_LENGTH, "tls.record.length", "Length", UInt 16, Dec, "the length of the fragment that follows the 5-byte header (RFC 5246 §6.2.1)");
field!(APP_DATA, "tls.app_data", "Encrypted Application Data", Bytes, "application bytes protected with the keys the handshake agreed: unreadable without them (RFC 5246 §6.2.3, §10)");
field!(
    CHANGE_CIPHER_SPEC,
    "tls.change_cipher_spec",
    "Change Cipher Spec Message",
    None,
    "from the next record on, this sender protects what it sends with the new keys (RFC 5246 §7.1)"
);
field!(
    ALERT_MESSAGE,
    "tls.alert_message",
    "Alert Message",
    None,
    "a warning or a fatal error, or close_notify at the end of the connection (RFC 5246 §7.2)"
);
field!(ALERT_LEVEL, "tls.alert_message.level", "Level", UInt 8, Dec, names = ALERT_LEVEL_NAMES, "1 warning, 2 fatal: a fatal alert ends the connection at once (RFC 5246 §7.2)");
field!(ALERT_DESC, "tls.alert_message.desc", "Description", UInt 8, Dec, "what happened: 0 close_notify, 20 bad_record_mac, 40 handshake_failure… (RFC 5246 §7.2)");
field!(
    HANDSHAKE,
    "tls.handshake",
    "Handshake Protocol",
    None,
    "one handshake message: type, 3-byte length, body (RFC 5246 §7.4)"
);
field!(HANDSHAKE_TYPE, "tls.handshake.type", "Handshake Type", UInt 8, Dec, names = HANDSHAKE_TYPE_NAMES, "which handshake message this is: 1 ClientHello, 2 ServerHello, 11 Certificate, 16 ClientKeyExchange, 20 Finished… (RFC 5246 §7.4)");
field!(HANDSHAKE_LENGTH, "tls.handshake.length", "Length", UInt 24, Dec, "the length of the message body; a message may span several records (RFC 5246 §7.4)");
field!(HANDSHAKE_VERSION, "tls.handshake.version", "Version", UInt 16, Hex, names = VERSION_NAMES, "in a ClientHello the highest version the client speaks, in a ServerHello the one chosen (RFC 5246 §7.4.1.2, §7.4.1.3)");
field!(RANDOM, "tls.handshake.random", "Random", Bytes, "32 fresh bytes from each side; both go into the master secret and the keys, so no two sessions share keys (RFC 5246 §7.4.1.2)");
field!(SESSION_ID_LENGTH, "tls.handshake.session_id_length", "Session ID Length", UInt 16, Dec, "the length of the session ID, 0 to 32 (RFC 5246 §7.4.1.2)");
field!(SESSION_ID, "tls.handshake.session_id", "Session ID", Bytes, "names a session to resume (ClientHello) or the session the server will remember (ServerHello) (RFC 5246 §7.4.1.2)");
field!(CIPHER_SUITES_LENGTH, "tls.handshake.cipher_suites_length", "Cipher Suites Length", UInt 16, Dec, "the length of the list of offered suites, two bytes each (RFC 5246 §7.4.1.2)");
field!(
    CIPHERSUITES,
    "tls.handshake.ciphersuites",
    "Cipher Suites",
    None,
    "the suites the client offers, in its order of preference (RFC 5246 §7.4.1.2)"
);
field!(CIPHERSUITE, "tls.handshake.ciphersuite", "Cipher Suite", UInt 16, Hex, "a key exchange, a bulk cipher and a hash, as one IANA code: the server picks one (RFC 5246 §7.4.1.2, Appendix A.5)");
field!(COMP_METHODS_LENGTH, "tls.handshake.comp_methods_length", "Compression Methods Length", UInt 8, Dec, "the length of the list of compression methods (RFC 5246 §7.4.1.2)");
field!(
    COMP_METHODS,
    "tls.handshake.comp_methods",
    "Compression Methods",
    None,
    "the compression methods the client offers; only null is used today (RFC 5246 §7.4.1.2)"
);
field!(COMP_METHOD, "tls.handshake.comp_method", "Compression Method", UInt 8, Dec, names = COMPRESSION_NAMES, "a compression method; 0 null (RFC 5246 §6.2.2, §7.4.1.2)");
field!(EXTENSIONS_LENGTH, "tls.handshake.extensions_length", "Extensions Length", UInt 16, Dec, "the length of the extensions that end the hello (RFC 5246 §7.4.1.4)");
field!(EXTENSION_TYPE, "tls.handshake.extension.type", "Type", UInt 16, Dec, "which extension: 0 server_name, 10 supported_groups, 13 signature_algorithms, 16 ALPN, 23 extended_master_secret… (RFC 5246 §7.4.1.4)");
field!(EXTENSION_LEN, "tls.handshake.extension.len", "Length", UInt 16, Dec, "the length of the extension's data (RFC 5246 §7.4.1.4)");
field!(SERVER_NAME_LIST_LEN, "tls.handshake.extensions_server_name_list_len", "Server Name list length", UInt 16, Dec, "the length of the list of server names (RFC 6066 §3)");
field!(SERVER_NAME_TYPE, "tls.handshake.extensions_server_name_type", "Server Name Type", UInt 8, Dec, names = SERVER_NAME_TYPE_NAMES, "the kind of name; 0 host_name is the only one defined (RFC 6066 §3)");
field!(SERVER_NAME_LEN, "tls.handshake.extensions_server_name_len", "Server Name length", UInt 16, Dec, "the length of the name (RFC 6066 §3)");
field!(SERVER_NAME, "tls.handshake.extensions_server_name", "Server Name", Str, "the host name the client wants, sent in clear so one address can serve many sites (RFC 6066 §3)");
field!(SUPPORTED_GROUP, "tls.handshake.extensions_supported_group", "Supported Group", UInt 16, Hex, "a group the client can do (EC)DHE in: x25519, secp256r1, ffdhe2048… (RFC 8422 §5.1.1, RFC 7919)");
field!(EC_POINT_FORMAT, "tls.handshake.extensions_ec_point_format", "EC point format", UInt 8, Dec, names = POINT_FORMAT_NAMES, "how elliptic-curve points may be encoded (RFC 8422 §5.1.2)");
field!(SIG_HASH_ALG, "tls.handshake.sig_hash_alg", "Signature Algorithm", UInt 16, Hex, "a signature scheme: the hash in the high byte, the signature in the low byte (RFC 5246 §7.4.1.4.1)");
field!(
    ALPN_STR,
    "tls.handshake.extensions_alpn_str",
    "ALPN Next Protocol",
    Str,
    "an application protocol the client offers or the server picked: http/1.1, h2… (RFC 7301 §3.1)"
);
field!(CERTIFICATES_LENGTH, "tls.handshake.certificates_length", "Certificates Length", UInt 24, Dec, "the length of the certificate chain (RFC 5246 §7.4.2)");
field!(
    CERTIFICATES,
    "tls.handshake.certificates",
    "Certificates",
    None,
    "the sender's certificate first, then each one that certifies the one before (RFC 5246 §7.4.2)"
);
field!(CERTIFICATE_LENGTH, "tls.handshake.certificate_length", "Certificate Length", UInt 24, Dec, "the length of one DER-encoded certificate (RFC 5246 §7.4.2)");
field!(CERTIFICATE, "tls.handshake.certificate", "Certificate", Bytes, "one X.509 certificate in DER: a public key bound to a name by an issuer's signature (RFC 5246 §7.4.2, RFC 5280)");
field!(SERVER_CURVE_TYPE, "tls.handshake.server_curve_type", "Curve Type", UInt 8, Hex, names = CURVE_TYPE_NAMES, "how the server names its curve; 3 named_curve (RFC 8422 §5.4)");
field!(SERVER_NAMED_CURVE, "tls.handshake.server_named_curve", "Named Curve", UInt 16, Hex, "the group of the server's ephemeral ECDH key (RFC 8422 §5.4)");
field!(SERVER_POINT_LEN, "tls.handshake.server_point_len", "Pubkey Length", UInt 8, Dec, "the length of the server's ephemeral public key (RFC 8422 §5.4)");
field!(SERVER_POINT, "tls.handshake.server_point", "Pubkey", Bytes, "the server's fresh ECDH public key, thrown away after the handshake: forward secrecy (RFC 8422 §5.4)");
field!(DH_P_LEN, "tls.handshake.p_len", "p Length", UInt 16, Dec, "the length of the prime (RFC 5246 §7.4.3)");
field!(
    DH_P,
    "tls.handshake.p",
    "p",
    Bytes,
    "the prime modulus of the server's Diffie-Hellman group (RFC 5246 §7.4.3)"
);
field!(DH_G_LEN, "tls.handshake.g_len", "g Length", UInt 16, Dec, "the length of the generator (RFC 5246 §7.4.3)");
field!(
    DH_G,
    "tls.handshake.g",
    "g",
    Bytes,
    "the generator of the server's Diffie-Hellman group (RFC 5246 §7.4.3)"
);
field!(DH_YS_LEN, "tls.handshake.ys_len", "Pubkey Length", UInt 16, Dec, "the length of the server's public value (RFC 5246 §7.4.3)");
field!(
    DH_YS,
    "tls.handshake.ys",
    "Pubkey",
    Bytes,
    "the server's fresh Diffie-Hellman public value g^x mod p (RFC 5246 §7.4.3)"
);
field!(SIG_LEN, "tls.handshake.sig_len", "Signature Length", UInt 16, Dec, "the length of the signature (RFC 5246 §4.7)");
field!(SIG, "tls.handshake.sig", "Signature", Bytes, "the server's signature over both randoms and its key-exchange parameters, made with its certificate's key (RFC 5246 §7.4.3)");
field!(EPMS_LEN, "tls.handshake.epms_len", "Encrypted PreMaster length", UInt 16, Dec, "the length of the encrypted pre-master secret (RFC 5246 §7.4.7.1)");
field!(EPMS, "tls.handshake.epms", "Encrypted PreMaster", Bytes, "the 48-byte pre-master secret encrypted to the server's RSA key: whoever holds that key can decrypt the session, even years later (RFC 5246 §7.4.7.1)");
field!(CLIENT_POINT_LEN, "tls.handshake.client_point_len", "Pubkey Length", UInt 8, Dec, "the length of the client's ephemeral public key (RFC 8422 §5.7)");
field!(
    CLIENT_POINT,
    "tls.handshake.client_point",
    "Pubkey",
    Bytes,
    "the client's fresh ECDH public key (RFC 8422 §5.7)"
);
field!(DH_YC_LEN, "tls.handshake.yc_len", "Pubkey Length", UInt 16, Dec, "the length of the client's public value (RFC 5246 §7.4.7.2)");
field!(
    DH_YC,
    "tls.handshake.yc",
    "Pubkey",
    Bytes,
    "the client's fresh Diffie-Hellman public value g^y mod p (RFC 5246 §7.4.7.2)"
);
field!(VERIFY_DATA, "tls.handshake.verify_data", "Verify Data", None, "12 bytes of PRF over the master secret and the hash of every handshake message: proves both sides saw the same handshake (RFC 5246 §7.4.9)");
field!(TICKET_LIFETIME_HINT, "tls.handshake.session_ticket_lifetime_hint", "Session Ticket Lifetime Hint", UInt 32, Dec, "how many seconds the client may keep the ticket (RFC 5077 §3.3)");
field!(SESSION_TICKET, "tls.handshake.session_ticket", "Session Ticket", Bytes, "the session state, encrypted by the server for itself, to resume without a full handshake (RFC 5077 §3.3)");
field!(DECRYPTED, "wirelab.tls.decrypted", "Decrypted", Str, "the record's plaintext, opened with keys from a key log or the server's RSA key (RFC 5246 §6.2.3)");
field!(
    DECRYPT_PROBLEM,
    "wirelab.tls.decrypt_problem",
    "Not decrypted",
    Str,
    "why this record could not be decrypted (RFC 5246 §6.2.3)"
);
field!(EXTENSION, "wirelab.tls.extension", "Extension", None, "one hello extension: a 2-byte type, a 2-byte length, its data (RFC 5246 §7.4.1.4); Wireshark draws it as a subtree without a field of its own");
