//! Fault injection on our side of a real link: the Linux kernel here has no netem, yet a
//! student wants to watch the kernel's TCP retransmit, recover from duplicates and reorder.
//! [`FaultInjector`] wraps any [`FrameDevice`] and, from a seeded RNG, drops, duplicates or
//! holds back frames in each direction:
//!
//! ```text
//!   stack ──send──> [outgoing faults] ──> device ──> kernel
//!   stack <──recv── [incoming faults] <── device <── kernel
//! ```
//!
//! Dropping incoming frames makes the *kernel* retransmit (its data never reached our
//! stack); dropping outgoing frames makes *our stack* retransmit. The same seed on the same
//! sequence of frames gives the same faults.

use super::device::{copy_frame, FrameDevice};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

/// Probabilities (0.0 to 1.0) of what befalls a frame crossing in one direction.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    pub drop: f64,
    pub duplicate: f64,
    /// The frame is held back until the next frame has overtaken it, or until
    /// [`reorder_hold`](Faults::reorder_hold) has passed when no frame follows (so a sender
    /// with nothing more to send is not stalled for ever).
    pub reorder: f64,
    pub reorder_hold: Duration,
}

impl Default for Faults {
    /// No faults; a held-back frame would wait at most 20 ms.
    fn default() -> Faults {
        Faults {
            drop: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            reorder_hold: Duration::from_millis(20),
        }
    }
}

/// What the injector did, per direction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultStats {
    pub passed: u64,
    pub dropped: u64,
    pub duplicated: u64,
    pub reordered: u64,
}

/// The frames of one direction that are waiting: held back (reordered), or ready to be
/// delivered (incoming only: a duplicate, or frames that a later frame has overtaken).
#[derive(Debug, Default)]
struct Queue {
    held: VecDeque<(Instant, Vec<u8>)>,
    ready: VecDeque<Vec<u8>>,
}

impl Queue {
    /// The oldest held-back frame, if its hold has passed by `now`.
    fn pop_due(&mut self, now: Instant) -> Option<Vec<u8>> {
        if self.held.front()?.0 > now {
            return None;
        }
        self.held.pop_front().map(|(_, frame)| frame)
    }
}

/// Middleware that applies [`Faults`] to the frames sent and received through `inner`.
pub struct FaultInjector<D: FrameDevice> {
    inner: D,
    outgoing: Faults,
    incoming: Faults,
    rng: ChaCha8Rng,
    out_queue: Queue,
    in_queue: Queue,
    pub outgoing_stats: FaultStats,
    pub incoming_stats: FaultStats,
}

/// One roll of the dice for one frame.
struct Fate {
    dropped: bool,
    copies: usize,
    held_back: bool,
}

impl<D: FrameDevice> FaultInjector<D> {
    /// `outgoing` applies to frames our stack sends, `incoming` to frames it receives.
    pub fn new(inner: D, outgoing: Faults, incoming: Faults, seed: u64) -> FaultInjector<D> {
        FaultInjector {
            inner,
            outgoing,
            incoming,
            rng: ChaCha8Rng::seed_from_u64(seed),
            out_queue: Queue::default(),
            in_queue: Queue::default(),
            outgoing_stats: FaultStats::default(),
            incoming_stats: FaultStats::default(),
        }
    }

    /// Changes the faults from now on (a demo can start clean, then lose frames). Frames
    /// already held back stay held.
    pub fn set_faults(&mut self, outgoing: Faults, incoming: Faults) {
        self.outgoing = outgoing;
        self.incoming = incoming;
    }

    /// The wrapped device (frames still held back are lost).
    pub fn into_inner(self) -> D {
        self.inner
    }

    pub fn inner(&self) -> &D {
        &self.inner
    }

    pub fn inner_mut(&mut self) -> &mut D {
        &mut self.inner
    }

