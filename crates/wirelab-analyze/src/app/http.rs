//! HTTP/1.x messages (RFC 9112), over one direction of a reassembled TCP stream.
//!
//! ```text
//!  GET /index.html HTTP/1.1\r\n          start line: request line (§3) or status line (§4)
//!  Host: 10.99.0.2:8080\r\n              header fields (§5), one per line
//!  Content-Length: 12\r\n
//!  \r\n                                  an empty line ends the header section (§2.1)
//!  hello world\n                         body: its length comes from the headers (§6.3)
//! ```
//!
//! Where a message ends (RFC 9112 §6.3), in the order the RFC checks:
//! 1. responses with status 1xx, 204 or 304 have no body (nor do responses to HEAD, but the
//!    request is not known here, so such a response is read by its headers);
//! 2. Transfer-Encoding ending in `chunked`: the body is a series of chunks (§7.1), each its
//!    size in hexadecimal, CRLF, the data, CRLF; a chunk of size 0 and a trailer section end it;
//! 3. a valid Content-Length: exactly that many bytes;
//! 4. a request with neither has no body;
//! 5. a response with neither (or with a Transfer-Encoding not ending in chunked) runs until the
//!    server closes the connection: see [`message_len_at_close`].

mod fields;

pub use fields::*;

use super::{set_columns, text_of, AppError, Placement};
use std::ops::Range;
use wirelab_wire::{Dissection, Group, Severity, Value};

/// A start line longer than this without its end is not taken for HTTP.
const MAX_START_LINE: usize = 8192;

/// The length of the first complete HTTP/1.x message at the start of `bytes`: `Ok(None)` when
/// more bytes are needed, including for a response whose body runs until the connection closes
/// (then ask [`message_len_at_close`] once it has). Empty lines before a message (some clients
/// send a CRLF after a POST body) count as part of it (RFC 9112 §2.2).
pub fn message_len(bytes: &[u8]) -> Result<Option<usize>, AppError> {
    shifted(bytes, |message| {
        let Some(head) = parse_head(message)? else {
            return Ok(None);
        };
        match framing(&head, message)? {
            Framing::NoBody => Ok(Some(head.len)),
            Framing::Length(len) => {
                let end = usize::try_from(len)
                    .ok()
                    .and_then(|len| head.len.checked_add(len));
                Ok(end.filter(|&end| end <= message.len()))
            }
            Framing::Chunked => Ok(chunked_body(message, head.len)?.map(|body| body.end)),
            Framing::UntilClose => Ok(None),
        }
    })
}

/// [`message_len`] at the end of the stream: a body delimited by the close ends with the
/// bytes (RFC 9112 §6.3 rule 8). `Ok(None)`: the stream ends inside a message.
pub fn message_len_at_close(bytes: &[u8]) -> Result<Option<usize>, AppError> {
    shifted(bytes, |message| {
        let Some(head) = parse_head(message)? else {
            return Ok(None);
        };
        match framing(&head, message)? {
            Framing::UntilClose => Ok(Some(message.len())),
            _ => message_len(message),
        }
    })
}

/// How many line endings come before the message (RFC 9112 §2.2: a server should ignore at
/// least one empty line before a request line).
fn leading_empty_lines(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}

/// Run `len_of` on the message after any leading empty lines, and count them in its answer.
fn shifted(
    bytes: &[u8],
    len_of: impl Fn(&[u8]) -> Result<Option<usize>, AppError>,
) -> Result<Option<usize>, AppError> {
    let skip = leading_empty_lines(bytes);
    if skip == bytes.len() {
        return Ok(None);
    }
    match len_of(&bytes[skip..]) {
        Ok(len) => Ok(len.map(|len| skip + len)),
        Err(error) => Err(AppError {
            offset: skip + error.offset,
            ..error
        }),
    }
}

