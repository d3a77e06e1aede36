//! The codec on real records: the Illustrated TLS 1.2 connection (tests/data/illustrated-tls12,
//! TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA over x25519), then round trips and hostile bytes.

use super::*;

fn record(name: &str) -> Record {
    let path = format!(
        "{}/tests/data/illustrated-tls12/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let (record, used) = Record::parse(&bytes).unwrap().unwrap();
    assert_eq!(used, bytes.len(), "{name} is one record");
    let mut again = Vec::new();
    record.encode(&mut again);
    assert_eq!(again, bytes, "{name} encodes back to its bytes");
    record
}

/// The single handshake message of a plaintext handshake record, decoded, and checked to
/// encode back to exactly the bytes sent.
fn handshake(name: &str, context: Context) -> Handshake {
    let record = record(name);
    assert_eq!(record.content_type, ContentType::HANDSHAKE);
    let mut buffer = HandshakeBuffer::new();
    buffer.push(&record.fragment);
    let (message, offset) = buffer.next_message().unwrap().unwrap();
    assert!(buffer.is_empty());
    let decoded = Handshake::decode(&message, offset, context).unwrap();
    assert_eq!(decoded.to_bytes(), message, "{name} round trip");
    decoded
}

const ECDHE_RSA_CBC: Context = Context {
    suite: Some(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA),
};

#[test]
fn the_client_hello_offers_its_suites_and_names_the_server() {
    let Handshake::ClientHello(hello) = handshake("clienthello", Context::default()) else {
        panic!("not a ClientHello");
    };
    assert_eq!(hello.version, ProtocolVersion::TLS_1_2);
    assert_eq!(hello.random[..4], [0, 1, 2, 3]);
    assert_eq!(hello.cipher_suites.len(), 16);
    assert_eq!(
        hello.cipher_suites[0].to_string(),
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    );
    assert_eq!(hello.server_name(), Some("example.ulfheim.net"));
    assert!(!hello.offers_tls13());
    assert!(hello.extensions.iter().any(|e| matches!(
        e,
        Extension::SupportedGroups(groups) if groups.contains(&NamedGroup::X25519)
    )));
}

#[test]
fn the_server_hello_chooses_ecdhe_rsa_with_aes_cbc() {
    let Handshake::ServerHello(hello) = handshake("serverhello", Context::default()) else {
        panic!("not a ServerHello");
    };
    assert_eq!(
        hello.cipher_suite,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    );
    assert_eq!(
        KeyExchange::of(hello.cipher_suite),
        Some(KeyExchange::Ecdhe)
    );
    assert_eq!(hello.random[0], 0x70);
    assert!(!hello.uses_extended_master_secret());
}

#[test]
fn the_certificate_message_carries_one_der_certificate() {
    let Handshake::Certificate(chain) = handshake("servercert", ECDHE_RSA_CBC) else {
        panic!("not a Certificate");
    };
    assert_eq!(chain.len(), 1);
    assert_eq!(chain[0][0], 0x30, "a DER SEQUENCE");
}

#[test]
fn the_server_key_exchange_holds_an_x25519_point_signed_with_rsa_pkcs1_sha256() {
    let Handshake::ServerKeyExchange(ske) = handshake("serverkeyexchange", ECDHE_RSA_CBC) else {
        panic!("not a ServerKeyExchange");
    };
    let ServerParams::Ecdh { group, public } = &ske.params else {
        panic!("not ECDHE parameters");
    };
    assert_eq!(*group, NamedGroup::X25519);
    assert_eq!(public[..4], [0x9f, 0xd7, 0xad, 0x6d]);
    assert_eq!(ske.signature.scheme, SignatureScheme::RSA_PKCS1_SHA256);
    assert_eq!(
        ske.signature.signature.len(),
        256,
        "a 2048-bit RSA signature"
    );
    // Without the suite, the curve type byte still tells ECDHE from DHE.
    assert_eq!(
        handshake("serverkeyexchange", Context::default()),
        Handshake::ServerKeyExchange(ske)
    );
}

#[test]
fn server_hello_done_is_empty_and_client_key_exchange_is_a_point() {
    assert_eq!(
        handshake("serverhellodone", ECDHE_RSA_CBC),
        Handshake::ServerHelloDone
    );
    let Handshake::ClientKeyExchange(ClientKeyExchange::Ecdh { public }) =
        handshake("clientkeyexchange", ECDHE_RSA_CBC)
    else {
        panic!("not an ECDHE ClientKeyExchange");
    };
    assert_eq!(public[..4], [0x35, 0x80, 0x72, 0xd6]);
}

#[test]
fn change_cipher_spec_and_protected_records_are_recognised() {
    let ccs = record("clientccs");
    assert_eq!(ccs.content_type, ContentType::CHANGE_CIPHER_SPEC);
    assert_eq!(ccs.fragment, [1]);
    // Finished is sent encrypted: a handshake record whose body is ciphertext.
    assert_eq!(
        record("clientfinished").content_type,
        ContentType::HANDSHAKE
    );
    assert_eq!(
        record("clientdata").content_type,
        ContentType::APPLICATION_DATA
    );
    assert_eq!(record("clientalert").content_type, ContentType::ALERT);
}

#[test]
fn several_messages_in_one_record_and_one_message_across_records() {
    // The server's flight in one record, then cut into 7-byte records.
    let mut flight = Vec::new();
    for name in [
        "serverhello",
        "servercert",
        "serverkeyexchange",
        "serverhellodone",
    ] {
        flight.extend_from_slice(&record(name).fragment);
    }
    for chunk_len in [flight.len(), 7] {
        let mut buffer = HandshakeBuffer::new();
        let mut types = Vec::new();
        for chunk in flight.chunks(chunk_len) {
            buffer.push(chunk);
            while let Some((message, offset)) = buffer.next_message().unwrap() {
                types.push(
                    Handshake::decode(&message, offset, ECDHE_RSA_CBC)
                        .unwrap()
                        .handshake_type(),
                );
            }
        }
        assert_eq!(
            types,
            [
                HandshakeType::SERVER_HELLO,
                HandshakeType::CERTIFICATE,
                HandshakeType::SERVER_KEY_EXCHANGE,
                HandshakeType::SERVER_HELLO_DONE
            ]
        );
    }
}

#[test]
fn a_client_hello_with_trailing_bytes_is_a_decode_error_naming_the_structure() {
    let mut message = record("clienthello").fragment;
    message.push(0);
    let len = message.len() - 4;
    message[1..4].copy_from_slice(&(len as u32).to_be_bytes()[1..]);
    let error = Handshake::decode(&message, 0, Context::default()).unwrap_err();
    assert_eq!(error.context, "ClientHello");
    assert!(error
        .to_string()
        .ends_with("expected the end of the structure, found 1 more bytes"));
}

#[test]
fn unknown_extensions_and_suites_survive_a_round_trip() {
    let hello = ClientHello {
        version: ProtocolVersion::TLS_1_2,
        random: [7; 32],
        session_id: vec![],
        cipher_suites: vec![
            CipherSuite(0x0a0a),
            CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
        ],
        compression_methods: vec![CompressionMethod::NULL],
        extensions: vec![
            Extension::Unknown(ExtensionType(0x1a1a), vec![1, 2, 3]),
            Extension::Alpn(vec![b"http/1.1".to_vec()]),
            Extension::SupportedVersions(vec![ProtocolVersion::TLS_1_3, ProtocolVersion::TLS_1_2]),
            Extension::Padding(5),
        ],
        extensions_present: true,
    };
    let message = Handshake::ClientHello(hello.clone()).to_bytes();
    let decoded = Handshake::decode(&message, 0, Context::default()).unwrap();
    assert_eq!(decoded, Handshake::ClientHello(hello.clone()));
    assert!(hello.offers_tls13());
    assert_eq!(CipherSuite(0x0a0a).to_string(), "Reserved (GREASE)");
}

#[test]
fn a_tls13_server_hello_is_labelled_by_its_supported_versions() {
    let hello = ServerHello {
        version: ProtocolVersion::TLS_1_2,
        random: [1; 32],
        session_id: vec![9; 32],
        cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
        compression_method: CompressionMethod::NULL,
        extensions: vec![
            Extension::SupportedVersions(vec![ProtocolVersion::TLS_1_3]),
            Extension::KeyShare(vec![0, 0x1d, 0, 1, 0xaa]),
        ],
        extensions_present: true,
    };
    let message = Handshake::ServerHello(hello.clone()).to_bytes();
    let Handshake::ServerHello(decoded) =
        Handshake::decode(&message, 0, Context::default()).unwrap()
    else {
        panic!("not a ServerHello");
    };
    assert_eq!(decoded, hello);
    assert_eq!(decoded.negotiated_version(), ProtocolVersion::TLS_1_3);
}

/// Decoding arbitrary bytes never panics, and whatever decodes encodes back to the same bytes.
#[test]
fn arbitrary_bytes_never_panic_and_what_decodes_round_trips() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let base = record("clienthello").fragment;
    for _ in 0..20_000 {
        let mut bytes = base.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % bytes.len();
            bytes[at] = next() as u8;
        }
        bytes.truncate((next() as usize) % (bytes.len() + 1));
        if let Ok(message) = Handshake::decode(&bytes, 0, Context::default()) {
            assert_eq!(message.to_bytes(), bytes);
        }
        let _ = Record::parse(&bytes);
        let _ = Alert::decode(&bytes);
    }
}

