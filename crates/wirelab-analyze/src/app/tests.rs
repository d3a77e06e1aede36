//! The HTTP and MQTT dissectors on the bytes of pcaps/http-keepalive.pcap and pcaps/mqtt.pcap
//! (recorded by scripts/record-pcaps.sh), on hand-made broken messages, and on random bytes.

use super::{http, mqtt, AppError};
use wirelab_wire::{Dissection, Value};

const HTTP_KEEPALIVE: &[u8] = include_bytes!("../../../../pcaps/http-keepalive.pcap");
const MQTT_PCAP: &[u8] = include_bytes!("../../../../pcaps/mqtt.pcap");

/// One TCP segment with data from a classic pcap of Ethernet/IPv4 frames.
struct Segment {
    frame: usize,
    src_port: u16,
    dst_port: u16,
    payload: Vec<u8>,
}

/// The data-carrying TCP segments of a capture, in order (these captures have no loss, so
/// concatenating one direction's payloads gives its byte stream).
fn segments(pcap: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 24; // the pcap file header
    let mut frame = 0;
    while at + 16 <= pcap.len() {
        let caplen = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let bytes = &pcap[at + 16..at + 16 + caplen];
        at += 16 + caplen;
        frame += 1;
        if bytes.len() < 34 || bytes[12..14] != [0x08, 0x00] || bytes[23] != 6 {
            continue;
        }
        let ip_header = usize::from(bytes[14] & 0x0f) * 4;
        let ip_total = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
        let tcp = 14 + ip_header;
        let data = tcp + usize::from(bytes[tcp + 12] >> 4) * 4;
        let payload = bytes[data..14 + ip_total].to_vec();
        if !payload.is_empty() {
            out.push(Segment {
                frame,
                src_port: u16::from_be_bytes([bytes[tcp], bytes[tcp + 1]]),
                dst_port: u16::from_be_bytes([bytes[tcp + 2], bytes[tcp + 3]]),
                payload,
            });
        }
    }
    out
}

/// Everything one port sent to another, in order.
fn stream(pcap: &[u8], src_port: u16, dst_port: u16) -> Vec<u8> {
    segments(pcap)
        .into_iter()
        .filter(|s| s.src_port == src_port && s.dst_port == dst_port)
        .flat_map(|s| s.payload)
        .collect()
}

/// The payload of frame `number`.
fn frame_payload(pcap: &[u8], number: usize) -> Vec<u8> {
    segments(pcap)
        .into_iter()
        .find(|s| s.frame == number)
        .map(|s| s.payload)
        .expect("frame with data")
}

/// Cut a byte stream into messages with `message_len`, as the reassembly does.
fn cut(mut bytes: &[u8], len: fn(&[u8]) -> Result<Option<usize>, AppError>) -> Vec<Vec<u8>> {
    let mut messages = Vec::new();
    while let Some(n) = len(bytes).expect("a valid message") {
        messages.push(bytes[..n].to_vec());
        bytes = &bytes[n..];
    }
    assert!(bytes.is_empty(), "{} bytes left over", bytes.len());
    messages
}