/// Add the `http` layer for one whole message (see the module docs of `app` for `frame_offset`).
pub fn dissect(message: &[u8], frame_offset: Option<usize>, d: &mut Dissection) {
    let skip = leading_empty_lines(message).min(message.len());
    let message = &message[skip..];
    let place = Placement::new(frame_offset.map(|offset| offset + skip));
    let layer = d.open(&HTTP, place.range(0..message.len()), Value::None);
    d.set_title(layer, format_args!("Hypertext Transfer Protocol"));
    let head = match parse_head(message) {
        Ok(Some(head)) => head,
        Ok(None) => {
            let problem = "the message ends before the empty line that ends its header section (RFC 9112 §2.1)";
            d.set_malformed("http", place.offset(message.len()), problem.to_string());
            set_columns(d, "HTTP", format_args!("Continuation"));
            d.close();
            return;
        }
        Err(error) => {
            d.set_malformed("http", place.offset(error.offset), error.to_string());
            set_columns(d, "HTTP", format_args!("Continuation"));
            d.close();
            return;
        }
    };
    let first_line = &message[..head.start.line_end];
    add_start_line(&head.start, message, place, d);
    let line_field = match head.start.kind {
        StartKind::Request { .. } => &REQUEST_LINE,
        StartKind::Response { .. } => &RESPONSE_LINE,
    };
    let mut content_type = None;
    let mut host = None;
    for header in &head.headers {
        add_header(header, line_field, message, place, d);
        let value = &message[header.value.clone()];
        if header.is(message, "content-type") {
            content_type = Some(value);
        } else if header.is(message, "host") {
            host = Some(value);
        }
    }
    if let (StartKind::Request { target, .. }, Some(host)) = (&head.start.kind, host) {
        let target = &message[target.clone()];
        if target.starts_with(b"/") {
            let uri = d.text_value(format_args!(
                "http://{}{}",
                String::from_utf8_lossy(host),
                String::from_utf8_lossy(target)
            ));
            d.add_generated(&FULL_URI, uri);
        }
    }
    let body = add_body(&head, message, place, d);
    d.close();

    let first_line = String::from_utf8_lossy(first_line);
    d.add_expert(
        Severity::Chat,
        Group::Sequence,
        "http",
        format!("{first_line}\\r\\n"),
    );
    match (body, content_type) {
        (true, Some(content_type)) => set_columns(
            d,
            "HTTP",
            format_args!("{first_line}  ({})", media_type(content_type)),
        ),
        _ => set_columns(d, "HTTP", format_args!("{first_line} ")),
    }
}

/// The parts of a message before its body.
struct Head {
    start: StartLine,
    headers: Vec<Header>,
    /// Bytes up to and including the empty line.
    len: usize,
}

struct StartLine {
    kind: StartKind,
    /// Where the line's text ends (before CRLF).
    line_end: usize,
}

enum StartKind {
    Request {
        method: Range<usize>,
        target: Range<usize>,
        version: Range<usize>,
    },
    Response {
        version: Range<usize>,
        code: u16,
        code_range: Range<usize>,
        phrase: Range<usize>,
    },
}

struct Header {
    /// The whole line, line ending included.
    line: Range<usize>,
    name: Range<usize>,
    /// The value without the whitespace around it (RFC 9112 §5.1).
    value: Range<usize>,
}

impl Header {
    fn is(&self, message: &[u8], name: &str) -> bool {
        message[self.name.clone()].eq_ignore_ascii_case(name.as_bytes())
    }
}

enum Framing {
    NoBody,
    Length(u64),
    Chunked,
    UntilClose,
}

/// The next line from `start`: (text range without the line ending, offset after it), or
/// `None` when no line feed follows yet. A bare LF is accepted as a line ending, as RFC 9112
/// §2.2 allows a recipient to.
fn line_at(bytes: &[u8], start: usize) -> Option<(Range<usize>, usize)> {
    let rest = bytes.get(start..)?;
    let lf = rest.iter().position(|&b| b == b'\n')?;
    let mut end = start + lf;
    if end > start && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    Some((start..end, start + lf + 1))
}