#[test]
fn a_hello_with_an_empty_extension_block_and_one_without_both_round_trip() {
    // Found by the tls_codec fuzz target: a ServerHello ending in `00 00` (an empty block).
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&[7; 32]);
    body.extend_from_slice(&[0, 0xc0, 0x2f, 0]);
    for tail in [&[][..], &[0, 0][..]] {
        let mut message = vec![2, 0, 0, (body.len() + tail.len()) as u8];
        message.extend_from_slice(&body);
        message.extend_from_slice(tail);
        let decoded = Handshake::decode(&message, 0, Context::default()).unwrap();
        assert_eq!(decoded.to_bytes(), message, "tail {tail:?}");
    }
}

#[test]
fn padding_that_is_not_zeros_is_kept_as_sent() {
    // Found by the tls_codec fuzz target: RFC 7685 padding holding a non-zero byte.
    let extension = [0x00, 0x15, 0x00, 0x01, 0x74];
    let decoded = Extension::read(&mut Reader::new(&extension), HelloKind::Client).unwrap();
    let mut again = Vec::new();
    decoded.encode(&mut again);
    assert_eq!(again, extension);
}

#[test]
fn an_empty_server_name_list_is_a_decode_error() {
    // Found by the tls_codec fuzz target: `00 00 | 00 02 | 00 00`, a list of no names.
    let extension = [0x00, 0x00, 0x00, 0x02, 0x00, 0x00];
    let error = Extension::read(&mut Reader::new(&extension), HelloKind::Client).unwrap_err();
    assert_eq!(error.context, "server_name.server_name_list");
}
