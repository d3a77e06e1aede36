//! What `wirelab tls server` serves once the handshake is done: `echo` sends back whatever it
//! receives; `http` answers one HTTP/1.x request with a small page naming the cipher suite.

use crate::blocking::{self, DriveError};
use crate::codec::CipherSuite;
use crate::event::Event;
use crate::server::Server;
use std::io::{Read, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    Echo,
    Http,
}

/// Run the handshake, then the application, until the client closes (or, for `http`, the
/// reply is sent). `on_event` sees every event as it happens.
pub fn serve<S: Read + Write>(
    server: &mut Server,
    stream: &mut S,
    app: App,
    mut on_event: impl FnMut(&Event),
) -> Result<(), DriveError> {
    let mut suite = None;
    let mut drain = |s: &mut Server| {
        while let Some(event) = s.poll_event() {
            if let Event::SuiteChosen { suite: chosen, .. } = event {
                suite = Some(chosen);
            }
            on_event(&event);
        }
    };
    blocking::handshake(server, stream, &mut drain)?;
    match app {
        App::Echo => loop {
            let data = blocking::exchange(server, stream, &[], |r| !r.is_empty(), &mut drain)?;
            if data.is_empty() {
                return Ok(());
            }
            server.send(&data)?;
        },
        App::Http => {
            let request = blocking::exchange(
                server,
                stream,
                &[],
                |r| r.windows(4).any(|w| w == b"\r\n\r\n"),
                &mut drain,
            )?;
            let page = http_page(&request, suite);
            server.send(&page)?;
            server.close();
            stream.write_all(&server.take_output())?;
            Ok(())
        }
    }
}

/// A complete HTTP/1.1 response (RFC 9112) to `request`, naming the suite.
fn http_page(request: &[u8], suite: Option<CipherSuite>) -> Vec<u8> {
    let request_line = request
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let suite = suite.map_or("an unknown suite".to_string(), |s| s.to_string());
    let body = format!(
        "<!DOCTYPE html>\n<html><body><h1>wirelab TLS 1.2 server</h1>\n<p>You asked: {}</p>\n<p>Cipher suite: {suite}</p>\n</body></html>\n",
        escape(&request_line)
    );
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
