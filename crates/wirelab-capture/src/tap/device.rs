//! What a stack driver needs from a link: send a frame, take a frame if one has come, and
//! sleep until one comes or a timer is due. [`TapDevice`](super::TapDevice) is the real one;
//! [`MemoryDevice`] is a pair of queues for tests; [`FaultInjector`](super::FaultInjector)
//! and [`PcapRecorder`](super::PcapRecorder) wrap any of them.

use std::collections::VecDeque;
use std::io;
use std::time::Duration;

/// A link that carries whole Ethernet frames (destination MAC first, no preamble, no FCS).
pub trait FrameDevice {
    /// Sends one frame. Like a real wire, the device does not say whether it arrived.
    fn send(&mut self, frame: &[u8]) -> io::Result<()>;

    /// Copies the next frame that has arrived into `buf` and returns its length, or `None`
    /// when no frame is waiting (this never blocks). A frame longer than `buf` is an error
    /// (`InvalidInput`) that names both lengths.
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>>;

    /// Sleeps until a frame may be waiting or `timeout` has passed (`None`: no limit).
    /// Returns `true` when [`recv`](FrameDevice::recv) is worth calling.
    ///
    /// A driver passes the time until the stack's next timer (`poll_timeout()`), so the
    /// stack's retransmission and delayed-ACK timers run on the real clock.
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<bool>;
}

impl<D: FrameDevice + ?Sized> FrameDevice for &mut D {
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        (**self).send(frame)
    }
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        (**self).recv(buf)
    }
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        (**self).wait(timeout)
    }
}

impl<D: FrameDevice + ?Sized> FrameDevice for Box<D> {
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        (**self).send(frame)
    }
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        (**self).recv(buf)
    }
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        (**self).wait(timeout)
    }
}

/// Copies `frame` into `buf`, or explains why it does not fit.
pub(crate) fn copy_frame(frame: &[u8], buf: &mut [u8]) -> io::Result<usize> {
    match buf.get_mut(..frame.len()) {
        Some(slot) => {
            slot.copy_from_slice(frame);
            Ok(frame.len())
        }
        None => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "receive buffer of {} bytes is too small for a frame of {} bytes",
                buf.len(),
                frame.len()
            ),
        )),
    }
}

/// A device in memory: frames sent are kept in [`sent`](MemoryDevice::sent), frames put in
/// [`incoming`](MemoryDevice::incoming) are received in order. For tests of middleware.
#[derive(Debug, Default)]
pub struct MemoryDevice {
    pub sent: Vec<Vec<u8>>,
    pub incoming: VecDeque<Vec<u8>>,
}

impl MemoryDevice {
    pub fn new() -> MemoryDevice {
        MemoryDevice::default()
    }
}

impl FrameDevice for MemoryDevice {
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        self.sent.push(frame.to_vec());
        Ok(())
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        match self.incoming.front() {
            None => Ok(None),
            Some(frame) => {
                let len = copy_frame(frame, buf)?;
                self.incoming.pop_front();
                Ok(Some(len))
            }
        }
    }

    /// Never sleeps: nothing else can put a frame into memory while we wait.
    fn wait(&mut self, _timeout: Option<Duration>) -> io::Result<bool> {
        Ok(!self.incoming.is_empty())
    }
}
