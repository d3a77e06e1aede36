//! A driver for any blocking byte stream (`Read + Write`: a `TcpStream`, a pipe, an in-memory
//! pair): it moves bytes between the stream and a sans-IO client until the handshake is done,
//! and sends and receives application data. It owns no socket and reads no clock itself.

use crate::client::Client;
use crate::error::TlsError;
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

/// Send what the client has to send; on a TLS error, the alert goes out before the error
/// is returned.
fn flush<S: Write>(client: &mut Client, stream: &mut S) -> io::Result<()> {
    let out = client.take_output();
    if !out.is_empty() {
        stream.write_all(&out)?;
        stream.flush()?;
    }
    Ok(())
}

/// Run the handshake to its end. `on_progress` is called after each step (to print events as
/// they happen).
pub fn handshake<S: Read + Write>(
    client: &mut Client,
    stream: &mut S,
    mut on_progress: impl FnMut(&mut Client),
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

/// Send `data`, then read until `enough` says the reply is complete or the peer closes.
pub fn exchange<S: Read + Write>(
    client: &mut Client,
    stream: &mut S,
    data: &[u8],
    mut enough: impl FnMut(&[u8]) -> bool,
    mut on_progress: impl FnMut(&mut Client),
) -> Result<Vec<u8>, DriveError> {
    client.send(data)?;
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