/// The start line and header section, once the empty line after them has arrived.
fn parse_head(bytes: &[u8]) -> Result<Option<Head>, AppError> {
    let Some((first, mut next)) = line_at(bytes, 0) else {
        plausible_start(bytes)?;
        return Ok(None);
    };
    let start = parse_start_line(bytes, first)?;
    let mut headers = Vec::new();
    loop {
        let Some((line, after)) = line_at(bytes, next) else {
            return Ok(None);
        };
        if line.is_empty() {
            return Ok(Some(Head {
                start,
                headers,
                len: after,
            }));
        }
        let text = &bytes[line.clone()];
        // A line beginning with whitespace continues the previous field's value (obsolete line
        // folding, RFC 9112 §5.2); it is kept as part of the header section and not parsed.
        if !text.starts_with(b" ") && !text.starts_with(b"\t") {
            headers.push(parse_header(line.start, next..after, text)?);
        }
        next = after;
    }
}

/// Reject bytes that cannot begin an HTTP message before the whole first line is there.
fn plausible_start(bytes: &[u8]) -> Result<(), AppError> {
    if let Some(&first) = bytes.first() {
        if !is_token_char(first) {
            return Err(AppError::new(
                0,
                "a method name or HTTP-version (RFC 9112 §2.1)",
                format!("byte 0x{first:02x}"),
            ));
        }
    }
    if bytes.len() > MAX_START_LINE {
        return Err(AppError::new(
            0,
            format!("a start line shorter than {MAX_START_LINE} bytes"),
            format!("{} bytes without a line feed", bytes.len()),
        ));
    }
    Ok(())
}

/// `tchar` (RFC 9110 §5.6.2): what method and field names are made of.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// `HTTP/1.1`: "HTTP/", a digit, ".", a digit (RFC 9112 §2.3).
fn is_http_version(text: &[u8]) -> bool {
    matches!(text, [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
        if major.is_ascii_digit() && minor.is_ascii_digit())
}

fn parse_start_line(bytes: &[u8], line: Range<usize>) -> Result<StartLine, AppError> {
    let text = &bytes[line.clone()];
    let at = line.start;
    let words: Vec<Range<usize>> = split_spaces(text, 3)
        .into_iter()
        .map(|r| at + r.start..at + r.end)
        .collect();
    let kind = if text.starts_with(b"HTTP/") {
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
        let version = words[0].clone();
        if !is_http_version(&bytes[version.clone()]) {
            return Err(AppError::new(
                version.start,
                "an HTTP-version such as HTTP/1.1 (RFC 9112 §2.3)",
                format!("{:?}", String::from_utf8_lossy(&bytes[version])),
            ));
        }
        let code_range = words.get(1).cloned().unwrap_or(line.end..line.end);
        let code_text = &bytes[code_range.clone()];
        let code = match code_text {
            [a, b, c] if code_text.iter().all(u8::is_ascii_digit) => {
                u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
            }
            _ => {
                return Err(AppError::new(
                    code_range.start,
                    "a three-digit status code (RFC 9112 §4)",
                    format!("{:?}", String::from_utf8_lossy(code_text)),
                ))
            }
        };
        let phrase = words.get(2).cloned().unwrap_or(line.end..line.end);
        StartKind::Response {
            version,
            code,
            code_range,
            phrase,
        }
    } else {
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
        let method = words[0].clone();
        if method.is_empty() || !bytes[method.clone()].iter().all(|&b| is_token_char(b)) {
            return Err(AppError::new(
                method.start,
                "a method name made of token characters (RFC 9112 §3.1)",
                format!("{:?}", String::from_utf8_lossy(&bytes[method])),
            ));
        }
        let (Some(target), Some(version)) = (words.get(1), words.get(2)) else {
            return Err(AppError::new(
                line.end,
                "a request target and an HTTP-version after the method (RFC 9112 §3)",
                "the end of the line",
            ));
        };
        if !is_http_version(&bytes[version.clone()]) {
            return Err(AppError::new(
                version.start,
                "an HTTP-version such as HTTP/1.1 (RFC 9112 §2.3)",
                format!("{:?}", String::from_utf8_lossy(&bytes[version.clone()])),
            ));
        }
        StartKind::Request {
            method,
            target: target.clone(),
            version: version.clone(),
        }
    };
    Ok(StartLine {
        kind,
        line_end: line.end,
    })
}

/// Split at single spaces into at most `max` words; the last word keeps the rest of the line
/// (a reason phrase may contain spaces). Always at least one word.
fn split_spaces(text: &[u8], max: usize) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = 0;
    while words.len() + 1 < max {
        match text[start..].iter().position(|&b| b == b' ') {
            Some(space) => {
                words.push(start..start + space);
                start += space + 1;
            }
            None => break,
        }
    }
    words.push(start..text.len());
    words
}

