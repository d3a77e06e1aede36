//! A small HTTP/1.1 (RFC 9112) server for static files and a client that downloads one
//! resource, both as engine [`Handler`]s.
//!
//! ```text
//!   GET /big.bin HTTP/1.1            HTTP/1.1 200 OK
//!   Host: 10.77.0.2                  Content-Length: 10485760
//!                                    Connection: keep-alive
//!   (empty line ends the head)       (empty line, then exactly Content-Length bytes)
//! ```
//!
//! The server answers GET and HEAD with `Content-Length` (RFC 9110 §8.6), keeps the
//! connection open for the next request unless asked to close (RFC 9112 §9.3), and
//! streams a file in chunks as the output buffer drains, so a big file never sits in memory.

use super::{Handler, Io, LOW_WATER};
use crate::tcp::ConnectionError;
use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// The longest request or response head accepted (request line or status line and fields).
pub const MAX_HEAD: usize = 16 * 1024;

/// Where the end of the head is: the offset just after the empty line.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
}

/// The value of field `name` (case-insensitive, RFC 9110 §5.1) among the head's lines.
fn field<'a>(lines: &[&'a str], name: &str) -> Option<&'a str> {
    lines.iter().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

// ---- server -----------------------------------------------------------------------------

/// Serves the files under `root` on one connection.
pub struct HttpServer {
    root: PathBuf,
    /// The body being sent: the file and the bytes still to go.
    body: Option<(File, u64)>,
    close_after_body: bool,
    /// Responses sent, for the log.
    pub responses: u32,
}

impl HttpServer {
    pub fn new(root: PathBuf) -> HttpServer {
        HttpServer {
            root,
            body: None,
            close_after_body: false,
            responses: 0,
        }
    }

    /// Answers the complete requests waiting in the input, one at a time: the next one
    /// only after the previous body has been queued (pipelining, RFC 9112 §9.3.2).
    fn answer_requests(&mut self, io: &mut Io<'_>) {
        while self.body.is_none() && !io.is_closing() {
            let input = io.input.make_contiguous();
            let Some(end) = head_end(input) else {
                if input.len() > MAX_HEAD {
                    self.respond_error(io, "431 Request Header Fields Too Large");
                }
                return;
            };
            let head = String::from_utf8_lossy(input.get(..end).unwrap_or_default()).into_owned();
            io.input.drain(..end);
            self.respond(io, &head);
        }
    }

    fn respond(&mut self, io: &mut Io<'_>, head: &str) {
        let lines: Vec<&str> = head.split("\r\n").filter(|l| !l.is_empty()).collect();
        let mut request_line = lines.first().copied().unwrap_or_default().split(' ');
        let (Some(method), Some(target), Some(version)) = (
            request_line.next(),
            request_line.next(),
            request_line.next(),
        ) else {
            return self.respond_error(io, "400 Bad Request");
        };
        // HTTP/1.1 keeps the connection by default, HTTP/1.0 closes it (RFC 9112 §9.3).
        let connection = field(&lines, "connection").unwrap_or_default();
        self.close_after_body = if version == "HTTP/1.1" {
            connection.eq_ignore_ascii_case("close")
        } else {
            !connection.eq_ignore_ascii_case("keep-alive")
        };
        if method != "GET" && method != "HEAD" {
            return self.respond_error(io, "501 Not Implemented");
        }
        let Some(path) = self.resolve(target) else {
            return self.respond_error(io, "404 Not Found");
        };
        let Ok(file) = File::open(&path) else {
            return self.respond_error(io, "404 Not Found");
        };
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        self.write_head(io, "200 OK", len, content_type(&path));
        if method == "GET" && len > 0 {
            self.body = Some((file, len));
            self.writable(io);
        } else {
            self.body_done(io);
        }
    }

    /// The file for a request target: percent-decoded, no query, never outside `root`.
    fn resolve(&self, target: &str) -> Option<PathBuf> {
        let path = target.split(['?', '#']).next()?;
        let decoded = percent_decode(path)?;
        let mut file = self.root.clone();
        for component in Path::new(&decoded).components() {
            match component {
                Component::Normal(part) => file.push(part),
                Component::RootDir | Component::CurDir => {}
                Component::ParentDir | Component::Prefix(_) => return None,
            }
        }
        if file.is_dir() {
            file.push("index.html");
        }
        file.is_file().then_some(file)
    }

