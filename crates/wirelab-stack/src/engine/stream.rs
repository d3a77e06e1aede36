//! One connection as an application sees it: an input and an output buffer, and the
//! order in which its handler hears about it.

use super::{Handler, LOW_WATER};
use crate::iface::{Interface, SocketHandle};
use crate::tcp::State;
use std::collections::VecDeque;

/// A connection's buffers, lent to its handler during a callback.
pub struct Io<'a> {
    /// Bytes received and not yet consumed by the handler.
    pub input: &'a mut VecDeque<u8>,
    output: &'a mut VecDeque<u8>,
    close_requested: &'a mut bool,
}

impl Io<'_> {
    /// Queues `data` to be sent, all of it: the engine feeds it to TCP as room appears.
    pub fn write(&mut self, data: &[u8]) {
        if !*self.close_requested {
            self.output.extend(data);
        }
    }

    /// Bytes written and not yet taken by TCP's send buffer.
    pub fn output_len(&self) -> usize {
        self.output.len()
    }

    /// Takes all the input.
    pub fn take_input(&mut self) -> Vec<u8> {
        // The ring's two halves, copied whole: `drain(..).collect()` goes byte by byte, and
        // was a third of a download's time over a TAP device.
        let (front, back) = self.input.as_slices();
        let mut taken = Vec::with_capacity(front.len() + back.len());
        taken.extend_from_slice(front);
        taken.extend_from_slice(back);
        self.input.clear();
        taken
    }

    /// CLOSE once everything written has been handed to TCP (RFC 9293 §3.10.4: the FIN
    /// follows the data).
    pub fn close(&mut self) {
        *self.close_requested = true;
    }

    pub fn is_closing(&self) -> bool {
        *self.close_requested
    }
}

pub(super) struct Stream {
    handle: SocketHandle,
    handler: Box<dyn Handler>,
    input: VecDeque<u8>,
    output: VecDeque<u8>,
    close_requested: bool,
    fin_queued: bool,
    told_connected: bool,
    told_peer_closed: bool,
}

pub(super) struct Outcome {
    pub progress: bool,
    /// The handler has been told `closed`: the stream can go.
    pub finished: bool,
}

impl Stream {
    pub fn new(handle: SocketHandle, handler: Box<dyn Handler>) -> Stream {
        Stream {
            handle,
            handler,
            input: VecDeque::new(),
            output: VecDeque::new(),
            close_requested: false,
            fin_queued: false,
            told_connected: false,
            told_peer_closed: false,
        }
    }

    pub fn handle(&self) -> SocketHandle {
        self.handle
    }

    fn call(&mut self, callback: impl FnOnce(&mut dyn Handler, &mut Io<'_>)) {
        let mut io = Io {
            input: &mut self.input,
            output: &mut self.output,
            close_requested: &mut self.close_requested,
        };
        callback(self.handler.as_mut(), &mut io);
    }

    /// One round for this connection: connected, then reads, writes, the peer's FIN, our
    /// FIN, and the end — in that order.
    pub fn service(&mut self, iface: &mut Interface, scratch: &mut [u8]) -> Outcome {
        let mut progress = false;
        let Some(connection) = iface.tcp(self.handle) else {
            self.handler.closed(None);
            return Outcome {
                progress: true,
                finished: true,
            };
        };
        while connection.poll_event().is_some() {} // the engine keeps no trace
        let state = connection.state();
        let synchronized = !matches!(state, State::SynSent | State::SynReceived | State::Listen);
        if !self.told_connected && synchronized && state != State::Closed {
            self.told_connected = true;
            self.call(|h, io| h.connected(io));
            progress = true;
        }

        let Some(connection) = iface.tcp(self.handle) else {
            return Outcome {
                progress,
                finished: false,
            };
        };
        let mut read = 0;
        loop {
            let n = connection.recv(scratch);
            if n == 0 {
                break;
            }
            self.input.extend(scratch.get(..n).unwrap_or_default());
            read += n;
        }
        if read > 0 {
            self.call(|h, io| h.readable(io));
            progress = true;
        }

        self.flush(iface);
        if self.output.len() < LOW_WATER && self.told_connected && !self.close_requested {
            let before = self.output.len();
            self.call(|h, io| h.writable(io));
            progress |= self.output.len() != before;
            self.flush(iface);
        }

        let Some(connection) = iface.tcp(self.handle) else {
            return Outcome {
                progress,
                finished: false,
            };
        };
        if !self.told_peer_closed && connection.peer_closed() && self.told_connected {
            self.told_peer_closed = true;
            self.call(|h, io| h.peer_closed(io));
            progress = true;
            self.flush(iface);
        }

        let Some(connection) = iface.tcp(self.handle) else {
            return Outcome {
                progress,
                finished: false,
            };
        };
        if self.close_requested && self.output.is_empty() && !self.fin_queued {
            connection.close();
            self.fin_queued = true;
            progress = true;
        }
        let state = connection.state();
        // The application is done when the connection is CLOSED, or when both FINs have
        // been exchanged (TIME-WAIT, LAST-ACK and CLOSING wait for the stack alone).
        let over = state == State::Closed
            || (self.fin_queued
                && self.told_peer_closed
                && matches!(state, State::TimeWait | State::LastAck | State::Closing))
            || (self.fin_queued && state == State::TimeWait);
        if over {
            let error = connection.error();
            if state == State::Closed && error.is_some() {
                self.output.clear();
            }
            self.handler.closed(error);
            return Outcome {
                progress: true,
                finished: true,
            };
        }
        Outcome {
            progress,
            finished: false,
        }
    }

    /// Hands as much output to TCP's send buffer as it takes.
    fn flush(&mut self, iface: &mut Interface) {
        let Some(connection) = iface.tcp(self.handle) else {
            return;
        };
        while !self.output.is_empty() {
            let (front, _) = self.output.as_slices();
            let taken = connection.send(front);
            if taken == 0 {
                break;
            }
            self.output.drain(..taken);
        }
    }
}