    /// True with probability `p`. Always draws, so that the faults of one frame do not
    /// shift the random sequence of the next depending on which probabilities are zero.
    fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
        let draw = rng.next_u32();
        p > 0.0 && f64::from(draw) < p * (f64::from(u32::MAX) + 1.0)
    }

    fn roll(rng: &mut ChaCha8Rng, faults: &Faults, stats: &mut FaultStats) -> Fate {
        let dropped = Self::chance(rng, faults.drop);
        let duplicated = Self::chance(rng, faults.duplicate);
        let held_back = Self::chance(rng, faults.reorder);
        if dropped {
            stats.dropped += 1;
            return Fate {
                dropped,
                copies: 0,
                held_back: false,
            };
        }
        stats.passed += 1;
        if duplicated {
            stats.duplicated += 1;
        }
        if held_back {
            stats.reordered += 1;
        }
        Fate {
            dropped,
            copies: if duplicated { 2 } else { 1 },
            held_back,
        }
    }

    /// Sends the outgoing frames held back longer than their hold.
    fn release_outgoing(&mut self, now: Instant) -> io::Result<()> {
        while let Some(frame) = self.out_queue.pop_due(now) {
            self.inner.send(&frame)?;
        }
        Ok(())
    }

    /// Makes the incoming frames held back longer than their hold ready to be received.
    fn release_incoming(&mut self, now: Instant) {
        while let Some(frame) = self.in_queue.pop_due(now) {
            self.in_queue.ready.push_back(frame);
        }
    }

    /// The earliest instant a held frame is due, in either direction.
    fn next_release(&self) -> Option<Instant> {
        [self.out_queue.held.front(), self.in_queue.held.front()]
            .into_iter()
            .flatten()
            .map(|(due, _)| *due)
            .min()
    }
}

impl<D: FrameDevice> FrameDevice for FaultInjector<D> {
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        let now = Instant::now();
        let fate = Self::roll(&mut self.rng, &self.outgoing, &mut self.outgoing_stats);
        if fate.dropped {
            return self.release_outgoing(now);
        }
        if fate.held_back {
            let due = now + self.outgoing.reorder_hold;
            for _ in 0..fate.copies {
                self.out_queue.held.push_back((due, frame.to_vec()));
            }
            return self.release_outgoing(now);
        }
        for _ in 0..fate.copies {
            self.inner.send(frame)?;
        }
        // This frame has overtaken every frame held back before it: they follow now.
        while let Some((_, held)) = self.out_queue.held.pop_front() {
            self.inner.send(&held)?;
        }
        Ok(())
    }

    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        self.release_incoming(Instant::now());
        loop {
            // Frames already waiting came before any frame still in the device.
            if let Some(frame) = self.in_queue.ready.front() {
                let len = copy_frame(frame, buf)?;
                self.in_queue.ready.pop_front();
                return Ok(Some(len));
            }
            let Some(len) = self.inner.recv(buf)? else {
                return Ok(None);
            };
            let frame = buf.get(..len).unwrap_or_default();
            let fate = Self::roll(&mut self.rng, &self.incoming, &mut self.incoming_stats);
            if fate.dropped {
                continue;
            }
            if fate.held_back {
                let due = Instant::now() + self.incoming.reorder_hold;
                for _ in 0..fate.copies {
                    self.in_queue.held.push_back((due, frame.to_vec()));
                }
                continue;
            }
            if fate.copies == 2 {
                self.in_queue.ready.push_back(frame.to_vec());
            }
            // This frame has overtaken every frame held back before it: they follow now.
            let overtaken = self.in_queue.held.drain(..).map(|(_, held)| held);
            self.in_queue.ready.extend(overtaken);
            return Ok(Some(len));
        }
    }

    /// Waits no longer than the next held frame is due, then releases what is due.
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        if !self.in_queue.ready.is_empty() {
            return Ok(true);
        }
        let now = Instant::now();
        let until_release = self
            .next_release()
            .map(|due| due.saturating_duration_since(now));
        let timeout = match (timeout, until_release) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let readable = self.inner.wait(timeout)?;
        let now = Instant::now();
        self.release_outgoing(now)?;
        self.release_incoming(now);
        Ok(readable || !self.in_queue.ready.is_empty())
    }
}
