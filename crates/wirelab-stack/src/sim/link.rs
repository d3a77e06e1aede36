//! Media a frame can cross: a [`Link`] with delay, bandwidth and a queue, and middleware that
//! wraps any medium: [`FaultInjector`] (loss, duplication, reordering, corruption from a
//! seeded RNG) and [`PcapTap`] (writes what is sent into a capture).

use crate::{Duration, Instant};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::rc::Rc;
use wirelab_capture::{PcapWriter, TsResolution};
use wirelab_wire::{LinkType, Timestamp};

/// One direction of a link: frames go in with `transmit` and come out of `receive`.
pub trait Medium {
    fn transmit(&mut self, now: Instant, frame: Vec<u8>);
    /// A frame that has arrived by `now`, oldest first.
    fn receive(&mut self, now: Instant) -> Option<Vec<u8>>;
    /// When the next frame arrives (or something else happens inside).
    fn poll_timeout(&self) -> Option<Instant>;
    /// What befell the frame last transmitted (`lost`, `duplicated`...), for traces.
    fn take_note(&mut self) -> Option<&'static str> {
        None
    }
}

#[derive(Clone, Debug)]
pub struct LinkConfig {
    /// Propagation delay.
    pub delay: Duration,
    /// Bits per second; `None` sends a frame in no time.
    pub bandwidth: Option<u64>,
    /// Frames waiting to be serialised beyond which new ones are dropped (tail drop).
    pub queue_limit: usize,
}

impl Default for LinkConfig {
    fn default() -> LinkConfig {
        LinkConfig {
            delay: Duration::from_millis(10),
            bandwidth: Some(100_000_000),
            queue_limit: 1000,
        }
    }
}

/// A point-to-point link in one direction: a frame waits for the frames before it to be
/// serialised (bandwidth), then travels `delay`.
pub struct Link {
    config: LinkConfig,
    /// (start of serialisation, arrival, frame), in order of arrival.
    in_flight: VecDeque<(Instant, Instant, Vec<u8>)>,
    busy_until: Instant,
    note: Option<&'static str>,
    pub dropped: u64,
}

impl Link {
    pub fn new(config: LinkConfig) -> Link {
        Link {
            config,
            in_flight: VecDeque::new(),
            busy_until: Instant::ZERO,
            note: None,
            dropped: 0,
        }
    }
}

impl Medium for Link {
    fn transmit(&mut self, now: Instant, frame: Vec<u8>) {
        let waiting = self
            .in_flight
            .iter()
            .filter(|(start, _, _)| *start > now)
            .count();
        if waiting >= self.config.queue_limit {
            self.dropped += 1;
            self.note = Some("dropped: queue full");
            return;
        }
        let start = self.busy_until.max(now);
        let serialisation = match self.config.bandwidth {
            Some(bps) if bps > 0 => {
                Duration::from_nanos((frame.len() as u64 * 8).saturating_mul(1_000_000_000) / bps)
            }
            _ => Duration::ZERO,
        };
        self.busy_until = start + serialisation;
        let arrival = self.busy_until + self.config.delay;
        self.in_flight.push_back((start, arrival, frame));
    }

    fn receive(&mut self, now: Instant) -> Option<Vec<u8>> {
        if self.in_flight.front()?.1 <= now {
            return self.in_flight.pop_front().map(|(_, _, frame)| frame);
        }
        None
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.in_flight.front().map(|(_, arrival, _)| *arrival)
    }

    fn take_note(&mut self) -> Option<&'static str> {
        self.note.take()
    }
}

/// Probabilities (0.0 to 1.0) of what can happen to a frame.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub loss: f64,
    pub duplicate: f64,
    /// A frame is held back by `reorder_delay`, so later frames overtake it.
    pub reorder: f64,
    pub reorder_delay: Duration,
    /// One bit flipped after the Ethernet header: checksums must catch it.
    pub corrupt: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultStats {
    pub lost: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub corrupted: u64,
}

/// Middleware that applies [`Faults`] before the wrapped medium, from a seeded RNG: the same
/// seed gives the same faults on the same traffic.
pub struct FaultInjector<M: Medium> {
    inner: M,
    faults: Faults,
    rng: ChaCha8Rng,
    held: Vec<(Instant, Vec<u8>)>,
    note: Option<&'static str>,
    pub stats: FaultStats,
}

