//! One end of a TLS 1.2 connection, sans-IO: it never touches a socket or a clock, and its
//! randomness is given to it. The client ([`crate::client::Client`]) and the server
//! ([`crate::server::Server`]) are the same [`Endpoint`] with a different [`Role`]: they read
//! records, alerts and application data alike (RFC 5246 §6, §7.2) and differ only in their
//! handshake (§7.3). A driver moves bytes:
//!
//! ```text
//!  let mut client = Client::new(config, rng);            // the ClientHello is ready to send
//!  loop {
//!      socket.write_all(&client.take_output())?;
//!      client.receive(&socket_bytes)?;                   // advances the handshake
//!      while let Some(event) = client.poll_event() { … } // randoms, secrets, keys, records
//!      if client.is_established() { client.send(b"GET / HTTP/1.1 …")?; }
//!      let data = client.take_received();
//!  }
//! ```

use crate::codec::{AlertDescription, Context, Handshake};
use crate::conn::{Connection, Incoming};
use crate::error::TlsError;
use crate::event::Event;
use std::fmt;

/// What makes an end a client or a server: its configuration and its handshake, one state
/// per message it expects next (`client/states.rs`, `server/states.rs`).
pub trait Role {
    /// Who is at the other end, for messages: "server" for a client, "client" for a server.
    const PEER: &'static str;

    /// The states of this side's handshake.
    type State: HandshakeState;

    /// The state that follows `state` once `input` came: a handshake message (RFC 5246 §7.4)
    /// or ChangeCipherSpec (§7.1), each expected in one state only.
    fn handle(
        &mut self,
        state: Self::State,
        input: Input<'_>,
        conn: &mut Connection,
    ) -> Result<Self::State, TlsError>;
}

/// One side's handshake states: each names what it expects next, and every handshake ends in
/// the same two.
pub trait HandshakeState: Sized {
    /// The handshake is over and application data may flow.
    const TRAFFIC: Self;
    /// After close_notify either way, or a fatal error: nothing more is read or sent.
    const CLOSED: Self;

    /// The state's name (`ExpectServerHello`…), for traces and errors.
    fn name(&self) -> &'static str;

    /// How the next handshake message decodes: key-exchange messages depend on the suite.
    fn context(&self) -> Context;
}

/// What moves a handshake on.
pub enum Input<'a> {
    /// A handshake message, decoded, and as sent (for the transcript).
    Handshake { message: Handshake, raw: &'a [u8] },
    /// The peer's ChangeCipherSpec: from now on its records are protected.
    ChangeCipherSpec,
}

impl fmt::Display for Input<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Handshake { message, .. } => write!(f, "{}", message.handshake_type()),
            Input::ChangeCipherSpec => f.write_str("ChangeCipherSpec"),
        }
    }
}

/// One end of a connection; see the module's documentation for how to drive it.
pub struct Endpoint<R: Role> {
    pub(crate) role: R,
    state: R::State,
    pub(crate) conn: Connection,
    received: Vec<u8>,
    peer_closed: bool,
}

impl<R: Role> Endpoint<R> {
    /// An end in `role`'s first `state`, over `conn` (which may already hold a first message).
    pub(crate) fn with_role(role: R, state: R::State, conn: Connection) -> Endpoint<R> {
        Endpoint {
            role,
            state,
            conn,
            received: Vec::new(),
            peer_closed: false,
        }
    }

    /// The state's name (`ExpectServerHello`, `ExpectClientHello`…), for traces.
    pub fn state_name(&self) -> &'static str {
        self.state.name()
    }

    /// Whether the handshake is over and application data may flow (the state `Traffic`).
    pub fn is_established(&self) -> bool {
        self.is_in(&R::State::TRAFFIC)
    }

    /// Whether the end reads nothing more (the state `Closed`).
    fn is_closed(&self) -> bool {
        self.is_in(&R::State::CLOSED)
    }

    /// Whether the state is `state`'s variant, whatever it holds.
    fn is_in(&self, state: &R::State) -> bool {
        std::mem::discriminant(&self.state) == std::mem::discriminant(state)
    }

    /// Whether the peer sent close_notify (RFC 5246 §7.2.1).
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// Bytes from the peer. On a failure, the fatal alert to send is already in the output
    /// and the connection is closed.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<(), TlsError> {
        if self.is_closed() {
            return Ok(());
        }
        self.conn.receive(bytes);
        let result = self.process();
        if let Err(error) = &result {
            self.conn.fail(error);
            self.state = R::State::CLOSED;
        }
        result
    }

    fn process(&mut self) -> Result<(), TlsError> {
        while let Some(incoming) = self.conn.next_incoming()? {
            match incoming {
                Incoming::Handshake { message, offset } => {
                    let decoded = Handshake::decode(&message, offset, self.state.context())?;
                    self.conn.note_received(&decoded, message.len());
                    self.advance(Input::Handshake {
                        message: decoded,
                        raw: &message,
                    })?;
                }
                Incoming::ChangeCipherSpec => self.advance(Input::ChangeCipherSpec)?,
                Incoming::Alert(alert) => {
                    // RFC 5246 §7.2: close_notify ends the connection, a fatal alert fails
                    // it, a warning is noted (as an event) and the handshake goes on.
                    if self.conn.peer_alert(alert, R::PEER)? {
                        self.peer_closed = true;
                        self.state = R::State::CLOSED;
                    }
                }
                Incoming::ApplicationData(data) => {
                    if !self.is_established() {
                        return Err(TlsError::unexpected(self.state_name(), "application data"));
                    }
                    self.received.extend_from_slice(&data);
                }
            }
        }
        Ok(())
    }

    /// Hands `input` to the role's current state and keeps the state it leads to.
    fn advance(&mut self, input: Input<'_>) -> Result<(), TlsError> {
        // A failing state leaves `Closed` behind: the connection is over.
        let state = std::mem::replace(&mut self.state, R::State::CLOSED);
        self.state = self.role.handle(state, input, &mut self.conn)?;
        Ok(())
    }

    /// Bytes to send to the peer.
    pub fn take_output(&mut self) -> Vec<u8> {
        self.conn.take_output()
    }

    /// The next thing that happened, in order (see [`Event`]).
    pub fn poll_event(&mut self) -> Option<Event> {
        self.conn.events.pop_front()
    }

    /// Send application data (after the handshake).
    pub fn send(&mut self, data: &[u8]) -> Result<(), TlsError> {
        if !self.is_established() {
            return Err(TlsError::new(
                AlertDescription::INTERNAL_ERROR,
                format!("cannot send data in state {}", self.state_name()),
            ));
        }
        self.conn.send_application_data(data)
    }

    /// Application data received so far, taken.
    pub fn take_received(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.received)
    }

    /// Send close_notify (RFC 5246 §7.2.1).
    pub fn close(&mut self) {
        self.conn.close_notify();
        self.state = R::State::CLOSED;
    }
}