    fn write_head(&mut self, io: &mut Io<'_>, status: &str, len: u64, content_type: &str) {
        let connection = if self.close_after_body {
            "close"
        } else {
            "keep-alive"
        };
        let head = format!(
            "HTTP/1.1 {status}\r\nServer: wirelab\r\nContent-Type: {content_type}\r\n\
             Content-Length: {len}\r\nConnection: {connection}\r\n\r\n"
        );
        io.write(head.as_bytes());
        self.responses += 1;
    }

    fn respond_error(&mut self, io: &mut Io<'_>, status: &str) {
        let body = format!("{status}\n");
        // After a malformed or oversized head, where the next request starts is unknown.
        if matches!(status.get(..3), Some("400" | "431")) {
            self.close_after_body = true;
            io.input.clear();
        }
        self.write_head(io, status, body.len() as u64, "text/plain");
        io.write(body.as_bytes());
        self.body_done(io);
    }

    fn body_done(&mut self, io: &mut Io<'_>) {
        self.body = None;
        if self.close_after_body {
            io.close();
        }
    }
}

impl Handler for HttpServer {
    fn readable(&mut self, io: &mut Io<'_>) {
        self.answer_requests(io);
    }

    /// Reads the next chunks of the file while the output buffer has room.
    fn writable(&mut self, io: &mut Io<'_>) {
        // The engine asks every round while the output is short: an idle connection has
        // no file to read, and no buffer to allocate.
        if self.body.is_none() {
            return;
        }
        let mut chunk = vec![0u8; 64 * 1024];
        while let Some((file, left)) = self.body.as_mut() {
            if io.output_len() >= LOW_WATER {
                return;
            }
            let want = chunk
                .len()
                .min(usize::try_from(*left).unwrap_or(usize::MAX));
            // A read error counts as the end of the file: handled just below.
            let n = file
                .read(chunk.get_mut(..want).unwrap_or_default())
                .unwrap_or_default();
            if n == 0 {
                // The file shrank or failed under us: the length promised cannot be kept,
                // so the connection must end (RFC 9112 §6.3: the client sees it incomplete).
                self.close_after_body = true;
                self.body_done(io);
                return;
            }
            io.write(chunk.get(..n).unwrap_or_default());
            *left -= n as u64;
            if *left == 0 {
                self.body_done(io);
                self.answer_requests(io);
            }
        }
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html" | "htm") => "text/html",
        Some("txt") => "text/plain",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `%2F` → `/` (RFC 3986 §2.1); `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---- client -----------------------------------------------------------------------------

/// `http://A.B.C.D[:PORT]/PATH`: the client has no DNS, so the host is an IPv4 address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub server: SocketAddrV4,
    pub path: String,
}

impl Url {
    pub fn parse(url: &str) -> Result<Url, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("URL {url:?}: expected it to start with \"http://\""))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) => {
                let port = port.parse::<u16>().map_err(|_| {
                    format!("URL {url:?}: port {port:?} is not a number from 0 to 65535")
                })?;
                (host, port)
            }
            None => (authority, 80),
        };
        let ip = host.parse::<Ipv4Addr>().map_err(|_| {
            format!("URL {url:?}: host {host:?} is not an IPv4 address (there is no DNS here)")
        })?;
        Ok(Url {
            server: SocketAddrV4::new(ip, port),
            path: path.to_string(),
        })
    }
}

/// What the download came to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Download {
    /// The status code, once the head has arrived.
    pub status: Option<u16>,
    pub content_length: Option<u64>,
    /// Body bytes written.
    pub received: u64,
    /// `Some(Ok)` when the body is complete, `Some(Err)` with the reason when it failed.
    pub result: Option<Result<(), String>>,
}

/// Downloads one URL with GET, writing the body to `out`; the outcome goes to `download`.
pub struct HttpClient {
    url: Url,
    out: Box<dyn Write>,
    download: Rc<RefCell<Download>>,
    head_done: bool,
}

impl HttpClient {
    pub fn new(url: Url, out: Box<dyn Write>, download: Rc<RefCell<Download>>) -> HttpClient {
        HttpClient {
            url,
            out,
            download,
            head_done: false,
        }
    }

