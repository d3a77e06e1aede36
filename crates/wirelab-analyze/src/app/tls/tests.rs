//! The TLS dissector on the records of "The Illustrated TLS 1.2 Connection" (each file one
//! record as sent; MIT licence, wirelab-tls/tests/data/illustrated-tls12/LICENSE.txt), and on
//! hostile bytes.

use super::*;
use std::sync::Arc;
use wirelab_tls::codec::HandshakeType;
use wirelab_tls::keylog::KeyLog;
use wirelab_wire::Dissection;

macro_rules! record {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../wirelab-tls/tests/data/illustrated-tls12/",
            $name
        ))
        .as_slice()
    };
}

/// The connection in order: (node, record). Node 0 is the client.
fn connection() -> Vec<(usize, &'static [u8])> {
    vec![
        (0, record!("clienthello")),
        (1, record!("serverhello")),
        (1, record!("servercert")),
        (1, record!("serverkeyexchange")),
        (1, record!("serverhellodone")),
        (0, record!("clientkeyexchange")),
        (0, record!("clientccs")),
        (0, record!("clientfinished")),
        (1, record!("serverccs")),
        (1, record!("serverfinished")),
        (0, record!("clientdata")),
        (1, record!("serverdata")),
        (0, record!("clientalert")),
    ]
}

fn illustrated_keylog() -> Secrets {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../wirelab-tls/tests/data/illustrated-tls12/keylog.txt"
    ));
    Secrets {
        keylog: Some(Arc::new(
            KeyLog::parse(text).expect("the Illustrated key log parses"),
        )),
        rsa_key: None,
    }
}

