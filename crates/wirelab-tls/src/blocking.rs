//! A driver for any blocking byte stream (`Read + Write`: a `TcpStream`, a pipe, an in-memory
//! pair): it moves bytes between the stream and a sans-IO client or server until the handshake is done,
//! and sends and receives application data. It owns no socket and reads no clock itself.

use crate::error::TlsError;
use crate::event::Event;
use std::fmt;
use std::io::{self, Read, Write};

/// Why driving a connection stopped.
#[derive(Debug)]
pub enum DriveError {
    Io(io::Error),
    Tls(TlsError),
    /// The peer closed the stream in the middle of the handshake.
    ClosedDuringHandshake,
}

impl fmt::Display for DriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriveError::Io(e) => write!(f, "{e}"),
            DriveError::Tls(e) => write!(f, "TLS: {e}"),
            DriveError::ClosedDuringHandshake => {
                f.write_str("the peer closed the connection during the handshake")
            }
        }
    }
}

impl std::error::Error for DriveError {}

impl From<io::Error> for DriveError {
    fn from(e: io::Error) -> DriveError {
        DriveError::Io(e)
    }
}

impl From<TlsError> for DriveError {
    fn from(e: TlsError) -> DriveError {
        DriveError::Tls(e)
    }
}

/// Either end of a connection, as a driver sees it.
pub trait Endpoint {
    fn receive(&mut self, bytes: &[u8]) -> Result<(), TlsError>;
    fn take_output(&mut self) -> Vec<u8>;
    fn is_established(&self) -> bool;
    fn peer_closed(&self) -> bool;
    fn send(&mut self, data: &[u8]) -> Result<(), TlsError>;
    fn take_received(&mut self) -> Vec<u8>;
    fn poll_event(&mut self) -> Option<Event>;
}

macro_rules! endpoint {
    ($type:ty) => {
        impl Endpoint for $type {
            fn receive(&mut self, bytes: &[u8]) -> Result<(), TlsError> {
                <$type>::receive(self, bytes)
            }
            fn take_output(&mut self) -> Vec<u8> {
                <$type>::take_output(self)
            }
            fn is_established(&self) -> bool {
                <$type>::is_established(self)
            }
            fn peer_closed(&self) -> bool {
                <$type>::peer_closed(self)
            }
            fn send(&mut self, data: &[u8]) -> Result<(), TlsError> {
                <$type>::send(self, data)
            }
            fn take_received(&mut self) -> Vec<u8> {
                <$type>::take_received(self)
            }
            fn poll_event(&mut self) -> Option<Event> {
                <$type>::poll_event(self)
            }
        }
    };
}

endpoint!(crate::client::Client);
endpoint!(crate::server::Server);

/// Send what the endpoint has to send; on a TLS error, the alert goes out before the error
/// is returned.
fn flush<E: Endpoint, S: Write>(client: &mut E, stream: &mut S) -> io::Result<()> {
    let out = client.take_output();
    if !out.is_empty() {
        stream.write_all(&out)?;
        stream.flush()?;
    }
    Ok(())
}

/// Run the handshake to its end. `on_progress` is called after each step (to print events as
/// they happen).
pub fn handshake<E: Endpoint, S: Read + Write>(
    client: &mut E,
    stream: &mut S,
    mut on_progress: impl FnMut(&mut E),
) -> Result<(), DriveError> {
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        flush(client, stream)?;
        on_progress(client);
        if client.is_established() {
            return Ok(());
        }
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Err(DriveError::ClosedDuringHandshake);
        }
        let result = client.receive(&buffer[..n]);
        flush(client, stream)?;
        on_progress(client);
        result?;
    }
}

/// Send `data` (if any), then read until `enough` says the reply is complete or the peer
/// closes.
pub fn exchange<E: Endpoint, S: Read + Write>(
    client: &mut E,
    stream: &mut S,
    data: &[u8],
    mut enough: impl FnMut(&[u8]) -> bool,
    mut on_progress: impl FnMut(&mut E),
) -> Result<Vec<u8>, DriveError> {
    if !data.is_empty() {
        client.send(data)?;
    }
    flush(client, stream)?;
    let mut reply = Vec::new();
    let mut buffer = vec![0u8; 1 << 16];
    while !enough(&reply) && !client.peer_closed() {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        let result = client.receive(&buffer[..n]);
        flush(client, stream)?;
        on_progress(client);
        result?;
        reply.extend_from_slice(&client.take_received());
    }
    Ok(reply)
}