/// The text of every item called `name`.
fn texts(d: &Dissection, name: &str) -> Vec<String> {
    d.find(name)
        .map(|item| match item.value {
            Value::Text { start, end } => d.text((start, end)).to_string(),
            Value::UInt(n) => n.to_string(),
            Value::Bool(b) => u8::from(b).to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

const CURL: u16 = 40400;
const SERVER: u16 = 8080;

// --- HTTP/1.1 over one kept-alive connection ----------------------------------------------------

#[test]
fn curl_sends_four_requests_on_one_connection_and_each_is_cut_at_its_empty_line_or_body() {
    let requests = cut(&stream(HTTP_KEEPALIVE, CURL, SERVER), http::message_len);
    let lines: Vec<String> = requests
        .iter()
        .map(|r| String::from_utf8_lossy(&r[..r.iter().position(|&b| b == b'\r').unwrap()]).into())
        .collect();
    assert_eq!(
        lines,
        [
            "GET /index.html HTTP/1.1",
            "GET /chunked HTTP/1.1",
            "POST /form HTTP/1.1",
            "GET /missing HTTP/1.1"
        ]
    );
    // The POST's 30-byte form body belongs to it, after the header section.
    assert!(requests[2].ends_with(b"\r\n\r\nname=wirelab&lesson=keep-alive"));
}

#[test]
fn the_four_responses_end_by_content_length_by_the_last_chunk_and_by_content_length_again() {
    let responses = cut(&stream(HTTP_KEEPALIVE, SERVER, CURL), http::message_len);
    assert_eq!(responses.len(), 4);
    // tshark: "5 Reassembled TCP Segments (4897 bytes)" and "2 Reassembled TCP Segments (215 bytes)".
    assert_eq!(responses[0].len(), 4897);
    assert_eq!(responses[1].len(), 215);
    assert!(responses[1].ends_with(b"third\n\r\n0\r\n\r\n"));
    assert!(responses[3].ends_with(b"no such page\n"));
}

#[test]
fn every_prefix_of_a_message_needs_more_bytes_and_never_claims_more_than_it_has() {
    let responses = stream(HTTP_KEEPALIVE, SERVER, CURL);
    let first = http::message_len(&responses).unwrap().unwrap();
    for n in 0..first {
        assert_eq!(
            http::message_len(&responses[..n]),
            Ok(None),
            "prefix of {n} bytes"
        );
    }
    let chunked_start = first;
    let chunked_len = http::message_len(&responses[chunked_start..])
        .unwrap()
        .unwrap();
    for n in 0..chunked_len {
        let prefix = &responses[chunked_start..chunked_start + n];
        assert_eq!(
            http::message_len(prefix),
            Ok(None),
            "chunked prefix of {n} bytes"
        );
    }
}

#[test]
fn a_response_with_neither_length_nor_chunks_runs_until_the_connection_closes() {
    let response = b"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n\r\nbody until the close";
    assert_eq!(http::message_len(response), Ok(None));
    assert_eq!(
        http::message_len_at_close(response),
        Ok(Some(response.len()))
    );
    // A request without a body length has no body (RFC 9112 §6.3 rule 6).
    assert_eq!(
        http::message_len(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET"),
        Ok(Some(27))
    );
}

#[test]
fn status_204_and_304_responses_have_no_body_whatever_their_headers_say() {
    let not_modified = b"HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n";
    assert_eq!(
        http::message_len(not_modified),
        Ok(Some(not_modified.len()))
    );
    let no_content = b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n";
    assert_eq!(http::message_len(no_content), Ok(Some(27)));
}

#[test]
fn two_different_content_lengths_are_an_error_and_a_repeated_one_is_not() {
    let conflict = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd";
    let error = http::message_len(conflict).unwrap_err();
    assert_eq!(error.offset, 36);
    assert!(
        error
            .to_string()
            .contains("two different Content-Length values"),
        "{error}"
    );
    let repeated = b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc";
    assert_eq!(http::message_len(repeated), Ok(Some(repeated.len())));
}

#[test]
fn binary_bytes_and_broken_chunk_sizes_are_not_http() {
    let tls_hello = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01];
    let error = http::message_len(&tls_hello).unwrap_err();
    assert_eq!(error.to_string(), "at byte 0 of the message: expected a method name or HTTP-version (RFC 9112 §2.1), found byte 0x16");
    let bad_chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
    assert_eq!(http::message_len(bad_chunk).unwrap_err().offset, 47);
    let endless = vec![b'A'; 9000];
    assert!(http::message_len(&endless).is_err());
}

#[test]
fn a_request_dissected_in_its_own_frame_has_tsharks_fields_and_info() {
    // Frame 6 of http-keepalive.pcap: the GET, at byte 66 of the frame (Ethernet 14, IPv4 20,
    // TCP 32 with timestamps).
    let request = frame_payload(HTTP_KEEPALIVE, 6);
    let mut d = Dissection::new();
    http::dissect(&request, Some(66), &mut d);
    assert_eq!(d.protocol, "HTTP");
    assert_eq!(d.info, "GET /index.html HTTP/1.1 ");
    assert_eq!(texts(&d, "http.request.method"), ["GET"]);
    assert_eq!(texts(&d, "http.request.uri"), ["/index.html"]);
    assert_eq!(texts(&d, "http.request.version"), ["HTTP/1.1"]);
    assert_eq!(texts(&d, "http.host"), ["10.99.0.2:8080"]);
    assert_eq!(texts(&d, "http.user_agent"), ["curl/7.88.1"]);
    assert_eq!(
        texts(&d, "http.request.full_uri"),
        ["http://10.99.0.2:8080/index.html"]
    );
    assert_eq!(
        texts(&d, "http.request.line"),
        [
            "Host: 10.99.0.2:8080\r\n",
            "User-Agent: curl/7.88.1\r\n",
            "Accept: */*\r\n"
        ]
    );
    assert_eq!(texts(&d, "http.request"), ["1"]);
    let method = d.first("http.request.method").unwrap();
    assert_eq!(method.range(), 66..69);
    assert!(d.malformed.is_none());
    assert_eq!(d.depth(), 0);
}

#[test]
fn a_chunked_response_reassembled_from_two_frames_shows_its_chunks_and_the_joined_body() {
    let responses = cut(&stream(HTTP_KEEPALIVE, SERVER, CURL), http::message_len);
    let mut d = Dissection::new();
    http::dissect(&responses[1], None, &mut d);
    assert_eq!(d.info, "HTTP/1.1 200 OK  (text/plain)");
    assert_eq!(texts(&d, "http.response.code"), ["200"]);
    assert_eq!(texts(&d, "http.response.phrase"), ["OK"]);
    assert_eq!(texts(&d, "http.transfer_encoding"), ["chunked"]);
    assert_eq!(texts(&d, "http.chunk_size"), ["12", "30", "6", "0"]);
    assert_eq!(
        texts(&d, "http.file_data"),
        ["first chunk\nsecond chunk, a little longer\nthird\n"]
    );
    // Reassembled: no item claims bytes of the frame it is shown in.
    assert!(d.items.iter().all(|item| item.len == 0));
}

#[test]
fn the_content_length_header_has_the_length_as_a_number_beneath_it() {
    let responses = cut(&stream(HTTP_KEEPALIVE, SERVER, CURL), http::message_len);
    let mut d = Dissection::new();
    http::dissect(&responses[3], None, &mut d);
    assert_eq!(d.info, "HTTP/1.1 404 Not Found  (text/plain)");
    assert_eq!(texts(&d, "http.content_length_header"), ["13"]);
    assert_eq!(texts(&d, "http.content_length"), ["13"]);
    assert_eq!(texts(&d, "http.file_data"), ["no such page\n"]);
    let header = d.first("http.content_length_header").unwrap();
    assert_eq!(d.title(header), Some("Content-Length: 13\\r\\n"));
}

#[test]
fn a_message_cut_short_is_marked_malformed_at_its_end() {
    let mut d = Dissection::new();
    http::dissect(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n",
        Some(54),
        &mut d,
    );
    let malformed = d.malformed.clone().expect("malformed");
    assert_eq!((malformed.layer, malformed.offset), ("http", 54 + 43));
    assert_eq!(d.depth(), 0);
}

// --- MQTT 3.1.1 and 5.0 ---------------------------------------------------------------------------

#[test]
fn the_first_subscribers_connect_is_mqtt_3_1_1_with_a_will_a_user_name_and_a_password() {
    // Frame 6 of mqtt.pcap: mosquitto_sub -V 311 … -u student -P secret --will-topic …
    let connect = frame_payload(MQTT_PCAP, 6);
    assert_eq!(mqtt::message_len(&connect), Ok(Some(80)));
    let mut d = Dissection::new();
    mqtt::dissect(&connect, Some(66), &mut d);
    assert_eq!((d.protocol, d.info.as_str()), ("MQTT", "Connect Command"));
    assert_eq!(texts(&d, "mqtt.msgtype"), ["1"]);
    assert_eq!(texts(&d, "mqtt.len"), ["78"]);
    assert_eq!(texts(&d, "mqtt.protoname"), ["MQTT"]);
    assert_eq!(texts(&d, "mqtt.ver"), ["4"]);
    assert_eq!(texts(&d, "mqtt.conflags"), ["206"]); // 0xce
    assert_eq!(texts(&d, "mqtt.conflag.qos"), ["1"]);
    assert_eq!(texts(&d, "mqtt.kalive"), ["5"]);
    assert_eq!(texts(&d, "mqtt.clientid"), ["wirelab-sub-311"]);
    assert_eq!(texts(&d, "mqtt.willtopic"), ["wirelab/status"]);
    assert_eq!(texts(&d, "mqtt.username"), ["student"]);
    assert_eq!(texts(&d, "mqtt.passwd"), ["secret"]);
    let will = d.first("mqtt.willmsg").unwrap();
    assert_eq!(will.value, Value::Bytes);
    assert_eq!(will.len, 16); // "sub-311 vanished"
    assert!(d.malformed.is_none());
}

#[test]
fn an_mqtt_5_connect_carries_properties_that_set_the_session_version() {
    // Frame 17: mosquitto_sub -V 5 -x 60: Session Expiry Interval 60, Receive Maximum 20.
    let connect = frame_payload(MQTT_PCAP, 17);
    let mut session = mqtt::Session::default();
    session.observe(&connect);
    assert_eq!(session.version(), Some(5));
    let mut d = Dissection::new();
    mqtt::dissect_in(&connect, None, &session, &mut d);
    assert_eq!(texts(&d, "mqtt.ver"), ["5"]);
    assert_eq!(texts(&d, "mqtt.property_len"), ["8"]);
    assert_eq!(texts(&d, "mqtt.property_id"), ["17", "33"]);
    assert_eq!(texts(&d, "mqtt.prop_number"), ["60", "20"]);
    assert_eq!(texts(&d, "mqtt.clientid"), ["wirelab-sub-5"]);
}

#[test]
fn a_suback_reads_as_reason_codes_in_an_mqtt_5_session_and_as_granted_qos_without_one() {
    // Frame 22: 90 05 00 01 00 01 01 — packet id 1, properties length 0, two reason codes.
    let suback = frame_payload(MQTT_PCAP, 22);
    let mut session = mqtt::Session::default();
    session.observe(&frame_payload(MQTT_PCAP, 17));
    let mut d = Dissection::new();
    mqtt::dissect_in(&suback, None, &session, &mut d);
    assert_eq!(texts(&d, "mqtt.suback.reason_code"), ["1", "1"]);
    assert_eq!(texts(&d, "mqtt.property_len"), ["0"]);
    assert_eq!(d.info, "Subscribe Ack (id=1)");
    let mut d = Dissection::new();
    mqtt::dissect(&suback, None, &mut d);
    assert_eq!(texts(&d, "mqtt.suback.qos"), ["0", "1", "1"]);
}

#[test]
fn an_mqtt_5_publish_shows_its_properties_and_its_content_type_in_the_info() {
    let publish = frame_payload(MQTT_PCAP, 105);
    let mut session = mqtt::Session::default();
    session.observe(&frame_payload(MQTT_PCAP, 101));
    let mut d = Dissection::new();
    mqtt::dissect_in(&publish, Some(66), &session, &mut d);
    assert_eq!(
        d.info,
        "Publish Message [wirelab/kitchen/temperature] (text/plain)"
    );
    assert_eq!(texts(&d, "mqtt.property.content_type"), ["text/plain"]);
    assert_eq!(texts(&d, "mqtt.prop_number"), ["300"]);
    assert_eq!(texts(&d, "mqtt.prop_key"), ["room"]);
    assert_eq!(texts(&d, "mqtt.prop_value"), ["kitchen"]);
    assert_eq!(texts(&d, "mqtt.qos"), ["0"]);
    let message = d.first("mqtt.msg").unwrap();
    assert_eq!(
        &publish[message.start as usize - 66..][..message.len as usize],
        b"22.0 degrees, QoS 0 over MQTT 5.0"
    );
}

#[test]
fn several_packets_in_one_segment_are_cut_one_by_one_and_share_the_info_column() {
    // Frame 171: the broker hands the late subscriber both retained messages in one segment.
    let segment = frame_payload(MQTT_PCAP, 171);
    let packets = cut(&segment, mqtt::message_len);
    assert_eq!(packets.len(), 2);
    let mut session = mqtt::Session::default();
    session.observe(&frame_payload(MQTT_PCAP, 156));
    let mut d = Dissection::new();
    for packet in &packets {
        mqtt::dissect_in(packet, None, &session, &mut d);
    }
    assert_eq!(
        d.info,
        "Publish Message (id=1) [wirelab/kitchen/light], Publish Message (id=2) [wirelab/hall/light]"
    );
    assert_eq!(texts(&d, "mqtt.retain"), ["1", "1"]);
    assert_eq!(texts(&d, "mqtt.msg"), ["6f6e", "6f6666"]); // "on", "off", as hex when reassembled
}

#[test]
fn a_remaining_length_is_at_most_four_bytes_and_may_arrive_in_pieces() {
    assert_eq!(mqtt::message_len(&[0x30]), Ok(None));
    assert_eq!(mqtt::message_len(&[0x30, 0x80]), Ok(None));
    // 0x80 0x01 = 128: 1 + 2 + 128 bytes.
    let mut publish = vec![0x30, 0x80, 0x01];
    publish.resize(130, 0);
    assert_eq!(mqtt::message_len(&publish), Ok(None));
    publish.push(0);
    assert_eq!(mqtt::message_len(&publish), Ok(Some(131)));
    let error = mqtt::message_len(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]).unwrap_err();
    assert_eq!(error.offset, 5);
    assert!(
        mqtt::message_len(&[0x00, 0x00]).is_err(),
        "type 0 is reserved"
    );
}

#[test]
fn a_topic_longer_than_its_packet_is_malformed_at_the_topic() {
    // PUBLISH, remaining length 4: topic length 10 but only 2 bytes follow.
    let mut d = Dissection::new();
    mqtt::dissect(&[0x30, 0x04, 0x00, 0x0a, b'a', b'b'], Some(66), &mut d);
    let malformed = d.malformed.clone().expect("malformed");
    assert_eq!((malformed.layer, malformed.offset), ("mqtt", 66 + 4));
    assert!(
        malformed
            .problem
            .contains("expected 10 more bytes in the packet, found 2"),
        "{}",
        malformed.problem
    );
    assert_eq!(texts(&d, "mqtt.topic_len"), ["10"]);
    assert_eq!(d.depth(), 0);
}

#[test]
fn every_mqtt_packet_of_the_capture_dissects_without_a_problem() {
    let mut by_port: std::collections::HashMap<(u16, u16), Vec<u8>> = Default::default();
    for s in segments(MQTT_PCAP) {
        by_port
            .entry((s.src_port, s.dst_port))
            .or_default()
            .extend(s.payload);
    }
    let mut types = std::collections::BTreeSet::new();
    for ((src, dst), bytes) in &by_port {
        let client = if *dst == 1883 { *src } else { *dst };
        let upstream = &by_port[&(client, 1883)];
        let mut session = mqtt::Session::default();
        session.observe(&upstream[..mqtt::message_len(upstream).unwrap().unwrap()]);
        for packet in cut(bytes, mqtt::message_len) {
            let mut d = Dissection::new();
            mqtt::dissect_in(&packet, None, &session, &mut d);
            assert!(d.malformed.is_none(), "{:?} in {packet:02x?}", d.malformed);
            types.insert(packet[0] >> 4);
        }
    }
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        (1..=14).collect::<Vec<u8>>()
    );
}

// --- Random bytes ---------------------------------------------------------------------------------

/// A small deterministic generator (xorshift64), so failures reproduce.
fn random_bytes(seed: &mut u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes_never_panic_and_never_yield_a_length_beyond_the_input() {
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    let http_start = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n";
    for round in 0..20_000 {
        let len = round % 200;
        let mut bytes = random_bytes(&mut seed, len);
        if round % 3 == 0 {
            // Plausible starts reach deeper into the parsers than noise does.
            let prefix: &[u8] = if round % 2 == 0 {
                http_start
            } else {
                &[0x10, 0x20, 0x00, 0x04]
            };
            bytes.splice(0..0, prefix.iter().copied());
        }
        for len_of in [
            http::message_len,
            http::message_len_at_close,
            mqtt::message_len,
        ] {
            if let Ok(Some(n)) = len_of(&bytes) {
                assert!(n <= bytes.len(), "{n} > {} for {bytes:02x?}", bytes.len());
            }
        }
        let mut d = Dissection::new();
        http::dissect(&bytes, Some(10), &mut d);
        mqtt::dissect(&bytes, None, &mut d);
        let mut session = mqtt::Session::default();
        session.observe(&[0x10, 0x05, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05]);
        mqtt::dissect_in(&bytes, Some(3), &session, &mut d);
        assert_eq!(d.depth(), 0);
    }
}

#[test]
fn an_empty_line_left_after_a_post_body_belongs_to_the_next_request() {
    let after_post = b"\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n";
    assert_eq!(http::message_len(after_post), Ok(Some(after_post.len())));
    let mut d = Dissection::new();
    http::dissect(after_post, Some(66), &mut d);
    assert_eq!(d.info, "GET /next HTTP/1.1 ");
    assert_eq!(d.first("http.request.method").unwrap().range(), 68..71);
    let error = http::message_len(b"\r\n\x16\x03\x01").unwrap_err();
    assert_eq!(error.offset, 2);
}