/// `field-name ":" OWS field-value OWS` (RFC 9112 §5).
fn parse_header(at: usize, whole: Range<usize>, text: &[u8]) -> Result<Header, AppError> {
    let colon = text.iter().position(|&b| b == b':');
    let name_ok = colon.is_some_and(|c| c > 0 && text[..c].iter().all(|&b| is_token_char(b)));
    let Some(colon) = colon.filter(|_| name_ok) else {
        return Err(AppError::new(
            at,
            "a header field: a name of token characters, then a colon (RFC 9112 §5.1)",
            format!("{:?}", String::from_utf8_lossy(text)),
        ));
    };
    let mut value = colon + 1..text.len();
    while value.start < value.end && matches!(text[value.start], b' ' | b'\t') {
        value.start += 1;
    }
    while value.end > value.start && matches!(text[value.end - 1], b' ' | b'\t') {
        value.end -= 1;
    }
    Ok(Header {
        line: whole,
        name: at..at + colon,
        value: at + value.start..at + value.end,
    })
}

/// How the body of the message is delimited (RFC 9112 §6.3).
fn framing(head: &Head, bytes: &[u8]) -> Result<Framing, AppError> {
    if let StartKind::Response { code, .. } = head.start.kind {
        if (100..200).contains(&code) || code == 204 || code == 304 {
            return Ok(Framing::NoBody);
        }
    }
    let is_request = matches!(head.start.kind, StartKind::Request { .. });
    let mut transfer_encoding = None;
    let mut content_length: Option<u64> = None;
    for header in &head.headers {
        let value = &bytes[header.value.clone()];
        if header.is(bytes, "transfer-encoding") {
            transfer_encoding = Some(value);
        } else if header.is(bytes, "content-length") {
            let length = parse_content_length(value).ok_or_else(|| {
                AppError::new(
                    header.value.start,
                    "a Content-Length of decimal digits (RFC 9112 §6.2)",
                    format!("{:?}", String::from_utf8_lossy(value)),
                )
            })?;
            if content_length.is_some_and(|earlier| earlier != length) {
                return Err(AppError::new(
                    header.line.start,
                    "one Content-Length value (RFC 9112 §6.3 rule 5)",
                    "two different Content-Length values",
                ));
            }
            content_length = Some(length);
        }
    }
    if let Some(codings) = transfer_encoding {
        let last = codings.rsplit(|&b| b == b',').next().unwrap_or(&[]);
        if last.trim_ascii().eq_ignore_ascii_case(b"chunked") {
            return Ok(Framing::Chunked);
        }
        if is_request {
            return Err(AppError::new(
                head.len,
                "a request body in chunked coding, as its Transfer-Encoding says (RFC 9112 §6.3 rule 4)",
                format!("Transfer-Encoding {:?}", String::from_utf8_lossy(codings)),
            ));
        }
        return Ok(Framing::UntilClose);
    }
    match content_length {
        Some(length) => Ok(Framing::Length(length)),
        None if is_request => Ok(Framing::NoBody),
        None => Ok(Framing::UntilClose),
    }
}

/// `1*DIGIT`, or a list of the same value repeated (RFC 9110 §8.6).
fn parse_content_length(value: &[u8]) -> Option<u64> {
    let mut result = None;
    for part in value.split(|&b| b == b',') {
        let part = part.trim_ascii();
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = part.iter().try_fold(0u64, |n, &d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })?;
        if result.is_some_and(|r| r != n) {
            return None;
        }
        result = Some(n);
    }
    result
}

/// One chunk of a chunked body.
struct Chunk {
    /// The chunk-size line, extensions and line ending included.
    size_line: Range<usize>,
    size: u64,
    data: Range<usize>,
}

