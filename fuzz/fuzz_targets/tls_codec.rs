//! Fuzz the TLS codec: records cut from a byte stream, handshake messages joined across them
//! and decoded under each key exchange, alerts. Nothing may panic, and whatever decodes must
//! encode back to the bytes it came from.
//!
//! ```text
//!  byte 0:  the suite context: 0 none, 1 RSA, 2 DHE, 3 ECDHE (others wrap around)
//!  byte 1…: a stream of TLS records, as one direction of a connection sends them
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirelab_tls::codec::{
    Alert, CipherSuite, ContentType, Context, Handshake, HandshakeBuffer, RecordBuffer,
};

const SUITES: [Option<CipherSuite>; 4] = [
    None,
    Some(CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256),
    Some(CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256),
    Some(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, stream)) = data.split_first() else {
        return;
    };
    let context = Context {
        suite: SUITES[choice as usize % SUITES.len()],
    };
    let mut records = RecordBuffer::new();
    let mut handshake = HandshakeBuffer::new();
    // Feed the stream in uneven pieces, as TCP segments would bring it.
    for piece in stream.chunks(1 + choice as usize % 7) {
        records.push(piece);
        while let Ok(Some(record)) = records.next_record() {
            match record.content_type {
                ContentType::HANDSHAKE => {
                    handshake.push(&record.fragment);
                    while let Ok(Some((message, offset))) = handshake.next_message() {
                        if let Ok(decoded) = Handshake::decode(&message, offset, context) {
                            assert_eq!(
                                decoded.to_bytes(),
                                message,
                                "decode then encode changed the bytes"
                            );
                        }
                    }
                }
                ContentType::ALERT => {
                    if let Ok(alert) = Alert::decode(&record.fragment) {
                        assert_eq!(alert.to_bytes()[..], record.fragment[..]);
                    }
                }
                _ => {}
            }
        }
    }
});
