//! Which application protocol a stream carries, read from its first bytes, as proxies decide
//! it (Apache Traffic Server's protocol probe, HAProxy's `req.proto_http`/`req.ssl_hello_type`):
//! port numbers say what a server *should* run, the first bytes say what it *does*.
//!
//! ```text
//!  first bytes from the client           first bytes from the server
//!  "GET / HTTP/1.1\r\n"   HTTP/1.x        "HTTP/1.1 200 OK"   HTTP/1.x (capture began late)
//!  "PRI * HTTP/2.0\r\n…"  HTTP/2          "220 mail ESMTP"    SMTP      (server speaks first:
//!  16 03 01 …             TLS             "220 FTP server"    FTP        the client waits for
//!  "SSH-2.0-…"            SSH             "+OK"               POP3       this greeting)
//!  10 xx 00 04 "MQTT"     MQTT            "* OK"              IMAP
//!  "*1\r\n$4\r\nPING"     Redis (RESP)    "SSH-2.0-…"         SSH
//! ```
//!
//! Whoever speaks first decides: a client that sends first is matched against what clients
//! send, a server that sends first against the greetings. Only when the bytes match nothing is
//! the well-known port used, and the result says so ("HTTP/1.x (by port 80)").

use std::fmt;

/// The application protocols the probe knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppProtocol {
    Http1,
    Http2,
    Tls,
    Ssh,
    Mqtt,
    Redis,
    Smtp,
    Ftp,
    Pop3,
    Imap,
}

impl AppProtocol {
    pub fn name(self) -> &'static str {
        match self {
            AppProtocol::Http1 => "HTTP/1.x",
            AppProtocol::Http2 => "HTTP/2",
            AppProtocol::Tls => "TLS",
            AppProtocol::Ssh => "SSH",
            AppProtocol::Mqtt => "MQTT",
            AppProtocol::Redis => "Redis",
            AppProtocol::Smtp => "SMTP",
            AppProtocol::Ftp => "FTP",
            AppProtocol::Pop3 => "POP3",
            AppProtocol::Imap => "IMAP",
        }
    }

    /// The protocol usually found at a server port (IANA's service names registry).
    pub fn by_port(port: u16) -> Option<AppProtocol> {
        Some(match port {
            80 | 8080 | 8000 => AppProtocol::Http1,
            443 | 853 | 993 | 995 | 465 => AppProtocol::Tls,
            22 => AppProtocol::Ssh,
            1883 => AppProtocol::Mqtt,
            6379 => AppProtocol::Redis,
            25 | 587 => AppProtocol::Smtp,
            21 => AppProtocol::Ftp,
            110 => AppProtocol::Pop3,
            143 => AppProtocol::Imap,
            _ => return None,
        })
    }
}

impl fmt::Display for AppProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which side of the connection sent the bytes that decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaker {
    Client,
    Server,
}

/// How the protocol was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The first bytes this side sent match the protocol.
    FirstBytes(Speaker),
    /// The bytes matched nothing; the port is the protocol's well-known port.
    Port(u16),
}

/// The probe's answer for a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Identified {
    pub protocol: AppProtocol,
    pub evidence: Evidence,
}

impl fmt::Display for Identified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.evidence {
            Evidence::FirstBytes(_) => write!(f, "{}", self.protocol),
            Evidence::Port(port) => write!(f, "{} (by port {port})", self.protocol),
        }
    }
}

impl Identified {
    /// How it was decided, for `wirelab.app.probe`.
    pub fn how(&self) -> String {
        match self.evidence {
            Evidence::FirstBytes(Speaker::Client) => "the client's first bytes".into(),
            Evidence::FirstBytes(Speaker::Server) => "the server's first bytes".into(),
            Evidence::Port(port) => format!("port {port} (the first bytes match no protocol)"),
        }
    }
}

/// What the first bytes say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    Is(AppProtocol),
    /// Too few bytes yet: they begin a signature.
    NeedMore,
    /// No signature matches.
    Nothing,
}

/// The longest prefix the probe reads before it decides: the HTTP/2 preface.
pub const PROBE_BYTES: usize = HTTP2_PREFACE.len();

/// RFC 9113 §3.4.
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Request methods of RFC 9110 §9 and RFC 5789, each with its trailing space.
const HTTP_METHODS: &[&[u8]] = &[
    b"GET ",
    b"HEAD ",
    b"POST ",
    b"PUT ",
    b"DELETE ",
    b"CONNECT ",
    b"OPTIONS ",
    b"TRACE ",
    b"PATCH ",
];