fn handshake_types(view: &RecordView) -> Vec<u8> {
    match &view.body {
        Body::Handshake(messages) => messages
            .iter()
            .filter_map(|m| m.bytes.first().copied())
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn message_len_is_the_five_byte_header_plus_the_record_length() {
    let hello = record!("clienthello");
    assert_eq!(message_len(hello), Ok(Some(hello.len())));
    assert_eq!(hello.len(), 5 + 0xa5);
    assert_eq!(
        message_len(&hello[..4]),
        Ok(None),
        "the header is not complete yet"
    );
    assert_eq!(
        message_len(&hello[..100]),
        Ok(None),
        "the fragment is not complete yet"
    );
    let mut two = hello.to_vec();
    two.extend_from_slice(record!("serverhello"));
    assert_eq!(
        message_len(&two),
        Ok(Some(hello.len())),
        "only the first record"
    );
}

#[test]
fn bytes_that_are_not_a_tls_record_are_an_error_naming_the_byte() {
    let error = message_len(b"GET / HTTP/1.1\r\n").unwrap_err();
    assert_eq!(error.offset, 0);
    assert_eq!(error.found, "71");
    let error = message_len(&[22, 4, 0, 0, 1]).unwrap_err();
    assert_eq!((error.offset, error.found.as_str()), (1, "4.x"));
    let error = message_len(&[23, 3, 3, 0xff, 0xff]).unwrap_err();
    assert_eq!(error.offset, 3, "longer than 2^14 + 2048");
}

#[test]
fn an_sslv2_compatible_client_hello_is_one_message_and_is_labelled() {
    // Length 0x0009, msg_type 1 (client_hello), version 3.1, then 6 more bytes.
    let hello = [0x80, 0x09, 0x01, 0x03, 0x01, 0, 0, 0, 0, 0, 0];
    assert_eq!(message_len(&hello), Ok(Some(11)));
    let mut session = Session::default();
    let view = session.record(0, &hello);
    let mut d = Dissection::new();
    dissect(&hello, Some(0), &view, &mut d);
    assert_eq!((d.protocol, d.info.as_str()), ("SSLv2", "Client Hello"));
}

#[test]
fn the_illustrated_handshake_decodes_message_by_message() {
    let mut session = Session::default();
    let types: Vec<Vec<u8>> = connection()
        .into_iter()
        .map(|(node, record)| handshake_types(&session.record(node, record)))
        .collect();
    assert_eq!(types[0], [HandshakeType::CLIENT_HELLO.0]);
    assert_eq!(types[1], [HandshakeType::SERVER_HELLO.0]);
    assert_eq!(types[2], [HandshakeType::CERTIFICATE.0]);
    assert_eq!(types[3], [HandshakeType::SERVER_KEY_EXCHANGE.0]);
    assert_eq!(types[5], [HandshakeType::CLIENT_KEY_EXCHANGE.0]);
    assert!(
        types[7].is_empty(),
        "the Finished is encrypted and no keys were given"
    );
    assert_eq!(session.suite().map(|s| s.0), Some(0xc013));
}

#[test]
fn with_the_key_log_the_finished_messages_verify_and_the_data_reads_ping_and_pong() {
    let mut session = Session::new(illustrated_keylog());
    let views: Vec<RecordView> = connection()
        .into_iter()
        .map(|(node, record)| session.record(node, record))
        .collect();
    assert_eq!(views[7].body_verified(), Some(true), "client Finished");
    assert_eq!(views[9].body_verified(), Some(true), "server Finished");
    assert_eq!(views[10].plaintext.as_deref(), Some(&b"ping"[..]));
    assert_eq!(views[11].plaintext.as_deref(), Some(&b"pong"[..]));
    assert!(
        matches!(views[12].body, Body::Alert(Ok(_))),
        "close_notify, decrypted"
    );
}

#[test]
fn a_handshake_message_split_over_two_records_is_joined_on_the_second() {
    let cert = record!("servercert");
    let fragment = &cert[5..];
    let (first, second) = fragment.split_at(300);
    let wrap = |part: &[u8]| {
        let mut r = vec![22, 3, 3];
        r.extend_from_slice(&(part.len() as u16).to_be_bytes());
        r.extend_from_slice(part);
        r
    };
    let mut session = Session::default();
    session.record(0, record!("clienthello"));
    session.record(1, record!("serverhello"));
    let part = session.record(1, &wrap(first));
    assert!(handshake_types(&part).is_empty());
    let mut d = Dissection::new();
    dissect(&wrap(first), Some(0), &part, &mut d);
    assert_eq!(d.info, "Handshake Message (part)");
    let whole = session.record(1, &wrap(second));
    assert_eq!(handshake_types(&whole), [HandshakeType::CERTIFICATE.0]);
    let Body::Handshake(messages) = &whole.body else {
        panic!("a handshake record")
    };
    assert_eq!(
        messages[0].offset, None,
        "reassembled: no place in this record"
    );
}

#[test]
fn the_client_hello_fields_lie_on_their_bytes() {
    let hello = record!("clienthello");
    let mut session = Session::default();
    let view = session.record(0, hello);
    let mut d = Dissection::new();
    dissect(hello, Some(54), &view, &mut d);
    assert_eq!(d.uint("tls.record.length"), Some(0xa5));
    assert_eq!(d.uint("tls.handshake.version"), Some(0x0303));
    let random = d.first("tls.handshake.random").expect("a random");
    assert_eq!(random.range(), 54 + 11..54 + 43);
    assert_eq!((d.protocol, d.info.as_str()), ("TLSv1", "Client Hello"));
}

#[test]
fn hostile_bytes_never_panic() {
    // Every record of the connection cut short and with each byte flipped, fed in order with
    // and without keys: the session and the dissector must cope.
    for secrets in [Secrets::default(), illustrated_keylog()] {
        for (index, (_, record)) in connection().into_iter().enumerate() {
            for cut in 0..record.len().min(64) {
                let mut session = Session::new(secrets.clone());
                for (node, earlier) in connection().into_iter().take(index) {
                    session.record(node, earlier);
                }
                let mut bytes = record.to_vec();
                if cut % 2 == 0 {
                    bytes.truncate(cut);
                } else {
                    bytes[cut] ^= 0xa5;
                }
                let view = session.record(index % 2, &bytes);
                let mut d = Dissection::new();
                dissect(&bytes, Some(0), &view, &mut d);
                let _ = message_len(&bytes);
            }
        }
    }
}

#[test]
fn an_empty_server_name_extension_adds_no_item_past_its_end() {
    // Found by the `reassemble` fuzz target: a ClientHello whose last extension is
    // server_name with no data (00 00 00 00) at the very end of the frame.
    let mut hello = record!("clienthello").to_vec();
    hello.extend_from_slice(&[0, 0, 0, 0]);
    let grow = |at: usize, hello: &mut Vec<u8>, by: u32| {
        let bytes = &mut hello[at..at + 2];
        let value = u16::from_be_bytes([bytes[0], bytes[1]]) as u32 + by;
        bytes.copy_from_slice(&(value as u16).to_be_bytes());
    };
    grow(3, &mut hello, 4); // the record length
    hello[8] += 4; // the handshake length (low byte; no carry for this message)
    let extensions_length_at = 5 + 4 + 2 + 32 + 1 + 2 + 32 + 2;
    grow(extensions_length_at, &mut hello, 4);
    let mut session = Session::default();
    let view = session.record(0, &hello);
    let mut d = Dissection::new();
    dissect(&hello, Some(54), &view, &mut d);
    let end = 54 + hello.len();
    assert!(d.items.iter().all(|item| item.range().end <= end));
    let last = d
        .find("tls.handshake.extension.len")
        .last()
        .expect("extensions");
    assert_eq!(
        last.range(),
        end - 2..end,
        "the empty server_name is the last item"
    );
    assert_eq!(
        d.find("tls.handshake.extensions_server_name_list_len")
            .count(),
        1
    );
}