/// A whole chunked body from `start`: its chunks (the last one of size 0) and where the
/// trailer section ends. `Ok(None)`: not all of it has arrived.
struct ChunkedBody {
    chunks: Vec<Chunk>,
    end: usize,
}

fn chunked_body(bytes: &[u8], start: usize) -> Result<Option<ChunkedBody>, AppError> {
    let mut chunks = Vec::new();
    let mut at = start;
    loop {
        // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1)
        let Some((line, after)) = line_at(bytes, at) else {
            return Ok(None);
        };
        let text = &bytes[line.clone()];
        let digits = text.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        let rest = &text[digits..];
        let extension_ok = rest.is_empty() || matches!(rest[0], b';' | b' ' | b'\t');
        if digits == 0 || digits > 15 || !extension_ok {
            return Err(AppError::new(
                at,
                "a chunk size in hexadecimal (RFC 9112 §7.1)",
                format!("{:?}", String::from_utf8_lossy(text)),
            ));
        }
        let size = text[..digits].iter().fold(0u64, |n, &d| {
            n * 16 + u64::from(char::from(d).to_digit(16).unwrap_or(0))
        });
        if size == 0 {
            chunks.push(Chunk {
                size_line: at..after,
                size,
                data: after..after,
            });
            // last-chunk, then trailer-section CRLF (RFC 9112 §7.1.2)
            let mut next = after;
            loop {
                let Some((line, after)) = line_at(bytes, next) else {
                    return Ok(None);
                };
                next = after;
                if line.is_empty() {
                    return Ok(Some(ChunkedBody { chunks, end: next }));
                }
            }
        }
        let data_end = usize::try_from(size)
            .ok()
            .and_then(|size| after.checked_add(size));
        let Some(data_end) = data_end else {
            return Err(AppError::new(
                at,
                "a chunk size this machine can hold",
                format!("0x{size:x}"),
            ));
        };
        let Some(ending) = bytes.get(data_end..) else {
            return Ok(None);
        };
        let line_end = match ending {
            [b'\r', b'\n', ..] => 2,
            [b'\n', ..] => 1,
            [] | [b'\r'] => return Ok(None),
            _ => {
                return Err(AppError::new(
                    data_end,
                    "CRLF after the chunk's data (RFC 9112 §7.1)",
                    format!("byte 0x{:02x}", ending[0]),
                ))
            }
        };
        chunks.push(Chunk {
            size_line: at..after,
            size,
            data: after..data_end,
        });
        at = data_end + line_end;
    }
}

fn add_start_line(start: &StartLine, message: &[u8], place: Placement, d: &mut Dissection) {
    let line = 0..start.line_end;
    match &start.kind {
        StartKind::Request {
            method,
            target,
            version,
        } => {
            d.add_hidden(&REQUEST, place.range(line), Value::Bool(true));
            add_text(&REQUEST_METHOD, method, message, place, d);
            add_text(&REQUEST_URI, target, message, place, d);
            add_text(&REQUEST_VERSION, version, message, place, d);
        }
        StartKind::Response {
            version,
            code,
            code_range,
            phrase,
        } => {
            d.add_hidden(&RESPONSE, place.range(line), Value::Bool(true));
            add_text(&RESPONSE_VERSION, version, message, place, d);
            d.add(
                &RESPONSE_CODE,
                place.range(code_range.clone()),
                Value::UInt(u64::from(*code)),
            );
            add_text(&RESPONSE_PHRASE, phrase, message, place, d);
        }
    }
}

/// An item whose value is the text of message bytes `range`.
fn add_text(
    def: &'static wirelab_wire::FieldDef,
    range: &Range<usize>,
    message: &[u8],
    place: Placement,
    d: &mut Dissection,
) {
    let value = text_of(&message[range.clone()], d);
    d.add(def, place.range(range.clone()), value);
}