/// `bytes` against `signature`: a match, the start of one, or neither.
fn prefix(bytes: &[u8], signature: &[u8]) -> Match3 {
    let n = bytes.len().min(signature.len());
    if bytes[..n] != signature[..n] {
        Match3::No
    } else if n < signature.len() {
        Match3::Partial
    } else {
        Match3::Full
    }
}

#[derive(PartialEq)]
enum Match3 {
    No,
    Partial,
    Full,
}

/// Combine signature tests: the first full match wins; else "need more" if any could still
/// match.
struct Tally {
    partial: bool,
}

impl Tally {
    fn test(&mut self, result: Match3) -> bool {
        match result {
            Match3::Full => true,
            Match3::Partial => {
                self.partial = true;
                false
            }
            Match3::No => false,
        }
    }

    fn undecided(&self) -> Match {
        if self.partial {
            Match::NeedMore
        } else {
            Match::Nothing
        }
    }
}

/// What a client's first bytes say.
pub fn client_first(bytes: &[u8]) -> Match {
    let mut tally = Tally { partial: false };
    if tally.test(prefix(bytes, HTTP2_PREFACE)) {
        return Match::Is(AppProtocol::Http2);
    }
    if HTTP_METHODS.iter().any(|m| tally.test(prefix(bytes, m))) {
        return Match::Is(AppProtocol::Http1);
    }
    if let Some(m) = tls_record(bytes, &mut tally) {
        return m;
    }
    if tally.test(prefix(bytes, b"SSH-")) {
        return Match::Is(AppProtocol::Ssh);
    }
    if let Some(m) = mqtt_connect(bytes, &mut tally) {
        return m;
    }
    if let Some(m) = resp_array(bytes, &mut tally) {
        return m;
    }
    tally.undecided()
}

/// What a server's first bytes (its greeting, or a response when the capture began late) say.
pub fn server_first(bytes: &[u8]) -> Match {
    let mut tally = Tally { partial: false };
    if tally.test(prefix(bytes, b"HTTP/1.")) {
        return Match::Is(AppProtocol::Http1);
    }
    if tally.test(prefix(bytes, b"SSH-")) {
        return Match::Is(AppProtocol::Ssh);
    }
    if tally.test(prefix(bytes, b"+OK")) {
        return Match::Is(AppProtocol::Pop3);
    }
    if tally.test(prefix(bytes, b"* OK")) || tally.test(prefix(bytes, b"* PREAUTH")) {
        return Match::Is(AppProtocol::Imap);
    }
    // RFC 5321 §4.2 and RFC 959 §4.2 both greet with reply code 220; the text after it
    // names the service more often than not.
    if tally.test(prefix(bytes, b"220")) {
        let text = bytes.get(3..).unwrap_or_default();
        let mentions = |word: &[u8]| {
            text.windows(word.len())
                .any(|w| w.eq_ignore_ascii_case(word))
        };
        if mentions(b"FTP") {
            return Match::Is(AppProtocol::Ftp);
        }
        if mentions(b"SMTP") || mentions(b"mail") || bytes.get(3) == Some(&b' ') {
            return Match::Is(AppProtocol::Smtp);
        }
        if bytes.get(3) == Some(&b'-') {
            return Match::Is(AppProtocol::Ftp);
        }
        if bytes.len() < 4 {
            return Match::NeedMore;
        }
    }
    tally.undecided()
}

/// A TLS record header (RFC 8446 §5.1): content type handshake (22), then a legacy version
/// 3.x.
fn tls_record(bytes: &[u8], tally: &mut Tally) -> Option<Match> {
    match bytes {
        [] => None,
        [22] | [22, 3] => {
            tally.partial = true;
            None
        }
        [22, 3, minor, ..] if *minor <= 4 => Some(Match::Is(AppProtocol::Tls)),
        _ => None,
    }
}

/// An MQTT CONNECT packet (MQTT 3.1.1 §3.1, MQTT 5.0 §3.1): packet type 1 with flags 0, a
/// remaining length, then the protocol name "MQTT" (or "MQIsdp" for 3.1).
fn mqtt_connect(bytes: &[u8], tally: &mut Tally) -> Option<Match> {
    if bytes.first() != Some(&0x10) {
        return None;
    }
    let length_bytes = match crate::app::mqtt::remaining_length(bytes) {
        Ok(Some((_, length_bytes))) => length_bytes,
        Ok(None) => {
            tally.partial = true;
            return None;
        }
        Err(_) => return None,
    };
    let rest = &bytes[1 + length_bytes..];
    if tally.test(prefix(rest, b"\x00\x04MQTT")) || tally.test(prefix(rest, b"\x00\x06MQIsdp")) {
        return Some(Match::Is(AppProtocol::Mqtt));
    }
    None
}