impl<M: Medium> FaultInjector<M> {
    pub fn new(inner: M, faults: Faults, seed: u64) -> FaultInjector<M> {
        FaultInjector {
            inner,
            faults,
            rng: ChaCha8Rng::seed_from_u64(seed),
            held: Vec::new(),
            note: None,
            stats: FaultStats::default(),
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.rng.next_u32() as f64) < p * (u32::MAX as f64 + 1.0)
    }

    fn release_held(&mut self, now: Instant) {
        self.held.sort_by_key(|(at, _)| *at);
        while self.held.first().is_some_and(|(at, _)| *at <= now) {
            let (at, frame) = self.held.remove(0);
            self.inner.transmit(at, frame);
        }
    }
}

impl<M: Medium> Medium for FaultInjector<M> {
    fn transmit(&mut self, now: Instant, frame: Vec<u8>) {
        self.release_held(now);
        if self.chance(self.faults.loss) {
            self.stats.lost += 1;
            self.note = Some("lost");
            return;
        }
        let copies = if self.chance(self.faults.duplicate) {
            self.stats.duplicated += 1;
            self.note = Some("duplicated");
            2
        } else {
            1
        };
        for _ in 0..copies {
            let mut copy = frame.clone();
            if copy.len() > 14 && self.chance(self.faults.corrupt) {
                let byte = 14 + (self.rng.next_u32() as usize) % (copy.len() - 14);
                let bit = self.rng.next_u32() % 8;
                if let Some(b) = copy.get_mut(byte) {
                    *b ^= 1 << bit;
                }
                self.stats.corrupted += 1;
                self.note = Some("corrupted");
            }
            if self.chance(self.faults.reorder) {
                self.stats.reordered += 1;
                self.note = Some("held back (reordered)");
                self.held.push((now + self.faults.reorder_delay, copy));
            } else {
                self.inner.transmit(now, copy);
            }
        }
    }

    fn receive(&mut self, now: Instant) -> Option<Vec<u8>> {
        self.release_held(now);
        self.inner.receive(now)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        let held = self.held.iter().map(|(at, _)| *at).min();
        [held, self.inner.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
    }

    fn take_note(&mut self) -> Option<&'static str> {
        self.note.take().or_else(|| self.inner.take_note())
    }
}

/// A pcap file shared by the taps of both directions of a link.
pub struct Capture {
    writer: PcapWriter<Box<dyn Write>>,
    /// The first write error; later frames are not written.
    pub error: Option<io::Error>,
    pub frames: u64,
}

pub type SharedCapture = Rc<RefCell<Capture>>;

impl Capture {
    /// Starts an Ethernet capture (microsecond timestamps; the simulation starts at the
    /// epoch).
    pub fn new(out: Box<dyn Write>) -> io::Result<SharedCapture> {
        let writer = PcapWriter::new(out, LinkType::ETHERNET, 65535, TsResolution::Microseconds)?;
        Ok(Rc::new(RefCell::new(Capture {
            writer,
            error: None,
            frames: 0,
        })))
    }

    fn write(&mut self, now: Instant, frame: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let ts = Timestamp::from_nanos(i128::from(now.total_micros()) * 1000);
        match self.writer.write_packet(ts, frame.len() as u32, frame) {
            Ok(()) => self.frames += 1,
            Err(e) => self.error = Some(e),
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Middleware that writes every frame sent into a capture, as a capture on the sending host
/// would see it (frames the link later loses are in it).
pub struct PcapTap<M: Medium> {
    inner: M,
    capture: SharedCapture,
}

impl<M: Medium> PcapTap<M> {
    pub fn new(inner: M, capture: SharedCapture) -> PcapTap<M> {
        PcapTap { inner, capture }
    }
}

impl<M: Medium> Medium for PcapTap<M> {
    fn transmit(&mut self, now: Instant, frame: Vec<u8>) {
        self.capture.borrow_mut().write(now, &frame);
        self.inner.transmit(now, frame);
    }

    fn receive(&mut self, now: Instant) -> Option<Vec<u8>> {
        self.inner.receive(now)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.inner.poll_timeout()
    }

    fn take_note(&mut self) -> Option<&'static str> {
        self.inner.take_note()
    }
}