/// The field wirelab shows a header as, by its name (case-insensitive, RFC 9110 §5.1).
fn header_field(name: &[u8]) -> &'static wirelab_wire::FieldDef {
    const KNOWN: &[(&str, &wirelab_wire::FieldDef)] = &[
        ("host", &HOST),
        ("user-agent", &USER_AGENT),
        ("accept", &ACCEPT),
        ("server", &SERVER),
        ("date", &DATE),
        ("location", &LOCATION),
        ("content-length", &CONTENT_LENGTH_HEADER),
        ("content-type", &CONTENT_TYPE),
        ("connection", &CONNECTION),
        ("transfer-encoding", &TRANSFER_ENCODING),
    ];
    KNOWN
        .iter()
        .find(|(known, _)| name.eq_ignore_ascii_case(known.as_bytes()))
        .map_or(&OTHER_HEADER, |(_, def)| *def)
}

fn add_header(
    header: &Header,
    line_field: &'static wirelab_wire::FieldDef,
    message: &[u8],
    place: Placement,
    d: &mut Dissection,
) {
    let line = &message[header.line.clone()];
    let value = text_of(line, d);
    d.add_hidden(line_field, place.range(header.line.clone()), value);
    let def = header_field(&message[header.name.clone()]);
    let shown = if std::ptr::eq(def, &OTHER_HEADER) {
        header.name.start..header.value.end
    } else {
        header.value.clone()
    };
    let value = text_of(&message[shown], d);
    let item = d.open(def, place.range(header.line.clone()), value);
    // The tree shows the line as it was sent, with its line ending spelled out, as tshark does.
    let text = String::from_utf8_lossy(line);
    d.set_title(
        item,
        format_args!("{}", text.replace('\r', "\\r").replace('\n', "\\n")),
    );
    if std::ptr::eq(def, &CONTENT_LENGTH_HEADER) {
        if let Some(length) = parse_content_length(&message[header.value.clone()]) {
            d.add_generated(&CONTENT_LENGTH, Value::UInt(length));
        }
    }
    d.close();
}

/// Add the body's fields; returns whether the message has a non-empty body.
fn add_body(head: &Head, message: &[u8], place: Placement, d: &mut Dissection) -> bool {
    let framing = match framing(head, message) {
        Ok(framing) => framing,
        Err(error) => {
            d.set_malformed("http", place.offset(error.offset), error.to_string());
            return false;
        }
    };
    match framing {
        Framing::NoBody => false,
        Framing::Length(_) | Framing::UntilClose => {
            let body = head.len..message.len();
            if body.is_empty() {
                return false;
            }
            let len = body.len();
            let value = text_of(&message[body.clone()], d);
            let item = d.add(&FILE_DATA, place.range(body), value);
            // The body may be long and span many lines: the tree shows its size, as tshark does.
            d.set_title(item, format_args!("File Data: {len} bytes"));
            true
        }
        Framing::Chunked => match chunked_body(message, head.len) {
            Ok(Some(body)) => {
                let mut data = Vec::new();
                for chunk in &body.chunks {
                    let size = Value::UInt(chunk.size.min(u64::from(u32::MAX)));
                    d.add(&CHUNK_SIZE, place.range(chunk.size_line.clone()), size);
                    data.extend_from_slice(&message[chunk.data.clone()]);
                }
                if data.is_empty() {
                    return false;
                }
                // The de-chunked body is not one run of the frame's bytes: computed, not read.
                let value = text_of(&data, d);
                let item = d.add_generated(&FILE_DATA, value);
                d.set_title(item, format_args!("File Data: {} bytes", data.len()));
                true
            }
            Ok(None) => {
                let problem = "the message ends inside its chunked body (RFC 9112 §7.1)";
                d.set_malformed("http", place.offset(message.len()), problem.to_string());
                false
            }
            Err(error) => {
                d.set_malformed("http", place.offset(error.offset), error.to_string());
                false
            }
        },
    }
}

/// `text/html; charset=utf-8` → `text/html`, lower case, as tshark's Info column shows it.
fn media_type(content_type: &[u8]) -> String {
    let essence = content_type.split(|&b| b == b';').next().unwrap_or(&[]);
    String::from_utf8_lossy(essence.trim_ascii()).to_ascii_lowercase()
}
