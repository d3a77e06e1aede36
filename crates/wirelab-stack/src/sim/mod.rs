//! A simulated network: two interfaces joined by a link, on virtual time that jumps to the
//! next wake-up (a timer of either stack, or a frame arriving). Deterministic: the same
//! seed gives the same run, frame for frame.
//!
//! ```text
//!   Interface A ──poll_transmit──> [PcapTap] -> [FaultInjector] -> Link(delay, bandwidth) ──> B
//!               <──────────────────────────── the same, the other way ─────────────────────
//! ```

mod link;

pub use link::{
    Capture, FaultInjector, FaultStats, Faults, Link, LinkConfig, Medium, PcapTap, SharedCapture,
};

use crate::iface::{Interface, InterfaceConfig};
use crate::tcp;
use crate::wire::{summarize_frame, EthernetAddress};
use crate::{Duration, Instant};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use std::collections::VecDeque;
use std::net::Ipv4Addr;

pub const ADDR_A: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
pub const ADDR_B: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
pub const MAC_A: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x01]);
pub const MAC_B: EthernetAddress = EthernetAddress([0x02, 0, 0, 0, 0, 0x02]);

/// Lines of trace kept (the most recent ones), so that long transfers use bounded memory.
const TRACE_LINES: usize = 400;

pub struct Sim {
    pub now: Instant,
    pub a: Interface,
    pub b: Interface,
    a_to_b: Box<dyn Medium>,
    b_to_a: Box<dyn Medium>,
    trace: VecDeque<String>,
    trace_omitted: u64,
    /// Frames that crossed, each way.
    pub frames: u64,
    /// While true, every frame sent is lost (a cable pulled out).
    pub link_down: bool,
}

/// How to build a two-host simulation.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub tcp: tcp::Config,
    pub link: LinkConfig,
    pub faults: Faults,
    pub seed: u64,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            tcp: tcp::Config {
                min_rto: Duration::from_millis(200),
                msl: Duration::from_secs(1),
                ..tcp::Config::default()
            },
            link: LinkConfig::default(),
            faults: Faults::default(),
            seed: 1,
        }
    }
}

impl Sim {
    pub fn new(
        a: Interface,
        b: Interface,
        a_to_b: Box<dyn Medium>,
        b_to_a: Box<dyn Medium>,
    ) -> Sim {
        Sim {
            now: Instant::ZERO,
            a,
            b,
            a_to_b,
            b_to_a,
            trace: VecDeque::new(),
            trace_omitted: 0,
            frames: 0,
            link_down: false,
        }
    }

    /// Host A (10.0.0.1) and host B (10.0.0.2) on one /24, each direction of the link with
    /// its own fault injector (seeded from `config.seed`) and, if given, a tap into `capture`.
    pub fn two_hosts(config: &SimConfig, capture: Option<SharedCapture>) -> Sim {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let mut host = |mac, ip| {
            let mut c = InterfaceConfig::new(mac, ip, 24);
            c.tcp = config.tcp.clone();
            rng.fill_bytes(&mut c.tcp.isn_secret);
            Interface::new(c)
        };
        let a = host(MAC_A, ADDR_A);
        let b = host(MAC_B, ADDR_B);
        let direction = |seed: u64| -> Box<dyn Medium> {
            let faulty =
                FaultInjector::new(Link::new(config.link.clone()), config.faults.clone(), seed);
            match &capture {
                Some(capture) => Box::new(PcapTap::new(faulty, capture.clone())),
                None => Box::new(faulty),
            }
        };
        let a_to_b = direction(config.seed.wrapping_mul(2).wrapping_add(1));
        let b_to_a = direction(config.seed.wrapping_mul(2).wrapping_add(2));
        Sim::new(a, b, a_to_b, b_to_a)
    }

    fn record(&mut self, line: String) {
        if self.trace.len() >= TRACE_LINES {
            self.trace.pop_front();
            self.trace_omitted += 1;
        }
        self.trace.push_back(line);
    }

    /// The frames so far, one line each (the last few hundred).
    pub fn trace_text(&self) -> String {
        let mut text = String::new();
        if self.trace_omitted > 0 {
            text.push_str(&format!(
                "... {} earlier lines omitted\n",
                self.trace_omitted
            ));
        }
        for line in &self.trace {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Moves frames at the current instant until nothing moves. Returns whether anything did.
    pub fn run_now(&mut self) -> bool {
        let now = self.now;
        let mut any = false;
        loop {
            let mut moved = false;
            while let Some(frame) = self.a.poll_transmit(now) {
                moved |= self.put_on_link(now, true, frame);
            }
            while let Some(frame) = self.b.poll_transmit(now) {
                moved |= self.put_on_link(now, false, frame);
            }
            while let Some(frame) = self.a_to_b.receive(now) {
                self.b.handle_frame(now, &frame);
                self.frames += 1;
                moved = true;
            }
            while let Some(frame) = self.b_to_a.receive(now) {
                self.a.handle_frame(now, &frame);
                self.frames += 1;
                moved = true;
            }
            if !moved {
                return any;
            }
            any = true;
        }
    }

    /// Traces a frame sent by A (`from_a`) or B and hands it to the medium towards the
    /// other host. Returns false when the link is down and the frame is lost.
    fn put_on_link(&mut self, now: Instant, from_a: bool, frame: Vec<u8>) -> bool {
        let sender = if from_a { "A" } else { "B" };
        let line = format!("{now} {sender} {}", summarize_frame(&frame));
        if self.link_down {
            self.record(format!("{line}  [link down]"));
            return false;
        }
        let medium = if from_a {
            &mut self.a_to_b
        } else {
            &mut self.b_to_a
        };
        medium.transmit(now, frame);
        let note = medium.take_note();
        self.record(match note {
            Some(n) => format!("{line}  [{n}]"),
            None => line,
        });
        true
    }

    /// The next instant at which anything happens.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [
            self.a.poll_timeout(),
            self.b.poll_timeout(),
            self.a_to_b.poll_timeout(),
            self.b_to_a.poll_timeout(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Jumps to the next wake-up (if it is not after `deadline`) and runs the timers.
    pub fn advance(&mut self, deadline: Instant) -> bool {
        match self.poll_timeout() {
            Some(at) if at <= deadline => {
                self.now = self.now.max(at);
                self.a.handle_timeout(self.now);
                self.b.handle_timeout(self.now);
                true
            }
            _ => false,
        }
    }

    /// Runs until `step` returns true (it is called whenever frames moved or time advanced,
    /// to let applications read and write) or until `deadline` passes with nothing to do.
    ///
    /// Panics, printing the trace, if time stops advancing while frames keep moving (a
    /// livelock between the two stacks).
    pub fn run_until(&mut self, deadline: Instant, mut step: impl FnMut(&mut Sim) -> bool) -> bool {
        let mut rounds_at_this_instant = 0u32;
        let mut instant = self.now;
        loop {
            self.run_now();
            if step(self) {
                return true;
            }
            if self.run_now() {
                rounds_at_this_instant += 1;
                assert!(
                    rounds_at_this_instant < 100_000,
                    "simulation stuck at {}: frames keep moving without time passing\n{}",
                    self.now,
                    self.trace_text()
                );
                continue;
            }
            if !self.advance(deadline) {
                return false;
            }
            if self.now != instant {
                instant = self.now;
                rounds_at_this_instant = 0;
            }
        }
    }
}