/// A Redis command: a RESP array of bulk strings, `*<count>\r\n$<len>\r\n…` (RESP
/// specification, "Sending commands to a Redis server").
fn resp_array(bytes: &[u8], tally: &mut Tally) -> Option<Match> {
    let rest = bytes.strip_prefix(b"*")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let after = &rest[digits..];
    if after.is_empty() {
        tally.partial = true;
        return None;
    }
    if digits == 0 {
        return None;
    }
    if tally.test(prefix(after, b"\r\n$")) {
        return Some(Match::Is(AppProtocol::Redis));
    }
    None
}

/// The port fallback: the server's port first, then the client's.
pub fn by_ports(server_port: u16, client_port: u16) -> Option<Identified> {
    [server_port, client_port].into_iter().find_map(|port| {
        AppProtocol::by_port(port).map(|protocol| Identified {
            protocol,
            evidence: Evidence::Port(port),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_request_is_http1_and_its_first_three_letters_are_not_enough() {
        assert_eq!(client_first(b"GE"), Match::NeedMore);
        assert_eq!(
            client_first(b"GET / HTTP/1.1\r\n"),
            Match::Is(AppProtocol::Http1)
        );
    }

    #[test]
    fn the_http2_preface_wins_over_a_method_named_pri() {
        assert_eq!(client_first(b"PRI * HTTP/2.0\r\n"), Match::NeedMore);
        assert_eq!(client_first(HTTP2_PREFACE), Match::Is(AppProtocol::Http2));
    }

    #[test]
    fn a_client_hello_record_is_tls() {
        assert_eq!(
            client_first(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]),
            Match::Is(AppProtocol::Tls)
        );
        assert_eq!(client_first(&[0x16, 0x03]), Match::NeedMore);
        assert_eq!(client_first(&[0x17, 0x03, 0x03]), Match::Nothing);
    }

    #[test]
    fn an_mqtt_connect_with_a_two_byte_remaining_length_is_mqtt() {
        let connect = [0x10, 0x81, 0x01, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04];
        assert_eq!(client_first(&connect), Match::Is(AppProtocol::Mqtt));
        assert_eq!(client_first(&connect[..3]), Match::NeedMore);
    }

    #[test]
    fn a_resp_array_is_redis() {
        assert_eq!(
            client_first(b"*1\r\n$4\r\nPING\r\n"),
            Match::Is(AppProtocol::Redis)
        );
        assert_eq!(client_first(b"*12"), Match::NeedMore);
        assert_eq!(client_first(b"*x"), Match::Nothing);
    }

    #[test]
    fn server_greetings_name_smtp_ftp_pop3_and_imap() {
        assert_eq!(
            server_first(b"220 mx.example.org ESMTP Postfix\r\n"),
            Match::Is(AppProtocol::Smtp)
        );
        assert_eq!(
            server_first(b"220 (vsFTPd 3.0.3)\r\n"),
            Match::Is(AppProtocol::Ftp)
        );
        assert_eq!(
            server_first(b"220-Welcome\r\n"),
            Match::Is(AppProtocol::Ftp)
        );
        assert_eq!(
            server_first(b"+OK POP3 ready\r\n"),
            Match::Is(AppProtocol::Pop3)
        );
        assert_eq!(
            server_first(b"* OK IMAP4rev1 ready\r\n"),
            Match::Is(AppProtocol::Imap)
        );
        assert_eq!(server_first(b"22"), Match::NeedMore);
    }

    #[test]
    fn ssh_is_recognised_from_either_side() {
        assert_eq!(
            client_first(b"SSH-2.0-OpenSSH_9.2\r\n"),
            Match::Is(AppProtocol::Ssh)
        );
        assert_eq!(
            server_first(b"SSH-2.0-OpenSSH_9.2\r\n"),
            Match::Is(AppProtocol::Ssh)
        );
    }

    #[test]
    fn a_port_decides_only_as_a_fallback_and_says_so() {
        let by_port = by_ports(80, 40000).expect("port 80 is HTTP");
        assert_eq!(by_port.to_string(), "HTTP/1.x (by port 80)");
        assert_eq!(by_ports(40001, 40000), None);
    }
}
