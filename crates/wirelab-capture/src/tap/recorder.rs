//! Saving what crosses a device as a pcap file that Wireshark and `wirelab` open.
//!
//! Where the recorder sits decides what the capture shows:
//!
//! ```text
//!   stack ── PcapRecorder ── FaultInjector ── TapDevice    what the stack sent and received
//!   stack ── FaultInjector ── PcapRecorder ── TapDevice    what the kernel sent and received
//! ```
//!
//! (the second is what `tcpdump -i wltap0` would show).

use super::device::FrameDevice;
use crate::{PcapWriter, TsResolution};
use std::io::{self, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wirelab_wire::{LinkType, Timestamp};

/// Middleware that writes every frame sent or received through `inner` into a pcap file
/// (Ethernet, nanosecond timestamps from the system clock).
pub struct PcapRecorder<D: FrameDevice, W: Write> {
    inner: D,
    writer: PcapWriter<W>,
    /// Frames written so far.
    pub frames: u64,
}

impl<D: FrameDevice, W: Write> PcapRecorder<D, W> {
    /// Writes the pcap header at once, so an error in `out` shows before any traffic.
    pub fn new(inner: D, out: W) -> io::Result<PcapRecorder<D, W>> {
        let writer = PcapWriter::new(out, LinkType::ETHERNET, 0, TsResolution::Nanoseconds)?;
        Ok(PcapRecorder {
            inner,
            writer,
            frames: 0,
        })
    }

    pub fn inner(&self) -> &D {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut D {
        &mut self.inner
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }

    /// Flushes the file and hands back the device and the writer.
    pub fn into_parts(self) -> io::Result<(D, W)> {
        let out = self.writer.into_inner()?;
        Ok((self.inner, out))
    }

    fn record(&mut self, frame: &[u8]) -> io::Result<()> {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        let ts = Timestamp::from_nanos(since_epoch.as_nanos() as i128);
        let orig_len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        self.writer.write_packet(ts, orig_len, frame)?;
        self.frames += 1;
        Ok(())
    }
}

impl<D: FrameDevice, W: Write> FrameDevice for PcapRecorder<D, W> {
    /// Records the frame, then sends it (a frame the device refuses is in the capture, as
    /// in a capture on the sending host).
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        self.record(frame)?;
        self.inner.send(frame)
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        let received = self.inner.recv(buf)?;
        if let Some(len) = received {
            let frame = buf.get(..len).unwrap_or_default();
            self.record(frame)?;
        }
        Ok(received)
    }

    fn wait(&mut self, timeout: Option<std::time::Duration>) -> io::Result<bool> {
        self.inner.wait(timeout)
    }
}