    fn fail(&mut self, io: &mut Io<'_>, why: String) {
        let mut d = self.download.borrow_mut();
        if d.result.is_none() {
            d.result = Some(Err(why));
        }
        io.input.clear();
        io.close();
    }

    fn read_head(&mut self, io: &mut Io<'_>) -> Result<bool, String> {
        let input = io.input.make_contiguous();
        let Some(end) = head_end(input) else {
            if input.len() > MAX_HEAD {
                return Err(format!("response head longer than {MAX_HEAD} bytes"));
            }
            return Ok(false);
        };
        let head = String::from_utf8_lossy(input.get(..end).unwrap_or_default()).into_owned();
        io.input.drain(..end);
        let lines: Vec<&str> = head.split("\r\n").filter(|l| !l.is_empty()).collect();
        let status_line = lines.first().copied().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse::<u16>().ok())
            .ok_or_else(|| format!("status line {status_line:?}: expected HTTP/1.x CODE"))?;
        if field(&lines, "transfer-encoding").is_some() {
            return Err("Transfer-Encoding is not supported; expected Content-Length".into());
        }
        let content_length = match field(&lines, "content-length") {
            Some(v) => Some(
                v.parse::<u64>()
                    .map_err(|_| format!("Content-Length {v:?} is not a number"))?,
            ),
            None => None,
        };
        let mut d = self.download.borrow_mut();
        d.status = Some(status);
        d.content_length = content_length;
        if status != 200 {
            return Err(format!("the server answered {status_line:?}"));
        }
        Ok(true)
    }

    fn finish_if_complete(&mut self, io: &mut Io<'_>) {
        let complete = {
            let d = self.download.borrow();
            d.content_length.is_some_and(|len| d.received >= len) && d.result.is_none()
        };
        if complete {
            self.record_flushed_body();
            io.close();
        }
    }

    /// The body is all written: the download's result is whether flushing it worked.
    fn record_flushed_body(&mut self) {
        let flushed = self
            .out
            .flush()
            .map_err(|e| format!("writing the body: {e}"));
        self.download.borrow_mut().result = Some(flushed);
    }
}

impl Handler for HttpClient {
    fn connected(&mut self, io: &mut Io<'_>) {
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: wirelab\r\nConnection: close\r\n\r\n",
            self.url.path, self.url.server
        );
        io.write(request.as_bytes());
    }

    fn readable(&mut self, io: &mut Io<'_>) {
        if !self.head_done {
            match self.read_head(io) {
                Ok(true) => self.head_done = true,
                Ok(false) => return,
                Err(why) => return self.fail(io, why),
            }
        }
        let body: Vec<u8> = io.take_input();
        let wanted = {
            let d = self.download.borrow();
            d.content_length
                .map_or(body.len() as u64, |len| len - d.received)
        };
        let keep = body
            .len()
            .min(usize::try_from(wanted).unwrap_or(usize::MAX));
        if let Err(e) = self.out.write_all(body.get(..keep).unwrap_or_default()) {
            return self.fail(io, format!("writing the body: {e}"));
        }
        self.download.borrow_mut().received += keep as u64;
        self.finish_if_complete(io);
    }

    fn peer_closed(&mut self, io: &mut Io<'_>) {
        let failure: Option<String> = {
            let d = self.download.borrow();
            match (d.content_length, self.head_done) {
                (_, false) => Some("the server closed before a complete response head".into()),
                (Some(len), true) if d.received < len => Some(format!(
                    "the server closed after {} of {len} body bytes",
                    d.received
                )),
                _ => None,
            }
        };
        if let Some(why) = failure {
            return self.fail(io, why);
        }
        // Without Content-Length the body ends with the connection (RFC 9112 §6.3).
        if self.download.borrow().result.is_none() {
            self.record_flushed_body();
        }
        io.close();
    }

    fn closed(&mut self, error: Option<ConnectionError>) {
        let mut d = self.download.borrow_mut();
        if d.result.is_none() {
            d.result = Some(Err(match error {
                Some(e) => format!("{e}"),
                None => "the connection closed before the response was complete".into(),
            }));
        }
    }
}
